/* pane_graph.c - the selected workflow's state machine, laid out by render/
 * (Graphviz, once per workflow and compile, cached), scrollable; the state
 * under the cursor is lit together with its Python lines, and moving in the
 * source selects the state of the line. The simulator's current and
 * visited states and the breakpoints show on the same drawing. */
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
#include "tui/simctl.h"

typedef struct stc_graph_cache {
    char *name;
    bool compact;
    stc_layout *layout;
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
    char *error;              /* why there is no drawing */
    char linebuf[16];
    const stc_workflow *wf;   /* for label_extra */
    unsigned warmed;          /* app->generation + 1 of the last idle layout, 0: none */
} stc_graph;

static void *stc_graph_create(stc_app *app)
{
    stc_graph *g = stc_xcalloc(1, sizeof *g);
    g->sel = -1;
    g->source_seen = app->source_moved;
    return g;
}

static void stc_graph_flush(stc_graph *g)
{
    for (size_t i = 0; i < g->ncache; i++) {
        free(g->cache[i].name);
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
}

static void stc_graph_destroy(void *st)
{
    stc_graph *g = st;
    stc_graph_flush(g);
    free(g->name);
    free(g->error);
    free(g);
}

static const char *stc_graph_line_of(void *ctx, const char *state)
{
    stc_graph *g = ctx;
    const stc_wf_state *s = g->wf ? stc_workflow_state(g->wf, state) : NULL;
    if (!s || s->pos.line <= 0)
        return NULL;
    snprintf(g->linebuf, sizeof g->linebuf, "%d", s->pos.line);
    return g->linebuf;
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

/* Make sure the layout of the current workflow exists (Graphviz runs here,
 * once per workflow, compile and compactness). */
static void stc_graph_prepare(stc_graph *g, stc_app *app, int width, int height)
{
    if (g->generation != app->generation) {
        stc_graph_flush(g);
        g->generation = app->generation;
    }
    const stc_workflow *wf = NULL;
    const char *name = NULL;
    const cJSON *asl = stc_app_workflow(app, &name, &wf);
    free(g->error);
    g->error = NULL;
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
    }
    g->wf = wf;
    for (int pass = 0; pass < 2; pass++) {
        bool compact = pass == 1;
        const stc_layout *found = NULL;
        for (size_t i = 0; i < g->ncache; i++)
            if (strcmp(g->cache[i].name, name) == 0 && g->cache[i].compact == compact)
                found = g->cache[i].layout;
        if (!found) {
            stc_layout_options o = {.compact = compact, .label_extra = stc_graph_line_of, .label_extra_ctx = g};
            stc_diags d = STC_DIAGS_INIT;
            stc_layout *l = stc_layout_build(asl, &o, &d);
            if (!l) {
                g->error = stc_xasprintf("cannot draw %s: %s", name, d.count ? d.items[0].message : "layout failed");
                stc_diags_free(&d);
                g->layout = NULL;
                return;
            }
            stc_diags_free(&d);
            g->cache = stc_xrealloc(g->cache, (g->ncache + 1) * sizeof *g->cache);
            g->cache[g->ncache++] = (stc_graph_cache){stc_xstrdup(name), compact, l};
            found = l;
        }
        if (compact || !stc_viewport_wants_compact(found, width)) {
            if (found != g->layout) {
                char *keep = g->sel >= 0 && g->layout ? stc_xstrdup(g->layout->nodes[g->order[g->sel]].name) : NULL;
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
            }
            break;
        }
    }
    stc_viewport_resize(&g->vp, width, height);
}

/* No key for a while: lay out the selected workflow once per compile (the
 * first graph layout, Graphviz and edge routing; and the compact one when
 * the tabbed slot's width asks for it, as stc_graph_prepare() decides), so
 * the key that shows the Graph tab finds it in the cache. Only the cache changes: what is drawn
 * does not. A failed layout is left for the draw to report. */
static void stc_graph_idle(void *st, stc_app *app)
{
    stc_graph *g = st;
    if (g->warmed == app->generation + 1)
        return;
    g->warmed = app->generation + 1;
    if (g->generation != app->generation) {
        stc_graph_flush(g);
        g->generation = app->generation;
    }
    const stc_workflow *wf = NULL;
    const char *name = NULL;
    const cJSON *asl = stc_app_workflow(app, &name, &wf);
    if (!name || !asl)
        return;
    /* the width the pane will have: the tabbed slot's, which the shown tab has */
    int width = 0;
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->tab && app->panes[i].w > 2)
            width = app->panes[i].w - 2;
    for (int pass = 0; pass < 2; pass++) {
        bool compact = pass == 1;
        const stc_layout *found = NULL;
        for (size_t i = 0; i < g->ncache; i++)
            if (strcmp(g->cache[i].name, name) == 0 && g->cache[i].compact == compact)
                found = g->cache[i].layout;
        if (!found) {
            const stc_workflow *shown = g->wf;
            g->wf = wf; /* label_extra reads the source lines of this workflow */
            stc_layout_options o = {.compact = compact, .label_extra = stc_graph_line_of, .label_extra_ctx = g};
            stc_diags d = STC_DIAGS_INIT;
            stc_layout *l = stc_layout_build(asl, &o, &d);
            stc_diags_free(&d);
            g->wf = shown;
            if (!l)
                return;
            g->cache = stc_xrealloc(g->cache, (g->ncache + 1) * sizeof *g->cache);
            g->cache[g->ncache++] = (stc_graph_cache){stc_xstrdup(name), compact, l};
            found = l;
        }
        if (compact || width <= 0 || !stc_viewport_wants_compact(found, width))
            return;
    }
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
    const stc_wf_state *s = g->wf ? stc_workflow_state(g->wf, name) : NULL;
    if (s && s->pos.line > 0)
        stc_app_show_lines(app, s->pos.line, s->pos.end_line ? s->pos.end_line : s->pos.line, s->pos.line);
    app->source_moved_seen = app->source_moved;
    g->source_seen = app->source_moved;
}

static void stc_graph_select_name(stc_graph *g, const char *name)
{
    for (int k = 0; name && k < g->norder; k++)
        if (strcmp(g->layout->nodes[g->order[k]].name, name) == 0)
            g->sel = k;
}

static void stc_graph_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    (void)focused;
    stc_graph *g = st;
    stc_graph_prepare(g, app, c->w, c->h);
    if (!g->layout) {
        stc_cells_put(c, 1, 0, g->error ? g->error : "", c->w - 1, STC_EL_DIM);
        return;
    }
    /* the source cursor moved: select the innermost state of its line */
    if (g->source_seen != app->source_moved && g->wf) {
        g->source_seen = app->source_moved;
        const stc_wf_state *at[1];
        if (stc_workflow_states_at_line(g->wf, app->source_line, at, 1) > 0) {
            stc_graph_select_name(g, at[0]->name);
            stc_rect r;
            if (stc_layout_state_rect(g->layout, at[0]->name, &r))
                stc_viewport_reveal(&g->vp, r);
            app->mark_line = app->source_line;
        }
    }
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
    stc_canvas *cv = stc_draw_canvas(g->layout, &o);
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
    stc_canvas_free(cv);
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
    if (!g->layout)
        return stc_app_sim_action(app, a, NULL);
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
    const char *name = stc_graph_selected(g);
    if (!name) {
        stc_rich_add(out, STC_EL_DIM, "j/k walk the states; the source follows. s simulates.\n");
        return;
    }
    const stc_wf_state *s = g->wf ? stc_workflow_state(g->wf, name) : NULL;
    stc_rich_addf(out, STC_EL_PANE_TITLE, "%s\n", name);
    if (s) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "type ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s", s->type);
        stc_rich_add(out, STC_EL_SIM_LABEL, "  from ");
        stc_rich_addf(out, STC_EL_NORMAL, "line %d:%d-%d:%d\n", s->pos.line, s->pos.col, s->pos.end_line,
                      s->pos.end_col);
        if (s->callee) {
            stc_rich_add(out, STC_EL_SIM_LABEL, "calls ");
            stc_rich_addf(out, STC_EL_NORMAL, "%s (%s)\n", s->callee,
                          s->call == STC_WF_CALL_WORKFLOW ? "nested execution" : "Lambda");
        }
        char *text = app->svc && app->svc->module ? stc_module_text(app->svc->module, s->pos) : NULL;
        if (text) {
            char *nl = strchr(text, '\n');
            if (nl)
                strcpy(nl, " ...");
            stc_rich_addf(out, STC_EL_DIM, "%s\n", text);
            free(text);
        }
    }
    if (stc_simctl_is_break(app->sim, name))
        stc_rich_add(out, STC_EL_SIM_STATUS_FAIL, "breakpoint (x clears it)\n");
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
    .idle = stc_graph_idle,
};
