/* svcmode.h - the service-mode Task handler: how a machine compiled from a
 * service module (core/workflow.h) meets AWS in the simulator. Shared by
 * `stc-tui simulate SERVICE.py METHOD` and the workbench.
 *
 * For each Task state the workflow's state table says what it calls:
 *
 *   - an internal function `_fn` (arn:aws:states:::lambda:invoke): the mock
 *     `_fn` (call by call), else with --run-local the real Python method
 *     (core/pyrun.h) or the options' call hook, else the simulation stops (STC_TASK_ABORT) with
 *     "no mock for _fn ...". The result is what the optimised Lambda
 *     integration returns, {"ExecutedVersion", "Payload", "SdkHttpMetadata",
 *     "SdkResponseMetadata", "StatusCode": 200}; an error E with cause C fails
 *     the Task with error E and the Lambda Python runtime's Cause, the JSON
 *     text {"errorMessage": C, "errorType": E, "requestId": ..., "stackTrace": []};
 *   - a nested workflow (states:startExecution.sync:2): the mock of the
 *     callee when there is one, else the callee's own compiled machine runs in
 *     a nested simulation with the same mocks (and --run-local). Success gives
 *     the DescribeExecution shape with "Output" as JSON and "Status":
 *     "SUCCEEDED"; a failed child fails the Task with States.TaskFailed and a
 *     Cause that is that JSON with "Status": "FAILED", "Error" and "Cause";
 *   - continue-as-new (STC_WF_CALL_RESTART): StartExecution's answer
 *     {"ExecutionArn", "StartDate"}; the input is kept, and
 *     stc_svcmode_take_restart() hands it to the runner, which starts the
 *     machine again with it once this execution has ended;
 *   - a Task that is not in the state table: the mock named after the state
 *     (as for a plain ASL file).
 *
 * Call counters are per function name for the whole execution, nested
 * executions included (as one Python object's calls are): the handler counts
 * on the outermost simulation (stc_sim_call_index), so stepping back rewinds
 * them. docs/simulator.md ("Service mode") has the exact shapes.
 *
 * Ownership: stc_svcmode borrows the workflow, the workflow set, the mocks
 * and the pyrun instance (all must outlive it); it owns the machines of the
 * nested workflows it loads and the pending restart input.
 */
#ifndef STC_SVCMODE_H
#define STC_SVCMODE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "core/pyrun.h"
#include "core/workflow.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"

/* Deepest chain of nested executions (a workflow awaiting itself). */
#define STC_SVCMODE_MAX_DEPTH 64

typedef struct stc_svcmode stc_svcmode;

typedef struct stc_svcmode_options {
    const stc_workflows *workflows; /* the service's machines, for nested executions
                                       without a mock (NULL: those need a mock) */
    const stc_mocks *mocks;         /* NULL: no mocks */
    stc_pyrun *local;               /* --run-local (NULL: off) */
    const char *const *express;     /* the workflows that are Express in the simulated mode,
                                       NULL-terminated (NULL: none): a nested execution of one
                                       times out at 300 s (core/aws/express.h) */
    /* Without a mock and without `local`: run the function through this
     * hook (stc-tui serve: the function's own handler), answering with the
     * STC_PYRUN_* codes and results of stc_pyrun_call; NULL: none. */
    int (*call)(void *ctx, const char *fn, const cJSON *payload, cJSON **result, char **error, char **message);
    void *call_ctx;
} stc_svcmode_options;

/* A handler context for the machine of `wf` (borrowed; NULL: every Task is
 * looked up by its state name). */
stc_svcmode *stc_svcmode_new(const stc_workflow *wf, const stc_svcmode_options *o);
void stc_svcmode_free(stc_svcmode *sm);

/* The stc_sim_task_fn; ctx is a stc_svcmode. */
int stc_svcmode_task(void *ctx, stc_sim *sim, const char *state_name, const char *resource,
                     const cJSON *input, cJSON **result, char **error, char **cause);

/* After an execution ended: true when it asked to continue as new, with the
 * new execution's input in *input (the caller owns it); clears the request. */
bool stc_svcmode_take_restart(void *ctx, cJSON **input);

/* Forget a pending restart (e.g. when the workbench restarts by hand). */
void stc_svcmode_clear_restart(stc_svcmode *sm);

#endif
