/*
 * The meta table: small facts about the database itself (key fingerprint,
 * demo flag).
 */
#ifndef CUNJING_APP_META_REPO_H
#define CUNJING_APP_META_REPO_H
#include <stddef.h>

#include "core/err.h"

struct tx;

/* ERR_NOT_FOUND when absent. */
enum err meta_get(struct tx *tx, const char *key, char *out, size_t outsz);
enum err meta_set(struct tx *tx, const char *key, const char *value);

#endif
