/*
 * Time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits, 30-second
 * steps from the Unix epoch), the second factor of roles that require it.
 * Secrets are TOTP_SECRET_LEN random bytes, shown to the user once as base32
 * inside an otpauth:// URI. A code may be used only once: totp_verify() tells
 * the matched time step so the caller can store it and refuse the same or an
 * earlier step (replay). Generation goes through liboath, initialised lazily
 * and once; every function here is thread-safe.
 */
#ifndef CUNJING_AUTH_TOTP_H
#define CUNJING_AUTH_TOTP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Secret length in bytes (160 bits, as RFC 4226 recommends for SHA-1). */
#define TOTP_SECRET_LEN 20
/* Digits of a code, and the buffer size that holds one. */
#define TOTP_DIGITS 6
#define TOTP_CODE_SIZE (TOTP_DIGITS + 1)
/* Seconds per time step. */
#define TOTP_PERIOD 30

/* Fills secret with random bytes. libsodium must be initialised (core/rand.h). */
void totp_new_secret(unsigned char secret[TOTP_SECRET_LEN]);

/*
 * Encodes the n bytes at s as RFC 4648 base32, uppercase, without padding,
 * into out. Returns false (out untouched) when outsz cannot hold the
 * (8n+4)/5 characters and the NUL.
 */
bool totp_secret_base32(const unsigned char *s, size_t n, char *out, size_t outsz);

/*
 * Decodes base32 text b32 (either case; trailing '=' padding allowed) into
 * out. *n is in: the capacity of out; out: the bytes written. Returns false
 * (out and *n untouched) on a character outside the alphabet, an impossible
 * length, or a result longer than the capacity.
 */
bool totp_secret_from_base32(const char *b32, unsigned char *out, size_t *n);

/*
 * Returns the enrolment URI (owned; caller frees):
 * "otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30"
 * with issuer and account percent-encoded (everything but A-Z a-z 0-9 - . _ ~);
 * NULL issuer or account counts as "". Returns NULL when the URI would pass
 * 4 KiB (absurdly long issuer or account).
 */
char *totp_uri(const char *issuer, const char *account, const unsigned char *secret, size_t n);

/*
 * Writes the 6-digit code for time t (Unix seconds, >= 0) to out. False on
 * a negative t or a liboath failure (out then "").
 */
bool totp_code(const unsigned char *secret, size_t n, int64_t t, char out[TOTP_CODE_SIZE]);

/*
 * Whether code (exactly 6 ASCII digits) is the code of a time step within
 * window steps (0..10) before or after the step of now. On a match writes the
 * matched step (t / 30) to *step_out (may be NULL); the caller refuses a step
 * it has already accepted. Every candidate step is computed and compared in
 * constant time, so timing tells nothing of which one matched.
 */
bool totp_verify(const unsigned char *secret, size_t n, const char *code, int64_t now, int window,
                 int64_t *step_out);

#endif
