/*
 * Server and CLI processes for the API tests: a temporary directory per
 * server, `cunjing init`/`demo` through the CLI runner, `serve` spawned with
 * its stdout and stderr redirected to files in that directory (polled for the
 * "listening on" line), and stopping with SIGTERM then SIGKILL. Also the TOTP
 * codes (liboath) for users whose secret a demo or `user add` printed, and
 * small file helpers.
 */
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <liboath/oath.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *bin_path(void)
{
    const char *b = getenv("CUNJING_BIN");
    return b && *b ? b : "cunjing";
}

const char *tserver_backend(void)
{
    const char *b = getenv("CUNJING_TEST_DB");
    return b && *b ? b : "sqlite";
}

bool tserver_is_pg(void)
{
    return strcmp(tserver_backend(), "postgresql") == 0;
}

/* ---- databases ------------------------------------------------------------ */

static bool is_pg_url(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static const char *sqlite_path(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

int tpg_port(const char *pgdir)
{
    char path[T_PATH];
    snprintf(path, sizeof path, "%s/data/postmaster.pid", pgdir);
    char *pid = tread_file(path);
    int port = 0;
    if (pid) {
        /* line 4 of postmaster.pid is the port */
        const char *p = pid;
        for (int line = 1; line < 4 && p; line++) {
            p = strchr(p, '\n');
            if (p)
                p++;
        }
        if (p)
            port = atoi(p);
        free(pid);
    }
    return port > 0 ? port : 5432;
}

bool tpg_url(const char *pgdir, const char *dbname, char *out, size_t outsz)
{
    int n = snprintf(out, outsz, "postgresql://cunjing@/%s?host=%s&port=%d", dbname, pgdir,
                     tpg_port(pgdir));
    return n > 0 && (size_t)n < outsz;
}

/* The maintenance database's URL of the instance that url names. */
static bool admin_url(const char *url, char *out, size_t outsz)
{
    const char *slash = strstr(url, "@/");
    const char *q = slash ? strchr(slash, '?') : NULL;
    if (!slash || !q)
        return false;
    int n = snprintf(out, outsz, "%.*spostgres%s", (int)(slash + 2 - url), url, q);
    return n > 0 && (size_t)n < outsz;
}

/* The database name in a postgresql://user@/NAME?... URL. */
static bool url_dbname(const char *url, char *out, size_t outsz)
{
    const char *slash = strstr(url, "@/");
    const char *q = slash ? strchr(slash, '?') : NULL;
    if (!slash || !q || (size_t)(q - slash - 2) >= outsz)
        return false;
    memcpy(out, slash + 2, (size_t)(q - slash - 2));
    out[q - slash - 2] = '\0';
    return true;
}

static PGconn *pg_open(const char *url, char *err, size_t errsz)
{
    char conninfo[T_PATH + 64];
    snprintf(conninfo, sizeof conninfo, "%s&connect_timeout=5", url);
    PGconn *c = PQconnectdb(conninfo);
    if (PQstatus(c) != CONNECTION_OK) {
        if (err)
            snprintf(err, errsz, "cannot connect to %s: %s", url, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, NULL, NULL);
    PGresult *r = PQexec(c, "SET client_min_messages = warning");
    PQclear(r);
    return c;
}

/* Runs sql (one or several statements); false with the message on error. */
static bool pg_exec(const char *url, const char *sql, char *err, size_t errsz)
{
    PGconn *c = pg_open(url, err, errsz);
    if (!c)
        return false;
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (err)
        snprintf(err, errsz, "%s", ok ? "" : PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return ok;
}

/* The first column of the first row of query, or NULL (owned). */
static char *pg_value(const char *url, const char *query)
{
    char err[512];
    PGconn *c = pg_open(url, err, sizeof err);
    if (!c) {
        check_note("%s", err);
        return NULL;
    }
    PGresult *r = PQexec(c, query);
    char *v = NULL;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) >= 1 && PQnfields(r) >= 1 &&
        !PQgetisnull(r, 0, 0))
        v = strdup(PQgetvalue(r, 0, 0));
    else if (PQresultStatus(r) != PGRES_TUPLES_OK)
        check_note("query failed: %s: %s", query, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    return v;
}

bool tdb_exec(const char *url, const char *sql, char *err, size_t errsz)
{
    if (is_pg_url(url))
        return pg_exec(url, sql, err, errsz);
    sqlite3 *h;
    int rc = sqlite3_open(sqlite_path(url), &h);
    char *msg = NULL;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(h, 5000);
        rc = sqlite3_exec(h, sql, NULL, NULL, &msg);
    }
    if (err)
        snprintf(err, errsz, "%s", msg ? msg : (rc == SQLITE_OK ? "" : sqlite3_errmsg(h)));
    sqlite3_free(msg);
    sqlite3_close(h);
    return rc == SQLITE_OK;
}

char *tdb_text(const char *url, const char *query)
{
    if (is_pg_url(url))
        return pg_value(url, query);
    sqlite3 *h;
    char *v = NULL;
    if (sqlite3_open_v2(sqlite_path(url), &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(h, 5000);
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(h, query, -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
            v = strdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return v;
}

long long tdb_int(const char *url, const char *query)
{
    char *t = tdb_text(url, query);
    if (!t)
        return -1;
    char *end;
    long long v = strtoll(t, &end, 10);
    if (end == t)
        v = -1;
    free(t);
    return v;
}

/* Databases this process created, dropped at exit (unless CUNJING_TEST_KEEP). */
#define T_MAX_PG_DBS 64
static char created_dbs[T_MAX_PG_DBS][T_PATH];
static int ncreated;

static void drop_created(void)
{
    if (getenv("CUNJING_TEST_KEEP"))
        return;
    for (int i = 0; i < ncreated; i++) {
        char admin[T_PATH], name[128], sql[256];
        if (!admin_url(created_dbs[i], admin, sizeof admin) ||
            !url_dbname(created_dbs[i], name, sizeof name))
            continue;
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)", name);
        pg_exec(admin, sql, NULL, 0);
    }
    ncreated = 0;
}

/* CREATE DATABASE of a unique name on the instance of url_template (a URL of
 * any database there), optionally from a template; the new URL in out. */
static bool pg_create(const char *instance_url, const char *tag, const char *template_name,
                      char *out, size_t outsz)
{
    static unsigned counter;
    char admin[T_PATH], name[128], sql[512], err[512];
    if (!CHECKF(admin_url(instance_url, admin, sizeof admin), "bad PostgreSQL URL %s",
                instance_url))
        return false;
    snprintf(name, sizeof name, "cj_%ld_%u_%.40s", (long)getpid(), ++counter, tag);
    for (char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_')
            *p = '_';
    if (template_name)
        snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\" TEMPLATE \"%s\"", name, template_name);
    else
        snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", name);
    bool ok = false;
    /* a template in use by another session (a concurrent CREATE) fails: retry */
    for (int attempt = 0; attempt < 50 && !ok; attempt++) {
        ok = pg_exec(admin, sql, err, sizeof err);
        if (!ok && !strstr(err, "being accessed by other users"))
            break;
        if (!ok)
            tsleep_ms(100);
    }
    if (!CHECKF(ok, "%s: %s", sql, err))
        return false;
    const char *q = strchr(strstr(instance_url, "@/"), '?');
    int n = snprintf(out, outsz, "%.*s%s%s", (int)(strstr(instance_url, "@/") + 2 - instance_url),
                     instance_url, name, q);
    if (ncreated == 0)
        atexit(drop_created);
    if (ncreated < T_MAX_PG_DBS)
        snprintf(created_dbs[ncreated++], T_PATH, "%s", out);
    return n > 0 && (size_t)n < outsz;
}

bool tpg_createdb(const char *pgdir, const char *tag, char *out, size_t outsz)
{
    char base[T_PATH];
    if (!tpg_url(pgdir, "postgres", base, sizeof base))
        return false;
    return pg_create(base, tag, NULL, out, outsz);
}

bool tdb_copy(const char *from_url, const char *dir, char *out, size_t outsz)
{
    if (is_pg_url(from_url)) {
        char name[128];
        if (!CHECKF(url_dbname(from_url, name, sizeof name), "bad PostgreSQL URL %s", from_url))
            return false;
        return pg_create(from_url, "copy", name, out, outsz);
    }
    char db[T_PATH], stmt[T_PATH * 2], err[512];
    snprintf(db, sizeof db, "%s/c.db", dir);
    int n = snprintf(out, outsz, "sqlite:%s", db);
    snprintf(stmt, sizeof stmt, "VACUUM INTO '%s'", db);
    if (!CHECKF(tdb_exec(from_url, stmt, err, sizeof err), "VACUUM INTO: %s", err))
        return false;
    return n > 0 && (size_t)n < outsz;
}

bool tserver_db_url(const char *dir, const char *name, char *out, size_t outsz)
{
    if (tserver_is_pg()) {
        const char *pgdir = getenv("CUNJING_TEST_PG_DIR");
        if (!pgdir || !*pgdir) {
            check_note("CUNJING_TEST_DB=postgresql needs CUNJING_TEST_PG_DIR (a directory "
                       "where scripts/pgtmp.sh started a server)");
            return false;
        }
        return tpg_createdb(pgdir, name, out, outsz);
    }
    if (strcmp(tserver_backend(), "sqlite") != 0) {
        check_note("backend %s is not supported by the harness", tserver_backend());
        return false;
    }
    int n = snprintf(out, outsz, "sqlite:%s/%s.db", dir, name);
    return n > 0 && (size_t)n < outsz;
}

void tsleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

double tnow(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

char *tread_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (cap - len < 2048) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    buf[len] = '\0';
    fclose(f);
    return buf;
}

bool twrite_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(data, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}

bool tcopy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return false;
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return false;
    }
    char buf[65536];
    size_t n;
    bool ok = true;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        ok = ok && fwrite(buf, 1, n, out) == n;
    fclose(in);
    return fclose(out) == 0 && ok;
}

bool tfile_has_sanitizer_report(const char *path)
{
    char *t = tread_file(path);
    if (!t)
        return false;
    bool bad = strstr(t, "ERROR: AddressSanitizer") || strstr(t, "runtime error:") ||
               strstr(t, "ERROR: LeakSanitizer") || strstr(t, "SUMMARY: UndefinedBehavior");
    free(t);
    return bad;
}

int tcount_lines(const char *text)
{
    int n = 0;
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        n++;
        if (!nl)
            break;
        p = nl + 1;
    }
    return n;
}

bool tmentions_number(const char *text, long long n)
{
    char num[32];
    snprintf(num, sizeof num, "%lld", n);
    size_t len = strlen(num);
    for (const char *p = text; p && (p = strstr(p, num)) != NULL; p++) {
        bool left = p == text || !isdigit((unsigned char)p[-1]);
        bool right = !isdigit((unsigned char)p[len]);
        if (left && right)
            return true;
    }
    return false;
}

/* ---- processes ------------------------------------------------------------ */

static char **build_env(const char *const *extra)
{
    size_t n = 0, m = 0;
    while (environ[n])
        n++;
    while (extra && extra[m])
        m++;
    char **env = calloc(n + m + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool overridden = false;
        for (size_t j = 0; j < m; j++) {
            const char *eq = strchr(extra[j], '=');
            size_t kl = eq ? (size_t)(eq - extra[j]) + 1 : strlen(extra[j]);
            if (strncmp(environ[i], extra[j], kl) == 0)
                overridden = true;
        }
        if (!overridden)
            env[k++] = environ[i];
    }
    for (size_t j = 0; j < m; j++)
        env[k++] = (char *)extra[j];
    env[k] = NULL;
    return env;
}

static pid_t spawn(const char *const *argv, const char *const *extra_env, int in_fd,
                   const char *out_path, const char *err_path)
{
    char **env = build_env(extra_env);
    size_t argc = 0;
    while (argv[argc])
        argc++;
    char **args = calloc(argc + 2, sizeof *args);
    args[0] = (char *)bin_path();
    for (size_t i = 0; i < argc; i++)
        args[i + 1] = (char *)argv[i];
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int in = in_fd >= 0 ? in_fd : open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (out < 0 || err < 0 || in < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execve(args[0], args, env);
        _exit(127);
    }
    free(args);
    free(env);
    return pid;
}

static int wait_status(pid_t pid, double timeout_s, bool *timed_out)
{
    double end = tnow() + timeout_s;
    int st = 0;
    *timed_out = false;
    for (;;) {
        pid_t w = waitpid(pid, &st, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            return -1;
        if (tnow() > end) {
            *timed_out = true;
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            break;
        }
        tsleep_ms(20);
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

bool tcli_run(struct tcli *r, const char *stdin_text, const char *const *argv)
{
    return tcli_run_timeout(r, stdin_text, 240, argv);
}

bool tcli_run_timeout(struct tcli *r, const char *stdin_text, double timeout_s,
                      const char *const *argv)
{
    memset(r, 0, sizeof *r);
    char dir[] = "/tmp/cunjing-cli-XXXXXX";
    if (!mkdtemp(dir))
        return false;
    char in_path[T_PATH], out_path[T_PATH], err_path[T_PATH];
    snprintf(in_path, sizeof in_path, "%s/in", dir);
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    snprintf(err_path, sizeof err_path, "%s/err", dir);
    const char *text = stdin_text ? stdin_text : "";
    twrite_file(in_path, text, strlen(text));
    int in = open(in_path, O_RDONLY | O_CLOEXEC);
    pid_t pid = spawn(argv, NULL, in, out_path, err_path);
    close(in);
    bool timed_out;
    r->status = pid > 0 ? wait_status(pid, timeout_s, &timed_out) : -1;
    r->timed_out = pid > 0 && timed_out;
    r->out = tread_file(out_path);
    r->err = tread_file(err_path);
    if (!r->out)
        r->out = calloc(1, 1);
    if (!r->err)
        r->err = calloc(1, 1);
    char cmd[256] = "";
    for (size_t i = 0; argv[i] && strlen(cmd) < 200; i++) {
        size_t l = strlen(cmd);
        snprintf(cmd + l, sizeof cmd - l, " %s", argv[i]);
    }
    CHECKF(!tfile_has_sanitizer_report(err_path), "sanitizer report from `cunjing%s`:\n%s", cmd,
           r->err);
    unlink(in_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return r->status >= 0;
}

bool tcli(struct tcli *r, const char *stdin_text, ...)
{
    const char *argv[64];
    size_t n = 0;
    va_list ap;
    va_start(ap, stdin_text);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && n < 63)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return tcli_run(r, stdin_text, argv);
}

void tcli_free(struct tcli *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- TOTP --------------------------------------------------------------- */

bool ttotp_at(const char *base32, int64_t t, char out[7])
{
    static bool inited;
    if (!inited) {
        oath_init();
        inited = true;
    }
    char *raw = NULL;
    size_t rawlen = 0;
    if (oath_base32_decode(base32, strlen(base32), &raw, &rawlen) != OATH_OK)
        return false;
    int rc = oath_totp_generate(raw, rawlen, (time_t)t, 30, 0, 6, out);
    free(raw);
    return rc == OATH_OK;
}

static struct tsecret *find_secret(struct tserver *s, const char *user)
{
    for (int i = 0; i < s->nsecrets; i++)
        if (strcmp(s->secrets[i].user, user) == 0)
            return &s->secrets[i];
    return NULL;
}

void tserver_add_secret(struct tserver *s, const char *user, const char *base32)
{
    struct tsecret *e = find_secret(s, user);
    if (!e) {
        if (s->nsecrets >= T_MAX_SECRETS)
            return;
        e = &s->secrets[s->nsecrets++];
    }
    snprintf(e->user, sizeof e->user, "%s", user);
    snprintf(e->base32, sizeof e->base32, "%s", base32);
    e->last_step = 0;
}

bool totpauth_secret(const char *text, char *out, size_t outsz)
{
    const char *p = text ? strstr(text, "otpauth://totp/") : NULL;
    if (!p)
        return false;
    const char *end = strchr(p, '\n');
    if (!end)
        end = p + strlen(p);
    const char *q = strstr(p, "secret=");
    if (!q || q > end)
        return false;
    q += 7;
    size_t n = strcspn(q, "&\r\n \"");
    if (n == 0 || n >= outsz)
        return false;
    memcpy(out, q, n);
    out[n] = '\0';
    return true;
}

bool tserver_secret_from_text(struct tserver *s, const char *user, const char *text)
{
    char label1[128], label2[128];
    snprintf(label1, sizeof label1, ":%s?", user);
    snprintf(label2, sizeof label2, "%%3A%s?", user);
    for (const char *p = text; p && (p = strstr(p, "otpauth://totp/")) != NULL; p++) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char line[1024];
        if (len >= sizeof line)
            continue;
        memcpy(line, p, len);
        line[len] = '\0';
        if (strstr(line, label1) || strstr(line, label2)) {
            char secret[128];
            if (!totpauth_secret(line, secret, sizeof secret))
                return false;
            tserver_add_secret(s, user, secret);
            return true;
        }
    }
    return false;
}

bool tserver_totp(struct tserver *s, const char *user, char out[7])
{
    struct tsecret *e = find_secret(s, user);
    if (!e)
        return false;
    int64_t step = (int64_t)time(NULL) / 30;
    if (step <= e->last_step)
        step = e->last_step + 1;
    e->last_step = step;
    return ttotp_at(e->base32, step * 30, out);
}

void tserver_wrong_totp(struct tserver *s, const char *user, char out[7])
{
    struct tsecret *e = find_secret(s, user);
    int64_t now = (int64_t)time(NULL);
    for (unsigned cand = 123456;; cand = (cand + 77777) % 1000000) {
        snprintf(out, 7, "%06u", cand);
        bool clash = false;
        for (int d = -3; e && d <= 3; d++) {
            char c[7];
            if (ttotp_at(e->base32, now + d * 30, c) && strcmp(c, out) == 0)
                clash = true;
        }
        if (!clash)
            return;
    }
}

/* ---- server --------------------------------------------------------------- */

bool tserver_setup(struct tserver *s, bool demo)
{
    memset(s, 0, sizeof *s);
    signal(SIGPIPE, SIG_IGN);
    snprintf(s->dir, sizeof s->dir, "/tmp/cunjing-api-XXXXXX");
    if (!mkdtemp(s->dir))
        return CHECKF(false, "mkdtemp failed");
    if (!tserver_db_url(s->dir, "c", s->db_url, sizeof s->db_url))
        return CHECKF(false, "no database URL for backend %s", tserver_backend());
    snprintf(s->key_path, sizeof s->key_path, "%s/cunjing.key", s->dir);
    if (tserver_is_pg()) {
        /* PostgreSQL needs the key file named; the CLI runs inherit it */
        setenv("CUNJING_KEYS_FILE", s->key_path, 1);
    } else {
        snprintf(s->db_path, sizeof s->db_path, "%s/c.db", s->dir);
    }
    snprintf(s->out_path, sizeof s->out_path, "%s/serve.out", s->dir);
    snprintf(s->err_path, sizeof s->err_path, "%s/serve.err", s->dir);
    struct tcli r;
    tcli(&r, NULL, "init", "--db", s->db_url, NULL);
    bool ok = CHECKF(r.status == 0, "%s init --db %s: exit %d%s\n%s", bin_path(), s->db_url,
                     r.status, r.status == 127 ? " (cannot execute the binary)" : "", r.err);
    tcli_free(&r);
    if (!ok || !demo)
        return ok;
    double t0 = tnow();
    tcli(&r, NULL, "demo", "--db", s->db_url, NULL);
    ok = CHECKF(r.status == 0, "cunjing demo: exit %d\n%s", r.status, r.err);
    check_note("cunjing demo took %.1f s", tnow() - t0);
    s->demo_out = r.out;
    r.out = NULL;
    tcli_free(&r);
    const char *totp_users[] = {"admin", "auditor", "reviewer"};
    for (size_t i = 0; ok && i < sizeof totp_users / sizeof *totp_users; i++)
        CHECKF(tserver_secret_from_text(s, totp_users[i], s->demo_out),
               "demo output has no otpauth://totp/cunjing:%s?...secret= line", totp_users[i]);
    return ok;
}

bool tserver_clone(struct tserver *s, const struct tserver *from)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/cunjing-api-XXXXXX");
    if (!mkdtemp(s->dir))
        return CHECKF(false, "mkdtemp failed");
    memcpy(s->db_path, from->db_path, sizeof s->db_path);
    memcpy(s->db_url, from->db_url, sizeof s->db_url);
    memcpy(s->key_path, from->key_path, sizeof s->key_path);
    memcpy(s->secrets, from->secrets, sizeof s->secrets);
    s->nsecrets = from->nsecrets;
    return true;
}

static bool find_port(const char *text, int *port)
{
    const char *key = "listening on http://127.0.0.1:";
    const char *p = text ? strstr(text, key) : NULL;
    if (!p)
        return false;
    char *end;
    long v = strtol(p + strlen(key), &end, 10);
    if (end == p + strlen(key) || v <= 0 || v > 65535)
        return false;
    *port = (int)v;
    return true;
}

bool tserver_start(struct tserver *s, const char *const *env)
{
    const char *argv[] = {"serve", "--db", s->db_url, "--listen", "127.0.0.1:0", NULL};
    char out_path[T_PATH], err_path[T_PATH];
    s->starts++;
    snprintf(out_path, sizeof out_path, "%s/serve%d.out", s->dir, s->starts);
    snprintf(err_path, sizeof err_path, "%s/serve%d.err", s->dir, s->starts);
    snprintf(s->out_path, sizeof s->out_path, "%s", out_path);
    snprintf(s->err_path, sizeof s->err_path, "%s", err_path);
    const char *all_env[64];
    size_t n = 0;
    char key_env[T_PATH + 32];
    if (is_pg_url(s->db_url)) {
        snprintf(key_env, sizeof key_env, "CUNJING_KEYS_FILE=%s", s->key_path);
        all_env[n++] = key_env;
    }
    for (size_t i = 0; env && env[i] && n < 63; i++)
        all_env[n++] = env[i];
    all_env[n] = NULL;
    s->pid = spawn(argv, all_env, -1, s->out_path, s->err_path);
    if (s->pid <= 0)
        return CHECKF(false, "cannot spawn %s", bin_path());
    double end = tnow() + 20;
    while (tnow() < end) {
        char *out = tread_file(s->out_path);
        bool found = find_port(out, &s->port);
        free(out);
        if (found) {
            snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
            return true;
        }
        int st;
        if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
            char *err = tread_file(s->err_path);
            CHECKF(false, "server exited before listening (status %d):\n%s", st, err ? err : "");
            free(err);
            s->pid = 0;
            return false;
        }
        tsleep_ms(50);
    }
    char *err = tread_file(s->err_path);
    CHECKF(false, "server did not print \"listening on http://127.0.0.1:PORT\" in 20 s:\n%s",
           err ? err : "");
    free(err);
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
    return false;
}

bool tserver_stop(struct tserver *s)
{
    if (s->pid <= 0)
        return true;
    kill(s->pid, SIGTERM);
    bool timed_out;
    int st = wait_status(s->pid, 10, &timed_out);
    s->pid = 0;
    bool ok = CHECKF(!timed_out, "server did not stop within 10 s of SIGTERM");
    ok = CHECKF(st == 0, "server exit status %d after SIGTERM", st) && ok;
    if (tfile_has_sanitizer_report(s->err_path)) {
        char *err = tread_file(s->err_path);
        CHECKF(false, "sanitizer report in the server's stderr:\n%s", err ? err : "");
        free(err);
        ok = false;
    }
    return ok;
}

void tserver_cleanup(struct tserver *s)
{
    tserver_stop(s);
    free(s->demo_out);
    s->demo_out = NULL;
    if (getenv("CUNJING_TEST_KEEP")) {
        check_note("kept %s", s->dir);
        return;
    }
    if (s->dir[0] && strncmp(s->dir, "/tmp/cunjing-api-", 17) == 0) {
        const char *argv[] = {"rm", "-rf", s->dir, NULL};
        pid_t pid = fork();
        if (pid == 0) {
            execv("/bin/rm", (char *const *)argv);
            _exit(127);
        }
        if (pid > 0)
            waitpid(pid, NULL, 0);
    }
}

void tmake_id(const char *first17, char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    memcpy(out, first17, 17);
    out[17] = map[sum % 11];
    out[18] = '\0';
}
