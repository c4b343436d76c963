/*
 * The Rights table of CONVENTIONS.md, transcribed once. Reading a row here
 * next to the table there is how a reviewer checks a role's powers.
 */
#include "auth/role.h"

#include <string.h>

#include "core/xalloc.h"

static const char *const names[ROLE__COUNT] = {
    [ROLE_NONE] = "",
    [ROLE_ASSISTANT] = "assistant",
    [ROLE_OFFICER] = "officer",
    [ROLE_CLERK] = "clerk",
    [ROLE_REVIEWER] = "reviewer",
    [ROLE_STATION_CHIEF] = "station_chief",
    [ROLE_BUREAU] = "bureau",
    [ROLE_TOWNSHIP] = "township",
    [ROLE_ADMIN] = "admin",
    [ROLE_AUDITOR] = "auditor",
};

#define R RIGHT_R
#define C RIGHT_C
#define A RIGHT_A
#define X RIGHT_X
#define U RIGHT_U
#define OWN RIGHT_OWN

/* rights[resource][role]; columns follow enum role. */
static const unsigned rights[RES__COUNT][ROLE__COUNT] = {
    /*                 -  asst     officer    clerk    reviewer  chief    bureau  township admin
       auditor */
    [RES_AREAS] = {0, R, R, R, R, R, R, R, R, R},
    [RES_USERS] = {0, 0, 0, 0, 0, 0, 0, 0, R | C | A, 0},
    [RES_REFDATA] = {0, R, R, R, R, R, R, R, R | C | A, 0},
    [RES_ASSISTANTS] = {0, R | OWN, R, R, R, R, R | X, R | X, R | C | A, 0},
    [RES_HOUSEHOLD] = {0, R | C | A | U, R, R | A | X | U, R | A | X | U, R | X | U, R | X, 0, 0,
                       0},
    [RES_DISPUTES] = {0, R | C | A | U, R | C | A | X | U, 0, 0, R | A | X | U, R | X, R | X, 0, 0},
    [RES_INTEL] = {0, R | C | OWN, R | A | X | U, 0, 0, R | A | X | U, R | X, 0, 0, 0},
    [RES_ACTIVITIES] = {0, R | C, R | C | X, 0, 0, R | X, R | X, 0, 0, 0},
    [RES_KEY_PERSONS] = {0, R | C | U, R | C | A | X | U, 0, 0, R | X | U, R, 0, 0, 0},
    [RES_CASES] = {0, 0, R | C | A | X, 0, 0, R | C | A | X, R | X, 0, 0, 0},
    [RES_BULLETINS] = {0, R, R | C | A | X, 0, 0, R | C | A | X, R | C | X, 0, 0, 0},
    [RES_LEADS] = {0, R | C | OWN, R | A | X, 0, 0, R | A | X, R | X, 0, 0, 0},
    [RES_PATROLS] = {0, R | C, R | C | A | X, 0, 0, R | C | A | X, R | X, R | X, 0, 0},
    [RES_STATS] = {0, R, R | X, R, R, R | X, R | X, R | X, 0, 0},
    [RES_AUDIT] = {0, 0, 0, 0, 0, 0, 0, 0, 0, R | X},
};

enum role role_from_str(const char *s)
{
    if (!s)
        return ROLE_NONE;
    for (int r = 1; r < ROLE__COUNT; r++)
        if (strcmp(names[r], s) == 0)
            return (enum role)r;
    return ROLE_NONE;
}

const char *role_name(enum role r)
{
    if ((unsigned)r >= ROLE__COUNT)
        return "";
    return names[r];
}

bool role_requires_totp(enum role r)
{
    return r == ROLE_ADMIN || r == ROLE_AUDITOR || r == ROLE_REVIEWER;
}

bool role_is_police(enum role r)
{
    return r == ROLE_OFFICER || r == ROLE_CLERK || r == ROLE_REVIEWER || r == ROLE_STATION_CHIEF ||
           r == ROLE_BUREAU;
}

unsigned role_rights(enum role r, enum resource res)
{
    if ((unsigned)r >= ROLE__COUNT || (unsigned)res >= RES__COUNT)
        return 0;
    return rights[res][r];
}

bool role_can(enum role r, enum resource res, unsigned mask)
{
    return (role_rights(r, res) & mask) == mask;
}
