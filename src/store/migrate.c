/*
 * Applies the embedded migrations (see migrate.h). The version table is
 * created outside the numbered files so that a fresh database and an old one
 * are handled the same way. Each migration runs with its row in
 * schema_migrations inside one write transaction: a crash leaves either both
 * or neither.
 */
#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/embedded.h"
#include "core/log.h"
#include "store/db.h"
#include "core/xalloc.h"

/* Version of "/0003_name.sql" or "/0003_name.pg.sql"; 0 when not a migration. */
static int file_version(const char *name, bool *is_pg)
{
    int v = 0;
    const char *p = name + 1;
    for (int i = 0; i < 4; i++, p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    size_t n = strlen(name);
    *is_pg = n > 7 && strcmp(name + n - 7, ".pg.sql") == 0;
    return v;
}

int migrate_latest(void)
{
    int latest = 0;
    for (size_t i = 0; i < embedded_migrations_count; i++) {
        bool pg;
        int v = file_version(embedded_migrations[i].name, &pg);
        if (v > latest)
            latest = v;
    }
    return latest;
}

/* The file for version v in this dialect: .pg.sql preferred for PostgreSQL. */
static const struct embedded_file *file_for(int v, bool want_pg)
{
    const struct embedded_file *generic = NULL;
    for (size_t i = 0; i < embedded_migrations_count; i++) {
        bool pg;
        if (file_version(embedded_migrations[i].name, &pg) != v)
            continue;
        if (pg && want_pg)
            return &embedded_migrations[i];
        if (!pg)
            generic = &embedded_migrations[i];
    }
    return generic;
}

static const char create_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                   "applied_at BIGINT NOT NULL)";

static int current_on(struct db_conn *c)
{
    if (db_exec_script(c, create_table) != ERR_OK)
        return -1;
    struct db_stmt *s = db_prepare(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!s)
        return -1;
    int v = -1;
    if (db_step(s) == DB_ROW)
        v = (int)db_col_int64(s, 0);
    db_finish(s);
    return v;
}

int migrate_current(struct db *db)
{
    struct db_conn *c = db_acquire(db);
    int v = current_on(c);
    db_release(c);
    return v;
}

enum err migrate_run(struct db *db, int *from, int *to, struct errinfo *info)
{
    struct db_conn *c = db_acquire(db);
    enum err e = ERR_OK;
    bool want_pg = strcmp(db_driver_name(db), "postgresql") == 0;
    int cur = current_on(c);
    int latest = migrate_latest();
    if (cur < 0) {
        e = err_set(info, ERR_DB_UNAVAILABLE, "db", "cannot read the schema version");
        goto out;
    }
    *from = cur;
    if (cur > latest) {
        e = err_set(info, ERR_INVALID, "db",
                    "database schema version %d is newer than this binary (%d); "
                    "upgrade cunjing",
                    cur, latest);
        goto out;
    }
    for (int v = cur + 1; v <= latest; v++) {
        const struct embedded_file *f = file_for(v, want_pg);
        if (!f) {
            e = err_set(info, ERR_INTERNAL, NULL, "migration %04d is missing", v);
            goto out;
        }
        if ((e = db_begin(c, true)) != ERR_OK)
            goto fail;
        if ((e = db_exec_script(c, (const char *)f->data)) != ERR_OK) {
            db_rollback(c);
            goto fail;
        }
        struct db_stmt *s = db_prepare(
            c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)");
        if (!s) {
            db_rollback(c);
            e = ERR_INTERNAL;
            goto fail;
        }
        db_bind_int64(s, 1, v);
        db_bind_text(s, 2, f->name + 1);
        db_bind_int64(s, 3, clock_now());
        enum db_step st = db_step(s);
        e = st == DB_DONE ? ERR_OK : db_stmt_err(s);
        db_finish(s);
        if (e != ERR_OK) {
            db_rollback(c);
            goto fail;
        }
        if ((e = db_commit(c)) != ERR_OK)
            goto fail;
        log_info("migrated to schema version %d (%s)", v, f->name + 1);
        cur = v;
    }
    *to = cur;
    goto out;
fail:
    err_set(info, e, "db", "migration %04d failed", cur + 1);
out:
    db_release(c);
    return e;
}
