/*
 * GET /api/v1/audit (auditor only).
 */
#ifndef CUNJING_AUDIT_AUDIT_API_H
#define CUNJING_AUDIT_AUDIT_API_H
#include "http/req.h"

void audit_api_list(struct req *r);

#endif
