/* exec.h - the workflow executions of `stc-tui serve`, run in the step
 * simulator (stepsim/) in the background.
 *
 * An execution is the compiled state machine of an async method, started
 * by an async REST route, by a function (self._wf(...)), or by a trigger.
 * Its Task states are answered by the service-mode handler
 * (stepsim/svcmode.h) with AWS's shapes; an internal function with no mock
 * runs for real: its own handler, through the host (serve/host.h), with the
 * Task's payload as a direct event. Nested workflows run inside their
 * parent's Task, as `simulate` runs them.
 *
 * The worker interleaves executions with requests, one step at a time. A
 * Wait (or a retry's delay) holds the execution on the real clock for its
 * length, counted from the end of the step that began it; with `fast` the
 * execution goes straight on. Its history timestamps are virtual: the start
 * plus the waits.
 *
 * What GET /_stc/executions/NAME answers (shared/cli.md): {"status",
 * "input", "output", "error", "cause", "transitions"}; status RUNNING,
 * SUCCEEDED, FAILED or TIMED_OUT (States.Timeout: the machine's
 * TimeoutSeconds, or 5 minutes for an Express workflow of the served mode,
 * core/aws/express.h); a simulation that cannot go on -- the transition
 * bound, a function that cannot be called -- is FAILED with error
 * States.Runtime and the reason as the cause.
 *
 * Every Task call is recorded (function, return value or error and cause),
 * so that the workbench can replay the execution in its Simulator pane with
 * those results as mocks.
 *
 * Ownership: stc_execs owns its executions; each holds a reference to the
 * generation it started in. Worker thread only.
 */
#ifndef STC_SERVE_EXEC_H
#define STC_SERVE_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "serve/gen.h"
#include "stepsim/sim.h"
#include "stepsim/svcmode.h"

/* Finished executions kept for GET /_stc/executions (the oldest go first). */
#define STC_EXECS_KEEP 10000

typedef enum stc_exec_status {
    STC_EXEC_RUNNING,
    STC_EXEC_SUCCEEDED,
    STC_EXEC_FAILED,
    STC_EXEC_TIMED_OUT, /* past the machine's TimeoutSeconds or an Express execution's 5 minutes */
} stc_exec_status;

typedef struct stc_exec {
    char name[40];           /* a UUID */
    char *arn;
    char *machine;           /* the workflow (method) */
    stc_gen *gen;            /* a reference */
    const stc_workflow *wf;
    stc_svcmode *sm;
    stc_sim *sim;
    cJSON *input;
    cJSON *output;           /* SUCCEEDED */
    char *error, *cause;     /* FAILED */
    stc_exec_status status;
    long transitions;
    int64_t start_ms, stop_ms; /* epoch ms */
    double wake;             /* monotonic ms: the next step not before */
    uint64_t request;        /* the request that started it (0: none) */
    bool express;            /* an Express workflow in the served mode: 5 minutes at most */
    const char **express_units; /* the mode's Express workflows (nested ones time out too) */
    void *waiter;            /* the worker's: a request waiting for the end (Express) */
    cJSON *calls;            /* [{"function", "return"} | {"function", "raise", "cause"}] */
} stc_exec;

/* What an execution needs from the worker. */
typedef struct stc_execs_hooks {
    /* Run Lambda unit `fn` of generation gen with the JSON text `payload`:
     * a stc_host_invoke. */
    int (*invoke)(void *ctx, stc_gen *gen, const char *fn, const char *payload, char **result_json, char **error,
                  char **message);
    /* An execution started or ended (for the log). */
    void (*changed)(void *ctx, const stc_exec *x);
    void *ctx;
} stc_execs_hooks;

typedef struct stc_execs stc_execs;

stc_execs *stc_execs_new(bool fast, const stc_execs_hooks *hooks);
void stc_execs_free(stc_execs *x);

/* Start workflow `name` of generation g with `input` (copied). Returns the
 * execution, or NULL with *err (no such workflow, it does not compile). */
stc_exec *stc_execs_start(stc_execs *x, stc_gen *g, const char *name, const cJSON *input, uint64_t request,
                          int64_t now_ms, char **err);

/* Is there an execution to step now? The earliest wake-up time (monotonic
 * ms) of the running ones in *next (-1: none running). */
bool stc_execs_ready(stc_execs *x, double now, double *next);
/* One step of the next ready execution (round robin). */
void stc_execs_step(stc_execs *x, double now, int64_t now_ms);

size_t stc_execs_running(const stc_execs *x);
const stc_exec *stc_execs_find(const stc_execs *x, const char *name);

/* {"status", "input", "output", "error", "cause", "transitions"}. */
cJSON *stc_exec_describe(const stc_exec *e);
/* {"executions": [{"name", "executionArn", "stateMachine", "status",
 * "startDate", "stopDate"}]}, newest first. */
cJSON *stc_execs_list(const stc_execs *x);
/* Everything the workbench needs to replay it: the describe keys plus
 * "name", "executionArn", "stateMachine", "request", "startDate",
 * "stopDate" and "calls". */
cJSON *stc_exec_record(const stc_exec *e);

const char *stc_exec_status_name(stc_exec_status s);

#endif
