/* pane_graph.c - the selected workflow's state machine, laid out by render/
 * (Graphviz, once per workflow and compile, cached), scrollable; the state
 * under the cursor is lit together with its Python lines, and moving in the
 * source selects the state of the line. The simulator's current and
 * visited states and the breakpoints show on the same drawing.
 *
 * Layouts run on the background worker (tui/bg.h), never between two keys:
 * after the first frame of a compile every workflow is queued (the shown one
 * first), and a layout the pane needs and does not have yet goes to the
 * front of the queue while the pane says "laying out N states...". When it
 * arrives the pane takes it (bg_done) and the screen is drawn again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/parse.h"
#include "core/workflow.h"
#include "render/draw.h"
#include "render/layout.h"
#include "render/viewport.h"
#include "tui/app.h"
#include "tui/bg.h"
#include "tui/simctl.h"

typedef struct stc_graph_cache {
    char *name;
    bool compact;
    bool pending;       /* queued on the worker, not back yet */
    bool urgent;        /* moved to the front of the queue (once) */
    int nstates;        /* for the placeholder */
    stc_layout *layout; /* NULL while pending, or when it failed */
    char *error;        /* why it failed */
} stc_graph_cache;

typedef struct stc_graph {
    unsigned generation;
    stc_graph_cache *cache;
    size_t ncache;
    const stc_layout *layout; /* borrowed from the cache */
    char *name;               /* the workflow shown */
    stc_viewport vp;
    int *order;               /* state node indices, top to bottom, left to right */
    int norder;
    int sel;                  /* index into order, -1 */
    unsigned source_seen;
    unsigned state_seen;      /* app->state_moved when last followed */
    char *error;              /* why there is no drawing */
    int waiting;              /* > 0: the layout shown is on its way (its state count) */
    char *want_sel;           /* the state to select when the layout arrives */
    bool want_follow;         /* ... and light its lines (the simulator moved there) */
    int last_w, last_h;       /* the size of the last draw */
    /* the last drawing of the whole machine, kept while the layout and what
     * is marked on it (selection, simulator) stay the same: a key in another
     * pane does not draw the graph again */
    stc_canvas *cv;
    const stc_layout *cv_layout;
    unsigned long cv_key;
    unsigned warmed;          /* app->generation + 1 of the last warm-up, 0: none */
} stc_graph;

/* A layout job (tui/bg.h). It borrows the machine and its source map from
 * the compiled service: nothing writes them, and the app lets no job run
 * across a compile that frees them (stc_bg_quiesce). */
typedef struct stc_graph_job {
    const cJSON *asl;
    const stc_workflow *wf; /* NULL with --asl */
    char linebuf[16];
    stc_layout *layout;     /* the result */
    char *error;
} stc_graph_job;

static void *stc_graph_create(stc_app *app)
{
    stc_graph *g = stc_xcalloc(1, sizeof *g);
    g->sel = -1;
    g->source_seen = app->source_moved;
    g->state_seen = app->state_moved;
    return g;
}

static void stc_graph_drop_canvas(stc_graph *g)
{
    stc_canvas_free(g->cv);
    g->cv = NULL;
    g->cv_layout = NULL;
}

static void stc_graph_flush(stc_graph *g)
{
    stc_graph_drop_canvas(g);
    for (size_t i = 0; i < g->ncache; i++) {
        free(g->cache[i].name);
        free(g->cache[i].error);
        stc_layout_free(g->cache[i].layout);
    }
    free(g->cache);
    g->cache = NULL;
    g->ncache = 0;
    g->layout = NULL;
    free(g->order);
    g->order = NULL;
    g->norder = 0;
    g->sel = -1;
    g->waiting = 0;
}

static void stc_graph_destroy(void *st)
{
    stc_graph *g = st;
    stc_graph_flush(g);
    free(g->name);
    free(g->error);
    free(g->want_sel);
    free(g);
}

/* ---- layout jobs (on the worker) -------------------------------------- */

/* label_extra on the worker: the state's Python line. */
static const char *stc_graph_job_line(void *ctx, const char *state)
{
    stc_graph_job *d = ctx;
    const stc_wf_state *s = d->wf ? stc_workflow_state(d->wf, state) : NULL;
    if (!s || s->pos.line <= 0)
        return NULL;
    snprintf(d->linebuf, sizeof d->linebuf, "%d", s->pos.line);
    return d->linebuf;
}

static void stc_graph_job_run(stc_bg_job *j)
{
    stc_graph_job *d = j->data;
    stc_layout_options o = {.compact = j->compact, .label_extra = stc_graph_job_line, .label_extra_ctx = d};
    stc_diags diags = STC_DIAGS_INIT;
    stc_render_lock();
    d->layout = stc_layout_build(d->asl, &o, &diags);
    stc_render_unlock();
    if (!d->layout)
        d->error = stc_xstrdup(diags.count ? diags.items[0].message : "layout failed");
    stc_diags_free(&diags);
}

static void stc_graph_job_free(void *data)
{
    stc_graph_job *d = data;
    if (!d)
        return;
    stc_layout_free(d->layout);
    free(d->error);
    free(d);
}

/* States of a machine, nested ones included (Parallel branches, Map
 * iterators): the number the placeholder shows. */
static int stc_graph_count_states(const cJSON *machine)
{
    int n = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(machine, "States"))
    {
        n++;
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(st, "Branches")) n += stc_graph_count_states(b);
        n += stc_graph_count_states(cJSON_GetObjectItemCaseSensitive(st, "Iterator"));
        n += stc_graph_count_states(cJSON_GetObjectItemCaseSensitive(st, "ItemProcessor"));
    }
    return n;
}

static stc_graph_cache *stc_graph_find(stc_graph *g, const char *name, bool compact)
{
    for (size_t i = 0; i < g->ncache; i++)
        if (strcmp(g->cache[i].name, name) == 0 && g->cache[i].compact == compact)
            return &g->cache[i];
    return NULL;
}

/* The cache entry of (name, compact): queued on the worker when it is not
 * there yet (`urgent`: at the front, or moved there when already queued). */
static stc_graph_cache *stc_graph_request(stc_graph *g, stc_app *app, const char *name, const cJSON *asl,
                                          const stc_workflow *wf, bool compact, bool urgent)
{
    stc_graph_cache *e = stc_graph_find(g, name, compact);
    if (e) {
        if (e->pending && urgent && !e->urgent) {
            stc_bg_pending(app->bg, STC_BG_LAYOUT, g->generation, name, compact, true);
            e->urgent = true;
        }
        return e;
    }
    stc_graph_job *d = stc_xcalloc(1, sizeof *d);
    d->asl = asl;
    d->wf = wf;
    stc_bg_job *j = stc_bg_job_new(STC_BG_LAYOUT, g->generation, name, compact);
    j->data = d;
    j->run = stc_graph_job_run;
    j->free_data = stc_graph_job_free;
    stc_bg_submit(app->bg, j, urgent);
    g->cache = stc_xrealloc(g->cache, (g->ncache + 1) * sizeof *g->cache);
    int nstates = wf ? (int)wf->nstates : stc_graph_count_states(asl);
    g->cache[g->ncache] = (stc_graph_cache){stc_xstrdup(name), compact, true, urgent, nstates, NULL, NULL};
    return &g->cache[g->ncache++];
}

static void stc_graph_new_generation(stc_graph *g, stc_app *app)
{
    if (g->generation != app->generation) {
        stc_graph_flush(g);
        g->generation = app->generation;
    }
}

static int stc_graph_cmp_ctx_dummy;
static const stc_layout *stc_graph_sort_layout;
static int stc_graph_cmp(const void *a, const void *b)
{
    const stc_layout_node *x = &stc_graph_sort_layout->nodes[*(const int *)a];
    const stc_layout_node *y = &stc_graph_sort_layout->nodes[*(const int *)b];
    if (x->box.y != y->box.y)
        return x->box.y < y->box.y ? -1 : 1;
    if (x->box.x != y->box.x)
        return x->box.x < y->box.x ? -1 : 1;
    return 0;
}

static void stc_graph_selected_changed(stc_graph *g, stc_app *app);

/* Make sure the layout of the current workflow is there: in the cache, or
 * asked of the worker (then g->waiting says so and nothing is drawn). */
static void stc_graph_prepare(stc_graph *g, stc_app *app, int width, int height)
{
    stc_graph_new_generation(g, app);
    const stc_workflow *wf = NULL;
    const char *name = NULL;
    const cJSON *asl = stc_app_workflow(app, &name, &wf);
    free(g->error);
    g->error = NULL;
    g->waiting = 0;
    if (!name) {
        g->layout = NULL;
        g->error = stc_xstrdup("No workflow: the service has no async method.");
        return;
    }
    if (!asl) {
        g->layout = NULL;
        g->error = stc_xasprintf("%s did not compile into a state machine; see Diagnostics.", name);
        return;
    }
    bool changed = !g->name || strcmp(g->name, name) != 0;
    if (changed) {
        free(g->name);
        g->name = stc_xstrdup(name);
        g->layout = NULL;
        g->sel = -1;
        free(g->want_sel);
        g->want_sel = NULL;
        g->want_follow = false;
    }
    for (int pass = 0; pass < 2; pass++) {
        bool compact = pass == 1;
        stc_graph_cache *e = stc_graph_request(g, app, name, asl, wf, compact, true);
        if (e->pending) {
            /* keep the selection for when it arrives */
            if (g->layout && g->sel >= 0 && !g->want_sel)
                g->want_sel = stc_xstrdup(g->layout->nodes[g->order[g->sel]].name);
            g->layout = NULL;
            g->waiting = e->nstates > 0 ? e->nstates : 1;
            return;
        }
        if (!e->layout) {
            g->error = stc_xasprintf("cannot draw %s: %s", name, e->error ? e->error : "layout failed");
            g->layout = NULL;
            return;
        }
        const stc_layout *found = e->layout;
        if (compact || !stc_viewport_wants_compact(found, width)) {
            if (found != g->layout) {
                char *keep = g->want_sel ? g->want_sel
                             : g->sel >= 0 && g->layout ? stc_xstrdup(g->layout->nodes[g->order[g->sel]].name)
                                                        : NULL;
                bool follow = g->want_sel && g->want_follow;
                g->want_sel = NULL;
                g->want_follow = false;
                g->layout = found;
                free(g->order);
                g->order = stc_xcalloc(found->n_nodes + 1, sizeof *g->order);
                g->norder = 0;
                for (size_t i = 0; i < found->n_nodes; i++)
                    if (found->nodes[i].kind == STC_LAYOUT_NODE_STATE)
                        g->order[g->norder++] = (int)i;
                stc_graph_sort_layout = found;
                qsort(g->order, (size_t)g->norder, sizeof *g->order, stc_graph_cmp);
                (void)stc_graph_cmp_ctx_dummy;
                g->sel = -1;
                for (int k = 0; keep && k < g->norder; k++)
                    if (strcmp(found->nodes[g->order[k]].name, keep) == 0)
                        g->sel = k;
                free(keep);
                stc_viewport_init(&g->vp, found->width, found->height, width, height);
                /* start with the top of the machine in view, centred */
                if (g->norder > 0) {
                    stc_rect r = found->nodes[g->order[0]].box;
                    stc_viewport_center(&g->vp, r);
                    g->vp.y = 0;
                    stc_viewport_clamp(&g->vp);
                }
                if (follow)
                    stc_graph_selected_changed(g, app);
            }
            break;
        }
    }
    stc_viewport_resize(&g->vp, width, height);
}

/* The width the pane has (or will have): the tabbed slot's, which the
 * shown tab has; 0 before the first layout of the screen. */
static int stc_graph_slot_width(const stc_app *app)
{
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->tab && app->panes[i].w > 2)
            return app->panes[i].w - 2;
    return 0;
}

/* A frame is on the screen: queue the layout of every workflow of this
 * compile, the selected one first, so the key that shows the Graph tab
 * usually finds its drawing ready. Never blocks. */
static void stc_graph_warm(void *st, stc_app *app)
{
    stc_graph *g = st;
    if (g->warmed == app->generation + 1)
        return;
    g->warmed = app->generation + 1;
    stc_graph_new_generation(g, app);
    const stc_workflow *wf = NULL;
    const char *name = NULL;
    const cJSON *asl = stc_app_workflow(app, &name, &wf);
    if (name && asl)
        stc_graph_request(g, app, name, asl, wf, false, false);
    const stc_workflows *ws = app->asl_doc || !app->svc ? NULL : app->svc->workflows;
    for (size_t i = 0; ws && i < ws->count; i++)
        if (ws->items[i].asl)
            stc_graph_request(g, app, ws->items[i].method->name, ws->items[i].asl, &ws->items[i], false, false);
}

/* A layout came back from the worker. */
static bool stc_graph_bg_done(void *st, stc_app *app, stc_bg_job *j)
{
    stc_graph *g = st;
    if (j->kind != STC_BG_LAYOUT)
        return false;
    stc_graph_cache *e = j->generation == g->generation && g->generation == app->generation
                             ? stc_graph_find(g, j->name, j->compact)
                             : NULL;
    if (!e || !e->pending)
        return true; /* an older compile's: dropped */
    stc_graph_job *d = j->data;
    e->pending = false;
    e->layout = d->layout;
    d->layout = NULL;
    e->error = d->error;
    d->error = NULL;
    bool shown = g->name && strcmp(g->name, j->name) == 0;
    /* too wide for the slot: the compact one too, as stc_graph_prepare() will ask */
    int width = stc_graph_slot_width(app);
    if (!j->compact && e->layout && width > 0 && stc_viewport_wants_compact(e->layout, width)) {
        const stc_workflow *wf = NULL;
        const char *cur = NULL;
        const cJSON *asl = NULL;
        if (shown) {
            asl = stc_app_workflow(app, &cur, &wf);
        } else if (!app->asl_doc && app->svc && app->svc->workflows) {
            wf = stc_workflows_find(app->svc->workflows, j->name);
            asl = wf ? wf->asl : NULL;
        }
        if (asl)
            stc_graph_request(g, app, j->name, asl, wf, true, shown);
    }
    if (shown && app->panes[STC_PANE_GRAPH].w > 0 && g->last_w > 0) {
        stc_graph_prepare(g, app, g->last_w, g->last_h);
        app->needs_redraw = true;
    }
    return true;
}

/* The Graph tab is on the screen and shows a placeholder. */
static bool stc_graph_busy(void *st, stc_app *app)
{
    stc_graph *g = st;
    return g->waiting > 0 && app->panes[STC_PANE_GRAPH].w > 0;
}

static const char *stc_graph_selected(const stc_graph *g)
{
    return g->layout && g->sel >= 0 && g->sel < g->norder ? g->layout->nodes[g->order[g->sel]].name : NULL;
}

/* The cursor moved in the graph: light the state's source lines. */
static void stc_graph_selected_changed(stc_graph *g, stc_app *app)
{
    const char *name = stc_graph_selected(g);
    if (!name)
        return;
    stc_rect r;
    if (stc_layout_state_rect(g->layout, name, &r))
        stc_viewport_reveal(&g->vp, r);
    stc_app_select_state(app, name, true);
    g->state_seen = app->state_moved;
    app->source_moved_seen = app->source_moved;
    g->source_seen = app->source_moved;
}

static void stc_graph_select_name(stc_graph *g, const char *name)
{
    for (int k = 0; name && k < g->norder; k++)
        if (strcmp(g->layout->nodes[g->order[k]].name, name) == 0)
            g->sel = k;
}

/* Follow the source cursor (the innermost state of its line) and a state
 * selected elsewhere (the ASL tab): before drawing, and before explaining
 * (the Explain pane is drawn first). */
static void stc_graph_follow(stc_graph *g, stc_app *app)
{
    if (!g->layout)
        return;
    /* the source cursor moved: select the innermost state of its line */
    if (g->source_seen != app->source_moved) {
        g->source_seen = app->source_moved;
        const char *at = stc_app_state_at_line(app, app->source_line);
        if (at) {
            stc_graph_select_name(g, at);
            stc_rect r;
            if (stc_layout_state_rect(g->layout, at, &r))
                stc_viewport_reveal(&g->vp, r);
            stc_app_select_state(app, at, false);
            g->state_seen = app->state_moved;
            app->mark_line = app->source_line;
        }
    }
    /* a state selected elsewhere (the ASL tab) */
    if (g->state_seen != app->state_moved) {
        g->state_seen = app->state_moved;
        const char *was = stc_graph_selected(g);
        if (app->state && (!was || strcmp(was, app->state) != 0)) {
            stc_graph_select_name(g, app->state);
            stc_rect r;
            if (stc_layout_state_rect(g->layout, app->state, &r))
                stc_viewport_reveal(&g->vp, r);
        }
    }
}

static void stc_graph_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    (void)focused;
    stc_graph *g = st;
    g->last_w = c->w;
    g->last_h = c->h;
    stc_graph_prepare(g, app, c->w, c->h);
    if (!g->layout && g->waiting) {
        char *msg = stc_xasprintf("laying out %d state%s%s", g->waiting, g->waiting == 1 ? "" : "s",
                                  app->utf8 ? "…" : "...");
        stc_cells_put(c, 1, 0, msg, c->w - 1, STC_EL_DIM);
        free(msg);
        return;
    }
    if (!g->layout) {
        stc_cells_put(c, 1, 0, g->error ? g->error : "", c->w - 1, STC_EL_DIM);
        return;
    }
    stc_graph_follow(g, app);
    const char *current = NULL;
    const char *const *visited = NULL;
    size_t nvisited = 0;
    bool sim_here = stc_simctl_active(app->sim) && strcmp(stc_simctl_name(app->sim), g->name) == 0;
    if (sim_here) {
        current = stc_simctl_current(app->sim);
        nvisited = stc_simctl_visited(app->sim, &visited);
    }
    stc_draw_options o = {.ascii = !app->utf8, .selected = stc_graph_selected(g), .current = current,
                          .visited = visited, .n_visited = nvisited};
    /* FNV-1a over what the drawing marks */
    unsigned long key = 2166136261UL;
    const char *marks[3] = {o.ascii ? "A" : "U", o.selected ? o.selected : "", o.current ? o.current : ""};
    for (size_t i = 0; i < 3 + nvisited; i++) {
        const char *t = i < 3 ? marks[i] : visited[i - 3];
        for (; t && *t; t++)
            key = (key ^ (unsigned char)*t) * 16777619UL;
        key = (key ^ 0xFFu) * 16777619UL; /* a separator */
    }
    if (!g->cv || g->cv_layout != g->layout || g->cv_key != key) {
        stc_graph_drop_canvas(g);
        g->cv = stc_draw_canvas(g->layout, &o);
        g->cv_layout = g->layout;
        g->cv_key = key;
    }
    const stc_canvas *cv = g->cv;
    for (int y = 0; y < c->h; y++)
        for (int x = 0; x < c->w; x++) {
            const stc_cell *src = stc_canvas_cell(cv, g->vp.x + x, g->vp.y + y);
            stc_tcell *dst = stc_cells_at(c, x, y);
            if (!src || !dst)
                continue;
            memcpy(dst->text, src->text, sizeof src->text < sizeof dst->text ? sizeof src->text : sizeof dst->text);
            dst->text[sizeof dst->text - 1] = '\0';
            dst->width = src->width;
            dst->style = (uint16_t)stc_element_of_style(src->style);
        }
    /* a wide character cut at the left edge */
    for (int y = 0; y < c->h; y++) {
        stc_tcell *t = stc_cells_at(c, 0, y);
        if (t && t->width == 0) {
            t->text[0] = ' ';
            t->text[1] = '\0';
            t->width = 1;
        }
    }
    /* breakpoints: a mark on the box's top-left corner */
    for (int k = 0; sim_here && k < g->norder; k++) {
        const stc_layout_node *n = &g->layout->nodes[g->order[k]];
        if (stc_simctl_is_break(app->sim, n->name))
            stc_cells_put(c, n->box.x - g->vp.x, n->box.y - g->vp.y, app->utf8 ? "●" : "*", 1,
                          STC_EL_SIM_STATUS_FAIL);
    }
}

static int stc_graph_action(void *st, stc_app *app, stc_action a)
{
    stc_graph *g = st;
    if (!g->layout) {
        int flags = stc_app_sim_action(app, a, NULL);
        /* on its way: select the simulator's current state when it arrives */
        if (g->waiting && (flags & STC_PANE_HANDLED) && stc_simctl_active(app->sim) &&
            stc_simctl_current(app->sim) && g->name && strcmp(stc_simctl_name(app->sim), g->name) == 0) {
            free(g->want_sel);
            g->want_sel = stc_xstrdup(stc_simctl_current(app->sim));
            g->want_follow = true;
        }
        return flags;
    }
    switch (a) {
    case STC_ACT_DOWN:
    case STC_ACT_UP:
        if (g->norder == 0)
            return STC_PANE_HANDLED;
        g->sel = g->sel < 0 ? 0 : g->sel + (a == STC_ACT_DOWN ? 1 : -1);
        if (g->sel < 0)
            g->sel = 0;
        if (g->sel >= g->norder)
            g->sel = g->norder - 1;
        stc_graph_selected_changed(g, app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_FIRST:
    case STC_ACT_LAST:
        g->sel = a == STC_ACT_FIRST ? 0 : g->norder - 1;
        stc_graph_selected_changed(g, app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_LEFT: stc_viewport_scroll(&g->vp, -8, 0); return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_RIGHT: stc_viewport_scroll(&g->vp, 8, 0); return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_PAGE_UP: stc_viewport_page(&g->vp, 0, -1); return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_PAGE_DOWN: stc_viewport_page(&g->vp, 0, 1); return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_ENTER:
        stc_app_focus(app, STC_PANE_SOURCE);
        app->follow++;
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    default: {
        int flags = stc_app_sim_action(app, a, stc_graph_selected(g));
        /* follow the simulator's current state */
        if ((flags & STC_PANE_HANDLED) && stc_simctl_active(app->sim) && stc_simctl_current(app->sim)) {
            stc_graph_select_name(g, stc_simctl_current(app->sim));
            stc_graph_selected_changed(g, app);
        }
        return flags;
    }
    }
}

static int stc_graph_click(void *st, stc_app *app, int x, int y)
{
    stc_graph *g = st;
    if (!g->layout)
        return STC_PANE_HANDLED;
    const char *name = stc_layout_state_at(g->layout, g->vp.x + x, g->vp.y + y);
    if (name) {
        stc_graph_select_name(g, name);
        stc_graph_selected_changed(g, app);
    }
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

static bool stc_graph_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_graph *g = st;
    if (!g->layout || g->norder == 0)
        return false;
    int step = dir < 0 ? -1 : 1;
    int start = g->sel < 0 ? 0 : g->sel + (dir ? step : 0);
    for (int k = 0; k < g->norder; k++) {
        int i = ((start + step * k) % g->norder + g->norder) % g->norder;
        const char *n = g->layout->nodes[g->order[i]].name;
        const char *p = n;
        bool hit = false;
        for (; *p && !hit; p++) {
            size_t m = 0;
            while (q[m] && p[m] && (p[m] | 32) == (q[m] | 32))
                m++;
            hit = !q[m];
        }
        if (hit) {
            g->sel = i;
            stc_graph_selected_changed(g, app);
            return true;
        }
    }
    return false;
}

static void stc_graph_explain(void *st, stc_app *app, stc_rich *out)
{
    stc_graph *g = st;
    stc_graph_follow(g, app);
    const char *name = stc_graph_selected(g);
    if (!name) {
        stc_rich_add(out, STC_EL_DIM, "j/k walk the states; the source follows. s simulates.\n");
        return;
    }
    stc_app_explain_state(app, name, out);
}

static const char *stc_graph_title(void *st, stc_app *app)
{
    (void)app;
    stc_graph *g = st;
    return g->name;
}

const stc_pane_ops stc_pane_graph = {
    .name = "Graph",
    .scope = STC_SCOPE_GRAPH,
    .tab = true,
    .focusable = true,
    .create = stc_graph_create,
    .destroy = stc_graph_destroy,
    .draw = stc_graph_draw,
    .action = stc_graph_action,
    .click = stc_graph_click,
    .search = stc_graph_search,
    .explain = stc_graph_explain,
    .title = stc_graph_title,
    .warm = stc_graph_warm,
    .bg_done = stc_graph_bg_done,
    .busy = stc_graph_busy,
};
