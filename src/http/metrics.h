/*
 * Process metrics for GET /metrics (Prometheus text format). The counters
 * are this module's own state: atomics, updated by the server for every
 * request and read by the handler.
 */
#ifndef CUNJING_HTTP_METRICS_H
#define CUNJING_HTTP_METRICS_H
#include <stdint.h>

#include "http/req.h"

/* Records one finished request. */
void metrics_observe(int status, int64_t duration_us);
/* In-flight requests: +1 at start, -1 at the end; returns the new value. */
int64_t metrics_inflight_add(int64_t delta);
/* A request refused for overload. */
void metrics_overload(void);
/* GET /metrics */
void metrics_api(struct req *r);

#endif
