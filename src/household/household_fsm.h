/*
 * The state machine of household applications (CONVENTIONS.md, "Household
 * applications: the state machine"): states, actions, the type's level, and
 * the one table that says which role may take which action from which state.
 */
#ifndef CUNJING_HOUSEHOLD_FSM_H
#define CUNJING_HOUSEHOLD_FSM_H
#include <jansson.h>
#include <stdbool.h>

#include "auth/role.h"
#include "core/err.h"

enum hh_state {
    HH_DRAFT,
    HH_SUBMITTED,
    HH_ACCEPTED,
    HH_APPROVED,
    HH_COMPLETED,
    HH_RETURNED,
    HH_REJECTED,
    HH_STATE__COUNT
};

enum hh_action {
    HH_SUBMIT,
    HH_ACCEPT,
    HH_RETURN,
    HH_APPROVE,
    HH_REJECT,
    HH_COMPLETE,
    HH_ACTION__COUNT
};

/* The last step of a type's approval chain. */
enum hh_level { HH_LEVEL_STATION, HH_LEVEL_COUNTY, HH_LEVEL_CITY, HH_LEVEL__COUNT };

const char *hh_state_name(enum hh_state s);
bool hh_state_from(const char *name, enum hh_state *out);
const char *hh_action_name(enum hh_action a);
bool hh_action_from(const char *name, enum hh_action *out);
const char *hh_level_name(enum hh_level l);
/* From the last step of the chain: station_window, county_*, city_bureau. */
bool hh_level_from_chain(const char *chain, enum hh_level *out);
/* Whether the state is final (completed, rejected). */
bool hh_state_closed(enum hh_state s);

/* Whether any row lets role take action on a type of this level. */
bool hh_fsm_role_may(enum role role, enum hh_action action, enum hh_level level);
/*
 * The state after action from `from`: ERR_FORBIDDEN when the role may never
 * take the action on this level, ERR_STATE when it may but not from this
 * state; *to is written only on ERR_OK.
 */
enum err hh_fsm_next(enum hh_state from, enum hh_action action, enum role role, enum hh_level level,
                     enum hh_state *to);
/* Appends to arr the names of the actions role may take now (the 409 `allowed`). */
void hh_fsm_allowed(enum hh_state from, enum role role, enum hh_level level, json_t *arr);

#endif
