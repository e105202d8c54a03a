/* slice.c - the per-function module slicer. See slice.h. */
#include "core/aws/slice.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/parse.h"
#include "core/util.h"

const char *stc_slice_kind_name(stc_slice_kind k)
{
    switch (k) {
    case STC_SLICE_TABLE: return "table";
    case STC_SLICE_BUCKET: return "bucket";
    case STC_SLICE_QUEUE: return "queue";
    }
    return "table";
}

const char *stc_slice_kind_env(stc_slice_kind k)
{
    switch (k) {
    case STC_SLICE_TABLE: return "STC_TABLE_";
    case STC_SLICE_BUCKET: return "STC_BUCKET_";
    case STC_SLICE_QUEUE: return "STC_QUEUE_";
    }
    return "STC_TABLE_";
}

/* ---- sets of borrowed strings ------------------------------------------ */

/* Insertion-ordered with O(1) membership (core/util.h's name index): a
 * unit's slice collects every name its kept code uses. */
typedef stc_name_index stc_strset;
#define stc_strset_add stc_name_index_insert
#define stc_strset_has(s, x) (stc_name_index_find((s), (x)) >= 0)
#define stc_strset_free stc_name_index_free

/* ---- walking nodes ----------------------------------------------------- */

typedef void (*stc_visit_fn)(const stc_node *n, void *ctx);

static void stc_walk(const stc_node *n, stc_visit_fn fn, void *ctx)
{
    if (!n)
        return;
    fn(n, ctx);
    stc_walk(n->a, fn, ctx);
    stc_walk(n->b, fn, ctx);
    stc_walk(n->c, fn, ctx);
    const stc_list *lists[] = {&n->l0, &n->l1, &n->l2, &n->l3};
    for (size_t k = 0; k < STC_ARRAY_LEN(lists); k++)
        for (size_t i = 0; i < lists[k]->count; i++)
            stc_walk(lists[k]->items[i], fn, ctx);
}

/* Names a piece of code uses: identifiers, and string constants that are
 * plain identifiers (forward references in annotations). */
static void stc_collect_names(const stc_node *n, void *ctx)
{
    stc_strset *names = ctx;
    if (n->kind == STC_N_NAME && n->id)
        stc_strset_add(names, n->id);
    else if (n->kind == STC_N_CONSTANT && n->cval.kind == STC_CONST_STR && n->sval &&
             strlen(n->sval) == n->slen)
        stc_strset_add(names, n->sval);
}

/* `self.<attr>` references inside one method. */
typedef struct {
    const char *self_name;
    stc_strset *attrs;
} stc_attr_ctx;

static void stc_collect_self_attrs(const stc_node *n, void *vctx)
{
    stc_attr_ctx *ctx = vctx;
    if (n->kind == STC_N_ATTRIBUTE && n->id && n->a && n->a->kind == STC_N_NAME && n->a->id &&
        strcmp(n->a->id, ctx->self_name) == 0)
        stc_strset_add(ctx->attrs, n->id);
}

static bool stc_is_def(const stc_node *n)
{
    return n->kind == STC_N_FUNCTION_DEF || n->kind == STC_N_ASYNC_FUNCTION_DEF ||
           n->kind == STC_N_CLASS_DEF;
}

static bool stc_is_docstring(const stc_node *n)
{
    return n->kind == STC_N_EXPR && n->a && n->a->kind == STC_N_CONSTANT &&
           n->a->cval.kind == STC_CONST_STR;
}

static bool stc_is_dunder(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strncmp(name, "__", 2) == 0 && strcmp(name + n - 2, "__") == 0;
}

/* ---- resources declared in __init__ ------------------------------------ */

/* The last name of an annotation's base: `typing.MutableMapping[...]` -> MutableMapping. */
static const char *stc_annotation_base(const stc_node *ann, const stc_node **args)
{
    *args = NULL;
    if (ann && ann->kind == STC_N_SUBSCRIPT) {
        *args = ann->b;
        ann = ann->a;
    }
    if (!ann)
        return NULL;
    if (ann->kind == STC_N_NAME)
        return ann->id;
    if (ann->kind == STC_N_ATTRIBUTE)
        return ann->id;
    return NULL;
}

static bool stc_resource_annotation(const stc_node *ann, stc_slice_kind *kind, const char **key_type)
{
    const stc_node *args;
    const char *base = stc_annotation_base(ann, &args);
    *key_type = NULL;
    if (!base)
        return false;
    if (strcmp(base, "Queue") == 0) {
        *kind = STC_SLICE_QUEUE;
        return true;
    }
    bool mapping = strcmp(base, "MutableMapping") == 0 || strcmp(base, "dict") == 0 ||
                   strcmp(base, "Dict") == 0;
    if (strcmp(base, "Table") == 0 || strcmp(base, "Bucket") == 0) {
        *kind = base[0] == 'T' ? STC_SLICE_TABLE : STC_SLICE_BUCKET;
        *key_type = "str";
        return true;
    }
    if (!mapping || !args || args->kind != STC_N_TUPLE || args->l1.count != 2)
        return false;
    const stc_node *k = args->l1.items[0], *v = args->l1.items[1];
    bool int_key = k && k->kind == STC_N_NAME && k->id && strcmp(k->id, "int") == 0;
    *key_type = int_key ? "int" : "str";
    *kind = v && v->kind == STC_N_NAME && v->id && strcmp(v->id, "bytes") == 0 ? STC_SLICE_BUCKET
                                                                              : STC_SLICE_TABLE;
    return true;
}

typedef struct {
    const char *self_name;
    stc_slice_resource *items;
    size_t count, cap;
} stc_res_ctx;

static void stc_collect_resource(const stc_node *n, void *vctx)
{
    stc_res_ctx *ctx = vctx;
    if (n->kind != STC_N_ANN_ASSIGN || !n->a || n->a->kind != STC_N_ATTRIBUTE || !n->a->a ||
        n->a->a->kind != STC_N_NAME || !n->a->a->id || strcmp(n->a->a->id, ctx->self_name) != 0)
        return;
    stc_slice_kind kind;
    const char *key_type;
    if (!stc_resource_annotation(n->b, &kind, &key_type))
        return;
    for (size_t i = 0; i < ctx->count; i++)
        if (strcmp(ctx->items[i].attr, n->a->id) == 0)
            return;
    if (ctx->count == ctx->cap) {
        ctx->cap = ctx->cap ? 2 * ctx->cap : 8;
        ctx->items = stc_xrealloc(ctx->items, ctx->cap * sizeof *ctx->items);
    }
    ctx->items[ctx->count++] = (stc_slice_resource){n->a->id, kind, key_type};
}

size_t stc_slice_init_resources(const stc_module *m, stc_slice_resource **out)
{
    *out = NULL;
    const stc_method *init = m ? stc_module_method(m, "__init__") : NULL;
    if (!init || !init->self_name)
        return 0;
    stc_res_ctx ctx = {init->self_name, NULL, 0, 0};
    for (size_t i = 0; i < init->body->count; i++)
        stc_walk(init->body->items[i], stc_collect_resource, &ctx);
    *out = ctx.items;
    return ctx.count;
}

/* ---- text ------------------------------------------------------------- */

/* Leading whitespace of source line `line` (1-based), appended to b. */
static void stc_add_indent(stc_buf *b, const stc_module *m, int line)
{
    if (line < 1 || (size_t)line > m->nlines)
        return;
    const char *p = m->source + m->line_starts[line - 1], *end = m->source + m->source_len;
    const char *q = p;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    stc_buf_add(b, p, (size_t)(q - p));
}

/* A statement's text, from its first decorator (if any) to its end, with the
 * indentation of its first line. */
static void stc_add_stmt(stc_buf *b, const stc_module *m, const stc_node *n)
{
    stc_pos pos = n->pos;
    const stc_list *decos = NULL;
    if (n->kind == STC_N_FUNCTION_DEF || n->kind == STC_N_ASYNC_FUNCTION_DEF)
        decos = &n->l1;
    else if (n->kind == STC_N_CLASS_DEF)
        decos = &n->l3;
    if (decos && decos->count && decos->items[0] && decos->items[0]->pos.line > 0 &&
        decos->items[0]->pos.line < pos.line)
        pos.line = decos->items[0]->pos.line; /* '@' sits at the def's column */
    stc_add_indent(b, m, pos.line);
    char *text = stc_module_text(m, pos);
    if (text) {
        stc_buf_puts(b, text);
        free(text);
    }
    stc_buf_putc(b, '\n');
}

static void stc_add_node_text(stc_buf *b, const stc_module *m, const stc_node *n)
{
    char *text = stc_module_text(m, n->pos);
    if (text) {
        stc_buf_puts(b, text);
        free(text);
    }
}

/* `class Name(bases, keywords):` rebuilt from the header's parts. */
static void stc_add_class_header(stc_buf *b, const stc_module *m, const stc_node *cls)
{
    for (size_t i = 0; i < cls->l3.count; i++) {
        stc_buf_putc(b, '@');
        stc_add_node_text(b, m, cls->l3.items[i]);
        stc_buf_putc(b, '\n');
    }
    stc_buf_printf(b, "class %s", cls->id ? cls->id : "Service");
    size_t nargs = cls->l1.count + cls->l2.count;
    if (nargs) {
        stc_buf_putc(b, '(');
        size_t k = 0;
        for (size_t i = 0; i < cls->l1.count; i++, k++) {
            if (k)
                stc_buf_puts(b, ", ");
            stc_add_node_text(b, m, cls->l1.items[i]);
        }
        for (size_t i = 0; i < cls->l2.count; i++, k++) {
            const stc_node *kw = cls->l2.items[i];
            if (k)
                stc_buf_puts(b, ", ");
            if (kw->id)
                stc_buf_printf(b, "%s=", kw->id);
            else
                stc_buf_puts(b, "**");
            if (kw->a)
                stc_add_node_text(b, m, kw->a);
        }
        stc_buf_putc(b, ')');
    }
    stc_buf_puts(b, ":\n");
}

/* ---- the slicer ---------------------------------------------------------- */

/* A method reached through self.<name> becomes a proxy when it is a cloud unit. */
static bool stc_is_cloud_unit(const stc_unit_info *u)
{
    return u && u->unit != STC_UNIT_NONE &&
           (u->kind == STC_KIND_FUNCTION || u->kind == STC_KIND_REST || u->kind == STC_KIND_WEBSOCKET);
}

/* One self.<attr> reference of a method, resolved against the service: a
 * method of the class (index into cls->methods) or a declared resource
 * (index into the slicer's `declared`). */
typedef struct stc_slicer_ref {
    bool method;
    size_t index;
} stc_slicer_ref;

/* What one method contributes to every slice that keeps it, computed on its
 * first use: its self.<attr> references (first use order) and the module-level
 * defs its names reach (statement indexes, any order). */
typedef struct stc_slicer_contrib {
    bool done;
    stc_slicer_ref *refs;
    size_t nrefs;
    size_t *defs;
    size_t ndefs;
} stc_slicer_contrib;

/* What every unit's slice shares is computed once per service, and what one
 * method or statement contributes (its resolved self.<attr> references, the
 * module-level defs it reaches, its text) once per method or statement, on
 * first use: a service of N units with H helpers costs O(N + H + code) to
 * slice, plus what each unit keeps, not O(N * (N + code)). Per-unit
 * membership ("kept") uses generation stamps, so no per-unit array is
 * cleared and nothing is scanned per unit but what it keeps. */
struct stc_slicer {
    const stc_service *svc;
    const stc_module *m;
    const stc_class *cls;
    size_t nmethods, nbody, nmembers;
    stc_name_index methods; /* method names -> index (the first of a name wins) */
    const stc_unit_info **unit_of; /* per method: its unit, or NULL */
    size_t *member_of;             /* per method: its index in the class body (cdef->l0) */
    size_t *dunders;               /* method indexes, ascending */
    size_t ndunders;
    size_t *fixed;                 /* class members every slice keeps (not methods, not the docstring) */
    size_t nfixed;
    stc_slice_resource *declared;
    size_t ndeclared;
    stc_slicer_contrib *contrib;   /* per method, lazily */
    char **member_text;            /* per class member (cls->def->l0), lazily */
    size_t *member_len;
    stc_strset *def_names;         /* per module statement (defs only), lazily */
    bool *def_names_done;
    size_t **def_reach;            /* per candidate def (below): the candidate defs its names reach */
    size_t *def_nreach;
    bool *def_reach_done;
    char **stmt_text;              /* per module statement, lazily */
    size_t *stmt_len;
    char *class_header;
    size_t class_header_len;
    /* Names the code every slice keeps uses (class header and class-level
     * statements, module-level non-def statements, and the defs those reach,
     * transitively), and which module statements that keeps. */
    stc_strset base;
    bool *base_kept;
    /* The module-level defs a slice may keep beyond those: their names
     * (position p is statement cand_stmt[p]; cand_next[p] is the next
     * position of an equal name, or (size_t)-1). */
    stc_name_index cand;
    size_t *cand_stmt, *cand_next;
    unsigned gen;
    unsigned *mstamp; /* per method: == gen when kept for the current unit */
    unsigned *cstamp; /* per method: == gen when a call of the current unit */
    unsigned *rstamp; /* per declared resource: == gen when the current unit uses it */
    unsigned *sstamp; /* per module statement: == gen when kept for it */
    size_t *order;    /* kept methods: the worklist, then sorted */
    size_t *merged;   /* room to sort `order` into */
    size_t *stack;    /* module statements to visit */
};

static const stc_method *stc_slicer_method(const stc_slicer *s, const char *name)
{
    long i = stc_name_index_find(&s->methods, name);
    return i >= 0 ? &s->cls->methods[i] : NULL;
}

/* The candidate defs (statement indexes) named in `names`. */
static size_t *stc_slicer_reach(const stc_slicer *s, const stc_strset *names, size_t *n)
{
    size_t *out = NULL, cap = 0;
    *n = 0;
    for (size_t k = 0; s->cand.n && k < names->n; k++) {
        long p = stc_name_index_find(&s->cand, names->names[k]);
        if (p < 0)
            continue;
        for (size_t q = (size_t)p; q != (size_t)-1; q = s->cand_next[q]) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 4;
                out = stc_xrealloc(out, cap * sizeof *out);
            }
            out[(*n)++] = s->cand_stmt[q];
        }
    }
    return out;
}

static const stc_slicer_contrib *stc_slicer_contrib_of(stc_slicer *s, size_t i)
{
    stc_slicer_contrib *c = &s->contrib[i];
    if (c->done)
        return c;
    c->done = true;
    const stc_method *meth = &s->cls->methods[i];
    if (meth->self_name) {
        stc_strset attrs = {0};
        stc_attr_ctx actx = {meth->self_name, &attrs};
        stc_walk(meth->def, stc_collect_self_attrs, &actx);
        /* __init__ declares the resources: its own uses do not count. */
        bool is_init = strcmp(meth->name, "__init__") == 0;
        c->refs = stc_xcalloc(attrs.n ? attrs.n : 1, sizeof *c->refs);
        for (size_t k = 0; k < attrs.n; k++) {
            const stc_method *target = stc_slicer_method(s, attrs.names[k]);
            if (target) {
                c->refs[c->nrefs++] = (stc_slicer_ref){true, (size_t)(target - s->cls->methods)};
                continue;
            }
            if (is_init)
                continue;
            for (size_t r = 0; r < s->ndeclared; r++)
                if (strcmp(s->declared[r].attr, attrs.names[k]) == 0) { /* declared once each */
                    c->refs[c->nrefs++] = (stc_slicer_ref){false, r};
                    break;
                }
        }
        stc_strset_free(&attrs);
    }
    if (s->cand.n) {
        stc_strset names = {0};
        stc_walk(meth->def, stc_collect_names, &names);
        c->defs = stc_slicer_reach(s, &names, &c->ndefs);
        stc_strset_free(&names);
    }
    return c;
}

static const stc_strset *stc_slicer_def_names(stc_slicer *s, size_t i)
{
    if (!s->def_names_done[i]) {
        s->def_names_done[i] = true;
        stc_walk(s->m->body.items[i], stc_collect_names, &s->def_names[i]);
    }
    return &s->def_names[i];
}

static const size_t *stc_slicer_def_reach(stc_slicer *s, size_t i, size_t *n)
{
    if (!s->def_reach_done[i]) {
        s->def_reach_done[i] = true;
        s->def_reach[i] = stc_slicer_reach(s, stc_slicer_def_names(s, i), &s->def_nreach[i]);
    }
    *n = s->def_nreach[i];
    return s->def_reach[i];
}

static void stc_strset_add_all(stc_strset *to, const stc_strset *from)
{
    for (size_t k = 0; k < from->n; k++)
        stc_strset_add(to, from->names[k]);
}

static void stc_slicer_add_stmt(stc_buf *b, stc_slicer *s, char **slot, size_t *len, const stc_node *n)
{
    if (!*slot) {
        stc_buf t = STC_BUF_INIT;
        stc_add_stmt(&t, s->m, n);
        *len = t.len;
        *slot = stc_buf_take(&t);
    }
    stc_buf_add(b, *slot, *len);
}

static int stc_size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

stc_slicer *stc_slicer_new(const stc_service *svc)
{
    const stc_module *m = svc ? svc->module : NULL;
    if (!m || !m->service)
        return NULL;
    stc_slicer *s = stc_xcalloc(1, sizeof *s);
    s->svc = svc;
    s->m = m;
    s->cls = m->service;
    const stc_class *cls = s->cls;
    const stc_node *cdef = cls->def;
    size_t nm = s->nmethods = cls->nmethods;
    size_t nb = s->nbody = m->body.count;
    size_t nc = s->nmembers = cdef->l0.count;
    size_t nm1 = nm ? nm : 1, nb1 = nb ? nb : 1, nc1 = nc ? nc : 1;

    s->unit_of = stc_xcalloc(nm1, sizeof *s->unit_of);
    s->dunders = stc_xcalloc(nm1, sizeof *s->dunders);
    for (size_t i = 0; i < nm; i++) {
        stc_name_index_add(&s->methods, cls->methods[i].name);
        if (stc_is_dunder(cls->methods[i].name))
            s->dunders[s->ndunders++] = i;
    }
    for (size_t k = svc->nunits; k-- > 0;) /* the first unit of a method wins */
        if (svc->units[k].method && svc->units[k].method >= cls->methods &&
            svc->units[k].method < cls->methods + nm)
            s->unit_of[svc->units[k].method - cls->methods] = &svc->units[k];
    s->ndeclared = stc_slice_init_resources(m, &s->declared);

    /* The class body: the methods are its function defs, in order. */
    s->member_of = stc_xcalloc(nm1, sizeof *s->member_of);
    s->fixed = stc_xcalloc(nc1, sizeof *s->fixed);
    for (size_t k = 0, mi = 0; k < nc; k++) {
        const stc_node *member = cdef->l0.items[k];
        if (member->kind == STC_N_FUNCTION_DEF || member->kind == STC_N_ASYNC_FUNCTION_DEF) {
            if (mi < nm)
                s->member_of[mi++] = k;
        } else if (!(k == 0 && stc_is_docstring(member))) {
            s->fixed[s->nfixed++] = k;
        }
    }

    s->contrib = stc_xcalloc(nm1, sizeof *s->contrib);
    s->member_text = stc_xcalloc(nc1, sizeof *s->member_text);
    s->member_len = stc_xcalloc(nc1, sizeof *s->member_len);
    s->def_names = stc_xcalloc(nb1, sizeof *s->def_names);
    s->def_names_done = stc_xcalloc(nb1, sizeof *s->def_names_done);
    s->def_reach = stc_xcalloc(nb1, sizeof *s->def_reach);
    s->def_nreach = stc_xcalloc(nb1, sizeof *s->def_nreach);
    s->def_reach_done = stc_xcalloc(nb1, sizeof *s->def_reach_done);
    s->stmt_text = stc_xcalloc(nb1, sizeof *s->stmt_text);
    s->stmt_len = stc_xcalloc(nb1, sizeof *s->stmt_len);
    s->base_kept = stc_xcalloc(nb1, sizeof *s->base_kept);
    s->mstamp = stc_xcalloc(nm1, sizeof *s->mstamp);
    s->cstamp = stc_xcalloc(nm1, sizeof *s->cstamp);
    s->rstamp = stc_xcalloc(s->ndeclared ? s->ndeclared : 1, sizeof *s->rstamp);
    s->sstamp = stc_xcalloc(nb1, sizeof *s->sstamp);
    s->order = stc_xcalloc(nm1, sizeof *s->order);
    s->merged = stc_xcalloc(nm1, sizeof *s->merged);
    s->stack = stc_xcalloc(nb1, sizeof *s->stack);

    /* The names of what every slice keeps, closed over the defs they reach. */
    for (size_t i = 0; i < cdef->l1.count; i++)
        stc_walk(cdef->l1.items[i], stc_collect_names, &s->base);
    for (size_t i = 0; i < cdef->l2.count; i++)
        stc_walk(cdef->l2.items[i], stc_collect_names, &s->base);
    for (size_t i = 0; i < cdef->l3.count; i++)
        stc_walk(cdef->l3.items[i], stc_collect_names, &s->base);
    for (size_t i = 0; i < cdef->l0.count; i++) {
        const stc_node *st = cdef->l0.items[i];
        if (st->kind == STC_N_FUNCTION_DEF || st->kind == STC_N_ASYNC_FUNCTION_DEF)
            continue;
        if (i == 0 && stc_is_docstring(st))
            continue;
        stc_walk(st, stc_collect_names, &s->base);
    }
    for (size_t i = 0; i < nb; i++) {
        const stc_node *st = m->body.items[i];
        if (st == cdef || (i == 0 && stc_is_docstring(st)) || stc_is_def(st))
            continue;
        s->base_kept[i] = true;
        stc_walk(st, stc_collect_names, &s->base);
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < nb; i++) {
            const stc_node *st = m->body.items[i];
            if (s->base_kept[i] || st == cdef || !stc_is_def(st) || !st->id || !stc_strset_has(&s->base, st->id))
                continue;
            s->base_kept[i] = true;
            grew = true;
            stc_strset_add_all(&s->base, stc_slicer_def_names(s, i));
        }
    }

    /* The other defs, which a slice keeps when its code names them. */
    s->cand_stmt = stc_xcalloc(nb1, sizeof *s->cand_stmt);
    s->cand_next = stc_xcalloc(nb1, sizeof *s->cand_next);
    for (size_t i = 0; i < nb; i++) {
        const stc_node *st = m->body.items[i];
        if (s->base_kept[i] || st == cdef || !stc_is_def(st) || !st->id)
            continue;
        size_t p = s->cand.n, first = stc_name_index_add(&s->cand, st->id);
        s->cand_stmt[p] = i;
        s->cand_next[p] = (size_t)-1;
        if (first != p) { /* append to the chain of the name */
            size_t q = first;
            while (s->cand_next[q] != (size_t)-1)
                q = s->cand_next[q];
            s->cand_next[q] = p;
        }
    }

    stc_buf b = STC_BUF_INIT;
    stc_add_class_header(&b, m, cdef);
    s->class_header_len = b.len;
    s->class_header = stc_buf_take(&b);
    return s;
}

void stc_slicer_free(stc_slicer *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nmethods; i++) {
        free(s->contrib[i].refs);
        free(s->contrib[i].defs);
    }
    for (size_t i = 0; i < s->nbody; i++) {
        stc_strset_free(&s->def_names[i]);
        free(s->def_reach[i]);
        free(s->stmt_text[i]);
    }
    for (size_t i = 0; i < s->nmembers; i++)
        free(s->member_text[i]);
    stc_strset_free(&s->base);
    stc_name_index_free(&s->methods);
    stc_name_index_free(&s->cand);
    free(s->unit_of);
    free(s->member_of);
    free(s->dunders);
    free(s->fixed);
    free(s->declared);
    free(s->contrib);
    free(s->member_text);
    free(s->member_len);
    free(s->def_names);
    free(s->def_names_done);
    free(s->def_reach);
    free(s->def_nreach);
    free(s->def_reach_done);
    free(s->stmt_text);
    free(s->stmt_len);
    free(s->class_header);
    free(s->base_kept);
    free(s->cand_stmt);
    free(s->cand_next);
    free(s->mstamp);
    free(s->cstamp);
    free(s->rstamp);
    free(s->sstamp);
    free(s->order);
    free(s->merged);
    free(s->stack);
    free(s);
}

int stc_slicer_unit(stc_slicer *s, const stc_unit_info *u, stc_slice *out)
{
    memset(out, 0, sizeof *out);
    if (!s || !u || !u->method || u->method < s->cls->methods || u->method >= s->cls->methods + s->nmethods)
        return -1;
    const stc_module *m = s->m;
    const stc_class *cls = s->cls;
    const stc_node *cdef = cls->def;
    if (++s->gen == 0) { /* wrapped: clear the stamps once */
        memset(s->mstamp, 0, (s->nmethods ? s->nmethods : 1) * sizeof *s->mstamp);
        memset(s->cstamp, 0, (s->nmethods ? s->nmethods : 1) * sizeof *s->cstamp);
        memset(s->rstamp, 0, (s->ndeclared ? s->ndeclared : 1) * sizeof *s->rstamp);
        memset(s->sstamp, 0, (s->nbody ? s->nbody : 1) * sizeof *s->sstamp);
        s->gen = 1;
    }
    unsigned gen = s->gen;

    /* The function's own method and every dunder, in source order. */
    size_t own = (size_t)(u->method - cls->methods), norder = 0;
    bool own_placed = false;
    for (size_t k = 0; k <= s->ndunders; k++) {
        size_t next = k < s->ndunders ? s->dunders[k] : (size_t)-1;
        if (!own_placed && own <= next) {
            own_placed = true;
            if (own != next) {
                s->mstamp[own] = gen;
                s->order[norder++] = own;
            }
        }
        if (k < s->ndunders) {
            s->mstamp[next] = gen;
            s->order[norder++] = next;
        }
    }

    size_t nfirst = norder, calls_cap = 0, res_cap = 0;

    /* Close over self.<name> references (a worklist over `order`), and
     * collect the module-level defs the kept methods name, beyond the ones
     * every slice keeps. */
    size_t nstack = 0;
    for (size_t w = 0; w < norder; w++) {
        const stc_slicer_contrib *c = stc_slicer_contrib_of(s, s->order[w]);
        for (size_t k = 0; k < c->nrefs; k++) {
            size_t idx = c->refs[k].index;
            if (!c->refs[k].method) {
                if (s->rstamp[idx] == gen)
                    continue;
                s->rstamp[idx] = gen;
                if (out->nresources == res_cap) {
                    res_cap = res_cap ? 2 * res_cap : 4;
                    out->resources = stc_xrealloc(out->resources, res_cap * sizeof *out->resources);
                }
                out->resources[out->nresources++] = s->declared[idx];
                continue;
            }
            if (s->mstamp[idx] == gen)
                continue;
            const stc_unit_info *tu = s->unit_of[idx];
            if (stc_is_cloud_unit(tu)) {
                if (s->cstamp[idx] != gen) {
                    s->cstamp[idx] = gen;
                    if (out->ncalls == calls_cap) {
                        calls_cap = calls_cap ? 2 * calls_cap : 4;
                        out->calls = stc_xrealloc(out->calls, calls_cap * sizeof *out->calls);
                    }
                    out->calls[out->ncalls++] = tu;
                }
            } else {
                s->mstamp[idx] = gen;
                s->order[norder++] = idx;
            }
        }
        for (size_t k = 0; k < c->ndefs; k++)
            if (s->sstamp[c->defs[k]] != gen) {
                s->sstamp[c->defs[k]] = gen;
                s->stack[nstack++] = c->defs[k];
            }
    }
    /* ... transitively. */
    while (nstack) {
        size_t n, i = s->stack[--nstack];
        const size_t *reach = stc_slicer_def_reach(s, i, &n);
        for (size_t k = 0; k < n; k++)
            if (s->sstamp[reach[k]] != gen) {
                s->sstamp[reach[k]] = gen;
                s->stack[nstack++] = reach[k];
            }
    }

    /* The kept methods in source order: the own method and the dunders came
     * first, in order; sort the few helpers the closure added after them and
     * merge the two runs. */
    qsort(s->order + nfirst, norder - nfirst, sizeof *s->order, stc_size_cmp);
    if (nfirst < norder) {
        size_t x = 0, y = nfirst, k = 0;
        while (x < nfirst || y < norder)
            s->merged[k++] = y == norder || (x < nfirst && s->order[x] < s->order[y]) ? s->order[x++]
                                                                                     : s->order[y++];
        size_t *t = s->order;
        s->order = s->merged;
        s->merged = t;
    }

    /* The text. */
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b, "# stc-tui: %s.%s and what it needs, sliced from the service module.\n",
                   cls->name, u->method->name);
    bool first = true, prev_def = false;
    for (size_t i = 0; i < s->nbody; i++) {
        const stc_node *st = m->body.items[i];
        bool is_service = st == cdef;
        if (!s->base_kept[i] && s->sstamp[i] != gen && !is_service)
            continue;
        bool def = is_service || stc_is_def(st);
        stc_buf_puts(&b, first ? "\n" : (def || prev_def) ? "\n\n" : "");
        first = false;
        prev_def = def;
        if (!is_service) {
            stc_slicer_add_stmt(&b, s, &s->stmt_text[i], &s->stmt_len[i], st);
            continue;
        }
        stc_buf_add(&b, s->class_header, s->class_header_len);
        /* The kept methods and the fixed members, merged in body order. */
        for (size_t x = 0, y = 0; x < norder || y < s->nfixed;) {
            size_t km = x < norder ? s->member_of[s->order[x]] : (size_t)-1;
            size_t kf = y < s->nfixed ? s->fixed[y] : (size_t)-1;
            size_t k = km < kf ? km : kf;
            if (km < kf)
                x++;
            else
                y++;
            if (x + y > 1)
                stc_buf_putc(&b, '\n');
            stc_slicer_add_stmt(&b, s, &s->member_text[k], &s->member_len[k], cdef->l0.items[k]);
        }
    }

    out->len = b.len;
    out->text = stc_buf_take(&b);
    out->methods = stc_xcalloc(norder ? norder : 1, sizeof *out->methods);
    for (size_t w = 0; w < norder; w++)
        out->methods[out->nmethods++] = &cls->methods[s->order[w]];
    return 0;
}

int stc_slice_unit(const stc_service *svc, const stc_unit_info *u, stc_slice *out)
{
    memset(out, 0, sizeof *out);
    stc_slicer *s = stc_slicer_new(svc);
    if (!s)
        return -1;
    int rc = stc_slicer_unit(s, u, out);
    stc_slicer_free(s);
    return rc;
}

void stc_slice_free(stc_slice *s)
{
    if (!s)
        return;
    free(s->text);
    free(s->methods);
    free(s->calls);
    free(s->resources);
    memset(s, 0, sizeof *s);
}
