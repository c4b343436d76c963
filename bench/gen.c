/*
 * bench-gen: fills a database that already holds the demo district (`cunjing
 * init` + `cunjing demo`) with household applications for the benchmarks, at
 * a named scale: `district` (the 81 demo villages, ~50,000 applications over
 * one year) or `city` (1,500 villages - the missing ones are added under the
 * demo towns - and 1,000,000 applications). Every application has 1-5 history
 * rows consistent with its status, and one in 50 a small JPEG attachment.
 *
 * It writes through the store API (store/db.h) with one prepared INSERT per
 * table and large transactions (BENCH_GEN_BATCH rows each), so generation is
 * bound by SQLite's page writes, not by fsyncs. Personal data is stored the
 * way household.c's set_applicant() stores it: the ID number and phone sealed
 * with the data key (keys_seal), a keyed hash of the ID number, masked copies.
 * Audit rows are not generated (the chain stays the demo's, and verifies).
 *
 * It also writes a TSV of the villages that have an assistant login
 * (area id, 12-digit code, username, rows) for bench/run.sh.
 *
 * Single-threaded; deterministic apart from random ids, nonces and the time.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vips/vips.h>

#include "app/keys.h"
#include "core/rand.h"
#include "core/str.h"
#include "household/household.h"
#include "person/idnum.h"
#include "person/phone.h"
#include "store/db.h"

#define MAX_VILLAGES 20000
#define DAY 86400

struct village {
    char id[RAND_ID_LEN + 1];
    char code[16];
    char user_id[RAND_ID_LEN + 1]; /* the assistant's user id, "" when none */
    char username[64];
    long rows;
};

struct gen {
    struct db *db;
    struct db_conn *c;
    struct keys keys;
    char county[RAND_ID_LEN + 1];
    char fallback_user[RAND_ID_LEN + 1];
    struct village *v;
    size_t nv;
    char (*types)[16];
    size_t ntypes;
    unsigned char *jpeg;
    size_t jpeg_len;
    char jpeg_sha[65];
    uint64_t rng;
    long n_hist, n_att;
};

/* xorshift64*: fast and deterministic (the data's shape, not its secrets). */
static uint64_t rnd(struct gen *g)
{
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static long rnd_below(struct gen *g, long n)
{
    return (long)(rnd(g) % (uint64_t)n);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench-gen: %s\n", what);
    exit(1);
}

static void must(enum err e, const char *what)
{
    if (e != ERR_OK) {
        fprintf(stderr, "bench-gen: %s: %s\n", what, err_code(e));
        exit(1);
    }
}

/* A valid GB 11643 number: address 4501xx, birth 1940-2005, check digit. */
static void make_idnum(struct gen *g, char out[IDNUM_SIZE])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check[] = "10X98765432";
    char tmp[96];
    snprintf(tmp, sizeof tmp, "4501%02ld%04ld%02ld%02ld%03ld", 1 + rnd_below(g, 30),
             1940 + rnd_below(g, 66), 1 + rnd_below(g, 12), 1 + rnd_below(g, 28),
             rnd_below(g, 1000));
    snprintf(out, IDNUM_SIZE, "%.17s", tmp);
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (out[i] - '0') * w[i];
    out[17] = check[sum % 11];
    out[18] = '\0';
}

static const char *const surnames[] = {"韦", "黄", "覃", "陆", "莫", "蒙", "梁", "李",
                                       "卢", "潘", "农", "罗", "廖", "甘", "谢", "林"};
static const char *const given[] = {"建华", "志强", "秀兰", "海燕", "文军", "明辉", "丽萍",
                                    "国庆", "春梅", "永福", "桂英", "德胜", "小勇", "金凤"};

/* --- reading what the demo made ------------------------------------------- */

static void load_ref(struct gen *g)
{
    struct db_stmt *s = db_prepare(g->c, "SELECT id FROM areas WHERE level = 'county' "
                                         "ORDER BY code LIMIT 1");
    if (!s || db_step(s) != DB_ROW)
        die("no county: run `cunjing init` and `cunjing demo` first");
    snprintf(g->county, sizeof g->county, "%s", db_col_text(s, 0));
    db_finish(s);

    s = db_prepare(g->c, "SELECT id FROM users WHERE role = 'assistant' ORDER BY username LIMIT 1");
    if (!s || db_step(s) != DB_ROW)
        die("no assistant: run `cunjing demo` first");
    snprintf(g->fallback_user, sizeof g->fallback_user, "%s", db_col_text(s, 0));
    db_finish(s);

    s = db_prepare(g->c, "SELECT code FROM household_types ORDER BY code");
    g->types = calloc(64, sizeof *g->types);
    while (s && db_step(s) == DB_ROW && g->ntypes < 64)
        snprintf(g->types[g->ntypes++], 16, "%s", db_col_text(s, 0));
    db_finish(s);
    if (!g->ntypes)
        die("no household types");
}

/*
 * The villages, demo ones first; their assistant is a<code> or, for the
 * demo's named one (450109100211), yangjianzi.
 */
static void load_villages(struct gen *g)
{
    g->nv = 0;
    struct db_stmt *s = db_prepare(
        g->c, "SELECT a.id, COALESCE(a.code, ''), COALESCE(u.id, ''), COALESCE(u.username, '') "
              "FROM areas a LEFT JOIN users u ON u.role = 'assistant' AND "
              "(u.username = 'a' || a.code OR (a.code = '450109100211' AND "
              "u.username = 'yangjianzi')) "
              "WHERE a.level IN ('village', 'community') ORDER BY u.id IS NULL, a.code");
    while (s && db_step(s) == DB_ROW && g->nv < MAX_VILLAGES) {
        struct village *v = &g->v[g->nv++];
        memset(v, 0, sizeof *v);
        snprintf(v->id, sizeof v->id, "%s", db_col_text(s, 0));
        snprintf(v->code, sizeof v->code, "%s", db_col_text(s, 1));
        snprintf(v->user_id, sizeof v->user_id, "%s", db_col_text(s, 2));
        snprintf(v->username, sizeof v->username, "%s", db_col_text(s, 3));
    }
    db_finish(s);
    if (!g->nv)
        die("no villages: run `cunjing demo` first");
}

/* Adds synthetic villages under the demo towns until there are `want`. */
static void add_villages(struct gen *g, size_t want)
{
    if (g->nv >= want)
        return;
    char(*town_id)[RAND_ID_LEN + 1] = calloc(64, sizeof *town_id);
    char(*town_path)[512] = calloc(64, sizeof *town_path);
    int town_depth[64];
    size_t nt = 0;
    struct db_stmt *s =
        db_prepare(g->c, "SELECT id, path, depth FROM areas WHERE level = 'town' ORDER BY code");
    while (s && db_step(s) == DB_ROW && nt < 64) {
        snprintf(town_id[nt], RAND_ID_LEN + 1, "%s", db_col_text(s, 0));
        snprintf(town_path[nt], 512, "%s", db_col_text(s, 1));
        town_depth[nt] = (int)db_col_int64(s, 2);
        nt++;
    }
    db_finish(s);
    if (!nt)
        die("no towns");
    must(db_begin(g->c, true), "begin");
    for (size_t i = g->nv, k = 0; i < want; i++, k++) {
        size_t t = k % nt;
        char id[RAND_ID_LEN + 1], code[32], name[64], path[600];
        rand_id(id);
        /* 4501099 is no real town code: no clash with the demo's divisions */
        snprintf(code, sizeof code, "4501099%05u", (unsigned)(k % 100000));
        snprintf(name, sizeof name, "基准村%05zu", k);
        snprintf(path, sizeof path, "%s%s/", town_path[t], id);
        s = db_prepare(g->c, "INSERT INTO areas (id, code, level, name, parent_id, path, depth, "
                             "created_at) VALUES ($1, $2, 'village', $3, $4, $5, $6, $7)");
        db_bind_text(s, 1, id);
        db_bind_text(s, 2, code);
        db_bind_text(s, 3, name);
        db_bind_text(s, 4, town_id[t]);
        db_bind_text(s, 5, path);
        db_bind_int64(s, 6, town_depth[t] + 1);
        db_bind_int64(s, 7, (int64_t)time(NULL));
        if (db_step(s) != DB_DONE)
            must(db_stmt_err(s), "insert area");
        db_finish(s);
    }
    must(db_commit(g->c), "commit areas");
    free(town_id);
    free(town_path);
    load_villages(g);
}

/* A small real JPEG (320x240 gradient), made once with libvips. */
static void make_jpeg(struct gen *g)
{
    VipsImage *img = NULL;
    if (vips_xyz(&img, 320, 240, NULL))
        die("vips_xyz");
    VipsImage *band = NULL;
    vips_extract_band(img, &band, 0, NULL);
    VipsImage *u8 = NULL;
    vips_cast_uchar(band, &u8, NULL);
    void *buf = NULL;
    size_t len = 0;
    if (vips_jpegsave_buffer(u8, &buf, &len, "Q", 75, NULL))
        die("vips_jpegsave_buffer");
    g->jpeg = buf;
    g->jpeg_len = len;
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, buf, len);
    str_hex(h, sizeof h, g->jpeg_sha);
    g_object_unref(u8);
    g_object_unref(band);
    g_object_unref(img);
}

/* --- the rows ------------------------------------------------------------- */

static const char *const chain[] = {"draft", "submitted", "accepted", "approved", "completed"};

static void insert_history(struct gen *g, const char *app_id, int seq, int64_t at,
                           const struct village *v, const char *action, const char *from,
                           const char *to)
{
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    struct db_stmt *s = db_prepare(
        g->c, "INSERT INTO household_history (id, application_id, seq, at, actor_id, actor_name, "
              "role, action, from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, "
              "$8, $9, $10, NULL)");
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, app_id);
    db_bind_int64(s, 3, seq);
    db_bind_int64(s, 4, at);
    db_bind_text(s, 5, seq == 1 ? (v->user_id[0] ? v->user_id : g->fallback_user) : NULL);
    db_bind_text(s, 6, seq == 1 ? "警务助理" : "派出所");
    db_bind_text(s, 7, seq == 1 ? "assistant" : "clerk");
    db_bind_text(s, 8, action);
    db_bind_text(s, 9, from);
    db_bind_text(s, 10, to);
    if (db_step(s) != DB_DONE)
        must(db_stmt_err(s), "insert history");
    db_finish(s);
    g->n_hist++;
}

static void insert_attachment(struct gen *g, const char *app_id, const char *user, int64_t at)
{
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    struct db_stmt *s = db_prepare(
        g->c, "INSERT INTO attachments (id, owner_type, owner_id, kind, content_type, size, "
              "sha256, data, thumb, thumb_type, created_by, created_at) VALUES ($1, 'household', "
              "$2, 'hukou', 'image/jpeg', $3, $4, $5, NULL, NULL, $6, $7)");
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, app_id);
    db_bind_int64(s, 3, (int64_t)g->jpeg_len);
    db_bind_text(s, 4, g->jpeg_sha);
    db_bind_blob(s, 5, g->jpeg, g->jpeg_len);
    db_bind_text(s, 6, user);
    db_bind_int64(s, 7, at);
    if (db_step(s) != DB_DONE)
        must(db_stmt_err(s), "insert attachment");
    db_finish(s);
    g->n_att++;
}

static void insert_app(struct gen *g, long i, int64_t t0, int64_t span)
{
    struct village *v = &g->v[rnd_below(g, (long)g->nv)];
    v->rows++;
    const char *user = v->user_id[0] ? v->user_id : g->fallback_user;
    char id[RAND_ID_LEN + 1], number[64], idn[IDNUM_SIZE], hmac[65], masked[24], last4[8];
    char phone[16], phone_masked[24], name[32];
    rand_id(id);
    int64_t created = t0 + (int64_t)((double)span * (double)i / 1e9) + rnd_below(g, 600);
    struct tm tm;
    time_t ct = (time_t)created;
    gmtime_r(&ct, &tm);
    snprintf(number, sizeof number, "HJ%04d%02d%02d%08ld", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, i % 100000000);
    make_idnum(g, idn);
    household_id_hmac(&g->keys, idn, hmac);
    idnum_mask(idn, masked, sizeof masked);
    snprintf(last4, sizeof last4, "%s", idn + 14);
    char ptmp[64];
    snprintf(ptmp, sizeof ptmp, "1%ld%09ld", 3 + rnd_below(g, 7), rnd_below(g, 1000000000));
    snprintf(phone, sizeof phone, "%.11s", ptmp);
    phone_mask(phone, phone_masked, sizeof phone_masked);
    snprintf(name, sizeof name, "%s%s", surnames[rnd_below(g, 16)], given[rnd_below(g, 14)]);
    char *id_sealed = keys_seal(&g->keys, idn, strlen(idn));
    char *ph_sealed = keys_seal(&g->keys, phone, strlen(phone));

    /* status: most are finished, a tail in flight, a few returned/rejected */
    long r = rnd_below(g, 100);
    int steps; /* index into chain[] reached */
    const char *status;
    if (r < 55)
        steps = 4;
    else if (r < 65)
        steps = 3;
    else if (r < 75)
        steps = 2;
    else if (r < 85)
        steps = 1;
    else
        steps = 0;
    status = chain[steps];
    const char *odd = NULL;
    if (r >= 95 && r < 98)
        odd = "returned";
    else if (r >= 98)
        odd = "rejected";
    int64_t at[5];
    at[0] = created;
    for (int k = 1; k < 5; k++)
        at[k] = at[k - 1] + 3600 + rnd_below(g, 3 * DAY);
    int64_t submitted = steps >= 1 ? at[1] : 0;
    int64_t due = steps >= 1 ? submitted + 20 * DAY : 0;
    if (odd && steps == 0) {
        steps = 1;
        submitted = at[1];
        due = submitted + 20 * DAY;
    }
    if (odd)
        status = odd;
    int64_t updated = odd ? at[steps] + DAY : at[steps];
    int64_t closed = (!strcmp(status, "completed") || !strcmp(status, "rejected")) ? updated : 0;

    struct db_stmt *s = db_prepare(
        g->c,
        "INSERT INTO household_applications (id, county_id, number, business_type, village_id, "
        "status, applicant_name, applicant_id_sealed, applicant_id_hmac, applicant_id_masked, "
        "applicant_id_last4, applicant_phone_sealed, applicant_phone_masked, details, created_by, "
        "first_submitted_at, submitted_at, due_at, accepted_at, approved_at, completed_at, "
        "closed_at, last_reason, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
        "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, "
        "$25, $26)");
    if (!s)
        die("prepare insert");
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, g->county);
    db_bind_text(s, 3, number);
    db_bind_text(s, 4, g->types[rnd_below(g, (long)g->ntypes)]);
    db_bind_text(s, 5, v->id);
    db_bind_text(s, 6, status);
    db_bind_text(s, 7, name);
    db_bind_text(s, 8, id_sealed);
    db_bind_text(s, 9, hmac);
    db_bind_text(s, 10, masked);
    db_bind_text(s, 11, last4);
    db_bind_text(s, 12, ph_sealed);
    db_bind_text(s, 13, phone_masked);
    db_bind_text(s, 14, "{\"reason\":\"bench\"}");
    db_bind_text(s, 15, user);
#define OPT(n, x) ((x) ? db_bind_int64(s, n, x) : db_bind_null(s, n))
    OPT(16, submitted);
    OPT(17, submitted);
    OPT(18, due);
    OPT(19, steps >= 2 && !odd ? at[2] : 0);
    OPT(20, steps >= 3 && !odd ? at[3] : 0);
    OPT(21, steps >= 4 && !odd ? at[4] : 0);
    OPT(22, closed);
#undef OPT
    db_bind_text(s, 23, odd ? "材料不全" : NULL);
    db_bind_int64(s, 24, 1 + steps);
    db_bind_int64(s, 25, created);
    db_bind_int64(s, 26, updated);
    if (db_step(s) != DB_DONE)
        must(db_stmt_err(s), "insert application");
    db_finish(s);
    free(id_sealed);
    free(ph_sealed);

    static const char *const actions[] = {"create", "submit", "accept", "approve", "complete"};
    for (int k = 0; k <= steps; k++) {
        const char *to = k == steps && odd ? odd : chain[k];
        insert_history(g, id, k + 1, at[k], v,
                       odd && k == steps ? (odd[2] == 't' ? "return" : "reject") : actions[k],
                       k ? chain[k - 1] : NULL, to);
    }
    if (g->jpeg && rnd_below(g, 50) == 0)
        insert_attachment(g, id, user, created);
}

static void usage(void)
{
    fprintf(stderr, "usage: bench-gen --db URL --scale district|city [--rows N] [--villages N]\n"
                    "                 [--keys FILE] [--villages-out FILE] [--no-attachments]\n"
                    "The database must hold the demo district (cunjing init + cunjing demo).\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *url = NULL, *scale = "district", *keyfile = NULL, *vout = NULL;
    long rows = -1, villages = -1;
    bool attach = true;
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},       {"scale", required_argument, NULL, 's'},
        {"rows", required_argument, NULL, 'r'},     {"villages", required_argument, NULL, 'v'},
        {"keys", required_argument, NULL, 'k'},     {"villages-out", required_argument, NULL, 'o'},
        {"no-attachments", no_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            url = optarg;
            break;
        case 's':
            scale = optarg;
            break;
        case 'r':
            rows = atol(optarg);
            break;
        case 'v':
            villages = atol(optarg);
            break;
        case 'k':
            keyfile = optarg;
            break;
        case 'o':
            vout = optarg;
            break;
        case 'n':
            attach = false;
            break;
        default:
            usage();
        }
    }
    if (!url)
        usage();
    if (!strcmp(scale, "district")) {
        rows = rows < 0 ? 50000 : rows;
        villages = villages < 0 ? 81 : villages;
    } else if (!strcmp(scale, "city")) {
        rows = rows < 0 ? 1000000 : rows;
        villages = villages < 0 ? 1500 : villages;
    } else if (!strcmp(scale, "province")) {
        rows = rows < 0 ? 10000000 : rows;
        villages = villages < 0 ? 15000 : villages;
    } else {
        usage();
    }
    if (sodium_init() < 0 || VIPS_INIT(argv[0]))
        die("library init");

    struct gen g = {.rng = 0x9e3779b97f4a7c15ULL};
    g.v = calloc(MAX_VILLAGES, sizeof *g.v);
    struct errinfo ei = {0};
    if (db_open(url, 1, false, &g.db, &ei) != ERR_OK) {
        fprintf(stderr, "bench-gen: %s: %s\n", url, ei.message);
        return 1;
    }
    char *kpath = NULL;
    if (!keyfile && getenv("CUNJING_KEYS_FILE"))
        keyfile = getenv("CUNJING_KEYS_FILE");
    if (!keyfile && db_sqlite_path(g.db))
        keyfile = kpath = keys_default_path(db_sqlite_path(g.db));
    if (!keyfile)
        die("--keys FILE (or CUNJING_KEYS_FILE) is needed for this database");
    if (keys_load(&g.keys, keyfile, false, &ei) != ERR_OK) {
        fprintf(stderr, "bench-gen: %s: %s\n", keyfile, ei.message);
        return 1;
    }
    g.c = db_acquire(g.db);
    load_ref(&g);
    load_villages(&g);
    add_villages(&g, (size_t)villages);
    if (attach)
        make_jpeg(&g);

    long batch = getenv("BENCH_GEN_BATCH") ? atol(getenv("BENCH_GEN_BATCH")) : 20000;
    if (batch < 1)
        batch = 20000;
    int64_t t_end = (int64_t)time(NULL) - DAY * 7;
    int64_t span = 365 * (int64_t)DAY;
    double t0 = now_s();
    for (long i = 0; i < rows;) {
        must(db_begin(g.c, true), "begin");
        for (long k = 0; k < batch && i < rows; k++, i++)
            insert_app(&g, (long)((double)i * 1e9 / (double)rows), t_end - span, span);
        must(db_commit(g.c), "commit");
        if (rows >= 200000 && i % 200000 == 0)
            fprintf(stderr, "bench-gen: %ld rows, %.0f rows/s\n", i, (double)i / (now_s() - t0));
    }
    must(db_exec_simple(g.c, "ANALYZE"), "analyze");
    double dt = now_s() - t0;
    printf("{\"scale\":\"%s\",\"villages\":%zu,\"applications\":%ld,\"history\":%ld,"
           "\"attachments\":%ld,\"seconds\":%.2f,\"applications_per_s\":%.0f,"
           "\"rows_per_s\":%.0f}\n",
           scale, g.nv, rows, g.n_hist, g.n_att, dt, (double)rows / dt,
           (double)(rows + g.n_hist + g.n_att) / dt);

    if (vout) {
        FILE *f = fopen(vout, "w");
        if (!f)
            die("cannot write --villages-out");
        for (size_t i = 0; i < g.nv; i++)
            if (g.v[i].username[0])
                fprintf(f, "%s\t%s\t%s\t%ld\n", g.v[i].id, g.v[i].code, g.v[i].username,
                        g.v[i].rows);
        fclose(f);
    }
    db_release(g.c);
    db_close(g.db);
    keys_release(&g.keys);
    free(kpath);
    g_free(g.jpeg);
    free(g.types);
    free(g.v);
    return 0;
}
