/* test_pycond.c - JSONata conditions in Python's words (render/pycond.h),
 * each expected text written by hand from the rules in pycond.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render/pycond.h"

static void expect(const char *jsonata, const char *python)
{
    char *got = stc_pycond_from_jsonata(jsonata);
    if (strcmp(got, python) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", jsonata, got, python);
    free(got);
}

static void test_names_and_operators(void **st)
{
    (void)st;
    /* variables lose their $, the input's fields read as names */
    expect("{% $total > 100 and $not($customer.blocked) %}", "total > 100 and not customer.blocked");
    expect("{% $states.input.n < 10 %}", "n < 10");
    expect("{% $states.input.items[0].qty > 2 %}", "items[0].qty > 2");
    expect("{% $states.input %}", "input");
    /* = is ==, & is +, JSON's literals are Python's */
    expect("{% $count($items) = 0 or $x != null %}", "len(items) == 0 or x != None");
    expect("{% $a & 'b' = 'xb' %}", "a + 'b' == 'xb'");
    expect("{% $not(true) %}", "not True");
    expect("{% $x in [1, 2, 3] %}", "x in [1, 2, 3]");
    /* white space folded, comments dropped */
    expect("{%   $a\n   >=  $b /* why */ %}", "a >= b");
    /* without delimiters too */
    expect("$flag = false", "flag == False");
}

static void test_functions(void **st)
{
    (void)st;
    /* an operand with an operator of its own is put in parentheses */
    expect("{% $not($a and $b) %}", "not (a and b)");
    expect("{% $contains($name, 'x') %}", "'x' in name");
    expect("{% $lowercase($s) = \"yes\" %}", "s.lower() == \"yes\"");
    expect("{% $trim($a & $b) %}", "(a + b).strip()");
    expect("{% $exists($states.input.email) %}", "email is not None");
    expect("{% $string($n) = '3' and $length($s) > $number($m) %}", "str(n) == '3' and len(s) > float(m)");
    /* other functions keep their name; nested calls */
    expect("{% $round($sum($xs), 2) >= 1.5 %}", "round(sum(xs), 2) >= 1.5");
    expect("{% $boolean($max([$a, 1])) %}", "bool(max([a, 1]))");
}

static void test_not_an_expression(void **st)
{
    (void)st;
    /* an unterminated string: only the delimiters and white space change */
    expect("{% $a = 'x  y %}", "$a = 'x y");
    /* strings keep what looks like variables or operators */
    expect("{% $s = '$t = true & x' %}", "s == '$t = true & x'");
    /* $$ and $ are not variables */
    expect("{% $$.a = $.b %}", "$$.a == $.b");
}

/* stc_pycond_try: the same words, or NULL where Python has none */
static void expect_try(const char *in, const char *want)
{
    char *got = stc_pycond_try(in);
    if (want)
        assert_string_equal(got, want);
    else
        assert_null(got);
    free(got);
}

static void test_try(void **st)
{
    (void)st;
    expect_try("{% $total >= 100 %}", "total >= 100");
    expect_try("{% $not($held) and $count($states.input.items) > 0 %}", "not held and len(items) > 0");
    expect_try("{% $s = '$$ := ? ..' %}", "s == '$$ := ? ..'"); /* inside a string: words */
    /* JSONata Python cannot say */
    expect_try("{% ($a := $b; $a > 1) %}", NULL);             /* a binding */
    expect_try("{% $items ~> $count() > 0 %}", NULL);          /* a chain */
    expect_try("{% $a > 1 ? true : false %}", NULL);           /* the conditional */
    expect_try("{% $count($filter($xs, function($v) { $v > 1 })) > 0 %}", NULL); /* a lambda */
    expect_try("{% $n in [1..3] %}", NULL);                    /* a range */
    expect_try("{% $count($states.input.**.id) > 0 %}", NULL); /* descendants */
    expect_try("{% $$.Execution.Name = 'x' %}", NULL);         /* the context */
    expect_try("{% $.ok %}", NULL);
    expect_try("{% $count($xs#$i[$i > 0]) > 0 %}", NULL);      /* a positional binding */
    expect_try("{% $a = 'x  y %}", NULL);                      /* an unterminated string */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_and_operators),
        cmocka_unit_test(test_functions),
        cmocka_unit_test(test_not_an_expression),
        cmocka_unit_test(test_try),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
