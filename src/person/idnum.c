/*
 * Validation and masking of Chinese resident ID numbers (GB 11643-1999). Every
 * ID number that enters cunjing passes idnum_validate(), so that a typo is
 * caught at the counter, not months later in a household register; and every
 * ID number that leaves in a list passes idnum_mask(). Pure functions, no
 * state: safe from any thread once the zone is set (core/clock.h).
 */
#include "person/idnum.h"

#include <stdbool.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"

/* Oldest birth year accepted: no living person, and no record, is older. */
#define IDNUM_MIN_YEAR 1850

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Value of n digits at s (all known to be digits). */
static int digits_value(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* ISO 7064 MOD 11-2 check character of the 17 digits at body. */
static char check_char(const char *body)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (body[i] - '0') * weights[i];
    return map[sum % 11];
}

enum err idnum_validate(const char *in, char out[IDNUM_SIZE], int64_t now, struct errinfo *ei)
{
    if (!in || strnlen(in, IDNUM_LEN + 1) != IDNUM_LEN)
        return err_set(ei, ERR_INVALID_ID_NUMBER, NULL, "ID number must be 18 characters long");
    char id[IDNUM_SIZE];
    memcpy(id, in, IDNUM_SIZE);
    if (id[17] == 'x')
        id[17] = 'X';
    for (int i = 0; i < 17; i++)
        if (!is_digit(id[i]))
            return err_set(ei, ERR_INVALID_ID_NUMBER, NULL,
                           "ID number must be 17 digits followed by a digit or X");
    if (!is_digit(id[17]) && id[17] != 'X')
        return err_set(ei, ERR_INVALID_ID_NUMBER, NULL,
                       "ID number must be 17 digits followed by a digit or X");

    int y = digits_value(id + 6, 4), m = digits_value(id + 10, 2), d = digits_value(id + 12, 2);
    if (!date_valid(y, m, d) || y < IDNUM_MIN_YEAR)
        return err_set(ei, ERR_INVALID_ID_NUMBER, NULL,
                       "ID number contains an impossible birth date");
    int ny, nm, nd;
    date_of(now, &ny, &nm, &nd);
    if (y * 10000 + m * 100 + d > ny * 10000 + nm * 100 + nd)
        return err_set(ei, ERR_INVALID_ID_NUMBER, NULL,
                       "ID number contains a birth date in the future");

    if (check_char(id) != id[17])
        return err_set(ei, ERR_INVALID_ID_NUMBER, NULL,
                       "ID number check digit is wrong (mistyped number?)");
    memcpy(out, id, IDNUM_SIZE);
    return ERR_OK;
}

/* Writes n stars (or as many as fit) and the NUL. */
static void mask_all(size_t n, char *out, size_t outsz)
{
    size_t k = n < outsz - 1 ? n : outsz - 1;
    memset(out, '*', k);
    out[k] = '\0';
}

void idnum_mask(const char *id, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    if (!id)
        id = "";
    size_t n = strnlen(id, 256);
    bool shaped = n == IDNUM_LEN;
    for (size_t i = 0; shaped && i < n; i++)
        shaped = is_digit(id[i]) || id[i] == 'X' || id[i] == 'x';
    if (!shaped || outsz < IDNUM_SIZE) {
        /* One star per character (UTF-8 continuation bytes do not count). */
        size_t chars = 0;
        for (size_t i = 0; i < n; i++)
            if (((unsigned char)id[i] & 0xC0) != 0x80)
                chars++;
        mask_all(chars, out, outsz);
        return;
    }
    memcpy(out, id, 6);
    memset(out + 6, '*', 8);
    memcpy(out + 14, id + 14, 4);
    out[IDNUM_LEN] = '\0';
}

char idnum_sex(const char *valid_id)
{
    return ((valid_id[16] - '0') % 2) ? 'M' : 'F';
}
