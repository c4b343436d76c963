/*
 * The rules of users: who may be created with which role and scope, password
 * policy and hashing, TOTP enrolment, disabling, and the audit record of
 * each change. The API and the command line both call these functions; the
 * command line acts as the system (ctx->who == NULL) and sees every area.
 */
#include "user/user.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "auth/session.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "org/org.h"
#include "store/tx.h"
#include "user/user_repo.h"
#include "core/xalloc.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_WINDOW 1

void user_row_release(struct user_row *u)
{
    free(u->totp_secret);
    free(u->totp_pending);
    u->totp_secret = NULL;
    u->totp_pending = NULL;
}

bool user_username_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 3 || n > USERNAME_MAX ||
        !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
            return false;
    }
    return true;
}

enum err user_to_json(struct tx *tx, const struct user_row *u, json_t **out)
{
    json_t *areas = json_array();
    enum err e = user_repo_area_ids(tx, u->id, areas);
    if (e != ERR_OK) {
        json_decref(areas);
        return e;
    }
    *out = json_pack("{ss ss ss ss so so sb sb sI}", "id", u->id, "username", u->username, "name",
                     u->name, "role", role_name(u->role), "area_ids", areas, "unit_id",
                     u->unit_id[0] ? json_string(u->unit_id) : json_null(), "disabled", u->disabled,
                     "totp_enabled", u->totp_secret != NULL, "version", (json_int_t)u->version);
    return ERR_OK;
}

/* A new TOTP secret: sealed into *sealed, URI into *uri. */
static void new_totp(struct ctx *ctx, const char *username, char **sealed, char **uri)
{
    unsigned char secret[TOTP_SECRET_BYTES];
    totp_new_secret(secret);
    *sealed = keys_seal(&ctx->app->keys, secret, sizeof secret);
    *uri = totp_uri("cunjing", username, secret, sizeof secret);
    memset(secret, 0, sizeof secret);
}

/* --- areas and unit of a user ------------------------------------------ */

struct resolved {
    char ids[USER_MAX_AREAS][RAND_ID_LEN + 1];
    const char *ptrs[USER_MAX_AREAS];
    char levels[USER_MAX_AREAS][20];
    size_t n;
    char unit_id[RAND_ID_LEN + 1];
};

static enum err resolve_areas(struct tx *tx, struct ctx *ctx, const char *const *areas, size_t n,
                              bool by_code, struct resolved *out)
{
    if (n > USER_MAX_AREAS)
        return err_set(&ctx->err, ERR_TOO_LONG, "area_ids", "at most %d areas", USER_MAX_AREAS);
    out->n = 0;
    for (size_t i = 0; i < n; i++) {
        struct area_row a;
        char field[32];
        snprintf(field, sizeof field, "area_ids.%zu", i);
        enum err e =
            by_code ? org_area_by_code(tx, areas[i], &a) : org_area_by_id(tx, areas[i], &a);
        if (e == ERR_NOT_FOUND ||
            (e == ERR_OK && ctx->who && !scope_has_path(&ctx->who->scope, a.path)))
            return err_set(&ctx->err, ERR_NOT_FOUND, by_code ? "area" : field,
                           "no such area: %.40s", areas[i]);
        if (e != ERR_OK)
            return e;
        snprintf(out->ids[out->n], sizeof out->ids[0], "%s", a.id);
        snprintf(out->levels[out->n], sizeof out->levels[0], "%s", a.level);
        out->ptrs[out->n] = out->ids[out->n];
        out->n++;
    }
    return ERR_OK;
}

static enum err resolve_unit(struct tx *tx, struct ctx *ctx, const char *unit, bool by_code,
                             struct resolved *out)
{
    out->unit_id[0] = '\0';
    if (!unit)
        return ERR_OK;
    enum err e;
    if (by_code) {
        e = org_unit_by_code(tx, unit, out->unit_id);
    } else {
        e = org_unit_exists(tx, unit);
        if (e == ERR_OK)
            snprintf(out->unit_id, sizeof out->unit_id, "%s", unit);
    }
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, ERR_NOT_FOUND, by_code ? "unit" : "unit_id",
                       "no such unit: %.40s", unit);
    return e;
}

/* Role-specific rules on scope. */
static enum err check_scope_rules(struct ctx *ctx, enum role role, const struct resolved *r)
{
    const char *field = "area_ids";
    switch (role) {
    case ROLE_ASSISTANT:
        if (r->n != 1 ||
            (strcmp(r->levels[0], "village") != 0 && strcmp(r->levels[0], "community") != 0))
            return err_set(&ctx->err, ERR_INVALID, field,
                           "an assistant has exactly one village or community");
        return ERR_OK;
    case ROLE_TOWNSHIP:
        if (r->n == 0)
            return err_set(&ctx->err, ERR_INVALID, field, "a township user needs its town");
        for (size_t i = 0; i < r->n; i++)
            if (strcmp(r->levels[i], "town") != 0)
                return err_set(&ctx->err, ERR_INVALID, field,
                               "a township user's areas must be towns");
        return ERR_OK;
    case ROLE_OFFICER:
    case ROLE_CLERK:
    case ROLE_REVIEWER:
    case ROLE_STATION_CHIEF:
    case ROLE_BUREAU:
        if (r->n == 0 && !r->unit_id[0])
            return err_set(&ctx->err, ERR_INVALID, field,
                           "police users need areas or a unit (its jurisdiction)");
        return ERR_OK;
    default:
        return ERR_OK;
    }
}

/* --- create ---------------------------------------------------------------- */

struct create_arg {
    struct ctx *ctx;
    const struct user_input *in;
    struct user_row u;
    json_t *json;
};

static enum err create_fn(struct tx *tx, void *argv)
{
    struct create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct user_input *in = a->in;
    struct resolved r;
    enum err e = resolve_areas(tx, ctx, in->areas, in->n_areas, in->areas_by_code, &r);
    if (e == ERR_OK)
        e = resolve_unit(tx, ctx, in->unit, in->unit_by_code, &r);
    if (e == ERR_OK)
        e = check_scope_rules(ctx, a->u.role, &r);
    if (e != ERR_OK)
        return e;
    snprintf(a->u.unit_id, sizeof a->u.unit_id, "%s", r.unit_id);
    e = user_repo_insert(tx, &a->u);
    if (e == ERR_CONFLICT)
        return err_set(&ctx->err, ERR_CONFLICT, "username", "username %s is taken", a->u.username);
    if (e == ERR_OK)
        e = user_repo_set_areas(tx, a->u.id, r.ptrs, r.n);
    if (e == ERR_OK && a->u.role == ROLE_ASSISTANT)
        e = org_assistant_ensure(tx, a->u.id, r.ids[0]);
    if (e != ERR_OK)
        return e;
    char object[64];
    snprintf(object, sizeof object, "user/%s", a->u.id);
    e = audit_append(tx, ctx, "user.create", object, "ok");
    if (e == ERR_OK) {
        json_decref(a->json);
        a->json = NULL;
        e = user_to_json(tx, &a->u, &a->json);
    }
    return e;
}

static enum err validate_basic(struct ctx *ctx, const char *username, const char *name,
                               const char *role, enum role *out)
{
    if (username && !user_username_ok(username))
        return err_set(&ctx->err, ERR_INVALID, "username",
                       "3-32 characters of a-z 0-9 . _ -, starting with a letter or digit");
    if (name && (!*name || strlen(name) > 4 * USER_NAME_MAX))
        return err_set(&ctx->err, *name ? ERR_TOO_LONG : ERR_INVALID, "name",
                       "a name of 1-64 characters");
    if (role) {
        *out = role_from_str(role);
        if (*out == ROLE_NONE)
            return err_set(&ctx->err, ERR_INVALID, "role", "unknown role %.32s", role);
    }
    return ERR_OK;
}

enum err user_create(struct ctx *ctx, const struct user_input *in, json_t **user_json,
                     char **otpauth)
{
    if (ctx->who && !role_can(ctx->who->role, RES_USERS, RIGHT_C))
        return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "only admins create users");
    struct create_arg a = {.ctx = ctx, .in = in};
    enum err e = validate_basic(ctx, in->username, in->name, in->role, &a.u.role);
    if (e != ERR_OK)
        return e;
    const struct config *cfg = &ctx->app->cfg;
    if (!in->password_hash) {
        e = password_policy_check(in->password, cfg->min_length, cfg->min_classes, &ctx->err);
        if (e != ERR_OK) {
            snprintf(ctx->err.field, sizeof ctx->err.field, "password");
            return e;
        }
    }
    rand_id(a.u.id);
    snprintf(a.u.username, sizeof a.u.username, "%s", in->username);
    snprintf(a.u.name, sizeof a.u.name, "%s", in->name);
    if (in->password_hash)
        snprintf(a.u.password_hash, sizeof a.u.password_hash, "%s", in->password_hash);
    else if ((e = password_hash(in->password, a.u.password_hash)) != ERR_OK)
        return e;
    char *uri = NULL;
    if (role_requires_totp(a.u.role))
        new_totp(ctx, a.u.username, &a.u.totp_secret, &uri);
    a.u.version = 1;
    a.u.created_at = a.u.updated_at = clock_now();
    e = tx_run(ctx->app->db, true, create_fn, &a);
    user_row_release(&a.u);
    if (e != ERR_OK) {
        json_decref(a.json);
        free(uri);
        return e;
    }
    if (user_json)
        *user_json = a.json;
    else
        json_decref(a.json);
    if (otpauth)
        *otpauth = uri;
    else
        free(uri);
    return ERR_OK;
}

/* --- read -------------------------------------------------------------------- */

struct get_arg {
    const char *id;
    json_t *json;
};

static enum err get_fn(struct tx *tx, void *argv)
{
    struct get_arg *a = argv;
    struct user_row u;
    enum err e = user_repo_by_id(tx, a->id, &u);
    if (e != ERR_OK)
        return e;
    json_decref(a->json);
    a->json = NULL;
    e = user_to_json(tx, &u, &a->json);
    user_row_release(&u);
    return e;
}

enum err user_get(struct ctx *ctx, const char *id, json_t **user_json)
{
    if (!ctx->who || !role_can(ctx->who->role, RES_USERS, RIGHT_R)) {
        ctx->denial = true;
        return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "only admins read users");
    }
    struct get_arg a = {id, NULL};
    enum err e = tx_run(ctx->app->db, false, get_fn, &a);
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, e, NULL, "no such user");
    *user_json = a.json;
    return e;
}

struct list_arg {
    const char *after;
    int limit;
    json_t *items;
    bool more;
};

static enum err list_fn(struct tx *tx, void *argv)
{
    struct list_arg *a = argv;
    json_t *names = json_array();
    json_array_clear(a->items);
    enum err e = user_repo_list(tx, a->after, a->limit + 1, names);
    a->more = json_array_size(names) > (size_t)a->limit;
    for (size_t i = 0; e == ERR_OK && i < json_array_size(names) && i < (size_t)a->limit; i++) {
        struct user_row u;
        e = user_repo_by_username(tx, json_string_value(json_array_get(names, i)), &u);
        if (e != ERR_OK)
            break;
        json_t *j = NULL;
        e = user_to_json(tx, &u, &j);
        user_row_release(&u);
        if (e == ERR_OK)
            json_array_append_new(a->items, j);
    }
    json_decref(names);
    return e;
}

enum err user_list(struct ctx *ctx, const char *after, int limit, json_t **items,
                   char **next_cursor)
{
    struct list_arg a = {after, limit, json_array(), false};
    enum err e = tx_run(ctx->app->db, false, list_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *next_cursor = NULL;
    size_t n = json_array_size(a.items);
    if (a.more && n > 0)
        *next_cursor =
            xstrdup(json_string_value(json_object_get(json_array_get(a.items, n - 1), "username")));
    *items = a.items;
    return ERR_OK;
}

/* --- update ------------------------------------------------------------------ */

struct update_arg {
    struct ctx *ctx;
    const char *id;
    const char *username; /* CLI: by username */
    const struct user_patch *p;
    char new_hash[160];
    char *uri;
    json_t *json;
    const char *action;
};

static enum err update_fn(struct tx *tx, void *argv)
{
    struct update_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct user_patch *p = a->p;
    struct user_row u;
    enum err e =
        a->username ? user_repo_by_username(tx, a->username, &u) : user_repo_by_id(tx, a->id, &u);
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, e, NULL, "no such user");
    if (e != ERR_OK)
        return e;
    json_decref(a->json);
    a->json = NULL;
    if (p->version && p->version != u.version) {
        user_to_json(tx, &u, &a->json);
        user_row_release(&u);
        return err_set(&ctx->err, ERR_VERSION_CONFLICT, "version",
                       "the user was changed meanwhile (version %lld)", (long long)u.version);
    }
    bool kill_sessions = false;
    enum role new_role = u.role;
    if (p->name)
        snprintf(u.name, sizeof u.name, "%s", p->name);
    if (p->role)
        new_role = role_from_str(p->role);
    if (new_role != u.role) {
        if (role_requires_totp(new_role) && !u.totp_secret) {
            free(a->uri);
            new_totp(ctx, u.username, &u.totp_secret, &a->uri);
        }
        u.role = new_role;
        kill_sessions = true;
    }
    struct resolved r;
    memset(&r, 0, sizeof r);
    if (p->set_areas) {
        e = resolve_areas(tx, ctx, p->areas, p->n_areas, false, &r);
        if (e == ERR_OK)
            e = user_repo_set_areas(tx, u.id, r.ptrs, r.n);
        kill_sessions = true;
    } else {
        /* Keep the current areas, but check them against the (new) role. */
        json_t *ids = json_array();
        e = user_repo_area_ids(tx, u.id, ids);
        size_t i;
        json_t *v;
        const char *tmp[USER_MAX_AREAS];
        size_t n = 0;
        json_array_foreach(ids, i, v) if (n < USER_MAX_AREAS) tmp[n++] = json_string_value(v);
        if (e == ERR_OK) {
            bool saved_who = ctx->who != NULL;
            struct principal *who = ctx->who;
            ctx->who = NULL; /* existing areas need not be in the admin's scope */
            e = resolve_areas(tx, ctx, tmp, n, false, &r);
            ctx->who = saved_who ? who : NULL;
        }
        json_decref(ids);
    }
    if (e == ERR_OK && p->set_unit) {
        e = resolve_unit(tx, ctx, p->unit, false, &r);
        if (e == ERR_OK)
            snprintf(u.unit_id, sizeof u.unit_id, "%s", r.unit_id);
        kill_sessions = true;
    } else if (e == ERR_OK) {
        snprintf(r.unit_id, sizeof r.unit_id, "%s", u.unit_id);
    }
    if (e == ERR_OK && (p->set_areas || p->role || p->set_unit))
        e = check_scope_rules(ctx, u.role, &r);
    if (e == ERR_OK && u.role == ROLE_ASSISTANT && (p->set_areas || p->role))
        e = org_assistant_ensure(tx, u.id, r.ids[0]);
    if (e == ERR_OK && p->disabled >= 0 && (p->disabled == 1) != u.disabled) {
        u.disabled = p->disabled == 1;
        kill_sessions = kill_sessions || u.disabled;
    }
    if (e == ERR_OK && a->new_hash[0]) {
        snprintf(u.password_hash, sizeof u.password_hash, "%s", a->new_hash);
        kill_sessions = true;
    }
    if (e == ERR_OK) {
        u.version++;
        u.updated_at = clock_now();
        e = user_repo_update(tx, &u);
    }
    if (e == ERR_OK && kill_sessions)
        e = session_close_user(tx, u.id, NULL);
    if (e == ERR_OK) {
        char object[64];
        snprintf(object, sizeof object, "user/%s", u.id);
        e = audit_append(tx, ctx, a->action, object, "ok");
    }
    if (e == ERR_OK)
        e = user_to_json(tx, &u, &a->json);
    user_row_release(&u);
    return e;
}

static enum err run_update(struct ctx *ctx, struct update_arg *a, json_t **user_json,
                           char **otpauth)
{
    const struct user_patch *p = a->p;
    enum role dummy;
    enum err e = validate_basic(ctx, NULL, p->name, p->role, &dummy);
    if (e != ERR_OK)
        return e;
    if (p->password) {
        const struct config *cfg = &ctx->app->cfg;
        e = password_policy_check(p->password, cfg->min_length, cfg->min_classes, &ctx->err);
        if (e != ERR_OK) {
            snprintf(ctx->err.field, sizeof ctx->err.field, "password");
            return e;
        }
        if ((e = password_hash(p->password, a->new_hash)) != ERR_OK)
            return e;
    }
    e = tx_run(ctx->app->db, true, update_fn, a);
    if (user_json)
        *user_json = a->json;
    else
        json_decref(a->json);
    if (otpauth && e == ERR_OK)
        *otpauth = a->uri;
    else
        free(a->uri);
    return e;
}

enum err user_update(struct ctx *ctx, const char *id, const struct user_patch *p,
                     json_t **user_json, char **otpauth)
{
    if (!ctx->who || !role_can(ctx->who->role, RES_USERS, RIGHT_A)) {
        ctx->denial = true;
        return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "only admins change users");
    }
    struct update_arg a = {.ctx = ctx, .id = id, .p = p, .action = "user.update"};
    if (p->password)
        a.action = "user.reset_password";
    return run_update(ctx, &a, user_json, otpauth);
}

enum err user_set_password(struct ctx *ctx, const char *username, const char *password)
{
    struct user_patch p = {.password = password, .disabled = -1};
    struct update_arg a = {.ctx = ctx, .username = username, .p = &p, .action = "user.passwd"};
    return run_update(ctx, &a, NULL, NULL);
}

enum err user_disable(struct ctx *ctx, const char *username)
{
    struct user_patch p = {.disabled = 1};
    struct update_arg a = {.ctx = ctx, .username = username, .p = &p, .action = "user.disable"};
    return run_update(ctx, &a, NULL, NULL);
}

/* --- the caller's own account ------------------------------------------- */

struct me_arg {
    struct ctx *ctx;
    int op; /* 0 password, 1 totp begin, 2 totp confirm, 3 totp disable */
    const char *current;
    const char *code;
    char new_hash[160];
    char *uri;
    bool pw_ok_checked;
};

static enum err check_code(struct ctx *ctx, const char *sealed, const char *code, int64_t last_step,
                           int64_t *step)
{
    unsigned char secret[64];
    size_t n = 0;
    if (!sealed || !keys_open(&ctx->app->keys, sealed, secret, sizeof secret, &n))
        return err_set(&ctx->err, ERR_INTERNAL, NULL, "cannot open the TOTP secret");
    bool ok =
        code && totp_verify(secret, n, code, clock_now(), TOTP_WINDOW, step) && *step > last_step;
    memset(secret, 0, sizeof secret);
    if (!ok)
        return err_set(&ctx->err, ERR_INVALID, "totp", "wrong or reused code");
    return ERR_OK;
}

static enum err me_fn(struct tx *tx, void *argv)
{
    struct me_arg *a = argv;
    struct ctx *ctx = a->ctx;
    struct user_row u;
    enum err e = user_repo_by_id(tx, ctx->who->user_id, &u);
    if (e != ERR_OK)
        return e;
    const char *action = "";
    int64_t step = 0;
    switch (a->op) {
    case 0:
        snprintf(u.password_hash, sizeof u.password_hash, "%s", a->new_hash);
        e = session_close_user(tx, u.id, ctx->who->session_hash);
        action = "user.change_password";
        break;
    case 1:
        free(u.totp_pending);
        u.totp_pending = NULL;
        free(a->uri);
        a->uri = NULL;
        new_totp(ctx, u.username, &u.totp_pending, &a->uri);
        action = "user.totp_begin";
        break;
    case 2:
        if (!u.totp_pending) {
            e = err_set(&ctx->err, ERR_STATE, NULL, "start the enrolment first");
            break;
        }
        e = check_code(ctx, u.totp_pending, a->code, 0, &step);
        if (e == ERR_OK) {
            free(u.totp_secret);
            u.totp_secret = u.totp_pending;
            u.totp_pending = NULL;
            u.totp_last_step = step;
        }
        action = "user.totp_enable";
        break;
    case 3:
        if (role_requires_totp(u.role)) {
            e = err_set(&ctx->err, ERR_FORBIDDEN, NULL, "your role requires two-step login");
            break;
        }
        if (!u.totp_secret) {
            e = err_set(&ctx->err, ERR_STATE, NULL, "two-step login is not enabled");
            break;
        }
        e = check_code(ctx, u.totp_secret, a->code, u.totp_last_step, &step);
        if (e == ERR_OK) {
            free(u.totp_secret);
            u.totp_secret = NULL;
            u.totp_last_step = step;
        }
        action = "user.totp_disable";
        break;
    default:
        e = ERR_INTERNAL;
    }
    if (e == ERR_OK) {
        u.version++;
        u.updated_at = clock_now();
        e = user_repo_update(tx, &u);
    }
    if (e == ERR_OK) {
        char object[64];
        snprintf(object, sizeof object, "user/%s", u.id);
        e = audit_append(tx, ctx, action, object, "ok");
    }
    user_row_release(&u);
    return e;
}

struct pw_arg {
    const char *user_id;
    char hash[160];
};

static enum err pw_fn(struct tx *tx, void *argv)
{
    struct pw_arg *a = argv;
    struct user_row u;
    enum err e = user_repo_by_id(tx, a->user_id, &u);
    if (e == ERR_OK)
        snprintf(a->hash, sizeof a->hash, "%s", u.password_hash);
    user_row_release(&u);
    return e;
}

enum err user_change_password(struct ctx *ctx, const char *current, const char *next)
{
    struct pw_arg pa = {ctx->who->user_id, ""};
    enum err e = tx_run(ctx->app->db, false, pw_fn, &pa);
    if (e != ERR_OK)
        return e;
    if (!password_verify(pa.hash, current))
        return err_set(&ctx->err, ERR_INVALID, "current_password", "the current password is wrong");
    const struct config *cfg = &ctx->app->cfg;
    e = password_policy_check(next, cfg->min_length, cfg->min_classes, &ctx->err);
    if (e != ERR_OK) {
        snprintf(ctx->err.field, sizeof ctx->err.field, "new_password");
        return e;
    }
    struct me_arg a = {.ctx = ctx, .op = 0};
    if ((e = password_hash(next, a.new_hash)) != ERR_OK)
        return e;
    return tx_run(ctx->app->db, true, me_fn, &a);
}

enum err user_totp_begin(struct ctx *ctx, char **otpauth)
{
    struct me_arg a = {.ctx = ctx, .op = 1};
    enum err e = tx_run(ctx->app->db, true, me_fn, &a);
    if (e == ERR_OK)
        *otpauth = a.uri;
    else
        free(a.uri);
    return e;
}

enum err user_totp_confirm(struct ctx *ctx, const char *code)
{
    struct me_arg a = {.ctx = ctx, .op = 2, .code = code};
    return tx_run(ctx->app->db, true, me_fn, &a);
}

enum err user_totp_disable(struct ctx *ctx, const char *code)
{
    struct me_arg a = {.ctx = ctx, .op = 3, .code = code};
    return tx_run(ctx->app->db, true, me_fn, &a);
}

struct uri_arg {
    const char *username;
    struct user_row u;
};

static enum err uri_fn(struct tx *tx, void *argv)
{
    struct uri_arg *a = argv;
    user_row_release(&a->u);
    return user_repo_by_username(tx, a->username, &a->u);
}

enum err user_totp_uri(struct ctx *ctx, const char *username, char **uri)
{
    if (!ctx->app->demo)
        return ERR_FORBIDDEN;
    struct uri_arg a = {.username = username};
    enum err e = tx_run(ctx->app->db, false, uri_fn, &a);
    unsigned char secret[64];
    size_t n = 0;
    if (e == ERR_OK && (!a.u.totp_secret ||
                        !keys_open(&ctx->app->keys, a.u.totp_secret, secret, sizeof secret, &n)))
        e = ERR_NOT_FOUND;
    if (e == ERR_OK)
        *uri = totp_uri("cunjing", username, secret, n);
    memset(secret, 0, sizeof secret);
    user_row_release(&a.u);
    return e;
}
