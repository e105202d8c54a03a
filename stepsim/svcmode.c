/* svcmode.c - see svcmode.h. */
#include "stepsim/svcmode.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/express.h"
#include "core/util.h"
#include "stepsim/machine.h"

#define SVC_REGION_ACCOUNT "us-east-1:123456789012"
#define SVC_LAMBDA_INVOKE "arn:aws:states:::lambda:invoke"

/* A nested workflow's machine and handler, loaded on first use. */
typedef struct svc_child {
    char *callee;
    stc_machine *machine;
    stc_svcmode *mode;
} svc_child;

struct stc_svcmode {
    const stc_workflow *wf;
    stc_svcmode_options opt;
    int depth;             /* 0 for the outermost execution */
    stc_sim *counter_sim;  /* nested: the outermost simulation, which counts calls */
    svc_child *children;
    size_t nchildren;
    cJSON *restart_input;  /* pending continue-as-new */
};

stc_svcmode *stc_svcmode_new(const stc_workflow *wf, const stc_svcmode_options *o)
{
    stc_svcmode *sm = stc_xcalloc(1, sizeof *sm);
    sm->wf = wf;
    if (o)
        sm->opt = *o;
    return sm;
}

void stc_svcmode_free(stc_svcmode *sm)
{
    if (!sm)
        return;
    for (size_t i = 0; i < sm->nchildren; i++) {
        free(sm->children[i].callee);
        stc_machine_free(sm->children[i].machine);
        stc_svcmode_free(sm->children[i].mode);
    }
    free(sm->children);
    cJSON_Delete(sm->restart_input);
    free(sm);
}

void stc_svcmode_clear_restart(stc_svcmode *sm)
{
    cJSON_Delete(sm->restart_input);
    sm->restart_input = NULL;
}

bool stc_svcmode_take_restart(void *ctx, cJSON **input)
{
    stc_svcmode *sm = ctx;
    *input = sm->restart_input;
    sm->restart_input = NULL;
    return *input != NULL;
}

/* A request id that depends only on the function and the call number, so
 * that runs are reproducible (and stepping back gives the same ids). */
static char *svc_request_id(const char *fn, unsigned call)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)fn; *p; p++)
        h = (h ^ *p) * 16777619u;
    return stc_xasprintf("%08x-0000-4000-8000-%012x", (unsigned)h, call);
}

/* {"ExecutedVersion", "Payload", "SdkHttpMetadata", "SdkResponseMetadata",
 *  "StatusCode"}: what arn:aws:states:::lambda:invoke gives back. */
static cJSON *svc_lambda_result(cJSON *payload, const char *rid)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "ExecutedVersion", "$LATEST");
    cJSON_AddItemToObject(r, "Payload", payload);
    cJSON *http = cJSON_AddObjectToObject(r, "SdkHttpMetadata");
    cJSON *h = cJSON_AddObjectToObject(http, "HttpHeaders");
    cJSON_AddStringToObject(h, "Content-Type", "application/json");
    cJSON_AddStringToObject(h, "X-Amz-Executed-Version", "$LATEST");
    cJSON_AddStringToObject(h, "x-amzn-RequestId", rid);
    cJSON_AddNumberToObject(http, "HttpStatusCode", 200);
    cJSON *meta = cJSON_AddObjectToObject(r, "SdkResponseMetadata");
    cJSON_AddStringToObject(meta, "RequestId", rid);
    cJSON_AddNumberToObject(r, "StatusCode", 200);
    return r;
}

/* The Cause the Lambda Python runtime gives for an unhandled exception. */
static char *svc_lambda_cause(const char *error, const char *message, const char *rid)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "errorMessage", message ? message : "");
    cJSON_AddStringToObject(c, "errorType", error);
    cJSON_AddStringToObject(c, "requestId", rid);
    cJSON_AddArrayToObject(c, "stackTrace");
    char *t = cJSON_PrintUnformatted(c);
    cJSON_Delete(c);
    return t;
}

/* DescribeExecution of a nested execution, as states:startExecution.sync:2
 * returns it (success) or puts it in the Cause (failure). */
static cJSON *svc_execution_json(const char *callee, unsigned call, const cJSON *input,
                                 int64_t start_ms, int64_t stop_ms, const char *status,
                                 const cJSON *output, const char *error, const char *cause)
{
    char name[64];
    snprintf(name, sizeof name, "%.40s-%u", callee, call + 1);
    cJSON *r = cJSON_CreateObject();
    char *arn = stc_xasprintf("arn:aws:states:" SVC_REGION_ACCOUNT ":execution:%s:%s", callee, name);
    cJSON_AddStringToObject(r, "ExecutionArn", arn);
    free(arn);
    cJSON_AddItemToObject(r, "Input", input ? cJSON_Duplicate(input, true) : cJSON_CreateObject());
    cJSON_AddObjectToObject(r, "InputDetails");
    cJSON_AddTrueToObject(cJSON_GetObjectItemCaseSensitive(r, "InputDetails"), "Included");
    cJSON_AddStringToObject(r, "Name", name);
    if (output) {
        cJSON_AddItemToObject(r, "Output", cJSON_Duplicate(output, true));
        cJSON_AddTrueToObject(cJSON_AddObjectToObject(r, "OutputDetails"), "Included");
    }
    cJSON_AddNumberToObject(r, "StartDate", (double)start_ms);
    char *sm = stc_xasprintf("arn:aws:states:" SVC_REGION_ACCOUNT ":stateMachine:%s", callee);
    cJSON_AddStringToObject(r, "StateMachineArn", sm);
    free(sm);
    cJSON_AddStringToObject(r, "Status", status);
    cJSON_AddNumberToObject(r, "StopDate", (double)stop_ms);
    if (error)
        cJSON_AddStringToObject(r, "Error", error);
    if (cause)
        cJSON_AddStringToObject(r, "Cause", cause);
    return r;
}

/* The nested execution failed: States.TaskFailed, Cause = its JSON. */
static int svc_child_failed(cJSON *exec, char **error, char **cause)
{
    *error = stc_xstrdup("States.TaskFailed");
    *cause = cJSON_PrintUnformatted(exec);
    cJSON_Delete(exec);
    return STC_TASK_FAILED;
}

static svc_child *svc_child_get(stc_svcmode *sm, const stc_workflow *cwf, char **error)
{
    for (size_t i = 0; i < sm->nchildren; i++)
        if (strcmp(sm->children[i].callee, cwf->method->name) == 0)
            return &sm->children[i];
    char *merr = NULL;
    stc_machine *m = stc_machine_load(cwf->asl, &merr);
    if (!m) {
        *error = stc_xasprintf("the nested workflow %s cannot be simulated: %s", cwf->method->name,
                               merr ? merr : "invalid machine");
        free(merr);
        return NULL;
    }
    sm->children = stc_xrealloc(sm->children, (sm->nchildren + 1) * sizeof *sm->children);
    svc_child *c = &sm->children[sm->nchildren++];
    c->callee = stc_xstrdup(cwf->method->name);
    c->machine = m;
    c->mode = stc_svcmode_new(cwf, &sm->opt);
    c->mode->depth = sm->depth + 1;
    return c;
}

/* Run the callee's machine in a nested simulation. */
static int svc_run_child(stc_svcmode *sm, stc_sim *sim, stc_sim *counter, const char *callee,
                         unsigned call, const cJSON *child_input, cJSON **result, char **error,
                         char **cause)
{
    const stc_workflow *cwf =
        sm->opt.workflows ? stc_workflows_find(sm->opt.workflows, callee) : NULL;
    if (!cwf) {
        *error = stc_xasprintf("no mock for %s (a nested workflow); add '%s:' to the mocks file",
                               callee, callee);
        return STC_TASK_ABORT;
    }
    if (!cwf->asl) {
        *error = stc_xasprintf("the nested workflow %s has compile errors", callee);
        return STC_TASK_ABORT;
    }
    if (sm->depth + 1 >= STC_SVCMODE_MAX_DEPTH) {
        *error = stc_xasprintf("nested workflows go deeper than %d executions (at %s)",
                               STC_SVCMODE_MAX_DEPTH, callee);
        return STC_TASK_ABORT;
    }
    svc_child *c = svc_child_get(sm, cwf, error);
    if (!c)
        return STC_TASK_ABORT;
    c->mode->counter_sim = counter;
    char name[64];
    snprintf(name, sizeof name, "%.40s-%u", callee, call + 1);
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = false;
    o.history = false; /* only the child's outcome is used */
    o.start_time_ms = stc_sim_time(sim);
    o.execution_name = name;
    o.state_machine_name = callee;
    o.task = stc_svcmode_task;
    o.task_ctx = c->mode;
    for (const char *const *x = sm->opt.express; x && *x; x++)
        if (strcmp(*x, callee) == 0)
            o.time_limit_s = STC_EXPRESS_MAX_SECONDS;
    stc_sim *child = stc_sim_new(c->machine, &o);
    stc_sim_start(child, child_input);
    stc_sim_status st = stc_sim_run(child, NULL);
    cJSON *pending = NULL;
    while (st == STC_SIM_SUCCEEDED && stc_svcmode_take_restart(c->mode, &pending)) {
        stc_sim_continue_as_new(child, pending); /* the child continued as new */
        cJSON_Delete(pending);
        st = stc_sim_run(child, NULL);
    }
    int rc;
    if (st == STC_SIM_SUCCEEDED) {
        *result = svc_execution_json(callee, call, child_input, o.start_time_ms,
                                     stc_sim_time(child), "SUCCEEDED", stc_sim_output(child),
                                     NULL, NULL);
        rc = STC_TASK_OK;
    } else if (stc_sim_status_failed(st)) {
        rc = svc_child_failed(svc_execution_json(callee, call, child_input, o.start_time_ms,
                                                 stc_sim_time(child), stc_sim_status_name(st), NULL,
                                                 stc_sim_error(child), stc_sim_cause(child)),
                              error, cause);
    } else {
        *error = stc_xasprintf("in the nested workflow %s: %s", callee,
                               stc_sim_message(child) ? stc_sim_message(child) : "stopped");
        rc = STC_TASK_ABORT;
    }
    stc_sim_free(child);
    return rc;
}

static int svc_function(stc_svcmode *sm, stc_sim *counter, const char *fn, const char *resource,
                        const cJSON *input, cJSON **result, char **error, char **cause)
{
    bool wrapped = resource && strcmp(resource, SVC_LAMBDA_INVOKE) == 0;
    const cJSON *payload = wrapped ? cJSON_GetObjectItemCaseSensitive(input, "Payload") : input;
    unsigned call = stc_sim_call_index(counter, fn);
    char *rid = svc_request_id(fn, call);
    stc_mock_entry e;
    cJSON *value = NULL;
    char *err_name = NULL, *message = NULL;
    int rc = STC_TASK_OK;
    if (sm->opt.mocks && stc_mocks_get(sm->opt.mocks, fn, call, &e)) {
        if (e.raise) {
            err_name = stc_xstrdup(e.raise);
            message = stc_xstrdup(e.cause ? e.cause : "");
            rc = STC_TASK_FAILED;
        } else {
            value = e.ret ? cJSON_Duplicate(e.ret, true) : cJSON_CreateNull();
        }
    } else if (sm->opt.local || sm->opt.call) {
        int got = sm->opt.local ? stc_pyrun_call(sm->opt.local, fn, payload, &value, &err_name, &message)
                                : sm->opt.call(sm->opt.call_ctx, fn, payload, &value, &err_name, &message);
        switch (got) {
        case STC_PYRUN_OK: break;
        case STC_PYRUN_RAISED: rc = STC_TASK_FAILED; break;
        default: rc = STC_TASK_ABORT; break;
        }
    } else {
        *error = stc_xasprintf("no mock for %s; add '%s:' to the mocks file, or give --run-local "
                               "to run the real method",
                               fn, fn);
        free(rid);
        return STC_TASK_ABORT;
    }
    if (rc == STC_TASK_OK) {
        *result = wrapped ? svc_lambda_result(value, rid) : value;
    } else if (rc == STC_TASK_FAILED) {
        *error = err_name;
        *cause = wrapped ? svc_lambda_cause(err_name, message, rid) : stc_xstrdup(message);
        err_name = NULL;
    } else {
        *error = err_name;
        err_name = NULL;
    }
    free(err_name);
    free(message);
    free(rid);
    return rc;
}

static int svc_workflow(stc_svcmode *sm, stc_sim *sim, stc_sim *counter, const char *callee,
                        const cJSON *input, cJSON **result, char **error, char **cause)
{
    const cJSON *child_input = cJSON_GetObjectItemCaseSensitive(input, "Input");
    unsigned call = stc_sim_call_index(counter, callee);
    stc_mock_entry e;
    if (sm->opt.mocks && stc_mocks_get(sm->opt.mocks, callee, call, &e)) {
        int64_t now = stc_sim_time(sim);
        if (e.raise)
            return svc_child_failed(svc_execution_json(callee, call, child_input, now, now,
                                                       "FAILED", NULL, e.raise,
                                                       e.cause ? e.cause : ""),
                                    error, cause);
        cJSON *null = cJSON_CreateNull();
        *result = svc_execution_json(callee, call, child_input, now, now, "SUCCEEDED",
                                     e.ret ? e.ret : null, NULL, NULL);
        cJSON_Delete(null);
        return STC_TASK_OK;
    }
    return svc_run_child(sm, sim, counter, callee, call, child_input, result, error, cause);
}

static int svc_restart(stc_svcmode *sm, stc_sim *sim, const char *name, const cJSON *input,
                       cJSON **result)
{
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(input, "Input");
    const char *given = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(input, "Name"));
    stc_svcmode_clear_restart(sm);
    sm->restart_input = next ? cJSON_Duplicate(next, true) : cJSON_CreateObject();
    cJSON *r = cJSON_CreateObject();
    unsigned n = stc_sim_call_index(sim, "continue-as-new") + 1;
    char *arn = given ? stc_xasprintf("arn:aws:states:" SVC_REGION_ACCOUNT ":execution:%s:%s",
                                      name, given)
                      : stc_xasprintf("arn:aws:states:" SVC_REGION_ACCOUNT
                                      ":execution:%s:continued-%u",
                                      name, n);
    cJSON_AddStringToObject(r, "ExecutionArn", arn);
    free(arn);
    cJSON_AddNumberToObject(r, "StartDate", (double)stc_sim_time(sim));
    *result = r;
    return STC_TASK_OK;
}

int stc_svcmode_task(void *ctx, stc_sim *sim, const char *state_name, const char *resource,
                     const cJSON *input, cJSON **result, char **error, char **cause)
{
    stc_svcmode *sm = ctx;
    stc_sim *counter = sm->counter_sim ? sm->counter_sim : sim;
    const stc_wf_state *st = sm->wf ? stc_workflow_state(sm->wf, state_name) : NULL;
    stc_wf_call kind = st ? st->call : STC_WF_CALL_NONE;
    if (kind == STC_WF_CALL_FUNCTION && st->callee)
        return svc_function(sm, counter, st->callee, resource, input, result, error, cause);
    if (kind == STC_WF_CALL_WORKFLOW && st->callee)
        return svc_workflow(sm, sim, counter, st->callee, input, result, error, cause);
    if (kind == STC_WF_CALL_RESTART)
        return svc_restart(sm, sim, sm->wf->method ? sm->wf->method->name : "workflow", input,
                           result);
    /* not from the compiler: the plain ASL rule, mocks by state name */
    if (sm->opt.mocks)
        return stc_mocks_task_handler((void *)sm->opt.mocks, counter, state_name, resource, input,
                                      result, error, cause);
    *error = stc_xasprintf("no mock for Task state '%s'", state_name);
    return STC_TASK_ABORT;
}
