/* listview.h - selection and scrolling of a list of rows, shared by the
 * list panes (methods, routes, diagnostics, source, template, help). */
#ifndef STC_TUI_LISTVIEW_H
#define STC_TUI_LISTVIEW_H

#include <stdbool.h>

#include "tui/cells.h"
#include "tui/keymap.h"

typedef struct stc_listview {
    int sel;    /* selected row, -1 when empty */
    int top;    /* first visible row */
    int count;  /* rows */
    int height; /* visible rows at the last draw */
} stc_listview;

/* Set the row count, keep the selection in range and visible. */
void stc_listview_set_count(stc_listview *lv, int count);
/* Scroll so the selection is visible in `height` rows. */
void stc_listview_fit(stc_listview *lv, int height);
/* Movement actions (up, down, pages, first, last). Returns the pane flags
 * (tui/app.h: HANDLED | REDRAW) or 0 for other actions. */
int stc_listview_act(stc_listview *lv, stc_action a);
/* Select row `row` and show it. */
void stc_listview_select(stc_listview *lv, int row);
/* Select the row at visible line y (a click). Returns true when it exists. */
bool stc_listview_click(stc_listview *lv, int y);

/* Search: rows from the selection (dir 0: the selection itself first; 1:
 * the next row; -1: backwards) for one whose text contains `q` (case
 * insensitive); `text` gives row i's text. Selects it and returns true. */
bool stc_listview_search(stc_listview *lv, const char *q, int dir,
                         char *(*text)(void *ctx, int row), void *ctx);

/* The first of rows 0..n-1 from `cur` (dir 0: `cur` itself first; 1: the
 * next row; -1: backwards, wrapping) whose text contains `q`, or -1; for
 * lists whose rows are not all shown (folds): the caller reveals it. */
int stc_listview_find(int n, int cur, int dir, const char *q, const char *(*text)(void *ctx, int row), void *ctx);

/* Light the matches of `q` (case insensitive) in `text`, drawn at (x0, y). */
void stc_listview_light(stc_cells *c, int x0, int y, const char *text, const char *q);

/* Case-insensitive substring test. */
bool stc_listview_contains(const char *hay, const char *needle);

#endif
