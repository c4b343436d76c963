/*
 * Users: who may log in, with which role and scope. Created by an admin
 * (POST /api/v1/users) or the command line (`cunjing user add`) under the same
 * rules; an assistant user gets their assistants row at once. Users whose
 * role requires TOTP receive a secret at creation (returned once as an
 * otpauth:// URI); others may enrol through /api/v1/me/totp.
 */
#ifndef CUNJING_USER_USER_H
#define CUNJING_USER_USER_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct tx;

#define USERNAME_MAX 32
#define USER_NAME_MAX 64
#define USER_MAX_AREAS 64

struct user_row {
    char id[RAND_ID_LEN + 1];
    char username[USERNAME_MAX + 1];
    char name[4 * USER_NAME_MAX + 1];
    enum role role;
    char unit_id[RAND_ID_LEN + 1];
    char password_hash[160];
    char *totp_secret;  /* sealed, owned; NULL when none */
    char *totp_pending; /* sealed, owned */
    int64_t totp_last_step;
    bool disabled;
    int64_t version;
    int64_t created_at, updated_at;
};

void user_row_release(struct user_row *u);

struct user_input {
    const char *username;
    const char *name;
    const char *role;
    const char *password;
    const char *const *areas; /* area ids (API) or codes (CLI, by_code) */
    size_t n_areas;
    bool areas_by_code;
    const char *unit; /* unit id (API) or code (CLI) */
    bool unit_by_code;
    /* An Argon2id hash to use instead of hashing password (the demo loader
       creates a hundred users with one password); skips the policy check. */
    const char *password_hash;
};

/*
 * Creates a user. Outputs (may be NULL): *user_json (new reference) and
 * *otpauth (owned string; NULL when the role has no TOTP).
 */
enum err user_create(struct ctx *ctx, const struct user_input *in, json_t **user_json,
                     char **otpauth);

struct user_patch {
    int64_t version;
    const char *name; /* NULL: unchanged */
    const char *role; /* NULL: unchanged */
    bool set_areas;
    const char *const *areas; /* ids */
    size_t n_areas;
    bool set_unit;
    const char *unit; /* id or NULL to clear */
    int disabled;     /* -1 unchanged */
    const char *password;
};
/* PATCH /api/v1/users/{id}: ERR_VERSION_CONFLICT puts the current user in *user_json. */
enum err user_update(struct ctx *ctx, const char *id, const struct user_patch *p,
                     json_t **user_json, char **otpauth);
enum err user_get(struct ctx *ctx, const char *id, json_t **user_json);
enum err user_list(struct ctx *ctx, const char *after, int limit, json_t **items,
                   char **next_cursor);
/* `cunjing user passwd` / `user disable` by username. */
enum err user_set_password(struct ctx *ctx, const char *username, const char *password);
enum err user_disable(struct ctx *ctx, const char *username);

/* The JSON of a user as the API shows it (area_ids read in tx). */
enum err user_to_json(struct tx *tx, const struct user_row *u, json_t **out);

/* /api/v1/me/... for the caller. */
enum err user_change_password(struct ctx *ctx, const char *current, const char *next);
enum err user_totp_begin(struct ctx *ctx, char **otpauth);
enum err user_totp_confirm(struct ctx *ctx, const char *code);
enum err user_totp_disable(struct ctx *ctx, const char *code);

/* The otpauth:// URI of a user's TOTP secret (demo mode only); caller frees. */
enum err user_totp_uri(struct ctx *ctx, const char *username, char **uri);

/* Whether a username is well-formed: 3-32 of a-z 0-9 . _ - starting with a letter or digit. */
bool user_username_ok(const char *username);

#endif
