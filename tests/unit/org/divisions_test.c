/*
 * Unit tests of the division CSV import: the pure row and header parsers
 * (every reason a row is refused), then org_import_divisions() against a
 * fresh SQLite database: rows in any order, natural villages keyed by parent
 * and name, the same file twice changes nothing, a bad row stores nothing,
 * renames count as updates, and the real Yongning file loads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/app.h"
#include "core/rand.h"
#include "org/org.h"
#include "org/org_int.h"
#include "store/migrate.h"
#include "store/tx.h"

#include "core/xalloc.h"

#define HDR "code,level,name_zh,parent_code,verified,short_name,urban_rural_code"

/* --- parser ----------------------------------------------------------------- */

static struct divisions_header header(void)
{
    char line[] = HDR;
    struct divisions_header h;
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_int_equal(divisions_parse_header(line, &h, &ei), ERR_OK);
    return h;
}

static void header_is_checked(void **state)
{
    (void)state;
    struct divisions_header h = header();
    assert_int_equal(h.n_cols, 7);
    assert_int_equal(h.short_name, 5);
    assert_int_equal(h.urban_rural_code, 6);

    char minimal[] = "code,level,name_zh,parent_code\r";
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_int_equal(divisions_parse_header(minimal, &h, &ei), ERR_OK);
    assert_int_equal(h.n_cols, 4);
    assert_int_equal(h.short_name, -1);

    char bom[] = "\xEF\xBB\xBF"
                 "code,level,name_zh,parent_code";
    assert_int_equal(divisions_parse_header(bom, &h, &ei), ERR_OK);

    char wrong[] = "level,code,name_zh,parent_code";
    assert_int_equal(divisions_parse_header(wrong, &h, &ei), ERR_INVALID);
    char shorter[] = "code,level,name_zh";
    assert_int_equal(divisions_parse_header(shorter, &h, &ei), ERR_INVALID);
}

static void good_rows_parse(void **state)
{
    (void)state;
    struct divisions_header h = header();
    struct division_row row;
    struct errinfo ei;
    errinfo_clear(&ei);
    char a[] = "450109100000,town,蒲庙镇,450109000000,yes,蒲庙,\r";
    assert_int_equal(divisions_parse_row(a, &h, &row, &ei), ERR_OK);
    assert_string_equal(row.code, "450109100000");
    assert_string_equal(row.level, "town");
    assert_string_equal(row.name, "蒲庙镇");
    assert_string_equal(row.parent_code, "450109000000");
    assert_string_equal(row.short_name, "蒲庙");
    assert_null(row.urban_rural_code);

    char root[] = "450000000000,province,广西壮族自治区,,yes,广西,";
    assert_int_equal(divisions_parse_row(root, &h, &row, &ei), ERR_OK);
    assert_string_equal(row.parent_code, "");

    char nv[] = ",natural_village,花料坡,450109100201,no,,";
    assert_int_equal(divisions_parse_row(nv, &h, &row, &ei), ERR_OK);
    assert_string_equal(row.code, "");
    assert_null(row.short_name);

    char urc[] = "450109100001,community,红星社区居委会,450109100000,yes,红星社区,111";
    assert_int_equal(divisions_parse_row(urc, &h, &row, &ei), ERR_OK);
    assert_string_equal(row.urban_rural_code, "111");
}

static void assert_bad(const char *text, const char *why)
{
    struct divisions_header h = header();
    struct division_row row;
    struct errinfo ei;
    errinfo_clear(&ei);
    char *line = xstrdup(text);
    assert_int_equal(divisions_parse_row(line, &h, &row, &ei), ERR_INVALID);
    if (!strstr(ei.message, why))
        fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, ei.message, why);
    free(line);
}

static void bad_rows_are_refused(void **state)
{
    (void)state;
    assert_bad("450109100000,town,蒲庙镇,450109000000,yes,蒲庙", "columns");
    assert_bad("450109100000,town,蒲庙镇,450109000000,yes,蒲庙,,extra", "columns");
    assert_bad("450109100000,township,蒲庙镇,450109000000,yes,,", "level");
    assert_bad("45010910000,town,蒲庙镇,450109000000,yes,,", "code");
    assert_bad("45010910000x,town,蒲庙镇,450109000000,yes,,", "code");
    assert_bad(",town,蒲庙镇,450109000000,yes,,", "code");
    assert_bad("450109100000,natural_village,坡,450109000000,yes,,", "no code");
    assert_bad(",natural_village,坡,,yes,,", "parent_code");
    assert_bad("450109100000,town,蒲庙镇,4501090000,yes,,", "parent_code");
    assert_bad("450109100000,town,,450109000000,yes,,", "empty name");
    assert_bad("450109100000,town,蒲庙镇,450109100000,yes,,", "cycle");
    assert_bad("450109100000,town,\xff\xfe,450109000000,yes,,", "UTF-8");
    assert_bad("450109100000,town,蒲庙镇,450109000000,yes,,11", "urban_rural_code");
}

static void level_ranks(void **state)
{
    (void)state;
    assert_int_equal(org_level_rank("province"), 0);
    assert_true(org_level_rank("city") < org_level_rank("county"));
    assert_true(org_level_rank("county") < org_level_rank("town"));
    assert_int_equal(org_level_rank("village"), org_level_rank("community"));
    assert_true(org_level_rank("village") < org_level_rank("natural_village"));
    assert_int_equal(org_level_rank("hamlet"), -1);
    assert_int_equal(org_level_rank(NULL), -1);
}

/* --- import against a database ---------------------------------------------- */

struct fixture {
    char dir[64];
    char csv[96];
    struct app app;
    struct ctx ctx;
};

static int setup_db(void **state)
{
    struct fixture *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/cj_divtest_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->csv, sizeof f->csv, "%s/d.csv", f->dir);
    char url[128];
    snprintf(url, sizeof url, "sqlite:%s/c.db", f->dir);
    struct errinfo ei;
    errinfo_clear(&ei);
    assert_true(rand_init());
    if (app_open(&f->app, url, NULL, true, &ei) != ERR_OK)
        fail_msg("app_open: %s", ei.message);
    int from, to;
    if (migrate_run(f->app.db, &from, &to, &ei) != ERR_OK)
        fail_msg("migrate: %s", ei.message);
    ctx_init_cli(&f->ctx, &f->app);
    *state = f;
    return 0;
}

static int teardown_db(void **state)
{
    struct fixture *f = *state;
    app_close(&f->app);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "%s/c.db", f->dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/c.db-wal", f->dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/c.db-shm", f->dir);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s/cunjing.key", f->dir);
    unlink(cmd);
    unlink(f->csv);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_csv(struct fixture *f, const char *text)
{
    FILE *fp = fopen(f->csv, "wb");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static enum err import(struct fixture *f, const char *text, struct divisions_result *res)
{
    write_csv(f, text);
    errinfo_clear(&f->ctx.err);
    memset(res, 0, sizeof *res);
    return org_import_divisions(&f->ctx, f->csv, res);
}

struct lookup {
    const char *code;
    struct area_row row;
    enum err e;
};

static enum err lookup_tx(struct tx *tx, void *arg)
{
    struct lookup *l = arg;
    l->e = org_area_by_code(tx, l->code, &l->row);
    return ERR_OK;
}

static enum err area(struct fixture *f, const char *code, struct area_row *out)
{
    struct lookup l = {.code = code};
    assert_int_equal(tx_run(f->app.db, false, lookup_tx, &l), ERR_OK);
    if (l.e == ERR_OK)
        *out = l.row;
    return l.e;
}

/* Children before parents, CRLF line ends, a hamlet. */
static const char small_tree[] =
    HDR "\r\n"
        ",natural_village,花料坡,450109100201,no,,\r\n"
        "450109100201,village,良信村委会,450109100000,yes,良信村,122\r\n"
        "450109100000,town,蒲庙镇,450109000000,yes,蒲庙,\r\n"
        "450109000000,county,邕宁区,,yes,邕宁,\r\n";

static void import_any_order_and_again(void **state)
{
    struct fixture *f = *state;
    struct divisions_result res;
    assert_int_equal(import(f, small_tree, &res), ERR_OK);
    assert_int_equal(res.rows, 4);
    assert_int_equal(res.added, 4);
    assert_int_equal(res.updated, 0);

    struct area_row county, town, village;
    assert_int_equal(area(f, "450109000000", &county), ERR_OK);
    assert_int_equal(area(f, "450109100000", &town), ERR_OK);
    assert_int_equal(area(f, "450109100201", &village), ERR_OK);
    assert_string_equal(county.parent_id, "");
    assert_string_equal(town.parent_id, county.id);
    assert_string_equal(village.parent_id, town.id);
    char want[512];
    snprintf(want, sizeof want, "/%s/", county.id);
    assert_string_equal(county.path, want);
    snprintf(want, sizeof want, "%s%s/%s/", county.path, town.id, village.id);
    assert_string_equal(village.path, want);
    assert_string_equal(village.name, "良信村委会");
    assert_string_equal(village.level, "village");

    assert_int_equal(import(f, small_tree, &res), ERR_OK);
    assert_int_equal(res.added, 0);
    assert_int_equal(res.updated, 0);

    /* A new row that names a parent already stored, and a rename. */
    assert_int_equal(import(f,
                            HDR "\n"
                                "450109100202,village,那蒙村委会,450109100000,yes,那蒙村,\n"
                                "450109100000,town,蒲庙镇新,450109000000,yes,蒲庙,\n",
                            &res),
                     ERR_OK);
    assert_int_equal(res.added, 1);
    assert_int_equal(res.updated, 1);
    assert_int_equal(area(f, "450109100000", &town), ERR_OK);
    assert_string_equal(town.name, "蒲庙镇新");
}

static void assert_refused(struct fixture *f, const char *text, const char *msg)
{
    struct divisions_result res;
    enum err e = import(f, text, &res);
    assert_int_not_equal(e, ERR_OK);
    if (!strstr(f->ctx.err.message, msg))
        fail_msg("message \"%s\" lacks \"%s\"", f->ctx.err.message, msg);
    struct area_row a;
    /* Nothing of the refused file was stored. */
    assert_int_equal(area(f, "450109199999", &a), ERR_NOT_FOUND);
}

static void bad_file_stores_nothing(void **state)
{
    struct fixture *f = *state;
    struct divisions_result res;
    assert_int_equal(import(f, small_tree, &res), ERR_OK);
    const char *good = "450109199999,village,新村,450109000000,yes,,\n";
    char buf[1024];
    snprintf(buf, sizeof buf, "%s\n%s%s", HDR, good,
             "450109199998,village,乙村,450109777777,yes,,\n");
    assert_refused(f, buf, "line 3: unknown parent_code 450109777777");
    snprintf(buf, sizeof buf, "%s\n%s%s", HDR, good,
             "450109199999,village,重复,450109000000,yes,,\n");
    assert_refused(f, buf, "line 3: duplicate code 450109199999");
    snprintf(buf, sizeof buf, "%s\n%s%s", HDR, good,
             "450109199997,village,丙村,450109000000,yes\n");
    assert_refused(f, buf, "line 3: expected 7 columns");
    snprintf(buf, sizeof buf, "%s\n%s%s%s", HDR, good,
             "450109199996,town,甲镇,450109199995,yes,,\n",
             "450109199995,town,乙镇,450109199996,yes,,\n");
    assert_refused(f, buf, "cycle");
    snprintf(buf, sizeof buf, "%s\n%s%s", HDR, good,
             "450109199994,county,丁县,450109199999,yes,,\n");
    assert_refused(f, buf, "line 3: a county cannot be under a village");
    snprintf(buf, sizeof buf, "%s\n%s%s", HDR, good,
             "450109199993,village,新村,450109000000,yes,,\n");
    assert_refused(f, buf, "line 3: two areas named");
    assert_refused(f, "code,name,level,parent_code\n", "line 1: header");
}

static void real_yongning_file_loads(void **state)
{
    struct fixture *f = *state;
    const char *src = getenv("CUNJING_SOURCE_DIR");
    char path[512];
    snprintf(path, sizeof path, "%s/../shared/domain/yongning-divisions.csv", src ? src : ".");
    if (access(path, R_OK) != 0)
        skip();
    struct divisions_result res;
    errinfo_clear(&f->ctx.err);
    enum err e = org_import_divisions(&f->ctx, path, &res);
    if (e != ERR_OK)
        fail_msg("import: %s", f->ctx.err.message);
    assert_int_equal(res.rows, 90);
    errinfo_clear(&f->ctx.err);
    assert_int_equal(org_import_divisions(&f->ctx, path, &res), ERR_OK);
    assert_int_equal(res.added, 0);
    assert_int_equal(res.updated, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_is_checked),
        cmocka_unit_test(good_rows_parse),
        cmocka_unit_test(bad_rows_are_refused),
        cmocka_unit_test(level_ranks),
        cmocka_unit_test_setup_teardown(import_any_order_and_again, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(bad_file_stores_nothing, setup_db, teardown_db),
        cmocka_unit_test_setup_teardown(real_yongning_file_loads, setup_db, teardown_db),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
