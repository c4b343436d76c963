/*
 * The HTTP server: libmicrohttpd with an internal thread pool and epoll,
 * limits from [server] configuration, TLS when a certificate is configured.
 * Only server.c includes microhttpd.h.
 */
#ifndef CUNJING_HTTP_SERVER_H
#define CUNJING_HTTP_SERVER_H
#include <stdint.h>

#include "app/app.h"

struct server;

/* Starts listening on app->cfg.listen; *port_out gets the bound port (for ":0"). */
enum err server_start(struct app *app, struct server **out, uint16_t *port_out,
                      struct errinfo *info);
/* Stops accepting, finishes requests in progress and frees the server. */
void server_stop(struct server *s);

#endif
