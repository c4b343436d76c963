/*
 * Unit tests of the pure part of attachments (attach_sanitize, attach_sniff):
 * what is accepted by content, the size and pixel limits, that re-encoded
 * images carry no metadata (a JPEG with GPS EXIF comes back without it) and
 * stay upright, thumbnails, and that size/sha256 describe what is stored.
 * Every image is made here with libvips, so there are no binary fixtures; the
 * over-large images are real headers with their dimensions patched, which
 * also proves the limit is checked before any pixel is decoded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>
#include <vips/vips.h>

#include "attach/attach_int.h"
#include "core/str.h"

/* --- image makers ---------------------------------------------------------- */

enum fmt { F_JPEG, F_PNG, F_WEBP };

/* A w x h image with a gradient (so encoders have something to encode). */
static VipsImage *make_image(int w, int h, int bands)
{
    VipsImage *x = NULL, *scaled = NULL, *joined = NULL, *out = NULL;
    assert_int_equal(vips_xyz(&x, w, h, NULL), 0);
    assert_int_equal(vips_linear1(x, &scaled, 0.5, 10.0, "uchar", TRUE, NULL), 0);
    /* xyz has two bands (x, y); add more to reach the wanted count. */
    if (bands == 2) {
        joined = scaled;
        g_object_ref(joined);
    } else {
        VipsImage *extra = NULL;
        assert_int_equal(vips_extract_band(scaled, &extra, 0, "n", bands - 2, NULL), 0);
        assert_int_equal(vips_bandjoin2(scaled, extra, &joined, NULL), 0);
        g_object_unref(extra);
    }
    assert_int_equal(vips_copy(joined, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    g_object_unref(joined);
    g_object_unref(scaled);
    g_object_unref(x);
    return out;
}

static void *encode(VipsImage *img, enum fmt f, size_t *len)
{
    void *buf = NULL;
    int rc = f == F_JPEG  ? vips_jpegsave_buffer(img, &buf, len, NULL)
             : f == F_PNG ? vips_pngsave_buffer(img, &buf, len, NULL)
                          : vips_webpsave_buffer(img, &buf, len, NULL);
    assert_int_equal(rc, 0);
    return buf;
}

/* A photo as a phone takes it: EXIF with the camera, GPS position and orientation. */
static void *make_gps_jpeg(int w, int h, int orientation, size_t *len)
{
    VipsImage *img = make_image(w, h, 3);
    vips_image_set_string(img, "exif-ifd0-Make", "TestCam");
    vips_image_set_string(img, "exif-ifd3-GPSLatitudeRef", "N");
    vips_image_set_string(img, "exif-ifd3-GPSLatitude", "22/1 48/1 0/1");
    vips_image_set_string(img, "exif-ifd3-GPSLongitudeRef", "E");
    vips_image_set_string(img, "exif-ifd3-GPSLongitude", "108/1 22/1 0/1");
    vips_image_set_int(img, "orientation", orientation);
    void *buf = encode(img, F_JPEG, len);
    g_object_unref(img);
    return buf;
}

static bool has_field_prefix(VipsImage *img, const char *prefix)
{
    gchar **fields = vips_image_get_fields(img);
    bool found = false;
    for (int i = 0; fields[i]; i++)
        if (strncmp(fields[i], prefix, strlen(prefix)) == 0)
            found = true;
    g_strfreev(fields);
    return found;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return c ^ 0xffffffffu;
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* Appends a PNG chunk (length, type, data, CRC) at *w. */
static void png_chunk(unsigned char *out, size_t *w, const char *type, const unsigned char *data,
                      uint32_t n)
{
    put_be32(out + *w, n);
    memcpy(out + *w + 4, type, 4);
    if (n)
        memcpy(out + *w + 8, data, n);
    put_be32(out + *w + 8 + n, crc32_of(out + *w + 4, 4 + (size_t)n));
    *w += 12 + n;
}

/* A valid PNG header claiming w x h pixels, with a token IDAT (never decoded). */
static size_t make_huge_png(unsigned char *out, uint32_t w, uint32_t h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    size_t n = 0;
    memcpy(out, sig, 8);
    n = 8;
    unsigned char ihdr[13] = {0};
    put_be32(ihdr, w);
    put_be32(ihdr + 4, h);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* RGB */
    png_chunk(out, &n, "IHDR", ihdr, 13);
    static const unsigned char idat[] = {0x78, 0x9c, 0x63, 0x60, 0x00,
                                         0x00, 0x00, 0x04, 0x00, 0x01};
    png_chunk(out, &n, "IDAT", idat, sizeof idat);
    png_chunk(out, &n, "IEND", NULL, 0);
    return n;
}

static const char pdf_doc[] = "%PDF-1.4\n"
                              "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                              "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                              "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> "
                              "endobj\n"
                              "trailer << /Root 1 0 R >>\n%%EOF\n";

/* --- tests ----------------------------------------------------------------- */

static void expect_type(const void *data, size_t n, const char *want)
{
    const char *ct = NULL;
    struct errinfo ei = {0};
    assert_int_equal(attach_sniff(data, n, &ct, &ei), ERR_OK);
    assert_string_equal(ct, want);
}

static void expect_refused(const void *data, size_t n)
{
    const char *ct = NULL;
    struct errinfo ei = {0};
    assert_int_equal(attach_sniff(data, n, &ct, &ei), ERR_UNSUPPORTED_MEDIA_TYPE);
    assert_string_equal(ei.field, "file");
    struct attach_processed p;
    memset(&ei, 0, sizeof ei);
    assert_int_equal(attach_sanitize(data, n, &p, &ei), ERR_UNSUPPORTED_MEDIA_TYPE);
    assert_null(p.data);
}

static void test_sniff_accepts_allowed(void **state)
{
    (void)state;
    VipsImage *img = make_image(40, 30, 3);
    size_t len;
    void *b = encode(img, F_JPEG, &len);
    expect_type(b, len, "image/jpeg");
    g_free(b);
    b = encode(img, F_PNG, &len);
    expect_type(b, len, "image/png");
    g_free(b);
    b = encode(img, F_WEBP, &len);
    expect_type(b, len, "image/webp");
    g_free(b);
    g_object_unref(img);
    expect_type(pdf_doc, sizeof pdf_doc - 1, "application/pdf");
}

static void test_sniff_refuses_others(void **state)
{
    (void)state;
    static const char html[] = "<!DOCTYPE html>\n<html><head><title>x</title></head>"
                               "<body><script>alert(1)</script></body></html>\n";
    expect_refused(html, sizeof html - 1);
    static const char text[] = "just some plain text, named photo.jpg by its sender\n";
    expect_refused(text, sizeof text - 1);
    expect_refused("", 0);
    /* A real executable: this test program itself (what "evil.jpg" would hold). */
    FILE *f = fopen("/proc/self/exe", "rb");
    assert_non_null(f);
    static unsigned char elf[65536];
    size_t n = fread(elf, 1, sizeof elf, f);
    fclose(f);
    assert_true(n > 4 && memcmp(elf,
                                "\x7f"
                                "ELF",
                                4) == 0);
    expect_refused(elf, n);
    /* An SVG is an image to a browser, and script to an attacker. */
    static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)"
                              "</script></svg>\n";
    expect_refused(svg, sizeof svg - 1);
}

static void test_jpeg_loses_gps_and_stays_upright(void **state)
{
    (void)state;
    size_t len;
    /* 64 wide, 48 high, orientation 6: the camera was turned, upright it is 48 x 64. */
    void *in = make_gps_jpeg(64, 48, 6, &len);
    VipsImage *check = NULL;
    assert_int_equal(vips_jpegload_buffer(in, len, &check, NULL), 0);
    assert_true(has_field_prefix(check, "exif-ifd3-GPS")); /* the fixture really has GPS */
    g_object_unref(check);

    struct attach_processed p;
    struct errinfo ei = {0};
    assert_int_equal(attach_sanitize(in, len, &p, &ei), ERR_OK);
    g_free(in);
    assert_string_equal(p.content_type, "image/jpeg");
    assert_int_equal(p.width, 48);
    assert_int_equal(p.height, 64);

    VipsImage *out = NULL;
    assert_int_equal(vips_jpegload_buffer(p.data, p.len, &out, NULL), 0);
    assert_int_equal(vips_image_get_width(out), 48);
    assert_int_equal(vips_image_get_height(out), 64);
    assert_false(has_field_prefix(out, "exif-"));
    assert_false(has_field_prefix(out, "xmp-data"));
    assert_false(has_field_prefix(out, "iptc-data"));
    assert_false(has_field_prefix(out, "icc-profile-data"));
    assert_int_equal(vips_image_get_orientation(out), 1);
    g_object_unref(out);
    /* No trace of the EXIF block in the bytes either. */
    assert_null(memmem(p.data, p.len, "Exif", 4));
    assert_null(memmem(p.data, p.len, "TestCam", 7));
    attach_processed_release(&p);
}

static void test_png_and_webp_reencoded_in_their_format(void **state)
{
    (void)state;
    VipsImage *img = make_image(120, 80, 4); /* with alpha */
    vips_image_set_string(img, "exif-ifd0-Make", "TestCam");
    for (int f = F_PNG; f <= F_WEBP; f++) {
        size_t len;
        void *in = encode(img, (enum fmt)f, &len);
        struct attach_processed p;
        struct errinfo ei = {0};
        assert_int_equal(attach_sanitize(in, len, &p, &ei), ERR_OK);
        g_free(in);
        assert_string_equal(p.content_type, f == F_PNG ? "image/png" : "image/webp");
        assert_int_equal(p.width, 120);
        assert_int_equal(p.height, 80);
        VipsImage *out = vips_image_new_from_buffer(p.data, p.len, "", NULL);
        assert_non_null(out);
        assert_false(has_field_prefix(out, "exif-"));
        assert_null(memmem(p.data, p.len, "TestCam", 7));
        assert_null(memmem(p.data, p.len, "Exif", 4));
        g_object_unref(out);
        /* The thumbnail of a transparent image is a plain 3-band JPEG. */
        VipsImage *t = NULL;
        assert_non_null(p.thumb);
        assert_int_equal(vips_jpegload_buffer(p.thumb, p.thumb_len, &t, NULL), 0);
        assert_int_equal(vips_image_get_bands(t), 3);
        g_object_unref(t);
        attach_processed_release(&p);
    }
    g_object_unref(img);
}

static void test_thumbnail_sizes(void **state)
{
    (void)state;
    /* Large: fits in ATTACH_THUMB_SIZE, aspect kept. */
    VipsImage *img = make_image(1000, 500, 3);
    size_t len;
    void *in = encode(img, F_JPEG, &len);
    g_object_unref(img);
    struct attach_processed p;
    struct errinfo ei = {0};
    assert_int_equal(attach_sanitize(in, len, &p, &ei), ERR_OK);
    g_free(in);
    VipsImage *t = NULL;
    assert_int_equal(vips_jpegload_buffer(p.thumb, p.thumb_len, &t, NULL), 0);
    assert_int_equal(vips_image_get_width(t), ATTACH_THUMB_SIZE);
    assert_int_equal(vips_image_get_height(t), ATTACH_THUMB_SIZE / 2);
    assert_false(has_field_prefix(t, "exif-"));
    g_object_unref(t);
    attach_processed_release(&p);

    /* Small: never enlarged. */
    img = make_image(64, 48, 3);
    in = encode(img, F_PNG, &len);
    g_object_unref(img);
    assert_int_equal(attach_sanitize(in, len, &p, &ei), ERR_OK);
    g_free(in);
    assert_int_equal(vips_jpegload_buffer(p.thumb, p.thumb_len, &t, NULL), 0);
    assert_int_equal(vips_image_get_width(t), 64);
    assert_int_equal(vips_image_get_height(t), 48);
    g_object_unref(t);
    attach_processed_release(&p);
}

static void test_size_and_sha256_describe_stored(void **state)
{
    (void)state;
    size_t len;
    void *in = make_gps_jpeg(200, 100, 1, &len);
    struct attach_processed p;
    struct errinfo ei = {0};
    assert_int_equal(attach_sanitize(in, len, &p, &ei), ERR_OK);
    g_free(in);
    unsigned char d[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(d, p.data, p.len);
    str_hex(d, sizeof d, hex);
    assert_string_equal(p.sha256, hex);
    assert_true(p.len > 0);
    attach_processed_release(&p);
    assert_null(p.data);
}

static void test_pdf_stored_as_sent(void **state)
{
    (void)state;
    struct attach_processed p;
    struct errinfo ei = {0};
    size_t n = sizeof pdf_doc - 1;
    assert_int_equal(attach_sanitize(pdf_doc, n, &p, &ei), ERR_OK);
    assert_string_equal(p.content_type, "application/pdf");
    assert_int_equal(p.len, n);
    assert_memory_equal(p.data, pdf_doc, n);
    assert_null(p.thumb);
    assert_int_equal(p.width, 0);
    unsigned char d[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256(d, (const unsigned char *)pdf_doc, n);
    str_hex(d, sizeof d, hex);
    assert_string_equal(p.sha256, hex);
    attach_processed_release(&p);
}

static void test_too_large(void **state)
{
    (void)state;
    size_t n = ATTACH_MAX_BYTES + 1;
    unsigned char *big = calloc(1, n);
    assert_non_null(big);
    memcpy(big, pdf_doc, sizeof pdf_doc - 1);
    struct attach_processed p;
    struct errinfo ei = {0};
    assert_int_equal(attach_sanitize(big, n, &p, &ei), ERR_TOO_LARGE);
    assert_null(p.data);
    /* Exactly the limit is fine. */
    assert_int_equal(attach_sanitize(big, ATTACH_MAX_BYTES, &p, &ei), ERR_OK);
    assert_int_equal(p.len, ATTACH_MAX_BYTES);
    attach_processed_release(&p);
    free(big);
}

static void test_pixel_limit_png_header(void **state)
{
    (void)state;
    unsigned char png[128];
    size_t n = make_huge_png(png, 10000, 10000); /* 100 MP in a hundred bytes */
    struct attach_processed p;
    struct errinfo ei = {0};
    assert_int_equal(attach_sanitize(png, n, &p, &ei), ERR_IMAGE_TOO_LARGE);
    assert_string_equal(ei.field, "file");
    assert_null(p.data);
}

static void test_pixel_limit_jpeg_header(void **state)
{
    (void)state;
    VipsImage *img = make_image(16, 16, 3);
    size_t len;
    unsigned char *jpg = encode(img, F_JPEG, &len);
    g_object_unref(img);
    /* Patch the frame header (SOF0/SOF2: FF C0|C2 len(2) precision(1) height(2) width(2)). */
    bool patched = false;
    for (size_t i = 0; i + 9 < len && !patched; i++)
        if (jpg[i] == 0xff && (jpg[i + 1] == 0xc0 || jpg[i + 1] == 0xc2)) {
            jpg[i + 5] = 0xea; /* 60000 */
            jpg[i + 6] = 0x60;
            jpg[i + 7] = 0xea;
            jpg[i + 8] = 0x60;
            patched = true;
        }
    assert_true(patched);
    struct attach_processed p;
    struct errinfo ei = {0};
    assert_int_equal(attach_sanitize(jpg, len, &p, &ei), ERR_IMAGE_TOO_LARGE);
    assert_string_equal(ei.field, "file");
    g_free(jpg);

    /* Just under the limit passes the check (not decoded here: header only). */
    assert_true((int64_t)7000 * 7000 < ATTACH_MAX_PIXELS);
    assert_true((int64_t)7100 * 7100 > ATTACH_MAX_PIXELS);
}

static void test_damaged_image_refused(void **state)
{
    (void)state;
    /* JPEG magic, then nothing a decoder can use. */
    unsigned char junk[512];
    memset(junk, 0x41, sizeof junk);
    junk[0] = 0xff;
    junk[1] = 0xd8;
    junk[2] = 0xff;
    junk[3] = 0xe0;
    struct attach_processed p;
    struct errinfo ei = {0};
    enum err e = attach_sanitize(junk, sizeof junk, &p, &ei);
    assert_int_equal(e, ERR_UNSUPPORTED_MEDIA_TYPE);
    assert_null(p.data);
}

static void test_ext(void **state)
{
    (void)state;
    assert_string_equal(attach_ext("image/jpeg"), "jpg");
    assert_string_equal(attach_ext("image/png"), "png");
    assert_string_equal(attach_ext("image/webp"), "webp");
    assert_string_equal(attach_ext("application/pdf"), "pdf");
    assert_string_equal(attach_ext("text/html"), "bin");
}

static int setup(void **state)
{
    (void)state;
    return attach_init() ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    vips_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_accepts_allowed),
        cmocka_unit_test(test_sniff_refuses_others),
        cmocka_unit_test(test_jpeg_loses_gps_and_stays_upright),
        cmocka_unit_test(test_png_and_webp_reencoded_in_their_format),
        cmocka_unit_test(test_thumbnail_sizes),
        cmocka_unit_test(test_size_and_sha256_describe_stored),
        cmocka_unit_test(test_pdf_stored_as_sent),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_pixel_limit_png_header),
        cmocka_unit_test(test_pixel_limit_jpeg_header),
        cmocka_unit_test(test_damaged_image_refused),
        cmocka_unit_test(test_ext),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
