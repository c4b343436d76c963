/*
 * The small state machine of disputes and the due dates of follow-ups and
 * key-person contacts, as pure functions (unit-tested without a database).
 *
 *   open --session--> mediating --session--> mediating
 *   open | mediating --close(resolved|unresolved|referred)--> that result
 *   resolved | unresolved | referred --followup--> unchanged
 */
#ifndef CUNJING_DISPUTE_DISPUTE_FSM_H
#define CUNJING_DISPUTE_DISPUTE_FSM_H
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

enum dispute_action { DISPUTE_SESSION, DISPUTE_CLOSE, DISPUTE_FOLLOWUP };

/* Whether the status is one of the closed results. */
bool dispute_closed(const char *status);
/*
 * The status after action from status (result: the close's result). ERR_STATE
 * when the action is not allowed from status, ERR_INVALID for an unknown
 * result; *to (a static string) only on ERR_OK.
 */
enum err dispute_next(const char *status, enum dispute_action action, const char *result,
                      const char **to);
/* When a follow-up visit is due: closed_at + days for a resolved dispute, else 0. */
int64_t dispute_followup_due(int64_t closed_at, const char *result, int days);
/* The next contact due for a key person contacted at `at`, every `days` days. */
int64_t key_person_next_due(int64_t at, int days);

#endif
