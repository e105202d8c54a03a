/* express.c - see express.h. */
#include "core/aws/express.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/template.h"
#include "core/util.h"
#include "core/workflow.h"

bool stc_express_in_mode(const stc_config *c, const char *unit, size_t mode)
{
    const stc_setting_value *v = stc_config_get_mode(c, unit, STC_SET_WORKFLOW_TYPE, mode);
    return v->set && strcmp(v->s, "express") == 0;
}

bool stc_express(const stc_config *c, const char *unit)
{
    return stc_express_in_mode(c, unit, c->mode);
}

const char **stc_express_units(const stc_service *svc, const stc_config *c)
{
    size_t n = svc && svc->workflows ? svc->workflows->count : 0, k = 0;
    const char **list = stc_xcalloc(n + 1, sizeof *list);
    for (size_t i = 0; c && i < n; i++)
        if (stc_express(c, svc->workflows->items[i].method->name))
            list[k++] = svc->workflows->items[i].method->name;
    return list;
}

/* ---- the graph of one States object ------------------------------------------ */

#define STC_NO_PATH INT64_MAX

typedef struct stc_xgraph {
    const cJSON *states; /* the States object */
    const cJSON **node;  /* its states, in order */
    size_t n;
    int64_t *dist; /* filled by stc_xgraph_paths */
    long *prev;
} stc_xgraph;

/* The graph of machine's States; release with stc_xgraph_close. */
static void stc_xgraph_open(stc_xgraph *g, const cJSON *machine)
{
    g->states = cJSON_GetObjectItemCaseSensitive(machine, "States");
    g->n = (size_t)cJSON_GetArraySize(g->states);
    g->node = stc_xcalloc(g->n + 1, sizeof *g->node);
    g->dist = stc_xcalloc(g->n + 1, sizeof *g->dist);
    g->prev = stc_xcalloc(g->n + 1, sizeof *g->prev);
    size_t i = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, g->states) g->node[i++] = s;
}

static void stc_xgraph_close(stc_xgraph *g)
{
    free(g->node);
    free(g->dist);
    free(g->prev);
}

static long stc_xgraph_index(const stc_xgraph *g, const char *name)
{
    for (size_t i = 0; name && i < g->n; i++)
        if (strcmp(g->node[i]->string, name) == 0)
            return (long)i;
    return -1;
}

static const char *stc_xstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int64_t stc_machine_min_sleep(const cJSON *machine);

/* Seconds that passing through state s takes at least: a Wait of a constant,
 * a Parallel as long as its slowest branch's shortest run; anything else 0. */
static int64_t stc_state_sleep(const cJSON *s)
{
    const char *type = stc_xstr(s, "Type");
    if (!type)
        return 0;
    if (strcmp(type, "Wait") == 0) {
        const cJSON *sec = cJSON_GetObjectItemCaseSensitive(s, "Seconds");
        return cJSON_IsNumber(sec) && sec->valuedouble > 0 ? (int64_t)sec->valuedouble : 0;
    }
    if (strcmp(type, "Parallel") == 0) {
        int64_t most = 0;
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(s, "Branches"))
        {
            int64_t t = stc_machine_min_sleep(b);
            if (t != STC_NO_PATH && t > most)
                most = t;
        }
        return most;
    }
    return 0; /* a Map may have no item at all */
}

static bool stc_state_succeeds(const cJSON *s)
{
    const char *type = stc_xstr(s, "Type");
    if (type && strcmp(type, "Succeed") == 0)
        return true;
    return type && strcmp(type, "Fail") != 0 && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "End"));
}

/* The states a state may go to next: Next, Default, each Choice's Next, each
 * Catch's Next. Writes up to max indices; returns the count. */
static size_t stc_xgraph_next(const stc_xgraph *g, const cJSON *s, long *out, size_t max)
{
    size_t n = 0;
    const char *keys[] = {"Next", "Default"};
    for (size_t k = 0; k < 2 && n < max; k++) {
        long i = stc_xgraph_index(g, stc_xstr(s, keys[k]));
        if (i >= 0)
            out[n++] = i;
    }
    const char *arrays[] = {"Choices", "Catch"};
    for (size_t k = 0; k < 2; k++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(s, arrays[k]))
        {
            long i = stc_xgraph_index(g, stc_xstr(e, "Next"));
            if (i >= 0 && n < max)
                out[n++] = i;
        }
    }
    return n;
}

/* Dijkstra from `from` over the states, a state costing its sleep; `skip`
 * (or -1) is never entered. g->dist[i]: the least sleep before entering i;
 * g->prev[i]: the state before i on that path (-1 at the start). */
static void stc_xgraph_paths(stc_xgraph *g, long from, long skip)
{
    int64_t *dist = g->dist;
    long *prev = g->prev;
    bool *done = stc_xcalloc(g->n + 1, sizeof *done);
    int64_t *cost = stc_xcalloc(g->n + 1, sizeof *cost);
    for (size_t i = 0; i < g->n; i++) {
        dist[i] = STC_NO_PATH;
        prev[i] = -1;
        cost[i] = stc_state_sleep(g->node[i]);
    }
    if (from >= 0)
        dist[from] = 0;
    long *next = stc_xcalloc(g->n * 2 + 64, sizeof *next);
    for (;;) {
        long u = -1;
        for (size_t i = 0; i < g->n; i++)
            if (!done[i] && dist[i] != STC_NO_PATH && (u < 0 || dist[i] < dist[u]))
                u = (long)i;
        if (u < 0)
            break;
        done[u] = true;
        size_t nn = stc_xgraph_next(g, g->node[u], next, g->n * 2 + 64);
        for (size_t k = 0; k < nn; k++) {
            long v = next[k];
            if (v == skip || done[v])
                continue;
            int64_t d = dist[u] + cost[u];
            if (d < dist[v]) {
                dist[v] = d;
                prev[v] = u;
            }
        }
    }
    free(next);
    free(cost);
    free(done);
}

/* The least sleep from the start of a machine (or branch) to a successful
 * end; STC_NO_PATH when it cannot end successfully. */
/* After paths from the start: the successful end reached with the least
 * sleep (-1 if none), that sleep in *best (STC_NO_PATH if none). */
static long stc_xgraph_best_end(const stc_xgraph *g, int64_t *best)
{
    long end = -1;
    *best = STC_NO_PATH;
    for (size_t i = 0; i < g->n; i++)
        if (g->dist[i] != STC_NO_PATH && stc_state_succeeds(g->node[i]) &&
            g->dist[i] + stc_state_sleep(g->node[i]) < *best) {
            *best = g->dist[i] + stc_state_sleep(g->node[i]);
            end = (long)i;
        }
    return end;
}

static int64_t stc_machine_min_sleep(const cJSON *machine)
{
    stc_xgraph g;
    stc_xgraph_open(&g, machine);
    stc_xgraph_paths(&g, stc_xgraph_index(&g, stc_xstr(machine, "StartAt")), -1);
    int64_t best;
    stc_xgraph_best_end(&g, &best);
    stc_xgraph_close(&g);
    return best;
}

/* ---- the checks ------------------------------------------------------------------ */

typedef struct stc_xcheck {
    const stc_service *svc;
    const stc_workflow *wf;
    const char *modes; /* "in mode prod", "in every mode" */
    stc_diags *d;
    bool ok;
} stc_xcheck;

static stc_pos stc_xpos(const stc_xcheck *x, const char *state)
{
    const stc_wf_state *s = state ? stc_workflow_state(x->wf, state) : NULL;
    return s ? s->pos : x->wf->method->name_pos;
}

static stc_diag *stc_xdiag(stc_xcheck *x, stc_pos at, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static stc_diag *stc_xdiag(stc_xcheck *x, stc_pos at, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_diag *dg = stc_diag_add(x->d, STC_SEV_ERROR, x->svc->file, at.line, at.col, code, "%s", msg);
    free(msg);
    x->ok = false;
    return dg;
}

static void stc_xhint_standard(stc_diag *dg, const char *unit)
{
    stc_diag_set_hint(dg,
                      "keep '%s' Standard (workflow_type: standard in SERVICE.stc.yaml), or move the long "
                      "wait into a Standard workflow",
                      unit);
}

/* Every Wait of a constant >= the limit, in the machine and its branches. */
static void stc_xcheck_waits(stc_xcheck *x, const cJSON *states)
{
    const cJSON *s;
    cJSON_ArrayForEach(s, states)
    {
        const char *type = stc_xstr(s, "Type");
        if (!type)
            continue;
        if (strcmp(type, "Wait") == 0 && stc_state_sleep(s) >= STC_EXPRESS_MAX_SECONDS) {
            stc_diag *dg = stc_xdiag(x, stc_xpos(x, s->string), "STC560",
                                     "'%s' is an Express workflow %s: this sleep of %lld s reaches the 5-minute "
                                     "limit of an Express execution (it would fail with States.Timeout)",
                                     x->wf->method->name, x->modes, (long long)stc_state_sleep(s));
            stc_xhint_standard(dg, x->wf->method->name);
        } else if (strcmp(type, "Parallel") == 0) {
            const cJSON *b;
            cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(s, "Branches"))
                stc_xcheck_waits(x, cJSON_GetObjectItemCaseSensitive(b, "States"));
        } else if (strcmp(type, "Map") == 0) {
            const cJSON *ip = cJSON_GetObjectItemCaseSensitive(s, "ItemProcessor");
            if (!ip)
                ip = cJSON_GetObjectItemCaseSensitive(s, "Iterator");
            stc_xcheck_waits(x, cJSON_GetObjectItemCaseSensitive(ip, "States"));
        }
    }
}

/* Sleeps that add up past the limit on every way to a successful end: the
 * diagnostic points at the sleep where the least of them crosses the line. */
static void stc_xcheck_total(stc_xcheck *x)
{
    const cJSON *asl = x->wf->asl;
    stc_xgraph g;
    stc_xgraph_open(&g, asl);
    stc_xgraph_paths(&g, stc_xgraph_index(&g, stc_xstr(asl, "StartAt")), -1);
    int64_t best;
    long end = stc_xgraph_best_end(&g, &best);
    const long *prev = g.prev;
    if (end >= 0 && best >= STC_EXPRESS_MAX_SECONDS) {
        /* Walk the path forward: the state where the sum reaches the limit. */
        size_t len = 0;
        for (long i = end; i >= 0; i = prev[i])
            len++;
        long *path = stc_xcalloc(len + 1, sizeof *path);
        size_t k = len;
        for (long i = end; i >= 0; i = prev[i])
            path[--k] = i;
        int64_t sum = 0;
        long at = end;
        for (size_t j = 0; j < len; j++) {
            sum += stc_state_sleep(g.node[path[j]]);
            if (sum >= STC_EXPRESS_MAX_SECONDS) {
                at = path[j];
                break;
            }
        }
        free(path);
        stc_diag *dg = stc_xdiag(x, stc_xpos(x, g.node[at]->string), "STC560",
                                 "'%s' is an Express workflow %s: every run sleeps at least %lld s in all, and "
                                 "here it reaches the 5-minute limit of an Express execution",
                                 x->wf->method->name, x->modes, (long long)best);
        stc_xhint_standard(dg, x->wf->method->name);
    }
    stc_xgraph_close(&g);
}

/* A loop that runs forever: each execution runs up to `bound` rounds (the
 * head Choice's NumericGreaterThanEquals) before it continues as new, each
 * round sleeping at least the least sleep from the round's first state back
 * to the head. */
static void stc_xcheck_forever(stc_xcheck *x)
{
    const cJSON *asl = x->wf->asl;
    stc_xgraph g;
    stc_xgraph_open(&g, asl);
    for (size_t i = 0; i < g.n; i++) {
        /* JSONPath: "Prepare new execution" {"at": <head>, ...} -> the restart
         * Task; the head's rule is NumericGreaterThanEquals bound. JSONata:
         * the head Choice's rule "{% $__stc_rounds<K> >= bound %}" goes to the
         * restart Task itself. */
        const char *head_name = stc_xstr(cJSON_GetObjectItemCaseSensitive(g.node[i], "Parameters"), "at");
        const char *task_name = stc_xstr(g.node[i], "Next");
        long head = -1, stop = (long)i;
        double bound = 0;
        if (!head_name) {
            const cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(g.node[i], "Choices"), 0);
            const char *cond = stc_xstr(rule, "Condition");
            const char *ge = cond && strstr(cond, "$__stc_rounds") ? strstr(cond, ">= ") : NULL;
            if (!ge)
                continue;
            bound = strtod(ge + 3, NULL);
            head = (long)i;
            head_name = g.node[i]->string;
            task_name = stc_xstr(rule, "Next");
            stop = task_name ? stc_xgraph_index(&g, task_name) : -1;
        }
        const stc_wf_state *task = task_name ? stc_workflow_state(x->wf, task_name) : NULL;
        if (!task || task->call != STC_WF_CALL_RESTART || stop < 0)
            continue;
        if (head < 0) {
            head = stc_xgraph_index(&g, head_name);
            if (head < 0)
                continue;
            const cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(g.node[head], "Choices"), 0);
            const cJSON *b = cJSON_GetObjectItemCaseSensitive(rule, "NumericGreaterThanEquals");
            if (!cJSON_IsNumber(b))
                continue;
            bound = b->valuedouble;
        }
        long body = stc_xgraph_index(&g, stc_xstr(g.node[head], "Default"));
        if (body < 0)
            continue;
        stc_xgraph_paths(&g, body, stop);
        int64_t round = g.dist[head];
        if (round == STC_NO_PATH)
            continue;
        int64_t total = round * (int64_t)bound;
        if (total < STC_EXPRESS_MAX_SECONDS)
            continue;
        stc_diag *dg = stc_xdiag(x, stc_xpos(x, head_name), "STC562",
                                 "'%s' is an Express workflow %s: this loop runs forever, and one execution "
                                 "runs up to %lld rounds of at least %lld s (%lld s) before it continues as new, "
                                 "past the 5-minute limit of an Express execution",
                                 x->wf->method->name, x->modes, (long long)bound, (long long)round,
                                 (long long)total);
        stc_diag_set_hint(dg, "a workflow that runs forever belongs in a Standard workflow "
                              "(workflow_type: standard)");
    }
    stc_xgraph_close(&g);
}

/* "in mode prod", "in modes stage and prod", "in every mode". */
static char *stc_xmodes_text(const stc_config *c, const bool *in, size_t nin)
{
    if (nin == c->schema->nmodes)
        return stc_xstrdup("in every mode");
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, nin == 1 ? "in mode " : "in modes ");
    size_t k = 0;
    for (size_t m = 0; m < c->schema->nmodes; m++) {
        if (!in[m])
            continue;
        if (k)
            stc_buf_puts(&b, k + 1 == nin ? " and " : ", ");
        stc_buf_puts(&b, c->schema->modes[m]);
        k++;
    }
    return stc_buf_take(&b);
}

bool stc_express_check(const stc_service *svc, const stc_config *c, stc_diags *d)
{
    bool ok = true;
    if (!svc->workflows || !c)
        return true;
    bool in[STC_CONFIG_MAX_MODES];
    for (size_t w = 0; w < svc->workflows->count; w++) {
        const stc_workflow *wf = &svc->workflows->items[w];
        if (!wf->asl)
            continue;
        size_t nin = 0;
        for (size_t m = 0; m < c->schema->nmodes && m < STC_CONFIG_MAX_MODES; m++) {
            in[m] = stc_express_in_mode(c, wf->method->name, m);
            nin += in[m];
        }
        if (!nin)
            continue;
        char *modes = stc_xmodes_text(c, in, nin);
        stc_xcheck x = {.svc = svc, .wf = wf, .modes = modes, .d = d, .ok = true};
        for (size_t i = 0; i < wf->nstates; i++) {
            const stc_wf_state *s = &wf->states[i];
            if (s->call != STC_WF_CALL_WORKFLOW)
                continue;
            stc_diag *dg = stc_xdiag(&x, s->pos, "STC561",
                                     "'%s' is an Express workflow %s, and Express workflows cannot wait for a "
                                     "nested workflow: awaiting '%s' is a .sync call (states:startExecution.sync:2)",
                                     wf->method->name, modes, s->callee);
            stc_diag_set_hint(dg,
                              "keep '%s' Standard (workflow_type: standard), or make '%s' an internal "
                              "function (def, not async def)",
                              wf->method->name, s->callee);
        }
        size_t before = d->count;
        stc_xcheck_waits(&x, cJSON_GetObjectItemCaseSensitive(wf->asl, "States"));
        if (d->count == before)
            stc_xcheck_total(&x);
        stc_xcheck_forever(&x);
        ok = ok && x.ok;
        free(modes);
    }
    return ok;
}
