/*
 * Request counters and latency histogram, exported as Prometheus text.
 * State: file-static atomics owned by this module, shared by all worker
 * threads without locks.
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdio.h>

#include "core/buf.h"
#include "core/clock.h"
#include "http/resp.h"
#include "core/xalloc.h"

static const int64_t bounds_us[] = {1000, 5000, 10000, 50000, 100000, 500000, 1000000, 5000000};
#define N_BOUNDS (sizeof bounds_us / sizeof bounds_us[0])

static atomic_llong by_class[6]; /* index = status / 100 */
static atomic_llong buckets[N_BOUNDS + 1];
static atomic_llong duration_sum_us;
static atomic_llong inflight;
static atomic_llong overloads;

void metrics_observe(int status, int64_t duration_us)
{
    int cls = status / 100;
    if (cls < 1 || cls > 5)
        cls = 0;
    atomic_fetch_add(&by_class[cls], 1);
    size_t b = 0;
    while (b < N_BOUNDS && duration_us > bounds_us[b])
        b++;
    atomic_fetch_add(&buckets[b], 1);
    atomic_fetch_add(&duration_sum_us, duration_us);
}

int64_t metrics_inflight_add(int64_t delta)
{
    return (int64_t)atomic_fetch_add(&inflight, delta) + delta;
}

void metrics_overload(void)
{
    atomic_fetch_add(&overloads, 1);
}

void metrics_api(struct req *r)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    buf_puts(&b, "# HELP cunjing_http_requests_total Requests answered, by status class.\n"
                 "# TYPE cunjing_http_requests_total counter\n");
    for (int c = 1; c <= 5; c++)
        buf_printf(&b, "cunjing_http_requests_total{class=\"%dxx\"} %lld\n", c,
                   (long long)atomic_load(&by_class[c]));
    buf_puts(&b, "# HELP cunjing_http_request_duration_seconds Time to answer.\n"
                 "# TYPE cunjing_http_request_duration_seconds histogram\n");
    long long cum = 0;
    for (size_t i = 0; i < N_BOUNDS; i++) {
        cum += atomic_load(&buckets[i]);
        buf_printf(&b, "cunjing_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n",
                   (double)bounds_us[i] / 1e6, cum);
    }
    cum += atomic_load(&buckets[N_BOUNDS]);
    buf_printf(&b, "cunjing_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
    buf_printf(&b, "cunjing_http_request_duration_seconds_sum %.6f\n",
               (double)atomic_load(&duration_sum_us) / 1e6);
    buf_printf(&b, "cunjing_http_request_duration_seconds_count %lld\n", cum);
    buf_printf(&b,
               "# HELP cunjing_http_inflight Requests in progress.\n"
               "# TYPE cunjing_http_inflight gauge\ncunjing_http_inflight %lld\n",
               (long long)atomic_load(&inflight));
    buf_printf(&b,
               "# HELP cunjing_http_overloaded_total Requests refused with 503 overloaded.\n"
               "# TYPE cunjing_http_overloaded_total counter\n"
               "cunjing_http_overloaded_total %lld\n",
               (long long)atomic_load(&overloads));
    buf_printf(&b,
               "# HELP cunjing_uptime_seconds Seconds since the server started.\n"
               "# TYPE cunjing_uptime_seconds gauge\ncunjing_uptime_seconds %lld\n",
               (long long)(clock_now() - r->ctx.app->started_at));
    buf_printf(&b, "# HELP cunjing_build_info Version.\n# TYPE cunjing_build_info gauge\n"
                   "cunjing_build_info{version=\"" CUNJING_VERSION "\"} 1\n");
    size_t n;
    char *text = buf_detach(&b, &n);
    resp_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, n);
    free(text);
}
