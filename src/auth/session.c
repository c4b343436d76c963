/*
 * Session tokens: creation at login, the check on every authenticated
 * request, and revocation. The check is a read; the last-seen time is
 * written at most every touch interval (a quarter of the idle timeout, at
 * most a minute), so reads do not turn into writes.
 */
#include "auth/session.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth_repo.h"
#include "core/clock.h"
#include "core/rand.h"
#include "core/str.h"
#include "org/org.h"
#include "store/tx.h"
#include "core/xalloc.h"

void session_hash(const char *token, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
    str_hex(h, sizeof h, out);
}

/* Fills p from a session row (user columns) and loads the user's scope. */
static enum err fill_principal(struct tx *tx, const struct session_row *row, const char *hash,
                               struct principal *p)
{
    scope_release(&p->scope);
    scope_init(&p->scope);
    enum role role = role_from_str(row->role);
    enum err e =
        org_load_scope(tx, row->user_id, row->unit_id[0] ? row->unit_id : NULL, role, &p->scope);
    if (e != ERR_OK)
        return e;
    snprintf(p->user_id, sizeof p->user_id, "%s", row->user_id);
    snprintf(p->username, sizeof p->username, "%s", row->username);
    snprintf(p->name, sizeof p->name, "%s", row->name);
    snprintf(p->unit_id, sizeof p->unit_id, "%s", row->unit_id);
    snprintf(p->csrf_token, sizeof p->csrf_token, "%s", row->csrf);
    snprintf(p->session_hash, sizeof p->session_hash, "%s", hash);
    p->role = role;
    p->totp_enabled = row->totp_enabled;
    return ERR_OK;
}

struct check_arg {
    struct app *app;
    const char *hash;
    struct principal *p;
    struct session_row row;
    bool expired;
    bool touch;
};

static enum err check_fn(struct tx *tx, void *argv)
{
    struct check_arg *a = argv;
    enum err e = auth_repo_session_get(tx, a->hash, &a->row);
    if (e == ERR_NOT_FOUND)
        return ERR_UNAUTHENTICATED;
    if (e != ERR_OK)
        return e;
    int64_t now = clock_now();
    const struct config *cfg = &a->app->cfg;
    if (a->row.disabled || now - a->row.last_seen_at > cfg->idle_seconds ||
        now - a->row.created_at > cfg->absolute_seconds) {
        a->expired = true;
        return ERR_UNAUTHENTICATED;
    }
    int64_t touch_every = cfg->idle_seconds / 4;
    if (touch_every > 60)
        touch_every = 60;
    a->touch = now - a->row.last_seen_at >= touch_every;
    return fill_principal(tx, &a->row, a->hash, a->p);
}

enum err session_load_principal(struct tx *tx, const char *user_id, struct principal *p)
{
    struct session_row row;
    memset(&row, 0, sizeof row);
    enum err e = auth_repo_user_get(tx, user_id, &row);
    if (e != ERR_OK)
        return e;
    return fill_principal(tx, &row, "", p);
}

json_t *session_user_json(const struct principal *p)
{
    json_t *areas = json_array();
    for (size_t i = 0; i < p->scope.n; i++)
        json_array_append_new(areas, json_string(p->scope.area_ids[i]));
    return json_pack("{ss ss ss ss so so sb}", "id", p->user_id, "username", p->username, "name",
                     p->name, "role", role_name(p->role), "area_ids", areas, "unit_id",
                     p->unit_id[0] ? json_string(p->unit_id) : json_null(), "totp_enabled",
                     p->totp_enabled);
}

struct touch_arg {
    const char *hash;
    bool remove;
};

static enum err touch_fn(struct tx *tx, void *argv)
{
    struct touch_arg *a = argv;
    if (a->remove)
        return auth_repo_session_delete(tx, a->hash);
    return auth_repo_session_touch(tx, a->hash, clock_now());
}

enum err session_check_hash(struct app *app, const char *hash, struct principal *p)
{
    struct check_arg a = {.app = app, .hash = hash, .p = p};
    enum err e = tx_run(app->db, false, check_fn, &a);
    if (e == ERR_UNAUTHENTICATED && a.expired) {
        struct touch_arg t = {hash, true};
        tx_run(app->db, true, touch_fn, &t);
    } else if (e == ERR_OK && a.touch) {
        struct touch_arg t = {hash, false};
        tx_run(app->db, true, touch_fn, &t);
    }
    return e;
}

enum err session_check(struct app *app, const char *token, struct principal *p,
                       struct errinfo *info)
{
    (void)info;
    if (strlen(token) >= SESSION_TOKEN_MAX)
        return ERR_UNAUTHENTICATED;
    char hash[65];
    session_hash(token, hash);
    return session_check_hash(app, hash, p);
}

bool session_csrf_ok(const struct principal *p, const char *sent)
{
    if (!sent || !p->csrf_token[0])
        return false;
    size_t n = strlen(p->csrf_token);
    if (strlen(sent) != n)
        return false;
    return sodium_memcmp(sent, p->csrf_token, n) == 0;
}

enum err session_open(struct tx *tx, const char *user_id, const char *ip,
                      char token[SESSION_TOKEN_MAX], char csrf[SESSION_TOKEN_MAX])
{
    rand_token(token, SESSION_TOKEN_MAX, 32);
    rand_token(csrf, SESSION_TOKEN_MAX, 32);
    char hash[65];
    session_hash(token, hash);
    return auth_repo_session_insert(tx, hash, user_id, csrf, clock_now(), ip);
}

enum err session_close(struct tx *tx, const char *token_hash)
{
    return auth_repo_session_delete(tx, token_hash);
}

enum err session_close_user(struct tx *tx, const char *user_id, const char *keep_hash)
{
    return auth_repo_session_delete_user(tx, user_id, keep_hash);
}
