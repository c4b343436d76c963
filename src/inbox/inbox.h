/*
 * The inbox: what a user must see (a returned application, a high-risk
 * dispute, a bulletin...). Items are added inside the transaction of the
 * change they announce; GET /api/v1/inbox lists the caller's own items and
 * POST /api/v1/inbox/{id}/read marks one read.
 */
#ifndef CUNJING_INBOX_INBOX_H
#define CUNJING_INBOX_INBOX_H
#include "app/app.h"
#include "http/req.h"

struct tx;

/* Adds an item for user_id inside tx. */
enum err inbox_add(struct tx *tx, const char *user_id, const char *kind, const char *title,
                   const char *object_type, const char *object_id);

void inbox_api_list(struct req *r); /* GET /api/v1/inbox?unread=true&cursor=&limit= */
void inbox_api_read(struct req *r); /* POST /api/v1/inbox/{id}/read */

#endif
