/*
 * Unit tests of auth/password: the policy's length (code points, byte cap)
 * and class rules, Argon2id hashing and verification, and the dummy
 * verification used for unknown users (its cost is compared in bench/).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "auth/password.h"
#include "core/err.h"

#include "core/xalloc.h"

static enum err check(const char *pw, int min_length, int min_classes, struct errinfo *ei)
{
    errinfo_clear(ei);
    return password_policy_check(pw, min_length, min_classes, ei);
}

static void policy_accepts_long_mixed_password(void **state)
{
    (void)state;
    struct errinfo ei;
    assert_int_equal(check("Correct-horse7", 12, 3, &ei), ERR_OK);
}

static void policy_refuses_short_password(void **state)
{
    (void)state;
    struct errinfo ei;
    assert_int_equal(check("Ab1!x", 12, 3, &ei), ERR_INVALID);
    assert_string_equal(ei.field, "password");
    assert_non_null(strstr(ei.message, "at least 12 characters"));
}

static void policy_counts_code_points_not_bytes(void **state)
{
    (void)state;
    struct errinfo ei;
    /* 4 Chinese characters = 12 bytes but 4 characters. */
    const char *zh4 = "\xe6\x88\x91\xe7\x9a\x84\xe5\xaf\x86\xe7\xa0\x81";
    assert_int_equal(check(zh4, 5, 1, &ei), ERR_INVALID);
    assert_int_equal(check(zh4, 4, 1, &ei), ERR_OK);
}

static void policy_refuses_over_128_bytes(void **state)
{
    (void)state;
    struct errinfo ei;
    char pw[130];
    memset(pw, 'a', 129);
    pw[129] = '\0';
    assert_int_equal(check(pw, 8, 1, &ei), ERR_INVALID);
    assert_string_equal(ei.field, "password");
    pw[128] = '\0';
    assert_int_equal(check(pw, 8, 1, &ei), ERR_OK);
}

static void policy_refuses_too_few_classes(void **state)
{
    (void)state;
    struct errinfo ei;
    assert_int_equal(check("alllowercase", 8, 2, &ei), ERR_INVALID);
    assert_string_equal(ei.field, "password");
    assert_non_null(strstr(ei.message, "at least 2"));
    assert_int_equal(check("lowerUPPER", 8, 3, &ei), ERR_INVALID);
    assert_int_equal(check("lowerUPPER1", 8, 3, &ei), ERR_OK);
    assert_int_equal(check("lowerUPPER1!", 8, 4, &ei), ERR_OK);
}

static void policy_counts_non_ascii_as_other(void **state)
{
    (void)state;
    struct errinfo ei;
    /* lowercase + digits + Chinese = 3 classes. */
    assert_int_equal(check("abc123\xe5\xaf\x86\xe7\xa0\x81", 8, 3, &ei), ERR_OK);
    assert_int_equal(check("abc123\xe5\xaf\x86\xe7\xa0\x81", 8, 4, &ei), ERR_INVALID);
}

static void policy_refuses_invalid_utf8_and_null(void **state)
{
    (void)state;
    struct errinfo ei;
    assert_int_equal(check("abcdefgh\xff", 8, 1, &ei), ERR_INVALID);
    assert_int_equal(check(NULL, 8, 1, &ei), ERR_INVALID);
    assert_string_equal(ei.field, "password");
}

static void hash_then_verify_matches(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_SIZE];
    assert_int_equal(password_hash("Correct-horse7", h), ERR_OK);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(password_verify(h, "Correct-horse7"));
}

static void verify_refuses_wrong_password(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_SIZE];
    assert_int_equal(password_hash("Correct-horse7", h), ERR_OK);
    assert_false(password_verify(h, "Correct-horse8"));
    assert_false(password_verify(h, ""));
    assert_false(password_verify(h, NULL));
}

static void hashes_of_same_password_differ(void **state)
{
    (void)state;
    char a[PASSWORD_HASH_SIZE], b[PASSWORD_HASH_SIZE];
    assert_int_equal(password_hash("same", a), ERR_OK);
    assert_int_equal(password_hash("same", b), ERR_OK);
    assert_string_not_equal(a, b);
}

static void verify_refuses_malformed_hash(void **state)
{
    (void)state;
    assert_false(password_verify(NULL, "x"));
    assert_false(password_verify("", "x"));
    assert_false(password_verify("$argon2id$garbage", "x"));
}

static void *dummy_thread(void *arg)
{
    password_verify_dummy(arg);
    return NULL;
}

static void dummy_verify_is_safe_from_threads(void **state)
{
    (void)state;
    /* Timing is measured in bench/; here: the once-only setup races safely. */
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, dummy_thread, "guess"), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    password_verify_dummy(NULL);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(policy_accepts_long_mixed_password),
        cmocka_unit_test(policy_refuses_short_password),
        cmocka_unit_test(policy_counts_code_points_not_bytes),
        cmocka_unit_test(policy_refuses_over_128_bytes),
        cmocka_unit_test(policy_refuses_too_few_classes),
        cmocka_unit_test(policy_counts_non_ascii_as_other),
        cmocka_unit_test(policy_refuses_invalid_utf8_and_null),
        cmocka_unit_test(hash_then_verify_matches),
        cmocka_unit_test(verify_refuses_wrong_password),
        cmocka_unit_test(hashes_of_same_password_differ),
        cmocka_unit_test(verify_refuses_malformed_hash),
        cmocka_unit_test(dummy_verify_is_safe_from_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
