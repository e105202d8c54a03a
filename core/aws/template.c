/* template.c - see template.h and docs/template.md. */
#include "core/aws/template.h"

/* The longest unit name the template accepts: the Lambda function and its log
 * group, the state machine (after the stack name), logical IDs with their
 * suffixes and the package file are all named after it, and AWS's shortest
 * of those limits (64 for a function name) decides. */
#define STC_TEMPLATE_NAME_MAX 64

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/aws/express.h"
#include "core/aws/handler.h"
#include "core/bindings.h"
#include "core/aws/iam.h"
#include "core/aws/nag.h"
#include "core/aws/package.h"
#include "core/triggers.h"
#include "core/yaml_out.h"

/* ---- the mode table ---------------------------------------------------------- */

static const char *const mode_names[] = {
#define STC_MODE(id, name, doc) name,
#include "core/aws/modes.def"
#undef STC_MODE
};

static const stc_setting_def setting_defs[] = {
#define STC_SETTING(id, key, type, scope, nullable, min, max, choices, dev, test, stage, prod, doc) \
    {key, STC_CFG_##type, STC_CFG_##scope, nullable, min, max, choices, {dev, test, stage, prod}, doc},
#include "core/aws/modes.def"
#undef STC_SETTING
};

static const stc_config_schema aws_schema = {mode_names, STC_MODE__COUNT, setting_defs, STC_SET__COUNT};

const stc_config_schema *stc_aws_config_schema(void)
{
    return &aws_schema;
}

/* ---- intrinsics ----------------------------------------------------------- */

cJSON *stc_template_ref(const char *name)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Ref", name);
    return o;
}

cJSON *stc_template_getatt(const char *res, const char *attr)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "Fn::GetAtt");
    cJSON_AddItemToArray(a, cJSON_CreateString(res));
    cJSON_AddItemToArray(a, cJSON_CreateString(attr));
    return o;
}

cJSON *stc_template_sub(const char *text)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Fn::Sub", text);
    return o;
}

static cJSON *stc_subf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static cJSON *stc_subf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = stc_xvasprintf(fmt, ap);
    va_end(ap);
    cJSON *o = stc_template_sub(s);
    free(s);
    return o;
}

/* FNV-1a: the logical ids of deployments change with what they deploy. */
static uint32_t stc_fnv(uint32_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

/* ---- build context -------------------------------------------------------- */

#define STC_KEY "DataKey"
/* The newest Python runtime Lambda offers (CloudFormation's resource schema of
 * AWS::Lambda::Function lists it last); the mode table's default. */
#define STC_NEWEST_RUNTIME "python3.14"
#define STC_DLQ "DeadLetterQueue"
#define STC_LOG_BUCKET "AccessLogBucket"
#define STC_ACCESS_LOG_GROUP "ApiAccessLogGroup"
#define STC_MAX_RECEIVE_COUNT 5
#define STC_JWT_AUTHORIZER "HttpApiJwtAuthorizer"
#define STC_WS_AUTHORIZER "WebSocketAuthorizer" /* the REQUEST authorizer of JWTs at $connect */
#define STC_WS_TOKEN_SOURCE "route.request.querystring.token"
#define STC_WS_AUTHORIZER_TIMEOUT 10 /* seconds: a JWKS fetch and one RSA verification */
#define STC_ARN_PREFIX "arn:${AWS::Partition}"
#define STC_EVENTS_RULE                                                                                 \
    STC_ARN_PREFIX ":events:${AWS::Region}:${AWS::AccountId}:rule/"                                     \
                   "StepFunctionsGetEventsForStepFunctionsExecutionRule"

typedef struct stc_tb {
    const stc_spec *spec;
    const stc_config *cfg;
    stc_diags *d;
    cJSON *root;
    cJSON *resources;
    stc_name_index res_names; /* the names of `resources` (borrowed from the tree) ... */
    cJSON **res_items;        /* ... and their entries, in the same order */
    cJSON *outputs;
    bool kms;
    const char *mode;
    cJSON *ws_routes; /* DependsOn list of the WebSocket deployment */
    uint32_t ws_hash;
    bool sync_api;    /* Express async routes: the REST API that answers them */
    bool dlq;         /* the service's dead-letter queue exists (stc_tb_needs_dlq) */
    bool access_logs; /* access_logs: the API access log group, the S3 log bucket */
    bool log_bucket;  /* the S3 server access log bucket exists */
    cJSON *dlq_rules; /* ARNs of the EventBridge rules that may send to the dead-letter queue */
    cJSON *dlq_topics; /* ARNs of the SNS topics that may send to it */
    cJSON *sync_methods; /* DependsOn list of its deployment */
    uint32_t sync_hash;
    char **sync_paths, **sync_res; /* its path resources: path prefix -> logical id */
    size_t nsync_res;
    int nparams, nresources, noutputs; /* entries of the sections, for the quotas */
} stc_tb;

static const stc_setting_value *stc_tb_get(const stc_tb *t, const char *unit, stc_aws_setting s)
{
    return stc_config_get(t->cfg, unit, s);
}

static long long stc_tb_int(const stc_tb *t, const char *unit, stc_aws_setting s)
{
    return stc_config_int(t->cfg, unit, s);
}

static bool stc_tb_bool(const stc_tb *t, const char *unit, stc_aws_setting s)
{
    return stc_config_bool(t->cfg, unit, s);
}

static const char *stc_tb_str(const stc_tb *t, const char *unit, stc_aws_setting s)
{
    return stc_config_str(t->cfg, unit, s);
}

/* A new resource; returns its Properties. `data`: a resource that holds
 * data, whose deletion and replacement policies follow retain_data. */
static cJSON *stc_tb_res(stc_tb *t, const char *logical, const char *type, bool data, cJSON *depends_on)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(t->resources, logical, r);
    /* the index: a resource's entry is looked up again for each
     * acknowledgement, and a scan of Resources made that quadratic */
    size_t k = t->res_names.n;
    stc_name_index_add(&t->res_names, r->string);
    t->res_items = stc_xrealloc(t->res_items, t->res_names.n * sizeof *t->res_items);
    t->res_items[k] = r;
    t->nresources++;
    cJSON_AddStringToObject(r, "Type", type);
    if (data) {
        const char *pol = stc_tb_bool(t, NULL, STC_SET_RETAIN_DATA) ? "Retain" : "Delete";
        cJSON_AddStringToObject(r, "DeletionPolicy", pol);
        cJSON_AddStringToObject(r, "UpdateReplacePolicy", pol);
    }
    if (depends_on)
        cJSON_AddItemToObject(r, "DependsOn", depends_on);
    return cJSON_AddObjectToObject(r, "Properties");
}

/* The resource object (Type, Properties, Metadata) of `logical`. */
static cJSON *stc_tb_resource(const stc_tb *t, const char *logical)
{
    long k = stc_name_index_find(&t->res_names, logical);
    return k < 0 ? NULL : t->res_items[k];
}

static void stc_tb_ack(const stc_tb *t, const char *logical, stc_nag_ack ack)
{
    stc_nag_acknowledge(stc_tb_resource(t, logical), ack, NULL);
}

static void stc_tb_output(stc_tb *t, const char *name, const char *desc, cJSON *value)
{
    cJSON *o = cJSON_AddObjectToObject(t->outputs, name);
    t->noutputs++;
    cJSON_AddStringToObject(o, "Description", desc);
    cJSON_AddItemToObject(o, "Value", value);
}

static cJSON *stc_str_array(const char *const *items, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
    return a;
}

static void stc_tb_alarm_actions(stc_tb *t, cJSON *props)
{
    const char *topic = stc_tb_str(t, NULL, STC_SET_ALARM_TOPIC);
    if (topic) {
        cJSON *a = cJSON_AddArrayToObject(props, "AlarmActions");
        cJSON_AddItemToArray(a, cJSON_CreateString(topic));
    }
}

/* ---- who may call the routes (docs/hardening.md) ------------------------------ */

typedef enum stc_auth { STC_AUTH_NONE, STC_AUTH_IAM, STC_AUTH_JWT } stc_auth; /* the choices' order */

static stc_auth stc_tb_auth(const stc_tb *t, const char *unit)
{
    return (stc_auth)stc_tb_get(t, unit, STC_SET_AUTH)->i;
}

/* The unit of the WebSocket route $connect, or NULL. */
static const stc_spec_unit *stc_tb_connect_unit(const stc_tb *t)
{
    for (size_t i = 0; i < t->spec->nunits; i++) {
        const stc_spec_unit *u = &t->spec->units[i];
        if (u->ws_route && !strcmp(u->ws_route->route_key, "$connect"))
            return u;
    }
    return NULL;
}

/* Who may open a WebSocket connection: the auth of the $connect handler, or
 * the service's when there is none. */
static stc_auth stc_tb_ws_auth(const stc_tb *t)
{
    const stc_spec_unit *c = stc_tb_connect_unit(t);
    return stc_tb_auth(t, c ? c->name : NULL);
}

/* Does the route of async unit u go through its starter function (rather
 * than straight to Step Functions)? When the execution needs more than the
 * body: path or query parameters, the caller; and for an Express route
 * every authorized one (its REST API serves public routes only). */
static bool stc_tb_starter(const stc_tb *t, const stc_spec_unit *u)
{
    if (u->info->unit != STC_UNIT_STATE_MACHINE || !u->route)
        return false;
    if (stc_handler_starter_binds(t->spec->svc, u->info))
        return true;
    return stc_express(t->cfg, u->name) && stc_tb_auth(t, u->name) != STC_AUTH_NONE;
}

/* Does an HTTP route of the service use the JWT authorizer? */
static bool stc_tb_uses_jwt(const stc_tb *t)
{
    for (size_t i = 0; i < t->spec->nunits; i++)
        if (t->spec->units[i].route && stc_tb_auth(t, t->spec->units[i].name) == STC_AUTH_JWT)
            return true;
    return false;
}

/* ---- checks: impossible combinations ----------------------------------------- */

static const char *stc_tb_file(const stc_tb *t)
{
    return t->cfg->path ? t->cfg->path : t->spec->svc->file;
}

/* Where a unit's setting comes from: the configuration's line, or the
 * method when it is a built-in value. */
static stc_diag *stc_tb_setting_diag(stc_tb *t, const stc_spec_unit *u, const stc_setting_value *v,
                                     stc_severity sev, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static stc_diag *stc_tb_setting_diag(stc_tb *t, const stc_spec_unit *u, const stc_setting_value *v,
                                     stc_severity sev, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    const stc_method *m = u ? u->info->method : NULL;
    const stc_class *cls = t->spec->svc->module ? t->spec->svc->module->service : NULL;
    stc_diag *dg;
    if (v->line)
        dg = stc_diag_add(t->d, sev, stc_tb_file(t), v->line, v->col, code, "%s", msg);
    else
        dg = stc_diag_add(t->d, sev, t->spec->svc->file, m ? m->name_pos.line : cls ? cls->pos.line : 0,
                          m ? m->name_pos.col : cls ? cls->pos.col : 0, code, "%s", msg);
    free(msg);
    return dg;
}

/* auth: jwt needs the mode's issuer and audience (u: the unit whose auth
 * says jwt; NULL: the service's, for its own $connect route). */
static bool stc_tb_check_jwt(stc_tb *t, const stc_spec_unit *u, const stc_setting_value *a)
{
    const stc_setting_value *iss = stc_tb_get(t, NULL, STC_SET_JWT_ISSUER);
    const stc_setting_value *aud = stc_tb_get(t, NULL, STC_SET_JWT_AUDIENCE);
    if (!iss->set || !aud->set) {
        char *who = u ? stc_xasprintf("'%s'", u->name) : stc_xstrdup("WebSocket connections (the service's auth)");
        stc_diag *dg = stc_tb_setting_diag(t, u, a, STC_SEV_ERROR, "STC563",
                                           "%s take%s JWTs (auth: jwt, mode %s), but jwt_%s is not set", who,
                                           u ? "s" : "", t->mode, !iss->set ? "issuer" : "audience");
        free(who);
        stc_diag_set_hint(dg, "set jwt_issuer (the token issuer's URL) and jwt_audience (the client ids) under "
                              "defaults: or modes.%s:", t->mode);
        return false;
    }
    if (strncmp(iss->s, "https://", 8) != 0 || !iss->s[8]) {
        stc_diag *dg = stc_tb_setting_diag(t, NULL, iss, STC_SEV_ERROR, "STC564",
                                           "jwt_issuer '%s' is not an https:// URL", iss->s);
        stc_diag_set_hint(dg, "Cognito: https://cognito-idp.<region>.amazonaws.com/<user pool id>");
        return false;
    }
    return true;
}

/* auth of one unit: jwt needs its issuer and audience; only $connect
 * carries an authorizer in a WebSocket API (JWTs through the generated
 * Lambda authorizer, docs/hardening.md). */
static bool stc_tb_check_auth(stc_tb *t, const stc_spec_unit *u)
{
    if (!u->route && !u->ws_route)
        return true;
    const stc_setting_value *a = stc_tb_get(t, u->name, STC_SET_AUTH);
    if (u->ws_route && strcmp(u->ws_route->route_key, "$connect") != 0) {
        const stc_setting_value *sv = stc_tb_get(t, NULL, STC_SET_AUTH);
        if (a->line && (a->line != sv->line || a->col != sv->col)) {
            stc_diag *dg = stc_tb_setting_diag(t, u, a, STC_SEV_ERROR, "STC568",
                                               "'%s' is WebSocket route %s: API Gateway authorizes a WebSocket client "
                                               "once, at $connect, so auth cannot be set for it",
                                               u->name, u->ws_route->route_key);
            stc_diag_set_hint(dg, "set auth for the $connect handler (on_connect), or for the service");
            return false;
        }
        return true;
    }
    return a->i != STC_AUTH_JWT || stc_tb_check_jwt(t, u, a);
}

static const char *const cors_keys[] = {"origins", "methods", "headers", "max_age", "credentials", "expose_headers"};

/* cors: {origins: [...], methods: [...], headers: [...], max_age: s,
 * credentials: bool, expose_headers: [...]}. */
static bool stc_tb_check_cors(stc_tb *t)
{
    const stc_setting_value *v = stc_tb_get(t, NULL, STC_SET_CORS);
    if (!v->set)
        return true;
    cJSON *c = cJSON_Parse(v->s);
    const char *why = NULL;
    const char *key = NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, c)
    {
        bool known = false;
        for (size_t i = 0; i < STC_ARRAY_LEN(cors_keys); i++)
            known = known || !strcmp(e->string, cors_keys[i]);
        if (!known) {
            key = e->string;
            why = "is not a CORS setting (origins, methods, headers, max_age, credentials, expose_headers)";
            break;
        }
        if (!strcmp(e->string, "max_age")) {
            if (!cJSON_IsNumber(e) || e->valuedouble < 0 || e->valuedouble > 86400 ||
                e->valuedouble != (double)(long)e->valuedouble)
                key = e->string, why = "must be a whole number of seconds, 0 to 86400";
        } else if (!strcmp(e->string, "credentials")) {
            if (!cJSON_IsBool(e))
                key = e->string, why = "must be true or false";
        } else {
            bool strings = cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0;
            const cJSON *x;
            cJSON_ArrayForEach(x, e) strings = strings && cJSON_IsString(x) && x->valuestring[0];
            if (!strings)
                key = e->string, why = "must be a list of words";
        }
        if (why)
            break;
    }
    const cJSON *origins = cJSON_GetObjectItemCaseSensitive(c, "origins");
    if (!why && !origins)
        key = "origins", why = "is missing: name the origins browsers may call from (https://app.example.com)";
    if (!why && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "credentials"))) {
        cJSON_ArrayForEach(e, origins) if (!strcmp(e->valuestring, "*")) key = "origins",
            why = "cannot be \"*\" with credentials: true (browsers refuse it)";
    }
    if (!why && !t->spec->has_http)
        stc_tb_setting_diag(t, NULL, v, STC_SEV_WARNING, "STC567",
                            "cors is set, but the service has no HTTP API for browsers to call");
    bool ok = true;
    if (why) {
        stc_diag *dg = stc_tb_setting_diag(t, NULL, v, STC_SEV_ERROR, "STC566", "cors: '%s' %s", key, why);
        stc_diag_set_hint(dg, "cors: {origins: [https://app.example.com], methods: [GET, POST], max_age: 600}");
        ok = false;
    }
    cJSON_Delete(c);
    return ok;
}

static bool stc_tb_check(stc_tb *t)
{
    bool ok = true;
    const stc_setting_value *bm = stc_tb_get(t, NULL, STC_SET_BILLING_MODE);
    stc_aws_setting caps[] = {STC_SET_READ_CAPACITY, STC_SET_WRITE_CAPACITY};
    for (size_t i = 0; i < 2; i++) {
        const stc_setting_value *v = stc_tb_get(t, NULL, caps[i]);
        if (v->set && strcmp(bm->s, "on_demand") == 0) {
            stc_diag *dg = stc_diag_add(t->d, STC_SEV_ERROR, stc_tb_file(t), v->line, v->col, "STC550",
                                        "%s is set, but billing_mode is on_demand in mode %s: on-demand tables have "
                                        "no provisioned capacity",
                                        setting_defs[caps[i]].key, t->mode);
            stc_diag_set_hint(dg, "set billing_mode: provisioned, or remove %s", setting_defs[caps[i]].key);
            ok = false;
        }
    }
    const stc_setting_value *topic = stc_tb_get(t, NULL, STC_SET_ALARM_TOPIC);
    if (topic->set) {
        if (strncmp(topic->s, "arn:", 4) != 0 || !strstr(topic->s, ":sns:")) {
            stc_diag *dg = stc_diag_add(t->d, STC_SEV_ERROR, stc_tb_file(t), topic->line, topic->col, "STC552",
                                        "alarm_topic '%s' is not an SNS topic ARN", topic->s);
            stc_diag_set_hint(dg, "write arn:aws:sns:<region>:<account>:<topic>");
            ok = false;
        } else if (!stc_tb_bool(t, NULL, STC_SET_ALARMS)) {
            stc_diag *dg = stc_diag_add(t->d, STC_SEV_WARNING, stc_tb_file(t), topic->line, topic->col, "STC551",
                                        "alarm_topic is set, but alarms are off in mode %s: nothing will notify it",
                                        t->mode);
            stc_diag_set_hint(dg, "set alarms: true for this mode");
        }
    }
    const stc_setting_value *rate = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_RATE);
    const stc_setting_value *burst = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_BURST);
    /* The built-in limits of every mode apply only where there is an API; a
     * limit the file sets for a service without one is worth a word. */
    if (((rate->set && rate->line) || (burst->set && burst->line)) && !t->spec->has_http &&
        !t->spec->has_websocket) {
        const stc_setting_value *v = rate->set && rate->line ? rate : burst;
        stc_diag_add(t->d, STC_SEV_WARNING, stc_tb_file(t), v->line, v->col, "STC554",
                     "API throttling is set, but the service has no HTTP or WebSocket API");
    }
    for (size_t i = 0; i < t->spec->nunits; i++) {
        const stc_spec_unit *u = &t->spec->units[i];
        const stc_method *m = u->info->method;
        size_t name_len = strlen(u->name);
        if (name_len > STC_TEMPLATE_NAME_MAX) {
            stc_diag *dg = stc_diag_add(t->d, STC_SEV_ERROR, t->spec->svc->file, m->name_pos.line, m->name_pos.col,
                                        "STC558",
                                        "'%.32s...' is %zu characters long: the AWS names made from it (function, "
                                        "log group, state machine, package file) allow at most %d",
                                        u->name, name_len, STC_TEMPLATE_NAME_MAX);
            stc_diag_set_hint(dg, "shorten the method name");
            ok = false;
            continue;
        }
        if (u->info->unit == STC_UNIT_LAMBDA && u->route) {
            const stc_setting_value *to = stc_tb_get(t, u->name, STC_SET_TIMEOUT);
            if (to->i > 30) {
                stc_diag *dg = stc_diag_add(t->d, STC_SEV_WARNING, to->line ? stc_tb_file(t) : t->spec->svc->file,
                                            to->line ? to->line : m->name_pos.line,
                                            to->line ? to->col : m->name_pos.col, "STC553",
                                            "'%s' may run %lld s, but the HTTP API answers 503 after 30 s",
                                            u->name, to->i);
                stc_diag_set_hint(dg, "keep HTTP functions under 30 s; move long work into an async method");
            }
        }
        ok = stc_tb_check_auth(t, u) && ok;
    }
    if (t->spec->has_websocket && !stc_tb_connect_unit(t) && stc_tb_ws_auth(t) == STC_AUTH_JWT)
        /* no on_connect: the service's auth is that of its own $connect route */
        ok = stc_tb_check_jwt(t, NULL, stc_tb_get(t, NULL, STC_SET_AUTH)) && ok;
    ok = stc_tb_check_cors(t) && ok;
    return ok;
}

/* Cycles of references between units (a function's environment names the
 * units it calls; a state machine's definition names its tasks):
 * CloudFormation cannot create them. */
static bool stc_tb_edges(const stc_spec_unit *u, const stc_spec *spec, const stc_spec_unit **out, size_t *n)
{
    *n = 0;
    if (u->info->unit == STC_UNIT_LAMBDA) {
        for (size_t i = 0; i < u->access->ninvokes; i++)
            out[(*n)++] = stc_spec_unit_find(spec, u->access->invokes[i]);
        for (size_t i = 0; i < u->access->nstarts; i++)
            out[(*n)++] = stc_spec_unit_find(spec, u->access->starts[i]);
    } else if (u->workflow) {
        for (size_t i = 0; i < u->workflow->nstates; i++) {
            const stc_wf_state *s = &u->workflow->states[i];
            if (s->call == STC_WF_CALL_FUNCTION || s->call == STC_WF_CALL_WORKFLOW)
                out[(*n)++] = stc_spec_unit_find(spec, s->callee);
        }
    }
    return *n > 0;
}

static bool stc_tb_cycle_from(stc_tb *t, size_t i, int *color, size_t *stack, size_t depth)
{
    const stc_spec *spec = t->spec;
    color[i] = 1;
    stack[depth] = i;
    size_t cap = spec->units[i].access->ninvokes + spec->units[i].access->nstarts +
                 (spec->units[i].workflow ? spec->units[i].workflow->nstates : 0) + 1;
    const stc_spec_unit **out = stc_xcalloc(cap, sizeof *out);
    size_t n;
    stc_tb_edges(&spec->units[i], spec, out, &n);
    bool found = false;
    for (size_t k = 0; k < n && !found; k++) {
        if (!out[k])
            continue;
        size_t j = (size_t)(out[k] - spec->units);
        if (color[j] == 1) {
            stc_buf path = STC_BUF_INIT;
            size_t from = 0;
            while (stack[from] != j)
                from++;
            for (size_t s = from; s <= depth; s++)
                stc_buf_printf(&path, "%s -> ", spec->units[stack[s]].name);
            stc_buf_puts(&path, spec->units[j].name);
            const stc_method *m = spec->units[j].info->method;
            stc_diag *dg = stc_diag_add(t->d, STC_SEV_ERROR, spec->svc->file, m->name_pos.line, m->name_pos.col,
                                        "STC555", "units call each other in a cycle (%s): the template cannot "
                                        "create resources that name each other",
                                        stc_buf_cstr(&path));
            stc_diag_set_hint(dg, "break the cycle, for example with a loop in a workflow");
            stc_buf_free(&path);
            found = true;
        } else if (color[j] == 0) {
            found = stc_tb_cycle_from(t, j, color, stack, depth + 1);
        }
    }
    free(out);
    color[i] = 2;
    return found;
}

static bool stc_tb_no_cycles(stc_tb *t)
{
    size_t n = t->spec->nunits;
    int *color = stc_xcalloc(n + 1, sizeof *color);
    size_t *stack = stc_xcalloc(n + 1, sizeof *stack);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++)
        if (!color[i])
            found = stc_tb_cycle_from(t, i, color, stack, 0);
    free(color);
    free(stack);
    return !found;
}

/* ---- triggers deployed in this mode (core/triggers.h, docs/triggers.md) ---- */

/* The triggers of this mode's configuration, once checked against the service. */
static const stc_triggers *stc_tb_triggers(const stc_tb *t)
{
    return t->cfg->triggers && t->cfg->triggers->checked ? t->cfg->triggers : NULL;
}

static bool stc_tb_trigger_on(const stc_tb *t, const stc_trigger *tr)
{
    return tr->unit && stc_trigger_enabled(tr, t->cfg->mode);
}

/* Is resource r the source of a trigger deployed in this mode? */
static bool stc_tb_resource_triggered(const stc_tb *t, const stc_resource *r)
{
    const stc_triggers *trs = stc_tb_triggers(t);
    for (size_t i = 0; trs && i < trs->count; i++) {
        const stc_trigger *tr = &trs->items[i];
        if (stc_tb_trigger_on(t, tr) && tr->resource >= 0 && &t->spec->res->resources[tr->resource] == r)
            return true;
    }
    return false;
}

/* A queue polled by a function must hide a received message for longer
 * than the function may run (Lambda refuses the mapping otherwise); AWS
 * advises six times the timeout. 0 when the queue feeds no trigger. */
static long long stc_tb_queue_visibility(const stc_tb *t, const stc_resource *r)
{
    const stc_triggers *trs = stc_tb_triggers(t);
    long long v = 0;
    for (size_t i = 0; trs && i < trs->count; i++) {
        const stc_trigger *tr = &trs->items[i];
        if (!stc_tb_trigger_on(t, tr) || tr->kind != STC_TRIGGER_QUEUE || tr->resource < 0 ||
            &t->spec->res->resources[tr->resource] != r)
            continue;
        long long want = 6 * stc_tb_int(t, tr->unit->method->name, STC_SET_TIMEOUT);
        v = want > v ? want : v;
    }
    if (v == 0)
        return 0;
    return v < 30 ? 30 : v > 43200 ? 43200 : v;
}

/* Does trigger tr invoke its target asynchronously (EventBridge, SNS), rather
 * than a queue's poller? */
static bool stc_tb_trigger_async(const stc_trigger *tr)
{
    return tr->kind != STC_TRIGGER_QUEUE;
}

/* Is Lambda unit u invoked asynchronously in this mode (by a trigger)? */
static bool stc_tb_invoked_async(const stc_tb *t, const stc_spec_unit *u)
{
    const stc_triggers *trs = stc_tb_triggers(t);
    for (size_t i = 0; trs && i < trs->count; i++) {
        const stc_trigger *tr = &trs->items[i];
        if (stc_tb_trigger_on(t, tr) && tr->unit == u->info && stc_tb_trigger_async(tr))
            return true;
    }
    return false;
}

/* The dead-letter queue is needed by the service's own queues (their
 * redrive policy) and by every trigger EventBridge or SNS delivers. */
static bool stc_tb_needs_dlq(const stc_tb *t)
{
    const stc_resources *res = t->spec->res;
    for (size_t i = 0; i < res->nresources; i++)
        if (res->resources[i].binding == STC_BIND_NONE && res->resources[i].kind == STC_RES_QUEUE)
            return true;
    const stc_triggers *trs = stc_tb_triggers(t);
    for (size_t i = 0; trs && i < trs->count; i++)
        if (stc_tb_trigger_on(t, &trs->items[i]) && stc_tb_trigger_async(&trs->items[i]))
            return true;
    return false;
}

/* Does the stack create an S3 bucket (one of the service's, or a store the
 * bindings back with a new bucket)? */
static bool stc_tb_creates_bucket(const stc_tb *t);

static const char *stc_type_name(const cJSON *res)
{
    const cJSON *ty = cJSON_GetObjectItemCaseSensitive(res, "Type");
    return cJSON_IsString(ty) ? ty->valuestring : NULL;
}

/* ---- data resources --------------------------------------------------------- */

static void stc_tb_key(stc_tb *t)
{
    cJSON *p = stc_tb_res(t, STC_KEY, "AWS::KMS::Key", true, NULL);
    cJSON_AddItemToObject(p, "Description",
                          stc_subf("${AWS::StackName}: %s data at rest (tables, buckets, queues, logs)",
                                   t->spec->svc->module->service->name));
    cJSON_AddBoolToObject(p, "EnableKeyRotation", true);
    cJSON *pol = cJSON_AddObjectToObject(p, "KeyPolicy");
    cJSON_AddStringToObject(pol, "Version", "2012-10-17");
    cJSON *st = cJSON_AddArrayToObject(pol, "Statement");
    /* The account administers the key and delegates its use to IAM policies
     * (the function roles below); in a key policy "*" is this key. */
    static const char *const admin[] = {
        "kms:CancelKeyDeletion", "kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:DisableKey",
        "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:Encrypt", "kms:GenerateDataKey",
        "kms:GenerateDataKeyWithoutPlaintext", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListGrants",
        "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:RetireGrant",
        "kms:RevokeGrant", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
        "kms:UpdateKeyDescription"};
    cJSON *s1 = cJSON_CreateObject();
    cJSON_AddStringToObject(s1, "Sid", "AccountAdministersAndDelegatesToIam");
    cJSON_AddStringToObject(s1, "Effect", "Allow");
    cJSON *pr = cJSON_AddObjectToObject(s1, "Principal");
    cJSON_AddItemToObject(pr, "AWS", stc_template_sub(STC_ARN_PREFIX ":iam::${AWS::AccountId}:root"));
    cJSON_AddItemToObject(s1, "Action", stc_str_array(admin, STC_ARRAY_LEN(admin)));
    cJSON_AddStringToObject(s1, "Resource", "*");
    cJSON_AddItemToArray(st, s1);
    static const char *const logs[] = {"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey",
                                       "kms:ReEncryptFrom", "kms:ReEncryptTo"};
    cJSON *s2 = cJSON_CreateObject();
    cJSON_AddStringToObject(s2, "Sid", "CloudWatchLogsOfThisAccount");
    cJSON_AddStringToObject(s2, "Effect", "Allow");
    pr = cJSON_AddObjectToObject(s2, "Principal");
    cJSON_AddItemToObject(pr, "Service", stc_template_sub("logs.${AWS::Region}.amazonaws.com"));
    cJSON_AddItemToObject(s2, "Action", stc_str_array(logs, STC_ARRAY_LEN(logs)));
    cJSON_AddStringToObject(s2, "Resource", "*");
    cJSON *cond = cJSON_AddObjectToObject(s2, "Condition");
    cJSON *like = cJSON_AddObjectToObject(cond, "ArnLike");
    cJSON_AddItemToObject(like, "kms:EncryptionContext:aws:logs:arn",
                          stc_template_sub(STC_ARN_PREFIX ":logs:${AWS::Region}:${AWS::AccountId}:log-group:*"));
    cJSON_AddItemToArray(st, s2);
    if (t->dlq) {
        /* EventBridge and SNS put what they cannot deliver into the
         * dead-letter queue, which this key encrypts. */
        cJSON *s3 = cJSON_CreateObject();
        cJSON_AddStringToObject(s3, "Sid", "DeadLetterDeliveryOfThisAccount");
        cJSON_AddStringToObject(s3, "Effect", "Allow");
        pr = cJSON_AddObjectToObject(s3, "Principal");
        cJSON *svcs = cJSON_AddArrayToObject(pr, "Service");
        cJSON_AddItemToArray(svcs, cJSON_CreateString("events.amazonaws.com"));
        cJSON_AddItemToArray(svcs, cJSON_CreateString("sns.amazonaws.com"));
        static const char *const dl[] = {"kms:Decrypt", "kms:GenerateDataKey"};
        cJSON_AddItemToObject(s3, "Action", stc_str_array(dl, STC_ARRAY_LEN(dl)));
        cJSON_AddStringToObject(s3, "Resource", "*");
        cond = cJSON_AddObjectToObject(s3, "Condition");
        cJSON *eq = cJSON_AddObjectToObject(cond, "StringEquals");
        cJSON_AddItemToObject(eq, "aws:SourceAccount", stc_template_ref("AWS::AccountId"));
        cJSON_AddItemToArray(st, s3);
    }
}

static void stc_tb_table(stc_tb *t, const stc_resource *r)
{
    cJSON *p = stc_tb_res(t, r->logical, "AWS::DynamoDB::Table", true, NULL);
    bool prov = strcmp(stc_tb_str(t, NULL, STC_SET_BILLING_MODE), "provisioned") == 0;
    cJSON_AddStringToObject(p, "BillingMode", prov ? "PROVISIONED" : "PAY_PER_REQUEST");
    cJSON *ad = cJSON_AddArrayToObject(p, "AttributeDefinitions");
    cJSON *a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "AttributeName", "key");
    cJSON_AddStringToObject(a, "AttributeType", r->key_type && !strcmp(r->key_type, "int") ? "N" : "S");
    cJSON_AddItemToArray(ad, a);
    cJSON *ks = cJSON_AddArrayToObject(p, "KeySchema");
    cJSON *k = cJSON_CreateObject();
    cJSON_AddStringToObject(k, "AttributeName", "key");
    cJSON_AddStringToObject(k, "KeyType", "HASH");
    cJSON_AddItemToArray(ks, k);
    if (prov) {
        const stc_setting_value *rc = stc_tb_get(t, NULL, STC_SET_READ_CAPACITY);
        const stc_setting_value *wc = stc_tb_get(t, NULL, STC_SET_WRITE_CAPACITY);
        cJSON *pt = cJSON_AddObjectToObject(p, "ProvisionedThroughput");
        cJSON_AddNumberToObject(pt, "ReadCapacityUnits", rc->set ? (double)rc->i : 5);
        cJSON_AddNumberToObject(pt, "WriteCapacityUnits", wc->set ? (double)wc->i : 5);
    }
    cJSON *pitr = cJSON_AddObjectToObject(p, "PointInTimeRecoverySpecification");
    cJSON_AddBoolToObject(pitr, "PointInTimeRecoveryEnabled", stc_tb_bool(t, NULL, STC_SET_POINT_IN_TIME_RECOVERY));
    if (!stc_tb_bool(t, NULL, STC_SET_POINT_IN_TIME_RECOVERY))
        stc_tb_ack(t, r->logical, STC_NAG_PITR_OFF);
    if (t->kms) {
        cJSON *sse = cJSON_AddObjectToObject(p, "SSESpecification");
        cJSON_AddBoolToObject(sse, "SSEEnabled", true);
        cJSON_AddStringToObject(sse, "SSEType", "KMS");
        cJSON_AddItemToObject(sse, "KMSMasterKeyId", stc_template_ref(STC_KEY));
    }
    cJSON_AddBoolToObject(p, "DeletionProtectionEnabled", stc_tb_bool(t, NULL, STC_SET_RETAIN_DATA));
}

/* A statement denying every action of `actions` ("s3:*") on `resources`
 * (taken: one value or an array) to requests made without TLS. */
static cJSON *stc_tb_deny_without_tls(const char *actions, cJSON *resources)
{
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Sid", "DenyWithoutTls");
    cJSON_AddStringToObject(st, "Effect", "Deny");
    cJSON_AddStringToObject(st, "Principal", "*");
    cJSON_AddStringToObject(st, "Action", actions);
    cJSON_AddItemToObject(st, "Resource", resources);
    cJSON *cond = cJSON_AddObjectToObject(st, "Condition");
    cJSON *b = cJSON_AddObjectToObject(cond, "Bool");
    cJSON_AddStringToObject(b, "aws:SecureTransport", "false");
    return st;
}

/* <Bucket>Policy: no request without TLS; `extra` (taken, or NULL) is one
 * more statement. */
static void stc_tb_bucket_policy(stc_tb *t, const char *bucket, cJSON *extra)
{
    char *logical = stc_xasprintf("%sPolicy", bucket);
    cJSON *p = stc_tb_res(t, logical, "AWS::S3::BucketPolicy", false, NULL);
    cJSON_AddItemToObject(p, "Bucket", stc_template_ref(bucket));
    cJSON *doc = cJSON_AddObjectToObject(p, "PolicyDocument");
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON *sts = cJSON_AddArrayToObject(doc, "Statement");
    cJSON *res = cJSON_CreateArray();
    cJSON_AddItemToArray(res, stc_template_getatt(bucket, "Arn"));
    cJSON_AddItemToArray(res, stc_subf("${%s.Arn}/*", bucket));
    cJSON_AddItemToArray(sts, stc_tb_deny_without_tls("s3:*", res));
    if (extra)
        cJSON_AddItemToArray(sts, extra);
    free(logical);
}

/* A bucket's Properties with what every bucket of the service has:
 * encryption (the service's key, or S3-managed: the only one S3 log delivery
 * accepts), no public access, ACLs off. */
static cJSON *stc_tb_bucket_basics(stc_tb *t, const char *logical, bool kms)
{
    cJSON *p = stc_tb_res(t, logical, "AWS::S3::Bucket", true, NULL);
    cJSON *enc = cJSON_AddObjectToObject(p, "BucketEncryption");
    cJSON *rules = cJSON_AddArrayToObject(enc, "ServerSideEncryptionConfiguration");
    cJSON *rule = cJSON_CreateObject();
    cJSON *def = cJSON_AddObjectToObject(rule, "ServerSideEncryptionByDefault");
    if (kms) {
        cJSON_AddStringToObject(def, "SSEAlgorithm", "aws:kms");
        cJSON_AddItemToObject(def, "KMSMasterKeyID", stc_template_getatt(STC_KEY, "Arn"));
        cJSON_AddBoolToObject(rule, "BucketKeyEnabled", true);
    } else {
        cJSON_AddStringToObject(def, "SSEAlgorithm", "AES256");
    }
    cJSON_AddItemToArray(rules, rule);
    cJSON *pab = cJSON_AddObjectToObject(p, "PublicAccessBlockConfiguration");
    cJSON_AddBoolToObject(pab, "BlockPublicAcls", true);
    cJSON_AddBoolToObject(pab, "BlockPublicPolicy", true);
    cJSON_AddBoolToObject(pab, "IgnorePublicAcls", true);
    cJSON_AddBoolToObject(pab, "RestrictPublicBuckets", true);
    cJSON *own = cJSON_AddObjectToObject(p, "OwnershipControls");
    cJSON *orules = cJSON_AddArrayToObject(own, "Rules");
    cJSON *orule = cJSON_CreateObject();
    cJSON_AddStringToObject(orule, "ObjectOwnership", "BucketOwnerEnforced");
    cJSON_AddItemToArray(orules, orule);
    return p;
}

/* The bucket the service's buckets write their server access logs to
 * (access_logs): S3-managed encryption, the only one S3 log delivery
 * accepts; the logs expire after the service's log retention. */
static void stc_tb_log_bucket(stc_tb *t)
{
    cJSON *p = stc_tb_bucket_basics(t, STC_LOG_BUCKET, false);
    cJSON *lc = cJSON_AddObjectToObject(p, "LifecycleConfiguration");
    cJSON *lrules = cJSON_AddArrayToObject(lc, "Rules");
    cJSON *lr = cJSON_CreateObject();
    cJSON_AddStringToObject(lr, "Id", "ExpireAccessLogs");
    cJSON_AddStringToObject(lr, "Status", "Enabled");
    cJSON_AddNumberToObject(lr, "ExpirationInDays", (double)stc_tb_int(t, NULL, STC_SET_LOG_RETENTION));
    cJSON_AddItemToArray(lrules, lr);
    stc_tb_ack(t, STC_LOG_BUCKET, STC_NAG_LOG_BUCKET_ITSELF);
    /* S3's log delivery writes here, for this account's buckets only. */
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Sid", "S3ServerAccessLogs");
    cJSON_AddStringToObject(st, "Effect", "Allow");
    cJSON *pr = cJSON_AddObjectToObject(st, "Principal");
    cJSON_AddStringToObject(pr, "Service", "logging.s3.amazonaws.com");
    cJSON_AddStringToObject(st, "Action", "s3:PutObject");
    cJSON_AddItemToObject(st, "Resource", stc_subf("${%s.Arn}/*", STC_LOG_BUCKET));
    cJSON *cond = cJSON_AddObjectToObject(st, "Condition");
    cJSON *eq = cJSON_AddObjectToObject(cond, "StringEquals");
    cJSON_AddItemToObject(eq, "aws:SourceAccount", stc_template_ref("AWS::AccountId"));
    stc_tb_bucket_policy(t, STC_LOG_BUCKET, st);
}

/* <Queue>Policy: no request without TLS; `extra` (taken, or NULL) holds more
 * statements (an array). */
static void stc_tb_queue_policy(stc_tb *t, const char *queue, cJSON *extra)
{
    char *logical = stc_xasprintf("%sPolicy", queue);
    cJSON *p = stc_tb_res(t, logical, "AWS::SQS::QueuePolicy", false, NULL);
    cJSON *qs = cJSON_AddArrayToObject(p, "Queues");
    cJSON_AddItemToArray(qs, stc_template_ref(queue));
    cJSON *doc = cJSON_AddObjectToObject(p, "PolicyDocument");
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON *sts = cJSON_AddArrayToObject(doc, "Statement");
    cJSON_AddItemToArray(sts, stc_tb_deny_without_tls("sqs:*", stc_template_getatt(queue, "Arn")));
    while (extra && extra->child)
        cJSON_AddItemToArray(sts, cJSON_DetachItemFromArray(extra, 0));
    cJSON_Delete(extra);
    free(logical);
}

/* The queue's encryption: the service's key, or SQS-managed. */
static void stc_tb_queue_encryption(stc_tb *t, cJSON *p)
{
    if (t->kms) {
        cJSON_AddItemToObject(p, "KmsMasterKeyId", stc_template_ref(STC_KEY));
        cJSON_AddNumberToObject(p, "KmsDataKeyReusePeriodSeconds", 300);
    } else {
        cJSON_AddBoolToObject(p, "SqsManagedSseEnabled", true);
    }
}

/* The service's dead-letter queue: messages of its queues that keep failing,
 * asynchronous invocations of its functions that keep failing, events
 * EventBridge and SNS could not deliver. Kept 14 days. */
static void stc_tb_dead_letter_queue(stc_tb *t)
{
    cJSON *p = stc_tb_res(t, STC_DLQ, "AWS::SQS::Queue", true, NULL);
    stc_tb_queue_encryption(t, p);
    cJSON_AddNumberToObject(p, "MessageRetentionPeriod", 1209600);
    stc_tb_ack(t, STC_DLQ, STC_NAG_DLQ_ITSELF);
    stc_tb_ack(t, STC_DLQ, STC_NAG_DLQ_ITSELF_SLS);
}

/* Who may send to the dead-letter queue besides the functions' roles:
 * EventBridge for the service's rules, SNS for the subscribed topics. */
static void stc_tb_dead_letter_policy(stc_tb *t)
{
    cJSON *extra = cJSON_CreateArray();
    const struct {
        cJSON *arns;
        const char *sid, *service;
    } senders[] = {{t->dlq_rules, "EventBridgeUndeliveredEvents", "events.amazonaws.com"},
                   {t->dlq_topics, "SnsUndeliveredMessages", "sns.amazonaws.com"}};
    for (size_t i = 0; i < STC_ARRAY_LEN(senders); i++) {
        if (!senders[i].arns->child)
            continue;
        cJSON *st = cJSON_CreateObject();
        cJSON_AddStringToObject(st, "Sid", senders[i].sid);
        cJSON_AddStringToObject(st, "Effect", "Allow");
        cJSON *pr = cJSON_AddObjectToObject(st, "Principal");
        cJSON_AddStringToObject(pr, "Service", senders[i].service);
        cJSON_AddStringToObject(st, "Action", "sqs:SendMessage");
        cJSON_AddItemToObject(st, "Resource", stc_template_getatt(STC_DLQ, "Arn"));
        cJSON *cond = cJSON_AddObjectToObject(st, "Condition");
        cJSON *eq = cJSON_AddObjectToObject(cond, "ArnEquals");
        cJSON_AddItemToObject(eq, "aws:SourceArn", cJSON_Duplicate(senders[i].arns, 1));
        cJSON_AddItemToArray(extra, st);
    }
    stc_tb_queue_policy(t, STC_DLQ, extra);
}

static void stc_tb_bucket(stc_tb *t, const stc_resource *r)
{
    cJSON *p = stc_tb_bucket_basics(t, r->logical, t->kms);
    if (stc_tb_bool(t, NULL, STC_SET_POINT_IN_TIME_RECOVERY)) {
        cJSON *v = cJSON_AddObjectToObject(p, "VersioningConfiguration");
        cJSON_AddStringToObject(v, "Status", "Enabled");
    }
    if (t->log_bucket) {
        cJSON *lc = cJSON_AddObjectToObject(p, "LoggingConfiguration");
        cJSON_AddItemToObject(lc, "DestinationBucketName", stc_template_ref(STC_LOG_BUCKET));
        char *prefix = stc_xasprintf("%s/", r->logical);
        cJSON_AddStringToObject(lc, "LogFilePrefix", prefix);
        free(prefix);
    } else {
        stc_tb_ack(t, r->logical, STC_NAG_BUCKET_LOGS_OFF);
    }
    if (stc_tb_resource_triggered(t, r)) {
        /* Object events reach their rules through EventBridge. */
        cJSON *nc = cJSON_AddObjectToObject(p, "NotificationConfiguration");
        cJSON *eb = cJSON_AddObjectToObject(nc, "EventBridgeConfiguration");
        cJSON_AddBoolToObject(eb, "EventBridgeEnabled", true);
    }
    stc_tb_bucket_policy(t, r->logical, NULL);
}

static void stc_tb_queue(stc_tb *t, const stc_resource *r)
{
    cJSON *p = stc_tb_res(t, r->logical, "AWS::SQS::Queue", true, NULL);
    stc_tb_queue_encryption(t, p);
    long long vis = stc_tb_queue_visibility(t, r);
    if (vis)
        cJSON_AddNumberToObject(p, "VisibilityTimeout", (double)vis);
    /* A message received this many times without being deleted is kept in
     * the dead-letter queue instead of coming back forever. */
    cJSON *rp = cJSON_AddObjectToObject(p, "RedrivePolicy");
    cJSON_AddItemToObject(rp, "deadLetterTargetArn", stc_template_getatt(STC_DLQ, "Arn"));
    cJSON_AddNumberToObject(rp, "maxReceiveCount", STC_MAX_RECEIVE_COUNT);
    stc_tb_queue_policy(t, r->logical, NULL);
}

/* ---- bindings (core/bindings.h, docs/template.md "Bindings") ------------------- */

/* What backs a binding in this mode. */
typedef struct stc_tb_bound {
    stc_resource_kind kind;   /* TABLE, BUCKET or TOPIC */
    const char *existing;     /* the name (bucket/prefix) or topic ARN the file gives; NULL: created */
    const cJSON *value;       /* a channel's configuration from the file, or NULL */
} stc_tb_bound;

static stc_tb_bound stc_tb_binding(const stc_tb *t, const stc_resource *r)
{
    stc_tb_bound b = {r->kind == STC_RES_TOPIC ? STC_RES_TOPIC : STC_RES_TABLE, NULL, NULL};
    const stc_binding_cfg *c = stc_bindings_find(t->cfg->bindings, r->param);
    if (c && t->cfg->mode < STC_BINDINGS_MAX_MODES) {
        const stc_binding_mode *m = &c->modes[t->cfg->mode];
        if (r->kind == STC_RES_STORE && m->store == STC_STORE_BUCKET)
            b.kind = STC_RES_BUCKET;
        b.existing = m->existing;
        b.value = m->value;
    }
    return b;
}

static bool stc_tb_creates_bucket(const stc_tb *t)
{
    const stc_resources *res = t->spec->res;
    for (size_t i = 0; i < res->nresources; i++) {
        const stc_resource *r = &res->resources[i];
        if (r->binding == STC_BIND_NONE) {
            if (r->kind == STC_RES_BUCKET)
                return true;
            continue;
        }
        stc_tb_bound b = stc_tb_binding(t, r);
        if (r->kind == STC_RES_STORE && b.kind == STC_RES_BUCKET && !b.existing)
            return true;
    }
    return false;
}

/* An existing bucket's name and prefix ("bucket/a/b" -> "bucket", "a/b/"). */
static void stc_tb_bucket_split(const char *existing, char **bucket, char **prefix)
{
    const char *slash = strchr(existing, '/');
    *bucket = slash ? stc_xstrndup(existing, (size_t)(slash - existing)) : stc_xstrdup(existing);
    const char *pre = slash ? slash + 1 : "";
    size_t n = strlen(pre);
    *prefix = n && pre[n - 1] != '/' ? stc_xasprintf("%s/", pre) : stc_xstrdup(pre);
}

/* The bound resource's ARN (and a bucket's objects' in *objects). */
static cJSON *stc_tb_bound_arn(const stc_resource *r, const stc_tb_bound *b, cJSON **objects)
{
    *objects = NULL;
    if (!b->existing) {
        if (b->kind == STC_RES_TOPIC)
            return stc_template_ref(r->logical);
        *objects = stc_subf("${%s.Arn}/*", r->logical);
        return stc_template_getatt(r->logical, "Arn");
    }
    if (b->kind == STC_RES_TOPIC)
        return cJSON_CreateString(b->existing);
    if (b->kind == STC_RES_TABLE)
        return stc_subf(STC_ARN_PREFIX ":dynamodb:${AWS::Region}:${AWS::AccountId}:table/%s", b->existing);
    char *bucket, *prefix;
    stc_tb_bucket_split(b->existing, &bucket, &prefix);
    *objects = stc_subf(STC_ARN_PREFIX ":s3:::%s/%s*", bucket, prefix);
    cJSON *arn = stc_subf(STC_ARN_PREFIX ":s3:::%s", bucket);
    free(bucket);
    free(prefix);
    return arn;
}

/* A JSON object as text for Fn::Sub: "${" of its own becomes "${!". */
static char *stc_tb_sub_json(const cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    stc_buf b = STC_BUF_INIT;
    for (const char *p = text; *p; p++) {
        stc_buf_putc(&b, *p);
        if (p[0] == '$' && p[1] == '{')
            stc_buf_puts(&b, "{!"), p++;
    }
    free(text);
    return stc_buf_take(&b);
}

/* The value of a binding parameter, as the function's environment gets it:
 * dynamodb://TABLE, s3://BUCKET/PREFIX, or the channel's configuration with
 * its topic's ARN. */
static cJSON *stc_tb_binding_env(const stc_tb *t, const stc_service_param *sp)
{
    const stc_resource *r = &t->spec->res->resources[sp->resource];
    stc_tb_bound b = stc_tb_binding(t, r);
    if (b.kind == STC_RES_TABLE && b.existing) {
        char *v = stc_xasprintf("dynamodb://%s", b.existing);
        cJSON *j = cJSON_CreateString(v);
        free(v);
        return j;
    }
    if (b.kind == STC_RES_TABLE)
        return stc_subf("dynamodb://${%s}", r->logical);
    if (b.kind == STC_RES_BUCKET) {
        if (!b.existing)
            return stc_subf("s3://${%s}/", r->logical);
        char *bucket, *prefix;
        stc_tb_bucket_split(b.existing, &bucket, &prefix);
        char *text = stc_xasprintf("s3://%s/%s", bucket, prefix);
        cJSON *v = cJSON_CreateString(text);
        free(text);
        free(bucket);
        free(prefix);
        return v;
    }
    /* a channel: its configuration (the file's value, else the default) and the topic */
    cJSON *config = b.value ? cJSON_Duplicate(b.value, 1) : sp->default_value ? cJSON_Parse(sp->default_value) : NULL;
    if (!cJSON_IsObject(config)) {
        cJSON_Delete(config);
        config = cJSON_CreateObject();
    }
    cJSON_DeleteItemFromObjectCaseSensitive(config, "topic");
    cJSON *v;
    if (b.existing) {
        cJSON_AddStringToObject(config, "topic", b.existing);
        char *text = cJSON_PrintUnformatted(config);
        v = cJSON_CreateString(text);
        free(text);
    } else {
        /* A place-holder cJSON prints as it is (it escapes control characters). */
        cJSON_AddStringToObject(config, "topic", "\x7f");
        char *text = stc_tb_sub_json(config);
        char *at = strstr(text, "\x7f");
        char *topic = stc_xasprintf("${%s}", r->logical);
        char *full = stc_xasprintf("%.*s%s%s", (int)(at - text), text, topic, at + 1);
        v = stc_template_sub(full);
        free(full);
        free(topic);
        free(text);
    }
    cJSON_Delete(config);
    return v;
}

/* A jdict parameter's value from the file in this mode, or NULL (then it is
 * a template parameter). */
static const cJSON *stc_tb_json_value(const stc_tb *t, const stc_service_param *sp)
{
    const stc_binding_cfg *c = stc_bindings_find(t->cfg->bindings, sp->name);
    return c && t->cfg->mode < STC_BINDINGS_MAX_MODES ? c->modes[t->cfg->mode].value : NULL;
}

/* ---- secrets (docs/hardening.md, "Secrets") ------------------------------------ */

/* The secret of parameter sp in this mode (bindings: <p>: secret: / ssm:), or NULL. */
static const stc_binding_mode *stc_tb_secret(const stc_tb *t, const stc_service_param *sp)
{
    const stc_binding_cfg *c = stc_bindings_find(t->cfg->bindings, sp->name);
    const stc_binding_mode *bm = c && t->cfg->mode < STC_BINDINGS_MAX_MODES ? &c->modes[t->cfg->mode] : NULL;
    return bm && bm->secret ? bm : NULL;
}

/* STC_PARAM_API_TOKEN -> STC_SECRET_API_TOKEN / STC_SSM_API_TOKEN. Allocated. */
static char *stc_secret_env(const stc_service_param *sp, const stc_binding_mode *bm)
{
    const char *rest = strncmp(sp->env, "STC_PARAM_", 10) == 0 ? sp->env + 10 : sp->env;
    return stc_xasprintf("%s%s", bm->secret_source == STC_SECRET_SSM ? "STC_SSM_" : "STC_SECRET_", rest);
}

/* The ARN a role may read: as given, or made from the name in this account
 * and region (a Secrets Manager ARN ends in "-" and six characters AWS
 * chooses: "-??????", as AWS's own policies for a secret name write it). */
static cJSON *stc_secret_arn(const stc_binding_mode *bm)
{
    if (strncmp(bm->secret, "arn:", 4) == 0)
        return cJSON_CreateString(bm->secret);
    if (bm->secret_source == STC_SECRET_SSM)
        return stc_subf(STC_ARN_PREFIX ":ssm:${AWS::Region}:${AWS::AccountId}:parameter/%s",
                        bm->secret + (bm->secret[0] == '/'));
    return stc_subf(STC_ARN_PREFIX ":secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:%s-??????", bm->secret);
}

/* Every function builds the service, so every function reads its secrets:
 * exactly GetSecretValue / GetParameter on each. */
static void stc_tb_secret_grants(const stc_tb *t, stc_iam_policy *pol)
{
    const stc_resources *res = t->spec->res;
    for (size_t i = 0; i < res->nparams; i++) {
        const stc_binding_mode *bm = stc_tb_secret(t, &res->params[i]);
        if (bm)
            stc_iam_allow_take(pol, "ReadSecrets",
                               bm->secret_source == STC_SECRET_SSM ? "ssm:GetParameter" : "secretsmanager:GetSecretValue",
                               stc_secret_arn(bm));
    }
}

/* A parameter whose name says it carries a secret. */
static bool stc_param_looks_secret(const char *name)
{
    static const char *const words[] = {"password", "passwd", "secret", "token", "api_key", "apikey", "credential",
                                        "private_key"};
    char *low = stc_xstrdup(name);
    for (char *c = low; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    bool yes = false;
    for (size_t i = 0; i < STC_ARRAY_LEN(words) && !yes; i++)
        yes = strstr(low, words[i]) != NULL;
    free(low);
    return yes;
}

static void stc_tb_topic(stc_tb *t, const stc_resource *r)
{
    cJSON *p = stc_tb_res(t, r->logical, "AWS::SNS::Topic", true, NULL);
    /* the customer key, or the AWS-managed key of SNS */
    cJSON_AddItemToObject(p, "KmsMasterKeyId", t->kms ? stc_template_ref(STC_KEY) : cJSON_CreateString("alias/aws/sns"));
}

/* A binding's resource, unless the file names an existing one. */
static void stc_tb_bound_resource(stc_tb *t, const stc_resource *r)
{
    stc_tb_bound b = stc_tb_binding(t, r);
    if (b.existing)
        return;
    if (b.kind == STC_RES_TOPIC)
        stc_tb_topic(t, r);
    else if (b.kind == STC_RES_BUCKET)
        stc_tb_bucket(t, r);
    else
        stc_tb_table(t, r);
}

/* ---- APIs ----------------------------------------------------------------- */

static const char *stc_ws_stage(const stc_tb *t)
{
    return t->mode;
}

/* Are both throttling limits set? Otherwise the account's limits apply to
 * the one unset, and the stage is acknowledged as using them. */
static bool stc_tb_throttled(stc_tb *t, const char *stage)
{
    const stc_setting_value *rate = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_RATE);
    const stc_setting_value *burst = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_BURST);
    if (!rate->set || !burst->set)
        stc_tb_ack(t, stage, STC_NAG_THROTTLING_NULL);
    return rate->set || burst->set;
}

static void stc_tb_throttling(stc_tb *t, const char *stage, cJSON *stage_props)
{
    const stc_setting_value *rate = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_RATE);
    const stc_setting_value *burst = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_BURST);
    if (!stc_tb_throttled(t, stage))
        return;
    cJSON *rs = cJSON_AddObjectToObject(stage_props, "DefaultRouteSettings");
    if (burst->set)
        cJSON_AddNumberToObject(rs, "ThrottlingBurstLimit", (double)burst->i);
    if (rate->set)
        cJSON_AddNumberToObject(rs, "ThrottlingRateLimit", (double)rate->i);
}

typedef enum stc_api_kind { STC_API_HTTP, STC_API_WEBSOCKET, STC_API_REST } stc_api_kind;

/* One access log line per request, a JSON object of $context variables. */
static char *stc_tb_access_format(stc_api_kind kind)
{
    static const char *const common[][2] = {
        {"requestId", "$context.requestId"}, {"requestTime", "$context.requestTime"},
        {"ip", "$context.identity.sourceIp"}, {"status", "$context.status"},
        {"integrationError", "$context.integrationErrorMessage"}, {"caller", "$context.identity.userArn"}};
    static const char *const http[][2] = {
        {"method", "$context.httpMethod"}, {"path", "$context.path"}, {"routeKey", "$context.routeKey"},
        {"protocol", "$context.protocol"}, {"responseLength", "$context.responseLength"},
        {"latency", "$context.responseLatency"}, {"subject", "$context.authorizer.claims.sub"},
        {"authorizerError", "$context.authorizer.error"}};
    static const char *const ws[][2] = {
        {"eventType", "$context.eventType"}, {"routeKey", "$context.routeKey"},
        {"connectionId", "$context.connectionId"}, {"authorizerError", "$context.authorizer.error"}};
    static const char *const rest[][2] = {
        {"method", "$context.httpMethod"}, {"resourcePath", "$context.resourcePath"},
        {"protocol", "$context.protocol"}, {"responseLength", "$context.responseLength"},
        {"latency", "$context.responseLatency"}};
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < STC_ARRAY_LEN(common); i++)
        cJSON_AddStringToObject(o, common[i][0], common[i][1]);
    const char *const(*more)[2] = kind == STC_API_HTTP ? http : kind == STC_API_WEBSOCKET ? ws : rest;
    size_t n = kind == STC_API_HTTP ? STC_ARRAY_LEN(http) : kind == STC_API_WEBSOCKET ? STC_ARRAY_LEN(ws)
                                                                                     : STC_ARRAY_LEN(rest);
    for (size_t i = 0; i < n; i++)
        cJSON_AddStringToObject(o, more[i][0], more[i][1]);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* The stage's access logs (access_logs), or the acknowledgement that the
 * mode keeps none. */
static void stc_tb_stage_logs(stc_tb *t, const char *stage, cJSON *props, stc_api_kind kind)
{
    if (!t->access_logs) {
        stc_tb_ack(t, stage, STC_NAG_ACCESS_LOGS_OFF);
        stc_tb_ack(t, stage, STC_NAG_ACCESS_LOGS_OFF_SLS);
        return;
    }
    cJSON *al = cJSON_AddObjectToObject(props, kind == STC_API_REST ? "AccessLogSetting" : "AccessLogSettings");
    cJSON_AddItemToObject(al, "DestinationArn", stc_template_getatt(STC_ACCESS_LOG_GROUP, "Arn"));
    char *fmt = stc_tb_access_format(kind);
    cJSON_AddStringToObject(al, "Format", fmt);
    free(fmt);
}

/* The log group of the access logs of every API stage of the service. */
static void stc_tb_access_log_group(stc_tb *t)
{
    cJSON *p = stc_tb_res(t, STC_ACCESS_LOG_GROUP, "AWS::Logs::LogGroup", true, NULL);
    cJSON_AddItemToObject(p, "LogGroupName", stc_template_sub("/aws/vendedlogs/apigateway/${AWS::StackName}/access"));
    cJSON_AddNumberToObject(p, "RetentionInDays", (double)stc_tb_int(t, NULL, STC_SET_LOG_RETENTION));
    if (t->kms)
        cJSON_AddItemToObject(p, "KmsKeyId", stc_template_getatt(STC_KEY, "Arn"));
}

/* REST and WebSocket APIs log through the account's CloudWatch role (one per
 * account and region, set by AWS::ApiGateway::Account); HTTP APIs do not
 * need it. Both are kept when the stack is deleted: other APIs of the
 * account may log through them. */
static void stc_tb_apigw_account(stc_tb *t)
{
    static const char *const actions[] = {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups",
                                          "logs:DescribeLogStreams", "logs:FilterLogEvents", "logs:GetLogEvents",
                                          "logs:PutLogEvents"};
    stc_iam_policy *pol = stc_iam_new();
    for (size_t i = 0; i < STC_ARRAY_LEN(actions); i++)
        stc_iam_allow_take(pol, "ApiGatewayWritesLogs", actions[i],
                           stc_template_sub(STC_ARN_PREFIX ":logs:${AWS::Region}:${AWS::AccountId}:*"));
    cJSON *p = stc_tb_res(t, "ApiGatewayLogsRole", "AWS::IAM::Role", false, NULL);
    cJSON *r = stc_tb_resource(t, "ApiGatewayLogsRole");
    cJSON_AddStringToObject(r, "DeletionPolicy", "Retain");
    cJSON_AddStringToObject(r, "UpdateReplacePolicy", "Retain");
    cJSON_AddStringToObject(p, "Description", "API Gateway's CloudWatch role of this account and region (REST and "
                                              "WebSocket API logs)");
    cJSON_AddItemToObject(p, "AssumeRolePolicyDocument", stc_iam_trust("apigateway.amazonaws.com"));
    cJSON *pols = cJSON_AddArrayToObject(p, "Policies");
    cJSON *po = cJSON_CreateObject();
    cJSON_AddStringToObject(po, "PolicyName", "api-gateway-logs");
    cJSON_AddItemToObject(po, "PolicyDocument", stc_iam_finish(pol));
    cJSON_AddItemToArray(pols, po);
    p = stc_tb_res(t, "ApiGatewayAccount", "AWS::ApiGateway::Account", false, NULL);
    r = stc_tb_resource(t, "ApiGatewayAccount");
    cJSON_AddStringToObject(r, "DeletionPolicy", "Retain");
    cJSON_AddStringToObject(r, "UpdateReplacePolicy", "Retain");
    cJSON_AddItemToObject(p, "CloudWatchRoleArn", stc_template_getatt("ApiGatewayLogsRole", "Arn"));
}

/* CorsConfiguration of the HTTP API from the cors setting (checked). The
 * methods default to those of the routes, the headers to what a browser
 * sends with a token or a SigV4 signature. */
static void stc_tb_cors(stc_tb *t, cJSON *api)
{
    const stc_setting_value *v = stc_tb_get(t, NULL, STC_SET_CORS);
    if (!v->set)
        return;
    cJSON *c = cJSON_Parse(v->s);
    cJSON *cc = cJSON_AddObjectToObject(api, "CorsConfiguration");
    cJSON_AddItemToObject(cc, "AllowOrigins", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(c, "origins"), 1));
    const cJSON *methods = cJSON_GetObjectItemCaseSensitive(c, "methods");
    if (methods) {
        cJSON_AddItemToObject(cc, "AllowMethods", cJSON_Duplicate(methods, 1));
    } else {
        cJSON *m = cJSON_AddArrayToObject(cc, "AllowMethods");
        for (size_t i = 0; i < t->spec->nunits; i++) {
            const stc_route *r = t->spec->units[i].route;
            bool have = false;
            const cJSON *e;
            cJSON_ArrayForEach(e, m) have = have || (r && !strcmp(e->valuestring, r->http_method));
            if (r && !have)
                cJSON_AddItemToArray(m, cJSON_CreateString(r->http_method));
        }
    }
    const cJSON *headers = cJSON_GetObjectItemCaseSensitive(c, "headers");
    if (headers) {
        cJSON_AddItemToObject(cc, "AllowHeaders", cJSON_Duplicate(headers, 1));
    } else {
        static const char *const dflt[] = {"authorization", "content-type", "x-amz-content-sha256", "x-amz-date",
                                           "x-amz-security-token"};
        cJSON_AddItemToObject(cc, "AllowHeaders", stc_str_array(dflt, STC_ARRAY_LEN(dflt)));
    }
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(c, "expose_headers");
    if (x)
        cJSON_AddItemToObject(cc, "ExposeHeaders", cJSON_Duplicate(x, 1));
    x = cJSON_GetObjectItemCaseSensitive(c, "max_age");
    if (x)
        cJSON_AddNumberToObject(cc, "MaxAge", x->valuedouble);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "credentials")))
        cJSON_AddBoolToObject(cc, "AllowCredentials", true);
    cJSON_Delete(c);
}

static void stc_tb_apis(stc_tb *t)
{
    const char *svc_name = t->spec->svc->module->service->name;
    if (t->spec->has_http) {
        cJSON *p = stc_tb_res(t, "HttpApi", "AWS::ApiGatewayV2::Api", false, NULL);
        cJSON_AddItemToObject(p, "Name", stc_template_sub("${AWS::StackName}-http"));
        cJSON_AddStringToObject(p, "ProtocolType", "HTTP");
        char *desc = stc_xasprintf("%s: HTTP routes", svc_name);
        cJSON_AddStringToObject(p, "Description", desc);
        free(desc);
        stc_tb_cors(t, p);
        if (stc_tb_uses_jwt(t)) {
            /* Tokens of the issuer, for one of the audiences, in the
             * Authorization header ("Bearer <token>"). */
            cJSON *a = stc_tb_res(t, STC_JWT_AUTHORIZER, "AWS::ApiGatewayV2::Authorizer", false, NULL);
            cJSON_AddItemToObject(a, "ApiId", stc_template_ref("HttpApi"));
            cJSON_AddStringToObject(a, "AuthorizerType", "JWT");
            cJSON_AddStringToObject(a, "Name", "jwt");
            cJSON *ids = cJSON_AddArrayToObject(a, "IdentitySource");
            cJSON_AddItemToArray(ids, cJSON_CreateString("$request.header.Authorization"));
            cJSON *jc = cJSON_AddObjectToObject(a, "JwtConfiguration");
            cJSON_AddStringToObject(jc, "Issuer", stc_tb_str(t, NULL, STC_SET_JWT_ISSUER));
            cJSON_AddItemToObject(jc, "Audience", stc_config_list(stc_tb_str(t, NULL, STC_SET_JWT_AUDIENCE)));
        }
        p = stc_tb_res(t, "HttpApiStage", "AWS::ApiGatewayV2::Stage", false, NULL);
        cJSON_AddItemToObject(p, "ApiId", stc_template_ref("HttpApi"));
        cJSON_AddStringToObject(p, "StageName", "$default");
        cJSON_AddBoolToObject(p, "AutoDeploy", true);
        stc_tb_stage_logs(t, "HttpApiStage", p, STC_API_HTTP);
        stc_tb_throttling(t, "HttpApiStage", p);
    }
    if (t->sync_api) {
        /* Express async routes answer with the execution's output: a REST
         * API integration can map StartSyncExecution's answer (an HTTP API
         * cannot read its body), and the HTTP API forwards those routes. */
        cJSON *p = stc_tb_res(t, "SyncApi", "AWS::ApiGateway::RestApi", false, NULL);
        cJSON_AddItemToObject(p, "Name", stc_template_sub("${AWS::StackName}-sync"));
        char *desc = stc_xasprintf("%s: Express workflow routes, answered synchronously (reached through the HTTP API)",
                                   svc_name);
        cJSON_AddStringToObject(p, "Description", desc);
        free(desc);
        cJSON *ec = cJSON_AddObjectToObject(p, "EndpointConfiguration");
        cJSON *types = cJSON_AddArrayToObject(ec, "Types");
        cJSON_AddItemToArray(types, cJSON_CreateString("REGIONAL"));
        p = stc_tb_res(t, "SyncApiValidator", "AWS::ApiGateway::RequestValidator", false, NULL);
        cJSON_AddItemToObject(p, "RestApiId", stc_template_ref("SyncApi"));
        cJSON_AddStringToObject(p, "Name", "parameters-and-body");
        cJSON_AddBoolToObject(p, "ValidateRequestParameters", true);
        cJSON_AddBoolToObject(p, "ValidateRequestBody", true);
    }
    if (t->spec->has_websocket) {
        cJSON *p = stc_tb_res(t, "WebSocketApi", "AWS::ApiGatewayV2::Api", false, NULL);
        cJSON_AddItemToObject(p, "Name", stc_template_sub("${AWS::StackName}-websocket"));
        cJSON_AddStringToObject(p, "ProtocolType", "WEBSOCKET");
        cJSON_AddStringToObject(p, "RouteSelectionExpression", STC_WS_ROUTE_SELECTION);
        char *desc = stc_xasprintf("%s: WebSocket routes", svc_name);
        cJSON_AddStringToObject(p, "Description", desc);
        free(desc);
    }
}

/* Path parameters become "*" in an execute-api ARN: any value matches. */
static char *stc_arn_path(const char *path)
{
    stc_buf b = STC_BUF_INIT;
    for (const char *p = path; *p; p++) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (e) {
                stc_buf_putc(&b, '*');
                p = e;
                continue;
            }
        }
        stc_buf_putc(&b, *p);
    }
    return stc_buf_take(&b);
}

/* A route's authorization: NONE (acknowledged: the configuration's
 * choice), AWS_IAM, or JWT with the HTTP API's authorizer. */
static void stc_tb_route_auth(stc_tb *t, const char *route, cJSON *p, stc_auth auth)
{
    static const char *const types[] = {"NONE", "AWS_IAM", "JWT"};
    cJSON_AddStringToObject(p, "AuthorizationType", types[auth]);
    if (auth == STC_AUTH_JWT)
        cJSON_AddItemToObject(p, "AuthorizerId", stc_template_ref(STC_JWT_AUTHORIZER));
    if (auth == STC_AUTH_NONE)
        stc_tb_ack(t, route, STC_NAG_AUTH_NONE);
}

/* $connect's authorization: the service's auth (or on_connect's); JWTs go
 * through the generated Lambda authorizer (stc_tb_ws_authorizer), since a
 * WebSocket API has no JWT authorizer. */
static void stc_tb_connect_auth(stc_tb *t, const char *route, cJSON *p)
{
    stc_auth auth = stc_tb_ws_auth(t);
    if (auth != STC_AUTH_JWT) {
        stc_tb_route_auth(t, route, p, auth);
    } else {
        cJSON_AddStringToObject(p, "AuthorizationType", "CUSTOM");
        cJSON_AddItemToObject(p, "AuthorizerId", stc_template_ref(STC_WS_AUTHORIZER));
    }
    /* a stage serves its deployment's snapshot of the routes: a new
     * authorization needs a new deployment */
    t->ws_hash = stc_fnv(t->ws_hash, cJSON_GetStringValue(cJSON_GetObjectItem(p, "AuthorizationType")));
}

static void stc_tb_route(stc_tb *t, const stc_spec_unit *u, const char *api, const char *route_key)
{
    bool http = api[0] == 'H';
    char *route = stc_spec_logical(u, http ? "Route" : "WebSocketRoute");
    char *integ = stc_spec_logical(u, http ? "Integration" : "WebSocketIntegration");
    cJSON *p = stc_tb_res(t, route, "AWS::ApiGatewayV2::Route", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref(api));
    cJSON_AddStringToObject(p, "RouteKey", route_key);
    if (http) {
        stc_tb_route_auth(t, route, p, stc_tb_auth(t, u->name));
    } else if (!strcmp(route_key, "$connect")) {
        stc_tb_connect_auth(t, route, p);
    } else {
        /* Only $connect takes an authorizer in a WebSocket API. */
        cJSON_AddStringToObject(p, "AuthorizationType", "NONE");
        stc_tb_ack(t, route, stc_tb_ws_auth(t) == STC_AUTH_NONE ? STC_NAG_AUTH_NONE : STC_NAG_WS_AFTER_CONNECT);
    }
    cJSON_AddItemToObject(p, "Target", stc_subf("integrations/${%s}", integ));
    free(route);
    free(integ);
}

/* A $connect route of its own when the service has no on_connect handler
 * but its connections are authorized: API Gateway authorizes there, and a
 * mock integration accepts the connection. */
static void stc_tb_ws_connect(stc_tb *t)
{
    if (stc_tb_connect_unit(t) || stc_tb_ws_auth(t) == STC_AUTH_NONE)
        return;
    cJSON *p = stc_tb_res(t, "WebSocketConnectRoute", "AWS::ApiGatewayV2::Route", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    cJSON_AddStringToObject(p, "RouteKey", "$connect");
    stc_tb_connect_auth(t, "WebSocketConnectRoute", p);
    cJSON_AddItemToObject(p, "Target", stc_template_sub("integrations/${WebSocketConnectIntegration}"));
    p = stc_tb_res(t, "WebSocketConnectIntegration", "AWS::ApiGatewayV2::Integration", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    cJSON_AddStringToObject(p, "IntegrationType", "MOCK");
    cJSON_AddStringToObject(p, "TemplateSelectionExpression", "200");
    cJSON *rt = cJSON_AddObjectToObject(p, "RequestTemplates");
    cJSON_AddStringToObject(rt, "200", "{\"statusCode\": 200}");
    cJSON_AddItemToArray(t->ws_routes, cJSON_CreateString("WebSocketConnectRoute"));
    t->ws_hash = stc_fnv(t->ws_hash, "$connect");
}

static void stc_tb_http_lambda(stc_tb *t, const stc_spec_unit *u, const char *fn)
{
    const stc_route *r = u->route;
    char *key = stc_xasprintf("%s %s", r->http_method, r->path);
    stc_tb_route(t, u, "HttpApi", key);
    free(key);
    char *integ = stc_spec_logical(u, "Integration");
    cJSON *p = stc_tb_res(t, integ, "AWS::ApiGatewayV2::Integration", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("HttpApi"));
    cJSON_AddStringToObject(p, "IntegrationType", "AWS_PROXY");
    cJSON_AddItemToObject(p, "IntegrationUri", stc_template_getatt(fn, "Arn"));
    cJSON_AddStringToObject(p, "PayloadFormatVersion", "2.0");
    free(integ);
    char *perm = stc_spec_logical(u, "Permission");
    p = stc_tb_res(t, perm, "AWS::Lambda::Permission", false, NULL);
    cJSON_AddStringToObject(p, "Action", "lambda:InvokeFunction");
    cJSON_AddItemToObject(p, "FunctionName", stc_template_getatt(fn, "Arn"));
    cJSON_AddStringToObject(p, "Principal", "apigateway.amazonaws.com");
    char *path = stc_arn_path(r->path);
    cJSON_AddItemToObject(p, "SourceArn",
                          stc_subf(STC_ARN_PREFIX ":execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/$default/%s%s",
                                   r->http_method, path));
    free(path);
    free(perm);
}


/* The API's own role, allowed `action` on exactly this machine. */
static void stc_tb_api_role(stc_tb *t, const stc_spec_unit *u, const char *sm, const char *api, const char *action)
{
    char *role = stc_spec_logical(u, "ApiRole");
    cJSON *p = stc_tb_res(t, role, "AWS::IAM::Role", false, NULL);
    char *desc = stc_xasprintf("%s: lets the %s start the state machine %s", u->name, api, sm);
    cJSON_AddStringToObject(p, "Description", desc);
    free(desc);
    cJSON_AddItemToObject(p, "AssumeRolePolicyDocument", stc_iam_trust("apigateway.amazonaws.com"));
    stc_iam_policy *pol = stc_iam_new();
    const char *sid = strchr(action, ':') + 1;
    stc_iam_allow_take(pol, sid, action, stc_template_ref(sm));
    cJSON *pols = cJSON_AddArrayToObject(p, "Policies");
    cJSON *po = cJSON_CreateObject();
    cJSON_AddStringToObject(po, "PolicyName", "start-execution");
    cJSON_AddItemToObject(po, "PolicyDocument", stc_iam_finish(pol));
    cJSON_AddItemToArray(pols, po);
    free(role);
}

/* The REST API resource of `path` ("/people/{person_id}"), created with its
 * parents on first use: its logical id (borrowed from t), or NULL for "/". */
static const char *stc_tb_sync_resource(stc_tb *t, const char *path)
{
    if (!path[0] || strcmp(path, "/") == 0)
        return NULL;
    for (size_t i = 0; i < t->nsync_res; i++)
        if (strcmp(t->sync_paths[i], path) == 0)
            return t->sync_res[i];
    const char *slash = strrchr(path, '/');
    char *parent_path = stc_xstrndup(path, (size_t)(slash - path));
    const char *parent = stc_tb_sync_resource(t, parent_path);
    free(parent_path);
    /* SyncApi + the segments in CamelCase, "{x}" as "ByX": /people/{person_id}
     * -> SyncApiPeopleByPersonId. */
    stc_buf id = STC_BUF_INIT;
    stc_buf_puts(&id, "SyncApi");
    bool up = true;
    for (const char *p = path; *p; p++) {
        if (*p == '{') {
            stc_buf_puts(&id, "By");
            up = true;
        } else if (*p == '/' || *p == '-' || *p == '_' || *p == '}') {
            up = true;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')) {
            stc_buf_putc(&id, up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p);
            up = false;
        }
    }
    for (size_t i = 0; i < t->nsync_res; i++)
        if (strcmp(t->sync_res[i], stc_buf_cstr(&id)) == 0) {
            stc_buf_printf(&id, "%zu", t->nsync_res);
            break;
        }
    cJSON *p = stc_tb_res(t, stc_buf_cstr(&id), "AWS::ApiGateway::Resource", false, NULL);
    cJSON_AddItemToObject(p, "RestApiId", stc_template_ref("SyncApi"));
    cJSON_AddItemToObject(p, "ParentId", parent ? stc_template_ref(parent) : stc_template_getatt("SyncApi", "RootResourceId"));
    cJSON_AddStringToObject(p, "PathPart", slash + 1);
    t->sync_paths = stc_xrealloc(t->sync_paths, (t->nsync_res + 1) * sizeof *t->sync_paths);
    t->sync_res = stc_xrealloc(t->sync_res, (t->nsync_res + 1) * sizeof *t->sync_res);
    t->sync_paths[t->nsync_res] = stc_xstrdup(path);
    t->sync_res[t->nsync_res] = stc_buf_take(&id);
    return t->sync_res[t->nsync_res++];
}

/* The integration's request: StartSyncExecution of this machine with the
 * request body as input. escapeJavaScript turns ' into \', which JSON does
 * not allow, hence the replaceAll. */
#define STC_SYNC_REQUEST                                                                                     \
    "{\"stateMachineArn\": \"${%s}\", "                                                                       \
    "\"input\": \"$util.escapeJavaScript($input.json('$')).replaceAll(\"\\\\'\", \"'\")\"}"

/* The answer: the execution's output as it is when it SUCCEEDED; otherwise an
 * error document as the Lambda runtime writes it (stc_runtime._http_failure):
 * an exception class of the module 400 with its message, KeyError 404,
 * anything else 500 without details, the 5-minute limit 504. */
static char *stc_tb_sync_response(const stc_tb *t, const stc_spec_unit *u)
{
    const stc_module *m = t->spec->svc->module;
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "#set($status = $input.path('$.status'))\n"
                     "#if($status == 'SUCCEEDED')\n"
                     "$input.path('$.output')\n"
                     "#else\n"
                     "#set($error = \"$!input.path('$.error')\")\n"
                     "#set($cause = \"$!input.path('$.cause')\")\n"
                     "#if($status == 'TIMED_OUT')\n"
                     "#set($context.responseOverride.status = 504)\n"
                     "{\"error\": \"Timeout\", \"message\": \"");
    stc_buf_printf(&b, "%s ran past the 5-minute limit of an Express execution", u->name);
    stc_buf_puts(&b, "\"}\n");
    size_t nexc = 0;
    for (size_t i = 0; m && i < m->nclasses; i++) {
        if (&m->classes[i] == m->service)
            continue;
        stc_buf_printf(&b, "%s$error == '%s'", nexc++ ? " || " : "#elseif(", m->classes[i].name);
    }
    if (nexc)
        stc_buf_puts(&b, ")\n"
                         "#set($context.responseOverride.status = 400)\n"
                         "{\"error\": \"$util.escapeJavaScript($error).replaceAll(\"\\\\'\", \"'\")\", "
                         "\"message\": \"$util.escapeJavaScript($cause).replaceAll(\"\\\\'\", \"'\")\"}\n");
    stc_buf_puts(&b, "#elseif($error == 'KeyError')\n"
                     "#set($context.responseOverride.status = 404)\n"
                     "{\"error\": \"NotFound\", "
                     "\"message\": \"$util.escapeJavaScript($cause).replaceAll(\"\\\\'\", \"'\")\"}\n"
                     "#else\n"
                     "#set($context.responseOverride.status = 500)\n"
                     "{\"error\": \"InternalServerError\", \"message\": \"");
    stc_buf_printf(&b, "%s failed; see the state machine's log", u->name);
    stc_buf_puts(&b, "\"}\n"
                     "#end\n"
                     "#end\n");
    return stc_buf_take(&b);
}

/* An Express async REST unit: a REST API method integrated with
 * StartSyncExecution (request and response mapping templates), and the HTTP
 * API route forwarding to it, so that every route keeps one endpoint. */
static void stc_tb_http_sync_state_machine(stc_tb *t, const stc_spec_unit *u, const char *sm)
{
    const stc_route *r = u->route;
    stc_tb_api_role(t, u, sm, "REST API", "states:StartSyncExecution");
    char *role = stc_spec_logical(u, "ApiRole");
    const char *res = stc_tb_sync_resource(t, r->path);
    char *meth = stc_spec_logical(u, "SyncMethod");
    cJSON *p = stc_tb_res(t, meth, "AWS::ApiGateway::Method", false, NULL);
    cJSON_AddItemToArray(t->sync_methods, cJSON_CreateString(meth));
    t->sync_hash = stc_fnv(stc_fnv(stc_fnv(t->sync_hash, r->http_method), r->path), sm);
    cJSON_AddItemToObject(p, "RestApiId", stc_template_ref("SyncApi"));
    cJSON_AddItemToObject(p, "ResourceId", res ? stc_template_ref(res) : stc_template_getatt("SyncApi", "RootResourceId"));
    cJSON_AddStringToObject(p, "HttpMethod", r->http_method);
    /* Only public Express routes come here (docs/hardening.md). */
    cJSON_AddStringToObject(p, "AuthorizationType", "NONE");
    stc_tb_ack(t, meth, STC_NAG_AUTH_NONE);
    stc_tb_ack(t, meth, STC_NAG_AUTH_NONE_COG4);
    cJSON_AddItemToObject(p, "RequestValidatorId", stc_template_ref("SyncApiValidator"));
    cJSON *in = cJSON_AddObjectToObject(p, "Integration");
    cJSON_AddStringToObject(in, "Type", "AWS");
    cJSON_AddStringToObject(in, "IntegrationHttpMethod", "POST");
    cJSON_AddItemToObject(in, "Uri", stc_template_sub(STC_ARN_PREFIX ":apigateway:${AWS::Region}:states:action/StartSyncExecution"));
    cJSON_AddItemToObject(in, "Credentials", stc_template_getatt(role, "Arn"));
    cJSON_AddStringToObject(in, "PassthroughBehavior", "NEVER");
    cJSON *rt = cJSON_AddObjectToObject(in, "RequestTemplates");
    cJSON_AddItemToObject(rt, "application/json", stc_subf(STC_SYNC_REQUEST, sm));
    cJSON *irs = cJSON_AddArrayToObject(in, "IntegrationResponses");
    cJSON *ir = cJSON_CreateObject();
    cJSON_AddStringToObject(ir, "StatusCode", "200");
    cJSON *resp = cJSON_AddObjectToObject(ir, "ResponseTemplates");
    char *vtl = stc_tb_sync_response(t, u);
    cJSON_AddStringToObject(resp, "application/json", vtl);
    free(vtl);
    cJSON_AddItemToArray(irs, ir);
    cJSON *mrs = cJSON_AddArrayToObject(p, "MethodResponses");
    static const char *const codes[] = {"200", "400", "404", "500", "504"};
    for (size_t i = 0; i < STC_ARRAY_LEN(codes); i++) {
        cJSON *mr = cJSON_CreateObject();
        cJSON_AddStringToObject(mr, "StatusCode", codes[i]);
        cJSON_AddItemToArray(mrs, mr);
    }
    free(meth);
    free(role);

    /* The HTTP API route forwards to the REST API's stage. */
    char *key = stc_xasprintf("%s %s", r->http_method, r->path);
    stc_tb_route(t, u, "HttpApi", key);
    free(key);
    char *integ = stc_spec_logical(u, "Integration");
    p = stc_tb_res(t, integ, "AWS::ApiGatewayV2::Integration", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("HttpApi"));
    cJSON_AddStringToObject(p, "IntegrationType", "HTTP_PROXY");
    cJSON_AddStringToObject(p, "IntegrationMethod", r->http_method);
    cJSON_AddItemToObject(p, "IntegrationUri",
                          stc_subf("https://${SyncApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/%s%s", t->mode,
                                   r->path));
    cJSON_AddStringToObject(p, "PayloadFormatVersion", "1.0");
    free(integ);
}

static void stc_tb_sync_deployment(stc_tb *t)
{
    /* A new deployment whenever the methods change (as for WebSocket). */
    char *dep = stc_xasprintf("SyncApiDeployment%08x", (unsigned)t->sync_hash);
    cJSON *p = stc_tb_res(t, dep, "AWS::ApiGateway::Deployment", false, t->sync_methods);
    t->sync_methods = NULL;
    cJSON_AddItemToObject(p, "RestApiId", stc_template_ref("SyncApi"));
    cJSON_AddStringToObject(p, "Description", "Express workflow routes");
    p = stc_tb_res(t, "SyncApiStage", "AWS::ApiGateway::Stage", false,
                   t->access_logs ? stc_str_array((const char *const[]){"ApiGatewayAccount"}, 1) : NULL);
    cJSON_AddItemToObject(p, "RestApiId", stc_template_ref("SyncApi"));
    cJSON_AddStringToObject(p, "StageName", t->mode);
    cJSON_AddItemToObject(p, "DeploymentId", stc_template_ref(dep));
    stc_tb_stage_logs(t, "SyncApiStage", p, STC_API_REST);
    if (stc_tb_bool(t, NULL, STC_SET_TRACING))
        cJSON_AddBoolToObject(p, "TracingEnabled", true);
    else
        stc_tb_ack(t, "SyncApiStage", STC_NAG_TRACING_OFF_APIGW);
    stc_tb_ack(t, "SyncApiStage", STC_NAG_REST_NO_WAF);
    const stc_setting_value *rate = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_RATE);
    const stc_setting_value *burst = stc_tb_get(t, NULL, STC_SET_API_THROTTLING_BURST);
    bool throttled = stc_tb_throttled(t, "SyncApiStage");
    if (throttled || t->access_logs) {
        cJSON *ms = cJSON_AddArrayToObject(p, "MethodSettings");
        cJSON *one = cJSON_CreateObject();
        cJSON_AddStringToObject(one, "ResourcePath", "/*");
        cJSON_AddStringToObject(one, "HttpMethod", "*");
        if (burst->set)
            cJSON_AddNumberToObject(one, "ThrottlingBurstLimit", (double)burst->i);
        if (rate->set)
            cJSON_AddNumberToObject(one, "ThrottlingRateLimit", (double)rate->i);
        if (t->access_logs) {
            /* Execution logs: errors only, never the request data. */
            cJSON_AddStringToObject(one, "LoggingLevel", "ERROR");
            cJSON_AddBoolToObject(one, "DataTraceEnabled", false);
        }
        cJSON_AddItemToArray(ms, one);
    }
    if (!t->access_logs)
        stc_tb_ack(t, "SyncApiStage", STC_NAG_EXEC_LOGS_OFF);
    free(dep);
    for (size_t i = 0; i < t->nsync_res; i++) {
        free(t->sync_paths[i]);
        free(t->sync_res[i]);
    }
    free(t->sync_paths);
    free(t->sync_res);
}

static void stc_tb_http_state_machine(stc_tb *t, const stc_spec_unit *u, const char *sm)
{
    const stc_route *r = u->route;
    char *key = stc_xasprintf("%s %s", r->http_method, r->path);
    stc_tb_route(t, u, "HttpApi", key);
    free(key);
    /* The API's own role, allowed to start exactly this machine. */
    stc_tb_api_role(t, u, sm, "HTTP API", "states:StartExecution");
    char *role = stc_spec_logical(u, "ApiRole");
    char *integ = stc_spec_logical(u, "Integration");
    cJSON *p = stc_tb_res(t, integ, "AWS::ApiGatewayV2::Integration", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("HttpApi"));
    cJSON_AddStringToObject(p, "IntegrationType", "AWS_PROXY");
    cJSON_AddStringToObject(p, "IntegrationSubtype", "StepFunctions-StartExecution");
    cJSON_AddItemToObject(p, "CredentialsArn", stc_template_getatt(role, "Arn"));
    cJSON_AddStringToObject(p, "PayloadFormatVersion", "1.0");
    cJSON *rp = cJSON_AddObjectToObject(p, "RequestParameters");
    cJSON_AddItemToObject(rp, "StateMachineArn", stc_template_ref(sm));
    cJSON_AddStringToObject(rp, "Input", "$request.body");
    /* StartExecution answers 200 with the execution ARN; the route says 202. */
    cJSON *resp = cJSON_AddObjectToObject(p, "ResponseParameters");
    cJSON *r200 = cJSON_AddObjectToObject(resp, "200");
    cJSON *list = cJSON_AddArrayToObject(r200, "ResponseParameters");
    cJSON *one = cJSON_CreateObject();
    cJSON_AddStringToObject(one, "Destination", "overwrite:statuscode");
    cJSON_AddStringToObject(one, "Source", "202");
    cJSON_AddItemToArray(list, one);
    free(integ);
    free(role);
}


static void stc_tb_ws_lambda(stc_tb *t, const stc_spec_unit *u, const char *fn)
{
    const stc_ws_route *r = u->ws_route;
    stc_tb_route(t, u, "WebSocketApi", r->route_key);
    char *route = stc_spec_logical(u, "WebSocketRoute");
    cJSON_AddItemToArray(t->ws_routes, cJSON_CreateString(route));
    t->ws_hash = stc_fnv(stc_fnv(t->ws_hash, r->route_key), fn);
    free(route);
    char *integ = stc_spec_logical(u, "WebSocketIntegration");
    cJSON *p = stc_tb_res(t, integ, "AWS::ApiGatewayV2::Integration", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    cJSON_AddStringToObject(p, "IntegrationType", "AWS_PROXY");
    cJSON_AddItemToObject(p, "IntegrationUri",
                          stc_subf(STC_ARN_PREFIX ":apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                                   "${%s.Arn}/invocations",
                                   fn));
    free(integ);
    char *perm = stc_spec_logical(u, "Permission");
    p = stc_tb_res(t, perm, "AWS::Lambda::Permission", false, NULL);
    cJSON_AddStringToObject(p, "Action", "lambda:InvokeFunction");
    cJSON_AddItemToObject(p, "FunctionName", stc_template_getatt(fn, "Arn"));
    cJSON_AddStringToObject(p, "Principal", "apigateway.amazonaws.com");
    cJSON_AddItemToObject(p, "SourceArn",
                          stc_subf(STC_ARN_PREFIX ":execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/%s/%s",
                                   stc_ws_stage(t), r->route_key));
    free(perm);
}

/* The WebSocket integration's request: StartExecution of the machine with
 * the execution input the workflow takes by name: its first two parameters
 * (url, connection_id: the connection's callback URL and id, as the Lambda
 * runtime passes them) and each message field the message has ($connect:
 * each query parameter, as text). Values are the message's own JSON,
 * escaped into the input string. */
static char *stc_tb_ws_request(const stc_spec_unit *u, const char *sm)
{
    const stc_ws_route *r = u->ws_route;
    const stc_method *m = u->info->method;
    bool connect = strcmp(r->route_key, "$connect") == 0;
    stc_buf b = STC_BUF_INIT;
    if (!connect)
        stc_buf_puts(&b, "#set($message = $input.path('$'))\n");
    stc_buf_printf(&b, "{\"stateMachineArn\": \"${%s}\", \"input\": \"{", sm);
    const char *first[2] = {NULL, NULL};
    for (size_t i = 0, k = 0; i < m->nparams && k < 2; i++)
        if (!m->params[i].vararg && !m->params[i].kwarg)
            first[k++] = m->params[i].name;
    size_t n = 0;
    if (first[0])
        stc_buf_printf(&b, "\\\"%s\\\": \\\"https://$context.domainName/$context.stage\\\"", first[0]), n++;
    if (first[1])
        stc_buf_printf(&b, ", \\\"%s\\\": \\\"$context.connectionId\\\"", first[1]), n++;
    for (size_t i = 0; i < r->nparams; i++) {
        const char *f = r->params[i].name;
        if ((first[0] && strcmp(f, first[0]) == 0) || (first[1] && strcmp(f, first[1]) == 0))
            continue;
        const char *sep = n++ ? ", " : "";
        if (connect)
            stc_buf_printf(&b,
                           "#if(\"$!input.params('%s')\" != \"\")%s\\\"%s\\\": \\\"$util.escapeJavaScript("
                           "$input.params('%s')).replaceAll(\"\\\\'\", \"'\")\\\"#end",
                           f, sep, f, f);
        else
            stc_buf_printf(&b,
                           "#if($message.containsKey('%s'))%s\\\"%s\\\": $util.escapeJavaScript($input.json('$.%s'))"
                           ".replaceAll(\"\\\\'\", \"'\")#end",
                           f, sep, f, f);
    }
    stc_buf_puts(&b, "}\"}");
    return stc_buf_take(&b);
}

/* An async WebSocket handler: its route starts the state machine through
 * the WebSocket API's own Step Functions integration (one way: the workflow
 * answers with post_to_connection from an internal function). */
static void stc_tb_ws_state_machine(stc_tb *t, const stc_spec_unit *u, const char *sm)
{
    const stc_ws_route *r = u->ws_route;
    stc_tb_route(t, u, "WebSocketApi", r->route_key);
    char *route = stc_spec_logical(u, "WebSocketRoute");
    cJSON_AddItemToArray(t->ws_routes, cJSON_CreateString(route));
    t->ws_hash = stc_fnv(stc_fnv(t->ws_hash, r->route_key), sm);
    free(route);
    stc_tb_api_role(t, u, sm, "WebSocket API", "states:StartExecution");
    char *role = stc_spec_logical(u, "ApiRole");
    char *integ = stc_spec_logical(u, "WebSocketIntegration");
    cJSON *p = stc_tb_res(t, integ, "AWS::ApiGatewayV2::Integration", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    cJSON_AddStringToObject(p, "IntegrationType", "AWS");
    cJSON_AddStringToObject(p, "IntegrationMethod", "POST");
    cJSON_AddItemToObject(p, "IntegrationUri",
                          stc_template_sub(STC_ARN_PREFIX ":apigateway:${AWS::Region}:states:action/StartExecution"));
    cJSON_AddItemToObject(p, "CredentialsArn", stc_template_getatt(role, "Arn"));
    cJSON_AddStringToObject(p, "PassthroughBehavior", "NEVER");
    cJSON_AddStringToObject(p, "TemplateSelectionExpression", "\\$default");
    cJSON *rt = cJSON_AddObjectToObject(p, "RequestTemplates");
    char *vtl = stc_tb_ws_request(u, sm);
    cJSON_AddItemToObject(rt, "$default", stc_template_sub(vtl));
    free(vtl);
    free(integ);
    free(role);
}

static void stc_tb_ws_deployment(stc_tb *t)
{
    /* The deployment's logical id changes with the routes, so an update that
     * changes them deploys them. */
    char *dep = stc_xasprintf("WebSocketDeployment%08x", (unsigned)t->ws_hash);
    cJSON *p = stc_tb_res(t, dep, "AWS::ApiGatewayV2::Deployment", false, t->ws_routes);
    t->ws_routes = NULL;
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    p = stc_tb_res(t, "WebSocketStage", "AWS::ApiGatewayV2::Stage", false,
                   t->access_logs ? stc_str_array((const char *const[]){"ApiGatewayAccount"}, 1) : NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    cJSON_AddStringToObject(p, "StageName", stc_ws_stage(t));
    cJSON_AddItemToObject(p, "DeploymentId", stc_template_ref(dep));
    stc_tb_stage_logs(t, "WebSocketStage", p, STC_API_WEBSOCKET);
    stc_tb_throttling(t, "WebSocketStage", p);
    free(dep);
}

/* ---- units ------------------------------------------------------------------ */

/* The log group `prefix`/<stack>/`name` of unit u (NULL: the service's settings). */
static cJSON *stc_tb_log_group_named(stc_tb *t, const stc_spec_unit *u, const char *logical, const char *prefix,
                                     const char *name)
{
    cJSON *p = stc_tb_res(t, logical, "AWS::Logs::LogGroup", true, NULL);
    cJSON_AddItemToObject(p, "LogGroupName", stc_subf("%s/${AWS::StackName}/%s", prefix, name));
    cJSON_AddNumberToObject(p, "RetentionInDays", (double)stc_tb_int(t, u ? u->name : NULL, STC_SET_LOG_RETENTION));
    if (t->kms)
        cJSON_AddItemToObject(p, "KmsKeyId", stc_template_getatt(STC_KEY, "Arn"));
    return p;
}

static cJSON *stc_tb_log_group(stc_tb *t, const stc_spec_unit *u, const char *logical, const char *prefix)
{
    return stc_tb_log_group_named(t, u, logical, prefix, u->name);
}

/* The role; takes pol. */
static void stc_tb_role(stc_tb *t, const char *logical, const char *principal, const char *desc,
                        const char *policy_name, stc_iam_policy *pol)
{
    cJSON *p = stc_tb_res(t, logical, "AWS::IAM::Role", false, NULL);
    cJSON_AddStringToObject(p, "Description", desc);
    cJSON_AddItemToObject(p, "AssumeRolePolicyDocument", stc_iam_trust(principal));
    cJSON *pols = cJSON_AddArrayToObject(p, "Policies");
    cJSON *po = cJSON_CreateObject();
    cJSON_AddStringToObject(po, "PolicyName", policy_name);
    cJSON_AddItemToObject(po, "PolicyDocument", stc_iam_finish(pol));
    cJSON_AddItemToArray(pols, po);
}

static void stc_allow_str(stc_iam_policy *pol, const char *sid, const char *action, const char *resource)
{
    cJSON *r = cJSON_CreateString(resource);
    stc_iam_allow(pol, sid, action, r, NULL);
    cJSON_Delete(r);
}

static char *stc_tb_description(const stc_spec_unit *u)
{
    if (u->route)
        return stc_xasprintf("%s: %s %s", u->name, u->route->http_method, u->route->path);
    if (u->ws_route)
        return stc_xasprintf("%s: WebSocket route %s", u->name, u->ws_route->route_key);
    return stc_xasprintf("%s: internal %s", u->name,
                         u->info->unit == STC_UNIT_LAMBDA ? "function" : "workflow");
}

static void stc_tb_env_ref(cJSON *vars, const char *prefix, const char *name, cJSON *value)
{
    char *env = stc_handler_env_name(prefix, name);
    cJSON_AddItemToObject(vars, env, value);
    free(env);
}

/* ---- triggers (core/triggers.h, docs/triggers.md) ------------------------- */

/* Does the target take parameter `name` (not a star parameter)? */
static bool stc_tb_takes(const stc_trigger *tr, const char *name)
{
    const stc_method *m = tr->unit->method;
    for (size_t i = 0; i < m->nparams; i++)
        if (!m->params[i].vararg && !m->params[i].kwarg && strcmp(m->params[i].name, name) == 0)
            return true;
    return false;
}

/* Where EventBridge finds each field in the event, for input transformers. */
static const char *stc_tb_field_path(const stc_trigger *tr, const char *field)
{
    if (strcmp(field, "time") == 0)
        return "$.time";
    if (tr->kind == STC_TRIGGER_OBJECT_CREATED || tr->kind == STC_TRIGGER_OBJECT_REMOVED) {
        if (strcmp(field, "key") == 0)
            return "$.detail.object.key";
        if (strcmp(field, "size") == 0)
            return "$.detail.object.size";
        if (strcmp(field, "etag") == 0)
            return "$.detail.object.etag";
        if (strcmp(field, "bucket") == 0)
            return "$.detail.bucket.name";
    }
    return NULL;
}

/* The rule target's input: a constant (Input), the event's fields through
 * an InputTransformer, or nothing (the function gets the event itself and
 * its handler converts it). */
static void stc_tb_target_input(const stc_trigger *tr, bool state_machine, cJSON *target)
{
    const stc_trigger_field *f[16];
    size_t nf = stc_trigger_fields(tr->kind, f, 16);
    cJSON *paths = cJSON_CreateObject();
    stc_buf tmpl = STC_BUF_INIT;
    stc_buf_putc(&tmpl, '{');
    size_t n = 0;
    for (const cJSON *c = tr->input ? tr->input->child : NULL; c; c = c->next) {
        cJSON *key = cJSON_CreateString(c->string);
        char *k = cJSON_PrintUnformatted(key);
        char *v = cJSON_PrintUnformatted(c);
        stc_buf_printf(&tmpl, "%s%s: %s", n++ ? ", " : "", k, v);
        free(k);
        free(v);
        cJSON_Delete(key);
    }
    bool fields = false;
    for (size_t i = 0; i < nf && i < 16; i++) {
        const char *path = stc_tb_field_path(tr, f[i]->name);
        if (!path || !stc_tb_takes(tr, f[i]->name) ||
            (tr->input && cJSON_GetObjectItemCaseSensitive(tr->input, f[i]->name)))
            continue;
        cJSON_AddStringToObject(paths, f[i]->name, path);
        stc_buf_printf(&tmpl, "%s\"%s\": <%s>", n++ ? ", " : "", f[i]->name, f[i]->name);
        fields = true;
    }
    stc_buf_putc(&tmpl, '}');
    bool lambda_event = !state_machine && tr->kind != STC_TRIGGER_SCHEDULE;
    if (fields && !lambda_event) {
        cJSON *it = cJSON_AddObjectToObject(target, "InputTransformer");
        cJSON_AddItemToObject(it, "InputPathsMap", paths);
        cJSON_AddStringToObject(it, "InputTemplate", stc_buf_cstr(&tmpl));
        paths = NULL;
    } else if (tr->input && !lambda_event) {
        cJSON_AddStringToObject(target, "Input", stc_buf_cstr(&tmpl));
    } else if (state_machine) {
        cJSON_AddStringToObject(target, "Input", "{}");
    }
    cJSON_Delete(paths);
    stc_buf_free(&tmpl);
}

/* Let `principal` invoke function `fn` from `source_arn` (taken). */
static void stc_tb_invoke_permission(stc_tb *t, const char *logical, const char *fn, const char *principal,
                                     cJSON *source_arn)
{
    cJSON *p = stc_tb_res(t, logical, "AWS::Lambda::Permission", false, NULL);
    cJSON_AddStringToObject(p, "Action", "lambda:InvokeFunction");
    cJSON_AddItemToObject(p, "FunctionName", stc_template_getatt(fn, "Arn"));
    cJSON_AddStringToObject(p, "Principal", principal);
    cJSON_AddItemToObject(p, "SourceArn", source_arn);
}

/* An EventBridge rule (a schedule, or the bucket's object events) whose
 * target is the function `fn` or the state machine `sm`. */
static void stc_tb_trigger_rule(stc_tb *t, const stc_spec_unit *u, const stc_trigger *tr, const char *base,
                                const char *target_logical, bool state_machine)
{
    char *rule = stc_xasprintf("%sRule", base);
    cJSON *p = stc_tb_res(t, rule, "AWS::Events::Rule", false, NULL);
    char *summary = stc_trigger_summary(tr);
    char *desc = stc_xasprintf("%s: %s", u->name, summary);
    cJSON_AddStringToObject(p, "Description", desc);
    free(desc);
    free(summary);
    if (tr->kind == STC_TRIGGER_SCHEDULE) {
        cJSON_AddStringToObject(p, "ScheduleExpression", tr->source);
    } else {
        const stc_resource *r = &t->spec->res->resources[tr->resource];
        cJSON *pat = cJSON_AddObjectToObject(p, "EventPattern");
        cJSON *src = cJSON_AddArrayToObject(pat, "source");
        cJSON_AddItemToArray(src, cJSON_CreateString("aws.s3"));
        cJSON *dt = cJSON_AddArrayToObject(pat, "detail-type");
        cJSON_AddItemToArray(dt, cJSON_CreateString(tr->kind == STC_TRIGGER_OBJECT_CREATED ? "Object Created"
                                                                                          : "Object Deleted"));
        cJSON *detail = cJSON_AddObjectToObject(pat, "detail");
        cJSON *bucket = cJSON_AddObjectToObject(detail, "bucket");
        cJSON *names = cJSON_AddArrayToObject(bucket, "name");
        cJSON_AddItemToArray(names, stc_template_ref(r->logical));
        if (tr->prefix || tr->suffix) {
            cJSON *obj = cJSON_AddObjectToObject(detail, "object");
            cJSON *keys = cJSON_AddArrayToObject(obj, "key");
            cJSON *m = cJSON_CreateObject();
            if (tr->prefix && tr->suffix) {
                char *w = stc_xasprintf("%s*%s", tr->prefix, tr->suffix);
                cJSON_AddStringToObject(m, "wildcard", w);
                free(w);
            } else if (tr->prefix) {
                cJSON_AddStringToObject(m, "prefix", tr->prefix);
            } else {
                cJSON_AddStringToObject(m, "suffix", tr->suffix);
            }
            cJSON_AddItemToArray(keys, m);
        }
    }
    cJSON_AddStringToObject(p, "State", "ENABLED");
    cJSON *targets = cJSON_AddArrayToObject(p, "Targets");
    cJSON *target = cJSON_CreateObject();
    cJSON_AddStringToObject(target, "Id", u->camel);
    if (state_machine) {
        cJSON_AddItemToObject(target, "Arn", stc_template_ref(target_logical));
        char *role = stc_xasprintf("%sRole", base);
        cJSON_AddItemToObject(target, "RoleArn", stc_template_getatt(role, "Arn"));
        free(role);
    } else {
        cJSON_AddItemToObject(target, "Arn", stc_template_getatt(target_logical, "Arn"));
    }
    stc_tb_target_input(tr, state_machine, target);
    /* What EventBridge cannot deliver goes to the dead-letter queue. */
    cJSON *dl = cJSON_AddObjectToObject(target, "DeadLetterConfig");
    cJSON_AddItemToObject(dl, "Arn", stc_template_getatt(STC_DLQ, "Arn"));
    cJSON_AddItemToArray(t->dlq_rules, stc_template_getatt(rule, "Arn"));
    cJSON_AddItemToArray(targets, target);

    if (state_machine) {
        /* EventBridge's own role: it may start exactly this machine. */
        char *role = stc_xasprintf("%sRole", base);
        stc_iam_policy *pol = stc_iam_new();
        stc_iam_allow_take(pol, "StartExecution", "states:StartExecution", stc_template_ref(target_logical));
        char *rdesc = stc_xasprintf("%s: lets EventBridge start the state machine %s", u->name, target_logical);
        stc_tb_role(t, role, "events.amazonaws.com", rdesc, "start-execution", pol);
        free(rdesc);
        free(role);
    } else {
        char *perm = stc_xasprintf("%sPermission", base);
        stc_tb_invoke_permission(t, perm, target_logical, "events.amazonaws.com", stc_template_getatt(rule, "Arn"));
        free(perm);
    }
    free(rule);
}

/* Everything the triggers of unit u deploy in this mode, after the unit's
 * own resources. `target_logical` is its function or state machine. */
static void stc_tb_unit_triggers(stc_tb *t, const stc_spec_unit *u, const char *target_logical)
{
    const stc_triggers *trs = stc_tb_triggers(t);
    bool state_machine = u->info->unit == STC_UNIT_STATE_MACHINE;
    for (size_t i = 0; trs && i < trs->count; i++) {
        const stc_trigger *tr = &trs->items[i];
        if (!stc_tb_trigger_on(t, tr) || tr->unit != u->info)
            continue;
        char *base = stc_xasprintf("%sTrigger%zu", u->camel, tr->ordinal);
        switch (tr->kind) {
        case STC_TRIGGER_SCHEDULE:
        case STC_TRIGGER_OBJECT_CREATED:
        case STC_TRIGGER_OBJECT_REMOVED:
            stc_tb_trigger_rule(t, u, tr, base, target_logical, state_machine);
            break;
        case STC_TRIGGER_QUEUE: {
            const stc_resource *r = &t->spec->res->resources[tr->resource];
            char *esm = stc_xasprintf("%sEventSourceMapping", base);
            cJSON *p = stc_tb_res(t, esm, "AWS::Lambda::EventSourceMapping", false, NULL);
            cJSON_AddItemToObject(p, "EventSourceArn", stc_template_getatt(r->logical, "Arn"));
            cJSON_AddItemToObject(p, "FunctionName", stc_template_ref(target_logical));
            cJSON_AddNumberToObject(p, "BatchSize", tr->batch_size);
            cJSON_AddBoolToObject(p, "Enabled", true);
            cJSON *frt = cJSON_AddArrayToObject(p, "FunctionResponseTypes");
            cJSON_AddItemToArray(frt, cJSON_CreateString("ReportBatchItemFailures"));
            stc_tb_ack(t, esm, STC_NAG_ESM_SQS);
            free(esm);
            break;
        }
        case STC_TRIGGER_TOPIC: {
            char *sub = stc_xasprintf("%sSubscription", base);
            cJSON *p = stc_tb_res(t, sub, "AWS::SNS::Subscription", false, NULL);
            cJSON_AddStringToObject(p, "TopicArn", tr->source);
            cJSON_AddStringToObject(p, "Protocol", "lambda");
            cJSON_AddItemToObject(p, "Endpoint", stc_template_getatt(target_logical, "Arn"));
            /* What SNS cannot deliver goes to the dead-letter queue. */
            cJSON *rp = cJSON_AddObjectToObject(p, "RedrivePolicy");
            cJSON_AddItemToObject(rp, "deadLetterTargetArn", stc_template_getatt(STC_DLQ, "Arn"));
            bool listed = false;
            const cJSON *a;
            cJSON_ArrayForEach(a, t->dlq_topics) listed = listed || !strcmp(a->valuestring, tr->source);
            if (!listed)
                cJSON_AddItemToArray(t->dlq_topics, cJSON_CreateString(tr->source));
            free(sub);
            char *perm = stc_xasprintf("%sPermission", base);
            stc_tb_invoke_permission(t, perm, target_logical, "sns.amazonaws.com", cJSON_CreateString(tr->source));
            free(perm);
            break;
        }
        case STC_TRIGGER__COUNT:
            break;
        }
        free(base);
    }
}

/* The function's role may receive and delete the messages of the queues
 * that trigger it (the event source mapping polls with this role). */
static void stc_tb_trigger_grants(stc_tb *t, const stc_spec_unit *u, stc_iam_policy *pol)
{
    const stc_triggers *trs = stc_tb_triggers(t);
    for (size_t i = 0; trs && i < trs->count; i++) {
        const stc_trigger *tr = &trs->items[i];
        if (!stc_tb_trigger_on(t, tr) || tr->unit != u->info || tr->kind != STC_TRIGGER_QUEUE)
            continue;
        stc_iam_grant_resource(pol, &t->spec->res->resources[tr->resource],
                               (1u << STC_OP_RECEIVE) | (1u << STC_OP_INSPECT), t->kms ? STC_KEY : NULL);
    }
}


/* An alarm on any sum of `metric` above zero in five minutes, for the resource
 * `ref` (its logical id) named by the dimension `dim_name`. */
static void stc_tb_alarm(stc_tb *t, const stc_spec_unit *u, const char *suffix, const char *what,
                         const char *ns, const char *metric, const char *dim_name, const char *ref)
{
    char *al = stc_spec_logical(u, suffix);
    cJSON *a = stc_tb_res(t, al, "AWS::CloudWatch::Alarm", false, NULL);
    char *ad = stc_xasprintf("%s: %s", u->name, what);
    cJSON_AddStringToObject(a, "AlarmDescription", ad);
    free(ad);
    cJSON_AddStringToObject(a, "Namespace", ns);
    cJSON_AddStringToObject(a, "MetricName", metric);
    cJSON *dims = cJSON_AddArrayToObject(a, "Dimensions");
    cJSON *dim = cJSON_CreateObject();
    cJSON_AddStringToObject(dim, "Name", dim_name);
    cJSON_AddItemToObject(dim, "Value", stc_template_ref(ref));
    cJSON_AddItemToArray(dims, dim);
    cJSON_AddStringToObject(a, "Statistic", "Sum");
    cJSON_AddNumberToObject(a, "Period", 300);
    cJSON_AddNumberToObject(a, "EvaluationPeriods", 1);
    cJSON_AddNumberToObject(a, "Threshold", 0);
    cJSON_AddStringToObject(a, "ComparisonOperator", "GreaterThanThreshold");
    cJSON_AddStringToObject(a, "TreatMissingData", "notBreaching");
    stc_tb_alarm_actions(t, a);
    free(al);
}
/* The function settings every function shares (a unit's own, or a starter's
 * from its workflow's; u NULL: the service's): runtime, the handler,
 * architecture, memory, the runtime and tracing acknowledgements. */
static void stc_tb_function_basics(stc_tb *t, const stc_spec_unit *u, const char *fn, cJSON *p, const char *handler)
{
    const char *unit = u ? u->name : NULL;
    cJSON_AddStringToObject(p, "Runtime", stc_tb_str(t, unit, STC_SET_RUNTIME));
    cJSON_AddStringToObject(p, "Handler", handler);
    cJSON *arch = cJSON_AddArrayToObject(p, "Architectures");
    cJSON_AddItemToArray(arch, cJSON_CreateString(stc_tb_str(t, unit, STC_SET_ARCHITECTURE)));
    cJSON_AddNumberToObject(p, "MemorySize", (double)stc_tb_int(t, unit, STC_SET_MEMORY));
    if (!strcmp(stc_tb_str(t, unit, STC_SET_RUNTIME), STC_NEWEST_RUNTIME)) {
        stc_tb_ack(t, fn, STC_NAG_RUNTIME_NEWEST);
        stc_tb_ack(t, fn, STC_NAG_RUNTIME_NEWEST_SLS);
    }
}

/* Function fn (Properties p) logs into its log group lg and, with tracing,
 * traces actively; without, it says why (Serverless-LambdaTracing). */
static void stc_tb_function_logs(stc_tb *t, const char *fn, cJSON *p, const char *lg, bool tracing)
{
    cJSON *lc = cJSON_AddObjectToObject(p, "LoggingConfig");
    cJSON_AddItemToObject(lc, "LogGroup", stc_template_ref(lg));
    if (tracing) {
        cJSON *tc = cJSON_AddObjectToObject(p, "TracingConfig");
        cJSON_AddStringToObject(tc, "Mode", "Active");
    } else {
        stc_tb_ack(t, fn, STC_NAG_TRACING_OFF_LAMBDA);
    }
}

/* The starter of async route u (docs/hardening.md): a function that binds
 * the request as a synchronous route does (path, query, body, caller) and
 * starts the machine `sm` with those arguments as input; the route reaches
 * it as it reaches any function. Its role may start exactly that machine. */
static void stc_tb_http_starter(stc_tb *t, const stc_spec_unit *u, const char *sm, bool express)
{
    char *fn = stc_spec_logical(u, "StarterFunction");
    char *lg = stc_spec_logical(u, "StarterFunctionLogGroup");
    char *role = stc_spec_logical(u, "StarterFunctionRole");
    char *name = stc_xasprintf("%s" STC_STARTER_SUFFIX, u->name);
    bool tracing = stc_tb_bool(t, u->name, STC_SET_TRACING);
    stc_tb_log_group_named(t, u, lg, "/aws/lambda", name);

    stc_iam_policy *pol = stc_iam_new();
    stc_iam_allow_take(pol, "WriteOwnLogs", "logs:CreateLogStream", stc_template_getatt(lg, "Arn"));
    stc_iam_allow_take(pol, "WriteOwnLogs", "logs:PutLogEvents", stc_template_getatt(lg, "Arn"));
    stc_iam_allow_take(pol, "StartWorkflow", express ? "states:StartSyncExecution" : "states:StartExecution",
                       stc_template_ref(sm));
    if (tracing) {
        stc_allow_str(pol, "XRayTracing", "xray:PutTraceSegments", "*");
        stc_allow_str(pol, "XRayTracing", "xray:PutTelemetryRecords", "*");
    }
    char *rdesc = stc_xasprintf("%s: the role of the starter of its workflow, which may start exactly that "
                                "state machine", u->name);
    stc_tb_role(t, role, "lambda.amazonaws.com", rdesc, name, pol);
    free(rdesc);

    cJSON *p = stc_tb_res(t, fn, "AWS::Lambda::Function", false, NULL);
    char *desc = stc_xasprintf("%s: %s %s, starts the workflow", u->name, u->route->http_method, u->route->path);
    cJSON_AddStringToObject(p, "Description", desc);
    free(desc);
    stc_tb_function_basics(t, u, fn, p, STC_HANDLER_ENTRY);
    /* An Express execution is waited for; the HTTP API gives up at 30 s. */
    long long timeout = stc_tb_int(t, u->name, STC_SET_TIMEOUT);
    cJSON_AddNumberToObject(p, "Timeout", (double)(express || timeout > 30 ? 30 : timeout));
    cJSON *code = cJSON_AddObjectToObject(p, "Code");
    cJSON_AddItemToObject(code, "S3Bucket", stc_template_ref("ArtifactBucket"));
    char hex[65];
    char *key = stc_package_starter_key(t->spec->svc, u->info, hex);
    cJSON_AddStringToObject(code, "S3Key", key ? key : "");
    free(key);
    cJSON_AddItemToObject(p, "Role", stc_template_getatt(role, "Arn"));
    cJSON *vars = cJSON_AddObjectToObject(cJSON_AddObjectToObject(p, "Environment"), "Variables");
    stc_tb_env_ref(vars, STC_ENV_STATE_MACHINE, u->name, stc_template_ref(sm));
    cJSON_AddStringToObject(vars, "STC_START", express ? "express" : "standard");
    stc_tb_function_logs(t, fn, p, lg, tracing);
    stc_tb_ack(t, fn, STC_NAG_SYNC_ONLY);
    if (stc_tb_bool(t, u->name, STC_SET_ALARMS))
        stc_tb_alarm(t, u, "StarterErrorsAlarm", "the starter of the workflow raised an error", "AWS/Lambda",
                     "Errors", "FunctionName", fn);
    stc_tb_http_lambda(t, u, fn);
    free(name);
    free(fn);
    free(lg);
    free(role);
}

/* The generated JWT authorizer's source (core/aws/authorizer/, embedded at
 * build time). */
struct stc_embed_file {
    const char *name;
    const unsigned char *data;
    size_t len;
};
extern const struct stc_embed_file stc_authorizer_files[];

/* JWTs at $connect (docs/hardening.md, "WebSocket connections with JWTs"):
 * a WebSocket API has no JWT authorizer, so a Lambda REQUEST authorizer
 * checks the token of the query argument `token` against the mode's issuer
 * (its JWKS, through its OpenID configuration) and audiences, as the HTTP
 * API's JWT authorizer does, and answers with the claims as the context.
 * Its code is core/aws/authorizer/stc_ws_authorizer.py, inline in the
 * template (ZipFile: index.py); its role writes its own log group, nothing
 * else; API Gateway may invoke it through this authorizer only. */
static void stc_tb_ws_authorizer(stc_tb *t)
{
    if (stc_tb_ws_auth(t) != STC_AUTH_JWT)
        return;
    const stc_spec_unit *c = stc_tb_connect_unit(t);
    const char *unit = c ? c->name : NULL;
    const char *fn = STC_WS_AUTHORIZER "Function", *lg = STC_WS_AUTHORIZER "FunctionLogGroup",
               *role = STC_WS_AUTHORIZER "FunctionRole";
    bool tracing = stc_tb_bool(t, unit, STC_SET_TRACING);
    stc_tb_log_group_named(t, c, lg, "/aws/lambda", "websocket-authorizer");

    stc_iam_policy *pol = stc_iam_new();
    stc_iam_allow_take(pol, "WriteOwnLogs", "logs:CreateLogStream", stc_template_getatt(lg, "Arn"));
    stc_iam_allow_take(pol, "WriteOwnLogs", "logs:PutLogEvents", stc_template_getatt(lg, "Arn"));
    if (tracing) {
        stc_allow_str(pol, "XRayTracing", "xray:PutTraceSegments", "*");
        stc_allow_str(pol, "XRayTracing", "xray:PutTelemetryRecords", "*");
    }
    stc_tb_role(t, role, "lambda.amazonaws.com",
                "The JWT authorizer of WebSocket connections: it writes its own log group, nothing else",
                "websocket-authorizer", pol);

    cJSON *p = stc_tb_res(t, fn, "AWS::Lambda::Function", false, NULL);
    cJSON_AddStringToObject(p, "Description", "WebSocket $connect: checks the JWT of the query argument token");
    stc_tb_function_basics(t, c, fn, p, "index.handler");
    cJSON_AddNumberToObject(p, "Timeout", STC_WS_AUTHORIZER_TIMEOUT);
    cJSON *code = cJSON_AddObjectToObject(p, "Code");
    const struct stc_embed_file *src = &stc_authorizer_files[0];
    char *text = stc_xstrndup((const char *)src->data, src->len);
    cJSON_AddStringToObject(code, "ZipFile", text);
    free(text);
    cJSON_AddItemToObject(p, "Role", stc_template_getatt(role, "Arn"));
    cJSON *vars = cJSON_AddObjectToObject(cJSON_AddObjectToObject(p, "Environment"), "Variables");
    cJSON_AddStringToObject(vars, "STC_JWT_ISSUER", stc_tb_str(t, NULL, STC_SET_JWT_ISSUER));
    cJSON_AddStringToObject(vars, "STC_JWT_AUDIENCE", stc_tb_str(t, NULL, STC_SET_JWT_AUDIENCE));
    stc_tb_function_logs(t, fn, p, lg, tracing);
    stc_tb_ack(t, fn, STC_NAG_AUTHORIZER_SYNC);

    p = stc_tb_res(t, STC_WS_AUTHORIZER, "AWS::ApiGatewayV2::Authorizer", false, NULL);
    cJSON_AddItemToObject(p, "ApiId", stc_template_ref("WebSocketApi"));
    cJSON_AddStringToObject(p, "AuthorizerType", "REQUEST");
    cJSON_AddStringToObject(p, "Name", "jwt");
    cJSON *ids = cJSON_AddArrayToObject(p, "IdentitySource");
    cJSON_AddItemToArray(ids, cJSON_CreateString(STC_WS_TOKEN_SOURCE));
    cJSON_AddItemToObject(p, "AuthorizerUri",
                          stc_subf(STC_ARN_PREFIX ":apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                                                  "${%s.Arn}/invocations",
                                   fn));

    p = stc_tb_res(t, STC_WS_AUTHORIZER "Permission", "AWS::Lambda::Permission", false, NULL);
    cJSON_AddStringToObject(p, "Action", "lambda:InvokeFunction");
    cJSON_AddItemToObject(p, "FunctionName", stc_template_getatt(fn, "Arn"));
    cJSON_AddStringToObject(p, "Principal", "apigateway.amazonaws.com");
    cJSON_AddItemToObject(p, "SourceArn",
                          stc_subf(STC_ARN_PREFIX ":execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}"
                                                  "/authorizers/${%s}",
                                   STC_WS_AUTHORIZER));
}

static void stc_tb_function(stc_tb *t, const stc_spec_unit *u)
{
    const stc_spec *spec = t->spec;
    const stc_resources *res = spec->res;
    char *fn = stc_spec_logical(u, "Function");
    char *lg = stc_spec_logical(u, "FunctionLogGroup");
    char *role = stc_spec_logical(u, "FunctionRole");
    bool tracing = stc_tb_bool(t, u->name, STC_SET_TRACING);
    char *desc = stc_tb_description(u);

    stc_tb_log_group(t, u, lg, "/aws/lambda");

    /* The role: exactly what the code uses. */
    stc_iam_policy *pol = stc_iam_new();
    stc_iam_allow_take(pol, "WriteOwnLogs", "logs:CreateLogStream", stc_template_getatt(lg, "Arn"));
    stc_iam_allow_take(pol, "WriteOwnLogs", "logs:PutLogEvents", stc_template_getatt(lg, "Arn"));
    for (size_t i = 0; i < u->access->naccesses; i++) {
        const stc_access *a = &u->access->accesses[i];
        const stc_resource *r = &res->resources[a->resource];
        if (r->binding == STC_BIND_NONE) {
            stc_iam_grant_resource(pol, r, a->ops, t->kms ? STC_KEY : NULL);
            continue;
        }
        stc_tb_bound b = stc_tb_binding(t, r);
        cJSON *objects;
        cJSON *arn = stc_tb_bound_arn(r, &b, &objects);
        /* A bucket's delete looks the object up first (stc_runtime.JsonBucket). */
        unsigned ops = a->ops;
        if (b.kind == STC_RES_BUCKET && (ops & (1u << STC_OP_DELETE)))
            ops |= 1u << STC_OP_GET;
        stc_iam_grant_arn(pol, b.kind, r->logical, arn, objects, ops, t->kms && !b.existing ? STC_KEY : NULL);
        cJSON_Delete(arn);
        cJSON_Delete(objects);
    }
    stc_tb_trigger_grants(t, u, pol);
    stc_tb_secret_grants(t, pol);
    bool async = stc_tb_invoked_async(t, u);
    if (async) {
        /* Lambda sends an event that keeps failing to the dead-letter queue
         * with the function's own role. */
        cJSON *dlq = stc_template_getatt(STC_DLQ, "Arn");
        stc_iam_grant_arn(pol, STC_RES_QUEUE, STC_DLQ, dlq, NULL, 1u << STC_OP_SEND, t->kms ? STC_KEY : NULL);
        cJSON_Delete(dlq);
    }
    for (size_t i = 0; i < u->access->ninvokes; i++) {
        const stc_spec_unit *c = stc_spec_unit_find(spec, u->access->invokes[i]);
        char *cfn = stc_spec_logical(c, "Function");
        stc_iam_allow_take(pol, "InvokeFunctions", "lambda:InvokeFunction", stc_template_getatt(cfn, "Arn"));
        free(cfn);
    }
    for (size_t i = 0; i < u->access->nstarts; i++) {
        const stc_spec_unit *c = stc_spec_unit_find(spec, u->access->starts[i]);
        char *csm = stc_spec_logical(c, "StateMachine");
        stc_iam_allow_take(pol, "StartWorkflows", "states:StartExecution", stc_template_ref(csm));
        free(csm);
    }
    if (u->access->posts_to_connections)
        stc_iam_allow_take(pol, "ReplyOnWebSocketConnections", "execute-api:ManageConnections",
                       stc_subf(STC_ARN_PREFIX ":execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/%s/POST/@connections/*",
                                stc_ws_stage(t)));
    if (tracing) {
        /* X-Ray has no resource-level permissions: "*" is the only resource. */
        stc_allow_str(pol, "XRayTracing", "xray:PutTraceSegments", "*");
        stc_allow_str(pol, "XRayTracing", "xray:PutTelemetryRecords", "*");
    }
    char *rdesc = stc_xasprintf("%s: the function's own role, least privilege", u->name);
    char *pname = stc_xasprintf("%s", u->name);
    stc_tb_role(t, role, "lambda.amazonaws.com", rdesc, pname, pol);
    free(rdesc);
    free(pname);

    cJSON *p = stc_tb_res(t, fn, "AWS::Lambda::Function", false, NULL);
    cJSON_AddStringToObject(p, "Description", desc);
    stc_tb_function_basics(t, u, fn, p, STC_HANDLER_ENTRY);
    cJSON_AddNumberToObject(p, "Timeout", (double)stc_tb_int(t, u->name, STC_SET_TIMEOUT));
    cJSON *code = cJSON_AddObjectToObject(p, "Code");
    cJSON_AddItemToObject(code, "S3Bucket", stc_template_ref("ArtifactBucket"));
    cJSON_AddStringToObject(code, "S3Key", u->code_key ? u->code_key : "");
    cJSON_AddItemToObject(p, "Role", stc_template_getatt(role, "Arn"));
    cJSON *vars = cJSON_CreateObject();
    for (size_t i = 0; i < res->nparams; i++) {
        const stc_service_param *sp = &res->params[i];
        cJSON *v;
        const cJSON *json_value = sp->type == STC_PARAM_JSON ? stc_tb_json_value(t, sp) : NULL;
        const stc_binding_mode *secret = stc_tb_secret(t, sp);
        if (secret) {
            /* the name, never the value: the runtime reads it (ReadSecrets) */
            char *env = stc_secret_env(sp, secret);
            cJSON_AddStringToObject(vars, env, secret->secret);
            free(env);
            continue;
        }
        if (sp->type == STC_PARAM_BINDING && sp->resource >= 0) {
            v = stc_tb_binding_env(t, sp);
        } else if (sp->type == STC_PARAM_BINDING) {
            continue;
        } else if (json_value) {
            char *text = cJSON_PrintUnformatted(json_value);
            v = cJSON_CreateString(text);
            free(text);
        } else if (sp->type == STC_PARAM_LIST) {
            v = cJSON_CreateObject();
            cJSON *j = cJSON_AddArrayToObject(v, "Fn::Join");
            cJSON_AddItemToArray(j, cJSON_CreateString(","));
            cJSON_AddItemToArray(j, stc_template_ref(sp->logical));
        } else {
            v = stc_template_ref(sp->logical);
        }
        cJSON_AddItemToObject(vars, sp->env, v);
    }
    for (size_t i = 0; i < u->access->naccesses; i++) {
        const stc_resource *r = &res->resources[u->access->accesses[i].resource];
        if (r->binding == STC_BIND_NONE) /* a binding's name comes through its parameter */
            cJSON_AddItemToObject(vars, r->env, stc_template_ref(r->logical));
    }
    for (size_t i = 0; i < u->access->ninvokes; i++) {
        const stc_spec_unit *c = stc_spec_unit_find(spec, u->access->invokes[i]);
        char *cfn = stc_spec_logical(c, "Function");
        stc_tb_env_ref(vars, STC_ENV_FUNCTION, c->name, stc_template_ref(cfn));
        free(cfn);
    }
    for (size_t i = 0; i < u->access->nstarts; i++) {
        const stc_spec_unit *c = stc_spec_unit_find(spec, u->access->starts[i]);
        char *csm = stc_spec_logical(c, "StateMachine");
        stc_tb_env_ref(vars, STC_ENV_STATE_MACHINE, c->name, stc_template_ref(csm));
        free(csm);
    }
    if (vars->child) {
        cJSON *env = cJSON_AddObjectToObject(p, "Environment");
        cJSON_AddItemToObject(env, "Variables", vars);
    } else {
        cJSON_Delete(vars);
    }
    stc_tb_function_logs(t, fn, p, lg, tracing);
    const stc_setting_value *rc = stc_tb_get(t, u->name, STC_SET_RESERVED_CONCURRENCY);
    if (rc->set)
        cJSON_AddNumberToObject(p, "ReservedConcurrentExecutions", (double)rc->i);
    if (async) {
        cJSON *dl = cJSON_AddObjectToObject(p, "DeadLetterConfig");
        cJSON_AddItemToObject(dl, "TargetArn", stc_template_getatt(STC_DLQ, "Arn"));
    } else {
        stc_tb_ack(t, fn, STC_NAG_SYNC_ONLY);
    }

    if (stc_tb_bool(t, u->name, STC_SET_ALARMS)) {
        stc_tb_alarm(t, u, "FunctionErrorsAlarm", "the function raised an error", "AWS/Lambda", "Errors",
                     "FunctionName", fn);
    }
    if (u->route)
        stc_tb_http_lambda(t, u, fn);
    if (u->ws_route)
        stc_tb_ws_lambda(t, u, fn);
    stc_tb_unit_triggers(t, u, fn);
    free(desc);
    free(fn);
    free(lg);
    free(role);
}

static bool stc_wf_restarts(const stc_workflow *wf)
{
    for (size_t i = 0; wf && i < wf->nstates; i++)
        if (wf->states[i].call == STC_WF_CALL_RESTART)
            return true;
    return false;
}

/* The workflow's log level. An Express execution has no history to look at
 * afterwards, so the built-in OFF of a mode becomes ERROR for it; an OFF the
 * configuration file sets is kept. */
static const char *stc_tb_log_level(const stc_tb *t, const stc_spec_unit *u, bool express)
{
    const stc_setting_value *v = stc_tb_get(t, u->name, STC_SET_WORKFLOW_LOG_LEVEL);
    if (express && v->line == 0 && strcmp(v->s, "OFF") == 0)
        return "ERROR";
    return v->s;
}

static void stc_tb_state_machine(stc_tb *t, const stc_spec_unit *u)
{
    const stc_spec *spec = t->spec;
    char *sm = stc_spec_logical(u, "StateMachine");
    char *lg = stc_spec_logical(u, "StateMachineLogGroup");
    char *role = stc_spec_logical(u, "StateMachineRole");
    bool express = stc_express(t->cfg, u->name);
    const char *level = stc_tb_log_level(t, u, express);
    bool logs = strcmp(level, "OFF") != 0;
    bool tracing = stc_tb_bool(t, u->name, STC_SET_TRACING);
    bool restarts = stc_wf_restarts(u->workflow);

    if (logs)
        stc_tb_log_group(t, u, lg, "/aws/vendedlogs/states");

    stc_iam_policy *pol = stc_iam_new();
    cJSON *subst = cJSON_CreateObject();
    bool nested = false;
    for (size_t i = 0; u->workflow && i < u->workflow->nstates; i++) {
        const stc_wf_state *s = &u->workflow->states[i];
        if (s->call != STC_WF_CALL_FUNCTION && s->call != STC_WF_CALL_WORKFLOW)
            continue;
        const stc_spec_unit *c = stc_spec_unit_find(spec, s->callee);
        if (!c)
            continue;
        char *ph = stc_workflow_placeholder(s->callee, s->call);
        if (s->call == STC_WF_CALL_FUNCTION) {
            char *cfn = stc_spec_logical(c, "Function");
            stc_iam_allow_take(pol, "InvokeTaskFunctions", "lambda:InvokeFunction",
                               stc_template_getatt(cfn, "Arn"));
            if (!cJSON_GetObjectItemCaseSensitive(subst, ph))
                cJSON_AddItemToObject(subst, ph, stc_template_getatt(cfn, "Arn"));
            free(cfn);
        } else {
            char *csm = stc_spec_logical(c, "StateMachine");
            /* An Express child's executions are named express:..., not execution:... */
            const char *kind = stc_express(t->cfg, c->name) ? "express" : "execution";
            stc_iam_allow_take(pol, "StartNestedWorkflows", "states:StartExecution", stc_template_ref(csm));
            stc_iam_allow_take(pol, "TrackNestedExecutions", "states:DescribeExecution",
                           stc_subf(STC_ARN_PREFIX ":states:${AWS::Region}:${AWS::AccountId}:%s:${%s.Name}:*", kind, csm));
            stc_iam_allow_take(pol, "TrackNestedExecutions", "states:StopExecution",
                           stc_subf(STC_ARN_PREFIX ":states:${AWS::Region}:${AWS::AccountId}:%s:${%s.Name}:*", kind, csm));
            if (!cJSON_GetObjectItemCaseSensitive(subst, ph))
                cJSON_AddItemToObject(subst, ph, stc_template_ref(csm));
            nested = true;
            free(csm);
        }
        free(ph);
    }
    if (nested) {
        /* .sync:2 waits for the nested execution through this managed rule. */
        static const char *const rule_actions[] = {"events:DescribeRule", "events:PutRule", "events:PutTargets"};
        for (size_t i = 0; i < STC_ARRAY_LEN(rule_actions); i++)
            stc_iam_allow_take(pol, "SyncExecutionEventsRule", rule_actions[i], stc_template_sub(STC_EVENTS_RULE));
    }
    if (restarts)
        stc_iam_allow_take(pol, "ContinueAsNew", "states:StartExecution",
                       stc_subf(STC_ARN_PREFIX ":states:${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-%s",
                                u->camel));
    if (logs) {
        /* CloudWatch Logs log delivery has no resource-level permissions. */
        static const char *const delivery[] = {"logs:CreateLogDelivery", "logs:DeleteLogDelivery",
                                               "logs:DescribeLogGroups", "logs:DescribeResourcePolicies",
                                               "logs:GetLogDelivery", "logs:ListLogDeliveries",
                                               "logs:PutResourcePolicy", "logs:UpdateLogDelivery"};
        for (size_t i = 0; i < STC_ARRAY_LEN(delivery); i++)
            stc_allow_str(pol, "LogDelivery", delivery[i], "*");
    }
    if (tracing) {
        static const char *const xray[] = {"xray:GetSamplingRules", "xray:GetSamplingTargets",
                                           "xray:PutTelemetryRecords", "xray:PutTraceSegments"};
        for (size_t i = 0; i < STC_ARRAY_LEN(xray); i++)
            stc_allow_str(pol, "XRayTracing", xray[i], "*");
    }
    bool named = restarts;
    if (stc_iam_empty(pol)) {
        /* A machine that calls nothing still needs a role with a policy; let
         * it describe its own executions, nothing else. */
        named = true;
        stc_iam_allow_take(pol, "OwnExecutions", "states:DescribeExecution",
                       stc_subf(STC_ARN_PREFIX ":states:${AWS::Region}:${AWS::AccountId}:%s:${AWS::StackName}-%s:*",
                                express ? "express" : "execution", u->camel));
    }
    char *rdesc = stc_xasprintf("%s: the state machine's own role, least privilege", u->name);
    stc_tb_role(t, role, "states.amazonaws.com", rdesc, u->name, pol);
    free(rdesc);

    cJSON *p = stc_tb_res(t, sm, "AWS::StepFunctions::StateMachine", false, NULL);
    if (named)
        /* A name known before the machine exists, so that its own role can
         * name it: it starts itself (continue-as-new) or reads its executions. */
        cJSON_AddItemToObject(p, "StateMachineName", stc_subf("${AWS::StackName}-%s", u->camel));
    cJSON_AddStringToObject(p, "StateMachineType", express ? "EXPRESS" : "STANDARD");
    /* borrowed from the service (template.h): copying every machine was
     * two thirds of building the tree */
    cJSON_AddItemToObject(p, "Definition", u->workflow && u->workflow->asl ? cJSON_CreateObjectReference(u->workflow->asl->child)
                                                                           : cJSON_CreateObject());
    if (subst->child)
        cJSON_AddItemToObject(p, "DefinitionSubstitutions", subst);
    else
        cJSON_Delete(subst);
    cJSON_AddItemToObject(p, "RoleArn", stc_template_getatt(role, "Arn"));
    if (logs) {
        cJSON *lc = cJSON_AddObjectToObject(p, "LoggingConfiguration");
        cJSON_AddStringToObject(lc, "Level", level);
        cJSON_AddBoolToObject(lc, "IncludeExecutionData",
                              strcmp(level, "ALL") == 0 && stc_tb_bool(t, u->name, STC_SET_WORKFLOW_LOG_DATA));
        cJSON *dests = cJSON_AddArrayToObject(lc, "Destinations");
        cJSON *dst = cJSON_CreateObject();
        cJSON *cw = cJSON_AddObjectToObject(dst, "CloudWatchLogsLogGroup");
        cJSON_AddItemToObject(cw, "LogGroupArn", stc_template_getatt(lg, "Arn"));
        cJSON_AddItemToArray(dests, dst);
    }
    if (tracing) {
        cJSON *tc = cJSON_AddObjectToObject(p, "TracingConfiguration");
        cJSON_AddBoolToObject(tc, "Enabled", true);
    } else {
        stc_tb_ack(t, sm, STC_NAG_TRACING_OFF_SF2);
        stc_tb_ack(t, sm, STC_NAG_TRACING_OFF_SF_SLS);
    }
    if (strcmp(level, "ALL") != 0)
        stc_tb_ack(t, sm, STC_NAG_WORKFLOW_LOG_LEVEL);
    if (stc_tb_bool(t, u->name, STC_SET_ALARMS)) {
        stc_tb_alarm(t, u, "ExecutionsFailedAlarm", "an execution failed", "AWS/States", "ExecutionsFailed",
                     "StateMachineArn", sm);
        if (express)
            stc_tb_alarm(t, u, "ExecutionsTimedOutAlarm", "an execution ran past the 5-minute Express limit",
                         "AWS/States", "ExecutionsTimedOut", "StateMachineArn", sm);
    }
    if (u->route && stc_tb_starter(t, u))
        stc_tb_http_starter(t, u, sm, express);
    else if (u->route && express)
        stc_tb_http_sync_state_machine(t, u, sm);
    else if (u->route)
        stc_tb_http_state_machine(t, u, sm);
    if (u->ws_route)
        stc_tb_ws_state_machine(t, u, sm);
    stc_tb_unit_triggers(t, u, sm);
    free(sm);
    free(lg);
    free(role);
}

/* ---- the template ------------------------------------------------------------ */

static void stc_tb_check_quotas(stc_tb *t);

cJSON *stc_template_build(const stc_spec *spec, const stc_config *cfg, stc_diags *d)
{
    stc_tb t = {.spec = spec, .cfg = cfg, .d = d, .mode = mode_names[cfg->mode], .ws_hash = 2166136261u};
    bool ok = stc_tb_check(&t);
    ok = stc_tb_no_cycles(&t) && ok;
    if (!ok)
        return NULL;
    t.kms = strcmp(stc_tb_str(&t, NULL, STC_SET_ENCRYPTION), "kms") == 0;
    t.dlq = stc_tb_needs_dlq(&t);
    t.access_logs = stc_tb_bool(&t, NULL, STC_SET_ACCESS_LOGS);
    t.log_bucket = t.access_logs && stc_tb_creates_bucket(&t);
    const stc_service *svc = spec->svc;
    const char *name = svc->module->service->name;

    t.root = cJSON_CreateObject();
    cJSON_AddStringToObject(t.root, "AWSTemplateFormatVersion", "2010-09-09");
    char *desc = stc_xasprintf("%s (%s), %s mode. Generated by stc-tui %s from the Python class; compile "
                               "again rather than edit.",
                               name, svc->file, t.mode, STC_VERSION);
    cJSON_AddStringToObject(t.root, "Description", desc);
    free(desc);
    cJSON *meta = cJSON_AddObjectToObject(t.root, "Metadata");
    cJSON *sm = cJSON_AddObjectToObject(meta, "stc-tui");
    cJSON_AddStringToObject(sm, "Service", name);
    cJSON_AddStringToObject(sm, "Module", svc->file);
    cJSON_AddStringToObject(sm, "Mode", t.mode);
    cJSON_AddStringToObject(sm, "Version", STC_VERSION);

    cJSON *params = cJSON_AddObjectToObject(t.root, "Parameters");
    cJSON *ab = cJSON_AddObjectToObject(params, "ArtifactBucket");
    cJSON_AddStringToObject(ab, "Type", "String");
    cJSON_AddStringToObject(ab, "Description", "S3 bucket holding the function packages (stc-tui emit: artifacts/)");
    cJSON_AddNumberToObject(ab, "MinLength", 3);
    t.nparams++;
    for (size_t i = 0; i < spec->res->nparams; i++) {
        const stc_service_param *sp = &spec->res->params[i];
        /* A binding's value is its resource's name; a jdict the file gives
         * is compiled in: neither is a template parameter. */
        if (sp->type == STC_PARAM_BINDING || (sp->type == STC_PARAM_JSON && stc_tb_json_value(&t, sp)) ||
            stc_tb_secret(&t, sp))
            continue;
        cJSON *o = cJSON_AddObjectToObject(params, sp->logical);
        t.nparams++;
        cJSON_AddStringToObject(o, "Type", stc_param_type_cfn(sp->type));
        if (stc_param_looks_secret(sp->name)) {
            /* Not shown by CloudFormation; still in the functions' environment. */
            cJSON_AddBoolToObject(o, "NoEcho", true);
            stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, svc->file, sp->pos.line, sp->pos.col, "STC569",
                                        "'%s' looks like a secret: as a template parameter (NoEcho) its value is "
                                        "still in every function's environment, in plain text",
                                        sp->name);
            stc_diag_set_hint(dg, "keep it in Secrets Manager or SSM Parameter Store: bindings: {%s: {secret: "
                                  "NAME}} in SERVICE.stc.yaml",
                              sp->name);
        }
        char *pd = stc_xasprintf("__init__ parameter %s: %s%s", sp->name,
                                 sp->type == STC_PARAM_JSON ? "jdict (a JSON object, as text)" : sp->py_type,
                                 sp->default_value ? "" : " (required)");
        cJSON_AddStringToObject(o, "Description", pd);
        free(pd);
        if (sp->default_value)
            cJSON_AddStringToObject(o, "Default", sp->default_value);
        if (sp->type == STC_PARAM_JSON) {
            cJSON_AddStringToObject(o, "AllowedPattern", "^\\s*\\{[\\s\\S]*\\}\\s*$");
            cJSON_AddStringToObject(o, "ConstraintDescription", "a JSON object");
        }
    }

    t.resources = cJSON_AddObjectToObject(t.root, "Resources");
    t.outputs = cJSON_CreateObject();
    t.ws_routes = cJSON_CreateArray();
    t.sync_methods = cJSON_CreateArray();
    t.sync_hash = 2166136261u;
    for (size_t i = 0; i < spec->nunits; i++)
        if (spec->units[i].info->unit == STC_UNIT_STATE_MACHINE && spec->units[i].route &&
            stc_express(cfg, spec->units[i].name) && !stc_tb_starter(&t, &spec->units[i]))
            t.sync_api = true;
    t.dlq_rules = cJSON_CreateArray();
    t.dlq_topics = cJSON_CreateArray();
    if (t.kms)
        stc_tb_key(&t);
    if (t.dlq)
        stc_tb_dead_letter_queue(&t);
    if (t.log_bucket)
        stc_tb_log_bucket(&t);
    if (t.access_logs && (spec->has_http || spec->has_websocket || t.sync_api))
        stc_tb_access_log_group(&t);
    if (t.access_logs && (spec->has_websocket || t.sync_api))
        stc_tb_apigw_account(&t);
    for (size_t i = 0; i < spec->res->nresources; i++) {
        const stc_resource *r = &spec->res->resources[i];
        if (r->binding != STC_BIND_NONE)
            stc_tb_bound_resource(&t, r);
        else if (r->kind == STC_RES_TABLE)
            stc_tb_table(&t, r);
        else if (r->kind == STC_RES_BUCKET)
            stc_tb_bucket(&t, r);
        else
            stc_tb_queue(&t, r);
    }
    stc_tb_apis(&t);
    for (size_t i = 0; i < spec->nunits; i++) {
        if (spec->units[i].info->unit == STC_UNIT_LAMBDA)
            stc_tb_function(&t, &spec->units[i]);
        else
            stc_tb_state_machine(&t, &spec->units[i]);
    }
    if (spec->has_websocket) {
        stc_tb_ws_connect(&t);
        stc_tb_ws_authorizer(&t);
        stc_tb_ws_deployment(&t);
    }
    cJSON_Delete(t.ws_routes);
    if (t.sync_api)
        stc_tb_sync_deployment(&t);
    cJSON_Delete(t.sync_methods);
    if (t.dlq)
        stc_tb_dead_letter_policy(&t);
    cJSON_Delete(t.dlq_rules);
    cJSON_Delete(t.dlq_topics);
    /* The wildcards of every role that the table of reasons explains. */
    cJSON *res;
    cJSON_ArrayForEach(res, t.resources)
    {
        const char *type = stc_type_name(res);
        if (type && !strcmp(type, "AWS::IAM::Role"))
            stc_nag_acknowledge_role(res);
    }

    /* Outputs: endpoints, state machines, where the data lives. */
    if (spec->has_http)
        stc_tb_output(&t, "HttpApiUrl", "HTTP API endpoint", stc_template_getatt("HttpApi", "ApiEndpoint"));
    if (spec->has_websocket)
        stc_tb_output(&t, "WebSocketUrl", "WebSocket API endpoint",
                      stc_subf("${WebSocketApi.ApiEndpoint}/%s", stc_ws_stage(&t)));
    for (size_t i = 0; i < spec->nunits; i++) {
        const stc_spec_unit *u = &spec->units[i];
        if (u->info->unit != STC_UNIT_STATE_MACHINE)
            continue;
        char *lo = stc_spec_logical(u, "StateMachine");
        char *on = stc_spec_logical(u, "StateMachineArn");
        char *od = stc_xasprintf("state machine of %s", u->name);
        stc_tb_output(&t, on, od, stc_template_ref(lo));
        free(lo);
        free(on);
        free(od);
    }
    for (size_t i = 0; i < spec->res->nresources; i++) {
        const stc_resource *r = &spec->res->resources[i];
        stc_resource_kind kind = r->kind;
        if (r->binding != STC_BIND_NONE) {
            stc_tb_bound b = stc_tb_binding(&t, r);
            if (b.existing)
                continue;
            kind = b.kind;
        }
        char *on = stc_xasprintf("%s%s", r->logical, kind == STC_RES_QUEUE ? "Url" : kind == STC_RES_TOPIC ? "Arn" : "Name");
        char *od = stc_xasprintf("%s of self.%s", kind == STC_RES_QUEUE   ? "URL of the queue"
                                                  : kind == STC_RES_TOPIC ? "ARN of the topic"
                                                  : kind == STC_RES_TABLE ? "name of the table"
                                                                          : "name of the bucket",
                                 r->attr);
        stc_tb_output(&t, on, od, stc_template_ref(r->logical));
        free(on);
        free(od);
    }
    if (t.outputs->child)
        cJSON_AddItemToObject(t.root, "Outputs", t.outputs);
    else
        cJSON_Delete(t.outputs);
    stc_tb_check_quotas(&t);
    stc_name_index_free(&t.res_names);
    free(t.res_items);
    return t.root;
}

void stc_template_own(cJSON *tmpl)
{
    cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(tmpl, "Resources"))
    {
        cJSON *p = cJSON_GetObjectItemCaseSensitive(r, "Properties");
        cJSON *def = cJSON_GetObjectItemCaseSensitive(p, "Definition");
        if (def && (def->type & cJSON_IsReference))
            cJSON_ReplaceItemViaPointer(p, def, cJSON_Duplicate(def, true));
    }
}

/* Where a whole-template diagnostic points: the service class. */
static stc_diag *stc_quota_diag(const stc_service *svc, stc_diags *d, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static stc_diag *stc_quota_diag(const stc_service *svc, stc_diags *d, const char *fmt, ...)
{
    const stc_class *cls = svc->module ? svc->module->service : NULL;
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_diag *dg = stc_diag_add(d, STC_SEV_WARNING, svc->file, cls ? cls->pos.line : 0, cls ? cls->pos.col : 0,
                                "STC559", "%s", msg);
    free(msg);
    stc_diag_set_hint(dg, "CloudFormation refuses such a template at deploy: split the service into several "
                          "service classes (one stack each)");
    return dg;
}

static void stc_tb_check_quotas(stc_tb *t)
{
    /* Counted while built: cJSON would count them by walking each list. */
    const struct {
        int n;
        const char *what;
        int limit;
    } quotas[] = {{t->nresources, "resources", STC_CFN_MAX_RESOURCES},
                  {t->noutputs, "outputs", STC_CFN_MAX_OUTPUTS},
                  {t->nparams, "parameters", STC_CFN_MAX_PARAMETERS}};
    for (size_t i = 0; i < STC_ARRAY_LEN(quotas); i++) {
        int n = quotas[i].n;
        if (n > quotas[i].limit)
            stc_quota_diag(t->spec->svc, t->d, "the template declares %d %s; CloudFormation accepts at most %d",
                           n, quotas[i].what, quotas[i].limit);
    }
}

void stc_template_check_size(const stc_service *svc, const char *what, size_t len, stc_diags *d)
{
    if (len > STC_CFN_MAX_TEMPLATE_BYTES)
        stc_quota_diag(svc, d, "%s is %zu bytes; CloudFormation accepts at most %d (a template body in S3)", what,
                       len, STC_CFN_MAX_TEMPLATE_BYTES);
}

int stc_template_write(const cJSON *tmpl, stc_template_format fmt, stc_buf *out, char **err)
{
    if (fmt == STC_TEMPLATE_JSON) {
        char *s = cJSON_Print(tmpl);
        if (!s) {
            *err = stc_xstrdup("cannot print the template as JSON");
            return -1;
        }
        stc_buf_puts(out, s);
        stc_buf_putc(out, '\n');
        free(s);
        return 0;
    }
    return stc_yaml_out_write(tmpl, STC_YAML_CFN_TAGS, out, err);
}

/* ---- from a compiled service ----------------------------------------------- */

int stc_template_spec(const stc_service *svc, stc_template_parts *parts, stc_diags *d)
{
    memset(parts, 0, sizeof *parts);
    if (!svc->module || !svc->module->service)
        return -1;
    const stc_resources *res = svc->resources;
    if (!res)
        res = parts->own_res = stc_resources_analyze(svc->module, svc->units, svc->nunits, d);
    if (!res)
        return -1;
    parts->spec = stc_spec_build(svc, res, svc->workflows, d);
    if (!parts->spec || stc_diags_has_errors(d) || stc_diags_has_errors(&svc->diags))
        return -1;
    /* Package digests and code keys (core/aws/package.h), one slicer for all. */
    stc_slicer *slicer = stc_slicer_new(svc);
    for (size_t i = 0; i < parts->spec->nunits; i++) {
        stc_spec_unit *u = &parts->spec->units[i];
        if (u->info->unit != STC_UNIT_LAMBDA)
            continue;
        char hex[65];
        char *key = stc_package_unit_key(slicer, svc, u->info, hex);
        if (key)
            stc_spec_set_package(u, hex, key);
        free(key);
    }
    stc_slicer_free(slicer);
    return 0;
}

stc_config *stc_template_load_config(const stc_service *svc, const char *mode, const char *config_path,
                                     stc_diags *d, bool *io_error)
{
    *io_error = false;
    char *path = config_path ? stc_xstrdup(config_path) : stc_config_default_path(svc->file);
    char *text = NULL;
    size_t len = 0;
    if (config_path || access(path, F_OK) == 0) {
        char *err = NULL;
        if (stc_file_read(path, &text, &len, &err) != 0) {
            stc_diag *dg = stc_diag_add(d, STC_SEV_ERROR, path, 0, 0, "STC528", "%s", err);
            stc_diag_set_hint(dg, "check the --config path, or remove the file to use the built-in settings");
            free(err);
            free(path);
            *io_error = true;
            return NULL;
        }
    }
    stc_config *c = stc_config_load(&aws_schema, mode, path, text, len, svc->units, svc->nunits, d);
    free(text);
    free(path);
    /* Triggers name units and resources: check them against the service. */
    if (c && c->triggers && !stc_triggers_check(c->triggers, svc->units, svc->nunits, svc->resources, d)) {
        stc_config_free(c);
        return NULL;
    }
    /* Bindings name __init__ parameters and resources: check them too. */
    if (c && c->bindings && !stc_bindings_check(c->bindings, svc->resources, d)) {
        stc_config_free(c);
        return NULL;
    }
    /* What Express workflows cannot do is checked on the compiled workflows
     * (stc_express_check), which read this configuration first. */
    return c;
}

cJSON *stc_template_generate(const stc_service *svc, const char *mode, const char *config_path,
                             stc_template_parts *parts, stc_diags *d, bool *io_error)
{
    *io_error = false;
    if (stc_template_spec(svc, parts, d) != 0)
        return NULL;
    int mi = stc_config_mode_index(&aws_schema, mode);
    bool had_errors = stc_diags_has_errors(d);
    if (svc->config && mi >= 0 && svc->config->mode == (size_t)mi && !config_path) {
        parts->cfg = svc->config;
    } else {
        parts->own_cfg = stc_template_load_config(svc, mode, config_path, d, io_error);
        if (parts->own_cfg)
            stc_express_check(svc, parts->own_cfg, d);
        parts->cfg = parts->own_cfg;
    }
    if (!parts->cfg || (!had_errors && stc_diags_has_errors(d)))
        return NULL;
    return stc_template_build(parts->spec, parts->cfg, d);
}

void stc_template_parts_free(stc_template_parts *parts)
{
    stc_config_free(parts->own_cfg);
    stc_spec_free(parts->spec);
    stc_resources_free(parts->own_res);
    memset(parts, 0, sizeof *parts);
}

/* ---- differences between two templates --------------------------------------- */

static void stc_diff_change(cJSON *changes, const char *path, const char *op, const cJSON *from, const cJSON *to)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "path", path);
    cJSON_AddStringToObject(c, "op", op);
    if (from)
        cJSON_AddItemToObject(c, "from", cJSON_Duplicate(from, 1));
    if (to)
        cJSON_AddItemToObject(c, "to", cJSON_Duplicate(to, 1));
    cJSON_AddItemToArray(changes, c);
}

static bool stc_is_intrinsic(const cJSON *n)
{
    return cJSON_IsObject(n) && n->child && !n->child->next &&
           (strcmp(n->child->string, "Ref") == 0 || strncmp(n->child->string, "Fn::", 4) == 0);
}

static void stc_diff_values(cJSON *changes, const char *path, const cJSON *a, const cJSON *b)
{
    if (cJSON_Compare(a, b, 1))
        return;
    if (cJSON_IsObject(a) && cJSON_IsObject(b) && !stc_is_intrinsic(a) && !stc_is_intrinsic(b)) {
        const cJSON *x;
        cJSON_ArrayForEach(x, a)
        {
            char *sub = *path ? stc_xasprintf("%s.%s", path, x->string) : stc_xstrdup(x->string);
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (y)
                stc_diff_values(changes, sub, x, y);
            else
                stc_diff_change(changes, sub, "removed", x, NULL);
            free(sub);
        }
        cJSON_ArrayForEach(x, b)
        {
            if (cJSON_GetObjectItemCaseSensitive(a, x->string))
                continue;
            char *sub = *path ? stc_xasprintf("%s.%s", path, x->string) : stc_xstrdup(x->string);
            stc_diff_change(changes, sub, "added", NULL, x);
            free(sub);
        }
        return;
    }
    if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
        bool scalars = true;
        const cJSON *x;
        cJSON_ArrayForEach(x, a) scalars = scalars && !cJSON_IsObject(x) && !cJSON_IsArray(x);
        cJSON_ArrayForEach(x, b) scalars = scalars && !cJSON_IsObject(x) && !cJSON_IsArray(x);
        if (!scalars) {
            for (int i = 0; i < na || i < nb; i++) {
                char *sub = stc_xasprintf("%s[%d]", path, i);
                if (i < na && i < nb)
                    stc_diff_values(changes, sub, cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i));
                else if (i < na)
                    stc_diff_change(changes, sub, "removed", cJSON_GetArrayItem(a, i), NULL);
                else
                    stc_diff_change(changes, sub, "added", NULL, cJSON_GetArrayItem(b, i));
                free(sub);
            }
            return;
        }
    }
    stc_diff_change(changes, path, "changed", a, b);
}

static const char *stc_type_of(const cJSON *res)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(res, "Type");
    return cJSON_IsString(t) ? t->valuestring : NULL;
}

cJSON *stc_template_diff(const cJSON *a, const cJSON *b)
{
    static const char *const sections[] = {"Parameters", "Resources", "Outputs"};
    cJSON *out = cJSON_CreateObject();
    cJSON *secs = cJSON_AddArrayToObject(out, "sections");
    for (size_t s = 0; s < STC_ARRAY_LEN(sections); s++) {
        const cJSON *sa = cJSON_GetObjectItemCaseSensitive(a, sections[s]);
        const cJSON *sb = cJSON_GetObjectItemCaseSensitive(b, sections[s]);
        cJSON *sec = cJSON_CreateObject();
        cJSON_AddStringToObject(sec, "section", sections[s]);
        cJSON *added = cJSON_AddArrayToObject(sec, "added");
        cJSON *removed = cJSON_AddArrayToObject(sec, "removed");
        cJSON *changed = cJSON_AddArrayToObject(sec, "changed");
        const cJSON *x;
        cJSON_ArrayForEach(x, sa)
        {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(sb, x->string);
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", x->string);
            const char *ty = stc_type_of(x);
            if (ty)
                cJSON_AddStringToObject(e, "type", ty);
            if (!y) {
                cJSON_AddItemToArray(removed, e);
                continue;
            }
            cJSON *changes = cJSON_CreateArray();
            stc_diff_values(changes, "", x, y);
            if (changes->child) {
                cJSON_AddItemToObject(e, "changes", changes);
                cJSON_AddItemToArray(changed, e);
            } else {
                cJSON_Delete(changes);
                cJSON_Delete(e);
            }
        }
        cJSON_ArrayForEach(x, sb)
        {
            if (cJSON_GetObjectItemCaseSensitive(sa, x->string))
                continue;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "name", x->string);
            const char *ty = stc_type_of(x);
            if (ty)
                cJSON_AddStringToObject(e, "type", ty);
            cJSON_AddItemToArray(added, e);
        }
        cJSON_AddItemToArray(secs, sec);
    }
    return out;
}
