/*
 * Thin handlers of the household module: allow-listed fields into domain
 * inputs, one domain call, render.
 */
#include "household/household_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach_api.h"
#include "household/household.h"
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
    if (e == ERR_VERSION_CONFLICT) {
        json_decref(extra);
        resp_error_extra(r, e, json_pack("{so}", "current", out ? out : json_null()));
        return;
    }
    json_decref(out);
    resp_error_extra(r, e, extra);
}

void household_api_types(struct req *r)
{
    json_t *items = NULL;
    enum err e = household_types_list(&r->ctx, &items);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, NULL);
}

void household_api_type_put(struct req *r)
{
    static const char *const allowed[] = {"version", "name", "promised_days", "days_unit", NULL};
    json_t *o = jin_object(r);
    struct hh_type_patch p = {.promised_days = -1};
    int64_t days = -1;
    bool has_days, has_version;
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_int(r, o, "version", "version", true, 1, INT64_MAX, &p.version, &has_version) ||
        !jin_str(r, o, "name", "name", 128, false, &p.name) ||
        !jin_int(r, o, "promised_days", "promised_days", false, 0, 365, &days, &has_days) ||
        !jin_str(r, o, "days_unit", "days_unit", 20, false, &p.days_unit))
        return;
    if (has_days)
        p.promised_days = (int)days;
    json_t *out = NULL;
    enum err e = household_type_update(&r->ctx, req_param(r, 0), &p, &out);
    answer(r, e, 200, out, NULL);
}

/* applicant {"name","id_number","phone"}: all required. */
static bool read_applicant(struct req *r, json_t *o, const char **name, const char **id,
                           const char **phone)
{
    static const char *const allowed[] = {"name", "id_number", "phone", NULL};
    json_t *a = json_object_get(o, "applicant");
    if (!a || !json_is_object(a)) {
        resp_fail(r, ERR_INVALID, "applicant", "an object {name, id_number, phone}");
        return false;
    }
    return jin_only(r, a, "applicant.", allowed) &&
           jin_str(r, a, "name", "applicant.name", HH_NAME_MAX, true, name) &&
           jin_str(r, a, "id_number", "applicant.id_number", 32, true, id) &&
           jin_str(r, a, "phone", "applicant.phone", 32, true, phone);
}

static bool read_details(struct req *r, json_t *o, bool required, json_t **details)
{
    json_t *d = json_object_get(o, "details");
    *details = NULL;
    if (!d || json_is_null(d)) {
        if (required) {
            resp_fail(r, ERR_INVALID, "details", "an object");
            return false;
        }
        return true;
    }
    if (!json_is_object(d)) {
        resp_fail(r, ERR_INVALID, "details", "must be an object");
        return false;
    }
    *details = d;
    return true;
}

void household_api_create(struct req *r)
{
    static const char *const allowed[] = {"business_type", "village_id", "applicant",
                                          "details",       "client_ref", NULL};
    json_t *o = jin_object(r);
    struct hh_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "business_type", "business_type", 16, true, &in.business_type) ||
        !jin_str(r, o, "village_id", "village_id", 64, true, &in.village_id) ||
        !read_applicant(r, o, &in.name, &in.id_number, &in.phone) ||
        !read_details(r, o, false, &in.details) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *empty = NULL;
    if (!in.details)
        in.details = empty = json_object();
    json_t *out = NULL;
    bool created = false;
    enum err e = household_create(&r->ctx, &in, &out, &created);
    json_decref(empty);
    answer(r, e, created ? 201 : 200, out, NULL);
}

void household_api_list(struct req *r)
{
    struct hh_query q = {0};
    const char *overdue = NULL, *sort = NULL;
    static const char *const statuses[] = {"draft",     "submitted", "accepted", "approved",
                                           "completed", "returned",  "rejected", NULL};
    if (!q_enum(r, "status", statuses, &q.status) || !q_str(r, "village_id", 64, &q.village_id) ||
        !q_str(r, "business_type", 16, &q.business_type) || !q_str(r, "q", 64, &q.q) ||
        !q_str(r, "overdue", 8, &overdue) || !q_str(r, "sort", 16, &sort) ||
        !q_str(r, "cursor", 64, &q.cursor) || !q_limit(r, &q.limit))
        return;
    enum hh_state st;
    if (q.status && !hh_state_from(q.status, &st)) {
        resp_fail(r, ERR_INVALID, "status", "unknown status");
        return;
    }
    if (overdue && strcmp(overdue, "true") != 0 && strcmp(overdue, "false") != 0) {
        resp_fail(r, ERR_INVALID, "overdue", "true or false");
        return;
    }
    if (sort && strcmp(sort, "due_at") != 0 && strcmp(sort, "created_at") != 0) {
        resp_fail(r, ERR_INVALID, "sort", "due_at or created_at");
        return;
    }
    q.overdue = overdue && strcmp(overdue, "true") == 0;
    q.sort_due = sort && strcmp(sort, "due_at") == 0;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = household_list(&r->ctx, &q, &items, &next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

void household_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = household_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out, NULL);
}

void household_api_patch(struct req *r)
{
    static const char *const allowed[] = {"version", "applicant", "details", NULL};
    json_t *o = jin_object(r);
    struct hh_patch p = {0};
    bool has_version;
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_int(r, o, "version", "version", true, 1, INT64_MAX, &p.version, &has_version))
        return;
    if (json_object_get(o, "applicant")) {
        if (!read_applicant(r, o, &p.name, &p.id_number, &p.phone))
            return;
        p.set_applicant = true;
    }
    if (!read_details(r, o, false, &p.details))
        return;
    json_t *out = NULL;
    enum err e = household_update(&r->ctx, req_param(r, 0), &p, &out);
    json_t *extra = NULL;
    if (e == ERR_STATE) {
        extra = out;
        out = NULL;
    }
    answer(r, e, 200, out, extra);
}

/*
 * A transition; field is "reason" or "note" (both optional here: the domain
 * checks scope, role and state before it asks for a reason) or NULL (no
 * body). An empty body is an empty object.
 */
static void act(struct req *r, enum hh_action action, const char *field)
{
    const char *note = NULL;
    if (r->body.len > 0) {
        const char *const allowed[] = {field, NULL};
        json_t *o = jin_object(r);
        if (!o || !jin_only(r, o, "", field ? allowed : allowed + 1) ||
            (field && !jin_str(r, o, field, field, HH_REASON_MAX, false, &note)))
            return;
    }
    json_t *out = NULL, *extra = NULL;
    enum err e = household_act(&r->ctx, req_param(r, 0), action, note, &out, &extra);
    answer(r, e, 200, out, extra);
}

void household_api_submit(struct req *r)
{
    act(r, HH_SUBMIT, NULL);
}

void household_api_accept(struct req *r)
{
    act(r, HH_ACCEPT, NULL);
}

void household_api_return(struct req *r)
{
    act(r, HH_RETURN, "reason");
}

void household_api_approve(struct req *r)
{
    act(r, HH_APPROVE, NULL);
}

void household_api_reject(struct req *r)
{
    act(r, HH_REJECT, "reason");
}

void household_api_complete(struct req *r)
{
    act(r, HH_COMPLETE, "note");
}

void household_api_attach(struct req *r)
{
    attach_api_upload(r, &household_attach_owner);
}

void household_api_attachment(struct req *r)
{
    attach_api_download(r, &household_attach_owner);
}

void household_api_receipt(struct req *r)
{
    const char *host = req_header(r, "Host");
    char base[256];
    const char *configured = r->ctx.app->cfg.public_url;
    if (configured && *configured)
        snprintf(base, sizeof base, "%s", configured);
    else
        snprintf(base, sizeof base, "%s://%s", r->ctx.app->cfg.tls_cert_file ? "https" : "http",
                 host && strlen(host) < 128 && !strpbrk(host, "\"<>'\\ ") ? host : "localhost");
    char *html = NULL;
    enum err e = household_receipt(&r->ctx, req_param(r, 0), base, &html);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_raw(r, 200, "text/html; charset=utf-8", html, strlen(html));
    free(html);
}

void household_api_lookup(struct req *r)
{
    const char *last4 = req_query(r, "id_last4");
    json_t *out = NULL;
    enum err e = household_public_lookup(&r->ctx, req_param(r, 0), last4, &out);
    answer(r, e, 200, out, NULL);
}
