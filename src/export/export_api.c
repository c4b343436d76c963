/*
 * The thin handler of the exports: reads ?format= and the filters of the
 * lists, calls export_run() and answers the file as an attachment with an
 * ASCII file name and the row count in X-Export-Rows (which a client shows
 * once the download, whose progress it measures by Content-Length, is done).
 */
#include "export/export_api.h"

#include <stdio.h>
#include <string.h>

#include "export/export.h"
#include "http/json_in.h"
#include "http/resp.h"

/* Reads every filter any list accepts; each list takes the ones it knows. */
static bool read_filters(struct req *r, struct export_filters *f)
{
    return q_str(r, "status", 16, &f->status) && q_str(r, "village_id", 64, &f->village_id) &&
           q_str(r, "business_type", 16, &f->business_type) && q_str(r, "q", 64, &f->q) &&
           q_str(r, "overdue", 8, &f->overdue) && q_str(r, "risk_level", 8, &f->risk_level) &&
           q_str(r, "category", 8, &f->category) && q_str(r, "kind", 20, &f->kind) &&
           q_str(r, "key_person_id", 64, &f->key_person_id) &&
           q_str(r, "station_id", 64, &f->station_id) && q_str(r, "team_id", 64, &f->team_id) &&
           q_str(r, "active", 8, &f->active) && q_str(r, "bulletin_id", 64, &f->bulletin_id) &&
           q_str(r, "area_id", 64, &f->area_id) && q_str(r, "from", 10, &f->from) &&
           q_str(r, "to", 10, &f->to) && q_date(r, "from", false, &f->from_t) &&
           q_date(r, "to", true, &f->to_t);
}

void export_api_get(struct req *r)
{
    const char *format;
    struct export_filters f = {0};
    if (!q_str(r, "format", 8, &format) || !read_filters(r, &f))
        return;
    enum export_format fmt;
    if (format && !strcmp(format, "xlsx")) {
        fmt = EXPORT_XLSX;
    } else if (!format || !strcmp(format, "csv")) {
        fmt = EXPORT_CSV;
    } else {
        resp_fail(r, ERR_INVALID, "format", "xlsx or csv");
        return;
    }
    struct export_file out = {0};
    enum err e = export_run(&r->ctx, req_param(r, 0), fmt, &f, &out);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    char disp[EXPORT_NAME_MAX + 32], rows[32];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", out.name);
    snprintf(rows, sizeof rows, "%zu", out.rows);
    resp_header(r, "Content-Disposition", disp);
    resp_header(r, "X-Export-Rows", rows);
    resp_header(r, "Cache-Control", "no-store");
    resp_raw(r, 200, out.content_type, out.data, out.len);
    export_file_release(&out);
}
