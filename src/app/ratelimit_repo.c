/*
 * Fixed-window rate limits kept in the database (table rate_limits), so every
 * server instance counts the same hits: login attempts per address, public
 * lookups per address.
 */
#include "app/ratelimit.h"

#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

enum err ratelimit_hit(struct tx *tx, const char *bucket, int64_t now, int64_t window, int *hits,
                       int64_t *window_end)
{
    int64_t start = now - now % window;
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) "
                     "ON CONFLICT (bucket) DO UPDATE SET "
                     "hits = CASE WHEN rate_limits.window_start = excluded.window_start "
                     "THEN rate_limits.hits + 1 ELSE 1 END, window_start = excluded.window_start "
                     "RETURNING hits");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, bucket);
    db_bind_int64(s, 2, start);
    enum db_step st = db_step(s);
    *hits = st == DB_ROW ? (int)db_col_int64(s, 0) : 0;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    if (st == DB_ROW)
        db_step(s); /* finish the RETURNING statement */
    db_finish(s);
    *window_end = start + window;
    return e;
}
