/*
 * The rules of household applications: who may create, change, move and read
 * them, and what each change does besides the state (deadline, history,
 * inbox item for the assistant, text message to the applicant, audit record),
 * all in the change's one write transaction. Personal data is stored sealed
 * (ID number, phone) with a keyed hash for finding the same person and a
 * masked copy for lists.
 */
#include "household/household.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "app/idem.h"
#include "app/ratelimit.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/str.h"
#include "events/events.h"
#include "household/household_int.h"
#include "inbox/inbox.h"
#include "notify/sms.h"
#include "org/org.h"
#include "person/idnum.h"
#include "person/phone.h"
#include "store/tx.h"
#include "core/xalloc.h"

/* --- small helpers ------------------------------------------------------- */

static enum err not_found(struct ctx *ctx)
{
    ctx->denial = true;
    return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such application");
}

static enum err forbidden(struct ctx *ctx, const char *what)
{
    ctx->denial = true;
    return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "your role may not %s", what);
}

void household_id_hmac(const struct keys *k, const char *id, char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, k->data, KEY_BYTES);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)"idnum:", 6);
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)id, strlen(id));
    crypto_auth_hmacsha256_final(&st, mac);
    str_hex(mac, sizeof mac, out);
}

/* Opens a sealed string into out (NUL-terminated); "" when it cannot. */
static void open_sealed(const struct keys *k, const char *sealed, char *out, size_t n)
{
    size_t len = 0;
    out[0] = '\0';
    if (sealed && keys_open(k, sealed, (unsigned char *)out, n - 1, &len))
        out[len] = '\0';
}

/*
 * Loads application id and checks that ctx sees it (404 otherwise); fills
 * the type and village too.
 */
static enum err load_visible(struct tx *tx, struct ctx *ctx, const char *id, struct hh_app *app,
                             struct hh_type *type, struct area_row *village)
{
    enum err e = hh_repo_get(tx, id, app);
    if (e == ERR_NOT_FOUND)
        return not_found(ctx);
    if (e != ERR_OK)
        return e;
    if ((e = org_area_by_id(tx, app->village_id, village)) != ERR_OK)
        return e;
    if (!ctx->who || !scope_has_path(&ctx->who->scope, village->path)) {
        hh_app_release(app);
        return not_found(ctx);
    }
    if (!role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_R)) {
        hh_app_release(app);
        return forbidden(ctx, "read household applications");
    }
    if (type && (e = hh_repo_type_get(tx, app->business_type, type)) != ERR_OK) {
        hh_app_release(app);
        return e;
    }
    return ERR_OK;
}

static bool sees_full_id(const struct ctx *ctx)
{
    return ctx->who && role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_U);
}

/* Stage durations from the history (seconds per state, the current one until now). */
static json_t *stage_times(json_t *history, enum hh_state current, int64_t now)
{
    json_t *out = json_object();
    size_t n = json_array_size(history);
    for (size_t i = 0; i < n; i++) {
        json_t *h = json_array_get(history, i);
        const char *to = json_string_value(json_object_get(h, "to"));
        int64_t start = (int64_t)json_integer_value(json_object_get(h, "at_unix"));
        int64_t end;
        if (i + 1 < n)
            end = (int64_t)json_integer_value(
                json_object_get(json_array_get(history, i + 1), "at_unix"));
        else if (!hh_state_closed(current))
            end = now;
        else
            continue;
        json_int_t prev = json_integer_value(json_object_get(out, to));
        json_object_set_new(out, to, json_integer(prev + (end - start)));
    }
    return out;
}

static void time_or_null(json_t *o, const char *key, int64_t t)
{
    if (!t) {
        json_object_set_new(o, key, json_null());
        return;
    }
    char s[TIME_ISO_LEN];
    time_iso(t, s);
    json_object_set_new(o, key, json_string(s));
}

/* The whole record as JSON (history and attachments read in tx). */
static enum err app_json(struct tx *tx, struct ctx *ctx, const struct hh_app *a,
                         const struct hh_type *t, const struct area_row *village, json_t **out)
{
    int64_t now = clock_now();
    char idnum[64], phone[64];
    bool full = sees_full_id(ctx);
    if (full) {
        open_sealed(&ctx->app->keys, a->id_sealed, idnum, sizeof idnum);
        open_sealed(&ctx->app->keys, a->phone_sealed, phone, sizeof phone);
    } else {
        snprintf(idnum, sizeof idnum, "%s", a->id_masked);
        snprintf(phone, sizeof phone, "%s", a->phone_masked);
    }
    json_t *details = json_loads(a->details ? a->details : "{}", 0, NULL);
    json_t *history = json_array();
    json_t *attachments = json_array();
    enum err e = hh_repo_history_json(tx, a->id, history);
    if (e == ERR_OK)
        e = attach_list(tx, "household", a->id, attachments);
    if (e != ERR_OK) {
        json_decref(details);
        json_decref(history);
        json_decref(attachments);
        return e;
    }
    json_t *stages = stage_times(history, a->status, now);
    size_t i;
    json_t *h;
    json_array_foreach(history, i, h) json_object_del(h, "at_unix");
    json_t *allowed = json_array();
    if (ctx->who) {
        hh_fsm_allowed(a->status, ctx->who->role, t->level, allowed);
        if ((a->status == HH_DRAFT || a->status == HH_RETURNED) &&
            role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_C))
            json_array_append_new(allowed, json_string("edit"));
    }
    json_t *materials = json_array();
    for (size_t k = 0; k < t->n_materials; k++)
        json_array_append_new(materials,
                              json_pack("{ss ss sb sb}", "kind", t->materials[k].kind, "name",
                                        t->materials[k].name, "required", t->materials[k].required,
                                        "on_site", t->materials[k].on_site));
    json_t *o = json_pack(
        "{ss ss ss ss ss ss ss ss s{ss ss so} so ss so so so so sI sb so so}", "id", a->id,
        "number", a->number, "business_type", a->business_type, "business_type_name", t->name,
        "level", hh_level_name(t->level), "village_id", a->village_id, "village_name",
        village->name, "status", hh_state_name(a->status), "applicant", "name", a->applicant_name,
        "id_number", idnum, "phone", phone[0] ? json_string(phone) : json_null(), "details",
        details ? details : json_object(), "created_by", a->created_by, "history", history,
        "attachments", attachments, "materials", materials, "allowed", allowed, "version",
        (json_int_t)a->version, "overdue",
        a->due_at && !hh_state_closed(a->status) && a->due_at < now, "stage_seconds", stages,
        "last_reason", a->last_reason ? json_string(a->last_reason) : json_null());
    if (!o)
        return ERR_INTERNAL;
    time_or_null(o, "created_at", a->created_at);
    time_or_null(o, "updated_at", a->updated_at);
    time_or_null(o, "first_submitted_at", a->first_submitted_at);
    time_or_null(o, "submitted_at", a->submitted_at);
    time_or_null(o, "due_at", a->due_at);
    time_or_null(o, "accepted_at", a->accepted_at);
    time_or_null(o, "approved_at", a->approved_at);
    time_or_null(o, "completed_at", a->completed_at);
    json_object_set_new(o, "promised_days", json_integer(t->promised_days));
    json_object_set_new(o, "days_unit",
                        json_string(t->working_days ? "working_days" : "calendar_days"));
    *out = o;
    return ERR_OK;
}

/* --- reference data -------------------------------------------------------- */

#include "core/embedded.h"

/* Splits a CSV line (no quoting in our reference files) into at most max fields. */
static size_t split_csv(char *line, char **fields, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

struct seed_arg {
    struct ctx *ctx;
    int added;
};

static enum err seed_fn(struct tx *tx, void *argv)
{
    struct seed_arg *a = argv;
    a->added = 0;
    int64_t count = 0;
    enum err e = hh_repo_type_count(tx, &count);
    if (e != ERR_OK || count > 0)
        return e;
    const struct embedded_file *types =
        embedded_find(embedded_ref, embedded_ref_count, "/household-business-types.csv");
    const struct embedded_file *mats =
        embedded_find(embedded_ref, embedded_ref_count, "/household-materials.csv");
    if (!types || !mats)
        return err_set(&a->ctx->err, ERR_INTERNAL, NULL, "reference data missing from the build");
    char *text = xstrdup((const char *)types->data);
    char *save = NULL;
    int lineno = 0;
    for (char *line = strtok_r(text, "\n", &save); line && e == ERR_OK;
         line = strtok_r(NULL, "\n", &save)) {
        if (lineno++ == 0)
            continue;
        line[strcspn(line, "\r")] = '\0';
        char *f[12];
        if (split_csv(line, f, 12) < 11) {
            e = err_set(&a->ctx->err, ERR_INTERNAL, NULL, "bad business type line %d", lineno);
            break;
        }
        /* code,name_zh,name_en,materials,approver_level,promised_days,days_unit,
           approval_chain,assistant_preaccept,days_basis,legal_basis,verified */
        e = hh_repo_type_insert(tx, f[0], f[1], f[2], f[4], f[7], (int)strtol(f[5], NULL, 10), f[6],
                                f[8], f[9], f[10]);
        if (e == ERR_OK)
            a->added++;
    }
    free(text);
    text = xstrdup((const char *)mats->data);
    save = NULL;
    lineno = 0;
    int position = 0;
    for (char *line = strtok_r(text, "\n", &save); line && e == ERR_OK;
         line = strtok_r(NULL, "\n", &save)) {
        if (lineno++ == 0)
            continue;
        line[strcspn(line, "\r")] = '\0';
        char *f[5];
        if (split_csv(line, f, 5) < 5) {
            e = err_set(&a->ctx->err, ERR_INTERNAL, NULL, "bad material line %d", lineno);
            break;
        }
        /* type_code,kind,name_zh,required,on_site */
        e = hh_repo_material_insert(tx, f[0], f[1], f[2], strcmp(f[3], "yes") == 0,
                                    strcmp(f[4], "yes") == 0, position++);
    }
    free(text);
    if (e == ERR_OK && a->added)
        e = audit_append(tx, a->ctx, "household.types_seed", NULL, "ok");
    return e;
}

enum err household_seed_types(struct ctx *ctx, int *added)
{
    struct seed_arg a = {ctx, 0};
    enum err e = tx_run(ctx->app->db, true, seed_fn, &a);
    *added = a.added;
    return e;
}

static enum err types_fn(struct tx *tx, void *argv)
{
    json_t *items = argv;
    json_array_clear(items);
    return hh_repo_types_json(tx, items);
}

enum err household_types_list(struct ctx *ctx, json_t **items)
{
    json_t *arr = json_array();
    enum err e = tx_run(ctx->app->db, false, types_fn, arr);
    if (e != ERR_OK) {
        json_decref(arr);
        return e;
    }
    *items = arr;
    return ERR_OK;
}

struct type_upd_arg {
    struct ctx *ctx;
    const char *code;
    const struct hh_type_patch *p;
    json_t *out;
};

static enum err type_one_json(struct tx *tx, const char *code, json_t **out)
{
    json_t *all = json_array();
    enum err e = hh_repo_types_json(tx, all);
    size_t i;
    json_t *v;
    *out = NULL;
    json_array_foreach(all, i, v) if (!*out && strcmp(json_string_value(json_object_get(v, "code")),
                                                      code) == 0) *out = json_incref(v);
    json_decref(all);
    return e;
}

static enum err type_upd_fn(struct tx *tx, void *argv)
{
    struct type_upd_arg *a = argv;
    struct hh_type *t = xcalloc(1, sizeof *t);
    enum err e = hh_repo_type_get(tx, a->code, t);
    if (e == ERR_NOT_FOUND)
        e = err_set(&a->ctx->err, e, NULL, "no such business type");
    if (e == ERR_OK && a->p->version != t->version) {
        json_decref(a->out);
        type_one_json(tx, a->code, &a->out);
        e = err_set(&a->ctx->err, ERR_VERSION_CONFLICT, "version",
                    "the business type was changed meanwhile");
    }
    if (e == ERR_OK) {
        const char *unit = a->p->days_unit ? a->p->days_unit
                                           : (t->working_days ? "working_days" : "calendar_days");
        int days = a->p->promised_days >= 0 ? a->p->promised_days : t->promised_days;
        e = hh_repo_type_update(tx, a->code, a->p->name ? a->p->name : t->name, days, unit,
                                t->version + 1);
    }
    if (e == ERR_OK) {
        char object[48];
        snprintf(object, sizeof object, "household_type/%s", a->code);
        e = audit_append(tx, a->ctx, "household.type_update", object, "ok");
    }
    if (e == ERR_OK) {
        json_decref(a->out);
        e = type_one_json(tx, a->code, &a->out);
    }
    free(t);
    return e;
}

enum err household_type_update(struct ctx *ctx, const char *code, const struct hh_type_patch *p,
                               json_t **out)
{
    if (!ctx->who || !role_can(ctx->who->role, RES_REFDATA, RIGHT_A))
        return forbidden(ctx, "change reference data");
    if (p->days_unit && strcmp(p->days_unit, "working_days") != 0 &&
        strcmp(p->days_unit, "calendar_days") != 0)
        return err_set(&ctx->err, ERR_INVALID, "days_unit",
                       "days_unit is working_days or calendar_days");
    struct type_upd_arg a = {ctx, code, p, NULL};
    enum err e = tx_run(ctx->app->db, true, type_upd_fn, &a);
    *out = a.out;
    return e;
}

/* --- create and edit ----------------------------------------------------- */

/* Validated applicant: sealed values into app. */
static enum err set_applicant(struct ctx *ctx, struct hh_app *app, const char *name,
                              const char *id_number, const char *phone)
{
    char id[IDNUM_SIZE];
    enum err e = idnum_validate(id_number, id, clock_now(), &ctx->err);
    if (e != ERR_OK) {
        snprintf(ctx->err.field, sizeof ctx->err.field, "applicant.id_number");
        return e;
    }
    char ph[PHONE_SIZE];
    if ((e = phone_validate(phone, ph, sizeof ph, &ctx->err)) != ERR_OK) {
        snprintf(ctx->err.field, sizeof ctx->err.field, "applicant.phone");
        return e;
    }
    snprintf(app->applicant_name, sizeof app->applicant_name, "%s", name);
    free(app->id_sealed);
    app->id_sealed = keys_seal(&ctx->app->keys, id, strlen(id));
    household_id_hmac(&ctx->app->keys, id, app->id_hmac);
    idnum_mask(id, app->id_masked, sizeof app->id_masked);
    snprintf(app->id_last4, sizeof app->id_last4, "%s", id + 14);
    free(app->phone_sealed);
    app->phone_sealed = keys_seal(&ctx->app->keys, ph, strlen(ph));
    phone_mask(ph, app->phone_masked, sizeof app->phone_masked);
    return ERR_OK;
}

static enum err new_number(struct tx *tx, char out[32])
{
    int y, m, d;
    date_of(clock_now(), &y, &m, &d);
    for (int attempt = 0; attempt < 50; attempt++) {
        uint32_t r = randombytes_uniform(1000000);
        snprintf(out, 32, "HJ%04d%02d%02d%06u", y, m, d, (unsigned)r);
        bool taken = false;
        enum err e = hh_repo_number_taken(tx, out, &taken);
        if (e != ERR_OK || !taken)
            return e;
    }
    return ERR_INTERNAL;
}

static enum err add_history(struct tx *tx, struct ctx *ctx, const char *app_id, const char *action,
                            const char *from, const char *to, const char *note)
{
    struct hh_history h = {
        .actor_id = ctx->who ? ctx->who->user_id : NULL,
        .actor_name = ctx->who ? ctx->who->name : "system",
        .role = ctx->who ? role_name(ctx->who->role) : "cli",
        .action = action,
        .from = from,
        .to = to,
        .note = note,
    };
    return hh_repo_history_add(tx, app_id, &h);
}

struct create_arg {
    struct ctx *ctx;
    const struct hh_input *in;
    char *details;
    json_t *out;
    bool created;
};

static enum err create_fn(struct tx *tx, void *argv)
{
    struct create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct hh_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    if (in->client_ref && (e = idem_get(tx, ctx->who->user_id, "household", in->client_ref, &found,
                                        existing)) != ERR_OK)
        return e;
    struct hh_app app;
    memset(&app, 0, sizeof app);
    struct hh_type *t = xcalloc(1, sizeof *t);
    struct area_row village;
    if (found) {
        e = load_visible(tx, ctx, existing, &app, t, &village);
        if (e == ERR_OK)
            e = app_json(tx, ctx, &app, t, &village, &a->out);
        goto out;
    }
    char county[RAND_ID_LEN + 1];
    e = org_area_county(tx, in->village_id, &village, county);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, village.path))) {
        ctx->denial = true;
        e = err_set(&ctx->err, ERR_NOT_FOUND, "village_id", "no such village");
        goto out;
    }
    if (e != ERR_OK)
        goto out;
    if (!role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_C)) {
        e = forbidden(ctx, "create household applications");
        goto out;
    }
    if (strcmp(village.level, "village") != 0 && strcmp(village.level, "community") != 0) {
        e = err_set(&ctx->err, ERR_INVALID, "village_id", "not a village or community");
        goto out;
    }
    e = hh_repo_type_get(tx, in->business_type, t);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && (!str_starts_with(t->chain, "assistant>") ||
                                               strcmp(t->preaccept, "no") == 0))) {
        e = err_set(&ctx->err, ERR_INVALID, "business_type",
                    e == ERR_OK ? "this business cannot be pre-accepted by an assistant"
                                : "no such business type");
        goto out;
    }
    if (e != ERR_OK)
        goto out;
    if ((e = set_applicant(ctx, &app, in->name, in->id_number, in->phone)) != ERR_OK)
        goto out;
    rand_id(app.id);
    snprintf(app.county_id, sizeof app.county_id, "%s", county);
    snprintf(app.business_type, sizeof app.business_type, "%s", t->code);
    snprintf(app.village_id, sizeof app.village_id, "%s", village.id);
    snprintf(app.created_by, sizeof app.created_by, "%s", ctx->who->user_id);
    app.status = HH_DRAFT;
    app.details = xstrdup(a->details);
    app.version = 1;
    app.created_at = app.updated_at = clock_now();
    if ((e = new_number(tx, app.number)) != ERR_OK)
        goto out;
    if ((e = hh_repo_insert(tx, &app)) != ERR_OK)
        goto out;
    if (in->client_ref &&
        (e = idem_put(tx, ctx->who->user_id, "household", in->client_ref, app.id)) != ERR_OK)
        goto out;
    if ((e = add_history(tx, ctx, app.id, "create", NULL, "draft", NULL)) != ERR_OK)
        goto out;
    char object[48];
    snprintf(object, sizeof object, "household/%s", app.id);
    if ((e = audit_append(tx, ctx, "household.create", object, "ok")) != ERR_OK)
        goto out;
    json_t *same = json_array();
    e = hh_repo_open_same(tx, app.id_hmac, app.business_type, app.id, same);
    if (e == ERR_OK)
        e = app_json(tx, ctx, &app, t, &village, &a->out);
    if (e == ERR_OK && json_array_size(same) > 0) {
        json_t *w = json_array();
        json_array_append_new(
            w, json_pack("{ss ss sO}", "code", "open_application_exists", "message",
                         "this applicant already has an open application of this type",
                         "applications", same));
        json_object_set_new(a->out, "warnings", w);
    }
    json_decref(same);
    a->created = e == ERR_OK;
out:
    hh_app_release(&app);
    free(t);
    return e;
}

enum err household_create(struct ctx *ctx, const struct hh_input *in, json_t **out, bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    char *details = json_dumps(in->details, JSON_COMPACT | JSON_SORT_KEYS);
    if (!details || strlen(details) > HH_DETAILS_MAX) {
        free(details);
        return err_set(&ctx->err, ERR_TOO_LONG, "details", "details are limited to 16 KiB");
    }
    struct create_arg a = {.ctx = ctx, .in = in, .details = details};
    enum err e = tx_run(ctx->app->db, true, create_fn, &a);
    free(details);
    if (e != ERR_OK) {
        json_decref(a.out);
        return e;
    }
    *out = a.out;
    *created = a.created;
    return ERR_OK;
}

struct update_arg {
    struct ctx *ctx;
    const char *id;
    const struct hh_patch *p;
    char *details;
    json_t *out;
};

static enum err update_fn(struct tx *tx, void *argv)
{
    struct update_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    a->out = NULL;
    struct hh_app app;
    memset(&app, 0, sizeof app);
    struct hh_type *t = xcalloc(1, sizeof *t);
    struct area_row village;
    enum err e = load_visible(tx, ctx, a->id, &app, t, &village);
    if (e != ERR_OK) {
        free(t);
        return e;
    }
    if (!role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_C)) {
        e = forbidden(ctx, "change household applications");
    } else if (app.status != HH_DRAFT && app.status != HH_RETURNED) {
        e = err_set(&ctx->err, ERR_STATE, NULL, "only a draft or returned application changes");
    } else if (a->p->version != app.version) {
        app_json(tx, ctx, &app, t, &village, &a->out);
        e = err_set(&ctx->err, ERR_VERSION_CONFLICT, "version",
                    "the application was changed meanwhile (version %lld)", (long long)app.version);
    } else {
        if (a->p->set_applicant)
            e = set_applicant(ctx, &app, a->p->name, a->p->id_number, a->p->phone);
        if (e == ERR_OK && a->details) {
            free(app.details);
            app.details = xstrdup(a->details);
        }
        if (e == ERR_OK) {
            app.version++;
            app.updated_at = clock_now();
            e = hh_repo_update(tx, &app);
        }
        if (e == ERR_OK)
            e = add_history(tx, ctx, app.id, "edit", hh_state_name(app.status),
                            hh_state_name(app.status), NULL);
        if (e == ERR_OK) {
            char object[48];
            snprintf(object, sizeof object, "household/%s", app.id);
            e = audit_append(tx, ctx, "household.update", object, "ok");
        }
        if (e == ERR_OK)
            e = app_json(tx, ctx, &app, t, &village, &a->out);
    }
    if (e == ERR_STATE && !a->out) {
        json_t *allowed = json_array();
        hh_fsm_allowed(app.status, ctx->who->role, t->level, allowed);
        a->out = json_pack("{so}", "allowed", allowed);
    }
    hh_app_release(&app);
    free(t);
    return e;
}

enum err household_update(struct ctx *ctx, const char *id, const struct hh_patch *p, json_t **out)
{
    char *details = NULL;
    if (p->details) {
        details = json_dumps(p->details, JSON_COMPACT | JSON_SORT_KEYS);
        if (!details || strlen(details) > HH_DETAILS_MAX) {
            free(details);
            return err_set(&ctx->err, ERR_TOO_LONG, "details", "details are limited to 16 KiB");
        }
    }
    struct update_arg a = {ctx, id, p, details, NULL};
    enum err e = tx_run(ctx->app->db, true, update_fn, &a);
    free(details);
    *out = a.out;
    return e;
}

/* --- transitions --------------------------------------------------------- */

static const char *const status_zh[HH_STATE__COUNT] = {
    [HH_DRAFT] = "草稿",          [HH_SUBMITTED] = "已提交预受理", [HH_ACCEPTED] = "已受理",
    [HH_APPROVED] = "已审批通过", [HH_COMPLETED] = "已办结",       [HH_RETURNED] = "已退回补正",
    [HH_REJECTED] = "不予办理",
};

/* Notifications of a status change: the assistant's inbox and a text to the applicant. */
static enum err notify(struct tx *tx, struct ctx *ctx, const struct hh_app *app,
                       const struct hh_type *t, enum hh_state to, const char *note)
{
    enum err e = ERR_OK;
    char title[400];
    snprintf(title, sizeof title, "户籍申请 %s（%s）%s", app->number, t->name, status_zh[to]);
    if (!ctx->who || strcmp(ctx->who->user_id, app->created_by) != 0)
        e = inbox_add(tx, app->created_by, "application_status", title, "household_application",
                      app->id);
    if (e == ERR_OK) {
        /* The assistant's open pages learn of it at once (returned ones above all). */
        struct events_audience aud = {.dir = EVENTS_TO_USER, .user_id = app->created_by};
        json_t *data = json_pack("{ss ss ss}", "number", app->number, "status", hh_state_name(to),
                                 "title", title);
        e = events_emit(tx, "application_status", "household_application", app->id, &aud, data);
        json_decref(data);
    }
    if (e != ERR_OK || to == HH_DRAFT || !app->phone_sealed)
        return e;
    char phone[64];
    open_sealed(&ctx->app->keys, app->phone_sealed, phone, sizeof phone);
    if (!phone[0])
        return ERR_OK;
    char body[SMS_BODY_MAX + 200];
    if (to == HH_RETURNED && note)
        snprintf(body, sizeof body,
                 "【村警】您的%s申请（编号%s）%s，原因：%.200s。请联系本村警务助理补正。", t->name,
                 app->number, status_zh[to], note);
    else
        snprintf(body, sizeof body,
                 "【村警】您的%s申请（编号%s）%s。可凭编号和身份证后四位查询进度。", t->name,
                 app->number, status_zh[to]);
    return sms_enqueue(tx, &ctx->app->keys, phone, body, "household_application", app->id);
}

struct act_arg {
    struct ctx *ctx;
    const char *id;
    enum hh_action action;
    const char *note;
    json_t *out;
    json_t *extra;
};

static enum err missing_materials(struct tx *tx, const struct hh_app *app, const struct hh_type *t,
                                  json_t *missing)
{
    json_t *kinds = json_object();
    enum err e = attach_kinds(tx, "household", app->id, kinds);
    for (size_t k = 0; e == ERR_OK && k < t->n_materials; k++) {
        const struct hh_material *m = &t->materials[k];
        if (m->required && !m->on_site && !json_object_get(kinds, m->kind))
            json_array_append_new(missing, json_string(m->kind));
    }
    json_decref(kinds);
    return e;
}

static enum err act_fn(struct tx *tx, void *argv)
{
    struct act_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    json_decref(a->extra);
    a->out = a->extra = NULL;
    struct hh_app app;
    memset(&app, 0, sizeof app);
    struct hh_type *t = xcalloc(1, sizeof *t);
    struct area_row village;
    enum err e = load_visible(tx, ctx, a->id, &app, t, &village);
    if (e != ERR_OK) {
        free(t);
        return e;
    }
    enum hh_state from = app.status, to = from;
    e = hh_fsm_next(from, a->action, ctx->who->role, t->level, &to);
    if (e == ERR_FORBIDDEN) {
        e = forbidden(ctx, hh_action_name(a->action));
        goto out;
    }
    if (e == ERR_STATE) {
        json_t *allowed = json_array();
        hh_fsm_allowed(from, ctx->who->role, t->level, allowed);
        a->extra = json_pack("{so}", "allowed", allowed);
        e = err_set(&ctx->err, ERR_STATE, NULL, "cannot %s an application that is %s",
                    hh_action_name(a->action), hh_state_name(from));
        goto out;
    }
    if ((a->action == HH_RETURN || a->action == HH_REJECT) && (!a->note || !*a->note)) {
        e = err_set(&ctx->err, ERR_INVALID, "reason", "a reason is required");
        goto out;
    }
    int64_t now = clock_now();
    if (a->action == HH_SUBMIT) {
        json_t *missing = json_array();
        e = missing_materials(tx, &app, t, missing);
        if (e == ERR_OK && json_array_size(missing) > 0) {
            a->extra = json_pack("{sO}", "missing", missing);
            e = err_set(&ctx->err, ERR_MISSING_MATERIALS, "attachments",
                        "required materials have no photo yet");
        }
        json_decref(missing);
        if (e != ERR_OK)
            goto out;
        app.submitted_at = now;
        if (!app.first_submitted_at)
            app.first_submitted_at = now;
        app.due_at = workday_due(&ctx->app->cal, now, t->promised_days, t->working_days);
    }
    if (a->action == HH_ACCEPT)
        app.accepted_at = now;
    if (a->action == HH_APPROVE)
        app.approved_at = now;
    if (a->action == HH_COMPLETE)
        app.completed_at = now;
    if (to == HH_COMPLETED || to == HH_REJECTED)
        app.closed_at = now;
    if (a->action == HH_RETURN || a->action == HH_REJECT) {
        free(app.last_reason);
        app.last_reason = xstrdup(a->note);
    }
    app.status = to;
    app.version++;
    app.updated_at = now;
    log_info("household %s: %s -> [%s]", app.number, hh_state_name(from), hh_state_name(to));
    if ((e = hh_repo_update(tx, &app)) != ERR_OK)
        goto out;
    if ((e = add_history(tx, ctx, app.id, hh_action_name(a->action), hh_state_name(from),
                         hh_state_name(to), a->note)) != ERR_OK)
        goto out;
    char object[48], action[48];
    snprintf(object, sizeof object, "household/%s", app.id);
    snprintf(action, sizeof action, "household.%s", hh_action_name(a->action));
    if ((e = audit_append(tx, ctx, action, object, "ok")) != ERR_OK)
        goto out;
    if ((e = notify(tx, ctx, &app, t, to, a->note)) != ERR_OK)
        goto out;
    e = app_json(tx, ctx, &app, t, &village, &a->out);
out:
    hh_app_release(&app);
    free(t);
    return e;
}

enum err household_act(struct ctx *ctx, const char *id, enum hh_action action, const char *note,
                       json_t **out, json_t **extra)
{
    struct act_arg a = {ctx, id, action, note, NULL, NULL};
    enum err e = tx_run(ctx->app->db, true, act_fn, &a);
    *out = a.out;
    *extra = a.extra;
    return e;
}

/* --- reads ---------------------------------------------------------------- */

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
    struct hh_app app;
    memset(&app, 0, sizeof app);
    struct hh_type *t = xcalloc(1, sizeof *t);
    struct area_row village;
    enum err e = load_visible(tx, a->ctx, a->id, &app, t, &village);
    if (e == ERR_OK)
        e = app_json(tx, a->ctx, &app, t, &village, &a->out);
    hh_app_release(&app);
    free(t);
    return e;
}

enum err household_get(struct ctx *ctx, const char *id, json_t **out)
{
    /*
     * The record is read in a read transaction, concurrently with other
     * readers; the audit row of the read is then committed (batched with
     * other writes) before anything is answered.
     */
    struct get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, false, get_fn, &a);
    if (e == ERR_OK) {
        char object[48];
        snprintf(object, sizeof object, "household/%s", id);
        e = audit_record(ctx, "household.read", object, sees_full_id(ctx) ? "ok full_id" : "ok");
        if (e != ERR_OK) {
            json_decref(a.out);
            a.out = NULL;
        }
    }
    *out = a.out;
    return e;
}

struct list_arg {
    struct ctx *ctx;
    struct hh_list_filter f;
    json_t *items;
    bool more;
};

static enum err list_fn(struct tx *tx, void *argv)
{
    struct list_arg *a = argv;
    json_array_clear(a->items);
    return hh_repo_list(tx, &a->f, a->items, &a->more);
}

enum err household_list(struct ctx *ctx, const struct hh_query *q, json_t **items,
                        char **next_cursor)
{
    if (!role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_R))
        return forbidden(ctx, "read household applications");
    struct list_arg a = {.ctx = ctx, .items = json_array()};
    struct hh_list_filter *f = &a.f;
    f->scope = &ctx->who->scope;
    f->status = q->status;
    f->village_id = q->village_id;
    f->business_type = q->business_type;
    f->overdue = q->overdue;
    /* An assistant's scope is one village: name it, so the index does the work. */
    if (!f->village_id && ctx->who->role == ROLE_ASSISTANT && ctx->who->scope.n == 1)
        f->village_id = ctx->who->scope.area_ids[0];
    f->sort_due = q->sort_due;
    f->now = clock_now();
    f->limit = q->limit;
    char like[4 * 64 + 8] = "", hmac[65] = "", cid[RAND_ID_LEN + 1] = "";
    if (q->q && *q->q) {
        /* Number, part of a name, or a whole ID number (found by its keyed hash). */
        f->q_number = q->q;
        size_t o = 0;
        like[o++] = '%';
        for (const char *p = q->q; *p && o < sizeof like - 3; p++) {
            if (*p == '%' || *p == '_' || *p == '\\')
                like[o++] = '\\';
            like[o++] = *p;
        }
        like[o++] = '%';
        like[o] = '\0';
        f->q_name_like = like;
        char id[IDNUM_SIZE];
        struct errinfo ignore;
        if (idnum_validate(q->q, id, clock_now(), &ignore) == ERR_OK) {
            household_id_hmac(&ctx->app->keys, id, hmac);
            f->q_id_hmac = hmac;
        }
    }
    if (q->cursor) {
        long long key = 0;
        if (sscanf(q->cursor, "%lld.%26s", &key, cid) != 2 || key <= 0) {
            json_decref(a.items);
            return err_set(&ctx->err, ERR_INVALID, "cursor", "bad cursor");
        }
        f->cursor_key = key;
        f->cursor_id = cid;
    }
    enum err e = tx_run(ctx->app->db, false, list_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *next_cursor = NULL;
    size_t n = json_array_size(a.items);
    if (a.more && n) {
        json_t *last = json_array_get(a.items, n - 1);
        *next_cursor =
            xasprintf("%lld.%s", (long long)json_integer_value(json_object_get(last, "_key")),
                      json_string_value(json_object_get(last, "id")));
    }
    size_t i;
    json_t *it;
    json_array_foreach(a.items, i, it) json_object_del(it, "_key");
    *items = a.items;
    return ERR_OK;
}

/* --- the villager's lookup ------------------------------------------------ */

struct lookup_arg {
    struct ctx *ctx;
    const char *number, *last4;
    json_t *out;
    int hits;
    int64_t window_end;
};

static enum err lookup_fn(struct tx *tx, void *argv)
{
    struct lookup_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    struct hh_app app;
    memset(&app, 0, sizeof app);
    enum err e = hh_repo_by_number(tx, a->number, &app);
    bool match = e == ERR_OK && sodium_memcmp(app.id_last4, a->last4, 4) == 0;
    if (e == ERR_OK && match) {
        struct hh_type *t = xcalloc(1, sizeof *t);
        e = hh_repo_type_get(tx, app.business_type, t);
        if (e == ERR_OK) {
            char upd[TIME_ISO_LEN], due[TIME_ISO_LEN];
            time_iso(app.updated_at, upd);
            time_iso(app.due_at, due);
            a->out = json_pack("{ss ss ss ss so}", "number", app.number, "business_type",
                               app.business_type, "status", hh_state_name(app.status), "updated_at",
                               upd, "due_at", app.due_at ? json_string(due) : json_null());
        }
        free(t);
    }
    if (e == ERR_OK || e == ERR_NOT_FOUND)
        e = audit_append_as(tx, a->ctx, NULL, "-", "public", "household.public_lookup",
                            match ? app.id : NULL, match ? "ok" : "not_found");
    hh_app_release(&app);
    if (e == ERR_OK && !match)
        return err_set(&a->ctx->err, ERR_NOT_FOUND, NULL,
                       "no application with this number and these ID digits");
    return e;
}

static enum err rate_fn(struct tx *tx, void *argv)
{
    struct lookup_arg *a = argv;
    char bucket[96];
    snprintf(bucket, sizeof bucket, "lookup-ip:%s", a->ctx->ip);
    return ratelimit_hit(tx, bucket, clock_now(), 60, &a->hits, &a->window_end);
}

enum err household_public_lookup(struct ctx *ctx, const char *number, const char *last4,
                                 json_t **out)
{
    struct lookup_arg a = {ctx, number, last4, NULL, 0, 0};
    if (!last4 || strlen(last4) != 4 || strlen(number) > 31)
        return err_set(&ctx->err, ERR_NOT_FOUND, NULL,
                       "no application with this number and these ID digits");
    char up[8];
    for (int i = 0; i < 4; i++)
        up[i] = last4[i] == 'x' ? 'X' : last4[i];
    up[4] = '\0';
    a.last4 = up;
    enum err e = tx_run(ctx->app->db, true, rate_fn, &a);
    if (e != ERR_OK)
        return e;
    if (a.hits > HH_LOOKUPS_PER_MINUTE) {
        int64_t wait = a.window_end - clock_now();
        ctx->err.retry_after = wait < 1 ? 1 : (int)wait;
        return err_set(&ctx->err, ERR_RATE_LIMITED, NULL, "too many lookups from here");
    }
    e = tx_run(ctx->app->db, true, lookup_fn, &a);
    *out = a.out;
    return e;
}
