/*
 * SQL of the inbox.
 */
#include "inbox/inbox_int.h"

#include <stdio.h>

#include "core/clock.h"
#include "core/rand.h"
#include "events/events.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

enum err inbox_add(struct tx *tx, const char *user_id, const char *kind, const char *title,
                   const char *object_type, const char *object_id)
{
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO inbox (id, user_id, kind, title, object_type, "
                                "object_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, user_id);
    db_bind_text(s, 3, kind);
    db_bind_text(s, 4, title);
    db_bind_text(s, 5, object_type);
    db_bind_text(s, 6, object_id);
    db_bind_int64(s, 7, clock_now());
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    if (e == ERR_OK) {
        struct events_audience aud = {.dir = EVENTS_TO_USER, .user_id = user_id};
        json_t *data = json_pack("{ss ss s{ss ss}}", "kind", kind, "title", title, "object", "type",
                                 object_type, "id", object_id);
        e = events_emit(tx, "inbox", "inbox_item", id, &aud, data);
        json_decref(data);
    }
    return e;
}

enum err inbox_repo_list(struct tx *tx, const char *user_id, bool unread_only, int64_t before_at,
                         const char *before_id, int limit, json_t *items, bool *more)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx),
                   "SELECT id, kind, title, object_type, object_id, created_at, read_at FROM inbox "
                   "WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL) "
                   "AND ($3 = 0 OR created_at < $3 OR (created_at = $3 AND id < $4)) "
                   "ORDER BY created_at DESC, id DESC LIMIT $5");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    db_bind_int64(s, 2, unread_only ? 1 : 0);
    db_bind_int64(s, 3, before_at);
    db_bind_text(s, 4, before_id ? before_id : "");
    db_bind_int64(s, 5, limit + 1);
    enum db_step st;
    int n = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (n == limit) {
            *more = true;
            break;
        }
        char at[TIME_ISO_LEN];
        time_iso(db_col_int64(s, 5), at);
        json_array_append_new(
            items, json_pack("{ss ss ss s{ss ss} ss sb sI}", "id", db_col_text(s, 0), "kind",
                             db_col_text(s, 1), "title", db_col_text(s, 2), "object", "type",
                             db_col_text(s, 3), "id", db_col_text(s, 4), "created_at", at, "read",
                             !db_col_null(s, 6), "created_unix", (json_int_t)db_col_int64(s, 5)));
        n++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err inbox_repo_mark_read(struct tx *tx, const char *user_id, const char *id, bool *found)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "UPDATE inbox SET read_at = COALESCE(read_at, $3) "
                                                "WHERE id = $1 AND user_id = $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, user_id);
    db_bind_int64(s, 3, clock_now());
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    *found = db_changes(s) > 0;
    db_finish(s);
    return e;
}
