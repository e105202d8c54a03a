/* ir.c - IR helpers: construction, freeing, names, dumps. See ir.h. */
#include "core/ir.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const char *const stc_kind_names[] = {
#define NODE(kind, pytype, slots) #kind,
#include "core/ir_nodes.def"
#undef NODE
};

static const char *const stc_kind_pytypes[] = {
#define NODE(kind, pytype, slots) pytype,
#include "core/ir_nodes.def"
#undef NODE
};

const char *stc_node_kind_name(stc_node_kind k)
{
    return k < STC_N__COUNT ? stc_kind_names[k] : "?";
}

const char *stc_node_kind_pytype(stc_node_kind k)
{
    return k < STC_N__COUNT ? stc_kind_pytypes[k] : "?";
}

bool stc_node_is_stmt(const stc_node *n)
{
    return n && n->kind <= STC_N_CONTINUE;
}

void stc_list_push(stc_list *l, stc_node *n)
{
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 4;
        l->items = stc_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    l->items[l->count++] = n;
}

stc_node *stc_node_new(stc_node_kind kind)
{
    stc_node *n = stc_xcalloc(1, sizeof *n);
    n->kind = kind;
    n->py_type = stc_node_kind_pytype(kind);
    return n;
}

static void stc_list_free_nodes(stc_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        stc_node_free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

void stc_node_free(stc_node *n)
{
    if (!n)
        return;
    /* Iterative over the `a` chain is not needed: depth is bounded by the
     * converter (STC_PARSE_MAX_DEPTH). */
    stc_node_free(n->a);
    stc_node_free(n->b);
    stc_node_free(n->c);
    stc_list_free_nodes(&n->l0);
    stc_list_free_nodes(&n->l1);
    stc_list_free_nodes(&n->l2);
    stc_list_free_nodes(&n->l3);
    free(n->id);
    free(n->sval);
    free(n->owned_type);
    free(n);
}

static void stc_method_free(stc_method *m)
{
    free(m->name);
    for (size_t i = 0; i < m->ndecorators; i++)
        free(m->decorators[i]);
    free(m->decorators);
    free(m->self_name);
    for (size_t i = 0; i < m->nparams; i++) {
        free(m->params[i].name);
        free(m->params[i].annotation);
        free(m->params[i].default_text);
    }
    free(m->params);
    free(m->returns);
}

void stc_module_free(stc_module *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nclasses; i++) {
        stc_class *c = &m->classes[i];
        for (size_t j = 0; j < c->nmethods; j++)
            stc_method_free(&c->methods[j]);
        free(c->methods);
        free(c->name);
    }
    free(m->classes);
    stc_list_free_nodes(&m->body);
    free(m->imports.items);
    free(m->globals.items);
    free(m->functions.items);
    free(m->file);
    free(m->source);
    free(m->line_starts);
    free(m);
}

stc_method *stc_module_method(const stc_module *m, const char *name)
{
    if (!m || !m->service)
        return NULL;
    for (size_t i = 0; i < m->service->nmethods; i++)
        if (strcmp(m->service->methods[i].name, name) == 0)
            return &m->service->methods[i];
    return NULL;
}

static void stc_dump_rec(const stc_node *n, int depth, const char *slot, stc_buf *b)
{
    for (int i = 0; i < depth; i++)
        stc_buf_puts(b, "  ");
    if (slot)
        stc_buf_printf(b, "%s=", slot);
    if (!n) {
        stc_buf_puts(b, "NULL\n");
        return;
    }
    stc_buf_puts(b, stc_node_kind_name(n->kind));
    if (n->kind == STC_N_UNSUPPORTED)
        stc_buf_printf(b, " <%s>", n->py_type);
    if (n->id)
        stc_buf_printf(b, " %s", n->id);
    if (n->kind == STC_N_CONSTANT) {
        switch (n->cval.kind) {
        case STC_CONST_NONE:
            stc_buf_puts(b, " None");
            break;
        case STC_CONST_BOOL:
            stc_buf_puts(b, n->cval.bval ? " True" : " False");
            break;
        case STC_CONST_INT:
            stc_buf_printf(b, " %lld", n->cval.ival);
            break;
        case STC_CONST_FLOAT:
            stc_buf_printf(b, " %.17g", n->cval.fval);
            break;
        case STC_CONST_STR:
            stc_buf_printf(b, " '%s'", n->sval);
            break;
        case STC_CONST_BYTES:
            stc_buf_printf(b, " b<%zu bytes>", n->slen);
            break;
        case STC_CONST_BIGINT:
        case STC_CONST_COMPLEX:
            stc_buf_printf(b, " %s", n->sval);
            break;
        case STC_CONST_ELLIPSIS:
            stc_buf_puts(b, " ...");
            break;
        }
    } else if (n->sval) {
        stc_buf_printf(b, " [%s]", n->sval);
    }
    if (n->pos.line)
        stc_buf_printf(b, " %d:%d-%d:%d", n->pos.line, n->pos.col, n->pos.end_line, n->pos.end_col);
    stc_buf_putc(b, '\n');
    const stc_node *kids[3] = {n->a, n->b, n->c};
    const char *knames[3] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++)
        if (kids[i])
            stc_dump_rec(kids[i], depth + 1, knames[i], b);
    const stc_list *lists[4] = {&n->l0, &n->l1, &n->l2, &n->l3};
    const char *lnames[4] = {"l0", "l1", "l2", "l3"};
    for (int i = 0; i < 4; i++)
        for (size_t j = 0; j < lists[i]->count; j++)
            stc_dump_rec(lists[i]->items[j], depth + 1, lnames[i], b);
}

char *stc_node_dump(const stc_node *n)
{
    stc_buf b = STC_BUF_INIT;
    stc_dump_rec(n, 0, NULL, &b);
    return stc_buf_take(&b);
}
