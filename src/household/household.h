/*
 * Household-registration pre-acceptance (户籍业务预受理): business types and
 * their materials (reference data), applications and their life from the
 * assistant's draft to the clerk's completion, with deadlines, history,
 * inbox items and text messages on every change.
 *
 * Domain functions take the caller's ctx, check scope (404), role (403),
 * state (409 with `allowed`) and input (422) in that order, run in one write
 * transaction with their audit record, and return JSON ready to send (new
 * references).
 */
#ifndef CUNJING_HOUSEHOLD_HOUSEHOLD_H
#define CUNJING_HOUSEHOLD_HOUSEHOLD_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "household/household_fsm.h"

struct tx;

#define HH_NAME_MAX 64
#define HH_REASON_MAX 500
#define HH_DETAILS_MAX (16 * 1024)
#define HH_LOOKUPS_PER_MINUTE 30

/* `cunjing init`: loads the business types and materials from ref/ when absent. */
enum err household_seed_types(struct ctx *ctx, int *added);

/* GET /api/v1/household-business-types */
enum err household_types_list(struct ctx *ctx, json_t **items);
/* PUT /api/v1/household-business-types/{code} (admin): name, promised_days, days_unit. */
struct hh_type_patch {
    int64_t version;
    const char *name;
    int promised_days; /* -1 unchanged */
    const char *days_unit;
};
enum err household_type_update(struct ctx *ctx, const char *code, const struct hh_type_patch *p,
                               json_t **out);

struct hh_input {
    const char *business_type;
    const char *village_id;
    const char *name;
    const char *id_number;
    const char *phone;
    json_t *details; /* borrowed object */
    const char *client_ref;
};

/* POST /api/v1/household-applications; *created false for a repeated client_ref. */
enum err household_create(struct ctx *ctx, const struct hh_input *in, json_t **out, bool *created);

struct hh_patch {
    int64_t version;
    bool set_applicant;
    const char *name, *id_number, *phone;
    json_t *details; /* NULL: unchanged */
};
/* PATCH: ERR_VERSION_CONFLICT leaves the current record in *out. */
enum err household_update(struct ctx *ctx, const char *id, const struct hh_patch *p, json_t **out);

/*
 * A transition (submit, accept, return, approve, reject, complete). note is
 * the reason (return, reject: required) or note (complete). On ERR_STATE
 * *allowed lists the caller's possible actions; on missing materials
 * (ERR_MISSING_MATERIALS) *missing lists the kinds.
 */
enum err household_act(struct ctx *ctx, const char *id, enum hh_action action, const char *note,
                       json_t **out, json_t **extra);

/* GET one, with history, stage times, attachments and allowed actions. Audited. */
enum err household_get(struct ctx *ctx, const char *id, json_t **out);

struct hh_query {
    const char *status, *village_id, *business_type, *q;
    bool overdue;
    bool sort_due; /* sort=due_at: the work queue, soonest deadline first */
    const char *cursor;
    int limit;
};
enum err household_list(struct ctx *ctx, const struct hh_query *q, json_t **items,
                        char **next_cursor);

/* The public lookup by number and the last four ID characters (no login). */
enum err household_public_lookup(struct ctx *ctx, const char *number, const char *last4,
                                 json_t **out);

/* The receipt page (HTML) of an application; *html owned by the caller. */
enum err household_receipt(struct ctx *ctx, const char *id, const char *lookup_base, char **html);

/*
 * The keyed hash that finds the same person without decrypting ID numbers
 * (HMAC-SHA-256 with the data key); out: 64 hex characters and a NUL.
 */
void household_id_hmac(const struct keys *k, const char *id_number, char out[65]);

/* The attachment owner description of household applications (for src/attach). */
struct attach_owner;
extern const struct attach_owner household_attach_owner;

#endif
