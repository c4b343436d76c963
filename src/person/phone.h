/*
 * Mainland Chinese phone numbers: mobiles (11 digits, 1[3-9]..., optionally
 * written with +86 or 86 in front) and landlines (area code 0 + 2 or 3
 * digits, then a 7- or 8-digit subscriber number). Numbers are stored in
 * their normalised form and shown masked outside detail views and logs.
 */
#ifndef CUNJING_PERSON_PHONE_H
#define CUNJING_PERSON_PHONE_H
#include <stddef.h>

#include "core/err.h"

/* Buffer size that holds any normalised number ("0771-48123456" is 13 + NUL). */
#define PHONE_SIZE 16

/*
 * Validates in (NUL-terminated; spaces and hyphens are ignored) and writes
 * its normalised form to out (outsz >= PHONE_SIZE): a mobile as its 11 digits
 * ("13812345678"), a landline as area code, hyphen, subscriber number
 * ("0771-4812345"). Area codes 010 and 02x have 3 digits, all others 4 (the
 * national numbering plan), so a number typed without a hyphen is split the
 * same way; a subscriber number never starts with 0.
 * Returns ERR_OK, or ERR_INVALID with a message in ei (field left NULL: the
 * caller knows the field's path), or ERR_INTERNAL when outsz < PHONE_SIZE.
 * out is written only on success. in may be NULL (invalid); ei may be NULL.
 */
enum err phone_validate(const char *in, char *out, size_t outsz, struct errinfo *ei);

/*
 * Writes the displayable form of p to out (always NUL-terminated when
 * outsz > 0): a mobile "138****5678", a landline its area code and last two
 * digits ("0771-*****45"). p may be in any form phone_validate() accepts; it
 * is normalised first. Anything else, or a buffer under PHONE_SIZE, becomes
 * stars only. p may be NULL ("").
 */
void phone_mask(const char *p, char *out, size_t outsz);

#endif
