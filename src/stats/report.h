/*
 * The monthly work report a bureau (station, township) sends upward: the
 * figures of the statistics summary for one month of one area, with the
 * same month of the previous year beside them and the change, as one table
 * - a printable HTML page (no script; it links /report.css and reads well
 * without it) or an XLSX workbook. Only roles with X on statistics; the
 * area's scope as in stats_summary (404 outside it). Audited.
 */
#ifndef CUNJING_STATS_REPORT_H
#define CUNJING_STATS_REPORT_H
#include "app/app.h"
#include "export/export.h"

enum report_format {
    REPORT_HTML,
    REPORT_XLSX,
};

/*
 * GET /api/v1/reports/monthly: area_id NULL = the caller's first scope root.
 * *out gets the file (owned: export_file_release()); ERR_FORBIDDEN without
 * X, ERR_NOT_FOUND out of scope, ERR_INVALID for a bad month.
 */
enum err report_monthly(struct ctx *ctx, const char *area_id, int year, int month,
                        enum report_format fmt, struct export_file *out);

#endif
