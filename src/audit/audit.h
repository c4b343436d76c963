/*
 * The audit log: append-only, chained and keyed (see audit_chain.h). Every
 * write appends its record inside the write's own transaction
 * (audit_append), so a write and its audit row commit together or not at
 * all. Denials and failed logins, whose request made no write, are recorded
 * in a transaction of their own (audit_record). The database refuses UPDATE
 * and DELETE on the table; audit_verify() proves nothing was edited, removed
 * or cut off.
 */
#ifndef CUNJING_AUDIT_AUDIT_H
#define CUNJING_AUDIT_AUDIT_H
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct tx;
struct json_t;

/*
 * Appends one record as ctx's caller (the system for the CLI). object is
 * "type/id" or NULL; result is "ok", "denied", an error code... Returns the
 * database error if the row could not be written (the caller's transaction
 * must then fail).
 */
enum err audit_append(struct tx *tx, const struct ctx *ctx, const char *action, const char *object,
                      const char *result);
/* The same, naming the actor explicitly (a login before a session exists). */
enum err audit_append_as(struct tx *tx, const struct ctx *ctx, const char *user_id,
                         const char *username, const char *role, const char *action,
                         const char *object, const char *result);
/* audit_append_as in a write transaction of its own. */
enum err audit_record_as(const struct ctx *ctx, const char *user_id, const char *username,
                         const char *role, const char *action, const char *object,
                         const char *result);
/* audit_append in a write transaction of its own. */
enum err audit_record(const struct ctx *ctx, const char *action, const char *object,
                      const char *result);

struct audit_verify_result {
    bool ok;
    int64_t rows;    /* rows checked */
    int64_t bad_seq; /* first bad seq when !ok */
    char reason[160];
};

/* Walks the whole chain. ERR_OK with out->ok telling the verdict. */
enum err audit_verify(struct app *app, struct audit_verify_result *out);

struct audit_query {
    int64_t from, to; /* Unix seconds, inclusive bounds; 0 = open */
    const char *user; /* username or NULL */
    const char *action;
    int64_t before_seq; /* cursor: only seq < this; 0 = from the newest */
    int limit;
};

/*
 * GET /api/v1/audit for an auditor: fills *items (new reference, a JSON
 * array) and *next_cursor (seq for the next page, 0 at the end). The read is
 * itself audited.
 */
enum err audit_list(struct ctx *ctx, const struct audit_query *q, struct json_t **items,
                    int64_t *next_cursor);

#endif
