/*
 * The rules of cases, bulletins and leads: who may record, target, send and
 * assess what, within which scope; the events that carry a new bulletin to
 * its assistants and an assessment back to the lead's author; the audit
 * record of every write. See cases.h.
 */
#include "cases/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/idem.h"
#include "app/rec.h"
#include "attach/attach.h"
#include "audit/audit.h"
#include "auth/session.h"
#include "cases/cases_int.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/rand.h"
#include "core/str.h"
#include "events/events.h"
#include "org/org.h"
#include "store/tx.h"
#include "user/user.h"
#include "core/xalloc.h"

#define FUTURE_SLACK 300 /* seconds of clock skew tolerated on event dates */

static const struct scope *who_scope(const struct ctx *ctx)
{
    static const struct scope everything = {.everything = true};
    return ctx->who ? &ctx->who->scope : &everything;
}

/* --- cases -------------------------------------------------------------- */

static enum err case_json(struct tx *tx, struct ctx *ctx, const struct case_row *c,
                          const struct area_row *v, json_t **out)
{
    json_t *credits = json_array(), *bulletins = json_array(), *useful = json_array();
    enum err e = case_repo_credits(tx, c->id, credits);
    if (e == ERR_OK)
        e = bulletin_repo_for_case(tx, c->id, bulletins);
    if (e == ERR_OK)
        e = lead_repo_useful_authors(tx, c->id, useful);
    json_t *allowed = json_array();
    if (strcmp(c->status, "open") == 0 && ctx->who && role_can(ctx->who->role, RES_CASES, RIGHT_A))
        json_array_append_new(allowed, json_string("close"));
    *out = json_pack("{ss ss ss ss ss ss so ss so so so so so so sI so}", "id", c->id, "kind",
                     c->kind, "title", c->title, "description",
                     c->description ? c->description : "", "village_id", c->village_id,
                     "village_name", v->name, "occurred_at", rec_time(c->occurred_at), "status",
                     c->status, "solved", c->solved < 0 ? json_null() : json_boolean(c->solved),
                     "closed_at", rec_time(c->closed_at), "credited", credits, "bulletins",
                     bulletins, "useful_lead_authors", useful, "allowed", allowed, "version",
                     (json_int_t)c->version, "created_at", rec_time(c->created_at));
    return e;
}

struct case_create_arg {
    struct ctx *ctx;
    const struct case_input *in;
    json_t *out;
    bool created;
};

/* Inserts one case (validated) inside tx; shared by the API and the import. */
static enum err insert_case(struct tx *tx, struct ctx *ctx, const struct case_input *in,
                            struct case_row *c, struct area_row *v)
{
    char county[RAND_ID_LEN + 1];
    enum err e;
    if (in->village_by_code) {
        e = org_area_by_code(tx, in->village_id, v);
        if (e == ERR_OK)
            e = org_area_county(tx, v->id, v, county);
    } else {
        e = org_area_county(tx, in->village_id, v, county);
    }
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(who_scope(ctx), v->path))) {
        ctx->denial = ctx->who != NULL;
        return err_set(&ctx->err, ERR_NOT_FOUND, "village_id", "no such village");
    }
    if (e != ERR_OK)
        return e;
    if (ctx->who && !role_can(ctx->who->role, RES_CASES, RIGHT_C))
        return rec_forbidden(ctx, "record cases");
    if (strcmp(in->kind, "criminal") != 0 && strcmp(in->kind, "public_security") != 0)
        return err_set(&ctx->err, ERR_INVALID, "kind", "criminal or public_security");
    if (strcmp(v->level, "village") != 0 && strcmp(v->level, "community") != 0 &&
        strcmp(v->level, "natural_village") != 0)
        return err_set(&ctx->err, ERR_INVALID, "village_id", "not a village or community");
    if (in->occurred_at > clock_now() + FUTURE_SLACK)
        return err_set(&ctx->err, ERR_INVALID, "occurred_at", "must not lie in the future");
    memset(c, 0, sizeof *c);
    rand_id(c->id);
    snprintf(c->county_id, sizeof c->county_id, "%s", county);
    snprintf(c->kind, sizeof c->kind, "%s", in->kind);
    snprintf(c->title, sizeof c->title, "%s", in->title);
    c->description = xstrdup(in->description ? in->description : "");
    snprintf(c->village_id, sizeof c->village_id, "%s", v->id);
    c->occurred_at = in->occurred_at;
    snprintf(c->status, sizeof c->status, "open");
    c->solved = -1;
    if (ctx->who)
        snprintf(c->created_by, sizeof c->created_by, "%s", ctx->who->user_id);
    c->version = 1;
    c->created_at = c->updated_at = clock_now();
    e = case_repo_insert(tx, c);
    if (e == ERR_OK) {
        char object[48];
        snprintf(object, sizeof object, "case/%s", c->id);
        e = audit_append(tx, ctx, "case.create", object, "ok");
    }
    return e;
}

static enum err case_create_fn(struct tx *tx, void *argv)
{
    struct case_create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    if (a->in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "case", a->in->client_ref, &found, existing)))
        return e;
    struct case_row c;
    struct area_row v;
    memset(&c, 0, sizeof c);
    if (found) {
        e = case_repo_get(tx, existing, &c);
        if (e == ERR_OK)
            e = org_area_by_id(tx, c.village_id, &v);
    } else {
        e = insert_case(tx, ctx, a->in, &c, &v);
        if (e == ERR_OK && a->in->client_ref)
            e = idem_put(tx, ctx->who->user_id, "case", a->in->client_ref, c.id);
        a->created = e == ERR_OK;
    }
    if (e == ERR_OK)
        e = case_json(tx, ctx, &c, &v, &a->out);
    case_row_release(&c);
    return e;
}

enum err case_create(struct ctx *ctx, const struct case_input *in, json_t **out, bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    struct case_create_arg a = {ctx, in, NULL, false};
    enum err e = tx_run(ctx->app->db, true, case_create_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

/* Loads a case the caller may see. */
static enum err load_case(struct tx *tx, struct ctx *ctx, const char *id, struct case_row *c,
                          struct area_row *v)
{
    enum err e = case_repo_get(tx, id, c);
    if (e == ERR_OK)
        e = org_area_by_id(tx, c->village_id, v);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(who_scope(ctx), v->path))) {
        case_row_release(c);
        return rec_not_found(ctx, "case", NULL);
    }
    if (e == ERR_OK && !role_can(ctx->who->role, RES_CASES, RIGHT_R)) {
        case_row_release(c);
        return rec_forbidden(ctx, "read cases");
    }
    return e;
}

struct case_get_arg {
    struct ctx *ctx;
    const char *id;
    json_t *out;
};

static enum err case_get_fn(struct tx *tx, void *argv)
{
    struct case_get_arg *a = argv;
    json_decref(a->out);
    a->out = NULL;
    struct case_row c;
    struct area_row v;
    memset(&c, 0, sizeof c);
    enum err e = load_case(tx, a->ctx, a->id, &c, &v);
    if (e == ERR_OK)
        e = case_json(tx, a->ctx, &c, &v, &a->out);
    case_row_release(&c);
    return e;
}

enum err case_get(struct ctx *ctx, const char *id, json_t **out)
{
    struct case_get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, false, case_get_fn, &a);
    *out = a.out;
    return e;
}

static enum err case_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                          const char *id, json_t *items, bool *more)
{
    return case_repo_list(tx, who_scope(ctx), query, key, id, items, more);
}

enum err case_list(struct ctx *ctx, const struct case_query *q, json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_CASES, RIGHT_R))
        return rec_forbidden(ctx, "read cases");
    return rec_list(ctx, case_page, q, q->cursor, false, items, next);
}

struct close_arg {
    struct ctx *ctx;
    const char *id;
    bool solved;
    const char *const *credited;
    size_t n;
    json_t *out, *extra;
};

/* A credited user: an assistant in the caller's scope, or the author of a useful lead. */
static enum err check_credit(struct tx *tx, struct ctx *ctx, const char *user_id, json_t *useful,
                             size_t idx)
{
    char field[32];
    snprintf(field, sizeof field, "credited.%zu", idx);
    size_t i;
    json_t *v;
    json_array_foreach(useful, i, v) if (strcmp(json_string_value(v), user_id) == 0) return ERR_OK;
    struct principal p;
    memset(&p, 0, sizeof p);
    scope_init(&p.scope);
    enum err e = session_load_principal(tx, user_id, &p);
    bool ok = e == ERR_OK && p.role == ROLE_ASSISTANT && p.scope.n == 1 &&
              scope_has_path(&ctx->who->scope, p.scope.paths[0]);
    scope_release(&p.scope);
    if (e != ERR_OK && e != ERR_NOT_FOUND)
        return e;
    if (!ok)
        return err_set(&ctx->err, ERR_INVALID, field,
                       "not an assistant of your area nor the author of a useful lead");
    return ERR_OK;
}

static enum err close_fn(struct tx *tx, void *argv)
{
    struct close_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    json_decref(a->extra);
    a->out = a->extra = NULL;
    struct case_row c;
    struct area_row v;
    memset(&c, 0, sizeof c);
    enum err e = load_case(tx, ctx, a->id, &c, &v);
    if (e != ERR_OK)
        return e;
    json_t *useful = json_array();
    if (!role_can(ctx->who->role, RES_CASES, RIGHT_A)) {
        e = rec_forbidden(ctx, "close cases");
    } else if (strcmp(c.status, "open") != 0) {
        a->extra = json_pack("{s[]}", "allowed");
        e = err_set(&ctx->err, ERR_STATE, NULL, "the case is already closed");
    } else if (!a->solved && a->n > 0) {
        e = err_set(&ctx->err, ERR_INVALID, "credited", "only a solved case credits assistants");
    } else {
        e = lead_repo_useful_authors(tx, c.id, useful);
        for (size_t i = 0; e == ERR_OK && i < a->n; i++)
            e = check_credit(tx, ctx, a->credited[i], useful, i);
        for (size_t i = 0; e == ERR_OK && i < a->n; i++)
            e = case_repo_credit(tx, c.id, a->credited[i]);
        if (e == ERR_OK) {
            c.solved = a->solved;
            c.closed_at = clock_now();
            c.version++;
            snprintf(c.status, sizeof c.status, "closed");
            e = case_repo_close(tx, &c);
        }
        if (e == ERR_OK) {
            char object[48];
            snprintf(object, sizeof object, "case/%s", c.id);
            e = audit_append(tx, ctx, "case.close", object, a->solved ? "solved" : "unsolved");
        }
        if (e == ERR_OK)
            e = case_json(tx, ctx, &c, &v, &a->out);
    }
    json_decref(useful);
    case_row_release(&c);
    return e;
}

enum err case_close(struct ctx *ctx, const char *id, bool solved, const char *const *credited,
                    size_t n_credited, json_t **out, json_t **extra)
{
    struct close_arg a = {ctx, id, solved, credited, n_credited, NULL, NULL};
    enum err e = tx_run(ctx->app->db, true, close_fn, &a);
    *out = a.out;
    *extra = a.extra;
    return e;
}

/* --- import ------------------------------------------------------------------ */

struct import_arg {
    struct ctx *ctx;
    char *text;
    int imported;
};

static enum err import_fn(struct tx *tx, void *argv)
{
    struct import_arg *a = argv;
    struct ctx *ctx = a->ctx;
    a->imported = 0;
    char *copy = xstrdup(a->text);
    char *save = NULL;
    int lineno = 0;
    enum err e = ERR_OK;
    for (char *line = strtok_r(copy, "\n", &save); line && e == ERR_OK;
         line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        line[strcspn(line, "\r")] = '\0';
        if (lineno == 1) {
            if (strcmp(line, "kind,title,description,village_code,occurred_at") != 0)
                e = err_set(&ctx->err, ERR_INVALID, "file",
                            "line 1: the header must be kind,title,description,village_code,"
                            "occurred_at");
            continue;
        }
        if (!*line)
            continue;
        char *f[6];
        size_t n = 0;
        for (char *p = line; n < 6;) {
            f[n++] = p;
            char *c = strchr(p, ',');
            if (!c)
                break;
            *c = '\0';
            p = c + 1;
        }
        int64_t t = 0;
        int y, m, d;
        if (n != 5) {
            e = err_set(&ctx->err, ERR_INVALID, "file", "line %d: expected 5 columns", lineno);
            break;
        }
        if (!str_utf8_valid(line, strlen(line)) || !*f[1] || strlen(f[1]) > 4 * CASE_TITLE_MAX ||
            strlen(f[2]) > 4 * CASE_TEXT_MAX) {
            e = err_set(&ctx->err, ERR_INVALID, "file", "line %d: bad title or description",
                        lineno);
            break;
        }
        if (date_parse(f[4], &y, &m, &d))
            t = date_start(y, m, d);
        else if (!time_parse_iso(f[4], &t)) {
            e = err_set(&ctx->err, ERR_INVALID, "file",
                        "line %d: occurred_at must be YYYY-MM-DD or an ISO 8601 time", lineno);
            break;
        }
        struct case_input in = {.kind = f[0],
                                .title = f[1],
                                .description = f[2],
                                .village_id = f[3],
                                .village_by_code = true,
                                .occurred_at = t};
        struct case_row c;
        struct area_row v;
        memset(&c, 0, sizeof c);
        e = insert_case(tx, ctx, &in, &c, &v);
        case_row_release(&c);
        if (e != ERR_OK) {
            char why[256];
            snprintf(why, sizeof why, "%s", ctx->err.message);
            err_set(&ctx->err, e == ERR_NOT_FOUND ? ERR_INVALID : e, "file", "line %d: %s", lineno,
                    why);
            e = e == ERR_NOT_FOUND ? ERR_INVALID : e;
            break;
        }
        a->imported++;
    }
    free(copy);
    return e;
}

enum err case_import(struct ctx *ctx, const char *path, int *imported)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_set(&ctx->err, ERR_INVALID, "file", "cannot open %.200s", path);
    struct buf b;
    buf_init(&b, 16 * 1024 * 1024);
    char chunk[8192];
    size_t n;
    bool ok = true;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (!buf_append(&b, chunk, n))
            ok = false;
    fclose(f);
    if (!ok)
        return err_set(&ctx->err, ERR_TOO_LARGE, "file", "the file is larger than 16 MiB");
    struct import_arg a = {ctx, b.data ? b.data : (char *)"", 0};
    enum err e = tx_run(ctx->app->db, true, import_fn, &a);
    buf_release(&b);
    *imported = a.imported;
    return e;
}

/* --- bulletins ------------------------------------------------------------- */

/* Whether the caller sees bulletin b (one of its areas meets the scope). */
static enum err bulletin_visible(struct tx *tx, struct ctx *ctx, const char *id,
                                 struct bulletin_row *b, json_t *area_ids, json_t *paths)
{
    enum err e = bulletin_repo_get(tx, id, b);
    if (e == ERR_NOT_FOUND)
        return rec_not_found(ctx, "bulletin", NULL);
    if (e != ERR_OK)
        return e;
    e = bulletin_repo_areas(tx, id, area_ids, paths);
    bool visible = false;
    size_t i;
    json_t *p;
    json_array_foreach(paths, i, p) if (rec_meets(who_scope(ctx), json_string_value(p))) visible =
        true;
    if (e == ERR_OK && !visible) {
        bulletin_row_release(b);
        return rec_not_found(ctx, "bulletin", NULL);
    }
    if (e == ERR_OK && !role_can(ctx->who->role, RES_BULLETINS, RIGHT_R)) {
        bulletin_row_release(b);
        return rec_forbidden(ctx, "read bulletins");
    }
    return e;
}

static enum err bulletin_json(struct tx *tx, struct ctx *ctx, const struct bulletin_row *b,
                              json_t *area_ids, json_t **out)
{
    json_t *att = json_array();
    enum err e = attach_list(tx, "bulletin", b->id, att);
    int64_t now = clock_now();
    *out = json_pack("{ss so ss ss sO so so sb so ss}", "id", b->id, "case_id",
                     b->case_id[0] ? json_string(b->case_id) : json_null(), "title", b->title,
                     "body", b->body ? b->body : "", "area_ids", area_ids, "expires_at",
                     rec_time(b->expires_at), "created_at", rec_time(b->created_at), "active",
                     b->expires_at > now, "attachments", att, "created_by", b->created_by);
    (void)ctx;
    return e;
}

struct bulletin_create_arg {
    struct ctx *ctx;
    const struct bulletin_input *in;
    json_t *out;
    bool created;
};

static enum err bulletin_create_fn(struct tx *tx, void *argv)
{
    struct bulletin_create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    const struct bulletin_input *in = a->in;
    json_decref(a->out);
    a->out = NULL;
    a->created = false;
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = ERR_OK;
    struct bulletin_row b;
    memset(&b, 0, sizeof b);
    json_t *ids = json_array(), *paths = json_array();
    if (in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "bulletin", in->client_ref, &found, existing)))
        goto out;
    if (found) {
        e = bulletin_visible(tx, ctx, existing, &b, ids, paths);
        if (e == ERR_OK)
            e = bulletin_json(tx, ctx, &b, ids, &a->out);
        goto out;
    }
    char county[RAND_ID_LEN + 1] = "";
    for (size_t i = 0; i < in->n_areas; i++) {
        struct area_row ar;
        char c2[RAND_ID_LEN + 1];
        e = org_area_county(tx, in->area_ids[i], &ar, c2);
        if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, ar.path))) {
            ctx->denial = true;
            char field[32];
            snprintf(field, sizeof field, "area_ids.%zu", i);
            e = err_set(&ctx->err, ERR_NOT_FOUND, field, "no such area");
            goto out;
        }
        if (e != ERR_OK)
            goto out;
        if (!county[0])
            snprintf(county, sizeof county, "%s", c2);
        json_array_append_new(ids, json_string(ar.id));
        json_array_append_new(paths, json_string(ar.path));
    }
    if (!role_can(ctx->who->role, RES_BULLETINS, RIGHT_C)) {
        e = rec_forbidden(ctx, "send bulletins");
        goto out;
    }
    if (in->case_id) {
        struct case_row c;
        struct area_row v;
        memset(&c, 0, sizeof c);
        e = load_case(tx, ctx, in->case_id, &c, &v);
        case_row_release(&c);
        if (e != ERR_OK) {
            if (e == ERR_NOT_FOUND)
                snprintf(ctx->err.field, sizeof ctx->err.field, "case_id");
            goto out;
        }
    }
    if (in->expires_at <= clock_now()) {
        e = err_set(&ctx->err, ERR_INVALID, "expires_at", "must lie in the future");
        goto out;
    }
    rand_id(b.id);
    snprintf(b.county_id, sizeof b.county_id, "%s", county);
    snprintf(b.case_id, sizeof b.case_id, "%s", in->case_id ? in->case_id : "");
    snprintf(b.title, sizeof b.title, "%s", in->title);
    b.body = xstrdup(in->body);
    b.expires_at = in->expires_at;
    snprintf(b.created_by, sizeof b.created_by, "%s", ctx->who->user_id);
    b.created_at = clock_now();
    if ((e = bulletin_repo_insert(tx, &b)) != ERR_OK)
        goto out;
    size_t i;
    json_t *v;
    json_array_foreach(ids, i, v)
    {
        if ((e = bulletin_repo_add_area(tx, b.id, json_string_value(v))) != ERR_OK)
            goto out;
    }
    if (in->client_ref &&
        (e = idem_put(tx, ctx->who->user_id, "bulletin", in->client_ref, b.id)) != ERR_OK)
        goto out;
    json_t *data = json_pack("{ss}", "title", b.title);
    json_array_foreach(paths, i, v)
    {
        struct events_audience aud = {.dir = EVENTS_DOWN,
                                      .area_path = json_string_value(v),
                                      .roles = ROLE_BIT(ROLE_ASSISTANT)};
        if ((e = events_emit(tx, "bulletin", "bulletin", b.id, &aud, data)) != ERR_OK)
            break;
    }
    json_decref(data);
    if (e != ERR_OK)
        goto out;
    char object[48];
    snprintf(object, sizeof object, "bulletin/%s", b.id);
    if ((e = audit_append(tx, ctx, "bulletin.create", object, "ok")) != ERR_OK)
        goto out;
    e = bulletin_json(tx, ctx, &b, ids, &a->out);
    a->created = e == ERR_OK;
out:
    json_decref(ids);
    json_decref(paths);
    bulletin_row_release(&b);
    return e;
}

enum err bulletin_create(struct ctx *ctx, const struct bulletin_input *in, json_t **out,
                         bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    if (in->n_areas == 0)
        return err_set(&ctx->err, ERR_INVALID, "area_ids", "at least one area");
    struct bulletin_create_arg a = {ctx, in, NULL, false};
    enum err e = tx_run(ctx->app->db, true, bulletin_create_fn, &a);
    *out = a.out;
    *created = a.created;
    return e;
}

struct bulletin_get_arg {
    struct ctx *ctx;
    const char *id;
    json_t *out;
};

static enum err bulletin_get_fn(struct tx *tx, void *argv)
{
    struct bulletin_get_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    a->out = NULL;
    struct bulletin_row b;
    memset(&b, 0, sizeof b);
    json_t *ids = json_array(), *paths = json_array();
    enum err e = bulletin_visible(tx, ctx, a->id, &b, ids, paths);
    if (e == ERR_OK)
        e = bulletin_json(tx, ctx, &b, ids, &a->out);
    if (e == ERR_OK) {
        /* Police see the leads in their scope; an assistant only their own. */
        json_t *leads = json_array();
        bool more = false;
        bool own = ctx->who->role == ROLE_ASSISTANT;
        if (role_can(ctx->who->role, RES_LEADS, RIGHT_R))
            e = lead_repo_list(tx, b.id, own ? ctx->who->user_id : "", who_scope(ctx), 0, NULL, 100,
                               leads, &more);
        size_t i;
        json_t *it;
        json_array_foreach(leads, i, it)
        {
            json_object_del(it, "_key");
            json_t *att = json_array();
            if (e == ERR_OK)
                e = attach_list(tx, "lead", json_string_value(json_object_get(it, "id")), att);
            json_object_set_new(it, "attachments", att);
        }
        json_object_set_new(a->out, "leads", leads);
        struct principal author;
        memset(&author, 0, sizeof author);
        scope_init(&author.scope);
        if (e == ERR_OK && session_load_principal(tx, b.created_by, &author) == ERR_OK)
            json_object_set_new(a->out, "created_by_name", json_string(author.name));
        scope_release(&author.scope);
        json_t *allowed = json_array();
        if (b.expires_at > clock_now() && role_can(ctx->who->role, RES_LEADS, RIGHT_C))
            json_array_append_new(allowed, json_string("lead"));
        json_object_set_new(a->out, "allowed", allowed);
    }
    json_decref(ids);
    json_decref(paths);
    bulletin_row_release(&b);
    return e;
}

enum err bulletin_get(struct ctx *ctx, const char *id, json_t **out)
{
    struct bulletin_get_arg a = {ctx, id, NULL};
    enum err e = tx_run(ctx->app->db, false, bulletin_get_fn, &a);
    *out = a.out;
    return e;
}

struct bulletin_query {
    bool active;
    int limit;
};

static enum err bulletin_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                              const char *id, json_t *items, bool *more)
{
    const struct bulletin_query *q = query;
    return bulletin_repo_list(tx, who_scope(ctx), q->active, clock_now(), key, id, q->limit, items,
                              more);
}

enum err bulletin_list(struct ctx *ctx, bool active_only, const char *cursor, int limit,
                       json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_BULLETINS, RIGHT_R))
        return rec_forbidden(ctx, "read bulletins");
    struct bulletin_query q = {active_only, limit};
    return rec_list(ctx, bulletin_page, &q, cursor, false, items, next);
}

/* --- leads ------------------------------------------------------------------ */

static json_t *lead_json(const struct lead_row *l)
{
    return json_pack("{ss ss ss ss ss ss so so so}", "id", l->id, "bulletin_id", l->bulletin_id,
                     "author_id", l->author_id, "village_id", l->village_id, "content",
                     l->content ? l->content : "", "status", l->status, "note",
                     l->note ? json_string(l->note) : json_null(), "assessed_at",
                     rec_time(l->assessed_at), "created_at", rec_time(l->created_at));
}

struct lead_create_arg {
    struct ctx *ctx;
    const struct lead_input *in;
    json_t *out, *extra;
    bool created;
};

static enum err lead_create_fn(struct tx *tx, void *argv)
{
    struct lead_create_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    json_decref(a->extra);
    a->out = a->extra = NULL;
    a->created = false;
    struct bulletin_row b;
    memset(&b, 0, sizeof b);
    struct lead_row l;
    memset(&l, 0, sizeof l);
    json_t *ids = json_array(), *paths = json_array();
    char existing[RAND_ID_LEN + 1];
    bool found = false;
    enum err e = bulletin_visible(tx, ctx, a->in->bulletin_id, &b, ids, paths);
    if (e != ERR_OK)
        goto out;
    if (!role_can(ctx->who->role, RES_LEADS, RIGHT_C) || ctx->who->scope.n != 1) {
        e = rec_forbidden(ctx, "send leads");
        goto out;
    }
    if (a->in->client_ref &&
        (e = idem_get(tx, ctx->who->user_id, "lead", a->in->client_ref, &found, existing)))
        goto out;
    if (found) {
        e = lead_repo_get(tx, existing, &l);
        if (e == ERR_OK)
            a->out = lead_json(&l);
        goto out;
    }
    if (b.expires_at <= clock_now()) {
        a->extra = json_pack("{s[]}", "allowed");
        e = err_set(&ctx->err, ERR_STATE, NULL, "the bulletin has expired");
        goto out;
    }
    rand_id(l.id);
    snprintf(l.county_id, sizeof l.county_id, "%s", b.county_id);
    snprintf(l.bulletin_id, sizeof l.bulletin_id, "%s", b.id);
    snprintf(l.author_id, sizeof l.author_id, "%s", ctx->who->user_id);
    snprintf(l.village_id, sizeof l.village_id, "%s", ctx->who->scope.area_ids[0]);
    l.content = xstrdup(a->in->content);
    snprintf(l.status, sizeof l.status, "new");
    l.created_at = clock_now();
    if ((e = lead_repo_insert(tx, &l)) != ERR_OK)
        goto out;
    if (a->in->client_ref &&
        (e = idem_put(tx, ctx->who->user_id, "lead", a->in->client_ref, l.id)) != ERR_OK)
        goto out;
    char object[48];
    snprintf(object, sizeof object, "lead/%s", l.id);
    if ((e = audit_append(tx, ctx, "lead.create", object, "ok")) != ERR_OK)
        goto out;
    /* The bulletin's author hears of it at once. */
    struct events_audience aud = {.dir = EVENTS_TO_USER, .user_id = b.created_by};
    json_t *data = json_pack("{ss ss}", "bulletin_id", b.id, "title", b.title);
    e = events_emit(tx, "lead", "lead", l.id, &aud, data);
    json_decref(data);
    if (e == ERR_OK) {
        a->out = lead_json(&l);
        a->created = true;
    }
out:
    json_decref(ids);
    json_decref(paths);
    bulletin_row_release(&b);
    lead_row_release(&l);
    return e;
}

enum err lead_create(struct ctx *ctx, const struct lead_input *in, json_t **out, bool *created)
{
    if (in->client_ref && !idem_ref_ok(in->client_ref))
        return err_set(&ctx->err, ERR_INVALID, "client_ref", "1-64 printable characters");
    struct lead_create_arg a = {ctx, in, NULL, NULL, false};
    enum err e = tx_run(ctx->app->db, true, lead_create_fn, &a);
    if (e == ERR_STATE) {
        json_decref(a.out);
        *out = a.extra;
    } else {
        json_decref(a.extra);
        *out = a.out;
    }
    *created = a.created;
    return e;
}

/* Loads a lead the caller may see: police by the lead's village, an assistant their own. */
static enum err load_lead(struct tx *tx, struct ctx *ctx, const char *id, struct lead_row *l)
{
    enum err e = lead_repo_get(tx, id, l);
    struct area_row v;
    if (e == ERR_OK)
        e = org_area_by_id(tx, l->village_id, &v);
    bool visible =
        e == ERR_OK && scope_has_path(who_scope(ctx), v.path) &&
        (ctx->who->role != ROLE_ASSISTANT || strcmp(l->author_id, ctx->who->user_id) == 0);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !visible)) {
        lead_row_release(l);
        return rec_not_found(ctx, "lead", NULL);
    }
    return e;
}

struct assess_arg {
    struct ctx *ctx;
    const char *id;
    bool useful;
    const char *note;
    json_t *out;
};

static enum err assess_fn(struct tx *tx, void *argv)
{
    struct assess_arg *a = argv;
    struct ctx *ctx = a->ctx;
    json_decref(a->out);
    a->out = NULL;
    struct lead_row l;
    memset(&l, 0, sizeof l);
    enum err e = load_lead(tx, ctx, a->id, &l);
    if (e != ERR_OK)
        return e;
    if (!role_can(ctx->who->role, RES_LEADS, RIGHT_A)) {
        lead_row_release(&l);
        return rec_forbidden(ctx, "assess leads");
    }
    snprintf(l.status, sizeof l.status, "%s", a->useful ? "useful" : "not_useful");
    snprintf(l.assessed_by, sizeof l.assessed_by, "%s", ctx->who->user_id);
    l.assessed_at = clock_now();
    free(l.note);
    l.note = a->note ? xstrdup(a->note) : NULL;
    e = lead_repo_assess(tx, &l);
    if (e == ERR_OK) {
        char object[48];
        snprintf(object, sizeof object, "lead/%s", l.id);
        e = audit_append(tx, ctx, "lead.assess", object, l.status);
    }
    if (e == ERR_OK) {
        struct events_audience aud = {.dir = EVENTS_TO_USER, .user_id = l.author_id};
        json_t *data = json_pack("{ss ss}", "status", l.status, "bulletin_id", l.bulletin_id);
        e = events_emit(tx, "lead_assessed", "lead", l.id, &aud, data);
        json_decref(data);
    }
    if (e == ERR_OK)
        a->out = lead_json(&l);
    lead_row_release(&l);
    return e;
}

enum err lead_assess(struct ctx *ctx, const char *id, bool useful, const char *note, json_t **out)
{
    struct assess_arg a = {ctx, id, useful, note, NULL};
    enum err e = tx_run(ctx->app->db, true, assess_fn, &a);
    *out = a.out;
    return e;
}

struct lead_query {
    const char *bulletin_id;
    int limit;
};

static enum err lead_page(struct tx *tx, struct ctx *ctx, const void *query, int64_t key,
                          const char *id, json_t *items, bool *more)
{
    const struct lead_query *q = query;
    bool own = ctx->who->role == ROLE_ASSISTANT;
    return lead_repo_list(tx, q->bulletin_id, own ? ctx->who->user_id : "", who_scope(ctx), key, id,
                          q->limit, items, more);
}

enum err lead_list(struct ctx *ctx, const char *bulletin_id, const char *cursor, int limit,
                   json_t **items, char **next)
{
    if (!role_can(ctx->who->role, RES_LEADS, RIGHT_R))
        return rec_forbidden(ctx, "read leads");
    struct lead_query q = {bulletin_id, limit};
    return rec_list(ctx, lead_page, &q, cursor, false, items, next);
}

/* --- attachments ---------------------------------------------------------- */

static enum err bulletin_check(struct tx *tx, struct ctx *ctx, const char *id, bool write,
                               const char *kind)
{
    struct bulletin_row b;
    memset(&b, 0, sizeof b);
    json_t *ids = json_array(), *paths = json_array();
    enum err e = bulletin_visible(tx, ctx, id, &b, ids, paths);
    if (e == ERR_OK && write) {
        if (!role_can(ctx->who->role, RES_BULLETINS, RIGHT_C) ||
            strcmp(b.created_by, ctx->who->user_id) != 0)
            e = rec_forbidden(ctx, "add photos to this bulletin");
        else if (strcmp(kind, "photo") != 0 && strcmp(kind, "document") != 0 &&
                 strcmp(kind, "agreement") != 0)
            e = err_set(&ctx->err, ERR_INVALID, "kind", "photo, agreement or document");
    }
    json_decref(ids);
    json_decref(paths);
    bulletin_row_release(&b);
    return e;
}

static enum err lead_check(struct tx *tx, struct ctx *ctx, const char *id, bool write,
                           const char *kind)
{
    struct lead_row l;
    memset(&l, 0, sizeof l);
    enum err e = load_lead(tx, ctx, id, &l);
    if (e == ERR_OK && !write && !role_can(ctx->who->role, RES_LEADS, RIGHT_R))
        e = rec_forbidden(ctx, "read leads");
    if (e == ERR_OK && write) {
        if (strcmp(l.author_id, ctx->who->user_id) != 0)
            e = rec_forbidden(ctx, "add photos to this lead");
        else if (strcmp(kind, "photo") != 0 && strcmp(kind, "document") != 0 &&
                 strcmp(kind, "agreement") != 0)
            e = err_set(&ctx->err, ERR_INVALID, "kind", "photo, agreement or document");
    }
    lead_row_release(&l);
    return e;
}

const struct attach_owner bulletin_attach_owner = {"bulletin", NULL, bulletin_check};
const struct attach_owner lead_attach_owner = {"lead", NULL, lead_check};
