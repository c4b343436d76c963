/*
 * Matching a request to routes[] and applying the route's flags in one
 * place: session (401), CSRF for cookie writes (403 csrf), the role gate
 * for routes without object parameters (403), then the handler. Denials are
 * audited here, whether the router or the domain refused.
 */
#include "http/router.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "audit/audit.h"
#include "auth/session.h"
#include "core/str.h"
#include "http/resp.h"
#include "http/static.h"
#include "core/xalloc.h"

/* Matches pattern against path segment by segment; captures {x} into params. */
static bool match(const char *pattern, const char *path, char **params, size_t *n_params)
{
    size_t n = 0;
    const char *p = pattern, *q = path;
    while (*p && *q) {
        if (*p != '/' || *q != '/')
            goto no;
        p++;
        q++;
        const char *pe = strchr(p, '/');
        const char *qe = strchr(q, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        size_t ql = qe ? (size_t)(qe - q) : strlen(q);
        if (pl >= 2 && p[0] == '{') {
            if (ql == 0 || n == REQ_MAX_PARAMS)
                goto no;
            if (params)
                params[n] = xstrndup(q, ql);
            n++;
        } else if (pl != ql || memcmp(p, q, pl) != 0) {
            goto no;
        }
        p += pl;
        q += ql;
    }
    if (*p || *q)
        goto no;
    *n_params = n;
    return true;
no:
    if (params)
        for (size_t i = 0; i < n; i++)
            free(params[i]);
    return false;
}

static bool method_eq(const char *route_method, const char *method)
{
    if (strcmp(route_method, method) == 0)
        return true;
    return strcmp(route_method, "GET") == 0 && strcmp(method, "HEAD") == 0;
}

const struct route *router_match(struct req *r, const char *method, const char *path,
                                 bool *path_matched)
{
    *path_matched = false;
    for (size_t i = 0; i < routes_count; i++) {
        size_t n = 0;
        if (!match(routes[i].pattern, path, NULL, &n))
            continue;
        if (!method_eq(routes[i].method, method)) {
            *path_matched = true;
            continue;
        }
        match(routes[i].pattern, path, r->params, &r->n_params);
        return &routes[i];
    }
    return NULL;
}

void router_allow(const char *path, char *out, size_t outsz)
{
    out[0] = '\0';
    size_t used = 0;
    for (size_t i = 0; i < routes_count; i++) {
        size_t n;
        if (!match(routes[i].pattern, path, NULL, &n))
            continue;
        int w = snprintf(out + used, outsz - used, "%s%s", used ? ", " : "", routes[i].method);
        if (w < 0 || (size_t)w >= outsz - used)
            break;
        used += (size_t)w;
    }
}

static bool has_params(const struct route *rt)
{
    return strchr(rt->pattern, '{') != NULL;
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* The object named by the request, for audit records: "METHOD /path". */
static void audit_denial(struct req *r, enum err e)
{
    char object[300];
    snprintf(object, sizeof object, "%s %.280s", r->method, r->path);
    if (r->ctx.who)
        audit_record(&r->ctx, "access.denied", object, err_code(e));
    else
        audit_record_as(&r->ctx, NULL, "-", "", "access.denied", object, err_code(e));
}

static bool authenticate(struct req *r)
{
    const char *token = NULL;
    bool cookie = false;
    const char *authz = req_header(r, "Authorization");
    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        token = authz + 7;
    } else {
        token = req_cookie(r, SESSION_COOKIE);
        cookie = token != NULL;
    }
    enum err e = ERR_UNAUTHENTICATED;
    if (token && *token)
        e = session_check(r->ctx.app, token, &r->who_storage, &r->ctx.err);
    if (e != ERR_OK) {
        if (e == ERR_UNAUTHENTICATED)
            err_set(&r->ctx.err, e, NULL, "log in first (no session, or it expired)");
        resp_error(r, e);
        if (e == ERR_UNAUTHENTICATED)
            audit_denial(r, e);
        return false;
    }
    r->who_storage.cookie_auth = cookie;
    r->ctx.who = &r->who_storage;
    if (cookie && is_write(r->method)) {
        const char *sent = req_header(r, "X-CSRF-Token");
        if (!session_csrf_ok(r->ctx.who, sent)) {
            resp_fail(r, ERR_CSRF, NULL, "missing or wrong X-CSRF-Token");
            audit_denial(r, ERR_CSRF);
            return false;
        }
    }
    return true;
}

void router_dispatch(struct req *r)
{
    const struct route *rt = r->route;
    if (!rt) {
        static_serve(r);
        return;
    }
    if ((rt->flags & R_AUTH) && !authenticate(r))
        return;
    if ((rt->flags & R_AUTH) && !has_params(rt) && !(rt->roles & ROLE_BIT(r->ctx.who->role))) {
        resp_fail(r, ERR_FORBIDDEN, NULL, "your role may not do this");
        audit_denial(r, ERR_FORBIDDEN);
        return;
    }
    rt->fn(r);
    if (r->ctx.denial && (r->status == 403 || r->status == 404))
        audit_denial(r, r->status == 403 ? ERR_FORBIDDEN : ERR_NOT_FOUND);
}
