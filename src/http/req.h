/*
 * One HTTP request as handlers see it: no libmicrohttpd type appears here
 * (only http/server.c includes microhttpd.h), so handlers can be driven
 * without sockets. The request owns everything it points to; it dies in the
 * server's completion callback.
 *
 * A handler reads r->ctx (caller, scope, app), path parameters, the query,
 * headers and the parsed JSON body, calls one domain function and answers
 * with resp_*() (http/resp.h). Parse helpers in http/json_in.h record the
 * 4xx and its field themselves and return false.
 */
#ifndef CUNJING_HTTP_REQ_H
#define CUNJING_HTTP_REQ_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/buf.h"

#define REQ_MAX_PARAMS 4
#define REQ_MAX_RESP_HEADERS 8
#define REQ_MAX_FORM_FIELDS 16 /* fields of a multipart body, text and file together */
#define REQ_FORM_TEXT_MAX 4096 /* bytes of one text field */

/* One field of a multipart/form-data body (R_MULTIPART routes). */
struct req_form_field {
    char *name;       /* owned; valid UTF-8 */
    struct buf value; /* text (valid UTF-8, no NUL) or the file's bytes */
    bool is_file;     /* the part had a filename (which is never kept) */
};

struct route;
struct events_sub;

struct req {
    struct ctx ctx; /* caller, app, request id, error detail */
    struct principal who_storage;
    char request_id[24];
    char ip[64];
    const char *method;           /* borrowed from the server */
    char *path;                   /* owned: the path without the query */
    char *params[REQ_MAX_PARAMS]; /* owned: {x} segments of the route, in order */
    size_t n_params;
    const struct route *route;
    void *conn;                                      /* server-private connection handle */
    struct buf body;                                 /* request body (capped by the route) */
    json_t *json;                                    /* parsed body for R_JSON routes, owned */
    struct req_form_field form[REQ_MAX_FORM_FIELDS]; /* R_MULTIPART: the parsed fields */
    size_t n_form;
    int64_t started_us;
    bool body_too_large;

    /* response */
    int status;
    char *resp_body; /* owned */
    size_t resp_len;
    const char *resp_type; /* static string */
    struct {
        const char *name; /* static */
        char *value;      /* owned */
    } resp_headers[REQ_MAX_RESP_HEADERS];
    size_t n_resp_headers;
    bool is_api;
    bool https; /* served over TLS here, or by a trusted proxy that says so (X-Forwarded-Proto) */
    struct events_sub *stream; /* set by a streaming handler (SSE); the server owns it then */
};

/* Implemented by http/server.c over the connection. Borrowed; NULL if absent. */
const char *req_header(struct req *r, const char *name);
const char *req_query(struct req *r, const char *key);
/* The value of cookie name, or NULL. */
const char *req_cookie(struct req *r, const char *name);
/* Path parameter i (0-based) of the route. */
const char *req_param(const struct req *r, size_t i);
/*
 * Multipart bodies (R_MULTIPART routes), parsed before the handler runs:
 * req_form() is the text field name (borrowed, "" when sent empty) or NULL
 * when there is no such text field; req_form_file() sets *data and *len to the
 * content of file field name (borrowed; binary, may hold NUL) and returns
 * true, or returns false when there is none. Both live until the request is
 * freed. The client's file name is never kept.
 */
const char *req_form(struct req *r, const char *name);
bool req_form_file(struct req *r, const char *name, const void **data, size_t *len);

#endif
