/* parser.c - the JSONata parser, a port of the reference's parser.js: the
 * Pratt parser (nud/led per symbol, the same binding powers), then the
 * post-processing (processAST) that flattens `.` into paths of steps, turns
 * predicates into stages, binds `@` and `#` into tuple steps, resolves the
 * ancestors `%` reads, and marks the tail calls of lambda bodies. Syntax
 * errors carry the reference's codes, positions and tokens. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepsim/jsonata/ast.h"
#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/errors.h"
#include "stepsim/jsonata/signature.h"

uint32_t jn_name_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* ---- symbols ---- */

typedef enum nud_kind {
    NUD_BASE, /* S0211: not a prefix operator */
    NUD_TERMINAL,
    NUD_MINUS,
    NUD_WILDCARD,
    NUD_DESCENDANT,
    NUD_PARENT,
    NUD_BLOCK,
    NUD_ARRAY,
    NUD_OBJECT,
    NUD_TRANSFORM,
} nud_kind;

typedef enum led_kind {
    LED_NONE,
    LED_BINARY,
    LED_COALESCE,
    LED_CALL,
    LED_FILTER,
    LED_SORT,
    LED_GROUP,
    LED_BIND,
    LED_FOCUS,
    LED_INDEX,
    LED_COND,
    LED_ELVIS,
} led_kind;

typedef struct sym {
    const char *id;
    int lbp;
    nud_kind nud;
    led_kind led;
    jn_op op;
} sym;

enum { SYM_END, SYM_NAME, SYM_LITERAL, SYM_REGEX };

/* The reference's symbol table with each symbol's final binding power. */
static const sym syms[] = {
    {"(end)", 0, NUD_TERMINAL, LED_NONE, JN_OP_NONE},
    {"(name)", 0, NUD_TERMINAL, LED_NONE, JN_OP_NONE},
    {"(literal)", 0, NUD_TERMINAL, LED_NONE, JN_OP_NONE},
    {"(regex)", 0, NUD_TERMINAL, LED_NONE, JN_OP_NONE},
    {":", 0, NUD_BASE, LED_NONE, JN_OP_NONE},
    {";", 0, NUD_BASE, LED_NONE, JN_OP_NONE},
    {",", 0, NUD_BASE, LED_NONE, JN_OP_NONE},
    {")", 0, NUD_BASE, LED_NONE, JN_OP_NONE},
    {"]", 0, NUD_BASE, LED_NONE, JN_OP_NONE},
    {"}", 0, NUD_BASE, LED_NONE, JN_OP_NONE},
    {"..", 0, NUD_BASE, LED_NONE, JN_OP_RANGE},
    {".", 75, NUD_BASE, LED_BINARY, JN_OP_DOT},
    {"+", 50, NUD_BASE, LED_BINARY, JN_OP_PLUS},
    {"-", 50, NUD_MINUS, LED_BINARY, JN_OP_MINUS},
    {"*", 60, NUD_WILDCARD, LED_BINARY, JN_OP_MUL},
    {"/", 60, NUD_BASE, LED_BINARY, JN_OP_DIV},
    {"%", 60, NUD_PARENT, LED_BINARY, JN_OP_MOD},
    {"=", 40, NUD_BASE, LED_BINARY, JN_OP_EQ},
    {"<", 40, NUD_BASE, LED_BINARY, JN_OP_LT},
    {">", 40, NUD_BASE, LED_BINARY, JN_OP_GT},
    {"!=", 40, NUD_BASE, LED_BINARY, JN_OP_NE},
    {"<=", 40, NUD_BASE, LED_BINARY, JN_OP_LE},
    {">=", 40, NUD_BASE, LED_BINARY, JN_OP_GE},
    {"&", 50, NUD_BASE, LED_BINARY, JN_OP_CONCAT},
    {"and", 30, NUD_TERMINAL, LED_BINARY, JN_OP_AND},
    {"or", 25, NUD_TERMINAL, LED_BINARY, JN_OP_OR},
    {"in", 40, NUD_TERMINAL, LED_BINARY, JN_OP_IN},
    {"~>", 40, NUD_BASE, LED_BINARY, JN_OP_APPLY},
    {"??", 40, NUD_BASE, LED_COALESCE, JN_OP_NONE},
    {"**", 0, NUD_DESCENDANT, LED_NONE, JN_OP_NONE},
    {"(", 80, NUD_BLOCK, LED_CALL, JN_OP_NONE},
    {"[", 80, NUD_ARRAY, LED_FILTER, JN_OP_PRED},
    {"^", 40, NUD_BASE, LED_SORT, JN_OP_SORT},
    {"{", 70, NUD_OBJECT, LED_GROUP, JN_OP_OBJECT},
    {":=", 10, NUD_BASE, LED_BIND, JN_OP_BIND},
    {"@", 80, NUD_BASE, LED_FOCUS, JN_OP_FOCUS},
    {"#", 80, NUD_BASE, LED_INDEX, JN_OP_INDEX},
    {"?", 20, NUD_BASE, LED_COND, JN_OP_NONE},
    {"?:", 40, NUD_BASE, LED_ELVIS, JN_OP_NONE},
    {"|", 0, NUD_TRANSFORM, LED_NONE, JN_OP_NONE},
};
#define NSYMS ((int)(sizeof syms / sizeof syms[0]))

static int sym_of(const char *s, size_t n)
{
    for (int i = SYM_REGEX + 1; i < NSYMS; i++)
        if (strlen(syms[i].id) == n && !memcmp(syms[i].id, s, n))
            return i;
    return -1;
}

/* ---- the parser ---- */

typedef struct parser {
    jn_ctx *cx;
    jn_lexer lx;
    jn_syntax_error *err;
    jmp_buf jmp;
    jn_node *node; /* the current token */
    int depth;
    uintptr_t stack_floor;
    /* ancestry (processAST) */
    int ancestor_label, ancestor_index;
    jn_nodes ancestry;
} parser;

static void push_node(jn_ctx *cx, jn_nodes *v, jn_node *n)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 4;
        jn_node **nv = jn_alloc(cx, (size_t)cap * sizeof *nv);
        if (v->n)
            memcpy(nv, v->v, (size_t)v->n * sizeof *nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = n;
}

static void push_stage(jn_ctx *cx, jn_stages *v, jn_stage s)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 2;
        jn_stage *nv = jn_alloc(cx, (size_t)cap * sizeof *nv);
        if (v->n)
            memcpy(nv, v->v, (size_t)v->n * sizeof *nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = s;
}

static void push_slot(jn_ctx *cx, jn_slots *v, jn_slot *s)
{
    if (v->n == v->cap) {
        int cap = v->cap ? v->cap * 2 : 2;
        jn_slot **nv = jn_alloc(cx, (size_t)cap * sizeof *nv);
        if (v->n)
            memcpy(nv, v->v, (size_t)v->n * sizeof *nv);
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = s;
}

static jn_node *new_node(parser *p, jn_ntype type, int position)
{
    jn_node *n = jn_alloc(p->cx, sizeof *n);
    n->type = type;
    n->position = position;
    return n;
}

/* The token value of a node as the reference holds it (for errors). */
static jn_val *token_val(parser *p, const jn_node *n, const char **text)
{
    char num[32];
    switch (n->type) {
    case JN_N_NUMBER:
        jn_num_format(n->num, num);
        *text = jn_strndup(p->cx, num, strlen(num));
        return n->lit ? n->lit : jn_num(p->cx, n->num);
    case JN_N_VALUE:
        *text = n->lit->type == JN_NULL ? "null" : n->lit->u.b ? "true" : "false";
        return n->lit;
    case JN_N_REGEX:
        *text = n->str;
        return jn_obj(p->cx, 0); /* JSON.stringify of a RegExp */
    case JN_N_PARENT:
        *text = NULL; /* processed parent nodes have no value */
        return NULL;
    default:
        *text = n->str;
        return n->str ? jn_str(p->cx, n->str, n->slen) : NULL;
    }
}

static _Noreturn void fail(parser *p, const char *code, int position, const jn_node *tok, jn_val *value)
{
    jn_syntax_error *e = p->err;
    memset(e, 0, sizeof *e);
    snprintf(e->code, sizeof e->code, "%s", code);
    e->position = position;
    if (tok)
        e->token_val = token_val(p, tok, &e->token);
    e->value = value;
    longjmp(p->jmp, 1);
}

static _Noreturn void fail_text(parser *p, const char *code, int position, const char *token, jn_val *value)
{
    jn_syntax_error *e = p->err;
    memset(e, 0, sizeof *e);
    snprintf(e->code, sizeof e->code, "%s", code);
    e->position = position;
    if (token) {
        e->token = token;
        e->token_val = jn_str_cstr(p->cx, token);
    }
    e->value = value;
    longjmp(p->jmp, 1);
}

static void check_stack(parser *p, int position)
{
    if ((uintptr_t)__builtin_frame_address(0) < p->stack_floor)
        fail_text(p, "S0218", position, NULL, jn_num(p->cx, JN_PARSE_MAX_DEPTH));
}

static const char *sym_id(const jn_node *n) { return syms[n->sym].id; }

static jn_node *advance(parser *p, const char *id, bool infix)
{
    if (id && strcmp(sym_id(p->node), id)) {
        const char *code = p->node->sym == SYM_END ? "S0203" : "S0202";
        fail(p, code, p->node->position, p->node, jn_str_cstr(p->cx, id));
    }
    jn_token t = jn_lexer_next(&p->lx, infix);
    jn_node *n;
    switch (t.type) {
    case JN_TOK_END:
        n = new_node(p, JN_N_END, p->lx.pos16[p->lx.len]);
        n->sym = SYM_END;
        n->str = "(end)";
        n->slen = 5;
        p->node = n;
        return n;
    case JN_TOK_NAME:
    case JN_TOK_VARIABLE:
        n = new_node(p, t.type == JN_TOK_NAME ? JN_N_NAME : JN_N_VARIABLE, t.position);
        n->sym = SYM_NAME;
        n->str = t.s;
        n->slen = t.len;
        n->hash = jn_name_hash(t.s, t.len);
        break;
    case JN_TOK_OPERATOR: {
        int s = sym_of(t.s, t.len);
        if (s < 0)
            fail_text(p, "S0204", t.position, jn_strndup(p->cx, t.s, t.len), NULL);
        n = new_node(p, JN_N_OPERATOR, t.position);
        n->sym = s;
        n->str = syms[s].id;
        n->slen = t.len;
        break;
    }
    case JN_TOK_STRING:
        n = new_node(p, JN_N_STRING, t.position);
        n->sym = SYM_LITERAL;
        n->str = t.s;
        n->slen = t.len;
        n->hash = jn_name_hash(t.s, t.len);
        n->lit = jn_str_borrow(p->cx, t.s, t.len);
        break;
    case JN_TOK_NUMBER:
        n = new_node(p, JN_N_NUMBER, t.position);
        n->sym = SYM_LITERAL;
        n->num = t.num;
        n->lit = jn_num(p->cx, t.num);
        break;
    case JN_TOK_VALUE:
        n = new_node(p, JN_N_VALUE, t.position);
        n->sym = SYM_LITERAL;
        n->str = t.s;
        n->slen = t.len;
        n->lit = t.value;
        break;
    case JN_TOK_REGEX: {
        n = new_node(p, JN_N_REGEX, t.position);
        n->sym = SYM_REGEX;
        char *err = NULL;
        n->regex = jn_regex_compile(t.s, t.len, t.flags, &err);
        if (!n->regex) {
            /* the reference lets JavaScript's SyntaxError through without a
             * code; the engine gives it S0303 */
            const char *msg = jn_strndup(p->cx, err ? err : "Invalid regular expression", err ? strlen(err) : 26);
            free(err);
            fail_text(p, "S0303", t.position, NULL, jn_str_cstr(p->cx, msg));
        }
        jn_defer(p->cx, (void (*)(void *))jn_regex_free, n->regex);
        stc_buf src = {0};
        stc_buf_putc(&src, '/');
        stc_buf_add(&src, t.s, t.len);
        stc_buf_putc(&src, '/');
        stc_buf_puts(&src, t.flags);
        n->str = jn_strndup(p->cx, src.data, src.len);
        n->slen = src.len;
        stc_buf_free(&src);
        break;
    }
    default:
        fail_text(p, "S0205", t.position, NULL, NULL);
    }
    p->node = n;
    return n;
}

static jn_node *expression(parser *p, int rbp);

static bool at_sym(const parser *p, const char *id) { return !strcmp(sym_id(p->node), id); }

/* JSON.parse(JSON.stringify(node)) of a parse-tree node: a deep copy (the
 * ?? and ?: operators evaluate their left side twice, from two copies). */
static jn_node *clone_tree(parser *p, const jn_node *n);

static void clone_nodes(parser *p, jn_nodes *dst, const jn_nodes *src)
{
    *dst = (jn_nodes){0};
    for (int i = 0; i < src->n; i++)
        push_node(p->cx, dst, clone_tree(p, src->v[i]));
}

static jn_node *clone_tree(parser *p, const jn_node *n)
{
    if (!n)
        return NULL;
    check_stack(p, n->position);
    jn_node *c = jn_alloc(p->cx, sizeof *c);
    *c = *n;
    c->lhs = clone_tree(p, n->lhs);
    c->rhs = clone_tree(p, n->rhs);
    c->expression = clone_tree(p, n->expression);
    clone_nodes(p, &c->exprs, &n->exprs);
    clone_nodes(p, &c->args, &n->args);
    if (n->object) {
        c->object = jn_alloc(p->cx, sizeof *c->object);
        c->object->position = n->object->position;
        clone_nodes(p, &c->object->pairs, &n->object->pairs);
    }
    c->procedure = clone_tree(p, n->procedure);
    c->body = clone_tree(p, n->body);
    c->condition = clone_tree(p, n->condition);
    c->then = clone_tree(p, n->then);
    c->els = clone_tree(p, n->els);
    c->pattern = clone_tree(p, n->pattern);
    c->update = clone_tree(p, n->update);
    c->del = clone_tree(p, n->del);
    if (n->nterms) {
        c->terms = jn_alloc(p->cx, (size_t)n->nterms * sizeof *c->terms);
        for (int i = 0; i < n->nterms; i++) {
            c->terms[i].descending = n->terms[i].descending;
            c->terms[i].expr = clone_tree(p, n->terms[i].expr);
        }
    }
    if (n->lit && n->type == JN_N_NUMBER)
        c->lit = jn_num(p->cx, n->num); /* processing may negate it */
    return c;
}

/* object constructor (nud) and grouping (led): name/value pairs */
static jn_group *object_pairs(parser *p, int position)
{
    jn_group *g = jn_alloc(p->cx, sizeof *g);
    g->position = position;
    if (!at_sym(p, "}")) {
        for (;;) {
            jn_node *k = expression(p, 0);
            advance(p, ":", false);
            jn_node *v = expression(p, 0);
            push_node(p->cx, &g->pairs, k);
            push_node(p->cx, &g->pairs, v);
            if (!at_sym(p, ","))
                break;
            advance(p, ",", false);
        }
    }
    advance(p, "}", true);
    return g;
}

static jn_node *nud(parser *p, jn_node *t)
{
    switch (syms[t->sym].nud) {
    case NUD_TERMINAL:
        return t;
    case NUD_MINUS:
        t->expression = expression(p, 70);
        t->type = JN_N_UNARY;
        t->op = JN_OP_MINUS;
        return t;
    case NUD_WILDCARD:
        t->type = JN_N_WILDCARD;
        return t;
    case NUD_DESCENDANT:
        t->type = JN_N_DESCENDANT;
        return t;
    case NUD_PARENT:
        t->type = JN_N_PARENT;
        return t;
    case NUD_BLOCK:
        while (!at_sym(p, ")")) {
            push_node(p->cx, &t->exprs, expression(p, 0));
            if (!at_sym(p, ";"))
                break;
            advance(p, ";", false);
        }
        advance(p, ")", true);
        t->type = JN_N_BLOCK;
        return t;
    case NUD_ARRAY:
        if (!at_sym(p, "]")) {
            for (;;) {
                jn_node *item = expression(p, 0);
                if (at_sym(p, "..")) {
                    jn_node *range = new_node(p, JN_N_BINARY, p->node->position);
                    range->op = JN_OP_RANGE;
                    range->str = "..";
                    range->slen = 2;
                    range->lhs = item;
                    advance(p, "..", false);
                    range->rhs = expression(p, 0);
                    item = range;
                }
                push_node(p->cx, &t->exprs, item);
                if (!at_sym(p, ","))
                    break;
                advance(p, ",", false);
            }
        }
        advance(p, "]", true);
        t->type = JN_N_UNARY;
        t->op = JN_OP_ARRAY;
        return t;
    case NUD_OBJECT:
        t->object = object_pairs(p, t->position);
        t->type = JN_N_UNARY;
        t->op = JN_OP_OBJECT;
        return t;
    case NUD_TRANSFORM:
        t->type = JN_N_TRANSFORM;
        t->pattern = expression(p, 0);
        advance(p, "|", false);
        t->update = expression(p, 0);
        if (at_sym(p, ",")) {
            advance(p, ",", false);
            t->del = expression(p, 0);
        }
        advance(p, "|", false);
        return t;
    case NUD_BASE:
        break;
    }
    fail(p, "S0211", t->position, t, NULL);
}

static bool is_lambda_name(const jn_node *n)
{
    return n->type == JN_N_NAME && ((n->slen == 8 && !memcmp(n->str, "function", 8)) ||
                                    (n->slen == 2 && !memcmp(n->str, "\xCE\xBB", 2)));
}

static jn_node *led(parser *p, jn_node *t, jn_node *left)
{
    const sym *s = &syms[t->sym];
    switch (s->led) {
    case LED_BINARY:
        t->lhs = left;
        t->rhs = expression(p, s->lbp);
        t->type = JN_N_BINARY;
        t->op = s->op;
        return t;
    case LED_COALESCE: {
        t->type = JN_N_CONDITION;
        jn_node *call = new_node(p, JN_N_FUNCTION, -1);
        call->str = "(";
        call->slen = 1;
        jn_node *proc = new_node(p, JN_N_VARIABLE, -1);
        proc->str = "exists";
        proc->slen = 6;
        proc->hash = jn_name_hash("exists", 6);
        call->procedure = proc;
        push_node(p->cx, &call->args, clone_tree(p, left));
        t->condition = call;
        t->then = left;
        t->els = expression(p, 0);
        return t;
    }
    case LED_CALL: {
        t->procedure = left;
        t->type = JN_N_FUNCTION;
        if (!at_sym(p, ")")) {
            for (;;) {
                if (p->node->type == JN_N_OPERATOR && at_sym(p, "?")) {
                    t->type = JN_N_PARTIAL;
                    push_node(p->cx, &t->args, p->node);
                    advance(p, "?", false);
                } else {
                    push_node(p->cx, &t->args, expression(p, 0));
                }
                if (!at_sym(p, ","))
                    break;
                advance(p, ",", false);
            }
        }
        advance(p, ")", true);
        if (is_lambda_name(left)) {
            for (int i = 0; i < t->args.n; i++) {
                jn_node *a = t->args.v[i];
                if (a->type != JN_N_VARIABLE)
                    fail(p, "S0208", a->position, a, jn_num(p->cx, i + 1));
            }
            t->type = JN_N_LAMBDA;
            if (at_sym(p, "<")) {
                int sig_pos = p->node->position;
                int depth = 1;
                /* the text in the arena: advance() may unwind from here */
                size_t len = 1, cap = 32;
                char *text = jn_alloc(p->cx, cap);
                text[0] = '<';
                while (depth > 0 && !at_sym(p, "{") && !at_sym(p, "(end)")) {
                    jn_node *tok = advance(p, NULL, false);
                    if (!strcmp(sym_id(tok), ">"))
                        depth--;
                    else if (!strcmp(sym_id(tok), "<"))
                        depth++;
                    const char *piece;
                    token_val(p, tok, &piece);
                    size_t n = piece ? strlen(piece) : 0;
                    if (len + n + 1 > cap) {
                        while (len + n + 1 > cap)
                            cap *= 2;
                        char *grown = jn_alloc(p->cx, cap);
                        memcpy(grown, text, len);
                        text = grown;
                    }
                    if (n)
                        memcpy(text + len, piece, n);
                    len += n;
                }
                text[len] = '\0';
                advance(p, ">", false);
                const char *code = NULL, *value = NULL;
                int offset = 0;
                t->signature = jn_sig_parse(p->cx, text, len, &code, &offset, &value);
                if (!t->signature)
                    fail_text(p, code, sig_pos + offset, NULL, value ? jn_str_cstr(p->cx, value) : NULL);
            }
            advance(p, "{", false);
            t->body = expression(p, 0);
            advance(p, "}", false);
        }
        return t;
    }
    case LED_FILTER:
        if (at_sym(p, "]")) {
            jn_node *step = left;
            while (step && step->type == JN_N_BINARY && step->op == JN_OP_PRED)
                step = step->lhs;
            step->keep_array = true;
            advance(p, "]", false);
            return left;
        }
        t->lhs = left;
        t->rhs = expression(p, 0);
        t->type = JN_N_BINARY;
        t->op = JN_OP_PRED;
        advance(p, "]", true);
        return t;
    case LED_SORT: {
        advance(p, "(", false);
        int cap = 2;
        t->terms = jn_alloc(p->cx, (size_t)cap * sizeof *t->terms);
        for (;;) {
            bool desc = false;
            if (at_sym(p, "<")) {
                advance(p, "<", false);
            } else if (at_sym(p, ">")) {
                desc = true;
                advance(p, ">", false);
            }
            jn_node *e = expression(p, 0);
            if (t->nterms == cap) {
                cap *= 2;
                jn_sortterm *nt = jn_alloc(p->cx, (size_t)cap * sizeof *nt);
                memcpy(nt, t->terms, (size_t)t->nterms * sizeof *nt);
                t->terms = nt;
            }
            t->terms[t->nterms].descending = desc;
            t->terms[t->nterms].expr = e;
            t->nterms++;
            if (!at_sym(p, ","))
                break;
            advance(p, ",", false);
        }
        advance(p, ")", false);
        t->lhs = left;
        t->type = JN_N_BINARY;
        t->op = JN_OP_SORT;
        return t;
    }
    case LED_GROUP:
        t->object = object_pairs(p, t->position);
        t->lhs = left;
        t->type = JN_N_BINARY;
        t->op = JN_OP_OBJECT;
        return t;
    case LED_BIND:
        if (left->type != JN_N_VARIABLE)
            fail(p, "S0212", left->position, left, NULL);
        t->lhs = left;
        t->rhs = expression(p, s->lbp - 1);
        t->type = JN_N_BINARY;
        t->op = JN_OP_BIND;
        return t;
    case LED_FOCUS:
    case LED_INDEX:
        t->lhs = left;
        t->rhs = expression(p, s->lbp);
        if (t->rhs->type != JN_N_VARIABLE)
            fail_text(p, "S0214", t->rhs->position, s->led == LED_FOCUS ? "@" : "#", NULL);
        t->type = JN_N_BINARY;
        t->op = s->op;
        return t;
    case LED_COND:
        t->type = JN_N_CONDITION;
        t->condition = left;
        t->then = expression(p, 0);
        if (at_sym(p, ":")) {
            advance(p, ":", false);
            t->els = expression(p, 0);
        }
        return t;
    case LED_ELVIS:
        t->type = JN_N_CONDITION;
        t->condition = clone_tree(p, left);
        t->then = left;
        t->els = expression(p, 0);
        return t;
    case LED_NONE:
        break;
    }
    /* only symbols with a binding power reach here, and all of them have a led */
    fail(p, "S0201", t->position, t, NULL);
}

static jn_node *expression(parser *p, int rbp)
{
    if (++p->depth > JN_PARSE_MAX_DEPTH)
        fail_text(p, "S0218", p->node->position, NULL, jn_num(p->cx, JN_PARSE_MAX_DEPTH));
    check_stack(p, p->node->position);
    jn_node *t = p->node;
    advance(p, NULL, true);
    jn_node *left = nud(p, t);
    while (rbp < syms[p->node->sym].lbp) {
        t = p->node;
        advance(p, NULL, false);
        left = led(p, t, left);
    }
    p->depth--;
    return left;
}

/* ---- post-processing (processAST) ---- */

static const char *type_name(jn_ntype t)
{
    switch (t) {
    case JN_N_BINARY: return "binary";
    case JN_N_UNARY: return "unary";
    case JN_N_NAME: return "name";
    case JN_N_VARIABLE: return "variable";
    case JN_N_STRING: return "string";
    case JN_N_NUMBER: return "number";
    case JN_N_VALUE: return "value";
    case JN_N_REGEX: return "regex";
    case JN_N_OPERATOR: return "operator";
    case JN_N_WILDCARD: return "wildcard";
    case JN_N_DESCENDANT: return "descendant";
    case JN_N_PARENT: return "parent";
    case JN_N_FUNCTION: return "function";
    case JN_N_PARTIAL: return "partial";
    case JN_N_LAMBDA: return "lambda";
    case JN_N_CONDITION: return "condition";
    case JN_N_BLOCK: return "block";
    case JN_N_TRANSFORM: return "transform";
    case JN_N_PATH: return "path";
    case JN_N_BIND: return "bind";
    case JN_N_APPLY: return "apply";
    case JN_N_SORT: return "sort";
    case JN_N_END:
    case JN_N_NONE:
        break;
    }
    return "undefined";
}

static jn_node *process(parser *p, jn_node *expr);

static jn_slot *seek_parent(parser *p, jn_node *node, jn_slot *slot)
{
    check_stack(p, node->position);
    switch (node->type) {
    case JN_N_NAME:
    case JN_N_WILDCARD:
        slot->level--;
        if (slot->level == 0) {
            if (!node->ancestor) {
                node->ancestor = slot;
            } else {
                /* reuse the existing label */
                p->ancestry.v[slot->index]->slot->label = node->ancestor->label;
                node->ancestor = slot;
            }
            node->tuple = true;
        }
        break;
    case JN_N_PARENT:
        slot->level++;
        break;
    case JN_N_BLOCK:
        if (node->exprs.n > 0) {
            node->tuple = true;
            slot = seek_parent(p, node->exprs.v[node->exprs.n - 1], slot);
        }
        break;
    case JN_N_PATH: {
        node->tuple = true;
        int index = node->steps.n - 1;
        slot = seek_parent(p, node->steps.v[index--], slot);
        while (slot->level > 0 && index >= 0)
            slot = seek_parent(p, node->steps.v[index--], slot);
        break;
    }
    default:
        fail_text(p, "S0217", node->position, type_name(node->type), NULL);
    }
    return slot;
}

static jn_slots *new_slots(parser *p) { return jn_alloc(p->cx, sizeof(jn_slots)); }

static void push_ancestry(parser *p, jn_node *result, jn_node *value)
{
    if (!value->seeking && value->type != JN_N_PARENT)
        return;
    jn_slots *slots = value->seeking ? value->seeking : new_slots(p);
    if (value->type == JN_N_PARENT)
        push_slot(p->cx, slots, value->slot);
    if (!result->seeking) {
        result->seeking = slots;
    } else {
        int n = slots->n; /* the same array may be both */
        for (int i = 0; i < n; i++)
            push_slot(p->cx, result->seeking, slots->v[i]);
    }
}

static void resolve_ancestry(parser *p, jn_node *path)
{
    int index = path->steps.n - 1;
    jn_node *laststep = path->steps.v[index];
    jn_slots *slots = laststep->seeking ? laststep->seeking : new_slots(p);
    if (laststep->type == JN_N_PARENT)
        push_slot(p->cx, slots, laststep->slot);
    for (int is = 0; is < slots->n; is++) {
        jn_slot *slot = slots->v[is];
        index = path->steps.n - 2;
        while (slot->level > 0) {
            if (index < 0) {
                if (!path->seeking)
                    path->seeking = new_slots(p);
                push_slot(p->cx, path->seeking, slot);
                break;
            }
            jn_node *step = path->steps.v[index--];
            /* multiple contiguous steps that bind the focus are skipped */
            while (index >= 0 && step->focus && path->steps.v[index]->focus)
                step = path->steps.v[index--];
            slot = seek_parent(p, step, slot);
        }
    }
}

static jn_node *tail_call_optimize(parser *p, jn_node *expr)
{
    if (expr->type == JN_N_FUNCTION && expr->predicate.n == 0) {
        jn_node *thunk = new_node(p, JN_N_LAMBDA, expr->position);
        thunk->thunk = true;
        thunk->body = expr;
        return thunk;
    }
    if (expr->type == JN_N_CONDITION) {
        expr->then = tail_call_optimize(p, expr->then);
        if (expr->els)
            expr->els = tail_call_optimize(p, expr->els);
        return expr;
    }
    if (expr->type == JN_N_BLOCK) {
        if (expr->exprs.n > 0)
            expr->exprs.v[expr->exprs.n - 1] = tail_call_optimize(p, expr->exprs.v[expr->exprs.n - 1]);
        return expr;
    }
    return expr;
}

static jn_node *new_path(parser *p, jn_node *first)
{
    jn_node *path = new_node(p, JN_N_PATH, -1);
    push_node(p->cx, &path->steps, first);
    return path;
}

static jn_group *process_group(parser *p, const jn_group *g)
{
    jn_group *r = jn_alloc(p->cx, sizeof *r);
    r->position = g->position;
    for (int i = 0; i + 1 < g->pairs.n; i += 2) {
        push_node(p->cx, &r->pairs, process(p, g->pairs.v[i]));
        push_node(p->cx, &r->pairs, process(p, g->pairs.v[i + 1]));
    }
    return r;
}

static jn_node *process_binary(parser *p, jn_node *expr)
{
    jn_node *result, *step;
    switch (expr->op) {
    case JN_OP_DOT: {
        jn_node *lstep = process(p, expr->lhs);
        result = lstep->type == JN_N_PATH ? lstep : new_path(p, lstep);
        if (lstep->type == JN_N_PARENT) {
            result->seeking = new_slots(p);
            push_slot(p->cx, result->seeking, lstep->slot);
        }
        jn_node *rest = process(p, expr->rhs);
        if (rest->type == JN_N_PATH) {
            for (int i = 0; i < rest->steps.n; i++)
                push_node(p->cx, &result->steps, rest->steps.v[i]);
        } else {
            if (rest->predicate.n > 0) {
                rest->stages = rest->predicate;
                rest->predicate = (jn_stages){0};
            }
            push_node(p->cx, &result->steps, rest);
        }
        for (int i = 0; i < result->steps.n; i++) {
            jn_node *s = result->steps.v[i];
            if (s->type == JN_N_NUMBER || s->type == JN_N_VALUE)
                fail(p, "S0213", s->position, NULL, s->lit);
            if (s->type == JN_N_STRING)
                s->type = JN_N_NAME;
        }
        for (int i = 0; i < result->steps.n; i++)
            if (result->steps.v[i]->keep_array) {
                result->keep_singleton = true;
                break;
            }
        jn_node *first = result->steps.v[0];
        if (first->type == JN_N_UNARY && first->op == JN_OP_ARRAY)
            first->consarray = true;
        jn_node *last = result->steps.v[result->steps.n - 1];
        if (last->type == JN_N_UNARY && last->op == JN_OP_ARRAY)
            last->consarray = true;
        resolve_ancestry(p, result);
        return result;
    }
    case JN_OP_PRED: {
        result = process(p, expr->lhs);
        step = result;
        bool stages = false;
        if (result->type == JN_N_PATH) {
            step = result->steps.v[result->steps.n - 1];
            stages = true;
        }
        if (step->group)
            fail_text(p, "S0209", expr->position, NULL, NULL);
        jn_node *predicate = process(p, expr->rhs);
        if (predicate->seeking) {
            for (int i = 0; i < predicate->seeking->n; i++) {
                jn_slot *slot = predicate->seeking->v[i];
                if (slot->level == 1)
                    seek_parent(p, step, slot);
                else
                    slot->level--;
            }
            push_ancestry(p, step, predicate);
        }
        jn_stage st = {.expr = predicate, .position = expr->position};
        push_stage(p->cx, stages ? &step->stages : &step->predicate, st);
        return result;
    }
    case JN_OP_OBJECT:
        result = process(p, expr->lhs);
        if (result->group)
            fail_text(p, "S0210", expr->position, NULL, NULL);
        result->group = process_group(p, expr->object);
        return result;
    case JN_OP_SORT: {
        result = process(p, expr->lhs);
        if (result->type != JN_N_PATH)
            result = new_path(p, result);
        jn_node *sort = new_node(p, JN_N_SORT, expr->position);
        sort->nterms = expr->nterms;
        sort->terms = jn_alloc(p->cx, (size_t)expr->nterms * sizeof *sort->terms);
        for (int i = 0; i < expr->nterms; i++) {
            jn_node *e = process(p, expr->terms[i].expr);
            push_ancestry(p, sort, e);
            sort->terms[i].descending = expr->terms[i].descending;
            sort->terms[i].expr = e;
        }
        push_node(p->cx, &result->steps, sort);
        resolve_ancestry(p, result);
        return result;
    }
    case JN_OP_BIND:
        result = new_node(p, JN_N_BIND, expr->position);
        result->str = expr->str;
        result->slen = expr->slen;
        result->lhs = process(p, expr->lhs);
        result->rhs = process(p, expr->rhs);
        push_ancestry(p, result, result->rhs);
        return result;
    case JN_OP_FOCUS:
        result = process(p, expr->lhs);
        step = result;
        if (result->type == JN_N_PATH)
            step = result->steps.v[result->steps.n - 1];
        if (step->stages.n > 0 || step->predicate.n > 0)
            fail_text(p, "S0215", expr->position, NULL, NULL);
        if (step->type == JN_N_SORT)
            fail_text(p, "S0216", expr->position, NULL, NULL);
        if (expr->keep_array)
            step->keep_array = true;
        step->focus = expr->rhs->str;
        step->focus_len = expr->rhs->slen;
        step->tuple = true;
        return result;
    case JN_OP_INDEX:
        result = process(p, expr->lhs);
        step = result;
        if (result->type == JN_N_PATH) {
            step = result->steps.v[result->steps.n - 1];
        } else {
            result = new_path(p, result);
            if (step->predicate.n > 0) {
                step->stages = step->predicate;
                step->predicate = (jn_stages){0};
            }
        }
        if (step->stages.n == 0) {
            step->index = expr->rhs->str;
            step->index_len = expr->rhs->slen;
        } else {
            jn_stage st = {.is_index = true,
                           .name = expr->rhs->str,
                           .nlen = expr->rhs->slen,
                           .position = expr->position};
            push_stage(p->cx, &step->stages, st);
        }
        step->tuple = true;
        return result;
    case JN_OP_APPLY:
        result = new_node(p, JN_N_APPLY, expr->position);
        result->str = expr->str;
        result->slen = expr->slen;
        result->op = expr->op;
        result->lhs = process(p, expr->lhs);
        result->rhs = process(p, expr->rhs);
        result->keep_array = result->lhs->keep_array || result->rhs->keep_array;
        return result;
    default:
        result = new_node(p, JN_N_BINARY, expr->position);
        result->op = expr->op;
        result->str = expr->str;
        result->slen = expr->slen;
        result->lhs = process(p, expr->lhs);
        result->rhs = process(p, expr->rhs);
        push_ancestry(p, result, result->lhs);
        push_ancestry(p, result, result->rhs);
        return result;
    }
}

static jn_node *process(parser *p, jn_node *expr)
{
    check_stack(p, expr->position);
    jn_node *result;
    switch (expr->type) {
    case JN_N_BINARY:
        result = process_binary(p, expr);
        break;
    case JN_N_UNARY:
        result = new_node(p, JN_N_UNARY, expr->position);
        result->op = expr->op;
        result->str = expr->str;
        result->slen = expr->slen;
        if (expr->op == JN_OP_ARRAY) {
            for (int i = 0; i < expr->exprs.n; i++) {
                jn_node *v = process(p, expr->exprs.v[i]);
                push_ancestry(p, result, v);
                push_node(p->cx, &result->exprs, v);
            }
        } else if (expr->op == JN_OP_OBJECT) {
            result->object = jn_alloc(p->cx, sizeof *result->object);
            result->object->position = expr->object->position;
            for (int i = 0; i + 1 < expr->object->pairs.n; i += 2) {
                jn_node *k = process(p, expr->object->pairs.v[i]);
                push_ancestry(p, result, k);
                jn_node *v = process(p, expr->object->pairs.v[i + 1]);
                push_ancestry(p, result, v);
                push_node(p->cx, &result->object->pairs, k);
                push_node(p->cx, &result->object->pairs, v);
            }
        } else {
            result->expression = process(p, expr->expression);
            if (expr->op == JN_OP_MINUS && result->expression->type == JN_N_NUMBER) {
                result = result->expression;
                result->num = -result->num;
                result->lit = jn_num(p->cx, result->num);
            } else {
                push_ancestry(p, result, result->expression);
            }
        }
        break;
    case JN_N_FUNCTION:
    case JN_N_PARTIAL:
        result = new_node(p, expr->type, expr->position);
        result->str = expr->str;
        result->slen = expr->slen;
        for (int i = 0; i < expr->args.n; i++) {
            jn_node *a = process(p, expr->args.v[i]);
            push_ancestry(p, result, a);
            push_node(p->cx, &result->args, a);
        }
        result->procedure = process(p, expr->procedure);
        break;
    case JN_N_LAMBDA:
        result = new_node(p, JN_N_LAMBDA, expr->position);
        result->args = expr->args;
        result->signature = expr->signature;
        result->body = tail_call_optimize(p, process(p, expr->body));
        break;
    case JN_N_CONDITION:
        result = new_node(p, JN_N_CONDITION, expr->position);
        result->condition = process(p, expr->condition);
        push_ancestry(p, result, result->condition);
        result->then = process(p, expr->then);
        push_ancestry(p, result, result->then);
        if (expr->els) {
            result->els = process(p, expr->els);
            push_ancestry(p, result, result->els);
        }
        break;
    case JN_N_TRANSFORM:
        result = new_node(p, JN_N_TRANSFORM, expr->position);
        result->pattern = process(p, expr->pattern);
        result->update = process(p, expr->update);
        if (expr->del)
            result->del = process(p, expr->del);
        break;
    case JN_N_BLOCK:
        result = new_node(p, JN_N_BLOCK, expr->position);
        for (int i = 0; i < expr->exprs.n; i++) {
            jn_node *part = process(p, expr->exprs.v[i]);
            push_ancestry(p, result, part);
            if (part->consarray || (part->type == JN_N_PATH && part->steps.v[0]->consarray))
                result->consarray = true;
            push_node(p->cx, &result->exprs, part);
        }
        break;
    case JN_N_NAME:
        result = new_path(p, expr);
        if (expr->keep_array)
            result->keep_singleton = true;
        break;
    case JN_N_PARENT: {
        result = new_node(p, JN_N_PARENT, -1);
        jn_slot *slot = jn_alloc(p->cx, sizeof *slot);
        char label[16];
        int n = snprintf(label, sizeof label, "!%d", p->ancestor_label++);
        slot->label = jn_strndup(p->cx, label, (size_t)n);
        slot->level = 1;
        slot->index = p->ancestor_index++;
        result->slot = slot;
        push_node(p->cx, &p->ancestry, result);
        break;
    }
    case JN_N_STRING:
    case JN_N_NUMBER:
    case JN_N_VALUE:
    case JN_N_WILDCARD:
    case JN_N_DESCENDANT:
    case JN_N_VARIABLE:
    case JN_N_REGEX:
        result = expr;
        break;
    case JN_N_OPERATOR:
        if ((expr->slen == 2 && (!memcmp(expr->str, "or", 2) || !memcmp(expr->str, "in", 2))) ||
            (expr->slen == 3 && !memcmp(expr->str, "and", 3))) {
            expr->type = JN_N_NAME;
            expr->op = JN_OP_NONE;
            expr->hash = jn_name_hash(expr->str, expr->slen);
            result = process(p, expr);
        } else if (expr->slen == 1 && expr->str[0] == '?') {
            result = expr; /* partial application placeholder */
        } else {
            fail(p, "S0201", expr->position, expr, NULL);
        }
        break;
    default:
        fail(p, expr->type == JN_N_END ? "S0207" : "S0206", expr->position, expr, NULL);
    }
    if (expr->keep_array)
        result->keep_array = true;
    return result;
}

/* ---- entry ---- */

jn_node *jn_parse(jn_ctx *cx, const char *src, size_t len, jn_syntax_error *err)
{
    parser *p = jn_alloc(cx, sizeof *p);
    p->cx = cx;
    p->err = err;
    p->stack_floor = jn_stack_floor();
    jn_lexer_init(&p->lx, cx, src, len);
    p->lx.err = err;
    p->lx.jmp = &p->jmp;
    if (setjmp(p->jmp))
        return NULL;
    /* the first token: node starts as the end symbol, as advance() needs one */
    p->node = new_node(p, JN_N_END, 0);
    p->node->sym = SYM_END;
    advance(p, NULL, false);
    jn_node *expr = expression(p, 0);
    if (p->node->sym != SYM_END)
        fail(p, "S0201", p->node->position, p->node, NULL);
    expr = process(p, expr);
    if (expr->type == JN_N_PARENT || expr->seeking)
        fail_text(p, "S0217", expr->position, type_name(expr->type), NULL);
    return expr;
}

void jn_syntax_error_message(const jn_syntax_error *e, stc_buf *b)
{
    jn_errinfo f = {.position = e->position, .token = e->token, .value = e->value};
    if (e->token_val && e->token_val->type != JN_STR) {
        /* a number or value token is JSON without quotes: format it as such */
        stc_buf tok = {0};
        jn_json_write(&tok, e->token_val, 0, false);
        jn_error_format_token(b, e->code, e->position, &f, stc_buf_cstr(&tok));
        stc_buf_free(&tok);
        return;
    }
    jn_error_format(b, e->code, e->position, &f);
}
