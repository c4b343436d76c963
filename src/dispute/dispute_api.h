/*
 * HTTP handlers of disputes.
 */
#ifndef CUNJING_DISPUTE_DISPUTE_API_H
#define CUNJING_DISPUTE_DISPUTE_API_H
#include "http/req.h"

void dispute_api_create(struct req *r);     /* POST /api/v1/disputes */
void dispute_api_list(struct req *r);       /* GET /api/v1/disputes */
void dispute_api_get(struct req *r);        /* GET /api/v1/disputes/{id} */
void dispute_api_session(struct req *r);    /* POST /api/v1/disputes/{id}/sessions */
void dispute_api_close(struct req *r);      /* POST /api/v1/disputes/{id}/close */
void dispute_api_followup(struct req *r);   /* POST /api/v1/disputes/{id}/followups */
void dispute_api_attach(struct req *r);     /* POST /api/v1/disputes/{id}/attachments */
void dispute_api_attachment(struct req *r); /* GET /api/v1/disputes/{id}/attachments/{aid} */

#endif
