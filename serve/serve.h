/* serve.h - `stc-tui serve`: the service running locally over real HTTP
 * and WebSocket (docs/serve.md).
 *
 * Two threads. The front (serve/front.c) is libwebsockets' event loop: it
 * accepts connections, reads requests and frames, and writes answers; it
 * never calls Python and never waits for it, so a slow client or a slow
 * function holds up nobody else's I/O. The worker (serve/worker.c) owns the
 * embedded interpreter and everything that runs the service: the generated
 * handlers and the shipped runtime (serve/host.h), the stores
 * (serve/store.h), the executions (serve/exec.h), the triggers
 * (serve/trig.h), who may call a route (serve/auth.h) and reloading. They
 * meet in serve/bus.h. Who may open a WebSocket connection is the front's
 * (serve/auth.h, before the handshake), with the $connect auth the worker
 * publishes for each generation.
 *
 * This runs the service's code; the compiler never does.
 *
 * Ownership: the options are borrowed for the duration of stc_serve_run.
 */
#ifndef STC_SERVE_SERVE_H
#define STC_SERVE_SERVE_H

#include <stdbool.h>

#include "core/service.h"

typedef struct stc_serve_options {
    const char *path;     /* SERVICE.py */
    const char *host;     /* "127.0.0.1" */
    int port;             /* 8080; 0: a free port (the ready line says which) */
    const char *mode;     /* "dev" */
    const char *config;   /* NULL: SERVICE.stc.yaml beside the module */
    const char *state;    /* NULL: stores in memory; else the folder of the SQLite state */
    bool fast;            /* workflow waits at once */
    bool json;            /* log lines as JSON objects, with events, answers and output */
    /* Print a service's diagnostics (cli/ owns printing). */
    void (*print_diags)(const stc_service *svc);
} stc_serve_options;

enum {
    STC_SERVE_OK = 0,     /* stopped by SIGINT or SIGTERM */
    STC_SERVE_INPUT = 1,  /* the module has errors */
    STC_SERVE_IO = 3,     /* the module, the configuration or the state cannot be read; the
                             address cannot be listened on */
};

/* Compile, start, print the ready line on stdout once connections are
 * accepted ("serving SERVICE.py on http://HOST:PORT and ws://HOST:PORT/"),
 * serve until SIGINT or SIGTERM, finish what is in flight, close the
 * clients. Returns an STC_SERVE_* status; errors are printed on stderr. */
int stc_serve_run(const stc_serve_options *o);

#endif
