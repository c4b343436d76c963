/*
 * HTTP side of the harness: requests through libcurl to the loopback server
 * (the final response's status, header block and body; the body parsed with
 * jansson when it is JSON), a raw-socket sender for requests curl would not
 * send as written, list walking by next_cursor, dotted-path JSON access, the
 * login helpers and the exact error-shape assertion of CONVENTIONS.md.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

const char *const T_ANY_FIELD = "\x01any";

struct growbuf {
    char *p;
    size_t len, cap;
};

static void gb_add(struct growbuf *b, const char *data, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = realloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static size_t on_body(char *data, size_t size, size_t n, void *ud)
{
    gb_add(ud, data, size * n);
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *ud)
{
    struct growbuf *b = ud;
    if (size * n >= 5 && strncmp(data, "HTTP/", 5) == 0)
        b->len = 0; /* a new response (after 100 Continue): keep the last */
    gb_add(b, data, size * n);
    return size * n;
}

static void parse_json(struct tresp *r)
{
    if (r->body_len == 0)
        return;
    r->json = json_loadb(r->body, r->body_len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

bool thttp(struct tserver *s, const struct treq *q, struct tresp *r)
{
    static bool inited;
    if (!inited) {
        curl_global_init(CURL_GLOBAL_ALL);
        inited = true;
    }
    memset(r, 0, sizeof *r);
    const char *method = q->method ? q->method : (q->body ? "POST" : "GET");
    snprintf(r->what, sizeof r->what, "%s %.140s", method, q->path);
    CURL *c = curl_easy_init();
    if (!c)
        return false;
    struct growbuf hb = {0}, bb = {0};
    struct curl_slist *hl = NULL;
    char line[8192 + 64];
    size_t url_len = strlen(s->base) + strlen(q->path) + 1;
    char *url = malloc(url_len);
    snprintf(url, url_len, "%s%s", s->base, q->path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms > 0 ? q->timeout_ms : 30000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    }
    if (q->body) {
        size_t n = q->body_len ? q->body_len : strlen(q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
        const char *ct = q->content_type ? q->content_type : "application/json";
        if (*ct) {
            snprintf(line, sizeof line, "Content-Type: %s", ct);
            hl = curl_slist_append(hl, line);
        } else {
            hl = curl_slist_append(hl, "Content-Type:");
        }
    } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
        hl = curl_slist_append(hl, "Content-Type:");
    }
    hl = curl_slist_append(hl, "Expect:");
    if (q->token) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", q->token);
        hl = curl_slist_append(hl, line);
    }
    if (q->cookie) {
        snprintf(line, sizeof line, "Cookie: %s", q->cookie);
        hl = curl_slist_append(hl, line);
    }
    if (q->csrf) {
        snprintf(line, sizeof line, "X-CSRF-Token: %s", q->csrf);
        hl = curl_slist_append(hl, line);
    }
    for (size_t i = 0; q->headers && q->headers[i]; i++)
        hl = curl_slist_append(hl, q->headers[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(c);
    free(url);
    r->headers = hb.p ? hb.p : calloc(1, 1);
    r->body = bb.p ? bb.p : calloc(1, 1);
    r->body_len = bb.len;
    parse_json(r);
    if (rc != CURLE_OK)
        check_note("%s: transport error: %s", r->what, curl_easy_strerror(rc));
    return rc == CURLE_OK;
}

bool tget(struct tserver *s, const char *path, const char *token, struct tresp *r)
{
    struct treq q = {.method = "GET", .path = path, .token = token};
    return thttp(s, &q, r);
}

bool tpost(struct tserver *s, const char *path, const char *token, const char *json_body,
           struct tresp *r)
{
    struct treq q = {.method = "POST", .path = path, .token = token, .body = json_body};
    return thttp(s, &q, r);
}

void tresp_free(struct tresp *r)
{
    free(r->headers);
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

bool tresp_header(const struct tresp *r, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    for (const char *p = r->headers; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (len > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t vl = len - (size_t)(v - p);
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            if (vl >= outsz)
                vl = outsz - 1;
            memcpy(out, v, vl);
            out[vl] = '\0';
            return true;
        }
        p = eol ? eol + 1 : p + len;
    }
    return false;
}

bool traw(struct tserver *s, const char *bytes, size_t len, int timeout_ms, struct tresp *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->what, sizeof r->what, "raw %.40s", bytes);
    for (char *p = r->what; *p; p++)
        if (*p == '\r' || *p == '\n')
            *p = ' ';
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    size_t off = 0;
    double end = tnow() + timeout_ms / 1000.0;
    struct growbuf in = {0};
    while (off < len) {
        ssize_t n = send(fd, bytes + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            break; /* the server may answer and close before all is sent */
        struct pollfd pf = {fd, POLLOUT | POLLIN, 0};
        if (poll(&pf, 1, 50) > 0 && (pf.revents & POLLIN))
            break; /* an answer is already there */
        if (tnow() > end)
            break;
    }
    for (;;) {
        int left = (int)((end - tnow()) * 1000);
        if (left <= 0)
            break;
        struct pollfd pf = {fd, POLLIN, 0};
        if (poll(&pf, 1, left) <= 0)
            break;
        char buf[16384];
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        gb_add(&in, buf, (size_t)n);
        /* stop once headers and Content-Length bytes of body are in */
        char *he = in.p ? strstr(in.p, "\r\n\r\n") : NULL;
        if (he) {
            size_t hlen = (size_t)(he - in.p) + 4;
            const char *cl = strcasestr(in.p, "\ncontent-length:");
            if (cl && cl < he) {
                long v = strtol(cl + 16, NULL, 10);
                if (v >= 0 && in.len >= hlen + (size_t)v)
                    break;
            }
        }
    }
    close(fd);
    if (!in.p)
        return false;
    if (strncmp(in.p, "HTTP/1.", 7) == 0 && in.len > 12)
        r->status = strtol(in.p + 9, NULL, 10);
    char *he = strstr(in.p, "\r\n\r\n");
    size_t hlen = he ? (size_t)(he - in.p) + 4 : in.len;
    r->headers = malloc(hlen + 1);
    memcpy(r->headers, in.p, hlen);
    r->headers[hlen] = '\0';
    r->body_len = in.len - hlen;
    r->body = malloc(r->body_len + 1);
    memcpy(r->body, in.p + hlen, r->body_len);
    r->body[r->body_len] = '\0';
    free(in.p);
    parse_json(r);
    return r->status > 0;
}

json_t *tget_all(struct tserver *s, const char *path, const char *token, long *status)
{
    json_t *all = json_array();
    char *cursor = NULL;
    *status = 0;
    for (int page = 0; page < 200; page++) {
        char url[4096];
        const char *sep = strchr(path, '?') ? "&" : "?";
        if (cursor)
            snprintf(url, sizeof url, "%s%slimit=100&cursor=%s", path, sep, cursor);
        else
            snprintf(url, sizeof url, "%s%slimit=100", path, sep);
        struct tresp r;
        tget(s, url, token, &r);
        *status = r.status;
        json_t *items = tj(r.json, "items");
        if (r.status != 200 || !json_is_array(items) || !json_object_get(r.json, "next_cursor")) {
            if (r.status == 200)
                CHECKF(false, "GET %s: not a list {\"items\":[...],\"next_cursor\"}: %s", url,
                       r.body);
            tresp_free(&r);
            free(cursor);
            json_decref(all);
            return NULL;
        }
        json_array_extend(all, items);
        const char *next = tjs(r.json, "next_cursor");
        free(cursor);
        cursor = NULL;
        if (next && *next) {
            /* cursors are opaque: percent-encode them */
            size_t n = strlen(next);
            cursor = malloc(n * 3 + 1);
            size_t k = 0;
            for (size_t i = 0; i < n; i++) {
                unsigned char ch = (unsigned char)next[i];
                if (isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
                    cursor[k++] = (char)ch;
                } else {
                    snprintf(cursor + k, 4, "%%%02X", ch);
                    k += 3;
                }
            }
            cursor[k] = '\0';
        }
        tresp_free(&r);
        if (!cursor)
            return all;
    }
    free(cursor);
    CHECKF(false, "GET %s: more than 200 pages", path);
    return all;
}

/* ---- JSON --------------------------------------------------------------- */

json_t *tj(json_t *root, const char *path)
{
    json_t *cur = root;
    const char *p = path;
    while (cur && *p) {
        size_t n = strcspn(p, ".");
        char key[128];
        if (n >= sizeof key)
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (json_is_object(cur)) {
            cur = json_object_get(cur, key);
        } else if (json_is_array(cur)) {
            char *end;
            long i = strtol(key, &end, 10);
            cur = (*end || i < 0) ? NULL : json_array_get(cur, (size_t)i);
        } else {
            return NULL;
        }
        p += n;
        if (*p == '.')
            p++;
    }
    return cur;
}

const char *tjs(json_t *root, const char *path)
{
    return json_string_value(tj(root, path));
}

json_t *tfind(json_t *arr, const char *key, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(json_object_get(v, key));
        if (s && value && strcmp(s, value) == 0)
            return v;
    }
    return NULL;
}

const char *tdump(json_t *j)
{
    static char bufs[4][2048];
    static int next;
    char *b = bufs[next++ % 4];
    if (!j) {
        snprintf(b, sizeof bufs[0], "(null)");
        return b;
    }
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(b, sizeof bufs[0], "%s", s ? s : "(unprintable)");
    free(s);
    return b;
}

bool tarray_has(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        if (json_is_string(v) && s && strcmp(json_string_value(v), s) == 0)
            return true;
    }
    return false;
}

/* ---- login -------------------------------------------------------------- */

bool tlogin_raw(struct tserver *s, const char *user, const char *password, const char *totp,
                struct tresp *r)
{
    json_t *b = json_object();
    json_object_set_new(b, "username", json_string(user));
    json_object_set_new(b, "password", json_string(password));
    if (totp)
        json_object_set_new(b, "totp", json_string(totp));
    char *body = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    bool ok = tpost(s, "/api/v1/auth/login", NULL, body, r);
    free(body);
    return ok;
}

bool tlogin(struct tserver *s, const char *user, const char *password, struct tsession *out)
{
    memset(out, 0, sizeof *out);
    char code[7];
    bool has_totp = tserver_totp(s, user, code);
    struct tresp r;
    tlogin_raw(s, user, password ? password : T_PASSWORD, has_totp ? code : NULL, &r);
    bool ok = CHECKF(r.status == 200 && tjs(r.json, "token") && tjs(r.json, "csrf_token"),
                     "login %s: status %ld body %s", user, r.status, r.body);
    if (ok) {
        snprintf(out->token, sizeof out->token, "%s", tjs(r.json, "token"));
        snprintf(out->csrf, sizeof out->csrf, "%s", tjs(r.json, "csrf_token"));
        const char *id = tjs(r.json, "user.id");
        snprintf(out->user_id, sizeof out->user_id, "%s", id ? id : "");
        snprintf(out->username, sizeof out->username, "%s", user);
        char sc[1024];
        if (tresp_header(&r, "Set-Cookie", sc, sizeof sc)) {
            size_t n = strcspn(sc, ";");
            if (n < sizeof out->cookie) {
                memcpy(out->cookie, sc, n);
                out->cookie[n] = '\0';
            }
        }
    }
    tresp_free(&r);
    return ok;
}

/* ---- assertions --------------------------------------------------------- */

static bool leaks_internals(const char *text)
{
    static const char *bad[] = {"SQLITE",
                                "sqlite3",
                                "SELECT ",
                                "INSERT ",
                                "UPDATE ",
                                "DELETE ",
                                " FROM ",
                                "/work/",
                                "/tmp/",
                                "/home/",
                                ".c:",
                                "src/",
                                "constraint failed",
                                "stack",
                                "backtrace",
                                "AddressSanitizer"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (strstr(text, bad[i]))
            return true;
    return false;
}

bool texpect_status(const char *file, int line, const struct tresp *r, long status)
{
    return check_report(r->status == status, file, line, "%s: status %ld, want %ld; body: %.600s",
                        r->what, r->status, status, r->body ? r->body : "");
}

bool texpect_error(const char *file, int line, const struct tresp *r, long status, const char *code,
                   const char *field)
{
    const char *body = r->body ? r->body : "";
    bool ok =
        check_report(r->status == status, file, line, "%s: status %ld, want %ld (%s); body: %.600s",
                     r->what, r->status, status, code, body);
    char ct[256] = "";
    tresp_header(r, "Content-Type", ct, sizeof ct);
    ok = check_report(strncmp(ct, "application/json", 16) == 0, file, line,
                      "%s: error Content-Type \"%s\", want application/json", r->what, ct) &&
         ok;
    json_t *j = r->json;
    json_t *err = json_object_get(j, "error");
    if (!check_report(json_is_object(j) && json_is_object(err), file, line,
                      "%s: body is not {\"error\":{...}}: %.600s", r->what, body))
        return false;
    const char *k;
    json_t *v;
    json_object_foreach(j, k, v)
    {
        ok = check_report(strcmp(k, "error") == 0 || strcmp(k, "request_id") == 0, file, line,
                          "%s: unexpected top-level member \"%s\" in error body", r->what, k) &&
             ok;
    }
    const char *rid = json_string_value(json_object_get(j, "request_id"));
    ok = check_report(rid && *rid, file, line, "%s: error body without request_id: %.600s", r->what,
                      body) &&
         ok;
    const char *got_code = json_string_value(json_object_get(err, "code"));
    ok = check_report(got_code && strcmp(got_code, code) == 0, file, line,
                      "%s: error.code \"%s\", want \"%s\"; body: %.600s", r->what,
                      got_code ? got_code : "(none)", code, body) &&
         ok;
    const char *msg = json_string_value(json_object_get(err, "message"));
    ok = check_report(msg && *msg, file, line, "%s: error.message missing or empty", r->what) && ok;
    ok = check_report(!leaks_internals(body), file, line,
                      "%s: error body shows SQL, a path or a stack: %.600s", r->what, body) &&
         ok;
    json_t *f = json_object_get(err, "field");
    if (field != T_ANY_FIELD) {
        if (field) {
            const char *gf = json_string_value(f);
            ok = check_report(gf && strcmp(gf, field) == 0, file, line,
                              "%s: error.field \"%s\", want \"%s\"; body: %.600s", r->what,
                              gf ? gf : "(none)", field, body) &&
                 ok;
        } else {
            ok = check_report(!f || json_is_null(f), file, line,
                              "%s: error.field present, want none; body: %.600s", r->what, body) &&
                 ok;
        }
    }
    json_object_foreach(err, k, v)
    {
        static const char *known[] = {"code", "message", "field", "missing", "allowed", "current"};
        bool found = false;
        for (size_t i = 0; i < sizeof known / sizeof *known; i++)
            found = found || strcmp(k, known[i]) == 0;
        ok = check_report(found, file, line, "%s: unexpected member error.%s", r->what, k) && ok;
    }
    return ok;
}

bool tupload(struct tserver *s, const char *path, const char *token, const struct tpart *parts,
             size_t nparts, struct tresp *r)
{
    static bool inited;
    if (!inited) {
        curl_global_init(CURL_GLOBAL_ALL);
        inited = true;
    }
    memset(r, 0, sizeof *r);
    snprintf(r->what, sizeof r->what, "POST(multipart) %.130s", path);
    CURL *c = curl_easy_init();
    if (!c)
        return false;
    struct growbuf hb = {0}, bb = {0};
    struct curl_slist *hl = NULL;
    char line[512];
    size_t url_len = strlen(s->base) + strlen(path) + 1;
    char *url = malloc(url_len);
    snprintf(url, url_len, "%s%s", s->base, path);
    curl_mime *mime = curl_mime_init(c);
    for (size_t i = 0; i < nparts; i++) {
        curl_mimepart *p = curl_mime_addpart(mime);
        curl_mime_name(p, parts[i].name);
        if (parts[i].data) {
            curl_mime_data(p, parts[i].data, parts[i].len);
            curl_mime_filename(p, parts[i].filename ? parts[i].filename : "file.bin");
            curl_mime_type(p, parts[i].type ? parts[i].type : "application/octet-stream");
        } else {
            curl_mime_data(p, parts[i].value ? parts[i].value : "", CURL_ZERO_TERMINATED);
        }
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 60000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &bb);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &hb);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
    hl = curl_slist_append(hl, "Expect:");
    if (token) {
        snprintf(line, sizeof line, "Authorization: Bearer %s", token);
        hl = curl_slist_append(hl, line);
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    /* A server may answer (413) and close before reading the whole body: the
       answer stands even when curl reports the broken send. */
    if (rc == CURLE_OK || status > 0)
        r->status = status;
    curl_slist_free_all(hl);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    free(url);
    r->headers = hb.p ? hb.p : calloc(1, 1);
    r->body = bb.p ? bb.p : calloc(1, 1);
    r->body_len = bb.len;
    parse_json(r);
    if (rc != CURLE_OK)
        check_note("%s: transport error: %s (status %ld)", r->what, curl_easy_strerror(rc), status);
    return r->status > 0;
}
