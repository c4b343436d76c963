/*
 * Idempotency keys (CONVENTIONS.md, Records: client_ref): the same
 * client_ref from the same user for the same kind of create returns what the
 * first request created. Kept in the database, inside the create's own write
 * transaction, so retries - serial, concurrent, or on another instance - make
 * no duplicates.
 */
#ifndef CUNJING_APP_IDEM_H
#define CUNJING_APP_IDEM_H
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/rand.h"

struct tx;

#define CLIENT_REF_MAX 64

/* Whether ref is 1-64 printable ASCII characters (no spaces). */
bool idem_ref_ok(const char *ref);
/* *found and id_out (the object created first) when the key exists. */
enum err idem_get(struct tx *tx, const char *user_id, const char *kind, const char *ref,
                  bool *found, char id_out[RAND_ID_LEN + 1]);
enum err idem_put(struct tx *tx, const char *user_id, const char *kind, const char *ref,
                  const char *object_id);

#endif
