/*
 * Unit tests of person/idnum: every row of the shared test vectors
 * (tests/unit/person/id-test-vectors.csv), then the edge cases the header
 * promises - lengths, characters, leap days, dates in the future, masking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clock.h"
#include "core/err.h"
#include "person/idnum.h"

#include "core/xalloc.h"

/* A fixed "now": 2026-03-01 12:00 in Asia/Shanghai. */
static int64_t test_now(void)
{
    return date_start(2026, 3, 1) + 12 * 3600;
}

/* Builds a valid number from a 17-digit body by appending its check character. */
static void with_check(const char *body, char out[IDNUM_SIZE])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (body[i] - '0') * w[i];
    memcpy(out, body, 17);
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

static void assert_valid(const char *in, const char *want)
{
    char out[IDNUM_SIZE];
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_int_equal(idnum_validate(in, out, test_now(), &ei), ERR_OK);
    assert_string_equal(out, want);
}

static void assert_invalid(const char *in)
{
    char out[IDNUM_SIZE] = "untouched";
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_int_equal(idnum_validate(in, out, test_now(), &ei), ERR_INVALID_ID_NUMBER);
    assert_string_equal(out, "untouched");
    assert_string_equal(ei.field, "");
    assert_true(strlen(ei.message) > 0);
}

/* Splits line at commas into at most max fields (in place); returns the count. */
static int split_csv(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        fields[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static void check_vector_row(char **f)
{
    const char *id = f[0], *valid = f[1], *reason = f[2], *sex = f[3];
    if (strcmp(reason, "lowercase_x") == 0) {
        /* Policy: lowercase x is accepted and normalised to X. */
        char want[IDNUM_SIZE];
        memcpy(want, id, IDNUM_SIZE);
        want[17] = 'X';
        assert_valid(id, want);
        return;
    }
    if (strcmp(valid, "yes") == 0) {
        assert_valid(id, id);
        assert_int_equal(idnum_sex(id), sex[0]);
    } else {
        assert_string_equal(valid, "no");
        assert_invalid(id);
    }
}

static void vectors_file_rows_all_check(void **state)
{
    (void)state;
    const char *dir = getenv("CUNJING_SOURCE_DIR");
    if (!dir)
        fail_msg("CUNJING_SOURCE_DIR is not set");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/unit/person/id-test-vectors.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    char line[1024];
    int rows = 0;
    bool header = true;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (header) {
            assert_true(strncmp(line, "id_number,expected_valid,", 25) == 0);
            header = false;
            continue;
        }
        char *fields[7];
        assert_true(split_csv(line, fields, 7) >= 4);
        check_vector_row(fields);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 11);
}

static void future_birth_date_is_invalid(void **state)
{
    (void)state;
    char id[IDNUM_SIZE];
    with_check("45010920260302001", id); /* the day after now */
    assert_invalid(id);
    with_check("45010920300101001", id);
    assert_invalid(id);
}

static void birth_date_today_is_valid(void **state)
{
    (void)state;
    char id[IDNUM_SIZE];
    with_check("45010920260301001", id);
    assert_valid(id, id);
}

static void birth_year_before_1850_is_invalid(void **state)
{
    (void)state;
    char id[IDNUM_SIZE];
    with_check("45010918491231001", id);
    assert_invalid(id);
    with_check("45010918500101001", id);
    assert_valid(id, id);
}

static void fifteen_digit_number_is_invalid(void **state)
{
    (void)state;
    assert_invalid("450109850315123");
}

static void non_digits_are_invalid(void **state)
{
    (void)state;
    assert_invalid("4501O9198503151234"); /* letter O */
    assert_invalid("45010919850315123A");
    assert_invalid("450109 98503151234");
    assert_invalid("X50109198503151234");
}

static void empty_and_null_are_invalid(void **state)
{
    (void)state;
    assert_invalid("");
    assert_invalid(NULL);
}

static void nineteen_chars_are_invalid(void **state)
{
    (void)state;
    assert_invalid("4501091985031512340");
}

static void feb_29_1900_is_invalid(void **state)
{
    (void)state;
    char id[IDNUM_SIZE];
    with_check("45010919000229001", id);
    assert_invalid(id);
}

static void feb_29_2000_is_valid(void **state)
{
    (void)state;
    char id[IDNUM_SIZE];
    with_check("45010920000229002", id);
    assert_valid(id, id);
    assert_int_equal(idnum_sex(id), 'F');
}

static void month_and_day_zero_are_invalid(void **state)
{
    (void)state;
    char id[IDNUM_SIZE];
    with_check("45010919850015123", id);
    assert_invalid(id);
    with_check("45010919850300123", id);
    assert_invalid(id);
}

static void null_errinfo_is_allowed(void **state)
{
    (void)state;
    char out[IDNUM_SIZE];
    assert_int_equal(idnum_validate("450109198503151235", out, test_now(), NULL),
                     ERR_INVALID_ID_NUMBER);
}

static void sex_follows_seventeenth_digit(void **state)
{
    (void)state;
    assert_int_equal(idnum_sex("450109198503151234"), 'M');
    assert_int_equal(idnum_sex("11010519491231002X"), 'F');
}

static void mask_shows_first_six_and_last_four(void **state)
{
    (void)state;
    char out[IDNUM_SIZE];
    idnum_mask("450109198503151234", out, sizeof out);
    assert_string_equal(out, "450109********1234");
    idnum_mask("11010519491231002X", out, sizeof out);
    assert_string_equal(out, "110105********002X");
}

static void mask_of_wrong_length_is_all_stars(void **state)
{
    (void)state;
    char out[32];
    idnum_mask("450109850315123", out, sizeof out);
    assert_string_equal(out, "***************");
    idnum_mask("4501091985031512340", out, sizeof out);
    assert_string_equal(out, "*******************");
    idnum_mask("", out, sizeof out);
    assert_string_equal(out, "");
    idnum_mask(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

static void mask_of_non_id_text_is_all_stars(void **state)
{
    (void)state;
    char out[32];
    /* 18 bytes that are 6 Chinese characters: nothing may be revealed. */
    idnum_mask("\xe5\xbc\xa0\xe4\xb8\x89\xe6\x9d\x8e\xe5\x9b\x9b\xe7\x8e\x8b\xe4\xba\x94", out,
               sizeof out);
    assert_string_equal(out, "******");
}

static void mask_into_small_buffer_reveals_nothing(void **state)
{
    (void)state;
    char out[10];
    idnum_mask("450109198503151234", out, sizeof out);
    assert_string_equal(out, "*********");
    char none[1] = {'x'};
    idnum_mask("450109198503151234", none, 0);
    assert_int_equal(none[0], 'x');
}

int main(void)
{
    clock_set_zone("Asia/Shanghai");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vectors_file_rows_all_check),
        cmocka_unit_test(future_birth_date_is_invalid),
        cmocka_unit_test(birth_date_today_is_valid),
        cmocka_unit_test(birth_year_before_1850_is_invalid),
        cmocka_unit_test(fifteen_digit_number_is_invalid),
        cmocka_unit_test(non_digits_are_invalid),
        cmocka_unit_test(empty_and_null_are_invalid),
        cmocka_unit_test(nineteen_chars_are_invalid),
        cmocka_unit_test(feb_29_1900_is_invalid),
        cmocka_unit_test(feb_29_2000_is_valid),
        cmocka_unit_test(month_and_day_zero_are_invalid),
        cmocka_unit_test(null_errinfo_is_allowed),
        cmocka_unit_test(sex_follows_seventeenth_digit),
        cmocka_unit_test(mask_shows_first_six_and_last_four),
        cmocka_unit_test(mask_of_wrong_length_is_all_stars),
        cmocka_unit_test(mask_of_non_id_text_is_all_stars),
        cmocka_unit_test(mask_into_small_buffer_reveals_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
