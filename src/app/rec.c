/*
 * Record helpers shared by the business modules (see rec.h).
 */
#include "app/rec.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
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
