/* sim.h - the stepping interpreter: runs a loaded machine one state at a time
 * on a virtual clock, records an execution history, steps back exactly.
 *
 * A *step* runs one state of one flow (the execution itself, a Parallel
 * branch or a Map iteration) from its entry to its exit, or one retry
 * attempt of a Task/Parallel/Map state. When several flows can run (inside a
 * Parallel or Map) the step goes to the flow with the earliest virtual time;
 * ties go to the lowest branch or iteration index (so without Wait states,
 * branches advance round-robin in index order). Completing the last branch
 * or iteration completes the Parallel/Map state in the same step.
 *
 * Transitions (the "transitions" of `simulate --json`): the number of state
 * entries, in every flow. A retry attempt is not a new entry.
 *
 * Ownership: the sim borrows the machine (it must outlive the sim) and the
 * task handler context; it copies the input. Everything returned as const
 * (events, JSON values, names) is owned by the sim and valid until the next
 * call that changes it (step, back, start, free).
 */
#ifndef STC_SIM_H
#define STC_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "stepsim/machine.h"

typedef struct stc_sim stc_sim;

/* 2026-01-01T00:00:00Z, in milliseconds since the epoch. */
#define STC_SIM_DEFAULT_EPOCH_MS INT64_C(1767225600000)
#define STC_SIM_DEFAULT_SEED UINT64_C(0x5eed)
#define STC_SIM_DEFAULT_MAX_TRANSITIONS 1000000L

/* What a task handler returns. */
enum {
    STC_TASK_OK = 0,     /* *result set (owned by the sim afterwards) */
    STC_TASK_FAILED = 1, /* *error (and optionally *cause) set, malloc'd */
    STC_TASK_ABORT = -1, /* cannot run at all (no mock): *error holds the
                            message; the simulation stops with STC_SIM_ERROR */
};

/* Runs a Task. `input` is the effective input (after InputPath and
 * Parameters), borrowed. Use stc_sim_call_index() for call-by-call scripts
 * so that stepping back also rewinds them. */
typedef int (*stc_sim_task_fn)(void *ctx, stc_sim *sim, const char *state_name,
                               const char *resource, const cJSON *input, cJSON **result,
                               char **error, char **cause);

typedef struct stc_sim_options {
    int64_t start_time_ms;         /* virtual clock at ExecutionStarted */
    uint64_t seed;                 /* States.UUID, States.MathRandom, jitter */
    long max_transitions;          /* bound; exceeding it stops with STC_SIM_ERROR */
    bool undo;                     /* keep a snapshot per step for stc_sim_back
                                      (default on; off for batch runs) */
    bool history;                  /* keep the events (stc_sim_event_at); off:
                                      only counted (stc_sim_event_total), for
                                      batch runs without a trace (default on) */
    const char *execution_name;    /* $$.Execution.Name */
    const char *state_machine_name; /* $$.StateMachine.Name */
    const char *state_machine_id;  /* $$.StateMachine.Id (default: an ARN from the name) */
    long time_limit_s;             /* an execution not ended when this many virtual seconds
                                      have passed times out (States.Timeout, status
                                      TIMED_OUT), as an Express execution does at 300 s;
                                      0: no limit but the machine's own TimeoutSeconds */
    stc_sim_task_fn task;          /* NULL: every Task fails to run (abort) */
    void *task_ctx;
} stc_sim_options;

void stc_sim_options_init(stc_sim_options *o);

typedef enum stc_sim_status {
    STC_SIM_READY,     /* created, not started */
    STC_SIM_RUNNING,
    STC_SIM_SUCCEEDED,
    STC_SIM_FAILED,    /* the execution failed (error/cause) */
    STC_SIM_TIMED_OUT, /* it ran past its time limit: error States.Timeout */
    STC_SIM_ERROR,     /* the simulation could not go on: no mock, bound hit */
} stc_sim_status;

const char *stc_sim_status_name(stc_sim_status s);
/* FAILED or TIMED_OUT: the execution ended without success. */
bool stc_sim_status_failed(stc_sim_status s);

/* History event types, after the Step Functions execution history. */
#define STC_SIM_EVENTS(X)                                                          \
    X(EXECUTION_STARTED, "ExecutionStarted")                                       \
    X(EXECUTION_SUCCEEDED, "ExecutionSucceeded")                                   \
    X(EXECUTION_FAILED, "ExecutionFailed")                                         \
    X(EXECUTION_TIMED_OUT, "ExecutionTimedOut")                                    \
    X(PASS_ENTERED, "PassStateEntered") X(PASS_EXITED, "PassStateExited")          \
    X(TASK_ENTERED, "TaskStateEntered") X(TASK_SCHEDULED, "TaskScheduled")         \
    X(TASK_STARTED, "TaskStarted")                                                 \
    X(TASK_SUCCEEDED, "TaskSucceeded") X(TASK_FAILED, "TaskFailed")                \
    X(TASK_EXITED, "TaskStateExited")                                              \
    X(CHOICE_ENTERED, "ChoiceStateEntered") X(CHOICE_EXITED, "ChoiceStateExited")  \
    X(WAIT_ENTERED, "WaitStateEntered") X(WAIT_EXITED, "WaitStateExited")          \
    X(SUCCEED_ENTERED, "SucceedStateEntered") X(SUCCEED_EXITED, "SucceedStateExited") \
    X(FAIL_ENTERED, "FailStateEntered")                                            \
    X(PARALLEL_ENTERED, "ParallelStateEntered")                                    \
    X(PARALLEL_STARTED, "ParallelStateStarted")                                    \
    X(PARALLEL_SUCCEEDED, "ParallelStateSucceeded")                                \
    X(PARALLEL_FAILED, "ParallelStateFailed")                                      \
    X(PARALLEL_EXITED, "ParallelStateExited")                                      \
    X(MAP_ENTERED, "MapStateEntered") X(MAP_STARTED, "MapStateStarted")            \
    X(MAP_ITERATION_STARTED, "MapIterationStarted")                                \
    X(MAP_ITERATION_SUCCEEDED, "MapIterationSucceeded")                            \
    X(MAP_ITERATION_FAILED, "MapIterationFailed")                                  \
    X(MAP_SUCCEEDED, "MapStateSucceeded") X(MAP_FAILED, "MapStateFailed")          \
    X(MAP_EXITED, "MapStateExited")                                                \
    X(STATE_RETRY, "StateRetryScheduled")

typedef enum stc_sim_event_type {
#define X(id, name) STC_EV_##id,
    STC_SIM_EVENTS(X)
#undef X
} stc_sim_event_type;

const char *stc_sim_event_type_name(stc_sim_event_type t);

typedef struct stc_sim_event {
    long id;                 /* 1-based, as in the Step Functions history; 0 for
                                StateRetryScheduled, ours, which AWS's history has
                                not (its ids stay AWS's) */
    stc_sim_event_type type;
    int64_t time_ms;         /* virtual time */
    char *state;             /* state name, NULL for execution events */
    char *flow;              /* "" for the execution, "Par[1]", "Map[3]/Inner[0]" ... */
    cJSON *details;          /* {"input": ...} / {"output": ...} / {"error","cause"} ... */
} stc_sim_event;

stc_sim *stc_sim_new(const stc_machine *m, const stc_sim_options *opts);
void stc_sim_free(stc_sim *sim);

/* Start (or restart) an execution with `input` (copied). Clears the history. */
void stc_sim_start(stc_sim *sim, const cJSON *input);
/* Start again with a new input as a continue-as-new execution would: like
 * stc_sim_start, but the per-key call counters (stc_sim_call_index) carry over,
 * so a mocks script goes on where the previous execution left it. */
void stc_sim_continue_as_new(stc_sim *sim, const cJSON *input);

/* One step. Returns the status after it (RUNNING while there is more). */
stc_sim_status stc_sim_step(stc_sim *sim);

/* Undo the last step exactly (state, data, clock, history, mock cursors,
 * retry counters, generator). Returns 0, or -1 when there is nothing to undo
 * (not started, or at the first step); always -1 when the sim was created
 * with `undo` off (stc_sim_can_back() tells which). */
int stc_sim_back(stc_sim *sim);

/* Step until the end, or until the next state to run is named `breakpoint`
 * (NULL: no breakpoint; a breakpoint never stops before the first step). */
stc_sim_status stc_sim_run(stc_sim *sim, const char *breakpoint);

stc_sim_status stc_sim_get_status(const stc_sim *sim);
/* The state the next step runs and its input; NULL when finished. */
const char *stc_sim_current_state(const stc_sim *sim);
const cJSON *stc_sim_current_input(const stc_sim *sim);
/* The workflow variables the state the next step runs can read: those of
 * its flow and of the flows around it (outer scopes first), as a new object
 * the caller owns ({} when there are none). Once the execution has ended,
 * the execution's own (top-level) variables. */
cJSON *stc_sim_variables(const stc_sim *sim);
/* Evaluate `expr` against the state the next step runs, as the workbench's
 * expression prompt does: its input ($states.input, or `$` in JSONPath),
 * the variables it reads and its context object (as if it were entered
 * now); once the execution has ended, against its output and top-level
 * variables. `jsonata` picks the language: JSONata (with or without {% %}),
 * or JSONPath (a path $..., $$..., $var..., or an intrinsic call). Nothing in
 * the simulation changes ($random(), $uuid() and States.UUID draw from a
 * copy of the generator). Returns 0 with *out (NULL when a JSONata result is
 * undefined; *is_function set for a function), or -1 with *err (allocated). */
int stc_sim_evaluate(stc_sim *sim, const char *expr, bool jsonata, cJSON **out,
                     bool *is_function, char **err);
/* The query language of the state the next step runs (false: JSONPath);
 * once the execution has ended, the top level's. */
bool stc_sim_current_jsonata(const stc_sim *sim);

/* The execution output (SUCCEEDED), else the output of the last state exited. */
const cJSON *stc_sim_output(const stc_sim *sim);
/* FAILED, TIMED_OUT: the execution's error and cause (either may be NULL).
 * ERROR: the message in stc_sim_message(). */
const char *stc_sim_error(const stc_sim *sim);
const char *stc_sim_cause(const stc_sim *sim);
const char *stc_sim_message(const stc_sim *sim);
int64_t stc_sim_time(const stc_sim *sim);
long stc_sim_transitions(const stc_sim *sim);
size_t stc_sim_steps(const stc_sim *sim);
/* Events kept (0 with `history` off); stc_sim_event_total counts every event
 * emitted in this execution, kept or not (the id of the last one). */
size_t stc_sim_event_count(const stc_sim *sim);
long stc_sim_event_total(const stc_sim *sim);
/* False when the sim was created with `undo` off: stc_sim_back always fails. */
bool stc_sim_can_back(const stc_sim *sim);
const stc_sim_event *stc_sim_event_at(const stc_sim *sim, size_t i);

/* Event as {"id","type","timestamp","state","flow", ...details}; caller owns. */
cJSON *stc_sim_event_json(const stc_sim_event *ev);

/* For task handlers: how many times `key` was called before in this
 * execution (0 for the first call); counts the call. Rewound by back. */
unsigned stc_sim_call_index(stc_sim *sim, const char *key);

#endif
