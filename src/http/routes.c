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
#include "cases/cases_api.h"
#include "dispute/dispute_api.h"
#include "events/events_api.h"
#include "export/export_api.h"
#include "intel/intel_api.h"
#include "stats/stats_api.h"
#include "stats/report_api.h"
#include "visit/visit_api.h"
#include "patrol/patrol_api.h"
#include "household/household_api.h"
#include "http/metrics.h"
#include "inbox/inbox.h"
#include "org/org_api.h"
#include "user/user_api.h"
#include "core/xalloc.h"

#define J BODY_JSON_MAX
#define SMALL (16 * 1024)
#define ADMIN ROLE_BIT(ROLE_ADMIN)
#define AUDITOR ROLE_BIT(ROLE_AUDITOR)
#define NOT_ADMIN_AUDITOR (ROLES_ALL & ~ADMIN & ~AUDITOR)
/* Roles with any right on household applications (the domain checks which). */
#define HH_READERS                                                                                 \
    (ROLE_BIT(ROLE_ASSISTANT) | ROLE_BIT(ROLE_OFFICER) | ROLE_BIT(ROLE_CLERK) |                    \
     ROLE_BIT(ROLE_REVIEWER) | ROLE_BIT(ROLE_STATION_CHIEF) | ROLE_BIT(ROLE_BUREAU))
/* Police who read cases; the field roles of bulletins and leads; patrol readers. */
#define POLICE_READ (ROLE_BIT(ROLE_OFFICER) | ROLE_BIT(ROLE_STATION_CHIEF) | ROLE_BIT(ROLE_BUREAU))
#define FIELD (POLICE_READ | ROLE_BIT(ROLE_ASSISTANT))
#define PATROL (FIELD | ROLE_BIT(ROLE_TOWNSHIP))
#define DISPUTES PATROL
#define STATS (PATROL | ROLE_BIT(ROLE_CLERK) | ROLE_BIT(ROLE_REVIEWER))
/* An upload: the file (10 MiB) and the multipart framing around it. */
#define UPLOAD (10 * 1024 * 1024 + 64 * 1024)

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

    {"GET", "/api/v1/events", events_api_stream, R_AUTH, ROLES_ALL, 0},
    {"GET", "/api/v1/inbox", inbox_api_list, R_AUTH, ROLES_ALL, 0},
    {"POST", "/api/v1/inbox/{id}/read", inbox_api_read, R_AUTH, ROLES_ALL, SMALL},

    {"GET", "/api/v1/household-business-types", household_api_types, R_AUTH, ROLES_ALL & ~AUDITOR,
     0},
    {"PUT", "/api/v1/household-business-types/{code}", household_api_type_put, R_AUTH | R_JSON,
     ADMIN, SMALL},
    {"GET", "/api/v1/household-applications", household_api_list, R_AUTH, HH_READERS, 0},
    {"POST", "/api/v1/household-applications", household_api_create, R_AUTH | R_JSON, HH_READERS,
     J},
    {"GET", "/api/v1/household-applications/{id}", household_api_get, R_AUTH, HH_READERS, 0},
    {"PATCH", "/api/v1/household-applications/{id}", household_api_patch, R_AUTH | R_JSON,
     HH_READERS, J},
    {"POST", "/api/v1/household-applications/{id}/submit", household_api_submit, R_AUTH | R_JSON,
     HH_READERS, SMALL},
    {"POST", "/api/v1/household-applications/{id}/accept", household_api_accept, R_AUTH | R_JSON,
     HH_READERS, SMALL},
    {"POST", "/api/v1/household-applications/{id}/return", household_api_return, R_AUTH | R_JSON,
     HH_READERS, SMALL},
    {"POST", "/api/v1/household-applications/{id}/approve", household_api_approve, R_AUTH | R_JSON,
     HH_READERS, SMALL},
    {"POST", "/api/v1/household-applications/{id}/reject", household_api_reject, R_AUTH | R_JSON,
     HH_READERS, SMALL},
    {"POST", "/api/v1/household-applications/{id}/complete", household_api_complete,
     R_AUTH | R_JSON, HH_READERS, SMALL},
    {"POST", "/api/v1/household-applications/{id}/attachments", household_api_attach,
     R_AUTH | R_MULTIPART, HH_READERS, UPLOAD},
    {"GET", "/api/v1/household-applications/{id}/attachments/{aid}", household_api_attachment,
     R_AUTH, HH_READERS, 0},
    {"GET", "/api/v1/household-applications/{id}/receipt", household_api_receipt, R_AUTH,
     HH_READERS, 0},
    {"GET", "/api/v1/public/household-applications/{number}", household_api_lookup, R_PUBLIC,
     ROLES_ALL, 0},

    {"GET", "/api/v1/cases", case_api_list, R_AUTH, POLICE_READ, 0},
    {"POST", "/api/v1/cases", case_api_create, R_AUTH | R_JSON, POLICE_READ, SMALL},
    {"GET", "/api/v1/cases/{id}", case_api_get, R_AUTH, POLICE_READ, 0},
    {"POST", "/api/v1/cases/{id}/close", case_api_close, R_AUTH | R_JSON, POLICE_READ, SMALL},
    {"GET", "/api/v1/bulletins", bulletin_api_list, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/bulletins", bulletin_api_create, R_AUTH | R_JSON, FIELD, J},
    {"GET", "/api/v1/bulletins/{id}", bulletin_api_get, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/bulletins/{id}/attachments", bulletin_api_attach, R_AUTH | R_MULTIPART, FIELD,
     UPLOAD},
    {"GET", "/api/v1/bulletins/{id}/attachments/{aid}", bulletin_api_attachment, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/bulletins/{id}/leads", lead_api_create, R_AUTH | R_JSON, FIELD, J},
    {"GET", "/api/v1/leads", lead_api_list, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/leads/{id}/assess", lead_api_assess, R_AUTH | R_JSON, FIELD, SMALL},
    {"POST", "/api/v1/leads/{id}/attachments", lead_api_attach, R_AUTH | R_MULTIPART, FIELD,
     UPLOAD},
    {"GET", "/api/v1/leads/{id}/attachments/{aid}", lead_api_attachment, R_AUTH, FIELD, 0},

    {"GET", "/api/v1/stats/summary", stats_api_summary, R_AUTH, STATS, 0},
    {"GET", "/api/v1/stats/series", stats_api_series, R_AUTH, STATS, 0},
    {"GET", "/api/v1/stats/assistants", stats_api_assistants, R_AUTH, STATS, 0},
    /* Exports and the monthly report: the domain checks X per resource (403). */
    {"GET", "/api/v1/exports/{dataset}", export_api_get, R_AUTH, NOT_ADMIN_AUDITOR, 0},
    {"GET", "/api/v1/reports/monthly", report_api_monthly, R_AUTH, STATS, 0},

    {"GET", "/api/v1/dispute-categories", category_api_disputes, R_AUTH, ROLES_ALL & ~AUDITOR, 0},
    {"GET", "/api/v1/intel-categories", category_api_intel, R_AUTH, ROLES_ALL & ~AUDITOR, 0},
    {"GET", "/api/v1/key-person-categories", category_api_key_persons, R_AUTH, ROLES_ALL & ~AUDITOR,
     0},

    {"GET", "/api/v1/disputes", dispute_api_list, R_AUTH, DISPUTES, 0},
    {"POST", "/api/v1/disputes", dispute_api_create, R_AUTH | R_JSON, DISPUTES, J},
    {"GET", "/api/v1/disputes/{id}", dispute_api_get, R_AUTH, DISPUTES, 0},
    {"POST", "/api/v1/disputes/{id}/sessions", dispute_api_session, R_AUTH | R_JSON, DISPUTES, J},
    {"POST", "/api/v1/disputes/{id}/close", dispute_api_close, R_AUTH | R_JSON, DISPUTES, J},
    {"POST", "/api/v1/disputes/{id}/followups", dispute_api_followup, R_AUTH | R_JSON, DISPUTES, J},
    {"POST", "/api/v1/disputes/{id}/attachments", dispute_api_attach, R_AUTH | R_MULTIPART,
     DISPUTES, UPLOAD},
    {"GET", "/api/v1/disputes/{id}/attachments/{aid}", dispute_api_attachment, R_AUTH, DISPUTES, 0},

    {"GET", "/api/v1/intel-reports", intel_api_list, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/intel-reports", intel_api_create, R_AUTH | R_JSON, FIELD, J},
    {"GET", "/api/v1/intel-reports/{id}", intel_api_get, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/intel-reports/{id}/assess", intel_api_assess, R_AUTH | R_JSON, FIELD, SMALL},

    {"GET", "/api/v1/activities", activity_api_list, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/activities", activity_api_create, R_AUTH | R_JSON, FIELD, J},
    {"GET", "/api/v1/activities/{id}", activity_api_get, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/activities/{id}/attachments", activity_api_attach, R_AUTH | R_MULTIPART,
     FIELD, UPLOAD},
    {"GET", "/api/v1/activities/{id}/attachments/{aid}", activity_api_attachment, R_AUTH, FIELD, 0},
    {"GET", "/api/v1/key-persons", key_person_api_list, R_AUTH, FIELD, 0},
    {"POST", "/api/v1/key-persons", key_person_api_create, R_AUTH | R_JSON, FIELD, J},
    {"GET", "/api/v1/key-persons/{id}", key_person_api_get, R_AUTH, FIELD, 0},

    {"GET", "/api/v1/patrol-teams", patrol_api_team_list, R_AUTH, PATROL, 0},
    {"POST", "/api/v1/patrol-teams", patrol_api_team_create, R_AUTH | R_JSON, PATROL, J},
    {"GET", "/api/v1/patrols", patrol_api_list, R_AUTH, PATROL, 0},
    {"POST", "/api/v1/patrols", patrol_api_create, R_AUTH | R_JSON, PATROL, 4 * J},
    {"GET", "/api/v1/patrols/coverage", patrol_api_coverage, R_AUTH, PATROL, 0},
    {"GET", "/api/v1/patrols/{id}", patrol_api_get, R_AUTH, PATROL, 0},
    {"POST", "/api/v1/patrols/{id}/attachments", patrol_api_attach, R_AUTH | R_MULTIPART, PATROL,
     UPLOAD},
    {"GET", "/api/v1/patrols/{id}/attachments/{aid}", patrol_api_attachment, R_AUTH, PATROL, 0},
};

const size_t routes_count = sizeof routes / sizeof routes[0];
