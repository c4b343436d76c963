/*
 * Roles and the Rights table of CONVENTIONS.md: for each role and resource,
 * the rights R (read/list), C (create), A (act), X (export), U (full ID
 * number in a detail view). This table is the single source of those rights;
 * handlers ask role_can(), never compare role names.
 */
#ifndef CUNJING_AUTH_ROLE_H
#define CUNJING_AUTH_ROLE_H
#include <stdbool.h>

enum role {
    ROLE_NONE = 0,
    ROLE_ASSISTANT,
    ROLE_OFFICER,
    ROLE_CLERK,
    ROLE_REVIEWER,
    ROLE_STATION_CHIEF,
    ROLE_BUREAU,
    ROLE_TOWNSHIP,
    ROLE_ADMIN,
    ROLE_AUDITOR,
    ROLE__COUNT
};

/* Bit of a role in a route's role mask. */
#define ROLE_BIT(r) (1u << (r))
#define ROLES_ALL 0xFFFFFFFEu

enum resource {
    RES_AREAS,
    RES_USERS,
    RES_REFDATA,
    RES_ASSISTANTS,
    RES_HOUSEHOLD,
    RES_DISPUTES,
    RES_INTEL,
    RES_ACTIVITIES,
    RES_KEY_PERSONS,
    RES_CASES,
    RES_BULLETINS,
    RES_LEADS,
    RES_PATROLS,
    RES_STATS,
    RES_AUDIT,
    RES__COUNT
};

enum right {
    RIGHT_R = 1 << 0,
    RIGHT_C = 1 << 1,
    RIGHT_A = 1 << 2,
    RIGHT_X = 1 << 3,
    RIGHT_U = 1 << 4,
    RIGHT_OWN = 1 << 5, /* only the caller's own records (assistants, intel, leads) */
};

/* "assistant" -> ROLE_ASSISTANT; ROLE_NONE when unknown. */
enum role role_from_str(const char *s);
/* The role's stable name; "" for ROLE_NONE. */
const char *role_name(enum role r);
/* Whether users of this role must log in with a TOTP code. */
bool role_requires_totp(enum role r);
/* Whether the role's scope comes from a police unit (station/brigade/bureau). */
bool role_is_police(enum role r);
/* The rights mask of role r on resource res. */
unsigned role_rights(enum role r, enum resource res);
/* Whether role r has every right in mask on res. */
bool role_can(enum role r, enum resource res, unsigned mask);

#endif
