/* layout.h - lay out a state machine on a character grid.
 *
 * stc_layout_build() reads an ASL document (a cJSON tree, read only: never
 * modified, never kept after the call), turns it into boxes, edges and
 * clusters, lets Graphviz (the `dot` engine, through libgvc/libcgraph) rank
 * and order them, maps the result onto a grid of character cells and routes
 * every edge orthogonally between the boxes. One layout serves the canvas
 * (render/draw.h) and SVG (render/svg.h); it does not depend on Unicode or
 * ASCII output. The layout owns everything it points to;
 * stc_layout_free() releases it.
 *
 * Coordinates are cells: x grows right, y grows down, (0, 0) is the top left. */
#ifndef STC_RENDER_LAYOUT_H
#define STC_RENDER_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/diag.h"

typedef struct stc_rect {
    int x, y, w, h;
} stc_rect;

typedef enum stc_layout_state_type {
    STC_LAYOUT_TASK,
    STC_LAYOUT_CHOICE,
    STC_LAYOUT_PASS,
    STC_LAYOUT_WAIT,
    STC_LAYOUT_PARALLEL,
    STC_LAYOUT_MAP,
    STC_LAYOUT_SUCCEED,
    STC_LAYOUT_FAIL,
    STC_LAYOUT_UNKNOWN,
} stc_layout_state_type;

typedef enum stc_layout_node_kind {
    STC_LAYOUT_NODE_STATE, /* a state box */
    STC_LAYOUT_NODE_START, /* "( Start )" above the machine's StartAt */
    STC_LAYOUT_NODE_END,   /* "( End )" below the terminal states */
    STC_LAYOUT_NODE_JOIN,  /* "( join )" closing a Parallel's branches or a Map's iterator */
} stc_layout_node_kind;

typedef enum stc_edge_kind {
    STC_EDGE_NEXT,    /* Next */
    STC_EDGE_CHOICE,  /* a Choice rule's Next (labelled with the rule) */
    STC_EDGE_DEFAULT, /* a Choice's Default (labelled "default") */
    STC_EDGE_CATCH,   /* a Catch's Next (labelled "catch ...") */
    STC_EDGE_BRANCH,  /* Parallel/Map box -> StartAt of a branch or the iterator */
    STC_EDGE_START,   /* start marker -> StartAt */
    STC_EDGE_END,     /* End: true, Succeed or Fail -> end marker or join */
    STC_EDGE_JOIN,    /* join -> the Parallel's or Map's Next (or End) */
} stc_edge_kind;

typedef struct stc_layout_node {
    stc_layout_node_kind kind;
    stc_layout_state_type type;  /* STC_LAYOUT_UNKNOWN for markers */
    char *name;           /* state name as written (NULL for markers) */
    char *title;          /* line 1 without the type glyph: the name, sanitised, maybe cut
                             (without a " (line N)" that `extra` shows as N) */
    char *extra;          /* right-hand annotation (label_extra), or NULL */
    char *detail;         /* line 2 (retry, wait, error, items), or NULL */
    int cluster;          /* innermost cluster, -1 at top level */
    int owner;            /* for a join: the Parallel/Map node; else -1 */
    stc_rect box;         /* the box including its border */
} stc_layout_node;

typedef struct stc_layout_edge {
    stc_edge_kind kind;
    int from, to;       /* node indices */
    char *label;        /* sanitised, maybe cut; NULL when unlabelled */
    stc_rect label_box; /* where the label text goes (h = 1); w = 0 without label */
    int *path;          /* x0,y0,x1,y1,...: cells from the one next to `from` to the
                           arrowhead cell next to `to`, each a neighbour of the last */
    int path_len;       /* number of cells; 0 when routing failed (a diagnostic says so) */
    char arrow;         /* direction of the arrowhead: 'v', '>', '<', '^' */
} stc_layout_edge;

typedef enum stc_cluster_kind {
    STC_CLUSTER_PARALLEL, /* the whole Parallel: its box, branches and join */
    STC_CLUSTER_BRANCH,   /* one branch of a Parallel */
    STC_CLUSTER_MAP,      /* a Map: its box, iterator and join */
    STC_CLUSTER_ITERATOR, /* a Map's iterator (ItemProcessor / Iterator) */
} stc_cluster_kind;

typedef struct stc_layout_cluster {
    stc_cluster_kind kind;
    char *title;  /* "Branch 1", "Iterator" */
    int parent;   /* enclosing cluster or -1 */
    int owner;    /* the Parallel/Map node */
    stc_rect box; /* the frame including its border */
} stc_layout_cluster;

typedef struct stc_layout {
    stc_layout_node *nodes;
    size_t n_nodes;
    stc_layout_edge *edges;
    size_t n_edges;
    stc_layout_cluster *clusters;
    size_t n_clusters;
    int width, height; /* the grid needed to draw everything */
    char *title;       /* the machine's Comment, or "State machine" */
    char *dot;         /* DOT text of the graph given to Graphviz (opt.want_dot), or NULL */
    bool compact;      /* built with the compact options */
} stc_layout;

typedef struct stc_layout_options {
    /* Narrow boxes (titles cut to compact_title cells with an ellipsis,
     * labels to compact_label cells) and smaller gaps, for wide machines. */
    bool compact;
    /* A short annotation shown at the right of a state's first line, e.g. the
     * source line "24"; return NULL for none. The string is copied. When it
     * is a number N and the state's name ends in " (line N)", the box title
     * leaves that suffix out (the name itself is unchanged: `name`, the
     * SVG's data-state and every lookup keep it). */
    const char *(*label_extra)(void *ctx, const char *state_name);
    void *label_extra_ctx;
    bool want_dot; /* keep the DOT text in layout->dot */
} stc_layout_options;

/* Longest title/label (cells) in normal and compact mode. */
enum { STC_LAYOUT_LABEL_MAX = 40, STC_LAYOUT_COMPACT_TITLE = 20, STC_LAYOUT_COMPACT_LABEL = 16 };

/* Lay out `asl` (a state machine object with StartAt and States). Returns
 * NULL when the document is not a state machine the renderer can follow
 * (errors in `diags`, codes STC8xx); Graphviz's own warnings also go to
 * `diags` (the library never prints). `opt` may be NULL. */
stc_layout *stc_layout_build(const cJSON *asl, const stc_layout_options *opt, stc_diags *diags);
void stc_layout_free(stc_layout *l);

/* Index of the state node named `name`, or -1. */
int stc_layout_find(const stc_layout *l, const char *name);

/* The state whose box covers cell (x, y) (for mouse clicks), or NULL. The
 * string belongs to the layout. */
const char *stc_layout_state_at(const stc_layout *l, int x, int y);

/* The box of state `name` (for centring); false when there is no such state. */
bool stc_layout_state_rect(const stc_layout *l, const char *name, stc_rect *out);

#endif
