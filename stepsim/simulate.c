/* simulate.c - run a machine to the end and print it (see simulate.h). */
#include "stepsim/simulate.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "stepsim/choice.h"

char *stc_simulate_event_line(const stc_sim_event *ev)
{
    char ts[40];
    stc_timestamp_format(ev->time_ms, ts, sizeof ts);
    stc_buf b = STC_BUF_INIT;
    if (ev->id)
        stc_buf_printf(&b, "#%-4ld %s %-24s", ev->id, ts, stc_sim_event_type_name(ev->type));
    else /* ours, not in AWS's history: no id */
        stc_buf_printf(&b, "      %s %-24s", ts, stc_sim_event_type_name(ev->type));
    if (ev->state)
        stc_buf_printf(&b, " %s", ev->state);
    if (ev->flow && *ev->flow)
        stc_buf_printf(&b, " [%s]", ev->flow);
    for (const cJSON *c = ev->details ? ev->details->child : NULL; c; c = c->next) {
        char *v = cJSON_PrintUnformatted(c);
        stc_buf_printf(&b, " %s=%s", c->string, v);
        free(v);
    }
    return stc_buf_take(&b);
}

static cJSON *str_or_null(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

int stc_simulate_run_and_print(const stc_machine *m, const cJSON *input,
                               const stc_simulate_options *o, FILE *out, FILE *err)
{
    const char *prog = o->prog ? o->prog : "simulate";
    stc_sim_options so;
    stc_sim_options_init(&so);
    so.undo = false;           /* batch: never steps back */
    so.history = o->trace;     /* events only for --trace */
    so.task = o->task;
    so.task_ctx = o->task_ctx;
    if (o->max_transitions > 0)
        so.max_transitions = o->max_transitions;
    so.time_limit_s = o->time_limit_s;
    stc_sim *sim = stc_sim_new(m, &so);
    stc_sim_start(sim, input);
    stc_sim_status st = stc_sim_run(sim, NULL);
    /* continue-as-new: earlier executions' transitions and events */
    long carried = 0;
    cJSON *earlier = o->trace && o->json ? cJSON_CreateArray() : NULL;
    cJSON *next = NULL;
    while (st == STC_SIM_SUCCEEDED && o->take_restart && o->take_restart(o->task_ctx, &next)) {
        carried += stc_sim_transitions(sim);
        for (size_t i = 0; o->trace && i < stc_sim_event_count(sim); i++) {
            if (earlier) {
                cJSON_AddItemToArray(earlier, stc_sim_event_json(stc_sim_event_at(sim, i)));
            } else {
                char *line = stc_simulate_event_line(stc_sim_event_at(sim, i));
                fprintf(out, "%s\n", line);
                free(line);
            }
        }
        if (carried >= so.max_transitions) {
            cJSON_Delete(next);
            fprintf(err, "%s: the execution reached the bound of %ld transitions over its "
                         "continued executions (the machine may loop forever)\n",
                    prog, so.max_transitions);
            cJSON_Delete(earlier);
            stc_sim_free(sim);
            return STC_SIMULATE_INVALID;
        }
        stc_sim_continue_as_new(sim, next);
        cJSON_Delete(next);
        st = stc_sim_run(sim, NULL);
    }
    if (st == STC_SIM_ERROR) {
        fprintf(err, "%s: %s\n", prog, stc_sim_message(sim));
        bool bound = stc_sim_transitions(sim) >= so.max_transitions;
        cJSON_Delete(earlier);
        stc_sim_free(sim);
        return bound ? STC_SIMULATE_INVALID : STC_SIMULATE_USAGE;
    }
    bool ok = st == STC_SIM_SUCCEEDED;
    if (o->json) {
        cJSON *doc = cJSON_CreateObject();
        cJSON_AddStringToObject(doc, "status", stc_sim_status_name(st));
        const cJSON *output = ok ? stc_sim_output(sim) : NULL;
        cJSON_AddItemToObject(doc, "output",
                              output ? cJSON_Duplicate(output, true) : cJSON_CreateNull());
        cJSON_AddItemToObject(doc, "error", str_or_null(ok ? NULL : stc_sim_error(sim)));
        cJSON_AddItemToObject(doc, "cause", str_or_null(ok ? NULL : stc_sim_cause(sim)));
        cJSON_AddNumberToObject(doc, "transitions", (double)(carried + stc_sim_transitions(sim)));
        if (o->trace) {
            cJSON *evs = earlier;
            earlier = NULL;
            cJSON_AddItemToObject(doc, "events", evs);
            for (size_t i = 0; i < stc_sim_event_count(sim); i++)
                cJSON_AddItemToArray(evs, stc_sim_event_json(stc_sim_event_at(sim, i)));
        }
        char *txt = cJSON_Print(doc);
        fprintf(out, "%s\n", txt);
        free(txt);
        cJSON_Delete(doc);
    } else {
        if (o->trace) {
            for (size_t i = 0; i < stc_sim_event_count(sim); i++) {
                char *line = stc_simulate_event_line(stc_sim_event_at(sim, i));
                fprintf(out, "%s\n", line);
                free(line);
            }
        }
        fprintf(out, "status: %s\n", stc_sim_status_name(st));
        if (ok) {
            char *txt = cJSON_PrintUnformatted(stc_sim_output(sim));
            fprintf(out, "output: %s\n", txt);
            free(txt);
        } else {
            fprintf(out, "error: %s\n", stc_sim_error(sim) ? stc_sim_error(sim) : "(none)");
            fprintf(out, "cause: %s\n", stc_sim_cause(sim) ? stc_sim_cause(sim) : "(none)");
        }
        fprintf(out, "transitions: %ld\n", carried + stc_sim_transitions(sim));
    }
    cJSON_Delete(earlier);
    stc_sim_free(sim);
    return ok ? STC_SIMULATE_SUCCEEDED : STC_SIMULATE_FAILED;
}

int stc_simulate_asl_and_print(const cJSON *asl, const cJSON *input,
                               const stc_simulate_options *o, FILE *out, FILE *err)
{
    char *msg = NULL;
    stc_machine *m = stc_machine_load(asl, &msg);
    if (!m) {
        fprintf(err, "%s: invalid state machine: %s\n", o->prog ? o->prog : "simulate", msg);
        free(msg);
        return STC_SIMULATE_INVALID;
    }
    int rc = stc_simulate_run_and_print(m, input, o, out, err);
    stc_machine_free(m);
    return rc;
}
