/*
 * GET /api/v1/events: the caller's live stream. The last event id the client
 * saw comes in the Last-Event-ID header (EventSource sends it on reconnect)
 * or ?last_event_id=; what it missed is replayed first.
 */
#include "events/events_api.h"

#include "core/str.h"
#include "events/events.h"
#include "http/resp.h"
#include "core/xalloc.h"

void events_api_stream(struct req *r)
{
    struct events_hub *hub = r->ctx.app->events;
    if (!hub) {
        resp_fail(r, ERR_INTERNAL, NULL, "no event hub in this process");
        return;
    }
    const char *last = req_header(r, "Last-Event-ID");
    if (!last)
        last = req_query(r, "last_event_id");
    int64_t last_id = 0;
    if (last && *last && (!str_to_int64(last, &last_id) || last_id < 0)) {
        resp_fail(r, ERR_INVALID, "Last-Event-ID", "an event id");
        return;
    }
    r->stream = events_subscribe(hub, r->ctx.who, last_id);
    r->status = 200;
}
