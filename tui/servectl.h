/* servectl.h - the workbench serving the open module: `stc-tui serve` in a
 * child process (S starts and stops it), its JSON log read as it comes.
 *
 * A child rather than a thread: the served module runs its own code, which
 * may print, block or crash; none of that can reach the screen or the
 * workbench. The child is this same binary (/proc/self/exe) with `serve
 * MODULE --port N --mode M [--config FILE] --json`, in its own process group
 * (the terminal's signals do not reach it), stdin on /dev/null, stdout and
 * stderr on pipes read without blocking by stc_servectl_poll().
 *
 * Each JSON line of the log becomes a request (HTTP requests, WebSocket
 * events, trigger deliveries) or updates an execution; the child's stderr
 * lines are kept as they come (the last few, for the status line).
 *
 * Ownership: the controller owns its records and strings (valid until the
 * next poll that changes them, a start, or free).
 */
#ifndef STC_TUI_SERVECTL_H
#define STC_TUI_SERVECTL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct stc_serve_req {
    long seq;
    char *kind;           /* "request", "websocket", "trigger" */
    char *method;         /* "GET", "WS", "TRIGGER" */
    char *path;           /* the path, the route key, or what fired */
    int status;           /* 0 for triggers */
    char *outcome;        /* triggers: "ok", "failed ..." */
    char *unit;
    double ms;
    char *time;           /* "2026-01-01T10:00:00.123Z" */
    cJSON *event;         /* the event the function got (may be JSON null) */
    cJSON *response;      /* its answer */
    char *logs;           /* what the function printed */
    char **executions;    /* ARNs of the executions it started */
    size_t nexecutions;
} stc_serve_req;

typedef struct stc_servectl stc_servectl;

stc_servectl *stc_servectl_new(void);
/* Stops the child first. */
void stc_servectl_free(stc_servectl *s);

/* Start serving `path`: the child `exe serve path --port PORT --mode MODE
 * [--config CONFIG] --json`. Forgets the previous session's requests.
 * Returns 0, or -1 with *err. */
int stc_servectl_start(stc_servectl *s, const char *exe, const char *path, const char *mode, const char *config,
                       int port, char **err);
/* Ask the child to stop and return at once: SIGINT (it finishes what is in
 * flight, closes its clients and exits). stc_servectl_poll() reaps it, and
 * sends SIGKILL when it is still there 5 s later. A stop asked for is not
 * an error: stc_servectl_error() stays NULL. Nothing when it is not running
 * or already stopping. */
void stc_servectl_stop_begin(stc_servectl *s);
/* Between stc_servectl_stop_begin() and the child's end. */
bool stc_servectl_stopping(const stc_servectl *s);
/* stc_servectl_stop_begin(), then wait for the end (up to the SIGKILL):
 * for when the workbench quits. */
void stc_servectl_stop(stc_servectl *s);

/* Read what the child wrote; true when something shown changed (a request,
 * readiness, an exit). Never blocks. */
bool stc_servectl_poll(stc_servectl *s);

/* One JSON log line (tests feed lines directly). */
void stc_servectl_feed(stc_servectl *s, const char *line);

bool stc_servectl_running(const stc_servectl *s);
/* The ready line was seen: "http://127.0.0.1:8080" (NULL before). */
const char *stc_servectl_url(const stc_servectl *s);
/* The child ended: its status line ("exited with 1: ..."), or NULL. */
const char *stc_servectl_error(const stc_servectl *s);

/* Requests, newest first. */
size_t stc_servectl_count(const stc_servectl *s);
const stc_serve_req *stc_servectl_req(const stc_servectl *s, size_t newest_first);

/* The latest record of the execution with this ARN (the `execution` log
 * line: status, input, output, calls, ...), or NULL. */
const cJSON *stc_servectl_execution(const stc_servectl *s, const char *arn);

/* The mocks that replay an execution record: each function's recorded
 * results in call order ({"_fn": [{"return": v} | {"raise": E, "cause": C}]});
 * the caller owns it. */
cJSON *stc_servectl_replay_mocks(const cJSON *record);

#endif
