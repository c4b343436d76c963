/*
 * The command line: a table of subcommands (cli.c) over the same domain
 * functions the server uses, never over HTTP. Every command parses its own
 * options with getopt_long, answers --help on stdout with exit 0, and exits
 * 0 on success, 1 on a user error (one clear line on stderr), 2 on bad usage.
 */
#ifndef CUNJING_CLI_CLI_H
#define CUNJING_CLI_CLI_H
#include <stdbool.h>

#include "app/app.h"

#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2
#define CLI_DEFAULT_DB "sqlite:data/cunjing.db"

int cli_main(int argc, char **argv);

/*
 * Opens the app for a command (configuration, database, keys); on failure
 * prints one line to stderr and returns CLI_FAIL, else CLI_OK. create: init
 * semantics (create the database file and key file).
 */
int cli_open(struct app *app, const char *db_url, const char *config_path, bool create);
/* Prints "cunjing: <message>" for e with the detail in info; returns CLI_FAIL. */
int cli_fail(enum err e, const struct errinfo *info);
/* Prints usage to stderr and returns CLI_USAGE. */
int cli_usage(const char *usage);

/* Subcommands (cmd_*.c). argv[0] is the subcommand's own name. */
int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);       /* import divisions FILE */
int cmd_import_cases(int argc, char **argv); /* import cases FILE (argv[0] is "cases") */
int cmd_unit(int argc, char **argv);         /* unit add ... */
int cmd_assistant(int argc, char **argv);    /* assistant set ... */
int cmd_user(int argc, char **argv);         /* user add|passwd|disable */
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_audit(int argc, char **argv); /* audit verify */
int cmd_version(int argc, char **argv);
int cmd_migrate_db(int argc, char **argv); /* migrate-db --from --to */

#endif
