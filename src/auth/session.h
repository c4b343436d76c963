/*
 * Sessions: 256-bit random tokens, stored only as their SHA-256, with an
 * idle and an absolute expiry ([session] idle_seconds, absolute_seconds) and
 * a CSRF token for cookie-authenticated writes. Sessions live in the
 * database, so any server instance can check any token.
 */
#ifndef CUNJING_AUTH_SESSION_H
#define CUNJING_AUTH_SESSION_H
#include <stdbool.h>

#include "app/app.h"

#define SESSION_COOKIE "cj_session"
#define SESSION_TOKEN_MAX 64

struct tx;

/* Hex SHA-256 of a token. */
void session_hash(const char *token, char out[65]);
/*
 * Checks token and fills p (user, role, scope, csrf). ERR_UNAUTHENTICATED
 * for an unknown, expired or revoked session or a disabled user.
 */
enum err session_check(struct app *app, const char *token, struct principal *p,
                       struct errinfo *info);
/*
 * Loads user_id's principal (user, role, scope) inside tx, as a session check
 * would, for answers that describe the user right after login.
 */
enum err session_load_principal(struct tx *tx, const char *user_id, struct principal *p);
/* {"id","username","name","role","area_ids" (scope roots),"unit_id","totp_enabled"}. */
struct json_t *session_user_json(const struct principal *p);
/* session_check() by the token's hash (streams keep only the hash). */
enum err session_check_hash(struct app *app, const char *hash, struct principal *p);
/* Whether sent equals p's CSRF token (constant time). */
bool session_csrf_ok(const struct principal *p, const char *sent);
/* Creates a session for user_id inside tx; fills token and csrf. */
enum err session_open(struct tx *tx, const char *user_id, const char *ip,
                      char token[SESSION_TOKEN_MAX], char csrf[SESSION_TOKEN_MAX]);
/* Ends one session. */
enum err session_close(struct tx *tx, const char *token_hash);
/* Ends every session of user_id but keep_hash (NULL: all). */
enum err session_close_user(struct tx *tx, const char *user_id, const char *keep_hash);

#endif
