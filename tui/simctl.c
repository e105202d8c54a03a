/* simctl.c - see simctl.h. */
#include "tui/simctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stepsim/intrinsic.h"
#include "stepsim/jsonpath.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"
#include "stepsim/svcmode.h"
#include "core/aws/express.h"
#include "tui/theme.h"

struct stc_simctl {
    char *name;
    cJSON *asl;            /* our copy */
    stc_machine *machine;
    stc_sim *sim;
    stc_mocks *mocks;
    char *mocks_path;
    char *input;           /* JSON text */
    char **breaks;
    size_t nbreaks;
    const stc_workflow *wf; /* borrowed; reset() comes before the module is freed */
    const stc_workflows *workflows; /* borrowed, as wf */
    stc_svcmode *mode;      /* the service-mode Task handler (stepsim/svcmode.h) */
    /* answers given at the prompt: {key: [entry, ...]}, as a mocks set with
     * its own handler, used for keys the mocks file lacks */
    cJSON *answers;
    stc_mocks *answer_mocks;
    stc_svcmode *answer_mode;
    /* the Task waiting for an answer (set by the Task handler, kept once the
     * step is undone) */
    bool asked;            /* the last step stopped to ask */
    bool waiting;
    char *wait_key;
    char *wait_call;
    int resume;            /* what the answer goes on with: STC_SIMCTL_* */
    char *eval_expr;       /* the expression of the `=` prompt (NULL: none) ... */
    char *eval_result;     /* ... its last value as JSON text, or the error */
    bool eval_failed, eval_jsonata;
    const char **visited;  /* rebuilt from the history */
    size_t nvisited;
    char **express;        /* the Express workflows of the mode, NULL-terminated (owned) */
    char msg[256];
};

enum { STC_SIMCTL_STEP, STC_SIMCTL_RUN, STC_SIMCTL_CONTINUE };

/* The call counter of keys answered at the prompt, kept apart from the
 * service-mode handler's own (which counts the same calls in lockstep). */
#define STC_SIMCTL_ASK_PREFIX "\x1f" "ask:"

stc_simctl *stc_simctl_new(void)
{
    stc_simctl *s = stc_xcalloc(1, sizeof *s);
    s->mocks = stc_mocks_new();
    s->answers = cJSON_CreateObject();
    s->answer_mocks = stc_mocks_new();
    return s;
}

static void stc_simctl_unwait(stc_simctl *s)
{
    s->asked = false;
    s->waiting = false;
    free(s->wait_key);
    free(s->wait_call);
    s->wait_key = s->wait_call = NULL;
}

static void stc_simctl_drop(stc_simctl *s)
{
    stc_sim_free(s->sim);
    stc_machine_free(s->machine);
    cJSON_Delete(s->asl);
    s->sim = NULL;
    s->machine = NULL;
    s->asl = NULL;
    stc_svcmode_free(s->mode);
    s->mode = NULL;
    stc_svcmode_free(s->answer_mode);
    s->answer_mode = NULL;
    s->wf = NULL;
    s->workflows = NULL;
    stc_simctl_unwait(s);
    free(s->visited);
    s->visited = NULL;
    s->nvisited = 0;
}

void stc_simctl_reset(stc_simctl *s)
{
    stc_simctl_drop(s);
}

void stc_simctl_free(stc_simctl *s)
{
    if (!s)
        return;
    stc_simctl_drop(s);
    stc_mocks_free(s->mocks);
    stc_mocks_free(s->answer_mocks);
    cJSON_Delete(s->answers);
    for (size_t i = 0; i < s->nbreaks; i++)
        free(s->breaks[i]);
    free(s->breaks);
    free(s->name);
    free(s->mocks_path);
    free(s->input);
    free(s->eval_expr);
    free(s->eval_result);
    stc_simctl_set_express(s, NULL);
    free(s);
}

void stc_simctl_set_express(stc_simctl *s, const char *const *express)
{
    for (char **x = s->express; x && *x; x++)
        free(*x);
    free(s->express);
    s->express = NULL;
    size_t n = 0;
    while (express && express[n])
        n++;
    if (!n)
        return;
    s->express = stc_xcalloc(n + 1, sizeof *s->express);
    for (size_t i = 0; i < n; i++)
        s->express[i] = stc_xstrdup(express[i]);
}

static bool stc_simctl_is_express(const stc_simctl *s, const char *name)
{
    for (char **x = s->express; name && x && *x; x++)
        if (strcmp(*x, name) == 0)
            return true;
    return false;
}

/* The annotation without Optional[...] / "X | None" around it. */
static char *stc_simctl_bare_type(const char *a)
{
    size_t n = strlen(a);
    if (strncmp(a, "Optional[", 9) == 0 && n > 10 && a[n - 1] == ']')
        return stc_xstrndup(a + 9, n - 10);
    if (n > 7 && strcmp(a + n - 7, " | None") == 0)
        return stc_xstrndup(a, n - 7);
    if (strncmp(a, "None | ", 7) == 0)
        return stc_xstrdup(a + 7);
    return stc_xstrdup(a);
}

static bool stc_simctl_ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcmp(s + n - t, tail) == 0;
}

/* An example string for a parameter called `name`. */
static cJSON *stc_simctl_example_string(const char *name)
{
    if (strcmp(name, "email") == 0 || stc_simctl_ends_with(name, "_email") ||
        stc_simctl_ends_with(name, "email_address"))
        return cJSON_CreateString("ann@example.com");
    if (strcmp(name, "id") == 0)
        return cJSON_CreateString("id-1");
    if (stc_simctl_ends_with(name, "_id") && strlen(name) > 3) {
        char *v = stc_xasprintf("%.*s-1", (int)(strlen(name) - 3), name);
        cJSON *j = cJSON_CreateString(v);
        free(v);
        return j;
    }
    if (strcmp(name, "name") == 0 || stc_simctl_ends_with(name, "_name"))
        return cJSON_CreateString("Ann");
    if (strcmp(name, "url") == 0 || stc_simctl_ends_with(name, "_url"))
        return cJSON_CreateString("https://example.com");
    return cJSON_CreateString("example");
}

/* An example value of annotation `type` (Optional removed) for `name`. */
static cJSON *stc_simctl_example(const char *type, const char *name, int depth)
{
    char *t = stc_simctl_bare_type(type);
    cJSON *v;
    if (strcmp(t, "int") == 0)
        v = cJSON_CreateNumber(1);
    else if (strcmp(t, "float") == 0)
        v = cJSON_CreateNumber(1.5);
    else if (strcmp(t, "bool") == 0)
        v = cJSON_CreateTrue();
    else if (depth < 4 && (strncmp(t, "list[", 5) == 0 || strncmp(t, "List[", 5) == 0) &&
             t[strlen(t) - 1] == ']') {
        char *inner = stc_xstrndup(t + 5, strlen(t) - 6);
        v = cJSON_CreateArray();
        cJSON_AddItemToArray(v, stc_simctl_example(inner, name, depth + 1));
        free(inner);
    } else if (strncmp(t, "list", 4) == 0 || strncmp(t, "List", 4) == 0 ||
               strncmp(t, "tuple", 5) == 0 || strncmp(t, "Sequence", 8) == 0)
        v = cJSON_CreateArray();
    else if (strncmp(t, "dict", 4) == 0 || strncmp(t, "Dict", 4) == 0 ||
             strncmp(t, "Mapping", 7) == 0 || strncmp(t, "MutableMapping", 14) == 0)
        v = cJSON_CreateObject();
    else
        v = stc_simctl_example_string(name);
    free(t);
    return v;
}

/* A parameter's default as JSON, when it is a literal JSON can hold. */
static cJSON *stc_simctl_literal(const char *text)
{
    if (strcmp(text, "None") == 0)
        return cJSON_CreateNull();
    if (strcmp(text, "True") == 0 || strcmp(text, "False") == 0)
        return cJSON_CreateBool(text[0] == 'T');
    size_t n = strlen(text);
    if (n >= 2 && text[0] == '\'' && text[n - 1] == '\'' && !memchr(text + 1, '\\', n - 2) &&
        !memchr(text + 1, '\'', n - 2)) {
        char *v = stc_xstrndup(text + 1, n - 2);
        cJSON *j = cJSON_CreateString(v);
        free(v);
        return j;
    }
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithOpts(text, &end, true);
    return j;
}

char *stc_simctl_default_input(const stc_method *m)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; m && i < m->nparams; i++) {
        const stc_param *p = &m->params[i];
        if (p->vararg || p->kwarg || strcmp(p->name, "self") == 0)
            continue;
        cJSON *v = p->default_text ? stc_simctl_literal(p->default_text) : NULL;
        if (!v)
            v = stc_simctl_example(p->annotation ? p->annotation : "", p->name, 0);
        cJSON_AddItemToObject(o, p->name, v);
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static bool stc_simctl_is_jsonpath(const stc_simctl *s, const char *t)
{
    while (*t == ' ' || *t == '\t')
        t++;
    /* $states is JSONata's ("states" is not a variable name) */
    if (strncmp(t, "{%", 2) == 0 || strncmp(t, "$states", 7) == 0 || stc_sim_current_jsonata(s->sim))
        return false;
    if (stc_intrinsic_is_call(t))
        return true;
    char *msg = NULL;
    bool path = stc_jsonpath_is_path(t) && stc_jsonpath_check(t, false, &msg) == 0;
    free(msg);
    return path;
}

/* Evaluate the kept expression again (the state may have changed). */
static void stc_simctl_watch(stc_simctl *s)
{
    free(s->eval_result);
    s->eval_result = NULL;
    if (!s->eval_expr || !s->sim)
        return;
    s->eval_jsonata = !stc_simctl_is_jsonpath(s, s->eval_expr);
    cJSON *v = NULL;
    char *err = NULL;
    bool fn = false;
    if (stc_sim_evaluate(s->sim, s->eval_expr, s->eval_jsonata, &v, &fn, &err) < 0) {
        s->eval_failed = true;
        s->eval_result = err;
        return;
    }
    s->eval_failed = false;
    if (v) {
        s->eval_result = cJSON_PrintUnformatted(v);
        cJSON_Delete(v);
    } else {
        s->eval_result = stc_xstrdup(fn ? "(a function)" : "(undefined)");
    }
}

const char *stc_simctl_eval(stc_simctl *s, const char *text)
{
    const char *t = text;
    while (*t == ' ' || *t == '\t')
        t++;
    free(s->eval_expr);
    s->eval_expr = *t ? stc_xstrdup(t) : NULL;
    if (!s->eval_expr) {
        free(s->eval_result);
        s->eval_result = NULL;
        return "expression cleared";
    }
    if (!s->sim)
        return "no simulation: select a workflow and press s";
    stc_simctl_watch(s);
    snprintf(s->msg, sizeof s->msg, "%s %s: %s", s->eval_jsonata ? "JSONata" : "JSONPath",
             s->eval_failed ? "error" : "=", s->eval_result ? s->eval_result : "");
    return s->msg;
}

const char *stc_simctl_eval_expr(const stc_simctl *s)
{
    return s->eval_expr;
}

const char *stc_simctl_eval_result(const stc_simctl *s, bool *failed, bool *jsonata)
{
    *failed = s->eval_failed;
    *jsonata = s->eval_jsonata;
    return s->eval_result;
}

static void stc_simctl_refresh(stc_simctl *s)
{
    stc_simctl_watch(s);
    free(s->visited);
    s->visited = NULL;
    s->nvisited = 0;
    if (!s->sim)
        return;
    size_t n = stc_sim_event_count(s->sim);
    s->visited = stc_xcalloc(n + 1, sizeof *s->visited);
    for (size_t i = 0; i < n; i++) {
        const stc_sim_event *ev = stc_sim_event_at(s->sim, i);
        const char *t = stc_sim_event_type_name(ev->type);
        size_t tl = strlen(t);
        if (ev->state && tl > 7 && strcmp(t + tl - 7, "Entered") == 0) {
            bool seen = false;
            for (size_t k = 0; k < s->nvisited && !seen; k++)
                seen = strcmp(s->visited[k], ev->state) == 0;
            if (!seen)
                s->visited[s->nvisited++] = ev->state;
        }
    }
}

/* `_send_email(address="ann@example.com")`: the call a Task makes, from its
 * effective input (the Lambda payload for lambda:invoke). */
static char *stc_simctl_call_text(const char *key, const char *resource, const cJSON *input)
{
    const cJSON *args = input;
    if (resource && strcmp(resource, "arn:aws:states:::lambda:invoke") == 0)
        args = cJSON_GetObjectItemCaseSensitive(input, "Payload");
    stc_buf b = STC_BUF_INIT;
    stc_buf_printf(&b, "%s(", key);
    if (cJSON_IsObject(args)) {
        for (const cJSON *a = args->child; a; a = a->next) {
            char *v = cJSON_PrintUnformatted(a);
            stc_buf_printf(&b, "%s%s=%s", a == args->child ? "" : ", ", a->string, v);
            free(v);
        }
    } else if (args) {
        char *v = cJSON_PrintUnformatted(args);
        stc_buf_puts(&b, v);
        free(v);
    }
    stc_buf_puts(&b, ")");
    char *t = stc_buf_take(&b);
    if (strlen(t) > 160) {
        size_t cut = 150;
        while (cut > 0 && ((unsigned char)t[cut] & 0xC0) == 0x80)
            cut--;
        strcpy(t + cut, "\xE2\x80\xA6)");
    }
    return t;
}

/* The Task handler: the service-mode handler with the mocks file; for a key
 * the file lacks, the answers given so far, call by call; past them, stop
 * and ask (the step is undone by stc_simctl_settle). */
static int stc_simctl_task(void *ctx, stc_sim *sim, const char *state_name, const char *resource,
                           const cJSON *input, cJSON **result, char **error, char **cause)
{
    stc_simctl *s = ctx;
    const stc_wf_state *st = s->wf ? stc_workflow_state(s->wf, state_name) : NULL;
    const char *key = NULL;
    if (!st || st->call == STC_WF_CALL_NONE)
        key = state_name;
    else if (st->call == STC_WF_CALL_FUNCTION && st->callee)
        key = st->callee;
    if (!key || stc_mocks_has(s->mocks, key))
        return stc_svcmode_task(s->mode, sim, state_name, resource, input, result, error, cause);
    char *counter = stc_xasprintf(STC_SIMCTL_ASK_PREFIX "%s", key);
    unsigned call = stc_sim_call_index(sim, counter);
    free(counter);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(s->answers, key);
    if ((int)call < cJSON_GetArraySize(list))
        return stc_svcmode_task(s->answer_mode, sim, state_name, resource, input, result, error,
                                cause);
    stc_simctl_unwait(s);
    s->asked = true;
    s->wait_key = stc_xstrdup(key);
    s->wait_call = stc_simctl_call_text(key, resource, input);
    *error = stc_xasprintf("%s waits for the return value of %s", state_name, s->wait_call);
    return STC_TASK_ABORT;
}

/* Handlers over the current mocks and answers (both borrowed by them). */
static void stc_simctl_handlers(stc_simctl *s)
{
    stc_svcmode_free(s->mode);
    stc_svcmode_free(s->answer_mode);
    const char *const *express = (const char *const *)s->express;
    stc_svcmode_options so = {.mocks = s->mocks, .workflows = s->workflows, .express = express};
    s->mode = stc_svcmode_new(s->wf, &so);
    stc_svcmode_options ao = {.mocks = s->answer_mocks, .workflows = s->workflows, .express = express};
    s->answer_mode = stc_svcmode_new(s->wf, &ao);
}

static int stc_simctl_launch(stc_simctl *s, char **err)
{
    stc_sim_free(s->sim);
    s->sim = NULL;
    stc_simctl_unwait(s);
    cJSON *input = cJSON_Parse(s->input ? s->input : "{}");
    if (!input) {
        *err = stc_xstrdup("the input is not valid JSON");
        return -1;
    }
    /* the mocks may have changed: new handlers borrow the current ones */
    stc_simctl_handlers(s);
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = true;
    o.task = stc_simctl_task;
    o.task_ctx = s;
    o.state_machine_name = s->name;
    o.max_transitions = 100000;
    if (stc_simctl_is_express(s, s->name))
        o.time_limit_s = STC_EXPRESS_MAX_SECONDS;
    s->sim = stc_sim_new(s->machine, &o);
    stc_sim_start(s->sim, input);
    cJSON_Delete(input);
    stc_simctl_refresh(s);
    return 0;
}

int stc_simctl_start(stc_simctl *s, const char *name, const cJSON *asl, const stc_workflow *wf,
                     const stc_workflows *workflows, char **err)
{
    bool same = s->name && strcmp(s->name, name) == 0;
    stc_simctl_drop(s);
    if (!asl) {
        *err = stc_xasprintf("%s has no state machine (see Diagnostics)", name);
        return -1;
    }
    char *lerr = NULL;
    s->machine = stc_machine_load(asl, &lerr);
    if (!s->machine) {
        *err = stc_xasprintf("cannot simulate %s: %s", name, lerr ? lerr : "invalid machine");
        free(lerr);
        return -1;
    }
    if (!same) {
        free(s->name);
        s->name = stc_xstrdup(name);
        free(s->input);
        s->input = stc_simctl_default_input(wf ? wf->method : NULL);
        for (size_t i = 0; i < s->nbreaks; i++)
            free(s->breaks[i]);
        s->nbreaks = 0;
    }
    s->wf = wf;
    s->workflows = workflows;
    return stc_simctl_launch(s, err);
}

bool stc_simctl_active(const stc_simctl *s)
{
    return s && s->sim;
}

const char *stc_simctl_name(const stc_simctl *s)
{
    return s->name;
}

/* A step that stopped to ask is undone: the execution waits on the Task. */
static stc_sim_status stc_simctl_settle(stc_simctl *s, stc_sim_status st, int resume)
{
    if (st == STC_SIM_ERROR && s->asked) {
        s->asked = false;
        if (stc_sim_back(s->sim) == 0) {
            s->waiting = true;
            s->resume = resume;
            return stc_sim_get_status(s->sim);
        }
    }
    s->asked = false;
    return st;
}

static const char *stc_simctl_after(stc_simctl *s, stc_sim_status st)
{
    stc_simctl_refresh(s);
    if (s->waiting) {
        const char *cur = stc_sim_current_state(s->sim);
        snprintf(s->msg, sizeof s->msg, "%s: no mock for %s; give its return value", cur ? cur : "Task",
                 s->wait_key);
        return s->msg;
    }
    switch (st) {
    case STC_SIM_SUCCEEDED:
        snprintf(s->msg, sizeof s->msg, "execution SUCCEEDED after %zu steps", stc_sim_steps(s->sim));
        break;
    case STC_SIM_FAILED:
    case STC_SIM_TIMED_OUT:
        snprintf(s->msg, sizeof s->msg, "execution %s: %s%s%s", stc_sim_status_name(st), stc_sim_error(s->sim) ? stc_sim_error(s->sim) : "",
                 stc_sim_cause(s->sim) ? ": " : "", stc_sim_cause(s->sim) ? stc_sim_cause(s->sim) : "");
        break;
    case STC_SIM_ERROR:
        snprintf(s->msg, sizeof s->msg, "simulation stopped: %s", stc_sim_message(s->sim) ? stc_sim_message(s->sim) : "");
        break;
    default: {
        const char *cur = stc_sim_current_state(s->sim);
        snprintf(s->msg, sizeof s->msg, "step %zu: next %s", stc_sim_steps(s->sim), cur ? cur : "-");
        break;
    }
    }
    return s->msg;
}

static bool stc_simctl_done(const stc_simctl *s)
{
    stc_sim_status st = stc_sim_get_status(s->sim);
    return st == STC_SIM_SUCCEEDED || stc_sim_status_failed(st) || st == STC_SIM_ERROR;
}

static const char *stc_simctl_do_step(stc_simctl *s)
{
    stc_simctl_unwait(s);
    if (stc_simctl_done(s))
        return stc_simctl_after(s, stc_sim_get_status(s->sim));
    return stc_simctl_after(s, stc_simctl_settle(s, stc_sim_step(s->sim), STC_SIMCTL_STEP));
}

static const char *stc_simctl_do_run(stc_simctl *s)
{
    stc_simctl_unwait(s);
    return stc_simctl_after(s, stc_simctl_settle(s, stc_sim_run(s->sim, NULL), STC_SIMCTL_RUN));
}

static const char *stc_simctl_do_continue(stc_simctl *s)
{
    stc_simctl_unwait(s);
    stc_sim_status st = stc_sim_get_status(s->sim);
    /* step at least once, then stop before the next breakpoint */
    if (!stc_simctl_done(s))
        st = stc_sim_step(s->sim);
    while (st == STC_SIM_RUNNING || st == STC_SIM_READY) {
        const char *cur = stc_sim_current_state(s->sim);
        if (!cur || stc_simctl_is_break(s, cur))
            break;
        st = stc_sim_step(s->sim);
    }
    st = stc_simctl_settle(s, st, STC_SIMCTL_CONTINUE);
    const char *msg = stc_simctl_after(s, st);
    const char *cur = stc_sim_current_state(s->sim);
    if (s->waiting || !cur || !stc_simctl_is_break(s, cur))
        return msg;
    snprintf(s->msg, sizeof s->msg, "breakpoint: %s (step %zu)", cur, stc_sim_steps(s->sim));
    return s->msg;
}

const char *stc_simctl_step(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation: select a workflow and press s";
    return stc_simctl_do_step(s);
}

const char *stc_simctl_back(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation";
    stc_simctl_unwait(s);
    if (stc_sim_back(s->sim) != 0)
        return "at the start: nothing to undo";
    return stc_simctl_after(s, stc_sim_get_status(s->sim));
}

const char *stc_simctl_run(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation";
    return stc_simctl_do_run(s);
}

const char *stc_simctl_continue(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation";
    return stc_simctl_do_continue(s);
}

bool stc_simctl_waiting(const stc_simctl *s)
{
    return s && s->sim && s->waiting;
}

const char *stc_simctl_wait_call(const stc_simctl *s)
{
    return s->waiting ? s->wait_call : NULL;
}

const char *stc_simctl_wait_key(const stc_simctl *s)
{
    return s->waiting ? s->wait_key : NULL;
}

static const char *stc_simctl_skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

cJSON *stc_simctl_parse_answer(const char *text, char **err)
{
    const char *p = stc_simctl_skip_space(text);
    size_t n = strlen(p);
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n == 0) {
        *err = stc_xstrdup("type a JSON value (true, 3, \"text\", null, {...}) or raise ErrorName: cause");
        return NULL;
    }
    char *t = stc_xstrndup(p, n);
    cJSON *entry = NULL;
    if (strncmp(t, "raise", 5) == 0 && (t[5] == '\0' || t[5] == ' ' || t[5] == '\t')) {
        const char *name = stc_simctl_skip_space(t + 5);
        const char *colon = strchr(name, ':');
        size_t nl = colon ? (size_t)(colon - name) : strlen(name);
        while (nl > 0 && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
            nl--;
        bool ok = nl > 0;
        for (size_t i = 0; i < nl; i++)
            if (name[i] == ' ' || name[i] == '\t' || name[i] == '"')
                ok = false;
        if (!ok) {
            *err = stc_xstrdup("raise needs an error name: raise ErrorName or raise ErrorName: cause");
        } else {
            entry = cJSON_CreateObject();
            char *e = stc_xstrndup(name, nl);
            cJSON_AddStringToObject(entry, "raise", e);
            free(e);
            if (colon)
                cJSON_AddStringToObject(entry, "cause", stc_simctl_skip_space(colon + 1));
        }
    } else {
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithOpts(t, &end, true);
        if (!v) {
            *err = stc_xasprintf("not JSON (text needs quotes: \"%s\"), nor raise ErrorName: cause", t);
        } else {
            entry = cJSON_CreateObject();
            cJSON_AddItemToObject(entry, "return", v);
        }
    }
    free(t);
    return entry;
}

size_t stc_simctl_answer_count(const stc_simctl *s)
{
    size_t n = 0;
    for (const cJSON *k = s->answers->child; k; k = k->next)
        n += (size_t)cJSON_GetArraySize(k);
    return n;
}

const char *stc_simctl_answer(stc_simctl *s, const char *text, char **err)
{
    if (!stc_simctl_waiting(s)) {
        *err = stc_xstrdup("no Task is waiting for a value");
        return NULL;
    }
    cJSON *entry = stc_simctl_parse_answer(text, err);
    if (!entry)
        return NULL;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(s->answers, s->wait_key);
    if (!list)
        list = cJSON_AddArrayToObject(s->answers, s->wait_key);
    cJSON_AddItemToArray(list, entry);
    stc_mocks *m = NULL;
    char *merr = NULL;
    if (stc_mocks_from_json(s->answers, &m, &merr) != 0) {
        /* cannot happen: every entry came from stc_simctl_parse_answer */
        cJSON_DeleteItemFromArray(list, cJSON_GetArraySize(list) - 1);
        *err = merr;
        return NULL;
    }
    stc_mocks_free(s->answer_mocks);
    s->answer_mocks = m;
    stc_simctl_handlers(s);
    switch (s->resume) {
    case STC_SIMCTL_RUN: return stc_simctl_do_run(s);
    case STC_SIMCTL_CONTINUE: return stc_simctl_do_continue(s);
    default: return stc_simctl_do_step(s);
    }
}

const char *stc_simctl_current(const stc_simctl *s)
{
    return s->sim ? stc_sim_current_state(s->sim) : NULL;
}

size_t stc_simctl_visited(const stc_simctl *s, const char *const **out)
{
    *out = s->visited;
    return s->nvisited;
}

void stc_simctl_toggle_break(stc_simctl *s, const char *state)
{
    for (size_t i = 0; i < s->nbreaks; i++)
        if (strcmp(s->breaks[i], state) == 0) {
            free(s->breaks[i]);
            s->breaks[i] = s->breaks[--s->nbreaks];
            return;
        }
    s->breaks = stc_xrealloc(s->breaks, (s->nbreaks + 1) * sizeof *s->breaks);
    s->breaks[s->nbreaks++] = stc_xstrdup(state);
}

bool stc_simctl_is_break(const stc_simctl *s, const char *state)
{
    for (size_t i = 0; state && i < s->nbreaks; i++)
        if (strcmp(s->breaks[i], state) == 0)
            return true;
    return false;
}

const char *stc_simctl_input_text(const stc_simctl *s)
{
    return s->input ? s->input : "{}";
}

int stc_simctl_set_input(stc_simctl *s, const char *json, char **err)
{
    cJSON *v = cJSON_Parse(json);
    if (!v) {
        *err = stc_xasprintf("not valid JSON: %s", json);
        return -1;
    }
    cJSON_Delete(v);
    free(s->input);
    s->input = stc_xstrdup(json);
    if (!s->machine)
        return 0;
    return stc_simctl_launch(s, err);
}

int stc_simctl_load_mocks(stc_simctl *s, const char *path, char **err)
{
    stc_mocks *m = NULL;
    bool io = false;
    if (!path)
        m = stc_mocks_new();
    else if (stc_mocks_load(path, &m, err, &io) < 0)
        return -1;
    stc_mocks_free(s->mocks);
    s->mocks = m;
    free(s->mocks_path);
    s->mocks_path = path ? stc_xstrdup(path) : NULL;
    cJSON_Delete(s->answers);
    s->answers = cJSON_CreateObject();
    stc_mocks_free(s->answer_mocks);
    s->answer_mocks = stc_mocks_new();
    if (!s->machine)
        return 0;
    return stc_simctl_launch(s, err);
}

const char *stc_simctl_replay(stc_simctl *s, const char *name, const cJSON *asl, const stc_workflow *wf,
                              const stc_workflows *workflows, const char *input, const cJSON *mocks,
                              const char *label, char **err)
{
    stc_mocks *m = NULL;
    cJSON *in = cJSON_Parse(input ? input : "{}");
    if (!in) {
        *err = stc_xstrdup("the execution's input is not JSON");
        return NULL;
    }
    cJSON_Delete(in);
    if (stc_mocks_from_json(mocks, &m, err) != 0)
        return NULL;
    if (stc_simctl_start(s, name, asl, wf, workflows, err) != 0) {
        stc_mocks_free(m);
        return NULL;
    }
    stc_mocks_free(s->mocks);
    s->mocks = m;
    free(s->mocks_path);
    s->mocks_path = stc_xstrdup(label);
    cJSON_Delete(s->answers);
    s->answers = cJSON_CreateObject();
    stc_mocks_free(s->answer_mocks);
    s->answer_mocks = stc_mocks_new();
    free(s->input);
    s->input = stc_xstrdup(input ? input : "{}");
    if (stc_simctl_launch(s, err) != 0)
        return NULL;
    return stc_simctl_run(s);
}

const char *stc_simctl_mocks_path(const stc_simctl *s)
{
    return s->mocks_path;
}

static void stc_simctl_json_line(stc_rich *out, const char *label, const cJSON *v, int el)
{
    stc_rich_addf(out, STC_EL_SIM_LABEL, "%-7s", label);
    char *t = v ? cJSON_PrintUnformatted(v) : NULL;
    stc_rich_addf(out, el, "%s\n", t ? t : "-");
    free(t);
}

void stc_simctl_describe(const stc_simctl *s, stc_rich *out, int rows)
{
    if (!s->sim) {
        stc_rich_add(out, STC_EL_DIM, "Select a workflow (WF or async REST) and press s to simulate it.\n");
        return;
    }
    stc_sim_status st = stc_sim_get_status(s->sim);
    int used = 0;
    stc_rich_addf(out, STC_EL_PANE_TITLE, "%s ", s->name);
    int sel = stc_sim_status_failed(st) || st == STC_SIM_ERROR ? STC_EL_SIM_STATUS_FAIL : STC_EL_SIM_STATUS_OK;
    stc_rich_addf(out, sel, "%s", s->waiting ? "WAITING" : stc_sim_status_name(st));
    long long secs = (long long)((stc_sim_time(s->sim) - STC_SIM_DEFAULT_EPOCH_MS) / 1000);
    stc_rich_addf(out, STC_EL_DIM, "  step %zu  t = +%lld s  %ld transitions\n", stc_sim_steps(s->sim), secs,
                  stc_sim_transitions(s->sim));
    used++;
    const char *cur = stc_sim_current_state(s->sim);
    stc_rich_add(out, STC_EL_SIM_LABEL, "at     ");
    stc_rich_addf(out, STC_EL_NORMAL, "%s%s\n", cur ? cur : st == STC_SIM_SUCCEEDED ? "(finished)" : "(stopped)",
                  cur && stc_simctl_is_break(s, cur) ? "  [breakpoint]" : "");
    used++;
    if (cur && s->waiting) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "needs  ");
        stc_rich_addf(out, STC_EL_SIM_STATUS_FAIL, "%s", s->wait_call);
        stc_rich_add(out, STC_EL_NORMAL, " -> ?\n");
        stc_rich_add(out, STC_EL_DIM, "       no mock: type the value below (Esc waits here)\n");
        used += 2;
    }
    if (cur) {
        const cJSON *in = stc_sim_current_input(s->sim);
        stc_simctl_json_line(out, "in", in, STC_EL_NORMAL);
        used++;
        /* a compiled workflow keeps its Python variables in $.vars */
        const cJSON *pyvars = in ? cJSON_GetObjectItemCaseSensitive(in, "vars") : NULL;
        for (const cJSON *v = pyvars ? pyvars->child : NULL; v; v = v->next) {
            const cJSON *val = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "value") : v;
            char *t = val ? cJSON_PrintUnformatted(val) : stc_xstrdup("-");
            stc_rich_addf(out, STC_EL_SIM_LABEL, "  var  ");
            stc_rich_addf(out, STC_EL_JSON_KEY, "%s", v->string);
            stc_rich_addf(out, STC_EL_NORMAL, " = %s\n", t);
            free(t);
            used++;
        }
    }
    /* the workflow variables (Assign) the next state reads (after the end:
     * the execution's), rebuilt at every step and after stepping back */
    cJSON *vars = stc_sim_variables(s->sim);
    for (const cJSON *v = vars->child; v; v = v->next) {
        char *t = cJSON_PrintUnformatted(v);
        stc_rich_add(out, STC_EL_SIM_LABEL, v == vars->child ? "vars   " : "       ");
        stc_rich_addf(out, STC_EL_JSON_KEY, "$%s", v->string);
        stc_rich_addf(out, STC_EL_NORMAL, " = %s\n", t ? t : "?");
        free(t);
        used++;
    }
    cJSON_Delete(vars);
    if (s->eval_expr) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "=      ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s", s->eval_expr);
        stc_rich_addf(out, STC_EL_DIM, "  (%s)\n", s->eval_jsonata ? "JSONata" : "JSONPath");
        stc_rich_add(out, STC_EL_SIM_LABEL, "       ");
        stc_rich_addf(out, s->eval_failed ? STC_EL_SIM_STATUS_FAIL : STC_EL_SIM_STATUS_OK, "%s\n",
                      s->eval_result ? s->eval_result : "");
        used += 2;
    }
    if (st == STC_SIM_SUCCEEDED) {
        stc_simctl_json_line(out, "output", stc_sim_output(s->sim), STC_EL_SIM_STATUS_OK);
        used++;
    } else if (stc_sim_status_failed(st)) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "error  ");
        stc_rich_addf(out, STC_EL_SIM_STATUS_FAIL, "%s", stc_sim_error(s->sim) ? stc_sim_error(s->sim) : "");
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s\n", stc_sim_cause(s->sim) ? ": " : "",
                      stc_sim_cause(s->sim) ? stc_sim_cause(s->sim) : "");
        used++;
    } else if (st == STC_SIM_ERROR) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "stop   ");
        stc_rich_addf(out, STC_EL_SIM_STATUS_FAIL, "%s\n", stc_sim_message(s->sim) ? stc_sim_message(s->sim) : "");
        used += 2;
    }
    stc_rich_add(out, STC_EL_SIM_LABEL, "mocks  ");
    stc_rich_addf(out, STC_EL_DIM, "%s\n", s->mocks_path ? s->mocks_path : "(none: o picks a file; a Task asks)");
    used++;
    if (s->answers->child) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "asked  ");
        for (const cJSON *k = s->answers->child; k; k = k->next) {
            stc_rich_addf(out, STC_EL_DIM, "%s%s:", k == s->answers->child ? "" : "; ", k->string);
            for (const cJSON *e = k->child; e; e = e->next) {
                const cJSON *ret = cJSON_GetObjectItemCaseSensitive(e, "return");
                char *t = ret ? cJSON_PrintUnformatted(ret)
                              : stc_xasprintf("raise %s", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "raise")));
                stc_rich_addf(out, STC_EL_DIM, " %s", t);
                free(t);
            }
        }
        stc_rich_add(out, STC_EL_DIM, "\n");
        used++;
    }
    /* the latest events that fit */
    size_t n = stc_sim_event_count(s->sim);
    int room = rows - used - 1;
    if (room <= 0 || n == 0)
        return;
    stc_rich_add(out, STC_EL_SIM_LABEL, "history\n");
    size_t from = n > (size_t)room ? n - (size_t)room : 0;
    for (size_t i = from; i < n; i++) {
        const stc_sim_event *ev = stc_sim_event_at(s->sim, i);
        long long t = (long long)((ev->time_ms - STC_SIM_DEFAULT_EPOCH_MS) / 1000);
        if (ev->id)
            stc_rich_addf(out, STC_EL_DIM, " #%-3ld +%llds %s", ev->id, t, stc_sim_event_type_name(ev->type));
        else /* ours (a retry), not numbered as AWS's events */
            stc_rich_addf(out, STC_EL_DIM, "      +%llds %s", t, stc_sim_event_type_name(ev->type));
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s\n", ev->state ? " " : "", ev->state ? ev->state : "");
    }
}
