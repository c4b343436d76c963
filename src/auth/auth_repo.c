/*
 * All SQL of sessions, login throttling and rate limits. Kept in the
 * database (not in process memory) so several server instances share them.
 */
#include "auth/auth_repo.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static enum err run_done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err auth_repo_session_get(struct tx *tx, const char *hash, struct session_row *out)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.username, "
                     "u.name, u.role, u.unit_id, u.disabled, u.totp_secret IS NOT NULL "
                     "FROM sessions s "
                     "JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, hash);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        cp(out->user_id, sizeof out->user_id, db_col_text(s, 0));
        cp(out->csrf, sizeof out->csrf, db_col_text(s, 1));
        out->created_at = db_col_int64(s, 2);
        out->last_seen_at = db_col_int64(s, 3);
        cp(out->username, sizeof out->username, db_col_text(s, 4));
        cp(out->name, sizeof out->name, db_col_text(s, 5));
        cp(out->role, sizeof out->role, db_col_text(s, 6));
        cp(out->unit_id, sizeof out->unit_id, db_col_text(s, 7));
        out->disabled = db_col_int64(s, 8) != 0;
        out->totp_enabled = db_col_int64(s, 9) != 0;
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err auth_repo_user_get(struct tx *tx, const char *user_id, struct session_row *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT id, username, name, role, unit_id, disabled, "
                                "totp_secret IS NOT NULL FROM users WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        cp(out->user_id, sizeof out->user_id, db_col_text(s, 0));
        cp(out->username, sizeof out->username, db_col_text(s, 1));
        cp(out->name, sizeof out->name, db_col_text(s, 2));
        cp(out->role, sizeof out->role, db_col_text(s, 3));
        cp(out->unit_id, sizeof out->unit_id, db_col_text(s, 4));
        out->disabled = db_col_int64(s, 5) != 0;
        out->totp_enabled = db_col_int64(s, 6) != 0;
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err auth_repo_session_insert(struct tx *tx, const char *hash, const char *user_id,
                                  const char *csrf, int64_t now, const char *ip)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO sessions (token_hash, user_id, csrf_token, "
                                "created_at, last_seen_at, ip) VALUES ($1, $2, $3, $4, $4, $5)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, hash);
    db_bind_text(s, 2, user_id);
    db_bind_text(s, 3, csrf);
    db_bind_int64(s, 4, now);
    db_bind_text(s, 5, ip);
    return run_done(s);
}

enum err auth_repo_session_touch(struct tx *tx, const char *hash, int64_t now)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, hash);
    db_bind_int64(s, 2, now);
    return run_done(s);
}

enum err auth_repo_session_delete(struct tx *tx, const char *hash)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "DELETE FROM sessions WHERE token_hash = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, hash);
    return run_done(s);
}

enum err auth_repo_session_delete_user(struct tx *tx, const char *user_id, const char *keep)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "DELETE FROM sessions WHERE user_id = $1 AND ($2 = '' OR token_hash <> $2)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    db_bind_text(s, 2, keep ? keep : "");
    return run_done(s);
}

enum err auth_repo_session_prune(struct tx *tx, int64_t idle_before, int64_t created_before)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, idle_before);
    db_bind_int64(s, 2, created_before);
    return run_done(s);
}

enum err auth_repo_lock_get(struct tx *tx, const char *username, int64_t now, int64_t *until)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT until_at FROM login_locks WHERE username = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    *until = 0;
    enum db_step st = db_step(s);
    if (st == DB_ROW && db_col_int64(s, 0) > now)
        *until = db_col_int64(s, 0);
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err auth_repo_lock_set(struct tx *tx, const char *username, int64_t until)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO login_locks (username, until_at) VALUES ($1, $2) "
                     "ON CONFLICT (username) DO UPDATE SET until_at = excluded.until_at");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    db_bind_int64(s, 2, until);
    return run_done(s);
}

enum err auth_repo_failure_add(struct tx *tx, const char *username, int64_t now, int64_t since,
                               int *count)
{
    struct db_conn *c = tx_conn(tx);
    struct db_stmt *s = db_prepare(c, "DELETE FROM login_failures WHERE username = $1 AND at < $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    db_bind_int64(s, 2, since);
    enum err e = run_done(s);
    if (e != ERR_OK)
        return e;
    s = db_prepare(c, "INSERT INTO login_failures (username, at) VALUES ($1, $2)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    db_bind_int64(s, 2, now);
    if ((e = run_done(s)) != ERR_OK)
        return e;
    s = db_prepare(c, "SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    db_bind_int64(s, 2, since);
    enum db_step st = db_step(s);
    *count = st == DB_ROW ? (int)db_col_int64(s, 0) : 0;
    e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err auth_repo_failures_clear(struct tx *tx, const char *username)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "DELETE FROM login_failures WHERE username = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    return run_done(s);
}
