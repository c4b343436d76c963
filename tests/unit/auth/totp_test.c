/*
 * Unit tests of auth/totp: the RFC 6238 SHA-1 vectors (6 digits), the
 * verification window and the reported step, malformed codes, base32 both
 * ways (RFC 4648 vectors) and the enrolment URI.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/totp.h"

#include "core/xalloc.h"

static const unsigned char rfc_secret[] = "12345678901234567890";
#define RFC_LEN 20

static void assert_code(int64_t t, const char *want)
{
    char out[TOTP_CODE_SIZE];
    assert_true(totp_code(rfc_secret, RFC_LEN, t, out));
    assert_string_equal(out, want);
}

static void code_matches_rfc6238_vectors(void **state)
{
    (void)state;
    assert_code(59, "287082");
    assert_code(1111111109, "081804");
    assert_code(1111111111, "050471");
    assert_code(1234567890, "005924");
    assert_code(2000000000, "279037");
}

static void code_refuses_negative_time(void **state)
{
    (void)state;
    char out[TOTP_CODE_SIZE];
    assert_false(totp_code(rfc_secret, RFC_LEN, -1, out));
    assert_string_equal(out, "");
}

static void verify_accepts_current_code_and_reports_step(void **state)
{
    (void)state;
    int64_t step = 0;
    assert_true(totp_verify(rfc_secret, RFC_LEN, "005924", 1234567890, 0, &step));
    assert_int_equal(step, 1234567890 / 30);
    assert_true(totp_verify(rfc_secret, RFC_LEN, "279037", 2000000000, 1, NULL));
}

static void verify_accepts_neighbour_steps_within_window(void **state)
{
    (void)state;
    int64_t t = 1234567890, step = 0;
    assert_true(totp_verify(rfc_secret, RFC_LEN, "005924", t + 30, 1, &step));
    assert_int_equal(step, t / 30);
    assert_true(totp_verify(rfc_secret, RFC_LEN, "005924", t - 30, 1, &step));
    assert_int_equal(step, t / 30);
}

static void verify_refuses_outside_window(void **state)
{
    (void)state;
    int64_t t = 1234567890, step = 77;
    assert_false(totp_verify(rfc_secret, RFC_LEN, "005924", t + 60, 1, &step));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "005924", t - 60, 1, &step));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "005924", t + 30, 0, &step));
    assert_int_equal(step, 77); /* untouched on failure */
}

static void verify_refuses_bad_codes(void **state)
{
    (void)state;
    int64_t t = 1234567890;
    assert_false(totp_verify(rfc_secret, RFC_LEN, "12345", t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "abcdef", t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "1234567", t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "0059244", t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, " 05924", t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "", t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, NULL, t, 1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "005925", t, 1, NULL));
}

static void verify_refuses_bad_window(void **state)
{
    (void)state;
    assert_false(totp_verify(rfc_secret, RFC_LEN, "005924", 1234567890, -1, NULL));
    assert_false(totp_verify(rfc_secret, RFC_LEN, "005924", 1234567890, 11, NULL));
}

static void base32_matches_rfc4648_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""},
             {"f", "MY"},
             {"fo", "MZXQ"},
             {"foo", "MZXW6"},
             {"foob", "MZXW6YQ"},
             {"fooba", "MZXW6YTB"},
             {"foobar", "MZXW6YTBOI"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char out[32];
        assert_true(
            totp_secret_base32((const unsigned char *)v[i].in, strlen(v[i].in), out, sizeof out));
        assert_string_equal(out, v[i].out);
        unsigned char back[32];
        size_t n = sizeof back;
        assert_true(totp_secret_from_base32(v[i].out, back, &n));
        assert_int_equal(n, strlen(v[i].in));
        assert_memory_equal(back, v[i].in, n);
    }
}

static void base32_refuses_small_buffer(void **state)
{
    (void)state;
    char out[8];
    assert_false(totp_secret_base32((const unsigned char *)"foobar", 6, out, sizeof out));
    unsigned char back[3];
    size_t n = sizeof back;
    assert_false(totp_secret_from_base32("MZXW6YTBOI", back, &n));
    assert_int_equal(n, 3);
}

static void base32_decode_accepts_lowercase_and_padding(void **state)
{
    (void)state;
    unsigned char back[16];
    size_t n = sizeof back;
    assert_true(totp_secret_from_base32("mzxw6ytboi======", back, &n));
    assert_int_equal(n, 6);
    assert_memory_equal(back, "foobar", 6);
}

static void base32_decode_refuses_junk(void **state)
{
    (void)state;
    unsigned char back[16];
    size_t n = sizeof back;
    assert_false(totp_secret_from_base32("MZXW1", back, &n)); /* 1 is not base32 */
    assert_false(totp_secret_from_base32("M", back, &n));     /* impossible length */
    assert_false(totp_secret_from_base32("MZX", back, &n));
    assert_false(totp_secret_from_base32("MZ XW", back, &n));
}

static void new_secret_round_trips_through_base32(void **state)
{
    (void)state;
    unsigned char s[TOTP_SECRET_LEN], t[TOTP_SECRET_LEN];
    totp_new_secret(s);
    totp_new_secret(t);
    assert_memory_not_equal(s, t, TOTP_SECRET_LEN);
    char b32[40];
    assert_true(totp_secret_base32(s, sizeof s, b32, sizeof b32));
    assert_int_equal(strlen(b32), 32);
    unsigned char back[TOTP_SECRET_LEN];
    size_t n = sizeof back;
    assert_true(totp_secret_from_base32(b32, back, &n));
    assert_int_equal(n, TOTP_SECRET_LEN);
    assert_memory_equal(back, s, n);
}

static void uri_has_all_parts(void **state)
{
    (void)state;
    char *uri = totp_uri("cunjing", "zhang.wei", rfc_secret, RFC_LEN);
    assert_non_null(uri);
    assert_string_equal(uri, "otpauth://totp/cunjing:zhang.wei?secret="
                             "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=cunjing"
                             "&algorithm=SHA1&digits=6&period=30");
    free(uri);
}

static void uri_percent_encodes_issuer_and_account(void **state)
{
    (void)state;
    char *uri = totp_uri("cun jing", "a:b&c?\xe5\xbc\xa0", rfc_secret, RFC_LEN);
    assert_non_null(uri);
    assert_non_null(strstr(uri, "otpauth://totp/cun%20jing:a%3Ab%26c%3F%E5%BC%A0?secret="));
    assert_non_null(strstr(uri, "&issuer=cun%20jing&"));
    free(uri);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(code_matches_rfc6238_vectors),
        cmocka_unit_test(code_refuses_negative_time),
        cmocka_unit_test(verify_accepts_current_code_and_reports_step),
        cmocka_unit_test(verify_accepts_neighbour_steps_within_window),
        cmocka_unit_test(verify_refuses_outside_window),
        cmocka_unit_test(verify_refuses_bad_codes),
        cmocka_unit_test(verify_refuses_bad_window),
        cmocka_unit_test(base32_matches_rfc4648_vectors),
        cmocka_unit_test(base32_refuses_small_buffer),
        cmocka_unit_test(base32_decode_accepts_lowercase_and_padding),
        cmocka_unit_test(base32_decode_refuses_junk),
        cmocka_unit_test(new_secret_round_trips_through_base32),
        cmocka_unit_test(uri_has_all_parts),
        cmocka_unit_test(uri_percent_encodes_issuer_and_account),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
