/*
 * A thread that runs the due-date reminders of the business modules on an
 * interval (see reminders.h). It sleeps on a condition variable so that
 * stopping is immediate.
 */
#include "notify/reminders.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "core/log.h"
#include "dispute/dispute.h"
#include "visit/visit.h"
#include "core/xalloc.h"

struct reminders {
    struct app *app;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void run_once(struct app *app)
{
    int a = 0, b = 0;
    if (dispute_remind_followups(app, &a) != ERR_OK)
        log_warn("reminders: dispute follow-ups failed");
    if (key_person_remind(app, &b) != ERR_OK)
        log_warn("reminders: key-person contacts failed");
    if (a || b)
        log_info("reminders: %d follow-ups, %d key-person contacts due", a, b);
}

static void *main_fn(void *arg)
{
    struct reminders *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->stop) {
        pthread_mutex_unlock(&r->mu);
        run_once(r->app);
        pthread_mutex_lock(&r->mu);
        if (r->stop)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        int s = r->app->cfg.reminders_interval_seconds > 0 ? r->app->cfg.reminders_interval_seconds
                                                           : 60;
        ts.tv_sec += s;
        pthread_cond_timedwait(&r->cv, &r->mu, &ts);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

struct reminders *reminders_start(struct app *app)
{
    struct reminders *r = xcalloc(1, sizeof *r);
    r->app = app;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->thread, NULL, main_fn, r) != 0) {
        pthread_mutex_destroy(&r->mu);
        pthread_cond_destroy(&r->cv);
        free(r);
        return NULL;
    }
    return r;
}

void reminders_stop(struct reminders *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
    free(r);
}
