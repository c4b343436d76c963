/*
 * Files compiled into the binary by scripts/embed.c: the web client
 * (embedded_web, names like "/index.html") and the SQL migrations
 * (embedded_migrations, names like "/0001_init.sql"). Arrays are sorted by
 * name and end with an all-zero entry; data is NUL-terminated (len excludes it).
 */
#ifndef CUNJING_CORE_EMBEDDED_H
#define CUNJING_CORE_EMBEDDED_H
#include <stddef.h>

struct embedded_file {
    const char *name;          /* "/" + path relative to the embedded root */
    const unsigned char *data; /* NUL-terminated for convenience */
    size_t len;                /* bytes, without the terminating NUL */
};

extern const struct embedded_file embedded_web[];
extern const size_t embedded_web_count;
extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;
/* Reference data from ref/ ("/yongning-divisions.csv", ...). */
extern const struct embedded_file embedded_ref[];
extern const size_t embedded_ref_count;

/* The file called name in files[] (sorted), or NULL. */
const struct embedded_file *embedded_find(const struct embedded_file *files, size_t count,
                                          const char *name);

#endif
