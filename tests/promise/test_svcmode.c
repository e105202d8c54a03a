/* test_svcmode.c - the service-mode Task handler (stepsim/svcmode.h) and the
 * local run of real methods (core/pyrun.h): the exact AWS shapes, nested
 * executions, shared call counters, undo, continue-as-new, and the errors.
 * Expected values are worked out from the Python sources below and the
 * shapes documented in docs/simulator.md ("Service mode"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/pyrun.h"
#include "core/service.h"
#include "core/util.h"
#include "core/workflow.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/simulate.h"
#include "stepsim/sim.h"
#include "stepsim/svcmode.h"

static const char SRC[] =
    "class Declined(Exception):\n"                       /* 1 */
    "    pass\n"                                         /* 2 */
    "\n"                                                 /* 3 */
    "class S:\n"                                         /* 4 */
    "    def _f(self, x: int) -> int:\n"                 /* 5 */
    "        return x\n"                                 /* 6 */
    "\n"                                                 /* 7 */
    "    async def _child(self, x: int) -> int:\n"       /* 8 */
    "        y = self._f(x)\n"                           /* 9 */
    "        return y\n"                                 /* 10 */
    "\n"                                                 /* 11 */
    "    async def _parent(self, x: int) -> list:\n"     /* 12 */
    "        a = self._f(x)\n"                           /* 13 */
    "        b = await self._child(x)\n"                 /* 14 */
    "        c = self._f(x)\n"                           /* 15 */
    "        return [a, b, c]\n"                         /* 16 */
    "\n"                                                 /* 17 */
    "    async def _guarded(self, x: int) -> str:\n"     /* 18 */
    "        try:\n"                                     /* 19 */
    "            await self._child(x)\n"                 /* 20 */
    "        except Declined as e:\n"                    /* 21 */
    "            return 'declined'\n"                    /* 22 */
    "        return 'ok'\n"                              /* 23 */
    "\n"                                                 /* 24 */
    "    async def _forever(self, x: int) -> int:\n"     /* 25 */
    "        y = await self._forever(x)\n"               /* 26 */
    "        return y\n";                                /* 27 */

typedef struct fixture {
    stc_service *svc;
} fixture;

static int setup(void **state)
{
    fixture *f = stc_xcalloc(1, sizeof *f);
    stc_service_options so = {0};
    f->svc = stc_service_compile_source("svc.py", SRC, strlen(SRC), &so);
    if (stc_diags_has_errors(&f->svc->diags)) {
        stc_diags_print(&f->svc->diags, stderr, SRC);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    stc_service_free(f->svc);
    free(f);
    return 0;
}

static stc_mocks *mocks_of(const char *json)
{
    stc_mocks *m = NULL;
    char *err = NULL;
    assert_int_equal(stc_mocks_parse(json, "mocks", &m, &err), 0);
    return m;
}

/* The name of the Task state of `wf` that calls `callee` (first one). */
static const char *task_calling(const stc_workflow *wf, const char *callee)
{
    for (size_t i = 0; i < wf->nstates; i++)
        if (wf->states[i].callee && strcmp(wf->states[i].callee, callee) == 0)
            return wf->states[i].name;
    fail_msg("no Task calls %s", callee);
    return NULL;
}

typedef struct run_result {
    stc_sim_status status;
    char *output, *error, *cause, *message;
} run_result;

static void run_result_free(run_result *r)
{
    free(r->output);
    free(r->error);
    free(r->cause);
    free(r->message);
}

static run_result run(fixture *f, const char *method, const char *input, const stc_mocks *mocks,
                      stc_pyrun *local)
{
    const stc_workflow *wf = stc_workflows_find(f->svc->workflows, method);
    assert_non_null(wf);
    char *err = NULL;
    stc_machine *m = stc_machine_load(wf->asl, &err);
    assert_non_null(m);
    stc_svcmode_options so = {.workflows = f->svc->workflows, .mocks = mocks, .local = local};
    stc_svcmode *sm = stc_svcmode_new(wf, &so);
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.task = stc_svcmode_task;
    o.task_ctx = sm;
    o.undo = false;
    stc_sim *sim = stc_sim_new(m, &o);
    cJSON *in = cJSON_Parse(input);
    stc_sim_start(sim, in);
    cJSON_Delete(in);
    run_result r = {stc_sim_run(sim, NULL), NULL, NULL, NULL, NULL};
    if (r.status == STC_SIM_SUCCEEDED)
        r.output = cJSON_PrintUnformatted(stc_sim_output(sim));
    r.error = stc_sim_error(sim) ? stc_xstrdup(stc_sim_error(sim)) : NULL;
    r.cause = stc_sim_cause(sim) ? stc_xstrdup(stc_sim_cause(sim)) : NULL;
    r.message = stc_sim_message(sim) ? stc_xstrdup(stc_sim_message(sim)) : NULL;
    stc_sim_free(sim);
    stc_svcmode_free(sm);
    stc_machine_free(m);
    return r;
}

/* One direct handler call on a started simulation of `method`. */
static int call_task(fixture *f, const char *method, const char *callee, const char *resource,
                     const char *input, const stc_mocks *mocks, cJSON **result, char **error,
                     char **cause)
{
    const stc_workflow *wf = stc_workflows_find(f->svc->workflows, method);
    char *err = NULL;
    stc_machine *m = stc_machine_load(wf->asl, &err);
    assert_non_null(m);
    stc_svcmode_options so = {.workflows = f->svc->workflows, .mocks = mocks};
    stc_svcmode *sm = stc_svcmode_new(wf, &so);
    stc_sim_options o;
    stc_sim_options_init(&o);
    stc_sim *sim = stc_sim_new(m, &o); /* not started: the handler needs only the counters */
    cJSON *in = cJSON_Parse(input);
    *result = NULL;
    *error = *cause = NULL;
    int rc = stc_svcmode_task(sm, sim, task_calling(wf, callee), resource, in, result, error, cause);
    cJSON_Delete(in);
    stc_sim_free(sim);
    stc_svcmode_free(sm);
    stc_machine_free(m);
    return rc;
}

static void assert_json(const cJSON *got, const char *want_text)
{
    cJSON *want = cJSON_Parse(want_text);
    assert_non_null(want);
    if (!cJSON_Compare(got, want, true)) {
        char *g = cJSON_PrintUnformatted(got);
        fail_msg("got %s\nwant %s", g, want_text);
    }
    cJSON_Delete(want);
}

/* -------------------------------------------------------------- shapes */

static void test_lambda_result_shape(void **state)
{
    fixture *f = *state;
    stc_mocks *mocks = mocks_of("{\"_f\": [{\"return\": {\"k\": [1, 2]}}]}");
    cJSON *r;
    char *error, *cause;
    int rc = call_task(f, "_child", "_f", "arn:aws:states:::lambda:invoke",
                       "{\"FunctionName\": \"arn\", \"Payload\": {\"x\": 1}}", mocks, &r, &error,
                       &cause);
    assert_int_equal(rc, STC_TASK_OK);
    const char *rid = cJSON_GetStringValue(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(r, "SdkResponseMetadata"),
                                         "RequestId"));
    assert_non_null(rid);
    assert_int_equal(strlen(rid), 36); /* a UUID's shape */
    char *want = stc_xasprintf(
        "{\"ExecutedVersion\": \"$LATEST\", \"Payload\": {\"k\": [1, 2]},"
        " \"SdkHttpMetadata\": {\"HttpHeaders\": {\"Content-Type\": \"application/json\","
        " \"X-Amz-Executed-Version\": \"$LATEST\", \"x-amzn-RequestId\": \"%s\"},"
        " \"HttpStatusCode\": 200},"
        " \"SdkResponseMetadata\": {\"RequestId\": \"%s\"}, \"StatusCode\": 200}",
        rid, rid);
    assert_json(r, want);
    free(want);
    cJSON_Delete(r);
    stc_mocks_free(mocks);
}

static void test_lambda_error_shape(void **state)
{
    fixture *f = *state;
    stc_mocks *mocks = mocks_of("{\"_f\": {\"raise\": \"Declined\", \"cause\": \"card \\\"x\\\" expired\"}}");
    cJSON *r;
    char *error, *cause;
    int rc = call_task(f, "_child", "_f", "arn:aws:states:::lambda:invoke",
                       "{\"FunctionName\": \"arn\", \"Payload\": {\"x\": 1}}", mocks, &r, &error,
                       &cause);
    assert_int_equal(rc, STC_TASK_FAILED);
    assert_string_equal(error, "Declined");
    cJSON *c = cJSON_Parse(cause);
    assert_non_null(c);
    const char *rid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "requestId"));
    assert_non_null(rid);
    char *want = stc_xasprintf("{\"errorMessage\": \"card \\\"x\\\" expired\", \"errorType\": "
                               "\"Declined\", \"requestId\": \"%s\", \"stackTrace\": []}",
                               rid);
    assert_json(c, want);
    /* the runtime prints the keys in this order; the compiled machine only
     * needs the text to start with {"errorMessage" */
    assert_true(strncmp(cause, "{\"errorMessage\":", 16) == 0);
    free(want);
    cJSON_Delete(c);
    free(error);
    free(cause);
    stc_mocks_free(mocks);
}

static void test_nested_mock_shapes(void **state)
{
    fixture *f = *state;
    stc_mocks *ok = mocks_of("{\"_child\": [{\"return\": 7}]}");
    cJSON *r;
    char *error, *cause;
    const char *in = "{\"StateMachineArn\": \"arn\", \"Input\": {\"x\": 3}}";
    assert_int_equal(call_task(f, "_parent", "_child",
                               "arn:aws:states:::states:startExecution.sync:2", in, ok, &r,
                               &error, &cause),
                     STC_TASK_OK);
    /* the virtual clock starts at 2026-01-01T00:00:00Z = 1767225600000 ms */
    assert_json(r, "{\"ExecutionArn\": \"arn:aws:states:us-east-1:123456789012:execution:"
                   "_child:_child-1\", \"Input\": {\"x\": 3}, \"InputDetails\": {\"Included\": "
                   "true}, \"Name\": \"_child-1\", \"Output\": 7, \"OutputDetails\": "
                   "{\"Included\": true}, \"StartDate\": 1767225600000, \"StateMachineArn\": "
                   "\"arn:aws:states:us-east-1:123456789012:stateMachine:_child\", \"Status\": "
                   "\"SUCCEEDED\", \"StopDate\": 1767225600000}");
    cJSON_Delete(r);
    stc_mocks_free(ok);

    stc_mocks *bad = mocks_of("{\"_child\": [{\"raise\": \"Declined\", \"cause\": \"no\"}]}");
    assert_int_equal(call_task(f, "_parent", "_child",
                               "arn:aws:states:::states:startExecution.sync:2", in, bad, &r,
                               &error, &cause),
                     STC_TASK_FAILED);
    assert_string_equal(error, "States.TaskFailed");
    cJSON *c = cJSON_Parse(cause);
    assert_json(c, "{\"ExecutionArn\": \"arn:aws:states:us-east-1:123456789012:execution:"
                   "_child:_child-1\", \"Input\": {\"x\": 3}, \"InputDetails\": {\"Included\": "
                   "true}, \"Name\": \"_child-1\", \"StartDate\": 1767225600000, "
                   "\"StateMachineArn\": \"arn:aws:states:us-east-1:123456789012:stateMachine:"
                   "_child\", \"Status\": \"FAILED\", \"StopDate\": 1767225600000, \"Error\": "
                   "\"Declined\", \"Cause\": \"no\"}");
    cJSON_Delete(c);
    free(error);
    free(cause);
    stc_mocks_free(bad);
}

/* ------------------------------------------------------------ behaviour */

static void test_nested_runs_for_real_with_shared_counters(void **state)
{
    fixture *f = *state;
    /* _parent: a = _f (1st call), b = _child -> _f (2nd), c = _f (3rd) */
    stc_mocks *m = mocks_of("{\"_f\": [{\"return\": 10}, {\"return\": 20}, {\"return\": 30}]}");
    run_result r = run(f, "_parent", "{\"x\": 1}", m, NULL);
    assert_int_equal(r.status, STC_SIM_SUCCEEDED);
    assert_string_equal(r.output, "[10,20,30]");
    run_result_free(&r);
    stc_mocks_free(m);
}

static void test_nested_failure_reaches_the_parent(void **state)
{
    fixture *f = *state;
    /* the child's _f raises Declined: _parent fails with it, _guarded catches it */
    stc_mocks *m = mocks_of("{\"_f\": [{\"return\": 1}, {\"raise\": \"Declined\", \"cause\": \"over limit\"}]}");
    run_result r = run(f, "_parent", "{\"x\": 1}", m, NULL);
    assert_int_equal(r.status, STC_SIM_FAILED);
    assert_string_equal(r.error, "Declined");
    assert_string_equal(r.cause, "over limit");
    run_result_free(&r);
    stc_mocks_free(m);

    m = mocks_of("{\"_f\": {\"raise\": \"Declined\", \"cause\": \"over limit\"}}");
    r = run(f, "_guarded", "{\"x\": 1}", m, NULL);
    assert_int_equal(r.status, STC_SIM_SUCCEEDED);
    assert_string_equal(r.output, "\"declined\"");
    run_result_free(&r);
    stc_mocks_free(m);

    m = mocks_of("{\"_f\": {\"raise\": \"Other\", \"cause\": \"boom\"}}");
    r = run(f, "_guarded", "{\"x\": 1}", m, NULL);
    assert_int_equal(r.status, STC_SIM_FAILED);
    assert_string_equal(r.error, "Other");
    assert_string_equal(r.cause, "boom");
    run_result_free(&r);
    stc_mocks_free(m);
}

static void test_missing_mock_and_depth(void **state)
{
    fixture *f = *state;
    stc_mocks *m = stc_mocks_new();
    run_result r = run(f, "_parent", "{\"x\": 1}", m, NULL);
    assert_int_equal(r.status, STC_SIM_ERROR);
    assert_non_null(strstr(r.message, "no mock for _f"));
    assert_non_null(strstr(r.message, "--run-local"));
    run_result_free(&r);

    /* the child's missing mock names the nested workflow */
    stc_mocks *only_first = mocks_of("{\"_g\": [{\"return\": 1}]}");
    r = run(f, "_guarded", "{\"x\": 1}", only_first, NULL);
    assert_int_equal(r.status, STC_SIM_ERROR);
    assert_non_null(strstr(r.message, "in the nested workflow _child: "));
    assert_non_null(strstr(r.message, "no mock for _f"));
    run_result_free(&r);
    stc_mocks_free(only_first);

    r = run(f, "_forever", "{\"x\": 1}", m, NULL);
    assert_int_equal(r.status, STC_SIM_ERROR);
    assert_non_null(strstr(r.message, "deeper than 64 executions"));
    run_result_free(&r);
    stc_mocks_free(m);
}

static void test_undo_rewinds_the_counters(void **state)
{
    fixture *f = *state;
    const stc_workflow *wf = stc_workflows_find(f->svc->workflows, "_parent");
    char *err = NULL;
    stc_machine *mach = stc_machine_load(wf->asl, &err);
    stc_mocks *m = mocks_of("{\"_f\": [{\"return\": 10}, {\"return\": 20}, {\"return\": 30}]}");
    stc_svcmode_options so = {.workflows = f->svc->workflows, .mocks = m};
    stc_svcmode *sm = stc_svcmode_new(wf, &so);
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.task = stc_svcmode_task;
    o.task_ctx = sm;
    o.undo = true;
    stc_sim *sim = stc_sim_new(mach, &o);
    cJSON *in = cJSON_Parse("{\"x\": 1}");
    stc_sim_start(sim, in);
    assert_int_equal(stc_sim_run(sim, NULL), STC_SIM_SUCCEEDED);
    size_t steps = stc_sim_steps(sim);
    for (size_t i = 0; i < steps; i++)
        assert_int_equal(stc_sim_back(sim), 0);
    assert_int_equal(stc_sim_run(sim, NULL), STC_SIM_SUCCEEDED);
    char *out = cJSON_PrintUnformatted(stc_sim_output(sim));
    assert_string_equal(out, "[10,20,30]");
    free(out);
    cJSON_Delete(in);
    stc_sim_free(sim);
    stc_svcmode_free(sm);
    stc_mocks_free(m);
    stc_machine_free(mach);
}

/* Continue-as-new: a hand-made workflow whose Task restarts the machine
 * with n + 1 until n reaches 3. Executions n = 0, 1, 2: Choice + Task (2
 * transitions each); n = 3: Choice + Pass. 8 transitions, output 3. */
static void test_continue_as_new(void **state)
{
    (void)state;
    const char *asl =
        "{\"StartAt\": \"Done?\", \"States\": {"
        "\"Done?\": {\"Type\": \"Choice\", \"Choices\": [{\"Variable\": \"$.n\", "
        "\"NumericGreaterThanEquals\": 3, \"Next\": \"Return n\"}], \"Default\": \"Continue as new\"},"
        "\"Continue as new\": {\"Type\": \"Task\", \"Resource\": "
        "\"arn:aws:states:::states:startExecution\", \"Parameters\": {\"StateMachineArn.$\": "
        "\"$$.StateMachine.Id\", \"Input\": {\"n.$\": \"States.MathAdd($.n, 1)\"}}, \"End\": true},"
        "\"Return n\": {\"Type\": \"Pass\", \"OutputPath\": \"$.n\", \"End\": true}}}";
    cJSON *doc = cJSON_Parse(asl);
    stc_wf_state states[] = {
        {.name = "Done?", .type = "Choice"},
        {.name = "Continue as new", .type = "Task", .call = STC_WF_CALL_RESTART},
        {.name = "Return n", .type = "Pass"},
    };
    stc_workflow wf = {.method = NULL, .asl = doc, .states = states, .nstates = 3};
    char *err = NULL;
    stc_machine *m = stc_machine_load(doc, &err);
    assert_non_null(m);
    stc_svcmode *sm = stc_svcmode_new(&wf, NULL);
    stc_simulate_options o = {.json = true,
                              .task = stc_svcmode_task,
                              .task_ctx = sm,
                              .take_restart = stc_svcmode_take_restart};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    cJSON *in = cJSON_Parse("{\"n\": 0}");
    assert_int_equal(stc_simulate_run_and_print(m, in, &o, out, stderr), STC_SIMULATE_SUCCEEDED);
    fclose(out);
    cJSON *res = cJSON_Parse(text);
    assert_json(res, "{\"status\": \"SUCCEEDED\", \"output\": 3, \"error\": null, \"cause\": null,"
                     " \"transitions\": 8}");
    cJSON_Delete(res);
    free(text);
    cJSON_Delete(in);
    stc_svcmode_free(sm);
    stc_machine_free(m);
    cJSON_Delete(doc);
}

/* ------------------------------------------------------------ run-local */

static char *fixture_path(const char *name)
{
    const char *d = getenv("STC_TEST_DATA");
    assert_non_null(d);
    return stc_xasprintf("%s/data/%s", d, name);
}

static void test_pyrun_calls(void **state)
{
    (void)state;
    char *path = fixture_path("svc_local.py");
    cJSON *params = cJSON_Parse("{\"greeting\": \"hi\", \"limit\": 1}");
    stc_pyrun *py = NULL;
    char *err = NULL;
    assert_int_equal(stc_pyrun_open(path, "LocalService", params, &py, &err), 0);
    cJSON *r, *payload = cJSON_Parse("{\"name\": \"ann\"}");
    char *error, *msg;
    assert_int_equal(stc_pyrun_call(py, "_greet", payload, &r, &error, &msg), STC_PYRUN_OK);
    assert_string_equal(cJSON_GetStringValue(r), "hi, ann");
    cJSON_Delete(r);
    /* the same instance: one name seen */
    assert_int_equal(stc_pyrun_call(py, "_count", NULL, &r, &error, &msg), STC_PYRUN_OK);
    assert_int_equal(r->valueint, 1);
    cJSON_Delete(r);
    cJSON *two = cJSON_Parse("{\"n\": 2}");
    assert_int_equal(stc_pyrun_call(py, "_check", two, &r, &error, &msg), STC_PYRUN_RAISED);
    assert_string_equal(error, "QuotaExceeded");
    assert_string_equal(msg, "2 greetings, limit 1");
    free(error);
    free(msg);
    cJSON *key = cJSON_Parse("{\"key\": \"zz\"}");
    assert_int_equal(stc_pyrun_call(py, "_lookup", key, &r, &error, &msg), STC_PYRUN_RAISED);
    assert_string_equal(error, "KeyError");
    assert_string_equal(msg, "'zz'"); /* str(KeyError('zz')), as the Lambda runtime reports it */
    free(error);
    free(msg);
    assert_int_equal(stc_pyrun_call(py, "_raw", NULL, &r, &error, &msg), STC_PYRUN_RAISED);
    assert_string_equal(error, "Runtime.MarshalError");
    assert_string_equal(msg, "Unable to marshal response: Object of type set is not JSON serializable");
    free(error);
    free(msg);
    assert_int_equal(stc_pyrun_call(py, "_nope", NULL, &r, &error, &msg), STC_PYRUN_ERROR);
    assert_non_null(strstr(error, "no method '_nope'"));
    free(error);
    stc_pyrun_close(py);
    cJSON_Delete(key);
    cJSON_Delete(two);
    cJSON_Delete(payload);

    /* an __init__ that does not take the parameters */
    cJSON *bad = cJSON_Parse("{\"colour\": \"red\"}");
    assert_int_equal(stc_pyrun_open(path, "LocalService", bad, &py, &err), -1);
    assert_non_null(strstr(err, "TypeError"));
    assert_non_null(strstr(err, "colour"));
    free(err);
    cJSON_Delete(bad);
    cJSON_Delete(params);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lambda_result_shape),
        cmocka_unit_test(test_lambda_error_shape),
        cmocka_unit_test(test_nested_mock_shapes),
        cmocka_unit_test(test_nested_runs_for_real_with_shared_counters),
        cmocka_unit_test(test_nested_failure_reaches_the_parent),
        cmocka_unit_test(test_missing_mock_and_depth),
        cmocka_unit_test(test_undo_rewinds_the_counters),
        cmocka_unit_test(test_continue_as_new),
        cmocka_unit_test(test_pyrun_calls),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
