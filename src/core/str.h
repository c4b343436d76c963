/*
 * String helpers that know nothing of cunjing.
 */
#ifndef CUNJING_CORE_STR_H
#define CUNJING_CORE_STR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Well-formed UTF-8 with no NUL byte (no overlongs, no surrogates, <= U+10FFFF). */
bool str_utf8_valid(const char *s, size_t n);
/* Number of code points of valid UTF-8. */
size_t str_utf8_len(const char *s, size_t n);
bool str_starts_with(const char *s, const char *prefix);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void str_hex(const unsigned char *p, size_t n, char *out);
/* Parses a decimal int64 of the whole string; false on junk or overflow. */
bool str_to_int64(const char *s, int64_t *out);
/* Case-insensitive ASCII compare of the whole strings. */
bool str_ieq(const char *a, const char *b);

#endif
