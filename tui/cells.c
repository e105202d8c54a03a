/* cells.c - see cells.h. */
#include "tui/cells.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/util.h"

stc_cells *stc_cells_new(int w, int h)
{
    stc_cells *c = stc_xcalloc(1, sizeof *c);
    c->w = w > 0 ? w : 0;
    c->h = h > 0 ? h : 0;
    c->cell = stc_xcalloc((size_t)c->w * (size_t)c->h + 1, sizeof *c->cell);
    stc_cells_clear(c, 0);
    return c;
}

void stc_cells_free(stc_cells *c)
{
    if (!c)
        return;
    free(c->cell);
    free(c);
}

void stc_cells_clear(stc_cells *c, int style)
{
    stc_cells_fill(c, 0, 0, c->w, c->h, style);
}

stc_tcell *stc_cells_at(stc_cells *c, int x, int y)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h)
        return NULL;
    return &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
}

static void stc_cell_blank(stc_tcell *t, int style)
{
    t->text[0] = ' ';
    t->text[1] = '\0';
    t->width = 1;
    t->style = (uint16_t)style;
}

void stc_cells_fill(stc_cells *c, int x, int y, int w, int h, int style)
{
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++) {
            stc_tcell *t = stc_cells_at(c, i, j);
            if (t)
                stc_cell_blank(t, style);
        }
}

void stc_cells_restyle(stc_cells *c, int x, int y, int w, int style)
{
    for (int i = x; i < x + w; i++) {
        stc_tcell *t = stc_cells_at(c, i, y);
        if (t)
            t->style = (uint16_t)style;
    }
}

int stc_cells_decode(const char *s, size_t n, unsigned *cp)
{
    uint32_t c;
    int len = stc_utf8_decode(s, n, &c);
    *cp = c;
    return len;
}

int stc_cells_cp_width(unsigned cp)
{
    if (cp == '\t')
        return 1;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return -1;
    int w = wcwidth((wchar_t)cp);
    if (w < 0)
        return -1;
    return w > 2 ? 2 : w;
}

/* Overwriting one half of a wide character blanks the other half. */
static void stc_cells_unwide(stc_cells *c, int x, int y)
{
    stc_tcell *t = stc_cells_at(c, x, y);
    if (!t)
        return;
    if (t->width == 0) {
        stc_tcell *l = stc_cells_at(c, x - 1, y);
        if (l)
            stc_cell_blank(l, l->style);
    } else if (t->width == 2) {
        stc_tcell *r = stc_cells_at(c, x + 1, y);
        if (r)
            stc_cell_blank(r, r->style);
    }
}

int stc_cells_put(stc_cells *c, int x, int y, const char *text, int max_w, int style)
{
    if (!text || y < 0 || y >= c->h)
        return 0;
    int limit = c->w - x;
    if (max_w >= 0 && max_w < limit)
        limit = max_w;
    int used = 0;
    size_t n = strlen(text);
    size_t i = 0;
    stc_tcell *last = NULL;
    while (i < n && used < limit) {
        unsigned cp;
        int len = stc_cells_decode(text + i, n - i, &cp);
        i += (size_t)len;
        if (cp == '\t')
            cp = ' ';
        int w = stc_cells_cp_width(cp);
        if (w == 0) {
            /* a combining mark joins the previous character */
            if (last) {
                size_t tl = strlen(last->text);
                if (tl + 4 < sizeof last->text) {
                    int k = stc_utf8_encode(cp, last->text + tl);
                    last->text[tl + (size_t)k] = '\0';
                }
            }
            continue;
        }
        if (w < 0) {
            cp = 0xFFFD;
            w = 1;
        }
        int cx = x + used;
        if (w == 2 && used + 2 > limit) {
            if (cx >= 0) {
                stc_cells_unwide(c, cx, y);
                stc_tcell *t = stc_cells_at(c, cx, y);
                if (t)
                    stc_cell_blank(t, style);
            }
            used++;
            break;
        }
        if (cx >= 0 && cx < c->w) {
            stc_cells_unwide(c, cx, y);
            if (w == 2)
                stc_cells_unwide(c, cx + 1, y);
            stc_tcell *t = stc_cells_at(c, cx, y);
            int k = stc_utf8_encode(cp, t->text);
            t->text[k] = '\0';
            t->width = (uint8_t)w;
            t->style = (uint16_t)style;
            last = t;
            if (w == 2) {
                stc_tcell *r = stc_cells_at(c, cx + 1, y);
                if (r) {
                    r->text[0] = '\0';
                    r->width = 0;
                    r->style = (uint16_t)style;
                }
            }
        }
        used += w;
    }
    return used;
}

int stc_cells_putf(stc_cells *c, int x, int y, int max_w, int style, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = stc_xvasprintf(fmt, ap);
    va_end(ap);
    int n = stc_cells_put(c, x, y, s, max_w, style);
    free(s);
    return n;
}

void stc_cells_blit(stc_cells *dst, int x, int y, const stc_cells *src)
{
    for (int j = 0; j < src->h; j++)
        for (int i = 0; i < src->w; i++) {
            stc_tcell *d = stc_cells_at(dst, x + i, y + j);
            if (d)
                *d = src->cell[(size_t)j * (size_t)src->w + (size_t)i];
        }
    /* a wide character cut at the right edge of the copy */
    for (int j = 0; j < src->h; j++) {
        stc_tcell *d = stc_cells_at(dst, x + src->w - 1, y + j);
        if (d && d->width == 2 && x + src->w < dst->w)
            stc_cell_blank(d, d->style);
        stc_tcell *e = stc_cells_at(dst, x, y + j);
        if (e && e->width == 0)
            stc_cell_blank(e, e->style);
    }
}

int stc_cells_width(const char *s)
{
    int used = 0;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        unsigned cp;
        i += (size_t)stc_cells_decode(s + i, n - i, &cp);
        int w = stc_cells_cp_width(cp);
        used += w < 0 ? 1 : w;
    }
    return used;
}

size_t stc_cells_fit(const char *s, int max_w)
{
    int used = 0;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        unsigned cp;
        int len = stc_cells_decode(s + i, n - i, &cp);
        int w = stc_cells_cp_width(cp);
        if (w < 0)
            w = 1;
        if (used + w > max_w)
            break;
        used += w;
        i += (size_t)len;
    }
    return i;
}

char *stc_cells_to_text(const stc_cells *c)
{
    stc_buf b = STC_BUF_INIT;
    for (int y = 0; y < c->h; y++) {
        for (int x = 0; x < c->w; x++) {
            const stc_tcell *t = &c->cell[(size_t)y * (size_t)c->w + (size_t)x];
            if (t->width)
                stc_buf_puts(&b, t->text);
        }
        stc_buf_putc(&b, '\n');
    }
    return stc_buf_take(&b);
}

int stc_cells_put_cut(stc_cells *c, int x, int y, const char *text, int max_w, int style)
{
    if (max_w < 0)
        max_w = c->w - x;
    if (max_w <= 0)
        return 0;
    if (stc_cells_width(text) <= max_w)
        return stc_cells_put(c, x, y, text, max_w, style);
    int n = stc_cells_put(c, x, y, text, max_w - 1, style);
    return n + stc_cells_put(c, x + n, y, "\xe2\x80\xa6", 1, style);
}
