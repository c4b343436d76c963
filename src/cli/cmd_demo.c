/*
 * `cunjing demo`: loads a demo sub-bureau shaped like Yongning's into an
 * initialised database: the real division tree (ref/yongning-divisions.csv,
 * compiled in), a station per town (only 蒲庙派出所 is a verified name; the
 * others are marked as demo), the bureau and its population brigade, and the
 * people: an assistant for each of the 81 villages and communities, officers
 * (about six villages each), a clerk and a chief per station, a township user
 * per town, a reviewer, the bureau, an admin and an auditor. All demo users
 * share one password, hashed once.
 *
 * A database that already holds the demo is left as it is; any other
 * non-empty database is refused.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/password.h"
#include "cli/cli.h"
#include "core/embedded.h"
#include "core/log.h"
#include "demo/demo.h"
#include "org/org.h"
#include "user/user.h"
#include "core/xalloc.h"

void demo_print_logins(struct app *app, FILE *f);

struct town {
    const char *code;
    const char *key; /* username suffix */
    const char *station;
};

static const struct town towns[] = {
    {"450109100000", "pumiao", "蒲庙派出所"},
    {"450109101000", "nalou", "那楼派出所（演示）"},
    {"450109102000", "xinjiang", "新江派出所（演示）"},
    {"450109103000", "baiji", "百济派出所（演示）"},
    {"450109104000", "zhonghe", "中和派出所（演示）"},
};
#define N_TOWNS (sizeof towns / sizeof towns[0])
#define COUNTY "450109000000"
#define LIANGXIN "450109100211"
#define VILLAGES_PER_OFFICER 6

static const char *const surnames[] = {"韦", "黄", "覃", "陆", "莫", "蒙", "梁", "李",
                                       "卢", "潘", "农", "罗", "廖", "甘", "谢", "林"};
static const char *const given[] = {"建华", "志强", "秀兰", "海燕", "文军", "明辉", "丽萍",
                                    "国庆", "春梅", "永福", "桂英", "德胜", "小勇", "金凤",
                                    "家宝", "红霞", "振宇", "月娥", "少华", "宏伟"};

static void person_name(unsigned i, char *out, size_t n)
{
    snprintf(out, n, "%s%s", surnames[i % 16], given[(i / 16 + i * 7) % 20]);
}

/* Villages and communities of a town, from the embedded CSV. */
struct vlist {
    char codes[64][16];
    size_t n;
};

static void villages_of(const char *csv, const char *town_code, struct vlist *out)
{
    out->n = 0;
    const char *line = csv;
    while (line && *line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        if (len < sizeof buf) {
            memcpy(buf, line, len);
            buf[len] = '\0';
            char *save = NULL;
            char *code = strtok_r(buf, ",", &save);
            char *level = strtok_r(NULL, ",", &save);
            char *name = strtok_r(NULL, ",", &save);
            char *parent = strtok_r(NULL, ",", &save);
            (void)name;
            if (code && level && parent && strcmp(parent, town_code) == 0 &&
                (!strcmp(level, "village") || !strcmp(level, "community")) && out->n < 64)
                snprintf(out->codes[out->n++], sizeof out->codes[0], "%s", code);
        }
        line = end ? end + 1 : NULL;
    }
}

struct loader {
    struct ctx ctx;
    const char *hash;
    int created;
};

static enum err add_user(struct loader *l, const char *username, const char *name, const char *role,
                         const char *const *areas, size_t n_areas, const char *unit)
{
    struct user_input in = {
        .username = username,
        .name = name,
        .role = role,
        .areas = areas,
        .n_areas = n_areas,
        .areas_by_code = true,
        .unit = unit,
        .unit_by_code = true,
        .password_hash = l->hash,
    };
    enum err e = user_create(&l->ctx, &in, NULL, NULL);
    if (e != ERR_OK)
        fprintf(stderr, "cunjing: demo user %s: %s\n", username, l->ctx.err.message);
    else
        l->created++;
    return e;
}

static enum err load_divisions(struct ctx *ctx, const struct embedded_file *f)
{
    char path[] = "/tmp/cunjing-demo-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return err_set(&ctx->err, ERR_INTERNAL, NULL, "cannot create a temporary file");
    bool ok = write(fd, f->data, f->len) == (ssize_t)f->len;
    ok = close(fd) == 0 && ok;
    struct divisions_result res;
    enum err e = ok ? org_import_divisions(ctx, path, &res)
                    : err_set(&ctx->err, ERR_STORAGE_FULL, NULL, "cannot write a temporary file");
    unlink(path);
    return e;
}

static enum err load(struct loader *l)
{
    struct ctx *ctx = &l->ctx;
    const struct embedded_file *f =
        embedded_find(embedded_ref, embedded_ref_count, "/yongning-divisions.csv");
    if (!f)
        return err_set(&ctx->err, ERR_INTERNAL, NULL, "divisions are missing from this build");
    enum err e = load_divisions(ctx, f);
    if (e != ERR_OK)
        return e;
    const char *county[] = {COUNTY};
    if ((e = org_unit_add(ctx, "yongning-bureau", "南宁市公安局邕宁分局", "bureau", county, 1)) ||
        (e = org_unit_add(ctx, "yongning-brigade", "邕宁分局人口管理大队", "brigade", county, 1)))
        return e;
    unsigned person = 0;
    char name[64], username[64], unit[40];
    for (size_t t = 0; t < N_TOWNS; t++) {
        const struct town *tw = &towns[t];
        const char *town_area[] = {tw->code};
        snprintf(unit, sizeof unit, "%s-station", tw->key);
        if ((e = org_unit_add(ctx, unit, tw->station, "station", town_area, 1)))
            return e;
        snprintf(username, sizeof username, "clerk_%s", tw->key);
        person_name(person++, name, sizeof name);
        if ((e = add_user(l, username, name, "clerk", NULL, 0, unit)))
            return e;
        snprintf(username, sizeof username, "chief_%s", tw->key);
        person_name(person++, name, sizeof name);
        if ((e = add_user(l, username, name, "station_chief", NULL, 0, unit)))
            return e;
        snprintf(username, sizeof username, "town_%s", tw->key);
        person_name(person++, name, sizeof name);
        if ((e = add_user(l, username, name, "township", town_area, 1, NULL)))
            return e;
        struct vlist v;
        villages_of((const char *)f->data, tw->code, &v);
        for (size_t i = 0; i < v.n; i += VILLAGES_PER_OFFICER) {
            const char *areas[VILLAGES_PER_OFFICER];
            size_t n = 0;
            for (size_t k = i; k < v.n && n < VILLAGES_PER_OFFICER; k++)
                areas[n++] = v.codes[k];
            snprintf(username, sizeof username, "officer_%s%zu", tw->key,
                     i / VILLAGES_PER_OFFICER + 1);
            person_name(person++, name, sizeof name);
            if ((e = add_user(l, username, name, "officer", areas, n, unit)))
                return e;
        }
        for (size_t i = 0; i < v.n; i++) {
            const char *area[] = {v.codes[i]};
            bool liangxin = strcmp(v.codes[i], LIANGXIN) == 0;
            snprintf(username, sizeof username, liangxin ? "yangjianzi" : "a%s", v.codes[i]);
            if (liangxin)
                snprintf(name, sizeof name, "杨建字");
            else
                person_name(person++, name, sizeof name);
            if ((e = add_user(l, username, name, "assistant", area, 1, NULL)))
                return e;
            char phone[16];
            snprintf(phone, sizeof phone, "1390771%04u", person % 10000);
            struct assistant_input ai = {.username = username,
                                         .phone = phone,
                                         .contract_start = "2022-01-01",
                                         .contract_end = "2027-12-31"};
            if ((e = org_assistant_set(ctx, &ai)))
                return e;
        }
    }
    person_name(person++, name, sizeof name);
    if ((e = add_user(l, "bureau", name, "bureau", NULL, 0, "yongning-bureau")))
        return e;
    person_name(person++, name, sizeof name);
    if ((e = add_user(l, "reviewer", name, "reviewer", NULL, 0, "yongning-brigade")))
        return e;
    if ((e = add_user(l, "admin", "系统管理员", "admin", county, 1, NULL)) ||
        (e = add_user(l, "auditor", "安全审计员", "auditor", county, 1, NULL)))
        return e;
    return demo_mark(ctx);
}

int cmd_demo(int argc, char **argv)
{
    static const char usage[] = "cunjing demo [--db URL] [--config FILE]";
    const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = CLI_DEFAULT_DB, *config = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'h':
            printf("usage: %s\n", usage);
            return CLI_OK;
        default:
            return cli_usage(usage);
        }
    }
    if (optind != argc)
        return cli_usage(usage);
    struct app app;
    if (cli_open(&app, db, config, false) != CLI_OK)
        return CLI_FAIL;
    struct loader l;
    ctx_init_cli(&l.ctx, &app);
    l.created = 0;
    bool empty = false;
    enum err e = demo_state(&l.ctx, &empty);
    if (e == ERR_OK && app.demo) {
        fprintf(stderr, "cunjing: the demo district is already loaded\n");
        demo_print_logins(&app, stdout);
        app_close(&app);
        return CLI_OK;
    }
    if (e == ERR_OK && !empty) {
        app_close(&app);
        fprintf(stderr, "cunjing: the database is not empty and not a demo; refusing to load "
                        "the demo into it\n");
        return CLI_FAIL;
    }
    char hash[PASSWORD_HASH_SIZE];
    if (e == ERR_OK)
        e = password_hash(DEMO_PASSWORD, hash);
    l.hash = hash;
    if (e == ERR_OK)
        e = load(&l);
    if (e != ERR_OK) {
        int rc = cli_fail(e, &l.ctx.err);
        app_close(&app);
        return rc;
    }
    app.demo = true;
    fprintf(stderr, "cunjing: demo district loaded: %d users\n", l.created);
    demo_print_logins(&app, stdout);
    app_close(&app);
    return CLI_OK;
}

void demo_print_logins(struct app *app, FILE *f)
{
    fprintf(f,
            "Demo logins (演示账号), password %s for all:\n"
            "  assistant     yangjianzi (良信村); a<12-digit village code> for the others\n"
            "  officer       officer_pumiao1, officer_nalou1, ...\n"
            "  clerk         clerk_pumiao, clerk_nalou, clerk_xinjiang, clerk_baiji, "
            "clerk_zhonghe\n"
            "  station_chief chief_pumiao, ...\n"
            "  township      town_pumiao, town_nalou, ...\n"
            "  bureau        bureau\n"
            "  reviewer      reviewer (TOTP)\n"
            "  admin         admin (TOTP)\n"
            "  auditor       auditor (TOTP)\n",
            DEMO_PASSWORD);
    struct ctx ctx;
    ctx_init_cli(&ctx, app);
    static const char *const totp_users[] = {"reviewer", "admin", "auditor"};
    for (size_t i = 0; i < 3; i++) {
        char *uri = NULL;
        if (user_totp_uri(&ctx, totp_users[i], &uri) == ERR_OK)
            fprintf(f, "%s\n", uri);
        free(uri);
    }
    fflush(f);
}
