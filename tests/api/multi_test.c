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
 * A bulletin posted through A reaches an SSE client of B within 2 s (and a
 * reconnect to A with Last-Event-ID replays what was posted through B
 * meanwhile); N concurrent creates with one client_ref split between A and B
 * make one household application.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* Now + off seconds as ISO 8601 in +08:00. */
static const char *iso_in(long off)
{
    static char buf[40];
    time_t t = time(NULL) + off + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return buf;
}

/* POSTs a bulletin to area through s as the chief; its id in out. */
static bool post_bulletin(struct tserver *s, const struct tsession *chief, const char *area,
                          const char *title, char *out, size_t n)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"title\":\"%s\",\"body\":\"跨实例推送\",\"area_ids\":[\"%s\"],"
             "\"expires_at\":\"%s\"}",
             title, area, iso_in(86400));
    struct tresp r;
    tpost(s, "/api/v1/bulletins", chief->token, body, &r);
    bool ok = EXPECT_STATUS(&r, 201) && tjs(r.json, "id");
    snprintf(out, n, "%s", ok ? tjs(r.json, "id") : "");
    tresp_free(&r);
    return ok;
}

/* The id of the first event of kind about object id in e's stream ("" if none). */
static void event_id_of(struct tsse *e, const char *kind, const char *id, char *out, size_t n)
{
    out[0] = '\0';
    json_t *evs = tsse_events(e);
    size_t i;
    json_t *ev;
    json_array_foreach(evs, i, ev)
    {
        const char *k = tjs(ev, "event"), *d = tjs(ev, "data.id");
        if (!out[0] && k && d && !strcmp(k, kind) && !strcmp(d, id))
            snprintf(out, n, "%s", tjs(ev, "id") ? tjs(ev, "id") : "");
    }
    json_decref(evs);
}

/*
 * A bulletin posted through A reaches an SSE client of B within 2 s (on
 * PostgreSQL by NOTIFY, on SQLite by the hub's polling of the shared file),
 * and not a 那楼 assistant's stream on B; a second bulletin posted through B
 * while the client is away is replayed by A on a reconnect with
 * Last-Event-ID (and the first is not).
 */
static void test_bulletin_reaches_sse_of_other_instance(void)
{
    struct tsession chief, yang, nalou;
    REQUIRE(tlogin(&a, "chief_pumiao", NULL, &chief));
    REQUIRE(tlogin(&b, "yangjianzi", NULL, &yang));
    REQUIRE(tlogin(&b, "a450109101201", NULL, &nalou));
    struct tresp r;
    tget(&a, "/api/v1/areas", chief.token, &r);
    char town[64];
    snprintf(town, sizeof town, "%s", tjs(r.json, "items.0.id") ? tjs(r.json, "items.0.id") : "");
    tresp_free(&r);
    REQUIRE(town[0]);

    struct tsse *sy = tsse_open(&b, yang.token, NULL, 30000);
    struct tsse *sn = tsse_open(&b, nalou.token, NULL, 30000);
    CHECK_INT(tsse_status(sy), 200);
    CHECK_INT(tsse_status(sn), 200);
    CHECK(tsse_wait(sy, "retry:", 3000) && tsse_wait(sn, "retry:", 3000));
    char b1[64], b2[64], ev1[32] = "";
    if (post_bulletin(&a, &chief, town, "跨实例协查一", b1, sizeof b1)) {
        double t0 = tnow();
        bool got = tsse_wait(sy, b1, 2000);
        CHECKF(got, "B's client receives A's bulletin within 2 s");
        check_note("bulletin through A reached B's client after %.2f s", tnow() - t0);
        tsleep_ms(100);
        event_id_of(sy, "bulletin", b1, ev1, sizeof ev1);
        if (!CHECKF(ev1[0], "a bulletin event with an id")) {
            char *t = tsse_text(sy);
            check_note("B's stream: %s", t);
            free(t);
        }
        tsleep_ms(1500);
        CHECKF(!tsse_has(sn, b1), "the 那楼 assistant's stream on B has no 蒲庙 bulletin");
    }
    tsse_close(sy);
    tsse_close(sn);
    if (!ev1[0])
        return;
    /* away: a bulletin through B; back: a reconnect to A replays it */
    REQUIRE(post_bulletin(&b, &chief, town, "跨实例协查二", b2, sizeof b2));
    struct tsse *s2 = tsse_open(&a, yang.token, ev1, 20000);
    CHECK_INT(tsse_status(s2), 200);
    CHECKF(tsse_wait(s2, b2, 3000), "the reconnect to A replays B's bulletin");
    tsleep_ms(300);
    CHECKF(!tsse_has(s2, b1), "the event of Last-Event-ID is not replayed again");
    char ev2[32];
    event_id_of(s2, "bulletin", b2, ev2, sizeof ev2);
    CHECKF(ev2[0] && strtoll(ev2, NULL, 10) > strtoll(ev1, NULL, 10), "ids increase: %s then %s",
           ev1, ev2);
    tsse_close(s2);
}

#define N_IDEM 8

struct idem_job {
    struct tserver *s;
    const char *token;
    const char *body;
    long status;
    char id[64];
    char err[256];
};

static void *idem_run(void *arg)
{
    struct idem_job *j = arg;
    struct tresp r;
    tpost(j->s, "/api/v1/household-applications", j->token, j->body, &r);
    j->status = r.status;
    snprintf(j->id, sizeof j->id, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    snprintf(j->err, sizeof j->err, "%.250s", r.body ? r.body : "");
    tresp_free(&r);
    return NULL;
}

/*
 * N concurrent POST /household-applications of one user with one client_ref,
 * split between A and B, make exactly one application: one 201, the rest 200,
 * all with its id.
 */
static void test_idempotent_create_across_instances(void)
{
    struct tsession yang;
    REQUIRE(tlogin(&a, "yangjianzi", NULL, &yang));
    struct tresp r;
    tget(&a, "/api/v1/me", yang.token, &r);
    char village[64];
    snprintf(village, sizeof village, "%s",
             tjs(r.json, "user.area_ids.0") ? tjs(r.json, "user.area_ids.0") : "");
    tresp_free(&r);
    REQUIRE(village[0]);
    char idn[19], body[1024];
    tmake_id("45010920240301004", idn);
    snprintf(body, sizeof body,
             "{\"business_type\":\"HB01\",\"village_id\":\"%s\",\"applicant\":{\"name\":"
             "\"韦并发\",\"id_number\":\"%s\",\"phone\":\"13812345678\"},\"details\":{\"note\":"
             "\"两实例并发\"},\"client_ref\":\"multi-instance-ref-1\"}",
             village, idn);
    long long before = tdb_int(a.db_url, "SELECT count(*) FROM household_applications");
    struct idem_job jobs[N_IDEM];
    pthread_t th[N_IDEM];
    for (int i = 0; i < N_IDEM; i++) {
        jobs[i] = (struct idem_job){.s = i % 2 ? &b : &a, .token = yang.token, .body = body};
        pthread_create(&th[i], NULL, idem_run, &jobs[i]);
    }
    for (int i = 0; i < N_IDEM; i++)
        pthread_join(th[i], NULL);
    int created = 0, replayed = 0;
    for (int i = 0; i < N_IDEM; i++) {
        if (jobs[i].status == 201)
            created++;
        else if (jobs[i].status == 200)
            replayed++;
        else
            CHECKF(false, "request %d on %s: %ld %s", i, i % 2 ? "B" : "A", jobs[i].status,
                   jobs[i].err);
        if (jobs[i].status == 200 || jobs[i].status == 201)
            CHECKF(!strcmp(jobs[i].id, jobs[0].id) && jobs[i].id[0],
                   "request %d: id %s, request 0: %s", i, jobs[i].id, jobs[0].id);
    }
    CHECK_INT(created, 1);
    CHECK_INT(replayed, N_IDEM - 1);
    CHECK_INT(tdb_int(a.db_url, "SELECT count(*) FROM household_applications"), before + 1);
    /* a later retry on either instance answers 200 with that id */
    struct tresp r2;
    tpost(&b, "/api/v1/household-applications", yang.token, body, &r2);
    EXPECT_STATUS(&r2, 200);
    CHECK_STR(tjs(r2.json, "id"), jobs[0].id);
    tresp_free(&r2);
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
