/*
 * The command table and dispatch (after git's git.c commands[]). Each entry
 * names a subcommand, its function and a one-line summary for --help.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/xalloc.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create or migrate the schema (--db URL)"},
    {"serve", cmd_serve, "run the HTTP server (--db URL --listen HOST:PORT --config FILE)"},
    {"demo", cmd_demo, "load the demo district into an empty database"},
    {"import", cmd_import, "import divisions|cases --db URL FILE.csv"},
    {"unit", cmd_unit, "unit add: a police unit and its jurisdiction"},
    {"assistant", cmd_assistant, "assistant set: an assistant's employer, phone and contract"},
    {"user", cmd_user, "user add | passwd | disable"},
    {"backup", cmd_backup, "online consistent backup (--db URL --out FILE)"},
    {"restore", cmd_restore, "restore a backup (--in FILE --db URL)"},
    {"audit", cmd_audit, "audit verify: check the audit chain"},
    {"migrate-db", cmd_migrate_db, "copy a SQLite database into an empty PostgreSQL one"},
    {"version", cmd_version, "print the version"},
};

static void help(FILE *f)
{
    fputs("cunjing - rural community policing (一村一警务助理)\n\n"
          "usage: cunjing <command> [options]   (cunjing <command> --help for its options)\n\n"
          "commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nURL is sqlite:PATH (default " CLI_DEFAULT_DB ") or postgresql://USER@HOST:PORT/DB.\n"
          "Configuration: --config FILE (INI); CUNJING_<SECTION>_<KEY> variables override it.\n",
          f);
}

int cli_main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        help(stdout);
        return CLI_OK;
    }
    if (!strcmp(name, "--version"))
        return cmd_version(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(commands[i].name, name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "cunjing: unknown command '%s' (see cunjing --help)\n", name);
    return CLI_USAGE;
}

int cli_fail(enum err e, const struct errinfo *info)
{
    if (info && info->message[0])
        fprintf(stderr, "cunjing: %s\n", info->message);
    else
        fprintf(stderr, "cunjing: failed: %s\n", err_code(e));
    return CLI_FAIL;
}

int cli_usage(const char *usage)
{
    fprintf(stderr, "usage: %s\n", usage);
    return CLI_USAGE;
}

int cli_open(struct app *app, const char *db_url, const char *config_path, bool create)
{
    struct errinfo info;
    errinfo_clear(&info);
    enum err e = app_open(app, db_url, config_path, create, &info);
    if (e == ERR_OK && !create)
        e = app_check_ready(app, &info);
    if (e != ERR_OK) {
        cli_fail(e, &info);
        app_close(app);
        return CLI_FAIL;
    }
    return CLI_OK;
}

int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("cunjing %s\n", CUNJING_VERSION);
    return CLI_OK;
}
