/*
 * Fixed-window rate limits shared by all instances (see ratelimit_repo.c);
 * a window starts at the first hit after the previous window ended.
 * Count the hit in a transaction of its own, so that it stays counted when
 * the request then fails.
 */
#ifndef CUNJING_APP_RATELIMIT_H
#define CUNJING_APP_RATELIMIT_H
#include <stdint.h>

#include "core/err.h"

struct tx;

/*
 * Counts a hit in bucket's window of `window` seconds; *hits gets the count
 * including this one and *window_end the end of the window.
 */
enum err ratelimit_hit(struct tx *tx, const char *bucket, int64_t now, int64_t window, int *hits,
                       int64_t *window_end);

#endif
