/*
 * The auditor's view of the audit log: filters from/to (dates in the
 * configured zone, inclusive), user, action; newest first; cursor paging.
 */
#include "audit/audit_api.h"

#include <stdio.h>

#include "audit/audit.h"
#include "core/str.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "core/xalloc.h"

void audit_api_list(struct req *r)
{
    struct audit_query q = {0};
    const char *cursor;
    if (!q_date(r, "from", false, &q.from) || !q_date(r, "to", true, &q.to) ||
        !q_str(r, "user", 64, &q.user) || !q_str(r, "action", 64, &q.action) ||
        !q_limit(r, &q.limit) || !q_str(r, "cursor", 32, &cursor))
        return;
    if (cursor && (!str_to_int64(cursor, &q.before_seq) || q.before_seq < 1)) {
        resp_fail(r, ERR_INVALID, "cursor", "bad cursor");
        return;
    }
    json_t *items = NULL;
    int64_t next = 0;
    enum err e = audit_list(&r->ctx, &q, &items, &next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    char nc[32];
    snprintf(nc, sizeof nc, "%lld", (long long)next);
    resp_list(r, items, next ? nc : NULL);
}
