/*
 * Internals of the visit module: the repository.
 */
#ifndef CUNJING_VISIT_VISIT_INT_H
#define CUNJING_VISIT_VISIT_INT_H
#include "org/scope.h"
#include "visit/visit.h"

struct tx;

struct kp_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char category[8];
    char name[4 * 64 + 1];
    char *id_sealed;
    char id_masked[24];
    char id_hmac[65];
    char village_id[RAND_ID_LEN + 1];
    char *notes;
    int64_t last_contact_at, next_due_at;
    char created_by[RAND_ID_LEN + 1];
    int64_t version, created_at;
    /* joined */
    char category_name[256];
    char village_name[160];
    char village_path[256];
    int followup_days;
};

void kp_row_release(struct kp_row *k);
enum err kp_repo_insert(struct tx *tx, const struct kp_row *k);
enum err kp_repo_get(struct tx *tx, const char *id, struct kp_row *k);
enum err kp_repo_contact(struct tx *tx, const char *id, int64_t at, int64_t next_due);
enum err kp_repo_category_days(struct tx *tx, const char *code, int *days);
enum err kp_repo_list(struct tx *tx, const struct scope *sc, const struct key_person_query *q,
                      int64_t now, int64_t cur_key, const char *cur_id, json_t *items, bool *more);
/* Key persons past due and not reminded: [{id, name, village_id}]. */
enum err kp_repo_due(struct tx *tx, int64_t now, json_t *out);
enum err kp_repo_mark_reminded(struct tx *tx, const char *id);
/* Enabled assistants of a village. */
enum err kp_repo_assistants_of(struct tx *tx, const char *village_id, json_t *out);

enum err activity_repo_insert(struct tx *tx, const char *id, const char *county,
                              const struct activity_input *in, const char *village_id,
                              const char *created_by);
enum err activity_repo_get(struct tx *tx, const char *id, json_t **out, char path[256]);
enum err activity_repo_list(struct tx *tx, const struct scope *sc, const struct activity_query *q,
                            int64_t cur_key, const char *cur_id, json_t *items, bool *more);
enum err visit_repo_categories(struct tx *tx, const char *which, json_t *items);

#endif
