/*
 * Authentication against a real server with the demo district: login and its
 * cookie, the single 401 invalid_credentials answer for a wrong password, an
 * unknown user and a disabled user, the TOTP step of admin (missing, wrong,
 * right, replayed), lockout after CUNJING_LOGIN_MAX_FAILURES for a real and an
 * unknown username alike (423 + Retry-After, also with the right password,
 * and its expiry), the per-IP login rate limit (429), idle and absolute
 * session expiry, logout, the cookie session's CSRF rule, and the password
 * change (policy 422, other sessions ended, the current one kept). The server
 * is restarted on the same database with the settings each phase needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;

static const char *const env_base[] = {"CUNJING_LOGIN_MAX_FAILURES=5",
                                       "CUNJING_LOGIN_LOCK_SECONDS=3",
                                       "CUNJING_LOGIN_FAILURE_WINDOW_SECONDS=900",
                                       "CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000",
                                       "CUNJING_SESSION_IDLE_SECONDS=1800",
                                       "CUNJING_SESSION_ABSOLUTE_SECONDS=43200",
                                       NULL};
static const char *const env_rate[] = {"CUNJING_LOGIN_MAX_FAILURES=5",
                                       "CUNJING_LOGIN_LOCK_SECONDS=3",
                                       "CUNJING_LOGIN_IP_RATE_PER_MINUTE=3", NULL};
static const char *const env_session[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000",
                                          "CUNJING_SESSION_IDLE_SECONDS=2",
                                          "CUNJING_SESSION_ABSOLUTE_SECONDS=5", NULL};

/* The error answer without its request_id, to compare two answers. */
static json_t *without_request_id(const struct tresp *r)
{
    json_t *c = r->json ? json_deep_copy(r->json) : json_object();
    if (json_is_object(c))
        json_object_del(c, "request_id");
    return c;
}

static bool same_answer(const struct tresp *a, const struct tresp *b)
{
    json_t *x = without_request_id(a), *y = without_request_id(b);
    bool eq = a->status == b->status && json_equal(x, y);
    json_decref(x);
    json_decref(y);
    return eq;
}

static long retry_after(const struct tresp *r)
{
    char v[64];
    if (!tresp_header(r, "Retry-After", v, sizeof v))
        return -1;
    char *end;
    long n = strtol(v, &end, 10);
    return (end == v || *end) ? -1 : n;
}

static int me_status(const char *token)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", token, &r);
    int st = (int)r.status;
    if (st == 401)
        EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    return st;
}

static void test_login_ok(void)
{
    struct tresp r;
    tlogin_raw(&srv, "yangjianzi", T_PASSWORD, NULL, &r);
    REQUIRE(EXPECT_STATUS(&r, 200));
    const char *token = tjs(r.json, "token");
    const char *csrf = tjs(r.json, "csrf_token");
    CHECKF(token && strlen(token) >= 43, "token of 256 random bits: %s", token ? token : "-");
    CHECK(csrf && strlen(csrf) >= 16);
    CHECK_STR(tjs(r.json, "user.username"), "yangjianzi");
    CHECK_STR(tjs(r.json, "user.role"), "assistant");
    CHECK(tjs(r.json, "user.id") != NULL);
    CHECK(!tj(r.json, "user.password_hash") && !tj(r.json, "user.password") &&
          !tj(r.json, "user.totp_secret"));
    char v[1024];
    CHECK(tresp_header(&r, "Content-Type", v, sizeof v) && strncmp(v, "application/json", 16) == 0);
    CHECKF(tresp_header(&r, "Cache-Control", v, sizeof v) && strstr(v, "no-store"),
           "login answer Cache-Control: no-store");
    bool has_cookie = tresp_header(&r, "Set-Cookie", v, sizeof v);
    CHECKF(has_cookie, "login sets a cookie");
    if (has_cookie) {
        CHECKF(strcasestr(v, "HttpOnly") != NULL, "cookie HttpOnly: %s", v);
        CHECKF(strcasestr(v, "SameSite=Strict") != NULL, "cookie SameSite=Strict: %s", v);
        CHECKF(strstr(v, "Path=/") != NULL, "cookie Path=/: %s", v);
        CHECKF(strcasestr(v, "Secure") == NULL, "no Secure flag over plain HTTP: %s", v);
    }
    /* /me with the bearer token */
    struct tresp me;
    tget(&srv, "/api/v1/me", token, &me);
    if (EXPECT_STATUS(&me, 200)) {
        CHECK_STR(tjs(me.json, "user.username"), "yangjianzi");
        CHECK_STR(tjs(me.json, "user.role"), "assistant");
        CHECK_STR(tjs(me.json, "user.id"), tjs(r.json, "user.id"));
        CHECK(tjs(me.json, "user.name") != NULL);
        CHECK(json_is_array(tj(me.json, "user.area_ids")) &&
              json_array_size(tj(me.json, "user.area_ids")) == 1);
        CHECKF(json_object_get(tj(me.json, "user"), "unit_id") != NULL, "/me user.unit_id");
        CHECK_STR(tjs(me.json, "csrf_token"), csrf);
    }
    tresp_free(&me);
    /* a new token at every login */
    struct tresp r2;
    tlogin_raw(&srv, "yangjianzi", T_PASSWORD, NULL, &r2);
    if (EXPECT_STATUS(&r2, 200))
        CHECKF(tjs(r2.json, "token") && token && strcmp(tjs(r2.json, "token"), token) != 0,
               "second login gives a new token");
    tresp_free(&r2);
    tresp_free(&r);
}

static void test_invalid_credentials_alike(void)
{
    struct tresp wrong, unknown, disabled, disabled_wrong;
    tlogin_raw(&srv, "a450109100201", "Wrong#Password1", NULL, &wrong);
    tlogin_raw(&srv, "nobody_at_all_x", T_PASSWORD, NULL, &unknown);
    tlogin_raw(&srv, "a450109104207", T_PASSWORD, NULL, &disabled);
    tlogin_raw(&srv, "a450109104207", "Wrong#Password1", NULL, &disabled_wrong);
    EXPECT_ERROR(&wrong, 401, "invalid_credentials", NULL);
    EXPECT_ERROR(&unknown, 401, "invalid_credentials", NULL);
    EXPECT_ERROR(&disabled, 401, "invalid_credentials", NULL);
    EXPECT_ERROR(&disabled_wrong, 401, "invalid_credentials", NULL);
    CHECKF(same_answer(&wrong, &unknown), "unknown user answers as a wrong password: %s vs %s",
           unknown.body, wrong.body);
    CHECKF(same_answer(&wrong, &disabled), "disabled user answers as a wrong password: %s vs %s",
           disabled.body, wrong.body);
    char c1[512] = "", c2[512] = "";
    CHECKF(!tresp_header(&wrong, "Set-Cookie", c1, sizeof c1) &&
               !tresp_header(&unknown, "Set-Cookie", c2, sizeof c2),
           "no cookie on a failed login");
    const char *r1 = tjs(wrong.json, "request_id"), *r2 = tjs(unknown.json, "request_id");
    CHECKF(r1 && r2 && strcmp(r1, r2) != 0, "request ids differ");
    tresp_free(&wrong);
    tresp_free(&unknown);
    tresp_free(&disabled);
    tresp_free(&disabled_wrong);
    /* empty password and empty username are credentials failures too */
    struct tresp r;
    tlogin_raw(&srv, "yangjianzi", "", NULL, &r);
    CHECKF(r.status == 401 || r.status == 422, "empty password: %ld %s", r.status, r.body);
    tresp_free(&r);
}

static void test_totp(void)
{
    struct tresp r;
    char wrong[7], code[7];
    tserver_wrong_totp(&srv, "admin", wrong);
    tlogin_raw(&srv, "admin", T_PASSWORD, NULL, &r);
    EXPECT_ERROR(&r, 401, "totp_required", "totp");
    tresp_free(&r);
    tlogin_raw(&srv, "admin", T_PASSWORD, wrong, &r);
    EXPECT_ERROR(&r, 401, "totp_required", "totp");
    tresp_free(&r);
    /* a wrong password never reveals that a TOTP would be asked */
    tlogin_raw(&srv, "admin", "Wrong#Password1", NULL, &r);
    EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
    tresp_free(&r);
    REQUIRE(tserver_totp(&srv, "admin", code));
    tlogin_raw(&srv, "admin", T_PASSWORD, code, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "user.role"), "admin");
        CHECK(tjs(r.json, "token") != NULL);
    }
    tresp_free(&r);
    /* the same code again is a replay */
    tlogin_raw(&srv, "admin", T_PASSWORD, code, &r);
    EXPECT_ERROR(&r, 401, "totp_required", "totp");
    tresp_free(&r);
    /* a user without TOTP gives none and a spurious one is not needed */
    tlogin_raw(&srv, "clerk_pumiao", T_PASSWORD, NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
}

static struct tsession enrol;
static const char *const ENROL_USER = "a450109103201";

static bool status_2xx(const struct tresp *r)
{
    return check_report(r->status == 200 || r->status == 204, __FILE__, __LINE__,
                        "%s: status %ld, want 200 or 204; body %.400s", r->what, r->status,
                        r->body);
}

/* TOTP enrolment of a user whose role does not require it: start and confirm. */
static void test_totp_enrol(void)
{
    REQUIRE(tlogin(&srv, ENROL_USER, NULL, &enrol));
    struct tresp r;
    tpost(&srv, "/api/v1/me/totp", enrol.token, "{}", &r);
    char secret[128] = "";
    bool got = r.status == 200 && totpauth_secret(r.body, secret, sizeof secret);
    CHECKF(got, "POST /me/totp returns an otpauth:// URI: %ld %s", r.status, r.body);
    tresp_free(&r);
    REQUIRE(got);
    /* not active before confirmation */
    tlogin_raw(&srv, ENROL_USER, T_PASSWORD, NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    tserver_add_secret(&srv, ENROL_USER, secret);
    char code[7], wrong[7];
    tserver_wrong_totp(&srv, ENROL_USER, wrong);
    char body[64];
    snprintf(body, sizeof body, "{\"totp\":\"%s\"}", wrong);
    tpost(&srv, "/api/v1/me/totp/confirm", enrol.token, body, &r);
    CHECKF(r.status >= 400 && r.status < 500, "confirm with a wrong code refused: %ld %s", r.status,
           r.body);
    tresp_free(&r);
    REQUIRE(tserver_totp(&srv, ENROL_USER, code));
    snprintf(body, sizeof body, "{\"totp\":\"%s\"}", code);
    tpost(&srv, "/api/v1/me/totp/confirm", enrol.token, body, &r);
    status_2xx(&r);
    tresp_free(&r);
    tlogin_raw(&srv, ENROL_USER, T_PASSWORD, NULL, &r);
    EXPECT_ERROR(&r, 401, "totp_required", "totp");
    tresp_free(&r);
}

/* Later (codes are single-use): log in with the second factor, then remove it. */
static void test_totp_enrol_finish(void)
{
    struct tsession s;
    REQUIRE(tlogin(&srv, ENROL_USER, NULL, &s));
    /* the next code must lie within the server's window: wait for its step */
    int64_t last = srv.secrets[srv.nsecrets - 1].last_step;
    while ((int64_t)time(NULL) / 30 < last)
        tsleep_ms(250);
    char code[7], body[64];
    REQUIRE(tserver_totp(&srv, ENROL_USER, code));
    snprintf(body, sizeof body, "{\"totp\":\"%s\"}", code);
    struct treq q = {.method = "DELETE", .path = "/api/v1/me/totp", .token = s.token, .body = body};
    struct tresp r;
    thttp(&srv, &q, &r);
    status_2xx(&r);
    tresp_free(&r);
    tlogin_raw(&srv, ENROL_USER, T_PASSWORD, NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
}

static void test_lockout(void)
{
    const char *real = "a450109101202", *ghost = "ghost_lockout_1";
    struct tresp a, b;
    for (int i = 1; i <= 4; i++) {
        tlogin_raw(&srv, real, "Wrong#Password1", NULL, &a);
        tlogin_raw(&srv, ghost, "Wrong#Password1", NULL, &b);
        EXPECT_ERROR(&a, 401, "invalid_credentials", NULL);
        EXPECT_ERROR(&b, 401, "invalid_credentials", NULL);
        CHECKF(same_answer(&a, &b), "failure %d: real and unknown user answer alike", i);
        tresp_free(&a);
        tresp_free(&b);
    }
    tlogin_raw(&srv, real, "Wrong#Password1", NULL, &a);
    tlogin_raw(&srv, ghost, "Wrong#Password1", NULL, &b);
    CHECKF(a.status == 401 || a.status == 423, "5th failure: %ld %s", a.status, a.body);
    CHECKF(same_answer(&a, &b), "5th failure alike: %s vs %s", a.body, b.body);
    check_note("the 5th failure answers %ld", a.status);
    tresp_free(&a);
    tresp_free(&b);
    /* locked now: the right password does not help */
    tlogin_raw(&srv, real, T_PASSWORD, NULL, &a);
    tlogin_raw(&srv, ghost, T_PASSWORD, NULL, &b);
    EXPECT_ERROR(&a, 423, "locked", NULL);
    EXPECT_ERROR(&b, 423, "locked", NULL);
    CHECKF(same_answer(&a, &b), "locked answers alike: %s vs %s", a.body, b.body);
    long ra = retry_after(&a), rb = retry_after(&b);
    CHECKF(ra >= 1 && ra <= 3, "Retry-After on 423 within the 3 s lock: %ld", ra);
    CHECKF(rb >= 1 && rb <= 3, "Retry-After on 423 (unknown user): %ld", rb);
    CHECK(a.status != 200);
    tresp_free(&a);
    tresp_free(&b);
    /* after the lock */
    tsleep_ms(((ra >= 1 && ra <= 3) ? ra : 3) * 1000 + 1200);
    tlogin_raw(&srv, real, T_PASSWORD, NULL, &a);
    EXPECT_STATUS(&a, 200);
    tresp_free(&a);
    tlogin_raw(&srv, ghost, T_PASSWORD, NULL, &b);
    EXPECT_ERROR(&b, 401, "invalid_credentials", NULL);
    tresp_free(&b);
}

static void test_logout(void)
{
    struct tsession s, other;
    REQUIRE(tlogin(&srv, "yangjianzi", NULL, &s));
    REQUIRE(tlogin(&srv, "yangjianzi", NULL, &other));
    CHECK_INT(me_status(s.token), 200);
    struct treq q = {.method = "POST", .path = "/api/v1/auth/logout", .token = s.token};
    struct tresp r;
    thttp(&srv, &q, &r);
    EXPECT_STATUS(&r, 204);
    CHECKF(r.body_len == 0, "204 without a body: %s", r.body);
    tresp_free(&r);
    CHECK_INT(me_status(s.token), 401);
    thttp(&srv, &q, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    CHECK_INT(me_status(other.token), 200);
    /* bad or missing tokens */
    CHECK_INT(me_status(NULL), 401);
    CHECK_INT(me_status("not-a-token"), 401);
    struct treq nq = {.method = "POST", .path = "/api/v1/auth/logout"};
    thttp(&srv, &nq, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
}

static void test_cookie_csrf(void)
{
    struct tsession s, s2;
    REQUIRE(tlogin(&srv, "a450109100202", NULL, &s));
    REQUIRE(tlogin(&srv, "a450109100202", NULL, &s2));
    REQUIREF(s.cookie[0] != '\0', "login gave no cookie");
    struct tresp r;
    struct treq get = {.method = "GET", .path = "/api/v1/me", .cookie = s.cookie};
    thttp(&srv, &get, &r);
    if (EXPECT_STATUS(&r, 200))
        CHECK_STR(tjs(r.json, "csrf_token"), s.csrf);
    tresp_free(&r);
    struct treq out = {.method = "POST", .path = "/api/v1/auth/logout", .cookie = s.cookie};
    thttp(&srv, &out, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    out.csrf = "wrong-csrf-token";
    thttp(&srv, &out, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    out.csrf = s2.csrf; /* another session's token */
    thttp(&srv, &out, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    const char *pw = "{\"current_password\":\"Cunjing@2026\",\"new_password\":\"Xin#Mima2026ab\"}";
    struct treq chg = {
        .method = "POST", .path = "/api/v1/me/password", .cookie = s.cookie, .body = pw};
    thttp(&srv, &chg, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    /* nothing happened: the session lives and the old password still works */
    thttp(&srv, &get, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    CHECK_INT(me_status(s2.token), 200);
    struct tsession s3;
    CHECKF(tlogin(&srv, "a450109100202", T_PASSWORD, &s3), "password unchanged after 403 csrf");
    /* with the right token the write goes through */
    out.csrf = s.csrf;
    thttp(&srv, &out, &r);
    EXPECT_STATUS(&r, 204);
    tresp_free(&r);
    thttp(&srv, &get, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    /* bearer needs no CSRF token */
    struct treq bq = {.method = "POST", .path = "/api/v1/auth/logout", .token = s2.token};
    thttp(&srv, &bq, &r);
    EXPECT_STATUS(&r, 204);
    tresp_free(&r);
}

static void test_password_change(void)
{
    const char *user = "a450109102201";
    struct tsession s1, s2;
    REQUIRE(tlogin(&srv, user, NULL, &s1));
    REQUIRE(tlogin(&srv, user, NULL, &s2));
    struct tresp r;
    static const char *const weak[] = {"Sh0rt#pw", "abcdefghijklmn", "abcdefghij123", NULL};
    for (int i = 0; weak[i]; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"current_password\":\"%s\",\"new_password\":\"%s\"}",
                 T_PASSWORD, weak[i]);
        tpost(&srv, "/api/v1/me/password", s1.token, body, &r);
        EXPECT_ERROR(&r, 422, "invalid_field", "new_password");
        tresp_free(&r);
    }
    tpost(&srv, "/api/v1/me/password", s1.token,
          "{\"current_password\":\"Not#The#Password1\",\"new_password\":\"Xin#Mima2026ab\"}", &r);
    CHECKF(r.status >= 400 && r.status < 500, "wrong current_password refused: %ld %s", r.status,
           r.body);
    check_note("wrong current_password answers %ld %s", r.status, r.body);
    tresp_free(&r);
    CHECK_INT(me_status(s2.token), 200);
    tpost(&srv, "/api/v1/me/password", s1.token,
          "{\"current_password\":\"Cunjing@2026\",\"new_password\":\"Xin#Mima2026ab\"}", &r);
    EXPECT_STATUS(&r, 204);
    tresp_free(&r);
    CHECK_INT(me_status(s1.token), 200);
    CHECK_INT(me_status(s2.token), 401);
    tlogin_raw(&srv, user, T_PASSWORD, NULL, &r);
    EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
    tresp_free(&r);
    tlogin_raw(&srv, user, "Xin#Mima2026ab", NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
}

static void test_rate_limit(void)
{
    /* fresh server, limit 3 logins a minute from one address */
    struct tresp r;
    int first_429 = 0;
    for (int i = 1; i <= 6 && !first_429; i++) {
        char user[32];
        snprintf(user, sizeof user, "ghost_rate_%d", i);
        tlogin_raw(&srv, user, "Wrong#Password1", NULL, &r);
        if (r.status == 429) {
            first_429 = i;
            EXPECT_ERROR(&r, 429, "rate_limited", NULL);
            long ra = retry_after(&r);
            CHECKF(ra >= 1 && ra <= 60, "Retry-After on 429: %ld", ra);
        } else {
            EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
        }
        tresp_free(&r);
    }
    CHECKF(first_429 == 4, "with 3 logins a minute, the 4th is refused (got: %d)", first_429);
    tlogin_raw(&srv, "yangjianzi", T_PASSWORD, NULL, &r);
    EXPECT_ERROR(&r, 429, "rate_limited", NULL);
    CHECK(retry_after(&r) >= 1);
    tresp_free(&r);
}

static void test_session_expiry(void)
{
    struct tsession s;
    REQUIRE(tlogin(&srv, "yangjianzi", NULL, &s));
    CHECK_INT(me_status(s.token), 200);
    tsleep_ms(3300);
    CHECKF(me_status(s.token) == 401, "idle 3.3 s > idle_seconds 2: session ended");
    /* kept busy, the session still ends at absolute_seconds (5) */
    struct tsession a;
    REQUIRE(tlogin(&srv, "yangjianzi", NULL, &a));
    double t0 = tnow();
    int n = 0;
    while (tnow() - t0 < 3.0) {
        CHECKF(me_status(a.token) == 200, "busy session alive at %.1f s", tnow() - t0);
        n++;
        tsleep_ms(600);
    }
    while (tnow() - t0 < 6.5) {
        me_status(a.token);
        tsleep_ms(600);
    }
    CHECKF(me_status(a.token) == 401, "busy session ended after absolute_seconds 5");
    CHECK(n >= 3);
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        check_done();
        return 1;
    }
    struct tcli c;
    tcli(&c, NULL, "user", "disable", "--db", srv.db_url, "--username", "a450109104207", NULL);
    CHECKF(c.status == 0, "user disable: %d %s", c.status, c.err);
    tcli_free(&c);

    if (tserver_start(&srv, env_rate)) {
        check_run("rate_limit", test_rate_limit);
        tserver_stop(&srv);
    }
    if (tserver_start(&srv, env_base)) {
        check_run("totp_enrol", test_totp_enrol);
        check_run("login_ok", test_login_ok);
        check_run("invalid_credentials_alike", test_invalid_credentials_alike);
        check_run("totp", test_totp);
        check_run("lockout", test_lockout);
        check_run("logout", test_logout);
        check_run("cookie_csrf", test_cookie_csrf);
        check_run("password_change", test_password_change);
        check_run("totp_enrol_finish", test_totp_enrol_finish);
        tserver_stop(&srv);
    }
    if (tserver_start(&srv, env_session)) {
        check_run("session_expiry", test_session_expiry);
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
