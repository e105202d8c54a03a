/* pane_diags.c - every error, warning and note with file:line:col; Enter
 * jumps to the source line. After a reload that did not compile, these are
 * the new diagnostics (the rest of the view is the last good version). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/listview.h"

typedef struct stc_diagpane {
    stc_listview lv;
} stc_diagpane;

static void *stc_diagpane_create(stc_app *app)
{
    (void)app;
    stc_diagpane *d = stc_xcalloc(1, sizeof *d);
    d->lv.sel = -1;
    return d;
}

static void stc_diagpane_destroy(void *st)
{
    free(st);
}

static int stc_sev_el(stc_severity s)
{
    return s == STC_SEV_ERROR ? STC_EL_MARK_ERROR : s == STC_SEV_WARNING ? STC_EL_MARK_WARNING
                                                                          : STC_EL_MARK_NOTE;
}

static const char *stc_diag_base(const char *file)
{
    if (!file)
        return "";
    const char *b = strrchr(file, '/');
    return b ? b + 1 : file;
}

static void stc_diagpane_reload(void *st, stc_app *app)
{
    stc_diagpane *d = st;
    const stc_diag **v;
    size_t n = stc_app_diags(app, &v);
    free(v);
    stc_listview_set_count(&d->lv, (int)n);
}

static void stc_diagpane_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_diagpane *d = st;
    const stc_diag **v;
    size_t n = stc_app_diags(app, &v);
    stc_listview_set_count(&d->lv, (int)n);
    stc_listview_fit(&d->lv, c->h);
    if (n == 0)
        stc_cells_put(c, 1, 0, "No problems: no errors, no warnings.", c->w - 1, STC_EL_DIM);
    for (int y = 0; y < c->h && d->lv.top + y < (int)n; y++) {
        int row = d->lv.top + y;
        const stc_diag *dg = v[row];
        int x = 1;
        x += stc_cells_put(c, x, y, stc_severity_name(dg->severity), 7, stc_sev_el(dg->severity));
        x = 9;
        char *where = stc_xasprintf("%s:%d:%d", stc_diag_base(dg->file), dg->line, dg->col);
        x += stc_cells_put(c, x, y, where, c->w - x, STC_EL_DIM) + 1;
        free(where);
        x += stc_cells_put(c, x, y, dg->code, c->w - x, STC_EL_DIM) + 1;
        x += stc_cells_put(c, x, y, dg->message, c->w - x, STC_EL_NORMAL);
        if (dg->hint && x + 4 < c->w) {
            x += stc_cells_put(c, x, y, "  hint: ", c->w - x, STC_EL_HINT);
            stc_cells_put(c, x, y, dg->hint, c->w - x, STC_EL_HINT);
        }
        if (row == d->lv.sel)
            stc_cells_restyle(c, 0, y, c->w, focused ? STC_EL_CURSOR : STC_EL_CURSOR_DIM);
    }
    free(v);
}

static int stc_diagpane_action(void *st, stc_app *app, stc_action a)
{
    stc_diagpane *d = st;
    int flags = stc_listview_act(&d->lv, a);
    if (flags)
        return flags;
    if (a == STC_ACT_ENTER && d->lv.sel >= 0) {
        const stc_diag **v;
        size_t n = stc_app_diags(app, &v);
        if ((size_t)d->lv.sel < n && v[d->lv.sel]->line > 0 && v[d->lv.sel]->file && app->path &&
            strcmp(v[d->lv.sel]->file, app->path) == 0) {
            int line = v[d->lv.sel]->line;
            int end = v[d->lv.sel]->end_line > line ? v[d->lv.sel]->end_line : line;
            int u = stc_app_unit_at(app, line);
            if (u >= 0)
                stc_app_select_unit(app, u, false);
            stc_app_focus(app, STC_PANE_SOURCE);
            stc_app_show_lines(app, line, end, line);
        } else {
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "this diagnostic has no line in %s",
                            app->path ? app->path : "the module");
        }
        free(v);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    return 0;
}

static int stc_diagpane_click(void *st, stc_app *app, int x, int y)
{
    (void)app;
    (void)x;
    stc_listview_click(&((stc_diagpane *)st)->lv, y);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

typedef struct {
    const stc_diag **v;
} stc_diag_ctx;

static char *stc_diagpane_row(void *ctx, int row)
{
    const stc_diag *dg = ((stc_diag_ctx *)ctx)->v[row];
    return stc_xasprintf("%s %s:%d:%d %s %s %s", stc_severity_name(dg->severity), dg->file ? dg->file : "",
                         dg->line, dg->col, dg->code, dg->message, dg->hint ? dg->hint : "");
}

static bool stc_diagpane_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_diagpane *d = st;
    stc_diag_ctx k;
    stc_app_diags(app, &k.v);
    bool found = stc_listview_search(&d->lv, q, dir, stc_diagpane_row, &k);
    free(k.v);
    return found;
}

/* The source line of a diagnostic with a caret under its column. */
static void stc_diagpane_quote(stc_rich *out, const char *source, const stc_diag *dg)
{
    if (!source || dg->line <= 0)
        return;
    const char *p = source;
    for (int l = 1; l < dg->line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p || !*p)
        return;
    const char *eol = strchr(p, '\n');
    char *line = stc_xstrndup(p, eol ? (size_t)(eol - p) : strlen(p));
    size_t lead = strspn(line, " \t");
    stc_rich_addf(out, STC_EL_DIM, "%4d | ", dg->line);
    stc_rich_addf(out, STC_EL_NORMAL, "%s\n", line + lead);
    int col = dg->col - 1 - (int)lead;
    if (col >= 0) {
        char *pad = stc_xmalloc((size_t)col + 8);
        memset(pad, ' ', (size_t)col + 7);
        pad[col + 7] = '\0';
        stc_rich_add(out, STC_EL_NORMAL, pad);
        stc_rich_add(out, STC_EL_MARK_ERROR, "^\n");
        free(pad);
    }
    free(line);
}

static void stc_diagpane_explain(void *st, stc_app *app, stc_rich *out)
{
    stc_diagpane *d = st;
    const stc_diag **v;
    size_t n = stc_app_diags(app, &v);
    if (d->lv.sel < 0 || (size_t)d->lv.sel >= n) {
        stc_rich_add(out, STC_EL_DIM, "No diagnostic selected.");
        free(v);
        return;
    }
    const stc_diag *dg = v[d->lv.sel];
    stc_rich_addf(out, stc_sev_el(dg->severity), "%s ", stc_severity_name(dg->severity));
    stc_rich_addf(out, STC_EL_PANE_TITLE, "%s", dg->code);
    stc_rich_addf(out, STC_EL_DIM, "  %s:%d:%d\n", stc_diag_base(dg->file), dg->line, dg->col);
    stc_rich_addf(out, STC_EL_NORMAL, "%s\n", dg->message);
    if (dg->hint)
        stc_rich_addf(out, STC_EL_HINT, "hint: %s\n", dg->hint);
    const char *src = app->broken && app->broken->module ? app->broken->module->source : NULL;
    if (!app->broken && dg->file && app->path && strcmp(dg->file, app->path) == 0)
        src = stc_app_source(app);
    stc_diagpane_quote(out, src, dg);
    free(v);
}

static const char *stc_diagpane_title(void *st, stc_app *app)
{
    (void)st;
    static char buf[32];
    const stc_diag **v;
    size_t n = stc_app_diags(app, &v);
    free(v);
    snprintf(buf, sizeof buf, "(%zu)", n);
    return buf;
}

const stc_pane_ops stc_pane_diags = {
    .name = "Diagnostics",
    .scope = STC_SCOPE_DIAGS,
    .tab = true,
    .focusable = true,
    .create = stc_diagpane_create,
    .destroy = stc_diagpane_destroy,
    .reload = stc_diagpane_reload,
    .draw = stc_diagpane_draw,
    .action = stc_diagpane_action,
    .click = stc_diagpane_click,
    .search = stc_diagpane_search,
    .explain = stc_diagpane_explain,
    .title = stc_diagpane_title,
};
