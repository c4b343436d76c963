/*
 * Thin handlers of activities, key persons and category lists.
 */
#include "visit/visit_api.h"

#include <stdlib.h>
#include <string.h>

#include "attach/attach_api.h"
#include "core/clock.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "visit/visit.h"
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

static void list_answer(struct req *r, enum err e, json_t *items, char *next)
{
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    resp_list(r, items, next);
    free(next);
}

void activity_api_create(struct req *r)
{
    static const char *const allowed[] = {"kind",  "village_id",   "held_at",
                                          "topic", "people_count", "key_person_id",
                                          "notes", "client_ref",   NULL};
    json_t *o = jin_object(r);
    struct activity_input in = {0};
    const char *held;
    bool has_count;
    if (!o || !jin_only(r, o, "", allowed) || !jin_str(r, o, "kind", "kind", 20, true, &in.kind) ||
        !jin_str(r, o, "village_id", "village_id", 64, true, &in.village_id) ||
        !jin_str(r, o, "held_at", "held_at", 40, true, &held) ||
        !jin_str(r, o, "topic", "topic", 100, true, &in.topic) ||
        !jin_int(r, o, "people_count", "people_count", false, 0, 100000, &in.people_count,
                 &has_count) ||
        !jin_str(r, o, "key_person_id", "key_person_id", 64, false, &in.key_person_id) ||
        !jin_str(r, o, "notes", "notes", VISIT_TEXT_MAX, false, &in.notes) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    if (!time_parse_iso(held, &in.held_at)) {
        resp_fail(r, ERR_INVALID, "held_at", "an ISO 8601 time with offset");
        return;
    }
    json_t *out = NULL;
    bool created = false;
    enum err e = activity_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out);
}

void activity_api_list(struct req *r)
{
    struct activity_query q = {0};
    static const char *const kinds[] = {"visit", "publicity", "help_education", NULL};
    if (!q_enum(r, "kind", kinds, &q.kind) || !q_str(r, "village_id", 64, &q.village_id) ||
        !q_str(r, "key_person_id", 64, &q.key_person_id) || !q_date(r, "from", false, &q.from) ||
        !q_date(r, "to", true, &q.to) || !q_str(r, "cursor", 64, &q.cursor) ||
        !q_limit(r, &q.limit))
        return;
    json_t *items = NULL;
    char *next = NULL;
    enum err e = activity_list(&r->ctx, &q, &items, &next);
    list_answer(r, e, items, next);
}

void activity_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = activity_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out);
}

void activity_api_attach(struct req *r)
{
    attach_api_upload(r, &activity_attach_owner);
}

void activity_api_attachment(struct req *r)
{
    attach_api_download(r, &activity_attach_owner);
}

void key_person_api_create(struct req *r)
{
    static const char *const allowed[] = {"category", "name",       "id_number", "village_id",
                                          "notes",    "client_ref", NULL};
    json_t *o = jin_object(r);
    struct key_person_input in = {0};
    if (!o || !jin_only(r, o, "", allowed) ||
        !jin_str(r, o, "category", "category", 8, true, &in.category) ||
        !jin_str(r, o, "name", "name", 64, true, &in.name) ||
        !jin_str(r, o, "id_number", "id_number", 32, false, &in.id_number) ||
        !jin_str(r, o, "village_id", "village_id", 64, true, &in.village_id) ||
        !jin_str(r, o, "notes", "notes", VISIT_TEXT_MAX, false, &in.notes) ||
        !jin_str(r, o, "client_ref", "client_ref", 64, false, &in.client_ref))
        return;
    json_t *out = NULL;
    bool created = false;
    enum err e = key_person_create(&r->ctx, &in, &out, &created);
    answer(r, e, created ? 201 : 200, out);
}

void key_person_api_list(struct req *r)
{
    struct key_person_query q = {0};
    const char *overdue;
    if (!q_str(r, "category", 8, &q.category) || !q_str(r, "village_id", 64, &q.village_id) ||
        !q_str(r, "overdue", 8, &overdue) || !q_str(r, "cursor", 64, &q.cursor) ||
        !q_limit(r, &q.limit))
        return;
    q.overdue = overdue && !strcmp(overdue, "true");
    json_t *items = NULL;
    char *next = NULL;
    enum err e = key_person_list(&r->ctx, &q, &items, &next);
    list_answer(r, e, items, next);
}

void key_person_api_get(struct req *r)
{
    json_t *out = NULL;
    enum err e = key_person_get(&r->ctx, req_param(r, 0), &out);
    answer(r, e, 200, out);
}

static void categories(struct req *r, const char *which)
{
    json_t *items = NULL;
    enum err e = visit_categories(&r->ctx, which, &items);
    list_answer(r, e, items, NULL);
}

void category_api_disputes(struct req *r)
{
    categories(r, "dispute");
}

void category_api_intel(struct req *r)
{
    categories(r, "intel");
}

void category_api_key_persons(struct req *r)
{
    categories(r, "key_person");
}
