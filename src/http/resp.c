/*
 * Building answers; the table from enum err to HTTP status lives here and
 * nowhere else.
 */
#include "http/resp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

static const int statuses[ERR__COUNT] = {
    [ERR_OK] = 200,
    [ERR_INVALID_JSON] = 400,
    [ERR_INVALID_ENCODING] = 400,
    [ERR_BAD_REQUEST] = 400,
    [ERR_UNAUTHENTICATED] = 401,
    [ERR_INVALID_CREDENTIALS] = 401,
    [ERR_TOTP_REQUIRED] = 401,
    [ERR_FORBIDDEN] = 403,
    [ERR_CSRF] = 403,
    [ERR_NOT_FOUND] = 404,
    [ERR_METHOD_NOT_ALLOWED] = 405,
    [ERR_VERSION_CONFLICT] = 409,
    [ERR_STATE] = 409,
    [ERR_CONFLICT] = 409,
    [ERR_TOO_LARGE] = 413,
    [ERR_URI_TOO_LONG] = 414,
    [ERR_UNSUPPORTED_MEDIA_TYPE] = 415,
    [ERR_INVALID] = 422,
    [ERR_UNKNOWN_FIELD] = 422,
    [ERR_TOO_LONG] = 422,
    [ERR_INVALID_ID_NUMBER] = 422,
    [ERR_MISSING_MATERIALS] = 422,
    [ERR_IMAGE_TOO_LARGE] = 422,
    [ERR_LOCKED] = 423,
    [ERR_RATE_LIMITED] = 429,
    [ERR_HEADERS_TOO_LARGE] = 431,
    [ERR_OVERLOADED] = 503,
    [ERR_DB_UNAVAILABLE] = 503,
    [ERR_READ_ONLY] = 503,
    [ERR_BUSY] = 503,
    [ERR_STORAGE_FULL] = 507,
    [ERR_INTERNAL] = 500,
};

int resp_status_of(enum err e)
{
    if ((unsigned)e >= ERR__COUNT || !statuses[e])
        return 500;
    return statuses[e];
}

void resp_header(struct req *r, const char *name, const char *value)
{
    for (size_t i = 0; i < r->n_resp_headers; i++) {
        if (strcmp(r->resp_headers[i].name, name) == 0) {
            free(r->resp_headers[i].value);
            r->resp_headers[i].value = xstrdup(value);
            return;
        }
    }
    if (r->n_resp_headers == REQ_MAX_RESP_HEADERS)
        return;
    r->resp_headers[r->n_resp_headers].name = name;
    r->resp_headers[r->n_resp_headers].value = xstrdup(value);
    r->n_resp_headers++;
}

static void set_body(struct req *r, int status, const char *type, char *body, size_t len)
{
    free(r->resp_body);
    r->status = status;
    r->resp_type = type;
    r->resp_body = body;
    r->resp_len = len;
}

void resp_json(struct req *r, int status, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!text) {
        set_body(r, 500, "application/json",
                 xasprintf("{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"},"
                           "\"request_id\":\"%s\"}",
                           r->request_id),
                 0);
        r->resp_len = strlen(r->resp_body);
        return;
    }
    /* jansson allocates with malloc (default allocator): ours to free. */
    set_body(r, status, "application/json", text, strlen(text));
}

void resp_list(struct req *r, json_t *items, const char *next_cursor)
{
    resp_json(r, 200,
              json_pack("{so so}", "items", items, "next_cursor",
                        next_cursor ? json_string(next_cursor) : json_null()));
}

/* What to say when the code that failed left no message. */
static const char *default_message(enum err e)
{
    switch (e) {
    case ERR_DB_UNAVAILABLE:
        return "the database is unavailable; retry shortly";
    case ERR_BUSY:
    case ERR_OVERLOADED:
        return "the server is busy; retry shortly";
    case ERR_READ_ONLY:
        return "the database is read-only at the moment; retry later";
    case ERR_STORAGE_FULL:
        return "the server's storage is full";
    case ERR_INTERNAL:
        return "internal error";
    case ERR_NOT_FOUND:
        return "not found";
    case ERR_FORBIDDEN:
        return "your role may not do this";
    case ERR_CONFLICT:
        return "conflicts with an existing record";
    default:
        return err_code(e);
    }
}

void resp_error_extra(struct req *r, enum err e, json_t *extra)
{
    struct errinfo *ei = &r->ctx.err;
    if (resp_status_of(e) == 503 && ei->retry_after <= 0)
        ei->retry_after = e == ERR_DB_UNAVAILABLE ? 5 : 1;
    json_t *err = json_pack("{ss ss}", "code", err_code(e), "message",
                            ei->message[0] ? ei->message : default_message(e));
    if (ei->field[0])
        json_object_set_new(err, "field", json_string(ei->field));
    if (extra) {
        json_object_update(err, extra);
        json_decref(extra);
    }
    if (e == ERR_STATE && !json_object_get(err, "allowed"))
        json_object_set_new(err, "allowed", json_array());
    if (ei->retry_after > 0) {
        char v[16];
        snprintf(v, sizeof v, "%d", ei->retry_after);
        resp_header(r, "Retry-After", v);
    }
    resp_json(r, resp_status_of(e),
              json_pack("{so ss}", "error", err, "request_id", r->request_id));
}

void resp_error(struct req *r, enum err e)
{
    resp_error_extra(r, e, NULL);
}

void resp_fail(struct req *r, enum err e, const char *field, const char *msg)
{
    err_set(&r->ctx.err, e, field, "%s", msg ? msg : err_code(e));
    resp_error(r, e);
}

void resp_no_content(struct req *r)
{
    set_body(r, 204, NULL, NULL, 0);
}

void resp_raw(struct req *r, int status, const char *content_type, const void *data, size_t n)
{
    char *copy = xmalloc(n + 1);
    memcpy(copy, data, n);
    copy[n] = '\0';
    set_body(r, status, content_type, copy, n);
}
