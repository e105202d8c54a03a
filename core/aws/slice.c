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

/* Insertion-ordered (items) with an open-addressing index (slots hold
 * item index + 1), so that membership is O(1): a unit's slice collects every
 * name its kept code uses, and helpers are kept in every unit. */
typedef struct {
    const char **items;
    size_t count, cap;
    size_t *slots;
    size_t nslots; /* 0 or a power of two, > 2 * count */
} stc_strset;

static size_t stc_strset_hash(const char *x)
{
    size_t h = 1469598103934665603u;
    for (; *x; x++)
        h = (h ^ (unsigned char)*x) * 1099511628211u;
    return h;
}

static size_t *stc_strset_slot(const stc_strset *s, const char *x)
{
    size_t mask = s->nslots - 1;
    for (size_t i = stc_strset_hash(x) & mask;; i = (i + 1) & mask)
        if (!s->slots[i] || strcmp(s->items[s->slots[i] - 1], x) == 0)
            return &s->slots[i];
}

static bool stc_strset_has(const stc_strset *s, const char *x)
{
    return s->nslots && *stc_strset_slot(s, x) != 0;
}

static bool stc_strset_add(stc_strset *s, const char *x)
{
    if (!x || stc_strset_has(s, x))
        return false;
    if (s->count == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->items = stc_xrealloc(s->items, s->cap * sizeof *s->items);
    }
    s->items[s->count++] = x;
    if (2 * s->count >= s->nslots) {
        free(s->slots);
        s->nslots = s->nslots ? 2 * s->nslots : 64;
        s->slots = stc_xcalloc(s->nslots, sizeof *s->slots);
        for (size_t i = 0; i < s->count; i++)
            *stc_strset_slot(s, s->items[i]) = i + 1;
    } else {
        *stc_strset_slot(s, x) = s->count;
    }
    return true;
}

static void stc_strset_free(stc_strset *s)
{
    free(s->items);
    free(s->slots);
}

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

/* ---- the slice ---------------------------------------------------------- */

static const stc_unit_info *stc_unit_of(const stc_service *svc, const stc_method *meth)
{
    for (size_t i = 0; i < svc->nunits; i++)
        if (svc->units[i].method == meth)
            return &svc->units[i];
    return NULL;
}

/* A method reached through self.<name> becomes a proxy when it is a cloud unit. */
static bool stc_is_cloud_unit(const stc_unit_info *u)
{
    return u && u->unit != STC_UNIT_NONE &&
           (u->kind == STC_KIND_FUNCTION || u->kind == STC_KIND_REST || u->kind == STC_KIND_WEBSOCKET);
}

/* Methods by name, O(1): an open-addressing table of method index + 1 (the
 * first method of a name wins, as a linear search would find it). */
typedef struct {
    const stc_class *cls;
    size_t *slots;
    size_t nslots;
} stc_method_index;

static void stc_method_index_init(stc_method_index *ix, const stc_class *cls)
{
    ix->cls = cls;
    ix->nslots = 16;
    while (ix->nslots < 2 * cls->nmethods + 1)
        ix->nslots *= 2;
    ix->slots = stc_xcalloc(ix->nslots, sizeof *ix->slots);
    for (size_t i = 0; i < cls->nmethods; i++) {
        size_t mask = ix->nslots - 1, j = stc_strset_hash(cls->methods[i].name) & mask;
        while (ix->slots[j] && strcmp(cls->methods[ix->slots[j] - 1].name, cls->methods[i].name) != 0)
            j = (j + 1) & mask;
        if (!ix->slots[j])
            ix->slots[j] = i + 1;
    }
}

static const stc_method *stc_class_method(const stc_method_index *ix, const char *name)
{
    size_t mask = ix->nslots - 1;
    for (size_t j = stc_strset_hash(name) & mask; ix->slots[j]; j = (j + 1) & mask)
        if (strcmp(ix->cls->methods[ix->slots[j] - 1].name, name) == 0)
            return &ix->cls->methods[ix->slots[j] - 1];
    return NULL;
}

int stc_slice_unit(const stc_service *svc, const stc_unit_info *u, stc_slice *out)
{
    memset(out, 0, sizeof *out);
    const stc_module *m = svc ? svc->module : NULL;
    if (!m || !m->service || !u || !u->method)
        return -1;
    const stc_class *cls = m->service;
    bool *kept = stc_xcalloc(cls->nmethods ? cls->nmethods : 1, sizeof *kept);
    size_t *order = stc_xcalloc(cls->nmethods ? cls->nmethods : 1, sizeof *order);
    size_t norder = 0;

    for (size_t i = 0; i < cls->nmethods; i++) {
        const stc_method *meth = &cls->methods[i];
        if (meth == u->method || stc_is_dunder(meth->name)) {
            kept[i] = true;
            order[norder++] = i;
        }
    }

    stc_method_index mix;
    stc_method_index_init(&mix, cls);
    stc_slice_resource *declared = NULL;
    size_t ndeclared = stc_slice_init_resources(m, &declared);
    stc_strset called = {0}, used_res = {0};
    const stc_unit_info **calls = NULL;
    size_t ncalls = 0;

    /* Close over self.<name> references (a worklist over `order`). */
    for (size_t w = 0; w < norder; w++) {
        const stc_method *meth = &cls->methods[order[w]];
        if (!meth->self_name)
            continue;
        stc_strset attrs = {0};
        stc_attr_ctx actx = {meth->self_name, &attrs};
        stc_walk(meth->def, stc_collect_self_attrs, &actx);
        bool is_init = strcmp(meth->name, "__init__") == 0;
        for (size_t k = 0; k < attrs.count; k++) {
            const char *attr = attrs.items[k];
            const stc_method *target = stc_class_method(&mix, attr);
            if (target) {
                size_t idx = (size_t)(target - cls->methods);
                const stc_unit_info *tu = stc_unit_of(svc, target);
                if (kept[idx])
                    continue;
                if (stc_is_cloud_unit(tu)) {
                    if (stc_strset_add(&called, target->name)) {
                        calls = stc_xrealloc(calls, (ncalls + 1) * sizeof *calls);
                        calls[ncalls++] = tu;
                    }
                } else {
                    kept[idx] = true;
                    order[norder++] = idx;
                }
                continue;
            }
            if (is_init)
                continue;
            for (size_t r = 0; r < ndeclared; r++)
                if (strcmp(declared[r].attr, attr) == 0 && stc_strset_add(&used_res, declared[r].attr)) {
                    out->resources = stc_xrealloc(out->resources,
                                                  (out->nresources + 1) * sizeof *out->resources);
                    out->resources[out->nresources++] = declared[r];
                }
        }
        stc_strset_free(&attrs);
    }

    /* Names the kept code uses: the class header and body, kept methods,
     * and every module-level statement that is not a def. */
    stc_strset names = {0};
    const stc_node *cdef = cls->def;
    for (size_t i = 0; i < cdef->l1.count; i++)
        stc_walk(cdef->l1.items[i], stc_collect_names, &names);
    for (size_t i = 0; i < cdef->l2.count; i++)
        stc_walk(cdef->l2.items[i], stc_collect_names, &names);
    for (size_t i = 0; i < cdef->l3.count; i++)
        stc_walk(cdef->l3.items[i], stc_collect_names, &names);
    for (size_t i = 0; i < cdef->l0.count; i++) {
        const stc_node *st = cdef->l0.items[i];
        if (st->kind == STC_N_FUNCTION_DEF || st->kind == STC_N_ASYNC_FUNCTION_DEF)
            continue;
        if (i == 0 && stc_is_docstring(st))
            continue;
        stc_walk(st, stc_collect_names, &names);
    }
    for (size_t i = 0; i < cls->nmethods; i++)
        if (kept[i])
            stc_walk(cls->methods[i].def, stc_collect_names, &names);
    size_t nbody = m->body.count;
    bool *mkept = stc_xcalloc(nbody ? nbody : 1, sizeof *mkept);
    for (size_t i = 0; i < nbody; i++) {
        const stc_node *st = m->body.items[i];
        if (st == cdef || (i == 0 && stc_is_docstring(st)) || stc_is_def(st))
            continue;
        mkept[i] = true;
        stc_walk(st, stc_collect_names, &names);
    }
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t i = 0; i < nbody; i++) {
            const stc_node *st = m->body.items[i];
            if (mkept[i] || st == cdef || !stc_is_def(st) || !st->id || !stc_strset_has(&names, st->id))
                continue;
            mkept[i] = true;
            grew = true;
            stc_walk(st, stc_collect_names, &names);
        }
    }

    /* The text. */
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b, "# stc-tui: %s.%s and what it needs, sliced from the service module.\n",
                   cls->name, u->method->name);
    bool first = true, prev_def = false;
    for (size_t i = 0; i < nbody; i++) {
        const stc_node *st = m->body.items[i];
        bool is_service = st == cdef;
        if (!mkept[i] && !is_service)
            continue;
        bool def = is_service || stc_is_def(st);
        stc_buf_puts(&b, first ? "\n" : (def || prev_def) ? "\n\n" : "");
        first = false;
        prev_def = def;
        if (!is_service) {
            stc_add_stmt(&b, m, st);
            continue;
        }
        stc_add_class_header(&b, m, cdef);
        bool first_member = true;
        size_t mi = 0;
        for (size_t k = 0; k < cdef->l0.count; k++) {
            const stc_node *member = cdef->l0.items[k];
            bool is_method = member->kind == STC_N_FUNCTION_DEF || member->kind == STC_N_ASYNC_FUNCTION_DEF;
            bool keep;
            if (is_method)
                keep = kept[mi++];
            else
                keep = !(k == 0 && stc_is_docstring(member));
            if (!keep)
                continue;
            if (!first_member)
                stc_buf_putc(&b, '\n');
            first_member = false;
            stc_add_stmt(&b, m, member);
        }
    }

    out->len = b.len;
    out->text = stc_buf_take(&b);
    for (size_t i = 0; i < cls->nmethods; i++)
        if (kept[i]) {
            out->methods = stc_xrealloc(out->methods, (out->nmethods + 1) * sizeof *out->methods);
            out->methods[out->nmethods++] = &cls->methods[i];
        }
    out->calls = calls;
    out->ncalls = ncalls;
    stc_strset_free(&names);
    free(mix.slots);
    stc_strset_free(&called);
    stc_strset_free(&used_res);
    free(declared);
    free(mkept);
    free(kept);
    free(order);
    return 0;
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
