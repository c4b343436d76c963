/*
 * All SQL of users and their areas.
 */
#include "user/user_repo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define USER_COLS                                                                                  \
    "id, username, name, role, unit_id, password_hash, totp_secret, totp_pending, "                \
    "totp_last_step, disabled, version, created_at, updated_at"

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static void read_row(struct db_stmt *s, struct user_row *u)
{
    memset(u, 0, sizeof *u);
    cp(u->id, sizeof u->id, db_col_text(s, 0));
    cp(u->username, sizeof u->username, db_col_text(s, 1));
    cp(u->name, sizeof u->name, db_col_text(s, 2));
    u->role = role_from_str(db_col_text(s, 3));
    cp(u->unit_id, sizeof u->unit_id, db_col_text(s, 4));
    cp(u->password_hash, sizeof u->password_hash, db_col_text(s, 5));
    u->totp_secret = db_col_text(s, 6) ? xstrdup(db_col_text(s, 6)) : NULL;
    u->totp_pending = db_col_text(s, 7) ? xstrdup(db_col_text(s, 7)) : NULL;
    u->totp_last_step = db_col_int64(s, 8);
    u->disabled = db_col_int64(s, 9) != 0;
    u->version = db_col_int64(s, 10);
    u->created_at = db_col_int64(s, 11);
    u->updated_at = db_col_int64(s, 12);
}

static enum err get_one(struct tx *tx, const char *sql, const char *key, struct user_row *u)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, key);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        read_row(s, u);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err user_repo_by_username(struct tx *tx, const char *username, struct user_row *u)
{
    return get_one(tx, "SELECT " USER_COLS " FROM users WHERE username = $1", username, u);
}

enum err user_repo_by_id(struct tx *tx, const char *id, struct user_row *u)
{
    return get_one(tx, "SELECT " USER_COLS " FROM users WHERE id = $1", id, u);
}

static void bind_row(struct db_stmt *s, const struct user_row *u)
{
    db_bind_text(s, 1, u->id);
    db_bind_text(s, 2, u->username);
    db_bind_text(s, 3, u->name);
    db_bind_text(s, 4, role_name(u->role));
    db_bind_text(s, 5, u->unit_id[0] ? u->unit_id : NULL);
    db_bind_text(s, 6, u->password_hash);
    db_bind_text(s, 7, u->totp_secret);
    db_bind_text(s, 8, u->totp_pending);
    db_bind_int64(s, 9, u->totp_last_step);
    db_bind_int64(s, 10, u->disabled ? 1 : 0);
    db_bind_int64(s, 11, u->version);
    db_bind_int64(s, 12, u->created_at);
    db_bind_int64(s, 13, u->updated_at);
}

enum err user_repo_insert(struct tx *tx, const struct user_row *u)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "INSERT INTO users (" USER_COLS ") VALUES "
                                                "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                                                "$11, $12, $13)");
    if (!s)
        return ERR_INTERNAL;
    bind_row(s, u);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err user_repo_update(struct tx *tx, const struct user_row *u)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "UPDATE users SET username = $2, name = $3, role = $4, unit_id = $5, "
                     "password_hash = $6, totp_secret = $7, totp_pending = $8, "
                     "totp_last_step = $9, disabled = $10, version = $11, created_at = $12, "
                     "updated_at = $13 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    bind_row(s, u);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err user_repo_area_ids(struct tx *tx, const char *user_id, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT ua.area_id FROM user_areas ua "
                                                "JOIN areas a ON a.id = ua.area_id "
                                                "WHERE ua.user_id = $1 ORDER BY a.path");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err user_repo_set_areas(struct tx *tx, const char *user_id, const char *const *area_ids,
                             size_t n)
{
    struct db_conn *c = tx_conn(tx);
    struct db_stmt *s = db_prepare(c, "DELETE FROM user_areas WHERE user_id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    for (size_t i = 0; i < n && e == ERR_OK; i++) {
        s = db_prepare(c, "INSERT INTO user_areas (user_id, area_id) VALUES ($1, $2) "
                          "ON CONFLICT DO NOTHING");
        if (!s)
            return ERR_INTERNAL;
        db_bind_text(s, 1, user_id);
        db_bind_text(s, 2, area_ids[i]);
        e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
        db_finish(s);
    }
    return e;
}

enum err user_repo_list(struct tx *tx, const char *after, int limit, json_t *usernames)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT username FROM users "
                                                "WHERE ($1 = '' OR username > $1) "
                                                "ORDER BY username LIMIT $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, after ? after : "");
    db_bind_int64(s, 2, limit);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(usernames, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
