/* parse.c - Python source -> C IR. See parse.h and ir_nodes.def.
 *
 * CPython's own parser reads the module into its C AST (the structs of
 * internal/pycore_ast.h, in an arena), and this file converts that tree to the
 * IR. It does not build the AST as Python objects (what ast.parse and
 * Py_CompileString(PyCF_ONLY_AST) return): that conversion, and then reading
 * every field back through getattr, took more time than the parse itself.
 * The C AST is internal to CPython, so the project links Debian's static
 * libpython (see core/CMakeLists.txt).
 *
 * Python references: the arena owns the tree and its identifiers and
 * constants; every other PyObject obtained here is released before the
 * function that got it returns; no Python object is kept in the IR.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
/* The parser's entry point and the C AST are CPython internals. */
#ifndef Py_BUILD_CORE
#define Py_BUILD_CORE 1
#endif
#include "internal/pycore_ast.h"
#include "internal/pycore_parser.h"

#include "core/parse.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#ifndef STC_PYTHON_HOME
#define STC_PYTHON_HOME "/usr"
#endif

static bool py_ready;

int stc_py_init(char **err)
{
    if (py_ready)
        return 0;
    stc_py_enter();
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    config.write_bytecode = 0;
    config.parse_argv = 0;
    /* No `import site` at start-up (as python3 -S): the compiler needs only
     * the parser, and site's path set-up took ~5 ms of every command's start
     * (a third of a small service's compile). --run-local (core/pyrun.c),
     * which imports the user's module and so its third-party imports, runs
     * site.main() itself. */
    config.site_import = 0;
    /* The core phase only: the parser needs the runtime, the unicode and
     * arena allocators and the built-in modules, not the import system's
     * path finders, the encodings package nor sys.stdout, whose set-up
     * (init_interp_main) was ~3 ms of every command (a tenth of `template`
     * on the 200-method bench service). stc_py_init_main() completes it. */
    config._init_main = 0;
    PyStatus st = PyConfig_SetBytesString(&config, &config.home, STC_PYTHON_HOME);
    if (!PyStatus_Exception(st))
        st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    stc_py_leave();
    if (PyStatus_Exception(st)) {
        *err = stc_xasprintf("cannot start the embedded Python: %s",
                             st.err_msg ? st.err_msg : "unknown error");
        return -1;
    }
    py_ready = true;
    return 0;
}

static bool py_main_ready;

int stc_py_init_main(char **err)
{
    if (stc_py_init(err) != 0)
        return -1;
    if (py_main_ready)
        return 0;
    stc_py_enter();
    PyStatus st = _Py_InitializeMain();
    stc_py_leave();
    if (PyStatus_Exception(st)) {
        *err = stc_xasprintf("cannot start the embedded Python: %s", st.err_msg ? st.err_msg : "unknown error");
        return -1;
    }
    py_main_ready = true;
    return 0;
}

bool stc_py_ran_code(void)
{
    return py_main_ready;
}

void stc_py_finalize(void)
{
    if (!py_ready)
        return;
    stc_py_enter();
    Py_FinalizeEx();
    stc_py_leave();
    py_ready = py_main_ready = false;
}

/* ---- conversion ----------------------------------------------------------
 *
 * One function per kind of C AST node (statement, expression, and the helper
 * structs), each filling the IR slots ir_nodes.def lists for that kind. A
 * child is converted at depth + 1, so is each item of a list. */

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

/* Positions: CPython's columns are UTF-8 byte offsets from 0; the IR's count
 * code points from 1. A node without a line (line 0) keeps a zero position. */
static void stc_set_pos(const stc_conv *cv, stc_pos *pos, int line, int col, int eline, int ecol)
{
    if (line <= 0)
        return;
    pos->line = line;
    pos->col = stc_col_from_bytes(cv, line, col);
    pos->end_line = eline;
    pos->end_col = stc_col_from_bytes(cv, eline, ecol);
}

#define STC_SET_POS(cv, n, x) \
    stc_set_pos((cv), &(n)->pos, (x)->lineno, (x)->col_offset, (x)->end_lineno, (x)->end_col_offset)

/* The integer attribute `name` of o, or 0 (CPython's lock held, errors cleared). */
static long stc_py_long_attr(PyObject *o, const char *name)
{
    PyObject *v = PyObject_GetAttrString(o, name);
    long r = v && PyLong_Check(v) ? PyLong_AsLong(v) : 0;
    Py_XDECREF(v);
    if (PyErr_Occurred()) {
        PyErr_Clear();
        r = 0;
    }
    return r;
}

/* `o` as text (str(o) when it is not a str), an allocated UTF-8 copy; NULL
 * for NULL or None. */
static char *stc_py_str(PyObject *o)
{
    if (!o || o == Py_None)
        return NULL;
    stc_py_enter();
    PyObject *s = PyUnicode_Check(o) ? Py_NewRef(o) : PyObject_Str(o);
    Py_ssize_t n = 0;
    const char *u = s ? PyUnicode_AsUTF8AndSize(s, &n) : NULL;
    PyObject *b = NULL;
    if (s && !u) { /* lone surrogates */
        PyErr_Clear();
        b = PyUnicode_AsEncodedString(s, "utf-8", "backslashreplace");
    }
    if (!u && !b)
        PyErr_Clear();
    stc_py_leave();
    char *r = u   ? stc_xstrndup(u, (size_t)n)
              : b ? stc_xstrndup(PyBytes_AS_STRING(b), (size_t)PyBytes_GET_SIZE(b))
                  : stc_xstrdup("?");
    stc_py_enter();
    Py_XDECREF(b);
    Py_XDECREF(s);
    stc_py_leave();
    return r;
}

/* Operator texts, indexed by CPython's enum values (which start at 1). */
static const char *stc_operator_text(operator_ty op)
{
    static const char *const t[] = {"?",  "+",  "-",  "*",  "@",  "/", "%",
                                    "**", "<<", ">>", "|",  "^",  "&", "//"};
    return (size_t)op < STC_ARRAY_LEN(t) ? t[op] : "?";
}

static const char *stc_boolop_text(boolop_ty op)
{
    return op == And ? "and" : op == Or ? "or" : "?";
}

static const char *stc_unaryop_text(unaryop_ty op)
{
    static const char *const t[] = {"?", "~", "not", "+", "-"};
    return (size_t)op < STC_ARRAY_LEN(t) ? t[op] : "?";
}

static const char *stc_cmpop_text(int op)
{
    static const char *const t[] = {"?", "==", "!=", "<", "<=", ">", ">=", "is", "is not", "in", "not in"};
    return op >= 0 && (size_t)op < STC_ARRAY_LEN(t) ? t[op] : "?";
}

static stc_node *stc_op_node(const char *text)
{
    stc_node *op = stc_node_new(STC_N_OP);
    op->id = stc_xstrdup(text);
    return op;
}

/* Set when the depth limit is passed; the whole module is then refused. */
static bool stc_too_deep(stc_conv *cv, int depth)
{
    if (depth > cv->max_depth) {
        cv->too_deep = true;
        return true;
    }
    return false;
}

static stc_node *stc_expr(stc_conv *cv, expr_ty e, int depth);
static stc_node *stc_stmt(stc_conv *cv, stmt_ty s, int depth);

/* A list of child nodes. `conv` takes one element of the sequence. Absent
 * elements (a NULL key in a Dict: {**x}) are kept as NULL only when
 * keep_null is set. */
typedef stc_node *(*stc_elem_conv)(stc_conv *cv, void *elem, int depth);

static void stc_seq(stc_conv *cv, asdl_seq *seq, stc_list *out, int depth, bool keep_null,
                    stc_elem_conv conv)
{
    if (!seq)
        return;
    Py_ssize_t n = asdl_seq_LEN(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        void *item = asdl_seq_GET_UNTYPED(seq, i);
        if (!item) {
            if (keep_null)
                stc_list_push(out, NULL);
            continue;
        }
        stc_node *c = conv(cv, item, depth + 1);
        if (c)
            stc_list_push(out, c);
    }
}

static stc_node *stc_expr_elem(stc_conv *cv, void *e, int depth) { return stc_expr(cv, e, depth); }
static stc_node *stc_stmt_elem(stc_conv *cv, void *s, int depth) { return stc_stmt(cv, s, depth); }

#define STC_EXPRS(cv, seq, out, depth) stc_seq((cv), (asdl_seq *)(seq), (out), (depth), false, stc_expr_elem)
#define STC_STMTS(cv, seq, out, depth) stc_seq((cv), (asdl_seq *)(seq), (out), (depth), false, stc_stmt_elem)

static stc_node *stc_arg(stc_conv *cv, void *p, int depth)
{
    arg_ty a = p;
    if (stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_ARG);
    STC_SET_POS(cv, n, a);
    n->id = stc_py_str(a->arg);
    n->a = stc_expr(cv, a->annotation, depth + 1);
    return n;
}

static stc_node *stc_keyword(stc_conv *cv, void *p, int depth)
{
    keyword_ty k = p;
    if (stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_KEYWORD);
    STC_SET_POS(cv, n, k);
    n->id = stc_py_str(k->arg);
    n->a = stc_expr(cv, k->value, depth + 1);
    return n;
}

static stc_node *stc_alias(stc_conv *cv, void *p, int depth)
{
    alias_ty a = p;
    if (stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_ALIAS);
    STC_SET_POS(cv, n, a);
    n->id = stc_py_str(a->name);
    n->sval = stc_py_str(a->asname);
    return n;
}

/* withitem, comprehension and arguments carry no position in CPython. */
static stc_node *stc_withitem(stc_conv *cv, void *p, int depth)
{
    withitem_ty w = p;
    if (stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_WITH_ITEM);
    n->a = stc_expr(cv, w->context_expr, depth + 1);
    n->b = stc_expr(cv, w->optional_vars, depth + 1);
    return n;
}

static stc_node *stc_comprehension(stc_conv *cv, void *p, int depth)
{
    comprehension_ty c = p;
    if (stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_COMPREHENSION);
    n->a = stc_expr(cv, c->target, depth + 1);
    n->b = stc_expr(cv, c->iter, depth + 1);
    STC_EXPRS(cv, c->ifs, &n->l1, depth);
    n->level = c->is_async;
    return n;
}

static stc_node *stc_handler(stc_conv *cv, void *p, int depth)
{
    excepthandler_ty h = p;
    if (stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_EXCEPT_HANDLER);
    STC_SET_POS(cv, n, h);
    n->a = stc_expr(cv, h->v.ExceptHandler.type, depth + 1);
    n->id = stc_py_str(h->v.ExceptHandler.name);
    STC_STMTS(cv, h->v.ExceptHandler.body, &n->l0, depth);
    return n;
}

/* arguments: l1 = posonlyargs + args (ARG nodes, defaults in b), level = number
 * of posonly ones, l2 = kwonlyargs (defaults in b), a = *vararg, b = **kwarg. */
static stc_node *stc_arguments(stc_conv *cv, arguments_ty args, int depth)
{
    if (!args || stc_too_deep(cv, depth))
        return NULL;
    stc_node *n = stc_node_new(STC_N_ARGUMENTS);
    stc_seq(cv, (asdl_seq *)args->posonlyargs, &n->l1, depth, false, stc_arg);
    n->level = (int)n->l1.count;
    stc_seq(cv, (asdl_seq *)args->args, &n->l1, depth, false, stc_arg);
    if (args->defaults) {
        Py_ssize_t nd = asdl_seq_LEN(args->defaults);
        size_t first = n->l1.count >= (size_t)nd ? n->l1.count - (size_t)nd : 0;
        for (Py_ssize_t i = 0; i < nd && first + (size_t)i < n->l1.count; i++)
            n->l1.items[first + (size_t)i]->b = stc_expr(cv, asdl_seq_GET(args->defaults, i), depth + 1);
    }
    stc_seq(cv, (asdl_seq *)args->kwonlyargs, &n->l2, depth, false, stc_arg);
    if (args->kw_defaults) {
        Py_ssize_t nd = asdl_seq_LEN(args->kw_defaults);
        for (Py_ssize_t i = 0; i < nd && (size_t)i < n->l2.count; i++) {
            expr_ty dv = asdl_seq_GET(args->kw_defaults, i);
            if (dv)
                n->l2.items[i]->b = stc_expr(cv, dv, depth + 1);
        }
    }
    if (args->vararg)
        n->a = stc_arg(cv, args->vararg, depth + 1);
    if (args->kwarg)
        n->b = stc_arg(cv, args->kwarg, depth + 1);
    return n;
}

static void stc_constant(PyObject *v, stc_node *n)
{
    if (!v || v == Py_None) {
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
        stc_py_enter(); /* the UTF-8 form is made once and kept in the object */
        const char *s = PyUnicode_AsUTF8AndSize(v, &len);
        if (!s)
            PyErr_Clear();
        stc_py_leave();
        if (s) {
            n->sval = stc_xstrndup(s, (size_t)len);
            n->slen = (size_t)len;
        } else {
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
}

/* The IR kind of each C AST expression kind (CPython's enum starts at 1). */
static const stc_node_kind stc_expr_kinds[] = {
    [BoolOp_kind] = STC_N_BOOL_OP,         [NamedExpr_kind] = STC_N_NAMED_EXPR,
    [BinOp_kind] = STC_N_BIN_OP,           [UnaryOp_kind] = STC_N_UNARY_OP,
    [Lambda_kind] = STC_N_LAMBDA,          [IfExp_kind] = STC_N_IF_EXP,
    [Dict_kind] = STC_N_DICT,              [Set_kind] = STC_N_SET,
    [ListComp_kind] = STC_N_LIST_COMP,     [SetComp_kind] = STC_N_SET_COMP,
    [DictComp_kind] = STC_N_DICT_COMP,     [GeneratorExp_kind] = STC_N_GENERATOR_EXP,
    [Await_kind] = STC_N_AWAIT,            [Yield_kind] = STC_N_YIELD,
    [YieldFrom_kind] = STC_N_YIELD_FROM,   [Compare_kind] = STC_N_COMPARE,
    [Call_kind] = STC_N_CALL,              [FormattedValue_kind] = STC_N_FORMATTED_VALUE,
    [JoinedStr_kind] = STC_N_JOINED_STR,   [Constant_kind] = STC_N_CONSTANT,
    [Attribute_kind] = STC_N_ATTRIBUTE,    [Subscript_kind] = STC_N_SUBSCRIPT,
    [Starred_kind] = STC_N_STARRED,        [Name_kind] = STC_N_NAME,
    [List_kind] = STC_N_LIST,              [Tuple_kind] = STC_N_TUPLE,
    [Slice_kind] = STC_N_SLICE,
};

static stc_node *stc_expr(stc_conv *cv, expr_ty e, int depth)
{
    if (!e || stc_too_deep(cv, depth))
        return NULL;
    if ((size_t)e->kind >= STC_ARRAY_LEN(stc_expr_kinds) || e->kind < 1) {
        /* An expression kind newer than this converter. */
        stc_node *n = stc_node_new(STC_N_UNSUPPORTED);
        n->owned_type = stc_xasprintf("expr kind %d", (int)e->kind);
        n->py_type = n->owned_type;
        STC_SET_POS(cv, n, e);
        return n;
    }
    stc_node *n = stc_node_new(stc_expr_kinds[e->kind]);
    STC_SET_POS(cv, n, e);
    int d = depth + 1;
    switch (e->kind) {
    case BoolOp_kind:
        n->id = stc_xstrdup(stc_boolop_text(e->v.BoolOp.op));
        STC_EXPRS(cv, e->v.BoolOp.values, &n->l1, depth);
        break;
    case NamedExpr_kind:
        n->a = stc_expr(cv, e->v.NamedExpr.target, d);
        n->b = stc_expr(cv, e->v.NamedExpr.value, d);
        break;
    case BinOp_kind:
        n->a = stc_expr(cv, e->v.BinOp.left, d);
        n->id = stc_xstrdup(stc_operator_text(e->v.BinOp.op));
        n->b = stc_expr(cv, e->v.BinOp.right, d);
        break;
    case UnaryOp_kind:
        n->id = stc_xstrdup(stc_unaryop_text(e->v.UnaryOp.op));
        n->a = stc_expr(cv, e->v.UnaryOp.operand, d);
        break;
    case Lambda_kind:
        n->a = stc_arguments(cv, e->v.Lambda.args, d);
        n->b = stc_expr(cv, e->v.Lambda.body, d);
        break;
    case IfExp_kind:
        n->a = stc_expr(cv, e->v.IfExp.test, d);
        n->b = stc_expr(cv, e->v.IfExp.body, d);
        n->c = stc_expr(cv, e->v.IfExp.orelse, d);
        break;
    case Dict_kind:
        stc_seq(cv, (asdl_seq *)e->v.Dict.keys, &n->l1, depth, true, stc_expr_elem);
        STC_EXPRS(cv, e->v.Dict.values, &n->l2, depth);
        break;
    case Set_kind:
        STC_EXPRS(cv, e->v.Set.elts, &n->l1, depth);
        break;
    case ListComp_kind:
        n->a = stc_expr(cv, e->v.ListComp.elt, d);
        stc_seq(cv, (asdl_seq *)e->v.ListComp.generators, &n->l1, depth, false, stc_comprehension);
        break;
    case SetComp_kind:
        n->a = stc_expr(cv, e->v.SetComp.elt, d);
        stc_seq(cv, (asdl_seq *)e->v.SetComp.generators, &n->l1, depth, false, stc_comprehension);
        break;
    case DictComp_kind:
        n->a = stc_expr(cv, e->v.DictComp.key, d);
        n->b = stc_expr(cv, e->v.DictComp.value, d);
        stc_seq(cv, (asdl_seq *)e->v.DictComp.generators, &n->l1, depth, false, stc_comprehension);
        break;
    case GeneratorExp_kind:
        n->a = stc_expr(cv, e->v.GeneratorExp.elt, d);
        stc_seq(cv, (asdl_seq *)e->v.GeneratorExp.generators, &n->l1, depth, false, stc_comprehension);
        break;
    case Await_kind:
        n->a = stc_expr(cv, e->v.Await.value, d);
        break;
    case Yield_kind:
        n->a = stc_expr(cv, e->v.Yield.value, d);
        break;
    case YieldFrom_kind:
        n->a = stc_expr(cv, e->v.YieldFrom.value, d);
        break;
    case Compare_kind:
        n->a = stc_expr(cv, e->v.Compare.left, d);
        if (e->v.Compare.ops)
            for (Py_ssize_t i = 0; i < asdl_seq_LEN(e->v.Compare.ops); i++)
                stc_list_push(&n->l2, stc_op_node(stc_cmpop_text(asdl_seq_GET(e->v.Compare.ops, i))));
        STC_EXPRS(cv, e->v.Compare.comparators, &n->l1, depth);
        break;
    case Call_kind:
        n->a = stc_expr(cv, e->v.Call.func, d);
        STC_EXPRS(cv, e->v.Call.args, &n->l1, depth);
        stc_seq(cv, (asdl_seq *)e->v.Call.keywords, &n->l2, depth, false, stc_keyword);
        break;
    case FormattedValue_kind:
        n->a = stc_expr(cv, e->v.FormattedValue.value, d);
        n->level = e->v.FormattedValue.conversion;
        n->b = stc_expr(cv, e->v.FormattedValue.format_spec, d);
        break;
    case JoinedStr_kind:
        STC_EXPRS(cv, e->v.JoinedStr.values, &n->l1, depth);
        break;
    case Constant_kind:
        stc_constant(e->v.Constant.value, n);
        break;
    case Attribute_kind:
        n->a = stc_expr(cv, e->v.Attribute.value, d);
        n->id = stc_py_str(e->v.Attribute.attr);
        break;
    case Subscript_kind:
        n->a = stc_expr(cv, e->v.Subscript.value, d);
        n->b = stc_expr(cv, e->v.Subscript.slice, d);
        break;
    case Starred_kind:
        n->a = stc_expr(cv, e->v.Starred.value, d);
        break;
    case Name_kind:
        n->id = stc_py_str(e->v.Name.id);
        break;
    case List_kind:
        STC_EXPRS(cv, e->v.List.elts, &n->l1, depth);
        break;
    case Tuple_kind:
        STC_EXPRS(cv, e->v.Tuple.elts, &n->l1, depth);
        break;
    case Slice_kind:
        n->a = stc_expr(cv, e->v.Slice.lower, d);
        n->b = stc_expr(cv, e->v.Slice.upper, d);
        n->c = stc_expr(cv, e->v.Slice.step, d);
        break;
    }
    return n;
}

/* Global and Nonlocal: the identifiers as NAME nodes at the statement. */
static void stc_names(stc_conv *cv, asdl_identifier_seq *names, stc_node *n)
{
    (void)cv;
    if (!names)
        return;
    for (Py_ssize_t i = 0; i < asdl_seq_LEN(names); i++) {
        stc_node *nm = stc_node_new(STC_N_NAME);
        nm->id = stc_py_str(asdl_seq_GET(names, i));
        nm->pos = n->pos;
        stc_list_push(&n->l1, nm);
    }
}

/* The IR kind of each C AST statement kind (CPython's enum starts at 1); Match
 * has no IR kind: it becomes UNSUPPORTED. */
static const stc_node_kind stc_stmt_kinds[] = {
    [FunctionDef_kind] = STC_N_FUNCTION_DEF, [AsyncFunctionDef_kind] = STC_N_ASYNC_FUNCTION_DEF,
    [ClassDef_kind] = STC_N_CLASS_DEF,       [Return_kind] = STC_N_RETURN,
    [Delete_kind] = STC_N_DELETE,            [Assign_kind] = STC_N_ASSIGN,
    [AugAssign_kind] = STC_N_AUG_ASSIGN,     [AnnAssign_kind] = STC_N_ANN_ASSIGN,
    [For_kind] = STC_N_FOR,                  [AsyncFor_kind] = STC_N_ASYNC_FOR,
    [While_kind] = STC_N_WHILE,              [If_kind] = STC_N_IF,
    [With_kind] = STC_N_WITH,                [AsyncWith_kind] = STC_N_ASYNC_WITH,
    [Match_kind] = STC_N_UNSUPPORTED,        [Raise_kind] = STC_N_RAISE,
    [Try_kind] = STC_N_TRY,                  [TryStar_kind] = STC_N_TRY_STAR,
    [Assert_kind] = STC_N_ASSERT,            [Import_kind] = STC_N_IMPORT,
    [ImportFrom_kind] = STC_N_IMPORT_FROM,   [Global_kind] = STC_N_GLOBAL,
    [Nonlocal_kind] = STC_N_NONLOCAL,        [Expr_kind] = STC_N_EXPR,
    [Pass_kind] = STC_N_PASS,                [Break_kind] = STC_N_BREAK,
    [Continue_kind] = STC_N_CONTINUE,
};

static stc_node *stc_stmt(stc_conv *cv, stmt_ty s, int depth)
{
    if (!s || stc_too_deep(cv, depth))
        return NULL;
    bool known = s->kind >= 1 && (size_t)s->kind < STC_ARRAY_LEN(stc_stmt_kinds);
    stc_node *n = stc_node_new(known ? stc_stmt_kinds[s->kind] : STC_N_UNSUPPORTED);
    STC_SET_POS(cv, n, s);
    int d = depth + 1;
    switch (s->kind) {
    case FunctionDef_kind:
    case AsyncFunctionDef_kind:
        /* FunctionDef and AsyncFunctionDef have the same fields. */
        n->id = stc_py_str(s->v.FunctionDef.name);
        n->a = stc_arguments(cv, s->v.FunctionDef.args, d);
        STC_STMTS(cv, s->v.FunctionDef.body, &n->l0, depth);
        STC_EXPRS(cv, s->v.FunctionDef.decorator_list, &n->l1, depth);
        n->b = stc_expr(cv, s->v.FunctionDef.returns, d);
        break;
    case ClassDef_kind:
        n->id = stc_py_str(s->v.ClassDef.name);
        STC_STMTS(cv, s->v.ClassDef.body, &n->l0, depth);
        STC_EXPRS(cv, s->v.ClassDef.bases, &n->l1, depth);
        stc_seq(cv, (asdl_seq *)s->v.ClassDef.keywords, &n->l2, depth, false, stc_keyword);
        STC_EXPRS(cv, s->v.ClassDef.decorator_list, &n->l3, depth);
        break;
    case Return_kind:
        n->a = stc_expr(cv, s->v.Return.value, d);
        break;
    case Delete_kind:
        STC_EXPRS(cv, s->v.Delete.targets, &n->l1, depth);
        break;
    case Assign_kind:
        STC_EXPRS(cv, s->v.Assign.targets, &n->l1, depth);
        n->a = stc_expr(cv, s->v.Assign.value, d);
        break;
    case AugAssign_kind:
        n->a = stc_expr(cv, s->v.AugAssign.target, d);
        n->id = stc_xstrdup(stc_operator_text(s->v.AugAssign.op));
        n->b = stc_expr(cv, s->v.AugAssign.value, d);
        break;
    case AnnAssign_kind:
        n->a = stc_expr(cv, s->v.AnnAssign.target, d);
        n->b = stc_expr(cv, s->v.AnnAssign.annotation, d);
        n->c = stc_expr(cv, s->v.AnnAssign.value, d);
        n->level = s->v.AnnAssign.simple;
        break;
    case For_kind:
    case AsyncFor_kind:
        /* For and AsyncFor have the same fields. */
        n->a = stc_expr(cv, s->v.For.target, d);
        n->b = stc_expr(cv, s->v.For.iter, d);
        STC_STMTS(cv, s->v.For.body, &n->l0, depth);
        STC_STMTS(cv, s->v.For.orelse, &n->l1, depth);
        break;
    case While_kind:
        n->a = stc_expr(cv, s->v.While.test, d);
        STC_STMTS(cv, s->v.While.body, &n->l0, depth);
        STC_STMTS(cv, s->v.While.orelse, &n->l1, depth);
        break;
    case If_kind:
        n->a = stc_expr(cv, s->v.If.test, d);
        STC_STMTS(cv, s->v.If.body, &n->l0, depth);
        STC_STMTS(cv, s->v.If.orelse, &n->l1, depth);
        break;
    case With_kind:
    case AsyncWith_kind:
        /* With and AsyncWith have the same fields. */
        stc_seq(cv, (asdl_seq *)s->v.With.items, &n->l1, depth, false, stc_withitem);
        STC_STMTS(cv, s->v.With.body, &n->l0, depth);
        break;
    case Raise_kind:
        n->a = stc_expr(cv, s->v.Raise.exc, d);
        n->b = stc_expr(cv, s->v.Raise.cause, d);
        break;
    case Try_kind:
    case TryStar_kind:
        /* Try and TryStar have the same fields. */
        STC_STMTS(cv, s->v.Try.body, &n->l0, depth);
        stc_seq(cv, (asdl_seq *)s->v.Try.handlers, &n->l1, depth, false, stc_handler);
        STC_STMTS(cv, s->v.Try.orelse, &n->l2, depth);
        STC_STMTS(cv, s->v.Try.finalbody, &n->l3, depth);
        break;
    case Assert_kind:
        n->a = stc_expr(cv, s->v.Assert.test, d);
        n->b = stc_expr(cv, s->v.Assert.msg, d);
        break;
    case Import_kind:
        stc_seq(cv, (asdl_seq *)s->v.Import.names, &n->l1, depth, false, stc_alias);
        break;
    case ImportFrom_kind:
        n->sval = stc_py_str(s->v.ImportFrom.module);
        stc_seq(cv, (asdl_seq *)s->v.ImportFrom.names, &n->l1, depth, false, stc_alias);
        n->level = s->v.ImportFrom.level;
        break;
    case Global_kind:
        stc_names(cv, s->v.Global.names, n);
        break;
    case Nonlocal_kind:
        stc_names(cv, s->v.Nonlocal.names, n);
        break;
    case Expr_kind:
        n->a = stc_expr(cv, s->v.Expr.value, d);
        break;
    case Pass_kind:
    case Break_kind:
    case Continue_kind:
        break;
    case Match_kind:
        n->owned_type = stc_xstrdup("Match");
        n->py_type = n->owned_type;
        break;
    default:
        /* A statement kind newer than this converter. */
        n->owned_type = stc_xasprintf("stmt kind %d", (int)s->kind);
        n->py_type = n->owned_type;
        break;
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
    if (m->ascii) { /* one byte per column, up to the line's end */
        size_t end = (size_t)line < m->nlines ? m->line_starts[line] - 1 : m->source_len;
        size_t want = col > 1 ? (size_t)col - 1 : 0;
        return off + want < end ? off + want : end;
    }
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

/* The parser's exception (pending) as a diagnostic; clears it. */
static void stc_add_parse_error(stc_conv *cv)
{
    stc_py_enter();
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    bool syntax = value && PyErr_GivenExceptionMatches(value, PyExc_SyntaxError);
    bool deep = value && (PyErr_GivenExceptionMatches(value, PyExc_RecursionError) ||
                          PyErr_GivenExceptionMatches(value, PyExc_MemoryError));
    PyObject *msg = NULL;
    long line = 0, col = 0;
    if (syntax) {
        msg = PyObject_GetAttrString(value, "msg");
        PyErr_Clear();
        line = stc_py_long_attr(value, "lineno");
        col = stc_py_long_attr(value, "offset");
    }
    stc_py_leave();
    if (syntax) {
        char *m = msg ? stc_py_str(msg) : stc_xstrdup("invalid syntax");
        const char *tname = Py_TYPE(value)->tp_name;
        stc_diag_add(cv->d, STC_SEV_ERROR, cv->file, (int)line, (int)(col > 0 ? col : 1), "STC001",
                     "%s: %s", strcmp(tname, "SyntaxError") == 0 ? "syntax error" : tname, m);
        free(m);
    } else if (deep) {
        stc_diag *dg = stc_diag_add(cv->d, STC_SEV_ERROR, cv->file, 1, 1, "STC003",
                                    "the module is nested too deeply for Python's parser");
        stc_diag_set_hint(dg, "split deeply nested expressions into several statements");
    } else {
        char *m = value ? stc_py_str(value) : stc_xstrdup("unknown error");
        stc_diag_add(cv->d, STC_SEV_ERROR, cv->file, 1, 1, "STC001", "cannot parse: %s", m);
        free(m);
    }
    stc_py_enter();
    Py_XDECREF(msg);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    stc_py_leave();
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
    /* What Py_CompileStringExFlags does for PyCF_ONLY_AST, without turning the
     * tree into Python objects (PyAST_mod2obj). */
    stc_py_enter();
    PyObject *fname = PyUnicode_DecodeFSDefault(file);
    PyArena *arena = fname ? _PyArena_New() : NULL;
    mod_ty tree = arena ? _PyParser_ASTFromString(text, fname, Py_file_input, &flags, arena) : NULL;
    Py_XDECREF(fname);
    if (!tree && arena)
        _PyArena_Free(arena);
    stc_py_leave();
    free(text);
    if (!tree) {
        stc_add_parse_error(&cv);
        goto out;
    }

    mod = stc_xcalloc(1, sizeof *mod);
    mod->file = stc_xstrdup(file);
    mod->source = stc_xstrndup(source, len);
    mod->source_len = len;
    mod->line_starts = cv.line_starts; /* shared with cv until `out` */
    mod->nlines = cv.nlines;
    mod->ascii = cv.ascii;
    if (tree->kind == Module_kind)
        STC_STMTS(&cv, tree->v.Module.body, &mod->body, 0);
    stc_py_enter();
    _PyArena_Free(arena);
    stc_py_leave();
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
