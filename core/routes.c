/* routes.c - see routes.h and docs/routes.md. */
#include "core/routes.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/naming.h"
#include "core/service.h"
#include "core/util.h"

/* Diagnostic codes of this stage (docs/routes.md, "Diagnostics"). */
#define STC_D_HTTP_CONFLICT "STC301"
#define STC_D_WS_CONFLICT "STC302"
#define STC_D_WS_PARAMS "STC303"
#define STC_D_PATH_NAMES "STC304"
#define STC_D_STAR_PARAM "STC305"
#define STC_D_PATH_DEFAULT "STC306"

static const char *const param_in_names[] = {
#define X(id, name) name,
    STC_PARAM_INS(X)
#undef X
};
static const char *const schema_type_json[] = {
#define X(id, json) json,
    STC_SCHEMA_TYPES(X)
#undef X
};

const char *stc_param_in_name(stc_param_in in)
{
    return (size_t)in < STC_ARRAY_LEN(param_in_names) ? param_in_names[in] : "body";
}

/* ---- schemas from type hints ---------------------------------------- */

static void stc_schema_clear(stc_schema *s)
{
    if (s->items) {
        stc_schema_clear(s->items);
        free(s->items);
    }
    for (size_t i = 0; i < s->nalts; i++)
        stc_schema_clear(&s->alts[i]);
    free(s->alts);
    memset(s, 0, sizeof *s);
}

static void stc_schema_from_hint(stc_schema *s, const stc_node *n);

static bool stc_name_in(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

static const char *const array_names[] = {"list", "List", "tuple", "Tuple", "set", "Set", "frozenset",
                                          "FrozenSet", "Sequence", "MutableSequence", "Iterable",
                                          "Collection", "AbstractSet", "MutableSet"};
static const char *const object_names[] = {"dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "jdict",
                                           "DefaultDict", "defaultdict", "TypedDict"};

/* A plain type name ("int", "typing.List" gives "List"). */
static stc_schema_type stc_schema_named(const char *name)
{
    if (strcmp(name, "str") == 0 || strcmp(name, "bytes") == 0)
        return STC_SCHEMA_STRING;
    if (strcmp(name, "int") == 0)
        return STC_SCHEMA_INTEGER;
    if (strcmp(name, "float") == 0)
        return STC_SCHEMA_NUMBER;
    if (strcmp(name, "bool") == 0)
        return STC_SCHEMA_BOOLEAN;
    if (strcmp(name, "None") == 0 || strcmp(name, "NoneType") == 0)
        return STC_SCHEMA_NULL;
    if (stc_name_in(name, array_names, STC_ARRAY_LEN(array_names)))
        return STC_SCHEMA_ARRAY;
    if (stc_name_in(name, object_names, STC_ARRAY_LEN(object_names)))
        return STC_SCHEMA_OBJECT;
    return STC_SCHEMA_ANY;
}

static const char *stc_hint_name(const stc_node *n)
{
    if (!n)
        return NULL;
    if (n->kind == STC_N_NAME || n->kind == STC_N_ATTRIBUTE)
        return n->id;
    return NULL;
}

/* Add the alternatives of `n` (flattening nested unions) to a list. */
static void stc_union_collect(const stc_node *n, stc_schema **alts, size_t *count)
{
    if (n && n->kind == STC_N_BIN_OP && n->id && strcmp(n->id, "|") == 0) {
        stc_union_collect(n->a, alts, count);
        stc_union_collect(n->b, alts, count);
        return;
    }
    if (n && n->kind == STC_N_SUBSCRIPT && stc_hint_name(n->a) && strcmp(stc_hint_name(n->a), "Union") == 0) {
        if (n->b && n->b->kind == STC_N_TUPLE)
            for (size_t i = 0; i < n->b->l1.count; i++)
                stc_union_collect(n->b->l1.items[i], alts, count);
        else
            stc_union_collect(n->b, alts, count);
        return;
    }
    *alts = stc_xrealloc(*alts, (*count + 1) * sizeof **alts);
    memset(&(*alts)[*count], 0, sizeof **alts);
    stc_schema_from_hint(&(*alts)[*count], n);
    (*count)++;
}

/* Union[...] or A | B: None makes the rest nullable; one type left is that
 * type; several are UNION. */
static void stc_schema_union(stc_schema *s, const stc_node *n)
{
    stc_schema *alts = NULL;
    size_t count = 0, kept = 0;
    bool nullable = false;
    stc_union_collect(n, &alts, &count);
    for (size_t i = 0; i < count; i++) {
        if (alts[i].type == STC_SCHEMA_NULL) {
            nullable = true;
            stc_schema_clear(&alts[i]);
        } else {
            nullable = nullable || alts[i].nullable;
            alts[i].nullable = false;
            alts[kept++] = alts[i];
        }
    }
    bool any = false;
    for (size_t i = 0; i < kept; i++)
        any = any || alts[i].type == STC_SCHEMA_ANY;
    if (kept == 0) {
        s->type = STC_SCHEMA_NULL;
    } else if (kept == 1) {
        *s = alts[0];
        s->nullable = nullable;
    } else if (any) {
        for (size_t i = 0; i < kept; i++)
            stc_schema_clear(&alts[i]);
        s->type = STC_SCHEMA_ANY;
    } else {
        s->type = STC_SCHEMA_UNION;
        s->alts = alts;
        s->nalts = kept;
        s->nullable = nullable;
        return;
    }
    free(alts);
}

static void stc_schema_from_hint(stc_schema *s, const stc_node *n)
{
    memset(s, 0, sizeof *s);
    if (!n) {
        s->type = STC_SCHEMA_ANY;
        return;
    }
    switch (n->kind) {
    case STC_N_NAME:
    case STC_N_ATTRIBUTE:
        s->type = stc_schema_named(n->id);
        return;
    case STC_N_CONSTANT:
        if (n->cval.kind == STC_CONST_NONE)
            s->type = STC_SCHEMA_NULL;
        else if (n->cval.kind == STC_CONST_STR && n->sval && strlen(n->sval) == n->slen)
            s->type = stc_schema_named(n->sval); /* a forward reference such as "int" */
        else
            s->type = STC_SCHEMA_ANY;
        return;
    case STC_N_BIN_OP:
        if (n->id && strcmp(n->id, "|") == 0)
            stc_schema_union(s, n);
        else
            s->type = STC_SCHEMA_ANY;
        return;
    case STC_N_SUBSCRIPT:
        break;
    default:
        s->type = STC_SCHEMA_ANY;
        return;
    }
    const char *base = stc_hint_name(n->a);
    const stc_node *arg = n->b;
    if (!base) {
        s->type = STC_SCHEMA_ANY;
        return;
    }
    if (strcmp(base, "Optional") == 0) {
        stc_schema_from_hint(s, arg);
        if (s->type == STC_SCHEMA_ANY || s->type == STC_SCHEMA_NULL)
            return;
        s->nullable = true;
        return;
    }
    if (strcmp(base, "Union") == 0) {
        stc_schema_union(s, n);
        return;
    }
    if (strcmp(base, "Annotated") == 0) {
        stc_schema_from_hint(s, arg && arg->kind == STC_N_TUPLE && arg->l1.count ? arg->l1.items[0] : arg);
        return;
    }
    if (strcmp(base, "Literal") == 0) {
        /* Literal["a", "b"]: the type of the values when they agree. */
        size_t cnt = arg && arg->kind == STC_N_TUPLE ? arg->l1.count : 1;
        stc_schema_type t = STC_SCHEMA_ANY;
        for (size_t i = 0; i < cnt; i++) {
            const stc_node *v = arg && arg->kind == STC_N_TUPLE ? arg->l1.items[i] : arg;
            stc_schema_type vt = STC_SCHEMA_ANY;
            if (v && v->kind == STC_N_CONSTANT)
                vt = v->cval.kind == STC_CONST_STR    ? STC_SCHEMA_STRING
                     : v->cval.kind == STC_CONST_INT  ? STC_SCHEMA_INTEGER
                     : v->cval.kind == STC_CONST_BOOL ? STC_SCHEMA_BOOLEAN
                                                      : STC_SCHEMA_ANY;
            t = i == 0 ? vt : (t == vt ? t : STC_SCHEMA_ANY);
        }
        s->type = t;
        return;
    }
    s->type = stc_schema_named(base);
    if (s->type == STC_SCHEMA_ARRAY && arg) {
        const stc_node *item = arg;
        if (arg->kind == STC_N_TUPLE) {
            /* tuple[int, ...] is an array of int; tuple[int, str] of anything */
            bool homogeneous = arg->l1.count == 2 && arg->l1.items[1] &&
                               arg->l1.items[1]->kind == STC_N_CONSTANT &&
                               arg->l1.items[1]->cval.kind == STC_CONST_ELLIPSIS;
            item = homogeneous ? arg->l1.items[0] : NULL;
        }
        if (item) {
            s->items = stc_xcalloc(1, sizeof *s->items);
            stc_schema_from_hint(s->items, item);
            if (s->items->type == STC_SCHEMA_ANY && !s->items->nullable) {
                free(s->items);
                s->items = NULL;
            }
        }
    } else if (s->type == STC_SCHEMA_OBJECT && arg && arg->kind == STC_N_TUPLE && arg->l1.count == 2) {
        s->items = stc_xcalloc(1, sizeof *s->items);
        stc_schema_from_hint(s->items, arg->l1.items[1]);
        if (s->items->type == STC_SCHEMA_ANY && !s->items->nullable) {
            free(s->items);
            s->items = NULL;
        }
    }
}

/* ---- defaults --------------------------------------------------------- */

/* The JSON value of a literal default, or NULL when it is not one. */
static cJSON *stc_literal_json(const stc_node *n, int depth)
{
    if (!n || depth > 32)
        return NULL;
    if (n->kind == STC_N_CONSTANT) {
        switch (n->cval.kind) {
        case STC_CONST_NONE:
            return cJSON_CreateNull();
        case STC_CONST_BOOL:
            return cJSON_CreateBool(n->cval.bval);
        case STC_CONST_INT:
            return cJSON_CreateNumber((double)n->cval.ival);
        case STC_CONST_FLOAT:
            return isfinite(n->cval.fval) ? cJSON_CreateNumber(n->cval.fval) : NULL;
        case STC_CONST_STR:
            if (n->sval && strlen(n->sval) == n->slen)
                return cJSON_CreateString(n->sval);
            return n->sval ? NULL : cJSON_CreateString("");
        default:
            return NULL;
        }
    }
    if (n->kind == STC_N_UNARY_OP && n->id && strcmp(n->id, "-") == 0 && n->a &&
        n->a->kind == STC_N_CONSTANT &&
        (n->a->cval.kind == STC_CONST_INT || n->a->cval.kind == STC_CONST_FLOAT)) {
        double v = n->a->cval.kind == STC_CONST_INT ? (double)n->a->cval.ival : n->a->cval.fval;
        return isfinite(v) ? cJSON_CreateNumber(-v) : NULL;
    }
    if (n->kind == STC_N_LIST || n->kind == STC_N_TUPLE) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < n->l1.count; i++) {
            cJSON *v = stc_literal_json(n->l1.items[i], depth + 1);
            if (!v) {
                cJSON_Delete(arr);
                return NULL;
            }
            cJSON_AddItemToArray(arr, v);
        }
        return arr;
    }
    if (n->kind == STC_N_DICT) {
        cJSON *obj = cJSON_CreateObject();
        for (size_t i = 0; i < n->l1.count && i < n->l2.count; i++) {
            const stc_node *k = n->l1.items[i];
            cJSON *v = k && k->kind == STC_N_CONSTANT && k->cval.kind == STC_CONST_STR && k->sval &&
                               strlen(k->sval) == k->slen
                           ? stc_literal_json(n->l2.items[i], depth + 1)
                           : NULL;
            if (!v) {
                cJSON_Delete(obj);
                return NULL;
            }
            cJSON_AddItemToObject(obj, k->sval, v);
        }
        return obj;
    }
    return NULL;
}

void *stc_routes_literal_json(const stc_node *n)
{
    return stc_literal_json(n, 0);
}

/* ---- parameters --------------------------------------------------------- */

static void stc_route_param_init(stc_route_param *rp, const stc_param *p, stc_param_in in)
{
    memset(rp, 0, sizeof *rp);
    rp->name = p->name;
    rp->param = p;
    rp->in = in;
    stc_schema_from_hint(&rp->schema, p->annotation_node);
    cJSON *def = p->default_node ? stc_literal_json(p->default_node, 0) : NULL;
    if (def) {
        rp->default_json = cJSON_PrintUnformatted(def);
        if (!p->annotation_node) {
            /* No hint: the type of the default, if it says one. */
            const stc_node *dn = p->default_node;
            if (cJSON_IsBool(def))
                rp->schema.type = STC_SCHEMA_BOOLEAN;
            else if (cJSON_IsString(def))
                rp->schema.type = STC_SCHEMA_STRING;
            else if (cJSON_IsArray(def))
                rp->schema.type = STC_SCHEMA_ARRAY;
            else if (cJSON_IsObject(def))
                rp->schema.type = STC_SCHEMA_OBJECT;
            else if (cJSON_IsNumber(def))
                rp->schema.type = (dn->kind == STC_N_CONSTANT && dn->cval.kind == STC_CONST_INT) ||
                                          (dn->kind == STC_N_UNARY_OP && dn->a->cval.kind == STC_CONST_INT)
                                      ? STC_SCHEMA_INTEGER
                                      : STC_SCHEMA_NUMBER;
        }
        cJSON_Delete(def);
    }
    rp->required = in == STC_IN_PATH || (!p->default_node && !rp->schema.nullable);
    if (in == STC_IN_PATH) {
        /* A path parameter is always there: never null, no default. */
        rp->schema.nullable = false;
        free(rp->default_json);
        rp->default_json = NULL;
    }
}

static void stc_route_param_clear(stc_route_param *rp)
{
    stc_schema_clear(&rp->schema);
    free(rp->default_json);
}

static const stc_param *stc_find_param(const stc_method *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (!m->params[i].vararg && !m->params[i].kwarg && strcmp(m->params[i].name, name) == 0)
            return &m->params[i];
    return NULL;
}

/* ---- explanations ------------------------------------------------------- */

/* "name", "email (optional)", "limit (optional, default 10)" */
static void stc_explain_param(stc_buf *b, const stc_route_param *rp)
{
    stc_buf_puts(b, rp->name);
    if (rp->in == STC_IN_PATH || rp->required)
        return;
    if (rp->param->default_text)
        stc_buf_printf(b, " (optional, default %s)", rp->param->default_text);
    else
        stc_buf_puts(b, " (optional)");
}

static void stc_explain_params(stc_buf *b, const stc_route *r)
{
    static const struct {
        stc_param_in in;
        const char *label;
    } groups[] = {{STC_IN_PATH, "path"}, {STC_IN_QUERY, "query"}, {STC_IN_BODY, "body"}};
    for (size_t g = 0; g < STC_ARRAY_LEN(groups); g++) {
        bool first = true;
        for (size_t i = 0; i < r->nparams; i++) {
            if (r->params[i].in != groups[g].in)
                continue;
            stc_buf_puts(b, first ? "; " : ", ");
            if (first)
                stc_buf_printf(b, "%s: ", groups[g].label);
            first = false;
            stc_explain_param(b, &r->params[i]);
        }
    }
}

/* ---- HTTP routes -------------------------------------------------------- */

typedef struct stc_words {
    char **w;
    size_t n;
} stc_words;

static stc_words stc_split(const char *s)
{
    stc_words ws = {NULL, 0};
    const char *p = s;
    for (;;) {
        size_t k = strcspn(p, "_");
        ws.w = stc_xrealloc(ws.w, (ws.n + 1) * sizeof *ws.w);
        ws.w[ws.n++] = stc_xstrndup(p, k);
        if (!p[k])
            break;
        p += k + 1;
    }
    return ws;
}

static void stc_words_free(stc_words *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        free(ws->w[i]);
    free(ws->w);
}

/* words[from..n) joined by `sep`, with the last word replaced by `last`. */
static char *stc_join(const stc_words *ws, size_t from, const char *sep, const char *last)
{
    stc_buf b = STC_BUF_INIT;
    for (size_t i = from; i < ws->n; i++) {
        if (i > from)
            stc_buf_puts(&b, sep);
        stc_buf_puts(&b, i + 1 == ws->n && last ? last : ws->w[i]);
    }
    return stc_buf_take(&b);
}

static bool stc_item_group(stc_verb_group g)
{
    return g == STC_VERB_READ || g == STC_VERB_REPLACE || g == STC_VERB_MODIFY || g == STC_VERB_DELETE ||
           g == STC_VERB_ACTION;
}

static void stc_build_http(stc_route *r, stc_unit_info *u, const stc_module *m, stc_diags *d)
{
    const stc_method *meth = u->method;
    stc_words ws = stc_split(u->entity);
    stc_buf path = STC_BUF_INIT, why = STC_BUF_INIT;
    const stc_param **in_path = stc_xcalloc(meth->nparams + 1, sizeof *in_path);
    size_t npath = 0;

    r->function = meth->name;
    r->method = meth;
    r->unit = u;
    r->is_async = meth->is_async;
    r->http_method = stc_naming_group_method(u->group);
    stc_schema_from_hint(&r->returns, meth->def ? meth->def->b : NULL);

    /* Explanation head: keep what classify said about the verb. */
    if (u->group == STC_VERB_ACTION) {
        /* The id parameter that made it an action (core/classify.c). */
        char *eid = stc_xasprintf("%s_id", u->entity);
        const char *us = strchr(u->entity, '_');
        char *cid = us ? stc_xasprintf("%s_id", us + 1) : NULL;
        const stc_param *idp = stc_find_param(meth, eid);
        if (!idp)
            idp = stc_find_param(meth, "id");
        if (!idp && cid)
            idp = stc_find_param(meth, cid);
        stc_buf_printf(&why, "%s: \"%s\" is not a known verb, but the method has the id parameter %s "
                             "-> action verb: POST on the item + /%s",
                       meth->name, u->verb, idp ? idp->name : "id", u->verb);
        free(eid);
        free(cid);
    }
    else
        stc_buf_printf(&why, "%s: verb \"%s\" is a %s verb -> %s", meth->name, u->verb,
                       stc_naming_group_name(u->group), r->http_method);

    /* Nesting: <parent>_<child> with a <parent>_id parameter. */
    size_t first = 0;
    stc_buf_printf(&why, "; entity \"%s\"", u->entity);
    if (ws.n >= 2) {
        char *pid = stc_xasprintf("%s_id", ws.w[0]);
        const stc_param *pp = stc_find_param(meth, pid);
        if (pp) {
            stc_plural_rule pr;
            char *parents = stc_inflect_plural(ws.w[0], &pr);
            r->parent = stc_xstrdup(ws.w[0]);
            stc_buf_printf(&path, "/%s/{%s}", parents, pp->name);
            in_path[npath++] = pp;
            stc_buf_printf(&why, ": parent \"%s\" (parameter %s) -> /%s/{%s} (%s)", ws.w[0], pp->name, parents,
                           pp->name, stc_inflect_rule_text(pr));
            free(parents);
            first = 1;
        }
        free(pid);
    }
    char *child = stc_join(&ws, first, "_", NULL);
    const char *last = ws.w[ws.n - 1];
    char *singular = NULL;
    stc_plural_rule rule;
    char *seg;
    if (stc_inflect_is_plural(last, &singular, &rule)) {
        r->plural_entity = true;
        seg = stc_join(&ws, first, "-", NULL);
        r->singular = singular;
        if (first)
            stc_buf_printf(&why, ", child \"%s\"", child);
        stc_buf_printf(&why, " is already plural (of \"%s\", %s) -> the collection \"%s\"", singular,
                       stc_inflect_rule_text(rule), seg);
    } else {
        char *pl = stc_inflect_plural(last, &rule);
        seg = stc_join(&ws, first, "-", pl);
        r->singular = stc_xstrdup(last);
        if (first)
            stc_buf_printf(&why, ", child \"%s\"", child);
        stc_buf_printf(&why, " -> collection \"%s\" (%s)", seg, stc_inflect_rule_text(rule));
        free(pl);
    }
    r->rule = rule;
    r->collection = stc_xstrdup(seg);
    stc_buf_printf(&path, "/%s", seg);

    /* The item parameter. */
    size_t remaining = 0;
    const stc_param *first_rest = NULL;
    for (size_t i = 0; i < meth->nparams; i++) {
        const stc_param *p = &meth->params[i];
        if (p->vararg || p->kwarg || (npath && p == in_path[0]))
            continue;
        if (!first_rest)
            first_rest = p;
        remaining++;
    }
    if (stc_item_group(u->group) && !r->plural_entity) {
        if (remaining == 0 && npath) {
            stc_buf_printf(&why, "; no parameter besides %s -> addresses the collection", in_path[0]->name);
        } else if (remaining == 0) {
            stc_buf_puts(&why, "; no parameter -> addresses the collection");
        } else {
            char *id_name = stc_xasprintf("%s_id", child);
            const stc_param *ip = stc_find_param(meth, id_name);
            const char *reason = first ? "named <child>_id" : "named <entity>_id";
            if (!ip) {
                ip = stc_find_param(meth, "id");
                reason = "named id";
            }
            if (ip && npath && ip == in_path[0])
                ip = NULL;
            if (!ip) {
                ip = first_rest;
                reason = first ? "the first parameter not in the path" : "the first parameter";
                stc_buf_printf(&why, "; item id: %s (%s; no %s or id parameter)", ip->name, reason, id_name);
            } else {
                stc_buf_printf(&why, "; item id: %s (%s)", ip->name, reason);
            }
            free(id_name);
            stc_buf_printf(&path, "/{%s}", ip->name);
            in_path[npath++] = ip;
            r->item = true;
        }
    }
    if (u->group == STC_VERB_ACTION)
        stc_buf_printf(&path, "/%s", u->verb);
    r->path = stc_buf_take(&path);

    /* Parameters: path (in path order), then query or body. */
    bool query = strcmp(r->http_method, "GET") == 0 || strcmp(r->http_method, "DELETE") == 0;
    r->params = stc_xcalloc(meth->nparams + 1, sizeof *r->params);
    for (size_t i = 0; i < npath; i++) {
        stc_route_param_init(&r->params[r->nparams++], in_path[i], STC_IN_PATH);
        stc_schema hint;
        stc_schema_from_hint(&hint, in_path[i]->annotation_node);
        bool optional = in_path[i]->default_node || hint.nullable || hint.type == STC_SCHEMA_NULL;
        stc_schema_clear(&hint);
        if (optional) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, m->file, in_path[i]->pos.line, in_path[i]->pos.col,
                                        STC_D_PATH_DEFAULT,
                                        "parameter '%s' of '%s' is in the path %s, so it is always required (its default or "
                                        "Optional is never used)",
                                        in_path[i]->name, meth->name, r->path);
            stc_diag_set_hint(dg, "drop the default and Optional, or add an id parameter (%s_id or id) for the path",
                              u->entity);
        }
    }
    r->npath = npath;
    for (size_t i = 0; i < meth->nparams; i++) {
        const stc_param *p = &meth->params[i];
        bool placed = false;
        for (size_t k = 0; k < npath; k++)
            placed = placed || in_path[k] == p;
        if (placed)
            continue;
        if (p->vararg || p->kwarg) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, m->file, p->pos.line, p->pos.col, STC_D_STAR_PARAM,
                                        "parameter '%s%s' of '%s' cannot be mapped to the route; it is ignored",
                                        p->vararg ? "*" : "**", p->name, meth->name);
            stc_diag_set_hint(dg, "name each parameter the route should accept");
            continue;
        }
        if (strcmp(p->name, STC_CALLER_PARAM) == 0)
            continue; /* the authenticated identity, never a value of the request */
        stc_route_param_init(&r->params[r->nparams++], p, query ? STC_IN_QUERY : STC_IN_BODY);
        if (query)
            r->nquery++;
        else
            r->nbody++;
    }

    stc_buf_printf(&why, "; route %s %s", r->http_method, r->path);
    stc_explain_params(&why, r);
    if (stc_find_param(meth, STC_CALLER_PARAM))
        stc_buf_puts(&why, "; caller: the authenticated identity (never a value of the request)");
    if (r->is_async)
        stc_buf_puts(&why, "; async -> starts a state machine and answers 202 with the execution id");
    free(u->explain);
    u->explain = stc_buf_take(&why);

    free(seg);
    free(child);
    free(in_path);
    stc_words_free(&ws);
}

/* ---- WebSocket routes --------------------------------------------------- */

static void stc_build_ws(stc_ws_route *w, stc_unit_info *u, const stc_module *m, stc_diags *d)
{
    const stc_method *meth = u->method;
    const char *name = u->ws_name;
    const char *when;
    w->function = meth->name;
    w->method = meth;
    w->unit = u;
    w->is_async = meth->is_async;
    if (strcmp(name, "connect") == 0) {
        w->route_key = stc_xstrdup("$connect");
        when = "called when a client connects";
    } else if (strcmp(name, "disconnect") == 0) {
        w->route_key = stc_xstrdup("$disconnect");
        when = "called when a client disconnects";
    } else if (strcmp(name, "default") == 0) {
        w->route_key = stc_xstrdup("$default");
        when = "called for messages whose action matches no other route key";
    } else {
        w->route_key = stc_xstrdup(name);
        when = NULL;
    }

    /* A handler takes (self, url, connection_id, ...): the Lambda runtime
     * and, for an async handler, the route's Step Functions integration pass
     * the callback URL and the connection id as its first two parameters. */
    static const char *const expected[] = {"url", "connection_id"};
    for (size_t i = 0; i < 2; i++) {
        if (i < meth->nparams && !meth->params[i].vararg && !meth->params[i].kwarg &&
            strcmp(meth->params[i].name, expected[i]) == 0)
            continue;
        stc_diag *dg;
        if (i < meth->nparams)
            dg = stc_diag_add(d, STC_SEV_WARNING, m->file, meth->params[i].pos.line, meth->params[i].pos.col,
                              STC_D_WS_PARAMS,
                              "WebSocket handler '%s': parameter %zu after self is '%s', expected '%s'",
                              meth->name, i + 1, meth->params[i].name, expected[i]);
        else
            dg = stc_diag_add(d, STC_SEV_WARNING, m->file, meth->name_pos.line, meth->name_pos.col,
                              STC_D_WS_PARAMS, "WebSocket handler '%s' has no parameter '%s'", meth->name,
                              expected[i]);
        stc_diag_set_hint(dg, "write %sdef %s(self, url, connection_id, ...): the handler receives the "
                              "callback URL and the connection id first",
                          meth->is_async ? "async " : "", meth->name);
        break;
    }

    w->params = stc_xcalloc(meth->nparams + 1, sizeof *w->params);
    for (size_t i = 0; i < meth->nparams; i++) {
        const stc_param *p = &meth->params[i];
        if (p->vararg || p->kwarg || strcmp(p->name, "url") == 0 || strcmp(p->name, "connection_id") == 0 ||
            strcmp(p->name, STC_CALLER_PARAM) == 0)
            continue;
        stc_route_param_init(&w->params[w->nparams++], p, STC_IN_BODY);
    }

    stc_buf why = STC_BUF_INIT;
    stc_buf_printf(&why, "%s: prefix \"on_\" -> WebSocket handler for route key \"%s\"", meth->name,
                   w->route_key);
    if (when)
        stc_buf_printf(&why, " (%s)", when);
    else
        stc_buf_printf(&why, " (messages whose %s is \"%s\")", STC_WS_ROUTE_SELECTION, w->route_key);
    stc_buf_puts(&why, "; url, connection_id: the connection's callback URL and id");
    for (size_t i = 0; i < w->nparams; i++) {
        stc_buf_puts(&why, i ? ", " : "; message fields: ");
        stc_explain_param(&why, &w->params[i]);
    }
    if (w->is_async)
        stc_buf_puts(&why, "; async -> the route starts a state machine (Step Functions integration) with these "
                           "as its input; the workflow replies through an internal function that calls "
                           "post_to_connection");
    free(u->explain);
    u->explain = stc_buf_take(&why);
}

/* ---- conflicts ---------------------------------------------------------- */

/* The path with every {name} replaced by {}: two routes whose templates
 * differ only in parameter names are the same route. */
static char *stc_path_shape(const char *path)
{
    stc_buf b = STC_BUF_INIT;
    for (const char *p = path; *p; p++) {
        stc_buf_putc(&b, *p);
        if (*p == '{') {
            while (*p && *p != '}')
                p++;
            if (!*p)
                break;
            stc_buf_putc(&b, '}');
        }
    }
    return stc_buf_take(&b);
}

/* The path up to (not including) segment `seg` (0-based): "/people". */
static char *stc_path_prefix(const char *path, size_t seg)
{
    size_t k = 0;
    const char *p = path;
    for (; *p; p++)
        if (*p == '/' && k++ == seg)
            break;
    return stc_xstrndup(path, (size_t)(p - path));
}

/* True when two paths agree segment by segment up to a path parameter that
 * each names differently ("/people/{person_id}" and "/people/{name}/pets").
 * Sets the segment index and both names (allocated). */
static bool stc_param_name_clash(const char *a, const char *b, size_t *seg, char **na, char **nb)
{
    size_t s = 0;
    while (*a == '/' && *b == '/') {
        a++;
        b++;
        size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
        bool pa = la >= 2 && a[0] == '{' && a[la - 1] == '}';
        bool pb = lb >= 2 && b[0] == '{' && b[lb - 1] == '}';
        if (pa && pb) {
            if (la != lb || strncmp(a, b, la) != 0) {
                *seg = s;
                *na = stc_xstrndup(a + 1, la - 2);
                *nb = stc_xstrndup(b + 1, lb - 2);
                return true;
            }
        } else if (pa || pb || la != lb || strncmp(a, b, la) != 0) {
            return false;
        }
        a += la;
        b += lb;
        s++;
    }
    return false;
}

/* Sort keys: routes can only clash within one first path segment (HTTP) or
 * one route key (WebSocket), so sorting keeps huge modules fast. */
typedef struct stc_rkey {
    const char *key;
    size_t len, idx;
} stc_rkey;

static int stc_rkey_cmp(const void *pa, const void *pb)
{
    const stc_rkey *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->key, b->key, n);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool stc_rkey_same(const stc_rkey *a, const stc_rkey *b)
{
    return a->len == b->len && memcmp(a->key, b->key, a->len) == 0;
}

/* Check route j against the earlier routes i of its group. */
static void stc_check_http_pair(const stc_routes *rt, char **shapes, const size_t *earlier, size_t nearlier,
                                size_t j, const stc_module *m, stc_diags *d)
{
    const stc_route *b = &rt->http[j];
    bool reported_names = false;
    for (size_t k = 0; k < nearlier; k++) {
        size_t i = earlier[k];
        const stc_route *a = &rt->http[i];
        if (strcmp(shapes[i], shapes[j]) == 0 && strcmp(a->http_method, b->http_method) == 0) {
            stc_diag *dg = stc_diag_add(
                d, STC_SEV_ERROR, m->file, b->method->name_pos.line, b->method->name_pos.col, STC_D_HTTP_CONFLICT,
                "route conflict: '%s' (line %d) and '%s' (line %d) both map to %s %s", a->function,
                a->method->pos.line, b->function, b->method->pos.line, b->http_method, b->path);
            stc_diag_set_hint(dg, "rename one of them (another verb or entity), or change its parameters");
            return;
        }
        if (reported_names)
            continue;
        /* The same resource, another name for its path parameter. */
        size_t seg;
        char *pa, *pb;
        if (stc_param_name_clash(a->path, b->path, &seg, &pa, &pb)) {
            char *prefix = stc_path_prefix(b->path, seg);
            stc_diag *dg = stc_diag_add(
                d, STC_SEV_WARNING, m->file, b->method->name_pos.line, b->method->name_pos.col, STC_D_PATH_NAMES,
                "'%s' (line %d) names the path parameter after %s {%s}, but '%s' (line %d) names it {%s}",
                b->function, b->method->pos.line, prefix, pb, a->function, a->method->pos.line, pa);
            stc_diag_set_hint(dg, "use one name for the same path parameter (API Gateway allows one "
                                  "variable per path segment)");
            reported_names = true;
            free(prefix);
            free(pa);
            free(pb);
        }
    }
}

static void stc_check_conflicts(const stc_routes *rt, const stc_module *m, stc_diags *d)
{
    size_t n = rt->nhttp > rt->nws ? rt->nhttp : rt->nws;
    stc_rkey *keys = stc_xcalloc(n + 1, sizeof *keys);
    size_t *group = stc_xcalloc(n + 1, sizeof *group);

    char **shapes = stc_xcalloc(rt->nhttp + 1, sizeof *shapes);
    for (size_t i = 0; i < rt->nhttp; i++) {
        shapes[i] = stc_path_shape(rt->http[i].path);
        const char *p = rt->http[i].path + 1;
        keys[i] = (stc_rkey){p, strcspn(p, "/"), i};
    }
    qsort(keys, rt->nhttp, sizeof *keys, stc_rkey_cmp);
    for (size_t g = 0; g < rt->nhttp;) {
        size_t e = g + 1;
        while (e < rt->nhttp && stc_rkey_same(&keys[g], &keys[e]))
            e++;
        for (size_t k = g; k < e; k++)
            group[k - g] = keys[k].idx; /* definition order within the group */
        for (size_t k = 1; k < e - g; k++)
            stc_check_http_pair(rt, shapes, group, k, group[k], m, d);
        g = e;
    }
    for (size_t i = 0; i < rt->nhttp; i++)
        free(shapes[i]);
    free(shapes);

    for (size_t i = 0; i < rt->nws; i++)
        keys[i] = (stc_rkey){rt->ws[i].route_key, strlen(rt->ws[i].route_key), i};
    qsort(keys, rt->nws, sizeof *keys, stc_rkey_cmp);
    for (size_t k = 1; k < rt->nws; k++) {
        if (!stc_rkey_same(&keys[k - 1], &keys[k]))
            continue;
        size_t f = k - 1;
        while (f > 0 && stc_rkey_same(&keys[f - 1], &keys[k]))
            f--;
        const stc_ws_route *a = &rt->ws[keys[f].idx], *b = &rt->ws[keys[k].idx];
        stc_diag *dg = stc_diag_add(
            d, STC_SEV_ERROR, m->file, b->method->name_pos.line, b->method->name_pos.col, STC_D_WS_CONFLICT,
            "route conflict: '%s' (line %d) and '%s' (line %d) both map to WebSocket route key %s", a->function,
            a->method->pos.line, b->function, b->method->pos.line, b->route_key);
        stc_diag_set_hint(dg, "keep one handler per route key");
    }
    free(keys);
    free(group);
}

/* ---- the stage ---------------------------------------------------------- */

stc_routes *stc_routes_build(const stc_module *m, stc_unit_info *units, size_t n, stc_diags *d)
{
    stc_routes *rt = stc_xcalloc(1, sizeof *rt);
    if (!m || !units)
        return rt;
    rt->http = stc_xcalloc(n + 1, sizeof *rt->http);
    rt->ws = stc_xcalloc(n + 1, sizeof *rt->ws);
    for (size_t i = 0; i < n; i++) {
        stc_unit_info *u = &units[i];
        if (u->kind == STC_KIND_REST && u->verb && u->entity)
            stc_build_http(&rt->http[rt->nhttp++], u, m, d);
        else if (u->kind == STC_KIND_WEBSOCKET && u->ws_name)
            stc_build_ws(&rt->ws[rt->nws++], u, m, d);
    }
    stc_check_conflicts(rt, m, d);
    for (size_t i = 0; i < rt->nhttp; i++)
        stc_name_index_add(&rt->http_ix, rt->http[i].function);
    for (size_t i = 0; i < rt->nws; i++)
        stc_name_index_add(&rt->ws_ix, rt->ws[i].function);
    return rt;
}

void stc_routes_free(stc_routes *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nhttp; i++) {
        stc_route *h = &r->http[i];
        for (size_t k = 0; k < h->nparams; k++)
            stc_route_param_clear(&h->params[k]);
        free(h->params);
        stc_schema_clear(&h->returns);
        free(h->path);
        free(h->collection);
        free(h->singular);
        free(h->parent);
    }
    for (size_t i = 0; i < r->nws; i++) {
        for (size_t k = 0; k < r->ws[i].nparams; k++)
            stc_route_param_clear(&r->ws[i].params[k]);
        free(r->ws[i].params);
        free(r->ws[i].route_key);
    }
    free(r->http);
    free(r->ws);
    stc_name_index_free(&r->http_ix);
    stc_name_index_free(&r->ws_ix);
    free(r);
}

/* Every HTTP unit's handler, spec entry and template resources look up its
 * route by name: an index, not a scan (quadratic in the number of methods). */
const stc_route *stc_routes_find(const stc_routes *r, const char *function)
{
    long i = r && function ? stc_name_index_find(&r->http_ix, function) : -1;
    return i >= 0 ? &r->http[i] : NULL;
}

const stc_ws_route *stc_routes_find_ws(const stc_routes *r, const char *function)
{
    long i = r && function ? stc_name_index_find(&r->ws_ix, function) : -1;
    return i >= 0 ? &r->ws[i] : NULL;
}

const stc_route *stc_routes_for(const stc_service *svc, const char *function)
{
    return svc ? stc_routes_find(svc->routes, function) : NULL;
}

const stc_ws_route *stc_routes_ws_for(const stc_service *svc, const char *function)
{
    return svc ? stc_routes_find_ws(svc->routes, function) : NULL;
}

/* ---- JSON and text ------------------------------------------------------ */

static cJSON *stc_schema_json(const stc_schema *s)
{
    cJSON *o = cJSON_CreateObject();
    switch (s->type) {
    case STC_SCHEMA_ANY:
        break;
    case STC_SCHEMA_UNION: {
        cJSON *any = cJSON_AddArrayToObject(o, "anyOf");
        for (size_t i = 0; i < s->nalts; i++)
            cJSON_AddItemToArray(any, stc_schema_json(&s->alts[i]));
        if (s->nullable) {
            cJSON *nul = cJSON_CreateObject();
            cJSON_AddStringToObject(nul, "type", "null");
            cJSON_AddItemToArray(any, nul);
        }
        break;
    }
    default:
        if (s->nullable && s->type != STC_SCHEMA_NULL) {
            cJSON *t = cJSON_AddArrayToObject(o, "type");
            cJSON_AddItemToArray(t, cJSON_CreateString(schema_type_json[s->type]));
            cJSON_AddItemToArray(t, cJSON_CreateString("null"));
        } else {
            cJSON_AddStringToObject(o, "type", schema_type_json[s->type]);
        }
        if (s->type == STC_SCHEMA_ARRAY && s->items)
            cJSON_AddItemToObject(o, "items", stc_schema_json(s->items));
        if (s->type == STC_SCHEMA_OBJECT && s->items)
            cJSON_AddItemToObject(o, "additionalProperties", stc_schema_json(s->items));
        break;
    }
    return o;
}

void *stc_schema_to_json(const stc_schema *s, const char *default_json)
{
    cJSON *o = stc_schema_json(s);
    if (default_json) {
        cJSON *v = cJSON_Parse(default_json);
        if (v)
            cJSON_AddItemToObject(o, "default", v);
    }
    return o;
}

static void stc_schema_text_add(stc_buf *b, const stc_schema *s)
{
    switch (s->type) {
    case STC_SCHEMA_ANY:
        stc_buf_puts(b, "any");
        break;
    case STC_SCHEMA_UNION:
        for (size_t i = 0; i < s->nalts; i++) {
            if (i)
                stc_buf_puts(b, " | ");
            stc_schema_text_add(b, &s->alts[i]);
        }
        break;
    default:
        stc_buf_puts(b, schema_type_json[s->type]);
        if (s->items)
            stc_buf_puts(b, " of ");
        if (s->items && (s->items->nullable || s->items->type == STC_SCHEMA_UNION)) {
            stc_buf_putc(b, '(');
            stc_schema_text_add(b, s->items);
            stc_buf_putc(b, ')');
        } else if (s->items) {
            stc_schema_text_add(b, s->items);
        }
        break;
    }
    if (s->nullable && s->type != STC_SCHEMA_NULL)
        stc_buf_puts(b, " | null");
}

char *stc_schema_text(const stc_schema *s)
{
    stc_buf b = STC_BUF_INIT;
    stc_schema_text_add(&b, s);
    return stc_buf_take(&b);
}

static cJSON *stc_names_json(const stc_route *r, stc_param_in in)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < r->nparams; i++)
        if (r->params[i].in == in)
            cJSON_AddItemToArray(arr, cJSON_CreateString(r->params[i].name));
    return arr;
}

void *stc_routes_to_json(const stc_routes *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *http = cJSON_AddArrayToObject(root, "http");
    for (size_t i = 0; r && i < r->nhttp; i++) {
        const stc_route *h = &r->http[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "method", h->http_method);
        cJSON_AddStringToObject(o, "path", h->path);
        cJSON_AddStringToObject(o, "function", h->function);
        cJSON_AddBoolToObject(o, "async", h->is_async);
        cJSON_AddItemToObject(o, "path_params", stc_names_json(h, STC_IN_PATH));
        cJSON_AddItemToObject(o, "query_params", stc_names_json(h, STC_IN_QUERY));
        cJSON_AddItemToObject(o, "body_params", stc_names_json(h, STC_IN_BODY));
        cJSON_AddItemToArray(http, o);
    }
    cJSON *wsa = cJSON_AddArrayToObject(root, "websocket");
    for (size_t i = 0; r && i < r->nws; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "route_key", r->ws[i].route_key);
        cJSON_AddStringToObject(o, "function", r->ws[i].function);
        cJSON_AddBoolToObject(o, "async", r->ws[i].is_async);
        cJSON_AddItemToArray(wsa, o);
    }
    return root;
}
