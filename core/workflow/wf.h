/* wf.h - what the workflow compiler's modules share (not a public
 * API): the compile context, expression values, state emission.
 *
 *   driver.c         driver, public API, state emission and names, errors
 *   jsonpath_expr.c  expressions -> paths, intrinsics, templates, Choice rules
 *   lower.c          statements -> states
 *   asl_build.c      ASL JSON helpers
 *
 * Data layout of a running machine (docs/workflow-compiler.md):
 *   $.vars.<name>.value   a Python parameter or local variable
 *   $.sys                 bookkeeping: temporaries t<N>, loops loop<N>, the
 *                         current error, unpacking scratch, the resume
 *                         marker of a continued execution
 */
#ifndef STC_WORKFLOW_INT_H
#define STC_WORKFLOW_INT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/workflow/asl_build.h"
#include "core/diag.h"
#include "core/ir.h"
#include "core/util.h"
#include "core/workflow.h"

enum wf_code {
#define WF_CODE(id, code, what) WF_E_##id,
#include "core/workflow/codes.def"
#undef WF_CODE
};

/* An expression's value, as ASL can carry it. */
typedef enum wf_ev_kind {
    WF_EV_CONST, /* json: a constant */
    WF_EV_PATH,  /* text: a reference path such as $.vars.x.value */
    WF_EV_FN,    /* text: an intrinsic call such as States.MathAdd(...) */
    WF_EV_OBJ,   /* json: a Parameters template object ("k.$" keys) */
} wf_ev_kind;

/* What the compiler knows for sure about a value's Python type. */
typedef enum wf_type {
    WF_T_ANY, WF_T_NONE, WF_T_BOOL, WF_T_NUM, WF_T_STR, WF_T_LIST, WF_T_DICT,
} wf_type;

typedef struct wf_ev {
    wf_ev_kind kind;
    wf_type type;
    cJSON *json;
    char *text;
} wf_ev;

/* Error normalizers (docs: "Errors"): turn an AWS task error into
 * {"Error": class name, "Cause": message} at $.sys.error. */
typedef enum wf_norm_kind {
    WF_NORM_PLAIN,    /* already normalized (Parallel, Map, our own raise) */
    WF_NORM_LAMBDA,   /* lambda:invoke: Cause is the Lambda's error JSON */
    WF_NORM_WORKFLOW, /* startExecution.sync:2: Cause is the execution JSON */
} wf_norm_kind;

typedef struct wf_norm {
    wf_norm_kind kind;
    char *target;
    const char *name;
} wf_norm;

/* A state list: the machine, a Parallel branch or a Map item processor. */
typedef struct wf_scope {
    cJSON *obj;    /* holds StartAt and States */
    cJSON *states;
    cJSON *late;   /* shared error states, moved to the end of States */
    bool started;
    stc_asl_exits dangling; /* exits that lead to the next emitted state */
    const char *fail;       /* the uncaught-exception Fail, once created */
    wf_norm *norms;
    size_t nnorms;
    char *where;            /* name suffix of shared states: "" or " (line 5, branch 2)" */
    bool want_first;        /* record the first state emitted (loop heads) */
    const char *first_emit;
} wf_scope;

/* Where a raised exception goes inside a try: its dispatch Choice or its
 * finally-on-error copy. The state is emitted after the body when `used`. */
typedef struct wf_errto {
    const char *name;
} wf_errto;

typedef struct wf_loop {
    stc_asl_exits brk, cont;
    int finally_depth;
    struct wf_loop *outer;
} wf_loop;

/* A `while True:` loop that continues as new (docs/workflow-compiler.md,
 * "Running forever"): its head and its counter, for the resume dispatch. */
typedef struct wf_restart {
    const char *head;  /* the loop head Choice (a name owned by the context) */
    int loop;          /* N of $.sys.loop<N> */
    stc_pos pos;       /* the `while True` header */
} wf_restart;

/* At most this many rounds per execution of a loop that continues as new,
 * fewer when a round's history events (estimated from its states) times the
 * rounds would pass WF_FOREVER_EVENTS: half of AWS's 25,000-event limit. */
#define WF_FOREVER_ROUNDS 500
#define WF_FOREVER_EVENTS 12500

/* The state names of a machine, for wf_name's uniqueness test: an index of
 * borrowed names, and buffers for the next name. stc_workflows_compile keeps
 * one for all its machines and empties it after each. */
typedef struct wf_name_set {
    stc_name_index index;
    stc_buf raw;   /* where wf_name formats a name */
    stc_buf text;  /* and cleans it */
} wf_name_set;

typedef struct wf_ctx {
    const stc_module *m;
    const stc_method *method;
    const stc_unit_info *units;
    size_t nunits;
    const stc_name_index *unit_index; /* unit method names -> position in units */
    stc_diags *d;
    stc_workflow *wf;
    char **names;      /* every state name of the machine (owned) */
    size_t nnames, capnames;
    wf_name_set *name_set; /* the same names, for the uniqueness test */
    size_t capstates;  /* room in wf->states */
    wf_scope *scope;
    wf_errto *errto;   /* NULL: the scope's uncaught Fail */
    bool *errto_used;
    wf_loop *loop;
    int finally_depth;
    int handler_depth; /* inside except blocks: a bare raise re-raises */
    int ntemp;         /* temporaries of the current statement */
    int nloop;         /* loop and try counters of the machine */
    stc_pos pos;       /* the statement being compiled */
    const char *cond_label; /* "If", "While", ... for the Choice names */
    char **locals;     /* parameters and every name the method assigns */
    size_t nlocals;
    bool capture;      /* collect free variables (Map item processor) */
    char **refs;
    size_t nrefs;
    struct wf_declared {
        const char *name; /* borrowed from the method's IR */
        wf_type type;
    } *types;             /* the declared types of locals, found so far */
    size_t ntypes;
    wf_restart *restarts; /* loops that continue as new, in emission order */
    size_t nrestarts;
    int errors;
} wf_ctx;

/* driver.c: states and names */
/* Append the vsnprintf text to b. %s, %d, %zu, %lld and %% are formatted by hand:
 * the compiler formats names and paths for every state, and glibc's printf
 * machinery cost more than all the rest of a name. Other formats go to
 * vsnprintf. */
void wf_vformat(stc_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* stc_buf_printf and stc_xasprintf through wf_vformat. */
void wf_bprintf(stc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *wf_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
stc_diag *wf_diag(wf_ctx *c, const stc_node *at, enum wf_code code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *wf_code_text(enum wf_code code);
/* A new state {"Type": type}; type is a string literal (see stc_asl_add). */
cJSON *wf_state(const char *type);
/* A unique state name made from a printf text: cleaned, at most 80 characters.
 * The name is owned by the context. */
const char *wf_name(wf_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The source text of a node, whitespace collapsed, at most `max` code points. */
char *wf_text(wf_ctx *c, const stc_node *n, int max);
/* Add a state reached from the dangling exits (emit) or only by name (add). */
const char *wf_emit(wf_ctx *c, cJSON *st, const char *name, stc_wf_call call, const char *callee);
const char *wf_add(wf_ctx *c, cJSON *st, const char *name, stc_wf_call call, const char *callee);
/* Add a state that goes after all others (error plumbing). */
const char *wf_add_late(wf_ctx *c, cJSON *st, const char *name);
/* Move the late states to the end of the scope's States. */
void wf_scope_close(wf_scope *sc);
/* The state falls through: its Next is the next emitted state. */
void wf_then(wf_ctx *c, cJSON *st);
bool wf_live(const wf_ctx *c);
/* Where a state that may fail sends its error (Catch Next), or NULL when no
 * Catch is needed (a PLAIN error outside any try fails the execution as it is). */
const char *wf_err_next(wf_ctx *c, wf_norm_kind kind);
void wf_add_catch(wf_ctx *c, cJSON *st, wf_norm_kind kind);
/* Where a normalized error at $.sys.error goes (a try's dispatch or the Fail). */
const char *wf_raise_target(wf_ctx *c);
/* A new temporary: "$.sys.t<N>" (allocated). */
char *wf_temp(wf_ctx *c);
bool wf_is_local(const wf_ctx *c, const char *name);
const stc_unit_info *wf_unit(const wf_ctx *c, const char *name);

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
/* Compile a condition into jumps: the true and false exits are added to t
 * and f; on return the scope has no dangling exits. */
void wf_cond(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f);
/* A call statement or right-hand side that becomes a Task, Parallel or Map:
 * returns true when `n` is one (and emitted it, storing the result at
 * `slot` or discarding it when slot is NULL). */
bool wf_call_stmt(wf_ctx *c, const stc_node *n, const char *slot, const char *label);
/* `await gather(...)`: a Parallel (or a Map for gather(*[...])). With
 * `targets` (NAME nodes) the results go to $.sys.unpack as {name: {value}}. */
bool wf_parallel(wf_ctx *c, const stc_node *gather, const char *slot, const stc_list *targets);
/* The qualified name a Name or Attribute refers to through the module's
 * imports ("asyncio.sleep"), or NULL. Allocated. */
char *wf_qualname(const wf_ctx *c, const stc_node *n);
/* The string form of a value for a message or cause (States.Format('{}', v)
 * unless it is a string already). */
wf_ev wf_ev_str(wf_ctx *c, wf_ev *ev);

/* lower.c */
void wf_block(wf_ctx *c, const stc_list *body);
void wf_collect_locals(wf_ctx *c, const stc_list *body);
/* True when `m` (a method of c's module) has a `while True:` loop that
 * continues as new: a workflow that never returns. */
bool wf_method_restarts(const wf_ctx *c, const stc_method *m);
/* The resume dispatch at the machine's start, once the body is compiled
 * (nothing when no loop continues as new). */
void wf_resume_dispatch(wf_ctx *c);

#endif
