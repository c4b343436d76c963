/*
 * Cases, case bulletins (协查通报) and leads. Police record a case, push a
 * bulletin to the assistants of any areas of the tree inside their own scope,
 * and assess the leads the assistants send back; closing a case solved with
 * credited assistants makes it a case the assistants helped to solve (the
 * statistics count it). A bulletin reaches every assistant whose village
 * lies inside one of its areas: in their list and, at once, on their live
 * event stream.
 */
#ifndef CUNJING_CASES_CASES_H
#define CUNJING_CASES_CASES_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define CASE_TITLE_MAX 100
#define CASE_TEXT_MAX 4000
#define BULLETIN_MAX_AREAS 64
#define CASE_MAX_CREDITS 32

struct case_input {
    const char *kind; /* criminal | public_security */
    const char *title;
    const char *description;
    const char *village_id; /* or village_code (CLI import) */
    bool village_by_code;
    int64_t occurred_at;
    const char *client_ref;
};
enum err case_create(struct ctx *ctx, const struct case_input *in, json_t **out, bool *created);
enum err case_get(struct ctx *ctx, const char *id, json_t **out);
struct case_query {
    const char *status, *kind, *village_id, *cursor;
    int limit;
};
enum err case_list(struct ctx *ctx, const struct case_query *q, json_t **items, char **next);
enum err case_close(struct ctx *ctx, const char *id, bool solved, const char *const *credited,
                    size_t n_credited, json_t **out, json_t **extra);
/*
 * `cunjing import cases FILE.csv` (header kind,title,description,village_code,
 * occurred_at): all or nothing; a bad row is "line N: why" in ctx->err.
 */
enum err case_import(struct ctx *ctx, const char *path, int *imported);

struct bulletin_input {
    const char *case_id; /* may be NULL */
    const char *title;
    const char *body;
    const char *const *area_ids;
    size_t n_areas;
    int64_t expires_at;
    const char *client_ref;
};
enum err bulletin_create(struct ctx *ctx, const struct bulletin_input *in, json_t **out,
                         bool *created);
enum err bulletin_get(struct ctx *ctx, const char *id, json_t **out);
enum err bulletin_list(struct ctx *ctx, bool active_only, const char *cursor, int limit,
                       json_t **items, char **next);

struct lead_input {
    const char *bulletin_id;
    const char *content;
    const char *client_ref;
};
enum err lead_create(struct ctx *ctx, const struct lead_input *in, json_t **out, bool *created);
enum err lead_assess(struct ctx *ctx, const char *id, bool useful, const char *note, json_t **out);
enum err lead_list(struct ctx *ctx, const char *bulletin_id, const char *cursor, int limit,
                   json_t **items, char **next);

struct attach_owner;
extern const struct attach_owner bulletin_attach_owner;
extern const struct attach_owner lead_attach_owner;

#endif
