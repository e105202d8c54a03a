/* route.c - A* routing of edges on the character grid. */
#include "render/route.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

enum { N, E, S, W };

enum { FREE, BOX, TEXT, FRAME_H, FRAME_V, CHANNEL };
enum { F_PORT = 1 };

#define COST_STEP 2
#define COST_TURN 7
#define COST_NEAR 1
#define COST_FRAME 6
#define COST_CROSS 14
#define COST_SIDE 8

/* What routing knows of one cell of the whole grid. */
typedef struct cell_info {
    uint8_t kind;  /* FREE, BOX, ... */
    uint8_t near;  /* COST_NEAR next to a box or label, else 0 */
    uint8_t mask;  /* directions of the committed paths through the cell */
    uint8_t flags; /* F_PORT */
    /* Who uses the cell (meaningful where mask is set): 0 nobody, the
     * target node + 1 (occ_from: SOURCE_KEY + 1), -1 several. */
    int occ_to, occ_from;
} cell_info;

/* The grid is kept as square tiles of GRID_TILE x GRID_TILE cells,
 * allocated on the first write (a box, a label, a frame, a committed path);
 * a tile never written reads as free cells. */
#define GRID_SHIFT 4
#define GRID_TILE (1 << GRID_SHIFT)
#define GRID_MASK (GRID_TILE - 1)

/* Search state of one (cell, direction) of the current window. */
typedef struct node_state {
    int dist;
    int prev; /* window state, -1 at a start */
    unsigned stamp;
} node_state;

/* One cell of the current window as the current search sees it: what the
 * grid says for this edge and goal, worked out on first use (fill_cell). */
typedef struct win_cell {
    unsigned stamp;    /* worked out for search `gen` */
    int h;             /* heuristic: distance to the goal rectangle */
    int8_t cost[2];    /* cost of entering moving N/S [0] or E/W [1]; -1: not allowed */
    uint8_t straight;  /* an edge must leave the way it came */
    uint8_t goal_dirs; /* directions (1 << dir) in which this is a goal */
    int goal_cost;     /* added on entering it as a goal */
} win_cell;

typedef struct window {
    int x0, y0, x1, y1; /* inclusive */
} window;

typedef struct grid {
    int w, h;
    int tiles_w, tiles_h; /* tiles per row and column */
    cell_info **tiles;    /* row-major; NULL: all free */
    /* One search runs inside a window. Its cells and states are indexed by
     * window cell: row-major over the window plus a ring of blocked cells
     * (so a step never needs a bounds check), which orders states as the
     * whole grid would. Buffers are reused from search to search; states
     * are told apart by `gen`. */
    window win;
    int win_w; /* stride: window width + 2 */
    stc_rect goal_rect;
    int chan, source, target;
    win_cell *wc; /* worked out when the search first looks at a cell */
    node_state *st;
    size_t st_cap; /* window cells the buffers hold */
    unsigned gen;
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

static int idx(const grid *g, int x, int y) { return y * g->w + x; }

/* The cell at (x, y), which must be on the grid, for writing: its tile is
 * allocated if need be. (A search reads the tiles in fill_cell.) */
static cell_info *info_w(grid *g, int x, int y)
{
    cell_info **t = &g->tiles[(y >> GRID_SHIFT) * g->tiles_w + (x >> GRID_SHIFT)];
    if (!*t)
        *t = stc_xcalloc(GRID_TILE * GRID_TILE, sizeof **t);
    return &(*t)[(y & GRID_MASK) * GRID_TILE + (x & GRID_MASK)];
}

static void block_rect(grid *g, stc_rect r, int kind)
{
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++)
            if (x >= 0 && y >= 0 && x < g->w && y < g->h)
                info_w(g, x, y)->kind = (uint8_t)kind;
}

static void near_rect(grid *g, stc_rect r)
{
    for (int y = r.y - 1; y <= r.y + r.h; y++)
        for (int x = r.x - 1; x <= r.x + r.w; x++)
            if (x >= 0 && y >= 0 && x < g->w && y < g->h)
                info_w(g, x, y)->near = COST_NEAR;
}

static void set_frame(grid *g, int x, int y, int kind)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h)
        return;
    uint8_t *k = &info_w(g, x, y)->kind;
    if (*k == FREE)
        *k = (uint8_t)kind;
}

static void grid_init(grid *g, const stc_layout *l)
{
    memset(g, 0, sizeof *g);
    g->w = l->width;
    g->h = l->height;
    g->tiles_w = (g->w + GRID_TILE - 1) / GRID_TILE;
    g->tiles_h = (g->h + GRID_TILE - 1) / GRID_TILE;
    g->tiles = stc_xcalloc((size_t)g->tiles_w * (size_t)g->tiles_h + 1, sizeof *g->tiles);

    for (size_t i = 0; i < l->n_nodes; i++) {
        block_rect(g, l->nodes[i].box, BOX);
        near_rect(g, l->nodes[i].box);
    }
    for (size_t i = 0; i < l->n_edges; i++) {
        const stc_layout_edge *e = &l->edges[i];
        if (!e->label)
            continue;
        stc_rect text = {e->label_box.x - 1, e->label_box.y, e->label_box.w + 1, 1};
        block_rect(g, text, TEXT);
        near_rect(g, text);
        stc_rect chan = {e->label_box.x - 2, e->label_box.y, 1, 1};
        block_rect(g, chan, CHANNEL);
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
            block_rect(g, corners[k], TEXT);
        int tw = (int)strlen(l->clusters[i].title) + 2;
        if (tw > r.w - 4)
            tw = r.w - 4;
        if (tw > 0)
            block_rect(g, (stc_rect){r.x + 2, r.y, tw, 1}, TEXT);
    }
}

static void grid_free(grid *g)
{
    for (size_t i = 0; i < (size_t)g->tiles_w * (size_t)g->tiles_h; i++)
        free(g->tiles[i]);
    free(g->tiles);
    free(g->st);
    free(g->wc);
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
static bool shares(const cell_info *ci, int source, int target)
{
    return ci->occ_to == target + 1 || ci->occ_from == source + 1;
}

/* Must an edge leave this cell in the direction it came? */
static bool straight_only(const cell_info *ci, int source, int target)
{
    int k = ci->kind;
    if (k == FRAME_H || k == FRAME_V || k == CHANNEL)
        return true;
    return ci->mask && !shares(ci, source, target);
}

/* Cost of entering a cell moving vertically (N/S) or not, or -1 when not
 * allowed. `own_chan` says the cell is the edge's own label channel: the
 * only channel it may pass. */
static int enter_cost(const cell_info *ci, bool vertical, bool own_chan, int source, int target)
{
    int k = ci->kind;
    int cost = COST_STEP + ci->near;
    switch (k) {
    case BOX:
    case TEXT:
        return -1;
    case CHANNEL:
        if (!own_chan || !vertical)
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
    if (ci->mask) {
        if (shares(ci, source, target)) {
            cost -= 1; /* merging or fanning out */
        } else {
            if (ci->flags & F_PORT)
                return -1;
            uint8_t want = vertical ? (1u << E | 1u << W) : (1u << N | 1u << S);
            if (ci->mask != want)
                return -1;
            cost += COST_CROSS;
        }
    }
    return cost;
}

/* Window cell of (x, y), which must be inside the window. */
static int widx(const grid *g, int x, int y) { return (y - g->win.y0 + 1) * g->win_w + (x - g->win.x0 + 1); }

static bool in_window(const grid *g, int x, int y)
{
    return x >= g->win.x0 && x <= g->win.x1 && y >= g->win.y0 && y <= g->win.y1;
}

/* Start a search inside `win` toward `goal_rect` for an edge from `source`
 * to `target` whose label channel is cell `chan` (-1: none): a new
 * generation of cells and states. */
static void begin_search(grid *g, window win, stc_rect goal_rect, int chan, int source, int target)
{
    g->win = win;
    g->win_w = win.x1 - win.x0 + 3;
    g->goal_rect = goal_rect;
    g->chan = chan;
    g->source = source;
    g->target = target;
    int rows = win.y1 - win.y0 + 3;
    size_t cells = (size_t)g->win_w * (size_t)rows;
    if (cells > g->st_cap) {
        /* Fresh zeroed buffers: stamp 0 is no generation. */
        free(g->st);
        free(g->wc);
        g->st_cap = cells > 2 * g->st_cap ? cells : 2 * g->st_cap;
        g->st = stc_xcalloc(g->st_cap * 4, sizeof *g->st);
        g->wc = stc_xcalloc(g->st_cap, sizeof *g->wc);
    }
    g->gen++;
}

/* Work out window cell c for this search: the ring around the window is
 * blocked; inside, what the grid says for this edge, and the heuristic. A
 * search looks at few of its window's cells, so this is done on demand. */
static void fill_cell(grid *g, int c)
{
    win_cell *w = &g->wc[c];
    *w = (win_cell){g->gen, 0, {-1, -1}, 0, 0, 0};
    int x = g->win.x0 - 1 + c % g->win_w, y = g->win.y0 - 1 + c / g->win_w;
    if (!in_window(g, x, y))
        return;
    stc_rect r = g->goal_rect;
    int dx = x < r.x ? r.x - x : x >= r.x + r.w ? x - (r.x + r.w - 1) : 0;
    int dy = y < r.y ? r.y - y : y >= r.y + r.h ? y - (r.y + r.h - 1) : 0;
    w->h = (dx + dy) * COST_STEP;
    const cell_info *tile = g->tiles[(y >> GRID_SHIFT) * g->tiles_w + (x >> GRID_SHIFT)];
    const cell_info *ci = tile ? &tile[(y & GRID_MASK) * GRID_TILE + (x & GRID_MASK)] : NULL;
    if (!ci || (!ci->kind && !ci->near && !ci->mask)) { /* free */
        w->cost[0] = w->cost[1] = COST_STEP;
        return;
    }
    bool own = ci->kind == CHANNEL && idx(g, x, y) == g->chan;
    w->cost[0] = (int8_t)enter_cost(ci, true, own, g->source, g->target);
    w->cost[1] = (int8_t)enter_cost(ci, false, own, g->source, g->target);
    w->straight = straight_only(ci, g->source, g->target);
}

static win_cell *win_cell_at(grid *g, int c)
{
    if (g->wc[c].stamp != g->gen)
        fill_cell(g, c);
    return &g->wc[c];
}

/* A goal outside the window cannot be reached and is left out. */
static void add_goal(grid *g, int x, int y, int dirs, int cost)
{
    if (x < 0 || y < 0 || x >= g->w || y >= g->h || !in_window(g, x, y))
        return;
    win_cell *w = win_cell_at(g, widx(g, x, y));
    if (!w->goal_dirs)
        w->goal_cost = cost;
    w->goal_dirs |= (uint8_t)dirs;
    if (cost < w->goal_cost)
        w->goal_cost = cost;
}

/* A* from `starts` to the goals, inside the window set up by
 * begin_search(). Returns the goal's window state or -1. */
static int astar(grid *g, const start *starts, int n_starts)
{
    g->heap_len = 0;
    const int step[4] = {-g->win_w, 1, g->win_w, -1}; /* N E S W */
    node_state *st = g->st;
    const unsigned gen = g->gen;
    for (int i = 0; i < n_starts; i++) {
        int x = starts[i].cell % g->w, y = starts[i].cell / g->w;
        if (!in_window(g, x, y))
            continue;
        int c = widx(g, x, y);
        int s = c * 4 + starts[i].dir;
        const win_cell *w = win_cell_at(g, c);
        if (w->cost[starts[i].dir & 1] < 0)
            continue;
        int cost = starts[i].cost;
        if (st[s].stamp == gen && st[s].dist <= cost)
            continue;
        st[s] = (node_state){cost, -1, gen};
        heap_push(g, cost + w->h, s);
    }
    while (g->heap_len) {
        long long top = heap_pop(g);
        int s = (int)(top & 0xFFFFFFFF);
        int f = (int)(top >> 32);
        int c = s >> 2, dir = s & 3;
        const win_cell *w = &g->wc[c]; /* filled when pushed */
        int d0 = st[s].dist;
        if (f > d0 + w->h)
            continue; /* stale entry */
        if (w->goal_dirs & (1u << dir))
            return s;
        for (int nd = 0; nd < 4; nd++) {
            if (nd == (dir + 2) % 4 || (w->straight && nd != dir))
                continue;
            int nc = c + step[nd];
            const win_cell *nw = win_cell_at(g, nc);
            int cost = nw->cost[nd & 1]; /* N and S are even */
            if (cost < 0)
                continue;
            if (nd != dir)
                cost += COST_TURN;
            if (nw->goal_dirs & (1u << nd))
                cost += nw->goal_cost;
            int ns = nc * 4 + nd;
            int nd_cost = d0 + cost;
            if (st[ns].stamp == gen && st[ns].dist <= nd_cost)
                continue;
            st[ns] = (node_state){nd_cost, s, gen};
            heap_push(g, nd_cost + nw->h, ns);
        }
    }
    return -1;
}

/* Cells of the path ending in window state s, appended to *out. */
static void collect(grid *g, int s, int **out, int *len, int *cap)
{
    int n = 0;
    for (int t = s; t >= 0; t = g->st[t].prev)
        n++;
    if (*len + n > *cap) {
        *cap = (*len + n) * 2;
        *out = stc_xrealloc(*out, (size_t)*cap * 2 * sizeof **out);
    }
    int i = *len + n - 1;
    for (int t = s; t >= 0; t = g->st[t].prev, i--) {
        (*out)[2 * i] = g->win.x0 - 1 + (t / 4) % g->win_w;
        (*out)[2 * i + 1] = g->win.y0 - 1 + (t / 4) / g->win_w;
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
        cell_info *ci = info_w(g, x, y);
        uint8_t m = 0;
        if (i > 0)
            m |= (uint8_t)(1u << dir_between(x, y, e->path[2 * i - 2], e->path[2 * i - 1]));
        if (i + 1 < e->path_len)
            m |= (uint8_t)(1u << dir_between(x, y, e->path[2 * i + 2], e->path[2 * i + 3]));
        if (i == 0)
            m |= (uint8_t)(1u << side_dir(l->nodes[e->from].box, x, y));
        if (i == 0 || i + 1 == e->path_len)
            ci->flags |= F_PORT;
        ci->mask |= m;
        if (ci->occ_to == 0)
            ci->occ_to = target + 1;
        else if (ci->occ_to != target + 1)
            ci->occ_to = -1;
        if (ci->occ_from == 0)
            ci->occ_from = SOURCE_KEY(e) + 1;
        else if (ci->occ_from != SOURCE_KEY(e) + 1)
            ci->occ_from = -1;
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
static bool route_one(grid *g, const stc_layout *l, stc_layout_edge *e, start **starts)
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
            int chan_cell = idx(g, cx, cy);
            begin_search(g, window_of(g, from, chan, full), chan, chan_cell, SOURCE_KEY(e), e->to);
            add_goal(g, cx, cy, 1u << N | 1u << S, 0);
            int s = astar(g, *starts, n_starts);
            if (s < 0)
                continue;
            collect(g, s, &cells, &len, &cap);
            int dir = s % 4;
            begin_search(g, window_of(g, chan, to, full), grow(to, 1), chan_cell, SOURCE_KEY(e), e->to);
            node_goals(g, to);
            start st = {chan_cell, dir, 0};
            int s2 = astar(g, &st, 1);
            if (s2 < 0)
                continue;
            int before = len;
            collect(g, s2, &cells, &len, &cap);
            /* The channel cell is both the end of part 1 and the start of
             * part 2: drop the duplicate. */
            memmove(cells + 2 * before, cells + 2 * before + 2, (size_t)(len - before - 1) * 2 * sizeof *cells);
            len--;
        } else {
            begin_search(g, window_of(g, from, to, full), grow(to, 1), -1, SOURCE_KEY(e), e->to);
            node_goals(g, to);
            int s = astar(g, *starts, n_starts);
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
        if (!route_one(&g, l, e, &starts)) {
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
