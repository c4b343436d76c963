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
#include <liboath/oath.h>
#include <signal.h>
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

bool tserver_db_url(const char *dir, const char *name, char *out, size_t outsz)
{
    if (strcmp(tserver_backend(), "sqlite") != 0) {
        check_note("backend %s is not supported by the harness yet", tserver_backend());
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
    r->status = pid > 0 ? wait_status(pid, 240, &timed_out) : -1;
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
    snprintf(s->db_path, sizeof s->db_path, "%s/c.db", s->dir);
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
    s->pid = spawn(argv, env, -1, s->out_path, s->err_path);
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
