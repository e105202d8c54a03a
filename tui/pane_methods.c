/* pane_methods.c - every method of the service with its kind badge, in
 * definition order or grouped by kind; the selection drives the other panes. */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/triggers.h"
#include "core/util.h"
#include "tui/app.h"
#include "tui/listview.h"

typedef struct stc_methods {
    stc_listview lv;
    int *order; /* row -> unit index */
    int n;
    bool grouped;
} stc_methods;

static void *stc_methods_create(stc_app *app)
{
    (void)app;
    stc_methods *m = stc_xcalloc(1, sizeof *m);
    m->lv.sel = -1;
    return m;
}

static void stc_methods_destroy(void *st)
{
    stc_methods *m = st;
    free(m->order);
    free(m);
}

/* Group order: what a reader looks for first. */
static int stc_methods_rank(const stc_unit_info *u)
{
    if (u->kind == STC_KIND_REST)
        return 0;
    if (u->kind == STC_KIND_WEBSOCKET)
        return 1;
    if (u->kind == STC_KIND_FUNCTION)
        return u->unit == STC_UNIT_STATE_MACHINE ? 2 : 3;
    if (u->kind == STC_KIND_UNCLASSIFIED)
        return 4;
    if (u->kind == STC_KIND_INIT)
        return 5;
    return 6;
}

static void stc_methods_reload(void *st, stc_app *app)
{
    stc_methods *m = st;
    const stc_service *svc = app->svc;
    free(m->order);
    m->n = svc ? (int)svc->nunits : 0;
    m->order = stc_xcalloc((size_t)m->n + 1, sizeof *m->order);
    int k = 0;
    for (int rank = 0; rank <= 6; rank++)
        for (int i = 0; i < m->n; i++)
            if (!m->grouped ? rank == 0 : stc_methods_rank(&svc->units[i]) == rank)
                m->order[k++] = i;
    stc_listview_set_count(&m->lv, m->n);
    for (int r = 0; r < m->n; r++)
        if (m->order[r] == app->unit)
            m->lv.sel = r;
}

static const char *stc_methods_extra(const stc_unit_info *u, char *buf, size_t n)
{
    if (u->kind == STC_KIND_REST)
        return stc_naming_group_method(u->group);
    if (u->kind == STC_KIND_WEBSOCKET && u->ws_name) {
        bool special = strcmp(u->ws_name, "connect") == 0 || strcmp(u->ws_name, "disconnect") == 0 ||
                       strcmp(u->ws_name, "default") == 0;
        snprintf(buf, n, "%s%s", special ? "$" : "", u->ws_name);
        return buf;
    }
    return "";
}

static void stc_methods_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_methods *m = st;
    /* follow a selection made elsewhere (source cursor, diagnostics, routes) */
    if (m->lv.sel < 0 || m->lv.sel >= m->n || m->order[m->lv.sel] != app->unit)
        for (int r = 0; r < m->n; r++)
            if (m->order[r] == app->unit)
                stc_listview_select(&m->lv, r);
    stc_listview_fit(&m->lv, c->h);
    if (m->n == 0) {
        stc_cells_put(c, 1, 0, app->asl_doc ? "--asl: no service module" : app->svc && app->svc->module ? "no service class" : "nothing compiled yet",
                      c->w - 1, STC_EL_DIM);
        return;
    }
    for (int y = 0; y < c->h && m->lv.top + y < m->n; y++) {
        int row = m->lv.top + y;
        const stc_unit_info *u = &app->svc->units[m->order[row]];
        int el;
        const char *badge = stc_app_badge(u, &el);
        int x = 1 + stc_cells_put(c, 1, y, badge, 6, el) + 2;
        if (x < 7)
            x = 7;
        if (u->unit == STC_UNIT_STATE_MACHINE)
            x += stc_cells_put(c, x, y, app->utf8 ? "▸ " : "> ", 2, STC_EL_BADGE_WF);
        char buf[64];
        const char *extra = stc_methods_extra(u, buf, sizeof buf);
        int ew = stc_cells_width(extra);
        int sev = stc_app_unit_severity(app, u);
        int room = c->w - 2 - x; /* the last column holds the mark */
        int nw = stc_cells_width(u->method->name);
        if (ew && nw + 1 + ew > room)
            ew = 0; /* the name matters more than the HTTP method */
        stc_cells_put_cut(c, x, y, u->method->name, ew ? room - ew - 1 : room, STC_EL_NORMAL);
        if (ew)
            stc_cells_put(c, c->w - 2 - ew, y, extra, ew, STC_EL_HTTP_METHOD);
        if (sev >= STC_SEV_WARNING || u->hint)
            stc_cells_put(c, c->w - 1, y, sev == STC_SEV_ERROR ? (app->utf8 ? "✗" : "x") : "!", 1,
                          sev == STC_SEV_ERROR ? STC_EL_MARK_ERROR : STC_EL_MARK_WARNING);
        if (row == m->lv.sel)
            stc_cells_restyle(c, 0, y, c->w, focused ? STC_EL_CURSOR : STC_EL_CURSOR_DIM);
    }
}

static void stc_methods_changed(stc_methods *m, stc_app *app)
{
    if (m->lv.sel >= 0 && m->lv.sel < m->n && m->order[m->lv.sel] != app->unit)
        stc_app_select_unit(app, m->order[m->lv.sel], true);
}

static int stc_methods_action(void *st, stc_app *app, stc_action a)
{
    stc_methods *m = st;
    int flags = stc_listview_act(&m->lv, a);
    if (flags) {
        stc_methods_changed(m, app);
        return flags;
    }
    if (a == STC_ACT_SORT) {
        m->grouped = !m->grouped;
        stc_methods_reload(m, app);
        stc_listview_select(&m->lv, m->lv.sel);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    if (a == STC_ACT_ENTER) {
        stc_app_focus(app, STC_PANE_SOURCE);
        app->follow++;
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    return 0;
}

static int stc_methods_click(void *st, stc_app *app, int x, int y)
{
    (void)x;
    stc_methods *m = st;
    if (stc_listview_click(&m->lv, y))
        stc_methods_changed(m, app);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

typedef struct {
    stc_methods *m;
    stc_app *app;
} stc_methods_ctx;

static char *stc_methods_row_text(void *ctx, int row)
{
    stc_methods_ctx *k = ctx;
    const stc_unit_info *u = &k->app->svc->units[k->m->order[row]];
    return stc_xasprintf("%s %s", stc_app_badge(u, NULL), u->method->name);
}

static bool stc_methods_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_methods *m = st;
    stc_methods_ctx k = {m, app};
    if (!stc_listview_search(&m->lv, q, dir, stc_methods_row_text, &k))
        return false;
    stc_methods_changed(m, app);
    return true;
}

static void stc_methods_params(stc_rich *out, const stc_method *md)
{
    if (md->nparams == 0) {
        stc_rich_add(out, STC_EL_DIM, "(none)");
        return;
    }
    for (size_t i = 0; i < md->nparams; i++) {
        const stc_param *p = &md->params[i];
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s%s", i ? ", " : "", p->vararg ? "*" : p->kwarg ? "**" : "",
                      p->name);
        if (p->annotation)
            stc_rich_addf(out, STC_EL_DIM, ": %s", p->annotation);
        if (p->default_text)
            stc_rich_addf(out, STC_EL_DIM, " = %s", p->default_text);
    }
}

static void stc_methods_explain(void *st, stc_app *app, stc_rich *out)
{
    (void)st;
    if (!app->svc || app->unit < 0 || (size_t)app->unit >= app->svc->nunits) {
        stc_rich_add(out, STC_EL_DIM, "Select a method to see why it becomes what it becomes.");
        return;
    }
    const stc_unit_info *u = &app->svc->units[app->unit];
    const stc_method *md = u->method;
    int el;
    const char *badge = stc_app_badge(u, &el);
    stc_rich_add(out, el, badge);
    stc_rich_addf(out, STC_EL_PANE_TITLE, " %s%s", md->is_async ? "async " : "", md->name);
    stc_rich_addf(out, STC_EL_DIM, "  line %d\n", md->pos.line);
    const char *why = u->explain ? u->explain : "";
    size_t nl = strlen(md->name);
    if (strncmp(why, md->name, nl) == 0 && why[nl] == ':')
        why += nl + 2;
    stc_rich_addf(out, STC_EL_NORMAL, "%s\n", why);
    if (u->hint)
        stc_rich_addf(out, STC_EL_HINT, "hint: %s\n", u->hint);
    stc_rich_add(out, STC_EL_SIM_LABEL, "unit ");
    stc_rich_addf(out, STC_EL_NORMAL, "%s", stc_unit_json(u->unit));
    if (u->kind == STC_KIND_REST) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "  verb ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s (%s group, %s)", u->verb ? u->verb : "?",
                      stc_naming_group_name(u->group), stc_naming_group_method(u->group));
        stc_rich_add(out, STC_EL_SIM_LABEL, "  entity ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s", u->entity ? u->entity : "?");
    }
    stc_rich_add(out, STC_EL_NORMAL, "\n");
    /* a workflow: the query language it is compiled to, and why */
    stc_app_explain_language(app, md->name, "language ", out);
    stc_rich_add(out, STC_EL_SIM_LABEL, "params ");
    stc_methods_params(out, md);
    stc_rich_add(out, STC_EL_NORMAL, "\n");
    /* Schedules and resource events that start the unit (docs/triggers.md). */
    const stc_config *cfg = app->svc->config;
    for (size_t i = 0; cfg && cfg->triggers && i < cfg->triggers->count; i++) {
        const stc_trigger *tr = &cfg->triggers->items[i];
        if (!tr->target || strcmp(tr->target, md->name) != 0)
            continue;
        char *what = stc_trigger_summary(tr), *params = stc_trigger_params_text(tr);
        stc_rich_add(out, STC_EL_SIM_LABEL, "trigger ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s%s", what, *params ? " -> " : "", params);
        if (!stc_trigger_enabled(tr, cfg->mode))
            stc_rich_addf(out, STC_EL_DIM, "  (off in %s)", cfg->schema->modes[cfg->mode]);
        stc_rich_add(out, STC_EL_NORMAL, "\n");
        free(what);
        free(params);
    }
    const stc_diags *d = app->broken ? NULL : &app->svc->diags;
    int last = md->pos.end_line ? md->pos.end_line : md->pos.line;
    for (size_t i = 0; d && i < d->count; i++) {
        const stc_diag *dg = &d->items[i];
        if (dg->line < md->pos.line || dg->line > last)
            continue;
        int sel = dg->severity == STC_SEV_ERROR ? STC_EL_MARK_ERROR
                  : dg->severity == STC_SEV_WARNING ? STC_EL_MARK_WARNING
                                                    : STC_EL_MARK_NOTE;
        stc_rich_addf(out, sel, "%s ", stc_severity_name(dg->severity));
        stc_rich_addf(out, STC_EL_NORMAL, "%s %s\n", dg->code, dg->message);
    }
}

static const char *stc_methods_title(void *st, stc_app *app)
{
    (void)app;
    return ((stc_methods *)st)->grouped ? "(by kind)" : NULL;
}

const stc_pane_ops stc_pane_methods = {
    .name = "Methods",
    .scope = STC_SCOPE_METHODS,
    .focusable = true,
    .create = stc_methods_create,
    .destroy = stc_methods_destroy,
    .reload = stc_methods_reload,
    .draw = stc_methods_draw,
    .action = stc_methods_action,
    .click = stc_methods_click,
    .search = stc_methods_search,
    .explain = stc_methods_explain,
    .title = stc_methods_title,
};
