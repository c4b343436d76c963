/*
 * The exports: for each dataset, the resource whose X right it needs, the
 * domain list function that produces its rows and the columns taken from
 * the list items (Chinese headers). An export is the list: it runs with the
 * caller's ctx and filters and pages through next_cursor, so it can never
 * show a row the caller's list would not (scope, own records, masking). ID
 * numbers are masked once more here, defensively, for the roles whose list
 * shows them whole. Counting against the rate limit comes before the work,
 * in a transaction of its own, so refused and failed attempts count too.
 */
#include "export/export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/ratelimit.h"
#include "app/rec.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "core/clock.h"
#include "core/xalloc.h"
#include "dispute/dispute.h"
#include "household/household.h"
#include "intel/intel.h"
#include "org/org_int.h"
#include "patrol/patrol.h"
#include "person/idnum.h"
#include "stats/stats.h"
#include "store/tx.h"
#include "visit/visit.h"

#define PAGE 100

enum col_kind {
    COL_TEXT,  /* string as is; numbers stay numbers */
    COL_TIME,  /* ISO 8601 -> "YYYY-MM-DD HH:MM" */
    COL_ID,    /* an ID number: masked */
    COL_BOOL,  /* 是 / 否 */
    COL_COUNT, /* an array: its number of elements */
    COL_LIST,  /* an array of strings (or objects with "text"/"name"): joined with "；" */
};

struct col {
    const char *key; /* dotted path into the item */
    const char *header;
    double width;
    enum col_kind kind;
};

/* One page of items (new reference) and the next cursor (owned or NULL). */
typedef enum err (*page_fn)(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                            json_t **items, char **next);

struct dataset {
    const char *name; /* path segment and file-name prefix */
    const char *sheet;
    enum resource res;
    const struct col *cols;
    size_t ncols;
    page_fn page;
};

/* --- the list functions, page by page ------------------------------------------ */

static enum err hh_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                        json_t **items, char **next)
{
    struct hh_query q = {.status = f->status,
                         .village_id = f->village_id,
                         .business_type = f->business_type,
                         .q = f->q,
                         .overdue = f->overdue && !strcmp(f->overdue, "true"),
                         .cursor = cursor,
                         .limit = PAGE};
    return household_list(ctx, &q, items, next);
}

static enum err dispute_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                             json_t **items, char **next)
{
    struct dispute_query q = {f->status, f->village_id, f->risk_level, f->category, cursor, PAGE};
    return dispute_list(ctx, &q, items, next);
}

static enum err intel_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                           json_t **items, char **next)
{
    struct intel_query q = {f->status, f->village_id, f->category, cursor, PAGE};
    return intel_list(ctx, &q, items, next);
}

static enum err activity_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                              json_t **items, char **next)
{
    struct activity_query q = {.kind = f->kind,
                               .village_id = f->village_id,
                               .key_person_id = f->key_person_id,
                               .cursor = cursor,
                               .from = f->from_t,
                               .to = f->to_t,
                               .limit = PAGE};
    return activity_list(ctx, &q, items, next);
}

static enum err kp_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                        json_t **items, char **next)
{
    struct key_person_query q = {.category = f->category,
                                 .village_id = f->village_id,
                                 .cursor = cursor,
                                 .overdue = f->overdue && !strcmp(f->overdue, "true"),
                                 .limit = PAGE};
    return key_person_list(ctx, &q, items, next);
}

static enum err case_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                          json_t **items, char **next)
{
    struct case_query q = {f->status, f->kind, f->village_id, cursor, PAGE};
    return case_list(ctx, &q, items, next);
}

static enum err bulletin_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                              json_t **items, char **next)
{
    bool active = f->active && !strcmp(f->active, "true");
    return bulletin_list(ctx, active, cursor, PAGE, items, next);
}

static enum err lead_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                          json_t **items, char **next)
{
    return lead_list(ctx, f->bulletin_id, cursor, PAGE, items, next);
}

static enum err patrol_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                            json_t **items, char **next)
{
    struct patrol_query q = {.station_id = f->station_id,
                             .village_id = f->village_id,
                             .team_id = f->team_id,
                             .cursor = cursor,
                             .from = f->from_t,
                             .to = f->to_t,
                             .limit = PAGE};
    return patrol_list(ctx, &q, items, next);
}

static json_t *str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

static enum err assistant_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                               json_t **items, char **next)
{
    struct assistant_query q = {f->village_id, cursor, PAGE};
    struct assistant_list l;
    char nc[ASSISTANT_CURSOR_MAX];
    enum err e = org_assistants_list(ctx, &q, &l, nc);
    if (e != ERR_OK)
        return e;
    json_t *arr = json_array();
    for (size_t i = 0; i < l.n; i++) {
        const struct assistant_item *a = &l.items[i];
        json_array_append_new(
            arr, json_pack("{ss ss ss so so so so so}", "name", a->name, "village_code",
                           a->village_code, "village_name", a->village_name, "employer_name",
                           str_or_null(a->employer_name), "station_name",
                           str_or_null(a->station_name), "phone", str_or_null(a->phone),
                           "contract_start", str_or_null(a->contract_start), "contract_end",
                           str_or_null(a->contract_end)));
    }
    assistant_list_release(&l);
    *items = arr;
    *next = nc[0] ? xstrdup(nc) : NULL;
    return ERR_OK;
}

/* The scorecard is one page: stats_assistants answers every row at once. */
static enum err score_page(struct ctx *ctx, const struct export_filters *f, const char *cursor,
                           json_t **items, char **next)
{
    (void)cursor;
    struct stats_period p;
    if (!f->from || !date_parse(f->from, &p.y1, &p.m1, &p.d1))
        return err_set(&ctx->err, ERR_INVALID, "from", "a date YYYY-MM-DD");
    if (!f->to || !date_parse(f->to, &p.y2, &p.m2, &p.d2))
        return err_set(&ctx->err, ERR_INVALID, "to", "a date YYYY-MM-DD");
    *next = NULL;
    return stats_assistants(ctx, f->area_id, &p, items);
}

/* --- the datasets ------------------------------------------------------------------ */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct col hh_cols[] = {
    {"number", "受理编号", 20, COL_TEXT},
    {"business_type_name", "业务类型", 24, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT},
    {"status", "状态", 10, COL_TEXT},
    {"applicant.name", "申请人", 12, COL_TEXT},
    {"applicant.id_number", "身份证号（脱敏）", 22, COL_ID},
    {"due_at", "承诺办结", 18, COL_TIME},
    {"overdue", "已超期", 8, COL_BOOL},
    {"created_at", "创建时间", 18, COL_TIME},
    {"updated_at", "更新时间", 18, COL_TIME},
};
static const struct col dispute_cols[] = {
    {"title", "纠纷名称", 30, COL_TEXT},
    {"category_name", "类别", 14, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT},
    {"risk_level", "风险等级", 10, COL_TEXT},
    {"status", "状态", 10, COL_TEXT},
    {"reported_at", "排查时间", 18, COL_TIME},
    {"closed_at", "办结时间", 18, COL_TIME},
    {"followup_due_at", "回访期限", 18, COL_TIME},
};
static const struct col intel_cols[] = {
    {"category_name", "类别", 14, COL_TEXT},      {"content", "信息内容", 40, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT}, {"location", "地点", 18, COL_TEXT},
    {"occurred_at", "发生时间", 18, COL_TIME},    {"reported_at", "报送时间", 18, COL_TIME},
    {"status", "研判结果", 10, COL_TEXT},         {"note", "研判意见", 24, COL_TEXT},
    {"reporter_name", "报送人", 12, COL_TEXT},
};
static const struct col activity_cols[] = {
    {"kind", "类型", 14, COL_TEXT},
    {"topic", "主题", 30, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT},
    {"held_at", "开展时间", 18, COL_TIME},
    {"people_count", "人数", 8, COL_TEXT},
    {"notes", "情况", 30, COL_TEXT},
    {"created_by_name", "填报人", 12, COL_TEXT},
};
static const struct col kp_cols[] = {
    {"name", "姓名", 12, COL_TEXT},
    {"id_number", "身份证号（脱敏）", 22, COL_ID},
    {"category_name", "类别", 14, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT},
    {"last_contact_at", "最近走访", 18, COL_TIME},
    {"next_due_at", "下次走访期限", 18, COL_TIME},
    {"overdue", "已超期", 8, COL_BOOL},
    {"followup_days", "走访周期（天）", 10, COL_TEXT},
    {"notes", "备注", 30, COL_TEXT},
};
static const struct col case_cols[] = {
    {"title", "案件名称", 30, COL_TEXT},          {"kind", "类别", 14, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT}, {"status", "状态", 10, COL_TEXT},
    {"occurred_at", "发案时间", 18, COL_TIME},    {"solved", "破案", 8, COL_BOOL},
    {"closed_at", "结案时间", 18, COL_TIME},
};
static const struct col bulletin_cols[] = {
    {"title", "标题", 30, COL_TEXT},
    {"body", "内容", 40, COL_TEXT},
    {"created_by_name", "发布人", 12, COL_TEXT},
    {"created_at", "发布时间", 18, COL_TIME},
    {"expires_at", "截止时间", 18, COL_TIME},
    {"active", "有效", 8, COL_BOOL},
};
static const struct col lead_cols[] = {
    {"content", "线索内容", 40, COL_TEXT},        {"author_name", "提供人", 12, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT}, {"status", "研判结果", 10, COL_TEXT},
    {"note", "研判意见", 24, COL_TEXT},           {"created_at", "提交时间", 18, COL_TIME},
};
static const struct col patrol_cols[] = {
    {"team_name", "巡防队", 18, COL_TEXT},  {"started_at", "开始时间", 18, COL_TIME},
    {"ended_at", "结束时间", 18, COL_TIME}, {"present", "出勤人数", 10, COL_COUNT},
    {"findings", "发现情况", 40, COL_LIST},
};
static const struct col assistant_cols[] = {
    {"name", "姓名", 12, COL_TEXT},
    {"village_code", "村（社区）代码", 16, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT},
    {"employer_name", "聘用单位", 14, COL_TEXT},
    {"station_name", "派出所", 14, COL_TEXT},
    {"phone", "联系电话", 14, COL_TEXT},
    {"contract_start", "合同起", 12, COL_TEXT},
    {"contract_end", "合同止", 12, COL_TEXT},
};
static const struct col score_cols[] = {
    {"name", "姓名", 12, COL_TEXT},
    {"village_name", "村（社区）", 18, COL_TEXT},
    {"disputes.screened", "排查纠纷", 10, COL_TEXT},
    {"disputes.resolved", "调解成功", 10, COL_TEXT},
    {"intel.reported", "报送信息", 10, COL_TEXT},
    {"intel.valid", "有效信息", 10, COL_TEXT},
    {"help_education", "帮教人次", 10, COL_TEXT},
    {"visits", "走访", 8, COL_TEXT},
    {"publicity_sessions", "宣传", 8, COL_TEXT},
    {"household_submitted", "户政代办", 10, COL_TEXT},
    {"cases_assisted", "协助破案", 10, COL_TEXT},
    {"score", "得分", 8, COL_TEXT},
    {"low_volume", "样本不足", 10, COL_BOOL},
};

static const struct dataset datasets[] = {
    {"household-applications", "household", RES_HOUSEHOLD, hh_cols, N(hh_cols), hh_page},
    {"disputes", "disputes", RES_DISPUTES, dispute_cols, N(dispute_cols), dispute_page},
    {"intel-reports", "intel", RES_INTEL, intel_cols, N(intel_cols), intel_page},
    {"activities", "activities", RES_ACTIVITIES, activity_cols, N(activity_cols), activity_page},
    {"key-persons", "key-persons", RES_KEY_PERSONS, kp_cols, N(kp_cols), kp_page},
    {"cases", "cases", RES_CASES, case_cols, N(case_cols), case_page},
    {"bulletins", "bulletins", RES_BULLETINS, bulletin_cols, N(bulletin_cols), bulletin_page},
    {"leads", "leads", RES_LEADS, lead_cols, N(lead_cols), lead_page},
    {"patrols", "patrols", RES_PATROLS, patrol_cols, N(patrol_cols), patrol_page},
    {"assistants", "assistants", RES_ASSISTANTS, assistant_cols, N(assistant_cols), assistant_page},
    {"assistant-scores", "scores", RES_STATS, score_cols, N(score_cols), score_page},
};

/* --- items to cells --------------------------------------------------------------- */

static json_t *path_get(json_t *o, const char *path)
{
    char key[64];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        path += dot ? n + 1 : n;
    }
    return o;
}

static json_t *list_cell(json_t *arr)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        const char *s = json_string_value(v);
        if (!s)
            s = json_string_value(json_object_get(v, "text"));
        if (!s)
            s = json_string_value(json_object_get(v, "name"));
        if (!s)
            s = json_string_value(json_object_get(v, "description"));
        if (s && (b.len == 0 || buf_puts(&b, "；")))
            buf_puts(&b, s);
    }
    json_t *out = json_string(b.data ? b.data : "");
    buf_release(&b);
    return out;
}

static json_t *cell_of(json_t *item, const struct col *c)
{
    json_t *v = path_get(item, c->key);
    if (!v || json_is_null(v))
        return json_null();
    switch (c->kind) {
    case COL_TIME: {
        const char *s = json_string_value(v);
        char t[17];
        if (!s || strlen(s) < 16)
            return json_incref(v);
        memcpy(t, s, 16);
        t[10] = ' ';
        t[16] = '\0';
        return json_string(t);
    }
    case COL_ID: {
        const char *s = json_string_value(v);
        if (!s || strchr(s, '*'))
            return json_incref(v);
        char m[IDNUM_SIZE + 8];
        idnum_mask(s, m, sizeof m);
        return json_string(m);
    }
    case COL_BOOL:
        return json_string(json_is_true(v) ? "是" : "否");
    case COL_COUNT:
        return json_integer((json_int_t)json_array_size(v));
    case COL_LIST:
        return json_is_array(v) ? list_cell(v) : json_incref(v);
    case COL_TEXT:
        break;
    }
    if (json_is_boolean(v))
        return json_string(json_is_true(v) ? "是" : "否");
    if (json_is_string(v) || json_is_number(v))
        return json_incref(v);
    char *dump = json_dumps(v, JSON_COMPACT);
    json_t *out = json_string(dump ? dump : "");
    free(dump);
    return out;
}

static json_t *row_of(json_t *item, const struct dataset *d)
{
    json_t *row = json_array();
    for (size_t c = 0; c < d->ncols; c++)
        json_array_append_new(row, cell_of(item, &d->cols[c]));
    return row;
}

/* Pages through the list into rows; ERR_TOO_LARGE over EXPORT_MAX_ROWS. */
static enum err collect(struct ctx *ctx, const struct dataset *d, const struct export_filters *f,
                        json_t *rows)
{
    char *cursor = NULL;
    enum err e = ERR_OK;
    do {
        json_t *items = NULL;
        char *next = NULL;
        e = d->page(ctx, f, cursor, &items, &next);
        free(cursor);
        cursor = next;
        if (e != ERR_OK) {
            json_decref(items);
            break;
        }
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) json_array_append_new(rows, row_of(it, d));
        json_decref(items);
        if (json_array_size(rows) > EXPORT_MAX_ROWS) {
            e = err_set(&ctx->err, ERR_TOO_LARGE, NULL,
                        "more than %d rows: narrow the filters (village, status, dates)",
                        EXPORT_MAX_ROWS);
            break;
        }
    } while (cursor);
    free(cursor);
    return e;
}

/* --- rate limit, the run ------------------------------------------------------------ */

struct rate_arg {
    const char *user_id;
    int hits;
    int64_t window_end;
};

static enum err rate_fn(struct tx *tx, void *argv)
{
    struct rate_arg *a = argv;
    char bucket[96];
    snprintf(bucket, sizeof bucket, "export-user:%s", a->user_id);
    return ratelimit_hit(tx, bucket, clock_now(), 60, &a->hits, &a->window_end);
}

void export_file_name(const char *prefix, enum export_format fmt, char out[EXPORT_NAME_MAX])
{
    int y, m, d;
    date_of(clock_now(), &y, &m, &d);
    snprintf(out, EXPORT_NAME_MAX, "%.40s-%04d%02d%02d.%s", prefix, y, m, d,
             fmt == EXPORT_XLSX ? "xlsx" : "csv");
}

void export_file_release(struct export_file *f)
{
    free(f->data);
    f->data = NULL;
    f->len = 0;
}

enum err export_run(struct ctx *ctx, const char *dataset, enum export_format fmt,
                    const struct export_filters *f, struct export_file *out)
{
    const struct dataset *d = NULL;
    for (size_t i = 0; i < N(datasets); i++)
        if (!strcmp(datasets[i].name, dataset))
            d = &datasets[i];
    if (!d)
        return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such export");
    if (!role_can(ctx->who->role, d->res, RIGHT_X))
        return rec_forbidden(ctx, "export these records");
    struct rate_arg ra = {ctx->who->user_id, 0, 0};
    enum err e = tx_run(ctx->app->db, true, rate_fn, &ra);
    if (e != ERR_OK)
        return e;
    if (ra.hits > EXPORT_PER_MINUTE) {
        int64_t wait = ra.window_end - clock_now();
        ctx->err.retry_after = wait < 1 ? 1 : (int)wait;
        return err_set(&ctx->err, ERR_RATE_LIMITED, NULL, "at most %d exports a minute",
                       EXPORT_PER_MINUTE);
    }
    json_t *rows = json_array();
    e = collect(ctx, d, f, rows);
    const char *headers[32];
    double widths[32];
    for (size_t c = 0; c < d->ncols; c++) {
        headers[c] = d->cols[c].header;
        widths[c] = d->cols[c].width;
    }
    struct export_table t = {d->sheet, NULL, d->ncols, headers, widths, rows};
    struct export_file res = {0};
    if (e == ERR_OK && fmt == EXPORT_XLSX) {
        e = export_xlsx(&t, &res.data, &res.len);
        res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    } else if (e == ERR_OK) {
        struct buf b;
        buf_init(&b, (size_t)512 * 1024 * 1024);
        if (export_csv(&t, &b)) {
            res.data = buf_detach(&b, &res.len);
        } else {
            buf_release(&b);
            e = err_set(&ctx->err, ERR_TOO_LARGE, NULL,
                        "the file is too large: narrow the filters");
        }
        res.content_type = "text/csv; charset=utf-8";
    }
    res.rows = json_array_size(rows);
    json_decref(rows);
    if (e == ERR_OK) {
        char action[64], result[48];
        snprintf(action, sizeof action, "export.%s", d->name);
        snprintf(result, sizeof result, "ok rows=%zu", res.rows);
        e = audit_record(ctx, action, NULL, result);
    }
    if (e != ERR_OK) {
        export_file_release(&res);
        return e;
    }
    export_file_name(d->name, fmt, res.name);
    *out = res;
    return ERR_OK;
}
