/* pane_template.c - the CloudFormation template of the current mode as YAML
 * (the text of `stc-tui template`), with YAML colours, a fold per section
 * and per entry (resource, parameter, output), search, and the entries
 * that changed since the previous mode marked in the gutter: `+` added,
 * `~` changed (on the entry line and on the lines of each changed path).
 * The template itself is built by the app on load, reload and mode change
 * (tui/tmpl.h); this pane only lays it out. The first one of a session is
 * built by the worker after the first frame (tui/bg.h): until it is there
 * the pane says so, and a key, click or search in the pane waits for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/listview.h"
#include "tui/yamlview.h"

typedef struct stc_tplpane {
    stc_listview lv;     /* over the visible rows */
    stc_yamlview view;
    const char *yaml;    /* the text the rows come from (borrowed, for identity) */
    bool stale;          /* the template was rebuilt: parse it when the pane is next used */
    char *marks;         /* per row: '+', '~' or 0 */
    int *vis;            /* visible row -> row */
    int nvis;
    char **folded;       /* "Resources/PeopleTable" or "Resources" */
    size_t nfolded;
    int seen_unit;       /* app->unit when last followed */
    unsigned seen_gen;
} stc_tplpane;

static void *stc_tp_create(stc_app *app)
{
    (void)app;
    stc_tplpane *p = stc_xcalloc(1, sizeof *p);
    p->lv.sel = -1;
    p->seen_unit = -2;
    return p;
}

static void stc_tp_destroy(void *st)
{
    stc_tplpane *p = st;
    stc_yamlview_free(&p->view);
    free(p->marks);
    free(p->vis);
    for (size_t i = 0; i < p->nfolded; i++)
        free(p->folded[i]);
    free(p->folded);
    free(p);
}

/* ---- folds ----------------------------------------------------------- */

static char *stc_tp_fold_key(const stc_yaml_row *r)
{
    return r->level == 0 ? stc_xstrdup(r->section ? r->section : "")
                         : stc_xasprintf("%s/%s", r->section ? r->section : "", r->entry ? r->entry : "");
}

static long stc_tp_fold_index(const stc_tplpane *p, const stc_yaml_row *r)
{
    char *k = stc_tp_fold_key(r);
    long at = -1;
    for (size_t i = 0; i < p->nfolded && at < 0; i++)
        if (strcmp(p->folded[i], k) == 0)
            at = (long)i;
    free(k);
    return at;
}

static bool stc_tp_is_folded(const stc_tplpane *p, int row)
{
    const stc_yaml_row *r = &p->view.rows[row];
    return r->header && stc_tp_fold_index(p, r) >= 0;
}

static void stc_tp_set_fold(stc_tplpane *p, int row, bool fold)
{
    const stc_yaml_row *r = &p->view.rows[row];
    long at = stc_tp_fold_index(p, r);
    if (fold && at < 0) {
        p->folded = stc_xrealloc(p->folded, (p->nfolded + 1) * sizeof *p->folded);
        p->folded[p->nfolded++] = stc_tp_fold_key(r);
    } else if (!fold && at >= 0) {
        free(p->folded[at]);
        p->folded[at] = p->folded[--p->nfolded];
    }
}

/* The row shown at visible index `v`, or -1. */
static int stc_tp_row(const stc_tplpane *p, int v)
{
    return v >= 0 && v < p->nvis ? p->vis[v] : -1;
}

static void stc_tp_layout(stc_tplpane *p, int keep_row)
{
    free(p->vis);
    p->vis = stc_xmalloc(((size_t)p->view.n + 1) * sizeof *p->vis);
    p->nvis = 0;
    int sel = -1;
    for (int i = 0; i < p->view.n;) {
        if (keep_row >= 0 && i <= keep_row)
            sel = p->nvis; /* the last visible row at or before keep_row */
        p->vis[p->nvis++] = i;
        i = stc_tp_is_folded(p, i) ? p->view.rows[i].end + 1 : i + 1;
    }
    stc_listview_set_count(&p->lv, p->nvis);
    if (sel >= 0)
        stc_listview_select(&p->lv, sel);
}

/* The header whose fold holds row `row`: the row itself when it is a
 * header, else its entry, else its section (-1: none). */
static int stc_tp_fold_owner(const stc_tplpane *p, int row)
{
    if (row < 0)
        return -1;
    const stc_yaml_row *r = &p->view.rows[row];
    if (r->header)
        return row;
    int h = r->entry ? stc_yamlview_find(&p->view, r->section, r->entry) : -1;
    if (h >= 0 && p->view.rows[h].header)
        return h;
    h = r->section ? stc_yamlview_find(&p->view, r->section, NULL) : -1;
    return h >= 0 && p->view.rows[h].header ? h : -1;
}

/* Unfold whatever hides `row`. */
static void stc_tp_reveal(stc_tplpane *p, int row)
{
    const stc_yaml_row *r = &p->view.rows[row];
    int s = r->section ? stc_yamlview_find(&p->view, r->section, NULL) : -1;
    if (s >= 0 && s != row)
        stc_tp_set_fold(p, s, false);
    int e = r->entry ? stc_yamlview_find(&p->view, r->section, r->entry) : -1;
    if (e >= 0 && e != row)
        stc_tp_set_fold(p, e, false);
}

/* ---- rows from the template ----------------------------------------- */

static void stc_tp_marks(stc_tplpane *p, const stc_app *app)
{
    free(p->marks);
    p->marks = stc_xcalloc((size_t)p->view.n + 1, 1);
    for (int i = 0; i < p->view.n; i++) {
        const stc_yaml_row *r = &p->view.rows[i];
        if (!r->entry)
            continue;
        const cJSON *changes;
        const char *op = stc_tmpl_change(&app->tmpl, r->section, r->entry, &changes);
        if (!op)
            continue;
        if (strcmp(op, "added") == 0) {
            p->marks[i] = '+';
            continue;
        }
        if (r->path && !*r->path) {
            p->marks[i] = '~';
            continue;
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, changes)
        {
            const cJSON *path = cJSON_GetObjectItem(c, "path"), *cop = cJSON_GetObjectItem(c, "op");
            if (cJSON_IsString(path) && stc_yamlview_path_under(r->path, path->valuestring))
                p->marks[i] = cJSON_IsString(cop) && strcmp(cop->valuestring, "added") == 0 ? '+' : '~';
        }
    }
}

/* Parse the template's text into rows, when it changed since the last
 * time; every entry point of the pane calls this first, so the text is only
 * written and parsed once the pane is drawn or used (not for the first frame
 * of another tab). */
static void stc_tp_sync(stc_tplpane *p, stc_app *app)
{
    const char *yaml = stc_tmpl_yaml(&app->tmpl);
    if (!p->stale && p->yaml == yaml && p->marks)
        return;
    p->stale = false;
    /* keep the place: the same entry and path in the new text */
    char *sec = NULL, *ent = NULL, *path = NULL;
    int old = stc_tp_row(p, p->lv.sel);
    if (old >= 0) {
        const stc_yaml_row *r = &p->view.rows[old];
        sec = r->section ? stc_xstrdup(r->section) : NULL;
        ent = r->entry ? stc_xstrdup(r->entry) : NULL;
        path = r->path ? stc_xstrdup(r->path) : NULL;
    }
    stc_yamlview_free(&p->view);
    p->yaml = yaml;
    stc_yamlview_parse(&p->view, p->yaml);
    stc_tp_marks(p, app);
    int keep = old >= 0 ? 0 : -1;
    if (old >= 0) {
        keep = old < p->view.n ? old : p->view.n - 1;
        int best = -1;
        for (int i = 0; i < p->view.n && sec; i++) {
            const stc_yaml_row *r = &p->view.rows[i];
            if (!r->section || strcmp(r->section, sec) != 0)
                continue;
            bool same_ent = (!ent && !r->entry) || (ent && r->entry && strcmp(ent, r->entry) == 0);
            if (!same_ent)
                continue;
            if (best < 0)
                best = i;
            if ((!path && !r->path) || (path && r->path && strcmp(path, r->path) == 0)) {
                best = i;
                break;
            }
        }
        if (best >= 0)
            keep = best;
    }
    free(sec);
    free(ent);
    free(path);
    stc_tp_layout(p, keep);
}

static void stc_tp_reload(void *st, stc_app *app)
{
    (void)app;
    ((stc_tplpane *)st)->stale = true;
}

/* Write and parse the text while the user is not typing, so that showing
 * the tab (3) does not pay for it. */
static void stc_tp_idle(void *st, stc_app *app)
{
    stc_tp_sync(st, app);
}

/* ---- drawing --------------------------------------------------------- */

/* The "Type" of entry `r` in the template tree, or NULL. */
static const char *stc_tp_type(const stc_app *app, const stc_yaml_row *r)
{
    if (!app->tmpl.tree || !r->section || !r->entry)
        return NULL;
    const cJSON *e = cJSON_GetObjectItem(cJSON_GetObjectItem(app->tmpl.tree, r->section), r->entry);
    const cJSON *t = cJSON_GetObjectItem(e, "Type");
    return cJSON_IsString(t) ? t->valuestring : NULL;
}

/* Follow the method selected elsewhere to its first resource. */
static void stc_tp_follow(stc_tplpane *p, stc_app *app)
{
    if (p->seen_unit == app->unit && p->seen_gen == app->generation)
        return;
    p->seen_unit = app->unit;
    p->seen_gen = app->generation;
    if (app->unit < 0 || !app->svc || (size_t)app->unit >= app->svc->nunits)
        return;
    const char *m = app->svc->units[app->unit].method->name;
    int cur = stc_tp_row(p, p->lv.sel);
    const char *here = cur >= 0 ? stc_tmpl_method_of(&app->tmpl, p->view.rows[cur].entry) : NULL;
    if (!stc_tmpl_camel_of(&app->tmpl, m) || (here && strcmp(here, m) == 0))
        return; /* no resources, or already on one of them */
    for (int i = 0; i < p->view.n; i++) {
        const stc_yaml_row *r = &p->view.rows[i];
        if (r->level == 1 && r->section && strcmp(r->section, "Resources") == 0) {
            const char *owner = stc_tmpl_method_of(&app->tmpl, r->entry);
            if (owner && strcmp(owner, m) == 0) {
                stc_tp_reveal(p, i);
                stc_tp_layout(p, i);
                p->lv.top = p->lv.sel; /* the resource at the top of the pane */
                return;
            }
        }
    }
}

static void stc_tp_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_tplpane *p = st;
    stc_tp_sync(p, app);
    if (!focused)
        stc_tp_follow(p, app);
    stc_listview_fit(&p->lv, c->h);
    if (!p->yaml) {
        stc_cells_put(c, 1, 0, app->tmpl.why ? app->tmpl.why : "no template", c->w - 1, STC_EL_DIM);
        return;
    }
    int digits = 1;
    for (int v = p->view.n; v >= 10; v /= 10)
        digits++;
    int gutter = digits + 3; /* number, space, change mark, fold mark */
    for (int y = 0; y < c->h && p->lv.top + y < p->nvis; y++) {
        int row = p->vis[p->lv.top + y];
        const stc_yaml_row *r = &p->view.rows[row];
        stc_cells_putf(c, 0, y, digits, STC_EL_LINE_NUMBER, "%*d", digits, row + 1);
        if (p->marks[row])
            stc_cells_putf(c, digits + 1, y, 1, STC_EL_CHANGED, "%c", p->marks[row]);
        bool folded = stc_tp_is_folded(p, row);
        if (r->header)
            stc_cells_put(c, digits + 2, y, folded ? (app->utf8 ? "▸" : ">") : (app->utf8 ? "▾" : "v"), 1,
                          folded ? STC_EL_FOLDED : STC_EL_DIM);
        size_t len = strlen(r->text);
        unsigned short *sty = stc_xmalloc((len + 1) * sizeof *sty);
        stc_yamlview_style(r->text, len, r->block, sty);
        int x = gutter;
        size_t i = 0;
        while (i < len && x < c->w) {
            size_t j = i;
            while (j < len && sty[j] == sty[i])
                j++;
            char *run = stc_xstrndup(r->text + i, j - i);
            x += stc_cells_put(c, x, y, run, c->w - x, sty[i]);
            free(run);
            i = j;
        }
        free(sty);
        if (folded && x + 2 < c->w) {
            const char *type = stc_tp_type(app, r);
            if (type)
                x += stc_cells_putf(c, x, y, c->w - x, STC_EL_DIM, " %s", type);
            stc_cells_putf(c, x, y, c->w - x, STC_EL_FOLDED, "  %s %d lines", app->utf8 ? "…" : "...",
                           r->end - row);
        }
        stc_listview_light(c, gutter, y, r->text, app->search);
        if (p->lv.top + y == p->lv.sel)
            stc_cells_restyle(c, 0, y, c->w, focused ? STC_EL_CURSOR : STC_EL_CURSOR_DIM);
    }
}

/* ---- actions --------------------------------------------------------- */

/* The selection moved: light the source of the method the entry belongs to. */
static void stc_tp_changed(stc_tplpane *p, stc_app *app)
{
    int row = stc_tp_row(p, p->lv.sel);
    const char *m = row >= 0 ? stc_tmpl_method_of(&app->tmpl, p->view.rows[row].entry) : NULL;
    for (size_t i = 0; m && app->svc && i < app->svc->nunits; i++)
        if (strcmp(app->svc->units[i].method->name, m) == 0 && (int)i != app->unit)
            stc_app_select_unit(app, (int)i, true);
    p->seen_unit = app->unit;
    p->seen_gen = app->generation;
}

static void stc_tp_toggle(stc_tplpane *p, int row)
{
    int h = stc_tp_fold_owner(p, row);
    if (h < 0)
        return;
    stc_tp_set_fold(p, h, !stc_tp_is_folded(p, h));
    stc_tp_layout(p, h);
}

/* The next (dir 1) or previous (-1) entry marked as changed. */
static bool stc_tp_next_change(stc_tplpane *p, int dir)
{
    int cur = stc_tp_row(p, p->lv.sel);
    const stc_yaml_row *cr = cur >= 0 ? &p->view.rows[cur] : NULL;
    int start = cr && cr->entry ? stc_yamlview_find(&p->view, cr->section, cr->entry) : cur;
    if (start < 0)
        start = cur;
    for (int k = 1; k <= p->view.n; k++) {
        int i = ((start + dir * k) % p->view.n + p->view.n) % p->view.n;
        const stc_yaml_row *r = &p->view.rows[i];
        if (r->level == 1 && r->entry && r->path && !*r->path && p->marks[i]) {
            stc_tp_reveal(p, i);
            stc_tp_layout(p, i);
            stc_listview_select(&p->lv, p->lv.sel);
            return true;
        }
    }
    return false;
}

static int stc_tp_action(void *st, stc_app *app, stc_action a)
{
    stc_tplpane *p = st;
    stc_app_wait_template(app);
    stc_tp_sync(p, app);
    int flags = stc_listview_act(&p->lv, a);
    if (flags) {
        stc_tp_changed(p, app);
        return flags;
    }
    int row = stc_tp_row(p, p->lv.sel);
    switch (a) {
    case STC_ACT_ENTER:
    case STC_ACT_FOLD:
        if (stc_tp_fold_owner(p, row) < 0) {
            stc_app_message(app, STC_EL_MESSAGE, "nothing to fold here");
            return STC_PANE_HANDLED | STC_PANE_REDRAW;
        }
        stc_tp_toggle(p, row);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_FOLD_ALL:
    case STC_ACT_UNFOLD_ALL:
        for (int i = 0; i < p->view.n; i++)
            if (p->view.rows[i].header && (a == STC_ACT_UNFOLD_ALL || p->view.rows[i].level == 1))
                stc_tp_set_fold(p, i, a == STC_ACT_FOLD_ALL);
        stc_tp_layout(p, row >= 0 ? (stc_tp_fold_owner(p, row) >= 0 && a == STC_ACT_FOLD_ALL
                                         ? stc_tp_fold_owner(p, row)
                                         : row)
                                  : -1);
        stc_listview_select(&p->lv, p->lv.sel);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_NEXT_CHANGE:
    case STC_ACT_PREV_CHANGE:
        if (!app->tmpl.prev_mode)
            stc_app_message(app, STC_EL_MESSAGE, "no earlier mode to compare with: m changes the mode");
        else if (!stc_tp_next_change(p, a == STC_ACT_NEXT_CHANGE ? 1 : -1))
            stc_app_message(app, STC_EL_MESSAGE, "nothing changed since mode %s", app->tmpl.prev_mode);
        else
            stc_tp_changed(p, app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    default: return 0;
    }
}

static int stc_tp_click(void *st, stc_app *app, int x, int y)
{
    stc_tplpane *p = st;
    stc_app_wait_template(app);
    stc_tp_sync(p, app);
    if (!stc_listview_click(&p->lv, y))
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    int digits = 1;
    for (int v = p->view.n; v >= 10; v /= 10)
        digits++;
    int row = stc_tp_row(p, p->lv.sel);
    if (x == digits + 2 && row >= 0 && p->view.rows[row].header)
        stc_tp_toggle(p, row); /* a click on the fold mark */
    stc_tp_changed(p, app);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

static const char *stc_tp_text(void *ctx, int row)
{
    return ((stc_tplpane *)ctx)->view.rows[row].text;
}

static bool stc_tp_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_tplpane *p = st;
    stc_app_wait_template(app);
    stc_tp_sync(p, app);
    int i = stc_listview_find(p->view.n, stc_tp_row(p, p->lv.sel), dir, q, stc_tp_text, p);
    if (i < 0)
        return false;
    stc_tp_reveal(p, i);
    stc_tp_layout(p, i);
    stc_listview_select(&p->lv, p->lv.sel);
    stc_tp_changed(p, app);
    return true;
}

/* ---- explain --------------------------------------------------------- */

static void stc_tp_explain(void *st, stc_app *app, stc_rich *out)
{
    stc_tplpane *p = st;
    stc_tp_sync(p, app);
    int row = stc_tp_row(p, p->lv.sel);
    if (!p->yaml || row < 0) {
        stc_rich_add(out, STC_EL_DIM, app->tmpl.why ? app->tmpl.why : "No template.");
        return;
    }
    const stc_yaml_row *r = &p->view.rows[row];
    const char *prev = app->tmpl.prev_mode;
    if (!r->entry) {
        int a, rm, ch;
        stc_rich_addf(out, STC_EL_PANE_TITLE, "%s", r->section ? r->section : "template");
        stc_rich_addf(out, STC_EL_DIM, "  mode %s, line %d\n", app->tmpl.mode, row + 1);
        stc_tmpl_counts(&app->tmpl, &a, &rm, &ch);
        if (prev)
            stc_rich_addf(out, STC_EL_NORMAL, "since mode %s: %d added, %d removed, %d changed\n", prev, a, rm,
                          ch);
        else
            stc_rich_add(out, STC_EL_DIM, "m changes the mode; changes show as + and ~\n");
        const cJSON *removed = r->section ? stc_tmpl_removed(&app->tmpl, r->section) : NULL;
        const cJSON *e;
        cJSON_ArrayForEach(e, removed)
        {
            const cJSON *n = cJSON_GetObjectItem(e, "name"), *t = cJSON_GetObjectItem(e, "type");
            stc_rich_add(out, STC_EL_CHANGED, "-");
            stc_rich_addf(out, STC_EL_NORMAL, " %s", cJSON_IsString(n) ? n->valuestring : "?");
            stc_rich_addf(out, STC_EL_DIM, "%s%s\n", cJSON_IsString(t) ? "  " : "",
                          cJSON_IsString(t) ? t->valuestring : "");
        }
        return;
    }
    int h = stc_yamlview_find(&p->view, r->section, r->entry);
    const char *type = stc_tp_type(app, r);
    stc_rich_addf(out, STC_EL_YAML_KEY, "%s", r->entry);
    stc_rich_addf(out, STC_EL_DIM, "  %s%s%s\n", type ? type : "", type ? ", " : "", r->section);
    const char *m = stc_tmpl_method_of(&app->tmpl, r->entry);
    if (m)
        stc_rich_addf(out, STC_EL_NORMAL, "for %s\n", m);
    if (h >= 0)
        stc_rich_addf(out, STC_EL_DIM, "lines %d-%d%s\n", h + 1, p->view.rows[h].end + 1,
                      stc_tp_is_folded(p, h) ? " (folded)" : "");
    if (r->path && *r->path)
        stc_rich_addf(out, STC_EL_DIM, "at %s\n", r->path);
    const cJSON *changes;
    const char *op = stc_tmpl_change(&app->tmpl, r->section, r->entry, &changes);
    if (!prev)
        return;
    if (!op) {
        stc_rich_addf(out, STC_EL_DIM, "unchanged since mode %s\n", prev);
        return;
    }
    if (strcmp(op, "added") == 0) {
        stc_rich_add(out, STC_EL_CHANGED, "+");
        stc_rich_addf(out, STC_EL_NORMAL, " added in mode %s (not in %s)\n", app->tmpl.mode, prev);
        return;
    }
    stc_rich_add(out, STC_EL_CHANGED, "~");
    stc_rich_addf(out, STC_EL_NORMAL, " changed since mode %s:\n", prev);
    const cJSON *c;
    cJSON_ArrayForEach(c, changes)
    {
        const cJSON *cop = cJSON_GetObjectItem(c, "op"), *path = cJSON_GetObjectItem(c, "path");
        const cJSON *from = cJSON_GetObjectItem(c, "from"), *to = cJSON_GetObjectItem(c, "to");
        const char *o = cJSON_IsString(cop) ? cop->valuestring : "changed";
        char *f = from ? stc_tmpl_value_text(from) : NULL, *t = to ? stc_tmpl_value_text(to) : NULL;
        char sign = strcmp(o, "added") == 0 ? '+' : strcmp(o, "removed") == 0 ? '-' : '~';
        stc_rich_addf(out, STC_EL_CHANGED, "  %c", sign);
        stc_rich_addf(out, STC_EL_YAML_KEY, " %s", cJSON_IsString(path) ? path->valuestring : "?");
        if (sign == '~')
            stc_rich_addf(out, STC_EL_NORMAL, ": %s -> %s\n", f, t);
        else
            stc_rich_addf(out, STC_EL_NORMAL, ": %s\n", sign == '+' ? t : f);
        free(f);
        free(t);
    }
}

static const char *stc_tp_title(void *st, stc_app *app)
{
    (void)st;
    static char buf[96];
    if (!app->tmpl.tree)
        return NULL;
    int a, r, c;
    stc_tmpl_counts(&app->tmpl, &a, &r, &c);
    if (app->tmpl.prev_mode)
        snprintf(buf, sizeof buf, "(%s; since %s: +%d -%d ~%d)", app->tmpl.mode, app->tmpl.prev_mode, a, r, c);
    else
        snprintf(buf, sizeof buf, "(%s)", app->tmpl.mode);
    return buf;
}

const stc_pane_ops stc_pane_template = {
    .name = "Template",
    .scope = STC_SCOPE_TEMPLATE,
    .tab = true,
    .focusable = true,
    .create = stc_tp_create,
    .destroy = stc_tp_destroy,
    .reload = stc_tp_reload,
    .draw = stc_tp_draw,
    .action = stc_tp_action,
    .click = stc_tp_click,
    .search = stc_tp_search,
    .explain = stc_tp_explain,
    .title = stc_tp_title,
    .idle = stc_tp_idle,
};
