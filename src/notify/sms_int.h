/*
 * Internals of the outbox: its repository.
 */
#ifndef CUNJING_NOTIFY_SMS_INT_H
#define CUNJING_NOTIFY_SMS_INT_H
#include "notify/sms.h"

struct sms_pending {
    char id[RAND_ID_LEN + 1];
    char *phone_sealed;
    char phone_masked[24];
    char *body;
};

void sms_pending_release(struct sms_pending *p);
/* Up to max messages not yet sent and with attempts left, oldest first. */
enum err sms_repo_pending(struct tx *tx, int max, struct sms_pending *out, int *n);
/* Records a delivery (ok) or a failed attempt. */
enum err sms_repo_done(struct tx *tx, const char *id, bool ok, const char *error);

#endif
