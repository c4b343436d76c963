/*
 * Internals shared by db.c (pool, statement cache, dispatch) and the drivers
 * (db_sqlite.c; db_pg.c). A driver fills struct db_driver with designated
 * initialisers; handles are opaque to db.c.
 */
#ifndef CUNJING_STORE_DB_INT_H
#define CUNJING_STORE_DB_INT_H
#include "store/db.h"

struct db_driver {
    const char *name;
    /* Opens one connection to target (the URL without its scheme for SQLite). */
    void *(*connect)(const char *target, bool create, struct errinfo *info);
    void (*disconnect)(void *h);
    enum err (*exec_script)(void *h, const char *sql);
    void *(*prepare)(void *h, const char *sql); /* NULL on error (logged) */
    void (*finalize)(void *st);
    void (*reset)(void *st); /* reset and clear bindings */
    void (*bind_int64)(void *st, int idx, int64_t v);
    void (*bind_text)(void *st, int idx, const char *v, size_t n);
    void (*bind_blob)(void *st, int idx, const void *p, size_t n);
    void (*bind_null)(void *st, int idx);
    enum db_step (*step)(void *st);
    bool (*col_null)(void *st, int col);
    int64_t (*col_int64)(void *st, int col);
    const char *(*col_text)(void *st, int col);
    const void *(*col_blob)(void *st, int col, size_t *n);
    int (*col_count)(void *st);
    const char *(*col_name)(void *st, int col);
    enum db_type (*col_type)(void *st, int col);
    int64_t (*changes)(void *h);
    enum err (*last_err)(void *h);
    enum err (*backup_to)(void *h, const char *path, struct errinfo *info);
    /* Refuses a server configured to lose committed data (fsync off...). */
    enum err (*check_durable)(void *h, struct errinfo *info);
    /* NOTIFY inside the open transaction (NULL: nothing to do). */
    enum err (*notify)(void *h, const char *channel);
    /* Waits on a dedicated connection (NULL: sleep). */
    enum err (*wait_notify)(void *h, const char *channel, int timeout_ms, bool *notified);
    const char *begin_write; /* SQL that opens a write transaction */
    const char *begin_read;
    const char *defer_constraints; /* foreign keys checked at commit, for bulk copies */
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

#endif
