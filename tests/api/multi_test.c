/*
 * Several instances on one database (issue 3: "nothing that matters lives in
 * one process"): two `cunjing serve` processes, A and B, on the same demo
 * database (on PostgreSQL the same database and key file; on SQLite the same
 * file). A session made on A works on B and the other way round, and a logout
 * on B ends it on A; login failures counted on both lock the account on both
 * (423 with Retry-After, for a real and an unknown username alike) until the
 * lock expires; a cookie session made on A works on B under the CSRF rule
 * (without or with a wrong X-CSRF-Token 403 csrf, with the right one the
 * write goes through) and its logout on B ends it on A.
 * Pending until their modules exist: a bulletin posted through A reaching an
 * SSE client of B, and concurrent idempotent creates with one client_ref on
 * A and B making one record (see the two named placeholders below).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct tserver a, b;

static const char *const env[] = {"CUNJING_LOGIN_MAX_FAILURES=5", "CUNJING_LOGIN_LOCK_SECONDS=3",
                                  "CUNJING_LOGIN_FAILURE_WINDOW_SECONDS=900",
                                  "CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};

static long me(struct tserver *s, const char *token, const char *cookie, struct tresp *out)
{
    struct treq q = {.method = "GET", .path = "/api/v1/me", .token = token, .cookie = cookie};
    struct tresp r;
    thttp(s, &q, &r);
    long st = r.status;
    if (st == 401)
        EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    if (out)
        *out = r;
    else
        tresp_free(&r);
    return st;
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

static void test_token_across(void)
{
    struct tsession s;
    REQUIRE(tlogin(&a, "yangjianzi", NULL, &s));
    struct tresp r;
    if (CHECKF(me(&b, s.token, NULL, &r) == 200, "a token made on A works on B: %s", r.body))
        CHECK_STR(tjs(r.json, "user.id"), s.user_id);
    tresp_free(&r);
    CHECK_INT(me(&a, s.token, NULL, NULL), 200);

    /* and the other way round, for a user with TOTP (its codes are single-use
       across both instances, so it logs in on B only) */
    struct tsession adm;
    REQUIRE(tlogin(&b, "admin", NULL, &adm));
    if (CHECKF(me(&a, adm.token, NULL, &r) == 200, "a token made on B works on A: %s", r.body))
        CHECK_STR(tjs(r.json, "user.username"), "admin");
    tresp_free(&r);

    /* logout on B ends the session on A; another session of the user lives */
    struct tsession other;
    REQUIRE(tlogin(&a, "yangjianzi", NULL, &other));
    struct treq out = {.method = "POST", .path = "/api/v1/auth/logout", .token = s.token};
    thttp(&b, &out, &r);
    EXPECT_STATUS(&r, 204);
    tresp_free(&r);
    CHECKF(me(&a, s.token, NULL, NULL) == 401, "logout on B ends the session on A");
    CHECKF(me(&b, s.token, NULL, NULL) == 401, "logout on B ends the session on B");
    thttp(&a, &out, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    CHECKF(me(&a, other.token, NULL, NULL) == 200, "the user's other session lives on A");
    CHECKF(me(&b, other.token, NULL, NULL) == 200, "the user's other session lives on B");
}

static void test_lockout_across(void)
{
    const char *names[] = {"a450109101202", "ghost_multi_1"};
    for (int u = 0; u < 2; u++) {
        const char *user = names[u];
        struct tresp r;
        /* failures 1-3 on A, 4 on B: all counted */
        for (int i = 1; i <= 4; i++) {
            struct tserver *s = i <= 3 ? &a : &b;
            tlogin_raw(s, user, "Wrong#Password1", NULL, &r);
            CHECKF(r.status == 401, "%s: failure %d on %s: %ld %s", user, i, i <= 3 ? "A" : "B",
                   r.status, r.body);
            EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
            tresp_free(&r);
        }
        /* the 5th failure, on B, reaches the limit */
        tlogin_raw(&b, user, "Wrong#Password1", NULL, &r);
        CHECKF(r.status == 401 || r.status == 423, "%s: 5th failure on B: %ld %s", user, r.status,
               r.body);
        tresp_free(&r);
        /* locked on both, the right password notwithstanding */
        struct tserver *both[] = {&a, &b};
        long ra = 3;
        for (int k = 0; k < 2; k++) {
            tlogin_raw(both[k], user, T_PASSWORD, NULL, &r);
            CHECKF(r.status == 423, "%s: locked on %s after failures on both: %ld %s", user,
                   k ? "B" : "A", r.status, r.body);
            EXPECT_ERROR(&r, 423, "locked", NULL);
            long v = retry_after(&r);
            CHECKF(v >= 1 && v <= 3, "%s: Retry-After on %s within the 3 s lock: %ld", user,
                   k ? "B" : "A", v);
            if (v >= 1 && v <= 3)
                ra = v;
            tresp_free(&r);
        }
        if (u == 1) {
            /* after the lock (both users were locked at about the same time) */
            tsleep_ms(ra * 1000 + 1200);
            tlogin_raw(&b, names[0], T_PASSWORD, NULL, &r);
            CHECKF(r.status == 200, "%s logs in on B after the lock: %ld %s", names[0], r.status,
                   r.body);
            tresp_free(&r);
            tlogin_raw(&a, names[1], T_PASSWORD, NULL, &r);
            EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
            tresp_free(&r);
        }
    }
}

static void test_cookie_csrf_across(void)
{
    struct tsession s, s2;
    REQUIRE(tlogin(&a, "a450109100202", NULL, &s));
    REQUIRE(tlogin(&a, "a450109100202", NULL, &s2));
    REQUIREF(s.cookie[0] != '\0', "login gave no cookie");
    struct tresp r;
    if (CHECKF(me(&b, NULL, s.cookie, &r) == 200, "A's cookie session works on B: %s", r.body))
        CHECK_STR(tjs(r.json, "csrf_token"), s.csrf);
    tresp_free(&r);
    struct treq out = {.method = "POST", .path = "/api/v1/auth/logout", .cookie = s.cookie};
    thttp(&b, &out, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    out.csrf = "wrong-csrf-token";
    thttp(&b, &out, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    out.csrf = s2.csrf; /* another session's token */
    thttp(&b, &out, &r);
    EXPECT_ERROR(&r, 403, "csrf", NULL);
    tresp_free(&r);
    CHECKF(me(&a, NULL, s.cookie, NULL) == 200, "the refused writes left the session on A");
    out.csrf = s.csrf;
    thttp(&b, &out, &r);
    EXPECT_STATUS(&r, 204);
    tresp_free(&r);
    CHECKF(me(&a, NULL, s.cookie, NULL) == 401, "the cookie logout on B ends it on A");
    CHECKF(me(&b, s2.token, NULL, NULL) == 200, "the other session lives");
}

/*
 * PENDING (bulletins module): a bulletin posted through A reaches an SSE
 * client of B (GET /api/v1/events on B, LISTEN/NOTIFY between instances),
 * and a reconnect to A with Last-Event-ID replays it.
 */
static void test_bulletin_reaches_sse_of_other_instance(void)
{
    check_note("pending: bulletins and /api/v1/events across instances come with the "
               "bulletins module");
}

/*
 * PENDING (first module with client_ref creates): concurrent creates with the
 * same client_ref from the same user, one on A and one on B, make one record;
 * both answers carry its id (one 201, one 200).
 */
static void test_idempotent_create_across_instances(void)
{
    check_note("pending: idempotent creates across instances come with the first record "
               "module");
}

int main(void)
{
    if (!tserver_setup(&a, true) || !tserver_clone(&b, &a)) {
        tserver_cleanup(&a);
        check_done();
        return 1;
    }
    check_note("backend %s, database %s", tserver_backend(), a.db_url);
    if (tserver_start(&a, env) && tserver_start(&b, env)) {
        check_run("token_across", test_token_across);
        check_run("lockout_across", test_lockout_across);
        check_run("cookie_csrf_across", test_cookie_csrf_across);
        check_run("bulletin_reaches_sse_of_other_instance",
                  test_bulletin_reaches_sse_of_other_instance);
        check_run("idempotent_create_across_instances", test_idempotent_create_across_instances);
    }
    tserver_stop(&b);
    tserver_stop(&a);
    tserver_cleanup(&b);
    tserver_cleanup(&a);
    return check_done();
}
