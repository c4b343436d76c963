/*
 * Disputes and their mediation (矛盾纠纷排查化解): recorded by an assistant or
 * officer, mediated in sessions (the first moves an open dispute to
 * `mediating`), closed as resolved, unresolved or referred, and visited again
 * after a resolution (回访). A high-risk dispute reaches the inbox and the
 * live stream of the officers whose scope holds the village and of the
 * station chiefs at once. Parties' ID numbers and phones are sealed.
 *
 *   open --session--> mediating --session--> mediating
 *   open|mediating --close(result)--> resolved | unresolved | referred
 *   resolved|unresolved|referred --followup--> (same state; clears the reminder)
 */
#ifndef CUNJING_DISPUTE_DISPUTE_H
#define CUNJING_DISPUTE_DISPUTE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define DISPUTE_TITLE_MAX 100
#define DISPUTE_TEXT_MAX 4000
#define DISPUTE_MAX_PARTIES 20
#define DISPUTE_MAX_NAMES 30

/* The shapes of the request bodies are checked by the handler; these are borrowed. */
struct dispute_input {
    const char *category, *title, *description, *village_id, *hamlet_id, *risk_level;
    json_t *parties; /* [{"name","id_number"?,"phone"?,"role"}] */
    int64_t occurred_at, reported_at;
    const char *client_ref;
};
enum err dispute_create(struct ctx *ctx, const struct dispute_input *in, json_t **out,
                        bool *created);

struct dispute_session_input {
    int64_t held_at;
    json_t *mediators, *participants; /* arrays of names */
    const char *notes, *outcome;      /* continuing | agreed | failed */
    const char *client_ref;           /* a retry adds no second session */
};
enum err dispute_add_session(struct ctx *ctx, const char *id,
                             const struct dispute_session_input *in, json_t **out, json_t **extra,
                             bool *created); /* false: a retry answered with the first's result */

struct dispute_close_input {
    const char *result; /* resolved | unresolved | referred */
    const char *agreement, *referred_to;
    json_t *witnesses;
    const char *client_ref; /* a retry after the close answers the closed dispute, not 409 */
};
enum err dispute_close(struct ctx *ctx, const char *id, const struct dispute_close_input *in,
                       json_t **out, json_t **extra);
enum err dispute_add_followup(struct ctx *ctx, const char *id, int64_t at, const char *notes,
                              const char *client_ref, json_t **out, json_t **extra, bool *created);
enum err dispute_get(struct ctx *ctx, const char *id, json_t **out);

struct dispute_query {
    const char *status, *village_id, *risk_level, *category, *cursor;
    int limit;
};
enum err dispute_list(struct ctx *ctx, const struct dispute_query *q, json_t **items, char **next);

/* `cunjing init`: dispute, intelligence and key-person categories from ref/ when absent. */
enum err grassroots_seed(struct ctx *ctx, int *added);

/* The due follow-up reminders (called by the reminders worker); *sent gets the count. */
enum err dispute_remind_followups(struct app *app, int *sent);

struct attach_owner;
extern const struct attach_owner dispute_attach_owner;

#endif
