/*
 * The thin handler of the monthly report: ?area_id=&month=YYYY-MM&format=
 * html|xlsx. The HTML page is shown inline (printable); the workbook is an
 * attachment.
 */
#include "stats/report_api.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "http/json_in.h"
#include "http/resp.h"
#include "stats/report.h"

void report_api_monthly(struct req *r)
{
    const char *area, *month, *format;
    if (!q_str(r, "area_id", 64, &area) || !q_str(r, "month", 7, &month) ||
        !q_str(r, "format", 8, &format))
        return;
    int y, m, d;
    char day[16];
    snprintf(day, sizeof day, "%.7s-01", month ? month : "");
    if (!month || strlen(month) != 7 || !date_parse(day, &y, &m, &d)) {
        resp_fail(r, ERR_INVALID, "month", "a month YYYY-MM");
        return;
    }
    enum report_format fmt;
    if (!format || !strcmp(format, "html")) {
        fmt = REPORT_HTML;
    } else if (!strcmp(format, "xlsx")) {
        fmt = REPORT_XLSX;
    } else {
        resp_fail(r, ERR_INVALID, "format", "html or xlsx");
        return;
    }
    struct export_file out = {0};
    enum err e = report_monthly(&r->ctx, area, y, m, fmt, &out);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    if (fmt == REPORT_XLSX) {
        char disp[EXPORT_NAME_MAX + 32];
        snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", out.name);
        resp_header(r, "Content-Disposition", disp);
    }
    resp_header(r, "Cache-Control", "no-store");
    resp_raw(r, 200, out.content_type, out.data, out.len);
    export_file_release(&out);
}
