/* openapi.c - see openapi.h. */
#include "core/openapi.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/routes.h"
#include "core/service.h"
#include "core/util.h"

/* The docstring of a body (first statement a string constant), or NULL. */
static const char *stc_docstring(const stc_list *body)
{
    if (!body || body->count == 0)
        return NULL;
    const stc_node *s = body->items[0];
    if (s && s->kind == STC_N_EXPR && s->a && s->a->kind == STC_N_CONSTANT &&
        s->a->cval.kind == STC_CONST_STR && s->a->sval && strlen(s->a->sval) == s->a->slen)
        return s->a->sval;
    return NULL;
}

/* The first line of a docstring, trimmed (allocated), or NULL when empty. */
static char *stc_first_line(const char *doc)
{
    while (*doc && isspace((unsigned char)*doc))
        doc++;
    size_t n = strcspn(doc, "\n");
    while (n && isspace((unsigned char)doc[n - 1]))
        n--;
    return n ? stc_xstrndup(doc, n) : NULL;
}

/* "limit: int = 10": the Python parameter, for the reader. */
static char *stc_param_description(const stc_route_param *p)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, p->name);
    if (p->param->annotation)
        stc_buf_printf(&b, ": %s", p->param->annotation);
    if (p->param->default_text)
        stc_buf_printf(&b, " = %s", p->param->default_text);
    return stc_buf_take(&b);
}

static cJSON *stc_parameter(const stc_route_param *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "in", stc_param_in_name(p->in));
    char *desc = stc_param_description(p);
    cJSON_AddStringToObject(o, "description", desc);
    free(desc);
    cJSON_AddBoolToObject(o, "required", p->required);
    cJSON_AddItemToObject(o, "schema", stc_schema_to_json(&p->schema, p->default_json));
    return o;
}

static cJSON *stc_json_content(cJSON *schema)
{
    cJSON *content = cJSON_CreateObject();
    cJSON *media = cJSON_AddObjectToObject(content, "application/json");
    cJSON_AddItemToObject(media, "schema", schema);
    return content;
}

static cJSON *stc_request_body(const stc_route *r)
{
    cJSON *schema = cJSON_CreateObject();
    cJSON_AddStringToObject(schema, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(schema, "properties");
    cJSON *req = cJSON_CreateArray();
    bool any_required = false;
    for (size_t i = r->npath + r->nquery; i < r->nparams; i++) {
        const stc_route_param *p = &r->params[i];
        cJSON *ps = stc_schema_to_json(&p->schema, p->default_json);
        char *desc = stc_param_description(p);
        cJSON_AddStringToObject(ps, "description", desc);
        free(desc);
        cJSON_AddItemToObject(props, p->name, ps);
        if (p->required) {
            cJSON_AddItemToArray(req, cJSON_CreateString(p->name));
            any_required = true;
        }
    }
    if (any_required)
        cJSON_AddItemToObject(schema, "required", req);
    else
        cJSON_Delete(req);
    cJSON_AddBoolToObject(schema, "additionalProperties", false);
    cJSON *body = cJSON_CreateObject();
    cJSON_AddBoolToObject(body, "required", any_required);
    cJSON_AddItemToObject(body, "content", stc_json_content(schema));
    return body;
}

/* {"error": string, "message": string}: what a failed call answers. */
static void stc_error_response(cJSON *responses, const char *code, const char *desc)
{
    cJSON *resp = cJSON_AddObjectToObject(responses, code);
    cJSON_AddStringToObject(resp, "description", desc);
    cJSON *schema = cJSON_CreateObject();
    cJSON_AddStringToObject(schema, "type", "object");
    cJSON *props = cJSON_AddObjectToObject(schema, "properties");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(props, "error"), "type", "string");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(props, "message"), "type", "string");
    cJSON *req = cJSON_AddArrayToObject(schema, "required");
    cJSON_AddItemToArray(req, cJSON_CreateString("error"));
    cJSON_AddItemToArray(req, cJSON_CreateString("message"));
    cJSON_AddItemToObject(resp, "content", stc_json_content(schema));
}

static cJSON *stc_responses(const stc_route *r, bool sync)
{
    cJSON *responses = cJSON_CreateObject();
    if (r->is_async && sync) {
        cJSON *resp = cJSON_AddObjectToObject(responses, "200");
        char *desc = stc_xasprintf("OK: the workflow %s ran to its end; the body is the value it returns", r->function);
        cJSON_AddStringToObject(resp, "description", desc);
        free(desc);
        cJSON_AddItemToObject(resp, "content", stc_json_content(stc_schema_to_json(&r->returns, NULL)));
        stc_error_response(responses, "400", "the workflow raised an exception class of the module: "
                                             "error is its name, message its text");
        stc_error_response(responses, "404", "the workflow raised KeyError");
        stc_error_response(responses, "500", "the workflow failed otherwise");
        stc_error_response(responses, "504", "the workflow ran past its time limit (5 minutes)");
    } else if (r->is_async) {
        cJSON *resp = cJSON_AddObjectToObject(responses, "202");
        cJSON_AddStringToObject(resp, "description",
                                "Accepted: the state machine was started; the body is the Step Functions "
                                "StartExecution answer, whose executionArn is the execution id");
        cJSON *schema = cJSON_CreateObject();
        cJSON_AddStringToObject(schema, "type", "object");
        cJSON *props = cJSON_AddObjectToObject(schema, "properties");
        cJSON *id = cJSON_AddObjectToObject(props, "executionArn");
        cJSON_AddStringToObject(id, "type", "string");
        cJSON_AddStringToObject(id, "description", "the execution id");
        cJSON *date = cJSON_AddObjectToObject(props, "startDate");
        cJSON_AddStringToObject(date, "type", "number");
        cJSON_AddStringToObject(date, "description", "when the execution started (seconds since the epoch)");
        cJSON *req = cJSON_AddArrayToObject(schema, "required");
        cJSON_AddItemToArray(req, cJSON_CreateString("executionArn"));
        cJSON_AddItemToObject(resp, "content", stc_json_content(schema));
    } else {
        cJSON *resp = cJSON_AddObjectToObject(responses, "200");
        char *desc = stc_xasprintf("OK: the value %s returns", r->function);
        cJSON_AddStringToObject(resp, "description", desc);
        free(desc);
        cJSON_AddItemToObject(resp, "content", stc_json_content(stc_schema_to_json(&r->returns, NULL)));
    }
    return responses;
}

static void stc_lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

static cJSON *stc_operation(const stc_route *r, bool sync)
{
    cJSON *op = cJSON_CreateObject();
    cJSON_AddStringToObject(op, "operationId", r->function);
    const char *doc = stc_docstring(r->method->body);
    char *summary = doc ? stc_first_line(doc) : NULL;
    cJSON_AddStringToObject(op, "summary", summary ? summary : r->function);
    free(summary);
    if (r->unit && r->unit->explain)
        cJSON_AddStringToObject(op, "description", r->unit->explain);
    /* The tag is the first collection of the path: "people". */
    const char *p = r->path + 1;
    char *tag = stc_xstrndup(p, strcspn(p, "/"));
    cJSON *tags = cJSON_AddArrayToObject(op, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString(tag));
    free(tag);
    if (r->npath + r->nquery) {
        cJSON *params = cJSON_AddArrayToObject(op, "parameters");
        for (size_t i = 0; i < r->npath + r->nquery; i++)
            cJSON_AddItemToArray(params, stc_parameter(&r->params[i]));
    }
    if (r->nbody)
        cJSON_AddItemToObject(op, "requestBody", stc_request_body(r));
    cJSON_AddItemToObject(op, "responses", stc_responses(r, sync));
    return op;
}

void *stc_openapi_build(const stc_service *svc, const char *const *sync)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "openapi", "3.1.0");
    cJSON *info = cJSON_AddObjectToObject(root, "info");
    const char *name = stc_service_name(svc);
    cJSON_AddStringToObject(info, "title", name ? name : "service");
    cJSON_AddStringToObject(info, "version", "0.1.0");
    const char *doc = NULL;
    if (svc->module && svc->module->service && svc->module->service->def)
        doc = stc_docstring(&svc->module->service->def->l0);
    if (!doc && svc->module)
        doc = stc_docstring(&svc->module->body);
    if (doc) {
        while (*doc && isspace((unsigned char)*doc))
            doc++;
        size_t n = strlen(doc);
        while (n && isspace((unsigned char)doc[n - 1]))
            n--;
        if (n) {
            char *d = stc_xstrndup(doc, n);
            cJSON_AddStringToObject(info, "description", d);
            free(d);
        }
    }
    cJSON *paths = cJSON_AddObjectToObject(root, "paths");
    const stc_routes *rt = svc->routes;
    for (size_t i = 0; rt && i < rt->nhttp; i++) {
        const stc_route *r = &rt->http[i];
        cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, r->path);
        if (!item)
            item = cJSON_AddObjectToObject(paths, r->path);
        char *method = stc_xstrdup(r->http_method);
        stc_lower(method);
        bool answers = false;
        for (const char *const *x = sync; x && *x && !answers; x++)
            answers = strcmp(*x, r->function) == 0;
        if (!cJSON_GetObjectItemCaseSensitive(item, method)) /* a conflict: the first route wins */
            cJSON_AddItemToObject(item, method, stc_operation(r, answers));
        free(method);
    }
    return root;
}
