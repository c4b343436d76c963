/*
 * All SQL of patrol teams and patrols.
 */
#include "patrol/patrol_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static enum err done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

static json_t *iso(int64_t t)
{
    char s[TIME_ISO_LEN];
    time_iso(t, s);
    return json_string(s);
}

/* Patrol areas meeting the scope, in both directions, roots bound from `first`. */
static size_t meet_clause(const struct scope *sc, const char *col, int first, char *sql, size_t n)
{
    size_t used = strlen(sql);
    if (sc->everything || sc->n == 0) {
        snprintf(sql + used, n - used, "%s", sc->everything ? "1 = 1" : "1 = 0");
        return 0;
    }
    used += (size_t)snprintf(sql + used, n - used, "(");
    for (size_t i = 0; i < sc->n && used < n; i++) {
        int k = first + (int)i;
        used += (size_t)snprintf(sql + used, n - used,
                                 "%ssubstr(%s, 1, length($%d)) = $%d OR "
                                 "substr($%d, 1, length(%s)) = %s",
                                 i ? " OR " : "", col, k, k, k, col, col);
    }
    if (used < n)
        snprintf(sql + used, n - used, ")");
    return sc->n;
}

enum err patrol_repo_team_insert(struct tx *tx, const struct team_row *t, const char *created_by)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO patrol_teams (id, county_id, name, station_id, "
                                "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, t->id);
    db_bind_text(s, 2, t->county_id);
    db_bind_text(s, 3, t->name);
    db_bind_text(s, 4, t->station_id);
    db_bind_text(s, 5, created_by);
    db_bind_int64(s, 6, clock_now());
    return done(s);
}

enum err patrol_repo_member_insert(struct tx *tx, const char *id, const char *team_id, int pos,
                                   const char *type, const char *user_id, const char *name,
                                   const char *phone_masked, const char *phone_sealed)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO patrol_members (id, team_id, position, type, user_id, name, "
                     "phone_masked, phone_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, team_id);
    db_bind_int64(s, 3, pos);
    db_bind_text(s, 4, type);
    db_bind_text(s, 5, user_id);
    db_bind_text(s, 6, name);
    db_bind_text(s, 7, phone_masked);
    db_bind_text(s, 8, phone_sealed);
    return done(s);
}

enum err patrol_repo_team_get(struct tx *tx, const char *id, struct team_row *t)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT id, county_id, name, station_id FROM patrol_teams WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW) {
        snprintf(t->id, sizeof t->id, "%s", db_col_text(s, 0));
        snprintf(t->county_id, sizeof t->county_id, "%s", db_col_text(s, 1));
        snprintf(t->name, sizeof t->name, "%s", db_col_text(s, 2));
        snprintf(t->station_id, sizeof t->station_id, "%s", db_col_text(s, 3));
    }
    db_finish(s);
    return e;
}

enum err patrol_repo_members(struct tx *tx, const char *team_id, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT id, type, user_id, name, phone_masked "
                                                "FROM patrol_members WHERE team_id = $1 "
                                                "ORDER BY position");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, team_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        const char *uid = db_col_text(s, 2), *ph = db_col_text(s, 4);
        json_array_append_new(
            out, json_pack("{ss ss so ss so}", "id", db_col_text(s, 0), "type", db_col_text(s, 1),
                           "user_id", uid ? json_string(uid) : json_null(), "name",
                           db_col_text(s, 3), "phone", ph ? json_string(ph) : json_null()));
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err patrol_repo_unit_paths(struct tx *tx, const char *unit_id, json_t *paths)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT a.path FROM unit_areas ua JOIN areas a "
                                                "ON a.id = ua.area_id WHERE ua.unit_id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, unit_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(paths, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err patrol_repo_team_ids(struct tx *tx, json_t *ids)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT id FROM patrol_teams ORDER BY created_at");
    if (!s)
        return ERR_INTERNAL;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(ids, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err patrol_repo_insert(struct tx *tx, const char *id, const char *county, const char *team,
                            int64_t started, int64_t ended, const char *findings,
                            const char *present, const char *track, const char *created_by)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO patrols (id, county_id, team_id, started_at, ended_at, "
                     "findings, present, track, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, county);
    db_bind_text(s, 3, team);
    db_bind_int64(s, 4, started);
    db_bind_int64(s, 5, ended);
    db_bind_text(s, 6, findings);
    db_bind_text(s, 7, present);
    db_bind_text(s, 8, track);
    db_bind_text(s, 9, created_by);
    db_bind_int64(s, 10, clock_now());
    return done(s);
}

enum err patrol_repo_add_area(struct tx *tx, const char *patrol_id, const char *area_id)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "INSERT INTO patrol_areas (patrol_id, area_id) "
                                                "VALUES ($1, $2) ON CONFLICT DO NOTHING");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, patrol_id);
    db_bind_text(s, 2, area_id);
    return done(s);
}

static json_t *patrol_item(struct db_stmt *s)
{
    json_t *findings = json_loads(db_col_text(s, 5) ? db_col_text(s, 5) : "[]", 0, NULL);
    json_t *present = json_loads(db_col_text(s, 6) ? db_col_text(s, 6) : "[]", 0, NULL);
    return json_pack("{ss ss ss ss so so so so sI}", "id", db_col_text(s, 0), "team_id",
                     db_col_text(s, 1), "team_name", db_col_text(s, 2), "station_id",
                     db_col_text(s, 3), "started_at", iso(db_col_int64(s, 4)), "ended_at",
                     iso(db_col_int64(s, 7)), "findings", findings ? findings : json_array(),
                     "present", present ? present : json_array(), "_key",
                     (json_int_t)db_col_int64(s, 4));
}

#define PATROL_COLS                                                                                \
    "p.id, p.team_id, t.name, t.station_id, p.started_at, p.findings, p.present, p.ended_at"

enum err patrol_repo_list(struct tx *tx, const struct scope *sc, const struct patrol_query *q,
                          int64_t cur_key, const char *cur_id, json_t *items, bool *more)
{
    char sql[4096] = "SELECT " PATROL_COLS " FROM patrols p JOIN patrol_teams t ON t.id = "
                     "p.team_id WHERE ($1 = '' OR t.station_id = $1) AND ($2 = '' OR "
                     "p.team_id = $2) AND ($3 = 0 OR p.started_at >= $3) AND ($4 = 0 OR "
                     "p.started_at <= $4) AND ($5 = 0 OR p.started_at < $5 OR (p.started_at = "
                     "$5 AND p.id < $6)) AND ($7 = '' OR EXISTS (SELECT 1 FROM patrol_areas pv "
                     "JOIN areas av ON av.id = pv.area_id JOIN areas vv ON vv.id = $7 WHERE "
                     "pv.patrol_id = p.id AND (substr(vv.path, 1, length(av.path)) = av.path OR "
                     "substr(av.path, 1, length(vv.path)) = vv.path))) AND EXISTS (SELECT 1 FROM "
                     "patrol_areas pa JOIN areas a ON a.id = pa.area_id WHERE pa.patrol_id = "
                     "p.id AND ";
    size_t n = meet_clause(sc, "a.path", 9, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, ") ORDER BY p.started_at DESC, p.id DESC LIMIT $8");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, q->station_id ? q->station_id : "");
    db_bind_text(s, 2, q->team_id ? q->team_id : "");
    db_bind_int64(s, 3, q->from);
    db_bind_int64(s, 4, q->to);
    db_bind_int64(s, 5, cur_key);
    db_bind_text(s, 6, cur_id ? cur_id : "");
    db_bind_text(s, 7, q->village_id ? q->village_id : "");
    db_bind_int64(s, 8, q->limit + 1);
    for (size_t i = 0; i < n; i++)
        db_bind_text(s, 9 + (int)i, sc->paths[i]);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == q->limit) {
            *more = true;
            break;
        }
        json_array_append_new(items, patrol_item(s));
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err patrol_repo_get(struct tx *tx, const char *id, json_t **out, json_t *area_paths)
{
    struct db_conn *c = tx_conn(tx);
    struct db_stmt *s = db_prepare(c, "SELECT " PATROL_COLS ", p.track FROM patrols p JOIN "
                                      "patrol_teams t ON t.id = p.team_id WHERE p.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW) {
        *out = patrol_item(s);
        json_object_del(*out, "_key");
        const char *track = db_col_text(s, 8);
        json_t *tj = track ? json_loads(track, 0, NULL) : NULL;
        json_object_set_new(*out, "track", tj ? tj : json_null());
    }
    db_finish(s);
    if (e != ERR_OK)
        return e;
    s = db_prepare(c, "SELECT a.id, a.path, a.name FROM patrol_areas pa JOIN areas a ON a.id = "
                      "pa.area_id WHERE pa.patrol_id = $1 ORDER BY a.path");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    json_t *ids = json_array();
    while ((st = db_step(s)) == DB_ROW) {
        json_array_append_new(ids, json_string(db_col_text(s, 0)));
        json_array_append_new(area_paths, json_string(db_col_text(s, 1)));
    }
    e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    json_object_set_new(*out, "area_ids", ids);
    return e;
}

enum err patrol_repo_coverage(struct tx *tx, const struct scope *sc, int64_t from, int64_t to,
                              json_t *items)
{
    char sql[4096] = "SELECT v.id, v.code, v.name, v.level, (SELECT COUNT(DISTINCT p.id) FROM "
                     "patrols p JOIN patrol_areas pa ON pa.patrol_id = p.id JOIN areas a ON "
                     "a.id = pa.area_id WHERE p.started_at >= $1 AND p.started_at <= $2 AND "
                     "(substr(v.path, 1, length(a.path)) = a.path OR substr(a.path, 1, "
                     "length(v.path)) = v.path)) FROM areas v WHERE v.level IN ('village', "
                     "'community') AND ";
    size_t n = scope_sql(sc, "v.path", 3, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY v.code");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, from);
    db_bind_int64(s, 2, to);
    for (size_t i = 0; i < n; i++)
        db_bind_text(s, 3 + (int)i, sc->paths[i]);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(items, json_pack("{ss ss ss ss sI}", "id", db_col_text(s, 0), "code",
                                               db_col_text(s, 1), "name", db_col_text(s, 2),
                                               "level", db_col_text(s, 3), "patrols",
                                               (json_int_t)db_col_int64(s, 4)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err patrol_repo_unit_kind(struct tx *tx, const char *unit_id, char kind[16])
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT kind FROM units WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, unit_id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        snprintf(kind, 16, "%s", db_col_text(s, 0));
    db_finish(s);
    return e;
}

enum err patrol_repo_is_member(struct tx *tx, const char *patrol_id, const char *user_id,
                               bool *member)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT 1 FROM patrols p JOIN patrol_members m "
                                                "ON m.team_id = p.team_id WHERE p.id = $1 AND "
                                                "m.user_id = $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, patrol_id);
    db_bind_text(s, 2, user_id);
    enum db_step st = db_step(s);
    *member = st == DB_ROW;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
