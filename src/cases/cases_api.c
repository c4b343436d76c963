/*
 * Thin handlers of cases, bulletins and leads.
 */
#include "cases/cases_api.h"

#include <stdlib.h>
#include <string.h>

#include "attach/attach_api.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "core/xalloc.h"

static void answer(struct req *r, enum err e, int status, json_t *out, json_t *extra)
{
    if (e == ERR_OK) {
        json_decref(extra);
        resp_json(r, status, out);
        return;
    }
    json_decref(out);
    resp_error_extra(r, e, extra);
}

/* An ISO 8601 time member (with offset). */
static bool jin_time(struct req *r, json_t *o, const char *key, bool required, int64_t *out)
{
    const char *s;
    *out = 0;
    if (!jin_str(r, o, key, key, 40, required, &s))
        return false;
    if (s && !time_parse_iso(s, out)) {
        resp_fail(r, ERR_INVALID, key, "an ISO 8601 time with offset");
        return false;
    }
    return true;
}

static void list_answer(struct req *r, enum err e, json_t *items, char *next)
{
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

void case_api_create(struct req *r)
{
    static const char *const allowed[] = {"kind",        "title",      "description", "village_id",
                                          "occurred_at", "client_ref", NULL};
    json_t *o = jin_object(r);
    struct case_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) || !jin_str(r, o, "kind", "kind", 20, true, &in.kind) ||
        !jin_str(r, o, "title", "title", CASE_TITLE_MAX, true, &in.title) ||
        !jin_str(r, o, "description", "description", CASE_TEXT_MAX, false, &in.description) ||
        !jin_str(r, o, "village_id", "village_id", 64, true, &in.village_id) ||
        !jin_time(r, o, "occurred_at", true, &in.occurred_at) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *out = NULL;
    bool created = false;
    enum err e = case_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out, NULL);
}

void case_api_list(struct req *r)
{
    struct case_query q = {0};
    static const char *const statuses[] = {"open", "closed", NULL};
    static const char *const kinds[] = {"criminal", "public_security", NULL};
    if (!q_enum(r, "status", statuses, &q.status) || !q_enum(r, "kind", kinds, &q.kind) ||
        !q_str(r, "village_id", 64, &q.village_id) || !q_str(r, "cursor", 64, &q.cursor) ||
        !q_limit(r, &q.limit))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = case_list(&r->ctx, &q, &items, &next);

    list_answer(r, e, items, next);
}

void case_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = case_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out, NULL);
}

void case_api_close(struct req *r)
{
    static const char *const allowed[] = {"solved", "credited", NULL};
    json_t *o = jin_object(r);
    int solved;
    json_t *credited = NULL;
    if (!o || !jin_only(r, o, "", allowed) || !jin_bool(r, o, "solved", "solved", true, &solved) ||
        !jin_str_array(r, o, "credited", "credited", CASE_MAX_CREDITS, 64, false, &credited))
        return;
    const char *ids[CASE_MAX_CREDITS];
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(credited, i, v) ids[n++] = json_string_value(v);
    json_t *out = NULL, *extra = NULL;
    enum err e = case_close(&r->ctx, req_param(r, 0), solved == 1, ids, n, &out, &extra);
    answer(r, e, 200, out, extra);
}

void bulletin_api_create(struct req *r)
{
    static const char *const allowed[] = {"case_id",    "title",      "body", "area_ids",
                                          "expires_at", "client_ref", NULL};
    json_t *o = jin_object(r);
    struct bulletin_input in = {0};
    json_t *areas = NULL;
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "case_id", "case_id", 64, false, &in.case_id) ||
        !jin_str(r, o, "title", "title", CASE_TITLE_MAX, true, &in.title) ||
        !jin_str(r, o, "body", "body", CASE_TEXT_MAX, true, &in.body) ||
        !jin_str_array(r, o, "area_ids", "area_ids", BULLETIN_MAX_AREAS, 64, true, &areas) ||
        !jin_time(r, o, "expires_at", true, &in.expires_at) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    const char *ids[BULLETIN_MAX_AREAS];
    size_t i;
    json_t *v;
    json_array_foreach(areas, i, v) ids[in.n_areas++] = json_string_value(v);
    in.area_ids = ids;
    json_t *out = NULL;
    bool created = false;
    enum err e = bulletin_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out, NULL);
}

void bulletin_api_list(struct req *r)
{
    int limit;
    const char *cursor, *active;
    if (!q_limit(r, &limit) || !q_str(r, "cursor", 64, &cursor) || !q_str(r, "active", 8, &active))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e =
        bulletin_list(&r->ctx, active && strcmp(active, "true") == 0, cursor, limit, &items, &next);
    list_answer(r, e, items, next);
}

void bulletin_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = bulletin_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out, NULL);
}

void bulletin_api_attach(struct req *r)
{
    attach_api_upload(r, &bulletin_attach_owner);
}

void bulletin_api_attachment(struct req *r)
{
    attach_api_download(r, &bulletin_attach_owner);
}

void lead_api_create(struct req *r)
{
    static const char *const allowed[] = {"content", "client_ref", NULL};
    json_t *o = jin_object(r);
    struct lead_input in = {.bulletin_id = req_param(r, 0)};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "content", "content", CASE_TEXT_MAX, true, &in.content) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *out = NULL;
    bool created = false;
    enum err e = lead_create(&r->ctx, &in, &out, &created);
    if (e == ERR_STATE) {
        resp_error_extra(r, e, out);
        return;
    }
    answer(r, e, created ? 201 : 200, out, NULL);
}

void lead_api_list(struct req *r)
{
    int limit;
    const char *cursor, *bulletin_id;
    if (!q_limit(r, &limit) || !q_str(r, "cursor", 64, &cursor) ||
        !q_str(r, "bulletin_id", 64, &bulletin_id))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = lead_list(&r->ctx, bulletin_id, cursor, limit, &items, &next);

    list_answer(r, e, items, next);
}

void lead_api_assess(struct req *r)
{
    static const char *const allowed[] = {"useful", "note", NULL};
    json_t *o = jin_object(r);
    int useful;
    const char *note;
    if (!o || !jin_only(r, o, "", allowed) || !jin_bool(r, o, "useful", "useful", true, &useful) ||
        !jin_str(r, o, "note", "note", 500, false, &note))
        return;
    json_t *out = NULL;
    enum err e = lead_assess(&r->ctx, req_param(r, 0), useful == 1, note, &out);
    answer(r, e, 200, out, NULL);
}

void lead_api_attach(struct req *r)
{
    attach_api_upload(r, &lead_attach_owner);
}

void lead_api_attachment(struct req *r)
{
    attach_api_download(r, &lead_attach_owner);
}
