/* sim_test_util.h - shared by the simulator's unit tests: load a machine,
 * its mocks, and start an execution; finish frees all three. */
#ifndef STC_SIM_TEST_UTIL_H
#define STC_SIM_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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

#endif
