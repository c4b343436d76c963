/*
 * Demo mode: whether the database holds the demo district, and marking it.
 */
#ifndef CUNJING_DEMO_DEMO_H
#define CUNJING_DEMO_DEMO_H
#include <stdbool.h>

#include "app/app.h"

#define DEMO_PASSWORD "Cunjing@2026"

/* *empty: no users and no areas yet. */
enum err demo_state(struct ctx *ctx, bool *empty);
/* Records that the database holds the demo (meta demo = 1), audited. */
enum err demo_mark(struct ctx *ctx);

#endif
