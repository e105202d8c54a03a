/* parse.c - Python source -> C IR. See parse.h and ir_nodes.def.
 *
 * Python references: every PyObject obtained here is released before the
 * function that got it returns; no Python object is kept in the IR.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "core/parse.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#ifndef STC_PYTHON_HOME
#define STC_PYTHON_HOME "/usr"
#endif

/* ---- the slot table, read from ir_nodes.def ------------------------------ */

typedef enum {
    SLOT_A, SLOT_B, SLOT_C, SLOT_L0, SLOT_L1, SLOT_L2, SLOT_L3,
    SLOT_ID, SLOT_SVAL, SLOT_OP, SLOT_LEVEL, SLOT_NAMES,
} stc_slot;

typedef struct {
    PyObject *field; /* interned field name */
    stc_slot slot;
} stc_fieldmap;

typedef struct {
    PyTypeObject *type; /* the _ast class; NULL for pseudo kinds */
    int nfields;
    stc_fieldmap fields[6];
} stc_kindspec;

static const char *const stc_kind_slots[] = {
#define NODE(kind, pytype, slots) slots,
#include "core/ir_nodes.def"
#undef NODE
};

static bool py_ready;
static stc_kindspec kindspecs[STC_N__COUNT];
static PyObject *s_lineno, *s_col_offset, *s_end_lineno, *s_end_col_offset, *s_value;
static PyObject *s_posonlyargs, *s_args, *s_vararg, *s_kwonlyargs, *s_kw_defaults, *s_kwarg,
    *s_defaults;

static stc_slot slot_from_name(const char *s)
{
    static const struct {
        const char *name;
        stc_slot slot;
    } names[] = {
        {"a", SLOT_A},   {"b", SLOT_B},       {"c", SLOT_C},   {"l0", SLOT_L0},
        {"l1", SLOT_L1}, {"l2", SLOT_L2},     {"l3", SLOT_L3}, {"id", SLOT_ID},
        {"sval", SLOT_SVAL}, {"op", SLOT_OP}, {"level", SLOT_LEVEL}, {"names", SLOT_NAMES},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(names); i++)
        if (strcmp(names[i].name, s) == 0)
            return names[i].slot;
    abort(); /* a typo in ir_nodes.def */
}

static int stc_build_kindspecs(PyObject *astmod)
{
    for (int k = 0; k < STC_N__COUNT; k++) {
        const char *pytype = stc_node_kind_pytype((stc_node_kind)k);
        if (pytype[0] == '(')
            continue;
        PyObject *t = PyObject_GetAttrString(astmod, pytype);
        if (!t) {
            /* A node type this Python does not have (e.g. TryStar before 3.11). */
            PyErr_Clear();
            continue;
        }
        kindspecs[k].type = (PyTypeObject *)t; /* kept for the process lifetime */
        const char *p = stc_kind_slots[k];
        while (*p) {
            while (*p == ' ')
                p++;
            if (!*p)
                break;
            const char *colon = strchr(p, ':');
            const char *end = strchr(p, ' ');
            if (!end)
                end = p + strlen(p);
            char *field = stc_xstrndup(p, (size_t)(colon - p));
            char *slot = stc_xstrndup(colon + 1, (size_t)(end - colon - 1));
            stc_fieldmap *fm = &kindspecs[k].fields[kindspecs[k].nfields++];
            fm->field = PyUnicode_InternFromString(field);
            fm->slot = slot_from_name(slot);
            free(field);
            free(slot);
            p = end;
        }
    }
    return 0;
}

int stc_py_init(char **err)
{
    if (py_ready)
        return 0;
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    config.write_bytecode = 0;
    config.parse_argv = 0;
    /* No `import site` at start-up (as python3 -S): the compiler needs only
     * _ast, and site's path set-up took ~5 ms of every command's start (a
     * third of a small service's compile). --run-local (core/pyrun.c), which
     * imports the user's module and so its third-party imports, runs
     * site.main() itself. */
    config.site_import = 0;
    PyStatus st = PyConfig_SetBytesString(&config, &config.home, STC_PYTHON_HOME);
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
        *err = stc_xasprintf("cannot start the embedded Python: %s",
                             st.err_msg ? st.err_msg : "unknown error");
        return -1;
    }
    PyObject *astmod = PyImport_ImportModule("_ast");
    if (!astmod) {
        PyErr_Clear();
        *err = stc_xstrdup("cannot load Python's _ast module");
        return -1;
    }
    stc_build_kindspecs(astmod);
    Py_DECREF(astmod);
    s_lineno = PyUnicode_InternFromString("lineno");
    s_col_offset = PyUnicode_InternFromString("col_offset");
    s_end_lineno = PyUnicode_InternFromString("end_lineno");
    s_end_col_offset = PyUnicode_InternFromString("end_col_offset");
    s_value = PyUnicode_InternFromString("value");
    s_posonlyargs = PyUnicode_InternFromString("posonlyargs");
    s_args = PyUnicode_InternFromString("args");
    s_vararg = PyUnicode_InternFromString("vararg");
    s_kwonlyargs = PyUnicode_InternFromString("kwonlyargs");
    s_kw_defaults = PyUnicode_InternFromString("kw_defaults");
    s_kwarg = PyUnicode_InternFromString("kwarg");
    s_defaults = PyUnicode_InternFromString("defaults");
    py_ready = true;
    return 0;
}

void stc_py_finalize(void)
{
    if (!py_ready)
        return;
    for (int k = 0; k < STC_N__COUNT; k++) {
        Py_CLEAR(kindspecs[k].type);
        for (int f = 0; f < kindspecs[k].nfields; f++)
            Py_CLEAR(kindspecs[k].fields[f].field);
        kindspecs[k].nfields = 0;
    }
    Py_CLEAR(s_lineno);
    Py_CLEAR(s_col_offset);
    Py_CLEAR(s_end_lineno);
    Py_CLEAR(s_end_col_offset);
    Py_CLEAR(s_value);
    Py_CLEAR(s_posonlyargs);
    Py_CLEAR(s_args);
    Py_CLEAR(s_vararg);
    Py_CLEAR(s_kwonlyargs);
    Py_CLEAR(s_kw_defaults);
    Py_CLEAR(s_kwarg);
    Py_CLEAR(s_defaults);
    Py_FinalizeEx();
    py_ready = false;
}

/* ---- conversion ---------------------------------------------------------- */

typedef struct {
    const char *file;
    const char *src;
    size_t len;
    size_t *line_starts; /* byte offset of each line (index 0 = line 1) */
    size_t nlines;
    bool ascii;
    stc_diags *d;
    bool too_deep;
    int max_depth;
} stc_conv;

static int stc_col_from_bytes(const stc_conv *cv, int line, long byte_off)
{
    if (byte_off < 0)
        return 0;
    if (cv->ascii || line < 1 || (size_t)line > cv->nlines)
        return (int)byte_off + 1;
    const char *ls = cv->src + cv->line_starts[line - 1];
    size_t avail = cv->len - cv->line_starts[line - 1];
    size_t n = (size_t)byte_off < avail ? (size_t)byte_off : avail;
    return stc_utf8_count(ls, n) + 1;
}

static long stc_py_long_attr(PyObject *o, PyObject *name, long dflt)
{
    PyObject *v = PyObject_GetAttr(o, name);
    if (!v) {
        PyErr_Clear();
        return dflt;
    }
    long r = dflt;
    if (PyLong_Check(v))
        r = PyLong_AsLong(v);
    Py_DECREF(v);
    if (PyErr_Occurred()) {
        PyErr_Clear();
        r = dflt;
    }
    return r;
}

static void stc_read_pos(stc_conv *cv, PyObject *o, stc_pos *pos)
{
    long line = stc_py_long_attr(o, s_lineno, 0);
    if (line <= 0)
        return;
    long col = stc_py_long_attr(o, s_col_offset, 0);
    long eline = stc_py_long_attr(o, s_end_lineno, line);
    long ecol = stc_py_long_attr(o, s_end_col_offset, col);
    pos->line = (int)line;
    pos->col = stc_col_from_bytes(cv, (int)line, col);
    pos->end_line = (int)eline;
    pos->end_col = stc_col_from_bytes(cv, (int)eline, ecol);
}

static char *stc_py_str(PyObject *o)
{
    if (!o || o == Py_None)
        return NULL;
    if (PyUnicode_Check(o)) {
        Py_ssize_t n;
        const char *s = PyUnicode_AsUTF8AndSize(o, &n);
        if (s)
            return stc_xstrndup(s, (size_t)n);
        PyErr_Clear();
        PyObject *b = PyUnicode_AsEncodedString(o, "utf-8", "backslashreplace");
        if (!b) {
            PyErr_Clear();
            return stc_xstrdup("?");
        }
        char *r = stc_xstrndup(PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b));
        Py_DECREF(b);
        return r;
    }
    PyObject *s = PyObject_Str(o);
    if (!s) {
        PyErr_Clear();
        return stc_xstrdup("?");
    }
    char *r = stc_py_str(s);
    Py_DECREF(s);
    return r;
}

static const char *stc_op_text(PyObject *op)
{
    static const struct {
        const char *type, *text;
    } ops[] = {
        {"Add", "+"},    {"Sub", "-"},      {"Mult", "*"},    {"MatMult", "@"}, {"Div", "/"},
        {"Mod", "%"},    {"Pow", "**"},     {"LShift", "<<"}, {"RShift", ">>"}, {"BitOr", "|"},
        {"BitXor", "^"}, {"BitAnd", "&"},   {"FloorDiv", "//"}, {"And", "and"}, {"Or", "or"},
        {"Invert", "~"}, {"Not", "not"},    {"UAdd", "+"},    {"USub", "-"},    {"Eq", "=="},
        {"NotEq", "!="}, {"Lt", "<"},       {"LtE", "<="},    {"Gt", ">"},      {"GtE", ">="},
        {"Is", "is"},    {"IsNot", "is not"}, {"In", "in"},   {"NotIn", "not in"},
    };
    const char *name = Py_TYPE(op)->tp_name;
    const char *dot = strrchr(name, '.');
    if (dot)
        name = dot + 1;
    for (size_t i = 0; i < STC_ARRAY_LEN(ops); i++)
        if (strcmp(ops[i].type, name) == 0)
            return ops[i].text;
    return "?";
}

static stc_node *stc_convert(stc_conv *cv, PyObject *o, int depth);

static void stc_convert_list(stc_conv *cv, PyObject *seq, stc_list *out, int depth, bool keep_none)
{
    if (!seq || !PyList_Check(seq))
        return;
    Py_ssize_t n = PyList_GET_SIZE(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *item = PyList_GET_ITEM(seq, i);
        if (item == Py_None) {
            if (keep_none)
                stc_list_push(out, NULL);
            continue;
        }
        stc_node *c = stc_convert(cv, item, depth + 1);
        if (c)
            stc_list_push(out, c);
    }
}

static void stc_convert_constant(PyObject *o, stc_node *n)
{
    PyObject *v = PyObject_GetAttr(o, s_value);
    if (!v) {
        PyErr_Clear();
        return;
    }
    if (v == Py_None) {
        n->cval.kind = STC_CONST_NONE;
    } else if (PyBool_Check(v)) {
        n->cval.kind = STC_CONST_BOOL;
        n->cval.bval = v == Py_True;
    } else if (PyLong_Check(v)) {
        int overflow = 0;
        long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
        if (overflow) {
            n->cval.kind = STC_CONST_BIGINT;
            n->sval = stc_py_str(v);
            n->slen = strlen(n->sval);
        } else {
            n->cval.kind = STC_CONST_INT;
            n->cval.ival = x;
        }
    } else if (PyFloat_Check(v)) {
        n->cval.kind = STC_CONST_FLOAT;
        n->cval.fval = PyFloat_AS_DOUBLE(v);
    } else if (PyComplex_Check(v)) {
        n->cval.kind = STC_CONST_COMPLEX;
        n->sval = stc_py_str(v);
        n->slen = strlen(n->sval);
    } else if (PyUnicode_Check(v)) {
        n->cval.kind = STC_CONST_STR;
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(v, &len);
        if (s) {
            n->sval = stc_xstrndup(s, (size_t)len);
            n->slen = (size_t)len;
        } else {
            PyErr_Clear();
            n->sval = stc_py_str(v);
            n->slen = strlen(n->sval);
        }
    } else if (PyBytes_Check(v)) {
        n->cval.kind = STC_CONST_BYTES;
        n->slen = (size_t)PyBytes_GET_SIZE(v);
        n->sval = stc_xstrndup(PyBytes_AS_STRING(v), n->slen);
    } else {
        n->cval.kind = STC_CONST_ELLIPSIS;
    }
    Py_DECREF(v);
}

/* arguments: l1 = posonlyargs + args (ARG nodes, defaults in b), level = number
 * of posonly ones, l2 = kwonlyargs (defaults in b), a = *vararg, b = **kwarg. */
static void stc_convert_arguments(stc_conv *cv, PyObject *o, stc_node *n, int depth)
{
    PyObject *posonly = PyObject_GetAttr(o, s_posonlyargs);
    PyObject *args = PyObject_GetAttr(o, s_args);
    PyObject *defaults = PyObject_GetAttr(o, s_defaults);
    PyObject *kwonly = PyObject_GetAttr(o, s_kwonlyargs);
    PyObject *kwdefaults = PyObject_GetAttr(o, s_kw_defaults);
    PyObject *vararg = PyObject_GetAttr(o, s_vararg);
    PyObject *kwarg = PyObject_GetAttr(o, s_kwarg);
    PyErr_Clear();
    stc_convert_list(cv, posonly, &n->l1, depth, false);
    n->level = (int)n->l1.count;
    stc_convert_list(cv, args, &n->l1, depth, false);
    if (defaults && PyList_Check(defaults)) {
        Py_ssize_t nd = PyList_GET_SIZE(defaults);
        size_t first = n->l1.count >= (size_t)nd ? n->l1.count - (size_t)nd : 0;
        for (Py_ssize_t i = 0; i < nd && first + (size_t)i < n->l1.count; i++)
            n->l1.items[first + (size_t)i]->b = stc_convert(cv, PyList_GET_ITEM(defaults, i), depth + 1);
    }
    stc_convert_list(cv, kwonly, &n->l2, depth, false);
    if (kwdefaults && PyList_Check(kwdefaults)) {
        Py_ssize_t nd = PyList_GET_SIZE(kwdefaults);
        for (Py_ssize_t i = 0; i < nd && (size_t)i < n->l2.count; i++) {
            PyObject *dv = PyList_GET_ITEM(kwdefaults, i);
            if (dv != Py_None)
                n->l2.items[i]->b = stc_convert(cv, dv, depth + 1);
        }
    }
    if (vararg && vararg != Py_None)
        n->a = stc_convert(cv, vararg, depth + 1);
    if (kwarg && kwarg != Py_None)
        n->b = stc_convert(cv, kwarg, depth + 1);
    Py_XDECREF(posonly);
    Py_XDECREF(args);
    Py_XDECREF(defaults);
    Py_XDECREF(kwonly);
    Py_XDECREF(kwdefaults);
    Py_XDECREF(vararg);
    Py_XDECREF(kwarg);
}

static stc_node *stc_convert(stc_conv *cv, PyObject *o, int depth)
{
    if (!o || o == Py_None)
        return NULL;
    if (depth > cv->max_depth) {
        cv->too_deep = true;
        return NULL;
    }
    PyTypeObject *t = Py_TYPE(o);
    int kind = -1;
    for (int k = 0; k < STC_N__COUNT; k++) {
        if (kindspecs[k].type == t) {
            kind = k;
            break;
        }
    }
    stc_node *n;
    if (kind < 0) {
        n = stc_node_new(STC_N_UNSUPPORTED);
        const char *name = t->tp_name;
        const char *dot = strrchr(name, '.');
        n->owned_type = stc_xstrdup(dot ? dot + 1 : name);
        n->py_type = n->owned_type;
        stc_read_pos(cv, o, &n->pos);
        return n;
    }
    n = stc_node_new((stc_node_kind)kind);
    stc_read_pos(cv, o, &n->pos);
    if (kind == STC_N_CONSTANT) {
        stc_convert_constant(o, n);
        return n;
    }
    if (kind == STC_N_ARGUMENTS) {
        stc_convert_arguments(cv, o, n, depth);
        return n;
    }
    const stc_kindspec *ks = &kindspecs[kind];
    for (int f = 0; f < ks->nfields; f++) {
        PyObject *v = PyObject_GetAttr(o, ks->fields[f].field);
        if (!v) {
            PyErr_Clear();
            continue;
        }
        switch (ks->fields[f].slot) {
        case SLOT_A:
            n->a = stc_convert(cv, v, depth + 1);
            break;
        case SLOT_B:
            n->b = stc_convert(cv, v, depth + 1);
            break;
        case SLOT_C:
            n->c = stc_convert(cv, v, depth + 1);
            break;
        case SLOT_L0:
            stc_convert_list(cv, v, &n->l0, depth, false);
            break;
        case SLOT_L1:
            stc_convert_list(cv, v, &n->l1, depth, kind == STC_N_DICT);
            break;
        case SLOT_L2:
            if (kind == STC_N_COMPARE && PyList_Check(v)) {
                for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
                    stc_node *op = stc_node_new(STC_N_OP);
                    op->id = stc_xstrdup(stc_op_text(PyList_GET_ITEM(v, i)));
                    stc_list_push(&n->l2, op);
                }
            } else {
                stc_convert_list(cv, v, &n->l2, depth, false);
            }
            break;
        case SLOT_L3:
            stc_convert_list(cv, v, &n->l3, depth, false);
            break;
        case SLOT_ID:
            n->id = stc_py_str(v);
            break;
        case SLOT_SVAL:
            n->sval = stc_py_str(v);
            break;
        case SLOT_OP:
            n->id = stc_xstrdup(stc_op_text(v));
            break;
        case SLOT_LEVEL:
            n->level = PyLong_Check(v) ? (int)PyLong_AsLong(v) : 0;
            break;
        case SLOT_NAMES:
            if (PyList_Check(v)) {
                for (Py_ssize_t i = 0; i < PyList_GET_SIZE(v); i++) {
                    stc_node *nm = stc_node_new(STC_N_NAME);
                    nm->id = stc_py_str(PyList_GET_ITEM(v, i));
                    nm->pos = n->pos;
                    stc_list_push(&n->l1, nm);
                }
            }
            break;
        }
        Py_DECREF(v);
    }
    return n;
}

/* ---- module structure ---------------------------------------------------- */

/* Byte offset of (line, col) in the module's source; col counts code points. */
static size_t stc_module_offset(const stc_module *m, int line, int col)
{
    if (line < 1)
        return 0;
    if ((size_t)line > m->nlines)
        return m->source_len;
    size_t off = m->line_starts[line - 1];
    for (int c = 1; off < m->source_len && c < col && m->source[off] != '\n'; c++) {
        off++;
        while (off < m->source_len && ((unsigned char)m->source[off] & 0xC0) == 0x80)
            off++;
    }
    return off;
}

char *stc_module_text(const stc_module *m, stc_pos pos)
{
    if (!m || pos.line <= 0)
        return NULL;
    size_t a = stc_module_offset(m, pos.line, pos.col);
    size_t b = stc_module_offset(m, pos.end_line, pos.end_col);
    if (b < a)
        b = a;
    return stc_xstrndup(m->source + a, b - a);
}

static void stc_build_params(stc_module *mod, stc_method *m, stc_node *args)
{
    if (!args)
        return;
    size_t total = args->l1.count + args->l2.count + (args->a ? 1 : 0) + (args->b ? 1 : 0);
    m->params = stc_xcalloc(total ? total : 1, sizeof *m->params);
    size_t start = 0;
    if (args->l1.count > 0) {
        m->self_name = stc_xstrdup(args->l1.items[0]->id ? args->l1.items[0]->id : "");
        start = 1;
    }
    for (int pass = 0; pass < 4; pass++) {
        stc_list single = {0};
        stc_node *one[1];
        const stc_list *l;
        if (pass == 0) {
            l = &args->l1;
        } else if (pass == 1) {
            if (!args->a)
                continue;
            one[0] = args->a;
            single.items = one;
            single.count = 1;
            l = &single;
        } else if (pass == 2) {
            l = &args->l2;
        } else {
            if (!args->b)
                continue;
            one[0] = args->b;
            single.items = one;
            single.count = 1;
            l = &single;
        }
        for (size_t i = pass == 0 ? start : 0; i < l->count; i++) {
            stc_node *a = l->items[i];
            stc_param *p = &m->params[m->nparams++];
            p->name = stc_xstrdup(a->id ? a->id : "");
            p->pos = a->pos;
            p->annotation_node = a->a;
            p->default_node = a->b;
            p->annotation = a->a ? stc_module_text(mod, a->a->pos) : NULL;
            p->default_text = a->b ? stc_module_text(mod, a->b->pos) : NULL;
            p->posonly = pass == 0 && (int)i < args->level;
            p->vararg = pass == 1;
            p->kwonly = pass == 2;
            p->kwarg = pass == 3;
        }
    }
}

static void stc_build_class(stc_module *mod, stc_node *cls, stc_class *out)
{
    out->name = stc_xstrdup(cls->id ? cls->id : "");
    out->pos = cls->pos;
    out->def = cls;
    size_t n = 0;
    for (size_t i = 0; i < cls->l0.count; i++) {
        stc_node_kind k = cls->l0.items[i]->kind;
        if (k == STC_N_FUNCTION_DEF || k == STC_N_ASYNC_FUNCTION_DEF)
            n++;
    }
    out->methods = stc_xcalloc(n ? n : 1, sizeof *out->methods);
    for (size_t i = 0; i < cls->l0.count; i++) {
        stc_node *f = cls->l0.items[i];
        if (f->kind != STC_N_FUNCTION_DEF && f->kind != STC_N_ASYNC_FUNCTION_DEF)
            continue;
        stc_method *m = &out->methods[out->nmethods++];
        m->name = stc_xstrdup(f->id ? f->id : "");
        m->is_async = f->kind == STC_N_ASYNC_FUNCTION_DEF;
        m->pos = f->pos;
        m->def = f;
        m->body = &f->l0;
        /* The name follows "def " or "async def " on the def line. */
        m->name_pos = f->pos;
        m->name_pos.col = f->pos.col + (m->is_async ? 10 : 4);
        m->name_pos.end_line = f->pos.line;
        m->name_pos.end_col = m->name_pos.col + stc_utf8_count(m->name, strlen(m->name));
        if (f->l1.count) {
            m->decorators = stc_xcalloc(f->l1.count, sizeof *m->decorators);
            for (size_t j = 0; j < f->l1.count; j++) {
                char *t = stc_module_text(mod, f->l1.items[j]->pos);
                m->decorators[m->ndecorators++] = t ? t : stc_xstrdup("?");
            }
        }
        m->returns = f->b ? stc_module_text(mod, f->b->pos) : NULL;
        stc_build_params(mod, m, f->a);
    }
}

static void stc_add_syntax_error(stc_conv *cv, PyObject *exc)
{
    PyObject *msg = PyObject_GetAttrString(exc, "msg");
    PyErr_Clear();
    long line = stc_py_long_attr(exc, s_lineno, 0);
    PyObject *off = PyObject_GetAttrString(exc, "offset");
    PyErr_Clear();
    long col = off && PyLong_Check(off) ? PyLong_AsLong(off) : 0;
    Py_XDECREF(off);
    char *m = msg ? stc_py_str(msg) : stc_xstrdup("invalid syntax");
    Py_XDECREF(msg);
    const char *tname = Py_TYPE(exc)->tp_name;
    stc_diag *dg = stc_diag_add(cv->d, STC_SEV_ERROR, cv->file, (int)line, (int)(col > 0 ? col : 1),
                                "STC001", "%s: %s",
                                strcmp(tname, "SyntaxError") == 0 ? "syntax error" : tname, m);
    (void)dg;
    free(m);
}

stc_module *stc_parse_source(const char *file, const char *source, size_t len, stc_diags *d)
{
    char *err = NULL;
    if (stc_py_init(&err) != 0) {
        stc_diag_add(d, STC_SEV_ERROR, file, 0, 0, "STC004", "%s", err);
        free(err);
        return NULL;
    }
    /* A UTF-8 byte order mark is an encoding declaration for Python (PEP 263;
     * editors on Windows write one), not part of the text: without this the
     * module failed with "invalid non-printable character U+FEFF". Positions
     * count from the first character after it, as editors show them. */
    if (len >= 3 && memcmp(source, "\xEF\xBB\xBF", 3) == 0) {
        source += 3;
        len -= 3;
    }
    stc_conv cv = {.file = file, .src = source, .len = len, .d = d, .max_depth = STC_PARSE_MAX_DEPTH};

    /* Line starts, for byte -> code point columns and diagnostics. */
    size_t cap = 64;
    cv.line_starts = stc_xmalloc(cap * sizeof *cv.line_starts);
    cv.line_starts[cv.nlines++] = 0;
    cv.ascii = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)source[i];
        if (c & 0x80)
            cv.ascii = false;
        if (c == '\n') {
            if (cv.nlines == cap) {
                cap *= 2;
                cv.line_starts = stc_xrealloc(cv.line_starts, cap * sizeof *cv.line_starts);
            }
            cv.line_starts[cv.nlines++] = i + 1;
        }
    }
    size_t bad = 0;
    stc_module *mod = NULL;
    if (!stc_utf8_valid(source, len, &bad)) {
        size_t line = 1;
        while (line < cv.nlines && cv.line_starts[line] <= bad)
            line++;
        size_t col = (size_t)stc_utf8_count(source + cv.line_starts[line - 1], bad - cv.line_starts[line - 1]) + 1;
        stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, file, (int)line, (int)col, "STC002",
                                    "the file is not valid UTF-8 (byte 0x%02x at offset %zu)",
                                    (unsigned char)source[bad], bad);
        stc_diag_set_hint(dg, "save the module as UTF-8, as Python 3 expects by default");
        goto out;
    }
    const char *nul = memchr(source, '\0', len);
    if (nul) {
        size_t off = (size_t)(nul - source);
        size_t line = 1;
        while (line < cv.nlines && cv.line_starts[line] <= off)
            line++;
        stc_diag_add(d, STC_SEV_ERROR, file, (int)line,
                     stc_utf8_count(source + cv.line_starts[line - 1], off - cv.line_starts[line - 1]) + 1,
                     "STC002", "the file contains a NUL byte");
        goto out;
    }

    char *text = stc_xstrndup(source, len);
    PyCompilerFlags flags = _PyCompilerFlags_INIT;
    flags.cf_flags = PyCF_ONLY_AST | PyCF_IGNORE_COOKIE;
    PyObject *tree = Py_CompileStringExFlags(text, file, Py_file_input, &flags, -1);
    if (!tree) {
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (value && PyErr_GivenExceptionMatches(value, PyExc_SyntaxError)) {
            stc_add_syntax_error(&cv, value);
        } else if (value && (PyErr_GivenExceptionMatches(value, PyExc_RecursionError) ||
                             PyErr_GivenExceptionMatches(value, PyExc_MemoryError))) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, file, 1, 1, "STC003",
                                        "the module is nested too deeply for Python's parser");
            stc_diag_set_hint(dg, "split deeply nested expressions into several statements");
        } else {
            char *m = value ? stc_py_str(value) : stc_xstrdup("unknown error");
            stc_diag_add(d, STC_SEV_ERROR, file, 1, 1, "STC001", "cannot parse: %s", m);
            free(m);
        }
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        free(text);
        goto out;
    }
    free(text);

    mod = stc_xcalloc(1, sizeof *mod);
    mod->file = stc_xstrdup(file);
    mod->source = stc_xstrndup(source, len);
    mod->source_len = len;
    mod->line_starts = cv.line_starts; /* shared with cv until `out` */
    mod->nlines = cv.nlines;
    PyObject *body = PyObject_GetAttrString(tree, "body");
    PyErr_Clear();
    stc_convert_list(&cv, body, &mod->body, 0, false);
    Py_XDECREF(body);
    Py_DECREF(tree);
    if (cv.too_deep) {
        stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, file, 1, 1, "STC003",
                                    "the module nests expressions or blocks more than %d deep",
                                    STC_PARSE_MAX_DEPTH);
        stc_diag_set_hint(dg, "split deeply nested expressions into several statements");
        mod->line_starts = NULL; /* still owned by cv, freed below */
        stc_module_free(mod);
        mod = NULL;
        goto out;
    }
    size_t ncls = 0;
    for (size_t i = 0; i < mod->body.count; i++) {
        stc_node *s = mod->body.items[i];
        switch (s->kind) {
        case STC_N_IMPORT:
        case STC_N_IMPORT_FROM:
            stc_list_push(&mod->imports, s);
            break;
        case STC_N_ASSIGN:
        case STC_N_ANN_ASSIGN:
        case STC_N_AUG_ASSIGN:
            stc_list_push(&mod->globals, s);
            break;
        case STC_N_FUNCTION_DEF:
        case STC_N_ASYNC_FUNCTION_DEF:
            stc_list_push(&mod->functions, s);
            break;
        case STC_N_CLASS_DEF:
            ncls++;
            break;
        default:
            break;
        }
    }
    mod->classes = stc_xcalloc(ncls ? ncls : 1, sizeof *mod->classes);
    for (size_t i = 0; i < mod->body.count; i++)
        if (mod->body.items[i]->kind == STC_N_CLASS_DEF)
            stc_build_class(mod, mod->body.items[i], &mod->classes[mod->nclasses++]);
    mod->service = mod->nclasses ? &mod->classes[mod->nclasses - 1] : NULL;
out:
    if (!mod)
        free(cv.line_starts); /* otherwise the module owns it */
    return mod;
}

stc_module *stc_parse_file(const char *path, stc_diags *d, int *io_error)
{
    char *src = NULL, *err = NULL;
    size_t len = 0;
    if (io_error)
        *io_error = 0;
    if (stc_file_read(path, &src, &len, &err) != 0) {
        stc_diag_add(d, STC_SEV_ERROR, path, 0, 0, "STC002", "%s", err);
        free(err);
        if (io_error)
            *io_error = 1;
        return NULL;
    }
    stc_module *m = stc_parse_source(path, src, len, d);
    free(src);
    return m;
}
