/* pane_asl.c - the ASL tab: the shown workflow's state machine as pretty
 * JSON (tui/jsonview.h), with JSON colours, line numbers, a fold per
 * object or array written over several rows, and search that opens the
 * fold it lands in. The selected state's entry is lit (its rows, a mark on
 * its first) and scrolled into view; it moves together with the Graph tab
 * and the Source pane: a state selected there (or the state of the source
 * line) is followed here, and moving the cursor here selects the state it
 * is in, everywhere (stc_app_select_state). Explain shows the state: type,
 * Python lines, the variables it reads and assigns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/util.h"
#include "render/aslvars.h"
#include "tui/app.h"
#include "tui/jsonview.h"
#include "tui/listview.h"
#include "tui/simctl.h"

typedef struct stc_aslpane {
    stc_listview lv;      /* over the visible rows */
    stc_jsonview view;
    const cJSON *doc;     /* the machine the rows come from (borrowed, for identity) */
    unsigned generation;  /* of the compile it comes from */
    char *name;           /* the workflow shown */
    int *vis;             /* visible row -> row */
    int nvis;
    char **folded;        /* header paths */
    size_t nfolded;
    unsigned state_seen;  /* app->state_moved when last followed */
    unsigned source_seen; /* app->source_moved when last followed */
    bool reveal;          /* show the selected state's entry at the next draw */
} stc_aslpane;

static void *stc_asl_create(stc_app *app)
{
    stc_aslpane *p = stc_xcalloc(1, sizeof *p);
    p->lv.sel = -1;
    p->state_seen = app->state_moved;
    p->source_seen = app->source_moved;
    return p;
}

static void stc_asl_unfold_all(stc_aslpane *p)
{
    for (size_t i = 0; i < p->nfolded; i++)
        free(p->folded[i]);
    free(p->folded);
    p->folded = NULL;
    p->nfolded = 0;
}

static void stc_asl_destroy(void *st)
{
    stc_aslpane *p = st;
    stc_jsonview_free(&p->view);
    stc_asl_unfold_all(p);
    free(p->vis);
    free(p->name);
    free(p);
}

/* ---- folds ----------------------------------------------------------- */

static bool stc_asl_is_folded(const stc_aslpane *p, int row)
{
    const stc_json_row *r = &p->view.rows[row];
    if (!r->header)
        return false;
    for (size_t i = 0; i < p->nfolded; i++)
        if (strcmp(p->folded[i], r->path) == 0)
            return true;
    return false;
}

static void stc_asl_set_fold(stc_aslpane *p, int row, bool fold)
{
    const stc_json_row *r = &p->view.rows[row];
    if (!r->header || stc_asl_is_folded(p, row) == fold)
        return;
    if (fold) {
        p->folded = stc_xrealloc(p->folded, (p->nfolded + 1) * sizeof *p->folded);
        p->folded[p->nfolded++] = stc_xstrdup(r->path);
        return;
    }
    for (size_t i = 0; i < p->nfolded; i++)
        if (strcmp(p->folded[i], r->path) == 0) {
            free(p->folded[i]);
            p->folded[i] = p->folded[--p->nfolded];
            return;
        }
}

/* The row shown at visible index i, or -1. */
static int stc_asl_row(const stc_aslpane *p, int i)
{
    return i >= 0 && i < p->nvis ? p->vis[i] : -1;
}

/* Recompute the visible rows and put the cursor on `row` (or the visible
 * row that hides it). */
static void stc_asl_layout(stc_aslpane *p, int row)
{
    free(p->vis);
    p->vis = stc_xmalloc(((size_t)p->view.n + 1) * sizeof *p->vis);
    p->nvis = 0;
    int sel = -1;
    for (int i = 0; i < p->view.n; i++) {
        if (row >= i && (sel < 0 || row > p->vis[sel]))
            sel = p->nvis;
        p->vis[p->nvis++] = i;
        if (stc_asl_is_folded(p, i))
            i = p->view.rows[i].end;
    }
    stc_listview_set_count(&p->lv, p->nvis);
    if (sel >= 0)
        p->lv.sel = sel;
}

/* Unfold every header that hides `row`. */
static void stc_asl_reveal_row(stc_aslpane *p, int row)
{
    for (int i = 0; i < row; i++)
        if (p->view.rows[i].header && p->view.rows[i].end >= row)
            stc_asl_set_fold(p, i, false);
}

/* ---- the machine ----------------------------------------------------- */

static void stc_asl_sync(stc_aslpane *p, stc_app *app)
{
    const char *name = NULL;
    const struct stc_workflow *wf = NULL;
    const cJSON *doc = stc_app_workflow(app, &name, &wf);
    if (doc == p->doc && p->generation == app->generation && p->doc)
        return;
    bool same = name && p->name && strcmp(name, p->name) == 0;
    int old = stc_asl_row(p, p->lv.sel);
    const char *at = stc_jsonview_state_at(&p->view, old);
    char *keep = at ? stc_xstrdup(at) : NULL;
    stc_jsonview_free(&p->view);
    p->doc = doc;
    p->generation = app->generation;
    free(p->name);
    p->name = name ? stc_xstrdup(name) : NULL;
    if (!same) {
        stc_asl_unfold_all(p);
        p->lv.sel = p->lv.top = 0;
        free(keep);
        keep = NULL;
        old = 0;
        p->reveal = app->state != NULL;
    }
    stc_jsonview_build(&p->view, doc);
    int row = keep ? stc_jsonview_state_row(&p->view, keep) : -1;
    free(keep);
    stc_asl_layout(p, row >= 0 ? row : old < p->view.n ? old : 0);
}

/* The selected state (app->state) when this machine has it: its head row. */
static int stc_asl_selected_head(const stc_aslpane *p, const stc_app *app)
{
    return app->state ? stc_jsonview_state_row(&p->view, app->state) : -1;
}

/* Follow the state selected elsewhere (Graph, simulator) and the source
 * cursor: put the state's entry in view, the cursor on its first row. */
static void stc_asl_follow(stc_aslpane *p, stc_app *app)
{
    if (p->source_seen != app->source_moved) {
        p->source_seen = app->source_moved;
        const char *at = stc_app_state_at_line(app, app->source_line);
        if (at) {
            stc_app_select_state(app, at, false);
            app->mark_line = app->source_line;
        }
    }
    if (p->state_seen != app->state_moved) {
        p->state_seen = app->state_moved;
        p->reveal = true;
    }
    if (!p->reveal)
        return;
    p->reveal = false;
    int head = stc_asl_selected_head(p, app);
    if (head < 0)
        return;
    stc_asl_reveal_row(p, head);
    stc_asl_layout(p, head);
    int h = p->lv.height > 0 ? p->lv.height : 1;
    int end = stc_asl_is_folded(p, head) ? head : p->view.rows[head].end;
    /* the last visible index of the entry */
    int last = p->lv.sel;
    while (last + 1 < p->nvis && p->vis[last + 1] <= end)
        last++;
    if (p->lv.sel < p->lv.top || last >= p->lv.top + h)
        p->lv.top = p->lv.sel; /* not all in view: the entry at the top */
}

/* The cursor moved here: select the state it is in, everywhere. */
static void stc_asl_moved(stc_aslpane *p, stc_app *app)
{
    const char *name = stc_jsonview_state_at(&p->view, stc_asl_row(p, p->lv.sel));
    if (name && (!app->state || strcmp(app->state, name) != 0))
        stc_app_select_state(app, name, true);
    p->state_seen = app->state_moved;
    p->source_seen = app->source_moved;
}

/* ---- drawing --------------------------------------------------------- */

static int stc_asl_digits(const stc_aslpane *p)
{
    int digits = 1;
    for (int v = p->view.n; v >= 10; v /= 10)
        digits++;
    return digits;
}

static void stc_asl_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_aslpane *p = st;
    stc_asl_sync(p, app);
    p->lv.height = c->h;
    stc_asl_follow(p, app);
    stc_listview_fit(&p->lv, c->h);
    if (!p->doc) {
        const char *why = p->name ? "did not compile into a state machine; see Diagnostics"
                                  : "No workflow: the service has no async method.";
        stc_cells_putf(c, 1, 0, c->w - 1, STC_EL_DIM, "%s%s%s", p->name ? p->name : "", p->name ? " " : "", why);
        return;
    }
    int digits = stc_asl_digits(p);
    int gutter = digits + 3; /* number, state mark, fold mark */
    int head = stc_asl_selected_head(p, app);
    int end = head >= 0 ? p->view.rows[head].end : -1;
    for (int y = 0; y < c->h && p->lv.top + y < p->nvis; y++) {
        int row = p->vis[p->lv.top + y];
        const stc_json_row *r = &p->view.rows[row];
        bool lit = head >= 0 && row >= head && row <= end;
        if (lit)
            stc_cells_fill(c, 0, y, c->w, 1, STC_EL_SOURCE_SPAN);
        stc_cells_putf(c, 0, y, digits, STC_EL_LINE_NUMBER, "%*d", digits, row + 1);
        if (row == head)
            stc_cells_put(c, digits + 1, y, app->utf8 ? "▶" : ">", 1, STC_EL_SOURCE_MARK);
        bool folded = stc_asl_is_folded(p, row);
        if (r->header)
            stc_cells_put(c, digits + 2, y, folded ? (app->utf8 ? "▸" : ">") : (app->utf8 ? "▾" : "v"), 1,
                          folded ? STC_EL_FOLDED : STC_EL_DIM);
        size_t len = strlen(r->text);
        int x = gutter;
        size_t i = 0;
        while (i < len && x < c->w) {
            size_t j = i;
            while (j < len && r->sty[j] == r->sty[i])
                j++;
            char *run = stc_xstrndup(r->text + i, j - i);
            int el = lit && r->sty[i] == STC_EL_NORMAL ? STC_EL_SOURCE_SPAN : r->sty[i];
            x += stc_cells_put(c, x, y, run, c->w - x, el);
            free(run);
            i = j;
        }
        if (folded && x + 2 < c->w) {
            const stc_json_row *close = &p->view.rows[r->end];
            const char *type = NULL;
            if (r->state_head) {
                const cJSON *s = stc_aslvars_find_state(p->doc, p->view.states[r->state], NULL);
                const cJSON *t = cJSON_GetObjectItemCaseSensitive(s, "Type");
                type = cJSON_IsString(t) ? t->valuestring : NULL;
            }
            if (type)
                x += stc_cells_putf(c, x, y, c->w - x, STC_EL_DIM, " %s", type);
            x += stc_cells_putf(c, x, y, c->w - x, STC_EL_FOLDED, " %s %d lines ", app->utf8 ? "…" : "...",
                                r->end - row - 1);
            stc_cells_put(c, x, y, close->text + 2 * close->depth, c->w - x, STC_EL_JSON_PUNCT);
        }
        stc_listview_light(c, gutter, y, r->text, app->search);
        if (p->lv.top + y == p->lv.sel)
            stc_cells_restyle(c, 0, y, c->w, focused ? STC_EL_CURSOR : STC_EL_CURSOR_DIM);
    }
}

/* ---- actions --------------------------------------------------------- */

static void stc_asl_toggle(stc_aslpane *p, int row)
{
    int h = stc_jsonview_owner(&p->view, row);
    if (h < 0)
        return;
    stc_asl_set_fold(p, h, !stc_asl_is_folded(p, h));
    stc_asl_layout(p, h);
}

/* The head row of the next (dir 1) or previous (-1) state from the cursor,
 * among the visible rows; -1 when there is none. */
static int stc_asl_next_state(const stc_aslpane *p, int dir)
{
    for (int i = p->lv.sel + dir; i >= 0 && i < p->nvis; i += dir)
        if (p->view.rows[p->vis[i]].state_head)
            return i;
    return -1;
}

static int stc_asl_action(void *st, stc_app *app, stc_action a)
{
    stc_aslpane *p = st;
    stc_asl_sync(p, app);
    if (!p->doc)
        return 0;
    int flags = stc_listview_act(&p->lv, a);
    if (flags) {
        stc_asl_moved(p, app);
        return flags;
    }
    int row = stc_asl_row(p, p->lv.sel);
    switch (a) {
    case STC_ACT_ENTER:
    case STC_ACT_FOLD:
        if (stc_jsonview_owner(&p->view, row) < 0) {
            stc_app_message(app, STC_EL_MESSAGE, "nothing to fold here");
            return STC_PANE_HANDLED | STC_PANE_REDRAW;
        }
        stc_asl_toggle(p, row);
        stc_asl_moved(p, app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_FOLD_ALL:
    case STC_ACT_UNFOLD_ALL: {
        int keep = row;
        if (a == STC_ACT_UNFOLD_ALL) {
            stc_asl_unfold_all(p);
        } else {
            for (int i = 0; i < p->view.n; i++)
                if (p->view.rows[i].state_head && p->view.rows[i].header)
                    stc_asl_set_fold(p, i, true);
            /* the cursor goes to the head of the state it was in */
            const char *name = stc_jsonview_state_at(&p->view, row);
            int h = name ? stc_jsonview_state_row(&p->view, name) : -1;
            while (h >= 0 && p->view.rows[h].state >= 0) {
                /* the outermost folded state that holds it */
                int outer = -1;
                for (int i = 0; i < h; i++)
                    if (p->view.rows[i].state_head && p->view.rows[i].end >= h && stc_asl_is_folded(p, i)) {
                        outer = i;
                        break;
                    }
                if (outer < 0)
                    break;
                h = outer;
            }
            if (h >= 0)
                keep = h;
        }
        stc_asl_layout(p, keep);
        stc_listview_select(&p->lv, p->lv.sel);
        stc_asl_moved(p, app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    case STC_ACT_LEFT:
    case STC_ACT_RIGHT: {
        int i = stc_asl_next_state(p, a == STC_ACT_RIGHT ? 1 : -1);
        if (i >= 0) {
            stc_listview_select(&p->lv, i);
            stc_asl_moved(p, app);
        }
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    default: {
        /* the simulator's keys, as in the Graph: x on the state the cursor
         * is in; the cursor follows the current state */
        int sim = stc_app_sim_action(app, a, stc_jsonview_state_at(&p->view, row));
        const char *cur = stc_simctl_active(app->sim) ? stc_simctl_current(app->sim) : NULL;
        if ((sim & STC_PANE_HANDLED) && cur && p->name && strcmp(stc_simctl_name(app->sim), p->name) == 0)
            stc_app_select_state(app, cur, true);
        return sim;
    }
    }
}

static int stc_asl_click(void *st, stc_app *app, int x, int y)
{
    stc_aslpane *p = st;
    stc_asl_sync(p, app);
    if (!p->doc || !stc_listview_click(&p->lv, y))
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    int row = stc_asl_row(p, p->lv.sel);
    if (x == stc_asl_digits(p) + 2 && row >= 0 && p->view.rows[row].header)
        stc_asl_toggle(p, row); /* a click on the fold mark */
    stc_asl_moved(p, app);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

static const char *stc_asl_text(void *ctx, int row)
{
    return ((stc_aslpane *)ctx)->view.rows[row].text;
}

static bool stc_asl_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_aslpane *p = st;
    stc_asl_sync(p, app);
    int i = stc_listview_find(p->view.n, stc_asl_row(p, p->lv.sel), dir, q, stc_asl_text, p);
    if (i < 0)
        return false;
    stc_asl_reveal_row(p, i);
    stc_asl_layout(p, i);
    stc_listview_select(&p->lv, p->lv.sel);
    stc_asl_moved(p, app);
    return true;
}

/* ---- explain --------------------------------------------------------- */

static void stc_asl_explain(void *st, stc_app *app, stc_rich *out)
{
    stc_aslpane *p = st;
    stc_asl_sync(p, app);
    stc_asl_follow(p, app); /* the Explain pane is drawn before this one */
    int row = stc_asl_row(p, p->lv.sel);
    if (!p->doc || row < 0) {
        stc_rich_add(out, STC_EL_DIM, "The selected workflow's state machine as JSON.\n");
        return;
    }
    const char *name = stc_jsonview_state_at(&p->view, row);
    if (name) {
        stc_app_explain_state(app, name, out);
        int h = stc_jsonview_state_row(&p->view, name);
        stc_rich_add(out, STC_EL_SIM_LABEL, "json  ");
        stc_rich_addf(out, STC_EL_DIM, "lines %d-%d%s\n", h + 1, p->view.rows[h].end + 1,
                      stc_asl_is_folded(p, h) ? " (folded)" : "");
        /* a line the pane cuts: in full here */
        const stc_json_row *r = &p->view.rows[row];
        int room = app->panes[STC_PANE_ASL].w - 2 - (stc_asl_digits(p) + 3);
        if (room > 0 && stc_cells_width(r->text) > room) {
            stc_rich_addf(out, STC_EL_SIM_LABEL, "line %d ", row + 1);
            stc_rich_addf(out, STC_EL_NORMAL, "%s\n", r->text + 2 * r->depth);
        }
        return;
    }
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(p->doc, "StartAt");
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(p->doc, "QueryLanguage");
    stc_rich_addf(out, STC_EL_PANE_TITLE, "%s\n", p->name ? p->name : "state machine");
    stc_rich_add(out, STC_EL_SIM_LABEL, "states ");
    stc_rich_addf(out, STC_EL_NORMAL, "%d", p->view.nstates);
    stc_rich_add(out, STC_EL_SIM_LABEL, "  starts at ");
    stc_rich_addf(out, STC_EL_NORMAL, "%s\n", cJSON_IsString(start) ? start->valuestring : "?");
    if (app->asl_doc || !p->name) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "query language ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s\n", cJSON_IsString(ql) ? ql->valuestring : "JSONPath (the default)");
    } else {
        stc_app_explain_language(app, p->name, "query language ", out); /* and why */
    }
    stc_rich_add(out, STC_EL_DIM, "j/k move, h/l the previous/next state, z folds, M folds every state, R "
                                  "unfolds; the Graph and the Source follow.\n");
}

static const char *stc_asl_title(void *st, stc_app *app)
{
    stc_aslpane *p = st;
    static char buf[160];
    if (app->tab != STC_PANE_ASL)
        return NULL; /* the name of the machine only on the tab shown */
    stc_asl_sync(p, app);
    if (!p->name)
        return NULL;
    const cJSON *ql = cJSON_GetObjectItemCaseSensitive(p->doc, "QueryLanguage");
    if (!p->doc)
        return p->name;
    snprintf(buf, sizeof buf, "%s (%s)", p->name, cJSON_IsString(ql) ? ql->valuestring : "JSONPath");
    return buf;
}

const stc_pane_ops stc_pane_asl = {
    .name = "ASL",
    .scope = STC_SCOPE_ASL,
    .tab = true,
    .focusable = true,
    .create = stc_asl_create,
    .destroy = stc_asl_destroy,
    .draw = stc_asl_draw,
    .action = stc_asl_action,
    .click = stc_asl_click,
    .search = stc_asl_search,
    .explain = stc_asl_explain,
    .title = stc_asl_title,
};
