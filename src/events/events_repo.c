/*
 * SQL of the event stream. events_emit() also wakes the other instances:
 * the store's notify statement (PostgreSQL NOTIFY, delivered at commit) is
 * a no-op on SQLite, whose single process polls.
 */
#include "events/events_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static const char *dir_name(enum events_dir d)
{
    return d == EVENTS_DOWN ? "down" : d == EVENTS_UP ? "up" : "user";
}

enum err events_emit(struct tx *tx, const char *kind, const char *object_type,
                     const char *object_id, const struct events_audience *aud, json_t *data)
{
    json_t *o = json_pack("{ss ss}", "type", object_type, "id", object_id);
    if (data)
        json_object_update(o, data);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    struct db_conn *c = tx_conn(tx);
    struct db_stmt *s = db_prepare(c, "INSERT INTO events (at, kind, object_type, object_id, "
                                      "user_id, area_path, direction, roles, data) "
                                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)");
    enum err e = ERR_INTERNAL;
    if (s && text) {
        db_bind_int64(s, 1, clock_now());
        db_bind_text(s, 2, kind);
        db_bind_text(s, 3, object_type);
        db_bind_text(s, 4, object_id);
        db_bind_text(s, 5, aud->dir == EVENTS_TO_USER ? aud->user_id : NULL);
        db_bind_text(s, 6, aud->dir == EVENTS_TO_USER ? NULL : aud->area_path);
        db_bind_text(s, 7, dir_name(aud->dir));
        db_bind_int64(s, 8, aud->roles);
        db_bind_text(s, 9, text);
        e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
        db_finish(s);
    }
    free(text);
    if (e == ERR_OK)
        e = db_notify(c, "cunjing_events");
    return e;
}

void event_row_release(struct event_row *e)
{
    free(e->data);
    e->data = NULL;
}

enum err events_repo_since(struct tx *tx, int64_t after, int max, struct event_row *out, int *n)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT id, kind, user_id, area_path, direction, roles, data, object_id "
                     "FROM events WHERE id > $1 ORDER BY id LIMIT $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, after);
    db_bind_int64(s, 2, max);
    enum db_step st;
    *n = 0;
    while ((st = db_step(s)) == DB_ROW && *n < max) {
        struct event_row *e = &out[*n];
        memset(e, 0, sizeof *e);
        e->id = db_col_int64(s, 0);
        snprintf(e->kind, sizeof e->kind, "%s", db_col_text(s, 1));
        snprintf(e->user_id, sizeof e->user_id, "%s", db_col_text(s, 2) ? db_col_text(s, 2) : "");
        snprintf(e->area_path, sizeof e->area_path, "%s",
                 db_col_text(s, 3) ? db_col_text(s, 3) : "");
        const char *dir = db_col_text(s, 4);
        e->aud.dir = dir && !strcmp(dir, "down") ? EVENTS_DOWN
                     : dir && !strcmp(dir, "up") ? EVENTS_UP
                                                 : EVENTS_TO_USER;
        e->aud.user_id = e->user_id;
        e->aud.area_path = e->area_path;
        e->aud.roles = (unsigned)db_col_int64(s, 5);
        e->data = xstrdup(db_col_text(s, 6) ? db_col_text(s, 6) : "{}");
        snprintf(e->object_id, sizeof e->object_id, "%s",
                 db_col_text(s, 7) ? db_col_text(s, 7) : "");
        (*n)++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err events_repo_last_id(struct tx *tx, int64_t *id)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT COALESCE(MAX(id), 0) FROM events");
    if (!s)
        return ERR_INTERNAL;
    enum db_step st = db_step(s);
    *id = st == DB_ROW ? db_col_int64(s, 0) : 0;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err events_repo_wait(struct db *db, int timeout_ms, bool *notified)
{
    return db_wait_notify(db, "cunjing_events", timeout_ms, notified);
}
