/* test_timeout.c - an execution's time limit: the Express limit of 300 s
 * (stc_sim_options.time_limit_s) and the machine's own TimeoutSeconds.
 * AWS: an execution still running at its limit fails with the error
 * States.Timeout and the status TIMED_OUT. The virtual clock only moves in
 * Wait states and retry delays, so the expected times are the sums of the
 * Waits, worked out by hand below. */
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
#include "stepsim/mocks.h"
#include "stepsim/sim.h"

#include "sim_test_util.h"

static run start(const char *asl, long limit_s, bool undo)
{
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = undo;
    o.time_limit_s = limit_s;
    return sim_test_start(asl, "{}", NULL, &o);
}

/* Seconds since the start on the virtual clock. */
static long long elapsed(const run *r)
{
    return (long long)((stc_sim_time(r->sim) - STC_SIM_DEFAULT_EPOCH_MS) / 1000);
}

static const stc_sim_event *last_event(const run *r)
{
    size_t n = stc_sim_event_count(r->sim);
    assert_true(n > 0);
    return stc_sim_event_at(r->sim, n - 1);
}

/* Waits of 100 + 100 + 50 s: 250 s, under 300: the execution succeeds. */
static const char *const three_waits =
    "{\"StartAt\":\"A\",\"States\":{"
    "\"A\":{\"Type\":\"Wait\",\"Seconds\":100,\"Next\":\"B\"},"
    "\"B\":{\"Type\":\"Wait\",\"Seconds\":100,\"Next\":\"C\"},"
    "\"C\":{\"Type\":\"Wait\",\"Seconds\":50,\"Next\":\"Done\"},"
    "\"Done\":{\"Type\":\"Pass\",\"Result\":\"ok\",\"End\":true}}}";

static void test_under_the_limit(void **state)
{
    (void)state;
    run r = start(three_waits, 300, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_int_equal(elapsed(&r), 250);
    assert_string_equal(stc_sim_output(r.sim)->valuestring, "ok");
    finish(&r);
}

/* Waits of 200 + 200 s with a limit of 300: the first ends at 200, the second
 * would end at 400: the execution times out at 300, after two transitions. */
static void test_past_the_limit(void **state)
{
    (void)state;
    const char *asl = "{\"StartAt\":\"A\",\"States\":{"
                      "\"A\":{\"Type\":\"Wait\",\"Seconds\":200,\"Next\":\"B\"},"
                      "\"B\":{\"Type\":\"Wait\",\"Seconds\":200,\"Next\":\"Done\"},"
                      "\"Done\":{\"Type\":\"Pass\",\"End\":true}}}";
    run r = start(asl, 300, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_TIMED_OUT);
    assert_string_equal(stc_sim_status_name(STC_SIM_TIMED_OUT), "TIMED_OUT");
    assert_true(stc_sim_status_failed(STC_SIM_TIMED_OUT));
    assert_string_equal(stc_sim_error(r.sim), "States.Timeout");
    assert_string_equal(stc_sim_cause(r.sim), "The execution ran longer than its limit of 300 seconds");
    assert_int_equal(elapsed(&r), 300);
    assert_int_equal(stc_sim_transitions(r.sim), 2);
    const stc_sim_event *ev = last_event(&r);
    assert_string_equal(stc_sim_event_type_name(ev->type), "ExecutionTimedOut");
    assert_int_equal((long long)(ev->time_ms - STC_SIM_DEFAULT_EPOCH_MS), 300000);
    assert_string_equal(cJSON_GetObjectItem(ev->details, "error")->valuestring, "States.Timeout");
    finish(&r);
}

/* Without a limit the same 400 s run succeeds. */
static void test_no_limit(void **state)
{
    (void)state;
    const char *asl = "{\"StartAt\":\"A\",\"States\":{"
                      "\"A\":{\"Type\":\"Wait\",\"Seconds\":200,\"Next\":\"B\"},"
                      "\"B\":{\"Type\":\"Wait\",\"Seconds\":200,\"End\":true}}}";
    run r = start(asl, 0, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_SUCCEEDED);
    assert_int_equal(elapsed(&r), 400);
    finish(&r);
}

/* The machine's TimeoutSeconds (120) is shorter than the limit (300): it
 * wins; the first Wait (100) ends before it, the second (100 more) after. */
static void test_machine_timeout_seconds(void **state)
{
    (void)state;
    const char *asl = "{\"TimeoutSeconds\":120,\"StartAt\":\"A\",\"States\":{"
                      "\"A\":{\"Type\":\"Wait\",\"Seconds\":100,\"Next\":\"B\"},"
                      "\"B\":{\"Type\":\"Wait\",\"Seconds\":100,\"End\":true}}}";
    run r = start(asl, 300, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_TIMED_OUT);
    assert_int_equal(elapsed(&r), 120);
    assert_string_equal(stc_sim_cause(r.sim), "The execution ran longer than its limit of 120 seconds");
    finish(&r);
    /* A Standard execution (no option) obeys TimeoutSeconds alone. */
    r = start(asl, 0, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_TIMED_OUT);
    assert_int_equal(elapsed(&r), 120);
    finish(&r);
}

/* A Parallel with a branch waiting 400 s and one passing at once: the quick
 * branch finishes, the slow one is still waiting at 300: TIMED_OUT at 300. */
static void test_parallel_branch(void **state)
{
    (void)state;
    const char *asl = "{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Parallel\",\"End\":true,\"Branches\":["
                      "{\"StartAt\":\"Slow\",\"States\":{\"Slow\":{\"Type\":\"Wait\",\"Seconds\":400,\"End\":true}}},"
                      "{\"StartAt\":\"Quick\",\"States\":{\"Quick\":{\"Type\":\"Pass\",\"End\":true}}}]}}}";
    run r = start(asl, 300, false);
    assert_int_equal(stc_sim_run(r.sim, NULL), STC_SIM_TIMED_OUT);
    assert_int_equal(elapsed(&r), 300);
    finish(&r);
}

/* Stepping back from a time-out restores the running execution. */
static void test_step_back(void **state)
{
    (void)state;
    const char *asl = "{\"StartAt\":\"A\",\"States\":{"
                      "\"A\":{\"Type\":\"Wait\",\"Seconds\":301,\"Next\":\"B\"},"
                      "\"B\":{\"Type\":\"Pass\",\"End\":true}}}";
    run r = start(asl, 300, true);
    assert_int_equal(stc_sim_step(r.sim), STC_SIM_TIMED_OUT);
    assert_int_equal(stc_sim_back(r.sim), 0);
    assert_int_equal(stc_sim_get_status(r.sim), STC_SIM_RUNNING);
    assert_string_equal(stc_sim_current_state(r.sim), "A");
    assert_int_equal(elapsed(&r), 0);
    finish(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_under_the_limit),
        cmocka_unit_test(test_past_the_limit),
        cmocka_unit_test(test_no_limit),
        cmocka_unit_test(test_machine_timeout_seconds),
        cmocka_unit_test(test_parallel_branch),
        cmocka_unit_test(test_step_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
