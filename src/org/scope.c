/*
 * Scope as a set of subtree roots; see scope.h.
 */
#include "org/scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

void scope_init(struct scope *s)
{
    memset(s, 0, sizeof *s);
}

bool scope_has_path(const struct scope *s, const char *path)
{
    if (!path)
        return false;
    if (s->everything)
        return true;
    for (size_t i = 0; i < s->n; i++)
        if (str_starts_with(path, s->paths[i]))
            return true;
    return false;
}

void scope_add(struct scope *s, const char *area_id, const char *path)
{
    if (scope_has_path(s, path))
        return;
    /* Drop roots that the new one contains. */
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (str_starts_with(s->paths[i], path)) {
            free(s->paths[i]);
            free(s->area_ids[i]);
            continue;
        }
        s->paths[k] = s->paths[i];
        s->area_ids[k] = s->area_ids[i];
        k++;
    }
    s->n = k;
    s->paths = xrealloc(s->paths, (s->n + 1) * sizeof *s->paths);
    s->area_ids = xrealloc(s->area_ids, (s->n + 1) * sizeof *s->area_ids);
    s->paths[s->n] = xstrdup(path);
    s->area_ids[s->n] = xstrdup(area_id);
    s->n++;
}

void scope_release(struct scope *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->paths[i]);
        free(s->area_ids[i]);
    }
    free(s->paths);
    free(s->area_ids);
    scope_init(s);
}

size_t scope_sql(const struct scope *s, const char *column, int first, char *sql, size_t n)
{
    size_t used = strlen(sql);
    if (s->everything || s->n == 0) {
        snprintf(sql + used, n - used, "%s", s->everything ? "1 = 1" : "1 = 0");
        return 0;
    }
    used += (size_t)snprintf(sql + used, n - used, "(");
    for (size_t i = 0; i < s->n && used < n; i++) {
        int k = first + (int)i;
        used += (size_t)snprintf(sql + used, n - used, "%ssubstr(%s, 1, length($%d)) = $%d",
                                 i ? " OR " : "", column, k, k);
    }
    if (used < n)
        snprintf(sql + used, n - used, ")");
    return s->n;
}
