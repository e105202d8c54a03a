/* script.h - the headless driver of the screen tests (tig's method).
 *
 * With STC_SCRIPT=FILE the workbench reads its input from FILE instead of
 * the terminal and draws through newterm on /dev/null. Each line is either
 * keys in the keymap spelling ("jj<Down><Enter>", "/get<Enter>") or a
 * command:
 *   :save-display FILE    the screen as text (trailing spaces removed)
 *   :save-attrs FILE      the screen's colour/attribute runs per row
 *   :resize W H           the terminal is now W columns by H rows
 *   :touch FILE           open FILE for writing and close it (a save)
 *   :write-file DEST SRC  replace DEST by a copy of SRC (write + rename)
 *   :wait-reload          wait (up to 10 s) for the watcher and reload
 *   :click X Y            a mouse click;  :wheel-up X Y / :wheel-down X Y
 *   :wait                 wait for the background work the screen shows
 *   :release              with STC_BG_HOLD set (non-empty), the background
 *                         work is held from the start (the placeholders stay
 *                         and nothing waits for them) until this line
 * :save-display, :save-attrs, :click and :wheel-* wait for it first too
 * (the template being built, a layout on its way to the shown Graph tab:
 * tui/bg.h), so saved screens do not depend on the worker's speed. Keys
 * never wait (a key in a pane that still shows its placeholder does what
 * it does in an empty pane, as in the interactive loop), except in the
 * Template pane, whose keys wait for the template.
 * Blank lines and lines starting with '#' are skipped. Relative paths are
 * relative to the current folder. The script ends the session when it ends.
 */
#ifndef STC_TUI_SCRIPT_H
#define STC_TUI_SCRIPT_H

#include "tui/app.h"
#include "tui/watch.h"

/* Run the script at `path` against `app`. Returns 0, or -1 with an
 * allocated message ("script.txt:3: unknown command ':foo'") in *err. */
int stc_script_run(stc_app *app, stc_watch *watch, const char *path, char **err);

/* Draw the app on the screen (shared with the interactive loop). */
void stc_script_frame(stc_app *app);

#endif
