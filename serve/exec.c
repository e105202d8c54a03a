/* exec.c - see exec.h. */
#include "serve/exec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/express.h"
#include "core/pyrun.h"
#include "core/util.h"
#include "serve/apigw.h"
#include "serve/ids.h"

struct stc_execs {
    stc_exec **v;      /* in start order */
    size_t n, cap;
    size_t rr;         /* round robin position */
    bool fast;
    stc_execs_hooks hooks;
};

const char *stc_exec_status_name(stc_exec_status s)
{
    switch (s) {
    case STC_EXEC_RUNNING: return "RUNNING";
    case STC_EXEC_SUCCEEDED: return "SUCCEEDED";
    case STC_EXEC_FAILED: return "FAILED";
    case STC_EXEC_TIMED_OUT: return "TIMED_OUT";
    }
    return "FAILED";
}

stc_execs *stc_execs_new(bool fast, const stc_execs_hooks *hooks)
{
    stc_execs *x = stc_xcalloc(1, sizeof *x);
    x->fast = fast;
    x->hooks = *hooks;
    return x;
}

static void stc_exec_release(stc_exec *e)
{
    stc_sim_free(e->sim);
    e->sim = NULL;
    stc_svcmode_free(e->sm);
    e->sm = NULL;
}

static void stc_exec_free(stc_exec *e)
{
    if (!e)
        return;
    stc_exec_release(e);
    stc_gen_unref(e->gen);
    free(e->arn);
    free(e->machine);
    cJSON_Delete(e->input);
    cJSON_Delete(e->output);
    free(e->error);
    free(e->cause);
    cJSON_Delete(e->calls);
    free(e->express_units);
    free(e);
}

void stc_execs_free(stc_execs *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++)
        stc_exec_free(x->v[i]);
    free(x->v);
    free(x);
}

/* The hook needs both the execution and its owner. */
typedef struct stc_exec_ctx {
    stc_execs *x;
    stc_exec *e;
} stc_exec_ctx;

/* The Task hook of svcmode: the function's own handler, recorded. */
static int stc_exec_task(void *ctx, const char *fn, const cJSON *payload, cJSON **result, char **error, char **message)
{
    stc_exec_ctx *c = ctx;
    char *text = payload ? cJSON_PrintUnformatted(payload) : stc_xstrdup("{}");
    char *json = NULL, *err = NULL, *msg = NULL;
    int rc = c->x->hooks.invoke(c->x->hooks.ctx, c->e->gen, fn, text, &json, &err, &msg);
    free(text);
    cJSON *rec = cJSON_CreateObject();
    cJSON_AddStringToObject(rec, "function", fn);
    int out;
    if (rc == STC_PYRUN_OK) {
        *result = cJSON_Parse(json);
        if (!*result) { /* NaN or Infinity: not JSON */
            *error = stc_xstrdup("Runtime.MarshalError");
            *message = stc_xasprintf("Unable to marshal response: %s is not valid JSON", json);
            out = STC_PYRUN_RAISED;
        } else {
            out = STC_PYRUN_OK;
        }
    } else if (rc == STC_PYRUN_RAISED) {
        *error = err;
        *message = msg ? msg : stc_xstrdup("");
        err = msg = NULL;
        out = STC_PYRUN_RAISED;
    } else {
        *error = err ? err : stc_xasprintf("cannot run %s", fn);
        err = NULL;
        out = STC_PYRUN_ERROR;
    }
    if (out == STC_PYRUN_OK) {
        cJSON_AddItemToObject(rec, "return", cJSON_Duplicate(*result, true));
    } else if (out == STC_PYRUN_RAISED) {
        cJSON_AddStringToObject(rec, "raise", *error);
        cJSON_AddStringToObject(rec, "cause", *message);
    } else {
        cJSON_AddStringToObject(rec, "error", *error);
    }
    cJSON_AddItemToArray(c->e->calls, rec);
    free(json);
    free(err);
    free(msg);
    return out;
}

/* An execution and its hook context, allocated together (the execution
 * first, so freeing the execution frees both). */
typedef struct stc_exec_box {
    stc_exec e;
    stc_exec_ctx ctx;
} stc_exec_box;

stc_exec *stc_execs_start(stc_execs *x, stc_gen *g, const char *name, const cJSON *input, uint64_t request,
                          int64_t now_ms, char **err)
{
    const stc_workflow *wf = NULL;
    const stc_machine *m = stc_gen_machine(g, name, &wf, err);
    if (!m)
        return NULL;
    stc_exec_box *box = stc_xcalloc(1, sizeof *box);
    stc_exec *e = &box->e;
    box->ctx.x = x;
    box->ctx.e = e;
    stc_ids_uuid(e->name);
    e->express = stc_express(g->svc->config, name);
    e->express_units = stc_express_units(g->svc, g->svc->config);
    e->arn = stc_xasprintf("arn:aws:states:" STC_APIGW_REGION ":" STC_APIGW_ACCOUNT ":%s:%s:%s",
                           e->express ? "express" : "execution", name, e->name);
    e->machine = stc_xstrdup(name);
    e->gen = stc_gen_ref(g);
    e->wf = wf;
    e->input = input ? cJSON_Duplicate(input, true) : cJSON_CreateObject();
    e->calls = cJSON_CreateArray();
    e->start_ms = now_ms;
    e->request = request;
    e->status = STC_EXEC_RUNNING;
    stc_svcmode_options so = {.workflows = g->svc->workflows, .mocks = NULL, .local = NULL,
                              .express = e->express_units, .call = stc_exec_task, .call_ctx = &box->ctx};
    e->sm = stc_svcmode_new(wf, &so);
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = false;
    o.history = false;
    o.start_time_ms = now_ms;
    if (e->express)
        o.time_limit_s = STC_EXPRESS_MAX_SECONDS;
    o.execution_name = e->name;
    o.state_machine_name = name;
    o.task = stc_svcmode_task;
    o.task_ctx = e->sm;
    e->sim = stc_sim_new(m, &o);
    stc_sim_start(e->sim, e->input);
    if (x->n == x->cap) {
        x->cap = x->cap ? x->cap * 2 : 16;
        x->v = stc_xrealloc(x->v, x->cap * sizeof *x->v);
    }
    x->v[x->n++] = e;
    if (x->hooks.changed)
        x->hooks.changed(x->hooks.ctx, e);
    return e;
}

bool stc_execs_ready(stc_execs *x, double now, double *next)
{
    *next = -1;
    bool ready = false;
    for (size_t i = 0; i < x->n; i++) {
        const stc_exec *e = x->v[i];
        if (e->status != STC_EXEC_RUNNING)
            continue;
        if (e->wake <= now)
            ready = true;
        if (*next < 0 || e->wake < *next)
            *next = e->wake;
    }
    return ready;
}

size_t stc_execs_running(const stc_execs *x)
{
    size_t n = 0;
    for (size_t i = 0; i < x->n; i++)
        n += x->v[i]->status == STC_EXEC_RUNNING;
    return n;
}

/* Drop the oldest finished executions beyond the limit. */
static void stc_execs_trim(stc_execs *x)
{
    size_t finished = 0;
    for (size_t i = 0; i < x->n; i++)
        finished += x->v[i]->status != STC_EXEC_RUNNING;
    size_t k = 0;
    for (size_t i = 0; i < x->n; i++) {
        stc_exec *e = x->v[i];
        if (finished > STC_EXECS_KEEP && e->status != STC_EXEC_RUNNING) {
            stc_exec_free(e);
            finished--;
            continue;
        }
        x->v[k++] = e;
    }
    x->n = k;
    if (x->rr >= x->n)
        x->rr = 0;
}

static void stc_exec_finish(stc_execs *x, stc_exec *e, stc_sim_status st, int64_t now_ms)
{
    e->transitions += stc_sim_transitions(e->sim);
    e->stop_ms = now_ms;
    if (st == STC_SIM_SUCCEEDED) {
        e->status = STC_EXEC_SUCCEEDED;
        const cJSON *out = stc_sim_output(e->sim);
        e->output = out ? cJSON_Duplicate(out, true) : cJSON_CreateNull();
    } else if (st == STC_SIM_FAILED || st == STC_SIM_TIMED_OUT) {
        e->status = st == STC_SIM_FAILED ? STC_EXEC_FAILED : STC_EXEC_TIMED_OUT;
        e->error = stc_sim_error(e->sim) ? stc_xstrdup(stc_sim_error(e->sim)) : NULL;
        e->cause = stc_sim_cause(e->sim) ? stc_xstrdup(stc_sim_cause(e->sim)) : NULL;
    } else {
        e->status = STC_EXEC_FAILED;
        e->error = stc_xstrdup("States.Runtime");
        e->cause = stc_xstrdup(stc_sim_message(e->sim) ? stc_sim_message(e->sim) : "the execution stopped");
    }
    cJSON *next = NULL;
    bool restart = st == STC_SIM_SUCCEEDED && stc_svcmode_take_restart(e->sm, &next);
    stc_gen *g = stc_gen_ref(e->gen);
    char *machine = stc_xstrdup(e->machine);
    uint64_t request = e->request;
    stc_exec_release(e);
    if (x->hooks.changed)
        x->hooks.changed(x->hooks.ctx, e);
    if (restart) { /* continue as new: a new execution with the input it passed on */
        char *err = NULL;
        if (!stc_execs_start(x, g, machine, next, request, now_ms, &err))
            free(err);
    }
    cJSON_Delete(next);
    free(machine);
    stc_gen_unref(g);
    stc_execs_trim(x);
}

void stc_execs_step(stc_execs *x, double now, int64_t now_ms)
{
    for (size_t k = 0; k < x->n; k++) {
        size_t i = (x->rr + k) % x->n;
        stc_exec *e = x->v[i];
        if (e->status != STC_EXEC_RUNNING || e->wake > now)
            continue;
        x->rr = (i + 1) % x->n;
        int64_t before = stc_sim_time(e->sim);
        stc_sim_status st = stc_sim_step(e->sim);
        if (st == STC_SIM_RUNNING) {
            int64_t after = stc_sim_time(e->sim);
            if (!x->fast && after > before)
                e->wake = stc_ids_mono_ms() + (double)(after - before);
            return;
        }
        stc_exec_finish(x, e, st, now_ms);
        return;
    }
}

const stc_exec *stc_execs_find(const stc_execs *x, const char *name)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->v[i]->name, name) == 0)
            return x->v[i];
    return NULL;
}

static cJSON *stc_json_or_null(const cJSON *v)
{
    return v ? cJSON_Duplicate(v, true) : cJSON_CreateNull();
}

static cJSON *stc_string_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static long stc_exec_transitions(const stc_exec *e)
{
    return e->transitions + (e->sim ? stc_sim_transitions(e->sim) : 0);
}

cJSON *stc_exec_describe(const stc_exec *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", stc_exec_status_name(e->status));
    cJSON_AddItemToObject(o, "input", stc_json_or_null(e->input));
    cJSON_AddItemToObject(o, "output", stc_json_or_null(e->output));
    cJSON_AddItemToObject(o, "error", stc_string_or_null(e->error));
    cJSON_AddItemToObject(o, "cause", stc_string_or_null(e->cause));
    cJSON_AddNumberToObject(o, "transitions", (double)stc_exec_transitions(e));
    return o;
}

static void stc_exec_identity(cJSON *o, const stc_exec *e)
{
    cJSON_AddStringToObject(o, "name", e->name);
    cJSON_AddStringToObject(o, "executionArn", e->arn);
    cJSON_AddStringToObject(o, "stateMachine", e->machine);
    cJSON_AddNumberToObject(o, "startDate", (double)e->start_ms / 1000.0);
    if (e->status != STC_EXEC_RUNNING)
        cJSON_AddNumberToObject(o, "stopDate", (double)e->stop_ms / 1000.0);
    else
        cJSON_AddNullToObject(o, "stopDate");
}

cJSON *stc_execs_list(const stc_execs *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *a = cJSON_AddArrayToObject(o, "executions");
    for (size_t i = x->n; i-- > 0;) {
        const stc_exec *e = x->v[i];
        cJSON *it = cJSON_CreateObject();
        stc_exec_identity(it, e);
        cJSON_AddStringToObject(it, "status", stc_exec_status_name(e->status));
        cJSON_AddItemToArray(a, it);
    }
    return o;
}

cJSON *stc_exec_record(const stc_exec *e)
{
    cJSON *o = stc_exec_describe(e);
    stc_exec_identity(o, e);
    cJSON_AddNumberToObject(o, "request", (double)e->request);
    cJSON_AddItemToObject(o, "calls", cJSON_Duplicate(e->calls, true));
    return o;
}
