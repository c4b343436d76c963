/*
 * Internals shared by the household module's files: the row structs and the
 * repository (household_repo.c holds all of its SQL).
 */
#ifndef CUNJING_HOUSEHOLD_HOUSEHOLD_INT_H
#define CUNJING_HOUSEHOLD_HOUSEHOLD_INT_H
#include "household/household.h"
#include "org/scope.h"

#define HH_MAX_MATERIALS 16

struct hh_material {
    char kind[16];
    char name[512];
    bool required;
    bool on_site;
};

struct hh_type {
    char code[16];
    char name[256];
    char name_en[160];
    enum hh_level level;
    char chain[192];
    int promised_days;
    bool working_days;
    char preaccept[16];
    int64_t version;
    size_t n_materials;
    struct hh_material materials[HH_MAX_MATERIALS];
};

struct hh_app {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char number[32];
    char business_type[16];
    char village_id[RAND_ID_LEN + 1];
    enum hh_state status;
    char applicant_name[4 * HH_NAME_MAX + 1];
    char *id_sealed;
    char id_hmac[65];
    char id_masked[24];
    char id_last4[8];
    char *phone_sealed; /* NULL when none */
    char phone_masked[24];
    char *details; /* JSON text */
    char created_by[RAND_ID_LEN + 1];
    int64_t first_submitted_at, submitted_at, due_at, accepted_at, approved_at, completed_at,
        closed_at;
    char *last_reason;
    int64_t version, created_at, updated_at;
};

void hh_app_release(struct hh_app *a);

struct hh_history {
    const char *actor_id, *actor_name, *role, *action, *from, *to, *note;
};

/* Types */
enum err hh_repo_type_get(struct tx *tx, const char *code, struct hh_type *t);
enum err hh_repo_types_json(struct tx *tx, json_t *items);
enum err hh_repo_type_count(struct tx *tx, int64_t *n);
enum err hh_repo_type_insert(struct tx *tx, const char *code, const char *name, const char *name_en,
                             const char *level, const char *chain, int days, const char *unit,
                             const char *preaccept, const char *days_basis,
                             const char *legal_basis);
enum err hh_repo_material_insert(struct tx *tx, const char *type, const char *kind,
                                 const char *name, bool required, bool on_site, int position);
enum err hh_repo_type_update(struct tx *tx, const char *code, const char *name, int days,
                             const char *unit, int64_t version);

/* Applications */
enum err hh_repo_get(struct tx *tx, const char *id, struct hh_app *a);
enum err hh_repo_by_number(struct tx *tx, const char *number, struct hh_app *a);
enum err hh_repo_number_taken(struct tx *tx, const char *number, bool *taken);
enum err hh_repo_insert(struct tx *tx, const struct hh_app *a);
enum err hh_repo_update(struct tx *tx, const struct hh_app *a);
/* Open applications of the same person and type, other than except_id. */
enum err hh_repo_open_same(struct tx *tx, const char *id_hmac, const char *type,
                           const char *except_id, json_t *out);
enum err hh_repo_history_add(struct tx *tx, const char *app_id, const struct hh_history *h);
enum err hh_repo_history_json(struct tx *tx, const char *app_id, json_t *out);

struct hh_list_filter {
    const struct scope *scope;
    const char *status, *village_id, *business_type;
    const char *q_number, *q_name_like, *q_id_hmac; /* "" when unused */
    bool overdue;
    int64_t now;
    bool sort_due;
    int64_t cursor_key; /* created_at or due_at of the last row; 0 = none */
    const char *cursor_id;
    int limit;
};
/* Items for lists (ID numbers masked); *more when another page follows. */
enum err hh_repo_list(struct tx *tx, const struct hh_list_filter *f, json_t *items, bool *more);

#endif
