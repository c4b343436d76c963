/*
 * `cunjing import divisions`: loads a division tree from a CSV in the format
 * of shared/domain/yongning-divisions.csv. The file is parsed first (a pure
 * row parser, unit-tested on its own), then merged in memory with every area
 * already stored, so that rows may come in any order and name parents that
 * are in the file or in the database. Only when the merged tree is sound (no
 * unknown parent, duplicate, cycle or level out of order) is anything
 * written, all in one write transaction with its audit record: a bad row
 * leaves the database as it was, and the same file imported twice changes
 * nothing. Natural villages have no official code and are keyed by their
 * parent and name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/str.h"
#include "org/org_int.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define MAX_COLS 64

/* --- levels and the row parser ------------------------------------------- */

static const struct {
    const char *name;
    int rank;
} levels[] = {
    {"province", 0},  {"city", 1},    {"county", 2},          {"town", 3},
    {"community", 4}, {"village", 4}, {"natural_village", 5},
};

int org_level_rank(const char *level)
{
    if (!level)
        return -1;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (strcmp(levels[i].name, level) == 0)
            return levels[i].rank;
    return -1;
}

static void strip_cr(char *line)
{
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r')
        line[n - 1] = '\0';
}

/* Splits line at every ',' (in place); returns the number of fields, which may exceed max. */
static int split(char *line, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n < max)
            fields[n] = p;
        n++;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static bool is_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

enum err divisions_parse_header(char *line, struct divisions_header *h, struct errinfo *ei)
{
    static const char *const need[] = {"code", "level", "name_zh", "parent_code"};
    if ((unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
        (unsigned char)line[2] == 0xBF)
        memmove(line, line + 3, strlen(line + 3) + 1);
    strip_cr(line);
    char *f[MAX_COLS];
    int n = split(line, f, MAX_COLS);
    if (n > MAX_COLS)
        return err_set(ei, ERR_INVALID, NULL, "too many columns (max %d)", MAX_COLS);
    if (n < 4)
        return err_set(ei, ERR_INVALID, NULL,
                       "header must start with code,level,name_zh,parent_code");
    for (int i = 0; i < 4; i++)
        if (strcmp(f[i], need[i]) != 0)
            return err_set(ei, ERR_INVALID, NULL,
                           "header must start with code,level,name_zh,parent_code");
    h->n_cols = n;
    h->short_name = -1;
    h->urban_rural_code = -1;
    for (int i = 4; i < n; i++) {
        if (strcmp(f[i], "short_name") == 0 && h->short_name < 0)
            h->short_name = i;
        else if (strcmp(f[i], "urban_rural_code") == 0 && h->urban_rural_code < 0)
            h->urban_rural_code = i;
    }
    return ERR_OK;
}

static bool name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > DIVISIONS_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

enum err divisions_parse_row(char *line, const struct divisions_header *h, struct division_row *out,
                             struct errinfo *ei)
{
    strip_cr(line);
    if (!str_utf8_valid(line, strlen(line)))
        return err_set(ei, ERR_INVALID, NULL, "invalid UTF-8");
    char *f[MAX_COLS];
    int n = split(line, f, MAX_COLS);
    if (n != h->n_cols)
        return err_set(ei, ERR_INVALID, NULL, "expected %d columns, found %d", h->n_cols, n);
    const char *code = f[0], *level = f[1], *name = f[2], *parent = f[3];
    int rank = org_level_rank(level);
    if (rank < 0)
        return err_set(ei, ERR_INVALID, NULL, "unknown level \"%.20s\"", level);
    bool nv = rank == 5;
    if (nv && *code)
        return err_set(ei, ERR_INVALID, NULL, "a natural_village has no code");
    if (!nv && !is_digits(code, 12, 12))
        return err_set(ei, ERR_INVALID, NULL, "bad code \"%.20s\" (12 digits expected)", code);
    if (*parent && !is_digits(parent, 12, 12))
        return err_set(ei, ERR_INVALID, NULL, "bad parent_code \"%.20s\" (12 digits expected)",
                       parent);
    if (nv && !*parent)
        return err_set(ei, ERR_INVALID, NULL, "a natural_village needs a parent_code");
    if (*parent && strcmp(parent, code) == 0)
        return err_set(ei, ERR_INVALID, NULL, "cycle: %s is its own parent", code);
    if (!*name)
        return err_set(ei, ERR_INVALID, NULL, "empty name_zh");
    if (!name_ok(name))
        return err_set(ei, ERR_INVALID, NULL, "name_zh too long or with control characters");
    const char *sn = h->short_name >= 0 && *f[h->short_name] ? f[h->short_name] : NULL;
    if (sn && !name_ok(sn))
        return err_set(ei, ERR_INVALID, NULL, "short_name too long or with control characters");
    const char *urc =
        h->urban_rural_code >= 0 && *f[h->urban_rural_code] ? f[h->urban_rural_code] : NULL;
    if (urc && !is_digits(urc, 3, 3))
        return err_set(ei, ERR_INVALID, NULL, "bad urban_rural_code \"%.10s\" (3 digits expected)",
                       urc);
    out->code = code;
    out->level = level;
    out->name = name;
    out->parent_code = parent;
    out->short_name = sn;
    out->urban_rural_code = urc;
    return ERR_OK;
}

/* --- a small string -> int hash map ---------------------------------------- */

struct smap {
    char **keys; /* owned */
    int *vals;
    size_t cap; /* power of two */
    size_t n;
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static void smap_init(struct smap *m)
{
    m->cap = 1024;
    m->n = 0;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
}

static void smap_release(struct smap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t smap_slot(const struct smap *m, const char *key)
{
    size_t i = (size_t)hash_str(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The value of key, or -1. */
static int smap_get(const struct smap *m, const char *key)
{
    size_t i = smap_slot(m, key);
    return m->keys[i] ? m->vals[i] : -1;
}

static void smap_put(struct smap *m, const char *key, int val)
{
    if ((m->n + 1) * 2 > m->cap) {
        struct smap big = {xcalloc(m->cap * 2, sizeof(char *)), xcalloc(m->cap * 2, sizeof(int)),
                           m->cap * 2, 0};
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->keys[i])
                continue;
            size_t j = smap_slot(&big, m->keys[i]);
            big.keys[j] = m->keys[i];
            big.vals[j] = m->vals[i];
            big.n++;
        }
        free(m->keys);
        free(m->vals);
        *m = big;
    }
    size_t i = smap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = xstrdup(key);
        m->n++;
    }
    m->vals[i] = val;
}

/* --- the merged tree ------------------------------------------------------ */

struct dnode {
    char id[RAND_ID_LEN + 1];
    char *code; /* NULL for natural villages */
    char *level;
    char *name;
    char *short_name;
    char *urc;
    char *parent_code; /* "" for a root */
    int parent;        /* index, -1 for a root */
    int line;          /* line in the file, 0 when only in the database */
    bool in_db;
    /* the stored row, to tell what changed */
    char *db_level, *db_name, *db_short, *db_urc, *db_parent_id, *db_path;
    /* computed */
    char *path;
    int depth;
    int mark; /* 0 new, 1 on the current walk, 2 path known */
};

struct import {
    struct ctx *ctx;
    const struct divisions_header *h;
    struct division_row *rows;
    int *row_lines;
    int n_rows;
    struct dnode *nodes;
    int n_nodes, cap_nodes;
    struct smap by_code, by_id, by_nv;
    struct divisions_result res;
};

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static bool same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int node_new(struct import *im)
{
    if (im->n_nodes == im->cap_nodes) {
        im->cap_nodes = im->cap_nodes ? im->cap_nodes * 2 : 256;
        im->nodes = xrealloc(im->nodes, (size_t)im->cap_nodes * sizeof *im->nodes);
    }
    struct dnode *n = &im->nodes[im->n_nodes];
    memset(n, 0, sizeof *n);
    n->parent = -1;
    return im->n_nodes++;
}

static void nodes_free(struct import *im)
{
    for (int i = 0; i < im->n_nodes; i++) {
        struct dnode *n = &im->nodes[i];
        free(n->code);
        free(n->level);
        free(n->name);
        free(n->short_name);
        free(n->urc);
        free(n->parent_code);
        free(n->db_level);
        free(n->db_name);
        free(n->db_short);
        free(n->db_urc);
        free(n->db_parent_id);
        free(n->db_path);
        free(n->path);
    }
    free(im->nodes);
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = dup_or_null(v);
}

/* Key of a natural village: its parent's code and its name. */
static char *nv_key(const char *parent_code, const char *name)
{
    return xasprintf("%s\x1f%s", parent_code, name);
}

static enum err load_db_area(const struct area_full *a, void *arg)
{
    struct import *im = arg;
    int i = node_new(im);
    struct dnode *n = &im->nodes[i];
    snprintf(n->id, sizeof n->id, "%s", a->id);
    n->in_db = true;
    n->code = dup_or_null(a->code);
    n->level = xstrdup(a->level);
    n->name = xstrdup(a->name);
    n->short_name = dup_or_null(a->short_name);
    n->urc = dup_or_null(a->urban_rural_code);
    n->db_level = xstrdup(a->level);
    n->db_name = xstrdup(a->name);
    n->db_short = dup_or_null(a->short_name);
    n->db_urc = dup_or_null(a->urban_rural_code);
    n->db_parent_id = dup_or_null(a->parent_id);
    n->db_path = xstrdup(a->path);
    smap_put(&im->by_id, a->id, i);
    if (a->code)
        smap_put(&im->by_code, a->code, i);
    return ERR_OK;
}

/* Gives stored nodes their parent's code and keys stored natural villages. */
static void index_db_nodes(struct import *im)
{
    for (int i = 0; i < im->n_nodes; i++) {
        struct dnode *n = &im->nodes[i];
        int p = n->db_parent_id ? smap_get(&im->by_id, n->db_parent_id) : -1;
        const char *pcode = "";
        if (p >= 0)
            pcode = im->nodes[p].code ? im->nodes[p].code : im->nodes[p].id;
        n->parent_code = xstrdup(pcode);
        if (!n->code) {
            char *k = nv_key(pcode, n->name);
            smap_put(&im->by_nv, k, i);
            free(k);
        }
    }
}

static enum err fail_line(struct import *im, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum err fail_line(struct import *im, int line, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return err_set(&im->ctx->err, ERR_INVALID, NULL, "line %d: %s", line, why);
}

/* Applies the file's rows to the merged tree. */
static enum err merge_rows(struct import *im)
{
    for (int r = 0; r < im->n_rows; r++) {
        const struct division_row *row = &im->rows[r];
        int line = im->row_lines[r];
        bool nv = !*row->code;
        char *k = nv ? nv_key(row->parent_code, row->name) : NULL;
        int i = nv ? smap_get(&im->by_nv, k) : smap_get(&im->by_code, row->code);
        if (i >= 0 && im->nodes[i].line > 0) {
            char other[16];
            snprintf(other, sizeof other, "%d", im->nodes[i].line);
            free(k);
            return nv ? fail_line(im, line, "duplicate natural_village (same as line %s)", other)
                      : fail_line(im, line, "duplicate code %s (same as line %s)", row->code,
                                  other);
        }
        if (i < 0) {
            i = node_new(im);
            rand_id(im->nodes[i].id);
            im->nodes[i].code = nv ? NULL : xstrdup(row->code);
            if (nv)
                smap_put(&im->by_nv, k, i);
            else
                smap_put(&im->by_code, row->code, i);
        }
        free(k);
        struct dnode *n = &im->nodes[i];
        n->line = line;
        set_str(&n->level, row->level);
        set_str(&n->name, row->name);
        set_str(&n->parent_code, row->parent_code);
        if (im->h->short_name >= 0)
            set_str(&n->short_name, row->short_name);
        if (im->h->urban_rural_code >= 0)
            set_str(&n->urc, row->urban_rural_code);
    }
    return ERR_OK;
}

static enum err resolve_parents(struct import *im)
{
    for (int i = 0; i < im->n_nodes; i++) {
        struct dnode *n = &im->nodes[i];
        if (!*n->parent_code)
            continue;
        int p = smap_get(&im->by_code, n->parent_code);
        if (p < 0 && n->in_db && n->db_parent_id)
            p = smap_get(&im->by_id, n->db_parent_id); /* a parent without a code */
        if (p < 0)
            return fail_line(im, n->line, "unknown parent_code %s", n->parent_code);
        n->parent = p;
    }
    return ERR_OK;
}

/* Computes paths, refusing cycles; a cycle always runs through a file row. */
static enum err compute_paths(struct import *im)
{
    int *chain = xmalloc((size_t)(im->n_nodes + 1) * sizeof *chain);
    enum err e = ERR_OK;
    for (int i = 0; i < im->n_nodes && e == ERR_OK; i++) {
        int len = 0, cur = i;
        while (cur >= 0 && im->nodes[cur].mark == 0) {
            im->nodes[cur].mark = 1;
            chain[len++] = cur;
            cur = im->nodes[cur].parent;
        }
        if (cur >= 0 && im->nodes[cur].mark == 1) {
            int line = 0;
            for (int k = 0; k < len; k++)
                if (im->nodes[chain[k]].line > 0 && (line == 0 || im->nodes[chain[k]].line < line))
                    line = im->nodes[chain[k]].line;
            e = fail_line(im, line, "cycle in parent_code through %s",
                          im->nodes[cur].code ? im->nodes[cur].code : im->nodes[cur].name);
            break;
        }
        for (int k = len - 1; k >= 0; k--) {
            struct dnode *n = &im->nodes[chain[k]];
            if (n->parent < 0) {
                n->path = xasprintf("/%s/", n->id);
                n->depth = 0;
            } else {
                const struct dnode *p = &im->nodes[n->parent];
                n->path = xasprintf("%s%s/", p->path, n->id);
                n->depth = p->depth + 1;
            }
            n->mark = 2;
        }
    }
    free(chain);
    return e;
}

static enum err check_levels(struct import *im)
{
    for (int i = 0; i < im->n_nodes; i++) {
        const struct dnode *n = &im->nodes[i];
        if (n->parent < 0)
            continue;
        const struct dnode *p = &im->nodes[n->parent];
        if (org_level_rank(n->level) > org_level_rank(p->level))
            continue;
        int line = n->line > 0 ? n->line : p->line;
        return fail_line(im, line, "a %s cannot be under a %s", n->level, p->level);
    }
    return ERR_OK;
}

/* Siblings must have distinct names (UNIQUE (parent_id, name)). */
static enum err check_sibling_names(struct import *im)
{
    struct smap seen;
    smap_init(&seen);
    enum err e = ERR_OK;
    for (int i = 0; i < im->n_nodes && e == ERR_OK; i++) {
        const struct dnode *n = &im->nodes[i];
        if (n->parent < 0)
            continue;
        char *k = xasprintf("%s\x1f%s", im->nodes[n->parent].id, n->name);
        int j = smap_get(&seen, k);
        if (j >= 0) {
            int line = n->line > im->nodes[j].line ? n->line : im->nodes[j].line;
            e = fail_line(im, line, "two areas named %s under the same parent", n->name);
        } else {
            smap_put(&seen, k, i);
        }
        free(k);
    }
    smap_release(&seen);
    return e;
}

static bool node_changed(const struct import *im, const struct dnode *n)
{
    const char *pid = n->parent >= 0 ? im->nodes[n->parent].id : NULL;
    return !same(n->level, n->db_level) || !same(n->name, n->db_name) ||
           !same(n->short_name, n->db_short) || !same(n->urc, n->db_urc) ||
           !same(pid, n->db_parent_id) || !same(n->path, n->db_path);
}

/* Writes new and changed areas, parents before children. */
static enum err write_nodes(struct tx *tx, struct import *im)
{
    int64_t now = clock_now();
    for (int depth = 0; depth <= 8; depth++) {
        for (int i = 0; i < im->n_nodes; i++) {
            struct dnode *n = &im->nodes[i];
            if (n->depth != depth)
                continue;
            bool insert = !n->in_db;
            if (!insert && !node_changed(im, n))
                continue;
            struct area_full a = {
                .id = n->id,
                .code = n->code,
                .level = n->level,
                .name = n->name,
                .short_name = n->short_name,
                .parent_id = n->parent >= 0 ? im->nodes[n->parent].id : NULL,
                .path = n->path,
                .depth = n->depth,
                .urban_rural_code = n->urc,
            };
            enum err e = insert ? area_repo_insert(tx, &a, now) : area_repo_update(tx, &a);
            if (e != ERR_OK)
                return err_set(&im->ctx->err, e, NULL, "line %d: could not store the area",
                               n->line);
            if (insert)
                im->res.added++;
            else
                im->res.updated++;
        }
    }
    return ERR_OK;
}

static enum err import_tx(struct tx *tx, void *arg)
{
    struct import *im = arg;
    im->res.added = im->res.updated = 0;
    smap_init(&im->by_code);
    smap_init(&im->by_id);
    smap_init(&im->by_nv);
    enum err e = area_repo_each(tx, load_db_area, im);
    if (e == ERR_OK) {
        index_db_nodes(im);
        e = merge_rows(im);
    }
    if (e == ERR_OK)
        e = resolve_parents(im);
    if (e == ERR_OK)
        e = compute_paths(im);
    if (e == ERR_OK)
        e = check_levels(im);
    if (e == ERR_OK)
        e = check_sibling_names(im);
    if (e == ERR_OK)
        e = write_nodes(tx, im);
    if (e == ERR_OK) {
        char obj[64];
        snprintf(obj, sizeof obj, "divisions/%d+%d", im->res.added, im->res.updated);
        e = audit_append(tx, im->ctx, "area.import", obj, "ok");
    }
    nodes_free(im);
    im->nodes = NULL;
    im->n_nodes = im->cap_nodes = 0;
    smap_release(&im->by_code);
    smap_release(&im->by_id);
    smap_release(&im->by_nv);
    return e;
}

/* Reads the whole file (at most DIVISIONS_MAX_BYTES) into a NUL-terminated buffer. */
static enum err read_file(const char *path, char **out, size_t *len, struct errinfo *ei)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(ei, ERR_NOT_FOUND, "file", "cannot open %.200s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return err_set(ei, ERR_INVALID, "file", "%.200s is not a regular file", path);
    }
    if ((uint64_t)st.st_size > DIVISIONS_MAX_BYTES) {
        fclose(f);
        return err_set(ei, ERR_TOO_LARGE, "file", "%.200s is larger than 16 MiB", path);
    }
    size_t n = (size_t)st.st_size;
    char *buf = xmalloc(n + 1);
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    if (got != n) {
        free(buf);
        return err_set(ei, ERR_INVALID, "file", "could not read %.200s", path);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return ERR_OK;
}

enum err org_import_divisions(struct ctx *ctx, const char *csv_path, struct divisions_result *out)
{
    char *buf = NULL;
    size_t len = 0;
    enum err e = read_file(csv_path, &buf, &len, &ctx->err);
    if (e != ERR_OK)
        return e;
    struct import im = {.ctx = ctx};
    struct divisions_header h;
    im.h = &h;
    if (strlen(buf) != len) {
        e = err_set(&ctx->err, ERR_INVALID, "file", "the file contains a NUL byte");
        goto out;
    }
    char *p = buf;
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    e = divisions_parse_header(p, &h, &ctx->err);
    if (e != ERR_OK) {
        char why[sizeof ctx->err.message];
        snprintf(why, sizeof why, "%s", ctx->err.message);
        e = err_set(&ctx->err, e, NULL, "line 1: %s", why);
        goto out;
    }
    int line = 1, cap = 0;
    while (nl) {
        p = nl + 1;
        line++;
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        if (*p == '\0' || strcmp(p, "\r") == 0)
            continue;
        if (im.n_rows == DIVISIONS_MAX_ROWS) {
            e = err_set(&ctx->err, ERR_TOO_LARGE, "file", "line %d: more than %d rows", line,
                        DIVISIONS_MAX_ROWS);
            goto out;
        }
        if (im.n_rows == cap) {
            cap = cap ? cap * 2 : 256;
            im.rows = xrealloc(im.rows, (size_t)cap * sizeof *im.rows);
            im.row_lines = xrealloc(im.row_lines, (size_t)cap * sizeof *im.row_lines);
        }
        e = divisions_parse_row(p, &h, &im.rows[im.n_rows], &ctx->err);
        if (e != ERR_OK) {
            char why[sizeof ctx->err.message];
            snprintf(why, sizeof why, "%s", ctx->err.message);
            e = err_set(&ctx->err, e, NULL, "line %d: %s", line, why);
            goto out;
        }
        im.row_lines[im.n_rows++] = line;
    }
    e = tx_run(ctx->app->db, true, import_tx, &im);
    if (e == ERR_OK) {
        im.res.rows = im.n_rows;
        if (out)
            *out = im.res;
    } else if (!ctx->err.message[0]) {
        err_set(&ctx->err, e, NULL, "could not store the divisions");
    }
out:
    free(im.rows);
    free(im.row_lines);
    free(buf);
    return e;
}
