/*
 * Live events (GET /api/v1/events, Server-Sent Events) on the demo district:
 *  - a bulletin of the 蒲庙 chief to 蒲庙镇 reaches yangjianzi's stream within
 *    2 s of the POST and never a450109101201's (那楼; watched 1.5 s more);
 *  - yangjianzi's lead reaches the chief's stream as `lead`; the chief's
 *    assessment reaches yangjianzi's as `lead_assessed`;
 *  - a reconnect with Last-Event-ID replays exactly the events after that id
 *    (those seen after it and those made while disconnected), none twice,
 *    ids increasing, and live events follow;
 *  - an unauthenticated GET /events: 401; a bad Last-Event-ID: 422;
 *  - a household application returned by the clerk gives its creator
 *    `application_status` and `inbox` events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession chief, yang, a_tl, clerk;
static char village[64], town_pm[64];

static const char pdf_doc[] = "%PDF-1.4\n"
                              "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                              "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                              "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> "
                              "endobj\n"
                              "trailer << /Root 1 0 R >>\n%%EOF\n";

static const char *iso_in(long off)
{
    static char bufs[8][40];
    static int k;
    char *out = bufs[k++ % 8];
    time_t t = time(NULL) + off + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 40, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return out;
}

/* The first event of kind whose data.id is id (borrowed from events), or NULL. */
static json_t *find_event(json_t *events, const char *kind, const char *id)
{
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        const char *k = tjs(ev, "event"), *d = tjs(ev, "data.id");
        if (k && !strcmp(k, kind) && (!id || (d && !strcmp(d, id))))
            return ev;
    }
    return NULL;
}

static int count_events(json_t *events, const char *kind, const char *id)
{
    int n = 0;
    size_t i;
    json_t *ev;
    json_array_foreach(events, i, ev)
    {
        const char *k = tjs(ev, "event"), *d = tjs(ev, "data.id");
        if (k && !strcmp(k, kind) && (!id || (d && !strcmp(d, id))))
            n++;
    }
    return n;
}

/* Waits up to timeout_ms for at least n events of kind about id; the event id in out. */
static bool wait_event_n(struct tsse *e, const char *kind, const char *id, int n, long timeout_ms,
                         char *out_id, size_t outsz)
{
    double end = tnow() + (double)timeout_ms / 1000.0;
    for (;;) {
        json_t *evs = tsse_events(e);
        bool ok = count_events(evs, kind, id) >= n;
        if (ok && out_id) {
            json_t *ev = find_event(evs, kind, id);
            snprintf(out_id, outsz, "%s", tjs(ev, "id") ? tjs(ev, "id") : "");
        }
        json_decref(evs);
        if (ok)
            return true;
        if (tnow() >= end)
            return false;
        tsleep_ms(20);
    }
}
#define wait_event(e, kind, id, ms, out, n) wait_event_n(e, kind, id, 1, ms, out, n)

static struct tsse *open_ready(const struct tsession *s, const char *last_id, long dur, int line)
{
    struct tsse *e = tsse_open(&srv, s->token, last_id, dur);
    check_report(tsse_status(e) == 200, __FILE__, line, "GET /events as %s: status %ld",
                 s->username, tsse_status(e));
    check_report(tsse_wait(e, "retry:", 3000), __FILE__, line,
                 "the stream of %s opens with retry:", s->username);
    return e;
}
#define OPEN(s, last, dur) open_ready(s, last, dur, __LINE__)

static bool post_bulletin(const char *title, char *id, size_t n)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{\"title\":\"%s\",\"body\":\"请各村辅警留意\",\"area_ids\":[\"%s\"],"
             "\"expires_at\":\"%s\"}",
             title, town_pm, iso_in(86400));
    struct tresp r;
    tpost(&srv, "/api/v1/bulletins", chief.token, body, &r);
    bool ok = EXPECT_STATUS(&r, 201) && tjs(r.json, "id");
    snprintf(id, n, "%s", ok ? tjs(r.json, "id") : "");
    tresp_free(&r);
    return ok;
}

static void test_unauthenticated(void)
{
    struct treq q = {.method = "GET", .path = "/api/v1/events", .timeout_ms = 5000};
    struct tresp r;
    thttp(&srv, &q, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    const char *const h[] = {"Authorization: Bearer not-a-real-token", NULL};
    q.headers = h;
    thttp(&srv, &q, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    const char *const h2[] = {"Last-Event-ID: abc", NULL};
    q.headers = h2;
    q.token = yang.token;
    thttp(&srv, &q, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "Last-Event-ID");
    tresp_free(&r);
}

static char b1[64], lead1[64], ev_b1[32];
static json_t *first_stream; /* yangjianzi's events in test_bulletin_lead_assess */

static void test_bulletin_lead_assess(void)
{
    struct tsse *sy = OPEN(&yang, NULL, 60000), *st = OPEN(&a_tl, NULL, 60000),
                *sc = OPEN(&chief, NULL, 60000);
    double t0 = tnow();
    if (post_bulletin("协查：一辆被盗摩托车", b1, sizeof b1)) {
        CHECKF(wait_event(sy, "bulletin", b1, 2000, ev_b1, sizeof ev_b1),
               "yangjianzi's stream: bulletin within 2 s (%.2f s)", tnow() - t0);
        check_note("bulletin event after %.2f s", tnow() - t0);
        json_t *evs = tsse_events(sy);
        json_t *ev = find_event(evs, "bulletin", b1);
        CHECK_STR(tjs(ev, "data.type"), "bulletin");
        CHECKF(ev_b1[0] && strtoll(ev_b1, NULL, 10) > 0, "event id %s", ev_b1);
        json_decref(evs);
        tsleep_ms(1500);
        char *t = tsse_text(st);
        CHECKF(!strstr(t, b1) && !strstr(t, "event: bulletin"),
               "那楼 assistant's stream holds no bulletin: %s", t);
        free(t);
        t = tsse_text(sc);
        CHECKF(!strstr(t, "event: bulletin"), "the author gets no bulletin event: %s", t);
        free(t);
    }
    /* the lead reaches the chief */
    if (b1[0]) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/bulletins/%s/leads", b1);
        struct tresp r;
        tpost(&srv, path, yang.token, "{\"content\":\"摩托车停在村委后面\"}", &r);
        if (EXPECT_STATUS(&r, 201) && tjs(r.json, "id"))
            snprintf(lead1, sizeof lead1, "%s", tjs(r.json, "id"));
        tresp_free(&r);
        if (lead1[0]) {
            t0 = tnow();
            CHECKF(wait_event(sc, "lead", lead1, 2000, NULL, 0),
                   "the chief's stream: lead within 2 s (%.2f s)", tnow() - t0);
            json_t *evs = tsse_events(sc);
            json_t *ev = find_event(evs, "lead", lead1);
            CHECK_STR(tjs(ev, "data.type"), "lead");
            CHECK_STR(tjs(ev, "data.bulletin_id"), b1);
            json_decref(evs);
            snprintf(path, sizeof path, "/api/v1/leads/%s/assess", lead1);
            tpost(&srv, path, chief.token, "{\"useful\":true}", &r);
            EXPECT_STATUS(&r, 200);
            tresp_free(&r);
            t0 = tnow();
            CHECKF(wait_event(sy, "lead_assessed", lead1, 2000, NULL, 0),
                   "yangjianzi's stream: lead_assessed within 2 s (%.2f s)", tnow() - t0);
            char *t = tsse_text(st);
            CHECKF(!strstr(t, "event: lead"), "那楼 assistant's stream holds no lead event: %s", t);
            free(t);
        }
    }
    tsleep_ms(200);
    first_stream = tsse_events(sy);
    tsse_close(sy);
    tsse_close(st);
    tsse_close(sc);
}

/* Event ids of events (as integers); checks they increase strictly. */
static bool ids_increasing(json_t *evs, long long after)
{
    long long prev = after;
    size_t i;
    json_t *ev;
    json_array_foreach(evs, i, ev)
    {
        const char *s = tjs(ev, "id");
        long long v = s ? strtoll(s, NULL, 10) : -1;
        if (!CHECKF(v > prev, "event %zu: id %s after %lld", i, s ? s : "(none)", prev))
            return false;
        prev = v;
    }
    return true;
}

static void test_replay(void)
{
    REQUIRE(ev_b1[0]);
    long long after = strtoll(ev_b1, NULL, 10);
    /* what yangjianzi's first connection received (test_bulletin_lead_assess) */
    REQUIRE(first_stream);
    json_t *all1 = json_incref(first_stream);
    ids_increasing(all1, 0);
    CHECKF(find_event(all1, "lead_assessed", lead1) != NULL, "the first stream had the assessment");

    /* while disconnected: two more bulletins */
    char b2[64] = "", b3[64] = "", b4[64] = "";
    post_bulletin("协查：失踪老人", b2, sizeof b2);
    post_bulletin("协查：可疑车辆", b3, sizeof b3);

    struct tsse *s2 = OPEN(&yang, ev_b1, 30000);
    CHECKF(wait_event(s2, "bulletin", b3, 3000, NULL, 0), "the reconnect replays the last one");
    tsleep_ms(300);
    json_t *got = tsse_events(s2);
    ids_increasing(got, after);
    /* expected: everything of the first connection after `after`, then b2, b3 */
    json_t *want = json_array();
    size_t i;
    json_t *ev;
    json_array_foreach(all1, i, ev)
    {
        const char *s = tjs(ev, "id");
        if (s && strtoll(s, NULL, 10) > after)
            json_array_append(want, ev);
    }
    CHECKF(find_event(got, "bulletin", b1) == NULL, "the event of Last-Event-ID is not replayed");
    CHECK_INT(count_events(got, "bulletin", b2), 1);
    CHECK_INT(count_events(got, "bulletin", b3), 1);
    CHECK_INT(count_events(got, "lead_assessed", lead1), 1);
    CHECKF(json_array_size(got) == json_array_size(want) + 2,
           "replayed %zu events, want %zu (those after %lld: %s; got %s)", json_array_size(got),
           json_array_size(want) + 2, after, tdump(want), tdump(got));
    json_array_foreach(want, i, ev)
    {
        const char *s = tjs(ev, "id");
        bool has = false;
        size_t k;
        json_t *g;
        json_array_foreach(got, k, g) has = has || (tjs(g, "id") && s && !strcmp(tjs(g, "id"), s));
        CHECKF(has, "event %s (%s) is replayed", s, tjs(ev, "event"));
    }
    /* and a live one follows, once */
    if (post_bulletin("协查：走失儿童", b4, sizeof b4)) {
        CHECKF(wait_event(s2, "bulletin", b4, 2000, NULL, 0), "live after replay");
        tsleep_ms(300);
        json_t *now = tsse_events(s2);
        CHECK_INT(count_events(now, "bulletin", b4), 1);
        CHECK_INT(count_events(now, "bulletin", b3), 1);
        ids_increasing(now, after);
        json_decref(now);
    }
    json_decref(want);
    json_decref(got);
    json_decref(all1);
    tsse_close(s2);
}

static void test_application_status(void)
{
    struct tsse *sy = OPEN(&yang, NULL, 30000);
    char body[1024], app[64] = "", path[256], idn[19];
    tmake_id("45010920240101003", idn);
    snprintf(body, sizeof body,
             "{\"business_type\":\"HB01\",\"village_id\":\"%s\",\"applicant\":{\"name\":\"黄事件\","
             "\"id_number\":\"%s\",\"phone\":\"13812345678\"},"
             "\"details\":{\"note\":\"事件测试\"}}",
             village, idn);
    struct tresp r;
    tpost(&srv, "/api/v1/household-applications", yang.token, body, &r);
    if (EXPECT_STATUS(&r, 201) && tjs(r.json, "id"))
        snprintf(app, sizeof app, "%s", tjs(r.json, "id"));
    tresp_free(&r);
    if (!app[0]) {
        tsse_close(sy);
        return;
    }
    snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments", app);
    const char *kinds[] = {"m1", "m2", "m3", "m4"};
    for (int k = 0; k < 4; k++) {
        struct tpart parts[] = {{.name = "kind", .value = kinds[k]},
                                {.name = "file",
                                 .data = pdf_doc,
                                 .len = sizeof pdf_doc - 1,
                                 .filename = "m.pdf",
                                 .type = "application/pdf"}};
        tupload(&srv, path, yang.token, parts, 2, &r);
        EXPECT_STATUS(&r, 201);
        tresp_free(&r);
    }
    snprintf(path, sizeof path, "/api/v1/household-applications/%s/submit", app);
    struct treq q = {.method = "POST", .path = path, .token = yang.token};
    thttp(&srv, &q, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    tsleep_ms(300);
    json_t *evs = tsse_events(sy);
    int before = count_events(evs, "application_status", app);
    json_decref(evs);
    snprintf(path, sizeof path, "/api/v1/household-applications/%s/return", app);
    tpost(&srv, path, clerk.token, "{\"reason\":\"出生证明不清晰\"}", &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    double t0 = tnow();
    CHECKF(wait_event_n(sy, "application_status", app, before + 1, 2000, NULL, 0),
           "creator's stream: application_status after the return within 2 s (%.2f s)",
           tnow() - t0);
    CHECKF(tsse_wait(sy, "event: inbox", 2000), "creator's stream: an inbox event");
    evs = tsse_events(sy);
    bool returned = false;
    size_t i;
    json_t *ev;
    json_array_foreach(evs, i, ev) returned =
        returned || (tjs(ev, "event") && !strcmp(tjs(ev, "event"), "application_status") &&
                     tjs(ev, "data.id") && !strcmp(tjs(ev, "data.id"), app) &&
                     tjs(ev, "data.status") && !strcmp(tjs(ev, "data.status"), "returned"));
    CHECKF(returned, "an application_status event with status returned");
    json_t *ib = find_event(evs, "inbox", NULL);
    CHECKF(ib && tjs(ib, "data.id"), "inbox event data %s", tdump(ib));
    json_decref(evs);
    tsse_close(sy);
}

static void me_area(const struct tsession *s, char *out, size_t n)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", s->token, &r);
    const char *v = tjs(r.json, "user.area_ids.0");
    snprintf(out, n, "%s", v ? v : "");
    tresp_free(&r);
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        return check_done();
    }
    check_note("backend %s", tserver_backend());
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "chief_pumiao", NULL, &chief);
        ok = tlogin(&srv, "yangjianzi", NULL, &yang) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        if (ok) {
            me_area(&yang, village, sizeof village);
            /* the top of the chief's scope: 蒲庙镇, the station's jurisdiction */
            struct tresp r;
            tget(&srv, "/api/v1/areas", chief.token, &r);
            const char *v = tjs(r.json, "items.0.id");
            snprintf(town_pm, sizeof town_pm, "%s", v ? v : "");
            CHECK_STR(tjs(r.json, "items.0.code"), "450109100000");
            tresp_free(&r);
            ok = CHECK(village[0] && town_pm[0]);
        }
        if (ok) {
            check_run("unauthenticated", test_unauthenticated);
            check_run("bulletin_lead_assess", test_bulletin_lead_assess);
            check_run("replay", test_replay);
            check_run("application_status", test_application_status);
            json_decref(first_stream);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
