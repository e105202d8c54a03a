/* pane_source.c - the module's source with line numbers and Python colours;
 * the lines of the selected method (or state) are lit, the selected state's
 * line is marked, and moving the cursor selects the method around it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/listview.h"
#include "tui/pysyntax.h"

typedef struct stc_source {
    stc_listview lv;
    char **lines;        /* tabs expanded */
    int *state;          /* lexer state at the start of each line */
    int n;
    unsigned generation; /* of the compile the lines come from */
    unsigned follow;
    const char *text;    /* the source the lines were made from (borrowed, for identity) */
} stc_source;

static void *stc_source_create(stc_app *app)
{
    (void)app;
    stc_source *s = stc_xcalloc(1, sizeof *s);
    s->lv.sel = -1;
    return s;
}

static void stc_source_clear(stc_source *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->lines[i]);
    free(s->lines);
    free(s->state);
    s->lines = NULL;
    s->state = NULL;
    s->n = 0;
}

static void stc_source_destroy(void *st)
{
    stc_source *s = st;
    stc_source_clear(s);
    free(s);
}

static char *stc_source_expand(const char *p, size_t len)
{
    stc_buf b = STC_BUF_INIT;
    int col = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\t') {
            do
                stc_buf_putc(&b, ' ');
            while (++col % 8);
        } else if (p[i] != '\r') {
            stc_buf_putc(&b, p[i]);
            if (((unsigned char)p[i] & 0xC0) != 0x80)
                col++;
        }
    }
    return b.data ? stc_buf_take(&b) : stc_xstrdup("");
}

static void stc_source_reload(void *st, stc_app *app)
{
    stc_source *s = st;
    const char *text = stc_app_source(app);
    if (text == s->text && s->generation == app->generation)
        return;
    s->generation = app->generation;
    s->text = text;
    stc_source_clear(s);
    if (!text) {
        stc_listview_set_count(&s->lv, 0);
        return;
    }
    int cap = 64;
    s->lines = stc_xmalloc((size_t)cap * sizeof *s->lines);
    s->state = stc_xmalloc((size_t)cap * sizeof *s->state);
    const char *p = text;
    stc_pysyntax_state lex = 0;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (s->n == cap) {
            cap *= 2;
            s->lines = stc_xrealloc(s->lines, (size_t)cap * sizeof *s->lines);
            s->state = stc_xrealloc(s->state, (size_t)cap * sizeof *s->state);
        }
        s->lines[s->n] = stc_source_expand(p, len);
        s->state[s->n] = lex;
        size_t l = strlen(s->lines[s->n]);
        unsigned short *tmp = stc_xmalloc((l + 1) * sizeof *tmp);
        lex = stc_pysyntax_line(s->lines[s->n], l, lex, tmp);
        free(tmp);
        s->n++;
        if (!eol)
            break;
        p = eol + 1;
    }
    stc_listview_set_count(&s->lv, s->n);
}

static void stc_source_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_source *s = st;
    stc_source_reload(s, app);
    if (s->follow != app->follow) {
        s->follow = app->follow;
        s->lv.height = c->h;
        if (app->span_first > 0) {
            int want = (app->mark_line > 0 ? app->mark_line : app->span_first) - 1;
            s->lv.sel = want;
            /* show the start of the span near the top, the marked line inside */
            int top = app->span_first - 2;
            if (app->mark_line > 0 && app->mark_line - 1 >= top + c->h)
                top = app->mark_line - 1 - c->h / 3;
            s->lv.top = top < 0 ? 0 : top;
        }
    }
    stc_listview_fit(&s->lv, c->h);
    if (s->n == 0) {
        stc_cells_put(c, 1, 0, "no source", c->w - 1, STC_EL_DIM);
        return;
    }
    int digits = 1;
    for (int v = s->n; v >= 10; v /= 10)
        digits++;
    int gutter = digits + 2;
    for (int y = 0; y < c->h && s->lv.top + y < s->n; y++) {
        int row = s->lv.top + y, line = row + 1;
        bool span = app->span_first > 0 && line >= app->span_first && line <= app->span_last;
        int base = span ? STC_EL_SOURCE_SPAN : STC_EL_NORMAL;
        if (span)
            stc_cells_fill(c, 0, y, c->w, 1, base);
        stc_cells_putf(c, 0, y, digits, STC_EL_LINE_NUMBER, "%*d", digits, line);
        if (line == app->mark_line)
            stc_cells_put(c, digits, y, app->utf8 ? "▶" : ">", 1, STC_EL_SOURCE_MARK);
        const char *t = s->lines[row];
        size_t len = strlen(t);
        unsigned short *sty = stc_xmalloc((len + 1) * sizeof *sty);
        stc_pysyntax_line(t, len, s->state[row], sty);
        int x = gutter;
        size_t i = 0;
        while (i < len && x < c->w) {
            size_t j = i;
            while (j < len && sty[j] == sty[i])
                j++;
            char *run = stc_xstrndup(t + i, j - i);
            int el = sty[i] == STC_EL_NORMAL ? base : sty[i];
            x += stc_cells_put(c, x, y, run, c->w - x, el);
            free(run);
            i = j;
        }
        free(sty);
        if (row == s->lv.sel && focused)
            stc_cells_restyle(c, 0, y, c->w, STC_EL_CURSOR);
    }
}


static void stc_source_moved(stc_source *s, stc_app *app)
{
    app->source_line = s->lv.sel + 1;
    app->source_moved++;
    int u = stc_app_unit_at(app, s->lv.sel + 1);
    if (u >= 0 && u != app->unit)
        stc_app_select_unit(app, u, false);
}

static int stc_source_action(void *st, stc_app *app, stc_action a)
{
    stc_source *s = st;
    int flags = stc_listview_act(&s->lv, a);
    if (flags) {
        stc_source_moved(s, app);
        return flags;
    }
    return 0;
}

static int stc_source_click(void *st, stc_app *app, int x, int y)
{
    (void)x;
    stc_source *s = st;
    if (stc_listview_click(&s->lv, y))
        stc_source_moved(s, app);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

static char *stc_source_row(void *ctx, int row)
{
    return stc_xstrdup(((stc_source *)ctx)->lines[row]);
}

static bool stc_source_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_source *s = st;
    if (!stc_listview_search(&s->lv, q, dir, stc_source_row, s))
        return false;
    stc_source_moved(s, app);
    return true;
}

static void stc_source_explain(void *st, stc_app *app, stc_rich *out)
{
    (void)st;
    const stc_pane *m = &app->panes[STC_PANE_METHODS];
    m->ops->explain(m->st, app, out);
}

static const char *stc_source_title(void *st, stc_app *app)
{
    (void)app;
    stc_source *s = st;
    static char buf[32];
    if (s->lv.sel < 0)
        return NULL;
    snprintf(buf, sizeof buf, "line %d/%d", s->lv.sel + 1, s->n);
    return buf;
}

const stc_pane_ops stc_pane_source = {
    .name = "Source",
    .scope = STC_SCOPE_SOURCE,
    .focusable = true,
    .create = stc_source_create,
    .destroy = stc_source_destroy,
    .reload = stc_source_reload,
    .draw = stc_source_draw,
    .action = stc_source_action,
    .click = stc_source_click,
    .search = stc_source_search,
    .explain = stc_source_explain,
    .title = stc_source_title,
};
