/*
 * SQL of the audit module. All functions run on the transaction given and
 * return ERR_OK or the database error.
 */
#ifndef CUNJING_AUDIT_AUDIT_REPO_H
#define CUNJING_AUDIT_AUDIT_REPO_H
#include <stdbool.h>
#include <stdint.h>

#include "audit/audit.h"
#include "audit/audit_chain.h"

struct audit_head_row {
    bool present;
    int64_t seq;
    char hash[AUDIT_HASH_HEX];
    char mac[AUDIT_HASH_HEX];
    int64_t base_seq;
    char base_hash[AUDIT_HASH_HEX];
};

/* Reads the head, locking it against other appenders where the driver can. */
enum err audit_repo_head(struct tx *tx, struct audit_head_row *h);
enum err audit_repo_insert(struct tx *tx, const struct audit_entry *e, const char *user_id,
                           const char *prev_hash, const char *hash);
enum err audit_repo_set_head(struct tx *tx, const struct audit_head_row *h);

/* Callback of audit_repo_scan: one row; return false to stop. */
typedef bool (*audit_scan_fn)(const struct audit_entry *e, const char *prev_hash, const char *hash,
                              void *arg);
enum err audit_repo_scan(struct tx *tx, audit_scan_fn fn, void *arg);

enum err audit_repo_list(struct tx *tx, const struct audit_query *q, struct json_t *items,
                         int64_t *next_cursor);

#endif
