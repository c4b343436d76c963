/*
 * Attachments: the rules of an upload and of a read. An upload is judged by
 * its content, never by its name or declared type: libmagic must call it
 * JPEG, PNG, WebP or PDF; an image's size in pixels is read from its header
 * before anything is decoded (a 100-byte PNG can claim 4 gigapixels); then
 * libvips turns it upright, re-encodes it in its own format with every
 * metadata block dropped (a phone photo carries the GPS position of the
 * villager's home) and makes a JPEG thumbnail. PDFs are stored as sent. All
 * of that happens before any transaction, so the database lock is never
 * held while images are decoded; the transaction then re-checks the owner,
 * applies client_ref idempotency, inserts and audits.
 *
 * THREAD SAFETY: libvips is thread-safe once VIPS_INIT has run (attach_init,
 * once per process through pthread_once). The server has its own thread
 * pool, so libvips runs single-threaded per call (vips_concurrency_set(1))
 * and its operation cache is off: we never repeat an operation on the same
 * input, and a cached buffer loader would keep a pointer to memory that the
 * request has freed. A magic_t is not thread-safe, so each thread opens its
 * own on first use (pthread key magic_key, closed when the thread exits).
 */
#include "attach/attach.h"

#include <magic.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <vips/vips.h>

#include "attach/attach_int.h"
#include "audit/audit.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/str.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define JPEG_QUALITY 85
#define THUMB_QUALITY 80
#define CLIENT_REF_MAX 64

/* Process-wide state owned by this file, written once in init_once(). */
static pthread_once_t init_once_ctl = PTHREAD_ONCE_INIT;
static bool init_ok;
static pthread_key_t magic_key;

static const char *const allowed_types[] = {"image/jpeg", "image/png", "image/webp",
                                            "application/pdf"};

static void magic_destroy(void *m)
{
    magic_close(m);
}

static void init_once(void)
{
    if (VIPS_INIT("cunjing") != 0) {
        log_error("attach: libvips failed to start: %s", vips_error_buffer());
        vips_error_clear();
        return;
    }
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    /* Only our own loaders run; nothing that shells out or parses scripts. */
    vips_block_untrusted_set(TRUE);
    if (pthread_key_create(&magic_key, magic_destroy) != 0) {
        log_error("attach: pthread_key_create failed");
        return;
    }
    init_ok = true;
}

bool attach_init(void)
{
    pthread_once(&init_once_ctl, init_once);
    return init_ok;
}

/* This thread's libmagic handle, opened on first use; NULL on failure (logged). */
static magic_t thread_magic(void)
{
    magic_t m = pthread_getspecific(magic_key);
    if (m)
        return m;
    /* MAGIC_NO_CHECK_COMPRESS: never decompress an upload to look inside it. */
    m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
    if (!m) {
        log_error("attach: magic_open failed");
        return NULL;
    }
    if (magic_load(m, NULL) != 0) {
        log_error("attach: magic_load failed: %s", magic_error(m));
        magic_close(m);
        return NULL;
    }
    if (pthread_setspecific(magic_key, m) != 0) {
        magic_close(m);
        return NULL;
    }
    return m;
}

const char *attach_ext(const char *content_type)
{
    if (strcmp(content_type, "image/jpeg") == 0)
        return "jpg";
    if (strcmp(content_type, "image/png") == 0)
        return "png";
    if (strcmp(content_type, "image/webp") == 0)
        return "webp";
    if (strcmp(content_type, "application/pdf") == 0)
        return "pdf";
    return "bin";
}

enum err attach_sniff(const void *in, size_t n, const char **content_type, struct errinfo *ei)
{
    if (!attach_init())
        return err_set(ei, ERR_INTERNAL, NULL, "attachments are unavailable");
    magic_t m = thread_magic();
    if (!m)
        return err_set(ei, ERR_INTERNAL, NULL, "attachments are unavailable");
    const char *mime = n ? magic_buffer(m, in, n) : NULL;
    if (mime)
        for (size_t i = 0; i < sizeof allowed_types / sizeof allowed_types[0]; i++)
            if (strcmp(mime, allowed_types[i]) == 0) {
                *content_type = allowed_types[i];
                return ERR_OK;
            }
    return err_set(ei, ERR_UNSUPPORTED_MEDIA_TYPE, "file",
                   "only JPEG, PNG, WebP and PDF files are accepted");
}

/* Logs and clears libvips' error buffer. */
static void log_vips_error(const char *what)
{
    log_warn("attach: %s: %s", what, vips_error_buffer());
    vips_error_clear();
}

/* Opens in with the loader of its sniffed type; only the header is read here. */
static int load(const void *in, size_t n, const char *ct, VipsAccess access, VipsImage **out)
{
    void *buf = (void *)in; /* libvips takes a non-const pointer but only reads */
    if (strcmp(ct, "image/jpeg") == 0)
        return vips_jpegload_buffer(buf, n, out, "access", access, NULL);
    if (strcmp(ct, "image/png") == 0)
        return vips_pngload_buffer(buf, n, out, "access", access, NULL);
    return vips_webpload_buffer(buf, n, out, "access", access, NULL);
}

/*
 * A copy of img without any metadata item (EXIF and its parsed exif-ifd*
 * fields, XMP, IPTC, ICC, comments, orientation...): only the header proper
 * (size, bands, format, resolution) is left. The savers' strip option alone
 * is not enough in libvips 8.14: the savers rebuild EXIF from exif-ifd*
 * fields, and webpsave writes an EXIF chunk whatever strip says (see
 * webp_drop_metadata; both caught by tests/unit/attach/attach_test.c).
 */
static int without_metadata(VipsImage *img, VipsImage **out)
{
    if (vips_copy(img, out, NULL) != 0)
        return -1;
    gchar **fields = vips_image_get_fields(*out);
    for (int i = 0; fields[i]; i++)
        (void)vips_image_remove(*out, fields[i]); /* header fields are not removable: FALSE */
    g_strfreev(fields);
    return 0;
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/*
 * Removes the EXIF, XMP and ICCP chunks of a WebP we just encoded, in place,
 * and clears their VP8X flags. libvips 8.14's webpsave writes an EXIF chunk
 * of its own (resolution, orientation, size) even with strip=TRUE and no
 * metadata on the image; this leaves only the picture. Returns the new
 * length; a file it does not understand is left as it is.
 */
static size_t webp_drop_metadata(unsigned char *p, size_t n)
{
    if (n < 12 || memcmp(p, "RIFF", 4) != 0 || memcmp(p + 8, "WEBP", 4) != 0)
        return n;
    size_t r = 12, w = 12;
    while (r + 8 <= n) {
        size_t body = le32(p + r + 4);
        size_t total = 8 + body + (body & 1);
        if (total > n - r)
            return n; /* truncated: not ours to fix */
        bool drop = memcmp(p + r, "EXIF", 4) == 0 || memcmp(p + r, "XMP ", 4) == 0 ||
                    memcmp(p + r, "ICCP", 4) == 0;
        if (!drop) {
            if (memcmp(p + r, "VP8X", 4) == 0 && body >= 1)
                p[r + 8] &= (unsigned char)~(0x20 | 0x08 | 0x04); /* ICC, EXIF, XMP */
            memmove(p + w, p + r, total);
            w += total;
        }
        r += total;
    }
    put_le32(p + 4, (uint32_t)(w - 8));
    return w;
}

/*
 * Saves img in format ct without metadata. libvips 8.14 names the option
 * "strip" (8.15 replaced it by "keep"); set as well as without_metadata().
 */
static int save(VipsImage *img, const char *ct, void **buf, size_t *len)
{
    if (strcmp(ct, "image/jpeg") == 0)
        return vips_jpegsave_buffer(img, buf, len, "strip", TRUE, "Q", JPEG_QUALITY,
                                    "optimize_coding", TRUE, NULL);
    if (strcmp(ct, "image/png") == 0)
        return vips_pngsave_buffer(img, buf, len, "strip", TRUE, NULL);
    if (vips_webpsave_buffer(img, buf, len, "strip", TRUE, "Q", JPEG_QUALITY, NULL) != 0)
        return -1;
    *len = webp_drop_metadata(*buf, *len);
    return 0;
}

/*
 * The thumbnail, made from the stored (clean, upright) image: at most
 * ATTACH_THUMB_SIZE a side, never enlarged, transparency flattened on white
 * (JPEG has none, and black would hide black text on a transparent scan).
 */
static enum err make_thumb(struct attach_processed *p)
{
    VipsImage *t = NULL, *rgb = NULL, *flat = NULL;
    enum err e = ERR_INTERNAL;
    if (vips_thumbnail_buffer(p->data, p->len, &t, ATTACH_THUMB_SIZE, "height", ATTACH_THUMB_SIZE,
                              "size", VIPS_SIZE_DOWN, NULL) != 0) {
        log_vips_error("thumbnail");
        goto out;
    }
    /* 8-bit sRGB (16-bit PNGs, grey, CMYK all become that), so white is 255. */
    if (vips_colourspace(t, &rgb, VIPS_INTERPRETATION_sRGB, NULL) != 0) {
        log_vips_error("thumbnail colourspace");
        goto out;
    }
    if (vips_image_hasalpha(rgb)) {
        VipsArrayDouble *bg = vips_array_double_newv(3, 255.0, 255.0, 255.0);
        int rc = vips_flatten(rgb, &flat, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (rc != 0) {
            log_vips_error("thumbnail flatten");
            goto out;
        }
    }
    if (vips_jpegsave_buffer(flat ? flat : rgb, &p->thumb, &p->thumb_len, "strip", TRUE, "Q",
                             THUMB_QUALITY, NULL) != 0) {
        log_vips_error("thumbnail save");
        goto out;
    }
    e = ERR_OK;
out:
    if (flat)
        g_object_unref(flat);
    if (rgb)
        g_object_unref(rgb);
    if (t)
        g_object_unref(t);
    return e;
}

static enum err sanitize_image(const void *in, size_t n, struct attach_processed *p,
                               struct errinfo *ei)
{
    VipsImage *img = NULL, *up = NULL, *clean = NULL;
    enum err e = ERR_UNSUPPORTED_MEDIA_TYPE;
    if (load(in, n, p->content_type, VIPS_ACCESS_SEQUENTIAL, &img) != 0) {
        log_vips_error("load");
        err_set(ei, e, "file", "the image could not be read");
        goto out;
    }
    int64_t w = vips_image_get_width(img), h = vips_image_get_height(img);
    if (w * h > ATTACH_MAX_PIXELS) {
        e = err_set(ei, ERR_IMAGE_TOO_LARGE, "file", "the image has more than %d megapixels",
                    ATTACH_MAX_PIXELS / 1000000);
        goto out;
    }
    if (vips_image_get_orientation(img) > 1) {
        /* Rotating reads out of order: reopen with random access (bounded by the pixel limit). */
        g_object_unref(img);
        img = NULL;
        if (load(in, n, p->content_type, VIPS_ACCESS_RANDOM, &img) != 0) {
            log_vips_error("load");
            err_set(ei, e, "file", "the image could not be read");
            goto out;
        }
        if (vips_autorot(img, &up, NULL) != 0) {
            log_vips_error("autorot");
            err_set(ei, e, "file", "the image could not be read");
            goto out;
        }
    }
    if (without_metadata(up ? up : img, &clean) != 0) {
        log_vips_error("copy");
        e = err_set(ei, ERR_INTERNAL, NULL, "the image could not be processed");
        goto out;
    }
    p->width = vips_image_get_width(clean);
    p->height = vips_image_get_height(clean);
    if (save(clean, p->content_type, &p->data, &p->len) != 0) {
        /* Pixels are decoded here: a damaged file fails now, not at load. */
        log_vips_error("re-encode");
        err_set(ei, e, "file", "the image could not be decoded");
        goto out;
    }
    e = make_thumb(p);
    if (e != ERR_OK)
        err_set(ei, e, NULL, "the thumbnail could not be made");
out:
    if (clean)
        g_object_unref(clean);
    if (up)
        g_object_unref(up);
    if (img)
        g_object_unref(img);
    return e;
}

enum err attach_sanitize(const void *in, size_t n, struct attach_processed *out, struct errinfo *ei)
{
    memset(out, 0, sizeof *out);
    if (n > ATTACH_MAX_BYTES)
        return err_set(ei, ERR_TOO_LARGE, "file", "the file is larger than %d MiB",
                       ATTACH_MAX_BYTES / (1024 * 1024));
    const char *ct = NULL;
    enum err e = attach_sniff(in, n, &ct, ei);
    if (e != ERR_OK)
        return e;
    struct attach_processed p = {0};
    snprintf(p.content_type, sizeof p.content_type, "%s", ct);
    if (strcmp(ct, "application/pdf") == 0) {
        p.data = g_malloc(n);
        memcpy(p.data, in, n);
        p.len = n;
    } else {
        e = sanitize_image(in, n, &p, ei);
        if (e != ERR_OK) {
            attach_processed_release(&p);
            return e;
        }
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, p.data, p.len);
    str_hex(digest, sizeof digest, p.sha256);
    *out = p;
    return ERR_OK;
}

void attach_processed_release(struct attach_processed *p)
{
    if (!p)
        return;
    g_free(p->data); /* libvips' buffers are g_malloc'd; PDFs copied the same way */
    g_free(p->thumb);
    memset(p, 0, sizeof *p);
}

/* --- create --------------------------------------------------------------- */

struct create_args {
    struct ctx *ctx;
    const struct attach_owner *o;
    const char *kind;
    const char *client_ref;           /* NULL: no idempotency */
    char idem_kind[96];               /* "attachment:<owner_type>" */
    const struct attach_processed *p; /* NULL in the first, read-only pass */
    json_t *out;                      /* the answer */
    bool created;
};

/* The first attachment recorded under client_ref, if any, into a->out. */
static enum err replay(struct tx *tx, struct create_args *a, bool *found)
{
    char id[RAND_ID_LEN + 1];
    *found = false;
    enum err e = attach_repo_idem_get(tx, a->ctx->who->user_id, a->idem_kind, a->client_ref, id);
    if (e == ERR_NOT_FOUND)
        return ERR_OK;
    if (e != ERR_OK)
        return e;
    e = attach_repo_meta(tx, id, &a->out);
    *found = e == ERR_OK;
    return e;
}

/* First pass, before the heavy work: scope, role, state and kind; a replay. */
static enum err create_check_fn(struct tx *tx, void *arg)
{
    struct create_args *a = arg;
    json_decref(a->out);
    a->out = NULL;
    enum err e = a->o->check(tx, a->ctx, a->o->id, true, a->kind);
    if (e != ERR_OK || !a->client_ref)
        return e;
    bool found;
    return replay(tx, a, &found);
}

/* Second pass, in the write transaction: check again, record, insert, audit. */
static enum err create_fn(struct tx *tx, void *arg)
{
    struct create_args *a = arg;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    enum err e = a->o->check(tx, a->ctx, a->o->id, true, a->kind);
    if (e != ERR_OK)
        return e;
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    int64_t now = clock_now();
    if (a->client_ref) {
        bool found, inserted;
        e = replay(tx, a, &found);
        if (e != ERR_OK || found)
            return e;
        e = attach_repo_idem_put(tx, a->ctx->who->user_id, a->idem_kind, a->client_ref, id, now,
                                 &inserted);
        if (e != ERR_OK)
            return e;
        if (!inserted) {
            /* A concurrent request with the same client_ref committed first. */
            e = replay(tx, a, &found);
            return e == ERR_OK && !found ? ERR_INTERNAL : e;
        }
    }
    struct attach_row row = {
        .id = id,
        .owner_type = a->o->type,
        .owner_id = a->o->id,
        .kind = a->kind,
        .created_by = a->ctx->who->user_id,
        .created_at = now,
        .p = a->p,
    };
    e = attach_repo_insert(tx, &row);
    if (e != ERR_OK)
        return e;
    char object[64];
    snprintf(object, sizeof object, "attachment/%s", id);
    e = audit_append(tx, a->ctx, "attachment.create", object, "ok");
    if (e != ERR_OK)
        return e;
    a->out = json_pack("{ss ss ss sI ss}", "id", id, "kind", a->kind, "content_type",
                       a->p->content_type, "size", (json_int_t)a->p->len, "sha256", a->p->sha256);
    if (!a->out)
        return ERR_INTERNAL;
    a->created = true;
    return ERR_OK;
}

static bool client_ref_ok(const char *s)
{
    size_t n = strlen(s);
    if (!str_utf8_valid(s, n))
        return false;
    size_t chars = str_utf8_len(s, n);
    return chars >= 1 && chars <= CLIENT_REF_MAX;
}

enum err attach_create(struct ctx *ctx, const struct attach_owner *o, const char *kind,
                       const void *data, size_t n, const char *client_ref, json_t **out,
                       bool *created)
{
    if (!attach_init())
        return err_set(&ctx->err, ERR_INTERNAL, NULL, "attachments are unavailable");
    if (!ctx->who)
        return err_set(&ctx->err, ERR_INTERNAL, NULL, "an attachment needs a user");
    struct create_args a = {
        .ctx = ctx,
        .o = o,
        .kind = kind ? kind : "", /* scope before validation: check() refuses "" */
        .client_ref = client_ref,
    };
    snprintf(a.idem_kind, sizeof a.idem_kind, "attachment:%s", o->type);
    enum err e = ERR_OK;
    if (client_ref && !client_ref_ok(client_ref)) {
        /* Checked after scope, as every validation is. */
        a.client_ref = NULL;
        e = tx_run(ctx->app->db, false, create_check_fn, &a);
        if (e == ERR_OK)
            e = err_set(&ctx->err, ERR_INVALID, "client_ref", "client_ref must be 1-64 characters");
        json_decref(a.out);
        return e;
    }
    e = tx_run(ctx->app->db, false, create_check_fn, &a);
    if (e != ERR_OK)
        return e;
    if (a.out) {
        *out = a.out;
        *created = false;
        return ERR_OK;
    }
    if (!*a.kind)
        return err_set(&ctx->err, ERR_INVALID, "kind", "kind is required");
    if (!data)
        return err_set(&ctx->err, ERR_INVALID, "file", "file is required");
    struct attach_processed p;
    e = attach_sanitize(data, n, &p, &ctx->err);
    if (e != ERR_OK)
        return e;
    a.p = &p;
    e = tx_run(ctx->app->db, true, create_fn, &a);
    attach_processed_release(&p);
    if (e != ERR_OK) {
        json_decref(a.out);
        return e;
    }
    *out = a.out;
    *created = a.created;
    return ERR_OK;
}

/* --- read ----------------------------------------------------------------- */

struct read_args {
    struct ctx *ctx;
    const struct attach_owner *o;
    const char *aid;
    bool thumb;
    struct attach_blob *out;
};

static enum err read_fn(struct tx *tx, void *arg)
{
    struct read_args *a = arg;
    attach_blob_release(a->out);
    enum err e = a->o->check(tx, a->ctx, a->o->id, false, NULL);
    if (e != ERR_OK)
        return e;
    e = attach_repo_read(tx, a->o->type, a->o->id, a->aid, a->thumb, a->out);
    if (e == ERR_NOT_FOUND)
        return err_set(&a->ctx->err, e, NULL, "no such attachment");
    if (e != ERR_OK)
        return e;
    char object[64];
    snprintf(object, sizeof object, "attachment/%.40s", a->aid);
    return audit_append(tx, a->ctx, "attachment.read", object, "ok");
}

enum err attach_read(struct ctx *ctx, const struct attach_owner *o, const char *aid, bool thumb,
                     struct attach_blob *out)
{
    memset(out, 0, sizeof *out);
    if (!attach_init())
        return err_set(&ctx->err, ERR_INTERNAL, NULL, "attachments are unavailable");
    struct read_args a = {.ctx = ctx, .o = o, .aid = aid, .thumb = thumb, .out = out};
    /* A write transaction: the audit row of the read commits with it. */
    enum err e = tx_run(ctx->app->db, true, read_fn, &a);
    if (e != ERR_OK)
        attach_blob_release(out);
    return e;
}

void attach_blob_release(struct attach_blob *b)
{
    if (!b)
        return;
    free(b->data);
    memset(b, 0, sizeof *b);
}
