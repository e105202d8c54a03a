/* test_aslvars.c - the variables a state reads and assigns
 * (render/aslvars.h), worked out by hand from the ASL and JSONata rules:
 * Assign keys are assigned; `$name` in a {% %} string is read, except
 * $states, $ and $$, built-in functions, calls and names the expression
 * binds itself; JSONPath paths that start with $name read it; the
 * compiler's $.vars.NAME apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "render/aslvars.h"

static const char *data_dir(void)
{
    const char *d = getenv("STC_TEST_DATA");
    return d ? d : STC_SOURCE_DIR "/tests";
}

/* "a,b,c" from a name set ("" when empty). */
static char *joined(const stc_aslnames *s)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "");
    for (size_t i = 0; i < s->n; i++)
        stc_buf_printf(&b, "%s%s", i ? "," : "", s->v[i]);
    return stc_buf_take(&b);
}

static void assert_names(const stc_aslnames *s, const char *want)
{
    char *got = joined(s);
    if (strcmp(got, want) != 0)
        fail_msg("names: got \"%s\", want \"%s\"", got, want);
    free(got);
}

static void expect_reads(const char *expr, const char *want)
{
    stc_aslnames s = {0};
    stc_aslvars_expr_reads(expr, &s);
    char *got = joined(&s);
    if (strcmp(got, want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", expr, got, want);
    free(got);
    for (size_t i = 0; i < s.n; i++)
        free(s.v[i]);
    free(s.v);
}

static void test_expr_reads(void **st)
{
    (void)st;
    /* a call ($not) is no variable; a path into a variable reads it */
    expect_reads("{% $total > 100 and $not($customer.blocked) %}", "total,customer");
    /* $states, the context $ and the root $$ are not variables */
    expect_reads("{% $states.input.x + $$.a + $.b %}", "");
    /* a block's own binding, read after it, is local */
    expect_reads("($t := $a * 2; $t + $b)", "a,b");
    /* lambda parameters are the lambda's own; a built-in passed as a value
     * is a function */
    expect_reads("$map($xs, function($i) { $i * $k })", "xs,k");
    expect_reads("$map($xs, $string)", "xs");
    expect_reads("\xCE\xBB($v){ $v + $w }", "w");
    /* strings, quoted field names and comments hold no references */
    expect_reads("'$no' & \"$nor\" & `$field` & $y /* $comment */", "y");
    /* each name once, in the order first read */
    expect_reads("$a + $a + $b", "a,b");
}

static cJSON *load_review(void)
{
    char *path = stc_xasprintf("%s/tui/data/review.asl.json", data_dir());
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(path, &text, &len, &err) != 0)
        fail_msg("%s: %s", path, err);
    cJSON *doc = cJSON_Parse(text);
    assert_non_null(doc);
    free(text);
    free(path);
    return doc;
}

static void expect_state(const cJSON *doc, const char *name, const char *reads, const char *assigns,
                         const char *catch_assigns)
{
    bool jsonata = false;
    const cJSON *s = stc_aslvars_find_state(doc, name, &jsonata);
    if (!s)
        fail_msg("no state %s", name);
    assert_true(jsonata);
    stc_aslvars v;
    stc_aslvars_of(s, jsonata, &v);
    assert_names(&v.reads, reads);
    assert_names(&v.assigns, assigns);
    assert_names(&v.catch_assigns, catch_assigns);
    assert_int_equal(v.data_reads.n + v.data_sets.n, 0);
    stc_aslvars_free(&v);
}

/* tests/tui/data/review.asl.json, state by state */
static void test_jsonata_states(void **st)
{
    (void)st;
    cJSON *doc = load_review();
    expect_state(doc, "Price", "", "customer,items,total", "");
    /* the rule's Assign counts; $round is a call */
    expect_state(doc, "Big order?", "customer,total", "discount", "");
    expect_state(doc, "No discount", "", "discount", "");
    /* the Catch's Assign is apart; $states.result is not a variable */
    expect_state(doc, "Charge", "customer,discount,total", "receipt", "why");
    /* the Map's own fields, not its iterator's states */
    expect_state(doc, "Label each", "items", "labels", "");
    /* inside the iterator (JSONata inherited from the top): $sku is bound
     * by the expression */
    expect_state(doc, "Label", "receipt", "", "");
    expect_state(doc, "Done", "items,labels,receipt", "", "");
    expect_state(doc, "Declined", "why", "", "");
    assert_null(stc_aslvars_find_state(doc, "No such state", NULL));
    cJSON_Delete(doc);
}

static void test_jsonpath_state(void **st)
{
    (void)st;
    cJSON *doc = cJSON_Parse(
        "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"P\", \"States\": {"
        " \"P\": {\"Type\": \"Pass\", \"QueryLanguage\": \"JSONPath\","
        "  \"Parameters\": {\"a.$\": \"$x.field\", \"b.$\": \"States.Format('{} $no', $y)\","
        "   \"c.$\": \"$$.Execution.Id\", \"d.$\": \"$.vars.email.value\", \"e\": \"$plain\"},"
        "  \"Assign\": {\"z.$\": \"$.q\", \"w\": 1}, \"ResultPath\": \"$.vars.ok\", \"Next\": \"T\"},"
        " \"T\": {\"Type\": \"Task\", \"QueryLanguage\": \"JSONPath\", \"Resource\": \"arn:x\","
        "  \"InputPath\": \"$cfg\", \"ResultSelector\": {\"v.$\": \"$.Payload\", \"u.$\": \"$gone\"},"
        "  \"Catch\": [{\"ErrorEquals\": [\"States.ALL\"], \"Assign\": {\"err.$\": \"$.Cause\"}, \"Next\": \"S\"}],"
        "  \"Next\": \"S\"},"
        " \"S\": {\"Type\": \"Pass\", \"QueryLanguage\": \"JSONPath\","
        "  \"Parameters\": {\"vars\": {\"n.$\": \"$.n\", \"m\": 2}, \"sys\": {}}, \"End\": true}}}");
    assert_non_null(doc);
    bool jsonata = true;
    const cJSON *p = stc_aslvars_find_state(doc, "P", &jsonata);
    assert_false(jsonata); /* its own QueryLanguage wins over the top's */
    stc_aslvars v;
    stc_aslvars_of(p, jsonata, &v);
    /* $x and $y read; "$plain" under a key without .$ is a literal */
    assert_names(&v.reads, "x,y");
    assert_names(&v.assigns, "w,z");
    assert_names(&v.data_reads, "email");
    assert_names(&v.data_sets, "ok");
    stc_aslvars_free(&v);
    const cJSON *t = stc_aslvars_find_state(doc, "T", &jsonata);
    stc_aslvars_of(t, jsonata, &v);
    /* the ResultSelector reads the result, not variables */
    assert_names(&v.reads, "cfg");
    assert_names(&v.catch_assigns, "err");
    stc_aslvars_free(&v);
    /* a Parameters that rebuilds vars (no ResultPath) sets every key */
    const cJSON *s = stc_aslvars_find_state(doc, "S", &jsonata);
    stc_aslvars_of(s, jsonata, &v);
    assert_names(&v.data_sets, "m,n");
    assert_names(&v.reads, "");
    stc_aslvars_free(&v);
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_reads),
        cmocka_unit_test(test_jsonata_states),
        cmocka_unit_test(test_jsonpath_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
