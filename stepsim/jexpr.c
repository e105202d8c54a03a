/* jexpr.c - JSONata templates of ASL fields (see jexpr.h). */
#include "stepsim/jexpr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stepsim/sfnfuncs.h"

enum { T_LIT, T_EXPR, T_OBJ, T_ARR };

struct stc_jtmpl {
    int kind;
    char *field;          /* "Output/a/b[0]" */
    cJSON *lit;           /* T_LIT: our copy */
    stc_jsonata *expr;    /* T_EXPR */
    char *text;           /* T_EXPR: the expression without the delimiters */
    char **keys;          /* T_OBJ */
    stc_jtmpl **kids;     /* T_OBJ, T_ARR */
    size_t n;
};

/* The built-ins AWS removes: calling one fails as calling any undefined name
 * does (T1006). */
static const char *const HIDDEN[] = {"eval", NULL};

/* An evaluation that runs away stops here (U1001) rather than hang. */
#define STC_JEXPR_TIMELIMIT_MS 10000

/* ---- compiling ---- */

/* "{% expr %}" exactly: *text and *len get the expression, trimmed. */
static bool is_expr(const char *s, const char **text, size_t *len)
{
    size_t n = strlen(s);
    if (n < 4 || strncmp(s, "{%", 2) != 0 || strcmp(s + n - 2, "%}") != 0)
        return false;
    const char *a = s + 2, *b = s + n - 2;
    while (a < b && (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r'))
        a++;
    while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n' || b[-1] == '\r'))
        b--;
    *text = a;
    *len = (size_t)(b - a);
    return true;
}

static bool has_expr(const cJSON *v)
{
    const char *t;
    size_t n;
    if (cJSON_IsString(v))
        return is_expr(v->valuestring, &t, &n);
    for (const cJSON *c = (cJSON_IsArray(v) || cJSON_IsObject(v)) ? v->child : NULL; c; c = c->next)
        if (has_expr(c))
            return true;
    return false;
}

static int compile_node(const cJSON *v, const char *field, stc_jtmpl **out, char **err)
{
    stc_jtmpl *t = stc_xcalloc(1, sizeof *t);
    t->field = stc_xstrdup(field);
    *out = t;
    const char *text;
    size_t len;
    if (!has_expr(v)) {
        t->kind = T_LIT;
        t->lit = cJSON_Duplicate(v, true);
        return 0;
    }
    if (cJSON_IsString(v) && is_expr(v->valuestring, &text, &len)) {
        t->kind = T_EXPR;
        t->text = stc_xstrndup(text, len);
        stc_jsonata_error je = {{0}, -1, NULL, NULL};
        t->expr = stc_jsonata_compile(t->text, len, &je);
        if (!t->expr) {
            *err = stc_xasprintf("'%s': the JSONata expression '%s' does not parse: %s (%s at %d)",
                                 field, t->text, je.message ? je.message : "syntax error",
                                 je.code, je.position);
            stc_jsonata_error_clear(&je);
            return -1;
        }
        return 0;
    }
    t->kind = cJSON_IsObject(v) ? T_OBJ : T_ARR;
    t->n = (size_t)cJSON_GetArraySize(v);
    t->kids = stc_xcalloc(t->n ? t->n : 1, sizeof *t->kids);
    if (t->kind == T_OBJ)
        t->keys = stc_xcalloc(t->n ? t->n : 1, sizeof *t->keys);
    size_t i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        char *sub = t->kind == T_OBJ ? stc_xasprintf("%s/%s", field, c->string)
                                     : stc_xasprintf("%s[%zu]", field, i);
        if (t->kind == T_OBJ)
            t->keys[i] = stc_xstrdup(c->string);
        int rc = compile_node(c, sub, &t->kids[i], err);
        free(sub);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int stc_jtmpl_compile(const cJSON *v, const char *field, stc_jtmpl **out, char **err)
{
    *out = NULL;
    if (!v)
        return 0;
    stc_jtmpl *t = NULL;
    if (compile_node(v, field, &t, err) < 0) {
        stc_jtmpl_free(t);
        return -1;
    }
    *out = t;
    return 0;
}

void stc_jtmpl_free(stc_jtmpl *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        stc_jtmpl_free(t->kids[i]);
        if (t->keys)
            free(t->keys[i]);
    }
    free(t->kids);
    free(t->keys);
    cJSON_Delete(t->lit);
    stc_jsonata_free(t->expr);
    free(t->text);
    free(t->field);
    free(t);
}

const char *stc_jtmpl_field(const stc_jtmpl *t)
{
    return t->field;
}

const char *stc_jtmpl_expr_text(const stc_jtmpl *t)
{
    return t->kind == T_EXPR ? t->text : NULL;
}

bool stc_jtmpl_is_literal(const stc_jtmpl *t)
{
    return t->kind == T_LIT;
}

const cJSON *stc_jtmpl_literal(const stc_jtmpl *t)
{
    return t->kind == T_LIT ? t->lit : NULL;
}

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* `text` reads "$states" "." member (white space allowed around the dot),
 * outside string literals. */
static bool text_reads(const char *text, const char *member)
{
    size_t ml = strlen(member);
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\'' || *p == '`') { /* a string literal (or a quoted name) */
            char q = *p;
            for (p++; *p && *p != q; p++)
                if (*p == '\\' && p[1])
                    p++;
            if (!*p)
                return false;
            continue;
        }
        if (strncmp(p, "$states", 7) != 0 || (p > text && ident_char(p[-1])) || ident_char(p[7]))
            continue;
        const char *q = p + 7;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (*q != '.')
            continue;
        q++;
        while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
            q++;
        if (strncmp(q, member, ml) == 0 && !ident_char(q[ml]))
            return true;
    }
    return false;
}

const stc_jtmpl *stc_jtmpl_reads_states(const stc_jtmpl *t, const char *member)
{
    if (!t)
        return NULL;
    if (t->kind == T_EXPR)
        return text_reads(t->text, member) ? t : NULL;
    for (size_t i = 0; i < t->n; i++) {
        const stc_jtmpl *x = stc_jtmpl_reads_states(t->kids[i], member);
        if (x)
            return x;
    }
    return NULL;
}

/* ---- scopes ---- */

void stc_jscope_init(stc_jscope *sc)
{
    memset(sc, 0, sizeof *sc);
}

void stc_jscope_done(stc_jscope *sc)
{
    cJSON_Delete(sc->states);
    sc->states = NULL;
}

/* $states: references to the scope's documents, built once per scope. */
static const cJSON *states_of(stc_jscope *sc)
{
    if (sc->states)
        return sc->states;
    cJSON *st = cJSON_CreateObject();
    if (sc->input)
        cJSON_AddItemReferenceToObject(st, "input", (cJSON *)sc->input);
    if (sc->result)
        cJSON_AddItemReferenceToObject(st, "result", (cJSON *)sc->result);
    if (sc->error_output)
        cJSON_AddItemReferenceToObject(st, "errorOutput", (cJSON *)sc->error_output);
    const cJSON *ctx = sc->context ? sc->context(sc->ud) : NULL;
    if (ctx)
        cJSON_AddItemReferenceToObject(st, "context", (cJSON *)ctx);
    sc->states = st;
    return st;
}

/* ---- the environment ---- */

struct stc_jenv {
    stc_jsonata_evaluator *ev;
    stc_jsonata_function *funcs;
    size_t nfuncs;
    stc_jscope *cur; /* the scope of the evaluation in progress */
    stc_rng own;     /* for a scope without a generator */
};

stc_jenv *stc_jenv_new(void)
{
    stc_jenv *env = stc_xcalloc(1, sizeof *env);
    env->ev = stc_jsonata_evaluator_new();
    env->own.state = 0x5eed;
    const stc_jsonata_function *table = stc_sfnfuncs_table(&env->nfuncs);
    env->funcs = stc_xmalloc(env->nfuncs * sizeof *env->funcs);
    for (size_t i = 0; i < env->nfuncs; i++) {
        env->funcs[i] = table[i];
        env->funcs[i].data = env;
    }
    return env;
}

void stc_jenv_free(stc_jenv *env)
{
    if (!env)
        return;
    stc_jsonata_evaluator_free(env->ev);
    free(env->funcs);
    free(env);
}

stc_rng *stc_jenv_rng(stc_jenv *env)
{
    return env->cur && env->cur->rng ? env->cur->rng : &env->own;
}

/* The engine's lazy lookup: $states, then the workflow variables. */
static const cJSON *lookup(void *ud, const char *name, size_t len)
{
    stc_jscope *sc = ud;
    if (len == 6 && !memcmp(name, "states", 6))
        return states_of(sc);
    if (!sc->lookup_var)
        return NULL;
    char small[96];
    char *key = len < sizeof small ? small : stc_xmalloc(len + 1);
    memcpy(key, name, len);
    key[len] = '\0';
    const cJSON *v = sc->lookup_var(sc->ud, key);
    if (key != small)
        free(key);
    return v;
}

static void options(stc_jenv *env, stc_jscope *sc, stc_jsonata_options *o)
{
    stc_jsonata_options_init(o);
    o->lookup = lookup;
    o->lookup_ud = sc;
    o->functions = env->funcs;
    o->nfunctions = env->nfuncs;
    o->hidden = HIDDEN;
    o->now_ms = sc->now_ms;
    o->seed = sc->seed ? sc->seed : 1;
    o->timelimit_ms = STC_JEXPR_TIMELIMIT_MS;
}

/* ---- evaluating ---- */

/* What stc_jsonata_eval_kind found, as this module names it. */
static int kind_of(stc_jsonata_kind k)
{
    return k == STC_JSONATA_FUNCTION ? STC_JEXPR_FUNCTION
           : k == STC_JSONATA_UNDEFINED ? STC_JEXPR_UNDEFINED
                                        : STC_JEXPR_VALUE;
}

const char *stc_jexpr_type_name(const cJSON *v)
{
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "boolean";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsArray(v))
        return "array";
    return "object";
}

static int expr_error(const stc_jtmpl *t, const char *what, stc_rterr *err)
{
    return stc_rterr_set(err, "States.QueryEvaluationError",
                         "The JSONata expression '%s' specified for the field '%s' %s",
                         t->text ? t->text : "", t->field, what);
}

int stc_jtmpl_type_error(const stc_jtmpl *t, const char *expected, const cJSON *v,
                         stc_rterr *err)
{
    char *text = cJSON_PrintUnformatted(v);
    char *what = stc_xasprintf("returned an unexpected result type. Expected '%s', but was '%s' "
                               "for value: %s",
                               expected, stc_jexpr_type_name(v), text ? text : "null");
    expr_error(t, what, err);
    free(what);
    free(text);
    return -1;
}

static int eval_node(stc_jenv *env, const stc_jtmpl *t, const stc_jsonata_options *o,
                     cJSON **out, stc_rterr *err)
{
    switch (t->kind) {
    case T_LIT: *out = cJSON_Duplicate(t->lit, true); return 0;
    case T_EXPR: {
        stc_jsonata_error je = {{0}, -1, NULL, NULL};
        *out = NULL;
        stc_jsonata_kind kind = STC_JSONATA_UNDEFINED;
        if (stc_jsonata_eval_kind(env->ev, t->expr, NULL, o, out, &kind, &je) < 0) {
            char *what = stc_xasprintf("threw an error during evaluation. %s: %s", je.code,
                                       je.message ? je.message : "");
            expr_error(t, what, err);
            free(what);
            stc_jsonata_error_clear(&je);
            return -1;
        }
        if (*out)
            return 0;
        if (kind == STC_JSONATA_FUNCTION)
            return expr_error(t, "returned an unsupported result type.", err);
        return expr_error(t, "returned nothing (undefined).", err);
    }
    default: {
        cJSON *res = t->kind == T_OBJ ? cJSON_CreateObject() : cJSON_CreateArray();
        for (size_t i = 0; i < t->n; i++) {
            cJSON *v = NULL;
            if (eval_node(env, t->kids[i], o, &v, err) < 0) {
                cJSON_Delete(res);
                return -1;
            }
            if (t->kind == T_OBJ)
                cJSON_AddItemToObject(res, t->keys[i], v);
            else
                cJSON_AddItemToArray(res, v);
        }
        *out = res;
        return 0;
    }
    }
}

int stc_jtmpl_eval(stc_jenv *env, const stc_jtmpl *t, stc_jscope *sc, cJSON **out,
                   stc_rterr *err)
{
    *out = NULL;
    if (t->kind == T_LIT) {
        *out = cJSON_Duplicate(t->lit, true);
        return 0;
    }
    stc_jsonata_options o;
    options(env, sc, &o);
    stc_jscope *saved = env->cur;
    env->cur = sc;
    int rc = eval_node(env, t, &o, out, err);
    env->cur = saved;
    return rc;
}

int stc_jexpr_eval_text(stc_jenv *env, const char *text, stc_jscope *sc, cJSON **out,
                        char **msg)
{
    *out = NULL;
    const char *inner = text;
    size_t len = strlen(text);
    while (len > 0 && (*inner == ' ' || *inner == '\t')) {
        inner++;
        len--;
    }
    while (len > 0 && (inner[len - 1] == ' ' || inner[len - 1] == '\t'))
        len--;
    char *copy = stc_xstrndup(inner, len);
    const char *e;
    size_t elen;
    if (is_expr(copy, &e, &elen)) {
        inner = e;
        len = elen;
    } else {
        inner = copy;
    }
    stc_jsonata_error je = {{0}, -1, NULL, NULL};
    stc_jsonata *x = stc_jsonata_compile(inner, len, &je);
    free(copy);
    int rc = -1;
    if (x) {
        stc_jsonata_options o;
        options(env, sc, &o);
        stc_jscope *saved = env->cur;
        env->cur = sc;
        stc_jsonata_kind kind = STC_JSONATA_UNDEFINED;
        if (stc_jsonata_eval_kind(env->ev, x, NULL, &o, out, &kind, &je) == 0)
            rc = kind_of(kind);
        env->cur = saved;
        stc_jsonata_free(x);
    }
    if (rc < 0) {
        if (je.position >= 0)
            *msg = stc_xasprintf("%s at %d: %s", je.code, je.position,
                                 je.message ? je.message : "");
        else
            *msg = stc_xasprintf("%s: %s", je.code, je.message ? je.message : "");
    }
    stc_jsonata_error_clear(&je);
    return rc;
}
