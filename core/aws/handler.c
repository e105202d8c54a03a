/* handler.c - the generated Lambda handler. See handler.h. */
#include "core/aws/handler.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/routes.h"
#include "core/triggers.h"
#include "core/util.h"

static void stc_add_env_name(stc_buf *b, const char *prefix, const char *name)
{
    stc_buf_puts(b, prefix);
    for (const char *p = name; *p; p++)
        stc_buf_putc(b, (char)toupper((unsigned char)*p));
}

char *stc_handler_env_name(const char *prefix, const char *name)
{
    stc_buf b = STC_BUF_INIT;
    stc_add_env_name(&b, prefix, name);
    return stc_buf_take(&b);
}

/* A Python string literal (double quotes; UTF-8 passes through). */
static void stc_py_str(stc_buf *b, const char *s)
{
    if (!s) {
        stc_buf_puts(b, "None");
        return;
    }
    stc_buf_putc(b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            stc_buf_printf(b, "\\%c", *p);
        else if (*p == '\n')
            stc_buf_puts(b, "\\n");
        else if (*p < 0x20 || *p == 0x7f)
            stc_buf_printf(b, "\\x%02x", *p);
        else
            stc_buf_putc(b, (char)*p);
    }
    stc_buf_putc(b, '"');
}

static const char *stc_py_bool(bool v)
{
    return v ? "True" : "False";
}

static bool stc_param_required(const stc_param *p)
{
    return !p->default_text && !p->vararg && !p->kwarg;
}

/* The route parameter of Python parameter p, or NULL. */
static const stc_route_param *stc_route_param_of(const stc_route_param *rp, size_t n, const stc_param *p)
{
    for (size_t i = 0; rp && i < n; i++)
        if (rp[i].param == p || (rp[i].name && strcmp(rp[i].name, p->name) == 0))
            return &rp[i];
    return NULL;
}

/* One entry per parameter. With a route, "in" says where it travels, and a
 * parameter the route calls optional although Python gives it no default
 * (Optional[T] without "= None") gets None when absent. */
static void stc_add_params(stc_buf *b, const stc_method *m, const stc_route_param *rp, size_t nrp,
                           const char *indent)
{
    for (size_t i = 0; i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        if (p->vararg || p->kwarg)
            continue;
        if (rp && strcmp(p->name, STC_CALLER_PARAM) == 0) {
            /* A route's caller: the authenticated identity, from the request
             * context (stc_runtime._caller), never from the request. */
            stc_buf_puts(b, indent);
            stc_buf_puts(b, "{\"name\": ");
            stc_py_str(b, p->name);
            stc_buf_puts(b, ", \"type\": ");
            stc_py_str(b, p->annotation);
            stc_buf_puts(b, ", \"required\": False, \"in\": \"caller\"},\n");
            continue;
        }
        const stc_route_param *r = stc_route_param_of(rp, nrp, p);
        stc_buf_puts(b, indent);
        stc_buf_puts(b, "{\"name\": ");
        stc_py_str(b, p->name);
        stc_buf_puts(b, ", \"type\": ");
        stc_py_str(b, p->annotation);
        bool required = stc_param_required(p);
        stc_buf_puts(b, ", \"required\": ");
        stc_buf_puts(b, stc_py_bool(required && (!r || r->required)));
        stc_buf_puts(b, ", \"in\": ");
        stc_py_str(b, r ? stc_param_in_name(r->in) : NULL);
        if (required && r && !r->required)
            stc_buf_puts(b, ", \"default_none\": True");
        stc_buf_puts(b, "},\n");
    }
}

static bool stc_has_kwargs(const stc_method *m)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (m->params[i].kwarg)
            return true;
    return false;
}

/* The event conversion of a triggered function (docs/triggers.md): the
 * real event shapes become the fields of core/triggers.h, and the method
 * is called with those its parameters name, checked like a direct
 * invocation. An SQS batch answers batchItemFailures with the messages
 * whose call raised, so only those return to the queue. */
static const char trigger_code[] =
    "def _json_or_text(text):\n"
    "    try:\n"
    "        return json.loads(text)\n"
    "    except (TypeError, ValueError):\n"
    "        return text\n"
    "\n\n"
    "def _call(fields, context):\n"
    "    names = {p[\"name\"] for p in FUNCTION[\"params\"]}\n"
    "    args = {k: v for k, v in fields.items() if k in names}\n"
    "    return stc_runtime.dispatch(_service, FUNCTION, args, context)\n"
    "\n\n"
    "def _object_fields(kind, key, size, bucket, etag, time):\n"
    "    fields = {\"key\": key, \"bucket\": bucket, \"time\": time}\n"
    "    if kind == \"object_created\":\n"
    "        fields.update(size=size, etag=etag)\n"
    "    return fields\n"
    "\n\n"
    "def _trigger_event(event, context):\n"
    "    \"\"\"(True, answer) when the event comes from one of TRIGGERS, else (False, None).\"\"\"\n"
    "    if not isinstance(event, dict):\n"
    "        return False, None\n"
    "    detail_type = event.get(\"detail-type\")\n"
    "    if event.get(\"source\") == \"aws.events\" and detail_type == \"Scheduled Event\" \\\n"
    "            and \"schedule\" in TRIGGERS:\n"
    "        return True, _call({\"time\": event.get(\"time\")}, context)\n"
    "    if event.get(\"source\") == \"aws.s3\" and detail_type in (\"Object Created\", \"Object Deleted\"):\n"
    "        kind = \"object_created\" if detail_type == \"Object Created\" else \"object_removed\"\n"
    "        if kind in TRIGGERS:\n"
    "            detail = event.get(\"detail\") or {}\n"
    "            obj = detail.get(\"object\") or {}\n"
    "            return True, _call(_object_fields(kind, obj.get(\"key\"), obj.get(\"size\"),\n"
    "                                              (detail.get(\"bucket\") or {}).get(\"name\"), obj.get(\"etag\"),\n"
    "                                              event.get(\"time\")), context)\n"
    "    records = event.get(\"Records\")\n"
    "    if not isinstance(records, list) or not records or not isinstance(records[0], dict):\n"
    "        return False, None\n"
    "    source = records[0].get(\"eventSource\") or records[0].get(\"EventSource\")\n"
    "    if source == \"aws:sqs\" and \"queue\" in TRIGGERS:\n"
    "        failures = []\n"
    "        for record in records:\n"
    "            try:\n"
    "                attributes = record.get(\"attributes\") or {}\n"
    "                _call({\"message\": _json_or_text(record.get(\"body\")), \"message_id\": record.get(\"messageId\"),\n"
    "                       \"receive_count\": int(attributes.get(\"ApproximateReceiveCount\", \"1\"))}, context)\n"
    "            except Exception:\n"
    "                sys.stderr.write(\"stc_runtime: %s raised for message %s:\\n%s\"\n"
    "                                 % (FUNCTION[\"name\"], record.get(\"messageId\"), traceback.format_exc()))\n"
    "                failures.append({\"itemIdentifier\": record.get(\"messageId\")})\n"
    "        return True, {\"batchItemFailures\": failures}\n"
    "    if source == \"aws:sns\" and \"topic\" in TRIGGERS:\n"
    "        results = []\n"
    "        for record in records:\n"
    "            sns = record.get(\"Sns\") or {}\n"
    "            results.append(_call({\"message\": _json_or_text(sns.get(\"Message\")), \"subject\": sns.get(\"Subject\"),\n"
    "                                  \"message_id\": sns.get(\"MessageId\"), \"topic\": sns.get(\"TopicArn\"),\n"
    "                                  \"time\": sns.get(\"Timestamp\")}, context))\n"
    "        return True, results\n"
    "    if source == \"aws:s3\":\n"
    "        results = []\n"
    "        for record in records:\n"
    "            name = str(record.get(\"eventName\", \"\"))\n"
    "            kind = (\"object_created\" if name.startswith(\"ObjectCreated:\")\n"
    "                    else \"object_removed\" if name.startswith(\"ObjectRemoved:\") else name)\n"
    "            if kind not in TRIGGERS:\n"
    "                raise stc_runtime.InvalidArguments(\"%s has no trigger for S3 %s events\" % (FUNCTION[\"name\"], name))\n"
    "            s3 = record.get(\"s3\") or {}\n"
    "            obj = s3.get(\"object\") or {}\n"
    "            # S3 notifications URL-encode the key (a space is '+').\n"
    "            key = urllib.parse.unquote_plus(obj.get(\"key\", \"\"))\n"
    "            results.append(_call(_object_fields(kind, key, obj.get(\"size\"), (s3.get(\"bucket\") or {}).get(\"name\"),\n"
    "                                                obj.get(\"eTag\"), record.get(\"eventTime\")), context))\n"
    "        return True, results\n"
    "    return False, None\n"
    "\n\n";

char *stc_handler_generate(const stc_service *svc, const stc_unit_info *u, const stc_slice *slice)
{
    const stc_module *mod = svc->module;
    const char *cls = mod && mod->service ? mod->service->name : "Service";
    const stc_method *m = u->method;
    /* The kinds of trigger that start this function, in any mode, so that
     * the handler (and the digest) is the same in every mode. */
    const stc_triggers *trs = svc->config ? svc->config->triggers : NULL;
    bool kinds[STC_TRIGGER__COUNT] = {false};
    bool triggered = false;
    for (size_t i = 0; trs && i < trs->count; i++)
        if (trs->items[i].target && strcmp(trs->items[i].target, m->name) == 0) {
            kinds[trs->items[i].kind] = true;
            triggered = true;
        }
    stc_buf b = STC_BUF_INIT;
    /* A module written the way the design's authors write theirs imports
     * jdict and the caios interfaces: the runtime provides them first. */
    bool compat = false;
    for (size_t i = 0; mod && i < mod->imports.count; i++) {
        const stc_node *imp = mod->imports.items[i];
        const char *from = imp->kind == STC_N_IMPORT_FROM ? imp->sval : NULL;
        for (size_t j = 0; j < imp->l1.count; j++) {
            const char *name = from ? from : imp->l1.items[j]->id;
            if (name && (strcmp(name, "jdict") == 0 || strcmp(name, "caios") == 0 || strncmp(name, "caios.", 6) == 0))
                compat = true;
        }
    }
    stc_buf_printf(&b,
                   "# Generated by stc-tui for %s.%s: do not edit.\n"
                   "# Lambda handler setting: " STC_HANDLER_ENTRY ". See stc_runtime for the event rules.\n"
                   "%s"
                   "%s",
                   cls, m->name, triggered ? "import json\nimport sys\nimport traceback\nimport urllib.parse\n\n" : "",
                   compat ? "import stc_runtime\n\nstc_runtime.install_compat()\nimport service  # noqa: E402\n\n"
                          : "import service\nimport stc_runtime\n\n");

    stc_buf_puts(&b, "FUNCTION = {\n    \"name\": ");
    stc_py_str(&b, m->name);
    stc_buf_puts(&b, ",\n    \"kind\": \"");
    stc_buf_puts(&b, stc_kind_json(u->kind));
    stc_buf_puts(&b, "\",\n");
    const stc_route *route = svc->routes ? stc_routes_find(svc->routes, m->name) : NULL;
    const stc_ws_route *ws = svc->routes ? stc_routes_find_ws(svc->routes, m->name) : NULL;
    if (u->kind == STC_KIND_REST) {
        stc_buf_puts(&b, "    \"method\": ");
        stc_py_str(&b, route ? route->http_method : stc_naming_group_method(u->group));
        if (route) {
            stc_buf_puts(&b, ",\n    \"path\": ");
            stc_py_str(&b, route->path);
        }
        stc_buf_puts(&b, ",\n    \"status\": 200,\n");
    }
    if (ws) {
        stc_buf_puts(&b, "    \"route_key\": ");
        stc_py_str(&b, ws->route_key);
        stc_buf_puts(&b, ",\n");
    }
    stc_buf_puts(&b, "    \"kwargs\": ");
    stc_buf_puts(&b, stc_py_bool(stc_has_kwargs(m)));
    stc_buf_puts(&b, ",\n    \"params\": [\n");
    if (route)
        stc_add_params(&b, m, route->params, route->nparams, "        ");
    else if (ws)
        stc_add_params(&b, m, ws->params, ws->nparams, "        ");
    else
        stc_add_params(&b, m, NULL, 0, "        ");
    stc_buf_puts(&b, "    ],\n}\n\n");

    const stc_method *init = mod ? stc_module_method(mod, "__init__") : NULL;
    stc_buf_puts(&b, "INIT_PARAMS = [\n");
    for (size_t i = 0; init && i < init->nparams; i++) {
        const stc_param *p = &init->params[i];
        if (p->vararg || p->kwarg)
            continue;
        stc_buf_puts(&b, "    {\"name\": ");
        stc_py_str(&b, p->name);
        stc_buf_puts(&b, ", \"type\": ");
        stc_py_str(&b, p->annotation);
        stc_buf_puts(&b, ", \"required\": ");
        stc_buf_puts(&b, stc_py_bool(stc_param_required(p)));
        stc_buf_puts(&b, ", \"env\": \"");
        stc_add_env_name(&b, STC_ENV_PARAM, p->name);
        stc_buf_puts(&b, "\"},\n");
    }
    stc_buf_puts(&b, "]\n\nRESOURCES = [\n");
    for (size_t i = 0; i < slice->nresources; i++) {
        const stc_slice_resource *r = &slice->resources[i];
        stc_buf_puts(&b, "    {\"attr\": ");
        stc_py_str(&b, r->attr);
        stc_buf_puts(&b, ", \"kind\": \"");
        stc_buf_puts(&b, stc_slice_kind_name(r->kind));
        stc_buf_puts(&b, "\", \"env\": \"");
        stc_add_env_name(&b, stc_slice_kind_env(r->kind), r->attr);
        stc_buf_puts(&b, "\", \"key_type\": ");
        stc_py_str(&b, r->key_type);
        stc_buf_puts(&b, "},\n");
    }
    stc_buf_puts(&b, "]\n\nCALLS = [\n");
    for (size_t i = 0; i < slice->ncalls; i++) {
        const stc_unit_info *c = slice->calls[i];
        bool lambda = c->unit == STC_UNIT_LAMBDA;
        stc_buf_puts(&b, "    {\"attr\": ");
        stc_py_str(&b, c->method->name);
        stc_buf_puts(&b, ", \"unit\": \"");
        stc_buf_puts(&b, lambda ? "lambda" : "state_machine");
        stc_buf_puts(&b, "\", \"env\": \"");
        stc_add_env_name(&b, lambda ? STC_ENV_FUNCTION : STC_ENV_STATE_MACHINE, c->method->name);
        stc_buf_puts(&b, "\", \"params\": [");
        size_t k = 0;
        for (size_t j = 0; j < c->method->nparams; j++) {
            if (c->method->params[j].vararg || c->method->params[j].kwarg)
                continue;
            if (k++)
                stc_buf_puts(&b, ", ");
            stc_py_str(&b, c->method->params[j].name);
        }
        stc_buf_puts(&b, "]},\n");
    }
    stc_buf_puts(&b, "]\n\n");
    if (triggered) {
        stc_buf_puts(&b, "# The sources that start this function (SERVICE.stc.yaml, triggers:).\nTRIGGERS = [");
        size_t k = 0;
        for (int i = 0; i < STC_TRIGGER__COUNT; i++)
            if (kinds[i])
                stc_buf_printf(&b, "%s\"%s\"", k++ ? ", " : "", stc_trigger_kind_json((stc_trigger_kind)i));
        stc_buf_puts(&b, "]\n\n");
    }
    stc_buf_puts(&b, "_service = None\n\n\n");
    if (triggered)
        stc_buf_puts(&b, trigger_code);
    stc_buf_puts(&b, "def handler(event, context):\n"
                     "    global _service\n"
                     "    if _service is None:\n"
                     "        _service = stc_runtime.build_service(service.");
    stc_buf_puts(&b, cls);
    stc_buf_puts(&b, ", INIT_PARAMS, RESOURCES, CALLS,\n"
                     "                                             vars(service))\n");
    if (triggered)
        stc_buf_puts(&b, "    handled, answer = _trigger_event(event, context)\n"
                         "    if handled:\n"
                         "        return answer\n");
    stc_buf_puts(&b, "    return stc_runtime.dispatch(_service, FUNCTION, event, context)\n");
    return stc_buf_take(&b);
}

char *stc_handler_generate_starter(const stc_service *svc, const stc_unit_info *u)
{
    const stc_module *mod = svc->module;
    const char *cls = mod && mod->service ? mod->service->name : "Service";
    const stc_method *m = u->method;
    const stc_route *route = svc->routes ? stc_routes_find(svc->routes, m->name) : NULL;
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b,
                   "# Generated by stc-tui for %s.%s: do not edit.\n"
                   "# The starter of the workflow's route (Lambda handler setting: " STC_HANDLER_ENTRY "): it\n"
                   "# binds the request as a synchronous route does and starts the state machine\n"
                   "# (STC_START: standard answers 202, express answers the execution's output).\n"
                   "import stc_runtime\n\n",
                   cls, m->name);
    stc_buf_puts(&b, "FUNCTION = {\n    \"name\": ");
    stc_py_str(&b, m->name);
    stc_buf_puts(&b, ",\n    \"kind\": \"rest\",\n    \"method\": ");
    stc_py_str(&b, route ? route->http_method : stc_naming_group_method(u->group));
    if (route) {
        stc_buf_puts(&b, ",\n    \"path\": ");
        stc_py_str(&b, route->path);
    }
    stc_buf_puts(&b, ",\n    \"status\": 202,\n    \"kwargs\": False,\n    \"params\": [\n");
    if (route)
        stc_add_params(&b, m, route->params, route->nparams, "        ");
    else
        stc_add_params(&b, m, NULL, 0, "        ");
    stc_buf_puts(&b, "    ],\n    \"state_machine\": \"");
    stc_add_env_name(&b, STC_ENV_STATE_MACHINE, m->name);
    /* An execution failing with one of the module's exceptions answers 400. */
    stc_buf_puts(&b, "\",\n    \"errors\": [");
    size_t k = 0;
    for (size_t i = 0; mod && i < mod->nclasses; i++) {
        if (&mod->classes[i] == mod->service)
            continue;
        if (k++)
            stc_buf_puts(&b, ", ");
        stc_py_str(&b, mod->classes[i].name);
    }
    stc_buf_puts(&b, "],\n}\n\n\n"
                     "def handler(event, context):\n"
                     "    return stc_runtime.start_route(FUNCTION, event, context)\n");
    return stc_buf_take(&b);
}

bool stc_handler_starter_binds(const stc_service *svc, const stc_unit_info *u)
{
    if (u->unit != STC_UNIT_STATE_MACHINE || u->kind != STC_KIND_REST || !svc->routes)
        return false;
    const stc_route *r = stc_routes_find(svc->routes, u->method->name);
    if (!r)
        return false;
    bool caller = false;
    for (size_t i = 0; i < u->method->nparams; i++)
        caller = caller || strcmp(u->method->params[i].name, STC_CALLER_PARAM) == 0;
    return r->npath + r->nquery > 0 || caller;
}
