/*
 * SQL of the text-message outbox.
 */
#include "notify/sms_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rand.h"
#include "person/phone.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

void sms_pending_release(struct sms_pending *p)
{
    free(p->phone_sealed);
    free(p->body);
    p->phone_sealed = NULL;
    p->body = NULL;
}

enum err sms_enqueue(struct tx *tx, const struct keys *keys, const char *phone, const char *body,
                     const char *object_type, const char *object_id)
{
    char id[RAND_ID_LEN + 1], masked[24];
    rand_id(id);
    phone_mask(phone, masked, sizeof masked);
    char *sealed = keys_seal(keys, phone, strlen(phone));
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO sms_outbox (id, phone_sealed, phone_masked, body, "
                                "object_type, object_id, created_at) "
                                "VALUES ($1, $2, $3, $4, $5, $6, $7)");
    enum err e = ERR_INTERNAL;
    if (s) {
        db_bind_text(s, 1, id);
        db_bind_text(s, 2, sealed);
        db_bind_text(s, 3, masked);
        db_bind_text(s, 4, body);
        db_bind_text(s, 5, object_type);
        db_bind_text(s, 6, object_id);
        db_bind_int64(s, 7, clock_now());
        e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
        db_finish(s);
    }
    free(sealed);
    return e;
}

enum err sms_repo_pending(struct tx *tx, int max, struct sms_pending *out, int *n)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT id, phone_sealed, phone_masked, body FROM sms_outbox "
                                "WHERE sent_at IS NULL AND attempts < $1 "
                                "ORDER BY created_at, id LIMIT $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, SMS_MAX_ATTEMPTS);
    db_bind_int64(s, 2, max);
    enum db_step st;
    *n = 0;
    while ((st = db_step(s)) == DB_ROW && *n < max) {
        struct sms_pending *p = &out[*n];
        snprintf(p->id, sizeof p->id, "%s", db_col_text(s, 0));
        p->phone_sealed = xstrdup(db_col_text(s, 1));
        snprintf(p->phone_masked, sizeof p->phone_masked, "%s", db_col_text(s, 2));
        p->body = xstrdup(db_col_text(s, 3));
        (*n)++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err sms_repo_done(struct tx *tx, const char *id, bool ok, const char *error)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "UPDATE sms_outbox SET attempts = attempts + 1, "
                                                "sent_at = $2, last_error = $3 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    if (ok)
        db_bind_int64(s, 2, clock_now());
    else
        db_bind_null(s, 2);
    db_bind_text(s, 3, ok ? NULL : error);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}
