/* sim_bench.c - transitions per second of the step simulator (not a test;
 * bench/run builds and runs it, see docs/simulator.md).
 *
 *   sim_bench [N]                      the Pass/Choice counting loop below
 *                                      (States.MathAdd), N iterations
 *   sim_bench --jsonata [N]            the same loop in JSONata, counting in a
 *                                      workflow variable (Assign, Condition)
 *   sim_bench --asl FILE --input JSON  any machine, run to the end
 *   sim_bench --dump                   print the counting loop's ASL
 *   --undo                             keep step-back snapshots (as the
 *                                      workbench does); default off (batch)
 *   --history                          keep the event history (as the
 *                                      workbench and --trace do); default
 *                                      off (batch simulate without --trace)
 *
 * Prints "STATUS TRANSITIONS SECONDS" on stdout; exit 0 when SUCCEEDED.
 * Build by hand:
 *   cc -O2 -I. bench/sim_bench.c build/stepsim/libstc_stepsim.a \
 *      build/stepsim/jsonata/libstc_jsonata.a build/core/libstc_core.a \
 *      $(pkg-config --cflags --libs libcjson yaml-0.1 libcrypto python3-embed libzip \
 *      libpcre2-8 icu-uc) -lm
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "stepsim/machine.h"
#include "stepsim/sim.h"

static const char *LOOP =
    "{\"StartAt\":\"Inc\",\"States\":{"
    "\"Inc\":{\"Type\":\"Pass\",\"Parameters\":{\"i.$\":\"States.MathAdd($.i, 1)\",\"n.$\":\"$.n\"},"
    "\"Next\":\"Test\"},"
    "\"Test\":{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.i\",\"NumericLessThanPath\":\"$.n\","
    "\"Next\":\"Inc\"}],\"Default\":\"Done\"},"
    "\"Done\":{\"Type\":\"Succeed\"}}}";

/* The same loop in JSONata: the counter is a workflow variable, assigned by
 * a Pass and read by a Choice's Condition. */
static const char *LOOP_JSONATA =
    "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"Init\",\"States\":{"
    "\"Init\":{\"Type\":\"Pass\",\"Assign\":{\"i\":0,\"n\":\"{% $states.input.n %}\"},"
    "\"Next\":\"Inc\"},"
    "\"Inc\":{\"Type\":\"Pass\",\"Assign\":{\"i\":\"{% $i + 1 %}\"},\"Next\":\"Test\"},"
    "\"Test\":{\"Type\":\"Choice\",\"Choices\":[{\"Condition\":\"{% $i < $n %}\",\"Next\":\"Inc\"}],"
    "\"Default\":\"Done\"},"
    "\"Done\":{\"Type\":\"Succeed\",\"Output\":\"{% $i %}\"}}}";

int main(int argc, char **argv)
{
    long n = 200000;
    const char *asl_path = NULL, *input_text = NULL;
    bool undo = false, history = false, jsonata = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dump") == 0) {
            puts(jsonata ? LOOP_JSONATA : LOOP);
            return 0;
        } else if (strcmp(argv[i], "--jsonata") == 0) {
            jsonata = true;
        } else if (strcmp(argv[i], "--undo") == 0) {
            undo = true;
        } else if (strcmp(argv[i], "--history") == 0) {
            history = true;
        } else if (strcmp(argv[i], "--asl") == 0 && i + 1 < argc) {
            asl_path = argv[++i];
        } else if (strcmp(argv[i], "--input") == 0 && i + 1 < argc) {
            input_text = argv[++i];
        } else {
            n = atol(argv[i]);
        }
    }
    char *text = NULL, *err = NULL;
    size_t len;
    if (asl_path && stc_file_read(asl_path, &text, &len, &err) != 0) {
        fprintf(stderr, "sim_bench: %s\n", err);
        return 3;
    }
    stc_machine *m = stc_machine_load_text(text ? text : jsonata ? LOOP_JSONATA : LOOP, &err);
    free(text);
    if (!m) {
        fprintf(stderr, "sim_bench: %s\n", err);
        free(err);
        return 1;
    }
    cJSON *in;
    if (input_text) {
        in = cJSON_Parse(input_text);
    } else {
        in = cJSON_CreateObject();
        cJSON_AddNumberToObject(in, "i", 0);
        cJSON_AddNumberToObject(in, "n", (double)n);
    }
    if (!in) {
        fprintf(stderr, "sim_bench: --input is not JSON\n");
        stc_machine_free(m);
        return 2;
    }
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = undo;
    o.history = history;
    o.max_transitions = asl_path ? 100000000 : 3 * n + 10;
    stc_sim *sim = stc_sim_new(m, &o);
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    stc_sim_start(sim, in);
    stc_sim_status st = stc_sim_run(sim, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%s %ld %.6f\n", stc_sim_status_name(st), stc_sim_transitions(sim), secs);
    cJSON_Delete(in);
    stc_sim_free(sim);
    stc_machine_free(m);
    return st == STC_SIM_SUCCEEDED ? 0 : 1;
}
