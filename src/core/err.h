/*
 * Expected failures. Every domain function returns enum err; the detail
 * (field, message, extra members) travels beside it in struct errinfo, which
 * the caller owns (the request in HTTP, a stack variable in the CLI).
 * http/resp.c is the only place that maps an err to an HTTP status; the
 * machine-readable code string of each value is err_code() here.
 */
#ifndef CUNJING_CORE_ERR_H
#define CUNJING_CORE_ERR_H

enum err {
    ERR_OK = 0,
    ERR_INVALID_JSON,
    ERR_INVALID_ENCODING,
    ERR_BAD_REQUEST,
    ERR_UNAUTHENTICATED,
    ERR_INVALID_CREDENTIALS,
    ERR_TOTP_REQUIRED,
    ERR_FORBIDDEN,
    ERR_CSRF,
    ERR_NOT_FOUND,
    ERR_METHOD_NOT_ALLOWED,
    ERR_VERSION_CONFLICT,
    ERR_STATE,    /* invalid_transition */
    ERR_CONFLICT, /* unique key taken (409 conflict) */
    ERR_TOO_LARGE,
    ERR_URI_TOO_LONG,
    ERR_UNSUPPORTED_MEDIA_TYPE,
    ERR_INVALID, /* invalid_field */
    ERR_UNKNOWN_FIELD,
    ERR_TOO_LONG,
    ERR_INVALID_ID_NUMBER,
    ERR_MISSING_MATERIALS,
    ERR_IMAGE_TOO_LARGE,
    ERR_LOCKED,
    ERR_RATE_LIMITED,
    ERR_HEADERS_TOO_LARGE,
    ERR_OVERLOADED,
    ERR_DB_UNAVAILABLE,
    ERR_READ_ONLY,
    ERR_BUSY, /* database busy: answered as 503 overloaded */
    ERR_STORAGE_FULL,
    ERR_INTERNAL,
    ERR__COUNT
};

/* The stable code string of e ("invalid_field", ...). Never NULL. */
const char *err_code(enum err e);

/* Detail of the last error; fixed-size so it needs no freeing. */
struct errinfo {
    char field[128];   /* dotted path of the faulty field, "" when none */
    char message[256]; /* human-readable, safe to show (no SQL, paths, secrets) */
    int retry_after;   /* seconds for 423/429/503, 0 = none */
};

/* Clears info. */
void errinfo_clear(struct errinfo *info);

/*
 * Records field and message (printf-style) in info and returns e, so callers
 * write `return err_set(info, ERR_INVALID, "phone", "invalid phone %s", x);`.
 * info may be NULL. field may be NULL.
 */
enum err err_set(struct errinfo *info, enum err e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
