/*
 * The event hub of one server process: a thread that notices new events in
 * the database (woken by NOTIFY from any instance on PostgreSQL; polling on
 * SQLite), formats each as Server-Sent Events text once and appends it to the
 * buffer of every subscriber its audience names, then wakes those
 * subscribers' connections. It also sends a keep-alive comment every
 * KEEPALIVE_S and re-checks each subscriber's session every SESSION_CHECK_S,
 * ending streams whose session expired.
 *
 * THREAD SAFETY: the hub's list is guarded by hub->mu; a subscriber's buffer
 * and flags by sub->mu (always taken after hub->mu). The waker is called
 * under sub->mu so that a connection is never resumed after its subscriber
 * was closed, nor before it was suspended. A subscriber is freed when both
 * the hub and its connection have let go (refs).
 */
#include "events/events.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/session.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "events/events_int.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define BATCH 256
#define SUB_BUF_MAX (1024 * 1024)
#define KEEPALIVE_S 10
#define SESSION_CHECK_S 30
#define POLL_MS 250

struct events_sub {
    struct events_hub *hub;
    struct principal who; /* copy; scope owned */
    pthread_mutex_t mu;
    struct buf out;
    int64_t last_id;
    uint64_t last_key; /* hash of the last event's kind, object and data: an event
                          written once per target area reaches a subscriber once */
    bool idle;         /* the connection waits for a wake */
    bool closed;       /* the stream must end */
    bool dead;         /* the connection is gone */
    events_wake_fn wake;
    void *wake_cls;
    int64_t checked_at;
    int refs;
    struct events_sub *next;
};

struct events_hub {
    struct app *app;
    pthread_t thread;
    pthread_mutex_t mu;
    bool stop;
    int64_t last_id;
    int64_t keepalive_at;
    struct events_sub *subs;
};

bool events_audience_matches(const struct events_audience *aud, const struct principal *who)
{
    if (aud->roles && !(aud->roles & ROLE_BIT(who->role)))
        return false;
    switch (aud->dir) {
    case EVENTS_TO_USER:
        return aud->user_id && strcmp(aud->user_id, who->user_id) == 0;
    case EVENTS_DOWN:
        if (!aud->area_path || !*aud->area_path)
            return false;
        if (who->scope.everything)
            return true;
        for (size_t i = 0; i < who->scope.n; i++)
            if (str_starts_with(who->scope.paths[i], aud->area_path) ||
                str_starts_with(aud->area_path, who->scope.paths[i]))
                return true;
        return false;
    case EVENTS_UP:
        return aud->area_path && scope_has_path(&who->scope, aud->area_path);
    }
    return false;
}

static void sub_unref(struct events_sub *s)
{
    pthread_mutex_lock(&s->mu);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&s->mu);
    if (!last)
        return;
    buf_release(&s->out);
    scope_release(&s->who.scope);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* FNV-1a over the event's kind, object and data (not its id or audience). */
static uint64_t event_key(const struct event_row *e)
{
    uint64_t h = 1469598103934665603ULL;
    const char *parts[] = {e->kind, "\x1f", e->object_id, "\x1f", e->data ? e->data : ""};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
            h = (h ^ *p) * 1099511628211ULL;
    return h;
}

/* Appends an event to s (under s->mu). False when the buffer overflowed. */
static bool sub_append(struct events_sub *s, const struct event_row *e)
{
    if (e->id <= s->last_id)
        return true;
    s->last_id = e->id;
    uint64_t key = event_key(e);
    if (key == s->last_key)
        return true;
    s->last_key = key;
    return buf_printf(&s->out, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)e->id, e->kind,
                      e->data);
}

static void sub_wake_locked(struct events_sub *s)
{
    if (s->idle && s->wake && !s->dead) {
        s->idle = false;
        s->wake(s->wake_cls);
    }
}

/* --- the hub thread ------------------------------------------------------ */

struct fetch_arg {
    int64_t after;
    struct event_row *rows;
    int n;
};

static enum err fetch_fn(struct tx *tx, void *argv)
{
    struct fetch_arg *a = argv;
    for (int i = 0; i < a->n; i++)
        event_row_release(&a->rows[i]);
    a->n = 0;
    return events_repo_since(tx, a->after, BATCH, a->rows, &a->n);
}

static void deliver(struct events_hub *hub, struct event_row *rows, int n)
{
    pthread_mutex_lock(&hub->mu);
    for (struct events_sub *s = hub->subs; s; s = s->next) {
        pthread_mutex_lock(&s->mu);
        bool any = false;
        for (int i = 0; i < n && !s->closed; i++) {
            if (!events_audience_matches(&rows[i].aud, &s->who))
                continue;
            if (!sub_append(s, &rows[i])) {
                s->closed = true; /* a reader this far behind reconnects with Last-Event-ID */
                buf_init(&s->out, SUB_BUF_MAX);
            }
            any = true;
        }
        if (any || s->closed)
            sub_wake_locked(s);
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_unlock(&hub->mu);
}

/* Keep-alives, session checks, and dropping subscribers whose connection went. */
static void housekeeping(struct events_hub *hub, int64_t now)
{
    bool keepalive = now >= hub->keepalive_at;
    if (keepalive)
        hub->keepalive_at = now + KEEPALIVE_S;
    pthread_mutex_lock(&hub->mu);
    struct events_sub **pp = &hub->subs;
    while (*pp) {
        struct events_sub *s = *pp;
        pthread_mutex_lock(&s->mu);
        bool dead = s->dead;
        bool check = !dead && !s->closed && now - s->checked_at >= SESSION_CHECK_S;
        pthread_mutex_unlock(&s->mu);
        if (dead) {
            *pp = s->next;
            sub_unref(s);
            continue;
        }
        bool expired = false;
        if (check) {
            struct principal p;
            memset(&p, 0, sizeof p);
            scope_init(&p.scope);
            expired = session_check_hash(hub->app, s->who.session_hash, &p) != ERR_OK;
            scope_release(&p.scope);
        }
        pthread_mutex_lock(&s->mu);
        if (check)
            s->checked_at = now;
        if (expired)
            s->closed = true;
        if (keepalive && !s->closed)
            buf_puts(&s->out, ": keep-alive\n\n");
        if (keepalive || expired)
            sub_wake_locked(s);
        pthread_mutex_unlock(&s->mu);
        pp = &s->next;
    }
    pthread_mutex_unlock(&hub->mu);
}

static void *hub_main(void *arg)
{
    struct events_hub *hub = arg;
    struct event_row *rows = xcalloc(BATCH, sizeof *rows);
    for (;;) {
        pthread_mutex_lock(&hub->mu);
        bool stop = hub->stop;
        pthread_mutex_unlock(&hub->mu);
        if (stop)
            break;
        bool notified = false;
        events_repo_wait(hub->app->db, POLL_MS, &notified);
        struct fetch_arg fa = {hub->last_id, rows, 0};
        do {
            fa.after = hub->last_id;
            if (tx_run(hub->app->db, false, fetch_fn, &fa) != ERR_OK)
                break;
            if (fa.n > 0) {
                deliver(hub, rows, fa.n);
                hub->last_id = rows[fa.n - 1].id;
            }
        } while (fa.n == BATCH);
        for (int i = 0; i < fa.n; i++)
            event_row_release(&rows[i]);
        housekeeping(hub, clock_now());
    }
    free(rows);
    return NULL;
}

static enum err last_fn(struct tx *tx, void *argv)
{
    return events_repo_last_id(tx, argv);
}

struct events_hub *events_hub_start(struct app *app)
{
    struct events_hub *hub = xcalloc(1, sizeof *hub);
    hub->app = app;
    pthread_mutex_init(&hub->mu, NULL);
    tx_run(app->db, false, last_fn, &hub->last_id);
    hub->keepalive_at = clock_now() + KEEPALIVE_S;
    if (pthread_create(&hub->thread, NULL, hub_main, hub) != 0) {
        pthread_mutex_destroy(&hub->mu);
        free(hub);
        return NULL;
    }
    return hub;
}

void events_hub_stop(struct events_hub *hub)
{
    if (!hub)
        return;
    pthread_mutex_lock(&hub->mu);
    hub->stop = true;
    for (struct events_sub *s = hub->subs; s; s = s->next) {
        pthread_mutex_lock(&s->mu);
        s->closed = true;
        sub_wake_locked(s);
        pthread_mutex_unlock(&s->mu);
    }
    pthread_mutex_unlock(&hub->mu);
    pthread_join(hub->thread, NULL);
    while (hub->subs) {
        struct events_sub *s = hub->subs;
        hub->subs = s->next;
        sub_unref(s);
    }
    pthread_mutex_destroy(&hub->mu);
    free(hub);
}

/* --- subscribers ----------------------------------------------------------- */

struct replay_arg {
    struct events_sub *s;
    int64_t until;
};

static enum err replay_fn(struct tx *tx, void *argv)
{
    struct replay_arg *a = argv;
    struct events_sub *s = a->s;
    struct event_row *rows = xcalloc(BATCH, sizeof *rows);
    enum err e = ERR_OK;
    int64_t after = s->last_id;
    for (;;) {
        int n = 0;
        e = events_repo_since(tx, after, BATCH, rows, &n);
        for (int i = 0; i < n; i++) {
            if (e == ERR_OK && rows[i].id <= a->until &&
                events_audience_matches(&rows[i].aud, &s->who) && !sub_append(s, &rows[i]))
                s->closed = true;
            after = rows[i].id;
            event_row_release(&rows[i]);
        }
        if (e != ERR_OK || n < BATCH || after >= a->until || s->closed)
            break;
    }
    free(rows);
    return e;
}

struct events_sub *events_subscribe(struct events_hub *hub, const struct principal *who,
                                    int64_t last_id)
{
    struct events_sub *s = xcalloc(1, sizeof *s);
    s->hub = hub;
    s->who = *who;
    scope_init(&s->who.scope);
    s->who.scope.everything = who->scope.everything;
    for (size_t i = 0; i < who->scope.n; i++)
        scope_add(&s->who.scope, who->scope.area_ids[i], who->scope.paths[i]);
    pthread_mutex_init(&s->mu, NULL);
    buf_init(&s->out, SUB_BUF_MAX);
    s->refs = 2;
    s->checked_at = clock_now();
    buf_puts(&s->out, "retry: 3000\n\n");
    pthread_mutex_lock(&hub->mu);
    /* Replay what this client missed, up to what the hub has delivered. */
    s->last_id = last_id > 0 ? last_id : hub->last_id;
    if (last_id > 0 && last_id < hub->last_id) {
        struct replay_arg ra = {s, hub->last_id};
        tx_run(hub->app->db, false, replay_fn, &ra);
    }
    s->last_id = s->last_id > hub->last_id ? s->last_id : hub->last_id;
    s->next = hub->subs;
    hub->subs = s;
    pthread_mutex_unlock(&hub->mu);
    return s;
}

void events_sub_set_waker(struct events_sub *s, events_wake_fn wake, void *cls)
{
    pthread_mutex_lock(&s->mu);
    s->wake = wake;
    s->wake_cls = cls;
    pthread_mutex_unlock(&s->mu);
}

size_t events_sub_read(struct events_sub *s, char *buf, size_t max, bool *closed,
                       void (*before_idle)(void *cls), void *cls)
{
    pthread_mutex_lock(&s->mu);
    size_t n = 0;
    *closed = false;
    if (s->out.len > 0) {
        n = s->out.len < max ? s->out.len : max;
        memcpy(buf, s->out.data, n);
        memmove(s->out.data, s->out.data + n, s->out.len - n);
        s->out.len -= n;
        s->out.data[s->out.len] = '\0';
    } else if (s->closed) {
        *closed = true;
    } else {
        s->idle = true;
        if (before_idle)
            before_idle(cls);
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

void events_unsubscribe(struct events_sub *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->dead = true;
    s->wake = NULL;
    pthread_mutex_unlock(&s->mu);
    sub_unref(s);
}
