/*
 * HTTP handlers of authentication and the caller's own account.
 */
#ifndef CUNJING_AUTH_AUTH_API_H
#define CUNJING_AUTH_AUTH_API_H
#include "http/req.h"

void auth_api_login(struct req *r);        /* POST /api/v1/auth/login */
void auth_api_logout(struct req *r);       /* POST /api/v1/auth/logout */
void auth_api_me(struct req *r);           /* GET /api/v1/me */
void auth_api_password(struct req *r);     /* POST /api/v1/me/password */
void auth_api_totp_begin(struct req *r);   /* POST /api/v1/me/totp */
void auth_api_totp_confirm(struct req *r); /* POST /api/v1/me/totp/confirm */
void auth_api_totp_delete(struct req *r);  /* DELETE /api/v1/me/totp */

#endif
