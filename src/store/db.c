/*
 * The driver-independent half of store/: the connection pool, the per
 * connection statement cache, transactions and savepoints, and dispatch to
 * the driver that the URL names.
 *
 * THREAD SAFETY: struct db is shared by all threads; its pool is guarded by
 * db->mu and db->cv. A struct db_conn and its statements belong to the one
 * thread that acquired it until db_release().
 */
#include "store/db_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "core/xalloc.h"

#define STMT_CACHE 256

struct db_stmt {
    struct db_conn *conn;
    const char *key; /* the caller's SQL pointer */
    char *sql;       /* our copy, to tell apart equal pointers of freed strings */
    void *h;         /* driver statement */
};

struct db_conn {
    struct db *db;
    void *h; /* driver connection */
    bool in_tx;
    bool busy; /* handed out */
    size_t n_stmts;
    struct db_stmt *stmts[STMT_CACHE];
};

struct db {
    const struct db_driver *drv;
    char *target; /* driver-specific part of the URL */
    char *sqlite_path;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int n_conns;
    struct db_conn *conns;
    char *url;             /* the whole URL, for the listener's own connection */
    void *listener;        /* driver connection of db_wait_notify, opened on first use */
    struct writer *writer; /* group commit, when started */
};

/* One queued write and its outcome (lives on the caller's stack). */
struct job {
    db_job_fn fn;
    void *arg;
    enum err result;
    bool done;
    struct job *next;
};

#define BATCH_MAX 128

struct writer {
    struct db_conn conn; /* the writer's own connection */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t jobs_cv; /* a job was queued, or stop */
    pthread_cond_t done_cv; /* a batch finished */
    struct job *head, *tail;
    bool stop;
};

static const struct db_driver *driver_for(const char *url, const char **target)
{
    if (strncmp(url, "sqlite:", 7) == 0) {
        *target = url + 7;
        return &db_driver_sqlite;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        *target = url;
        return &db_driver_pg;
    }
    return NULL;
}

enum err db_open(const char *url, int pool_size, bool create, struct db **out, struct errinfo *info)
{
    const char *target = NULL;
    const struct db_driver *drv = driver_for(url, &target);
    if (!drv)
        return err_set(
            info, ERR_INVALID, "db",
            "unsupported database URL (expected sqlite:PATH or postgresql://...): %.24s...", url);
    if (!*target)
        return err_set(info, ERR_INVALID, "db", "empty database path");
    if (pool_size < 1)
        pool_size = 1;
    struct db *db = xcalloc(1, sizeof *db);
    db->drv = drv;
    db->target = xstrdup(target);
    db->url = xstrdup(url);
    if (drv == &db_driver_sqlite)
        db->sqlite_path = xstrdup(target);
    pthread_mutex_init(&db->mu, NULL);
    pthread_cond_init(&db->cv, NULL);
    db->conns = xcalloc((size_t)pool_size, sizeof *db->conns);
    for (int i = 0; i < pool_size; i++) {
        db->conns[i].db = db;
        db->conns[i].h = drv->connect(target, create && i == 0, info);
        if (!db->conns[i].h) {
            db->n_conns = i;
            db_close(db);
            return ERR_DB_UNAVAILABLE;
        }
        db->n_conns = i + 1;
    }
    *out = db;
    return ERR_OK;
}

static void writer_stop(struct db *db);
static void conn_free_stmts(struct db_conn *c);

void db_close(struct db *db)
{
    if (!db)
        return;
    writer_stop(db);
    for (int i = 0; i < db->n_conns; i++) {
        struct db_conn *c = &db->conns[i];
        for (size_t k = 0; k < c->n_stmts; k++) {
            db->drv->finalize(c->stmts[k]->h);
            free(c->stmts[k]->sql);
            free(c->stmts[k]);
        }
        db->drv->disconnect(c->h);
    }
    free(db->conns);
    if (db->listener)
        db->drv->disconnect(db->listener);
    free(db->url);
    pthread_mutex_destroy(&db->mu);
    pthread_cond_destroy(&db->cv);
    free(db->target);
    free(db->sqlite_path);
    free(db);
}

const char *db_driver_name(const struct db *db)
{
    return db->drv->name;
}

const char *db_sqlite_path(const struct db *db)
{
    return db->sqlite_path;
}

struct db_conn *db_acquire(struct db *db)
{
    pthread_mutex_lock(&db->mu);
    for (;;) {
        for (int i = 0; i < db->n_conns; i++) {
            if (!db->conns[i].busy) {
                db->conns[i].busy = true;
                pthread_mutex_unlock(&db->mu);
                return &db->conns[i];
            }
        }
        pthread_cond_wait(&db->cv, &db->mu);
    }
}

void db_release(struct db_conn *c)
{
    if (!c)
        return;
    if (c->in_tx)
        db_rollback(c);
    struct db *db = c->db;
    pthread_mutex_lock(&db->mu);
    c->busy = false;
    pthread_cond_signal(&db->cv);
    pthread_mutex_unlock(&db->mu);
}

enum err db_exec_simple(struct db_conn *c, const char *sql)
{
    enum err e = c->db->drv->exec_script(c->h, sql);
    return e;
}

enum err db_begin(struct db_conn *c, bool write)
{
    if (c->in_tx) {
        log_error("db: nested transaction");
        return ERR_INTERNAL;
    }
    const struct db_driver *d = c->db->drv;
    enum err e = d->exec_script(c->h, write ? d->begin_write : d->begin_read);
    if (e == ERR_OK)
        c->in_tx = true;
    return e;
}

enum err db_commit(struct db_conn *c)
{
    if (!c->in_tx)
        return ERR_INTERNAL;
    enum err e = c->db->drv->exec_script(c->h, "COMMIT");
    if (e != ERR_OK) {
        db_rollback(c);
        return e;
    }
    c->in_tx = false;
    return ERR_OK;
}

void db_rollback(struct db_conn *c)
{
    if (!c->in_tx)
        return;
    /* Statements still stepping would keep the transaction open. */
    for (size_t k = 0; k < c->n_stmts; k++)
        c->db->drv->reset(c->stmts[k]->h);
    c->db->drv->exec_script(c->h, "ROLLBACK");
    c->in_tx = false;
}

bool db_in_tx(const struct db_conn *c)
{
    return c->in_tx;
}

static bool safe_name(const char *name)
{
    if (!*name || strlen(name) > 32)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

enum err db_savepoint(struct db_conn *c, const char *name)
{
    char sql[64];
    if (!safe_name(name))
        return ERR_INTERNAL;
    snprintf(sql, sizeof sql, "SAVEPOINT %s", name);
    return c->db->drv->exec_script(c->h, sql);
}

enum err db_savepoint_release(struct db_conn *c, const char *name)
{
    char sql[64];
    if (!safe_name(name))
        return ERR_INTERNAL;
    snprintf(sql, sizeof sql, "RELEASE SAVEPOINT %s", name);
    return c->db->drv->exec_script(c->h, sql);
}

void db_savepoint_rollback(struct db_conn *c, const char *name)
{
    char sql[80];
    if (!safe_name(name))
        return;
    /* A statement the failed part left stepping would hold the savepoint. */
    for (size_t k = 0; k < c->n_stmts; k++)
        c->db->drv->reset(c->stmts[k]->h);
    snprintf(sql, sizeof sql, "ROLLBACK TO SAVEPOINT %s", name);
    c->db->drv->exec_script(c->h, sql);
    snprintf(sql, sizeof sql, "RELEASE SAVEPOINT %s", name);
    c->db->drv->exec_script(c->h, sql);
}

const char *db_defer_constraints_sql(const struct db *db)
{
    return db->drv->defer_constraints;
}

enum err db_notify(struct db_conn *c, const char *channel)
{
    if (!c->db->drv->notify)
        return ERR_OK;
    return c->db->drv->notify(c->h, channel);
}

enum err db_wait_notify(struct db *db, const char *channel, int timeout_ms, bool *notified)
{
    *notified = false;
    if (!db->drv->wait_notify) {
        struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        return ERR_OK;
    }
    if (!db->listener) {
        struct errinfo info;
        db->listener = db->drv->connect(db->target, false, &info);
        if (!db->listener) {
            struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
            return ERR_DB_UNAVAILABLE;
        }
    }
    return db->drv->wait_notify(db->listener, channel, timeout_ms, notified);
}

enum err db_exec_script(struct db_conn *c, const char *sql)
{
    return c->db->drv->exec_script(c->h, sql);
}

struct db_stmt *db_prepare(struct db_conn *c, const char *sql)
{
    for (size_t k = 0; k < c->n_stmts; k++) {
        struct db_stmt *s = c->stmts[k];
        if (s->key == sql && strcmp(s->sql, sql) == 0) {
            c->db->drv->reset(s->h);
            return s;
        }
    }
    void *h = c->db->drv->prepare(c->h, sql);
    if (!h)
        return NULL;
    struct db_stmt *s = xcalloc(1, sizeof *s);
    s->conn = c;
    s->key = sql;
    s->sql = xstrdup(sql);
    s->h = h;
    if (c->n_stmts == STMT_CACHE) {
        /* Evict the oldest entry: the cache only saves preparation time. */
        struct db_stmt *old = c->stmts[0];
        c->db->drv->finalize(old->h);
        free(old->sql);
        free(old);
        memmove(&c->stmts[0], &c->stmts[1], (STMT_CACHE - 1) * sizeof c->stmts[0]);
        c->n_stmts--;
    }
    c->stmts[c->n_stmts++] = s;
    return s;
}

void db_bind_int64(struct db_stmt *s, int idx, int64_t v)
{
    s->conn->db->drv->bind_int64(s->h, idx, v);
}

void db_bind_text(struct db_stmt *s, int idx, const char *v)
{
    if (!v)
        s->conn->db->drv->bind_null(s->h, idx);
    else
        s->conn->db->drv->bind_text(s->h, idx, v, strlen(v));
}

void db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t n)
{
    s->conn->db->drv->bind_text(s->h, idx, v, n);
}

void db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n)
{
    s->conn->db->drv->bind_blob(s->h, idx, p, n);
}

void db_bind_null(struct db_stmt *s, int idx)
{
    s->conn->db->drv->bind_null(s->h, idx);
}

enum db_step db_step(struct db_stmt *s)
{
    return s->conn->db->drv->step(s->h);
}

void db_finish(struct db_stmt *s)
{
    if (s)
        s->conn->db->drv->reset(s->h);
}

enum err db_stmt_err(struct db_stmt *s)
{
    return s->conn->db->drv->last_err(s->conn->h);
}

int64_t db_changes(struct db_stmt *s)
{
    return s->conn->db->drv->changes(s->conn->h);
}

int db_col_count(struct db_stmt *s)
{
    return s->conn->db->drv->col_count(s->h);
}

const char *db_col_name(struct db_stmt *s, int col)
{
    return s->conn->db->drv->col_name(s->h, col);
}

enum db_type db_col_type(struct db_stmt *s, int col)
{
    return s->conn->db->drv->col_type(s->h, col);
}

bool db_col_null(struct db_stmt *s, int col)
{
    return s->conn->db->drv->col_null(s->h, col);
}

int64_t db_col_int64(struct db_stmt *s, int col)
{
    return s->conn->db->drv->col_int64(s->h, col);
}

const char *db_col_text(struct db_stmt *s, int col)
{
    return s->conn->db->drv->col_text(s->h, col);
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *n)
{
    return s->conn->db->drv->col_blob(s->h, col, n);
}

enum err db_check_durable(struct db *db, struct errinfo *info)
{
    if (!db->drv->check_durable)
        return ERR_OK;
    struct db_conn *c = db_acquire(db);
    enum err e = db->drv->check_durable(c->h, info);
    db_release(c);
    return e;
}

enum err db_backup_to(struct db *db, const char *path, struct errinfo *info)
{
    struct db_conn *c = db_acquire(db);
    enum err e = db->drv->backup_to(c->h, path, info);
    db_release(c);
    return e;
}

/* --- group commit ---------------------------------------------------------- */

static void conn_free_stmts(struct db_conn *c)
{
    for (size_t k = 0; k < c->n_stmts; k++) {
        c->db->drv->finalize(c->stmts[k]->h);
        free(c->stmts[k]->sql);
        free(c->stmts[k]);
    }
    c->n_stmts = 0;
}

/* Runs one batch: one transaction, a savepoint per job, one commit. */
static void run_batch(struct writer *w, struct job *jobs)
{
    struct db_conn *c = &w->conn;
    enum err e = ERR_BUSY;
    for (int attempt = 0; attempt < 5 && e == ERR_BUSY; attempt++) {
        if (attempt) {
            struct timespec ts = {0, 20 * 1000 * 1000L * attempt};
            nanosleep(&ts, NULL);
        }
        e = db_begin(c, true);
    }
    if (e != ERR_OK) {
        for (struct job *j = jobs; j; j = j->next)
            j->result = e;
        return;
    }
    for (struct job *j = jobs; j; j = j->next) {
        if (db_savepoint(c, "job") != ERR_OK) {
            j->result = ERR_INTERNAL;
            continue;
        }
        j->result = j->fn(c, j->arg);
        if (j->result == ERR_OK)
            j->result = db_savepoint_release(c, "job");
        else
            db_savepoint_rollback(c, "job");
    }
    e = db_commit(c);
    if (e != ERR_OK)
        for (struct job *j = jobs; j; j = j->next)
            if (j->result == ERR_OK)
                j->result = e;
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->jobs_cv, &w->mu);
        if (!w->head && w->stop)
            break;
        /* Take up to BATCH_MAX jobs: everything that queued while the last batch ran. */
        struct job *batch = w->head, *last = w->head;
        int n = 1;
        while (last->next && n < BATCH_MAX) {
            last = last->next;
            n++;
        }
        w->head = last->next;
        if (!w->head)
            w->tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&w->mu);
        run_batch(w, batch);
        pthread_mutex_lock(&w->mu);
        for (struct job *j = batch; j;) {
            struct job *next = j->next;
            j->done = true; /* j may be gone once the lock is released */
            j = next;
        }
        pthread_cond_broadcast(&w->done_cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

enum err db_group_commit_start(struct db *db, struct errinfo *info)
{
    if (db->writer)
        return ERR_OK;
    struct writer *w = xcalloc(1, sizeof *w);
    w->conn.db = db;
    w->conn.h = db->drv->connect(db->target, false, info);
    if (!w->conn.h) {
        free(w);
        return ERR_DB_UNAVAILABLE;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->jobs_cv, NULL);
    pthread_cond_init(&w->done_cv, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        db->drv->disconnect(w->conn.h);
        free(w);
        return err_set(info, ERR_INTERNAL, NULL, "cannot start the writer thread");
    }
    db->writer = w;
    return ERR_OK;
}

bool db_group_commit_on(const struct db *db)
{
    return db->writer != NULL;
}

enum err db_write_job(struct db *db, db_job_fn fn, void *arg)
{
    struct writer *w = db->writer;
    struct job j = {fn, arg, ERR_OK, false, NULL};
    pthread_mutex_lock(&w->mu);
    if (w->tail)
        w->tail->next = &j;
    else
        w->head = &j;
    w->tail = &j;
    pthread_cond_signal(&w->jobs_cv);
    while (!j.done)
        pthread_cond_wait(&w->done_cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    return j.result;
}

static void writer_stop(struct db *db)
{
    struct writer *w = db->writer;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->jobs_cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (w->conn.in_tx)
        db_rollback(&w->conn);
    conn_free_stmts(&w->conn);
    db->drv->disconnect(w->conn.h);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->jobs_cv);
    pthread_cond_destroy(&w->done_cv);
    free(w);
    db->writer = NULL;
}
