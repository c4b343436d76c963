/*
 * Thin handlers of the statistics: the area and the period from the query.
 */
#include "stats/stats_api.h"

#include <string.h>

#include "core/clock.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "stats/stats.h"
#include "core/xalloc.h"

/* ?from=&to= (dates, required, inclusive) and ?area_id=. */
static bool read_query(struct req *r, struct stats_period *p, const char **area_id)
{
    const char *from, *to;
    if (!q_str(r, "area_id", 64, area_id) || !q_str(r, "from", 10, &from) ||
        !q_str(r, "to", 10, &to))
        return false;
    if (!from || !date_parse(from, &p->y1, &p->m1, &p->d1)) {
        resp_fail(r, ERR_INVALID, "from", "a date YYYY-MM-DD");
        return false;
    }
    if (!to || !date_parse(to, &p->y2, &p->m2, &p->d2)) {
        resp_fail(r, ERR_INVALID, "to", "a date YYYY-MM-DD");
        return false;
    }
    return true;
}

static void answer(struct req *r, enum err e, json_t *out)
{
    if (e != ERR_OK) {
        json_decref(out);
        resp_error(r, e);
        return;
    }
    resp_json(r, 200, out);
}

void stats_api_summary(struct req *r)
{
    struct stats_period p;
    const char *area;
    if (!read_query(r, &p, &area))
        return;
    json_t *out = NULL;
    enum err e = stats_summary(&r->ctx, area, &p, &out);
    answer(r, e, out);
}

void stats_api_series(struct req *r)
{
    struct stats_period p;
    const char *area, *metric, *bucket;
    if (!read_query(r, &p, &area) || !q_str(r, "metric", 48, &metric) ||
        !q_str(r, "bucket", 8, &bucket))
        return;
    if (!metric) {
        resp_fail(r, ERR_INVALID, "metric", "required");
        return;
    }
    if (bucket && strcmp(bucket, "month") != 0) {
        resp_fail(r, ERR_INVALID, "bucket", "month");
        return;
    }
    json_t *out = NULL;
    enum err e = stats_series(&r->ctx, metric, area, &p, &out);
    answer(r, e, out);
}

void stats_api_assistants(struct req *r)
{
    struct stats_period p;
    const char *area;
    if (!read_query(r, &p, &area))
        return;
    json_t *items = NULL;
    enum err e = stats_assistants(&r->ctx, area, &p, &items);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, NULL);
}
