/*
 * Operational commands: init, backup, restore and audit verify. Each opens
 * the application, does one thing through the domain or store API and
 * reports in one line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "dispute/dispute.h"
#include "household/household.h"
#include "store/db.h"
#include "store/migrate.h"
#include "core/xalloc.h"

/* Common options: --db, --config, --help; extra is for one more option with a value. */
struct common_opts {
    const char *db;
    const char *config;
    const char *extra;
};

static int parse_common(int argc, char **argv, const char *usage, const char *extra_name,
                        struct common_opts *o)
{
    const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {extra_name ? extra_name : "unused-option", required_argument, NULL, 'x'},
        {NULL, 0, NULL, 0},
    };
    o->db = CLI_DEFAULT_DB;
    o->config = NULL;
    o->extra = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->db = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'x':
            o->extra = optarg;
            break;
        case 'h':
            printf("usage: %s\n", usage);
            return -1;
        default:
            return cli_usage(usage);
        }
    }
    if (optind != argc)
        return cli_usage(usage);
    if (extra_name && !o->extra)
        return cli_usage(usage);
    return CLI_OK;
}

int cmd_init(int argc, char **argv)
{
    static const char usage[] = "cunjing init [--db URL] [--config FILE]";
    struct common_opts o;
    int rc = parse_common(argc, argv, usage, NULL, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    struct app app;
    if (cli_open(&app, o.db, o.config, true) != CLI_OK)
        return CLI_FAIL;
    struct errinfo info;
    errinfo_clear(&info);
    int from = 0, to = 0;
    enum err e = migrate_run(app.db, &from, &to, &info);
    if (e == ERR_OK)
        e = app_bind_keys(&app, &info);
    int seeded = 0;
    struct ctx ctx;
    ctx_init_cli(&ctx, &app);
    if (e == ERR_OK) {
        /* Reference data that later edits must not overwrite: loaded once. */
        int more = 0;
        e = household_seed_types(&ctx, &seeded);
        if (e == ERR_OK)
            e = grassroots_seed(&ctx, &more);
        seeded += more;
        if (e != ERR_OK)
            info = ctx.err;
    }
    app_close(&app);
    if (e != ERR_OK)
        return cli_fail(e, &info);
    if (seeded)
        fprintf(stderr, "cunjing: loaded %d reference rows (business types, categories)\n", seeded);
    if (from == to)
        fprintf(stderr, "cunjing: schema is current (version %d)\n", to);
    else
        fprintf(stderr, "cunjing: schema migrated from version %d to %d\n", from, to);
    return CLI_OK;
}

int cmd_backup(int argc, char **argv)
{
    static const char usage[] = "cunjing backup [--db URL] --out FILE [--config FILE]";
    struct common_opts o;
    int rc = parse_common(argc, argv, usage, "out", &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    struct app app;
    if (cli_open(&app, o.db, o.config, false) != CLI_OK)
        return CLI_FAIL;
    struct errinfo info;
    errinfo_clear(&info);
    enum err e = db_backup_to(app.db, o.extra, &info);
    app_close(&app);
    if (e != ERR_OK)
        return cli_fail(e, &info);
    fprintf(stderr, "cunjing: backup written to %s (keep the key file apart from it)\n", o.extra);
    return CLI_OK;
}

int cmd_restore(int argc, char **argv)
{
    static const char usage[] = "cunjing restore --in FILE [--db URL] [--config FILE]";
    struct common_opts o;
    int rc = parse_common(argc, argv, usage, "in", &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (strncmp(o.db, "sqlite:", 7) != 0) {
        fprintf(stderr, "cunjing: restore supports sqlite: targets\n");
        return CLI_FAIL;
    }
    const char *target = o.db + 7;
    if (access(target, F_OK) == 0) {
        fprintf(stderr, "cunjing: %s exists; restore only into a new database path\n", target);
        return CLI_FAIL;
    }
    /* Open the backup itself as a database and copy it into the target. */
    struct errinfo info;
    errinfo_clear(&info);
    char *src_url = xasprintf("sqlite:%s", o.extra);
    struct db *src = NULL;
    enum err e = db_open(src_url, 1, false, &src, &info);
    free(src_url);
    if (e == ERR_OK) {
        int v = migrate_current(src);
        if (v <= 0 || v > migrate_latest())
            e = err_set(&info, ERR_INVALID, "in", "%s is not a cunjing backup of a known version",
                        o.extra);
    }
    if (e == ERR_OK)
        e = db_backup_to(src, target, &info);
    db_close(src);
    if (e != ERR_OK)
        return cli_fail(e, &info);
    /* The restored database must open with the key file in place. */
    struct app app;
    if (cli_open(&app, o.db, o.config, false) != CLI_OK) {
        fprintf(stderr,
                "cunjing: restored to %s, but it cannot be opened with the key file; "
                "put the backup's key file in place ([keys] file or cunjing.key "
                "beside the database)\n",
                target);
        return CLI_FAIL;
    }
    struct audit_verify_result vr;
    e = audit_verify(&app, &vr);
    app_close(&app);
    if (e != ERR_OK || !vr.ok) {
        fprintf(stderr, "cunjing: restored to %s but its audit chain does not verify\n", target);
        return CLI_FAIL;
    }
    fprintf(stderr, "cunjing: restored %s into %s (%lld audit records verified)\n", o.extra, target,
            (long long)vr.rows);
    return CLI_OK;
}

int cmd_audit(int argc, char **argv)
{
    static const char usage[] = "cunjing audit verify [--db URL] [--config FILE]";
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: %s\n", usage);
        return CLI_OK;
    }
    if (argc < 2 || strcmp(argv[1], "verify") != 0)
        return cli_usage(usage);
    struct common_opts o;
    int rc = parse_common(argc - 1, argv + 1, usage, NULL, &o);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    struct app app;
    if (cli_open(&app, o.db, o.config, false) != CLI_OK)
        return CLI_FAIL;
    struct audit_verify_result vr;
    enum err e = audit_verify(&app, &vr);
    app_close(&app);
    if (e != ERR_OK) {
        fprintf(stderr, "cunjing: cannot read the audit log: %s\n", err_code(e));
        return CLI_FAIL;
    }
    if (!vr.ok) {
        printf("audit chain BROKEN at seq %lld: %s\n", (long long)vr.bad_seq, vr.reason);
        return CLI_FAIL;
    }
    printf("audit chain intact: %lld records\n", (long long)vr.rows);
    return CLI_OK;
}
