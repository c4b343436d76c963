/*
 * Unit tests of person/phone: mobile and landline forms people type, their
 * normalised form, what is refused, and masking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/err.h"
#include "person/phone.h"

#include "core/xalloc.h"

static void assert_norm(const char *in, const char *want)
{
    char out[PHONE_SIZE];
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_int_equal(phone_validate(in, out, sizeof out, &ei), ERR_OK);
    assert_string_equal(out, want);
}

static void assert_refused(const char *in)
{
    char out[PHONE_SIZE] = "untouched";
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_int_equal(phone_validate(in, out, sizeof out, &ei), ERR_INVALID);
    assert_string_equal(out, "untouched");
    assert_true(strlen(ei.message) > 0);
}

static void mobile_plain_is_kept(void **state)
{
    (void)state;
    assert_norm("13812345678", "13812345678");
    assert_norm("19912345678", "19912345678");
}

static void mobile_with_country_code_is_stripped(void **state)
{
    (void)state;
    assert_norm("+8613812345678", "13812345678");
    assert_norm("+86 138 1234 5678", "13812345678");
    assert_norm("8613812345678", "13812345678");
    assert_norm("86-138-1234-5678", "13812345678");
}

static void mobile_with_spaces_and_hyphens_is_cleaned(void **state)
{
    (void)state;
    assert_norm("138 1234 5678", "13812345678");
    assert_norm("138-1234-5678", "13812345678");
}

static void mobile_bad_prefix_is_refused(void **state)
{
    (void)state;
    assert_refused("12812345678");
    assert_refused("10812345678");
    assert_refused("23812345678");
}

static void mobile_wrong_length_is_refused(void **state)
{
    (void)state;
    assert_refused("1381234567");
    assert_refused("138123456789");
    assert_refused("+861381234567");
    assert_refused("+86");
}

static void landline_four_digit_area_code(void **state)
{
    (void)state;
    assert_norm("0771-4812345", "0771-4812345");
    assert_norm("07714812345", "0771-4812345");
    assert_norm("0771 48123456", "0771-48123456");
}

static void landline_three_digit_area_code(void **state)
{
    (void)state;
    assert_norm("010-12345678", "010-12345678");
    assert_norm("02087654321", "020-87654321");
    assert_norm("021-6234567", "021-6234567");
}

static void landline_bad_forms_are_refused(void **state)
{
    (void)state;
    assert_refused("0771-481234");      /* 6-digit subscriber */
    assert_refused("0771-481234567");   /* 9-digit subscriber */
    assert_refused("0771-0812345");     /* subscriber starts with 0 */
    assert_refused("0086-13812345678"); /* international prefix */
    assert_refused("+86 0771 4812345"); /* +86 only for mobiles */
    assert_refused("4812345");          /* no area code */
}

static void junk_is_refused(void **state)
{
    (void)state;
    assert_refused("");
    assert_refused(NULL);
    assert_refused("   ");
    assert_refused("1381234567a");
    assert_refused("(0771)4812345");
    assert_refused("138123456781381234567813812345678");
}

static void small_buffer_is_internal_error(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(phone_validate("13812345678", out, sizeof out, NULL), ERR_INTERNAL);
}

static void mask_mobile(void **state)
{
    (void)state;
    char out[PHONE_SIZE];
    phone_mask("13812345678", out, sizeof out);
    assert_string_equal(out, "138****5678");
    phone_mask("+86 138 1234 5678", out, sizeof out);
    assert_string_equal(out, "138****5678");
}

static void mask_landline(void **state)
{
    (void)state;
    char out[PHONE_SIZE];
    phone_mask("0771-4812345", out, sizeof out);
    assert_string_equal(out, "0771-*****45");
    phone_mask("010-12345678", out, sizeof out);
    assert_string_equal(out, "010-******78");
}

static void mask_of_junk_is_all_stars(void **state)
{
    (void)state;
    char out[PHONE_SIZE];
    phone_mask("12345", out, sizeof out);
    assert_string_equal(out, "*****");
    phone_mask(NULL, out, sizeof out);
    assert_string_equal(out, "");
    char small[6];
    phone_mask("13812345678", small, sizeof small);
    assert_string_equal(small, "*****");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mobile_plain_is_kept),
        cmocka_unit_test(mobile_with_country_code_is_stripped),
        cmocka_unit_test(mobile_with_spaces_and_hyphens_is_cleaned),
        cmocka_unit_test(mobile_bad_prefix_is_refused),
        cmocka_unit_test(mobile_wrong_length_is_refused),
        cmocka_unit_test(landline_four_digit_area_code),
        cmocka_unit_test(landline_three_digit_area_code),
        cmocka_unit_test(landline_bad_forms_are_refused),
        cmocka_unit_test(junk_is_refused),
        cmocka_unit_test(small_buffer_is_internal_error),
        cmocka_unit_test(mask_mobile),
        cmocka_unit_test(mask_landline),
        cmocka_unit_test(mask_of_junk_is_all_stars),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
