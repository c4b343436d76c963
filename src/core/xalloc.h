/*
 * Allocation that cannot fail: out of memory is not an expected failure in
 * cunjing, so these abort with a message instead of returning NULL. Every
 * returned pointer is owned by the caller and released with free().
 */
#ifndef CUNJING_CORE_XALLOC_H
#define CUNJING_CORE_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include "core/banned.h"
#endif
