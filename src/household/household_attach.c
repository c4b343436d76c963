/*
 * Household applications as owners of attachments: the photos of the
 * materials of their business type. Reading needs the application in scope
 * and the read right; adding needs the assistant's right, a draft or
 * returned application, and a kind that is one of the type's materials
 * photographed in the village (not those captured at the window).
 */
#include <stdlib.h>
#include <string.h>

#include "attach/attach.h"
#include "household/household_int.h"
#include "org/org.h"
#include "core/xalloc.h"

static enum err check(struct tx *tx, struct ctx *ctx, const char *owner_id, bool write,
                      const char *kind)
{
    struct hh_app app;
    memset(&app, 0, sizeof app);
    enum err e = hh_repo_get(tx, owner_id, &app);
    struct area_row village;
    if (e == ERR_OK)
        e = org_area_by_id(tx, app.village_id, &village);
    if (e == ERR_NOT_FOUND ||
        (e == ERR_OK && (!ctx->who || !scope_has_path(&ctx->who->scope, village.path)))) {
        hh_app_release(&app);
        ctx->denial = true;
        return err_set(&ctx->err, ERR_NOT_FOUND, NULL, "no such application");
    }
    if (e != ERR_OK) {
        hh_app_release(&app);
        return e;
    }
    unsigned need = write ? RIGHT_C : RIGHT_R;
    if (!role_can(ctx->who->role, RES_HOUSEHOLD, need)) {
        hh_app_release(&app);
        ctx->denial = true;
        return err_set(&ctx->err, ERR_FORBIDDEN, NULL,
                       write ? "only assistants add materials" : "your role may not read this");
    }
    if (write && app.status != HH_DRAFT && app.status != HH_RETURNED) {
        hh_app_release(&app);
        return err_set(&ctx->err, ERR_STATE, NULL,
                       "materials are added while the application is a draft or returned");
    }
    if (write) {
        struct hh_type *t = xcalloc(1, sizeof *t);
        e = hh_repo_type_get(tx, app.business_type, t);
        bool ok = false;
        for (size_t i = 0; e == ERR_OK && i < t->n_materials; i++)
            if (strcmp(t->materials[i].kind, kind) == 0 && !t->materials[i].on_site)
                ok = true;
        free(t);
        if (e == ERR_OK && !ok)
            e = err_set(&ctx->err, ERR_INVALID, "kind",
                        "not a material of this business type photographed in the village");
    }
    hh_app_release(&app);
    return e;
}

const struct attach_owner household_attach_owner = {
    .type = "household",
    .id = NULL,
    .check = check,
};
