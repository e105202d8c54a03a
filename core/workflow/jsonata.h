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
    wf_type type; /* the value's type when the compiler knows it */
} wj_pend;

/* A call or short-circuit the back end computed before the expression that
 * contains it: the expression reads `text` in its place. */
typedef struct wj_hoisted {
    const stc_node *n;
    char *text;
    wf_type type;
} wj_hoisted;

/* Where Python would raise from an expression (docs/workflow-compiler.md,
 * "Exceptions from expressions"): checked by a Choice rule before the state
 * that evaluates the expression, so that the happy path reads the value as
 * before and the error path raises Python's class. */
typedef struct wj_guard {
    char *cond;        /* JSONata boolean: true when Python raises here */
    char *err;         /* JSONata object {"Error": class, "Cause": str(e)} */
    wj_pend *snap;     /* the assignments Python made before (pending then) */
    size_t nsnap;
    const char *target; /* the try's dispatch it raises to, NULL: the uncaught Fail */
    bool *used;        /* the try's flag that its dispatch is reached */
    wf_scope *scope;   /* the state list it was found in */
} wj_guard;

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
    struct wj_num {
        char *name;
        bool num;       /* every value the local gets is a number */
    } *nums;            /* the answers of wj_num_name, for this machine */
    size_t nnums;
    wj_guard *guards;   /* pending checks, in Python's order of evaluation */
    size_t nguards, capguards;
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

/* Guards (jsonata_expr.c). */
/* Record that Python raises `cls` with str(e) = the JSONata string `cause`
 * when `cond` holds (texts copied). */
void wj_guard_add(wf_ctx *c, const char *cond, const char *cls, const char *cause);
/* The same with the error object as JSONata text (its class chosen at run
 * time). */
void wj_guard_add_obj(wf_ctx *c, const char *cond, const char *err);
/* The guards recorded since `mark` as one, checked only when `when` holds
 * (NULL: always). */
void wj_guard_fold(wf_ctx *c, size_t mark, const char *when);
/* Drop the guards recorded since `mark`. */
void wj_guard_drop(wf_ctx *c, size_t mark);
/* Put the pending guards as the first rules of Choice `ch` (before its own
 * rules), each raising to its target. */
void wj_guard_rules(wf_ctx *c, cJSON *ch);
/* Before a state that is not a Choice: the pending guards as a Choice of
 * their own (the pending assignments stay pending). */
void wj_guard_flush(wf_ctx *c);
/* repr() of a key or value `n` (text v, type t) in a message: a str quoted
 * as repr() does, anything else as str(). */
char *wj_repr_of(wf_ctx *c, const stc_node *n, const char *v, wf_type t);
/* Python's repr() of a value of type t, as JSONata text. */
char *wj_repr(wf_ctx *c, const char *v, wf_type t);

/* jsonata.c */
/* Add a pending assignment var := text (both copied). */
void wj_pend_add(wf_ctx *c, const char *var, const char *text, const stc_node *stmt);
/* The type of a pending variable's value (WF_T_ANY: not known). */
wf_type wj_pend_type(const wf_ctx *c, const char *var);
void wj_pend_set_type(wf_ctx *c, const char *var, wf_type t);
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
