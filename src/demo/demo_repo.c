/*
 * SQL of demo mode: emptiness check and the demo flag.
 */
#include "demo/demo.h"

#include "app/meta_repo.h"
#include "audit/audit.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static enum err state_fn(struct tx *tx, void *argv)
{
    bool *empty = argv;
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT (SELECT COUNT(*) FROM users) + "
                                                "(SELECT COUNT(*) FROM areas)");
    if (!s)
        return ERR_INTERNAL;
    enum db_step st = db_step(s);
    *empty = st == DB_ROW && db_col_int64(s, 0) == 0;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err demo_state(struct ctx *ctx, bool *empty)
{
    return tx_run(ctx->app->db, false, state_fn, empty);
}

static enum err mark_fn(struct tx *tx, void *argv)
{
    struct ctx *ctx = argv;
    enum err e = meta_set(tx, "demo", "1");
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "demo.load", NULL, "ok");
    return e;
}

enum err demo_mark(struct ctx *ctx)
{
    return tx_run(ctx->app->db, true, mark_fn, ctx);
}
