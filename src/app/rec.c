/*
 * Record helpers shared by the business modules (see rec.h).
 */
#include "app/rec.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "store/tx.h"
#include "core/xalloc.h"

enum err rec_not_found(struct ctx *ctx, const char *what, const char *field)
{
    ctx->denial = true;
    return err_set(&ctx->err, ERR_NOT_FOUND, field, "no such %s", what);
}

enum err rec_forbidden(struct ctx *ctx, const char *what)
{
    ctx->denial = true;
    return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "your role may not %s", what);
}

json_t *rec_time(int64_t t)
{
    if (!t)
        return json_null();
    char s[TIME_ISO_LEN];
    time_iso(t, s);
    return json_string(s);
}

bool rec_cursor_parse(const char *cursor, int64_t *key, char id[RAND_ID_LEN + 1])
{
    long long k = 0;
    *key = 0;
    id[0] = '\0';
    if (!cursor)
        return true;
    if (sscanf(cursor, "%lld.%26s", &k, id) != 2 || k <= 0)
        return false;
    *key = k;
    return true;
}

char *rec_cursor_next(json_t *items, bool more)
{
    size_t n = json_array_size(items);
    char *next = NULL;
    if (more && n) {
        json_t *last = json_array_get(items, n - 1);
        next = xasprintf("%lld.%s", (long long)json_integer_value(json_object_get(last, "_key")),
                         json_string_value(json_object_get(last, "id")));
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) json_object_del(it, "_key");
    return next;
}

bool rec_meets(const struct scope *sc, const char *path)
{
    if (scope_has_path(sc, path))
        return true;
    for (size_t i = 0; i < sc->n; i++)
        if (str_starts_with(sc->paths[i], path))
            return true;
    return false;
}

struct list_arg {
    struct ctx *ctx;
    rec_page_fn page;
    const void *query;
    int64_t key;
    char id[RAND_ID_LEN + 1];
    json_t *items;
    bool more;
};

static enum err list_fn(struct tx *tx, void *argv)
{
    struct list_arg *a = argv;
    json_array_clear(a->items);
    a->more = false;
    return a->page(tx, a->ctx, a->query, a->key, a->id, a->items, &a->more);
}

enum err rec_list(struct ctx *ctx, rec_page_fn page, const void *query, const char *cursor,
                  bool write, json_t **items, char **next)
{
    struct list_arg a = {.ctx = ctx, .page = page, .query = query, .items = json_array()};
    if (!rec_cursor_parse(cursor, &a.key, a.id)) {
        json_decref(a.items);
        return err_set(&ctx->err, ERR_INVALID, "cursor", "bad cursor");
    }
    enum err e = tx_run(ctx->app->db, write, list_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *next = rec_cursor_next(a.items, a.more);
    *items = a.items;
    return ERR_OK;
}
