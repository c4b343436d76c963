/*
 * Opening the application for a subcommand: configuration, zone, database,
 * key file, and the checks that the database is initialised, current and
 * belongs to this key file.
 */
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/meta_repo.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/tx.h"
#include "core/xalloc.h"

enum err app_open(struct app *app, const char *db_url, const char *config_path, bool create,
                  struct errinfo *info)
{
    memset(app, 0, sizeof *app);
    char msg[256] = "";
    if (!rand_init())
        return err_set(info, ERR_INTERNAL, NULL, "libsodium failed to initialise");
    if (!config_load(&app->cfg, config_path, msg, sizeof msg))
        return err_set(info, ERR_INVALID, "config", "%s", msg);
    clock_set_zone(app->cfg.zone);
    if (!workday_init(&app->cal, app->cfg.workday_end))
        return err_set(info, ERR_INVALID, "config", "[time] workday_end must be HH:MM");
    if (app->cfg.holidays_file &&
        !workday_load_holidays(&app->cal, app->cfg.holidays_file, msg, sizeof msg))
        return err_set(info, ERR_INVALID, "config", "%s", msg);
    if (app->cfg.log_level && strcmp(app->cfg.log_level, "debug") == 0)
        log_set_level(LOG_DEBUG);
    else if (app->cfg.log_level && strcmp(app->cfg.log_level, "warn") == 0)
        log_set_level(LOG_WARN);
    enum err e = db_open(db_url, app->cfg.pool_size, create, &app->db, info);
    if (e != ERR_OK)
        return e;
    if ((e = db_check_durable(app->db, info)) != ERR_OK) {
        db_close(app->db);
        app->db = NULL;
        return e;
    }
    char *key_path = app->cfg.key_file ? xstrdup(app->cfg.key_file) : NULL;
    if (!key_path && db_sqlite_path(app->db))
        key_path = keys_default_path(db_sqlite_path(app->db));
    if (!key_path) {
        db_close(app->db);
        app->db = NULL;
        return err_set(info, ERR_INVALID, "keys", "[keys] file must be set for this database");
    }
    e = keys_load(&app->keys, key_path, create, info);
    free(key_path);
    if (e != ERR_OK) {
        db_close(app->db);
        app->db = NULL;
    }
    app->started_at = clock_now();
    return e;
}

struct ready_arg {
    struct app *app;
    bool store; /* init: record the fingerprint when absent */
    struct errinfo *info;
};

static enum err ready_fn(struct tx *tx, void *argv)
{
    struct ready_arg *a = argv;
    char want[KEY_FPR_HEX], have[KEY_FPR_HEX];
    keys_fingerprint(&a->app->keys, want);
    enum err e = meta_get(tx, "key_fingerprint", have, sizeof have);
    if (e == ERR_NOT_FOUND) {
        if (!a->store)
            return err_set(a->info, ERR_INVALID, "keys", "the database has no key; run init");
        e = meta_set(tx, "key_fingerprint", want);
    } else if (e == ERR_OK && strcmp(have, want) != 0) {
        return err_set(a->info, ERR_INVALID, "keys",
                       "the key file does not belong to this database (fingerprint differs)");
    }
    if (e != ERR_OK)
        return e;
    char demo[8];
    a->app->demo = meta_get(tx, "demo", demo, sizeof demo) == ERR_OK && strcmp(demo, "1") == 0;
    if (a->app->cfg.demo_enabled)
        a->app->demo = true;
    return ERR_OK;
}

enum err app_check_ready(struct app *app, struct errinfo *info)
{
    int cur = migrate_current(app->db);
    int latest = migrate_latest();
    if (cur < 0)
        return err_set(info, ERR_DB_UNAVAILABLE, "db", "cannot read the database");
    if (cur == 0)
        return err_set(info, ERR_INVALID, "db", "the database is empty; run cunjing init first");
    if (cur < latest)
        return err_set(info, ERR_INVALID, "db",
                       "the database is at schema %d, this binary needs %d; run cunjing init", cur,
                       latest);
    if (cur > latest)
        return err_set(info, ERR_INVALID, "db",
                       "the database schema (%d) is newer than this binary (%d)", cur, latest);
    struct ready_arg a = {app, false, info};
    return tx_run(app->db, true, ready_fn, &a);
}

enum err app_bind_keys(struct app *app, struct errinfo *info)
{
    struct ready_arg a = {app, true, info};
    return tx_run(app->db, true, ready_fn, &a);
}

void app_close(struct app *app)
{
    db_close(app->db);
    app->db = NULL;
    keys_release(&app->keys);
    config_release(&app->cfg);
}

void ctx_init_cli(struct ctx *ctx, struct app *app)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->app = app;
    ctx->who = NULL;
    ctx->ip = "";
    ctx->request_id = "";
}

bool app_db_ok(struct app *app)
{
    struct db_conn *c = db_acquire(app->db);
    struct db_stmt *s = db_prepare(c, "SELECT 1");
    bool ok = s && db_step(s) == DB_ROW;
    db_finish(s);
    db_release(c);
    return ok;
}

enum err app_start_writer(struct app *app, struct errinfo *info)
{
    if (!app->cfg.group_commit)
        return ERR_OK;
    return db_group_commit_start(app->db, info);
}
