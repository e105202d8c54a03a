/* gen.c - see gen.h. */
#include "serve/gen.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/handler.h"
#include "core/aws/package.h"
#include "core/aws/template.h"
#include "core/bindings.h"
#include "core/config.h"
#include "core/util.h"
#include "serve/apigw.h"
#include "serve/host.h"

static void stc_gen_package(stc_gen *g);
static void stc_gen_bindings(stc_gen *g);

stc_gen *stc_gen_compile(unsigned id, const char *path, const char *mode, const char *config, stc_service **broken)
{
    *broken = NULL;
    stc_service_options o = {.mode = mode, .config_path = config};
    stc_service *svc = stc_service_compile_file(path, &o);
    stc_spec *spec = NULL;
    if (!svc->io_error && svc->module && svc->module->service)
        spec = stc_spec_build(svc, svc->resources, svc->workflows, &svc->diags);
    if (svc->io_error || !spec || !svc->config || stc_diags_has_errors(&svc->diags)) {
        stc_spec_free(spec);
        *broken = svc;
        return NULL;
    }
    stc_gen *g = stc_xcalloc(1, sizeof *g);
    g->id = id;
    g->refs = 1;
    g->mode = stc_xstrdup(mode);
    g->svc = svc;
    g->spec = spec;
    g->nmachines = svc->workflows ? svc->workflows->count : 0;
    g->wfs = stc_xcalloc(g->nmachines + 1, sizeof *g->wfs);
    g->machines = stc_xcalloc(g->nmachines + 1, sizeof *g->machines);
    for (size_t i = 0; i < g->nmachines; i++)
        g->wfs[i] = &svc->workflows->items[i];
    char *copy = stc_xstrdup(path);
    g->folder = stc_xstrdup(dirname(copy));
    free(copy);
    stc_gen_package(g);
    stc_gen_bindings(g);
    return g;
}

static void stc_gen_setenv(stc_gen *g, const char *name, char *value)
{
    g->env = stc_xrealloc(g->env, (g->nenv + 1) * sizeof *g->env);
    g->env[g->nenv].name = stc_xstrdup(name);
    g->env[g->nenv].value = value;
    g->nenv++;
}

/* The value of binding parameter `sp` as serve backs it (the template's
 * counterpart: core/aws/template.c, stc_tb_binding_env). */
static char *stc_gen_binding(stc_gen *g, const stc_service_param *sp, const stc_binding_mode *bm)
{
    const stc_resource *r = &g->svc->resources->resources[sp->resource];
    const char *existing = bm ? bm->existing : NULL;
    if (r->kind == STC_RES_TOPIC) {
        const cJSON *given = bm && bm->value ? bm->value : NULL;
        cJSON *config = given ? cJSON_Duplicate(given, true) : sp->default_value ? cJSON_Parse(sp->default_value) : NULL;
        if (!cJSON_IsObject(config)) {
            cJSON_Delete(config);
            config = cJSON_CreateObject();
        }
        cJSON_DeleteItemFromObjectCaseSensitive(config, "topic");
        char *arn = existing ? stc_xstrdup(existing)
                             : stc_xasprintf("arn:aws:sns:" STC_APIGW_REGION ":" STC_APIGW_ACCOUNT ":%s", r->logical);
        cJSON_AddStringToObject(config, "topic", arn);
        free(arn);
        char *text = cJSON_PrintUnformatted(config);
        cJSON_Delete(config);
        return text;
    }
    bool bucket = bm && bm->store == STC_STORE_BUCKET;
    char *name, *value;
    if (!bucket) {
        name = stc_xstrdup(existing ? existing : sp->name);
        value = stc_xasprintf("dynamodb://%s", name);
    } else {
        /* "bucket/a/b" -> the bucket "bucket", its objects under "a/b/" */
        const char *slash = existing ? strchr(existing, '/') : NULL;
        name = existing ? slash ? stc_xstrndup(existing, (size_t)(slash - existing)) : stc_xstrdup(existing)
                        : stc_xstrdup(sp->name);
        const char *pre = slash ? slash + 1 : "";
        size_t n = strlen(pre);
        value = stc_xasprintf("s3://%s/%s%s", name, pre, n && pre[n - 1] != '/' ? "/" : "");
    }
    bool known = false;
    for (size_t i = 0; i < g->nstores; i++)
        known = known || strcmp(g->stores[i].name, name) == 0;
    if (known) {
        free(name);
    } else {
        g->stores = stc_xrealloc(g->stores, (g->nstores + 1) * sizeof *g->stores);
        g->stores[g->nstores].kind = bucket ? "bucket" : "table";
        g->stores[g->nstores].name = name;
        g->nstores++;
    }
    return value;
}

static void stc_gen_bindings(stc_gen *g)
{
    const stc_resources *res = g->svc->resources;
    const stc_config *cfg = g->svc->config;
    for (size_t i = 0; res && i < res->nparams; i++) {
        const stc_service_param *sp = &res->params[i];
        const stc_binding_cfg *c = stc_bindings_find(cfg->bindings, sp->name);
        const stc_binding_mode *bm = c && cfg->mode < STC_BINDINGS_MAX_MODES ? &c->modes[cfg->mode] : NULL;
        if (sp->type == STC_PARAM_BINDING && sp->resource >= 0)
            stc_gen_setenv(g, sp->env, stc_gen_binding(g, sp, bm));
        else if (sp->type == STC_PARAM_JSON && bm && bm->value)
            stc_gen_setenv(g, sp->env, cJSON_PrintUnformatted(bm->value));
    }
}

int stc_gen_timeout(const stc_gen *g, const char *unit)
{
    long long t = stc_config_int(g->svc->config, unit, STC_SET_TIMEOUT);
    return t > 0 ? (int)t : 3;
}

int stc_gen_memory(const stc_gen *g, const char *unit)
{
    long long m = stc_config_int(g->svc->config, unit, STC_SET_MEMORY);
    return m > 0 ? (int)m : 128;
}

static const stc_package_file *stc_gen_file(const stc_package_file *f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i].name, name) == 0)
            return &f[i];
    return NULL;
}

/* The three files of every Lambda unit (the runtime is the same in each). */
static void stc_gen_package(stc_gen *g)
{
    stc_slicer *s = stc_slicer_new(g->svc);
    g->units = stc_xcalloc(2 * g->svc->nunits + 1, sizeof *g->units);
    for (size_t i = 0; s && i < g->svc->nunits; i++) {
        const stc_unit_info *u = &g->svc->units[i];
        if (u->unit != STC_UNIT_LAMBDA)
            continue;
        stc_package_file *files = NULL;
        size_t n = stc_package_files_sliced(s, g->svc, u, &files);
        const stc_package_file *h = stc_gen_file(files, n, STC_HANDLER_FILE);
        const stc_package_file *m = stc_gen_file(files, n, STC_HANDLER_MODULE_FILE);
        const stc_package_file *r = stc_gen_file(files, n, "stc_runtime.py");
        if (h && m && r) {
            struct stc_gen_unit *gu = &g->units[g->nunits++];
            gu->name = u->method->name;
            gu->handler = stc_xstrndup(h->data, h->len);
            gu->service = stc_xstrndup(m->data, m->len);
            if (!g->runtime) {
                g->runtime = stc_xstrndup(r->data, r->len);
                g->runtime_len = r->len;
            }
        }
        stc_package_files_free(files, n);
    }
    stc_slicer_free(s);
    /* the starters: the handler and the runtime, never the module's code */
    for (size_t i = 0; g->runtime && i < g->svc->nunits; i++) {
        const stc_unit_info *u = &g->svc->units[i];
        if (!stc_handler_starter_binds(g->svc, u))
            continue;
        struct stc_gen_unit *gu = &g->units[g->nunits++];
        gu->starter_name = stc_xasprintf("%s" STC_STARTER_SUFFIX, u->method->name);
        gu->name = gu->starter_name;
        gu->handler = stc_handler_generate_starter(g->svc, u);
        gu->service = stc_xstrdup("");
    }
}

const char *stc_gen_starter(const stc_gen *g, const char *function)
{
    for (size_t i = 0; i < g->nunits; i++) {
        const char *n = g->units[i].starter_name;
        size_t len = strlen(function);
        if (n && strncmp(n, function, len) == 0 && strcmp(n + len, STC_STARTER_SUFFIX) == 0)
            return n;
    }
    return NULL;
}

int stc_gen_define(stc_gen *g, char **err)
{
    if (g->defined)
        return 0;
    for (size_t i = 0; i < g->nunits; i++) {
        const char *name = g->units[i].name;
        if (stc_host_define(g->id, name, g->units[i].handler, g->units[i].service, g->folder,
                            stc_gen_timeout(g, name), stc_gen_memory(g, name), err) != 0)
            return -1;
    }
    g->defined = true;
    return 0;
}

stc_gen *stc_gen_ref(stc_gen *g)
{
    if (g)
        g->refs++;
    return g;
}

void stc_gen_unref(stc_gen *g)
{
    if (!g || --g->refs > 0)
        return;
    if (g->defined)
        stc_host_drop(g->id);
    for (size_t i = 0; i < g->nmachines; i++)
        stc_machine_free(g->machines[i]);
    free(g->machines);
    free(g->wfs);
    for (size_t i = 0; i < g->nunits; i++) {
        free(g->units[i].handler);
        free(g->units[i].service);
        free(g->units[i].starter_name);
    }
    free(g->units);
    for (size_t i = 0; i < g->nstores; i++)
        free(g->stores[i].name);
    free(g->stores);
    for (size_t i = 0; i < g->nenv; i++) {
        free(g->env[i].name);
        free(g->env[i].value);
    }
    free(g->env);
    stc_spec_free(g->spec);
    stc_service_free(g->svc);
    free(g->mode);
    free(g->folder);
    free(g->runtime);
    free(g);
}

const stc_machine *stc_gen_machine(stc_gen *g, const char *name, const stc_workflow **wf, char **err)
{
    *wf = NULL;
    for (size_t i = 0; i < g->nmachines; i++) {
        if (strcmp(g->wfs[i]->method->name, name) != 0)
            continue;
        *wf = g->wfs[i];
        if (!g->wfs[i]->asl) {
            *err = stc_xasprintf("the workflow %s has compile errors", name);
            return NULL;
        }
        if (!g->machines[i]) {
            char *lerr = NULL;
            g->machines[i] = stc_machine_load(g->wfs[i]->asl, &lerr);
            if (!g->machines[i]) {
                *err = stc_xasprintf("the workflow %s cannot run: %s", name, lerr ? lerr : "invalid machine");
                free(lerr);
                return NULL;
            }
        }
        return g->machines[i];
    }
    *err = stc_xasprintf("the service has no workflow %s", name);
    return NULL;
}
