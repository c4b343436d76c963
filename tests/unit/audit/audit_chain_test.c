/*
 * Unit tests of audit/audit_chain: the hash is deterministic, depends on the
 * key, the previous hash and every field, cannot be fooled by moving bytes
 * across a field boundary, treats NULL as "", and the head MAC depends on
 * each of its inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "audit/audit_chain.h"

#include "core/xalloc.h"

static unsigned char key_a[AUDIT_KEY_LEN];
static unsigned char key_b[AUDIT_KEY_LEN];

static struct audit_entry sample(void)
{
    struct audit_entry e = {
        .seq = 42,
        .at = 1764339420,
        .user = "zhang.wei",
        .role = "officer",
        .ip = "10.0.0.7",
        .action = "dispute.accept",
        .object = "dispute/abcdefghijklmnopqrstuvwxyz",
        .result = "ok",
        .request_id = "req-1",
    };
    return e;
}

static void hash_of(const struct audit_entry *e, char out[AUDIT_HASH_HEX])
{
    audit_chain_hash(key_a, AUDIT_GENESIS, e, out);
}

static void hash_is_64_lowercase_hex(void **state)
{
    (void)state;
    struct audit_entry e = sample();
    char h[AUDIT_HASH_HEX];
    hash_of(&e, h);
    assert_int_equal(strlen(h), 64);
    assert_int_equal(strspn(h, "0123456789abcdef"), 64);
    assert_int_equal(strlen(AUDIT_GENESIS), 64);
}

static void hash_is_deterministic(void **state)
{
    (void)state;
    struct audit_entry e = sample();
    char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX];
    hash_of(&e, a);
    hash_of(&e, b);
    assert_string_equal(a, b);
}

static void every_field_changes_hash(void **state)
{
    (void)state;
    struct audit_entry base = sample();
    char h0[AUDIT_HASH_HEX];
    hash_of(&base, h0);
    for (int field = 0; field < 9; field++) {
        struct audit_entry e = base;
        switch (field) {
        case 0:
            e.seq++;
            break;
        case 1:
            e.at++;
            break;
        case 2:
            e.user = "zhang.wej";
            break;
        case 3:
            e.role = "clerk";
            break;
        case 4:
            e.ip = "10.0.0.8";
            break;
        case 5:
            e.action = "dispute.reject";
            break;
        case 6:
            e.object = "dispute/other";
            break;
        case 7:
            e.result = "denied";
            break;
        default:
            e.request_id = "req-2";
            break;
        }
        char h[AUDIT_HASH_HEX];
        hash_of(&e, h);
        assert_string_not_equal(h, h0);
    }
}

static void prev_hash_changes_hash(void **state)
{
    (void)state;
    struct audit_entry e = sample();
    char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX];
    audit_chain_hash(key_a, AUDIT_GENESIS, &e, a);
    audit_chain_hash(key_a, a, &e, b);
    assert_string_not_equal(a, b);
}

static void different_keys_differ(void **state)
{
    (void)state;
    struct audit_entry e = sample();
    char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX];
    audit_chain_hash(key_a, AUDIT_GENESIS, &e, a);
    audit_chain_hash(key_b, AUDIT_GENESIS, &e, b);
    assert_string_not_equal(a, b);
}

static void field_boundaries_are_unambiguous(void **state)
{
    (void)state;
    struct audit_entry x = sample(), y = sample();
    x.user = "ab";
    x.role = "c";
    y.user = "a";
    y.role = "bc";
    char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX];
    hash_of(&x, a);
    hash_of(&y, b);
    assert_string_not_equal(a, b);
    /* Digits moving between the two integers. */
    x = sample();
    y = sample();
    x.seq = 12;
    x.at = 3;
    y.seq = 1;
    y.at = 23;
    hash_of(&x, a);
    hash_of(&y, b);
    assert_string_not_equal(a, b);
}

static void null_equals_empty(void **state)
{
    (void)state;
    struct audit_entry x = {.seq = 1, .at = 2};
    struct audit_entry y = {.seq = 1,
                            .at = 2,
                            .user = "",
                            .role = "",
                            .ip = "",
                            .action = "",
                            .object = "",
                            .result = "",
                            .request_id = ""};
    char a[AUDIT_HASH_HEX], b[AUDIT_HASH_HEX];
    hash_of(&x, a);
    hash_of(&y, b);
    assert_string_equal(a, b);
}

static void head_mac_depends_on_each_input(void **state)
{
    (void)state;
    struct audit_entry e = sample();
    char h[AUDIT_HASH_HEX], h2[AUDIT_HASH_HEX];
    hash_of(&e, h);
    audit_chain_hash(key_a, h, &e, h2);
    char m0[AUDIT_HASH_HEX], m1[AUDIT_HASH_HEX];
    audit_head_mac(key_a, 42, h, m0);
    audit_head_mac(key_a, 42, h, m1);
    assert_string_equal(m0, m1);
    audit_head_mac(key_a, 41, h, m1);
    assert_string_not_equal(m0, m1);
    audit_head_mac(key_a, 42, h2, m1);
    assert_string_not_equal(m0, m1);
    audit_head_mac(key_b, 42, h, m1);
    assert_string_not_equal(m0, m1);
    assert_string_not_equal(m0, h);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    memset(key_a, 0xA5, sizeof key_a);
    memset(key_b, 0x5A, sizeof key_b);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_is_64_lowercase_hex),
        cmocka_unit_test(hash_is_deterministic),
        cmocka_unit_test(every_field_changes_hash),
        cmocka_unit_test(prev_hash_changes_hash),
        cmocka_unit_test(different_keys_differ),
        cmocka_unit_test(field_boundaries_are_unambiguous),
        cmocka_unit_test(null_equals_empty),
        cmocka_unit_test(head_mac_depends_on_each_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
