/*
 * HTTP handler of the monthly report: GET /api/v1/reports/monthly.
 */
#ifndef CUNJING_STATS_REPORT_API_H
#define CUNJING_STATS_REPORT_API_H
#include "http/req.h"

void report_api_monthly(struct req *r);

#endif
