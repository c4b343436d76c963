/*
 * All SQL of public-security information reports.
 */
#include "intel/intel_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rec.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

void intel_row_release(struct intel_row *r)
{
    free(r->content);
    free(r->location);
    free(r->note);
    r->content = r->location = r->note = NULL;
}

enum err intel_repo_insert(struct tx *tx, const struct intel_row *r)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO intel_reports (id, county_id, category, content, village_id, "
                     "occurred_at, reported_at, location, status, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, r->id);
    db_bind_text(s, 2, r->county_id);
    db_bind_text(s, 3, r->category);
    db_bind_text(s, 4, r->content);
    db_bind_text(s, 5, r->village_id);
    db_bind_int64(s, 6, r->occurred_at);
    db_bind_int64(s, 7, r->reported_at);
    db_bind_text(s, 8, r->location);
    db_bind_text(s, 9, r->created_by);
    db_bind_int64(s, 10, r->created_at);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err intel_repo_assess(struct tx *tx, const struct intel_row *r)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "UPDATE intel_reports SET status = $2, "
                                                "assessed_by = $3, assessed_at = $4, note = $5 "
                                                "WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, r->id);
    db_bind_text(s, 2, r->status);
    db_bind_text(s, 3, r->assessed_by);
    db_bind_int64(s, 4, r->assessed_at);
    db_bind_text(s, 5, r->note);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

#define INTEL_COLS                                                                                 \
    "i.id, i.county_id, i.category, i.content, i.village_id, i.occurred_at, i.reported_at, "       \
    "i.location, i.status, i.assessed_by, i.assessed_at, i.note, i.created_by, i.created_at, "     \
    "c.name, v.name, u.name"
#define INTEL_FROM                                                                                 \
    " FROM intel_reports i JOIN intel_categories c ON c.code = i.category JOIN areas v ON "        \
    "v.id = i.village_id JOIN users u ON u.id = i.created_by"

static void read_row(struct db_stmt *s, struct intel_row *r)
{
    memset(r, 0, sizeof *r);
    cp(r->id, sizeof r->id, db_col_text(s, 0));
    cp(r->county_id, sizeof r->county_id, db_col_text(s, 1));
    cp(r->category, sizeof r->category, db_col_text(s, 2));
    r->content = xstrdup(db_col_text(s, 3) ? db_col_text(s, 3) : "");
    cp(r->village_id, sizeof r->village_id, db_col_text(s, 4));
    r->occurred_at = db_col_int64(s, 5);
    r->reported_at = db_col_int64(s, 6);
    r->location = db_col_text(s, 7) ? xstrdup(db_col_text(s, 7)) : NULL;
    cp(r->status, sizeof r->status, db_col_text(s, 8));
    cp(r->assessed_by, sizeof r->assessed_by, db_col_text(s, 9));
    r->assessed_at = db_col_null(s, 10) ? 0 : db_col_int64(s, 10);
    r->note = db_col_text(s, 11) ? xstrdup(db_col_text(s, 11)) : NULL;
    cp(r->created_by, sizeof r->created_by, db_col_text(s, 12));
    r->created_at = db_col_int64(s, 13);
    cp(r->category_name, sizeof r->category_name, db_col_text(s, 14));
    cp(r->village_name, sizeof r->village_name, db_col_text(s, 15));
    cp(r->reporter_name, sizeof r->reporter_name, db_col_text(s, 16));
}

enum err intel_repo_get(struct tx *tx, const char *id, struct intel_row *r, char path[256])
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " INTEL_COLS ", v.path" INTEL_FROM " WHERE i.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW) {
        read_row(s, r);
        cp(path, 256, db_col_text(s, 17));
    }
    db_finish(s);
    return e;
}

enum err intel_repo_category(struct tx *tx, const char *code, bool *exists)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT 1 FROM intel_categories WHERE code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    enum db_step st = db_step(s);
    *exists = st == DB_ROW;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err intel_repo_list(struct tx *tx, const struct scope *sc, const char *author,
                         const struct intel_query *q, int64_t cur_key, const char *cur_id,
                         intel_row_fn fn, void *arg, bool *more)
{
    char sql[4096] = "SELECT " INTEL_COLS INTEL_FROM
                     " WHERE ($1 = '' OR i.status = $1) AND ($2 = '' OR i.village_id = $2) AND "
                     "($3 = '' OR i.category = $3) AND ($4 = '' OR i.created_by = $4) AND ($5 = "
                     "0 OR i.created_at < $5 OR (i.created_at = $5 AND i.id < $6)) AND ";
    size_t n = scope_sql(sc, "v.path", 8, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY i.created_at DESC, i.id DESC LIMIT $7");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, q->status ? q->status : "");
    db_bind_text(s, 2, q->village_id ? q->village_id : "");
    db_bind_text(s, 3, q->category ? q->category : "");
    db_bind_text(s, 4, author ? author : "");
    db_bind_int64(s, 5, cur_key);
    db_bind_text(s, 6, cur_id ? cur_id : "");
    db_bind_int64(s, 7, q->limit + 1);
    for (size_t i = 0; i < n; i++)
        db_bind_text(s, 8 + (int)i, sc->paths[i]);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == q->limit) {
            *more = true;
            break;
        }
        struct intel_row r;
        read_row(s, &r);
        fn(&r, arg);
        intel_row_release(&r);
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
