/* wf.h - what the workflow compiler's modules share (not a public API):
 * the compile context, state emission and names, the front's analyses, and
 * the table of functions a back end (one per ASL dialect) provides.
 *
 *   driver.c         public API, the driver, state emission and names
 *   lower.c          the front: statements -> control flow (if, while, for,
 *                    try, raise, return, break, continue, endless loops),
 *                    calling the back end for what each dialect writes
 *   types.c          what the front knows of names: imports, module
 *                    constants, declared and literal types, constants as JSON
 *   calls.c          calls of internal functions and workflows: the callee,
 *                    arguments by parameter name, gather and Map shapes
 *   jsonpath*.c      the JSONPath back end (paths, intrinsics, Choice rules)
 *   jsonata*.c       the JSONata back end (variables, expressions, Assign)
 *   asl_build.c      ASL JSON helpers
 *
 * The front owns the order in which states are emitted and named; a back end
 * builds each state's fields. docs/workflow-compiler.md has the translation.
 */
#ifndef STC_WORKFLOW_WF_H
#define STC_WORKFLOW_WF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/diag.h"
#include "core/ir.h"
#include "core/util.h"
#include "core/workflow.h"
#include "core/workflow/asl_build.h"

enum wf_code {
#define WF_CODE(id, code, what) WF_E_##id,
#include "core/workflow/codes.def"
#undef WF_CODE
};

/* What the compiler knows for sure about a value's Python type. */
typedef enum wf_type {
    WF_T_ANY, WF_T_NONE, WF_T_BOOL, WF_T_NUM, WF_T_STR, WF_T_LIST, WF_T_DICT,
} wf_type;

/* Error normalizers (docs: "Errors"): turn an AWS task error into
 * {"Error": class name, "Cause": message}. */
typedef enum wf_norm_kind {
    WF_NORM_PLAIN,    /* already normalized (Parallel, Map, our own raise) */
    WF_NORM_LAMBDA,   /* lambda:invoke: Cause is the Lambda's error JSON */
    WF_NORM_WORKFLOW, /* startExecution.sync:2: Cause is the execution JSON */
} wf_norm_kind;

/* A back end's shared error states of one scope, by kind and target. */
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
    int loop;          /* the loop's number (N of $.sys.loop<N> in JSONPath) */
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

/* A for loop between the back end's hooks: the head Choice the loop goes
 * back to, and what the back end keeps of it. */
typedef struct wf_for_loop {
    int k;              /* the loop's number */
    stc_pos header;     /* `for x in xs` */
    const char *head;   /* the head state's name */
    cJSON *head_state;  /* its Choice: the loop ends through its Default */
    char *text;         /* the iterable's source text (owned) */
} wf_for_loop;

/* A loop that continues as new between the back end's hooks. */
typedef struct wf_forever {
    int k;
    stc_pos header;
    char *test;         /* the test's source text (owned) */
    const char *head;   /* the head Choice */
    const char *prep;   /* "Prepare new execution" */
    const char *task;   /* "Continue as new" */
    cJSON *rule;        /* the head's bound rule */
} wf_forever;

typedef struct wf_ctx wf_ctx;

/* A back end: how one ASL dialect writes what the front lowers. Every hook
 * emits its states through wf_emit/wf_add (so the front's order of states
 * and names holds) and leaves the exits to go on from in the scope's
 * dangling list. */
typedef struct wf_backend {
    const char *name; /* "jsonpath" */
    /* The machine's first states (the execution input -> the parameters). */
    void (*start)(wf_ctx *c);
    /* After the body: return None when it falls off the end, the resume
     * dispatch of loops that continue as new. */
    void (*finish)(wf_ctx *c);
    void (*expr_stmt)(wf_ctx *c, const stc_node *s);
    void (*assign)(wf_ctx *c, const stc_node *s);     /* x = ..., a, b = ..., a = b = ... */
    void (*ann_assign)(wf_ctx *c, const stc_node *s); /* x: T = ... */
    void (*aug_assign)(wf_ctx *c, const stc_node *s); /* x += ... */
    /* `del ...`; NULL: refused (STC201). */
    void (*del)(wf_ctx *c, const stc_node *s);
    /* `return [e]` (the front refused it inside try ... finally). */
    void (*ret)(wf_ctx *c, const stc_node *s);
    /* raise cls(msg) (msg NULL: an empty message), named `label (line N)`. */
    void (*raise_new)(wf_ctx *c, const char *cls, const stc_node *msg, const char *label,
                      int line);
    /* raise e, where `except ... as e` bound e. */
    void (*raise_var)(wf_ctx *c, const char *var, int line);
    /* A bare raise in an except block: the exception being handled again. */
    void (*reraise)(wf_ctx *c);
    /* A condition into jumps: the true and false exits are added to t and
     * f; on return the scope has no dangling exits. */
    void (*cond)(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f);
    /* `for x in xs:` up to the body (fl->head, fl->head_state set), and
     * after it: the step to the next item, back to the head. */
    void (*for_begin)(wf_ctx *c, const stc_node *s, wf_for_loop *fl);
    void (*for_next)(wf_ctx *c, const stc_node *s, wf_for_loop *fl);
    /* A loop that continues as new: its states up to the body (fv->head,
     * prep, task, rule set), and after it with the round bound. */
    void (*forever_begin)(wf_ctx *c, const stc_node *s, wf_forever *fv);
    void (*forever_end)(wf_ctx *c, const stc_node *s, wf_forever *fv, long bound);
    /* The dispatch of a try's handlers is one Choice built in lower.c; the
     * back end gives the rule that matches the raised exception's classes
     * `names` (a new Choice rule), and what the Default that raises on to the
     * next target carries besides it (NULL: nothing). */
    cJSON *(*error_rule)(wf_ctx *c, const char *const *names, size_t nn);
    void (*dispatch_default)(wf_ctx *c, cJSON *choice);
    /* `except E as name`: bind the exception being handled. */
    void (*bind)(wf_ctx *c, const stc_node *h);
    /* finally on the error path: keep the exception (the state named `name`,
     * reached only by name), and raise it again after the block. */
    void (*finally_save)(wf_ctx *c, const stc_node *s, int k, const char *name);
    void (*finally_reraise)(wf_ctx *c, const stc_node *s, int k);
    /* The Fail of an exception nobody catches in the current scope. */
    const char *(*uncaught)(wf_ctx *c);
    /* Before the front moves the dangling exits (a branch ends, a loop jumps
     * back, break, continue): settle what the back end keeps pending. NULL:
     * nothing is ever pending. */
    void (*settle)(wf_ctx *c);
    /* `for a, b in ...`: the back end unpacks a tuple of names itself. */
    bool for_unpacks;
} wf_backend;

extern const wf_backend wf_jsonpath;
extern const wf_backend wf_jsonata;

struct wf_ctx {
    const wf_backend *be;
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
    void *bx;             /* the back end's own state for this machine */
    int errors;
};

/* ---- driver.c: diagnostics, states and names ---- */

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
/* Enter a nested state list (a Parallel branch or a Map item processor)
 * held by `obj`; `where` (taken) is its name suffix. Inside, raises go to
 * the scope's own uncaught Fail. wf_scope_leave restores the outer scope. */
typedef struct wf_scope_save {
    wf_scope *scope;
    wf_errto *errto;
    bool *errto_used;
} wf_scope_save;
void wf_scope_enter(wf_ctx *c, wf_scope *sc, cJSON *obj, char *where, wf_scope_save *save);
void wf_scope_leave(wf_ctx *c, wf_scope *sc, const wf_scope_save *save);
/* The state falls through: its Next is the next emitted state. */
void wf_then(wf_ctx *c, cJSON *st);
bool wf_live(const wf_ctx *c);
/* "Continued?", the machine's first state: a Choice whose Default is the
 * ordinary start; returns its Choices for the back end's rules, one per
 * loop that continues as new. */
cJSON *wf_resume_choice(wf_ctx *c);
/* Where a raised exception goes: the innermost try's dispatch, or the
 * scope's uncaught Fail (the back end's). */
const char *wf_raise_target(wf_ctx *c);
bool wf_is_local(const wf_ctx *c, const char *name);
void wf_add_local(wf_ctx *c, const char *name);
const stc_unit_info *wf_unit(const wf_ctx *c, const char *name);

/* ---- types.c: names, types and constants ---- */

/* The qualified name a Name or Attribute refers to through the module's
 * imports ("asyncio.sleep"), or NULL. Allocated. */
char *wf_qualname(const wf_ctx *c, const stc_node *n);
/* The type of an annotation's text ("list[str]" -> WF_T_LIST). */
wf_type wf_annotation_type(const char *a);
/* The type a name is declared or always assigned with. */
wf_type wf_declared_type(wf_ctx *c, const char *name);
/* A constant as JSON, or NULL with a diagnostic (no exact JSON form). */
cJSON *wf_const_json(wf_ctx *c, const stc_node *n);
/* A module-level `NAME = <literal>`: its value node, or NULL. */
const stc_node *wf_global_value(const wf_ctx *c, const char *name);
/* A literal: constants, negative numbers, lists, tuples and dicts of them. */
bool wf_literal(const stc_node *n);
/* json.dumps(x, separators=(",", ":"), ensure_ascii=False): the compact
 * UTF-8 JSON both dialects write. */
bool wf_json_dumps_compact(const stc_node *call);
/* `self.name(...)` */
bool wf_is_self_call(const wf_ctx *c, const stc_node *n);
/* `self.name` read as a value: reports it (a state machine has no
 * instance) and says true; false for any other attribute. */
bool wf_self_attr_refused(wf_ctx *c, const stc_node *n);
/* An assignment target both back ends take (a name, a tuple or list of
 * them); anything else (d[k] = ..., obj.x = ...) reported, false. */
bool wf_target_ok(wf_ctx *c, const stc_node *t);
/* The class name a raise or an except clause names (E or mod.E), or NULL. */
const char *wf_class_name(const stc_node *n);

/* ---- calls.c: calls of internal functions and workflows ---- */

/* The unit of `self.name(...)` when a workflow may call it; else a
 * diagnostic and NULL. */
const stc_unit_info *wf_callee(wf_ctx *c, const stc_node *call);
/* The arguments of a call by the callee's parameter names: `each` gets
 * every argument that maps onto a parameter, in the call's order;
 * arguments that do not fit get a diagnostic (STC206). */
void wf_call_args(wf_ctx *c, const stc_node *call, const stc_method *callee,
                  void (*each)(wf_ctx *c, void *ud, const char *param, const stc_node *arg),
                  void *ud);
/* A call allowed as a Parallel branch or a Map item: self._fn(...) or an
 * un-awaited self._workflow(...) coroutine; else a diagnostic and NULL. */
const stc_unit_info *wf_item_call(wf_ctx *c, const stc_node *n);
/* `[self._f(x) for x in xs]` (concurrent: inside gather(*...)): the unit
 * called for each item, or NULL after a diagnostic. `nested`: already
 * inside a Map item. */
const stc_unit_info *wf_map_shape(wf_ctx *c, const stc_node *comp, bool concurrent, bool nested);
/* `gather(...)` as a Parallel: the unit of each argument (allocated, count
 * = the arguments), or NULL after a diagnostic. For gather(*[...]) *comp
 * is set and NULL returned without a diagnostic when it is well formed.
 * `ntargets`: names the results go to (0: one value). */
const stc_unit_info **wf_gather_shape(wf_ctx *c, const stc_node *gather, size_t ntargets,
                                      const stc_node **comp, bool *ok);

/* What a statement's call (or right-hand side) is, for the back ends' call
 * statements. */
typedef enum wf_call_kind {
    WF_CALL_NONE,          /* not a call that is a state */
    WF_CALL_DONE,          /* refused: the diagnostic is given */
    WF_CALL_COMPREHENSION, /* [...] / (... for ...): a Map when it calls an internal function */
    WF_CALL_TASK,          /* self._fn(...) or await self._wf(...): *unit */
    WF_CALL_SLEEP,         /* await sleep(n) */
    WF_CALL_GATHER,        /* await gather(...) */
} wf_call_kind;

/* Classify `n`, an expression statement's value or an assignment's right-hand
 * side; *inner is n without its await. Misplaced or missing awaits and bad
 * callees get their diagnostic here (WF_CALL_DONE). */
wf_call_kind wf_call_classify(wf_ctx *c, const stc_node *n, const stc_node **inner,
                              const stc_unit_info **unit);

/* ---- lower.c: the front ---- */

void wf_block(wf_ctx *c, const stc_list *body);
void wf_collect_locals(wf_ctx *c, const stc_list *body);
/* True when `m` (a method of c's module) has a `while True:` loop that
 * continues as new: a workflow that never returns. */
bool wf_method_restarts(const wf_ctx *c, const stc_method *m);
/* Every class name an `except cls` catches: cls and its known subclasses. */
size_t wf_catches(const wf_ctx *c, const char *cls, const char **out, size_t max);
bool wf_is_catch_all(const char *cls);
/* The classes handler `h` (an ExceptHandler) catches, with their known
 * subclasses, into names (at most max); *catch_all for a bare except,
 * Exception or BaseException. A name that is no class gets a diagnostic. */
size_t wf_handler_classes(wf_ctx *c, const stc_node *h, const char **names, size_t max,
                          bool *catch_all);
/* `not a`, `a and b`, `a or b` whose operands call (calls): each operand
 * its own condition through the back end's cond, so that a call happens
 * only when Python would make it. False (nothing done) for anything else. */
bool wf_cond_short_circuit(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f,
                           bool calls);
/* The exits stay where they are; the back end settles what is pending. */
void wf_settle(wf_ctx *c);

#endif
