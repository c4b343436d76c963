/*
 * Thin handlers of patrol teams and patrols: shapes and limits here, rules in
 * patrol.c.
 */
#include "patrol/patrol_api.h"

#include <stdlib.h>
#include <string.h>

#include "attach/attach_api.h"
#include "core/clock.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "patrol/patrol.h"
#include "core/xalloc.h"

static void answer(struct req *r, enum err e, int status, json_t *out)
{
    if (e == ERR_OK) {
        resp_json(r, status, out);
        return;
    }
    json_decref(out);
    resp_error(r, e);
}

void patrol_api_team_create(struct req *r)
{
    static const char *const allowed[] = {"name", "station_id", "members", "client_ref", NULL};
    static const char *const mallowed[] = {"type", "user_id", "name", "phone", NULL};
    json_t *o = jin_object(r);
    const char *name, *station, *ref;
    if (!o || !jin_only(r, o, "", allowed) || !jin_str(r, o, "name", "name", 64, true, &name) ||
        !jin_str(r, o, "station_id", "station_id", 64, true, &station) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &ref))
        return;
    json_t *members = json_object_get(o, "members");
    if (!json_is_array(members) || json_array_size(members) == 0 ||
        json_array_size(members) > PATROL_MAX_MEMBERS) {
        resp_fail(r, ERR_INVALID, "members", "1-32 members");
        return;
    }
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        char prefix[32], f[48];
        snprintf(prefix, sizeof prefix, "members.%zu.", i);
        if (!json_is_object(m)) {
            snprintf(f, sizeof f, "members.%zu", i);
            resp_fail(r, ERR_INVALID, f, "an object");
            return;
        }
        const char *type, *uid, *mname, *phone;
        char ft[48], fu[48], fn[48], fp[48];
        snprintf(ft, sizeof ft, "%stype", prefix);
        snprintf(fu, sizeof fu, "%suser_id", prefix);
        snprintf(fn, sizeof fn, "%sname", prefix);
        snprintf(fp, sizeof fp, "%sphone", prefix);
        if (!jin_only(r, m, prefix, mallowed) || !jin_str(r, m, "type", ft, 20, true, &type) ||
            !jin_str(r, m, "user_id", fu, 64, false, &uid) ||
            !jin_str(r, m, "name", fn, 64, false, &mname) ||
            !jin_str(r, m, "phone", fp, 32, false, &phone))
            return;
        if (strcmp(type, "police") && strcmp(type, "assistant") && strcmp(type, "village_staff") &&
            strcmp(type, "volunteer")) {
            resp_fail(r, ERR_INVALID, ft, "police, assistant, village_staff or volunteer");
            return;
        }
        if (!uid && (!mname || !*mname)) {
            resp_fail(r, ERR_INVALID, fn, "a name (or a user_id)");
            return;
        }
    }
    json_t *out = NULL;
    bool created = false;
    enum err e = patrol_team_create(&r->ctx, name, station, members, ref, &out, &created);
    answer(r, e, created ? 201 : 200, out);
}

void patrol_api_team_list(struct req *r)
{
    json_t *items = NULL;
    enum err e = patrol_team_list(&r->ctx, &items);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, NULL);
}

static bool jin_time(struct req *r, json_t *o, const char *key, int64_t *out)
{
    const char *s;
    if (!jin_str(r, o, key, key, 40, true, &s))
        return false;
    if (!time_parse_iso(s, out)) {
        resp_fail(r, ERR_INVALID, key, "an ISO 8601 time with offset");
        return false;
    }
    return true;
}

void patrol_api_create(struct req *r)
{
    static const char *const allowed[] = {"team_id",  "started_at", "ended_at",
                                          "area_ids", "present",    "findings",
                                          "track",    "client_ref", NULL};
    static const char *const fallowed[] = {"kind", "description", "action", NULL};
    json_t *o = jin_object(r);
    struct patrol_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "team_id", "team_id", 64, true, &in.team_id) ||
        !jin_time(r, o, "started_at", &in.started_at) ||
        !jin_time(r, o, "ended_at", &in.ended_at) ||
        !jin_str_array(r, o, "area_ids", "area_ids", PATROL_MAX_AREAS, 64, true, &in.area_ids) ||
        !jin_str_array(r, o, "present", "present", PATROL_MAX_MEMBERS, 64, true, &in.present) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    if (json_array_size(in.area_ids) == 0) {
        resp_fail(r, ERR_INVALID, "area_ids", "at least one area");
        return;
    }
    json_t *findings = json_object_get(o, "findings");
    if (findings && !json_is_null(findings)) {
        if (!json_is_array(findings) || json_array_size(findings) > PATROL_MAX_FINDINGS) {
            resp_fail(r, ERR_INVALID, "findings", "an array of at most 50 findings");
            return;
        }
        size_t i;
        json_t *f;
        json_array_foreach(findings, i, f)
        {
            char prefix[32], fk[48], fd[48], fa[48];
            const char *k, *d, *act;
            snprintf(prefix, sizeof prefix, "findings.%zu.", i);
            snprintf(fk, sizeof fk, "%skind", prefix);
            snprintf(fd, sizeof fd, "%sdescription", prefix);
            snprintf(fa, sizeof fa, "%saction", prefix);
            if (!json_is_object(f)) {
                resp_fail(r, ERR_INVALID, prefix, "an object");
                return;
            }
            if (!jin_only(r, f, prefix, fallowed) || !jin_str(r, f, "kind", fk, 20, true, &k) ||
                !jin_str(r, f, "description", fd, 1000, true, &d) ||
                !jin_str(r, f, "action", fa, 1000, false, &act))
                return;
        }
        in.findings = findings;
    }
    json_t *track = json_object_get(o, "track");
    if (track && !json_is_null(track))
        in.track = track;
    json_t *out = NULL;
    bool created = false;
    enum err e = patrol_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out);
}

void patrol_api_list(struct req *r)
{
    struct patrol_query q = {0};
    if (!q_str(r, "station_id", 64, &q.station_id) || !q_str(r, "village_id", 64, &q.village_id) ||
        !q_str(r, "team_id", 64, &q.team_id) || !q_date(r, "from", false, &q.from) ||
        !q_date(r, "to", true, &q.to) || !q_str(r, "cursor", 64, &q.cursor) ||
        !q_limit(r, &q.limit))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = patrol_list(&r->ctx, &q, &items, &next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

void patrol_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = patrol_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out);
}

void patrol_api_coverage(struct req *r)
{
    int64_t from, to;
    if (!q_date(r, "from", false, &from) || !q_date(r, "to", true, &to))
        return;
    json_t *items = NULL;
    enum err e = patrol_coverage(&r->ctx, from, to, &items);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, NULL);
}

void patrol_api_attach(struct req *r)
{
    attach_api_upload(r, &patrol_attach_owner);
}

void patrol_api_attachment(struct req *r)
{
    attach_api_download(r, &patrol_attach_owner);
}
