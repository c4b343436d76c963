/*
 * The embedded web client: GET of any path that is not an API route.
 * "/" and client-side routes (no file extension) serve /index.html.
 */
#ifndef CUNJING_HTTP_STATIC_H
#define CUNJING_HTTP_STATIC_H
#include "http/req.h"

void static_serve(struct req *r);

#endif
