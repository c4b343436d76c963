/*
 * The org domain: lookups of areas and units, the scope of a user, adding a
 * police unit, an assistant's second line (employer and contract), and the
 * reads behind the HTTP handlers (areas, units, the assistants register and
 * its coverage view). Rules live here; SQL lives in the *_repo.c files and
 * rendering in org_api.c. Reads check, in the order CONVENTIONS.md gives,
 * the scope of the object (out of scope reads as nonexistent: ERR_NOT_FOUND,
 * flagged as a denial for the router's audit), then the role's right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/str.h"
#include "org/org.h"
#include "org/org_int.h"
#include "person/phone.h"
#include "store/tx.h"
#include "core/xalloc.h"

#define UNIT_NAME_MAX 64 /* code points */

/* --- lookups --------------------------------------------------------------- */

enum err org_area_by_code(struct tx *tx, const char *code, struct area_row *out)
{
    return area_repo_by_code(tx, code, out);
}

enum err org_area_by_id(struct tx *tx, const char *id, struct area_row *out)
{
    return area_repo_by_id(tx, id, out);
}

enum err org_unit_by_code(struct tx *tx, const char *code, char id_out[RAND_ID_LEN + 1])
{
    return unit_repo_by_code(tx, code, id_out);
}

enum err org_unit_exists(struct tx *tx, const char *unit_id)
{
    return unit_repo_exists(tx, unit_id);
}

static enum err add_root(const struct area_row *a, void *arg)
{
    scope_add(arg, a->id, a->path);
    return ERR_OK;
}

enum err org_load_scope(struct tx *tx, const char *user_id, const char *unit_id, enum role role,
                        struct scope *out)
{
    enum err e = area_repo_of_user(tx, user_id, add_root, out);
    if (e != ERR_OK)
        return e;
    if (out->n > 0)
        return ERR_OK;
    if (unit_id && *unit_id)
        return unit_repo_areas_of(tx, unit_id, add_root, out);
    if (role == ROLE_ADMIN)
        out->everything = true;
    return ERR_OK;
}

/* --- the caller ------------------------------------------------------------ */

static const struct scope scope_everything = {.everything = true};

/* The caller's scope; the command line (no principal) sees everything. */
static const struct scope *caller_scope(const struct ctx *ctx)
{
    return ctx->who ? &ctx->who->scope : &scope_everything;
}

static unsigned caller_rights(const struct ctx *ctx, enum resource res)
{
    return ctx->who ? role_rights(ctx->who->role, res) : (RIGHT_R | RIGHT_C | RIGHT_A);
}

static enum err out_of_scope(struct ctx *ctx, const char *what)
{
    ctx->denial = true;
    return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such %s", what);
}

static enum err forbidden(struct ctx *ctx)
{
    ctx->denial = true;
    return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "your role may not do this");
}

/*
 * The subtrees a list query walks: "/" for the whole tree, else the scope's
 * roots (disjoint by construction, so per-root results never overlap).
 */
static size_t scope_roots(const struct scope *s, const char *const **paths)
{
    static const char *const all[] = {"/"};
    if (s->everything) {
        *paths = all;
        return 1;
    }
    *paths = (const char *const *)s->paths;
    return s->n;
}

/* --- list containers -------------------------------------------------------- */

void area_list_release(struct area_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static enum err area_list_push(const struct area_row *a, void *arg)
{
    struct area_list *l = arg;
    if (l->n >= AREA_LIST_MAX)
        return ERR_OK;
    l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
    l->items[l->n++] = *a;
    return ERR_OK;
}

static int area_cmp(const void *pa, const void *pb)
{
    const struct area_row *a = pa, *b = pb;
    /* By code; natural villages (no code) after the rest, by name. */
    if (!*a->code != !*b->code)
        return *a->code ? -1 : 1;
    int c = strcmp(a->code, b->code);
    if (c)
        return c;
    c = strcmp(a->name, b->name);
    return c ? c : strcmp(a->id, b->id);
}

void unit_list_release(struct unit_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i].area_ids);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

void assistant_list_release(struct assistant_list *l)
{
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

/* --- areas ------------------------------------------------------------------ */

struct areas_arg {
    struct ctx *ctx;
    const char *parent_id;
    struct area_list *out;
};

static enum err areas_list_tx(struct tx *tx, void *argp)
{
    struct areas_arg *a = argp;
    const struct scope *sc = caller_scope(a->ctx);
    if (a->parent_id) {
        struct area_row parent;
        enum err e = area_repo_by_id(tx, a->parent_id, &parent);
        if (e == ERR_NOT_FOUND)
            return err_set(&a->ctx->err, ERR_NOT_FOUND, "parent_id", "no such area");
        if (e != ERR_OK)
            return e;
        if (!scope_has_path(sc, parent.path)) {
            out_of_scope(a->ctx, "area");
            snprintf(a->ctx->err.field, sizeof a->ctx->err.field, "parent_id");
            return ERR_NOT_FOUND;
        }
        return area_repo_children(tx, parent.id, AREA_LIST_MAX, area_list_push, a->out);
    }
    if (sc->everything)
        return area_repo_children(tx, NULL, AREA_LIST_MAX, area_list_push, a->out);
    for (size_t i = 0; i < sc->n; i++) {
        struct area_row row;
        enum err e = area_repo_by_id(tx, sc->area_ids[i], &row);
        if (e == ERR_NOT_FOUND)
            continue;
        if (e != ERR_OK)
            return e;
        area_list_push(&row, a->out);
    }
    if (a->out->n > 1)
        qsort(a->out->items, a->out->n, sizeof *a->out->items, area_cmp);
    return ERR_OK;
}

enum err org_areas_list(struct ctx *ctx, const char *parent_id, struct area_list *out)
{
    out->items = NULL;
    out->n = 0;
    struct areas_arg a = {ctx, parent_id, out};
    enum err e = tx_run(ctx->app->db, false, areas_list_tx, &a);
    if (e == ERR_OK && !(caller_rights(ctx, RES_AREAS) & RIGHT_R))
        e = forbidden(ctx);
    if (e != ERR_OK)
        area_list_release(out);
    return e;
}

struct area_get_arg {
    const char *id;
    struct area_row *out;
};

static enum err area_get_tx(struct tx *tx, void *argp)
{
    struct area_get_arg *a = argp;
    return area_repo_by_id(tx, a->id, a->out);
}

enum err org_area_get(struct ctx *ctx, const char *id, struct area_row *out)
{
    struct area_row row;
    struct area_get_arg a = {id, &row};
    enum err e = tx_run(ctx->app->db, false, area_get_tx, &a);
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such area");
    if (e != ERR_OK)
        return e;
    if (!scope_has_path(caller_scope(ctx), row.path))
        return out_of_scope(ctx, "area");
    if (!(caller_rights(ctx, RES_AREAS) & RIGHT_R))
        return forbidden(ctx);
    *out = row;
    return ERR_OK;
}

/* --- units ------------------------------------------------------------------ */

struct units_arg {
    const struct scope *sc;
    struct unit_list *out;
    bool cur_visible; /* the last unit in out meets the scope */
};

/* Whether the subtree at path meets the scope: inside it, or holding one of its roots. */
static bool subtree_meets(const struct scope *sc, const char *path)
{
    if (scope_has_path(sc, path))
        return true;
    for (size_t i = 0; i < sc->n; i++)
        if (str_starts_with(sc->paths[i], path))
            return true;
    return false;
}

static enum err units_row(const struct unit_area *u, void *argp)
{
    struct units_arg *a = argp;
    struct unit_list *l = a->out;
    if (l->n == 0 || strcmp(l->items[l->n - 1].id, u->unit_id) != 0) {
        /* A new unit: drop the previous one unless it met the scope. */
        if (l->n > 0 && !a->cur_visible) {
            free(l->items[l->n - 1].area_ids);
            l->n--;
        }
        l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
        struct unit_item *it = &l->items[l->n++];
        memset(it, 0, sizeof *it);
        snprintf(it->id, sizeof it->id, "%s", u->unit_id);
        snprintf(it->code, sizeof it->code, "%s", u->unit_code);
        snprintf(it->name, sizeof it->name, "%s", u->unit_name);
        snprintf(it->kind, sizeof it->kind, "%s", u->kind);
        a->cur_visible = false;
    }
    struct unit_item *it = &l->items[l->n - 1];
    it->area_ids = xrealloc(it->area_ids, (it->n_areas + 1) * sizeof *it->area_ids);
    snprintf(it->area_ids[it->n_areas++], RAND_ID_LEN + 1, "%s", u->area_id);
    if (subtree_meets(a->sc, u->area_path))
        a->cur_visible = true;
    return ERR_OK;
}

static enum err units_list_tx(struct tx *tx, void *argp)
{
    struct units_arg *a = argp;
    enum err e = unit_repo_each_area(tx, units_row, a);
    if (e == ERR_OK && a->out->n > 0 && !a->cur_visible) {
        free(a->out->items[a->out->n - 1].area_ids);
        a->out->n--;
    }
    return e;
}

enum err org_units_list(struct ctx *ctx, struct unit_list *out)
{
    out->items = NULL;
    out->n = 0;
    if (!(caller_rights(ctx, RES_AREAS) & RIGHT_R))
        return forbidden(ctx);
    struct units_arg a = {caller_scope(ctx), out, false};
    enum err e = tx_run(ctx->app->db, false, units_list_tx, &a);
    if (e != ERR_OK)
        unit_list_release(out);
    return e;
}

static bool unit_code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > UNIT_CODE_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool area_code_ok(const char *s)
{
    if (strlen(s) != 12)
        return false;
    for (size_t i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool text_ok(const char *s, size_t max_chars)
{
    size_t n = strlen(s);
    if (n == 0 || !str_utf8_valid(s, n) || str_utf8_len(s, n) > max_chars)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    return true;
}

struct unit_add_arg {
    struct ctx *ctx;
    const char *code, *name, *kind;
    const char *const *area_codes;
    size_t n_areas;
};

static enum err unit_add_tx(struct tx *tx, void *argp)
{
    struct unit_add_arg *a = argp;
    struct errinfo *ei = &a->ctx->err;
    char id[RAND_ID_LEN + 1];
    enum err e = unit_repo_by_code(tx, a->code, id);
    if (e == ERR_OK)
        return err_set(ei, ERR_CONFLICT, "code", "unit %s already exists", a->code);
    if (e != ERR_NOT_FOUND)
        return e;
    char(*ids)[RAND_ID_LEN + 1] = xcalloc(a->n_areas, sizeof *ids);
    size_t n = 0;
    for (size_t i = 0; i < a->n_areas; i++) {
        struct area_row row;
        e = area_repo_by_code(tx, a->area_codes[i], &row);
        if (e == ERR_NOT_FOUND) {
            e = err_set(ei, ERR_NOT_FOUND, "area", "no area with code %s", a->area_codes[i]);
            goto out;
        }
        if (e != ERR_OK)
            goto out;
        bool dup = false;
        for (size_t k = 0; k < n; k++)
            dup = dup || strcmp(ids[k], row.id) == 0;
        if (!dup)
            snprintf(ids[n++], RAND_ID_LEN + 1, "%s", row.id);
    }
    rand_id(id);
    e = unit_repo_insert(tx, id, a->code, a->name, a->kind, clock_now());
    if (e == ERR_CONFLICT)
        e = err_set(ei, ERR_CONFLICT, "code", "unit %s already exists", a->code);
    for (size_t k = 0; k < n && e == ERR_OK; k++)
        e = unit_repo_add_area(tx, id, ids[k]);
    if (e == ERR_OK) {
        char obj[64];
        snprintf(obj, sizeof obj, "unit/%s", id);
        e = audit_append(tx, a->ctx, "unit.add", obj, "ok");
    }
out:
    free(ids);
    return e;
}

enum err org_unit_add(struct ctx *ctx, const char *code, const char *name, const char *kind,
                      const char *const *area_codes, size_t n_areas)
{
    struct errinfo *ei = &ctx->err;
    if (!code || !unit_code_ok(code))
        return err_set(ei, ERR_INVALID, "code", "a unit code is 1-32 of A-Z a-z 0-9 _ -");
    if (!name || !text_ok(name, UNIT_NAME_MAX))
        return err_set(ei, ERR_INVALID, "name", "a unit name is 1-%d characters", UNIT_NAME_MAX);
    if (!kind || (strcmp(kind, "bureau") != 0 && strcmp(kind, "station") != 0 &&
                  strcmp(kind, "brigade") != 0))
        return err_set(ei, ERR_INVALID, "kind", "kind must be bureau, station or brigade");
    if (n_areas == 0)
        return err_set(ei, ERR_INVALID, "area", "a unit needs at least one area");
    for (size_t i = 0; i < n_areas; i++)
        if (!area_code_ok(area_codes[i]))
            return err_set(ei, ERR_INVALID, "area", "bad area code (12 digits expected)");
    struct unit_add_arg a = {ctx, code, name, kind, area_codes, n_areas};
    enum err e = tx_run(ctx->app->db, true, unit_add_tx, &a);
    if (e != ERR_OK && !ei->message[0])
        err_set(ei, e, NULL, "could not add the unit");
    return e;
}

/* --- assistants ------------------------------------------------------------- */

enum err org_assistant_enrich(struct tx *tx, struct assistant_item *a)
{
    enum err e;
    if (!*a->employer_id) {
        struct area_row town;
        e = area_repo_ancestor_at(tx, a->village_path, "town", &town);
        if (e == ERR_OK) {
            snprintf(a->employer_id, sizeof a->employer_id, "%s", town.id);
            snprintf(a->employer_name, sizeof a->employer_name, "%s", town.name);
        } else if (e != ERR_NOT_FOUND) {
            return e;
        }
    }
    e = unit_repo_station_for(tx, a->village_path, a->station_id, a->station_name,
                              sizeof a->station_name);
    if (e == ERR_NOT_FOUND) {
        a->station_id[0] = a->station_name[0] = '\0';
    } else if (e != ERR_OK) {
        return e;
    }
    return assistant_repo_officers_for(tx, a->village_path, a->officer_ids, ASSISTANT_MAX_OFFICERS,
                                       &a->n_officers);
}

enum err org_assistant_ensure(struct tx *tx, const char *user_id, const char *village_id)
{
    struct area_row v;
    enum err e = area_repo_by_id(tx, village_id, &v);
    if (e != ERR_OK)
        return e;
    if (strcmp(v.level, "village") != 0 && strcmp(v.level, "community") != 0)
        return ERR_INVALID;
    struct assistant_item cur;
    e = assistant_repo_by_user(tx, user_id, &cur);
    if (e == ERR_OK) {
        if (strcmp(cur.village_id, village_id) == 0)
            return ERR_OK;
        return assistant_repo_move(tx, cur.id, village_id, clock_now());
    }
    if (e != ERR_NOT_FOUND)
        return e;
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    return assistant_repo_insert(tx, id, user_id, village_id, clock_now());
}

struct assistant_set_arg {
    struct ctx *ctx;
    const struct assistant_input *in;
    const char *phone; /* normalised, "" = clear, NULL = unchanged */
};

/* The one village or community among a user's areas, for an assistant without a row. */
struct village_pick {
    char id[RAND_ID_LEN + 1];
    int n;
};

static enum err pick_village(const struct area_row *a, void *argp)
{
    struct village_pick *p = argp;
    if (strcmp(a->level, "village") == 0 || strcmp(a->level, "community") == 0) {
        snprintf(p->id, sizeof p->id, "%s", a->id);
        p->n++;
    }
    return ERR_OK;
}

/* new: NULL = keep cur, "" = clear, else the value. Returns NULL for "cleared". */
static const char *merged(const char *cur, const char *new_value)
{
    const char *v = new_value ? new_value : cur;
    return v && *v ? v : NULL;
}

static enum err assistant_set_tx(struct tx *tx, void *argp)
{
    struct assistant_set_arg *a = argp;
    const struct assistant_input *in = a->in;
    struct errinfo *ei = &a->ctx->err;
    struct org_user u;
    enum err e = assistant_repo_user_by_name(tx, in->username, &u);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && strcmp(u.role, "assistant") != 0))
        return err_set(ei, ERR_NOT_FOUND, "username", "no assistant %.64s", in->username);
    if (e != ERR_OK)
        return e;
    struct assistant_item cur;
    e = assistant_repo_by_user(tx, u.id, &cur);
    if (e == ERR_NOT_FOUND) {
        struct village_pick p = {.n = 0};
        e = area_repo_of_user(tx, u.id, pick_village, &p);
        if (e != ERR_OK)
            return e;
        if (p.n != 1)
            return err_set(ei, ERR_NOT_FOUND, "username", "assistant %.64s has no village",
                           in->username);
        e = org_assistant_ensure(tx, u.id, p.id);
        if (e == ERR_OK)
            e = assistant_repo_by_user(tx, u.id, &cur);
    }
    if (e != ERR_OK)
        return e;

    char employer[RAND_ID_LEN + 1];
    snprintf(employer, sizeof employer, "%s", cur.employer_id);
    if (in->employer_code && *in->employer_code) {
        struct area_row town;
        e = area_repo_by_code(tx, in->employer_code, &town);
        if (e == ERR_NOT_FOUND)
            return err_set(ei, ERR_NOT_FOUND, "employer", "no area with code %.16s",
                           in->employer_code);
        if (e != ERR_OK)
            return e;
        if (strcmp(town.level, "town") != 0)
            return err_set(ei, ERR_INVALID, "employer", "%.16s is not a town", in->employer_code);
        snprintf(employer, sizeof employer, "%s", town.id);
    } else if (in->employer_code) {
        employer[0] = '\0'; /* back to the default: the town above the village */
    }
    const char *start = merged(cur.contract_start, in->contract_start);
    const char *end = merged(cur.contract_end, in->contract_end);
    if (start && end && strcmp(end, start) < 0)
        return err_set(ei, ERR_INVALID, "contract_end", "contract_end is before contract_start");
    e = assistant_repo_update(tx, cur.id, *employer ? employer : NULL, merged(cur.phone, a->phone),
                              start, end, clock_now());
    if (e != ERR_OK)
        return e;
    char obj[64];
    snprintf(obj, sizeof obj, "assistant/%s", cur.id);
    return audit_append(tx, a->ctx, "assistant.set", obj, "ok");
}

static enum err check_date(struct errinfo *ei, const char *field, const char *v)
{
    int y, m, d;
    if (v && *v && !date_parse(v, &y, &m, &d))
        return err_set(ei, ERR_INVALID, field, "%s must be a date YYYY-MM-DD", field);
    return ERR_OK;
}

enum err org_assistant_set(struct ctx *ctx, const struct assistant_input *in)
{
    struct errinfo *ei = &ctx->err;
    if (!in->username || !*in->username)
        return err_set(ei, ERR_INVALID, "username", "a username is required");
    char phone[PHONE_SIZE] = "";
    if (in->phone && *in->phone) {
        enum err e = phone_validate(in->phone, phone, sizeof phone, ei);
        if (e != ERR_OK) {
            snprintf(ei->field, sizeof ei->field, "phone");
            return e;
        }
    }
    enum err e = check_date(ei, "contract_start", in->contract_start);
    if (e == ERR_OK)
        e = check_date(ei, "contract_end", in->contract_end);
    if (e != ERR_OK)
        return e;
    if (in->employer_code && *in->employer_code && !area_code_ok(in->employer_code))
        return err_set(ei, ERR_INVALID, "employer", "bad employer code (12 digits expected)");
    struct assistant_set_arg a = {ctx, in, in->phone ? phone : NULL};
    e = tx_run(ctx->app->db, true, assistant_set_tx, &a);
    if (e != ERR_OK && !ei->message[0])
        err_set(ei, e, NULL, "could not update the assistant");
    return e;
}

/* --- the register ------------------------------------------------------------ */

struct assistants_arg {
    struct ctx *ctx;
    const struct assistant_query *q;
    struct assistant_list *out;
    char after_code[16];
    char after_id[RAND_ID_LEN + 1];
    const char *user_id;
    char *next_cursor;
};

static enum err assistant_push(const struct assistant_item *it, void *argp)
{
    struct assistant_list *l = argp;
    l->items = xrealloc(l->items, (l->n + 1) * sizeof *l->items);
    l->items[l->n++] = *it;
    return ERR_OK;
}

static int assistant_cmp(const void *pa, const void *pb)
{
    const struct assistant_item *a = pa, *b = pb;
    int c = strcmp(a->village_code, b->village_code);
    return c ? c : strcmp(a->id, b->id);
}

/* A cursor is "<village code>.<assistant id>" of the last item of the previous page. */
static bool cursor_parse(const char *s, char code[16], char id[RAND_ID_LEN + 1])
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s || (size_t)(dot - s) > 15 || strlen(dot + 1) != RAND_ID_LEN)
        return false;
    for (const char *p = s; p < dot; p++)
        if (*p < '0' || *p > '9')
            return false;
    for (const char *p = dot + 1; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '2' && *p <= '7')))
            return false;
    snprintf(code, 16, "%.*s", (int)(dot - s), s);
    snprintf(id, RAND_ID_LEN + 1, "%s", dot + 1);
    return true;
}

static enum err assistants_list_tx(struct tx *tx, void *argp)
{
    struct assistants_arg *a = argp;
    const struct scope *sc = caller_scope(a->ctx);
    a->out->n = 0;
    if (a->q->village_id) {
        struct area_row v;
        enum err e = area_repo_by_id(tx, a->q->village_id, &v);
        if (e == ERR_NOT_FOUND)
            return err_set(&a->ctx->err, ERR_NOT_FOUND, "village_id", "no such area");
        if (e != ERR_OK)
            return e;
        if (!scope_has_path(sc, v.path)) {
            out_of_scope(a->ctx, "area");
            snprintf(a->ctx->err.field, sizeof a->ctx->err.field, "village_id");
            return ERR_NOT_FOUND;
        }
    }
    const char *const *roots;
    size_t n_roots = scope_roots(sc, &roots);
    for (size_t i = 0; i < n_roots; i++) {
        struct assistant_filter f = {
            .root_path = roots[i],
            .village_id = a->q->village_id,
            .user_id = a->user_id,
            .after_code = a->after_code,
            .after_id = a->after_id,
            .limit = a->q->limit + 1,
        };
        enum err e = assistant_repo_list(tx, &f, assistant_push, a->out);
        if (e != ERR_OK)
            return e;
    }
    if (a->out->n > 1)
        qsort(a->out->items, a->out->n, sizeof *a->out->items, assistant_cmp);
    a->next_cursor[0] = '\0';
    if (a->out->n > (size_t)a->q->limit) {
        a->out->n = (size_t)a->q->limit;
        const struct assistant_item *last = &a->out->items[a->out->n - 1];
        snprintf(a->next_cursor, ASSISTANT_CURSOR_MAX, "%s.%s", last->village_code, last->id);
    }
    for (size_t i = 0; i < a->out->n; i++) {
        enum err e = org_assistant_enrich(tx, &a->out->items[i]);
        if (e != ERR_OK)
            return e;
    }
    return ERR_OK;
}

enum err org_assistants_list(struct ctx *ctx, const struct assistant_query *q,
                             struct assistant_list *out, char next_cursor[ASSISTANT_CURSOR_MAX])
{
    out->items = NULL;
    out->n = 0;
    next_cursor[0] = '\0';
    unsigned rights = caller_rights(ctx, RES_ASSISTANTS);
    if (!(rights & RIGHT_R))
        return forbidden(ctx);
    struct assistants_arg a = {.ctx = ctx, .q = q, .out = out, .next_cursor = next_cursor};
    if (q->cursor && !cursor_parse(q->cursor, a.after_code, a.after_id))
        return err_set(&ctx->err, ERR_INVALID, "cursor", "invalid cursor");
    a.user_id = (rights & RIGHT_OWN) && ctx->who ? ctx->who->user_id : "";
    enum err e = tx_run(ctx->app->db, false, assistants_list_tx, &a);
    if (e != ERR_OK)
        assistant_list_release(out);
    return e;
}

struct assistant_get_arg {
    struct ctx *ctx;
    const char *id;
    struct assistant_item *out;
};

static enum err assistant_get_tx(struct tx *tx, void *argp)
{
    struct assistant_get_arg *a = argp;
    struct ctx *ctx = a->ctx;
    enum err e = assistant_repo_by_id(tx, a->id, a->out);
    if (e == ERR_NOT_FOUND)
        return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such assistant");
    if (e != ERR_OK)
        return e;
    unsigned rights = caller_rights(ctx, RES_ASSISTANTS);
    if ((rights & RIGHT_OWN) && ctx->who && strcmp(a->out->user_id, ctx->who->user_id) != 0)
        return out_of_scope(ctx, "assistant");
    if (!scope_has_path(caller_scope(ctx), a->out->village_path))
        return out_of_scope(ctx, "assistant");
    if (!(rights & RIGHT_R))
        return forbidden(ctx);
    e = org_assistant_enrich(tx, a->out);
    if (e != ERR_OK)
        return e;
    char obj[64];
    snprintf(obj, sizeof obj, "assistant/%s", a->out->id);
    return audit_append(tx, ctx, "assistant.read", obj, "ok");
}

enum err org_assistant_get(struct ctx *ctx, const char *id, struct assistant_item *out)
{
    struct assistant_item it;
    struct assistant_get_arg a = {ctx, id, &it};
    enum err e = tx_run(ctx->app->db, true, assistant_get_tx, &a);
    if (e == ERR_OK)
        *out = it;
    return e;
}

struct coverage_arg {
    struct ctx *ctx;
    struct area_list *out;
};

static enum err coverage_tx(struct tx *tx, void *argp)
{
    struct coverage_arg *a = argp;
    const char *const *roots;
    size_t n_roots = scope_roots(caller_scope(a->ctx), &roots);
    a->out->n = 0;
    for (size_t i = 0; i < n_roots; i++) {
        enum err e = area_repo_uncovered(tx, roots[i], AREA_LIST_MAX, area_list_push, a->out);
        if (e != ERR_OK)
            return e;
    }
    if (a->out->n > 1)
        qsort(a->out->items, a->out->n, sizeof *a->out->items, area_cmp);
    return ERR_OK;
}

enum err org_assistant_coverage(struct ctx *ctx, struct area_list *out)
{
    out->items = NULL;
    out->n = 0;
    unsigned rights = caller_rights(ctx, RES_ASSISTANTS);
    /* Coverage is a management view over areas: not for those who see only their own record. */
    if (!(rights & RIGHT_R) || (rights & RIGHT_OWN))
        return forbidden(ctx);
    struct coverage_arg a = {ctx, out};
    enum err e = tx_run(ctx->app->db, false, coverage_tx, &a);
    if (e != ERR_OK)
        area_list_release(out);
    return e;
}

enum err org_area_county(struct tx *tx, const char *area_id, struct area_row *a,
                         char county[RAND_ID_LEN + 1])
{
    enum err e = org_area_by_id(tx, area_id, a);
    if (e != ERR_OK)
        return e;
    struct area_row cur = *a;
    for (int i = 0; i < 8; i++) {
        if (strcmp(cur.level, "county") == 0) {
            snprintf(county, RAND_ID_LEN + 1, "%s", cur.id);
            return ERR_OK;
        }
        if (!cur.parent_id[0])
            break;
        if ((e = org_area_by_id(tx, cur.parent_id, &cur)) != ERR_OK)
            return e;
    }
    /* A tree without a county level: the root stands for it. */
    snprintf(county, RAND_ID_LEN + 1, "%s", cur.id);
    return ERR_OK;
}
