/*
 * SSE client of the harness: GET /api/v1/events through libcurl in a
 * background thread. The received bytes accumulate in a buffer guarded by a
 * mutex; a condition variable wakes waiters on every chunk and at the end.
 * The transfer stops after its duration (CURLOPT_TIMEOUT_MS), when the server
 * closes it, or when tsse_close() sets the stop flag (the progress callback,
 * which libcurl calls many times a second, then aborts it).
 */
#include "harness.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tsse {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *buf;
    size_t len, cap;
    long status; /* from the status line, 0 until it came */
    bool headers_done, finished;
    int stop; /* __atomic */
    bool started;
    long duration_ms;
    char url[256];
    char auth[512];
    char last[128];
    char what[64];
};

static size_t on_data(char *data, size_t size, size_t n, void *ud)
{
    struct tsse *e = ud;
    size_t len = size * n;
    pthread_mutex_lock(&e->mu);
    if (e->len + len + 1 > e->cap) {
        size_t cap = e->cap ? e->cap : 4096;
        while (cap < e->len + len + 1)
            cap *= 2;
        char *p = realloc(e->buf, cap);
        if (!p) {
            pthread_mutex_unlock(&e->mu);
            return 0;
        }
        e->buf = p;
        e->cap = cap;
    }
    memcpy(e->buf + e->len, data, len);
    e->len += len;
    e->buf[e->len] = '\0';
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return len;
}

static size_t on_head(char *data, size_t size, size_t n, void *ud)
{
    struct tsse *e = ud;
    size_t len = size * n;
    pthread_mutex_lock(&e->mu);
    long st;
    if (len > 9 && strncmp(data, "HTTP/", 5) == 0 && sscanf(data, "HTTP/%*s %ld", &st) == 1)
        e->status = st;
    if (len <= 2 && (data[0] == '\r' || data[0] == '\n')) {
        e->headers_done = true;
        pthread_cond_broadcast(&e->cv);
    }
    pthread_mutex_unlock(&e->mu);
    return len;
}

static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    struct tsse *e = ud;
    return __atomic_load_n(&e->stop, __ATOMIC_SEQ_CST) ? 1 : 0;
}

static void *run(void *arg)
{
    struct tsse *e = arg;
    CURL *c = curl_easy_init();
    if (c) {
        struct curl_slist *hl = NULL;
        if (e->auth[0])
            hl = curl_slist_append(hl, e->auth);
        if (e->last[0])
            hl = curl_slist_append(hl, e->last);
        hl = curl_slist_append(hl, "Accept: text/event-stream");
        curl_easy_setopt(c, CURLOPT_URL, e->url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, e->duration_ms);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, e);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_head);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, e);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, e);
        curl_easy_perform(c);
        curl_slist_free_all(hl);
        curl_easy_cleanup(c);
    }
    pthread_mutex_lock(&e->mu);
    e->finished = true;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

static void deadline(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

struct tsse *tsse_open(struct tserver *s, const char *token, const char *last_event_id,
                       long duration_ms)
{
    static bool inited;
    if (!inited) {
        curl_global_init(CURL_GLOBAL_ALL);
        inited = true;
    }
    struct tsse *e = calloc(1, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    pthread_cond_init(&e->cv, NULL);
    e->duration_ms = duration_ms > 0 ? duration_ms : 30000;
    snprintf(e->url, sizeof e->url, "%s/api/v1/events", s->base);
    if (token)
        snprintf(e->auth, sizeof e->auth, "Authorization: Bearer %s", token);
    if (last_event_id)
        snprintf(e->last, sizeof e->last, "Last-Event-ID: %s", last_event_id);
    if (pthread_create(&e->th, NULL, run, e) != 0) {
        e->finished = true;
        return e;
    }
    e->started = true;
    struct timespec ts;
    deadline(&ts, 5000);
    pthread_mutex_lock(&e->mu);
    while (!e->headers_done && !e->finished)
        if (pthread_cond_timedwait(&e->cv, &e->mu, &ts) != 0)
            break;
    pthread_mutex_unlock(&e->mu);
    return e;
}

long tsse_status(struct tsse *e)
{
    pthread_mutex_lock(&e->mu);
    long st = e->status;
    pthread_mutex_unlock(&e->mu);
    return st;
}

bool tsse_wait(struct tsse *e, const char *needle, long timeout_ms)
{
    struct timespec ts;
    deadline(&ts, timeout_ms);
    pthread_mutex_lock(&e->mu);
    bool found;
    for (;;) {
        found = e->buf && strstr(e->buf, needle);
        if (found || e->finished)
            break;
        if (pthread_cond_timedwait(&e->cv, &e->mu, &ts) != 0) {
            found = e->buf && strstr(e->buf, needle);
            break;
        }
    }
    pthread_mutex_unlock(&e->mu);
    return found;
}

bool tsse_has(struct tsse *e, const char *needle)
{
    pthread_mutex_lock(&e->mu);
    bool found = e->buf && strstr(e->buf, needle);
    pthread_mutex_unlock(&e->mu);
    return found;
}

char *tsse_text(struct tsse *e)
{
    pthread_mutex_lock(&e->mu);
    char *t = strdup(e->buf ? e->buf : "");
    pthread_mutex_unlock(&e->mu);
    return t;
}

json_t *tsse_events(struct tsse *e)
{
    char *text = tsse_text(e);
    json_t *out = json_array();
    json_t *cur = NULL;
    char *data = NULL;
    size_t dlen = 0;
    char *p = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (!nl)
            break; /* an incomplete line: not yet an event */
        *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        if (*p == '\0') {
            if (cur) {
                json_t *d = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;
                json_object_set_new(cur, "data", d ? d : json_string(data ? data : ""));
                json_array_append_new(out, cur);
                cur = NULL;
            }
            free(data);
            data = NULL;
            dlen = 0;
        } else if (*p != ':') {
            char *colon = strchr(p, ':');
            const char *val = colon ? colon + 1 : "";
            if (colon)
                *colon = '\0';
            if (*val == ' ')
                val++;
            if (!strcmp(p, "id") || !strcmp(p, "event")) {
                if (!cur)
                    cur = json_object();
                json_object_set_new(cur, p, json_string(val));
            } else if (!strcmp(p, "data")) {
                if (!cur)
                    cur = json_object();
                size_t vl = strlen(val);
                data = realloc(data, dlen + vl + 2);
                if (dlen)
                    data[dlen++] = '\n';
                memcpy(data + dlen, val, vl + 1);
                dlen += vl;
            }
        }
        p = nl + 1;
    }
    json_decref(cur);
    free(data);
    free(text);
    return out;
}

void tsse_close(struct tsse *e)
{
    if (!e)
        return;
    __atomic_store_n(&e->stop, 1, __ATOMIC_SEQ_CST);
    if (e->started)
        pthread_join(e->th, NULL);
    pthread_mutex_destroy(&e->mu);
    pthread_cond_destroy(&e->cv);
    free(e->buf);
    free(e);
}
