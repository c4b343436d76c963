/*
 * HTTP handlers of the statistics.
 */
#ifndef CUNJING_STATS_STATS_API_H
#define CUNJING_STATS_STATS_API_H
#include "http/req.h"

void stats_api_summary(struct req *r);    /* GET /api/v1/stats/summary */
void stats_api_series(struct req *r);     /* GET /api/v1/stats/series */
void stats_api_assistants(struct req *r); /* GET /api/v1/stats/assistants */

#endif
