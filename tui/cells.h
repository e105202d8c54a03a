/* cells.h - a buffer of character cells (text + style id), like htop's
 * RichString: panes draw into cells, only tui/screen.c turns them into
 * curses calls.
 *
 * A cell holds one character as UTF-8 (plus the combining marks that follow
 * it), its display width from wcwidth() and a style id (an stc_element of
 * tui/theme.h). A wide character takes two cells: the first has width 2, the
 * second width 0 and no text. Unprintable characters (controls, invalid
 * UTF-8, characters wcwidth() rejects) are stored as U+FFFD. The buffer owns
 * its cells.
 */
#ifndef STC_TUI_CELLS_H
#define STC_TUI_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct stc_tcell {
    char text[16];  /* NUL-terminated UTF-8; "" for a continuation */
    uint8_t width;  /* 1 or 2; 0 for the right half of a wide character */
    uint16_t style; /* an stc_element */
} stc_tcell;

typedef struct stc_cells {
    int w, h;
    stc_tcell *cell; /* row-major */
} stc_cells;

stc_cells *stc_cells_new(int w, int h);
void stc_cells_free(stc_cells *c);
/* Blank every cell (space, `style`). */
void stc_cells_clear(stc_cells *c, int style);

/* The cell at (x, y), or NULL outside. */
stc_tcell *stc_cells_at(stc_cells *c, int x, int y);

/* Fill a rectangle with spaces of `style` (clipped). */
void stc_cells_fill(stc_cells *c, int x, int y, int w, int h, int style);

/* Change the style of `w` cells from (x, y) without touching the text. */
void stc_cells_restyle(stc_cells *c, int x, int y, int w, int style);

/* Write UTF-8 text from (x, y), at most max_w cells (max_w < 0: to the right
 * edge). Tabs become one space; unprintables U+FFFD; a wide character that
 * does not fit is replaced by a space. Returns the number of cells written. */
int stc_cells_put(stc_cells *c, int x, int y, const char *text, int max_w, int style);
int stc_cells_putf(stc_cells *c, int x, int y, int max_w, int style, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Like stc_cells_put(), but text that does not fit ends in an ellipsis. */
int stc_cells_put_cut(stc_cells *c, int x, int y, const char *text, int max_w, int style);

/* Copy `src` into `dst` with its top left at (x, y), clipped. */
void stc_cells_blit(stc_cells *dst, int x, int y, const stc_cells *src);

/* The display width of UTF-8 text, as stc_cells_put() would draw it. */
int stc_cells_width(const char *s);

/* Byte length of the longest prefix of `s` that fits in max_w cells. */
size_t stc_cells_fit(const char *s, int max_w);

/* Decode one UTF-8 character at s (n bytes available): stores the code
 * point in *cp (U+FFFD for an invalid sequence) and returns the bytes used
 * (at least 1). */
int stc_cells_decode(const char *s, size_t n, unsigned *cp);

/* The display width of a code point: 1 or 2, 0 for a combining mark, -1 for
 * an unprintable one (shown as U+FFFD). */
int stc_cells_cp_width(unsigned cp);

/* The text of a row range as plain lines (trailing spaces kept up to the
 * width), each ending in '\n'. The caller owns the result. */
char *stc_cells_to_text(const stc_cells *c);

#endif
