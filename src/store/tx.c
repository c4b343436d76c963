/*
 * tx_run(): the one way the domain layer opens a transaction. With group
 * commit on (the server), a write runs as a job of the store's writer, under
 * its own savepoint in a shared transaction that commits once per batch.
 * Otherwise each call has its own transaction; busy errors (another writer
 * held the lock past the busy timeout) are retried with a short back-off.
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

struct job_arg {
    tx_fn fn;
    void *arg;
};

static enum err job(struct db_conn *c, void *argv)
{
    struct job_arg *a = argv;
    struct tx tx = {c};
    return a->fn(&tx, a->arg);
}

enum err tx_run(struct db *db, bool write, tx_fn fn, void *arg)
{
    if (write && db_group_commit_on(db)) {
        struct job_arg a = {fn, arg};
        return db_write_job(db, job, &a);
    }
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
