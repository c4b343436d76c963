/*
 * Password policy and Argon2id hashing through libsodium. The policy counts
 * characters as people see them (UTF-8 code points, so a Chinese passphrase
 * is not penalised) and caps bytes so hashing cost stays bounded. Hashing uses
 * crypto_pwhash_str_alg with Argon2id and the interactive limits: about 0.1 s
 * and 64 MiB per login, affordable for a district's logins and slow for an
 * offline attacker. password_verify_dummy() spends the same time for unknown
 * users, so response time does not tell which usernames exist.
 *
 * THREAD SAFETY: libsodium's functions are thread-safe once sodium_init() has
 * run. The only state is the dummy hash, written once under pthread_once and
 * read-only afterwards.
 */
#include "auth/password.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

_Static_assert(PASSWORD_HASH_SIZE == crypto_pwhash_STRBYTES, "hash string size");

/* Class bits of password_policy_check(). */
enum password_class {
    PASSWORD_CLASS_LOWER = 1 << 0,
    PASSWORD_CLASS_UPPER = 1 << 1,
    PASSWORD_CLASS_DIGIT = 1 << 2,
    PASSWORD_CLASS_OTHER = 1 << 3,
};

static unsigned classes_of(const char *pw)
{
    unsigned seen = 0;
    for (const char *p = pw; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            seen |= PASSWORD_CLASS_LOWER;
        else if (*p >= 'A' && *p <= 'Z')
            seen |= PASSWORD_CLASS_UPPER;
        else if (*p >= '0' && *p <= '9')
            seen |= PASSWORD_CLASS_DIGIT;
        else
            seen |= PASSWORD_CLASS_OTHER;
    }
    return seen;
}

static int popcount4(unsigned v)
{
    return (int)(v & 1u) + (int)((v >> 1) & 1u) + (int)((v >> 2) & 1u) + (int)((v >> 3) & 1u);
}

enum err password_policy_check(const char *pw, int min_length, int min_classes, struct errinfo *ei)
{
    if (!pw)
        return err_set(ei, ERR_INVALID, "password", "password is required");
    size_t n = strnlen(pw, PASSWORD_MAX_BYTES + 1);
    if (n > PASSWORD_MAX_BYTES)
        return err_set(ei, ERR_INVALID, "password", "password must be at most %d bytes long",
                       PASSWORD_MAX_BYTES);
    if (!str_utf8_valid(pw, n))
        return err_set(ei, ERR_INVALID, "password", "password must be valid UTF-8 text");
    if (min_length > 0 && str_utf8_len(pw, n) < (size_t)min_length)
        return err_set(ei, ERR_INVALID, "password", "password must be at least %d characters long",
                       min_length);
    if (popcount4(classes_of(pw)) < min_classes)
        return err_set(ei, ERR_INVALID, "password",
                       "password must contain characters of at least %d of these classes: "
                       "lowercase letters, uppercase letters, digits, other characters",
                       min_classes);
    return ERR_OK;
}

enum err password_hash(const char *pw, char out[PASSWORD_HASH_SIZE])
{
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        out[0] = '\0';
        return ERR_INTERNAL;
    }
    return ERR_OK;
}

bool password_verify(const char *hash, const char *pw)
{
    if (!hash || !pw)
        return false;
    /* libsodium reads a full PASSWORD_HASH_SIZE buffer: give it one. */
    char h[PASSWORD_HASH_SIZE] = {0};
    size_t n = strnlen(hash, PASSWORD_HASH_SIZE);
    if (n == 0 || n >= PASSWORD_HASH_SIZE)
        return false;
    memcpy(h, hash, n);
    return crypto_pwhash_str_verify(h, pw, strlen(pw)) == 0;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
/* Hash of a random password; written once by dummy_init(), then read-only. */
static char dummy_hash[PASSWORD_HASH_SIZE];

static void dummy_init(void)
{
    unsigned char secret[32];
    char pw[2 * sizeof secret + 1];
    randombytes_buf(secret, sizeof secret);
    str_hex(secret, sizeof secret, pw);
    (void)password_hash(pw, dummy_hash);
    sodium_memzero(pw, sizeof pw);
}

void password_verify_dummy(const char *pw)
{
    pthread_once(&dummy_once, dummy_init);
    (void)password_verify(dummy_hash, pw ? pw : "");
}
