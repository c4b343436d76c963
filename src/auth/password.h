/*
 * Passwords: the strength policy and Argon2id hashing (libsodium). Hashes are
 * self-describing strings (algorithm, parameters, salt) so that parameters can
 * be raised later without invalidating stored ones. libsodium must be
 * initialised (sodium_init(), core/rand.h rand_init()) before any call here.
 */
#ifndef CUNJING_AUTH_PASSWORD_H
#define CUNJING_AUTH_PASSWORD_H
#include <stdbool.h>

#include "core/err.h"

/* Size of a stored hash string including its NUL (crypto_pwhash_STRBYTES). */
#define PASSWORD_HASH_SIZE 128
/* Longest password accepted, in bytes (hashing cost must not be the attacker's choice). */
#define PASSWORD_MAX_BYTES 128

/*
 * Checks pw against the policy: valid UTF-8, at least min_length code points,
 * at most PASSWORD_MAX_BYTES bytes, and characters from at least min_classes
 * of the four classes lowercase ASCII, uppercase ASCII, digits, other (any
 * other character, non-ASCII included). Returns ERR_OK, or ERR_INVALID with
 * field "password" and a message stating the rule broken. pw may be NULL
 * (invalid); ei may be NULL.
 */
enum err password_policy_check(const char *pw, int min_length, int min_classes, struct errinfo *ei);

/*
 * Hashes pw (not NULL) with Argon2id (interactive limits) and a random salt into out.
 * Returns ERR_OK, or ERR_INTERNAL (out of memory for the hash's working set)
 * with out set to "". Takes about 0.1 s and 64 MiB: never call under a lock.
 */
enum err password_hash(const char *pw, char out[PASSWORD_HASH_SIZE]);

/*
 * Whether pw matches hash (a string from password_hash()). False for a NULL
 * or malformed hash or a NULL pw. Takes as long as password_hash().
 */
bool password_verify(const char *hash, const char *pw);

/*
 * Verifies pw against a fixed dummy hash with the same parameters and throws
 * the answer away, so that a login for an unknown user costs as much as one
 * for a known user. The dummy hash is computed on the first call (once,
 * thread-safe).
 */
void password_verify_dummy(const char *pw);

#endif
