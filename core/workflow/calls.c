/* calls.c - calls of internal functions and workflows, the same for every
 * back end: which unit a call reaches, its arguments by the callee's
 * parameter names, and the shapes gather(...) and a Map comprehension may
 * take. Every refusal is a diagnostic at the call. See wf.h. */
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/workflow/wf.h"

#define WF_TEXT_MAX 40

/* The unit of `self.name(...)` when a workflow may call it; else a diagnostic
 * and NULL. */
const stc_unit_info *wf_callee(wf_ctx *c, const stc_node *call)
{
    const char *name = call->a->id;
    const stc_unit_info *u = wf_unit(c, name);
    if (!u) {
        wf_diag(c, call, WF_E_CALL, "'%s.%s' is not a method of %s", call->a->a->id, name,
                c->m->service->name);
        return NULL;
    }
    if (u->kind == STC_KIND_HELPER) {
        stc_diag *dg = wf_diag(c, call, WF_E_HELPER,
                               "the helper '%s' cannot be called inside a workflow: a state machine "
                               "runs no Python",
                               name);
        stc_diag_set_hint(dg, "call it from an internal function such as _%s(...), or rename it to "
                              "_%s to make it an internal function",
                          name + 2, name + 2);
        return NULL;
    }
    if (u->unit == STC_UNIT_STATE_MACHINE && u->method->is_async)
        return u;
    if (u->kind == STC_KIND_FUNCTION && !u->method->is_async)
        return u;
    stc_diag *dg = wf_diag(c, call, WF_E_CALL,
                           "'%s' is a %s method, not an internal function: a workflow can call "
                           "internal functions (_name) and workflows only",
                           name, stc_kind_json(u->kind));
    stc_diag_set_hint(dg, "move the shared code into an internal function such as _%s(...) and "
                          "call that",
                      name[0] == '_' ? name + 1 : name);
    return NULL;
}

static ssize_t wf_param_index(const stc_method *m, const char *name)
{
    for (size_t i = 0; i < m->nparams; i++)
        if (strcmp(m->params[i].name, name) == 0 && !m->params[i].vararg && !m->params[i].kwarg)
            return (ssize_t)i;
    return -1;
}

void wf_call_args(wf_ctx *c, const stc_node *call, const stc_method *callee,
                  void (*each)(wf_ctx *c, void *ud, const char *param, const stc_node *arg),
                  void *ud)
{
    bool *given = stc_xcalloc(callee->nparams + 1, sizeof *given);
    size_t next = 0;
    for (size_t i = 0; i < call->l1.count; i++) {
        const stc_node *a = call->l1.items[i];
        if (a->kind == STC_N_STARRED) {
            wf_diag(c, a, WF_E_ARGUMENTS,
                    "'*' arguments cannot be mapped onto '%s' parameter names; pass each argument",
                    callee->name);
            continue;
        }
        while (next < callee->nparams &&
               (callee->params[next].kwonly || callee->params[next].vararg ||
                callee->params[next].kwarg))
            next++;
        if (next >= callee->nparams) {
            wf_diag(c, a, WF_E_ARGUMENTS, "too many arguments: '%s' takes %zu", callee->name,
                    callee->nparams);
            continue;
        }
        each(c, ud, callee->params[next].name, a);
        given[next++] = true;
    }
    for (size_t i = 0; i < call->l2.count; i++) {
        const stc_node *k = call->l2.items[i];
        if (!k->id) {
            wf_diag(c, k, WF_E_ARGUMENTS,
                    "'**' arguments cannot be mapped onto '%s' parameter names; pass each by name",
                    callee->name);
            continue;
        }
        ssize_t idx = wf_param_index(callee, k->id);
        if (idx < 0 || callee->params[idx].posonly) {
            stc_diag *dg = wf_diag(c, k, WF_E_ARGUMENTS, "'%s' has no parameter '%s'",
                                   callee->name, k->id);
            int best = 3;
            const char *sug = NULL;
            for (size_t p = 0; p < callee->nparams; p++) {
                int dd = stc_edit_distance(k->id, callee->params[p].name);
                if (dd < best) {
                    best = dd;
                    sug = callee->params[p].name;
                }
            }
            if (sug)
                stc_diag_set_hint(dg, "did you mean '%s'?", sug);
            continue;
        }
        if (given[idx]) {
            wf_diag(c, k, WF_E_ARGUMENTS, "'%s' gets '%s' twice", callee->name, k->id);
            continue;
        }
        each(c, ud, k->id, k->a);
        given[idx] = true;
    }
    for (size_t i = 0; i < callee->nparams; i++) {
        const stc_param *p = &callee->params[i];
        if (!given[i] && !p->default_node && !p->vararg && !p->kwarg)
            wf_diag(c, call, WF_E_ARGUMENTS, "'%s' needs the argument '%s'", callee->name,
                    p->name);
    }
    free(given);
}

/* A call allowed as a branch or Map item: self._fn(...) or an un-awaited
 * self._workflow(...) coroutine. */
const stc_unit_info *wf_item_call(wf_ctx *c, const stc_node *n)
{
    if (!wf_is_self_call(c, n)) {
        char *t = wf_text(c, n, WF_TEXT_MAX);
        wf_diag(c, n, WF_E_COMPREHENSION,
                "'%s' is not a call of an internal function or workflow, so it cannot become a "
                "Parallel branch or a Map item",
                t);
        free(t);
        return NULL;
    }
    return wf_callee(c, n);
}

const stc_unit_info *wf_map_shape(wf_ctx *c, const stc_node *comp, bool concurrent, bool nested)
{
    const stc_node *gen = comp->l1.count == 1 ? comp->l1.items[0] : NULL;
    if (!gen || gen->l1.count || gen->level || gen->a->kind != STC_N_NAME) {
        stc_diag *dg = wf_diag(c, comp, WF_E_COMPREHENSION,
                               "only '[self._fn(...) for x in xs]' (one 'for', no 'if') becomes a "
                               "Map");
        stc_diag_set_hint(dg, "filter or combine the items in an internal function");
        return NULL;
    }
    if (nested) {
        wf_diag(c, comp, WF_E_COMPREHENSION, "a Map inside a Map item is not supported; call an "
                                             "internal function that does the inner loop");
        return NULL;
    }
    const stc_node *elt = comp->a;
    const stc_unit_info *u = wf_item_call(c, elt);
    if (!u)
        return NULL;
    if (u->method->is_async && !concurrent) {
        wf_diag(c, elt, WF_E_AWAIT,
                "a list of '%s(...)' coroutines is never awaited: write 'await gather(*[...])'",
                u->method->name);
        return NULL;
    }
    return u;
}

const stc_unit_info **wf_gather_shape(wf_ctx *c, const stc_node *gather, size_t ntargets,
                                      const stc_node **comp, bool *ok)
{
    *comp = NULL;
    *ok = false;
    if (gather->l2.count) {
        wf_diag(c, gather->l2.items[0], WF_E_ARGUMENTS,
                "gather() options have no Parallel equivalent; remove them");
        return NULL;
    }
    if (gather->l1.count == 1 && gather->l1.items[0]->kind == STC_N_STARRED) {
        const stc_node *inner = gather->l1.items[0]->a;
        if (inner->kind != STC_N_LIST_COMP && inner->kind != STC_N_GENERATOR_EXP) {
            wf_diag(c, inner, WF_E_COMPREHENSION,
                    "gather(*...) becomes a Map only over '[self._fn(x) for x in xs]'");
            return NULL;
        }
        if (ntargets) {
            wf_diag(c, gather, WF_E_TARGET,
                    "the results of gather(*[...]) are a list of unknown length; assign it to one "
                    "name");
            return NULL;
        }
        *comp = inner;
        *ok = true;
        return NULL;
    }
    if (!gather->l1.count) {
        wf_diag(c, gather, WF_E_ARGUMENTS, "gather() with nothing to run");
        return NULL;
    }
    if (ntargets && ntargets != gather->l1.count) {
        wf_diag(c, gather, WF_E_TARGET, "%zu names for the %zu results of gather()",
                ntargets, gather->l1.count);
        return NULL;
    }
    const stc_unit_info **us = stc_xcalloc(gather->l1.count, sizeof *us);
    for (size_t i = 0; i < gather->l1.count; i++) {
        us[i] = wf_item_call(c, gather->l1.items[i]);
        if (!us[i]) {
            free(us);
            return NULL;
        }
    }
    *ok = true;
    return us;
}

wf_call_kind wf_call_classify(wf_ctx *c, const stc_node *n, const stc_node **inner,
                              const stc_unit_info **unit)
{
    *inner = n;
    *unit = NULL;
    bool awaited = false;
    if (n->kind == STC_N_AWAIT) {
        *inner = n->a;
        awaited = true;
    }
    const stc_node *in = *inner;
    if (in->kind == STC_N_LIST_COMP || in->kind == STC_N_GENERATOR_EXP) {
        if (awaited) {
            wf_diag(c, n, WF_E_AWAIT, "a list cannot be awaited; write 'await gather(*[...])'");
            return WF_CALL_DONE;
        }
        return WF_CALL_COMPREHENSION;
    }
    if (in->kind != STC_N_CALL) {
        if (awaited) {
            wf_diag(c, n, WF_E_AWAIT,
                    "only workflows, sleep(...) and gather(...) can be awaited in a workflow");
            return WF_CALL_DONE;
        }
        return WF_CALL_NONE;
    }
    if (wf_is_self_call(c, in)) {
        const stc_unit_info *u = wf_callee(c, in);
        if (!u)
            return WF_CALL_DONE;
        if (u->method->is_async && !awaited) {
            wf_diag(c, in, WF_E_AWAIT,
                    "'%s' is a workflow: write 'await self.%s(...)' to run it and wait for its "
                    "result",
                    u->method->name, u->method->name);
            return WF_CALL_DONE;
        }
        if (!u->method->is_async && awaited) {
            wf_diag(c, n, WF_E_AWAIT, "'%s' is an internal function, not a coroutine: drop 'await'",
                    u->method->name);
            return WF_CALL_DONE;
        }
        *unit = u;
        return WF_CALL_TASK;
    }
    char *q = wf_qualname(c, in->a);
    bool is_sleep = q && strcmp(q, "asyncio.sleep") == 0;
    bool is_gather = q && strcmp(q, "asyncio.gather") == 0;
    free(q);
    if (!is_sleep && !is_gather) {
        if (awaited) {
            char *t = wf_text(c, in->a, WF_TEXT_MAX);
            wf_diag(c, n, WF_E_AWAIT,
                    "'await %s(...)' cannot run in a workflow; only workflows (self._name), "
                    "sleep(...) and gather(...) can be awaited",
                    t);
            free(t);
            return WF_CALL_DONE;
        }
        return WF_CALL_NONE;
    }
    if (!awaited) {
        wf_diag(c, in, WF_E_AWAIT, "'%s(...)' does nothing unless awaited: write 'await %s(...)'",
                is_sleep ? "sleep" : "gather", is_sleep ? "sleep" : "gather");
        return WF_CALL_DONE;
    }
    return is_sleep ? WF_CALL_SLEEP : WF_CALL_GATHER;
}
