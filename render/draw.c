/* draw.c - layout -> canvas. */
#include "render/draw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "render/style.h"
#include "render/text.h"

enum { BN = 1, BE = 2, BS = 4, BW = 8, BNORMAL = 16 };

/* Edge characters by direction mask (N=1, E=2, S=4, W=8). */
static const char *const edge_uni[16] = {" ", "│", "─", "└", "│", "│", "┌", "├",
                                         "─", "┘", "─", "┴", "┐", "┤", "┬", "┼"};
static const char *const edge_ascii[16] = {" ", "|", "-", "+", "|", "|", "+", "+",
                                           "-", "+", "-", "+", "+", "+", "+", "+"};

/* Box parts: top-left, top-right, bottom-left, bottom-right, horizontal,
 * vertical, bottom tee, left tee (on the left side), right tee. */
typedef struct box_chars {
    const char *tl, *tr, *bl, *br, *h, *v, *tee_b, *tee_l, *tee_r;
} box_chars;

static const box_chars box_single = {"┌", "┐", "└", "┘", "─", "│", "┬", "┤", "├"};
static const box_chars box_round = {"╭", "╮", "╰", "╯", "─", "│", "┬", "┤", "├"};
static const box_chars box_double = {"╔", "╗", "╚", "╝", "═", "║", "╤", "╢", "╟"};
static const box_chars box_heavy = {"┏", "┓", "┗", "┛", "━", "┃", "┳", "┫", "┣"};
static const box_chars ascii_single = {"+", "+", "+", "+", "-", "|", "+", "+", "+"};
static const box_chars ascii_round = {".", ".", "'", "'", "-", "|", "+", "+", "+"};
static const box_chars ascii_double = {"#", "#", "#", "#", "=", "|", "+", "+", "+"};
static const box_chars ascii_heavy = {"+", "+", "+", "+", "=", "|", "+", "+", "+"};

static const box_chars *chars_of(stc_layout_state_type t, bool ascii)
{
    switch (t) {
    case STC_LAYOUT_PASS:
    case STC_LAYOUT_WAIT:
        return ascii ? &ascii_round : &box_round;
    case STC_LAYOUT_PARALLEL:
    case STC_LAYOUT_MAP:
        return ascii ? &ascii_double : &box_double;
    case STC_LAYOUT_SUCCEED:
    case STC_LAYOUT_FAIL:
        return ascii ? &ascii_heavy : &box_heavy;
    default:
        return ascii ? &ascii_single : &box_single;
    }
}

const char *stc_draw_glyph(stc_layout_state_type type, bool ascii)
{
    static const char *const uni[] = {"▸", "◆", "○", "◷", "⇉", "⊞", "✔", "✘", "?"};
    static const char *const asc[] = {">", "?", "o", "%", "=", "*", "+", "X", "?"};
    if ((int)type < 0 || type > STC_LAYOUT_UNKNOWN)
        type = STC_LAYOUT_UNKNOWN;
    return ascii ? asc[type] : uni[type];
}

int stc_draw_type_style(stc_layout_state_type type)
{
    switch (type) {
    case STC_LAYOUT_TASK: return STC_STYLE_BOX_TASK;
    case STC_LAYOUT_CHOICE: return STC_STYLE_BOX_CHOICE;
    case STC_LAYOUT_PASS: return STC_STYLE_BOX_PASS;
    case STC_LAYOUT_WAIT: return STC_STYLE_BOX_WAIT;
    case STC_LAYOUT_PARALLEL: return STC_STYLE_BOX_PARALLEL;
    case STC_LAYOUT_MAP: return STC_STYLE_BOX_MAP;
    case STC_LAYOUT_SUCCEED: return STC_STYLE_BOX_SUCCEED;
    case STC_LAYOUT_FAIL: return STC_STYLE_BOX_FAIL;
    default: return STC_STYLE_NORMAL;
    }
}

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (list[i] && strcmp(list[i], name) == 0)
            return true;
    return false;
}

static void draw_frame(stc_canvas *c, const stc_layout_cluster *cl, bool ascii)
{
    stc_rect r = cl->box;
    const char *h = ascii ? "." : "┈", *v = ascii ? ":" : "┊";
    const char *tl = ascii ? "." : "┌", *tr = ascii ? "." : "┐";
    const char *bl = ascii ? "'" : "└", *br = ascii ? "'" : "┘";
    int st = STC_STYLE_CLUSTER;
    for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
        stc_canvas_put(c, x, r.y, h, st);
        stc_canvas_put(c, x, r.y + r.h - 1, h, st);
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        stc_canvas_put(c, r.x, y, v, st);
        stc_canvas_put(c, r.x + r.w - 1, y, v, st);
    }
    stc_canvas_put(c, r.x, r.y, tl, st);
    stc_canvas_put(c, r.x + r.w - 1, r.y, tr, st);
    stc_canvas_put(c, r.x, r.y + r.h - 1, bl, st);
    stc_canvas_put(c, r.x + r.w - 1, r.y + r.h - 1, br, st);
    int room = r.w - 4;
    if (room > 2) {
        char *t = stc_text_truncate(cl->title, room - 2);
        int x = r.x + 2;
        x += stc_canvas_put_text(c, x, r.y, " ", 1, st);
        x += stc_canvas_put_text(c, x, r.y, t, room - 2, st);
        stc_canvas_put_text(c, x, r.y, " ", 1, st);
        free(t);
    }
}

static void draw_box(stc_canvas *c, const stc_layout_node *n, const stc_draw_options *o)
{
    stc_rect r = n->box;
    if (n->kind != STC_LAYOUT_NODE_STATE) {
        stc_canvas_put_text(c, r.x, r.y, n->title, r.w, STC_STYLE_MARKER);
        return;
    }
    const box_chars *bc = chars_of(n->type, o->ascii);
    int type_style = stc_draw_type_style(n->type);
    bool selected = o->selected && strcmp(o->selected, n->name) == 0;
    bool current = o->current && strcmp(o->current, n->name) == 0;
    bool visited = in_list(n->name, o->visited, o->n_visited);
    int border = selected ? STC_STYLE_SELECTED
                 : current ? STC_STYLE_CURRENT
                 : visited ? STC_STYLE_VISITED
                           : type_style;
    int text = selected ? STC_STYLE_SELECTED : type_style;
    for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
        stc_canvas_put(c, x, r.y, bc->h, border);
        stc_canvas_put(c, x, r.y + r.h - 1, bc->h, border);
    }
    for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
        stc_canvas_put(c, r.x, y, bc->v, border);
        stc_canvas_put(c, r.x + r.w - 1, y, bc->v, border);
        for (int x = r.x + 1; x < r.x + r.w - 1; x++)
            stc_canvas_put(c, x, y, " ", text);
    }
    stc_canvas_put(c, r.x, r.y, bc->tl, border);
    stc_canvas_put(c, r.x + r.w - 1, r.y, bc->tr, border);
    stc_canvas_put(c, r.x, r.y + r.h - 1, bc->bl, border);
    stc_canvas_put(c, r.x + r.w - 1, r.y + r.h - 1, bc->br, border);
    int inner = r.w - 4; /* between "│ " and " │" */
    int x = r.x + 2;
    int used = stc_canvas_put_text(c, x, r.y + 1, stc_draw_glyph(n->type, o->ascii), 1,
                                   current ? STC_STYLE_CURRENT : text);
    used += stc_canvas_put_text(c, x + used, r.y + 1, " ", 1, text);
    int extra_w = n->extra ? stc_text_width(n->extra) : 0;
    int title_room = inner - used - (n->extra ? extra_w + 2 : 0);
    stc_canvas_put_text(c, x + used, r.y + 1, n->title, title_room, text);
    if (n->extra)
        stc_canvas_put_text(c, r.x + r.w - 2 - extra_w, r.y + 1, n->extra, extra_w, text);
    if (n->detail)
        stc_canvas_put_text(c, x, r.y + 2, n->detail, inner, text);
}

/* Where an edge leaves a bordered box, put a tee on the border. */
static void draw_tee(stc_canvas *c, const stc_layout_node *n, int x, int y, bool ascii)
{
    if (n->kind != STC_LAYOUT_NODE_STATE)
        return;
    const box_chars *bc = chars_of(n->type, ascii);
    stc_rect r = n->box;
    int tx = x, ty = y;
    const char *tee = NULL;
    if (y == r.y + r.h)
        ty = y - 1, tee = bc->tee_b;
    else if (x == r.x - 1)
        tx = x + 1, tee = bc->tee_l;
    else if (x == r.x + r.w)
        tx = x - 1, tee = bc->tee_r;
    stc_cell *cell = stc_canvas_at(c, tx, ty);
    if (tee && cell)
        stc_canvas_put(c, tx, ty, tee, cell->style);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int dir_to(int x0, int y0, int x1, int y1)
{
    if (x1 > x0) return BE;
    if (x1 < x0) return BW;
    if (y1 > y0) return BS;
    return BN;
}

stc_canvas *stc_draw_canvas(const stc_layout *l, const stc_draw_options *opt)
{
    static const stc_draw_options defaults = {0};
    const stc_draw_options *o = opt ? opt : &defaults;
    stc_canvas *c = stc_canvas_new(l->width, l->height, o->ascii);
    for (size_t i = 0; i < l->n_clusters; i++)
        draw_frame(c, &l->clusters[i], o->ascii);

    /* Every cell of every path, as (cell << 32 | sequence number), sorted:
     * the runs of one cell give its direction mask, whether a non-Catch edge
     * uses it and its arrowhead (the last edge's). Proportional to the
     * paths, not to the area. */
    size_t n = 0;
    for (size_t i = 0; i < l->n_edges; i++)
        n += (size_t)(l->edges[i].path_len > 0 ? l->edges[i].path_len : 0);
    uint64_t *keys = stc_xmalloc((n + 1) * sizeof *keys);
    uint8_t *bits = stc_xmalloc(n + 1); /* mask | BNORMAL | arrow index << 5 */
    size_t k = 0;
    for (size_t i = 0; i < l->n_edges; i++) {
        const stc_layout_edge *e = &l->edges[i];
        const int *p = e->path;
        for (int j = 0; j < e->path_len; j++, k++) {
            uint64_t at = (uint64_t)p[2 * j + 1] * (uint64_t)l->width + (uint64_t)p[2 * j];
            uint8_t m = 0;
            if (j > 0)
                m |= (uint8_t)dir_to(p[2 * j], p[2 * j + 1], p[2 * j - 2], p[2 * j - 1]);
            if (j + 1 < e->path_len)
                m |= (uint8_t)dir_to(p[2 * j], p[2 * j + 1], p[2 * j + 2], p[2 * j + 3]);
            if (j == 0) {
                stc_rect b = l->nodes[e->from].box;
                int x = p[0], y = p[1];
                m |= (uint8_t)(y >= b.y + b.h ? BN : y < b.y ? BS : x < b.x ? BE : BW);
            }
            if (j + 1 == e->path_len) {
                int a = e->arrow == 'v' ? 1 : e->arrow == '>' ? 2 : e->arrow == '<' ? 3 : 4;
                m |= (uint8_t)(a << 5);
            }
            if (e->kind != STC_EDGE_CATCH)
                m |= BNORMAL;
            keys[k] = at << 32 | (uint64_t)k;
            bits[k] = m;
        }
    }
    qsort(keys, n, sizeof *keys, cmp_u64);
    for (size_t i = 0; i < n;) {
        uint64_t at = keys[i] >> 32;
        int mask = 0, arrow = 0;
        bool normal = false;
        for (; i < n && keys[i] >> 32 == at; i++) {
            uint8_t m = bits[keys[i] & 0xFFFFFFFFu];
            mask |= m & 15;
            normal |= (m & BNORMAL) != 0;
            if (m >> 5)
                arrow = m >> 5;
        }
        int x = (int)(at % (uint64_t)l->width), y = (int)(at / (uint64_t)l->width);
        int st = normal ? STC_STYLE_EDGE : STC_STYLE_EDGE_CATCH;
        const char *ch;
        if (arrow) {
            static const char *const uni_arrows[] = {"▼", "►", "◄", "▲"};
            static const char *const asc_arrows[] = {"v", ">", "<", "^"};
            ch = o->ascii ? asc_arrows[arrow - 1] : uni_arrows[arrow - 1];
        } else if (o->ascii) {
            ch = edge_ascii[mask];
            if (!normal && (mask == (BN | BS) || mask == BN || mask == BS))
                ch = "!";
            else if (!normal && (mask == (BE | BW) || mask == BE || mask == BW))
                ch = "~";
        } else {
            ch = edge_uni[mask];
            if (!normal && (mask == (BN | BS) || mask == BN || mask == BS))
                ch = "╏";
            else if (!normal && (mask == (BE | BW) || mask == BE || mask == BW))
                ch = "╍";
        }
        if (mask || arrow)
            stc_canvas_put(c, x, y, ch, st);
    }
    free(keys);
    free(bits);

    for (size_t i = 0; i < l->n_nodes; i++)
        draw_box(c, &l->nodes[i], o);
    for (size_t i = 0; i < l->n_edges; i++) {
        const stc_layout_edge *e = &l->edges[i];
        if (e->path_len > 0)
            draw_tee(c, &l->nodes[e->from], e->path[0], e->path[1], o->ascii);
        if (e->label)
            stc_canvas_put_text(c, e->label_box.x, e->label_box.y, e->label, e->label_box.w,
                                STC_STYLE_EDGE_LABEL);
    }
    return c;
}
