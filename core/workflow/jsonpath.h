/* jsonpath.h - the JSONPath back end's own parts (not a public API):
 *
 *   jsonpath.c       statements -> states: stores, returns, raises, for
 *                    loops, handlers, finally, endless loops, Task,
 *                    Parallel, Map and Wait states, the error normalizers
 *   jsonpath_expr.c  expressions -> paths, intrinsic functions, Parameters
 *                    templates and Choice rules
 *
 * Data layout of a running machine (docs/workflow-compiler.md):
 *   $.vars.<name>.value   a Python parameter or local variable
 *   $.sys                 bookkeeping: temporaries t<N>, loops loop<N>, the
 *                         current error, unpacking scratch, the resume
 *                         marker of a continued execution
 */
#ifndef STC_WORKFLOW_JSONPATH_H
#define STC_WORKFLOW_JSONPATH_H

#include "core/workflow/wf.h"

/* An expression's value, as ASL can carry it. */
typedef enum wf_ev_kind {
    WF_EV_CONST, /* json: a constant */
    WF_EV_PATH,  /* text: a reference path such as $.vars.x.value */
    WF_EV_FN,    /* text: an intrinsic call such as States.MathAdd(...) */
    WF_EV_OBJ,   /* json: a Parameters template object ("k.$" keys) */
} wf_ev_kind;

typedef struct wf_ev {
    wf_ev_kind kind;
    wf_type type;
    cJSON *json;
    char *text;
} wf_ev;

/* jsonpath_expr.c */
void wf_ev_free(wf_ev *ev);
wf_ev wf_ev_const(cJSON *take);
wf_ev wf_ev_path(char *take, wf_type t);
/* Compile an expression (may emit states before the consumer). On error a
 * diagnostic is added and a null constant returned. */
wf_ev wf_expr(wf_ctx *c, const stc_node *n);
/* Put a value into a Parameters-like object under `key` (consumes ev). */
void wf_ev_put(cJSON *obj, const char *key, wf_ev *ev);
/* The value as a path, through a temporary Pass when needed (consumes ev). */
char *wf_ev_as_path(wf_ctx *c, wf_ev *ev, const char *what);
/* Store a value into a slot ({"value": v} at `slot`, e.g. $.vars.x) with one
 * Pass (consumes ev). */
void wf_store(wf_ctx *c, const char *slot, wf_ev *ev, const char *name);
/* The string form of a value for a message or cause (States.Format('{}', v)
 * unless it is a string already). */
wf_ev wf_ev_str(wf_ctx *c, wf_ev *ev);
void wf_jp_cond(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f);
/* A new temporary: "$.sys.t<N>" (allocated). */
char *wf_temp(wf_ctx *c);

/* jsonpath.c */
/* A call statement or right-hand side that becomes a Task, Parallel or Map:
 * returns true when `n` is one (and emitted it, storing the result at
 * `slot` or discarding it when slot is NULL). */
bool wf_call_stmt(wf_ctx *c, const stc_node *n, const char *slot, const char *label);
/* `await gather(...)`: a Parallel (or a Map for gather(*[...])). With
 * `targets` (NAME nodes) the results go to $.sys.unpack as {name: {value}}. */
bool wf_parallel(wf_ctx *c, const stc_node *gather, const char *slot, const stc_list *targets);

#endif
