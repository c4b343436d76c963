/*
 * A growing byte buffer with a ceiling (after curl's dynbuf). Invariants:
 * data is NULL or NUL-terminated at len; len <= max. An append that would pass
 * max fails, frees the contents and leaves the buffer empty and valid, so a
 * caller checks once at the end. The buffer owns data until buf_detach().
 */
#ifndef CUNJING_CORE_BUF_H
#define CUNJING_CORE_BUF_H
#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* ceiling for len */
};

void buf_init(struct buf *b, size_t max);
/* Appends n bytes; false (and the buffer emptied) when max would be passed. */
bool buf_append(struct buf *b, const void *p, size_t n);
bool buf_puts(struct buf *b, const char *s);
bool buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* Frees the contents; the buffer stays usable (empty). */
void buf_release(struct buf *b);
/* Returns data (never NULL; caller frees) and leaves the buffer empty. */
char *buf_detach(struct buf *b, size_t *len_out);

#endif
