/*
 * Joint patrols (四加巡逻): teams of police, assistants, village committee
 * staff and volunteers tied to a station, and the patrol logs they keep
 * (when, where, who was present, what they found, the track walked). A team
 * must count at least one police officer and one assistant. Assistants log
 * patrols of the teams they belong to; police of the station's area manage
 * teams; the township reads the patrols of its township.
 */
#ifndef CUNJING_PATROL_PATROL_H
#define CUNJING_PATROL_PATROL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define PATROL_MAX_MEMBERS 32
#define PATROL_MAX_AREAS 32
#define PATROL_MAX_FINDINGS 50
#define PATROL_MAX_TRACK_POINTS 20000

/* POST /api/v1/patrol-teams (body validated by the handler, borrowed JSON). */
enum err patrol_team_create(struct ctx *ctx, const char *name, const char *station_id,
                            json_t *members, const char *client_ref, json_t **out, bool *created);
enum err patrol_team_list(struct ctx *ctx, json_t **items);

struct patrol_input {
    const char *team_id;
    int64_t started_at, ended_at;
    json_t *area_ids; /* borrowed arrays */
    json_t *present;
    json_t *findings;
    json_t *track; /* GeoJSON LineString or NULL */
    const char *client_ref;
};
enum err patrol_create(struct ctx *ctx, const struct patrol_input *in, json_t **out, bool *created);
struct patrol_query {
    const char *station_id, *village_id, *team_id, *cursor;
    int64_t from, to;
    int limit;
};
enum err patrol_list(struct ctx *ctx, const struct patrol_query *q, json_t **items, char **next);
enum err patrol_get(struct ctx *ctx, const char *id, json_t **out);
/* Villages and communities in scope with the number of patrols in from..to. */
enum err patrol_coverage(struct ctx *ctx, int64_t from, int64_t to, json_t **items);

/* Pure checks, exposed for unit tests: a GeoJSON LineString of [lon, lat] points. */
bool patrol_track_ok(json_t *track, char *why, size_t n);

struct attach_owner;
extern const struct attach_owner patrol_attach_owner;

#endif
