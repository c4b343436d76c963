/*
 * Schema migrations: numbered SQL files (src/store/migrations/NNNN_what.sql,
 * with NNNN_what.pg.sql where PostgreSQL needs its own form) compiled into the
 * binary, applied in order, each in its own transaction and recorded in
 * schema_migrations. Never edit a merged migration; add a new one.
 */
#ifndef CUNJING_STORE_MIGRATE_H
#define CUNJING_STORE_MIGRATE_H
#include "core/err.h"

struct db;

/* The highest migration version this binary knows. */
int migrate_latest(void);
/* The version the database is at (0 for an empty database); -1 on error. */
int migrate_current(struct db *db);
/*
 * Applies every pending migration. Refuses (ERR_INVALID) a database whose
 * version is newer than the binary. *from and *to get the versions before/after.
 */
enum err migrate_run(struct db *db, int *from, int *to, struct errinfo *info);

#endif
