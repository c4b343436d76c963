/*
 * Text messages to applicants, through an outbox: a change enqueues its
 * message inside its own transaction (so a message exists exactly when the
 * change committed), and a sender thread delivers pending messages with a
 * pluggable sender, retrying failures up to SMS_MAX_ATTEMPTS. The default
 * sender writes one log line per message with the number masked
 * (138****5678); a real gateway is another struct sms_sender.
 */
#ifndef CUNJING_NOTIFY_SMS_H
#define CUNJING_NOTIFY_SMS_H
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"

struct tx;

#define SMS_MAX_ATTEMPTS 5
#define SMS_BODY_MAX 500

struct sms_sender {
    const char *name;
    /* Sends body to phone; false with a reason in err on failure. */
    bool (*send)(void *cls, const char *phone, const char *phone_masked, const char *body,
                 char *err, size_t errlen);
    void *cls;
};

/* The default sender: a log line. */
extern const struct sms_sender sms_log_sender;

/* Enqueues a message to phone (plain; sealed with the data key) inside tx. */
enum err sms_enqueue(struct tx *tx, const struct keys *keys, const char *phone, const char *body,
                     const char *object_type, const char *object_id);

/* Delivers up to max pending messages now; returns how many were sent. */
int sms_deliver(struct app *app, const struct sms_sender *sender, int max);

struct sms_worker;
/* Starts a thread that delivers pending messages every interval_ms. */
struct sms_worker *sms_worker_start(struct app *app, const struct sms_sender *sender,
                                    int interval_ms);
/* Stops it (delivering nothing more) and frees it. Accepts NULL. */
void sms_worker_stop(struct sms_worker *w);

#endif
