/* service.c - the pipeline. See service.h. */
#include "core/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/aws/template.h"
#include "core/config.h"
#include "core/parse.h"
#include "core/routes.h"
#include "core/resources.h"
#include "core/util.h"
#include "core/workflow.h"

/* Run the stages after parse. Each stage reads what the earlier ones left
 * in `svc` and appends its diagnostics. */
static void stc_service_run_stages(stc_service *svc, const stc_service_options *opts)
{
    if (!svc->module)
        return;
    svc->units = stc_classify(svc->module, &svc->diags);
    svc->nunits = svc->units && svc->module->service ? svc->module->service->nmethods : 0;
    svc->routes = stc_routes_build(svc->module, svc->units, svc->nunits, &svc->diags);
    svc->workflows = stc_workflows_compile(svc->module, svc->units, svc->nunits, &svc->diags);
    svc->resources = stc_resources_analyze(svc->module, svc->units, svc->nunits, &svc->diags);
    bool config_io = false;
    svc->config = stc_template_load_config(svc, opts && opts->mode ? opts->mode : "dev",
                                           opts ? opts->config_path : NULL, &svc->diags, &config_io);
}

stc_service *stc_service_compile_source(const char *file, const char *src, size_t len,
                                        const stc_service_options *opts)
{
    stc_service *svc = stc_xcalloc(1, sizeof *svc);
    svc->file = stc_xstrdup(file);
    svc->source = stc_xstrndup(src, len);
    svc->source_len = len;
    svc->module = stc_parse_source(file, src, len, &svc->diags);
    stc_service_run_stages(svc, opts);
    stc_diags_sort(&svc->diags);
    return svc;
}

stc_service *stc_service_compile_file(const char *path, const stc_service_options *opts)
{
    stc_service *svc = stc_xcalloc(1, sizeof *svc);
    svc->file = stc_xstrdup(path);
    char *err = NULL;
    if (stc_file_read(path, &svc->source, &svc->source_len, &err) != 0) {
        stc_diag_add(&svc->diags, STC_SEV_ERROR, path, 0, 0, "STC002", "%s", err);
        free(err);
        svc->io_error = true;
        return svc;
    }
    svc->module = stc_parse_source(path, svc->source, svc->source_len, &svc->diags);
    stc_service_run_stages(svc, opts);
    stc_diags_sort(&svc->diags);
    return svc;
}

void stc_service_free(stc_service *svc)
{
    if (!svc)
        return;
    stc_config_free(svc->config);
    stc_resources_free(svc->resources);
    stc_workflows_free(svc->workflows);
    stc_routes_free(svc->routes);
    stc_units_free(svc->units, svc->nunits);
    stc_module_free(svc->module);
    stc_diags_free(&svc->diags);
    free(svc->source);
    free(svc->file);
    free(svc);
}

stc_unit_info *stc_service_unit(const stc_service *svc, const char *name)
{
    for (size_t i = 0; i < svc->nunits; i++)
        if (strcmp(svc->units[i].method->name, name) == 0)
            return &svc->units[i];
    return NULL;
}

const char *stc_service_name(const stc_service *svc)
{
    return svc->module && svc->module->service ? svc->module->service->name : NULL;
}
