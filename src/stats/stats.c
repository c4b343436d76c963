/*
 * The statistics (see stats.h): the caller's area and period, the counts of
 * the repository, and the figures derived from them exactly as the
 * statistics issue defines them (rates as fractions, unrounded; changes in
 * percentage points; null where a denominator is zero).
 */
#include "stats/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rec.h"
#include "core/clock.h"
#include "org/org.h"
#include "stats/stats_int.h"
#include "store/tx.h"
#include "core/xalloc.h"

static int64_t day_start(int y, int m, int d)
{
    if (!date_valid(y, m, d) && m == 2 && d == 29)
        d = 28; /* 29 February a year earlier */
    return date_start(y, m, d);
}

static int64_t day_end(int y, int m, int d)
{
    return day_start(y, m, d) + 86400 - 1;
}

static json_t *rate(int64_t num, int64_t den)
{
    return den ? json_real((double)num / (double)den) : json_null();
}

/* Whether the role sees only household figures (the household window, the brigade). */
static bool household_only(enum role r)
{
    return r == ROLE_CLERK || r == ROLE_REVIEWER;
}

static json_t *summary_json(enum role role, const struct stats_counts *c,
                            const struct stats_counts *prev)
{
    json_t *household = json_pack(
        "{sI sI sI so sI}", "submitted", (json_int_t)c->hh_submitted, "completed",
        (json_int_t)c->hh_completed, "completed_on_time", (json_int_t)c->hh_on_time, "on_time_rate",
        rate(c->hh_on_time, c->hh_completed), "open_overdue", (json_int_t)c->hh_open_overdue);
    if (household_only(role))
        return json_pack("{so}", "household", household);
    json_t *mr = rate(c->disputes_resolved, c->disputes_screened);
    json_t *pr = rate(prev->disputes_resolved, prev->disputes_screened);
    json_t *change = json_is_real(mr) && json_is_real(pr)
                         ? json_real((json_real_value(mr) - json_real_value(pr)) * 100.0)
                         : json_null();
    json_t *yoy =
        prev->incidents
            ? json_real((double)(c->incidents - prev->incidents) / (double)prev->incidents)
            : json_null();
    return json_pack(
        "{s{sI sI} s{sI sI sI sI sI so so so} s{sI sI} sI so s{sI sI so} sI sI}", "cases_assisted",
        "public_security", (json_int_t)c->cases_ps, "criminal", (json_int_t)c->cases_criminal,
        "disputes", "screened", (json_int_t)c->disputes_screened, "resolved",
        (json_int_t)c->disputes_resolved, "unresolved", (json_int_t)c->disputes_unresolved,
        "referred", (json_int_t)c->disputes_referred, "open", (json_int_t)c->disputes_open,
        "mediation_rate", mr, "previous_rate", pr, "rate_change_points", change, "intel",
        "reported", (json_int_t)c->intel_reported, "valid", (json_int_t)c->intel_valid,
        "help_education", (json_int_t)c->help_education, "household", household, "incidents",
        "count", (json_int_t)c->incidents, "previous_year_count", (json_int_t)prev->incidents,
        "yoy_change", yoy, "visits", (json_int_t)c->visits, "publicity_sessions",
        (json_int_t)c->publicity);
}

/* The area the caller asks about (in scope), or their first scope root. */
static enum err resolve_area(struct tx *tx, struct ctx *ctx, const char *area_id,
                             struct area_row *a)
{
    const char *id = area_id;
    if (!id) {
        if (ctx->who->scope.n == 0)
            return rec_not_found(ctx, "area", "area_id");
        id = ctx->who->scope.area_ids[0];
    }
    enum err e = org_area_by_id(tx, id, a);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, a->path)))
        return rec_not_found(ctx, "area", "area_id");
    return e;
}

struct summary_arg {
    struct ctx *ctx;
    const char *area_id;
    const struct stats_period *p;
    json_t *out;
};

static enum err summary_fn(struct tx *tx, void *argv)
{
    struct summary_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    struct area_row area;
    enum err e = resolve_area(tx, a->ctx, a->area_id, &area);
    if (e != ERR_OK)
        return e;
    const struct stats_period *p = a->p;
    struct stats_counts c, prev;
    int64_t now = clock_now();
    e = stats_repo_counts(tx, area.path, "", day_start(p->y1, p->m1, p->d1),
                          day_end(p->y2, p->m2, p->d2), now, &c);
    if (e == ERR_OK)
        e = stats_repo_counts(tx, area.path, "", day_start(p->y1 - 1, p->m1, p->d1),
                              day_end(p->y2 - 1, p->m2, p->d2), now, &prev);
    if (e != ERR_OK)
        return e;
    a->out = summary_json(a->ctx->who->role, &c, &prev);
    char from[16], to[16];
    snprintf(from, sizeof from, "%04d-%02d-%02d", p->y1, p->m1, p->d1);
    snprintf(to, sizeof to, "%04d-%02d-%02d", p->y2, p->m2, p->d2);
    json_object_set_new(
        a->out, "area",
        json_pack("{ss ss ss}", "id", area.id, "name", area.name, "level", area.level));
    json_object_set_new(a->out, "from", json_string(from));
    json_object_set_new(a->out, "to", json_string(to));
    return ERR_OK;
}

static enum err check(struct ctx *ctx, const struct stats_period *p)
{
    if (!role_can(ctx->who->role, RES_STATS, RIGHT_R))
        return rec_forbidden(ctx, "read statistics");
    if (!date_valid(p->y1, p->m1, p->d1) || !date_valid(p->y2, p->m2, p->d2))
        return err_set(&ctx->err, ERR_INVALID, "from", "from and to are dates");
    if (days_from_civil(p->y2, p->m2, p->d2) < days_from_civil(p->y1, p->m1, p->d1))
        return err_set(&ctx->err, ERR_INVALID, "to", "to is before from");
    if (days_from_civil(p->y2, p->m2, p->d2) - days_from_civil(p->y1, p->m1, p->d1) > 3700)
        return err_set(&ctx->err, ERR_INVALID, "to", "at most ten years");
    return ERR_OK;
}

enum err stats_summary(struct ctx *ctx, const char *area_id, const struct stats_period *p,
                       json_t **out)
{
    enum err e = check(ctx, p);
    if (e != ERR_OK)
        return e;
    struct summary_arg a = {ctx, area_id, p, NULL};
    e = tx_run(ctx->app->db, false, summary_fn, &a);
    *out = a.out;
    return e;
}

/* --- series ------------------------------------------------------------------ */

enum err stats_series(struct ctx *ctx, const char *metric, const char *area_id,
                      const struct stats_period *p, json_t **out)
{
    enum err e = check(ctx, p);
    if (e != ERR_OK)
        return e;
    if ((p->y2 - p->y1) * 12 + (p->m2 - p->m1) > 120)
        return err_set(&ctx->err, ERR_INVALID, "to", "at most 120 months");
    json_t *points = json_array();
    bool known = false;
    for (int y = p->y1, m = p->m1; y < p->y2 || (y == p->y2 && m <= p->m2);) {
        struct stats_period month = {y, m, 1, y, m, 28};
        while (date_valid(y, m, month.d2 + 1))
            month.d2++;
        if (y == p->y1 && m == p->m1)
            month.d1 = p->d1;
        if (y == p->y2 && m == p->m2)
            month.d2 = p->d2;
        json_t *s = NULL;
        e = stats_summary(ctx, area_id, &month, &s);
        if (e != ERR_OK) {
            json_decref(points);
            return e;
        }
        /* Follow the dotted key: "disputes.screened", "help_education"... */
        json_t *v = s;
        char key[64];
        snprintf(key, sizeof key, "%s", metric);
        char *save = NULL;
        for (char *k = strtok_r(key, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
            v = json_is_object(v) ? json_object_get(v, k) : NULL;
        if (v && (json_is_number(v) || json_is_null(v)) && !json_is_object(v)) {
            known = true;
            char period[8];
            snprintf(period, sizeof period, "%04d-%02d", y, m);
            json_array_append_new(points, json_pack("{ss sO}", "period", period, "value", v));
        }
        json_decref(s);
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    if (!known) {
        json_decref(points);
        return err_set(&ctx->err, ERR_INVALID, "metric", "not a figure of the summary");
    }
    *out = json_pack("{ss ss so}", "metric", metric, "bucket", "month", "points", points);
    return ERR_OK;
}

/* --- the assistants' scorecard ----------------------------------------------------- */

static double weight(const char *weights, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = weights; p && *p;) {
        if (!strncmp(p, name, n) && p[n] == '=')
            return strtod(p + n + 1, NULL);
        p = strchr(p, ',');
        if (p)
            p++;
    }
    return 0;
}

struct score_arg {
    struct ctx *ctx;
    const char *area_id;
    const struct stats_period *p;
    json_t *items;
};

static enum err score_fn(struct tx *tx, void *argv)
{
    struct score_arg *a = argv;
    json_array_clear(a->items);
    struct area_row area;
    enum err e = resolve_area(tx, a->ctx, a->area_id, &area);
    if (e != ERR_OK)
        return e;
    json_t *people = json_array();
    if ((e = stats_repo_assistants(tx, area.path, people)) != ERR_OK) {
        json_decref(people);
        return e;
    }
    const struct stats_period *p = a->p;
    const struct config *cfg = &a->ctx->app->cfg;
    const char *w = cfg->score_weights;
    size_t i;
    json_t *person;
    json_array_foreach(people, i, person)
    {
        /* An assistant sees their own row only. */
        const char *uid = json_string_value(json_object_get(person, "user_id"));
        if (a->ctx->who->role == ROLE_ASSISTANT && strcmp(uid, a->ctx->who->user_id) != 0)
            continue;
        struct stats_counts c;
        e = stats_repo_counts(tx, area.path, uid, day_start(p->y1, p->m1, p->d1),
                              day_end(p->y2, p->m2, p->d2), clock_now(), &c);
        if (e != ERR_OK)
            break;
        int64_t cases = c.cases_ps + c.cases_criminal;
        int64_t records = c.disputes_screened + c.intel_reported + c.help_education + c.visits +
                          c.publicity + c.hh_submitted + cases;
        double score =
            weight(w, "disputes") * (double)c.disputes_screened +
            weight(w, "resolved") * (double)c.disputes_resolved +
            weight(w, "intel") * (double)c.intel_reported +
            weight(w, "intel_valid") * (double)c.intel_valid +
            weight(w, "help_education") * (double)c.help_education +
            weight(w, "visits") * (double)c.visits + weight(w, "publicity") * (double)c.publicity +
            weight(w, "household") * (double)c.hh_submitted + weight(w, "cases") * (double)cases;
        json_t *row = json_deep_copy(person);
        json_object_update_new(
            row,
            json_pack("{s{sI sI} s{sI sI} sI sI sI sI sI sf sb}", "disputes", "screened",
                      (json_int_t)c.disputes_screened, "resolved", (json_int_t)c.disputes_resolved,
                      "intel", "reported", (json_int_t)c.intel_reported, "valid",
                      (json_int_t)c.intel_valid, "help_education", (json_int_t)c.help_education,
                      "visits", (json_int_t)c.visits, "publicity_sessions", (json_int_t)c.publicity,
                      "household_submitted", (json_int_t)c.hh_submitted, "cases_assisted",
                      (json_int_t)cases, "score", round(score * 100) / 100, "low_volume",
                      records < cfg->score_min_records));
        json_array_append_new(a->items, row);
    }
    json_decref(people);
    return e;
}

enum err stats_assistants(struct ctx *ctx, const char *area_id, const struct stats_period *p,
                          json_t **items)
{
    enum err e = check(ctx, p);
    if (e != ERR_OK)
        return e;
    if (household_only(ctx->who->role))
        return rec_forbidden(ctx, "read the assistants' scorecard");
    struct score_arg a = {ctx, area_id, p, json_array()};
    e = tx_run(ctx->app->db, false, score_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *items = a.items;
    return ERR_OK;
}
