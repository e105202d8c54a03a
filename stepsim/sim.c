/* sim.c - the stepping interpreter (see sim.h).
 *
 * The execution is a tree of flows: the root flow runs the machine; a
 * Parallel state or a Map state, when entered, gives its flow one child flow
 * per branch or iteration and waits for them. Undo keeps, per step, a deep
 * copy of everything a step can change (the flow tree, counters, generator,
 * call counts) plus the history length.
 */
#include "stepsim/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stepsim/choice.h"
#include "stepsim/intrinsic.h"
#include "stepsim/io.h"
#include "stepsim/jexpr.h"
#include "stepsim/jsonpath.h"
#include "stepsim/rterr.h"

static const char *const EVENT_NAMES[] = {
#define X(id, name) name,
    STC_SIM_EVENTS(X)
#undef X
};

const char *stc_sim_event_type_name(stc_sim_event_type t)
{
    return (size_t)t < STC_ARRAY_LEN(EVENT_NAMES) ? EVENT_NAMES[t] : "?";
}

const char *stc_sim_status_name(stc_sim_status s)
{
    switch (s) {
    case STC_SIM_READY: return "READY";
    case STC_SIM_RUNNING: return "RUNNING";
    case STC_SIM_SUCCEEDED: return "SUCCEEDED";
    case STC_SIM_FAILED: return "FAILED";
    case STC_SIM_TIMED_OUT: return "TIMED_OUT";
    case STC_SIM_ERROR: return "ERROR";
    }
    return "?";
}

bool stc_sim_status_failed(stc_sim_status s)
{
    return s == STC_SIM_FAILED || s == STC_SIM_TIMED_OUT;
}

enum { PH_ENTER, PH_RETRY, PH_CHILDREN };
enum { F_RUNNING, F_SUCCEEDED, F_FAILED };
enum { K_ROOT, K_BRANCH, K_ITERATION };

typedef struct flow flow;
struct flow {
    const stc_machine *m;
    int state;    /* current state index */
    int phase;
    cJSON *input; /* raw input of the current state */
    int64_t time;
    cJSON *vars;  /* variables of this scope (object) */
    size_t var_bytes; /* their size as JSON text, for AWS's limits */
    flow *parent;
    int kind, index;
    char *label;  /* "" / "Par[1]" ... */
    int done;
    cJSON *output;
    stc_rterr err;
    /* the current state's entry */
    int64_t entered_time;
    long entered_event;
    int *retry_counts;
    size_t nretry;
    int retry_total;
    /* Parallel/Map children */
    flow **kids;
    size_t nkids;
    size_t next_item, finished, failed;
    cJSON *effective; /* Parallel/Map: input after InputPath (and Parameters) */
    cJSON *items;     /* Map items */
    long max_conc;
    bool tol_set;
    double tol_count, tol_pct;
};

typedef struct snapshot {
    flow *root;
    size_t nevents;
    long transitions;
    long next_event;
    stc_rng rng;
    cJSON *calls;
    stc_sim_status status;
    stc_rterr err;
    char *message;
    cJSON *last_output;
} snapshot;

struct stc_sim {
    const stc_machine *m;
    stc_sim_options opts;
    stc_jenv *jenv; /* JSONata's evaluator and functions (machines with JSONata states) */
    char *exec_name, *sm_name, *sm_id, *exec_id;
    cJSON *exec_input;
    cJSON *exec_ctx; /* {"Id","Input","Name","RoleArn","StartTime","RedriveCount"} */
    int64_t deadline_ms; /* the execution times out at this virtual time; 0: never */
    cJSON *sm_ctx;   /* {"Id","Name"} */
    /* mutable state (snapshotted) */
    flow *root;
    long transitions;
    long next_event;
    stc_rng rng;
    cJSON *calls;
    stc_sim_status status;
    stc_rterr err;
    char *message;
    cJSON *last_output; /* owned; superseded by last_ref when that is set */
    const cJSON *last_ref; /* borrowed: the input of the flow's next state */
    /* history */
    stc_sim_event *events;
    size_t nevents, cap;
    snapshot *snaps;
    size_t nsnaps, snapcap;
    size_t steps;
};

/* ---- flows ---- */

static void flow_free(flow *f)
{
    if (!f)
        return;
    cJSON_Delete(f->input);
    cJSON_Delete(f->vars);
    cJSON_Delete(f->output);
    cJSON_Delete(f->effective);
    cJSON_Delete(f->items);
    stc_rterr_clear(&f->err);
    free(f->label);
    free(f->retry_counts);
    for (size_t i = 0; i < f->nkids; i++)
        flow_free(f->kids[i]);
    free(f->kids);
    free(f);
}

static cJSON *dup(const cJSON *v)
{
    return v ? cJSON_Duplicate(v, true) : NULL;
}

static char *dupstr(const char *s)
{
    return s ? stc_xstrdup(s) : NULL;
}

static flow *flow_clone(const flow *f, flow *parent)
{
    flow *c = stc_xmalloc(sizeof *c);
    *c = *f;
    c->parent = parent;
    c->input = dup(f->input);
    c->vars = dup(f->vars);
    c->output = dup(f->output);
    c->effective = dup(f->effective);
    c->items = dup(f->items);
    c->err.error = dupstr(f->err.error);
    c->err.cause = dupstr(f->err.cause);
    c->label = dupstr(f->label);
    c->retry_counts = NULL;
    if (f->nretry) {
        c->retry_counts = stc_xmalloc(f->nretry * sizeof(int));
        memcpy(c->retry_counts, f->retry_counts, f->nretry * sizeof(int));
    }
    c->kids = NULL;
    if (f->nkids) {
        c->kids = stc_xmalloc(f->nkids * sizeof *c->kids);
        for (size_t i = 0; i < f->nkids; i++)
            c->kids[i] = f->kids[i] ? flow_clone(f->kids[i], c) : NULL;
    }
    return c;
}

static flow *flow_new(const stc_machine *m, cJSON *input, int64_t time, flow *parent, int kind,
                      int index, char *label)
{
    flow *f = stc_xcalloc(1, sizeof *f);
    f->m = m;
    f->state = m->start;
    f->phase = PH_ENTER;
    f->input = input;
    f->time = time;
    f->vars = cJSON_CreateObject();
    f->parent = parent;
    f->kind = kind;
    f->index = index;
    f->label = label;
    return f;
}

static const stc_state *cur(const flow *f)
{
    return &f->m->states[f->state];
}

/* ---- events ---- */

/* Returns the new event's id. With history off only the id is counted and
 * `details` (consumed) is dropped. */
static long emit(stc_sim *sim, flow *f, stc_sim_event_type type, const char *state,
                 cJSON *details)
{
    /* AWS's history has no retry event: ours takes no id */
    bool numbered = type != STC_EV_STATE_RETRY;
    if (!sim->opts.history) {
        cJSON_Delete(details);
        return numbered ? ++sim->next_event : 0;
    }
    if (sim->nevents == sim->cap) {
        sim->cap = sim->cap ? sim->cap * 2 : 64;
        sim->events = stc_xrealloc(sim->events, sim->cap * sizeof *sim->events);
    }
    stc_sim_event *ev = &sim->events[sim->nevents++];
    ev->id = numbered ? ++sim->next_event : 0;
    ev->type = type;
    ev->time_ms = f ? f->time : sim->opts.start_time_ms;
    ev->state = dupstr(state);
    ev->flow = stc_xstrdup(f && f->label ? f->label : "");
    ev->details = details ? details : cJSON_CreateObject();
    return ev->id;
}

/* Details {key: copy of v}; NULL (nothing copied) with history off. */
static cJSON *d_one(const stc_sim *sim, const char *key, const cJSON *v)
{
    if (!sim->opts.history)
        return NULL;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, key, v ? cJSON_Duplicate(v, true) : cJSON_CreateNull());
    return d;
}

static cJSON *d_err(const char *error, const char *cause)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "error", error ? cJSON_CreateString(error) : cJSON_CreateNull());
    cJSON_AddItemToObject(d, "cause", cause ? cJSON_CreateString(cause) : cJSON_CreateNull());
    return d;
}

static void event_free(stc_sim_event *ev)
{
    free(ev->state);
    free(ev->flow);
    cJSON_Delete(ev->details);
}

/* ---- context object ---- */

/* The context object ($$) of one evaluation, built on first use only: most
 * states never read `$$`, and building it costs a timestamp and a small tree.
 * The flow's fields are copied at ctx_init, so a late build sees the values
 * of the moment the state's evaluation began. */
typedef struct lazy_ctx {
    stc_sim *sim;
    flow *f;                /* the flow whose variables `$name` reads */
    const char *state_name; /* borrowed from the machine */
    int64_t entered_time;
    long entered_event;
    int retry_total;
    const cJSON *map_item; /* borrowed; NULL: no $$.Map */
    int map_index;
    bool task;
    cJSON *built; /* owned; NULL until $$ is read */
} lazy_ctx;

static void ctx_init(lazy_ctx *c, stc_sim *sim, flow *f, const cJSON *map_item,
                     int map_index, bool task)
{
    c->sim = sim;
    c->f = f;
    c->state_name = cur(f)->name;
    c->entered_time = f->entered_time;
    c->entered_event = f->entered_event;
    c->retry_total = f->retry_total;
    c->map_item = map_item;
    c->map_index = map_index;
    c->task = task;
    c->built = NULL;
}

static void ctx_done(lazy_ctx *c)
{
    cJSON_Delete(c->built);
    c->built = NULL;
}

static const cJSON *ctx_get(lazy_ctx *c)
{
    if (c->built)
        return c->built;
    stc_sim *sim = c->sim;
    cJSON *ctx = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(ctx, "Execution", sim->exec_ctx);
    cJSON_AddItemReferenceToObject(ctx, "StateMachine", sim->sm_ctx);
    cJSON *st = cJSON_AddObjectToObject(ctx, "State");
    char ts[40];
    stc_timestamp_format(c->entered_time, ts, sizeof ts);
    cJSON_AddStringToObject(st, "EnteredTime", ts);
    cJSON_AddStringToObject(st, "Name", c->state_name);
    cJSON_AddNumberToObject(st, "RetryCount", c->retry_total);
    if (c->task) {
        cJSON *t = cJSON_AddObjectToObject(ctx, "Task");
        char tok[64];
        snprintf(tok, sizeof tok, "stc-sim-task-token-%ld", c->entered_event);
        cJSON_AddStringToObject(t, "Token", tok);
    }
    if (c->map_item) {
        cJSON *m = cJSON_AddObjectToObject(ctx, "Map");
        cJSON *item = cJSON_AddObjectToObject(m, "Item");
        cJSON_AddNumberToObject(item, "Index", c->map_index);
        cJSON_AddItemReferenceToObject(item, "Value", (cJSON *)c->map_item);
    }
    c->built = ctx;
    return ctx;
}

/* `$name` from the flow's variables (inner flows see their parents'), and
 * `$$` (name NULL, see stepsim/jsonpath.h) from the lazy context. */
static const cJSON *lookup_var(void *ud, const char *name)
{
    lazy_ctx *c = ud;
    if (!name)
        return ctx_get(c);
    for (const flow *f = c->f; f; f = f->parent) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(f->vars, name);
        if (v)
            return v;
    }
    return NULL;
}

/* A scope over `input` for the flow of `ctx`. */
static stc_scope scope(const cJSON *input, lazy_ctx *ctx)
{
    stc_scope sc = {input, NULL, lookup_var, ctx};
    return sc;
}

/* ---- errors ---- */

/* Errors the simulator raises itself carry AWS's prefix. */
static void prefix_cause(flow *f, stc_rterr *e)
{
    char *c = stc_xasprintf("An error occurred while executing the state '%s' (entered at the "
                            "event id #%ld). %s",
                            cur(f)->name, f->entered_event, e->cause ? e->cause : "");
    free(e->cause);
    e->cause = c;
}

/* Whether a Retry or Catch entry's error name `pattern` matches the error
 * `name`. States.Runtime is never caught nor retried, not even by its own
 * name: AWS always fails the execution with it. (States.DataLimitExceeded
 * is caught like any other error: the recorded executions catch it with
 * States.ALL.) */
static bool error_matches(const char *name, const char *pattern)
{
    if (name && !strcmp(name, "States.Runtime"))
        return false;
    if (!strcmp(pattern, "States.ALL"))
        return true;
    if (!strcmp(pattern, "States.TaskFailed"))
        return !(name && (!strcmp(name, "States.Timeout") ||
                          !strcmp(name, "States.HeartbeatTimeout")));
    return name && !strcmp(name, pattern);
}

static bool list_matches(const cJSON *node, const char *name)
{
    const cJSON *ee = cJSON_GetObjectItemCaseSensitive(node, "ErrorEquals");
    for (const cJSON *e = ee ? ee->child : NULL; e; e = e->next)
        if (cJSON_IsString(e) && error_matches(name, e->valuestring))
            return true;
    return false;
}

static double num_field(const cJSON *node, const char *key, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* ---- transitions ---- */

static void flow_finished(stc_sim *sim, flow *f);
static void finish_state(stc_sim *sim, flow *f, cJSON *out, cJSON *pending, int next);
static int catch_jsonata(stc_sim *sim, flow *f, size_t i, cJSON *eo, cJSON **out,
                         cJSON **pending, stc_rterr *e);

static stc_sim_event_type exited_event(stc_state_type t)
{
    switch (t) {
    case STC_STATE_PASS: return STC_EV_PASS_EXITED;
    case STC_STATE_TASK: return STC_EV_TASK_EXITED;
    case STC_STATE_CHOICE: return STC_EV_CHOICE_EXITED;
    case STC_STATE_WAIT: return STC_EV_WAIT_EXITED;
    case STC_STATE_SUCCEED: return STC_EV_SUCCEED_EXITED;
    case STC_STATE_PARALLEL: return STC_EV_PARALLEL_EXITED;
    case STC_STATE_MAP: return STC_EV_MAP_EXITED;
    default: return STC_EV_PASS_EXITED;
    }
}

static stc_sim_event_type entered_event(stc_state_type t)
{
    switch (t) {
    case STC_STATE_PASS: return STC_EV_PASS_ENTERED;
    case STC_STATE_TASK: return STC_EV_TASK_ENTERED;
    case STC_STATE_CHOICE: return STC_EV_CHOICE_ENTERED;
    case STC_STATE_WAIT: return STC_EV_WAIT_ENTERED;
    case STC_STATE_SUCCEED: return STC_EV_SUCCEED_ENTERED;
    case STC_STATE_FAIL: return STC_EV_FAIL_ENTERED;
    case STC_STATE_PARALLEL: return STC_EV_PARALLEL_ENTERED;
    case STC_STATE_MAP: return STC_EV_MAP_ENTERED;
    }
    return STC_EV_PASS_ENTERED;
}

static void set_last_output(stc_sim *sim, const cJSON *out)
{
    cJSON_Delete(sim->last_output);
    sim->last_output = dup(out);
    sim->last_ref = NULL;
}

/* The output becomes the flow's next input: borrow it instead of copying
 * (own_last_output copies it before that flow can be freed). */
static void borrow_last_output(stc_sim *sim, const cJSON *out)
{
    cJSON_Delete(sim->last_output);
    sim->last_output = NULL;
    sim->last_ref = out;
}

static void own_last_output(stc_sim *sim)
{
    if (sim->last_ref) {
        cJSON_Delete(sim->last_output);
        sim->last_output = dup(sim->last_ref);
        sim->last_ref = NULL;
    }
}

/* Leave the current state with `output` (consumed): go to `next` or end. */
static void transition(stc_sim *sim, flow *f, cJSON *output, int next, bool exited_event_too)
{
    const stc_state *st = cur(f);
    if (exited_event_too)
        emit(sim, f, exited_event(st->type), st->name, d_one(sim, "output", output));
    if (next >= 0)
        borrow_last_output(sim, output);
    else
        set_last_output(sim, output);
    free(f->retry_counts);
    f->retry_counts = NULL;
    f->nretry = 0;
    f->retry_total = 0;
    if (next >= 0) {
        cJSON_Delete(f->input);
        f->input = output;
        f->state = next;
        f->phase = PH_ENTER;
    } else {
        f->done = F_SUCCEEDED;
        f->output = output;
        flow_finished(sim, f);
    }
}

static void flow_fail(stc_sim *sim, flow *f, stc_rterr *e)
{
    f->done = F_FAILED;
    stc_rterr_move(&f->err, e);
    flow_finished(sim, f);
}

/* Evaluate Assign `as` (the Assign field of a state, Choices entry or Catch
 * entry; NULL: none) with `$` = value. The new values are not set yet: every
 * expression of a state (Assign, ResultPath, OutputPath) reads the variables
 * as they were when the state began, so apply_assign() sets them once the
 * output is known. *pending is NULL when there is nothing to assign. */
static int eval_assign(stc_sim *sim, const cJSON *as, const cJSON *value, lazy_ctx *ctx,
                       cJSON **pending, stc_rterr *err)
{
    *pending = NULL;
    if (!as)
        return 0;
    stc_scope sc = scope(value, ctx);
    return stc_io_template(as, &sc, &sim->rng, pending, err);
}

/* Bytes of the variables of flow f and every flow below it. */
static size_t vars_bytes_below(const flow *f)
{
    size_t n = f->var_bytes;
    for (size_t i = 0; i < f->nkids; i++)
        if (f->kids[i])
            n += vars_bytes_below(f->kids[i]);
    return n;
}

/* Set the variables of `pending` (consumed; NULL: nothing) in flow f, within
 * AWS's limits: 256 KiB for one variable and for all the values of one
 * Assign, 10 MiB for all the variables of the execution. */
static int apply_assign(stc_sim *sim, flow *f, cJSON *pending, stc_rterr *err)
{
    if (!pending)
        return 0;
    const size_t one = STC_IO_PAYLOAD_LIMIT, total_max = (size_t)10 * 1024 * 1024;
    size_t sum = 0, freed = 0;
    for (const cJSON *c = pending->child; c; c = c->next) {
        size_t n = stc_io_json_size(c, one);
        if (n > one) {
            stc_rterr_set(err, "States.DataLimitExceeded",
                          "The value assigned to the variable '%s' is larger than the 256 KiB a "
                          "variable may hold",
                          c->string);
            cJSON_Delete(pending);
            return -1;
        }
        sum += n;
        const cJSON *old = cJSON_GetObjectItemCaseSensitive(f->vars, c->string);
        if (old)
            freed += stc_io_json_size(old, SIZE_MAX);
    }
    if (sum > one) {
        cJSON_Delete(pending);
        return stc_rterr_set(err, "States.DataLimitExceeded",
                             "The values of one Assign field add up to more than 256 KiB (%zu "
                             "bytes)",
                             sum);
    }
    size_t total = vars_bytes_below(sim->root) - freed + sum;
    if (total > total_max) {
        cJSON_Delete(pending);
        return stc_rterr_set(err, "States.DataLimitExceeded",
                             "The variables of the execution would hold more than 10 MiB (%zu "
                             "bytes)",
                             total);
    }
    f->var_bytes = f->var_bytes - freed + sum;
    for (cJSON *c = pending->child; c;) {
        cJSON *next = c->next;
        cJSON *item = cJSON_DetachItemViaPointer(pending, c);
        cJSON *old = cJSON_GetObjectItemCaseSensitive(f->vars, item->string);
        if (old)
            cJSON_ReplaceItemViaPointer(f->vars, old, item);
        else
            cJSON_AddItemToObject(f->vars, item->string, item);
        c = next;
    }
    cJSON_Delete(pending);
    return 0;
}

/* States.DataLimitExceeded when `v`, which the state `who` returned (or, with
 * `params`, was given), is larger than 256 KiB. */
static int check_payload(const cJSON *v, const char *who, bool params, stc_rterr *err)
{
    if (stc_io_json_size(v, STC_IO_PAYLOAD_LIMIT) <= STC_IO_PAYLOAD_LIMIT)
        return 0;
    return stc_rterr_set(err, "States.DataLimitExceeded",
                         "The state/task '%s' %s with a size exceeding the maximum number of "
                         "bytes service limit.",
                         who, params ? "provided parameters" : "returned a result");
}

/* How AWS names a Task in a DataLimitExceeded cause: the service of an
 * integration ("lambda" for arn:aws:states:::lambda:invoke, "aws-sdk:s3"
 * for ...:aws-sdk:s3:getObject), else the resource ARN itself. */
static char *task_who(const char *resource)
{
    static const char pre[] = "arn:aws:states:::";
    if (strncmp(resource, pre, sizeof pre - 1) != 0)
        return stc_xstrdup(resource);
    const char *r = resource + sizeof pre - 1;
    size_t n = strcspn(r, "."); /* without .sync, .waitForTaskToken */
    const char *colon = NULL;
    for (const char *p = r; p < r + n; p++)
        if (*p == ':')
            colon = p;
    return stc_xstrndup(r, colon ? (size_t)(colon - r) : n);
}

/* A Task/Parallel/Map state failed with `e` (consumed): retry, catch, or fail
 * the flow. `internal` errors get AWS's cause prefix. */
static void state_error(stc_sim *sim, flow *f, stc_rterr *e, bool internal)
{
    const stc_state *st = cur(f);
    if (internal && e->error && !strncmp(e->error, "States.", 7))
        prefix_cause(f, e);
    bool retryable = st->type == STC_STATE_TASK || st->type == STC_STATE_PARALLEL ||
                     st->type == STC_STATE_MAP;
    if (retryable) {
        const cJSON *retry = cJSON_GetObjectItemCaseSensitive(st->def, "Retry");
        if (retry && !f->retry_counts) {
            f->nretry = (size_t)cJSON_GetArraySize(retry);
            f->retry_counts = stc_xcalloc(f->nretry ? f->nretry : 1, sizeof(int));
        }
        size_t i = 0;
        for (const cJSON *r = retry ? retry->child : NULL; r; r = r->next, i++) {
            if (!list_matches(r, e->error))
                continue;
            int max = (int)num_field(r, "MaxAttempts", 3);
            if (f->retry_counts[i] >= max)
                break;
            double interval = num_field(r, "IntervalSeconds", 1);
            double backoff = num_field(r, "BackoffRate", 2.0);
            double delay = interval * pow(backoff, f->retry_counts[i]);
            const cJSON *maxd = cJSON_GetObjectItemCaseSensitive(r, "MaxDelaySeconds");
            if (cJSON_IsNumber(maxd) && delay > maxd->valuedouble)
                delay = maxd->valuedouble;
            const cJSON *jit = cJSON_GetObjectItemCaseSensitive(r, "JitterStrategy");
            if (cJSON_IsString(jit) && !strcmp(jit->valuestring, "FULL"))
                delay = delay * (double)(stc_rng_next(&sim->rng) >> 11) / 9007199254740992.0;
            f->retry_counts[i]++;
            f->retry_total++;
            int64_t ms = (int64_t)llround(delay * 1000.0);
            cJSON *d = d_err(e->error, e->cause);
            cJSON_AddNumberToObject(d, "attempt", f->retry_total);
            cJSON_AddNumberToObject(d, "delaySeconds", (double)ms / 1000.0);
            emit(sim, f, STC_EV_STATE_RETRY, st->name, d);
            f->time += ms;
            f->phase = PH_RETRY;
            stc_rterr_clear(e);
            return;
        }
        const cJSON *catch = cJSON_GetObjectItemCaseSensitive(st->def, "Catch");
        i = 0;
        for (const cJSON *c = catch ? catch->child : NULL; c; c = c->next, i++) {
            if (!list_matches(c, e->error))
                continue;
            cJSON *eo = cJSON_CreateObject();
            if (e->error)
                cJSON_AddStringToObject(eo, "Error", e->error);
            if (e->cause)
                cJSON_AddStringToObject(eo, "Cause", e->cause);
            stc_rterr e2 = STC_RTERR_INIT;
            cJSON *out = NULL, *pending = NULL;
            int rc;
            if (st->jsonata) {
                rc = catch_jsonata(sim, f, i, eo, &out, &pending, &e2);
            } else {
                lazy_ctx ctx;
                ctx_init(&ctx, sim, f, NULL, 0, false);
                rc = eval_assign(sim, cJSON_GetObjectItemCaseSensitive(c, "Assign"), eo, &ctx,
                                 &pending, &e2);
                ctx_done(&ctx);
                if (rc == 0)
                    rc = stc_io_result_path(c, f->input, eo, &out, &e2);
                else
                    cJSON_Delete(eo);
            }
            if (rc == 0) {
                rc = apply_assign(sim, f, pending, &e2);
                pending = NULL;
            }
            cJSON_Delete(pending);
            stc_rterr_clear(e);
            if (rc < 0) {
                cJSON_Delete(out);
                prefix_cause(f, &e2);
                flow_fail(sim, f, &e2);
                return;
            }
            /* an output over the limit fails the execution here: the
             * catcher's own output cannot be caught again */
            if (check_payload(out, st->name, false, &e2) < 0) {
                cJSON_Delete(out);
                flow_fail(sim, f, &e2);
                return;
            }
            transition(sim, f, out, st->catch_next[i], true);
            return;
        }
    }
    flow_fail(sim, f, e);
}

/* The last part of every state that goes on: the output `out` (consumed)
 * within the payload limit, then the variables of `pending` (consumed) set,
 * then the transition to `next` (-1: the end of the flow). */
static void finish_state(stc_sim *sim, flow *f, cJSON *out, cJSON *pending, int next)
{
    stc_rterr e = STC_RTERR_INIT;
    if (check_payload(out, cur(f)->name, false, &e) < 0) {
        cJSON_Delete(out);
        cJSON_Delete(pending);
        state_error(sim, f, &e, false);
        return;
    }
    if (apply_assign(sim, f, pending, &e) < 0) {
        cJSON_Delete(out);
        state_error(sim, f, &e, true);
        return;
    }
    transition(sim, f, out, next, true);
}

/* ---- JSONata states ---- */

static const cJSON *jctx_cb(void *ud)
{
    return ctx_get(ud);
}

static const cJSON *jvar_cb(void *ud, const char *name)
{
    return name ? lookup_var(ud, name) : NULL;
}

/* The scope of the expressions of f's state: $states.input is `input` (the
 * raw state input, or for a Map's ItemSelector the Map's), $states.context
 * and the variables come from ctx; $now() is the flow's virtual time. */
static void jscope(stc_jscope *js, stc_sim *sim, flow *f, lazy_ctx *ctx, const cJSON *input)
{
    stc_jscope_init(js);
    js->input = input;
    js->context = jctx_cb;
    js->lookup_var = jvar_cb;
    js->ud = ctx;
    js->now_ms = f->time;
    /* $shuffle's seed: a function of the run's seed and the state's entry,
     * so a run (and a step back and forth) repeats */
    stc_rng r = {sim->opts.seed ^ ((uint64_t)f->entered_event * UINT64_C(0x9E3779B97F4A7C15))};
    js->seed = stc_rng_next(&r) | 1;
    js->rng = &sim->rng;
}

static int jeval(stc_sim *sim, const stc_jtmpl *t, stc_jscope *js, cJSON **out, stc_rterr *e)
{
    return stc_jtmpl_eval(sim->jenv, t, js, out, e);
}

/* A number field of a JSONata state (a literal or an expression): an
 * integer >= min unless `fraction` (then a number in [min, 100]). */
static int jnumber(stc_sim *sim, const stc_jtmpl *t, stc_jscope *js, bool fraction, double min,
                   double *out, stc_rterr *e)
{
    cJSON *v = NULL;
    if (jeval(sim, t, js, &v, e) < 0)
        return -1;
    if (!cJSON_IsNumber(v)) {
        stc_jtmpl_type_error(t, "number", v, e);
        cJSON_Delete(v);
        return -1;
    }
    double d = v->valuedouble;
    cJSON_Delete(v);
    const char *field = stc_jtmpl_field(t);
    if (fraction ? (d < min || d > 100) : (d < min || d != floor(d))) {
        char nb[32];
        stc_number_format(d, nb);
        return stc_rterr_set(e, "States.QueryEvaluationError",
                             "The value of the field '%s' must be %s, but was %s", field,
                             fraction ? "a number between 0 and 100"
                             : min > 0 ? "a positive integer"
                                       : "a non-negative integer",
                             nb);
    }
    *out = d;
    return 0;
}

/* Complete a JSONata Task/Parallel/Map state from its raw `result`
 * (consumed): Assign and Output both read $states.result and the variables
 * of the state's entry; the output is Output, else the result. */
static void complete_jsonata(stc_sim *sim, flow *f, cJSON *result, lazy_ctx *ctx)
{
    const stc_state *st = cur(f);
    stc_rterr e = STC_RTERR_INIT;
    stc_jscope js;
    jscope(&js, sim, f, ctx, f->input);
    js.result = result;
    cJSON *out = NULL, *pending = NULL;
    int rc = 0;
    if (st->j.assign)
        rc = jeval(sim, st->j.assign, &js, &pending, &e);
    if (rc == 0 && st->j.output)
        rc = jeval(sim, st->j.output, &js, &out, &e);
    stc_jscope_done(&js);
    if (rc < 0) {
        cJSON_Delete(out);
        cJSON_Delete(pending);
        cJSON_Delete(result);
        state_error(sim, f, &e, true);
        return;
    }
    if (st->j.output)
        cJSON_Delete(result);
    else
        out = result;
    finish_state(sim, f, out, pending, st->next);
}

/* A JSONata Catch entry i caught the error output `eo` (consumed): its Assign
 * and Output read $states.errorOutput and $states.input. *out is Output,
 * else the error output. */
static int catch_jsonata(stc_sim *sim, flow *f, size_t i, cJSON *eo, cJSON **out,
                         cJSON **pending, stc_rterr *e)
{
    const stc_state *st = cur(f);
    lazy_ctx ctx;
    ctx_init(&ctx, sim, f, NULL, 0, false);
    stc_jscope js;
    jscope(&js, sim, f, &ctx, f->input);
    js.error_output = eo;
    *out = *pending = NULL;
    int rc = 0;
    if (st->j.catch_assign[i])
        rc = jeval(sim, st->j.catch_assign[i], &js, pending, e);
    if (rc == 0 && st->j.catch_output[i])
        rc = jeval(sim, st->j.catch_output[i], &js, out, e);
    stc_jscope_done(&js);
    ctx_done(&ctx);
    if (rc == 0 && !st->j.catch_output[i]) {
        *out = eo;
        eo = NULL;
    }
    cJSON_Delete(eo);
    return rc;
}

/* Complete a Pass/Task/Parallel/Map state from its raw `result` (consumed):
 * ResultSelector, Assign, ResultPath, OutputPath, then go on. */
static void complete_state(stc_sim *sim, flow *f, cJSON *result, bool selector, lazy_ctx *ctx)
{
    const stc_state *st = cur(f);
    if (st->jsonata) {
        complete_jsonata(sim, f, result, ctx);
        return;
    }
    stc_rterr e = STC_RTERR_INIT;
    const cJSON *rs = selector ? st->f.result_selector : NULL;
    if (rs) {
        stc_scope sc = scope(result, ctx);
        cJSON *sel = NULL;
        if (stc_io_template(rs, &sc, &sim->rng, &sel, &e) < 0) {
            cJSON_Delete(result);
            state_error(sim, f, &e, true);
            return;
        }
        cJSON_Delete(result);
        result = sel;
    }
    cJSON *pending = NULL;
    if (eval_assign(sim, st->f.assign, result, ctx, &pending, &e) < 0) {
        cJSON_Delete(result);
        state_error(sim, f, &e, true);
        return;
    }
    cJSON *withres = NULL;
    if (stc_io_result_path_at(st->f.result_path, f->input, result, &withres, &e) < 0) {
        cJSON_Delete(pending);
        state_error(sim, f, &e, true);
        return;
    }
    stc_scope sc = scope(withres, ctx);
    const cJSON *out;
    cJSON *out_own;
    if (stc_io_path_ref(st->f.output_path, "OutputPath", &sc, &out, &out_own, &e) < 0) {
        cJSON_Delete(pending);
        cJSON_Delete(withres);
        state_error(sim, f, &e, true);
        return;
    }
    /* without OutputPath the output is `withres` itself: hand it on */
    if (out_own)
        cJSON_Delete(withres);
    else
        out_own = withres;
    finish_state(sim, f, out_own, pending, st->next);
}

/* ---- Parallel and Map ---- */

static char *child_label(const flow *f, int index)
{
    if (f->label && *f->label)
        return stc_xasprintf("%s/%s[%d]", f->label, cur(f)->name, index);
    return stc_xasprintf("%s[%d]", cur(f)->name, index);
}

static void free_kids(stc_sim *sim, flow *f)
{
    own_last_output(sim); /* it may be a kid's input */
    for (size_t i = 0; i < f->nkids; i++)
        flow_free(f->kids[i]);
    free(f->kids);
    f->kids = NULL;
    f->nkids = 0;
}

/* Start Map iteration i; returns -1 with e set when its ItemSelector fails. */
static int start_iteration(stc_sim *sim, flow *f, size_t i, int64_t time, stc_rterr *e)
{
    const stc_state *st = cur(f);
    const cJSON *item = cJSON_GetArrayItem(f->items, (int)i);
    const cJSON *sel = cJSON_GetObjectItemCaseSensitive(st->def, "ItemSelector");
    if (!sel)
        sel = cJSON_GetObjectItemCaseSensitive(st->def, "Parameters");
    cJSON *input;
    if (st->jsonata && st->j.item_selector) {
        /* $states.input is the Map's input, $states.context.Map.Item the item */
        lazy_ctx ctx;
        ctx_init(&ctx, sim, f, item, (int)i, false);
        stc_jscope js;
        jscope(&js, sim, f, &ctx, f->effective);
        int rc = jeval(sim, st->j.item_selector, &js, &input, e);
        stc_jscope_done(&js);
        ctx_done(&ctx);
        if (rc < 0)
            return -1;
    } else if (sel && !st->jsonata) {
        lazy_ctx ctx;
        ctx_init(&ctx, sim, f, item, (int)i, false);
        stc_scope sc = scope(f->effective, &ctx);
        int rc = stc_io_template(sel, &sc, &sim->rng, &input, e);
        ctx_done(&ctx);
        if (rc < 0)
            return -1;
    } else {
        input = dup(item);
    }
    flow *k = flow_new(st->processor, input, time, f, K_ITERATION, (int)i, child_label(f, (int)i));
    f->kids[i] = k;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddNumberToObject(d, "index", (double)i);
    cJSON_AddItemToObject(d, "input", dup(input));
    emit(sim, k, STC_EV_MAP_ITERATION_STARTED, st->name, d);
    return 0;
}

static void abort_kids_and_fail(stc_sim *sim, flow *f, stc_rterr *e)
{
    const stc_state *st = cur(f);
    free_kids(sim, f);
    cJSON_Delete(f->effective);
    f->effective = NULL;
    cJSON_Delete(f->items);
    f->items = NULL;
    f->phase = PH_ENTER;
    emit(sim, f, st->type == STC_STATE_MAP ? STC_EV_MAP_FAILED : STC_EV_PARALLEL_FAILED, st->name,
         d_err(e->error, e->cause));
    f->phase = PH_RETRY; /* a retry re-runs the whole state without re-entering */
    state_error(sim, f, e, false);
}

static int64_t kids_end_time(const flow *f)
{
    int64_t t = f->time;
    for (size_t i = 0; i < f->nkids; i++)
        if (f->kids[i] && f->kids[i]->time > t)
            t = f->kids[i]->time;
    return t;
}

/* Child k of f ended: account for it, maybe finish f's state. */
static void child_done(stc_sim *sim, flow *f, flow *k)
{
    const stc_state *st = cur(f);
    bool is_map = st->type == STC_STATE_MAP;
    f->finished++;
    if (k->done == F_FAILED) {
        if (is_map)
            emit(sim, k, STC_EV_MAP_ITERATION_FAILED, st->name, d_err(k->err.error, k->err.cause));
        f->failed++;
        bool tolerated = false;
        if (is_map && f->tol_set) {
            size_t total = (size_t)cJSON_GetArraySize(f->items);
            tolerated = (double)f->failed <= f->tol_count &&
                        (total == 0 || 100.0 * (double)f->failed / (double)total <= f->tol_pct);
        }
        if (!tolerated) {
            stc_rterr e = STC_RTERR_INIT;
            if (is_map && f->tol_set)
                stc_rterr_set(&e, "States.ExceedToleratedFailureThreshold",
                              "The specified tolerated failure threshold was exceeded");
            else
                stc_rterr_move(&e, &k->err);
            f->time = k->time > f->time ? k->time : f->time;
            abort_kids_and_fail(sim, f, &e);
            return;
        }
    } else if (is_map) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddNumberToObject(d, "index", k->index);
        cJSON_AddItemToObject(d, "output", dup(k->output));
        emit(sim, k, STC_EV_MAP_ITERATION_SUCCEEDED, st->name, d);
    }
    if (is_map && f->next_item < f->nkids) {
        stc_rterr e = STC_RTERR_INIT;
        if (start_iteration(sim, f, f->next_item++, k->time, &e) < 0) {
            abort_kids_and_fail(sim, f, &e);
            return;
        }
    }
    if (f->finished < f->nkids)
        return;
    /* all done */
    f->time = kids_end_time(f);
    cJSON *results = cJSON_CreateArray();
    for (size_t i = 0; i < f->nkids; i++) {
        flow *c = f->kids[i];
        if (c->done == F_SUCCEEDED) {
            cJSON_AddItemToArray(results, c->output);
            c->output = NULL;
        } else {
            cJSON *eo = cJSON_CreateObject();
            if (c->err.error)
                cJSON_AddStringToObject(eo, "Error", c->err.error);
            if (c->err.cause)
                cJSON_AddStringToObject(eo, "Cause", c->err.cause);
            cJSON_AddItemToArray(results, eo);
        }
    }
    free_kids(sim, f);
    cJSON_Delete(f->effective);
    f->effective = NULL;
    cJSON_Delete(f->items);
    f->items = NULL;
    f->phase = PH_ENTER;
    stc_rterr le = STC_RTERR_INIT;
    if (check_payload(results, st->name, false, &le) < 0) {
        cJSON_Delete(results);
        emit(sim, f, is_map ? STC_EV_MAP_FAILED : STC_EV_PARALLEL_FAILED, st->name,
             d_err(le.error, le.cause));
        f->phase = PH_RETRY; /* a retry re-runs the whole state without re-entering */
        state_error(sim, f, &le, false);
        return;
    }
    emit(sim, f, is_map ? STC_EV_MAP_SUCCEEDED : STC_EV_PARALLEL_SUCCEEDED, st->name,
         d_one(sim, "output", results));
    lazy_ctx ctx;
    ctx_init(&ctx, sim, f, NULL, 0, false);
    complete_state(sim, f, results, true, &ctx);
    ctx_done(&ctx);
}

static void flow_finished(stc_sim *sim, flow *f)
{
    if (f->parent) {
        child_done(sim, f->parent, f);
        return;
    }
    if (f->done == F_SUCCEEDED) {
        emit(sim, f, STC_EV_EXECUTION_SUCCEEDED, NULL, d_one(sim, "output", f->output));
        sim->status = STC_SIM_SUCCEEDED;
    } else {
        emit(sim, f, STC_EV_EXECUTION_FAILED, NULL, d_err(f->err.error, f->err.cause));
        sim->status = STC_SIM_FAILED;
        stc_rterr_clear(&sim->err);
        sim->err.error = dupstr(f->err.error);
        sim->err.cause = dupstr(f->err.cause);
    }
}

/* ---- states ---- */

static char *value_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return stc_xstrdup(v->valuestring);
    char *s = cJSON_PrintUnformatted(v);
    return s ? s : stc_xstrdup("null");
}

/* An integer from a *Path field: a number or a string holding one. */
static int path_integer(flow *f, const cJSON *st, const char *field, const stc_scope *sc,
                        const char *kind, bool allow_float, double *out, bool *present,
                        stc_rterr *e)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(st, field);
    *present = p != NULL;
    if (!p)
        return 0;
    cJSON *v = NULL;
    if (stc_jsonpath_eval(p->valuestring, sc, &v, e) < 0)
        return -1;
    double d = 0;
    bool ok = false;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
        ok = allow_float || d == floor(d);
    } else if (cJSON_IsString(v)) {
        char *end;
        d = strtod(v->valuestring, &end);
        ok = end != v->valuestring && *end == '\0' && (allow_float || d == floor(d));
    }
    if (!ok) {
        char *txt = value_text(v);
        stc_rterr_set(e, "States.Runtime",
                      "The %s field refers to value \"%s\" which is not a valid %s: %s", field, txt,
                      kind, p->valuestring);
        free(txt);
        cJSON_Delete(v);
        return -1;
    }
    (void)f;
    cJSON_Delete(v);
    *out = d;
    return 0;
}

/* A JSONPath Map's items and settings: InputPath, ItemsPath,
 * MaxConcurrency(Path), ToleratedFailureCount/Percentage(Path). */
static int map_setup_jsonpath(stc_sim *sim, flow *f, lazy_ctx *ctx, stc_rterr *e)
{
    (void)sim;
    const stc_state *st = cur(f);
    stc_scope sc = scope(f->input, ctx);
    cJSON *eff = NULL;
    if (stc_io_path_field(st->def, "InputPath", &sc, &eff, e) < 0)
        return -1;
    f->effective = eff;
    sc.input = eff;
    const cJSON *ip = cJSON_GetObjectItemCaseSensitive(st->def, "ItemsPath");
    cJSON *items = NULL;
    if (ip && cJSON_IsString(ip)) {
        if (stc_jsonpath_eval(ip->valuestring, &sc, &items, e) < 0)
            return -1;
    } else {
        items = dup(eff);
    }
    f->items = items;
    if (!cJSON_IsArray(items)) {
        char *txt = value_text(items);
        stc_rterr_set(e, "States.Runtime",
                      "Map state input must be an array, but ItemsPath '%s' selects %s",
                      ip && cJSON_IsString(ip) ? ip->valuestring : "$", txt);
        free(txt);
        return -1;
    }
    double v;
    bool present;
    f->max_conc = (long)num_field(st->def, "MaxConcurrency", 0);
    if (path_integer(f, st->def, "MaxConcurrencyPath", &sc, "integer", false, &v, &present, e) < 0)
        return -1;
    if (present) {
        if (v < 0)
            return stc_rterr_set(e, "States.Runtime", "MaxConcurrency cannot be negative.");
        f->max_conc = (long)v;
    }
    f->tol_set = false;
    f->tol_count = INFINITY;
    f->tol_pct = 100;
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(st->def, "ToleratedFailureCount");
    const cJSON *tp = cJSON_GetObjectItemCaseSensitive(st->def, "ToleratedFailurePercentage");
    if (cJSON_IsNumber(tc)) {
        f->tol_set = true;
        f->tol_count = tc->valuedouble;
    }
    if (cJSON_IsNumber(tp)) {
        f->tol_set = true;
        f->tol_pct = tp->valuedouble;
    }
    if (path_integer(f, st->def, "ToleratedFailureCountPath", &sc, "integer", false, &v, &present,
                     e) < 0)
        return -1;
    if (present) {
        f->tol_set = true;
        f->tol_count = v;
    }
    if (f->tol_set && f->tol_count < 0)
        return stc_rterr_set(e, "States.Runtime", "ToleratedFailureCount cannot be negative.");
    if (path_integer(f, st->def, "ToleratedFailurePercentagePath", &sc, "float", true, &v,
                     &present, e) < 0)
        return -1;
    if (present) {
        f->tol_set = true;
        f->tol_pct = v;
    }
    if (f->tol_pct < 0 || f->tol_pct > 100)
        return stc_rterr_set(e, "States.Runtime",
                             "ToleratedFailurePercentage must be between 0 and 100.");
    if (f->tol_set && !tc && !cJSON_GetObjectItemCaseSensitive(st->def, "ToleratedFailureCountPath"))
        f->tol_count = INFINITY;
    return 0;
}

/* A JSONata Map's items and settings: Items (an array, or an expression
 * giving one; default: the state input), MaxConcurrency,
 * ToleratedFailureCount/Percentage (numbers or expressions). */
static int map_setup_jsonata(stc_sim *sim, flow *f, lazy_ctx *ctx, stc_rterr *e)
{
    const stc_state *st = cur(f);
    const stc_state_jsonata *j = &st->j;
    stc_jscope js;
    jscope(&js, sim, f, ctx, f->input);
    int rc = -1;
    double v;
    f->effective = dup(f->input);
    cJSON *items = NULL;
    if (j->items) {
        if (jeval(sim, j->items, &js, &items, e) < 0)
            goto done;
        f->items = items;
        if (!cJSON_IsArray(items)) {
            stc_jtmpl_type_error(j->items, "array", items, e);
            goto done;
        }
    } else {
        f->items = items = dup(f->input);
        if (!cJSON_IsArray(items)) {
            char *txt = items ? cJSON_PrintUnformatted(items) : stc_xstrdup("null");
            stc_rterr_set(e, "States.QueryEvaluationError",
                          "Map state input must be an array but was: %s", txt);
            free(txt);
            goto done;
        }
    }
    f->max_conc = 0;
    if (j->max_concurrency) {
        if (jnumber(sim, j->max_concurrency, &js, false, 0, &v, e) < 0)
            goto done;
        f->max_conc = (long)v;
    }
    f->tol_set = false;
    f->tol_count = INFINITY;
    f->tol_pct = 100;
    if (j->tol_count) {
        if (jnumber(sim, j->tol_count, &js, false, 0, &v, e) < 0)
            goto done;
        f->tol_set = true;
        f->tol_count = v;
    }
    if (j->tol_percentage) {
        if (jnumber(sim, j->tol_percentage, &js, true, 0, &v, e) < 0)
            goto done;
        f->tol_set = true;
        f->tol_pct = v;
    }
    rc = 0;
done:
    stc_jscope_done(&js);
    return rc;
}

static int enter_map(stc_sim *sim, flow *f, lazy_ctx *ctx, stc_rterr *e)
{
    const stc_state *st = cur(f);
    if ((st->jsonata ? map_setup_jsonata : map_setup_jsonpath)(sim, f, ctx, e) < 0)
        return -1;
    const cJSON *items = f->items;
    size_t n = (size_t)cJSON_GetArraySize(items);
    emit(sim, f, STC_EV_MAP_STARTED, st->name, d_one(sim, "items", items));
    if (n == 0) {
        lazy_ctx ctx2;
        ctx_init(&ctx2, sim, f, NULL, 0, false);
        cJSON_Delete(f->effective);
        f->effective = NULL;
        cJSON_Delete(f->items);
        f->items = NULL;
        emit(sim, f, STC_EV_MAP_SUCCEEDED, st->name, NULL);
        complete_state(sim, f, cJSON_CreateArray(), true, &ctx2);
        ctx_done(&ctx2);
        return 0;
    }
    f->kids = stc_xcalloc(n, sizeof *f->kids);
    f->nkids = n;
    f->finished = f->failed = 0;
    f->next_item = 0;
    f->phase = PH_CHILDREN;
    size_t first = (f->max_conc > 0 && (size_t)f->max_conc < n) ? (size_t)f->max_conc : n;
    for (size_t i = 0; i < first; i++) {
        if (start_iteration(sim, f, i, f->time, e) < 0) {
            free_kids(sim, f);
            f->phase = PH_RETRY;
            return -1;
        }
        f->next_item = i + 1;
    }
    return 0;
}

static int enter_parallel(stc_sim *sim, flow *f, lazy_ctx *ctx, stc_rterr *e)
{
    const stc_state *st = cur(f);
    stc_scope sc = scope(f->input, ctx);
    cJSON *eff = NULL;
    if (st->jsonata) {
        /* the branches' input: Arguments, else the state input */
        if (st->j.arguments) {
            stc_jscope js;
            jscope(&js, sim, f, ctx, f->input);
            int rc = jeval(sim, st->j.arguments, &js, &eff, e);
            stc_jscope_done(&js);
            if (rc < 0)
                return -1;
        } else {
            eff = dup(f->input);
        }
    } else if (stc_io_path_field(st->def, "InputPath", &sc, &eff, e) < 0) {
        return -1;
    }
    const cJSON *params = st->jsonata ? NULL : cJSON_GetObjectItemCaseSensitive(st->def, "Parameters");
    if (params) {
        sc.input = eff;
        cJSON *p = NULL;
        int rc = stc_io_template(params, &sc, &sim->rng, &p, e);
        cJSON_Delete(eff);
        if (rc < 0)
            return -1;
        eff = p;
    }
    f->effective = eff;
    emit(sim, f, STC_EV_PARALLEL_STARTED, st->name, NULL);
    f->kids = stc_xcalloc(st->nbranches, sizeof *f->kids);
    f->nkids = st->nbranches;
    f->finished = f->failed = 0;
    f->phase = PH_CHILDREN;
    for (size_t i = 0; i < st->nbranches; i++)
        f->kids[i] = flow_new(st->branches[i], dup(eff), f->time, f, K_BRANCH, (int)i,
                              child_label(f, (int)i));
    return 0;
}

static int run_wait(stc_sim *sim, flow *f, const stc_state *st, const stc_scope *sc,
                    stc_rterr *e)
{
    (void)sim;
    const cJSON *v;
    if ((v = cJSON_GetObjectItemCaseSensitive(st->def, "Seconds"))) {
        f->time += (int64_t)v->valuedouble * 1000;
        return 0;
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(st->def, "SecondsPath"))) {
        const cJSON *val = stc_jsonpath_get(v->valuestring, sc);
        if (!val)
            return stc_rterr_set(e, "States.Runtime",
                                 "The SecondsPath parameter does not reference an input value: %s",
                                 v->valuestring);
        char nb[32] = "";
        char *txt = NULL;
        if (cJSON_IsNumber(val))
            stc_number_format(val->valuedouble, nb);
        else
            txt = value_text(val);
        if (!cJSON_IsNumber(val) || val->valuedouble != floor(val->valuedouble)) {
            stc_rterr_set(e, "States.Runtime",
                          "The SecondsPath parameter cannot be parsed as a long value: %s == %s",
                          v->valuestring, txt ? txt : nb);
            free(txt);
            return -1;
        }
        if (val->valuedouble < 0)
            return stc_rterr_set(e, "States.Runtime",
                                 "The SecondsPath parameter references a negative value: %s == %s",
                                 v->valuestring, nb);
        f->time += (int64_t)val->valuedouble * 1000;
        return 0;
    }
    const char *ts = NULL;
    const char *src = NULL;
    if ((v = cJSON_GetObjectItemCaseSensitive(st->def, "Timestamp"))) {
        ts = v->valuestring;
    } else if ((v = cJSON_GetObjectItemCaseSensitive(st->def, "TimestampPath"))) {
        src = v->valuestring;
        const cJSON *val = stc_jsonpath_get(v->valuestring, sc);
        if (!val)
            return stc_rterr_set(e, "States.Runtime",
                                 "The TimestampPath parameter does not reference an input value: %s",
                                 v->valuestring);
        if (!cJSON_IsString(val))
            return stc_rterr_set(e, "States.Runtime",
                                 "The TimestampPath parameter does not reference a valid ISO-8601 "
                                 "extended offset date-time format string: %s",
                                 v->valuestring);
        ts = val->valuestring;
    }
    int64_t sec;
    long ns;
    if (!ts || !stc_timestamp_parse(ts, &sec, &ns))
        return stc_rterr_set(e, "States.Runtime",
                             "The TimestampPath parameter does not reference a valid ISO-8601 "
                             "extended offset date-time format string: %s == %s",
                             src ? src : "Timestamp", ts ? ts : "");
    int64_t target = sec * 1000 + ns / 1000000;
    if (target > f->time)
        f->time = target;
    return 0;
}

/* The output of a Choice, Wait or Succeed state as a tree for transition()
 * (which takes it), copied only when it must be. `out` is what OutputPath
 * selected over the effective input: `out_own` when that is a new tree;
 * without OutputPath, `out` is the effective input itself, which is either
 * the state's own tree *eff_own (moved out: *eff_own becomes NULL) or, without
 * InputPath, the flow's raw input (taken from the flow: f->input is NULL
 * until transition() makes the output the next input, or the flow ends).
 * Call it last, once nothing can fail any more: the error paths (Catch's
 * ResultPath) read f->input. */
static cJSON *take_output(flow *f, const cJSON *out, cJSON *out_own, cJSON **eff_own)
{
    if (out_own)
        return out_own;
    if (*eff_own && out == *eff_own) {
        cJSON *o = *eff_own;
        *eff_own = NULL;
        return o;
    }
    if (f->input && out == f->input) {
        cJSON *o = f->input;
        f->input = NULL;
        return o;
    }
    return dup(out);
}

/* The part of a Task that both languages share, from the effective input
 * `eff` (after InputPath and Parameters, or Arguments) on: the payload
 * limit, TaskScheduled, the handler, its result or error. Returns -1 when
 * the simulation must stop (no handler or mock: ERROR). */
static int run_task(stc_sim *sim, flow *f, const cJSON *eff, lazy_ctx *ctx, stc_rterr *e)
{
    const stc_state *st = cur(f);
    const char *resource = cJSON_GetObjectItemCaseSensitive(st->def, "Resource")->valuestring;
    char *who = task_who(resource);
    if (check_payload(eff, who, true, e) < 0) {
        free(who);
        state_error(sim, f, e, false);
        return 0;
    }
    cJSON *sd = cJSON_CreateObject();
    cJSON_AddStringToObject(sd, "resource", resource);
    cJSON_AddItemToObject(sd, "parameters", dup(eff));
    emit(sim, f, STC_EV_TASK_SCHEDULED, st->name, sd);
    emit(sim, f, STC_EV_TASK_STARTED, st->name, NULL);
    cJSON *result = NULL;
    char *error = NULL, *cause = NULL;
    int trc = sim->opts.task
                  ? sim->opts.task(sim->opts.task_ctx, sim, st->name, resource, eff, &result,
                                   &error, &cause)
                  : STC_TASK_ABORT;
    if (trc == STC_TASK_OK && check_payload(result, who, false, e) < 0) {
        cJSON_Delete(result);
        result = NULL;
        trc = STC_TASK_FAILED;
        free(error);
        free(cause);
        error = e->error;
        cause = e->cause;
        e->error = e->cause = NULL;
    }
    free(who);
    if (trc == STC_TASK_ABORT) {
        sim->status = STC_SIM_ERROR;
        free(sim->message);
        sim->message = error ? error
                             : stc_xasprintf("no handler to run Task '%s' (%s)", st->name,
                                             resource);
        error = NULL;
        free(cause);
        cJSON_Delete(result);
        return -1;
    }
    if (trc == STC_TASK_FAILED) {
        cJSON_Delete(result);
        stc_rterr_clear(e);
        e->error = error;
        e->cause = cause ? cause : stc_xstrdup("");
        emit(sim, f, STC_EV_TASK_FAILED, st->name, d_err(e->error, e->cause));
        state_error(sim, f, e, false);
        return 0;
    }
    free(error);
    free(cause);
    if (!result)
        result = cJSON_CreateNull();
    emit(sim, f, STC_EV_TASK_SUCCEEDED, st->name, d_one(sim, "output", result));
    complete_state(sim, f, result, true, ctx);
    return 0;
}

/* A JSONata Wait: Seconds (a non-negative integer) or Timestamp (an RFC 3339
 * string), each a literal or an expression. */
static int wait_jsonata(stc_sim *sim, flow *f, stc_jscope *js, stc_rterr *e)
{
    const stc_state_jsonata *j = &cur(f)->j;
    if (j->seconds) {
        double d;
        if (jnumber(sim, j->seconds, js, false, 0, &d, e) < 0)
            return -1;
        f->time += (int64_t)d * 1000;
        return 0;
    }
    cJSON *v = NULL;
    if (jeval(sim, j->timestamp, js, &v, e) < 0)
        return -1;
    int64_t sec;
    long ns;
    if (!cJSON_IsString(v)) {
        stc_jtmpl_type_error(j->timestamp, "string", v, e);
        cJSON_Delete(v);
        return -1;
    }
    if (!stc_timestamp_parse(v->valuestring, &sec, &ns)) {
        stc_rterr_set(e, "States.QueryEvaluationError",
                      "The value of the field 'Timestamp' must be an ISO-8601 extended offset "
                      "date-time format string, but was '%s'",
                      v->valuestring);
        cJSON_Delete(v);
        return -1;
    }
    cJSON_Delete(v);
    int64_t target = sec * 1000 + ns / 1000000;
    if (target > f->time)
        f->time = target;
    return 0;
}

/* A JSONata Fail: Error and Cause, literal strings or expressions giving
 * strings. Fails the flow, or returns -1 with e when an expression does. */
static int fail_jsonata(stc_sim *sim, flow *f, stc_jscope *js, stc_rterr *e)
{
    const stc_state_jsonata *j = &cur(f)->j;
    stc_rterr fe = STC_RTERR_INIT;
    const stc_jtmpl *t[2] = {j->error, j->cause};
    for (int k = 0; k < 2; k++) {
        if (!t[k])
            continue;
        cJSON *v = NULL;
        if (jeval(sim, t[k], js, &v, e) < 0) {
            stc_rterr_clear(&fe);
            return -1;
        }
        if (!cJSON_IsString(v)) {
            stc_jtmpl_type_error(t[k], "string", v, e);
            cJSON_Delete(v);
            stc_rterr_clear(&fe);
            return -1;
        }
        if (k == 0)
            fe.error = stc_xstrdup(v->valuestring);
        else
            fe.cause = stc_xstrdup(v->valuestring);
        cJSON_Delete(v);
    }
    flow_fail(sim, f, &fe);
    return 0;
}

/* The output and Assign of a JSONata Pass, Choice, Wait or Succeed: `out_t`
 * (NULL: the output is the input) and `assign_t` (NULL: none), both reading
 * the values of the state's entry; then on to `next`. */
static int leave_jsonata(stc_sim *sim, flow *f, stc_jscope *js, const stc_jtmpl *out_t,
                         const stc_jtmpl *assign_t, int next, stc_rterr *e)
{
    cJSON *out = NULL, *pending = NULL;
    if (assign_t && jeval(sim, assign_t, js, &pending, e) < 0)
        return -1;
    if (out_t && jeval(sim, out_t, js, &out, e) < 0) {
        cJSON_Delete(pending);
        return -1;
    }
    if (!out_t) { /* the input goes on as the output: hand it over */
        out = f->input;
        f->input = NULL;
        js->input = NULL;
    }
    finish_state(sim, f, out, pending, next);
    return 0;
}

/* Run a JSONata Pass, Task, Choice, Wait, Succeed or Fail state (Parallel
 * and Map go through enter_parallel/enter_map). Returns -1 when the
 * simulation must stop; a failure of the state is left in e. */
static int run_jsonata(stc_sim *sim, flow *f, lazy_ctx *ctx, stc_rterr *e)
{
    const stc_state *st = cur(f);
    const stc_state_jsonata *j = &st->j;
    stc_jscope js;
    jscope(&js, sim, f, ctx, f->input);
    int rc = 0;
    switch (st->type) {
    case STC_STATE_PASS:
    case STC_STATE_SUCCEED:
        leave_jsonata(sim, f, &js, j->output, j->assign, st->type == STC_STATE_PASS ? st->next : -1,
                      e);
        break;
    case STC_STATE_TASK: {
        cJSON *args = NULL;
        const cJSON *eff = f->input;
        if (j->arguments) {
            if (jeval(sim, j->arguments, &js, &args, e) < 0)
                break;
            eff = args;
        }
        double d;
        if ((j->timeout && jnumber(sim, j->timeout, &js, false, 1, &d, e) < 0) ||
            (j->heartbeat && jnumber(sim, j->heartbeat, &js, false, 1, &d, e) < 0)) {
            cJSON_Delete(args);
            break;
        }
        if (j->credentials) {
            cJSON *c = NULL;
            if (jeval(sim, j->credentials, &js, &c, e) < 0) {
                cJSON_Delete(args);
                break;
            }
            cJSON_Delete(c);
        }
        stc_jscope_done(&js); /* complete_jsonata builds its own, with the result */
        rc = run_task(sim, f, eff, ctx, e);
        cJSON_Delete(args);
        break;
    }
    case STC_STATE_CHOICE: {
        int next = -1;
        const stc_jtmpl *out_t = j->output, *assign_t = j->assign; /* Default's */
        bool failed = false;
        for (size_t i = 0; i < st->nchoices && next < 0; i++) {
            cJSON *c = NULL;
            if (jeval(sim, j->rule_condition[i], &js, &c, e) < 0) {
                failed = true;
                break;
            }
            if (!cJSON_IsBool(c)) {
                stc_jtmpl_type_error(j->rule_condition[i], "boolean", c, e);
                cJSON_Delete(c);
                failed = true;
                break;
            }
            if (cJSON_IsTrue(c)) {
                next = st->choice_next[i];
                out_t = j->rule_output[i];
                assign_t = j->rule_assign[i];
            }
            cJSON_Delete(c);
        }
        if (failed)
            break;
        if (next < 0)
            next = st->default_next;
        if (next < 0) {
            stc_rterr_set(e, "States.NoChoiceMatched", "No Choice rule matched and there is no Default");
            break;
        }
        leave_jsonata(sim, f, &js, out_t, assign_t, next, e);
        break;
    }
    case STC_STATE_WAIT:
        if (wait_jsonata(sim, f, &js, e) < 0)
            break;
        leave_jsonata(sim, f, &js, j->output, j->assign, st->next, e);
        break;
    case STC_STATE_FAIL: fail_jsonata(sim, f, &js, e); break;
    default: break;
    }
    stc_jscope_done(&js);
    return rc;
}

/* Run the current state of leaf flow f. Returns -1 when the simulation must
 * stop (ERROR). */
static int run_state(stc_sim *sim, flow *f)
{
    const stc_state *st = cur(f);
    stc_rterr e = STC_RTERR_INIT;
    if (f->phase == PH_ENTER) {
        if (sim->transitions >= sim->opts.max_transitions) {
            sim->status = STC_SIM_ERROR;
            free(sim->message);
            sim->message = stc_xasprintf(
                "stopped before state '%s': the execution reached the bound of %ld transitions "
                "(the machine may loop forever)",
                st->name, sim->opts.max_transitions);
            return -1;
        }
        sim->transitions++;
        f->entered_time = f->time;
        f->entered_event =
            emit(sim, f, entered_event(st->type), st->name, d_one(sim, "input", f->input));
    }
    bool is_task = st->type == STC_STATE_TASK;
    lazy_ctx ctx;
    ctx_init(&ctx, sim, f, NULL, 0, is_task);
    stc_scope sc = scope(f->input, &ctx);
    /* The effective input (after InputPath, for a Task also Parameters):
     * `eff` is read only; it is borrowed (f->input itself, without InputPath)
     * unless `eff_own` holds it, a tree of this step freed at the end. */
    const cJSON *eff = NULL;
    cJSON *eff_own = NULL;
    int rc = 0;
    stc_state_type type = st->type;
    if (st->jsonata && type != STC_STATE_PARALLEL && type != STC_STATE_MAP) {
        rc = run_jsonata(sim, f, &ctx, &e);
        type = (stc_state_type)-1; /* done */
    }
    switch (type) {
    case STC_STATE_PASS: {
        if (stc_io_path_ref(st->f.input_path, "InputPath", &sc, &eff, &eff_own, &e) < 0)
            break;
        cJSON *res;
        if (st->f.result) {
            res = dup(st->f.result);
        } else if (st->f.parameters) {
            stc_scope s2 = scope(eff, &ctx);
            if (stc_io_template(st->f.parameters, &s2, &sim->rng, &res, &e) < 0)
                break;
        } else if (eff_own) {
            res = eff_own;
            eff_own = NULL;
        } else {
            res = dup(eff);
        }
        complete_state(sim, f, res, false, &ctx);
        break;
    }
    case STC_STATE_TASK: {
        if (stc_io_path_ref(st->f.input_path, "InputPath", &sc, &eff, &eff_own, &e) < 0)
            break;
        if (st->f.parameters) {
            stc_scope s2 = scope(eff, &ctx);
            cJSON *p = NULL;
            if (stc_io_template(st->f.parameters, &s2, &sim->rng, &p, &e) < 0)
                break;
            cJSON_Delete(eff_own);
            eff = eff_own = p;
        }
        static const char *const paths[] = {"TimeoutSecondsPath", "HeartbeatSecondsPath"};
        bool bad = false;
        for (size_t i = 0; i < 2 && !bad; i++) {
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(st->def, paths[i]);
            if (cJSON_IsString(p)) {
                cJSON *v = NULL;
                if (stc_jsonpath_eval(p->valuestring, &sc, &v, &e) < 0)
                    bad = true;
                else if (!cJSON_IsNumber(v) || v->valuedouble < 1) {
                    stc_rterr_set(&e, "States.Runtime",
                                  "The %s field must refer to a positive integer: %s", paths[i],
                                  p->valuestring);
                    bad = true;
                }
                cJSON_Delete(v);
            }
        }
        if (bad)
            break;
        const cJSON *cred = cJSON_GetObjectItemCaseSensitive(st->def, "Credentials");
        if (cred) {
            cJSON *c = NULL;
            if (stc_io_template(cred, &sc, &sim->rng, &c, &e) < 0)
                break;
            cJSON_Delete(c);
        }
        rc = run_task(sim, f, eff, &ctx, &e);
        break;
    }
    case STC_STATE_CHOICE: {
        if (stc_io_path_ref(st->f.input_path, "InputPath", &sc, &eff, &eff_own, &e) < 0)
            break;
        stc_scope s2 = scope(eff, &ctx);
        const cJSON *choices = st->f.choices;
        int next = -1;
        const cJSON *assign = st->f.assign; /* the matched entry's, else the state's */
        size_t i = 0;
        bool failed = false;
        for (const cJSON *r = choices->child; r; r = r->next, i++) {
            bool m = false;
            if (stc_choice_eval(r, &s2, &m, &e) < 0) {
                failed = true;
                break;
            }
            if (m) {
                next = st->choice_next[i];
                assign = st->choice_assign[i];
                break;
            }
        }
        if (failed)
            break;
        if (next < 0)
            next = st->default_next;
        if (next < 0) {
            stc_rterr_set(&e, "States.NoChoiceMatched",
                          "No Choice rule matched and there is no Default");
            break;
        }
        cJSON *pending = NULL;
        if (eval_assign(sim, assign, eff, &ctx, &pending, &e) < 0)
            break;
        const cJSON *out;
        cJSON *out_own;
        if (stc_io_path_ref(st->f.output_path, "OutputPath", &s2, &out, &out_own, &e) < 0) {
            cJSON_Delete(pending);
            break;
        }
        finish_state(sim, f, take_output(f, out, out_own, &eff_own), pending, next);
        break;
    }
    case STC_STATE_WAIT: {
        if (stc_io_path_ref(st->f.input_path, "InputPath", &sc, &eff, &eff_own, &e) < 0)
            break;
        stc_scope s2 = scope(eff, &ctx);
        if (run_wait(sim, f, st, &s2, &e) < 0)
            break;
        cJSON *pending = NULL;
        if (eval_assign(sim, st->f.assign, eff, &ctx, &pending, &e) < 0)
            break;
        const cJSON *out;
        cJSON *out_own;
        if (stc_io_path_ref(st->f.output_path, "OutputPath", &s2, &out, &out_own, &e) < 0) {
            cJSON_Delete(pending);
            break;
        }
        finish_state(sim, f, take_output(f, out, out_own, &eff_own), pending, st->next);
        break;
    }
    case STC_STATE_SUCCEED: {
        if (stc_io_path_ref(st->f.input_path, "InputPath", &sc, &eff, &eff_own, &e) < 0)
            break;
        stc_scope s2 = scope(eff, &ctx);
        const cJSON *out;
        cJSON *out_own;
        if (stc_io_path_ref(st->f.output_path, "OutputPath", &s2, &out, &out_own, &e) < 0)
            break;
        finish_state(sim, f, take_output(f, out, out_own, &eff_own), NULL, -1);
        break;
    }
    case STC_STATE_FAIL: {
        stc_rterr fe = STC_RTERR_INIT;
        static const char *const fields[2][2] = {{"Error", "ErrorPath"}, {"Cause", "CausePath"}};
        bool bad = false;
        for (int k = 0; k < 2 && !bad; k++) {
            const cJSON *lit = cJSON_GetObjectItemCaseSensitive(st->def, fields[k][0]);
            const cJSON *pth = cJSON_GetObjectItemCaseSensitive(st->def, fields[k][1]);
            char *val = NULL;
            if (cJSON_IsString(lit)) {
                val = stc_xstrdup(lit->valuestring);
            } else if (cJSON_IsString(pth)) {
                cJSON *v = NULL;
                if (stc_io_dynamic(pth->valuestring, &sc, &sim->rng, &v, &e) < 0) {
                    bad = true;
                } else if (!cJSON_IsString(v)) {
                    stc_rterr_set(&e, "States.Runtime",
                                  "The %s parameter must refer to a string: %s", fields[k][1],
                                  pth->valuestring);
                    bad = true;
                } else {
                    val = stc_xstrdup(v->valuestring);
                }
                cJSON_Delete(v);
            }
            if (k == 0)
                fe.error = val;
            else
                fe.cause = val;
        }
        if (bad) {
            stc_rterr_clear(&fe);
            break;
        }
        flow_fail(sim, f, &fe);
        break;
    }
    case STC_STATE_PARALLEL:
        if (enter_parallel(sim, f, &ctx, &e) < 0) {
            f->phase = PH_RETRY;
            break;
        }
        break;
    case STC_STATE_MAP:
        if (enter_map(sim, f, &ctx, &e) < 0) {
            f->phase = PH_RETRY;
            break;
        }
        break;
    }
    cJSON_Delete(eff_own);
    ctx_done(&ctx);
    if (rc < 0)
        return -1;
    if (e.error || e.cause) {
        /* runtime errors of Pass/Choice/Wait/Succeed/Fail cannot be caught;
         * state_error knows which types may retry or catch */
        if (st->type == STC_STATE_PARALLEL || st->type == STC_STATE_MAP) {
            cJSON_Delete(f->effective);
            f->effective = NULL;
            cJSON_Delete(f->items);
            f->items = NULL;
        }
        state_error(sim, f, &e, true);
    }
    return 0;
}

/* ---- scheduling ---- */

/* The leaf flow that runs next: earliest time, then lowest index. */
static flow *pick(flow *f)
{
    if (f->done)
        return NULL;
    if (f->phase != PH_CHILDREN)
        return f;
    flow *best = NULL;
    for (size_t i = 0; i < f->nkids; i++) {
        if (!f->kids[i])
            continue;
        flow *c = pick(f->kids[i]);
        if (c && (!best || c->time < best->time))
            best = c;
    }
    return best;
}

/* ---- snapshots ---- */

static void snap_free(snapshot *s)
{
    flow_free(s->root);
    cJSON_Delete(s->calls);
    stc_rterr_clear(&s->err);
    free(s->message);
    cJSON_Delete(s->last_output);
}

static void snap_push(stc_sim *sim)
{
    if (sim->nsnaps == sim->snapcap) {
        sim->snapcap = sim->snapcap ? sim->snapcap * 2 : 64;
        sim->snaps = stc_xrealloc(sim->snaps, sim->snapcap * sizeof *sim->snaps);
    }
    snapshot *s = &sim->snaps[sim->nsnaps++];
    s->root = sim->root ? flow_clone(sim->root, NULL) : NULL;
    s->nevents = sim->nevents;
    s->transitions = sim->transitions;
    s->next_event = sim->next_event;
    s->rng = sim->rng;
    s->calls = dup(sim->calls);
    s->status = sim->status;
    s->err.error = dupstr(sim->err.error);
    s->err.cause = dupstr(sim->err.cause);
    s->message = dupstr(sim->message);
    s->last_output = dup(sim->last_ref ? sim->last_ref : sim->last_output);
}

static void clear_history(stc_sim *sim, size_t keep)
{
    for (size_t i = keep; i < sim->nevents; i++)
        event_free(&sim->events[i]);
    sim->nevents = keep;
}

/* ---- public API ---- */

void stc_sim_options_init(stc_sim_options *o)
{
    memset(o, 0, sizeof *o);
    o->start_time_ms = STC_SIM_DEFAULT_EPOCH_MS;
    o->seed = STC_SIM_DEFAULT_SEED;
    o->max_transitions = STC_SIM_DEFAULT_MAX_TRANSITIONS;
    o->undo = true;
    o->history = true;
    o->execution_name = "stc-sim-execution";
    o->state_machine_name = "StateMachine";
}

stc_sim *stc_sim_new(const stc_machine *m, const stc_sim_options *opts)
{
    stc_sim *sim = stc_xcalloc(1, sizeof *sim);
    sim->m = m;
    if (opts)
        sim->opts = *opts;
    else
        stc_sim_options_init(&sim->opts);
    if (sim->opts.max_transitions <= 0)
        sim->opts.max_transitions = STC_SIM_DEFAULT_MAX_TRANSITIONS;
    sim->exec_name = stc_xstrdup(sim->opts.execution_name ? sim->opts.execution_name
                                                          : "stc-sim-execution");
    sim->sm_name = stc_xstrdup(sim->opts.state_machine_name ? sim->opts.state_machine_name
                                                            : "StateMachine");
    sim->sm_id = sim->opts.state_machine_id
                     ? stc_xstrdup(sim->opts.state_machine_id)
                     : stc_xasprintf("arn:aws:states:us-east-1:123456789012:stateMachine:%s",
                                     sim->sm_name);
    sim->exec_id = stc_xasprintf("arn:aws:states:us-east-1:123456789012:execution:%s:%s",
                                 sim->sm_name, sim->exec_name);
    sim->opts.execution_name = sim->exec_name;
    sim->opts.state_machine_name = sim->sm_name;
    sim->opts.state_machine_id = sim->sm_id;
    sim->status = STC_SIM_READY;
    if (m->any_jsonata)
        sim->jenv = stc_jenv_new();
    return sim;
}

static void reset(stc_sim *sim)
{
    for (size_t i = 0; i < sim->nsnaps; i++)
        snap_free(&sim->snaps[i]);
    sim->nsnaps = 0;
    clear_history(sim, 0);
    flow_free(sim->root);
    sim->root = NULL;
    cJSON_Delete(sim->calls);
    sim->calls = NULL;
    stc_rterr_clear(&sim->err);
    free(sim->message);
    sim->message = NULL;
    cJSON_Delete(sim->last_output);
    sim->last_output = NULL;
    sim->last_ref = NULL;
    cJSON_Delete(sim->exec_ctx);
    sim->exec_ctx = NULL;
    cJSON_Delete(sim->sm_ctx);
    sim->sm_ctx = NULL;
    cJSON_Delete(sim->exec_input);
    sim->exec_input = NULL;
    sim->transitions = 0;
    sim->next_event = 0;
    sim->steps = 0;
}

void stc_sim_free(stc_sim *sim)
{
    if (!sim)
        return;
    reset(sim);
    stc_jenv_free(sim->jenv);
    free(sim->snaps);
    free(sim->events);
    free(sim->exec_name);
    free(sim->sm_name);
    free(sim->sm_id);
    free(sim->exec_id);
    free(sim);
}

void stc_sim_continue_as_new(stc_sim *sim, const cJSON *input)
{
    /* A fresh execution of the same service object: Python's calls go on
     * counting, so the mocks' call counters carry over. */
    cJSON *calls = sim->calls;
    sim->calls = NULL;
    stc_sim_start(sim, input);
    if (calls) {
        cJSON_Delete(sim->calls);
        sim->calls = calls;
    }
}

void stc_sim_start(stc_sim *sim, const cJSON *input)
{
    reset(sim);
    sim->exec_input = input ? dup(input) : cJSON_CreateObject();
    sim->rng.state = sim->opts.seed;
    sim->calls = cJSON_CreateObject();
    char ts[40];
    stc_timestamp_format(sim->opts.start_time_ms, ts, sizeof ts);
    sim->exec_ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(sim->exec_ctx, "Id", sim->exec_id);
    cJSON_AddItemToObject(sim->exec_ctx, "Input", dup(sim->exec_input));
    cJSON_AddStringToObject(sim->exec_ctx, "Name", sim->exec_name);
    cJSON_AddStringToObject(sim->exec_ctx, "RoleArn",
                            "arn:aws:iam::123456789012:role/stc-sim-execution-role");
    cJSON_AddStringToObject(sim->exec_ctx, "StartTime", ts);
    cJSON_AddNumberToObject(sim->exec_ctx, "RedriveCount", 0);
    sim->sm_ctx = cJSON_CreateObject();
    cJSON_AddStringToObject(sim->sm_ctx, "Id", sim->sm_id);
    cJSON_AddStringToObject(sim->sm_ctx, "Name", sim->sm_name);
    sim->root = flow_new(sim->m, dup(sim->exec_input), sim->opts.start_time_ms, NULL, K_ROOT, 0,
                         stc_xstrdup(""));
    sim->status = STC_SIM_RUNNING;
    /* The time limit: the option (Express: 300 s), or the machine's own
     * TimeoutSeconds when that is shorter. */
    int64_t limit_s = sim->opts.time_limit_s > 0 ? sim->opts.time_limit_s : 0;
    const cJSON *ts_field = cJSON_GetObjectItemCaseSensitive(sim->m->def, "TimeoutSeconds");
    if (cJSON_IsNumber(ts_field) && ts_field->valuedouble >= 1 && (limit_s == 0 || ts_field->valuedouble < limit_s))
        limit_s = (int64_t)ts_field->valuedouble;
    sim->deadline_ms = limit_s ? sim->opts.start_time_ms + limit_s * 1000 : 0;
    emit(sim, sim->root, STC_EV_EXECUTION_STARTED, NULL, d_one(sim, "input", sim->exec_input));
    size_t n = stc_io_json_size(sim->exec_input, STC_IO_PAYLOAD_LIMIT);
    if (n > STC_IO_PAYLOAD_LIMIT) {
        /* AWS refuses to start it (StartExecution fails) */
        sim->status = STC_SIM_ERROR;
        sim->message = stc_xstrdup("the execution input is larger than 256 KiB (the payload limit "
                                   "of Step Functions): AWS would refuse to start the execution");
    }
}

/* After a step: an execution whose next step would start at or after its
 * deadline has timed out (every flow that could still run is past it), and
 * so has one that the step ended after it (a last Wait, a Parallel whose
 * slow branch ended): the events after the deadline never happened. */
static void check_deadline(stc_sim *sim)
{
    if (!sim->deadline_ms)
        return;
    if (sim->status == STC_SIM_RUNNING) {
        flow *f = pick(sim->root);
        if (!f || f->time < sim->deadline_ms)
            return;
    } else if (stc_sim_status_failed(sim->status) || sim->status == STC_SIM_SUCCEEDED) {
        if (sim->status == STC_SIM_TIMED_OUT || sim->root->time <= sim->deadline_ms)
            return;
        while (sim->nevents && sim->events[sim->nevents - 1].time_ms > sim->deadline_ms) {
            event_free(&sim->events[--sim->nevents]);
            sim->next_event--;
        }
    } else {
        return;
    }
    sim->root->time = sim->deadline_ms;
    char *cause = stc_xasprintf("The execution ran longer than its limit of %lld seconds",
                                (long long)((sim->deadline_ms - sim->opts.start_time_ms) / 1000));
    emit(sim, sim->root, STC_EV_EXECUTION_TIMED_OUT, NULL, d_err("States.Timeout", cause));
    sim->status = STC_SIM_TIMED_OUT;
    stc_rterr_clear(&sim->err);
    sim->err.error = dupstr("States.Timeout");
    sim->err.cause = cause;
}

stc_sim_status stc_sim_step(stc_sim *sim)
{
    if (sim->status != STC_SIM_RUNNING)
        return sim->status;
    flow *f = pick(sim->root);
    if (!f)
        return sim->status;
    if (sim->opts.undo)
        snap_push(sim);
    sim->steps++;
    run_state(sim, f);
    check_deadline(sim);
    return sim->status;
}

int stc_sim_back(stc_sim *sim)
{
    if (!sim->opts.undo || sim->nsnaps == 0)
        return -1;
    snapshot *s = &sim->snaps[--sim->nsnaps];
    flow_free(sim->root);
    sim->root = s->root;
    clear_history(sim, s->nevents);
    sim->transitions = s->transitions;
    sim->next_event = s->next_event;
    sim->rng = s->rng;
    cJSON_Delete(sim->calls);
    sim->calls = s->calls;
    sim->status = s->status;
    stc_rterr_clear(&sim->err);
    sim->err = s->err;
    free(sim->message);
    sim->message = s->message;
    cJSON_Delete(sim->last_output);
    sim->last_output = s->last_output;
    sim->last_ref = NULL;
    sim->steps--;
    return 0;
}

stc_sim_status stc_sim_run(stc_sim *sim, const char *breakpoint)
{
    bool first = true;
    while (sim->status == STC_SIM_RUNNING) {
        if (!first && breakpoint) {
            const char *name = stc_sim_current_state(sim);
            if (name && !strcmp(name, breakpoint))
                break;
        }
        first = false;
        stc_sim_step(sim);
    }
    return sim->status;
}

stc_sim_status stc_sim_get_status(const stc_sim *sim)
{
    return sim->status;
}

const char *stc_sim_current_state(const stc_sim *sim)
{
    if (sim->status != STC_SIM_RUNNING || !sim->root)
        return NULL;
    flow *f = pick(sim->root);
    return f ? cur(f)->name : NULL;
}

const cJSON *stc_sim_current_input(const stc_sim *sim)
{
    if (sim->status != STC_SIM_RUNNING || !sim->root)
        return NULL;
    flow *f = pick(sim->root);
    return f ? f->input : NULL;
}

bool stc_sim_current_jsonata(const stc_sim *sim)
{
    flow *f = sim->root && sim->status == STC_SIM_RUNNING ? pick(sim->root) : NULL;
    return f ? cur(f)->jsonata : sim->m->jsonata;
}

int stc_sim_evaluate(stc_sim *sim, const char *expr, bool jsonata, cJSON **out,
                     bool *is_function, char **err)
{
    *out = NULL;
    *is_function = false;
    if (!sim->root) {
        *err = stc_xstrdup("the simulation has not started");
        return -1;
    }
    flow *f = sim->status == STC_SIM_RUNNING ? pick(sim->root) : NULL;
    flow *vf = f ? f : sim->root;
    const cJSON *input = f ? f->input : stc_sim_output(sim);
    /* the context as the state would see it, entered now */
    lazy_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.sim = sim;
    ctx.f = vf;
    ctx.state_name = f ? cur(f)->name : "";
    ctx.entered_time = vf->time;
    ctx.entered_event = sim->next_event + 1;
    ctx.retry_total = f ? f->retry_total : 0;
    ctx.task = f && cur(f)->type == STC_STATE_TASK;
    stc_rng rng = sim->rng;
    int rc;
    if (jsonata) {
        if (!sim->jenv)
            sim->jenv = stc_jenv_new();
        stc_jscope js;
        jscope(&js, sim, vf, &ctx, input);
        js.rng = &rng;
        int kind = stc_jexpr_eval_text(sim->jenv, expr, &js, out, err);
        stc_jscope_done(&js);
        rc = kind < 0 ? -1 : 0;
        *is_function = kind == STC_JEXPR_FUNCTION;
    } else {
        stc_scope sc = scope(input, &ctx);
        stc_rterr e = STC_RTERR_INIT;
        rc = stc_io_dynamic(expr, &sc, &rng, out, &e);
        if (rc < 0)
            *err = stc_xasprintf("%s: %s", e.error ? e.error : "error", e.cause ? e.cause : "");
        stc_rterr_clear(&e);
    }
    ctx_done(&ctx);
    return rc;
}

static void add_scope_vars(cJSON *out, const flow *f)
{
    if (f->parent)
        add_scope_vars(out, f->parent);
    for (const cJSON *v = f->vars ? f->vars->child : NULL; v; v = v->next) {
        cJSON *old = cJSON_GetObjectItemCaseSensitive(out, v->string);
        if (old)
            cJSON_ReplaceItemViaPointer(out, old, cJSON_Duplicate(v, true));
        else
            cJSON_AddItemToObject(out, v->string, cJSON_Duplicate(v, true));
    }
}

cJSON *stc_sim_variables(const stc_sim *sim)
{
    cJSON *out = cJSON_CreateObject();
    if (!sim->root)
        return out;
    const flow *f = sim->status == STC_SIM_RUNNING ? pick(sim->root) : NULL;
    add_scope_vars(out, f ? f : sim->root);
    return out;
}

const cJSON *stc_sim_output(const stc_sim *sim)
{
    if (sim->status == STC_SIM_SUCCEEDED && sim->root)
        return sim->root->output;
    return sim->last_ref ? sim->last_ref : sim->last_output;
}

const char *stc_sim_error(const stc_sim *sim)
{
    return sim->err.error;
}

const char *stc_sim_cause(const stc_sim *sim)
{
    return sim->err.cause;
}

const char *stc_sim_message(const stc_sim *sim)
{
    return sim->message;
}

int64_t stc_sim_time(const stc_sim *sim)
{
    if (!sim->root)
        return sim->opts.start_time_ms;
    flow *f = sim->status == STC_SIM_RUNNING ? pick(sim->root) : NULL;
    return f ? f->time : sim->root->time;
}

long stc_sim_transitions(const stc_sim *sim)
{
    return sim->transitions;
}

size_t stc_sim_steps(const stc_sim *sim)
{
    return sim->steps;
}

size_t stc_sim_event_count(const stc_sim *sim)
{
    return sim->nevents;
}

long stc_sim_event_total(const stc_sim *sim)
{
    return sim->next_event;
}

bool stc_sim_can_back(const stc_sim *sim)
{
    return sim->opts.undo;
}

const stc_sim_event *stc_sim_event_at(const stc_sim *sim, size_t i)
{
    return i < sim->nevents ? &sim->events[i] : NULL;
}

cJSON *stc_sim_event_json(const stc_sim_event *ev)
{
    cJSON *o = cJSON_CreateObject();
    if (ev->id)
        cJSON_AddNumberToObject(o, "id", (double)ev->id);
    else
        cJSON_AddNullToObject(o, "id");
    cJSON_AddStringToObject(o, "type", stc_sim_event_type_name(ev->type));
    char ts[40];
    stc_timestamp_format(ev->time_ms, ts, sizeof ts);
    cJSON_AddStringToObject(o, "timestamp", ts);
    if (ev->state)
        cJSON_AddStringToObject(o, "state", ev->state);
    else
        cJSON_AddNullToObject(o, "state");
    cJSON_AddStringToObject(o, "flow", ev->flow);
    for (const cJSON *c = ev->details ? ev->details->child : NULL; c; c = c->next)
        cJSON_AddItemToObject(o, c->string, cJSON_Duplicate(c, true));
    return o;
}

unsigned stc_sim_call_index(stc_sim *sim, const char *key)
{
    if (!sim->calls)
        sim->calls = cJSON_CreateObject();
    cJSON *c = cJSON_GetObjectItemCaseSensitive(sim->calls, key);
    if (!c) {
        cJSON_AddNumberToObject(sim->calls, key, 1);
        return 0;
    }
    unsigned n = (unsigned)c->valuedouble;
    cJSON_SetNumberValue(c, n + 1);
    return n;
}
