/* pane_explain.c - why the selection is what it is: the Explain pane shows
 * the explanation of the focused list's selection (a method, a route, a
 * diagnostic), wrapped; it has no cursor of its own. */
#include <stdlib.h>

#include "core/util.h"
#include "tui/app.h"

typedef struct stc_explain {
    stc_rich text;
} stc_explain;

static void *stc_explain_create(stc_app *app)
{
    (void)app;
    return stc_xcalloc(1, sizeof(stc_explain));
}

static void stc_explain_destroy(void *st)
{
    stc_explain *e = st;
    stc_rich_free(&e->text);
    free(e);
}

static void stc_explain_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    (void)focused;
    stc_explain *e = st;
    stc_rich_clear(&e->text);
    const stc_pane *from = &app->panes[app->explain_from];
    if (from->ops->explain)
        from->ops->explain(from->st, app, &e->text);
    stc_rich_draw(&e->text, c, 1, 0, c->w - 1, c->h, 0, 2);
}

const stc_pane_ops stc_pane_explain = {
    .name = "Explain",
    .scope = STC_SCOPE_EXPLAIN,
    .focusable = false,
    .create = stc_explain_create,
    .destroy = stc_explain_destroy,
    .draw = stc_explain_draw,
};
