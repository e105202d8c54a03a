/* simctl.h - the workbench's simulation: one execution of the selected
 * workflow (or the --asl machine) in the step simulator (stepsim/), with
 * its input, its mocks, breakpoints and the states visited so far.
 *
 * Tasks are answered by the service-mode handler shared with
 * `stc-tui simulate` (stepsim/svcmode.h): from the mocks file, keyed by the
 * called internal function's name (through the workflow's state table) or by
 * the Task state's name (--asl), in the exact shapes AWS gives
 * (docs/simulator.md, "Service mode"). A nested workflow needs a mock here.
 *
 * The controller owns the machine copy, the simulator, the mocks and every
 * string it returns (valid until the next call that changes it). It borrows
 * the workflow given to stc_simctl_start() until stc_simctl_reset() or the
 * next start.
 */
#ifndef STC_TUI_SIMCTL_H
#define STC_TUI_SIMCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/workflow.h"
#include "tui/rich.h"

typedef struct stc_simctl stc_simctl;

stc_simctl *stc_simctl_new(void);
void stc_simctl_free(stc_simctl *s);

/* Start (or restart) on `asl` (copied) named `name` (the method or file);
 * `wf` (may be NULL) maps Task states to functions. Keeps the input when
 * the name is the same, else builds one from `params`. Returns 0, or -1
 * with a message in *err when the machine cannot be loaded. */
int stc_simctl_start(stc_simctl *s, const char *name, const cJSON *asl, const stc_workflow *wf,
                     char **err);
/* Forget the execution (the module changed). */
void stc_simctl_reset(stc_simctl *s);

bool stc_simctl_active(const stc_simctl *s);
const char *stc_simctl_name(const stc_simctl *s);

/* One step forward / back; run to the end; run to the next breakpoint. Each
 * returns a short message for the status line (static or owned by s). */
const char *stc_simctl_step(stc_simctl *s);
const char *stc_simctl_back(stc_simctl *s);
const char *stc_simctl_run(stc_simctl *s);
const char *stc_simctl_continue(stc_simctl *s);

/* The state the next step runs (NULL when finished or not started). */
const char *stc_simctl_current(const stc_simctl *s);
/* States entered so far, oldest first (borrowed array of borrowed names). */
size_t stc_simctl_visited(const stc_simctl *s, const char *const **out);

void stc_simctl_toggle_break(stc_simctl *s, const char *state);
bool stc_simctl_is_break(const stc_simctl *s, const char *state);

/* The execution input as JSON text (owned by s). */
const char *stc_simctl_input_text(const stc_simctl *s);
/* Replace the input (JSON text) and restart. -1 with *err when invalid. */
int stc_simctl_set_input(stc_simctl *s, const char *json, char **err);
/* Load a mocks file (YAML or JSON) and restart. -1 with *err. */
int stc_simctl_load_mocks(stc_simctl *s, const char *path, char **err);
const char *stc_simctl_mocks_path(const stc_simctl *s);

/* The simulator panel: status, step, virtual time, current state, its
 * input, the output or error, the variables and the latest events, for a
 * panel `rows` high. */
void stc_simctl_describe(const stc_simctl *s, stc_rich *out, int rows);

#endif
