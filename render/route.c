/* route.c - A* routing of edges on the character grid. */
#include "render/route.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { N, E, S, W };
static const int DX[4] = {0, 1, 0, -1};
static const int DY[4] = {-1, 0, 1, 0};

enum { FREE, BOX, TEXT, FRAME_H, FRAME_V, CHANNEL };
enum { F_PORT = 1 };

#define COST_STEP 2
#define COST_TURN 7
#define COST_NEAR 1
#define COST_FRAME 6
#define COST_CROSS 14
#define COST_SIDE 8

typedef struct grid {
    int w, h;
    uint8_t *kind;
    int *owner;
    uint8_t *near;
    uint8_t *mask;
    uint8_t *flags;
    int *occ_to;   /* -1 free, a target node, -2 several */
    int *occ_from; /* -1 free, a source node, -2 several */
    /* search state, per (cell * 4 + dir) */
    int *dist;
    int *prev;
    unsigned *stamp;
    unsigned gen;
    /* goals, per cell */
    unsigned *goal_stamp;
    uint8_t *goal_dirs;
    int *goal_cost;
    /* heap */
    long long *heap;
    size_t heap_len, heap_cap;
} grid;

/* Edges fan out of a box together only when they are of one sort: Catch
 * edges never share cells with normal transitions from the same box. */
#define SOURCE_KEY(e) ((e)->from * 2 + ((e)->kind == STC_EDGE_CATCH))

typedef struct start {
    int cell, dir, cost;
} start;

typedef struct window {
    int x0, y0, x1, y1; /* inclusive */
} window;

static int idx(const grid *g, int x, int y) { return y * g->w + x; }

static void block_rect(grid *g, stc_rect r, int kind, int owner)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            if (x >= 0 && y >= 0 && x < g->w && y < g->h) {
                g->kind[idx(g, x, y)] = (uint8_t)kind;
                g->owner[idx(g, x, y)] = owner;
            }
}

static void near_rect(grid *g, stc_rect r)
{
    for (int y = r.y - 1; y <= r.y + r.h; y++)
        for (int x = r.x - 1; x <= r.x + r.w; x++)
            if (x >= 0 && y >= 0 && x < g->w && y < g->h)
                g->near[idx(g, x, y)] = COST_NEAR;
}

static void set_frame(grid *g, int x, int y, int kind)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return;
    uint8_t *k = &g->kind[idx(g, x, y)];
    if (*k == FREE)
        *k = (uint8_t)kind;
}

static void grid_init(grid *g, const stc_layout *l)
{
    memset(g, 0, sizeof *g);
    g->w = l->width;
    g->h = l->height;
    size_t cells = (size_t)g->w * (size_t)g->h;
    g->kind = stc_xcalloc(cells, 1);
    g->owner = stc_xcalloc(cells, sizeof *g->owner);
    g->near = stc_xcalloc(cells, 1);
    g->mask = stc_xcalloc(cells, 1);
    g->flags = stc_xcalloc(cells, 1);
    g->occ_to = stc_xmalloc(cells * sizeof *g->occ_to);
    g->occ_from = stc_xmalloc(cells * sizeof *g->occ_from);
    for (size_t i = 0; i < cells; i++)
        g->occ_to[i] = g->occ_from[i] = -1;
    g->dist = stc_xmalloc(cells * 4 * sizeof *g->dist);
    g->prev = stc_xmalloc(cells * 4 * sizeof *g->prev);
    g->stamp = stc_xcalloc(cells * 4, sizeof *g->stamp);
    g->goal_stamp = stc_xcalloc(cells, sizeof *g->goal_stamp);
    g->goal_dirs = stc_xcalloc(cells, 1);
    g->goal_cost = stc_xcalloc(cells, sizeof *g->goal_cost);

    for (size_t i = 0; i < l->n_nodes; i++) {
        block_rect(g, l->nodes[i].box, BOX, (int)i);
        near_rect(g, l->nodes[i].box);
    }
    for (size_t i = 0; i < l->n_edges; i++) {
        const stc_layout_edge *e = &l->edges[i];
        if (!e->label)
            continue;
        stc_rect text = {e->label_box.x - 1, e->label_box.y, e->label_box.w + 1, 1};
        block_rect(g, text, TEXT, (int)i);
        near_rect(g, text);
        stc_rect chan = {e->label_box.x - 2, e->label_box.y, 1, 1};
        block_rect(g, chan, CHANNEL, (int)i);
    }
    for (size_t i = 0; i < l->n_clusters; i++) {
        stc_rect r = l->clusters[i].box;
        for (int x = r.x + 1; x < r.x + r.w - 1; x++) {
            set_frame(g, x, r.y, FRAME_H);
            set_frame(g, x, r.y + r.h - 1, FRAME_H);
        }
        for (int y = r.y + 1; y < r.y + r.h - 1; y++) {
            set_frame(g, r.x, y, FRAME_V);
            set_frame(g, r.x + r.w - 1, y, FRAME_V);
        }
        /* Corners and the title (" Branch 1 " from x+2) are not crossed. */
        stc_rect corners[4] = {{r.x, r.y, 1, 1}, {r.x + r.w - 1, r.y, 1, 1},
                               {r.x, r.y + r.h - 1, 1, 1}, {r.x + r.w - 1, r.y + r.h - 1, 1, 1}};
        for (int k = 0; k < 4; k++)
            block_rect(g, corners[k], TEXT, -1);
        int tw = (int)strlen(l->clusters[i].title) + 2;
        if (tw > r.w - 4)
            tw = r.w - 4;
        if (tw > 0)
            block_rect(g, (stc_rect){r.x + 2, r.y, tw, 1}, TEXT, -1);
    }
}

static void grid_free(grid *g)
{
    free(g->kind);
    free(g->owner);
    free(g->near);
    free(g->mask);
    free(g->flags);
    free(g->occ_to);
    free(g->occ_from);
    free(g->dist);
    free(g->prev);
    free(g->stamp);
    free(g->goal_stamp);
    free(g->goal_dirs);
    free(g->goal_cost);
    free(g->heap);
}

/* ---- heap of (f << 32 | state) */

static void heap_push(grid *g, int f, int state)
{
    if (g->heap_len == g->heap_cap) {
        g->heap_cap = g->heap_cap ? g->heap_cap * 2 : 1024;
        g->heap = stc_xrealloc(g->heap, g->heap_cap * sizeof *g->heap);
    }
    long long v = ((long long)f << 32) | (unsigned)state;
    size_t i = g->heap_len++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (g->heap[p] <= v)
            break;
        g->heap[i] = g->heap[p];
        i = p;
    }
    g->heap[i] = v;
}

static long long heap_pop(grid *g)
{
    long long top = g->heap[0];
    long long last = g->heap[--g->heap_len];
    size_t i = 0, n = g->heap_len;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && g->heap[c + 1] < g->heap[c])
            c++;
        if (g->heap[c] >= last)
            break;
        g->heap[i] = g->heap[c];
        i = c;
    }
    if (n)
        g->heap[i] = last;
    return top;
}

/* May an edge from `source` to `target` share this cell with the edges
 * already there? Edges to one box merge; edges from one box fan out. */
static bool shares(const grid *g, int cell, int source, int target)
{
    return g->occ_to[cell] == target || g->occ_from[cell] == source;
}

/* Must an edge leave this cell in the direction it came? */
static bool straight_only(const grid *g, int cell, int source, int target)
{
    int k = g->kind[cell];
    if (k == FRAME_H || k == FRAME_V || k == CHANNEL)
        return true;
    return g->mask[cell] && !shares(g, cell, source, target);
}

/* Cost of entering `cell` moving in `dir`, or -1 when not allowed. */
static int enter_cost(const grid *g, int cell, int dir, int edge, int source, int target)
{
    int k = g->kind[cell];
    bool vertical = dir == N || dir == S;
    int cost = COST_STEP + g->near[cell];
    switch (k) {
    case BOX:
    case TEXT:
        return -1;
    case CHANNEL:
        if (g->owner[cell] != edge || !vertical)
            return -1;
        break;
    case FRAME_H:
        if (!vertical)
            return -1;
        cost += COST_FRAME;
        break;
    case FRAME_V:
        if (vertical)
            return -1;
        cost += COST_FRAME;
        break;
    default:
        break;
    }
    if (g->mask[cell]) {
        if (shares(g, cell, source, target)) {
            cost -= 1; /* merging or fanning out */
        } else {
            if (g->flags[cell] & F_PORT)
                return -1;
            uint8_t want = vertical ? (1u << E | 1u << W) : (1u << N | 1u << S);
            if (g->mask[cell] != want)
                return -1;
            cost += COST_CROSS;
        }
    }
    return cost;
}

static int heuristic(int x, int y, stc_rect goal)
{
    int dx = x < goal.x ? goal.x - x : x >= goal.x + goal.w ? x - (goal.x + goal.w - 1) : 0;
    int dy = y < goal.y ? goal.y - y : y >= goal.y + goal.h ? y - (goal.y + goal.h - 1) : 0;
    return (dx + dy) * COST_STEP;
}

static void add_goal(grid *g, int x, int y, int dirs, int cost)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return;
    int c = idx(g, x, y);
    if (g->goal_stamp[c] != g->gen) {
        g->goal_stamp[c] = g->gen;
        g->goal_dirs[c] = 0;
        g->goal_cost[c] = cost;
    }
    g->goal_dirs[c] |= (uint8_t)dirs;
    if (cost < g->goal_cost[c])
        g->goal_cost[c] = cost;
}

/* A* from `starts` to the goals marked for generation g->gen. Returns the
 * goal state or -1. */
static int astar(grid *g, const start *starts, int n_starts, stc_rect goal_rect, int edge,
                 int source, int target, window win)
{
    g->heap_len = 0;
    for (int i = 0; i < n_starts; i++) {
        int s = starts[i].cell * 4 + starts[i].dir;
        int x = starts[i].cell % g->w, y = starts[i].cell / g->w;
        if (x < win.x0 || x > win.x1 || y < win.y0 || y > win.y1)
            continue;
        if (enter_cost(g, starts[i].cell, starts[i].dir, edge, source, target) < 0)
            continue;
        int cost = starts[i].cost;
        if (g->stamp[s] == g->gen && g->dist[s] <= cost)
            continue;
        g->stamp[s] = g->gen;
        g->dist[s] = cost;
        g->prev[s] = -1;
        heap_push(g, cost + heuristic(x, y, goal_rect), s);
    }
    while (g->heap_len) {
        long long top = heap_pop(g);
        int s = (int)(top & 0xFFFFFFFF);
        int f = (int)(top >> 32);
        int cell = s / 4, dir = s % 4;
        int x = cell % g->w, y = cell / g->w;
        int d0 = g->dist[s];
        if (f > d0 + heuristic(x, y, goal_rect))
            continue; /* stale entry */
        if (g->goal_stamp[cell] == g->gen && (g->goal_dirs[cell] & (1u << dir)))
            return s;
        bool straight = straight_only(g, cell, source, target);
        for (int nd = 0; nd < 4; nd++) {
            if (nd == (dir + 2) % 4 || (straight && nd != dir))
                continue;
            int nx = x + DX[nd], ny = y + DY[nd];
            if (nx < win.x0 || nx > win.x1 || ny < win.y0 || ny > win.y1)
                continue;
            int nc = idx(g, nx, ny);
            int c = enter_cost(g, nc, nd, edge, source, target);
            if (c < 0)
                continue;
            if (nd != dir)
                c += COST_TURN;
            if (g->goal_stamp[nc] == g->gen && (g->goal_dirs[nc] & (1u << nd)))
                c += g->goal_cost[nc];
            int ns = nc * 4 + nd;
            int nd_cost = d0 + c;
            if (g->stamp[ns] == g->gen && g->dist[ns] <= nd_cost)
                continue;
            g->stamp[ns] = g->gen;
            g->dist[ns] = nd_cost;
            g->prev[ns] = s;
            heap_push(g, nd_cost + heuristic(nx, ny, goal_rect), ns);
        }
    }
    return -1;
}

/* Cells of the path ending in state s, appended to *out. */
static void collect(grid *g, int s, int **out, int *len, int *cap)
{
    int n = 0;
    for (int t = s; t >= 0; t = g->prev[t])
        n++;
    if (*len + n > *cap) {
        *cap = (*len + n) * 2;
        *out = stc_xrealloc(*out, (size_t)*cap * 2 * sizeof **out);
    }
    int i = *len + n - 1;
    for (int t = s; t >= 0; t = g->prev[t], i--) {
        (*out)[2 * i] = (t / 4) % g->w;
        (*out)[2 * i + 1] = (t / 4) / g->w;
    }
    *len += n;
}

static int dir_between(int x0, int y0, int x1, int y1)
{
    if (x1 > x0) return E;
    if (x1 < x0) return W;
    if (y1 > y0) return S;
    return N;
}

static int side_dir(stc_rect r, int x, int y)
{
    if (y >= r.y + r.h) return N; /* below the box: the box is north */
    if (y < r.y) return S;
    if (x < r.x) return E;
    return W;
}

static void commit(grid *g, const stc_layout *l, stc_layout_edge *e)
{
    int target = e->to;
    for (int i = 0; i < e->path_len; i++) {
        int x = e->path[2 * i], y = e->path[2 * i + 1];
        int c = idx(g, x, y);
        uint8_t m = 0;
        if (i > 0)
            m |= (uint8_t)(1u << dir_between(x, y, e->path[2 * i - 2], e->path[2 * i - 1]));
        if (i + 1 < e->path_len)
            m |= (uint8_t)(1u << dir_between(x, y, e->path[2 * i + 2], e->path[2 * i + 3]));
        if (i == 0)
            m |= (uint8_t)(1u << side_dir(l->nodes[e->from].box, x, y));
        if (i == 0 || i + 1 == e->path_len)
            g->flags[c] |= F_PORT;
        g->mask[c] |= m;
        if (g->occ_to[c] == -1)
            g->occ_to[c] = target;
        else if (g->occ_to[c] != target)
            g->occ_to[c] = -2;
        if (g->occ_from[c] == -1)
            g->occ_from[c] = SOURCE_KEY(e);
        else if (g->occ_from[c] != SOURCE_KEY(e))
            g->occ_from[c] = -2;
    }
}

/* Exits of box r, cheapest where the bottom edge is nearest to `toward_x`
 * (the column the edge is heading for), so fans of edges do not cross. */
static void node_exits(const grid *g, stc_rect r, int toward_x, start **out, int *n)
{
    int my = r.y + r.h / 2;
    *out = stc_xrealloc(*out, (size_t)(r.w + 4) * sizeof **out);
    *n = 0;
    int lo = r.w > 2 ? r.x + 1 : r.x, hi = r.w > 2 ? r.x + r.w - 2 : r.x + r.w - 1;
    int ideal = toward_x < lo ? lo : toward_x > hi ? hi : toward_x;
    int mid = r.x + r.w / 2;
    for (int x = lo; x <= hi; x++)
        if (r.y + r.h < g->h)
            (*out)[(*n)++] = (start){idx(g, x, r.y + r.h), S, (abs(x - ideal) + abs(x - mid)) / 2};
    if (r.x > 0)
        (*out)[(*n)++] = (start){idx(g, r.x - 1, my), W, COST_SIDE + r.w / 4};
    if (r.x + r.w < g->w)
        (*out)[(*n)++] = (start){idx(g, r.x + r.w, my), E, COST_SIDE + r.w / 4};
}

static void node_goals(grid *g, stc_rect r)
{
    int mid = r.x + r.w / 2, my = r.y + r.h / 2;
    int lo = r.w > 2 ? r.x + 1 : r.x, hi = r.w > 2 ? r.x + r.w - 2 : r.x + r.w - 1;
    for (int x = lo; x <= hi; x++)
        add_goal(g, x, r.y - 1, 1u << S, abs(x - mid) / 2);
    add_goal(g, r.x - 1, my, 1u << E, COST_SIDE + 4);
    add_goal(g, r.x + r.w, my, 1u << W, COST_SIDE + 4);
}

static window window_of(const grid *g, stc_rect a, stc_rect b, bool full)
{
    if (full)
        return (window){0, 0, g->w - 1, g->h - 1};
    int x0 = a.x < b.x ? a.x : b.x, y0 = a.y < b.y ? a.y : b.y;
    int x1 = a.x + a.w > b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h > b.y + b.h ? a.y + a.h : b.y + b.h;
    window w = {x0 - 8, y0 - 4, x1 + 8, y1 + 4};
    if (w.x0 < 0) w.x0 = 0;
    if (w.y0 < 0) w.y0 = 0;
    if (w.x1 > g->w - 1) w.x1 = g->w - 1;
    if (w.y1 > g->h - 1) w.y1 = g->h - 1;
    return w;
}

static stc_rect grow(stc_rect r, int by)
{
    return (stc_rect){r.x - by, r.y - by, r.w + 2 * by, r.h + 2 * by};
}

/* Route one edge; false when no path exists. */
static bool route_one(grid *g, const stc_layout *l, stc_layout_edge *e, int ei, start **starts)
{
    stc_rect from = l->nodes[e->from].box, to = l->nodes[e->to].box;
    int n_starts = 0;
    int *cells = NULL, len = 0, cap = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        len = 0;
        bool full = attempt == 1;
        int toward = e->label ? e->label_box.x - 2 : to.x + to.w / 2;
        node_exits(g, from, toward, starts, &n_starts);
        if (e->label) {
            int cx = e->label_box.x - 2, cy = e->label_box.y;
            stc_rect chan = {cx, cy, 1, 1};
            g->gen++;
            add_goal(g, cx, cy, 1u << N | 1u << S, 0);
            int s = astar(g, *starts, n_starts, chan, ei, SOURCE_KEY(e), e->to, window_of(g, from, chan, full));
            if (s < 0)
                continue;
            collect(g, s, &cells, &len, &cap);
            int dir = s % 4;
            g->gen++;
            node_goals(g, to);
            start st = {idx(g, cx, cy), dir, 0};
            int s2 = astar(g, &st, 1, grow(to, 1), ei, SOURCE_KEY(e), e->to, window_of(g, chan, to, full));
            if (s2 < 0)
                continue;
            int before = len;
            collect(g, s2, &cells, &len, &cap);
            /* The channel cell is both the end of part 1 and the start of
             * part 2: drop the duplicate. */
            memmove(cells + 2 * before, cells + 2 * before + 2, (size_t)(len - before - 1) * 2 * sizeof *cells);
            len--;
        } else {
            g->gen++;
            node_goals(g, to);
            int s = astar(g, *starts, n_starts, grow(to, 1), ei, SOURCE_KEY(e), e->to, window_of(g, from, to, full));
            if (s < 0)
                continue;
            collect(g, s, &cells, &len, &cap);
        }
        e->path = cells;
        e->path_len = len;
        int lx = cells[2 * len - 2], ly = cells[2 * len - 1];
        e->arrow = ly < to.y ? 'v' : lx < to.x ? '>' : lx >= to.x + to.w ? '<' : '^';
        commit(g, l, e);
        return true;
    }
    free(cells);
    return false;
}

static const stc_layout *sort_layout;

static int edge_priority(const stc_layout *l, size_t i)
{
    const stc_layout_edge *e = &l->edges[i];
    int span = l->nodes[e->to].box.y - l->nodes[e->from].box.y;
    int p = span >= 0 ? span : 100000 - span;
    if (e->kind == STC_EDGE_CATCH)
        p += 1000000;
    return p;
}

static int cmp_edges(const void *a, const void *b)
{
    size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
    int pa = edge_priority(sort_layout, ia), pb = edge_priority(sort_layout, ib);
    if (pa != pb)
        return pa < pb ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

int stc_route_edges(stc_layout *l, stc_diags *diags)
{
    grid g;
    grid_init(&g, l);
    size_t *order = stc_xcalloc(l->n_edges + 1, sizeof *order);
    for (size_t i = 0; i < l->n_edges; i++)
        order[i] = i;
    sort_layout = l;
    qsort(order, l->n_edges, sizeof *order, cmp_edges);
    sort_layout = NULL;
    start *starts = NULL;
    int failed = 0;
    for (size_t k = 0; k < l->n_edges; k++) {
        stc_layout_edge *e = &l->edges[order[k]];
        if (!route_one(&g, l, e, (int)order[k], &starts)) {
            const stc_layout_node *f = &l->nodes[e->from], *t = &l->nodes[e->to];
            stc_diag_add(diags, STC_SEV_WARNING, NULL, 0, 0, "STC810",
                         "no room to draw the edge from '%s' to '%s'", f->name ? f->name : f->title,
                         t->name ? t->name : t->title);
            failed++;
        }
    }
    free(starts);
    free(order);
    grid_free(&g);
    return failed;
}
