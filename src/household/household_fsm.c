/*
 * Household applications: the state machine.
 *
 *            submit (assistant)            accept (clerk)
 *   draft ---------------------> submitted ----------------> accepted
 *     ^                             |  |                        | | |
 *     |        return (clerk)       |  | reject                 | | | approve: clerk (station
 * level), returned <----------------------+  |  (clerk: station,      | | |   reviewer (county,
 * city) |  ^   return (clerk station,    |   reviewer: county,    | | v |  +-- reviewer
 * county/city) ----|---- city) -------------+ | approved --complete (clerk)--> completed | v |
 *     +--submit--> submitted       rejected <---------------------+ reject
 *
 * Invariants: draft and returned are the only states an assistant may edit;
 * completed and rejected are final; approved means the last step of the
 * type's chain approved. The table below is the single statement of who may
 * do what; hh_fsm_next() is the only function that decides a transition.
 */
#include "household/household_fsm.h"

#include <string.h>

#include "core/xalloc.h"

#define ST(s) (1u << (s))
#define LV(l) (1u << (l))
#define ANY_LEVEL (LV(HH_LEVEL_STATION) | LV(HH_LEVEL_COUNTY) | LV(HH_LEVEL_CITY))
#define UPPER (LV(HH_LEVEL_COUNTY) | LV(HH_LEVEL_CITY))

struct row {
    unsigned from; /* ST() mask */
    enum hh_action action;
    enum role role;
    unsigned levels; /* LV() mask */
    enum hh_state to;
};

static const struct row table[] = {
    {ST(HH_DRAFT) | ST(HH_RETURNED), HH_SUBMIT, ROLE_ASSISTANT, ANY_LEVEL, HH_SUBMITTED},
    {ST(HH_SUBMITTED), HH_ACCEPT, ROLE_CLERK, ANY_LEVEL, HH_ACCEPTED},
    {ST(HH_SUBMITTED), HH_RETURN, ROLE_CLERK, ANY_LEVEL, HH_RETURNED},
    {ST(HH_ACCEPTED), HH_APPROVE, ROLE_CLERK, LV(HH_LEVEL_STATION), HH_APPROVED},
    {ST(HH_ACCEPTED), HH_APPROVE, ROLE_REVIEWER, UPPER, HH_APPROVED},
    {ST(HH_ACCEPTED), HH_RETURN, ROLE_CLERK, LV(HH_LEVEL_STATION), HH_RETURNED},
    {ST(HH_ACCEPTED), HH_RETURN, ROLE_REVIEWER, UPPER, HH_RETURNED},
    {ST(HH_SUBMITTED) | ST(HH_ACCEPTED), HH_REJECT, ROLE_CLERK, LV(HH_LEVEL_STATION), HH_REJECTED},
    {ST(HH_SUBMITTED) | ST(HH_ACCEPTED), HH_REJECT, ROLE_REVIEWER, UPPER, HH_REJECTED},
    {ST(HH_APPROVED), HH_COMPLETE, ROLE_CLERK, ANY_LEVEL, HH_COMPLETED},
};
#define N_ROWS (sizeof table / sizeof table[0])

static const char *const state_names[HH_STATE__COUNT] = {
    "draft", "submitted", "accepted", "approved", "completed", "returned", "rejected",
};
static const char *const action_names[HH_ACTION__COUNT] = {
    "submit", "accept", "return", "approve", "reject", "complete",
};
static const char *const level_names[HH_LEVEL__COUNT] = {"station", "county", "city"};

const char *hh_state_name(enum hh_state s)
{
    return (unsigned)s < HH_STATE__COUNT ? state_names[s] : "";
}

bool hh_state_from(const char *name, enum hh_state *out)
{
    for (int i = 0; i < HH_STATE__COUNT; i++)
        if (name && strcmp(name, state_names[i]) == 0) {
            *out = (enum hh_state)i;
            return true;
        }
    return false;
}

const char *hh_action_name(enum hh_action a)
{
    return (unsigned)a < HH_ACTION__COUNT ? action_names[a] : "";
}

bool hh_action_from(const char *name, enum hh_action *out)
{
    for (int i = 0; i < HH_ACTION__COUNT; i++)
        if (name && strcmp(name, action_names[i]) == 0) {
            *out = (enum hh_action)i;
            return true;
        }
    return false;
}

const char *hh_level_name(enum hh_level l)
{
    return (unsigned)l < HH_LEVEL__COUNT ? level_names[l] : "";
}

bool hh_level_from_chain(const char *chain, enum hh_level *out)
{
    if (!chain || !*chain)
        return false;
    const char *last = strrchr(chain, '>');
    last = last ? last + 1 : chain;
    if (strcmp(last, "station_window") == 0)
        *out = HH_LEVEL_STATION;
    else if (strcmp(last, "county_population_brigade") == 0 || strcmp(last, "county_issuer") == 0)
        *out = HH_LEVEL_COUNTY;
    else if (strcmp(last, "city_bureau") == 0)
        *out = HH_LEVEL_CITY;
    else
        return false;
    return true;
}

bool hh_state_closed(enum hh_state s)
{
    return s == HH_COMPLETED || s == HH_REJECTED;
}

bool hh_fsm_role_may(enum role role, enum hh_action action, enum hh_level level)
{
    for (size_t i = 0; i < N_ROWS; i++)
        if (table[i].action == action && table[i].role == role && (table[i].levels & LV(level)))
            return true;
    return false;
}

enum err hh_fsm_next(enum hh_state from, enum hh_action action, enum role role, enum hh_level level,
                     enum hh_state *to)
{
    if (!hh_fsm_role_may(role, action, level))
        return ERR_FORBIDDEN;
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct row *r = &table[i];
        if (r->action == action && r->role == role && (r->levels & LV(level)) &&
            (r->from & ST(from))) {
            *to = r->to;
            return ERR_OK;
        }
    }
    return ERR_STATE;
}

void hh_fsm_allowed(enum hh_state from, enum role role, enum hh_level level, json_t *arr)
{
    for (int a = 0; a < HH_ACTION__COUNT; a++) {
        enum hh_state to;
        if (hh_fsm_next(from, (enum hh_action)a, role, level, &to) == ERR_OK)
            json_array_append_new(arr, json_string(action_names[a]));
    }
}
