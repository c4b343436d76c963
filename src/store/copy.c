/*
 * The generic table copy behind `cunjing migrate-db`. Table names come from
 * the source's own catalogue and are checked to be plain identifiers before
 * they are written into SQL (identifiers cannot be bound); every value is
 * bound. Foreign keys are deferred to the commit, so rows load in any order.
 */
#include "store/copy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "store/db.h"
#include "core/xalloc.h"

static bool plain_ident(const char *s)
{
    if (!s || !*s || strlen(s) > 63)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || *p == '_' || (*p >= '0' && *p <= '9')))
            return false;
    return true;
}

static enum err list_tables(struct db_conn *c, struct copy_report *rep, struct errinfo *info)
{
    struct db_stmt *s = db_prepare(c, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                      "AND name NOT LIKE 'sqlite_%' "
                                      "AND name <> 'schema_migrations' ORDER BY name");
    if (!s)
        return err_set(info, ERR_INVALID, "from", "the source is not a SQLite database");
    enum db_step st;
    rep->n = 0;
    while ((st = db_step(s)) == DB_ROW) {
        const char *name = db_col_text(s, 0);
        if (!plain_ident(name) || rep->n == COPY_MAX_TABLES) {
            db_finish(s);
            return err_set(info, ERR_INVALID, "from", "unexpected table %.40s in the source",
                           name ? name : "");
        }
        snprintf(rep->tables[rep->n].name, sizeof rep->tables[0].name, "%s", name);
        rep->n++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

static enum err count_rows(struct db_conn *c, const char *table, int64_t *n)
{
    char *sql = xasprintf("SELECT COUNT(*) FROM %s", table);
    struct db_stmt *s = db_prepare(c, sql);
    enum err e = ERR_INTERNAL;
    if (s) {
        enum db_step st = db_step(s);
        *n = st == DB_ROW ? db_col_int64(s, 0) : 0;
        e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
        db_finish(s);
    }
    free(sql);
    return e;
}

/* Copies the rows of one table inside the target's open transaction. */
static enum err copy_table(struct db_conn *sc, struct db_conn *dc, const char *table,
                           int64_t *copied)
{
    char *sel = xasprintf("SELECT * FROM %s", table);
    struct db_stmt *s = db_prepare(sc, sel);
    free(sel);
    if (!s)
        return ERR_INTERNAL;
    char *ins = NULL;
    enum err e = ERR_OK;
    enum db_step st;
    *copied = 0;
    while ((st = db_step(s)) == DB_ROW) {
        int ncol = db_col_count(s);
        if (!ins) {
            struct buf b;
            buf_init(&b, 64 * 1024);
            buf_printf(&b, "INSERT INTO %s (", table);
            for (int i = 0; i < ncol; i++) {
                if (!plain_ident(db_col_name(s, i))) {
                    buf_release(&b);
                    db_finish(s);
                    return ERR_INTERNAL;
                }
                buf_printf(&b, "%s%s", i ? ", " : "", db_col_name(s, i));
            }
            buf_puts(&b, ") VALUES (");
            for (int i = 0; i < ncol; i++)
                buf_printf(&b, "%s$%d", i ? ", " : "", i + 1);
            buf_puts(&b, ")");
            ins = buf_detach(&b, NULL);
        }
        struct db_stmt *d = db_prepare(dc, ins);
        if (!d) {
            e = ERR_INTERNAL;
            break;
        }
        for (int i = 0; i < ncol; i++) {
            size_t n;
            const void *p;
            switch (db_col_type(s, i)) {
            case DB_T_NULL:
                db_bind_null(d, i + 1);
                break;
            case DB_T_INT:
                db_bind_int64(d, i + 1, db_col_int64(s, i));
                break;
            case DB_T_BLOB:
                p = db_col_blob(s, i, &n);
                db_bind_blob(d, i + 1, p, n);
                break;
            case DB_T_TEXT:
                db_bind_text(d, i + 1, db_col_text(s, i));
                break;
            }
        }
        e = db_step(d) == DB_DONE ? ERR_OK : db_stmt_err(d);
        db_finish(d);
        if (e != ERR_OK)
            break;
        (*copied)++;
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    free(ins);
    return e;
}

enum err db_copy_all(struct db *src, struct db *dst, struct copy_report *rep, struct errinfo *info)
{
    struct db_conn *sc = db_acquire(src);
    struct db_conn *dc = db_acquire(dst);
    enum err e = db_begin(sc, false);
    if (e == ERR_OK)
        e = list_tables(sc, rep, info);
    if (e == ERR_OK)
        e = db_begin(dc, true);
    for (size_t i = 0; e == ERR_OK && i < rep->n; i++) {
        int64_t n = 0;
        e = count_rows(dc, rep->tables[i].name, &n);
        if (e == ERR_OK && n > 0)
            e = err_set(info, ERR_INVALID, "to",
                        "the target is not empty (table %s has rows); refusing to copy",
                        rep->tables[i].name);
    }
    if (e == ERR_OK)
        e = db_exec_script(dc, db_defer_constraints_sql(dst));
    for (size_t i = 0; e == ERR_OK && i < rep->n; i++) {
        e = copy_table(sc, dc, rep->tables[i].name, &rep->tables[i].source_rows);
        if (e != ERR_OK && !info->message[0])
            err_set(info, e, "to", "copying table %s failed", rep->tables[i].name);
    }
    if (e == ERR_OK)
        e = db_commit(dc);
    else
        db_rollback(dc);
    db_rollback(sc);
    /* Count again on both sides, outside the copy. */
    for (size_t i = 0; e == ERR_OK && i < rep->n; i++) {
        int64_t a = 0, b = 0;
        e = count_rows(sc, rep->tables[i].name, &a);
        if (e == ERR_OK)
            e = count_rows(dc, rep->tables[i].name, &b);
        rep->tables[i].source_rows = a;
        rep->tables[i].target_rows = b;
        if (e == ERR_OK && a != b)
            e = err_set(info, ERR_INTERNAL, "to", "table %s: %lld rows in the source, %lld copied",
                        rep->tables[i].name, (long long)a, (long long)b);
    }
    db_release(sc);
    db_release(dc);
    return e;
}
