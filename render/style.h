/* style.h - style ids of canvas cells, generated from render/styles.def.
 * A style id says what a cell shows (state type, edge kind, marker) or how a
 * state is highlighted (selected, current in the simulator, visited); the
 * workbench's theme maps each name to colours. No curses here. */
#ifndef STC_RENDER_STYLE_H
#define STC_RENDER_STYLE_H

typedef enum stc_style {
#define STYLE(name) STC_STYLE_##name,
#include "render/styles.def"
#undef STYLE
    STC_STYLE_COUNT
} stc_style;

/* "box_task" for STC_STYLE_BOX_TASK; "?" for an out-of-range id. The string
 * is static. */
const char *stc_style_name(int style);

/* The id of a lower-case (or upper-case) name, or -1 when unknown. */
int stc_style_from_name(const char *name);

#endif
