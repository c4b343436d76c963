/*
 * The libmicrohttpd glue, and the only file that includes microhttpd.h.
 *
 * Each request arrives as several calls of access(): the first allocates
 * struct req, applies the limits that can be decided before the body is read
 * (URL 2 KiB -> 414, headers 8 KiB -> 431, encoding, route, Content-Length
 * over the route's limit -> 413, content type -> 415, overload -> 503), the
 * next append the body to a capped buffer, and the last hands the request to
 * the router and queues its answer with the security headers. completed()
 * writes the access-log line and frees the request.
 *
 * THREAD SAFETY: libmicrohttpd calls access() for one connection from one
 * worker thread at a time; struct req is private to its connection. The
 * server struct is read-only after start, except the atomics in metrics.c.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/rand.h"
#include "core/str.h"
#include "events/events.h"
#include "http/metrics.h"
#include "http/resp.h"
#include "http/router.h"
#include "core/xalloc.h"

#define MAX_URL 2048
#define MAX_HEADERS 8192

struct server {
    struct MHD_Daemon *d;
    struct app *app;
    char *tls_cert;
    char *tls_key;
    bool tls;
};

/* --- request accessors (declared in req.h) ----------------------------- */

const char *req_header(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_query(struct req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *req_cookie(struct req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_param(const struct req *r, size_t i)
{
    return i < r->n_params ? r->params[i] : NULL;
}

static struct req_form_field *form_find(struct req *r, const char *name)
{
    for (size_t i = 0; i < r->n_form; i++)
        if (strcmp(r->form[i].name, name) == 0)
            return &r->form[i];
    return NULL;
}

const char *req_form(struct req *r, const char *name)
{
    struct req_form_field *f = form_find(r, name);
    if (!f || f->is_file)
        return NULL;
    return f->value.data ? f->value.data : "";
}

bool req_form_file(struct req *r, const char *name, const void **data, size_t *len)
{
    struct req_form_field *f = form_find(r, name);
    if (!f || !f->is_file)
        return false;
    *data = f->value.data ? f->value.data : "";
    *len = f->value.len;
    return true;
}

/* --- helpers ------------------------------------------------------------ */

struct sizes {
    size_t headers;
    size_t query;
    bool bad_encoding;
    int content_length_count;
    bool has_te;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    struct sizes *s = cls;
    s->headers += strlen(key) + (value ? strlen(value) : 0) + 4;
    if (str_ieq(key, "Content-Length"))
        s->content_length_count++;
    if (str_ieq(key, "Transfer-Encoding"))
        s->has_te = true;
    return MHD_YES;
}

static enum MHD_Result count_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct sizes *s = cls;
    size_t kl = strlen(key), vl = value ? strlen(value) : 0;
    s->query += kl + vl + 2;
    if (!str_utf8_valid(key, kl) || (value && !str_utf8_valid(value, vl)))
        s->bad_encoding = true;
    return MHD_YES;
}

static bool ip_is_trusted(const struct config *cfg, const char *ip)
{
    for (size_t i = 0; i < cfg->n_trusted_proxies; i++)
        if (strcmp(cfg->trusted_proxies[i], ip) == 0)
            return true;
    return false;
}

/* The address the request came from; *proxied when a trusted proxy relayed it. */
static void client_ip(struct server *s, struct MHD_Connection *c, char out[64], bool *proxied)
{
    *proxied = false;
    snprintf(out, 64, "unknown");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, 64);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                      64);
    }
    if (!ip_is_trusted(&s->app->cfg, out))
        return;
    *proxied = true;
    const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    if (!xff)
        return;
    /* The rightmost address that is not one of our proxies is the client. */
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", xff);
    char *save = NULL;
    char *best = NULL;
    for (char *t = strtok_r(tmp, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
        if (!ip_is_trusted(&s->app->cfg, t))
            best = t;
    if (best && strlen(best) < 64)
        snprintf(out, 64, "%s", best);
}

static void add_security_headers(struct server *s, struct MHD_Response *resp, bool api, bool https)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self' data: blob:; connect-src 'self'; "
                            "worker-src 'self'; manifest-src 'self'; object-src 'none'; "
                            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy",
                            "camera=(self), geolocation=(self), microphone=()");
    (void)s;
    if (https)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
    MHD_add_response_header(resp, "Cache-Control", api ? "no-store" : "no-cache");
}

/*
 * Server-Sent Events: the response body is produced by sse_read() from the
 * subscriber's buffer. With nothing to send, the connection is suspended
 * (from inside the reader, under the subscriber's lock, as libmicrohttpd
 * prescribes for "no data yet") and the event hub resumes it when data
 * arrives; a suspended connection takes no thread and does not time out.
 */
struct sse {
    struct events_sub *sub;
    struct MHD_Connection *conn;
};

static void sse_suspend(void *cls)
{
    MHD_suspend_connection(cls);
}

static void sse_wake(void *cls)
{
    MHD_resume_connection(cls);
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct sse *x = cls;
    bool closed = false;
    size_t n = events_sub_read(x->sub, buf, max, &closed, sse_suspend, x->conn);
    if (n > 0)
        return (ssize_t)n;
    return closed ? MHD_CONTENT_READER_END_OF_STREAM : 0;
}

static void sse_free(void *cls)
{
    struct sse *x = cls;
    events_unsubscribe(x->sub);
    free(x);
}

static enum MHD_Result queue_stream(struct server *s, struct MHD_Connection *c, struct req *r)
{
    struct sse *x = xcalloc(1, sizeof *x);
    x->sub = r->stream;
    x->conn = c;
    r->stream = NULL; /* the response owns it now */
    events_sub_set_waker(x->sub, sse_wake, c);
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, sse_read, x, sse_free);
    if (!resp) {
        sse_free(x);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    add_security_headers(s, resp, true, r->https);
    enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result queue(struct server *s, struct MHD_Connection *c, struct req *r)
{
    if (r->stream && r->status == 200)
        return queue_stream(s, c, r);
    if (r->status == 0)
        resp_fail(r, ERR_INTERNAL, NULL, "no answer");
    struct MHD_Response *resp;
    if (r->resp_body) {
        resp = MHD_create_response_from_buffer(r->resp_len, r->resp_body, MHD_RESPMEM_MUST_FREE);
        r->resp_body = NULL; /* now libmicrohttpd's */
    } else {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    if (r->resp_type)
        MHD_add_response_header(resp, "Content-Type", r->resp_type);
    MHD_add_response_header(resp, "X-Request-Id", r->request_id);
    add_security_headers(s, resp, r->is_api, r->https);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        MHD_add_response_header(resp, r->resp_headers[i].name, r->resp_headers[i].value);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

/*
 * Percent-decoding of the path and the query, in place. %00 would cut the
 * string short where libmicrohttpd hands it over, so it becomes 0xC0, a byte
 * that is never valid UTF-8: the encoding check then refuses the request
 * with invalid_encoding instead of it being read as a shorter path.
 */
static size_t unescape_cb(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *w = s;
    for (const char *p = s; *p; p++) {
        if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
            char hex[3] = {p[1], p[2], 0};
            unsigned long v = strtoul(hex, NULL, 16);
            *w++ = v == 0 ? (char)0xC0 : (char)v;
            p += 2;
        } else {
            *w++ = *p;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

static struct req *req_new(struct server *s, struct MHD_Connection *c, const char *method,
                           const char *url)
{
    struct req *r = xcalloc(1, sizeof *r);
    r->conn = c;
    r->method = method;
    r->path = xstrdup(url);
    r->started_us = clock_mono_us();
    rand_token(r->request_id, sizeof r->request_id, 12);
    bool proxied = false;
    client_ip(s, c, r->ip, &proxied);
    const char *proto = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    r->https = s->tls || (proxied && proto && str_ieq(proto, "https"));
    r->ctx.app = s->app;
    r->ctx.ip = r->ip;
    r->ctx.request_id = r->request_id;
    r->is_api = str_starts_with(url, "/api/") || strcmp(url, "/healthz") == 0 ||
                strcmp(url, "/metrics") == 0;
    buf_init(&r->body, 0);
    scope_init(&r->who_storage.scope);
    return r;
}

static void req_free(struct req *r)
{
    if (!r)
        return;
    free(r->path);
    for (size_t i = 0; i < r->n_params; i++)
        free(r->params[i]);
    buf_release(&r->body);
    for (size_t i = 0; i < r->n_form; i++) {
        free(r->form[i].name);
        buf_release(&r->form[i].value);
    }
    json_decref(r->json);
    free(r->resp_body);
    for (size_t i = 0; i < r->n_resp_headers; i++)
        free(r->resp_headers[i].value);
    scope_release(&r->who_storage.scope);
    events_unsubscribe(r->stream); /* a stream that never got its response */
    free(r);
}

/*
 * Decides what can be decided before the body: returns false after setting
 * an error answer in r.
 */
static bool precheck(struct server *s, struct req *r, const char *url)
{
    struct MHD_Connection *c = r->conn;
    struct sizes sz = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &sz);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, count_arg, &sz);
    if (strlen(url) + sz.query > MAX_URL) {
        resp_fail(r, ERR_URI_TOO_LONG, NULL, "the URL is longer than 2 KiB");
        return false;
    }
    if (sz.headers > MAX_HEADERS) {
        resp_fail(r, ERR_HEADERS_TOO_LARGE, NULL, "the headers are larger than 8 KiB");
        return false;
    }
    if (sz.content_length_count > 1 || (sz.content_length_count && sz.has_te)) {
        resp_fail(r, ERR_BAD_REQUEST, NULL, "conflicting Content-Length / Transfer-Encoding");
        return false;
    }
    if (!str_utf8_valid(url, strlen(url)) || sz.bad_encoding) {
        resp_fail(r, ERR_INVALID_ENCODING, NULL, "the path or query is not valid UTF-8");
        return false;
    }
    if (metrics_inflight_add(0) > s->app->cfg.max_inflight) {
        metrics_overload();
        r->ctx.err.retry_after = 1;
        resp_fail(r, ERR_OVERLOADED, NULL, "the server is busy; retry shortly");
        r->ctx.err.retry_after = 0;
        return false;
    }
    bool path_matched = false;
    r->route = router_match(r, r->method, url, &path_matched);
    if (!r->route) {
        if (path_matched) {
            char allow[64];
            router_allow(url, allow, sizeof allow);
            resp_header(r, "Allow", allow);
            resp_fail(r, ERR_METHOD_NOT_ALLOWED, NULL, "method not allowed");
            return false;
        }
        /* Static files and unknown paths are the router's business (no body). */
        return true;
    }
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    if (cl) {
        int64_t n;
        if (!str_to_int64(cl, &n) || n < 0) {
            resp_fail(r, ERR_BAD_REQUEST, NULL, "bad Content-Length");
            return false;
        }
        if ((uint64_t)n > r->route->body_max) {
            resp_fail(r, ERR_TOO_LARGE, NULL,
                      r->route->body_max ? "the body is too large" : "no body is accepted here");
            return false;
        }
    }
    buf_init(&r->body, r->route->body_max);
    if (r->route->flags & R_MULTIPART) {
        /* Always: an upload without its content type cannot be parsed at all. */
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        if (!ct || strncasecmp(ct, "multipart/form-data", 19) != 0 ||
            (ct[19] != '\0' && ct[19] != ';' && ct[19] != ' ')) {
            resp_fail(r, ERR_UNSUPPORTED_MEDIA_TYPE, NULL, "the body must be multipart/form-data");
            return false;
        }
    }
    if ((r->route->flags & R_JSON) && (cl ? strcmp(cl, "0") != 0 : sz.has_te)) {
        const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
        if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
            (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
            resp_fail(r, ERR_UNSUPPORTED_MEDIA_TYPE, NULL, "the body must be application/json");
            return false;
        }
    }
    return true;
}

/*
 * Multipart bodies. The body is buffered whole first (the route's body_max
 * caps it), then handed to libmicrohttpd's post processor in one go, which
 * calls form_field() once per chunk of each part: a part starts at offset 0
 * and continues with growing offsets. Text fields must be UTF-8 without NUL
 * and at most REQ_FORM_TEXT_MAX bytes; a part with a filename is a file,
 * whose name is dropped here (never a path, never stored). The first error
 * stops the parse; its answer is sent before any handler runs.
 */
struct form_parse {
    struct req *r;
    struct req_form_field *cur; /* the part being received, NULL before the first */
    enum err err;               /* ERR_OK, or the first problem */
    const char *msg;
};

static enum MHD_Result form_fail(struct form_parse *fp, enum err e, const char *msg)
{
    fp->err = e;
    fp->msg = msg;
    return MHD_NO;
}

static enum MHD_Result form_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    struct form_parse *fp = cls;
    struct req *r = fp->r;
    if (!key || !*key)
        return form_fail(fp, ERR_BAD_REQUEST, "a form part has no name");
    bool is_file = filename != NULL;
    /* A 0-byte first call may be followed by the part's data, again at offset 0. */
    bool same = fp->cur && fp->cur->value.len == 0 && fp->cur->is_file == is_file &&
                strcmp(fp->cur->name, key) == 0;
    if (off == 0 && !same) {
        if (!str_utf8_valid(key, strlen(key)))
            return form_fail(fp, ERR_INVALID_ENCODING, "a form field name is not valid UTF-8");
        if (form_find(r, key))
            return form_fail(fp, ERR_BAD_REQUEST, "a form field is sent twice");
        if (r->n_form == REQ_MAX_FORM_FIELDS)
            return form_fail(fp, ERR_BAD_REQUEST, "too many form fields");
        fp->cur = &r->form[r->n_form++];
        fp->cur->name = xstrdup(key);
        fp->cur->is_file = is_file;
        /* Files are capped by the body itself; text fields by their own limit. */
        buf_init(&fp->cur->value, is_file ? r->route->body_max : REQ_FORM_TEXT_MAX);
    } else if (!fp->cur || strcmp(fp->cur->name, key) != 0 || off != fp->cur->value.len) {
        return form_fail(fp, ERR_BAD_REQUEST, "malformed multipart body");
    }
    if (size && !buf_append(&fp->cur->value, data, size))
        return form_fail(fp, is_file ? ERR_TOO_LARGE : ERR_TOO_LONG,
                         is_file ? "the file is too large" : "a form field is too long");
    return MHD_YES;
}

/* Parses r->body into r->form; false after answering 400/413/422. */
static bool parse_multipart(struct req *r)
{
    struct form_parse fp = {.r = r};
    struct MHD_PostProcessor *pp = MHD_create_post_processor(r->conn, 16 * 1024, form_field, &fp);
    if (!pp) {
        resp_fail(r, ERR_BAD_REQUEST, NULL, "multipart/form-data without a usable boundary");
        return false;
    }
    enum MHD_Result ok = r->body.len ? MHD_post_process(pp, r->body.data, r->body.len) : MHD_YES;
    /* MHD_NO from destroy: the body ended inside a part (no closing boundary). */
    enum MHD_Result complete = MHD_destroy_post_processor(pp);
    if (fp.err == ERR_OK && (ok != MHD_YES || complete != MHD_YES || (r->body.len && !r->n_form)))
        form_fail(&fp, ERR_BAD_REQUEST, "malformed multipart body");
    for (size_t i = 0; fp.err == ERR_OK && i < r->n_form; i++) {
        struct req_form_field *f = &r->form[i];
        if (!f->is_file && !str_utf8_valid(f->value.data ? f->value.data : "", f->value.len))
            form_fail(&fp, ERR_INVALID_ENCODING, "a form field is not valid UTF-8 or holds NUL");
    }
    if (fp.err != ERR_OK) {
        const char *field = fp.cur && fp.err == ERR_TOO_LONG ? fp.cur->name : NULL;
        resp_fail(r, fp.err, field, fp.msg);
        return false;
    }
    buf_release(&r->body); /* the parts hold copies; do not keep the body twice */
    return true;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    struct req *r = *con_cls;
    if (!r) {
        r = req_new(s, c, method, url);
        *con_cls = r;
        metrics_inflight_add(1);
        if (!precheck(s, r, url))
            return queue(s, c, r);
        return MHD_YES;
    }
    if (r->status != 0) {
        /* Already answered (an error before the body): drop the body. */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* Without a route the body is never used (the answer is 404/405). */
        if (r->route && !r->body_too_large && !buf_append(&r->body, upload_data, *upload_data_size))
            r->body_too_large = true;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (r->body_too_large) {
        resp_fail(r, ERR_TOO_LARGE, NULL, "the body is too large");
        return queue(s, c, r);
    }
    if (r->route && (r->route->flags & R_MULTIPART) && !parse_multipart(r))
        return queue(s, c, r);
    router_dispatch(r);
    return queue(s, c, r);
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct req *r = *con_cls;
    if (!r)
        return;
    int64_t dur = clock_mono_us() - r->started_us;
    metrics_inflight_add(-1);
    metrics_observe(r->status, dur);
    char when[TIME_ISO_LEN];
    time_iso_utc(clock_now(), when);
    json_t *line =
        json_pack("{ss ss ss ss ss ss si sf}", "t", when, "kind", "access", "rid", r->request_id,
                  "user", r->ctx.who ? r->ctx.who->username : "-", "ip", r->ip, "method",
                  r->method ? r->method : "", "status", r->status, "ms", (double)dur / 1000.0);
    if (line) {
        /* The path, never the query: queries may carry personal data. */
        json_object_set_new(line, "path", json_string(r->path));
        char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
        if (text)
            log_raw(text);
        free(text);
        json_decref(line);
    }
    req_free(r);
    *con_cls = NULL;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct buf b;
    buf_init(&b, 1024 * 1024);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!buf_append(&b, chunk, n))
            break;
    fclose(f);
    return b.data ? buf_detach(&b, NULL) : NULL;
}

static bool parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon || colon == listen)
        return false;
    int64_t port;
    if (!str_to_int64(colon + 1, &port) || port < 0 || port > 65535)
        return false;
    size_t hl = (size_t)(colon - listen);
    if (hl >= sizeof host)
        return false;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    memset(ss, 0, sizeof *ss);
    if (host[0] == '[' && host[hl - 1] == ']') {
        host[hl - 1] = '\0';
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
        a->sin6_family = AF_INET6;
        a->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
            return false;
        *len = sizeof *a;
        return true;
    }
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
        return false;
    *len = sizeof *a;
    return true;
}

enum err server_start(struct app *app, struct server **out, uint16_t *port_out,
                      struct errinfo *info)
{
    const struct config *cfg = &app->cfg;
    struct sockaddr_storage ss;
    socklen_t sslen = 0;
    if (!parse_listen(cfg->listen, &ss, &sslen))
        return err_set(info, ERR_INVALID, "listen", "bad listen address %s (want HOST:PORT)",
                       cfg->listen);
    struct server *s = xcalloc(1, sizeof *s);
    s->app = app;
    unsigned threads =
        cfg->threads > 0 ? (unsigned)cfg->threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (cfg->tls_cert_file && cfg->tls_key_file) {
        s->tls_cert = read_file(cfg->tls_cert_file);
        s->tls_key = read_file(cfg->tls_key_file);
        if (!s->tls_cert || !s->tls_key) {
            free(s->tls_cert);
            free(s->tls_key);
            free(s);
            return err_set(info, ERR_INVALID, "tls", "cannot read the TLS certificate or key");
        }
        s->tls = true;
        flags |= MHD_USE_TLS;
    }
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &ss},
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->max_connections, NULL},
        {MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->max_connections_per_ip, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->timeout_seconds, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)(64 * 1024), NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed_cb, s},
        {MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)unescape_cb, NULL},
        {s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, s->tls_cert},
        {s->tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, s->tls_key},
        {MHD_OPTION_END, 0, NULL},
    };
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, s, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
    if (!s->d) {
        free(s->tls_cert);
        free(s->tls_key);
        free(s);
        return err_set(info, ERR_INVALID, "listen", "cannot listen on %s: %s", cfg->listen,
                       strerror(errno));
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    *port_out = di ? di->port : 0;
    *out = s;
    return ERR_OK;
}

void server_stop(struct server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->d);
    free(s->tls_cert);
    free(s->tls_key);
    free(s);
}
