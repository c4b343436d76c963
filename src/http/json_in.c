/*
 * Input validation helpers for handlers (see json_in.h). The body is checked
 * for UTF-8 and nesting depth before jansson sees it, so that the answers
 * distinguish invalid_encoding from invalid_json and a deeply nested body
 * never reaches the recursive parser.
 */
#include "http/json_in.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/str.h"
#include "http/resp.h"
#include "core/xalloc.h"

#define MAX_DEPTH 16

/* Max nesting depth of a JSON text, counting only brackets outside strings. */
static int json_depth(const char *p, size_t n)
{
    int depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
            continue;
        }
        if (c == '"') {
            in_str = true;
        } else if (c == '{' || c == '[') {
            if (++depth > max)
                max = depth;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return max;
}

bool jin_parse(struct req *r)
{
    const char *p = r->body.data ? r->body.data : "";
    size_t n = r->body.len;
    if (!str_utf8_valid(p, n)) {
        resp_fail(r, ERR_INVALID_ENCODING, NULL, "the body is not valid UTF-8 or contains NUL");
        return false;
    }
    if (json_depth(p, n) > MAX_DEPTH) {
        resp_fail(r, ERR_INVALID_JSON, NULL, "JSON nested deeper than 16 levels");
        return false;
    }
    json_error_t jerr;
    json_t *root = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!root) {
        if (strstr(jerr.text, "\\u0000") || strstr(jerr.text, "NUL"))
            resp_fail(r, ERR_INVALID_ENCODING, NULL, "a NUL character is not allowed");
        else
            resp_fail(r, ERR_INVALID_JSON, NULL, "the body is not valid JSON");
        return false;
    }
    r->json = root;
    return true;
}

json_t *jin_object(struct req *r)
{
    if (!r->json && !jin_parse(r))
        return NULL;
    if (!json_is_object(r->json)) {
        resp_fail(r, ERR_INVALID, NULL, "the body must be a JSON object");
        return NULL;
    }
    return r->json;
}

bool jin_only(struct req *r, json_t *obj, const char *prefix, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = true;
        if (!ok) {
            char field[128];
            snprintf(field, sizeof field, "%s%s", prefix, key);
            resp_fail(r, ERR_UNKNOWN_FIELD, field, "unknown field");
            return false;
        }
    }
    return true;
}

static bool check_text(struct req *r, const char *s, size_t len, const char *field,
                       size_t max_chars)
{
    if (!str_utf8_valid(s, len)) {
        resp_fail(r, ERR_INVALID_ENCODING, field, "text must be UTF-8 without NUL");
        return false;
    }
    if (str_utf8_len(s, len) > max_chars) {
        char msg[96];
        snprintf(msg, sizeof msg, "at most %zu characters", max_chars);
        resp_fail(r, ERR_TOO_LONG, field, msg);
        return false;
    }
    return true;
}

bool jin_str(struct req *r, json_t *obj, const char *key, const char *field, size_t max_chars,
             bool required, const char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required) {
            resp_fail(r, ERR_INVALID, field, "required");
            return false;
        }
        return true;
    }
    if (!json_is_string(v)) {
        resp_fail(r, ERR_INVALID, field, "must be a string");
        return false;
    }
    const char *s = json_string_value(v);
    size_t len = json_string_length(v);
    if (!check_text(r, s, len, field, max_chars))
        return false;
    if (required && len == 0) {
        resp_fail(r, ERR_INVALID, field, "must not be empty");
        return false;
    }
    *out = s;
    return true;
}

bool jin_bool(struct req *r, json_t *obj, const char *key, const char *field, bool required,
              int *out)
{
    json_t *v = json_object_get(obj, key);
    *out = -1;
    if (!v || json_is_null(v)) {
        if (required) {
            resp_fail(r, ERR_INVALID, field, "required");
            return false;
        }
        return true;
    }
    if (!json_is_boolean(v)) {
        resp_fail(r, ERR_INVALID, field, "must be true or false");
        return false;
    }
    *out = json_is_true(v) ? 1 : 0;
    return true;
}

bool jin_int(struct req *r, json_t *obj, const char *key, const char *field, bool required,
             int64_t min, int64_t max, int64_t *out, bool *present)
{
    json_t *v = json_object_get(obj, key);
    *present = false;
    if (!v || json_is_null(v)) {
        if (required) {
            resp_fail(r, ERR_INVALID, field, "required");
            return false;
        }
        return true;
    }
    if (!json_is_integer(v)) {
        resp_fail(r, ERR_INVALID, field, "must be an integer");
        return false;
    }
    int64_t n = (int64_t)json_integer_value(v);
    if (n < min || n > max) {
        char msg[96];
        snprintf(msg, sizeof msg, "must be between %lld and %lld", (long long)min, (long long)max);
        resp_fail(r, ERR_INVALID, field, msg);
        return false;
    }
    *out = n;
    *present = true;
    return true;
}

bool jin_str_array(struct req *r, json_t *obj, const char *key, const char *field, size_t max_items,
                   size_t max_chars, bool required, json_t **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (!v || json_is_null(v)) {
        if (required) {
            resp_fail(r, ERR_INVALID, field, "required");
            return false;
        }
        return true;
    }
    if (!json_is_array(v)) {
        resp_fail(r, ERR_INVALID, field, "must be an array");
        return false;
    }
    if (json_array_size(v) > max_items) {
        char msg[64];
        snprintf(msg, sizeof msg, "at most %zu items", max_items);
        resp_fail(r, ERR_TOO_LONG, field, msg);
        return false;
    }
    size_t i;
    json_t *it;
    json_array_foreach(v, i, it)
    {
        char f[160];
        snprintf(f, sizeof f, "%s.%zu", field, i);
        if (!json_is_string(it) || json_string_length(it) == 0) {
            resp_fail(r, ERR_INVALID, f, "must be a non-empty string");
            return false;
        }
        if (!check_text(r, json_string_value(it), json_string_length(it), f, max_chars))
            return false;
    }
    *out = v;
    return true;
}

bool q_limit(struct req *r, int *limit)
{
    const char *s = req_query(r, "limit");
    *limit = 20;
    if (!s)
        return true;
    int64_t n;
    if (!str_to_int64(s, &n) || n < 1 || n > 100) {
        resp_fail(r, ERR_INVALID, "limit", "limit must be 1..100");
        return false;
    }
    *limit = (int)n;
    return true;
}

bool q_date(struct req *r, const char *name, bool end, int64_t *out)
{
    const char *s = req_query(r, name);
    *out = 0;
    if (!s || !*s)
        return true;
    int y, m, d;
    if (!date_parse(s, &y, &m, &d)) {
        resp_fail(r, ERR_INVALID, name, "expected a date YYYY-MM-DD");
        return false;
    }
    int64_t start = date_start(y, m, d);
    /* End of the day: one second before the next day's start. */
    *out = end ? start + 86400 - 1 : start;
    return true;
}

bool q_enum(struct req *r, const char *name, const char *const *allowed, const char **out)
{
    if (!q_str(r, name, 32, out))
        return false;
    if (!*out)
        return true;
    for (size_t i = 0; allowed[i]; i++)
        if (!strcmp(*out, allowed[i]))
            return true;
    char msg[256] = "one of:";
    size_t used = strlen(msg);
    for (size_t i = 0; allowed[i]; i++) {
        int n = snprintf(msg + used, sizeof msg - used, "%s %s", i ? "," : "", allowed[i]);
        if (n > 0 && (size_t)n < sizeof msg - used)
            used += (size_t)n;
    }
    *out = NULL;
    resp_fail(r, ERR_INVALID, name, msg);
    return false;
}

bool q_str(struct req *r, const char *name, size_t max_chars, const char **out)
{
    const char *s = req_query(r, name);
    *out = NULL;
    if (!s || !*s)
        return true;
    if (!check_text(r, s, strlen(s), name, max_chars))
        return false;
    *out = s;
    return true;
}
