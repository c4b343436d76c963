/*
 * HTTP handlers of household business types and applications.
 */
#ifndef CUNJING_HOUSEHOLD_HOUSEHOLD_API_H
#define CUNJING_HOUSEHOLD_HOUSEHOLD_API_H
#include "http/req.h"

void household_api_types(struct req *r);      /* GET /household-business-types */
void household_api_type_put(struct req *r);   /* PUT /household-business-types/{code} */
void household_api_create(struct req *r);     /* POST /household-applications */
void household_api_list(struct req *r);       /* GET /household-applications */
void household_api_get(struct req *r);        /* GET /household-applications/{id} */
void household_api_patch(struct req *r);      /* PATCH /household-applications/{id} */
void household_api_submit(struct req *r);     /* POST .../{id}/submit */
void household_api_accept(struct req *r);     /* POST .../{id}/accept */
void household_api_return(struct req *r);     /* POST .../{id}/return */
void household_api_approve(struct req *r);    /* POST .../{id}/approve */
void household_api_reject(struct req *r);     /* POST .../{id}/reject */
void household_api_complete(struct req *r);   /* POST .../{id}/complete */
void household_api_attach(struct req *r);     /* POST .../{id}/attachments */
void household_api_attachment(struct req *r); /* GET .../{id}/attachments/{aid}[?thumb=1] */
void household_api_receipt(struct req *r);    /* GET .../{id}/receipt */
void household_api_lookup(struct req *r);     /* GET /public/household-applications/{number} */

#endif
