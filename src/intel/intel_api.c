/*
 * Thin handlers of public-security information reports.
 */
#include "intel/intel_api.h"

#include <stdlib.h>

#include "core/clock.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "intel/intel.h"
#include "core/xalloc.h"

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

static void answer(struct req *r, enum err e, int status, json_t *out)
{
    if (e == ERR_OK) {
        resp_json(r, status, out);
        return;
    }
    json_decref(out);
    resp_error(r, e);
}

void intel_api_create(struct req *r)
{
    static const char *const allowed[] = {"category",    "content",  "village_id", "occurred_at",
                                          "reported_at", "location", "client_ref", NULL};
    json_t *o = jin_object(r);
    struct intel_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "category", "category", 8, true, &in.category) ||
        !jin_str(r, o, "content", "content", INTEL_TEXT_MAX, true, &in.content) ||
        !jin_str(r, o, "village_id", "village_id", 64, true, &in.village_id) ||
        !jin_time(r, o, "occurred_at", true, &in.occurred_at) ||
        !jin_time(r, o, "reported_at", false, &in.reported_at) ||
        !jin_str(r, o, "location", "location", 200, false, &in.location) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *out = NULL;
    bool created = false;
    enum err e = intel_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out);
}

void intel_api_list(struct req *r)
{
    struct intel_query q = {0};
    static const char *const statuses[] = {"pending", "valid", "invalid", NULL};
    if (!q_enum(r, "status", statuses, &q.status) || !q_str(r, "village_id", 64, &q.village_id) ||
        !q_str(r, "category", 8, &q.category) || !q_str(r, "cursor", 64, &q.cursor) ||
        !q_limit(r, &q.limit))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = intel_list(&r->ctx, &q, &items, &next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

void intel_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = intel_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out);
}

void intel_api_assess(struct req *r)
{
    static const char *const allowed[] = {"valid", "note", NULL};
    json_t *o = jin_object(r);
    int valid;
    const char *note;
    if (!o || !jin_only(r, o, "", allowed) || !jin_bool(r, o, "valid", "valid", true, &valid) ||
        !jin_str(r, o, "note", "note", 500, false, &note))
        return;
    json_t *out = NULL;
    enum err e = intel_assess(&r->ctx, req_param(r, 0), valid == 1, note, &out);
    answer(r, e, 200, out);
}
