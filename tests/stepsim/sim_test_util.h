/* sim_test_util.h - shared by the simulator's unit tests: load a machine,
 * its mocks, and start an execution; finish frees all three; compare JSON;
 * run to the end expecting an output or a failure; expect a machine to be
 * refused. */
#ifndef STC_SIM_TEST_UTIL_H
#define STC_SIM_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"

typedef struct run {
    stc_machine *m;
    stc_mocks *mocks;
    stc_sim *sim;
} run;

/* Start `asl` on `input` (JSON text) with the mocks of `mocks_yaml` (NULL:
 * none); `o` is the caller's options, its task handler set here to the mocks. */
static inline run sim_test_start(const char *asl, const char *input, const char *mocks_yaml, stc_sim_options *o)
{
    run r = {0};
    char *err = NULL;
    r.m = stc_machine_load_text(asl, &err);
    if (!r.m)
        print_error("machine: %s\n", err);
    assert_non_null(r.m);
    if (mocks_yaml)
        assert_int_equal(stc_mocks_parse(mocks_yaml, "mocks", &r.mocks, &err), 0);
    else
        r.mocks = stc_mocks_new();
    o->task = stc_mocks_task_handler;
    o->task_ctx = r.mocks;
    r.sim = stc_sim_new(r.m, o);
    cJSON *in = cJSON_Parse(input);
    assert_non_null(in);
    stc_sim_start(r.sim, in);
    cJSON_Delete(in);
    return r;
}

static inline void finish(run *r)
{
    stc_sim_free(r->sim);
    stc_mocks_free(r->mocks);
    stc_machine_free(r->m);
}

/* sim_test_start with the defaults, step-back snapshots as asked and a bound
 * of 1,000 transitions. */
static inline run sim_start(const char *asl, const char *input, const char *mocks_yaml, bool undo)
{
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = undo;
    o.max_transitions = 1000;
    return sim_test_start(asl, input, mocks_yaml, &o);
}

/* `actual` equals the JSON text `expected` (object key order free). */
static inline void assert_json(const cJSON *actual, const char *expected)
{
    cJSON *e = cJSON_Parse(expected);
    assert_non_null(e);
    if (!actual || !cJSON_Compare(actual, e, true)) {
        char *a = actual ? cJSON_PrintUnformatted(actual) : stc_xstrdup("(null)");
        print_error("expected %s\n     got %s\n", expected, a);
        free(a);
        cJSON_Delete(e);
        fail();
    }
    cJSON_Delete(e);
}

/* Run to the end: the execution FAILED with `error` and exactly `cause`
 * (NULL: any cause). */
static inline void expect_failure(run *r, const char *error, const char *cause)
{
    stc_sim_status st = stc_sim_run(r->sim, NULL);
    if (st != STC_SIM_FAILED || strcmp(stc_sim_error(r->sim) ? stc_sim_error(r->sim) : "", error) ||
        (cause && strcmp(stc_sim_cause(r->sim) ? stc_sim_cause(r->sim) : "", cause))) {
        char *o = stc_sim_output(r->sim) ? cJSON_PrintUnformatted(stc_sim_output(r->sim)) : NULL;
        print_error("status %s error %s cause %s message %s output %s\nexpected %s: %s\n",
                    stc_sim_status_name(st), stc_sim_error(r->sim), stc_sim_cause(r->sim),
                    stc_sim_message(r->sim), o ? o : "-", error, cause ? cause : "(any)");
        free(o);
        fail();
    }
}

/* Run to the end: the execution SUCCEEDED with the JSON text `output`. */
static inline void expect_output(run *r, const char *output)
{
    stc_sim_status st = stc_sim_run(r->sim, NULL);
    if (st != STC_SIM_SUCCEEDED)
        print_error("status %s error %s cause %s message %s\n", stc_sim_status_name(st),
                    stc_sim_error(r->sim), stc_sim_cause(r->sim), stc_sim_message(r->sim));
    assert_int_equal(st, STC_SIM_SUCCEEDED);
    assert_json(stc_sim_output(r->sim), output);
}

/* The machine is refused with a message containing `fragment`. */
static inline void expect_bad(const char *text, const char *fragment)
{
    char *err = NULL;
    stc_machine *m = stc_machine_load_text(text, &err);
    if (m)
        print_error("machine accepted; expected a message with '%s'\n", fragment);
    assert_null(m);
    if (!strstr(err, fragment))
        print_error("message '%s' lacks '%s'\n", err, fragment);
    assert_non_null(strstr(err, fragment));
    free(err);
}

#endif
