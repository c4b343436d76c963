/*
 * Handlers of the caller's own inbox. Items belong to one user: another
 * user's item id reads as nonexistent (404).
 */
#include "inbox/inbox_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "store/tx.h"
#include "core/xalloc.h"

struct list_arg {
    const char *user_id;
    bool unread;
    int64_t before_at;
    const char *before_id;
    int limit;
    json_t *items;
    bool more;
};

static enum err list_fn(struct tx *tx, void *argv)
{
    struct list_arg *a = argv;
    json_array_clear(a->items);
    return inbox_repo_list(tx, a->user_id, a->unread, a->before_at, a->before_id, a->limit,
                           a->items, &a->more);
}

void inbox_api_list(struct req *r)
{
    struct list_arg a = {.user_id = r->ctx.who->user_id};
    const char *unread, *cursor;
    if (!q_limit(r, &a.limit) || !q_str(r, "unread", 8, &unread) ||
        !q_str(r, "cursor", 64, &cursor))
        return;
    a.unread = unread && strcmp(unread, "true") == 0;
    char cid[RAND_ID_LEN + 1] = "";
    if (cursor) {
        long long at = 0;
        if (sscanf(cursor, "%lld.%26s", &at, cid) != 2 || at <= 0) {
            resp_fail(r, ERR_INVALID, "cursor", "bad cursor");
            return;
        }
        a.before_at = at;
        a.before_id = cid;
    }
    a.items = json_array();
    enum err e = tx_run(r->ctx.app->db, false, list_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        resp_error(r, e);
        return;
    }
    char next[64] = "";
    size_t n = json_array_size(a.items);
    if (a.more && n) {
        json_t *last = json_array_get(a.items, n - 1);
        snprintf(next, sizeof next, "%lld.%s",
                 (long long)json_integer_value(json_object_get(last, "created_unix")),
                 json_string_value(json_object_get(last, "id")));
    }
    size_t i;
    json_t *it;
    json_array_foreach(a.items, i, it) json_object_del(it, "created_unix");
    resp_list(r, a.items, next[0] ? next : NULL);
}

struct read_arg {
    const char *user_id, *id;
    bool found;
};

static enum err read_fn(struct tx *tx, void *argv)
{
    struct read_arg *a = argv;
    return inbox_repo_mark_read(tx, a->user_id, a->id, &a->found);
}

void inbox_api_read(struct req *r)
{
    struct read_arg a = {r->ctx.who->user_id, req_param(r, 0), false};
    enum err e = tx_run(r->ctx.app->db, true, read_fn, &a);
    if (e == ERR_OK && !a.found)
        e = err_set(&r->ctx.err, ERR_NOT_FOUND, NULL, "no such inbox item");
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_no_content(r);
}
