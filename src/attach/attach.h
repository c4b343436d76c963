/*
 * Attachments: photos and scans of documents, kept in the database (table
 * attachments) so that every server instance and every backup has them.
 * Reused by every module that takes attachments (household applications,
 * disputes, bulletins, leads): the owning module describes its records with
 * a struct attach_owner whose check() decides scope, role, state and kind.
 *
 * Uploads are accepted only as JPEG, PNG, WebP or PDF, decided from the
 * content (libmagic), at most ATTACH_MAX_BYTES; images are checked against
 * a pixel limit before they are decoded, re-encoded without metadata (EXIF,
 * GPS) and given a thumbnail (libvips). What is stored - and what size and
 * sha256 describe - is the re-encoded file. Every read is audited.
 */
#ifndef CUNJING_ATTACH_ATTACH_H
#define CUNJING_ATTACH_ATTACH_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"

struct tx;

#define ATTACH_MAX_BYTES (10 * 1024 * 1024)
#define ATTACH_MAX_PIXELS (50 * 1000 * 1000)
#define ATTACH_THUMB_SIZE 320

struct attach_owner {
    const char *type; /* "household", "dispute", ... (stored as owner_type) */
    const char *id;   /* the owning record */
    /*
     * Called inside the transaction that reads or writes the attachment:
     * ERR_NOT_FOUND when the owner does not exist or is out of ctx's scope,
     * ERR_FORBIDDEN when the role may not, ERR_STATE when the owner's state
     * forbids a write, ERR_INVALID (field "kind") for a kind the owner does not
     * take. kind is NULL for reads. May set ctx->err.
     */
    enum err (*check)(struct tx *tx, struct ctx *ctx, const char *owner_id, bool write,
                      const char *kind);
};

/*
 * Validates, re-encodes and stores data as an attachment of o, with its audit
 * record, in one write transaction. client_ref (may be NULL): the same value
 * from the same user returns the first attachment (*created = false).
 * *out: {"id","kind","content_type","size","sha256"} (new reference).
 * Errors: ERR_TOO_LARGE, ERR_UNSUPPORTED_MEDIA_TYPE, ERR_IMAGE_TOO_LARGE, and
 * those of o->check.
 * o->check runs twice: in a read transaction before the file is examined (so
 * scope, role and state answer before 413/415/422), and again in the write
 * transaction that inserts. kind NULL is passed to it as "" (check refuses
 * it). ERR_INVALID field "client_ref" for a client_ref not 1-64 characters,
 * field "file" when data is NULL. Needs ctx->who (the uploader).
 */
enum err attach_create(struct ctx *ctx, const struct attach_owner *o, const char *kind,
                       const void *data, size_t n, const char *client_ref, json_t **out,
                       bool *created);

struct attach_blob {
    void *data; /* owned, free() */
    size_t len;
    char content_type[64];
    char filename[96]; /* a safe name for Content-Disposition: kind-id.ext */
};

/* Reads attachment aid of o (thumb: its thumbnail) after o->check; audited. */
enum err attach_read(struct ctx *ctx, const struct attach_owner *o, const char *aid, bool thumb,
                     struct attach_blob *out);
void attach_blob_release(struct attach_blob *b);

/*
 * The attachments of an owner as JSON items (no data), inside tx, oldest
 * first: {"id","kind","content_type","size","sha256","created_at","thumb"}.
 */
enum err attach_list(struct tx *tx, const char *owner_type, const char *owner_id, json_t *items);
/* Adds to kinds (a JSON object used as a set) the kinds the owner has, inside tx. */
enum err attach_kinds(struct tx *tx, const char *owner_type, const char *owner_id, json_t *kinds);

/* Initialises libvips/libmagic once per process (serve calls it at start). */
bool attach_init(void);

#endif
