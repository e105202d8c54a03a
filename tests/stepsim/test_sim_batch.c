/* test_sim_batch.c - the simulator's batch settings: no step-back snapshots
 * (`undo` off) and no event history (`history` off, events only counted),
 * and the context object `$$` built on demand. Expected values worked out by
 * hand from the machines below and the Step Functions history rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/util.h"
#include "stepsim/machine.h"
#include "stepsim/sim.h"

/* i counts up to n: Inc (Pass, States.MathAdd) and Test (Choice, ...Path). */
static const char *LOOP =
    "{\"StartAt\":\"Inc\",\"States\":{"
    "\"Inc\":{\"Type\":\"Pass\",\"Parameters\":{\"i.$\":\"States.MathAdd($.i, 1)\",\"n.$\":\"$.n\"},"
    "\"Next\":\"Test\"},"
    "\"Test\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.i\",\"NumericLessThanPath\":\"$.n\","
    "\"Next\":\"Inc\"}],\"Default\":\"Done\"},"
    "\"Done\":{\"Type\":\"Succeed\"}}}";

static void assert_json(const cJSON *actual, const char *expected)
{
    cJSON *e = cJSON_Parse(expected);
    assert_non_null(e);
    if (!actual || !cJSON_Compare(actual, e, true)) {
        char *a = actual ? cJSON_PrintUnformatted(actual) : stc_xstrdup("(null)");
        fprintf(stderr, "expected %s\n     got %s\n", expected, a);
        free(a);
        cJSON_Delete(e);
        fail();
    }
    cJSON_Delete(e);
}

typedef struct run {
    stc_machine *m;
    stc_sim *sim;
} run;

static run start(const char *asl, const char *input, bool undo, bool history,
                 stc_sim_task_fn task)
{
    run r = {0};
    char *err = NULL;
    r.m = stc_machine_load_text(asl, &err);
    if (!r.m) {
        fprintf(stderr, "load: %s\n", err);
        free(err);
        fail();
    }
    stc_sim_options o;
    stc_sim_options_init(&o);
    assert_true(o.undo);    /* the workbench's defaults: both on */
    assert_true(o.history);
    o.undo = undo;
    o.history = history;
    o.task = task;
    r.sim = stc_sim_new(r.m, &o);
    cJSON *in = cJSON_Parse(input);
    assert_non_null(in);
    stc_sim_start(r.sim, in);
    cJSON_Delete(in);
    return r;
}

static void finish(run *r)
{
    stc_sim_free(r->sim);
    stc_machine_free(r->m);
}

/* n = 3: Inc, Test three times each, then Done: 7 state entries. Events:
 * ExecutionStarted, entered + exited for each of the 7 states (Succeed has
 * both), ExecutionSucceeded: 1 + 14 + 1 = 16. */
static void test_loop_batch(void **state)
{
    (void)state;
    run r = start(LOOP, "{\"i\":0,\"n\":3}", false, false, NULL);
    assert_false(stc_sim_can_back(r.sim));
    assert_int_equal(stc_sim_back(r.sim), -1); /* nothing to undo, ever */
    assert_int_equal(stc_sim_step(r.sim), STC_SIM_RUNNING);
    assert_int_equal(stc_sim_back(r.sim), -1); /* undo off: still refused */
    assert_string_equal(stc_sim_current_state(r.sim), "Test");
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim), "{\"i\":3,\"n\":3}");
    assert_int_equal(stc_sim_transitions(r.sim), 7);
    assert_int_equal(stc_sim_steps(r.sim), 7);
    assert_int_equal(stc_sim_event_count(r.sim), 0);
    assert_int_equal(stc_sim_event_total(r.sim), 16);
    assert_null(stc_sim_event_at(r.sim, 0));
    finish(&r);
}

/* The same with both on: the 16 events are kept, and back undoes. */
static void test_loop_workbench(void **state)
{
    (void)state;
    run r = start(LOOP, "{\"i\":0,\"n\":3}", true, true, NULL);
    assert_true(stc_sim_can_back(r.sim));
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_int_equal(stc_sim_event_count(r.sim), 16);
    assert_int_equal(stc_sim_event_total(r.sim), 16);
    const stc_sim_event *last = stc_sim_event_at(r.sim, 15);
    assert_non_null(last);
    assert_int_equal(last->id, 16);
    assert_int_equal(last->type, STC_EV_EXECUTION_SUCCEEDED);
    /* back over Done: SucceedStateEntered/Exited and ExecutionSucceeded go */
    assert_int_equal(stc_sim_back(r.sim), 0);
    assert_int_equal(stc_sim_event_count(r.sim), 13);
    assert_int_equal(stc_sim_event_total(r.sim), 13);
    assert_string_equal(stc_sim_current_state(r.sim), "Done");
    finish(&r);
}

static int echo_task(void *ctx, stc_sim *sim, const char *state_name, const char *resource,
                     const cJSON *input, cJSON **result, char **error, char **cause)
{
    (void)ctx, (void)sim, (void)state_name, (void)resource, (void)error, (void)cause;
    *result = cJSON_Duplicate(input, true);
    return STC_TASK_OK;
}

/* `$$` read late in a state (Assign runs after the result) still names the
 * state it was read in; the task token carries the id of TaskStateEntered
 * (event 4: ExecutionStarted 1, PassStateEntered 2, PassStateExited 3), with
 * or without a kept history. */
static void check_context(bool history)
{
    run r = start("{\"StartAt\":\"A\",\"States\":{"
                  "\"A\":{\"Type\":\"Pass\",\"Assign\":{\"who.$\":\"$$.State.Name\"},\"Next\":\"T\"},"
                  "\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::lambda:invoke\","
                  "\"Parameters\":{\"tok.$\":\"$$.Task.Token\",\"w.$\":\"$who\","
                  "\"at.$\":\"$$.State.EnteredTime\",\"n.$\":\"$$.State.Name\"},\"End\":true}}}",
                  "{}", false, history, echo_task);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r.sim),
                "{\"tok\":\"stc-sim-task-token-4\",\"w\":\"A\","
                "\"at\":\"2026-01-01T00:00:00.000Z\",\"n\":\"T\"}");
    assert_int_equal(stc_sim_transitions(r.sim), 2);
    finish(&r);
}

static void test_context_history_off(void **state)
{
    (void)state;
    check_context(false);
}

static void test_context_history_on(void **state)
{
    (void)state;
    check_context(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loop_batch),
        cmocka_unit_test(test_loop_workbench),
        cmocka_unit_test(test_context_history_off),
        cmocka_unit_test(test_context_history_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
