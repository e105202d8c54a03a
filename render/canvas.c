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

static const stc_cell blank_cell = {" ", 1, STC_STYLE_NORMAL};

/* Tiles are handed out from chunks of this many. */
enum { CHUNK_TILES = 64 };

struct stc_canvas_chunk {
    stc_canvas_chunk *next;
    int used;
    stc_cell cells[CHUNK_TILES * STC_CANVAS_TILE];
};

stc_canvas *stc_canvas_new(int width, int height, bool ascii)
{
    stc_canvas *c = stc_xcalloc(1, sizeof *c);
    c->width = width > 0 ? width : 0;
    c->height = height > 0 ? height : 0;
    c->ascii = ascii;
    c->tiles_per_row = (c->width + STC_CANVAS_TILE - 1) / STC_CANVAS_TILE;
    c->tiles = stc_xcalloc((size_t)c->tiles_per_row * (size_t)c->height + 1, sizeof *c->tiles);
    return c;
}

void stc_canvas_free(stc_canvas *c)
{
    if (!c)
        return;
    for (stc_canvas_chunk *k = c->chunks, *next; k; k = next) {
        next = k->next;
        free(k);
    }
    free(c->tiles);
    free(c);
}

static stc_cell *new_tile(stc_canvas *c)
{
    stc_canvas_chunk *k = c->chunks;
    if (!k || k->used == CHUNK_TILES) {
        k = stc_xmalloc(sizeof *k);
        k->next = c->chunks;
        k->used = 0;
        c->chunks = k;
    }
    stc_cell *t = &k->cells[(size_t)k->used++ * STC_CANVAS_TILE];
    for (int i = 0; i < STC_CANVAS_TILE; i++)
        cell_blank(&t[i], STC_STYLE_NORMAL);
    return t;
}

stc_cell *stc_canvas_at(stc_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height)
        return NULL;
    stc_cell **t = &c->tiles[(size_t)y * (size_t)c->tiles_per_row + (size_t)(x / STC_CANVAS_TILE)];
    if (!*t)
        *t = new_tile(c);
    return &(*t)[x % STC_CANVAS_TILE];
}

const stc_cell *stc_canvas_cell(const stc_canvas *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->width || y >= c->height)
        return NULL;
    const stc_cell *t = c->tiles[(size_t)y * (size_t)c->tiles_per_row + (size_t)(x / STC_CANVAS_TILE)];
    return t ? &t[x % STC_CANVAS_TILE] : &blank_cell;
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
        /* Spaces are counted, not written, until something follows them:
         * trailing spaces are dropped, and a blank tile costs nothing. */
        size_t spaces = 0;
        bool content = false;
        stc_cell *const *tiles = c->tiles + (size_t)row * (size_t)c->tiles_per_row;
        for (int col = x; col < x + w;) {
            const stc_cell *tile = tiles[col / STC_CANVAS_TILE];
            int tile_end = (col / STC_CANVAS_TILE + 1) * STC_CANVAS_TILE;
            if (tile_end > x + w)
                tile_end = x + w;
            if (!tile) {
                spaces += (size_t)(tile_end - col);
                col = tile_end;
                continue;
            }
            for (; col < tile_end; col++) {
                const stc_cell *cell = &tile[col % STC_CANVAS_TILE];
                if (cell->width == 0) {
                    if (col == x)
                        spaces++; /* the other half is outside */
                    continue;
                }
                const char *text = cell->text;
                if (cell->width == 2 && col + 1 >= x + w)
                    text = " "; /* half a wide character: clip (kept, not trailing) */
                else if (text[0] == ' ' && text[1] == '\0') {
                    spaces++;
                    continue;
                }
                size_t len = strlen(text);
                stc_buf_reserve(&b, spaces + len + 1);
                memset(b.data + b.len, ' ', spaces);
                b.len += spaces;
                spaces = 0;
                memcpy(b.data + b.len, text, len);
                b.len += len;
                content = true;
            }
        }
        stc_buf_putc(&b, '\n');
        if (content)
            keep = b.len;
    }
    b.len = keep;
    stc_buf_puts(&b, "");
    return stc_buf_take(&b);
}
