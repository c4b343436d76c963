/*
 * All SQL on units and unit_areas: police units (bureau, stations, the
 * population brigade) and their jurisdictions. A unit's jurisdiction is a
 * set of areas and their subtrees, so "which station holds village V" is a
 * prefix test of V's path against the paths of the stations' areas.
 */
#include <stdio.h>
#include <string.h>

#include "org/org_int.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void copy_col(char *dst, size_t n, struct db_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    snprintf(dst, n, "%s", v ? v : "");
}

static enum err step_done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err unit_repo_by_code(struct tx *tx, const char *code, char id_out[RAND_ID_LEN + 1])
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT id FROM units WHERE code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        copy_col(id_out, RAND_ID_LEN + 1, s, 0);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err unit_repo_exists(struct tx *tx, const char *unit_id)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT 1 FROM units WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, unit_id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err unit_repo_insert(struct tx *tx, const char *id, const char *code, const char *name,
                          const char *kind, int64_t now)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "INSERT INTO units (id, code, name, kind, "
                                                "created_at) VALUES ($1, $2, $3, $4, $5)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, code);
    db_bind_text(s, 3, name);
    db_bind_text(s, 4, kind);
    db_bind_int64(s, 5, now);
    return step_done(s);
}

enum err unit_repo_add_area(struct tx *tx, const char *unit_id, const char *area_id)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO unit_areas (unit_id, area_id) VALUES ($1, $2)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, unit_id);
    db_bind_text(s, 2, area_id);
    return step_done(s);
}

enum err unit_repo_each_area(struct tx *tx, unit_area_fn fn, void *arg)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT u.id, u.code, u.name, u.kind, a.id, a.path FROM units u "
                     "JOIN unit_areas ua ON ua.unit_id = u.id JOIN areas a ON a.id = ua.area_id "
                     "ORDER BY u.code, a.path");
    if (!s)
        return ERR_INTERNAL;
    enum err e = ERR_OK;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        struct unit_area u;
        copy_col(u.unit_id, sizeof u.unit_id, s, 0);
        copy_col(u.unit_code, sizeof u.unit_code, s, 1);
        copy_col(u.unit_name, sizeof u.unit_name, s, 2);
        copy_col(u.kind, sizeof u.kind, s, 3);
        copy_col(u.area_id, sizeof u.area_id, s, 4);
        copy_col(u.area_path, sizeof u.area_path, s, 5);
        e = fn(&u, arg);
        if (e != ERR_OK)
            break;
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err unit_repo_areas_of(struct tx *tx, const char *unit_id, area_row_fn fn, void *arg)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT a.id, a.code, a.level, a.name, a.parent_id, a.path FROM unit_areas ua "
                     "JOIN areas a ON a.id = ua.area_id WHERE ua.unit_id = $1 ORDER BY a.path");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, unit_id);
    enum err e = ERR_OK;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        struct area_row row;
        memset(&row, 0, sizeof row);
        copy_col(row.id, sizeof row.id, s, 0);
        copy_col(row.code, sizeof row.code, s, 1);
        copy_col(row.level, sizeof row.level, s, 2);
        copy_col(row.name, sizeof row.name, s, 3);
        copy_col(row.parent_id, sizeof row.parent_id, s, 4);
        copy_col(row.path, sizeof row.path, s, 5);
        e = fn(&row, arg);
        if (e != ERR_OK)
            break;
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err unit_repo_station_for(struct tx *tx, const char *path, char id_out[RAND_ID_LEN + 1],
                               char *name_out, size_t name_size)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT u.id, u.name FROM units u JOIN unit_areas ua ON ua.unit_id = u.id "
                     "JOIN areas a ON a.id = ua.area_id WHERE u.kind = 'station' "
                     "AND substr($1, 1, length(a.path)) = a.path "
                     "ORDER BY a.depth DESC, u.code LIMIT 1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, path);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        copy_col(id_out, RAND_ID_LEN + 1, s, 0);
        copy_col(name_out, name_size, s, 1);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}
