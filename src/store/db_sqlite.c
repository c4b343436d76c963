/*
 * The SQLite driver: one sqlite3 handle per pooled connection, opened in WAL
 * mode with synchronous=FULL (a commit is on disk before it returns),
 * foreign keys on and a busy timeout, so that concurrent writers queue
 * instead of failing. Placeholders $n are rewritten to ?n at prepare time.
 * Backups use the online backup API: consistent while others write.
 */
#include "store/db_int.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/xalloc.h"

#define BUSY_TIMEOUT_MS 10000

struct sq_conn {
    sqlite3 *db;
    int last_rc;
};

struct sq_stmt {
    struct sq_conn *c;
    sqlite3_stmt *st;
};

static enum err map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE:
    case SQLITE_ROW:
        return ERR_OK;
    case SQLITE_CONSTRAINT:
        return ERR_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ERR_BUSY;
    case SQLITE_FULL:
        return ERR_STORAGE_FULL;
    case SQLITE_READONLY:
        return ERR_READ_ONLY;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
        return ERR_DB_UNAVAILABLE;
    default:
        return ERR_INTERNAL;
    }
}

static void *sq_connect(const char *path, bool create, struct errinfo *info)
{
    sqlite3 *h = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (create)
        flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        err_set(info, ERR_DB_UNAVAILABLE, "db", "cannot open database %s: %s", path,
                h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
    static const char *const pragmas = "PRAGMA journal_mode=WAL;"
                                       "PRAGMA synchronous=FULL;"
                                       "PRAGMA foreign_keys=ON;"
                                       "PRAGMA trusted_schema=OFF;"
                                       "PRAGMA secure_delete=ON;";
    char *msg = NULL;
    rc = sqlite3_exec(h, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(info, ERR_DB_UNAVAILABLE, "db", "cannot use database %s: %s", path,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(h);
        return NULL;
    }
    if (create)
        chmod(path, 0600);
    struct sq_conn *c = xcalloc(1, sizeof *c);
    c->db = h;
    return c;
}

static void sq_disconnect(void *hv)
{
    struct sq_conn *c = hv;
    if (!c)
        return;
    sqlite3_close_v2(c->db);
    free(c);
}

static enum err sq_exec_script(void *hv, const char *sql)
{
    struct sq_conn *c = hv;
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    c->last_rc = rc;
    if (rc != SQLITE_OK) {
        log_error("sqlite: %s (in: %.80s)", msg ? msg : sqlite3_errstr(rc), sql);
        sqlite3_free(msg);
        return map_rc(rc);
    }
    return ERR_OK;
}

/* "$12" -> "?12" outside string literals and quoted identifiers. */
static char *rewrite_placeholders(const char *sql)
{
    char *out = xstrdup(sql);
    char quote = 0;
    for (char *p = out; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
            *p = '?';
        }
    }
    return out;
}

static void *sq_prepare(void *hv, const char *sql)
{
    struct sq_conn *c = hv;
    char *q = rewrite_placeholders(sql);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(c->db, q, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    c->last_rc = rc;
    if (rc != SQLITE_OK) {
        log_error("sqlite: prepare failed: %s (in: %.120s)", sqlite3_errmsg(c->db), q);
        free(q);
        return NULL;
    }
    free(q);
    struct sq_stmt *s = xcalloc(1, sizeof *s);
    s->c = c;
    s->st = st;
    return s;
}

static void sq_finalize(void *sv)
{
    struct sq_stmt *s = sv;
    if (!s)
        return;
    sqlite3_finalize(s->st);
    free(s);
}

static void sq_reset(void *sv)
{
    struct sq_stmt *s = sv;
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
}

static void sq_bind_int64(void *sv, int idx, int64_t v)
{
    struct sq_stmt *s = sv;
    sqlite3_bind_int64(s->st, idx, (sqlite3_int64)v);
}

static void sq_bind_text(void *sv, int idx, const char *v, size_t n)
{
    struct sq_stmt *s = sv;
    sqlite3_bind_text64(s->st, idx, v, (sqlite3_uint64)n, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void sq_bind_blob(void *sv, int idx, const void *p, size_t n)
{
    struct sq_stmt *s = sv;
    sqlite3_bind_blob64(s->st, idx, p, (sqlite3_uint64)n, SQLITE_TRANSIENT);
}

static void sq_bind_null(void *sv, int idx)
{
    struct sq_stmt *s = sv;
    sqlite3_bind_null(s->st, idx);
}

static enum db_step sq_step(void *sv)
{
    struct sq_stmt *s = sv;
    int rc = sqlite3_step(s->st);
    s->c->last_rc = rc;
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    if ((rc & 0xff) != SQLITE_CONSTRAINT)
        log_error("sqlite: step failed: %s (in: %.120s)", sqlite3_errmsg(s->c->db),
                  sqlite3_sql(s->st));
    return DB_FAIL;
}

static bool sq_col_null(void *sv, int col)
{
    struct sq_stmt *s = sv;
    return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int64(void *sv, int col)
{
    struct sq_stmt *s = sv;
    return (int64_t)sqlite3_column_int64(s->st, col);
}

static const char *sq_col_text(void *sv, int col)
{
    struct sq_stmt *s = sv;
    return (const char *)sqlite3_column_text(s->st, col);
}

static const void *sq_col_blob(void *sv, int col, size_t *n)
{
    struct sq_stmt *s = sv;
    const void *p = sqlite3_column_blob(s->st, col);
    *n = (size_t)sqlite3_column_bytes(s->st, col);
    return p;
}

static int sq_col_count(void *sv)
{
    return sqlite3_column_count(((struct sq_stmt *)sv)->st);
}

static const char *sq_col_name(void *sv, int col)
{
    return sqlite3_column_name(((struct sq_stmt *)sv)->st, col);
}

static enum db_type sq_col_type(void *sv, int col)
{
    switch (sqlite3_column_type(((struct sq_stmt *)sv)->st, col)) {
    case SQLITE_INTEGER:
        return DB_T_INT;
    case SQLITE_BLOB:
        return DB_T_BLOB;
    case SQLITE_NULL:
        return DB_T_NULL;
    default:
        return DB_T_TEXT;
    }
}

static int64_t sq_changes(void *hv)
{
    struct sq_conn *c = hv;
    return (int64_t)sqlite3_changes64(c->db);
}

static enum err sq_last_err(void *hv)
{
    struct sq_conn *c = hv;
    return map_rc(c->last_rc);
}

static enum err sq_backup_to(void *hv, const char *path, struct errinfo *info)
{
    struct sq_conn *c = hv;
    if (access(path, F_OK) == 0)
        return err_set(info, ERR_INVALID, "out", "%s exists; refusing to overwrite it", path);
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(dst);
        return err_set(info, ERR_INVALID, "out", "cannot create %s", path);
    }
    chmod(path, 0600);
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", c->db, "main");
    if (!b) {
        err_set(info, ERR_INTERNAL, NULL, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        unlink(path);
        return ERR_INTERNAL;
    }
    /* Copy in steps so writers are not held up for the whole copy. */
    do {
        rc = sqlite3_backup_step(b, 256);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    enum err e = ERR_OK;
    if (rc != SQLITE_DONE) {
        e = err_set(info, map_rc(rc), NULL, "backup failed: %s", sqlite3_errstr(rc));
    } else {
        /* A backup is a single file: leave rollback-journal mode. */
        sqlite3_exec(dst, "PRAGMA journal_mode=DELETE;", NULL, NULL, NULL);
    }
    sqlite3_close(dst);
    if (e != ERR_OK)
        unlink(path);
    return e;
}

const struct db_driver db_driver_sqlite = {
    .name = "sqlite",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .exec_script = sq_exec_script,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .reset = sq_reset,
    .bind_int64 = sq_bind_int64,
    .bind_text = sq_bind_text,
    .bind_blob = sq_bind_blob,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_null = sq_col_null,
    .col_int64 = sq_col_int64,
    .col_text = sq_col_text,
    .col_blob = sq_col_blob,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .col_type = sq_col_type,
    .changes = sq_changes,
    .last_err = sq_last_err,
    .backup_to = sq_backup_to,
    .begin_write = "BEGIN IMMEDIATE",
    .defer_constraints = "PRAGMA defer_foreign_keys = ON",
    .begin_read = "BEGIN",
};
