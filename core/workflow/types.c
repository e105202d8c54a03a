/* types.c - what the workflow compiler knows of names and values before
 * any back end writes them: the module's imports, module constants,
 * declared and literal types, constants as JSON. See wf.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/wf.h"

#define WF_TEXT_MAX 40


/* ---- names and types ---- */

char *wf_qualname(const wf_ctx *c, const stc_node *n)
{
    if (n->kind == STC_N_ATTRIBUTE) {
        char *base = wf_qualname(c, n->a);
        if (!base)
            return NULL;
        char *q = wf_strf("%s.%s", base, n->id);
        free(base);
        return q;
    }
    if (n->kind != STC_N_NAME || wf_is_local(c, n->id))
        return NULL;
    for (size_t i = 0; i < c->m->imports.count; i++) {
        const stc_node *imp = c->m->imports.items[i];
        for (size_t k = 0; k < imp->l1.count; k++) {
            const stc_node *al = imp->l1.items[k];
            const char *bound = al->sval ? al->sval : al->id;
            if (imp->kind == STC_N_IMPORT) {
                /* import a.b binds a; import a.b as c binds c = a.b */
                if (!al->sval) {
                    size_t len = strcspn(al->id, ".");
                    if (strlen(n->id) == len && strncmp(al->id, n->id, len) == 0)
                        return stc_xstrdup(n->id);
                } else if (strcmp(bound, n->id) == 0) {
                    return stc_xstrdup(al->id);
                }
            } else if (strcmp(bound, n->id) == 0 && imp->sval) {
                return wf_strf("%s.%s", imp->sval, al->id);
            }
        }
    }
    return wf_strf("builtins.%s", n->id);
}

wf_type wf_annotation_type(const char *a)
{
    if (!a)
        return WF_T_ANY;
    if (strncmp(a, "typing.", 7) == 0)
        a += 7;
    static const struct {
        const char *prefix;
        wf_type t;
    } map[] = {{"list", WF_T_LIST},  {"List", WF_T_LIST},     {"Sequence", WF_T_LIST},
               {"tuple", WF_T_LIST}, {"Tuple", WF_T_LIST},    {"dict", WF_T_DICT},
               {"Dict", WF_T_DICT},  {"Mapping", WF_T_DICT},  {"MutableMapping", WF_T_DICT},
               {"str", WF_T_STR},    {"int", WF_T_NUM},       {"bool", WF_T_BOOL}};
    for (size_t i = 0; i < STC_ARRAY_LEN(map); i++) {
        size_t n = strlen(map[i].prefix);
        if (strncmp(a, map[i].prefix, n) == 0 && (a[n] == 0 || a[n] == '['))
            return map[i].t;
    }
    return WF_T_ANY;
}

static wf_type wf_node_literal_type(const stc_node *v)
{
    switch (v->kind) {
    case STC_N_LIST:
    case STC_N_LIST_COMP:
        return WF_T_LIST;
    case STC_N_DICT:
        return WF_T_DICT;
    case STC_N_JOINED_STR:
        return WF_T_STR;
    case STC_N_CONSTANT:
        return v->cval.kind == STC_CONST_STR ? WF_T_STR : WF_T_ANY;
    default:
        return WF_T_ANY;
    }
}

static void wf_scan_type(const stc_list *body, const char *name, wf_type *t, bool *mixed)
{
    for (size_t i = 0; i < body->count; i++) {
        const stc_node *s = body->items[i];
        if (!s)
            continue;
        wf_type here = WF_T_ANY;
        bool hit = false;
        if (s->kind == STC_N_ASSIGN && s->l1.count == 1 && s->l1.items[0]->kind == STC_N_NAME &&
            strcmp(s->l1.items[0]->id, name) == 0) {
            hit = true;
            here = wf_node_literal_type(s->a);
        } else if (s->kind == STC_N_ANN_ASSIGN && s->a->kind == STC_N_NAME &&
                   strcmp(s->a->id, name) == 0) {
            hit = true;
            here = s->b && s->b->kind == STC_N_NAME ? wf_annotation_type(s->b->id)
                   : s->b && s->b->kind == STC_N_SUBSCRIPT && s->b->a->kind == STC_N_NAME
                       ? wf_annotation_type(s->b->a->id)
                       : WF_T_ANY;
        }
        if (hit) {
            if (*t == WF_T_ANY && !*mixed)
                *t = here;
            else if (*t != here)
                *mixed = true;
        }
        wf_scan_type(&s->l0, name, t, mixed);
        if (s->kind == STC_N_IF || s->kind == STC_N_WHILE || s->kind == STC_N_FOR)
            wf_scan_type(&s->l1, name, t, mixed);
        if (s->kind == STC_N_TRY) {
            wf_scan_type(&s->l2, name, t, mixed);
            wf_scan_type(&s->l3, name, t, mixed);
            for (size_t k = 0; k < s->l1.count; k++)
                wf_scan_type(&s->l1.items[k]->l0, name, t, mixed);
        }
    }
}

/* The type a name is declared or always assigned with. */
wf_type wf_declared_type(wf_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->method->nparams; i++)
        if (strcmp(c->method->params[i].name, name) == 0)
            return wf_annotation_type(c->method->params[i].annotation);
    /* each scan walks the whole body: remember the answers */
    for (size_t i = 0; i < c->ntypes; i++)
        if (strcmp(c->types[i].name, name) == 0)
            return c->types[i].type;
    wf_type t = WF_T_ANY;
    bool mixed = false;
    wf_scan_type(c->method->body, name, &t, &mixed);
    if (mixed)
        t = WF_T_ANY;
    c->types = stc_xrealloc(c->types, (c->ntypes + 1) * sizeof *c->types);
    c->types[c->ntypes].name = name;
    c->types[c->ntypes++].type = t;
    return t;
}

/* ---- constants ---- */

cJSON *wf_const_json(wf_ctx *c, const stc_node *n)
{
    const stc_const *k = &n->cval;
    switch (k->kind) {
    case STC_CONST_NONE:
        return cJSON_CreateNull();
    case STC_CONST_BOOL:
        return cJSON_CreateBool(k->bval);
    case STC_CONST_INT:
        if (k->ival > 9007199254740992LL || k->ival < -9007199254740992LL)
            break;
        return cJSON_CreateNumber((double)k->ival);
    case STC_CONST_FLOAT:
        if (!isfinite(k->fval))
            break;
        return cJSON_CreateNumber(k->fval);
    case STC_CONST_STR:
        if (strlen(n->sval) != n->slen)
            break;
        return cJSON_CreateString(n->sval);
    default:
        break;
    }
    char *t = wf_text(c, n, WF_TEXT_MAX);
    wf_diag(c, n, WF_E_EXPRESSION, "the constant %s has no exact JSON form in a state machine", t);
    free(t);
    return NULL;
}

/* A module-level `NAME = <literal>`: its constant value, or NULL. */
const stc_node *wf_global_value(const wf_ctx *c, const char *name)
{
    const stc_node *found = NULL;
    for (size_t i = 0; i < c->m->globals.count; i++) {
        const stc_node *g = c->m->globals.items[i];
        if (g->kind == STC_N_ASSIGN) {
            for (size_t k = 0; k < g->l1.count; k++)
                if (g->l1.items[k]->kind == STC_N_NAME && strcmp(g->l1.items[k]->id, name) == 0)
                    found = g->a;
        } else if (g->kind == STC_N_ANN_ASSIGN && g->a->kind == STC_N_NAME &&
                   strcmp(g->a->id, name) == 0 && g->c) {
            found = g->c;
        }
    }
    return found;
}

bool wf_literal(const stc_node *n)
{
    if (!n)
        return false;
    switch (n->kind) {
    case STC_N_CONSTANT:
        return true;
    case STC_N_UNARY_OP:
        return strcmp(n->id, "-") == 0 && n->a->kind == STC_N_CONSTANT;
    case STC_N_LIST:
    case STC_N_TUPLE:
        for (size_t i = 0; i < n->l1.count; i++)
            if (!wf_literal(n->l1.items[i]))
                return false;
        return true;
    case STC_N_DICT:
        for (size_t i = 0; i < n->l1.count; i++)
            if (!n->l1.items[i] || n->l1.items[i]->kind != STC_N_CONSTANT ||
                !wf_literal(n->l2.items[i]))
                return false;
        return true;
    default:
        return false;
    }
}

bool wf_is_self_call(const wf_ctx *c, const stc_node *n)
{
    return n && n->kind == STC_N_CALL && n->a->kind == STC_N_ATTRIBUTE &&
           n->a->a->kind == STC_N_NAME && c->method->self_name &&
           strcmp(n->a->a->id, c->method->self_name) == 0;
}

bool wf_self_attr_refused(wf_ctx *c, const stc_node *n)
{
    if (n->a->kind != STC_N_NAME || !c->method->self_name ||
        strcmp(n->a->id, c->method->self_name) != 0)
        return false;
    stc_diag *dg = wf_diag(c, n, WF_E_SELF_ATTR,
                           "'%s.%s' cannot be read inside a workflow; read it in an "
                           "internal function and return it",
                           n->a->id, n->id);
    stc_diag_set_hint(dg, "a state machine has no instance: configuration and resources "
                          "live in the Lambda functions");
    return true;
}

bool wf_target_ok(wf_ctx *c, const stc_node *t)
{
    if (t->kind == STC_N_NAME || t->kind == STC_N_TUPLE || t->kind == STC_N_LIST)
        return true;
    char *txt = wf_text(c, t, WF_TEXT_MAX);
    stc_diag *dg = wf_diag(c, t, WF_E_TARGET,
                           "cannot assign to '%s' in a workflow: state machine values are "
                           "immutable",
                           txt);
    if (t->kind == STC_N_SUBSCRIPT)
        stc_diag_set_hint(dg, "build a new dict instead, e.g. d = {**d, \"key\": value}");
    else
        stc_diag_set_hint(dg, "assign to a plain name");
    free(txt);
    return false;
}

const char *wf_class_name(const stc_node *n)
{
    if (n->kind == STC_N_NAME)
        return n->id;
    if (n->kind == STC_N_ATTRIBUTE)
        return n->id;
    return NULL;
}

static const stc_node *wf_kwarg_of(const stc_node *call, const char *name)
{
    for (size_t i = 0; i < call->l2.count; i++)
        if (call->l2.items[i]->id && strcmp(call->l2.items[i]->id, name) == 0)
            return call->l2.items[i]->a;
    return NULL;
}

static bool wf_const_text_is(const stc_node *n, const char *s)
{
    return n && n->kind == STC_N_CONSTANT && n->cval.kind == STC_CONST_STR && strcmp(n->sval, s) == 0;
}

bool wf_json_dumps_compact(const stc_node *call)
{
    const stc_node *sep = wf_kwarg_of(call, "separators");
    const stc_node *ea = wf_kwarg_of(call, "ensure_ascii");
    bool sep_ok = sep && (sep->kind == STC_N_TUPLE || sep->kind == STC_N_LIST) &&
                  sep->l1.count == 2 && wf_const_text_is(sep->l1.items[0], ",") &&
                  wf_const_text_is(sep->l1.items[1], ":");
    bool ea_ok = ea && ea->kind == STC_N_CONSTANT && ea->cval.kind == STC_CONST_BOOL &&
                 !ea->cval.bval;
    return sep_ok && ea_ok;
}
