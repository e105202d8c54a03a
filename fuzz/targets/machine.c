/* machine.c - fuzz target: the ASL loader (stepsim/machine.h) on arbitrary
 * text; a machine that loads is then simulated for a bounded number of
 * transitions with every Task answered by an empty mocks table (so Tasks
 * stop the run) and without undo snapshots. */
#include <cjson/cJSON.h>

#include "fuzz/fuzz.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = stc_fuzz_cstr(data, size);
    char *err = NULL;
    stc_machine *m = stc_machine_load_text(text, &err);
    free(err);
    if (m) {
        stc_mocks *mocks = stc_mocks_new();
        stc_sim_options o;
        stc_sim_options_init(&o);
        o.max_transitions = 200;
        o.undo = true;
        o.task = stc_mocks_task_handler;
        o.task_ctx = mocks;
        stc_sim *sim = stc_sim_new(m, &o);
        cJSON *in = cJSON_Parse("{\"a\":1,\"xs\":[1,2,3],\"s\":\"t\"}");
        stc_sim_start(sim, in);
        for (int i = 0; i < 400 && stc_sim_step(sim) == STC_SIM_RUNNING; i++)
            ;
        /* walk back a few steps: undo snapshots are part of the contract */
        for (int i = 0; i < 3; i++)
            stc_sim_back(sim);
        for (size_t i = 0; i < stc_sim_event_count(sim); i++)
            cJSON_Delete(stc_sim_event_json(stc_sim_event_at(sim, i)));
        cJSON_Delete(in);
        stc_sim_free(sim);
        stc_mocks_free(mocks);
        stc_machine_free(m);
    }
    free(text);
    return 0;
}
