/*
 * SQL of the users module.
 */
#ifndef CUNJING_USER_USER_REPO_H
#define CUNJING_USER_USER_REPO_H
#include "user/user.h"

/* ERR_NOT_FOUND when absent. u is filled (release with user_row_release). */
enum err user_repo_by_username(struct tx *tx, const char *username, struct user_row *u);
enum err user_repo_by_id(struct tx *tx, const char *id, struct user_row *u);
/* ERR_CONFLICT when the username is taken. */
enum err user_repo_insert(struct tx *tx, const struct user_row *u);
/* Writes every mutable column and version = u->version (caller bumps it). */
enum err user_repo_update(struct tx *tx, const struct user_row *u);
enum err user_repo_area_ids(struct tx *tx, const char *user_id, json_t *out);
enum err user_repo_set_areas(struct tx *tx, const char *user_id, const char *const *area_ids,
                             size_t n);
/* Ids of users ordered by username after `after` (NULL: from the start). */
enum err user_repo_list(struct tx *tx, const char *after, int limit, json_t *usernames);

#endif
