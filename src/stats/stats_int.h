/*
 * Internals of the statistics module: the read-only queries.
 */
#ifndef CUNJING_STATS_STATS_INT_H
#define CUNJING_STATS_STATS_INT_H
#include "stats/stats.h"

struct tx;

/* Counts over records in the area at path (prefix), period [t1, t2] (Unix seconds). */
struct stats_counts {
    int64_t cases_ps, cases_criminal;
    int64_t disputes_screened, disputes_resolved, disputes_unresolved, disputes_referred,
        disputes_open;
    int64_t intel_reported, intel_valid;
    int64_t help_education, visits, publicity;
    int64_t hh_submitted, hh_completed, hh_on_time, hh_open_overdue;
    int64_t incidents;
};

/* author: "" = all records, else only those created by (or crediting) that user. */
enum err stats_repo_counts(struct tx *tx, const char *path, const char *author, int64_t t1,
                           int64_t t2, int64_t now, struct stats_counts *c);
/* Assistants whose village lies under path: [{user_id, name, village_id, village_name}]. */
enum err stats_repo_assistants(struct tx *tx, const char *path, json_t *out);

#endif
