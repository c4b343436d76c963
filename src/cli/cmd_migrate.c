/*
 * `cunjing migrate-db --from sqlite:PATH --to postgresql://...`: moves a
 * district's database to PostgreSQL. The target is migrated to the binary's
 * schema, must be empty, receives every row in one transaction, and is then
 * checked: the same row count in every table, and the audit chain verifies
 * with the same key file (give it to the servers of the target as [keys] file).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "store/copy.h"
#include "store/db.h"
#include "store/migrate.h"
#include "core/xalloc.h"

int cmd_migrate_db(int argc, char **argv)
{
    static const char usage[] =
        "cunjing migrate-db --from sqlite:PATH --to postgresql://... [--config FILE]";
    const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *from = NULL, *to = NULL, *config = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            from = optarg;
            break;
        case 't':
            to = optarg;
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
    if (optind != argc || !from || !to)
        return cli_usage(usage);
    if (strncmp(from, "sqlite:", 7) != 0) {
        fprintf(stderr, "cunjing: --from must be a sqlite: database\n");
        return CLI_FAIL;
    }
    struct app app;
    if (cli_open(&app, from, config, false) != CLI_OK)
        return CLI_FAIL;
    struct errinfo info;
    errinfo_clear(&info);
    struct db *dst = NULL;
    int v0 = 0, v1 = 0;
    enum err e = db_open(to, 1, true, &dst, &info);
    if (e == ERR_OK)
        e = db_check_durable(dst, &info);
    if (e == ERR_OK)
        e = migrate_run(dst, &v0, &v1, &info);
    static struct copy_report rep;
    if (e == ERR_OK)
        e = db_copy_all(app.db, dst, &rep, &info);
    struct audit_verify_result vr = {0};
    if (e == ERR_OK) {
        /* Verify the target's chain with the source's keys. */
        struct db *src_db = app.db;
        app.db = dst;
        e = audit_verify(&app, &vr);
        app.db = src_db;
        if (e == ERR_OK && !vr.ok)
            e = err_set(&info, ERR_INTERNAL, "to", "the copied audit chain does not verify: %s",
                        vr.reason);
    }
    db_close(dst);
    app_close(&app);
    if (e != ERR_OK)
        return cli_fail(e, &info);
    int64_t total = 0;
    for (size_t i = 0; i < rep.n; i++) {
        fprintf(stderr, "  %-24s %lld rows\n", rep.tables[i].name,
                (long long)rep.tables[i].target_rows);
        total += rep.tables[i].target_rows;
    }
    fprintf(stderr,
            "cunjing: copied %zu tables, %lld rows; counts match; audit chain verified "
            "(%lld records)\n",
            rep.n, (long long)total, (long long)vr.rows);
    return CLI_OK;
}
