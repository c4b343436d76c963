/*
 * The outbox's delivery side: claim pending messages in a write transaction,
 * send each outside any transaction, record the outcome. A message is sent at
 * least once; the gateway is expected to tolerate the rare repeat after a
 * crash between sending and recording.
 */
#include "notify/sms.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "notify/sms_int.h"
#include "store/tx.h"
#include "core/xalloc.h"

static bool log_send(void *cls, const char *phone, const char *phone_masked, const char *body,
                     char *err, size_t errlen)
{
    (void)cls;
    (void)phone;
    (void)err;
    (void)errlen;
    log_info("sms to %s: %s", phone_masked, body);
    return true;
}

const struct sms_sender sms_log_sender = {"log", log_send, NULL};

struct pending_arg {
    int max;
    struct sms_pending *items;
    int n;
};

static enum err pending_fn(struct tx *tx, void *argv)
{
    struct pending_arg *a = argv;
    return sms_repo_pending(tx, a->max, a->items, &a->n);
}

struct done_arg {
    const char *id;
    bool ok;
    const char *error;
};

static enum err done_fn(struct tx *tx, void *argv)
{
    struct done_arg *a = argv;
    return sms_repo_done(tx, a->id, a->ok, a->error);
}

int sms_deliver(struct app *app, const struct sms_sender *sender, int max)
{
    struct pending_arg pa = {max, xcalloc((size_t)max, sizeof(struct sms_pending)), 0};
    enum err e = tx_run(app->db, false, pending_fn, &pa);
    int sent = 0;
    for (int i = 0; e == ERR_OK && i < pa.n; i++) {
        struct sms_pending *p = &pa.items[i];
        unsigned char phone[64];
        size_t n = 0;
        char err[160] = "";
        bool ok = false;
        if (!keys_open(&app->keys, p->phone_sealed, phone, sizeof phone - 1, &n)) {
            snprintf(err, sizeof err, "cannot open the phone number");
        } else {
            phone[n] = '\0';
            ok = sender->send(sender->cls, (const char *)phone, p->phone_masked, p->body, err,
                              sizeof err);
        }
        memset(phone, 0, sizeof phone);
        struct done_arg da = {p->id, ok, err};
        tx_run(app->db, true, done_fn, &da);
        if (ok)
            sent++;
        else
            log_warn("sms %s to %s failed: %s", p->id, p->phone_masked, err);
    }
    for (int i = 0; i < pa.n; i++)
        sms_pending_release(&pa.items[i]);
    free(pa.items);
    return sent;
}

struct sms_worker {
    struct app *app;
    const struct sms_sender *sender;
    int interval_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop;
};

static void *worker_main(void *arg)
{
    struct sms_worker *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        pthread_mutex_unlock(&w->mu);
        sms_deliver(w->app, w->sender, 50);
        pthread_mutex_lock(&w->mu);
        if (w->stop)
            break;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += w->interval_ms / 1000;
        ts.tv_nsec += (long)(w->interval_ms % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->cv, &w->mu, &ts);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

struct sms_worker *sms_worker_start(struct app *app, const struct sms_sender *sender,
                                    int interval_ms)
{
    struct sms_worker *w = xcalloc(1, sizeof *w);
    w->app = app;
    w->sender = sender;
    w->interval_ms = interval_ms > 0 ? interval_ms : 1000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return NULL;
    }
    return w;
}

void sms_worker_stop(struct sms_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}
