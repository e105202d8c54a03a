/* bus.h - what the two threads of `stc-tui serve` hand each other.
 *
 * The front (serve/front.c) runs libwebsockets' event loop and never calls
 * Python; the worker (serve/worker.c) owns the embedded interpreter, the
 * stores, the executions and the triggers, and never touches a socket.
 * They meet here:
 *
 *   - the inbox (front -> worker): complete HTTP requests and WebSocket
 *     events, first in first out; the worker sleeps on a condition variable
 *     until something arrives or a timer is due;
 *   - the outbox (worker -> front): answered requests and commands for
 *     connections (send a frame, close); the worker wakes the front with
 *     lws_cancel_service() (the front registers its context);
 *   - the connection table: which WebSocket connections are open, so that
 *     post_to_connection (in the worker) knows at once whether a client is
 *     gone, and GET/DELETE /@connections/ID can answer.
 *
 * A connection is named across threads by a serial number, never by a
 * libwebsockets pointer: the front maps serials to its live connections
 * and drops what comes back for one that has closed.
 *
 * Ownership: a message belongs to whoever holds it; pushing hands it over.
 * Free with stc_msg_free. Everything in the bus is guarded by its mutex.
 */
#ifndef STC_SERVE_BUS_H
#define STC_SERVE_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/apigw.h"

typedef enum stc_msg_kind {
    /* front -> worker */
    STC_MSG_HTTP,          /* rq: a complete request */
    STC_MSG_WS_CONNECT,    /* connection_id, rq: the upgrade request */
    STC_MSG_WS_MESSAGE,    /* connection_id, text */
    STC_MSG_WS_DISCONNECT, /* connection_id, code, text (reason) */
    STC_MSG_DRAIN,         /* finish what is queued before this, then stop */
    /* worker -> front */
    STC_MSG_HTTP_DONE,     /* rs: the answer of the request (the same message) */
    STC_MSG_WS_DONE,       /* a WS_MESSAGE was handled (flow control) */
    STC_MSG_WS_SEND,       /* text: a frame to send */
    STC_MSG_WS_CLOSE,      /* close the connection with code and reason (text) */
    STC_MSG_STOPPED,       /* the worker has finished */
} stc_msg_kind;

typedef struct stc_msg {
    stc_msg_kind kind;
    uint64_t serial;          /* the front's connection */
    uint64_t seq;             /* request number (logs, the workbench) */
    double t0;                /* monotonic ms when the request was complete */
    stc_http_request rq;
    stc_http_response rs;
    char connection_id[17];
    char *text;
    size_t len;
    int code;
    struct stc_msg *next;
} stc_msg;

stc_msg *stc_msg_new(stc_msg_kind kind);
void stc_msg_free(stc_msg *m);

/* Connection states. */
enum {
    STC_CONN_CONNECTING, /* $connect runs: frames are held, posts fail (410) */
    STC_CONN_OPEN,
    STC_CONN_CLOSED,     /* the client went away or was refused */
};

typedef struct stc_conn {
    char id[17];
    uint64_t serial;
    int state;
    bool accepted;         /* $connect said yes (so $disconnect runs) */
    char source_ip[64];
    char *user_agent;
    char *context;         /* what $connect's authorization found (JSON text,
                              serve/auth.h), given to every event; or NULL */
    int64_t connected_at;  /* epoch ms */
    int64_t last_active;   /* epoch ms */
} stc_conn;

/* Who may open a WebSocket connection in the served generation: the auth
 * of $connect ("none", "iam", "jwt") and the mode's JWT issuer and
 * audience. The worker sets it with each generation; the front reads a
 * copy for each handshake. */
typedef struct stc_ws_auth {
    char *auth, *issuer, *audience;
} stc_ws_auth;

typedef struct stc_bus {
    pthread_mutex_t mu;
    pthread_cond_t cv;       /* the worker waits on it */
    stc_msg *in_head, *in_tail;
    size_t in_count;
    stc_msg *out_head, *out_tail;
    void *lws;               /* struct lws_context *, for waking the front */
    stc_conn *conns;
    size_t nconns, cap;
    bool json;               /* log lines as JSON objects */
    stc_ws_auth ws_auth;
} stc_bus;

void stc_bus_init(stc_bus *b);
void stc_bus_destroy(stc_bus *b);

/* Queue m for the worker (and wake it). */
void stc_bus_to_worker(stc_bus *b, stc_msg *m);
/* The next message for the worker, or NULL; waits until `until_mono_ms`
 * (monotonic ms; < 0: forever, 0: do not wait) when there is none. */
stc_msg *stc_bus_worker_take(stc_bus *b, double until_mono_ms);

/* Queue m for the front and wake its event loop. */
void stc_bus_to_front(stc_bus *b, stc_msg *m);
/* Everything queued for the front, oldest first (a list through next). */
stc_msg *stc_bus_front_take_all(stc_bus *b);

/* Connections. */
void stc_bus_conn_add(stc_bus *b, const char *id, uint64_t serial, const char *source_ip, const char *user_agent,
                      const char *context, int64_t now_ms);
/* Set the state (a closed connection stays closed); returns the serial
 * (0: unknown id). */
uint64_t stc_bus_conn_set(stc_bus *b, const char *id, int state);
/* $connect said yes: open it, unless it closed meanwhile (false). */
bool stc_bus_conn_accept(stc_bus *b, const char *id);
void stc_bus_conn_remove(stc_bus *b, const char *id);
/* A copy of the connection (user_agent and context allocated: free them
 * with stc_conn_release); false when unknown. */
bool stc_bus_conn_get(stc_bus *b, const char *id, stc_conn *out);
void stc_conn_release(stc_conn *c);

/* The $connect auth of the served generation (copies; stc_ws_auth_free). */
void stc_bus_set_ws_auth(stc_bus *b, const char *auth, const char *issuer, const char *audience);
stc_ws_auth stc_bus_ws_auth(stc_bus *b);
void stc_ws_auth_free(stc_ws_auth *a);
void stc_bus_conn_touch(stc_bus *b, const char *id, int64_t now_ms);

/* Print one log line to stdout (whole, with a newline); safe from both
 * threads. */
void stc_bus_log(stc_bus *b, const char *line);

#endif
