/*
 * The HTTP side of attachments, shared by every owning module: read the
 * multipart fields, call attach_create/attach_read, answer. The download is
 * always `Content-Disposition: attachment` with a name the server makes.
 */
#include "attach/attach_api.h"

#include <stdio.h>
#include <string.h>

#include "http/resp.h"
#include "core/xalloc.h"

void attach_api_upload(struct req *r, const struct attach_owner *owner)
{
    const char *kind = req_form(r, "kind");
    const char *client_ref = req_form(r, "client_ref");
    const void *data = NULL;
    size_t len = 0;
    if (!kind || !*kind) {
        resp_fail(r, ERR_INVALID, "kind", "required");
        return;
    }
    if (!req_form_file(r, "file", &data, &len)) {
        resp_fail(r, ERR_INVALID, "file", "required");
        return;
    }
    struct attach_owner o = *owner;
    o.id = req_param(r, 0);
    json_t *out = NULL;
    bool created = false;
    enum err e = attach_create(&r->ctx, &o, kind, data, len, client_ref, &out, &created);
    if (e != ERR_OK) {
        json_decref(out);
        resp_error(r, e);
        return;
    }
    resp_json(r, created ? 201 : 200, out);
}

void attach_api_download(struct req *r, const struct attach_owner *owner)
{
    const char *thumb = req_query(r, "thumb");
    struct attach_owner o = *owner;
    o.id = req_param(r, 0);
    struct attach_blob b = {0};
    enum err e = attach_read(&r->ctx, &o, req_param(r, 1), thumb && !strcmp(thumb, "1"), &b);
    if (e != ERR_OK) {
        resp_error(r, e);
        return;
    }
    const char *type = strstr(b.content_type, "pdf")    ? "application/pdf"
                       : strstr(b.content_type, "png")  ? "image/png"
                       : strstr(b.content_type, "webp") ? "image/webp"
                                                        : "image/jpeg";
    char disp[160];
    snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", b.filename);
    resp_header(r, "Content-Disposition", disp);
    resp_raw(r, 200, type, b.data, b.len);
    attach_blob_release(&b);
}
