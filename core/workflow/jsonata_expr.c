/* jsonata_expr.c - the JSONata back end's expressions: Python expressions
 * -> JSONata text with Python's meaning, the calls inside them computed
 * first (hoisted into Task, Parallel, Map and Wait states), and conditions
 * -> Choice states. See jsonata.h and docs/workflow-compiler.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/jsonata.h"

#define WF_TEXT_MAX 40

/* JSONata's functions and AWS's: a Python local of one of these names would
 * hide the function from every expression of the machine. In strcmp order:
 * wj_reserved searches it by halves (every variable reference asks). */
static const char *const wj_function_names[] = {
    "abs", "append", "assert", "average", "base64decode", "base64encode", "boolean", "ceil",
    "clone", "contains", "count", "decodeUrl", "decodeUrlComponent", "distinct", "each",
    "encodeUrl", "encodeUrlComponent", "error", "eval", "exists", "filter", "floor",
    "formatBase", "formatInteger", "formatNumber", "fromMillis", "hash", "join", "keys",
    "length", "lookup", "lowercase", "map", "match", "max", "merge", "millis", "min", "not",
    "now", "number", "pad", "parse", "parseInteger", "partition", "power", "random", "range",
    "reduce", "replace", "reverse", "round", "shuffle", "sift", "single", "sort", "split",
    "spread", "sqrt", "states", "string", "substring", "substringAfter", "substringBefore",
    "sum", "toMillis", "trim", "type", "uppercase", "uuid", "zip",
};

static int wj_name_cmp(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

static bool wj_reserved(const char *s)
{
    if (strncmp(s, "__", 2) == 0)
        return true;
    return bsearch(s, wj_function_names, STC_ARRAY_LEN(wj_function_names), sizeof wj_function_names[0],
                   wj_name_cmp) != NULL;
}

char *wj_var(const wf_ctx *c, const char *name)
{
    if (!wj_reserved(name))
        return stc_xstrdup(name);
    char *v = wf_strf("%s_", name);
    while (wf_is_local(c, v)) {
        char *w = wf_strf("%s_", v);
        free(v);
        v = w;
    }
    return v;
}

char *wj_wrap(const char *text)
{
    return wf_strf("{%% %s %%}", text);
}

char *wj_temp(wf_ctx *c)
{
    return wf_strf("__stc_t%d", ++WJ(c)->ntmp);
}

char *wj_json_text(const cJSON *j)
{
    return cJSON_PrintUnformatted(j);
}

static char *wj_quote(const char *s)
{
    cJSON *j = cJSON_CreateString(s);
    char *t = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return t;
}

/* A block-local name for one expression: $__b<N>. */
static char *wj_blk(wf_ctx *c)
{
    return wf_strf("$__b%d", ++WJ(c)->nblk);
}

static char *wj_fn_param(wf_ctx *c);

static char *wj_null(void)
{
    return stc_xstrdup("null");
}

static void wj_refuse(wf_ctx *c, const stc_node *n, const char *hint)
{
    char *t = wf_text(c, n, WF_TEXT_MAX);
    stc_diag *dg = wf_diag(c, n, WF_E_EXPRESSION,
                           "'%s' cannot run inside a workflow; move it into an internal function "
                           "such as _compute(...)",
                           t);
    stc_diag_set_hint(dg, "%s", hint ? hint
                                     : "the JSONata back end compiles the expressions of "
                                       "docs/workflow-compiler.md's table");
    free(t);
}

/* text as one operand: as it is when it is one already (a path, a number, a
 * parenthesized whole), else in parentheses. */
char *wj_paren(const char *text)
{
    size_t n = strlen(text);
    bool simple = n > 0;
    for (size_t i = 0; i < n && simple; i++) {
        char ch = text[i];
        simple = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '_' || ch == '$' || ch == '.';
    }
    if (!simple && n > 1 && text[0] == '(' && text[n - 1] == ')') {
        /* "(a) + (b)" is not one group: the first ( must close at the end */
        int depth = 0;
        bool in_str = false;
        simple = true;
        for (size_t i = 0; i < n; i++) {
            char ch = text[i];
            if (in_str) {
                if (ch == '\\')
                    i++;
                else if (ch == '"')
                    in_str = false;
                continue;
            }
            if (ch == '"')
                in_str = true;
            else if (ch == '(')
                depth++;
            else if (ch == ')' && --depth == 0 && i + 1 < n) {
                simple = false;
                break;
            }
        }
    }
    return simple ? stc_xstrdup(text) : wf_strf("(%s)", text);
}

/* ---- exceptions from expressions: guards ---- */

void wj_guard_add_obj(wf_ctx *c, const char *cond, const char *err)
{
    wj_be *be = WJ(c);
    if (be->nguards == be->capguards) {
        be->capguards = be->capguards ? be->capguards * 2 : 8;
        be->guards = stc_xrealloc(be->guards, be->capguards * sizeof *be->guards);
    }
    wj_guard *g = &be->guards[be->nguards++];
    memset(g, 0, sizeof *g);
    g->cond = stc_xstrdup(cond);
    g->err = stc_xstrdup(err);
    if (be->npend) {
        g->snap = stc_xcalloc(be->npend, sizeof *g->snap);
        for (size_t i = 0; i < be->npend; i++)
            g->snap[i] = (wj_pend){stc_xstrdup(be->pend[i].var), stc_xstrdup(be->pend[i].text), be->pend[i].type};
        g->nsnap = be->npend;
    }
    g->target = c->errto ? c->errto->name : NULL;
    g->used = c->errto_used;
    g->scope = c->scope;
}

void wj_guard_add(wf_ctx *c, const char *cond, const char *cls, const char *cause)
{
    char *q = wj_quote(cls);
    char *err = wf_strf("{\"Error\": %s, \"Cause\": %s}", q, cause);
    wj_guard_add_obj(c, cond, err);
    free(err);
    free(q);
}

/* A guard whose cause is a constant text. */
static void wj_guard_const(wf_ctx *c, const char *cond, const char *cls, const char *cause)
{
    char *q = wj_quote(cause);
    wj_guard_add(c, cond, cls, q);
    free(q);
}

static void wj_guard_free(wj_guard *g)
{
    free(g->cond);
    free(g->err);
    for (size_t i = 0; i < g->nsnap; i++) {
        free(g->snap[i].var);
        free(g->snap[i].text);
    }
    free(g->snap);
}

void wj_guard_drop(wf_ctx *c, size_t mark)
{
    wj_be *be = WJ(c);
    while (be->nguards > mark)
        wj_guard_free(&be->guards[--be->nguards]);
}

void wj_guard_fold(wf_ctx *c, size_t mark, const char *when)
{
    wj_be *be = WJ(c);
    size_t n = be->nguards;
    if (n <= mark || (n == mark + 1 && !when))
        return;
    stc_buf cond = STC_BUF_INIT, err = STC_BUF_INIT;
    if (when)
        wf_bprintf(&cond, "(%s and ", when);
    stc_buf_putc(&cond, '(');
    for (size_t i = mark; i < n; i++) {
        const wj_guard *g = &be->guards[i];
        wf_bprintf(&cond, "%s%s", i > mark ? " or " : "", g->cond);
        if (i + 1 < n)
            wf_bprintf(&err, "%s ? %s : ", g->cond, g->err);
        else
            stc_buf_puts(&err, g->err);
    }
    stc_buf_putc(&cond, ')');
    if (when)
        stc_buf_putc(&cond, ')');
    wj_guard *first = &be->guards[mark];
    free(first->cond);
    free(first->err);
    first->cond = stc_buf_take(&cond);
    first->err = n > mark + 1 ? wf_strf("(%s)", stc_buf_cstr(&err)) : stc_buf_take(&err);
    stc_buf_free(&err);
    wj_guard_drop(c, mark + 1);
}

/* The guards since `mark`, which read an item as `it`, checked for each of
 * `items` in order; `stop` (reading `it`; NULL: never) ends the walk as
 * any() and all() do. */
static void wj_guard_each(wf_ctx *c, size_t mark, const char *items, const char *it,
                          const char *stop)
{
    wj_be *be = WJ(c);
    if (be->nguards <= mark)
        return;
    wj_guard_fold(c, mark, NULL);
    wj_guard *g = &be->guards[mark];
    char *acc = wj_fn_param(c);
    char *walk = wf_strf("$reduce(%s, function(%s, %s) { %s != null ? %s : %s ? %s : %s%s%s }, "
                         "null)",
                         items, acc, it, acc, acc, g->cond, g->err, stop ? "(" : "",
                         stop ? stop : "null", stop ? ") ? true : null" : "");
    free(g->cond);
    free(g->err);
    g->cond = wf_strf("($type(%s) = \"object\")", walk);
    g->err = walk;
    free(acc);
}

void wj_guard_rules(wf_ctx *c, cJSON *ch)
{
    wj_be *be = WJ(c);
    if (!be->nguards)
        return;
    cJSON *chs = cJSON_GetObjectItemCaseSensitive(ch, "Choices");
    if (!chs)
        chs = stc_asl_add_arr(ch, "Choices");
    for (size_t i = be->nguards; i-- > 0;) {
        const wj_guard *g = &be->guards[i];
        cJSON *r = cJSON_CreateObject();
        char *w = wj_wrap(g->cond);
        stc_asl_add_str(r, "Condition", w);
        free(w);
        stc_asl_add_lit(r, "Comment", "Python raises here");
        char *e = wj_wrap(g->err);
        if (g->target) {
            *g->used = true;
            cJSON *as = stc_asl_add_obj(r, "Assign");
            for (size_t k = 0; k < g->nsnap; k++) {
                char *v = wj_wrap(g->snap[k].text);
                cJSON_AddStringToObject(as, g->snap[k].var, v);
                free(v);
            }
            cJSON_AddStringToObject(as, "__stc_error", e);
            stc_asl_add_str(r, "Next", g->target);
        } else {
            stc_asl_add_str(r, "Output", e);
            stc_asl_add_str(r, "Next", c->be->uncaught(c));
        }
        free(e);
        cJSON_InsertItemInArray(chs, 0, r);
    }
    wj_guard_drop(c, 0);
}

void wj_guard_flush(wf_ctx *c)
{
    wj_be *be = WJ(c);
    if (!be->nguards)
        return;
    if (!wf_live(c)) {
        wj_guard_drop(c, 0);
        return;
    }
    cJSON *ch = wf_state("Choice");
    stc_asl_add_arr(ch, "Choices");
    wj_guard_rules(c, ch);
    wf_emit(c, ch, wf_name(c, "Check line %d", c->pos.line), STC_WF_CALL_NONE, NULL);
    stc_asl_exits_add(&c->scope->dangling, ch, "Default");
}

/* ---- Python's repr() ---- */

/* repr() of a str known at compile time. */
static char *wj_repr_const_str(const char *s)
{
    bool sq = strchr(s, '\'') != NULL, dq = strchr(s, '"') != NULL;
    char q = sq && !dq ? '"' : '\'';
    stc_buf b = STC_BUF_INIT;
    stc_buf_putc(&b, q);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned cp = *p;
        if (cp == 0xc2 && (p[1] >= 0x80 && p[1] <= 0xa0)) {
            wf_bprintf(&b, "\\x%02x", p[1]);
            p++;
            continue;
        }
        if (cp == 0xc2 && p[1] == 0xad) {
            stc_buf_puts(&b, "\\xad");
            p++;
            continue;
        }
        if (cp == '\\')
            stc_buf_puts(&b, "\\\\");
        else if (cp == (unsigned char)q)
            wf_bprintf(&b, "\\%c", q);
        else if (cp == '\t')
            stc_buf_puts(&b, "\\t");
        else if (cp == '\n')
            stc_buf_puts(&b, "\\n");
        else if (cp == '\r')
            stc_buf_puts(&b, "\\r");
        else if (cp < 0x20 || cp == 0x7f)
            wf_bprintf(&b, "\\x%02x", cp);
        else
            stc_buf_putc(&b, (char)cp);
    }
    stc_buf_putc(&b, q);
    char *r = wj_quote(stc_buf_cstr(&b));
    stc_buf_free(&b);
    return r;
}

/* repr() of a str value at run time: quoted as Python quotes it, the
 * backslash, the quote and the control characters of Latin-1 escaped (the
 * code of a control character read off $encodeUrlComponent's last byte). */
static char *wj_repr_str(wf_ctx *c, const char *v)
{
    char *s = wj_blk(c), *q = wj_blk(c), *m = wj_fn_param(c), *ch = wj_blk(c);
    char *r = wf_strf("(%s := %s; %s := ($contains(%s, \"'\") and $not($contains(%s, \"\\\"\"))) ? "
                      "\"\\\"\" : \"'\"; %s & $replace(%s, /[\\\\'\\x00-\\x1f\\x7f-\\xa0\\xad]/, "
                      "function(%s) { (%s := %s.match; %s = \"'\" ? (%s = \"'\" ? \"\\\\'\" : \"'\") "
                      ": %s = \"\\\\\" ? \"\\\\\\\\\" : %s = \"\\n\" ? \"\\\\n\" : %s = \"\\r\" ? "
                      "\"\\\\r\" : %s = \"\\t\" ? \"\\\\t\" : \"\\\\x\" & "
                      "$lowercase($substring($encodeUrlComponent(%s), -2))) }) & %s)",
                      s, v, q, s, s, q, s, m, ch, m, ch, q, ch, ch, ch, ch, ch, q);
    free(s);
    free(q);
    free(m);
    free(ch);
    return r;
}

/* repr() of any JSON value: its JSON text with Python's spelling: str
 * literals as repr() quotes them, None/True/False, ", " and ": " between
 * items (inside {"v": value}, so that a str is a literal too). The
 * regular expression's class ends in `"]`: JSONata's scanner takes `\]`
 * for a bracket that does not close. */
char *wj_repr(wf_ctx *c, const char *v, wf_type t)
{
    if (t == WF_T_STR)
        return wj_repr_str(c, v);
    if (t == WF_T_NUM || t == WF_T_BOOL || t == WF_T_NONE)
        return wj_str(c, v, t);
    char *r0 = wj_blk(c), *m = wj_fn_param(c), *tk = wj_blk(c);
    char *pt = wf_strf("$parse(%s)", tk);
    char *rs = wj_repr_str(c, pt);
    char *r = wf_strf("(%s := $replace($string({\"v\": %s}), /\"([^\\\\\"]|\\\\.)*\"|null|true|false|[,:]/, "
                      "function(%s) { (%s := %s.match; %s = \",\" ? \", \" : %s = \":\" ? \": \" : %s = "
                      "\"null\" ? \"None\" : %s = \"true\" ? \"True\" : %s = \"false\" ? \"False\" : %s) "
                      "}); $substring(%s, 6, $length(%s) - 7))",
                      r0, v, m, tk, m, tk, tk, tk, tk, tk, rs, r0, r0);
    free(r0);
    free(m);
    free(tk);
    free(pt);
    free(rs);
    return r;
}

/* ---- where Python raises ---- */

static bool wj_numeric(wf_type t)
{
    return t == WF_T_NUM || t == WF_T_BOOL;
}

/* Python's type name of a value (int for a whole number), as JSONata text. */
static char *wj_pytype(wf_ctx *c, const char *v, wf_type t)
{
    switch (t) {
    case WF_T_STR: return stc_xstrdup("\"str\"");
    case WF_T_BOOL: return stc_xstrdup("\"bool\"");
    case WF_T_NONE: return stc_xstrdup("\"NoneType\"");
    case WF_T_LIST: return stc_xstrdup("\"list\"");
    case WF_T_DICT: return stc_xstrdup("\"dict\"");
    default: break;
    }
    char *b = wj_blk(c);
    char *r = wf_strf("(%s := %s; $type(%s) = \"string\" ? \"str\" : $type(%s) = \"number\" ? "
                      "($floor(%s) = %s ? \"int\" : \"float\") : $type(%s) = \"boolean\" ? \"bool\" "
                      ": $type(%s) = \"null\" ? \"NoneType\" : $type(%s) = \"array\" ? \"list\" : "
                      "\"dict\")",
                      b, v, b, b, b, b, b, b, b);
    free(b);
    return r;
}

/* Is the value of `n` a float in Python whatever the input (a float
 * constant, true division, float(), a parameter annotated float)? */
static bool wj_static_float(wf_ctx *c, const stc_node *n)
{
    if (!n)
        return false;
    switch (n->kind) {
    case STC_N_CONSTANT: return n->cval.kind == STC_CONST_FLOAT;
    case STC_N_UNARY_OP: return wj_static_float(c, n->a);
    case STC_N_BIN_OP:
        return strcmp(n->id, "/") == 0 || wj_static_float(c, n->a) || wj_static_float(c, n->b);
    case STC_N_CALL: {
        char *q = wf_qualname(c, n->a);
        bool f = q && strcmp(q, "builtins.float") == 0;
        free(q);
        return f;
    }
    case STC_N_NAME:
        for (size_t i = 0; i < c->method->nparams; i++)
            if (strcmp(c->method->params[i].name, n->id) == 0)
                return c->method->params[i].annotation &&
                       strcmp(c->method->params[i].annotation, "float") == 0;
        return false;
    default: return false;
    }
}

/* A number constant other than zero (a divisor that cannot be zero). */
static bool wj_nonzero_const(const stc_node *n)
{
    if (n && n->kind == STC_N_UNARY_OP && (!strcmp(n->id, "-") || !strcmp(n->id, "+")))
        n = n->a;
    if (!n || n->kind != STC_N_CONSTANT)
        return false;
    return (n->cval.kind == STC_CONST_INT && n->cval.ival != 0) ||
           (n->cval.kind == STC_CONST_FLOAT && n->cval.fval != 0.0);
}

/* a / b, a // b, a % b: ZeroDivisionError with Python's message, which
 * says whether the operands are ints or floats. */
static void wj_guard_zero(wf_ctx *c, const stc_node *n, const char *a, const char *b)
{
    if (wj_nonzero_const(n->b))
        return;
    const char *op = n->id;
    const char *im = !strcmp(op, "/") ? "division by zero"
                     : !strcmp(op, "//") ? "integer division or modulo by zero"
                                         : "integer modulo by zero";
    const char *fm = !strcmp(op, "/") ? "float division by zero"
                     : !strcmp(op, "//") ? "float floor division by zero"
                                         : "float modulo";
    char *cond = wf_strf("(%s = 0)", b);
    char *qi = wj_quote(im), *qf = wj_quote(fm);
    char *cause = wj_static_float(c, n->a) || wj_static_float(c, n->b)
                      ? stc_xstrdup(qf)
                      : wf_strf("($floor(%s) = %s ? %s : %s)", a, a, qi, qf);
    wj_guard_add(c, cond, "ZeroDivisionError", cause);
    free(cond);
    free(cause);
    free(qi);
    free(qf);
}

/* An operator Python refuses for these operands' types: TypeError. `ok`
 * says which pairs it takes: "num" numbers (and bools) only, "+" numbers,
 * two strs or two lists, "cmp" the same as "+" (an order). */
static void wj_guard_types(wf_ctx *c, const char *op, const char *kind, const char *a, wf_type ta,
                           const char *b, wf_type tb)
{
    bool plus = strcmp(kind, "num") != 0;
    if (wj_numeric(ta) && wj_numeric(tb))
        return;
    if (plus && ((ta == WF_T_STR && tb == WF_T_STR) || (ta == WF_T_LIST && tb == WF_T_LIST)))
        return;
    char *x = wj_blk(c), *y = wj_blk(c);
    static const char nums[] = "[\"number\", \"boolean\"]";
    char *cond = plus ? wf_strf("(%s := $type(%s); %s := $type(%s); $not((%s in %s and %s in %s) or "
                                "(%s = %s and %s in [\"string\", \"array\"])))",
                                x, a, y, b, x, nums, y, nums, x, y, x)
                      : wf_strf("(%s := $type(%s); %s := $type(%s); $not(%s in %s and %s in %s) and "
                                "$not(%s in [\"string\", \"array\"] or %s in [\"string\", \"array\"]))",
                                x, a, y, b, x, nums, y, nums, x, y);
    free(x);
    free(y);
    char *na = wj_pytype(c, a, ta), *nb = wj_pytype(c, b, tb);
    char *cause;
    if (!strcmp(kind, "cmp")) {
        cause = wf_strf("\"'%s' not supported between instances of '\" & %s & \"' and '\" & %s & "
                        "\"'\"",
                        op, na, nb);
    } else if (!strcmp(op, "+")) {
        char *z = wj_blk(c);
        cause = wf_strf("(%s := $type(%s); %s = \"string\" ? \"can only concatenate str (not \\\"\" "
                        "& %s & \"\\\") to str\" : %s = \"array\" ? \"can only concatenate list "
                        "(not \\\"\" & %s & \"\\\") to list\" : \"unsupported operand type(s) for +: "
                        "'\" & %s & \"' and '\" & %s & \"'\")",
                        z, a, z, nb, z, nb, na, nb);
        free(z);
    } else {
        cause = wf_strf("\"unsupported operand type(s) for %s: '\" & %s & \"' and '\" & %s & \"'\"",
                        !strcmp(op, "**") ? "** or pow()" : op, na, nb);
    }
    wj_guard_add(c, cond, "TypeError", cause);
    free(cond);
    free(cause);
    free(na);
    free(nb);
}

/* repr() of a key or a value in a message: a str quoted, else as str(). */
static char *wj_repr_key(wf_ctx *c, const stc_node *n, const char *v, wf_type t)
{
    if (n && n->kind == STC_N_CONSTANT && n->cval.kind == STC_CONST_STR)
        return wj_repr_const_str(n->sval);
    if (t == WF_T_NUM || t == WF_T_BOOL || t == WF_T_NONE)
        return wj_str(c, v, t);
    if (t == WF_T_STR)
        return wj_repr_str(c, v);
    char *b = wj_blk(c);
    char *s = wj_repr_str(c, b), *o = wj_str(c, b, WF_T_ANY);
    char *r = wf_strf("(%s := %s; $type(%s) = \"string\" ? %s : %s)", b, v, b, s, o);
    free(b);
    free(s);
    free(o);
    return r;
}

char *wj_repr_of(wf_ctx *c, const stc_node *n, const char *v, wf_type t)
{
    return wj_repr_key(c, n, v, t);
}

/* Does dict display `d` have the constant key `k`? */
static bool wj_display_has(const stc_node *d, const stc_node *k)
{
    if (!d || d->kind != STC_N_DICT || !k || k->kind != STC_N_CONSTANT ||
        k->cval.kind != STC_CONST_STR)
        return false;
    for (size_t i = 0; i < d->l1.count; i++) {
        const stc_node *dk = d->l1.items[i];
        if (dk && dk->kind == STC_N_CONSTANT && dk->cval.kind == STC_CONST_STR &&
            strcmp(dk->sval, k->sval) == 0)
            return true;
    }
    return false;
}

/* cont[key]: KeyError for a dict, IndexError for a list or a str. */
static void wj_guard_subscript(wf_ctx *c, const stc_node *n, const char *cont, wf_type tc,
                               const char *key, wf_type tk)
{
    if (wj_display_has(n->a, n->b))
        return;
    char *rk = wj_repr_key(c, n->b, key, tk);
    if (tk == WF_T_STR || tc == WF_T_DICT) {
        char *cond = wf_strf("$not($exists($lookup(%s, %s)))", cont, key);
        wj_guard_add(c, cond, "KeyError", rk);
        free(cond);
    } else if (tc == WF_T_STR || tc == WF_T_LIST) {
        char *x = wj_blk(c), *k = wj_blk(c);
        char *cond = wf_strf("(%s := %s(%s); %s := %s; %s >= %s or %s < -%s)", x,
                             tc == WF_T_STR ? "$length" : "$count", cont, k, key, k, x, k, x);
        wj_guard_const(c, cond, "IndexError",
                       tc == WF_T_STR ? "string index out of range" : "list index out of range");
        free(cond);
        free(x);
        free(k);
    } else {
        char *x = wj_blk(c), *k = wj_blk(c), *l = wj_blk(c);
        char *cond = wf_strf("(%s := %s; %s := %s; $type(%s) = \"number\" ? ($type(%s) in "
                             "[\"string\", \"array\"] ? (%s := $type(%s) = \"string\" ? $length(%s) "
                             ": $count(%s); %s >= %s or %s < -%s) : true) : "
                             "$not($exists($lookup(%s, %s))))",
                             x, cont, k, key, k, x, l, x, x, x, k, l, k, l, x, k);
        char *err = wf_strf("(%s := %s; %s := %s; $type(%s) = \"number\" and $type(%s) in "
                            "[\"string\", \"array\"] ? {\"Error\": \"IndexError\", \"Cause\": "
                            "$type(%s) = \"string\" ? \"string index out of range\" : \"list index "
                            "out of range\"} : {\"Error\": \"KeyError\", \"Cause\": %s})",
                            x, cont, k, key, k, x, x, rk);
        wj_guard_add_obj(c, cond, err);
        free(cond);
        free(err);
        free(x);
        free(k);
        free(l);
    }
    free(rk);
}

/* ---- Python's meaning in JSONata ---- */

char *wj_truthy(wf_ctx *c, const char *v, wf_type t)
{
    switch (t) {
    case WF_T_BOOL: return stc_xstrdup(v);
    case WF_T_NUM: return wf_strf("(%s != 0)", v);
    case WF_T_STR: return wf_strf("(%s != \"\")", v);
    case WF_T_NONE: return stc_xstrdup("false");
    case WF_T_LIST: return wf_strf("($count(%s) > 0)", v);
    case WF_T_DICT: return wf_strf("($count($keys(%s)) > 0)", v);
    default: break;
    }
    char *b = wj_blk(c);
    char *r = wf_strf("(%s := %s; $type(%s) = \"boolean\" ? %s : $type(%s) = \"number\" ? %s != 0 "
                      ": $type(%s) = \"string\" ? %s != \"\" : $type(%s) = \"array\" ? "
                      "$count(%s) > 0 : $type(%s) = \"object\" ? $count($keys(%s)) > 0 : false)",
                      b, v, b, b, b, b, b, b, b, b, b, b);
    free(b);
    return r;
}

char *wj_str(wf_ctx *c, const char *v, wf_type t)
{
    switch (t) {
    case WF_T_STR: return stc_xstrdup(v);
    case WF_T_NUM: return wf_strf("$string(%s)", v);
    case WF_T_BOOL: return wf_strf("(%s ? \"True\" : \"False\")", v);
    case WF_T_NONE: return stc_xstrdup("\"None\"");
    case WF_T_LIST:
    case WF_T_DICT: return wj_repr(c, v, t); /* str() of a list or dict is its repr() */
    default: break;
    }
    char *b = wj_blk(c);
    char *rp = wj_repr(c, b, WF_T_LIST);
    char *r = wf_strf("(%s := %s; $type(%s) = \"string\" ? %s : $type(%s) = \"boolean\" ? (%s ? "
                      "\"True\" : \"False\") : $type(%s) = \"null\" ? \"None\" : $type(%s) in "
                      "[\"array\", \"object\"] ? %s : $string(%s))",
                      b, v, b, b, b, b, b, b, rp, b);
    free(rp);
    free(b);
    return r;
}

/* Python's == : numbers and booleans compare as numbers (True == 1). */
static char *wj_eq(wf_ctx *c, const char *a, wf_type ta, const char *b, wf_type tb)
{
    bool numish_a = ta == WF_T_NUM || ta == WF_T_BOOL || ta == WF_T_ANY;
    bool numish_b = tb == WF_T_NUM || tb == WF_T_BOOL || tb == WF_T_ANY;
    if (!(numish_a && numish_b) || (ta == tb && ta != WF_T_ANY))
        return wf_strf("(%s = %s)", a, b);
    char *x = wj_blk(c), *y = wj_blk(c);
    char *r = wf_strf("(%s := %s; %s := %s; ($type(%s) in [\"number\", \"boolean\"] and $type(%s) "
                      "in [\"number\", \"boolean\"]) ? $number(%s) = $number(%s) : %s = %s)",
                      x, a, y, b, x, y, x, y, x, y);
    free(x);
    free(y);
    return r;
}

/* x in container: a list (deep equality), a dict's keys, a substring. */
static char *wj_in(wf_ctx *c, const char *x, const char *cont, wf_type tc)
{
    char *e = wj_blk(c);
    char *r;
    if (tc == WF_T_STR) {
        r = wf_strf("$contains(%s, %s)", cont, x);
    } else if (tc == WF_T_DICT) {
        r = wf_strf("$exists($lookup(%s, %s))", cont, x);
    } else if (tc == WF_T_LIST) {
        char *v = wj_blk(c);
        r = wf_strf("(%s := %s; $count($filter(%s, function(%s) { %s = %s })) > 0)", v, x, cont, e,
                    e, v);
        free(v);
    } else {
        char *v = wj_blk(c), *k = wj_blk(c);
        r = wf_strf("(%s := %s; %s := %s; $type(%s) = \"object\" ? $exists($lookup(%s, %s)) : "
                    "$type(%s) = \"string\" ? $contains(%s, %s) : $count($filter(%s, function(%s) "
                    "{ %s = %s })) > 0)",
                    v, x, k, cont, k, k, v, k, k, v, k, e, e, v);
        free(v);
        free(k);
    }
    free(e);
    return r;
}

static bool wj_is_scalar(wf_type t)
{
    return t == WF_T_NUM || t == WF_T_STR || t == WF_T_BOOL || t == WF_T_NONE || t == WF_T_DICT;
}

/* [a, b, ...] keeping nested lists nested: JSONata's array constructor
 * flattens an array value unless the item is itself a constructor. */
static char *wj_list_of(wf_ctx *c, char **items, const wf_type *types, size_t n)
{
    bool flat = true;
    for (size_t i = 0; i < n; i++)
        if (!wj_is_scalar(types[i]))
            flat = false;
    stc_buf b = STC_BUF_INIT;
    if (flat) {
        stc_buf_putc(&b, '[');
        for (size_t i = 0; i < n; i++)
            wf_bprintf(&b, "%s%s", i ? ", " : "", items[i]);
        stc_buf_putc(&b, ']');
        return stc_buf_take(&b);
    }
    stc_buf_puts(&b, "[]");
    for (size_t i = 0; i < n; i++) {
        char *acc = stc_buf_take(&b);
        b = (stc_buf)STC_BUF_INIT;
        if (wj_is_scalar(types[i])) {
            wf_bprintf(&b, "$append(%s, [%s])", acc, items[i]);
        } else {
            char *v = wj_blk(c);
            wf_bprintf(&b, "$append(%s, (%s := %s; $type(%s) = \"array\" ? [[%s]] : [%s]))", acc,
                       v, items[i], v, v, v);
            free(v);
        }
        free(acc);
    }
    return stc_buf_take(&b);
}


/* ---- names bound inside an expression: lambda parameters, comprehension
 * variables ---- */

static char *wj_fn_param(wf_ctx *c)
{
    return wf_strf("$__v%d", ++WJ(c)->nfn);
}

static void wj_bind(wf_ctx *c, const char *py, const char *text)
{
    wj_be *be = WJ(c);
    if (be->nbound == be->capbound) {
        be->capbound = be->capbound ? be->capbound * 2 : 8;
        be->bound = stc_xrealloc(be->bound, be->capbound * sizeof *be->bound);
    }
    be->bound[be->nbound++] = (struct wj_bound){py, stc_xstrdup(text)};
}

static void wj_unbind(wf_ctx *c, size_t to)
{
    wj_be *be = WJ(c);
    while (be->nbound > to)
        free(be->bound[--be->nbound].text);
}

/* Bind a comprehension's or for loop's target (a name or a tuple of names)
 * to `item`. False (with a diagnostic) for other targets. */
static bool wj_bind_target(wf_ctx *c, const stc_node *t, const char *item)
{
    if (t->kind == STC_N_NAME) {
        wj_bind(c, t->id, item);
        return true;
    }
    if (t->kind == STC_N_TUPLE || t->kind == STC_N_LIST) {
        for (size_t i = 0; i < t->l1.count; i++) {
            if (t->l1.items[i]->kind != STC_N_NAME) {
                wf_diag(c, t->l1.items[i], WF_E_TARGET,
                        "only plain names can be unpacked in a workflow");
                return false;
            }
            char *it = wf_strf("%s[%zu]", item, i);
            wj_bind(c, t->l1.items[i]->id, it);
            free(it);
        }
        return true;
    }
    wf_diag(c, t, WF_E_TARGET, "only plain names can be unpacked in a workflow");
    return false;
}

/* The items Python iterates over in `for x in v`: a list's items, a dict's
 * keys, a string's characters. */
static char *wj_iter(wf_ctx *c, const char *v, wf_type t)
{
    if (t == WF_T_LIST)
        return stc_xstrdup(v);
    if (t == WF_T_DICT)
        return wf_strf("[$keys(%s)]", v);
    if (t == WF_T_STR)
        return wf_strf("$split(%s, \"\")", v);
    if (t == WF_T_ANY) {
        char *cond = wf_strf("($type(%s) in [\"number\", \"boolean\", \"null\"])", v);
        char *ty = wj_pytype(c, v, t);
        char *cause = wf_strf("\"'\" & %s & \"' object is not iterable\"", ty);
        wj_guard_add(c, cond, "TypeError", cause);
        free(cond);
        free(ty);
        free(cause);
    }
    char *b = wj_blk(c);
    char *r = wf_strf("(%s := %s; $type(%s) = \"object\" ? [$keys(%s)] : $type(%s) = \"string\" ? "
                      "$split(%s, \"\") : %s)",
                      b, v, b, b, b, b, b);
    free(b);
    return r;
}

char *wj_iter_items(wf_ctx *c, const char *v, wf_type t)
{
    return wj_iter(c, v, t);
}

/* The text that appends value v (of type t) to an array as one item. */
static char *wj_item(wf_ctx *c, const char *v, wf_type t)
{
    if (wj_is_scalar(t))
        return wf_strf("[%s]", v);
    char *b = wj_blk(c);
    char *r = wf_strf("(%s := %s; $type(%s) = \"array\" ? [[%s]] : [%s])", b, v, b, b, b);
    free(b);
    return r;
}

char *wj_list_item(wf_ctx *c, const char *v, wf_type t)
{
    return wj_item(c, v, t);
}

enum { WJ_COMP_LIST, WJ_COMP_DICT, WJ_COMP_ANY, WJ_COMP_ALL };

/* ---- sets: where their order does not show ---- */

/* set(...), frozenset(...), {a, b}, {x for ...} */
static bool wj_is_set(wf_ctx *c, const stc_node *n)
{
    if (n->kind == STC_N_SET || n->kind == STC_N_SET_COMP)
        return true;
    if (n->kind != STC_N_CALL || n->l2.count || n->l1.count > 1)
        return false;
    char *q = wf_qualname(c, n->a);
    bool r = q && (!strcmp(q, "builtins.set") || !strcmp(q, "builtins.frozenset"));
    free(q);
    return r;
}

static char *wj_comprehension(wf_ctx *c, const stc_node *n, int what);
static char *wj_list(wf_ctx *c, const stc_node *n, wf_type *t);

/* A set as the list of its items without duplicates (Python's == : 1, 1.0
 * and True are one item), first seen first: for len(), sorted(), min(),
 * max(), sum(), any(), all() and `in`, which do not show a set's order.
 * TypeError for an item a set cannot hold (a list or dict). */
static char *wj_set_items(wf_ctx *c, const stc_node *n)
{
    char *items;
    if (n->kind == STC_N_SET) {
        wf_type t;
        items = wj_list(c, n, &t);
    } else if (n->kind == STC_N_SET_COMP) {
        items = wj_comprehension(c, n, WJ_COMP_LIST);
    } else if (n->l1.count) {
        wf_type t = WF_T_ANY;
        char *a = wj_expr(c, n->l1.items[0], &t);
        items = wj_iter_items(c, a, t);
        free(a);
    } else {
        items = stc_xstrdup("[]");
    }
    char *b = wj_blk(c), *x = wj_fn_param(c), *y = wj_fn_param(c), *acc = wj_fn_param(c);
    char *cond = wf_strf("(%s := %s; $count($filter(%s, function(%s) { $type(%s) in [\"array\", "
                         "\"object\"] })) > 0)",
                         b, items, b, x, x);
    char *cause = wf_strf("(%s := %s; \"unhashable type: '\" & ($type($filter(%s, function(%s) { "
                          "$type(%s) in [\"array\", \"object\"] })[0]) = \"array\" ? \"list\" : "
                          "\"dict\") & \"'\")",
                          b, items, b, x, x);
    wj_guard_add(c, cond, "TypeError", cause);
    free(cond);
    free(cause);
    static const char nums[] = "[\"number\", \"boolean\"]";
    char *r = wf_strf("$reduce(%s, function(%s, %s) { $count($filter(%s, function(%s) { %s = %s or "
                      "($type(%s) in %s and $type(%s) in %s and $number(%s) = $number(%s)) })) > 0 ? "
                      "%s : $append(%s, [%s]) }, [])",
                      items, acc, x, acc, y, y, x, y, nums, x, nums, y, x, acc, acc, x);
    free(items);
    free(b);
    free(x);
    free(y);
    free(acc);
    return r;
}

/* The argument i of a built-in that does not show a set's order. */
static char *wj_arg_set(wf_ctx *c, const stc_node *n, size_t i, wf_type *t)
{
    const stc_node *a = n->l1.items[i];
    if (!wj_is_set(c, a))
        return wj_expr(c, a, t);
    if (t)
        *t = WF_T_LIST;
    return wj_set_items(c, a);
}

/* A set where its order would show: refused, saying what to write. */
static char *wj_refuse_set(wf_ctx *c, const stc_node *n)
{
    char *t = wf_text(c, n, WF_TEXT_MAX);
    stc_diag *dg = wf_diag(c, n, n->kind == STC_N_SET_COMP ? WF_E_COMPREHENSION : WF_E_EXPRESSION,
                           "'%s' is a set, whose items come in Python's hash order, which a JSON "
                           "list cannot keep",
                           t);
    stc_diag_set_hint(dg, "use it where its order does not show: sorted(set(xs)), len(set(xs)), "
                          "x in set(xs), min/max/sum/any/all(set(xs)); or keep a list");
    free(t);
    return wj_null();
}

/* [elt for x in xs if c] (one for, any number of ifs) as a $reduce over the
 * items, keeping nested lists nested; {k: v for ...} merges objects; any()
 * and all() over a generator fold truthiness. */
static char *wj_comprehension(wf_ctx *c, const stc_node *n, int what)
{
    size_t ng = n->l1.count;
    for (size_t g = 0; g < ng; g++)
        if (n->l1.items[g]->level) {
            wf_diag(c, n->l1.items[g], WF_E_COMPREHENSION,
                    "'async for' in a comprehension cannot run inside a workflow; move it into "
                    "an internal function");
            return wj_null();
        }
    if (ng > 1 && (what == WJ_COMP_ANY || what == WJ_COMP_ALL)) {
        stc_diag *dg = wf_diag(c, n, WF_E_COMPREHENSION,
                               "%s() over a generator with more than one 'for' is not compiled",
                               what == WJ_COMP_ANY ? "any" : "all");
        stc_diag_set_hint(dg, "nest them, each with one 'for': %s(%s(... for y in ys) for x in "
                              "xs), which stops where Python stops",
                          what == WJ_COMP_ANY ? "any" : "all", what == WJ_COMP_ANY ? "any" : "all");
        return wj_null();
    }
    /* each `for` a $reduce inside the one before, the accumulator handed
     * down; its conditions decide whether the rest runs for an item */
    char **items = stc_xcalloc(ng, sizeof *items), **acc = stc_xcalloc(ng, sizeof *acc),
         **it = stc_xcalloc(ng, sizeof *it);
    stc_buf *cond = stc_xcalloc(ng, sizeof *cond);
    size_t *gmark = stc_xcalloc(ng, sizeof *gmark), *emark = stc_xcalloc(ng, sizeof *emark);
    size_t mark = WJ(c)->nbound;
    char *r = NULL, *step = NULL, *stop = NULL;
    const char *init = "[]";
    size_t g = 0;
    for (; g < ng; g++) {
        const stc_node *gen = n->l1.items[g];
        wf_type ti = WF_T_ANY;
        char *src = wj_expr(c, gen->b, &ti);
        items[g] = wj_iter(c, src, ti);
        free(src);
        acc[g] = wj_fn_param(c);
        it[g] = wj_fn_param(c);
        cond[g] = (stc_buf)STC_BUF_INIT;
        if (!wj_bind_target(c, gen->a, it[g])) {
            g++;
            goto out;
        }
        /* what Python raises for an item, checked item by item */
        gmark[g] = WJ(c)->nguards;
        for (size_t i = 0; i < gen->l1.count; i++) {
            wf_type tc = WF_T_ANY;
            size_t fmark = WJ(c)->nguards;
            char *e = wj_expr(c, gen->l1.items[i], &tc);
            if (i)
                wj_guard_fold(c, fmark, stc_buf_cstr(&cond[g]));
            char *tr = wj_truthy(c, e, tc);
            wf_bprintf(&cond[g], "%s%s", i ? " and " : "", tr);
            free(e);
            free(tr);
        }
        emark[g] = WJ(c)->nguards;
    }
    const char *last = acc[ng - 1];
    if (what == WJ_COMP_DICT) {
        char *k = wj_expr(c, n->a, NULL);
        char *v = wj_expr(c, n->b, NULL);
        step = wf_strf("$merge([%s, {$string(%s): %s}])", last, k, v);
        init = "{}";
        free(k);
        free(v);
    } else {
        wf_type te = WF_T_ANY;
        char *e = wj_expr(c, n->a, &te);
        if (what == WJ_COMP_LIST) {
            char *item = wj_item(c, e, te);
            step = wf_strf("$append(%s, %s)", last, item);
            free(item);
        } else {
            char *tr = wj_truthy(c, e, te);
            step = wf_strf("(%s %s %s)", last, what == WJ_COMP_ANY ? "or" : "and", tr);
            init = what == WJ_COMP_ANY ? "false" : "true";
            /* any() stops at the first true item, all() at the first false */
            stop = what == WJ_COMP_ANY ? stc_xstrdup(tr) : wf_strf("$not(%s)", tr);
            free(tr);
        }
        free(e);
    }
    /* from the innermost for out: its guards item by item, its body */
    char *inner = step;
    step = NULL;
    for (size_t l = ng; l-- > 0;) {
        if (cond[l].len) {
            wj_guard_fold(c, emark[l], stc_buf_cstr(&cond[l]));
            if (stop) {
                char *s2 = wf_strf("(%s) and %s", stc_buf_cstr(&cond[l]), stop);
                free(stop);
                stop = s2;
            }
        }
        wj_guard_each(c, gmark[l], items[l], it[l], stop);
        char *body = cond[l].len ? wf_strf("(%s) ? %s : %s", stc_buf_cstr(&cond[l]), inner, acc[l])
                                 : stc_xstrdup(inner);
        free(inner);
        inner = wf_strf("$reduce(%s, function(%s, %s) { %s }, %s)", items[l], acc[l], it[l], body,
                        l ? acc[l - 1] : init);
        free(body);
    }
    r = inner;
out:
    wj_unbind(c, mark);
    for (size_t l = 0; l < g; l++) {
        free(items[l]);
        free(acc[l]);
        free(it[l]);
        stc_buf_free(&cond[l]);
    }
    free(items);
    free(acc);
    free(it);
    free(cond);
    free(gmark);
    free(emark);
    free(step);
    free(stop);
    return r ? r : wj_null();
}

/* x[lo:hi:step] (step NULL: 1), as slice.indices(len) reads the bounds: for
 * a negative step lo defaults to the last index and hi to before the first;
 * ValueError for a step of 0. */
static char *wj_slice_step(wf_ctx *c, const stc_node *sl, const char *x)
{
    wf_type ts = WF_T_ANY;
    char *st = sl->c ? wj_expr(c, sl->c, &ts) : stc_xstrdup("1");
    if (sl->c && !wj_nonzero_const(sl->c)) {
        char *cond = wf_strf("(%s = 0)", st);
        wj_guard_const(c, cond, "ValueError", "slice step cannot be zero");
        free(cond);
    }
    char *lo = sl->a ? wj_expr(c, sl->a, NULL) : stc_xstrdup("null");
    char *hi = sl->b ? wj_expr(c, sl->b, NULL) : stc_xstrdup("null");
    char *v = wj_blk(c), *n = wj_blk(c), *s = wj_blk(c), *a = wj_blk(c), *z = wj_blk(c),
         *k = wj_blk(c), *ix = wj_blk(c), *j = wj_fn_param(c), *acc = wj_fn_param(c),
         *i = wj_fn_param(c), *ch = wj_fn_param(c);
    char *r = wf_strf(
        "(%s := %s; %s := $type(%s) = \"string\" ? $length(%s) : $count(%s); %s := %s; "
        "%s := %s; %s := %s; "
        /* positive: clamp to [0, n]; negative: to [-1, n - 1] */
        "%s := %s = null ? (%s > 0 ? 0 : %s - 1) : %s < 0 ? (%s + %s < 0 ? (%s > 0 ? 0 : -1) : "
        "%s + %s) : (%s >= %s ? (%s > 0 ? %s : %s - 1) : %s); "
        "%s := %s = null ? (%s > 0 ? %s : -1) : %s < 0 ? (%s + %s < 0 ? (%s > 0 ? 0 : -1) : "
        "%s + %s) : (%s >= %s ? (%s > 0 ? %s : %s - 1) : %s); "
        "%s := %s > 0 ? (%s > %s ? $ceil((%s - %s) / %s) : 0) : (%s > %s ? $ceil((%s - %s) / "
        "-%s) : 0); "
        "%s := %s > 0 ? [$map([0..%s - 1], function(%s) { %s + %s * %s })] : []; "
        "$type(%s) = \"string\" ? (%s = 0 ? \"\" : $join($map(%s, function(%s) { $substring(%s, "
        "%s, 1) }), \"\")) : $reduce(%s, function(%s, %s) { $append(%s, $type(%s[%s]) = \"array\" ? [[%s[%s]]] : "
        "[%s[%s]]) }, []))",
        v, x, n, v, v, v, s, st,
        a, lo, z, hi,
        a, a, s, n, a, a, n, s, a, n, a, n, s, n, n, a,
        z, z, s, n, z, z, n, s, z, n, z, n, s, n, n, z,
        k, s, z, a, z, a, s, a, z, a, z, s,
        ix, k, k, j, a, j, s,
        v, k, ix, ch, v, ch,
        ix, acc, i, acc, v, i, v, i, v, i);
    free(st);
    free(lo);
    free(hi);
    free(v);
    free(n);
    free(s);
    free(a);
    free(z);
    free(k);
    free(ix);
    free(j);
    free(acc);
    free(i);
    free(ch);
    return r;
}

/* x[lo:hi:step] of a list or a string, Python's bounds; [::-1] as a
 * reverse. */
static char *wj_slice(wf_ctx *c, const stc_node *n)
{
    const stc_node *sl = n->b;
    char *x = wj_expr(c, n->a, NULL);
    bool rev = sl->c && sl->c->kind == STC_N_UNARY_OP && strcmp(sl->c->id, "-") == 0 &&
               sl->c->a->kind == STC_N_CONSTANT && sl->c->a->cval.kind == STC_CONST_INT &&
               sl->c->a->cval.ival == 1 && !sl->a && !sl->b;
    char *r;
    if (rev) {
        char *b = wj_blk(c);
        r = wf_strf("(%s := %s; $type(%s) = \"string\" ? $join($reverse($split(%s, \"\")), \"\") : "
                    "$reverse(%s))",
                    b, x, b, b, b);
        free(b);
    } else {
        r = wj_slice_step(c, sl, x);
    }
    free(x);
    return r;
}

/* A lambda of one parameter as text of its body with the parameter read
 * as `param` (sorted(key=...), min/max(key=...)). */
static char *wj_lambda1(wf_ctx *c, const stc_node *lam, const char *param)
{
    const stc_node *args = lam->a;
    if (!args || args->l1.count != 1 || args->l2.count || args->a || args->b) {
        wf_diag(c, lam, WF_E_LAMBDA, "a key function here is a lambda of one parameter");
        return wj_null();
    }
    size_t mark = WJ(c)->nbound;
    wj_bind(c, args->l1.items[0]->id, param);
    char *r = wj_expr(c, lam->b, NULL);
    wj_unbind(c, mark);
    return r;
}

/* ---- hoisting: calls and short-circuits computed before the expression ---- */

static bool wj_has_state_call(wf_ctx *c, const stc_node *n)
{
    if (!n || n->kind == STC_N_LAMBDA)
        return false;
    if (wj_is_state_call(c, n))
        return true;
    if (wj_has_state_call(c, n->a) || wj_has_state_call(c, n->b) || wj_has_state_call(c, n->c))
        return true;
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            if (wj_has_state_call(c, ls[k]->items[i]))
                return true;
    return false;
}

bool wj_has_call(wf_ctx *c, const stc_node *n)
{
    return wj_has_state_call(c, n);
}

static const wj_hoisted *wj_hoisted_of(const wf_ctx *c, const stc_node *n)
{
    const wj_be *be = WJ(c);
    for (size_t i = 0; i < be->nhs; i++)
        if (be->hs[i].n == n)
            return &be->hs[i];
    return NULL;
}

static void wj_hoisted_add(wf_ctx *c, const stc_node *n, char *take, wf_type t)
{
    wj_be *be = WJ(c);
    if (be->nhs == be->caphs) {
        be->caphs = be->caphs ? be->caphs * 2 : 8;
        be->hs = stc_xrealloc(be->hs, be->caphs * sizeof *be->hs);
    }
    be->hs[be->nhs++] = (wj_hoisted){n, take, t};
}

void wj_hoist_clear(wf_ctx *c)
{
    wj_be *be = WJ(c);
    for (size_t i = 0; i < be->nhs; i++)
        free(be->hs[i].text);
    be->nhs = 0;
}

/* `a and b` / `a or b` / `x if t else y` whose later parts call: the value
 * goes to a temporary through a Choice, so that the calls happen only when
 * Python would make them. */
static void wj_hoist_branching(wf_ctx *c, const stc_node *n)
{
    char *tmp = wj_temp(c);
    char *ref = wf_strf("$%s", tmp);
    if (n->kind == STC_N_IF_EXP) {
        stc_asl_exits t = {0}, f = {0}, done = {0};
        wj_cond(c, n->a, &t, &f);
        stc_asl_exits_move(&c->scope->dangling, &t);
        if (wf_live(c)) {
            char *v = wj_value(c, n->b, NULL);
            wj_pend_add(c, tmp, v, NULL);
            free(v);
            wj_settle(c);
        }
        stc_asl_exits_move(&done, &c->scope->dangling);
        stc_asl_exits_move(&c->scope->dangling, &f);
        if (wf_live(c)) {
            char *v = wj_value(c, n->c, NULL);
            wj_pend_add(c, tmp, v, NULL);
            free(v);
            wj_settle(c);
        }
        stc_asl_exits_move(&c->scope->dangling, &done);
        stc_asl_exits_free(&t);
        stc_asl_exits_free(&f);
        stc_asl_exits_free(&done);
        wj_hoisted_add(c, n, ref, WF_T_ANY);
        free(tmp);
        return;
    }
    bool is_and = strcmp(n->id, "and") == 0;
    stc_asl_exits done = {0};
    for (size_t i = 0; i < n->l1.count; i++) {
        if (!wf_live(c))
            break;
        const stc_node *op = n->l1.items[i];
        wf_type t = WF_T_ANY;
        char *v = wj_value(c, op, &t);
        wj_pend_add(c, tmp, v, NULL);
        free(v);
        if (i + 1 == n->l1.count)
            break;
        /* decide on the operand's value: go on only when Python would */
        const char *pv = wj_pend_get(c, tmp);
        char *truth = wj_truthy(c, pv, t);
        char *test = is_and ? stc_xstrdup(truth) : wf_strf("$not(%s)", truth);
        free(truth);
        cJSON *ch = wf_state("Choice");
        cJSON *chs = stc_asl_add_arr(ch, "Choices");
        cJSON *rule = cJSON_CreateObject();
        char *w = wj_wrap(test);
        stc_asl_add_str(rule, "Condition", w);
        free(w);
        free(test);
        char *txt = wf_text(c, op, WF_TEXT_MAX);
        stc_asl_add_str(rule, "Comment", is_and ? txt : "not (...)");
        cJSON_AddItemToArray(chs, rule);
        wj_pend_take(c, ch);
        wf_emit(c, ch, wf_name(c, "%s %s (line %d)", is_and ? "And" : "Or", txt, op->pos.line),
                STC_WF_CALL_NONE, NULL);
        free(txt);
        stc_asl_exits_add(&done, ch, "Default");
        stc_asl_exits_add(&c->scope->dangling, rule, "Next");
    }
    wj_settle(c);
    stc_asl_exits_move(&c->scope->dangling, &done);
    stc_asl_exits_free(&done);
    wj_hoisted_add(c, n, ref, WF_T_ANY);
    free(tmp);
}

void wj_hoist(wf_ctx *c, const stc_node *n)
{
    if (!n || n->kind == STC_N_LAMBDA || !wf_live(c) || wj_hoisted_of(c, n))
        return;
    if (wj_is_state_call(c, n)) {
        /* the arguments' own calls first, then this one into a temporary */
        const stc_node *call = n->kind == STC_N_AWAIT ? n->a : n;
        if (call && call->kind == STC_N_CALL) {
            for (size_t i = 0; i < call->l1.count; i++)
                wj_hoist(c, call->l1.items[i]);
            for (size_t i = 0; i < call->l2.count; i++)
                wj_hoist(c, call->l2.items[i]->a);
        }
        char *tmp = wj_temp(c);
        wj_call_stmt(c, n, tmp, false);
        wj_hoisted_add(c, n, wf_strf("$%s", tmp), n->kind == STC_N_LIST_COMP ? WF_T_LIST : WF_T_ANY);
        free(tmp);
        return;
    }
    if (n->kind == STC_N_BOOL_OP) {
        for (size_t i = 1; i < n->l1.count; i++)
            if (wj_has_state_call(c, n->l1.items[i])) {
                wj_hoist_branching(c, n);
                return;
            }
    }
    if (n->kind == STC_N_IF_EXP && (wj_has_state_call(c, n->b) || wj_has_state_call(c, n->c))) {
        wj_hoist_branching(c, n);
        return;
    }
    if (n->kind == STC_N_LIST_COMP || n->kind == STC_N_GENERATOR_EXP ||
        n->kind == STC_N_SET_COMP || n->kind == STC_N_DICT_COMP)
        return; /* comprehensions that call are Maps (wj_is_state_call) */
    wj_hoist(c, n->a);
    wj_hoist(c, n->b);
    wj_hoist(c, n->c);
    const stc_list *ls[] = {&n->l1, &n->l2};
    for (size_t k = 0; k < 2; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            wj_hoist(c, ls[k]->items[i]);
}

/* ---- expressions ---- */

static char *wj_binop(wf_ctx *c, const stc_node *n, wf_type *t)
{
    const char *op = n->id;
    wf_type ta = WF_T_ANY, tb = WF_T_ANY;
    char *a = wj_expr(c, n->a, &ta);
    char *b = wj_expr(c, n->b, &tb);
    char *r = NULL;
    *t = WF_T_NUM;
    if (strcmp(op, "%") != 0 || ta != WF_T_STR)
        wj_guard_types(c, op, strcmp(op, "+") == 0 ? "+" : "num", a, ta, b, tb);
    if (strcmp(op, "/") == 0 || strcmp(op, "//") == 0 || strcmp(op, "%") == 0)
        wj_guard_zero(c, n, a, b);
    if (strcmp(op, "**") == 0 && !wj_nonzero_const(n->a)) {
        char *cond = wf_strf("(%s = 0 and %s < 0)", a, b);
        wj_guard_const(c, cond, "ZeroDivisionError", "0.0 cannot be raised to a negative power");
        free(cond);
    }
    if (strcmp(op, "+") == 0) {
        if (ta == WF_T_NUM && tb == WF_T_NUM) {
            r = wf_strf("(%s + %s)", a, b);
        } else if (ta == WF_T_STR || tb == WF_T_STR) {
            r = wf_strf("(%s & %s)", a, b);
            *t = WF_T_STR;
        } else if (ta == WF_T_LIST || tb == WF_T_LIST) {
            r = wf_strf("$append(%s, %s)", a, b);
            *t = WF_T_LIST;
        } else {
            char *x = wj_blk(c), *y = wj_blk(c);
            r = wf_strf("(%s := %s; %s := %s; $type(%s) = \"string\" ? %s & %s : $type(%s) = "
                        "\"array\" ? $append(%s, %s) : %s + %s)",
                        x, a, y, b, x, x, y, x, x, y, x, y);
            free(x);
            free(y);
            *t = WF_T_ANY;
        }
    } else if (strcmp(op, "-") == 0 || strcmp(op, "*") == 0) {
        if (op[0] == '*' && (ta == WF_T_STR || tb == WF_T_STR || ta == WF_T_LIST ||
                             tb == WF_T_LIST)) {
            wj_refuse(c, n, "repetition of strings and lists is not in the table; build the "
                            "value in an internal function");
            r = wj_null();
        } else {
            r = wf_strf("(%s %s %s)", a, op, b);
        }
    } else if (strcmp(op, "/") == 0) {
        r = wf_strf("(%s / %s)", a, b);
    } else if (strcmp(op, "//") == 0) {
        r = wf_strf("$floor(%s / %s)", a, b);
    } else if (strcmp(op, "%") == 0) {
        if (ta == WF_T_STR) {
            wj_refuse(c, n, "write an f-string instead of '%' formatting");
            r = wj_null();
        } else {
            /* the result takes the divisor's sign, as in Python */
            char *x = wj_blk(c), *y = wj_blk(c);
            r = wf_strf("(%s := %s; %s := %s; %s - %s * $floor(%s / %s))", x, a, y, b, x, y, x, y);
            free(x);
            free(y);
        }
    } else if (strcmp(op, "**") == 0) {
        r = wf_strf("$power(%s, %s)", a, b);
    } else {
        wj_refuse(c, n, NULL);
        r = wj_null();
    }
    free(a);
    free(b);
    return r;
}

static const char *wj_cmp_op(const char *op)
{
    if (strcmp(op, "==") == 0)
        return "=";
    if (strcmp(op, "!=") == 0)
        return "!=";
    return op; /* < <= > >= */
}

static char *wj_compare_pair(wf_ctx *c, const stc_node *n, const char *op, const char *a,
                             wf_type ta, const char *b, wf_type tb)
{
    if (strcmp(op, "==") == 0)
        return wj_eq(c, a, ta, b, tb);
    if (strcmp(op, "!=") == 0) {
        char *e = wj_eq(c, a, ta, b, tb);
        char *r = wf_strf("$not(%s)", e);
        free(e);
        return r;
    }
    if (strcmp(op, "is") == 0 || strcmp(op, "is not") == 0) {
        bool neg = op[2] == ' ';
        if (tb == WF_T_NONE || ta == WF_T_NONE || tb == WF_T_BOOL || ta == WF_T_BOOL)
            return wf_strf("(%s %s %s)", a, neg ? "!=" : "=", b);
        char *t = wf_text(c, n, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, n, WF_E_EXPRESSION,
                               "'%s': 'is' compares identity, which JSON values do not have",
                               t);
        stc_diag_set_hint(dg, "use == (or 'is None', 'is True', 'is False')");
        free(t);
        return wj_null();
    }
    if (strcmp(op, "in") == 0 || strcmp(op, "not in") == 0) {
        char *r = wj_in(c, a, b, tb);
        if (op[0] == 'n') {
            char *x = wf_strf("$not(%s)", r);
            free(r);
            return x;
        }
        return r;
    }
    wj_guard_types(c, op, "cmp", a, ta, b, tb);
    return wf_strf("(%s %s %s)", a, wj_cmp_op(op), b);
}

static char *wj_compare(wf_ctx *c, const stc_node *n)
{
    stc_buf b = STC_BUF_INIT;
    wf_type tl = WF_T_ANY;
    char *left = wj_expr(c, n->a, &tl);
    for (size_t i = 0; i < n->l1.count; i++) {
        wf_type tr = WF_T_ANY;
        /* a later pair is evaluated only when the ones before hold */
        size_t mark = WJ(c)->nguards;
        const char *op = n->l2.items[i]->id;
        bool member = !strcmp(op, "in") || !strcmp(op, "not in");
        char *right = member && wj_is_set(c, n->l1.items[i])
                          ? (tr = WF_T_LIST, wj_set_items(c, n->l1.items[i]))
                          : wj_expr(c, n->l1.items[i], &tr);
        char *p = wj_compare_pair(c, n, op, left, tl, right, tr);
        if (i)
            wj_guard_fold(c, mark, stc_buf_cstr(&b));
        wf_bprintf(&b, "%s%s", i ? " and " : "", p);
        free(p);
        free(left);
        left = right;
        tl = tr;
    }
    free(left);
    char *r = wf_strf("(%s)", stc_buf_cstr(&b));
    stc_buf_free(&b);
    return r;
}

static char *wj_boolop(wf_ctx *c, const stc_node *n, wf_type *t)
{
    /* a and b -> a when a is falsy, else b (operands, not booleans) */
    bool is_and = strcmp(n->id, "and") == 0;
    size_t k = n->l1.count;
    /* the operands in Python's order: an operand's guards hold only when
     * the ones before let Python evaluate it */
    char **vs = stc_xcalloc(k, sizeof *vs);
    wf_type *ts = stc_xcalloc(k, sizeof *ts);
    stc_buf reach = STC_BUF_INIT;
    for (size_t i = 0; i < k; i++) {
        size_t mark = WJ(c)->nguards;
        ts[i] = WF_T_ANY;
        vs[i] = wj_expr(c, n->l1.items[i], &ts[i]);
        if (i)
            wj_guard_fold(c, mark, stc_buf_cstr(&reach));
        char *tr = wj_truthy(c, vs[i], ts[i]);
        wf_bprintf(&reach, "%s%s%s%s", i ? " and " : "", is_and ? "" : "$not(", tr,
                   is_and ? "" : ")");
        free(tr);
    }
    stc_buf_free(&reach);
    wf_type tl = ts[k - 1];
    char *acc = vs[k - 1];
    bool all_bool = tl == WF_T_BOOL;
    for (size_t i = k - 1; i-- > 0;) {
        wf_type ti = ts[i];
        char *v = vs[i];
        all_bool = all_bool && ti == WF_T_BOOL;
        char *x = wj_blk(c);
        char *truth = wj_truthy(c, x, ti);
        char *r = is_and ? wf_strf("(%s := %s; %s ? %s : %s)", x, v, truth, acc, x)
                         : wf_strf("(%s := %s; %s ? %s : %s)", x, v, truth, x, acc);
        free(truth);
        free(x);
        free(v);
        free(acc);
        acc = r;
    }
    free(vs);
    free(ts);
    *t = all_bool ? WF_T_BOOL : WF_T_ANY;
    return acc;
}


/* Is `name` bound by an `except ... as name` clause of `n`? */
static bool wj_handler_binds(const stc_node *n, const char *name)
{
    if (!n)
        return false;
    if (n->kind == STC_N_EXCEPT_HANDLER && n->id && strcmp(n->id, name) == 0)
        return true;
    if (wj_handler_binds(n->a, name) || wj_handler_binds(n->b, name) ||
        wj_handler_binds(n->c, name))
        return true;
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            if (wj_handler_binds(ls[k]->items[i], name))
                return true;
    return false;
}

/* Does a handler of try statement `s` bind `name`? */
static bool wj_handler_binds_any(const stc_node *s, const char *name)
{
    if (s->kind != STC_N_TRY && s->kind != STC_N_TRY_STAR)
        return false;
    for (size_t i = 0; i < s->l1.count; i++)
        if (s->l1.items[i]->id && strcmp(s->l1.items[i]->id, name) == 0)
            return true;
    return false;
}

static bool wj_target_binds(const stc_node *t, const char *name);

/* Does a statement of `body` (nested ones too) assign `name` other than by
 * an except clause? */
static bool wj_assigns(const stc_list *body, const char *name)
{
    for (size_t i = 0; body && i < body->count; i++) {
        const stc_node *s = body->items[i];
        switch (s->kind) {
        case STC_N_ASSIGN:
            for (size_t k = 0; k < s->l1.count; k++)
                if (wj_target_binds(s->l1.items[k], name))
                    return true;
            continue;
        case STC_N_ANN_ASSIGN:
        case STC_N_AUG_ASSIGN:
        case STC_N_FOR:
            if (wj_target_binds(s->a, name))
                return true;
            break;
        default: break;
        }
        if (s->kind == STC_N_EXCEPT_HANDLER) {
            if (wj_assigns(&s->l0, name))
                return true;
            continue;
        }
        if (s->kind != STC_N_IF && s->kind != STC_N_WHILE && s->kind != STC_N_FOR &&
            s->kind != STC_N_TRY && s->kind != STC_N_TRY_STAR)
            continue;
        const stc_list *ls[] = {&s->l0, &s->l1, &s->l2, &s->l3};
        for (size_t k = 0; k < 4; k++)
            if (wj_assigns(ls[k], name))
                return true;
    }
    return false;
}

/* str(e) of an exception bound by `except E as e` (the variable holds
 * {"Error", "Cause"}): its message. NULL for anything else. */
static char *wj_exc_str(wf_ctx *c, const stc_node *n)
{
    if (n->kind != STC_N_NAME || !wf_is_local(c, n->id) || !c->method->body)
        return NULL;
    for (size_t i = WJ(c)->nbound; i-- > 0;)
        if (strcmp(WJ(c)->bound[i].py, n->id) == 0)
            return NULL;
    bool bound = false;
    for (size_t i = 0; i < c->method->body->count && !bound; i++)
        bound = wj_handler_binds(c->method->body->items[i], n->id);
    /* a name the method also assigns may hold anything */
    if (!bound || wj_assigns(c->method->body, n->id))
        return NULL;
    char *v = wj_expr(c, n, NULL);
    char *p = wj_paren(v);
    char *r = wf_strf("%s.Cause", p);
    free(p);
    free(v);
    return r;
}

/* ---- locals that are always numbers ---- */

static bool wj_num_name(wf_ctx *c, const char *name);

/* Is `v` a number whatever the input, given the locals that are? */
static bool wj_num_expr(wf_ctx *c, const stc_node *v)
{
    if (!v)
        return false;
    switch (v->kind) {
    case STC_N_CONSTANT:
        return v->cval.kind == STC_CONST_INT || v->cval.kind == STC_CONST_FLOAT ||
               v->cval.kind == STC_CONST_BOOL;
    case STC_N_UNARY_OP: return strcmp(v->id, "not") != 0 && wj_num_expr(c, v->a);
    case STC_N_BIN_OP: return wj_num_expr(c, v->a) && wj_num_expr(c, v->b);
    case STC_N_IF_EXP: return wj_num_expr(c, v->b) && wj_num_expr(c, v->c);
    case STC_N_NAME: return wj_num_name(c, v->id);
    case STC_N_CALL: {
        char *q = wf_qualname(c, v->a);
        static const char *const fns[] = {"builtins.len", "builtins.int", "builtins.float",
                                          "builtins.round", "builtins.abs"};
        bool num = false;
        for (size_t i = 0; q && i < STC_ARRAY_LEN(fns); i++)
            num = num || strcmp(q, fns[i]) == 0;
        free(q);
        return num;
    }
    default: return false;
    }
}

/* Does assignment target `t` (a name, or names unpacked) bind `name`? */
static bool wj_target_binds(const stc_node *t, const char *name)
{
    if (!t)
        return false;
    if (t->kind == STC_N_NAME)
        return strcmp(t->id, name) == 0;
    if (t->kind == STC_N_TUPLE || t->kind == STC_N_LIST)
        for (size_t i = 0; i < t->l1.count; i++)
            if (wj_target_binds(t->l1.items[i], name))
                return true;
    return false;
}

/* Every binding of `name` in `body` a plain assignment of a number (*any:
 * there is one); false at the first binding that is not. */
static bool wj_num_scan(wf_ctx *c, const stc_list *body, const char *name, bool *any)
{
    for (size_t i = 0; body && i < body->count; i++) {
        const stc_node *s = body->items[i];
        switch (s->kind) {
        case STC_N_ASSIGN:
            for (size_t k = 0; k < s->l1.count; k++) {
                const stc_node *t = s->l1.items[k];
                if (t->kind == STC_N_NAME && strcmp(t->id, name) == 0) {
                    if (s->l1.count > 1 || !wj_num_expr(c, s->a))
                        return false;
                    *any = true;
                } else if (t->kind == STC_N_TUPLE || t->kind == STC_N_LIST) {
                    for (size_t j = 0; j < t->l1.count; j++)
                        if (t->l1.items[j]->kind == STC_N_NAME &&
                            strcmp(t->l1.items[j]->id, name) == 0)
                            return false;
                }
            }
            break;
        case STC_N_ANN_ASSIGN:
        case STC_N_AUG_ASSIGN: {
            const stc_node *v = s->kind == STC_N_ANN_ASSIGN ? s->c : s->b;
            if (s->a->kind == STC_N_NAME && strcmp(s->a->id, name) == 0) {
                if (!v || !wj_num_expr(c, v))
                    return false;
                *any = true;
            }
            break;
        }
        case STC_N_FOR:
            if (wj_target_binds(s->a, name))
                return false;
            break;
        default: break;
        }
        if (wj_handler_binds_any(s, name))
            return false;
        const stc_list *ls[] = {&s->l0, &s->l1, &s->l2, &s->l3};
        for (size_t k = 0; k < 4; k++) {
            if (s->kind == STC_N_ASSIGN && k == 1)
                continue;
            for (size_t j = 0; j < ls[k]->count; j++) {
                const stc_node *x = ls[k]->items[j];
                if (x->kind == STC_N_EXCEPT_HANDLER) {
                    if (!wj_num_scan(c, &x->l0, name, any))
                        return false;
                } else if (!wj_num_scan(c, &(stc_list){.items = (stc_node **)&ls[k]->items[j],
                                                       .count = 1},
                                        name, any)) {
                    return false;
                }
            }
        }
    }
    return true;
}

static bool wj_num_name(wf_ctx *c, const char *name)
{
    wj_be *be = WJ(c);
    for (size_t i = 0; i < be->nnums; i++)
        if (strcmp(be->nums[i].name, name) == 0)
            return be->nums[i].num;
    for (size_t i = 0; i < c->method->nparams; i++)
        if (strcmp(c->method->params[i].name, name) == 0) {
            const char *a = c->method->params[i].annotation;
            return a && (!strcmp(a, "int") || !strcmp(a, "float") || !strcmp(a, "bool"));
        }
    if (!wf_is_local(c, name)) {
        const stc_node *g = wf_global_value(c, name);
        return g && g->kind == STC_N_CONSTANT && wj_num_expr(c, g);
    }
    /* optimistic while the scan runs: x = x + 1 keeps x a number */
    size_t at = be->nnums;
    be->nums = stc_xrealloc(be->nums, (at + 1) * sizeof *be->nums);
    be->nums[be->nnums++] = (struct wj_num){stc_xstrdup(name), true};
    bool any = false;
    bool num = wj_num_scan(c, c->method->body, name, &any) && any;
    be->nums[at].num = num;
    return num;
}

/* round(x, n) as Python rounds: the exact binary value of x, half to even.
 * p = x * 10^n is rounded; its exact error e comes from Dekker's product
 * with Veltkamp's splitting (10^n is exact for n <= 22), so the sign of
 * (p - floor(p) - 1/2) + e says which way the exact x * 10^n goes, and 0
 * only for a true tie. The quotient by 10^n is the correctly rounded
 * double of the decimal result, as Python's. */
static char *wj_round_exact(wf_ctx *c, const char *x, long n)
{
    char *v = wj_blk(c), *m = wj_blk(c), *p = wj_blk(c), *sp = wj_blk(c), *a = wj_blk(c),
         *b = wj_blk(c), *e = wj_blk(c), *f = wj_blk(c), *d = wj_blk(c), *q = wj_fn_param(c),
         *h = wj_blk(c), *k = wj_blk(c);
    char *r = wf_strf(
        "(%s := %s; %s := %.0f; %s := %s * %s; $abs(%s) >= 4503599627370496 ? %s : ("
        "%s := function(%s) { (%s := 134217729 * %s; %s := %s - (%s - %s); [%s, %s - %s]) }; "
        "%s := %s(%s); %s := %s(%s); "
        "%s := ((%s[0] * %s[0] - %s) + %s[0] * %s[1] + %s[1] * %s[0]) + %s[1] * %s[1]; "
        "%s := $floor(%s); %s := (%s - %s - 0.5) + %s; "
        "(%s > 0 ? %s + 1 : %s < 0 ? %s : (%s %% 2 = 0 ? %s : %s + 1)) / %s))",
        v, x, m, pow(10.0, (double)n), p, v, m, p, v,
        sp, q, k, q, h, k, k, q, h, q, h,
        a, sp, v, b, sp, m,
        e, a, b, p, a, b, a, b, a, b,
        f, p, d, p, f, e,
        d, f, d, f, f, f, f, m);
    free(v);
    free(m);
    free(p);
    free(sp);
    free(a);
    free(b);
    free(e);
    free(f);
    free(d);
    free(q);
    free(h);
    free(k);
    return r;
}

/* A constant int in 0..22 (digits that round_exact can take), or -1. */
static long wj_digits(const stc_node *n)
{
    if (n && n->kind == STC_N_CONSTANT && n->cval.kind == STC_CONST_INT && n->cval.ival >= 0 &&
        n->cval.ival <= 22)
        return (long)n->cval.ival;
    return -1;
}

/* f"{x:spec}" for the specs of the table: [[fill]align][,][width]
 * [.precision][f|d|%|s] (zero padding as 0width). NULL after a diagnostic. */
static char *wj_format_spec(wf_ctx *c, const stc_node *part)
{
    const stc_node *spec = part->b;
    const char *sp = NULL;
    if (spec->kind == STC_N_JOINED_STR && spec->l1.count == 1 &&
        spec->l1.items[0]->kind == STC_N_CONSTANT && spec->l1.items[0]->cval.kind == STC_CONST_STR)
        sp = spec->l1.items[0]->sval;
    char fill = ' ', align = 0, type = 0;
    bool group = false, zero = false;
    long width = 0, prec = -1;
    const char *p = sp;
    bool ok = p != NULL;
    if (ok && p[0] && (p[1] == '<' || p[1] == '>') && p[0] != '{') {
        fill = p[0];
        align = p[1];
        p += 2;
    } else if (ok && (p[0] == '<' || p[0] == '>')) {
        align = *p++;
    }
    if (ok && *p == '0') {
        zero = true;
        p++;
    }
    while (ok && *p >= '0' && *p <= '9')
        width = width * 10 + (*p++ - '0');
    if (ok && *p == ',') {
        group = true;
        p++;
    }
    if (ok && *p == '.') {
        p++;
        prec = 0;
        if (!(*p >= '0' && *p <= '9'))
            ok = false;
        while (ok && *p >= '0' && *p <= '9')
            prec = prec * 10 + (*p++ - '0');
    }
    if (ok && (*p == 'f' || *p == 'd' || *p == '%' || *p == 's'))
        type = *p++;
    if (ok && !*p && type == 0 && prec >= 0) {
        /* {x:.2} is Python's general format: significant digits */
        char *t = wf_text(c, part, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, part->a, WF_E_FORMAT,
                               "'%s' asks for Python's general format (%ld significant digits), "
                               "which the workflow compiler does not write",
                               t, prec);
        stc_diag_set_hint(dg, "write {x:.%ldf} for %ld digits after the point", prec, prec);
        free(t);
        return NULL;
    }
    if (!ok || *p || width > 200 || prec > 20 || (type == 's' && (group || prec >= 0)) ||
        (type == 'd' && prec >= 0)) {
        char *t = wf_text(c, part, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, part->a, WF_E_FORMAT,
                               "the format spec in '%s' is not one the workflow compiler writes; "
                               "format the value in an internal function",
                               t);
        stc_diag_set_hint(dg, "specs it writes: [[fill]<|>][0][width][,][.precision][f|d|%%|s]");
        free(t);
        return NULL;
    }
    wf_type tv = WF_T_ANY;
    char *v = wj_expr(c, part->a, &tv);
    char *s;
    if (type == 'f' || type == '%' || (type == 0 && prec >= 0) || group || zero) {
        /* a picture for $formatNumber: grouping, the fraction's digits */
        stc_buf pic = STC_BUF_INIT;
        long digits = type == 'd' || (type == 0 && prec < 0) ? 0 : prec < 0 ? 6 : prec;
        long int_digits = 1;
        if (zero && width > 0)
            int_digits = width - (digits ? digits + 1 : 0) - (type == '%' ? 1 : 0);
        if (int_digits < 1)
            int_digits = 1;
        /* with zero padding a minus sign takes one of the width's places */
        stc_buf neg = STC_BUF_INIT;
        for (int w = 0; w < 2; w++) {
            stc_buf *pb = w ? &neg : &pic;
            long id = w && int_digits > 1 ? int_digits - 1 : int_digits;
            if (group)
                stc_buf_puts(pb, "#,##");
            for (long i = 0; i < id; i++)
                stc_buf_putc(pb, '0');
            if (digits) {
                stc_buf_putc(pb, '.');
                for (long i = 0; i < digits; i++)
                    stc_buf_putc(pb, '0');
            }
        }
        /* the value rounded as Python rounds it (the exact binary value,
         * half to even) before $formatNumber writes its digits */
        char *scaled = type == '%' ? wf_strf("(%s * 100)", v) : stc_xstrdup(v);
        char *rounded = digits <= 22 ? wj_round_exact(c, scaled, digits) : stc_xstrdup(scaled);
        const char *pct = type == '%' ? " & \"%\"" : "";
        if (strcmp(stc_buf_cstr(&pic), stc_buf_cstr(&neg)) == 0) {
            s = wf_strf("$formatNumber(%s, \"%s\")%s", rounded, stc_buf_cstr(&pic), pct);
        } else {
            char *rv = wj_blk(c);
            s = wf_strf("(%s := %s; $formatNumber(%s, %s < 0 ? \"%s\" : \"%s\")%s)", rv, rounded, rv,
                        rv, stc_buf_cstr(&neg), stc_buf_cstr(&pic), pct);
            free(rv);
        }
        free(scaled);
        free(rounded);
        stc_buf_free(&pic);
        stc_buf_free(&neg);
    } else {
        s = wj_str(c, v, tv);
    }
    free(v);
    if (width > 0 && !zero) {
        /* numbers go right, text left, unless the spec says */
        bool right = align ? align == '>' : (type == 'f' || type == 'd' || type == '%' ||
                                             tv == WF_T_NUM);
        char f[3] = {fill, 0, 0};
        char *fq = wj_quote(f);
        char *r = wf_strf("$pad(%s, %s%ld, %s)", s, right ? "-" : "", width, fq);
        free(fq);
        free(s);
        s = r;
    }
    return s;
}

static char *wj_fstring(wf_ctx *c, const stc_node *n)
{
    stc_buf b = STC_BUF_INIT;
    size_t parts = 0;
    for (size_t i = 0; i < n->l1.count; i++) {
        const stc_node *part = n->l1.items[i];
        char *piece = NULL;
        if (part->kind == STC_N_CONSTANT && part->cval.kind == STC_CONST_STR) {
            piece = wj_quote(part->sval);
        } else if (part->kind == STC_N_FORMATTED_VALUE) {
            if (part->level == -1 && part->b) {
                piece = wj_format_spec(c, part);
                if (!piece)
                    continue;
            } else if ((part->level == 'r' || part->level == 's') && !part->b) {
                /* {x!r}: repr(x); {x!s}: str(x) */
                piece = wj_exc_str(c, part->a);
                if (!piece || part->level == 'r') {
                    free(piece);
                    wf_type t = WF_T_ANY;
                    char *v = wj_expr(c, part->a, &t);
                    piece = part->level == 'r' ? wj_repr(c, v, t) : wj_str(c, v, t);
                    free(v);
                }
            } else if (part->level != -1 || part->b) {
                char *t = wf_text(c, part, WF_TEXT_MAX);
                stc_diag *dg = wf_diag(c, part->a, WF_E_FORMAT,
                                       "the conversion or format spec in '%s' is not compiled "
                                       "yet; format the value in an internal function",
                                       t);
                stc_diag_set_hint(dg, "write {x} without a conversion or format spec, or format "
                                      "it in an internal function");
                free(t);
                continue;
            }
            if (piece)
                goto add;
            piece = wj_exc_str(c, part->a);
            if (piece)
                goto add;
            wf_type t = WF_T_ANY;
            char *v = wj_expr(c, part->a, &t);
            piece = wj_str(c, v, t);
            free(v);
        } else {
            continue;
        }
    add:
        wf_bprintf(&b, "%s%s", parts++ ? " & " : "", piece);
        free(piece);
    }
    if (!parts)
        return stc_xstrdup("\"\"");
    char *r = wf_strf("(%s)", stc_buf_cstr(&b));
    stc_buf_free(&b);
    return r;
}

static char *wj_subscript(wf_ctx *c, const stc_node *n)
{
    wf_type tc = WF_T_ANY, tk = WF_T_ANY;
    if (n->b->kind == STC_N_SLICE)
        return wj_slice(c, n);
    char *cont = wj_expr(c, n->a, &tc);
    char *key = wj_expr(c, n->b, &tk);
    wj_guard_subscript(c, n, cont, tc, key, tk);
    char *r;
    if (tk == WF_T_STR || tc == WF_T_DICT) {
        r = wf_strf("$lookup(%s, %s)", cont, key);
    } else if (tc == WF_T_STR) {
        r = wf_strf("$substring(%s, %s, 1)", cont, key);
    } else if (tc == WF_T_LIST) {
        /* (xs)[i]: the predicate applies to the list, not to a path step */
        char *k = wj_blk(c);
        r = wf_strf("(%s := %s; (%s)[%s])", k, key, cont, k);
        free(k);
    } else {
        char *x = wj_blk(c), *k = wj_blk(c);
        r = wf_strf("(%s := %s; %s := %s; $type(%s) = \"number\" ? ($type(%s) = \"string\" ? "
                    "$substring(%s, %s, 1) : (%s)[%s]) : $lookup(%s, %s))",
                    x, cont, k, key, k, x, x, k, x, k, x, k);
        free(x);
        free(k);
    }
    free(cont);
    free(key);
    return r;
}

static char *wj_list(wf_ctx *c, const stc_node *n, wf_type *t)
{
    *t = WF_T_LIST;
    size_t k = n->l1.count;
    char **items = stc_xcalloc(k + 1, sizeof *items);
    wf_type *types = stc_xcalloc(k + 1, sizeof *types);
    for (size_t i = 0; i < k; i++) {
        const stc_node *e = n->l1.items[i];
        if (e->kind == STC_N_STARRED) {
            wf_diag(c, e, WF_E_EXPRESSION, "'*' in a list cannot run inside a workflow; "
                                           "concatenate with +");
            items[i] = wj_null();
            continue;
        }
        types[i] = WF_T_ANY;
        items[i] = wj_expr(c, e, &types[i]);
    }
    char *r = wj_list_of(c, items, types, k);
    for (size_t i = 0; i < k; i++)
        free(items[i]);
    free(items);
    free(types);
    return r;
}

static char *wj_dict(wf_ctx *c, const stc_node *n)
{
    /* {"a": x, **d, "b": y} -> $merge([{"a": x}, d, {"b": y}]) */
    stc_buf parts = STC_BUF_INIT, cur = STC_BUF_INIT;
    size_t nparts = 0, ncur = 0;
    for (size_t i = 0; i < n->l1.count; i++) {
        const stc_node *k = n->l1.items[i];
        const stc_node *v = n->l2.items[i];
        if (!k) {
            if (ncur) {
                wf_bprintf(&parts, "%s{%s}", nparts++ ? ", " : "", stc_buf_cstr(&cur));
                stc_buf_free(&cur);
                cur = (stc_buf)STC_BUF_INIT;
                ncur = 0;
            }
            char *d = wj_expr(c, v, NULL);
            wf_bprintf(&parts, "%s%s", nparts++ ? ", " : "", d);
            free(d);
            continue;
        }
        if (k->kind != STC_N_CONSTANT || k->cval.kind != STC_CONST_STR) {
            stc_diag *dg = wf_diag(c, k, WF_E_DICT_KEY, "a workflow's dict keys are string constants");
            stc_diag_set_hint(dg, "build the dict in an internal function");
            continue;
        }
        char *ks = wj_quote(k->sval);
        char *vs = wj_expr(c, v, NULL);
        wf_bprintf(&cur, "%s%s: %s", ncur++ ? ", " : "", ks, vs);
        free(ks);
        free(vs);
    }
    char *r;
    if (!nparts) {
        r = wf_strf("{%s}", stc_buf_cstr(&cur));
    } else {
        if (ncur)
            wf_bprintf(&parts, ", {%s}", stc_buf_cstr(&cur));
        r = wf_strf("$merge([{}, %s])", stc_buf_cstr(&parts));
    }
    stc_buf_free(&parts);
    stc_buf_free(&cur);
    return r;
}

static const stc_node *wj_kwarg(const stc_node *call, const char *name)
{
    for (size_t i = 0; i < call->l2.count; i++)
        if (call->l2.items[i]->id && strcmp(call->l2.items[i]->id, name) == 0)
            return call->l2.items[i]->a;
    return NULL;
}

static bool wj_nargs(wf_ctx *c, const stc_node *n, size_t lo, size_t hi, size_t nkw)
{
    if (n->l1.count < lo || n->l1.count > hi || n->l2.count > nkw) {
        char *t = wf_text(c, n->a, WF_TEXT_MAX);
        wf_diag(c, n, WF_E_CALL, "'%s(...)' takes %zu to %zu arguments here", t, lo, hi);
        free(t);
        return false;
    }
    return true;
}

static char *wj_arg(wf_ctx *c, const stc_node *n, size_t i, wf_type *t)
{
    return wj_expr(c, n->l1.items[i], t);
}


/* s.method(...), d.method(...): the str and dict methods of the table (list
 * methods that mutate are statements: jsonata.c). NULL after a diagnostic. */
static char *wj_method_call(wf_ctx *c, const stc_node *n, wf_type *t)
{
    const char *m = n->a->id;
    const stc_node *obj = n->a->a;
    size_t na = n->l1.count;
    if (n->l2.count) {
        wf_diag(c, n, WF_E_CALL, "'.%s(...)' takes no keyword arguments here", m);
        return NULL;
    }
    static const struct {
        const char *name;
        size_t lo, hi;
    } known[] = {{"strip", 0, 0},   {"lstrip", 0, 0},  {"rstrip", 0, 0},     {"lower", 0, 0},
                 {"upper", 0, 0},   {"startswith", 1, 1}, {"endswith", 1, 1}, {"replace", 2, 2},
                 {"split", 0, 1},   {"join", 1, 1},    {"get", 1, 2},        {"keys", 0, 0},
                 {"values", 0, 0},  {"items", 0, 0},   {"count", 1, 1},
                 {"find", 1, 1},    {"copy", 0, 0},    {"index", 1, 1}};
    size_t k = 0;
    while (k < STC_ARRAY_LEN(known) && strcmp(known[k].name, m) != 0)
        k++;
    if (k == STC_ARRAY_LEN(known)) {
        char *tx = wf_text(c, n->a, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, n, WF_E_CALL,
                               "'%s(...)' cannot be called inside a workflow; only internal "
                               "functions (self._name), workflows and the built-ins and methods of "
                               "the translation table can",
                               tx);
        stc_diag_set_hint(dg, "move the call into an internal function such as _compute(...) and "
                              "call that");
        free(tx);
        return NULL;
    }
    if (na < known[k].lo || na > known[k].hi) {
        wf_diag(c, n, WF_E_CALL, "'.%s(...)' takes %zu to %zu arguments here", m, known[k].lo,
                known[k].hi);
        return NULL;
    }
    wf_type to = WF_T_ANY;
    char *o = wj_expr(c, obj, &to);
    char *a0 = na > 0 ? wj_expr(c, n->l1.items[0], NULL) : NULL;
    char *a1 = na > 1 ? wj_expr(c, n->l1.items[1], NULL) : NULL;
    char *x = wj_blk(c);
    char *r = NULL;
    *t = WF_T_STR;
    if (!strcmp(m, "strip"))
        r = wf_strf("$replace(%s, /^\\s+|\\s+$/, \"\")", o);
    else if (!strcmp(m, "lstrip"))
        r = wf_strf("$replace(%s, /^\\s+/, \"\")", o);
    else if (!strcmp(m, "rstrip"))
        r = wf_strf("$replace(%s, /\\s+$/, \"\")", o);
    else if (!strcmp(m, "lower"))
        r = wf_strf("$lowercase(%s)", o);
    else if (!strcmp(m, "upper"))
        r = wf_strf("$uppercase(%s)", o);
    else if (!strcmp(m, "startswith") || !strcmp(m, "endswith")) {
        char *p = wj_blk(c);
        r = m[0] == 's'
                ? wf_strf("(%s := %s; %s := %s; $substring(%s, 0, $length(%s)) = %s)", x, o, p, a0,
                          x, p, p)
                : wf_strf("(%s := %s; %s := %s; $length(%s) >= $length(%s) and $substring(%s, "
                          "$length(%s) - $length(%s)) = %s)",
                          x, o, p, a0, x, p, x, x, p, p);
        free(p);
        *t = WF_T_BOOL;
    } else if (!strcmp(m, "replace"))
        r = wf_strf("$replace(%s, %s, %s)", o, a0, a1);
    else if (!strcmp(m, "split")) {
        *t = WF_T_LIST;
        if (a0) {
            r = wf_strf("$split(%s, %s)", o, a0);
        } else {
            /* split(): runs of white space, no empty pieces */
            char *acc = wj_fn_param(c), *v = wj_fn_param(c);
            r = wf_strf("$reduce($split(%s, /\\s+/), function(%s, %s) { %s = \"\" ? %s : "
                        "$append(%s, [%s]) }, [])",
                        o, acc, v, v, acc, acc, v);
            free(acc);
            free(v);
        }
    } else if (!strcmp(m, "join"))
        r = wf_strf("$join(%s, %s)", a0, o);
    else if (!strcmp(m, "get")) {
        *t = WF_T_ANY;
        r = wf_strf("(%s := $lookup(%s, %s); $exists(%s) ? %s : %s)", x, o, a0, x, x,
                    a1 ? a1 : "null");
    } else if (!strcmp(m, "keys")) {
        *t = WF_T_LIST;
        r = wf_strf("[$keys(%s)]", o);
    } else if (!strcmp(m, "values") || !strcmp(m, "items")) {
        *t = WF_T_LIST;
        char *acc = wj_fn_param(c), *kk = wj_fn_param(c);
        char *v = wf_strf("$lookup(%s, %s)", x, kk);
        char *item = wj_item(c, v, WF_T_ANY);
        r = m[0] == 'v'
                ? wf_strf("(%s := %s; $reduce([$keys(%s)], function(%s, %s) { $append(%s, %s) }, "
                          "[]))",
                          x, o, x, acc, kk, acc, item)
                : wf_strf("(%s := %s; $reduce([$keys(%s)], function(%s, %s) { $append(%s, "
                          "[[$append([%s], %s)]]) }, []))",
                          x, o, x, acc, kk, acc, kk, item);
        free(acc);
        free(kk);
        free(v);
        free(item);
    } else if (!strcmp(m, "count") || !strcmp(m, "find")) {
        *t = WF_T_NUM;
        char *acc = wj_fn_param(c), *v = wj_fn_param(c), *i = wj_fn_param(c), *p = wj_blk(c);
        if (!strcmp(m, "count"))
            r = wf_strf("(%s := %s; %s := %s; $type(%s) = \"string\" ? $count($split(%s, %s)) - 1 "
                        ": $reduce(%s, function(%s, %s) { %s = %s ? %s + 1 : %s }, 0))",
                        x, o, p, a0, x, x, p, x, acc, v, v, p, acc, acc);
        else
            r = wf_strf("(%s := %s; %s := %s; $type(%s) = \"string\" ? ($contains(%s, %s) ? "
                        "$length($substringBefore(%s, %s)) : -1) : $reduce(%s, function(%s, %s, %s) "
                        "{ %s < 0 and %s = %s ? %s : %s }, -1))",
                        x, o, p, a0, x, x, p, x, p, x, acc, v, i, acc, v, p, i, acc);
        free(acc);
        free(v);
        free(i);
        free(p);
    } else if (!strcmp(m, "index")) {
        /* the first index of an equal item or substring; ValueError when none */
        *t = WF_T_NUM;
        char *acc = wj_fn_param(c), *v = wj_fn_param(c), *i = wj_fn_param(c), *p = wj_blk(c);
        r = wf_strf("(%s := %s; %s := %s; $type(%s) = \"string\" ? $length($substringBefore(%s, %s)) "
                    ": $reduce(%s, function(%s, %s, %s) { %s < 0 and %s = %s ? %s : %s }, -1))",
                    x, o, p, a0, x, x, p, x, acc, v, i, acc, v, p, i, acc);
        char *rk = wj_repr_key(c, n->l1.items[0], a0, WF_T_ANY);
        char *cond = wf_strf("(%s < 0 or ($type(%s) = \"string\" and $not($contains(%s, %s))))", r, o, o,
                             a0);
        char *err = wf_strf("{\"Error\": \"ValueError\", \"Cause\": $type(%s) = \"string\" ? "
                            "\"substring not found\" : %s & \" is not in list\"}",
                            o, rk);
        wj_guard_add_obj(c, cond, err);
        free(cond);
        free(err);
        free(rk);
        free(acc);
        free(v);
        free(i);
        free(p);
    } else if (!strcmp(m, "copy")) {
        *t = to;
        r = stc_xstrdup(o);
    }
    free(x);
    free(o);
    free(a0);
    free(a1);
    return r;
}

/* Is `name` bound inside the expression (a comprehension variable or a
 * lambda parameter)? */
static bool wj_is_bound(const wf_ctx *c, const char *name)
{
    for (size_t i = WJ(c)->nbound; i-- > 0;)
        if (strcmp(WJ(c)->bound[i].py, name) == 0)
            return true;
    return false;
}

static char *wj_builtin_call(wf_ctx *c, const stc_node *n, wf_type *t)
{
    /* w.lower() on a comprehension's w is a method, not a module's function */
    const stc_node *base = n->a->kind == STC_N_ATTRIBUTE ? n->a->a : NULL;
    char *q = base && base->kind == STC_N_NAME && wj_is_bound(c, base->id) ? NULL
                                                                           : wf_qualname(c, n->a);
    char *r = NULL;
    wf_type ta = WF_T_ANY;
    if (q && strcmp(q, "builtins.len") == 0) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        char *a = wj_arg_set(c, n, 0, &ta);
        *t = WF_T_NUM;
        if (ta != WF_T_STR && ta != WF_T_LIST && ta != WF_T_DICT) {
            char *cond = wf_strf("($type(%s) in [\"number\", \"boolean\", \"null\"])", a);
            char *ty = wj_pytype(c, a, ta);
            char *cause = wf_strf("\"object of type '\" & %s & \"' has no len()\"", ty);
            wj_guard_add(c, cond, "TypeError", cause);
            free(cond);
            free(ty);
            free(cause);
        }
        if (ta == WF_T_STR)
            r = wf_strf("$length(%s)", a);
        else if (ta == WF_T_LIST)
            r = wf_strf("$count(%s)", a);
        else if (ta == WF_T_DICT)
            r = wf_strf("$count($keys(%s))", a);
        else {
            char *x = wj_blk(c);
            r = wf_strf("(%s := %s; $type(%s) = \"string\" ? $length(%s) : $type(%s) = \"object\" "
                        "? $count($keys(%s)) : $count(%s))",
                        x, a, x, x, x, x, x);
            free(x);
        }
        free(a);
    } else if (q && strcmp(q, "builtins.str") == 0) {
        if (!wj_nargs(c, n, 0, 1, 0))
            goto bad;
        *t = WF_T_STR;
        if (!n->l1.count) {
            r = stc_xstrdup("\"\"");
        } else if ((r = wj_exc_str(c, n->l1.items[0])) != NULL) {
            /* the exception's message */
        } else {
            char *a = wj_arg(c, n, 0, &ta);
            r = wj_str(c, a, ta);
            free(a);
        }
    } else if (q && strcmp(q, "builtins.repr") == 0) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        char *a = wj_arg(c, n, 0, &ta);
        r = wj_repr(c, a, ta);
        *t = WF_T_STR;
        free(a);
    } else if (q && strcmp(q, "builtins.bool") == 0) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        char *a = wj_arg_set(c, n, 0, &ta);
        r = wj_truthy(c, a, ta);
        *t = WF_T_BOOL;
        free(a);
    } else if (q && strcmp(q, "builtins.abs") == 0) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        char *a = wj_arg(c, n, 0, &ta);
        r = wf_strf("$abs(%s)", a);
        *t = WF_T_NUM;
        free(a);
    } else if (q && strcmp(q, "builtins.range") == 0) {
        if (!wj_nargs(c, n, 1, 3, 0))
            goto bad;
        char *a = wj_arg(c, n, 0, NULL);
        *t = WF_T_LIST;
        if (n->l1.count == 1) {
            r = wf_strf("[0..(%s) - 1]", a);
        } else {
            char *b = wj_arg(c, n, 1, NULL);
            if (n->l1.count == 2) {
                r = wf_strf("[(%s)..(%s) - 1]", a, b);
            } else {
                char *s = wj_arg(c, n, 2, NULL);
                char *x = wj_blk(c), *y = wj_blk(c), *k = wj_blk(c), *i = wj_blk(c);
                /* the count of items: ceil((b - a) / k) when positive */
                r = wf_strf("(%s := %s; %s := %s; %s := %s; $map([0..$ceil((%s - %s) / %s) - 1], "
                            "function(%s) { %s + %s * %s }))",
                            x, a, y, b, k, s, y, x, k, i, x, i, k);
                free(x);
                free(y);
                free(k);
                free(i);
                free(s);
            }
            free(b);
        }
        free(a);
    } else if (q && strcmp(q, "uuid.uuid4") == 0) {
        if (!wj_nargs(c, n, 0, 0, 0))
            goto bad;
        r = stc_xstrdup("$uuid()");
        *t = WF_T_STR;
    } else if (q && strcmp(q, "json.loads") == 0) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        char *a = wj_arg(c, n, 0, NULL);
        r = wf_strf("$parse(%s)", a);
        free(a);
    } else if (q && strcmp(q, "json.dumps") == 0) {
        if (!wj_nargs(c, n, 1, 1, 2))
            goto bad;
        if (!wf_json_dumps_compact(n)) {
            stc_diag *dg = wf_diag(c, n, WF_E_JSON_DUMPS,
                                   "json.dumps in a workflow writes compact UTF-8 JSON; say so "
                                   "with separators=(\",\", \":\"), ensure_ascii=False");
            stc_diag_set_hint(dg, "json.dumps(x, separators=(\",\", \":\"), ensure_ascii=False)");
            goto bad;
        }
        char *a = wj_arg(c, n, 0, NULL);
        r = wf_strf("$string(%s)", a);
        *t = WF_T_STR;
        free(a);
    } else if (n->a->kind == STC_N_ATTRIBUTE && !q) {
        r = wj_method_call(c, n, t);
        if (!r)
            goto bad;
    } else if (q && (strcmp(q, "builtins.int") == 0 || strcmp(q, "builtins.float") == 0)) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        char *a = wj_arg(c, n, 0, &ta);
        char *x = wj_blk(c);
        *t = WF_T_NUM;
        /* a str as Python reads it: white space around, '_' between digits,
         * a '+' sign, ".5" and "5." */
        char *norm = wf_strf("$replace($replace($replace($replace($trim(%s), \"_\", \"\"), /^\\+/, "
                             "\"\"), /^(-?)\\./, function($m) { $m.groups[0] & \"0.\" }), "
                             "/\\.(?=[eE]|$)/, \".0\")",
                             x);
        const char *re = q[9] == 'i'
                             ? "/^\\s*[-+]?[0-9](_?[0-9])*\\s*$/"
                             : "/^\\s*[-+]?([0-9](_?[0-9])*(\\.([0-9](_?[0-9])*)?)?|\\.[0-9](_?"
                               "[0-9])*)([eE][-+]?[0-9](_?[0-9])*)?\\s*$/";
        char *cond = wf_strf("(%s := %s; $type(%s) = \"string\" and $not($contains(%s, %s)))", x, a,
                             x, x, re);
        char *rs = wj_repr_str(c, a);
        char *cause = wf_strf("%s & %s",
                              q[9] == 'i' ? "\"invalid literal for int() with base 10: \""
                                          : "\"could not convert string to float: \"",
                              rs);
        wj_guard_add(c, cond, "ValueError", cause);
        free(cond);
        free(rs);
        free(cause);
        if (q[9] == 'i')
            /* int(): strings of digits, numbers toward zero, booleans */
            r = wf_strf("(%s := %s; $type(%s) = \"string\" ? $number(%s) : $type(%s) = \"boolean\" ? "
                        "(%s ? 1 : 0) : %s >= 0 ? $floor(%s) : $ceil(%s))",
                        x, a, x, norm, x, x, x, x, x);
        else
            r = wf_strf("(%s := %s; $type(%s) = \"boolean\" ? (%s ? 1 : 0) : $type(%s) = \"string\" ? "
                        "$number(%s) : $number(%s))",
                        x, a, x, x, x, norm, x);
        free(norm);
        free(x);
        free(a);
    } else if (q && strcmp(q, "builtins.round") == 0) {
        if (!wj_nargs(c, n, 1, 2, 0))
            goto bad;
        char *a = wj_arg(c, n, 0, NULL);
        char *d = n->l1.count == 2 ? wj_arg(c, n, 1, NULL) : NULL;
        long digits = d ? wj_digits(n->l1.items[1]) : -1;
        r = digits >= 0 ? wj_round_exact(c, a, digits)
            : d         ? wf_strf("$round(%s, %s)", a, d)
                        : wf_strf("$round(%s)", a);
        *t = WF_T_NUM;
        free(a);
        free(d);
    } else if (q && (strcmp(q, "builtins.min") == 0 || strcmp(q, "builtins.max") == 0)) {
        bool is_min = q[10] == 'i';
        const stc_node *key = wj_kwarg(n, "key");
        if (n->l1.count < 1 || n->l2.count > (key ? 1u : 0u)) {
            wf_diag(c, n, WF_E_CALL, "%s() takes a list or several values (and key=) here",
                    is_min ? "min" : "max");
            goto bad;
        }
        char *items;
        if (n->l1.count == 1) {
            char *a = wj_arg_set(c, n, 0, &ta);
            items = wj_iter(c, a, ta);
            free(a);
        } else {
            items = wj_list(c, n, &ta);
        }
        /* the first of the smallest (largest), as Python picks it */
        char *x = wj_fn_param(c), *y = wj_fn_param(c);
        if (n->l1.count == 1) {
            char *cond = wf_strf("($count(%s) = 0)", items);
            char *cause = wf_strf("%s() arg is an empty sequence", is_min ? "min" : "max");
            wj_guard_const(c, cond, "ValueError", cause);
            free(cond);
            free(cause);
        }
        size_t gmark = WJ(c)->nguards;
        char *kx = key ? wj_lambda1(c, key, x) : stc_xstrdup(x);
        wj_guard_each(c, gmark, items, x, NULL);
        gmark = WJ(c)->nguards;
        char *ky = key ? wj_lambda1(c, key, y) : stc_xstrdup(y);
        wj_guard_drop(c, gmark); /* the same key function, read as y */
        r = wf_strf("$reduce(%s, function(%s, %s) { %s %s %s ? %s : %s })", items, x, y, ky,
                    is_min ? "<" : ">", kx, y, x);
        free(items);
        free(x);
        free(y);
        free(kx);
        free(ky);
    } else if (q && strcmp(q, "builtins.sum") == 0) {
        if (!wj_nargs(c, n, 1, 2, 0))
            goto bad;
        char *a = wj_arg_set(c, n, 0, NULL);
        char *st = n->l1.count == 2 ? wj_arg(c, n, 1, NULL) : stc_xstrdup("0");
        r = wf_strf("(%s + $sum(%s))", st, a);
        *t = WF_T_NUM;
        free(a);
        free(st);
    } else if (q && strcmp(q, "builtins.sorted") == 0) {
        const stc_node *key = wj_kwarg(n, "key"), *rev = wj_kwarg(n, "reverse");
        if (n->l1.count != 1 || n->l2.count > (key ? 1u : 0u) + (rev ? 1u : 0u)) {
            wf_diag(c, n, WF_E_CALL, "sorted() takes one iterable, key= and reverse= here");
            goto bad;
        }
        char *a = wj_arg_set(c, n, 0, &ta);
        char *items = wj_iter(c, a, ta);
        char *x = wj_fn_param(c), *y = wj_fn_param(c);
        size_t gmark = WJ(c)->nguards;
        char *kx = key ? wj_lambda1(c, key, x) : stc_xstrdup(x);
        wj_guard_each(c, gmark, items, x, NULL);
        gmark = WJ(c)->nguards;
        char *ky = key ? wj_lambda1(c, key, y) : stc_xstrdup(y);
        wj_guard_drop(c, gmark);
        char *rv = rev ? wj_expr(c, rev, NULL) : stc_xstrdup("false");
        /* a stable merge sort: swap when the later one must come first */
        r = wf_strf("[$sort(%s, function(%s, %s) { %s ? %s < %s : %s > %s })]", items, x, y, rv,
                    kx, ky, kx, ky);
        *t = WF_T_LIST;
        free(a);
        free(items);
        free(x);
        free(y);
        free(kx);
        free(ky);
        free(rv);
    } else if (q && (strcmp(q, "builtins.reversed") == 0 || strcmp(q, "builtins.list") == 0)) {
        if (!wj_nargs(c, n, q[9] == 'l' ? 0 : 1, 1, 0))
            goto bad;
        *t = WF_T_LIST;
        if (!n->l1.count) {
            r = stc_xstrdup("[]");
        } else {
            char *a = wj_arg(c, n, 0, &ta);
            char *items = wj_iter(c, a, ta);
            r = q[9] == 'r' ? wf_strf("[$reverse(%s)]", items) : stc_xstrdup(items);
            free(a);
            free(items);
        }
    } else if (q && (strcmp(q, "builtins.any") == 0 || strcmp(q, "builtins.all") == 0)) {
        if (!wj_nargs(c, n, 1, 1, 0))
            goto bad;
        bool any = q[10] == 'n'; /* builtins.any */
        const stc_node *g = n->l1.items[0];
        *t = WF_T_BOOL;
        if (g->kind == STC_N_GENERATOR_EXP || g->kind == STC_N_LIST_COMP) {
            r = wj_comprehension(c, g, any ? WJ_COMP_ANY : WJ_COMP_ALL);
        } else {
            char *a = wj_arg_set(c, n, 0, &ta);
            char *items = wj_iter(c, a, ta);
            char *acc = wj_fn_param(c), *x = wj_fn_param(c);
            char *tr = wj_truthy(c, x, WF_T_ANY);
            r = wf_strf("$reduce(%s, function(%s, %s) { %s %s %s }, %s)", items, acc, x, acc,
                        any ? "or" : "and", tr, any ? "false" : "true");
            free(a);
            free(items);
            free(acc);
            free(x);
            free(tr);
        }
    } else if (q && strcmp(q, "builtins.enumerate") == 0) {
        const stc_node *start = wj_kwarg(n, "start");
        if (n->l1.count < 1 || n->l1.count > 2 || n->l2.count > (start ? 1u : 0u)) {
            wf_diag(c, n, WF_E_CALL, "enumerate() takes an iterable and a start here");
            goto bad;
        }
        char *a = wj_arg(c, n, 0, &ta);
        char *items = wj_iter(c, a, ta);
        char *st = n->l1.count == 2 ? wj_arg(c, n, 1, NULL)
                   : start          ? wj_expr(c, start, NULL)
                                    : stc_xstrdup("0");
        char *acc = wj_fn_param(c), *x = wj_fn_param(c), *i = wj_fn_param(c);
        char *item = wj_item(c, x, WF_T_ANY);
        r = wf_strf("$reduce(%s, function(%s, %s, %s) { $append(%s, [[$append([%s + %s], %s)]]) }, "
                    "[])",
                    items, acc, x, i, acc, st, i, item);
        *t = WF_T_LIST;
        free(a);
        free(items);
        free(st);
        free(acc);
        free(x);
        free(i);
        free(item);
    } else if (q && strcmp(q, "builtins.dict") == 0 && n->l1.count <= 1 && !n->l2.count) {
        /* values never change in place (they are rebound): a copy is the value */
        *t = WF_T_DICT;
        r = n->l1.count ? wj_arg(c, n, 0, NULL) : stc_xstrdup("{}");
    } else if (q && strcmp(q, "builtins.zip") == 0) {
        if (n->l1.count < 2 || n->l2.count) {
            wf_diag(c, n, WF_E_CALL, "zip() takes two or more lists here");
            goto bad;
        }
        stc_buf b = STC_BUF_INIT;
        stc_buf_puts(&b, "[$zip(");
        for (size_t k = 0; k < n->l1.count; k++) {
            wf_type tk = WF_T_ANY;
            char *a = wj_arg(c, n, k, &tk);
            char *items = wj_iter(c, a, tk);
            wf_bprintf(&b, "%s%s", k ? ", " : "", items);
            free(a);
            free(items);
        }
        stc_buf_puts(&b, ")]");
        r = stc_buf_take(&b);
        *t = WF_T_LIST;
    } else if (q && (strcmp(q, "asyncio.sleep") == 0 || strcmp(q, "asyncio.gather") == 0)) {
        wf_diag(c, n, WF_E_AWAIT, "'%s' must be awaited: write 'await %s(...)'",
                strchr(q, '.') + 1, strchr(q, '.') + 1);
        goto bad;
    } else {
        char *tx = wf_text(c, n->a, WF_TEXT_MAX);
        stc_diag *dg = wf_diag(c, n, WF_E_CALL,
                               "'%s(...)' cannot be called inside a workflow; only internal "
                               "functions (self._name), workflows and the built-ins of the "
                               "translation table can",
                               tx);
        stc_diag_set_hint(dg, "move the call into an internal function such as _compute(...) and "
                              "call that");
        free(tx);
        goto bad;
    }
    free(q);
    return r;
bad:
    free(q);
    return wj_null();
}

char *wj_expr(wf_ctx *c, const stc_node *n, wf_type *tp)
{
    wf_type dummy;
    wf_type *t = tp ? tp : &dummy;
    *t = WF_T_ANY;
    const wj_hoisted *h = wj_hoisted_of(c, n);
    if (h) {
        *t = h->type;
        return stc_xstrdup(h->text);
    }
    switch (n->kind) {
    case STC_N_CONSTANT: {
        cJSON *j = wf_const_json(c, n);
        if (!j)
            return wj_null();
        *t = cJSON_IsBool(j) ? WF_T_BOOL : cJSON_IsNumber(j) ? WF_T_NUM
             : cJSON_IsString(j) ? WF_T_STR : cJSON_IsNull(j) ? WF_T_NONE : WF_T_ANY;
        char *r = wj_json_text(j);
        cJSON_Delete(j);
        return r;
    }
    case STC_N_NAME: {
        for (size_t i = WJ(c)->nbound; i-- > 0;)
            if (strcmp(WJ(c)->bound[i].py, n->id) == 0)
                return stc_xstrdup(WJ(c)->bound[i].text);
        if (wf_is_local(c, n->id)) {
            if (WJ(c)->item_var && strcmp(WJ(c)->item_var, n->id) == 0)
                return stc_xstrdup("$states.input");
            *t = wf_declared_type(c, n->id);
            if (*t == WF_T_ANY && wj_num_name(c, n->id))
                *t = WF_T_NUM;
            char *v = wj_var(c, n->id);
            const char *p = wj_pend_get(c, v);
            if (p && wj_pend_type(c, v) != WF_T_ANY)
                *t = wj_pend_type(c, v); /* the pending value's own type */
            char *r = p ? wj_paren(p) : wf_strf("$%s", v);
            free(v);
            return r;
        }
        const stc_node *g = wf_global_value(c, n->id);
        if (g && wf_literal(g))
            return wj_expr(c, g, t);
        stc_diag *dg = wf_diag(c, n, WF_E_NAME,
                               "'%s' is not a parameter, a local variable or a module constant of "
                               "this workflow",
                               n->id);
        if (g)
            stc_diag_set_hint(dg, "only module-level names bound to a literal can be read");
        return wj_null();
    }
    case STC_N_LIST:
    case STC_N_TUPLE:
        return wj_list(c, n, t);
    case STC_N_DICT:
        *t = WF_T_DICT;
        return wj_dict(c, n);
    case STC_N_JOINED_STR:
        *t = WF_T_STR;
        return wj_fstring(c, n);
    case STC_N_BIN_OP:
        return wj_binop(c, n, t);
    case STC_N_UNARY_OP: {
        wf_type ta = WF_T_ANY;
        char *a = wj_expr(c, n->a, &ta);
        char *r;
        if (strcmp(n->id, "not") == 0) {
            char *tr = wj_truthy(c, a, ta);
            r = wf_strf("$not(%s)", tr);
            free(tr);
            *t = WF_T_BOOL;
        } else if (strcmp(n->id, "-") == 0) {
            r = wf_strf("(-%s)", a);
            *t = WF_T_NUM;
        } else if (strcmp(n->id, "+") == 0) {
            r = stc_xstrdup(a);
            *t = WF_T_NUM;
        } else {
            wj_refuse(c, n, NULL);
            r = wj_null();
        }
        free(a);
        return r;
    }
    case STC_N_COMPARE:
        *t = WF_T_BOOL;
        return wj_compare(c, n);
    case STC_N_BOOL_OP:
        return wj_boolop(c, n, t);
    case STC_N_IF_EXP: {
        wf_type tt = WF_T_ANY, tb = WF_T_ANY, to = WF_T_ANY;
        char *test = wj_expr(c, n->a, &tt);
        char *truth = wj_truthy(c, test, tt);
        size_t mark = WJ(c)->nguards;
        char *b = wj_expr(c, n->b, &tb);
        wj_guard_fold(c, mark, truth);
        mark = WJ(c)->nguards;
        char *o = wj_expr(c, n->c, &to);
        char *untrue = wf_strf("$not(%s)", truth);
        wj_guard_fold(c, mark, untrue);
        free(untrue);
        char *r = wf_strf("(%s ? %s : %s)", truth, b, o);
        *t = tb == to ? tb : WF_T_ANY;
        free(test);
        free(truth);
        free(b);
        free(o);
        return r;
    }
    case STC_N_SUBSCRIPT:
        return wj_subscript(c, n);
    case STC_N_ATTRIBUTE:
        if (wf_self_attr_refused(c, n))
            return wj_null();
        {
            /* r.status on a JSON object is r["status"] (the jdict style) */
            char *q = wf_qualname(c, n);
            if (q) {
                free(q);
                wj_refuse(c, n, "only attributes of JSON objects (r.status, read as "
                                "r[\"status\"]) can be read in a workflow");
                return wj_null();
            }
            char *o = wj_expr(c, n->a, NULL);
            char *k = wj_quote(n->id);
            /* a jdict raises AttributeError(name) for a missing key */
            char *cond = wf_strf("$not($exists($lookup(%s, %s)))", o, k);
            wj_guard_const(c, cond, "AttributeError", n->id);
            free(cond);
            char *r = wf_strf("$lookup(%s, %s)", o, k);
            free(o);
            free(k);
            return r;
        }
    case STC_N_LAMBDA:
        wf_diag(c, n, WF_E_LAMBDA,
                "'lambda' cannot run inside a workflow; move it into an internal function such "
                "as _compute(...)");
        return wj_null();
    case STC_N_CALL:
        if (wj_is_set(c, n))
            return wj_refuse_set(c, n);
        if (!wf_is_self_call(c, n))
            return wj_builtin_call(c, n, t);
        /* fall through: an internal function not hoisted (diagnosed there) */
        return wj_null();
    case STC_N_AWAIT:
    case STC_N_LIST_COMP:
    case STC_N_GENERATOR_EXP:
        if (!wj_is_state_call(c, n) && (n->kind == STC_N_LIST_COMP ||
                                         n->kind == STC_N_GENERATOR_EXP)) {
            *t = WF_T_LIST;
            return wj_comprehension(c, n, WJ_COMP_LIST);
        } else if (n->kind == STC_N_AWAIT && !wj_is_state_call(c, n)) {
            wf_diag(c, n, WF_E_AWAIT,
                    "only workflows, sleep(...) and gather(...) can be awaited in a workflow");
        }
        return wj_null();
    case STC_N_YIELD:
    case STC_N_YIELD_FROM:
        wf_diag(c, n, WF_E_STATEMENT,
                "'yield' cannot run inside a workflow: a state machine returns one value; "
                "return a list instead");
        return wj_null();
    case STC_N_DICT_COMP:
        *t = WF_T_DICT;
        return wj_comprehension(c, n, WJ_COMP_DICT);
    case STC_N_SET_COMP:
    case STC_N_SET:
        return wj_refuse_set(c, n);
    default:
        wj_refuse(c, n, NULL);
        return wj_null();
    }
}

char *wj_value(wf_ctx *c, const stc_node *n, wf_type *t)
{
    wj_hoist(c, n);
    return wj_expr(c, n, t);
}

/* ---- conditions ---- */

static int wj_const_truth(const stc_node *n)
{
    if (!n || n->kind != STC_N_CONSTANT)
        return -1;
    switch (n->cval.kind) {
    case STC_CONST_NONE: return 0;
    case STC_CONST_BOOL: return n->cval.bval;
    case STC_CONST_INT: return n->cval.ival != 0;
    case STC_CONST_FLOAT: return n->cval.fval != 0.0;
    case STC_CONST_STR: return n->slen > 0;
    default: return -1;
    }
}

void wj_cond(wf_ctx *c, const stc_node *n, stc_asl_exits *t, stc_asl_exits *f)
{
    if ((n->kind == STC_N_UNARY_OP || n->kind == STC_N_BOOL_OP) &&
        wf_cond_short_circuit(c, n, t, f, wj_has_state_call(c, n)))
        return;
    int k = wj_const_truth(n);
    if (k >= 0) {
        stc_asl_exits_move(k ? t : f, &c->scope->dangling);
        return;
    }
    wj_hoist(c, n);
    if (!wf_live(c))
        return;
    WJ(c)->nblk = 0;
    wf_type ty = WF_T_ANY;
    char *v = wj_expr(c, n, &ty);
    char *truth = wj_truthy(c, v, ty);
    free(v);
    cJSON *ch = wf_state("Choice");
    cJSON *chs = stc_asl_add_arr(ch, "Choices");
    cJSON *rule = cJSON_CreateObject();
    char *w = wj_wrap(truth);
    stc_asl_add_str(rule, "Condition", w);
    free(w);
    free(truth);
    char *txt = wf_text(c, n, WF_TEXT_MAX);
    stc_asl_add_str(rule, "Comment", txt);
    cJSON_AddItemToArray(chs, rule);
    wj_pend_take(c, ch);
    wf_emit(c, ch, wf_name(c, "%s %s (line %d)", c->cond_label ? c->cond_label : "If", txt,
                           n->pos.line ? n->pos.line : c->pos.line),
            STC_WF_CALL_NONE, NULL);
    free(txt);
    stc_asl_exits_add(t, rule, "Next");
    stc_asl_exits_add(f, ch, "Default");
}
