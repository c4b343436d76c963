/*
 * HTTP handlers of public-security information reports.
 */
#ifndef CUNJING_INTEL_INTEL_API_H
#define CUNJING_INTEL_INTEL_API_H
#include "http/req.h"

void intel_api_create(struct req *r); /* POST /api/v1/intel-reports */
void intel_api_list(struct req *r);   /* GET /api/v1/intel-reports */
void intel_api_get(struct req *r);    /* GET /api/v1/intel-reports/{id} */
void intel_api_assess(struct req *r); /* POST /api/v1/intel-reports/{id}/assess */

#endif
