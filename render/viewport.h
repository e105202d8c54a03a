/* viewport.h - a window (x, y, w, h) onto a canvas larger than the screen.
 *
 * Plain values, no allocation: the workbench keeps one per graph pane. After
 * every move the viewport is clamped so it never shows beyond the canvas
 * (when the canvas is smaller than the window, x/y stay 0).
 *
 * Compact rule (used by the workbench and by `graph --width N`): a layout
 * is redrawn in compact mode when its width exceeds the screen width;
 * stc_viewport_wants_compact() says so. For text output, see docs/render.md. */
#ifndef STC_RENDER_VIEWPORT_H
#define STC_RENDER_VIEWPORT_H

#include <stdbool.h>

#include "render/layout.h"

typedef struct stc_viewport {
    int x, y;              /* top-left canvas cell shown */
    int w, h;              /* size of the window in cells */
    int canvas_w, canvas_h;
} stc_viewport;

/* A viewport of w x h at the top left of a canvas_w x canvas_h canvas. */
void stc_viewport_init(stc_viewport *v, int canvas_w, int canvas_h, int w, int h);
/* New window size (terminal resize), keeping the top-left, clamped. */
void stc_viewport_resize(stc_viewport *v, int w, int h);
void stc_viewport_clamp(stc_viewport *v);
/* Scroll by cells (negative: left/up). */
void stc_viewport_scroll(stc_viewport *v, int dx, int dy);
/* Scroll by pages: one page is the window size minus one cell of overlap. */
void stc_viewport_page(stc_viewport *v, int dx_pages, int dy_pages);
/* Centre on a rectangle of the canvas (a state's box). */
void stc_viewport_center(stc_viewport *v, stc_rect r);
/* Centre on state `name` of layout `l`; false when there is no such state. */
bool stc_viewport_center_on_state(stc_viewport *v, const stc_layout *l, const char *name);
/* Scroll as little as possible so that r is fully visible (when it fits). */
void stc_viewport_reveal(stc_viewport *v, stc_rect r);
/* Whether a layout of this width should be rebuilt in compact mode for a
 * screen `screen_w` cells wide: l is not compact and l->width > screen_w. */
bool stc_viewport_wants_compact(const stc_layout *l, int screen_w);

#endif
