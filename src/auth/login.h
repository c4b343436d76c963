/*
 * POST /api/v1/auth/login: password (Argon2id), optional TOTP, throttling.
 * Failures are counted per username whether or not the user exists, and an
 * unknown user costs the same password work as a real one, so the answers
 * and their timing reveal nothing. A per-address rate limit comes first.
 */
#ifndef CUNJING_AUTH_LOGIN_H
#define CUNJING_AUTH_LOGIN_H
#include <jansson.h>

#include "app/app.h"
#include "auth/session.h"

struct login_result {
    char token[SESSION_TOKEN_MAX];
    char csrf[SESSION_TOKEN_MAX];
    json_t *user; /* new reference */
};

/*
 * ERR_OK and *out on success; ERR_INVALID_CREDENTIALS, ERR_TOTP_REQUIRED,
 * ERR_LOCKED or ERR_RATE_LIMITED (with ctx->err.retry_after) otherwise.
 */
enum err auth_login(struct ctx *ctx, const char *username, const char *password, const char *totp,
                    struct login_result *out);
/* Ends the caller's session. */
enum err auth_logout(struct ctx *ctx);

#endif
