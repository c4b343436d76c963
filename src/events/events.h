/*
 * Live events (CONVENTIONS.md "Inbox and live events"): a change writes its
 * event inside its own transaction (events_emit), so an event exists exactly
 * when the change committed, on every instance that shares the database. The
 * hub of a server process (one thread) notices new events - woken by
 * PostgreSQL NOTIFY from any instance, or by polling - and hands each to the
 * subscribers whose audience it names; GET /api/v1/events streams them as
 * Server-Sent Events, and a reconnect with Last-Event-ID replays what was
 * missed from the table.
 */
#ifndef CUNJING_EVENTS_EVENTS_H
#define CUNJING_EVENTS_EVENTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"

struct tx;

enum events_dir {
    EVENTS_TO_USER, /* user_id only */
    EVENTS_DOWN,    /* users whose scope lies inside area_path */
    EVENTS_UP,      /* users whose scope holds area_path */
};

struct events_audience {
    enum events_dir dir;
    const char *user_id;   /* EVENTS_TO_USER */
    const char *area_path; /* EVENTS_DOWN / EVENTS_UP */
    unsigned roles;        /* ROLE_BIT mask; 0 = any role */
};

/*
 * Writes an event inside tx. data (borrowed, may be NULL) is merged into the
 * event's JSON after {"type": object_type, "id": object_id}.
 */
enum err events_emit(struct tx *tx, const char *kind, const char *object_type,
                     const char *object_id, const struct events_audience *aud, json_t *data);

struct events_hub;
struct events_sub;

/* Starts the hub thread of a server process. */
struct events_hub *events_hub_start(struct app *app);
void events_hub_stop(struct events_hub *hub);

/* Called by the hub (with no lock of its own held) when sub has data. */
typedef void (*events_wake_fn)(void *cls);

/*
 * Subscribes who (copied: user, role, scope) from after last_id (0 = only new
 * events). Replays what the table holds after last_id for this audience.
 */
struct events_sub *events_subscribe(struct events_hub *hub, const struct principal *who,
                                    int64_t last_id);
/* Sets the waker; called once before the first read. */
void events_sub_set_waker(struct events_sub *sub, events_wake_fn wake, void *cls);
/*
 * Copies pending SSE text into buf (at most max bytes). Returns the bytes
 * copied; 0 with *idle = true when nothing is pending (the caller then waits
 * for the waker); *closed when the stream must end (session expired, hub
 * stopping). Under the subscription's lock, before returning 0, calls
 * before_idle(cls) so the caller can suspend its connection race-free.
 */
size_t events_sub_read(struct events_sub *sub, char *buf, size_t max, bool *closed,
                       void (*before_idle)(void *cls), void *cls);
/* Ends a subscription (the connection closed). */
void events_unsubscribe(struct events_sub *sub);

/* Whether an event with this audience reaches who (exposed for tests). */
bool events_audience_matches(const struct events_audience *aud, const struct principal *who);

#endif
