/*
 * Statistics for the bureau, the stations and the townships, computed from
 * the records (definitions in the statistics issue): cases the assistants
 * helped to solve, disputes screened and the mediation rate with the same
 * period a year earlier, valid information, help-and-education, visits and
 * publicity, household services and their timeliness, incidents year on
 * year; a scorecard per assistant; monthly series. Every figure is a count
 * of records the list endpoints return with the same filters.
 */
#ifndef CUNJING_STATS_STATS_H
#define CUNJING_STATS_STATS_H
#include <jansson.h>
#include <stdint.h>

#include "app/app.h"

struct stats_period {
    int y1, m1, d1; /* from, inclusive */
    int y2, m2, d2; /* to, inclusive */
};

/* GET /api/v1/stats/summary: area_id NULL = the caller's first scope root. */
enum err stats_summary(struct ctx *ctx, const char *area_id, const struct stats_period *p,
                       json_t **out);
/* GET /api/v1/stats/series?metric=a.b&bucket=month */
enum err stats_series(struct ctx *ctx, const char *metric, const char *area_id,
                      const struct stats_period *p, json_t **out);
/* GET /api/v1/stats/assistants: one scorecard row per assistant of the area. */
enum err stats_assistants(struct ctx *ctx, const char *area_id, const struct stats_period *p,
                          json_t **items);

#endif
