/*
 * The villager's receipt: a printable HTML page with the application number,
 * the business, the promised date and a QR code (libqrencode, drawn as inline
 * SVG) of the public lookup page, so the villager can follow the application
 * from any phone. User text is HTML-escaped; the page loads no script and
 * only the server's own stylesheet.
 */
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "core/buf.h"
#include "core/clock.h"
#include "household/household_int.h"
#include "org/org.h"
#include "store/tx.h"
#include "core/xalloc.h"

/* "2026年11月28日 22:50" in the configured zone. */
static void time_local_text(int64_t t, char *out, size_t n)
{
    char iso[TIME_ISO_LEN];
    time_iso(t, iso);
    snprintf(out, n, "%.4s年%.2s月%.2s日 %.5s", iso, iso + 5, iso + 8, iso + 11);
}

static void esc(struct buf *b, const char *s)
{
    for (; s && *s; s++) {
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

/* The QR code of text as an SVG element (one path of unit squares). */
static void qr_svg(struct buf *b, const char *text)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) {
        buf_puts(b, "<p>(QR)</p>");
        return;
    }
    int w = q->width, margin = 4, size = w + 2 * margin;
    buf_printf(b,
               "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-label=\"QR\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
               "<path fill=\"#000\" d=\"",
               size, size, size, size);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (q->data[y * w + x] & 1)
                buf_printf(b, "M%d %dh1v1h-1z", x + margin, y + margin);
    buf_puts(b, "\"/></svg>");
    QRcode_free(q);
}

struct receipt_arg {
    struct ctx *ctx;
    const char *id;
    const char *base;
    char *html;
};

static enum err receipt_fn(struct tx *tx, void *argv)
{
    struct receipt_arg *a = argv;
    struct ctx *ctx = a->ctx;
    struct hh_app app;
    memset(&app, 0, sizeof app);
    enum err e = hh_repo_get(tx, a->id, &app);
    struct area_row village;
    if (e == ERR_OK)
        e = org_area_by_id(tx, app.village_id, &village);
    if (e == ERR_NOT_FOUND || (e == ERR_OK && !scope_has_path(&ctx->who->scope, village.path))) {
        hh_app_release(&app);
        ctx->denial = true;
        return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such application");
    }
    if (e == ERR_OK && !role_can(ctx->who->role, RES_HOUSEHOLD, RIGHT_R)) {
        hh_app_release(&app);
        ctx->denial = true;
        return err_set(&ctx->err, ERR_FORBIDDEN, NULL, "your role may not read this");
    }
    struct hh_type *t = xcalloc(1, sizeof *t);
    if (e == ERR_OK)
        e = hh_repo_type_get(tx, app.business_type, t);
    if (e == ERR_OK) {
        char object[48];
        snprintf(object, sizeof object, "household/%s", app.id);
        e = audit_append(tx, ctx, "household.receipt", object, "ok");
    }
    if (e == ERR_OK) {
        struct buf b;
        buf_init(&b, 512 * 1024);
        char created[32], due[32];
        time_local_text(app.created_at, created, sizeof created);
        time_local_text(app.due_at, due, sizeof due);
        buf_puts(&b, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>户籍业务受理回执</title>"
                     "<link rel=\"stylesheet\" href=\"/receipt.css\"></head><body>"
                     "<main class=\"receipt\"><h1>户籍业务预受理回执</h1><dl>");
        buf_puts(&b, "<dt>受理编号</dt><dd class=\"number\">");
        esc(&b, app.number);
        buf_puts(&b, "</dd><dt>业务类型</dt><dd>");
        esc(&b, t->name);
        buf_puts(&b, "</dd><dt>申请人</dt><dd>");
        esc(&b, app.applicant_name);
        buf_puts(&b, "（");
        esc(&b, app.id_masked);
        buf_puts(&b, "）</dd><dt>村（社区）</dt><dd>");
        esc(&b, village.name);
        buf_puts(&b, "</dd><dt>登记时间</dt><dd>");
        esc(&b, created);
        buf_puts(&b, "</dd><dt>承诺办结</dt><dd>");
        if (app.due_at)
            esc(&b, due);
        else
            buf_printf(&b, "提交后 %d 个%s", t->promised_days,
                       t->working_days ? "工作日" : "自然日");
        buf_puts(&b, "</dd></dl><div class=\"lookup\">");
        char *url = xasprintf("%s/#/lookup?number=%s", a->base, app.number);
        qr_svg(&b, url);
        buf_puts(&b, "<p>扫码或访问 ");
        esc(&b, url);
        buf_puts(&b, "<br>输入受理编号和身份证号后四位即可查询办理进度。</p></div>"
                     "<p class=\"note\">请妥善保管本回执。材料原件请在领取结果时带齐核验。</p>"
                     "</main></body></html>");
        free(url);
        a->html = buf_detach(&b, NULL);
    }
    hh_app_release(&app);
    free(t);
    return e;
}

enum err household_receipt(struct ctx *ctx, const char *id, const char *lookup_base, char **html)
{
    struct receipt_arg a = {ctx, id, lookup_base, NULL};
    enum err e = tx_run(ctx->app->db, true, receipt_fn, &a);
    if (e != ERR_OK) {
        free(a.html);
        return e;
    }
    *html = a.html;
    return ERR_OK;
}
