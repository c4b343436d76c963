/*
 * All SQL of household business types and applications.
 */
#include "household/household_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/rand.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static enum err done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

void hh_app_release(struct hh_app *a)
{
    free(a->id_sealed);
    free(a->phone_sealed);
    free(a->details);
    free(a->last_reason);
    a->id_sealed = a->phone_sealed = a->details = a->last_reason = NULL;
}

/* --- types ---------------------------------------------------------------- */

enum err hh_repo_type_get(struct tx *tx, const char *code, struct hh_type *t)
{
    struct db_conn *c = tx_conn(tx);
    struct db_stmt *s = db_prepare(c, "SELECT code, name, name_en, approval_chain, promised_days, "
                                      "days_unit, assistant_preaccept, version "
                                      "FROM household_types WHERE code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        memset(t, 0, sizeof *t);
        cp(t->code, sizeof t->code, db_col_text(s, 0));
        cp(t->name, sizeof t->name, db_col_text(s, 1));
        cp(t->name_en, sizeof t->name_en, db_col_text(s, 2));
        cp(t->chain, sizeof t->chain, db_col_text(s, 3));
        t->promised_days = (int)db_col_int64(s, 4);
        const char *unit = db_col_text(s, 5);
        t->working_days = unit && strcmp(unit, "working_days") == 0;
        cp(t->preaccept, sizeof t->preaccept, db_col_text(s, 6));
        t->version = db_col_int64(s, 7);
        if (!hh_level_from_chain(t->chain, &t->level))
            t->level = HH_LEVEL_STATION;
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    if (e != ERR_OK)
        return e;
    s = db_prepare(c, "SELECT kind, name, required, on_site FROM household_materials "
                      "WHERE type_code = $1 ORDER BY position");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    while ((st = db_step(s)) == DB_ROW && t->n_materials < HH_MAX_MATERIALS) {
        struct hh_material *m = &t->materials[t->n_materials++];
        cp(m->kind, sizeof m->kind, db_col_text(s, 0));
        cp(m->name, sizeof m->name, db_col_text(s, 1));
        m->required = db_col_int64(s, 2) != 0;
        m->on_site = db_col_int64(s, 3) != 0;
    }
    e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err hh_repo_types_json(struct tx *tx, json_t *items)
{
    struct db_conn *c = tx_conn(tx);
    struct db_stmt *s = db_prepare(c, "SELECT code FROM household_types ORDER BY code");
    if (!s)
        return ERR_INTERNAL;
    json_t *codes = json_array();
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(codes, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    size_t i;
    json_t *v;
    json_array_foreach(codes, i, v)
    {
        if (e != ERR_OK)
            break;
        struct hh_type *t = xcalloc(1, sizeof *t);
        e = hh_repo_type_get(tx, json_string_value(v), t);
        if (e == ERR_OK) {
            json_t *chain = json_array();
            char tmp[sizeof t->chain];
            snprintf(tmp, sizeof tmp, "%s", t->chain);
            char *save = NULL;
            for (char *p = strtok_r(tmp, ">", &save); p; p = strtok_r(NULL, ">", &save))
                json_array_append_new(chain, json_string(p));
            json_t *mats = json_array();
            for (size_t k = 0; k < t->n_materials; k++)
                json_array_append_new(mats, json_pack("{ss ss sb sb}", "kind", t->materials[k].kind,
                                                      "name", t->materials[k].name, "required",
                                                      t->materials[k].required, "on_site",
                                                      t->materials[k].on_site));
            json_array_append_new(
                items,
                json_pack("{ss ss ss ss so si ss ss so sI}", "code", t->code, "name", t->name,
                          "name_en", t->name_en, "level", hh_level_name(t->level), "approval_chain",
                          chain, "promised_days", t->promised_days, "days_unit",
                          t->working_days ? "working_days" : "calendar_days", "assistant_preaccept",
                          t->preaccept, "materials", mats, "version", (json_int_t)t->version));
        }
        free(t);
    }
    json_decref(codes);
    return e;
}

enum err hh_repo_type_count(struct tx *tx, int64_t *n)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT COUNT(*) FROM household_types");
    if (!s)
        return ERR_INTERNAL;
    enum db_step st = db_step(s);
    *n = st == DB_ROW ? db_col_int64(s, 0) : 0;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err hh_repo_type_insert(struct tx *tx, const char *code, const char *name, const char *name_en,
                             const char *level, const char *chain, int days, const char *unit,
                             const char *preaccept, const char *days_basis, const char *legal_basis)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO household_types (code, name, name_en, approver_level, "
                     "approval_chain, promised_days, days_unit, assistant_preaccept, days_basis, "
                     "legal_basis, version, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, name);
    db_bind_text(s, 3, name_en);
    db_bind_text(s, 4, level);
    db_bind_text(s, 5, chain);
    db_bind_int64(s, 6, days);
    db_bind_text(s, 7, unit);
    db_bind_text(s, 8, preaccept);
    db_bind_text(s, 9, days_basis);
    db_bind_text(s, 10, legal_basis);
    db_bind_int64(s, 11, clock_now());
    return done(s);
}

enum err hh_repo_material_insert(struct tx *tx, const char *type, const char *kind,
                                 const char *name, bool required, bool on_site, int position)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "INSERT INTO household_materials (type_code, kind, name, "
                                "required, on_site, position) VALUES ($1, $2, $3, $4, $5, $6)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, type);
    db_bind_text(s, 2, kind);
    db_bind_text(s, 3, name);
    db_bind_int64(s, 4, required);
    db_bind_int64(s, 5, on_site);
    db_bind_int64(s, 6, position);
    return done(s);
}

enum err hh_repo_type_update(struct tx *tx, const char *code, const char *name, int days,
                             const char *unit, int64_t version)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "UPDATE household_types SET name = $2, promised_days = $3, "
                                "days_unit = $4, version = $5, updated_at = $6 WHERE code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    db_bind_text(s, 2, name);
    db_bind_int64(s, 3, days);
    db_bind_text(s, 4, unit);
    db_bind_int64(s, 5, version);
    db_bind_int64(s, 6, clock_now());
    return done(s);
}

/* --- applications ------------------------------------------------------- */

#define APP_COLS                                                                                   \
    "id, county_id, number, business_type, village_id, status, applicant_name, "                   \
    "applicant_id_sealed, applicant_id_hmac, applicant_id_masked, applicant_id_last4, "            \
    "applicant_phone_sealed, applicant_phone_masked, details, created_by, first_submitted_at, "    \
    "submitted_at, due_at, accepted_at, approved_at, completed_at, closed_at, last_reason, "       \
    "version, created_at, updated_at"

static int64_t opt_int(struct db_stmt *s, int col)
{
    return db_col_null(s, col) ? 0 : db_col_int64(s, col);
}

static void read_app(struct db_stmt *s, struct hh_app *a)
{
    memset(a, 0, sizeof *a);
    cp(a->id, sizeof a->id, db_col_text(s, 0));
    cp(a->county_id, sizeof a->county_id, db_col_text(s, 1));
    cp(a->number, sizeof a->number, db_col_text(s, 2));
    cp(a->business_type, sizeof a->business_type, db_col_text(s, 3));
    cp(a->village_id, sizeof a->village_id, db_col_text(s, 4));
    if (!hh_state_from(db_col_text(s, 5), &a->status))
        a->status = HH_DRAFT;
    cp(a->applicant_name, sizeof a->applicant_name, db_col_text(s, 6));
    a->id_sealed = dup_or_null(db_col_text(s, 7));
    cp(a->id_hmac, sizeof a->id_hmac, db_col_text(s, 8));
    cp(a->id_masked, sizeof a->id_masked, db_col_text(s, 9));
    cp(a->id_last4, sizeof a->id_last4, db_col_text(s, 10));
    a->phone_sealed = dup_or_null(db_col_text(s, 11));
    cp(a->phone_masked, sizeof a->phone_masked, db_col_text(s, 12));
    a->details = dup_or_null(db_col_text(s, 13));
    cp(a->created_by, sizeof a->created_by, db_col_text(s, 14));
    a->first_submitted_at = opt_int(s, 15);
    a->submitted_at = opt_int(s, 16);
    a->due_at = opt_int(s, 17);
    a->accepted_at = opt_int(s, 18);
    a->approved_at = opt_int(s, 19);
    a->completed_at = opt_int(s, 20);
    a->closed_at = opt_int(s, 21);
    a->last_reason = dup_or_null(db_col_text(s, 22));
    a->version = db_col_int64(s, 23);
    a->created_at = db_col_int64(s, 24);
    a->updated_at = db_col_int64(s, 25);
}

static enum err get_by(struct tx *tx, const char *sql, const char *key, struct hh_app *a)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, key);
    enum db_step st = db_step(s);
    enum err e = ERR_NOT_FOUND;
    if (st == DB_ROW) {
        read_app(s, a);
        e = ERR_OK;
    } else if (st == DB_FAIL) {
        e = db_stmt_err(s);
    }
    db_finish(s);
    return e;
}

enum err hh_repo_get(struct tx *tx, const char *id, struct hh_app *a)
{
    return get_by(tx, "SELECT " APP_COLS " FROM household_applications WHERE id = $1", id, a);
}

enum err hh_repo_by_number(struct tx *tx, const char *number, struct hh_app *a)
{
    return get_by(tx, "SELECT " APP_COLS " FROM household_applications WHERE number = $1", number,
                  a);
}

enum err hh_repo_number_taken(struct tx *tx, const char *number, bool *taken)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT 1 FROM household_applications WHERE number = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, number);
    enum db_step st = db_step(s);
    *taken = st == DB_ROW;
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

static void bind_opt(struct db_stmt *s, int idx, int64_t v)
{
    if (v)
        db_bind_int64(s, idx, v);
    else
        db_bind_null(s, idx);
}

static void bind_app(struct db_stmt *s, const struct hh_app *a)
{
    db_bind_text(s, 1, a->id);
    db_bind_text(s, 2, a->county_id);
    db_bind_text(s, 3, a->number);
    db_bind_text(s, 4, a->business_type);
    db_bind_text(s, 5, a->village_id);
    db_bind_text(s, 6, hh_state_name(a->status));
    db_bind_text(s, 7, a->applicant_name);
    db_bind_text(s, 8, a->id_sealed);
    db_bind_text(s, 9, a->id_hmac);
    db_bind_text(s, 10, a->id_masked);
    db_bind_text(s, 11, a->id_last4);
    db_bind_text(s, 12, a->phone_sealed);
    db_bind_text(s, 13, a->phone_masked[0] ? a->phone_masked : NULL);
    db_bind_text(s, 14, a->details);
    db_bind_text(s, 15, a->created_by);
    bind_opt(s, 16, a->first_submitted_at);
    bind_opt(s, 17, a->submitted_at);
    bind_opt(s, 18, a->due_at);
    bind_opt(s, 19, a->accepted_at);
    bind_opt(s, 20, a->approved_at);
    bind_opt(s, 21, a->completed_at);
    bind_opt(s, 22, a->closed_at);
    db_bind_text(s, 23, a->last_reason);
    db_bind_int64(s, 24, a->version);
    db_bind_int64(s, 25, a->created_at);
    db_bind_int64(s, 26, a->updated_at);
}

enum err hh_repo_insert(struct tx *tx, const struct hh_app *a)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO household_applications (" APP_COLS ") VALUES ($1, $2, $3, "
                     "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
                     "$20, $21, $22, $23, $24, $25, $26)");
    if (!s)
        return ERR_INTERNAL;
    bind_app(s, a);
    return done(s);
}

enum err hh_repo_update(struct tx *tx, const struct hh_app *a)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "UPDATE household_applications SET county_id = $2, number = $3, business_type = $4, "
        "village_id = $5, status = $6, applicant_name = $7, applicant_id_sealed = $8, "
        "applicant_id_hmac = $9, applicant_id_masked = $10, applicant_id_last4 = $11, "
        "applicant_phone_sealed = $12, applicant_phone_masked = $13, details = $14, "
        "created_by = $15, first_submitted_at = $16, submitted_at = $17, due_at = $18, "
        "accepted_at = $19, approved_at = $20, completed_at = $21, closed_at = $22, "
        "last_reason = $23, version = $24, created_at = $25, updated_at = $26 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    bind_app(s, a);
    return done(s);
}

enum err hh_repo_open_same(struct tx *tx, const char *id_hmac, const char *type,
                           const char *except_id, json_t *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT id, number, status FROM household_applications "
                                "WHERE applicant_id_hmac = $1 AND business_type = $2 AND id <> $3 "
                                "AND status NOT IN ('completed', 'rejected') ORDER BY created_at");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id_hmac);
    db_bind_text(s, 2, type);
    db_bind_text(s, 3, except_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_pack("{ss ss ss}", "id", db_col_text(s, 0), "number",
                                             db_col_text(s, 1), "status", db_col_text(s, 2)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err hh_repo_history_add(struct tx *tx, const char *app_id, const struct hh_history *h)
{
    char id[RAND_ID_LEN + 1];
    rand_id(id);
    struct db_stmt *s = db_prepare(
        tx_conn(tx),
        "INSERT INTO household_history (id, application_id, seq, at, actor_id, actor_name, role, "
        "action, from_status, to_status, note) VALUES ($1, $2, "
        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM household_history WHERE application_id = $2), "
        "$3, $4, $5, $6, $7, $8, $9, $10)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, app_id);
    db_bind_int64(s, 3, clock_now());
    db_bind_text(s, 4, h->actor_id);
    db_bind_text(s, 5, h->actor_name ? h->actor_name : "");
    db_bind_text(s, 6, h->role ? h->role : "");
    db_bind_text(s, 7, h->action);
    db_bind_text(s, 8, h->from);
    db_bind_text(s, 9, h->to);
    db_bind_text(s, 10, h->note);
    return done(s);
}

enum err hh_repo_history_json(struct tx *tx, const char *app_id, json_t *out)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "SELECT at, actor_name, role, action, from_status, to_status, "
                                "note FROM household_history WHERE application_id = $1 "
                                "ORDER BY seq");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, app_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        char at[TIME_ISO_LEN];
        time_iso(db_col_int64(s, 0), at);
        const char *from = db_col_text(s, 4), *note = db_col_text(s, 6);
        json_array_append_new(
            out, json_pack("{ss ss ss ss so ss so sI}", "at", at, "actor", db_col_text(s, 1),
                           "role", db_col_text(s, 2), "action", db_col_text(s, 3), "from",
                           from ? json_string(from) : json_null(), "to", db_col_text(s, 5), "note",
                           note ? json_string(note) : json_null(), "at_unix",
                           (json_int_t)db_col_int64(s, 0)));
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

/* Appends " AND " + cond to sql. */
static void and (char *sql, size_t n, const char *cond)
{
    size_t used = strlen(sql);
    snprintf(sql + used, n - used, " AND %s", cond);
}

enum err hh_repo_list(struct tx *tx, const struct hh_list_filter *f, json_t *items, bool *more)
{
    /*
     * Only the filters given become conditions, each a plain comparison, so
     * that SQLite walks the (village_id, created_at) index newest first and
     * stops after one page instead of sorting the village's rows. Values are
     * always bound; only the shape of the statement varies.
     */
    char sql[4096] =
        "SELECT h.id, h.number, h.business_type, t.name, h.village_id, v.name, h.status, "
        "h.applicant_name, h.applicant_id_masked, h.due_at, h.created_at, h.updated_at, "
        "h.version, h.submitted_at FROM household_applications h "
        "JOIN areas v ON v.id = h.village_id "
        "JOIN household_types t ON t.code = h.business_type WHERE 1 = 1";
    const char *text[96]; /* 9 filters, up to 64 scope roots, the limit */
    int64_t ints[96];
    bool is_text[96];
    int np = 0;
    char cond[256];
#define PARAM_TEXT(v) (is_text[np] = true, text[np] = (v), ++np)
#define PARAM_INT(v) (is_text[np] = false, ints[np] = (v), ++np)
    if (f->status && *f->status) {
        snprintf(cond, sizeof cond, "h.status = $%d", PARAM_TEXT(f->status));
        and(sql, sizeof sql, cond);
    }
    if (f->village_id && *f->village_id) {
        snprintf(cond, sizeof cond, "h.village_id = $%d", PARAM_TEXT(f->village_id));
        and(sql, sizeof sql, cond);
    }
    if (f->business_type && *f->business_type) {
        snprintf(cond, sizeof cond, "h.business_type = $%d", PARAM_TEXT(f->business_type));
        and(sql, sizeof sql, cond);
    }
    if (f->overdue) {
        snprintf(cond, sizeof cond,
                 "h.due_at IS NOT NULL AND h.due_at < $%d AND h.status NOT IN ('completed', "
                 "'rejected')",
                 PARAM_INT(f->now));
        and(sql, sizeof sql, cond);
    }
    if (f->q_number && *f->q_number) {
        int a1 = PARAM_TEXT(f->q_number);
        int a2 = PARAM_TEXT(f->q_name_like);
        int a3 = PARAM_TEXT(f->q_id_hmac ? f->q_id_hmac : "");
        snprintf(cond, sizeof cond,
                 "(h.number = $%d OR h.applicant_name LIKE $%d ESCAPE '\\' OR "
                 "h.applicant_id_hmac = $%d)",
                 a1, a2, a3);
        and(sql, sizeof sql, cond);
    }
    if (f->cursor_key) {
        int k1 = PARAM_INT(f->cursor_key);
        int k2 = PARAM_TEXT(f->cursor_id ? f->cursor_id : "");
        if (f->sort_due)
            snprintf(cond, sizeof cond,
                     "(COALESCE(h.due_at, 9000000000000) > $%d OR "
                     "(COALESCE(h.due_at, 9000000000000) = $%d AND h.id > $%d))",
                     k1, k1, k2);
        else
            snprintf(cond, sizeof cond,
                     "(h.created_at < $%d OR (h.created_at = $%d AND h.id < $%d))", k1, k1, k2);
        and(sql, sizeof sql, cond);
    }
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " AND ");
    size_t nscope = scope_sql(f->scope, "v.path", np + 1, sql, sizeof sql);
    for (size_t i = 0; i < nscope; i++)
        PARAM_TEXT(f->scope->paths[i]);
    used = strlen(sql);
    int lim = PARAM_INT(f->limit + 1);
    snprintf(sql + used, sizeof sql - used, " ORDER BY %s LIMIT $%d",
             f->sort_due ? "COALESCE(h.due_at, 9000000000000), h.id"
                         : "h.created_at DESC, h.id DESC",
             lim);
#undef PARAM_TEXT
#undef PARAM_INT
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    for (int i = 0; i < np; i++) {
        if (is_text[i])
            db_bind_text(s, i + 1, text[i]);
        else
            db_bind_int64(s, i + 1, ints[i]);
    }
    enum db_step st;
    int n = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (n == f->limit) {
            *more = true;
            break;
        }
        int64_t due = opt_int(s, 9);
        const char *status = db_col_text(s, 6);
        bool closed = status && (!strcmp(status, "completed") || !strcmp(status, "rejected"));
        char due_s[TIME_ISO_LEN], cat[TIME_ISO_LEN], uat[TIME_ISO_LEN];
        time_iso(due, due_s);
        time_iso(db_col_int64(s, 10), cat);
        time_iso(db_col_int64(s, 11), uat);
        json_array_append_new(
            items, json_pack("{ss ss ss ss ss ss ss s{ss ss} so sb ss ss sI sI sI}", "id",
                             db_col_text(s, 0), "number", db_col_text(s, 1), "business_type",
                             db_col_text(s, 2), "business_type_name", db_col_text(s, 3),
                             "village_id", db_col_text(s, 4), "village_name", db_col_text(s, 5),
                             "status", status, "applicant", "name", db_col_text(s, 7), "id_number",
                             db_col_text(s, 8), "due_at", due ? json_string(due_s) : json_null(),
                             "overdue", due && !closed && due < f->now, "created_at", cat,
                             "updated_at", uat, "version", (json_int_t)db_col_int64(s, 12), "_key",
                             (json_int_t)(f->sort_due ? (due ? due : 9000000000000LL)
                                                      : db_col_int64(s, 10)),
                             "time_left_seconds", (json_int_t)(due && !closed ? due - f->now : 0)));
        n++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
