/*
 * Joint patrols (issue 6, 四加巡逻) over HTTP on the demo district:
 *  - teams: a 蒲庙 team of the 良信村 officer, yangjianzi, a village cadre (with
 *    a phone, masked in answers) and a volunteer; no police or no assistant ->
 *    422 members; an unknown user or a user of the wrong kind -> 422
 *    members.N.user_id; a bad member type -> 422 members.N.type; a station
 *    outside the caller's scope -> 404 station_id; assistants and the township
 *    may not form teams (403); idempotent with client_ref;
 *  - patrols: logged by the team's assistant (201, idempotent), not by a
 *    non-member assistant (404 team_id); findings and track validation
 *    (findings.0.kind, track), present ids not in the team (present.N), times,
 *    areas out of scope (area_ids.N), unknown fields; nothing stored on error;
 *  - lists by station, village, team and period; coverage counts per village;
 *    the 蒲庙 township reads 蒲庙 patrols and not 那楼's, and the other way round;
 *  -  attachments (document) on a patrol: upload by the member, download by
 *    police and the township, 404 outside, 422 kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession chief, off_in, yang, a_pm2, town_pm, town_nl, chief_nl, off_nl, a_tl, bureau;
static char village[64], village2[64], village_tl[64], st_pm[64], st_nl[64];
static char team[64], m_police[64], m_yang[64], m_staff[64];
static char team_nl[64], m_nl_police[64], m_nl_asst[64];
static char p1[64], p2[64], p_nl[64];

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

/* The date (Asia/Shanghai) of now + off seconds. */
static const char *date_in(long off)
{
    static char bufs[4][16];
    static int k;
    char *out = bufs[k++ % 4];
    time_t t = time(NULL) + off + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
    return out;
}

static long post(const struct tsession *s, const char *path, const char *body, struct tresp *r)
{
    tpost(&srv, path, s->token, body, r);
    snprintf(r->what, sizeof r->what, "POST %.100s as %.40s", path, s->username);
    return r->status;
}

static long long count(const char *table)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return tdb_int(srv.db_url, q);
}

static void bad(const struct tsession *s, const char *path, const char *body, long status,
                const char *code, const char *field, int line)
{
    struct tresp r;
    post(s, path, body, &r);
    texpect_error(__FILE__, line, &r, status, code, field);
    tresp_free(&r);
}
#define BAD(s, path, body, status, code, field) bad(s, path, body, status, code, field, __LINE__)

/* The id of the member of type (and user) in a team answer. */
static void member_id(json_t *team_json, const char *type, const char *user_id, char *out, size_t n)
{
    out[0] = '\0';
    size_t i;
    json_t *m;
    json_array_foreach(tj(team_json, "members"), i, m)
    {
        const char *t = tjs(m, "type"), *u = tjs(m, "user_id");
        if (t && !strcmp(t, type) && (!user_id || (u && !strcmp(u, user_id)))) {
            snprintf(out, n, "%s", tjs(m, "id") ? tjs(m, "id") : "");
            return;
        }
    }
}

static void test_teams(void)
{
    const char *T = "/api/v1/patrol-teams";
    char body[2048];
    long long t0 = count("patrol_teams");
    /* no police */
    snprintf(body, sizeof body,
             "{\"name\":\"无警队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"assistant\","
             "\"user_id\":\"%s\"},{\"type\":\"volunteer\",\"name\":\"志愿者甲\"}]}",
             st_pm, yang.user_id);
    BAD(&off_in, T, body, 422, "invalid_field", "members");
    /* no assistant */
    snprintf(body, sizeof body,
             "{\"name\":\"无辅警队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
             "\"user_id\":\"%s\"},{\"type\":\"village_staff\",\"name\":\"村委甲\"}]}",
             st_pm, off_in.user_id);
    BAD(&off_in, T, body, 422, "invalid_field", "members");
    /* unknown user */
    snprintf(
        body, sizeof body,
        "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
        "\"user_id\":\"%s\"},{\"type\":\"assistant\",\"user_id\":\"nosuchuser000000000000000\"}]}",
        st_pm, off_in.user_id);
    BAD(&off_in, T, body, 422, "invalid_field", "members.1.user_id");
    /* an assistant as police */
    snprintf(body, sizeof body,
             "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
             "\"user_id\":\"%s\"},{\"type\":\"assistant\",\"user_id\":\"%s\"}]}",
             st_pm, a_pm2.user_id, yang.user_id);
    BAD(&off_in, T, body, 422, "invalid_field", "members.0.user_id");
    /* a bad type, a nameless outsider, an unknown member field, empty members */
    snprintf(body, sizeof body,
             "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
             "\"user_id\":\"%s\"},{\"type\":\"cook\",\"name\":\"厨师\"}]}",
             st_pm, off_in.user_id);
    BAD(&off_in, T, body, 422, "invalid_field", "members.1.type");
    snprintf(body, sizeof body,
             "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
             "\"user_id\":\"%s\"},{\"type\":\"volunteer\"}]}",
             st_pm, off_in.user_id);
    BAD(&off_in, T, body, 422, "invalid_field", "members.1.name");
    snprintf(body, sizeof body,
             "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
             "\"user_id\":\"%s\",\"rank\":\"一级警司\"}]}",
             st_pm, off_in.user_id);
    BAD(&off_in, T, body, 422, "unknown_field", "members.0.rank");
    snprintf(body, sizeof body, "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":[]}", st_pm);
    BAD(&off_in, T, body, 422, "invalid_field", "members");
    snprintf(body, sizeof body, "{\"name\":\"队\",\"station_id\":\"%s\",\"members\":\"all\"}",
             st_pm);
    BAD(&off_in, T, body, 422, "invalid_field", "members");

    /* the good team */
    char good[2048];
    snprintf(good, sizeof good,
             "{\"name\":\"良信村四加巡逻队\",\"station_id\":\"%s\",\"client_ref\":\"team-ref-1\","
             "\"members\":[{\"type\":\"police\",\"user_id\":\"%s\"},{\"type\":\"assistant\","
             "\"user_id\":\"%s\"},{\"type\":\"village_staff\",\"name\":\"韦主任\","
             "\"phone\":\"13812345678\"},{\"type\":\"volunteer\",\"name\":\"志愿者乙\"}]}",
             st_pm, off_in.user_id, yang.user_id);
    /* outside the caller's scope; roles that may not form teams */
    char nl_body[2048];
    snprintf(nl_body, sizeof nl_body,
             "{\"name\":\"那楼队\",\"station_id\":\"%s\",\"members\":[{\"type\":\"police\","
             "\"user_id\":\"%s\"},{\"type\":\"assistant\",\"user_id\":\"%s\"}]}",
             st_nl, off_nl.user_id, a_tl.user_id);
    BAD(&off_in, T, nl_body, 404, "not_found", "station_id");
    BAD(&chief, T, nl_body, 404, "not_found", "station_id");
    snprintf(body, sizeof body,
             "{\"name\":\"队\",\"station_id\":\"nosuchstation000000000000\",\"members\":[{\"type\":"
             "\"police\",\"user_id\":\"%s\"},{\"type\":\"assistant\",\"user_id\":\"%s\"}]}",
             off_in.user_id, yang.user_id);
    BAD(&off_in, T, body, 404, "not_found", "station_id");
    BAD(&yang, T, good, 403, "forbidden", NULL);
    BAD(&town_pm, T, good, 403, "forbidden", NULL);
    CHECK_INT(count("patrol_teams"), t0);

    struct tresp r;
    if (post(&off_in, T, good, &r) == 201) {
        snprintf(team, sizeof team, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
        CHECK_STR(tjs(r.json, "station_id"), st_pm);
        CHECKF(json_array_size(tj(r.json, "members")) == 4, "members %s",
               tdump(tj(r.json, "members")));
        member_id(r.json, "police", off_in.user_id, m_police, sizeof m_police);
        member_id(r.json, "assistant", yang.user_id, m_yang, sizeof m_yang);
        member_id(r.json, "village_staff", NULL, m_staff, sizeof m_staff);
        CHECK(m_police[0] && m_yang[0] && m_staff[0]);
        const char *dump = tdump(r.json);
        CHECKF(!strstr(dump, "13812345678"), "the phone is not shown whole: %s", dump);
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);
    post(&off_in, T, good, &r);
    EXPECT_STATUS(&r, 200);
    CHECK_STR(tjs(r.json, "id"), team);
    tresp_free(&r);
    CHECK_INT(count("patrol_teams"), t0 + 1);

    /* a 那楼 team */
    if (post(&chief_nl, T, nl_body, &r) == 201) {
        snprintf(team_nl, sizeof team_nl, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
        member_id(r.json, "police", NULL, m_nl_police, sizeof m_nl_police);
        member_id(r.json, "assistant", NULL, m_nl_asst, sizeof m_nl_asst);
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);

    /* lists */
    long st;
    json_t *items = tget_all(&srv, "/api/v1/patrol-teams", yang.token, &st);
    CHECKF(st == 200 && tfind(items, "id", team) && !tfind(items, "id", team_nl),
           "yang's teams: %s", tdump(items));
    json_decref(items);
    items = tget_all(&srv, "/api/v1/patrol-teams", chief.token, &st);
    CHECKF(st == 200 && tfind(items, "id", team) && !tfind(items, "id", team_nl),
           "蒲庙 chief's teams: %s", tdump(items));
    json_decref(items);
}

static void patrol_body(char *out, size_t n, const char *team_id, const char *area,
                        const char *present, const char *findings, const char *track,
                        long start_off, long end_off, const char *extra)
{
    snprintf(out, n,
             "{\"team_id\":\"%s\",\"started_at\":\"%s\",\"ended_at\":\"%s\",\"area_ids\":[\"%s\"],"
             "\"present\":[%s],\"findings\":[%s]%s%s%s}",
             team_id, iso_in(start_off), iso_in(end_off), area, present, findings,
             track ? ",\"track\":" : "", track ? track : "", extra ? extra : "");
}

static void test_patrols(void)
{
    REQUIRE(team[0] && team_nl[0]);
    const char *P = "/api/v1/patrols";
    char body[4096], present[256];
    snprintf(present, sizeof present, "\"%s\",\"%s\",\"%s\"", m_police, m_yang, m_staff);
    const char *finding = "{\"kind\":\"gambling\",\"description\":\"村头小卖部有人聚赌\","
                          "\"action\":\"劝散并登记\"}";
    const char *track = "{\"type\":\"LineString\",\"coordinates\":[[108.48,22.76],[108.49,22.77],"
                        "[108.50,22.77]]}";
    long long n0 = count("patrols");

    /* invalid: each with exact field */
    patrol_body(body, sizeof body, team, village, present,
                "{\"kind\":\"fight\",\"description\":\"打架\"}", NULL, -7200, -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "findings.0.kind");
    patrol_body(body, sizeof body, team, village, present, finding,
                "{\"type\":\"LineString\",\"coordinates\":[[208.4,22.7],[108.4,95.0]]}", -7200,
                -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "track");
    patrol_body(body, sizeof body, team, village, present, finding,
                "{\"type\":\"LineString\",\"coordinates\":[[108.4],[108.4,22.7]]}", -7200, -3600,
                NULL);
    BAD(&yang, P, body, 422, "invalid_field", "track");
    patrol_body(body, sizeof body, team, village, present, finding,
                "{\"type\":\"Point\",\"coordinates\":[108.4,22.7]}", -7200, -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "track");
    patrol_body(body, sizeof body, team, village, present, finding, "\"here\"", -7200, -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "track");
    char pres_bad[256];
    snprintf(pres_bad, sizeof pres_bad, "\"%s\",\"%s\"", m_yang, yang.user_id);
    patrol_body(body, sizeof body, team, village, pres_bad, finding, NULL, -7200, -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "present.1");
    snprintf(pres_bad, sizeof pres_bad, "\"%s\"", m_nl_asst);
    patrol_body(body, sizeof body, team, village, pres_bad, finding, NULL, -7200, -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "present.0");
    patrol_body(body, sizeof body, team, village, present, finding, NULL, -3600, -7200, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "ended_at");
    patrol_body(body, sizeof body, team, village, present, finding, NULL, -3600, 2 * 86400, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "ended_at");
    patrol_body(body, sizeof body, team, village_tl, present, finding, NULL, -7200, -3600, NULL);
    BAD(&yang, P, body, 404, "not_found", "area_ids.0");
    patrol_body(body, sizeof body, team, village, present, finding, NULL, -7200, -3600,
                ",\"weather\":\"晴\"");
    BAD(&yang, P, body, 422, "unknown_field", "weather");
    patrol_body(body, sizeof body, team, village, present,
                "{\"kind\":\"hazard\",\"description\":\"x\",\"photo\":\"y\"}", NULL, -7200, -3600,
                NULL);
    BAD(&yang, P, body, 422, "unknown_field", "findings.0.photo");
    patrol_body(body, sizeof body, team, village, present, "{\"kind\":\"hazard\"}", NULL, -7200,
                -3600, NULL);
    BAD(&yang, P, body, 422, "invalid_field", "findings.0.description");
    /* a non-member assistant, another township's team */
    patrol_body(body, sizeof body, team, village, present, finding, NULL, -7200, -3600, NULL);
    BAD(&a_pm2, P, body, 404, "not_found", "team_id");
    BAD(&a_tl, P, body, 404, "not_found", "team_id");
    BAD(&town_pm, P, body, 403, "forbidden", NULL);
    patrol_body(body, sizeof body, team_nl, village, present, finding, NULL, -7200, -3600, NULL);
    BAD(&yang, P, body, 404, "not_found", "team_id");
    CHECK_INT(count("patrols"), n0);

    /* P1: by yangjianzi, today, with a track */
    struct tresp r;
    patrol_body(body, sizeof body, team, village, present, finding, track, -3 * 3600, -3600,
                ",\"client_ref\":\"patrol-ref-1\"");
    if (post(&yang, P, body, &r) == 201) {
        snprintf(p1, sizeof p1, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
        CHECK_STR(tjs(r.json, "team_id"), team);
        CHECK_STR(tjs(r.json, "findings.0.kind"), "gambling");
        CHECKF(json_array_size(tj(r.json, "present")) == 3, "present %s",
               tdump(tj(r.json, "present")));
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);
    post(&yang, P, body, &r);
    EXPECT_STATUS(&r, 200);
    CHECK_STR(tjs(r.json, "id"), p1);
    tresp_free(&r);
    CHECK_INT(count("patrols"), n0 + 1);

    /* P2: by the officer, 10 days ago, in another of his villages */
    patrol_body(body, sizeof body, team, village2, present,
                "{\"kind\":\"publicity\",\"description\":\"防诈骗宣传\"}", NULL, -10 * 86400 - 7200,
                -10 * 86400 - 3600, NULL);
    if (post(&off_in, P, body, &r) == 201)
        snprintf(p2, sizeof p2, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    else
        EXPECT_STATUS(&r, 201);
    tresp_free(&r);
    /* P_NL: a 那楼 patrol by its assistant */
    snprintf(present, sizeof present, "\"%s\",\"%s\"", m_nl_police, m_nl_asst);
    patrol_body(body, sizeof body, team_nl, village_tl, present,
                "{\"kind\":\"dispute\",\"description\":\"邻里纠纷\"}", NULL, -5 * 3600, -4 * 3600,
                NULL);
    if (post(&a_tl, P, body, &r) == 201)
        snprintf(p_nl, sizeof p_nl, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    else
        EXPECT_STATUS(&r, 201);
    tresp_free(&r);

    /* detail */
    char path[256];
    snprintf(path, sizeof path, "/api/v1/patrols/%s", p1);
    tget(&srv, path, chief.token, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "track.type"), "LineString");
        CHECKF(json_array_size(tj(r.json, "track.coordinates")) == 3, "track %s",
               tdump(tj(r.json, "track")));
        CHECKF(tarray_has(tj(r.json, "area_ids"), village), "area_ids %s",
               tdump(tj(r.json, "area_ids")));
    }
    tresp_free(&r);
}

/* Whether the list at path (as s) has each of the ids in want and none of the ids in not. */
static void list_is(const struct tsession *s, const char *path, const char *const *want,
                    const char *const * not, int line)
{
    long st;
    json_t *items = tget_all(&srv, path, s->token, &st);
    check_report(st == 200, __FILE__, line, "GET %s as %s: %ld", path, s->username, st);
    for (size_t i = 0; want && want[i]; i++)
        check_report(tfind(items, "id", want[i]) != NULL, __FILE__, line,
                     "GET %s as %s holds %s: %s", path, s->username, want[i], tdump(items));
    for (size_t i = 0; not &&not [i]; i++)
        check_report(tfind(items, "id", not [i]) == NULL, __FILE__, line,
                     "GET %s as %s does not hold %s", path, s->username, not [i]);
    json_decref(items);
}
#define LIST_IS(s, path, want, not ) list_is(s, path, want, not, __LINE__)
#define IDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_lists(void)
{
    REQUIRE(p1[0] && p2[0] && p_nl[0]);
    char path[256];
    LIST_IS(&chief, "/api/v1/patrols", IDS(p1, p2), IDS(p_nl));
    LIST_IS(&bureau, "/api/v1/patrols", IDS(p1, p2, p_nl), NULL);
    LIST_IS(&yang, "/api/v1/patrols", IDS(p1), IDS(p_nl));
    LIST_IS(&a_tl, "/api/v1/patrols", IDS(p_nl), IDS(p1, p2));
    snprintf(path, sizeof path, "/api/v1/patrols?village_id=%s", village);
    LIST_IS(&chief, path, IDS(p1), IDS(p2, p_nl));
    snprintf(path, sizeof path, "/api/v1/patrols?village_id=%s", village2);
    LIST_IS(&chief, path, IDS(p2), IDS(p1, p_nl));
    snprintf(path, sizeof path, "/api/v1/patrols?team_id=%s", team);
    LIST_IS(&bureau, path, IDS(p1, p2), IDS(p_nl));
    snprintf(path, sizeof path, "/api/v1/patrols?station_id=%s", st_pm);
    LIST_IS(&bureau, path, IDS(p1, p2), IDS(p_nl));
    snprintf(path, sizeof path, "/api/v1/patrols?station_id=%s", st_nl);
    LIST_IS(&bureau, path, IDS(p_nl), IDS(p1, p2));
    const char *d2 = date_in(-10 * 86400 - 3600);
    snprintf(path, sizeof path, "/api/v1/patrols?from=%s&to=%s", d2, d2);
    LIST_IS(&chief, path, IDS(p2), IDS(p1));
    snprintf(path, sizeof path, "/api/v1/patrols?from=%s", date_in(-2 * 86400));
    LIST_IS(&chief, path, IDS(p1), IDS(p2));
    struct tresp r;
    tget(&srv, "/api/v1/patrols?from=2026-13-01", chief.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "from");
    tresp_free(&r);

    /* township: its own township only */
    LIST_IS(&town_pm, "/api/v1/patrols", IDS(p1, p2), IDS(p_nl));
    LIST_IS(&town_nl, "/api/v1/patrols", IDS(p_nl), IDS(p1, p2));
    snprintf(path, sizeof path, "/api/v1/patrols/%s", p1);
    tget(&srv, path, town_pm.token, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    tget(&srv, path, town_nl.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    tget(&srv, path, a_tl.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    snprintf(path, sizeof path, "/api/v1/patrols/%s", p_nl);
    tget(&srv, path, town_pm.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    tget(&srv, path, chief.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);

    /* coverage */
    snprintf(path, sizeof path, "/api/v1/patrols/coverage?from=%s&to=%s", date_in(-30 * 86400),
             date_in(0));
    tget(&srv, path, chief.token, &r);
    if (EXPECT_STATUS(&r, 200)) {
        json_t *items = tj(r.json, "items");
        json_t *v1 = tfind(items, "id", village), *v2 = tfind(items, "id", village2),
               *vt = tfind(items, "id", village_tl);
        CHECKF(v1 && json_integer_value(tj(v1, "patrols")) == 1, "良信村 coverage %s", tdump(v1));
        CHECKF(v2 && json_integer_value(tj(v2, "patrols")) == 1, "village2 coverage %s", tdump(v2));
        CHECKF(!vt, "no 那楼 village in the 蒲庙 chief's coverage");
        json_int_t total = 0;
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) total += json_integer_value(tj(it, "patrols"));
        CHECK_INT(total, 2);
        CHECKF(json_array_size(items) >= 18, "every 蒲庙 village is listed (%zu)",
               json_array_size(items));
    }
    tresp_free(&r);
    snprintf(path, sizeof path, "/api/v1/patrols/coverage?from=%s&to=%s", date_in(-3600),
             date_in(-3600));
    tget(&srv, path, town_pm.token, &r);
    if (EXPECT_STATUS(&r, 200)) {
        json_t *items = tj(r.json, "items");
        json_t *v1 = tfind(items, "id", village), *v2 = tfind(items, "id", village2);
        CHECKF(v1 && json_integer_value(tj(v1, "patrols")) == 1, "良信村 today %s", tdump(v1));
        CHECKF(v2 && json_integer_value(tj(v2, "patrols")) == 0, "village2 today %s", tdump(v2));
    }
    tresp_free(&r);
}

static void test_attachments(void)
{
    REQUIRE(p1[0] && p_nl[0]);
    char path[256], aid[64] = "";
    snprintf(path, sizeof path, "/api/v1/patrols/%s/attachments", p1);
    struct tpart parts[] = {{.name = "kind", .value = "document"},
                            {.name = "file",
                             .data = pdf_doc,
                             .len = sizeof pdf_doc - 1,
                             .filename = "xunluo.pdf",
                             .type = "application/pdf"}};
    struct tresp r;
    tupload(&srv, path, yang.token, parts, 2, &r);
    if (EXPECT_STATUS(&r, 201)) {
        snprintf(aid, sizeof aid, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
        CHECK_INT(json_integer_value(tj(r.json, "size")), sizeof pdf_doc - 1);
    }
    tresp_free(&r);
    parts[0].value = "video"; /* photo, agreement or document (CONVENTIONS.md) */
    tupload(&srv, path, yang.token, parts, 2, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "kind");
    tresp_free(&r);
    parts[0].value = "document";
    tupload(&srv, path, a_tl.token, parts, 2, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    tupload(&srv, path, town_pm.token, parts, 2, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    REQUIRE(aid[0]);
    snprintf(path, sizeof path, "/api/v1/patrols/%s/attachments/%s", p1, aid);
    const struct tsession *readers[] = {&chief, &town_pm, &yang, &bureau};
    for (size_t i = 0; i < 4; i++) {
        tget(&srv, path, readers[i]->token, &r);
        if (CHECKF(r.status == 200, "GET attachment as %s: %ld", readers[i]->username, r.status))
            CHECKF(r.body_len == sizeof pdf_doc - 1 && !memcmp(r.body, pdf_doc, r.body_len),
                   "byte-equal for %s", readers[i]->username);
        tresp_free(&r);
    }
    tget(&srv, path, town_nl.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    tget(&srv, path, a_tl.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    /* the attachment of one patrol under another's path */
    snprintf(path, sizeof path, "/api/v1/patrols/%s/attachments/%s", p2, aid);
    tget(&srv, path, chief.token, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
}

/* --- setup ------------------------------------------------------------------ */

static void me_areas(const struct tsession *s, json_t **out)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", s->token, &r);
    *out = json_incref(tj(r.json, "user.area_ids"));
    tresp_free(&r);
}

static bool find_setup(void)
{
    json_t *a;
    me_areas(&yang, &a);
    snprintf(village, sizeof village, "%s", json_string_value(json_array_get(a, 0)) ?: "");
    json_decref(a);
    me_areas(&a_tl, &a);
    snprintf(village_tl, sizeof village_tl, "%s", json_string_value(json_array_get(a, 0)) ?: "");
    json_decref(a);
    me_areas(&off_in, &a);
    bool has = tarray_has(a, village);
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!village2[0] && strcmp(json_string_value(v), village))
        snprintf(village2, sizeof village2, "%s", json_string_value(v));
    json_decref(a);
    long st;
    json_t *units = tget_all(&srv, "/api/v1/units", bureau.token, &st);
    json_t *u1 = tfind(units, "code", "pumiao-station"),
           *u2 = tfind(units, "code", "nalou-station");
    snprintf(st_pm, sizeof st_pm, "%s", tjs(u1, "id") ?: "");
    snprintf(st_nl, sizeof st_nl, "%s", tjs(u2, "id") ?: "");
    CHECK_STR(tjs(u1, "kind"), "station");
    json_decref(units);
    return CHECKF(has, "officer_pumiao4 holds 良信村") && village[0] && village2[0] &&
           village_tl[0] && st_pm[0] && st_nl[0];
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
        ok = tlogin(&srv, "officer_pumiao4", NULL, &off_in) && ok; /* 良信村's officer */
        ok = tlogin(&srv, "yangjianzi", NULL, &yang) && ok;
        ok = tlogin(&srv, "a450109100202", NULL, &a_pm2) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town_pm) && ok;
        ok = tlogin(&srv, "town_nalou", NULL, &town_nl) && ok;
        ok = tlogin(&srv, "chief_nalou", NULL, &chief_nl) && ok;
        ok = tlogin(&srv, "officer_nalou1", NULL, &off_nl) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "bureau", NULL, &bureau) && ok;
        if (ok && find_setup()) {
            check_run("teams", test_teams);
            check_run("patrols", test_patrols);
            check_run("lists", test_lists);
            check_run("attachments", test_attachments);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
