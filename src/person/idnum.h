/*
 * Chinese resident identity card numbers (GB 11643-1999): 6 digits of
 * address code, 8 of birth date (YYYYMMDD), 3 of sequence (odd = male) and one
 * ISO 7064 MOD 11-2 check character (0-9 or X). The address code is not
 * checked against any list: codes change (450121 became 450109) and old cards
 * stay valid. Full numbers never go to logs or lists; idnum_mask() gives the
 * form that may be shown.
 */
#ifndef CUNJING_PERSON_IDNUM_H
#define CUNJING_PERSON_IDNUM_H
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Characters of an ID number, and the buffer size that holds one. */
#define IDNUM_LEN 18
#define IDNUM_SIZE (IDNUM_LEN + 1)

/*
 * Validates the ID number in (NUL-terminated): 18 characters, 17 digits then
 * a digit or X (a lowercase x is accepted), a real birth date from 1850 up to
 * the date of now in the configured zone (core/clock.h), and the check digit.
 * On success writes the normalised number (x -> X) to out and returns ERR_OK.
 * On failure returns ERR_INVALID_ID_NUMBER with a message in ei (field left
 * NULL: the caller knows the field's path) and leaves out untouched.
 * in may be NULL (invalid). ei may be NULL.
 */
enum err idnum_validate(const char *in, char out[IDNUM_SIZE], int64_t now, struct errinfo *ei);

/*
 * Writes the displayable form of id to out (at most outsz bytes, always
 * NUL-terminated when outsz > 0): "450109********1234" for an 18-character
 * number of digits and X (first 6, 8 stars, last 4); anything else becomes
 * one '*' per character so nothing leaks. outsz must be >= IDNUM_SIZE to get the 18
 * characters; a smaller buffer gets stars only. id may be NULL ("").
 */
void idnum_mask(const char *id, char *out, size_t outsz);

/* 'M' or 'F' from the 17th digit (odd = male) of a number idnum_validate() accepted. */
char idnum_sex(const char *valid_id);

#endif
