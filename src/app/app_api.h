/*
 * Handlers that describe the server itself: health and public info.
 */
#ifndef CUNJING_APP_APP_API_H
#define CUNJING_APP_APP_API_H
#include "http/req.h"

void app_api_healthz(struct req *r); /* GET /healthz */
void app_api_info(struct req *r);    /* GET /api/v1/info */

#endif
