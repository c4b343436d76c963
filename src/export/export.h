/*
 * Exports: every list of the records (and the assistants' register and
 * scorecard) as a CSV or XLSX file for the roles with X in the Rights table.
 * An export is the list itself - the domain list function runs with the
 * caller's ctx, so scope, own-records rules and ID masking are exactly the
 * list's - paged through to EXPORT_MAX_ROWS, then rendered as a table
 * (export_table) by export_csv() or export_xlsx(). Each export is counted
 * against a per-user rate limit (in a transaction of its own, so refused
 * attempts count too) and audited as "export.<dataset>" with the row count.
 *
 * Progress for large exports is a client concern: the server answers in one
 * response with a Content-Length and an X-Export-Rows header, so a client
 * shows download progress from the bytes received and the row count after.
 */
#ifndef CUNJING_EXPORT_EXPORT_H
#define CUNJING_EXPORT_EXPORT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/buf.h"

#define EXPORT_MAX_ROWS 100000 /* over it: ERR_TOO_LARGE, narrow the filters */
#define EXPORT_PER_MINUTE 10   /* exports per user and minute */
#define EXPORT_NAME_MAX 64     /* file name, ASCII */
#define EXPORT_CELL_MAX 32767  /* characters of one cell (Excel's limit) */

enum export_format {
    EXPORT_CSV,
    EXPORT_XLSX,
};

/*
 * A rectangular table: a header row and rows of cells. Cells are JSON
 * strings (user text, always written as text), integers or reals (numbers)
 * or null (empty). Borrowed by the writers.
 */
struct export_table {
    const char *sheet;          /* worksheet name (XLSX), ASCII or UTF-8, <= 31 chars */
    const char *caption;        /* optional title line above the header (NULL: none) */
    size_t ncols;               /* columns */
    const char *const *headers; /* ncols header texts */
    const double *widths;       /* ncols column widths in characters, or NULL */
    json_t *rows;               /* array of arrays of ncols cells */
};

/*
 * CSV: UTF-8 with a BOM, CRLF records, RFC 4180 quoting, and a cell of text
 * that starts with = + - @ TAB CR or a full-width ＝ ＋ － ＠ gets a
 * leading ' so that a spreadsheet never evaluates it. Appends to out (a
 * buffer with its ceiling); false when the ceiling was hit.
 */
bool export_csv(const struct export_table *t, struct buf *out);
/* Appends one CSV field (no separator) with the quoting and injection rules. */
bool export_csv_field(struct buf *out, const char *s);

/*
 * XLSX through libxlsxwriter into a temporary file (mkstemp in $TMPDIR, read
 * back and unlinked): text cells with worksheet_write_string (never a
 * formula), numbers as numbers, a bold header row frozen at the top, column
 * widths. *data (owned, free()) and *len on success; ERR_INTERNAL otherwise.
 */
enum err export_xlsx(const struct export_table *t, char **data, size_t *len);

/* The query filters an export passes on to its list (all optional, borrowed). */
struct export_filters {
    const char *status, *village_id, *business_type, *q, *overdue, *risk_level, *category, *kind,
        *key_person_id, *station_id, *team_id, *active, *bulletin_id, *area_id;
    const char *from, *to; /* dates YYYY-MM-DD as given (the scorecard needs both) */
    int64_t from_t, to_t;  /* the same as the start and end second of the day, 0 if absent */
};

/* A finished export: the file and what to call it. */
struct export_file {
    char *data; /* owned */
    size_t len;
    size_t rows;
    const char *content_type; /* static */
    char name[EXPORT_NAME_MAX];
};
void export_file_release(struct export_file *f);

/*
 * GET /api/v1/exports/{dataset}: ERR_NOT_FOUND for an unknown dataset,
 * ERR_FORBIDDEN for a role without X, ERR_RATE_LIMITED (ctx->err.retry_after
 * set) over EXPORT_PER_MINUTE, the list's own errors (404 out-of-scope
 * village, 422 bad filter), ERR_TOO_LARGE over EXPORT_MAX_ROWS. Audited.
 */
enum err export_run(struct ctx *ctx, const char *dataset, enum export_format fmt,
                    const struct export_filters *f, struct export_file *out);

/* "<prefix>-YYYYMMDD.<ext>" for today in the configured zone. */
void export_file_name(const char *prefix, enum export_format fmt, char out[EXPORT_NAME_MAX]);

#endif
