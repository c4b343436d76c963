/*
 * Internals of attachments shared by attach.c, attach_repo.c and the unit
 * tests: the pure part of an upload (sniff the content, check the pixel
 * limit, re-encode without metadata, make the thumbnail), which needs no
 * database, and the repository functions, which need nothing of libvips.
 *
 * attach_sanitize() is thread-safe once attach_init() has run (libvips is
 * thread-safe after VIPS_INIT; each thread sniffs with its own magic_t).
 */
#ifndef CUNJING_ATTACH_ATTACH_INT_H
#define CUNJING_ATTACH_ATTACH_INT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attach/attach.h"
#include "core/err.h"
#include "core/rand.h"

struct tx;

/* What an upload becomes: the bytes to store and their description. */
struct attach_processed {
    char content_type[32]; /* "image/jpeg", "image/png", "image/webp" or "application/pdf" */
    void *data;            /* owned: the re-encoded image or the PDF as sent */
    size_t len;
    void *thumb; /* owned: JPEG of at most ATTACH_THUMB_SIZE px a side; NULL for PDFs */
    size_t thumb_len;
    char sha256[65]; /* lower-case hex of SHA-256(data) */
    int width;       /* pixels of the stored image (upright); 0 for PDFs */
    int height;
};

/*
 * The content type of in[0..n) as libmagic reads it, when it is one of the
 * four allowed; otherwise ERR_UNSUPPORTED_MEDIA_TYPE (field "file").
 * *content_type is a static string. Calls attach_init() if needed.
 */
enum err attach_sniff(const void *in, size_t n, const char **content_type, struct errinfo *ei);

/*
 * The whole pure pipeline: size (ERR_TOO_LARGE over ATTACH_MAX_BYTES),
 * sniffing (ERR_UNSUPPORTED_MEDIA_TYPE, also for an image libvips cannot
 * decode), the pixel limit read from the header before any decoding
 * (ERR_IMAGE_TOO_LARGE, field "file"), then for images: orientation applied,
 * re-encoded in the same format with every metadata block dropped (EXIF,
 * GPS, XMP, IPTC, ICC) and a JPEG thumbnail. PDFs are kept as sent, without
 * a thumbnail. On ERR_OK *out is filled (release it with
 * attach_processed_release); on error *out is left zeroed. ERR_INTERNAL when
 * libvips fails to encode (logged).
 */
enum err attach_sanitize(const void *in, size_t n, struct attach_processed *out,
                         struct errinfo *ei);
/* Frees what attach_sanitize() allocated and zeroes p. Accepts NULL. */
void attach_processed_release(struct attach_processed *p);

/* "jpg", "png", "webp", "pdf" or "bin" for a content type. */
const char *attach_ext(const char *content_type);

/* --- attach_repo.c: all SQL of attachments ------------------------------- */

/* A row to insert; strings borrowed. */
struct attach_row {
    const char *id;
    const char *owner_type;
    const char *owner_id;
    const char *kind;
    const char *created_by;
    int64_t created_at;
    const struct attach_processed *p;
};

enum err attach_repo_insert(struct tx *tx, const struct attach_row *row);
/*
 * {"id","kind","content_type","size","sha256"} of attachment id (any owner),
 * *out a new reference; ERR_NOT_FOUND when there is none.
 */
enum err attach_repo_meta(struct tx *tx, const char *id, json_t **out);
/*
 * The stored file (thumb: its thumbnail) of attachment id of the owner into
 * out (data owned by out; filename "kind-id.ext"). ERR_NOT_FOUND when the
 * attachment is not the owner's, or thumb is asked of one without a thumbnail.
 */
enum err attach_repo_read(struct tx *tx, const char *owner_type, const char *owner_id,
                          const char *id, bool thumb, struct attach_blob *out);
/* The object id recorded for (user, kind, client_ref) into id_out; ERR_NOT_FOUND if none. */
enum err attach_repo_idem_get(struct tx *tx, const char *user_id, const char *kind,
                              const char *client_ref, char id_out[RAND_ID_LEN + 1]);
/*
 * Records (user, kind, client_ref) -> object_id unless it exists already:
 * *inserted tells which. A concurrent transaction holding the same key
 * is waited for (PostgreSQL) rather than failing.
 */
enum err attach_repo_idem_put(struct tx *tx, const char *user_id, const char *kind,
                              const char *client_ref, const char *object_id, int64_t now,
                              bool *inserted);

#endif
