/* cmd_methods.c - `stc-tui methods SERVICE.py [--json]`. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* A parameter is required when it has no default and is not a star parameter. */
static cJSON *stc_params_json(const stc_method *m)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->name);
        if (p->annotation)
            cJSON_AddStringToObject(o, "type", p->annotation);
        else
            cJSON_AddNullToObject(o, "type");
        cJSON_AddBoolToObject(o, "required", !p->default_text && !p->vararg && !p->kwarg);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *stc_methods_json(const stc_service *svc)
{
    cJSON *root = cJSON_CreateObject();
    const stc_module *m = svc->module;
    if (m && m->service)
        cJSON_AddStringToObject(root, "service", m->service->name);
    else
        cJSON_AddNullToObject(root, "service");
    cJSON_AddStringToObject(root, "file", svc->file);
    if (m && m->service)
        cJSON_AddNumberToObject(root, "line", m->service->pos.line);
    else
        cJSON_AddNullToObject(root, "line");
    cJSON *methods = cJSON_AddArrayToObject(root, "methods");
    for (size_t i = 0; i < svc->nunits; i++) {
        const stc_unit_info *u = &svc->units[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", u->method->name);
        cJSON_AddStringToObject(o, "kind", stc_kind_json(u->kind));
        cJSON_AddBoolToObject(o, "async", u->method->is_async);
        cJSON_AddStringToObject(o, "unit", stc_unit_json(u->unit));
        cJSON_AddNumberToObject(o, "line", u->method->pos.line);
        cJSON_AddItemToObject(o, "params", stc_params_json(u->method));
        cJSON_AddStringToObject(o, "explain", u->explain ? u->explain : "");
        cJSON_AddItemToArray(methods, o);
    }
    cJSON_AddItemToObject(root, "diagnostics", stc_diags_to_json(&svc->diags));
    return root;
}

static void stc_methods_text(const stc_service *svc)
{
    const stc_module *m = svc->module;
    if (!m || !m->service)
        return;
    printf("%s  (%s:%d)\n\n", m->service->name, svc->file, m->service->pos.line);
    for (size_t i = 0; i < svc->nunits; i++) {
        const stc_unit_info *u = &svc->units[i];
        const char *badge = stc_kind_badge(u->kind);
        if (u->unit == STC_UNIT_STATE_MACHINE && u->kind == STC_KIND_FUNCTION)
            badge = "WF";
        printf("  %-6s %-5s %-28s line %-4d %s\n", badge, u->method->is_async ? "async" : "",
               u->method->name, u->method->pos.line, stc_unit_json(u->unit));
        printf("         %s\n", u->explain ? u->explain : "");
        if (u->hint)
            printf("         hint: %s\n", u->hint);
    }
}

int stc_cmd_methods(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    const stc_cli_opt opts[] = {{"--json", NULL, &json, NULL}, {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("methods", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("methods", "missing SERVICE.py");
    int status;
    stc_service *svc = stc_cli_load(path, &status);
    if (!svc)
        return status;
    stc_cli_print_diags(svc);
    if (json)
        stc_cli_print_json(stc_methods_json(svc));
    else
        stc_methods_text(svc);
    stc_service_free(svc);
    return status;
}
