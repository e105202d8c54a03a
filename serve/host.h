/* host.h - the embedded interpreter of `stc-tui serve`: the generated
 * handlers and the shipped runtime, run as Lambda runs them.
 *
 * Unlike the compiler, this EXECUTES the service's code (as
 * `simulate --run-local` does); `serve --help` says so.
 *
 * Each Lambda unit is loaded the way its package ships (core/aws/package.h):
 * its handler.py, its service.py slice and the one stc_runtime module, on
 * the unit's first event (a cold start: the slice's module-level code, then
 * build_service() and __init__ inside the handler). Later events reuse the
 * loaded handler and its service object (a warm container). A reload
 * defines a new generation; the old one's containers go when nothing uses
 * them any more.
 *
 * The runtime gets a host object (stc_runtime.host) standing in for the
 * services the cloud would call: Lambda (self._fn(...) invokes the unit's
 * handler with a direct event, and an error comes back as Lambda's
 * FunctionError would), Step Functions (self._wf(...) starts an execution
 * through hooks->start_execution) and API Gateway's management API
 * (post_to_connection sends a frame through hooks->post; a gone client
 * raises a GoneException with HTTP status 410, which the runtime turns into
 * False as it does on AWS) and SNS (a channel's send publishes through
 * hooks->publish). Its tables, buckets and queues are bound to the
 * SQLite stores (serve/store.h): a write to a bucket or a queue is reported
 * to hooks->object_event / hooks->message_sent for the local triggers.
 *
 * What the service prints goes to stderr (stdout carries the log lines),
 * or, when capture_logs is on, into the invocation's result.
 *
 * Threads: every function here must be called by the thread that holds
 * the GIL (serve's worker). stc_host_watch() arms a watchdog that stops a
 * call running past its function's timeout (an asynchronous exception in
 * the worker thread; a call blocked inside C code stops when it returns).
 *
 * Ownership: results are allocated for the caller (stc_host_result_free).
 */
#ifndef STC_SERVE_HOST_H
#define STC_SERVE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "serve/store.h"

typedef struct stc_host_hooks {
    /* self._wf(...) in a function: start the workflow. Returns 0 and sets
     * *arn (allocated) and *start_ms, or -1 with *err (allocated). */
    int (*start_execution)(void *ctx, const char *workflow, const char *input_json, char **arn, int64_t *start_ms,
                           char **err);
    /* post_to_connection: 0 sent, 1 gone. */
    int (*post)(void *ctx, const char *connection_id, const char *data, size_t len);
    /* an object was put (created) or deleted in a bucket */
    void (*object_event)(void *ctx, const char *bucket, const char *key, size_t key_len, bool created, int64_t size,
                         const char *etag);
    /* a message was sent to a queue */
    void (*message_sent)(void *ctx, const char *queue);
    /* Channel.send on a topic (SNS Publish): deliver it to the topic's
     * subscribers; returns the message id (allocated). */
    char *(*publish)(void *ctx, const char *topic, const char *text, size_t len, const char *subject);
    void *ctx;
} stc_host_hooks;

/* Start the host (the interpreter must be running and its lock held):
 * the helpers, the _stc_serve module with the store types, the runtime
 * (its text). Returns 0, or -1 with *err. */
int stc_host_start(const stc_host_hooks *hooks, stc_store *store, bool capture_logs, const char *runtime,
                   size_t runtime_len, char **err);
void stc_host_stop(void);

/* Bind the resource `name` of kind "table", "bucket" or "queue" to the
 * store (again after a reload: the same data). */
int stc_host_bind(const char *kind, const char *name, char **err);

/* Set the environment variable `name` (os.environ) to `value`. */
int stc_host_setenv(const char *name, const char *value, char **err);

/* Define unit `unit` of generation `gen`: its handler and slice texts, the
 * module's folder (first on sys.path), its timeout and memory. */
int stc_host_define(unsigned gen, const char *unit, const char *handler, const char *service, const char *folder,
                    int timeout_s, int memory_mb, char **err);
/* Forget a generation's units (their containers). */
void stc_host_drop(unsigned gen);

typedef enum stc_host_kind {
    STC_HOST_OK = 0,      /* json: the result */
    STC_HOST_ERROR = 1,   /* error (errorType) and message: the function failed */
    STC_HOST_FAILED = -1, /* the host could not call (message) */
} stc_host_kind;

typedef struct stc_host_result {
    stc_host_kind kind;
    char *json;
    char *error;
    char *message;
    char *logs;     /* captured output (capture_logs), or NULL */
    bool timed_out;
} stc_host_result;

/* Invoke unit `unit` of generation `gen` with `event` (JSON text), as
 * Lambda would: a cold start when needed, the watchdog armed for the
 * unit's timeout. */
int stc_host_invoke(unsigned gen, const char *unit, const char *event, const char *request_id,
                    stc_host_result *out);
void stc_host_result_free(stc_host_result *r);

#endif
