/*
 * Disputes' states and due dates (see dispute_fsm.h): the one place that
 * decides a dispute's next status.
 */
#include "dispute/dispute_fsm.h"

#include <string.h>

#include "core/xalloc.h"

bool dispute_closed(const char *s)
{
    return s && (!strcmp(s, "resolved") || !strcmp(s, "unresolved") || !strcmp(s, "referred"));
}

enum err dispute_next(const char *status, enum dispute_action action, const char *result,
                      const char **to)
{
    bool open = status && (!strcmp(status, "open") || !strcmp(status, "mediating"));
    switch (action) {
    case DISPUTE_SESSION:
        if (!open)
            return ERR_STATE;
        *to = "mediating";
        return ERR_OK;
    case DISPUTE_CLOSE:
        if (!open)
            return ERR_STATE;
        if (!dispute_closed(result))
            return ERR_INVALID;
        *to = !strcmp(result, "resolved")     ? "resolved"
              : !strcmp(result, "unresolved") ? "unresolved"
                                              : "referred";
        return ERR_OK;
    case DISPUTE_FOLLOWUP:
        if (!dispute_closed(status))
            return ERR_STATE;
        *to = !strcmp(status, "resolved")     ? "resolved"
              : !strcmp(status, "unresolved") ? "unresolved"
                                              : "referred";
        return ERR_OK;
    }
    return ERR_STATE;
}

int64_t dispute_followup_due(int64_t closed_at, const char *result, int days)
{
    if (!result || strcmp(result, "resolved") != 0 || days < 0)
        return 0;
    return closed_at + (int64_t)days * 86400;
}

int64_t key_person_next_due(int64_t at, int days)
{
    return at + (int64_t)(days > 0 ? days : 0) * 86400;
}
