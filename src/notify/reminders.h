/*
 * The reminders worker of `serve`: every [reminders] interval_seconds it
 * puts due dispute follow-ups and key-person contacts into the assistants'
 * inboxes (each reminded once). Several instances may run it: the work runs
 * in write transactions, which are serialised, so a reminder is sent once.
 */
#ifndef CUNJING_NOTIFY_REMINDERS_H
#define CUNJING_NOTIFY_REMINDERS_H
#include "app/app.h"

struct reminders;

struct reminders *reminders_start(struct app *app);
void reminders_stop(struct reminders *r);

#endif
