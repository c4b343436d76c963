/*
 * The org subcommands: `cunjing import divisions`, `cunjing unit add` and
 * `cunjing assistant set`. Each parses its options, opens the application
 * (configuration, database, keys) and calls one domain function of
 * org/org.h as the system user, so the command line and the server share
 * every rule and every write is audited the same way. Exit codes follow
 * cli.h: 0 done (with a one-line summary on stdout), 1 a user error (one
 * line on stderr), 2 bad usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "org/org.h"
#include "core/xalloc.h"

enum {
    OPT_DB = 1000,
    OPT_CONFIG,
    OPT_HELP,
    OPT_CODE,
    OPT_NAME,
    OPT_KIND,
    OPT_AREA,
    OPT_USERNAME,
    OPT_PHONE,
    OPT_EMPLOYER,
    OPT_START,
    OPT_END
};

/* Whether --help or -h appears among the arguments. */
static bool wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    return false;
}

/* Opens the app; on success fills ctx. */
static int open_app(struct app *app, struct ctx *ctx, const char *db, const char *config)
{
    memset(app, 0, sizeof *app);
    int rc = cli_open(app, db ? db : CLI_DEFAULT_DB, config, false);
    if (rc != CLI_OK)
        return rc;
    ctx_init_cli(ctx, app);
    return CLI_OK;
}

/* --- import divisions ------------------------------------------------------- */

static const char import_usage[] =
    "cunjing import divisions [--db URL] [--config FILE] FILE.csv\n"
    "  Loads a division tree (header code,level,name_zh,parent_code,...; rows in any\n"
    "  order). A bad row is reported by line number and nothing is stored; importing\n"
    "  the same file again changes nothing.\n"
    "  --db URL        database (default " CLI_DEFAULT_DB ")\n"
    "  --config FILE   configuration file (INI)";

int cmd_import(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "cases") == 0)
        return cmd_import_cases(argc - 1, argv + 1);
    if (wants_help(argc, argv)) {
        printf("usage: %s\n       cunjing import cases [--db URL] FILE.csv\n", import_usage);
        return CLI_OK;
    }
    if (argc < 2 || strcmp(argv[1], "divisions") != 0)
        return cli_usage(import_usage);
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"config", required_argument, NULL, OPT_CONFIG},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *config = NULL;
    int c;
    optind = 0;
    opterr = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_CONFIG:
            config = optarg;
            break;
        default:
            return cli_usage(import_usage);
        }
    }
    if (optind != argc - 2)
        return cli_usage(import_usage);
    const char *file = argv[1 + optind];

    struct app app;
    struct ctx ctx;
    int rc = open_app(&app, &ctx, db, config);
    if (rc != CLI_OK)
        return rc;
    struct divisions_result res = {0};
    enum err e = org_import_divisions(&ctx, file, &res);
    if (e == ERR_OK) {
        printf("imported %d rows: %d added, %d updated\n", res.rows, res.added, res.updated);
        rc = CLI_OK;
    } else {
        rc = cli_fail(e, &ctx.err);
    }
    app_close(&app);
    return rc;
}

/* --- unit add ----------------------------------------------------------------- */

static const char unit_usage[] =
    "cunjing unit add [--db URL] [--config FILE] --code CODE --name NAME\n"
    "                        --kind bureau|station|brigade --area CODE [--area CODE ...]\n"
    "  Adds a police unit and its jurisdiction: the areas (by division code) and\n"
    "  their subtrees. CODE is 1-32 of A-Z a-z 0-9 _ -.\n"
    "  --db URL        database (default " CLI_DEFAULT_DB ")\n"
    "  --config FILE   configuration file (INI)";

int cmd_unit(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: %s\n", unit_usage);
        return CLI_OK;
    }
    if (argc < 2 || strcmp(argv[1], "add") != 0)
        return cli_usage(unit_usage);
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"code", required_argument, NULL, OPT_CODE},
        {"name", required_argument, NULL, OPT_NAME},
        {"kind", required_argument, NULL, OPT_KIND},
        {"area", required_argument, NULL, OPT_AREA},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *config = NULL, *code = NULL, *name = NULL, *kind = NULL;
    const char **areas = xcalloc((size_t)argc, sizeof *areas);
    size_t n_areas = 0;
    int c, rc = CLI_USAGE;
    optind = 0;
    opterr = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_CONFIG:
            config = optarg;
            break;
        case OPT_CODE:
            code = optarg;
            break;
        case OPT_NAME:
            name = optarg;
            break;
        case OPT_KIND:
            kind = optarg;
            break;
        case OPT_AREA:
            areas[n_areas++] = optarg;
            break;
        default:
            goto usage;
        }
    }
    if (optind != argc - 1 || !code || !name || !kind || n_areas == 0)
        goto usage;

    struct app app;
    struct ctx ctx;
    rc = open_app(&app, &ctx, db, config);
    if (rc != CLI_OK)
        goto out;
    enum err e = org_unit_add(&ctx, code, name, kind, areas, n_areas);
    if (e == ERR_OK) {
        printf("added unit %s (%s) with %zu area%s\n", code, kind, n_areas,
               n_areas == 1 ? "" : "s");
        rc = CLI_OK;
    } else {
        rc = cli_fail(e, &ctx.err);
    }
    app_close(&app);
out:
    free(areas);
    return rc;
usage:
    free(areas);
    return cli_usage(unit_usage);
}

/* --- assistant set ---------------------------------------------------------- */

static const char assistant_usage[] =
    "cunjing assistant set [--db URL] [--config FILE] --username U [--phone P]\n"
    "                             [--employer CODE] [--contract-start DATE]\n"
    "                             [--contract-end DATE]\n"
    "  Sets an assistant's second line: the town that employs them (default: the\n"
    "  town above their village) and their contract (dates YYYY-MM-DD). An empty\n"
    "  value clears the field; an option not given leaves it unchanged.\n"
    "  --db URL        database (default " CLI_DEFAULT_DB ")\n"
    "  --config FILE   configuration file (INI)";

int cmd_assistant(int argc, char **argv)
{
    if (wants_help(argc, argv)) {
        printf("usage: %s\n", assistant_usage);
        return CLI_OK;
    }
    if (argc < 2 || strcmp(argv[1], "set") != 0)
        return cli_usage(assistant_usage);
    static const struct option opts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"username", required_argument, NULL, OPT_USERNAME},
        {"phone", required_argument, NULL, OPT_PHONE},
        {"employer", required_argument, NULL, OPT_EMPLOYER},
        {"contract-start", required_argument, NULL, OPT_START},
        {"contract-end", required_argument, NULL, OPT_END},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *config = NULL;
    struct assistant_input in = {0};
    int c;
    optind = 0;
    opterr = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            db = optarg;
            break;
        case OPT_CONFIG:
            config = optarg;
            break;
        case OPT_USERNAME:
            in.username = optarg;
            break;
        case OPT_PHONE:
            in.phone = optarg;
            break;
        case OPT_EMPLOYER:
            in.employer_code = optarg;
            break;
        case OPT_START:
            in.contract_start = optarg;
            break;
        case OPT_END:
            in.contract_end = optarg;
            break;
        default:
            return cli_usage(assistant_usage);
        }
    }
    if (optind != argc - 1 || !in.username)
        return cli_usage(assistant_usage);

    struct app app;
    struct ctx ctx;
    int rc = open_app(&app, &ctx, db, config);
    if (rc != CLI_OK)
        return rc;
    enum err e = org_assistant_set(&ctx, &in);
    if (e == ERR_OK) {
        printf("updated assistant %s\n", in.username);
        rc = CLI_OK;
    } else {
        rc = cli_fail(e, &ctx.err);
    }
    app_close(&app);
    return rc;
}
