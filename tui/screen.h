/* screen.h - the only module that talks to curses.
 *
 * It opens the terminal (or, headless, a curses screen writing to /dev/null
 * through newterm), turns the theme into colour pairs, draws a whole cell
 * buffer per frame, reads input as events (keys as tui/keys.h codes, mouse
 * clicks and wheel, terminal resize) and, for the screen tests, dumps what
 * curses holds on its screen as text or as attribute runs.
 */
#ifndef STC_TUI_SCREEN_H
#define STC_TUI_SCREEN_H

#include <stdbool.h>

#include "tui/cells.h"
#include "tui/theme.h"

typedef enum stc_event_type {
    STC_EVENT_NONE,
    STC_EVENT_KEY,
    STC_EVENT_CLICK,      /* button 1 at (x, y) */
    STC_EVENT_WHEEL_UP,   /* at (x, y) */
    STC_EVENT_WHEEL_DOWN, /* at (x, y) */
    STC_EVENT_RESIZE,     /* the terminal changed size: ask stc_screen_size() */
} stc_event_type;

typedef struct stc_event {
    stc_event_type type;
    int key;
    int x, y;
} stc_event;

/* Open the screen. headless: draw on /dev/null with $TERM (or
 * "xterm-256color") and never read the terminal. Returns 0, or -1 with an
 * allocated message in *err. */
int stc_screen_open(bool headless, char **err);
/* Restore the terminal. Safe to call twice. */
void stc_screen_close(void);

void stc_screen_size(int *w, int *h);
/* Headless: pretend the terminal is now w x h. */
void stc_screen_resize(int w, int h);

/* Repaint everything at the next draw (after a resize, or Ctrl-L). */
void stc_screen_invalidate(void);

/* Does the terminal have colours? (false before open) */
bool stc_screen_has_colour(void);
/* Use `t` from the next frame on; with colour false, attributes only. */
void stc_screen_set_theme(const stc_theme *t, bool colour);

/* Draw the whole buffer (it must be the screen's size) and update. */
void stc_screen_draw(const stc_cells *c);

/* Wait up to timeout_ms (-1: forever) for an event. Returns 1 with *ev set,
 * or 0 on timeout or interruption. */
int stc_screen_read(stc_event *ev, int timeout_ms);

/* The screen as text, one line per row with trailing spaces removed; the
 * caller owns it. */
char *stc_screen_dump_text(void);
/* The screen's attributes as runs, one line per row:
 * "row: x0-x1 element[+attr...] ...", naming the element by its colour pair
 * (colour mode) or "-" (monochrome). The caller owns it. */
char *stc_screen_dump_attrs(void);

/* True when the locale can show Unicode box drawing. */
bool stc_screen_utf8(void);

#endif
