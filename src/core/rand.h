/*
 * Randomness from libsodium (the kernel CSPRNG). rand_init() must run once
 * before threads start (it calls sodium_init()).
 */
#ifndef CUNJING_CORE_RAND_H
#define CUNJING_CORE_RAND_H
#include <stdbool.h>
#include <stddef.h>

/* 16 random bytes as 26 lowercase base32 characters: record ids. */
#define RAND_ID_LEN 26

bool rand_init(void);
void rand_bytes(void *p, size_t n);
/* Writes RAND_ID_LEN characters and a NUL. */
void rand_id(char out[RAND_ID_LEN + 1]);
/* n random bytes as unpadded base64url into out (size >= 4*n/3+4). */
void rand_token(char *out, size_t outsz, size_t n);

#endif
