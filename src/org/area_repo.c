/*
 * All SQL on the areas table (the division tree) and on user_areas. Subtree
 * tests are prefix tests on the materialised path, written as
 * `substr(path, 1, length($1)) = $1` so that the same text runs on SQLite
 * and PostgreSQL; "is X an ancestor of the area at P" is the same test with
 * the roles swapped.
 */
#include <stdio.h>
#include <string.h>

#include "org/org_int.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define AREA_COLS "a.id, a.code, a.level, a.name, a.parent_id, a.path"

static void copy_col(char *dst, size_t n, struct db_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    snprintf(dst, n, "%s", v ? v : "");
}

static void read_row(struct db_stmt *s, struct area_row *out)
{
    memset(out, 0, sizeof *out);
    copy_col(out->id, sizeof out->id, s, 0);
    copy_col(out->code, sizeof out->code, s, 1);
    copy_col(out->level, sizeof out->level, s, 2);
    copy_col(out->name, sizeof out->name, s, 3);
    copy_col(out->parent_id, sizeof out->parent_id, s, 4);
    copy_col(out->path, sizeof out->path, s, 5);
}

/* Runs a prepared one-row query into out; ERR_NOT_FOUND without a row. */
static enum err one_row(struct db_stmt *s, struct area_row *out)
{
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        read_row(s, out);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

/* Steps s to the end, calling fn for each row. */
static enum err each_row(struct db_stmt *s, area_row_fn fn, void *arg)
{
    enum err e = ERR_OK;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        struct area_row row;
        read_row(s, &row);
        e = fn(&row, arg);
        if (e != ERR_OK)
            break;
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err area_repo_by_code(struct tx *tx, const char *code, struct area_row *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " AREA_COLS " FROM areas a WHERE a.code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    return one_row(s, out);
}

enum err area_repo_by_id(struct tx *tx, const char *id, struct area_row *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " AREA_COLS " FROM areas a WHERE a.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    return one_row(s, out);
}

enum err area_repo_each(struct tx *tx, area_full_fn fn, void *arg)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT id, code, level, name, short_name, parent_id, path, depth, "
                                "urban_rural_code FROM areas");
    if (!s)
        return ERR_INTERNAL;
    enum err e = ERR_OK;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        struct area_full a = {
            .id = db_col_text(s, 0),
            .code = db_col_text(s, 1),
            .level = db_col_text(s, 2),
            .name = db_col_text(s, 3),
            .short_name = db_col_text(s, 4),
            .parent_id = db_col_text(s, 5),
            .path = db_col_text(s, 6),
            .depth = (int)db_col_int64(s, 7),
            .urban_rural_code = db_col_text(s, 8),
        };
        e = fn(&a, arg);
        if (e != ERR_OK)
            break;
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err area_repo_insert(struct tx *tx, const struct area_full *a, int64_t now)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO areas (id, code, level, name, short_name, parent_id, path, "
                     "depth, urban_rural_code, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, a->id);
    db_bind_text(s, 2, a->code);
    db_bind_text(s, 3, a->level);
    db_bind_text(s, 4, a->name);
    db_bind_text(s, 5, a->short_name);
    db_bind_text(s, 6, a->parent_id);
    db_bind_text(s, 7, a->path);
    db_bind_int64(s, 8, a->depth);
    db_bind_text(s, 9, a->urban_rural_code);
    db_bind_int64(s, 10, now);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err area_repo_update(struct tx *tx, const struct area_full *a)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "UPDATE areas SET code = $2, level = $3, name = $4, short_name = $5, "
                     "parent_id = $6, path = $7, depth = $8, urban_rural_code = $9 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, a->id);
    db_bind_text(s, 2, a->code);
    db_bind_text(s, 3, a->level);
    db_bind_text(s, 4, a->name);
    db_bind_text(s, 5, a->short_name);
    db_bind_text(s, 6, a->parent_id);
    db_bind_text(s, 7, a->path);
    db_bind_int64(s, 8, a->depth);
    db_bind_text(s, 9, a->urban_rural_code);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err area_repo_children(struct tx *tx, const char *parent_id, int max, area_row_fn fn,
                            void *arg)
{
    struct db_stmt *s;
    if (parent_id) {
        s = db_prepare(tx_conn(tx), "SELECT " AREA_COLS " FROM areas a WHERE a.parent_id = $1 "
                                    "ORDER BY a.code IS NULL, a.code, a.name LIMIT $2");
        if (!s)
            return ERR_INTERNAL;
        db_bind_text(s, 1, parent_id);
        db_bind_int64(s, 2, max);
    } else {
        s = db_prepare(tx_conn(tx), "SELECT " AREA_COLS " FROM areas a WHERE a.parent_id IS NULL "
                                    "ORDER BY a.code IS NULL, a.code, a.name LIMIT $1");
        if (!s)
            return ERR_INTERNAL;
        db_bind_int64(s, 1, max);
    }
    return each_row(s, fn, arg);
}

enum err area_repo_ancestor_at(struct tx *tx, const char *path, const char *level,
                               struct area_row *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT " AREA_COLS " FROM areas a "
                                                "WHERE a.level = $2 AND "
                                                "substr($1, 1, length(a.path)) = a.path "
                                                "ORDER BY a.depth DESC LIMIT 1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, path);
    db_bind_text(s, 2, level);
    return one_row(s, out);
}

enum err area_repo_uncovered(struct tx *tx, const char *root_path, int max, area_row_fn fn,
                             void *arg)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT " AREA_COLS " FROM areas a "
                     "WHERE a.level IN ('village', 'community') "
                     "AND substr(a.path, 1, length($1)) = $1 "
                     "AND NOT EXISTS (SELECT 1 FROM assistants s JOIN users u ON u.id = s.user_id "
                     "WHERE s.village_id = a.id AND u.disabled = 0) "
                     "ORDER BY a.code LIMIT $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, root_path);
    db_bind_int64(s, 2, max);
    return each_row(s, fn, arg);
}

enum err area_repo_of_user(struct tx *tx, const char *user_id, area_row_fn fn, void *arg)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " AREA_COLS " FROM user_areas ua "
                                "JOIN areas a ON a.id = ua.area_id WHERE ua.user_id = $1 "
                                "ORDER BY a.path");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    return each_row(s, fn, arg);
}
