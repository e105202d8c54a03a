/* cmd_simulate.c - `stc-tui simulate`: run a state machine on a virtual clock
 * with scripted Task results (docs/simulator.md).
 *
 *   stc-tui simulate --asl FILE.asl.json --input JSON|@FILE [--mocks FILE] [--json] [--trace]
 *   stc-tui simulate SERVICE.py METHOD --input JSON|@FILE [--mocks FILE] [--json] [--trace]
 *                    [--run-local [--params JSON|@FILE]]
 *
 * The service form compiles METHOD (an async method) and answers its Tasks
 * with the service-mode handler (stepsim/svcmode.h): mocks by internal
 * function name, nested workflows simulated for real unless mocked, and with
 * --run-local the real Python methods for functions that have no mock (the
 * module is imported and the service class built with --params; without the
 * flag the module is never executed).
 *
 * Exit status (shared/cli.md): 0 SUCCEEDED, 4 FAILED, 2 usage (including a
 * Task with no mock), 3 a file cannot be read, 1 an invalid machine (or one
 * that runs past the transition bound). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "cli/cmd_template.h"
#include "core/aws/express.h"
#include "core/aws/package.h"
#include "core/pyrun.h"
#include "core/util.h"
#include "core/workflow.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/simulate.h"
#include "stepsim/svcmode.h"

/* The async methods that become state machines, for usage errors. */
static int unknown_method(const stc_service *svc, const char *method, const char *why)
{
    stc_buf list = STC_BUF_INIT;
    for (size_t i = 0; i < svc->nunits; i++) {
        const stc_unit_info *u = &svc->units[i];
        if (u->unit == STC_UNIT_STATE_MACHINE && u->method->is_async)
            stc_buf_printf(&list, "%s%s", list.len ? ", " : "", u->method->name);
    }
    int rc = stc_cli_usage("simulate", "'%s' %s; workflow methods: %s", method, why,
                           list.len ? stc_buf_cstr(&list) : "(none)");
    stc_buf_free(&list);
    return rc;
}

static int load_mocks(const char *mocks_path, stc_mocks **mocks)
{
    if (!mocks_path) {
        *mocks = stc_mocks_new();
        return STC_EXIT_OK;
    }
    char *err = NULL;
    bool io_error = false;
    if (stc_mocks_load(mocks_path, mocks, &err, &io_error) < 0) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        return io_error ? STC_EXIT_IO : STC_EXIT_INPUT;
    }
    return STC_EXIT_OK;
}

typedef struct service_run {
    const char *path, *method, *input_arg, *mocks_path, *params_arg, *mode, *config;
    bool json, trace, run_local;
} service_run;

/* simulate SERVICE.py METHOD ... */
static int simulate_service(const service_run *r)
{
    if (!stc_cmd_template_check_mode("simulate", r->mode))
        return STC_EXIT_USAGE;
    int status;
    stc_service *svc = stc_cmd_template_load(r->path, r->mode, r->config, &status);
    if (!svc)
        return status;
    if (!svc->module || !svc->module->service) {
        stc_cli_print_diags(svc);
        stc_service_free(svc);
        return STC_EXIT_INPUT;
    }
    const stc_unit_info *u = stc_service_unit(svc, r->method);
    if (!u || !u->method->is_async || u->unit != STC_UNIT_STATE_MACHINE) {
        const char *why = !u ? "is not a method of the service"
                          : !u->method->is_async ? "is not async, so it is not a workflow"
                                                 : "does not become a state machine";
        int rc = unknown_method(svc, r->method, why);
        stc_service_free(svc);
        return rc;
    }
    const stc_workflow *wf = stc_workflows_find(svc->workflows, r->method);
    if (!stc_service_workflow_usable(svc, wf)) {
        stc_service_free(svc);
        return STC_EXIT_INPUT;
    }
    cJSON *input = NULL, *params = NULL;
    stc_mocks *mocks = NULL;
    stc_pyrun *local = NULL;
    stc_machine *m = NULL;
    stc_svcmode *sm = NULL;
    int rc = stc_cli_read_json_arg("simulate", "--input", r->input_arg, &input);
    if (rc == STC_EXIT_OK && r->params_arg) {
        rc = stc_cli_read_json_arg("simulate", "--params", r->params_arg, &params);
        if (rc == STC_EXIT_OK && !cJSON_IsObject(params))
            rc = stc_cli_usage("simulate", "--params wants a JSON object of __init__ arguments");
    }
    if (rc == STC_EXIT_OK)
        rc = load_mocks(r->mocks_path, &mocks);
    char *err = NULL;
    if (rc == STC_EXIT_OK && r->run_local &&
        (stc_package_provide_runtime(&err) != 0 ||
         stc_pyrun_open(r->path, svc->module->service->name, params, &local, &err) != 0)) {
        fprintf(stderr, "stc-tui: simulate: %s\n", err);
        free(err);
        rc = STC_EXIT_INPUT;
    }
    if (rc == STC_EXIT_OK) {
        m = stc_machine_load(wf->asl, &err);
        if (!m) {
            fprintf(stderr, "%s: error: the compiled machine of %s is invalid: %s\n", svc->file,
                    r->method, err);
            free(err);
            rc = STC_EXIT_INPUT;
        }
    }
    const char **express = stc_express_units(svc, svc->config);
    if (rc == STC_EXIT_OK) {
        stc_svcmode_options so = {.workflows = svc->workflows, .mocks = mocks, .local = local, .express = express};
        sm = stc_svcmode_new(wf, &so);
        stc_simulate_options o = {.json = r->json,
                                  .trace = r->trace,
                                  .task = stc_svcmode_task,
                                  .task_ctx = sm,
                                  .take_restart = stc_svcmode_take_restart,
                                  .time_limit_s = stc_express(svc->config, r->method) ? STC_EXPRESS_MAX_SECONDS : 0,
                                  .prog = "stc-tui: simulate"};
        rc = stc_simulate_run_and_print(m, input, &o, stdout, stderr);
    }
    free(express);
    stc_svcmode_free(sm);
    stc_machine_free(m);
    stc_pyrun_close(local);
    stc_mocks_free(mocks);
    cJSON_Delete(params);
    cJSON_Delete(input);
    stc_service_free(svc);
    return rc;
}

int stc_cmd_simulate(int argc, char **argv)
{
    const char *asl_path = NULL, *input_arg = NULL, *mocks_path = NULL, *params_arg = NULL;
    const char *mode = NULL, *config = NULL;
    const char *positional[2] = {NULL, NULL};
    int npos = 0;
    bool json = false, trace = false, run_local = false, express = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (stc_cli_flag(a, "--json")) {
            json = true;
        } else if (stc_cli_flag(a, "--express")) {
            express = true;
        } else if (stc_cli_flag(a, "--mode") || stc_cli_flag(a, "--config")) {
            if (i + 1 >= argc)
                return stc_cli_usage("simulate", "%s needs a value", a);
            *(a[2] == 'm' ? &mode : &config) = argv[++i];
        } else if (stc_cli_flag(a, "--trace")) {
            trace = true;
        } else if (stc_cli_flag(a, "--run-local")) {
            run_local = true;
        } else if (stc_cli_flag(a, "--asl") || stc_cli_flag(a, "--input") ||
                   stc_cli_flag(a, "--mocks") || stc_cli_flag(a, "--params")) {
            if (i + 1 >= argc)
                return stc_cli_usage("simulate", "%s needs a value", a);
            const char **slot = a[2] == 'a'   ? &asl_path
                                : a[2] == 'i' ? &input_arg
                                : a[2] == 'p' ? &params_arg
                                              : &mocks_path;
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
    if (params_arg && !run_local)
        return stc_cli_usage("simulate", "--params goes with --run-local (it builds the service "
                                         "object whose methods run)");
    if (!asl_path) {
        if (npos != 2)
            return stc_cli_usage("simulate", npos ? "missing METHOD"
                                                  : "give --asl FILE.asl.json, or SERVICE.py METHOD");
        if (express)
            return stc_cli_usage("simulate", "--express goes with --asl; a service's workflow_type comes from "
                                             "its configuration (--mode, --config)");
        service_run r = {positional[0], positional[1], input_arg, mocks_path, params_arg,
                         mode ? mode : "dev", config, json, trace, run_local};
        return simulate_service(&r);
    }
    if (npos > 0)
        return stc_cli_usage("simulate", "--asl takes no SERVICE.py METHOD");
    if (mode || config)
        return stc_cli_usage("simulate", "--mode and --config go with SERVICE.py METHOD, not --asl");
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
    int rc = stc_cli_read_json_arg("simulate", "--input", input_arg, &input);
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
                              .time_limit_s = express ? STC_EXPRESS_MAX_SECONDS : 0,
                              .prog = "stc-tui: simulate"};
    rc = stc_simulate_run_and_print(m, input, &o, stdout, stderr);
    stc_machine_free(m);
    stc_mocks_free(mocks);
    cJSON_Delete(input);
    return rc; /* STC_SIMULATE_* use the STC_EXIT_* numbers */
}
