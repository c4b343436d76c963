/*
 * Copying a whole database from one backend to another (`cunjing
 * migrate-db`): every table of the source, into a migrated and empty target,
 * in one transaction, and a count of each table on both sides afterwards.
 */
#ifndef CUNJING_STORE_COPY_H
#define CUNJING_STORE_COPY_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct db;

#define COPY_MAX_TABLES 128

struct copy_report {
    size_t n;
    struct {
        char name[64];
        int64_t source_rows;
        int64_t target_rows;
    } tables[COPY_MAX_TABLES];
};

/*
 * Copies src (SQLite) into dst (already migrated to the same schema version).
 * Refuses (ERR_INVALID) a target with any row in any table. After the commit
 * the rows of each table are counted on both sides; a difference is ERR_INTERNAL.
 */
enum err db_copy_all(struct db *src, struct db *dst, struct copy_report *rep, struct errinfo *info);

#endif
