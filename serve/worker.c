/* worker.c - see worker.h. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "serve/worker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/aws/template.h"
#include "core/config.h"
#include "core/parse.h"
#include "core/pyrun.h"
#include "core/resources.h"
#include "core/util.h"
#include "serve/apigw.h"
#include "serve/auth.h"
#include "serve/exec.h"
#include "serve/host.h"
#include "serve/ids.h"
#include "serve/storeapi.h"
#include "serve/trig.h"

/* How often the module and its configuration are looked at (ms), and how
 * many requests may run in a row before a background step gets its turn. */
#define STC_WORKER_POLL_MS 300.0
#define STC_WORKER_BURST 4
/* An HTTP API gives up on an integration after 30 s (503). */
#define STC_WORKER_HTTP_LIMIT_MS 30000.0
/* Bodies longer than this are cut in the JSON log lines (the workbench). */
#define STC_WORKER_LOG_BODY 65536

typedef struct stc_stamp {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} stc_stamp;

struct stc_worker {
    const stc_serve_options *opt;
    stc_bus *bus;
    stc_store *store;
    stc_gen *gen;          /* the newest good generation */
    stc_gen *calling;      /* the generation of the call in progress */
    unsigned next_gen;
    stc_execs *execs;
    stc_trig *trig;
    bool host_started;
    char *domain;
    pthread_t thread;
    bool thread_started;
    /* start-up handshake */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int ready;             /* 0 starting, 1 ready, -1 failed */
    char *start_err;
    /* reload */
    char *config_path;
    stc_stamp module, config, pending_module, pending_config;
    bool change_seen;
    double next_poll;
    /* the request being handled, and the executions it started */
    uint64_t current;
    cJSON *started;
    stc_exec *last_started; /* the last execution the host's hook started */
    /* requests of Express routes waiting for their executions */
    struct stc_sync {
        stc_msg *m;
        stc_exec *e;
    } *sync;
    size_t nsync;
};

/* ---- small helpers --------------------------------------------------------------- */

static void stc_worker_stamp(const char *path, stc_stamp *s)
{
    struct stat sb;
    memset(s, 0, sizeof *s);
    if (path && stat(path, &sb) == 0) {
        s->exists = true;
        s->dev = sb.st_dev;
        s->ino = sb.st_ino;
        s->size = sb.st_size;
        s->mtime = sb.st_mtim;
    }
}

static bool stc_stamp_eq(const stc_stamp *a, const stc_stamp *b)
{
    return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void stc_worker_clock(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, n, "%H:%M:%S", &tm);
}

/* A text log line: "12:00:01 " + the formatted rest. */
static void stc_worker_logf(stc_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stc_worker_logf(stc_worker *w, const char *fmt, ...)
{
    char clock[16];
    stc_worker_clock(clock, sizeof clock);
    va_list ap;
    va_start(ap, fmt);
    char *rest = stc_xvasprintf(fmt, ap);
    va_end(ap);
    char *line = stc_xasprintf("%s %s", clock, rest);
    stc_bus_log(w->bus, line);
    free(line);
    free(rest);
}

/* A JSON log line (consumes o). */
static void stc_worker_log_json(stc_worker *w, cJSON *o)
{
    char when[40];
    stc_ids_iso8601_ms(stc_ids_now_ms(), when, sizeof when);
    cJSON_AddStringToObject(o, "time", when);
    char *t = cJSON_PrintUnformatted(o);
    stc_bus_log(w->bus, t);
    free(t);
    cJSON_Delete(o);
}

static void stc_worker_json_text(cJSON *o, const char *key, const char *text, size_t len)
{
    if (!text) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    size_t bad;
    if (len > STC_WORKER_LOG_BODY)
        len = STC_WORKER_LOG_BODY;
    char *copy = stc_xstrndup(text, len);
    if (!stc_utf8_valid(copy, strlen(copy), &bad))
        copy[bad] = '\0';
    cJSON_AddStringToObject(o, key, copy);
    free(copy);
}

/* The event for the JSON log: its body cut like the answers'. */
static cJSON *stc_worker_log_event(const cJSON *event)
{
    if (!event)
        return cJSON_CreateNull();
    cJSON *e = cJSON_Duplicate(event, true);
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(e, "body");
    if (cJSON_IsString(body) && strlen(body->valuestring) > STC_WORKER_LOG_BODY) {
        char *cut = stc_xstrndup(body->valuestring, STC_WORKER_LOG_BODY);
        cJSON_ReplaceItemInObjectCaseSensitive(e, "body", cJSON_CreateString(cut));
        free(cut);
    }
    return e;
}

/* ---- the host's hooks (called from Python, on this thread) ------------------------- */

static int stc_worker_start_hook(void *ctx, const char *workflow, const char *input_json, char **arn,
                                 int64_t *start_ms, char **err)
{
    stc_worker *w = ctx;
    stc_gen *g = w->calling ? w->calling : w->gen;
    cJSON *input = cJSON_Parse(input_json);
    int64_t now = stc_ids_now_ms();
    stc_exec *e = input ? stc_execs_start(w->execs, g, workflow, input, w->current, now, err) : NULL;
    if (!input)
        *err = stc_xstrdup("the execution input is not JSON");
    cJSON_Delete(input);
    if (!e)
        return -1;
    w->last_started = e;
    *arn = stc_xstrdup(e->arn);
    *start_ms = e->start_ms;
    return 0;
}

static int stc_worker_post_hook(void *ctx, const char *connection_id, const char *data, size_t len)
{
    stc_worker *w = ctx;
    stc_conn c;
    if (!stc_bus_conn_get(w->bus, connection_id, &c))
        return 1;
    stc_conn_release(&c);
    if (c.state != STC_CONN_OPEN)
        return 1;
    stc_msg *m = stc_msg_new(STC_MSG_WS_SEND);
    m->serial = c.serial;
    snprintf(m->connection_id, sizeof m->connection_id, "%s", connection_id);
    m->text = stc_xstrndup(data, len);
    m->len = len;
    stc_bus_to_front(w->bus, m);
    return 0;
}

static void stc_worker_object_hook(void *ctx, const char *bucket, const char *key, size_t key_len, bool created,
                                   int64_t size, const char *etag)
{
    stc_worker *w = ctx;
    char *k = stc_xstrndup(key, key_len);
    stc_trig_object(w->trig, bucket, k, created, size, etag, stc_ids_now_ms());
    free(k);
}

static void stc_worker_message_hook(void *ctx, const char *queue)
{
    stc_trig_message(((stc_worker *)ctx)->trig, queue);
}

/* Channel.send: SNS delivers the message to the topic's subscriptions; the
 * log shows what was sent (a mail, say), since nothing leaves the machine. */
static char *stc_worker_publish_hook(void *ctx, const char *topic, const char *text, size_t len, const char *subject)
{
    stc_worker *w = ctx;
    char id[37];
    char *body = stc_xstrndup(text, len);
    int n = stc_trig_publish_text(w->trig, topic, body, subject, stc_ids_now_ms(), id);
    if (w->opt->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "publish");
        cJSON_AddStringToObject(o, "topic", topic);
        cJSON_AddStringToObject(o, "messageId", id);
        if (subject)
            cJSON_AddStringToObject(o, "subject", subject);
        stc_worker_json_text(o, "message", body, len);
        cJSON_AddNumberToObject(o, "delivered", n);
        stc_worker_log_json(w, o);
    } else {
        stc_worker_logf(w, "PUBLISH %s %s%s%s%.*s (%d subscriber%s)", topic, subject ? "[" : "", subject ? subject : "",
                        subject ? "] " : "", len > 400 ? 400 : (int)len, body, n, n == 1 ? "" : "s");
    }
    free(body);
    return stc_xstrdup(id);
}

/* ---- running functions -------------------------------------------------------------- */

static int stc_worker_invoke(stc_worker *w, stc_gen *g, const char *unit, const char *event, const char *rid,
                             stc_host_result *out)
{
    memset(out, 0, sizeof *out);
    if (!w->host_started) {
        out->kind = STC_HOST_FAILED;
        out->message = stc_xstrdup("the service has no functions");
        return -1;
    }
    stc_gen *saved = w->calling;
    w->calling = g;
    int rc = stc_host_invoke(g->id, unit, event, rid, out);
    w->calling = saved;
    return rc;
}

/* The execution hook: a Task calls a function. */
static int stc_worker_exec_invoke(void *ctx, stc_gen *g, const char *fn, const char *payload, char **result_json,
                                  char **error, char **message)
{
    stc_worker *w = ctx;
    char rid[37];
    stc_ids_uuid(rid);
    stc_host_result r;
    stc_worker_invoke(w, g, fn, payload, rid, &r);
    if (r.logs && *r.logs)
        fputs(r.logs, stderr);
    int rc;
    if (r.kind == STC_HOST_OK) {
        *result_json = r.json;
        r.json = NULL;
        rc = STC_PYRUN_OK;
    } else if (r.kind == STC_HOST_ERROR) {
        *error = r.error;
        *message = r.message;
        r.error = r.message = NULL;
        rc = STC_PYRUN_RAISED;
    } else {
        *error = stc_xasprintf("cannot run %s: %s", fn, r.message ? r.message : "the host failed");
        rc = STC_PYRUN_ERROR;
    }
    stc_host_result_free(&r);
    return rc;
}

static void stc_worker_log_http(stc_worker *w, stc_msg *m, const char *unit, const cJSON *event, char *logs,
                                const cJSON *executions);

/* The answer of an Express route, as the template's response mapping gives
 * it (core/aws/template.c, stc_tb_sync_response): the output, or an error
 * document as the Lambda runtime writes one. */
static void stc_worker_express_answer(stc_worker *w, stc_msg *m, const stc_exec *e)
{
    cJSON *o = NULL;
    int status = 200;
    if (e->status == STC_EXEC_SUCCEEDED) {
        char *t = e->output ? cJSON_PrintUnformatted(e->output) : stc_xstrdup("null");
        stc_apigw_json(&m->rs, 200, t);
        free(t);
    } else {
        o = cJSON_CreateObject();
        const char *error = e->error ? e->error : "";
        const char *cause = e->cause ? e->cause : "";
        bool module_class = false;
        const stc_module *mod = w->gen->svc->module;
        for (size_t i = 0; mod && i < mod->nclasses; i++)
            if (&mod->classes[i] != mod->service && strcmp(mod->classes[i].name, error) == 0)
                module_class = true;
        if (e->status == STC_EXEC_TIMED_OUT) {
            status = 504;
            cJSON_AddStringToObject(o, "error", "Timeout");
            char *msg = stc_xasprintf("%s ran past the 5-minute limit of an Express execution", e->machine);
            cJSON_AddStringToObject(o, "message", msg);
            free(msg);
        } else if (module_class) {
            status = 400;
            cJSON_AddStringToObject(o, "error", error);
            cJSON_AddStringToObject(o, "message", cause);
        } else if (strcmp(error, "KeyError") == 0) {
            status = 404;
            cJSON_AddStringToObject(o, "error", "NotFound");
            cJSON_AddStringToObject(o, "message", cause);
        } else {
            status = 500;
            cJSON_AddStringToObject(o, "error", "InternalServerError");
            char *msg = stc_xasprintf("%s failed; see the state machine's log", e->machine);
            cJSON_AddStringToObject(o, "message", msg);
            free(msg);
        }
        stc_apigw_json_value(&m->rs, status, o);
    }
    stc_http_pair_add(&m->rs.headers, &m->rs.nheaders, "apigw-requestid", m->rq.request_id);
}

/* Answer waiting request k (the execution ended, or the REST API's 29 s
 * passed) and let it go. */
static void stc_worker_sync_done(stc_worker *w, size_t k, bool timed_out)
{
    stc_msg *m = w->sync[k].m;
    stc_exec *e = w->sync[k].e;
    if (timed_out)
        stc_apigw_error(&m->rs, 504, "Endpoint request timed out");
    else
        stc_worker_express_answer(w, m, e);
    e->waiter = NULL;
    cJSON *ex = cJSON_CreateArray();
    cJSON_AddItemToArray(ex, cJSON_CreateString(e->arn));
    stc_worker_log_http(w, m, e->machine, NULL, NULL, ex);
    cJSON_Delete(ex);
    w->sync[k] = w->sync[--w->nsync];
    m->kind = STC_MSG_HTTP_DONE;
    stc_bus_to_front(w->bus, m);
}

/* Express requests past API Gateway's 29 s. */
static void stc_worker_sync_timeouts(stc_worker *w)
{
    double now = stc_ids_mono_ms();
    for (size_t k = w->nsync; k-- > 0;)
        if (now - w->sync[k].m->t0 > 29000.0)
            stc_worker_sync_done(w, k, true);
}

/* An Express execution ended: its request is answered. */
static void stc_worker_exec_answer(stc_worker *w, const stc_exec *e)
{
    if (e->status != STC_EXEC_RUNNING && e->waiter)
        for (size_t k = 0; k < w->nsync; k++)
            if (w->sync[k].e == e) {
                stc_worker_sync_done(w, k, false);
                break;
            }
}

static void stc_worker_exec_changed(void *ctx, const stc_exec *e)
{
    stc_worker *w = ctx;
    if (e->status == STC_EXEC_RUNNING && w->started && w->current == e->request && e->request)
        cJSON_AddItemToArray(w->started, cJSON_CreateString(e->arn));
    if (w->opt->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "execution");
        cJSON *rec = stc_exec_record(e);
        for (cJSON *c = rec->child; c;) {
            cJSON *next = c->next;
            cJSON_AddItemToObject(o, c->string, cJSON_DetachItemViaPointer(rec, c));
            c = next;
        }
        cJSON_Delete(rec);
        stc_worker_log_json(w, o);
        stc_worker_exec_answer(w, e);
        return;
    }
    if (e->status == STC_EXEC_RUNNING)
        stc_worker_logf(w, "EXECUTION %s %s RUNNING", e->machine, e->name);
    else if (e->status == STC_EXEC_SUCCEEDED)
        stc_worker_logf(w, "EXECUTION %s %s SUCCEEDED %ld transitions", e->machine, e->name, e->transitions);
    else
        stc_worker_logf(w, "EXECUTION %s %s %s %s: %s", e->machine, e->name, stc_exec_status_name(e->status),
                        e->error ? e->error : "", e->cause ? e->cause : "");
    stc_worker_exec_answer(w, e);
}

/* ---- generations --------------------------------------------------------------------- */

static int stc_worker_adopt(stc_worker *w, stc_gen *g, char **err)
{
    if (!w->host_started && g->runtime) {
        stc_host_hooks hooks = {stc_worker_start_hook,   stc_worker_post_hook,    stc_worker_object_hook,
                                stc_worker_message_hook, stc_worker_publish_hook, w};
        if (stc_host_start(&hooks, w->store, w->opt->json, g->runtime, g->runtime_len, err) != 0)
            return -1;
        w->host_started = true;
    }
    if (w->host_started) {
        const stc_resources *res = g->svc->resources;
        for (size_t i = 0; res && i < res->nresources; i++)
            if (res->resources[i].binding == STC_BIND_NONE &&
                stc_host_bind(stc_resource_kind_json(res->resources[i].kind), res->resources[i].attr, err) != 0)
                return -1;
        for (size_t i = 0; i < g->nstores; i++)
            if (stc_host_bind(g->stores[i].kind, g->stores[i].name, err) != 0)
                return -1;
        for (size_t i = 0; i < g->nenv; i++)
            if (stc_host_setenv(g->env[i].name, g->env[i].value, err) != 0)
                return -1;
        if (stc_gen_define(g, err) != 0)
            return -1;
    }
    stc_trig_load(w->trig, g, stc_ids_now_ms());
    /* who may open a WebSocket connection: the front checks the handshake */
    const stc_config *cfg = g->svc->config;
    const stc_routes *routes = g->svc->routes;
    const stc_ws_route *connect = stc_apigw_ws_route(routes, "$connect");
    stc_bus_set_ws_auth(w->bus,
                        routes && routes->nws ? stc_config_str(cfg, connect ? connect->function : NULL, STC_SET_AUTH)
                                              : "none",
                        stc_config_str(cfg, NULL, STC_SET_JWT_ISSUER), stc_config_str(cfg, NULL, STC_SET_JWT_AUDIENCE));
    stc_gen *old = w->gen;
    w->gen = g;
    stc_gen_unref(old);
    return 0;
}

static void stc_worker_reload(stc_worker *w)
{
    stc_service *broken = NULL;
    stc_gen *g = stc_gen_compile(++w->next_gen, w->opt->path, w->opt->mode, w->opt->config, &broken);
    if (!g) {
        if (w->opt->print_diags)
            w->opt->print_diags(broken);
        size_t errors = stc_diags_count(&broken->diags, STC_SEV_ERROR);
        stc_service_free(broken);
        if (w->opt->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "type", "reload");
            cJSON_AddFalseToObject(o, "ok");
            cJSON_AddNumberToObject(o, "errors", (double)errors);
            cJSON_AddNumberToObject(o, "generation", w->gen->id);
            stc_worker_log_json(w, o);
        } else {
            stc_worker_logf(w, "RELOAD %s has %zu error%s: still serving generation %u", w->opt->path, errors,
                            errors == 1 ? "" : "s", w->gen->id);
        }
        return;
    }
    char *err = NULL;
    if (stc_worker_adopt(w, g, &err) != 0) {
        fprintf(stderr, "stc-tui: %s: %s\n", w->opt->path, err);
        free(err);
        stc_gen_unref(g);
        return;
    }
    if (w->opt->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "reload");
        cJSON_AddTrueToObject(o, "ok");
        cJSON_AddNumberToObject(o, "generation", g->id);
        stc_worker_log_json(w, o);
    } else {
        stc_worker_logf(w, "RELOAD %s: serving generation %u", w->opt->path, g->id);
    }
}

/* Look at the files; reload once a change has held still for a poll. */
static void stc_worker_watch(stc_worker *w, double now)
{
    if (now < w->next_poll)
        return;
    w->next_poll = now + STC_WORKER_POLL_MS;
    stc_stamp m, c;
    stc_worker_stamp(w->opt->path, &m);
    stc_worker_stamp(w->config_path, &c);
    if (stc_stamp_eq(&m, &w->module) && stc_stamp_eq(&c, &w->config)) {
        w->change_seen = false;
        return;
    }
    if (!w->change_seen || !stc_stamp_eq(&m, &w->pending_module) || !stc_stamp_eq(&c, &w->pending_config)) {
        w->change_seen = true; /* wait until the editor has finished writing */
        w->pending_module = m;
        w->pending_config = c;
        return;
    }
    w->change_seen = false;
    w->module = m;
    w->config = c;
    if (m.exists)
        stc_worker_reload(w);
}

/* ---- HTTP ---------------------------------------------------------------------------------- */

static const char *stc_worker_domain(stc_worker *w, const stc_http_request *rq)
{
    const char *h = stc_http_header(rq->headers, rq->nheaders, "host");
    return h && *h ? h : w->domain ? w->domain : "localhost";
}

/* A function behind an HTTP route: the payload 2.0 event, the answer. */
static void stc_worker_lambda_route(stc_worker *w, stc_msg *m, const char *unit, const cJSON *event, char **logs)
{
    char *text = cJSON_PrintUnformatted(event);
    stc_host_result r;
    stc_worker_invoke(w, w->gen, unit, text, m->rq.request_id, &r);
    free(text);
    *logs = r.logs;
    r.logs = NULL;
    cJSON *res = r.kind == STC_HOST_OK ? cJSON_Parse(r.json) : NULL;
    if (stc_ids_mono_ms() - m->t0 > STC_WORKER_HTTP_LIMIT_MS)
        stc_apigw_error(&m->rs, 503, "Service Unavailable");
    else if (!res || stc_apigw_http_response(res, m->rq.request_id, &m->rs) != 0)
        stc_apigw_error(&m->rs, 500, "Internal Server Error");
    if (r.kind == STC_HOST_FAILED)
        fprintf(stderr, "stc-tui: %s: %s\n", unit, r.message ? r.message : "cannot run");
    cJSON_Delete(res);
    stc_host_result_free(&r);
}

/* The payload 2.0 event of a request, with what the authorizer found
 * (taken; NULL: a public route). */
static cJSON *stc_worker_event(stc_worker *w, const stc_http_request *rq, const stc_route *rt, const cJSON *params,
                               cJSON **authz)
{
    cJSON *event = stc_apigw_http_event(rq, rt, params, stc_worker_domain(w, rq));
    if (*authz) {
        cJSON_AddItemToObject(cJSON_GetObjectItem(event, "requestContext"), "authorizer", *authz);
        *authz = NULL;
    }
    return event;
}

/* Request m waits for Express execution e (its answer replaces m's). */
static void stc_worker_wait_for(stc_worker *w, stc_msg *m, stc_exec *e)
{
    w->sync = stc_xrealloc(w->sync, (w->nsync + 1) * sizeof *w->sync);
    w->sync[w->nsync].m = m;
    w->sync[w->nsync].e = e;
    w->nsync++;
    e->waiter = m;
}

/* An async route that binds more than the body (path, query, caller): its
 * starter binds the request as a sync route does and starts the execution
 * (docs/hardening.md); an Express one's answer waits for the end, as the
 * deployed starter waits with StartSyncExecution. True when it waits. */
static bool stc_worker_starter_route(stc_worker *w, stc_msg *m, const char *starter, const cJSON *event,
                                     char **logs)
{
    w->last_started = NULL;
    stc_worker_lambda_route(w, m, starter, event, logs);
    stc_exec *e = w->last_started;
    w->last_started = NULL;
    if (!e || !e->express || m->rs.status != 202)
        return false;
    stc_http_response_free(&m->rs);
    stc_worker_wait_for(w, m, e);
    return true;
}

/* An async route: StartExecution with the body as input, 202; an Express
 * workflow's route answers when its execution ends (StartSyncExecution
 * behind a REST API, docs/template.md): true when the answer waits. */
static bool stc_worker_start_route(stc_worker *w, stc_msg *m, const stc_route *rt)
{
    const stc_http_request *rq = &m->rq;
    /* StartExecution takes the body's text as the input. */
    cJSON *input = rq->body && rq->body_len ? cJSON_ParseWithLength(rq->body, rq->body_len) : cJSON_CreateObject();
    if (!input) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "__type", "com.amazonaws.swf.service.v2.model#InvalidExecutionInput");
        cJSON_AddStringToObject(o, "message", "Invalid State Machine Execution Input: the body is not JSON");
        stc_apigw_json_value(&m->rs, 400, o);
        return false;
    }
    char *err = NULL;
    stc_exec *e = stc_execs_start(w->execs, w->gen, rt->function, input, m->seq, stc_ids_now_ms(), &err);
    cJSON_Delete(input);
    if (!e) {
        fprintf(stderr, "stc-tui: %s: %s\n", rt->function, err);
        free(err);
        stc_apigw_error(&m->rs, 500, "Internal Server Error");
        return false;
    }
    if (e->express) {
        stc_worker_wait_for(w, m, e);
        return true;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "executionArn", e->arn);
    cJSON_AddNumberToObject(o, "startDate", (double)e->start_ms / 1000.0);
    stc_apigw_json_value(&m->rs, 202, o);
    free(m->rs.headers[0].value);
    m->rs.headers[0].value = stc_xstrdup("application/x-amz-json-1.0");
    stc_http_pair_add(&m->rs.headers, &m->rs.nheaders, "apigw-requestid", rq->request_id);
    return false;
}

/* The server's own endpoints under /_stc (docs/serve.md). */
static void stc_worker_admin(stc_worker *w, stc_msg *m)
{
    const stc_http_request *rq = &m->rq;
    const char *p = rq->path + 5; /* after "/_stc" */
    bool get = strcmp(rq->method, "GET") == 0, post = strcmp(rq->method, "POST") == 0;
    int64_t now = stc_ids_now_ms();
    bool executions = strcmp(p, "/executions") == 0 || strcmp(p, "/executions/") == 0;
    bool execution = !executions && strncmp(p, "/executions/", 12) == 0;
    bool schedules = strcmp(p, "/schedules") == 0 || strncmp(p, "/schedules/", 11) == 0;
    bool publish = strcmp(p, "/publish") == 0;
    bool stores = strcmp(p, "/stores") == 0 || strncmp(p, "/stores/", 8) == 0;
    if (stores) {
        stc_storeapi_handle(w->store, w->trig, w->gen, rq, p + 7, now, &m->rs);
    } else if (!executions && !execution && !schedules && !publish) {
        stc_apigw_error(&m->rs, 404, "Not Found");
    } else if ((executions || execution) && !get) {
        stc_apigw_error(&m->rs, 405, "Method Not Allowed");
    } else if (executions) {
        stc_apigw_json_value(&m->rs, 200, stc_execs_list(w->execs));
    } else if (execution) {
        const stc_exec *e = stc_execs_find(w->execs, p + 12);
        if (e) {
            stc_apigw_json_value(&m->rs, 200, stc_exec_describe(e));
        } else {
            char *msg = stc_xasprintf("Execution Does Not Exist: '%s'", p + 12);
            stc_apigw_error(&m->rs, 404, msg);
            free(msg);
        }
    } else if (schedules) {
        const char *name = p[10] == '/' && p[11] ? p + 11 : NULL;
        if (get && !name) {
            stc_apigw_json_value(&m->rs, 200, stc_trig_schedules_json(w->trig));
        } else if (!post) {
            stc_apigw_error(&m->rs, 405, "Method Not Allowed");
        } else {
            size_t n = stc_trig_fire(w->trig, name, now);
            if (name && n == 0) {
                char *msg = stc_xasprintf("no schedule named '%s' in mode %s", name, w->gen->mode);
                stc_apigw_error(&m->rs, 404, msg);
                free(msg);
            } else {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "fired", (double)n);
                stc_apigw_json_value(&m->rs, 202, o);
            }
        }
    } else if (!post) {
        stc_apigw_error(&m->rs, 405, "Method Not Allowed");
    } else { /* publish */
        cJSON *req = rq->body ? cJSON_ParseWithLength(rq->body, rq->body_len) : NULL;
        char *err = NULL;
        int n = stc_trig_publish(w->trig, req, now, &err);
        cJSON_Delete(req);
        if (n < 0) {
            stc_apigw_error(&m->rs, 400, err);
            free(err);
        } else {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "delivered", n);
            stc_apigw_json_value(&m->rs, 202, o);
        }
    }
}

/* API Gateway's management API for WebSocket connections:
 * POST|GET|DELETE [/STAGE]/@connections/ID. */
static void stc_worker_manage(stc_worker *w, stc_msg *m, const char *id)
{
    const stc_http_request *rq = &m->rq;
    stc_conn c;
    bool known = stc_bus_conn_get(w->bus, id, &c);
    bool open = known && c.state == STC_CONN_OPEN;
    if (!open) {
        if (known)
            stc_conn_release(&c);
        stc_apigw_error(&m->rs, 410, "Gone");
        stc_http_pair_add(&m->rs.headers, &m->rs.nheaders, "x-amzn-errortype", "GoneException");
        return;
    }
    if (strcmp(rq->method, "POST") == 0) {
        stc_worker_post_hook(w, id, rq->body ? rq->body : "", rq->body_len);
        memset(&m->rs, 0, sizeof m->rs);
        m->rs.status = 200;
    } else if (strcmp(rq->method, "GET") == 0) {
        char a[40], b[40];
        stc_ids_iso8601_ms(c.connected_at, a, sizeof a);
        stc_ids_iso8601_ms(c.last_active, b, sizeof b);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "ConnectedAt", a);
        cJSON *idn = cJSON_AddObjectToObject(o, "Identity");
        cJSON_AddStringToObject(idn, "SourceIp", c.source_ip);
        cJSON_AddStringToObject(idn, "UserAgent", c.user_agent ? c.user_agent : "");
        cJSON_AddStringToObject(o, "LastActiveAt", b);
        stc_apigw_json_value(&m->rs, 200, o);
    } else if (strcmp(rq->method, "DELETE") == 0) {
        stc_msg *x = stc_msg_new(STC_MSG_WS_CLOSE);
        x->serial = c.serial;
        x->code = 1000;
        stc_bus_to_front(w->bus, x);
        memset(&m->rs, 0, sizeof m->rs);
        m->rs.status = 204;
    } else {
        stc_apigw_error(&m->rs, 405, "Method Not Allowed");
    }
    stc_conn_release(&c);
}

/* The connection id of a management API path, or NULL. */
static const char *stc_worker_connections_path(const char *path)
{
    const char *at = strstr(path, "/@connections/");
    if (!at)
        return NULL;
    const char *stage = path;
    if (at != path) { /* "/STAGE/@connections/ID": one segment before */
        if (memchr(stage + 1, '/', (size_t)(at - stage - 1)))
            return NULL;
    }
    const char *id = at + 14;
    return *id && !strchr(id, '/') ? id : NULL;
}

static void stc_worker_log_http(stc_worker *w, stc_msg *m, const char *unit, const cJSON *event, char *logs,
                                const cJSON *executions)
{
    double ms = stc_ids_mono_ms() - m->t0;
    if (!w->opt->json) {
        stc_worker_logf(w, "%s %s %d %s %.2f ms", m->rq.method, m->rq.path, m->rs.status, unit, ms);
        if (logs && *logs)
            fputs(logs, stderr);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "request");
    cJSON_AddNumberToObject(o, "seq", (double)m->seq);
    cJSON_AddStringToObject(o, "method", m->rq.method);
    cJSON_AddStringToObject(o, "path", m->rq.path);
    cJSON_AddNumberToObject(o, "status", m->rs.status);
    cJSON_AddStringToObject(o, "unit", unit);
    cJSON_AddNumberToObject(o, "ms", ms);
    cJSON_AddItemToObject(o, "event", stc_worker_log_event(event));
    cJSON *r = cJSON_AddObjectToObject(o, "response");
    cJSON_AddNumberToObject(r, "statusCode", m->rs.status);
    cJSON *h = cJSON_AddObjectToObject(r, "headers");
    for (size_t i = 0; i < m->rs.nheaders; i++)
        cJSON_AddStringToObject(h, m->rs.headers[i].name, m->rs.headers[i].value ? m->rs.headers[i].value : "");
    stc_worker_json_text(r, "body", m->rs.body, m->rs.body_len);
    stc_worker_json_text(o, "logs", logs, logs ? strlen(logs) : 0);
    cJSON_AddItemToObject(o, "executions", executions ? cJSON_Duplicate(executions, true) : cJSON_CreateArray());
    stc_worker_log_json(w, o);
}

static void stc_worker_http(stc_worker *w, stc_msg *m)
{
    stc_http_request *rq = &m->rq;
    const char *unit = "-";
    cJSON *event = NULL;
    char *logs = NULL;
    const char *conn_id = stc_worker_connections_path(rq->path);
    bool deferred = false;
    w->current = m->seq;
    w->started = cJSON_CreateArray();
    if (strcmp(rq->path, "/_stc") == 0 || strncmp(rq->path, "/_stc/", 6) == 0) {
        stc_worker_admin(w, m);
    } else if (conn_id) {
        stc_worker_manage(w, m, conn_id);
    } else {
        cJSON *params = NULL, *authz = NULL;
        const stc_route *rt = stc_apigw_route(w->gen->svc->routes, rq->method, rq->path, &params);
        const stc_config *cfg = w->gen->svc->config;
        if (rt) {
            /* the route's auth in the served mode, with the local keys (serve/auth.h) */
            unit = rt->function;
            stc_auth_keys k = stc_auth_keys_env(stc_config_str(cfg, NULL, STC_SET_JWT_ISSUER),
                                                stc_config_str(cfg, NULL, STC_SET_JWT_AUDIENCE));
            if (stc_auth_check(stc_config_str(cfg, rt->function, STC_SET_AUTH), &k, rq, rq->time_ms, &authz,
                               &m->rs) != 0)
                rt = NULL;
        }
        if (!rt && strcmp(unit, "-") != 0) {
            /* refused: the answer is in m->rs */
        } else if (!rt) {
            stc_apigw_error(&m->rs, 404, "Not Found");
        } else if (rt->is_async && stc_gen_starter(w->gen, rt->function)) {
            event = stc_worker_event(w, rq, rt, params, &authz);
            deferred = stc_worker_starter_route(w, m, stc_gen_starter(w->gen, rt->function), event, &logs);
        } else if (rt->is_async) {
            deferred = stc_worker_start_route(w, m, rt);
        } else {
            event = stc_worker_event(w, rq, rt, params, &authz);
            stc_worker_lambda_route(w, m, unit, event, &logs);
        }
        cJSON_Delete(authz);
        cJSON_Delete(params);
    }
    if (!deferred)
        stc_worker_log_http(w, m, unit, event, logs, w->started);
    cJSON_Delete(event);
    free(logs);
    cJSON_Delete(w->started);
    w->started = NULL;
    w->current = 0;
    if (!deferred) {
        m->kind = STC_MSG_HTTP_DONE;
        stc_bus_to_front(w->bus, m);
    }
}

/* ---- WebSocket --------------------------------------------------------------------------- */

static void stc_worker_conn_info(stc_worker *w, const stc_conn *c, stc_ws_conn_info *info)
{
    memset(info, 0, sizeof *info);
    snprintf(info->connection_id, sizeof info->connection_id, "%s", c->id);
    snprintf(info->source_ip, sizeof info->source_ip, "%s", c->source_ip);
    info->user_agent = c->user_agent;
    info->connected_at = c->connected_at;
    info->stage = w->gen->mode;
    info->domain = w->domain ? w->domain : "localhost";
    info->context = c->context;
}

/* The status code of a WebSocket route's answer ({"statusCode": N}); 500
 * when the function failed. */
static int stc_worker_ws_status(const stc_host_result *r)
{
    if (r->kind != STC_HOST_OK)
        return 500;
    cJSON *res = cJSON_Parse(r->json);
    const cJSON *code = cJSON_IsObject(res) ? cJSON_GetObjectItemCaseSensitive(res, "statusCode") : NULL;
    int s = cJSON_IsNumber(code) ? (int)code->valuedouble : 200;
    cJSON_Delete(res);
    return s;
}

static void stc_worker_log_ws(stc_worker *w, const char *route, int status, const char *unit, const stc_msg *m,
                              const cJSON *event, const stc_host_result *r)
{
    double ms = stc_ids_mono_ms() - m->t0;
    if (!w->opt->json) {
        stc_worker_logf(w, "WS %s %d %s %.2f ms", route, status, unit, ms);
        if (r && r->logs && *r->logs)
            fputs(r->logs, stderr);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "websocket");
    cJSON_AddNumberToObject(o, "seq", (double)m->seq);
    cJSON_AddStringToObject(o, "method", "WS");
    cJSON_AddStringToObject(o, "path", route);
    cJSON_AddNumberToObject(o, "status", status);
    cJSON_AddStringToObject(o, "unit", unit);
    cJSON_AddNumberToObject(o, "ms", ms);
    cJSON_AddItemToObject(o, "event", stc_worker_log_event(event));
    cJSON *res = r && r->json ? cJSON_Parse(r->json) : NULL;
    cJSON_AddItemToObject(o, "response", res ? res : cJSON_CreateNull());
    stc_worker_json_text(o, "logs", r ? r->logs : NULL, r && r->logs ? strlen(r->logs) : 0);
    cJSON_AddItemToObject(o, "executions", w->started ? cJSON_Duplicate(w->started, true) : cJSON_CreateArray());
    stc_worker_log_json(w, o);
}

/* Run a WebSocket route: a sync handler's function, or an async handler's
 * workflow, started with the input the route's Step Functions integration
 * gives it (200 when it started; one way, nothing is answered). `upgrade`
 * is the request of a $connect, `body` a message's text. The status. */
static int stc_worker_ws_call(stc_worker *w, const stc_ws_route *rt, const stc_ws_conn_info *info, cJSON *event,
                              const char *route, const stc_msg *m, const stc_http_request *upgrade,
                              const char *body, size_t len)
{
    int status;
    w->current = m->seq;
    w->started = cJSON_CreateArray();
    if (rt->is_async) {
        cJSON *input = stc_apigw_ws_input(rt, info, upgrade, body, len);
        char *err = NULL;
        status = stc_execs_start(w->execs, w->gen, rt->function, input, m->seq, stc_ids_now_ms(), &err) ? 200 : 500;
        if (err) {
            fprintf(stderr, "stc-tui: %s: %s\n", rt->function, err);
            free(err);
        }
        cJSON_Delete(input);
        stc_worker_log_ws(w, route, status, rt->function, m, event, NULL);
    } else {
        char *text = cJSON_PrintUnformatted(event);
        const char *rid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(event, "requestContext"), "requestId"));
        stc_host_result r;
        stc_worker_invoke(w, w->gen, rt->function, text, rid, &r);
        free(text);
        status = stc_worker_ws_status(&r);
        if (r.kind == STC_HOST_FAILED)
            fprintf(stderr, "stc-tui: %s: %s\n", rt->function, r.message ? r.message : "cannot run");
        stc_worker_log_ws(w, route, status, rt->function, m, event, &r);
        stc_host_result_free(&r);
    }
    cJSON_Delete(w->started);
    w->started = NULL;
    w->current = 0;
    return status;
}

static void stc_worker_ws_connect(stc_worker *w, stc_msg *m)
{
    stc_conn c;
    if (!stc_bus_conn_get(w->bus, m->connection_id, &c))
        return;
    const stc_ws_route *rt = stc_apigw_ws_route(w->gen->svc->routes, "$connect");
    int status = 200;
    if (rt) {
        stc_ws_conn_info info;
        stc_worker_conn_info(w, &c, &info);
        cJSON *ev = stc_apigw_ws_connect_event(&info, &m->rq, stc_ids_now_ms());
        status = stc_worker_ws_call(w, rt, &info, ev, "$connect", m, &m->rq, NULL, 0);
        cJSON_Delete(ev);
    } else {
        stc_worker_log_ws(w, "$connect", 200, "-", m, NULL, NULL);
    }
    if (status >= 200 && status < 300) {
        stc_bus_conn_accept(w->bus, m->connection_id);
    } else {
        /* API Gateway refuses the handshake; here it has happened already:
         * the connection is closed with 1008 and the status (docs/serve.md). */
        stc_bus_conn_set(w->bus, m->connection_id, STC_CONN_CLOSED);
        stc_msg *x = stc_msg_new(STC_MSG_WS_CLOSE);
        x->serial = c.serial;
        x->code = 1008;
        x->text = stc_xasprintf("%d", status);
        x->len = strlen(x->text);
        stc_bus_to_front(w->bus, x);
    }
    stc_conn_release(&c);
}

static void stc_worker_ws_send_text(stc_worker *w, uint64_t serial, char *text)
{
    stc_msg *x = stc_msg_new(STC_MSG_WS_SEND);
    x->serial = serial;
    x->text = text;
    x->len = strlen(text);
    stc_bus_to_front(w->bus, x);
}

static void stc_worker_ws_message(stc_worker *w, stc_msg *m)
{
    stc_conn c;
    if (stc_bus_conn_get(w->bus, m->connection_id, &c)) {
        if (c.state == STC_CONN_OPEN) {
            stc_bus_conn_touch(w->bus, c.id, stc_ids_now_ms());
            const char *key = stc_apigw_ws_route_key(w->gen->svc->routes, m->text, m->len);
            const stc_ws_route *rt = stc_apigw_ws_route(w->gen->svc->routes, key);
            char rid[17];
            stc_ids_short(rid);
            if (!rt) {
                stc_worker_ws_send_text(w, c.serial, stc_apigw_ws_error("Forbidden", c.id, rid));
                stc_worker_log_ws(w, "-", 403, "-", m, NULL, NULL);
            } else {
                stc_ws_conn_info info;
                stc_worker_conn_info(w, &c, &info);
                cJSON *ev = stc_apigw_ws_message_event(&info, key, m->text, m->len, stc_ids_now_ms());
                int status = stc_worker_ws_call(w, rt, &info, ev, key, m, NULL, m->text, m->len);
                if (status >= 500) {
                    const char *erid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
                        cJSON_GetObjectItemCaseSensitive(ev, "requestContext"), "requestId"));
                    stc_worker_ws_send_text(w, c.serial,
                                            stc_apigw_ws_error("Internal server error", c.id, erid ? erid : rid));
                }
                cJSON_Delete(ev);
            }
        }
        stc_conn_release(&c);
    }
    m->kind = STC_MSG_WS_DONE;
    free(m->text);
    m->text = NULL;
    stc_bus_to_front(w->bus, m);
}

static void stc_worker_ws_disconnect(stc_worker *w, stc_msg *m)
{
    stc_conn c;
    if (!stc_bus_conn_get(w->bus, m->connection_id, &c))
        return;
    const stc_ws_route *rt = stc_apigw_ws_route(w->gen->svc->routes, "$disconnect");
    if (c.accepted && rt) {
        stc_ws_conn_info info;
        stc_worker_conn_info(w, &c, &info);
        cJSON *ev = stc_apigw_ws_disconnect_event(&info, m->code, m->text, stc_ids_now_ms());
        stc_worker_ws_call(w, rt, &info, ev, "$disconnect", m, NULL, NULL, 0);
        cJSON_Delete(ev);
    } else if (c.accepted) {
        stc_worker_log_ws(w, "$disconnect", 200, "-", m, NULL, NULL);
    }
    stc_bus_conn_remove(w->bus, m->connection_id);
    stc_conn_release(&c);
}

/* ---- background work ------------------------------------------------------------------------ */

static void stc_worker_log_delivery(stc_worker *w, const stc_delivery *d, const char *outcome, double t0,
                                    const stc_host_result *r)
{
    double ms = stc_ids_mono_ms() - t0;
    if (!w->opt->json) {
        stc_worker_logf(w, "TRIGGER %s %s %s %.2f ms", d->what, d->target, outcome, ms);
        if (r && r->logs && *r->logs)
            fputs(r->logs, stderr);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "trigger");
    cJSON_AddStringToObject(o, "what", d->what);
    cJSON_AddStringToObject(o, "unit", d->target);
    cJSON_AddStringToObject(o, "outcome", outcome);
    cJSON_AddNumberToObject(o, "ms", ms);
    cJSON_AddItemToObject(o, "event", cJSON_Duplicate(d->payload, true));
    cJSON *res = r && r->json ? cJSON_Parse(r->json) : NULL;
    cJSON_AddItemToObject(o, "response", res ? res : cJSON_CreateNull());
    stc_worker_json_text(o, "logs", r ? r->logs : NULL, r && r->logs ? strlen(r->logs) : 0);
    stc_worker_log_json(w, o);
}

static void stc_worker_deliver(stc_worker *w, stc_delivery *d)
{
    double t0 = stc_ids_mono_ms();
    int64_t now = stc_ids_now_ms();
    if (d->workflow) {
        char *err = NULL;
        stc_exec *e = stc_execs_start(w->execs, w->gen, d->target, d->payload, 0, now, &err);
        char *outcome = e ? stc_xasprintf("started %s", e->name) : stc_xasprintf("failed: %s", err);
        stc_worker_log_delivery(w, d, outcome, t0, NULL);
        free(outcome);
        free(err);
        return;
    }
    char *text = cJSON_PrintUnformatted(d->payload);
    char rid[37];
    stc_ids_uuid(rid);
    stc_host_result r;
    stc_worker_invoke(w, w->gen, d->target, text, rid, &r);
    free(text);
    char *outcome;
    if (d->nmsgs) {
        cJSON *res = r.kind == STC_HOST_OK ? cJSON_Parse(r.json) : NULL;
        size_t failed = stc_trig_settle(w->trig, w->store, d, res, now);
        cJSON_Delete(res);
        outcome = failed ? stc_xasprintf("%zu of %zu failed (back after the visibility timeout)", failed, d->nmsgs)
                         : stc_xstrdup("ok");
    } else if (r.kind == STC_HOST_OK) {
        outcome = stc_xstrdup("ok");
    } else {
        outcome = stc_xasprintf("failed %s: %s", r.error ? r.error : "", r.message ? r.message : "");
    }
    stc_worker_log_delivery(w, d, outcome, t0, &r);
    free(outcome);
    stc_host_result_free(&r);
}

/* One background step: a due trigger delivery, else a ready execution's
 * next state. Returns true when it did something. */
static bool stc_worker_background(stc_worker *w, bool deliveries_first)
{
    double now = stc_ids_mono_ms();
    int64_t now_ms = stc_ids_now_ms();
    double next;
    bool exec_ready = stc_execs_ready(w->execs, now, &next);
    if (deliveries_first || !exec_ready) {
        stc_delivery *d = stc_trig_take(w->trig, w->store, now_ms);
        if (d) {
            stc_worker_deliver(w, d);
            stc_delivery_free(d);
            return true;
        }
    }
    if (exec_ready) {
        stc_execs_step(w->execs, now, now_ms);
        return true;
    }
    return false;
}

/* When the loop must look again (monotonic ms; 0: now). */
static double stc_worker_deadline(stc_worker *w)
{
    double now = stc_ids_mono_ms();
    double until = w->next_poll;
    double next;
    if (stc_execs_ready(w->execs, now, &next))
        return 0;
    if (next >= 0 && next < until)
        until = next;
    for (size_t k = 0; k < w->nsync; k++)
        if (w->sync[k].m->t0 + 29000.0 < until)
            until = w->sync[k].m->t0 + 29000.0;
    int64_t now_ms = stc_ids_now_ms();
    int64_t due = stc_trig_due(w->trig, w->store, now_ms);
    if (due == 0)
        return 0;
    if (due > 0 && now + (double)(due - now_ms) < until)
        until = now + (double)(due - now_ms);
    return until <= now ? 0 : until;
}

/* ---- the thread ------------------------------------------------------------------------------------ */

static void stc_worker_loop(stc_worker *w)
{
    int burst = 0;
    bool deliveries_first = true, draining = false;
    for (;;) {
        /* stopping: the requests of Express routes still wait for their
         * executions (29 s at most) */
        if (draining && w->nsync == 0)
            return;
        double until = stc_worker_deadline(w);
        stc_msg *m;
        if (until == 0) {
            m = stc_bus_worker_take(w->bus, 0);
        } else {
            stc_py_enter();
            Py_BEGIN_ALLOW_THREADS
            m = stc_bus_worker_take(w->bus, until);
            Py_END_ALLOW_THREADS
            stc_py_leave();
        }
        if (m) {
            switch (m->kind) {
            case STC_MSG_HTTP: stc_worker_http(w, m); break;
            case STC_MSG_WS_CONNECT: stc_worker_ws_connect(w, m); stc_msg_free(m); break;
            case STC_MSG_WS_MESSAGE: stc_worker_ws_message(w, m); break;
            case STC_MSG_WS_DISCONNECT: stc_worker_ws_disconnect(w, m); stc_msg_free(m); break;
            case STC_MSG_DRAIN: stc_msg_free(m); draining = true; break;
            default: stc_msg_free(m); break;
            }
            burst++;
        }
        stc_worker_watch(w, stc_ids_mono_ms());
        stc_worker_sync_timeouts(w);
        if (!m || burst >= STC_WORKER_BURST) {
            burst = 0;
            if (stc_worker_background(w, deliveries_first))
                deliveries_first = !deliveries_first;
        }
    }
}

/* At DRAIN: the deliveries already due (triggered by requests that were
 * answered) still run; executions are left where they are. */
static void stc_worker_finish(stc_worker *w)
{
    int64_t now_ms = stc_ids_now_ms();
    for (int i = 0; i < 10000; i++) {
        stc_delivery *d = stc_trig_take(w->trig, w->store, now_ms);
        if (!d)
            break;
        stc_worker_deliver(w, d);
        stc_delivery_free(d);
    }
    size_t running = stc_execs_running(w->execs);
    if (running && !w->opt->json)
        stc_worker_logf(w, "STOP %zu execution%s still running %s not finished", running, running == 1 ? "" : "s",
                        running == 1 ? "was" : "were");
}

static void *stc_worker_main(void *arg)
{
    stc_worker *w = arg;
    stc_py_enter();
    PyGILState_STATE gs = PyGILState_Ensure();
    stc_py_leave();
    char *err = NULL;
    stc_gen *g = w->gen;
    w->gen = NULL;
    int rc = stc_worker_adopt(w, g, &err);
    if (rc != 0)
        stc_gen_unref(g);
    pthread_mutex_lock(&w->mu);
    w->ready = rc == 0 ? 1 : -1;
    w->start_err = err;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (rc == 0) {
        stc_worker_loop(w);
        stc_worker_finish(w);
        stc_bus_to_front(w->bus, stc_msg_new(STC_MSG_STOPPED));
    }
    /* Python objects go while the lock is held. */
    stc_execs_free(w->execs);
    w->execs = NULL;
    stc_trig_free(w->trig);
    w->trig = NULL;
    stc_gen_unref(w->gen);
    w->gen = NULL;
    if (w->host_started)
        stc_host_stop();
    stc_py_enter();
    PyGILState_Release(gs);
    stc_py_leave();
    return NULL;
}

stc_worker *stc_worker_start(const stc_serve_options *o, stc_bus *bus, stc_gen *g, stc_store *store, char **err)
{
    stc_worker *w = stc_xcalloc(1, sizeof *w);
    w->opt = o;
    w->bus = bus;
    w->store = store;
    w->gen = g;
    w->next_gen = g->id;
    stc_execs_hooks eh = {stc_worker_exec_invoke, stc_worker_exec_changed, w};
    w->execs = stc_execs_new(o->fast, &eh);
    w->trig = stc_trig_new(o->fast);
    w->config_path = o->config ? stc_xstrdup(o->config) : stc_config_default_path(o->path);
    stc_worker_stamp(o->path, &w->module);
    stc_worker_stamp(w->config_path, &w->config);
    w->next_poll = stc_ids_mono_ms() + STC_WORKER_POLL_MS;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->thread_started = pthread_create(&w->thread, NULL, stc_worker_main, w) == 0;
    if (!w->thread_started) {
        *err = stc_xstrdup("cannot start the worker thread");
        stc_gen_unref(g);
        w->gen = NULL;
        stc_worker_join(w);
        return NULL;
    }
    pthread_mutex_lock(&w->mu);
    while (w->ready == 0)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    if (w->ready < 0) {
        *err = w->start_err ? w->start_err : stc_xstrdup("the worker did not start");
        w->start_err = NULL;
        stc_worker_join(w);
        return NULL;
    }
    return w;
}

void stc_worker_set_domain(stc_worker *w, const char *domain)
{
    free(w->domain);
    w->domain = stc_xstrdup(domain);
}

void stc_worker_join(stc_worker *w)
{
    if (!w)
        return;
    if (w->thread_started)
        pthread_join(w->thread, NULL);
    stc_execs_free(w->execs);
    stc_trig_free(w->trig);
    stc_gen_unref(w->gen);
    stc_store_close(w->store);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    for (size_t k = 0; k < w->nsync; k++)
        stc_msg_free(w->sync[k].m);
    free(w->sync);
    free(w->start_err);
    free(w->config_path);
    free(w->domain);
    free(w);
}
