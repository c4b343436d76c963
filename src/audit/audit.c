/*
 * Appending to and verifying the audit chain. An append reads the head
 * (locked by the write transaction), computes the next record's keyed hash
 * over the previous hash and the record, inserts the row and moves the head,
 * whose own MAC makes a cut-off tail detectable.
 */
#include "audit/audit.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit_chain.h"
#include "audit/audit_repo.h"
#include "core/clock.h"
#include "core/log.h"
#include "store/tx.h"
#include "core/xalloc.h"

enum err audit_append_as(struct tx *tx, const struct ctx *ctx, const char *user_id,
                         const char *username, const char *role, const char *action,
                         const char *object, const char *result)
{
    struct audit_head_row h;
    enum err e = audit_repo_head(tx, &h);
    if (e != ERR_OK)
        return e;
    if (!h.present) {
        memset(&h, 0, sizeof h);
        h.present = true;
        memset(h.hash, '0', AUDIT_HASH_HEX - 1);
        h.hash[AUDIT_HASH_HEX - 1] = '\0';
        memcpy(h.base_hash, h.hash, AUDIT_HASH_HEX);
    }
    struct audit_entry en = {
        .seq = h.seq + 1,
        .at = clock_now(),
        .user = username,
        .role = role,
        .ip = ctx->ip,
        .action = action,
        .object = object,
        .result = result,
        .request_id = ctx->request_id,
    };
    char hash[AUDIT_HASH_HEX];
    audit_chain_hash(ctx->app->keys.audit, h.hash, &en, hash);
    e = audit_repo_insert(tx, &en, user_id, h.hash, hash);
    if (e != ERR_OK)
        return e;
    h.seq = en.seq;
    memcpy(h.hash, hash, AUDIT_HASH_HEX);
    audit_head_mac(ctx->app->keys.audit, h.seq, h.hash, h.mac);
    return audit_repo_set_head(tx, &h);
}

enum err audit_append(struct tx *tx, const struct ctx *ctx, const char *action, const char *object,
                      const char *result)
{
    const struct principal *p = ctx->who;
    if (!p)
        return audit_append_as(tx, ctx, NULL, "system", "cli", action, object, result);
    return audit_append_as(tx, ctx, p->user_id, p->username, role_name(p->role), action, object,
                           result);
}

struct record_arg {
    const struct ctx *ctx;
    const char *user_id, *username, *role, *action, *object, *result;
};

static enum err record_fn(struct tx *tx, void *argv)
{
    struct record_arg *a = argv;
    return audit_append_as(tx, a->ctx, a->user_id, a->username, a->role, a->action, a->object,
                           a->result);
}

enum err audit_record_as(const struct ctx *ctx, const char *user_id, const char *username,
                         const char *role, const char *action, const char *object,
                         const char *result)
{
    struct record_arg a = {ctx, user_id, username, role, action, object, result};
    enum err e = tx_run(ctx->app->db, true, record_fn, &a);
    if (e != ERR_OK)
        log_error("audit: could not record %s: %s", action, err_code(e));
    return e;
}

enum err audit_record(const struct ctx *ctx, const char *action, const char *object,
                      const char *result)
{
    const struct principal *p = ctx->who;
    if (!p)
        return audit_record_as(ctx, NULL, "system", "cli", action, object, result);
    return audit_record_as(ctx, p->user_id, p->username, role_name(p->role), action, object,
                           result);
}

/* --- verification ------------------------------------------------------ */

struct verify_state {
    const unsigned char *key;
    struct audit_verify_result *out;
    int64_t expect_seq;
    char prev[AUDIT_HASH_HEX];
};

static bool verify_row(const struct audit_entry *e, const char *prev_hash, const char *hash,
                       void *argv)
{
    struct verify_state *v = argv;
    struct audit_verify_result *out = v->out;
    if (e->seq != v->expect_seq) {
        out->ok = false;
        out->bad_seq = v->expect_seq;
        snprintf(out->reason, sizeof out->reason, "record %lld is missing",
                 (long long)v->expect_seq);
        return false;
    }
    char want[AUDIT_HASH_HEX];
    audit_chain_hash(v->key, v->prev, e, want);
    if (strcmp(prev_hash, v->prev) != 0 || strcmp(hash, want) != 0) {
        out->ok = false;
        out->bad_seq = e->seq;
        snprintf(out->reason, sizeof out->reason, "record %lld was altered", (long long)e->seq);
        return false;
    }
    memcpy(v->prev, hash, AUDIT_HASH_HEX);
    v->expect_seq++;
    out->rows++;
    return true;
}

struct verify_arg {
    struct app *app;
    struct audit_verify_result *out;
};

static enum err verify_fn(struct tx *tx, void *argv)
{
    struct verify_arg *a = argv;
    struct audit_verify_result *out = a->out;
    memset(out, 0, sizeof *out);
    out->ok = true;
    struct audit_head_row h;
    enum err e = audit_repo_head(tx, &h);
    if (e != ERR_OK)
        return e;
    struct verify_state v = {.key = a->app->keys.audit, .out = out};
    if (h.present) {
        v.expect_seq = h.base_seq + 1;
        memcpy(v.prev, h.base_hash, AUDIT_HASH_HEX);
    } else {
        v.expect_seq = 1;
        memset(v.prev, '0', AUDIT_HASH_HEX - 1);
        v.prev[AUDIT_HASH_HEX - 1] = '\0';
    }
    e = audit_repo_scan(tx, verify_row, &v);
    if (e != ERR_OK || !out->ok)
        return e;
    int64_t last = v.expect_seq - 1;
    if (!h.present) {
        if (out->rows > 0) {
            out->ok = false;
            out->bad_seq = 1;
            snprintf(out->reason, sizeof out->reason, "the chain's head record is missing");
        }
        return ERR_OK;
    }
    char mac[AUDIT_HASH_HEX];
    audit_head_mac(a->app->keys.audit, h.seq, h.hash, mac);
    if (strcmp(mac, h.mac) != 0) {
        out->ok = false;
        out->bad_seq = last + 1;
        snprintf(out->reason, sizeof out->reason, "the chain's head was altered");
    } else if (h.seq != last || strcmp(h.hash, v.prev) != 0) {
        out->ok = false;
        out->bad_seq = last + 1;
        snprintf(out->reason, sizeof out->reason, "records %lld to %lld are missing (tail cut)",
                 (long long)(last + 1), (long long)h.seq);
    }
    return ERR_OK;
}

enum err audit_verify(struct app *app, struct audit_verify_result *out)
{
    struct verify_arg a = {app, out};
    return tx_run(app->db, false, verify_fn, &a);
}

/* --- listing ------------------------------------------------------------ */

struct list_arg {
    struct ctx *ctx;
    const struct audit_query *q;
    json_t *items;
    int64_t next;
};

static enum err list_fn(struct tx *tx, void *argv)
{
    struct list_arg *a = argv;
    json_array_clear(a->items);
    a->next = 0;
    enum err e = audit_repo_list(tx, a->q, a->items, &a->next);
    if (e != ERR_OK)
        return e;
    return audit_append(tx, a->ctx, "audit.read", NULL, "ok");
}

enum err audit_list(struct ctx *ctx, const struct audit_query *q, json_t **items,
                    int64_t *next_cursor)
{
    if (!ctx->who || !role_can(ctx->who->role, RES_AUDIT, RIGHT_R)) {
        ctx->denial = true;
        return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "only auditors read the audit log");
    }
    struct list_arg a = {ctx, q, json_array(), 0};
    enum err e = tx_run(ctx->app->db, true, list_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *items = a.items;
    *next_cursor = a.next;
    return ERR_OK;
}
