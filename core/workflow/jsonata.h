/* jsonata.h - the JSONata back end's own parts (not a public API):
 *
 *   jsonata.c       statements -> states: assignments carried by the next
 *                   state's Assign, returns as Output, raises, for loops,
 *                   handlers, finally, loops that continue as new, Task,
 *                   Parallel, Map and Wait states, errors normalized in Catch
 *   jsonata_expr.c  expressions -> JSONata text with Python's meaning, the
 *                   calls an expression makes (hoisted into Tasks before
 *                   it), conditions -> Choice states
 *
 * Data layout of a running machine (docs/workflow-compiler.md, "JSONata"):
 * every Python parameter and local is the ASL variable of the same name
 * (read as $name; a name that is also one of JSONata's functions, such as
 * `count`, gets a trailing '_'); the back end's own variables start with
 * "__stc_" (the exception being handled, loop counters, temporaries).
 */
#ifndef STC_WORKFLOW_JSONATA_H
#define STC_WORKFLOW_JSONATA_H

#include "core/workflow/wf.h"

/* An assignment not written yet: the next state that can carry an Assign
 * takes it (consecutive assignments merge into one state). Expressions that
 * read a pending variable inline its text, since every Assign of a state
 * reads the values the state was entered with. */
typedef struct wj_pend {
    char *var;  /* the ASL variable */
    char *text; /* its JSONata expression */
} wj_pend;

/* A call or short-circuit the back end computed before the expression that
 * contains it: the expression reads `text` in its place. */
typedef struct wj_hoisted {
    const stc_node *n;
    char *text;
    wf_type type;
} wj_hoisted;

typedef struct wj_be {
    wj_pend *pend;
    size_t npend, cappend;
    stc_pos ppos;       /* the source range of the pending assignments */
    char *plabel;       /* the state name they would get alone */
    cJSON *start;       /* a detached object: the exit the first state patches */
    int ntmp;           /* temporaries __stc_t<N> of the machine */
    int nblk;           /* block-local names $__b<N> of one expression */
    wj_hoisted *hs;
    size_t nhs, caphs;
    const char *item_var;  /* inside a Map item processor: the item's name */
    struct wj_bound {
        const char *py; /* a lambda parameter or comprehension variable */
        char *text;     /* what reads it: "$__v3", "$__v3[1]" */
    } *bound;
    size_t nbound, capbound;
    int nfn;            /* function parameters $__v<N> of the machine */
    char **aliased;     /* locals that may share a list or dict with another name */
    size_t naliased;
} wj_be;

#define WJ(c) ((wj_be *)(c)->bx)

/* jsonata_expr.c */
/* The ASL variable of a Python name (allocated). */
char *wj_var(const wf_ctx *c, const char *name);
/* A JSON constant as JSONata text (allocated). */
char *wj_json_text(const cJSON *j);
/* Compute, in states before the current one, every call `n` makes (Task,
 * Parallel, Map, Wait) and every and/or/if-else whose later operands call:
 * wj_expr then reads their results. */
void wj_hoist(wf_ctx *c, const stc_node *n);
/* The JSONata text of an expression (allocated); *t its type when known.
 * On error a diagnostic is added and "null" returned. */
char *wj_expr(wf_ctx *c, const stc_node *n, wf_type *t);
/* wj_hoist then wj_expr. */
char *wj_value(wf_ctx *c, const stc_node *n, wf_type *t);
/* Python truthiness of a value (text of type t), as a JSONata boolean. */
char *wj_truthy(wf_ctx *c, const char *v, wf_type t);
/* Python's str() of a value. */
char *wj_str(wf_ctx *c, const char *v, wf_type t);
/* The items `for x in v` goes over: a list's, a dict's keys, a string's
 * characters. */
char *wj_iter_items(wf_ctx *c, const char *v, wf_type t);
/* The text that appends v (of type t) to an array as one item:
 * $append(xs, item). */
char *wj_list_item(wf_ctx *c, const char *v, wf_type t);
/* Does `n` make a call that is a state (a Task, Map, Parallel or Wait)? */
bool wj_has_call(wf_ctx *c, const stc_node *n);
/* Drop what wj_hoist recorded (after each statement). */
void wj_hoist_clear(wf_ctx *c);
void wj_cond(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f);
/* A fresh temporary variable "__stc_t<N>" (allocated). */
char *wj_temp(wf_ctx *c);
/* text as one operand: in parentheses unless it is one already. */
char *wj_paren(const char *text);
/* "{% text %}" (allocated). */
char *wj_wrap(const char *text);

/* jsonata.c */
/* Add a pending assignment var := text (both copied). */
void wj_pend_add(wf_ctx *c, const char *var, const char *text, const stc_node *stmt);
/* The pending text of a variable, or NULL. */
const char *wj_pend_get(const wf_ctx *c, const char *var);
/* Move the pending assignments into st's Assign (created when needed). */
void wj_pend_take(wf_ctx *c, cJSON *st);
/* Write the pending assignments as a Pass of their own (if any and live). */
void wj_settle(wf_ctx *c);
/* A call statement or right-hand side that becomes a Task, Parallel, Map or
 * Wait: true when `n` is one (and emitted it). Its result goes to the
 * variable `var` (NULL: discarded); with `ret` the state's Output ends the
 * machine with it instead. */
bool wj_call_stmt(wf_ctx *c, const stc_node *n, const char *var, bool ret);
/* True when `n` is a call wj_call_stmt takes (a Task, Map, Parallel or Wait). */
bool wj_is_state_call(wf_ctx *c, const stc_node *n);

#endif
