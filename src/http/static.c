/*
 * Serves the web client compiled into the binary (core/embedded.h) with its
 * content type. Unknown paths under /api/ are JSON 404s; other unknown paths
 * without an extension get index.html so that client routes survive a reload.
 */
#include "http/static.h"

#include <stdlib.h>
#include <string.h>

#include "core/embedded.h"
#include "core/str.h"
#include "http/resp.h"
#include "core/xalloc.h"

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

static const struct embedded_file *find(const char *name)
{
    return embedded_find(embedded_web, embedded_web_count, name);
}

void static_serve(struct req *r)
{
    if (r->is_api) {
        resp_fail(r, ERR_NOT_FOUND, NULL, "no such endpoint");
        return;
    }
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        resp_header(r, "Allow", "GET, HEAD");
        resp_fail(r, ERR_METHOD_NOT_ALLOWED, NULL, "method not allowed");
        return;
    }
    const char *path = r->path;
    const struct embedded_file *f = NULL;
    if (strcmp(path, "/") != 0 && !strstr(path, ".."))
        f = find(path);
    if (!f) {
        const char *slash = strrchr(path, '/');
        if (slash && strchr(slash, '.')) {
            resp_fail(r, ERR_NOT_FOUND, NULL, "no such file");
            return;
        }
        f = find("/index.html");
        if (!f) {
            resp_fail(r, ERR_NOT_FOUND, NULL, "no web client in this build");
            return;
        }
    }
    resp_raw(r, 200, type_of(f->name), f->data, f->len);
}
