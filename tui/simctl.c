/* simctl.c - see simctl.h. */
#include "tui/simctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stepsim/machine.h"
#include "stepsim/mocks.h"
#include "stepsim/sim.h"
#include "stepsim/svcmode.h"
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
    stc_svcmode *mode;      /* the service-mode Task handler (stepsim/svcmode.h) */
    const char **visited;  /* rebuilt from the history */
    size_t nvisited;
    char msg[256];
};

stc_simctl *stc_simctl_new(void)
{
    stc_simctl *s = stc_xcalloc(1, sizeof *s);
    s->mocks = stc_mocks_new();
    return s;
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
    s->wf = NULL;
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
    for (size_t i = 0; i < s->nbreaks; i++)
        free(s->breaks[i]);
    free(s->breaks);
    free(s->name);
    free(s->mocks_path);
    free(s->input);
    free(s);
}

/* A starting input from the method's parameters: defaults when they are
 * JSON, else an empty value of the annotated type. */
static char *stc_simctl_default_input(const stc_workflow *wf)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; wf && wf->method && i < wf->method->nparams; i++) {
        const stc_param *p = &wf->method->params[i];
        cJSON *v = NULL;
        if (p->default_text) {
            if (strcmp(p->default_text, "None") == 0)
                v = cJSON_CreateNull();
            else if (strcmp(p->default_text, "True") == 0 || strcmp(p->default_text, "False") == 0)
                v = cJSON_CreateBool(p->default_text[0] == 'T');
            else
                v = cJSON_Parse(p->default_text);
        }
        const char *a = p->annotation ? p->annotation : "";
        if (!v) {
            if (strcmp(a, "int") == 0 || strcmp(a, "float") == 0)
                v = cJSON_CreateNumber(0);
            else if (strcmp(a, "bool") == 0)
                v = cJSON_CreateFalse();
            else if (strncmp(a, "list", 4) == 0)
                v = cJSON_CreateArray();
            else if (strncmp(a, "dict", 4) == 0)
                v = cJSON_CreateObject();
            else
                v = cJSON_CreateString(p->name);
        }
        cJSON_AddItemToObject(o, p->name, v);
    }
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static void stc_simctl_refresh(stc_simctl *s)
{
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

static int stc_simctl_launch(stc_simctl *s, char **err)
{
    stc_sim_free(s->sim);
    s->sim = NULL;
    cJSON *input = cJSON_Parse(s->input ? s->input : "{}");
    if (!input) {
        *err = stc_xstrdup("the input is not valid JSON");
        return -1;
    }
    /* the mocks may have changed: a new handler borrows the current ones */
    stc_svcmode_free(s->mode);
    stc_svcmode_options so = {.mocks = s->mocks};
    s->mode = stc_svcmode_new(s->wf, &so);
    stc_sim_options o;
    stc_sim_options_init(&o);
    o.undo = true;
    o.task = stc_svcmode_task;
    o.task_ctx = s->mode;
    o.state_machine_name = s->name;
    o.max_transitions = 100000;
    s->sim = stc_sim_new(s->machine, &o);
    stc_sim_start(s->sim, input);
    cJSON_Delete(input);
    stc_simctl_refresh(s);
    return 0;
}

int stc_simctl_start(stc_simctl *s, const char *name, const cJSON *asl, const stc_workflow *wf,
                     char **err)
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
        s->input = stc_simctl_default_input(wf);
        for (size_t i = 0; i < s->nbreaks; i++)
            free(s->breaks[i]);
        s->nbreaks = 0;
    }
    s->wf = wf;
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

static const char *stc_simctl_after(stc_simctl *s, stc_sim_status st)
{
    stc_simctl_refresh(s);
    switch (st) {
    case STC_SIM_SUCCEEDED:
        snprintf(s->msg, sizeof s->msg, "execution SUCCEEDED after %zu steps", stc_sim_steps(s->sim));
        break;
    case STC_SIM_FAILED:
        snprintf(s->msg, sizeof s->msg, "execution FAILED: %s%s%s", stc_sim_error(s->sim) ? stc_sim_error(s->sim) : "",
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
    return st == STC_SIM_SUCCEEDED || st == STC_SIM_FAILED || st == STC_SIM_ERROR;
}

const char *stc_simctl_step(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation: select a workflow and press s";
    if (stc_simctl_done(s))
        return stc_simctl_after(s, stc_sim_get_status(s->sim));
    return stc_simctl_after(s, stc_sim_step(s->sim));
}

const char *stc_simctl_back(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation";
    if (stc_sim_back(s->sim) != 0)
        return "at the start: nothing to undo";
    return stc_simctl_after(s, stc_sim_get_status(s->sim));
}

const char *stc_simctl_run(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation";
    return stc_simctl_after(s, stc_sim_run(s->sim, NULL));
}

const char *stc_simctl_continue(stc_simctl *s)
{
    if (!s->sim)
        return "no simulation";
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
    const char *msg = stc_simctl_after(s, st);
    const char *cur = stc_sim_current_state(s->sim);
    if (cur && stc_simctl_is_break(s, cur))
        snprintf(s->msg, sizeof s->msg, "breakpoint: %s (step %zu)", cur, stc_sim_steps(s->sim));
    else
        return msg;
    return s->msg;
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
    if (stc_mocks_load(path, &m, err, &io) < 0)
        return -1;
    stc_mocks_free(s->mocks);
    s->mocks = m;
    free(s->mocks_path);
    s->mocks_path = stc_xstrdup(path);
    if (!s->machine)
        return 0;
    return stc_simctl_launch(s, err);
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
    int sel = st == STC_SIM_FAILED || st == STC_SIM_ERROR ? STC_EL_SIM_STATUS_FAIL : STC_EL_SIM_STATUS_OK;
    stc_rich_addf(out, sel, "%s", stc_sim_status_name(st));
    long long secs = (long long)((stc_sim_time(s->sim) - STC_SIM_DEFAULT_EPOCH_MS) / 1000);
    stc_rich_addf(out, STC_EL_DIM, "  step %zu  t = +%lld s  %ld transitions\n", stc_sim_steps(s->sim), secs,
                  stc_sim_transitions(s->sim));
    used++;
    const char *cur = stc_sim_current_state(s->sim);
    stc_rich_add(out, STC_EL_SIM_LABEL, "at     ");
    stc_rich_addf(out, STC_EL_NORMAL, "%s%s\n", cur ? cur : st == STC_SIM_SUCCEEDED ? "(finished)" : "(stopped)",
                  cur && stc_simctl_is_break(s, cur) ? "  [breakpoint]" : "");
    used++;
    if (cur) {
        const cJSON *in = stc_sim_current_input(s->sim);
        stc_simctl_json_line(out, "in", in, STC_EL_NORMAL);
        used++;
        const cJSON *vars = in ? cJSON_GetObjectItemCaseSensitive(in, "vars") : NULL;
        for (const cJSON *v = vars ? vars->child : NULL; v; v = v->next) {
            const cJSON *val = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, "value") : v;
            char *t = val ? cJSON_PrintUnformatted(val) : stc_xstrdup("-");
            stc_rich_addf(out, STC_EL_SIM_LABEL, "  var  ");
            stc_rich_addf(out, STC_EL_JSON_KEY, "%s", v->string);
            stc_rich_addf(out, STC_EL_NORMAL, " = %s\n", t);
            free(t);
            used++;
        }
    }
    if (st == STC_SIM_SUCCEEDED) {
        stc_simctl_json_line(out, "output", stc_sim_output(s->sim), STC_EL_SIM_STATUS_OK);
        used++;
    } else if (st == STC_SIM_FAILED) {
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
    stc_rich_addf(out, STC_EL_DIM, "%s\n", s->mocks_path ? s->mocks_path : "(none: o loads a file)");
    used++;
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
        stc_rich_addf(out, STC_EL_DIM, " #%-3ld +%llds %s", ev->id, t, stc_sim_event_type_name(ev->type));
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s\n", ev->state ? " " : "", ev->state ? ev->state : "");
    }
}
