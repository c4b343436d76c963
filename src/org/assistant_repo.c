/*
 * All SQL on the assistants table, plus the two questions its register asks
 * of users: who an assistant is (by username) and which officers' scope
 * holds a village (their user_areas subtrees, or their unit's jurisdiction
 * when they have no areas of their own). Optional filters are bound as ""
 * rather than NULL so that PostgreSQL can infer every parameter's type.
 */
#include <stdio.h>
#include <string.h>

#include "org/org_int.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define ASSISTANT_SELECT                                                                           \
    "SELECT s.id, s.user_id, u.name, s.village_id, v.code, v.name, v.path, s.employer_id, "        \
    "e.name, s.phone, s.contract_start, s.contract_end, s.version "                                \
    "FROM assistants s JOIN users u ON u.id = s.user_id JOIN areas v ON v.id = s.village_id "      \
    "LEFT JOIN areas e ON e.id = s.employer_id "

static void copy_col(char *dst, size_t n, struct db_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    snprintf(dst, n, "%s", v ? v : "");
}

static void read_item(struct db_stmt *s, struct assistant_item *a)
{
    memset(a, 0, sizeof *a);
    copy_col(a->id, sizeof a->id, s, 0);
    copy_col(a->user_id, sizeof a->user_id, s, 1);
    copy_col(a->name, sizeof a->name, s, 2);
    copy_col(a->village_id, sizeof a->village_id, s, 3);
    copy_col(a->village_code, sizeof a->village_code, s, 4);
    copy_col(a->village_name, sizeof a->village_name, s, 5);
    copy_col(a->village_path, sizeof a->village_path, s, 6);
    copy_col(a->employer_id, sizeof a->employer_id, s, 7);
    copy_col(a->employer_name, sizeof a->employer_name, s, 8);
    copy_col(a->phone, sizeof a->phone, s, 9);
    copy_col(a->contract_start, sizeof a->contract_start, s, 10);
    copy_col(a->contract_end, sizeof a->contract_end, s, 11);
    a->version = db_col_int64(s, 12);
}

static enum err one_item(struct db_stmt *s, struct assistant_item *out)
{
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        read_item(s, out);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

static enum err step_done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err assistant_repo_list(struct tx *tx, const struct assistant_filter *f, assistant_fn fn,
                             void *arg)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), ASSISTANT_SELECT "WHERE substr(v.path, 1, length($1)) = $1 "
                                                 "AND ($2 = '' OR s.village_id = $2) "
                                                 "AND ($3 = '' OR s.user_id = $3) "
                                                 "AND (v.code > $4 OR (v.code = $4 AND s.id > $5)) "
                                                 "ORDER BY v.code, s.id LIMIT $6");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, f->root_path);
    db_bind_text(s, 2, f->village_id ? f->village_id : "");
    db_bind_text(s, 3, f->user_id ? f->user_id : "");
    db_bind_text(s, 4, f->after_code ? f->after_code : "");
    db_bind_text(s, 5, f->after_id ? f->after_id : "");
    db_bind_int64(s, 6, f->limit);
    enum err e = ERR_OK;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        struct assistant_item a;
        read_item(s, &a);
        e = fn(&a, arg);
        if (e != ERR_OK)
            break;
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err assistant_repo_by_id(struct tx *tx, const char *id, struct assistant_item *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), ASSISTANT_SELECT "WHERE s.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    return one_item(s, out);
}

enum err assistant_repo_by_user(struct tx *tx, const char *user_id, struct assistant_item *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), ASSISTANT_SELECT "WHERE s.user_id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    return one_item(s, out);
}

enum err assistant_repo_officers_for(struct tx *tx, const char *path, char (*ids)[RAND_ID_LEN + 1],
                                     size_t max, size_t *n)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT u.id FROM users u WHERE u.role = 'officer' AND u.disabled = 0 AND ("
                     "EXISTS (SELECT 1 FROM user_areas ua JOIN areas a ON a.id = ua.area_id "
                     "WHERE ua.user_id = u.id AND substr($1, 1, length(a.path)) = a.path) "
                     "OR (NOT EXISTS (SELECT 1 FROM user_areas ub WHERE ub.user_id = u.id) "
                     "AND EXISTS (SELECT 1 FROM unit_areas xa JOIN areas b ON b.id = xa.area_id "
                     "WHERE xa.unit_id = u.unit_id AND substr($1, 1, length(b.path)) = b.path))) "
                     "ORDER BY u.username LIMIT $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, path);
    db_bind_int64(s, 2, (int64_t)max);
    size_t k = 0;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW && k < max)
        copy_col(ids[k++], RAND_ID_LEN + 1, s, 0);
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    if (e == ERR_OK)
        *n = k;
    return e;
}

enum err assistant_repo_insert(struct tx *tx, const char *id, const char *user_id,
                               const char *village_id, int64_t now)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO assistants (id, user_id, village_id, created_at, "
                                "updated_at) VALUES ($1, $2, $3, $4, $4)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, user_id);
    db_bind_text(s, 3, village_id);
    db_bind_int64(s, 4, now);
    return step_done(s);
}

enum err assistant_repo_move(struct tx *tx, const char *id, const char *village_id, int64_t now)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "UPDATE assistants SET village_id = $2, employer_id = NULL, "
                                "version = version + 1, updated_at = $3 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, village_id);
    db_bind_int64(s, 3, now);
    return step_done(s);
}

enum err assistant_repo_update(struct tx *tx, const char *id, const char *employer_id,
                               const char *phone, const char *contract_start,
                               const char *contract_end, int64_t now)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "UPDATE assistants SET employer_id = $2, phone = $3, contract_start = $4, "
                     "contract_end = $5, version = version + 1, updated_at = $6 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, employer_id);
    db_bind_text(s, 3, phone);
    db_bind_text(s, 4, contract_start);
    db_bind_text(s, 5, contract_end);
    db_bind_int64(s, 6, now);
    return step_done(s);
}

enum err assistant_repo_user_by_name(struct tx *tx, const char *username, struct org_user *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT id, role FROM users WHERE username = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, username);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        copy_col(out->id, sizeof out->id, s, 0);
        copy_col(out->role, sizeof out->role, s, 1);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}
