/*
 * Black-box tests of the statistics on the demo district, with a data set of
 * known counts in March 2025 (and March 2024) that the demo leaves empty:
 * disputes reported in the period, on its first and last second, just
 * outside it, a year earlier and in another township, closed as resolved,
 * unresolved or referred; intel assessed valid and invalid; activities of
 * each kind; cases that occurred this year and a year earlier, closed solved
 * with and without a credited assistant (closed_at moved into the period in
 * the database). Every figure of /stats/summary is checked exactly, and
 * /stats/series, the scorecard row, a township equal to the sum of its
 * villages, the clerk's household-only view, 404 out of scope, 422 dates.
 * Household services: applications submitted, completed on time and late,
 * on the period's edges, overdue now, rejected, and in another township.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness.h"

static struct tserver srv;
static struct tsession bureau, chief, town, clerk, yang, a_tl;
static char v_lx[64], v_tl[64], town_pm[64], town_nl[64];

#define PERIOD "from=2025-03-01&to=2025-03-31"

static char *area_id(const char *code)
{
    char q[160];
    snprintf(q, sizeof q, "SELECT id FROM areas WHERE code = '%s'", code);
    return tdb_text(srv.db_url, q);
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

static json_t *get_json(struct tsession *s, const char *path, long want)
{
    struct tresp r;
    tget(&srv, path, s->token, &r);
    CHECKF(r.status == want, "GET %s as %s: %ld %s", path, s->username, r.status,
           r.body ? r.body : "");
    json_t *j = r.json ? json_incref(r.json) : NULL;
    tresp_free(&r);
    return j;
}

static bool dispute(struct tsession *s, const char *village, const char *at, const char *result)
{
    char id[64], path[160];
    bool ok = POSTED(
        post(s, "/api/v1/disputes",
             json_pack("{ss ss ss s[{ss ss}] ss ss ss}", "category", "DC02", "title", "邻里纠纷",
                       "village_id", village, "parties", "name", "张三", "role", "applicant",
                       "risk_level", "low", "occurred_at", at, "reported_at", at),
             id, sizeof id),
        201);
    if (!ok || !result)
        return ok;
    snprintf(path, sizeof path, "/api/v1/disputes/%s/close", id);
    json_t *b = json_pack("{ss}", "result", result);
    if (!strcmp(result, "resolved"))
        json_object_set_new(b, "agreement", json_string("双方和解"));
    if (!strcmp(result, "referred"))
        json_object_set_new(b, "referred_to", json_string("司法所"));
    return POSTED(post(s, path, b, NULL, 0), 200);
}

static bool intel(const char *at, int valid)
{
    char id[64], path[160];
    bool ok = POSTED(post(&yang, "/api/v1/intel-reports",
                          json_pack("{ss ss ss ss ss}", "category", "IC01", "content", "情况",
                                    "village_id", v_lx, "occurred_at", at, "reported_at", at),
                          id, sizeof id),
                     201);
    if (!ok || valid < 0)
        return ok;
    snprintf(path, sizeof path, "/api/v1/intel-reports/%s/assess", id);
    return POSTED(post(&chief, path, json_pack("{sb}", "valid", valid), NULL, 0), 200);
}

static bool activity(const char *kind, const char *at)
{
    return POSTED(post(&yang, "/api/v1/activities",
                       json_pack("{ss ss ss ss si}", "kind", kind, "village_id", v_lx, "held_at",
                                 at, "topic", "活动", "people_count", 2),
                       NULL, 0),
                  201);
}

static bool a_case(const char *kind, const char *at, int solved_credit)
{
    char id[64], path[160], sql[256], err[256];
    bool ok = POSTED(post(&chief, "/api/v1/cases",
                          json_pack("{ss ss ss ss}", "kind", kind, "title", "案件", "village_id",
                                    v_lx, "occurred_at", at),
                          id, sizeof id),
                     201);
    if (!ok || solved_credit < 0)
        return ok;
    snprintf(path, sizeof path, "/api/v1/cases/%s/close", id);
    json_t *cred = json_array();
    if (solved_credit)
        json_array_append_new(cred, json_string(yang.user_id));
    ok = POSTED(post(&chief, path, json_pack("{sb so}", "solved", 1, "credited", cred), NULL, 0),
                200);
    snprintf(sql, sizeof sql, "UPDATE cases SET closed_at = 1742875200 WHERE id = '%s'", id);
    return ok && CHECKF(tdb_exec(srv.db_url, sql, err, sizeof err), "%s", err);
}

/*
 * A household application created through the API by s, then placed in time
 * in the database (the server stamps submission and completion with the
 * current time): status, first submitted, completed and due (Unix seconds,
 * 0 = NULL).
 */
static bool application(struct tsession *s, const char *village, int n, const char *status,
                        long long submitted, long long completed, long long due)
{
    char id[64], idn[19], first17[18], sql[512], err[256];
    snprintf(first17, sizeof first17, "45010919800303%03d", n);
    tmake_id(first17, idn);
    bool ok =
        POSTED(post(s, "/api/v1/household-applications",
                    json_pack("{ss ss s{ss ss ss} s{ss}}", "business_type", "HB03", "village_id",
                              village, "applicant", "name", "黄统计", "id_number", idn, "phone",
                              "13812345678", "details", "note", "统计"),
                    id, sizeof id),
               201);
    if (!ok)
        return false;
    char c_sub[32] = "NULL", c_done[32] = "NULL", c_due[32] = "NULL";
    if (submitted)
        snprintf(c_sub, sizeof c_sub, "%lld", submitted);
    if (completed)
        snprintf(c_done, sizeof c_done, "%lld", completed);
    if (due)
        snprintf(c_due, sizeof c_due, "%lld", due);
    snprintf(sql, sizeof sql,
             "UPDATE household_applications SET status = '%s', first_submitted_at = %s, "
             "completed_at = %s, due_at = %s WHERE id = '%s'",
             status, c_sub, c_done, c_due, id);
    return CHECKF(tdb_exec(srv.db_url, sql, err, sizeof err), "%s", err);
}

/* open_overdue has no period: the demo's own applications count too. */
static long long overdue_before_v, overdue_before_t;

static long long overdue_of(const char *area)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, area);
    json_t *s = get_json(&bureau, path, 200);
    long long n = s ? (long long)json_integer_value(tj(s, "household.open_overdue")) : -1;
    json_decref(s);
    return n;
}

static bool build(void)
{
    bool ok = true;
    /* disputes of 良信村: five in March 2025 (two on its edges), two just outside */
    ok = dispute(&yang, v_lx, "2025-03-01T00:00:00+08:00", "resolved") && ok;
    ok = dispute(&yang, v_lx, "2025-03-10T10:00:00+08:00", "resolved") && ok;
    ok = dispute(&yang, v_lx, "2025-03-15T10:00:00+08:00", "unresolved") && ok;
    ok = dispute(&yang, v_lx, "2025-03-20T10:00:00+08:00", "referred") && ok;
    ok = dispute(&yang, v_lx, "2025-03-31T23:59:59+08:00", NULL) && ok;
    ok = dispute(&yang, v_lx, "2025-02-28T23:59:59+08:00", "resolved") && ok;
    ok = dispute(&yang, v_lx, "2025-04-01T00:00:00+08:00", NULL) && ok;
    /* a year earlier: two, one resolved */
    ok = dispute(&yang, v_lx, "2024-03-05T10:00:00+08:00", "resolved") && ok;
    ok = dispute(&yang, v_lx, "2024-03-06T10:00:00+08:00", "unresolved") && ok;
    /* another township */
    ok = dispute(&a_tl, v_tl, "2025-03-10T10:00:00+08:00", "resolved") && ok;
    /* intel: three in the period (two valid), one outside */
    ok = intel("2025-03-12T10:00:00+08:00", 1) && ok;
    ok = intel("2025-03-13T10:00:00+08:00", 1) && ok;
    ok = intel("2025-03-14T10:00:00+08:00", 0) && ok;
    ok = intel("2025-04-02T10:00:00+08:00", 1) && ok;
    /* activities */
    ok = activity("help_education", "2025-03-03T10:00:00+08:00") && ok;
    ok = activity("help_education", "2025-03-04T10:00:00+08:00") && ok;
    ok = activity("help_education", "2025-04-04T10:00:00+08:00") && ok;
    ok = activity("visit", "2025-03-05T10:00:00+08:00") && ok;
    ok = activity("visit", "2025-03-06T10:00:00+08:00") && ok;
    ok = activity("visit", "2025-03-07T10:00:00+08:00") && ok;
    ok = activity("publicity", "2025-03-08T10:00:00+08:00") && ok;
    /* cases: two occurred in March 2025, one in March 2024 */
    ok = a_case("criminal", "2025-03-05T10:00:00+08:00", 1) && ok;
    ok = a_case("public_security", "2025-03-20T10:00:00+08:00", 0) && ok;
    ok = a_case("criminal", "2024-03-10T10:00:00+08:00", -1) && ok;
    /*
     * household services of 良信村 (times +08:00): submitted 3-05 10:00, completed 3-06,
     * due 3-07 (on time); submitted 3-10, completed 3-20, due 3-12 (late); submitted 2-27
     * (outside), completed 3-02, due 3-03 (on time); submitted 3-31 23:00, still open, due
     * 4-02 (overdue now); submitted 4-01 00:00 (outside), rejected, due 4-03 (not overdue);
     * one in 那楼镇 (another township).
     */
    overdue_before_v = overdue_of(v_lx);
    overdue_before_t = overdue_of(town_pm);
    ok = application(&yang, v_lx, 1, "completed", 1741140000, 1741226400, 1741341600) && ok;
    ok = application(&yang, v_lx, 2, "completed", 1741572000, 1742436000, 1741773600) && ok;
    ok = application(&yang, v_lx, 3, "completed", 1740621600, 1740880800, 1740996000) && ok;
    ok = application(&yang, v_lx, 4, "submitted", 1743433200, 0, 1743588000) && ok;
    ok = application(&yang, v_lx, 5, "rejected", 1743436800, 0, 1743674400) && ok;
    ok = application(&a_tl, v_tl, 6, "completed", 1741140000, 1741226400, 1741341600) && ok;
    return ok;
}

static void check_real(json_t *root, const char *path, double want)
{
    json_t *v = tj(root, path);
    CHECKF(json_is_number(v) && fabs(json_number_value(v) - want) < 1e-9, "%s = %s, want %g", path,
           tdump(v), want);
}

#define FIG(root, path, want)                                                                      \
    CHECKF(json_integer_value(tj(root, path)) == (want) && json_is_integer(tj(root, path)),        \
           "%s = %s, want %d", path, tdump(tj(root, path)), (int)(want))

static void check_summary(json_t *s)
{
    FIG(s, "cases_assisted.public_security", 0);
    FIG(s, "cases_assisted.criminal", 1);
    FIG(s, "disputes.screened", 5);
    FIG(s, "disputes.resolved", 2);
    FIG(s, "disputes.unresolved", 1);
    FIG(s, "disputes.referred", 1);
    FIG(s, "disputes.open", 1);
    check_real(s, "disputes.mediation_rate", 0.4);
    check_real(s, "disputes.previous_rate", 0.5);
    check_real(s, "disputes.rate_change_points", -10.0);
    FIG(s, "intel.reported", 3);
    FIG(s, "intel.valid", 2);
    FIG(s, "help_education", 2);
    FIG(s, "visits", 3);
    FIG(s, "publicity_sessions", 1);
    FIG(s, "incidents.count", 2);
    FIG(s, "incidents.previous_year_count", 1);
    check_real(s, "incidents.yoy_change", 1.0);
    FIG(s, "household.submitted", 3);
    FIG(s, "household.completed", 3);
    FIG(s, "household.completed_on_time", 2);
    check_real(s, "household.on_time_rate", 2.0 / 3.0);
}

static void test_summary(void)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, town_pm);
    json_t *s = get_json(&town, path, 200);
    REQUIRE(s);
    check_summary(s);
    FIG(s, "household.open_overdue", overdue_before_t + 1);
    json_decref(s);
    CHECKF(overdue_of(v_lx) == overdue_before_v + 1, "village open_overdue %lld, before %lld",
           overdue_of(v_lx), overdue_before_v);
    s = get_json(&bureau, path, 200);
    check_summary(s);
    json_decref(s);
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, v_lx);
    s = get_json(&chief, path, 200);
    check_summary(s);
    json_decref(s);
    /* 那楼镇: its one dispute only */
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, town_nl);
    s = get_json(&bureau, path, 200);
    FIG(s, "disputes.screened", 1);
    FIG(s, "disputes.resolved", 1);
    FIG(s, "intel.reported", 0);
    FIG(s, "household.submitted", 1);
    FIG(s, "household.completed_on_time", 1);
    json_decref(s);
}

/* Adds every integer leaf of a into sum (same shape). */
static void add_ints(json_t *sum, json_t *a)
{
    const char *k;
    json_t *v;
    json_object_foreach(a, k, v)
    {
        if (json_is_object(v)) {
            json_t *t = json_object_get(sum, k);
            if (!t)
                json_object_set_new(sum, k, t = json_object());
            add_ints(t, v);
        } else if (json_is_integer(v)) {
            json_t *t = json_object_get(sum, k);
            json_object_set_new(
                sum, k, json_integer((t ? json_integer_value(t) : 0) + json_integer_value(v)));
        }
    }
}

static void test_township_is_sum(void)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/areas?parent_id=%s", town_pm);
    long st;
    json_t *kids = tget_all(&srv, path, town.token, &st);
    REQUIRE(kids && json_array_size(kids) > 1);
    json_t *sum = json_object();
    size_t i;
    json_t *k;
    json_array_foreach(kids, i, k)
    {
        snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, tjs(k, "id"));
        json_t *s = get_json(&town, path, 200);
        json_object_del(s, "area");
        add_ints(sum, s);
        json_decref(s);
    }
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, town_pm);
    json_t *t = get_json(&town, path, 200);
    json_t *ti = json_object();
    json_object_del(t, "area");
    add_ints(ti, t);
    CHECKF(json_equal(ti, sum), "township %s != sum of villages %s", tdump(ti), tdump(sum));
    json_decref(t);
    json_decref(ti);
    json_decref(sum);
    json_decref(kids);
}

static void test_series_and_scores(void)
{
    char path[256];
    snprintf(path, sizeof path,
             "/api/v1/stats/series?metric=disputes.screened&area_id=%s&from=2025-02-01&to=2025-"
             "04-30&bucket=month",
             v_lx);
    json_t *s = get_json(&chief, path, 200);
    CHECK_STR(tjs(s, "points.0.period"), "2025-02");
    CHECK_INT(json_integer_value(tj(s, "points.0.value")), 1);
    CHECK_STR(tjs(s, "points.1.period"), "2025-03");
    CHECK_INT(json_integer_value(tj(s, "points.1.value")), 5);
    CHECK_STR(tjs(s, "points.2.period"), "2025-04");
    CHECK_INT(json_integer_value(tj(s, "points.2.value")), 1);
    CHECK_INT(json_array_size(tj(s, "points")), 3);
    json_decref(s);

    snprintf(path, sizeof path, "/api/v1/stats/assistants?area_id=%s&" PERIOD, town_pm);
    s = get_json(&town, path, 200);
    json_t *row = tfind(tj(s, "items"), "user_id", yang.user_id);
    REQUIRE(row);
    FIG(row, "disputes.screened", 5);
    FIG(row, "disputes.resolved", 2);
    FIG(row, "intel.reported", 3);
    FIG(row, "intel.valid", 2);
    FIG(row, "help_education", 2);
    FIG(row, "visits", 3);
    FIG(row, "publicity_sessions", 1);
    FIG(row, "cases_assisted", 1);
    FIG(row, "household_submitted", 3);
    CHECK(json_is_number(tj(row, "score")));
    CHECK(json_is_boolean(tj(row, "low_volume")));
    CHECK(!tfind(tj(s, "items"), "user_id", a_tl.user_id));
    json_decref(s);
}

static void test_access(void)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, town_pm);
    json_t *s = get_json(&clerk, path, 200);
    CHECK(tj(s, "household") && !tj(s, "disputes") && !tj(s, "intel"));
    json_decref(s);
    struct tresp r;
    snprintf(path, sizeof path, "/api/v1/stats/summary?area_id=%s&" PERIOD, town_nl);
    tget(&srv, path, town.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", T_ANY_FIELD);
    tresp_free(&r);
    tget(&srv, "/api/v1/stats/summary?from=2025-02-30&to=2025-03-31", town.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "from");
    tresp_free(&r);
    tget(&srv, "/api/v1/stats/summary?from=2025-03-01&to=x", town.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "to");
    tresp_free(&r);
    tget(&srv, "/api/v1/stats/summary?from=2025-03-31&to=2025-03-01", town.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "to");
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
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        ok = tlogin(&srv, "yangjianzi", NULL, &yang) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        char *a = area_id("450109100211"), *b = area_id("450109101201"),
             *c = area_id("450109100000"), *d = area_id("450109101000");
        snprintf(v_lx, sizeof v_lx, "%s", a ? a : "");
        snprintf(v_tl, sizeof v_tl, "%s", b ? b : "");
        snprintf(town_pm, sizeof town_pm, "%s", c ? c : "");
        snprintf(town_nl, sizeof town_nl, "%s", d ? d : "");
        free(a);
        free(b);
        free(c);
        free(d);
        ok = CHECK(v_lx[0] && v_tl[0] && town_pm[0] && town_nl[0]) && ok;
        if (ok && build()) {
            check_run("summary", test_summary);
            check_run("township_is_sum", test_township_is_sum);
            check_run("series_and_scores", test_series_and_scores);
            check_run("access", test_access);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
