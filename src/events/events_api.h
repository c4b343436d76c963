/*
 * The handler of the live event stream.
 */
#ifndef CUNJING_EVENTS_EVENTS_API_H
#define CUNJING_EVENTS_EVENTS_API_H
#include "http/req.h"

void events_api_stream(struct req *r); /* GET /api/v1/events */

#endif
