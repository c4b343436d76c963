/*
 * Ids and tokens from libsodium's CSPRNG. Record ids are 128 random bits so
 * they cannot be guessed or enumerated.
 */
#include "core/rand.h"

#include <sodium.h>

#include "core/xalloc.h"

bool rand_init(void)
{
    return sodium_init() >= 0;
}

void rand_bytes(void *p, size_t n)
{
    randombytes_buf(p, n);
}

void rand_id(char out[RAND_ID_LEN + 1])
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    /* 128 bits -> 26 base32 digits (130 bits, top 2 bits zero). */
    unsigned bitbuf = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < sizeof b; i++) {
        bitbuf = (bitbuf << 8) | b[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = alphabet[(bitbuf >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = alphabet[(bitbuf << (5 - bits)) & 31];
    out[o] = '\0';
}

void rand_token(char *out, size_t outsz, size_t n)
{
    unsigned char b[64];
    if (n > sizeof b)
        n = sizeof b;
    randombytes_buf(b, n);
    sodium_bin2base64(out, outsz, b, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(b, sizeof b);
}
