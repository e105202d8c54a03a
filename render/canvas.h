/* canvas.h - a grid of character cells with style ids; no curses.
 *
 * A cell holds one character as a small UTF-8 string (plus any combining
 * marks that follow it), its display width and a style id (render/style.h).
 * A wide character (CJK) takes two cells: the first has width 2 and the
 * text, the second has width 0 and no text (a continuation). The canvas owns
 * its cells; stc_canvas_free() releases everything. */
#ifndef STC_RENDER_CANVAS_H
#define STC_RENDER_CANVAS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct stc_cell {
    char text[12];  /* NUL-terminated UTF-8; "" for a continuation */
    uint8_t width;  /* 1 or 2; 0 for the second half of a wide character */
    uint8_t style;  /* an stc_style */
} stc_cell;

/* Cells per tile: the canvas keeps each row as tiles of this many cells,
 * allocated on the first write; a tile never written is blank. A drawing of
 * a big machine is mostly empty (a 500-state chain is 700 x 3,600 cells, under
 * 1% of them visible characters), so memory and the time to print follow what is
 * drawn, not the area. */
enum { STC_CANVAS_TILE = 32 };

typedef struct stc_canvas_chunk stc_canvas_chunk;

typedef struct stc_canvas {
    int width, height;
    bool ascii; /* put_text maps non-ASCII characters to ASCII */
    /* private: tiles_per_row * height tile pointers, row-major; NULL is a
     * blank tile. Tiles come from chunks freed with the canvas. */
    int tiles_per_row;
    stc_cell **tiles;
    stc_canvas_chunk *chunks;
} stc_canvas;

/* A blank canvas (spaces, STC_STYLE_NORMAL). With ascii set, text written
 * later is kept pure ASCII (see stc_canvas_put_text). */
stc_canvas *stc_canvas_new(int width, int height, bool ascii);
void stc_canvas_free(stc_canvas *c);

/* The cell at (x, y), or NULL outside the canvas. stc_canvas_at() is for
 * writing: it allocates the cell's tile when it is still blank.
 * stc_canvas_cell() only reads: a cell in a blank tile is a shared blank
 * cell (" ", width 1, STC_STYLE_NORMAL). Pointers stay valid until the
 * canvas is freed. */
stc_cell *stc_canvas_at(stc_canvas *c, int x, int y);
const stc_cell *stc_canvas_cell(const stc_canvas *c, int x, int y);

/* Write one character (UTF-8 string of one code point) with a style.
 * Overwriting half of a wide character blanks the other half. */
void stc_canvas_put(stc_canvas *c, int x, int y, const char *ch, int style);

/* Write UTF-8 text from (x, y), at most max_w cells (max_w < 0: no limit),
 * clipped at the right edge. Unprintables show as U+FFFD; a wide character
 * that does not fit is dropped. On an ASCII canvas, U+2026 becomes '~',
 * U+00D7 'x', U+21BB '@', U+FFFD and any other non-ASCII character one '?' per cell.
 * Returns the cells written. */
int stc_canvas_put_text(stc_canvas *c, int x, int y, const char *text, int max_w, int style);

/* The canvas as plain text: one line per row, trailing spaces removed,
 * trailing empty rows dropped, each line ending in '\n'. The rectangle
 * (x, y, w, h) selects a part (clipped); pass 0,0,width,height for all.
 * The caller owns the result. */
char *stc_canvas_to_text(const stc_canvas *c, int x, int y, int w, int h);

#endif
