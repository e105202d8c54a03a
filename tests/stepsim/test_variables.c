/* test_variables.c - workflow variables and the errors around them, worked
 * out from AWS's documentation ("Passing data between states with
 * variables", "Error handling in Step Functions", "Step Functions service
 * quotas"), not from program output:
 * - every expression of a state (Assign, ResultPath, OutputPath) reads the
 *   variables as they were when the state began; new values are visible from
 *   the next state on; all values of one Assign come from the old ones;
 * - Parallel branches and Map iterations read outer variables; what they
 *   assign stays inside; a Catch's Assign assigns in the state's own scope;
 *   a variable of an outer scope cannot be assigned in an inner one (load);
 * - a variable holds at most 256 KiB, one Assign at most 256 KiB, the
 *   execution at most 10 MiB; a state's result, output or a Task's
 *   parameters of more than 256 KiB fail with States.DataLimitExceeded;
 * - States.Runtime is never caught nor retried;
 * - a payload template's path that selects nothing gives AWS's cause. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim_test_util.h"

/* A JSON string literal of n 'x' characters (heap). */
static char *big_string(size_t n)
{
    char *s = stc_xmalloc(n + 3);
    s[0] = '"';
    memset(s + 1, 'x', n);
    s[n + 1] = '"';
    s[n + 2] = '\0';
    return s;
}

static void test_assign_reads_entry_values(void **state)
{
    (void)state;
    /* B assigns x = 2 and outputs $x: the output is 1, the value of x when
     * B began; C sees 2. The two values of D swap, read from the old ones. */
    run r = sim_start("{\"StartAt\":\"A\",\"States\":{"
                  "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"x\":1,\"y\":10},\"Next\":\"B\"},"
                  "\"B\":{\"Type\":\"Pass\",\"Assign\":{\"x\":2},\"Parameters\":{\"old.$\":\"$x\"},"
                  "\"ResultPath\":\"$.p\",\"OutputPath\":\"$x\",\"Next\":\"C\"},"
                  "\"C\":{\"Type\":\"Pass\",\"Parameters\":{\"in.$\":\"$\",\"x.$\":\"$x\"},\"Next\":\"D\"},"
                  "\"D\":{\"Type\":\"Pass\",\"Assign\":{\"x.$\":\"$y\",\"y.$\":\"$x\"},"
                  "\"Parameters\":{\"x.$\":\"$x\",\"y.$\":\"$y\"},\"Next\":\"E\"},"
                  "\"E\":{\"Type\":\"Pass\",\"Parameters\":{\"d.$\":\"$\",\"x.$\":\"$x\",\"y.$\":\"$y\"},"
                  "\"End\":true}}}",
                  "{}", NULL, false);
    expect_output(&r, "{\"d\":{\"x\":2,\"y\":10},\"x\":10,\"y\":2}");
    finish(&r);
    /* the same on a Choice (the matched rule's Assign) and a Wait: their
     * OutputPath reads the old value */
    r = sim_start("{\"StartAt\":\"A\",\"States\":{"
              "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"n\":1},\"Next\":\"C\"},"
              "\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$n\",\"NumericEquals\":1,"
              "\"Assign\":{\"n\":2},\"Next\":\"W\"}],\"OutputPath\":\"$n\",\"Default\":\"W\"},"
              "\"W\":{\"Type\":\"Wait\",\"Seconds\":1,\"Assign\":{\"n\":3},"
              "\"InputPath\":\"$\",\"OutputPath\":\"$n\",\"Next\":\"Z\"},"
              "\"Z\":{\"Type\":\"Pass\",\"Parameters\":{\"in.$\":\"$\",\"n.$\":\"$n\"},\"End\":true}}}",
              "{}", NULL, false);
    expect_output(&r, "{\"in\":2,\"n\":3}");
    finish(&r);
}

static void test_scopes(void **state)
{
    (void)state;
    /* iterations read the outer x; their own y stays inside; one iteration
     * at a time (MaxConcurrency 1) */
    run r = sim_start("{\"StartAt\":\"A\",\"States\":{"
                  "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"x\":5},\"Next\":\"M\"},"
                  "\"M\":{\"Type\":\"Map\",\"MaxConcurrency\":1,\"ItemProcessor\":{\"StartAt\":\"I\","
                  "\"States\":{\"I\":{\"Type\":\"Pass\",\"Assign\":{\"y.$\":\"$\"},\"Next\":\"J\"},"
                  "\"J\":{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"$x\",\"y.$\":\"$y\"},\"End\":true}}},"
                  "\"Next\":\"Z\"},"
                  "\"Z\":{\"Type\":\"Pass\",\"Parameters\":{\"r.$\":\"$\",\"seen.$\":\"$x\"},\"End\":true}}}",
                  "[1,2]", NULL, true);
    /* steps: A, M (starts iteration 0), I: iteration 0's J reads x and y */
    for (int i = 0; i < 3; i++)
        stc_sim_step(r.sim);
    assert_string_equal(stc_sim_current_state(r.sim), "J");
    cJSON *v = stc_sim_variables(r.sim);
    assert_json(v, "{\"x\":5,\"y\":1}");
    cJSON_Delete(v);
    /* one step back: iteration 0's I again, y not assigned yet */
    assert_int_equal(stc_sim_back(r.sim), 0);
    assert_string_equal(stc_sim_current_state(r.sim), "I");
    v = stc_sim_variables(r.sim);
    assert_json(v, "{\"x\":5}");
    cJSON_Delete(v);
    expect_output(&r, "{\"r\":[{\"x\":5,\"y\":1},{\"x\":5,\"y\":2}],\"seen\":5}");
    v = stc_sim_variables(r.sim);
    assert_json(v, "{\"x\":5}"); /* y went out of scope with the iterations */
    cJSON_Delete(v);
    finish(&r);
    /* a Catch's Assign assigns in the scope of the failed state */
    r = sim_start("{\"StartAt\":\"P\",\"States\":{"
              "\"P\":{\"Type\":\"Parallel\",\"Branches\":[{\"StartAt\":\"F\",\"States\":{"
              "\"F\":{\"Type\":\"Fail\",\"Error\":\"Boom\"}}}],"
              "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Assign\":{\"err.$\":\"$.Error\"},"
              "\"Next\":\"Z\"}],\"End\":true},"
              "\"Z\":{\"Type\":\"Pass\",\"Parameters\":{\"err.$\":\"$err\"},\"End\":true}}}",
              "{}", NULL, false);
    expect_output(&r, "{\"err\":\"Boom\"}");
    finish(&r);
    /* an inner scope cannot assign a variable an outer scope assigns,
     * wherever the outer assignment is (here after the Map) */
    expect_bad("{\"StartAt\":\"M\",\"States\":{"
               "\"M\":{\"Type\":\"Map\",\"ItemProcessor\":{\"StartAt\":\"I\",\"States\":{"
               "\"I\":{\"Type\":\"Pass\",\"Assign\":{\"total\":1},\"End\":true}}},\"Next\":\"Z\"},"
               "\"Z\":{\"Type\":\"Pass\",\"Assign\":{\"total\":0},\"End\":true}}}",
               "state 'M': ItemProcessor: state 'I': 'Assign': the variable 'total' is assigned in "
               "an outer scope too (by state 'Z')");
    expect_bad("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,"
               "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Assign\":{\"e.$\":\"$\"},\"Next\":\"P\"}],"
               "\"Branches\":[{\"StartAt\":\"B\",\"States\":{\"B\":{\"Type\":\"Choice\",\"Choices\":["
               "{\"Variable\":\"$\",\"IsNull\":true,\"Assign\":{\"e\":1},\"Next\":\"C\"}],\"Default\":\"C\"},"
               "\"C\":{\"Type\":\"Succeed\"}}}]}}}",
               "Branches[0]: state 'B': 'Assign': the variable 'e' is assigned in an outer scope "
               "too (by state 'P')");
    /* names: an identifier of at most 80 characters, not a part of one */
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"x.y\":1},"
               "\"End\":true}}}",
               "state 'A': 'Assign': 'x.y' is not a variable name");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"states\":1},"
               "\"End\":true}}}",
               "'states' is not a variable name");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{"
               "\"a23456789012345678901234567890123456789012345678901234567890123456789012345678901\":1},"
               "\"End\":true}}}",
               "is not a variable name");
}

static void test_variable_limits(void **state)
{
    (void)state;
    /* one variable of 256 KiB + 1 byte: States.Array of two strings of
     * 131,069 characters is 2 x 131,071 + 3 = 262,145 bytes of JSON */
    const char *one = "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":"
                      "{\"v.$\":\"States.Array($.s, $.s)\"},\"End\":true}}}";
    char *s = big_string(131069);
    char *in = stc_xasprintf("{\"s\":%s}", s);
    run r = sim_start(one, in, NULL, false);
    expect_failure(&r, "States.DataLimitExceeded", NULL);
    assert_non_null(strstr(stc_sim_cause(r.sim), "the variable 'v'"));
    finish(&r);
    free(in);
    free(s);
    /* 262,143 bytes are accepted */
    s = big_string(131068);
    in = stc_xasprintf("{\"s\":%s}", s);
    r = sim_start(one, in, NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    finish(&r);
    free(in);
    free(s);
    /* two variables of 200,002 bytes each in one Assign: 400,004 > 256 KiB */
    s = big_string(200000);
    in = stc_xasprintf("{\"s\":%s}", s);
    r = sim_start("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"v.$\":\"$.s\","
              "\"w.$\":\"$.s\"},\"OutputPath\":null,\"End\":true}}}",
              in, NULL, false);
    expect_failure(&r, "States.DataLimitExceeded", NULL);
    assert_non_null(strstr(stc_sim_cause(r.sim), "one Assign field"));
    finish(&r);
    /* the same two in two states pass: 10 MiB for the whole execution */
    r = sim_start("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"v.$\":\"$.s\"},"
              "\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"Assign\":{\"w.$\":\"$.s\"},\"OutputPath\":null,"
              "\"End\":true}}}",
              in, NULL, false);
    expect_output(&r, "{}");
    finish(&r);
    free(in);
    free(s);
    /* the execution's 10 MiB (10,485,760 bytes): 52 variables of 200,002
     * bytes (10,400,104) fit, a 53rd (10,600,106) does not. States V1..V53
     * each assign one. */
    s = big_string(200000);
    in = stc_xasprintf("{\"s\":%s}", s);
    for (int count = 52; count <= 53; count++) {
        stc_buf b = STC_BUF_INIT;
        stc_buf_puts(&b, "{\"StartAt\":\"V1\",\"States\":{");
        for (int i = 1; i <= count; i++) {
            stc_buf_printf(&b, "%s\"V%d\":{\"Type\":\"Pass\",\"Assign\":{\"v%d.$\":\"$.s\"},",
                           i > 1 ? "," : "", i, i);
            if (i < count)
                stc_buf_printf(&b, "\"Next\":\"V%d\"}", i + 1);
            else
                stc_buf_puts(&b, "\"OutputPath\":null,\"End\":true}");
        }
        stc_buf_puts(&b, "}}");
        char *asl = stc_buf_take(&b);
        r = sim_start(asl, in, NULL, false);
        if (count == 52) {
            expect_output(&r, "{}");
        } else {
            expect_failure(&r, "States.DataLimitExceeded", NULL);
            assert_non_null(strstr(stc_sim_cause(r.sim), "10 MiB"));
        }
        finish(&r);
        free(asl);
    }
    free(in);
    free(s);
}

static void test_payload_limit(void **state)
{
    (void)state;
    /* a Pass output of 262,145 bytes: States.DataLimitExceeded, with AWS's
     * cause naming the state (no "An error occurred..." prefix); a Pass
     * cannot catch it */
    char *s = big_string(131069);
    char *in = stc_xasprintf("{\"s\":%s}", s);
    run r = sim_start("{\"StartAt\":\"Big\",\"States\":{\"Big\":{\"Type\":\"Pass\",\"Parameters\":"
                  "{\"v.$\":\"States.Array($.s, $.s)\"},\"OutputPath\":\"$.v\",\"End\":true}}}",
                  in, NULL, false);
    expect_failure(&r, "States.DataLimitExceeded",
                   "The state/task 'Big' returned a result with a size exceeding the maximum number "
                   "of bytes service limit.");
    finish(&r);
    /* a Task's parameters of more than 256 KiB, named after the integration
     * (its service); caught by States.ALL */
    r = sim_start("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":"
              "\"arn:aws:states:::lambda:invoke\",\"Parameters\":{\"Payload.$\":\"States.Array($.s, "
              "$.s)\"},\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.e\","
              "\"OutputPath\":\"$.e\",\"Next\":\"C\"}],\"End\":true},"
              "\"C\":{\"Type\":\"Pass\",\"OutputPath\":\"$.e\",\"End\":true}}}",
              in, "T:\n  - return: 1\n", false);
    expect_output(&r, "{\"Error\":\"States.DataLimitExceeded\",\"Cause\":\"The state/task "
                      "'lambda' provided parameters with a size exceeding the maximum number of "
                      "bytes service limit.\"}");
    finish(&r);
    free(in);
    free(s);
    /* a Task result of 262,145 bytes (a string of 262,143 characters) from a resource ARN: the ARN is named,
     * the result is refused (TaskFailed), a retrier for the error runs the
     * Task again */
    s = big_string(262143); /* 262,145 bytes of JSON */
    char *mocks = stc_xasprintf("T:\n  - return: %s\n  - return: small\n", s);
    r = sim_start("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":"
              "\"arn:aws:lambda:us-east-1:123456789012:function:f\",\"Retry\":[{\"ErrorEquals\":"
              "[\"States.DataLimitExceeded\"],\"MaxAttempts\":1}],\"End\":true}}}",
              "{}", mocks, true);
    expect_output(&r, "\"small\"");
    bool refused = false;
    for (size_t i = 0; i < stc_sim_event_count(r.sim); i++) {
        const stc_sim_event *ev = stc_sim_event_at(r.sim, i);
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(ev->details, "cause");
        if (ev->type == STC_EV_TASK_FAILED && cJSON_IsString(c))
            refused = !strcmp(c->valuestring,
                              "The state/task 'arn:aws:lambda:us-east-1:123456789012:function:f' "
                              "returned a result with a size exceeding the maximum number of "
                              "bytes service limit.");
    }
    assert_true(refused);
    finish(&r);
    free(mocks);
    /* an execution input over 256 KiB: AWS would not start it */
    in = stc_xasprintf("{\"s\":%s}", s);
    r = sim_start("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}", in, NULL, false);
    assert_int_equal(stc_sim_get_status(r.sim), STC_SIM_ERROR);
    assert_non_null(strstr(stc_sim_message(r.sim), "larger than 256 KiB"));
    finish(&r);
    free(in);
    free(s);
}

static void test_runtime_never_caught(void **state)
{
    (void)state;
    /* States.Runtime is neither retried nor caught, not even by its own
     * name: a Task whose InputPath selects nothing */
    run r = sim_start("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"x\","
                  "\"InputPath\":\"$.missing\",\"Retry\":[{\"ErrorEquals\":[\"States.Runtime\"]}],"
                  "\"Catch\":[{\"ErrorEquals\":[\"States.Runtime\"],\"Next\":\"C\"},"
                  "{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"C\"}],\"End\":true},"
                  "\"C\":{\"Type\":\"Pass\",\"End\":true}}}",
                  "{}", "T:\n  - return: 1\n", false);
    expect_failure(&r, "States.Runtime",
                   "An error occurred while executing the state 'T' (entered at the event id #2). "
                   "Invalid path '$.missing' : No results for path: $['missing']");
    for (size_t i = 0; i < stc_sim_event_count(r.sim); i++)
        assert_int_not_equal(stc_sim_event_at(r.sim, i)->type, STC_EV_STATE_RETRY);
    finish(&r);
}

static void test_template_path_cause(void **state)
{
    (void)state;
    /* a Parameters path that selects nothing: AWS names the path, the field
     * and the input it looked in */
    run r = sim_start("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Parameters\":{"
                  "\"deep\":{\"address.$\":\"$.application.address\"}},\"End\":true}}}",
                  "{\"flagged\":false}", NULL, false);
    expect_failure(&r, "States.Runtime",
                   "An error occurred while executing the state 'P' (entered at the event id #2). "
                   "The JSONPath '$.application.address' specified for the field 'address.$' could "
                   "not be found in the input '{\"flagged\":false}'");
    finish(&r);
}

static void test_language_fields(void **state)
{
    (void)state;
    /* JSONata's fields in a JSONPath state, with AWS's wording */
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Output\":{},\"End\":true}}}",
               "state 'A': The QueryLanguage is set to 'JSONPath', but field 'Output' is only "
               "supported for the 'JSONata' QueryLanguage");
    expect_bad("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"r\","
               "\"Arguments\":{},\"End\":true}}}",
               "field 'Arguments' is only supported for the 'JSONata' QueryLanguage");
    expect_bad("{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":["
               "{\"Condition\":true,\"Next\":\"D\"}]},\"D\":{\"Type\":\"Succeed\"}}}",
               "state 'C': Choices[0]: The QueryLanguage is set to 'JSONPath', but field "
               "'Condition' is only supported for the 'JSONata' QueryLanguage");
}

static void test_evaluate_jsonpath(void **state)
{
    (void)state;
    /* the prompt's evaluation: against the next state's input, variables and
     * context, changing nothing (States.UUID twice gives the same value) */
    run r = sim_start("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Assign\":{\"v\":5},"
                  "\"Next\":\"B\"},\"B\":{\"Type\":\"Pass\",\"End\":true}}}",
                  "{\"a\":{\"b\":2}}", NULL, false);
    stc_sim_step(r.sim);
    cJSON *out = NULL;
    char *err = NULL;
    bool fn = false;
    assert_int_equal(stc_sim_evaluate(r.sim, "$.a.b", false, &out, &fn, &err), 0);
    assert_json(out, "2");
    cJSON_Delete(out);
    assert_int_equal(stc_sim_evaluate(r.sim, "States.Format('{} {}', $v, $$.State.Name)", false, &out,
                                      &fn, &err),
                     0);
    assert_json(out, "\"5 B\"");
    cJSON_Delete(out);
    cJSON *u1 = NULL, *u2 = NULL;
    assert_int_equal(stc_sim_evaluate(r.sim, "States.UUID()", false, &u1, &fn, &err), 0);
    assert_int_equal(stc_sim_evaluate(r.sim, "States.UUID()", false, &u2, &fn, &err), 0);
    assert_true(cJSON_Compare(u1, u2, true));
    cJSON_Delete(u1);
    cJSON_Delete(u2);
    assert_int_equal(stc_sim_evaluate(r.sim, "$.nope", false, &out, &fn, &err), -1);
    assert_string_equal(err, "States.Runtime: Invalid path '$.nope' : No results for path: $['nope']");
    free(err);
    finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assign_reads_entry_values),
        cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_variable_limits),
        cmocka_unit_test(test_payload_limit),
        cmocka_unit_test(test_runtime_never_caught),
        cmocka_unit_test(test_template_path_cause),
        cmocka_unit_test(test_language_fields),
        cmocka_unit_test(test_evaluate_jsonpath),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
