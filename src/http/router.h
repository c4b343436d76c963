/*
 * The route table (http/routes.c) and the router that applies its flags in
 * one place: authentication, CSRF, role gate, content type and body limits.
 * A route's roles are checked here for routes without path parameters; routes
 * that name an object check scope first and role second in the domain, as
 * CONVENTIONS.md orders them (out of scope: 404 before 403).
 */
#ifndef CUNJING_HTTP_ROUTER_H
#define CUNJING_HTTP_ROUTER_H
#include <stddef.h>

#include "http/req.h"

typedef void (*route_fn)(struct req *r);

enum route_flags {
    R_AUTH = 1 << 0,      /* needs a session */
    R_JSON = 1 << 1,      /* body is JSON (Content-Type application/json), parsed into r->json */
    R_PUBLIC = 1 << 2,    /* no session needed */
    R_RAW = 1 << 3,       /* body is read raw (uploads) */
    R_MULTIPART = 1 << 4, /* body is multipart/form-data, parsed into r->form (req_form*) */
};

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/users/{id}" */
    route_fn fn;
    unsigned flags;
    unsigned roles;  /* ROLE_BIT mask; checked here only when the pattern has no {param} */
    size_t body_max; /* 0 = no body accepted */
};

extern const struct route routes[];
extern const size_t routes_count;

#define BODY_JSON_MAX (1024 * 1024)

/* Finds the route of method + path; fills r->params. *path_matched tells 405 from 404. */
const struct route *router_match(struct req *r, const char *method, const char *path,
                                 bool *path_matched);
/* Runs r->route's checks and handler; answers in every case. */
void router_dispatch(struct req *r);
/* The Allow header value for a path (methods whose pattern matches). */
void router_allow(const char *path, char *out, size_t outsz);

#endif
