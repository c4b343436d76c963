/*
 * Small helpers every record module shares: the answers for out-of-scope
 * and forbidden (both marked as denials for the audit log), times as JSON,
 * and the "created_at.id" cursors of newest-first lists.
 */
#ifndef CUNJING_APP_REC_H
#define CUNJING_APP_REC_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

/* ERR_NOT_FOUND "no such <what>" (field may be NULL), a denial. */
enum err rec_not_found(struct ctx *ctx, const char *what, const char *field);
/* ERR_FORBIDDEN "your role may not <what>", a denial. */
enum err rec_forbidden(struct ctx *ctx, const char *what);
/* ISO 8601 in the configured zone, or null for 0 (new reference). */
json_t *rec_time(int64_t t);
/* Parses "KEY.ID" (NULL cursor: *key = 0); false on a malformed cursor. */
bool rec_cursor_parse(const char *cursor, int64_t *key, char id[RAND_ID_LEN + 1]);
/*
 * The next cursor from the last item's "_key" and "id" when more items
 * follow (owned string or NULL); removes "_key" from every item.
 */
char *rec_cursor_next(json_t *items, bool more);
/* Whether an area (by path) meets the scope: inside it, or holding one of its roots. */
bool rec_meets(const struct scope *sc, const char *path);

struct tx;

/*
 * One page of a newest-first list, as the repositories produce it: items
 * carry "_key" (the cursor key) and "id"; *more when another page follows.
 */
typedef enum err (*rec_page_fn)(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                                const char *id, json_t *items, bool *more);
/*
 * Runs page for the cursor in a read transaction (write: in a write one, for
 * lists whose reading is audited) and hands back the items (new reference)
 * and the next cursor (owned, NULL at the end). A bad cursor is 422.
 */
enum err rec_list(struct ctx *ctx, rec_page_fn page, const void *query, const char *cursor,
                  bool write, json_t **items, char **next);

#endif
