/*
 * HTTP handlers of the org module: areas, units, the assistants register,
 * one assistant's detail (audited: it shows personal data) and the coverage
 * view. Each handler reads its allow-listed query parameters, calls one
 * domain function of org.c (which checks scope and rights against
 * r->ctx.who) and renders the structs it returns; errors go out through
 * resp_error() with the detail the domain left in r->ctx.err.
 */
#include "org/org_api.h"

#include <jansson.h>
#include <string.h>

#include "http/json_in.h"
#include "http/resp.h"
#include "org/org_int.h"
#include "core/xalloc.h"

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static json_t *area_json(const struct area_row *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(a->id));
    json_object_set_new(o, "code", str_or_null(a->code));
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "level", json_string(a->level));
    json_object_set_new(o, "parent_id", str_or_null(a->parent_id));
    return o;
}

static json_t *areas_json(const struct area_list *l)
{
    json_t *items = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(items, area_json(&l->items[i]));
    return items;
}

static json_t *assistant_json(const struct assistant_item *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(a->id));
    json_object_set_new(o, "user_id", json_string(a->user_id));
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "village_id", json_string(a->village_id));
    json_object_set_new(o, "village_name", json_string(a->village_name));
    json_object_set_new(o, "employer_id", str_or_null(a->employer_id));
    json_object_set_new(o, "employer_name", str_or_null(a->employer_name));
    json_object_set_new(o, "station_id", str_or_null(a->station_id));
    json_object_set_new(o, "station_name", str_or_null(a->station_name));
    json_t *officers = json_array();
    for (size_t i = 0; i < a->n_officers; i++)
        json_array_append_new(officers, json_string(a->officer_ids[i]));
    json_object_set_new(o, "officer_ids", officers);
    json_object_set_new(o, "phone", str_or_null(a->phone));
    json_object_set_new(o, "contract_start", str_or_null(a->contract_start));
    json_object_set_new(o, "contract_end", str_or_null(a->contract_end));
    json_object_set_new(o, "version", json_integer(a->version));
    return o;
}

void area_api_list(struct req *r)
{
    const char *parent_id;
    if (!q_str(r, "parent_id", 64, &parent_id))
        return;
    struct area_list l;
    enum err e = org_areas_list(&r->ctx, parent_id, &l);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, areas_json(&l), NULL);
    area_list_release(&l);
}

void area_api_get(struct req *r)
{
    struct area_row a;
    enum err e = org_area_get(&r->ctx, req_param(r, 0), &a);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_json(r, 200, area_json(&a));
}

void unit_api_list(struct req *r)
{
    struct unit_list l;
    enum err e = org_units_list(&r->ctx, &l);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const struct unit_item *u = &l.items[i];
        json_t *ids = json_array();
        for (size_t k = 0; k < u->n_areas; k++)
            json_array_append_new(ids, json_string(u->area_ids[k]));
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(u->id));
        json_object_set_new(o, "code", json_string(u->code));
        json_object_set_new(o, "name", json_string(u->name));
        json_object_set_new(o, "kind", json_string(u->kind));
        json_object_set_new(o, "area_ids", ids);
        json_array_append_new(items, o);
    }
    unit_list_release(&l);
    resp_list(r, items, NULL);
}

void assistant_api_list(struct req *r)
{
    struct assistant_query q = {0};
    if (!q_limit(r, &q.limit) || !q_str(r, "cursor", ASSISTANT_CURSOR_MAX, &q.cursor) ||
        !q_str(r, "village_id", 64, &q.village_id))
        return;
    struct assistant_list l;
    char next[ASSISTANT_CURSOR_MAX];
    enum err e = org_assistants_list(&r->ctx, &q, &l, next);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    json_t *items = json_array();
    for (size_t i = 0; i < l.n; i++)
        json_array_append_new(items, assistant_json(&l.items[i]));
    assistant_list_release(&l);
    resp_list(r, items, next[0] ? next : NULL);
}

void assistant_api_get(struct req *r)
{
    struct assistant_item a;
    enum err e = org_assistant_get(&r->ctx, req_param(r, 0), &a);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_json(r, 200, assistant_json(&a));
}

void assistant_api_coverage(struct req *r)
{
    struct area_list l;
    enum err e = org_assistant_coverage(&r->ctx, &l);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, areas_json(&l), NULL);
    area_list_release(&l);
}
