/*
 * The login sequence: (1) in a write transaction, count the address's hit
 * and read the username's lock and user row; (2) outside any transaction,
 * verify the password (Argon2id takes tens of milliseconds: no lock is held
 * meanwhile; an unknown user is verified against a dummy hash); (3) in a
 * second transaction, record the failure (locking at the limit) or open the
 * session, with the audit record either way.
 */
#include "auth/login.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "app/ratelimit.h"
#include "auth/auth_repo.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "store/tx.h"
#include "user/user.h"
#include "user/user_repo.h"
#include "core/xalloc.h"

struct pre_arg {
    struct ctx *ctx;
    const char *username;
    struct user_row u;
    bool found;
    int64_t locked_until;
    int hits;
    int64_t window_end;
};

static enum err pre_fn(struct tx *tx, void *argv)
{
    struct pre_arg *a = argv;
    const struct config *cfg = &a->ctx->app->cfg;
    int64_t now = clock_now();
    char bucket[96];
    snprintf(bucket, sizeof bucket, "login-ip:%s", a->ctx->ip);
    enum err e = ratelimit_hit(tx, bucket, now, 60, &a->hits, &a->window_end);
    if (e == ERR_OK)
        e = auth_repo_lock_get(tx, a->username, now, &a->locked_until);
    if (e != ERR_OK)
        return e;
    user_row_release(&a->u);
    e = user_repo_by_username(tx, a->username, &a->u);
    a->found = e == ERR_OK;
    (void)cfg;
    return e == ERR_NOT_FOUND ? ERR_OK : e;
}

struct post_arg {
    struct ctx *ctx;
    const char *username;
    const struct user_row *u;
    enum err outcome; /* what to record */
    int64_t totp_step;
    struct login_result *out;
    int64_t lock_until;
};

static enum err post_fn(struct tx *tx, void *argv)
{
    struct post_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct config *cfg = &ctx->app->cfg;
    int64_t now = clock_now();
    const char *uid = a->u ? a->u->id : NULL;
    const char *role = a->u ? role_name(a->u->role) : "";
    enum err e = ERR_OK;
    a->lock_until = 0;
    if (a->outcome != ERR_OK) {
        /* A missing TOTP code is a step of the login, not a failure. */
        if (a->outcome == ERR_INVALID_CREDENTIALS || a->outcome == ERR_INVALID) {
            int count = 0;
            e = auth_repo_failure_add(tx, a->username, now, now - cfg->failure_window_seconds,
                                      &count);
            if (e == ERR_OK && count >= cfg->max_failures) {
                a->lock_until = now + cfg->lock_seconds;
                e = auth_repo_lock_set(tx, a->username, a->lock_until);
                if (e == ERR_OK)
                    e = auth_repo_failures_clear(tx, a->username);
            }
        }
        if (e == ERR_OK)
            e = audit_append_as(tx, ctx, uid, a->username, role, "auth.login", NULL,
                                a->outcome == ERR_INVALID ? "totp_invalid" : err_code(a->outcome));
        return e;
    }
    e = auth_repo_failures_clear(tx, a->username);
    if (e == ERR_OK && a->totp_step > 0) {
        struct user_row u = *a->u;
        u.totp_secret = a->u->totp_secret ? xstrdup(a->u->totp_secret) : NULL;
        u.totp_pending = a->u->totp_pending ? xstrdup(a->u->totp_pending) : NULL;
        u.totp_last_step = a->totp_step;
        e = user_repo_update(tx, &u);
        user_row_release(&u);
    }
    if (e == ERR_OK)
        e = auth_repo_session_prune(tx, now - cfg->idle_seconds, now - cfg->absolute_seconds);
    if (e == ERR_OK)
        e = session_open(tx, a->u->id, ctx->ip, a->out->token, a->out->csrf);
    if (e == ERR_OK) {
        char object[64];
        snprintf(object, sizeof object, "user/%s", a->u->id);
        e = audit_append_as(tx, ctx, uid, a->username, role, "auth.login", object, "ok");
    }
    if (e == ERR_OK) {
        struct principal p;
        memset(&p, 0, sizeof p);
        scope_init(&p.scope);
        json_decref(a->out->user);
        a->out->user = NULL;
        e = session_load_principal(tx, a->u->id, &p);
        if (e == ERR_OK)
            a->out->user = session_user_json(&p);
        scope_release(&p.scope);
    }
    return e;
}

static int secs_until(int64_t t)
{
    int64_t d = t - clock_now();
    return d < 1 ? 1 : (int)d;
}

/* 0 = ok, ERR_TOTP_REQUIRED (missing), ERR_INVALID (wrong or reused). */
static enum err check_totp(struct ctx *ctx, const struct user_row *u, const char *code,
                           int64_t *step)
{
    *step = 0;
    if (!u->totp_secret && !role_requires_totp(u->role))
        return ERR_OK;
    if (!u->totp_secret || !code || !*code)
        return ERR_TOTP_REQUIRED;
    unsigned char secret[64];
    size_t n = 0;
    if (!keys_open(&ctx->app->keys, u->totp_secret, secret, sizeof secret, &n))
        return ERR_INTERNAL;
    bool ok = totp_verify(secret, n, code, clock_now(), 1, step) && *step > u->totp_last_step;
    memset(secret, 0, sizeof secret);
    return ok ? ERR_OK : ERR_INVALID;
}

enum err auth_login(struct ctx *ctx, const char *username, const char *password, const char *totp,
                    struct login_result *out)
{
    const struct config *cfg = &ctx->app->cfg;
    struct pre_arg pre = {.ctx = ctx, .username = username};
    enum err e = tx_run(ctx->app->db, true, pre_fn, &pre);
    if (e != ERR_OK) {
        user_row_release(&pre.u);
        return e;
    }
    if (cfg->ip_rate_per_minute > 0 && pre.hits > cfg->ip_rate_per_minute) {
        user_row_release(&pre.u);
        ctx->err.retry_after = secs_until(pre.window_end);
        audit_record_as(ctx, NULL, username, "", "auth.login", NULL, "rate_limited");
        return err_set(&ctx->err, ERR_RATE_LIMITED, NULL, "too many login attempts from here");
    }
    /* The password is checked even when locked, so timing tells nothing. */
    bool pw_ok;
    if (pre.found) {
        pw_ok = password_verify(pre.u.password_hash, password);
    } else {
        password_verify_dummy(password);
        pw_ok = false;
    }
    if (pre.locked_until) {
        user_row_release(&pre.u);
        int retry = secs_until(pre.locked_until);
        audit_record_as(ctx, NULL, username, "", "auth.login", NULL, "locked");
        ctx->err.retry_after = retry;
        return err_set(&ctx->err, ERR_LOCKED, NULL,
                       "too many failed logins; the account is locked for a while "
                       "(see Retry-After)");
    }
    struct post_arg post = {
        .ctx = ctx, .username = username, .u = pre.found ? &pre.u : NULL, .out = out};
    if (!pre.found || !pw_ok || pre.u.disabled)
        post.outcome = ERR_INVALID_CREDENTIALS;
    else
        post.outcome = check_totp(ctx, &pre.u, totp, &post.totp_step);
    if (post.outcome == ERR_INTERNAL) {
        user_row_release(&pre.u);
        return ERR_INTERNAL;
    }
    e = tx_run(ctx->app->db, true, post_fn, &post);
    user_row_release(&pre.u);
    if (e != ERR_OK) {
        json_decref(out->user);
        out->user = NULL;
        return e;
    }
    switch (post.outcome) {
    case ERR_OK:
        return ERR_OK;
    case ERR_TOTP_REQUIRED:
    case ERR_INVALID:
        return err_set(&ctx->err, ERR_TOTP_REQUIRED, "totp",
                       totp && *totp ? "the two-step code is wrong or was already used"
                                     : "enter the code from your authenticator app");
    default:
        return err_set(&ctx->err, ERR_INVALID_CREDENTIALS, NULL, "wrong username or password");
    }
}

static enum err logout_fn(struct tx *tx, void *argv)
{
    struct ctx *ctx = argv;
    enum err e = session_close(tx, ctx->who->session_hash);
    if (e == ERR_OK) {
        char object[64];
        snprintf(object, sizeof object, "user/%s", ctx->who->user_id);
        e = audit_append(tx, ctx, "auth.logout", object, "ok");
    }
    return e;
}

enum err auth_logout(struct ctx *ctx)
{
    return tx_run(ctx->app->db, true, logout_fn, ctx);
}
