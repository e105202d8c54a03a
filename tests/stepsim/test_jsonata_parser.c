/* test_jsonata_parser.c - the JSONata parser: the trees it builds for the
 * constructs whose post-processing matters to the evaluator (paths and their
 * steps, stages, tuple bindings, ancestors, tail calls, the copies ?: and ??
 * make), and its syntax errors with the reference's codes, positions and
 * tokens. The trees are written as the reference's parser.js builds them
 * (processAST), read from its source; positions count UTF-16 units and point
 * after the token, as its tokenizer counts them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stepsim/jsonata/ast.h"
#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/jsonata.h"

/* ---- a compact writer of trees ---- */

static void dump(stc_buf *b, const jn_node *n);

static void dump_stages(stc_buf *b, const jn_stages *st)
{
    for (int i = 0; i < st->n; i++) {
        if (st->v[i].is_index) {
            stc_buf_printf(b, "#$%s", st->v[i].name);
        } else {
            stc_buf_putc(b, '[');
            dump(b, st->v[i].expr);
            stc_buf_putc(b, ']');
        }
    }
}

static void dump_list(stc_buf *b, const jn_nodes *l, const char *sep)
{
    for (int i = 0; i < l->n; i++) {
        if (i)
            stc_buf_puts(b, sep);
        dump(b, l->v[i]);
    }
}

static const char *op_text(const jn_node *n) { return n->str ? n->str : "?"; }

static void dump(stc_buf *b, const jn_node *n)
{
    if (!n) {
        stc_buf_puts(b, "nil");
        return;
    }
    char num[32];
    switch (n->type) {
    case JN_N_PATH:
        stc_buf_puts(b, "(path");
        if (n->keep_singleton)
            stc_buf_puts(b, "[]");
        for (int i = 0; i < n->steps.n; i++) {
            stc_buf_putc(b, ' ');
            dump(b, n->steps.v[i]);
        }
        stc_buf_putc(b, ')');
        break;
    case JN_N_NAME:
        stc_buf_puts(b, n->str);
        break;
    case JN_N_VARIABLE:
        stc_buf_printf(b, "$%s", n->str);
        break;
    case JN_N_STRING:
        stc_buf_printf(b, "\"%s\"", n->str);
        break;
    case JN_N_NUMBER:
        jn_num_format(n->num, num);
        stc_buf_puts(b, num);
        break;
    case JN_N_VALUE:
        stc_buf_puts(b, n->str);
        break;
    case JN_N_REGEX:
        stc_buf_puts(b, n->str);
        break;
    case JN_N_WILDCARD:
        stc_buf_puts(b, "*");
        break;
    case JN_N_DESCENDANT:
        stc_buf_puts(b, "**");
        break;
    case JN_N_PARENT:
        stc_buf_printf(b, "%%%s", n->slot->label);
        break;
    case JN_N_OPERATOR:
        stc_buf_puts(b, n->str);
        break;
    case JN_N_BINARY:
        stc_buf_printf(b, "(%s ", op_text(n));
        dump(b, n->lhs);
        stc_buf_putc(b, ' ');
        dump(b, n->rhs);
        stc_buf_putc(b, ')');
        break;
    case JN_N_UNARY:
        if (n->op == JN_OP_ARRAY) {
            stc_buf_puts(b, n->consarray ? "[cons " : "[");
            dump_list(b, &n->exprs, ", ");
            stc_buf_putc(b, ']');
        } else if (n->op == JN_OP_OBJECT) {
            stc_buf_putc(b, '{');
            for (int i = 0; i + 1 < n->object->pairs.n; i += 2) {
                if (i)
                    stc_buf_puts(b, ", ");
                dump(b, n->object->pairs.v[i]);
                stc_buf_puts(b, ": ");
                dump(b, n->object->pairs.v[i + 1]);
            }
            stc_buf_putc(b, '}');
        } else {
            stc_buf_puts(b, "(- ");
            dump(b, n->expression);
            stc_buf_putc(b, ')');
        }
        break;
    case JN_N_FUNCTION:
    case JN_N_PARTIAL:
        stc_buf_puts(b, n->type == JN_N_FUNCTION ? "(call " : "(partial ");
        dump(b, n->procedure);
        for (int i = 0; i < n->args.n; i++) {
            stc_buf_putc(b, ' ');
            dump(b, n->args.v[i]);
        }
        stc_buf_putc(b, ')');
        break;
    case JN_N_LAMBDA:
        if (n->thunk) {
            stc_buf_puts(b, "(thunk ");
            dump(b, n->body);
            stc_buf_putc(b, ')');
            break;
        }
        stc_buf_puts(b, "(lambda (");
        dump_list(b, &n->args, " ");
        stc_buf_puts(b, ") ");
        dump(b, n->body);
        stc_buf_putc(b, ')');
        break;
    case JN_N_CONDITION:
        stc_buf_puts(b, "(? ");
        dump(b, n->condition);
        stc_buf_putc(b, ' ');
        dump(b, n->then);
        if (n->els) {
            stc_buf_putc(b, ' ');
            dump(b, n->els);
        }
        stc_buf_putc(b, ')');
        break;
    case JN_N_BLOCK:
        stc_buf_puts(b, "(block ");
        dump_list(b, &n->exprs, " ");
        stc_buf_putc(b, ')');
        break;
    case JN_N_BIND:
        stc_buf_puts(b, "(:= ");
        dump(b, n->lhs);
        stc_buf_putc(b, ' ');
        dump(b, n->rhs);
        stc_buf_putc(b, ')');
        break;
    case JN_N_APPLY:
        stc_buf_puts(b, "(~> ");
        dump(b, n->lhs);
        stc_buf_putc(b, ' ');
        dump(b, n->rhs);
        stc_buf_putc(b, ')');
        break;
    case JN_N_SORT:
        stc_buf_puts(b, "(sort");
        for (int i = 0; i < n->nterms; i++) {
            stc_buf_puts(b, n->terms[i].descending ? " >" : " <");
            dump(b, n->terms[i].expr);
        }
        stc_buf_putc(b, ')');
        break;
    case JN_N_TRANSFORM:
        stc_buf_puts(b, "(| ");
        dump(b, n->pattern);
        stc_buf_putc(b, ' ');
        dump(b, n->update);
        if (n->del) {
            stc_buf_putc(b, ' ');
            dump(b, n->del);
        }
        stc_buf_putc(b, ')');
        break;
    default:
        stc_buf_puts(b, "<?>");
        break;
    }
    /* what the post-processing attached to the node */
    if (n->type != JN_N_PATH && n->keep_array)
        stc_buf_puts(b, "[]");
    dump_stages(b, &n->stages);
    if (n->predicate.n) {
        stc_buf_puts(b, "pred");
        dump_stages(b, &n->predicate);
    }
    if (n->focus)
        stc_buf_printf(b, "@$%s", n->focus);
    if (n->index)
        stc_buf_printf(b, "#$%s", n->index);
    if (n->ancestor)
        stc_buf_printf(b, "^%s", n->ancestor->label);
    if (n->tuple)
        stc_buf_puts(b, "!T");
    if (n->group) {
        stc_buf_puts(b, "{");
        for (int i = 0; i + 1 < n->group->pairs.n; i += 2) {
            if (i)
                stc_buf_puts(b, ", ");
            dump(b, n->group->pairs.v[i]);
            stc_buf_puts(b, ": ");
            dump(b, n->group->pairs.v[i + 1]);
        }
        stc_buf_puts(b, "}");
    }
}

static void expect_tree(const char *expr, const char *want)
{
    jn_ctx cx;
    jn_ctx_init(&cx);
    jn_syntax_error err;
    const jn_node *n = jn_parse(&cx, expr, strlen(expr), &err);
    if (!n)
        fail_msg("%s: %s at %d", expr, err.code, err.position);
    stc_buf b = STC_BUF_INIT;
    dump(&b, n);
    if (strcmp(stc_buf_cstr(&b), want))
        fail_msg("%s\n  want %s\n  got  %s", expr, want, stc_buf_cstr(&b));
    stc_buf_free(&b);
    jn_ctx_dispose(&cx);
}

static void test_trees(void **state)
{
    (void)state;
    /* precedence and associativity (binding powers of parser.js) */
    expect_tree("1 + 2 * 3", "(+ 1 (* 2 3))");
    expect_tree("1 - 2 - 3", "(- (- 1 2) 3)");
    expect_tree("a and b or c", "(or (and (path a) (path b)) (path c))");
    expect_tree("a & b = c", "(= (& (path a) (path b)) (path c))");
    expect_tree("$a := $b := 1", "(:= $a (:= $b 1))");
    /* the unary minus of a number literal is folded */
    expect_tree("-1", "-1");
    expect_tree("-a", "(- (path a))");
    /* paths flatten; string steps become names; the keyword names */
    expect_tree("a.b.c", "(path a b c)");
    expect_tree("a.\"b c\".and", "(path a b c and)");
    expect_tree("$x.a", "(path $x a)");
    expect_tree("`a.b`", "(path a.b)");
    /* predicates become stages of the step; on a non-step, predicates */
    expect_tree("a[0].b[c > 1]", "(path a[0] b[(> (path c) 1)])");
    expect_tree("$x[0]", "$xpred[0]");
    expect_tree("a[0][]", "(path[] a[][0])");
    expect_tree("a.b[]", "(path[] a b[])");
    /* array constructors at either end of a path keep their array */
    expect_tree("[1, 2].a", "(path [cons 1, 2] a)");
    expect_tree("a.[b, c]", "(path a [cons (path b), (path c)])");
    expect_tree("[1..3, 5]", "[(.. 1 3), 5]");
    /* grouping goes on the path; an object constructor is unary */
    expect_tree("a{b: c}", "(path a){(path b): (path c)}");
    expect_tree("{\"k\": 1}", "{\"k\": 1}");
    /* order-by is a sort step at the end of the path */
    expect_tree("a^(<b, >c)", "(path a (sort <(path b) >(path c)))");
    expect_tree("$x^(b)", "(path $x (sort <(path b)))");
    /* context and position bindings make tuple steps */
    expect_tree("a@$x.b", "(path a@$x!T b)");
    expect_tree("a#$i.b", "(path a#$i!T b)");
    expect_tree("a[0]#$i", "(path a[0]#$i!T)");
    expect_tree("$x#$i", "(path $x#$i!T)");
    /* the parent operator: the step it reads from binds an ancestor label */
    expect_tree("a.b.%", "(path a b^!0!T %!0)");
    expect_tree("a.b.%.%", "(path a^!1!T b^!0!T %!0 %!1)");
    expect_tree("a.b[%.c]", "(path a b[(path %!0 c)]^!0!T)");
    /* function calls, partial application, chaining */
    expect_tree("$f(1, a)", "(call $f 1 (path a))");
    expect_tree("$f(?, 1)", "(partial $f ? 1)");
    expect_tree("a ~> $f(1)", "(~> (path a) (call $f 1))");
    /* a lambda's tail calls become thunks, in both branches and at the end of a block */
    expect_tree("function($n){$n = 0 ? 1 : $f($n - 1)}",
                "(lambda ($n) (? (= $n 0) 1 (thunk (call $f (- $n 1)))))");
    expect_tree("\xCE\xBB($x){($y := 1; $g($x))}", "(lambda ($x) (block (:= $y 1) (thunk (call $g $x))))");
    expect_tree("function($n){$n * $f($n)}", "(lambda ($n) (* $n (call $f $n)))");
    expect_tree("function($n){$f($n)[0]}", "(lambda ($n) (call $f $n)pred[0])");
    /* ?: and ?? evaluate a copy of their left side as the condition */
    expect_tree("a ?: b", "(? (path a) (path a) (path b))");
    expect_tree("a ?? b", "(? (call $exists (path a)) (path a) (path b))");
    expect_tree("a ? b", "(? (path a) (path b))");
    /* transforms, regexes, wildcards, descendants */
    expect_tree("| a | {\"b\": 1}, \"c\" |", "(| (path a) {\"b\": 1} \"c\")");
    expect_tree("/a(b)/i", "/a(b)/i");
    expect_tree("*.**", "(path * **)");
    /* comments and white space are skipped */
    expect_tree("/* c */ a /* d */ . b", "(path a b)");
}

/* ---- syntax errors ---- */

static void expect_error(const char *expr, const char *code, int position, const char *token)
{
    stc_jsonata_error err = {.position = -1};
    stc_jsonata *e = stc_jsonata_compile(expr, strlen(expr), &err);
    if (e)
        fail_msg("%s: compiled, expected %s", expr, code);
    if (strcmp(err.code, code) || err.position != position ||
        (token ? !err.token || strcmp(err.token, token) : err.token != NULL))
        fail_msg("%s: want %s at %d token %s, got %s at %d token %s (%s)", expr, code, position,
                 token ? token : "(none)", err.code, err.position, err.token ? err.token : "(none)",
                 err.message);
    assert_non_null(err.message);
    stc_jsonata_error_clear(&err);
}

static void test_errors(void **state)
{
    (void)state;
    /* the tokenizer */
    expect_error("\"abc", "S0101", 4, NULL);
    expect_error("1e400", "S0102", 0, "1e400");
    expect_error("\"\\q\"", "S0103", 2, "q");
    expect_error("\"\\u12\"", "S0104", 2, NULL);
    expect_error("`abc", "S0105", 4, NULL);
    expect_error("/* x", "S0106", 0, NULL);
    expect_error("//", "S0301", 1, NULL);
    expect_error("/abc", "S0302", 4, NULL);
    /* the parser */
    expect_error("1 2", "S0201", 3, "2");
    expect_error("\"a\" \"b\"", "S0201", 7, "b");
    expect_error("{\"a\" 1}", "S0202", 6, "1");
    expect_error("(1", "S0203", 2, "(end)");
    expect_error("foo(1,2", "S0203", 7, "(end)");
    expect_error("$x ! 2", "S0204", 4, "!");
    expect_error("a ~ b", "S0204", 3, "~");
    expect_error("1 +", "S0207", 3, "(end)");
    expect_error("a ? b :", "S0207", 7, "(end)");
    expect_error("function(a){1}", "S0208", 10, "a");
    expect_error("$x{a:b}[0]", "S0209", 8, NULL);
    expect_error("a{b: c}{d: e}", "S0210", 8, NULL);
    expect_error(")", "S0211", 1, ")");
    expect_error("[1..2, 3..]", "S0211", 11, "]");
    expect_error("a := 1", "S0212", 1, "a");
    expect_error("1 := 2", "S0212", 1, "1");
    expect_error("a.1", "S0213", 3, NULL);
    expect_error("a.true", "S0213", 6, NULL);
    expect_error("a@b", "S0214", 3, "@");
    expect_error("a#b", "S0214", 3, "#");
    expect_error("a[0]@$x", "S0215", 5, NULL);
    expect_error("a^(b)@$x", "S0216", 6, NULL);
    expect_error("$.%", "S0217", 1, "variable");
    expect_error("%.a", "S0217", -1, "path");
    expect_error("function($x)<b<n>:n>{1}", "S0401", 15, NULL);
    expect_error("function($x)<(a<n>):n>{1}", "S0402", 14, NULL);
    /* positions count UTF-16 units: the emoji is two */
    expect_error("\"\xF0\x9F\x98\x80\" +", "S0207", 6, "(end)");
    /* the engine's own: an invalid regular expression, too deep a nesting */
    expect_error("/a**/", "S0303", 5, NULL);
    char deep[4100];
    memset(deep, '(', 2050);
    deep[2050] = '\0';
    expect_error(deep, "S0218", 1001, NULL);

    /* a message with its token: the reference's template, JSON-quoted */
    stc_jsonata_error err = {.position = -1};
    assert_null(stc_jsonata_compile("(1", 2, &err));
    assert_string_equal(err.message, "Expected \")\" before end of expression");
    stc_jsonata_error_clear(&err);
    assert_null(stc_jsonata_compile("1 2", 3, &err));
    assert_string_equal(err.message, "Syntax error: 2"); /* a number token is JSON without quotes */
    stc_jsonata_error_clear(&err);
}

static void test_text(void **state)
{
    (void)state;
    /* the expression keeps its own copy of the text */
    char buf[] = "a.b";
    stc_jsonata_error err = {.position = -1};
    stc_jsonata *e = stc_jsonata_compile(buf, 3, &err);
    assert_non_null(e);
    buf[0] = 'x';
    assert_string_equal(stc_jsonata_text(e), "a.b");
    stc_jsonata_free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trees),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
