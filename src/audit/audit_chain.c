/*
 * HMAC chaining of audit entries. Kept apart from the audit storage so the
 * exact serialisation - the part that must never change once rows exist -
 * is small, pure and tested on its own. Every item, prev_hash included, is
 * written as an 8-byte big-endian length and its bytes, so field boundaries
 * cannot shift ("ab","c" and "a","bc" differ) and NULL equals "". The head
 * MAC starts with the item "head", which no entry serialisation starts with
 * (an entry starts with the 64-byte length of prev_hash), so the two kinds
 * of MAC cannot be confused. Pure functions, safe from any thread.
 */
#include "audit/audit_chain.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

_Static_assert(crypto_auth_hmacsha256_BYTES * 2 + 1 == AUDIT_HASH_HEX, "hash hex size");

/* Feeds one length-prefixed item. */
static void put_item(crypto_auth_hmacsha256_state *st, const void *p, size_t n)
{
    unsigned char len[8];
    uint64_t v = (uint64_t)n;
    for (int i = 7; i >= 0; i--) {
        len[i] = (unsigned char)(v & 0xFFu);
        v >>= 8;
    }
    crypto_auth_hmacsha256_update(st, len, sizeof len);
    crypto_auth_hmacsha256_update(st, p, n);
}

static void put_str(crypto_auth_hmacsha256_state *st, const char *s)
{
    if (!s)
        s = "";
    put_item(st, s, strlen(s));
}

static void put_int(crypto_auth_hmacsha256_state *st, int64_t v)
{
    char d[24];
    int n = snprintf(d, sizeof d, "%" PRId64, v);
    put_item(st, d, (size_t)n);
}

/* Finishes st and writes the MAC in hex. */
static void finish(crypto_auth_hmacsha256_state *st, char out[AUDIT_HASH_HEX])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(st, mac);
    str_hex(mac, sizeof mac, out);
    sodium_memzero(st, sizeof *st);
}

void audit_chain_hash(const unsigned char key[AUDIT_KEY_LEN], const char prev_hash[AUDIT_HASH_HEX],
                      const struct audit_entry *e, char out[AUDIT_HASH_HEX])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, AUDIT_KEY_LEN);
    put_item(&st, prev_hash, strnlen(prev_hash, AUDIT_HASH_HEX - 1));
    put_int(&st, e->seq);
    put_int(&st, e->at);
    put_str(&st, e->user);
    put_str(&st, e->role);
    put_str(&st, e->ip);
    put_str(&st, e->action);
    put_str(&st, e->object);
    put_str(&st, e->result);
    put_str(&st, e->request_id);
    finish(&st, out);
}

void audit_head_mac(const unsigned char key[AUDIT_KEY_LEN], int64_t seq,
                    const char hash[AUDIT_HASH_HEX], char out[AUDIT_HASH_HEX])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, AUDIT_KEY_LEN);
    put_str(&st, "head");
    put_int(&st, seq);
    put_item(&st, hash, strnlen(hash, AUDIT_HASH_HEX - 1));
    finish(&st, out);
}
