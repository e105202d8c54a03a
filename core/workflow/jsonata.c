/* jsonata.c - the JSONata back end: statements -> states. Python locals are
 * workflow variables; an assignment waits for the next state that can carry
 * it in its Assign (a Task's, a Choice's, a Pass's), a return is an Output,
 * an error is normalized in the Catch that takes it. See jsonata.h and
 * docs/workflow-compiler.md ("JSONata"). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/jsonata.h"

#define WF_TEXT_MAX 40
/* Inlining pending assignments into later ones of the same state could
 * grow an expression without bound: past this, a diagnostic. */
#define WJ_PEND_MAX 100000

static const char WJ_ERROR[] = "__stc_error";

/* ---- pending assignments ---- */

const char *wj_pend_get(const wf_ctx *c, const char *var)
{
    const wj_be *be = WJ(c);
    for (size_t i = 0; i < be->npend; i++)
        if (strcmp(be->pend[i].var, var) == 0)
            return be->pend[i].text;
    return NULL;
}

wf_type wj_pend_type(const wf_ctx *c, const char *var)
{
    const wj_be *be = WJ(c);
    for (size_t i = 0; i < be->npend; i++)
        if (strcmp(be->pend[i].var, var) == 0)
            return be->pend[i].type;
    return WF_T_ANY;
}

void wj_pend_set_type(wf_ctx *c, const char *var, wf_type t)
{
    wj_be *be = WJ(c);
    for (size_t i = 0; i < be->npend; i++)
        if (strcmp(be->pend[i].var, var) == 0)
            be->pend[i].type = t;
}

void wj_pend_add(wf_ctx *c, const char *var, const char *text, const stc_node *stmt)
{
    wj_be *be = WJ(c);
    if (!wf_live(c))
        return;
    if (strlen(text) > WJ_PEND_MAX) {
        stc_node at = {0};
        at.pos = stmt ? stmt->pos : c->pos;
        wf_diag(c, &at, WF_E_INTERNAL, "this statement's expression grew past %d characters of "
                                       "JSONata; split it into several statements",
                WJ_PEND_MAX);
    }
    for (size_t i = 0; i < be->npend; i++)
        if (strcmp(be->pend[i].var, var) == 0) {
            free(be->pend[i].text);
            be->pend[i].text = stc_xstrdup(text);
            be->pend[i].type = WF_T_ANY;
            goto pos;
        }
    if (be->npend == be->cappend) {
        be->cappend = be->cappend ? be->cappend * 2 : 8;
        be->pend = stc_xrealloc(be->pend, be->cappend * sizeof *be->pend);
    }
    be->pend[be->npend++] = (wj_pend){stc_xstrdup(var), stc_xstrdup(text), WF_T_ANY};
pos:
    if (!stmt)
        return;
    if (!be->plabel) {
        char *t = wf_text(c, stmt, WF_TEXT_MAX);
        be->plabel = wf_strf("%s (line %d)", t, stmt->pos.line);
        free(t);
        be->ppos = stmt->pos;
    } else if (stmt->pos.end_line > be->ppos.end_line ||
               (stmt->pos.end_line == be->ppos.end_line && stmt->pos.end_col > be->ppos.end_col)) {
        be->ppos.end_line = stmt->pos.end_line;
        be->ppos.end_col = stmt->pos.end_col;
    }
}

static void wj_pend_clear(wj_be *be)
{
    for (size_t i = 0; i < be->npend; i++) {
        free(be->pend[i].var);
        free(be->pend[i].text);
    }
    be->npend = 0;
    free(be->plabel);
    be->plabel = NULL;
}

/* The pending assignments into an Assign object (copies). */
static void wj_pend_put(const wj_be *be, cJSON *assign)
{
    for (size_t i = 0; i < be->npend; i++) {
        char *w = wj_wrap(be->pend[i].text);
        cJSON_DeleteItemFromObjectCaseSensitive(assign, be->pend[i].var);
        cJSON_AddStringToObject(assign, be->pend[i].var, w);
        free(w);
    }
}

static cJSON *wj_assign_obj(cJSON *st)
{
    cJSON *a = cJSON_GetObjectItemCaseSensitive(st, "Assign");
    return a ? a : stc_asl_add_obj(st, "Assign");
}

void wj_pend_take(wf_ctx *c, cJSON *st)
{
    wj_be *be = WJ(c);
    cJSON *rules = cJSON_GetObjectItemCaseSensitive(st, "Choices");
    if (be->npend) {
        wj_pend_put(be, wj_assign_obj(st));
        /* a Choice assigns what its matching rule's Assign says (the state's
         * own Assign is the Default's): the same assignments on every path */
        cJSON *r;
        cJSON_ArrayForEach(r, rules) wj_pend_put(be, wj_assign_obj(r));
    }
    wj_pend_clear(be);
    /* a Choice checks first where Python raises (other states: the caller
     * wrote the checks before, wj_guard_flush) */
    if (rules)
        wj_guard_rules(c, st);
}

/* `text` with every variable that `as` (an Assign object) assigns replaced by
 * the expression it is assigned: what the text means after the state that
 * carries `as`, evaluated in that state. String literals and other names
 * are left alone. */
static char *wj_substitute(const char *text, const cJSON *as)
{
    stc_buf b = STC_BUF_INIT;
    for (const char *p = text; *p;) {
        if (*p == '"') {
            const char *q = p + 1;
            while (*q && *q != '"')
                q += (*q == '\\' && q[1]) ? 2 : 1;
            if (*q)
                q++;
            stc_buf_add(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        if (*p == '$') {
            const char *q = p + 1;
            while ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
                   *q == '_')
                q++;
            const cJSON *a = NULL;
            if (q > p + 1) {
                char *name = stc_xstrndup(p + 1, (size_t)(q - p - 1));
                a = cJSON_GetObjectItemCaseSensitive(as, name);
                free(name);
            }
            const char *v = cJSON_GetStringValue(a);
            size_t n = v ? strlen(v) : 0;
            if (n >= 6 && !strncmp(v, "{% ", 3) && !strcmp(v + n - 3, " %}")) {
                char *inner = stc_xstrndup(v + 3, n - 6);
                char *par = wj_paren(inner);
                stc_buf_puts(&b, par);
                free(par);
                free(inner);
                p = q;
                continue;
            }
            stc_buf_add(&b, p, (size_t)(q - p));
            p = q;
            continue;
        }
        stc_buf_putc(&b, *p++);
    }
    return stc_buf_take(&b);
}

/* The state whose Assign can take the pending assignments after it: the
 * only way on is the Next of one Task, Pass, Wait, Map or Parallel, and no
 * pending text reads $states (which would mean that state's own). */
static cJSON *wj_assign_carrier(wf_ctx *c)
{
    const stc_asl_exits *d = &c->scope->dangling;
    const wj_be *be = WJ(c);
    if (d->count != 1 || strcmp(d->items[0].key, "Next") != 0)
        return NULL;
    for (size_t i = 0; i < be->npend; i++)
        if (strstr(be->pend[i].text, "$states"))
            return NULL;
    cJSON *st = d->items[0].obj;
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "Type"));
    static const char *const ok[] = {"Task", "Pass", "Wait", "Map", "Parallel"};
    for (size_t i = 0; type && i < STC_ARRAY_LEN(ok); i++)
        if (!strcmp(type, ok[i]))
            return st;
    return NULL;
}

void wj_settle(wf_ctx *c)
{
    wj_be *be = WJ(c);
    if (!be->npend && !be->nguards) {
        wj_pend_clear(be);
        return;
    }
    if (!wf_live(c)) {
        wj_pend_clear(be);
        wj_guard_drop(c, 0);
        return;
    }
    if (be->nguards) {
        /* where Python may raise: a Choice that checks first, whose Default
         * makes the assignments (as the Pass would) */
        cJSON *ch = wf_state("Choice");
        stc_asl_add_arr(ch, "Choices");
        stc_pos saved = c->pos;
        if (be->plabel)
            c->pos = be->ppos;
        const char *name = be->plabel ? wf_name(c, "%s", be->plabel)
                                      : wf_name(c, "Check line %d", c->pos.line);
        wj_pend_take(c, ch);
        wf_emit(c, ch, name, STC_WF_CALL_NONE, NULL);
        stc_asl_exits_add(&c->scope->dangling, ch, "Default");
        c->pos = saved;
        return;
    }
    cJSON *last = wj_assign_carrier(c);
    if (last) {
        /* the assignments after `last` ride on its own Assign, reading what
         * it assigns through their expressions */
        cJSON *as = wj_assign_obj(last);
        cJSON *orig = cJSON_Duplicate(as, true);
        for (size_t i = 0; i < be->npend; i++) {
            char *t = wj_substitute(be->pend[i].text, orig);
            char *w = wj_wrap(t);
            cJSON_DeleteItemFromObjectCaseSensitive(as, be->pend[i].var);
            cJSON_AddStringToObject(as, be->pend[i].var, w);
            free(w);
            free(t);
        }
        cJSON_Delete(orig);
        wj_pend_clear(be);
        return;
    }
    cJSON *p = wf_state("Pass");
    stc_pos saved = c->pos;
    if (be->plabel)
        c->pos = be->ppos;
    const char *name = wf_name(c, "%s", be->plabel ? be->plabel : "Assign");
    wj_pend_take(c, p);
    wf_emit(c, p, name, STC_WF_CALL_NONE, NULL);
    wf_then(c, p);
    c->pos = saved;
}

static void wj_set_ret(cJSON *st, const char *text)
{
    char *w = wj_wrap(text);
    stc_asl_add_str(st, "Output", w);
    free(w);
    stc_asl_add_bool(st, "End", true);
}

/* A value into a field: a JSON constant as it is, else "{% text %}". */
static void wj_put(cJSON *obj, const char *key, const char *text)
{
    cJSON *j = cJSON_Parse(text);
    bool plain = j && !(cJSON_IsString(j) && strstr(j->valuestring, "{%"));
    if (plain && (cJSON_IsObject(j) || cJSON_IsArray(j))) {
        char *s = cJSON_PrintUnformatted(j);
        plain = !strstr(s, "{%");
        free(s);
    }
    if (plain) {
        cJSON_AddItemToObject(obj, key, j);
        return;
    }
    cJSON_Delete(j);
    char *w = wj_wrap(text);
    cJSON_AddStringToObject(obj, key, w);
    free(w);
}

/* ---- errors ---- */

/* The uncaught-exception Fail of the current scope: it fails with the
 * {"Error", "Cause"} object it is given as input. */
static const char *wj_uncaught(wf_ctx *c)
{
    wf_scope *sc = c->scope;
    if (!sc->fail) {
        cJSON *f = wf_state("Fail");
        stc_asl_add_lit(f, "Error", "{% $states.input.Error %}");
        stc_asl_add_lit(f, "Cause", "{% $states.input.Cause %}");
        sc->fail = wf_add_late(c, f, wf_name(c, "Fail with the exception%s", sc->where));
    }
    return sc->fail;
}

/* $states.errorOutput as {"Error": class, "Cause": message}: a Lambda's
 * Cause is its error JSON, a nested execution's the execution's JSON. */
static const char *wj_norm(wf_norm_kind kind)
{
    switch (kind) {
    case WF_NORM_LAMBDA:
        return "($e := $states.errorOutput; $c := $e.Cause; ($type($c) = \"string\" and "
               "$substring($c, 0, 15) = \"{\\\"errorMessage\\\"\") ? {\"Error\": $e.Error, "
               "\"Cause\": $parse($c).errorMessage} : {\"Error\": $e.Error, \"Cause\": $exists($c) "
               "? $c : \"\"})";
    case WF_NORM_WORKFLOW:
        return "($e := $states.errorOutput; $c := $e.Cause; $d := ($type($c) = \"string\" and "
               "$substring($c, 0, 1) = \"{\") ? $parse($c) : {}; ($type($d.Error) = \"string\" and "
               "$type($d.Cause) = \"string\") ? {\"Error\": $d.Error, \"Cause\": $d.Cause} : "
               "{\"Error\": $e.Error, \"Cause\": $exists($c) ? $c : \"\"})";
    default:
        return "($e := $states.errorOutput; {\"Error\": $e.Error, \"Cause\": $exists($e.Cause) ? "
               "$e.Cause : \"\"})";
    }
}

/* Catch every error: inside a try, keep it in __stc_error (with the pending
 * assignments the state carries) for the handlers' dispatch; outside, hand
 * it to the uncaught Fail as the output. */
static void wj_add_catch(wf_ctx *c, cJSON *st, wf_norm_kind kind)
{
    if (kind == WF_NORM_PLAIN && !c->errto)
        return; /* the execution fails with the branch's own error as it is */
    const char *next = wf_raise_target(c);
    cJSON *catch = stc_asl_add_arr(st, "Catch");
    cJSON *k = cJSON_CreateObject();
    cJSON *eq = stc_asl_add_arr(k, "ErrorEquals");
    cJSON_AddItemToArray(eq, cJSON_CreateString("States.ALL"));
    char *w = wj_wrap(wj_norm(kind));
    if (c->errto) {
        cJSON *as = stc_asl_add_obj(k, "Assign");
        wj_pend_put(WJ(c), as);
        cJSON_AddStringToObject(as, WJ_ERROR, w);
    } else {
        stc_asl_add_str(k, "Output", w);
    }
    free(w);
    stc_asl_add_str(k, "Next", next);
    cJSON_AddItemToArray(catch, k);
}

/* Go to the raise target with the error object `err` (JSONata text): the
 * dispatch of a try reads __stc_error, the uncaught Fail its input. */
static void wj_raise_text(wf_ctx *c, const char *err, const char *label, int line)
{
    wj_guard_flush(c);
    if (!wf_live(c))
        return;
    const char *target = wf_raise_target(c);
    cJSON *p = wf_state("Pass");
    if (c->errto) {
        wj_pend_add(c, WJ_ERROR, err, NULL);
        wj_pend_take(c, p);
    } else {
        wj_pend_take(c, p); /* nobody reads them: the execution fails */
        char *w = wj_wrap(err);
        stc_asl_add_str(p, "Output", w);
        free(w);
    }
    wf_emit(c, p, wf_name(c, "%s (line %d)", label, line), STC_WF_CALL_NONE, NULL);
    stc_asl_add_str(p, "Next", target);
}

static void wj_raise_new(wf_ctx *c, const char *cls, const stc_node *msg, const char *label,
                         int line)
{
    char *cause = stc_xstrdup("\"\"");
    if (msg) {
        free(cause);
        wf_type t = WF_T_ANY;
        char *v = wj_value(c, msg, &t);
        cause = wj_str(c, v, t);
        free(v);
    }
    if (!wf_live(c)) {
        free(cause);
        return;
    }
    cJSON *tmp = cJSON_CreateString(cls);
    char *q = cJSON_PrintUnformatted(tmp);
    cJSON_Delete(tmp);
    if (!c->errto) {
        /* nobody catches it: fail right here */
        wj_guard_flush(c);
        cJSON *f = wf_state("Fail");
        stc_asl_add_str(f, "Error", cls);
        char *w = wj_wrap(cause);
        stc_asl_add_str(f, "Cause", w);
        free(w);
        wj_pend_clear(WJ(c));
        wf_emit(c, f, wf_name(c, "%s (line %d)", label, line), STC_WF_CALL_NONE, NULL);
    } else {
        char *err = wf_strf("{\"Error\": %s, \"Cause\": %s}", q, cause);
        wj_raise_text(c, err, label, line);
        free(err);
    }
    free(q);
    free(cause);
}

static void wj_raise_var(wf_ctx *c, const char *var, int line)
{
    char *v = wj_var(c, var);
    const char *p = wj_pend_get(c, v);
    char *ref = p ? wj_paren(p) : wf_strf("$%s", v);
    char *label = wf_strf("Raise %s again", var);
    wj_raise_text(c, ref, label, line);
    free(label);
    free(ref);
    free(v);
}

static void wj_reraise(wf_ctx *c)
{
    const char *p = wj_pend_get(c, WJ_ERROR);
    char *ref = p ? wj_paren(p) : wf_strf("$%s", WJ_ERROR);
    wj_raise_text(c, ref, "Raise again", c->pos.line);
    free(ref);
}

/* ---- the machine's start and end ---- */

static void wj_scan_aliases(wf_ctx *c, const stc_node *n);

static void wj_start(wf_ctx *c)
{
    wj_be *be = WJ(c);
    be->start = cJSON_CreateObject();
    /* the first state emitted is where the machine starts: a detached exit
     * stands for "the machine's start" until then */
    stc_asl_exits_add(&c->scope->dangling, be->start, "Next");
    const stc_method *mt = c->method;
    bool restarts = wf_method_restarts(c, mt);
    for (size_t i = 0; i < c->nlocals; i++)
        if (strncmp(c->locals[i], "__stc", 5) == 0) {
            stc_node at = {0};
            at.pos = mt->pos;
            wf_diag(c, &at, WF_E_TARGET, "names starting with '__stc' are the compiler's own "
                                         "variables; rename '%s'",
                    c->locals[i]);
        }
    for (size_t i = 0; i < mt->nparams; i++) {
        const stc_param *p = &mt->params[i];
        stc_node at = {0};
        at.pos = p->pos;
        if (p->vararg || p->kwarg) {
            wf_diag(c, &at, WF_E_PARAMETER,
                    "'%s%s' cannot come from a workflow's input; the input is a JSON object of named "
                    "parameters",
                    p->vararg ? "*" : "**", p->name);
            continue;
        }
        if (restarts && strcmp(p->name, "resume") == 0) {
            /* a continued execution's input is {"vars": ..., "resume": head} */
            stc_diag *dg = wf_diag(c, &at, WF_E_PARAMETER,
                                   "a workflow that continues as new reads 'resume' of its input "
                                   "as the continuation; a parameter cannot be named 'resume'");
            stc_diag_set_hint(dg, "rename the parameter");
            continue;
        }
        if (!stc_asl_plain_key(p->name)) {
            wf_diag(c, &at, WF_E_PARAMETER,
                    "parameter '%s' cannot be a workflow variable; use ASCII letters, digits and "
                    "'_'",
                    p->name);
            continue;
        }
        char *in = wf_strf("$states.input.%s", p->name);
        char *text;
        if (p->default_node) {
            if (!wf_literal(p->default_node)) {
                wf_diag(c, p->default_node, WF_E_PARAMETER,
                        "the default of '%s' must be a constant in a workflow", p->name);
                free(in);
                continue;
            }
            char *d = wj_expr(c, p->default_node, NULL);
            text = wf_strf("$exists(%s) ? %s : %s", in, in, d);
            free(d);
        } else {
            text = stc_xstrdup(in);
        }
        char *v = wj_var(c, p->name);
        wj_pend_add(c, v, text, NULL);
        free(v);
        free(text);
        free(in);
    }
    free(be->plabel);
    be->plabel = wf_strf("Start %s", mt->name);
    be->ppos = mt->name_pos.line ? mt->name_pos : mt->pos;
    for (size_t i = 0; mt->body && i < mt->body->count; i++)
        wj_scan_aliases(c, mt->body->items[i]);
    if (restarts)
        wj_settle(c); /* the resume dispatch goes round the parameters */
}

static void wj_resume_dispatch(wf_ctx *c);

static void wj_finish(wf_ctx *c)
{
    wj_guard_flush(c);
    if (wf_live(c)) {
        wj_be *be = WJ(c);
        cJSON *ret = wf_state("Pass");
        wj_pend_clear(be);
        stc_asl_add_lit(ret, "Output", "{% null %}");
        stc_asl_add_bool(ret, "End", true);
        c->pos = c->method->name_pos.line ? c->method->name_pos : c->method->pos;
        wf_emit(c, ret, wf_name(c, "Return None (end of %s)", c->method->name),
                STC_WF_CALL_NONE, NULL);
    }
    wj_resume_dispatch(c);
    wj_be *be = WJ(c);
    cJSON_Delete(be->start);
    be->start = NULL;
    wj_pend_clear(be);
    free(be->pend);
    wj_hoist_clear(c);
    free(be->hs);
    wj_guard_drop(c, 0);
    free(be->guards);
    for (size_t i = 0; i < be->nnums; i++)
        free(be->nums[i].name);
    free(be->nums);
    for (size_t i = 0; i < be->naliased; i++)
        free(be->aliased[i]);
    free(be->aliased);
    free(be->bound);
}


/* ---- mutation as rebinding ---- */

static bool wj_is_aliased(const wf_ctx *c, const char *name)
{
    const wj_be *be = WJ(c);
    for (size_t i = 0; i < be->naliased; i++)
        if (strcmp(be->aliased[i], name) == 0)
            return true;
    return false;
}

static void wj_mark_alias(wf_ctx *c, const stc_node *n)
{
    if (!n || n->kind != STC_N_NAME || !wf_is_local(c, n->id) || wj_is_aliased(c, n->id))
        return;
    wj_be *be = WJ(c);
    be->aliased = stc_xrealloc(be->aliased, (be->naliased + 1) * sizeof *be->aliased);
    be->aliased[be->naliased++] = stc_xstrdup(n->id);
}

static void wj_mark_targets(wf_ctx *c, const stc_node *t)
{
    if (t->kind == STC_N_TUPLE || t->kind == STC_N_LIST)
        for (size_t i = 0; i < t->l1.count; i++)
            wj_mark_targets(c, t->l1.items[i]);
    else
        wj_mark_alias(c, t);
}

/* The base name of x, x[k], x.a, x[k][j]. */
static const stc_node *wj_base(const stc_node *n)
{
    while (n && (n->kind == STC_N_SUBSCRIPT || n->kind == STC_N_ATTRIBUTE))
        n = n->a;
    return n;
}

/* Names whose list or dict Python would share with another name: assigned
 * from a name or from a part of a container (or shared with it), chained
 * targets, for loop targets, names inside a list or dict display stored under
 * a name. Changing
 * one of them in place is refused: the machine rebinds one name only. */
static void wj_scan_aliases(wf_ctx *c, const stc_node *n)
{
    if (!n)
        return;
    switch (n->kind) {
    case STC_N_ASSIGN:
    case STC_N_ANN_ASSIGN: {
        const stc_node *v = n->kind == STC_N_ASSIGN ? n->a : n->c;
        bool shares = v && (v->kind == STC_N_NAME || v->kind == STC_N_SUBSCRIPT ||
                            v->kind == STC_N_ATTRIBUTE ||
                            (v->kind == STC_N_CALL && v->a->kind == STC_N_ATTRIBUTE &&
                             strcmp(v->a->id, "get") == 0));
        if (v && (v->kind == STC_N_LIST || v->kind == STC_N_TUPLE || v->kind == STC_N_DICT)) {
            /* a display stored under a name holds the names inside it */
            const stc_list *els = v->kind == STC_N_DICT ? &v->l2 : &v->l1;
            for (size_t i = 0; i < els->count; i++)
                wj_mark_alias(c, els->items[i]);
        }
        if (shares || (n->kind == STC_N_ASSIGN && n->l1.count > 1)) {
            if (n->kind == STC_N_ASSIGN)
                for (size_t i = 0; i < n->l1.count; i++)
                    wj_mark_targets(c, n->l1.items[i]);
            else
                wj_mark_targets(c, n->a);
            if (v)
                wj_mark_alias(c, v->kind == STC_N_CALL ? wj_base(v->a->a) : wj_base(v));
        }
        break;
    }
    case STC_N_FOR:
        wj_mark_targets(c, n->a);
        break;
    default:
        break;
    }
    wj_scan_aliases(c, n->a);
    wj_scan_aliases(c, n->b);
    wj_scan_aliases(c, n->c);
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            wj_scan_aliases(c, ls[k]->items[i]);
}

/* May `name` be changed in place? Else a diagnostic at `at`. */
static bool wj_mutable(wf_ctx *c, const stc_node *target, const stc_node *at)
{
    if (target->kind != STC_N_NAME || !wf_is_local(c, target->id)) {
        char *t = wf_text(c, at, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, at, WF_E_TARGET,
                               "'%s' changes a value that is not a local variable; a workflow "
                               "changes lists and dicts by rebinding a name",
                               t);
        stc_diag_set_hint(dg, "change a local name, e.g. d[k] = v or xs.append(x) on a local d, xs");
        free(t);
        return false;
    }
    if (wj_is_aliased(c, target->id)) {
        char *t = wf_text(c, at, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, at, WF_E_TARGET,
                               "'%s' changes '%s' in place, but '%s' may share its list or dict "
                               "with another name; the state machine rebinds '%s' alone, so the "
                               "other name would keep the old value",
                               t, target->id, target->id, target->id);
        stc_diag_set_hint(dg, "make a copy where the value is shared (list(xs), dict(d)), or build "
                              "a new value: xs = xs + [x], d = {**d, k: v}");
        free(t);
        return false;
    }
    return true;
}

/* c[k] where c (text o) is a list or a dict: IndexError (its cause the
 * JSONata text `index_cause`, which may read the list as $__c) for an index
 * out of range, KeyError (repr(k)) for a missing key. */
static void wj_guard_index_or_key(wf_ctx *c, const char *o, const char *k, const char *rk,
                                  const char *index_cause)
{
    char *cond = wf_strf("($__c := %s; $__k := %s; $type($__c) = \"array\" ? ($__k >= $count($__c) "
                         "or $__k < -$count($__c)) : $not($exists($lookup($__c, $__k))))",
                         o, k);
    char *err = wf_strf("($__c := %s; $type($__c) = \"array\" ? {\"Error\": \"IndexError\", \"Cause\": "
                        "%s} : {\"Error\": \"KeyError\", \"Cause\": %s})",
                        o, index_cause, rk);
    wj_guard_add_obj(c, cond, err);
    free(cond);
    free(err);
}

/* Unpacking the sequence `seq` into n names: ValueError when its length
 * differs; checked only when `when` holds (NULL: always). */
static void wj_guard_unpack(wf_ctx *c, const char *when, const char *seq, size_t n)
{
    char *cond = wf_strf("(%s%s($__u := %s; $type($__u) = \"array\" and $count($__u) != %zu))",
                         when ? when : "", when ? " and " : "", seq, n);
    char *err = wf_strf("($__u := %s; {\"Error\": \"ValueError\", \"Cause\": $count($__u) > %zu ? "
                        "\"too many values to unpack (expected %zu)\" : \"not enough values to "
                        "unpack (expected %zu, got \" & $string($count($__u)) & \")\"})",
                        seq, n, n, n);
    wj_guard_add_obj(c, cond, err);
    free(cond);
    free(err);
}

/* What xs.pop([i]) / d.pop(k[, default]) leaves in the container (text o),
 * with the guards of what Python raises: IndexError for an empty list or an
 * index out of range, KeyError for a missing key without a default. */
static char *wj_pop_rest(wf_ctx *c, const stc_node *call, const char *o, const char *a0,
                         wf_type t0)
{
    size_t na = call->l1.count;
    static const char keep[] = "$append($a, $type($v) = \"array\" ? [[$v]] : [$v])";
    if (na == 0) {
        char *cond = wf_strf("($count(%s) = 0)", o);
        wj_guard_add(c, cond, "IndexError", "\"pop from empty list\"");
        free(cond);
        return wf_strf("($__l := %s; $reduce($__l, function($a, $v, $k) { $k = $count($__l) - 1 ? "
                       "$a : %s }, []))",
                       o, keep);
    }
    if (na == 1) {
        char *rk = wj_repr_of(c, call->l1.items[0], a0, t0);
        wj_guard_index_or_key(c, o, a0, rk,
                              "$count($__c) = 0 ? \"pop from empty list\" : \"pop index out of "
                              "range\"");
        free(rk);
    }
    return wf_strf("($__c := %s; $__k := %s; $type($__c) = \"array\" ? ($__i := $__k < 0 ? $__k + "
                   "$count($__c) : $__k; $reduce($__c, function($a, $v, $k) { $k = $__i ? $a : %s }, "
                   "[])) : ($__r := $sift($__c, function($v, $k) { $k != $__k }); $exists($__r) ? "
                   "$__r : {}))",
                   o, a0, keep);
}

/* xs.append(x), xs.extend(ys), xs.insert(i, x), d.update(o), d.pop(k),
 * d.clear(), xs.clear() as statements: the name gets a new value. */
static bool wj_mutating_call(wf_ctx *c, const stc_node *s)
{
    const stc_node *n = s->a;
    if (n->kind != STC_N_CALL || n->a->kind != STC_N_ATTRIBUTE || n->a->a->kind != STC_N_NAME ||
        !wf_is_local(c, n->a->a->id) || n->l2.count)
        return false;
    const char *m = n->a->id;
    static const char *const names[] = {"append", "extend", "insert", "update", "pop", "clear",
                                        "remove"};
    size_t k = 0;
    while (k < STC_ARRAY_LEN(names) && strcmp(names[k], m) != 0)
        k++;
    if (k == STC_ARRAY_LEN(names))
        return false;
    size_t want = !strcmp(m, "insert") ? 2 : !strcmp(m, "clear") ? 0 : 1;
    if (!strcmp(m, "pop") && n->l1.count <= 2)
        want = n->l1.count; /* xs.pop(), xs.pop(i), d.pop(k), d.pop(k, default) */
    if (n->l1.count != want) {
        wf_diag(c, n, WF_E_CALL, "'.%s(...)' takes %zu argument%s here", m, want,
                want == 1 ? "" : "s");
        return true;
    }
    if (!wj_mutable(c, n->a->a, n))
        return true;
    wj_hoist(c, n);
    if (!wf_live(c))
        return true;
    char *var = wj_var(c, n->a->a->id);
    wf_type to = WF_T_ANY;
    char *o = wj_expr(c, n->a->a, &to);
    wf_type t0 = WF_T_ANY;
    char *a0 = want ? wj_expr(c, n->l1.items[0], &t0) : NULL;
    char *a1 = want > 1 ? wj_expr(c, n->l1.items[1], NULL) : NULL;
    char *r = NULL;
    if (!strcmp(m, "append")) {
        char *item = wj_list_item(c, a0, t0);
        r = wf_strf("$append(%s, %s)", o, item);
        free(item);
    } else if (!strcmp(m, "extend")) {
        char *items = wj_iter_items(c, a0, t0);
        r = wf_strf("$append(%s, %s)", o, items);
        free(items);
    } else if (!strcmp(m, "insert")) {
        /* at i (negative from the end, clamped), as list.insert */
        char *item = wj_list_item(c, a1, WF_T_ANY);
        r = wf_strf("($__l := %s; $__n := $count($__l); $__i := %s; $__i := $__i < 0 ? "
                    "$max([$__i + $__n, 0]) : $min([$__i, $__n]); $append($append($__i > 0 ? "
                    "$reduce([0..$__i - 1], function($a, $k) { $append($a, $type($__l[$k]) = "
                    "\"array\" ? [[$__l[$k]]] : [$__l[$k]]) }, []) : [], %s), $__i < $__n ? "
                    "$reduce([$__i..$__n - 1], function($a, $k) { $append($a, $type($__l[$k]) = "
                    "\"array\" ? [[$__l[$k]]] : [$__l[$k]]) }, []) : []))",
                    o, a0, item);
        free(item);
    } else if (!strcmp(m, "update")) {
        r = wf_strf("$merge([%s, %s])", o, a0);
    } else if (!strcmp(m, "pop")) {
        r = wj_pop_rest(c, n, o, a0, t0);
    } else if (!strcmp(m, "remove")) {
        /* xs.remove(x): without the first equal item */
        char *cond = wf_strf("($__l := %s; $__x := %s; $count($filter($__l, function($v) { $v = $__x "
                             "})) = 0)",
                             o, a0);
        wj_guard_add(c, cond, "ValueError", "\"list.remove(x): x not in list\"");
        free(cond);
        r = wf_strf("($__l := %s; $__x := %s; $__i := $reduce($__l, function($a, $v, $k) { $a < 0 "
                    "and $v = $__x ? $k : $a }, -1); $reduce($__l, function($a, $v, $k) { $k = $__i ? "
                    "$a : $append($a, $type($v) = \"array\" ? [[$v]] : [$v]) }, []))",
                    o, a0);
    } else if (!strcmp(m, "clear")) {
        r = wf_strf("($type(%s) = \"object\" ? {} : [])", o);
    }
    wj_pend_add(c, var, r, s);
    free(r);
    free(var);
    free(o);
    free(a0);
    free(a1);
    return true;
}

/* d[k] = v (a dict key, or a list index: negative from the end). */
static void wj_set_item(wf_ctx *c, const stc_node *target, const stc_node *value,
                        const stc_node *s)
{
    const stc_node *base = target->a;
    if (target->b->kind == STC_N_SLICE || !wj_mutable(c, base, target))
        return;
    wj_hoist(c, value);
    wj_hoist(c, target->b);
    if (!wf_live(c))
        return;
    char *var = wj_var(c, base->id);
    char *o = wj_expr(c, base, NULL);
    char *k = wj_expr(c, target->b, NULL);
    wf_type tv = WF_T_ANY;
    char *v = wj_expr(c, value, &tv);
    char *cond = wf_strf("($__c := %s; $__k := %s; $type($__c) = \"array\" and ($__k >= "
                         "$count($__c) or $__k < -$count($__c)))",
                         o, k);
    wj_guard_add(c, cond, "IndexError", "\"list assignment index out of range\"");
    free(cond);
    char *item = wj_list_item(c, "$__v", tv);
    char *r = wf_strf("($__c := %s; $__k := %s; $__v := %s; $type($__c) = \"array\" ? ($__i := "
                      "$__k < 0 ? $__k + $count($__c) : $__k; $reduce($__c, function($a, $x, $j) { "
                      "$append($a, $j = $__i ? %s : ($type($x) = \"array\" ? [[$x]] : [$x])) }, "
                      "[])) : $merge([$__c, {$__k: $__v}]))",
                      o, k, v, item);
    wj_pend_add(c, var, r, s);
    free(r);
    free(item);
    free(v);
    free(k);
    free(o);
    free(var);
}

/* del d[k], del xs[i] */
static void wj_del(wf_ctx *c, const stc_node *s)
{
    for (size_t i = 0; i < s->l1.count; i++) {
        const stc_node *t = s->l1.items[i];
        if (t->kind != STC_N_SUBSCRIPT || t->b->kind == STC_N_SLICE) {
            stc_diag *dg = wf_diag(c, t, WF_E_STATEMENT,
                                   "'del' of a name or a slice cannot run inside a workflow");
            stc_diag_set_hint(dg, "del d[key] and del xs[i] work; assign a new value instead");
            continue;
        }
        if (!wj_mutable(c, t->a, t))
            continue;
        char *var = wj_var(c, t->a->id);
        char *o = wj_expr(c, t->a, NULL);
        wf_type tk = WF_T_ANY;
        char *k = wj_expr(c, t->b, &tk);
        char *rk = wj_repr_of(c, t->b, k, tk);
        wj_guard_index_or_key(c, o, k, rk, "\"list assignment index out of range\"");
        free(rk);
        char *r = wf_strf("($__c := %s; $__k := %s; $type($__c) = \"array\" ? ($__i := $__k < 0 ? "
                          "$__k + $count($__c) : $__k; $reduce($__c, function($a, $x, $j) { $j = "
                          "$__i ? $a : $append($a, $type($x) = \"array\" ? [[$x]] : [$x]) }, [])) : "
                          "($__r := $sift($__c, function($v, $kk) { $kk != $__k }); $exists($__r) ? "
                          "$__r : {}))",
                          o, k);
        wj_pend_add(c, var, r, s);
        free(r);
        free(k);
        free(o);
        free(var);
    }
    wj_hoist_clear(c);
}

/* ---- assignments ---- */

/* x = xs.pop([i]) / x = d.pop(k[, default]): x gets the item, the
 * container the rest. False when `value` is no such call. */
static bool wj_assign_pop(wf_ctx *c, const char *var, const stc_node *value, const stc_node *stmt)
{
    if (value->kind != STC_N_CALL || value->a->kind != STC_N_ATTRIBUTE ||
        strcmp(value->a->id, "pop") != 0 || value->a->a->kind != STC_N_NAME ||
        !wf_is_local(c, value->a->a->id) || value->l1.count > 2 || value->l2.count)
        return false;
    const stc_node *base = value->a->a;
    if (!wj_mutable(c, base, value))
        return true;
    wj_hoist(c, value);
    if (!wf_live(c))
        return true;
    size_t na = value->l1.count;
    char *o = wj_expr(c, base, NULL);
    wf_type t0 = WF_T_ANY;
    char *a0 = na > 0 ? wj_expr(c, value->l1.items[0], &t0) : NULL;
    char *a1 = na > 1 ? wj_expr(c, value->l1.items[1], NULL) : NULL;
    char *rest = wj_pop_rest(c, value, o, a0, t0);
    char *item = na == 0 ? wf_strf("($__l := %s; $__l[$count($__l) - 1])", o)
                 : na == 1
                     ? wf_strf("($__c := %s; $__k := %s; $type($__c) = \"array\" ? $__c[$__k < 0 ? "
                               "$__k + $count($__c) : $__k] : $lookup($__c, $__k))",
                               o, a0)
                     : wf_strf("($__c := %s; $__k := %s; $exists($lookup($__c, $__k)) ? "
                               "$lookup($__c, $__k) : %s)",
                               o, a0, a1);
    char *cv = wj_var(c, base->id);
    wj_pend_add(c, cv, rest, stmt);
    wj_pend_add(c, var, item, stmt);
    free(cv);
    free(item);
    free(rest);
    free(o);
    free(a0);
    free(a1);
    return true;
}

static void wj_assign_name(wf_ctx *c, const stc_node *target, const stc_node *value,
                           const stc_node *stmt)
{
    char *v = wj_var(c, target->id);
    if (wj_assign_pop(c, v, value, stmt)) {
        free(v);
        return;
    }
    if (!wj_call_stmt(c, value, v, false)) {
        wf_type t;
        char *e = wj_value(c, value, &t);
        wj_pend_add(c, v, e, stmt);
        wj_pend_set_type(c, v, t);
        free(e);
    }
    free(v);
}

static bool wj_gather_targets(wf_ctx *c, const stc_node *value, const stc_list *ts);

static void wj_assign_tuple(wf_ctx *c, const stc_node *target, const stc_node *value,
                            const stc_node *stmt)
{
    const stc_list *ts = &target->l1;
    for (size_t i = 0; i < ts->count; i++) {
        if (ts->items[i]->kind != STC_N_NAME) {
            wf_diag(c, ts->items[i], WF_E_TARGET, "only plain names can be unpacked in a workflow");
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(ts->items[k]->id, ts->items[i]->id) == 0) {
                wf_diag(c, ts->items[i], WF_E_TARGET, "'%s' is assigned twice in one unpacking",
                        ts->items[i]->id);
                return;
            }
    }
    if (wj_gather_targets(c, value, ts))
        return;
    if ((value->kind == STC_N_TUPLE || value->kind == STC_N_LIST) && value->l1.count != ts->count) {
        wf_diag(c, value, WF_E_TARGET, "%zu names for %zu values", ts->count, value->l1.count);
        return;
    }
    if (value->kind == STC_N_TUPLE || value->kind == STC_N_LIST) {
        /* every right-hand side is read before any name is bound */
        wj_hoist(c, value);
        char **vs = stc_xcalloc(ts->count, sizeof *vs);
        for (size_t i = 0; i < ts->count; i++)
            vs[i] = wj_expr(c, value->l1.items[i], NULL);
        for (size_t i = 0; i < ts->count; i++) {
            char *v = wj_var(c, ts->items[i]->id);
            wj_pend_add(c, v, vs[i], stmt);
            free(v);
            free(vs[i]);
        }
        free(vs);
        return;
    }
    char *e = wj_value(c, value, NULL);
    /* ValueError when the count differs, as Python unpacks */
    wj_guard_unpack(c, NULL, e, ts->count);
    /* the sequence once in a temporary, then its items */
    char *tmp = wj_temp(c);
    wj_pend_add(c, tmp, e, stmt);
    free(e);
    for (size_t i = 0; i < ts->count; i++) {
        char *v = wj_var(c, ts->items[i]->id);
        char *it = wf_strf("(%s)[%zu]", wj_pend_get(c, tmp), i);
        wj_pend_add(c, v, it, stmt);
        free(it);
        free(v);
    }
    free(tmp);
}

static void wj_assign(wf_ctx *c, const stc_node *s)
{
    const stc_node *first = s->l1.items[0];
    if (s->l1.count == 1 && first->kind == STC_N_SUBSCRIPT && first->a->kind == STC_N_NAME) {
        wj_set_item(c, first, s->a, s);
        wj_hoist_clear(c);
        return;
    }
    for (size_t i = 0; i < s->l1.count; i++)
        if (!wf_target_ok(c, s->l1.items[i]))
            return;
    if (first->kind == STC_N_NAME)
        wj_assign_name(c, first, s->a, s);
    else
        wj_assign_tuple(c, first, s->a, s);
    for (size_t i = 1; i < s->l1.count; i++) {
        const stc_node *t = s->l1.items[i];
        if (first->kind != STC_N_NAME || t->kind != STC_N_NAME) {
            wf_diag(c, t, WF_E_TARGET, "chained assignment works with plain names only");
            return;
        }
        char *from = wj_var(c, first->id), *to = wj_var(c, t->id);
        const char *p = wj_pend_get(c, from);
        char *e = p ? stc_xstrdup(p) : wf_strf("$%s", from);
        wj_pend_add(c, to, e, s);
        free(e);
        free(from);
        free(to);
    }
    wj_hoist_clear(c);
}

static void wj_aug_assign(wf_ctx *c, const stc_node *s)
{
    if (s->a->kind != STC_N_NAME) {
        wf_target_ok(c, s->a);
        if (s->a->kind == STC_N_TUPLE || s->a->kind == STC_N_LIST)
            wf_diag(c, s->a, WF_E_TARGET, "augmented assignment needs a plain name");
        return;
    }
    stc_node bin = {0};
    bin.kind = STC_N_BIN_OP;
    bin.pos = s->pos;
    bin.id = s->id;
    bin.a = s->a;
    bin.b = s->b;
    wf_type t = WF_T_ANY;
    char *e = wj_value(c, &bin, &t);
    char *v = wj_var(c, s->a->id);
    wj_pend_add(c, v, e, s);
    wj_pend_set_type(c, v, t);
    free(v);
    free(e);
    wj_hoist_clear(c);
}

static void wj_ann_assign(wf_ctx *c, const stc_node *s)
{
    if (s->a->kind != STC_N_NAME) {
        wf_target_ok(c, s->a);
        return;
    }
    if (s->c)
        wj_assign_name(c, s->a, s->c, s);
    wj_hoist_clear(c);
}

static void wj_expr_stmt(wf_ctx *c, const stc_node *s)
{
    if (wj_mutating_call(c, s)) {
        wj_hoist_clear(c);
        return;
    }
    if (!wj_call_stmt(c, s->a, NULL, false)) {
        /* computed for its errors only: nothing to keep */
        char *e = wj_value(c, s->a, NULL);
        free(e);
    }
    wj_hoist_clear(c);
}

/* The state a return can end the machine on instead of a Pass of its own:
 * the only way here is the Next of one Task, Pass, Wait, Map or Parallel,
 * nothing is pending and the value makes no call. NULL otherwise. */
static cJSON *wj_output_carrier(wf_ctx *c, const stc_node *value)
{
    const stc_asl_exits *d = &c->scope->dangling;
    if (d->count != 1 || WJ(c)->npend || strcmp(d->items[0].key, "Next") != 0 ||
        (value && wj_has_call(c, value)))
        return NULL;
    cJSON *st = d->items[0].obj;
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(st, "Type"));
    static const char *const ok[] = {"Task", "Pass", "Wait", "Map", "Parallel"};
    for (size_t i = 0; type && i < STC_ARRAY_LEN(ok); i++)
        if (!strcmp(type, ok[i]))
            return st;
    return NULL;
}

static void wj_return(wf_ctx *c, const stc_node *s)
{
    if (s->a && wj_call_stmt(c, s->a, NULL, true)) {
        wj_hoist_clear(c);
        return;
    }
    cJSON *last = WJ(c)->nguards ? NULL : wj_output_carrier(c, s->a);
    int errors = c->errors;
    if (last) {
        /* the state before ends the machine with the value: its Output reads
         * the variables as they were when it was entered, so its own Assign
         * is inlined as pending assignments are */
        const cJSON *as = cJSON_GetObjectItemCaseSensitive(last, "Assign");
        const cJSON *a;
        cJSON_ArrayForEach(a, as)
        {
            const char *v = cJSON_GetStringValue(a);
            size_t n = v ? strlen(v) : 0;
            if (n >= 6 && !strncmp(v, "{% ", 3) && !strcmp(v + n - 3, " %}")) {
                char *text = stc_xstrndup(v + 3, n - 6);
                wj_pend_add(c, a->string, text, NULL);
                free(text);
            } else {
                char *text = cJSON_PrintUnformatted(a);
                wj_pend_add(c, a->string, text, NULL);
                free(text);
            }
        }
        char *e = s->a ? wj_expr(c, s->a, NULL) : stc_xstrdup("null");
        wj_pend_clear(WJ(c));
        if (WJ(c)->nguards && c->errors == errors) {
            /* Python may raise computing the value: checked in a state of
             * its own, before the return */
            wj_guard_drop(c, 0);
            free(e);
            goto own_state;
        }
        stc_asl_exits_free(&c->scope->dangling);
        cJSON_DeleteItemFromObjectCaseSensitive(last, "Next");
        cJSON_DeleteItemFromObjectCaseSensitive(last, "Output");
        cJSON_DeleteItemFromObjectCaseSensitive(last, "Assign"); /* nothing reads them now */
        wj_set_ret(last, e);
        free(e);
        wj_hoist_clear(c);
        return;
    }
own_state:;
    char *e = s->a ? wj_value(c, s->a, NULL) : stc_xstrdup("null");
    wj_hoist_clear(c);
    wj_guard_flush(c);
    if (!wf_live(c)) {
        free(e);
        return;
    }
    cJSON *p = wf_state("Pass");
    wj_pend_clear(WJ(c)); /* the machine ends: only the output counts */
    cJSON *j = cJSON_Parse(e);
    /* a constant object or list as it is (asl-validator wants an
     * expression for any other Output) */
    if (j && (cJSON_IsObject(j) || cJSON_IsArray(j)) && !strstr(e, "{%")) {
        stc_asl_add(p, "Output", j);
        stc_asl_add_bool(p, "End", true);
    } else {
        cJSON_Delete(j);
        wj_set_ret(p, e);
    }
    char *t = s->a ? wf_text(c, s->a, WF_TEXT_MAX) : stc_xstrdup("None");
    wf_emit(c, p, wf_name(c, "Return %s (line %d)", t, s->pos.line), STC_WF_CALL_NONE, NULL);
    free(t);
    free(e);
}

/* ---- for, while True ---- */

/* for x in xs:
 *   For x in xs (line L)   Choice   i < count(items): x = items[i], i + 1, the body
 * with items and i assigned by the state before (pending: carried by it). */
static void wj_for_begin(wf_ctx *c, const stc_node *s, wf_for_loop *fl)
{
    char *items = wf_strf("__stc_items%d", fl->k), *idx = wf_strf("__stc_i%d", fl->k);
    wf_type t = WF_T_ANY;
    char *e = wj_value(c, s->b, &t);
    char *it = wj_iter_items(c, e, t);
    wj_pend_add(c, items, it, s);
    wj_pend_add(c, idx, "0", s);
    free(it);
    free(e);
    wj_hoist_clear(c);
    wj_settle(c);

    cJSON *check = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(check, "Choices");
    cJSON *rule = cJSON_CreateObject();
    char *cond = wf_strf("{%% $%s < $count($%s) %%}", idx, items);
    stc_asl_add_str(rule, "Condition", cond);
    free(cond);
    stc_asl_add_str(rule, "Comment", fl->text);
    cJSON *as = stc_asl_add_obj(rule, "Assign");
    char *next = wf_strf("{%% $%s + 1 %%}", idx);
    char *names;
    if (s->a->kind == STC_N_NAME) {
        char *var = wj_var(c, s->a->id);
        char *take = wf_strf("{%% $%s[$%s] %%}", items, idx);
        cJSON_AddStringToObject(as, var, take);
        free(take);
        free(var);
        names = stc_xstrdup(s->a->id);
    } else {
        /* for a, b in pairs: each name its part of the item */
        stc_buf nb = STC_BUF_INIT;
        for (size_t i = 0; i < s->a->l1.count; i++) {
            const char *py = s->a->l1.items[i]->id;
            char *var = wj_var(c, py);
            char *take = wf_strf("{%% ($%s[$%s])[%zu] %%}", items, idx, i);
            cJSON_AddStringToObject(as, var, take);
            free(take);
            free(var);
            wf_bprintf(&nb, "%s%s", i ? ", " : "", py);
        }
        names = stc_buf_take(&nb);
        /* Python unpacks each item: ValueError when its length differs */
        char *when = wf_strf("$%s < $count($%s)", idx, items);
        char *item = wf_strf("$%s[$%s]", items, idx);
        wj_guard_unpack(c, when, item, s->a->l1.count);
        free(when);
        free(item);
    }
    cJSON_AddStringToObject(as, idx, next);
    free(next);
    cJSON_AddItemToArray(chs, rule);
    wj_guard_rules(c, check);
    fl->head = wf_emit(c, check, wf_name(c, "For %s in %s (line %d)", names, fl->text,
                                         s->pos.line),
                       STC_WF_CALL_NONE, NULL);
    free(names);
    fl->head_state = check;
    stc_asl_exits_add(&c->scope->dangling, rule, "Next");
    free(items);
    free(idx);
}

static void wj_for_next(wf_ctx *c, const stc_node *s, wf_for_loop *fl)
{
    (void)s;
    wj_settle(c);
    stc_asl_exits_patch(&c->scope->dangling, fl->head);
}

/* while True: ... (continue as new). The head counts the rounds in its own
 * Assign; past the bound the machine starts itself again with every
 * variable and ends. */
static void wj_forever_begin(wf_ctx *c, const stc_node *s, wf_forever *fv)
{
    char *rounds = wf_strf("__stc_rounds%d", fv->k);
    wj_pend_add(c, rounds, "0", s);
    wj_settle(c);
    cJSON *head = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(head, "Choices");
    cJSON *rule = cJSON_CreateObject();
    stc_asl_add_str(rule, "Condition", "");
    cJSON_AddItemToArray(chs, rule);
    cJSON *as = stc_asl_add_obj(head, "Assign");
    char *inc = wf_strf("{%% $%s + 1 %%}", rounds);
    cJSON_AddStringToObject(as, rounds, inc);
    free(inc);
    fv->head = wf_emit(c, head, wf_name(c, "While %s (line %d)", fv->test, s->pos.line),
                       STC_WF_CALL_NONE, NULL);
    fv->prep = NULL;
    fv->task = wf_name(c, "Continue as new (line %d)", s->pos.line);
    fv->rule = rule;
    stc_asl_add_str(rule, "Next", fv->task);
    stc_asl_exits_add(&c->scope->dangling, head, "Default");
    free(rounds);
}

static void wj_forever_end(wf_ctx *c, const stc_node *s, wf_forever *fv, long bound)
{
    (void)s;
    char *cond = wf_strf("{%% $__stc_rounds%d >= %ld %%}", fv->k, bound);
    cJSON_ReplaceItemInObjectCaseSensitive(fv->rule, "Condition", cJSON_CreateString(cond));
    free(cond);
    /* every variable the method has (the compiler's own included) */
    stc_buf in = STC_BUF_INIT;
    stc_buf_puts(&in, "{% {\"vars\": {");
    for (size_t i = 0; i < c->nlocals; i++) {
        char *v = wj_var(c, c->locals[i]);
        wf_bprintf(&in, "%s\"%s\": $%s", i ? ", " : "", v, v);
        free(v);
    }
    for (int k = 1; k <= c->nloop; k++)
        wf_bprintf(&in, "%s\"__stc_items%d\": $__stc_items%d, \"__stc_i%d\": $__stc_i%d",
                   c->nlocals || k > 1 ? ", " : "", k, k, k, k);
    wf_bprintf(&in, ", \"%s\": $%s", WJ_ERROR, WJ_ERROR);
    cJSON *hq = cJSON_CreateString(fv->head);
    char *hs = cJSON_PrintUnformatted(hq);
    cJSON_Delete(hq);
    wf_bprintf(&in, "}, \"resume\": %s} %%}", hs);
    free(hs);

    cJSON *t = wf_state("Task");
    stc_asl_add_lit(t, "Resource", "arn:aws:states:::states:startExecution");
    cJSON *args = stc_asl_add_obj(t, "Arguments");
    stc_asl_add_lit(args, "StateMachineArn", "{% $states.context.StateMachine.Id %}");
    /* the name is fixed when the state is entered: a retried start is the same start */
    stc_asl_add_lit(args, "Name", "{% $uuid() %}");
    stc_asl_add_str(args, "Input", stc_buf_cstr(&in));
    stc_buf_free(&in);
    stc_asl_add_lit(t, "Output", "{% {\"ContinuedAs\": $states.result.ExecutionArn} %}");
    stc_asl_add(t, "Retry", stc_asl_retry_all());
    stc_asl_add_bool(t, "End", true);
    wf_add(c, t, fv->task, STC_WF_CALL_RESTART, NULL);
}

/* Continued?: a continuation's input {"vars", "resume"} sets every variable
 * and goes to its loop's head; any other input starts the method. */
static void wj_resume_dispatch(wf_ctx *c)
{
    if (!c->nrestarts)
        return;
    cJSON *chs = wf_resume_choice(c);
    for (size_t i = 0; i < c->nrestarts; i++) {
        const wf_restart *rs = &c->restarts[i];
        cJSON *rule = cJSON_CreateObject();
        cJSON *hq = cJSON_CreateString(rs->head);
        char *hs = cJSON_PrintUnformatted(hq);
        cJSON_Delete(hq);
        char *cond = wf_strf("{%% $type($states.input.resume) = \"string\" and "
                             "$states.input.resume = %s %%}",
                             hs);
        free(hs);
        stc_asl_add_str(rule, "Condition", cond);
        free(cond);
        cJSON *as = stc_asl_add_obj(rule, "Assign");
        for (size_t k = 0; k < c->nlocals; k++) {
            char *v = wj_var(c, c->locals[k]);
            char *e = wf_strf("{%% $exists($states.input.vars.%s) ? $states.input.vars.%s : null %%}", v, v);
            cJSON_AddStringToObject(as, v, e);
            free(e);
            free(v);
        }
        for (int k = 1; k <= c->nloop; k++) {
            char *a = wf_strf("__stc_items%d", k), *b = wf_strf("__stc_i%d", k);
            char *ea = wf_strf("{%% $exists($states.input.vars.%s) ? $states.input.vars.%s : null %%}", a, a);
            char *eb = wf_strf("{%% $exists($states.input.vars.%s) ? $states.input.vars.%s : null %%}", b, b);
            cJSON_AddStringToObject(as, a, ea);
            cJSON_AddStringToObject(as, b, eb);
            free(a);
            free(b);
            free(ea);
            free(eb);
        }
        char *er = wf_strf("{%% $exists($states.input.vars.%s) ? $states.input.vars.%s : null %%}", WJ_ERROR, WJ_ERROR);
        cJSON_AddStringToObject(as, WJ_ERROR, er);
        free(er);
        char *rounds = wf_strf("__stc_rounds%d", rs->loop);
        cJSON_AddStringToObject(as, rounds, "{% 0 %}");
        free(rounds);
        stc_asl_add_str(rule, "Next", rs->head);
        cJSON_AddItemToArray(chs, rule);
    }
}

/* ---- try ---- */

/* A raised exception of one of `names`: its Error among them. */
static cJSON *wj_error_rule(wf_ctx *c, const char *const *names, size_t nn)
{
    (void)c;
    stc_buf b = STC_BUF_INIT;
    wf_bprintf(&b, "{%% $%s.Error in [", WJ_ERROR);
    for (size_t k = 0; k < nn; k++) {
        cJSON *q = cJSON_CreateString(names[k]);
        char *qs = cJSON_PrintUnformatted(q);
        wf_bprintf(&b, "%s%s", k ? ", " : "", qs);
        free(qs);
        cJSON_Delete(q);
    }
    stc_buf_puts(&b, "] %}");
    cJSON *r = cJSON_CreateObject();
    stc_asl_add_str(r, "Condition", stc_buf_cstr(&b));
    stc_buf_free(&b);
    return r;
}

/* the uncaught Fail (or an outer dispatch) gets the error as input */
static void wj_dispatch_default(wf_ctx *c, cJSON *choice)
{
    (void)c;
    char *o = wf_strf("{%% $%s %%}", WJ_ERROR);
    stc_asl_add_str(choice, "Output", o);
    free(o);
}

static void wj_bind(wf_ctx *c, const stc_node *h)
{
    char *v = wj_var(c, h->id);
    char *e = wf_strf("$%s", WJ_ERROR);
    wj_pend_add(c, v, e, NULL);
    free(e);
    free(v);
}

static void wj_finally_save(wf_ctx *c, const stc_node *s, int k, const char *name)
{
    (void)s;
    char *keep = wf_strf("__stc_fin%d", k);
    cJSON *save = wf_state("Pass");
    cJSON *as = stc_asl_add_obj(save, "Assign");
    char *e = wf_strf("{%% $%s %%}", WJ_ERROR);
    cJSON_AddStringToObject(as, keep, e);
    free(e);
    wf_add(c, save, name, STC_WF_CALL_NONE, NULL);
    wf_then(c, save);
    free(keep);
}

static void wj_finally_reraise(wf_ctx *c, const stc_node *s, int k)
{
    char *keep = wf_strf("$__stc_fin%d", k);
    c->pos = s->pos;
    wj_raise_text(c, keep, "Raise again after finally", s->pos.line);
    free(keep);
}

/* ---- calls: Task, Parallel, Map, Wait ---- */

static void wj_payload_arg(wf_ctx *c, void *ud, const char *param, const stc_node *arg)
{
    char *e = wj_expr(c, arg, NULL);
    wj_put(ud, param, e);
    free(e);
}

static cJSON *wj_task(wf_ctx *c, const stc_node *call, const stc_unit_info *u)
{
    bool workflow = u->method->is_async;
    if (workflow && wf_method_restarts(c, u->method)) {
        stc_diag *dg = wf_diag(c, call, WF_E_FOREVER,
                               "'%s' runs forever and continues as new; awaiting it would go on "
                               "when its first execution hands over, which Python never does",
                               u->method->name);
        stc_diag_set_hint(dg, "start '%s' with a schedule or event trigger (SERVICE.stc.yaml) "
                              "instead of awaiting it",
                          u->method->name);
    }
    cJSON *payload = cJSON_CreateObject();
    wf_call_args(c, call, u->method, wj_payload_arg, payload);
    cJSON *st = wf_state("Task");
    char *ph = stc_workflow_placeholder(u->method->name,
                                        workflow ? STC_WF_CALL_WORKFLOW : STC_WF_CALL_FUNCTION);
    char *ref = wf_strf("${%s}", ph);
    stc_asl_add_lit(st, "Resource", workflow ? "arn:aws:states:::states:startExecution.sync:2"
                                             : "arn:aws:states:::lambda:invoke");
    cJSON *args = stc_asl_add_obj(st, "Arguments");
    stc_asl_add_str(args, workflow ? "StateMachineArn" : "FunctionName", ref);
    stc_asl_add(args, workflow ? "Input" : "Payload", payload);
    free(ref);
    free(ph);
    return st;
}

static const char *wj_result(const stc_unit_info *u)
{
    return u->method->is_async ? "$states.result.Output" : "$states.result.Payload";
}

/* The result to a variable, to the machine's output, or nowhere; the
 * pending assignments ride along; Retry, Catch; then emitted. */
static void wj_task_finish(wf_ctx *c, cJSON *st, const stc_unit_info *u, const stc_node *call,
                           const char *var, bool ret)
{
    bool workflow = u->method->is_async;
    if (!workflow)
        stc_asl_add(st, "Retry", stc_asl_lambda_retry());
    stc_pos saved = c->pos;
    c->pos = call->pos;
    wj_add_catch(c, st, workflow ? WF_NORM_WORKFLOW : WF_NORM_LAMBDA);
    if (ret) {
        wj_pend_clear(WJ(c));
        wj_set_ret(st, wj_result(u));
    } else {
        if (var)
            wj_pend_add(c, var, wj_result(u), NULL);
        wj_pend_take(c, st);
    }
    wj_guard_flush(c); /* where Python raises before the call */
    const char *where = c->scope->where;
    const char *name = where[0] ? wf_name(c, "%s %s%s", workflow ? "Run" : "Call", u->method->name,
                                          where)
                                : wf_name(c, "%s %s (line %d)", workflow ? "Run" : "Call",
                                          u->method->name, call->pos.line);
    wf_emit(c, st, name, workflow ? STC_WF_CALL_WORKFLOW : STC_WF_CALL_FUNCTION, u->method->name);
    if (!ret)
        wf_then(c, st);
    c->pos = saved;
}

/* A single Task ending a branch or item processor: its output is the value. */
static void wj_branch_task(wf_ctx *c, const stc_node *call, const stc_unit_info *u)
{
    cJSON *st = wj_task(c, call, u);
    wj_task_finish(c, st, u, call, NULL, true);
}

/* Where a Parallel's or Map's result goes. */
static void wj_result_to(wf_ctx *c, cJSON *st, const char *var, bool ret, const stc_list *targets)
{
    if (ret) {
        wj_pend_clear(WJ(c));
        wj_set_ret(st, "$states.result");
        return;
    }
    if (targets) {
        for (size_t i = 0; i < targets->count; i++) {
            char *v = wj_var(c, targets->items[i]->id);
            char *e = wf_strf("$states.result[%zu]", i);
            wj_pend_add(c, v, e, NULL);
            free(e);
            free(v);
        }
    } else if (var) {
        wj_pend_add(c, var, "$states.result", NULL);
    }
    wj_pend_take(c, st);
    /* the state's output (an array) is nobody's input: keep it small */
    stc_asl_add(st, "Output", cJSON_CreateObject());
}

static void wj_map(wf_ctx *c, const stc_node *comp, const char *var, bool ret, bool concurrent)
{
    const stc_unit_info *u = wf_map_shape(c, comp, concurrent, WJ(c)->item_var != NULL);
    if (!u)
        return;
    const stc_node *gen = comp->l1.items[0];
    const stc_node *elt = comp->a;
    char *items_text = wf_text(c, gen->b, WF_TEXT_MAX);
    /* the item processor reads the outer variables (and $states.input is
     * the item there): write the pending assignments first */
    wj_hoist(c, gen->b);
    wj_settle(c);
    char *items = wj_expr(c, gen->b, NULL);
    const char *item = gen->a->id;

    cJSON *proc = cJSON_CreateObject();
    cJSON *cfg = stc_asl_add_obj(proc, "ProcessorConfig");
    stc_asl_add_lit(cfg, "Mode", "INLINE");
    wf_scope sc;
    wf_scope_save saved;
    cJSON *map = wf_state("Map");
    char *w = wj_wrap(items);
    stc_asl_add_str(map, "Items", w);
    free(w);
    wf_scope_enter(c, &sc, proc, wf_strf(" (line %d, each %s)", comp->pos.line, item), &saved);
    bool added_local = !wf_is_local(c, item);
    if (added_local)
        wf_add_local(c, item);
    const char *outer_item = WJ(c)->item_var;
    WJ(c)->item_var = item;
    wj_branch_task(c, elt, u);
    WJ(c)->item_var = outer_item;
    if (added_local)
        free(c->locals[--c->nlocals]);
    wf_scope_leave(c, &sc, &saved);

    stc_asl_add(map, "ItemProcessor", proc);
    if (!concurrent)
        stc_asl_add_num(map, "MaxConcurrency", 1);
    wj_add_catch(c, map, WF_NORM_PLAIN);
    wj_result_to(c, map, var, ret, NULL);
    wj_guard_flush(c);
    wf_emit(c, map, wf_name(c, "Map %s over %s (line %d)", u->method->name, items_text,
                            comp->pos.line),
            STC_WF_CALL_NONE, NULL);
    if (!ret)
        wf_then(c, map);
    free(items);
    free(items_text);
}

static bool wj_parallel(wf_ctx *c, const stc_node *gather, const char *var, bool ret,
                        const stc_list *targets)
{
    const stc_node *comp;
    bool ok;
    const stc_unit_info **us = wf_gather_shape(c, gather, targets ? targets->count : 0, &comp,
                                               &ok);
    if (!ok)
        return false;
    if (comp) {
        wj_map(c, comp, var, ret, true);
        return true;
    }
    cJSON *par = wf_state("Parallel");
    cJSON *branches = stc_asl_add_arr(par, "Branches");
    stc_buf names = STC_BUF_INIT;
    wj_settle(c);
    for (size_t i = 0; i < gather->l1.count; i++) {
        cJSON *br = cJSON_CreateObject();
        wf_scope sc;
        wf_scope_save saved;
        wf_scope_enter(c, &sc, br, wf_strf(" (line %d, branch %zu)", gather->pos.line, i + 1),
                       &saved);
        wj_branch_task(c, gather->l1.items[i], us[i]);
        wf_scope_leave(c, &sc, &saved);
        cJSON_AddItemToArray(branches, br);
        wf_bprintf(&names, "%s%s", i ? ", " : "", us[i]->method->name);
    }
    free(us);
    wj_add_catch(c, par, WF_NORM_PLAIN);
    wj_result_to(c, par, var, ret, targets);
    wf_emit(c, par, wf_name(c, "Gather %s (line %d)", stc_buf_cstr(&names), gather->pos.line),
            STC_WF_CALL_NONE, NULL);
    if (!ret)
        wf_then(c, par);
    stc_buf_free(&names);
    return true;
}

static bool wj_gather_targets(wf_ctx *c, const stc_node *value, const stc_list *ts)
{
    if (value->kind != STC_N_AWAIT || value->a->kind != STC_N_CALL)
        return false;
    char *q = wf_qualname(c, value->a->a);
    bool gather = q && strcmp(q, "asyncio.gather") == 0;
    free(q);
    if (!gather)
        return false;
    wj_parallel(c, value->a, NULL, false, ts);
    return true;
}

static void wj_wait(wf_ctx *c, const stc_node *call)
{
    if (call->l1.count != 1 || call->l2.count) {
        wf_diag(c, call, WF_E_SLEEP, "sleep() takes one duration in seconds here");
        return;
    }
    const stc_node *arg = call->l1.items[0];
    cJSON *w = wf_state("Wait");
    if (arg->kind == STC_N_CONSTANT || (arg->kind == STC_N_UNARY_OP && arg->a->kind == STC_N_CONSTANT)) {
        cJSON *j = arg->kind == STC_N_CONSTANT ? wf_const_json(c, arg) : NULL;
        if (!j || !cJSON_IsNumber(j) || cJSON_IsBool(j) || j->valuedouble < 0 ||
            j->valuedouble != floor(j->valuedouble) || j->valuedouble > 31536000) {
            stc_diag *dg = wf_diag(c, arg, WF_E_SLEEP,
                                   "a Wait state waits a whole number of seconds from 0 to a year");
            stc_diag_set_hint(dg, "write a whole number such as sleep(10)");
            cJSON_Delete(j);
            cJSON_Delete(w);
            return;
        }
        double secs = j->valuedouble;
        cJSON_Delete(j);
        if (secs == 0) {
            cJSON_Delete(w);
            return;
        }
        stc_asl_add_num(w, "Seconds", secs);
    } else {
        char *e = wj_value(c, arg, NULL);
        char *x = wj_wrap(e);
        stc_asl_add_str(w, "Seconds", x);
        free(x);
        free(e);
    }
    wj_pend_take(c, w);
    char *t = wf_text(c, arg, WF_TEXT_MAX);
    stc_pos saved = c->pos;
    c->pos = call->pos;
    wj_guard_flush(c);
    wf_emit(c, w, wf_name(c, "Sleep %s (line %d)", t, call->pos.line), STC_WF_CALL_NONE, NULL);
    c->pos = saved;
    wf_then(c, w);
    free(t);
}

static bool wj_is_map_comp(wf_ctx *c, const stc_node *n)
{
    if (n->kind != STC_N_LIST_COMP && n->kind != STC_N_GENERATOR_EXP)
        return false;
    const stc_node *e = n->a;
    if (e && e->kind == STC_N_AWAIT)
        e = e->a;
    return e && e->kind == STC_N_CALL && wf_is_self_call(c, e);
}

bool wj_is_state_call(wf_ctx *c, const stc_node *n)
{
    if (!n)
        return false;
    if (n->kind == STC_N_AWAIT)
        return true;
    if (wj_is_map_comp(c, n))
        return true;
    if (n->kind != STC_N_CALL)
        return false;
    if (wf_is_self_call(c, n))
        return true;
    char *q = wf_qualname(c, n->a);
    bool r = q && (strcmp(q, "asyncio.sleep") == 0 || strcmp(q, "asyncio.gather") == 0);
    free(q);
    return r;
}

bool wj_call_stmt(wf_ctx *c, const stc_node *n, const char *var, bool ret)
{
    const stc_node *inner;
    const stc_unit_info *u;
    if ((n->kind == STC_N_LIST_COMP || n->kind == STC_N_GENERATOR_EXP) && !wj_is_map_comp(c, n))
        return false; /* a comprehension of JSONata */
    wf_call_kind k = wf_call_classify(c, n, &inner, &u);
    if (k == WF_CALL_NONE)
        return false;
    if (k == WF_CALL_DONE)
        return true;
    if (k == WF_CALL_COMPREHENSION) {
        wj_map(c, inner, var, ret, false);
        return true;
    }
    if (k == WF_CALL_TASK) {
        for (size_t i = 0; i < inner->l1.count; i++)
            wj_hoist(c, inner->l1.items[i]);
        for (size_t i = 0; i < inner->l2.count; i++)
            wj_hoist(c, inner->l2.items[i]->a);
        if (!wf_live(c))
            return true;
        WJ(c)->nblk = 0;
        cJSON *st = wj_task(c, inner, u);
        wj_task_finish(c, st, u, inner, var, ret);
        return true;
    }
    bool is_sleep = k == WF_CALL_SLEEP;
    if (is_sleep) {
        wj_wait(c, inner);
        if (ret) {
            wj_settle(c);
            if (wf_live(c)) {
                cJSON *p = wf_state("Pass");
                stc_asl_add_lit(p, "Output", "{% null %}");
                stc_asl_add_bool(p, "End", true);
                wf_emit(c, p, wf_name(c, "Return None (line %d)", inner->pos.line),
                        STC_WF_CALL_NONE, NULL);
            }
        } else if (var) {
            wj_pend_add(c, var, "null", NULL);
        }
        return true;
    }
    wj_parallel(c, inner, var, ret, NULL);
    return true;
}

const wf_backend wf_jsonata = {
    .name = "jsonata",
    .start = wj_start,
    .finish = wj_finish,
    .expr_stmt = wj_expr_stmt,
    .assign = wj_assign,
    .ann_assign = wj_ann_assign,
    .aug_assign = wj_aug_assign,
    .del = wj_del,
    .ret = wj_return,
    .raise_new = wj_raise_new,
    .raise_var = wj_raise_var,
    .reraise = wj_reraise,
    .cond = wj_cond,
    .for_begin = wj_for_begin,
    .for_next = wj_for_next,
    .forever_begin = wj_forever_begin,
    .forever_end = wj_forever_end,
    .error_rule = wj_error_rule,
    .dispatch_default = wj_dispatch_default,
    .bind = wj_bind,
    .finally_save = wj_finally_save,
    .finally_reraise = wj_finally_reraise,
    .uncaught = wj_uncaught,
    .settle = wj_settle,
    .for_unpacks = true,
};
