/* ir.h - the C IR of a Python service module.
 *
 * Built once from Python's own `ast` (core/parse.c) and plain C data after
 * that: nothing downstream touches Python objects. Every node has its
 * position: line and column count from 1; columns count code points (not
 * bytes); end_col is the column just past the node's last character.
 *
 * Ownership: a stc_module owns every node, list and string reachable from it;
 * stc_module_free() releases them all. Other structs hold borrowed pointers
 * into the module and must not outlive it.
 */
#ifndef STC_IR_H
#define STC_IR_H

#include <stdbool.h>
#include <stddef.h>

typedef struct stc_pos {
    int line, col;
    int end_line, end_col;
} stc_pos;

typedef enum stc_node_kind {
#define NODE(kind, pytype, slots) STC_N_##kind,
#include "core/ir_nodes.def"
#undef NODE
    STC_N__COUNT
} stc_node_kind;

typedef enum stc_const_kind {
    STC_CONST_NONE,
    STC_CONST_BOOL,
    STC_CONST_INT,     /* fits in long long: ival */
    STC_CONST_BIGINT,  /* does not fit: decimal text in sval */
    STC_CONST_FLOAT,   /* fval */
    STC_CONST_COMPLEX, /* repr text in sval */
    STC_CONST_STR,     /* UTF-8 in sval, slen bytes (may contain NUL) */
    STC_CONST_BYTES,   /* raw bytes in sval, slen bytes */
    STC_CONST_ELLIPSIS,
} stc_const_kind;

typedef struct stc_node stc_node;

typedef struct stc_list {
    stc_node **items;
    size_t count, cap;
} stc_list;

typedef struct stc_const {
    stc_const_kind kind;
    bool bval;
    long long ival;
    double fval;
} stc_const;

struct stc_node {
    stc_node_kind kind;
    stc_pos pos;        /* zero for nodes Python gives no position (arguments, op) */
    const char *py_type; /* Python class name; static for known kinds, owned (in
                            `owned_type`) for UNSUPPORTED */
    char *owned_type;
    char *id;           /* identifier / operator text, see ir_nodes.def */
    char *sval;         /* second string, or constant text/bytes */
    size_t slen;        /* length of sval for constants */
    int level;
    stc_const cval;     /* CONSTANT only (kind, bval, ival, fval; text in sval) */
    stc_node *a, *b, *c;
    stc_list l0, l1, l2, l3;
};

/* A method parameter (self excluded). Text fields are `ast.unparse` of the
 * annotation / default, NULL when absent. */
typedef struct stc_param {
    char *name;
    char *annotation;
    char *default_text;
    stc_node *annotation_node; /* borrowed from the module */
    stc_node *default_node;
    stc_pos pos;
    bool kwonly, posonly, vararg, kwarg;
} stc_param;

typedef struct stc_method {
    char *name;
    bool is_async;
    stc_pos pos;          /* the `def` statement (decorators excluded) */
    stc_pos name_pos;     /* the method name itself */
    char **decorators;    /* `ast.unparse` of each decorator */
    size_t ndecorators;
    char *self_name;      /* first positional parameter, usually "self"; NULL if none */
    stc_param *params;    /* parameters after self */
    size_t nparams;
    char *returns;        /* return annotation text or NULL */
    stc_node *def;        /* the FUNCTION_DEF / ASYNC_FUNCTION_DEF node */
    stc_list *body;       /* == &def->l0 */
} stc_method;

typedef struct stc_class {
    char *name;
    stc_pos pos;
    stc_node *def;        /* the CLASS_DEF node */
    stc_method *methods;  /* in definition order */
    size_t nmethods;
} stc_class;

typedef struct stc_module {
    char *file;           /* the path as given */
    char *source;         /* the whole text, NUL-terminated */
    size_t source_len;
    size_t *line_starts;  /* byte offset of each line's start (index 0 = line 1) */
    size_t nlines;
    bool ascii;           /* no byte >= 0x80: columns are byte offsets + 1 */
    stc_list body;        /* every module-level statement, owned */
    stc_list imports;     /* borrowed: module-level IMPORT / IMPORT_FROM nodes */
    stc_list globals;     /* borrowed: module-level ASSIGN / ANN_ASSIGN nodes */
    stc_list functions;   /* borrowed: module-level function definitions */
    stc_class *classes;   /* every module-level class, in order */
    size_t nclasses;
    stc_class *service;   /* the last class, or NULL */
} stc_module;

const char *stc_node_kind_name(stc_node_kind k);   /* "IF" */
const char *stc_node_kind_pytype(stc_node_kind k); /* "If" */
bool stc_node_is_stmt(const stc_node *n);

void stc_list_push(stc_list *l, stc_node *n);
stc_node *stc_node_new(stc_node_kind kind);
void stc_node_free(stc_node *n);
void stc_module_free(stc_module *m);

/* Find the method `name` of the service class, or NULL. */
stc_method *stc_module_method(const stc_module *m, const char *name);

/* Debug/test dump: one node per line, indented, e.g.
 * "IF 3:5-4:12\n  NAME ok 3:8-3:10\n". */
char *stc_node_dump(const stc_node *n);

#endif
