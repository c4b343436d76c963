/*
 * Black-box tests of the exports and the monthly report on the demo
 * district: every dataset as CSV and XLSX for a role with X and 403 for one
 * without; scope (a 那楼镇 dispute never appears in a 蒲庙镇 export); the
 * XLSX read back (unzip -p of xl/worksheets/sheet1.xml, inline strings, no
 * <f> formula element); CSV-injection payloads in titles neutralised with a
 * leading '; the audit rows; the per-user rate limit (429 + Retry-After);
 * the monthly report as HTML and XLSX holding the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"

static struct tserver srv;
static struct tsession bureau, chief, officer, town, clerk, yang, a_tl, chief_nl;
static char v_lx[64], v_tl[64], town_pm_id[64];

static const char *const payloads[] = {
    "=HYPERLINK(\"http://evil.example/x\",\"点我\")",
    "+1",
    "-1",
    "@SUM(1+1)",
    "\tTAB开头",
    "＝全角等号",
};
#define N_PAYLOADS (sizeof payloads / sizeof payloads[0])

static char *area_id(const char *code)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT id FROM areas WHERE code = '%s'", code);
    return tdb_text(srv.db_url, q);
}

static void iso_now(char *out, size_t n)
{
    /* an hour ago, in UTC with offset */
    time_t t = time(NULL) - 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
}

/* CHECK_INT evaluates its argument twice: post once, then check. */
#define POSTED(call, want) posted_check((call), (want), __FILE__, __LINE__)
static bool posted_check(long got, long want, const char *file, int line)
{
    return check_report(got == want, file, line, "POST: got %ld, want %ld", got, want);
}

static long post(struct tsession *s, const char *path, json_t *body, char *id_out, size_t n)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    struct tresp r;
    tpost(&srv, path, s->token, text, &r);
    free(text);
    long st = r.status;
    if (id_out)
        snprintf(id_out, n, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    if (st != 201 && st != 200)
        check_note("POST %s as %s: %ld %s", path, s->username, st, r.body ? r.body : "");
    tresp_free(&r);
    return st;
}

static bool make_data(void)
{
    char at[40];
    iso_now(at, sizeof at);
    bool ok = true;
    for (size_t i = 0; i < N_PAYLOADS; i++)
        ok = POSTED(post(&yang, "/api/v1/disputes",
                         json_pack("{ss ss ss s[{ss ss}] ss ss}", "category", "DC02", "title",
                                   payloads[i], "village_id", v_lx, "parties", "name", "张三",
                                   "role", "applicant", "risk_level", "low", "occurred_at", at),
                         NULL, 0),
                    201) &&
             ok;
    ok = POSTED(post(&a_tl, "/api/v1/disputes",
                     json_pack("{ss ss ss s[{ss ss}] ss ss}", "category", "DC02", "title",
                               "那楼OUTSIDE纠纷", "village_id", v_tl, "parties", "name", "李四",
                               "role", "applicant", "risk_level", "low", "occurred_at", at),
                     NULL, 0),
                201) &&
         ok;
    ok = POSTED(post(&yang, "/api/v1/intel-reports",
                     json_pack("{ss ss ss ss}", "category", "IC01", "content", "+1 情报内容",
                               "village_id", v_lx, "occurred_at", at),
                     NULL, 0),
                201) &&
         ok;
    ok = POSTED(post(&yang, "/api/v1/activities",
                     json_pack("{ss ss ss ss si}", "kind", "visit", "village_id", v_lx, "held_at",
                               at, "topic", "-走访主题", "people_count", 3),
                     NULL, 0),
                201) &&
         ok;
    char case_id[64];
    ok = POSTED(post(&chief, "/api/v1/cases",
                     json_pack("{ss ss ss ss}", "kind", "criminal", "title", "@案件标题",
                               "village_id", v_lx, "occurred_at", at),
                     case_id, sizeof case_id),
                201) &&
         ok;
    return ok;
}

/* GET an export; the response is the caller's to free. */
static long export(struct tsession *s, const char *dataset, const char *fmt, const char *extra,
                   struct tresp *r)
{
    char path[512];
    snprintf(path, sizeof path, "/api/v1/exports/%s?format=%s%s", dataset, fmt, extra ? extra : "");
    tget(&srv, path, s->token, r);
    return r->status;
}

/* The text of xl/worksheets/sheet1.xml of an XLSX body (owned), NULL on failure. */
static char *sheet_xml(const struct tresp *r)
{
    char path[T_PATH], cmd[T_PATH * 2];
    snprintf(path, sizeof path, "%s/x-%d.xlsx", srv.dir, rand());
    if (!twrite_file(path, r->body, r->body_len))
        return NULL;
    snprintf(cmd, sizeof cmd, "unzip -p '%s' xl/worksheets/sheet1.xml", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    size_t k;
    while ((k = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += k;
        if (cap - n < 1024)
            out = realloc(out, cap *= 2);
    }
    out[n] = '\0';
    int rc = pclose(p);
    unlink(path);
    if (rc != 0 || n == 0) {
        free(out);
        return NULL;
    }
    return out;
}

static int count_sub(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Checks one export answer: status, type, disposition, BOM or zip, X-Export-Rows. */
static void check_file(struct tresp *r, const char *dataset, const char *fmt)
{
    char v[256];
    CHECKF(r->status == 200, "%s %s: %ld %s", dataset, fmt, r->status, r->body ? r->body : "");
    if (r->status != 200)
        return;
    bool xlsx = !strcmp(fmt, "xlsx");
    CHECK(tresp_header(r, "Content-Type", v, sizeof v));
    CHECKF(strstr(v, xlsx ? "spreadsheetml.sheet" : "text/csv") != NULL, "%s type %s", dataset, v);
    CHECK(tresp_header(r, "Content-Disposition", v, sizeof v));
    char want[96];
    snprintf(want, sizeof want, "attachment; filename=\"%s-", dataset);
    CHECKF(strncmp(v, want, strlen(want)) == 0 && strstr(v, xlsx ? ".xlsx\"" : ".csv\""),
           "%s disposition %s", dataset, v);
    CHECK(tresp_header(r, "X-Export-Rows", v, sizeof v));
    if (xlsx) {
        CHECKF(r->body_len > 4 && !memcmp(r->body, "PK", 2), "%s: a zip", dataset);
        char *xml = sheet_xml(r);
        CHECKF(xml != NULL, "%s: sheet1.xml read back", dataset);
        if (xml) {
            CHECKF(count_sub(xml, "<row ") == atoi(v) + 1, "%s: rows %d, X-Export-Rows %s", dataset,
                   count_sub(xml, "<row "), v);
            CHECKF(!strstr(xml, "<f>") && !strstr(xml, "<f "), "%s: no formula", dataset);
            CHECKF(strstr(xml, "<pane ") != NULL, "%s: frozen header", dataset);
        }
        free(xml);
    } else {
        CHECKF(r->body_len >= 3 && !memcmp(r->body, "\xEF\xBB\xBF", 3), "%s: BOM", dataset);
        int lines = count_sub(r->body, "\r\n");
        CHECKF(lines >= atoi(v) + 1, "%s: %d lines, %s rows", dataset, lines, v);
    }
}

static void one(struct tsession *s, const char *dataset, const char *fmt, const char *extra)
{
    struct tresp r;
    export(s, dataset, fmt, extra, &r);
    check_file(&r, dataset, fmt);
    tresp_free(&r);
}

static void forbidden(struct tsession *s, const char *dataset)
{
    struct tresp r;
    export(s, dataset, "csv", NULL, &r);
    CHECKF(r.status == 403, "%s as %s: %ld", dataset, s->username, r.status);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
}

static void test_datasets(void)
{
    char scores[160];
    snprintf(scores, sizeof scores, "&area_id=%s&from=2025-01-01&to=2026-12-31", town_pm_id);
    /* bureau: CSV (8) */
    const char *b_csv[] = {"household-applications",
                           "intel-reports",
                           "activities",
                           "cases",
                           "bulletins",
                           "leads",
                           "assistants"};
    for (size_t i = 0; i < sizeof b_csv / sizeof b_csv[0]; i++)
        one(&bureau, b_csv[i], "csv", NULL);
    /* the station chief: XLSX (9) */
    const char *c_x[] = {"household-applications",
                         "intel-reports",
                         "activities",
                         "key-persons",
                         "cases",
                         "bulletins",
                         "leads",
                         "patrols"};
    for (size_t i = 0; i < sizeof c_x / sizeof c_x[0]; i++)
        one(&chief, c_x[i], "xlsx", NULL);
    one(&chief, "assistant-scores", "xlsx", scores);
    /* the township: the register, patrols and the scorecard */
    one(&town, "assistants", "xlsx", NULL);
    one(&town, "patrols", "csv", NULL);
    one(&town, "assistant-scores", "csv", scores);
    /* officer, clerk */
    one(&officer, "key-persons", "csv", NULL);
    one(&officer, "disputes", "xlsx", NULL);
    one(&clerk, "household-applications", "csv", NULL);
    one(&clerk, "household-applications", "xlsx", NULL);

    /* roles without X */
    forbidden(&yang, "disputes");
    forbidden(&yang, "activities");
    forbidden(&yang, "assistant-scores");
    forbidden(&clerk, "disputes");
    forbidden(&clerk, "assistant-scores");
    forbidden(&town, "cases");
    forbidden(&town, "household-applications");
    forbidden(&town, "intel-reports");
    forbidden(&town, "activities");
    forbidden(&town, "key-persons");
    forbidden(&town, "bulletins");
    forbidden(&town, "leads");
    forbidden(&bureau, "key-persons");
    forbidden(&officer, "household-applications");
    forbidden(&officer, "assistants");
    forbidden(&chief, "assistants");

    struct tresp r;
    export(&bureau, "nonsense", "csv", NULL, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    export(&town, "disputes", "pdf", NULL, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "format");
    tresp_free(&r);
    export(&town, "assistant-scores", "csv", "&from=2026-13-01&to=2026-01-31", &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "from");
    tresp_free(&r);
}

static void test_injection_and_scope(void)
{
    struct tresp r;
    /* bureau CSV: every payload neutralised; sees both townships */
    export(&bureau, "disputes", "csv", NULL, &r);
    REQUIRE(r.status == 200);
    CHECK(strstr(r.body, "\"'=HYPERLINK(\"\"http://evil.example/x\"\",\"\"点我\"\")\"") != NULL);
    CHECK(strstr(r.body, "\"'+1\"") != NULL);
    CHECK(strstr(r.body, "\"'-1\"") != NULL);
    CHECK(strstr(r.body, "\"'@SUM(1+1)\"") != NULL);
    CHECK(strstr(r.body, "\"'\tTAB开头\"") != NULL);
    CHECK(strstr(r.body, "\"'＝全角等号\"") != NULL);
    CHECK(strstr(r.body, ",=") == NULL && strstr(r.body, "\r\n=") == NULL);
    CHECK(strstr(r.body, "那楼OUTSIDE纠纷") != NULL);
    CHECK(strstr(r.body, "纠纷名称") != NULL && strstr(r.body, "村（社区）") != NULL);
    tresp_free(&r);

    /* township of 蒲庙: its own rows, never 那楼's */
    export(&town, "disputes", "csv", NULL, &r);
    REQUIRE(r.status == 200);
    CHECK(strstr(r.body, "\"'+1\"") != NULL);
    CHECK(strstr(r.body, "那楼OUTSIDE纠纷") == NULL);
    char v[32];
    CHECK(tresp_header(&r, "X-Export-Rows", v, sizeof v) && atoi(v) >= (int)N_PAYLOADS);
    tresp_free(&r);

    /* the station chief's XLSX: the payloads are inline text, not formulas */
    export(&chief, "disputes", "xlsx", NULL, &r);
    REQUIRE(r.status == 200);
    char *xml = sheet_xml(&r);
    REQUIRE(xml != NULL);
    CHECK(strstr(xml, "<f>") == NULL && strstr(xml, "<f ") == NULL);
    CHECK(strstr(xml, "t=\"inlineStr\"") != NULL);
    CHECK(strstr(xml, "=HYPERLINK(&quot;http://evil.example/x&quot;") != NULL ||
          strstr(xml, "=HYPERLINK(\"http://evil.example/x\"") != NULL);
    CHECK(strstr(xml, ">+1<") != NULL && strstr(xml, ">-1<") != NULL);
    CHECK(strstr(xml, ">@SUM(1+1)<") != NULL && strstr(xml, ">＝全角等号<") != NULL);
    CHECK(strstr(xml, "那楼OUTSIDE纠纷") == NULL);
    CHECK(strstr(xml, "纠纷名称") != NULL);
    free(xml);
    tresp_free(&r);

    /* the list's village filter applies; naming a village out of scope shows nothing of it */
    char extra[128];
    snprintf(extra, sizeof extra, "&village_id=%s", v_tl);
    export(&town, "disputes", "csv", extra, &r);
    CHECKF(r.status == 200 || r.status == 404, "out-of-scope village: %ld", r.status);
    CHECK(!r.body || strstr(r.body, "那楼OUTSIDE纠纷") == NULL);
    tresp_free(&r);
    snprintf(extra, sizeof extra, "&village_id=%s", v_lx);
    export(&bureau, "disputes", "csv", extra, &r);
    CHECK(r.status == 200 && strstr(r.body, "\"'+1\"") && !strstr(r.body, "那楼OUTSIDE纠纷"));
    tresp_free(&r);
}

static void test_audit(void)
{
    long long n = tdb_int(srv.db_url, "SELECT count(*) FROM audit_log WHERE action = "
                                      "'export.disputes' AND result LIKE 'ok rows=%'");
    CHECKF(n >= 4, "export.disputes audit rows: %lld", n);
    n = tdb_int(srv.db_url, "SELECT count(*) FROM audit_log WHERE action = "
                            "'export.household-applications' AND user_name = 'clerk_pumiao'");
    CHECK_INT(n, 2);
    n = tdb_int(srv.db_url, "SELECT count(*) FROM audit_log WHERE user_name = 'yangjianzi' AND "
                            "action = 'access.denied' AND result = 'forbidden'");
    CHECKF(n >= 3, "denials of yangjianzi: %lld", n);
}

static void test_rate_limit(void)
{
    struct tresp r;
    for (int i = 0; i < 10; i++) {
        export(&chief_nl, "cases", "csv", NULL, &r);
        CHECKF(r.status == 200, "export %d: %ld", i + 1, r.status);
        tresp_free(&r);
    }
    export(&chief_nl, "cases", "csv", NULL, &r);
    EXPECT_ERROR(&r, 429, "rate_limited", NULL);
    char v[32];
    CHECK(tresp_header(&r, "Retry-After", v, sizeof v) && atoi(v) >= 1 && atoi(v) <= 60);
    tresp_free(&r);
}

/* The figures at keys of /stats/summary for month (years_back earlier) of 蒲庙镇. */
static bool summary_of(const char *month, int years_back, const char *const *keys, long long *out)
{
    int y = atoi(month) - years_back, m = atoi(month + 5);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
    char path[256];
    snprintf(path, sizeof path,
             "/api/v1/stats/summary?area_id=%s&from=%04d-%02d-01&to=%04d-%02d-%02d", town_pm_id, y,
             m, y, m, last);
    struct tresp r;
    tget(&srv, path, town.token, &r);
    bool ok = CHECKF(r.status == 200, "summary: %ld", r.status);
    for (int i = 0; ok && i < 3; i++) {
        json_t *v = tj(r.json, keys[i]);
        ok = CHECKF(json_is_integer(v), "summary %s", keys[i]);
        out[i] = json_integer_value(v);
    }
    tresp_free(&r);
    return ok;
}

static void test_report(void)
{
    struct tresp r;
    char path[256], month[8];
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(month, sizeof month, "%Y-%m", &tm);
    snprintf(path, sizeof path, "/api/v1/reports/monthly?area_id=%s&month=%s&format=html",
             town_pm_id, month);
    tget(&srv, path, town.token, &r);
    REQUIRE(EXPECT_STATUS(&r, 200));
    char v[128];
    CHECK(tresp_header(&r, "Content-Type", v, sizeof v) && strstr(v, "text/html"));
    CHECK(strstr(r.body, "《蒲庙镇 一村一警务助理工作月报》") != NULL);
    CHECK(strstr(r.body, "<script") == NULL);
    CHECK(strstr(r.body, "href=\"/report.css\"") != NULL);
    CHECK(strstr(r.body, "指标") && strstr(r.body, "本月") && strstr(r.body, "去年同月") &&
          strstr(r.body, "同比"));
    /* the figures are the summary's for the month and for the same month a year earlier */
    long long cur[3], prev[3];
    const char *keys[] = {"disputes.screened", "intel.reported", "visits"};
    const char *labels[] = {"排查矛盾纠纷（起）", "报送信息（条）", "走访（次）"};
    REQUIRE(summary_of(month, 0, keys, cur) && summary_of(month, 1, keys, prev));
    CHECKF(cur[0] >= (long long)N_PAYLOADS, "screened %lld", cur[0]);
    for (int i = 0; i < 3; i++) {
        char row[200];
        snprintf(row, sizeof row, "<th>%s</th><td>%lld</td><td>%lld</td>", labels[i], cur[i],
                 prev[i]);
        CHECKF(strstr(r.body, row) != NULL, "%s in the page", row);
    }
    tresp_free(&r);

    snprintf(path, sizeof path, "/api/v1/reports/monthly?area_id=%s&month=%s&format=xlsx",
             town_pm_id, month);
    tget(&srv, path, town.token, &r);
    REQUIRE(EXPECT_STATUS(&r, 200));
    CHECK(tresp_header(&r, "Content-Disposition", v, sizeof v) &&
          strstr(v, "monthly-report-") != NULL);
    char *xml = sheet_xml(&r);
    REQUIRE(xml != NULL);
    CHECK(strstr(xml, "排查矛盾纠纷（起）") != NULL);
    char num[32];
    snprintf(num, sizeof num, "<v>%lld</v>", cur[0]);
    CHECKF(strstr(xml, num) != NULL, "%s in the sheet", num);
    CHECK(strstr(xml, "<f>") == NULL);
    free(xml);
    tresp_free(&r);
    CHECK(tdb_int(srv.db_url, "SELECT count(*) FROM audit_log WHERE action = 'report.monthly'") >=
          2);

    /* roles (Rights table: reports R), scope, validation */
    snprintf(path, sizeof path, "/api/v1/reports/monthly?area_id=%s&month=%s&format=html",
             town_pm_id, month);
    tget(&srv, path, clerk.token, &r); /* household figures only */
    REQUIRE(EXPECT_STATUS(&r, 200));
    CHECK(strstr(r.body, "户政代办受理（件）") != NULL);
    CHECK(strstr(r.body, "排查矛盾纠纷（起）") == NULL && strstr(r.body, "报送信息") == NULL);
    tresp_free(&r);
    tget(&srv, path, yang.token, &r); /* an assistant: the township is out of scope */
    EXPECT_ERROR(&r, 404, "not_found", T_ANY_FIELD);
    tresp_free(&r);
    snprintf(path, sizeof path, "/api/v1/reports/monthly?area_id=%s&month=%s&format=html", v_lx,
             month);
    tget(&srv, path, yang.token, &r); /* ... and the own village is in */
    REQUIRE(EXPECT_STATUS(&r, 200));
    CHECK(strstr(r.body, "排查矛盾纠纷（起）") != NULL);
    tresp_free(&r);
    tget(&srv, path, a_tl.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", T_ANY_FIELD);
    tresp_free(&r);
    char *nl = area_id("450109101000");
    snprintf(path, sizeof path, "/api/v1/reports/monthly?area_id=%s&month=%s", nl ? nl : "x",
             month);
    free(nl);
    tget(&srv, path, town.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", T_ANY_FIELD);
    tresp_free(&r);
    tget(&srv, "/api/v1/reports/monthly?month=2026-13", town.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "month");
    tresp_free(&r);
    tget(&srv, "/api/v1/reports/monthly?month=2026-01&format=pdf", town.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "format");
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
        bool ok = tlogin(&srv, "bureau", NULL, &bureau);
        ok = tlogin(&srv, "chief_pumiao", NULL, &chief) && ok;
        ok = tlogin(&srv, "chief_nalou", NULL, &chief_nl) && ok;
        ok = tlogin(&srv, "officer_pumiao1", NULL, &officer) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        ok = tlogin(&srv, "yangjianzi", NULL, &yang) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        char *lx = area_id("450109100211"), *tl = area_id("450109101201"),
             *pm = area_id("450109100000");
        snprintf(v_lx, sizeof v_lx, "%s", lx ? lx : "");
        snprintf(v_tl, sizeof v_tl, "%s", tl ? tl : "");
        snprintf(town_pm_id, sizeof town_pm_id, "%s", pm ? pm : "");
        free(lx);
        free(tl);
        free(pm);
        ok = CHECK(v_lx[0] && v_tl[0] && town_pm_id[0]) && ok;
        if (ok && make_data()) {
            check_run("datasets", test_datasets);
            check_run("injection_and_scope", test_injection_and_scope);
            check_run("audit", test_audit);
            check_run("rate_limit", test_rate_limit);
            check_run("report", test_report);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
