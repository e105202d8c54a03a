/* cmd_simulate.c - `stc-tui simulate`: run a state machine on a virtual clock
 * with scripted Task results (docs/simulator.md).
 *
 *   stc-tui simulate --asl FILE.asl.json --input JSON|@FILE [--mocks FILE] [--json] [--trace]
 *   stc-tui simulate SERVICE.py METHOD --input JSON|@FILE [--mocks FILE] [--json] [--trace] [--run-local]
 *
 * Exit status (shared/cli.md): 0 SUCCEEDED, 4 FAILED, 2 usage (including a
 * Task with no mock), 3 a file cannot be read, 1 an invalid machine (or one
 * that runs past the transition bound). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/util.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/simulate.h"

static void json_position(const char *text, const char *end, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; end && p < end && *p; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else if ((*p & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* --input JSON|@FILE -> *out; returns an exit status. */
static int read_input(const char *arg, cJSON **out)
{
    char *text = NULL, *err = NULL;
    size_t len;
    const char *src = arg;
    if (arg[0] == '@') {
        if (stc_file_read(arg + 1, &text, &len, &err) != 0) {
            fprintf(stderr, "stc-tui: %s\n", err);
            free(err);
            return STC_EXIT_IO;
        }
        src = text;
    }
    const char *end = NULL;
    *out = cJSON_ParseWithOpts(src, &end, 1);
    int rc = STC_EXIT_OK;
    if (!*out) {
        int line, col;
        json_position(src, end, &line, &col);
        rc = stc_cli_usage("simulate", "--input: invalid JSON at line %d, column %d", line, col);
    }
    free(text);
    return rc;
}

int stc_cmd_simulate(int argc, char **argv)
{
    const char *asl_path = NULL, *input_arg = NULL, *mocks_path = NULL;
    const char *positional[2] = {NULL, NULL};
    int npos = 0;
    bool json = false, trace = false, run_local = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (stc_cli_flag(a, "--json")) {
            json = true;
        } else if (stc_cli_flag(a, "--trace")) {
            trace = true;
        } else if (stc_cli_flag(a, "--run-local")) {
            run_local = true;
        } else if (stc_cli_flag(a, "--asl") || stc_cli_flag(a, "--input") ||
                   stc_cli_flag(a, "--mocks")) {
            if (i + 1 >= argc)
                return stc_cli_usage("simulate", "%s needs a value", a);
            const char **slot = a[2] == 'a' ? &asl_path : a[2] == 'i' ? &input_arg : &mocks_path;
            *slot = argv[++i];
        } else if (a[0] == '-' && a[1] == '-') {
            return stc_cli_usage("simulate", "unknown option '%s'", a);
        } else if (npos < 2) {
            positional[npos++] = a;
        } else {
            return stc_cli_usage("simulate", "unexpected argument '%s'", a);
        }
    }
    if (!input_arg)
        return stc_cli_usage("simulate", "--input JSON|@FILE is required");
    if (!asl_path) {
        /* ---- SERVICE.py METHOD form: needs the workflow compiler (the lead
         * replaces this branch; see stc_simulate_run_and_print). ---- */
        if (npos != 2)
            return stc_cli_usage("simulate", "give --asl FILE.asl.json, or SERVICE.py METHOD");
        return stc_cli_usage("simulate",
                             "simulating '%s %s' needs the workflow compiler, which is not built "
                             "yet; compile the method with 'stc-tui asl' and use --asl",
                             positional[0], positional[1]);
    }
    if (npos > 0)
        return stc_cli_usage("simulate", "--asl takes no SERVICE.py METHOD");
    if (run_local)
        return stc_cli_usage("simulate", "--run-local needs SERVICE.py METHOD, not --asl");

    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(asl_path, &text, &len, &err) != 0) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        return STC_EXIT_IO;
    }
    cJSON *input = NULL;
    int rc = read_input(input_arg, &input);
    if (rc != STC_EXIT_OK) {
        free(text);
        return rc;
    }
    stc_mocks *mocks = NULL;
    if (mocks_path) {
        bool io_error = false;
        if (stc_mocks_load(mocks_path, &mocks, &err, &io_error) < 0) {
            fprintf(stderr, "stc-tui: %s\n", err);
            free(err);
            free(text);
            cJSON_Delete(input);
            return io_error ? STC_EXIT_IO : STC_EXIT_INPUT;
        }
    } else {
        mocks = stc_mocks_new();
    }
    stc_machine *m = stc_machine_load_text(text, &err);
    free(text);
    if (!m) {
        fprintf(stderr, "%s: error: %s\n", asl_path, err);
        free(err);
        cJSON_Delete(input);
        stc_mocks_free(mocks);
        return STC_EXIT_INPUT;
    }
    stc_simulate_options o = {.json = json,
                              .trace = trace,
                              .task = stc_mocks_task_handler,
                              .task_ctx = mocks,
                              .prog = "stc-tui: simulate"};
    rc = stc_simulate_run_and_print(m, input, &o, stdout, stderr);
    stc_machine_free(m);
    stc_mocks_free(mocks);
    cJSON_Delete(input);
    return rc; /* STC_SIMULATE_* use the STC_EXIT_* numbers */
}
