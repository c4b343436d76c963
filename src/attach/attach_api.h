/*
 * Generic attachment handlers for any owner (POST .../{id}/attachments with
 * multipart kind, file, client_ref; GET .../{id}/attachments/{aid}[?thumb=1]).
 * The owner's id is path parameter 0, the attachment's id parameter 1.
 */
#ifndef CUNJING_ATTACH_ATTACH_API_H
#define CUNJING_ATTACH_ATTACH_API_H
#include "attach/attach.h"
#include "http/req.h"

void attach_api_upload(struct req *r, const struct attach_owner *owner);
void attach_api_download(struct req *r, const struct attach_owner *owner);

#endif
