/*
 * Public-security information (治安信息): reported by an assistant of the
 * village, assessed by an officer of that area as valid or not; the reporter
 * sees the verdict (inbox and live event). Assistants see only their own
 * reports; who reported is shown only to police roles; the township has no
 * access at all.
 */
#ifndef CUNJING_INTEL_INTEL_H
#define CUNJING_INTEL_INTEL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

#define INTEL_TEXT_MAX 4000

struct intel_input {
    const char *category, *content, *village_id, *location;
    int64_t occurred_at, reported_at;
    const char *client_ref;
};
enum err intel_create(struct ctx *ctx, const struct intel_input *in, json_t **out, bool *created);
enum err intel_assess(struct ctx *ctx, const char *id, bool valid, const char *note, json_t **out);
enum err intel_get(struct ctx *ctx, const char *id, json_t **out);
struct intel_query {
    const char *status, *village_id, *category, *cursor;
    int limit;
};
enum err intel_list(struct ctx *ctx, const struct intel_query *q, json_t **items, char **next);

#endif
