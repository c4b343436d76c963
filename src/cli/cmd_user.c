/*
 * `cunjing user add | passwd | disable`: the same rules as the users API,
 * acting as the system. Passwords come from standard input only
 * (--password-stdin), never from the command line where `ps` would show them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "user/user.h"
#include "core/xalloc.h"

#define MAX_CLI_AREAS 64

static bool read_password(char *out, size_t n)
{
    if (!fgets(out, (int)n, stdin))
        return false;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] != '\0';
}

static const char usage_all[] =
    "cunjing user add --db URL --username U --name NAME --role ROLE [--area CODE ...] "
    "[--unit CODE] --password-stdin\n"
    "       cunjing user passwd --db URL --username U --password-stdin\n"
    "       cunjing user disable --db URL --username U";

int cmd_user(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(usage_all);
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        printf("usage: %s\n", usage_all);
        return CLI_OK;
    }
    int kind = !strcmp(sub, "add")       ? 0
               : !strcmp(sub, "passwd")  ? 1
               : !strcmp(sub, "disable") ? 2
                                         : -1;
    if (kind < 0)
        return cli_usage(usage_all);
    const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},       {"config", required_argument, NULL, 'c'},
        {"username", required_argument, NULL, 'u'}, {"name", required_argument, NULL, 'n'},
        {"role", required_argument, NULL, 'r'},     {"area", required_argument, NULL, 'a'},
        {"unit", required_argument, NULL, 'U'},     {"password-stdin", no_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    const char *db = CLI_DEFAULT_DB, *config = NULL;
    struct user_input in = {0};
    const char *areas[MAX_CLI_AREAS];
    bool pw_stdin = false;
    optind = 1;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'c':
            config = optarg;
            break;
        case 'u':
            in.username = optarg;
            break;
        case 'n':
            in.name = optarg;
            break;
        case 'r':
            in.role = optarg;
            break;
        case 'a':
            if (in.n_areas == MAX_CLI_AREAS)
                return cli_usage(usage_all);
            areas[in.n_areas++] = optarg;
            break;
        case 'U':
            in.unit = optarg;
            break;
        case 'p':
            pw_stdin = true;
            break;
        case 'h':
            printf("usage: %s\n", usage_all);
            return CLI_OK;
        default:
            return cli_usage(usage_all);
        }
    }
    if (optind != argc - 1 || !in.username)
        return cli_usage(usage_all);
    if (kind == 0 && (!in.name || !in.role || !pw_stdin))
        return cli_usage(usage_all);
    if (kind == 1 && !pw_stdin)
        return cli_usage(usage_all);
    char password[256] = "";
    if (kind != 2 && !read_password(password, sizeof password)) {
        fprintf(stderr, "cunjing: no password on standard input\n");
        return CLI_FAIL;
    }
    struct app app;
    if (cli_open(&app, db, config, false) != CLI_OK)
        return CLI_FAIL;
    struct ctx ctx;
    ctx_init_cli(&ctx, &app);
    enum err e;
    char *uri = NULL;
    if (kind == 0) {
        in.password = password;
        in.areas = areas;
        in.areas_by_code = true;
        in.unit_by_code = true;
        e = user_create(&ctx, &in, NULL, &uri);
    } else if (kind == 1) {
        e = user_set_password(&ctx, in.username, password);
    } else {
        e = user_disable(&ctx, in.username);
    }
    memset(password, 0, sizeof password);
    app_close(&app);
    if (e != ERR_OK) {
        free(uri);
        return cli_fail(e, &ctx.err);
    }
    if (uri)
        printf("%s\n", uri);
    free(uri);
    fprintf(stderr, "cunjing: user %s %s\n", in.username,
            kind == 0   ? "created"
            : kind == 1 ? "password changed"
                        : "disabled");
    return CLI_OK;
}
