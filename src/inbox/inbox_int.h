/*
 * Internals of the inbox module: its repository.
 */
#ifndef CUNJING_INBOX_INBOX_INT_H
#define CUNJING_INBOX_INBOX_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "inbox/inbox.h"

enum err inbox_repo_list(struct tx *tx, const char *user_id, bool unread_only, int64_t before_at,
                         const char *before_id, int limit, json_t *items, bool *more);
enum err inbox_repo_mark_read(struct tx *tx, const char *user_id, const char *id, bool *found);

#endif
