/* worker.h - the thread that runs the service for `stc-tui serve`.
 *
 * It holds the interpreter's lock while it works and drops it while it
 * waits. One loop: take the next request or WebSocket event from the bus,
 * answer it; run a due trigger delivery or one step of a ready execution,
 * at least one for every few requests so that neither starves the other;
 * look for a changed module or configuration every 300 ms and reload; sleep
 * until the next request or the next timer.
 *
 * Request handling is a pipeline of small steps (the HTTP API's own
 * endpoints, route matching, then the route's integration: a Lambda
 * function or a StartExecution), so that an authorizer can be added in
 * front of the integration.
 *
 * Ownership: the worker takes the first generation and the store handed
 * to stc_worker_start and borrows the options and the bus.
 */
#ifndef STC_SERVE_WORKER_H
#define STC_SERVE_WORKER_H

#include "serve/bus.h"
#include "serve/gen.h"
#include "serve/serve.h"
#include "serve/store.h"

typedef struct stc_worker stc_worker;

/* Start the thread, which starts the host with generation g. Returns when
 * it is ready to answer, or NULL with *err when the host could not start.
 * The caller must have released the interpreter's lock. */
stc_worker *stc_worker_start(const stc_serve_options *o, stc_bus *bus, stc_gen *g, stc_store *store,
                             char **err);
/* The Host the server answers as ("127.0.0.1:8080"), when a request has
 * none. Call before the first request. */
void stc_worker_set_domain(stc_worker *w, const char *domain);
/* Wait for the thread (it ends after a STC_MSG_DRAIN) and free it; the
 * store is closed. */
void stc_worker_join(stc_worker *w);

#endif
