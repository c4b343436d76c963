/*
 * The hashing of the tamper-evident audit log, without storage. Each entry's
 * hash is an HMAC-SHA-256 (key: the audit key of the key file) over the
 * previous entry's hash and the entry's fields, so changing, inserting or
 * deleting a row breaks every later hash, and nobody without the key can
 * recompute them. The head MAC signs the last sequence number and hash, so
 * that cutting rows off the end is noticed too. Hashes are lowercase hex.
 * libsodium must be initialised before any call here.
 */
#ifndef CUNJING_AUDIT_AUDIT_CHAIN_H
#define CUNJING_AUDIT_AUDIT_CHAIN_H
#include <stdint.h>

/* Size of a hash in hex with its NUL (64 + 1). */
#define AUDIT_HASH_HEX 65
/* Key length in bytes. */
#define AUDIT_KEY_LEN 32
/* prev_hash of the first entry: 64 '0' characters. */
#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* One audit record as hashed. Strings are borrowed; NULL hashes as "". */
struct audit_entry {
    int64_t seq;            /* position in the chain, from 1 */
    int64_t at;             /* Unix seconds */
    const char *user;       /* username, "" for anonymous */
    const char *role;       /* role of the user at the time */
    const char *ip;         /* client address */
    const char *action;     /* "dispute.accept", "auth.login", ... */
    const char *object;     /* "dispute/ID", ... */
    const char *result;     /* "ok", "denied", an error code... */
    const char *request_id; /* the request's id, to find its log lines */
};

/*
 * Writes to out the hash of e chained after prev_hash (AUDIT_GENESIS for the
 * first entry): HMAC-SHA-256 under key over the items prev_hash, seq, at,
 * user, role, ip, action, object, result, request_id in this order, each as
 * an 8-byte big-endian length and its bytes (integers as decimal text), so no
 * two different entries serialise alike. This order is part of the stored
 * data: never change it. Never fails.
 */
void audit_chain_hash(const unsigned char key[AUDIT_KEY_LEN], const char prev_hash[AUDIT_HASH_HEX],
                      const struct audit_entry *e, char out[AUDIT_HASH_HEX]);

/*
 * Writes to out the HMAC-SHA-256 under key over "head", seq and hash (same
 * serialisation): the signature of the chain's last entry, stored beside the
 * log and checked by verification to detect a cut tail. Never fails.
 */
void audit_head_mac(const unsigned char key[AUDIT_KEY_LEN], int64_t seq,
                    const char hash[AUDIT_HASH_HEX], char out[AUDIT_HASH_HEX]);

#endif
