/*
 * The PostgreSQL driver (libpq). Statements are prepared on the server the
 * first time a connection runs them (named per connection) and executed with
 * text parameters, except int64 (sent as int8) and blobs (bytea, binary).
 * Results come back as text and are parsed by the column accessors.
 *
 * Write transactions take one transaction-scoped advisory lock, so writes
 * are serialised exactly as SQLite serialises them: the audit chain, the
 * login counters and idempotency keys need one order of writes, and every
 * write appends to the one audit chain anyway.
 *
 * A lost connection makes the call fail with ERR_DB_UNAVAILABLE (answered
 * 503 db_unavailable); the next transaction on that connection resets it
 * and prepares its statements again, so the server recovers by itself when
 * PostgreSQL comes back. connect_timeout bounds every attempt.
 */
#include "store/db_int.h"

#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/xalloc.h"

#define OID_INT8 20
#define OID_TEXT 25
#define OID_BYTEA 17
#define MAX_PARAMS 32
#define WRITE_LOCK_KEY "728301"

struct pg_conn {
    PGconn *c;
    char *conninfo;
    unsigned generation; /* bumped on every reset: prepared statements are gone */
    unsigned next_name;
    enum err last_err;
    int64_t changes;
    bool listening; /* LISTEN issued on this connection since it was (re)connected */
};

struct pg_stmt {
    struct pg_conn *pc;
    char *sql;             /* with $n placeholders, as PostgreSQL wants them */
    char name[24];         /* server-side name */
    unsigned prepared_gen; /* generation it was prepared in; 0 = never */
    int nparams;
    char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS];
    int formats[MAX_PARAMS];
    unsigned types[MAX_PARAMS];
    PGresult *res;
    int row; /* current row, -1 before the first step */
    int nrows;
    unsigned char *blob; /* last unescaped bytea */
};

static enum err map_state(const char *state)
{
    if (!state)
        return ERR_DB_UNAVAILABLE;
    if (!strncmp(state, "23", 2))
        return ERR_CONFLICT;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03") ||
        !strcmp(state, "57014"))
        return ERR_BUSY;
    if (!strcmp(state, "53100"))
        return ERR_STORAGE_FULL;
    if (!strcmp(state, "25006"))
        return ERR_READ_ONLY;
    if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) || !strcmp(state, "53300"))
        return ERR_DB_UNAVAILABLE;
    return ERR_INTERNAL;
}

/* Records the outcome of res (may be NULL); returns the error. */
static enum err check_result(struct pg_conn *pc, PGresult *res, const char *what)
{
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        pc->last_err = ERR_OK;
        return ERR_OK;
    }
    enum err e;
    if (PQstatus(pc->c) != CONNECTION_OK)
        e = ERR_DB_UNAVAILABLE;
    else
        e = map_state(res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL);
    if (e != ERR_CONFLICT)
        log_error("postgresql: %s (in: %.100s)",
                  res ? PQresultErrorMessage(res) : PQerrorMessage(pc->c), what);
    pc->last_err = e;
    return e;
}

static char *with_timeout(const char *url)
{
    if (strstr(url, "connect_timeout"))
        return xstrdup(url);
    return xasprintf("%s%sconnect_timeout=5", url, strchr(url, '?') ? "&" : "?");
}

static void notice_quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static void *pg_connect(const char *url, bool create, struct errinfo *info)
{
    (void)create;
    struct pg_conn *pc = xcalloc(1, sizeof *pc);
    pc->conninfo = with_timeout(url);
    pc->c = PQconnectdb(pc->conninfo);
    if (!pc->c || PQstatus(pc->c) != CONNECTION_OK) {
        /* libpq's message names host and database, not the password. */
        err_set(info, ERR_DB_UNAVAILABLE, "db", "cannot connect to PostgreSQL: %s",
                pc->c ? PQerrorMessage(pc->c) : "out of memory");
        char *nl = info ? strchr(info->message, '\n') : NULL;
        if (nl)
            *nl = '\0';
        PQfinish(pc->c);
        free(pc->conninfo);
        free(pc);
        return NULL;
    }
    PQsetNoticeProcessor(pc->c, notice_quiet, NULL);
    PGresult *r = PQexec(pc->c, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
    PQclear(r);
    pc->generation = 1;
    return pc;
}

static void pg_disconnect(void *h)
{
    struct pg_conn *pc = h;
    if (!pc)
        return;
    PQfinish(pc->c);
    free(pc->conninfo);
    free(pc);
}

/* Brings a broken connection back; false when the server is still away. */
static bool ensure_connected(struct pg_conn *pc)
{
    if (PQstatus(pc->c) == CONNECTION_OK)
        return true;
    PQreset(pc->c);
    if (PQstatus(pc->c) != CONNECTION_OK) {
        pc->last_err = ERR_DB_UNAVAILABLE;
        return false;
    }
    PQsetNoticeProcessor(pc->c, notice_quiet, NULL);
    PGresult *r = PQexec(pc->c, "SET TIME ZONE 'UTC'; SET client_min_messages = warning");
    PQclear(r);
    pc->generation++;
    pc->listening = false;
    log_info("postgresql: reconnected");
    return true;
}

static enum err pg_exec_script(void *h, const char *sql)
{
    struct pg_conn *pc = h;
    /* Only a transaction's start may reconnect: inside one, a reset would lose it. */
    bool begin = !strncmp(sql, "BEGIN", 5);
    if (begin && !ensure_connected(pc))
        return ERR_DB_UNAVAILABLE;
    PGresult *r = PQexec(pc->c, sql);
    if (begin && PQstatus(pc->c) == CONNECTION_BAD) {
        /*
         * A pooled connection that died while idle (PostgreSQL restarted)
         * shows only when used: nothing has started yet, so reconnect and
         * begin once more rather than fail the request.
         */
        PQclear(r);
        if (!ensure_connected(pc))
            return ERR_DB_UNAVAILABLE;
        r = PQexec(pc->c, sql);
    }
    enum err e = check_result(pc, r, sql);
    PQclear(r);
    return e;
}

static void *pg_prepare(void *h, const char *sql)
{
    struct pg_conn *pc = h;
    struct pg_stmt *s = xcalloc(1, sizeof *s);
    s->pc = pc;
    s->sql = xstrdup(sql);
    snprintf(s->name, sizeof s->name, "cj%u", ++pc->next_name);
    s->row = -1;
    /* Count the highest $n so every parameter slot exists. */
    for (const char *p = sql; *p; p++) {
        if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            int n = (int)strtol(p + 1, NULL, 10);
            if (n > s->nparams)
                s->nparams = n;
        }
    }
    if (s->nparams > MAX_PARAMS) {
        log_error("postgresql: too many parameters in %.80s", sql);
        free(s->sql);
        free(s);
        return NULL;
    }
    return s;
}

static void clear_binds(struct pg_stmt *s)
{
    for (int i = 0; i < MAX_PARAMS; i++) {
        free(s->values[i]);
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
        s->types[i] = 0;
    }
}

static void pg_reset(void *sv)
{
    struct pg_stmt *s = sv;
    PQclear(s->res);
    s->res = NULL;
    s->row = -1;
    s->nrows = 0;
    PQfreemem(s->blob);
    s->blob = NULL;
    clear_binds(s);
}

static void pg_finalize(void *sv)
{
    struct pg_stmt *s = sv;
    if (!s)
        return;
    pg_reset(s);
    free(s->sql);
    free(s);
}

static void bind(struct pg_stmt *s, int idx, char *value, int len, int format, unsigned type)
{
    if (idx < 1 || idx > MAX_PARAMS) {
        free(value);
        return;
    }
    free(s->values[idx - 1]);
    s->values[idx - 1] = value;
    s->lengths[idx - 1] = len;
    s->formats[idx - 1] = format;
    s->types[idx - 1] = type;
}

static void pg_bind_int64(void *sv, int idx, int64_t v)
{
    char *t = xasprintf("%lld", (long long)v);
    bind(sv, idx, t, 0, 0, OID_INT8);
}

static void pg_bind_text(void *sv, int idx, const char *v, size_t n)
{
    bind(sv, idx, xstrndup(v, n), 0, 0, OID_TEXT);
}

static void pg_bind_blob(void *sv, int idx, const void *p, size_t n)
{
    char *copy = xmalloc(n + 1);
    if (n)
        memcpy(copy, p, n);
    bind(sv, idx, copy, (int)n, 1, OID_BYTEA);
}

static void pg_bind_null(void *sv, int idx)
{
    bind(sv, idx, NULL, 0, 0, 0);
}

static enum db_step pg_step(void *sv)
{
    struct pg_stmt *s = sv;
    struct pg_conn *pc = s->pc;
    if (!s->res) {
        if (PQstatus(pc->c) != CONNECTION_OK) {
            pc->last_err = ERR_DB_UNAVAILABLE;
            return DB_FAIL;
        }
        if (s->prepared_gen != pc->generation) {
            PGresult *r = PQprepare(pc->c, s->name, s->sql, s->nparams, s->types);
            enum err e = check_result(pc, r, s->sql);
            PQclear(r);
            if (e != ERR_OK)
                return DB_FAIL;
            s->prepared_gen = pc->generation;
        }
        s->res = PQexecPrepared(pc->c, s->name, s->nparams, (const char *const *)s->values,
                                s->lengths, s->formats, 0);
        if (check_result(pc, s->res, s->sql) != ERR_OK) {
            PQclear(s->res);
            s->res = NULL;
            return DB_FAIL;
        }
        const char *ct = PQcmdTuples(s->res);
        pc->changes = ct && *ct ? strtoll(ct, NULL, 10) : 0;
        s->nrows = PQntuples(s->res);
        s->row = -1;
    }
    if (s->row + 1 < s->nrows) {
        s->row++;
        return DB_ROW;
    }
    s->row = s->nrows;
    return DB_DONE;
}

static bool pg_col_null(void *sv, int col)
{
    struct pg_stmt *s = sv;
    return !s->res || s->row < 0 || s->row >= s->nrows || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_col_int64(void *sv, int col)
{
    struct pg_stmt *s = sv;
    if (pg_col_null(s, col))
        return 0;
    const char *v = PQgetvalue(s->res, s->row, col);
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    if (v[0] == 'f' && v[1] == '\0')
        return 0;
    return (int64_t)strtoll(v, NULL, 10);
}

static const char *pg_col_text(void *sv, int col)
{
    struct pg_stmt *s = sv;
    if (pg_col_null(s, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

static const void *pg_col_blob(void *sv, int col, size_t *n)
{
    struct pg_stmt *s = sv;
    *n = 0;
    if (pg_col_null(s, col))
        return NULL;
    PQfreemem(s->blob);
    s->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(s->res, s->row, col), n);
    return s->blob;
}

static int pg_col_count(void *sv)
{
    struct pg_stmt *s = sv;
    return s->res ? PQnfields(s->res) : 0;
}

static const char *pg_col_name(void *sv, int col)
{
    struct pg_stmt *s = sv;
    return s->res ? PQfname(s->res, col) : NULL;
}

static enum db_type pg_col_type(void *sv, int col)
{
    struct pg_stmt *s = sv;
    if (pg_col_null(s, col))
        return DB_T_NULL;
    switch (PQftype(s->res, col)) {
    case 20: /* int8 */
    case 21: /* int2 */
    case 23: /* int4 */
    case 16: /* bool */
        return DB_T_INT;
    case OID_BYTEA:
        return DB_T_BLOB;
    default:
        return DB_T_TEXT;
    }
}

static int64_t pg_changes(void *h)
{
    return ((struct pg_conn *)h)->changes;
}

static enum err pg_last_err(void *h)
{
    return ((struct pg_conn *)h)->last_err;
}

static enum err pg_backup_to(void *h, const char *path, struct errinfo *info)
{
    (void)h;
    return err_set(info, ERR_INVALID, "db",
                   "for PostgreSQL use pg_basebackup or pg_dump (docs/deploy.md); %s not written",
                   path);
}

static enum err pg_check_durable(void *h, struct errinfo *info)
{
    struct pg_conn *pc = h;
    static const char *const settings[] = {"fsync", "synchronous_commit", "full_page_writes"};
    for (size_t i = 0; i < 3; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SHOW %s", settings[i]);
        PGresult *r = PQexec(pc->c, sql);
        enum err e = check_result(pc, r, sql);
        const char *v = e == ERR_OK && PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : NULL;
        bool off = v && (strcmp(v, "off") == 0 || strcmp(v, "local") == 0);
        if (i == 1)
            off = v && strcmp(v, "off") == 0;
        PQclear(r);
        if (e != ERR_OK)
            return err_set(info, e, "db", "cannot read PostgreSQL setting %s", settings[i]);
        if (off)
            return err_set(info, ERR_INVALID, "db",
                           "PostgreSQL has %s = off: committed data could be lost; refusing to "
                           "run",
                           settings[i]);
    }
    return ERR_OK;
}

static bool plain_channel(const char *ch)
{
    for (const char *p = ch; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
            return false;
    return *ch != '\0';
}

static enum err pg_notify(void *h, const char *channel)
{
    if (!plain_channel(channel))
        return ERR_INTERNAL;
    char sql[96];
    snprintf(sql, sizeof sql, "NOTIFY %s", channel);
    return pg_exec_script(h, sql);
}

static enum err pg_wait_notify(void *h, const char *channel, int timeout_ms, bool *notified)
{
    struct pg_conn *pc = h;
    *notified = false;
    if (!plain_channel(channel))
        return ERR_INTERNAL;
    if (!ensure_connected(pc)) {
        struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return ERR_DB_UNAVAILABLE;
    }
    if (!pc->listening) {
        char sql[96];
        snprintf(sql, sizeof sql, "LISTEN %s", channel);
        PGresult *r = PQexec(pc->c, sql);
        enum err e = check_result(pc, r, sql);
        PQclear(r);
        if (e != ERR_OK)
            return e;
        pc->listening = true;
    }
    struct pollfd pfd = {.fd = PQsocket(pc->c), .events = POLLIN};
    int rc = poll(&pfd, 1, timeout_ms);
    if (rc > 0) {
        if (!PQconsumeInput(pc->c)) {
            pc->listening = false;
            return ERR_DB_UNAVAILABLE;
        }
        PGnotify *n;
        while ((n = PQnotifies(pc->c)) != NULL) {
            *notified = true;
            PQfreemem(n);
        }
    }
    return ERR_OK;
}

const struct db_driver db_driver_pg = {
    .notify = pg_notify,
    .wait_notify = pg_wait_notify,
    .check_durable = pg_check_durable,
    .name = "postgresql",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .exec_script = pg_exec_script,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int64 = pg_col_int64,
    .col_text = pg_col_text,
    .col_blob = pg_col_blob,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .col_type = pg_col_type,
    .changes = pg_changes,
    .last_err = pg_last_err,
    .backup_to = pg_backup_to,
    .begin_write = "BEGIN ISOLATION LEVEL READ COMMITTED; "
                   "SELECT pg_advisory_xact_lock(" WRITE_LOCK_KEY ")",
    .defer_constraints = "SET CONSTRAINTS ALL DEFERRED",
    .begin_read = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
};
