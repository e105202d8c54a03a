/* jsonpath_expr.c - the JSONPath back end's expressions: Python expressions
 * -> ASL paths, intrinsic functions, Parameters templates and Choice rules.
 * See jsonpath.h and docs/workflow-compiler.md. */
#include <math.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/jsonpath.h"

#define WF_TEXT_MAX 40

/* ---- values ---- */

void wf_ev_free(wf_ev *ev)
{
    cJSON_Delete(ev->json);
    free(ev->text);
    ev->json = NULL;
    ev->text = NULL;
}

static wf_type wf_json_type(const cJSON *j)
{
    if (cJSON_IsNull(j))
        return WF_T_NONE;
    if (cJSON_IsBool(j))
        return WF_T_BOOL;
    if (cJSON_IsNumber(j))
        return WF_T_NUM;
    if (cJSON_IsString(j))
        return WF_T_STR;
    if (cJSON_IsArray(j))
        return WF_T_LIST;
    return WF_T_DICT;
}

wf_ev wf_ev_const(cJSON *take)
{
    wf_ev ev = {WF_EV_CONST, wf_json_type(take), take, NULL};
    return ev;
}

wf_ev wf_ev_path(char *take, wf_type t)
{
    wf_ev ev = {WF_EV_PATH, t, NULL, take};
    return ev;
}

static wf_ev wf_ev_fn(char *take, wf_type t)
{
    wf_ev ev = {WF_EV_FN, t, NULL, take};
    return ev;
}

static wf_ev wf_null(void)
{
    return wf_ev_const(cJSON_CreateNull());
}

void wf_ev_put(cJSON *obj, const char *key, wf_ev *ev)
{
    cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
    char *k2 = wf_strf("%s.$", key);
    cJSON_DeleteItemFromObjectCaseSensitive(obj, k2);
    switch (ev->kind) {
    case WF_EV_CONST:
    case WF_EV_OBJ:
        cJSON_AddItemToObject(obj, key, ev->json);
        ev->json = NULL;
        break;
    case WF_EV_PATH:
    case WF_EV_FN:
        cJSON_AddStringToObject(obj, k2, ev->text);
        break;
    }
    free(k2);
    wf_ev_free(ev);
}

static void wf_num_text(stc_buf *b, double v)
{
    if (v == (double)(long long)v && fabs(v) < 1e15)
        wf_bprintf(b, "%lld", (long long)v);
    else
        wf_bprintf(b, "%.17g", v);
}

char *wf_temp(wf_ctx *c)
{
    return wf_strf("$.sys.t%d", ++c->ntemp);
}

/* A Pass that computes `ev` into a temporary; returns its path. */
static char *wf_materialize(wf_ctx *c, wf_ev *ev, const char *what)
{
    char *slot = wf_temp(c);
    wf_store(c, slot, ev, wf_name(c, "Compute %s (line %d)", what, c->pos.line));
    char *path = wf_strf("%s.value", slot);
    free(slot);
    return path;
}

char *wf_ev_as_path(wf_ctx *c, wf_ev *ev, const char *what)
{
    if (ev->kind == WF_EV_PATH) {
        char *p = ev->text;
        ev->text = NULL;
        wf_ev_free(ev);
        return p;
    }
    return wf_materialize(c, ev, what);
}

/* The value as an intrinsic-function argument (consumes ev). */
static void wf_arg(wf_ctx *c, stc_buf *b, wf_ev *ev, const char *what)
{
    if (ev->kind == WF_EV_CONST) {
        const cJSON *j = ev->json;
        if (cJSON_IsString(j)) {
            stc_asl_quote(b, j->valuestring);
        } else if (cJSON_IsNumber(j)) {
            wf_num_text(b, j->valuedouble);
        } else if (cJSON_IsBool(j)) {
            stc_buf_puts(b, cJSON_IsTrue(j) ? "true" : "false");
        } else if (cJSON_IsNull(j)) {
            stc_buf_puts(b, "null");
        } else {
            char *p = wf_materialize(c, ev, what);
            stc_buf_puts(b, p);
            free(p);
            return;
        }
        wf_ev_free(ev);
        return;
    }
    if (ev->kind == WF_EV_OBJ) {
        char *p = wf_materialize(c, ev, what);
        stc_buf_puts(b, p);
        free(p);
        return;
    }
    stc_buf_puts(b, ev->text);
    wf_ev_free(ev);
}

void wf_store(wf_ctx *c, const char *slot, wf_ev *ev, const char *name)
{
    if (!wf_live(c)) {
        wf_ev_free(ev);
        return;
    }
    cJSON *p = wf_state("Pass");
    if (ev->kind == WF_EV_CONST) {
        cJSON *r = stc_asl_add_obj(p, "Result");
        stc_asl_add(r, "value", ev->json);
        ev->json = NULL;
        wf_ev_free(ev);
    } else {
        cJSON *par = stc_asl_add_obj(p, "Parameters");
        wf_ev_put(par, "value", ev);
    }
    stc_asl_add_str(p, "ResultPath", slot);
    wf_emit(c, p, name, STC_WF_CALL_NONE, NULL);
    wf_then(c, p);
}

/* What the compiler can rely on to pick an operator (a declared type counts
 * here; Python would raise TypeError on a value of another type). */
static wf_type wf_static_type(wf_ctx *c, const stc_node *n, const wf_ev *ev)
{
    if (ev->type != WF_T_ANY)
        return ev->type;
    if (n->kind == STC_N_NAME)
        return wf_declared_type(c, n->id);
    return WF_T_ANY;
}

static void wf_note_ref(wf_ctx *c, const char *name)
{
    if (!c->capture)
        return;
    for (size_t i = 0; i < c->nrefs; i++)
        if (strcmp(c->refs[i], name) == 0)
            return;
    c->refs = stc_xrealloc(c->refs, (c->nrefs + 1) * sizeof *c->refs);
    c->refs[c->nrefs++] = stc_xstrdup(name);
}

/* ---- expressions ---- */

/* The diagnostic alone, for callers that give up on the expression. */
static void wf_refuse_op_diag(wf_ctx *c, const stc_node *n)
{
    char *t = wf_text(c, n, WF_TEXT_MAX);
    stc_diag *dg = wf_diag(c, n, WF_E_EXPRESSION,
                           "'%s' cannot run inside a workflow; move it into an internal function "
                           "such as _compute(...)",
                           t);
    stc_diag_set_hint(dg, "a workflow can only do what Step Functions does exactly: paths, "
                          "intrinsic functions and Choice rules");
    free(t);
}

static wf_ev wf_refuse_op(wf_ctx *c, const stc_node *n)
{
    wf_refuse_op_diag(c, n);
    return wf_null();
}

static wf_ev wf_list(wf_ctx *c, const stc_node *n)
{
    bool all_const = true;
    wf_ev *evs = stc_xcalloc(n->l1.count + 1, sizeof *evs);
    for (size_t i = 0; i < n->l1.count; i++) {
        const stc_node *e = n->l1.items[i];
        if (e->kind == STC_N_STARRED) {
            evs[i] = wf_refuse_op(c, e);
            continue;
        }
        evs[i] = wf_expr(c, e);
        if (evs[i].kind != WF_EV_CONST)
            all_const = false;
    }
    wf_ev out;
    if (all_const) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < n->l1.count; i++) {
            cJSON_AddItemToArray(arr, evs[i].json);
            evs[i].json = NULL;
        }
        out = wf_ev_const(arr);
    } else {
        stc_buf b = STC_BUF_INIT;
        stc_buf_puts(&b, "States.Array(");
        for (size_t i = 0; i < n->l1.count; i++) {
            if (i)
                stc_buf_puts(&b, ", ");
            wf_arg(c, &b, &evs[i], "list item");
        }
        stc_buf_putc(&b, ')');
        out = wf_ev_fn(stc_buf_take(&b), WF_T_LIST);
    }
    for (size_t i = 0; i < n->l1.count; i++)
        wf_ev_free(&evs[i]);
    free(evs);
    return out;
}

static bool wf_key_ok(wf_ctx *c, const stc_node *k)
{
    if (!k || k->kind != STC_N_CONSTANT || k->cval.kind != STC_CONST_STR) {
        stc_diag *dg = wf_diag(c, k, WF_E_DICT_KEY,
                               "a dict key in a workflow must be a string constant");
        stc_diag_set_hint(dg, "JSON objects have string keys; build other dicts in an internal "
                              "function");
        return false;
    }
    size_t n = strlen(k->sval);
    if (n >= 2 && strcmp(k->sval + n - 2, ".$") == 0) {
        wf_diag(c, k, WF_E_DICT_KEY,
                "the key '%s' ends in '.$', which ASL reads as a path; rename the key", k->sval);
        return false;
    }
    return true;
}


/* {**a, **b}: States.JsonMerge(a, b, false), shallow as Python's merge is. */
static wf_ev wf_json_merge(wf_ctx *c, wf_ev *acc, wf_ev *part)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "States.JsonMerge(");
    wf_arg(c, &b, acc, "dict");
    stc_buf_puts(&b, ", ");
    wf_arg(c, &b, part, "dict");
    stc_buf_puts(&b, ", false)");
    return wf_ev_fn(stc_buf_take(&b), WF_T_DICT);
}
static wf_ev wf_dict(wf_ctx *c, const stc_node *n)
{
    /* Runs of literal keys become template objects; ** spreads merge in order. */
    wf_ev acc = {0};
    bool have_acc = false;
    cJSON *run = NULL;
    bool run_const = true;
    size_t count = n->l1.count;
    for (size_t i = 0; i <= count; i++) {
        const stc_node *k = i < count ? n->l1.items[i] : NULL;
        bool spread = i < count && !k;
        if (i < count && !spread) {
            if (!wf_key_ok(c, k))
                continue;
            wf_ev v = wf_expr(c, n->l2.items[i]);
            if (!run)
                run = cJSON_CreateObject();
            if (v.kind != WF_EV_CONST)
                run_const = false;
            wf_ev_put(run, k->sval, &v);
            continue;
        }
        /* a spread or the end: close the current run */
        if (run) {
            wf_ev part = {run_const ? WF_EV_CONST : WF_EV_OBJ, WF_T_DICT, run, NULL};
            run = NULL;
            run_const = true;
            if (!have_acc) {
                acc = part;
                have_acc = true;
            } else {
                acc = wf_json_merge(c, &acc, &part);
            }
        }
        if (spread) {
            wf_ev part = wf_expr(c, n->l2.items[i]);
            if (!have_acc) {
                /* {**a} alone is a copy of a: keep it, but make it a dict */
                acc = part;
                acc.type = WF_T_DICT;
                have_acc = true;
            } else {
                acc = wf_json_merge(c, &acc, &part);
            }
        }
    }
    if (!have_acc)
        return wf_ev_const(cJSON_CreateObject());
    return acc;
}

wf_ev wf_ev_str(wf_ctx *c, wf_ev *ev)
{
    wf_ev out;
    if (ev->kind == WF_EV_CONST) {
        const cJSON *j = ev->json;
        char *s = NULL;
        if (cJSON_IsString(j))
            s = stc_xstrdup(j->valuestring);
        else if (cJSON_IsNull(j))
            s = stc_xstrdup("None");
        else if (cJSON_IsBool(j))
            s = stc_xstrdup(cJSON_IsTrue(j) ? "True" : "False");
        else if (cJSON_IsNumber(j) && j->valuedouble == (double)(long long)j->valuedouble &&
                 fabs(j->valuedouble) < 1e15)
            s = wf_strf("%lld", (long long)j->valuedouble);
        if (s) {
            wf_ev_free(ev);
            out = wf_ev_const(cJSON_CreateString(s));
            free(s);
            return out;
        }
    }
    if (ev->type == WF_T_STR) {
        out = *ev;
        memset(ev, 0, sizeof *ev);
        return out;
    }
    if (ev->type == WF_T_BOOL || ev->type == WF_T_NONE || ev->type == WF_T_LIST ||
        ev->type == WF_T_DICT) {
        wf_diag(c, NULL, WF_E_FORMAT,
                "str() of a %s renders differently in ASL; convert it in an internal function",
                ev->type == WF_T_BOOL ? "bool" : ev->type == WF_T_NONE ? "None"
                : ev->type == WF_T_LIST ? "list" : "dict");
        wf_ev_free(ev);
        return wf_null();
    }
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "States.Format('{}', ");
    wf_arg(c, &b, ev, "value");
    stc_buf_putc(&b, ')');
    return wf_ev_fn(stc_buf_take(&b), WF_T_STR);
}

static wf_ev wf_fstring(wf_ctx *c, const stc_node *n)
{
    stc_buf tmpl = STC_BUF_INIT, args = STC_BUF_INIT;
    int nargs = 0;
    for (size_t i = 0; i < n->l1.count; i++) {
        const stc_node *part = n->l1.items[i];
        if (part->kind == STC_N_CONSTANT && part->cval.kind == STC_CONST_STR) {
            stc_asl_format_text(&tmpl, part->sval, part->slen);
            continue;
        }
        if (part->kind != STC_N_FORMATTED_VALUE)
            continue;
        if (part->level != -1 || part->b) {
            char *t = wf_text(c, part, WF_TEXT_MAX);
            wf_diag(c, part->a, WF_E_FORMAT,
                    "the conversion or format spec in '%s' has no ASL equivalent; format the "
                    "value in an internal function",
                    t);
            free(t);
            continue;
        }
        wf_ev v = wf_expr(c, part->a);
        if (v.kind == WF_EV_CONST) {
            wf_ev s = wf_ev_str(c, &v);
            if (s.kind == WF_EV_CONST && cJSON_IsString(s.json))
                stc_asl_format_text(&tmpl, s.json->valuestring, strlen(s.json->valuestring));
            wf_ev_free(&s);
            continue;
        }
        wf_type st = wf_static_type(c, part->a, &v);
        if (st == WF_T_BOOL || st == WF_T_NONE || st == WF_T_LIST || st == WF_T_DICT) {
            char *t = wf_text(c, part->a, WF_TEXT_MAX);
            wf_diag(c, part->a, WF_E_FORMAT,
                    "'%s' is not a string or a whole number; ASL would render it differently from "
                    "Python",
                    t);
            free(t);
            wf_ev_free(&v);
            continue;
        }
        stc_buf_puts(&tmpl, "{}");
        stc_buf_puts(&args, ", ");
        wf_arg(c, &args, &v, "f-string value");
        nargs++;
    }
    wf_ev out;
    if (!nargs) {
        /* no placeholders: the template text is the string (unescape) */
        stc_buf plain = STC_BUF_INIT;
        const char *s = stc_buf_cstr(&tmpl);
        for (; *s; s++) {
            if (*s == '\\' && s[1])
                s++;
            stc_buf_putc(&plain, *s);
        }
        out = wf_ev_const(cJSON_CreateString(stc_buf_cstr(&plain)));
        stc_buf_free(&plain);
    } else {
        char *fn = wf_strf("States.Format('%s'%s)", stc_buf_cstr(&tmpl), stc_buf_cstr(&args));
        out = wf_ev_fn(fn, WF_T_STR);
    }
    stc_buf_free(&tmpl);
    stc_buf_free(&args);
    return out;
}

static bool wf_is_int_const(const wf_ev *ev)
{
    return ev->kind == WF_EV_CONST && cJSON_IsNumber(ev->json) &&
           ev->json->valuedouble == floor(ev->json->valuedouble);
}

static wf_ev wf_binop(wf_ctx *c, const stc_node *n)
{
    const char *op = n->id;
    if (strcmp(op, "+") != 0 && strcmp(op, "-") != 0)
        return wf_refuse_op(c, n);
    wf_ev a = wf_expr(c, n->a);
    wf_ev b = wf_expr(c, n->b);
    wf_type ta = wf_static_type(c, n->a, &a), tb = wf_static_type(c, n->b, &b);
    /* constant folding */
    if (a.kind == WF_EV_CONST && b.kind == WF_EV_CONST) {
        cJSON *r = NULL;
        if (cJSON_IsNumber(a.json) && cJSON_IsNumber(b.json) && !cJSON_IsBool(a.json))
            r = cJSON_CreateNumber(op[0] == '+' ? a.json->valuedouble + b.json->valuedouble
                                                : a.json->valuedouble - b.json->valuedouble);
        else if (op[0] == '+' && cJSON_IsString(a.json) && cJSON_IsString(b.json)) {
            char *s = wf_strf("%s%s", a.json->valuestring, b.json->valuestring);
            r = cJSON_CreateString(s);
            free(s);
        } else if (op[0] == '+' && cJSON_IsArray(a.json) && cJSON_IsArray(b.json)) {
            r = cJSON_Duplicate(a.json, true);
            cJSON *it;
            cJSON_ArrayForEach(it, b.json) cJSON_AddItemToArray(r, cJSON_Duplicate(it, true));
        }
        wf_ev_free(&a);
        wf_ev_free(&b);
        if (r)
            return wf_ev_const(r);
        return wf_refuse_op(c, n);
    }
    if (op[0] == '+' && (ta == WF_T_STR || tb == WF_T_STR)) {
        stc_buf s = STC_BUF_INIT;
        stc_buf_puts(&s, "States.Format('{}{}', ");
        wf_arg(c, &s, &a, "left operand");
        stc_buf_puts(&s, ", ");
        wf_arg(c, &s, &b, "right operand");
        stc_buf_putc(&s, ')');
        return wf_ev_fn(stc_buf_take(&s), WF_T_STR);
    }
    bool floaty = (a.kind == WF_EV_CONST && !wf_is_int_const(&a)) ||
                  (b.kind == WF_EV_CONST && !wf_is_int_const(&b));
    if (ta == WF_T_LIST || tb == WF_T_LIST || ta == WF_T_DICT || tb == WF_T_DICT || floaty ||
        (op[0] == '-' && b.kind != WF_EV_CONST)) {
        wf_ev_free(&a);
        wf_ev_free(&b);
        return wf_refuse_op(c, n);
    }
    if (op[0] == '-') {
        b.json->valuedouble = -b.json->valuedouble;
        b.json->valueint = -b.json->valueint;
    }
    stc_buf s = STC_BUF_INIT;
    stc_buf_puts(&s, "States.MathAdd(");
    wf_arg(c, &s, &a, "left operand");
    stc_buf_puts(&s, ", ");
    wf_arg(c, &s, &b, "right operand");
    stc_buf_putc(&s, ')');
    return wf_ev_fn(stc_buf_take(&s), WF_T_NUM);
}

static wf_ev wf_subscript(wf_ctx *c, const stc_node *n)
{
    if (n->b->kind == STC_N_SLICE)
        return wf_refuse_op(c, n);
    wf_ev base = wf_expr(c, n->a);
    wf_type bt = wf_static_type(c, n->a, &base);
    wf_ev key = wf_expr(c, n->b);
    if (key.kind == WF_EV_CONST && cJSON_IsString(key.json) && bt != WF_T_LIST) {
        if (!stc_asl_plain_key(key.json->valuestring)) {
            stc_diag *dg = wf_diag(c, n->b, WF_E_DICT_KEY,
                                   "the key '%s' cannot be written in a path the ASL validators "
                                   "accept; use keys made of letters, digits and '_'",
                                   key.json->valuestring);
            stc_diag_set_hint(dg, "or read the value in an internal function");
            wf_ev_free(&base);
            wf_ev_free(&key);
            return wf_null();
        }
        char *p = wf_ev_as_path(c, &base, "subscript base");
        stc_buf b = STC_BUF_INIT;
        stc_buf_puts(&b, p);
        stc_asl_path_key(&b, key.json->valuestring);
        free(p);
        wf_ev_free(&key);
        return wf_ev_path(stc_buf_take(&b), WF_T_ANY);
    }
    if (wf_is_int_const(&key) && bt != WF_T_DICT && bt != WF_T_STR) {
        long long i = (long long)key.json->valuedouble;
        wf_ev_free(&key);
        char *p = wf_ev_as_path(c, &base, "subscript base");
        if (i >= 0) {
            char *q = wf_strf("%s[%lld]", p, i);
            free(p);
            return wf_ev_path(q, WF_T_ANY);
        }
        char *fn = wf_strf("States.ArrayGetItem(%s, States.MathAdd(States.ArrayLength(%s), "
                                 "%lld))",
                                 p, p, i);
        free(p);
        return wf_ev_fn(fn, WF_T_ANY);
    }
    wf_type kt = wf_static_type(c, n->b, &key);
    if (bt == WF_T_DICT || bt == WF_T_STR || kt == WF_T_STR || key.kind == WF_EV_CONST) {
        wf_ev_free(&base);
        wf_ev_free(&key);
        return wf_refuse_op(c, n);
    }
    char *p = wf_ev_as_path(c, &base, "subscript base");
    stc_buf b = STC_BUF_INIT;
    wf_bprintf(&b, "States.ArrayGetItem(%s, ", p);
    free(p);
    wf_arg(c, &b, &key, "index");
    stc_buf_putc(&b, ')');
    return wf_ev_fn(stc_buf_take(&b), WF_T_ANY);
}

/* `x = <cond>` and friends: a Choice and a Pass per outcome into a temporary. */
static wf_ev wf_bool_value(wf_ctx *c, const stc_node *n)
{
    char *slot = wf_temp(c);
    char *t = wf_text(c, n, WF_TEXT_MAX);
    stc_asl_exits te = {0}, fe = {0}, done = {0};
    wf_jp_cond(c, n, &te, &fe);
    stc_asl_exits_move(&c->scope->dangling, &te);
    wf_ev v = wf_ev_const(cJSON_CreateTrue());
    wf_store(c, slot, &v, wf_name(c, "True: %s (line %d)", t, c->pos.line));
    stc_asl_exits_move(&done, &c->scope->dangling);
    stc_asl_exits_move(&c->scope->dangling, &fe);
    v = wf_ev_const(cJSON_CreateFalse());
    wf_store(c, slot, &v, wf_name(c, "False: %s (line %d)", t, c->pos.line));
    stc_asl_exits_move(&c->scope->dangling, &done);
    stc_asl_exits_free(&te);
    stc_asl_exits_free(&fe);
    stc_asl_exits_free(&done);
    free(t);
    char *p = wf_strf("%s.value", slot);
    free(slot);
    return wf_ev_path(p, WF_T_BOOL);
}

static cJSON *wf_truthy(wf_ctx *c, const char *path, wf_type t, const char *what);

/* `a if c else b` */
static wf_ev wf_ifexp(wf_ctx *c, const stc_node *n)
{
    char *slot = wf_temp(c);
    char *t = wf_text(c, n->a, WF_TEXT_MAX);
    stc_asl_exits te = {0}, fe = {0}, done = {0};
    wf_jp_cond(c, n->a, &te, &fe);
    stc_asl_exits_move(&c->scope->dangling, &te);
    wf_type types[2] = {WF_T_ANY, WF_T_ANY};
    bool live[2] = {false, false};
    for (int side = 0; side < 2; side++) {
        if (side == 1) {
            stc_asl_exits_move(&done, &c->scope->dangling);
            stc_asl_exits_move(&c->scope->dangling, &fe);
        }
        if (!wf_live(c))
            continue;
        live[side] = true;
        wf_ev v = wf_expr(c, side == 0 ? n->b : n->c);
        types[side] = v.type;
        wf_store(c, slot, &v,
                 wf_name(c, "%s: %s (line %d)", side == 0 ? "Then" : "Else", t, c->pos.line));
    }
    stc_asl_exits_move(&c->scope->dangling, &done);
    stc_asl_exits_free(&te);
    stc_asl_exits_free(&fe);
    stc_asl_exits_free(&done);
    free(t);
    char *p = wf_strf("%s.value", slot);
    free(slot);
    wf_type ty = !live[0] ? types[1] : !live[1] ? types[0] : types[0] == types[1] ? types[0]
                                                                                 : WF_T_ANY;
    return wf_ev_path(p, ty);
}

/* `a or b`, `a and b` as values: Python returns one of the operands. */
static wf_ev wf_boolop_value(wf_ctx *c, const stc_node *n)
{
    bool is_or = strcmp(n->id, "or") == 0;
    char *slot = wf_temp(c);
    stc_asl_exits done = {0};
    char *t = wf_text(c, n, WF_TEXT_MAX);
    for (size_t i = 0; i < n->l1.count; i++) {
        if (!wf_live(c))
            break;
        wf_ev v = wf_expr(c, n->l1.items[i]);
        if (i + 1 == n->l1.count) {
            wf_store(c, slot, &v, wf_name(c, "Value of %s (line %d)", t, c->pos.line));
            break;
        }
        char *p = wf_ev_as_path(c, &v, "operand");
        cJSON *rule = wf_truthy(c, p, v.type, "operand");
        cJSON *ch = wf_state("Choice");
        cJSON *chs = stc_asl_add_arr(ch, "Choices");
        cJSON_AddItemToArray(chs, rule);
        wf_emit(c, ch, wf_name(c, "Test %s (line %d)", t, c->pos.line), STC_WF_CALL_NONE, NULL);
        /* the operand that decides goes to the slot; the other case goes on */
        stc_asl_exits_add(&c->scope->dangling, is_or ? rule : ch, is_or ? "Next" : "Default");
        wf_ev pv = wf_ev_path(stc_xstrdup(p), WF_T_ANY);
        wf_store(c, slot, &pv, wf_name(c, "Value of %s (line %d)", t, c->pos.line));
        stc_asl_exits_move(&done, &c->scope->dangling);
        stc_asl_exits_add(&c->scope->dangling, is_or ? ch : rule, is_or ? "Default" : "Next");
        free(p);
    }
    stc_asl_exits_move(&c->scope->dangling, &done);
    stc_asl_exits_free(&done);
    free(t);
    char *p = wf_strf("%s.value", slot);
    free(slot);
    return wf_ev_path(p, WF_T_ANY);
}

static wf_ev wf_builtin_call(wf_ctx *c, const stc_node *n);

wf_ev wf_expr(wf_ctx *c, const stc_node *n)
{
    switch (n->kind) {
    case STC_N_CONSTANT: {
        cJSON *j = wf_const_json(c, n);
        return j ? wf_ev_const(j) : wf_null();
    }
    case STC_N_NAME: {
        if (wf_is_local(c, n->id)) {
            wf_note_ref(c, n->id);
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "$.vars");
            stc_asl_path_key(&b, n->id);
            stc_buf_puts(&b, ".value");
            return wf_ev_path(stc_buf_take(&b), WF_T_ANY);
        }
        const stc_node *g = wf_global_value(c, n->id);
        if (g && wf_literal(g))
            return wf_expr(c, g);
        stc_diag *dg = wf_diag(c, n, WF_E_NAME,
                               "'%s' is not a parameter, a local variable or a module constant of "
                               "this workflow",
                               n->id);
        if (g)
            stc_diag_set_hint(dg, "only module-level names bound to a literal can be read");
        return wf_null();
    }
    case STC_N_LIST:
    case STC_N_TUPLE:
        return wf_list(c, n);
    case STC_N_DICT:
        return wf_dict(c, n);
    case STC_N_JOINED_STR:
        return wf_fstring(c, n);
    case STC_N_BIN_OP:
        return wf_binop(c, n);
    case STC_N_UNARY_OP:
        if (strcmp(n->id, "not") == 0)
            return wf_bool_value(c, n);
        if (n->a->kind == STC_N_CONSTANT &&
            (n->a->cval.kind == STC_CONST_INT || n->a->cval.kind == STC_CONST_FLOAT) &&
            (strcmp(n->id, "-") == 0 || strcmp(n->id, "+") == 0)) {
            cJSON *j = wf_const_json(c, n->a);
            if (j && n->id[0] == '-')
                j->valuedouble = -j->valuedouble, j->valueint = -j->valueint;
            return j ? wf_ev_const(j) : wf_null();
        }
        return wf_refuse_op(c, n);
    case STC_N_COMPARE:
        return wf_bool_value(c, n);
    case STC_N_BOOL_OP:
        return wf_boolop_value(c, n);
    case STC_N_IF_EXP:
        return wf_ifexp(c, n);
    case STC_N_SUBSCRIPT:
        return wf_subscript(c, n);
    case STC_N_ATTRIBUTE:
        if (wf_self_attr_refused(c, n))
            return wf_null();
        return wf_refuse_op(c, n);
    case STC_N_LAMBDA: {
        stc_diag *dg = wf_diag(c, n, WF_E_LAMBDA,
                               "'lambda' cannot run inside a workflow; move it into an internal "
                               "function such as _compute(...)");
        (void)dg;
        return wf_null();
    }
    case STC_N_CALL:
    case STC_N_AWAIT:
    case STC_N_LIST_COMP:
    case STC_N_GENERATOR_EXP: {
        if (n->kind == STC_N_CALL && !wf_is_self_call(c, n))
            return wf_builtin_call(c, n);
        char *slot = wf_temp(c);
        if (!wf_call_stmt(c, n, slot, NULL)) {
            free(slot);
            if (n->kind == STC_N_LIST_COMP || n->kind == STC_N_GENERATOR_EXP) {
                return wf_null(); /* diagnosed by wf_call_stmt */
            }
            return wf_null();
        }
        char *p = wf_strf("%s.value", slot);
        free(slot);
        return wf_ev_path(p, n->kind == STC_N_LIST_COMP ? WF_T_LIST : WF_T_ANY);
    }
    case STC_N_YIELD:
    case STC_N_YIELD_FROM:
        wf_diag(c, n, WF_E_STATEMENT,
                "'yield' cannot run inside a workflow: a state machine returns one value; "
                "return a list instead");
        return wf_null();
    case STC_N_SET_COMP:
    case STC_N_DICT_COMP:
        wf_diag(c, n, WF_E_COMPREHENSION,
                "only a list comprehension over an internal function becomes a Map; move this "
                "comprehension into an internal function");
        return wf_null();
    default:
        return wf_refuse_op(c, n);
    }
}

/* ---- built-in calls ---- */

static bool wf_nargs(wf_ctx *c, const stc_node *n, size_t lo, size_t hi, size_t nkw)
{
    if (n->l1.count < lo || n->l1.count > hi || n->l2.count > nkw) {
        char *t = wf_text(c, n, WF_TEXT_MAX);
        wf_diag(c, n, WF_E_ARGUMENTS, "'%s' takes arguments this translation does not accept", t);
        free(t);
        return false;
    }
    for (size_t i = 0; i < n->l1.count; i++)
        if (n->l1.items[i]->kind == STC_N_STARRED) {
            wf_refuse_op_diag(c, n->l1.items[i]);
            return false;
        }
    return true;
}

static wf_ev wf_fn1(wf_ctx *c, const char *fn, const stc_node *arg, wf_type t)
{
    wf_ev a = wf_expr(c, arg);
    stc_buf b = STC_BUF_INIT;
    wf_bprintf(&b, "%s(", fn);
    wf_arg(c, &b, &a, "argument");
    stc_buf_putc(&b, ')');
    return wf_ev_fn(stc_buf_take(&b), t);
}

static wf_ev wf_range(wf_ctx *c, const stc_node *n)
{
    if (!wf_nargs(c, n, 1, 3, 0))
        return wf_null();
    const stc_node *lo = n->l1.count >= 2 ? n->l1.items[0] : NULL;
    const stc_node *hi = n->l1.count >= 2 ? n->l1.items[1] : n->l1.items[0];
    wf_ev step = n->l1.count == 3 ? wf_expr(c, n->l1.items[2]) : wf_ev_const(cJSON_CreateNumber(1));
    if (!wf_is_int_const(&step) || step.json->valuedouble <= 0) {
        wf_ev_free(&step);
        stc_diag *dg = wf_diag(c, n, WF_E_EXPRESSION,
                               "range() in a workflow needs a positive constant step");
        stc_diag_set_hint(dg, "States.ArrayRange counts upwards by a fixed step");
        return wf_null();
    }
    wf_ev a = lo ? wf_expr(c, lo) : wf_ev_const(cJSON_CreateNumber(0));
    wf_ev b = wf_expr(c, hi);
    if (wf_is_int_const(&a) && wf_is_int_const(&b)) {
        cJSON *arr = cJSON_CreateArray();
        long long s = (long long)step.json->valuedouble;
        long long from = (long long)a.json->valuedouble, to = (long long)b.json->valuedouble;
        for (long long i = from; i < to && cJSON_GetArraySize(arr) <= 1000; i += s)
            cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)i));
        wf_ev_free(&a);
        wf_ev_free(&b);
        wf_ev_free(&step);
        return wf_ev_const(arr);
    }
    /* range(a, b) == ArrayRange(a, b - 1, step): both stop at the last value below b */
    stc_buf s = STC_BUF_INIT;
    stc_buf_puts(&s, "States.ArrayRange(");
    wf_arg(c, &s, &a, "range start");
    stc_buf_puts(&s, ", ");
    if (wf_is_int_const(&b)) {
        wf_bprintf(&s, "%lld", (long long)b.json->valuedouble - 1);
        wf_ev_free(&b);
    } else {
        stc_buf_puts(&s, "States.MathAdd(");
        wf_arg(c, &s, &b, "range stop");
        stc_buf_puts(&s, ", -1)");
    }
    stc_buf_puts(&s, ", ");
    wf_arg(c, &s, &step, "range step");
    stc_buf_putc(&s, ')');
    return wf_ev_fn(stc_buf_take(&s), WF_T_LIST);
}

static wf_ev wf_builtin_call(wf_ctx *c, const stc_node *n)
{
    const stc_node *f = n->a;
    char *q = wf_qualname(c, f);
    wf_ev out;
    if (q && strcmp(q, "builtins.len") == 0) {
        if (!wf_nargs(c, n, 1, 1, 0))
            goto bad;
        wf_ev a = wf_expr(c, n->l1.items[0]);
        wf_type t = wf_static_type(c, n->l1.items[0], &a);
        if (t == WF_T_STR || t == WF_T_DICT) {
            wf_ev_free(&a);
            wf_diag(c, n, WF_E_EXPRESSION,
                    "len() of a %s has no intrinsic function; States.ArrayLength counts lists only",
                    t == WF_T_STR ? "string" : "dict");
            goto bad;
        }
        stc_buf b = STC_BUF_INIT;
        stc_buf_puts(&b, "States.ArrayLength(");
        wf_arg(c, &b, &a, "argument");
        stc_buf_putc(&b, ')');
        out = wf_ev_fn(stc_buf_take(&b), WF_T_NUM);
    } else if (q && strcmp(q, "builtins.str") == 0) {
        if (!wf_nargs(c, n, 1, 1, 0))
            goto bad;
        wf_ev a = wf_expr(c, n->l1.items[0]);
        out = wf_ev_str(c, &a);
    } else if (q && strcmp(q, "builtins.range") == 0) {
        out = wf_range(c, n);
    } else if (q && (strcmp(q, "uuid.uuid4") == 0)) {
        if (!wf_nargs(c, n, 0, 0, 0))
            goto bad;
        out = wf_ev_fn(stc_xstrdup("States.UUID()"), WF_T_STR);
    } else if (q && strcmp(q, "json.loads") == 0) {
        if (!wf_nargs(c, n, 1, 1, 0))
            goto bad;
        out = wf_fn1(c, "States.StringToJson", n->l1.items[0], WF_T_ANY);
    } else if (q && strcmp(q, "json.dumps") == 0) {
        if (!wf_nargs(c, n, 1, 1, 2))
            goto bad;
        if (!wf_json_dumps_compact(n)) {
            stc_diag *dg = wf_diag(c, n, WF_E_JSON_DUMPS,
                                   "States.JsonToString writes compact UTF-8 JSON; Python's "
                                   "json.dumps does not unless told to");
            stc_diag_set_hint(dg, "write json.dumps(x, separators=(\",\", \":\"), "
                                  "ensure_ascii=False)");
            goto bad;
        }
        out = wf_fn1(c, "States.JsonToString", n->l1.items[0], WF_T_STR);
    } else if (f->kind == STC_N_ATTRIBUTE && strcmp(f->id, "split") == 0 && !q) {
        if (!wf_nargs(c, n, 0, 1, 0))
            goto bad;
        if (n->l1.count == 0) {
            stc_diag *dg = wf_diag(c, n, WF_E_EXPRESSION,
                                   "split() without a separator splits on any whitespace; "
                                   "States.StringSplit needs the separator");
            stc_diag_set_hint(dg, "write split(\" \") if the text is separated by single spaces");
            goto bad;
        }
        const char *sep;
        {
            const stc_node *s = n->l1.items[0];
            if (!(s->kind == STC_N_CONSTANT && s->cval.kind == STC_CONST_STR && s->slen == 1)) {
                stc_diag *dg = wf_diag(c, s, WF_E_EXPRESSION,
                                       "States.StringSplit splits on each character of its "
                                       "separator; use a one-character constant");
                stc_diag_set_hint(dg, "split on longer separators in an internal function");
                goto bad;
            }
            sep = s->sval;
        }
        wf_ev a = wf_expr(c, f->a);
        stc_buf b = STC_BUF_INIT;
        stc_buf_puts(&b, "States.StringSplit(");
        wf_arg(c, &b, &a, "string");
        stc_buf_puts(&b, ", ");
        stc_asl_quote(&b, sep);
        stc_buf_putc(&b, ')');
        out = wf_ev_fn(stc_buf_take(&b), WF_T_LIST);
    } else if (q && (strcmp(q, "asyncio.sleep") == 0 || strcmp(q, "asyncio.gather") == 0)) {
        stc_diag *dg = wf_diag(c, n, WF_E_AWAIT, "'%s' must be awaited: write 'await %s(...)'",
                               strchr(q, '.') + 1, strchr(q, '.') + 1);
        (void)dg;
        goto bad;
    } else {
        char *t = wf_text(c, f, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, n, WF_E_CALL,
                               "'%s(...)' cannot be called inside a workflow; only internal "
                               "functions (self._name), workflows and the built-ins of the "
                               "translation table can",
                               t);
        stc_diag_set_hint(dg, "move the call into an internal function such as _compute(...) and "
                              "call that");
        free(t);
        goto bad;
    }
    free(q);
    return out;
bad:
    free(q);
    return wf_null();
}

/* ---- conditions ---- */

static const char *wf_falsy_json[] = {"null", "false", "\"\"", "[]", "{}"};

/* A rule true when the value at `path` is truthy in Python. */
static cJSON *wf_truthy(wf_ctx *c, const char *path, wf_type t, const char *what)
{
    switch (t) {
    case WF_T_BOOL:
        return stc_asl_rule_bool(path, "BooleanEquals", true);
    case WF_T_NUM:
        return stc_asl_rule_not(stc_asl_rule_num(path, "NumericEquals", 0));
    case WF_T_STR:
        return stc_asl_rule_not(stc_asl_rule_str(path, "StringEquals", ""));
    case WF_T_LIST: {
        char *p0 = wf_strf("%s[0]", path);
        cJSON *r = stc_asl_rule_bool(p0, "IsPresent", true);
        free(p0);
        return r;
    }
    default:
        break;
    }
    /* Any type: compare its JSON text with the falsy values; 0 and 0.0 by number. */
    char *fn = wf_strf("States.JsonToString(%s)", path);
    wf_ev ev = wf_ev_fn(fn, WF_T_STR);
    char *slot = wf_temp(c);
    wf_store(c, slot, &ev, wf_name(c, "JSON of %s (line %d)", what, c->pos.line));
    char *s = wf_strf("%s.value", slot);
    cJSON *rules[7];
    size_t n = 0;
    for (size_t i = 0; i < STC_ARRAY_LEN(wf_falsy_json); i++)
        rules[n++] = stc_asl_rule_str(s, "StringEquals", wf_falsy_json[i]);
    cJSON *num[2] = {stc_asl_rule_bool(path, "IsNumeric", true),
                     stc_asl_rule_num(path, "NumericEquals", 0)};
    rules[n++] = stc_asl_rule_join("And", num, 2);
    free(s);
    free(slot);
    return stc_asl_rule_not(stc_asl_rule_join("Or", rules, n));
}

/* Python truthiness of a constant. */
static bool wf_const_truthy(const cJSON *j)
{
    if (cJSON_IsNull(j) || cJSON_IsFalse(j))
        return false;
    if (cJSON_IsNumber(j))
        return j->valuedouble != 0;
    if (cJSON_IsString(j))
        return j->valuestring[0] != 0;
    if (cJSON_IsArray(j) || cJSON_IsObject(j))
        return j->child != NULL;
    return true;
}

static bool wf_pure(const wf_ctx *c, const stc_node *n)
{
    if (!n)
        return true;
    if (n->kind == STC_N_AWAIT || n->kind == STC_N_LIST_COMP || n->kind == STC_N_GENERATOR_EXP ||
        wf_is_self_call(c, n))
        return false;
    if (!wf_pure(c, n->a) || !wf_pure(c, n->b) || !wf_pure(c, n->c))
        return false;
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            if (!wf_pure(c, ls[k]->items[i]))
                return false;
    return true;
}

static const char *wf_order_op(const char *op)
{
    if (strcmp(op, "<") == 0)
        return "LessThan";
    if (strcmp(op, "<=") == 0)
        return "LessThanEquals";
    if (strcmp(op, ">") == 0)
        return "GreaterThan";
    return "GreaterThanEquals";
}

static const char *wf_flip(const char *op)
{
    if (strcmp(op, "<") == 0)
        return ">";
    if (strcmp(op, "<=") == 0)
        return ">=";
    if (strcmp(op, ">") == 0)
        return "<";
    if (strcmp(op, ">=") == 0)
        return "<=";
    return op;
}

static cJSON *wf_rule_of(const char *path, const char *kind, const char *op, bool is_path,
                         const cJSON *value, const char *rpath)
{
    char *name = wf_strf("%s%s%s", kind, op, is_path ? "Path" : "");
    cJSON *r = is_path ? stc_asl_rule(path, name, cJSON_CreateString(rpath))
                       : stc_asl_rule(path, name, cJSON_Duplicate(value, true));
    free(name);
    return r;
}

/* `L == constant` */
static cJSON *wf_eq_const(wf_ctx *c, const char *lp, const cJSON *k)
{
    if (cJSON_IsNull(k))
        return stc_asl_rule_bool(lp, "IsNull", true);
    if (cJSON_IsBool(k)) {
        cJSON *b[2] = {stc_asl_rule_bool(lp, "IsBoolean", true),
                       stc_asl_rule_bool(lp, "BooleanEquals", cJSON_IsTrue(k))};
        cJSON *r[2] = {stc_asl_rule_join("And", b, 2),
                       stc_asl_rule_num(lp, "NumericEquals", cJSON_IsTrue(k) ? 1 : 0)};
        return stc_asl_rule_join("Or", r, 2);
    }
    if (cJSON_IsNumber(k)) {
        cJSON *num = stc_asl_rule_num(lp, "NumericEquals", k->valuedouble);
        if (k->valuedouble != 0 && k->valuedouble != 1)
            return num;
        /* True == 1 and False == 0 in Python */
        cJSON *b[2] = {stc_asl_rule_bool(lp, "IsBoolean", true),
                       stc_asl_rule_bool(lp, "BooleanEquals", k->valuedouble == 1)};
        cJSON *r[2] = {num, stc_asl_rule_join("And", b, 2)};
        return stc_asl_rule_join("Or", r, 2);
    }
    if (cJSON_IsString(k))
        return stc_asl_rule_str(lp, "StringEquals", k->valuestring);
    /* a list or dict constant: compare JSON texts */
    char *fn = wf_strf("States.JsonToString(%s)", lp);
    wf_ev ev = wf_ev_fn(fn, WF_T_STR);
    char *slot = wf_temp(c);
    wf_store(c, slot, &ev, wf_name(c, "JSON for == (line %d)", c->pos.line));
    char *s = wf_strf("%s.value", slot);
    char *txt = cJSON_PrintUnformatted(k);
    cJSON *r = stc_asl_rule_str(s, "StringEquals", txt);
    free(txt);
    free(s);
    free(slot);
    return r;
}

/* `L == R`, both paths */
static cJSON *wf_eq_paths(wf_ctx *c, const char *lp, const char *rp)
{
    cJSON *p = wf_state("Pass");
    cJSON *par = stc_asl_add_obj(p, "Parameters");
    char *l = wf_strf("States.JsonToString(%s)", lp);
    char *r = wf_strf("States.JsonToString(%s)", rp);
    stc_asl_add_str(par, "left.$", l);
    stc_asl_add_str(par, "right.$", r);
    free(l);
    free(r);
    char *slot = wf_temp(c);
    stc_asl_add_str(p, "ResultPath", slot);
    wf_emit(c, p, wf_name(c, "JSON for == (line %d)", c->pos.line), STC_WF_CALL_NONE, NULL);
    wf_then(c, p);
    char *sl = wf_strf("%s.left", slot), *sr = wf_strf("%s.right", slot);
    cJSON *num[3] = {stc_asl_rule_bool(lp, "IsNumeric", true),
                     stc_asl_rule_bool(rp, "IsNumeric", true),
                     stc_asl_rule(lp, "NumericEqualsPath", cJSON_CreateString(rp))};
    cJSON *alt[2] = {stc_asl_rule_join("And", num, 3),
                     stc_asl_rule(sl, "StringEqualsPath", cJSON_CreateString(sr))};
    free(sl);
    free(sr);
    free(slot);
    return stc_asl_rule_join("Or", alt, 2);
}

/* One comparison `L op R`; evs are consumed. Returns a rule or sets *konst. */
static cJSON *wf_compare_pair(wf_ctx *c, const stc_node *n, const char *op, wf_ev *l,
                              const stc_node *ln, wf_ev *r, const stc_node *rn, int *konst)
{
    bool neg = false;
    cJSON *rule = NULL;
    if (strcmp(op, "!=") == 0 || strcmp(op, "is not") == 0 || strcmp(op, "not in") == 0) {
        neg = true;
        op = strcmp(op, "!=") == 0 ? "==" : strcmp(op, "is not") == 0 ? "is" : "in";
    }
    if (strcmp(op, "in") == 0) {
        wf_type rt = wf_static_type(c, rn, r);
        if (r->kind == WF_EV_CONST && cJSON_IsArray(r->json) && l->kind != WF_EV_CONST) {
            char *lp = wf_ev_as_path(c, l, "operand");
            cJSON *alts[64];
            size_t k = 0;
            cJSON *it;
            cJSON_ArrayForEach(it, r->json) if (k < 64) alts[k++] = wf_eq_const(c, lp, it);
            free(lp);
            if (!k) {
                *konst = neg ? 1 : 0;
                wf_ev_free(r);
                return NULL;
            }
            rule = stc_asl_rule_join("Or", alts, k);
        } else if (rt == WF_T_DICT) {
            if (!(l->kind == WF_EV_CONST && cJSON_IsString(l->json))) {
                wf_refuse_op_diag(c, n);
                *konst = 0;
                wf_ev_free(l);
                wf_ev_free(r);
                return NULL;
            }
            if (!stc_asl_plain_key(l->json->valuestring)) {
                wf_diag(c, n, WF_E_DICT_KEY,
                        "the key '%s' cannot be written in a path the ASL validators accept; use "
                        "keys made of letters, digits and '_'",
                        l->json->valuestring);
                *konst = 0;
                wf_ev_free(l);
                wf_ev_free(r);
                return NULL;
            }
            char *rp = wf_ev_as_path(c, r, "dict");
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, rp);
            stc_asl_path_key(&b, l->json->valuestring);
            rule = stc_asl_rule_bool(stc_buf_cstr(&b), "IsPresent", true);
            stc_buf_free(&b);
            free(rp);
        } else if (rt == WF_T_LIST) {
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "States.ArrayContains(");
            wf_arg(c, &b, r, "list");
            stc_buf_puts(&b, ", ");
            wf_arg(c, &b, l, "item");
            stc_buf_putc(&b, ')');
            wf_ev ev = wf_ev_fn(stc_buf_take(&b), WF_T_BOOL);
            char *slot = wf_temp(c);
            wf_store(c, slot, &ev, wf_name(c, "Contains? (line %d)", c->pos.line));
            char *s = wf_strf("%s.value", slot);
            rule = stc_asl_rule_bool(s, "BooleanEquals", true);
            free(s);
            free(slot);
        } else {
            char *t = wf_text(c, rn, WF_TEXT_MAX);
            stc_diag *dg = wf_diag(c, n, WF_E_TYPE_NEEDED,
                                   "'in' needs to know whether '%s' is a list (ArrayContains) or a "
                                   "dict (IsPresent)",
                                   t);
            stc_diag_set_hint(dg, "annotate it, e.g. 'items: list' or 'order: dict', or assign it "
                                  "from a literal");
            free(t);
            wf_ev_free(l);
            wf_ev_free(r);
            *konst = 0;
            return NULL;
        }
        wf_ev_free(l);
        wf_ev_free(r);
        return neg ? stc_asl_rule_not(rule) : rule;
    }
    if (l->kind == WF_EV_CONST && r->kind == WF_EV_CONST) {
        bool v = false;
        if (strcmp(op, "==") == 0 || strcmp(op, "is") == 0) {
            v = cJSON_Compare(l->json, r->json, true);
        } else if (cJSON_IsNumber(l->json) && cJSON_IsNumber(r->json)) {
            double a = l->json->valuedouble, b = r->json->valuedouble;
            v = op[0] == '<' ? (op[1] ? a <= b : a < b) : (op[1] ? a >= b : a > b);
        } else if (cJSON_IsString(l->json) && cJSON_IsString(r->json)) {
            int cmp = strcmp(l->json->valuestring, r->json->valuestring);
            v = op[0] == '<' ? (op[1] ? cmp <= 0 : cmp < 0) : (op[1] ? cmp >= 0 : cmp > 0);
        } else {
            wf_refuse_op_diag(c, n);
        }
        wf_ev_free(l);
        wf_ev_free(r);
        *konst = v != neg;
        return NULL;
    }
    if (l->kind == WF_EV_CONST) {
        wf_ev *t = l;
        l = r;
        r = t;
        const stc_node *tn = ln;
        ln = rn;
        rn = tn;
        op = wf_flip(op);
    }
    char *lp = wf_ev_as_path(c, l, "left operand");
    if (strcmp(op, "is") == 0) {
        if (r->kind != WF_EV_CONST || !(cJSON_IsNull(r->json) || cJSON_IsBool(r->json))) {
            wf_refuse_op_diag(c, n);
            *konst = 0;
            free(lp);
            wf_ev_free(r);
            return NULL;
        }
        if (cJSON_IsNull(r->json)) {
            rule = stc_asl_rule_bool(lp, "IsNull", true);
        } else {
            cJSON *b[2] = {stc_asl_rule_bool(lp, "IsBoolean", true),
                           stc_asl_rule_bool(lp, "BooleanEquals", cJSON_IsTrue(r->json))};
            rule = stc_asl_rule_join("And", b, 2);
        }
    } else if (strcmp(op, "==") == 0) {
        if (r->kind == WF_EV_CONST) {
            rule = wf_eq_const(c, lp, r->json);
        } else {
            char *rp = wf_ev_as_path(c, r, "right operand");
            rule = wf_eq_paths(c, lp, rp);
            free(rp);
        }
    } else {
        const char *o = wf_order_op(op);
        if (r->kind == WF_EV_CONST) {
            if (cJSON_IsNumber(r->json))
                rule = wf_rule_of(lp, "Numeric", o, false, r->json, NULL);
            else if (cJSON_IsString(r->json))
                rule = wf_rule_of(lp, "String", o, false, r->json, NULL);
            else {
                wf_refuse_op_diag(c, n);
                *konst = 0;
                free(lp);
                wf_ev_free(r);
                return NULL;
            }
        } else {
            char *rp = wf_ev_as_path(c, r, "right operand");
            cJSON *num[3] = {stc_asl_rule_bool(lp, "IsNumeric", true),
                             stc_asl_rule_bool(rp, "IsNumeric", true),
                             wf_rule_of(lp, "Numeric", o, true, NULL, rp)};
            cJSON *str[3] = {stc_asl_rule_bool(lp, "IsString", true),
                             stc_asl_rule_bool(rp, "IsString", true),
                             wf_rule_of(lp, "String", o, true, NULL, rp)};
            cJSON *alt[2] = {stc_asl_rule_join("And", num, 3), stc_asl_rule_join("And", str, 3)};
            rule = stc_asl_rule_join("Or", alt, 2);
            free(rp);
        }
    }
    free(lp);
    wf_ev_free(r);
    return neg ? stc_asl_rule_not(rule) : rule;
}

static cJSON *wf_compare_rule(wf_ctx *c, const stc_node *n, int *konst)
{
    size_t nops = n->l2.count;
    const stc_node **nodes = stc_xcalloc(nops + 1, sizeof *nodes);
    wf_ev *evs = stc_xcalloc(nops + 1, sizeof *evs);
    nodes[0] = n->a;
    for (size_t i = 0; i < nops; i++)
        nodes[i + 1] = n->l1.items[i];
    for (size_t i = 0; i <= nops; i++) {
        evs[i] = wf_expr(c, nodes[i]);
        /* a middle operand is used twice: evaluate it once */
        if (i > 0 && i < nops && evs[i].kind != WF_EV_CONST && evs[i].kind != WF_EV_PATH) {
            wf_type t = evs[i].type;
            evs[i] = wf_ev_path(wf_ev_as_path(c, &evs[i], "operand"), t);
        }
    }
    cJSON *rules[16];
    size_t nr = 0;
    int k = 1;
    for (size_t i = 0; i < nops; i++) {
        wf_ev l = evs[i];
        if (i > 0) { /* copy: the previous pair consumed it */
            l.json = evs[i].json ? cJSON_Duplicate(evs[i].json, true) : NULL;
            l.text = evs[i].text ? stc_xstrdup(evs[i].text) : NULL;
        }
        wf_ev r = evs[i + 1];
        if (i + 1 < nops) {
            r.json = evs[i + 1].json ? cJSON_Duplicate(evs[i + 1].json, true) : NULL;
            r.text = evs[i + 1].text ? stc_xstrdup(evs[i + 1].text) : NULL;
        }
        int pk = -1;
        cJSON *rule = wf_compare_pair(c, n, n->l2.items[i]->id, &l, nodes[i], &r, nodes[i + 1], &pk);
        if (rule && nr < 16)
            rules[nr++] = rule;
        else if (rule)
            cJSON_Delete(rule);
        else if (pk == 0)
            k = 0;
    }
    for (size_t i = 1; i < nops; i++)
        wf_ev_free(&evs[i]);
    free(evs);
    free(nodes);
    if (!k) {
        for (size_t i = 0; i < nr; i++)
            cJSON_Delete(rules[i]);
        *konst = 0;
        return NULL;
    }
    if (!nr) {
        *konst = 1;
        return NULL;
    }
    return stc_asl_rule_join("And", rules, nr);
}

/* A pure condition as one rule, or a constant in *konst (0/1). */
static cJSON *wf_rule(wf_ctx *c, const stc_node *n, int *konst)
{
    *konst = -1;
    if (n->kind == STC_N_UNARY_OP && strcmp(n->id, "not") == 0) {
        cJSON *r = wf_rule(c, n->a, konst);
        if (!r) {
            *konst = !*konst;
            return NULL;
        }
        return stc_asl_rule_not(r);
    }
    if (n->kind == STC_N_BOOL_OP) {
        bool is_and = strcmp(n->id, "and") == 0;
        cJSON *rules[32];
        size_t nr = 0;
        for (size_t i = 0; i < n->l1.count; i++) {
            int k;
            cJSON *r = wf_rule(c, n->l1.items[i], &k);
            if (r) {
                if (nr < 32)
                    rules[nr++] = r;
                else
                    cJSON_Delete(r);
                continue;
            }
            if (k == (is_and ? 0 : 1)) { /* decides the whole condition */
                for (size_t j = 0; j < nr; j++)
                    cJSON_Delete(rules[j]);
                *konst = k;
                return NULL;
            }
        }
        if (!nr) {
            *konst = is_and ? 1 : 0;
            return NULL;
        }
        return stc_asl_rule_join(is_and ? "And" : "Or", rules, nr);
    }
    if (n->kind == STC_N_COMPARE)
        return wf_compare_rule(c, n, konst);
    wf_ev ev = wf_expr(c, n);
    if (ev.kind == WF_EV_CONST) {
        *konst = wf_const_truthy(ev.json);
        wf_ev_free(&ev);
        return NULL;
    }
    if (ev.type == WF_T_NONE) {
        wf_ev_free(&ev);
        *konst = 0;
        return NULL;
    }
    wf_type t = ev.type;
    char *t_text = wf_text(c, n, WF_TEXT_MAX);
    char *p = wf_ev_as_path(c, &ev, t_text);
    cJSON *r = wf_truthy(c, p, t, t_text);
    free(p);
    free(t_text);
    return r;
}

void wf_jp_cond(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f)
{
    if ((n->kind == STC_N_UNARY_OP || n->kind == STC_N_BOOL_OP) &&
        wf_cond_short_circuit(c, n, t, f, !wf_pure(c, n)))
        return;
    int k;
    cJSON *rule = wf_rule(c, n, &k);
    if (!rule) {
        stc_asl_exits_move(k ? t : f, &c->scope->dangling);
        return;
    }
    if (!wf_live(c)) {
        cJSON_Delete(rule);
        return;
    }
    cJSON *ch = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(ch, "Choices");
    cJSON_AddItemToArray(chs, rule);
    char *txt = wf_text(c, n, WF_TEXT_MAX);
    /* The Python condition, for drawings and reviewers: the rule itself reads
     * "$.vars.tries.value >= 3", the Comment "tries >= 3". */
    stc_asl_add_str(rule, "Comment", txt);
    wf_emit(c, ch, wf_name(c, "%s %s (line %d)", c->cond_label ? c->cond_label : "If", txt,
                           n->pos.line ? n->pos.line : c->pos.line),
            STC_WF_CALL_NONE, NULL);
    free(txt);
    stc_asl_exits_add(t, rule, "Next");
    stc_asl_exits_add(f, ch, "Default");
}
