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
    /*
     * The window starts at the first hit after the previous one ended (not at
     * a clock boundary, where a caller could get twice the limit within a few
     * seconds); a bucket whose window ended starts a new one at this hit.
     */
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1) "
                     "ON CONFLICT (bucket) DO UPDATE SET "
                     "hits = CASE WHEN rate_limits.window_start > $3 "
                     "THEN rate_limits.hits + 1 ELSE 1 END, "
                     "window_start = CASE WHEN rate_limits.window_start > $3 "
                     "THEN rate_limits.window_start ELSE excluded.window_start END "
                     "RETURNING hits, window_start");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, bucket);
    db_bind_int64(s, 2, now);
    db_bind_int64(s, 3, now - window);
    enum db_step st = db_step(s);
    *hits = st == DB_ROW ? (int)db_col_int64(s, 0) : 0;
    int64_t start = st == DB_ROW ? db_col_int64(s, 1) : now;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    if (st == DB_ROW)
        db_step(s); /* finish the RETURNING statement */
    db_finish(s);
    *window_end = start + window;
    return e;
}
