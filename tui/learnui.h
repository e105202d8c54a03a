/* learnui.h - learn mode on the screen: `stc-tui learn [SERVICE.py]` and `L`
 * in the workbench (docs/workbench.md, "Learn mode").
 *
 * Learn mode covers the whole screen while it is open: a question (a method
 * signature, or a route to name a method for), the answer line, and the
 * verdict with the compiler's explanation (tui/learn.h judges; tui/learnsched.h
 * chooses the rule to ask and keeps the progress). Its keys are
 * tui/learn_keys.def; the app hands it every key while it is open (dialogs
 * first) and draws it instead of the panes.
 *
 * Questions come from the curriculum (tui/learn_items.def) and from the
 * methods of the module the app has compiled, if any (their signatures are
 * copied when learn mode opens, so a reload does not disturb it). The order
 * is deterministic for a given progress file and seed: app->learn_seed (the
 * --seed option), else $STC_LEARN_SEED, else the clock.
 *
 * Ownership: the app owns the learn state (app->learn); stc_learnui_close()
 * saves and frees it.
 */
#ifndef STC_TUI_LEARNUI_H
#define STC_TUI_LEARNUI_H

#include <stdbool.h>

#include "tui/cells.h"

struct stc_app;
struct stc_learnui;

/* Open learn mode (loads the progress file, asks the first question). */
void stc_learnui_open(struct stc_app *app);
/* Save, free, and go back to the workbench (or quit with `stc-tui learn`). */
void stc_learnui_close(struct stc_app *app);
/* Free without a word (the app is going away); the progress is saved. */
void stc_learnui_free(struct stc_learnui *l);

void stc_learnui_key(struct stc_app *app, int key);
void stc_learnui_draw(struct stc_app *app, stc_cells *c);

#endif
