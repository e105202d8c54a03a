/* svg.c - layout -> SVG text. */
#include "render/svg.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "render/text.h"

#define CW 8  /* px per column */
#define CH 16 /* px per row */

static const char *const type_class[] = {"task", "choice", "pass", "wait", "parallel",
                                         "map", "succeed", "fail", "unknown"};

static const char css[] =
    "svg { background: #ffffff; }\n"
    "text { font-family: 'DejaVu Sans Mono', 'Noto Sans Mono CJK SC', ui-monospace, monospace;"
    " font-size: 13px; white-space: pre; fill: #1b1f24; }\n"
    ".state rect { fill: #ffffff; stroke: #555555; stroke-width: 1.5; }\n"
    ".state.task rect { fill: #e8f1fb; stroke: #2f6fb0; }\n"
    ".state.choice rect { fill: #fff6e0; stroke: #b07a1f; }\n"
    ".state.pass rect { fill: #eef7ee; stroke: #3c8a3c; }\n"
    ".state.wait rect { fill: #f3ecfa; stroke: #7a4fb0; }\n"
    ".state.parallel rect, .state.map rect { fill: #e9f6f8; stroke: #2b8a99; stroke-width: 3; }\n"
    ".state.succeed rect { fill: #e6f6e6; stroke: #2e7d32; stroke-width: 2.5; }\n"
    ".state.fail rect { fill: #fdecea; stroke: #c62828; stroke-width: 2.5; }\n"
    ".state .detail { fill: #555555; font-size: 12px; }\n"
    ".state.visited rect { fill: #ececec; stroke: #757575; }\n"
    ".state.current rect { fill: #fff3b0; stroke: #d32f2f; stroke-width: 3.5; }\n"
    ".state.selected rect { stroke: #000000; stroke-width: 3.5; stroke-dasharray: 6 2; }\n"
    ".edge { fill: none; stroke: #555555; stroke-width: 1.4; }\n"
    ".edge.catch { stroke: #c62828; stroke-dasharray: 5 3; }\n"
    ".label { fill: #444444; font-size: 12px; }\n"
    ".label.catch { fill: #c62828; }\n"
    ".cluster { fill: none; stroke: #9e9e9e; stroke-dasharray: 4 3; }\n"
    ".cluster-title { fill: #757575; font-size: 12px; }\n"
    ".marker rect { fill: #37474f; stroke: none; }\n"
    ".marker text { fill: #ffffff; }\n";

/* XML-escaped text; characters XML 1.0 cannot carry become U+FFFD. */
static void put_xml(stc_buf *b, const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        uint32_t cp;
        int len = stc_text_decode(s, n, &cp);
        bool bad = (cp < 0x20 && cp != '\t') || (cp >= 0x7F && cp < 0xA0) || cp == 0xFFFE || cp == 0xFFFF;
        if (bad)
            cp = 0xFFFD;
        switch (cp) {
        case '&': stc_buf_puts(b, "&amp;"); break;
        case '<': stc_buf_puts(b, "&lt;"); break;
        case '>': stc_buf_puts(b, "&gt;"); break;
        case '"': stc_buf_puts(b, "&quot;"); break;
        case '\'': stc_buf_puts(b, "&apos;"); break;
        default: {
            char enc[4];
            stc_buf_add(b, enc, (size_t)stc_text_encode(cp, enc));
        }
        }
        s += len, n -= (size_t)len;
    }
}

static bool listed(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; name && i < n; i++)
        if (list[i] && strcmp(list[i], name) == 0)
            return true;
    return false;
}

/* Centre of a cell, px. */
static int px(int x) { return x * CW + CW / 2; }
static int py(int y) { return y * CH + CH / 2; }

static void put_rect(stc_buf *b, stc_rect r, const char *cls, int rx)
{
    stc_buf_printf(b, "<rect%s%s%s x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"%d\"/>",
                   cls ? " class=\"" : "", cls ? cls : "", cls ? "\"" : "", px(r.x), py(r.y),
                   (r.w - 1) * CW, (r.h - 1) * CH > 0 ? (r.h - 1) * CH : CH, rx);
}

static void put_state(stc_buf *b, const stc_layout *l, size_t i, const stc_draw_options *o)
{
    const stc_layout_node *n = &l->nodes[i];
    stc_rect r = n->box;
    if (n->kind != STC_LAYOUT_NODE_STATE) {
        stc_buf_printf(b, "<g class=\"marker\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"%d\"/>",
                       r.x * CW, r.y * CH + 1, r.w * CW, CH - 2, CH / 2);
        stc_buf_printf(b, "<text x=\"%d\" y=\"%d\">", r.x * CW, r.y * CH + 12);
        put_xml(b, n->title);
        stc_buf_puts(b, "</text></g>\n");
        return;
    }
    stc_buf_printf(b, "<g class=\"state %s%s%s%s\" id=\"state-%zu\" data-state=\"", type_class[n->type],
                   o->selected && strcmp(o->selected, n->name) == 0 ? " selected" : "",
                   o->current && strcmp(o->current, n->name) == 0 ? " current" : "",
                   listed(n->name, o->visited, o->n_visited) ? " visited" : "", i);
    put_xml(b, n->name);
    stc_buf_puts(b, "\"><title>");
    put_xml(b, n->name);
    stc_buf_puts(b, "</title>");
    put_rect(b, r, NULL, n->type == STC_LAYOUT_PASS || n->type == STC_LAYOUT_WAIT ? 8 : 2);
    stc_buf_printf(b, "<text x=\"%d\" y=\"%d\">", (r.x + 2) * CW, (r.y + 1) * CH + 12);
    put_xml(b, stc_draw_glyph(n->type, false));
    stc_buf_puts(b, " ");
    put_xml(b, n->title);
    stc_buf_puts(b, "</text>");
    if (n->extra) {
        stc_buf_printf(b, "<text class=\"extra\" x=\"%d\" y=\"%d\">",
                       (r.x + r.w - 2 - stc_text_width(n->extra)) * CW, (r.y + 1) * CH + 12);
        put_xml(b, n->extra);
        stc_buf_puts(b, "</text>");
    }
    if (n->detail) {
        stc_buf_printf(b, "<text class=\"detail\" x=\"%d\" y=\"%d\">", (r.x + 2) * CW, (r.y + 2) * CH + 12);
        put_xml(b, n->detail);
        stc_buf_puts(b, "</text>");
    }
    stc_buf_puts(b, "</g>\n");
}

static void put_edge(stc_buf *b, const stc_layout *l, const stc_layout_edge *e)
{
    if (e->path_len == 0)
        return;
    const int *p = e->path;
    stc_rect from = l->nodes[e->from].box, to = l->nodes[e->to].box;
    /* Start on the source's border, end on the target's border. */
    int sx = px(p[0]), sy = py(p[1]);
    if (p[1] >= from.y + from.h)
        sy = py(from.y + from.h - 1);
    else if (p[0] < from.x)
        sx = px(from.x);
    else
        sx = px(from.x + from.w - 1);
    if (l->nodes[e->from].kind != STC_LAYOUT_NODE_STATE && p[1] >= from.y + from.h)
        sy = from.y * CH + CH - 1;
    int n = e->path_len;
    int ex = px(p[2 * n - 2]), ey = py(p[2 * n - 1]);
    switch (e->arrow) {
    case 'v': ey = l->nodes[e->to].kind == STC_LAYOUT_NODE_STATE ? py(to.y) : to.y * CH + 1; break;
    case '>': ex = px(to.x); break;
    case '<': ex = px(to.x + to.w - 1); break;
    default: ey = py(to.y + to.h - 1); break;
    }
    stc_buf_printf(b, "<path class=\"edge%s\" marker-end=\"url(#arrow%s)\" d=\"M%d,%d",
                   e->kind == STC_EDGE_CATCH ? " catch" : "", e->kind == STC_EDGE_CATCH ? "-catch" : "",
                   sx, sy);
    /* Only the corners of the cell path. */
    for (int k = 0; k < n; k++) {
        bool corner = k == 0 || k == n - 1;
        if (!corner) {
            int dx0 = p[2 * k] - p[2 * k - 2], dy0 = p[2 * k + 1] - p[2 * k - 1];
            int dx1 = p[2 * k + 2] - p[2 * k], dy1 = p[2 * k + 3] - p[2 * k + 1];
            corner = dx0 != dx1 || dy0 != dy1;
        }
        if (corner)
            stc_buf_printf(b, " L%d,%d", px(p[2 * k]), py(p[2 * k + 1]));
    }
    stc_buf_printf(b, " L%d,%d\"/>\n", ex, ey);
    if (e->label) {
        stc_buf_printf(b, "<text class=\"label%s\" x=\"%d\" y=\"%d\">", e->kind == STC_EDGE_CATCH ? " catch" : "",
                       e->label_box.x * CW, e->label_box.y * CH + 12);
        put_xml(b, e->label);
        stc_buf_puts(b, "</text>\n");
    }
}

char *stc_svg_render(const stc_layout *l, const stc_draw_options *opt)
{
    static const stc_draw_options defaults = {0};
    const stc_draw_options *o = opt ? opt : &defaults;
    stc_buf b = STC_BUF_INIT;
    int w = l->width * CW, h = l->height * CH;
    stc_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    stc_buf_printf(&b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                   "viewBox=\"0 0 %d %d\" role=\"img\">\n<title>",
                   w, h, w, h);
    put_xml(&b, l->title);
    stc_buf_puts(&b, "</title>\n<style>\n");
    stc_buf_puts(&b, css);
    stc_buf_puts(&b, "</style>\n<defs>\n");
    stc_buf_puts(&b, "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                     "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555555\"/></marker>\n");
    stc_buf_puts(&b, "<marker id=\"arrow-catch\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
                     "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c62828\"/></marker>\n");
    stc_buf_puts(&b, "</defs>\n");
    stc_buf_printf(&b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", w, h);
    stc_buf_puts(&b, "<g class=\"clusters\">\n");
    for (size_t i = 0; i < l->n_clusters; i++) {
        const stc_layout_cluster *c = &l->clusters[i];
        put_rect(&b, c->box, "cluster", 6);
        stc_buf_printf(&b, "\n<text class=\"cluster-title\" x=\"%d\" y=\"%d\">", (c->box.x + 3) * CW,
                       c->box.y * CH + 12);
        put_xml(&b, c->title);
        stc_buf_puts(&b, "</text>\n");
    }
    stc_buf_puts(&b, "</g>\n<g class=\"edges\">\n");
    for (size_t i = 0; i < l->n_edges; i++)
        put_edge(&b, l, &l->edges[i]);
    stc_buf_puts(&b, "</g>\n<g class=\"states\">\n");
    for (size_t i = 0; i < l->n_nodes; i++)
        put_state(&b, l, i, o);
    stc_buf_puts(&b, "</g>\n</svg>\n");
    return stc_buf_take(&b);
}
