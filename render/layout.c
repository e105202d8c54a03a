/* layout.c - ASL -> boxes, edges, clusters -> Graphviz dot -> character grid.
 *
 * Graphviz decides ranks (rows) and the order within a rank; node sizes are
 * the boxes' sizes in cells converted to inches (CELL_W_IN x CELL_H_IN per
 * cell), plus padding, so the mapped boxes never touch. Edge labels are
 * nodes of their own (the edge passes them through a channel column), which
 * reserves their space. Routing is ours (render/route.c). */
#include "render/layout.h"

#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "core/util.h"
#include "render/labels.h"
#include "render/route.h"
#include "render/text.h"

#define CELL_W_IN 0.1 /* one column, inches */
#define CELL_H_IN 0.2 /* one row, inches */
#define MARGIN 3      /* free cells around the drawing, for routing */

/* ---------------------------------------------------------------- model */

typedef struct builder {
    stc_layout *l;
    size_t cap_nodes, cap_edges, cap_clusters;
    const stc_layout_options *opt;
    stc_diags *diags;
    int errors;
} builder;

static int add_node(builder *b, stc_layout_node_kind kind, int cluster)
{
    stc_layout *l = b->l;
    if (l->n_nodes == b->cap_nodes) {
        b->cap_nodes = b->cap_nodes ? b->cap_nodes * 2 : 16;
        l->nodes = stc_xrealloc(l->nodes, b->cap_nodes * sizeof *l->nodes);
    }
    stc_layout_node *n = &l->nodes[l->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->type = STC_LAYOUT_UNKNOWN;
    n->cluster = cluster;
    n->owner = -1;
    return (int)l->n_nodes++;
}

static int add_edge(builder *b, stc_edge_kind kind, int from, int to, char *label)
{
    stc_layout *l = b->l;
    if (l->n_edges == b->cap_edges) {
        b->cap_edges = b->cap_edges ? b->cap_edges * 2 : 16;
        l->edges = stc_xrealloc(l->edges, b->cap_edges * sizeof *l->edges);
    }
    stc_layout_edge *e = &l->edges[l->n_edges];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->from = from;
    e->to = to;
    e->arrow = 'v';
    if (label) {
        char *clean = stc_text_sanitize(label);
        int max = b->opt->compact ? STC_LAYOUT_COMPACT_LABEL : STC_LAYOUT_LABEL_MAX;
        e->label = stc_text_truncate(clean, max);
        free(clean);
        free(label);
    }
    return (int)l->n_edges++;
}

static int add_cluster(builder *b, stc_cluster_kind kind, const char *title, int parent, int owner)
{
    stc_layout *l = b->l;
    if (l->n_clusters == b->cap_clusters) {
        b->cap_clusters = b->cap_clusters ? b->cap_clusters * 2 : 8;
        l->clusters = stc_xrealloc(l->clusters, b->cap_clusters * sizeof *l->clusters);
    }
    stc_layout_cluster *c = &l->clusters[l->n_clusters];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->title = stc_xstrdup(title);
    c->parent = parent;
    c->owner = owner;
    return (int)l->n_clusters++;
}

static const struct {
    const char *name;
    stc_layout_state_type type;
} state_types[] = {
    {"Task", STC_LAYOUT_TASK},         {"Choice", STC_LAYOUT_CHOICE},   {"Pass", STC_LAYOUT_PASS},
    {"Wait", STC_LAYOUT_WAIT},         {"Parallel", STC_LAYOUT_PARALLEL}, {"Map", STC_LAYOUT_MAP},
    {"Succeed", STC_LAYOUT_SUCCEED},   {"Fail", STC_LAYOUT_FAIL},
};

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The states of one level by name (core/util.h's name index: the first
 * state of a name is the one found; a linear search made a 2,000-state
 * machine quadratic), and the node of each, by position in the index. */
typedef struct name_index {
    stc_name_index ix;
    int *node; /* one per state of the level */
} name_index;

static void index_init(name_index *ix, size_t n)
{
    memset(&ix->ix, 0, sizeof ix->ix);
    ix->node = stc_xcalloc(n ? n : 1, sizeof *ix->node);
}

static void index_free(name_index *ix)
{
    stc_name_index_free(&ix->ix);
    free(ix->node);
}

/* The node of the first state called `name`, or -1. */
static int lookup(const name_index *ix, const char *name)
{
    long pos = stc_name_index_find(&ix->ix, name);
    return pos >= 0 ? ix->node[pos] : -1;
}

/* Add a state (at most n of them); a repeated name keeps the first one. */
static void index_add(name_index *ix, const char *name, int node)
{
    stc_name_index_add(&ix->ix, name);
    ix->node[ix->ix.n - 1] = node;
}

/* When the annotation is a line number N and the title ends in " (line N)"
 * (the workflow compiler's suffix that keeps state names unique), the box
 * shows N at its right anyway: cut the suffix from the title. */
static void drop_line_suffix(char *title, const char *extra)
{
    if (!extra || !*extra || strspn(extra, "0123456789") != strlen(extra))
        return;
    char suffix[40];
    int sl = snprintf(suffix, sizeof suffix, " (line %s)", extra);
    size_t tl = strlen(title);
    if (sl <= 0 || (size_t)sl >= sizeof suffix || tl <= (size_t)sl)
        return;
    if (strcmp(title + tl - (size_t)sl, suffix) == 0)
        title[tl - (size_t)sl] = '\0';
}

static void fill_state_text(builder *b, stc_layout_node *n, const cJSON *state)
{
    bool compact = b->opt->compact;
    char *clean = stc_text_sanitize(n->name);
    if (b->opt->label_extra) {
        const char *x = b->opt->label_extra(b->opt->label_extra_ctx, n->name);
        if (x && *x) {
            char *cx = stc_text_sanitize(x);
            n->extra = stc_text_truncate(cx, 12);
            free(cx);
            drop_line_suffix(clean, n->extra);
        }
    }
    n->title = compact ? stc_text_truncate(clean, STC_LAYOUT_COMPACT_TITLE) : stc_xstrdup(clean);
    free(clean);
    char *detail = stc_labels_detail(state);
    char *retry = stc_labels_retry(cJSON_GetObjectItemCaseSensitive(state, "Retry"));
    if (retry) {
        char *joined = detail ? stc_xasprintf("%s  \xE2\x86\xBB %s", detail, retry)
                              : stc_xasprintf("\xE2\x86\xBB %s", retry);
        free(detail);
        free(retry);
        detail = joined;
    }
    if (detail) {
        char *cd = stc_text_sanitize(detail);
        n->detail = stc_text_truncate(cd, compact ? STC_LAYOUT_COMPACT_TITLE : STC_LAYOUT_LABEL_MAX);
        free(cd);
        free(detail);
    }
}

static void build_level(builder *b, const cJSON *machine, int cluster, int entry_from,
                        stc_edge_kind entry_kind, int exit_to, int depth);

/* The branch or iterator definitions of a Parallel/Map state. */
static void build_nested(builder *b, const cJSON *state, int node, int cluster, int depth)
{
    stc_layout *l = b->l;
    bool is_map = l->nodes[node].type == STC_LAYOUT_MAP;
    int outer = add_cluster(b, is_map ? STC_CLUSTER_MAP : STC_CLUSTER_PARALLEL,
                            is_map ? "Map" : "Parallel", cluster, node);
    l->nodes[node].cluster = outer;
    int join = add_node(b, STC_LAYOUT_NODE_JOIN, outer);
    l->nodes[join].owner = node;
    l->nodes[join].title = stc_xstrdup("( join )");
    if (is_map) {
        const cJSON *it = cJSON_GetObjectItemCaseSensitive(state, "ItemProcessor");
        if (!it)
            it = cJSON_GetObjectItemCaseSensitive(state, "Iterator");
        if (!cJSON_IsObject(it)) {
            stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC803",
                         "Map state '%s' has no ItemProcessor or Iterator", l->nodes[node].name);
            b->errors++;
            return;
        }
        int ic = add_cluster(b, STC_CLUSTER_ITERATOR, "Iterator", outer, node);
        build_level(b, it, ic, node, STC_EDGE_BRANCH, join, depth + 1);
        return;
    }
    const cJSON *branches = cJSON_GetObjectItemCaseSensitive(state, "Branches");
    if (!cJSON_IsArray(branches) || cJSON_GetArraySize(branches) == 0) {
        stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC803",
                     "Parallel state '%s' has no Branches", l->nodes[node].name);
        b->errors++;
        return;
    }
    const cJSON *br;
    int i = 0;
    cJSON_ArrayForEach(br, branches)
    {
        char title[32];
        snprintf(title, sizeof title, "Branch %d", ++i);
        int bc = add_cluster(b, STC_CLUSTER_BRANCH, title, outer, node);
        build_level(b, br, bc, node, STC_EDGE_BRANCH, join, depth + 1);
    }
}

static int target_of(builder *b, const name_index *names, const char *from, const char *field,
                     const char *target)
{
    int t = lookup(names, target);
    if (t < 0) {
        stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC801",
                     "state '%s': %s '%s' is not a state of this machine", from, field, target);
        b->errors++;
    }
    return t;
}

static void build_level(builder *b, const cJSON *machine, int cluster, int entry_from,
                        stc_edge_kind entry_kind, int exit_to, int depth)
{
    stc_layout *l = b->l;
    if (depth > 64) {
        stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC800", "state machine nested too deeply");
        b->errors++;
        return;
    }
    const char *start = str_of(machine, "StartAt");
    const cJSON *states = cJSON_GetObjectItemCaseSensitive(machine, "States");
    if (!start || !cJSON_IsObject(states) || !states->child) {
        stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC800",
                     "not a state machine: it needs \"StartAt\" and a non-empty \"States\" object");
        b->errors++;
        return;
    }
    size_t n = (size_t)cJSON_GetArraySize(states);
    name_index names;
    index_init(&names, n);
    int *node_of = stc_xcalloc(n, sizeof *node_of);
    const cJSON *st;
    size_t i = 0;
    cJSON_ArrayForEach(st, states)
    {
        const char *type = str_of(st, "Type");
        stc_layout_state_type t = STC_LAYOUT_UNKNOWN;
        for (size_t k = 0; type && k < STC_ARRAY_LEN(state_types); k++)
            if (strcmp(type, state_types[k].name) == 0)
                t = state_types[k].type;
        if (!cJSON_IsObject(st) || t == STC_LAYOUT_UNKNOWN) {
            stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC802",
                         "state '%s' has no known Type", st->string ? st->string : "?");
            b->errors++;
        }
        if (lookup(&names, st->string ? st->string : "") >= 0) {
            stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC804",
                         "state '%s' is defined twice", st->string);
            b->errors++;
        }
        int node = add_node(b, STC_LAYOUT_NODE_STATE, cluster);
        l->nodes[node].type = t;
        l->nodes[node].name = stc_xstrdup(st->string ? st->string : "");
        fill_state_text(b, &l->nodes[node], st);
        index_add(&names, l->nodes[node].name, node);
        node_of[i] = node;
        i++;
        if (t == STC_LAYOUT_PARALLEL || t == STC_LAYOUT_MAP)
            build_nested(b, st, node, cluster, depth);
    }
    int s = target_of(b, &names, "StartAt", "StartAt", start);
    if (s >= 0)
        add_edge(b, entry_kind, entry_from, s, NULL);
    i = 0;
    cJSON_ArrayForEach(st, states)
    {
        int node = node_of[i++];
        const char *name = l->nodes[node].name;
        stc_layout_state_type t = l->nodes[node].type;
        /* A Parallel/Map continues from its join node. */
        int out = node;
        stc_edge_kind next_kind = STC_EDGE_NEXT, end_kind = STC_EDGE_END;
        if (t == STC_LAYOUT_PARALLEL || t == STC_LAYOUT_MAP) {
            for (size_t k = (size_t)node + 1; k < l->n_nodes; k++)
                if (l->nodes[k].kind == STC_LAYOUT_NODE_JOIN && l->nodes[k].owner == node) {
                    out = (int)k;
                    next_kind = end_kind = STC_EDGE_JOIN;
                    break;
                }
        }
        const char *next = str_of(st, "Next");
        if (t == STC_LAYOUT_CHOICE) {
            char *strip = stc_labels_common_prefix(st);
            const cJSON *rule;
            cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(st, "Choices"))
            {
                const char *rn = str_of(rule, "Next");
                int tt = rn ? target_of(b, &names, name, "Choice Next", rn) : -1;
                if (!rn) {
                    stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC801",
                                 "state '%s': a Choice rule has no Next", name);
                    b->errors++;
                }
                if (tt >= 0)
                    add_edge(b, STC_EDGE_CHOICE, node, tt, stc_labels_rule(rule, strip));
            }
            free(strip);
            const char *def = str_of(st, "Default");
            int dt = def ? target_of(b, &names, name, "Default", def) : -1;
            if (dt >= 0)
                add_edge(b, STC_EDGE_DEFAULT, node, dt, stc_xstrdup("default"));
        } else if (t == STC_LAYOUT_SUCCEED || t == STC_LAYOUT_FAIL) {
            add_edge(b, STC_EDGE_END, node, exit_to, NULL);
        } else if (next) {
            int nt = target_of(b, &names, name, "Next", next);
            if (nt >= 0)
                add_edge(b, next_kind, out, nt, NULL);
        } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "End"))) {
            add_edge(b, end_kind, out, exit_to, NULL);
        } else if (t != STC_LAYOUT_UNKNOWN) {
            stc_diag_add(b->diags, STC_SEV_ERROR, NULL, 0, 0, "STC801",
                         "state '%s' has neither Next nor \"End\": true", name);
            b->errors++;
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(st, "Catch"))
        {
            const char *cn = str_of(c, "Next");
            int ct = cn ? target_of(b, &names, name, "Catch Next", cn) : -1;
            if (ct >= 0)
                add_edge(b, STC_EDGE_CATCH, node, ct, stc_labels_catch(c));
        }
    }
    index_free(&names);
    free(node_of);
}

/* ------------------------------------------------------------- sizes */

static void size_nodes(stc_layout *l)
{
    for (size_t i = 0; i < l->n_nodes; i++) {
        stc_layout_node *n = &l->nodes[i];
        if (n->kind != STC_LAYOUT_NODE_STATE) {
            n->box.w = stc_text_width(n->title);
            n->box.h = 1;
            continue;
        }
        /* "│ G title  extra │": border, space, glyph, space, ..., space, border;
         * "│ detail │" below it. */
        int w = 6 + stc_text_width(n->title);
        if (n->extra)
            w += 2 + stc_text_width(n->extra);
        if (n->detail && stc_text_width(n->detail) + 4 > w)
            w = stc_text_width(n->detail) + 4;
        n->box.w = w;
        n->box.h = n->detail ? 4 : 3;
    }
}

/* ---------------------------------------------------------- Graphviz */

static stc_diags *gv_diags; /* where agerr messages go during a build */

static int gv_error(char *msg)
{
    if (!gv_diags || !msg)
        return 0;
    size_t len = strlen(msg);
    while (len && (msg[len - 1] == '\n' || msg[len - 1] == ' '))
        len--;
    if (len == 0)
        return 0;
    char *m = stc_xstrndup(msg, len);
    stc_diag_add(gv_diags, STC_SEV_NOTE, NULL, 0, 0, "STC890", "graphviz: %s", m);
    free(m);
    return 0;
}

static void set_size(Agnode_t *n, Agsym_t *wsym, Agsym_t *hsym, double w_cells, double h_cells)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.2f", w_cells * CELL_W_IN);
    agxset(n, wsym, buf);
    snprintf(buf, sizeof buf, "%.2f", h_cells * CELL_H_IN);
    agxset(n, hsym, buf);
}

/* The innermost cluster holding both a and b (-1: the root). */
static int common_cluster(const stc_layout *l, int a, int b)
{
    for (int ca = a; ca >= 0; ca = l->clusters[ca].parent)
        for (int cb = b; cb >= 0; cb = l->clusters[cb].parent)
            if (ca == cb)
                return ca;
    return -1;
}

static char *graph_to_dot(Agraph_t *g)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return stc_xstrdup("");
    agwrite(g, f);
    fclose(f);
    char *out = stc_xstrdup(text ? text : "");
    free(text);
    return out;
}

/* Object IDs in creation order. cgraph's default ID discipline makes the ID
 * of a named object the address of its interned name, and keeps subgraphs
 * ordered by ID, so the order in which dot saw the clusters -- and with it the
 * layout -- depended on where malloc put the names: the same machine drawn
 * twice in one process could come out three different ways. Refusing to map
 * names makes cgraph give every object the next anonymous ID (a counter that
 * only grows) and keep its name in its internal map, which agnameof() reads
 * first, so names (dot's "cluster_" prefix) still work. */
static long gv_map_in_order(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    if (str)
        return 0; /* not mapped: cgraph takes an anonymous ID and remembers the name */
    return AgIdDisc.map(state, objtype, str, id, createflag);
}

/* Graphs with more nodes + edges than this get a bounded network simplex. */
#define STC_LAYOUT_NS_BOUND_FROM 120

static Agiddisc_t gv_id_disc;
static Agdisc_t gv_disc;

/* gvContext() reads Graphviz's plugin configuration, and the first layout
 * then loads the text layout plugin to measure labels: pango, which brings
 * cairo, glib, fontconfig, freetype and X11 (about 40 shared libraries,
 * some 10 ms per process, most of the time a small machine takes). This
 * graph has no text to measure (every label is empty, every node
 * fixedsize), so only the dot layout plugin is opened, by its path (known
 * at build time from libgvc's pkg-config), and handed to
 * gvContextPlugins(). Without it, gvContext() as before. */
static lt_symlist_t gv_builtins[2];
static pthread_once_t gv_builtins_once = PTHREAD_ONCE_INIT;

static void gv_find_dot_plugin(void)
{
#ifdef STC_GV_DOT_PLUGIN
    void *h = dlopen(STC_GV_DOT_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    void *lib = h ? dlsym(h, "gvplugin_dot_layout_LTX_library") : NULL;
    if (lib)
        gv_builtins[0] = (lt_symlist_t){"gvplugin_dot_layout_LTX_library", lib};
    else if (h)
        dlclose(h);
#endif
}

static GVC_t *gv_context(void)
{
    pthread_once(&gv_builtins_once, gv_find_dot_plugin);
    return gv_builtins[0].name ? gvContextPlugins(gv_builtins, 0) : gvContext();
}

static bool run_graphviz(stc_layout *l, bool compact, bool want_dot, stc_diags *diags)
{
    agusererrf old = agseterrf(gv_error);
    gv_diags = diags;
    GVC_t *gvc = gv_context();
    gv_id_disc = AgIdDisc;
    gv_id_disc.map = gv_map_in_order;
    gv_disc = (Agdisc_t){&AgMemDisc, &gv_id_disc, &AgIoDisc};
    Agraph_t *g = agopen("machine", Agdirected, &gv_disc);
    agattr(g, AGRAPH, "rankdir", "TB");
    agattr(g, AGRAPH, "nodesep", compact ? "0.1" : "0.25");
    agattr(g, AGRAPH, "ranksep", compact ? "0.25" : "0.35");
    agattr(g, AGRAPH, "splines", "false");
    agattr(g, AGNODE, "shape", "box");
    agattr(g, AGNODE, "fixedsize", "true");
    agattr(g, AGNODE, "label", "");
    Agsym_t *wsym = agattr(g, AGNODE, "width", "1");
    Agsym_t *hsym = agattr(g, AGNODE, "height", "1");
    Agsym_t *tip = agattr(g, AGNODE, "tooltip", "");
    Agsym_t *style = agattr(g, AGEDGE, "style", "solid");
    int pad_w = compact ? 2 : 4;

    Agraph_t **sub = stc_xcalloc(l->n_clusters + 1, sizeof *sub);
    for (size_t c = 0; c < l->n_clusters; c++) {
        char name[32];
        snprintf(name, sizeof name, "cluster_%zu", c);
        Agraph_t *parent = l->clusters[c].parent >= 0 ? sub[l->clusters[c].parent] : g;
        sub[c] = agsubg(parent, name, 1);
        /* Room for the frame, its title row and a free row under it. */
        agsafeset(sub[c], "margin", "14,22", "");
    }
    Agnode_t **gn = stc_xcalloc(l->n_nodes + 1, sizeof *gn);
    for (size_t i = 0; i < l->n_nodes; i++) {
        stc_layout_node *n = &l->nodes[i];
        char name[32];
        snprintf(name, sizeof name, "n%zu", i);
        Agraph_t *home = n->cluster >= 0 ? sub[n->cluster] : g;
        gn[i] = agnode(home, name, 1);
        set_size(gn[i], wsym, hsym, n->box.w + pad_w, n->box.h + 2);
        agxset(gn[i], tip, n->name ? n->name : n->title);
    }
    Agnode_t **ln = stc_xcalloc(l->n_edges + 1, sizeof *ln);
    for (size_t i = 0; i < l->n_edges; i++) {
        stc_layout_edge *e = &l->edges[i];
        Agedge_t *ge;
        if (e->label) {
            char name[32];
            snprintf(name, sizeof name, "l%zu", i);
            int cc = common_cluster(l, l->nodes[e->from].cluster, l->nodes[e->to].cluster);
            ln[i] = agnode(cc >= 0 ? sub[cc] : g, name, 1);
            set_size(ln[i], wsym, hsym, stc_text_width(e->label) + 2 + pad_w, 1 + 1);
            agxset(ln[i], tip, e->label);
            ge = agedge(g, gn[e->from], ln[i], NULL, 1);
            if (e->kind == STC_EDGE_CATCH)
                agxset(ge, style, "dashed");
            ge = agedge(g, ln[i], gn[e->to], NULL, 1);
        } else {
            ge = agedge(g, gn[e->from], gn[e->to], NULL, 1);
        }
        if (e->kind == STC_EDGE_CATCH)
            agxset(ge, style, "dashed");
    }
    /* dot's x-coordinate pass (network simplex) is unbounded by default and
     * goes superlinear on long chains with many long edges: an if nested 60
     * deep took 26 s, 90 deep over 100 s (the `dot` program alike). Bound it
     * (nslimit x nodes iterations) on big graphs; small ones converge well
     * within the bound anyway and keep their exact layout. */
    if (l->n_nodes + l->n_edges > STC_LAYOUT_NS_BOUND_FROM)
        agsafeset(g, "nslimit", "2", "");
    if (want_dot)
        l->dot = graph_to_dot(g);

    bool ok = gvLayout(gvc, g, "dot") == 0;
    if (ok) {
        double top = GD_bb(g).UR.y;
        int maxx = 0, maxy = 0;
        for (size_t i = 0; i < l->n_nodes; i++) {
            stc_layout_node *n = &l->nodes[i];
            int cx = (int)lround(ND_coord(gn[i]).x / (CELL_W_IN * 72.0));
            int cy = (int)lround((top - ND_coord(gn[i]).y) / (CELL_H_IN * 72.0));
            n->box.x = MARGIN + cx - n->box.w / 2;
            n->box.y = MARGIN + cy - n->box.h / 2;
        }
        for (size_t i = 0; i < l->n_edges; i++) {
            stc_layout_edge *e = &l->edges[i];
            if (!ln[i])
                continue;
            int w = stc_text_width(e->label) + 2;
            int cx = (int)lround(ND_coord(ln[i]).x / (CELL_W_IN * 72.0));
            int cy = (int)lround((top - ND_coord(ln[i]).y) / (CELL_H_IN * 72.0));
            /* The box is the text; the channel is 2 cells to its left. */
            e->label_box.x = MARGIN + cx - w / 2 + 2;
            e->label_box.y = MARGIN + cy;
            e->label_box.w = w - 2;
            e->label_box.h = 1;
        }
        (void)maxx, (void)maxy;
        gvFreeLayout(gvc, g);
    } else {
        stc_diag_add(diags, STC_SEV_ERROR, NULL, 0, 0, "STC805", "Graphviz could not lay out the graph");
    }
    free(ln);
    free(gn);
    free(sub);
    agclose(g);
    gvFreeContext(gvc);
    gv_diags = NULL;
    agseterrf(old);
    return ok;
}

/* Frames: the members' boxes and nested frames, plus a border and a gap. */
static void frame_clusters(stc_layout *l)
{
    /* Children come after their parents, so go backwards. */
    for (size_t k = l->n_clusters; k-- > 0;) {
        stc_layout_cluster *c = &l->clusters[k];
        int x0 = 1 << 29, y0 = 1 << 29, x1 = -(1 << 29), y1 = -(1 << 29);
#define GROW(r)                                                                                    \
    do {                                                                                           \
        if ((r).x < x0) x0 = (r).x;                                                                \
        if ((r).y < y0) y0 = (r).y;                                                                \
        if ((r).x + (r).w > x1) x1 = (r).x + (r).w;                                                \
        if ((r).y + (r).h > y1) y1 = (r).y + (r).h;                                                \
    } while (0)
        for (size_t i = 0; i < l->n_nodes; i++)
            if (l->nodes[i].cluster == (int)k)
                GROW(l->nodes[i].box);
        for (size_t j = k + 1; j < l->n_clusters; j++)
            if (l->clusters[j].parent == (int)k)
                GROW(l->clusters[j].box);
        for (size_t i = 0; i < l->n_edges; i++) {
            stc_layout_edge *e = &l->edges[i];
            if (e->label && common_cluster(l, l->nodes[e->from].cluster, l->nodes[e->to].cluster) == (int)k) {
                stc_rect r = {e->label_box.x - 2, e->label_box.y, e->label_box.w + 2, 1};
                GROW(r);
            }
        }
#undef GROW
        if (x0 > x1) {
            x0 = y0 = 0;
            x1 = y1 = 1;
        }
        c->box.x = x0 - 2;
        c->box.y = y0 - 2;
        c->box.w = x1 - x0 + 4;
        c->box.h = y1 - y0 + 3;
    }
}

static void measure(stc_layout *l)
{
    int w = 0, h = 0;
#define FIT(r)                                                                                     \
    do {                                                                                           \
        if ((r).x + (r).w > w) w = (r).x + (r).w;                                                  \
        if ((r).y + (r).h > h) h = (r).y + (r).h;                                                  \
    } while (0)
    for (size_t i = 0; i < l->n_nodes; i++)
        FIT(l->nodes[i].box);
    for (size_t i = 0; i < l->n_clusters; i++)
        FIT(l->clusters[i].box);
    for (size_t i = 0; i < l->n_edges; i++)
        FIT(l->edges[i].label_box);
#undef FIT
    l->width = w + MARGIN;
    l->height = h + MARGIN;
}

/* Shift everything so the leftmost/topmost thing sits MARGIN cells in. */
static void normalise(stc_layout *l)
{
    int minx = 1 << 29, miny = 1 << 29;
    for (size_t i = 0; i < l->n_nodes; i++) {
        if (l->nodes[i].box.x < minx) minx = l->nodes[i].box.x;
        if (l->nodes[i].box.y < miny) miny = l->nodes[i].box.y;
    }
    for (size_t i = 0; i < l->n_clusters; i++) {
        if (l->clusters[i].box.x < minx) minx = l->clusters[i].box.x;
        if (l->clusters[i].box.y < miny) miny = l->clusters[i].box.y;
    }
    for (size_t i = 0; i < l->n_edges; i++) {
        if (l->edges[i].label && l->edges[i].label_box.x - 2 < minx) minx = l->edges[i].label_box.x - 2;
        if (l->edges[i].label && l->edges[i].label_box.y < miny) miny = l->edges[i].label_box.y;
    }
    int dx = MARGIN - minx, dy = MARGIN - miny;
    for (size_t i = 0; i < l->n_nodes; i++)
        l->nodes[i].box.x += dx, l->nodes[i].box.y += dy;
    for (size_t i = 0; i < l->n_clusters; i++)
        l->clusters[i].box.x += dx, l->clusters[i].box.y += dy;
    for (size_t i = 0; i < l->n_edges; i++)
        if (l->edges[i].label)
            l->edges[i].label_box.x += dx, l->edges[i].label_box.y += dy;
}

/* After routing: drop unused margin so the drawing starts at column 1,
 * row 0, and ends one cell after the last thing drawn. */
static void crop(stc_layout *l)
{
    int minx = 1 << 29, miny = 1 << 29, maxx = 0, maxy = 0;
#define SEE(x0, y0, x1, y1)                                                                        \
    do {                                                                                           \
        if ((x0) < minx) minx = (x0);                                                              \
        if ((y0) < miny) miny = (y0);                                                              \
        if ((x1) > maxx) maxx = (x1);                                                              \
        if ((y1) > maxy) maxy = (y1);                                                              \
    } while (0)
    for (size_t i = 0; i < l->n_nodes; i++) {
        stc_rect r = l->nodes[i].box;
        SEE(r.x, r.y, r.x + r.w, r.y + r.h);
    }
    for (size_t i = 0; i < l->n_clusters; i++) {
        stc_rect r = l->clusters[i].box;
        SEE(r.x, r.y, r.x + r.w, r.y + r.h);
    }
    for (size_t i = 0; i < l->n_edges; i++) {
        stc_layout_edge *e = &l->edges[i];
        if (e->label)
            SEE(e->label_box.x - 2, e->label_box.y, e->label_box.x + e->label_box.w, e->label_box.y + 1);
        for (int k = 0; k < e->path_len; k++)
            SEE(e->path[2 * k], e->path[2 * k + 1], e->path[2 * k] + 1, e->path[2 * k + 1] + 1);
    }
#undef SEE
    int dx = 1 - minx, dy = -miny;
    for (size_t i = 0; i < l->n_nodes; i++)
        l->nodes[i].box.x += dx, l->nodes[i].box.y += dy;
    for (size_t i = 0; i < l->n_clusters; i++)
        l->clusters[i].box.x += dx, l->clusters[i].box.y += dy;
    for (size_t i = 0; i < l->n_edges; i++) {
        stc_layout_edge *e = &l->edges[i];
        if (e->label)
            e->label_box.x += dx, e->label_box.y += dy;
        for (int k = 0; k < e->path_len; k++)
            e->path[2 * k] += dx, e->path[2 * k + 1] += dy;
    }
    l->width = maxx + dx + 1;
    l->height = maxy + dy;
}

stc_layout *stc_layout_build(const cJSON *asl, const stc_layout_options *opt, stc_diags *diags)
{
    static const stc_layout_options defaults = {0};
    if (!opt)
        opt = &defaults;
    stc_layout *l = stc_xcalloc(1, sizeof *l);
    l->compact = opt->compact;
    builder b = {.l = l, .opt = opt, .diags = diags};
    if (!cJSON_IsObject(asl)) {
        stc_diag_add(diags, STC_SEV_ERROR, NULL, 0, 0, "STC800", "not a state machine: expected a JSON object");
        stc_layout_free(l);
        return NULL;
    }
    const char *comment = str_of(asl, "Comment");
    char *title = stc_text_sanitize(comment && *comment ? comment : "State machine");
    l->title = title;
    int start = add_node(&b, STC_LAYOUT_NODE_START, -1);
    l->nodes[start].title = stc_xstrdup("( Start )");
    int end = add_node(&b, STC_LAYOUT_NODE_END, -1);
    l->nodes[end].title = stc_xstrdup("( End )");
    build_level(&b, asl, -1, start, STC_EDGE_START, end, 0);
    if (b.errors) {
        stc_layout_free(l);
        return NULL;
    }
    size_nodes(l);
    if (!run_graphviz(l, opt->compact, opt->want_dot, diags)) {
        stc_layout_free(l);
        return NULL;
    }
    frame_clusters(l);
    normalise(l);
    measure(l);
    stc_route_edges(l, diags);
    crop(l);
    return l;
}

void stc_layout_free(stc_layout *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_nodes; i++) {
        free(l->nodes[i].name);
        free(l->nodes[i].title);
        free(l->nodes[i].extra);
        free(l->nodes[i].detail);
    }
    for (size_t i = 0; i < l->n_edges; i++) {
        free(l->edges[i].label);
        free(l->edges[i].path);
    }
    for (size_t i = 0; i < l->n_clusters; i++)
        free(l->clusters[i].title);
    free(l->nodes);
    free(l->edges);
    free(l->clusters);
    free(l->title);
    free(l->dot);
    free(l);
}

int stc_layout_find(const stc_layout *l, const char *name)
{
    for (size_t i = 0; name && i < l->n_nodes; i++)
        if (l->nodes[i].kind == STC_LAYOUT_NODE_STATE && strcmp(l->nodes[i].name, name) == 0)
            return (int)i;
    return -1;
}

const char *stc_layout_state_at(const stc_layout *l, int x, int y)
{
    for (size_t i = 0; i < l->n_nodes; i++) {
        const stc_layout_node *n = &l->nodes[i];
        if (n->kind == STC_LAYOUT_NODE_STATE && x >= n->box.x && x < n->box.x + n->box.w &&
            y >= n->box.y && y < n->box.y + n->box.h)
            return n->name;
    }
    return NULL;
}

bool stc_layout_state_rect(const stc_layout *l, const char *name, stc_rect *out)
{
    int i = stc_layout_find(l, name);
    if (i < 0)
        return false;
    *out = l->nodes[i].box;
    return true;
}
