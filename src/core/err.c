/*
 * Code strings of enum err, and the errinfo helpers. The table order follows
 * the enum; a static assertion keeps them in step.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const codes[] = {
    [ERR_OK] = "ok",
    [ERR_INVALID_JSON] = "invalid_json",
    [ERR_INVALID_ENCODING] = "invalid_encoding",
    [ERR_BAD_REQUEST] = "bad_request",
    [ERR_UNAUTHENTICATED] = "unauthenticated",
    [ERR_INVALID_CREDENTIALS] = "invalid_credentials",
    [ERR_TOTP_REQUIRED] = "totp_required",
    [ERR_FORBIDDEN] = "forbidden",
    [ERR_CSRF] = "csrf",
    [ERR_NOT_FOUND] = "not_found",
    [ERR_METHOD_NOT_ALLOWED] = "method_not_allowed",
    [ERR_VERSION_CONFLICT] = "version_conflict",
    [ERR_STATE] = "invalid_transition",
    [ERR_CONFLICT] = "conflict",
    [ERR_TOO_LARGE] = "too_large",
    [ERR_URI_TOO_LONG] = "uri_too_long",
    [ERR_UNSUPPORTED_MEDIA_TYPE] = "unsupported_media_type",
    [ERR_INVALID] = "invalid_field",
    [ERR_UNKNOWN_FIELD] = "unknown_field",
    [ERR_TOO_LONG] = "too_long",
    [ERR_INVALID_ID_NUMBER] = "invalid_id_number",
    [ERR_MISSING_MATERIALS] = "missing_materials",
    [ERR_IMAGE_TOO_LARGE] = "image_too_large",
    [ERR_LOCKED] = "locked",
    [ERR_RATE_LIMITED] = "rate_limited",
    [ERR_HEADERS_TOO_LARGE] = "headers_too_large",
    [ERR_OVERLOADED] = "overloaded",
    [ERR_DB_UNAVAILABLE] = "db_unavailable",
    [ERR_READ_ONLY] = "read_only",
    [ERR_BUSY] = "overloaded",
    [ERR_STORAGE_FULL] = "storage_full",
    [ERR_INTERNAL] = "internal",
};
_Static_assert(sizeof codes / sizeof codes[0] == ERR__COUNT, "codes[] out of step with enum err");

const char *err_code(enum err e)
{
    if ((unsigned)e >= ERR__COUNT || !codes[e])
        return "internal";
    return codes[e];
}

void errinfo_clear(struct errinfo *info)
{
    if (info)
        memset(info, 0, sizeof *info);
}

enum err err_set(struct errinfo *info, enum err e, const char *field, const char *fmt, ...)
{
    if (!info)
        return e;
    snprintf(info->field, sizeof info->field, "%s", field ? field : "");
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(info->message, sizeof info->message, fmt, ap);
        va_end(ap);
    } else {
        info->message[0] = '\0';
    }
    return e;
}
