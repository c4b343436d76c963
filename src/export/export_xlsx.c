/*
 * The XLSX writer of the exports and the monthly report, over libxlsxwriter.
 * libxlsxwriter writes to a file, so the workbook goes to a temporary file
 * (mkstemp in $TMPDIR), is read back into memory and unlinked at once. User
 * text is always written with worksheet_write_string - never as a formula,
 * whatever it starts with - so a cell "=HYPERLINK(...)" stays text; numbers
 * are numbers. Constant-memory mode streams rows to disk (a large export
 * does not hold every cell twice) and stores text as inline strings.
 * Control characters that XML cannot carry become spaces, and a cell is cut
 * at Excel's limit of 32,767 characters (on a UTF-8 boundary).
 */
#include "export/export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "core/log.h"
#include "core/xalloc.h"

/* A copy of s fit for a cell: no XML-invalid controls, at most EXPORT_CELL_MAX chars. */
static char *cell_text(const char *s)
{
    size_t n = strlen(s), chars = 0, i;
    char *out = xmalloc(n + 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80 && ++chars > EXPORT_CELL_MAX)
            break;
        out[i] = c < 0x20 && c != '\t' && c != '\n' && c != '\r' ? ' ' : (char)c;
    }
    out[i] = '\0';
    return out;
}

static lxw_error write_cell(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, json_t *v)
{
    if (json_is_string(v)) {
        char *t = cell_text(json_string_value(v));
        lxw_error e = worksheet_write_string(ws, r, c, t, NULL);
        free(t);
        return e;
    }
    if (json_is_integer(v))
        return worksheet_write_number(ws, r, c, (double)json_integer_value(v), NULL);
    if (json_is_real(v))
        return worksheet_write_number(ws, r, c, json_real_value(v), NULL);
    return LXW_NO_ERROR;
}

static lxw_error fill(lxw_workbook *wb, const struct export_table *t)
{
    char sheet[32];
    snprintf(sheet, sizeof sheet, "%s", t->sheet ? t->sheet : "Sheet1");
    lxw_worksheet *ws = workbook_add_worksheet(wb, sheet);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    for (size_t c = 0; c < t->ncols; c++)
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, t->widths ? t->widths[c] : 14.0, NULL);
    lxw_row_t r = 0;
    lxw_error e = LXW_NO_ERROR;
    if (t->caption) {
        char *cap = cell_text(t->caption);
        e = worksheet_write_string(ws, r++, 0, cap, bold);
        free(cap);
    }
    worksheet_freeze_panes(ws, r + 1, 0);
    for (size_t c = 0; e == LXW_NO_ERROR && c < t->ncols; c++) {
        char *h = cell_text(t->headers[c]);
        e = worksheet_write_string(ws, r, (lxw_col_t)c, h, bold);
        free(h);
    }
    r++;
    size_t i;
    json_t *row;
    json_array_foreach(t->rows, i, row)
    {
        for (size_t c = 0; e == LXW_NO_ERROR && c < t->ncols; c++)
            e = write_cell(ws, r, (lxw_col_t)c, json_array_get(row, c));
        if (e != LXW_NO_ERROR)
            break;
        r++;
    }
    return e;
}

/* Reads the whole file at fd into *data. */
static bool slurp(int fd, char **data, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || lseek(fd, 0, SEEK_SET) != 0)
        return false;
    size_t n = (size_t)st.st_size, got = 0;
    char *p = xmalloc(n);
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            free(p);
            return false;
        }
        got += (size_t)k;
    }
    *data = p;
    *len = n;
    return true;
}

enum err export_xlsx(const struct export_table *t, char **data, size_t *len)
{
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    char path[4096];
    snprintf(path, sizeof path, "%s/cunjing-export-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        log_error("export: mkstemp in %s: %s", dir, strerror(errno));
        return ERR_INTERNAL;
    }
    char tmpdir[4096];
    snprintf(tmpdir, sizeof tmpdir, "%s", dir);
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = tmpdir};
    enum err rc = ERR_INTERNAL;
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (!wb) {
        log_error("export: workbook_new_opt failed");
        goto out;
    }
    lxw_error e = fill(wb, t);
    lxw_error ce = workbook_close(wb);
    if (e != LXW_NO_ERROR || ce != LXW_NO_ERROR) {
        log_error("export: xlsx: %s", lxw_strerror(e != LXW_NO_ERROR ? e : ce));
        goto out;
    }
    if (slurp(fd, data, len))
        rc = ERR_OK;
    else
        log_error("export: reading back %s failed", path);
out:
    close(fd);
    unlink(path);
    return rc;
}
