/*
 * The rules of patrol teams and patrol logs (see patrol.h): a team belongs to
 * a station whose jurisdiction meets the caller's scope and counts at least
 * one police officer and one assistant; a patrol names areas inside the
 * caller's scope, only members of its team as present, known kinds of
 * findings and a well-formed track.
 */
#include "patrol/patrol.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/idem.h"
#include "app/rec.h"
#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/rand.h"
#include "core/str.h"
#include "org/org.h"
#include "patrol/patrol_int.h"
#include "person/phone.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define FUTURE_SLACK 300

/* Whether the station's jurisdiction meets the scope. */
static enum err station_visible(struct tx *tx, const struct scope *sc, const char *unit_id,
                                bool *visible)
{
    json_t *paths = json_array();
    enum err e = patrol_repo_unit_paths(tx, unit_id, paths);
    *visible = false;
    size_t i;
    json_t *p;
    json_array_foreach(paths, i, p) if (rec_meets(sc, json_string_value(p))) *visible = true;
    json_decref(paths);
    return e;
}

bool patrol_track_ok(json_t *track, char *why, size_t n)
{
    if (!json_is_object(track) || !json_is_string(json_object_get(track, "type")) ||
        strcmp(json_string_value(json_object_get(track, "type")), "LineString") != 0) {
        snprintf(why, n, "a GeoJSON LineString");
        return false;
    }
    json_t *coords = json_object_get(track, "coordinates");
    if (!json_is_array(coords) || json_array_size(coords) < 2 ||
        json_array_size(coords) > PATROL_MAX_TRACK_POINTS) {
        snprintf(why, n, "coordinates: an array of 2 to %d points", PATROL_MAX_TRACK_POINTS);
        return false;
    }
    size_t i;
    json_t *pt;
    json_array_foreach(coords, i, pt)
    {
        if (!json_is_array(pt) || json_array_size(pt) < 2 || json_array_size(pt) > 3 ||
            !json_is_number(json_array_get(pt, 0)) || !json_is_number(json_array_get(pt, 1))) {
            snprintf(why, n, "coordinates.%zu: [longitude, latitude]", i);
            return false;
        }
        double lon = json_number_value(json_array_get(pt, 0));
        double lat = json_number_value(json_array_get(pt, 1));
        if (!isfinite(lon) || !isfinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
            snprintf(why, n, "coordinates.%zu: out of range", i);
            return false;
        }
    }
    return true;
}

/* --- teams ------------------------------------------------------------------ */

struct team_arg {
    struct ctx *ctx;
    const char *name, *station_id, *client_ref;
    json_t *members;
    json_t *out;
    bool created;
};

static enum err team_json(struct tx *tx, const struct team_row *t, json_t **out)
{
    json_t *members = json_array();
    enum err e = patrol_repo_members(tx, t->id, members);
    *out = json_pack("{ss ss ss so}", "id", t->id, "name", t->name, "station_id", t->station_id,
                     "members", members);
    return e;
}

static enum err team_fn(struct tx *tx, void *argv)
{
    struct team_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    struct team_row t;
    memset(&t, 0, sizeof t);
    if (a->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "patrol_team", a->client_ref, &found, existing)))
        return e;
    if (found) {
        e = patrol_repo_team_get(tx, existing, &t);
        return e == ERR_OK ? team_json(tx, &t, &a->out) : e;
    }
    bool visible = false;
    char kind[16] = "";
    e = patrol_repo_unit_kind(tx, a->station_id, kind);
    if (e == ERR_OK && strcmp(kind, "station") != 0)
        return rec_not_found(ctx, "station", "station_id");
    if (e == ERR_OK)
        e = station_visible(tx, &ctx->who->scope, a->station_id, &visible);
    if (e == ERR_NOT_FOUND)
        return rec_not_found(ctx, "station", "station_id");
    if (e != ERR_OK)
        return e;
    struct area_row county_area;
    json_t *paths = json_array();
    e = patrol_repo_unit_paths(tx, a->station_id, paths);
    const char *first = json_string_value(json_array_get(paths, 0));
    if (e == ERR_OK && (!visible || !first)) {
        json_decref(paths);
        return rec_not_found(ctx, "station", "station_id");
    }
    /* The county of the station's first area. */
    char area_id[RAND_ID_LEN + 1];
    const char *last = first ? first + strlen(first) - 1 - RAND_ID_LEN : NULL;
    snprintf(area_id, sizeof area_id, "%.26s", last ? last : "");
    json_decref(paths);
    if (e == ERR_OK)
        e = org_area_county(tx, area_id, &county_area, t.county_id);
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_PATROLS, RIGHT_A))
        return rec_forbidden(ctx, "form patrol teams");
    bool police = false, assistant = false;
    size_t i;
    json_t *m;
    json_array_foreach(a->members, i, m)
    {
        const char *type = json_string_value(json_object_get(m, "type"));
        const char *uid = json_string_value(json_object_get(m, "user_id"));
        char field[48];
        if (uid) {
            struct principal p;
            memset(&p, 0, sizeof p);
            scope_init(&p.scope);
            e = session_load_principal(tx, uid, &p);
            bool fits = e == ERR_OK && (!strcmp(type, "assistant") ? p.role == ROLE_ASSISTANT
                                        : !strcmp(type, "police")  ? role_is_police(p.role)
                                                                   : true);
            scope_release(&p.scope);
            if (e == ERR_NOT_FOUND || (e == ERR_OK && !fits)) {
                snprintf(field, sizeof field, "members.%zu.user_id", i);
                return err_set(&ctx->err, ERR_INVALID, field, "no user of that kind (type %s)",
                               type);
            }
            if (e != ERR_OK)
                return e;
        }
        police = police || !strcmp(type, "police");
        assistant = assistant || !strcmp(type, "assistant");
    }
    if (!police || !assistant)
        return err_set(&ctx->err, ERR_INVALID, "members",
                       "a 四加 team needs at least one police officer and one assistant");
    rand_id(t.id);
    snprintf(t.name, sizeof t.name, "%s", a->name);
    snprintf(t.station_id, sizeof t.station_id, "%s", a->station_id);
    if ((e = patrol_repo_team_insert(tx, &t, ctx->who->user_id)) != ERR_OK)
        return e;
    json_array_foreach(a->members, i, m)
    {
        char mid[RAND_ID_LEN + 1], masked[24] = "", ph[PHONE_SIZE];
        rand_id(mid);
        const char *type = json_string_value(json_object_get(m, "type"));
        const char *uid = json_string_value(json_object_get(m, "user_id"));
        const char *name = json_string_value(json_object_get(m, "name"));
        const char *phone = json_string_value(json_object_get(m, "phone"));
        char *sealed = NULL;
        if (phone) {
            char field[48];
            snprintf(field, sizeof field, "members.%zu.phone", i);
            if ((e = phone_validate(phone, ph, sizeof ph, &ctx->err)) != ERR_OK) {
                snprintf(ctx->err.field, sizeof ctx->err.field, "%s", field);
                return e;
            }
            phone_mask(ph, masked, sizeof masked);
            sealed = keys_seal(&ctx->app->keys, ph, strlen(ph));
        }
        char uname[160] = "";
        if (!name && uid) {
            struct principal p;
            memset(&p, 0, sizeof p);
            scope_init(&p.scope);
            if (session_load_principal(tx, uid, &p) == ERR_OK)
                snprintf(uname, sizeof uname, "%s", p.name);
            scope_release(&p.scope);
            name = uname;
        }
        e = patrol_repo_member_insert(tx, mid, t.id, (int)i, type, uid, name ? name : "",
                                      masked[0] ? masked : NULL, sealed);
        free(sealed);
        if (e != ERR_OK)
            return e;
    }
    if (a->client_ref &&
        (e = idem_put(tx, ctx->who->user_id, "patrol_team", a->client_ref, t.id)) != ERR_OK)
        return e;
    char object[48];
    snprintf(object, sizeof object, "patrol_team/%s", t.id);
    if ((e = audit_append(tx, ctx, "patrol_team.create", object, "ok")) != ERR_OK)
        return e;
    a->created = true;
    return team_json(tx, &t, &a->out);
}

enum err patrol_team_create(struct ctx *ctx, const char *name, const char *station_id,
                            json_t *members, const char *client_ref, json_t **out, bool *created)
{
    if (client_ref && !idem_ref_ok(client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    struct team_arg a = {ctx, name, station_id, client_ref, members, NULL, false};
    enum err e = tx_run(ctx->app->db, true, team_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

struct team_list_arg {
    struct ctx *ctx;
    json_t *items;
};

static enum err team_list_fn(struct tx *tx, void *argv)
{
    struct team_list_arg *a = argv;
    json_array_clear(a->items);
    json_t *ids = json_array();
    enum err e = patrol_repo_team_ids(tx, ids);
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if (e != ERR_OK)
            break;
        struct team_row t;
        e = patrol_repo_team_get(tx, json_string_value(v), &t);
        bool visible = false;
        if (e == ERR_OK)
            e = station_visible(tx, &a->ctx->who->scope, t.station_id, &visible);
        json_t *j = NULL;
        if (e == ERR_OK && visible)
            e = team_json(tx, &t, &j);
        if (j) {
            /* An assistant sees the teams they are a member of. */
            bool member = a->ctx->who->role != ROLE_ASSISTANT;
            size_t k;
            json_t *m;
            json_array_foreach(json_object_get(j, "members"), k, m)
            {
                const char *uid = json_string_value(json_object_get(m, "user_id"));
                if (uid && !strcmp(uid, a->ctx->who->user_id))
                    member = true;
            }
            if (member)
                json_array_append_new(a->items, j);
            else
                json_decref(j);
        }
    }
    json_decref(ids);
    return e;
}

enum err patrol_team_list(struct ctx *ctx, json_t **items)
{
    if (!role_can(ctx->who->role, RES_PATROLS, RIGHT_R))
        return rec_forbidden(ctx, "read patrol teams");
    struct team_list_arg a = {ctx, json_array()};
    enum err e = tx_run(ctx->app->db, false, team_list_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *items = a.items;
    return ERR_OK;
}

/* --- patrols ---------------------------------------------------------------- */

static const char *const finding_kinds[] = {"gambling", "hazard",    "suspicious",
                                            "dispute",  "publicity", "other"};

struct patrol_arg {
    struct ctx *ctx;
    const struct patrol_input *in;
    json_t *out;
    bool created;
};

static enum err patrol_fn(struct tx *tx, void *argv)
{
    struct patrol_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct patrol_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    if (in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "patrol", in->client_ref, &found, existing)))
        return e;
    json_t *paths = json_array();
    if (found) {
        e = patrol_repo_get(tx, existing, &a->out, paths);
        json_decref(paths);
        return e;
    }
    struct team_row t;
    e = patrol_repo_team_get(tx, in->team_id, &t);
    bool visible = false;
    if (e == ERR_OK)
        e = station_visible(tx, &ctx->who->scope, t.station_id, &visible);
    json_t *members = json_array();
    if (e == ERR_OK)
        e = patrol_repo_members(tx, t.id, members);
    bool member = false;
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        const char *uid = json_string_value(json_object_get(m, "user_id"));
        if (uid && !strcmp(uid, ctx->who->user_id))
            member = true;
    }
    if (e == ERR_NOT_FOUND ||
        (e == ERR_OK && (!visible || (ctx->who->role == ROLE_ASSISTANT && !member)))) {
        e = rec_not_found(ctx, "team", "team_id");
        goto out;
    }
    if (e != ERR_OK)
        goto out;
    if (!role_can(ctx->who->role, RES_PATROLS, RIGHT_C)) {
        e = rec_forbidden(ctx, "log patrols");
        goto out;
    }
    json_t *v;
    json_array_foreach(in->area_ids, i, v)
    {
        struct area_row ar;
        e = org_area_by_id(tx, json_string_value(v), &ar);
        if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, ar.path))) {
            char field[32];
            snprintf(field, sizeof field, "area_ids.%zu", i);
            e = rec_not_found(ctx, "area", field);
            goto out;
        }
        if (e != ERR_OK)
            goto out;
        json_array_append_new(paths, json_string(ar.path));
    }
    json_array_foreach(in->present, i, v)
    {
        bool known = false;
        size_t k;
        json_array_foreach(members, k, m) if (!strcmp(json_string_value(json_object_get(m, "id")),
                                                      json_string_value(v))) known = true;
        if (!known) {
            char field[32];
            snprintf(field, sizeof field, "present.%zu", i);
            e = err_set(&ctx->err, ERR_INVALID, field, "not a member of the team");
            goto out;
        }
    }
    if (in->started_at > in->ended_at || in->ended_at > clock_now() + FUTURE_SLACK) {
        e = err_set(&ctx->err, ERR_INVALID, "ended_at",
                    "the patrol ends after it starts and not in the future");
        goto out;
    }
    char object[48], id[RAND_ID_LEN + 1];
    rand_id(id);
    char *findings = json_dumps(in->findings ? in->findings : json_array(), JSON_COMPACT);
    char *present = json_dumps(in->present, JSON_COMPACT);
    char *track = in->track ? json_dumps(in->track, JSON_COMPACT) : NULL;
    e = patrol_repo_insert(tx, id, t.county_id, t.id, in->started_at, in->ended_at, findings,
                           present, track, ctx->who->user_id);
    free(findings);
    free(present);
    free(track);
    json_array_foreach(in->area_ids, i, v) if (e == ERR_OK) e =
        patrol_repo_add_area(tx, id, json_string_value(v));
    if (e == ERR_OK && in->client_ref)
        e = idem_put(tx, ctx->who->user_id, "patrol", in->client_ref, id);
    snprintf(object, sizeof object, "patrol/%s", id);
    if (e == ERR_OK)
        e = audit_append(tx, ctx, "patrol.create", object, "ok");
    json_t *ignore = json_array();
    if (e == ERR_OK)
        e = patrol_repo_get(tx, id, &a->out, ignore);
    json_decref(ignore);
    a->created = e == ERR_OK;
out:
    json_decref(members);
    json_decref(paths);
    return e;
}

enum err patrol_create(struct ctx *ctx, const struct patrol_input *in, json_t **out, bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    size_t i;
    json_t *f;
    json_array_foreach(in->findings, i, f)
    {
        char field[40];
        const char *kind = json_string_value(json_object_get(f, "kind"));
        bool ok = false;
        for (size_t k = 0; kind && k < sizeof finding_kinds / sizeof finding_kinds[0]; k++)
            ok = ok || !strcmp(kind, finding_kinds[k]);
        if (!ok) {
            snprintf(field, sizeof field, "findings.%zu.kind", i);
            return err_set(&ctx->err, ERR_INVALID, field,
                           "gambling, hazard, suspicious, dispute, publicity or other");
        }
    }
    char why[96];
    if (in->track && !patrol_track_ok(in->track, why, sizeof why))
        return err_set(&ctx->err, ERR_INVALID, "track", "%s", why);
    struct patrol_arg a = {ctx, in, NULL, false};
    enum err e = tx_run(ctx->app->db, true, patrol_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

static enum err patrol_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                            const char *id, json_t *items, bool *more)
{
    return patrol_repo_list(tx, &ctx->who->scope, query, key, id, items, more);
}

enum err patrol_list(struct ctx *ctx, const struct patrol_query *q, json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_PATROLS, RIGHT_R))
        return rec_forbidden(ctx, "read patrols");
    return rec_list(ctx, patrol_page, q, q->cursor, false, items, next);
}

struct pget_arg {
    struct ctx *ctx;
    const char *id;
    json_t *out;
};

static enum err pget_fn(struct tx *tx, void *argv)
{
    struct pget_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    json_t *paths = json_array();
    enum err e = patrol_repo_get(tx, a->id, &a->out, paths);
    bool visible = false;
    size_t i;
    json_t *p;
    json_array_foreach(paths, i, p) if (rec_meets(&a->ctx->who->scope, json_string_value(p)))
        visible = true;
    json_decref(paths);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !visible)) {
        json_decref(a->out);
        a->out = NULL;
        return rec_not_found(a->ctx, "patrol", NULL);
    }
    if (e == ERR_OK) {
        json_t *att = json_array();
        e = attach_list(tx, "patrol", a->id, att);
        json_object_set_new(a->out, "attachments", att);
    }
    return e;
}

enum err patrol_get(struct ctx *ctx, const char *id, json_t **out)
{
    if (!role_can(ctx->who->role, RES_PATROLS, RIGHT_R))
        return rec_forbidden(ctx, "read patrols");
    struct pget_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, false, pget_fn, &a);
    *out = a.out;
    return e;
}

struct cov_arg {
    struct ctx *ctx;
    int64_t from, to;
    json_t *items;
};

static enum err cov_fn(struct tx *tx, void *argv)
{
    struct cov_arg *a = argv;
    json_array_clear(a->items);
    return patrol_repo_coverage(tx, &a->ctx->who->scope, a->from, a->to, a->items);
}

enum err patrol_coverage(struct ctx *ctx, int64_t from, int64_t to, json_t **items)
{
    if (!role_can(ctx->who->role, RES_PATROLS, RIGHT_R))
        return rec_forbidden(ctx, "read patrols");
    struct cov_arg a = {ctx, from, to ? to : INT64_MAX / 2, json_array()};
    enum err e = tx_run(ctx->app->db, false, cov_fn, &a);
    if (e != ERR_OK) {
        json_decref(a.items);
        return e;
    }
    *items = a.items;
    return ERR_OK;
}

static enum err patrol_check(struct tx *tx, struct ctx *ctx, const char *id, bool write,
                             const char *kind)
{
    struct pget_arg a = {ctx, id, NULL};
    enum err e = pget_fn(tx, &a);
    json_decref(a.out);
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_PATROLS, write ? RIGHT_C : RIGHT_R))
        return rec_forbidden(ctx, write ? "add photos to patrols" : "read patrols");
    if (write && ctx->who->role == ROLE_ASSISTANT) {
        bool member = false;
        if ((e = patrol_repo_is_member(tx, id, ctx->who->user_id, &member)) != ERR_OK)
            return e;
        if (!member)
            return rec_forbidden(ctx, "add photos to another team's patrol");
    }
    if (write && strcmp(kind, "photo") != 0 && strcmp(kind, "document") != 0 &&
        strcmp(kind, "agreement") != 0)
        return err_set(&ctx->err, ERR_INVALID, "kind", "photo, agreement or document");
    return ERR_OK;
}

const struct attach_owner patrol_attach_owner = {"patrol", NULL, patrol_check};
