/*
 * The command line: --help, version and every subcommand's --help (exit 0),
 * bad usage (exit 2), init run twice (idempotent, key file kept), importing a
 * small division file (data/small-divisions.csv, rows out of order; again:
 * nothing changes) and one with a bad row at line 4 (exit 1 naming line 4,
 * nothing stored), unit add, user add with --password-stdin (a reviewer
 * prints exactly one otpauth:// line), assistant set, user passwd and user
 * disable seen through a running server, demo refusing a non-demo database,
 * and backup while serving, restore into a new path and audit verify there
 * (SQLite; on PostgreSQL backup refuses, naming pg_dump, and restore refuses
 * a postgresql: target).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static struct tserver srv;

#define NEW_PASSWORD "Xin#Mima2026ab"

static long long sql_int(const char *url, const char *query)
{
    return tdb_int(url, query);
}

static char *sql_text(const char *url, const char *query)
{
    return tdb_text(url, query);
}

static void run_expect(int want, const char *stdin_text, const char *const *argv)
{
    struct tcli c;
    tcli_run(&c, stdin_text, argv);
    char cmd[512] = "cunjing";
    for (int i = 0; argv[i]; i++) {
        size_t l = strlen(cmd);
        snprintf(cmd + l, sizeof cmd - l, " %.60s", argv[i]);
    }
    CHECKF(c.status == want, "`%s`: exit %d, want %d\nstdout: %.500s\nstderr: %.500s", cmd,
           c.status, want, c.out, c.err);
    if (want == 0 && strstr(cmd, "--help"))
        CHECKF(c.out[0] != '\0', "`%s` prints help on stdout", cmd);
    if (want == 1)
        CHECKF(tcount_lines(c.err) == 1, "`%s`: one clear line on stderr, got:\n%s", cmd, c.err);
    if (want == 2)
        CHECKF(c.err[0] != '\0', "`%s`: usage error on stderr", cmd);
    tcli_free(&c);
}

#define RUN(want, in, ...) run_expect(want, in, (const char *[]){__VA_ARGS__, NULL})

static void test_help_and_usage(void)
{
    struct tcli c;
    tcli(&c, NULL, "--help", NULL);
    CHECKF(c.status == 0 && strstr(c.out, "serve") && strstr(c.out, "init"),
           "cunjing --help: exit %d, lists the subcommands:\n%s", c.status, c.out);
    tcli_free(&c);
    tcli(&c, NULL, "version", NULL);
    CHECKF(c.status == 0 && strchr(c.out, '.') && tcount_lines(c.out) >= 1,
           "cunjing version: exit %d: %s", c.status, c.out);
    tcli_free(&c);
    RUN(0, NULL, "init", "--help");
    RUN(0, NULL, "import", "divisions", "--help");
    RUN(0, NULL, "unit", "add", "--help");
    RUN(0, NULL, "user", "add", "--help");
    RUN(0, NULL, "user", "passwd", "--help");
    RUN(0, NULL, "user", "disable", "--help");
    RUN(0, NULL, "assistant", "set", "--help");
    RUN(0, NULL, "demo", "--help");
    RUN(0, NULL, "serve", "--help");
    RUN(0, NULL, "backup", "--help");
    RUN(0, NULL, "restore", "--help");
    RUN(0, NULL, "audit", "verify", "--help");
    RUN(0, NULL, "version", "--help");
    RUN(2, NULL, "frobnicate");
    RUN(2, NULL, "init", "--bogus-option");
    RUN(2, NULL, "init", "--db");
    RUN(2, NULL, "user", "frobnicate");
    RUN(2, NULL, "audit", "frobnicate");
    RUN(2, NULL, "user", "add", "--db", srv.db_url);
    RUN(2, NULL, "import", "divisions", "--db", srv.db_url);
    RUN(2, NULL, "unit", "add", "--db", srv.db_url, "--code", "x");
    RUN(2, NULL, "backup", "--db", srv.db_url);
}

static void test_init_twice(void)
{
    const char *q =
        tserver_is_pg()
            ? "SELECT (SELECT string_agg(table_name || '.' || column_name || ':' || data_type || "
              "':' || is_nullable || ':' || coalesce(column_default, ''), '|' ORDER BY "
              "table_name, ordinal_position) FROM information_schema.columns WHERE "
              "table_schema = 'public') || '#' || (SELECT string_agg(indexdef, '|' ORDER BY "
              "indexname) FROM pg_indexes WHERE schemaname = 'public') || '#' || (SELECT "
              "string_agg(tgname, '|' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal)"
            : "SELECT group_concat(name || ':' || coalesce(sql, ''), '|') FROM "
              "(SELECT name, sql FROM sqlite_master ORDER BY name)";
    char *before = sql_text(srv.db_url, q);
    const char *key = srv.key_path;
    char *key_before = tread_file(key);
    struct stat st;
    CHECKF(key_before && stat(key, &st) == 0 && (st.st_mode & 0777) == 0600,
           "init created %s with mode 0600", key);
    RUN(0, NULL, "init", "--db", srv.db_url);
    char *after = sql_text(srv.db_url, q);
    char *key_after = tread_file(key);
    CHECKF(before && after && strcmp(before, after) == 0, "second init leaves the schema as is");
    CHECKF(key_before && key_after && strcmp(key_before, key_after) == 0,
           "second init keeps the key file");
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM users"), 0);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas"), 0);
    free(before);
    free(after);
    free(key_before);
    free(key_after);
}

static void test_import(void)
{
    char csv[T_PATH];
    const char *src = getenv("CUNJING_SOURCE_DIR");
    snprintf(csv, sizeof csv, "%s/tests/api/data/small-divisions.csv", src ? src : ".");
    RUN(0, NULL, "import", "divisions", "--db", srv.db_url, csv);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas"), 6);
    char *parent = sql_text(srv.db_url, "SELECT p.code FROM areas a JOIN areas p ON "
                                        "a.parent_id = p.id WHERE a.code = '450109100211'");
    CHECK_STR(parent, "450109100000");
    free(parent);
    char *hamlet = sql_text(srv.db_url, "SELECT p.code FROM areas a JOIN areas p ON a.parent_id "
                                        "= p.id WHERE a.name = '花料坡'");
    CHECK_STR(hamlet, "450109100211");
    free(hamlet);
    RUN(0, NULL, "import", "divisions", "--db", srv.db_url, csv);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas"), 6);
    /* a bad row at line 4: nothing of the file is stored */
    char bad[T_PATH];
    snprintf(bad, sizeof bad, "%s/bad.csv", srv.dir);
    const char *text =
        "code,level,name_zh,parent_code,verified,short_name,urban_rural_code,"
        "gb2260_code,as_of,source\n"
        "450109101000,town,那楼镇,450109000000,yes,那楼,,,2022-10-31,test\n"
        "450109101201,village,屯六村委会,450109101000,yes,屯六村,,,2022-10-31,test\n"
        "450109101202,hamlet,坛墩村委会,450109101000,yes,坛墩村,,,2022-10-31,test\n"
        "450109101203,village,坛垌村委会,450109101000,yes,坛垌村,,,2022-10-31,test\n";
    twrite_file(bad, text, strlen(text));
    struct tcli c;
    tcli(&c, NULL, "import", "divisions", "--db", srv.db_url, bad, NULL);
    CHECKF(c.status == 1, "bad row: exit %d, want 1 (%s)", c.status, c.err);
    CHECKF(tmentions_number(c.err, 4) && tcount_lines(c.err) == 1,
           "one stderr line naming line 4: %s", c.err);
    tcli_free(&c);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas"), 6);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas WHERE code = '450109101000'"), 0);
    /* an unknown parent at line 4 */
    text = "code,level,name_zh,parent_code,verified,short_name,urban_rural_code,gb2260_code,"
           "as_of,source\n"
           "450109101000,town,那楼镇,450109000000,yes,那楼,,,2022-10-31,test\n"
           "450109101201,village,屯六村委会,450109101000,yes,屯六村,,,2022-10-31,test\n"
           "450109101202,village,坛墩村委会,450109888000,yes,坛墩村,,,2022-10-31,test\n";
    twrite_file(bad, text, strlen(text));
    tcli(&c, NULL, "import", "divisions", "--db", srv.db_url, bad, NULL);
    CHECKF(c.status == 1 && tmentions_number(c.err, 4), "unknown parent at line 4: exit %d: %s",
           c.status, c.err);
    tcli_free(&c);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas"), 6);
    char missing[T_PATH];
    snprintf(missing, sizeof missing, "%s/missing.csv", srv.dir);
    RUN(1, NULL, "import", "divisions", "--db", srv.db_url, missing);
}

static void test_unit_user_assistant(void)
{
    RUN(0, NULL, "unit", "add", "--db", srv.db_url, "--code", "pumiao", "--name", "蒲庙派出所",
        "--kind", "station", "--area", "450109100000");
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM units"), 1);
    RUN(1, NULL, "unit", "add", "--db", srv.db_url, "--code", "bad code!", "--name", "x", "--kind",
        "station", "--area", "450109100000");
    RUN(1, NULL, "unit", "add", "--db", srv.db_url, "--code", "nalou", "--name", "那楼派出所",
        "--kind", "station", "--area", "450109101000");
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM units"), 1);

    struct tcli c;
    tcli(&c, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "clerk1", "--name",
         "窗口民警", "--role", "clerk", "--unit", "pumiao", "--password-stdin", NULL);
    CHECKF(c.status == 0 && !strstr(c.out, "otpauth://"), "user add clerk: exit %d %s %s", c.status,
           c.out, c.err);
    tcli_free(&c);
    tcli(&c, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "rev1", "--name",
         "审核员", "--role", "reviewer", "--area", "450109000000", "--password-stdin", NULL);
    CHECKF(c.status == 0, "user add reviewer: exit %d %s", c.status, c.err);
    CHECKF(tcount_lines(c.out) == 1 && strncmp(c.out, "otpauth://totp/", 15) == 0 &&
               strstr(c.out, "secret="),
           "a reviewer's add prints exactly one otpauth:// line on stdout:\n%s", c.out);
    char secret[128];
    if (CHECK(totpauth_secret(c.out, secret, sizeof secret)))
        tserver_add_secret(&srv, "rev1", secret);
    tcli_free(&c);
    RUN(0, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "asst1", "--name",
        "辅警甲", "--role", "assistant", "--area", "450109100211", "--password-stdin");
    RUN(0, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "chief1", "--name",
        "所长", "--role", "station_chief", "--unit", "pumiao", "--password-stdin");
    long long users = sql_int(srv.db_url, "SELECT count(*) FROM users");
    CHECK_INT(users, 4);
    RUN(1, "short\n", "user", "add", "--db", srv.db_url, "--username", "weak1", "--name", "x",
        "--role", "clerk", "--unit", "pumiao", "--password-stdin");
    RUN(1, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "clerk1", "--name",
        "重名", "--role", "clerk", "--unit", "pumiao", "--password-stdin");
    RUN(1, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "x1", "--name", "x",
        "--role", "superuser", "--area", "450109100211", "--password-stdin");
    RUN(1, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "x2", "--name", "x",
        "--role", "clerk", "--area", "450109101000", "--password-stdin");
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM users"), users);

    RUN(0, NULL, "assistant", "set", "--db", srv.db_url, "--username", "asst1", "--phone",
        "13800138000", "--contract-start", "2026-01-01", "--contract-end", "2026-12-31");
    RUN(1, NULL, "assistant", "set", "--db", srv.db_url, "--username", "asst1", "--phone", "12345");
    RUN(1, NULL, "assistant", "set", "--db", srv.db_url, "--username", "clerk1", "--phone",
        "13800138000");
    RUN(1, NULL, "assistant", "set", "--db", srv.db_url, "--username", "nobody", "--phone",
        "13800138000");
    RUN(1, NULL, "assistant", "set", "--db", srv.db_url, "--username", "asst1", "--contract-start",
        "2026-02-30");

    /* demo refuses a database that is not empty and not a demo */
    RUN(1, NULL, "demo", "--db", srv.db_url);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM users"), users);
    CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM areas"), 6);
}

static void test_served(void)
{
    struct tsession clerk, rev, asst;
    REQUIRE(tlogin(&srv, "clerk1", NULL, &clerk));
    CHECKF(tlogin(&srv, "rev1", NULL, &rev), "reviewer logs in with the TOTP of `user add`");
    REQUIRE(tlogin(&srv, "asst1", NULL, &asst));
    long st;
    json_t *top = tget_all(&srv, "/api/v1/areas", clerk.token, &st);
    json_t *town = tfind(top, "code", "450109100000");
    CHECKF(top && json_array_size(top) == 1 && town, "clerk1's scope is the unit's town: %s",
           tdump(top));
    char p[256];
    snprintf(p, sizeof p, "/api/v1/areas?parent_id=%s", town ? tjs(town, "id") : "x");
    json_t *kids = tget_all(&srv, p, clerk.token, &st);
    json_t *village = tfind(kids, "code", "450109100211");
    json_t *units = tget_all(&srv, "/api/v1/units", clerk.token, &st);
    json_t *unit = tfind(units, "code", "pumiao");
    CHECKF(unit && tarray_has(json_object_get(unit, "area_ids"), town ? tjs(town, "id") : ""),
           "unit pumiao with its area: %s", tdump(units));
    json_t *as = tget_all(&srv, "/api/v1/assistants", clerk.token, &st);
    json_t *a = as ? json_array_get(as, 0) : NULL;
    CHECKF(as && json_array_size(as) == 1, "one assistant: %s", tdump(as));
    if (a) {
        CHECK_STR(tjs(a, "user_id"), asst.user_id);
        CHECK_STR(tjs(a, "village_id"), village ? tjs(village, "id") : "?");
        CHECK_STR(tjs(a, "employer_id"), town ? tjs(town, "id") : "?");
        CHECK_STR(tjs(a, "station_id"), unit ? tjs(unit, "id") : "?");
        CHECK_STR(tjs(a, "phone"), "13800138000");
        CHECK_STR(tjs(a, "contract_start"), "2026-01-01");
        CHECK_STR(tjs(a, "contract_end"), "2026-12-31");
    }
    json_decref(top);
    json_decref(kids);
    json_decref(units);
    json_decref(as);

    /* user passwd while serving */
    RUN(0, NEW_PASSWORD "\n", "user", "passwd", "--db", srv.db_url, "--username", "clerk1",
        "--password-stdin");
    RUN(1, "short\n", "user", "passwd", "--db", srv.db_url, "--username", "clerk1",
        "--password-stdin");
    RUN(1, NEW_PASSWORD "\n", "user", "passwd", "--db", srv.db_url, "--username", "nobody",
        "--password-stdin");
    struct tresp r;
    tlogin_raw(&srv, "clerk1", T_PASSWORD, NULL, &r);
    EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
    tresp_free(&r);
    struct tsession s;
    CHECKF(tlogin(&srv, "clerk1", NEW_PASSWORD, &s), "clerk1 logs in with the new password");

    /* user disable while serving */
    RUN(0, NULL, "user", "disable", "--db", srv.db_url, "--username", "asst1");
    RUN(1, NULL, "user", "disable", "--db", srv.db_url, "--username", "nobody");
    tlogin_raw(&srv, "asst1", T_PASSWORD, NULL, &r);
    EXPECT_ERROR(&r, 401, "invalid_credentials", NULL);
    tresp_free(&r);
    tget(&srv, "/api/v1/me", asst.token, &r);
    check_note("a disabled user's open session answers %ld on /me", r.status);
    tresp_free(&r);

    /* backup while serving (SQLite); PostgreSQL refuses, pointing to pg_dump */
    char out[T_PATH];
    snprintf(out, sizeof out, "%s/backup.db", srv.dir);
    struct stat st2;
    if (tserver_is_pg()) {
        struct tcli b;
        tcli(&b, NULL, "backup", "--db", srv.db_url, "--out", out, NULL);
        CHECKF(b.status == 1, "backup on PostgreSQL: exit %d, want 1\n%s", b.status, b.err);
        CHECKF(strstr(b.err, "pg_dump") && tcount_lines(b.err) == 1,
               "backup on PostgreSQL: one stderr line naming pg_dump: %s", b.err);
        tcli_free(&b);
        CHECKF(stat(out, &st2) != 0, "no backup file written");
    } else {
        RUN(0, NULL, "backup", "--db", srv.db_url, "--out", out);
        CHECKF(stat(out, &st2) == 0 && st2.st_size > 0, "backup wrote %s", out);
    }
    tget(&srv, "/healthz", NULL, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
}

static void test_restore(void)
{
    if (tserver_is_pg()) {
        /* restore writes SQLite files only: a PostgreSQL target is refused and the
           database is left as it was */
        char in[T_PATH];
        snprintf(in, sizeof in, "%s/none.db", srv.dir);
        long long users = sql_int(srv.db_url, "SELECT count(*) FROM users");
        RUN(1, NULL, "restore", "--in", in, "--db", srv.db_url);
        CHECK_INT(sql_int(srv.db_url, "SELECT count(*) FROM users"), users);
        RUN(0, NULL, "audit", "verify", "--db", srv.db_url);
        return;
    }
    char in[T_PATH], dir[T_PATH], url[T_PATH], db[T_PATH], key_from[T_PATH], key_to[T_PATH];
    snprintf(in, sizeof in, "%s/backup.db", srv.dir);
    snprintf(dir, sizeof dir, "%.200s/restored", srv.dir);
    mkdir(dir, 0700);
    snprintf(db, sizeof db, "%.200s/r.db", dir);
    snprintf(url, sizeof url, "sqlite:%.200s", db);
    snprintf(key_from, sizeof key_from, "%.200s/cunjing.key", srv.dir);
    snprintf(key_to, sizeof key_to, "%.200s/cunjing.key", dir);
    CHECK(tcopy_file(key_from, key_to));
    chmod(key_to, 0600);
    RUN(0, NULL, "restore", "--in", in, "--db", url);
    CHECK_INT(sql_int(url, "SELECT count(*) FROM users"),
              sql_int(srv.db_url, "SELECT count(*) FROM users"));
    CHECK_INT(sql_int(url, "SELECT count(*) FROM areas"), 6);
    CHECKF(sql_int(url, "SELECT count(*) FROM audit_log") > 0, "the restored log has rows");
    RUN(0, NULL, "audit", "verify", "--db", url);
    RUN(0, NULL, "audit", "verify", "--db", srv.db_url);
}

int main(void)
{
    if (!tserver_setup(&srv, false)) {
        tserver_cleanup(&srv);
        check_done();
        return 1;
    }
    check_run("help_and_usage", test_help_and_usage);
    check_run("init_twice", test_init_twice);
    check_run("import", test_import);
    check_run("unit_user_assistant", test_unit_user_assistant);
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000", NULL};
    if (tserver_start(&srv, env)) {
        check_run("served", test_served);
        tserver_stop(&srv);
        check_run("restore", test_restore);
    }
    tserver_cleanup(&srv);
    return check_done();
}
