/*
 * Areas (the division tree), police units and their jurisdictions, and
 * police assistants with their two lines (employed by a town, tasked by the
 * station whose jurisdiction holds their village and by the officers whose
 * scope holds it). The domain API used by the CLI, the users module, the
 * demo and the HTTP handlers in org_api.h.
 *
 * Every function that takes a struct tx runs inside the caller's
 * transaction; functions that take only a struct ctx open their own and
 * write their audit record in it.
 */
#ifndef CUNJING_ORG_ORG_H
#define CUNJING_ORG_ORG_H
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "core/rand.h"
#include "org/scope.h"

struct tx;

#define AREA_PATH_MAX 256

struct area_row {
    char id[RAND_ID_LEN + 1];
    char code[16];  /* "" for natural villages */
    char level[20]; /* province ... natural_village */
    char name[160];
    char parent_id[RAND_ID_LEN + 1]; /* "" for a root */
    char path[AREA_PATH_MAX];
};

/* Lookups; ERR_NOT_FOUND when absent. */
enum err org_area_by_code(struct tx *tx, const char *code, struct area_row *out);
enum err org_area_by_id(struct tx *tx, const char *id, struct area_row *out);
/* A unit's id by its code; ERR_NOT_FOUND when absent. */
enum err org_unit_by_code(struct tx *tx, const char *code, char id_out[RAND_ID_LEN + 1]);
enum err org_unit_exists(struct tx *tx, const char *unit_id);
/* The area and the id of its county (the root when the tree has no county). */
enum err org_area_county(struct tx *tx, const char *area_id, struct area_row *a,
                         char county[RAND_ID_LEN + 1]);

/*
 * The scope of a user: the subtrees of their user_areas; when they have none
 * and a unit, the unit's jurisdiction; an admin with neither sees the whole
 * tree. Fills out (initialised by the caller with scope_init).
 */
enum err org_load_scope(struct tx *tx, const char *user_id, const char *unit_id, enum role role,
                        struct scope *out);

struct divisions_result {
    int rows;    /* data rows read */
    int added;   /* areas created */
    int updated; /* areas whose name/level changed */
};
/*
 * `cunjing import divisions`: loads a CSV in the format of
 * yongning-divisions.csv (header code,level,name_zh,parent_code,...; rows in
 * any order; natural villages keyed by parent and name). All or nothing: a
 * bad row is reported as "line N: ..." in ctx->err and nothing is stored.
 * Importing the same file again changes nothing.
 */
enum err org_import_divisions(struct ctx *ctx, const char *csv_path, struct divisions_result *out);

/* `cunjing unit add`: a police unit and its jurisdiction (area codes). */
enum err org_unit_add(struct ctx *ctx, const char *code, const char *name, const char *kind,
                      const char *const *area_codes, size_t n_areas);

struct assistant_input {
    const char *username;
    const char *phone;          /* NULL: unchanged */
    const char *employer_code;  /* NULL: unchanged (default: the town above the village) */
    const char *contract_start; /* YYYY-MM-DD or NULL */
    const char *contract_end;
};
/* `cunjing assistant set`: the assistant's second line and contract. */
enum err org_assistant_set(struct ctx *ctx, const struct assistant_input *in);

/*
 * Creates or updates the assistants row of an assistant user for village
 * (a village or community area), employer defaulting to the town above it.
 * Called by the users module inside its transaction when an assistant is
 * created or moved.
 */
enum err org_assistant_ensure(struct tx *tx, const char *user_id, const char *village_id);

#endif
