/*
 * Visits, legal publicity and help-and-education (activities), and the key
 * persons the assistants help and educate (帮扶帮教对象). Each key-person
 * category has a contact interval (days); an activity naming a key person
 * is a contact and sets the next due date; contacts past due reach the
 * village assistants' inbox and the officers' list (?overdue=true). Key
 * persons are visible only to the village's assistant and police with scope.
 */
#ifndef CUNJING_VISIT_VISIT_H
#define CUNJING_VISIT_VISIT_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define VISIT_TEXT_MAX 4000

struct activity_input {
    const char *kind; /* visit | publicity | help_education */
    const char *village_id, *topic, *notes, *key_person_id, *client_ref;
    int64_t held_at;
    int64_t people_count;
};
enum err activity_create(struct ctx *ctx, const struct activity_input *in, json_t **out,
                         bool *created);
struct activity_query {
    const char *kind, *village_id, *key_person_id, *cursor;
    int64_t from, to;
    int limit;
};
enum err activity_list(struct ctx *ctx, const struct activity_query *q, json_t **items,
                       char **next);
enum err activity_get(struct ctx *ctx, const char *id, json_t **out);

struct key_person_input {
    const char *category, *name, *id_number, *village_id, *notes, *client_ref;
};
enum err key_person_create(struct ctx *ctx, const struct key_person_input *in, json_t **out,
                           bool *created);
enum err key_person_get(struct ctx *ctx, const char *id, json_t **out);
struct key_person_query {
    const char *category, *village_id, *cursor;
    bool overdue;
    int limit;
};
enum err key_person_list(struct ctx *ctx, const struct key_person_query *q, json_t **items,
                         char **next);
/* GET /api/v1/key-person-categories and friends: the reference lists. */
enum err visit_categories(struct ctx *ctx, const char *which, json_t **items);

/* Reminders of contacts past due (the reminders worker). */
enum err key_person_remind(struct app *app, int *sent);

struct attach_owner;
extern const struct attach_owner activity_attach_owner;

#endif
