/*
 * Validation, normalisation and masking of mainland Chinese phone numbers.
 * Assistants type numbers as people say them ("+86 138 1234 5678",
 * "0771-4812345"), so the input is cleaned and stored in one form, which
 * makes duplicates findable and lets text messages go out; the masked form is
 * what lists and the outbox log show. Pure functions, safe from any thread.
 */
#include "person/phone.h"

#include <stdbool.h>
#include <string.h>

#include "core/xalloc.h"

/* Longest raw input looked at: a formatted number is far shorter. */
#define PHONE_RAW_MAX 32
#define PHONE_MOBILE_LEN 11

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Copies in to d without spaces and hyphens; false when too long. */
static bool strip(const char *in, char d[PHONE_RAW_MAX + 1])
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        if (n == PHONE_RAW_MAX)
            return false;
        d[n++] = *p;
    }
    d[n] = '\0';
    return true;
}

static bool is_mobile(const char *d, size_t n)
{
    return n == PHONE_MOBILE_LEN && d[0] == '1' && d[1] >= '3' && d[1] <= '9' && all_digits(d, n);
}

/* Length of the area code at d (which starts with 0): 3 for 010 and 02x, else 4. */
static size_t area_len(const char *d)
{
    return (d[1] == '1' || d[1] == '2') ? 3 : 4;
}

static bool is_landline(const char *d, size_t n)
{
    if (n < 3 || d[0] != '0' || !all_digits(d, n))
        return false;
    size_t a = area_len(d);
    if (d[1] == '0' || n < a)
        return false;
    size_t sub = n - a;
    return sub >= 7 && sub <= 8 && d[a] != '0';
}

/* Normalises in into out (PHONE_SIZE bytes); false when it is no phone number. */
static bool normalise(const char *in, char out[PHONE_SIZE])
{
    char d[PHONE_RAW_MAX + 1] = {0};
    if (!in || !strip(in, d))
        return false;
    const char *p = d;
    bool intl = false;
    if (p[0] == '+' && p[1] == '8' && p[2] == '6') {
        p += 3;
        intl = true;
    } else if (p[0] == '8' && p[1] == '6' && strlen(p) == PHONE_MOBILE_LEN + 2) {
        p += 2;
        intl = true;
    }
    size_t n = strlen(p);
    if (is_mobile(p, n)) {
        memcpy(out, p, n + 1);
        return true;
    }
    if (intl || !is_landline(p, n))
        return false;
    size_t a = area_len(p);
    memcpy(out, p, a);
    out[a] = '-';
    memcpy(out + a + 1, p + a, n - a + 1);
    return true;
}

enum err phone_validate(const char *in, char *out, size_t outsz, struct errinfo *ei)
{
    if (outsz < PHONE_SIZE)
        return err_set(ei, ERR_INTERNAL, NULL, "phone buffer too small");
    char norm[PHONE_SIZE];
    if (!normalise(in, norm))
        return err_set(ei, ERR_INVALID, NULL,
                       "phone must be a mobile number (11 digits starting 13-19, optionally "
                       "+86) or a landline with area code (e.g. 0771-4812345)");
    memcpy(out, norm, strlen(norm) + 1);
    return ERR_OK;
}

void phone_mask(const char *p, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    char norm[PHONE_SIZE];
    if (outsz < PHONE_SIZE || !normalise(p, norm)) {
        size_t n = p ? strnlen(p, PHONE_RAW_MAX) : 0;
        size_t k = n < outsz - 1 ? n : outsz - 1;
        memset(out, '*', k);
        out[k] = '\0';
        return;
    }
    size_t n = strlen(norm);
    memcpy(out, norm, n + 1);
    if (norm[0] == '1') {
        memset(out + 3, '*', 4);
        return;
    }
    size_t keep = (size_t)(strchr(norm, '-') - norm) + 1;
    memset(out + keep, '*', n - keep - 2);
}
