/*
 * The storage interface. Everything above store/ reaches the database through
 * these functions; only store/ and the *_repo.c files include this header.
 *
 * Model:
 *   struct db       a database named by a URL ("sqlite:PATH"); owns a fixed
 *                   pool of connections. Thread-safe.
 *   struct db_conn  one connection, used by one thread at a time between
 *                   db_acquire() and db_release(). Caches its prepared
 *                   statements by SQL text.
 *   struct db_stmt  a prepared statement owned by its connection's cache:
 *                   never freed by callers; db_prepare() hands it back reset,
 *                   with its bindings cleared.
 * SQL is written once with $1..$n placeholders; each driver maps them to its
 * own syntax. An optional filter is bound as '' and tested with `$n = ''`,
 * never `$n IS NULL`: PostgreSQL cannot type a parameter first seen there. Dialect differences are
 * named driver functions, never `if (pg)` in a repository. Every value is bound; no SQL is built
 * from input.
 *
 * Errors: functions returning enum err map driver errors to ERR_CONFLICT
 * (unique/foreign key violation), ERR_BUSY (lock timeout), ERR_STORAGE_FULL,
 * ERR_READ_ONLY, ERR_DB_UNAVAILABLE or ERR_INTERNAL, and log the driver's
 * message once (it never reaches a client).
 */
#ifndef CUNJING_STORE_DB_H
#define CUNJING_STORE_DB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;
struct db_conn;
struct db_stmt;

/* db_step() results. */
enum db_step { DB_DONE = 0, DB_ROW = 1, DB_FAIL = -1 };

/*
 * Opens the database at url with pool_size connections (>= 1). For SQLite
 * the file is created when missing; create=false refuses a missing file.
 * Returns ERR_OK and *out, or an error with info->message set.
 */
enum err db_open(const char *url, int pool_size, bool create, struct db **out,
                 struct errinfo *info);
/* Closes every connection and frees db. Accepts NULL. */
void db_close(struct db *db);
/* "sqlite" or "postgresql". */
const char *db_driver_name(const struct db *db);
/* The file path of a SQLite database (borrowed), NULL for other drivers. */
const char *db_sqlite_path(const struct db *db);

/*
 * Refuses (ERR_INVALID, with the reason in info) a database server set up to
 * lose acknowledged commits: PostgreSQL with fsync, synchronous_commit or
 * full_page_writes off. SQLite connections always run synchronous=FULL.
 */
enum err db_check_durable(struct db *db, struct errinfo *info);

/*
 * Group commit. Once started, writes go to one writer thread with a
 * connection of its own: it takes the write jobs of concurrent requests,
 * runs each under its own SAVEPOINT inside one transaction (a failing job is
 * rolled back alone), commits once, and only then lets each job return - so
 * durable writes cost one fsync per batch instead of one per request.
 */
typedef enum err (*db_job_fn)(struct db_conn *c, void *arg);
enum err db_group_commit_start(struct db *db, struct errinfo *info);
bool db_group_commit_on(const struct db *db);
/* Runs fn in the writer's next batch: fn's own error, or the commit's. */
enum err db_write_job(struct db *db, db_job_fn fn, void *arg);

/* Takes a free connection, waiting for one. Never NULL. */
struct db_conn *db_acquire(struct db *db);
/* Gives it back; an open transaction is rolled back first. */
void db_release(struct db_conn *c);

/* write=true takes the write lock at once (SQLite BEGIN IMMEDIATE). */
enum err db_begin(struct db_conn *c, bool write);
/* Commits durably; on failure the transaction is rolled back. */
enum err db_commit(struct db_conn *c);
void db_rollback(struct db_conn *c);
bool db_in_tx(const struct db_conn *c);
/* Savepoints, for a part of a transaction that may fail alone. */
enum err db_savepoint(struct db_conn *c, const char *name);
enum err db_savepoint_release(struct db_conn *c, const char *name);
void db_savepoint_rollback(struct db_conn *c, const char *name);

/* The statement that defers foreign-key checks to the commit (bulk copies). */
const char *db_defer_constraints_sql(const struct db *db);

/*
 * Signals other server instances on the same database that something was
 * written on channel (delivered when the transaction commits; PostgreSQL
 * NOTIFY). A no-op on SQLite, where one process owns the file.
 */
enum err db_notify(struct db_conn *c, const char *channel);
/*
 * Waits up to timeout_ms for a notification on channel from any instance.
 * *notified tells whether one came. On SQLite it only sleeps. Uses a
 * connection of its own, outside the pool; one waiter per db.
 */
enum err db_wait_notify(struct db *db, const char *channel, int timeout_ms, bool *notified);

/* Runs a script of several statements without parameters (migrations). */
enum err db_exec_script(struct db_conn *c, const char *sql);

/* Prepares (or takes from the cache) sql; NULL on a syntax error (logged). */
struct db_stmt *db_prepare(struct db_conn *c, const char *sql);
/* Bindings are 1-based ($1 is index 1). Text and blobs are copied. */
void db_bind_int64(struct db_stmt *s, int idx, int64_t v);
void db_bind_text(struct db_stmt *s, int idx, const char *v); /* NULL binds NULL */
void db_bind_textn(struct db_stmt *s, int idx, const char *v, size_t n);
void db_bind_blob(struct db_stmt *s, int idx, const void *p, size_t n);
void db_bind_null(struct db_stmt *s, int idx);
/* Runs the statement / moves to the next row. */
enum db_step db_step(struct db_stmt *s);
/* Resets the statement so it can be prepared again; always call when done. */
void db_finish(struct db_stmt *s);
/* The error of the last failed call on the statement's connection. */
enum err db_stmt_err(struct db_stmt *s);
/* Rows changed by the last INSERT/UPDATE/DELETE on the statement. */
int64_t db_changes(struct db_stmt *s);

/* Kinds of column values (for generic copies). */
enum db_type { DB_T_NULL, DB_T_INT, DB_T_TEXT, DB_T_BLOB };

/* Number of result columns, their names and the kind of the current value. */
int db_col_count(struct db_stmt *s);
const char *db_col_name(struct db_stmt *s, int col);
enum db_type db_col_type(struct db_stmt *s, int col);

/* Column accessors (0-based), valid until the next step or finish. */
bool db_col_null(struct db_stmt *s, int col);
int64_t db_col_int64(struct db_stmt *s, int col);
/* Borrowed; NULL for SQL NULL. */
const char *db_col_text(struct db_stmt *s, int col);
/* Borrowed; *n gets the length. */
const void *db_col_blob(struct db_stmt *s, int col, size_t *n);

/*
 * Helpers for the common one-statement case. db_exec1: prepare, run to
 * completion, finish; returns ERR_OK or the statement's error.
 */
enum err db_exec_simple(struct db_conn *c, const char *sql);

/*
 * Copies the whole database, consistently and while others write, into a
 * new SQLite file at path (the backup format of every driver).
 */
enum err db_backup_to(struct db *db, const char *path, struct errinfo *info);

#endif
