/* ast.h - the JSONata syntax tree: the tokenizer (lexer.c), the Pratt parser
 * and its post-processing into paths, stages and bindings (parser.c), as the
 * reference's parser.js builds them (internal to stepsim/jsonata/).
 *
 * Node types and fields follow parser.js one for one, so the evaluator reads
 * like the reference's: a path's steps, a step's stages and predicates, the
 * tuple flags of context (`@`) and position (`#`) bindings, the ancestor
 * slots of `%`, the thunks of tail calls.
 *
 * Ownership: every node, string, literal value and signature lives in the
 * arena of the jn_ctx given to jn_parse (a compiled expression's own context,
 * or the evaluation's for $eval); compiled regular expressions are freed by
 * that arena's jn_defer. A tree is read-only once jn_parse returns: the
 * evaluator never writes to it, so one tree serves several threads.
 */
#ifndef STC_JSONATA_AST_H
#define STC_JSONATA_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stepsim/jsonata/value.h"

/* ---- tokens (lexer.c) ---- */

typedef enum jn_tok_type {
    JN_TOK_END,
    JN_TOK_NAME,
    JN_TOK_VARIABLE,
    JN_TOK_OPERATOR,
    JN_TOK_STRING,
    JN_TOK_NUMBER,
    JN_TOK_VALUE, /* true false null */
    JN_TOK_REGEX,
} jn_tok_type;

typedef struct jn_token {
    jn_tok_type type;
    const char *s; /* name, variable, operator, string (decoded, NUL-terminated), regex pattern */
    size_t len;
    double num;        /* number */
    jn_val *value;     /* value: jn_true(), jn_false() or jn_null() */
    const char *flags; /* regex: "", "i", "m", "im"... as written (without the reference's 'g') */
    int position;      /* UTF-16 units, after the token, as the reference counts */
} jn_token;

/* A syntax error of the tokenizer or the parser. token_val is the token as
 * the reference holds it (a number token is a number) for the message. */
typedef struct jn_syntax_error {
    char code[8];
    int position;
    const char *token; /* text, or NULL */
    jn_val *token_val;
    jn_val *value;
} jn_syntax_error;

typedef struct jn_lexer {
    jn_ctx *cx;
    const char *src;
    size_t len, pos; /* bytes */
    int *pos16;      /* UTF-16 position of every byte offset (len + 1 entries) */
    jn_syntax_error *err;
    void *jmp;       /* jmp_buf * of the parser */
} jn_lexer;

void jn_lexer_init(jn_lexer *lx, jn_ctx *cx, const char *src, size_t len);
/* The next token; `infix`: a '/' here divides (the reference's `prefix`
 * argument), else it starts a regular expression. JN_TOK_END at the end. */
jn_token jn_lexer_next(jn_lexer *lx, bool infix);

/* ---- the tree ---- */

typedef enum jn_ntype {
    JN_N_NONE,
    /* the parser's */
    JN_N_BINARY,
    JN_N_UNARY,
    JN_N_NAME,
    JN_N_VARIABLE,
    JN_N_STRING,
    JN_N_NUMBER,
    JN_N_VALUE,
    JN_N_REGEX,
    JN_N_OPERATOR, /* a bare operator token: `?` of a partial application, or and/or/in as names */
    JN_N_WILDCARD,
    JN_N_DESCENDANT,
    JN_N_PARENT,
    JN_N_FUNCTION,
    JN_N_PARTIAL,
    JN_N_LAMBDA,
    JN_N_CONDITION,
    JN_N_BLOCK,
    JN_N_TRANSFORM,
    JN_N_END, /* the end token where an operand was expected */
    /* the post-processing's */
    JN_N_PATH,
    JN_N_BIND,
    JN_N_APPLY,
    JN_N_SORT,
} jn_ntype;

/* Operators of binary and unary nodes. */
typedef enum jn_op {
    JN_OP_NONE,
    JN_OP_DOT,     /* . */
    JN_OP_PLUS,    /* + */
    JN_OP_MINUS,   /* - */
    JN_OP_MUL,     /* * */
    JN_OP_DIV,     /* / */
    JN_OP_MOD,     /* % */
    JN_OP_EQ,      /* = */
    JN_OP_NE,      /* != */
    JN_OP_LT,      /* < */
    JN_OP_LE,      /* <= */
    JN_OP_GT,      /* > */
    JN_OP_GE,      /* >= */
    JN_OP_CONCAT,  /* & */
    JN_OP_AND,     /* and */
    JN_OP_OR,      /* or */
    JN_OP_IN,      /* in */
    JN_OP_RANGE,   /* .. */
    JN_OP_APPLY,   /* ~> */
    JN_OP_PRED,    /* [ (filter) */
    JN_OP_ARRAY,   /* [ (array constructor, unary) */
    JN_OP_OBJECT,  /* { (object constructor unary, group binary) */
    JN_OP_SORT,    /* ^ */
    JN_OP_BIND,    /* := */
    JN_OP_FOCUS,   /* @ */
    JN_OP_INDEX,   /* # */
} jn_op;

typedef struct jn_node jn_node;

/* A slot for the parent operator `%`: its label names the binding of the
 * ancestor in the tuple stream ("!0", "!1"...). */
typedef struct jn_slot {
    const char *label;
    int level;
    int index;
} jn_slot;

/* A stage of a step: a filter (expr) or a position binding (name). */
typedef struct jn_stage {
    bool is_index;
    jn_node *expr;
    const char *name; /* index: the variable's name */
    size_t nlen;
    int position;
} jn_stage;

typedef struct jn_nodes {
    jn_node **v;
    int n, cap;
} jn_nodes;

typedef struct jn_stages {
    jn_stage *v;
    int n, cap;
} jn_stages;

typedef struct jn_slots {
    jn_slot **v;
    int n, cap;
} jn_slots;

/* A grouping expression ({...} after a step, or the object constructor). */
typedef struct jn_group {
    jn_nodes pairs; /* key, value, key, value... */
    int position;
} jn_group;

typedef struct jn_sortterm {
    bool descending;
    jn_node *expr;
} jn_sortterm;

struct jn_node {
    jn_ntype type;
    jn_op op;
    int sym;       /* the parser's symbol (parser.c only) */
    int position;
    /* the token's text: names, variables (without '$'), operators, strings */
    const char *str;
    size_t slen;
    uint32_t hash;  /* of str, for names and variables */
    jn_val *lit;    /* string, number, value: the literal */
    double num;     /* number */

    jn_node *lhs, *rhs;        /* binary, bind, apply */
    jn_node *expression;       /* unary minus */
    jn_nodes exprs;            /* array constructor, block */
    jn_group *object;          /* unary { (the pairs) and binary { in the parser */
    jn_nodes steps;            /* path */
    jn_nodes args;             /* function, partial, lambda (variables) */
    jn_node *procedure;        /* function, partial */
    jn_node *body;             /* lambda */
    const jn_sig *signature;   /* lambda */
    jn_node *condition, *then, *els; /* condition */
    jn_node *pattern, *update, *del; /* transform */
    jn_sortterm *terms;        /* sort step, and `^` in the parser */
    int nterms;
    jn_regex *regex;           /* regex */

    jn_stages predicate; /* filters evaluated after the node (non-step nodes) */
    jn_stages stages;    /* filters and position bindings of a step */
    jn_group *group;     /* grouping */
    const char *focus;   /* `@$name` on this step */
    size_t focus_len;
    const char *index;   /* `#$name` on this step */
    size_t index_len;
    jn_slot *ancestor;   /* this step binds its input as an ancestor */
    jn_slot *slot;       /* parent: the slot it reads */
    jn_slots *seeking;   /* seekingParent (post-processing only; shared as
                            the reference shares the array) */

    bool tuple;
    bool keep_array;
    bool keep_singleton;  /* path: keepSingletonArray */
    bool consarray;
    bool thunk;
};

/* Parse `src` into a processed tree allocated in cx's arena. NULL with *err
 * filled on a syntax error. */
jn_node *jn_parse(jn_ctx *cx, const char *src, size_t len, jn_syntax_error *err);

/* The error's message (the reference's template with its fields). */
void jn_syntax_error_message(const jn_syntax_error *e, stc_buf *b);

/* The hash names are compared with in frames and objects (FNV-1a). */
uint32_t jn_name_hash(const char *s, size_t n);

/* The deepest nesting the parser accepts (S0218 beyond it). */
#define JN_PARSE_MAX_DEPTH 1000

#endif
