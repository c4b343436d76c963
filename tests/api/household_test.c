/*
 * Household-registration pre-acceptance (issue 4) end to end over HTTP on the
 * demo district: business types (21, materials, HB20 not pre-acceptable, the
 * admin's PUT with version), the lifecycle of a station-level type (HB01: the
 * assistant creates, uploads, submits; the clerk accepts, approves,
 * completes) and a county-level type (HB03: the reviewer approves), return
 * and resubmit, reject, 409 invalid_transition with the exact `allowed`, 403
 * for roles that may not act, 422 missing_materials, idempotent create
 * (serial and concurrent), stale versions, uploads (JPEG/PNG/PDF, 413, 415,
 * GPS EXIF stripped, thumbnails), scope (another village's assistant: 404
 * everywhere), masking of ID numbers, list filters and paging, the public
 * lookup (and its rate limit), audit records of reads, inbox items and the
 * text-message log. Images are written byte by byte here (no fixtures).
 */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession yang, a_tl, a_pm2, clerk, reviewer, chief, bureau, town, admin, auditor,
    officer;
static char village[128];    /* 良信村, yang's village */
static char village_tl[128]; /* a450109101201's village */
static char busy[T_PATH];

#define PHONE "13812345678"
#define PHONE_MASKED "138****5678"

/* --- small helpers --------------------------------------------------------- */

/* An ID number ending in X (born 1985-06-15). */
static void make_x_id(char out[19])
{
    for (int seq = 100; seq < 999; seq++) {
        char f[18];
        snprintf(f, sizeof f, "45010919850615%03d", seq);
        tmake_id(f, out);
        if (out[17] == 'X')
            return;
    }
}

static void masked_of(const char *id, char out[19])
{
    snprintf(out, 19, "%.6s********%.4s", id, id + 14);
}

static json_t *req_json(const char *method, const char *path, const char *token, const char *body,
                        long want, struct tresp *r)
{
    struct treq q = {.method = method, .path = path, .token = token, .body = body};
    thttp(&srv, &q, r);
    if (want)
        EXPECT_STATUS(r, want);
    return r->json;
}

/* POST /household-applications; the response in r (caller frees). */
static void create_app(const struct tsession *s, const char *type, const char *vid,
                       const char *name, const char *id, const char *ref, struct tresp *r)
{
    char body[1024];
    char refpart[128] = "";
    if (ref)
        snprintf(refpart, sizeof refpart, ",\"client_ref\":\"%s\"", ref);
    snprintf(body, sizeof body,
             "{\"business_type\":\"%s\",\"village_id\":\"%s\",\"applicant\":{\"name\":\"%s\","
             "\"id_number\":\"%s\",\"phone\":\"" PHONE "\"},\"details\":{\"note\":\"测试\"}%s}",
             type, vid, name, id, refpart);
    tpost(&srv, "/api/v1/household-applications", s->token, body, r);
}

/* Creates and returns the id (static rotating buffers); "" on failure. */
static const char *new_app(const struct tsession *s, const char *type, const char *name,
                           const char *id)
{
    static char ids[8][64];
    static int k;
    char *out = ids[k++ % 8];
    out[0] = '\0';
    struct tresp r;
    create_app(s, type, village, name, id, NULL, &r);
    if (EXPECT_STATUS(&r, 201) && tjs(r.json, "id"))
        snprintf(out, 64, "%s", tjs(r.json, "id"));
    tresp_free(&r);
    return out;
}

static void app_path(char *out, size_t n, const char *id, const char *suffix)
{
    snprintf(out, n, "/api/v1/household-applications/%s%s", id, suffix ? suffix : "");
}

/* POST .../{id}/{action} with body; returns the status. */
static long act(const struct tsession *s, const char *id, const char *action, const char *body,
                struct tresp *r)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/household-applications/%s/%s", id, action);
    /* complete {"note"} takes a JSON body; an empty object when no note */
    if (!body && !strcmp(action, "complete"))
        body = "{}";
    struct treq q = {.method = "POST", .path = path, .token = s->token, .body = body};
    thttp(&srv, &q, r);
    snprintf(r->what, sizeof r->what, "%s %s as %s", action, id, s->username);
    return r->status;
}

/* An action that must succeed and land in `to`. */
static bool act_ok(const struct tsession *s, const char *id, const char *action, const char *body,
                   const char *to)
{
    struct tresp r;
    act(s, id, action, body, &r);
    bool ok = EXPECT_STATUS(&r, 200);
    if (ok)
        ok = CHECKF(tjs(r.json, "status") && !strcmp(tjs(r.json, "status"), to),
                    "%s: status %s, want %s", r.what, tjs(r.json, "status"), to);
    tresp_free(&r);
    return ok;
}

/* An action answered 409 invalid_transition with exactly `allowed` (a JSON array text). */
static void act_409(const struct tsession *s, const char *id, const char *action, const char *body,
                    const char *allowed, int line)
{
    struct tresp r;
    act(s, id, action, body, &r);
    texpect_error(__FILE__, line, &r, 409, "invalid_transition", NULL);
    json_t *want = json_loads(allowed, 0, NULL);
    check_report(json_equal(tj(r.json, "error.allowed"), want), __FILE__, line,
                 "%s: allowed %s, want %s", r.what, tdump(tj(r.json, "error.allowed")), allowed);
    json_decref(want);
    tresp_free(&r);
}
#define ACT_409(s, id, action, body, allowed) act_409(s, id, action, body, allowed, __LINE__)

static void act_403(const struct tsession *s, const char *id, const char *action, const char *body,
                    int line)
{
    struct tresp r;
    act(s, id, action, body, &r);
    texpect_error(__FILE__, line, &r, 403, "forbidden", NULL);
    tresp_free(&r);
}
#define ACT_403(s, id, action, body) act_403(s, id, action, body, __LINE__)

static json_t *detail(const struct tsession *s, const char *id)
{
    char path[256];
    app_path(path, sizeof path, id, NULL);
    struct tresp r;
    tget(&srv, path, s->token, &r);
    snprintf(r.what, sizeof r.what, "GET %s as %s", id, s->username);
    json_t *out = NULL;
    if (EXPECT_STATUS(&r, 200))
        out = json_incref(r.json);
    tresp_free(&r);
    return out;
}

/* "2026-03-02T17:30:00+08:00" -> Unix seconds; 0 when it does not parse. */
static int64_t parse_iso(const char *s)
{
    if (!s)
        return 0;
    struct tm tm = {0};
    char sign;
    int oh, om;
    if (sscanf(s, "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &sign, &oh, &om) != 9)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t t = (int64_t)timegm(&tm), off = oh * 3600 + om * 60;
    return sign == '-' ? t + off : t - off;
}

/* The deadline rule of CONVENTIONS.md in Asia/Shanghai (UTC+8), no holidays. */
static int64_t expected_due(int64_t t, int n, bool working)
{
    const int64_t off = 8 * 3600, end = 17 * 3600 + 30 * 60;
    int64_t day = (t + off) / 86400;
#define WORKING(d) ((((d) + 4) % 7) != 0 && (((d) + 4) % 7) != 6)
    if (!working)
        return (day + n) * 86400 + 86399 - off;
    if (n == 0) {
        if (WORKING(day) && (t + off) % 86400 < end)
            return day * 86400 + end - off;
        n = 1;
    }
    for (int k = 0; k < n;) {
        day++;
        if (WORKING(day))
            k++;
    }
#undef WORKING
    return day * 86400 + end - off;
}

static void check_due(json_t *app, int n, bool working, int line)
{
    int64_t sub = parse_iso(tjs(app, "submitted_at")), due = parse_iso(tjs(app, "due_at"));
    check_report(sub > 0 && due == expected_due(sub, n, working), __FILE__, line,
                 "due_at %s for submitted_at %s (%d %s days): want %lld, got %lld",
                 tjs(app, "due_at"), tjs(app, "submitted_at"), n, working ? "working" : "calendar",
                 (long long)expected_due(sub, n, working), (long long)due);
}

/* --- images, written byte by byte ------------------------------------------ */

struct bytes {
    unsigned char *p;
    size_t n, cap;
};

static void put(struct bytes *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

static void put8(struct bytes *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    put(b, &c, 1);
}

static void put16(struct bytes *b, unsigned v)
{
    put8(b, v >> 8);
    put8(b, v & 0xff);
}

static void put32(struct bytes *b, uint32_t v)
{
    put16(b, v >> 16);
    put16(b, v & 0xffff);
}

/* The unique latitude seconds of the GPS EXIF: 4321/100. */
static const unsigned char gps_seconds[8] = {0, 0, 0x10, 0xe1, 0, 0, 0, 100};

/*
 * A baseline greyscale JPEG of w x h (multiples of 8) of one mid-grey: every
 * 8x8 block is a zero DC difference and an end of block, with one-symbol
 * Huffman tables (code "0"), so the entropy-coded data is all zero bits.
 * With gps, an APP1 Exif segment (big-endian TIFF) carries IFD0 Make
 * "TestCam" and a GPS IFD with GPSLatitudeRef N and GPSLatitude 22/1 48/1
 * 4321/100.
 */
static struct bytes make_jpeg(unsigned w, unsigned h, bool gps)
{
    struct bytes b = {0};
    put16(&b, 0xFFD8);
    if (gps) {
        struct bytes t = {0};
        put(&t, "MM\0\x2a", 4);
        put32(&t, 8);
        /* IFD0 at 8: Make, GPSInfo */
        put16(&t, 2);
        put16(&t, 0x010F), put16(&t, 2), put32(&t, 8), put32(&t, 38);
        put16(&t, 0x8825), put16(&t, 4), put32(&t, 1), put32(&t, 46);
        put32(&t, 0);
        put(&t, "TestCam", 8); /* at 38 */
        /* GPS IFD at 46 */
        put16(&t, 2);
        put16(&t, 0x0001), put16(&t, 2), put32(&t, 2), put(&t, "N\0\0\0", 4);
        put16(&t, 0x0002), put16(&t, 5), put32(&t, 3), put32(&t, 76);
        put32(&t, 0);
        put32(&t, 22), put32(&t, 1), put32(&t, 48), put32(&t, 1); /* at 76 */
        put(&t, gps_seconds, 8);
        put16(&b, 0xFFE1);
        put16(&b, (unsigned)(2 + 6 + t.n));
        put(&b, "Exif\0\0", 6);
        put(&b, t.p, t.n);
        free(t.p);
    }
    /* DQT: table 0, all ones */
    put16(&b, 0xFFDB), put16(&b, 67), put8(&b, 0);
    for (int i = 0; i < 64; i++)
        put8(&b, 1);
    /* SOF0: 8 bits, h x w, one component (id 1, 1x1, table 0) */
    put16(&b, 0xFFC0), put16(&b, 11), put8(&b, 8), put16(&b, h), put16(&b, w), put8(&b, 1);
    put8(&b, 1), put8(&b, 0x11), put8(&b, 0);
    /* DHT: DC 0 and AC 0, one code of length 1 for symbol 0 */
    for (unsigned cls = 0; cls < 2; cls++) {
        put16(&b, 0xFFC4), put16(&b, 2 + 1 + 16 + 1), put8(&b, cls << 4);
        put8(&b, 1);
        for (int i = 1; i < 16; i++)
            put8(&b, 0);
        put8(&b, 0);
    }
    /* SOS */
    put16(&b, 0xFFDA), put16(&b, 8), put8(&b, 1), put8(&b, 1), put8(&b, 0x00);
    put8(&b, 0), put8(&b, 63), put8(&b, 0);
    size_t blocks = (size_t)(w / 8) * (h / 8), bits = blocks * 2, nbytes = (bits + 7) / 8;
    for (size_t i = 0; i < nbytes; i++)
        put8(&b, i == nbytes - 1 && bits % 8 ? (0xFFu >> (bits % 8)) & 0x7F : 0);
    put16(&b, 0xFFD9);
    return b;
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

static void png_chunk(struct bytes *b, const char *type, const unsigned char *data, size_t n)
{
    put32(b, (uint32_t)n);
    size_t at = b->n;
    put(b, type, 4);
    if (n)
        put(b, data, n);
    put32(b, crc32_of(b->p + at, 4 + n));
}

/* A w x h RGB PNG (w*h small) with a stored (uncompressed) zlib stream. */
static struct bytes make_png(unsigned w, unsigned h)
{
    struct bytes b = {0}, raw = {0}, z = {0};
    put(&b, "\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[13] = {0};
    ihdr[0] = (unsigned char)(w >> 24), ihdr[1] = (unsigned char)(w >> 16);
    ihdr[2] = (unsigned char)(w >> 8), ihdr[3] = (unsigned char)w;
    ihdr[4] = (unsigned char)(h >> 24), ihdr[5] = (unsigned char)(h >> 16);
    ihdr[6] = (unsigned char)(h >> 8), ihdr[7] = (unsigned char)h;
    ihdr[8] = 8, ihdr[9] = 2;
    png_chunk(&b, "IHDR", ihdr, 13);
    for (unsigned y = 0; y < h; y++) {
        put8(&raw, 0);
        for (unsigned x = 0; x < w; x++)
            put8(&raw, x * 20), put8(&raw, y * 20), put8(&raw, 128);
    }
    uint32_t s1 = 1, s2 = 0;
    for (size_t i = 0; i < raw.n; i++) {
        s1 = (s1 + raw.p[i]) % 65521;
        s2 = (s2 + s1) % 65521;
    }
    put8(&z, 0x78), put8(&z, 0x01), put8(&z, 0x01);
    unsigned rn = (unsigned)raw.n;
    put8(&z, rn & 0xff), put8(&z, rn >> 8);
    put8(&z, ~rn & 0xff), put8(&z, (~rn >> 8) & 0xff);
    put(&z, raw.p, raw.n);
    put32(&z, (s2 << 16) | s1);
    png_chunk(&b, "IDAT", z.p, z.n);
    png_chunk(&b, "IEND", NULL, 0);
    free(raw.p);
    free(z.p);
    return b;
}

static const char pdf_doc[] = "%PDF-1.4\n"
                              "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                              "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
                              "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> "
                              "endobj\n"
                              "trailer << /Root 1 0 R >>\n%%EOF\n";

static bool has_bytes(const void *hay, size_t n, const void *needle, size_t m)
{
    const unsigned char *h = hay;
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(h + i, needle, m) == 0)
            return true;
    return false;
}

/* The JPEG's frame size, and whether a segment with the marker comes before SOS. */
static bool jpeg_info(const unsigned char *p, size_t n, unsigned *w, unsigned *h, unsigned marker,
                      bool *has_marker)
{
    *w = *h = 0;
    *has_marker = false;
    if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
        return false;
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF)
            return false;
        unsigned m = 0xFF00u | p[i + 1];
        size_t len = (size_t)p[i + 2] << 8 | p[i + 3];
        if (m == marker)
            *has_marker = true;
        if ((m >= 0xFFC0 && m <= 0xFFC3) && i + 9 <= n) {
            *h = (unsigned)p[i + 5] << 8 | p[i + 6];
            *w = (unsigned)p[i + 7] << 8 | p[i + 8];
        }
        if (m == 0xFFDA)
            return true;
        i += 2 + len;
    }
    return false;
}

static void sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, n);
    for (size_t i = 0; i < sizeof h; i++)
        snprintf(out + 2 * i, 3, "%02x", h[i]);
}

/* Uploads a file as kind; returns the status, the answer in r. */
static long upload(const struct tsession *s, const char *id, const char *kind, const void *data,
                   size_t len, const char *filename, const char *type, struct tresp *r)
{
    char path[256];
    app_path(path, sizeof path, id, "/attachments");
    struct tpart parts[] = {
        {.name = "kind", .value = kind},
        {.name = "file", .data = data, .len = len, .filename = filename, .type = type},
    };
    tupload(&srv, path, s->token, parts, 2, r);
    snprintf(r->what, sizeof r->what, "upload %s (%s, %zu bytes) as %s", kind, filename, len,
             s->username);
    return r->status;
}

static struct bytes small_png;

/* Uploads a small PNG for each kind (space-separated list). */
static void upload_kinds(const char *id, const char *kinds)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%s", kinds);
    for (char *save = NULL, *k = strtok_r(buf, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
        struct tresp r;
        upload(&yang, id, k, small_png.p, small_png.n, "m.png", "image/png", &r);
        EXPECT_STATUS(&r, 201);
        tresp_free(&r);
    }
}

/* GET an attachment; the body (owned) and its length; status returned. */
static long get_attachment(const struct tsession *s, const char *id, const char *aid, bool thumb,
                           struct tresp *r)
{
    char path[320];
    snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments/%s%s", id, aid,
             thumb ? "?thumb=1" : "");
    tget(&srv, path, s->token, r);
    snprintf(r->what, sizeof r->what, "GET attachment %s%s as %s", aid, thumb ? " thumb" : "",
             s->username);
    return r->status;
}

/* Lines of the server's stderr holding both strings. */
static int log_lines_with(const char *a, const char *b)
{
    char *text = tread_file(srv.err_path);
    int n = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strstr(line, a) && strstr(line, b))
            n++;
    }
    free(text);
    return n;
}

/* Waits (up to 10 s) until the text outbox has logged want messages for number. */
static int sms_count(const char *number, int want)
{
    int n = 0;
    for (int i = 0; i < 100; i++) {
        n = log_lines_with("sms to " PHONE_MASKED ": ", number);
        if (n >= want)
            break;
        tsleep_ms(100);
    }
    return n;
}

static int inbox_count(const struct tsession *s, const char *id, char *first_id, bool *first_read)
{
    long st;
    json_t *items = tget_all(&srv, "/api/v1/inbox", s->token, &st);
    CHECK_INT(st, 200);
    int n = 0;
    size_t i;
    json_t *it;
    if (first_id)
        first_id[0] = '\0';
    json_array_foreach(items, i, it)
    {
        const char *oid = tjs(it, "object.id"), *ot = tjs(it, "object.type");
        if (oid && !strcmp(oid, id)) {
            CHECK_STR(ot, "household_application");
            CHECK_STR(tjs(it, "kind"), "application_status");
            n++;
            if (first_id && !first_id[0] && tjs(it, "id")) {
                snprintf(first_id, 64, "%s", tjs(it, "id"));
                *first_read = json_is_true(tj(it, "read"));
            }
        }
    }
    json_decref(items);
    return n;
}

/* --- tests ------------------------------------------------------------------ */

static void test_types(void)
{
    struct tresp r;
    req_json("GET", "/api/v1/household-business-types", yang.token, NULL, 200, &r);
    json_t *items = tj(r.json, "items");
    CHECK_INT(json_array_size(items), 21);
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t)
    {
        CHECKF(json_array_size(tj(t, "materials")) > 0, "%s has materials", tjs(t, "code"));
        CHECKF(json_is_array(tj(t, "approval_chain")) && json_is_integer(tj(t, "promised_days")) &&
                   tjs(t, "days_unit") && tjs(t, "name"),
               "type %s shape: %s", tjs(t, "code"), tdump(t));
        json_t *m = tj(t, "materials.0");
        CHECKF(tjs(m, "kind") && tjs(m, "name") && json_is_boolean(tj(m, "required")),
               "material shape %s", tdump(m));
    }
    json_t *hb03 = tfind(items, "code", "HB03");
    CHECK(hb03 != NULL);
    CHECK_INT(json_integer_value(tj(hb03, "promised_days")), 2);
    CHECK_STR(tjs(hb03, "days_unit"), "working_days");
    json_t *chain = json_pack("[sss]", "assistant", "station_window", "county_population_brigade");
    CHECKF(json_equal(tj(hb03, "approval_chain"), chain), "HB03 chain %s",
           tdump(tj(hb03, "approval_chain")));
    json_decref(chain);
    CHECK_INT(json_array_size(tj(hb03, "materials")), 6);
    CHECK_STR(tjs(hb03, "materials.3.kind"), "m4");
    CHECK(json_is_false(tj(hb03, "materials.3.required")));
    CHECK(json_is_true(tj(hb03, "materials.4.required")));
    json_t *hb17 = tfind(items, "code", "HB17");
    CHECK_STR(tjs(hb17, "days_unit"), "calendar_days");
    CHECK_INT(json_integer_value(tj(hb17, "promised_days")), 45);
    tresp_free(&r);

    char id[19];
    tmake_id("45010919900101001", id);
    create_app(&yang, "HB20", village, "临时证", id, NULL, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "business_type");
    tresp_free(&r);
    create_app(&yang, "HB99", village, "无此类", id, NULL, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "business_type");
    tresp_free(&r);
    /* the auditor has no right on reference data */
    tget(&srv, "/api/v1/household-business-types", auditor.token, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
}

static void test_type_put(void)
{
    struct tresp r;
    req_json("GET", "/api/v1/household-business-types", admin.token, NULL, 200, &r);
    json_t *t = tfind(tj(r.json, "items"), "code", "HB16");
    long long v = json_integer_value(tj(t, "version"));
    CHECKF(v >= 1, "HB16 has a version: %s", tdump(t));
    tresp_free(&r);
    char body[128];
    snprintf(body, sizeof body, "{\"version\":%lld,\"promised_days\":3}", v);
    req_json("PUT", "/api/v1/household-business-types/HB16", admin.token, body, 200, &r);
    CHECK_INT(json_integer_value(tj(r.json, "promised_days")), 3);
    CHECK_INT(json_integer_value(tj(r.json, "version")), v + 1);
    CHECK_STR(tjs(r.json, "code"), "HB16");
    tresp_free(&r);
    req_json("GET", "/api/v1/household-business-types", clerk.token, NULL, 200, &r);
    CHECK_INT(json_integer_value(tj(tfind(tj(r.json, "items"), "code", "HB16"), "promised_days")),
              3);
    tresp_free(&r);
    /* stale */
    snprintf(body, sizeof body, "{\"version\":%lld,\"promised_days\":5}", v);
    req_json("PUT", "/api/v1/household-business-types/HB16", admin.token, body, 0, &r);
    EXPECT_ERROR(&r, 409, "version_conflict", T_ANY_FIELD);
    CHECK_STR(tjs(r.json, "error.current.code"), "HB16");
    CHECK_INT(json_integer_value(tj(r.json, "error.current.version")), v + 1);
    CHECK_INT(json_integer_value(tj(r.json, "error.current.promised_days")), 3);
    tresp_free(&r);
    /* not admin */
    snprintf(body, sizeof body, "{\"version\":%lld,\"promised_days\":0}", v + 1);
    req_json("PUT", "/api/v1/household-business-types/HB16", clerk.token, body, 0, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    req_json("PUT", "/api/v1/household-business-types/HB16", yang.token, body, 0, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    /* back to 0 */
    req_json("PUT", "/api/v1/household-business-types/HB16", admin.token, body, 200, &r);
    CHECK_INT(json_integer_value(tj(r.json, "promised_days")), 0);
    tresp_free(&r);
}

static char st_id[64], st_number[64], st_idnum[19];
static char st_aids[5][64];

static void test_station_lifecycle(void)
{
    tmake_id("45010920240101002", st_idnum);
    struct tresp r;
    create_app(&yang, "HB01", village, "黄小宝", st_idnum, NULL, &r);
    REQUIRE(EXPECT_STATUS(&r, 201));
    CHECK_STR(tjs(r.json, "status"), "draft");
    CHECK_INT(json_integer_value(tj(r.json, "version")), 1);
    snprintf(st_id, sizeof st_id, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    snprintf(st_number, sizeof st_number, "%s", tjs(r.json, "number") ? tjs(r.json, "number") : "");
    CHECK(strlen(st_number) > 0);
    tresp_free(&r);
    REQUIRE(st_id[0]);

    /* nothing uploaded: every required non-on-site material is missing */
    act(&yang, st_id, "submit", NULL, &r);
    EXPECT_ERROR(&r, 422, "missing_materials", T_ANY_FIELD);
    json_t *want = json_pack("[ssss]", "m1", "m2", "m3", "m4");
    CHECKF(json_equal(tj(r.json, "error.missing"), want), "missing %s",
           tdump(tj(r.json, "error.missing")));
    json_decref(want);
    tresp_free(&r);
    /* wrong-state and wrong-role actions on a draft */
    ACT_409(&clerk, st_id, "accept", NULL, "[]");
    ACT_403(&yang, st_id, "accept", NULL);
    ACT_403(&reviewer, st_id, "approve", NULL);

    struct bytes jpg = make_jpeg(64, 48, false);
    struct bytes png = make_png(4, 4);
    const char *kinds[4] = {"m1", "m2", "m3", "m4"};
    for (int k = 0; k < 3; k++) {
        const void *data = k == 0 ? (const void *)jpg.p : k == 1 ? (const void *)png.p : pdf_doc;
        size_t len = k == 0 ? jpg.n : k == 1 ? png.n : sizeof pdf_doc - 1;
        upload(&yang, st_id, kinds[k], data, len, k == 2 ? "a.pdf" : "a.img", NULL, &r);
        if (EXPECT_STATUS(&r, 201))
            snprintf(st_aids[k], sizeof st_aids[k], "%s",
                     tjs(r.json, "id") ? tjs(r.json, "id") : "");
        tresp_free(&r);
    }
    act(&yang, st_id, "submit", NULL, &r);
    EXPECT_ERROR(&r, 422, "missing_materials", T_ANY_FIELD);
    want = json_pack("[s]", "m4");
    CHECKF(json_equal(tj(r.json, "error.missing"), want), "missing %s",
           tdump(tj(r.json, "error.missing")));
    json_decref(want);
    tresp_free(&r);
    upload(&yang, st_id, "m4", png.p, png.n, "id.png", "image/png", &r);
    if (EXPECT_STATUS(&r, 201))
        snprintf(st_aids[3], sizeof st_aids[3], "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    tresp_free(&r);
    free(jpg.p);
    free(png.p);

    act(&yang, st_id, "submit", NULL, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "status"), "submitted");
        check_due(r.json, 0, true, __LINE__);
    }
    tresp_free(&r);
    /* PATCH after submit */
    char path[256], body[256];
    app_path(path, sizeof path, st_id, NULL);
    json_t *d = detail(&yang, st_id);
    snprintf(body, sizeof body, "{\"version\":%lld,\"details\":{\"x\":1}}",
             (long long)json_integer_value(tj(d, "version")));
    json_decref(d);
    req_json("PATCH", path, yang.token, body, 0, &r);
    EXPECT_ERROR(&r, 409, "invalid_transition", NULL);
    CHECKF(json_is_array(tj(r.json, "error.allowed")) &&
               json_array_size(tj(r.json, "error.allowed")) == 0,
           "PATCH after submit: allowed %s", tdump(tj(r.json, "error.allowed")));
    tresp_free(&r);
    ACT_409(&yang, st_id, "submit", NULL, "[]");
    ACT_409(&clerk, st_id, "approve", NULL, "[\"accept\",\"return\",\"reject\"]");
    ACT_409(&clerk, st_id, "complete", NULL, "[\"accept\",\"return\",\"reject\"]");
    ACT_403(&yang, st_id, "accept", NULL);
    ACT_403(&reviewer, st_id, "accept", NULL);
    ACT_403(&reviewer, st_id, "reject", "{\"reason\":\"x\"}");
    ACT_403(&chief, st_id, "accept", NULL);
    ACT_403(&bureau, st_id, "accept", NULL);

    CHECK(act_ok(&clerk, st_id, "accept", NULL, "accepted"));
    ACT_409(&clerk, st_id, "accept", NULL, "[\"return\",\"approve\",\"reject\"]");
    ACT_403(&reviewer, st_id, "approve", NULL);
    CHECK(act_ok(&clerk, st_id, "approve", NULL, "approved"));
    ACT_409(&clerk, st_id, "approve", NULL, "[\"complete\"]");
    ACT_409(&yang, st_id, "submit", NULL, "[]");
    CHECK(act_ok(&clerk, st_id, "complete", "{\"note\":\"户口簿已交村民\"}", "completed"));
    ACT_409(&clerk, st_id, "complete", NULL, "[]");
    ACT_409(&clerk, st_id, "return", "{\"reason\":\"x\"}", "[]");

    d = detail(&clerk, st_id);
    json_t *h = tj(d, "history");
    static const char *const steps[][4] = {{"create", "", "draft", "assistant"},
                                           {"submit", "draft", "submitted", "assistant"},
                                           {"accept", "submitted", "accepted", "clerk"},
                                           {"approve", "accepted", "approved", "clerk"},
                                           {"complete", "approved", "completed", "clerk"}};
    CHECKF(json_array_size(h) == 5, "history %s", tdump(h));
    for (size_t i = 0; i < 5 && i < json_array_size(h); i++) {
        json_t *e = json_array_get(h, i);
        CHECK_STR(tjs(e, "action"), steps[i][0]);
        if (steps[i][1][0])
            CHECK_STR(tjs(e, "from"), steps[i][1]);
        CHECK_STR(tjs(e, "to"), steps[i][2]);
        CHECK_STR(tjs(e, "role"), steps[i][3]);
        CHECKF(tjs(e, "at") && parse_iso(tjs(e, "at")) > 0, "history at %s", tdump(e));
        CHECK(tj(e, "actor") != NULL);
    }
    CHECK_STR(tjs(h, "4.note"), "户口簿已交村民");
    CHECK(json_is_false(tj(d, "overdue")));
    CHECKF(json_is_object(tj(d, "stage_seconds")), "stage times %s", tdump(tj(d, "stage_seconds")));
    CHECK_INT(json_array_size(tj(d, "attachments")), 4);
    json_decref(d);

    /* inbox: accept, approve, complete (the assistant's own submit is not sent to her) */
    char first[64] = "";
    bool first_read = true;
    CHECK_INT(inbox_count(&yang, st_id, first, &first_read), 3);
    if (first[0]) {
        CHECK(!first_read);
        char p[256];
        snprintf(p, sizeof p, "/api/v1/inbox/%s/read", first);
        req_json("POST", p, yang.token, NULL, 0, &r);
        CHECKF(r.status == 200 || r.status == 204, "mark read: %ld", r.status);
        tresp_free(&r);
        long st;
        json_t *items = tget_all(&srv, "/api/v1/inbox", yang.token, &st);
        CHECK(json_is_true(tj(tfind(items, "id", first), "read")));
        json_decref(items);
    }
    /* the clerk's inbox has none of these */
    CHECK_INT(inbox_count(&clerk, st_id, NULL, NULL), 0);
    /* text messages: submit, accept, approve, complete */
    CHECK_INT(sms_count(st_number, 4), 4);
    CHECK_INT(log_lines_with(PHONE, st_number), 0); /* never the whole number */

    /* receipt */
    app_path(path, sizeof path, st_id, "/receipt");
    tget(&srv, path, yang.token, &r);
    EXPECT_STATUS(&r, 200);
    char ct[128] = "";
    tresp_header(&r, "Content-Type", ct, sizeof ct);
    CHECKF(strncmp(ct, "text/html", 9) == 0, "receipt type %s", ct);
    CHECK(strstr(r.body, st_number) != NULL);
    CHECK(strstr(r.body, "<svg class=\"qr\"") != NULL);
    tresp_free(&r);
    /* public lookup */
    char lp[256];
    snprintf(lp, sizeof lp, "/api/v1/public/household-applications/%s?id_last4=%s", st_number,
             st_idnum + 14);
    tget(&srv, lp, NULL, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "status"), "completed");
        CHECK_STR(tjs(r.json, "number"), st_number);
        CHECK_STR(tjs(r.json, "business_type"), "HB01");
        CHECK(tjs(r.json, "updated_at") != NULL && tjs(r.json, "due_at") != NULL);
        static const char *const keys[] = {"number", "business_type", "status", "updated_at",
                                           "due_at"};
        const char *k;
        json_t *v;
        json_object_foreach(r.json, k, v)
        {
            bool known = false;
            for (size_t i = 0; i < 5; i++)
                known = known || !strcmp(k, keys[i]);
            CHECKF(known, "public lookup answers only the five fields; has '%s'", k);
        }
    }
    tresp_free(&r);
}

static void test_county_lifecycle(void)
{
    char idn[19];
    tmake_id("45010919800202003", idn);
    const char *id = new_app(&yang, "HB03", "黄分户", idn);
    REQUIRE(id[0]);
    char mine[64];
    snprintf(mine, sizeof mine, "%s", id);
    struct tresp r;
    act(&yang, mine, "submit", NULL, &r);
    EXPECT_ERROR(&r, 422, "missing_materials", T_ANY_FIELD);
    json_t *want = json_pack("[sssss]", "m1", "m2", "m3", "m5", "m6");
    CHECKF(json_equal(tj(r.json, "error.missing"), want), "HB03 missing %s",
           tdump(tj(r.json, "error.missing")));
    json_decref(want);
    tresp_free(&r);
    upload_kinds(mine, "m1 m2 m3 m5 m6");
    act(&yang, mine, "submit", NULL, &r);
    if (EXPECT_STATUS(&r, 200))
        check_due(r.json, 2, true, __LINE__);
    tresp_free(&r);
    ACT_403(&reviewer, mine, "accept", NULL);
    ACT_409(&reviewer, mine, "approve", NULL, "[\"reject\"]");
    CHECK(act_ok(&clerk, mine, "accept", NULL, "accepted"));
    ACT_403(&clerk, mine, "approve", NULL);
    ACT_403(&clerk, mine, "reject", "{\"reason\":\"x\"}");
    ACT_409(&clerk, mine, "return", "{\"reason\":\"x\"}", "[]");
    ACT_409(&clerk, mine, "complete", NULL, "[]");
    json_t *d = detail(&reviewer, mine);
    json_t *want_allowed = json_pack("[sss]", "return", "approve", "reject");
    CHECKF(json_equal(tj(d, "allowed"), want_allowed), "reviewer's allowed %s",
           tdump(tj(d, "allowed")));
    json_decref(want_allowed);
    json_decref(d);
    CHECK(act_ok(&reviewer, mine, "approve", NULL, "approved"));
    ACT_403(&reviewer, mine, "complete", NULL);
    CHECK(act_ok(&clerk, mine, "complete", NULL, "completed"));
    d = detail(&yang, mine);
    json_t *h = tj(d, "history");
    CHECK_INT(json_array_size(h), 5);
    CHECK_STR(tjs(h, "3.role"), "reviewer");
    CHECK_STR(tjs(h, "3.action"), "approve");
    CHECK_STR(tjs(d, "level"), "county");
    json_decref(d);
    CHECK_INT(inbox_count(&yang, mine, NULL, NULL), 3);
}

static void test_return_resubmit_reject(void)
{
    char idn[19];
    tmake_id("45010919800303004", idn);
    char id[64];
    snprintf(id, sizeof id, "%s", new_app(&yang, "HB03", "黄退回", idn));
    REQUIRE(id[0]);
    upload_kinds(id, "m1 m2 m3 m5 m6");
    CHECK(act_ok(&yang, id, "submit", NULL, "submitted"));
    json_t *d1 = detail(&yang, id);
    struct tresp r;
    act(&clerk, id, "return", "{}", &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "reason");
    tresp_free(&r);
    act(&clerk, id, "return", "{\"reason\":\"\"}", &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "reason");
    tresp_free(&r);
    CHECK(act_ok(&clerk, id, "return", "{\"reason\":\"户口簿照片不清晰\"}", "returned"));
    ACT_409(&clerk, id, "accept", NULL, "[]");
    json_t *d = detail(&yang, id);
    CHECK_STR(tjs(d, "last_reason"), "户口簿照片不清晰");
    CHECK_STR(tjs(d, "history.2.note"), "户口簿照片不清晰");
    CHECK_STR(tjs(d, "history.2.action"), "return");
    CHECKF(tarray_has(tj(d, "allowed"), "submit"), "allowed after return %s",
           tdump(tj(d, "allowed")));
    long long v = json_integer_value(tj(d, "version"));
    json_decref(d);
    CHECK_INT(inbox_count(&yang, id, NULL, NULL), 1);
    /* the assistant corrects and resubmits */
    char path[256], body[512];
    app_path(path, sizeof path, id, NULL);
    snprintf(body, sizeof body, "{\"version\":%lld,\"details\":{\"fixed\":true}}", v);
    req_json("PATCH", path, yang.token, body, 200, &r);
    CHECK_INT(json_integer_value(tj(r.json, "version")), v + 1);
    CHECK(json_is_true(tj(r.json, "details.fixed")));
    tresp_free(&r);
    /* stale */
    req_json("PATCH", path, yang.token, body, 0, &r);
    EXPECT_ERROR(&r, 409, "version_conflict", T_ANY_FIELD);
    CHECK_INT(json_integer_value(tj(r.json, "error.current.version")), v + 1);
    CHECK_STR(tjs(r.json, "error.current.id"), id);
    CHECK(json_is_true(tj(r.json, "error.current.details.fixed")));
    tresp_free(&r);
    tsleep_ms(1100); /* a later second, so the new submission time differs */
    CHECK(act_ok(&yang, id, "submit", NULL, "submitted"));
    d = detail(&yang, id);
    CHECKF(parse_iso(tjs(d, "submitted_at")) > parse_iso(tjs(d1, "submitted_at")),
           "resubmission time %s after %s", tjs(d, "submitted_at"), tjs(d1, "submitted_at"));
    check_due(d, 2, true, __LINE__);
    json_decref(d);
    json_decref(d1);
    CHECK_INT(sms_count("原因：户口簿照片不清晰", 1), 1);
    /* the reviewer returns an accepted county-level application, then rejects the next round */
    CHECK(act_ok(&clerk, id, "accept", NULL, "accepted"));
    CHECK(act_ok(&reviewer, id, "return", "{\"reason\":\"缺分家协议\"}", "returned"));
    CHECK(act_ok(&yang, id, "submit", NULL, "submitted"));
    act(&reviewer, id, "reject", "{}", &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "reason");
    tresp_free(&r);
    CHECK(act_ok(&reviewer, id, "reject", "{\"reason\":\"不符合分户条件\"}", "rejected"));
    d = detail(&clerk, id);
    CHECK_STR(tjs(d, "last_reason"), "不符合分户条件");
    CHECK(json_is_false(tj(d, "overdue")));
    json_decref(d);
    ACT_409(&reviewer, id, "approve", NULL, "[]");
    ACT_409(&yang, id, "submit", NULL, "[]");
    /* a station-level type: the clerk rejects */
    char idn2[19];
    tmake_id("45010919800303005", idn2);
    char id2[64];
    snprintf(id2, sizeof id2, "%s", new_app(&yang, "HB16", "黄补领", idn2));
    upload_kinds(id2, "m1 m2 m3");
    CHECK(act_ok(&yang, id2, "submit", NULL, "submitted"));
    CHECK(act_ok(&clerk, id2, "reject", "{\"reason\":\"非本辖区户口\"}", "rejected"));
    ACT_409(&clerk, id2, "accept", NULL, "[]");
    CHECK_INT(inbox_count(&yang, id2, NULL, NULL), 1);
}

struct conc {
    long status;
    char id[64];
};

static void *conc_create(void *arg)
{
    struct conc *c = arg;
    char idn[19];
    tmake_id("45010919800404006", idn);
    struct tresp r;
    create_app(&yang, "HB09", village, "黄并发", idn, "conc-ref-1", &r);
    c->status = r.status;
    snprintf(c->id, sizeof c->id, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    tresp_free(&r);
    return NULL;
}

static void test_idempotent(void)
{
    char idn[19];
    tmake_id("45010919800404007", idn);
    struct tresp r;
    create_app(&yang, "HB09", village, "黄重试", idn, "serial-ref-1", &r);
    REQUIRE(EXPECT_STATUS(&r, 201));
    char first[64];
    snprintf(first, sizeof first, "%s", tjs(r.json, "id"));
    char number[64];
    snprintf(number, sizeof number, "%s", tjs(r.json, "number"));
    tresp_free(&r);
    create_app(&yang, "HB09", village, "黄重试", idn, "serial-ref-1", &r);
    EXPECT_STATUS(&r, 200);
    CHECK_STR(tjs(r.json, "id"), first);
    CHECK_STR(tjs(r.json, "number"), number);
    tresp_free(&r);
    /* another user, the same ref: a new application */
    create_app(&a_tl, "HB09", village_tl, "黄重试", idn, "serial-ref-1", &r);
    EXPECT_STATUS(&r, 201);
    CHECKF(tjs(r.json, "id") && strcmp(tjs(r.json, "id"), first) != 0, "a new id");
    /* the same applicant with an open application of the same type: a warning */
    CHECKF(json_array_size(tj(r.json, "warnings")) >= 1, "warnings %s",
           tdump(tj(r.json, "warnings")));
    tresp_free(&r);
    /* a different ref: a new one */
    create_app(&yang, "HB09", village, "黄重试", idn, "serial-ref-2", &r);
    EXPECT_STATUS(&r, 201);
    CHECKF(tjs(r.json, "id") && strcmp(tjs(r.json, "id"), first) != 0, "a new id");
    tresp_free(&r);

    enum { N = 8 };
    pthread_t th[N];
    struct conc c[N];
    memset(c, 0, sizeof c);
    for (int i = 0; i < N; i++)
        pthread_create(&th[i], NULL, conc_create, &c[i]);
    for (int i = 0; i < N; i++)
        pthread_join(th[i], NULL);
    int created = 0;
    for (int i = 0; i < N; i++) {
        CHECKF(c[i].status == 200 || c[i].status == 201, "concurrent create %d: %ld", i,
               c[i].status);
        created += c[i].status == 201;
        CHECKF(!strcmp(c[i].id, c[0].id), "concurrent create %d: id %s vs %s", i, c[i].id, c[0].id);
    }
    CHECK_INT(created, 1);
    long st;
    json_t *items = tget_all(&srv, "/api/v1/household-applications?q=黄并发", yang.token, &st);
    CHECK_INT(json_array_size(items), 1);
    json_decref(items);
}

static char up_id[64];
static struct bytes gps_jpg;

static void test_uploads(void)
{
    char idn[19];
    tmake_id("45010919800505008", idn);
    snprintf(up_id, sizeof up_id, "%s", new_app(&yang, "HB02", "黄上传", idn));
    REQUIRE(up_id[0]);
    struct tresp r;
    /* JPEG (with GPS EXIF), PNG, PDF */
    gps_jpg = make_jpeg(640, 480, true);
    REQUIRE(has_bytes(gps_jpg.p, gps_jpg.n, "Exif", 4) &&
            has_bytes(gps_jpg.p, gps_jpg.n, gps_seconds, sizeof gps_seconds));
    struct bytes png = make_png(4, 4);
    struct {
        const char *kind;
        const void *data;
        size_t len;
        const char *name, *declared, *want_type;
        char aid[64];
        long long size;
        char sha[65];
    } f[3] = {
        {"m1", gps_jpg.p, gps_jpg.n, "photo.jpg", "image/jpeg", "image/jpeg", "", 0, ""},
        {"m2", png.p, png.n, "../../etc/passwd", "text/plain", "image/png", "", 0, ""},
        {"m3", pdf_doc, sizeof pdf_doc - 1, "doc.pdf", "application/pdf", "application/pdf", "", 0,
         ""},
    };
    for (int i = 0; i < 3; i++) {
        upload(&yang, up_id, f[i].kind, f[i].data, f[i].len, f[i].name, f[i].declared, &r);
        if (EXPECT_STATUS(&r, 201)) {
            snprintf(f[i].aid, sizeof f[i].aid, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
            CHECK_STR(tjs(r.json, "kind"), f[i].kind);
            CHECK_STR(tjs(r.json, "content_type"), f[i].want_type);
            f[i].size = json_integer_value(tj(r.json, "size"));
            snprintf(f[i].sha, sizeof f[i].sha, "%s",
                     tjs(r.json, "sha256") ? tjs(r.json, "sha256") : "");
        }
        tresp_free(&r);
    }
    for (int i = 0; i < 3; i++) {
        if (!f[i].aid[0])
            continue;
        get_attachment(&yang, up_id, f[i].aid, false, &r);
        if (!EXPECT_STATUS(&r, 200)) {
            tresp_free(&r);
            continue;
        }
        char sha[65];
        sha256_hex(r.body, r.body_len, sha);
        CHECKF((long long)r.body_len == f[i].size, "%s: GET %zu bytes, upload said %lld", f[i].kind,
               r.body_len, f[i].size);
        CHECK_STR(sha, f[i].sha);
        char h[256] = "";
        tresp_header(&r, "Content-Type", h, sizeof h);
        CHECKF(strncmp(h, f[i].want_type, strlen(f[i].want_type)) == 0, "%s: type %s", f[i].kind,
               h);
        h[0] = '\0';
        tresp_header(&r, "X-Content-Type-Options", h, sizeof h);
        CHECK_STR(h, "nosniff");
        h[0] = '\0';
        tresp_header(&r, "Content-Disposition", h, sizeof h);
        CHECKF(strncmp(h, "attachment", 10) == 0 && !strstr(h, "/") && !strstr(h, ".."),
               "%s: disposition %s", f[i].kind, h);
        if (i == 2)
            CHECKF(r.body_len == sizeof pdf_doc - 1 && !memcmp(r.body, pdf_doc, r.body_len),
                   "the PDF is kept as sent");
        if (i == 0) {
            unsigned w, hh;
            bool app1;
            CHECK(jpeg_info((unsigned char *)r.body, r.body_len, &w, &hh, 0xFFE1, &app1));
            CHECKF(w == 640 && hh == 480, "stored %ux%u", w, hh);
            CHECKF(!app1, "the stored JPEG has no APP1 segment");
            CHECK(!has_bytes(r.body, r.body_len, "Exif", 4));
            CHECK(!has_bytes(r.body, r.body_len, "TestCam", 7));
            CHECK(!has_bytes(r.body, r.body_len, gps_seconds, sizeof gps_seconds));
            tresp_free(&r);
            get_attachment(&yang, up_id, f[i].aid, true, &r);
            if (EXPECT_STATUS(&r, 200)) {
                CHECK(jpeg_info((unsigned char *)r.body, r.body_len, &w, &hh, 0xFFE1, &app1));
                CHECKF(w <= 320 && hh <= 320 && w > 0 && w < 640, "thumbnail %ux%u", w, hh);
                CHECK(!has_bytes(r.body, r.body_len, "Exif", 4));
                h[0] = '\0';
                tresp_header(&r, "Content-Type", h, sizeof h);
                CHECKF(strncmp(h, "image/jpeg", 10) == 0, "thumb type %s", h);
            }
        }
        tresp_free(&r);
    }
    /* a PNG's thumbnail is a JPEG too */
    if (f[1].aid[0]) {
        get_attachment(&yang, up_id, f[1].aid, true, &r);
        EXPECT_STATUS(&r, 200);
        CHECKF(r.body_len > 2 && (unsigned char)r.body[0] == 0xFF &&
                   (unsigned char)r.body[1] == 0xD8,
               "PNG thumbnail is a JPEG");
        tresp_free(&r);
    }
    free(png.p);
    /* too large: 11 MiB */
    size_t big = 11u * 1024 * 1024;
    unsigned char *huge = calloc(1, big);
    memcpy(huge, gps_jpg.p, gps_jpg.n);
    upload(&yang, up_id, "m4", huge, big, "big.jpg", "image/jpeg", &r);
    EXPECT_ERROR(&r, 413, "too_large", T_ANY_FIELD);
    tresp_free(&r);
    free(huge);
    /* not an allowed type, whatever the name */
    static const char html[] = "<!DOCTYPE html><html><head><title>x</title></head><body>"
                               "<script>alert(1)</script></body></html>\n";
    upload(&yang, up_id, "m4", html, sizeof html - 1, "photo.jpg", "image/jpeg", &r);
    EXPECT_ERROR(&r, 415, "unsupported_media_type", T_ANY_FIELD);
    tresp_free(&r);
    unsigned char elf[512] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
    elf[16] = 2; /* ET_EXEC */
    elf[18] = 0x3e;
    elf[20] = 1;
    upload(&yang, up_id, "m4", elf, sizeof elf, "photo.jpg", "image/jpeg", &r);
    EXPECT_ERROR(&r, 415, "unsupported_media_type", T_ANY_FIELD);
    tresp_free(&r);
    /* a kind that is not a material of the type */
    upload(&yang, up_id, "m9", pdf_doc, sizeof pdf_doc - 1, "a.pdf", NULL, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "kind");
    tresp_free(&r);
    /* upload idempotence by client_ref */
    char path[256];
    app_path(path, sizeof path, up_id, "/attachments");
    struct tpart parts[] = {
        {.name = "kind", .value = "m4"},
        {.name = "client_ref", .value = "att-ref-1"},
        {.name = "file", .data = pdf_doc, .len = sizeof pdf_doc - 1, .filename = "x.pdf"},
    };
    tupload(&srv, path, yang.token, parts, 3, &r);
    EXPECT_STATUS(&r, 201);
    char aid[64];
    snprintf(aid, sizeof aid, "%s", tjs(r.json, "id") ? tjs(r.json, "id") : "");
    tresp_free(&r);
    tupload(&srv, path, yang.token, parts, 3, &r);
    EXPECT_STATUS(&r, 200);
    CHECK_STR(tjs(r.json, "id"), aid);
    tresp_free(&r);
    /* the audit log: every read of an attachment */
    snprintf(st_aids[4], sizeof st_aids[4], "%s", f[0].aid);
    long st;
    json_t *items = tget_all(&srv, "/api/v1/audit?action=attachment.read", auditor.token, &st);
    int reads = 0;
    size_t i;
    json_t *it;
    char obj[128];
    snprintf(obj, sizeof obj, "attachment/%s", f[0].aid);
    json_array_foreach(items, i, it) if (tjs(it, "object") && !strcmp(tjs(it, "object"), obj) &&
                                         !strcmp(tjs(it, "action"), "attachment.read")) reads++;
    CHECKF(reads == 2, "attachment.read records of the JPEG: %d, want 2 (full and thumb)", reads);
    for (int k = 1; k < 3; k++) {
        snprintf(obj, sizeof obj, "attachment/%s", f[k].aid);
        int n = 0;
        json_array_foreach(items, i, it) if (tjs(it, "object") && !strcmp(tjs(it, "object"), obj))
            n++;
        CHECKF(n == (k == 1 ? 2 : 1), "attachment.read records of %s: %d", f[k].kind, n);
    }
    json_decref(items);
}

static void expect_404(const char *method, const char *path, const struct tsession *s,
                       const char *body, int line)
{
    struct tresp r;
    struct treq q = {.method = method, .path = path, .token = s->token, .body = body};
    thttp(&srv, &q, &r);
    snprintf(r.what, sizeof r.what, "%.6s %.100s as %.40s", method, path, s->username);
    texpect_error(__FILE__, line, &r, 404, "not_found", NULL);
    tresp_free(&r);
}
#define EXPECT_404(m, p, s, b) expect_404(m, p, s, b, __LINE__)

static void test_scope(void)
{
    REQUIRE(st_id[0] && up_id[0]);
    char path[320];
    const struct tsession *outsiders[] = {&a_tl, &a_pm2};
    for (int o = 0; o < 2; o++) {
        const struct tsession *s = outsiders[o];
        app_path(path, sizeof path, up_id, NULL);
        EXPECT_404("GET", path, s, NULL);
        EXPECT_404("PATCH", path, s, "{\"version\":1,\"details\":{}}");
        app_path(path, sizeof path, st_id, "/receipt");
        EXPECT_404("GET", path, s, NULL);
        snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments/%s", st_id,
                 st_aids[0]);
        EXPECT_404("GET", path, s, NULL);
        snprintf(path, sizeof path, "/api/v1/household-applications/%s/attachments/%s?thumb=1",
                 st_id, st_aids[0]);
        EXPECT_404("GET", path, s, NULL);
        static const char *const acts[] = {"submit",  "accept", "return",
                                           "approve", "reject", "complete"};
        for (int k = 0; k < 6; k++) {
            app_path(path, sizeof path, up_id, "");
            strcat(path, "/");
            strcat(path, acts[k]);
            EXPECT_404("POST", path, s,
                       !strcmp(acts[k], "return") || !strcmp(acts[k], "reject")
                           ? "{\"reason\":\"x\"}"
                       : !strcmp(acts[k], "complete") ? "{}"
                                                      : NULL);
        }
        struct tresp r;
        upload(s, up_id, "m4", pdf_doc, sizeof pdf_doc - 1, "a.pdf", NULL, &r);
        EXPECT_ERROR(&r, 404, "not_found", NULL);
        tresp_free(&r);
        /* creating in a village outside the scope */
        char idn[19];
        tmake_id("45010919800606009", idn);
        create_app(s, "HB09", village, "越界", idn, NULL, &r);
        EXPECT_ERROR(&r, 404, "not_found", "village_id");
        tresp_free(&r);
        /* in no list */
        static const char *const lists[] = {
            "/api/v1/household-applications",
            "/api/v1/household-applications?sort=due_at",
            "/api/v1/household-applications?status=completed",
            "/api/v1/household-applications?business_type=HB01",
            "/api/v1/household-applications?overdue=true",
        };
        for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
            long st;
            json_t *items = tget_all(&srv, lists[l], s->token, &st);
            CHECK_INT(st, 200);
            CHECKF(!tfind(items, "id", st_id) && !tfind(items, "id", up_id), "%s sees %s in %s",
                   s->username, st_id, lists[l]);
            json_decref(items);
        }
        char q[256];
        snprintf(q, sizeof q, "/api/v1/household-applications?q=%s", st_number);
        long st;
        json_t *items = tget_all(&srv, q, s->token, &st);
        CHECK_INT(json_array_size(items), 0);
        json_decref(items);
        snprintf(q, sizeof q, "/api/v1/household-applications?village_id=%s", village);
        items = tget_all(&srv, q, s->token, &st);
        CHECK_INT(json_array_size(items), 0);
        json_decref(items);
    }
    /* township: 403 on the list and the record */
    struct tresp r;
    tget(&srv, "/api/v1/household-applications", town.token, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    app_path(path, sizeof path, st_id, NULL);
    tget(&srv, path, town.token, &r);
    CHECKF(r.status == 403 || r.status == 404, "township detail: %ld", r.status);
    tresp_free(&r);
    tget(&srv, "/api/v1/household-applications", admin.token, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
}

static void test_masking(void)
{
    REQUIRE(st_id[0]);
    char masked[19];
    masked_of(st_idnum, masked);
    struct {
        const struct tsession *s;
        bool full;
    } who[] = {{&yang, true},  {&clerk, true},    {&reviewer, true},
               {&chief, true}, {&officer, false}, {&bureau, false}};
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        if (!who[i].s->token[0])
            continue;
        long st;
        json_t *items = tget_all(&srv, "/api/v1/household-applications", who[i].s->token, &st);
        CHECK_INT(st, 200);
        json_t *it = tfind(items, "id", st_id);
        CHECKF(it != NULL, "%s lists %s", who[i].s->username, st_id);
        if (it)
            CHECKF(tjs(it, "applicant.id_number") &&
                       !strcmp(tjs(it, "applicant.id_number"), masked),
                   "%s: list id_number %s, want %s", who[i].s->username,
                   tjs(it, "applicant.id_number"), masked);
        size_t k;
        json_t *x;
        json_array_foreach(items, k, x)
        {
            const char *n = tjs(x, "applicant.id_number");
            CHECKF(n && strlen(n) == 18 && !strncmp(n + 6, "********", 8), "%s: masked %s",
                   who[i].s->username, n);
        }
        json_decref(items);
        json_t *d = detail(who[i].s, st_id);
        const char *n = tjs(d, "applicant.id_number");
        CHECKF(n && !strcmp(n, who[i].full ? st_idnum : masked), "%s: detail id_number %s",
               who[i].s->username, n);
        const char *ph = tjs(d, "applicant.phone");
        CHECKF(ph && !strcmp(ph, who[i].full ? PHONE : PHONE_MASKED), "%s: detail phone %s",
               who[i].s->username, ph);
        json_decref(d);
    }
    /* the detail reads are audited */
    long st;
    json_t *items = tget_all(&srv, "/api/v1/audit?action=household.read", auditor.token, &st);
    char obj[128];
    snprintf(obj, sizeof obj, "household/%s", st_id);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) if (tjs(it, "object") && !strcmp(tjs(it, "object"), obj)) n++;
    CHECKF(n >= 6, "household.read records of %s: %d", st_id, n);
    json_t *users = json_array();
    json_array_foreach(items, i, it) if (tjs(it, "object") && !strcmp(tjs(it, "object"), obj) &&
                                         tjs(it, "user"))
        json_array_append_new(users, json_string(tjs(it, "user")));
    CHECKF(tarray_has(users, "officer") || json_array_size(users) > 0, "users %s", tdump(users));
    json_decref(users);
    json_decref(items);
}

static void test_lists(void)
{
    long st;
    /* a few more applications to page through */
    char idn[19];
    tmake_id("45010919700707010", idn);
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "页%d", i);
        new_app(&yang, "HB09", name, idn);
    }
    json_t *all = tget_all(&srv, "/api/v1/household-applications", clerk.token, &st);
    CHECK_INT(st, 200);
    size_t total = json_array_size(all);
    CHECKF(total >= 12, "clerk sees %zu applications", total);
    /* newest first */
    for (size_t i = 1; i < total; i++)
        CHECKF(parse_iso(tjs(json_array_get(all, i - 1), "created_at")) >=
                   parse_iso(tjs(json_array_get(all, i), "created_at")),
               "newest first at %zu", i);
    /* paging by 2: every item once */
    json_t *seen = json_object();
    char path[512] = "/api/v1/household-applications?limit=2";
    int pages = 0;
    while (pages < 100) {
        struct tresp r;
        tget(&srv, path, clerk.token, &r);
        if (!EXPECT_STATUS(&r, 200)) {
            tresp_free(&r);
            break;
        }
        pages++;
        CHECK(json_array_size(tj(r.json, "items")) <= 2);
        size_t i;
        json_t *it;
        json_array_foreach(tj(r.json, "items"), i, it)
        {
            CHECKF(!json_object_get(seen, tjs(it, "id")), "duplicate %s on page %d", tjs(it, "id"),
                   pages);
            json_object_set_new(seen, tjs(it, "id"), json_true());
        }
        const char *next = tjs(r.json, "next_cursor");
        if (!next) {
            tresp_free(&r);
            break;
        }
        snprintf(path, sizeof path, "/api/v1/household-applications?limit=2&cursor=%s", next);
        tresp_free(&r);
    }
    CHECK_INT(json_object_size(seen), total);
    json_decref(seen);

    /* sort=due_at: soonest first, paged by 3, drafts (no due_at) last */
    json_t *queue = json_array();
    snprintf(path, sizeof path, "/api/v1/household-applications?sort=due_at&limit=3");
    for (int p = 0; p < 100; p++) {
        struct tresp r;
        tget(&srv, path, clerk.token, &r);
        if (!EXPECT_STATUS(&r, 200)) {
            tresp_free(&r);
            break;
        }
        json_array_extend(queue, tj(r.json, "items"));
        const char *next = tjs(r.json, "next_cursor");
        if (next)
            snprintf(path, sizeof path,
                     "/api/v1/household-applications?sort=due_at&limit=3&cursor=%s", next);
        tresp_free(&r);
        if (!next)
            break;
    }
    CHECK_INT(json_array_size(queue), total);
    bool null_seen = false;
    json_t *ids = json_object();
    for (size_t i = 0; i < json_array_size(queue); i++) {
        json_t *it = json_array_get(queue, i);
        CHECKF(!json_object_get(ids, tjs(it, "id")), "due_at queue: duplicate %s", tjs(it, "id"));
        json_object_set_new(ids, tjs(it, "id"), json_true());
        const char *due = tjs(it, "due_at");
        if (!due) {
            null_seen = true;
            continue;
        }
        CHECKF(!null_seen, "due_at queue: %s after one without a deadline", due);
        if (i > 0 && tjs(json_array_get(queue, i - 1), "due_at"))
            CHECKF(parse_iso(tjs(json_array_get(queue, i - 1), "due_at")) <= parse_iso(due),
                   "due_at order at %zu", i);
    }
    json_decref(ids);
    json_decref(queue);

    /* filters */
    static const char *const statuses[] = {"draft", "completed", "rejected"};
    for (int s = 0; s < 3; s++) {
        char p[128];
        snprintf(p, sizeof p, "/api/v1/household-applications?status=%s", statuses[s]);
        json_t *items = tget_all(&srv, p, clerk.token, &st);
        size_t want = 0, i;
        json_t *it;
        json_array_foreach(all, i, it) want += !strcmp(tjs(it, "status"), statuses[s]);
        CHECKF(json_array_size(items) == want && want > 0, "status=%s: %zu of %zu", statuses[s],
               json_array_size(items), want);
        json_array_foreach(items, i, it) CHECK_STR(tjs(it, "status"), statuses[s]);
        json_decref(items);
    }
    char p[256];
    snprintf(p, sizeof p, "/api/v1/household-applications?business_type=HB03");
    json_t *items = tget_all(&srv, p, clerk.token, &st);
    CHECK_INT(json_array_size(items), 2);
    json_decref(items);
    snprintf(p, sizeof p, "/api/v1/household-applications?village_id=%s&business_type=HB01",
             village);
    items = tget_all(&srv, p, clerk.token, &st);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(tjs(items, "0.id"), st_id);
    json_decref(items);
    snprintf(p, sizeof p, "/api/v1/household-applications?village_id=%s", village_tl);
    items = tget_all(&srv, p, clerk.token, &st);
    CHECK_INT(json_array_size(items), 0); /* Nalou is not the Pumiao clerk's */
    json_decref(items);
    /* q: number, part of a name, a whole ID number */
    snprintf(p, sizeof p, "/api/v1/household-applications?q=%s", st_number);
    items = tget_all(&srv, p, clerk.token, &st);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(tjs(items, "0.id"), st_id);
    json_decref(items);
    items = tget_all(&srv, "/api/v1/household-applications?q=%E5%B0%8F%E5%AE%9D" /* 小宝 */,
                     clerk.token, &st);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(tjs(items, "0.id"), st_id);
    json_decref(items);
    snprintf(p, sizeof p, "/api/v1/household-applications?q=%s", st_idnum);
    items = tget_all(&srv, p, clerk.token, &st);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(tjs(items, "0.id"), st_id);
    json_decref(items);
    snprintf(p, sizeof p, "/api/v1/household-applications?q=%.17s", st_idnum);
    items = tget_all(&srv, p, clerk.token, &st);
    CHECK_INT(json_array_size(items), 0); /* a partial ID number finds nothing */
    json_decref(items);
    items = tget_all(&srv, "/api/v1/household-applications?q=%25", clerk.token, &st);
    CHECK_INT(json_array_size(items), 0); /* % is not a wildcard */
    json_decref(items);
    /* overdue: push one submitted application's deadline into the past */
    items = tget_all(&srv, "/api/v1/household-applications?overdue=true", clerk.token, &st);
    CHECK_INT(json_array_size(items), 0);
    json_decref(items);
    char idn2[19];
    tmake_id("45010919700707011", idn2);
    char late[64];
    snprintf(late, sizeof late, "%s", new_app(&yang, "HB16", "黄超期", idn2));
    upload_kinds(late, "m1 m2 m3");
    CHECK(act_ok(&yang, late, "submit", NULL, "submitted"));
    items = tget_all(&srv, "/api/v1/household-applications?status=submitted", clerk.token, &st);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(tjs(items, "0.id"), late);
    json_decref(items);
    char sql[256], err[256];
    snprintf(sql, sizeof sql,
             "UPDATE household_applications SET due_at = due_at - 10*86400 WHERE id = '%s'", late);
    CHECKF(tdb_exec(srv.db_url, sql, err, sizeof err), "UPDATE: %s", err);
    items = tget_all(&srv, "/api/v1/household-applications?overdue=true", clerk.token, &st);
    CHECK_INT(json_array_size(items), 1);
    CHECK_STR(tjs(items, "0.id"), late);
    CHECK(json_is_true(tj(items, "0.overdue")));
    json_decref(items);
    json_t *d = detail(&chief, late);
    CHECK(json_is_true(tj(d, "overdue")));
    json_decref(d);
    items = tget_all(&srv, "/api/v1/household-applications?overdue=true", a_tl.token, &st);
    CHECK_INT(json_array_size(items), 0);
    json_decref(items);
    /* bad filters */
    struct tresp r;
    tget(&srv, "/api/v1/household-applications?status=closed", clerk.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "status");
    tresp_free(&r);
    tget(&srv, "/api/v1/household-applications?cursor=zzz", clerk.token, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "cursor");
    tresp_free(&r);
    json_decref(all);
}

static void test_public_lookup(void)
{
    char xid[19];
    make_x_id(xid);
    REQUIRE(xid[17] == 'X');
    struct tresp r;
    create_app(&yang, "HB09", village, "黄叉号", xid, NULL, &r);
    REQUIRE(EXPECT_STATUS(&r, 201));
    char number[64];
    snprintf(number, sizeof number, "%s", tjs(r.json, "number"));
    tresp_free(&r);
    const char *xff[] = {"X-Forwarded-For: 198.51.100.23", NULL};
    char p[256];
    struct {
        const char *last4;
        long want;
    } cases[] = {{NULL, 200}, {"lower", 200}, {"0000", 404}, {"123", 404}, {"", 404}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char l4[8];
        if (!cases[i].last4)
            snprintf(l4, sizeof l4, "%s", xid + 14);
        else if (!strcmp(cases[i].last4, "lower")) {
            snprintf(l4, sizeof l4, "%s", xid + 14);
            l4[3] = 'x';
        } else
            snprintf(l4, sizeof l4, "%s", cases[i].last4);
        snprintf(p, sizeof p, "/api/v1/public/household-applications/%s?id_last4=%s", number, l4);
        struct treq q = {.path = p, .headers = xff};
        thttp(&srv, &q, &r);
        if (cases[i].want == 200) {
            EXPECT_STATUS(&r, 200);
            CHECK_STR(tjs(r.json, "status"), "draft");
            CHECK(json_is_null(tj(r.json, "due_at")));
        } else {
            EXPECT_ERROR(&r, 404, "not_found", NULL);
        }
        tresp_free(&r);
    }
    snprintf(p, sizeof p, "/api/v1/public/household-applications/HJ00000000000000?id_last4=%s",
             xid + 14);
    struct treq q = {.path = p, .headers = xff};
    thttp(&srv, &q, &r);
    EXPECT_ERROR(&r, 404, "not_found", NULL);
    tresp_free(&r);
    /* a fresh address: 30 lookups a minute, the 31st refused */
    const char *fresh[] = {"X-Forwarded-For: 203.0.113.77", NULL};
    int ok = 0;
    for (int i = 0; i < 30; i++) {
        snprintf(p, sizeof p, "/api/v1/public/household-applications/%s?id_last4=%s", number,
                 i % 2 ? "0000" : xid + 14);
        struct treq q2 = {.path = p, .headers = fresh};
        thttp(&srv, &q2, &r);
        ok += r.status == (i % 2 ? 404 : 200);
        tresp_free(&r);
    }
    CHECK_INT(ok, 30);
    snprintf(p, sizeof p, "/api/v1/public/household-applications/%s?id_last4=%s", number, xid + 14);
    struct treq q3 = {.path = p, .headers = fresh};
    thttp(&srv, &q3, &r);
    EXPECT_ERROR(&r, 429, "rate_limited", NULL);
    char ra[32] = "";
    CHECK(tresp_header(&r, "Retry-After", ra, sizeof ra));
    CHECKF(atoi(ra) >= 1 && atoi(ra) <= 60, "Retry-After %s", ra);
    tresp_free(&r);
    /* another address is not affected */
    const char *other[] = {"X-Forwarded-For: 203.0.113.78", NULL};
    struct treq q4 = {.path = p, .headers = other};
    thttp(&srv, &q4, &r);
    EXPECT_STATUS(&r, 200);
    tresp_free(&r);
}

/* The officer of yang's village: the one that sees yang's application. */
static void find_officer(void)
{
    for (int i = 1; i <= 6 && !officer.token[0]; i++) {
        char u[32];
        snprintf(u, sizeof u, "officer_pumiao%d", i);
        struct tsession s;
        if (!tlogin(&srv, u, NULL, &s))
            break;
        char path[256];
        app_path(path, sizeof path, st_id, NULL);
        struct tresp r;
        tget(&srv, path, s.token, &r);
        if (r.status == 200)
            officer = s;
        tresp_free(&r);
    }
    CHECKF(officer.token[0], "an officer sees the application of 良信村");
}

static void my_village(const struct tsession *s, char *out, size_t n)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", s->token, &r);
    const char *v = tjs(r.json, "user.area_ids.0");
    snprintf(out, n, "%s", v ? v : "");
    tresp_free(&r);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        return check_done();
    }
    (void)busy;
    small_png = make_png(4, 4);
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000",
                               "CUNJING_SERVER_TRUSTED_PROXIES=127.0.0.1", NULL};
    if (tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "yangjianzi", NULL, &yang);
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "a450109100202", NULL, &a_pm2) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        ok = tlogin(&srv, "reviewer", NULL, &reviewer) && ok;
        ok = tlogin(&srv, "chief_pumiao", NULL, &chief) && ok;
        ok = tlogin(&srv, "bureau", NULL, &bureau) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "admin", NULL, &admin) && ok;
        ok = tlogin(&srv, "auditor", NULL, &auditor) && ok;
        if (ok) {
            my_village(&yang, village, sizeof village);
            my_village(&a_tl, village_tl, sizeof village_tl);
            CHECK(village[0] && village_tl[0]);
            check_run("types", test_types);
            check_run("type_put", test_type_put);
            check_run("station_lifecycle", test_station_lifecycle);
            find_officer();
            check_run("county_lifecycle", test_county_lifecycle);
            check_run("return_resubmit_reject", test_return_resubmit_reject);
            check_run("idempotent", test_idempotent);
            check_run("uploads", test_uploads);
            check_run("scope", test_scope);
            check_run("masking", test_masking);
            check_run("lists", test_lists);
            check_run("public_lookup", test_public_lookup);
        }
        tserver_stop(&srv);
    }
    free(small_png.p);
    free(gps_jpg.p);
    tserver_cleanup(&srv);
    return check_done();
}
