/*
 * The application context shared by the CLI and the server: configuration,
 * the open database, the keys and process-wide facts (demo mode). One struct
 * app lives for the process; everything else receives it through struct ctx.
 *
 * struct ctx is the caller of one operation: who (NULL for the command line,
 * which acts as the system), from where, under which request id, and the
 * detail of the last error. Domain functions take it first.
 */
#ifndef CUNJING_APP_APP_H
#define CUNJING_APP_APP_H
#include <stdbool.h>
#include <stdint.h>

#include "app/keys.h"
#include "auth/role.h"
#include "core/config.h"
#include "core/err.h"
#include "core/rand.h"
#include "core/workday.h"
#include "org/scope.h"

struct db;
struct events_hub;

struct app {
    struct config cfg;
    struct db *db;
    struct keys keys;
    struct workday_cal cal;    /* working days and end of day ([time]) */
    bool demo;                 /* the database holds the demo district */
    int64_t started_at;        /* Unix seconds */
    struct events_hub *events; /* the live event hub of `serve` (NULL elsewhere) */
};

/* The authenticated user of a request. */
struct principal {
    char user_id[RAND_ID_LEN + 1];
    char username[64];
    char name[128];
    enum role role;
    char unit_id[RAND_ID_LEN + 1]; /* "" when none */
    struct scope scope;
    char session_hash[65]; /* the session it came with ("" for none) */
    char csrf_token[64];
    bool cookie_auth; /* authenticated by the cookie rather than a bearer token */
    bool totp_enabled;
};

struct ctx {
    struct app *app;
    struct principal *who;  /* NULL = the command line (system) */
    const char *ip;         /* client address, "" for the CLI */
    const char *request_id; /* "" for the CLI */
    struct errinfo err;     /* detail of the last error */
    bool denial;            /* the error is an access denial worth auditing */
};

/*
 * Opens the application for a subcommand: reads configuration, opens the
 * database (create: for init), loads (or with create_keys creates) the key
 * file and checks its fingerprint against the database when it has one.
 */
enum err app_open(struct app *app, const char *db_url, const char *config_path, bool create,
                  struct errinfo *info);
/* Checks the schema is current and the keys match (serve, not init). */
enum err app_check_ready(struct app *app, struct errinfo *info);
/* init: records the key fingerprint in a new database, or checks it. */
enum err app_bind_keys(struct app *app, struct errinfo *info);
void app_close(struct app *app);
/* Starts group commit when [db] group_commit is on (the server does). */
enum err app_start_writer(struct app *app, struct errinfo *info);
/* Whether the database answers a trivial query (health checks). */
bool app_db_ok(struct app *app);

/* A ctx for the command line. */
void ctx_init_cli(struct ctx *ctx, struct app *app);

#endif
