/*
 * SQL of the meta table.
 */
#include "app/meta_repo.h"

#include <stdio.h>

#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

enum err meta_get(struct tx *tx, const char *key, char *out, size_t outsz)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT value FROM meta WHERE key = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, key);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        snprintf(out, outsz, "%s", db_col_text(s, 0) ? db_col_text(s, 0) : "");
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err meta_set(struct tx *tx, const char *key, const char *value)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO meta (key, value) VALUES ($1, $2) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, key);
    db_bind_text(s, 2, value);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}
