/*
 * Disputes and mediation (issue 5) over HTTP on the demo district:
 *  - the irrigation-land story: yangjianzi (良信村) records a DC07 dispute in
 *    花料坡 with two parties, two mediation sessions follow (hers and the
 *    village officer's), the agreement is attached, the dispute is closed
 *    resolved with an agreement and witnesses, the follow-up reminder
 *    (followup_days = 0, reminders every second) reaches her inbox, and she
 *    records the follow-up visit (回访);
 *  - a high-risk dispute reaches, in the inbox and the live stream, chief_pumiao
 *    and the officer whose areas hold 良信村 - not an officer of another area,
 *    nor the 那楼 chief;
 *  - every state rule: 409 invalid_transition with the exact `allowed`;
 *  - every role: the township reads its township's disputes with masked
 *    parties and gets 404 on another township's; an assistant of another
 *    village gets 404 in detail, list, attachments and actions; the bureau
 *    reads masked and may not act; the clerk and the auditor get 403;
 *  - bad inputs with exact status, code and field, and nothing stored;
 *  - idempotent create with client_ref; audit rows for dispute.read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

#define PHONE "13812345678"
#define PHONE_MASKED "138****5678"

static struct tserver srv;
static struct tsession yang, a_other, a_tl, off_in, off_out, chief, chief_nl, bureau, town, town_nl,
    clerk, auditor;
static char village[64], village_other[64], village_tl[64], village_off[64], hamlet[64],
    town_pm[64];
static char idnum[19], idnum_masked[19];

static const char pdf_doc[] = "%PDF-1.4\n"
                              "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                              "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                              "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> "
                              "endobj\n"
                              "trailer << /Root 1 0 R >>\n%%EOF\n";

/* --- helpers ------------------------------------------------------------------ */

/* Now + off seconds as ISO 8601 in +08:00. */
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

static long post(const struct tsession *s, const char *path, const char *body, struct tresp *r)
{
    tpost(&srv, path, s->token, body, r);
    snprintf(r->what, sizeof r->what, "POST %.100s as %.40s", path, s->username);
    return r->status;
}

static long get(const struct tsession *s, const char *path, struct tresp *r)
{
    tget(&srv, path, s->token, r);
    snprintf(r->what, sizeof r->what, "GET %.100s as %.40s", path, s->username);
    return r->status;
}

static void expect_get(const struct tsession *s, const char *path, long status, const char *code,
                       int line)
{
    struct tresp r;
    get(s, path, &r);
    texpect_error(__FILE__, line, &r, status, code, T_ANY_FIELD);
    tresp_free(&r);
}
#define GET_ERR(s, path, st, code) expect_get(s, path, st, code, __LINE__)

static void expect_post(const struct tsession *s, const char *path, const char *body, long status,
                        const char *code, const char *field, int line)
{
    struct tresp r;
    post(s, path, body, &r);
    texpect_error(__FILE__, line, &r, status, code, field);
    tresp_free(&r);
}
#define POST_ERR(s, path, body, st, code, field)                                                   \
    expect_post(s, path, body, st, code, field, __LINE__)

static long long count_disputes(void)
{
    return tdb_int(srv.db_url, "SELECT count(*) FROM disputes");
}

static bool list_has(const struct tsession *s, const char *path, const char *id, long *status)
{
    json_t *items = tget_all(&srv, path, s->token, status);
    bool has = items && tfind(items, "id", id) != NULL;
    json_decref(items);
    return has;
}

static void copy_id(char *out, size_t n, json_t *j, const char *key)
{
    const char *v = tjs(j, key);
    snprintf(out, n, "%s", v ? v : "");
}

/* Whether arr is exactly the comma-separated list want (in order). */
static bool array_is(json_t *arr, const char *want)
{
    if (!json_is_array(arr))
        return false;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", want);
    size_t i = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save), i++) {
        const char *v = json_string_value(json_array_get(arr, i));
        if (!v || strcmp(v, p))
            return false;
    }
    return i == json_array_size(arr);
}

static const char *two_parties(void)
{
    static char buf[512];
    snprintf(buf, sizeof buf,
             "[{\"name\":\"黄大明\",\"id_number\":\"%s\",\"phone\":\"%s\",\"role\":\"applicant\"},"
             "{\"name\":\"韦小强\",\"phone\":\"13900001111\",\"role\":\"respondent\"}]",
             idnum, PHONE);
    return buf;
}

/* A dispute body; hamlet, extra (",\"k\":v" members) may be NULL. */
static void dispute_body(char *out, size_t n, const char *category, const char *title,
                         const char *vid, const char *hamlet_id, const char *parties,
                         const char *risk, const char *occurred, const char *extra)
{
    char hpart[128] = "";
    if (hamlet_id)
        snprintf(hpart, sizeof hpart, "\"hamlet_id\":\"%s\",", hamlet_id);
    snprintf(
        out, n,
        "{\"category\":\"%s\",\"title\":\"%s\",\"description\":"
        "\"村民耕种集体机动田，邻居提出异议\","
        "\"village_id\":\"%s\",%s\"parties\":%s,\"risk_level\":\"%s\",\"occurred_at\":\"%s\"%s}",
        category, title, vid, hpart, parties, risk, occurred, extra ? extra : "");
}

/* Creates a dispute as s in vid; the id into out; false unless 201. */
static bool create(const struct tsession *s, const char *vid, const char *risk, const char *title,
                   char *out, size_t n)
{
    char body[2048];
    dispute_body(body, sizeof body, "DC02", title, vid, NULL, two_parties(), risk, iso_in(-86400),
                 NULL);
    struct tresp r;
    post(s, "/api/v1/disputes", body, &r);
    bool ok = EXPECT_STATUS(&r, 201);
    copy_id(out, n, r.json, "id");
    tresp_free(&r);
    return ok && out[0];
}

static json_t *detail(const struct tsession *s, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/disputes/%s", id);
    struct tresp r;
    json_t *j = NULL;
    if (get(s, path, &r) == 200)
        j = json_incref(r.json);
    else
        EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    return j;
}

/* The inbox items of s of the given kind on object id. */
static int inbox_count(const struct tsession *s, const char *kind, const char *id)
{
    long st;
    json_t *items = tget_all(&srv, "/api/v1/inbox", s->token, &st);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *k = tjs(it, "kind"), *oid = tjs(it, "object.id");
        if (k && oid && !strcmp(k, kind) && !strcmp(oid, id)) {
            CHECK_STR(tjs(it, "object.type"), "dispute");
            n++;
        }
    }
    json_decref(items);
    return n;
}

/* --- reference list ------------------------------------------------------------ */

static void test_categories(void)
{
    struct tresp r;
    if (get(&yang, "/api/v1/dispute-categories", &r) == 200) {
        json_t *dc07 = tfind(tj(r.json, "items"), "code", "DC07");
        CHECKF(dc07 && tjs(dc07, "name") && *tjs(dc07, "name"), "DC07 listed: %s", tdump(dc07));
        CHECKF(json_array_size(tj(r.json, "items")) >= 10, "categories %zu",
               json_array_size(tj(r.json, "items")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    get(&town, "/api/v1/dispute-categories", &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    GET_ERR(&auditor, "/api/v1/dispute-categories", 403, "forbidden");
}

/* --- the irrigation-land story ----------------------------------------------------- */

static char story_id[64], story_att[64];

static void test_story(void)
{
    struct tresp r;
    char body[4096], path[256];
    long long n0 = count_disputes();

    /* 1. yangjianzi records it in 花料坡 (良信村) */
    dispute_body(body, sizeof body, "DC07", "集体机动田耕种纠纷", village, hamlet, two_parties(),
                 "medium", iso_in(-30 * 86400), ",\"reported_at\":\"2026-01-05T09:00:00+08:00\"");
    REQUIRE(post(&yang, "/api/v1/disputes", body, &r) == 201 || EXPECT_STATUS(&r, 201));
    copy_id(story_id, sizeof story_id, r.json, "id");
    CHECK_STR(tjs(r.json, "status"), "open");
    CHECK_STR(tjs(r.json, "category"), "DC07");
    CHECK_STR(tjs(r.json, "village_id"), village);
    CHECK_STR(tjs(r.json, "hamlet_id"), hamlet);
    CHECK_STR(tjs(r.json, "risk_level"), "medium");
    CHECK_STR(tjs(r.json, "parties.0.id_number"), idnum);
    CHECK_STR(tjs(r.json, "parties.0.phone"), PHONE);
    CHECK_STR(tjs(r.json, "parties.0.role"), "applicant");
    CHECK_STR(tjs(r.json, "parties.1.role"), "respondent");
    CHECK(json_is_null(tj(r.json, "parties.1.id_number")));
    CHECKF(array_is(tj(r.json, "allowed"), "session,close"), "allowed %s",
           tdump(tj(r.json, "allowed")));
    CHECK_STR(tjs(r.json, "timeline.0.kind"), "create");
    const char *rep = tjs(r.json, "reported_at");
    CHECKF(rep && !strncmp(rep, "2026-01-05", 10), "reported_at kept: %s", rep);
    tresp_free(&r);
    REQUIRE(story_id[0]);
    CHECK_INT(count_disputes(), n0 + 1);
    /* stored sealed: neither the ID number nor the phone in clear in the row */
    char q[256];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM disputes WHERE id = '%s' AND parties NOT LIKE '%%%s%%' AND "
             "parties NOT LIKE '%%%s%%'",
             story_id, idnum, PHONE);
    CHECKF(tdb_int(srv.db_url, q) == 1, "parties sealed at rest");

    /* 2. the first session (hers): open -> mediating */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", story_id);
    snprintf(body, sizeof body,
             "{\"held_at\":\"%s\",\"mediators\":[\"杨建字\",\"村委主任\"],\"participants\":"
             "[\"黄大明\",\"韦小强\"],\"notes\":\"讲解土地管理法，双方意见分歧\","
             "\"outcome\":\"continuing\"}",
             iso_in(-10 * 86400));
    if (post(&yang, path, body, &r) == 201) {
        CHECK_STR(tjs(r.json, "status"), "mediating");
        json_t *tl = tj(r.json, "timeline");
        CHECKF(json_array_size(tl) == 2, "timeline %s", tdump(tl));
        CHECK_STR(tjs(r.json, "timeline.1.kind"), "session");
        CHECK_STR(tjs(r.json, "timeline.1.from"), "open");
        CHECK_STR(tjs(r.json, "timeline.1.to"), "mediating");
        CHECK_STR(tjs(r.json, "timeline.1.data.outcome"), "continuing");
        CHECKF(tarray_has(tj(r.json, "timeline.1.data.mediators"), "杨建字"), "mediators %s",
               tdump(tj(r.json, "timeline.1.data.mediators")));
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);

    /* 3. a second session, by the village's officer: stays mediating */
    snprintf(body, sizeof body,
             "{\"held_at\":\"%s\",\"mediators\":[\"社区民警\"],\"participants\":[\"黄大明\","
             "\"韦小强\",\"村民代表\"],\"notes\":\"约定日期交回集体\",\"outcome\":\"agreed\"}",
             iso_in(-3 * 86400));
    if (post(&off_in, path, body, &r) == 201) {
        CHECK_STR(tjs(r.json, "status"), "mediating");
        CHECK_STR(tjs(r.json, "timeline.2.from"), "mediating");
        CHECK_STR(tjs(r.json, "timeline.2.to"), "mediating");
        CHECK_STR(tjs(r.json, "timeline.2.data.outcome"), "agreed");
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);

    /* 4. the agreement, attached */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments", story_id);
    struct tpart parts[] = {{.name = "kind", .value = "agreement"},
                            {.name = "file",
                             .data = pdf_doc,
                             .len = sizeof pdf_doc - 1,
                             .filename = "xieyi.pdf",
                             .type = "application/pdf"}};
    tupload(&srv, path, yang.token, parts, 2, &r);
    if (EXPECT_STATUS(&r, 201)) {
        copy_id(story_att, sizeof story_att, r.json, "id");
        CHECK_STR(tjs(r.json, "kind"), "agreement");
    }
    tresp_free(&r);

    /* 5. closed resolved, with agreement and witnesses */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", story_id);
    if (post(&yang, path,
             "{\"result\":\"resolved\",\"agreement\":\"机动田于约定日期交回村集体\","
             "\"witnesses\":[\"村民甲\",\"村民乙\"]}",
             &r) == 200) {
        CHECK_STR(tjs(r.json, "status"), "resolved");
        CHECK_STR(tjs(r.json, "agreement"), "机动田于约定日期交回村集体");
        CHECKF(array_is(tj(r.json, "witnesses"), "村民甲,村民乙"), "witnesses %s",
               tdump(tj(r.json, "witnesses")));
        CHECK(tjs(r.json, "closed_at") != NULL);
        CHECKF(tjs(r.json, "followup_due_at") != NULL, "followup_due_at %s",
               tdump(tj(r.json, "followup_due_at")));
        CHECKF(array_is(tj(r.json, "allowed"), "followup"), "allowed %s",
               tdump(tj(r.json, "allowed")));
        CHECK_STR(tjs(r.json, "timeline.3.kind"), "close");
        CHECK_STR(tjs(r.json, "timeline.3.to"), "resolved");
        CHECKF(json_array_size(tj(r.json, "attachments")) == 1, "attachments %s",
               tdump(tj(r.json, "attachments")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);

    /* 6. the follow-up reminder reaches her inbox (followup_days = 0) */
    int n = 0;
    for (int i = 0; i < 50 && (n = inbox_count(&yang, "followup_due", story_id)) == 0; i++)
        tsleep_ms(200);
    CHECKF(n == 1, "yang's inbox holds one followup_due for the dispute (%d)", n);
    tsleep_ms(1500); /* another round of the worker: not sent twice */
    CHECK_INT(inbox_count(&yang, "followup_due", story_id), 1);
    CHECK_INT(inbox_count(&off_in, "followup_due", story_id), 0);

    /* 7. the follow-up visit */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/followups", story_id);
    snprintf(body, sizeof body, "{\"at\":\"%s\",\"notes\":\"回访：土地已交回，双方无异议\"}",
             iso_in(-60));
    if (post(&yang, path, body, &r) == 201) {
        CHECK_STR(tjs(r.json, "status"), "resolved");
        CHECK_STR(tjs(r.json, "timeline.4.kind"), "followup");
        CHECK_STR(tjs(r.json, "timeline.4.data.notes"), "回访：土地已交回，双方无异议");
        CHECK(json_is_null(tj(r.json, "followup_due_at")));
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);

    /* 8. lists and the attachment */
    long st;
    CHECKF(list_has(&yang, "/api/v1/disputes", story_id, &st), "yang's list (%ld)", st);
    CHECKF(list_has(&yang, "/api/v1/disputes?status=resolved", story_id, &st), "resolved (%ld)",
           st);
    CHECKF(!list_has(&yang, "/api/v1/disputes?status=open", story_id, &st) && st == 200,
           "not in status=open (%ld)", st);
    CHECKF(list_has(&chief, "/api/v1/disputes?category=DC07", story_id, &st), "category (%ld)", st);
    CHECKF(!list_has(&chief, "/api/v1/disputes?category=DC02", story_id, &st) && st == 200,
           "not in DC02 (%ld)", st);
    char lp[200];
    snprintf(lp, sizeof lp, "/api/v1/disputes?village_id=%s&risk_level=medium", village);
    CHECKF(list_has(&chief, lp, story_id, &st), "village+risk (%ld)", st);
    snprintf(lp, sizeof lp, "/api/v1/disputes?village_id=%s", village_other);
    CHECKF(!list_has(&chief, lp, story_id, &st) && st == 200, "other village filter (%ld)", st);
    if (story_att[0]) {
        snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments/%s", story_id, story_att);
        get(&chief, path, &r);
        if (EXPECT_STATUS(&r, 200))
            CHECKF(r.body_len == sizeof pdf_doc - 1 && !memcmp(r.body, pdf_doc, r.body_len),
                   "the agreement comes back as sent (%zu bytes)", r.body_len);
        tresp_free(&r);
    }
    /* a medium-risk dispute alerts nobody */
    CHECK_INT(inbox_count(&off_in, "dispute_high_risk", story_id), 0);
    CHECK_INT(inbox_count(&chief, "dispute_high_risk", story_id), 0);
}

/* --- the high-risk alert ----------------------------------------------------------- */

static struct tsse *open_ready(const struct tsession *s, int line)
{
    struct tsse *e = tsse_open(&srv, s->token, NULL, 20000);
    check_report(tsse_status(e) == 200, __FILE__, line, "GET /events as %s: status %ld",
                 s->username, tsse_status(e));
    check_report(tsse_wait(e, "retry:", 3000), __FILE__, line, "the stream of %s opens",
                 s->username);
    return e;
}

static void test_high_risk(void)
{
    struct tsse *e_in = open_ready(&off_in, __LINE__), *e_chief = open_ready(&chief, __LINE__),
                *e_out = open_ready(&off_out, __LINE__), *e_nl = open_ready(&chief_nl, __LINE__);
    char id[64] = "";
    if (create(&yang, village, "high", "宅基地界址纠纷，双方扬言动手", id, sizeof id)) {
        CHECKF(tsse_wait(e_in, id, 5000) && tsse_has(e_in, "event: dispute\n"),
               "the village officer's stream has the dispute event");
        CHECKF(tsse_wait(e_chief, id, 5000) && tsse_has(e_chief, "event: dispute\n"),
               "chief_pumiao's stream has the dispute event");
        json_t *evs = tsse_events(e_chief);
        bool found = false;
        size_t i;
        json_t *ev;
        json_array_foreach(evs, i, ev) if (tjs(ev, "event") && !strcmp(tjs(ev, "event"), "dispute"))
        {
            found = true;
            CHECK_STR(tjs(ev, "data.type"), "dispute");
            CHECK_STR(tjs(ev, "data.id"), id);
        }
        CHECKF(found, "a parsed dispute event");
        json_decref(evs);
        tsleep_ms(500);
        CHECKF(!tsse_has(e_out, id), "the officer of another area hears nothing of it");
        CHECKF(!tsse_has(e_nl, id), "the 那楼 chief hears nothing of it");
        CHECK_INT(inbox_count(&off_in, "dispute_high_risk", id), 1);
        CHECK_INT(inbox_count(&chief, "dispute_high_risk", id), 1);
        CHECK_INT(inbox_count(&off_out, "dispute_high_risk", id), 0);
        CHECK_INT(inbox_count(&chief_nl, "dispute_high_risk", id), 0);
        CHECK_INT(inbox_count(&yang, "dispute_high_risk", id), 0);
        CHECK_INT(inbox_count(&town, "dispute_high_risk", id), 0);
        long st;
        CHECKF(list_has(&chief, "/api/v1/disputes?risk_level=high", id, &st), "high (%ld)", st);
        CHECKF(!list_has(&chief, "/api/v1/disputes?risk_level=low", id, &st) && st == 200,
               "not low (%ld)", st);
    }
    tsse_close(e_in);
    tsse_close(e_chief);
    tsse_close(e_out);
    tsse_close(e_nl);
}

/* --- the state rules ------------------------------------------------------------------ */

static void expect_transition(const struct tsession *s, const char *id, const char *action,
                              const char *body, const char *allowed, int line)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/disputes/%s/%s", id, action);
    struct tresp r;
    post(s, path, body, &r);
    if (texpect_error(__FILE__, line, &r, 409, "invalid_transition", NULL))
        check_report(array_is(tj(r.json, "error.allowed"), allowed), __FILE__, line,
                     "%s: allowed %s, want [%s]", r.what, tdump(tj(r.json, "error.allowed")),
                     allowed);
    tresp_free(&r);
}
#define TRANSITION_409(s, id, action, body, allowed)                                               \
    expect_transition(s, id, action, body, allowed, __LINE__)

static const char *session_body(void)
{
    static char buf[256];
    snprintf(buf, sizeof buf,
             "{\"held_at\":\"%s\",\"mediators\":[\"杨建字\"],\"outcome\":\"continuing\"}",
             iso_in(-3600));
    return buf;
}

static const char *followup_body(void)
{
    static char buf[160];
    snprintf(buf, sizeof buf, "{\"at\":\"%s\",\"notes\":\"回访\"}", iso_in(-60));
    return buf;
}

static void test_states(void)
{
    char a[64] = "", b[64] = "", path[200];
    struct tresp r;
    REQUIRE(create(&yang, village, "low", "状态：转交", a, sizeof a));
    REQUIRE(create(&yang, village, "low", "状态：未化解", b, sizeof b));

    /* open: a follow-up is not allowed yet */
    TRANSITION_409(&yang, a, "followups", followup_body(), "session,close");
    TRANSITION_409(&chief, a, "followups", followup_body(), "session,close");
    /* referred needs referred_to (nothing changes) */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", a);
    POST_ERR(&yang, path, "{\"result\":\"referred\"}", 422, "invalid_field", "referred_to");
    POST_ERR(&yang, path, "{\"result\":\"referred\",\"referred_to\":\"\"}", 422, "invalid_field",
             "referred_to");
    json_t *d = detail(&yang, a);
    CHECK_STR(tjs(d, "status"), "open");
    CHECKF(json_array_size(tj(d, "timeline")) == 1, "timeline %s", tdump(tj(d, "timeline")));
    json_decref(d);
    /* open -> referred, directly */
    if (post(&chief, path, "{\"result\":\"referred\",\"referred_to\":\"蒲庙镇司法所\"}", &r) ==
        200) {
        CHECK_STR(tjs(r.json, "status"), "referred");
        CHECK_STR(tjs(r.json, "referred_to"), "蒲庙镇司法所");
        CHECK(json_is_null(tj(r.json, "followup_due_at")));
        CHECKF(array_is(tj(r.json, "allowed"), "followup"), "allowed %s",
               tdump(tj(r.json, "allowed")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    /* closed: no session, no second closing - for every role that acts */
    TRANSITION_409(&yang, a, "sessions", session_body(), "followup");
    TRANSITION_409(&off_in, a, "sessions", session_body(), "followup");
    TRANSITION_409(&yang, a, "close", "{\"result\":\"resolved\"}", "followup");
    TRANSITION_409(&chief, a, "close", "{\"result\":\"unresolved\"}", "followup");
    TRANSITION_409(&yang, a, "close", "{\"result\":\"referred\",\"referred_to\":\"法院\"}",
                   "followup");
    /* the bureau may not act: 403 comes before the state */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", a);
    POST_ERR(&bureau, path, session_body(), 403, "forbidden", NULL);
    /* a follow-up on a referred dispute is allowed */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/followups", a);
    if (post(&yang, path, followup_body(), &r) == 201)
        CHECK_STR(tjs(r.json, "status"), "referred");
    else
        EXPECT_STATUS(&r, 201);
    tresp_free(&r);

    /* mediating -> unresolved; no follow-up reminder */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", b);
    if (post(&yang, path, session_body(), &r) == 201)
        CHECK_STR(tjs(r.json, "status"), "mediating");
    else
        EXPECT_STATUS(&r, 201);
    tresp_free(&r);
    /* status=open includes mediating */
    long st;
    CHECKF(list_has(&yang, "/api/v1/disputes?status=open", b, &st), "open lists mediating (%ld)",
           st);
    CHECKF(!list_has(&yang, "/api/v1/disputes?status=open", a, &st), "open omits referred");
    CHECKF(list_has(&yang, "/api/v1/disputes?status=mediating", b, &st), "mediating (%ld)", st);
    TRANSITION_409(&yang, b, "followups", followup_body(), "session,close");
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", b);
    if (post(&off_in, path, "{\"result\":\"unresolved\"}", &r) == 200) {
        CHECK_STR(tjs(r.json, "status"), "unresolved");
        CHECK(json_is_null(tj(r.json, "followup_due_at")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    TRANSITION_409(&yang, b, "sessions", session_body(), "followup");
    tsleep_ms(1500);
    CHECK_INT(inbox_count(&yang, "followup_due", a), 0);
    CHECK_INT(inbox_count(&yang, "followup_due", b), 0);
    /* the read-only roles see no actions */
    d = detail(&bureau, b);
    CHECKF(array_is(tj(d, "allowed"), ""), "bureau allowed %s", tdump(tj(d, "allowed")));
    json_decref(d);
    d = detail(&town, b);
    CHECKF(array_is(tj(d, "allowed"), ""), "township allowed %s", tdump(tj(d, "allowed")));
    json_decref(d);
}

/* --- roles and scope ------------------------------------------------------------------- */

static void test_roles(void)
{
    char id[64] = "", tl_id[64] = "", path[200], body[2048];
    struct tresp r;
    long st;
    REQUIRE(create(&yang, village, "medium", "角色：良信村纠纷", id, sizeof id));
    REQUIRE(create(&a_tl, village_tl, "medium", "角色：那楼纠纷", tl_id, sizeof tl_id));
    char att[64] = "";
    snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments", id);
    struct tpart parts[] = {{.name = "kind", .value = "document"},
                            {.name = "file",
                             .data = pdf_doc,
                             .len = sizeof pdf_doc - 1,
                             .filename = "a.pdf",
                             .type = "application/pdf"}};
    tupload(&srv, path, yang.token, parts, 2, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(att, sizeof att, r.json, "id");
    tresp_free(&r);

    /* who reads the parties whole, who masked */
    struct {
        const struct tsession *s;
        bool full;
    } who[] = {{&yang, true}, {&off_in, true}, {&chief, true}, {&bureau, false}, {&town, false}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        json_t *d = detail(who[i].s, id);
        const char *n = tjs(d, "parties.0.id_number"), *ph = tjs(d, "parties.0.phone");
        CHECKF(n && !strcmp(n, who[i].full ? idnum : idnum_masked), "%s: id_number %s",
               who[i].s->username, n);
        CHECKF(ph && !strcmp(ph, who[i].full ? PHONE : PHONE_MASKED), "%s: phone %s",
               who[i].s->username, ph);
        json_decref(d);
        CHECKF(list_has(who[i].s, "/api/v1/disputes", id, &st), "%s lists it (%ld)",
               who[i].s->username, st);
    }
    /* the list never carries the parties */
    json_t *items = tget_all(&srv, "/api/v1/disputes", chief.token, &st);
    json_t *it = tfind(items, "id", id);
    CHECKF(it && !tj(it, "parties"), "list item without parties: %s", tdump(it));
    json_decref(items);

    /* the township: its own township only */
    CHECKF(!list_has(&town, "/api/v1/disputes", tl_id, &st) && st == 200,
           "town_pumiao does not list the 那楼 dispute (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/disputes/%s", tl_id);
    GET_ERR(&town, path, 404, "not_found");
    CHECKF(list_has(&town_nl, "/api/v1/disputes", tl_id, &st), "town_nalou lists it (%ld)", st);
    CHECKF(!list_has(&town_nl, "/api/v1/disputes", id, &st), "town_nalou not 良信村's");
    snprintf(path, sizeof path, "/api/v1/disputes/%s", id);
    GET_ERR(&town_nl, path, 404, "not_found");
    /* the township may not record or act */
    dispute_body(body, sizeof body, "DC02", "乡镇不可登记", village, NULL, two_parties(), "low",
                 iso_in(-3600), NULL);
    POST_ERR(&town, "/api/v1/disputes", body, 403, "forbidden", NULL);
    snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", id);
    POST_ERR(&town, path, session_body(), 403, "forbidden", NULL);
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", id);
    POST_ERR(&town, path, "{\"result\":\"resolved\"}", 403, "forbidden", NULL);
    snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments", id);
    tupload(&srv, path, town.token, parts, 2, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);

    /* assistants of other villages (蒲庙 and 那楼): 404 everywhere */
    const struct tsession *others[] = {&a_other, &a_tl, &off_out, &chief_nl};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        const struct tsession *s = others[i];
        CHECKF(!list_has(s, "/api/v1/disputes", id, &st) && st == 200, "%s: not listed (%ld)",
               s->username, st);
        snprintf(path, sizeof path, "/api/v1/disputes?village_id=%s", village);
        CHECKF(!list_has(s, path, id, &st), "%s: not listed by village", s->username);
        snprintf(path, sizeof path, "/api/v1/disputes/%s", id);
        GET_ERR(s, path, 404, "not_found");
        if (att[0]) {
            snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments/%s", id, att);
            GET_ERR(s, path, 404, "not_found");
        }
        snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments", id);
        tupload(&srv, path, s->token, parts, 2, &r);
        EXPECT_ERROR(&r, 404, "not_found", T_ANY_FIELD);
        tresp_free(&r);
        snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", id);
        POST_ERR(s, path, session_body(), 404, "not_found", T_ANY_FIELD);
        snprintf(path, sizeof path, "/api/v1/disputes/%s/close", id);
        POST_ERR(s, path, "{\"result\":\"resolved\"}", 404, "not_found", T_ANY_FIELD);
        snprintf(path, sizeof path, "/api/v1/disputes/%s/followups", id);
        POST_ERR(s, path, followup_body(), 404, "not_found", T_ANY_FIELD);
    }
    /* an assistant cannot record in another village: 404 on village_id */
    dispute_body(body, sizeof body, "DC02", "别村", village_other, NULL, two_parties(), "low",
                 iso_in(-3600), NULL);
    POST_ERR(&yang, "/api/v1/disputes", body, 404, "not_found", T_ANY_FIELD);

    /* the bureau reads, may not record or act */
    dispute_body(body, sizeof body, "DC02", "分局不可登记", village, NULL, two_parties(), "low",
                 iso_in(-3600), NULL);
    POST_ERR(&bureau, "/api/v1/disputes", body, 403, "forbidden", NULL);
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", id);
    POST_ERR(&bureau, path, "{\"result\":\"resolved\"}", 403, "forbidden", NULL);
    /* the station chief acts but does not record (Rights: R A X U) */
    POST_ERR(&chief, "/api/v1/disputes", body, 403, "forbidden", NULL);
    if (att[0]) {
        snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments/%s", id, att);
        get(&bureau, path, &r);
        EXPECT_STATUS(&r, 200);
        tresp_free(&r);
        get(&town, path, &r);
        EXPECT_STATUS(&r, 200);
        tresp_free(&r);
    }

    /* the clerk and the auditor: 403 */
    const struct tsession *none[] = {&clerk, &auditor};
    for (size_t i = 0; i < 2; i++) {
        GET_ERR(none[i], "/api/v1/disputes", 403, "forbidden");
        snprintf(path, sizeof path, "/api/v1/disputes/%s", id);
        GET_ERR(none[i], path, 403, "forbidden");
        POST_ERR(none[i], "/api/v1/disputes", body, 403, "forbidden", NULL);
        snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", id);
        POST_ERR(none[i], path, session_body(), 403, "forbidden", NULL);
    }
    /* no token */
    tget(&srv, "/api/v1/disputes", NULL, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);

    /* the reads are audited: full for yang and the chief, masked for the township */
    char q[512];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'dispute.read' AND object = "
             "'dispute/%s' AND user_id = '%s' AND result = 'ok full_id'",
             id, yang.user_id);
    CHECKF(tdb_int(srv.db_url, q) >= 1, "yang's dispute.read (full) audited");
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'dispute.read' AND object = "
             "'dispute/%s' AND user_id = '%s' AND result = 'ok full_id'",
             id, chief.user_id);
    CHECKF(tdb_int(srv.db_url, q) >= 1, "the chief's dispute.read (full) audited");
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'dispute.read' AND object = "
             "'dispute/%s' AND user_id = '%s' AND result = 'ok'",
             id, town.user_id);
    CHECKF(tdb_int(srv.db_url, q) >= 1, "the township's dispute.read (masked) audited");
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'dispute.read' AND object = "
             "'dispute/%s'",
             id);
    long long reads = tdb_int(srv.db_url, q);
    json_decref(detail(&off_in, id));
    CHECK_INT(tdb_int(srv.db_url, q), reads + 1);
    /* a refused read is not a read */
    snprintf(path, sizeof path, "/api/v1/disputes/%s", id);
    GET_ERR(&a_other, path, 404, "not_found");
    CHECK_INT(tdb_int(srv.db_url, q), reads + 1);
    /* the auditor sees them through the audit API */
    items = tget_all(&srv, "/api/v1/audit?action=dispute.read", auditor.token, &st);
    char obj[100];
    snprintf(obj, sizeof obj, "dispute/%s", id);
    CHECKF(tfind(items, "object", obj) != NULL, "GET /audit?action=dispute.read (%ld)", st);
    json_decref(items);
}

/* --- bad inputs ----------------------------------------------------------------------- */

static void test_bad_inputs(void)
{
    char body[4096], parties[1024], path[200], bad_id[19];
    long long n0 = count_disputes();
    const char *occ = iso_in(-86400);
    tmake_id("45010919900101001", bad_id);
    bad_id[17] = bad_id[17] == '0' ? '1' : '0'; /* wrong check digit */
#define BAD(who, status, code, field) POST_ERR(who, "/api/v1/disputes", body, status, code, field)

    snprintf(parties, sizeof parties,
             "[{\"name\":\"甲\",\"id_number\":\"%s\",\"role\":\"applicant\"}]", bad_id);
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, parties, "low", occ, NULL);
    BAD(&yang, 422, "invalid_id_number", "parties.0.id_number");
    snprintf(parties, sizeof parties,
             "[{\"name\":\"甲\",\"role\":\"applicant\"},{\"name\":\"乙\",\"id_number\":"
             "\"45010919900101\",\"role\":\"respondent\"}]");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, parties, "low", occ, NULL);
    BAD(&yang, 422, "invalid_id_number", "parties.1.id_number");
    snprintf(parties, sizeof parties,
             "[{\"name\":\"甲\",\"role\":\"applicant\"},{\"name\":\"乙\",\"phone\":\"12345\","
             "\"role\":\"respondent\"}]");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, parties, "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "parties.1.phone");
    snprintf(parties, sizeof parties, "[{\"name\":\"甲\",\"role\":\"witness\"}]");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, parties, "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "parties.0.role");
    snprintf(parties, sizeof parties, "[{\"role\":\"applicant\"}]");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, parties, "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "parties.0.name");
    snprintf(parties, sizeof parties, "[{\"name\":\"甲\",\"role\":\"applicant\",\"age\":3}]");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, parties, "low", occ, NULL);
    BAD(&yang, 422, "unknown_field", "parties.0.age");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, "[]", "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "parties");
    dispute_body(body, sizeof body, "DC98", "t", village, NULL, two_parties(), "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "category");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, two_parties(), "extreme", occ,
                 NULL);
    BAD(&yang, 422, "invalid_field", "risk_level");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, two_parties(), "low",
                 iso_in(2 * 86400), NULL);
    BAD(&yang, 422, "invalid_field", "occurred_at");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, two_parties(), "low", "yesterday",
                 NULL);
    BAD(&yang, 422, "invalid_field", "occurred_at");
    char extra[128];
    snprintf(extra, sizeof extra, ",\"reported_at\":\"%s\"", iso_in(86400));
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, two_parties(), "low", occ, extra);
    BAD(&yang, 422, "invalid_field", "reported_at");
    /* a hamlet that is not under the village */
    dispute_body(body, sizeof body, "DC07", "t", village, town_pm, two_parties(), "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "hamlet_id");
    dispute_body(body, sizeof body, "DC07", "t", village_off, hamlet, two_parties(), "low", occ,
                 NULL);
    BAD(&off_in, 422, "invalid_field", "hamlet_id");
    dispute_body(body, sizeof body, "DC07", "t", village, "nosuchhamlet", two_parties(), "low", occ,
                 NULL);
    BAD(&yang, 422, "invalid_field", "hamlet_id");
    /* a village that is not a village (the hamlet itself) */
    dispute_body(body, sizeof body, "DC07", "t", hamlet, NULL, two_parties(), "low", occ, NULL);
    BAD(&yang, 422, "invalid_field", "village_id");
    dispute_body(body, sizeof body, "DC07", "t", "nosuchvillage", NULL, two_parties(), "low", occ,
                 NULL);
    BAD(&yang, 404, "not_found", T_ANY_FIELD);
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, two_parties(), "low", occ,
                 ",\"status\":\"resolved\"");
    BAD(&yang, 422, "unknown_field", "status");
    dispute_body(body, sizeof body, "DC07", "t", village, NULL, two_parties(), "low", occ,
                 ",\"client_ref\":\"\"");
    BAD(&yang, 422, "invalid_field", "client_ref");
    snprintf(body, sizeof body,
             "{\"category\":\"DC07\",\"village_id\":\"%s\",\"parties\":%s,\"risk_level\":"
             "\"low\",\"occurred_at\":\"%s\"}",
             village, two_parties(), occ);
    BAD(&yang, 422, "invalid_field", "title");
    snprintf(body, sizeof body, "{\"category\":\"DC07\",");
    BAD(&yang, 400, "invalid_json", NULL);
    CHECK_INT(count_disputes(), n0);

    /* sessions, closing, follow-ups, attachments */
    char id[64] = "";
    REQUIRE(create(&yang, village, "low", "输入校验", id, sizeof id));
    snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", id);
    snprintf(body, sizeof body, "{\"held_at\":\"%s\",\"mediators\":[\"甲\"],\"outcome\":\"done\"}",
             iso_in(-60));
    POST_ERR(&yang, path, body, 422, "invalid_field", "outcome");
    snprintf(body, sizeof body,
             "{\"held_at\":\"%s\",\"mediators\":[\"甲\"],\"outcome\":\"agreed\"}",
             iso_in(2 * 86400));
    POST_ERR(&yang, path, body, 422, "invalid_field", "held_at");
    snprintf(body, sizeof body, "{\"held_at\":\"%s\",\"mediators\":[\"\"],\"outcome\":\"agreed\"}",
             iso_in(-60));
    POST_ERR(&yang, path, body, 422, "invalid_field", "mediators.0");
    snprintf(body, sizeof body, "{\"held_at\":\"%s\",\"outcome\":\"agreed\"}", iso_in(-60));
    POST_ERR(&yang, path, body, 422, "invalid_field", "mediators");
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", id);
    POST_ERR(&yang, path, "{\"result\":\"settled\"}", 422, "invalid_field", "result");
    POST_ERR(&yang, path, "{\"result\":\"resolved\",\"witnesses\":\"甲\"}", 422, "invalid_field",
             "witnesses");
    json_t *d = detail(&yang, id);
    CHECK_STR(tjs(d, "status"), "open");
    CHECKF(json_array_size(tj(d, "timeline")) == 1, "nothing recorded: %s",
           tdump(tj(d, "timeline")));
    json_decref(d);
    struct tresp r;
    post(&yang, path, "{\"result\":\"resolved\"}", &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    snprintf(path, sizeof path, "/api/v1/disputes/%s/followups", id);
    snprintf(body, sizeof body, "{\"at\":\"%s\"}", iso_in(2 * 86400));
    POST_ERR(&yang, path, body, 422, "invalid_field", "at");
    POST_ERR(&yang, path, "{\"notes\":\"x\"}", 422, "invalid_field", "at");
    snprintf(path, sizeof path, "/api/v1/disputes/%s/attachments", id);
    struct tpart parts[] = {{.name = "kind", .value = "selfie"},
                            {.name = "file",
                             .data = pdf_doc,
                             .len = sizeof pdf_doc - 1,
                             .filename = "a.pdf",
                             .type = "application/pdf"}};
    tupload(&srv, path, yang.token, parts, 2, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "kind");
    tresp_free(&r);
    GET_ERR(&yang, "/api/v1/disputes/nosuchdispute", 404, "not_found");
    POST_ERR(&yang, "/api/v1/disputes/nosuchdispute/close", "{\"result\":\"resolved\"}", 404,
             "not_found", T_ANY_FIELD);
    GET_ERR(&yang, "/api/v1/disputes?cursor=garbage", 422, "invalid_field");
#undef BAD
}

/* --- idempotent create ---------------------------------------------------------------- */

/* The mediation sessions in a dispute's timeline. */
static size_t timeline_sessions(json_t *d)
{
    size_t n = 0, i;
    json_t *ev;
    json_array_foreach(tj(d, "timeline"), i, ev)
    {
        const char *k = json_string_value(json_object_get(ev, "kind"));
        n += k && !strcmp(k, "session");
    }
    return n;
}

static void test_idempotent(void)
{
    char body[2048], first[64] = "";
    struct tresp r;
    long long n0 = count_disputes();
    dispute_body(body, sizeof body, "DC03", "重试不重复", village, NULL, two_parties(), "low",
                 iso_in(-3600), ",\"client_ref\":\"offline-dispute-0001\"");
    post(&yang, "/api/v1/disputes", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(first, sizeof first, r.json, "id");
    tresp_free(&r);
    REQUIRE(first[0]);
    post(&yang, "/api/v1/disputes", body, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "id"), first);
        CHECK_STR(tjs(r.json, "title"), "重试不重复");
        CHECK_STR(tjs(r.json, "parties.0.id_number"), idnum);
    }
    tresp_free(&r);
    CHECK_INT(count_disputes(), n0 + 1);
    /* the same client_ref from another user is another record */
    post(&off_in, "/api/v1/disputes", body, &r);
    if (EXPECT_STATUS(&r, 201))
        CHECKF(tjs(r.json, "id") && strcmp(tjs(r.json, "id"), first), "a new id");
    tresp_free(&r);
    CHECK_INT(count_disputes(), n0 + 2);
    /* a high-risk retry alerts only once */
    char hid[64] = "";
    dispute_body(body, sizeof body, "DC02", "高风险重试", village, NULL, two_parties(), "high",
                 iso_in(-3600), ",\"client_ref\":\"offline-dispute-0002\"");
    post(&yang, "/api/v1/disputes", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(hid, sizeof hid, r.json, "id");
    tresp_free(&r);
    post(&yang, "/api/v1/disputes", body, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    if (hid[0])
        CHECK_INT(inbox_count(&chief, "dispute_high_risk", hid), 1);
    /* a retried mediation session: 201 then 200 with the same dispute, one session */
    char path[160], sbody[320];
    snprintf(path, sizeof path, "/api/v1/disputes/%s/sessions", first);
    snprintf(sbody, sizeof sbody,
             "{\"held_at\":\"%s\",\"mediators\":[\"杨建字\"],\"outcome\":\"continuing\","
             "\"client_ref\":\"offline-session-0001\"}",
             iso_in(-1800));
    post(&yang, path, sbody, &r);
    EXPECT_STATUS(&r, 201);
    size_t sessions = timeline_sessions(r.json);
    tresp_free(&r);
    post(&yang, path, sbody, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "id"), first);
        CHECKF(timeline_sessions(r.json) == sessions && sessions >= 1,
               "sessions after the retry: %zu, before %zu", timeline_sessions(r.json), sessions);
    }
    tresp_free(&r);
    /* the same client_ref on another dispute is a session there, not a replay of the first */
    if (hid[0]) {
        char hpath[160];
        snprintf(hpath, sizeof hpath, "/api/v1/disputes/%s/sessions", hid);
        post(&yang, hpath, sbody, &r);
        if (EXPECT_STATUS(&r, 201)) {
            CHECK_STR(tjs(r.json, "id"), hid);
            CHECK_INT(timeline_sessions(r.json), 1);
        }
        tresp_free(&r);
    }
    /* a retried close (the phone's outbox after a lost answer): 200 with the closed dispute, not
     * 409 */
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", first);
    const char *cbody = "{\"result\":\"resolved\",\"agreement\":\"双方和解\","
                        "\"client_ref\":\"offline-close-0001\"}";
    post(&yang, path, cbody, &r);
    if (EXPECT_STATUS(&r, 200))
        CHECK_STR(tjs(r.json, "status"), "resolved");
    tresp_free(&r);
    post(&yang, path, cbody, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "id"), first);
        CHECK_STR(tjs(r.json, "status"), "resolved");
    }
    tresp_free(&r);
    /* without a client_ref a second close is a transition from a closed state: 409 */
    post(&yang, path, "{\"result\":\"resolved\",\"agreement\":\"双方和解\"}", &r);
    CHECKF(r.status == 409, "a second close without client_ref: %ld", r.status);
    tresp_free(&r);
}

/* --- setup ---------------------------------------------------------------------------- */

static void me_area(const struct tsession *s, char *out, size_t n)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", s->token, &r);
    const char *v = tjs(r.json, "user.area_ids.0");
    snprintf(out, n, "%s", v ? v : "");
    tresp_free(&r);
}

static bool find_areas(void)
{
    struct tresp r;
    char path[160];
    snprintf(path, sizeof path, "/api/v1/areas?parent_id=%s", village);
    get(&yang, path, &r);
    json_t *h = tfind(tj(r.json, "items"), "level", "natural_village");
    copy_id(hamlet, sizeof hamlet, h, "id");
    tresp_free(&r);
    get(&town, "/api/v1/areas", &r);
    copy_id(town_pm, sizeof town_pm, r.json, "items.0.id");
    tresp_free(&r);
    /* a village of off_in's other than 良信村 */
    tget(&srv, "/api/v1/me", off_in.token, &r);
    json_t *ids = tj(r.json, "user.area_ids");
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v) if (strcmp(json_string_value(v), village) && !village_off[0])
        snprintf(village_off, sizeof village_off, "%s", json_string_value(v));
    tresp_free(&r);
    return hamlet[0] && town_pm[0] && village_off[0];
}

/* The 蒲庙 officer whose areas hold 良信村, and one whose do not. */
static bool find_officers(void)
{
    bool in = false, out = false;
    for (int i = 1; i <= 8 && !(in && out); i++) {
        char name[32];
        snprintf(name, sizeof name, "officer_pumiao%d", i);
        struct tsession s;
        if (!tlogin(&srv, name, NULL, &s))
            continue;
        struct tresp r;
        tget(&srv, "/api/v1/me", s.token, &r);
        bool has = tarray_has(tj(r.json, "user.area_ids"), village);
        tresp_free(&r);
        if (has && !in) {
            off_in = s;
            in = true;
        } else if (!has && !out) {
            off_out = s;
            out = true;
        }
    }
    return in && out;
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        return check_done();
    }
    check_note("backend %s", tserver_backend());
    tmake_id("45010919780312004", idnum);
    snprintf(idnum_masked, sizeof idnum_masked, "%.6s********%.4s", idnum, idnum + 14);
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000",
                               "CUNJING_REMINDERS_INTERVAL_SECONDS=1",
                               "CUNJING_DISPUTES_FOLLOWUP_DAYS=0", NULL};
    if (tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "yangjianzi", NULL, &yang);
        ok = tlogin(&srv, "a450109100210", NULL, &a_other) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "chief_pumiao", NULL, &chief) && ok;
        ok = tlogin(&srv, "chief_nalou", NULL, &chief_nl) && ok;
        ok = tlogin(&srv, "bureau", NULL, &bureau) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "town_nalou", NULL, &town_nl) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        ok = tlogin(&srv, "auditor", NULL, &auditor) && ok;
        if (ok) {
            me_area(&yang, village, sizeof village);
            me_area(&a_other, village_other, sizeof village_other);
            me_area(&a_tl, village_tl, sizeof village_tl);
            ok = CHECK(village[0] && village_other[0] && village_tl[0]);
            ok = CHECKF(find_officers(), "an officer of 良信村 and one not") && ok;
            ok = CHECKF(ok && find_areas(), "花料坡, 蒲庙镇 and another village of the officer") &&
                 ok;
        }
        if (ok) {
            check_run("categories", test_categories);
            check_run("story", test_story);
            check_run("high_risk", test_high_risk);
            check_run("states", test_states);
            check_run("roles", test_roles);
            check_run("bad_inputs", test_bad_inputs);
            check_run("idempotent", test_idempotent);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
