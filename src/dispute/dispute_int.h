/*
 * Internals of the dispute module: the row and the repository.
 */
#ifndef CUNJING_DISPUTE_DISPUTE_INT_H
#define CUNJING_DISPUTE_DISPUTE_INT_H
#include "dispute/dispute.h"
#include "org/scope.h"

struct tx;

struct dispute_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char category[16];
    char title[4 * DISPUTE_TITLE_MAX + 1];
    char *description;
    char village_id[RAND_ID_LEN + 1];
    char hamlet_id[RAND_ID_LEN + 1];
    char *parties; /* JSON */
    char risk_level[8];
    char status[12];
    int64_t occurred_at, reported_at;
    char *agreement;
    char *witnesses; /* JSON */
    char *referred_to;
    int64_t closed_at, followup_due_at;
    bool followup_notified;
    char created_by[RAND_ID_LEN + 1];
    int64_t version, created_at, updated_at;
};

void dispute_row_release(struct dispute_row *d);
enum err dispute_repo_insert(struct tx *tx, const struct dispute_row *d);
enum err dispute_repo_update(struct tx *tx, const struct dispute_row *d);
enum err dispute_repo_get(struct tx *tx, const char *id, struct dispute_row *d);
enum err dispute_repo_event(struct tx *tx, const char *dispute_id, const char *kind, int64_t at,
                            const char *actor_name, const char *role, json_t *data,
                            const char *from, const char *to);
enum err dispute_repo_events(struct tx *tx, const char *dispute_id, json_t *out);
enum err dispute_repo_list(struct tx *tx, const struct scope *sc, const struct dispute_query *q,
                           int64_t cur_key, const char *cur_id, json_t *items, bool *more);
enum err dispute_repo_category(struct tx *tx, const char *code, char name[256]);
/* Officers and station chiefs whose scope holds the area at path (ids into out). */
enum err dispute_repo_police_for(struct tx *tx, const char *path, json_t *out);
/* Resolved disputes due a follow-up and not yet reminded: [{id, title, created_by}]. */
enum err dispute_repo_due(struct tx *tx, int64_t now, json_t *out);
enum err dispute_repo_mark_reminded(struct tx *tx, const char *id);
/* Reference data. */
enum err grassroots_repo_count(struct tx *tx, const char *table, int64_t *n);
enum err grassroots_repo_seed_row(struct tx *tx, const char *table, const char *const *v, int n,
                                  int64_t days);

#endif
