/* test_forever.c - `while True:` workflows that run forever: continue-as-new
 * (docs/workflow-compiler.md, "Running forever").
 *
 *   - the machine of a tiny loop, state by state, worked out by hand;
 *   - the round bound from the loop's history events (a long body);
 *   - what qualifies and what is refused (STC221, STC213), line and column;
 *   - tests/data/workflows/forever_watch.py in the simulator (service mode)
 *     under a transition bound: it restarts itself with its variables until
 *     the bound stops it, counted from the history events. */
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
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/simulate.h"
#include "stepsim/svcmode.h"

static stc_service *compile_src(const char *src)
{
    stc_service_options o = {.query_language = "jsonpath"}; /* JSONPath shapes */
    return stc_service_compile_source("t.py", src, strlen(src), &o);
}

static stc_service *compile(const char *body)
{
    char *src = stc_xasprintf(PRELUDE "%s", body);
    stc_service *svc = compile_src(src);
    free(src);
    return svc;
}

static const stc_workflow *wf_of(const stc_service *svc, const char *name)
{
    const stc_workflow *wf = stc_workflows_find(svc->workflows, name);
    assert_non_null(wf);
    if (!wf->asl)
        stc_diags_print(&svc->diags, stderr, svc->module->source);
    assert_non_null(wf->asl);
    return wf;
}

static double bound_of(const cJSON *asl, const char *head)
{
    const cJSON *rule = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(state(asl, head), "Choices"), 0);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(rule, "NumericGreaterThanEquals");
    assert_true(cJSON_IsNumber(n));
    return n->valuedouble;
}

static bool has_restart(const stc_workflow *wf)
{
    for (size_t i = 0; i < wf->nstates; i++)
        if (wf->states[i].call == STC_WF_CALL_RESTART)
            return true;
    return false;
}

/* ---- the machine of a tiny loop ---- */

static void test_tiny_loop_machine(void **st)
{
    (void)st;
    stc_service *svc = compile("        while True:\n            await sleep(60)\n");
    const stc_workflow *wf = wf_of(svc, "_w");
    const cJSON *asl = wf->asl;

    /* every state, in order: the resume dispatch first, no Return (the end
     * cannot be reached) */
    static const char *const order[] = {
        "Continued?", "Start _w", "Start while True (line 9)", "While True (line 9)",
        "Count round (line 9)", "Sleep 60 (line 10)", "Prepare new execution (line 9)",
        "Continue as new (line 9)", "Resume While True (line 9)",
    };
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(asl, "States");
    assert_int_equal(cJSON_GetArraySize(states), STC_ARRAY_LEN(order));
    size_t k = 0;
    for (const cJSON *s = states->child; s; s = s->next)
        assert_string_equal(s->string, order[k++]);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(asl, "StartAt")),
                        "Continued?");

    assert_json(state(asl, "Continued?"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"And\":["
                "{\"Variable\":\"$.sys.resume.at\",\"IsPresent\":true},"
                "{\"Variable\":\"$.sys.resume.at\",\"IsString\":true},"
                "{\"Variable\":\"$.sys.resume.at\",\"StringEquals\":\"While True (line 9)\"}],"
                "\"Next\":\"Resume While True (line 9)\"}],\"Default\":\"Start _w\"}");
    assert_json(state(asl, "Start _w"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"vars\":{\"a\":{\"value.$\":\"$.a\"},"
                "\"b\":{\"value.$\":\"$.b\"}},\"sys\":{}},"
                "\"Next\":\"Start while True (line 9)\"}");
    assert_json(state(asl, "Start while True (line 9)"),
                "{\"Type\":\"Pass\",\"Result\":{\"i\":0},\"ResultPath\":\"$.sys.loop1\","
                "\"Next\":\"While True (line 9)\"}");
    /* events: 2 before the loop (Start _w); a round is the head Choice 2 +
     * Count round 2 + the Wait 2 = 6; (12500 - 2) / 6 = 2083 > 500 */
    assert_json(state(asl, "While True (line 9)"),
                "{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.sys.loop1.i\","
                "\"NumericGreaterThanEquals\":500,\"Next\":\"Prepare new execution (line 9)\"}],"
                "\"Default\":\"Count round (line 9)\"}");
    assert_json(state(asl, "Count round (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"i.$\":\"States.MathAdd($.sys.loop1.i, 1)\"},"
                "\"ResultPath\":\"$.sys.loop1\",\"Next\":\"Sleep 60 (line 10)\"}");
    assert_json(state(asl, "Sleep 60 (line 10)"),
                "{\"Type\":\"Wait\",\"Seconds\":60,\"Next\":\"While True (line 9)\"}");
    assert_json(state(asl, "Prepare new execution (line 9)"),
                "{\"Type\":\"Pass\",\"Parameters\":{\"at\":\"While True (line 9)\","
                "\"name.$\":\"States.UUID()\"},\"ResultPath\":\"$.sys.resume\","
                "\"Next\":\"Continue as new (line 9)\"}");
    assert_json(state(asl, "Continue as new (line 9)"),
                "{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::states:startExecution\","
                "\"Parameters\":{\"StateMachineArn.$\":\"$$.StateMachine.Id\","
                "\"Name.$\":\"$.sys.resume.name\","
                "\"Input\":{\"vars.$\":\"$.vars\",\"sys.$\":\"$.sys\"}},"
                "\"ResultSelector\":{\"ContinuedAs.$\":\"$.ExecutionArn\"},\"ResultPath\":\"$\","
                "\"Retry\":[{\"ErrorEquals\":[\"States.ALL\"],\"IntervalSeconds\":1,"
                "\"MaxAttempts\":3,\"BackoffRate\":2}],\"End\":true}");
    assert_json(state(asl, "Resume While True (line 9)"),
                "{\"Type\":\"Pass\",\"Result\":{\"i\":0},\"ResultPath\":\"$.sys.loop1\","
                "\"Next\":\"While True (line 9)\"}");

    /* the state table: the Task restarts, and maps to `while True` */
    const stc_wf_state *t = stc_workflow_state(wf, "Continue as new (line 9)");
    assert_non_null(t);
    assert_int_equal(t->call, STC_WF_CALL_RESTART);
    assert_null(t->callee);
    assert_string_equal(t->type, "Task");
    assert_int_equal(t->pos.line, 9);
    assert_int_equal(t->pos.col, 9);
    assert_int_equal(t->pos.end_line, 9);
    const stc_wf_state *r = stc_workflow_state(wf, "Resume While True (line 9)");
    assert_non_null(r);
    assert_int_equal(r->pos.line, 9);
    assert_int_equal(stc_workflow_state(wf, "Continued?")->pos.line, 8);
    cJSON *map = stc_workflow_source_map_json(wf, "t.py");
    char *txt = cJSON_PrintUnformatted(map);
    assert_non_null(strstr(txt, "{\"name\":\"Continue as new (line 9)\",\"type\":\"Task\","
                                "\"line\":9,\"col\":9,"));
    assert_non_null(strstr(txt, "\"call\":\"restart\"}"));
    free(txt);
    cJSON_Delete(map);
    stc_service_free(svc);
}

/* ---- the bound ---- */

static void test_long_body_lowers_the_bound(void **st)
{
    (void)st;
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "        while True:\n");
    for (int i = 0; i < 30; i++)
        stc_buf_puts(&b, "            self._send_email(a)\n");
    stc_buf_puts(&b, "            await sleep(5)\n");
    stc_service *svc = compile(stc_buf_cstr(&b));
    stc_buf_free(&b);
    const stc_workflow *wf = wf_of(svc, "_w");
    /* before the loop: Start _w, 2 events. A round: head Choice 2 + Count
     * round 2 + 30 Tasks x 6 + the Wait 2 + the error plumbing the first
     * call creates (Fail 2, Lambda error? 2, Parse 2, Take 2 = 8) = 194;
     * (12500 - 2) / 194 = 64.4 -> 64 rounds per execution */
    assert_int_equal((int)bound_of(wf->asl, "While True (line 9)"), 64);
    stc_service_free(svc);

    /* 12 calls: 4 + 72 + 2 + 8 = 86 events; 12498 / 86 = 145.3 -> 145 */
    stc_buf b2 = STC_BUF_INIT;
    stc_buf_puts(&b2, "        while True:\n            await sleep(5)\n");
    for (int i = 0; i < 12; i++)
        stc_buf_puts(&b2, "            self._send_email(a)\n");
    svc = compile(stc_buf_cstr(&b2));
    stc_buf_free(&b2);
    assert_int_equal((int)bound_of(wf_of(svc, "_w")->asl, "While True (line 9)"), 145);
    stc_service_free(svc);
}

/* ---- what qualifies ---- */

static void test_qualifying_shapes(void **st)
{
    (void)st;
    /* sleep first, then a continue: every round sleeps */
    stc_service *svc = compile("        while True:\n            await sleep(5)\n"
                               "            if a:\n                continue\n"
                               "            self._send_email(a)\n");
    assert_true(has_restart(wf_of(svc, "_w")));
    stc_service_free(svc);
    /* a sleep after a try whose handler swallows the error */
    svc = compile("        while True:\n            try:\n                self._send_email(a)\n"
                  "            except Exception:\n                pass\n"
                  "            await sleep(b)\n");
    assert_true(has_restart(wf_of(svc, "_w")));
    stc_service_free(svc);
    /* sleeping in both branches; `while 1:` is endless too */
    svc = compile("        while 1:\n            if a:\n                await sleep(5)\n"
                  "            else:\n                await sleep(10)\n");
    assert_true(has_restart(wf_of(svc, "_w")));
    stc_service_free(svc);
    /* a loop that can break is an ordinary loop: no restart, no dispatch */
    svc = compile("        while True:\n            await sleep(5)\n"
                  "            if a:\n                break\n        return 1\n");
    const stc_workflow *wf = wf_of(svc, "_w");
    assert_false(has_restart(wf));
    assert_null(stc_workflow_state(wf, "Continued?"));
    assert_string_equal(
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(wf->asl, "StartAt")), "Start _w");
    stc_service_free(svc);
    /* ... and so is one that can return */
    svc = compile("        while True:\n            await sleep(5)\n"
                  "            if a:\n                return 2\n");
    assert_false(has_restart(wf_of(svc, "_w")));
    stc_service_free(svc);
    /* two endless loops (one in each branch): one dispatch rule each */
    svc = compile("        if a:\n            while True:\n                await sleep(5)\n"
                  "        while True:\n            await sleep(7)\n");
    wf = wf_of(svc, "_w");
    const cJSON *chs = cJSON_GetObjectItemCaseSensitive(state(wf->asl, "Continued?"), "Choices");
    assert_int_equal(cJSON_GetArraySize(chs), 2);
    assert_json(state(wf->asl, "Resume While True (line 12)"),
                "{\"Type\":\"Pass\",\"Result\":{\"i\":0},\"ResultPath\":\"$.sys.loop2\","
                "\"Next\":\"While True (line 12)\"}");
    assert_non_null(stc_workflow_state(wf, "Continue as new (line 10)"));
    assert_non_null(stc_workflow_state(wf, "Continue as new (line 12)"));
    stc_service_free(svc);
}

/* ---- what is refused ---- */

static void expect_diag_src(const char *src, const char *method, const char *code, int line,
                            int col)
{
    stc_service *svc = compile_src(src);
    bool found = false;
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *d = &svc->diags.items[i];
        if (strcmp(d->code, code) == 0 && d->line == line && d->col == col)
            found = true;
    }
    if (!found) {
        fprintf(stderr, "expected %s at %d:%d for:\n%s", code, line, col, src);
        stc_diags_print(&svc->diags, stderr, svc->module ? svc->module->source : NULL);
    }
    assert_true(found);
    const stc_workflow *wf = stc_workflows_find(svc->workflows, method);
    assert_non_null(wf);
    assert_null(wf->asl);
    stc_service_free(svc);
}

static void expect_diag(const char *body, const char *code, int line, int col)
{
    char *src = stc_xasprintf(PRELUDE "%s", body);
    expect_diag_src(src, "_w", code, line, col);
    free(src);
}

static void test_refused(void **st)
{
    (void)st;
    /* no sleep at all: spins */
    expect_diag("        while True:\n            pass\n", "STC221", 9, 9);
    expect_diag("        while True:\n            self._send_email(a)\n", "STC221", 9, 9);
    /* sleep(0) is no Wait state */
    expect_diag("        while True:\n            await sleep(0)\n", "STC221", 9, 9);
    /* a continue before the sleep: at the continue */
    expect_diag("        while True:\n            if a:\n                continue\n"
                "            await sleep(5)\n",
                "STC221", 11, 17);
    /* sleeping in one branch only */
    expect_diag("        while True:\n            if a:\n                await sleep(5)\n",
                "STC221", 9, 9);
    /* the handler goes round without the try body's sleep */
    expect_diag("        while True:\n            try:\n                await sleep(5)\n"
                "                self._send_email(a)\n            except Exception:\n"
                "                pass\n",
                "STC221", 9, 9);
    /* an inner loop may run no round: its sleep does not count */
    expect_diag("        while True:\n            for x in a:\n                await sleep(5)\n",
                "STC221", 9, 9);
    /* a parameter named sys would pose as the continuation */
    expect_diag_src("from asyncio import sleep\n\nclass S:\n    async def _w(self, a, sys):\n"
                    "        while True:\n            await sleep(5)\n",
                    "_w", "STC213", 4, 27);
    /* a workflow behind an HTTP route: the request could pose as a continuation */
    expect_diag_src("from asyncio import sleep\n\nclass S:\n    async def create_job(self, name):\n"
                    "        while True:\n            await sleep(5)\n",
                    "create_job", "STC221", 5, 9);
    /* awaiting a workflow that never returns */
    expect_diag_src("from asyncio import sleep\n\nclass S:\n    async def _forever(self):\n"
                    "        while True:\n            await sleep(5)\n\n"
                    "    async def _w(self):\n        x = await self._forever()\n",
                    "_w", "STC221", 9, 19);
}

/* ---- in the simulator, under a transition bound ---- */

static cJSON *parse_input_of(const char *line)
{
    const char *p = strstr(line, " input=");
    assert_non_null(p);
    return cJSON_Parse(p + strlen(" input="));
}

static void test_simulator_restarts_until_the_bound(void **st)
{
    (void)st;
    const char *data = getenv("STC_TEST_DATA");
    assert_non_null(data);
    char *py = stc_xasprintf("%s/data/workflows/forever_watch.py", data);
    stc_service_options so = {.query_language = "jsonpath"}; /* JSONPath shapes */
    stc_service *svc = stc_service_compile_file(py, &so);
    free(py);
    assert_false(stc_diags_has_errors(&svc->diags));
    const stc_workflow *wf = wf_of(svc, "_run");
    char *err = NULL;
    stc_machine *m = stc_machine_load(wf->asl, &err);
    assert_non_null(m);
    char *merr = NULL;
    stc_mocks *mocks = NULL;
    assert_int_equal(stc_mocks_parse("_check:\n  - return: true\n", "mocks.yaml", &mocks, &merr),
                     0);
    assert_non_null(mocks);
    stc_svcmode_options mo = {.workflows = svc->workflows, .mocks = mocks};
    stc_svcmode *sm = stc_svcmode_new(wf, &mo);
    /* Transitions, by hand. A round: While True, Count round, Sleep 60,
     * Call _check, seen += 1 = 5; the bound is 500 rounds (before the loop 6
     * events, a round 22: 4 + Wait 2 + Task 6 + Pass 2 + plumbing 8;
     * 12494 / 22 = 567 > 500).
     *   execution 1: Continued?, Has seen?, Default seen, Start _run,
     *     Start while True (5) + 500 rounds (2500) + While True, Prepare,
     *     Continue as new (3) = 2508
     *   execution 2: Continued?, Resume (2) + 2500 + 3 = 2505 -> 5013
     *   execution 3: 2505 -> 7518 >= 6000: stops with the bound message.
     * So three executions start (two restarts), the third asks for a fourth. */
    stc_simulate_options o = {.trace = true,
                              .task = stc_svcmode_task,
                              .task_ctx = sm,
                              .max_transitions = 6000,
                              .take_restart = stc_svcmode_take_restart,
                              .prog = "simulate"};
    cJSON *input = cJSON_Parse("{\"url\": \"https://example.com/health\"}");
    FILE *out = tmpfile(), *errf = tmpfile();
    assert_non_null(out);
    assert_non_null(errf);
    int rc = stc_simulate_run_and_print(m, input, &o, out, errf);
    assert_int_equal(rc, STC_SIMULATE_INVALID);

    rewind(errf);
    char msg[512] = "";
    assert_non_null(fgets(msg, sizeof msg, errf));
    assert_non_null(strstr(msg, "reached the bound of 6000 transitions over its continued "
                                "executions"));

    rewind(out);
    char *line = NULL;
    size_t cap = 0;
    int starts = 0, restarts = 0;
    long events = 0;
    while (getline(&line, &cap, out) > 0) {
        events++;
        if (strstr(line, " ExecutionStarted ")) {
            cJSON *in = parse_input_of(line);
            assert_non_null(in);
            if (starts == 0) {
                assert_json(in, "{\"url\": \"https://example.com/health\"}");
            } else {
                /* a continuation: the variables after 500 rounds each time */
                const cJSON *vars = cJSON_GetObjectItemCaseSensitive(in, "vars");
                const cJSON *seen = cJSON_GetObjectItemCaseSensitive(
                    cJSON_GetObjectItemCaseSensitive(vars, "seen"), "value");
                assert_true(cJSON_IsNumber(seen));
                assert_int_equal((int)seen->valuedouble, 500 * starts);
                assert_json(cJSON_GetObjectItemCaseSensitive(vars, "url"),
                            "{\"value\": \"https://example.com/health\"}");
                assert_json(cJSON_GetObjectItemCaseSensitive(vars, "up"), "{\"value\": true}");
                const cJSON *sys = cJSON_GetObjectItemCaseSensitive(in, "sys");
                assert_json(cJSON_GetObjectItemCaseSensitive(sys, "loop1"), "{\"i\": 500}");
                assert_string_equal(
                    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                        cJSON_GetObjectItemCaseSensitive(sys, "resume"), "at")),
                    "While True (line 13)");
            }
            cJSON_Delete(in);
            starts++;
        }
        if (strstr(line, " TaskStateEntered ") && strstr(line, "Continue as new (line 13)"))
            restarts++;
    }
    free(line);
    assert_int_equal(starts, 3);
    assert_int_equal(restarts, 3); /* the third execution's request meets the bound */
    assert_true(events > 7518);

    fclose(out);
    fclose(errf);
    cJSON_Delete(input);
    stc_svcmode_free(sm);
    stc_mocks_free(mocks);
    stc_machine_free(m);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_loop_machine),
        cmocka_unit_test(test_long_body_lowers_the_bound),
        cmocka_unit_test(test_qualifying_shapes),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_simulator_restarts_until_the_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
