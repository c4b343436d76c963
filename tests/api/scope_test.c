/*
 * Scope and rights of every role on the foundation's read endpoints, against
 * the demo district plus one invented village without an assistant
 * (data/extra-village.csv): /areas (top nodes of each role's scope, children
 * inside it, 404 outside it), /units, /assistants (own record for an
 * assistant, the town for township users and station staff, the officer's
 * villages), /assistants/coverage, /users (admin only) and /audit (auditor
 * only); and 401 unauthenticated without a valid token everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct tserver srv;
static json_t *ids; /* area code -> id, as the bureau sees them */
static struct tsession bureau, reviewer, clerk, chief, officer, town_pm, town_nl, yang, a_tl, admin,
    auditor;

#define C_COUNTY "450109000000"
#define C_PUMIAO "450109100000"
#define C_NALOU "450109101000"
#define C_LIANGXIN "450109100211"
#define C_LONGGANG "450109100201"
#define C_TUNLIU "450109101201"
#define C_EXTRA "450109100299"

static const char *id_of(const char *code)
{
    return json_string_value(json_object_get(ids, code));
}

static void get_path(const char *path, const char *token, struct tresp *r)
{
    tget(&srv, path, token, r);
}

static json_t *list(const char *path, const struct tsession *s, long want_status)
{
    long st;
    json_t *items = tget_all(&srv, path, s->token, &st);
    CHECKF(st == want_status, "GET %s as %s: status %ld, want %ld", path, s->username, st,
           want_status);
    return items;
}

static json_t *children(const char *code, const struct tsession *s)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/areas?parent_id=%s", id_of(code) ? id_of(code) : "x");
    return list(path, s, 200);
}

/* Expects the list of top areas to be exactly the given codes. */
static void expect_top(const struct tsession *s, const char *const *codes)
{
    json_t *items = list("/api/v1/areas", s, 200);
    size_t n = 0;
    while (codes[n])
        n++;
    CHECKF(items && json_array_size(items) == n, "%s: %zu top areas, want %zu: %s", s->username,
           items ? json_array_size(items) : 0, n, tdump(items));
    for (size_t i = 0; items && i < n; i++)
        CHECKF(tfind(items, "code", codes[i]) != NULL, "%s: top areas include %s", s->username,
               codes[i]);
    json_decref(items);
}

static void expect_404(const char *path, const struct tsession *s)
{
    struct tresp r;
    get_path(path, s->token, &r);
    snprintf(r.what, sizeof r.what, "GET %.90s as %.40s", path, s->username);
    /* the contract leaves field open for an area named by ?parent_id= */
    EXPECT_ERROR(&r, 404, "not_found", strstr(path, "parent_id=") ? T_ANY_FIELD : NULL);
    tresp_free(&r);
}

static void expect_403(const char *path, const struct tsession *s)
{
    struct tresp r;
    get_path(path, s->token, &r);
    snprintf(r.what, sizeof r.what, "GET %.90s as %.40s", path, s->username);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
}

static void expect_200(const char *path, const struct tsession *s)
{
    struct tresp r;
    get_path(path, s->token, &r);
    snprintf(r.what, sizeof r.what, "GET %.90s as %.40s", path, s->username);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
}

static void area_path(char *out, size_t n, const char *code)
{
    snprintf(out, n, "/api/v1/areas/%s", id_of(code) ? id_of(code) : "none");
}

static void children_path(char *out, size_t n, const char *code)
{
    snprintf(out, n, "/api/v1/areas?parent_id=%s", id_of(code) ? id_of(code) : "none");
}

/* code -> id of every area the bureau can walk to */
static void load_ids(void)
{
    ids = json_object();
    json_t *top = list("/api/v1/areas", &bureau, 200);
    json_t *queue = json_array();
    if (top)
        json_array_extend(queue, top);
    json_decref(top);
    for (size_t i = 0; i < json_array_size(queue) && i < 400; i++) {
        json_t *a = json_array_get(queue, i);
        const char *code = tjs(a, "code"), *id = tjs(a, "id"), *level = tjs(a, "level");
        if (!id)
            continue;
        json_object_set_new(ids, code ? code : tjs(a, "name"), json_string(id));
        if (level && strcmp(level, "natural_village") == 0)
            continue;
        char path[256];
        snprintf(path, sizeof path, "/api/v1/areas?parent_id=%s", id);
        long st;
        json_t *kids = tget_all(&srv, path, bureau.token, &st);
        if (kids)
            json_array_extend(queue, kids);
        json_decref(kids);
    }
    json_decref(queue);
}

static void test_no_token(void)
{
    char p1[256], p2[256];
    area_path(p1, sizeof p1, C_LIANGXIN);
    snprintf(p2, sizeof p2, "/api/v1/users/%s", yang.user_id);
    const char *paths[] = {"/api/v1/me",
                           "/api/v1/areas",
                           p1,
                           "/api/v1/units",
                           "/api/v1/assistants",
                           "/api/v1/assistants/coverage",
                           "/api/v1/assistants/x",
                           "/api/v1/users",
                           p2,
                           "/api/v1/audit",
                           NULL};
    for (int i = 0; paths[i]; i++) {
        struct tresp r;
        get_path(paths[i], NULL, &r);
        EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
        tresp_free(&r);
        get_path(paths[i], "bogus-token-0123456789abcdef0123456789abcdef", &r);
        EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
        tresp_free(&r);
    }
    struct tresp r;
    tpost(&srv, "/api/v1/users", NULL, "{}", &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
}

static void test_areas(void)
{
    REQUIREF(id_of(C_COUNTY) && id_of(C_PUMIAO) && id_of(C_LIANGXIN) && id_of(C_NALOU) &&
                 id_of(C_TUNLIU),
             "the bureau can walk the district tree");
    /* item shape */
    json_t *top = list("/api/v1/areas", &bureau, 200);
    json_t *county = top ? json_array_get(top, 0) : NULL;
    CHECK(county && json_object_size(county) == 5 && tjs(county, "id") &&
          json_object_get(county, "parent_id"));
    CHECK_STR(tjs(county, "name"), "邕宁区");
    CHECK_STR(tjs(county, "level"), "county");
    json_decref(top);
    expect_top(&bureau, (const char *[]){C_COUNTY, NULL});
    expect_top(&reviewer, (const char *[]){C_COUNTY, NULL});
    expect_top(&clerk, (const char *[]){C_PUMIAO, NULL});
    expect_top(&chief, (const char *[]){C_PUMIAO, NULL});
    expect_top(&town_pm, (const char *[]){C_PUMIAO, NULL});
    expect_top(&town_nl, (const char *[]){C_NALOU, NULL});
    expect_top(&yang, (const char *[]){C_LIANGXIN, NULL});
    expect_top(&a_tl, (const char *[]){C_TUNLIU, NULL});
    /* children */
    json_t *towns = children(C_COUNTY, &bureau);
    CHECKF(towns && json_array_size(towns) == 5, "5 towns under 邕宁区");
    json_decref(towns);
    json_t *pm = children(C_PUMIAO, &clerk);
    CHECKF(pm && json_array_size(pm) == 29,
           "蒲庙镇 has 11 communities + 17 villages + 1 test "
           "village: got %zu",
           pm ? json_array_size(pm) : 0);
    size_t i;
    json_t *a;
    json_array_foreach(pm, i, a)
    {
        CHECK_STR(tjs(a, "parent_id"), id_of(C_PUMIAO));
    }
    json_decref(pm);
    json_t *lx = children(C_LIANGXIN, &yang);
    CHECKF(lx && json_array_size(lx) == 1 && tfind(lx, "name", "花料坡"),
           "良信村's hamlet 花料坡 for its assistant: %s", tdump(lx));
    CHECK_STR(tjs(lx, "0.level"), "natural_village");
    json_decref(lx);
    /* outside the scope */
    char p[256];
    children_path(p, sizeof p, C_NALOU);
    expect_404(p, &clerk);
    expect_404(p, &town_pm);
    children_path(p, sizeof p, C_COUNTY);
    expect_404(p, &clerk);
    children_path(p, sizeof p, C_PUMIAO);
    expect_404(p, &yang);
    expect_404(p, &officer);
    expect_404(p, &town_nl);
    area_path(p, sizeof p, C_NALOU);
    expect_404(p, &clerk);
    expect_404(p, &chief);
    area_path(p, sizeof p, C_COUNTY);
    expect_404(p, &clerk);
    area_path(p, sizeof p, C_PUMIAO);
    expect_404(p, &yang);
    area_path(p, sizeof p, C_LONGGANG);
    expect_404(p, &yang);
    area_path(p, sizeof p, C_LIANGXIN);
    expect_404(p, &town_nl);
    expect_404(p, &a_tl);
    expect_404("/api/v1/areas/no-such-area", &bureau);
    expect_404("/api/v1/areas?parent_id=no-such-area", &bureau);
    /* inside */
    struct tresp r;
    area_path(p, sizeof p, C_LIANGXIN);
    get_path(p, yang.token, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "code"), C_LIANGXIN);
        CHECK_STR(tjs(r.json, "name"), "良信村委会");
        CHECK_STR(tjs(r.json, "level"), "village");
        CHECK_STR(tjs(r.json, "parent_id"), id_of(C_PUMIAO));
    }
    tresp_free(&r);
    expect_200(p, &clerk);
    expect_200(p, &bureau);
    expect_200(p, &town_pm);
    /* the officer: some villages of 蒲庙镇 */
    json_t *ot = list("/api/v1/areas", &officer, 200);
    CHECKF(ot && json_array_size(ot) >= 1, "officer_pumiao1 has villages");
    json_array_foreach(ot, i, a)
    {
        const char *code = tjs(a, "code"), *level = tjs(a, "level");
        CHECKF(code && strncmp(code, "450109100", 9) == 0 && level &&
                   (strcmp(level, "village") == 0 || strcmp(level, "community") == 0),
               "officer_pumiao1's area %s (%s) is a village of 蒲庙镇", code ? code : "-",
               level ? level : "-");
    }
    json_decref(ot);
    /* every role may read areas */
    expect_200("/api/v1/areas", &admin);
    expect_200("/api/v1/areas", &auditor);
}

static void test_units(void)
{
    json_t *all = list("/api/v1/units", &bureau, 200);
    REQUIRE(all);
    size_t i, stations = 0;
    json_t *u, *pm_station = NULL, *nl_station = NULL;
    bool brigade = false;
    json_array_foreach(all, i, u)
    {
        const char *kind = tjs(u, "kind");
        CHECK(tjs(u, "id") && tjs(u, "code") && tjs(u, "name") &&
              json_is_array(json_object_get(u, "area_ids")));
        CHECKF(kind && (!strcmp(kind, "bureau") || !strcmp(kind, "station") ||
                        !strcmp(kind, "brigade")),
               "unit kind %s", kind ? kind : "-");
        if (kind && !strcmp(kind, "station")) {
            stations++;
            if (tarray_has(json_object_get(u, "area_ids"), id_of(C_PUMIAO)))
                pm_station = u;
            if (tarray_has(json_object_get(u, "area_ids"), id_of(C_NALOU)))
                nl_station = u;
        }
        brigade = brigade || (kind && !strcmp(kind, "brigade"));
    }
    CHECKF(stations == 5, "5 stations, got %zu", stations);
    CHECK(brigade);
    CHECK(pm_station && nl_station);
    json_t *cl = list("/api/v1/units", &clerk, 200);
    CHECKF(cl && pm_station && tfind(cl, "id", tjs(pm_station, "id")),
           "clerk_pumiao sees the 蒲庙 station");
    CHECKF(cl && nl_station && !tfind(cl, "id", tjs(nl_station, "id")),
           "clerk_pumiao does not see the 那楼 station");
    json_decref(cl);
    json_t *ya = list("/api/v1/units", &yang, 200);
    CHECKF(ya && nl_station && !tfind(ya, "id", tjs(nl_station, "id")),
           "yangjianzi does not see the 那楼 station");
    json_decref(ya);
    expect_200("/api/v1/units", &admin);
    expect_200("/api/v1/units", &auditor);
    expect_200("/api/v1/units", &town_pm);
    json_decref(all);
}

/* Whether every assistant's village is a child of town and there are n. */
static void expect_assistants_in(const struct tsession *s, const char *town, size_t n)
{
    json_t *items = list("/api/v1/assistants", s, 200);
    json_t *kids = children(town, &bureau);
    CHECKF(items && json_array_size(items) == n, "%s sees %zu assistants, want %zu", s->username,
           items ? json_array_size(items) : 0, n);
    size_t i;
    json_t *a;
    json_array_foreach(items, i, a)
    {
        CHECKF(tfind(kids, "id", tjs(a, "village_id")) != NULL,
               "%s: assistant %s of village %s lies in town %s", s->username, tjs(a, "id"),
               tjs(a, "village_id"), town);
    }
    json_decref(kids);
    json_decref(items);
}

static void test_assistants(void)
{
    json_t *all = list("/api/v1/assistants", &bureau, 200);
    REQUIRE(all);
    CHECKF(json_array_size(all) == 81, "81 assistants in the district, got %zu",
           json_array_size(all));
    static const char *keys[] = {
        "id",         "user_id",     "name",  "village_id",     "employer_id",
        "station_id", "officer_ids", "phone", "contract_start", "contract_end"};
    size_t i;
    json_t *a;
    json_array_foreach(all, i, a)
    {
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
            if (!CHECKF(json_object_get(a, keys[k]) != NULL, "assistant item has \"%s\": %s",
                        keys[k], tdump(a)))
                break;
    }
    json_t *mine = tfind(all, "user_id", yang.user_id);
    json_t *tunliu = tfind(all, "village_id", id_of(C_TUNLIU));
    json_t *longgang = tfind(all, "village_id", id_of(C_LONGGANG));
    REQUIREF(mine && tunliu && longgang, "the assistants of 良信村, 屯六村, 龙岗村");
    CHECK_STR(tjs(mine, "village_id"), id_of(C_LIANGXIN));
    CHECK_STR(tjs(mine, "employer_id"), id_of(C_PUMIAO));
    CHECK(tjs(mine, "station_id") != NULL);
    CHECK(json_is_array(json_object_get(mine, "officer_ids")));
    /* the assistant: own record only */
    json_t *own = list("/api/v1/assistants", &yang, 200);
    CHECKF(own && json_array_size(own) == 1 && tfind(own, "user_id", yang.user_id),
           "yangjianzi sees only their own record");
    json_decref(own);
    char p[256];
    snprintf(p, sizeof p, "/api/v1/assistants/%s", tjs(mine, "id"));
    struct tresp r;
    get_path(p, yang.token, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "id"), tjs(mine, "id"));
        CHECK_STR(tjs(r.json, "village_id"), id_of(C_LIANGXIN));
    }
    tresp_free(&r);
    expect_200(p, &clerk);
    expect_200(p, &town_pm);
    expect_404(p, &town_nl);
    expect_404(p, &a_tl);
    snprintf(p, sizeof p, "/api/v1/assistants/%s", tjs(longgang, "id"));
    expect_404(p, &yang);
    snprintf(p, sizeof p, "/api/v1/assistants/%s", tjs(tunliu, "id"));
    expect_404(p, &yang);
    expect_404(p, &clerk);
    expect_404(p, &chief);
    expect_404(p, &town_pm);
    expect_404(p, &officer);
    expect_200(p, &bureau);
    expect_200(p, &reviewer);
    expect_200(p, &town_nl);
    expect_404("/api/v1/assistants/no-such-assistant", &bureau);
    /* township users, station staff: their town */
    expect_assistants_in(&town_pm, C_PUMIAO, 28);
    expect_assistants_in(&town_nl, C_NALOU, 22);
    expect_assistants_in(&clerk, C_PUMIAO, 28);
    expect_assistants_in(&chief, C_PUMIAO, 28);
    /* the officer: the assistants of their villages, who name them */
    json_t *ov = list("/api/v1/assistants", &officer, 200);
    json_t *oa = list("/api/v1/areas", &officer, 200);
    CHECKF(ov && oa && json_array_size(ov) >= 1 && json_array_size(ov) == json_array_size(oa),
           "officer_pumiao1 sees one assistant per village of their scope (%zu vs %zu)",
           ov ? json_array_size(ov) : 0, oa ? json_array_size(oa) : 0);
    json_array_foreach(ov, i, a)
    {
        CHECKF(tfind(oa, "id", tjs(a, "village_id")) != NULL,
               "officer's assistant %s lies in the officer's villages", tjs(a, "id"));
        CHECKF(tarray_has(json_object_get(a, "officer_ids"), officer.user_id),
               "officer_ids of %s names officer_pumiao1", tjs(a, "id"));
    }
    json_decref(ov);
    json_decref(oa);
    json_t *rv = list("/api/v1/assistants", &reviewer, 200);
    CHECKF(rv && json_array_size(rv) == 81, "reviewer sees the district's assistants");
    json_decref(rv);
    expect_200("/api/v1/assistants", &admin);
    expect_403("/api/v1/assistants", &auditor);
    json_decref(all);
}

static bool names_area(json_t *item, const char *code)
{
    char *s = json_dumps(item, JSON_COMPACT);
    bool yes = s && (strstr(s, code) || (id_of(code) && strstr(s, id_of(code))));
    free(s);
    return yes;
}

static void test_coverage(void)
{
    REQUIREF(id_of(C_EXTRA) != NULL, "the imported test village is visible to the bureau");
    const struct tsession *sees[] = {&bureau, &clerk, &town_pm, &reviewer, NULL};
    for (int k = 0; sees[k]; k++) {
        json_t *items = list("/api/v1/assistants/coverage", sees[k], 200);
        CHECKF(items && json_array_size(items) == 1 &&
                   names_area(json_array_get(items, 0), C_EXTRA),
               "%s: coverage is exactly the test village %s: %s", sees[k]->username, C_EXTRA,
               tdump(items));
        json_decref(items);
    }
    json_t *nl = list("/api/v1/assistants/coverage", &town_nl, 200);
    CHECKF(nl && json_array_size(nl) == 0, "town_nalou: no gap in 那楼镇");
    json_decref(nl);
    expect_403("/api/v1/assistants/coverage", &auditor);
}

static void test_users_and_audit(void)
{
    const struct tsession *others[] = {&bureau,  &reviewer, &clerk,   &chief, &officer,
                                       &town_pm, &yang,     &auditor, NULL};
    char p[256];
    snprintf(p, sizeof p, "/api/v1/users/%s", yang.user_id);
    for (int k = 0; others[k]; k++) {
        expect_403("/api/v1/users", others[k]);
        if (others[k] != &yang)
            expect_403(p, others[k]);
        if (others[k] != &auditor)
            expect_403("/api/v1/audit", others[k]);
    }
    expect_403("/api/v1/audit", &admin);
    json_t *users = list("/api/v1/users", &admin, 200);
    CHECKF(users && json_array_size(users) > 81, "admin lists the demo users (%zu)",
           users ? json_array_size(users) : 0);
    json_decref(users);
    struct tresp r;
    get_path(p, admin.token, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "username"), "yangjianzi");
        CHECK(json_is_integer(json_object_get(r.json, "version")));
        CHECK(!json_object_get(r.json, "password_hash") && !json_object_get(r.json, "totp_secret"));
    }
    tresp_free(&r);
    expect_200("/api/v1/audit", &auditor);
    /* a create by a role without the right */
    char body[512];
    snprintf(
        body, sizeof body,
        "{\"username\":\"by_bureau\",\"name\":\"x\",\"role\":\"officer\",\"area_ids\":[\"%s\"],"
        "\"password\":\"Xin#Mima2026ab\"}",
        id_of(C_LIANGXIN) ? id_of(C_LIANGXIN) : "");
    tpost(&srv, "/api/v1/users", bureau.token, body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    tpost(&srv, "/api/v1/users", yang.token, body, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        check_done();
        return 1;
    }
    char csv[T_PATH];
    const char *src = getenv("CUNJING_SOURCE_DIR");
    snprintf(csv, sizeof csv, "%s/tests/api/data/extra-village.csv", src ? src : ".");
    struct tcli c;
    tcli(&c, NULL, "import", "divisions", "--db", srv.db_url, csv, NULL);
    CHECKF(c.status == 0, "import %s: %d %s", csv, c.status, c.err);
    tcli_free(&c);
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "bureau", NULL, &bureau);
        ok = tlogin(&srv, "reviewer", NULL, &reviewer) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        ok = tlogin(&srv, "chief_pumiao", NULL, &chief) && ok;
        ok = tlogin(&srv, "officer_pumiao1", NULL, &officer) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town_pm) && ok;
        ok = tlogin(&srv, "town_nalou", NULL, &town_nl) && ok;
        ok = tlogin(&srv, "yangjianzi", NULL, &yang) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "admin", NULL, &admin) && ok;
        ok = tlogin(&srv, "auditor", NULL, &auditor) && ok;
        if (ok) {
            load_ids();
            check_run("no_token", test_no_token);
            check_run("areas", test_areas);
            check_run("units", test_units);
            check_run("assistants", test_assistants);
            check_run("coverage", test_coverage);
            check_run("users_and_audit", test_users_and_audit);
        }
        json_decref(ids);
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
