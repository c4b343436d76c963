/*
 * All SQL of activities, key persons and the grassroots category lists.
 */
#include "visit/visit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rec.h"
#include "core/clock.h"
#include "store/db.h"
#include "store/tx.h"
#include "core/xalloc.h"

static void cp(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}

static enum err done(struct db_stmt *s)
{
    enum err e = db_step(s) == DB_DONE ? ERR_OK : db_stmt_err(s);
    db_finish(s);
    return e;
}

void kp_row_release(struct kp_row *k)
{
    free(k->id_sealed);
    free(k->notes);
    k->id_sealed = k->notes = NULL;
}

enum err kp_repo_insert(struct tx *tx, const struct kp_row *k)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO key_persons (id, county_id, category, name, id_sealed, "
                     "id_masked, id_hmac, village_id, notes, next_due_at, created_by, version, "
                     "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                     "$11, 1, $12, $12)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, k->id);
    db_bind_text(s, 2, k->county_id);
    db_bind_text(s, 3, k->category);
    db_bind_text(s, 4, k->name);
    db_bind_text(s, 5, k->id_sealed);
    db_bind_text(s, 6, k->id_masked[0] ? k->id_masked : NULL);
    db_bind_text(s, 7, k->id_hmac[0] ? k->id_hmac : NULL);
    db_bind_text(s, 8, k->village_id);
    db_bind_text(s, 9, k->notes ? k->notes : "");
    db_bind_int64(s, 10, k->next_due_at);
    db_bind_text(s, 11, k->created_by);
    db_bind_int64(s, 12, k->created_at);
    return done(s);
}

#define KP_COLS                                                                                    \
    "k.id, k.county_id, k.category, k.name, k.id_sealed, k.id_masked, k.id_hmac, "                 \
    "k.village_id, k.notes, k.last_contact_at, k.next_due_at, k.created_by, k.version, "           \
    "k.created_at, c.name, v.name, v.path, c.followup_days"
#define KP_FROM                                                                                    \
    " FROM key_persons k JOIN key_person_categories c ON c.code = k.category JOIN areas v ON "     \
    "v.id = k.village_id"

static void read_kp(struct db_stmt *s, struct kp_row *k)
{
    memset(k, 0, sizeof *k);
    cp(k->id, sizeof k->id, db_col_text(s, 0));
    cp(k->county_id, sizeof k->county_id, db_col_text(s, 1));
    cp(k->category, sizeof k->category, db_col_text(s, 2));
    cp(k->name, sizeof k->name, db_col_text(s, 3));
    k->id_sealed = db_col_text(s, 4) ? xstrdup(db_col_text(s, 4)) : NULL;
    cp(k->id_masked, sizeof k->id_masked, db_col_text(s, 5));
    cp(k->id_hmac, sizeof k->id_hmac, db_col_text(s, 6));
    cp(k->village_id, sizeof k->village_id, db_col_text(s, 7));
    k->notes = xstrdup(db_col_text(s, 8) ? db_col_text(s, 8) : "");
    k->last_contact_at = db_col_null(s, 9) ? 0 : db_col_int64(s, 9);
    k->next_due_at = db_col_int64(s, 10);
    cp(k->created_by, sizeof k->created_by, db_col_text(s, 11));
    k->version = db_col_int64(s, 12);
    k->created_at = db_col_int64(s, 13);
    cp(k->category_name, sizeof k->category_name, db_col_text(s, 14));
    cp(k->village_name, sizeof k->village_name, db_col_text(s, 15));
    cp(k->village_path, sizeof k->village_path, db_col_text(s, 16));
    k->followup_days = (int)db_col_int64(s, 17);
}

enum err kp_repo_get(struct tx *tx, const char *id, struct kp_row *k)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT " KP_COLS KP_FROM " WHERE k.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        read_kp(s, k);
    db_finish(s);
    return e;
}

enum err kp_repo_contact(struct tx *tx, const char *id, int64_t at, int64_t next_due)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "UPDATE key_persons SET last_contact_at = $2, next_due_at = $3, "
                     "due_notified = 0, version = version + 1, updated_at = $4 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_int64(s, 2, at);
    db_bind_int64(s, 3, next_due);
    db_bind_int64(s, 4, clock_now());
    return done(s);
}

enum err kp_repo_category_days(struct tx *tx, const char *code, int *days)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT followup_days FROM "
                                                "key_person_categories WHERE code = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, code);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW)
        *days = (int)db_col_int64(s, 0);
    db_finish(s);
    return e;
}

enum err kp_repo_list(struct tx *tx, const struct scope *sc, const struct key_person_query *q,
                      int64_t now, int64_t cur_key, const char *cur_id, json_t *items, bool *more)
{
    char sql[4096] = "SELECT " KP_COLS KP_FROM
                     " WHERE ($1 = '' OR k.category = $1) AND ($2 = '' OR k.village_id = $2) "
                     "AND ($3 = 0 OR k.next_due_at < $4) AND ($5 = 0 OR k.created_at < $5 OR "
                     "(k.created_at = $5 AND k.id < $6)) AND ";
    size_t n = scope_sql(sc, "v.path", 8, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY k.created_at DESC, k.id DESC LIMIT $7");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, q->category ? q->category : "");
    db_bind_text(s, 2, q->village_id ? q->village_id : "");
    db_bind_int64(s, 3, q->overdue ? 1 : 0);
    db_bind_int64(s, 4, now);
    db_bind_int64(s, 5, cur_key);
    db_bind_text(s, 6, cur_id ? cur_id : "");
    db_bind_int64(s, 7, q->limit + 1);
    for (size_t i = 0; i < n; i++)
        db_bind_text(s, 8 + (int)i, sc->paths[i]);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == q->limit) {
            *more = true;
            break;
        }
        struct kp_row k;
        read_kp(s, &k);
        json_array_append_new(
            items,
            json_pack("{ss ss ss ss so ss ss so so sb sI}", "id", k.id, "category", k.category,
                      "category_name", k.category_name, "name", k.name, "id_number",
                      k.id_masked[0] ? json_string(k.id_masked) : json_null(), "village_id",
                      k.village_id, "village_name", k.village_name, "last_contact_at",
                      rec_time(k.last_contact_at), "next_due_at", rec_time(k.next_due_at),
                      "overdue", k.next_due_at < now, "_key", (json_int_t)k.created_at));
        kp_row_release(&k);
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err kp_repo_due(struct tx *tx, int64_t now, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT id, name, village_id FROM key_persons "
                                                "WHERE due_notified = 0 AND next_due_at <= $1 "
                                                "LIMIT 500");
    if (!s)
        return ERR_INTERNAL;
    db_bind_int64(s, 1, now);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_pack("{ss ss ss}", "id", db_col_text(s, 0), "name",
                                             db_col_text(s, 1), "village_id", db_col_text(s, 2)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err kp_repo_mark_reminded(struct tx *tx, const char *id)
{
    struct db_stmt *s =
        db_prepare(tx_conn(tx), "UPDATE key_persons SET due_notified = 1 WHERE id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    return done(s);
}

enum err kp_repo_assistants_of(struct tx *tx, const char *village_id, json_t *out)
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT a.user_id FROM assistants a JOIN users "
                                                "u ON u.id = a.user_id WHERE a.village_id = $1 "
                                                "AND u.disabled = 0");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, village_id);
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW)
        json_array_append_new(out, json_string(db_col_text(s, 0)));
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err activity_repo_insert(struct tx *tx, const char *id, const char *county,
                              const struct activity_input *in, const char *village_id,
                              const char *created_by)
{
    struct db_stmt *s = db_prepare(
        tx_conn(tx), "INSERT INTO activities (id, county_id, kind, village_id, held_at, topic, "
                     "people_count, key_person_id, notes, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    db_bind_text(s, 2, county);
    db_bind_text(s, 3, in->kind);
    db_bind_text(s, 4, village_id);
    db_bind_int64(s, 5, in->held_at);
    db_bind_text(s, 6, in->topic);
    db_bind_int64(s, 7, in->people_count);
    db_bind_text(s, 8, in->key_person_id);
    db_bind_text(s, 9, in->notes ? in->notes : "");
    db_bind_text(s, 10, created_by);
    db_bind_int64(s, 11, clock_now());
    return done(s);
}

#define ACT_COLS                                                                                   \
    "a.id, a.kind, a.village_id, v.name, a.held_at, a.topic, a.people_count, a.key_person_id, "    \
    "a.notes, u.name, a.created_at, v.path"
#define ACT_FROM                                                                                   \
    " FROM activities a JOIN areas v ON v.id = a.village_id JOIN users u ON u.id = "               \
    "a.created_by"

static json_t *activity_item(struct db_stmt *s)
{
    const char *kp = db_col_text(s, 7);
    return json_pack("{ss ss ss ss so ss sI so ss ss so sI}", "id", db_col_text(s, 0), "kind",
                     db_col_text(s, 1), "village_id", db_col_text(s, 2), "village_name",
                     db_col_text(s, 3), "held_at", rec_time(db_col_int64(s, 4)), "topic",
                     db_col_text(s, 5), "people_count", (json_int_t)db_col_int64(s, 6),
                     "key_person_id", kp ? json_string(kp) : json_null(), "notes",
                     db_col_text(s, 8), "created_by_name", db_col_text(s, 9), "created_at",
                     rec_time(db_col_int64(s, 10)), "_key", (json_int_t)db_col_int64(s, 4));
}

enum err activity_repo_get(struct tx *tx, const char *id, json_t **out, char path[256])
{
    struct db_stmt *s = db_prepare(tx_conn(tx), "SELECT " ACT_COLS ACT_FROM " WHERE a.id = $1");
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, id);
    enum db_step st = db_step(s);
    enum err e = st == DB_ROW ? ERR_OK : st == DB_DONE ? ERR_NOT_FOUND : db_stmt_err(s);
    if (st == DB_ROW) {
        *out = activity_item(s);
        json_object_del(*out, "_key");
        cp(path, 256, db_col_text(s, 11));
    }
    db_finish(s);
    return e;
}

enum err activity_repo_list(struct tx *tx, const struct scope *sc, const struct activity_query *q,
                            int64_t cur_key, const char *cur_id, json_t *items, bool *more)
{
    char sql[4096] = "SELECT " ACT_COLS ACT_FROM
                     " WHERE ($1 = '' OR a.kind = $1) AND ($2 = '' OR a.village_id = $2) AND "
                     "($3 = '' OR a.key_person_id = $3) AND ($4 = 0 OR a.held_at >= $4) AND ($5 "
                     "= 0 OR a.held_at <= $5) AND ($6 = 0 OR a.held_at < $6 OR (a.held_at = $6 "
                     "AND a.id < $7)) AND ";
    size_t n = scope_sql(sc, "v.path", 9, sql, sizeof sql);
    size_t used = strlen(sql);
    snprintf(sql + used, sizeof sql - used, " ORDER BY a.held_at DESC, a.id DESC LIMIT $8");
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    db_bind_text(s, 1, q->kind ? q->kind : "");
    db_bind_text(s, 2, q->village_id ? q->village_id : "");
    db_bind_text(s, 3, q->key_person_id ? q->key_person_id : "");
    db_bind_int64(s, 4, q->from);
    db_bind_int64(s, 5, q->to);
    db_bind_int64(s, 6, cur_key);
    db_bind_text(s, 7, cur_id ? cur_id : "");
    db_bind_int64(s, 8, q->limit + 1);
    for (size_t i = 0; i < n; i++)
        db_bind_text(s, 9 + (int)i, sc->paths[i]);
    enum db_step st;
    int count = 0;
    *more = false;
    while ((st = db_step(s)) == DB_ROW) {
        if (count == q->limit) {
            *more = true;
            break;
        }
        json_array_append_new(items, activity_item(s));
        count++;
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}

enum err visit_repo_categories(struct tx *tx, const char *which, json_t *items)
{
    const char *sql =
        !strcmp(which, "dispute")
            ? "SELECT code, name, name_en, subtypes, '', 0 FROM dispute_categories ORDER BY code"
        : !strcmp(which, "intel")
            ? "SELECT code, name, name_en, default_urgency, route_to, 0 FROM intel_categories "
              "ORDER BY code"
            : "SELECT code, name, name_en, kind, '', followup_days FROM key_person_categories "
              "ORDER BY code";
    struct db_stmt *s = db_prepare(tx_conn(tx), sql);
    if (!s)
        return ERR_INTERNAL;
    enum db_step st;
    while ((st = db_step(s)) == DB_ROW) {
        json_t *o = json_pack("{ss ss ss}", "code", db_col_text(s, 0), "name", db_col_text(s, 1),
                              "name_en", db_col_text(s, 2));
        if (!strcmp(which, "dispute")) {
            json_t *subs = json_array();
            char tmp[1024];
            snprintf(tmp, sizeof tmp, "%s", db_col_text(s, 3) ? db_col_text(s, 3) : "");
            char *save = NULL;
            for (char *p = strtok_r(tmp, "|", &save); p; p = strtok_r(NULL, "|", &save))
                json_array_append_new(subs, json_string(p));
            json_object_set_new(o, "subtypes", subs);
        } else if (!strcmp(which, "intel")) {
            json_object_set_new(o, "default_urgency", json_string(db_col_text(s, 3)));
        } else {
            json_object_set_new(o, "kind", json_string(db_col_text(s, 3)));
            json_object_set_new(o, "followup_days", json_integer(db_col_int64(s, 5)));
        }
        json_array_append_new(items, o);
    }
    enum err e = st == DB_FAIL ? db_stmt_err(s) : ERR_OK;
    db_finish(s);
    return e;
}
