/*
 * HTTP handlers of the org module (registered in http/routes.c).
 */
#ifndef CUNJING_ORG_ORG_API_H
#define CUNJING_ORG_ORG_API_H
#include "http/req.h"

void area_api_list(struct req *r);          /* GET /api/v1/areas?parent_id= */
void area_api_get(struct req *r);           /* GET /api/v1/areas/{id} */
void unit_api_list(struct req *r);          /* GET /api/v1/units */
void assistant_api_list(struct req *r);     /* GET /api/v1/assistants */
void assistant_api_get(struct req *r);      /* GET /api/v1/assistants/{id} */
void assistant_api_coverage(struct req *r); /* GET /api/v1/assistants/coverage */

#endif
