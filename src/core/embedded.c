/*
 * Lookup in the sorted arrays that scripts/embed.c generates.
 */
#include "core/embedded.h"

#include <string.h>

#include "core/xalloc.h"

const struct embedded_file *embedded_find(const struct embedded_file *files, size_t count,
                                          const char *name)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(files[mid].name, name);
        if (c == 0)
            return &files[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
