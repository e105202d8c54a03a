/* rich.h - styled text for dialogs and text panels: runs of (text, element),
 * with '\n' for a line break, drawn with word wrap into a cell buffer.
 * The rich text owns its strings; stc_rich_free() releases them.
 */
#ifndef STC_TUI_RICH_H
#define STC_TUI_RICH_H

#include <stddef.h>

#include "tui/cells.h"

typedef struct stc_rich_run {
    char *text;
    int el;
} stc_rich_run;

typedef struct stc_rich {
    stc_rich_run *runs;
    size_t n, cap;
} stc_rich;

#define STC_RICH_INIT {NULL, 0, 0}

void stc_rich_add(stc_rich *r, int el, const char *text);
void stc_rich_addf(stc_rich *r, int el, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void stc_rich_clear(stc_rich *r);
void stc_rich_free(stc_rich *r);

/* The number of rows the text takes when wrapped to `w` cells (with
 * continuation rows indented by `indent` cells: stc_rich_rows_indent). */
int stc_rich_rows(const stc_rich *r, int w);
int stc_rich_rows_indent(const stc_rich *r, int w, int indent);

/* Draw, wrapped to w cells, skipping the first `skip` rows, into the
 * rectangle (x, y, w, h). Continuation rows of a wrapped line are indented
 * by `indent` cells. Returns the rows drawn. */
int stc_rich_draw(const stc_rich *r, stc_cells *c, int x, int y, int w, int h, int skip, int indent);

/* The plain text (no styles), for search and tests; the caller owns it. */
char *stc_rich_text(const stc_rich *r);

#endif
