/*
 * Thin handlers of /api/v1/users: allow-listed fields into user_input /
 * user_patch, one domain call, render.
 */
#include "user/user_api.h"

#include <stdlib.h>
#include <string.h>

#include "http/json_in.h"
#include "http/resp.h"
#include "user/user.h"
#include "core/xalloc.h"

void user_api_list(struct req *r)
{
    int limit;
    const char *cursor;
    if (!q_limit(r, &limit) || !q_str(r, "cursor", 64, &cursor))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = user_list(&r->ctx, cursor, limit, &items, &next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

/* Copies a JSON array of strings into ptrs (borrowed). */
static size_t str_ptrs(json_t *arr, const char **ptrs, size_t max)
{
    size_t n = 0, i;
    json_t *v;
    json_array_foreach(arr, i, v) if (n < max) ptrs[n++] = json_string_value(v);
    return n;
}

void user_api_create(struct req *r)
{
    static const char *const allowed[] = {"username", "name",     "role", "area_ids",
                                          "unit_id",  "password", NULL};
    json_t *o = jin_object(r);
    struct user_input in = {0};
    json_t *areas = NULL;
    const char *ptrs[USER_MAX_AREAS];
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "username", "username", USERNAME_MAX, true, &in.username) ||
        !jin_str(r, o, "name", "name", USER_NAME_MAX, true, &in.name) ||
        !jin_str(r, o, "role", "role", 32, true, &in.role) ||
        !jin_str_array(r, o, "area_ids", "area_ids", USER_MAX_AREAS, 64, false, &areas) ||
        !jin_str(r, o, "unit_id", "unit_id", 64, false, &in.unit) ||
        !jin_str(r, o, "password", "password", 128, true, &in.password))
        return;
    if (areas) {
        in.n_areas = str_ptrs(areas, ptrs, USER_MAX_AREAS);
        in.areas = ptrs;
    }
    json_t *user = NULL;
    char *uri = NULL;
    enum err e = user_create(&r->ctx, &in, &user, &uri);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    if (uri)
        json_object_set_new(user, "otpauth_uri", json_string(uri));
    free(uri);
    resp_json(r, 201, user);
}

void user_api_get(struct req *r)
{
    json_t *user = NULL;
    enum err e = user_get(&r->ctx, req_param(r, 0), &user);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_json(r, 200, user);
}

void user_api_patch(struct req *r)
{
    if (!role_can(r->ctx.who->role, RES_USERS, RIGHT_A)) {
        r->ctx.denial = true;
        resp_fail(r, ERR_FORBIDDEN, NULL, "only admins change users");
        return;
    }
    static const char *const allowed[] = {"version", "name",     "role",     "area_ids",
                                          "unit_id", "disabled", "password", NULL};
    json_t *o = jin_object(r);
    struct user_patch p = {.disabled = -1};
    json_t *areas = NULL;
    const char *ptrs[USER_MAX_AREAS];
    bool has_version;
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_int(r, o, "version", "version", true, 1, INT64_MAX, &p.version, &has_version) ||
        !jin_str(r, o, "name", "name", USER_NAME_MAX, false, &p.name) ||
        !jin_str(r, o, "role", "role", 32, false, &p.role) ||
        !jin_str_array(r, o, "area_ids", "area_ids", USER_MAX_AREAS, 64, false, &areas) ||
        !jin_str(r, o, "unit_id", "unit_id", 64, false, &p.unit) ||
        !jin_bool(r, o, "disabled", "disabled", false, &p.disabled) ||
        !jin_str(r, o, "password", "password", 128, false, &p.password))
        return;
    if (areas) {
        p.set_areas = true;
        p.n_areas = str_ptrs(areas, ptrs, USER_MAX_AREAS);
        p.areas = ptrs;
    }
    p.set_unit = json_object_get(o, "unit_id") != NULL;
    json_t *user = NULL;
    char *uri = NULL;
    enum err e = user_update(&r->ctx, req_param(r, 0), &p, &user, &uri);
    if (e == ERR_VERSION_CONFLICT) {
        resp_error_extra(r, e, json_pack("{so}", "current", user ? user : json_null()));
        return;
    }
    json_decref(e == ERR_OK ? NULL : user);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    if (uri)
        json_object_set_new(user, "otpauth_uri", json_string(uri));
    free(uri);
    resp_json(r, 200, user);
}
