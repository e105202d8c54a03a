/* svg.h - the layout as a standalone SVG document.
 *
 * Same coordinates as the canvas (one cell = 8 x 16 px). Each state is a
 * <g class="state TYPE [selected] [current] [visited]" id="state-N"
 * data-state="NAME"> holding a <rect> and its <text>; edges are <path
 * class="edge|edge catch"> with an arrow marker; labels, cluster frames
 * (class "cluster"), markers, a <title> and the CSS in a <style> element.
 * All text is XML-escaped; characters XML cannot carry become U+FFFD. */
#ifndef STC_RENDER_SVG_H
#define STC_RENDER_SVG_H

#include "render/draw.h"
#include "render/layout.h"

/* The SVG text (caller frees). `opt` gives the highlights (selected,
 * current, visited); its `ascii` flag is ignored. May be NULL. */
char *stc_svg_render(const stc_layout *l, const stc_draw_options *opt);

#endif
