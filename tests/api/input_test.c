/*
 * The bad-input matrix: every malformed, oversized or invalid request to
 * POST /api/v1/users (as admin) and POST /api/v1/auth/login gets its exact
 * status, code and field, and no bad write stores anything (the admin's user
 * count is unchanged after each). Table cases live in data/bad-input.txt;
 * the generated ones (nesting depth 16/17, 1 MiB body limit decided from
 * Content-Length, URL over 2 KiB, headers over 8 KiB, too long fields,
 * encodings in the path and query, 405 and 404) are here. Also the security
 * headers on API, static and error answers, /healthz, /metrics and /info,
 * and that the server still answers and exits cleanly at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "harness.h"

static struct tserver srv;
static struct tsession admin;
static char area_id[128];
static long user_count = -1;
#define VALID_FMT                                                                                  \
    "{\"username\":\"%s\",\"name\":\"测试用户\",\"role\":\"%s\",\"area_ids\":[\"%s\"],"        \
    "\"password\":\"Xin#Mima2026ab\"}"

static long count_users(void)
{
    long st;
    json_t *all = tget_all(&srv, "/api/v1/users", admin.token, &st);
    long n = all ? (long)json_array_size(all) : -1;
    json_decref(all);
    return n;
}

static void expect_nothing_stored(const char *what)
{
    long n = count_users();
    CHECKF(n == user_count, "after %s: %ld users, want %ld (nothing stored)", what, n, user_count);
}

/* Sends body to target and checks the error. */
static void send_case(const char *target, const char *ctype, const char *body, size_t len,
                      long status, const char *code, const char *field, const char *label)
{
    bool users = strcmp(target, "users") == 0;
    struct treq q = {.method = "POST",
                     .path = users ? "/api/v1/users" : "/api/v1/auth/login",
                     .token = users ? admin.token : NULL,
                     .body = body,
                     .body_len = len,
                     .content_type = ctype};
    struct tresp r;
    thttp(&srv, &q, &r);
    snprintf(r.what, sizeof r.what, "%s [%.120s]", users ? "POST /users" : "POST /login", label);
    EXPECT_ERROR(&r, status, code, field);
    tresp_free(&r);
    if (users)
        expect_nothing_stored(label);
}

static size_t unescape(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = in; *p && n + 1 < cap; p++) {
        if (p[0] == '\\' && p[1] == 'x' && p[2] && p[3]) {
            char hex[3] = {p[2], p[3], 0};
            out[n++] = (char)strtol(hex, NULL, 16);
            p += 3;
        } else if (p[0] == '\\' && p[1] == '\\') {
            out[n++] = '\\';
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
    return n;
}

static void test_table(void)
{
    char path[T_PATH];
    const char *src = getenv("CUNJING_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/api/data/bad-input.txt", src ? src : ".");
    char *text = tread_file(path);
    REQUIREF(text, "cannot read %s", path);
    int cases = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (*line && *line != '#') {
            char *f[6] = {0};
            char *p = line;
            for (int i = 0; i < 6 && p; i++) {
                f[i] = p;
                p = i < 5 ? strchr(p, '\t') : NULL;
                if (p)
                    *p++ = '\0';
            }
            if (CHECKF(f[5] != NULL, "bad line in %s: %s", path, line)) {
                /* @AREA@ -> the id */
                char raw[4096], sub[4096] = "";
                char *at = strstr(f[5], "@AREA@");
                if (at)
                    snprintf(sub, sizeof sub, "%.*s%s%s", (int)(at - f[5]), f[5], area_id, at + 6);
                else
                    snprintf(sub, sizeof sub, "%s", f[5]);
                size_t len = unescape(sub, raw, sizeof raw);
                const char *ct = strcmp(f[1], "-") == 0 ? "application/json" : f[1];
                const char *field = strcmp(f[4], "-") == 0   ? NULL
                                    : strcmp(f[4], "*") == 0 ? T_ANY_FIELD
                                                             : f[4];
                char label[200];
                snprintf(label, sizeof label, "%s %s %.100s", f[2], f[3], f[5]);
                send_case(f[0], ct, len ? raw : "", len, strtol(f[2], NULL, 10), f[3], field,
                          label);
                cases++;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    check_note("%d table cases", cases);
    CHECK(cases >= 30);
    free(text);
}

static char *nested(const char *key, int depth_total)
{
    /* {"username":..., key: [[[ "x" ]]] ...} with the object at depth 1 */
    size_t cap = 4096;
    char *b = malloc(cap);
    char arrays[64] = "", closes[64] = "";
    for (int i = 0; i < depth_total - 1; i++) {
        arrays[i] = '[';
        closes[i] = ']';
    }
    if (strcmp(key, "name") == 0)
        snprintf(b, cap,
                 "{\"username\":\"t_in_2\",\"name\":%s\"x\"%s,\"role\":\"officer\",\"area_ids\":"
                 "[\"%s\"],\"password\":\"Xin#Mima2026ab\"}",
                 arrays, closes, area_id);
    else
        snprintf(b, cap, "{\"username\":%s\"x\"%s,\"password\":\"Cunjing@2026\"}", arrays, closes);
    return b;
}

static void test_depth(void)
{
    char *d16 = nested("name", 16), *d17 = nested("name", 17);
    send_case("users", "application/json", d17, 0, 400, "invalid_json", NULL, "depth 17");
    send_case("users", "application/json", d16, 0, 422, "invalid_field", "name",
              "depth 16 (valid JSON, wrong type)");
    free(d16);
    free(d17);
    d16 = nested("username", 16);
    d17 = nested("username", 17);
    send_case("login", "application/json", d17, 0, 400, "invalid_json", NULL, "depth 17");
    send_case("login", "application/json", d16, 0, 422, "invalid_field", "username", "depth 16");
    free(d16);
    free(d17);
}

static void test_too_long(void)
{
    size_t n = 3000; /* 3000 x 3 bytes */
    char *name = malloc(n * 3 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(name + i * 3, "名", 3);
    name[n * 3] = '\0';
    size_t cap = n * 3 + 512;
    char *body = malloc(cap);
    snprintf(body, cap,
             "{\"username\":\"t_in_3\",\"name\":\"%s\",\"role\":\"officer\",\"area_ids\":[\"%s\"],"
             "\"password\":\"Xin#Mima2026ab\"}",
             name, area_id);
    send_case("users", "application/json", body, 0, 422, "too_long", "name", "name of 3000 chars");
    char user[300];
    memset(user, 'u', 256);
    user[256] = '\0';
    snprintf(body, cap, VALID_FMT, user, "officer", area_id);
    send_case("users", "application/json", body, 0, 422, "too_long", "username",
              "username of 256 chars");
    free(body);
    free(name);
}

static void test_body_limit(void)
{
    /* exactly 1 MiB of valid JSON is read (and refused for its role only) */
    size_t mib = 1024 * 1024;
    char *body = malloc(mib + 2);
    int head = snprintf(body, mib, VALID_FMT, "t_in_4", "superuser", area_id);
    memset(body + head - 1, ' ', mib - (size_t)head);
    body[mib - 1] = '}';
    body[mib] = '\0';
    send_case("users", "application/json", body, mib, 422, "invalid_field", "role",
              "exactly 1 MiB");
    body[mib - 1] = ' ';
    body[mib] = '}';
    body[mib + 1] = '\0';
    send_case("users", "application/json", body, mib + 1, 413, "too_large", NULL, "1 MiB + 1");
    send_case("login", "application/json", body, mib + 1, 413, "too_large", NULL, "1 MiB + 1");
    free(body);
    /* decided from Content-Length, before any of the body is sent */
    const char *paths[] = {"/api/v1/users", "/api/v1/auth/login"};
    for (int i = 0; i < 2; i++) {
        char req[1024];
        int len = snprintf(req, sizeof req,
                           "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                           "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{",
                           paths[i], admin.token);
        struct tresp r;
        double t0 = tnow();
        traw(&srv, req, (size_t)len, 8000, &r);
        snprintf(r.what, sizeof r.what, "POST %s with Content-Length 100 MiB, body unsent",
                 paths[i]);
        EXPECT_ERROR(&r, 413, "too_large", NULL);
        CHECKF(tnow() - t0 < 7.5, "413 came without waiting for the body");
        tresp_free(&r);
    }
    expect_nothing_stored("413");
}

static void test_uri_and_headers(void)
{
    struct tresp r;
    char *path = malloc(4096);
    int n = snprintf(path, 4096, "/api/v1/users?pad=");
    memset(path + n, 'a', 2100);
    path[n + 2100] = '\0';
    tget(&srv, path, admin.token, &r);
    snprintf(r.what, sizeof r.what, "GET /api/v1/users?pad=a*2100");
    EXPECT_ERROR(&r, 414, "uri_too_long", NULL);
    tresp_free(&r);
    n = snprintf(path, 4096, "/api/v1/auth/");
    memset(path + n, 'b', 3000);
    path[n + 3000] = '\0';
    struct treq q = {.method = "POST", .path = path, .body = "{}"};
    thttp(&srv, &q, &r);
    snprintf(r.what, sizeof r.what, "POST /api/v1/auth/b*3000");
    EXPECT_ERROR(&r, 414, "uri_too_long", NULL);
    tresp_free(&r);
    /* under the limit */
    n = snprintf(path, 4096, "/api/v1/info?pad=");
    memset(path + n, 'c', 1900);
    path[n + 1900] = '\0';
    tget(&srv, path, NULL, &r);
    snprintf(r.what, sizeof r.what, "GET /api/v1/info?pad=c*1900");
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    free(path);
    /* headers over 8 KiB, one big or many */
    char *big = malloc(10000);
    n = snprintf(big, 10000, "X-Pad: ");
    memset(big + n, 'h', 9000);
    big[n + 9000] = '\0';
    const char *h1[] = {big, NULL};
    struct treq hq = {.method = "GET", .path = "/api/v1/me", .token = admin.token, .headers = h1};
    thttp(&srv, &hq, &r);
    snprintf(r.what, sizeof r.what, "GET /api/v1/me with a 9000-byte header");
    EXPECT_ERROR(&r, 431, "headers_too_large", NULL);
    tresp_free(&r);
    char *many[11];
    for (int i = 0; i < 10; i++) {
        many[i] = malloc(1100);
        n = snprintf(many[i], 1100, "X-Pad-%d: ", i);
        memset(many[i] + n, 'm', 1000);
        many[i][n + 1000] = '\0';
    }
    many[10] = NULL;
    char *keep6 = many[6];
    hq.headers = (const char *const *)many;
    hq.method = "POST";
    hq.path = "/api/v1/users";
    hq.body = "{}";
    thttp(&srv, &hq, &r);
    snprintf(r.what, sizeof r.what, "POST /api/v1/users with 10 x 1000-byte headers");
    EXPECT_ERROR(&r, 431, "headers_too_large", NULL);
    tresp_free(&r);
    /* 6 KiB of headers is fine */
    many[6] = NULL;
    hq.method = "GET";
    hq.path = "/api/v1/me";
    hq.body = NULL;
    thttp(&srv, &hq, &r);
    snprintf(r.what, sizeof r.what, "GET /api/v1/me with 6 x 1000-byte headers");
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    many[6] = keep6;
    for (int i = 0; i < 10; i++)
        free(many[i]);
    free(big);
    expect_nothing_stored("431");
}

static void test_path_encoding(void)
{
    const char *paths[] = {"/api/v1/areas/%ff",
                           "/api/v1/areas/%00",
                           "/api/v1/areas/a%c0%afb",
                           "/api/v1/areas?parent_id=%ff",
                           "/api/v1/areas?parent_id=a%00b",
                           NULL};
    for (int i = 0; paths[i]; i++) {
        struct tresp r;
        tget(&srv, paths[i], admin.token, &r);
        EXPECT_ERROR(&r, 400, "invalid_encoding", NULL);
        tresp_free(&r);
    }
}

static void test_method_and_path(void)
{
    struct {
        const char *method, *path;
        long status;
        const char *code;
    } cases[] = {
        {"DELETE", "/api/v1/users", 405, "method_not_allowed"},
        {"PUT", "/api/v1/users", 405, "method_not_allowed"},
        {"GET", "/api/v1/auth/login", 405, "method_not_allowed"},
        {"PUT", "/api/v1/me", 405, "method_not_allowed"},
        {"POST", "/api/v1/areas", 405, "method_not_allowed"},
        {"GET", "/api/v1/nope", 404, "not_found"},
        {"POST", "/api/v1/nope", 404, "not_found"},
        {"GET", "/api/v1/users/no-such-user", 404, "not_found"},
        {"GET", "/api/v2/users", 404, "not_found"},
        {"GET", "/api/v1/users/x/y/z", 404, "not_found"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct treq q = {.method = cases[i].method, .path = cases[i].path, .token = admin.token};
        if (strcmp(cases[i].method, "GET") != 0)
            q.body = "{}";
        struct tresp r;
        thttp(&srv, &q, &r);
        EXPECT_ERROR(&r, cases[i].status, cases[i].code, NULL);
        char allow[256];
        if (cases[i].status == 405)
            CHECKF(tresp_header(&r, "Allow", allow, sizeof allow), "%s: 405 with an Allow header",
                   r.what);
        tresp_free(&r);
    }
    expect_nothing_stored("405/404");
}

static void check_security_headers(const struct tresp *r, bool api)
{
    char v[2048];
    CHECKF(tresp_header(r, "Content-Security-Policy", v, sizeof v) && strstr(v, "frame-ancestors"),
           "%s: Content-Security-Policy with frame-ancestors", r->what);
    CHECKF(tresp_header(r, "X-Content-Type-Options", v, sizeof v) && strcasecmp(v, "nosniff") == 0,
           "%s: X-Content-Type-Options: nosniff", r->what);
    CHECKF(tresp_header(r, "Referrer-Policy", v, sizeof v) && *v, "%s: Referrer-Policy", r->what);
    if (api)
        CHECKF(tresp_header(r, "Cache-Control", v, sizeof v) && strstr(v, "no-store"),
               "%s: Cache-Control: no-store", r->what);
}

static void test_security_headers(void)
{
    struct tresp r;
    tget(&srv, "/healthz", NULL, &r);
    if (EXPECT_STATUS(&r, 200))
        CHECK_STR(tjs(r.json, "status"), "ok");
    check_security_headers(&r, false);
    tresp_free(&r);
    tget(&srv, "/api/v1/info", NULL, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK(tjs(r.json, "name") && tjs(r.json, "version"));
        CHECK(json_is_true(json_object_get(r.json, "demo")));
        CHECK_STR(tjs(r.json, "time_zone"), "Asia/Shanghai"); /* the default [time] zone */
    }
    check_security_headers(&r, true);
    tresp_free(&r);
    tget(&srv, "/api/v1/me", admin.token, &r);
    EXPECT_STATUS(&r, 200);
    check_security_headers(&r, true);
    tresp_free(&r);
    tget(&srv, "/api/v1/nope", admin.token, &r);
    check_security_headers(&r, true);
    tresp_free(&r);
    tlogin_raw(&srv, "nobody_here", "x", NULL, &r);
    check_security_headers(&r, true);
    tresp_free(&r);
    tget(&srv, "/", NULL, &r);
    char ct[256] = "";
    tresp_header(&r, "Content-Type", ct, sizeof ct);
    if (EXPECT_STATUS(&r, 200))
        CHECKF(strncmp(ct, "text/html", 9) == 0, "GET /: Content-Type %s", ct);
    check_security_headers(&r, false);
    tresp_free(&r);
    tget(&srv, "/metrics", NULL, &r);
    tresp_header(&r, "Content-Type", ct, sizeof ct);
    if (EXPECT_STATUS(&r, 200)) {
        CHECKF(strncmp(ct, "text/plain", 10) == 0, "GET /metrics: Content-Type %s", ct);
        CHECK(strstr(r.body, "# TYPE ") != NULL);
    }
    tresp_free(&r);
}

/* A list filter outside its values is 422 naming it, never an empty page; a valid one is 200. */
static struct tsession *filters_as;
static void test_list_filters(void)
{
    static const struct {
        const char *path, *field;
    } bad[] = {
        {"/api/v1/household-applications?status=bogus", "status"},
        {"/api/v1/disputes?status=closed", "status"},
        {"/api/v1/disputes?risk_level=extreme", "risk_level"},
        {"/api/v1/intel-reports?status=maybe", "status"},
        {"/api/v1/cases?status=solved", "status"},
        {"/api/v1/cases?kind=civil", "kind"},
        {"/api/v1/activities?kind=party", "kind"},
    };
    struct tresp r;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tget(&srv, bad[i].path, filters_as->token, &r);
        CHECKF(r.status == 422, "%s: %ld", bad[i].path, r.status);
        EXPECT_ERROR(&r, 422, "invalid_field", bad[i].field);
        CHECKF(r.body && strstr(r.body, "one of:"), "%s names the values: %s", bad[i].path,
               r.body ? r.body : "");
        tresp_free(&r);
    }
    static const char *const good[] = {
        "/api/v1/household-applications?status=submitted",
        "/api/v1/disputes?status=open&risk_level=high",
        "/api/v1/intel-reports?status=valid",
        "/api/v1/cases?status=closed&kind=criminal",
        "/api/v1/activities?kind=help_education",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        tget(&srv, good[i], filters_as->token, &r);
        CHECKF(r.status == 200, "%s: %ld %s", good[i], r.status, r.body ? r.body : "");
        tresp_free(&r);
    }
}

static void test_valid_create(void)
{
    char body[1024];
    snprintf(body, sizeof body, VALID_FMT, "t_in_ok", "officer", area_id);
    struct treq q = {.method = "POST",
                     .path = "/api/v1/users",
                     .token = admin.token,
                     .body = body,
                     .content_type = "application/json; charset=utf-8"};
    struct tresp r;
    thttp(&srv, &q, &r);
    if (EXPECT_STATUS(&r, 201)) {
        CHECK_STR(tjs(r.json, "username"), "t_in_ok");
        CHECK(tjs(r.json, "id") != NULL);
        CHECK(!json_object_get(r.json, "password") && !json_object_get(r.json, "password_hash"));
    }
    tresp_free(&r);
    long n = count_users();
    CHECKF(n == user_count + 1, "a good create stores one user: %ld, want %ld", n, user_count + 1);
    struct tsession s;
    CHECKF(tlogin(&srv, "t_in_ok", "Xin#Mima2026ab", &s), "the new user can log in");
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        check_done();
        return 1;
    }
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (tserver_start(&srv, env)) {
        struct tsession bureau;
        if (tlogin(&srv, "admin", NULL, &admin) && tlogin(&srv, "bureau", NULL, &bureau)) {
            /* 良信村's id: county -> 蒲庙镇 -> 良信村 */
            long st;
            json_t *top = tget_all(&srv, "/api/v1/areas", bureau.token, &st);
            const char *county = top ? tjs(top, "0.id") : NULL;
            char p[256];
            snprintf(p, sizeof p, "/api/v1/areas?parent_id=%s", county ? county : "x");
            json_t *towns = tget_all(&srv, p, bureau.token, &st);
            json_t *pm = tfind(towns, "code", "450109100000");
            snprintf(p, sizeof p, "/api/v1/areas?parent_id=%s", pm ? tjs(pm, "id") : "x");
            json_t *vils = tget_all(&srv, p, bureau.token, &st);
            json_t *lx = tfind(vils, "code", "450109100211");
            snprintf(area_id, sizeof area_id, "%s", lx ? tjs(lx, "id") : "");
            CHECKF(area_id[0], "found the id of 良信村");
            json_decref(top);
            json_decref(towns);
            json_decref(vils);
            user_count = count_users();
            CHECKF(user_count > 0, "admin lists users");
            check_run("table", test_table);
            check_run("depth", test_depth);
            check_run("too_long", test_too_long);
            check_run("body_limit", test_body_limit);
            check_run("uri_and_headers", test_uri_and_headers);
            check_run("path_encoding", test_path_encoding);
            check_run("method_and_path", test_method_and_path);
            check_run("security_headers", test_security_headers);
            check_run("valid_create", test_valid_create);
            filters_as = &bureau;
            check_run("list_filters", test_list_filters);
        }
        struct tresp r;
        tget(&srv, "/healthz", NULL, &r);
        EXPECT_STATUS(&r, 200);
        tresp_free(&r);
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
