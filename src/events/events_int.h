/*
 * Internals of the events module: the repository and one fetched event.
 */
#ifndef CUNJING_EVENTS_EVENTS_INT_H
#define CUNJING_EVENTS_EVENTS_INT_H
#include "events/events.h"

struct event_row {
    int64_t id;
    char kind[32];
    struct events_audience aud;
    char user_id[RAND_ID_LEN + 1];
    char area_path[256];
    char object_id[RAND_ID_LEN + 1];
    char *data; /* owned JSON text */
};

void event_row_release(struct event_row *e);
/* Up to max events with id > after, oldest first; *n gets the count. */
enum err events_repo_since(struct tx *tx, int64_t after, int max, struct event_row *out, int *n);
/* Waits up to timeout_ms for another instance's NOTIFY (SQLite: sleeps). */
struct db;
enum err events_repo_wait(struct db *db, int timeout_ms, bool *notified);
/* The highest event id (0 when none). */
enum err events_repo_last_id(struct tx *tx, int64_t *id);

#endif
