/*
 * Reading request input: JSON members and query parameters. Every helper
 * validates type and limits; on failure it records the error and its field
 * on the request, ANSWERS it (resp_error) and returns false, so a handler
 * reads `if (!jin_str(r, o, "name", "name", 64, true, &name)) return;`.
 * Field paths are dotted with array indexes ("parties.0.id_number"); pass
 * the full path as field.
 */
#ifndef CUNJING_HTTP_JSON_IN_H
#define CUNJING_HTTP_JSON_IN_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/req.h"

/* Parses r->body as JSON into r->json (depth <= 16, UTF-8, no NUL); answers 400 on failure. */
bool jin_parse(struct req *r);
/* r->json as an object (422 invalid_field when the body is not an object). */
json_t *jin_object(struct req *r);
/* 422 unknown_field for a member of obj not in allowed (NULL-terminated). prefix: "" or "a.b." */
bool jin_only(struct req *r, json_t *obj, const char *prefix, const char *const *allowed);
/*
 * String member key: absent or null -> *out = NULL (422 invalid_field when
 * required); not a string -> 422 invalid_field; longer than max_chars code
 * points -> 422 too_long; empty when required -> 422 invalid_field.
 */
bool jin_str(struct req *r, json_t *obj, const char *key, const char *field, size_t max_chars,
             bool required, const char **out);
/* Boolean member: *out = -1 when absent, else 0/1. */
bool jin_bool(struct req *r, json_t *obj, const char *key, const char *field, bool required,
              int *out);
/* Integer member within [min, max]; *present tells whether it was given. */
bool jin_int(struct req *r, json_t *obj, const char *key, const char *field, bool required,
             int64_t min, int64_t max, int64_t *out, bool *present);
/*
 * Array of strings (each 1..max_chars code points), at most max_items;
 * *out is borrowed (NULL when absent).
 */
bool jin_str_array(struct req *r, json_t *obj, const char *key, const char *field, size_t max_items,
                   size_t max_chars, bool required, json_t **out);

/* ?limit= (1..100, default 20). */
bool q_limit(struct req *r, int *limit);
/* ?name=YYYY-MM-DD as the Unix second of the day's start (end=false) or end (end=true); 0 if
 * absent. */
bool q_date(struct req *r, const char *name, bool end, int64_t *out);
/* ?name= as a string of at most max_chars (NULL when absent). */
bool q_str(struct req *r, const char *name, size_t max_chars, const char **out);
/* ?name= as one of the NULL-terminated allowed values (NULL when absent); any other value is
 * 422 invalid_field naming them. */
bool q_enum(struct req *r, const char *name, const char *const *allowed, const char **out);

#endif
