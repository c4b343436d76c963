/*
 * `cunjing serve`: open the application, start the HTTP server, print where
 * it listens (and the demo logins in demo mode), then wait for SIGINT or
 * SIGTERM and stop cleanly: requests in progress finish, the database closes.
 * The signals are blocked before the server's threads start, so only this
 * thread receives them (sigwait), and no handler runs in a worker.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"
#include "events/events.h"
#include "notify/reminders.h"
#include "notify/sms.h"
#include "core/xalloc.h"

/* Prints the demo logins (cmd_demo.c). */
void demo_print_logins(struct app *app, FILE *f);

int cmd_serve(int argc, char **argv)
{
    static const char usage[] = "cunjing serve [--db URL] [--listen HOST:PORT] [--config FILE]";
    const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"config", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db = CLI_DEFAULT_DB, *listen = NULL, *config = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'l':
            listen = optarg;
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

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct app app;
    if (cli_open(&app, db, config, false) != CLI_OK)
        return CLI_FAIL;
    if (listen) {
        free(app.cfg.listen);
        app.cfg.listen = xstrdup(listen);
    }
    struct errinfo winfo;
    errinfo_clear(&winfo);
    if (app_start_writer(&app, &winfo) != ERR_OK) {
        app_close(&app);
        return cli_fail(ERR_DB_UNAVAILABLE, &winfo);
    }
    /* Live events: the hub must run before the first stream is accepted. */
    app.events = events_hub_start(&app);
    struct server *srv = NULL;
    uint16_t port = 0;
    struct errinfo info;
    errinfo_clear(&info);
    enum err e = server_start(&app, &srv, &port, &info);
    if (e != ERR_OK) {
        events_hub_stop(app.events);
        app_close(&app);
        return cli_fail(e, &info);
    }
    /* Text messages to applicants leave through the outbox. */
    struct sms_worker *sms = sms_worker_start(&app, &sms_log_sender, 1000);
    /* Due follow-ups and key-person contacts reach the inboxes. */
    struct reminders *reminders = reminders_start(&app);
    char host[128];
    snprintf(host, sizeof host, "%s", app.cfg.listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    const char *db_kind = strncmp(db, "sqlite:", 7) == 0 ? "SQLite" : "PostgreSQL";
    bool tls = app.cfg.tls_cert_file && app.cfg.tls_key_file;
    if (app.demo)
        demo_print_logins(&app, stdout);
    printf("cunjing %s listening on %s://%s:%u/\n", CUNJING_VERSION, tls ? "https" : "http", host,
           port);
    fflush(stdout);
    /* Never the URL itself: a PostgreSQL URL may carry a password. */
    log_info("serving a %s database on port %u", db_kind, port);

    int sig = 0;
    sigwait(&set, &sig);
    log_info("signal %d: stopping", sig);
    /* End the event streams first, so no connection is resumed while the server stops. */
    events_hub_stop(app.events);
    app.events = NULL;
    server_stop(srv);
    sms_worker_stop(sms);
    reminders_stop(reminders);
    app_close(&app);
    log_info("stopped");
    return CLI_OK;
}
