/*
 * tx_run(): the one way the domain layer opens a transaction. Busy errors
 * (another writer held the lock past the busy timeout) are retried with a
 * short back-off; everything else is returned as is.
 */
#include "store/tx.h"

#include <time.h>

#include "store/db.h"
#include "core/xalloc.h"

struct tx {
    struct db_conn *c;
};

struct db_conn *tx_conn(struct tx *tx)
{
    return tx->c;
}

enum err tx_run(struct db *db, bool write, tx_fn fn, void *arg)
{
    enum err e = ERR_BUSY;
    for (int attempt = 0; attempt < 3 && e == ERR_BUSY; attempt++) {
        if (attempt) {
            struct timespec ts = {0, 50 * 1000 * 1000L * attempt};
            nanosleep(&ts, NULL);
        }
        struct tx tx = {db_acquire(db)};
        e = db_begin(tx.c, write);
        if (e == ERR_OK) {
            e = fn(&tx, arg);
            if (e == ERR_OK)
                e = db_commit(tx.c);
            else
                db_rollback(tx.c);
        }
        db_release(tx.c);
    }
    return e;
}
