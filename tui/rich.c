/* rich.c - see rich.h. */
#include "tui/rich.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

void stc_rich_add(stc_rich *r, int el, const char *text)
{
    if (!text || !*text)
        return;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->runs = stc_xrealloc(r->runs, r->cap * sizeof *r->runs);
    }
    r->runs[r->n].text = stc_xstrdup(text);
    r->runs[r->n].el = el;
    r->n++;
}

void stc_rich_addf(stc_rich *r, int el, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = stc_xvasprintf(fmt, ap);
    va_end(ap);
    stc_rich_add(r, el, s);
    free(s);
}

void stc_rich_clear(stc_rich *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->runs[i].text);
    r->n = 0;
}

void stc_rich_free(stc_rich *r)
{
    stc_rich_clear(r);
    free(r->runs);
    r->runs = NULL;
    r->cap = 0;
}

/* The layout walk shared by rows() and draw(): calls put for every piece. */
typedef struct stc_rich_walk {
    stc_cells *c;
    int x, y, w, h, skip, indent;
    int row, col;
    int drawn;
} stc_rich_walk;

static void stc_rich_newline(stc_rich_walk *k, bool wrapped)
{
    k->row++;
    k->col = wrapped ? k->indent : 0;
}

static void stc_rich_piece(stc_rich_walk *k, const char *s, size_t n, int el)
{
    char *piece = stc_xstrndup(s, n);
    int row = k->row - k->skip;
    if (k->c && row >= 0 && row < k->h) {
        stc_cells_put(k->c, k->x + k->col, k->y + row, piece, k->w - k->col, el);
        if (row + 1 > k->drawn)
            k->drawn = row + 1;
    }
    k->col += stc_cells_width(piece);
    free(piece);
}

static void stc_rich_walk_all(const stc_rich *r, stc_rich_walk *k)
{
    if (k->w <= 0)
        return;
    if (k->indent >= k->w)
        k->indent = 0;
    for (size_t i = 0; i < r->n; i++) {
        const char *p = r->runs[i].text;
        while (*p) {
            if (*p == '\n') {
                stc_rich_newline(k, false);
                p++;
                continue;
            }
            /* a word with the spaces before it */
            const char *ws = p;
            while (*p == ' ')
                p++;
            const char *we = p;
            while (*we && *we != ' ' && *we != '\n')
                we++;
            char *word = stc_xstrndup(p, (size_t)(we - p));
            int sw = (int)(p - ws), ww = stc_cells_width(word);
            free(word);
            if (k->col > (k->row ? 0 : 0) && k->col + sw + ww > k->w && k->col > k->indent) {
                stc_rich_newline(k, true);
                sw = 0;
            } else if (sw) {
                stc_rich_piece(k, ws, (size_t)sw, r->runs[i].el);
            }
            /* a word longer than the line is cut into pieces */
            const char *q = p;
            while (q < we) {
                int room = k->w - k->col;
                char *rest = stc_xstrndup(q, (size_t)(we - q));
                size_t fit = stc_cells_fit(rest, room);
                free(rest);
                if (fit == 0) {
                    if (k->col <= k->indent) {
                        unsigned cp;
                        fit = (size_t)stc_cells_decode(q, (size_t)(we - q), &cp);
                    } else {
                        stc_rich_newline(k, true);
                        continue;
                    }
                }
                stc_rich_piece(k, q, fit, r->runs[i].el);
                q += fit;
                if (q < we)
                    stc_rich_newline(k, true);
            }
            p = we;
        }
    }
}

int stc_rich_rows_indent(const stc_rich *r, int w, int indent)
{
    stc_rich_walk k = {.w = w, .indent = indent};
    stc_rich_walk_all(r, &k);
    return r->n ? k.row + 1 : 0;
}

int stc_rich_rows(const stc_rich *r, int w)
{
    return stc_rich_rows_indent(r, w, 0);
}

int stc_rich_draw(const stc_rich *r, stc_cells *c, int x, int y, int w, int h, int skip, int indent)
{
    stc_rich_walk k = {.c = c, .x = x, .y = y, .w = w, .h = h, .skip = skip, .indent = indent};
    stc_rich_walk_all(r, &k);
    return k.drawn;
}

char *stc_rich_text(const stc_rich *r)
{
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < r->n; i++)
        stc_buf_puts(&b, r->runs[i].text);
    return stc_buf_take(&b);
}
