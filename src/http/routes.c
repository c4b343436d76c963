/*
 * THE route table: every endpoint of the server, its method, the roles
 * allowed, its flags and body limit, and its handler. Read top to bottom, it
 * is the list of what the server does. docs/openapi.yaml describes the same
 * endpoints for clients.
 */
#include "http/router.h"

#include "app/app_api.h"
#include "audit/audit_api.h"
#include "auth/auth_api.h"
#include "auth/role.h"
#include "http/metrics.h"
#include "org/org_api.h"
#include "user/user_api.h"
#include "core/xalloc.h"

#define J BODY_JSON_MAX
#define SMALL (16 * 1024)
#define ADMIN ROLE_BIT(ROLE_ADMIN)
#define AUDITOR ROLE_BIT(ROLE_AUDITOR)
#define NOT_ADMIN_AUDITOR (ROLES_ALL & ~ADMIN & ~AUDITOR)

const struct route routes[] = {
    /* method  pattern                           handler                  flags            roles
       body */
    {"GET", "/healthz", app_api_healthz, R_PUBLIC, ROLES_ALL, 0},
    {"GET", "/metrics", metrics_api, R_PUBLIC, ROLES_ALL, 0},
    {"GET", "/api/v1/info", app_api_info, R_PUBLIC, ROLES_ALL, 0},

    {"POST", "/api/v1/auth/login", auth_api_login, R_PUBLIC | R_JSON, ROLES_ALL, SMALL},
    {"POST", "/api/v1/auth/logout", auth_api_logout, R_AUTH, ROLES_ALL, SMALL},
    {"GET", "/api/v1/me", auth_api_me, R_AUTH, ROLES_ALL, 0},
    {"POST", "/api/v1/me/password", auth_api_password, R_AUTH | R_JSON, ROLES_ALL, SMALL},
    {"POST", "/api/v1/me/totp", auth_api_totp_begin, R_AUTH, ROLES_ALL, SMALL},
    {"POST", "/api/v1/me/totp/confirm", auth_api_totp_confirm, R_AUTH | R_JSON, ROLES_ALL, SMALL},
    {"DELETE", "/api/v1/me/totp", auth_api_totp_delete, R_AUTH | R_JSON, ROLES_ALL, SMALL},

    {"GET", "/api/v1/areas", area_api_list, R_AUTH, ROLES_ALL, 0},
    {"GET", "/api/v1/areas/{id}", area_api_get, R_AUTH, ROLES_ALL, 0},
    {"GET", "/api/v1/units", unit_api_list, R_AUTH, ROLES_ALL, 0},
    {"GET", "/api/v1/assistants", assistant_api_list, R_AUTH, ROLES_ALL & ~AUDITOR, 0},
    {"GET", "/api/v1/assistants/coverage", assistant_api_coverage, R_AUTH,
     ROLES_ALL & ~AUDITOR & ~ROLE_BIT(ROLE_ASSISTANT), 0},
    {"GET", "/api/v1/assistants/{id}", assistant_api_get, R_AUTH, ROLES_ALL & ~AUDITOR, 0},

    {"GET", "/api/v1/users", user_api_list, R_AUTH, ADMIN, 0},
    {"POST", "/api/v1/users", user_api_create, R_AUTH | R_JSON, ADMIN, J},
    {"GET", "/api/v1/users/{id}", user_api_get, R_AUTH, ADMIN, 0},
    {"PATCH", "/api/v1/users/{id}", user_api_patch, R_AUTH | R_JSON, ADMIN, J},

    {"GET", "/api/v1/audit", audit_api_list, R_AUTH, AUDITOR, 0},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
