/*
 * Answers. resp.c holds the one table that maps enum err to an HTTP status;
 * no other file knows statuses of errors. Bodies are owned by the request
 * after these calls. Every answer gets the security headers in server.c.
 */
#ifndef CUNJING_HTTP_RESP_H
#define CUNJING_HTTP_RESP_H
#include <jansson.h>

#include "core/err.h"
#include "http/req.h"

/* The HTTP status of an error. */
int resp_status_of(enum err e);
/* Answers status with body (stolen: the reference is taken). */
void resp_json(struct req *r, int status, json_t *body);
/* {"items":[...],"next_cursor":cursor-or-null}; items stolen; cursor may be NULL. */
void resp_list(struct req *r, json_t *items, const char *next_cursor);
/*
 * The error answer {"error":{"code","message","field"},"request_id"} for e
 * with the detail in r->ctx.err (and Retry-After when it says so). extra,
 * when not NULL, is merged into "error" (stolen): allowed, missing, current.
 */
void resp_error_extra(struct req *r, enum err e, json_t *extra);
void resp_error(struct req *r, enum err e);
/* Shorthand: err_set() on the request, then resp_error(). */
void resp_fail(struct req *r, enum err e, const char *field, const char *msg);
void resp_no_content(struct req *r);
/* Raw body: data is copied. */
void resp_raw(struct req *r, int status, const char *content_type, const void *data, size_t n);
/* Adds a header (name must be a static string; value copied). */
void resp_header(struct req *r, const char *name, const char *value);

#endif
