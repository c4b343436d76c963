/*
 * `cunjing import cases --db URL FILE.csv`: cases recorded elsewhere
 * (header kind,title,description,village_code,occurred_at). All or nothing: a
 * bad row is named by its line and nothing of the file is stored. Reached
 * through `cunjing import cases`, beside `cunjing import divisions`.
 */
#include <getopt.h>
#include <stdio.h>

#include "cases/cases.h"
#include "cli/cli.h"
#include "core/xalloc.h"

int cmd_import_cases(int argc, char **argv)
{
    static const char usage[] = "cunjing import cases [--db URL] [--config FILE] FILE.csv";
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
    if (optind != argc - 1)
        return cli_usage(usage);
    struct app app;
    if (cli_open(&app, db, config, false) != CLI_OK)
        return CLI_FAIL;
    struct ctx ctx;
    ctx_init_cli(&ctx, &app);
    int n = 0;
    enum err e = case_import(&ctx, argv[optind], &n);
    app_close(&app);
    if (e != ERR_OK)
        return cli_fail(e, &ctx.err);
    fprintf(stderr, "cunjing: imported %d cases\n", n);
    return CLI_OK;
}
