/* pane_sim.c - the simulator panel beside the source: status, step and
 * virtual time, the current state and its input, the variables, the output
 * or the error, and the latest history events. Shown while a simulation
 * exists; its keys step forward and back, run, continue to a breakpoint,
 * restart, edit the input and load mocks. */
#include <stdlib.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/simctl.h"

typedef struct stc_simpane {
    stc_rich text;
} stc_simpane;

static void *stc_simpane_create(stc_app *app)
{
    (void)app;
    return stc_xcalloc(1, sizeof(stc_simpane));
}

static void stc_simpane_destroy(void *st)
{
    stc_simpane *p = st;
    stc_rich_free(&p->text);
    free(p);
}

static void stc_simpane_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    (void)focused;
    stc_simpane *p = st;
    stc_rich_clear(&p->text);
    stc_simctl_describe(app->sim, &p->text, c->h);
    stc_rich_draw(&p->text, c, 1, 0, c->w - 1, c->h, 0, 2);
}

static int stc_simpane_action(void *st, stc_app *app, stc_action a)
{
    (void)st;
    return stc_app_sim_action(app, a, NULL);
}

const stc_pane_ops stc_pane_sim = {
    .name = "Simulator",
    .scope = STC_SCOPE_SIM,
    .focusable = true,
    .create = stc_simpane_create,
    .destroy = stc_simpane_destroy,
    .draw = stc_simpane_draw,
    .action = stc_simpane_action,
};
