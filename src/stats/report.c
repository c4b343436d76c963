/*
 * The monthly work report: stats_summary() for the month and for the same
 * month of the previous year, laid out as the table a bureau sends upward
 * (指标 / 本月 / 去年同月 / 同比), as a printable HTML page or an XLSX
 * workbook (through export_xlsx(), the exports' writer, so text is never a
 * formula). Counts stay numbers in the workbook; rates are shown as
 * percentages with one decimal and their change in percentage points; the
 * change of a count is relative (同比), "—" when last year had none. The
 * page links /report.css but carries its table border itself, so it prints
 * legibly without any style sheet and needs no script (CSP).
 */
#include "stats/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/rec.h"
#include "audit/audit.h"
#include "core/buf.h"
#include "stats/stats.h"

enum figure_kind {
    FIG_COUNT,
    FIG_RATE,
};

struct figure {
    const char *label;
    const char *path; /* dotted key of the summary */
    enum figure_kind kind;
};

static const struct figure figures[] = {
    {"协助破获治安案件（起）", "cases_assisted.public_security", FIG_COUNT},
    {"协助破获刑事案件（起）", "cases_assisted.criminal", FIG_COUNT},
    {"排查矛盾纠纷（起）", "disputes.screened", FIG_COUNT},
    {"调解成功（起）", "disputes.resolved", FIG_COUNT},
    {"调解未成功（起）", "disputes.unresolved", FIG_COUNT},
    {"移交处理（起）", "disputes.referred", FIG_COUNT},
    {"调解中（起）", "disputes.open", FIG_COUNT},
    {"调解成功率", "disputes.mediation_rate", FIG_RATE},
    {"报送信息（条）", "intel.reported", FIG_COUNT},
    {"有效信息（条）", "intel.valid", FIG_COUNT},
    {"帮教（人次）", "help_education", FIG_COUNT},
    {"走访（次）", "visits", FIG_COUNT},
    {"法治宣传（场）", "publicity_sessions", FIG_COUNT},
    {"户政代办受理（件）", "household.submitted", FIG_COUNT},
    {"户政代办办结（件）", "household.completed", FIG_COUNT},
    {"按时办结（件）", "household.completed_on_time", FIG_COUNT},
    {"按时办结率", "household.on_time_rate", FIG_RATE},
    {"超期未办结（件）", "household.open_overdue", FIG_COUNT},
    {"发案数（起）", "incidents.count", FIG_COUNT},
};
#define N_FIGURES (sizeof figures / sizeof figures[0])

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

/* The cell of one figure: a count as a number, a rate as "84.8%", "—" when none. */
static json_t *value_cell(json_t *v, enum figure_kind kind)
{
    char s[32];
    if (kind == FIG_RATE) {
        if (!json_is_number(v))
            return json_string("—");
        snprintf(s, sizeof s, "%.1f%%", json_number_value(v) * 100.0);
        return json_string(s);
    }
    return json_is_integer(v) ? json_integer(json_integer_value(v)) : json_string("—");
}

static json_t *change_cell(json_t *cur, json_t *prev, enum figure_kind kind)
{
    char s[48];
    if (!json_is_number(cur) || !json_is_number(prev))
        return json_string("—");
    double c = json_number_value(cur), p = json_number_value(prev);
    if (kind == FIG_RATE) {
        snprintf(s, sizeof s, "%+.1f个百分点", (c - p) * 100.0);
        return json_string(s);
    }
    if (p == 0)
        return json_string("—");
    snprintf(s, sizeof s, "%+.1f%%", (c - p) / p * 100.0);
    return json_string(s);
}

static json_t *table_rows(json_t *cur, json_t *prev)
{
    json_t *rows = json_array();
    for (size_t i = 0; i < N_FIGURES; i++) {
        json_t *c = path_get(cur, figures[i].path), *p = path_get(prev, figures[i].path);
        if (!c && !p)
            continue; /* a figure the caller's role does not see (household-only roles) */
        json_array_append_new(
            rows, json_pack("[s o o o]", figures[i].label, value_cell(c, figures[i].kind),
                            value_cell(p, figures[i].kind), change_cell(c, p, figures[i].kind)));
    }
    return rows;
}

static void html_text(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            buf_puts(b, "&amp;");
            break;
        case '<':
            buf_puts(b, "&lt;");
            break;
        case '>':
            buf_puts(b, "&gt;");
            break;
        case '"':
            buf_puts(b, "&quot;");
            break;
        case '\'':
            buf_puts(b, "&#39;");
            break;
        default:
            buf_append(b, s, 1);
        }
    }
}

static void html_cell(struct buf *b, const char *tag, json_t *v)
{
    buf_printf(b, "<%s>", tag);
    if (json_is_integer(v))
        buf_printf(b, "%lld", (long long)json_integer_value(v));
    else if (json_is_string(v))
        html_text(b, json_string_value(v));
    buf_printf(b, "</%s>", tag);
}

static char *html_page(const char *title, const char *subtitle, json_t *rows, size_t *len)
{
    static const char *const head[] = {"指标", "本月", "去年同月", "同比"};
    struct buf b;
    buf_init(&b, 1024 * 1024);
    buf_puts(&b, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                 "<title>");
    html_text(&b, title);
    buf_puts(&b, "</title><link rel=\"stylesheet\" href=\"/report.css\"></head>\n<body "
                 "class=\"report\"><h1>");
    html_text(&b, title);
    buf_puts(&b, "</h1>\n<p class=\"report-meta\">");
    html_text(&b, subtitle);
    buf_puts(&b, "</p>\n<table class=\"report-table\" border=\"1\" cellpadding=\"4\">"
                 "<thead><tr>");
    for (size_t c = 0; c < 4; c++)
        buf_printf(&b, "<th scope=\"col\">%s</th>", head[c]);
    buf_puts(&b, "</tr></thead>\n<tbody>\n");
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        buf_puts(&b, "<tr>");
        html_cell(&b, "th", json_array_get(row, 0));
        for (size_t c = 1; c < 4; c++)
            html_cell(&b, "td", json_array_get(row, c));
        buf_puts(&b, "</tr>\n");
    }
    buf_puts(&b, "</tbody></table>\n</body></html>\n");
    return buf_detach(&b, len);
}

enum err report_monthly(struct ctx *ctx, const char *area_id, int year, int month,
                        enum report_format fmt, struct export_file *out)
{
    /* Reports are reads of the statistics (Rights table: R); scope and the
     * household-only view come from stats_summary(). */
    if (!role_can(ctx->who->role, RES_STATS, RIGHT_R))
        return rec_forbidden(ctx, "read reports");
    if (month < 1 || month > 12 || year < 1900 || year > 9999)
        return err_set(&ctx->err, ERR_INVALID, "month", "a month YYYY-MM");
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int last = mdays[month - 1], last_prev = mdays[month - 1];
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    bool leap_prev = ((year - 1) % 4 == 0 && (year - 1) % 100 != 0) || (year - 1) % 400 == 0;
    if (month == 2) {
        last += leap;
        last_prev += leap_prev;
    }
    struct stats_period p = {year, month, 1, year, month, last};
    struct stats_period pp = {year - 1, month, 1, year - 1, month, last_prev};
    json_t *cur = NULL, *prev = NULL;
    enum err e = stats_summary(ctx, area_id, &p, &cur);
    if (e == ERR_OK)
        e = stats_summary(ctx, area_id, &pp, &prev);
    if (e != ERR_OK) {
        json_decref(cur);
        json_decref(prev);
        return e;
    }
    const char *area = json_string_value(path_get(cur, "area.name"));
    char title[320], subtitle[400];
    snprintf(title, sizeof title, "《%s 一村一警务助理工作月报》", area ? area : "");
    snprintf(subtitle, sizeof subtitle, "地区：%s　月份：%04d年%02d月　对比：%04d年%02d月",
             area ? area : "", year, month, year - 1, month);
    json_t *rows = table_rows(cur, prev);
    struct export_file res = {0};
    if (fmt == REPORT_XLSX) {
        static const char *const head[] = {"指标", "本月", "去年同月", "同比"};
        static const double widths[] = {28, 12, 12, 16};
        char caption[800];
        snprintf(caption, sizeof caption, "%s %s", title, subtitle);
        struct export_table t = {"report", caption, 4, head, widths, rows};
        e = export_xlsx(&t, &res.data, &res.len);
        res.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        snprintf(res.name, sizeof res.name, "monthly-report-%04d%02d.xlsx", year, month);
    } else {
        res.data = html_page(title, subtitle, rows, &res.len);
        res.content_type = "text/html; charset=utf-8";
        snprintf(res.name, sizeof res.name, "monthly-report-%04d%02d.html", year, month);
    }
    res.rows = json_array_size(rows);
    json_decref(rows);
    const char *aid = json_string_value(path_get(cur, "area.id"));
    char object[96];
    snprintf(object, sizeof object, "area/%s", aid ? aid : "");
    json_decref(cur);
    json_decref(prev);
    if (e == ERR_OK)
        e = audit_record(ctx, "report.monthly", object, "ok");
    if (e != ERR_OK) {
        export_file_release(&res);
        return e;
    }
    *out = res;
    return ERR_OK;
}
