/*
 * Internals of the intelligence module: the row and the repository.
 */
#ifndef CUNJING_INTEL_INTEL_INT_H
#define CUNJING_INTEL_INTEL_INT_H
#include "intel/intel.h"
#include "org/scope.h"

struct tx;

struct intel_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char category[8];
    char *content;
    char village_id[RAND_ID_LEN + 1];
    int64_t occurred_at, reported_at;
    char *location;
    char status[12];
    char assessed_by[RAND_ID_LEN + 1];
    int64_t assessed_at;
    char *note;
    char created_by[RAND_ID_LEN + 1];
    int64_t created_at;
    char category_name[256];
    char village_name[160];
    char reporter_name[160];
};

typedef void (*intel_row_fn)(const struct intel_row *r, void *arg);

void intel_row_release(struct intel_row *r);
enum err intel_repo_insert(struct tx *tx, const struct intel_row *r);
enum err intel_repo_assess(struct tx *tx, const struct intel_row *r);
/* path: the village's area path. */
enum err intel_repo_get(struct tx *tx, const char *id, struct intel_row *r, char path[256]);
enum err intel_repo_category(struct tx *tx, const char *code, bool *exists);
/* author "" = everyone's (police), else only that reporter's (an assistant's own). */
enum err intel_repo_list(struct tx *tx, const struct scope *sc, const char *author,
                         const struct intel_query *q, int64_t cur_key, const char *cur_id,
                         intel_row_fn fn, void *arg, bool *more);

#endif
