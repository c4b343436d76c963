/*
 * Key file handling and sealing of small secrets (TOTP secrets) with
 * libsodium's XChaCha20-Poly1305. See keys.h for the file's format and why
 * it lives outside the database.
 */
#include "app/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/str.h"
#include "core/xalloc.h"

char *keys_default_path(const char *sqlite_path)
{
    const char *slash = strrchr(sqlite_path, '/');
    if (!slash)
        return xstrdup("cunjing.key");
    return xasprintf("%.*s/cunjing.key", (int)(slash - sqlite_path), sqlite_path);
}

static bool parse_hex_line(const char *line, unsigned char out[KEY_BYTES])
{
    size_t bin_len = 0;
    const char *end = NULL;
    if (sodium_hex2bin(out, KEY_BYTES, line, strlen(line), " \r\n", &bin_len, &end) != 0)
        return false;
    return bin_len == KEY_BYTES;
}

static enum err create_file(struct keys *k, const char *path, struct errinfo *info)
{
    randombytes_buf(k->audit, KEY_BYTES);
    randombytes_buf(k->data, KEY_BYTES);
    char a[2 * KEY_BYTES + 1], d[2 * KEY_BYTES + 1];
    str_hex(k->audit, KEY_BYTES, a);
    str_hex(k->data, KEY_BYTES, d);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return err_set(info, ERR_INVALID, "keys", "cannot create key file %s: %s", path,
                       strerror(errno));
    char text[160];
    int n = snprintf(text, sizeof text, "%s\n%s\n", a, d);
    sodium_memzero(a, sizeof a);
    sodium_memzero(d, sizeof d);
    bool ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    sodium_memzero(text, sizeof text);
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        return err_set(info, ERR_STORAGE_FULL, "keys", "cannot write key file %s", path);
    }
    return ERR_OK;
}

enum err keys_load(struct keys *k, const char *path, bool create, struct errinfo *info)
{
    memset(k, 0, sizeof *k);
    FILE *f = fopen(path, "r");
    if (!f) {
        if (errno == ENOENT && create)
            return create_file(k, path, info);
        return err_set(info, ERR_INVALID, "keys", "cannot read key file %s: %s", path,
                       strerror(errno));
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && (st.st_mode & 077)) {
        fclose(f);
        return err_set(info, ERR_INVALID, "keys", "key file %s is readable by others; chmod 600 it",
                       path);
    }
    char l1[160] = "", l2[160] = "";
    bool ok = fgets(l1, sizeof l1, f) && fgets(l2, sizeof l2, f) && parse_hex_line(l1, k->audit) &&
              parse_hex_line(l2, k->data);
    fclose(f);
    sodium_memzero(l1, sizeof l1);
    sodium_memzero(l2, sizeof l2);
    if (!ok) {
        keys_release(k);
        return err_set(info, ERR_INVALID, "keys", "key file %s is malformed", path);
    }
    return ERR_OK;
}

void keys_fingerprint(const struct keys *k, char out[KEY_FPR_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, (const unsigned char *)"cunjing-keys-v1", 15);
    crypto_hash_sha256_update(&st, k->audit, KEY_BYTES);
    crypto_hash_sha256_update(&st, k->data, KEY_BYTES);
    crypto_hash_sha256_final(&st, h);
    str_hex(h, sizeof h, out);
}

void keys_release(struct keys *k)
{
    sodium_memzero(k, sizeof *k);
}

char *keys_seal(const struct keys *k, const void *plain, size_t n)
{
    size_t clen = n + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    size_t total = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clen;
    unsigned char *buf = xmalloc(total);
    randombytes_buf(buf, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long outlen = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
                                               &outlen, plain, n, NULL, 0, NULL, buf, k->data);
    size_t b64len = sodium_base64_ENCODED_LEN(total, sodium_base64_VARIANT_ORIGINAL);
    char *out = xmalloc(b64len);
    sodium_bin2base64(out, b64len, buf, total, sodium_base64_VARIANT_ORIGINAL);
    free(buf);
    return out;
}

bool keys_open(const struct keys *k, const char *sealed, unsigned char *out, size_t cap, size_t *n)
{
    size_t slen = strlen(sealed);
    unsigned char *buf = xmalloc(slen + 1);
    size_t blen = 0;
    bool ok = false;
    if (sodium_base642bin(buf, slen + 1, sealed, slen, NULL, &blen, NULL,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        blen < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                   crypto_aead_xchacha20poly1305_ietf_ABYTES)
        goto out;
    size_t clen = blen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
    if (clen - crypto_aead_xchacha20poly1305_ietf_ABYTES > cap)
        goto out;
    unsigned long long plen = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out, &plen, NULL, buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen, NULL, 0,
            buf, k->data) != 0)
        goto out;
    *n = (size_t)plen;
    ok = true;
out:
    free(buf);
    return ok;
}
