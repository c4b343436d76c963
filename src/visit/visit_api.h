/*
 * HTTP handlers of activities, key persons and the grassroots category lists.
 */
#ifndef CUNJING_VISIT_VISIT_API_H
#define CUNJING_VISIT_VISIT_API_H
#include "http/req.h"

void activity_api_create(struct req *r);      /* POST /api/v1/activities */
void activity_api_list(struct req *r);        /* GET /api/v1/activities */
void activity_api_get(struct req *r);         /* GET /api/v1/activities/{id} */
void activity_api_attach(struct req *r);      /* POST /api/v1/activities/{id}/attachments */
void activity_api_attachment(struct req *r);  /* GET /api/v1/activities/{id}/attachments/{aid} */
void key_person_api_create(struct req *r);    /* POST /api/v1/key-persons */
void key_person_api_list(struct req *r);      /* GET /api/v1/key-persons */
void key_person_api_get(struct req *r);       /* GET /api/v1/key-persons/{id} */
void category_api_disputes(struct req *r);    /* GET /api/v1/dispute-categories */
void category_api_intel(struct req *r);       /* GET /api/v1/intel-categories */
void category_api_key_persons(struct req *r); /* GET /api/v1/key-person-categories */

#endif
