/* cmd_asl.c - `stc-tui asl SERVICE.py METHOD [--source-map]`: the state
 * machine (ASL JSON) of one async method, or its source map. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/workflow.h"

/* "stc-tui: ... ; workflow methods: a, b" and the usage line. */
static int stc_asl_unknown(const stc_service *svc, const char *method, const char *why)
{
    char list[1024] = "";
    size_t n = 0;
    for (size_t i = 0; i < svc->nunits; i++) {
        const stc_unit_info *u = &svc->units[i];
        if (u->unit != STC_UNIT_STATE_MACHINE || !u->method->is_async)
            continue;
        n += (size_t)snprintf(list + n, n < sizeof list ? sizeof list - n : 0, "%s%s",
                              n ? ", " : "", u->method->name);
    }
    return stc_cli_usage("asl", "'%s' %s; workflow methods: %s", method, why,
                         list[0] ? list : "(none)");
}

int stc_cmd_asl(int argc, char **argv)
{
    const char *path = NULL, *method = NULL;
    bool source_map = false;
    for (int i = 1; i < argc; i++) {
        if (stc_cli_flag(argv[i], "--source-map"))
            source_map = true;
        else if (argv[i][0] == '-' && argv[i][1])
            return stc_cli_usage("asl", "unknown option '%s'", argv[i]);
        else if (!path)
            path = argv[i];
        else if (!method)
            method = argv[i];
        else
            return stc_cli_usage("asl", "unexpected argument '%s'", argv[i]);
    }
    if (!path)
        return stc_cli_usage("asl", "missing SERVICE.py");
    if (!method)
        return stc_cli_usage("asl", "missing METHOD");
    int status;
    stc_service *svc = stc_cli_load(path, &status);
    if (!svc)
        return status;
    if (!svc->module || !svc->module->service) {
        stc_cli_print_diags(svc);
        stc_service_free(svc);
        return STC_EXIT_INPUT;
    }
    const stc_unit_info *u = stc_service_unit(svc, method);
    if (!u || !u->method->is_async || u->unit != STC_UNIT_STATE_MACHINE) {
        const char *why = !u ? "is not a method of the service"
                             : !u->method->is_async ? "is not async, so it is not a workflow"
                                                    : "does not become a state machine";
        int rc = stc_asl_unknown(svc, method, why);
        stc_service_free(svc);
        return rc;
    }
    const stc_workflow *wf = stc_workflows_find(svc->workflows, method);
    stc_cli_print_diags(svc);
    /* Errors in the module (status 1) mean no output, as for graph,
     * template and emit: a script must never take a document from a run
     * that failed. Errors only in other workflows do not stop this one. */
    if (stc_service_workflow_usable(svc, wf)) {
        status = STC_EXIT_OK;
        if (source_map)
            stc_cli_print_json(stc_workflow_source_map_json(wf, svc->file));
        else
            stc_cli_print_json(cJSON_Duplicate(wf->asl, true));
    } else {
        status = STC_EXIT_INPUT;
    }
    stc_service_free(svc);
    return status;
}
