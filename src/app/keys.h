/*
 * The key file ([keys] file): 32 bytes of audit HMAC key and 32 bytes of data
 * encryption key, hex-encoded on two lines, mode 0600, kept outside the
 * database so that a stolen database alone can neither forge the audit chain
 * nor read sealed fields. The database stores the keys' fingerprint; a server
 * started with another key file refuses to run.
 */
#ifndef CUNJING_APP_KEYS_H
#define CUNJING_APP_KEYS_H
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

#define KEY_BYTES 32
#define KEY_FPR_HEX 65

struct keys {
    unsigned char audit[KEY_BYTES]; /* HMAC key of the audit chain */
    unsigned char data[KEY_BYTES];  /* XChaCha20-Poly1305 key for sealed fields */
};

/* Default key path for a SQLite database: cunjing.key beside it (caller frees). */
char *keys_default_path(const char *sqlite_path);
/* Reads path; create=true makes a new key file (0600) when it is missing. */
enum err keys_load(struct keys *k, const char *path, bool create, struct errinfo *info);
/* Hex SHA-256 of both keys, stored in meta as key_fingerprint. */
void keys_fingerprint(const struct keys *k, char out[KEY_FPR_HEX]);
/* Wipes k. */
void keys_release(struct keys *k);

/*
 * Seals plain (n bytes) with the data key: returns a new base64 string
 * (nonce || ciphertext) the caller frees.
 */
char *keys_seal(const struct keys *k, const void *plain, size_t n);
/* Opens a sealed string into out (capacity cap); false on tampering. */
bool keys_open(const struct keys *k, const char *sealed, unsigned char *out, size_t cap, size_t *n);

#endif
