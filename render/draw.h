/* draw.h - draw a layout on a character canvas.
 *
 * Boxes carry the state type in their border and glyph (Unicode: Task ▸ ┌─┐,
 * Choice ◆, Pass ○ ╭─╮, Wait ◷ ╭─╮, Parallel ⇉ ╔═╗, Map ⊞ ╔═╗, Succeed ✔ ┏━┓,
 * Fail ✘ ┏━┓); Catch edges are heavy dashed (╍ ╏, ASCII ~ !); Retry shows as "↻ retry ×N" in the
 * box; clusters are dotted frames (┈ ┊, ASCII . :) with a title. ASCII output uses the same
 * geometry with ASCII characters. Style ids (render/style.h) mark each cell:
 * a state's border takes SELECTED, CURRENT or VISITED when it is one (in
 * that priority), its text keeps the state type's style unless selected.
 *
 * The options' strings are read during the call only. */
#ifndef STC_RENDER_DRAW_H
#define STC_RENDER_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "render/canvas.h"
#include "render/layout.h"

typedef struct stc_draw_options {
    bool ascii;                 /* pure ASCII instead of Unicode box drawing */
    const char *selected;       /* state under the cursor, or NULL */
    const char *current;        /* the simulator's current state, or NULL */
    const char *const *visited; /* states the simulator went through */
    size_t n_visited;
} stc_draw_options;

/* A new canvas of l->width x l->height with the drawing (caller frees it
 * with stc_canvas_free). `opt` may be NULL (Unicode, no highlights). */
stc_canvas *stc_draw_canvas(const stc_layout *l, const stc_draw_options *opt);

/* The glyph of a state type ("▸" or ">"), static. */
const char *stc_draw_glyph(stc_layout_state_type type, bool ascii);

/* The style id of a state type's box. */
int stc_draw_type_style(stc_layout_state_type type);

#endif
