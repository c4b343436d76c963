/*
 * The rules of activities and key persons (see visit.h).
 */
#include "visit/visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/idem.h"
#include "app/rec.h"
#include "attach/attach.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/rand.h"
#include "dispute/dispute_fsm.h"
#include "household/household.h"
#include "inbox/inbox.h"
#include "org/org.h"
#include "person/idnum.h"
#include "store/tx.h"
#include "visit/visit_int.h"
#include "core/xalloc.h"

#define FUTURE_SLACK 300

/* --- key persons ------------------------------------------------------------ */

static json_t *kp_json(const struct ctx *ctx, const struct kp_row *k)
{
    char id[64] = "";
    bool full = role_can(ctx->who->role, RES_KEY_PERSONS, RIGHT_U);
    if (full && k->id_sealed) {
        size_t n = 0;
        if (keys_open(&ctx->app->keys, k->id_sealed, (unsigned char *)id, sizeof id - 1, &n))
            id[n] = '\0';
    } else if (k->id_masked[0]) {
        snprintf(id, sizeof id, "%s", k->id_masked);
    }
    return json_pack("{ss ss ss ss so ss ss ss so so sb si sI so}", "id", k->id, "category",
                     k->category, "category_name", k->category_name, "name", k->name, "id_number",
                     id[0] ? json_string(id) : json_null(), "village_id", k->village_id,
                     "village_name", k->village_name, "notes", k->notes ? k->notes : "",
                     "last_contact_at", rec_time(k->last_contact_at), "next_due_at",
                     rec_time(k->next_due_at), "overdue", k->next_due_at < clock_now(),
                     "followup_days", k->followup_days, "version", (json_int_t)k->version,
                     "created_at", rec_time(k->created_at));
}

static enum err kp_load(struct tx *tx, struct ctx *ctx, const char *id, struct kp_row *k)
{
    enum err e = kp_repo_get(tx, id, k);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, k->village_path))) {
        if (e == ERR_OK)
            kp_row_release(k);
        return rec_not_found(ctx, "key person", NULL);
    }
    if (e == ERR_OK && !role_can(ctx->who->role, RES_KEY_PERSONS, RIGHT_R)) {
        kp_row_release(k);
        return rec_forbidden(ctx, "read key persons");
    }
    return e;
}

struct kp_create_arg {
    struct ctx *ctx;
    const struct key_person_input *in;
    json_t *out;
    bool created;
};

static enum err kp_create_fn(struct tx *tx, void *argv)
{
    struct kp_create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct key_person_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    struct kp_row k;
    memset(&k, 0, sizeof k);
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    if (in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "key_person", in->client_ref, &found, existing)))
        return e;
    if (found) {
        if ((e = kp_load(tx, ctx, existing, &k)) == ERR_OK)
            a->out = kp_json(ctx, &k);
        kp_row_release(&k);
        return e;
    }
    struct area_row v;
    e = org_area_county(tx, in->village_id, &v, k.county_id);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, v.path)))
        return rec_not_found(ctx, "village", "village_id");
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_KEY_PERSONS, RIGHT_C))
        return rec_forbidden(ctx, "record key persons");
    int days = 0;
    e = kp_repo_category_days(tx, in->category, &days);
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, ERR_INVALID, "category", "unknown key-person category");
    if (e != ERR_OK)
        return e;
    rand_id(k.id);
    snprintf(k.category, sizeof k.category, "%s", in->category);
    snprintf(k.name, sizeof k.name, "%s", in->name);
    if (in->id_number && *in->id_number) {
        char idn[IDNUM_SIZE];
        if ((e = idnum_validate(in->id_number, idn, clock_now(), &ctx->err)) != ERR_OK) {
            snprintf(ctx->err.field, sizeof ctx->err.field, "id_number");
            return e;
        }
        k.id_sealed = keys_seal(&ctx->app->keys, idn, strlen(idn));
        idnum_mask(idn, k.id_masked, sizeof k.id_masked);
        household_id_hmac(&ctx->app->keys, idn, k.id_hmac);
    }
    snprintf(k.village_id, sizeof k.village_id, "%s", v.id);
    k.notes = xstrdup(in->notes ? in->notes : "");
    k.created_at = clock_now();
    k.next_due_at = key_person_next_due(k.created_at, days);
    snprintf(k.created_by, sizeof k.created_by, "%s", ctx->who->user_id);
    char object[48];
    snprintf(object, sizeof object, "key_person/%s", k.id);
    e = kp_repo_insert(tx, &k);
    if (e == ERR_OK && in->client_ref)
        e = idem_put(tx, ctx->who->user_id, "key_person", in->client_ref, k.id);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "key_person.create", object, "ok");
    char id[RAND_ID_LEN + 1];
    snprintf(id, sizeof id, "%s", k.id);
    kp_row_release(&k);
    if (e == ERR_OK && (e = kp_load(tx, ctx, id, &k)) == ERR_OK) {
        a->out = kp_json(ctx, &k);
        kp_row_release(&k);
        a->created = true;
    }
    return e;
}

enum err key_person_create(struct ctx *ctx, const struct key_person_input *in, json_t **out,
                           bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    struct kp_create_arg a = {ctx, in, NULL, false};
    enum err e = tx_run(ctx->app->db, true, kp_create_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

struct kp_get_arg {
    struct ctx *ctx;
    const char *id;
    json_t *out;
};

static enum err kp_get_fn(struct tx *tx, void *argv)
{
    struct kp_get_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    struct kp_row k;
    memset(&k, 0, sizeof k);
    enum err e = kp_load(tx, a->ctx, a->id, &k);
    if (e != ERR_OK)
        return e;
    a->out = kp_json(a->ctx, &k);
    char object[48];
    snprintf(object, sizeof object, "key_person/%s", k.id);
    kp_row_release(&k);
    /* A key person is sensitive personal data: every read is recorded. */
    return audit_append(tx, a->ctx, "key_person.read", object, "ok");
}

enum err key_person_get(struct ctx *ctx, const char *id, json_t **out)
{
    struct kp_get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, true, kp_get_fn, &a);
    *out = a.out;
    return e;
}

static enum err kp_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                        const char *id, json_t *items, bool *more)
{
    enum err e = kp_repo_list(tx, &ctx->who->scope, query, clock_now(), key, id, items, more);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "key_person.list", NULL, "ok");
    return e;
}

enum err key_person_list(struct ctx *ctx, const struct key_person_query *q, json_t **items,
                         char **next)
{
    if (!role_can(ctx->who->role, RES_KEY_PERSONS, RIGHT_R))
        return rec_forbidden(ctx, "read key persons");
    return rec_list(ctx, kp_page, q, q->cursor, true, items, next);
}

struct remind_arg {
    int sent;
};

static enum err remind_fn(struct tx *tx, void *argv)
{
    struct remind_arg *a = argv;
    a->sent = 0;
    json_t *due = json_array();
    enum err e = kp_repo_due(tx, clock_now(), due);
    size_t i;
    json_t *d;
    json_array_foreach(due, i, d)
    {
        if (e != ERR_OK)
            break;
        const char *id = json_string_value(json_object_get(d, "id"));
        char title[400];
        snprintf(title, sizeof title, "帮扶对象“%.200s”已到联系时间",
                 json_string_value(json_object_get(d, "name")));
        json_t *assistants = json_array();
        e = kp_repo_assistants_of(tx, json_string_value(json_object_get(d, "village_id")),
                                  assistants);
        size_t k;
        json_t *u;
        json_array_foreach(assistants, k, u) if (e == ERR_OK) e =
            inbox_add(tx, json_string_value(u), "key_person_due", title, "key_person", id);
        json_decref(assistants);
        if (e == ERR_OK)
            e = kp_repo_mark_reminded(tx, id);
        if (e == ERR_OK)
            a->sent++;
    }
    json_decref(due);
    return e;
}

enum err key_person_remind(struct app *app, int *sent)
{
    struct remind_arg a = {0};
    enum err e = tx_run(app->db, true, remind_fn, &a);
    *sent = e == ERR_OK ? a.sent : 0;
    return e;
}

/* --- activities ------------------------------------------------------------- */

struct act_create_arg {
    struct ctx *ctx;
    const struct activity_input *in;
    json_t *out;
    bool created;
};

static enum err act_create_fn(struct tx *tx, void *argv)
{
    struct act_create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct activity_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1], path[256];
    bool found = false;
    enum err e = ERR_OK;
    if (in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "activity", in->client_ref, &found, existing)))
        return e;
    if (found)
        return activity_repo_get(tx, existing, &a->out, path);
    struct area_row v;
    char county[RAND_ID_LEN + 1];
    e = org_area_county(tx, in->village_id, &v, county);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, v.path)))
        return rec_not_found(ctx, "village", "village_id");
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_ACTIVITIES, RIGHT_C))
        return rec_forbidden(ctx, "record activities");
    struct kp_row k;
    memset(&k, 0, sizeof k);
    if (in->key_person_id) {
        e = kp_load(tx, ctx, in->key_person_id, &k);
        if (e == ERR_NOT_FOUND)
            snprintf(ctx->err.field, sizeof ctx->err.field, "key_person_id");
        if (e != ERR_OK)
            return e;
        if (strcmp(k.village_id, v.id) != 0) {
            kp_row_release(&k);
            return err_set(&ctx->err, ERR_INVALID, "key_person_id",
                           "the person helped lives in another village");
        }
    }
    char id[RAND_ID_LEN + 1], object[48];
    rand_id(id);
    snprintf(object, sizeof object, "activity/%s", id);
    e = activity_repo_insert(tx, id, county, in, v.id, ctx->who->user_id);
    /* A contact with a key person moves their next due date. */
    if (e == ERR_OK && in->key_person_id && in->held_at > k.last_contact_at)
        e = kp_repo_contact(tx, k.id, in->held_at,
                            key_person_next_due(in->held_at, k.followup_days));
    kp_row_release(&k);
    if (e == ERR_OK && in->client_ref)
        e = idem_put(tx, ctx->who->user_id, "activity", in->client_ref, id);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "activity.create", object, "ok");
    if (e == ERR_OK)
        e = activity_repo_get(tx, id, &a->out, path);
    a->created = e == ERR_OK;
    return e;
}

enum err activity_create(struct ctx *ctx, const struct activity_input *in, json_t **out,
                         bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    if (strcmp(in->kind, "visit") && strcmp(in->kind, "publicity") &&
        strcmp(in->kind, "help_education"))
        return err_set(&ctx->err, ERR_INVALID, "kind", "visit, publicity or help_education");
    if (in->held_at > clock_now() + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "held_at", "must not lie in the future");
    struct act_create_arg a = {ctx, in, NULL, false};
    enum err e = tx_run(ctx->app->db, true, act_create_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

struct act_get_arg {
    struct ctx *ctx;
    const char *id;
    json_t *out;
};

static enum err act_get_fn(struct tx *tx, void *argv)
{
    struct act_get_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    char path[256] = "";
    enum err e = activity_repo_get(tx, a->id, &a->out, path);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&a->ctx->who->scope, path))) {
        json_decref(a->out);
        a->out = NULL;
        return rec_not_found(a->ctx, "activity", NULL);
    }
    if (e == ERR_OK && !role_can(a->ctx->who->role, RES_ACTIVITIES, RIGHT_R)) {
        json_decref(a->out);
        a->out = NULL;
        return rec_forbidden(a->ctx, "read activities");
    }
    if (e == ERR_OK) {
        json_t *att = json_array();
        e = attach_list(tx, "activity", a->id, att);
        json_object_set_new(a->out, "attachments", att);
    }
    return e;
}

enum err activity_get(struct ctx *ctx, const char *id, json_t **out)
{
    struct act_get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, false, act_get_fn, &a);
    *out = a.out;
    return e;
}

static enum err act_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                         const char *id, json_t *items, bool *more)
{
    return activity_repo_list(tx, &ctx->who->scope, query, key, id, items, more);
}

enum err activity_list(struct ctx *ctx, const struct activity_query *q, json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_ACTIVITIES, RIGHT_R))
        return rec_forbidden(ctx, "read activities");
    return rec_list(ctx, act_page, q, q->cursor, false, items, next);
}

/* --- reference lists ------------------------------------------------------------ */

struct cat_arg {
    const char *which;
    json_t *items;
};

static enum err cat_fn(struct tx *tx, void *argv)
{
    struct cat_arg *a = argv;
    json_array_clear(a->items);
    return visit_repo_categories(tx, a->which, a->items);
}

enum err visit_categories(struct ctx *ctx, const char *which, json_t **items)
{
    struct cat_arg a = {which, json_array()};
    enum err e = tx_run(ctx->app->db, false, cat_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *items = a.items;
    return ERR_OK;
}

/* --- attachments ---------------------------------------------------------------- */

static enum err activity_check(struct tx *tx, struct ctx *ctx, const char *id, bool write,
                               const char *kind)
{
    struct act_get_arg a = {ctx, id, NULL};
    enum err e = act_get_fn(tx, &a);
    json_decref(a.out);
    if (e != ERR_OK)
        return e;
    if (write && !role_can(ctx->who->role, RES_ACTIVITIES, RIGHT_C))
        return rec_forbidden(ctx, "add photos to activities");
    if (write && strcmp(kind, "photo") && strcmp(kind, "agreement") && strcmp(kind, "document"))
        return err_set(&ctx->err, ERR_INVALID, "kind", "photo, agreement or document");
    return ERR_OK;
}

const struct attach_owner activity_attach_owner = {"activity", NULL, activity_check};
