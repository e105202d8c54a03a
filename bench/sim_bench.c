/* sim_bench.c - transitions per second of the step simulator on a long
 * Pass/Choice loop (not a test; see docs/simulator.md). Build and run:
 *   cc -O2 -I. bench/sim_bench.c build/stepsim/libstc_stepsim.a build/core/libstc_core.a \
 *      $(pkg-config --cflags --libs libcjson yaml-0.1 libcrypto python3-embed libzip) \
 *      -lm -o build/sim_bench
 *   build/sim_bench [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "stepsim/machine.h"
#include "stepsim/sim.h"

static const char *LOOP =
    "{\"StartAt\":\"Inc\",\"States\":{"
    "\"Inc\":{\"Type\":\"Pass\",\"Parameters\":{\"i.$\":\"States.MathAdd($.i, 1)\",\"n.$\":\"$.n\"},"
    "\"Next\":\"Test\"},"
    "\"Test\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.i\",\"NumericLessThanPath\":\"$.n\","
    "\"Next\":\"Inc\"}],\"Default\":\"Done\"},"
    "\"Done\":{\"Type\":\"Succeed\"}}}";

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 200000;
    char *err = NULL;
    stc_machine *m = stc_machine_load_text(LOOP, &err);
    if (!m) {
        fprintf(stderr, "sim_bench: %s\n", err);
        return 1;
    }
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = false;
    o.max_transitions = 3 * n + 10;
    stc_sim *sim = stc_sim_new(m, &o);
    cJSON *in = cJSON_CreateObject();
    cJSON_AddNumberToObject(in, "i", 0);
    cJSON_AddNumberToObject(in, "n", (double)n);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    stc_sim_start(sim, in);
    stc_sim_status st = stc_sim_run(sim, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    long t = stc_sim_transitions(sim);
    printf("%s: %ld transitions in %.3f s = %.0f transitions/s\n", stc_sim_status_name(st), t, secs,
           (double)t / secs);
    cJSON_Delete(in);
    stc_sim_free(sim);
    stc_machine_free(m);
    return st == STC_SIM_SUCCEEDED ? 0 : 1;
}
