/*
 * All SQL of the audit module.
 */
#include "audit/audit_repo.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void copy_hex(char dst[AUDIT_HASH_HEX], const char *src)
{
    snprintf(dst, AUDIT_HASH_HEX, "%s", src ? src : "");
}

enum err audit_repo_head(struct tx *tx, struct audit_head_row *h)
{
    memset(h, 0, sizeof h[0]);
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT seq, hash, mac, base_seq, base_hash FROM audit_head WHERE id = 1");
    if (!s)
        return ERR_INTERNAL;
    enum db_step st = db_step(s);
    if (st == DB_ROW) {
        h->present = true;
        h->seq = db_col_int64(s, 0);
        copy_hex(h->hash, db_col_text(s, 1));
        copy_hex(h->mac, db_col_text(s, 2));
        h->base_seq = db_col_int64(s, 3);
        copy_hex(h->base_hash, db_col_text(s, 4));
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err audit_repo_insert(struct tx *tx, const struct audit_entry *en, const char *user_id,
                           const char *prev_hash, const char *hash)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO audit_log (seq, at, user_id, user_name, role, ip, action, "
                     "object, result, request_id, prev_hash, hash) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, en->seq);
    db_bind_int64(s, 2, en->at);
    db_bind_text(s, 3, user_id);
    db_bind_text(s, 4, en->user ? en->user : "");
    db_bind_text(s, 5, en->role ? en->role : "");
    db_bind_text(s, 6, en->ip ? en->ip : "");
    db_bind_text(s, 7, en->action ? en->action : "");
    db_bind_text(s, 8, en->object ? en->object : "");
    db_bind_text(s, 9, en->result ? en->result : "");
    db_bind_text(s, 10, en->request_id ? en->request_id : "");
    db_bind_text(s, 11, prev_hash);
    db_bind_text(s, 12, hash);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err audit_repo_set_head(struct tx *tx, const struct audit_head_row *h)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "INSERT INTO audit_head (id, seq, hash, mac, base_seq, base_hash) "
        "VALUES (1, $1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
        "mac = excluded.mac, base_seq = excluded.base_seq, base_hash = excluded.base_hash");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, h->seq);
    db_bind_text(s, 2, h->hash);
    db_bind_text(s, 3, h->mac);
    db_bind_int64(s, 4, h->base_seq);
    db_bind_text(s, 5, h->base_hash);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err audit_repo_scan(struct tx *tx, audit_scan_fn fn, void *arg)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT seq, at, user_name, role, ip, action, object, result, "
                                "request_id, prev_hash, hash FROM audit_log ORDER BY seq");
    if (!s)
        return ERR_INTERNAL;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        struct audit_entry en = {
            .seq = db_col_int64(s, 0),
            .at = db_col_int64(s, 1),
            .user = db_col_text(s, 2),
            .role = db_col_text(s, 3),
            .ip = db_col_text(s, 4),
            .action = db_col_text(s, 5),
            .object = db_col_text(s, 6),
            .result = db_col_text(s, 7),
            .request_id = db_col_text(s, 8),
        };
        const char *prev = db_col_text(s, 9);
        const char *hash = db_col_text(s, 10);
        if (!fn(&en, prev ? prev : "", hash ? hash : "", arg)) {
            st = DB_DONE;
            break;
        }
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err audit_repo_list(struct tx *tx, const struct audit_query *q, json_t *items,
                         int64_t *next_cursor)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "SELECT seq, at, user_name, role, ip, action, object, result, request_id FROM audit_log "
        "WHERE ($1 = 0 OR at >= $1) AND ($2 = 0 OR at <= $2) "
        "AND ($3 = '' OR user_name = $3) AND ($4 = '' OR action = $4) "
        "AND ($5 = 0 OR seq < $5) ORDER BY seq DESC LIMIT $6");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, q->from);
    db_bind_int64(s, 2, q->to);
    db_bind_text(s, 3, q->user ? q->user : "");
    db_bind_text(s, 4, q->action ? q->action : "");
    db_bind_int64(s, 5, q->before_seq);
    db_bind_int64(s, 6, q->limit + 1);
    enum db_step st;
    int n = 0;
    int64_t last = 0;
    *next_cursor = 0;
    while ((st = db_step(s)) == DB_ROW) {
        if (n == q->limit) {
            *next_cursor = last;
            break;
        }
        char at[TIME_ISO_LEN];
        time_iso_utc(db_col_int64(s, 1), at);
        last = db_col_int64(s, 0);
        json_array_append_new(items,
                              json_pack("{sI ss ss ss ss ss ss ss ss}", "seq", (json_int_t)last,
                                        "at", at, "user", db_col_text(s, 2), "role",
                                        db_col_text(s, 3), "ip", db_col_text(s, 4), "action",
                                        db_col_text(s, 5), "object", db_col_text(s, 6), "result",
                                        db_col_text(s, 7), "request_id", db_col_text(s, 8)));
        n++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
