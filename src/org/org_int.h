/*
 * Internals of the org module shared by its files: the repositories (the
 * only org files that hold SQL: area_repo.c, unit_repo.c, assistant_repo.c),
 * the pure parser of the division CSV (divisions.c, unit-tested without a
 * database) and the read functions behind the HTTP handlers (org.c), which
 * return plain structs that org_api.c renders.
 *
 * Ownership: every *_list struct owns its arrays and is freed with its
 * *_release(); rows handed to repository callbacks are borrowed for the
 * duration of the call.
 */
#ifndef CUNJING_ORG_ORG_INT_H
#define CUNJING_ORG_ORG_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "core/rand.h"
#include "org/org.h"
#include "org/scope.h"
#include "person/phone.h"

struct tx;

/* --- levels -------------------------------------------------------------- */

/*
 * The rank of a level in the tree: province 0, city 1, county 2, town 3,
 * community and village 4, natural_village 5; -1 when unknown. A child's
 * rank is strictly greater than its parent's.
 */
int org_level_rank(const char *level);

/* --- division CSV (divisions.c) ------------------------------------------- */

#define DIVISIONS_MAX_BYTES (16u * 1024u * 1024u)
#define DIVISIONS_MAX_ROWS 200000
#define DIVISIONS_NAME_MAX 150 /* bytes of name_zh / short_name */

/* Column positions found in the header; -1 when the column is absent. */
struct divisions_header {
    int n_cols;
    int short_name;
    int urban_rural_code;
};

/* One parsed data row; the strings point into the caller's line buffer. */
struct division_row {
    const char *code; /* "" for natural villages */
    const char *level;
    const char *name;
    const char *parent_code;      /* "" for a root */
    const char *short_name;       /* NULL when the column is absent or empty */
    const char *urban_rural_code; /* NULL when absent or empty */
};

/*
 * Parses the header line (modified in place; no line terminator). ERR_INVALID
 * with a message in ei when it does not start with code,level,name_zh,
 * parent_code.
 */
enum err divisions_parse_header(char *line, struct divisions_header *h, struct errinfo *ei);
/*
 * Parses one data line (modified in place: commas become NULs; a trailing CR
 * is dropped) and checks what a row can say alone: the column count, the
 * level, a 12-digit code (empty exactly for natural_village), a 12-digit or
 * empty parent code (never empty for a natural village, never equal to the
 * row's own code), a non-empty name of valid UTF-8. ERR_INVALID with the
 * reason (without the line number) in ei.
 */
enum err divisions_parse_row(char *line, const struct divisions_header *h, struct division_row *out,
                             struct errinfo *ei);

/* --- area repository (area_repo.c) --------------------------------------- */

/* A full areas row as the importer needs it. */
struct area_full {
    const char *id;
    const char *code; /* NULL for natural villages */
    const char *level;
    const char *name;
    const char *short_name; /* may be NULL */
    const char *parent_id;  /* NULL for a root */
    const char *path;
    int depth;
    const char *urban_rural_code; /* may be NULL */
};

typedef enum err (*area_full_fn)(const struct area_full *a, void *arg);

enum err area_repo_by_code(struct tx *tx, const char *code, struct area_row *out);
enum err area_repo_by_id(struct tx *tx, const char *id, struct area_row *out);
/* Calls fn for every area (any order). */
enum err area_repo_each(struct tx *tx, area_full_fn fn, void *arg);
enum err area_repo_insert(struct tx *tx, const struct area_full *a, int64_t now);
/* Rewrites every column but id and created_at. */
enum err area_repo_update(struct tx *tx, const struct area_full *a);
/*
 * The children of parent_id (or, when NULL, the roots), ordered by code
 * (natural villages last, by name); at most max rows. Appends to out.
 */
typedef enum err (*area_row_fn)(const struct area_row *a, void *arg);
enum err area_repo_children(struct tx *tx, const char *parent_id, int max, area_row_fn fn,
                            void *arg);
/* The nearest ancestor-or-self of the area at path whose level is level. */
enum err area_repo_ancestor_at(struct tx *tx, const char *path, const char *level,
                               struct area_row *out);
/*
 * Villages and communities inside the subtree at root_path without an
 * assistant whose user is enabled, by code; at most max rows.
 */
enum err area_repo_uncovered(struct tx *tx, const char *root_path, int max, area_row_fn fn,
                             void *arg);
/* The areas of a user (user_areas), with their paths. */
enum err area_repo_of_user(struct tx *tx, const char *user_id, area_row_fn fn, void *arg);

/* --- unit repository (unit_repo.c) --------------------------------------- */

#define UNIT_CODE_MAX 32

struct unit_area {
    char unit_id[RAND_ID_LEN + 1];
    char unit_code[UNIT_CODE_MAX + 1];
    char unit_name[160];
    char kind[16];
    char area_id[RAND_ID_LEN + 1];
    char area_path[AREA_PATH_MAX];
};
typedef enum err (*unit_area_fn)(const struct unit_area *u, void *arg);

enum err unit_repo_by_code(struct tx *tx, const char *code, char id_out[RAND_ID_LEN + 1]);
enum err unit_repo_exists(struct tx *tx, const char *unit_id);
enum err unit_repo_insert(struct tx *tx, const char *id, const char *code, const char *name,
                          const char *kind, int64_t now);
enum err unit_repo_add_area(struct tx *tx, const char *unit_id, const char *area_id);
/* Every (unit, area) pair ordered by unit code then area path. */
enum err unit_repo_each_area(struct tx *tx, unit_area_fn fn, void *arg);
/* The jurisdiction of one unit (area ids and paths). */
enum err unit_repo_areas_of(struct tx *tx, const char *unit_id, area_row_fn fn, void *arg);
/*
 * The station whose jurisdiction holds the area at path (the one whose
 * jurisdiction area is deepest, then by code); ERR_NOT_FOUND when none.
 */
enum err unit_repo_station_for(struct tx *tx, const char *path, char id_out[RAND_ID_LEN + 1],
                               char *name_out, size_t name_size);

/* --- assistant repository (assistant_repo.c) ----------------------------- */

#define ASSISTANT_MAX_OFFICERS 16

struct assistant_item {
    char id[RAND_ID_LEN + 1];
    char user_id[RAND_ID_LEN + 1];
    char name[128];
    char village_id[RAND_ID_LEN + 1];
    char village_code[16];
    char village_name[160];
    char village_path[AREA_PATH_MAX];
    char employer_id[RAND_ID_LEN + 1]; /* "" when unset (then: the town above) */
    char employer_name[160];
    char station_id[RAND_ID_LEN + 1]; /* "" when none */
    char station_name[160];
    char officer_ids[ASSISTANT_MAX_OFFICERS][RAND_ID_LEN + 1];
    size_t n_officers;
    char phone[PHONE_SIZE];  /* "" when none */
    char contract_start[11]; /* "" when none */
    char contract_end[11];
    int64_t version;
};

/* What list queries select; "" means no filter. */
struct assistant_filter {
    const char *root_path;  /* subtree of the village ("/" = all) */
    const char *village_id; /* "" = any */
    const char *user_id;    /* "" = any */
    const char *after_code; /* keyset cursor: village code, "" = from the start */
    const char *after_id;
    int limit;
};
typedef enum err (*assistant_fn)(const struct assistant_item *a, void *arg);

/* Rows of the assistants table (id .. version, village_*, name); no station/officers. */
enum err assistant_repo_list(struct tx *tx, const struct assistant_filter *f, assistant_fn fn,
                             void *arg);
enum err assistant_repo_by_id(struct tx *tx, const char *id, struct assistant_item *out);
enum err assistant_repo_by_user(struct tx *tx, const char *user_id, struct assistant_item *out);
/* Officers (enabled) whose scope holds the area at path; at most max ids. */
enum err assistant_repo_officers_for(struct tx *tx, const char *path, char (*ids)[RAND_ID_LEN + 1],
                                     size_t max, size_t *n);
enum err assistant_repo_insert(struct tx *tx, const char *id, const char *user_id,
                               const char *village_id, int64_t now);
/* Moves the assistant to village_id (the employer goes back to the default). */
enum err assistant_repo_move(struct tx *tx, const char *id, const char *village_id, int64_t now);
/* Writes the second line; NULL values store NULL. version++. */
enum err assistant_repo_update(struct tx *tx, const char *id, const char *employer_id,
                               const char *phone, const char *contract_start,
                               const char *contract_end, int64_t now);

/* A user as assistant_set needs it; ERR_NOT_FOUND when no such username. */
struct org_user {
    char id[RAND_ID_LEN + 1];
    char role[20];
};
enum err assistant_repo_user_by_name(struct tx *tx, const char *username, struct org_user *out);

/* --- reads behind the handlers (org.c) ------------------------------------ */

struct area_list {
    struct area_row *items; /* owned */
    size_t n;
};
void area_list_release(struct area_list *l);

struct unit_item {
    char id[RAND_ID_LEN + 1];
    char code[UNIT_CODE_MAX + 1];
    char name[160];
    char kind[16];
    char (*area_ids)[RAND_ID_LEN + 1]; /* owned */
    size_t n_areas;
};
struct unit_list {
    struct unit_item *items; /* owned */
    size_t n;
};
void unit_list_release(struct unit_list *l);

struct assistant_list {
    struct assistant_item *items; /* owned */
    size_t n;
};
void assistant_list_release(struct assistant_list *l);

#define AREA_LIST_MAX 2000
#define ASSISTANT_CURSOR_MAX 64

/*
 * The caller's scope roots (parent_id NULL) or the children of parent_id
 * (ERR_NOT_FOUND, ctx->denial when it exists out of scope). ctx->who set.
 */
enum err org_areas_list(struct ctx *ctx, const char *parent_id, struct area_list *out);
/* One area in scope; ERR_NOT_FOUND otherwise. */
enum err org_area_get(struct ctx *ctx, const char *id, struct area_row *out);
/* Units whose jurisdiction meets the caller's scope, by code. */
enum err org_units_list(struct ctx *ctx, struct unit_list *out);

struct assistant_query {
    const char *village_id; /* NULL = any */
    const char *cursor;     /* NULL = first page */
    int limit;
};
/*
 * A page of the assistants the caller may see; next_cursor "" at the end.
 * ERR_FORBIDDEN for roles without R; ERR_INVALID (field cursor) for a bad
 * cursor; ERR_NOT_FOUND for a village filter out of scope.
 */
enum err org_assistants_list(struct ctx *ctx, const struct assistant_query *q,
                             struct assistant_list *out, char next_cursor[ASSISTANT_CURSOR_MAX]);
/* One assistant (detail view): scope, then right; audited as "assistant.read". */
enum err org_assistant_get(struct ctx *ctx, const char *id, struct assistant_item *out);
/* Villages and communities in scope without an assistant, by code. */
enum err org_assistant_coverage(struct ctx *ctx, struct area_list *out);

/* Loads everything of an assistant_item the assistants row does not hold. */
enum err org_assistant_enrich(struct tx *tx, struct assistant_item *a);

#endif
