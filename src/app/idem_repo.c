/*
 * SQL of idempotency keys.
 */
#include "app/idem.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

bool idem_ref_ok(const char *ref)
{
    size_t n = ref ? strlen(ref) : 0;
    if (n < 1 || n > CLIENT_REF_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ref[i] <= ' ' || ref[i] > '~')
            return false;
    return true;
}

enum err idem_get(struct tx *tx, const char *user_id, const char *kind, const char *ref,
                  bool *found, char id_out[RAND_ID_LEN + 1])
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT object_id FROM idempotency_keys "
                                                "WHERE user_id = $1 AND kind = $2 AND "
                                                "client_ref = $3");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, ref);
    enum db_step st = db_step(s);
    *found = st == DB_ROW;
    if (*found)
        snprintf(id_out, RAND_ID_LEN + 1, "%s", db_col_text(s, 0));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err idem_put(struct tx *tx, const char *user_id, const char *kind, const char *ref,
                  const char *object_id)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO idempotency_keys (user_id, kind, client_ref, "
                                "object_id, created_at) VALUES ($1, $2, $3, $4, $5)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, ref);
    db_bind_text(s, 4, object_id);
    db_bind_int64(s, 5, clock_now());
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}
