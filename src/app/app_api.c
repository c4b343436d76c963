/*
 * /healthz answers 200 only when the database answers a query, so a load
 * balancer takes an instance out when its database is gone; /api/v1/info
 * tells the web client the version and whether this is a demo.
 */
#include "app/app_api.h"

#include "http/resp.h"
#include "core/xalloc.h"

void app_api_healthz(struct req *r)
{
    if (!app_db_ok(r->ctx.app)) {
        r->ctx.err.retry_after = 5;
        resp_fail(r, ERR_DB_UNAVAILABLE, NULL, "the database does not answer");
        return;
    }
    resp_json(r, 200, json_pack("{ss}", "status", "ok"));
}

void app_api_info(struct req *r)
{
    /* time_zone: the zone of date filters and periods ([time] zone), so that the client's
     * "today" is the server's, whatever the device's own zone. */
    resp_json(r, 200,
              json_pack("{ss ss sb ss}", "name", "cunjing", "version", CUNJING_VERSION, "demo",
                        r->ctx.app->demo, "time_zone", r->ctx.app->cfg.zone));
}
