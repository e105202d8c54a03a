/* test_jsonata.c - the JSONata back end's shapes, worked out by hand from
 * docs/workflow-compiler.md ("JSONata"): assignments carried by the next
 * state, a loop's bookkeeping in its head's rule, errors kept in the Catch,
 * raises as Fail, names that would hide a JSONata function, and the
 * refusals of changing a shared value in place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/service.h"
#include "core/util.h"
#include "core/workflow.h"
#include "wf_test.h"

static stc_service *compile(const char *src)
{
    stc_service_options o = {0}; /* the default dialect: JSONata */
    return stc_service_compile_source("t.py", src, strlen(src), &o);
}

static const cJSON *machine(const stc_service *svc, const char *method)
{
    const stc_workflow *wf = stc_workflows_find(svc->workflows, method);
    assert_non_null(wf);
    if (!wf->asl)
        stc_diags_print(&svc->diags, stderr, svc->module ? svc->module->source : NULL);
    assert_non_null(wf->asl);
    assert_int_equal(wf->language, STC_QL_JSONATA);
    assert_string_equal(str(wf->asl, "QueryLanguage"), "JSONata");
    return wf->asl;
}

/* x = a + 1; y = x * 2; return y: no state but the return, whose Output
 * inlines both pending assignments and the parameter. */
static void test_assignments_merge_into_the_output(void **st)
{
    (void)st;
    stc_service *svc = compile("class S:\n    async def _w(self, a: int):\n        x = a + 1\n"
                               "        y = x * 2\n        return y\n");
    const cJSON *asl = machine(svc, "_w");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(asl, "States")), 1);
    assert_string_equal(str(asl, "StartAt"), "Return y (line 5)");
    assert_json(state(asl, "Return y (line 5)"),
                "{\"Type\": \"Pass\", \"Output\": \"{% (($states.input.a + 1) * 2) %}\", "
                "\"End\": true}");
    stc_service_free(svc);
}

static const char LOOP[] = "class E(Exception):\n    pass\n\nclass S:\n"
                           "    def _get(self, key):\n        return key\n\n"
                           "    async def _w(self, xs: list, count: int):\n"
                           "        total = 0\n"
                           "        for x in xs:\n"
                           "            total += x\n"
                           "        try:\n"
                           "            v = self._get(total)\n"
                           "        except KeyError as e:\n"
                           "            raise E(f\"no {count}\")\n"
                           "        return v\n";

/* The parameters, total = 0 and the loop's items and index in one Pass
 * before the loop head (a loop head is entered again: nothing pending may
 * ride on it); `count` is the variable count_ ($count is a function). */
static void test_loop_head_and_start(void **st)
{
    (void)st;
    stc_service *svc = compile(LOOP);
    const cJSON *asl = machine(svc, "_w");
    assert_string_equal(str(asl, "StartAt"), "Start _w");
    assert_json(state(asl, "Start _w"),
                "{\"Type\": \"Pass\", \"Assign\": {\"xs\": \"{% $states.input.xs %}\", "
                "\"count_\": \"{% $states.input.count %}\", \"total\": \"{% 0 %}\", "
                "\"__stc_items1\": \"{% $states.input.xs %}\", \"__stc_i1\": \"{% 0 %}\"}, "
                "\"Next\": \"For x in xs (line 10)\"}");
    /* the rule binds x and moves the index: a round costs the head and the body */
    assert_json(state(asl, "For x in xs (line 10)"),
                "{\"Type\": \"Choice\", \"Choices\": [{\"Condition\": \"{% $__stc_i1 < "
                "$count($__stc_items1) %}\", \"Comment\": \"xs\", \"Assign\": {\"x\": \"{% "
                "$__stc_items1[$__stc_i1] %}\", \"__stc_i1\": \"{% $__stc_i1 + 1 %}\"}, "
                "\"Next\": \"total += x (line 11)\"}], \"Default\": \"Call _get (line 13)\"}");
    /* Python raises TypeError when an item cannot be added to total: the
     * assignment's state is a Choice that checks first (the uncaught Fail
     * gets the error), whose Default assigns and goes back to the head */
    const cJSON *add = state(asl, "total += x (line 11)");
    assert_string_equal(str(add, "Type"), "Choice");
    assert_string_equal(str(add, "Default"), "For x in xs (line 10)");
    const cJSON *check = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(add, "Choices"), 0);
    assert_string_equal(str(check, "Next"), "Fail with the exception");
    assert_non_null(strstr(str(check, "Output"), "\"Error\": \"TypeError\""));
    assert_non_null(strstr(str(check, "Output"), "can only concatenate str (not "));
    assert_non_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(add, "Assign"),
                                                     "total"));
    stc_service_free(svc);
}

/* Inside a try the Task's Catch keeps the normalized error in __stc_error
 * and goes to the dispatch; the raise in the handler (outside any try) is a
 * Fail right there, its cause an f-string. */
static void test_try_catch_and_raise(void **st)
{
    (void)st;
    stc_service *svc = compile(LOOP);
    const cJSON *asl = machine(svc, "_w");
    const cJSON *task = state(asl, "Call _get (line 13)");
    assert_json(cJSON_GetObjectItemCaseSensitive(task, "Arguments"),
                "{\"FunctionName\": \"${GetFunctionArn}\", \"Payload\": {\"key\": \"{% $total %}\"}}");
    /* `return v` right after it: the Task ends the machine with the result */
    assert_null(cJSON_GetObjectItemCaseSensitive(task, "Assign"));
    assert_string_equal(str(task, "Output"), "{% $states.result.Payload %}");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(task, "End")));
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(asl, "States"),
                                                 "Return v (line 16)"));
    const cJSON *catch = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(task, "Catch"), 0);
    assert_string_equal(str(catch, "Next"), "Except? (line 12)");
    const cJSON *as = cJSON_GetObjectItemCaseSensitive(catch, "Assign");
    assert_non_null(strstr(str(as, "__stc_error"), "$parse($c).errorMessage"));
    const cJSON *disp = state(asl, "Except? (line 12)");
    assert_json(disp, "{\"Type\": \"Choice\", \"Choices\": [{\"Condition\": \"{% $__stc_error.Error "
                      "in [\\\"KeyError\\\"] %}\", \"Next\": \"Raise E (line 15)\"}], "
                      "\"Default\": \"Fail with the exception\", \"Output\": \"{% $__stc_error %}\"}");
    assert_json(state(asl, "Raise E (line 15)"),
                "{\"Type\": \"Fail\", \"Error\": \"E\", \"Cause\": \"{% (\\\"no \\\" & "
                "$string($count_)) %}\"}");
    assert_json(state(asl, "Fail with the exception"),
                "{\"Type\": \"Fail\", \"Error\": \"{% $states.input.Error %}\", "
                "\"Cause\": \"{% $states.input.Cause %}\"}");
    stc_service_free(svc);
}

/* expect one diagnostic `code` at line:col */
static void expect_diag(const char *src, const char *code, int line, int col)
{
    stc_service *svc = compile(src);
    size_t hits = 0;
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *d = &svc->diags.items[i];
        if (strcmp(d->code, code) == 0 && d->line == line && d->col == col)
            hits++;
    }
    if (hits != 1)
        stc_diags_print(&svc->diags, stderr, svc->module ? svc->module->source : NULL);
    assert_int_equal(hits, 1);
    stc_service_free(svc);
}

/* ys = xs makes both names one list in Python: ys.append(1) would change
 * xs too, the machine only ys. Refused at the call; a copy is fine. */
static void test_shared_value_changed_in_place(void **st)
{
    (void)st;
    expect_diag("class S:\n    async def _w(self, xs: list):\n        ys = xs\n"
                "        ys.append(1)\n        return xs\n",
                "STC209", 4, 9);
    expect_diag("class S:\n    async def _w(self, d: dict):\n        rows = [d]\n"
                "        d[\"k\"] = 1\n        return rows\n",
                "STC209", 4, 9);
    stc_service *svc = compile("class S:\n    async def _w(self, xs: list):\n        ys = list(xs)\n"
                               "        ys.append(1)\n        return [xs, ys]\n");
    assert_false(stc_diags_has_errors(&svc->diags));
    stc_service_free(svc);
}

/* What the JSONata back end does not compile yet: a diagnostic at the exact
 * place; another workflow of the module still compiles. */
static void test_refused_at_the_place(void **st)
{
    (void)st;
    expect_diag("class S:\n    async def _w(self, x: float):\n        return f\"{x:^8}\"\n", "STC217",
                3, 19);
    /* a set where its order would show; any() over two fors; Python's
     * general format */
    expect_diag("class S:\n    async def _w(self, xs: list):\n        return list(set(xs))\n",
                "STC202", 3, 21);
    expect_diag("class S:\n    async def _w(self, xs: list):\n        return any(x for x in xs for y "
                "in xs)\n",
                "STC210", 3, 19);
    expect_diag("class S:\n    async def _w(self, x: float):\n        return f\"{x:.2}\"\n", "STC217",
                3, 19);
    stc_service *svc = compile("class S:\n    async def _bad(self, x):\n        return {x for x in []}\n"
                               "\n    async def _good(self, r: dict):\n        return r.status\n");
    const cJSON *asl = machine(svc, "_good");
    /* r.status on a JSON object is r["status"] */
    assert_string_equal(str(state(asl, "Return r.status (line 6)"), "Output"),
                        "{% $lookup($states.input.r, \"status\") %}");
    /* a jdict raises AttributeError(name) for a missing key: checked first */
    const cJSON *check = state(asl, "Check line 6");
    const cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(check, "Choices"), 0);
    assert_string_equal(str(rule, "Condition"),
                        "{% $not($exists($lookup($states.input.r, \"status\"))) %}");
    assert_string_equal(str(rule, "Output"),
                        "{% {\"Error\": \"AttributeError\", \"Cause\": \"status\"} %}");
    assert_string_equal(str(rule, "Next"), "Fail with the exception");
    assert_string_equal(str(check, "Default"), "Return r.status (line 6)");
    const stc_workflow *bad = stc_workflows_find(svc->workflows, "_bad");
    assert_null(bad->asl);
    assert_true(stc_service_workflow_usable(svc, stc_workflows_find(svc->workflows, "_good")));
    assert_false(stc_service_workflow_usable(svc, bad));
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assignments_merge_into_the_output),
        cmocka_unit_test(test_loop_head_and_start),
        cmocka_unit_test(test_try_catch_and_raise),
        cmocka_unit_test(test_shared_value_changed_in_place),
        cmocka_unit_test(test_refused_at_the_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
