/*
 * All SQL of attachments: the attachments table (file, thumbnail and their
 * description, kept in the database so every instance and every backup has
 * them) and the idempotency_keys rows of attachment uploads. Rules live in
 * attach.c; here rows are bound, stepped and mapped, nothing more.
 */
#include <stdio.h>
#include <string.h>

#include "attach/attach_int.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "store/db.h"
#include "store/tx.h"

static enum err run_done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err attach_repo_insert(struct tx *tx, const struct attach_row *row)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO attachments (id, owner_type, owner_id, kind, content_type, "
                     "size, sha256, data, thumb, thumb_type, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
    if (!s)
        return ERR_INTERNAL;
    const struct attach_processed *p = row->p;
    db_bind_text(s, 1, row->id);
    db_bind_text(s, 2, row->owner_type);
    db_bind_text(s, 3, row->owner_id);
    db_bind_text(s, 4, row->kind);
    db_bind_text(s, 5, p->content_type);
    db_bind_int64(s, 6, (int64_t)p->len);
    db_bind_text(s, 7, p->sha256);
    db_bind_blob(s, 8, p->data, p->len);
    if (p->thumb) {
        db_bind_blob(s, 9, p->thumb, p->thumb_len);
        db_bind_text(s, 10, "image/jpeg");
    } else {
        db_bind_null(s, 9);
        db_bind_null(s, 10);
    }
    db_bind_text(s, 11, row->created_by);
    db_bind_int64(s, 12, row->created_at);
    return run_done(s);
}

/* The description of the current row (columns id, kind, content_type, size, sha256). */
static json_t *meta_of(struct db_stmt *s)
{
    return json_pack("{ss ss ss sI ss}", "id", db_col_text(s, 0), "kind", db_col_text(s, 1),
                     "content_type", db_col_text(s, 2), "size", (json_int_t)db_col_int64(s, 3),
                     "sha256", db_col_text(s, 4));
}

enum err attach_repo_meta(struct tx *tx, const char *id, json_t **out)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT id, kind, content_type, size, sha256 FROM attachments WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        *out = meta_of(s);
        e = *out ? ERR_OK : ERR_INTERNAL;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

/* kind with anything but [A-Za-z0-9_-] replaced, so the file name is always safe. */
static void safe_name(char *out, size_t outsz, const char *kind, const char *id, bool thumb,
                      const char *ext)
{
    char k[40];
    size_t i = 0;
    for (; kind && kind[i] && i < sizeof k - 1; i++) {
        char c = kind[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        k[i] = ok ? c : '_';
    }
    k[i] = '\0';
    snprintf(out, outsz, "%s-%.26s%s.%s", i ? k : "file", id, thumb ? "-thumb" : "", ext);
}

enum err attach_repo_read(struct tx *tx, const char *owner_type, const char *owner_id,
                          const char *id, bool thumb, struct attach_blob *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), thumb ? "SELECT kind, thumb_type, thumb FROM attachments "
                                        "WHERE id = $1 AND owner_type = $2 AND owner_id = $3"
                                      : "SELECT kind, content_type, data FROM attachments "
                                        "WHERE id = $1 AND owner_type = $2 AND owner_id = $3");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, owner_type);
    db_bind_text(s, 3, owner_id);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW && !db_col_null(s, 2)) {
        size_t n = 0;
        const void *p = db_col_blob(s, 2, &n);
        const char *ct = db_col_text(s, 1);
        out->data = xmalloc(n ? n : 1);
        if (n)
            memcpy(out->data, p, n);
        out->len = n;
        snprintf(out->content_type, sizeof out->content_type, "%s", ct ? ct : "");
        safe_name(out->filename, sizeof out->filename, db_col_text(s, 0), id, thumb,
                  attach_ext(out->content_type));
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err attach_list(struct tx *tx, const char *owner_type, const char *owner_id, json_t *items)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT id, kind, content_type, size, sha256, created_at, "
                     "thumb IS NOT NULL FROM attachments WHERE owner_type = $1 AND owner_id = $2 "
                     "ORDER BY created_at, id");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, owner_type);
    db_bind_text(s, 2, owner_id);
    enum db_step st;
    enum err e = ERR_OK;
    while ((st = db_step(s)) == DB_ROW) {
        json_t *item = meta_of(s);
        if (!item) {
            e = ERR_INTERNAL;
            break;
        }
        char at[TIME_ISO_LEN];
        time_iso(db_col_int64(s, 5), at);
        json_object_set_new(item, "created_at", json_string(at));
        json_object_set_new(item, "thumb", json_boolean(db_col_int64(s, 6) != 0));
        json_array_append_new(items, item);
    }
    if (e == ERR_OK && st == DB_FAIL)
        e = db_stmt_err(s);
    db_finish(s);
    return e;
}

enum err attach_kinds(struct tx *tx, const char *owner_type, const char *owner_id, json_t *kinds)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT DISTINCT kind FROM attachments "
                                                "WHERE owner_type = $1 AND owner_id = $2");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, owner_type);
    db_bind_text(s, 2, owner_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        const char *k = db_col_text(s, 0);
        if (k)
            json_object_set_new(kinds, k, json_true());
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err attach_repo_idem_get(struct tx *tx, const char *user_id, const char *kind,
                              const char *client_ref, char id_out[RAND_ID_LEN + 1])
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT object_id FROM idempotency_keys "
                                                "WHERE user_id = $1 AND kind = $2 AND "
                                                "client_ref = $3");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, client_ref);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        const char *id = db_col_text(s, 0);
        snprintf(id_out, RAND_ID_LEN + 1, "%s", id ? id : "");
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err attach_repo_idem_put(struct tx *tx, const char *user_id, const char *kind,
                              const char *client_ref, const char *object_id, int64_t now,
                              bool *inserted)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO idempotency_keys (user_id, kind, client_ref, object_id, "
                     "created_at) VALUES ($1, $2, $3, $4, $5) "
                     "ON CONFLICT (user_id, kind, client_ref) DO NOTHING");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, user_id);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, client_ref);
    db_bind_text(s, 4, object_id);
    db_bind_int64(s, 5, now);
    enum err e = ERR_OK;
    if (db_step(s) == DB_FAIL)
        e = db_stmt_err(s);
    else
        *inserted = db_changes(s) > 0;
    db_finish(s);
    return e;
}
