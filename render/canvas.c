/* canvas.c - the cell grid. */
#include "render/canvas.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "render/style.h"
#include "render/text.h"

static void cell_blank(stc_cell *cell, int style)
{
    cell->text[0] = ' ';
    cell->text[1] = '\0';
    cell->width = 1;
    cell->style = (uint8_t)style;
}

stc_canvas *stc_canvas_new(int width, int height, bool ascii)
{
    stc_canvas *c = stc_xcalloc(1, sizeof *c);
    c->width = width > 0 ? width : 0;
    c->height = height > 0 ? height : 0;
    c->ascii = ascii;
    c->cells = stc_xcalloc((size_t)c->width * (size_t)c->height + 1, sizeof *c->cells);
    for (size_t i = 0; i < (size_t)c->width * (size_t)c->height; i++)
        cell_blank(&c->cells[i], STC_STYLE_NORMAL);
    return c;
}

void stc_canvas_free(stc_canvas *c)
{
    if (!c)
        return;
    free(c->cells);
    free(c);
}

stc_cell *stc_canvas_at(stc_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height)
        return NULL;
    return &c->cells[(size_t)y * (size_t)c->width + (size_t)x];
}

const stc_cell *stc_canvas_cell(const stc_canvas *c, int x, int y)
{
    return stc_canvas_at((stc_canvas *)c, x, y);
}

/* Before (x, y) is overwritten: blank the other half of a wide character. */
static void unsplit(stc_canvas *c, int x, int y)
{
    stc_cell *cell = stc_canvas_at(c, x, y);
    if (!cell)
        return;
    if (cell->width == 0) {
        stc_cell *lead = stc_canvas_at(c, x - 1, y);
        if (lead)
            cell_blank(lead, lead->style);
    } else if (cell->width == 2) {
        stc_cell *next = stc_canvas_at(c, x + 1, y);
        if (next)
            cell_blank(next, next->style);
    }
}

static void put_cp(stc_canvas *c, int x, int y, uint32_t cp, int w, int style)
{
    stc_cell *cell = stc_canvas_at(c, x, y);
    if (!cell)
        return;
    unsplit(c, x, y);
    if (w == 2)
        unsplit(c, x + 1, y);
    int len = stc_text_encode(cp, cell->text);
    cell->text[len] = '\0';
    cell->width = (uint8_t)w;
    cell->style = (uint8_t)style;
    if (w == 2) {
        stc_cell *next = stc_canvas_at(c, x + 1, y);
        next->text[0] = '\0';
        next->width = 0;
        next->style = (uint8_t)style;
    }
}

static uint32_t ascii_of(uint32_t cp)
{
    if (cp < 0x80)
        return cp;
    if (cp == 0x2026)
        return '~';
    if (cp == 0xD7)
        return 'x';
    if (cp == 0x21BB)
        return '@';
    return '?';
}

void stc_canvas_put(stc_canvas *c, int x, int y, const char *ch, int style)
{
    stc_canvas_put_text(c, x, y, ch, 1, style);
}

int stc_canvas_put_text(stc_canvas *c, int x, int y, const char *text, int max_w, int style)
{
    if (y < 0 || y >= c->height)
        return 0;
    size_t n = strlen(text);
    int used = 0;
    int lastx = -1;
    while (n > 0) {
        uint32_t cp;
        int len = stc_text_decode(text, n, &cp);
        text += len, n -= (size_t)len;
        int w = stc_text_cp_width(cp);
        if (w < 0)
            cp = 0xFFFD, w = 1;
        if (w == 0) {
            /* A combining mark joins the previous character when it fits. */
            stc_cell *prev = lastx >= 0 ? stc_canvas_at(c, lastx, y) : NULL;
            if (prev && !c->ascii) {
                size_t have = strlen(prev->text);
                char enc[4];
                int elen = stc_text_encode(cp, enc);
                if (have + (size_t)elen < sizeof prev->text) {
                    memcpy(prev->text + have, enc, (size_t)elen);
                    prev->text[have + (size_t)elen] = '\0';
                }
            }
            continue;
        }
        if (max_w >= 0 && used + w > max_w)
            break;
        if (x + used + w > c->width)
            break;
        if (c->ascii && cp >= 0x80) {
            uint32_t a = ascii_of(cp);
            for (int i = 0; i < w; i++)
                if (x + used + i >= 0)
                    put_cp(c, x + used + i, y, a, 1, style);
        } else if (x + used >= 0) {
            put_cp(c, x + used, y, cp, w, style);
        }
        lastx = x + used;
        used += w;
    }
    return used;
}

char *stc_canvas_to_text(const stc_canvas *c, int x, int y, int w, int h)
{
    if (x < 0)
        w += x, x = 0;
    if (y < 0)
        h += y, y = 0;
    if (x + w > c->width)
        w = c->width - x;
    if (y + h > c->height)
        h = c->height - y;
    stc_buf b = STC_BUF_INIT;
    size_t keep = 0; /* length up to the last non-empty line */
    for (int row = y; row < y + h; row++) {
        size_t line_start = b.len, content_end = b.len;
        for (int col = x; col < x + w; col++) {
            const stc_cell *cell = stc_canvas_cell(c, col, row);
            if (cell->width == 0) {
                if (col == x)
                    stc_buf_putc(&b, ' '); /* the other half is outside */
                continue;
            }
            if (cell->width == 2 && col + 1 >= x + w) {
                stc_buf_putc(&b, ' '); /* half a wide character: clip */
                content_end = b.len;
                continue;
            }
            stc_buf_puts(&b, cell->text);
            if (strcmp(cell->text, " ") != 0)
                content_end = b.len;
        }
        b.len = content_end;
        stc_buf_putc(&b, '\n');
        if (content_end > line_start)
            keep = b.len;
    }
    b.len = keep;
    stc_buf_puts(&b, "");
    return stc_buf_take(&b);
}
