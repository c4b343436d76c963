/*
 * HTTP handlers of patrol teams and patrols.
 */
#ifndef CUNJING_PATROL_PATROL_API_H
#define CUNJING_PATROL_PATROL_API_H
#include "http/req.h"

void patrol_api_team_create(struct req *r); /* POST /api/v1/patrol-teams */
void patrol_api_team_list(struct req *r);   /* GET /api/v1/patrol-teams */
void patrol_api_create(struct req *r);      /* POST /api/v1/patrols */
void patrol_api_list(struct req *r);        /* GET /api/v1/patrols */
void patrol_api_get(struct req *r);         /* GET /api/v1/patrols/{id} */
void patrol_api_coverage(struct req *r);    /* GET /api/v1/patrols/coverage */
void patrol_api_attach(struct req *r);      /* POST /api/v1/patrols/{id}/attachments */
void patrol_api_attachment(struct req *r);  /* GET /api/v1/patrols/{id}/attachments/{aid} */

#endif
