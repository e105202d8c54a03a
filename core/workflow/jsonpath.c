/* jsonpath.c - the JSONPath back end: statements -> states (stores,
 * returns, raises, for loops, handlers, finally, loops that continue as new),
 * calls -> Task, Parallel, Map and Wait states, and the error normalizers.
 * See jsonpath.h and docs/workflow-compiler.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/jsonpath.h"

#define WF_TEXT_MAX 40

/* ---- errors ---- */

/* The uncaught-exception Fail of the current scope, created once. */
static const char *jp_uncaught(wf_ctx *c)
{
    wf_scope *sc = c->scope;
    if (!sc->fail) {
        cJSON *f = wf_state("Fail");
        stc_asl_add_lit(f, "ErrorPath", "$.sys.error.Error");
        stc_asl_add_lit(f, "CausePath", "$.sys.error.Cause");
        sc->fail = wf_add_late(c, f, wf_name(c, "Fail with the exception%s", sc->where));
    }
    return sc->fail;
}

static cJSON *wf_cause_rule(const char *pattern)
{
    cJSON *r[3] = {stc_asl_rule_bool("$.sys.error.Cause", "IsPresent", true),
                   stc_asl_rule_bool("$.sys.error.Cause", "IsString", true),
                   stc_asl_rule_str("$.sys.error.Cause", "StringMatches", pattern)};
    return stc_asl_rule_join("And", r, 3);
}

static cJSON *wf_pass_error(const char *error_path, const char *cause_path, const char *detail_fn,
                            const char *next)
{
    cJSON *p = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(p, "Parameters");
    stc_asl_add_str(par, "Error.$", error_path);
    if (cause_path)
        stc_asl_add_str(par, "Cause.$", cause_path);
    if (detail_fn)
        stc_asl_add_str(par, "Detail.$", detail_fn);
    stc_asl_add_lit(p, "ResultPath", "$.sys.error");
    if (next)
        stc_asl_add_str(p, "Next", next);
    return p;
}

/* The states that turn an AWS task error into {"Error", "Cause"} and go on
 * to `target`; returns the first one's name. */
static const char *wf_make_norm(wf_ctx *c, wf_norm_kind kind, const char *target)
{
    const char *parse, *take;
    cJSON *choice = wf_state("Choice");
    cJSON *choices = stc_asl_add_arr(choice, "Choices");
    const char *first;
    if (kind == WF_NORM_LAMBDA) {
        first = wf_name(c, "Lambda error? -> %s", target);
        parse = wf_name(c, "Parse Lambda error -> %s", target);
        take = wf_name(c, "Take errorMessage -> %s", target);
        cJSON *r = wf_cause_rule("{\"errorMessage\"*");
        stc_asl_add_str(r, "Next", parse);
        cJSON_AddItemToArray(choices, r);
        stc_asl_add_str(choice, "Default", target);
        wf_add_late(c, choice, first);
        wf_add_late(c,
                    wf_pass_error("$.sys.error.Error", NULL,
                                  "States.StringToJson($.sys.error.Cause)", take),
                    parse);
        wf_add_late(c,
                    wf_pass_error("$.sys.error.Error", "$.sys.error.Detail.errorMessage", NULL,
                                  target),
                    take);
        return first;
    }
    first = wf_name(c, "Workflow error? -> %s", target);
    parse = wf_name(c, "Parse workflow error -> %s", target);
    const char *child = wf_name(c, "Child error? -> %s", target);
    take = wf_name(c, "Take child error -> %s", target);
    cJSON *r = wf_cause_rule("{*");
    stc_asl_add_str(r, "Next", parse);
    cJSON_AddItemToArray(choices, r);
    stc_asl_add_str(choice, "Default", target);
    wf_add_late(c, choice, first);
    wf_add_late(c,
                wf_pass_error("$.sys.error.Error", "$.sys.error.Cause",
                              "States.StringToJson($.sys.error.Cause)", child),
                parse);
    cJSON *ch = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(ch, "Choices");
    cJSON *both[2] = {stc_asl_rule_bool("$.sys.error.Detail.Error", "IsString", true),
                      stc_asl_rule_bool("$.sys.error.Detail.Cause", "IsString", true)};
    cJSON *rr = stc_asl_rule_join("And", both, 2);
    /* IsString on a missing field is an error: guard with IsPresent first. */
    cJSON *guard[3] = {stc_asl_rule_bool("$.sys.error.Detail.Error", "IsPresent", true),
                       stc_asl_rule_bool("$.sys.error.Detail.Cause", "IsPresent", true), rr};
    cJSON *g = stc_asl_rule_join("And", guard, 3);
    stc_asl_add_str(g, "Next", take);
    cJSON_AddItemToArray(chs, g);
    stc_asl_add_str(ch, "Default", target);
    wf_add_late(c, ch, child);
    wf_add_late(c,
                wf_pass_error("$.sys.error.Detail.Error", "$.sys.error.Detail.Cause", NULL, target),
                take);
    return first;
}

static const char *wf_err_next(wf_ctx *c, wf_norm_kind kind)
{
    if (kind == WF_NORM_PLAIN && !c->errto)
        return NULL;
    const char *target = wf_raise_target(c);
    if (kind == WF_NORM_PLAIN)
        return target;
    wf_scope *sc = c->scope;
    for (size_t i = 0; i < sc->nnorms; i++)
        if (sc->norms[i].kind == kind && strcmp(sc->norms[i].target, target) == 0)
            return sc->norms[i].name;
    sc->norms = stc_xrealloc(sc->norms, (sc->nnorms + 1) * sizeof *sc->norms);
    wf_norm *n = &sc->norms[sc->nnorms++];
    n->kind = kind;
    n->target = stc_xstrdup(target);
    n->name = wf_make_norm(c, kind, target);
    return n->name;
}

static void wf_add_catch(wf_ctx *c, cJSON *st, wf_norm_kind kind)
{
    const char *next = wf_err_next(c, kind);
    if (!next)
        return;
    cJSON *catch = stc_asl_add_arr(st, "Catch");
    cJSON *k = cJSON_CreateObject();
    cJSON *eq = stc_asl_add_arr(k, "ErrorEquals");
    cJSON_AddItemToArray(eq, cJSON_CreateString("States.ALL"));
    stc_asl_add_lit(k, "ResultPath", "$.sys.error");
    stc_asl_add_str(k, "Next", next);
    cJSON_AddItemToArray(catch, k);
}

/* ---- the machine's start and end ---- */

static bool wf_ascii_ident(const char *s)
{
    return stc_asl_plain_key(s);
}

/* Parameters -> the Init state ($.vars), with a Choice + Pass per parameter
 * that has a default, for inputs that leave it out. */
static void jp_start(wf_ctx *c)
{
    const stc_method *mt = c->method;
    c->pos = mt->pos;
    bool restarts = wf_method_restarts(c, mt);
    for (size_t i = 0; i < mt->nparams; i++) {
        const stc_param *p = &mt->params[i];
        stc_node at = {0};
        at.pos = p->pos;
        if (restarts && strcmp(p->name, "sys") == 0) {
            /* a continued execution's input is {"vars": ..., "sys": {"resume": ...}} */
            stc_diag *dg = wf_diag(c, &at, WF_E_PARAMETER,
                                   "a workflow that continues as new reads '$.sys' of its input "
                                   "as the continuation; a parameter cannot be named 'sys'");
            stc_diag_set_hint(dg, "rename the parameter");
            continue;
        }
        if (p->vararg || p->kwarg) {
            wf_diag(c, &at, WF_E_PARAMETER,
                    "'%s%s' cannot come from a workflow's input; the input is a JSON object of named "
                    "parameters",
                    p->vararg ? "*" : "**", p->name);
            continue;
        }
        if (!wf_ascii_ident(p->name)) {
            wf_diag(c, &at, WF_E_PARAMETER,
                    "parameter '%s' cannot be a key of the workflow's input paths; use ASCII letters, "
                    "digits and '_'",
                    p->name);
            continue;
        }
        if (!p->default_node)
            continue;
        c->ntemp = 0;
        wf_ev ev = wf_expr(c, p->default_node);
        if (ev.kind != WF_EV_CONST) {
            wf_diag(c, p->default_node, WF_E_PARAMETER,
                    "the default of '%s' must be a constant in a workflow", p->name);
            wf_ev_free(&ev);
            continue;
        }
        cJSON *ch = wf_state("Choice");
        cJSON *chs = stc_asl_add_arr(ch, "Choices");
        char *path = wf_strf("$.%s", p->name);
        cJSON *r = stc_asl_rule_bool(path, "IsPresent", false);
        cJSON_AddItemToArray(chs, r);
        c->pos = p->pos;
        wf_emit(c, ch, wf_name(c, "Has %s? (line %d)", p->name, p->pos.line), STC_WF_CALL_NONE,
                NULL);
        stc_asl_exits_add(&c->scope->dangling, r, "Next");
        cJSON *pass = wf_state("Pass");
        stc_asl_add(pass, "Result", ev.json);
        ev.json = NULL;
        stc_asl_add_str(pass, "ResultPath", path);
        const char *dt = p->default_text ? p->default_text : "";
        wf_emit(c, pass, wf_name(c, "Default %s = %s (line %d)", p->name, dt, p->pos.line),
                STC_WF_CALL_NONE, NULL);
        wf_then(c, pass);
        stc_asl_exits_add(&c->scope->dangling, ch, "Default");
        free(path);
    }
    cJSON *init = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(init, "Parameters");
    cJSON *vars = stc_asl_add_obj(par, "vars");
    for (size_t i = 0; i < mt->nparams; i++) {
        const stc_param *p = &mt->params[i];
        if (p->vararg || p->kwarg || !wf_ascii_ident(p->name))
            continue;
        cJSON *slot = cJSON_AddObjectToObject(vars, p->name);
        char *path = wf_strf("$.%s", p->name);
        stc_asl_add_str(slot, "value.$", path);
        free(path);
    }
    stc_asl_add_obj(par, "sys");
    c->pos = mt->name_pos.line ? mt->name_pos : mt->pos;
    wf_emit(c, init, wf_name(c, "Start %s", mt->name), STC_WF_CALL_NONE, NULL);
    wf_then(c, init);
}

/* Falling off the end returns None; then the resume dispatch of the loops
 * that continue as new. */
static void jp_resume_dispatch(wf_ctx *c);

static void jp_finish(wf_ctx *c)
{
    if (wf_live(c)) {
        cJSON *ret = wf_state("Pass");
        cJSON *par = stc_asl_add_obj(ret, "Parameters");
        stc_asl_add_null(par, "value");
        stc_asl_add_lit(ret, "OutputPath", "$.value");
        stc_asl_add_bool(ret, "End", true);
        c->pos = c->method->name_pos.line ? c->method->name_pos : c->method->pos;
        wf_emit(c, ret, wf_name(c, "Return None (end of %s)", c->method->name),
                STC_WF_CALL_NONE, NULL);
    }
    jp_resume_dispatch(c);
}

/* ---- assignments ---- */

static char *wf_var_slot(const char *name)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "$.vars");
    stc_asl_path_key(&b, name);
    return stc_buf_take(&b);
}

/* ---- assignments ---- */

static void wf_assign_name(wf_ctx *c, const stc_node *target, const stc_node *value,
                           const stc_node *stmt)
{
    char *slot = wf_var_slot(target->id);
    char *t = wf_text(c, stmt, WF_TEXT_MAX);
    if (!wf_call_stmt(c, value, slot, t)) {
        wf_ev ev = wf_expr(c, value);
        wf_store(c, slot, &ev, wf_name(c, "%s (line %d)", t, stmt->pos.line));
    }
    free(t);
    free(slot);
}

/* $.sys.unpack holds {name: {"value": v}}: merge it into $.vars. */
static void wf_merge_unpack(wf_ctx *c, const stc_node *stmt, const stc_list *targets)
{
    cJSON *p = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(p, "Parameters");
    stc_asl_add_lit(par, "vars.$", "States.JsonMerge($.vars, $.sys.unpack, false)");
    stc_asl_add_lit(par, "sys.$", "$.sys");
    stc_buf names = STC_BUF_INIT;
    for (size_t i = 0; i < targets->count; i++)
        wf_bprintf(&names, "%s%s", i ? ", " : "", targets->items[i]->id);
    if (wf_live(c)) {
        wf_emit(c, p, wf_name(c, "Unpack %s (line %d)", stc_buf_cstr(&names), stmt->pos.line),
                STC_WF_CALL_NONE, NULL);
        wf_then(c, p);
    } else {
        cJSON_Delete(p);
    }
    stc_buf_free(&names);
}

static void wf_assign_tuple(wf_ctx *c, const stc_node *target, const stc_node *value,
                            const stc_node *stmt)
{
    const stc_list *ts = &target->l1;
    for (size_t i = 0; i < ts->count; i++) {
        if (ts->items[i]->kind != STC_N_NAME) {
            wf_diag(c, ts->items[i], WF_E_TARGET,
                    "only plain names can be unpacked in a workflow");
            return;
        }
        for (size_t k = 0; k < i; k++)
            if (strcmp(ts->items[k]->id, ts->items[i]->id) == 0) {
                wf_diag(c, ts->items[i], WF_E_TARGET, "'%s' is assigned twice in one unpacking",
                        ts->items[i]->id);
                return;
            }
    }
    if (value->kind == STC_N_AWAIT && value->a->kind == STC_N_CALL) {
        char *q = wf_qualname(c, value->a->a);
        bool gather = q && strcmp(q, "asyncio.gather") == 0;
        free(q);
        if (gather) {
            if (wf_parallel(c, value->a, NULL, ts))
                wf_merge_unpack(c, stmt, ts);
            return;
        }
    }
    cJSON *p = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(p, "Parameters");
    if ((value->kind == STC_N_TUPLE || value->kind == STC_N_LIST) && value->l1.count == ts->count) {
        wf_ev *evs = stc_xcalloc(ts->count, sizeof *evs);
        for (size_t i = 0; i < ts->count; i++)
            evs[i] = wf_expr(c, value->l1.items[i]);
        for (size_t i = 0; i < ts->count; i++) {
            cJSON *o = cJSON_AddObjectToObject(par, ts->items[i]->id);
            wf_ev_put(o, "value", &evs[i]);
        }
        free(evs);
    } else if (value->kind == STC_N_TUPLE || value->kind == STC_N_LIST) {
        cJSON_Delete(p);
        wf_diag(c, value, WF_E_TARGET, "%zu names for %zu values", ts->count, value->l1.count);
        return;
    } else {
        wf_ev ev = wf_expr(c, value);
        char *path = wf_ev_as_path(c, &ev, "value to unpack");
        for (size_t i = 0; i < ts->count; i++) {
            cJSON *o = cJSON_AddObjectToObject(par, ts->items[i]->id);
            char *fn = wf_strf("States.ArrayGetItem(%s, %zu)", path, i);
            stc_asl_add_str(o, "value.$", fn);
            free(fn);
        }
        free(path);
    }
    stc_asl_add_lit(p, "ResultPath", "$.sys.unpack");
    char *t = wf_text(c, value, WF_TEXT_MAX);
    if (wf_live(c)) {
        wf_emit(c, p, wf_name(c, "Values of %s (line %d)", t, stmt->pos.line), STC_WF_CALL_NONE,
                NULL);
        wf_then(c, p);
        wf_merge_unpack(c, stmt, ts);
    } else {
        cJSON_Delete(p);
    }
    free(t);
}

static void wf_assign(wf_ctx *c, const stc_node *s)
{
    const stc_node *first = s->l1.items[0];
    for (size_t i = 0; i < s->l1.count; i++)
        if (!wf_target_ok(c, s->l1.items[i]))
            return;
    if (first->kind == STC_N_NAME)
        wf_assign_name(c, first, s->a, s);
    else
        wf_assign_tuple(c, first, s->a, s);
    /* a = b = value: copy the first target into the others */
    for (size_t i = 1; i < s->l1.count; i++) {
        const stc_node *t = s->l1.items[i];
        if (first->kind != STC_N_NAME || t->kind != STC_N_NAME) {
            wf_diag(c, t, WF_E_TARGET, "chained assignment works with plain names only");
            return;
        }
        char *from = wf_var_slot(first->id);
        char *path = wf_strf("%s.value", from);
        char *slot = wf_var_slot(t->id);
        wf_ev ev = wf_ev_path(path, WF_T_ANY);
        wf_store(c, slot, &ev, wf_name(c, "%s = %s (line %d)", t->id, first->id, s->pos.line));
        free(from);
        free(slot);
    }
}

static void wf_aug_assign(wf_ctx *c, const stc_node *s)
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
    wf_ev ev = wf_expr(c, &bin);
    char *slot = wf_var_slot(s->a->id);
    char *t = wf_text(c, s, WF_TEXT_MAX);
    wf_store(c, slot, &ev, wf_name(c, "%s (line %d)", t, s->pos.line));
    free(t);
    free(slot);
}

static void jp_assign(wf_ctx *c, const stc_node *s)
{
    wf_assign(c, s);
}

static void jp_aug_assign(wf_ctx *c, const stc_node *s)
{
    wf_aug_assign(c, s);
}

static void jp_ann_assign(wf_ctx *c, const stc_node *s)
{
    if (s->a->kind != STC_N_NAME) {
        wf_target_ok(c, s->a);
        return;
    }
    if (s->c)
        wf_assign_name(c, s->a, s->c, s);
}

static void jp_expr_stmt(wf_ctx *c, const stc_node *s)
{
    if (!wf_call_stmt(c, s->a, NULL, NULL)) {
        wf_ev ev = wf_expr(c, s->a);
        wf_ev_free(&ev);
    }
}

/* ---- return, raise ---- */

static void jp_return(wf_ctx *c, const stc_node *s)
{
    wf_ev ev;
    if (!s->a) {
        ev = wf_ev_const(cJSON_CreateNull());
    } else {
        char *slot = wf_temp(c);
        if (wf_call_stmt(c, s->a, slot, NULL))
            ev = wf_ev_path(wf_strf("%s.value", slot), WF_T_ANY);
        else
            ev = wf_expr(c, s->a);
        free(slot);
    }
    if (!wf_live(c)) {
        wf_ev_free(&ev);
        return;
    }
    cJSON *p = wf_state("Pass");
    if (ev.kind == WF_EV_CONST) {
        cJSON *r = stc_asl_add_obj(p, "Result");
        stc_asl_add(r, "value", ev.json);
        ev.json = NULL;
        wf_ev_free(&ev);
    } else {
        cJSON *par = stc_asl_add_obj(p, "Parameters");
        wf_ev_put(par, "value", &ev);
    }
    stc_asl_add_lit(p, "OutputPath", "$.value");
    stc_asl_add_bool(p, "End", true);
    char *t = s->a ? wf_text(c, s->a, WF_TEXT_MAX) : stc_xstrdup("None");
    wf_emit(c, p, wf_name(c, "Return %s (line %d)", t, s->pos.line), STC_WF_CALL_NONE, NULL);
    free(t);
}

/* A Pass that sets $.sys.error and jumps to the raise target. `cause` is consumed. */
static void wf_raise_with(wf_ctx *c, const char *error, wf_ev *cause, const char *error_path,
                          const char *label, int line)
{
    if (!wf_live(c)) {
        wf_ev_free(cause);
        return;
    }
    cJSON *p = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(p, "Parameters");
    if (error_path)
        stc_asl_add_str(par, "Error.$", error_path);
    else
        stc_asl_add_str(par, "Error", error);
    wf_ev_put(par, "Cause", cause);
    stc_asl_add_lit(p, "ResultPath", "$.sys.error");
    const char *name = wf_name(c, "%s (line %d)", label, line);
    wf_emit(c, p, name, STC_WF_CALL_NONE, NULL);
    stc_asl_add_str(p, "Next", wf_raise_target(c));
}

static void jp_raise_new(wf_ctx *c, const char *cls, const stc_node *msg, const char *label,
                         int line)
{
    wf_ev cause = wf_ev_const(cJSON_CreateString(""));
    if (msg) {
        wf_ev_free(&cause);
        wf_ev v = wf_expr(c, msg);
        cause = wf_ev_str(c, &v);
    }
    wf_raise_with(c, cls, &cause, NULL, label, line);
}

static void jp_raise_var(wf_ctx *c, const char *var, int line)
{
    char *ep = wf_strf("$.vars.%s.value.Error", var);
    char *cp = wf_strf("$.vars.%s.value.Cause", var);
    wf_ev cause = wf_ev_path(cp, WF_T_STR);
    char *label = wf_strf("Raise %s again", var);
    wf_raise_with(c, NULL, &cause, ep, label, line);
    free(label);
    free(ep);
}

/* bare raise inside an except block: the error is still at $.sys.error */
static void jp_reraise(wf_ctx *c)
{
    stc_asl_exits_patch(&c->scope->dangling, wf_raise_target(c));
}

/* ---- for, while True ---- */

/* for x in xs:
 *   Start for x in xs (line L)  Pass   $.sys.loop<K> = {items, n, i: 0}
 *   For x in xs (line L)        Choice i < n, else past the loop
 *   Take x (line L)             Pass   x = items[i], then the body
 *   Next x (line L)             Pass   i + 1, back to the head */
static void jp_for_begin(wf_ctx *c, const stc_node *s, wf_for_loop *fl)
{
    char *loop = wf_strf("$.sys.loop%d", fl->k);
    const char *iter_text = fl->text;
    const char *var = s->a->id;
    wf_ev items = wf_expr(c, s->b);
    char *ip = wf_ev_as_path(c, &items, iter_text);

    cJSON *init = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(init, "Parameters");
    stc_asl_add_str(par, "items.$", ip);
    char *len = wf_strf("States.ArrayLength(%s)", ip);
    stc_asl_add_str(par, "n.$", len);
    free(len);
    stc_asl_add_num(par, "i", 0);
    stc_asl_add_str(init, "ResultPath", loop);
    wf_emit(c, init, wf_name(c, "Start for %s in %s (line %d)", var, iter_text, s->pos.line),
            STC_WF_CALL_NONE, NULL);
    wf_then(c, init);

    cJSON *check = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(check, "Choices");
    char *ipath = wf_strf("%s.i", loop), *npath = wf_strf("%s.n", loop);
    cJSON *rule = stc_asl_rule(ipath, "NumericLessThanPath", cJSON_CreateString(npath));
    cJSON_AddItemToArray(chs, rule);
    fl->head = wf_emit(c, check, wf_name(c, "For %s in %s (line %d)", var, iter_text,
                                         s->pos.line),
                       STC_WF_CALL_NONE, NULL);
    fl->head_state = check;
    stc_asl_exits_add(&c->scope->dangling, rule, "Next");

    cJSON *take = wf_state("Pass");
    cJSON *tp = stc_asl_add_obj(take, "Parameters");
    char *get = wf_strf("States.ArrayGetItem(%s.items, %s)", loop, ipath);
    stc_asl_add_str(tp, "value.$", get);
    free(get);
    char *slot = wf_var_slot(var);
    stc_asl_add_str(take, "ResultPath", slot);
    free(slot);
    wf_emit(c, take, wf_name(c, "Take %s (line %d)", var, s->pos.line), STC_WF_CALL_NONE, NULL);
    wf_then(c, take);
    free(ipath);
    free(npath);
    free(ip);
    free(loop);
}

static void jp_for_next(wf_ctx *c, const stc_node *s, wf_for_loop *fl)
{
    char *loop = wf_strf("$.sys.loop%d", fl->k);
    char *ipath = wf_strf("%s.i", loop), *npath = wf_strf("%s.n", loop);
    cJSON *inc = wf_state("Pass");
    cJSON *ipar = stc_asl_add_obj(inc, "Parameters");
    char *a = wf_strf("%s.items", loop), *b = wf_strf("States.MathAdd(%s, 1)", ipath);
    stc_asl_add_str(ipar, "items.$", a);
    stc_asl_add_str(ipar, "n.$", npath);
    stc_asl_add_str(ipar, "i.$", b);
    free(a);
    free(b);
    stc_asl_add_str(inc, "ResultPath", loop);
    stc_asl_add_str(inc, "Next", fl->head);
    wf_emit(c, inc, wf_name(c, "Next %s (line %d)", s->a->id, s->pos.line), STC_WF_CALL_NONE,
            NULL);
    free(ipath);
    free(npath);
    free(loop);
}

static void jp_forever_begin(wf_ctx *c, const stc_node *s, wf_forever *fv)
{
    wf_scope *sc = c->scope;
    char *loop = wf_strf("$.sys.loop%d", fv->k);
    char *ipath = wf_strf("$.sys.loop%d.i", fv->k);
    int line = s->pos.line;
    const char *test = fv->test;

    cJSON *init = wf_state("Pass");
    cJSON *zero = stc_asl_add_obj(init, "Result");
    stc_asl_add_num(zero, "i", 0);
    stc_asl_add_str(init, "ResultPath", loop);
    wf_emit(c, init, wf_name(c, "Start while %s (line %d)", test, line), STC_WF_CALL_NONE, NULL);
    wf_then(c, init);

    cJSON *head = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(head, "Choices");
    cJSON *rule = stc_asl_rule_num(ipath, "NumericGreaterThanEquals", WF_FOREVER_ROUNDS);
    cJSON_AddItemToArray(chs, rule);
    fv->head = wf_emit(c, head, wf_name(c, "While %s (line %d)", test, line), STC_WF_CALL_NONE,
                       NULL);
    fv->prep = wf_name(c, "Prepare new execution (line %d)", line);
    fv->task = wf_name(c, "Continue as new (line %d)", line);
    fv->rule = rule;
    stc_asl_add_str(rule, "Next", fv->prep);
    stc_asl_exits_add(&sc->dangling, head, "Default");

    cJSON *count = wf_state("Pass");
    cJSON *cp = stc_asl_add_obj(count, "Parameters");
    char *inc = wf_strf("States.MathAdd(%s, 1)", ipath);
    stc_asl_add_str(cp, "i.$", inc);
    free(inc);
    stc_asl_add_str(count, "ResultPath", loop);
    wf_emit(c, count, wf_name(c, "Count round (line %d)", line), STC_WF_CALL_NONE, NULL);
    wf_then(c, count);
    free(ipath);
    free(loop);
}

static void jp_forever_end(wf_ctx *c, const stc_node *s, wf_forever *fv, long bound)
{
    (void)s;
    cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(fv->rule, "NumericGreaterThanEquals"),
                         (double)bound);
    cJSON *p = wf_state("Pass");
    cJSON *pp = stc_asl_add_obj(p, "Parameters");
    stc_asl_add_str(pp, "at", fv->head);
    stc_asl_add_lit(pp, "name.$", "States.UUID()");
    stc_asl_add_lit(p, "ResultPath", "$.sys.resume");
    stc_asl_add_str(p, "Next", fv->task);
    wf_add(c, p, fv->prep, STC_WF_CALL_NONE, NULL);

    cJSON *t = wf_state("Task");
    stc_asl_add_lit(t, "Resource", "arn:aws:states:::states:startExecution");
    cJSON *tp = stc_asl_add_obj(t, "Parameters");
    stc_asl_add_lit(tp, "StateMachineArn.$", "$$.StateMachine.Id");
    /* a name of its own makes a retried start idempotent */
    stc_asl_add_lit(tp, "Name.$", "$.sys.resume.name");
    cJSON *in = stc_asl_add_obj(tp, "Input");
    stc_asl_add_lit(in, "vars.$", "$.vars");
    stc_asl_add_lit(in, "sys.$", "$.sys");
    cJSON *sel = stc_asl_add_obj(t, "ResultSelector");
    stc_asl_add_lit(sel, "ContinuedAs.$", "$.ExecutionArn");
    stc_asl_add_lit(t, "ResultPath", "$");
    stc_asl_add(t, "Retry", stc_asl_retry_all());
    stc_asl_add_bool(t, "End", true);
    wf_add(c, t, fv->task, STC_WF_CALL_RESTART, NULL);
}

static void jp_resume_dispatch(wf_ctx *c)
{
    if (!c->nrestarts)
        return;
    cJSON *chs = wf_resume_choice(c);
    for (size_t i = 0; i < c->nrestarts; i++) {
        const wf_restart *rs = &c->restarts[i];
        cJSON *g[3] = {stc_asl_rule_bool("$.sys.resume.at", "IsPresent", true),
                       stc_asl_rule_bool("$.sys.resume.at", "IsString", true),
                       stc_asl_rule_str("$.sys.resume.at", "StringEquals", rs->head)};
        cJSON *rule = stc_asl_rule_join("And", g, 3);
        c->pos = rs->pos;
        const char *resume = wf_name(c, "Resume %s", rs->head);
        stc_asl_add_str(rule, "Next", resume);
        cJSON_AddItemToArray(chs, rule);
        cJSON *p = wf_state("Pass");
        cJSON *zero = stc_asl_add_obj(p, "Result");
        stc_asl_add_num(zero, "i", 0);
        char *slot = wf_strf("$.sys.loop%d", rs->loop);
        stc_asl_add_str(p, "ResultPath", slot);
        free(slot);
        stc_asl_add_str(p, "Next", rs->head);
        wf_add(c, p, resume, STC_WF_CALL_NONE, NULL);
    }
}

/* ---- try ---- */

/* A raised exception of one of `names`: $.sys.error.Error equal to one. */
static cJSON *jp_error_rule(wf_ctx *c, const char *const *names, size_t nn)
{
    (void)c;
    cJSON *rules[128];
    for (size_t k = 0; k < nn; k++)
        rules[k] = stc_asl_rule_str("$.sys.error.Error", "StringEquals", names[k]);
    return stc_asl_rule_join("Or", rules, nn);
}

static void jp_bind(wf_ctx *c, const stc_node *h)
{
    char *slot = wf_var_slot(h->id);
    wf_ev ev = wf_ev_path(stc_xstrdup("$.sys.error"), WF_T_DICT);
    wf_store(c, slot, &ev, wf_name(c, "Bind %s (line %d)", h->id, h->pos.line));
    free(slot);
}

static void jp_finally_save(wf_ctx *c, const stc_node *s, int k, const char *name)
{
    (void)s;
    char *keep = wf_strf("$.sys.fin%d", k);
    cJSON *save = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(save, "Parameters");
    stc_asl_add_lit(par, "value.$", "$.sys.error");
    stc_asl_add_str(save, "ResultPath", keep);
    wf_add(c, save, name, STC_WF_CALL_NONE, NULL);
    wf_then(c, save);
    free(keep);
}

static void jp_finally_reraise(wf_ctx *c, const stc_node *s, int k)
{
    char *keep = wf_strf("$.sys.fin%d", k);
    cJSON *re = wf_state("Pass");
    cJSON *rp = stc_asl_add_obj(re, "Parameters");
    char *e = wf_strf("%s.value.Error", keep), *cs = wf_strf("%s.value.Cause", keep);
    stc_asl_add_str(rp, "Error.$", e);
    stc_asl_add_str(rp, "Cause.$", cs);
    free(e);
    free(cs);
    stc_asl_add_lit(re, "ResultPath", "$.sys.error");
    c->pos = s->pos;
    wf_emit(c, re, wf_name(c, "Raise again after finally (line %d)", s->pos.line),
            STC_WF_CALL_NONE, NULL);
    stc_asl_add_str(re, "Next", wf_raise_target(c));
    free(keep);
}

/* ---- calls: Task, Parallel, Map, Wait ---- */

static void jp_payload_arg(wf_ctx *c, void *ud, const char *param, const stc_node *arg)
{
    wf_ev ev = wf_expr(c, arg);
    wf_ev_put(ud, param, &ev);
}

/* The arguments of a call as a JSON object keyed by the callee's parameter
 * names (args compiled in the current scope). */
static cJSON *wf_payload(wf_ctx *c, const stc_node *call, const stc_method *callee)
{
    cJSON *payload = cJSON_CreateObject();
    wf_call_args(c, call, callee, jp_payload_arg, payload);
    return payload;
}

static cJSON *wf_task(wf_ctx *c, const stc_node *call, const stc_unit_info *u)
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
    cJSON *payload = wf_payload(c, call, u->method);
    cJSON *st = wf_state("Task");
    char *ph = stc_workflow_placeholder(u->method->name,
                                        workflow ? STC_WF_CALL_WORKFLOW : STC_WF_CALL_FUNCTION);
    char *ref = wf_strf("${%s}", ph);
    /* A nested state machine (run to its end) or a Lambda function: the same
     * Task with the integration's own field names. */
    stc_asl_add_lit(st, "Resource", workflow ? "arn:aws:states:::states:startExecution.sync:2"
                                             : "arn:aws:states:::lambda:invoke");
    cJSON *par = stc_asl_add_obj(st, "Parameters");
    stc_asl_add_str(par, workflow ? "StateMachineArn" : "FunctionName", ref);
    stc_asl_add(par, workflow ? "Input" : "Payload", payload);
    cJSON *sel = stc_asl_add_obj(st, "ResultSelector");
    stc_asl_add_lit(sel, "value.$", workflow ? "$.Output" : "$.Payload");
    free(ref);
    free(ph);
    return st;
}

/* Retry and Catch, then emit the Task into the current scope. */
static void wf_task_finish(wf_ctx *c, cJSON *st, const stc_unit_info *u, const stc_node *call)
{
    bool workflow = u->method->is_async;
    if (!workflow)
        stc_asl_add(st, "Retry", stc_asl_lambda_retry());
    stc_pos saved = c->pos;
    c->pos = call->pos;
    wf_add_catch(c, st, workflow ? WF_NORM_WORKFLOW : WF_NORM_LAMBDA);
    const char *where = c->scope->where;
    const char *name = where[0] ? wf_name(c, "%s %s%s", workflow ? "Run" : "Call", u->method->name,
                                          where)
                                : wf_name(c, "%s %s (line %d)", workflow ? "Run" : "Call",
                                          u->method->name, call->pos.line);
    wf_emit(c, st, name, workflow ? STC_WF_CALL_WORKFLOW : STC_WF_CALL_FUNCTION, u->method->name);
    c->pos = saved;
}

static void wf_result_path(cJSON *st, const char *slot)
{
    if (slot)
        stc_asl_add_str(st, "ResultPath", slot);
    else
        stc_asl_add_null(st, "ResultPath");
}

/* A single Task state ending a branch or item processor: its output is the value. */
static void wf_branch_task(wf_ctx *c, const stc_node *call, const stc_unit_info *u)
{
    cJSON *st = wf_task(c, call, u);
    stc_asl_add_lit(st, "OutputPath", "$.value");
    stc_asl_add_bool(st, "End", true);
    wf_task_finish(c, st, u, call);
}

static void wf_map(wf_ctx *c, const stc_node *comp, const char *slot, bool concurrent)
{
    const stc_unit_info *u = wf_map_shape(c, comp, concurrent, c->capture);
    if (!u)
        return;
    const stc_node *gen = comp->l1.items[0];
    const stc_node *elt = comp->a;
    char *items_text = wf_text(c, gen->b, WF_TEXT_MAX);
    wf_ev items = wf_expr(c, gen->b);
    char *items_path = wf_ev_as_path(c, &items, items_text);
    const char *var = gen->a->id;

    cJSON *proc = cJSON_CreateObject();
    cJSON *cfg = stc_asl_add_obj(proc, "ProcessorConfig");
    stc_asl_add_lit(cfg, "Mode", "INLINE");
    wf_scope sc;
    wf_scope_save saved;
    wf_scope_enter(c, &sc, proc, wf_strf(" (line %d, each %s)", comp->pos.line, var), &saved);
    bool added_local = !wf_is_local(c, var);
    if (added_local) {
        c->locals = stc_xrealloc(c->locals, (c->nlocals + 1) * sizeof *c->locals);
        c->locals[c->nlocals++] = stc_xstrdup(var);
    }
    c->capture = true;
    wf_branch_task(c, elt, u);
    c->capture = false;
    if (added_local)
        free(c->locals[--c->nlocals]);
    wf_scope_leave(c, &sc, &saved);

    cJSON *map = wf_state("Map");
    stc_asl_add(map, "ItemProcessor", proc);
    stc_asl_add_str(map, "ItemsPath", items_path);
    cJSON *sel = stc_asl_add_obj(map, "ItemSelector");
    cJSON *vars = stc_asl_add_obj(sel, "vars");
    cJSON *iv = cJSON_AddObjectToObject(vars, var);
    stc_asl_add_lit(iv, "value.$", "$$.Map.Item.Value");
    for (size_t i = 0; i < c->nrefs; i++) {
        if (strcmp(c->refs[i], var) != 0) {
            cJSON *o = cJSON_AddObjectToObject(vars, c->refs[i]);
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "$.vars");
            stc_asl_path_key(&b, c->refs[i]);
            stc_buf_puts(&b, ".value");
            stc_asl_add_str(o, "value.$", stc_buf_cstr(&b));
            stc_buf_free(&b);
        }
        free(c->refs[i]);
    }
    c->nrefs = 0;
    stc_asl_add_obj(sel, "sys");
    if (!concurrent)
        stc_asl_add_num(map, "MaxConcurrency", 1);
    cJSON *rs = stc_asl_add_obj(map, "ResultSelector");
    stc_asl_add_lit(rs, "value.$", "$");
    wf_result_path(map, slot);
    wf_add_catch(c, map, WF_NORM_PLAIN);
    wf_emit(c, map, wf_name(c, "Map %s over %s (line %d)", u->method->name, items_text,
                            comp->pos.line),
            STC_WF_CALL_NONE, NULL);
    wf_then(c, map);
    free(items_path);
    free(items_text);
}

bool wf_parallel(wf_ctx *c, const stc_node *gather, const char *slot, const stc_list *targets)
{
    const stc_node *comp;
    bool ok;
    const stc_unit_info **us = wf_gather_shape(c, gather, targets ? targets->count : 0, &comp,
                                               &ok);
    if (!ok)
        return false;
    if (comp) {
        wf_map(c, comp, slot, true);
        return true;
    }
    cJSON *par = wf_state("Parallel");
    cJSON *branches = stc_asl_add_arr(par, "Branches");
    stc_buf names = STC_BUF_INIT;
    for (size_t i = 0; i < gather->l1.count; i++) {
        cJSON *br = cJSON_CreateObject();
        wf_scope sc;
        wf_scope_save saved;
        wf_scope_enter(c, &sc, br, wf_strf(" (line %d, branch %zu)", gather->pos.line, i + 1),
                       &saved);
        wf_branch_task(c, gather->l1.items[i], us[i]);
        wf_scope_leave(c, &sc, &saved);
        cJSON_AddItemToArray(branches, br);
        wf_bprintf(&names, "%s%s", i ? ", " : "", us[i]->method->name);
    }
    free(us);
    cJSON *rs = stc_asl_add_obj(par, "ResultSelector");
    if (targets) {
        for (size_t i = 0; i < targets->count; i++) {
            cJSON *o = cJSON_AddObjectToObject(rs, targets->items[i]->id);
            char *p = wf_strf("$[%zu]", i);
            stc_asl_add_str(o, "value.$", p);
            free(p);
        }
        stc_asl_add_lit(par, "ResultPath", "$.sys.unpack");
    } else {
        stc_asl_add_lit(rs, "value.$", "$");
        wf_result_path(par, slot);
    }
    wf_add_catch(c, par, WF_NORM_PLAIN);
    wf_emit(c, par, wf_name(c, "Gather %s (line %d)", stc_buf_cstr(&names), gather->pos.line),
            STC_WF_CALL_NONE, NULL);
    wf_then(c, par);
    stc_buf_free(&names);
    return true;
}

static void wf_wait(wf_ctx *c, const stc_node *call)
{
    if (call->l1.count != 1 || call->l2.count) {
        wf_diag(c, call, WF_E_SLEEP, "sleep() takes one duration in seconds here");
        return;
    }
    const stc_node *arg = call->l1.items[0];
    wf_ev ev = wf_expr(c, arg);
    cJSON *w = wf_state("Wait");
    if (ev.kind == WF_EV_CONST) {
        if (!cJSON_IsNumber(ev.json) || ev.json->valuedouble < 0 ||
            ev.json->valuedouble != floor(ev.json->valuedouble) || ev.json->valuedouble > 31536000) {
            stc_diag *dg = wf_diag(c, arg, WF_E_SLEEP,
                                   "a Wait state waits a whole number of seconds from 0 to a year");
            stc_diag_set_hint(dg, "write a whole number such as sleep(10)");
            wf_ev_free(&ev);
            cJSON_Delete(w);
            return;
        }
        if (ev.json->valuedouble == 0) { /* sleep(0) only yields: no Wait */
            wf_ev_free(&ev);
            cJSON_Delete(w);
            return;
        }
        stc_asl_add_num(w, "Seconds", ev.json->valuedouble);
        wf_ev_free(&ev);
    } else {
        char *p = wf_ev_as_path(c, &ev, "duration");
        stc_asl_add_str(w, "SecondsPath", p);
        free(p);
    }
    char *t = wf_text(c, arg, WF_TEXT_MAX);
    stc_pos saved = c->pos;
    c->pos = call->pos;
    wf_emit(c, w, wf_name(c, "Sleep %s (line %d)", t, call->pos.line), STC_WF_CALL_NONE, NULL);
    c->pos = saved;
    wf_then(c, w);
    free(t);
}

bool wf_call_stmt(wf_ctx *c, const stc_node *n, const char *slot, const char *label)
{
    (void)label;
    const stc_node *inner;
    const stc_unit_info *u;
    wf_call_kind k = wf_call_classify(c, n, &inner, &u);
    if (k == WF_CALL_NONE)
        return false;
    if (k == WF_CALL_COMPREHENSION) {
        wf_map(c, inner, slot, false);
        return true;
    }
    if (k == WF_CALL_TASK) {
        cJSON *st = wf_task(c, inner, u);
        wf_result_path(st, slot);
        wf_task_finish(c, st, u, inner);
        wf_then(c, st);
        return true;
    }
    bool is_sleep = k == WF_CALL_SLEEP;
    if (k == WF_CALL_DONE)
        return true;
    if (is_sleep) {
        wf_wait(c, inner);
        if (slot) {
            wf_ev none = wf_ev_const(cJSON_CreateNull());
            wf_store(c, slot, &none, wf_name(c, "None from sleep (line %d)", inner->pos.line));
        }
        return true;
    }
    wf_parallel(c, inner, slot, NULL);
    return true;
}

const wf_backend wf_jsonpath = {
    .name = "jsonpath",
    .start = jp_start,
    .finish = jp_finish,
    .expr_stmt = jp_expr_stmt,
    .assign = jp_assign,
    .ann_assign = jp_ann_assign,
    .aug_assign = jp_aug_assign,
    .del = NULL,
    .ret = jp_return,
    .raise_new = jp_raise_new,
    .raise_var = jp_raise_var,
    .reraise = jp_reraise,
    .cond = wf_jp_cond,
    .for_begin = jp_for_begin,
    .for_next = jp_for_next,
    .forever_begin = jp_forever_begin,
    .forever_end = jp_forever_end,
    .error_rule = jp_error_rule,
    .dispatch_default = NULL,
    .bind = jp_bind,
    .finally_save = jp_finally_save,
    .finally_reraise = jp_finally_reraise,
    .uncaught = jp_uncaught,
    .settle = NULL,
};
