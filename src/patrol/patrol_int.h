/*
 * Internals of the patrol module: its repository.
 */
#ifndef CUNJING_PATROL_PATROL_INT_H
#define CUNJING_PATROL_PATROL_INT_H
#include "org/scope.h"
#include "patrol/patrol.h"

struct tx;

struct team_row {
    char id[RAND_ID_LEN + 1];
    char county_id[RAND_ID_LEN + 1];
    char name[256];
    char station_id[RAND_ID_LEN + 1];
};

enum err patrol_repo_team_insert(struct tx *tx, const struct team_row *t, const char *created_by);
enum err patrol_repo_member_insert(struct tx *tx, const char *id, const char *team_id, int pos,
                                   const char *type, const char *user_id, const char *name,
                                   const char *phone_masked, const char *phone_sealed);
enum err patrol_repo_team_get(struct tx *tx, const char *id, struct team_row *t);
/* Members as JSON {"id","type","user_id","name","phone"(masked)}. */
enum err patrol_repo_members(struct tx *tx, const char *team_id, json_t *out);
/* Paths of the station's jurisdiction. */
enum err patrol_repo_unit_paths(struct tx *tx, const char *unit_id, json_t *paths);
/* The kind of a unit ("station", ...); ERR_NOT_FOUND when absent. */
enum err patrol_repo_unit_kind(struct tx *tx, const char *unit_id, char kind[16]);
/* Whether user_id is a member of the team of patrol_id. */
enum err patrol_repo_is_member(struct tx *tx, const char *patrol_id, const char *user_id,
                               bool *member);
/* Every team id (teams are few per county). */
enum err patrol_repo_team_ids(struct tx *tx, json_t *ids);
enum err patrol_repo_insert(struct tx *tx, const char *id, const char *county, const char *team,
                            int64_t started, int64_t ended, const char *findings,
                            const char *present, const char *track, const char *created_by);
enum err patrol_repo_add_area(struct tx *tx, const char *patrol_id, const char *area_id);
enum err patrol_repo_list(struct tx *tx, const struct scope *sc, const struct patrol_query *q,
                          int64_t cur_key, const char *cur_id, json_t *items, bool *more);
enum err patrol_repo_get(struct tx *tx, const char *id, json_t **out, json_t *area_paths);
enum err patrol_repo_coverage(struct tx *tx, const struct scope *sc, int64_t from, int64_t to,
                              json_t *items);

#endif
