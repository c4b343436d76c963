/*
 * PostgreSQL operations (PostgreSQL only), on a PostgreSQL instance of its
 * own (scripts/pgtmp.sh in a temporary directory, unix socket only), so that
 * stopping it disturbs no other test:
 *  - outage: with a server running, PostgreSQL is stopped; API requests then
 *    answer 503 db_unavailable with Retry-After and /healthz answers 503, each
 *    within a bounded time (15 s client timeout), and the server stays up;
 *    PostgreSQL is started again and within a few seconds requests (reads and
 *    a write) succeed again without restarting cunjing, on every pooled
 *    connection;
 *  - durability: `cunjing serve` exits 1 naming the setting when PostgreSQL
 *    has fsync, synchronous_commit or full_page_writes off (ALTER SYSTEM +
 *    pg_reload_conf), and starts again once the setting is reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define CLIENT_TIMEOUT_MS 15000L
/* how long PostgreSQL's return may take to show */
#define RECOVERY_SECONDS 10.0

static struct tserver srv;
static char base_dir[256]; /* /tmp/cunjing-pgops-XXXXXX */
static char pg_dir[T_PATH];
static char pg_admin[T_PATH]; /* URL of the postgres database */
static bool pg_started;

static const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};

/* bash scripts/pgtmp.sh CMD pg_dir; its stderr in err (may be NULL). */
static int pgtmp(const char *cmd, char *err, size_t errsz)
{
    const char *src = getenv("CUNJING_SOURCE_DIR");
    char script[T_PATH], log[T_PATH];
    snprintf(script, sizeof script, "%s/scripts/pgtmp.sh", src ? src : ".");
    snprintf(log, sizeof log, "%s/pgtmp.log", base_dir);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int nul = open("/dev/null", O_RDWR);
        if (fd >= 0 && nul >= 0) {
            dup2(nul, 0);
            dup2(nul, 1);
            dup2(fd, 2);
        }
        execl("/bin/bash", "bash", script, cmd, pg_dir, (char *)NULL);
        _exit(127);
    }
    int st = -1;
    while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (err) {
        char *t = tread_file(log);
        snprintf(err, errsz, "%s", t ? t : "");
        free(t);
    }
    return pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void stop_pg_and_remove(void)
{
    if (pg_started) {
        pgtmp("stop", NULL, 0);
        pg_started = false;
    }
    if (base_dir[0] && !getenv("CUNJING_TEST_KEEP")) {
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/rm", "rm", "-rf", base_dir, (char *)NULL);
            _exit(127);
        }
        if (pid > 0)
            waitpid(pid, NULL, 0);
        base_dir[0] = '\0';
    }
}

static bool server_alive(void)
{
    int st;
    return srv.pid > 0 && waitpid(srv.pid, &st, WNOHANG) == 0;
}

/* One request with the bounded client timeout; checks it did not time out. */
static void request(const char *method, const char *path, const char *token, const char *body,
                    struct tresp *r)
{
    struct treq q = {.method = method,
                     .path = path,
                     .token = token,
                     .body = body,
                     .timeout_ms = CLIENT_TIMEOUT_MS};
    double t0 = tnow();
    thttp(&srv, &q, r);
    CHECKF(r->status != 0, "%s %s: no answer within %ld ms (%.1f s)", method, path,
           CLIENT_TIMEOUT_MS, tnow() - t0);
}

static void expect_unavailable(const struct tresp *r)
{
    EXPECT_ERROR(r, 503, "db_unavailable", NULL);
    char v[32];
    bool has = tresp_header(r, "Retry-After", v, sizeof v);
    CHECKF(has && atol(v) >= 1, "%s: 503 with Retry-After (got %s)", r->what, has ? v : "none");
}

static void test_outage(void)
{
    struct tsession s;
    REQUIRE(tlogin(&srv, "yangjianzi", NULL, &s));
    struct tresp r;
    request("GET", "/healthz", NULL, NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);

    char err[2048];
    int rc = pgtmp("stop", err, sizeof err);
    REQUIREF(rc == 0, "pgtmp.sh stop: exit %d %s", rc, err);
    pg_started = false;

    /* several rounds, so that every pooled connection meets the outage */
    double worst = 0;
    for (int round = 0; round < 4; round++) {
        double t0 = tnow();
        request("GET", "/api/v1/me", s.token, NULL, &r);
        expect_unavailable(&r);
        tresp_free(&r);
        request("GET", "/api/v1/areas", s.token, NULL, &r);
        expect_unavailable(&r);
        tresp_free(&r);
        char body[256];
        snprintf(body, sizeof body, "{\"username\":\"yangjianzi\",\"password\":\"%s\"}",
                 T_PASSWORD);
        request("POST", "/api/v1/auth/login", NULL, body, &r);
        expect_unavailable(&r);
        tresp_free(&r);
        request("GET", "/healthz", NULL, NULL, &r);
        CHECKF(r.status == 503, "/healthz while PostgreSQL is down: %ld %s", r.status, r.body);
        tresp_free(&r);
        double dt = tnow() - t0;
        if (dt > worst)
            worst = dt;
        REQUIREF(server_alive(), "the server is still running while PostgreSQL is down");
    }
    check_note("slowest round of 4 requests during the outage: %.2f s", worst);

    rc = pgtmp("start", err, sizeof err);
    REQUIREF(rc == 0, "pgtmp.sh start again: exit %d %s", rc, err);
    pg_started = true;
    double t0 = tnow();
    long st = 0;
    while (tnow() - t0 < RECOVERY_SECONDS + 5) {
        request("GET", "/api/v1/me", s.token, NULL, &r);
        st = r.status;
        tresp_free(&r);
        if (st == 200)
            break;
        tsleep_ms(200);
    }
    double took = tnow() - t0;
    CHECKF(st == 200 && took <= RECOVERY_SECONDS,
           "requests succeed again within %.0f s of PostgreSQL's return: last %ld after %.1f s",
           RECOVERY_SECONDS, st, took);
    check_note("recovered %.2f s after PostgreSQL came back", took);
    /* every pooled connection is back: a run of reads, a write, health */
    int bad = 0;
    for (int i = 0; i < 24; i++) {
        request("GET", i % 2 ? "/api/v1/me" : "/api/v1/areas", s.token, NULL, &r);
        if (r.status != 200 && bad++ < 3)
            CHECKF(false, "after recovery %s: %ld %s", r.what, r.status, r.body);
        tresp_free(&r);
    }
    CHECKF(bad == 0, "%d of 24 requests after recovery failed", bad);
    struct tsession s2;
    CHECKF(tlogin(&srv, "yangjianzi", NULL, &s2), "a login (a write) after recovery");
    request("GET", "/healthz", NULL, NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    CHECKF(server_alive(), "the server still runs after the outage");
}

/* Waits until SHOW name on a new connection is (or, with want_off false, is not) off. */
static bool wait_setting(const char *name, bool want_off)
{
    char q[128];
    snprintf(q, sizeof q, "SHOW %s", name);
    double t0 = tnow();
    while (tnow() - t0 < 10) {
        char *v = tdb_text(pg_admin, q);
        bool off = v && strcmp(v, "off") == 0;
        free(v);
        if (off == want_off)
            return true;
        tsleep_ms(100);
    }
    return false;
}

static bool set_setting(const char *name, const char *value)
{
    char sql[256], err[512];
    if (value)
        snprintf(sql, sizeof sql, "ALTER SYSTEM SET %s = %s", name, value);
    else
        snprintf(sql, sizeof sql, "ALTER SYSTEM RESET %s", name);
    bool ok = CHECKF(tdb_exec(pg_admin, sql, err, sizeof err), "%s: %s", sql, err);
    ok = CHECKF(tdb_exec(pg_admin, "SELECT pg_reload_conf()", err, sizeof err),
                "pg_reload_conf(): %s", err) &&
         ok;
    return CHECKF(ok && wait_setting(name, value != NULL), "%s %s took effect", name,
                  value ? "off" : "reset") &&
           ok;
}

static void test_durability(void)
{
    static const char *const settings[] = {"fsync", "synchronous_commit", "full_page_writes"};
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
        const char *name = settings[i];
        if (set_setting(name, "off")) {
            struct tcli c;
            const char *argv[] = {"serve", "--db", srv.db_url, "--listen", "127.0.0.1:0", NULL};
            tcli_run_timeout(&c, NULL, 20, argv);
            CHECKF(!c.timed_out, "serve with %s = off did not exit within 20 s", name);
            CHECKF(c.status == 1, "serve with %s = off: exit %d, want 1\n%s", name, c.status,
                   c.err);
            CHECKF(strstr(c.err, name) != NULL, "serve with %s = off names it: %s", name, c.err);
            CHECKF(!strstr(c.out, "listening on"), "serve with %s = off never listened: %s", name,
                   c.out);
            tcli_free(&c);
        }
        set_setting(name, NULL);
    }
    /* all reset: the server starts again */
    if (CHECKF(tserver_start(&srv, env), "serve starts once the settings are restored")) {
        struct tresp r;
        request("GET", "/healthz", NULL, NULL, &r);
        EXPECT_STATUS(&r, 200);
        tresp_free(&r);
        tserver_stop(&srv);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!tserver_is_pg()) {
        check_note("PostgreSQL only (CUNJING_TEST_DB=postgresql)");
        return check_done();
    }
    snprintf(base_dir, sizeof base_dir, "/tmp/cunjing-pgops-XXXXXX");
    if (!CHECKF(mkdtemp(base_dir) != NULL, "mkdtemp")) {
        base_dir[0] = '\0';
        return check_done();
    }
    /* the postgres user (pgtmp.sh runs the server as postgres under root) must reach pg/ */
    chmod(base_dir, 0755);
    snprintf(pg_dir, sizeof pg_dir, "%s/pg", base_dir);
    atexit(stop_pg_and_remove);
    char err[4096];
    double t0 = tnow();
    int rc = pgtmp("start", err, sizeof err);
    if (!CHECKF(rc == 0, "scripts/pgtmp.sh start %s: exit %d\n%s", pg_dir, rc, err))
        return check_done();
    pg_started = true;
    check_note("own PostgreSQL in %s started in %.1f s", pg_dir, tnow() - t0);
    tpg_url(pg_dir, "postgres", pg_admin, sizeof pg_admin);
    /* the harness makes its databases on the server in CUNJING_TEST_PG_DIR */
    setenv("CUNJING_TEST_PG_DIR", pg_dir, 1);
    if (tserver_setup(&srv, true) && tserver_start(&srv, env)) {
        check_run("outage", test_outage);
        if (pg_started) {
            tserver_stop(&srv);
            check_run("durability", test_durability);
        } else {
            tserver_stop(&srv);
        }
    }
    tserver_cleanup(&srv);
    int status = check_done();
    stop_pg_and_remove();
    return status;
}
