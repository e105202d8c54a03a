/* test_workflow.c - the workflow compiler, construct by construct: machine
 * shapes worked out by hand for small methods, and every refused construct's
 * diagnostic code, line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/service.h"
#include "core/util.h"
#include "core/workflow.h"
#include "tests/workflow/wf_test.h"

static stc_service *compile(const char *body)
{
    char *src = stc_xasprintf(PRELUDE "%s"
                                      "\n    def __helper(self):\n        return 1\n"
                                      "\n    async def _child(self, value):\n        return value\n"
                                      "\n    def get_thing(self, thing_id):\n        return 1\n",
                              body);
    stc_service_options o = {.query_language = "jsonpath"}; /* JSONPath shapes */
    stc_service *svc = stc_service_compile_source("t.py", src, strlen(src), &o);
    free(src);
    return svc;
}

static const cJSON *asl_of(const stc_service *svc)
{
    const stc_workflow *wf = stc_workflows_find(svc->workflows, "_w");
    assert_non_null(wf);
    if (!wf->asl)
        stc_diags_print(&svc->diags, stderr, svc->module->source);
    assert_non_null(wf->asl);
    return wf->asl;
}

/* ---- shapes ---- */

static void test_return_param(void **st)
{
    (void)st;
    stc_service *svc = compile("        return a\n");
    const cJSON *asl = asl_of(svc);
    assert_string_equal(str(asl, "StartAt"), "Start _w");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(asl, "States")), 2);
    assert_json(state(asl, "Start _w"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"vars\":{\"a\":{\"value.$\":\"$.a\"},"
                "\"b\":{\"value.$\":\"$.b\"}},\"sys\":{}},\"Next\":\"Return a (line 9)\"}");
    assert_json(state(asl, "Return a (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value.$\":\"$.vars.a.value\"},"
                "\"OutputPath\":\"$.value\",\"End\":true}");
    stc_service_free(svc);
}

static void test_fall_off_end_returns_none(void **st)
{
    (void)st;
    stc_service *svc = compile("        x = 1\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "x = 1 (line 9)"),
                "{\"Type\":\"Pass\",\"Result\":{\"value\":1},\"ResultPath\":\"$.vars.x\","
                "\"Next\":\"Return None (end of _w)\"}");
    assert_json(state(asl, "Return None (end of _w)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value\":null},\"OutputPath\":\"$.value\","
                "\"End\":true}");
    stc_service_free(svc);
}

static void test_task_arguments_and_retry(void **st)
{
    (void)st;
    stc_service *svc = compile("        ok = self._send_email(a, flag=True)\n        return ok\n");
    const cJSON *asl = asl_of(svc);
    const cJSON *t = state(asl, "Call _send_email (line 9)");
    assert_string_equal(str(t, "Resource"), "arn:aws:states:::lambda:invoke");
    assert_json(cJSON_GetObjectItemCaseSensitive(t, "Parameters"),
                "{\"FunctionName\":\"${SendEmailFunctionArn}\",\"Payload\":{\"address.$\":"
                "\"$.vars.a.value\",\"flag\":true}}");
    assert_json(cJSON_GetObjectItemCaseSensitive(t, "ResultSelector"), "{\"value.$\":\"$.Payload\"}");
    assert_string_equal(str(t, "ResultPath"), "$.vars.ok");
    assert_json(cJSON_GetObjectItemCaseSensitive(t, "Retry"),
                "[{\"ErrorEquals\":[\"Lambda.ServiceException\",\"Lambda.AWSLambdaException\","
                "\"Lambda.SdkClientException\",\"Lambda.TooManyRequestsException\"],"
                "\"IntervalSeconds\":1,\"MaxAttempts\":3,\"BackoffRate\":2}]");
    assert_json(cJSON_GetObjectItemCaseSensitive(t, "Catch"),
                "[{\"ErrorEquals\":[\"States.ALL\"],\"ResultPath\":\"$.sys.error\","
                "\"Next\":\"Lambda error? -> Fail with the exception\"}]");
    assert_json(state(asl, "Fail with the exception"),
                "{\"Type\":\"Fail\",\"ErrorPath\":\"$.sys.error.Error\","
                "\"CausePath\":\"$.sys.error.Cause\"}");
    /* the Lambda's error JSON is unwrapped to its errorMessage */
    assert_json(state(asl, "Take errorMessage -> Fail with the exception"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"Error.$\":\"$.sys.error.Error\","
                "\"Cause.$\":\"$.sys.error.Detail.errorMessage\"},\"ResultPath\":\"$.sys.error\","
                "\"Next\":\"Fail with the exception\"}");
    const stc_workflow *wf = stc_workflows_find(svc->workflows, "_w");
    const stc_wf_state *s = stc_workflow_state(wf, "Call _send_email (line 9)");
    assert_non_null(s);
    assert_int_equal(s->call, STC_WF_CALL_FUNCTION);
    assert_string_equal(s->callee, "_send_email");
    assert_int_equal(s->pos.line, 9);
    assert_int_equal(s->pos.col, 14);
    stc_service_free(svc);
}

static void test_discarded_result(void **st)
{
    (void)st;
    stc_service *svc = compile("        self._send_email(b)\n");
    const cJSON *t = state(asl_of(svc), "Call _send_email (line 9)");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(t, "ResultPath")));
    assert_string_equal(str(t, "Next"), "Return None (end of _w)");
    stc_service_free(svc);
}

static void test_nested_workflow(void **st)
{
    (void)st;
    stc_service *svc = compile("        r = await self._child(value=a)\n        return r\n");
    const cJSON *asl = asl_of(svc);
    const cJSON *t = state(asl, "Run _child (line 9)");
    assert_string_equal(str(t, "Resource"), "arn:aws:states:::states:startExecution.sync:2");
    assert_json(cJSON_GetObjectItemCaseSensitive(t, "Parameters"),
                "{\"StateMachineArn\":\"${ChildStateMachineArn}\","
                "\"Input\":{\"value.$\":\"$.vars.a.value\"}}");
    assert_json(cJSON_GetObjectItemCaseSensitive(t, "ResultSelector"), "{\"value.$\":\"$.Output\"}");
    assert_null(cJSON_GetObjectItemCaseSensitive(t, "Retry"));
    assert_string_equal(str(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(t, "Catch"), 0),
                            "Next"),
                        "Workflow error? -> Fail with the exception");
    assert_json(state(asl, "Take child error -> Fail with the exception"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"Error.$\":\"$.sys.error.Detail.Error\","
                "\"Cause.$\":\"$.sys.error.Detail.Cause\"},\"ResultPath\":\"$.sys.error\","
                "\"Next\":\"Fail with the exception\"}");
    stc_service_free(svc);
}

static void test_if_else_choice(void **st)
{
    (void)st;
    stc_service *svc = compile("        if a > 3:\n            r = \"big\"\n        else:\n"
                               "            r = \"small\"\n        return r\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "If a > 3 (line 9)"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.vars.a.value\","
                "\"NumericGreaterThan\":3,\"Comment\":\"a > 3\",\"Next\":\"r = \\\"big\\\" (line 10)\"}],"
                "\"Default\":\"r = \\\"small\\\" (line 12)\"}");
    assert_string_equal(str(state(asl, "r = \"big\" (line 10)"), "Next"), "Return r (line 13)");
    assert_string_equal(str(state(asl, "r = \"small\" (line 12)"), "Next"), "Return r (line 13)");
    stc_service_free(svc);
}

static void test_truthiness_rule(void **st)
{
    (void)st;
    stc_service *svc = compile("        if a:\n            return 1\n        return 2\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "JSON of a (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value.$\":\"States.JsonToString("
                "$.vars.a.value)\"},\"ResultPath\":\"$.sys.t1\",\"Next\":\"If a (line 9)\"}");
    const char *want =
        "{\"Not\":{\"Or\":[{\"Variable\":\"$.sys.t1.value\",\"StringEquals\":\"null\"},"
        "{\"Variable\":\"$.sys.t1.value\",\"StringEquals\":\"false\"},"
        "{\"Variable\":\"$.sys.t1.value\",\"StringEquals\":\"\\\"\\\"\"},"
        "{\"Variable\":\"$.sys.t1.value\",\"StringEquals\":\"[]\"},"
        "{\"Variable\":\"$.sys.t1.value\",\"StringEquals\":\"{}\"},"
        "{\"And\":[{\"Variable\":\"$.vars.a.value\",\"IsNumeric\":true},"
        "{\"Variable\":\"$.vars.a.value\",\"NumericEquals\":0}]}]},"
        "\"Comment\":\"a\",\"Next\":\"Return 1 (line 10)\"}";
    assert_json(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(state(asl, "If a (line 9)"),
                                                                     "Choices"),
                                   0),
                want);
    stc_service_free(svc);
}

static void test_while_loop_back_edge(void **st)
{
    (void)st;
    stc_service *svc = compile("        i = 0\n        while i < a:\n            i += 1\n"
                               "        return i\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "While i < a (line 10)"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"Or\":[{\"And\":["
                "{\"Variable\":\"$.vars.i.value\",\"IsNumeric\":true},"
                "{\"Variable\":\"$.vars.a.value\",\"IsNumeric\":true},"
                "{\"Variable\":\"$.vars.i.value\",\"NumericLessThanPath\":\"$.vars.a.value\"}]},"
                "{\"And\":[{\"Variable\":\"$.vars.i.value\",\"IsString\":true},"
                "{\"Variable\":\"$.vars.a.value\",\"IsString\":true},"
                "{\"Variable\":\"$.vars.i.value\",\"StringLessThanPath\":\"$.vars.a.value\"}]}],"
                "\"Comment\":\"i < a\",\"Next\":\"i += 1 (line 11)\"}],\"Default\":\"Return i (line 12)\"}");
    assert_json(state(asl, "i += 1 (line 11)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value.$\":\"States.MathAdd($.vars.i.value, "
                "1)\"},\"ResultPath\":\"$.vars.i\",\"Next\":\"While i < a (line 10)\"}");
    stc_service_free(svc);
}

static void test_for_loop_index(void **st)
{
    (void)st;
    stc_service *svc = compile("        for x in a:\n            if x == 2:\n                break\n"
                               "        return 0\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "Start for x in a (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"items.$\":\"$.vars.a.value\","
                "\"n.$\":\"States.ArrayLength($.vars.a.value)\",\"i\":0},"
                "\"ResultPath\":\"$.sys.loop1\",\"Next\":\"For x in a (line 9)\"}");
    assert_json(state(asl, "For x in a (line 9)"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.sys.loop1.i\","
                "\"NumericLessThanPath\":\"$.sys.loop1.n\",\"Next\":\"Take x (line 9)\"}],"
                "\"Default\":\"Return 0 (line 12)\"}");
    assert_json(state(asl, "Take x (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value.$\":\"States.ArrayGetItem("
                "$.sys.loop1.items, $.sys.loop1.i)\"},\"ResultPath\":\"$.vars.x\","
                "\"Next\":\"If x == 2 (line 10)\"}");
    /* x == 2: NumericEquals; break goes past the loop */
    const cJSON *ch = state(asl, "If x == 2 (line 10)");
    assert_json(cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(ch, "Choices"), 0),
                "{\"Variable\":\"$.vars.x.value\",\"NumericEquals\":2,\"Comment\":\"x == 2\","
                "\"Next\":\"Return 0 (line 12)\"}");
    assert_string_equal(str(ch, "Default"), "Next x (line 9)");
    assert_json(state(asl, "Next x (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"items.$\":\"$.sys.loop1.items\","
                "\"n.$\":\"$.sys.loop1.n\",\"i.$\":\"States.MathAdd($.sys.loop1.i, 1)\"},"
                "\"ResultPath\":\"$.sys.loop1\",\"Next\":\"For x in a (line 9)\"}");
    stc_service_free(svc);
}

static void test_sleep_wait(void **st)
{
    (void)st;
    stc_service *svc = compile("        await sleep(10)\n        await sleep(b)\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "Sleep 10 (line 9)"),
                "{\"Type\":\"Wait\",\"Seconds\":10,\"Next\":\"Sleep b (line 10)\"}");
    assert_json(state(asl, "Sleep b (line 10)"),
                "{\"Type\":\"Wait\",\"SecondsPath\":\"$.vars.b.value\","
                "\"Next\":\"Return None (end of _w)\"}");
    stc_service_free(svc);
}

static void test_intrinsics(void **st)
{
    (void)st;
    stc_service *svc = compile(
        "        s = f\"{a}-{b}'s {{x}}\"\n        n = len(a)\n        m = {**a, \"k\": b}\n"
        "        p = json.loads(b)\n        q = b.split(\",\")\n        r = range(1, b)\n"
        "        t = a[-1]\n        return [s, n]\n");
    const cJSON *asl = asl_of(svc);
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "s = f\"{a}-{b}'s {{x}}\" "
                                                                        "(line 9)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.Format('{}-{}\\'s \\{x\\}', $.vars.a.value, $.vars.b.value)");
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "n = len(a) (line 10)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.ArrayLength($.vars.a.value)");
    /* the literal part of {**a, "k": b} is a template, merged in a temporary */
    assert_json(state(asl, "Compute dict (line 11)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value\":{\"k.$\":\"$.vars.b.value\"}},"
                "\"ResultPath\":\"$.sys.t1\",\"Next\":\"m = {**a, \\\"k\\\": b} (line 11)\"}");
    assert_string_equal(
        str(cJSON_GetObjectItemCaseSensitive(state(asl, "m = {**a, \"k\": b} (line 11)"),
                                             "Parameters"),
            "value.$"),
        "States.JsonMerge($.vars.a.value, $.sys.t1.value, false)");
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "p = json.loads(b) (line "
                                                                        "12)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.StringToJson($.vars.b.value)");
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "q = b.split(\",\") (line "
                                                                        "13)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.StringSplit($.vars.b.value, ',')");
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "r = range(1, b) (line "
                                                                        "14)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.ArrayRange(1, States.MathAdd($.vars.b.value, -1), 1)");
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "t = a[-1] (line 15)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.ArrayGetItem($.vars.a.value, States.MathAdd(States.ArrayLength("
                        "$.vars.a.value), -1))");
    /* [s, n] with paths: States.Array */
    assert_string_equal(str(cJSON_GetObjectItemCaseSensitive(state(asl, "Return [s, n] (line 16)"),
                                                             "Parameters"),
                            "value.$"),
                        "States.Array($.vars.s.value, $.vars.n.value)");
    stc_service_free(svc);
}

static void test_gather_parallel_and_map(void **st)
{
    (void)st;
    stc_service *svc = compile("        x, y = await gather(self._send_email(a), self._child(b))\n"
                               "        zs = [self._send_email(z, flag=x) for z in b]\n"
                               "        return zs\n");
    const cJSON *asl = asl_of(svc);
    const cJSON *par = state(asl, "Gather _send_email, _child (line 9)");
    assert_string_equal(str(par, "Type"), "Parallel");
    assert_null(cJSON_GetObjectItemCaseSensitive(par, "Parameters"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(par, "Branches")), 2);
    assert_json(cJSON_GetObjectItemCaseSensitive(par, "ResultSelector"),
                "{\"x\":{\"value.$\":\"$[0]\"},\"y\":{\"value.$\":\"$[1]\"}}");
    assert_string_equal(str(par, "ResultPath"), "$.sys.unpack");
    assert_json(state(asl, "Unpack x, y (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"vars.$\":\"States.JsonMerge($.vars, "
                "$.sys.unpack, false)\",\"sys.$\":\"$.sys\"},"
                "\"Next\":\"Map _send_email over b (line 10)\"}");
    const cJSON *br = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(par, "Branches"), 1);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(br, "States"),
                                                      "Run _child (line 9, branch 2)");
    assert_non_null(t);
    assert_string_equal(str(br, "StartAt"), "Run _child (line 9, branch 2)");
    assert_string_equal(str(t, "OutputPath"), "$.value");
    const cJSON *map = state(asl, "Map _send_email over b (line 10)");
    assert_json(cJSON_GetObjectItemCaseSensitive(map, "ItemSelector"),
                "{\"vars\":{\"z\":{\"value.$\":\"$$.Map.Item.Value\"},"
                "\"x\":{\"value.$\":\"$.vars.x.value\"}},\"sys\":{}}");
    assert_string_equal(str(map, "ItemsPath"), "$.vars.b.value");
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(map, "MaxConcurrency")->valueint, 1);
    assert_string_equal(str(map, "ResultPath"), "$.vars.zs");
    stc_service_free(svc);
}

static void test_try_except_raise(void **st)
{
    (void)st;
    stc_service *svc = compile("        try:\n            self._send_email(a)\n"
                               "        except (KeyError, Oops) as e:\n            return 1\n"
                               "        raise Oops(\"boom\")\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "Except? (line 9)"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"Or\":["
                "{\"Variable\":\"$.sys.error.Error\",\"StringEquals\":\"KeyError\"},"
                "{\"Variable\":\"$.sys.error.Error\",\"StringEquals\":\"Oops\"}],"
                "\"Next\":\"Bind e (line 11)\"}],\"Default\":\"Fail with the exception\"}");
    assert_json(state(asl, "Bind e (line 11)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"value.$\":\"$.sys.error\"},"
                "\"ResultPath\":\"$.vars.e\",\"Next\":\"Return 1 (line 12)\"}");
    assert_json(state(asl, "Raise Oops (line 13)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"Error\":\"Oops\",\"Cause\":\"boom\"},"
                "\"ResultPath\":\"$.sys.error\",\"Next\":\"Fail with the exception\"}");
    stc_service_free(svc);
}

static void test_assert(void **st)
{
    (void)st;
    stc_service *svc = compile("        assert a is not None, \"need a\"\n");
    const cJSON *asl = asl_of(svc);
    assert_json(state(asl, "Assert a is not None (line 9)"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"Not\":{\"Variable\":\"$.vars.a.value\","
                "\"IsNull\":true},\"Comment\":\"a is not None\",\"Next\":\"Return None (end of _w)\"}],"
                "\"Default\":\"Raise AssertionError (line 9)\"}");
    assert_json(state(asl, "Raise AssertionError (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"Error\":\"AssertionError\",\"Cause\":"
                "\"need a\"},\"ResultPath\":\"$.sys.error\",\"Next\":\"Fail with the exception\"}");
    stc_service_free(svc);
}

static void test_source_map(void **st)
{
    (void)st;
    stc_service *svc = compile("        x = 1\n        if x:\n            return a\n");
    const stc_workflow *wf = stc_workflows_find(svc->workflows, "_w");
    const stc_wf_state *out[8];
    size_t n = stc_workflow_states_at_line(wf, 10, out, 8);
    assert_int_equal(n, 2); /* the truthiness Pass and the Choice */
    assert_string_equal(out[0]->name, "JSON of x (line 10)");
    assert_string_equal(out[1]->name, "If x (line 10)");
    const stc_wf_state *s = stc_workflow_state(wf, "Return a (line 11)");
    assert_int_equal(s->pos.line, 11);
    assert_int_equal(s->pos.col, 13);
    assert_int_equal(s->pos.end_col, 21);
    cJSON *j = stc_workflow_source_map_json(wf, "t.py");
    assert_json(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "lines"), "11"),
                "[\"Return a (line 11)\"]");
    cJSON_Delete(j);
    stc_service_free(svc);
}

static void test_placeholders(void **st)
{
    (void)st;
    char *p = stc_workflow_placeholder("_send_email", STC_WF_CALL_FUNCTION);
    assert_string_equal(p, "SendEmailFunctionArn");
    free(p);
    p = stc_workflow_placeholder("_onboard", STC_WF_CALL_WORKFLOW);
    assert_string_equal(p, "OnboardStateMachineArn");
    free(p);
    p = stc_workflow_placeholder("submit_payment", STC_WF_CALL_WORKFLOW);
    assert_string_equal(p, "SubmitPaymentStateMachineArn");
    free(p);
}

static void test_unique_names(void **st)
{
    (void)st;
    stc_service *svc = compile("        x = 1; x = 1\n        return x\n");
    const cJSON *asl = asl_of(svc);
    assert_string_equal(str(state(asl, "x = 1 (line 9)"), "Next"), "x = 1 (line 9) #2");
    stc_service_free(svc);
}

/* ---- diagnostics: code, line, column ---- */

static void expect_diag(const char *body, const char *code, int line, int col)
{
    stc_service *svc = compile(body);
    bool found = false;
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *d = &svc->diags.items[i];
        if (strcmp(d->code, code) == 0 && d->line == line && d->col == col)
            found = true;
    }
    if (!found) {
        fprintf(stderr, "expected %s at %d:%d for:\n%s", code, line, col, body);
        stc_diags_print(&svc->diags, stderr, svc->module ? svc->module->source : NULL);
    }
    assert_true(found);
    const stc_workflow *wf = stc_workflows_find(svc->workflows, "_w");
    if (strcmp(code, "STC218") != 0)
        assert_null(wf->asl); /* an error leaves no machine */
    stc_service_free(svc);
}

static void test_refused_constructs(void **st)
{
    (void)st;
    expect_diag("        f = lambda: 1\n", "STC203", 9, 13);
    expect_diag("        x = a * b\n", "STC202", 9, 13);
    expect_diag("        x = a + 1.5\n", "STC202", 9, 13);
    expect_diag("        x = a - b\n", "STC202", 9, 13);
    expect_diag("        print(a)\n", "STC204", 9, 9);
    expect_diag("        x = self.get_thing(a)\n", "STC204", 9, 13);
    expect_diag("        with open(a) as f:\n            pass\n", "STC201", 9, 9);
    expect_diag("        yield a\n", "STC201", 9, 9);
    expect_diag("        global g\n", "STC201", 9, 9);
    expect_diag("        del a\n", "STC201", 9, 9);
    expect_diag("        x = self.__helper()\n", "STC205", 9, 13);
    expect_diag("        self._send_email(adress=a)\n", "STC206", 9, 26);
    expect_diag("        self._send_email()\n", "STC206", 9, 9);
    expect_diag("        self._send_email(a, b, 3)\n", "STC206", 9, 32);
    expect_diag("        x = self._child(a)\n", "STC207", 9, 13);
    expect_diag("        x = await self._send_email(a)\n", "STC207", 9, 13);
    expect_diag("        sleep(1)\n", "STC207", 9, 9);
    expect_diag("        return nowhere\n", "STC208", 9, 16);
    expect_diag("        a[\"k\"] = 1\n", "STC209", 9, 9);
    expect_diag("        a.k = 1\n", "STC209", 9, 9);
    expect_diag("        x = [self._send_email(z) for z in a if z]\n", "STC210", 9, 13);
    expect_diag("        x = {z for z in a}\n", "STC210", 9, 13);
    expect_diag("        x = [z for z in a]\n", "STC210", 9, 14);
    expect_diag("        try:\n            return 1\n        finally:\n            pass\n", "STC211",
                10, 13);
    expect_diag("        raise\n", "STC212", 9, 9);
    expect_diag("        raise Oops(\"a\", \"b\")\n", "STC212", 9, 15);
    expect_diag("        await sleep(1.5)\n", "STC214", 9, 21);
    expect_diag("        await sleep(-1)\n", "STC214", 9, 21);
    expect_diag("        if \"k\" in a:\n            pass\n", "STC215", 9, 12);
    expect_diag("        x = json.dumps(a)\n", "STC216", 9, 13);
    expect_diag("        x = f\"{a!r}\"\n", "STC217", 9, 16);
    expect_diag("        return 1\n        x = 2\n", "STC218", 10, 9);
    expect_diag("        x = self.config\n", "STC219", 9, 13);
    expect_diag("        x = {1: a}\n", "STC220", 9, 14);
    expect_diag("        x = a[\"my key\"]\n", "STC220", 9, 15);
    expect_diag("        while True:\n            pass\n", "STC221", 9, 9);
    /* `while True:` with a sleep continues as new: test_forever.c */
    expect_diag("        x = a if b else (lambda: 2)\n", "STC203", 9, 26);
    expect_diag("        x = [a, *b]\n", "STC202", 9, 17);
}

static void test_parameters_refused(void **st)
{
    (void)st;
    const char *src = "class S:\n    async def _w(self, *items, **opts):\n        return 1\n";
    stc_service_options o = {.query_language = "jsonpath"}; /* JSONPath shapes */
    stc_service *svc = stc_service_compile_source("t.py", src, strlen(src), &o);
    size_t hits = 0;
    for (size_t i = 0; i < svc->diags.count; i++)
        if (strcmp(svc->diags.items[i].code, "STC213") == 0 && svc->diags.items[i].line == 2)
            hits++;
    assert_int_equal(hits, 2);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_return_param),
        cmocka_unit_test(test_fall_off_end_returns_none),
        cmocka_unit_test(test_task_arguments_and_retry),
        cmocka_unit_test(test_discarded_result),
        cmocka_unit_test(test_nested_workflow),
        cmocka_unit_test(test_if_else_choice),
        cmocka_unit_test(test_truthiness_rule),
        cmocka_unit_test(test_while_loop_back_edge),
        cmocka_unit_test(test_for_loop_index),
        cmocka_unit_test(test_sleep_wait),
        cmocka_unit_test(test_intrinsics),
        cmocka_unit_test(test_gather_parallel_and_map),
        cmocka_unit_test(test_try_except_raise),
        cmocka_unit_test(test_assert),
        cmocka_unit_test(test_source_map),
        cmocka_unit_test(test_placeholders),
        cmocka_unit_test(test_unique_names),
        cmocka_unit_test(test_refused_constructs),
        cmocka_unit_test(test_parameters_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
