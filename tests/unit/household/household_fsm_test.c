/*
 * Unit tests of the household state machine against the table of
 * CONVENTIONS.md ("Household applications: the state machine"), written out
 * here independently of src/household/household_fsm.c: every (state, action,
 * role, level) combination is walked; allowed ones land in the table's state,
 * a role that may never take the action on that level gets ERR_FORBIDDEN,
 * everything else ERR_STATE; hh_fsm_allowed lists exactly the allowed actions
 * (in the order of enum hh_action). Also the names, closed states and the
 * level of every approval chain in ref/household-business-types.csv.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "household/household_fsm.h"

/*
 * The CONVENTIONS table, one line per (from, action, role, level) that is
 * allowed, by name, so that a renumbered enum cannot hide a mistake.
 *
 * | draft, returned | submit | assistant | any | submitted |
 * | submitted | accept | clerk | any | accepted |
 * | submitted | return | clerk | any | returned |
 * | accepted | approve | clerk | station | approved |
 * | accepted | approve | reviewer | county, city | approved |
 * | accepted | return | clerk (station), reviewer (county, city) | | returned |
 * | submitted, accepted | reject | clerk (station), reviewer (county, city) | | rejected |
 * | approved | complete | clerk | any | completed |
 */
struct legal {
    const char *from, *action, *role, *level, *to;
};

static const struct legal legal[] = {
    /* submit */
    {"draft", "submit", "assistant", "station", "submitted"},
    {"draft", "submit", "assistant", "county", "submitted"},
    {"draft", "submit", "assistant", "city", "submitted"},
    {"returned", "submit", "assistant", "station", "submitted"},
    {"returned", "submit", "assistant", "county", "submitted"},
    {"returned", "submit", "assistant", "city", "submitted"},
    /* accept */
    {"submitted", "accept", "clerk", "station", "accepted"},
    {"submitted", "accept", "clerk", "county", "accepted"},
    {"submitted", "accept", "clerk", "city", "accepted"},
    /* return from submitted: the clerk, any level */
    {"submitted", "return", "clerk", "station", "returned"},
    {"submitted", "return", "clerk", "county", "returned"},
    {"submitted", "return", "clerk", "city", "returned"},
    /* approve */
    {"accepted", "approve", "clerk", "station", "approved"},
    {"accepted", "approve", "reviewer", "county", "approved"},
    {"accepted", "approve", "reviewer", "city", "approved"},
    /* return from accepted: clerk at station level, reviewer above */
    {"accepted", "return", "clerk", "station", "returned"},
    {"accepted", "return", "reviewer", "county", "returned"},
    {"accepted", "return", "reviewer", "city", "returned"},
    /* reject */
    {"submitted", "reject", "clerk", "station", "rejected"},
    {"accepted", "reject", "clerk", "station", "rejected"},
    {"submitted", "reject", "reviewer", "county", "rejected"},
    {"accepted", "reject", "reviewer", "county", "rejected"},
    {"submitted", "reject", "reviewer", "city", "rejected"},
    {"accepted", "reject", "reviewer", "city", "rejected"},
    /* complete */
    {"approved", "complete", "clerk", "station", "completed"},
    {"approved", "complete", "clerk", "county", "completed"},
    {"approved", "complete", "clerk", "city", "completed"},
};
#define N_LEGAL (sizeof legal / sizeof legal[0])

static const char *const states[] = {"draft",     "submitted", "accepted", "approved",
                                     "completed", "returned",  "rejected"};
static const char *const actions[] = {"submit",  "accept", "return",
                                      "approve", "reject", "complete"};
static const char *const levels[] = {"station", "county", "city"};
static const char *const roles[] = {"assistant", "officer",  "clerk", "reviewer", "station_chief",
                                    "bureau",    "township", "admin", "auditor"};

static const struct legal *find_legal(const char *from, const char *action, const char *role,
                                      const char *level)
{
    for (size_t i = 0; i < N_LEGAL; i++)
        if (!strcmp(legal[i].from, from) && !strcmp(legal[i].action, action) &&
            !strcmp(legal[i].role, role) && !strcmp(legal[i].level, level))
            return &legal[i];
    return NULL;
}

/* Whether some row lets role take action on this level, from any state. */
static bool role_ever(const char *action, const char *role, const char *level)
{
    for (size_t i = 0; i < N_LEGAL; i++)
        if (!strcmp(legal[i].action, action) && !strcmp(legal[i].role, role) &&
            !strcmp(legal[i].level, level))
            return true;
    return false;
}

static enum hh_state st(const char *name)
{
    enum hh_state s;
    assert_true(hh_state_from(name, &s));
    return s;
}

static enum hh_action ac(const char *name)
{
    enum hh_action a;
    assert_true(hh_action_from(name, &a));
    return a;
}

static enum hh_level lv(const char *name)
{
    for (int i = 0; i < HH_LEVEL__COUNT; i++)
        if (!strcmp(hh_level_name((enum hh_level)i), name))
            return (enum hh_level)i;
    fail_msg("no level %s", name);
    return HH_LEVEL_STATION;
}

static enum role rl(const char *name)
{
    enum role r = role_from_str(name);
    assert_int_not_equal(r, ROLE_NONE);
    return r;
}

static void names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(HH_STATE__COUNT, 7);
    assert_int_equal(HH_ACTION__COUNT, 6);
    assert_int_equal(HH_LEVEL__COUNT, 3);
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(hh_state_name(st(states[i])), states[i]);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal(hh_action_name(ac(actions[i])), actions[i]);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(hh_level_name(lv(levels[i])), levels[i]);
    enum hh_state s;
    enum hh_action a;
    assert_false(hh_state_from("Draft", &s));
    assert_false(hh_state_from("", &s));
    assert_false(hh_state_from(NULL, &s));
    assert_false(hh_action_from("edit", &a));
    assert_false(hh_action_from("approved", &a));
    assert_false(hh_action_from(NULL, &a));
    /* the final states */
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(hh_state_closed(st(states[i])),
                         !strcmp(states[i], "completed") || !strcmp(states[i], "rejected"));
}

static void every_combination(void **state)
{
    (void)state;
    int allowed = 0, forbidden = 0, wrong_state = 0;
    for (size_t si = 0; si < 7; si++)
        for (size_t ai = 0; ai < 6; ai++)
            for (size_t ri = 0; ri < sizeof roles / sizeof roles[0]; ri++)
                for (size_t li = 0; li < 3; li++) {
                    const struct legal *l =
                        find_legal(states[si], actions[ai], roles[ri], levels[li]);
                    enum hh_state to = HH_STATE__COUNT;
                    enum err e = hh_fsm_next(st(states[si]), ac(actions[ai]), rl(roles[ri]),
                                             lv(levels[li]), &to);
                    char what[160];
                    snprintf(what, sizeof what, "%s --%s by %s (%s)", states[si], actions[ai],
                             roles[ri], levels[li]);
                    bool may = role_ever(actions[ai], roles[ri], levels[li]);
                    assert_int_equal(
                        hh_fsm_role_may(rl(roles[ri]), ac(actions[ai]), lv(levels[li])), may);
                    if (l) {
                        if (e != ERR_OK || to != st(l->to))
                            fail_msg("%s: err %d, to %s; want ok -> %s", what, e, hh_state_name(to),
                                     l->to);
                        allowed++;
                    } else if (!may) {
                        if (e != ERR_FORBIDDEN || to != HH_STATE__COUNT)
                            fail_msg("%s: err %d; want ERR_FORBIDDEN (and *to untouched)", what, e);
                        forbidden++;
                    } else {
                        if (e != ERR_STATE || to != HH_STATE__COUNT)
                            fail_msg("%s: err %d; want ERR_STATE (and *to untouched)", what, e);
                        wrong_state++;
                    }
                }
    assert_int_equal(allowed, (int)N_LEGAL);
    assert_int_equal(allowed + forbidden + wrong_state, 7 * 6 * 9 * 3);
}

/* Roles outside the table never act, at any level, from any state. */
static void other_roles_never_act(void **state)
{
    (void)state;
    static const char *const never[] = {"officer",  "station_chief", "bureau",
                                        "township", "admin",         "auditor"};
    for (size_t i = 0; i < 6; i++)
        for (size_t a = 0; a < 6; a++)
            for (size_t l = 0; l < 3; l++) {
                assert_false(hh_fsm_role_may(rl(never[i]), ac(actions[a]), lv(levels[l])));
                enum hh_state to;
                assert_int_equal(
                    hh_fsm_next(HH_SUBMITTED, ac(actions[a]), rl(never[i]), lv(levels[l]), &to),
                    ERR_FORBIDDEN);
            }
    enum hh_state to;
    assert_int_equal(hh_fsm_next(HH_DRAFT, HH_SUBMIT, ROLE_NONE, HH_LEVEL_STATION, &to),
                     ERR_FORBIDDEN);
}

/* A few named cases the issue calls out, spelled out once more. */
static void named_cases(void **state)
{
    (void)state;
    enum hh_state to;
    /* a clerk approving a county-level type: 403 */
    assert_int_equal(hh_fsm_next(HH_ACCEPTED, HH_APPROVE, ROLE_CLERK, HH_LEVEL_COUNTY, &to),
                     ERR_FORBIDDEN);
    /* a reviewer on a station-level type: 403 for every action */
    for (int a = 0; a < HH_ACTION__COUNT; a++)
        assert_int_equal(
            hh_fsm_next(HH_ACCEPTED, (enum hh_action)a, ROLE_REVIEWER, HH_LEVEL_STATION, &to),
            ERR_FORBIDDEN);
    /* an assistant accepting or approving: 403 */
    assert_int_equal(hh_fsm_next(HH_SUBMITTED, HH_ACCEPT, ROLE_ASSISTANT, HH_LEVEL_STATION, &to),
                     ERR_FORBIDDEN);
    assert_int_equal(hh_fsm_next(HH_ACCEPTED, HH_APPROVE, ROLE_ASSISTANT, HH_LEVEL_STATION, &to),
                     ERR_FORBIDDEN);
    /* a clerk returning an accepted county-level type: 409 (the clerk returns it only
       while submitted) */
    assert_int_equal(hh_fsm_next(HH_ACCEPTED, HH_RETURN, ROLE_CLERK, HH_LEVEL_COUNTY, &to),
                     ERR_STATE);
    assert_int_equal(hh_fsm_next(HH_SUBMITTED, HH_RETURN, ROLE_CLERK, HH_LEVEL_COUNTY, &to),
                     ERR_OK);
    assert_int_equal(to, HH_RETURNED);
    /* the reviewer cannot return a submitted (not yet accepted) county-level type */
    assert_int_equal(hh_fsm_next(HH_SUBMITTED, HH_RETURN, ROLE_REVIEWER, HH_LEVEL_COUNTY, &to),
                     ERR_STATE);
    /* the clerk cannot reject a county-level type at all */
    assert_int_equal(hh_fsm_next(HH_SUBMITTED, HH_REJECT, ROLE_CLERK, HH_LEVEL_COUNTY, &to),
                     ERR_FORBIDDEN);
    /* nothing moves a final state */
    for (int a = 0; a < HH_ACTION__COUNT; a++)
        for (int r = ROLE_ASSISTANT; r < ROLE__COUNT; r++)
            for (int l = 0; l < HH_LEVEL__COUNT; l++) {
                assert_int_not_equal(hh_fsm_next(HH_COMPLETED, (enum hh_action)a, (enum role)r,
                                                 (enum hh_level)l, &to),
                                     ERR_OK);
                assert_int_not_equal(hh_fsm_next(HH_REJECTED, (enum hh_action)a, (enum role)r,
                                                 (enum hh_level)l, &to),
                                     ERR_OK);
            }
}

static void allowed_lists_exactly(void **state)
{
    (void)state;
    for (size_t si = 0; si < 7; si++)
        for (size_t ri = 0; ri < sizeof roles / sizeof roles[0]; ri++)
            for (size_t li = 0; li < 3; li++) {
                json_t *want = json_array();
                for (size_t ai = 0; ai < 6; ai++)
                    if (find_legal(states[si], actions[ai], roles[ri], levels[li]))
                        json_array_append_new(want, json_string(actions[ai]));
                json_t *got = json_array();
                json_array_append_new(got, json_string("sentinel"));
                hh_fsm_allowed(st(states[si]), rl(roles[ri]), lv(levels[li]), got);
                /* appends, keeping what was there */
                assert_string_equal(json_string_value(json_array_get(got, 0)), "sentinel");
                json_array_remove(got, 0);
                if (!json_equal(got, want)) {
                    char *g = json_dumps(got, JSON_COMPACT), *w = json_dumps(want, JSON_COMPACT);
                    fail_msg("allowed(%s, %s, %s) = %s, want %s", states[si], roles[ri], levels[li],
                             g, w);
                }
                json_decref(got);
                json_decref(want);
            }
}

/* Level from the approval_chain column of ref/household-business-types.csv. */
static void level_from_ref_chains(void **state)
{
    (void)state;
    const char *src = getenv("CUNJING_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/ref/household-business-types.csv", src ? src : ".");
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    int rows = 0;
    assert_non_null(fgets(line, sizeof line, f)); /* header */
    assert_non_null(strstr(line, "approver_level"));
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        /* code,name_zh,name_en,materials,approver_level,promised_days,days_unit,approval_chain,..
         */
        char *fields[12] = {0};
        int n = 0;
        for (char *p = line; n < 12;) {
            fields[n++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        assert_true(n >= 8);
        enum hh_level got;
        if (!hh_level_from_chain(fields[7], &got))
            fail_msg("%s: chain %s not understood", fields[0], fields[7]);
        /* the csv's own approver_level column is the expected level */
        assert_string_equal(hh_level_name(got), fields[4]);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 21);
}

static void level_from_chain_cases(void **state)
{
    (void)state;
    static const struct {
        const char *chain;
        const char *level; /* NULL: refused */
    } cases[] = {
        {"assistant>station_window", "station"},
        {"station_window", "station"},
        {"assistant>station_window>county_population_brigade", "county"},
        {"assistant>station_window>county_issuer", "county"},
        {"county_issuer", "county"},
        {"assistant>station_window>county_population_brigade>city_bureau", "city"},
        {"city_bureau", "city"},
        {"", NULL},
        {"assistant", NULL},
        {"assistant>station_window>", NULL},
        {"station_window>nowhere", NULL},
        {"assistant>STATION_WINDOW", NULL},
        {"assistant>station_window>county_population_brigade_x", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum hh_level got = HH_LEVEL__COUNT;
        bool ok = hh_level_from_chain(cases[i].chain, &got);
        if (cases[i].level) {
            if (!ok)
                fail_msg("chain '%s' refused", cases[i].chain);
            assert_string_equal(hh_level_name(got), cases[i].level);
        } else if (ok) {
            fail_msg("chain '%s' accepted as %s", cases[i].chain, hh_level_name(got));
        }
    }
    enum hh_level got;
    assert_false(hh_level_from_chain(NULL, &got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_round_trip),       cmocka_unit_test(every_combination),
        cmocka_unit_test(other_roles_never_act),  cmocka_unit_test(named_cases),
        cmocka_unit_test(allowed_lists_exactly),  cmocka_unit_test(level_from_ref_chains),
        cmocka_unit_test(level_from_chain_cases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
