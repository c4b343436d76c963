/*
 * The dispute state machine and the due dates of follow-ups and key-person
 * contacts (src/dispute/dispute_fsm.h): every (status, action) pair against
 * the table written out here independently, and hand-computed due dates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dispute/dispute_fsm.h"

static const char *const statuses[] = {"open", "mediating", "resolved", "unresolved", "referred"};
static const char *const results[] = {"resolved", "unresolved", "referred"};

static void sessions(void **state)
{
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        const char *to = "unchanged";
        enum err e = dispute_next(statuses[i], DISPUTE_SESSION, NULL, &to);
        if (i < 2) {
            assert_int_equal(e, ERR_OK);
            assert_string_equal(to, "mediating");
        } else {
            assert_int_equal(e, ERR_STATE);
            assert_string_equal(to, "unchanged");
        }
    }
}

static void closing(void **state)
{
    (void)state;
    for (size_t i = 0; i < 5; i++)
        for (size_t k = 0; k < 3; k++) {
            const char *to = "unchanged";
            enum err e = dispute_next(statuses[i], DISPUTE_CLOSE, results[k], &to);
            if (i < 2) {
                assert_int_equal(e, ERR_OK);
                assert_string_equal(to, results[k]);
            } else {
                assert_int_equal(e, ERR_STATE);
                assert_string_equal(to, "unchanged");
            }
        }
    const char *to = "unchanged";
    assert_int_equal(dispute_next("open", DISPUTE_CLOSE, "mediating", &to), ERR_INVALID);
    assert_int_equal(dispute_next("open", DISPUTE_CLOSE, NULL, &to), ERR_INVALID);
    assert_string_equal(to, "unchanged");
}

static void followups(void **state)
{
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        const char *to = "unchanged";
        enum err e = dispute_next(statuses[i], DISPUTE_FOLLOWUP, NULL, &to);
        if (i >= 2) {
            assert_int_equal(e, ERR_OK);
            assert_string_equal(to, statuses[i]);
        } else {
            assert_int_equal(e, ERR_STATE);
        }
    }
    const char *to = NULL;
    assert_int_equal(dispute_next(NULL, DISPUTE_SESSION, NULL, &to), ERR_STATE);
    assert_int_equal(dispute_next("bogus", DISPUTE_FOLLOWUP, NULL, &to), ERR_STATE);
}

static void closed_states(void **state)
{
    (void)state;
    assert_false(dispute_closed("open"));
    assert_false(dispute_closed("mediating"));
    assert_true(dispute_closed("resolved"));
    assert_true(dispute_closed("unresolved"));
    assert_true(dispute_closed("referred"));
    assert_false(dispute_closed(NULL));
}

static void due_dates(void **state)
{
    (void)state;
    /* 2026-11-28T10:00:00Z = 1795860000 */
    const int64_t t = 1795860000;
    assert_int_equal(dispute_followup_due(t, "resolved", 30), t + 30 * 86400);
    assert_int_equal(dispute_followup_due(t, "resolved", 0), t);
    assert_int_equal(dispute_followup_due(t, "unresolved", 30), 0);
    assert_int_equal(dispute_followup_due(t, "referred", 30), 0);
    assert_int_equal(dispute_followup_due(t, NULL, 30), 0);
    assert_int_equal(key_person_next_due(t, 90), t + 90 * 86400);
    assert_int_equal(key_person_next_due(t, 0), t);
    assert_int_equal(key_person_next_due(t, -5), t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sessions),      cmocka_unit_test(closing),   cmocka_unit_test(followups),
        cmocka_unit_test(closed_states), cmocka_unit_test(due_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
