/*
 * All SQL of disputes, their timeline, reminders, and the grassroots
 * reference data (categories).
 */
#include "dispute/dispute_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rand.h"
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

static void bind_opt(struct db_stmt *s, int idx, int64_t v)
{
    if (v)
        db_bind_int64(s, idx, v);
    else
        db_bind_null(s, idx);
}

static enum err done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

void dispute_row_release(struct dispute_row *d)
{
    free(d->description);
    free(d->parties);
    free(d->agreement);
    free(d->witnesses);
    free(d->referred_to);
    d->description = d->parties = d->agreement = d->witnesses = d->referred_to = NULL;
}

#define DISPUTE_COLS                                                                               \
    "id, county_id, category, title, description, village_id, hamlet_id, parties, risk_level, "    \
    "status, occurred_at, reported_at, agreement, witnesses, referred_to, closed_at, "             \
    "followup_due_at, followup_notified, created_by, version, created_at, updated_at"

static void bind_row(struct db_stmt *s, const struct dispute_row *d)
{
    db_bind_text(s, 1, d->id);
    db_bind_text(s, 2, d->county_id);
    db_bind_text(s, 3, d->category);
    db_bind_text(s, 4, d->title);
    db_bind_text(s, 5, d->description ? d->description : "");
    db_bind_text(s, 6, d->village_id);
    db_bind_text(s, 7, d->hamlet_id[0] ? d->hamlet_id : NULL);
    db_bind_text(s, 8, d->parties ? d->parties : "[]");
    db_bind_text(s, 9, d->risk_level);
    db_bind_text(s, 10, d->status);
    db_bind_int64(s, 11, d->occurred_at);
    db_bind_int64(s, 12, d->reported_at);
    db_bind_text(s, 13, d->agreement);
    db_bind_text(s, 14, d->witnesses);
    db_bind_text(s, 15, d->referred_to);
    bind_opt(s, 16, d->closed_at);
    bind_opt(s, 17, d->followup_due_at);
    db_bind_int64(s, 18, d->followup_notified ? 1 : 0);
    db_bind_text(s, 19, d->created_by);
    db_bind_int64(s, 20, d->version);
    db_bind_int64(s, 21, d->created_at);
    db_bind_int64(s, 22, d->updated_at);
}

enum err dispute_repo_insert(struct tx *tx, const struct dispute_row *d)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO disputes (" DISPUTE_COLS ") VALUES ($1, $2, $3, $4, $5, $6, "
                     "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, "
                     "$22)");
    if (!s)
        return ERR_INTERNAL;
    bind_row(s, d);
    return done(s);
}

enum err dispute_repo_update(struct tx *tx, const struct dispute_row *d)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "UPDATE disputes SET county_id = $2, category = $3, title = $4, description = $5, "
        "village_id = $6, hamlet_id = $7, parties = $8, risk_level = $9, status = $10, "
        "occurred_at = $11, reported_at = $12, agreement = $13, witnesses = $14, "
        "referred_to = $15, closed_at = $16, followup_due_at = $17, followup_notified = $18, "
        "created_by = $19, version = $20, created_at = $21, updated_at = $22 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    bind_row(s, d);
    return done(s);
}

static void read_row(struct db_stmt *s, struct dispute_row *d)
{
    memset(d, 0, sizeof *d);
    cp(d->id, sizeof d->id, db_col_text(s, 0));
    cp(d->county_id, sizeof d->county_id, db_col_text(s, 1));
    cp(d->category, sizeof d->category, db_col_text(s, 2));
    cp(d->title, sizeof d->title, db_col_text(s, 3));
    d->description = dup_or_null(db_col_text(s, 4));
    cp(d->village_id, sizeof d->village_id, db_col_text(s, 5));
    cp(d->hamlet_id, sizeof d->hamlet_id, db_col_text(s, 6));
    d->parties = dup_or_null(db_col_text(s, 7));
    cp(d->risk_level, sizeof d->risk_level, db_col_text(s, 8));
    cp(d->status, sizeof d->status, db_col_text(s, 9));
    d->occurred_at = db_col_int64(s, 10);
    d->reported_at = db_col_int64(s, 11);
    d->agreement = dup_or_null(db_col_text(s, 12));
    d->witnesses = dup_or_null(db_col_text(s, 13));
    d->referred_to = dup_or_null(db_col_text(s, 14));
    d->closed_at = opt_int(s, 15);
    d->followup_due_at = opt_int(s, 16);
    d->followup_notified = db_col_int64(s, 17) != 0;
    cp(d->created_by, sizeof d->created_by, db_col_text(s, 18));
    d->version = db_col_int64(s, 19);
    d->created_at = db_col_int64(s, 20);
    d->updated_at = db_col_int64(s, 21);
}

enum err dispute_repo_get(struct tx *tx, const char *id, struct dispute_row *d)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT " DISPUTE_COLS " FROM disputes WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        read_row(s, d);
    db_finish(s);
    return e;
}

enum err dispute_repo_event(struct tx *tx, const char *dispute_id, const char *kind, int64_t at,
                            const char *actor_name, const char *role, json_t *data,
                            const char *from, const char *to)
{
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    char *text = data ? json_dumps(data, JSON_COMPACT) : xstrdup("{}");
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "INSERT INTO dispute_events (id, dispute_id, seq, kind, at, actor_name, role, data, "
        "from_status, to_status, created_at) VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 "
        "FROM dispute_events WHERE dispute_id = $2), $3, $4, $5, $6, $7, $8, $9, $10)");
    enum err e = ERR_INTERNAL;
    if (s && text) {
        db_bind_text(s, 1, id);
        db_bind_text(s, 2, dispute_id);
        db_bind_text(s, 3, kind);
        db_bind_int64(s, 4, at);
        db_bind_text(s, 5, actor_name ? actor_name : "");
        db_bind_text(s, 6, role ? role : "");
        db_bind_text(s, 7, text);
        db_bind_text(s, 8, from);
        db_bind_text(s, 9, to);
        db_bind_int64(s, 10, clock_now());
        e = done(s);
    }
    free(text);
    return e;
}

enum err dispute_repo_events(struct tx *tx, const char *dispute_id, json_t *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT kind, at, actor_name, role, data, from_status, "
                                "to_status FROM dispute_events WHERE dispute_id = $1 "
                                "ORDER BY seq");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, dispute_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        char at[TIME_ISO_LEN];
        time_iso(db_col_int64(s, 1), at);
        json_t *data = json_loads(db_col_text(s, 4) ? db_col_text(s, 4) : "{}", 0, NULL);
        const char *from = db_col_text(s, 5), *to = db_col_text(s, 6);
        json_array_append_new(out, json_pack("{ss ss ss ss so so so}", "kind", db_col_text(s, 0),
                                             "at", at, "actor", db_col_text(s, 2), "role",
                                             db_col_text(s, 3), "data", data ? data : json_object(),
                                             "from", from ? json_string(from) : json_null(), "to",
                                             to ? json_string(to) : json_null()));
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err dispute_repo_list(struct tx *tx, const struct scope *sc, const struct dispute_query *q,
                           int64_t cur_key, const char *cur_id, json_t *items, bool *more)
{
    char sql[4096] = "SELECT d.id, d.category, c.name, d.title, d.village_id, v.name, "
                     "d.risk_level, d.status, d.reported_at, d.closed_at, d.followup_due_at, "
                     "d.version, d.created_at FROM disputes d JOIN areas v ON v.id = "
                     "d.village_id JOIN dispute_categories c ON c.code = d.category WHERE "
                     "($1 = '' OR d.status = $1 OR ($1 = 'open' AND d.status = 'mediating')) "
                     "AND ($2 = '' OR d.village_id = $2) AND ($3 = '' OR d.risk_level = $3) "
                     "AND ($4 = '' OR d.category = $4) AND ($5 = 0 OR d.created_at < $5 OR "
                     "(d.created_at = $5 AND d.id < $6)) AND ";
    size_t n = scope_sql(sc, "v.path", 8, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY d.created_at DESC, d.id DESC LIMIT $7");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, q->status ? q->status : "");
    db_bind_text(s, 2, q->village_id ? q->village_id : "");
    db_bind_text(s, 3, q->risk_level ? q->risk_level : "");
    db_bind_text(s, 4, q->category ? q->category : "");
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
        char rep[TIME_ISO_LEN], closed[TIME_ISO_LEN], due[TIME_ISO_LEN];
        time_iso(db_col_int64(s, 8), rep);
        time_iso(opt_int(s, 9), closed);
        time_iso(opt_int(s, 10), due);
        json_array_append_new(
            items,
            json_pack("{ss ss ss ss ss ss ss ss ss so so sI sI}", "id", db_col_text(s, 0),
                      "category", db_col_text(s, 1), "category_name", db_col_text(s, 2), "title",
                      db_col_text(s, 3), "village_id", db_col_text(s, 4), "village_name",
                      db_col_text(s, 5), "risk_level", db_col_text(s, 6), "status",
                      db_col_text(s, 7), "reported_at", rep, "closed_at",
                      opt_int(s, 9) ? json_string(closed) : json_null(), "followup_due_at",
                      opt_int(s, 10) ? json_string(due) : json_null(), "version",
                      (json_int_t)db_col_int64(s, 11), "_key", (json_int_t)db_col_int64(s, 12)));
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err dispute_repo_category(struct tx *tx, const char *code, char name[256])
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT name FROM dispute_categories WHERE "
                                                "code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        cp(name, 256, db_col_text(s, 0));
    db_finish(s);
    return e;
}

enum err dispute_repo_police_for(struct tx *tx, const char *path, json_t *out)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "SELECT u.id FROM users u WHERE u.disabled = 0 AND u.role IN ('officer', "
        "'station_chief') AND (EXISTS (SELECT 1 FROM user_areas ua JOIN areas a ON a.id = "
        "ua.area_id WHERE ua.user_id = u.id AND substr($1, 1, length(a.path)) = a.path) OR "
        "(NOT EXISTS (SELECT 1 FROM user_areas ub WHERE ub.user_id = u.id) AND EXISTS (SELECT "
        "1 FROM unit_areas xa JOIN areas b ON b.id = xa.area_id WHERE xa.unit_id = u.unit_id "
        "AND substr($1, 1, length(b.path)) = b.path))) ORDER BY u.username");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, path);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err dispute_repo_due(struct tx *tx, int64_t now, json_t *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT id, title, created_by FROM disputes WHERE "
                                "followup_notified = 0 AND followup_due_at IS NOT NULL AND "
                                "followup_due_at <= $1 AND status = 'resolved' LIMIT 500");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, now);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_pack("{ss ss ss}", "id", db_col_text(s, 0), "title",
                                             db_col_text(s, 1), "created_by", db_col_text(s, 2)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err dispute_repo_mark_reminded(struct tx *tx, const char *id)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "UPDATE disputes SET followup_notified = 1 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    return done(s);
}

/* The seeded reference tables, by name: fixed strings, never input. */
static const char *seed_sql(const char *table)
{
    if (!strcmp(table, "dispute_categories"))
        return "INSERT INTO dispute_categories (code, name, name_en, subtypes) "
               "VALUES ($1, $2, $3, $4)";
    if (!strcmp(table, "intel_categories"))
        return "INSERT INTO intel_categories (code, name, name_en, default_urgency, route_to) "
               "VALUES ($1, $2, $3, $4, $5)";
    if (!strcmp(table, "key_person_categories"))
        return "INSERT INTO key_person_categories (code, name, name_en, kind, followup_days) "
               "VALUES ($1, $2, $3, $4, $5)";
    return NULL;
}

enum err grassroots_repo_count(struct tx *tx, const char *table, int64_t *n)
{
    const char *sql =
        !strcmp(table, "dispute_categories") ? "SELECT COUNT(*) FROM dispute_categories"
        : !strcmp(table, "intel_categories") ? "SELECT COUNT(*) FROM intel_categories"
                                             : "SELECT COUNT(*) FROM key_person_categories";
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    enum db_step st = db_step(s);
    *n = st == DB_ROW ? db_col_int64(s, 0) : 0;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err grassroots_repo_seed_row(struct tx *tx, const char *table, const char *const *v, int n,
                                  int64_t days)
{
    const char *sql = seed_sql(table);
    struct db_stmt *s = sql ? db_prepare(tx_conn(tx), sql) : NULL;
    if (!s)
        return ERR_INTERNAL;
    for (int i = 0; i < n; i++)
        db_bind_text(s, i + 1, v[i]);
    if (days >= 0)
        db_bind_int64(s, n + 1, days);
    return done(s);
}
