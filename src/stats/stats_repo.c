/*
 * The read-only queries of the statistics module. Each figure is one COUNT
 * over the records whose area lies under the given path, so that the same
 * figure can be checked against the records a list returns.
 */
#include "stats/stats_int.h"

#include <stdio.h>
#include <string.h>

#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

/*
 * Runs a COUNT with $1 = path, $2 = t1, $3 = t2, $4 = now, $5 = author; a
 * query uses the ones it needs (binding an unused index is harmless in both
 * drivers).
 */
static enum err count(struct tx *tx, const char *sql, const char *path, const char *author,
                      int64_t t1, int64_t t2, int64_t now, int64_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, path);
    db_bind_int64(s, 2, t1);
    db_bind_int64(s, 3, t2);
    db_bind_int64(s, 4, now);
    db_bind_text(s, 5, author ? author : "");
    enum db_step st = db_step(s);
    *out = st == DB_ROW ? db_col_int64(s, 0) : 0;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

#define IN_AREA(alias) "substr(" alias ".path, 1, length($1)) = $1"

static const char *const queries[] = {
    /* cases the assistants helped to solve, by kind */
    "SELECT COUNT(*) FROM cases c JOIN areas v ON v.id = c.village_id WHERE " IN_AREA(
        "v") " AND c.status = 'closed' AND c.solved = 1 AND c.closed_at BETWEEN $2 AND $3 AND "
             "c.kind = 'public_security' AND EXISTS (SELECT 1 FROM case_credits cc WHERE "
             "cc.case_id = "
             "c.id AND ($5 = '' OR cc.user_id = $5))",
    "SELECT COUNT(*) FROM cases c JOIN areas v ON v.id = c.village_id WHERE " IN_AREA(
        "v") " AND c.status = 'closed' AND c.solved = 1 AND c.closed_at BETWEEN $2 AND $3 AND "
             "c.kind = 'criminal' AND EXISTS (SELECT 1 FROM case_credits cc WHERE cc.case_id = "
             "c.id AND "
             "($5 = '' OR cc.user_id = $5))",
    /* disputes screened in the period, and their current state */
    "SELECT COUNT(*) FROM disputes d JOIN areas v ON v.id = d.village_id WHERE " IN_AREA(
        "v") " AND d.reported_at BETWEEN $2 AND $3 AND ($5 = '' OR d.created_by = $5)",
    "SELECT COUNT(*) FROM disputes d JOIN areas v ON v.id = d.village_id WHERE " IN_AREA(
        "v") " AND d.reported_at BETWEEN $2 AND $3 AND d.status = 'resolved' AND ($5 = '' OR "
             "d.created_by = $5)",
    "SELECT COUNT(*) FROM disputes d JOIN areas v ON v.id = d.village_id WHERE " IN_AREA(
        "v") " AND d.reported_at BETWEEN $2 AND $3 AND d.status = 'unresolved' AND ($5 = '' OR "
             "d.created_by = $5)",
    "SELECT COUNT(*) FROM disputes d JOIN areas v ON v.id = d.village_id WHERE " IN_AREA(
        "v") " AND d.reported_at BETWEEN $2 AND $3 AND d.status = 'referred' AND ($5 = '' OR "
             "d.created_by = $5)",
    "SELECT COUNT(*) FROM disputes d JOIN areas v ON v.id = d.village_id WHERE " IN_AREA(
        "v") " AND d.reported_at BETWEEN $2 AND $3 AND d.status IN ('open', 'mediating') AND ($5 = "
             "'' "
             "OR d.created_by = $5)",
    /* information reported, and of those assessed valid */
    "SELECT COUNT(*) FROM intel_reports i JOIN areas v ON v.id = i.village_id WHERE " IN_AREA(
        "v") " AND i.reported_at BETWEEN $2 AND $3 AND ($5 = '' OR i.created_by = $5)",
    "SELECT COUNT(*) FROM intel_reports i JOIN areas v ON v.id = i.village_id WHERE " IN_AREA(
        "v") " AND i.reported_at BETWEEN $2 AND $3 AND i.status = 'valid' AND ($5 = '' OR "
             "i.created_by = "
             "$5)",
    /* activities held in the period, by kind */
    "SELECT COUNT(*) FROM activities a JOIN areas v ON v.id = a.village_id WHERE " IN_AREA(
        "v") " AND a.held_at BETWEEN $2 AND $3 AND a.kind = 'help_education' AND ($5 = '' OR "
             "a.created_by = $5)",
    "SELECT COUNT(*) FROM activities a JOIN areas v ON v.id = a.village_id WHERE " IN_AREA(
        "v") " AND a.held_at BETWEEN $2 AND $3 AND a.kind = 'visit' AND ($5 = '' OR a.created_by = "
             "$5)",
    "SELECT COUNT(*) FROM activities a JOIN areas v ON v.id = a.village_id WHERE " IN_AREA(
        "v") " AND a.held_at BETWEEN $2 AND $3 AND a.kind = 'publicity' AND ($5 = '' OR "
             "a.created_by = "
             "$5)",
    /* household services: first submitted, completed, on time, open and overdue now */
    "SELECT COUNT(*) FROM household_applications h JOIN areas v ON v.id = h.village_id "
    "WHERE " IN_AREA(
        "v") " AND h.first_submitted_at BETWEEN $2 AND $3 AND ($5 = '' OR h.created_by = "
             "$5)",
    "SELECT COUNT(*) FROM household_applications h JOIN areas v ON v.id = h.village_id "
    "WHERE " IN_AREA(
        "v") " AND h.completed_at BETWEEN $2 AND $3 AND ($5 = '' OR h.created_by = $5)",
    "SELECT COUNT(*) FROM household_applications h JOIN areas v ON v.id = h.village_id "
    "WHERE " IN_AREA(
        "v") " AND h.completed_at BETWEEN $2 AND $3 AND h.completed_at <= h.due_at AND ($5 "
             "= '' OR h.created_by = $5)",
    "SELECT COUNT(*) FROM household_applications h JOIN areas v ON v.id = h.village_id "
    "WHERE " IN_AREA("v") " AND h.due_at IS NOT NULL AND h.due_at < $4 AND h.status NOT IN "
                          "('completed', 'rejected') AND ($5 = '' OR h.created_by = $5)",
    /* incidents: cases that occurred in the period */
    "SELECT COUNT(*) FROM cases c JOIN areas v ON v.id = c.village_id WHERE " IN_AREA(
        "v") " AND c.occurred_at BETWEEN $2 AND $3",
};

enum err stats_repo_counts(struct tx *tx, const char *path, const char *author, int64_t t1,
                           int64_t t2, int64_t now, struct stats_counts *c)
{
    int64_t *slots[] = {
        &c->cases_ps,
        &c->cases_criminal,
        &c->disputes_screened,
        &c->disputes_resolved,
        &c->disputes_unresolved,
        &c->disputes_referred,
        &c->disputes_open,
        &c->intel_reported,
        &c->intel_valid,
        &c->help_education,
        &c->visits,
        &c->publicity,
        &c->hh_submitted,
        &c->hh_completed,
        &c->hh_on_time,
        &c->hh_open_overdue,
        &c->incidents,
    };
    _Static_assert(sizeof queries / sizeof queries[0] == 17, "one query per figure");
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        enum err e = count(tx, queries[i], path, author, t1, t2, now, slots[i]);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

enum err stats_repo_assistants(struct tx *tx, const char *path, json_t *out)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "SELECT a.user_id, u.name, a.village_id, v.name FROM assistants a JOIN users "
                     "u ON u.id = a.user_id JOIN areas v ON v.id = a.village_id WHERE "
                     "substr(v.path, 1, length($1)) = $1 AND u.disabled = 0 ORDER BY v.code");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, path);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_pack("{ss ss ss ss}", "user_id", db_col_text(s, 0), "name",
                                             db_col_text(s, 1), "village_id", db_col_text(s, 2),
                                             "village_name", db_col_text(s, 3)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
