/* service.c - the pipeline. See service.h. */
#include "core/service.h"

#include <stdlib.h>
#include <string.h>

#include "core/aws/express.h"
#include "core/aws/template.h"
#include "core/config.h"
#include "core/parse.h"
#include "core/routes.h"
#include "core/resources.h"
#include "core/util.h"
#include "core/workflow.h"

stc_query_language stc_service_query_language(void *config, const char *method)
{
    stc_query_language q = STC_QL_JSONATA;
    stc_query_language_parse(stc_config_str(config, method, STC_SET_QUERY_LANGUAGE), &q);
    return q;
}

/* Run the stages after parse. Each stage reads what the earlier ones left
 * in `svc` and appends its diagnostics. */
static void stc_service_run_stages(stc_service *svc, const stc_service_options *opts)
{
    if (!svc->module)
        return;
    svc->units = stc_classify(svc->module, &svc->diags);
    svc->nunits = svc->units && svc->module->service ? svc->module->service->nmethods : 0;
    svc->routes = stc_routes_build(svc->module, svc->units, svc->nunits, &svc->diags);
    svc->resources = stc_resources_analyze(svc->module, svc->units, svc->nunits, &svc->diags);
    bool config_io = false;
    svc->config = stc_template_load_config(svc, opts && opts->mode ? opts->mode : "dev",
                                           opts ? opts->config_path : NULL, &svc->diags, &config_io);
    /* each workflow's dialect: the option, else its setting (the config is
     * read first for that) */
    stc_wf_options wo = {0};
    if (opts && opts->query_language)
        stc_query_language_parse(opts->query_language, &wo.language);
    else if (svc->config) {
        wo.lang = stc_service_query_language;
        wo.ud = svc->config;
    }
    svc->workflows = stc_workflows_compile_opts(svc->module, svc->units, svc->nunits, &wo,
                                                &svc->diags);
    if (svc->config)
        stc_express_check(svc, svc->config, &svc->diags);
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

/* The workflow whose method's source range holds line `line`, or NULL. */
static const stc_workflow *stc_service_workflow_at(const stc_service *svc, int line)
{
    for (size_t i = 0; svc->workflows && i < svc->workflows->count; i++) {
        const stc_method *m = svc->workflows->items[i].method;
        const stc_pos *p = m->def ? &m->def->pos : &m->pos;
        int end = p->end_line ? p->end_line : p->line;
        if (line >= p->line && line <= end)
            return &svc->workflows->items[i];
    }
    return NULL;
}

bool stc_service_workflow_usable(const stc_service *svc, const stc_workflow *wf)
{
    if (!wf || !wf->asl)
        return false;
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *d = &svc->diags.items[i];
        if (d->severity != STC_SEV_ERROR)
            continue;
        bool workflow_code = d->code && strncmp(d->code, "STC2", 4) == 0 && strlen(d->code) == 6 &&
                             d->code[4] >= '0' && d->code[4] <= '4';
        bool in_module = !d->file || (svc->file && strcmp(d->file, svc->file) == 0);
        const stc_workflow *other = in_module ? stc_service_workflow_at(svc, d->line) : NULL;
        if (!workflow_code || !other || other == wf)
            return false;
    }
    return true;
}
