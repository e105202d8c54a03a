/* sim_run.c - test tool: run FILE.asl.json on INPUT (JSON text) with an
 * optional mocks file and print the `simulate --json` document. Lets the
 * statebox cross-check run without the stc-tui binary. Exit codes as
 * `stc-tui simulate`. */
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/simulate.h"

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: sim_run FILE.asl.json INPUT-JSON [MOCKS]\n");
        return 2;
    }
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(argv[1], &text, &len, &err) < 0) {
        fprintf(stderr, "sim_run: %s\n", err);
        free(err);
        return 3;
    }
    cJSON *input = cJSON_Parse(argv[2]);
    if (!input) {
        fprintf(stderr, "sim_run: invalid input JSON\n");
        free(text);
        return 2;
    }
    stc_mocks *mocks = stc_mocks_new();
    if (argc == 4) {
        bool io;
        stc_mocks_free(mocks);
        mocks = NULL;
        if (stc_mocks_load(argv[3], &mocks, &err, &io) < 0) {
            fprintf(stderr, "sim_run: %s\n", err);
            free(err);
            free(text);
            cJSON_Delete(input);
            return io ? 3 : 1;
        }
    }
    int rc = 1;
    stc_machine *m = stc_machine_load_text(text, &err);
    if (!m) {
        fprintf(stderr, "sim_run: %s\n", err);
        free(err);
    } else {
        stc_simulate_options o = {.json = true, .task = stc_mocks_task_handler,
                                  .task_ctx = mocks, .prog = "sim_run"};
        rc = stc_simulate_run_and_print(m, input, &o, stdout, stderr);
        stc_machine_free(m);
    }
    stc_mocks_free(mocks);
    cJSON_Delete(input);
    free(text);
    return rc;
}
