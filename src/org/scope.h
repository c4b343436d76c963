/*
 * What a caller may see: the union of the subtrees of a set of areas (the
 * user's areas, or their unit's jurisdiction when they have none). Computed
 * once per request when the session is checked and passed down. Single
 * records are checked with scope_has_path() against the record's current
 * area path; lists filter in SQL by the same paths.
 *
 * Paths are '/'-joined area ids from the root, with a leading and trailing
 * '/', so "is A inside root R" is "A's path starts with R's path".
 */
#ifndef CUNJING_ORG_SCOPE_H
#define CUNJING_ORG_SCOPE_H
#include <stdbool.h>
#include <stddef.h>

struct scope {
    size_t n;
    char **area_ids; /* owned: the roots */
    char **paths;    /* owned: their paths, same order */
    bool everything; /* the whole tree (an admin with no areas) */
};

void scope_init(struct scope *s);
/* Adds a root (copied). A root inside an existing one is not added twice. */
void scope_add(struct scope *s, const char *area_id, const char *path);
/* Whether the area at path lies inside the scope. */
bool scope_has_path(const struct scope *s, const char *path);
void scope_release(struct scope *s);
/*
 * Appends to sql (capacity n) a condition that is true when `column` (an area
 * path) lies inside the scope: "(substr(col, 1, length($k)) = $k OR ...)"
 * with one placeholder per root, numbered from first; "1 = 1" for
 * everything, "1 = 0" for an empty scope. The caller binds paths[i] to
 * first + i. Returns the number of placeholders used.
 */
size_t scope_sql(const struct scope *s, const char *column, int first, char *sql, size_t n);

#endif
