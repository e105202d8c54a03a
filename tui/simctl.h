/* simctl.h - the workbench's simulation: one execution of the selected
 * workflow (or the --asl machine) in the step simulator (stepsim/), with
 * its input, its mocks, breakpoints and the states visited so far.
 *
 * Tasks are answered by the service-mode handler shared with
 * `stc-tui simulate` (stepsim/svcmode.h): from the mocks file, keyed by the
 * called internal function's name (through the workflow's state table) or by
 * the Task state's name (--asl), in the exact shapes AWS gives
 * (docs/simulator.md, "Service mode"). A nested workflow without a mock runs
 * its own machine with the same mocks (as the CLI does).
 *
 * The workbench's fallback (not the CLI's, which stops with a usage error):
 * a Task whose key has no mock *asks*. The step that reached it is undone,
 * so the execution waits on that Task (stc_simctl_waiting()); the app shows
 * a prompt, and stc_simctl_answer() records the answer -- a JSON return
 * value or `raise ErrorName: cause` -- and goes on with the step, run or
 * continue that was interrupted. Answers form a script per key, call by
 * call, in a second mocks set consulted only for keys the file lacks: call k
 * uses answer k, and a call beyond the answers asks again. Stepping back and
 * forward, restarting and changing the input replay them; loading a mocks
 * file (stc_simctl_load_mocks) forgets them.
 *
 * The controller owns the machine copy, the simulator, the mocks, the
 * answers and every string it returns (valid until the next call that
 * changes it). It borrows the workflow and the workflow set given to
 * stc_simctl_start() until stc_simctl_reset() or the next start.
 */
#ifndef STC_TUI_SIMCTL_H
#define STC_TUI_SIMCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/ir.h"
#include "core/workflow.h"
#include "tui/rich.h"

typedef struct stc_simctl stc_simctl;

stc_simctl *stc_simctl_new(void);
void stc_simctl_free(stc_simctl *s);

/* Start (or restart) on `asl` (copied) named `name` (the method or file);
 * `wf` (may be NULL) maps Task states to functions, `workflows` (may be
 * NULL) gives nested workflows without a mock their machines. Keeps the
 * input when the name is the same, else builds one from the method's
 * parameters (stc_simctl_default_input). Returns 0, or -1 with a message in
 * *err when the machine cannot be loaded. */
int stc_simctl_start(stc_simctl *s, const char *name, const cJSON *asl, const stc_workflow *wf,
                     const stc_workflows *workflows, char **err);
/* The workflows that are Express in the workbench's mode (NULL-terminated,
 * copied; NULL: none): their executions, nested ones too, time out at 300 s
 * of virtual time (States.Timeout), as on AWS. Applies from the next start. */
void stc_simctl_set_express(stc_simctl *s, const char *const *express);

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

/* True when the execution waits on a Task that has no mock: the next step
 * runs it once stc_simctl_answer() gave its result. */
bool stc_simctl_waiting(const stc_simctl *s);
/* While waiting: the call as `_send_email(address="ann@example.com")`
 * (arguments from the Task's payload, cut to about 160 bytes), and the key
 * the answer is kept under (the function, or the Task state with --asl). */
const char *stc_simctl_wait_call(const stc_simctl *s);
const char *stc_simctl_wait_key(const stc_simctl *s);
/* Answer the waiting Task: `text` is a JSON value (the return value) or
 * `raise ErrorName` / `raise ErrorName: cause`. Records it and resumes what
 * was interrupted (which may wait again, on the next Task without a mock).
 * Returns the status message, or NULL with *err when the text is not an
 * answer (nothing changed; the execution still waits). */
const char *stc_simctl_answer(stc_simctl *s, const char *text, char **err);
/* Parse an answer into a mocks entry {"return": v} or {"raise": E[,
 * "cause": C]} (the caller owns it); NULL with *err when it is neither. */
cJSON *stc_simctl_parse_answer(const char *text, char **err);
/* How many answers are kept (all keys). */
size_t stc_simctl_answer_count(const stc_simctl *s);

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
/* Load a mocks file (YAML or JSON), forget the answers, and restart. NULL
 * `path`: no mocks file (every Task asks). -1 with *err (nothing changed). */
int stc_simctl_load_mocks(stc_simctl *s, const char *path, char **err);
const char *stc_simctl_mocks_path(const stc_simctl *s);

/* Replay an execution of `stc-tui serve` (tui/servectl.h): start `name`
 * as stc_simctl_start() does, with `input` (JSON text) and `mocks` (a mocks
 * object: the results its Tasks got, call by call; copied) in place of the
 * mocks file, shown as `label`; then run to the end (or to a Task the
 * execution had not reached). Returns the status message, or NULL with
 * *err. */
const char *stc_simctl_replay(stc_simctl *s, const char *name, const cJSON *asl, const stc_workflow *wf,
                              const stc_workflows *workflows, const char *input, const cJSON *mocks,
                              const char *label, char **err);

/* The starting input of method `m` (NULL: "{}") as JSON text (the caller
 * owns it): each parameter's default when it is a JSON literal (None, True,
 * False, numbers, strings, lists, dicts), else an example value from its
 * annotation and name: str "example" (an e-mail "ann@example.com", an id
 * "<stem>-1", a name "Ann", a URL "https://example.com"), int 1, float 1.5,
 * bool true, list[T] one example T, dict {}; Optional[T] as T; no
 * annotation: as str. */
char *stc_simctl_default_input(const stc_method *m);

/* The expression prompt (`=`): evaluate `text` against the state the next
 * step runs -- its input, the variables it reads, its context object -- and
 * keep it, evaluated again after every step and step back (a watch). The
 * language: JSONata when the text is wrapped in {% %} or reads $states, when
 * the state is a JSONata state (after the end: when the machine's top level
 * is), or when it is not a JSONPath path; JSONPath for a path
 * ($.a, $$.Execution.Id, $var) or an intrinsic call (States.Format(...)) in
 * a JSONPath state. An empty text forgets the expression. Returns the
 * message for the status line (owned by s). */
const char *stc_simctl_eval(stc_simctl *s, const char *text);
/* The expression kept (NULL: none) and its last result: the value as JSON
 * text, "(undefined)", "(a function)", or the error; *failed tells which. */
const char *stc_simctl_eval_expr(const stc_simctl *s);
const char *stc_simctl_eval_result(const stc_simctl *s, bool *failed, bool *jsonata);

/* The simulator panel: status, step, virtual time, current state, its
 * input, the output or error, the variables and the latest events, for a
 * panel `rows` high. */
void stc_simctl_describe(const stc_simctl *s, stc_rich *out, int rows);

#endif
