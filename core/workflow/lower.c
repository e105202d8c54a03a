/* lower.c - the front of the workflow compiler: Python statements ->
 * control flow (blocks, if, while, for, try, raise, return, break,
 * continue, loops that continue as new), the same for every back end. The
 * back end (c->be) writes the states of each step. See wf.h and
 * docs/workflow-compiler.md (the translation table). */
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/wf.h"

#define WF_TEXT_MAX 40

void wf_settle(wf_ctx *c)
{
    if (c->be->settle)
        c->be->settle(c);
}

void wf_add_local(wf_ctx *c, const char *name)
{
    if (!name || wf_is_local(c, name))
        return;
    c->locals = stc_xrealloc(c->locals, (c->nlocals + 1) * sizeof *c->locals);
    c->locals[c->nlocals++] = stc_xstrdup(name);
}

static void wf_target_locals(wf_ctx *c, const stc_node *t)
{
    if (!t)
        return;
    if (t->kind == STC_N_NAME)
        wf_add_local(c, t->id);
    else if (t->kind == STC_N_TUPLE || t->kind == STC_N_LIST)
        for (size_t i = 0; i < t->l1.count; i++)
            wf_target_locals(c, t->l1.items[i]);
    else if (t->kind == STC_N_STARRED)
        wf_target_locals(c, t->a);
}

void wf_collect_locals(wf_ctx *c, const stc_list *body)
{
    for (size_t i = 0; i < body->count; i++) {
        const stc_node *s = body->items[i];
        if (!s)
            continue;
        switch (s->kind) {
        case STC_N_ASSIGN:
            for (size_t k = 0; k < s->l1.count; k++)
                wf_target_locals(c, s->l1.items[k]);
            break;
        case STC_N_AUG_ASSIGN:
        case STC_N_ANN_ASSIGN:
        case STC_N_FOR:
        case STC_N_ASYNC_FOR:
            wf_target_locals(c, s->a);
            break;
        case STC_N_TRY:
        case STC_N_TRY_STAR:
            for (size_t k = 0; k < s->l1.count; k++) {
                wf_add_local(c, s->l1.items[k]->id);
                wf_collect_locals(c, &s->l1.items[k]->l0);
            }
            wf_collect_locals(c, &s->l2);
            wf_collect_locals(c, &s->l3);
            break;
        default:
            break;
        }
        if (s->kind == STC_N_IF || s->kind == STC_N_WHILE || s->kind == STC_N_FOR ||
            s->kind == STC_N_TRY || s->kind == STC_N_WITH || s->kind == STC_N_ASYNC_WITH) {
            wf_collect_locals(c, &s->l0);
            if (s->kind != STC_N_TRY && s->kind != STC_N_WITH && s->kind != STC_N_ASYNC_WITH)
                wf_collect_locals(c, &s->l1);
        }
    }
}

bool wf_cond_short_circuit(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f,
                           bool calls)
{
    if (!calls)
        return false;
    if (n->kind == STC_N_UNARY_OP && strcmp(n->id, "not") == 0) {
        c->be->cond(c, n->a, f, t);
        return true;
    }
    if (n->kind != STC_N_BOOL_OP)
        return false;
    bool is_and = strcmp(n->id, "and") == 0;
    for (size_t i = 0; i < n->l1.count; i++) {
        if (!wf_live(c))
            return true;
        if (i + 1 == n->l1.count) {
            c->be->cond(c, n->l1.items[i], t, f);
            return true;
        }
        stc_asl_exits go_on = {0};
        if (is_and)
            c->be->cond(c, n->l1.items[i], &go_on, f);
        else
            c->be->cond(c, n->l1.items[i], t, &go_on);
        stc_asl_exits_move(&c->scope->dangling, &go_on);
        stc_asl_exits_free(&go_on);
    }
    return true;
}

/* ---- return, raise, assert ---- */

static void wf_return(wf_ctx *c, const stc_node *s)
{
    if (c->finally_depth) {
        stc_diag *dg = wf_diag(c, s, WF_E_FINALLY,
                               "'return' inside 'try ... finally' is not supported in a workflow");
        stc_diag_set_hint(dg, "set a variable, leave the try statement, and return after it");
        return;
    }
    c->be->ret(c, s);
}

static void wf_raise(wf_ctx *c, const stc_node *s)
{
    const stc_node *e = s->a;
    if (!e) {
        /* bare raise inside an except block: the exception being handled */
        if (!c->handler_depth) {
            wf_diag(c, s, WF_E_RAISE, "a bare 'raise' re-raises only inside an except block");
            return;
        }
        if (!wf_live(c))
            return;
        c->be->reraise(c);
        return;
    }
    if (e->kind == STC_N_NAME && wf_is_local(c, e->id)) {
        /* raise e, where `except ... as e` bound it */
        c->be->raise_var(c, e->id, s->pos.line);
        return;
    }
    const char *cls = NULL;
    const stc_node *msg = NULL;
    if (e->kind == STC_N_CALL) {
        cls = wf_class_name(e->a);
        if (cls && (e->l1.count > 1 || e->l2.count)) {
            wf_diag(c, e, WF_E_RAISE,
                    "an exception with more than one argument has no single message; pass one "
                    "string");
            return;
        }
        if (cls && e->l1.count == 1)
            msg = e->l1.items[0];
    } else {
        cls = wf_class_name(e);
    }
    if (!cls) {
        char *t = wf_text(c, e, WF_TEXT_MAX);
        wf_diag(c, e, WF_E_RAISE, "'raise %s' has no class name to fail with; write 'raise "
                                  "SomeError(\"message\")'",
                t);
        free(t);
        return;
    }
    char *label = wf_strf("Raise %s", cls);
    c->be->raise_new(c, cls, msg, label, s->pos.line);
    free(label);
}

static void wf_assert(wf_ctx *c, const stc_node *s)
{
    stc_asl_exits t = {0}, f = {0};
    c->cond_label = "Assert";
    c->be->cond(c, s->a, &t, &f);
    c->cond_label = NULL;
    stc_asl_exits_move(&c->scope->dangling, &f);
    c->be->raise_new(c, "AssertionError", s->b, "Raise AssertionError", s->pos.line);
    stc_asl_exits_move(&c->scope->dangling, &t);
    stc_asl_exits_free(&t);
    stc_asl_exits_free(&f);
}

/* ---- if, while, for ---- */

static void wf_if(wf_ctx *c, const stc_node *s)
{
    stc_asl_exits t = {0}, f = {0}, done = {0};
    c->cond_label = "If";
    c->pos = s->a->pos; /* the test's states map to the test, not the whole if */
    c->be->cond(c, s->a, &t, &f);
    c->cond_label = NULL;
    stc_asl_exits_move(&c->scope->dangling, &t);
    if (wf_live(c))
        wf_block(c, &s->l0);
    wf_settle(c);
    stc_asl_exits_move(&done, &c->scope->dangling);
    stc_asl_exits_move(&c->scope->dangling, &f);
    if (wf_live(c))
        wf_block(c, &s->l1);
    wf_settle(c);
    stc_asl_exits_move(&c->scope->dangling, &done);
    stc_asl_exits_free(&t);
    stc_asl_exits_free(&f);
    stc_asl_exits_free(&done);
}

static bool wf_has_sleep(const wf_ctx *c, const stc_node *n)
{
    if (!n)
        return false;
    if (n->kind == STC_N_AWAIT && n->a && n->a->kind == STC_N_CALL) {
        char *q = wf_qualname(c, n->a->a);
        bool r = q && strcmp(q, "asyncio.sleep") == 0;
        free(q);
        if (r)
            return true;
    }
    if (wf_has_sleep(c, n->a) || wf_has_sleep(c, n->b) || wf_has_sleep(c, n->c))
        return true;
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            if (wf_has_sleep(c, ls[k]->items[i]))
                return true;
    return false;
}

static void wf_loop_enter(wf_ctx *c, wf_loop *l)
{
    memset(l, 0, sizeof *l);
    l->outer = c->loop;
    l->finally_depth = c->finally_depth;
    c->loop = l;
}

static void wf_loop_leave(wf_ctx *c, wf_loop *l)
{
    c->loop = l->outer;
    stc_asl_exits_free(&l->brk);
    stc_asl_exits_free(&l->cont);
}

/* A break of the loop being compiled, or a return, anywhere below `n`.
 * `nested`: n sits inside an inner loop's body, whose breaks are its own. */
static bool wf_leaves(const stc_node *n, bool nested)
{
    if (!n)
        return false;
    if (n->kind == STC_N_RETURN)
        return true;
    if (n->kind == STC_N_BREAK)
        return !nested;
    bool loop = n->kind == STC_N_WHILE || n->kind == STC_N_FOR;
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++) {
        /* a loop's body (l0) owns its breaks; its else block (l1) does not */
        bool inner = nested || (loop && k == 0);
        for (size_t i = 0; i < ls[k]->count; i++)
            if (wf_leaves(ls[k]->items[i], inner))
                return true;
    }
    return false;
}

/* ---- while True: running forever (continue-as-new) ---- */

/* A constant Python takes for true: True, a non-zero number, a non-empty string. */
static bool wf_const_truthy(const stc_node *n)
{
    if (!n || n->kind != STC_N_CONSTANT)
        return false;
    switch (n->cval.kind) {
    case STC_CONST_BOOL: return n->cval.bval;
    case STC_CONST_INT: return n->cval.ival != 0;
    case STC_CONST_BIGINT: return true;
    case STC_CONST_FLOAT: return n->cval.fval != 0.0;
    case STC_CONST_STR:
    case STC_CONST_BYTES: return n->slen > 0;
    default: return false;
    }
}

/* `while <true constant>:` with no break of its own and no return inside:
 * nothing but an exception ends it. */
static bool wf_loop_endless(const stc_node *s)
{
    if (s->kind != STC_N_WHILE || !wf_const_truthy(s->a))
        return false;
    for (size_t i = 0; i < s->l0.count; i++)
        if (wf_leaves(s->l0.items[i], false))
            return false;
    return true;
}

/* The statement `await sleep(n)` that becomes a Wait state: a constant of at
 * least one second, or a value (SecondsPath). sleep(0) is no state. */
static bool wf_sleep_stmt(const wf_ctx *c, const stc_node *s)
{
    if (s->kind != STC_N_EXPR || !s->a || s->a->kind != STC_N_AWAIT || !s->a->a ||
        s->a->a->kind != STC_N_CALL)
        return false;
    const stc_node *call = s->a->a;
    char *q = wf_qualname(c, call->a);
    bool sleep = q && strcmp(q, "asyncio.sleep") == 0;
    free(q);
    const stc_node *arg = call->l1.count ? call->l1.items[0]
                          : call->l2.count ? call->l2.items[0]->a
                                           : NULL;
    if (!sleep || !arg)
        return false;
    if (arg->kind != STC_N_CONSTANT)
        return true;
    if (arg->cval.kind == STC_CONST_INT)
        return arg->cval.ival >= 1;
    if (arg->cval.kind == STC_CONST_FLOAT)
        return arg->cval.fval >= 1.0;
    return false;
}

/* Does every path through `body` that goes round the loop again (falls off
 * its end, or reaches a `continue` of the loop) pass an `await sleep(n)`?
 * `slept`: a sleep ran before `body`. Returns the answer for falling off the
 * end (true when no path does); a `continue` reached without a sleep goes to
 * *bad (the first one). Exceptions leave the loop, so `raise` ends a path;
 * a handler may run before the body's sleep, so handlers start from `slept`;
 * an inner loop may run no round, so its body counts for nothing. */
static bool wf_rounds_sleep(const wf_ctx *c, const stc_list *body, bool slept,
                            const stc_node **bad)
{
    for (size_t i = 0; i < body->count; i++) {
        const stc_node *s = body->items[i];
        if (wf_sleep_stmt(c, s)) {
            slept = true;
            continue;
        }
        switch (s->kind) {
        case STC_N_CONTINUE:
            if (!slept && !*bad)
                *bad = s;
            return true;
        case STC_N_RAISE:
        case STC_N_RETURN:
        case STC_N_BREAK:
            return true;
        case STC_N_IF: {
            bool a = wf_rounds_sleep(c, &s->l0, slept, bad);
            bool b = wf_rounds_sleep(c, &s->l1, slept, bad);
            slept = a && b;
            break;
        }
        case STC_N_WHILE:
        case STC_N_FOR:
            if (wf_loop_endless(s))
                return true; /* never falls through */
            /* the else block runs after the loop: its continue is ours */
            wf_rounds_sleep(c, &s->l1, slept, bad);
            break;
        case STC_N_TRY: {
            bool body_ok = wf_rounds_sleep(c, &s->l0, slept, bad);
            body_ok = wf_rounds_sleep(c, &s->l2, body_ok, bad);
            bool all = body_ok;
            for (size_t k = 0; k < s->l1.count; k++)
                all = wf_rounds_sleep(c, &s->l1.items[k]->l0, slept, bad) && all;
            slept = wf_rounds_sleep(c, &s->l3, slept || all, bad);
            break;
        }
        default:
            break;
        }
    }
    return slept;
}

/* A loop that continues as new: endless, and sleeping on every round. */
static bool wf_loop_restarts(const wf_ctx *c, const stc_node *s)
{
    if (!wf_loop_endless(s))
        return false;
    const stc_node *bad = NULL;
    return wf_rounds_sleep(c, &s->l0, false, &bad) && !bad;
}

static bool wf_any_restarts(const wf_ctx *c, const stc_node *n)
{
    if (!n)
        return false;
    if (n->kind == STC_N_WHILE && wf_loop_restarts(c, n))
        return true;
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            if (wf_any_restarts(c, ls[k]->items[i]))
                return true;
    return false;
}

bool wf_method_restarts(const wf_ctx *c, const stc_method *m)
{
    for (size_t i = 0; m && m->body && i < m->body->count; i++)
        if (wf_any_restarts(c, m->body->items[i]))
            return true;
    return false;
}

/* AWS history events of one pass through states [from, to) of the table,
 * each state once: Task 6 (entered, scheduled, started, submitted for a
 * nested execution, succeeded, exited), Parallel 4 and Map 6 (entered,
 * started, one iteration started and succeeded, succeeded, exited) besides
 * their own states, any other state 2 (entered, exited). */
static long wf_events(const stc_workflow *wf, size_t from, size_t to)
{
    long n = 0;
    for (size_t i = from; i < to && i < wf->nstates; i++) {
        const char *t = wf->states[i].type;
        if (strcmp(t, "Task") == 0 || strcmp(t, "Map") == 0)
            n += 6;
        else if (strcmp(t, "Parallel") == 0)
            n += 4;
        else
            n += 2;
    }
    return n;
}

/* while True: ... with a sleep on every round and no way out but an
 * exception: the back end's states around the body (in JSONPath:
 *
 *   Start while True (line L)   Pass   $.sys.loop<K> = {"i": 0}
 *   While True (line L)         Choice i >= bound -> Prepare new execution
 *   Count round (line L)        Pass   i + 1, then the body, back to the head
 *   Prepare new execution (L)   Pass   $.sys.resume = {"at": head, "name": UUID}
 *   Continue as new (line L)    Task   states:startExecution of $$.StateMachine.Id
 *                                      with {"vars", "sys"}; ends the execution
 *
 * ) and, at the machine's start, the resume dispatch. The bound keeps a
 * round's history events, after those before the loop, under
 * WF_FOREVER_EVENTS. */
static void wf_while_forever(wf_ctx *c, const stc_node *s)
{
    wf_scope *sc = c->scope;
    wf_forever fv = {0};
    fv.k = ++c->nloop;
    fv.header = (stc_pos){s->pos.line, s->pos.col, s->a->pos.end_line, s->a->pos.end_col};
    c->pos = fv.header;
    fv.test = wf_text(c, s->a, WF_TEXT_MAX);
    long before = wf_events(c->wf, 0, c->wf->nstates);
    c->be->forever_begin(c, s, &fv);

    size_t body_from = c->wf->nstates;
    wf_loop l;
    wf_loop_enter(c, &l);
    wf_block(c, &s->l0);
    wf_settle(c);
    stc_asl_exits_move(&sc->dangling, &l.cont);
    stc_asl_exits_patch(&sc->dangling, fv.head);
    long round = 4 + wf_events(c->wf, body_from, c->wf->nstates);
    long bound = (WF_FOREVER_EVENTS - before) / round;
    if (bound > WF_FOREVER_ROUNDS)
        bound = WF_FOREVER_ROUNDS;
    if (bound < 1)
        bound = 1;
    c->pos = fv.header;
    c->be->forever_end(c, s, &fv, bound);

    c->restarts = stc_xrealloc(c->restarts, (c->nrestarts + 1) * sizeof *c->restarts);
    c->restarts[c->nrestarts++] = (wf_restart){fv.head, fv.k, fv.header};

    /* Python never runs the else block of an endless loop (STC218 if any) */
    c->pos = s->pos;
    if (s->l1.count)
        wf_block(c, &s->l1);
    wf_loop_leave(c, &l);
    free(fv.test);
}

/* Refuse an endless loop that does not qualify for continue-as-new. Returns
 * true when it was refused. */
static bool wf_forever_refused(wf_ctx *c, const stc_node *s)
{
    const stc_node *bad = NULL;
    bool ok = wf_rounds_sleep(c, &s->l0, false, &bad) && !bad;
    if (!ok) {
        if (!wf_has_sleep(c, s)) {
            stc_diag *dg = wf_diag(c, s, WF_E_FOREVER,
                                   "this loop never waits and never ends; a state machine would "
                                   "spin until it hits the execution history limit");
            stc_diag_set_hint(dg, "add 'await sleep(n)' to poll, or a condition that ends it");
        } else {
            stc_diag *dg = wf_diag(c, bad ? bad : s, WF_E_FOREVER,
                                   bad ? "this 'continue' goes round the endless loop without "
                                         "sleeping; the state machine would spin"
                                       : "a path through this endless loop goes round without "
                                         "'await sleep(n)'; the state machine would spin");
            stc_diag_set_hint(dg, "sleep on every round, e.g. make 'await sleep(n)' the loop's "
                                  "first statement");
        }
        return true;
    }
    const stc_unit_info *u = wf_unit(c, c->method->name);
    if (u && (u->kind == STC_KIND_REST || u->kind == STC_KIND_WEBSOCKET)) {
        stc_diag *dg = wf_diag(c, s, WF_E_FOREVER,
                               "a workflow started by a %s route cannot continue as new: its "
                               "input is the request, which could pose as a continuation",
                               u->kind == STC_KIND_REST ? "HTTP" : "WebSocket");
        stc_diag_set_hint(dg, "run the loop in an internal workflow (_name) started by a schedule "
                              "or event trigger (SERVICE.stc.yaml)");
        return true;
    }
    return false;
}

static void wf_while(wf_ctx *c, const stc_node *s)
{
    if (wf_loop_endless(s)) {
        if (!wf_forever_refused(c, s))
            wf_while_forever(c, s);
        return;
    }
    wf_scope *sc = c->scope;
    wf_settle(c); /* the head is reached from here and from the body's end */
    bool saved_want = sc->want_first;
    const char *saved_first = sc->first_emit;
    sc->want_first = true;
    sc->first_emit = NULL;
    stc_asl_exits t = {0}, f = {0};
    c->cond_label = "While";
    c->pos = s->a->pos;
    c->be->cond(c, s->a, &t, &f);
    c->cond_label = NULL;
    wf_loop l;
    wf_loop_enter(c, &l);
    stc_asl_exits_move(&sc->dangling, &t);
    if (wf_live(c))
        wf_block(c, &s->l0);
    const char *head = sc->first_emit;
    wf_settle(c);
    stc_asl_exits_move(&sc->dangling, &l.cont);
    if (wf_live(c)) {
        if (!head) {
            stc_diag *dg = wf_diag(c, s, WF_E_FOREVER,
                                   "this loop never waits and never ends; a state machine would "
                                   "spin until it hits the execution history limit");
            stc_diag_set_hint(dg, "add 'await sleep(n)' to poll, or a condition that ends it");
            stc_asl_exits_free(&sc->dangling);
        } else {
            stc_asl_exits_patch(&sc->dangling, head);
        }
    }
    sc->want_first = saved_want;
    sc->first_emit = saved_first ? saved_first : (saved_want ? head : NULL);
    /* the condition was false: the else block, then after the loop */
    stc_asl_exits_move(&sc->dangling, &f);
    if (wf_live(c))
        wf_block(c, &s->l1);
    wf_settle(c);
    stc_asl_exits_move(&sc->dangling, &l.brk);
    wf_loop_leave(c, &l);
    stc_asl_exits_free(&t);
    stc_asl_exits_free(&f);
}

static void wf_for(wf_ctx *c, const stc_node *s)
{
    bool tuple = s->a->kind == STC_N_TUPLE || s->a->kind == STC_N_LIST;
    if (tuple && c->be->for_unpacks) {
        for (size_t i = 0; i < s->a->l1.count; i++)
            if (s->a->l1.items[i]->kind != STC_N_NAME) {
                wf_diag(c, s->a->l1.items[i], WF_E_TARGET,
                        "only plain names can be unpacked in a workflow");
                return;
            }
    } else if (s->a->kind != STC_N_NAME) {
        wf_diag(c, s->a, WF_E_TARGET,
                "a workflow's for loop takes one plain name; unpack the item inside the loop");
        return;
    }
    wf_for_loop fl = {0};
    fl.k = ++c->nloop;
    fl.header = (stc_pos){s->pos.line, s->pos.col, s->b->pos.end_line, s->b->pos.end_col};
    c->pos = fl.header;
    fl.text = wf_text(c, s->b, WF_TEXT_MAX);
    c->be->for_begin(c, s, &fl);

    wf_loop l;
    wf_loop_enter(c, &l);
    wf_block(c, &s->l0);
    wf_settle(c);
    stc_asl_exits_move(&c->scope->dangling, &l.cont);
    c->pos = fl.header;
    if (wf_live(c))
        c->be->for_next(c, s, &fl);
    stc_asl_exits_add(&c->scope->dangling, fl.head_state, "Default");
    c->pos = s->pos;
    if (s->l1.count)
        wf_block(c, &s->l1);
    wf_settle(c);
    stc_asl_exits_move(&c->scope->dangling, &l.brk);
    wf_loop_leave(c, &l);
    free(fl.text);
}

static void wf_jump(wf_ctx *c, const stc_node *s, bool is_break)
{
    if (!c->loop)
        return;
    if (c->finally_depth > c->loop->finally_depth) {
        stc_diag *dg = wf_diag(c, s, WF_E_FINALLY,
                               "'%s' out of 'try ... finally' is not supported in a workflow",
                               is_break ? "break" : "continue");
        stc_diag_set_hint(dg, "set a flag and test it after the try statement");
        return;
    }
    wf_settle(c);
    stc_asl_exits_move(is_break ? &c->loop->brk : &c->loop->cont, &c->scope->dangling);
}

/* ---- try ---- */

static bool wf_list_has(const char **names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return true;
    return false;
}

/* Built-in exception classes a handler may name, with their subclasses. */
static const char *const wf_builtin_sub[][2] = {
    {"LookupError", "KeyError"},         {"LookupError", "IndexError"},
    {"ArithmeticError", "ZeroDivisionError"}, {"ArithmeticError", "OverflowError"},
    {"OSError", "ConnectionError"},      {"OSError", "TimeoutError"},
    {"OSError", "FileNotFoundError"},    {"OSError", "PermissionError"},
    {"ConnectionError", "ConnectionResetError"}, {"ConnectionError", "ConnectionRefusedError"},
    {"ValueError", "UnicodeError"},      {"RuntimeError", "NotImplementedError"},
    {"RuntimeError", "RecursionError"},
};

size_t wf_catches(const wf_ctx *c, const char *cls, const char **out, size_t max)
{
    size_t n = 0;
    out[n++] = cls;
    for (size_t i = 0; i < n && n < max; i++) {
        for (size_t k = 0; k < STC_ARRAY_LEN(wf_builtin_sub) && n < max; k++)
            if (strcmp(wf_builtin_sub[k][0], out[i]) == 0 &&
                !wf_list_has(out, n, wf_builtin_sub[k][1]))
                out[n++] = wf_builtin_sub[k][1];
        for (size_t k = 0; k < c->m->nclasses && n < max; k++) {
            const stc_node *def = c->m->classes[k].def;
            for (size_t b = 0; b < def->l1.count; b++) {
                const char *base = wf_class_name(def->l1.items[b]);
                if (base && strcmp(base, out[i]) == 0 &&
                    !wf_list_has(out, n, c->m->classes[k].name))
                    out[n++] = c->m->classes[k].name;
            }
        }
    }
    return n;
}

bool wf_is_catch_all(const char *cls)
{
    return strcmp(cls, "Exception") == 0 || strcmp(cls, "BaseException") == 0;
}

size_t wf_handler_classes(wf_ctx *c, const stc_node *h, const char **names, size_t max,
                          bool *catch_all)
{
    const stc_node *types[32];
    size_t nt = 0, nn = 0;
    *catch_all = false;
    if (!h->a) {
        *catch_all = true;
        return 0;
    }
    if (h->a->kind == STC_N_TUPLE) {
        for (size_t k = 0; k < h->a->l1.count && nt < 32; k++)
            types[nt++] = h->a->l1.items[k];
    } else {
        types[nt++] = h->a;
    }
    for (size_t k = 0; k < nt; k++) {
        const char *cls = wf_class_name(types[k]);
        if (!cls) {
            wf_diag(c, types[k], WF_E_STATEMENT, "an except clause names exception classes");
            continue;
        }
        if (wf_is_catch_all(cls))
            *catch_all = true;
        else
            nn += wf_catches(c, cls, names + nn, max - nn);
    }
    return nn;
}

/* Except? (line N): a Choice with one rule per handler on the raised
 * exception's class (and its known subclasses, the back end's rule); a
 * catch-all is the Default, and without one the Default raises to the next
 * target. entries[i] gets the exits that start handler i (empty when an
 * earlier catch-all makes it unreachable). */
static void wf_dispatch(wf_ctx *c, const stc_node *s, const char *dispatch, stc_asl_exits *entries,
                        size_t nh)
{
    cJSON *ch = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(ch, "Choices");
    bool has_default = false;
    for (size_t i = 0; i < nh; i++) {
        memset(&entries[i], 0, sizeof entries[i]);
        const stc_node *h = s->l1.items[i];
        if (has_default)
            continue;
        const char *names[128];
        bool all = false;
        size_t nn = wf_handler_classes(c, h, names, 128, &all);
        has_default = has_default || all;
        if (has_default) {
            stc_asl_exits_add(&entries[i], ch, "Default");
            continue;
        }
        if (!nn)
            continue;
        cJSON *r = c->be->error_rule(c, names, nn);
        cJSON_AddItemToArray(chs, r);
        stc_asl_exits_add(&entries[i], r, "Next");
    }
    if (!cJSON_GetArraySize(chs)) {
        /* only a catch-all: a Choice needs a rule; jump straight to the handler */
        cJSON_Delete(ch);
        ch = wf_state("Pass");
        for (size_t i = 0; i < nh; i++)
            if (entries[i].count) {
                stc_asl_exits_free(&entries[i]);
                stc_asl_exits_add(&entries[i], ch, "Next");
            }
    } else if (!has_default) {
        stc_asl_add_str(ch, "Default", wf_raise_target(c));
        if (c->be->dispatch_default)
            c->be->dispatch_default(c, ch);
    }
    c->pos = s->l1.items[0]->pos;
    c->pos.end_line = c->pos.line; /* the first except line */
    c->pos.end_col = c->pos.col + 6;
    wf_add(c, ch, dispatch, STC_WF_CALL_NONE, NULL);
}

/* The handlers of a try: the dispatch, then each handler's
 * block (its exits join `out`). */
static void wf_handlers(wf_ctx *c, const stc_node *s, const char *dispatch, stc_asl_exits *out)
{
    stc_asl_exits entries[64];
    size_t nh = s->l1.count < 64 ? s->l1.count : 64;
    memset(entries, 0, sizeof entries);
    wf_dispatch(c, s, dispatch, entries, nh);
    for (size_t i = 0; i < nh; i++) {
        const stc_node *h = s->l1.items[i];
        stc_asl_exits_move(&c->scope->dangling, &entries[i]);
        stc_asl_exits_free(&entries[i]);
        if (!wf_live(c))
            continue;
        c->pos = h->pos;
        if (h->id)
            c->be->bind(c, h);
        c->handler_depth++;
        wf_block(c, &h->l0);
        c->handler_depth--;
        wf_settle(c);
        stc_asl_exits_move(out, &c->scope->dangling);
    }
}

static void wf_try(wf_ctx *c, const stc_node *s)
{
    if (s->kind == STC_N_TRY_STAR) {
        wf_diag(c, s, WF_E_STATEMENT, "'except*' has no state machine equivalent; use 'except'");
        return;
    }
    int k = ++c->nloop;
    wf_errto *outer = c->errto;
    bool *outer_used = c->errto_used;
    bool has_finally = s->l3.count > 0;
    wf_errto fin = {0}, disp = {0};
    bool fin_used = false, disp_used = false;
    if (has_finally) {
        fin.name = wf_name(c, "Finally after error (line %d)", s->pos.line);
        c->errto = &fin;
        c->errto_used = &fin_used;
        c->finally_depth++;
    }
    wf_errto *around = c->errto; /* what raises in handlers and else reach */
    bool *around_used = c->errto_used;
    if (s->l1.count) {
        disp.name = wf_name(c, "Except? (line %d)", s->pos.line);
        c->errto = &disp;
        c->errto_used = &disp_used;
    }
    wf_block(c, &s->l0);
    c->errto = around;
    c->errto_used = around_used;
    if (wf_live(c) && s->l2.count)
        wf_block(c, &s->l2);
    wf_settle(c);
    stc_asl_exits done = {0};
    stc_asl_exits_move(&done, &c->scope->dangling);
    if (s->l1.count && disp_used)
        wf_handlers(c, s, disp.name, &done);
    stc_asl_exits_move(&c->scope->dangling, &done);
    stc_asl_exits_free(&done);
    if (!has_finally)
        return;
    c->errto = outer;
    c->errto_used = outer_used;
    c->finally_depth--;
    if (wf_live(c))
        wf_block(c, &s->l3);
    if (!fin_used)
        return;
    wf_settle(c);
    stc_asl_exits normal = {0};
    stc_asl_exits_move(&normal, &c->scope->dangling);
    c->pos = s->pos;
    c->be->finally_save(c, s, k, fin.name);
    wf_block(c, &s->l3);
    if (wf_live(c))
        c->be->finally_reraise(c, s, k);
    wf_settle(c);
    stc_asl_exits_move(&c->scope->dangling, &normal);
    stc_asl_exits_free(&normal);
}

/* ---- dispatch ---- */

static void wf_refuse_stmt(wf_ctx *c, const stc_node *s, const char *what, const char *hint)
{
    stc_diag *dg = wf_diag(c, s, WF_E_STATEMENT, "'%s' cannot run inside a workflow", what);
    if (hint)
        stc_diag_set_hint(dg, "%s", hint);
}

static void wf_stmt(wf_ctx *c, const stc_node *s)
{
    switch (s->kind) {
    case STC_N_EXPR:
        if (s->a->kind == STC_N_CONSTANT)
            return; /* docstring */
        c->be->expr_stmt(c, s);
        return;
    case STC_N_ASSIGN:
        c->be->assign(c, s);
        return;
    case STC_N_AUG_ASSIGN:
        c->be->aug_assign(c, s);
        return;
    case STC_N_ANN_ASSIGN:
        c->be->ann_assign(c, s);
        return;
    case STC_N_RETURN:
        wf_return(c, s);
        return;
    case STC_N_IF:
        wf_if(c, s);
        return;
    case STC_N_WHILE:
        wf_while(c, s);
        return;
    case STC_N_FOR:
        wf_for(c, s);
        return;
    case STC_N_BREAK:
        wf_jump(c, s, true);
        return;
    case STC_N_CONTINUE:
        wf_jump(c, s, false);
        return;
    case STC_N_PASS:
        return;
    case STC_N_RAISE:
        wf_raise(c, s);
        return;
    case STC_N_ASSERT:
        wf_assert(c, s);
        return;
    case STC_N_TRY:
    case STC_N_TRY_STAR:
        wf_try(c, s);
        return;
    case STC_N_WITH:
    case STC_N_ASYNC_WITH:
        wf_refuse_stmt(c, s, s->kind == STC_N_WITH ? "with" : "async with",
                       "a context manager needs a running process; use it in an internal function");
        return;
    case STC_N_GLOBAL:
    case STC_N_NONLOCAL:
        wf_refuse_stmt(c, s, s->kind == STC_N_GLOBAL ? "global" : "nonlocal",
                       "a state machine has no shared module state; pass values as arguments and "
                       "return results");
        return;
    case STC_N_ASYNC_FOR:
        wf_refuse_stmt(c, s, "async for", "use a plain 'for' over a list");
        return;
    case STC_N_DELETE:
        if (c->be->del)
            c->be->del(c, s);
        else
            wf_refuse_stmt(c, s, "del", "assign a new value instead");
        return;
    case STC_N_IMPORT:
    case STC_N_IMPORT_FROM:
        wf_refuse_stmt(c, s, "import", "import at module level");
        return;
    case STC_N_FUNCTION_DEF:
    case STC_N_ASYNC_FUNCTION_DEF:
    case STC_N_CLASS_DEF:
        wf_refuse_stmt(c, s, s->kind == STC_N_CLASS_DEF ? "class" : "def",
                       "define it at module level or as a method");
        return;
    default: {
        char *t = wf_strf("%s statement", s->py_type ? s->py_type : "this");
        wf_refuse_stmt(c, s, t, NULL);
        free(t);
        return;
    }
    }
}

void wf_block(wf_ctx *c, const stc_list *body)
{
    for (size_t i = 0; i < body->count; i++) {
        const stc_node *s = body->items[i];
        if (!wf_live(c)) {
            if (!(s->kind == STC_N_PASS ||
                  (s->kind == STC_N_EXPR && s->a->kind == STC_N_CONSTANT)))
                wf_diag(c, s, WF_E_UNREACHABLE, "this code can never run");
            return;
        }
        c->ntemp = 0;
        c->pos = s->pos;
        wf_stmt(c, s);
    }
}
