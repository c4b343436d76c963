/*
 * Thin handlers: copy allow-listed fields, call the auth or user domain
 * function, render. The session cookie is HttpOnly and SameSite=Strict
 * (Secure over TLS); the bearer token is also returned for API clients.
 */
#include "auth/auth_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/login.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "user/user.h"
#include "core/xalloc.h"

static void set_cookie(struct req *r, const char *token, int max_age)
{
    bool tls = r->https;
    char v[160];
    snprintf(v, sizeof v, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", SESSION_COOKIE,
             token, max_age, tls ? "; Secure" : "");
    resp_header(r, "Set-Cookie", v);
}

void auth_api_login(struct req *r)
{
    static const char *const allowed[] = {"username", "password", "totp", NULL};
    json_t *o = jin_object(r);
    const char *username, *password, *totp;
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "username", "username", 64, true, &username) ||
        !jin_str(r, o, "password", "password", 128, true, &password) ||
        !jin_str(r, o, "totp", "totp", 8, false, &totp))
        return;
    struct login_result res = {0};
    enum err e = auth_login(&r->ctx, username, password, totp, &res);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    set_cookie(r, res.token, r->ctx.app->cfg.absolute_seconds);
    resp_json(
        r, 200,
        json_pack("{ss ss so}", "token", res.token, "csrf_token", res.csrf, "user", res.user));
    memset(res.token, 0, sizeof res.token);
}

void auth_api_logout(struct req *r)
{
    enum err e = auth_logout(&r->ctx);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    set_cookie(r, "", 0);
    resp_no_content(r);
}

void auth_api_me(struct req *r)
{
    const struct principal *p = r->ctx.who;
    resp_json(r, 200,
              json_pack("{so ss}", "user", session_user_json(p), "csrf_token", p->csrf_token));
}

void auth_api_password(struct req *r)
{
    static const char *const allowed[] = {"current_password", "new_password", NULL};
    json_t *o = jin_object(r);
    const char *cur, *next;
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "current_password", "current_password", 128, true, &cur) ||
        !jin_str(r, o, "new_password", "new_password", 128, true, &next))
        return;
    enum err e = user_change_password(&r->ctx, cur, next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_no_content(r);
}

void auth_api_totp_begin(struct req *r)
{
    char *uri = NULL;
    enum err e = user_totp_begin(&r->ctx, &uri);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_json(r, 200, json_pack("{ss}", "otpauth_uri", uri));
    free(uri);
}

static bool read_code(struct req *r, const char **code)
{
    static const char *const allowed[] = {"totp", NULL};
    json_t *o = jin_object(r);
    return o && jin_only(r, o, "", allowed) && jin_str(r, o, "totp", "totp", 8, true, code);
}

void auth_api_totp_confirm(struct req *r)
{
    const char *code;
    if (!read_code(r, &code))
        return;
    enum err e = user_totp_confirm(&r->ctx, code);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_no_content(r);
}

void auth_api_totp_delete(struct req *r)
{
    const char *code;
    if (!read_code(r, &code))
        return;
    enum err e = user_totp_disable(&r->ctx, code);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_no_content(r);
}
