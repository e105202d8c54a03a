/* test_promise.c - the behavioural promise of shared/workflow-translation.md,
 * checked on every test workflow: each case of tests/data/workflows/X.cases.json
 * (input, scripted results per internal function, and the value or exception
 * the Python method gives -- run_python_cases.py checks those against real
 * Python) runs through the compiled state machine in the stepsim interpreter.
 *
 * The task handler plays AWS from the mocks, in the shapes documented in
 * docs/workflow-compiler.md ("Errors"): a Lambda returns
 * {"Payload": v, "StatusCode": 200}, and fails with error E and a Cause that
 * is the Lambda runtime's JSON {"errorMessage", "errorType", ...}; a nested
 * execution returns {"Output": v} and fails with States.TaskFailed and a
 * Cause that is the execution's JSON with "Error" and "Cause". A
 * continue-as-new Task (STC_WF_CALL_RESTART) answers as StartExecution does
 * and, once the execution has succeeded, the machine starts again with the
 * Task's Input; calls are counted over all executions, as Python counts them. */
#include <glob.h>
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
#include "stepsim/machine.h"
#include "stepsim/sim.h"

typedef struct {
    const stc_workflow *wf;
    const cJSON *mocks;
    cJSON *calls;   /* calls per function over every execution, as Python counts them */
    cJSON *restart; /* the input of a continue-as-new, pending */
} promise_ctx;

static unsigned promise_call_index(promise_ctx *ctx, const char *fn)
{
    cJSON *n = cJSON_GetObjectItemCaseSensitive(ctx->calls, fn);
    if (!n) {
        cJSON_AddNumberToObject(ctx->calls, fn, 1);
        return 0;
    }
    unsigned k = (unsigned)n->valuedouble;
    cJSON_SetNumberValue(n, k + 1);
    return k;
}

static int promise_task(void *vctx, stc_sim *sim, const char *state_name, const char *resource,
                        const cJSON *input, cJSON **result, char **error, char **cause)
{
    (void)resource;
    (void)sim;
    promise_ctx *ctx = vctx;
    const stc_wf_state *st = stc_workflow_state(ctx->wf, state_name);
    if (st && st->call == STC_WF_CALL_RESTART) {
        /* states:startExecution of the machine itself: StartExecution's answer */
        cJSON_Delete(ctx->restart);
        ctx->restart = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(input, "Input"), true);
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "ExecutionArn",
                                "arn:aws:states:us-east-1:111111111111:execution:run:next");
        cJSON_AddNumberToObject(r, "StartDate", 0);
        *result = r;
        return STC_TASK_OK;
    }
    if (!st || !st->callee) {
        *error = stc_xasprintf("Task state '%s' is not in the source map", state_name);
        return STC_TASK_ABORT;
    }
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(ctx->mocks, st->callee);
    int n = cJSON_GetArraySize(entries);
    if (!n) {
        *error = stc_xasprintf("no mock for %s", st->callee);
        return STC_TASK_ABORT;
    }
    unsigned call = promise_call_index(ctx, st->callee);
    const cJSON *e = cJSON_GetArrayItem(entries, call < (unsigned)n ? (int)call : n - 1);
    const cJSON *raise = cJSON_GetObjectItemCaseSensitive(e, "raise");
    bool nested = st->call == STC_WF_CALL_WORKFLOW;
    if (cJSON_IsString(raise)) {
        const char *msg = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "cause"));
        cJSON *c = cJSON_CreateObject();
        if (nested) {
            cJSON_AddStringToObject(c, "ExecutionArn", "arn:aws:states:us-east-1:111111111111:"
                                                       "execution:child:1");
            cJSON_AddStringToObject(c, "Status", "FAILED");
            cJSON_AddStringToObject(c, "Error", raise->valuestring);
            cJSON_AddStringToObject(c, "Cause", msg ? msg : "");
            *error = stc_xstrdup("States.TaskFailed");
        } else {
            cJSON_AddStringToObject(c, "errorMessage", msg ? msg : "");
            cJSON_AddStringToObject(c, "errorType", raise->valuestring);
            cJSON_AddStringToObject(c, "requestId", "00000000-0000-0000-0000-000000000000");
            cJSON_AddArrayToObject(c, "stackTrace");
            *error = stc_xstrdup(raise->valuestring);
        }
        *cause = cJSON_PrintUnformatted(c);
        cJSON_Delete(c);
        return STC_TASK_FAILED;
    }
    const cJSON *ret = cJSON_GetObjectItemCaseSensitive(e, "return");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, nested ? "Output" : "Payload",
                          ret ? cJSON_Duplicate(ret, true) : cJSON_CreateNull());
    if (nested)
        cJSON_AddStringToObject(r, "Status", "SUCCEEDED");
    else
        cJSON_AddNumberToObject(r, "StatusCode", 200);
    *result = r;
    return STC_TASK_OK;
}

static int run_case(const char *file, const stc_machine *m, const stc_workflow *wf,
                    const cJSON *c, int index)
{
    promise_ctx ctx = {wf, cJSON_GetObjectItemCaseSensitive(c, "mocks"), cJSON_CreateObject(),
                       NULL};
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.task = promise_task;
    o.task_ctx = &ctx;
    o.max_transitions = 100000;
    stc_sim *sim = stc_sim_new(m, &o);
    stc_sim_start(sim, cJSON_GetObjectItemCaseSensitive(c, "input"));
    stc_sim_status s = stc_sim_run(sim, NULL);
    /* continue-as-new: the same machine again with the given input */
    for (int runs = 1; s == STC_SIM_SUCCEEDED && ctx.restart && runs < 100; runs++) {
        cJSON *next = ctx.restart;
        ctx.restart = NULL;
        stc_sim_start(sim, next);
        cJSON_Delete(next);
        s = stc_sim_run(sim, NULL);
    }
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c, "expected");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(exp, "output");
    int bad = 0;
    if (out) {
        if (s != STC_SIM_SUCCEEDED || !cJSON_Compare(stc_sim_output(sim), out, true)) {
            char *want = cJSON_PrintUnformatted(out);
            char *got = stc_sim_output(sim) ? cJSON_PrintUnformatted(stc_sim_output(sim)) : NULL;
            fprintf(stderr, "FAIL %s case %d: want %s, got %s %s (%s: %s) %s\n", file, index,
                    want, stc_sim_status_name(s), got ? got : "-", stc_sim_error(sim) ?
                    stc_sim_error(sim) : "", stc_sim_cause(sim) ? stc_sim_cause(sim) : "",
                    stc_sim_message(sim) ? stc_sim_message(sim) : "");
            free(want);
            free(got);
            bad = 1;
        }
    } else {
        const char *we = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(exp, "error"));
        const char *wc = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(exp, "cause"));
        const char *ge = stc_sim_error(sim), *gc = stc_sim_cause(sim);
        if (s != STC_SIM_FAILED || !ge || strcmp(ge, we) || !gc || strcmp(gc, wc)) {
            fprintf(stderr, "FAIL %s case %d: want %s(%s), got %s %s(%s) %s\n", file, index, we,
                    wc, stc_sim_status_name(s), ge ? ge : "-", gc ? gc : "-",
                    stc_sim_message(sim) ? stc_sim_message(sim) : "");
            bad = 1;
        }
    }
    stc_sim_free(sim);
    cJSON_Delete(ctx.calls);
    cJSON_Delete(ctx.restart);
    return bad;
}

/* Every case of every test workflow, compiled to `language`. */
static void every_case(const char *language)
{
    const char *data = getenv("STC_TEST_DATA");
    assert_non_null(data);
    char *pattern = stc_xasprintf("%s/data/workflows/*.cases.json", data);
    glob_t g;
    assert_int_equal(glob(pattern, 0, NULL, &g), 0);
    free(pattern);
    int failures = 0, cases = 0;
    assert_true(g.gl_pathc >= 30);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char *text = NULL, *err = NULL;
        size_t len;
        assert_int_equal(stc_file_read(g.gl_pathv[i], &text, &len, &err), 0);
        cJSON *spec = cJSON_Parse(text);
        free(text);
        assert_non_null(spec);
        char *py = stc_xstrndup(g.gl_pathv[i], strlen(g.gl_pathv[i]) - strlen(".cases.json"));
        char *pyfile = stc_xasprintf("%s.py", py);
        free(py);
        stc_service_options so = {.query_language = language};
        stc_service *svc = stc_service_compile_file(pyfile, &so);
        const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(spec, "method"));
        const stc_workflow *wf = stc_workflows_find(svc->workflows, method);
        if (!wf || !wf->asl || stc_diags_has_errors(&svc->diags)) {
            fprintf(stderr, "FAIL %s: %s does not compile to %s\n", pyfile, method, language);
            stc_diags_print(&svc->diags, stderr, svc->module ? svc->module->source : NULL);
            failures++;
        } else {
            char *merr = NULL;
            stc_machine *m = stc_machine_load(wf->asl, &merr);
            if (!m) {
                fprintf(stderr, "FAIL %s: the simulator rejects the %s machine: %s\n", pyfile,
                        language, merr);
                free(merr);
                failures++;
            } else {
                const cJSON *c;
                int k = 0;
                cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(spec, "cases"))
                {
                    failures += run_case(pyfile, m, wf, c, k++);
                    cases++;
                }
                stc_machine_free(m);
            }
        }
        stc_service_free(svc);
        free(pyfile);
        cJSON_Delete(spec);
    }
    fprintf(stderr, "%s: %d cases in %zu workflows, %d failures\n", language, cases, g.gl_pathc,
            failures);
    globfree(&g);
    assert_int_equal(failures, 0);
}

static void test_every_case_keeps_the_promise_jsonata(void **state)
{
    (void)state;
    every_case("jsonata");
}

static void test_every_case_keeps_the_promise_jsonpath(void **state)
{
    (void)state;
    every_case("jsonpath");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_case_keeps_the_promise_jsonata),
        cmocka_unit_test(test_every_case_keeps_the_promise_jsonpath),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
