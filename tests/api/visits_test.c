/*
 * Visits, publicity, help-and-education and key persons (issue 5) over HTTP
 * on the demo district:
 *  - activities: create (assistant, officer), detail, a photo, the filters
 *    kind, village_id, key_person_id, from, to; other villages' assistants get
 *    404 in list, detail and attachments; the township and the clerk 403; the
 *    bureau and the chief read but may not record (403);
 *  - key persons: create -> next_due_at = now + the category's followup_days;
 *    the list masks the ID number (audited key_person.list); the detail shows
 *    it whole to the assistant, the officer and the chief, masked to the bureau
 *    (audited key_person.read); the township 403; other villages 404;
 *  - an activity naming a key person moves next_due_at to held_at +
 *    followup_days (an older one does not move it back); ?overdue=true; a key
 *    person past due (moved back in the database) reaches the inbox of both
 *    assistants of 良信村 (a second one added with the CLI), once;
 *  - bad inputs with exact status, code and field, and nothing stored;
 *    idempotent creates with client_ref.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static struct tserver srv;
static struct tsession yang, yang2, a_other, a_tl, off_in, off_out, chief, bureau, town, clerk;
static char village[64], village_other[64], village_tl[64];
static char idnum[19], idnum_masked[19];
#define DAY 86400

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

/* --- helpers ------------------------------------------------------------------ */

/* Unix time t as ISO 8601 in +08:00. */
static const char *iso_at(time_t t)
{
    static char bufs[8][40];
    static int k;
    char *out = bufs[k++ % 8];
    t += 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 40, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return out;
}

static const char *iso_in(long off)
{
    return iso_at(time(NULL) + off);
}

/* The date (+08:00) of Unix time t. */
static const char *date_at(time_t t)
{
    static char bufs[4][16];
    static int k;
    char *out = bufs[k++ % 4];
    t += 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
    return out;
}

static long post(const struct tsession *s, const char *path, const char *body, struct tresp *r)
{
    tpost(&srv, path, s->token, body, r);
    snprintf(r->what, sizeof r->what, "POST %.100s as %.40s", path, s->username);
    return r->status;
}

static long get(const struct tsession *s, const char *path, struct tresp *r)
{
    tget(&srv, path, s->token, r);
    snprintf(r->what, sizeof r->what, "GET %.100s as %.40s", path, s->username);
    return r->status;
}

static void expect_get(const struct tsession *s, const char *path, long status, const char *code,
                       int line)
{
    struct tresp r;
    get(s, path, &r);
    texpect_error(__FILE__, line, &r, status, code, T_ANY_FIELD);
    tresp_free(&r);
}
#define GET_ERR(s, path, st, code) expect_get(s, path, st, code, __LINE__)

static void expect_post(const struct tsession *s, const char *path, const char *body, long status,
                        const char *code, const char *field, int line)
{
    struct tresp r;
    post(s, path, body, &r);
    texpect_error(__FILE__, line, &r, status, code, field);
    tresp_free(&r);
}
#define POST_ERR(s, path, body, st, code, field)                                                   \
    expect_post(s, path, body, st, code, field, __LINE__)

static long long count_of(const char *table)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return tdb_int(srv.db_url, q);
}

/* An integer column of key person id. */
static long long kp_col(const char *id, const char *col)
{
    char q[256];
    snprintf(q, sizeof q, "SELECT %s FROM key_persons WHERE id = '%s'", col, id);
    return tdb_int(srv.db_url, q);
}

static bool list_has(const struct tsession *s, const char *path, const char *id, long *status)
{
    json_t *items = tget_all(&srv, path, s->token, status);
    bool has = items && tfind(items, "id", id) != NULL;
    json_decref(items);
    return has;
}

static void copy_id(char *out, size_t n, json_t *j, const char *key)
{
    const char *v = tjs(j, key);
    snprintf(out, n, "%s", v ? v : "");
}

static void activity_body(char *out, size_t n, const char *kind, const char *vid, time_t held,
                          const char *topic, const char *kp, const char *extra)
{
    char kpart[128] = "";
    if (kp)
        snprintf(kpart, sizeof kpart, ",\"key_person_id\":\"%s\"", kp);
    snprintf(out, n,
             "{\"kind\":\"%s\",\"village_id\":\"%s\",\"held_at\":\"%s\",\"topic\":\"%s\","
             "\"people_count\":3,\"notes\":\"入户走访\"%s%s}",
             kind, vid, iso_at(held), topic, kpart, extra ? extra : "");
}

static bool activity(const struct tsession *s, const char *kind, const char *vid, time_t held,
                     const char *topic, const char *kp, char *out, size_t n)
{
    char body[1024];
    activity_body(body, sizeof body, kind, vid, held, topic, kp, NULL);
    struct tresp r;
    post(s, "/api/v1/activities", body, &r);
    bool ok = EXPECT_STATUS(&r, 201);
    copy_id(out, n, r.json, "id");
    tresp_free(&r);
    return ok && out[0];
}

static void kp_body(char *out, size_t n, const char *category, const char *name,
                    const char *id_number, const char *vid, const char *extra)
{
    char ipart[96] = "";
    if (id_number)
        snprintf(ipart, sizeof ipart, "\"id_number\":\"%s\",", id_number);
    snprintf(out, n,
             "{\"category\":\"%s\",\"name\":\"%s\",%s\"village_id\":\"%s\","
             "\"notes\":\"每月走访\"%s}",
             category, name, ipart, vid, extra ? extra : "");
}

static bool key_person(const struct tsession *s, const char *category, const char *name,
                       const char *vid, char *out, size_t n)
{
    char body[1024];
    kp_body(body, sizeof body, category, name, idnum, vid, NULL);
    struct tresp r;
    post(s, "/api/v1/key-persons", body, &r);
    bool ok = EXPECT_STATUS(&r, 201);
    copy_id(out, n, r.json, "id");
    tresp_free(&r);
    return ok && out[0];
}

static json_t *detail(const struct tsession *s, const char *coll, const char *id)
{
    char path[160];
    snprintf(path, sizeof path, "/api/v1/%s/%s", coll, id);
    struct tresp r;
    json_t *j = NULL;
    if (get(s, path, &r) == 200)
        j = json_incref(r.json);
    else
        EXPECT_STATUS(&r, 200);
    tresp_free(&r);
    return j;
}

static int inbox_count(const struct tsession *s, const char *kind, const char *id)
{
    long st;
    json_t *items = tget_all(&srv, "/api/v1/inbox", s->token, &st);
    int n = 0;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *k = tjs(it, "kind"), *oid = tjs(it, "object.id");
        if (k && oid && !strcmp(k, kind) && !strcmp(oid, id)) {
            CHECK_STR(tjs(it, "object.type"), "key_person");
            n++;
        }
    }
    json_decref(items);
    return n;
}

/* --- reference list --------------------------------------------------------------- */

static void test_categories(void)
{
    struct tresp r;
    if (get(&yang, "/api/v1/key-person-categories", &r) == 200) {
        json_t *items = tj(r.json, "items");
        json_t *kp02 = tfind(items, "code", "KP02"), *kp01 = tfind(items, "code", "KP01");
        CHECKF(kp02 && json_integer_value(tj(kp02, "followup_days")) == 90 &&
                   !strcmp(tjs(kp02, "kind"), "help_education"),
               "KP02: %s", tdump(kp02));
        CHECKF(kp01 && json_integer_value(tj(kp01, "followup_days")) == 30, "KP01: %s",
               tdump(kp01));
        CHECKF(json_array_size(items) == 12, "12 categories: %zu", json_array_size(items));
    } else {
        EXPECT_STATUS(&r, 200);
    }
    tresp_free(&r);
}

/* --- activities --------------------------------------------------------------------- */

static void test_activities(void)
{
    struct tresp r;
    char body[2048], path[300], v1[64] = "", p1[64] = "", h1[64] = "", att[64] = "";
    long st;
    time_t now = time(NULL);
    time_t t_visit = now - 2 * DAY, t_pub = now - 10 * DAY, t_help = now - 20 * DAY;
    long long a0 = count_of("activities");

    activity_body(body, sizeof body, "visit", village, t_visit, "入户走访独居老人", NULL, NULL);
    if (post(&yang, "/api/v1/activities", body, &r) == 201) {
        copy_id(v1, sizeof v1, r.json, "id");
        CHECK_STR(tjs(r.json, "kind"), "visit");
        CHECK_STR(tjs(r.json, "village_id"), village);
        CHECK_STR(tjs(r.json, "topic"), "入户走访独居老人");
        CHECK_INT(json_integer_value(tj(r.json, "people_count")), 3);
        CHECK(json_is_null(tj(r.json, "key_person_id")));
        CHECK_STR(tjs(r.json, "created_by_name"), "杨建字");
        CHECK_STR(tjs(r.json, "held_at"), iso_at(t_visit));
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);
    REQUIRE(v1[0]);
    REQUIRE(activity(&yang, "publicity", village, t_pub, "防诈骗宣传", NULL, p1, sizeof p1));
    REQUIRE(activity(&off_in, "help_education", village, t_help, "帮教谈话", NULL, h1, sizeof h1));
    CHECK_INT(count_of("activities"), a0 + 3);

    /* a photo */
    struct bytes png = make_png(4, 4);
    snprintf(path, sizeof path, "/api/v1/activities/%s/attachments", p1);
    struct tpart parts[] = {{.name = "kind", .value = "photo"},
                            {.name = "file",
                             .data = png.p,
                             .len = png.n,
                             .filename = "xuanchuan.png",
                             .type = "image/png"}};
    tupload(&srv, path, yang.token, parts, 2, &r);
    if (EXPECT_STATUS(&r, 201)) {
        copy_id(att, sizeof att, r.json, "id");
        CHECK_STR(tjs(r.json, "kind"), "photo");
        CHECK_STR(tjs(r.json, "content_type"), "image/png");
    }
    tresp_free(&r);
    /* the bureau may not add one (no C right) */
    tupload(&srv, path, bureau.token, parts, 2, &r);
    EXPECT_ERROR(&r, 403, "forbidden", NULL);
    tresp_free(&r);
    /* nor a kind outside photo/agreement/document */
    parts[0].value = "selfie";
    tupload(&srv, path, yang.token, parts, 2, &r);
    EXPECT_ERROR(&r, 422, "invalid_field", "kind");
    tresp_free(&r);
    parts[0].value = "photo";

    /* detail for the readers */
    const struct tsession *readers[] = {&yang, &off_in, &chief, &bureau};
    for (size_t i = 0; i < 4; i++) {
        json_t *d = detail(readers[i], "activities", p1);
        CHECK_STR(tjs(d, "kind"), "publicity");
        CHECKF(json_array_size(tj(d, "attachments")) == 1, "%s: attachments %s",
               readers[i]->username, tdump(tj(d, "attachments")));
        json_decref(d);
        if (att[0]) {
            snprintf(path, sizeof path, "/api/v1/activities/%s/attachments/%s", p1, att);
            get(readers[i], path, &r);
            if (EXPECT_STATUS(&r, 200))
                CHECKF(r.body_len > 0, "the photo comes back");
            tresp_free(&r);
        }
    }

    /* filters */
    CHECKF(list_has(&yang, "/api/v1/activities", v1, &st), "all (%ld)", st);
    CHECKF(list_has(&yang, "/api/v1/activities?kind=publicity", p1, &st), "publicity (%ld)", st);
    CHECKF(!list_has(&yang, "/api/v1/activities?kind=publicity", v1, &st) && st == 200,
           "visit not in publicity (%ld)", st);
    CHECKF(list_has(&chief, "/api/v1/activities?kind=help_education", h1, &st), "help (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/activities?village_id=%s", village);
    CHECKF(list_has(&off_in, path, v1, &st), "village (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/activities?village_id=%s", village_other);
    CHECKF(!list_has(&chief, path, v1, &st) && st == 200, "other village (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/activities?from=%s&to=%s", date_at(t_pub), date_at(t_pub));
    CHECKF(list_has(&yang, path, p1, &st), "from..to the publicity day (%ld)", st);
    CHECKF(!list_has(&yang, path, v1, &st) && !list_has(&yang, path, h1, &st),
           "the other days are outside");
    snprintf(path, sizeof path, "/api/v1/activities?from=%s", date_at(t_pub));
    CHECKF(list_has(&yang, path, v1, &st) && list_has(&yang, path, p1, &st) &&
               !list_has(&yang, path, h1, &st),
           "from (inclusive)");
    snprintf(path, sizeof path, "/api/v1/activities?to=%s", date_at(t_pub));
    CHECKF(!list_has(&yang, path, v1, &st) && list_has(&yang, path, p1, &st) &&
               list_has(&yang, path, h1, &st),
           "to (inclusive)");
    GET_ERR(&yang, "/api/v1/activities?from=2026-02-30", 422, "invalid_field");
    /* newest held first */
    json_t *items = tget_all(&srv, "/api/v1/activities", yang.token, &st);
    size_t iv = SIZE_MAX, ip = SIZE_MAX, i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (!strcmp(tjs(it, "id"), v1))
            iv = i;
        if (!strcmp(tjs(it, "id"), p1))
            ip = i;
    }
    CHECKF(iv < ip && ip != SIZE_MAX, "held_at order: visit %zu before publicity %zu", iv, ip);
    json_decref(items);

    /* other villages: 404 everywhere, not listed */
    const struct tsession *others[] = {&a_other, &a_tl, &off_out};
    for (size_t k = 0; k < 3; k++) {
        const struct tsession *s = others[k];
        CHECKF(!list_has(s, "/api/v1/activities", p1, &st) && st == 200, "%s: not listed (%ld)",
               s->username, st);
        snprintf(path, sizeof path, "/api/v1/activities/%s", p1);
        GET_ERR(s, path, 404, "not_found");
        if (att[0]) {
            snprintf(path, sizeof path, "/api/v1/activities/%s/attachments/%s", p1, att);
            GET_ERR(s, path, 404, "not_found");
        }
        snprintf(path, sizeof path, "/api/v1/activities/%s/attachments", p1);
        tupload(&srv, path, s->token, parts, 2, &r);
        EXPECT_ERROR(&r, 404, "not_found", T_ANY_FIELD);
        tresp_free(&r);
    }
    /* the township and the clerk: 403 */
    const struct tsession *none[] = {&town, &clerk};
    activity_body(body, sizeof body, "visit", village, now - 60, "x", NULL, NULL);
    for (size_t k = 0; k < 2; k++) {
        GET_ERR(none[k], "/api/v1/activities", 403, "forbidden");
        snprintf(path, sizeof path, "/api/v1/activities/%s", p1);
        GET_ERR(none[k], path, 403, "forbidden");
        POST_ERR(none[k], "/api/v1/activities", body, 403, "forbidden", NULL);
    }
    /* the bureau and the chief read but do not record */
    long long a1 = count_of("activities");
    POST_ERR(&bureau, "/api/v1/activities", body, 403, "forbidden", NULL);
    POST_ERR(&chief, "/api/v1/activities", body, 403, "forbidden", NULL);
    /* an assistant cannot record in another village */
    activity_body(body, sizeof body, "visit", village_other, now - 60, "x", NULL, NULL);
    POST_ERR(&yang, "/api/v1/activities", body, 404, "not_found", T_ANY_FIELD);
    CHECK_INT(count_of("activities"), a1);
    free(png.p);
}

/* --- key persons --------------------------------------------------------------------- */

static char kp1[64];

static void test_key_persons(void)
{
    struct tresp r;
    char body[1024], path[200];
    long st;
    long long k0 = count_of("key_persons");
    time_t before = time(NULL);
    kp_body(body, sizeof body, "KP02", "覃某某", idnum, village, NULL);
    if (post(&yang, "/api/v1/key-persons", body, &r) == 201) {
        copy_id(kp1, sizeof kp1, r.json, "id");
        CHECK_STR(tjs(r.json, "category"), "KP02");
        CHECK_STR(tjs(r.json, "name"), "覃某某");
        CHECK_STR(tjs(r.json, "village_id"), village);
        CHECK_STR(tjs(r.json, "id_number"), idnum);
        CHECK_INT(json_integer_value(tj(r.json, "followup_days")), 90);
        CHECK(json_is_false(tj(r.json, "overdue")));
        CHECK(json_is_null(tj(r.json, "last_contact_at")));
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);
    REQUIRE(kp1[0]);
    CHECK_INT(count_of("key_persons"), k0 + 1);
    long long due = kp_col(kp1, "next_due_at"), created = kp_col(kp1, "created_at");
    CHECKF(due - created == 90LL * DAY, "next_due_at = created + 90 days (%lld)", due - created);
    CHECKF(created >= before - 1 && created <= time(NULL) + 1, "created now");
    json_t *d = detail(&yang, "key-persons", kp1);
    CHECK_STR(tjs(d, "next_due_at"), iso_at((time_t)due));
    json_decref(d);
    char q[300];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM key_persons WHERE id = '%s' AND id_sealed NOT "
             "LIKE '%%%s%%'",
             kp1, idnum);
    CHECKF(tdb_int(srv.db_url, q) == 1, "the ID number is sealed at rest");

    /* the officer records one too (KP01: 30 days) */
    char kp_off[64] = "";
    kp_body(body, sizeof body, "KP01", "黄某", NULL, village, NULL);
    if (post(&off_in, "/api/v1/key-persons", body, &r) == 201) {
        copy_id(kp_off, sizeof kp_off, r.json, "id");
        CHECK(json_is_null(tj(r.json, "id_number")));
        CHECK_INT(json_integer_value(tj(r.json, "followup_days")), 30);
    } else {
        EXPECT_STATUS(&r, 201);
    }
    tresp_free(&r);
    if (kp_off[0])
        CHECK_INT(kp_col(kp_off, "next_due_at") - kp_col(kp_off, "created_at"), 30LL * DAY);

    /* the list masks the ID number, for everyone */
    const struct tsession *listers[] = {&yang, &yang2, &off_in, &chief, &bureau};
    snprintf(q, sizeof q, "SELECT count(*) FROM audit_log WHERE action = 'key_person.list'");
    long long lists0 = tdb_int(srv.db_url, q);
    for (size_t i = 0; i < 5; i++) {
        json_t *items = tget_all(&srv, "/api/v1/key-persons", listers[i]->token, &st);
        json_t *it = tfind(items, "id", kp1);
        CHECKF(it && tjs(it, "id_number") && !strcmp(tjs(it, "id_number"), idnum_masked),
               "%s: list item %s", listers[i]->username, tdump(it));
        json_decref(items);
    }
    CHECKF(tdb_int(srv.db_url, q) >= lists0 + 5, "key_person.list audited (%lld -> %lld)", lists0,
           tdb_int(srv.db_url, q));
    /* the detail: whole for the assistant, the officer and the chief; masked for the bureau */
    struct {
        const struct tsession *s;
        bool full;
    } who[] = {{&yang, true}, {&yang2, true}, {&off_in, true}, {&chief, true}, {&bureau, false}};
    for (size_t i = 0; i < 5; i++) {
        d = detail(who[i].s, "key-persons", kp1);
        const char *n = tjs(d, "id_number");
        CHECKF(n && !strcmp(n, who[i].full ? idnum : idnum_masked), "%s: id_number %s",
               who[i].s->username, n);
        json_decref(d);
        snprintf(q, sizeof q,
                 "SELECT count(*) FROM audit_log WHERE action = 'key_person.read' AND object = "
                 "'key_person/%s' AND user_id = '%s'",
                 kp1, who[i].s->user_id);
        CHECKF(tdb_int(srv.db_url, q) >= 1, "%s: key_person.read audited", who[i].s->username);
    }
    /* the township: 403; the clerk: 403 */
    GET_ERR(&town, "/api/v1/key-persons", 403, "forbidden");
    snprintf(path, sizeof path, "/api/v1/key-persons/%s", kp1);
    GET_ERR(&town, path, 403, "forbidden");
    GET_ERR(&clerk, "/api/v1/key-persons", 403, "forbidden");
    GET_ERR(&clerk, path, 403, "forbidden");
    /* other villages and areas: 404, not listed; a refused read is not audited */
    snprintf(q, sizeof q,
             "SELECT count(*) FROM audit_log WHERE action = 'key_person.read' AND object = "
             "'key_person/%s'",
             kp1);
    long long reads = tdb_int(srv.db_url, q);
    const struct tsession *others[] = {&a_other, &a_tl, &off_out};
    for (size_t i = 0; i < 3; i++) {
        GET_ERR(others[i], path, 404, "not_found");
        CHECKF(!list_has(others[i], "/api/v1/key-persons", kp1, &st) && st == 200,
               "%s: not listed (%ld)", others[i]->username, st);
    }
    CHECK_INT(tdb_int(srv.db_url, q), reads);
    /* who may not record */
    long long k1 = count_of("key_persons");
    kp_body(body, sizeof body, "KP02", "x", NULL, village, NULL);
    POST_ERR(&chief, "/api/v1/key-persons", body, 403, "forbidden", NULL);
    POST_ERR(&bureau, "/api/v1/key-persons", body, 403, "forbidden", NULL);
    POST_ERR(&town, "/api/v1/key-persons", body, 403, "forbidden", NULL);
    kp_body(body, sizeof body, "KP02", "x", NULL, village_other, NULL);
    POST_ERR(&yang, "/api/v1/key-persons", body, 404, "not_found", T_ANY_FIELD);
    CHECK_INT(count_of("key_persons"), k1);
    /* filters */
    CHECKF(list_has(&off_in, "/api/v1/key-persons?category=KP02", kp1, &st), "KP02 (%ld)", st);
    CHECKF(!list_has(&off_in, "/api/v1/key-persons?category=KP01", kp1, &st) && st == 200,
           "not KP01 (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/key-persons?village_id=%s", village);
    CHECKF(list_has(&chief, path, kp1, &st), "village (%ld)", st);
    snprintf(path, sizeof path, "/api/v1/key-persons?village_id=%s", village_other);
    CHECKF(!list_has(&chief, path, kp1, &st) && st == 200, "other village (%ld)", st);
}

/* --- contacts, due dates and reminders ------------------------------------------------ */

static void test_contacts(void)
{
    char kp[64] = "", a1[64] = "", a2[64] = "", path[200], body[1024];
    long st;
    REQUIRE(key_person(&yang, "KP02", "联系测试", village, kp, sizeof kp));
    time_t held = time(NULL) - DAY;
    REQUIRE(activity(&yang, "help_education", village, held, "帮教谈话", kp, a1, sizeof a1));
    CHECK_INT(kp_col(kp, "last_contact_at"), held);
    CHECK_INT(kp_col(kp, "next_due_at"), held + 90LL * DAY);
    json_t *d = detail(&off_in, "key-persons", kp);
    CHECK_STR(tjs(d, "last_contact_at"), iso_at(held));
    CHECK_STR(tjs(d, "next_due_at"), iso_at(held + 90 * DAY));
    json_decref(d);
    d = detail(&yang, "activities", a1);
    CHECK_STR(tjs(d, "key_person_id"), kp);
    json_decref(d);
    /* an older contact recorded later does not move it back */
    REQUIRE(activity(&off_in, "visit", village, held - 10 * DAY, "补录走访", kp, a2, sizeof a2));
    CHECK_INT(kp_col(kp, "next_due_at"), held + 90LL * DAY);
    snprintf(path, sizeof path, "/api/v1/activities?key_person_id=%s", kp);
    json_t *items = tget_all(&srv, path, yang.token, &st);
    CHECKF(json_array_size(items) == 2 && tfind(items, "id", a1) && tfind(items, "id", a2),
           "key_person_id filter: %s", tdump(items));
    json_decref(items);
    /* an activity may not name another village's key person */
    long long n0 = count_of("activities");
    activity_body(body, sizeof body, "visit", village_other, time(NULL) - 60, "x", kp, NULL);
    POST_ERR(&a_other, "/api/v1/activities", body, 404, "not_found", "key_person_id");
    activity_body(body, sizeof body, "visit", village, time(NULL) - 60, "x", "nosuchperson", NULL);
    POST_ERR(&yang, "/api/v1/activities", body, 404, "not_found", "key_person_id");
    CHECK_INT(count_of("activities"), n0);

    /* overdue: move one back in the database */
    char late[64] = "";
    REQUIRE(key_person(&yang, "KP07", "逾期对象", village, late, sizeof late));
    CHECKF(!list_has(&off_in, "/api/v1/key-persons?overdue=true", late, &st) && st == 200,
           "not overdue yet (%ld)", st);
    char sql[256], err[256];
    snprintf(sql, sizeof sql, "UPDATE key_persons SET next_due_at = %lld WHERE id = '%s'",
             (long long)time(NULL) - 3600, late);
    REQUIRE(CHECKF(tdb_exec(srv.db_url, sql, err, sizeof err), "UPDATE: %s", err));
    CHECKF(list_has(&off_in, "/api/v1/key-persons?overdue=true", late, &st), "overdue (%ld)", st);
    CHECKF(!list_has(&off_in, "/api/v1/key-persons?overdue=true", kp, &st), "kp not overdue");
    CHECKF(list_has(&off_in, "/api/v1/key-persons?overdue=false", kp, &st),
           "overdue=false: all (%ld)", st);
    d = detail(&yang, "key-persons", late);
    CHECK(json_is_true(tj(d, "overdue")));
    json_decref(d);
    /* the reminder reaches both assistants of 良信村, once, and nobody else */
    int n = 0;
    for (int i = 0; i < 50 && (n = inbox_count(&yang, "key_person_due", late)) == 0; i++)
        tsleep_ms(200);
    CHECKF(n == 1, "yang's inbox: key_person_due (%d)", n);
    for (int i = 0; i < 25 && (n = inbox_count(&yang2, "key_person_due", late)) == 0; i++)
        tsleep_ms(200);
    CHECKF(n == 1, "yang_second's inbox: key_person_due (%d)", n);
    tsleep_ms(1500);
    CHECK_INT(inbox_count(&yang, "key_person_due", late), 1);
    CHECK_INT(inbox_count(&a_other, "key_person_due", late), 0);
    CHECK_INT(inbox_count(&off_in, "key_person_due", late), 0);
    CHECK_INT(inbox_count(&yang, "key_person_due", kp), 0);
    /* a contact clears it */
    char a3[64] = "";
    REQUIRE(activity(&yang, "visit", village, time(NULL) - 60, "上门联系", late, a3, sizeof a3));
    CHECKF(!list_has(&off_in, "/api/v1/key-persons?overdue=true", late, &st) && st == 200,
           "no longer overdue (%ld)", st);
    CHECK_INT(kp_col(late, "due_notified"), 0);
}

/* --- bad inputs ---------------------------------------------------------------------- */

static void test_bad_inputs(void)
{
    char body[8192], bad_id[19];
    time_t now = time(NULL);
    long long a0 = count_of("activities"), k0 = count_of("key_persons");
#define BAD_A(status, code, field) POST_ERR(&yang, "/api/v1/activities", body, status, code, field)
    activity_body(body, sizeof body, "meeting", village, now - 60, "t", NULL, NULL);
    BAD_A(422, "invalid_field", "kind");
    activity_body(body, sizeof body, "visit", village, now + 2 * DAY, "t", NULL, NULL);
    BAD_A(422, "invalid_field", "held_at");
    snprintf(body, sizeof body,
             "{\"kind\":\"visit\",\"village_id\":\"%s\",\"held_at\":\"last week\",\"topic\":"
             "\"t\"}",
             village);
    BAD_A(422, "invalid_field", "held_at");
    snprintf(body, sizeof body, "{\"kind\":\"visit\",\"village_id\":\"%s\",\"topic\":\"t\"}",
             village);
    BAD_A(422, "invalid_field", "held_at");
    snprintf(body, sizeof body, "{\"kind\":\"visit\",\"village_id\":\"%s\",\"held_at\":\"%s\"}",
             village, iso_in(-60));
    BAD_A(422, "invalid_field", "topic");
    snprintf(body, sizeof body,
             "{\"kind\":\"visit\",\"village_id\":\"%s\",\"held_at\":\"%s\",\"topic\":\"t\","
             "\"people_count\":-1}",
             village, iso_in(-60));
    BAD_A(422, "invalid_field", "people_count");
    snprintf(body, sizeof body,
             "{\"kind\":\"visit\",\"village_id\":\"%s\",\"held_at\":\"%s\",\"topic\":\"t\","
             "\"people_count\":\"3\"}",
             village, iso_in(-60));
    BAD_A(422, "invalid_field", "people_count");
    activity_body(body, sizeof body, "visit", village, now - 60, "t", NULL, ",\"place\":\"x\"");
    BAD_A(422, "unknown_field", "place");
    activity_body(body, sizeof body, "visit", village, now - 60, "t", NULL, ",\"client_ref\":\"\"");
    BAD_A(422, "invalid_field", "client_ref");
    activity_body(body, sizeof body, "visit", "nosuchvillage", now - 60, "t", NULL, NULL);
    BAD_A(404, "not_found", T_ANY_FIELD);
    snprintf(body, sizeof body, "{\"kind\":");
    BAD_A(400, "invalid_json", NULL);
#undef BAD_A
    CHECK_INT(count_of("activities"), a0);
    GET_ERR(&yang, "/api/v1/activities/nosuchactivity", 404, "not_found");

#define BAD_K(status, code, field) POST_ERR(&yang, "/api/v1/key-persons", body, status, code, field)
    tmake_id("45010919900101001", bad_id);
    bad_id[17] = bad_id[17] == '0' ? '1' : '0';
    kp_body(body, sizeof body, "KP02", "x", bad_id, village, NULL);
    BAD_K(422, "invalid_id_number", "id_number");
    kp_body(body, sizeof body, "KP02", "x", "4501091990", village, NULL);
    BAD_K(422, "invalid_id_number", "id_number");
    kp_body(body, sizeof body, "KP98", "x", NULL, village, NULL);
    BAD_K(422, "invalid_field", "category");
    snprintf(body, sizeof body, "{\"category\":\"KP02\",\"village_id\":\"%s\"}", village);
    BAD_K(422, "invalid_field", "name");
    snprintf(body, sizeof body, "{\"category\":\"KP02\",\"name\":\"x\"}");
    BAD_K(422, "invalid_field", "village_id");
    kp_body(body, sizeof body, "KP02", "x", NULL, village, ",\"next_due_at\":\"2030-01-01\"");
    BAD_K(422, "unknown_field", "next_due_at");
    kp_body(body, sizeof body, "KP02", "x", NULL, "nosuchvillage", NULL);
    BAD_K(404, "not_found", T_ANY_FIELD);
#undef BAD_K
    CHECK_INT(count_of("key_persons"), k0);
    GET_ERR(&yang, "/api/v1/key-persons/nosuchperson", 404, "not_found");
    struct tresp r;
    tget(&srv, "/api/v1/key-persons", NULL, &r);
    EXPECT_ERROR(&r, 401, "unauthenticated", NULL);
    tresp_free(&r);
}

/* --- idempotent creates ----------------------------------------------------------------- */

static void test_idempotent(void)
{
    char body[1024], first[64] = "";
    struct tresp r;
    long long k0 = count_of("key_persons"), a0 = count_of("activities");
    kp_body(body, sizeof body, "KP12", "独居老人", idnum, village,
            ",\"client_ref\":\"offline-kp-0001\"");
    post(&yang, "/api/v1/key-persons", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(first, sizeof first, r.json, "id");
    tresp_free(&r);
    post(&yang, "/api/v1/key-persons", body, &r);
    if (EXPECT_STATUS(&r, 200)) {
        CHECK_STR(tjs(r.json, "id"), first);
        CHECK_STR(tjs(r.json, "id_number"), idnum);
    }
    tresp_free(&r);
    CHECK_INT(count_of("key_persons"), k0 + 1);

    first[0] = '\0';
    activity_body(body, sizeof body, "visit", village, time(NULL) - 600, "离线补录", NULL,
                  ",\"client_ref\":\"offline-act-0001\"");
    post(&yang, "/api/v1/activities", body, &r);
    if (EXPECT_STATUS(&r, 201))
        copy_id(first, sizeof first, r.json, "id");
    tresp_free(&r);
    post(&yang, "/api/v1/activities", body, &r);
    if (EXPECT_STATUS(&r, 200))
        CHECK_STR(tjs(r.json, "id"), first);
    tresp_free(&r);
    CHECK_INT(count_of("activities"), a0 + 1);
    /* another user, same client_ref: a new record */
    post(&yang2, "/api/v1/activities", body, &r);
    if (EXPECT_STATUS(&r, 201))
        CHECKF(tjs(r.json, "id") && strcmp(tjs(r.json, "id"), first), "a new id");
    tresp_free(&r);
    CHECK_INT(count_of("activities"), a0 + 2);
}

/* --- setup ---------------------------------------------------------------------------- */

static void me_area(const struct tsession *s, char *out, size_t n)
{
    struct tresp r;
    tget(&srv, "/api/v1/me", s->token, &r);
    const char *v = tjs(r.json, "user.area_ids.0");
    snprintf(out, n, "%s", v ? v : "");
    tresp_free(&r);
}

static bool find_officers(void)
{
    bool in = false, out = false;
    for (int i = 1; i <= 8 && !(in && out); i++) {
        char name[32];
        snprintf(name, sizeof name, "officer_pumiao%d", i);
        struct tsession s;
        if (!tlogin(&srv, name, NULL, &s))
            continue;
        struct tresp r;
        tget(&srv, "/api/v1/me", s.token, &r);
        bool has = tarray_has(tj(r.json, "user.area_ids"), village);
        tresp_free(&r);
        if (has && !in) {
            off_in = s;
            in = true;
        } else if (!has && !out) {
            off_out = s;
            out = true;
        }
    }
    return in && out;
}

/* A second assistant of 良信村 (the demo has one per village). */
static bool add_second_assistant(void)
{
    struct tcli c;
    tcli(&c, T_PASSWORD "\n", "user", "add", "--db", srv.db_url, "--username", "yang_second",
         "--name", "梁第二", "--role", "assistant", "--area", "450109100211", "--password-stdin",
         NULL);
    bool ok = CHECKF(c.status == 0, "user add: exit %d: %s", c.status, c.err);
    tcli_free(&c);
    tcli(&c, NULL, "assistant", "set", "--db", srv.db_url, "--username", "yang_second", "--phone",
         "13907710999", NULL);
    ok = CHECKF(c.status == 0, "assistant set: exit %d: %s", c.status, c.err) && ok;
    tcli_free(&c);
    return ok;
}

int main(void)
{
    if (!tserver_setup(&srv, true)) {
        tserver_cleanup(&srv);
        return check_done();
    }
    check_note("backend %s", tserver_backend());
    tmake_id("45010919650520003", idnum);
    snprintf(idnum_masked, sizeof idnum_masked, "%.6s********%.4s", idnum, idnum + 14);
    const char *const env[] = {"CUNJING_LOGIN_IP_RATE_PER_MINUTE=1000",
                               "CUNJING_REMINDERS_INTERVAL_SECONDS=1", NULL};
    if (add_second_assistant() && tserver_start(&srv, env)) {
        bool ok = tlogin(&srv, "yangjianzi", NULL, &yang);
        ok = tlogin(&srv, "yang_second", NULL, &yang2) && ok;
        ok = tlogin(&srv, "a450109100210", NULL, &a_other) && ok;
        ok = tlogin(&srv, "a450109101201", NULL, &a_tl) && ok;
        ok = tlogin(&srv, "chief_pumiao", NULL, &chief) && ok;
        ok = tlogin(&srv, "bureau", NULL, &bureau) && ok;
        ok = tlogin(&srv, "town_pumiao", NULL, &town) && ok;
        ok = tlogin(&srv, "clerk_pumiao", NULL, &clerk) && ok;
        if (ok) {
            me_area(&yang, village, sizeof village);
            me_area(&a_other, village_other, sizeof village_other);
            me_area(&a_tl, village_tl, sizeof village_tl);
            ok = CHECK(village[0] && village_other[0] && village_tl[0]);
            ok = CHECKF(find_officers(), "an officer of 良信村 and one not") && ok;
        }
        if (ok) {
            check_run("categories", test_categories);
            check_run("activities", test_activities);
            check_run("key_persons", test_key_persons);
            check_run("contacts", test_contacts);
            check_run("bad_inputs", test_bad_inputs);
            check_run("idempotent", test_idempotent);
        }
        tserver_stop(&srv);
    }
    tserver_cleanup(&srv);
    return check_done();
}
