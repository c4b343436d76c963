/*
 * HTTP handler of the exports: GET /api/v1/exports/{dataset}.
 */
#ifndef CUNJING_EXPORT_EXPORT_API_H
#define CUNJING_EXPORT_EXPORT_API_H
#include "http/req.h"

void export_api_get(struct req *r);

#endif
