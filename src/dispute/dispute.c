/*
 * The rules of disputes (see dispute.h): scope and rights per the Rights
 * table, the small state machine, parties' personal data sealed at rest and
 * shown whole only to the roles with the U right (audited), the timeline of
 * sessions, closing and follow-ups, and the alert of a high-risk dispute to
 * the police of its village.
 */
#include "dispute/dispute.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/idem.h"
#include "app/rec.h"
#include "attach/attach.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "core/rand.h"
#include "dispute/dispute_fsm.h"
#include "dispute/dispute_int.h"
#include "events/events.h"
#include "inbox/inbox.h"
#include "org/org.h"
#include "person/idnum.h"
#include "person/phone.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define FUTURE_SLACK 300

static void open_sealed(const struct keys *k, const char *sealed, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    if (sealed && keys_open(k, sealed, (unsigned char *)out, n - 1, &len))
        out[len] = '\0';
}

/* Parties as stored: personal data sealed, with masked copies. */
static enum err seal_parties(struct ctx *ctx, json_t *in, char **out)
{
    json_t *arr = json_array();
    size_t i;
    json_t *p;
    enum err e = ERR_OK;
    json_array_foreach(in, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *role = json_string_value(json_object_get(p, "role"));
        const char *idn = json_string_value(json_object_get(p, "id_number"));
        const char *phone = json_string_value(json_object_get(p, "phone"));
        char field[48];
        json_t *o = json_pack("{ss ss}", "name", name, "role", role);
        if (idn && *idn) {
            char id[IDNUM_SIZE], masked[24];
            snprintf(field, sizeof field, "parties.%zu.id_number", i);
            if ((e = idnum_validate(idn, id, clock_now(), &ctx->err)) != ERR_OK) {
                snprintf(ctx->err.field, sizeof ctx->err.field, "%s", field);
                json_decref(o);
                break;
            }
            idnum_mask(id, masked, sizeof masked);
            char *sealed = keys_seal(&ctx->app->keys, id, strlen(id));
            json_object_set_new(o, "id_sealed", json_string(sealed));
            json_object_set_new(o, "id_masked", json_string(masked));
            free(sealed);
        }
        if (phone && *phone) {
            char ph[PHONE_SIZE], masked[24];
            snprintf(field, sizeof field, "parties.%zu.phone", i);
            if ((e = phone_validate(phone, ph, sizeof ph, &ctx->err)) != ERR_OK) {
                snprintf(ctx->err.field, sizeof ctx->err.field, "%s", field);
                json_decref(o);
                break;
            }
            phone_mask(ph, masked, sizeof masked);
            char *sealed = keys_seal(&ctx->app->keys, ph, strlen(ph));
            json_object_set_new(o, "phone_sealed", json_string(sealed));
            json_object_set_new(o, "phone_masked", json_string(masked));
            free(sealed);
        }
        json_array_append_new(arr, o);
    }
    if (e == ERR_OK)
        *out = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return e;
}

/* Parties as shown: whole to roles with the U right, masked otherwise. */
static json_t *show_parties(const struct ctx *ctx, const char *stored)
{
    json_t *arr = json_loads(stored ? stored : "[]", 0, NULL);
    json_t *out = json_array();
    bool full = ctx->who && role_can(ctx->who->role, RES_DISPUTES, RIGHT_U);
    size_t i;
    json_t *p;
    json_array_foreach(arr, i, p)
    {
        char id[64] = "", ph[64] = "";
        const char *ids = json_string_value(json_object_get(p, "id_sealed"));
        const char *phs = json_string_value(json_object_get(p, "phone_sealed"));
        if (full) {
            open_sealed(&ctx->app->keys, ids, id, sizeof id);
            open_sealed(&ctx->app->keys, phs, ph, sizeof ph);
        } else {
            snprintf(id, sizeof id, "%s",
                     ids ? json_string_value(json_object_get(p, "id_masked")) : "");
            snprintf(ph, sizeof ph, "%s",
                     phs ? json_string_value(json_object_get(p, "phone_masked")) : "");
        }
        json_array_append_new(out, json_pack("{sO sO so so}", "name", json_object_get(p, "name"),
                                             "role", json_object_get(p, "role"), "id_number",
                                             id[0] ? json_string(id) : json_null(), "phone",
                                             ph[0] ? json_string(ph) : json_null()));
    }
    json_decref(arr);
    return out;
}

static enum err load(struct tx *tx, struct ctx *ctx, const char *id, struct dispute_row *d,
                     struct area_row *v)
{
    enum err e = dispute_repo_get(tx, id, d);
    if (e == ERR_OK)
        e = org_area_by_id(tx, d->village_id, v);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, v->path))) {
        dispute_row_release(d);
        return rec_not_found(ctx, "dispute", NULL);
    }
    if (e == ERR_OK && !role_can(ctx->who->role, RES_DISPUTES, RIGHT_R)) {
        dispute_row_release(d);
        return rec_forbidden(ctx, "read disputes");
    }
    return e;
}

static json_t *allowed_actions(const struct ctx *ctx, const struct dispute_row *d)
{
    json_t *a = json_array();
    if (!role_can(ctx->who->role, RES_DISPUTES, RIGHT_A))
        return a;
    if (!dispute_closed(d->status)) {
        json_array_append_new(a, json_string("session"));
        json_array_append_new(a, json_string("close"));
    } else {
        json_array_append_new(a, json_string("followup"));
    }
    return a;
}

static enum err dispute_json(struct tx *tx, struct ctx *ctx, const struct dispute_row *d,
                             const struct area_row *v, json_t **out)
{
    char cat[256] = "";
    enum err e = dispute_repo_category(tx, d->category, cat);
    json_t *timeline = json_array(), *att = json_array();
    if (e == ERR_OK)
        e = dispute_repo_events(tx, d->id, timeline);
    if (e == ERR_OK)
        e = attach_list(tx, "dispute", d->id, att);
    json_t *witnesses = json_loads(d->witnesses ? d->witnesses : "[]", 0, NULL);
    *out = json_pack(
        "{ss ss ss ss ss ss ss so so ss ss so so so so so so so so so sI so so}", "id", d->id,
        "category", d->category, "category_name", cat, "title", d->title, "description",
        d->description ? d->description : "", "village_id", d->village_id, "village_name", v->name,
        "hamlet_id", d->hamlet_id[0] ? json_string(d->hamlet_id) : json_null(), "parties",
        show_parties(ctx, d->parties), "risk_level", d->risk_level, "status", d->status,
        "occurred_at", rec_time(d->occurred_at), "reported_at", rec_time(d->reported_at),
        "agreement", d->agreement ? json_string(d->agreement) : json_null(), "witnesses",
        witnesses ? witnesses : json_array(), "referred_to",
        d->referred_to ? json_string(d->referred_to) : json_null(), "closed_at",
        rec_time(d->closed_at), "followup_due_at", rec_time(d->followup_due_at), "timeline",
        timeline, "attachments", att, "version", (json_int_t)d->version, "allowed",
        allowed_actions(ctx, d), "created_at", rec_time(d->created_at));
    return e;
}

/* --- create ---------------------------------------------------------------- */

struct create_arg {
    struct ctx *ctx;
    const struct dispute_input *in;
    char *parties;
    json_t *out;
    bool created;
};

/* Inbox items and a live event for the police of the village: a high-risk dispute. */
static enum err alert_police(struct tx *tx, const struct dispute_row *d, const struct area_row *v)
{
    json_t *ids = json_array();
    enum err e = dispute_repo_police_for(tx, v->path, ids);
    char title[640];
    snprintf(title, sizeof title, "高风险纠纷：%s（%s）", d->title, v->name);
    size_t i;
    json_t *u;
    json_array_foreach(ids, i, u) if (e == ERR_OK) e =
        inbox_add(tx, json_string_value(u), "dispute_high_risk", title, "dispute", d->id);
    json_decref(ids);
    if (e == ERR_OK) {
        struct events_audience aud = {.dir = EVENTS_UP,
                                      .area_path = v->path,
                                      .roles =
                                          ROLE_BIT(ROLE_OFFICER) | ROLE_BIT(ROLE_STATION_CHIEF)};
        json_t *data = json_pack("{ss ss ss}", "title", d->title, "risk_level", d->risk_level,
                                 "village_name", v->name);
        e = events_emit(tx, "dispute", "dispute", d->id, &aud, data);
        json_decref(data);
    }
    return e;
}

static enum err create_fn(struct tx *tx, void *argv)
{
    struct create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct dispute_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    struct dispute_row d;
    memset(&d, 0, sizeof d);
    struct area_row v;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    if (in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "dispute", in->client_ref, &found, existing)))
        return e;
    if (found) {
        e = load(tx, ctx, existing, &d, &v);
        if (e == ERR_OK)
            e = dispute_json(tx, ctx, &d, &v, &a->out);
        dispute_row_release(&d);
        return e;
    }
    e = org_area_county(tx, in->village_id, &v, d.county_id);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, v.path)))
        return rec_not_found(ctx, "village", "village_id");
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_DISPUTES, RIGHT_C))
        return rec_forbidden(ctx, "record disputes");
    if (strcmp(v.level, "village") != 0 && strcmp(v.level, "community") != 0)
        return err_set(&ctx->err, ERR_INVALID, "village_id", "not a village or community");
    if (in->hamlet_id) {
        struct area_row h;
        e = org_area_by_id(tx, in->hamlet_id, &h);
        if (e == ERR_NOT_FOUND || (e == ERR_OK && strcmp(h.parent_id, v.id) != 0))
            return err_set(&ctx->err, ERR_INVALID, "hamlet_id", "not a hamlet of the village");
        if (e != ERR_OK)
            return e;
        snprintf(d.hamlet_id, sizeof d.hamlet_id, "%s", h.id);
    }
    char cat[256];
    e = dispute_repo_category(tx, in->category, cat);
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, ERR_INVALID, "category", "unknown dispute category");
    if (e != ERR_OK)
        return e;
    rand_id(d.id);
    snprintf(d.category, sizeof d.category, "%s", in->category);
    snprintf(d.title, sizeof d.title, "%s", in->title);
    d.description = xstrdup(in->description ? in->description : "");
    snprintf(d.village_id, sizeof d.village_id, "%s", v.id);
    d.parties = xstrdup(a->parties);
    snprintf(d.risk_level, sizeof d.risk_level, "%s", in->risk_level);
    snprintf(d.status, sizeof d.status, "open");
    d.occurred_at = in->occurred_at;
    d.reported_at = in->reported_at ? in->reported_at : clock_now();
    snprintf(d.created_by, sizeof d.created_by, "%s", ctx->who->user_id);
    d.version = 1;
    d.created_at = d.updated_at = clock_now();
    char object[48];
    snprintf(object, sizeof object, "dispute/%s", d.id);
    if ((e = dispute_repo_insert(tx, &d)) == ERR_OK)
        e = dispute_repo_event(tx, d.id, "create", d.reported_at, ctx->who->name,
                               role_name(ctx->who->role), NULL, NULL, "open");
    if (e == ERR_OK && in->client_ref)
        e = idem_put(tx, ctx->who->user_id, "dispute", in->client_ref, d.id);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "dispute.create", object, "ok");
    if (e == ERR_OK && !strcmp(d.risk_level, "high"))
        e = alert_police(tx, &d, &v);
    if (e == ERR_OK)
        e = dispute_json(tx, ctx, &d, &v, &a->out);
    a->created = e == ERR_OK;
    dispute_row_release(&d);
    return e;
}

enum err dispute_create(struct ctx *ctx, const struct dispute_input *in, json_t **out,
                        bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    int64_t now = clock_now();
    if (in->occurred_at > now + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "occurred_at", "must not lie in the future");
    if (in->reported_at > now + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "reported_at", "must not lie in the future");
    struct create_arg a = {.ctx = ctx, .in = in};
    enum err e = seal_parties(ctx, in->parties, &a.parties);
    if (e == ERR_OK)
        e = tx_run(ctx->app->db, true, create_fn, &a);
    free(a.parties);
    *out = a.out;
    *created = a.created;
    return e;
}

/* --- sessions, closing, follow-ups ------------------------------------------- */

enum act_kind { ACT_SESSION, ACT_CLOSE, ACT_FOLLOWUP };

struct act_arg {
    struct ctx *ctx;
    const char *id;
    enum act_kind kind;
    const struct dispute_session_input *session;
    const struct dispute_close_input *close;
    int64_t at;
    const char *notes;
    const char *client_ref;
    json_t *out, *extra;
    bool replayed; /* a retry: out is what the first request made */
};

static enum err act_fn(struct tx *tx, void *argv)
{
    struct act_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    json_decref(a->extra);
    a->out = a->extra = NULL;
    a->replayed = false;
    struct dispute_row d;
    memset(&d, 0, sizeof d);
    struct area_row v;
    enum err e = load(tx, ctx, a->id, &d, &v);
    if (e != ERR_OK)
        return e;
    /*
     * A retried session, follow-up or close (same client_ref) answers what the
     * first made. The key names the dispute: a client_ref reused on another
     * dispute is a new action there, not a silent no-op.
     */
    char idem_kind[32 + RAND_ID_LEN];
    snprintf(idem_kind, sizeof idem_kind, "dispute_%s:%s",
             a->kind == ACT_SESSION ? "session"
             : a->kind == ACT_CLOSE ? "close"
                                    : "followup",
             d.id);
    bool seen = false;
    char seen_id[RAND_ID_LEN + 1];
    if (a->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, idem_kind, a->client_ref, &seen, seen_id)) == ERR_OK &&
        seen) {
        a->replayed = true;
        e = dispute_json(tx, ctx, &d, &v, &a->out);
        dispute_row_release(&d);
        return e;
    }
    if (e != ERR_OK) {
        dispute_row_release(&d);
        return e;
    }
    const char *from = d.status;
    char from_copy[12];
    snprintf(from_copy, sizeof from_copy, "%s", from);
    json_t *data = NULL;
    const char *kind = "";
    int64_t at = clock_now();
    if (!role_can(ctx->who->role, RES_DISPUTES, RIGHT_A)) {
        e = rec_forbidden(ctx, "mediate disputes");
        goto out;
    }
    static const enum dispute_action actions[] = {[ACT_SESSION] = DISPUTE_SESSION,
                                                  [ACT_CLOSE] = DISPUTE_CLOSE,
                                                  [ACT_FOLLOWUP] = DISPUTE_FOLLOWUP};
    const char *to = NULL;
    e = dispute_next(d.status, actions[a->kind], a->close ? a->close->result : NULL, &to);
    if (e == ERR_STATE) {
        a->extra = json_pack("{so}", "allowed", allowed_actions(ctx, &d));
        e = err_set(&ctx->err, ERR_STATE, NULL, "the dispute is %s", d.status);
        goto out;
    }
    if (e != ERR_OK) {
        e = err_set(&ctx->err, ERR_INVALID, "result", "resolved, unresolved or referred");
        goto out;
    }
    switch (a->kind) {
    case ACT_SESSION:
        kind = "session";
        at = a->session->held_at;
        data =
            json_pack("{sO sO ss ss}", "mediators", a->session->mediators, "participants",
                      a->session->participants, "notes", a->session->notes ? a->session->notes : "",
                      "outcome", a->session->outcome);
        snprintf(d.status, sizeof d.status, "%s", to);
        break;
    case ACT_CLOSE:
        kind = "close";
        if (!strcmp(a->close->result, "referred") &&
            (!a->close->referred_to || !*a->close->referred_to)) {
            e = err_set(&ctx->err, ERR_INVALID, "referred_to", "whom the dispute went to");
            goto out;
        }
        data = json_pack("{ss so so sO}", "result", a->close->result, "agreement",
                         a->close->agreement ? json_string(a->close->agreement) : json_null(),
                         "referred_to",
                         a->close->referred_to ? json_string(a->close->referred_to) : json_null(),
                         "witnesses", a->close->witnesses ? a->close->witnesses : json_null());
        snprintf(d.status, sizeof d.status, "%s", to);
        free(d.agreement);
        free(d.witnesses);
        free(d.referred_to);
        d.agreement = a->close->agreement ? xstrdup(a->close->agreement) : NULL;
        d.witnesses = a->close->witnesses ? json_dumps(a->close->witnesses, JSON_COMPACT) : NULL;
        d.referred_to = a->close->referred_to ? xstrdup(a->close->referred_to) : NULL;
        d.closed_at = at;
        d.followup_due_at = dispute_followup_due(at, d.status, ctx->app->cfg.followup_days);
        d.followup_notified = false;
        break;
    case ACT_FOLLOWUP:
        kind = "followup";
        at = a->at;
        data = json_pack("{ss}", "notes", a->notes ? a->notes : "");
        d.followup_due_at = 0;
        d.followup_notified = true;
        break;
    }
    d.version++;
    d.updated_at = clock_now();
    char object[48], action[40];
    snprintf(object, sizeof object, "dispute/%s", d.id);
    snprintf(action, sizeof action, "dispute.%s", kind);
    if ((e = dispute_repo_update(tx, &d)) == ERR_OK)
        e = dispute_repo_event(tx, d.id, kind, at, ctx->who->name, role_name(ctx->who->role), data,
                               from_copy, d.status);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, action, object, "ok");
    if (e == ERR_OK && a->client_ref)
        e = idem_put(tx, ctx->who->user_id, idem_kind, a->client_ref, d.id);
    if (e == ERR_OK)
        e = dispute_json(tx, ctx, &d, &v, &a->out);
out:
    json_decref(data);
    dispute_row_release(&d);
    return e;
}

static enum err run_act(struct act_arg *a, json_t **out, json_t **extra, bool *created)
{
    enum err e = tx_run(a->ctx->app->db, true, act_fn, a);
    *out = a->out;
    *extra = a->extra;
    if (created)
        *created = e == ERR_OK && !a->replayed;
    return e;
}

enum err dispute_add_session(struct ctx *ctx, const char *id,
                             const struct dispute_session_input *in, json_t **out, json_t **extra,
                             bool *created)
{
    if (in->held_at > clock_now() + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "held_at", "must not lie in the future");
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    struct act_arg a = {
        .ctx = ctx, .id = id, .kind = ACT_SESSION, .session = in, .client_ref = in->client_ref};
    return run_act(&a, out, extra, created);
}

enum err dispute_close(struct ctx *ctx, const char *id, const struct dispute_close_input *in,
                       json_t **out, json_t **extra)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    struct act_arg a = {
        .ctx = ctx, .id = id, .kind = ACT_CLOSE, .close = in, .client_ref = in->client_ref};
    return run_act(&a, out, extra, NULL);
}

enum err dispute_add_followup(struct ctx *ctx, const char *id, int64_t at, const char *notes,
                              const char *client_ref, json_t **out, json_t **extra, bool *created)
{
    if (client_ref && !idem_ref_ok(client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    if (at > clock_now() + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "at", "must not lie in the future");
    struct act_arg a = {.ctx = ctx,
                        .id = id,
                        .kind = ACT_FOLLOWUP,
                        .at = at,
                        .notes = notes,
                        .client_ref = client_ref};
    return run_act(&a, out, extra, created);
}

/* --- reads ------------------------------------------------------------------- */

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
    struct dispute_row d;
    memset(&d, 0, sizeof d);
    struct area_row v;
    enum err e = load(tx, a->ctx, a->id, &d, &v);
    if (e == ERR_OK)
        e = dispute_json(tx, a->ctx, &d, &v, &a->out);
    dispute_row_release(&d);
    return e;
}

enum err dispute_get(struct ctx *ctx, const char *id, json_t **out)
{
    /* Read concurrently; the audit row is durable before the answer. */
    struct get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, false, get_fn, &a);
    if (e == ERR_OK) {
        char object[48];
        snprintf(object, sizeof object, "dispute/%s", id);
        e = audit_record(ctx, "dispute.read", object,
                         role_can(ctx->who->role, RES_DISPUTES, RIGHT_U) ? "ok full_id" : "ok");
        if (e != ERR_OK) {
            json_decref(a.out);
            a.out = NULL;
        }
    }
    *out = a.out;
    return e;
}

static enum err list_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                          const char *id, json_t *items, bool *more)
{
    return dispute_repo_list(tx, &ctx->who->scope, query, key, id, items, more);
}

enum err dispute_list(struct ctx *ctx, const struct dispute_query *q, json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_DISPUTES, RIGHT_R))
        return rec_forbidden(ctx, "read disputes");
    return rec_list(ctx, list_page, q, q->cursor, false, items, next);
}

/* --- reminders ---------------------------------------------------------------- */

struct remind_arg {
    int sent;
};

static enum err remind_fn(struct tx *tx, void *argv)
{
    struct remind_arg *a = argv;
    a->sent = 0;
    json_t *due = json_array();
    enum err e = dispute_repo_due(tx, clock_now(), due);
    size_t i;
    json_t *d;
    json_array_foreach(due, i, d)
    {
        if (e != ERR_OK)
            break;
        char title[640];
        snprintf(title, sizeof title, "回访提醒：纠纷“%.400s”已到回访时间",
                 json_string_value(json_object_get(d, "title")));
        const char *id = json_string_value(json_object_get(d, "id"));
        e = inbox_add(tx, json_string_value(json_object_get(d, "created_by")), "followup_due",
                      title, "dispute", id);
        if (e == ERR_OK)
            e = dispute_repo_mark_reminded(tx, id);
        if (e == ERR_OK)
            a->sent++;
    }
    json_decref(due);
    return e;
}

enum err dispute_remind_followups(struct app *app, int *sent)
{
    struct remind_arg a = {0};
    enum err e = tx_run(app->db, true, remind_fn, &a);
    *sent = e == ERR_OK ? a.sent : 0;
    return e;
}

/* --- reference data ------------------------------------------------------------- */

/* Contact interval of a key-person kind (days): configurable by editing the table. */
static int64_t kind_days(const char *kind)
{
    if (!strcmp(kind, "supervision"))
        return 30;
    if (!strcmp(kind, "help_education"))
        return 90;
    if (!strcmp(kind, "care_and_control"))
        return 90;
    return 30; /* care */
}

struct seed_arg {
    struct ctx *ctx;
    int added;
};

static enum err seed_table(struct tx *tx, const char *file, const char *table, const int *cols,
                           int ncols, int kind_col, int *added)
{
    int64_t n = 0;
    enum err e = grassroots_repo_count(tx, table, &n);
    if (e != ERR_OK || n > 0)
        return e;
    const struct embedded_file *f = embedded_find(embedded_ref, embedded_ref_count, file);
    if (!f)
        return ERR_INTERNAL;
    char *text = xstrdup((const char *)f->data);
    char *save = NULL;
    int line = 0;
    for (char *l = strtok_r(text, "\n", &save); l && e == ERR_OK; l = strtok_r(NULL, "\n", &save)) {
        if (line++ == 0)
            continue;
        l[strcspn(l, "\r")] = '\0';
        char *fields[16];
        int nf = 0;
        for (char *p = l; nf < 16;) {
            fields[nf++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        const char *v[8];
        for (int i = 0; i < ncols; i++)
            v[i] = cols[i] < nf ? fields[cols[i]] : "";
        int64_t days = kind_col >= 0 && kind_col < nf ? kind_days(fields[kind_col]) : -1;
        e = grassroots_repo_seed_row(tx, table, v, ncols, days);
        if (e == ERR_OK)
            (*added)++;
    }
    free(text);
    return e;
}

static enum err seed_fn(struct tx *tx, void *argv)
{
    struct seed_arg *a = argv;
    a->added = 0;
    /* dispute-categories.csv: code,name_zh,name_en,subtypes,... */
    static const int dc[] = {0, 1, 2, 3};
    /* intel-categories.csv: code,name_zh,name_en,examples,default_urgency,route_to,... */
    static const int ic[] = {0, 1, 2, 4, 5};
    /* key-person-categories.csv: code,name_zh,name_en,kind,... */
    static const int kc[] = {0, 1, 2, 3};
    enum err e =
        seed_table(tx, "/dispute-categories.csv", "dispute_categories", dc, 4, -1, &a->added);
    if (e == ERR_OK)
        e = seed_table(tx, "/intel-categories.csv", "intel_categories", ic, 5, -1, &a->added);
    if (e == ERR_OK)
        e = seed_table(tx, "/key-person-categories.csv", "key_person_categories", kc, 4, 3,
                       &a->added);
    if (e == ERR_OK && a->added)
        e = audit_append(tx, a->ctx, "grassroots.categories_seed", NULL, "ok");
    return e;
}

enum err grassroots_seed(struct ctx *ctx, int *added)
{
    struct seed_arg a = {ctx, 0};
    enum err e = tx_run(ctx->app->db, true, seed_fn, &a);
    *added = a.added;
    return e;
}

/* --- attachments ---------------------------------------------------------------- */

static enum err attach_check(struct tx *tx, struct ctx *ctx, const char *id, bool write,
                             const char *kind)
{
    struct dispute_row d;
    memset(&d, 0, sizeof d);
    struct area_row v;
    enum err e = load(tx, ctx, id, &d, &v);
    dispute_row_release(&d);
    if (e != ERR_OK)
        return e;
    if (write && !role_can(ctx->who->role, RES_DISPUTES, RIGHT_A))
        return rec_forbidden(ctx, "add attachments to disputes");
    if (write && strcmp(kind, "photo") && strcmp(kind, "agreement") && strcmp(kind, "document"))
        return err_set(&ctx->err, ERR_INVALID, "kind", "photo, agreement or document");
    return ERR_OK;
}

const struct attach_owner dispute_attach_owner = {"dispute", NULL, attach_check};
