/*
 * Personal data at rest (issue 9, test 9): residents' ID numbers and phone
 * numbers entered through the API - 10 household applications and 5
 * disputes, 30 values in all - are read back whole through the API (so the
 * server really holds them), looked up by exact ID number (the keyed blind
 * index), and then searched for in the clear in everything the server left
 * on the disk: the SQLite database file, its WAL, an online backup and the
 * server's logs (stdout: access log; stderr). On PostgreSQL the text of every
 * row of every table of the database stands for the files. None may be found.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "harness.h"

#define N_APPS 10
#define N_DISPUTES 5

static struct tserver srv;
static struct tsession yang;
static char village[64];
static char secrets[2 * (N_APPS + N_DISPUTES)][20];
static size_t n_secrets;

static void add_secret(const char *s)
{
    snprintf(secrets[n_secrets++], sizeof secrets[0], "%s", s);
}

/* The whole file (NULL when it does not exist); *len its size. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Every secret is absent from the bytes; returns how many were looked for. */
static size_t none_in(const char *what, const char *buf, size_t len)
{
    for (size_t i = 0; i < n_secrets; i++) {
        size_t sl = strlen(secrets[i]);
        CHECKF(!memmem(buf, len, secrets[i], sl), "%s holds %s in the clear", what, secrets[i]);
    }
    return n_secrets;
}

static void scan_file(const char *path, bool must_exist)
{
    size_t len = 0;
    char *buf = slurp(path, &len);
    if (!buf) {
        CHECKF(!must_exist, "%s is missing", path);
        return;
    }
    CHECKF(len > 0 || !must_exist, "%s is empty", path);
    none_in(path, buf, len);
    check_note("%s: %zu bytes searched for %zu values", path, len, n_secrets);
    free(buf);
}

static void seed(void)
{
    for (int i = 0; i < N_APPS; i++) {
        char first17[18], idn[19], phone[12], body[1024];
        snprintf(first17, sizeof first17, "4501091975%02d%02d%03d", 1 + i % 12, 10 + i, 200 + i);
        tmake_id(first17, idn);
        snprintf(phone, sizeof phone, "1390771%04d", 3100 + i);
        add_secret(idn);
        add_secret(phone);
        snprintf(body, sizeof body,
                 "{\"business_type\":\"HB03\",\"village_id\":\"%s\",\"applicant\":{\"name\":"
                 "\"韦静%d\",\"id_number\":\"%s\",\"phone\":\"%s\"},\"details\":{\"note\":\"at "
                 "rest\"}}",
                 village, i, idn, phone);
        struct tresp r;
        tpost(&srv, "/api/v1/household-applications", yang.token, body, &r);
        bool ok = EXPECT_STATUS(&r, 201) && tjs(r.json, "id");
        char path[160];
        snprintf(path, sizeof path, "/api/v1/household-applications/%s",
                 ok ? tjs(r.json, "id") : "");
        tresp_free(&r);
        REQUIRE(ok);
        /* the assistant reads it back whole: the server holds the values */
        tget(&srv, path, yang.token, &r);
        if (EXPECT_STATUS(&r, 200)) {
            CHECK_STR(tjs(r.json, "applicant.id_number"), idn);
            CHECK_STR(tjs(r.json, "applicant.phone"), phone);
        }
        tresp_free(&r);
        /* ... and finds it by the exact ID number (blind index), the number in the query */
        snprintf(path, sizeof path, "/api/v1/household-applications?q=%s", idn);
        tget(&srv, path, yang.token, &r);
        if (EXPECT_STATUS(&r, 200))
            CHECKF(json_array_size(tj(r.json, "items")) == 1, "lookup by ID number: %s",
                   r.body ? r.body : "");
        tresp_free(&r);
    }
    for (int i = 0; i < N_DISPUTES; i++) {
        char first17[18], idn[19], phone[12], body[1024];
        snprintf(first17, sizeof first17, "4501091968%02d%02d%03d", 1 + i, 3 + i, 500 + i);
        tmake_id(first17, idn);
        snprintf(phone, sizeof phone, "1377081%04d", 5200 + i);
        add_secret(idn);
        add_secret(phone);
        snprintf(body, sizeof body,
                 "{\"category\":\"DC02\",\"title\":\"宅基地纠纷 %d\",\"village_id\":\"%s\","
                 "\"risk_level\":\"low\",\"occurred_at\":\"2026-01-05T10:00:00+08:00\",\"parties\":"
                 "[{\"name\":\"黄甲\",\"role\":\"applicant\","
                 "\"id_number\":\"%s\",\"phone\":\"%s\"},{\"name\":\"韦乙\",\"role\":"
                 "\"respondent\"}]}",
                 i, village, idn, phone);
        struct tresp r;
        tpost(&srv, "/api/v1/disputes", yang.token, body, &r);
        bool ok = EXPECT_STATUS(&r, 201);
        tresp_free(&r);
        REQUIRE(ok);
    }
}

static void test_files(void)
{
    seed();
    CHECK_INT((long long)n_secrets, 2 * (N_APPS + N_DISPUTES));
    if (!tserver_is_pg()) {
        char path[T_PATH + 16];
        /* while serving: the database file and its WAL, and an online backup */
        scan_file(srv.db_path, true);
        snprintf(path, sizeof path, "%s-wal", srv.db_path);
        scan_file(path, false);
        snprintf(path, sizeof path, "%s/atrest-backup.db", srv.dir);
        struct tcli b;
        REQUIRE(tcli(&b, NULL, "backup", "--db", srv.db_url, "--out", path, NULL));
        CHECKF(b.status == 0, "backup: exit %d %s", b.status, b.err ? b.err : "");
        tcli_free(&b);
        scan_file(path, true);
    } else {
        /* every row of every table, as text */
        char *tables = tdb_text(
            srv.db_url, "SELECT string_agg(table_name, ',') FROM information_schema.tables "
                        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'");
        REQUIRE(tables && *tables);
        size_t rows_bytes = 0;
        for (char *save = NULL, *t = strtok_r(tables, ",", &save); t;
             t = strtok_r(NULL, ",", &save)) {
            char q[256];
            snprintf(q, sizeof q, "SELECT COALESCE(string_agg(t::text, E'\\n'), '') FROM \"%s\" t",
                     t);
            char *text = tdb_text(srv.db_url, q);
            CHECKF(text != NULL, "read table %s", t);
            if (text) {
                rows_bytes += strlen(text);
                none_in(t, text, strlen(text));
            }
            free(text);
        }
        check_note("PostgreSQL: %zu bytes of rows searched for %zu values", rows_bytes, n_secrets);
        free(tables);
    }
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        return check_done();
    }
    check_note("backend %s", tserver_backend());
    if (tserver_start(&srv, NULL)) {
        if (tlogin(&srv, "yangjianzi", NULL, &yang)) {
            struct tresp r;
            tget(&srv, "/api/v1/me", yang.token, &r);
            snprintf(village, sizeof village, "%s",
                     tjs(r.json, "user.area_ids.0") ? tjs(r.json, "user.area_ids.0") : "");
            tresp_free(&r);
            if (CHECKF(village[0], "the assistant's village"))
                check_run("files", test_files);
        }
        tserver_stop(&srv);
        /* after a clean stop: the checkpointed file, and the logs */
        if (!tserver_is_pg())
            scan_file(srv.db_path, true);
        scan_file(srv.out_path, true);
        scan_file(srv.err_path, false);
    }
    tserver_cleanup(&srv);
    return check_done();
}
