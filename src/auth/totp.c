/*
 * TOTP (RFC 6238) over liboath for the HMAC-and-truncate part, with our own
 * base32 (liboath's pads and allocates) and our own window loop, which
 * compares every candidate step in constant time and reports the step that
 * matched, so the login code can refuse a code replayed within its window.
 *
 * THREAD SAFETY: oath_init() is not safe to race, so it runs once under
 * pthread_once before the first generation; after that liboath's generation
 * functions keep no state.
 */
#include "auth/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "core/buf.h"
#include "core/rand.h"
#include "core/xalloc.h"

/* Widest window accepted, in steps each side (5 minutes). */
#define TOTP_MAX_WINDOW 10
/* Longest enrolment URI built. */
#define TOTP_URI_MAX 4096

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static bool oath_ready; /* written once under oath_once */

static void oath_start(void)
{
    oath_ready = oath_init() == OATH_OK;
}

void totp_new_secret(unsigned char secret[TOTP_SECRET_LEN])
{
    rand_bytes(secret, TOTP_SECRET_LEN);
}

bool totp_secret_base32(const unsigned char *s, size_t n, char *out, size_t outsz)
{
    size_t len = (n * 8 + 4) / 5;
    if (outsz < len + 1)
        return false;
    unsigned bits = 0, nbits = 0;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        bits = ((bits << 8) | s[i]) & 0xFFFu;
        nbits += 8;
        while (nbits >= 5) {
            out[o++] = b32_alphabet[(bits >> (nbits - 5)) & 31u];
            nbits -= 5;
        }
    }
    if (nbits > 0)
        out[o++] = b32_alphabet[(bits << (5 - nbits)) & 31u];
    out[o] = '\0';
    return true;
}

/* Value of base32 character c, or -1. */
static int b32_value(char c)
{
    if (c >= 'a' && c <= 'z')
        c = (char)(c - 'a' + 'A');
    const char *p = c ? strchr(b32_alphabet, c) : NULL;
    return p ? (int)(p - b32_alphabet) : -1;
}

bool totp_secret_from_base32(const char *b32, unsigned char *out, size_t *n)
{
    size_t len = strlen(b32);
    while (len > 0 && b32[len - 1] == '=')
        len--;
    /* A final group of 1, 3 or 6 characters cannot come from whole bytes. */
    size_t rest = len % 8;
    if (rest == 1 || rest == 3 || rest == 6)
        return false;
    size_t bytes = len * 5 / 8;
    if (bytes > *n)
        return false;
    for (size_t i = 0; i < len; i++)
        if (b32_value(b32[i]) < 0)
            return false;
    unsigned bits = 0, nbits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        bits = ((bits << 5) | (unsigned)b32_value(b32[i])) & 0xFFFu;
        nbits += 5;
        if (nbits >= 8) {
            out[o++] = (unsigned char)((bits >> (nbits - 8)) & 0xFFu);
            nbits -= 8;
        }
    }
    *n = o;
    return true;
}

/* Appends s percent-encoded (RFC 3986 unreserved characters kept); false when full. */
static bool put_pct(struct buf *b, const char *s)
{
    static const char hx[] = "0123456789ABCDEF";
    bool ok = true;
    for (const unsigned char *p = (const unsigned char *)s; ok && *p; p++) {
        unsigned c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            ok = buf_append(b, p, 1);
        } else {
            char e[3] = {'%', hx[c >> 4], hx[c & 15u]};
            ok = buf_append(b, e, sizeof e);
        }
    }
    return ok;
}

char *totp_uri(const char *issuer, const char *account, const unsigned char *secret, size_t n)
{
    if (!issuer)
        issuer = "";
    if (!account)
        account = "";
    size_t b32sz = (n * 8 + 4) / 5 + 1;
    char *b32 = xmalloc(b32sz);
    totp_secret_base32(secret, n, b32, b32sz);
    struct buf b;
    buf_init(&b, TOTP_URI_MAX);
    bool ok = buf_puts(&b, "otpauth://totp/") && put_pct(&b, issuer) && buf_puts(&b, ":") &&
              put_pct(&b, account) && buf_puts(&b, "?secret=") && buf_puts(&b, b32) &&
              buf_puts(&b, "&issuer=") && put_pct(&b, issuer) &&
              buf_printf(&b, "&algorithm=SHA1&digits=%d&period=%d", TOTP_DIGITS, TOTP_PERIOD);
    sodium_memzero(b32, b32sz);
    free(b32);
    if (!ok) {
        buf_release(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

bool totp_code(const unsigned char *secret, size_t n, int64_t t, char out[TOTP_CODE_SIZE])
{
    out[0] = '\0';
    if (t < 0)
        return false;
    pthread_once(&oath_once, oath_start);
    if (!oath_ready)
        return false;
    char code[TOTP_CODE_SIZE + 1];
    if (oath_totp_generate((const char *)secret, n, (time_t)t, TOTP_PERIOD,
                           OATH_TOTP_DEFAULT_START_TIME, TOTP_DIGITS, code) != OATH_OK)
        return false;
    memcpy(out, code, TOTP_CODE_SIZE);
    out[TOTP_DIGITS] = '\0';
    return true;
}

static bool six_digits(const char *code)
{
    for (int i = 0; i < TOTP_DIGITS; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return code[TOTP_DIGITS] == '\0';
}

bool totp_verify(const unsigned char *secret, size_t n, const char *code, int64_t now, int window,
                 int64_t *step_out)
{
    if (!code || !six_digits(code) || window < 0 || window > TOTP_MAX_WINDOW || now < 0)
        return false;
    int64_t step = now / TOTP_PERIOD;
    int64_t matched = -1;
    /* Nearest step first, so that the reported step is the likeliest one. */
    for (int k = 0; k <= 2 * window; k++) {
        int off = (k % 2) ? (k + 1) / 2 : -(k / 2);
        int64_t s = step + off;
        char want[TOTP_CODE_SIZE];
        if (s < 0 || !totp_code(secret, n, s * TOTP_PERIOD, want))
            continue;
        bool eq = sodium_memcmp(want, code, TOTP_DIGITS) == 0;
        if (eq && matched < 0)
            matched = s;
    }
    if (matched < 0)
        return false;
    if (step_out)
        *step_out = matched;
    return true;
}
