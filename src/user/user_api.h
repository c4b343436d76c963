/*
 * HTTP handlers of users (admin only).
 */
#ifndef CUNJING_USER_USER_API_H
#define CUNJING_USER_USER_API_H
#include "http/req.h"

void user_api_list(struct req *r);   /* GET /api/v1/users */
void user_api_create(struct req *r); /* POST /api/v1/users */
void user_api_get(struct req *r);    /* GET /api/v1/users/{id} */
void user_api_patch(struct req *r);  /* PATCH /api/v1/users/{id} */

#endif
