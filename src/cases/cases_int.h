/*
 * Internals of the cases module: row structs and the repository.
 */
#ifndef CUNJING_CASES_CASES_INT_H
#define CUNJING_CASES_CASES_INT_H
#include "cases/cases.h"
#include "org/scope.h"

struct tx;

struct case_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char kind[20];
    char title[4 * CASE_TITLE_MAX + 1];
    char *description;
    char village_id[RAND_ID_LEN + 1];
    int64_t occurred_at;
    char status[8];
    int solved; /* -1 unknown */
    int64_t closed_at;
    char created_by[RAND_ID_LEN + 1];
    int64_t version, created_at, updated_at;
};

struct bulletin_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char case_id[RAND_ID_LEN + 1];
    char title[4 * CASE_TITLE_MAX + 1];
    char *body;
    int64_t expires_at;
    char created_by[RAND_ID_LEN + 1];
    int64_t created_at;
};

struct lead_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char bulletin_id[RAND_ID_LEN + 1];
    char author_id[RAND_ID_LEN + 1];
    char village_id[RAND_ID_LEN + 1];
    char *content;
    char status[12];
    char assessed_by[RAND_ID_LEN + 1];
    int64_t assessed_at;
    char *note;
    int64_t created_at;
};

void case_row_release(struct case_row *c);
void bulletin_row_release(struct bulletin_row *b);
void lead_row_release(struct lead_row *l);

enum err case_repo_insert(struct tx *tx, const struct case_row *c);
enum err case_repo_get(struct tx *tx, const char *id, struct case_row *c);
enum err case_repo_close(struct tx *tx, const struct case_row *c);
enum err case_repo_credit(struct tx *tx, const char *case_id, const char *user_id);
enum err case_repo_credits(struct tx *tx, const char *case_id, json_t *out);
enum err case_repo_list(struct tx *tx, const struct scope *sc, const struct case_query *q,
                        int64_t cur_key, const char *cur_id, json_t *items, bool *more);

enum err bulletin_repo_insert(struct tx *tx, const struct bulletin_row *b);
enum err bulletin_repo_add_area(struct tx *tx, const char *bulletin_id, const char *area_id);
enum err bulletin_repo_get(struct tx *tx, const char *id, struct bulletin_row *b);
/* The bulletin's areas as JSON ids and their paths (paths: owned strings in a JSON array). */
enum err bulletin_repo_areas(struct tx *tx, const char *id, json_t *ids, json_t *paths);
/* Bulletins whose areas meet the scope (contain a root or lie inside it), newest first. */
enum err bulletin_repo_list(struct tx *tx, const struct scope *sc, bool active_only, int64_t now,
                            int64_t cur_key, const char *cur_id, int limit, json_t *items,
                            bool *more);
enum err bulletin_repo_for_case(struct tx *tx, const char *case_id, json_t *out);

enum err lead_repo_insert(struct tx *tx, const struct lead_row *l);
enum err lead_repo_get(struct tx *tx, const char *id, struct lead_row *l);
enum err lead_repo_assess(struct tx *tx, const struct lead_row *l);
/* Leads of a bulletin (author_id "" = all, else only that author's), newest first. */
enum err lead_repo_list(struct tx *tx, const char *bulletin_id, const char *author_id,
                        const struct scope *sc, int64_t cur_key, const char *cur_id, int limit,
                        json_t *items, bool *more);
/* Authors of useful leads on the bulletins of a case. */
enum err lead_repo_useful_authors(struct tx *tx, const char *case_id, json_t *out);

#endif
