/*
 * Transactions for the domain layer, which never sees a database handle:
 * tx_run() takes a connection, opens a read or write transaction, runs fn and
 * commits (or rolls back when fn fails). A write's 2xx must be sent only after
 * tx_run() returned ERR_OK: the commit is durable by then. Repositories get
 * the connection back with tx_conn() (store/db.h).
 */
#ifndef CUNJING_STORE_TX_H
#define CUNJING_STORE_TX_H
#include <stdbool.h>

#include "core/err.h"

struct db;
struct db_conn;
struct tx;

typedef enum err (*tx_fn)(struct tx *tx, void *arg);

/* Runs fn inside a transaction; ERR_BUSY is retried a few times. */
enum err tx_run(struct db *db, bool write, tx_fn fn, void *arg);
/* The connection of a transaction (for repositories). */
struct db_conn *tx_conn(struct tx *tx);

#endif
