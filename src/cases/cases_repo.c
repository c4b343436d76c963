/*
 * All SQL of cases, bulletins and leads.
 */
#include "cases/cases_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int64_t opt_int(struct db_stmt *s, int col)
{
    return db_col_null(s, col) ? 0 : db_col_int64(s, col);
}

static enum err done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

static json_t *iso_or_null(int64_t t)
{
    if (!t)
        return json_null();
    char s[TIME_ISO_LEN];
    time_iso(t, s);
    return json_string(s);
}

void case_row_release(struct case_row *c)
{
    free(c->description);
    c->description = NULL;
}

void bulletin_row_release(struct bulletin_row *b)
{
    free(b->body);
    b->body = NULL;
}

void lead_row_release(struct lead_row *l)
{
    free(l->content);
    free(l->note);
    l->content = l->note = NULL;
}

/* "(cond for root 1 OR ...)" where a root is bound at first, first+1, ...; both
   directions when `meet` (the area contains a root or lies inside one). */
static size_t scope_clause(const struct scope *sc, const char *col, int first, bool meet, char *sql,
                           size_t n)
{
    size_t used = strlen(sql);
    if (sc->everything || sc->n == 0) {
        snprintf(sql + used, n - used, "%s", sc->everything ? "1 = 1" : "1 = 0");
        return 0;
    }
    used += (size_t)snprintf(sql + used, n - used, "(");
    for (size_t i = 0; i < sc->n && used < n; i++) {
        int k = first + (int)i;
        if (meet)
            used += (size_t)snprintf(sql + used, n - used,
                                     "%ssubstr(%s, 1, length($%d)) = $%d OR "
                                     "substr($%d, 1, length(%s)) = %s",
                                     i ? " OR " : "", col, k, k, k, col, col);
        else
            used += (size_t)snprintf(sql + used, n - used, "%ssubstr(%s, 1, length($%d)) = $%d",
                                     i ? " OR " : "", col, k, k);
    }
    if (used < n)
        snprintf(sql + used, n - used, ")");
    return sc->n;
}

static void bind_scope(struct db_stmt *s, const struct scope *sc, int first, size_t n)
{
    for (size_t i = 0; i < n; i++)
        db_bind_text(s, first + (int)i, sc->paths[i]);
}

/* --- cases --------------------------------------------------------------- */

#define CASE_COLS                                                                                  \
    "c.id, c.county_id, c.kind, c.title, c.description, c.village_id, c.occurred_at, "             \
    "c.status, c.solved, c.closed_at, c.created_by, c.version, c.created_at, c.updated_at"

static void read_case(struct db_stmt *s, struct case_row *c)
{
    memset(c, 0, sizeof *c);
    cp(c->id, sizeof c->id, db_col_text(s, 0));
    cp(c->county_id, sizeof c->county_id, db_col_text(s, 1));
    cp(c->kind, sizeof c->kind, db_col_text(s, 2));
    cp(c->title, sizeof c->title, db_col_text(s, 3));
    c->description = dup_or_null(db_col_text(s, 4));
    cp(c->village_id, sizeof c->village_id, db_col_text(s, 5));
    c->occurred_at = db_col_int64(s, 6);
    cp(c->status, sizeof c->status, db_col_text(s, 7));
    c->solved = db_col_null(s, 8) ? -1 : (int)db_col_int64(s, 8);
    c->closed_at = opt_int(s, 9);
    cp(c->created_by, sizeof c->created_by, db_col_text(s, 10));
    c->version = db_col_int64(s, 11);
    c->created_at = db_col_int64(s, 12);
    c->updated_at = db_col_int64(s, 13);
}

enum err case_repo_insert(struct tx *tx, const struct case_row *c)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO cases (id, county_id, kind, title, description, village_id, "
                     "occurred_at, status, created_by, version, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, 1, $9, $9)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, c->id);
    db_bind_text(s, 2, c->county_id);
    db_bind_text(s, 3, c->kind);
    db_bind_text(s, 4, c->title);
    db_bind_text(s, 5, c->description ? c->description : "");
    db_bind_text(s, 6, c->village_id);
    db_bind_int64(s, 7, c->occurred_at);
    db_bind_text(s, 8, c->created_by[0] ? c->created_by : NULL);
    db_bind_int64(s, 9, c->created_at);
    return done(s);
}

enum err case_repo_get(struct tx *tx, const char *id, struct case_row *c)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " CASE_COLS " FROM cases c WHERE c.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        read_case(s, c);
    db_finish(s);
    return e;
}

enum err case_repo_close(struct tx *tx, const struct case_row *c)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "UPDATE cases SET status = 'closed', solved = $2, "
                                "closed_at = $3, version = $4, updated_at = $3 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, c->id);
    db_bind_int64(s, 2, c->solved);
    db_bind_int64(s, 3, c->closed_at);
    db_bind_int64(s, 4, c->version);
    return done(s);
}

enum err case_repo_credit(struct tx *tx, const char *case_id, const char *user_id)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "INSERT INTO case_credits (case_id, user_id) "
                                                "VALUES ($1, $2) ON CONFLICT DO NOTHING");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, case_id);
    db_bind_text(s, 2, user_id);
    return done(s);
}

enum err case_repo_credits(struct tx *tx, const char *case_id, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT cc.user_id, u.name FROM case_credits cc "
                                                "JOIN users u ON u.id = cc.user_id "
                                                "WHERE cc.case_id = $1 ORDER BY u.name");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, case_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(
            out, json_pack("{ss ss}", "user_id", db_col_text(s, 0), "name", db_col_text(s, 1)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err case_repo_list(struct tx *tx, const struct scope *sc, const struct case_query *q,
                        int64_t cur_key, const char *cur_id, json_t *items, bool *more)
{
    char sql[4096] = "SELECT " CASE_COLS ", v.name FROM cases c JOIN areas v ON v.id = "
                     "c.village_id WHERE ($1 = '' OR c.status = $1) AND ($2 = '' OR c.kind = $2) "
                     "AND ($3 = '' OR c.village_id = $3) AND ($4 = 0 OR c.created_at < $4 OR "
                     "(c.created_at = $4 AND c.id < $5)) AND ";
    size_t n = scope_clause(sc, "v.path", 7, false, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY c.created_at DESC, c.id DESC LIMIT $6");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, q->status ? q->status : "");
    db_bind_text(s, 2, q->kind ? q->kind : "");
    db_bind_text(s, 3, q->village_id ? q->village_id : "");
    db_bind_int64(s, 4, cur_key);
    db_bind_text(s, 5, cur_id ? cur_id : "");
    db_bind_int64(s, 6, q->limit + 1);
    bind_scope(s, sc, 7, n);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == q->limit) {
            *more = true;
            break;
        }
        struct case_row c;
        read_case(s, &c);
        json_array_append_new(items,
                              json_pack("{ss ss ss ss so ss ss so so so sI sI}", "id", c.id, "kind",
                                        c.kind, "title", c.title, "village_id", c.village_id,
                                        "village_name", json_string(db_col_text(s, 14)), "status",
                                        c.status, "description", c.description ? c.description : "",
                                        "occurred_at", iso_or_null(c.occurred_at), "solved",
                                        c.solved < 0 ? json_null() : json_boolean(c.solved),
                                        "closed_at", iso_or_null(c.closed_at), "version",
                                        (json_int_t)c.version, "_key", (json_int_t)c.created_at));
        case_row_release(&c);
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

/* --- bulletins ----------------------------------------------------------- */

enum err bulletin_repo_insert(struct tx *tx, const struct bulletin_row *b)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO bulletins (id, county_id, case_id, title, body, expires_at, "
                     "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, b->id);
    db_bind_text(s, 2, b->county_id);
    db_bind_text(s, 3, b->case_id[0] ? b->case_id : NULL);
    db_bind_text(s, 4, b->title);
    db_bind_text(s, 5, b->body);
    db_bind_int64(s, 6, b->expires_at);
    db_bind_text(s, 7, b->created_by);
    db_bind_int64(s, 8, b->created_at);
    return done(s);
}

enum err bulletin_repo_add_area(struct tx *tx, const char *bulletin_id, const char *area_id)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "INSERT INTO bulletin_areas (bulletin_id, "
                                                "area_id) VALUES ($1, $2) ON CONFLICT DO NOTHING");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, bulletin_id);
    db_bind_text(s, 2, area_id);
    return done(s);
}

enum err bulletin_repo_get(struct tx *tx, const char *id, struct bulletin_row *b)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT id, county_id, case_id, title, body, expires_at, "
                                "created_by, created_at FROM bulletins WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW) {
        memset(b, 0, sizeof *b);
        cp(b->id, sizeof b->id, db_col_text(s, 0));
        cp(b->county_id, sizeof b->county_id, db_col_text(s, 1));
        cp(b->case_id, sizeof b->case_id, db_col_text(s, 2));
        cp(b->title, sizeof b->title, db_col_text(s, 3));
        b->body = dup_or_null(db_col_text(s, 4));
        b->expires_at = db_col_int64(s, 5);
        cp(b->created_by, sizeof b->created_by, db_col_text(s, 6));
        b->created_at = db_col_int64(s, 7);
    }
    db_finish(s);
    return e;
}

enum err bulletin_repo_areas(struct tx *tx, const char *id, json_t *ids, json_t *paths)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT a.id, a.path FROM bulletin_areas ba "
                                                "JOIN areas a ON a.id = ba.area_id "
                                                "WHERE ba.bulletin_id = $1 ORDER BY a.path");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        if (ids)
            json_array_append_new(ids, json_string(db_col_text(s, 0)));
        if (paths)
            json_array_append_new(paths, json_string(db_col_text(s, 1)));
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err bulletin_repo_list(struct tx *tx, const struct scope *sc, bool active_only, int64_t now,
                            int64_t cur_key, const char *cur_id, int limit, json_t *items,
                            bool *more)
{
    char sql[6144] = "SELECT b.id, b.case_id, b.title, b.body, b.expires_at, b.created_at, "
                     "u.name FROM bulletins b JOIN users u ON u.id = b.created_by "
                     "WHERE ($1 = 0 OR b.expires_at > $2) AND ($3 = 0 OR b.created_at < $3 OR "
                     "(b.created_at = $3 AND b.id < $4)) AND EXISTS (SELECT 1 FROM "
                     "bulletin_areas ba JOIN areas a ON a.id = ba.area_id WHERE "
                     "ba.bulletin_id = b.id AND ";
    size_t n = scope_clause(sc, "a.path", 6, true, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, ") ORDER BY b.created_at DESC, b.id DESC LIMIT $5");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, active_only ? 1 : 0);
    db_bind_int64(s, 2, now);
    db_bind_int64(s, 3, cur_key);
    db_bind_text(s, 4, cur_id ? cur_id : "");
    db_bind_int64(s, 5, limit + 1);
    bind_scope(s, sc, 6, n);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == limit) {
            *more = true;
            break;
        }
        const char *case_id = db_col_text(s, 1);
        json_array_append_new(items,
                              json_pack("{ss so ss ss so so ss sb sI}", "id", db_col_text(s, 0),
                                        "case_id", case_id ? json_string(case_id) : json_null(),
                                        "title", db_col_text(s, 2), "body", db_col_text(s, 3),
                                        "expires_at", iso_or_null(db_col_int64(s, 4)), "created_at",
                                        iso_or_null(db_col_int64(s, 5)), "created_by_name",
                                        db_col_text(s, 6), "active", db_col_int64(s, 4) > now,
                                        "_key", (json_int_t)db_col_int64(s, 5)));
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err bulletin_repo_for_case(struct tx *tx, const char *case_id, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT id, title, created_at FROM bulletins "
                                                "WHERE case_id = $1 ORDER BY created_at");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, case_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_pack("{ss ss so}", "id", db_col_text(s, 0), "title",
                                             db_col_text(s, 1), "created_at",
                                             iso_or_null(db_col_int64(s, 2))));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

/* --- leads ------------------------------------------------------------------ */

enum err lead_repo_insert(struct tx *tx, const struct lead_row *l)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO leads (id, county_id, bulletin_id, author_id, village_id, "
                     "content, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, 'new', $7)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, l->id);
    db_bind_text(s, 2, l->county_id);
    db_bind_text(s, 3, l->bulletin_id);
    db_bind_text(s, 4, l->author_id);
    db_bind_text(s, 5, l->village_id);
    db_bind_text(s, 6, l->content);
    db_bind_int64(s, 7, l->created_at);
    return done(s);
}

#define LEAD_COLS                                                                                  \
    "l.id, l.county_id, l.bulletin_id, l.author_id, l.village_id, l.content, l.status, "           \
    "l.assessed_by, l.assessed_at, l.note, l.created_at"

static void read_lead(struct db_stmt *s, struct lead_row *l)
{
    memset(l, 0, sizeof *l);
    cp(l->id, sizeof l->id, db_col_text(s, 0));
    cp(l->county_id, sizeof l->county_id, db_col_text(s, 1));
    cp(l->bulletin_id, sizeof l->bulletin_id, db_col_text(s, 2));
    cp(l->author_id, sizeof l->author_id, db_col_text(s, 3));
    cp(l->village_id, sizeof l->village_id, db_col_text(s, 4));
    l->content = dup_or_null(db_col_text(s, 5));
    cp(l->status, sizeof l->status, db_col_text(s, 6));
    cp(l->assessed_by, sizeof l->assessed_by, db_col_text(s, 7));
    l->assessed_at = opt_int(s, 8);
    l->note = dup_or_null(db_col_text(s, 9));
    l->created_at = db_col_int64(s, 10);
}

enum err lead_repo_get(struct tx *tx, const char *id, struct lead_row *l)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " LEAD_COLS " FROM leads l WHERE l.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        read_lead(s, l);
    db_finish(s);
    return e;
}

enum err lead_repo_assess(struct tx *tx, const struct lead_row *l)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "UPDATE leads SET status = $2, assessed_by = $3, "
                                                "assessed_at = $4, note = $5 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, l->id);
    db_bind_text(s, 2, l->status);
    db_bind_text(s, 3, l->assessed_by);
    db_bind_int64(s, 4, l->assessed_at);
    db_bind_text(s, 5, l->note);
    return done(s);
}

enum err lead_repo_list(struct tx *tx, const char *bulletin_id, const char *author_id,
                        const struct scope *sc, int64_t cur_key, const char *cur_id, int limit,
                        json_t *items, bool *more)
{
    char sql[4096] = "SELECT " LEAD_COLS ", u.name, v.name FROM leads l "
                     "JOIN users u ON u.id = l.author_id JOIN areas v ON v.id = l.village_id "
                     "WHERE ($1 = '' OR l.bulletin_id = $1) AND ($2 = '' OR l.author_id = $2) "
                     "AND ($3 = 0 OR l.created_at < $3 OR (l.created_at = $3 AND l.id < $4)) "
                     "AND ";
    size_t n = scope_clause(sc, "v.path", 6, false, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY l.created_at DESC, l.id DESC LIMIT $5");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, bulletin_id ? bulletin_id : "");
    db_bind_text(s, 2, author_id ? author_id : "");
    db_bind_int64(s, 3, cur_key);
    db_bind_text(s, 4, cur_id ? cur_id : "");
    db_bind_int64(s, 5, limit + 1);
    bind_scope(s, sc, 6, n);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == limit) {
            *more = true;
            break;
        }
        struct lead_row l;
        read_lead(s, &l);
        json_array_append_new(
            items,
            json_pack("{ss ss ss ss ss ss ss so so so sI}", "id", l.id, "bulletin_id",
                      l.bulletin_id, "author_id", l.author_id, "author_name", db_col_text(s, 11),
                      "village_id", l.village_id, "village_name", db_col_text(s, 12), "content",
                      l.content ? l.content : "", "status", json_string(l.status), "note",
                      l.note ? json_string(l.note) : json_null(), "created_at",
                      iso_or_null(l.created_at), "_key", (json_int_t)l.created_at));
        lead_row_release(&l);
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err lead_repo_useful_authors(struct tx *tx, const char *case_id, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT DISTINCT l.author_id FROM leads l "
                                                "JOIN bulletins b ON b.id = l.bulletin_id "
                                                "WHERE b.case_id = $1 AND l.status = 'useful'");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, case_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
