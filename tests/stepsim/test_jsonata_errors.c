/* test_jsonata_errors.c - the reference's error messages and how an error
 * leaves through the evaluator's catch records. Expected messages are the
 * templates of jsonata-js 2.2.2's errorCodes with the fields written as its
 * populateMessage writes them (JSON.stringify for {{x}}, text for {{{x}}}). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/errors.h"
#include "stepsim/jsonata/value.h"

static char *format(const char *code, const jn_errinfo *f)
{
    static char out[512];
    stc_buf b = {0};
    jn_error_format(&b, code, f ? f->position : -1, f);
    snprintf(out, sizeof out, "%s", stc_buf_cstr(&b));
    stc_buf_free(&b);
    return out;
}

static void test_templates(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    assert_string_equal(jn_error_template("S0101"), "String literal must be terminated by a matching quote");
    assert_string_equal(jn_error_template("D3141"), "{{{message}}}");
    assert_null(jn_error_template("U1001"));
    assert_null(jn_error_template("X9999"));

    /* {{token}} is JSON text: quoted */
    jn_errinfo f = {.position = 3, .token = "+"};
    assert_string_equal(format("T2001", &f), "The left side of the \"+\" operator must evaluate to a number");
    /* S0103's template has a backslash before the token */
    f = (jn_errinfo){.position = 2, .token = "q"};
    assert_string_equal(format("S0103", &f), "Unsupported escape sequence: \\\"q\"");
    /* values: strings quoted, numbers as JavaScript prints them, NaN as null */
    f = (jn_errinfo){.value = jn_str_cstr(&cx, "x")};
    assert_string_equal(format("D1002", &f), "Cannot negate a non-numeric value: \"x\"");
    f = (jn_errinfo){.value = jn_num(&cx, 1.5e21)};
    assert_string_equal(format("D1001", &f), "Number out of range: 1.5e+21");
    f = (jn_errinfo){.value = jn_num(&cx, 0.0 / 0.0)};
    assert_string_equal(format("D1001", &f), "Number out of range: null");
    f = (jn_errinfo){.token = "<", .value = jn_num(&cx, 1), .value2 = jn_str_cstr(&cx, "a")};
    assert_string_equal(format("T2009", &f),
                        "The values 1 and \"a\" either side of operator \"<\" must be of the same data type");
    /* an absent field is `undefined` */
    assert_string_equal(format("D3030", NULL), "Unable to cast value to a number: undefined");
    /* index and type (T0412) */
    f = (jn_errinfo){.token = "sum", .index = 1, .type = "numbers"};
    assert_string_equal(format("T0412", &f), "Argument 1 of function \"sum\" must be an array of \"numbers\"");
    /* triple braces: text; D3140's functionName is the token */
    f = (jn_errinfo){.token = "decodeUrl", .value = jn_str_cstr(&cx, "%E0")};
    assert_string_equal(format("D3140", &f), "Malformed URL passed to $decodeUrl(): \"%E0\"");
    f = (jn_errinfo){.token = "foo"};
    assert_string_equal(format("T1005", &f), "Attempted to invoke a non-function. Did you mean $foo?");
    /* the text inserted by {{{message}}} goes through the second pass */
    f = (jn_errinfo){.message = "a {{value}} b"};
    assert_string_equal(format("D3137", &f), "a undefined b");
    /* D3061's {{exp}} is value2 */
    f = (jn_errinfo){.value = jn_num(&cx, 10), .value2 = jn_num(&cx, 400)};
    assert_string_equal(format("D3061", &f),
                        "The power function has resulted in a value that cannot be represented as a JSON "
                        "number: base=10, exponent=400");
    /* a code outside the table keeps its own message */
    f = (jn_errinfo){.message = "Stack overflow error"};
    assert_string_equal(format("U1001", &f), "Stack overflow error");
    jn_ctx_dispose(&cx);
}

/* Throw `code` under the given catch records; return the context's error. */
static jn_ctx cx;

static void run_throw(jn_catch *top, const jn_errinfo *f)
{
    cx.have_jmp = 1;
    cx.catches = top;
    if (setjmp(cx.jmp) == 0)
        jn_throw_x(&cx, "T2002", f);
}

static void test_catch_records(void **state)
{
    (void)state;
    jn_ctx_init(&cx);
    /* no records: the error keeps what it was thrown with */
    jn_errinfo f = {.position = 7, .token = "-"};
    run_throw(NULL, &f);
    assert_string_equal(cx.err_code, "T2002");
    assert_int_equal(cx.err_position, 7);
    assert_string_equal(cx.err_token, "-");
    assert_string_equal(cx.err_message, "The right side of the \"-\" operator must evaluate to a number");
    assert_null(cx.catches);

    /* a function call fills what is missing only */
    jn_catch call = {.kind = JN_CATCH_CALL, .position = 12, .token = "f"};
    f = (jn_errinfo){.position = -1};
    run_throw(&call, &f);
    assert_int_equal(cx.err_position, 12);
    assert_string_equal(cx.err_token, "f");
    assert_string_equal(cx.err_message, "The right side of the \"f\" operator must evaluate to a number");
    f = (jn_errinfo){.position = 3, .token = "+"};
    run_throw(&call, &f);
    assert_int_equal(cx.err_position, 3);
    assert_string_equal(cx.err_token, "+");

    /* applyInner: the function's last call position wins over the error's;
     * its token only fills a missing one */
    int fpos = 20;
    const char *ftok = "g";
    jn_catch apply = {.kind = JN_CATCH_APPLY, .ppos = &fpos, .ptok = &ftok, .up = &call};
    f = (jn_errinfo){.position = 3, .token = "+"};
    run_throw(&apply, &f);
    assert_int_equal(cx.err_position, 20);
    assert_string_equal(cx.err_token, "+");
    f = (jn_errinfo){.position = -1};
    run_throw(&apply, &f);
    assert_int_equal(cx.err_position, 20);
    assert_string_equal(cx.err_token, "g");
    fpos = -1; /* never called through a call expression: the error keeps its own */
    f = (jn_errinfo){.position = 3, .token = "+"};
    run_throw(&apply, &f);
    assert_int_equal(cx.err_position, 3);

    /* and/or: the operator's position and token, always */
    jn_catch set = {.kind = JN_CATCH_SET, .position = 9, .token = "and", .up = &apply};
    f = (jn_errinfo){.position = 3, .token = "+"};
    run_throw(&set, &f);
    assert_int_equal(cx.err_position, 9);
    assert_string_equal(cx.err_token, "and");

    /* a catching record stops the walk: the records above it are left for
     * whoever throws next, and the error is formatted as it is there */
    jmp_buf inner;
    jn_catch jump = {.kind = JN_CATCH_JUMP, .jmp = &inner, .up = &call};
    jn_catch set2 = {.kind = JN_CATCH_SET, .position = 4, .token = "or", .up = &jump};
    cx.catches = &set2;
    if (setjmp(inner) == 0) {
        f = (jn_errinfo){.position = 2, .token = "*"};
        jn_throw_x(&cx, "T2001", &f);
    }
    assert_int_equal(cx.err_position, 4);
    assert_string_equal(cx.err_token, "or");
    assert_ptr_equal(cx.catches, &call);
    jn_ctx_dispose(&cx);
}

static void test_context(void **state)
{
    (void)state;
    jn_ctx c;
    jn_ctx_init(&c);
    c.now_ms = 1700000000123;
    assert_true(jn_ctx_now_ms(&c) == 1700000000123);
    int data = 5;
    c.host_data = &data;
    assert_ptr_equal(jn_ctx_host_data(&c), &data);
    assert_null(jn_ctx_focus(&c));
    /* the generator: in [0, 1), the same sequence from the same seed */
    c.rng = 42;
    double a[100];
    for (int i = 0; i < 100; i++) {
        a[i] = jn_ctx_random(&c);
        assert_true(a[i] >= 0 && a[i] < 1);
    }
    c.rng = 42;
    for (int i = 0; i < 100; i++)
        assert_true(jn_ctx_random(&c) == a[i]);
    double sum = 0;
    for (int i = 0; i < 100; i++)
        sum += a[i];
    assert_true(sum > 30 && sum < 70); /* not stuck */
    jn_ctx_dispose(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_templates),
        cmocka_unit_test(test_catch_records),
        cmocka_unit_test(test_context),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
