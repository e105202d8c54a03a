/* resources.c - see resources.h and docs/template.md. */
#include "core/resources.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/routes.h"
#include "core/util.h"

#include <cjson/cJSON.h>

static const char *const op_json[] = {
#define X(id, json, writes, doc) json,
    STC_ACCESS_OPS(X)
#undef X
};
static const bool op_writes[] = {
#define X(id, json, writes, doc) writes,
    STC_ACCESS_OPS(X)
#undef X
};
static const char *const kind_json[] = {
#define X(id, json, suffix, env) json,
    STC_RESOURCE_KINDS(X)
#undef X
};
static const char *const kind_suffix[] = {
#define X(id, json, suffix, env) suffix,
    STC_RESOURCE_KINDS(X)
#undef X
};
static const char *const kind_env[] = {
#define X(id, json, suffix, env) env,
    STC_RESOURCE_KINDS(X)
#undef X
};

static const char *const binding_interface[] = {
#define X(id, cls, fn) cls,
    STC_BINDINGS(X)
#undef X
};
static const char *const binding_function[] = {
#define X(id, cls, fn) fn,
    STC_BINDINGS(X)
#undef X
};

const char *stc_binding_interface(stc_binding b)
{
    return binding_interface[b];
}

const char *stc_access_op_json(stc_access_op op)
{
    return op_json[op];
}

bool stc_access_op_writes(stc_access_op op)
{
    return op_writes[op];
}

const char *stc_resource_kind_json(stc_resource_kind k)
{
    return kind_json[k];
}

const char *stc_param_type_cfn(stc_param_type t)
{
    switch (t) {
    case STC_PARAM_NUMBER:
        return "Number";
    case STC_PARAM_LIST:
        return "CommaDelimitedList";
    case STC_PARAM_STRING:
    case STC_PARAM_JSON:
    case STC_PARAM_BINDING:
        break;
    }
    return "String";
}

char *stc_resources_camel(const char *snake)
{
    stc_buf b = STC_BUF_INIT;
    bool up = true;
    for (const char *p = snake; *p; p++) {
        if (*p == '_') {
            up = true;
            continue;
        }
        stc_buf_putc(&b, up ? (char)toupper((unsigned char)*p) : *p);
        up = false;
    }
    return stc_buf_take(&b);
}

static char *stc_upper(const char *prefix, const char *name)
{
    char *s = stc_xasprintf("%s%s", prefix, name);
    for (char *p = s; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

/* ---- analysis context ---------------------------------------------------- */

/* A method of the class that a unit calls, with the position of its first call. */
typedef struct stc_call {
    size_t unit;
    stc_pos pos;
} stc_call;

typedef struct stc_raw {
    unsigned *ops;     /* nresources */
    stc_pos *first;    /* nresources */
    stc_call *calls;   /* the distinct methods it calls, sorted by method index once
                          collected (sparse: a dense nmethods array per unit made the
                          analysis O(n^2) in memory) */
    size_t ncalls, calls_cap;
    bool posts;
    stc_pos post_pos;
} stc_raw;

typedef struct stc_an {
    const stc_module *m;
    const stc_unit_info *units;
    size_t nunits;
    stc_diags *d;
    stc_resources *r;
    const stc_method *meth;
    const char *self;
    stc_raw *raw;
    char **alias_names;
    size_t *alias_res;
    size_t naliases;
    char **post_names;       /* local names bound to stc_runtime.post_to_connection */
    size_t npost_names;
    char **runtime_modules;  /* local names bound to the stc_runtime module */
    size_t nruntime_modules;
    stc_name_index names;    /* unit method name -> unit index */
    const char **bound;      /* __init__ parameters a binding names (borrowed), and how */
    stc_binding *bound_as;
    size_t nbound;
    size_t *call_mark;       /* nunits: cur_unit + 1 when the current unit calls it */
    size_t cur_unit;
} stc_an;

/* A new resource for self.<attr>: its logical id and environment variable
 * from the name and kind, its annotation the text at `text` (the annotation
 * or the binding call), declared at `at`. */
static stc_resource *stc_resource_add(stc_an *a, const char *attr, stc_resource_kind kind, stc_pos text,
                                      const char *key_type, stc_pos at)
{
    stc_resources *r = a->r;
    r->resources = stc_xrealloc(r->resources, (r->nresources + 1) * sizeof *r->resources);
    stc_resource *rs = &r->resources[r->nresources++];
    memset(rs, 0, sizeof *rs);
    rs->attr = stc_xstrdup(attr);
    rs->kind = kind;
    char *camel = stc_resources_camel(attr);
    rs->logical = stc_xasprintf("%s%s", camel, kind_suffix[kind]);
    free(camel);
    rs->env = stc_upper(kind_env[kind], attr);
    rs->annotation = stc_module_text(a->m, text);
    rs->key_type = key_type ? stc_xstrdup(key_type) : NULL;
    rs->pos = at;
    return rs;
}

typedef enum { USE_LOAD, USE_STORE, USE_DEL, USE_AUG } stc_use;

static void stc_an_visit(stc_an *a, const stc_node *n, stc_use use);

static bool stc_is_self(const stc_an *a, const stc_node *n)
{
    return n && n->kind == STC_N_NAME && a->self && strcmp(n->id, a->self) == 0;
}

static int stc_resource_index(const stc_resources *r, const char *attr)
{
    for (size_t i = 0; i < r->nresources; i++)
        if (strcmp(r->resources[i].attr, attr) == 0)
            return (int)i;
    return -1;
}

/* self.<resource> or a local alias of it -> the resource index, else -1. */
static int stc_res_ref(const stc_an *a, const stc_node *n)
{
    if (!n)
        return -1;
    if (n->kind == STC_N_ATTRIBUTE && stc_is_self(a, n->a))
        return stc_resource_index(a->r, n->id);
    if (n->kind == STC_N_NAME)
        for (size_t i = 0; i < a->naliases; i++)
            if (strcmp(a->alias_names[i], n->id) == 0)
                return (int)a->alias_res[i];
    return -1;
}

/* The index of the first method named `name`, or -1 (O(1)). */
static int stc_method_index(const stc_an *a, const char *name)
{
    return (int)stc_name_index_find(&a->names, name);
}

static void stc_method_index_build(stc_an *a)
{
    for (size_t i = 0; i < a->nunits; i++)
        stc_name_index_add(&a->names, a->units[i].method->name);
}

static int stc_call_cmp(const void *x, const void *y)
{
    size_t a = ((const stc_call *)x)->unit, b = ((const stc_call *)y)->unit;
    return a < b ? -1 : a > b;
}

#define OPB(x) (1u << STC_OP_##x)

static void stc_an_op(stc_an *a, int res, unsigned ops, const stc_node *at)
{
    const stc_resource *rs = &a->r->resources[res];
    if (rs->binding == STC_BIND_MAPPING && (ops & (OPB(PUT) | OPB(DELETE)))) {
        /* A read-only store: the role never gets a write action. */
        stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, at->pos.line, at->pos.col, "STC513",
                                    "'%s' writes to '%s', a read-only Mapping (Mapping.get_mapping at line %d)",
                                    a->meth->name, rs->attr, rs->pos.line);
        stc_diag_set_hint(dg, "bind it with MutableMapping.get_mapping(%s) to write to it", rs->param);
        ops &= ~(OPB(PUT) | OPB(DELETE));
        if (!ops)
            return;
    }
    if (!a->raw->ops[res])
        a->raw->first[res] = at->pos;
    a->raw->ops[res] |= ops;
}

/* A queue or a channel: no mapping operations. */
static bool stc_is_messages(stc_resource_kind k)
{
    return k == STC_RES_QUEUE || k == STC_RES_TOPIC;
}

static void stc_an_bad(stc_an *a, const stc_node *at, int res, const char *what)
{
    const stc_resource *rs = &a->r->resources[res];
    stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, at->pos.line, at->pos.col, "STC505",
                                "%s is not supported on the %s '%s'", what,
                                rs->kind == STC_RES_TOPIC ? "channel" : kind_json[rs->kind], rs->attr);
    if (rs->kind == STC_RES_QUEUE)
        stc_diag_set_hint(dg, "a queue supports put, put_nowait, get, get_nowait, qsize, empty and len(q)");
    else if (rs->kind == STC_RES_TOPIC)
        stc_diag_set_hint(dg, "a channel supports send(message)");
    else
        stc_diag_set_hint(dg, "a %s supports t[k], t[k] = v, del t[k], k in t, iteration, len, get, keys, values, "
                          "items, pop, popitem, update, setdefault and clear", kind_json[rs->kind]);
}

/* A bare reference to a resource. `keys_only` when it is iterated or
 * counted (for, comprehension, len/list/sorted/...): a listing of keys;
 * otherwise (passed on) it may be read entirely. */
static void stc_an_bare(stc_an *a, int res, const stc_node *at, bool keys_only, bool counted)
{
    if (a->r->resources[res].kind == STC_RES_TOPIC) {
        stc_an_bad(a, at, res, "using the channel as a value (iteration, len, passing it on)");
        return;
    }
    if (a->r->resources[res].kind == STC_RES_QUEUE) {
        if (counted)
            stc_an_op(a, res, OPB(INSPECT), at);
        else
            stc_an_bad(a, at, res, "using the queue as a value (iteration, passing it on)");
        return;
    }
    stc_an_op(a, res, keys_only ? OPB(SCAN) : OPB(SCAN) | OPB(GET), at);
}

static void stc_an_list(stc_an *a, const stc_list *l, stc_use use)
{
    for (size_t i = 0; i < l->count; i++)
        stc_an_visit(a, l->items[i], use);
}

static void stc_an_children(stc_an *a, const stc_node *n)
{
    stc_an_visit(a, n->a, USE_LOAD);
    stc_an_visit(a, n->b, USE_LOAD);
    stc_an_visit(a, n->c, USE_LOAD);
    stc_an_list(a, &n->l0, USE_LOAD);
    stc_an_list(a, &n->l1, USE_LOAD);
    stc_an_list(a, &n->l2, USE_LOAD);
    stc_an_list(a, &n->l3, USE_LOAD);
}

/* t.<method>(...) on a resource. The operations are those the runtime's
 * Table/Bucket/Queue (core/aws/runtime/stc_runtime.py) perform: they are
 * MutableMappings, so values()/items() read every key and then each entry,
 * pop() reads then deletes, popitem()/clear() list, read and delete. */
static void stc_an_res_method(stc_an *a, int res, const char *meth, const stc_node *call)
{
    stc_resource_kind k = a->r->resources[res].kind;
    unsigned ops = 0;
    if (k == STC_RES_TOPIC) {
        if (!strcmp(meth, "send"))
            ops = OPB(SEND);
    } else if (k == STC_RES_QUEUE) {
        if (!strcmp(meth, "put") || !strcmp(meth, "put_nowait"))
            ops = OPB(SEND);
        else if (!strcmp(meth, "get") || !strcmp(meth, "get_nowait"))
            ops = OPB(RECEIVE);
        else if (!strcmp(meth, "qsize") || !strcmp(meth, "empty"))
            ops = OPB(INSPECT);
    } else {
        if (!strcmp(meth, "get"))
            ops = OPB(GET);
        else if (!strcmp(meth, "keys"))
            ops = OPB(SCAN);
        else if (!strcmp(meth, "values") || !strcmp(meth, "items"))
            ops = OPB(SCAN) | OPB(GET);
        else if (!strcmp(meth, "pop"))
            ops = OPB(GET) | OPB(DELETE);
        else if (!strcmp(meth, "popitem") || !strcmp(meth, "clear"))
            ops = OPB(SCAN) | OPB(GET) | OPB(DELETE);
        else if (!strcmp(meth, "update"))
            ops = OPB(PUT);
        else if (!strcmp(meth, "setdefault"))
            ops = OPB(GET) | OPB(PUT);
    }
    if (!ops) {
        char *what = stc_xasprintf("the method '%s'", meth);
        stc_an_bad(a, call, res, what);
        free(what);
        return;
    }
    stc_an_op(a, res, ops, call);
}

static bool stc_name_in(char **names, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], id) == 0)
            return true;
    return false;
}

static bool stc_is_post_call(const stc_an *a, const stc_node *func)
{
    if (func->kind == STC_N_NAME)
        return stc_name_in(a->post_names, a->npost_names, func->id);
    if (func->kind == STC_N_ATTRIBUTE && strcmp(func->id, "post_to_connection") == 0 && func->a &&
        func->a->kind == STC_N_NAME)
        return stc_name_in(a->runtime_modules, a->nruntime_modules, func->a->id);
    return false;
}

/* `for x in <n>`: iterating a table or bucket lists its keys. */
static void stc_an_iter(stc_an *a, const stc_node *n)
{
    int res = stc_res_ref(a, n);
    if (res >= 0)
        stc_an_bare(a, res, n, true, false);
    else
        stc_an_visit(a, n, USE_LOAD);
}

static void stc_an_call(stc_an *a, const stc_node *n)
{
    const stc_node *f = n->a;
    /* len(t), list(t), sorted(t), ...: the keys (a queue: its size) */
    static const char *const key_builtins[] = {"len", "list", "sorted", "set", "tuple", "iter", "frozenset"};
    if (f && f->kind == STC_N_NAME && n->l1.count == 1 && n->l2.count == 0) {
        int res = stc_res_ref(a, n->l1.items[0]);
        for (size_t i = 0; res >= 0 && i < STC_ARRAY_LEN(key_builtins); i++)
            if (strcmp(f->id, key_builtins[i]) == 0) {
                stc_an_bare(a, res, n->l1.items[0], true, strcmp(f->id, "len") == 0);
                return;
            }
    }
    if (f && f->kind == STC_N_ATTRIBUTE) {
        int res = stc_res_ref(a, f->a);
        if (res >= 0) {
            stc_an_res_method(a, res, f->id, n);
            stc_an_list(a, &n->l1, USE_LOAD);
            stc_an_list(a, &n->l2, USE_LOAD);
            return;
        }
        if (stc_is_self(a, f->a)) {
            int mi = stc_method_index(a, f->id);
            if (mi >= 0) {
                if (a->call_mark[mi] != a->cur_unit + 1) {
                    a->call_mark[mi] = a->cur_unit + 1;
                    stc_raw *raw = a->raw;
                    if (raw->ncalls == raw->calls_cap) {
                        raw->calls_cap = raw->calls_cap ? 2 * raw->calls_cap : 8;
                        raw->calls = stc_xrealloc(raw->calls, raw->calls_cap * sizeof *raw->calls);
                    }
                    raw->calls[raw->ncalls++] = (stc_call){(size_t)mi, n->pos};
                }
                stc_an_list(a, &n->l1, USE_LOAD);
                stc_an_list(a, &n->l2, USE_LOAD);
                return;
            }
        }
    }
    if (f && stc_is_post_call(a, f)) {
        if (!a->raw->posts)
            a->raw->post_pos = n->pos;
        a->raw->posts = true;
    }
    stc_an_children(a, n);
}

static void stc_an_visit(stc_an *a, const stc_node *n, stc_use use)
{
    if (!n)
        return;
    int res;
    switch (n->kind) {
    case STC_N_ASSIGN:
        /* alias = self.table: remembered, not a read */
        if (n->l1.count == 1 && n->l1.items[0]->kind == STC_N_NAME && stc_res_ref(a, n->a) >= 0 &&
            n->a->kind == STC_N_ATTRIBUTE)
            return;
        stc_an_list(a, &n->l1, USE_STORE);
        stc_an_visit(a, n->a, USE_LOAD);
        return;
    case STC_N_ANN_ASSIGN:
        stc_an_visit(a, n->a, n->c ? USE_STORE : USE_LOAD);
        stc_an_visit(a, n->c, USE_LOAD);
        return;
    case STC_N_AUG_ASSIGN:
        stc_an_visit(a, n->a, USE_AUG);
        stc_an_visit(a, n->b, USE_LOAD);
        return;
    case STC_N_DELETE:
        stc_an_list(a, &n->l1, USE_DEL);
        return;
    case STC_N_FOR:
    case STC_N_ASYNC_FOR:
        stc_an_visit(a, n->a, USE_STORE);
        stc_an_iter(a, n->b);
        stc_an_list(a, &n->l0, USE_LOAD);
        stc_an_list(a, &n->l1, USE_LOAD);
        return;
    case STC_N_COMPREHENSION:
        stc_an_visit(a, n->a, USE_STORE);
        stc_an_iter(a, n->b);
        stc_an_list(a, &n->l1, USE_LOAD);
        return;
    case STC_N_WITH_ITEM:
        stc_an_visit(a, n->a, USE_LOAD);
        stc_an_visit(a, n->b, USE_STORE);
        return;
    case STC_N_TUPLE:
    case STC_N_LIST:
        stc_an_list(a, &n->l1, use);
        return;
    case STC_N_STARRED:
        stc_an_visit(a, n->a, use);
        return;
    case STC_N_SUBSCRIPT:
        res = stc_res_ref(a, n->a);
        if (res >= 0) {
            if (stc_is_messages(a->r->resources[res].kind)) {
                stc_an_bad(a, n, res, "indexing");
            } else {
                unsigned ops = use == USE_STORE ? OPB(PUT)
                               : use == USE_DEL && a->r->resources[res].kind == STC_RES_BUCKET ? OPB(GET) | OPB(DELETE)
                               : use == USE_DEL ? OPB(DELETE)
                               : use == USE_AUG ? OPB(GET) | OPB(PUT)
                                                : OPB(GET);
                stc_an_op(a, res, ops, n);
            }
            stc_an_visit(a, n->b, USE_LOAD);
            return;
        }
        /* self.t[k]["x"] = v changes a copy of the entry: the entry is only read. */
        stc_an_visit(a, n->a, USE_LOAD);
        stc_an_visit(a, n->b, USE_LOAD);
        return;
    case STC_N_COMPARE:
        stc_an_visit(a, n->a, USE_LOAD);
        for (size_t i = 0; i < n->l1.count; i++) {
            const stc_node *op = i < n->l2.count ? n->l2.items[i] : NULL;
            const stc_node *rhs = n->l1.items[i];
            res = stc_res_ref(a, rhs);
            if (res >= 0 && op && op->id && (!strcmp(op->id, "in") || !strcmp(op->id, "not in"))) {
                if (stc_is_messages(a->r->resources[res].kind))
                    stc_an_bad(a, rhs, res, "the 'in' test");
                else
                    stc_an_op(a, res, OPB(GET), rhs);
                continue;
            }
            stc_an_visit(a, rhs, USE_LOAD);
        }
        return;
    case STC_N_CALL:
        stc_an_call(a, n);
        return;
    case STC_N_ATTRIBUTE:
        if (stc_is_self(a, n->a)) {
            res = stc_resource_index(a->r, n->id);
            if (res >= 0) {
                if (use == USE_STORE || use == USE_DEL || use == USE_AUG) {
                    stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, n->pos.line, n->pos.col, "STC506",
                                                "'%s' replaces the %s '%s' outside __init__", a->meth->name,
                                                kind_json[a->r->resources[res].kind], n->id);
                    stc_diag_set_hint(dg, "change its entries instead (self.%s[key] = value, del self.%s[key])",
                                      n->id, n->id);
                } else {
                    stc_an_bare(a, res, n, false, false);
                }
                return;
            }
            if (use != USE_LOAD) {
                stc_diag *dg = stc_diag_add(a->d, STC_SEV_WARNING, a->m->file, n->pos.line, n->pos.col, "STC507",
                                            "'%s' sets self.%s, which no other unit will see: each unit is its "
                                            "own cloud function", a->meth->name, n->id);
                stc_diag_set_hint(dg, "keep shared state in a resource declared in __init__ (a table, bucket "
                                  "or queue), or use a local variable");
            }
            return;
        }
        stc_an_visit(a, n->a, USE_LOAD);
        return;
    case STC_N_NAME:
        res = stc_res_ref(a, n);
        if (res >= 0 && use == USE_LOAD)
            stc_an_bare(a, res, n, false, false);
        return;
    default:
        stc_an_children(a, n);
        return;
    }
}

/* Local names assigned from self.<resource> anywhere in the method. */
static void stc_an_aliases(stc_an *a, const stc_node *n)
{
    if (!n)
        return;
    if (n->kind == STC_N_ASSIGN && n->l1.count == 1 && n->l1.items[0]->kind == STC_N_NAME && n->a &&
        n->a->kind == STC_N_ATTRIBUTE && stc_is_self(a, n->a->a)) {
        int res = stc_resource_index(a->r, n->a->id);
        if (res >= 0) {
            a->alias_names = stc_xrealloc(a->alias_names, (a->naliases + 1) * sizeof *a->alias_names);
            a->alias_res = stc_xrealloc(a->alias_res, (a->naliases + 1) * sizeof *a->alias_res);
            a->alias_names[a->naliases] = n->l1.items[0]->id;
            a->alias_res[a->naliases++] = (size_t)res;
        }
    }
    stc_an_aliases(a, n->a);
    stc_an_aliases(a, n->b);
    stc_an_aliases(a, n->c);
    const stc_list *ls[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < ls[k]->count; i++)
            stc_an_aliases(a, ls[k]->items[i]);
}

static void stc_an_imports(stc_an *a)
{
    for (size_t i = 0; i < a->m->imports.count; i++) {
        const stc_node *imp = a->m->imports.items[i];
        for (size_t j = 0; j < imp->l1.count; j++) {
            const stc_node *al = imp->l1.items[j];
            const char *local = al->sval ? al->sval : al->id;
            if (imp->kind == STC_N_IMPORT_FROM && imp->sval && strcmp(imp->sval, "stc_runtime") == 0 &&
                strcmp(al->id, "post_to_connection") == 0) {
                a->post_names = stc_xrealloc(a->post_names, (a->npost_names + 1) * sizeof *a->post_names);
                a->post_names[a->npost_names++] = (char *)local;
            } else if (imp->kind == STC_N_IMPORT && strcmp(al->id, "stc_runtime") == 0) {
                a->runtime_modules =
                    stc_xrealloc(a->runtime_modules, (a->nruntime_modules + 1) * sizeof *a->runtime_modules);
                a->runtime_modules[a->nruntime_modules++] = (char *)local;
            }
        }
    }
}

/* ---- __init__: parameters, resources, configuration ---------------------- */

static const char *stc_base_name(const stc_node *n)
{
    if (!n)
        return NULL;
    if (n->kind == STC_N_NAME)
        return n->id;
    if (n->kind == STC_N_ATTRIBUTE)
        return n->id;
    return NULL;
}

/* A JSON-like type annotation: str, int, float, bool, None, Any, dict/list
 * (subscripted or not), Optional/Union of those, X | Y. */
static bool stc_json_like(const stc_node *n)
{
    static const char *const ok[] = {"str", "int", "float", "bool", "dict", "list", "Any", "Dict", "List",
                                     "Mapping", "Sequence", "MutableMapping", "object", "None"};
    if (!n)
        return false;
    if (n->kind == STC_N_CONSTANT)
        return n->cval.kind == STC_CONST_NONE;
    if (n->kind == STC_N_BIN_OP && n->id && strcmp(n->id, "|") == 0)
        return stc_json_like(n->a) && stc_json_like(n->b);
    if (n->kind == STC_N_SUBSCRIPT) {
        const char *base = stc_base_name(n->a);
        if (!base)
            return false;
        bool wrapper = !strcmp(base, "Optional") || !strcmp(base, "Union");
        bool container = false;
        for (size_t i = 0; i < STC_ARRAY_LEN(ok); i++)
            if (strcmp(base, ok[i]) == 0)
                container = true;
        if (!wrapper && !container)
            return false;
        const stc_node *s = n->b;
        if (s && s->kind == STC_N_TUPLE) {
            for (size_t i = 0; i < s->l1.count; i++)
                if (!stc_json_like(s->l1.items[i]))
                    return false;
            return true;
        }
        return stc_json_like(s);
    }
    const char *base = stc_base_name(n);
    if (!base)
        return false;
    for (size_t i = 0; i < STC_ARRAY_LEN(ok); i++)
        if (strcmp(base, ok[i]) == 0)
            return true;
    return false;
}

static bool stc_is_mapping_base(const char *b)
{
    return b && (!strcmp(b, "MutableMapping") || !strcmp(b, "dict") || !strcmp(b, "Dict"));
}

static void stc_declare_resource(stc_an *a, const stc_node *target, const stc_node *ann, const stc_node *value)
{
    const char *attr = target->id;
    const stc_node *base = ann->kind == STC_N_SUBSCRIPT ? ann->a : ann;
    const char *bname = stc_base_name(base);
    const stc_node *args[2] = {NULL, NULL};
    size_t nargs = 0;
    if (ann->kind == STC_N_SUBSCRIPT) {
        if (ann->b && ann->b->kind == STC_N_TUPLE) {
            nargs = ann->b->l1.count;
            for (size_t i = 0; i < nargs && i < 2; i++)
                args[i] = ann->b->l1.items[i];
        } else {
            nargs = 1;
            args[0] = ann->b;
        }
    }
    stc_resource_kind kind;
    const char *key_type = NULL;
    if (stc_is_mapping_base(bname) && nargs == 2) {
        const char *kt = stc_base_name(args[0]);
        const char *vt = stc_base_name(args[1]);
        bool bytes = vt && !strcmp(vt, "bytes") && args[1]->kind == STC_N_NAME;
        if (!kt || (strcmp(kt, "str") != 0 && (bytes || strcmp(kt, "int") != 0))) {
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, args[0]->pos.line, args[0]->pos.col,
                                        "STC500", "the keys of '%s' must be str%s", attr,
                                        bytes ? " (object keys are names)" : " or int");
            stc_diag_set_hint(dg, "declare it as MutableMapping[str, %s]", bytes ? "bytes" : "dict");
            return;
        }
        if (bytes) {
            kind = STC_RES_BUCKET;
        } else if (stc_json_like(args[1])) {
            kind = STC_RES_TABLE;
        } else {
            char *t = stc_module_text(a->m, args[1]->pos);
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, args[1]->pos.line, args[1]->pos.col,
                                        "STC501", "the values of '%s' (%s) are neither JSON-like nor bytes", attr,
                                        t ? t : "?");
            stc_diag_set_hint(dg, "a table holds JSON-like values (dict, list, str, int, float, bool, None); "
                              "an object store holds bytes");
            free(t);
            return;
        }
        key_type = kt;
    } else if (bname && !strcmp(bname, "Queue") && nargs <= 1) {
        if (nargs == 1 && !stc_json_like(args[0])) {
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, args[0]->pos.line, args[0]->pos.col,
                                        "STC501", "the messages of the queue '%s' must be JSON-like", attr);
            stc_diag_set_hint(dg, "declare it as Queue[dict] or Queue[str]");
            return;
        }
        kind = STC_RES_QUEUE;
    } else {
        return; /* plain configuration: handled by the caller */
    }
    if (stc_resource_index(a->r, attr) >= 0) {
        stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, target->pos.line, target->pos.col, "STC508",
                     "the resource '%s' is declared twice", attr);
        return;
    }
    if (value) {
        bool empty = (value->kind == STC_N_DICT && value->l1.count == 0) ||
                     (value->kind == STC_N_CALL && value->l1.count == 0 && value->l2.count == 0) ||
                     (value->kind == STC_N_CONSTANT && value->cval.kind == STC_CONST_NONE);
        if (!empty) {
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_WARNING, a->m->file, value->pos.line, value->pos.col,
                                        "STC502", "the initial contents of '%s' are not deployed: the %s starts empty",
                                        attr, kind_json[kind]);
            stc_diag_set_hint(dg, "initialize it with {} (or Queue()) and load data with a function");
        }
    }
    stc_resource_add(a, attr, kind, ann->pos, key_type, target->pos);
}

static bool stc_declares_resource(const stc_node *ann)
{
    const stc_node *base = ann->kind == STC_N_SUBSCRIPT ? ann->a : ann;
    const char *b = stc_base_name(base);
    if (b && !strcmp(b, "Queue"))
        return true;
    return stc_is_mapping_base(b) && ann->kind == STC_N_SUBSCRIPT && ann->b && ann->b->kind == STC_N_TUPLE &&
           ann->b->l1.count == 2;
}

static void stc_add_config(stc_an *a, const stc_node *target, const stc_node *value)
{
    stc_resources *r = a->r;
    for (size_t i = 0; i < r->nconfig; i++)
        if (strcmp(r->config[i].attr, target->id) == 0)
            return; /* set again (e.g. in both branches of an if): keep the first */
    r->config = stc_xrealloc(r->config, (r->nconfig + 1) * sizeof *r->config);
    stc_config_attr *c = &r->config[r->nconfig++];
    c->attr = stc_xstrdup(target->id);
    c->value = value ? stc_module_text(a->m, value->pos) : NULL;
    c->pos = target->pos;
}

/* ---- bindings (the design's authors' way) ---------------------------------- */

/* `Mapping.get_mapping(x)`, `MutableMapping.get_mapping(x)`,
 * `Channel.get_channel(x)` (the class may be reached through a module):
 * the binding, and its one positional argument in *arg (NULL otherwise). */
static stc_binding stc_binding_call(const stc_node *v, const stc_node **arg)
{
    *arg = NULL;
    if (!v || v->kind != STC_N_CALL || !v->a || v->a->kind != STC_N_ATTRIBUTE || !v->a->id)
        return STC_BIND_NONE;
    const char *cls = stc_base_name(v->a->a);
    for (int b = STC_BIND_MAPPING; cls && b <= STC_BIND_CHANNEL; b++) {
        if (strcmp(cls, binding_interface[b]) != 0 || strcmp(v->a->id, binding_function[b]) != 0)
            continue;
        if (v->l1.count == 1 && v->l2.count == 0)
            *arg = v->l1.items[0];
        return (stc_binding)b;
    }
    return STC_BIND_NONE;
}

/* The value an __init__ statement assigns to self.<attr>, or NULL. */
static const stc_node *stc_self_value(const stc_an *a, const stc_node *s, const stc_node **target)
{
    if (s->kind == STC_N_ANN_ASSIGN && s->a && s->a->kind == STC_N_ATTRIBUTE && stc_is_self(a, s->a->a)) {
        *target = s->a;
        return s->c;
    }
    if (s->kind == STC_N_ASSIGN && s->l1.count == 1 && s->l1.items[0]->kind == STC_N_ATTRIBUTE &&
        stc_is_self(a, s->l1.items[0]->a)) {
        *target = s->l1.items[0];
        return s->a;
    }
    return NULL;
}

static const stc_param *stc_init_param(const stc_method *init, const char *name)
{
    for (size_t i = 0; init && i < init->nparams; i++)
        if (!init->params[i].vararg && !init->params[i].kwarg && strcmp(init->params[i].name, name) == 0)
            return &init->params[i];
    return NULL;
}

/* Before the parameters: which of them a binding names (first binding wins;
 * a second one is reported when it is declared). */
static void stc_find_bound(stc_an *a, const stc_method *init, const stc_list *body)
{
    for (size_t i = 0; i < body->count; i++) {
        const stc_node *s = body->items[i], *target, *arg;
        const stc_node *v = stc_self_value(a, s, &target);
        stc_binding b = stc_binding_call(v, &arg);
        if (b != STC_BIND_NONE && arg && arg->kind == STC_N_NAME && stc_init_param(init, arg->id)) {
            bool seen = false;
            for (size_t k = 0; k < a->nbound; k++)
                seen = seen || strcmp(a->bound[k], arg->id) == 0;
            if (!seen) {
                a->bound = stc_xrealloc(a->bound, (a->nbound + 1) * sizeof *a->bound);
                a->bound_as = stc_xrealloc(a->bound_as, (a->nbound + 1) * sizeof *a->bound_as);
                a->bound[a->nbound] = arg->id;
                a->bound_as[a->nbound++] = b;
            }
        }
        if (s->kind == STC_N_IF || s->kind == STC_N_WITH || s->kind == STC_N_TRY) {
            stc_find_bound(a, init, &s->l0);
            stc_find_bound(a, init, &s->l1);
            if (s->kind == STC_N_TRY)
                stc_find_bound(a, init, &s->l2);
        }
    }
}

static stc_binding stc_bound_as(const stc_an *a, const char *param)
{
    for (size_t k = 0; k < a->nbound; k++)
        if (strcmp(a->bound[k], param) == 0)
            return a->bound_as[k];
    return STC_BIND_NONE;
}

static void stc_declare_binding(stc_an *a, const stc_node *target, const stc_node *call, stc_binding b,
                                const stc_node *arg)
{
    const char *attr = target->id;
    const char *fn = binding_function[b];
    if (!arg || arg->kind != STC_N_NAME || !stc_init_param(a->meth, arg->id)) {
        const stc_node *at = arg ? arg : call;
        stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, at->pos.line, at->pos.col, "STC512",
                                    "%s.%s takes one __init__ parameter, whose value names the %s: the "
                                    "deployment sets it",
                                    binding_interface[b], fn, b == STC_BIND_CHANNEL ? "channel" : "store");
        stc_diag_set_hint(dg, "add a parameter to __init__ and pass it: def __init__(self, %s: %s): ... "
                              "self.%s = %s.%s(%s)",
                          b == STC_BIND_CHANNEL ? "channel" : "store", b == STC_BIND_CHANNEL ? "jdict" : "str",
                          attr, binding_interface[b], fn, b == STC_BIND_CHANNEL ? "channel" : "store");
        return;
    }
    stc_resources *r = a->r;
    for (size_t i = 0; i < r->nresources; i++)
        if (r->resources[i].param && strcmp(r->resources[i].param, arg->id) == 0) {
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, arg->pos.line, arg->pos.col, "STC514",
                                        "parameter '%s' already names self.%s (line %d): one parameter, one "
                                        "resource",
                                        arg->id, r->resources[i].attr, r->resources[i].pos.line);
            stc_diag_set_hint(dg, "take a parameter per resource");
            return;
        }
    if (stc_resource_index(r, attr) >= 0) {
        stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, target->pos.line, target->pos.col, "STC508",
                     "the resource '%s' is declared twice", attr);
        return;
    }
    stc_resource_kind kind = b == STC_BIND_CHANNEL ? STC_RES_TOPIC : STC_RES_STORE;
    stc_resource *rs = stc_resource_add(a, attr, kind, call->pos, kind == STC_RES_STORE ? "str" : NULL, target->pos);
    rs->binding = b;
    rs->param = stc_xstrdup(arg->id);
}

static void stc_init_stmts(stc_an *a, const stc_list *body)
{
    for (size_t i = 0; i < body->count; i++) {
        const stc_node *s = body->items[i], *target, *arg;
        stc_binding b = stc_binding_call(stc_self_value(a, s, &target), &arg);
        if (b != STC_BIND_NONE) {
            stc_declare_binding(a, target, stc_self_value(a, s, &target), b, arg);
            continue;
        }
        if (s->kind == STC_N_ANN_ASSIGN && s->a && s->a->kind == STC_N_ATTRIBUTE && stc_is_self(a, s->a->a)) {
            if (stc_declares_resource(s->b))
                stc_declare_resource(a, s->a, s->b, s->c);
            else if (stc_resource_index(a->r, s->a->id) < 0)
                stc_add_config(a, s->a, s->c);
        } else if (s->kind == STC_N_ASSIGN) {
            for (size_t j = 0; j < s->l1.count; j++) {
                const stc_node *t = s->l1.items[j];
                if (t->kind == STC_N_ATTRIBUTE && stc_is_self(a, t->a) && stc_resource_index(a->r, t->id) < 0)
                    stc_add_config(a, t, s->a);
            }
        } else if (s->kind == STC_N_IF || s->kind == STC_N_WITH || s->kind == STC_N_TRY) {
            stc_init_stmts(a, &s->l0);
            stc_init_stmts(a, &s->l1);
            if (s->kind == STC_N_TRY)
                stc_init_stmts(a, &s->l2);
        }
    }
}

static char *stc_param_default(stc_an *a, const stc_param *p, stc_param_type t, bool *ok)
{
    const stc_node *dn = p->default_node;
    *ok = true;
    if (!dn)
        return NULL;
    if (t == STC_PARAM_STRING && dn->kind == STC_N_CONSTANT && dn->cval.kind == STC_CONST_STR)
        return stc_xstrndup(dn->sval, dn->slen);
    if (t == STC_PARAM_NUMBER) {
        const stc_node *c = dn;
        bool neg = false;
        if (c->kind == STC_N_UNARY_OP && c->id && strcmp(c->id, "-") == 0) {
            neg = true;
            c = c->a;
        }
        if (c && c->kind == STC_N_CONSTANT && c->cval.kind == STC_CONST_INT)
            return stc_xasprintf("%s%lld", neg ? "-" : "", c->cval.ival);
        if (c && c->kind == STC_N_CONSTANT && c->cval.kind == STC_CONST_FLOAT)
            return stc_xstrdup(p->default_text);
    }
    if (t == STC_PARAM_LIST && (dn->kind == STC_N_LIST || dn->kind == STC_N_TUPLE)) {
        stc_buf b = STC_BUF_INIT;
        for (size_t i = 0; i < dn->l1.count; i++) {
            const stc_node *e = dn->l1.items[i];
            if (e->kind != STC_N_CONSTANT || e->cval.kind != STC_CONST_STR || memchr(e->sval, ',', e->slen)) {
                stc_buf_free(&b);
                goto bad;
            }
            if (i)
                stc_buf_putc(&b, ',');
            stc_buf_add(&b, e->sval, e->slen);
        }
        return stc_buf_take(&b);
    }
bad:
    *ok = false;
    stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, dn->pos.line, dn->pos.col, "STC504",
                                "the default of parameter '%s' (%s) is not a %s literal", p->name, p->default_text,
                                t == STC_PARAM_NUMBER ? "number" : t == STC_PARAM_LIST ? "list of strings without commas" : "string");
    stc_diag_set_hint(dg, "write a literal such as %s, or leave the default out to make the parameter required",
                      t == STC_PARAM_NUMBER ? "3" : t == STC_PARAM_LIST ? "[\"a\", \"b\"]" : "\"text\"");
    return NULL;
}

/* The default of a jdict parameter as JSON text: a dict literal, or
 * jdict(k=v, ...) / dict(k=v, ...) with literal values; NULL when there is
 * none. *ok false (STC516) for anything else. */
static char *stc_json_default(stc_an *a, const stc_param *p, bool *ok)
{
    const stc_node *dn = p->default_node;
    *ok = true;
    if (!dn)
        return NULL;
    cJSON *v = NULL;
    if (dn->kind == STC_N_DICT) {
        v = stc_routes_literal_json(dn);
    } else if (dn->kind == STC_N_CALL && dn->a && dn->a->kind == STC_N_NAME && dn->l1.count == 0 &&
               (!strcmp(dn->a->id, "jdict") || !strcmp(dn->a->id, "dict"))) {
        v = cJSON_CreateObject();
        for (size_t i = 0; v && i < dn->l2.count; i++) {
            const stc_node *kw = dn->l2.items[i];
            cJSON *x = kw->id ? stc_routes_literal_json(kw->a) : NULL;
            if (!x) {
                cJSON_Delete(v);
                v = NULL;
                break;
            }
            cJSON_AddItemToObject(v, kw->id, x);
        }
    }
    if (!cJSON_IsObject(v)) {
        cJSON_Delete(v);
        *ok = false;
        stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, dn->pos.line, dn->pos.col, "STC516",
                                    "the default of parameter '%s' (%s) is not a JSON object literal", p->name,
                                    p->default_text);
        stc_diag_set_hint(dg, "write a dict literal such as {\"sender\": \"ops@example.com\"}, or "
                              "jdict(sender=\"ops@example.com\"), or give the value in SERVICE.stc.yaml "
                              "(bindings:)");
        return NULL;
    }
    char *text = cJSON_PrintUnformatted(v);
    cJSON_Delete(v);
    return text;
}

/* An annotation without its spaces ("list[str]"), allocated. */
static char *stc_norm_annotation(const char *ann)
{
    char *norm = stc_xstrdup(ann);
    char *w = norm;
    for (char *q = norm; *q; q++)
        if (*q != ' ')
            *w++ = *q;
    *w = '\0';
    return norm;
}

/* A service parameter from __init__ parameter p (the strings are taken). */
static void stc_push_param(stc_an *a, const stc_param *p, stc_param_type t, char *py_type, char *dflt)
{
    stc_service_param *sp = &a->r->params[a->r->nparams++];
    sp->name = stc_xstrdup(p->name);
    sp->logical = stc_resources_camel(p->name);
    sp->env = stc_upper("STC_PARAM_", p->name);
    sp->type = t;
    sp->py_type = py_type;
    sp->default_value = dflt;
    sp->resource = -1;
    sp->pos = p->pos;
}

/* A parameter a binding names: no template parameter; its value is the
 * bound resource's name (and a channel's configuration). False when its
 * annotation does not fit (STC515). */
static bool stc_binding_param(stc_an *a, const stc_param *p, stc_binding b)
{
    char *norm = p->annotation ? stc_norm_annotation(p->annotation) : stc_xstrdup(b == STC_BIND_CHANNEL ? "jdict" : "str");
    bool fits = !strcmp(norm, "str") ||
                (b == STC_BIND_CHANNEL && (!strcmp(norm, "jdict") || !strcmp(norm, "dict")));
    if (!fits) {
        stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, p->pos.line, p->pos.col, "STC515",
                                    "parameter '%s' names a %s (%s.%s), so it must be %s, not %s", p->name,
                                    b == STC_BIND_CHANNEL ? "channel" : "store", binding_interface[b],
                                    binding_function[b], b == STC_BIND_CHANNEL ? "a jdict (or str)" : "a str",
                                    p->annotation);
        stc_diag_set_hint(dg, "annotate it %s: %s", p->name, b == STC_BIND_CHANNEL ? "jdict" : "str");
        free(norm);
        return false;
    }
    bool ok = true;
    char *dflt = NULL;
    if (b == STC_BIND_CHANNEL && strcmp(norm, "str") != 0)
        dflt = stc_json_default(a, p, &ok);
    if (!ok) {
        free(norm);
        return false;
    }
    stc_push_param(a, p, STC_PARAM_BINDING, norm, dflt);
    return true;
}

static void stc_init_params(stc_an *a, const stc_method *init)
{
    stc_resources *r = a->r;
    r->params = stc_xcalloc(init->nparams + 1, sizeof *r->params);
    for (size_t i = 0; i < init->nparams; i++) {
        const stc_param *p = &init->params[i];
        if (p->vararg || p->kwarg) {
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, p->pos.line, p->pos.col, "STC510",
                                        "__init__ cannot take %s%s: every parameter must be named",
                                        p->vararg ? "*" : "**", p->name);
            stc_diag_set_hint(dg, "list the parameters one by one, each with a type");
            continue;
        }
        stc_binding bound = stc_bound_as(a, p->name);
        if (bound != STC_BIND_NONE) {
            stc_binding_param(a, p, bound);
            continue;
        }
        stc_param_type t;
        char *ty = NULL;
        if (p->annotation) {
            char *norm = stc_norm_annotation(p->annotation);
            if (!strcmp(norm, "jdict")) {
                bool ok;
                char *dflt = stc_json_default(a, p, &ok);
                if (!ok) {
                    free(norm);
                    continue;
                }
                stc_push_param(a, p, STC_PARAM_JSON, norm, dflt);
                continue;
            }
            if (!strcmp(norm, "str"))
                t = STC_PARAM_STRING;
            else if (!strcmp(norm, "int") || !strcmp(norm, "float"))
                t = STC_PARAM_NUMBER;
            else if (!strcmp(norm, "list[str]") || !strcmp(norm, "List[str]") || !strcmp(norm, "typing.List[str]"))
                t = STC_PARAM_LIST;
            else {
                stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, p->pos.line, p->pos.col, "STC503",
                                            "parameter '%s' of type %s cannot be a template parameter", p->name,
                                            p->annotation);
                stc_diag_set_hint(dg, "use str, int, float, list[str] or jdict");
                free(norm);
                continue;
            }
            ty = norm;
        } else {
            const stc_node *dn = p->default_node;
            if (dn && dn->kind == STC_N_CONSTANT && dn->cval.kind == STC_CONST_STR) {
                t = STC_PARAM_STRING;
                ty = stc_xstrdup("str");
            } else if (dn && dn->kind == STC_N_CONSTANT && dn->cval.kind == STC_CONST_INT) {
                t = STC_PARAM_NUMBER;
                ty = stc_xstrdup("int");
            } else if (dn && dn->kind == STC_N_CONSTANT && dn->cval.kind == STC_CONST_FLOAT) {
                t = STC_PARAM_NUMBER;
                ty = stc_xstrdup("float");
            } else {
                stc_diag *dg = stc_diag_add(a->d, STC_SEV_ERROR, a->m->file, p->pos.line, p->pos.col, "STC503",
                                            "parameter '%s' has no type: it cannot be a template parameter",
                                            p->name);
                stc_diag_set_hint(dg, "annotate it: %s: str (or int, float, list[str])", p->name);
                continue;
            }
        }
        bool ok;
        char *dflt = stc_param_default(a, p, t, &ok);
        if (!ok) {
            free(ty);
            continue;
        }
        stc_push_param(a, p, t, ty, dflt);
    }
}

/* ---- transitive closure over helpers ------------------------------------- */

static void stc_push_name(char ***arr, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*arr)[i], name) == 0)
            return;
    *arr = stc_xrealloc(*arr, (*n + 1) * sizeof **arr);
    (*arr)[(*n)++] = stc_xstrdup(name);
}

/* `seen[mi] == stamp` marks the methods already collected for this unit. */
static void stc_collect(stc_an *a, stc_raw *raws, size_t mi, size_t *seen, size_t stamp, unsigned *ops,
                        stc_pos *first, stc_unit_access *ua)
{
    if (seen[mi] == stamp)
        return;
    seen[mi] = stamp;
    const stc_raw *raw = &raws[mi];
    for (size_t res = 0; res < a->r->nresources; res++) {
        if (raw->ops[res] && !ops[res])
            first[res] = raw->first[res];
        ops[res] |= raw->ops[res];
    }
    if (raw->posts && !ua->posts_to_connections) {
        ua->posts_to_connections = true;
        ua->post_pos = raw->post_pos;
    }
    for (size_t k = 0; k < raw->ncalls; k++) {
        size_t j = raw->calls[k].unit;
        const stc_unit_info *cu = &a->units[j];
        if (cu->kind == STC_KIND_HELPER) {
            stc_push_name(&ua->helpers, &ua->nhelpers, cu->method->name);
            stc_collect(a, raws, j, seen, stamp, ops, first, ua);
        } else if (cu->unit == STC_UNIT_LAMBDA) {
            stc_push_name(&ua->invokes, &ua->ninvokes, cu->method->name);
        } else if (cu->unit == STC_UNIT_STATE_MACHINE) {
            stc_push_name(&ua->starts, &ua->nstarts, cu->method->name);
        } else if (cu->kind == STC_KIND_UNCLASSIFIED || cu->kind == STC_KIND_INIT) {
            const stc_pos *p = &raw->calls[k].pos;
            stc_diag *dg = stc_diag_add(a->d, STC_SEV_WARNING, a->m->file, p->line, p->col, "STC509",
                                        "'%s' calls '%s', which is not a cloud unit and will not be deployed",
                                        a->units[mi].method->name, cu->method->name);
            stc_diag_set_hint(dg, "name it as a unit (_%s for an internal function) or a helper (__%s)",
                              cu->method->name, cu->method->name);
        }
    }
}

/* Sort a name list into method definition order. */
static void stc_order_names(const stc_an *a, char **names, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && stc_method_index(a, names[j - 1]) > stc_method_index(a, names[j]); j--) {
            char *t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
}

stc_resources *stc_resources_analyze(const stc_module *m, const stc_unit_info *units, size_t nunits,
                                     stc_diags *d)
{
    if (!m || !m->service || !units)
        return NULL;
    stc_resources *r = stc_xcalloc(1, sizeof *r);
    stc_an a = {.m = m, .units = units, .nunits = nunits, .d = d, .r = r};
    stc_method_index_build(&a);
    stc_an_imports(&a);

    const stc_unit_info *init = NULL;
    for (size_t i = 0; i < nunits; i++)
        if (units[i].kind == STC_KIND_INIT)
            init = &units[i];
    if (init) {
        a.meth = init->method;
        a.self = init->method->self_name;
        stc_find_bound(&a, init->method, init->method->body);
        stc_init_params(&a, init->method);
        stc_init_stmts(&a, init->method->body);
        for (size_t i = 0; i < r->nparams; i++)
            for (size_t k = 0; r->params[i].type == STC_PARAM_BINDING && k < r->nresources; k++)
                if (r->resources[k].param && strcmp(r->resources[k].param, r->params[i].name) == 0)
                    r->params[i].resource = (int)k;
    }

    /* Direct effects of every unit and helper. */
    a.call_mark = stc_xcalloc(nunits + 1, sizeof *a.call_mark);
    stc_raw *raws = stc_xcalloc(nunits, sizeof *raws);
    size_t nres = r->nresources;
    for (size_t i = 0; i < nunits; i++) {
        stc_raw *raw = &raws[i];
        raw->ops = stc_xcalloc(nres + 1, sizeof *raw->ops);
        raw->first = stc_xcalloc(nres + 1, sizeof *raw->first);
        const stc_unit_info *u = &units[i];
        if (u->unit == STC_UNIT_NONE && u->kind != STC_KIND_HELPER)
            continue;
        a.meth = u->method;
        a.self = u->method->self_name;
        a.raw = raw;
        a.cur_unit = i;
        a.naliases = 0;
        for (size_t s = 0; s < u->method->body->count; s++)
            stc_an_aliases(&a, u->method->body->items[s]);
        stc_an_list(&a, u->method->body, USE_LOAD);
        /* Method order, as the dense array was walked: helpers are collected
         * (and first uses found) in that order. */
        if (raw->ncalls > 1) /* qsort(NULL, 0, ...) is undefined behaviour */
            qsort(raw->calls, raw->ncalls, sizeof *raw->calls, stc_call_cmp);
    }

    /* Each unit: its own effects plus its helpers', transitively. */
    r->units = stc_xcalloc(nunits, sizeof *r->units);
    r->nunits = nunits;
    bool has_ws = false;
    for (size_t i = 0; i < nunits; i++)
        if (units[i].kind == STC_KIND_WEBSOCKET)
            has_ws = true;
    size_t *seen = stc_xcalloc(nunits + 1, sizeof *seen);
    unsigned *ops = stc_xcalloc(nres + 1, sizeof *ops);
    stc_pos *first = stc_xcalloc(nres + 1, sizeof *first);
    for (size_t i = 0; i < nunits; i++) {
        stc_unit_access *ua = &r->units[i];
        ua->unit = &units[i];
        if (units[i].unit == STC_UNIT_NONE)
            continue;
        memset(ops, 0, (nres + 1) * sizeof *ops);
        stc_collect(&a, raws, i, seen, i + 1, ops, first, ua);
        for (size_t res = 0; res < nres; res++) {
            if (!ops[res])
                continue;
            ua->accesses = stc_xrealloc(ua->accesses, (ua->naccesses + 1) * sizeof *ua->accesses);
            ua->accesses[ua->naccesses++] = (stc_access){.resource = res, .ops = ops[res], .first = first[res]};
        }
        stc_order_names(&a, ua->invokes, ua->ninvokes);
        stc_order_names(&a, ua->starts, ua->nstarts);
        stc_order_names(&a, ua->helpers, ua->nhelpers);
        if (ua->posts_to_connections && !has_ws) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, m->file, ua->post_pos.line, ua->post_pos.col, "STC511",
                                        "'%s' calls post_to_connection, but the service has no WebSocket "
                                        "handlers (on_* methods), so there is no connection to post to",
                                        units[i].method->name);
            stc_diag_set_hint(dg, "add on_connect/on_message handlers, or remove the call");
        }
    }
    free(seen);
    free(ops);
    free(first);
    for (size_t i = 0; i < nunits; i++) {
        free(raws[i].ops);
        free(raws[i].first);
        free(raws[i].calls);
    }
    free(raws);
    stc_name_index_free(&a.names);
    free(a.call_mark);
    free(a.alias_names);
    free(a.alias_res);
    free(a.post_names);
    free(a.runtime_modules);
    free(a.bound);
    free(a.bound_as);
    return r;
}

const stc_access *stc_resources_access(const stc_resources *r, size_t u, size_t res)
{
    if (!r || u >= r->nunits)
        return NULL;
    for (size_t i = 0; i < r->units[u].naccesses; i++)
        if (r->units[u].accesses[i].resource == res)
            return &r->units[u].accesses[i];
    return NULL;
}

static void stc_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void stc_resources_free(stc_resources *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->nparams; i++) {
        free(r->params[i].name);
        free(r->params[i].logical);
        free(r->params[i].env);
        free(r->params[i].py_type);
        free(r->params[i].default_value);
    }
    free(r->params);
    for (size_t i = 0; i < r->nresources; i++) {
        free(r->resources[i].attr);
        free(r->resources[i].logical);
        free(r->resources[i].env);
        free(r->resources[i].annotation);
        free(r->resources[i].key_type);
        free(r->resources[i].param);
    }
    free(r->resources);
    for (size_t i = 0; i < r->nconfig; i++) {
        free(r->config[i].attr);
        free(r->config[i].value);
    }
    free(r->config);
    for (size_t i = 0; i < r->nunits; i++) {
        free(r->units[i].accesses);
        stc_free_names(r->units[i].invokes, r->units[i].ninvokes);
        stc_free_names(r->units[i].starts, r->units[i].nstarts);
        stc_free_names(r->units[i].helpers, r->units[i].nhelpers);
    }
    free(r->units);
    free(r);
}
