/*
 * `cunjing migrate-db` (issue 3; PostgreSQL only) on a PostgreSQL instance of
 * its own (scripts/pgtmp.sh in a temporary directory): the demo district on
 * SQLite with household applications (with attachments), a case and a
 * bulletin created over HTTP is copied to an empty PostgreSQL database; then
 *  - every table of the source has as many rows on the target (both queried);
 *  - a server on the target answers GET /household-applications/{id} (as the
 *    assistant and the clerk), GET /cases/{id} and GET /bulletins/{id} exactly
 *    as the SQLite server did;
 *  - attachments downloaded from the target are byte-equal to those of the
 *    source (and to what was uploaded);
 *  - `cunjing audit verify` passes on the target;
 *  - a second migrate-db into the now non-empty target is refused (exit 1,
 *    one line on stderr) and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static struct tserver src, dst;
static char base_dir[256];
static char pg_dir[T_PATH];
static bool pg_started;

static const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};

#define N_APPS 3
#define N_MAT 4
static char app_ids[N_APPS][64];
static char att_ids[N_APPS][N_MAT][64];
static char *att_data[N_APPS][N_MAT];
static size_t att_len[N_APPS][N_MAT];
static char *src_app_json[N_APPS][2]; /* as the assistant, as the clerk */
static char case_id[64], bulletin_id[64];
static char *src_case_json, *src_bulletin_json;

static int pgtmp(const char *cmd, char *err, size_t errsz)
{
    const char *s = getenv("CUNJING_SOURCE_DIR");
    char script[T_PATH], log[T_PATH];
    snprintf(script, sizeof script, "%s/scripts/pgtmp.sh", s ? s : ".");
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

static const char *iso_in(long off)
{
    static char buf[40];
    time_t t = time(NULL) + off + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return buf;
}

/* A small PDF that differs by n (so every attachment has its own bytes). */
static char *make_pdf(int n, size_t *len)
{
    char *p = malloc(512);
    int k = snprintf(p, 512,
                     "%%PDF-1.4\n%% attachment %d\n"
                     "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                     "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                     "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 %d 200] >> endobj\n"
                     "trailer << /Root 1 0 R >>\n%%%%EOF\n",
                     n, 100 + n);
    *len = (size_t)k;
    return p;
}

/* GET path as token on s; the compact, key-sorted JSON text (owned) or NULL. */
static char *get_json(struct tserver *s, const char *path, const char *token)
{
    struct tresp r;
    tget(s, path, token, &r);
    char *out = NULL;
    if (EXPECT_STATUS(&r, 200) && r.json) {
        /* the seconds spent in the current stage grow with the clock */
        if (json_is_object(r.json))
            json_object_del(r.json, "stage_seconds");
        out = json_dumps(r.json, JSON_COMPACT | JSON_SORT_KEYS);
    }
    tresp_free(&r);
    return out;
}

/* --- on the SQLite source ---------------------------------------------------- */

static bool fill_source(void)
{
    struct tsession yang, clerk, chief;
    if (!tlogin(&src, "yangjianzi", NULL, &yang) || !tlogin(&src, "clerk_pumiao", NULL, &clerk) ||
        !tlogin(&src, "chief_pumiao", NULL, &chief))
        return false;
    struct tresp r;
    tget(&src, "/api/v1/me", yang.token, &r);
    char village[64];
    snprintf(village, sizeof village, "%s",
             tjs(r.json, "user.area_ids.0") ? tjs(r.json, "user.area_ids.0") : "");
    tresp_free(&r);
    const char *kinds[N_MAT] = {"m1", "m2", "m3", "m4"};
    for (int i = 0; i < N_APPS; i++) {
        char f17[18], idn[19], body[1024], path[256];
        snprintf(f17, sizeof f17, "45010920240501%d00", i + 1);
        tmake_id(f17, idn);
        snprintf(body, sizeof body,
                 "{\"business_type\":\"HB01\",\"village_id\":\"%s\",\"applicant\":{\"name\":"
                 "\"迁移%d号\",\"id_number\":\"%s\",\"phone\":\"1381234567%d\"},\"details\":"
                 "{\"note\":\"迁移测试 %d\"}}",
                 village, i, idn, i, i);
        tpost(&src, "/api/v1/household-applications", yang.token, body, &r);
        if (!EXPECT_STATUS(&r, 201) || !tjs(r.json, "id")) {
            tresp_free(&r);
            return false;
        }
        snprintf(app_ids[i], sizeof app_ids[i], "%s", tjs(r.json, "id"));
        tresp_free(&r);
        snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments", app_ids[i]);
        for (int k = 0; k < N_MAT; k++) {
            att_data[i][k] = make_pdf(i * 10 + k, &att_len[i][k]);
            struct tpart parts[] = {{.name = "kind", .value = kinds[k]},
                                    {.name = "file",
                                     .data = att_data[i][k],
                                     .len = att_len[i][k],
                                     .filename = "m.pdf",
                                     .type = "application/pdf"}};
            tupload(&src, path, yang.token, parts, 2, &r);
            if (EXPECT_STATUS(&r, 201) && tjs(r.json, "id"))
                snprintf(att_ids[i][k], sizeof att_ids[i][k], "%s", tjs(r.json, "id"));
            tresp_free(&r);
        }
        if (i > 0) { /* one stays a draft; one submitted; one accepted */
            snprintf(path, sizeof path, "/api/v1/household-applications/%s/submit", app_ids[i]);
            struct treq q = {.method = "POST", .path = path, .token = yang.token};
            thttp(&src, &q, &r);
            EXPECT_STATUS(&r, 200);
            tresp_free(&r);
        }
        if (i > 1) {
            snprintf(path, sizeof path, "/api/v1/household-applications/%s/accept", app_ids[i]);
            struct treq q = {.method = "POST", .path = path, .token = clerk.token};
            thttp(&src, &q, &r);
            EXPECT_STATUS(&r, 200);
            tresp_free(&r);
        }
    }
    char body[1024];
    snprintf(body, sizeof body,
             "{\"kind\":\"criminal\",\"title\":\"迁移案件\",\"description\":\"盗窃\","
             "\"village_id\":\"%s\",\"occurred_at\":\"%s\"}",
             village, iso_in(-3600));
    tpost(&src, "/api/v1/cases", chief.token, body, &r);
    if (EXPECT_STATUS(&r, 201) && tjs(r.json, "id"))
        snprintf(case_id, sizeof case_id, "%s", tjs(r.json, "id"));
    tresp_free(&r);
    snprintf(body, sizeof body,
             "{\"case_id\":\"%s\",\"title\":\"迁移通报\",\"body\":\"请留意\",\"area_ids\":[\"%s\"],"
             "\"expires_at\":\"%s\"}",
             case_id, village, iso_in(30 * 86400));
    tpost(&src, "/api/v1/bulletins", chief.token, body, &r);
    if (EXPECT_STATUS(&r, 201) && tjs(r.json, "id"))
        snprintf(bulletin_id, sizeof bulletin_id, "%s", tjs(r.json, "id"));
    tresp_free(&r);

    /* what the source answers */
    for (int i = 0; i < N_APPS; i++) {
        char path[256];
        snprintf(path, sizeof path, "/api/v1/household-applications/%s", app_ids[i]);
        src_app_json[i][0] = get_json(&src, path, yang.token);
        src_app_json[i][1] = get_json(&src, path, clerk.token);
        for (int k = 0; k < N_MAT; k++) {
            snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments/%s",
                     app_ids[i], att_ids[i][k]);
            tget(&src, path, yang.token, &r);
            if (EXPECT_STATUS(&r, 200))
                CHECKF(r.body_len == att_len[i][k] && !memcmp(r.body, att_data[i][k], r.body_len),
                       "source attachment %d.%d as uploaded", i, k);
            tresp_free(&r);
        }
    }
    char path[256];
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    src_case_json = get_json(&src, path, chief.token);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", bulletin_id);
    src_bulletin_json = get_json(&src, path, yang.token);
    return app_ids[N_APPS - 1][0] && case_id[0] && bulletin_id[0];
}

/* --- the round trip ---------------------------------------------------------- */

static void test_round_trip(void)
{
    /* migrate */
    char target[T_PATH];
    REQUIRE(tpg_createdb(pg_dir, "migrate", target, sizeof target));
    struct tcli r;
    double t0 = tnow();
    tcli_run_timeout(
        &r, NULL, 120,
        (const char *const[]){"migrate-db", "--from", src.db_url, "--to", target, NULL});
    bool ok = CHECKF(r.status == 0, "migrate-db: exit %d\n%s", r.status, r.err);
    check_note("migrate-db took %.1f s: %.300s", tnow() - t0, r.err);
    tcli_free(&r);
    REQUIRE(ok);

    /* counts per table, queried on both */
    char *names = tdb_text(src.db_url, "SELECT group_concat(name, ',') FROM sqlite_master WHERE "
                                       "type = 'table' AND name NOT LIKE 'sqlite_%'");
    REQUIRE(names);
    int tables = 0;
    char *save = NULL;
    for (char *t = strtok_r(names, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char q[256];
        snprintf(q, sizeof q, "SELECT count(*) FROM %s", t);
        long long a = tdb_int(src.db_url, q), b = tdb_int(target, q);
        CHECKF(a >= 0 && a == b, "table %s: %lld rows on SQLite, %lld on PostgreSQL", t, a, b);
        tables++;
    }
    free(names);
    CHECKF(tables >= 20, "%d tables compared", tables);
    CHECK(tdb_int(target, "SELECT count(*) FROM attachments") >= N_APPS * N_MAT);
    CHECK(tdb_int(target, "SELECT count(*) FROM users") > 100);

    /* a server on the target answers as the source did */
    memset(&dst, 0, sizeof dst);
    snprintf(dst.dir, sizeof dst.dir, "%.200s/dst", base_dir);
    mkdir(dst.dir, 0700);
    snprintf(dst.db_url, sizeof dst.db_url, "%s", target);
    snprintf(dst.key_path, sizeof dst.key_path, "%s", src.key_path);
    memcpy(dst.secrets, src.secrets, sizeof dst.secrets);
    dst.nsecrets = src.nsecrets;
    REQUIRE(tserver_start(&dst, env));
    struct tsession yang, clerk, chief;
    if (tlogin(&dst, "yangjianzi", NULL, &yang) && tlogin(&dst, "clerk_pumiao", NULL, &clerk) &&
        tlogin(&dst, "chief_pumiao", NULL, &chief)) {
        for (int i = 0; i < N_APPS; i++) {
            char path[256];
            snprintf(path, sizeof path, "/api/v1/household-applications/%s", app_ids[i]);
            char *a = get_json(&dst, path, yang.token), *c = get_json(&dst, path, clerk.token);
            CHECKF(a && src_app_json[i][0] && !strcmp(a, src_app_json[i][0]),
                   "application %d as the assistant:\nSQLite     %s\nPostgreSQL %s", i,
                   src_app_json[i][0], a);
            CHECKF(c && src_app_json[i][1] && !strcmp(c, src_app_json[i][1]),
                   "application %d as the clerk:\nSQLite     %s\nPostgreSQL %s", i,
                   src_app_json[i][1], c);
            free(a);
            free(c);
            for (int k = 0; k < N_MAT; k++) {
                snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments/%s",
                         app_ids[i], att_ids[i][k]);
                struct tresp rr;
                tget(&dst, path, yang.token, &rr);
                if (EXPECT_STATUS(&rr, 200))
                    CHECKF(rr.body_len == att_len[i][k] &&
                               !memcmp(rr.body, att_data[i][k], rr.body_len),
                           "attachment %d.%d byte-equal on the target (%zu bytes, want %zu)", i, k,
                           rr.body_len, att_len[i][k]);
                tresp_free(&rr);
            }
        }
        char path[256];
        snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
        char *c = get_json(&dst, path, chief.token);
        CHECKF(c && src_case_json && !strcmp(c, src_case_json),
               "case:\nSQLite     %s\nPostgreSQL %s", src_case_json, c);
        free(c);
        snprintf(path, sizeof path, "/api/v1/bulletins/%s", bulletin_id);
        c = get_json(&dst, path, yang.token);
        CHECKF(c && src_bulletin_json && !strcmp(c, src_bulletin_json),
               "bulletin:\nSQLite     %s\nPostgreSQL %s", src_bulletin_json, c);
        free(c);
        /* the target takes writes: a new application gets a fresh number */
        long st;
        json_t *items = tget_all(&dst, "/api/v1/household-applications", yang.token, &st);
        CHECKF(st == 200 && json_array_size(items) == N_APPS, "the target lists %zu applications",
               json_array_size(items));
        json_decref(items);
    }
    tserver_stop(&dst);

    /* audit verify on the target (with the key file the source used) */
    setenv("CUNJING_KEYS_FILE", src.key_path, 1);
    tcli(&r, NULL, "audit", "verify", "--db", target, NULL);
    CHECKF(r.status == 0, "audit verify on the target: exit %d\n%s%s", r.status, r.out, r.err);
    tcli_free(&r);

    /* a second migrate into the non-empty target: refused, nothing changed */
    long long apps = tdb_int(target, "SELECT count(*) FROM household_applications");
    long long audit = tdb_int(target, "SELECT count(*) FROM audit_log");
    tcli_run_timeout(
        &r, NULL, 120,
        (const char *const[]){"migrate-db", "--from", src.db_url, "--to", target, NULL});
    CHECKF(r.status == 1, "migrate-db into a non-empty target: exit %d (want 1)\n%s", r.status,
           r.err);
    CHECKF(tcount_lines(r.err) == 1, "one line on stderr: %s", r.err);
    tcli_free(&r);
    CHECK_INT(tdb_int(target, "SELECT count(*) FROM household_applications"), apps);
    CHECK_INT(tdb_int(target, "SELECT count(*) FROM audit_log"), audit);
    tcli(&r, NULL, "audit", "verify", "--db", target, NULL);
    CHECKF(r.status == 0, "audit verify after the refusal: exit %d\n%s", r.status, r.err);
    tcli_free(&r);

    /* bad usage */
    tcli(&r, NULL, "migrate-db", "--from", src.db_url, NULL);
    CHECK_INT(r.status, 2);
    tcli_free(&r);
    tcli(&r, NULL, "migrate-db", "--from", target, "--to", target, NULL);
    CHECKF(r.status == 1, "a PostgreSQL source: exit %d\n%s", r.status, r.err);
    tcli_free(&r);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (!tserver_is_pg()) {
        check_note("PostgreSQL only (CUNJING_TEST_DB=postgresql)");
        return check_done();
    }
    snprintf(base_dir, sizeof base_dir, "/tmp/cunjing-pgmig-XXXXXX");
    if (!CHECKF(mkdtemp(base_dir) != NULL, "mkdtemp")) {
        base_dir[0] = '\0';
        return check_done();
    }
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
    setenv("CUNJING_TEST_PG_DIR", pg_dir, 1);

    /* the source: the demo district on SQLite (its key file beside it) */
    setenv("CUNJING_TEST_DB", "sqlite", 1);
    unsetenv("CUNJING_KEYS_FILE");
    bool ok = tserver_setup(&src, true) && tserver_start(&src, env);
    setenv("CUNJING_TEST_DB", "postgresql", 1);
    if (ok) {
        ok = fill_source();
        ok = tserver_stop(&src) && ok;
    }
    if (ok)
        check_run("round_trip", test_round_trip);
    tserver_cleanup(&src);
    for (int i = 0; i < N_APPS; i++) {
        free(src_app_json[i][0]);
        free(src_app_json[i][1]);
        for (int k = 0; k < N_MAT; k++)
            free(att_data[i][k]);
    }
    free(src_case_json);
    free(src_bulletin_json);
    int status = check_done();
    stop_pg_and_remove();
    return status;
}
