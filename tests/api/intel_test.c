/*
 * Public-security information (治安信息, issue 5) over HTTP on the demo
 * district:
 *  - the lifecycle: yangjianzi (良信村) reports an IC04 gambling clue ->
 *    201 pending; the village's officer assesses it valid, the chief another
 *    invalid; the verdict reaches her (inbox item intel_assessed and the live
 *    event intel_assessed) and her detail shows it;
 *  - an assistant sees only her own reports: a second assistant of 良信村
 *    (added with `cunjing user add` + `assistant set`), the assistant of
 *    another 蒲庙 village and one of 那楼 see none of hers in list or detail;
 *  - the reporter's identity (reporter_id, reporter_name) only in police views;
 *  - assess: an officer out of area and the 那楼 chief -> 404; the bureau and
 *    assistants -> 403; the township -> 403 on list, detail and create; the
 *    clerk -> 403; officers may not create (403);
 *  - bad inputs with exact status, code and field, and nothing stored;
 *  - idempotent create with client_ref; audit rows of intel.read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession yang, yang2, a_other, a_tl, off_in, off_out, chief, chief_nl, bureau, town,
    clerk;
static char village[64], village_other[64], village_tl[64];

/* --- helpers ------------------------------------------------------------------ */

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

static long long count_reports(void)
{
    return tdb_int(srv.db_url, "SELECT count(*) FROM intel_reports");
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

static void report_body(char *out, size_t n, const char *category, const char *content,
                        const char *vid, const char *occurred, const char *extra)
{
    snprintf(out, n,
             "{\"category\":\"%s\",\"content\":\"%s\",\"village_id\":\"%s\",\"occurred_at\":\"%s\""
             "%s}",
             category, content, vid, occurred, extra ? extra : "");
}

static bool report(const struct tsession *s, const char *vid, const char *content, char *out,
                   size_t n)
{
    char body[1024];
    report_body(body, sizeof body, "IC04", content, vid, iso_in(-7200), NULL);
    struct tresp r;
    post(s, "/api/v1/intel-reports", body, &r);
    bool ok = EXPECT_STATUS(&r, 201);
    copy_id(out, n, r.json, "id");
    tresp_free(&r);
    return ok && out[0];
}

static json_t *detail(const struct tsession *s, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s", id);
    struct tresp r;
    json_t *j = NULL;
    if (get(s, path, &r) == 200)
        j = json_incref(r.json);
    else
        EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    return j;
}

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
            CHECK_STR(tjs(it, "object.type"), "intel_report");
            n++;
        }
    }
    json_decref(items);
    return n;
}

static void no_reporter(json_t *j, const char *who, int line)
{
    check_report(j && !tj(j, "reporter_id") && !tj(j, "reporter_name"), __FILE__, line,
                 "%s sees no reporter: %s", who, tdump(j));
}

/* --- lifecycle ------------------------------------------------------------------ */

static char rep1[64], rep2[64];

static void test_lifecycle(void)
{
    struct tresp r;
    char body[1024], path[200];
    long long n0 = count_reports();
    get(&yang, "/api/v1/intel-categories", &r);
    if (EXPECT_STATUS(&r, 200)) {
        json_t *ic04 = tfind(tj(r.json, "items"), "code", "IC04");
        CHECKF(ic04 && tjs(ic04, "name") && tjs(ic04, "default_urgency"), "IC04: %s", tdump(ic04));
    }
    tresp_free(&r);

    struct tsse *ev = tsse_open(&srv, yang.token, NULL, 20000);
    CHECKF(tsse_status(ev) == 200 && tsse_wait(ev, "retry:", 3000), "yang's stream opens (%ld)",
           tsse_status(ev));

    report_body(body, sizeof body, "IC04", "村东养殖场工棚夜间有人聚众赌博", village,
                iso_in(-86400),
                ",\"location\":\"村东养殖场\",\"reported_at\":\"2026-01-02T08:00:00+08:00\"");
    if (post(&yang, "/api/v1/intel-reports", body, &r) == 201) {
        copy_id(rep1, sizeof rep1, r.json, "id");
        CHECK_STR(tjs(r.json, "status"), "pending");
        CHECK_STR(tjs(r.json, "category"), "IC04");
        CHECK_STR(tjs(r.json, "village_id"), village);
        CHECK_STR(tjs(r.json, "location"), "村东养殖场");
        CHECK(json_is_null(tj(r.json, "note")));
        CHECK(json_is_null(tj(r.json, "assessed_at")));
        const char *ra = tjs(r.json, "reported_at");
        CHECKF(ra && !strncmp(ra, "2026-01-02", 10), "reported_at %s", ra);
        no_reporter(r.json, "the reporter herself", __LINE__);
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);
    REQUIRE(rep1[0]);
    REQUIRE(report(&yang, village, "外来人员在出租屋频繁出入", rep2, sizeof rep2));
    CHECK_INT(count_reports(), n0 + 2);

    /* police see who reported */
    const struct tsession *police[] = {&off_in, &chief, &bureau};
    for (size_t i = 0; i < 3; i++) {
        json_t *d = detail(police[i], rep1);
        CHECKF(tjs(d, "reporter_id") && !strcmp(tjs(d, "reporter_id"), yang.user_id),
               "%s: reporter_id %s", police[i]->username, tjs(d, "reporter_id"));
        CHECK_STR(tjs(d, "reporter_name"), "杨建字");
        json_decref(d);
        long st;
        json_t *items = tget_all(&srv, "/api/v1/intel-reports", police[i]->token, &st);
        json_t *it = tfind(items, "id", rep1);
        CHECKF(it && tjs(it, "reporter_name"), "%s lists it with the reporter: %s",
               police[i]->username, tdump(it));
        json_decref(items);
    }
    /* the assistant's own views: no reporter */
    json_t *d = detail(&yang, rep1);
    no_reporter(d, "yang (detail)", __LINE__);
    json_decref(d);
    long st;
    json_t *items = tget_all(&srv, "/api/v1/intel-reports", yang.token, &st);
    json_t *it = tfind(items, "id", rep1);
    CHECKF(it != NULL, "yang lists her report (%ld)", st);
    no_reporter(it, "yang (list)", __LINE__);
    json_decref(items);

    /* the village's officer assesses it valid */
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", rep1);
    if (post(&off_in, path, "{\"valid\":true,\"note\":\"已核实，转治安中队处置\"}", &r) == 200) {
        CHECK_STR(tjs(r.json, "status"), "valid");
        CHECK_STR(tjs(r.json, "note"), "已核实，转治安中队处置");
        CHECK(tjs(r.json, "assessed_at") != NULL);
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    /* the verdict reaches her: live event and inbox */
    CHECKF(tsse_wait(ev, "event: intel_assessed", 5000) && tsse_wait(ev, rep1, 2000),
           "yang's stream has intel_assessed for the report");
    json_t *evs = tsse_events(ev);
    bool found = false;
    size_t i;
    json_t *e1;
    json_array_foreach(evs, i,
                       e1) if (tjs(e1, "event") && !strcmp(tjs(e1, "event"), "intel_assessed"))
    {
        found = true;
        CHECK_STR(tjs(e1, "data.type"), "intel_report");
        CHECK_STR(tjs(e1, "data.id"), rep1);
        CHECK_STR(tjs(e1, "data.status"), "valid");
    }
    CHECKF(found, "a parsed intel_assessed event");
    json_decref(evs);
    tsse_close(ev);
    CHECK_INT(inbox_count(&yang, "intel_assessed", rep1), 1);
    CHECK_INT(inbox_count(&off_in, "intel_assessed", rep1), 0);
    CHECK_INT(inbox_count(&yang2, "intel_assessed", rep1), 0);
    d = detail(&yang, rep1);
    CHECK_STR(tjs(d, "status"), "valid");
    CHECK_STR(tjs(d, "note"), "已核实，转治安中队处置");
    no_reporter(d, "yang after the verdict", __LINE__);
    json_decref(d);

    /* the chief assesses the other invalid */
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", rep2);
    if (post(&chief, path, "{\"valid\":false}", &r) == 200)
        CHECK_STR(tjs(r.json, "status"), "invalid");
    else
        EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    CHECK_INT(inbox_count(&yang, "intel_assessed", rep2), 1);
    d = detail(&yang, rep2);
    CHECK_STR(tjs(d, "status"), "invalid");
    json_decref(d);

    /* filters */
    CHECKF(list_has(&chief, "/api/v1/intel-reports?status=valid", rep1, &st), "valid (%ld)", st);
    CHECKF(!list_has(&chief, "/api/v1/intel-reports?status=valid", rep2, &st) && st == 200,
           "invalid not in valid (%ld)", st);
    CHECKF(list_has(&yang, "/api/v1/intel-reports?status=invalid", rep2, &st), "invalid (%ld)", st);
    CHECKF(!list_has(&chief, "/api/v1/intel-reports?status=pending", rep1, &st), "not pending");
    CHECKF(list_has(&chief, "/api/v1/intel-reports?category=IC04", rep1, &st), "IC04 (%ld)", st);
    CHECKF(!list_has(&chief, "/api/v1/intel-reports?category=IC01", rep1, &st) && st == 200,
           "not IC01 (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/intel-reports?village_id=%s", village);
    CHECKF(list_has(&off_in, path, rep1, &st), "village filter (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/intel-reports?village_id=%s", village_other);
    CHECKF(!list_has(&chief, path, rep1, &st) && st == 200, "other village filter (%ld)", st);

    /* the detail reads are audited */
    char q[300];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'intel.read' AND object = "
             "'intel/%s'",
             rep1);
    long long reads = tdb_int(srv.db_url, q);
    CHECKF(reads >= 5, "intel.read rows %lld", reads);
    json_decref(detail(&chief, rep1));
    CHECK_INT(tdb_int(srv.db_url, q), reads + 1);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'intel.assess' AND object = "
             "'intel/%s' AND user_id = '%s'",
             rep1, off_in.user_id);
    CHECK_INT(tdb_int(srv.db_url, q), 1);
}

/* --- own reports only -------------------------------------------------------------- */

static void test_own_only(void)
{
    char mine2[64] = "", other[64] = "", tl[64] = "", path[200];
    long st;
    REQUIRE(rep1[0]);
    REQUIRE(report(&yang2, village, "同村另一协警上报", mine2, sizeof mine2));
    REQUIRE(report(&a_other, village_other, "光和村上报", other, sizeof other));
    REQUIRE(report(&a_tl, village_tl, "那楼上报", tl, sizeof tl));
    struct {
        const struct tsession *s;
        const char *own;
    } who[] = {{&yang, rep1}, {&yang2, mine2}, {&a_other, other}, {&a_tl, tl}};
    const char *all[] = {rep1, mine2, other, tl};
    for (size_t i = 0; i < 4; i++) {
        const struct tsession *s = who[i].s;
        json_t *items = tget_all(&srv, "/api/v1/intel-reports", s->token, &st);
        CHECKF(items && tfind(items, "id", who[i].own), "%s lists own report (%ld)", s->username,
               st);
        size_t k;
        json_t *it;
        json_array_foreach(items, k, it)
        {
            /* every listed report is one of hers (she reported rep1/rep2 and the idempotent ones)
             */
            for (size_t j = 0; j < 4; j++)
                if (j != i)
                    CHECKF(strcmp(tjs(it, "id"), all[j]), "%s lists another's report %s",
                           s->username, all[j]);
            no_reporter(it, s->username, __LINE__);
        }
        json_decref(items);
        for (size_t j = 0; j < 4; j++) {
            if (j == i)
                continue;
            snprintf(path, sizeof path, "/api/v1/intel-reports/%s", all[j]);
            GET_ERR(s, path, 404, "not_found");
            snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", all[j]);
            POST_ERR(s, path, "{\"valid\":true}", 404, "not_found", T_ANY_FIELD);
        }
    }
    /* a fair check: the database holds both 良信村 reports by different users */
    char q[300];
    snprintf(q, sizeof q,
             "SELECT count(DISTINCT created_by) FROM intel_reports WHERE "
             "village_id = '%s'",
             village);
    CHECK_INT(tdb_int(srv.db_url, q), 2);
    /* the village's officer sees both */
    CHECKF(list_has(&off_in, "/api/v1/intel-reports", mine2, &st), "officer lists yang2's");
    CHECKF(list_has(&off_in, "/api/v1/intel-reports", rep1, &st), "officer lists yang's");
    CHECKF(!list_has(&off_in, "/api/v1/intel-reports", tl, &st), "officer: not 那楼's");
}

/* --- roles ----------------------------------------------------------------------- */

static void test_roles(void)
{
    char id[64] = "", path[200], body[1024];
    long st;
    REQUIRE(report(&yang, village, "角色检查", id, sizeof id));
    /* out of area: 404 on detail, assess; not listed */
    const struct tsession *far[] = {&off_out, &chief_nl};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", id);
        POST_ERR(far[i], path, "{\"valid\":true}", 404, "not_found", T_ANY_FIELD);
        snprintf(path, sizeof path, "/api/v1/intel-reports/%s", id);
        GET_ERR(far[i], path, 404, "not_found");
        CHECKF(!list_has(far[i], "/api/v1/intel-reports", id, &st) && st == 200,
               "%s does not list it (%ld)", far[i]->username, st);
    }
    json_t *d = detail(&yang, id);
    CHECK_STR(tjs(d, "status"), "pending");
    json_decref(d);
    /* in scope but no right to assess: 403 */
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", id);
    POST_ERR(&bureau, path, "{\"valid\":true}", 403, "forbidden", NULL);
    POST_ERR(&yang, path, "{\"valid\":true}", 403, "forbidden", NULL);
    /* the township: 403 on everything */
    GET_ERR(&town, "/api/v1/intel-reports", 403, "forbidden");
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s", id);
    GET_ERR(&town, path, 403, "forbidden");
    report_body(body, sizeof body, "IC04", "乡镇", village, iso_in(-60), NULL);
    POST_ERR(&town, "/api/v1/intel-reports", body, 403, "forbidden", NULL);
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", id);
    POST_ERR(&town, path, "{\"valid\":true}", 403, "forbidden", NULL);
    /* the clerk: 403 */
    GET_ERR(&clerk, "/api/v1/intel-reports", 403, "forbidden");
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s", id);
    GET_ERR(&clerk, path, 403, "forbidden");
    /* police do not report (Rights: intelligence reports - officer R A X U) */
    long long n0 = count_reports();
    POST_ERR(&off_in, "/api/v1/intel-reports", body, 403, "forbidden", NULL);
    POST_ERR(&chief, "/api/v1/intel-reports", body, 403, "forbidden", NULL);
    POST_ERR(&bureau, "/api/v1/intel-reports", body, 403, "forbidden", NULL);
    /* an assistant cannot report in another village: 404 */
    report_body(body, sizeof body, "IC04", "别村", village_other, iso_in(-60), NULL);
    POST_ERR(&yang, "/api/v1/intel-reports", body, 404, "not_found", T_ANY_FIELD);
    CHECK_INT(count_reports(), n0);
    d = detail(&yang, id);
    CHECK_STR(tjs(d, "status"), "pending");
    json_decref(d);
    CHECK_INT(inbox_count(&yang, "intel_assessed", id), 0);
}

/* --- bad inputs ------------------------------------------------------------------------ */

static void test_bad_inputs(void)
{
    char body[8192], path[200], extra[256];
    long long n0 = count_reports();
    const char *occ = iso_in(-3600);
#define BAD(status, code, field) POST_ERR(&yang, "/api/v1/intel-reports", body, status, code, field)
    report_body(body, sizeof body, "IC98", "x", village, occ, NULL);
    BAD(422, "invalid_field", "category");
    report_body(body, sizeof body, "IC04", "", village, occ, NULL);
    BAD(422, "invalid_field", "content");
    snprintf(body, sizeof body,
             "{\"category\":\"IC04\",\"village_id\":\"%s\",\"occurred_at\":\"%s\"}", village, occ);
    BAD(422, "invalid_field", "content");
    snprintf(body, sizeof body, "{\"category\":\"IC04\",\"content\":\"x\",\"occurred_at\":\"%s\"}",
             occ);
    BAD(422, "invalid_field", "village_id");
    report_body(body, sizeof body, "IC04", "x", village, iso_in(2 * 86400), NULL);
    BAD(422, "invalid_field", "occurred_at");
    report_body(body, sizeof body, "IC04", "x", village, "2026-13-01T00:00:00+08:00", NULL);
    BAD(422, "invalid_field", "occurred_at");
    snprintf(body, sizeof body, "{\"category\":\"IC04\",\"content\":\"x\",\"village_id\":\"%s\"}",
             village);
    BAD(422, "invalid_field", "occurred_at");
    snprintf(extra, sizeof extra, ",\"reported_at\":\"%s\"", iso_in(86400));
    report_body(body, sizeof body, "IC04", "x", village, occ, extra);
    BAD(422, "invalid_field", "reported_at");
    report_body(body, sizeof body, "IC04", "x", village, occ, ",\"urgency\":\"high\"");
    BAD(422, "unknown_field", "urgency");
    report_body(body, sizeof body, "IC04", "x", village, occ, ",\"status\":\"valid\"");
    BAD(422, "unknown_field", "status");
    report_body(body, sizeof body, "IC04", "x", village, occ, ",\"client_ref\":\"\"");
    BAD(422, "invalid_field", "client_ref");
    report_body(body, sizeof body, "IC04", "x", "nosuchvillage", occ, NULL);
    BAD(404, "not_found", T_ANY_FIELD);
    snprintf(body, sizeof body,
             "{\"category\":7,\"content\":\"x\",\"village_id\":\"%s\","
             "\"occurred_at\":\"%s\"}",
             village, occ);
    BAD(422, "invalid_field", "category");
    snprintf(body, sizeof body, "[1,2]");
    BAD(422, "invalid_field", NULL);
    snprintf(body, sizeof body, "{\"category\":");
    BAD(400, "invalid_json", NULL);
#undef BAD
    CHECK_INT(count_reports(), n0);

    /* assess */
    char id[64] = "";
    REQUIRE(report(&yang, village, "评估校验", id, sizeof id));
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", id);
    POST_ERR(&off_in, path, "{}", 422, "invalid_field", "valid");
    POST_ERR(&off_in, path, "{\"valid\":\"yes\"}", 422, "invalid_field", "valid");
    POST_ERR(&off_in, path, "{\"valid\":1}", 422, "invalid_field", "valid");
    POST_ERR(&off_in, path, "{\"valid\":true,\"verdict\":\"ok\"}", 422, "unknown_field", "verdict");
    char longnote[700];
    memset(longnote, 'a', 600);
    longnote[600] = '\0';
    snprintf(body, sizeof body, "{\"valid\":true,\"note\":\"%s\"}", longnote);
    POST_ERR(&off_in, path, body, 422, "too_long", "note");
    json_t *d = detail(&yang, id);
    CHECK_STR(tjs(d, "status"), "pending");
    json_decref(d);
    CHECK_INT(inbox_count(&yang, "intel_assessed", id), 0);
    GET_ERR(&off_in, "/api/v1/intel-reports/nosuchreport", 404, "not_found");
    POST_ERR(&off_in, "/api/v1/intel-reports/nosuchreport/assess", "{\"valid\":true}", 404,
             "not_found", T_ANY_FIELD);
    struct tresp r;
    tget(&srv, "/api/v1/intel-reports", NULL, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
}

/* --- idempotent create ----------------------------------------------------------------- */

static void test_idempotent(void)
{
    char body[1024], first[64] = "";
    struct tresp r;
    long long n0 = count_reports();
    report_body(body, sizeof body, "IC04", "离线补报", village, iso_in(-3600),
                ",\"client_ref\":\"offline-intel-0001\"");
    post(&yang, "/api/v1/intel-reports", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(first, sizeof first, r.json, "id");
    tresp_free(&r);
    REQUIRE(first[0]);
    post(&yang, "/api/v1/intel-reports", body, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "id"), first);
        CHECK_STR(tjs(r.json, "status"), "pending");
        no_reporter(r.json, "yang (replay)", __LINE__);
    }
    tresp_free(&r);
    CHECK_INT(count_reports(), n0 + 1);
    /* the same client_ref from another assistant: a new report */
    post(&yang2, "/api/v1/intel-reports", body, &r);
    if (EXPECT_STATUS(&r, 201))
        CHECKF(tjs(r.json, "id") && strcmp(tjs(r.json, "id"), first), "a new id");
    tresp_free(&r);
    CHECK_INT(count_reports(), n0 + 2);
}

/* --- setup ------------------------------------------------------------------------------ */

static void me_area(const struct tsession *s, char *out, size_t n)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", s->token, &r);
    const char *v = tjs(r.json, "user.area_ids.0");
    snprintf(out, n, "%s", v ? v : "");
    tresp_free(&r);
}

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

/* A second assistant of 良信村 (the demo has one per village). */
static bool add_second_assistant(void)
{
    struct tcli c;
    tcli(&c, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "yang_second",
         "--name", "梁第二", "--role", "assistant", "--area", "450109100211", "--password-stdin",
         NULL);
    bool ok = CHECKF(c.status == 0, "user add: exit %d: %s", c.status, c.err);
    tcli_free(&c);
    tcli(&c, NULL, "assistant", "set", "--db", srv.db_url, "--username", "yang_second", "--phone",
         "13907710999", NULL);
    ok = CHECKF(c.status == 0, "assistant set: exit %d: %s", c.status, c.err) && ok;
    tcli_free(&c);
    return ok;
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        return check_done();
    }
    check_note("backend %s", tserver_backend());
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (add_second_assistant() && tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "yangjianzi", NULL, &yang);
        ok = tlogin(&srv, "yang_second", NULL, &yang2) && ok;
        ok = tlogin(&srv, "a450109100210", NULL, &a_other) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "chief_pumiao", NULL, &chief) && ok;
        ok = tlogin(&srv, "chief_nalou", NULL, &chief_nl) && ok;
        ok = tlogin(&srv, "bureau", NULL, &bureau) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        if (ok) {
            me_area(&yang, village, sizeof village);
            me_area(&a_other, village_other, sizeof village_other);
            me_area(&a_tl, village_tl, sizeof village_tl);
            char v2[64];
            me_area(&yang2, v2, sizeof v2);
            ok = CHECK(village[0] && village_other[0] && village_tl[0]);
            ok = CHECKF(!strcmp(v2, village), "yang_second is of 良信村") && ok;
            ok = CHECKF(find_officers(), "an officer of 良信村 and one not") && ok;
        }
        if (ok) {
            check_run("lifecycle", test_lifecycle);
            check_run("own_only", test_own_only);
            check_run("roles", test_roles);
            check_run("bad_inputs", test_bad_inputs);
            check_run("idempotent", test_idempotent);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
