/* spec.c - see spec.h and docs/template.md. */
#include "core/spec.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/triggers.h"
#include "core/util.h"

static char *stc_strip_suffix(char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    if (n > k && strcmp(s + n - k, suffix) == 0)
        s[n - k] = '\0';
    return s;
}

stc_spec *stc_spec_build(const stc_service *svc, const stc_resources *res, const stc_workflows *wf,
                         stc_diags *d)
{
    if (!svc->module || !svc->module->service || !res)
        return NULL;
    stc_spec *spec = stc_xcalloc(1, sizeof *spec);
    spec->svc = svc;
    spec->res = res;
    spec->workflows = wf;
    spec->units = stc_xcalloc(svc->nunits + 1, sizeof *spec->units);
    bool clash = false;
    stc_name_index camels = {0};
    for (size_t i = 0; i < svc->nunits; i++) {
        const stc_unit_info *ui = &svc->units[i];
        if (ui->unit == STC_UNIT_NONE)
            continue;
        stc_spec_unit *u = &spec->units[spec->nunits++];
        u->info = ui;
        u->access = &res->units[i];
        u->name = ui->method->name;
        /* The logical names follow the workflow compiler's placeholders, so
         * ${SendEmailFunctionArn} in a definition is SendEmailFunction here. */
        bool sm = ui->unit == STC_UNIT_STATE_MACHINE;
        u->camel = stc_strip_suffix(stc_workflow_placeholder(u->name, sm ? STC_WF_CALL_WORKFLOW : STC_WF_CALL_FUNCTION),
                                    sm ? "StateMachineArn" : "FunctionArn");
        if (svc->routes) {
            u->route = stc_routes_find(svc->routes, u->name);
            u->ws_route = stc_routes_find_ws(svc->routes, u->name);
        }
        u->workflow = wf && sm ? stc_workflows_find(wf, u->name) : NULL;
        if (ui->kind == STC_KIND_REST)
            spec->has_http = true;
        if (ui->kind == STC_KIND_WEBSOCKET)
            spec->has_websocket = true;
        size_t first = stc_name_index_add(&camels, u->camel);
        if (first + 1 != spec->nunits) {
            const stc_method *m = ui->method;
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, svc->file, m->name_pos.line, m->name_pos.col, "STC580",
                                        "'%s' and '%s' would both be named %s in the template",
                                        spec->units[first].name, u->name, u->camel);
            stc_diag_set_hint(dg, "rename one of them");
            clash = true;
        }
        stc_name_index_add(&spec->index, u->name);
    }
    stc_name_index_free(&camels);
    if (clash) {
        stc_spec_free(spec);
        return NULL;
    }
    return spec;
}

void stc_spec_free(stc_spec *spec)
{
    if (!spec)
        return;
    for (size_t i = 0; i < spec->nunits; i++) {
        free(spec->units[i].camel);
        free(spec->units[i].digest);
        free(spec->units[i].code_key);
    }
    free(spec->units);
    stc_name_index_free(&spec->index);
    free(spec);
}

stc_spec_unit *stc_spec_unit_find(const stc_spec *spec, const char *name)
{
    long i = spec ? stc_name_index_find(&spec->index, name) : -1;
    return i >= 0 ? &spec->units[i] : NULL;
}

void stc_spec_set_package(stc_spec_unit *u, const char *digest, const char *code_key)
{
    free(u->digest);
    free(u->code_key);
    u->digest = digest ? stc_xstrdup(digest) : NULL;
    u->code_key = code_key ? stc_xstrdup(code_key) : NULL;
}

char *stc_spec_logical(const stc_spec_unit *u, const char *suffix)
{
    return stc_xasprintf("%s%s", u->camel, suffix);
}

/* ---- JSON ------------------------------------------------------------------ */

static void stc_add_str_or_null(cJSON *o, const char *k, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

/* A JSON Schema for a parameter of a unit without a route (internal
 * functions, workflows): from the route table when the unit has one. */
static cJSON *stc_param_schema(const stc_spec_unit *u, const stc_param *p)
{
    const stc_route_param *rp = NULL;
    if (u->route)
        for (size_t i = 0; i < u->route->nparams; i++)
            if (u->route->params[i].param == p)
                rp = &u->route->params[i];
    if (u->ws_route)
        for (size_t i = 0; i < u->ws_route->nparams; i++)
            if (u->ws_route->params[i].param == p)
                rp = &u->ws_route->params[i];
    if (rp)
        return (cJSON *)stc_schema_to_json(&rp->schema, rp->default_json);
    /* The same mapping as the route table's, for the simple hints. */
    cJSON *s = cJSON_CreateObject();
    const char *a = p->annotation;
    const char *t = !a                                                  ? NULL
                    : !strcmp(a, "str")                                 ? "string"
                    : !strcmp(a, "int")                                 ? "integer"
                    : !strcmp(a, "float")                               ? "number"
                    : !strcmp(a, "bool")                                ? "boolean"
                    : !strncmp(a, "list", 4) || !strncmp(a, "List", 4)  ? "array"
                    : !strncmp(a, "dict", 4) || !strncmp(a, "Dict", 4)  ? "object"
                                                                        : NULL;
    if (t)
        cJSON_AddStringToObject(s, "type", t);
    return s;
}

static cJSON *stc_unit_params_json(const stc_spec_unit *u)
{
    cJSON *arr = cJSON_CreateArray();
    const stc_method *m = u->info->method;
    for (size_t i = 0; i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->name);
        stc_add_str_or_null(o, "type", p->annotation);
        cJSON_AddBoolToObject(o, "required", !p->default_text && !p->vararg && !p->kwarg);
        const char *in = NULL;
        if (u->route)
            for (size_t j = 0; j < u->route->nparams; j++)
                if (u->route->params[j].param == p)
                    in = stc_param_in_name(u->route->params[j].in);
        if (u->ws_route)
            in = (i < 2) ? "connection" : "body";
        if (in)
            cJSON_AddStringToObject(o, "in", in);
        cJSON_AddItemToObject(o, "schema", stc_param_schema(u, p));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *stc_names_json(char **names, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
    return arr;
}

static cJSON *stc_unit_resources_json(const stc_spec *spec, const stc_spec_unit *u)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < u->access->naccesses; i++) {
        const stc_access *ac = &u->access->accesses[i];
        const stc_resource *r = &spec->res->resources[ac->resource];
        bool reads = false, writes = false;
        cJSON *ops = cJSON_CreateArray();
        for (int op = 0; op < STC_OP__COUNT; op++) {
            if (!(ac->ops & (1u << op)))
                continue;
            if (stc_access_op_writes((stc_access_op)op))
                writes = true;
            else
                reads = true;
            cJSON_AddItemToArray(ops, cJSON_CreateString(stc_access_op_json((stc_access_op)op)));
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->attr);
        cJSON_AddStringToObject(o, "kind", stc_resource_kind_json(r->kind));
        cJSON_AddStringToObject(o, "access", reads && writes ? "read_write" : writes ? "write" : "read");
        cJSON_AddItemToObject(o, "operations", ops);
        cJSON_AddNumberToObject(o, "line", ac->first.line);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *stc_unit_routes_json(const stc_spec_unit *u)
{
    cJSON *arr = cJSON_CreateArray();
    if (u->route) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "protocol", "http");
        cJSON_AddStringToObject(o, "method", u->route->http_method);
        cJSON_AddStringToObject(o, "path", u->route->path);
        cJSON_AddItemToArray(arr, o);
    }
    if (u->ws_route) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "protocol", "websocket");
        cJSON_AddStringToObject(o, "route_key", u->ws_route->route_key);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

cJSON *stc_spec_to_json(const stc_spec *spec)
{
    const stc_service *svc = spec->svc;
    const stc_resources *res = spec->res;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "spec_version", STC_SPEC_VERSION);
    cJSON_AddStringToObject(root, "service", svc->module->service->name);
    cJSON_AddStringToObject(root, "file", svc->file);

    cJSON *params = cJSON_AddArrayToObject(root, "parameters");
    for (size_t i = 0; i < res->nparams; i++) {
        const stc_service_param *p = &res->params[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "type", p->py_type);
        cJSON_AddStringToObject(o, "kind", p->type == STC_PARAM_LIST      ? "list"
                                           : p->type == STC_PARAM_NUMBER  ? "number"
                                           : p->type == STC_PARAM_JSON    ? "json"
                                           : p->type == STC_PARAM_BINDING ? "binding"
                                                                          : "string");
        if (p->type == STC_PARAM_BINDING && p->resource >= 0)
            cJSON_AddStringToObject(o, "binds", res->resources[p->resource].attr);
        cJSON_AddBoolToObject(o, "required", p->default_value == NULL && p->type != STC_PARAM_BINDING);
        stc_add_str_or_null(o, "default", p->default_value);
        cJSON_AddStringToObject(o, "env", p->env);
        cJSON_AddItemToArray(params, o);
    }

    cJSON *resources = cJSON_AddArrayToObject(root, "resources");
    for (size_t i = 0; i < res->nresources; i++) {
        const stc_resource *r = &res->resources[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->attr);
        cJSON_AddStringToObject(o, "kind", stc_resource_kind_json(r->kind));
        cJSON_AddStringToObject(o, "annotation", r->annotation ? r->annotation : "");
        stc_add_str_or_null(o, "key_type", r->key_type);
        if (r->binding != STC_BIND_NONE) {
            cJSON *b = cJSON_AddObjectToObject(o, "binding");
            cJSON_AddStringToObject(b, "interface", stc_binding_interface(r->binding));
            cJSON_AddStringToObject(b, "parameter", r->param);
            cJSON_AddBoolToObject(b, "read_only", r->binding == STC_BIND_MAPPING);
        }
        cJSON_AddStringToObject(o, "env", r->env);
        cJSON_AddNumberToObject(o, "line", r->pos.line);
        cJSON_AddItemToArray(resources, o);
    }

    cJSON *config = cJSON_AddArrayToObject(root, "configuration");
    for (size_t i = 0; i < res->nconfig; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", res->config[i].attr);
        stc_add_str_or_null(o, "value", res->config[i].value);
        cJSON_AddNumberToObject(o, "line", res->config[i].pos.line);
        cJSON_AddItemToArray(config, o);
    }

    cJSON *units = cJSON_AddArrayToObject(root, "units");
    for (size_t i = 0; i < spec->nunits; i++) {
        const stc_spec_unit *u = &spec->units[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", u->name);
        cJSON_AddStringToObject(o, "kind", stc_kind_json(u->info->kind));
        cJSON_AddBoolToObject(o, "async", u->info->method->is_async);
        cJSON_AddStringToObject(o, "unit", stc_unit_json(u->info->unit));
        cJSON_AddNumberToObject(o, "line", u->info->method->pos.line);
        cJSON_AddItemToObject(o, "routes", stc_unit_routes_json(u));
        cJSON_AddItemToObject(o, "parameters", stc_unit_params_json(u));
        stc_add_str_or_null(o, "returns", u->info->method->returns);
        cJSON_AddItemToObject(o, "resources", stc_unit_resources_json(spec, u));
        cJSON_AddItemToObject(o, "invokes", stc_names_json(u->access->invokes, u->access->ninvokes));
        cJSON_AddItemToObject(o, "starts", stc_names_json(u->access->starts, u->access->nstarts));
        cJSON_AddItemToObject(o, "helpers", stc_names_json(u->access->helpers, u->access->nhelpers));
        cJSON_AddBoolToObject(o, "posts_to_connections", u->access->posts_to_connections);
        /* Schedules and resource events that start the unit (SERVICE.stc.yaml). */
        const stc_config *cfg = svc->config;
        cJSON_AddItemToObject(o, "triggers",
                              stc_triggers_unit_json(cfg ? cfg->triggers : NULL, u->name, cfg ? cfg->mode : 0));
        stc_add_str_or_null(o, "digest", u->digest);
        stc_add_str_or_null(o, "code_key", u->code_key);
        cJSON_AddItemToArray(units, o);
    }

    cJSON *wfs = cJSON_AddArrayToObject(root, "workflows");
    for (size_t i = 0; i < spec->nunits; i++) {
        const stc_spec_unit *u = &spec->units[i];
        if (u->info->unit != STC_UNIT_STATE_MACHINE)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", u->name);
        if (u->workflow && u->workflow->asl)
            cJSON_AddItemToObject(o, "state_machine", cJSON_Duplicate(u->workflow->asl, 1));
        else
            cJSON_AddNullToObject(o, "state_machine");
        cJSON_AddItemToArray(wfs, o);
    }
    return root;
}
