/*
 * HTTP handlers of cases, bulletins and leads.
 */
#ifndef CUNJING_CASES_CASES_API_H
#define CUNJING_CASES_CASES_API_H
#include "http/req.h"

void case_api_create(struct req *r);         /* POST /api/v1/cases */
void case_api_list(struct req *r);           /* GET /api/v1/cases */
void case_api_get(struct req *r);            /* GET /api/v1/cases/{id} */
void case_api_close(struct req *r);          /* POST /api/v1/cases/{id}/close */
void bulletin_api_create(struct req *r);     /* POST /api/v1/bulletins */
void bulletin_api_list(struct req *r);       /* GET /api/v1/bulletins */
void bulletin_api_get(struct req *r);        /* GET /api/v1/bulletins/{id} */
void bulletin_api_attach(struct req *r);     /* POST /api/v1/bulletins/{id}/attachments */
void bulletin_api_attachment(struct req *r); /* GET /api/v1/bulletins/{id}/attachments/{aid} */
void lead_api_create(struct req *r);         /* POST /api/v1/bulletins/{id}/leads */
void lead_api_list(struct req *r);           /* GET /api/v1/leads?bulletin_id= */
void lead_api_assess(struct req *r);         /* POST /api/v1/leads/{id}/assess */
void lead_api_attach(struct req *r);         /* POST /api/v1/leads/{id}/attachments */
void lead_api_attachment(struct req *r);     /* GET /api/v1/leads/{id}/attachments/{aid} */

#endif
