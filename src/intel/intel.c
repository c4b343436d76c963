/*
 * The rules of public-security information (see intel.h).
 */
#include "intel/intel.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/idem.h"
#include "app/rec.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/rand.h"
#include "events/events.h"
#include "inbox/inbox.h"
#include "intel/intel_int.h"
#include "org/org.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define FUTURE_SLACK 300

static bool police(enum role r)
{
    return r == ROLE_OFFICER || r == ROLE_STATION_CHIEF || r == ROLE_BUREAU;
}

static json_t *row_json(const struct ctx *ctx, const struct intel_row *r)
{
    json_t *o = json_pack(
        "{ss ss ss ss ss ss so so so ss so so so}", "id", r->id, "category", r->category,
        "category_name", r->category_name, "content", r->content, "village_id", r->village_id,
        "village_name", r->village_name, "occurred_at", rec_time(r->occurred_at), "reported_at",
        rec_time(r->reported_at), "location", r->location ? json_string(r->location) : json_null(),
        "status", r->status, "note", r->note ? json_string(r->note) : json_null(), "assessed_at",
        rec_time(r->assessed_at), "created_at", rec_time(r->created_at));
    /* Who reported is for police eyes only. */
    if (police(ctx->who->role)) {
        json_object_set_new(o, "reporter_id", json_string(r->created_by));
        json_object_set_new(o, "reporter_name", json_string(r->reporter_name));
    }
    return o;
}

/* A report the caller may see: police by scope, an assistant only their own. */
static enum err load(struct tx *tx, struct ctx *ctx, const char *id, struct intel_row *r)
{
    char path[256] = "";
    enum err e = intel_repo_get(tx, id, r, path);
    bool visible = e == ERR_OK && scope_has_path(&ctx->who->scope, path) &&
                   role_can(ctx->who->role, RES_INTEL, RIGHT_R) &&
                   (!(role_rights(ctx->who->role, RES_INTEL) & RIGHT_OWN) ||
                    !strcmp(r->created_by, ctx->who->user_id));
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !visible)) {
        if (e == ERR_OK)
            intel_row_release(r);
        if (e == ERR_OK && !role_can(ctx->who->role, RES_INTEL, RIGHT_R) &&
            scope_has_path(&ctx->who->scope, path))
            return rec_forbidden(ctx, "read security information");
        return rec_not_found(ctx, "report", NULL);
    }
    return e;
}

struct create_arg {
    struct ctx *ctx;
    const struct intel_input *in;
    json_t *out;
    bool created;
};

static enum err create_fn(struct tx *tx, void *argv)
{
    struct create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct intel_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    struct intel_row r;
    memset(&r, 0, sizeof r);
    enum err e = ERR_OK;
    if (in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "intel", in->client_ref, &found, existing)))
        return e;
    if (found) {
        if ((e = load(tx, ctx, existing, &r)) == ERR_OK)
            a->out = row_json(ctx, &r);
        intel_row_release(&r);
        return e;
    }
    struct area_row v;
    e = org_area_county(tx, in->village_id, &v, r.county_id);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, v.path)))
        return rec_not_found(ctx, "village", "village_id");
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_INTEL, RIGHT_C))
        return rec_forbidden(ctx, "report security information");
    bool exists = false;
    if ((e = intel_repo_category(tx, in->category, &exists)) != ERR_OK)
        return e;
    if (!exists)
        return err_set(&ctx->err, ERR_INVALID, "category", "unknown information category");
    rand_id(r.id);
    snprintf(r.category, sizeof r.category, "%s", in->category);
    r.content = xstrdup(in->content);
    snprintf(r.village_id, sizeof r.village_id, "%s", v.id);
    r.occurred_at = in->occurred_at;
    r.reported_at = in->reported_at ? in->reported_at : clock_now();
    r.location = in->location ? xstrdup(in->location) : NULL;
    snprintf(r.status, sizeof r.status, "pending");
    snprintf(r.created_by, sizeof r.created_by, "%s", ctx->who->user_id);
    r.created_at = clock_now();
    char object[48];
    snprintf(object, sizeof object, "intel/%s", r.id);
    e = intel_repo_insert(tx, &r);
    if (e == ERR_OK && in->client_ref)
        e = idem_put(tx, ctx->who->user_id, "intel", in->client_ref, r.id);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "intel.create", object, "ok");
    intel_row_release(&r);
    if (e == ERR_OK && (e = load(tx, ctx, object + 6, &r)) == ERR_OK) {
        a->out = row_json(ctx, &r);
        intel_row_release(&r);
        a->created = true;
    }
    return e;
}

enum err intel_create(struct ctx *ctx, const struct intel_input *in, json_t **out, bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    int64_t now = clock_now();
    if (in->occurred_at > now + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "occurred_at", "must not lie in the future");
    if (in->reported_at > now + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "reported_at", "must not lie in the future");
    struct create_arg a = {ctx, in, NULL, false};
    enum err e = tx_run(ctx->app->db, true, create_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

struct assess_arg {
    struct ctx *ctx;
    const char *id;
    bool valid;
    const char *note;
    json_t *out;
};

static enum err assess_fn(struct tx *tx, void *argv)
{
    struct assess_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    a->out = NULL;
    struct intel_row r;
    memset(&r, 0, sizeof r);
    enum err e = load(tx, ctx, a->id, &r);
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_INTEL, RIGHT_A)) {
        intel_row_release(&r);
        return rec_forbidden(ctx, "assess security information");
    }
    if (strcmp(r.status, "pending") != 0) {
        /* A verdict counts in the statistics: it is given once. */
        intel_row_release(&r);
        return err_set(&ctx->err, ERR_STATE, NULL, "the report was already assessed");
    }
    snprintf(r.status, sizeof r.status, "%s", a->valid ? "valid" : "invalid");
    snprintf(r.assessed_by, sizeof r.assessed_by, "%s", ctx->who->user_id);
    r.assessed_at = clock_now();
    free(r.note);
    r.note = a->note ? xstrdup(a->note) : NULL;
    char object[48], title[200];
    snprintf(object, sizeof object, "intel/%s", r.id);
    snprintf(title, sizeof title, "你上报的治安信息已评估：%s", a->valid ? "有效" : "无效");
    e = intel_repo_assess(tx, &r);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "intel.assess", object, r.status);
    if (e == ERR_OK)
        e = inbox_add(tx, r.created_by, "intel_assessed", title, "intel_report", r.id);
    if (e == ERR_OK) {
        struct events_audience aud = {.dir = EVENTS_TO_USER, .user_id = r.created_by};
        json_t *data = json_pack("{ss}", "status", r.status);
        e = events_emit(tx, "intel_assessed", "intel_report", r.id, &aud, data);
        json_decref(data);
    }
    if (e == ERR_OK)
        a->out = row_json(ctx, &r);
    intel_row_release(&r);
    return e;
}

enum err intel_assess(struct ctx *ctx, const char *id, bool valid, const char *note, json_t **out)
{
    struct assess_arg a = {ctx, id, valid, note, NULL};
    enum err e = tx_run(ctx->app->db, true, assess_fn, &a);
    *out = a.out;
    return e;
}

struct get_arg {
    struct ctx *ctx;
    const char *id;
    json_t *out;
};

static enum err get_fn(struct tx *tx, void *argv)
{
    struct get_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    struct intel_row r;
    memset(&r, 0, sizeof r);
    enum err e = load(tx, a->ctx, a->id, &r);
    if (e == ERR_OK) {
        a->out = row_json(a->ctx, &r);
        char object[48];
        snprintf(object, sizeof object, "intel/%s", r.id);
        e = audit_append(tx, a->ctx, "intel.read", object, "ok");
        intel_row_release(&r);
    }
    return e;
}

enum err intel_get(struct ctx *ctx, const char *id, json_t **out)
{
    struct get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, true, get_fn, &a);
    *out = a.out;
    return e;
}

struct push_arg {
    struct ctx *ctx;
    json_t *items;
};

static void push(const struct intel_row *r, void *argv)
{
    struct push_arg *a = argv;
    json_t *o = row_json(a->ctx, r);
    json_object_set_new(o, "_key", json_integer(r->created_at));
    json_array_append_new(a->items, o);
}

static enum err list_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                          const char *id, json_t *items, bool *more)
{
    struct push_arg pa = {ctx, items};
    bool own = role_rights(ctx->who->role, RES_INTEL) & RIGHT_OWN;
    return intel_repo_list(tx, &ctx->who->scope, own ? ctx->who->user_id : "", query, key, id, push,
                           &pa, more);
}

enum err intel_list(struct ctx *ctx, const struct intel_query *q, json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_INTEL, RIGHT_R))
        return rec_forbidden(ctx, "read security information");
    return rec_list(ctx, list_page, q, q->cursor, false, items, next);
}
