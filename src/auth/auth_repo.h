/*
 * SQL of the auth module: sessions, login failures and locks, rate limits.
 */
#ifndef CUNJING_AUTH_AUTH_REPO_H
#define CUNJING_AUTH_AUTH_REPO_H
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

struct tx;

struct session_row {
    char user_id[RAND_ID_LEN + 1];
    char csrf[64];
    int64_t created_at, last_seen_at;
    char username[64];
    char name[128];
    char role[32];
    char unit_id[RAND_ID_LEN + 1];
    bool disabled;
    bool totp_enabled;
};

/* ERR_NOT_FOUND when no such session. */
enum err auth_repo_session_get(struct tx *tx, const char *hash, struct session_row *out);
/* The user columns of a session_row for user_id (csrf and times empty). */
enum err auth_repo_user_get(struct tx *tx, const char *user_id, struct session_row *out);
enum err auth_repo_session_insert(struct tx *tx, const char *hash, const char *user_id,
                                  const char *csrf, int64_t now, const char *ip);
enum err auth_repo_session_touch(struct tx *tx, const char *hash, int64_t now);
enum err auth_repo_session_delete(struct tx *tx, const char *hash);
enum err auth_repo_session_delete_user(struct tx *tx, const char *user_id, const char *keep);
/* Deletes sessions idle since before idle_before or created before created_before. */
enum err auth_repo_session_prune(struct tx *tx, int64_t idle_before, int64_t created_before);

/* Lock until (0 when none or expired). */
enum err auth_repo_lock_get(struct tx *tx, const char *username, int64_t now, int64_t *until);
enum err auth_repo_lock_set(struct tx *tx, const char *username, int64_t until);
/* Records a failure and returns the failures since `since`. */
enum err auth_repo_failure_add(struct tx *tx, const char *username, int64_t now, int64_t since,
                               int *count);
enum err auth_repo_failures_clear(struct tx *tx, const char *username);
#endif
