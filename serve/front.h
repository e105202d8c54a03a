/* front.h - the network side of `stc-tui serve`: libwebsockets (Debian's
 * libwebsockets) serves HTTP/1.1 (and h2) and WebSocket on one port.
 *
 * The front reads a request until it is complete (headers, then the body,
 * refused with 413 beyond the 6 MB Lambda payload limit before it is
 * read), hands it to the worker through the bus (serve/bus.h), and writes
 * the answer when it comes back, in pieces as the client's socket takes
 * them. WebSocket upgrades are accepted on "/" (and "/STAGE") when the
 * upgrade request passes the $connect auth (serve/auth.h; refused with 401
 * or 403 before the handshake, as API Gateway does); text frames
 * are put together into messages of at most 128 KB (API Gateway's limit:
 * beyond it the connection is closed with 1009), binary frames close the
 * connection with 1003 as API Gateway does, invalid UTF-8 with 1007
 * (libwebsockets checks it). A client that sends faster than the service
 * answers is paused (16 messages in flight) until it catches up; one that
 * does not read what it is sent is closed once 16 MB wait for it.
 * libwebsockets answers malformed HTTP itself (400, or a close).
 *
 * The front never calls Python and never blocks on the worker.
 *
 * Ownership: the front borrows the bus; it owns its libwebsockets context
 * and every connection's buffers.
 */
#ifndef STC_SERVE_FRONT_H
#define STC_SERVE_FRONT_H

#include <signal.h>
#include <stdbool.h>

#include "serve/bus.h"

typedef struct stc_front stc_front;

/* Listen on host:port (0: a free port). NULL with *err (allocated) when
 * the address cannot be listened on. */
stc_front *stc_front_new(const char *host, int port, stc_bus *bus, char **err);
/* The port listened on. */
int stc_front_port(const stc_front *f);

/* Serve until *stop becomes non-zero (a signal handler sets it and calls
 * stc_front_wake), then finish: new requests get 503, WebSocket clients are
 * closed (1001, going away; their $disconnect runs), the worker finishes
 * what it was given (STC_MSG_DRAIN ... STC_MSG_STOPPED) and the answers are
 * written. Returns when everything is done. */
void stc_front_run(stc_front *f, volatile sig_atomic_t *stop);

/* Wake the event loop (async-signal-safe). */
void stc_front_wake(stc_front *f);

void stc_front_free(stc_front *f);

#endif
