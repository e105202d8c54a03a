/* test_stepsim.c - unit tests of the step simulator, one group per rule.
 * Expected values are worked out from the ASL specification
 * (states-language.net) and the AWS documentation, not from program output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "stepsim/choice.h"
#include "stepsim/intrinsic.h"
#include "stepsim/io.h"
#include "stepsim/jsonpath.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"

#include "sim_test_util.h"

/* ---- helpers ---- */

static cJSON *eval(const char *expr, const char *input, stc_rterr *err)
{
    cJSON *in = cJSON_Parse(input);
    cJSON *ctx = cJSON_Parse("{\"Execution\":{\"Name\":\"exec\"}}");
    stc_scope sc = {in, ctx, NULL, NULL};
    stc_rng rng = {42};
    cJSON *out = NULL;
    int rc = stc_io_dynamic(expr, &sc, &rng, &out, err);
    cJSON_Delete(in);
    cJSON_Delete(ctx);
    return rc == 0 ? out : NULL;
}

static void expect_eval(const char *expr, const char *input, const char *expected)
{
    stc_rterr err = STC_RTERR_INIT;
    cJSON *out = eval(expr, input, &err);
    if (!out)
        print_error("%s failed: %s: %s\n", expr, err.error, err.cause);
    assert_non_null(out);
    assert_json(out, expected);
    cJSON_Delete(out);
    stc_rterr_clear(&err);
}

static void expect_error(const char *expr, const char *input, const char *error)
{
    stc_rterr err = STC_RTERR_INIT;
    cJSON *out = eval(expr, input, &err);
    assert_null(out);
    assert_string_equal(err.error, error);
    stc_rterr_clear(&err);
}

static char *history_text(const stc_sim *sim)
{
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < stc_sim_event_count(sim); i++) {
        cJSON *j = stc_sim_event_json(stc_sim_event_at(sim, i));
        char *t = cJSON_PrintUnformatted(j);
        stc_buf_printf(&b, "%s\n", t);
        free(t);
        cJSON_Delete(j);
    }
    return stc_buf_take(&b);
}

/* ---- JSONPath ---- */

static void test_jsonpath(void **state)
{
    (void)state;
    const char *doc = "{\"a\":{\"b\":[10,20,30]},\"x-y\":1,\"items\":[{\"p\":1},{\"p\":5}]}";
    expect_eval("$.a.b[1]", doc, "20");
    expect_eval("$.a.b[-1]", doc, "30");
    expect_eval("$['a']['b'][0]", doc, "10");
    expect_eval("$.x-y", doc, "1");
    expect_eval("$.a.b[*]", doc, "[10,20,30]");
    expect_eval("$.a.b[1:]", doc, "[20,30]");
    expect_eval("$.a.b[0,2]", doc, "[10,30]");
    expect_eval("$..p", doc, "[1,5]");
    expect_eval("$.items[?(@.p > 2)]", doc, "[{\"p\":5}]");
    expect_eval("$.nothing[*]", doc, "[]"); /* indefinite: empty list, no error */
    expect_eval("$$.Execution.Name", doc, "\"exec\"");
    /* a definite path that selects nothing is States.Runtime with Jayway's text */
    stc_rterr err = STC_RTERR_INIT;
    assert_null(eval("$.nope", doc, &err));
    assert_string_equal(err.error, "States.Runtime");
    assert_string_equal(err.cause, "Invalid path '$.nope' : No results for path: $['nope']");
    stc_rterr_clear(&err);
    char *msg = NULL;
    assert_int_equal(stc_jsonpath_check("$.a[*]", true, &msg), -1); /* not a reference path */
    free(msg);
    assert_int_equal(stc_jsonpath_check("$.a.b[2]", true, &msg), 0);
}

static void test_result_path(void **state)
{
    (void)state;
    stc_rterr err = STC_RTERR_INIT;
    cJSON *in = cJSON_Parse("{\"a\":1}");
    cJSON *node = cJSON_Parse("{\"ResultPath\":\"$.r.s\"}");
    cJSON *out = NULL;
    /* missing keys are created */
    assert_int_equal(stc_io_result_path(node, in, cJSON_CreateNumber(2), &out, &err), 0);
    assert_json(out, "{\"a\":1,\"r\":{\"s\":2}}");
    cJSON_Delete(out);
    cJSON_Delete(node);
    /* ResultPath null keeps the input */
    node = cJSON_Parse("{\"ResultPath\":null}");
    assert_int_equal(stc_io_result_path(node, in, cJSON_CreateNumber(2), &out, &err), 0);
    assert_json(out, "{\"a\":1}");
    cJSON_Delete(out);
    cJSON_Delete(node);
    /* through a non-object: States.ResultPathMatchFailure */
    node = cJSON_Parse("{\"ResultPath\":\"$.a.b\"}");
    assert_int_equal(stc_io_result_path(node, in, cJSON_CreateNumber(2), &out, &err), -1);
    assert_string_equal(err.error, "States.ResultPathMatchFailure");
    stc_rterr_clear(&err);
    cJSON_Delete(node);
    cJSON_Delete(in);
}

static void test_template(void **state)
{
    (void)state;
    stc_rterr err = STC_RTERR_INIT;
    cJSON *in = cJSON_Parse("{\"n\":\"Ada\",\"k\":[1,2]}");
    cJSON *t = cJSON_Parse("{\"name.$\":\"$.n\",\"lit\":\"$.n\",\"deep\":{\"first.$\":\"$.k[0]\"},"
                           "\"list\":[{\"v.$\":\"$.k[1]\"}],\"f.$\":\"States.Format('{}!', $.n)\"}");
    stc_scope sc = {in, NULL, NULL, NULL};
    stc_rng rng = {1};
    cJSON *out = NULL;
    assert_int_equal(stc_io_template(t, &sc, &rng, &out, &err), 0);
    assert_json(out, "{\"name\":\"Ada\",\"lit\":\"$.n\",\"deep\":{\"first\":1},"
                     "\"list\":[{\"v\":2}],\"f\":\"Ada!\"}");
    cJSON_Delete(out);
    cJSON_Delete(t);
    cJSON_Delete(in);
}

/* ---- intrinsics ---- */

/* Numbers as the simulator prints and sizes them: integers by their digits
 * (no sign for -0), others with 15 significant digits, 17 when 15 do not
 * give the same double back. */
static void test_number_format(void **state)
{
    (void)state;
    static const struct {
        double d;
        const char *text;
    } cases[] = {
        {0, "0"},        {-0.0, "0"},       {-5, "-5"},      {42, "42"},
        {999999999999999.0, "999999999999999"},             {-999999999999999.0, "-999999999999999"},
        {1e15, "1e+15"}, {0.5, "0.5"},      {-1.25, "-1.25"}, {0.1 + 0.2, "0.30000000000000004"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        assert_int_equal(stc_number_format(cases[i].d, buf), strlen(cases[i].text));
        assert_string_equal(buf, cases[i].text);
    }
    /* the payload size counts the digits: {"n":-12,"s":"a\n"} */
    cJSON *v = cJSON_Parse("{\"n\":-12,\"s\":\"a\\n\"}");
    assert_int_equal(stc_io_json_size(v, SIZE_MAX), strlen("{\"n\":-12,\"s\":\"a\\n\"}"));
    cJSON_Delete(v);
}

static void test_intrinsics(void **state)
{
    (void)state;
    expect_eval("States.Format('{} + {} = {}', 1, 2, $.r)", "{\"r\":3}", "\"1 + 2 = 3\"");
    expect_eval("States.Format('brace \\{} and {}', 'x')", "{}", "\"brace {} and x\"");
    expect_eval("States.Format('it\\'s {}', 'ok')", "{}", "\"it's ok\"");
    expect_eval("States.StringToJson('{\"a\":[1]}')", "{}", "{\"a\":[1]}");
    expect_eval("States.JsonToString($.o)", "{\"o\":{\"a\":[1,true]}}", "\"{\\\"a\\\":[1,true]}\"");
    expect_eval("States.Array(1, 'two', $.x)", "{\"x\":null}", "[1,\"two\",null]");
    expect_eval("States.ArrayPartition($.a, 2)", "{\"a\":[1,2,3,4,5]}", "[[1,2],[3,4],[5]]");
    expect_eval("States.ArrayContains($.a, 3)", "{\"a\":[1,2,3]}", "true");
    expect_eval("States.ArrayRange(1, 9, 2)", "{}", "[1,3,5,7,9]");
    expect_eval("States.ArrayRange(5, 1, -2)", "{}", "[5,3,1]");
    expect_eval("States.ArrayGetItem($.a, 1)", "{\"a\":[\"x\",\"y\"]}", "\"y\"");
    expect_eval("States.ArrayLength($.a)", "{\"a\":[1,2,3]}", "3");
    expect_eval("States.ArrayUnique($.a)", "{\"a\":[1,2,1,{\"k\":1},{\"k\":1}]}", "[1,2,{\"k\":1}]");
    expect_eval("States.Base64Encode('Man')", "{}", "\"TWFu\"");
    expect_eval("States.Base64Encode('Ma')", "{}", "\"TWE=\"");
    expect_eval("States.Base64Decode('TWE=')", "{}", "\"Ma\"");
    /* SHA-1("abc") and MD5("") from their RFCs */
    expect_eval("States.Hash('abc', 'SHA-1')", "{}", "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
    expect_eval("States.Hash('', 'MD5')", "{}", "\"d41d8cd98f00b204e9800998ecf8427e\"");
    expect_eval("States.JsonMerge($.a, $.b, false)", "{\"a\":{\"x\":1,\"y\":{\"p\":1}},\"b\":{\"y\":{\"q\":2}}}",
                "{\"x\":1,\"y\":{\"q\":2}}");
    expect_eval("States.MathAdd(111, -1)", "{}", "110");
    expect_eval("States.StringSplit('a,b;c', ',;')", "{}", "[\"a\",\"b\",\"c\"]");
    expect_eval("States.MathAdd(States.ArrayLength($.a), 1)", "{\"a\":[0,0]}", "3");
    /* error behaviour */
    expect_error("States.ArrayGetItem($.a, 5)", "{\"a\":[1]}", "States.IntrinsicFailure");
    expect_error("States.Format('{} {}', 1)", "{}", "States.IntrinsicFailure");
    expect_error("States.MathAdd('a', 1)", "{}", "States.IntrinsicFailure");
    expect_error("States.Hash('x', 'SHA-3')", "{}", "States.IntrinsicFailure");
    expect_error("States.ArrayRange(0, 2000, 1)", "{}", "States.IntrinsicFailure");
    expect_error("States.JsonMerge($.a, $.a, true)", "{\"a\":{}}", "States.IntrinsicFailure");
    expect_error("States.StringToJson('{bad')", "{}", "States.IntrinsicFailure");
    expect_error("States.ArrayLength($.missing)", "{}", "States.Runtime");
    /* MathRandom: in [start, end); a seed makes it repeatable */
    stc_rterr err = STC_RTERR_INIT;
    for (int i = 0; i < 20; i++) {
        cJSON *v = eval("States.MathRandom(3, 6)", "{}", &err);
        assert_true(v->valuedouble >= 3 && v->valuedouble < 6);
        cJSON_Delete(v);
    }
    cJSON *a = eval("States.MathRandom(0, 1000000, 7)", "{}", &err);
    cJSON *b = eval("States.MathRandom(0, 1000000, 7)", "{}", &err);
    assert_true(cJSON_Compare(a, b, true));
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON *u = eval("States.UUID()", "{}", &err);
    assert_int_equal(strlen(u->valuestring), 36);
    assert_int_equal(u->valuestring[14], '4');
    cJSON_Delete(u);
    char *msg = NULL;
    assert_int_equal(stc_intrinsic_check("States.Nope(1)", &msg), -1);
    free(msg);
    assert_int_equal(stc_intrinsic_check("States.UUID(1)", &msg), -1);
    free(msg);
}

/* ---- Choice ---- */

static bool rule(const char *r, const char *input)
{
    cJSON *rj = cJSON_Parse(r), *in = cJSON_Parse(input);
    stc_scope sc = {in, NULL, NULL, NULL};
    stc_rterr err = STC_RTERR_INIT;
    bool m = false;
    int rc = stc_choice_eval(rj, &sc, &m, &err);
    if (rc < 0)
        print_error("rule %s: %s %s\n", r, err.error, err.cause);
    assert_int_equal(rc, 0);
    cJSON_Delete(rj);
    cJSON_Delete(in);
    return m;
}

static void test_choice(void **state)
{
    (void)state;
    assert_true(rule("{\"Variable\":\"$.s\",\"StringMatches\":\"log-*.txt\"}", "{\"s\":\"log-1.txt\"}"));
    assert_false(rule("{\"Variable\":\"$.s\",\"StringMatches\":\"log-*.txt\"}", "{\"s\":\"log-1.csv\"}"));
    assert_true(rule("{\"Variable\":\"$.s\",\"StringMatches\":\"a\\\\*b\"}", "{\"s\":\"a*b\"}"));
    assert_false(rule("{\"Variable\":\"$.s\",\"StringMatches\":\"a\\\\*b\"}", "{\"s\":\"axxb\"}"));
    assert_true(rule("{\"Variable\":\"$.t\",\"TimestampLessThan\":\"2026-01-01T00:00:00Z\"}",
                     "{\"t\":\"2025-12-31T23:59:59.999Z\"}"));
    /* the same instant written with an offset */
    assert_true(rule("{\"Variable\":\"$.t\",\"TimestampEquals\":\"2026-01-01T00:00:00Z\"}",
                     "{\"t\":\"2026-01-01T01:00:00+01:00\"}"));
    assert_true(rule("{\"Variable\":\"$.t\",\"IsTimestamp\":true}", "{\"t\":\"2026-02-28T10:00:00Z\"}"));
    assert_false(rule("{\"Variable\":\"$.t\",\"IsTimestamp\":true}", "{\"t\":\"2026-02-30T10:00:00Z\"}"));
    assert_true(rule("{\"Variable\":\"$.a\",\"NumericGreaterThanPath\":\"$.b\"}", "{\"a\":2,\"b\":1.5}"));
    assert_false(rule("{\"Variable\":\"$.a\",\"NumericEquals\":1}", "{\"a\":\"1\"}")); /* type mismatch */
    assert_true(rule("{\"Not\":{\"Variable\":\"$.a\",\"IsPresent\":true}}", "{}"));
    assert_true(rule("{\"Or\":[{\"Variable\":\"$.a\",\"IsNull\":true},{\"Variable\":\"$.a\",\"IsString\":true}]}",
                     "{\"a\":\"x\"}"));
    assert_true(rule("{\"Variable\":\"$.b\",\"BooleanEqualsPath\":\"$.c\"}", "{\"b\":false,\"c\":false}"));
    /* a comparison on a missing variable is a runtime error */
    cJSON *rj = cJSON_Parse("{\"Variable\":\"$.nope\",\"NumericEquals\":1}"), *in = cJSON_Parse("{}");
    stc_scope sc = {in, NULL, NULL, NULL};
    stc_rterr err = STC_RTERR_INIT;
    bool m;
    assert_int_equal(stc_choice_eval(rj, &sc, &m, &err), -1);
    assert_string_equal(err.error, "States.Runtime");
    stc_rterr_clear(&err);
    cJSON_Delete(rj);
    cJSON_Delete(in);
}

/* ---- states ---- */

static void test_pass_and_paths(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"A\",\"States\":{"
                  "\"A\":{\"Type\":\"Pass\",\"InputPath\":\"$.in\",\"Parameters\":{\"v.$\":\"$.x\"},"
                  "\"ResultPath\":\"$.res\",\"OutputPath\":\"$.res\",\"Next\":\"B\"},"
                  "\"B\":{\"Type\":\"Pass\",\"Result\":{\"k.$\":\"kept as is\"},\"ResultPath\":\"$.r\",\"End\":true}}}",
                  "{\"in\":{\"x\":7}}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    /* ResultPath applies to the raw state input, not the InputPath result */
    assert_json(stc_sim_output(r.sim), "{\"v\":7,\"r\":{\"k.$\":\"kept as is\"}}");
    assert_int_equal(stc_sim_transitions(r.sim), 2);
    finish(&r);
}

/* Choice, Wait and Succeed hand their (effective) input on as their output
 * without copying it when they can: every mix of InputPath and OutputPath,
 * at the top and in Map iterations, stepped back and run again. */
static void test_paths_handed_on(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"C1\",\"States\":{"
                  "\"C1\":{\"Type\":\"Choice\",\"InputPath\":\"$.a\",\"Choices\":[{\"Variable\":\"$.v\","
                  "\"NumericEquals\":1,\"Next\":\"W1\"}],\"Default\":\"F\"},"
                  "\"W1\":{\"Type\":\"Wait\",\"Seconds\":1,\"InputPath\":\"$.b\",\"Next\":\"M\"},"
                  "\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.xs\",\"ItemProcessor\":{\"StartAt\":\"IC\","
                  "\"States\":{\"IC\":{\"Type\":\"Choice\",\"OutputPath\":\"$.p\",\"Choices\":[{\"Variable\":"
                  "\"$.p.q\",\"NumericGreaterThan\":1,\"Next\":\"IS2\"}],\"Default\":\"IS\"},"
                  "\"IS\":{\"Type\":\"Succeed\"},\"IS2\":{\"Type\":\"Succeed\",\"InputPath\":\"$.q\"}}},"
                  "\"ResultPath\":\"$.r\",\"Next\":\"S\"},"
                  "\"S\":{\"Type\":\"Succeed\",\"InputPath\":\"$.r\",\"OutputPath\":\"$[0]\"},"
                  "\"F\":{\"Type\":\"Fail\"}}}",
                  "{\"a\":{\"v\":1,\"b\":{\"w\":2,\"xs\":[{\"p\":{\"q\":1}},{\"p\":{\"q\":2}}]}}}", NULL,
                  true);
    assert_int_equal(stc_sim_step(r.sim), STC_SIM_RUNNING);
    assert_json(stc_sim_current_input(r.sim),
                "{\"v\":1,\"b\":{\"w\":2,\"xs\":[{\"p\":{\"q\":1}},{\"p\":{\"q\":2}}]}}");
    assert_int_equal(stc_sim_step(r.sim), STC_SIM_RUNNING);
    assert_json(stc_sim_current_input(r.sim), "{\"w\":2,\"xs\":[{\"p\":{\"q\":1}},{\"p\":{\"q\":2}}]}");
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "{\"q\":1}");
    assert_int_equal(stc_sim_transitions(r.sim), 8);
    char *h1 = history_text(r.sim);
    assert_non_null(strstr(h1, "\"type\":\"MapStateSucceeded\",\"timestamp\":\"2026-01-01T00:00:01.000Z\","
                               "\"state\":\"M\",\"flow\":\"\",\"output\":[{\"q\":1},2]}"));
    while (stc_sim_back(r.sim) == 0)
        ;
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    char *h2 = history_text(r.sim);
    assert_string_equal(h1, h2);
    free(h1);
    free(h2);
    finish(&r);
}

static void test_wait_clock(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"W1\",\"States\":{"
                  "\"W1\":{\"Type\":\"Wait\",\"Seconds\":90,\"Next\":\"W2\"},"
                  "\"W2\":{\"Type\":\"Wait\",\"SecondsPath\":\"$.s\",\"Next\":\"W3\"},"
                  "\"W3\":{\"Type\":\"Wait\",\"TimestampPath\":\"$.until\",\"Next\":\"W4\"},"
                  "\"W4\":{\"Type\":\"Wait\",\"Timestamp\":\"2020-01-01T00:00:00Z\",\"Next\":\"T\"},"
                  "\"T\":{\"Type\":\"Pass\",\"Parameters\":{\"t.$\":\"$$.State.EnteredTime\","
                  "\"s.$\":\"$$.Execution.StartTime\"},\"End\":true}}}",
                  "{\"s\":30,\"until\":\"2026-01-01T01:00:00Z\"}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    /* 90 s + 30 s, then up to 01:00; a past timestamp does not wait */
    assert_json(stc_sim_output(r.sim),
                "{\"t\":\"2026-01-01T01:00:00.000Z\",\"s\":\"2026-01-01T00:00:00.000Z\"}");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 3600 * 1000);
    finish(&r);
}

static void test_fail_paths(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"F\",\"States\":{\"F\":{\"Type\":\"Fail\",\"ErrorPath\":\"$.e\","
                  "\"CausePath\":\"States.Format('bad {}', $.n)\"}}}",
                  "{\"e\":\"Oops\",\"n\":3}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_FAILED);
    assert_string_equal(stc_sim_error(r.sim), "Oops");
    assert_string_equal(stc_sim_cause(r.sim), "bad 3");
    finish(&r);
}

static void test_no_choice_matched(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"C\",\"States\":{\"C\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":"
                  "\"$.a\",\"NumericEquals\":1,\"Next\":\"E\"}]},\"E\":{\"Type\":\"Succeed\"}}}",
                  "{\"a\":2}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_FAILED);
    assert_string_equal(stc_sim_error(r.sim), "States.NoChoiceMatched");
    finish(&r);
}

static const char *RETRY_ASL =
    "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"x\","
    "\"Retry\":[{\"ErrorEquals\":[\"Busy\"],\"IntervalSeconds\":2,\"BackoffRate\":3,"
    "\"MaxAttempts\":3,\"MaxDelaySeconds\":10}],"
    "\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.err\",\"Next\":\"H\"}],"
    "\"ResultSelector\":{\"r.$\":\"$\",\"n.$\":\"$$.State.RetryCount\"},\"End\":true},"
    "\"H\":{\"Type\":\"Pass\",\"End\":true}}}";

static void test_retry_backoff(void **state)
{
    (void)state;
    /* fails twice with Busy, then returns 5: waits 2 s then 6 s */
    run r = sim_start(RETRY_ASL, "{}", "T:\n  - raise: Busy\n  - raise: Busy\n    cause: again\n  - return: 5\n",
                  false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "{\"r\":5,\"n\":2}");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 8000);
    assert_int_equal(stc_sim_transitions(r.sim), 1); /* retries are not new entries */
    finish(&r);
    /* always Busy: 2, 6, then min(18, 10) = 10 s; the 4th failure is caught */
    r = sim_start(RETRY_ASL, "{\"in\":1}", "T:\n  - raise: Busy\n    cause: no\n", false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "{\"in\":1,\"err\":{\"Error\":\"Busy\",\"Cause\":\"no\"}}");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 18000);
    finish(&r);
}

static void test_catch_task_failed_and_runtime(void **state)
{
    (void)state;
    /* States.TaskFailed matches any task error except States.Timeout */
    const char *asl =
        "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"x\",\"Catch\":["
        "{\"ErrorEquals\":[\"States.TaskFailed\"],\"Next\":\"Caught\"}],\"End\":true},"
        "\"Caught\":{\"Type\":\"Pass\",\"End\":true}}}";
    run r = sim_start(asl, "{}", "T:\n  - raise: Custom.Error\n    cause: c\n", false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "{\"Error\":\"Custom.Error\",\"Cause\":\"c\"}");
    finish(&r);
    r = sim_start(asl, "{}", "T:\n  - raise: States.Timeout\n", false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_FAILED);
    assert_string_equal(stc_sim_error(r.sim), "States.Timeout");
    finish(&r);
    /* States.Runtime (a bad path) is not caught by States.ALL */
    r = sim_start("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"x\","
              "\"InputPath\":\"$.missing\",\"Catch\":[{\"ErrorEquals\":[\"States.ALL\"],\"Next\":\"C\"}],"
              "\"End\":true},\"C\":{\"Type\":\"Pass\",\"End\":true}}}",
              "{}", "T:\n  - return: 1\n", false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_FAILED);
    assert_string_equal(stc_sim_error(r.sim), "States.Runtime");
    finish(&r);
}

static void test_parallel_order(void **state)
{
    (void)state;
    /* branch 0 waits 10 s, branch 1 has two Pass states: branch 1 runs both
     * before branch 0 leaves its Wait; results stay in branch order */
    run r = sim_start("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":["
                  "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":10,\"Next\":\"A\"},"
                  "\"A\":{\"Type\":\"Pass\",\"Result\":\"a\",\"End\":true}}},"
                  "{\"StartAt\":\"B1\",\"States\":{\"B1\":{\"Type\":\"Pass\",\"Next\":\"B2\"},"
                  "\"B2\":{\"Type\":\"Pass\",\"Result\":\"b\",\"End\":true}}}]}}}",
                  "{}", NULL, false);
    const char *order[] = {"P", "W", "B1", "B2", "A"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(stc_sim_current_state(r.sim), order[i]);
        stc_sim_step(r.sim);
    }
    assert_int_equal(stc_sim_get_status(r.sim), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "[\"a\",\"b\"]");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 10000);
    assert_int_equal(stc_sim_transitions(r.sim), 5);
    finish(&r);
}

static void test_map(void **state)
{
    (void)state;
    /* MaxConcurrency 2: iterations 0 and 1 start, 2 starts when one ends */
    run r = sim_start("{\"StartAt\":\"M\",\"States\":{\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.xs\","
                  "\"MaxConcurrency\":2,\"ItemSelector\":{\"i.$\":\"$$.Map.Item.Index\",\"v.$\":"
                  "\"$$.Map.Item.Value\",\"k.$\":\"$.k\"},\"ItemProcessor\":{\"StartAt\":\"S\",\"States\":"
                  "{\"S\":{\"Type\":\"Pass\",\"End\":true}}},\"ResultSelector\":{\"all.$\":\"$\"},"
                  "\"ResultPath\":\"$.out\",\"End\":true}}}",
                  "{\"xs\":[\"a\",\"b\",\"c\"],\"k\":0}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim),
                "{\"xs\":[\"a\",\"b\",\"c\"],\"k\":0,\"out\":{\"all\":[{\"i\":0,\"v\":\"a\",\"k\":0},"
                "{\"i\":1,\"v\":\"b\",\"k\":0},{\"i\":2,\"v\":\"c\",\"k\":0}]}}");
    int started_before_first_end = 0;
    for (size_t i = 0; i < stc_sim_event_count(r.sim); i++) {
        const stc_sim_event *ev = stc_sim_event_at(r.sim, i);
        if (ev->type == STC_EV_MAP_ITERATION_SUCCEEDED)
            break;
        if (ev->type == STC_EV_MAP_ITERATION_STARTED)
            started_before_first_end++;
    }
    assert_int_equal(started_before_first_end, 2);
    finish(&r);
}

static void test_assign_variables(void **state)
{
    (void)state;
    /* Assign values are evaluated against the old values, all at once; an
     * inner scope reads outer variables */
    run r = sim_start("{\"StartAt\":\"A\",\"States\":{"
                  "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"x\":1,\"y\":2},\"Next\":\"B\"},"
                  "\"B\":{\"Type\":\"Pass\",\"Assign\":{\"x.$\":\"$y\",\"y.$\":\"$x\"},\"Next\":\"M\"},"
                  "\"M\":{\"Type\":\"Map\",\"ItemsPath\":\"$.xs\",\"ItemProcessor\":{\"StartAt\":\"I\","
                  "\"States\":{\"I\":{\"Type\":\"Pass\",\"Parameters\":{\"sum.$\":\"States.MathAdd($, $x)\"},"
                  "\"End\":true}}},\"ResultPath\":\"$.r\",\"Next\":\"Z\"},"
                  "\"Z\":{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"$x\",\"y.$\":\"$y\",\"r.$\":\"$.r\"},"
                  "\"End\":true}}}",
                  "{\"xs\":[10,20]}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "{\"x\":2,\"y\":1,\"r\":[{\"sum\":12},{\"sum\":22}]}");
    finish(&r);
}

/* ---- stepping, undo, breakpoints, bound ---- */

static const char *LOOP_ASL =
    "{\"StartAt\":\"Init\",\"States\":{"
    "\"Init\":{\"Type\":\"Pass\",\"Parameters\":{\"i\":0},\"Next\":\"Call\"},"
    "\"Call\":{\"Type\":\"Task\",\"Resource\":\"r\",\"ResultPath\":\"$.last\",\"Next\":\"Inc\"},"
    "\"Inc\":{\"Type\":\"Pass\",\"Parameters\":{\"i.$\":\"States.MathAdd($.i, 1)\",\"u.$\":\"States.UUID()\","
    "\"last.$\":\"$.last\"},\"Next\":\"Loop\"},"
    "\"Loop\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.i\",\"NumericLessThan\":3,\"Next\":\"Nap\"}],"
    "\"Default\":\"Done\"},"
    "\"Nap\":{\"Type\":\"Wait\",\"Seconds\":5,\"Next\":\"Call\"},"
    "\"Done\":{\"Type\":\"Succeed\"}}}";

static void test_undo_exact(void **state)
{
    (void)state;
    run r = sim_start(LOOP_ASL, "{}", "Call:\n  - return: first\n  - return: second\n  - return: last\n", true);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    char *h1 = history_text(r.sim);
    char *o1 = cJSON_PrintUnformatted(stc_sim_output(r.sim));
    int64_t t1 = stc_sim_time(r.sim);
    size_t steps = stc_sim_steps(r.sim);
    assert_int_equal(steps, 13); /* Init, 3 x (Call Inc Loop), 2 x Nap, Done */
    while (stc_sim_back(r.sim) == 0)
        ;
    assert_int_equal(stc_sim_steps(r.sim), 0);
    assert_int_equal(stc_sim_event_count(r.sim), 1); /* ExecutionStarted */
    assert_string_equal(stc_sim_current_state(r.sim), "Init");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    char *h2 = history_text(r.sim);
    assert_string_equal(h1, h2);
    assert_true(stc_sim_time(r.sim) == t1);
    /* the output carries the last mock value and a UUID from the seeded generator */
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(stc_sim_output(r.sim), "last");
    assert_string_equal(last->valuestring, "last");
    /* one step back from the end, then forward again: same end */
    assert_int_equal(stc_sim_back(r.sim), 0);
    assert_int_equal(stc_sim_get_status(r.sim), STC_SIM_RUNNING);
    assert_string_equal(stc_sim_current_state(r.sim), "Done");
    stc_sim_step(r.sim);
    char *o2 = cJSON_PrintUnformatted(stc_sim_output(r.sim));
    assert_string_equal(o1, o2);
    free(h1);
    free(h2);
    free(o1);
    free(o2);
    finish(&r);
}

static void test_breakpoint_and_time(void **state)
{
    (void)state;
    run r = sim_start(LOOP_ASL, "{}", "Call:\n  - return: x\n", true);
    assert_int_equal(stc_sim_run(r.sim, "Nap"), STC_SIM_RUNNING);
    assert_string_equal(stc_sim_current_state(r.sim), "Nap");
    const cJSON *in = stc_sim_current_input(r.sim);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(in, "i")->valueint, 1);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(in, "last")->valuestring, "x");
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS); /* no Wait yet */
    /* on to the next stop at Nap: one Wait of 5 s later, i is 2 */
    assert_int_equal(stc_sim_run(r.sim, "Nap"), STC_SIM_RUNNING);
    in = stc_sim_current_input(r.sim);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(in, "i")->valueint, 2);
    assert_true(stc_sim_time(r.sim) == STC_SIM_DEFAULT_EPOCH_MS + 5000);
    finish(&r);
}

static void test_bound(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},"
                  "\"B\":{\"Type\":\"Pass\",\"Next\":\"A\"}}}",
                  "{}", NULL, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_ERROR);
    assert_int_equal(stc_sim_transitions(r.sim), 1000);
    assert_non_null(strstr(stc_sim_message(r.sim), "bound of 1000 transitions"));
    finish(&r);
}

static void test_no_mock(void **state)
{
    (void)state;
    run r = sim_start("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"r\",\"End\":true}}}",
                  "{}", "Other:\n  return: 1\n", false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_ERROR);
    assert_non_null(strstr(stc_sim_message(r.sim), "no mock for Task state 'T'"));
    finish(&r);
}

/* ---- machines and mocks ---- */

static void test_bad_machines(void **state)
{
    (void)state;
    expect_bad("{\"States\":{\"A\":{\"Type\":\"Succeed\"}}}", "missing 'StartAt'");
    expect_bad("{\"StartAt\":\"B\",\"States\":{\"A\":{\"Type\":\"Succeed\"}}}", "'StartAt' names no state 'B'");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"Nowhere\"}}}",
               "state 'A': 'Next' names no state 'Nowhere'");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\"}}}", "state 'A': needs 'Next'");
    expect_bad("{\"StartAt\": \"A\",\n \"States\": {", "invalid JSON at line 2");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Wander\",\"End\":true}}}", "unknown Type 'Wander'");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.x\","
               "\"NumericEquals\":\"1\",\"Next\":\"A\"}]}}}",
               "Choices[0]: 'NumericEquals' takes a number");
    expect_bad("{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":[{\"StartAt\":"
               "\"X\",\"States\":{\"X\":{\"Type\":\"Pass\",\"Next\":\"Y\"}}}]}}}",
               "state 'P': Branches[0]: state 'X': 'Next' names no state 'Y'");
    expect_bad("{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"r\",\"End\":true,"
               "\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"]},{\"ErrorEquals\":[\"X\"]}]}}}",
               "'States.ALL' must appear alone, in the last entry");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Parameters\":{\"x.$\":\"States.Nope()\"},"
               "\"End\":true}}}",
               "unknown intrinsic function 'States.Nope'");
    expect_bad("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"ResultPath\":\"$.a[*]\",\"End\":true}}}",
               "not a reference path");
    expect_bad("[1,2]", "must be a JSON object");
}

static void test_mocks(void **state)
{
    (void)state;
    stc_mocks *m = NULL;
    char *err = NULL;
    assert_int_equal(stc_mocks_parse("_a:\n  - return: false\n  - return: {\"k\": [1, \"2\"]}\n"
                                     "_b:\n  - raise: PaymentDeclined\n    cause: card expired\n",
                                     "m.yaml", &m, &err),
                     0);
    stc_mock_entry e;
    assert_true(stc_mocks_get(m, "_a", 0, &e));
    assert_json(e.ret, "false");
    assert_true(stc_mocks_get(m, "_a", 5, &e)); /* the last entry repeats */
    assert_json(e.ret, "{\"k\":[1,\"2\"]}");
    assert_true(stc_mocks_get(m, "_b", 0, &e));
    assert_string_equal(e.raise, "PaymentDeclined");
    assert_string_equal(e.cause, "card expired");
    assert_false(stc_mocks_get(m, "_c", 0, &e));
    stc_mocks_free(m);
    assert_int_equal(stc_mocks_parse("{\"T\": {\"return\": 3}}", "m.json", &m, &err), 0);
    assert_true(stc_mocks_get(m, "T", 0, &e));
    assert_json(e.ret, "3");
    stc_mocks_free(m);
    assert_int_equal(stc_mocks_parse("T:\n  - retrun: 1\n", "m.yaml", &m, &err), -1);
    assert_non_null(strstr(err, "needs exactly one of 'return' and 'raise'"));
    free(err);
    assert_int_equal(stc_mocks_parse("T: [\n", "m.yaml", &m, &err), -1);
    assert_non_null(strstr(err, "invalid YAML"));
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonpath),
        cmocka_unit_test(test_result_path),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_number_format),
        cmocka_unit_test(test_intrinsics),
        cmocka_unit_test(test_choice),
        cmocka_unit_test(test_pass_and_paths),
        cmocka_unit_test(test_paths_handed_on),
        cmocka_unit_test(test_wait_clock),
        cmocka_unit_test(test_fail_paths),
        cmocka_unit_test(test_no_choice_matched),
        cmocka_unit_test(test_retry_backoff),
        cmocka_unit_test(test_catch_task_failed_and_runtime),
        cmocka_unit_test(test_parallel_order),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_assign_variables),
        cmocka_unit_test(test_undo_exact),
        cmocka_unit_test(test_breakpoint_and_time),
        cmocka_unit_test(test_bound),
        cmocka_unit_test(test_no_mock),
        cmocka_unit_test(test_bad_machines),
        cmocka_unit_test(test_mocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
