/*
 * Cases, bulletins and leads (issue 6) over HTTP on the demo district:
 *  - the e-bike story end to end: the 蒲庙 chief records a case in 良信村 and
 *    posts a bulletin to 蒲庙镇 (with a document attached); yangjianzi (良信村)
 *    lists and opens it and sends a lead (with a photo); a450109101201 (那楼)
 *    sees it in no list and gets 404 on it, on its leads and attachments; the
 *    chief assesses the lead useful and closes the case solved crediting
 *    yangjianzi; GET /cases/{id} shows the credit, and closing again is 409;
 *  - scope and role rules: an officer outside 良信村 gets 404 on the case and
 *    on assessing; assistants may not create cases or bulletins or assess
 *    (403); the township and the clerk get 403 on cases and bulletins; the
 *    bureau may not create cases or assess (403);
 *  - bad inputs with exact status, code and field, and nothing stored;
 *  - idempotent creates with client_ref (case, bulletin, lead);
 *  - a lead on an expired bulletin: 409 invalid_transition;
 *  - `cunjing import cases`: a good file (counts) and a file whose line 3 is
 *    bad (exit 1, stderr names line 3, nothing stored).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession chief, yang, a_tl, bureau, town, clerk, off_in, off_out;
static char village[64], village_tl[64], town_pm[64], town_nl[64];

static const char pdf_doc[] = "%PDF-1.4\n"
                              "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                              "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                              "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> "
                              "endobj\n"
                              "trailer << /Root 1 0 R >>\n%%EOF\n";

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

static void expect_get_404(const struct tsession *s, const char *path, int line)
{
    struct tresp r;
    get(s, path, &r);
    texpect_error(__FILE__, line, &r, 404, "not_found", NULL);
    tresp_free(&r);
}
#define GET_404(s, path) expect_get_404(s, path, __LINE__)

static long long count(const char *table)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return tdb_int(srv.db_url, q);
}

/* Whether the list at path (all pages) holds an item with this id. */
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

static void case_body(char *out, size_t n, const char *kind, const char *title, const char *vid,
                      const char *occurred, const char *ref)
{
    char refpart[96] = "";
    if (ref)
        snprintf(refpart, sizeof refpart, ",\"client_ref\":\"%s\"", ref);
    snprintf(out, n,
             "{\"kind\":\"%s\",\"title\":\"%s\",\"description\":\"夜间停放在院内的电动车被盗\","
             "\"village_id\":\"%s\",\"occurred_at\":\"%s\"%s}",
             kind, title, vid, occurred, refpart);
}

static void bulletin_body(char *out, size_t n, const char *case_id, const char *area,
                          const char *expires, const char *ref)
{
    char casepart[96] = "", refpart[96] = "";
    if (case_id)
        snprintf(casepart, sizeof casepart, "\"case_id\":\"%s\",", case_id);
    if (ref)
        snprintf(refpart, sizeof refpart, ",\"client_ref\":\"%s\"", ref);
    snprintf(out, n,
             "{%s\"title\":\"协查：被盗电动车\",\"body\":\"绿色雅迪电动车，车牌 南宁A12345\","
             "\"area_ids\":[\"%s\"],\"expires_at\":\"%s\"%s}",
             casepart, area, expires, refpart);
}

/* --- the e-bike story ------------------------------------------------------- */

static char case_id[64], bulletin_id[64], lead_id[64], b_att[64], l_att[64];

static void test_ebike_story(void)
{
    struct tresp r;
    char body[2048], path[256];
    long long cases0 = count("cases");

    /* 1. the chief records the case in 良信村 */
    case_body(body, sizeof body, "criminal", "良信村电动车被盗案", village, iso_in(-7200), NULL);
    REQUIRE(post(&chief, "/api/v1/cases", body, &r) == 201 || EXPECT_STATUS(&r, 201));
    copy_id(case_id, sizeof case_id, r.json, "id");
    CHECK_STR(tjs(r.json, "status"), "open");
    CHECK_STR(tjs(r.json, "kind"), "criminal");
    CHECK_STR(tjs(r.json, "village_id"), village);
    tresp_free(&r);
    REQUIRE(case_id[0]);
    CHECK_INT(count("cases"), cases0 + 1);

    /* 2. a bulletin to the whole of 蒲庙镇, with a document */
    bulletin_body(body, sizeof body, case_id, town_pm, iso_in(7 * 86400), NULL);
    REQUIRE(post(&chief, "/api/v1/bulletins", body, &r) == 201 || EXPECT_STATUS(&r, 201));
    copy_id(bulletin_id, sizeof bulletin_id, r.json, "id");
    CHECK_STR(tjs(r.json, "case_id"), case_id);
    CHECKF(tarray_has(tj(r.json, "area_ids"), town_pm), "area_ids %s",
           tdump(tj(r.json, "area_ids")));
    tresp_free(&r);
    REQUIRE(bulletin_id[0]);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s/attachments", bulletin_id);
    struct tpart parts[] = {{.name = "kind", .value = "document"},
                            {.name = "file",
                             .data = pdf_doc,
                             .len = sizeof pdf_doc - 1,
                             .filename = "tongbao.pdf",
                             .type = "application/pdf"}};
    tupload(&srv, path, chief.token, parts, 2, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(b_att, sizeof b_att, r.json, "id");
    tresp_free(&r);
    /* an assistant may not attach to a bulletin */
    tupload(&srv, path, yang.token, parts, 2, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);

    /* 3. yangjianzi lists and opens it */
    long st;
    CHECKF(list_has(&yang, "/api/v1/bulletins", bulletin_id, &st), "yang's list holds it (%ld)",
           st);
    CHECKF(list_has(&yang, "/api/v1/bulletins?active=true", bulletin_id, &st),
           "yang's active list holds it (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", bulletin_id);
    if (get(&yang, path, &r) == 200) {
        CHECK_STR(tjs(r.json, "title"), "协查：被盗电动车");
        CHECKF(tarray_has(tj(r.json, "allowed"), "lead"), "allowed %s",
               tdump(tj(r.json, "allowed")));
        CHECKF(json_array_size(tj(r.json, "attachments")) == 1, "attachments %s",
               tdump(tj(r.json, "attachments")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    if (b_att[0]) {
        snprintf(path, sizeof path, "/api/v1/bulletins/%s/attachments/%s", bulletin_id, b_att);
        get(&yang, path, &r);
        if (EXPECT_STATUS(&r, 200))
            CHECKF(r.body_len == sizeof pdf_doc - 1 && !memcmp(r.body, pdf_doc, r.body_len),
                   "the document comes back as sent (%zu bytes)", r.body_len);
        tresp_free(&r);
    }

    /* 4. ... and sends a lead, with a photo-less document */
    snprintf(path, sizeof path, "/api/v1/bulletins/%s/leads", bulletin_id);
    REQUIRE(post(&yang, path, "{\"content\":\"村东头废品站昨晚收了一辆绿色电动车\"}", &r) == 201 ||
            EXPECT_STATUS(&r, 201));
    copy_id(lead_id, sizeof lead_id, r.json, "id");
    CHECK_STR(tjs(r.json, "bulletin_id"), bulletin_id);
    CHECK_STR(tjs(r.json, "author_id"), yang.user_id);
    CHECK_STR(tjs(r.json, "status"), "new");
    tresp_free(&r);
    REQUIRE(lead_id[0]);
    snprintf(path, sizeof path, "/api/v1/leads/%s/attachments", lead_id);
    tupload(&srv, path, yang.token, parts, 2, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(l_att, sizeof l_att, r.json, "id");
    tresp_free(&r);

    /* 5. a450109101201 (那楼) sees it nowhere */
    CHECKF(!list_has(&a_tl, "/api/v1/bulletins", bulletin_id, &st) && st == 200,
           "那楼 assistant's list: not there (%ld)", st);
    CHECKF(!list_has(&a_tl, "/api/v1/bulletins?active=true", bulletin_id, &st) && st == 200,
           "那楼 assistant's active list: not there (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", bulletin_id);
    GET_404(&a_tl, path);
    snprintf(path, sizeof path, "/api/v1/leads?bulletin_id=%s", bulletin_id);
    get(&a_tl, path, &r);
    CHECKF(r.status == 404 || (r.status == 200 && json_array_size(tj(r.json, "items")) == 0),
           "那楼 assistant: leads of the bulletin: 404 or none: %ld %s", r.status, r.body);
    tresp_free(&r);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s/leads", bulletin_id);
    post(&a_tl, path, "{\"content\":\"我也看到了\"}", &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    if (b_att[0]) {
        snprintf(path, sizeof path, "/api/v1/bulletins/%s/attachments/%s", bulletin_id, b_att);
        GET_404(&a_tl, path);
    }
    if (l_att[0]) {
        snprintf(path, sizeof path, "/api/v1/leads/%s/attachments/%s", lead_id, l_att);
        GET_404(&a_tl, path);
    }
    snprintf(path, sizeof path, "/api/v1/leads/%s/attachments", lead_id);
    tupload(&srv, path, a_tl.token, parts, 2, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    snprintf(path, sizeof path, "/api/v1/leads/%s/assess", lead_id);
    post(&a_tl, path, "{\"useful\":true}", &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);

    /* the chief sees the lead (list and bulletin detail) */
    snprintf(path, sizeof path, "/api/v1/leads?bulletin_id=%s", bulletin_id);
    CHECKF(list_has(&chief, path, lead_id, &st), "chief's leads list holds it (%ld)", st);
    CHECKF(list_has(&yang, path, lead_id, &st), "yang's leads list holds his own lead (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", bulletin_id);
    if (get(&chief, path, &r) == 200)
        CHECKF(tfind(tj(r.json, "leads"), "id", lead_id), "chief's detail lists the lead: %s",
               tdump(tj(r.json, "leads")));
    tresp_free(&r);
    if (l_att[0]) {
        snprintf(path, sizeof path, "/api/v1/leads/%s/attachments/%s", lead_id, l_att);
        get(&chief, path, &r);
        EXPECT_STATUS(&r, 200);
        tresp_free(&r);
    }

    /* 6. assessing: others first */
    snprintf(path, sizeof path, "/api/v1/leads/%s/assess", lead_id);
    post(&off_out, path, "{\"useful\":true}", &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    post(&yang, path, "{\"useful\":true}", &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    post(&bureau, path, "{\"useful\":true}", &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    post(&chief, path, "{\"useful\":\"yes\"}", &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "useful");
    tresp_free(&r);
    post(&chief, path, "{\"useful\":true,\"score\":5}", &r);
    EXPECT_ERROR(&r, 422, "unknown_field", "score");
    tresp_free(&r);
    if (post(&chief, path, "{\"useful\":true,\"note\":\"已核实，车辆找回\"}", &r) == 200) {
        CHECK_STR(tjs(r.json, "status"), "useful");
        CHECK_STR(tjs(r.json, "note"), "已核实，车辆找回");
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);

    /* the case lists the bulletin and the useful lead's author */
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    if (get(&chief, path, &r) == 200) {
        CHECKF(tarray_has(tj(r.json, "useful_lead_authors"), yang.user_id),
               "useful_lead_authors %s", tdump(tj(r.json, "useful_lead_authors")));
        json_t *bl = tj(r.json, "bulletins");
        bool has = false;
        size_t i;
        json_t *v;
        json_array_foreach(bl, i, v) has =
            has || (json_is_string(v) && !strcmp(json_string_value(v), bulletin_id)) ||
            (json_is_object(v) && tjs(v, "id") && !strcmp(tjs(v, "id"), bulletin_id));
        CHECKF(has, "the case lists its bulletin: %s", tdump(bl));
        CHECKF(tarray_has(tj(r.json, "allowed"), "close"), "allowed %s",
               tdump(tj(r.json, "allowed")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);

    /* 7. closing: bad credits first */
    snprintf(path, sizeof path, "/api/v1/cases/%s/close", case_id);
    snprintf(body, sizeof body, "{\"solved\":true,\"credited\":[\"%s\",\"%s\"]}", yang.user_id,
             a_tl.user_id);
    post(&chief, path, body, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "credited.1");
    tresp_free(&r);
    snprintf(body, sizeof body, "{\"solved\":true,\"credited\":[\"%s\"]}", off_in.user_id);
    post(&chief, path, body, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "credited.0");
    tresp_free(&r);
    snprintf(body, sizeof body, "{\"solved\":false,\"credited\":[\"%s\"]}", yang.user_id);
    post(&chief, path, body, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "credited");
    tresp_free(&r);
    snprintf(body, sizeof body, "{\"solved\":true,\"credited\":[\"%s\"]}", yang.user_id);
    post(&off_out, path, body, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    post(&bureau, path, body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    CHECK_INT(count("case_credits"), 0);
    if (post(&chief, path, body, &r) == 200) {
        CHECK_STR(tjs(r.json, "status"), "closed");
        CHECK(json_is_true(tj(r.json, "solved")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    post(&chief, path, body, &r);
    EXPECT_ERROR(&r, 409, "invalid_transition", NULL);
    CHECKF(json_is_array(tj(r.json, "error.allowed")) &&
               json_array_size(tj(r.json, "error.allowed")) == 0,
           "allowed after closing: %s", tdump(tj(r.json, "error.allowed")));
    tresp_free(&r);

    /* 8. the credit shows */
    snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
    if (get(&chief, path, &r) == 200) {
        CHECK_STR(tjs(r.json, "status"), "closed");
        CHECKF(json_array_size(tj(r.json, "credited")) == 1, "credited %s",
               tdump(tj(r.json, "credited")));
        CHECK_STR(tjs(r.json, "credited.0.user_id"), yang.user_id);
        CHECK_STR(tjs(r.json, "credited.0.name"), "杨建字");
        CHECKF(json_array_size(tj(r.json, "allowed")) == 0, "allowed %s",
               tdump(tj(r.json, "allowed")));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
    get(&off_in, path, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    GET_404(&off_out, path);
    CHECKF(list_has(&bureau, "/api/v1/cases?status=closed", case_id, &st),
           "bureau: closed list holds it (%ld)", st);
    CHECKF(!list_has(&bureau, "/api/v1/cases?status=open", case_id, &st) && st == 200,
           "bureau: open list does not (%ld)", st);
    CHECKF(!list_has(&off_out, "/api/v1/cases", case_id, &st) && st == 200,
           "officer out of area: list does not hold it (%ld)", st);
    CHECK_INT(count("case_credits"), 1);
}

/* --- scope and roles -------------------------------------------------------- */

static void test_roles(void)
{
    struct tresp r;
    char body[2048];
    long long c0 = count("cases"), b0 = count("bulletins");
    case_body(body, sizeof body, "criminal", "助理不能立案", village, iso_in(-60), NULL);
    post(&yang, "/api/v1/cases", body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    post(&town, "/api/v1/cases", body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    post(&bureau, "/api/v1/cases", body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    post(&clerk, "/api/v1/cases", body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    /* an officer outside 良信村 creating a case there: 404 village_id */
    post(&off_out, "/api/v1/cases", body, &r);
    EXPECT_ERROR(&r, 404, "not_found", "village_id");
    tresp_free(&r);

    bulletin_body(body, sizeof body, NULL, village, iso_in(86400), NULL);
    post(&yang, "/api/v1/bulletins", body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    post(&town, "/api/v1/bulletins", body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);

    const char *reads[] = {"/api/v1/cases", "/api/v1/bulletins", "/api/v1/leads"};
    for (size_t i = 0; i < 3; i++) {
        get(&town, reads[i], &r);
        EXPECT_ERROR(&r, 403, "forbidden", NULL);
        tresp_free(&r);
        get(&clerk, reads[i], &r);
        EXPECT_ERROR(&r, 403, "forbidden", NULL);
        tresp_free(&r);
    }
    get(&yang, "/api/v1/cases", &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    if (case_id[0]) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/cases/%s", case_id);
        get(&yang, path, &r);
        CHECKF(r.status == 403 || r.status == 404, "assistant GET case: %ld", r.status);
        tresp_free(&r);
        get(&town, path, &r);
        CHECKF(r.status == 403 || r.status == 404, "township GET case: %ld", r.status);
        tresp_free(&r);
    }
    struct treq q = {.method = "GET", .path = "/api/v1/cases"};
    thttp(&srv, &q, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
    CHECK_INT(count("cases"), c0);
    CHECK_INT(count("bulletins"), b0);
}

/* --- bad inputs ------------------------------------------------------------- */

static void bad(const struct tsession *s, const char *path, const char *body, long status,
                const char *code, const char *field, int line)
{
    struct tresp r;
    post(s, path, body, &r);
    texpect_error(__FILE__, line, &r, status, code, field);
    tresp_free(&r);
}
#define BAD(s, path, body, status, code, field) bad(s, path, body, status, code, field, __LINE__)

static void test_bad_inputs(void)
{
    char body[2048];
    long long c0 = count("cases"), b0 = count("bulletins"), l0 = count("leads");
    const char *C = "/api/v1/cases", *B = "/api/v1/bulletins";

    case_body(body, sizeof body, "criminal", "未来的案件", village, iso_in(2 * 86400), NULL);
    BAD(&chief, C, body, 422, "invalid_field", "occurred_at");
    case_body(body, sizeof body, "theft", "不明类别", village, iso_in(-60), NULL);
    BAD(&chief, C, body, 422, "invalid_field", "kind");
    case_body(body, sizeof body, "criminal", "无时区", village, "2026-01-05T10:00:00", NULL);
    BAD(&chief, C, body, 422, "invalid_field", "occurred_at");
    case_body(body, sizeof body, "criminal", "那楼的案件", village_tl, iso_in(-60), NULL);
    BAD(&chief, C, body, 404, "not_found", "village_id");
    case_body(body, sizeof body, "criminal", "不存在的村", "nosuchvillage0000000000000",
              iso_in(-60), NULL);
    BAD(&chief, C, body, 404, "not_found", "village_id");
    snprintf(body, sizeof body,
             "{\"kind\":\"criminal\",\"title\":\"x\",\"village_id\":\"%s\",\"occurred_at\":\"%s\","
             "\"suspect\":\"张三\"}",
             village, iso_in(-60));
    BAD(&chief, C, body, 422, "unknown_field", "suspect");
    snprintf(body, sizeof body,
             "{\"kind\":\"criminal\",\"title\":42,\"village_id\":\"%s\",\"occurred_at\":\"%s\"}",
             village, iso_in(-60));
    BAD(&chief, C, body, 422, "invalid_field", "title");
    snprintf(
        body, sizeof body,
        "{\"kind\":\"criminal\",\"title\":\"x\",\"village_id\":[\"%s\"],\"occurred_at\":\"%s\"}",
        village, iso_in(-60));
    BAD(&chief, C, body, 422, "invalid_field", "village_id");
    snprintf(
        body, sizeof body,
        "{\"kind\":\"criminal\",\"title\":\"x\",\"village_id\":\"%s\",\"occurred_at\":1700000000}",
        village);
    BAD(&chief, C, body, 422, "invalid_field", "occurred_at");
    snprintf(body, sizeof body,
             "{\"kind\":\"criminal\",\"village_id\":\"%s\",\"occurred_at\":\"%s\"}", village,
             iso_in(-60));
    BAD(&chief, C, body, 422, "invalid_field", "title");
    BAD(&chief, C, "[1,2]", 422, "invalid_field", NULL);
    BAD(&chief, C, "{\"kind\":", 400, "invalid_json", NULL);
    snprintf(body, sizeof body,
             "{\"kind\":\"criminal\",\"title\":\"x\",\"village_id\":\"%s\",\"occurred_at\":\"%s\","
             "\"client_ref\":\"\"}",
             village, iso_in(-60));
    BAD(&chief, C, body, 422, "invalid_field", "client_ref");

    /* bulletins */
    bulletin_body(body, sizeof body, NULL, town_nl, iso_in(86400), NULL);
    BAD(&chief, B, body, 404, "not_found", "area_ids.0");
    snprintf(body, sizeof body,
             "{\"title\":\"t\",\"body\":\"b\",\"area_ids\":[\"%s\",\"%s\"],\"expires_at\":\"%s\"}",
             village, village_tl, iso_in(86400));
    BAD(&chief, B, body, 404, "not_found", "area_ids.1");
    BAD(&off_in, B, body, 404, "not_found", "area_ids.1");
    bulletin_body(body, sizeof body, NULL, town_pm, iso_in(-3600), NULL);
    BAD(&chief, B, body, 422, "invalid_field", "expires_at");
    snprintf(body, sizeof body,
             "{\"title\":\"t\",\"body\":\"b\",\"area_ids\":[],\"expires_at\":\"%s\"}",
             iso_in(86400));
    BAD(&chief, B, body, 422, "invalid_field", "area_ids");
    snprintf(body, sizeof body,
             "{\"title\":\"t\",\"body\":\"b\",\"area_ids\":\"%s\",\"expires_at\":\"%s\"}", town_pm,
             iso_in(86400));
    BAD(&chief, B, body, 422, "invalid_field", "area_ids");
    snprintf(body, sizeof body,
             "{\"title\":\"t\",\"body\":\"b\",\"area_ids\":[7],\"expires_at\":\"%s\"}",
             iso_in(86400));
    BAD(&chief, B, body, 422, "invalid_field", "area_ids.0");
    snprintf(body, sizeof body,
             "{\"title\":\"t\",\"body\":\"b\",\"area_ids\":[\"%s\"],\"expires_at\":\"%s\","
             "\"priority\":1}",
             town_pm, iso_in(86400));
    BAD(&chief, B, body, 422, "unknown_field", "priority");
    snprintf(body, sizeof body,
             "{\"title\":true,\"body\":\"b\",\"area_ids\":[\"%s\"],\"expires_at\":\"%s\"}", town_pm,
             iso_in(86400));
    BAD(&chief, B, body, 422, "invalid_field", "title");
    bulletin_body(body, sizeof body, "nosuchcase0000000000000000", town_pm, iso_in(86400), NULL);
    BAD(&chief, B, body, 404, "not_found", "case_id");

    /* leads */
    if (bulletin_id[0]) {
        char path[160];
        snprintf(path, sizeof path, "/api/v1/bulletins/%s/leads", bulletin_id);
        BAD(&yang, path, "{\"content\":\"\"}", 422, "invalid_field", "content");
        BAD(&yang, path, "{\"content\":5}", 422, "invalid_field", "content");
        BAD(&yang, path, "{\"content\":\"x\",\"where\":\"y\"}", 422, "unknown_field", "where");
        BAD(&yang, path, "{}", 422, "invalid_field", "content");
        BAD(&chief, path, "{\"content\":\"警察不能发线索\"}", 403, "forbidden", NULL);
    }
    BAD(&yang, "/api/v1/bulletins/nosuchbulletin00000000000/leads", "{\"content\":\"x\"}", 404,
        "not_found", NULL);
    CHECK_INT(count("cases"), c0);
    CHECK_INT(count("bulletins"), b0);
    CHECK_INT(count("leads"), l0);
}

/* --- idempotent creates ----------------------------------------------------- */

static void test_idempotent(void)
{
    struct tresp r;
    char body[2048], id1[64] = "", id2[64] = "";
    long long c0 = count("cases");
    case_body(body, sizeof body, "public_security", "赌博案", village, iso_in(-600), "case-ref-1");
    post(&chief, "/api/v1/cases", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(id1, sizeof id1, r.json, "id");
    tresp_free(&r);
    post(&chief, "/api/v1/cases", body, &r);
    if (EXPECT_STATUS(&r, 200))
        copy_id(id2, sizeof id2, r.json, "id");
    tresp_free(&r);
    CHECK(id1[0] && !strcmp(id1, id2));
    CHECK_INT(count("cases"), c0 + 1);
    /* the same client_ref from another user makes its own record */
    post(&off_in, "/api/v1/cases", body, &r);
    EXPECT_STATUS(&r, 201);
    CHECKF(tjs(r.json, "id") && strcmp(tjs(r.json, "id"), id1), "another user's record");
    tresp_free(&r);
    CHECK_INT(count("cases"), c0 + 2);

    long long b0 = count("bulletins");
    char bid[64] = "";
    bulletin_body(body, sizeof body, NULL, town_pm, iso_in(86400), "bull-ref-1");
    post(&chief, "/api/v1/bulletins", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(bid, sizeof bid, r.json, "id");
    tresp_free(&r);
    post(&chief, "/api/v1/bulletins", body, &r);
    EXPECT_STATUS(&r, 200);
    CHECK_STR(tjs(r.json, "id"), bid);
    tresp_free(&r);
    CHECK_INT(count("bulletins"), b0 + 1);

    if (bid[0]) {
        long long l0 = count("leads");
        char path[160], lid[64] = "";
        snprintf(path, sizeof path, "/api/v1/bulletins/%s/leads", bid);
        const char *lb = "{\"content\":\"线索（离线重发）\",\"client_ref\":\"lead-ref-1\"}";
        post(&yang, path, lb, &r);
        if (EXPECT_STATUS(&r, 201))
            copy_id(lid, sizeof lid, r.json, "id");
        tresp_free(&r);
        post(&yang, path, lb, &r);
        EXPECT_STATUS(&r, 200);
        CHECK_STR(tjs(r.json, "id"), lid);
        tresp_free(&r);
        CHECK_INT(count("leads"), l0 + 1);
    }
}

/* --- expiry ----------------------------------------------------------------- */

static void test_expired_bulletin(void)
{
    struct tresp r;
    char body[2048], bid[64] = "", path[160];
    bulletin_body(body, sizeof body, NULL, village, iso_in(2), NULL);
    post(&off_in, "/api/v1/bulletins", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(bid, sizeof bid, r.json, "id");
    tresp_free(&r);
    REQUIRE(bid[0]);
    long st;
    tsleep_ms(3200);
    CHECKF(list_has(&yang, "/api/v1/bulletins", bid, &st), "expired: still in the full list");
    CHECKF(!list_has(&yang, "/api/v1/bulletins?active=true", bid, &st) && st == 200,
           "expired: not in the active list (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/bulletins/%s", bid);
    if (get(&yang, path, &r) == 200) {
        CHECK(json_is_false(tj(r.json, "active")));
        CHECKF(!tarray_has(tj(r.json, "allowed"), "lead"), "allowed after expiry %s",
               tdump(tj(r.json, "allowed")));
    }
    tresp_free(&r);
    long long l0 = count("leads");
    snprintf(path, sizeof path, "/api/v1/bulletins/%s/leads", bid);
    post(&yang, path, "{\"content\":\"迟到的线索\"}", &r);
    EXPECT_ERROR(&r, 409, "invalid_transition", NULL);
    tresp_free(&r);
    CHECK_INT(count("leads"), l0);
}

/* --- cunjing import cases --------------------------------------------------- */

static void test_import(void)
{
    char good[T_PATH], badf[T_PATH];
    snprintf(good, sizeof good, "%s/cases-good.csv", srv.dir);
    snprintf(badf, sizeof badf, "%s/cases-bad.csv", srv.dir);
    const char *good_csv = "kind,title,description,village_code,occurred_at\n"
                           "criminal,导入案件一,盗窃电动车,450109100211,2025-11-02\n"
                           "public_security,导入案件二,聚众赌博,450109100211,"
                           "2025-11-03T21:30:00+08:00\n"
                           "criminal,导入案件三,入室盗窃,450109101201,2025-12-01\n";
    const char *bad_csv = "kind,title,description,village_code,occurred_at\n"
                          "criminal,好的一行,盗窃,450109100211,2025-11-02\n"
                          "theft,坏的一行,未知类别,450109100211,2025-11-02\n"
                          "criminal,又一行,盗窃,450109100211,2025-11-04\n";
    REQUIRE(twrite_file(good, good_csv, strlen(good_csv)) &&
            twrite_file(badf, bad_csv, strlen(bad_csv)));
    long long c0 = count("cases");
    struct tcli r;
    tcli(&r, NULL, "import", "cases", "--db", srv.db_url, good, NULL);
    CHECKF(r.status == 0, "import good: exit %d\n%s", r.status, r.err);
    CHECKF(tmentions_number(r.err, 3) || tmentions_number(r.out, 3),
           "import good names the count 3: out=%s err=%s", r.out, r.err);
    tcli_free(&r);
    CHECK_INT(count("cases"), c0 + 3);
    long st;
    json_t *items = tget_all(&srv, "/api/v1/cases", chief.token, &st);
    int found = 0;
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        const char *t = tjs(v, "title");
        if (t && (!strcmp(t, "导入案件一") || !strcmp(t, "导入案件二")))
            found++;
        CHECKF(!t || strcmp(t, "导入案件三"), "the 那楼 case is not in the 蒲庙 chief's list");
    }
    json_decref(items);
    CHECK_INT(found, 2);

    tcli(&r, NULL, "import", "cases", "--db", srv.db_url, badf, NULL);
    CHECKF(r.status == 1, "import bad: exit %d (want 1)\n%s", r.status, r.err);
    CHECKF(strstr(r.err, "line 3") != NULL, "stderr names line 3: %s", r.err);
    CHECKF(tcount_lines(r.err) == 1, "one line on stderr: %s", r.err);
    tcli_free(&r);
    CHECK_INT(count("cases"), c0 + 3);

    /* a missing file and a bad header: exit 1 */
    char missing[T_PATH];
    snprintf(missing, sizeof missing, "%s/nope.csv", srv.dir);
    tcli(&r, NULL, "import", "cases", "--db", srv.db_url, missing, NULL);
    CHECKF(r.status == 1, "import of a missing file: exit %d\n%s", r.status, r.err);
    tcli_free(&r);
    const char *hdr_csv = "kind,title,village_code,occurred_at\n"
                          "criminal,x,450109100211,2025-11-02\n";
    REQUIRE(twrite_file(badf, hdr_csv, strlen(hdr_csv)));
    tcli(&r, NULL, "import", "cases", "--db", srv.db_url, badf, NULL);
    CHECKF(r.status == 1 && strstr(r.err, "line 1"), "bad header: exit %d\n%s", r.status, r.err);
    tcli_free(&r);
    tcli(&r, NULL, "import", "cases", "--db", srv.db_url, NULL);
    CHECKF(r.status == 2, "import without a file: exit %d (want 2)", r.status);
    tcli_free(&r);
    CHECK_INT(count("cases"), c0 + 3);
}

/* --- setup ------------------------------------------------------------------ */

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
    get(&bureau, "/api/v1/areas", &r);
    const char *county = tjs(r.json, "items.0.id");
    char path[160];
    snprintf(path, sizeof path, "/api/v1/areas?parent_id=%s", county ? county : "x");
    tresp_free(&r);
    long st;
    json_t *towns = tget_all(&srv, path, bureau.token, &st);
    json_t *pm = tfind(towns, "code", "450109100000"), *nl = tfind(towns, "code", "450109101000");
    copy_id(town_pm, sizeof town_pm, pm, "id");
    copy_id(town_nl, sizeof town_nl, nl, "id");
    json_decref(towns);
    return town_pm[0] && town_nl[0];
}

/* The 蒲庙 officer whose villages hold 良信村 (officer_pumiao4 in the demo), and one
   whose do not. */
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
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "chief_pumiao", NULL, &chief);
        ok = tlogin(&srv, "yangjianzi", NULL, &yang) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "bureau", NULL, &bureau) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        if (ok) {
            me_area(&yang, village, sizeof village);
            me_area(&a_tl, village_tl, sizeof village_tl);
            ok = CHECK(village[0] && village_tl[0]);
            ok = CHECKF(find_areas(), "towns 蒲庙镇 and 那楼镇 among the county's children") && ok;
            ok = CHECKF(find_officers(), "an officer of 良信村 and one not") && ok;
        }
        if (ok) {
            check_run("ebike_story", test_ebike_story);
            check_run("roles", test_roles);
            check_run("bad_inputs", test_bad_inputs);
            check_run("idempotent", test_idempotent);
            check_run("expired_bulletin", test_expired_bulletin);
            check_run("import", test_import);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
