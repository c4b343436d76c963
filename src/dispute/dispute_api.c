/*
 * Thin handlers of disputes: shapes and limits here, rules in dispute.c.
 */
#include "dispute/dispute_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach_api.h"
#include "core/clock.h"
#include "dispute/dispute.h"
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

static bool one_of(struct req *r, const char *v, const char *field, const char *const *allowed,
                   const char *msg)
{
    for (const char *const *a = allowed; *a; a++)
        if (!strcmp(*a, v))
            return true;
    resp_fail(r, ERR_INVALID, field, msg);
    return false;
}

static bool read_parties(struct req *r, json_t *o, json_t **parties)
{
    static const char *const allowed[] = {"name", "id_number", "phone", "role", NULL};
    static const char *const roles[] = {"applicant", "respondent", "other", NULL};
    json_t *p = json_object_get(o, "parties");
    if (!json_is_array(p) || json_array_size(p) == 0 || json_array_size(p) > DISPUTE_MAX_PARTIES) {
        resp_fail(r, ERR_INVALID, "parties", "1-20 parties");
        return false;
    }
    size_t i;
    json_t *it;
    json_array_foreach(p, i, it)
    {
        char prefix[32], fn[48], fi[48], fp[48], fr[48];
        snprintf(prefix, sizeof prefix, "parties.%zu.", i);
        if (!json_is_object(it)) {
            snprintf(fn, sizeof fn, "parties.%zu", i);
            resp_fail(r, ERR_INVALID, fn, "an object");
            return false;
        }
        snprintf(fn, sizeof fn, "%sname", prefix);
        snprintf(fi, sizeof fi, "%sid_number", prefix);
        snprintf(fp, sizeof fp, "%sphone", prefix);
        snprintf(fr, sizeof fr, "%srole", prefix);
        const char *name, *idn, *phone, *role;
        if (!jin_only(r, it, prefix, allowed) || !jin_str(r, it, "name", fn, 64, true, &name) ||
            !jin_str(r, it, "id_number", fi, 32, false, &idn) ||
            !jin_str(r, it, "phone", fp, 32, false, &phone) ||
            !jin_str(r, it, "role", fr, 20, true, &role) ||
            !one_of(r, role, fr, roles, "applicant, respondent or other"))
            return false;
    }
    *parties = p;
    return true;
}

void dispute_api_create(struct req *r)
{
    static const char *const allowed[] = {"category",    "title",      "description", "village_id",
                                          "hamlet_id",   "parties",    "risk_level",  "occurred_at",
                                          "reported_at", "client_ref", NULL};
    static const char *const risks[] = {"low", "medium", "high", NULL};
    json_t *o = jin_object(r);
    struct dispute_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "category", "category", 8, true, &in.category) ||
        !jin_str(r, o, "title", "title", DISPUTE_TITLE_MAX, true, &in.title) ||
        !jin_str(r, o, "description", "description", DISPUTE_TEXT_MAX, false, &in.description) ||
        !jin_str(r, o, "village_id", "village_id", 64, true, &in.village_id) ||
        !jin_str(r, o, "hamlet_id", "hamlet_id", 64, false, &in.hamlet_id) ||
        !read_parties(r, o, &in.parties) ||
        !jin_str(r, o, "risk_level", "risk_level", 8, true, &in.risk_level) ||
        !one_of(r, in.risk_level, "risk_level", risks, "low, medium or high") ||
        !jin_time(r, o, "occurred_at", true, &in.occurred_at) ||
        !jin_time(r, o, "reported_at", false, &in.reported_at) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *out = NULL;
    bool created = false;
    enum err e = dispute_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out, NULL);
}

void dispute_api_list(struct req *r)
{
    struct dispute_query q = {0};
    static const char *const statuses[] = {"open",       "mediating", "resolved",
                                           "unresolved", "referred",  NULL};
    static const char *const risks[] = {"low", "medium", "high", NULL};
    if (!q_enum(r, "status", statuses, &q.status) || !q_str(r, "village_id", 64, &q.village_id) ||
        !q_enum(r, "risk_level", risks, &q.risk_level) || !q_str(r, "category", 8, &q.category) ||
        !q_str(r, "cursor", 64, &q.cursor) || !q_limit(r, &q.limit))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = dispute_list(&r->ctx, &q, &items, &next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

void dispute_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = dispute_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out, NULL);
}

void dispute_api_session(struct req *r)
{
    static const char *const allowed[] = {
        "held_at", "mediators", "participants", "notes", "outcome", "client_ref", NULL};
    static const char *const outcomes[] = {"continuing", "agreed", "failed", NULL};
    json_t *o = jin_object(r);
    struct dispute_session_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) || !jin_time(r, o, "held_at", true, &in.held_at) ||
        !jin_str_array(r, o, "mediators", "mediators", DISPUTE_MAX_NAMES, 64, true,
                       &in.mediators) ||
        !jin_str_array(r, o, "participants", "participants", DISPUTE_MAX_NAMES, 64, false,
                       &in.participants) ||
        !jin_str(r, o, "notes", "notes", DISPUTE_TEXT_MAX, false, &in.notes) ||
        !jin_str(r, o, "outcome", "outcome", 12, true, &in.outcome) ||
        !one_of(r, in.outcome, "outcome", outcomes, "continuing, agreed or failed") ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *empty = NULL;
    if (!in.participants)
        in.participants = empty = json_array();
    json_t *out = NULL, *extra = NULL;
    bool created = false;
    enum err e = dispute_add_session(&r->ctx, req_param(r, 0), &in, &out, &extra, &created);
    json_decref(empty);
    answer(r, e, created ? 201 : 200, out, extra);
}

void dispute_api_close(struct req *r)
{
    static const char *const allowed[] = {"result",      "agreement",  "witnesses",
                                          "referred_to", "client_ref", NULL};
    static const char *const results[] = {"resolved", "unresolved", "referred", NULL};
    json_t *o = jin_object(r);
    struct dispute_close_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "result", "result", 12, true, &in.result) ||
        !one_of(r, in.result, "result", results, "resolved, unresolved or referred") ||
        !jin_str(r, o, "agreement", "agreement", DISPUTE_TEXT_MAX, false, &in.agreement) ||
        !jin_str_array(r, o, "witnesses", "witnesses", DISPUTE_MAX_NAMES, 64, false,
                       &in.witnesses) ||
        !jin_str(r, o, "referred_to", "referred_to", 200, false, &in.referred_to) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *out = NULL, *extra = NULL;
    enum err e = dispute_close(&r->ctx, req_param(r, 0), &in, &out, &extra);
    answer(r, e, 200, out, extra);
}

void dispute_api_followup(struct req *r)
{
    static const char *const allowed[] = {"at", "notes", "client_ref", NULL};
    json_t *o = jin_object(r);
    int64_t at;
    const char *notes, *ref;
    if (!o || !jin_only(r, o, "", allowed) || !jin_time(r, o, "at", true, &at) ||
        !jin_str(r, o, "notes", "notes", DISPUTE_TEXT_MAX, false, &notes) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &ref))
        return;
    json_t *out = NULL, *extra = NULL;
    bool created = false;
    enum err e =
        dispute_add_followup(&r->ctx, req_param(r, 0), at, notes, ref, &out, &extra, &created);
    answer(r, e, created ? 201 : 200, out, extra);
}

void dispute_api_attach(struct req *r)
{
    attach_api_upload(r, &dispute_attach_owner);
}

void dispute_api_attachment(struct req *r)
{
    attach_api_download(r, &dispute_attach_owner);
}
