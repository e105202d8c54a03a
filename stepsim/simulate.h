/* simulate.h - what `stc-tui simulate` does once it has a state machine, an
 * input and a task handler: run to the end and print per shared/cli.md.
 * Shared by the `--asl` form and the service form (SERVICE.py METHOD), which
 * differ only in where the machine comes from and in the task handler.
 *
 * Ownership: everything is borrowed.
 */
#ifndef STC_SIMULATE_H
#define STC_SIMULATE_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "stepsim/machine.h"
#include "stepsim/sim.h"

/* Exit codes, the same numbers as cli/cli.h's STC_EXIT_* (shared/cli.md). */
enum {
    STC_SIMULATE_SUCCEEDED = 0,
    STC_SIMULATE_INVALID = 1, /* invalid machine, or the transition bound was hit */
    STC_SIMULATE_USAGE = 2,   /* a Task could not run (no mock) */
    STC_SIMULATE_FAILED = 4,
};

typedef struct stc_simulate_options {
    bool json;                /* print the cli.md JSON document */
    bool trace;               /* add the events */
    stc_sim_task_fn task;     /* e.g. stc_mocks_task_handler */
    void *task_ctx;
    long max_transitions;     /* 0: STC_SIM_DEFAULT_MAX_TRANSITIONS */
    long time_limit_s;        /* an Express execution: 300 (stc_sim_options.time_limit_s) */
    /* Continue-as-new (service mode: stc_svcmode_take_restart): after a
     * SUCCEEDED execution, true with the next execution's input (owned by
     * the caller) to start the machine again with it. The printed result is
     * the last execution's; transitions and --trace events add up over all
     * of them (the bound too). NULL: never. */
    bool (*take_restart)(void *task_ctx, cJSON **input);
    const char *prog;         /* prefix of messages on `err`, e.g. "stc-tui: simulate" */
} stc_simulate_options;

/* Run `m` on `input` and print the result on `out` (messages on `err`).
 * Returns one of the codes above. */
int stc_simulate_run_and_print(const stc_machine *m, const cJSON *input,
                               const stc_simulate_options *o, FILE *out, FILE *err);

/* Same, from an ASL document: an invalid machine prints its error on `err`
 * and returns STC_SIMULATE_INVALID. */
int stc_simulate_asl_and_print(const cJSON *asl, const cJSON *input,
                               const stc_simulate_options *o, FILE *out, FILE *err);

/* The readable one-line form of an event (for --trace and the workbench);
 * allocated, caller frees. */
char *stc_simulate_event_line(const stc_sim_event *ev);

#endif
