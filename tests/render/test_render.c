/* test_render.c - goldens, read-back, degenerate machines, labels, viewport. */
#include <dirent.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/service.h"
#include "core/util.h"
#include "core/workflow.h"
#include "render/canvas.h"
#include "render/draw.h"
#include "render/labels.h"
#include "render/layout.h"
#include "render/style.h"
#include "render/svg.h"
#include "render/text.h"
#include "render/viewport.h"

static const char *data_dir(void)
{
    const char *d = getenv("STC_TEST_DATA");
    return d ? d : STC_SOURCE_DIR "/tests";
}

static cJSON *load_json(const char *path)
{
    char *text, *err;
    size_t len;
    if (stc_file_read(path, &text, &len, &err) != 0)
        fail_msg("%s", err);
    cJSON *j = cJSON_Parse(text);
    free(text);
    if (!j)
        fail_msg("%s: invalid JSON", path);
    return j;
}

/* The render_*.asl.json files, sorted. */
static int list_asl(char ***out)
{
    char *dir = stc_xasprintf("%s/data/asl", data_dir());
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "render_", 7) == 0 && len > 9 && strcmp(e->d_name + len - 9, ".asl.json") == 0) {
            names = stc_xrealloc(names, (size_t)(n + 1) * sizeof *names);
            names[n++] = stc_xasprintf("%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    free(dir);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    *out = names;
    return n;
}

static stc_layout *build(const cJSON *asl, bool compact)
{
    stc_diags d = STC_DIAGS_INIT;
    stc_layout_options opt = {.compact = compact};
    stc_layout *l = stc_layout_build(asl, &opt, &d);
    for (size_t i = 0; i < d.count; i++)
        if (d.items[i].severity != STC_SEV_NOTE)
            print_message("diag: %s %s\n", d.items[i].code, d.items[i].message);
    assert_int_equal(stc_diags_count(&d, STC_SEV_ERROR) + stc_diags_count(&d, STC_SEV_WARNING), 0);
    stc_diags_free(&d);
    assert_non_null(l);
    return l;
}

static char *draw_text(const stc_layout *l, bool ascii)
{
    stc_draw_options o = {.ascii = ascii};
    stc_canvas *c = stc_draw_canvas(l, &o);
    char *t = stc_canvas_to_text(c, 0, 0, c->width, c->height);
    stc_canvas_free(c);
    return t;
}

/* ------------------------------------------------------------ goldens */

static void test_goldens(void **state)
{
    (void)state;
    char **files;
    int n = list_asl(&files);
    assert_true(n >= 4);
    bool update = getenv("UPDATE_GOLDEN") && strcmp(getenv("UPDATE_GOLDEN"), "1") == 0;
    int mismatches = 0;
    for (int i = 0; i < n; i++) {
        cJSON *asl = load_json(files[i]);
        const char *base = strrchr(files[i], '/') + 1;
        for (int mode = 0; mode < 3; mode++) {
            bool ascii = mode == 1, compact = mode == 2;
            stc_layout *l = build(asl, compact);
            char *text = draw_text(l, ascii);
            static const char *const suffix[] = {"unicode", "ascii", "compact"};
            char *golden = stc_xasprintf("%s/render/golden/%.*s.%s.txt", data_dir(),
                                         (int)(strlen(base) - 9), base, suffix[mode]);
            if (update) {
                char *err;
                if (stc_file_write_atomic(golden, text, strlen(text), &err) != 0)
                    fail_msg("%s", err);
            } else {
                char *want, *err;
                size_t len;
                if (stc_file_read(golden, &want, &len, &err) != 0) {
                    print_error("%s (run with UPDATE_GOLDEN=1)\n", err);
                    free(err);
                    mismatches++;
                } else {
                    if (strcmp(want, text) != 0) {
                        print_error("golden mismatch: %s\n--- got ---\n%s", golden, text);
                        mismatches++;
                    }
                    free(want);
                }
            }
            free(golden);
            free(text);
            stc_layout_free(l);
        }
        cJSON_Delete(asl);
        free(files[i]);
    }
    free(files);
    assert_int_equal(mismatches, 0);
}

/* ---------------------------------------------------------- read-back */

/* Direction bits of an edge glyph on a Unicode canvas (N=1 E=2 S=4 W=8). */
static int glyph_mask(const char *t)
{
    static const struct {
        const char *g;
        int m;
    } tab[] = {{"│", 5}, {"╏", 5}, {"─", 10}, {"╍", 10}, {"└", 3}, {"┌", 6}, {"├", 7},
               {"┘", 9}, {"┴", 11}, {"┐", 12}, {"┤", 13}, {"┬", 14}, {"┼", 15}};
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
        if (strcmp(t, tab[i].g) == 0)
            return tab[i].m;
    return 0;
}

static bool in_rect(stc_rect r, int x, int y)
{
    return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/* Follow edge glyphs on the canvas from the cells next to box `from` and
 * report whether an arrowhead pointing into box `to` is reached. A glyph
 * joins its neighbour when both point at each other; a crossing (┼) is
 * passed straight. */
static bool connected(const stc_canvas *c, stc_rect from, stc_rect to)
{
    int w = c->width, h = c->height;
    /* visited per (cell, direction of travel) */
    unsigned char *seen = stc_xcalloc((size_t)w * (size_t)h, 1);
    int *stack = stc_xmalloc((size_t)w * (size_t)h * 4 * 3 * sizeof *stack);
    int sp = 0;
    static const int dx[4] = {0, 1, 0, -1}, dy[4] = {-1, 0, 1, 0};
    /* Seeds: glyph cells around `from` that point back at it. */
    for (int y = from.y - 1; y <= from.y + from.h; y++)
        for (int x = from.x - 1; x <= from.x + from.w; x++) {
            if (in_rect(from, x, y) || x < 0 || y < 0 || x >= w || y >= h)
                continue;
            int d = y >= from.y + from.h ? 0 : y < from.y ? 2 : x < from.x ? 1 : 3;
            if ((x < from.x || x >= from.x + from.w) && (y < from.y || y >= from.y + from.h))
                continue; /* diagonal */
            if (glyph_mask(stc_canvas_cell(c, x, y)->text) & (1 << d)) {
                stack[sp++] = x, stack[sp++] = y, stack[sp++] = (d + 2) % 4;
            }
        }
    bool found = false;
    while (sp && !found) {
        int in = stack[--sp], y = stack[--sp], x = stack[--sp];
        (void)in;
        const char *t = stc_canvas_cell(c, x, y)->text;
        int m = glyph_mask(t);
        unsigned char bit = (unsigned char)(1u << in);
        if (seen[y * w + x] & bit)
            continue;
        seen[y * w + x] |= bit;
        for (int d = 0; d < 4; d++) {
            if (!(m & (1 << d)) || d == (in + 2) % 4)
                continue;
            if (m == 15 && d != in)
                continue; /* crossing: straight on */
            int nx = x + dx[d], ny = y + dy[d];
            if (nx < 0 || ny < 0 || nx >= w || ny >= h)
                continue;
            const char *nt = stc_canvas_cell(c, nx, ny)->text;
            static const char *const arrows[4] = {"▲", "►", "▼", "◄"};
            if (strcmp(nt, arrows[d]) == 0 && in_rect(to, nx + dx[d], ny + dy[d])) {
                found = true;
                break;
            }
            if (strcmp(nt, arrows[d]) == 0 && d == 2 && in_rect(to, nx, ny + 1)) {
                found = true;
                break;
            }
            if (glyph_mask(nt) & (1 << ((d + 2) % 4)))
                stack[sp++] = nx, stack[sp++] = ny, stack[sp++] = d;
        }
    }
    free(stack);
    free(seen);
    return found;
}

static int count_sub(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

typedef struct check_ctx {
    const stc_layout *l;
    const stc_canvas *c;
    int transitions;
} check_ctx;

/* A transition from state `from` (or its join, for Parallel/Map Next) to
 * state `to` (NULL: the end of this level) must be drawn. */
static void check_transition(check_ctx *cx, const char *from, const char *to, int end_node)
{
    const stc_layout *l = cx->l;
    int f = stc_layout_find(l, from);
    assert_true(f >= 0);
    stc_layout_state_type t = l->nodes[f].type;
    if (t == STC_LAYOUT_PARALLEL || t == STC_LAYOUT_MAP) {
        for (size_t k = 0; k < l->n_nodes; k++)
            if (l->nodes[k].kind == STC_LAYOUT_NODE_JOIN && l->nodes[k].owner == f)
                f = (int)k;
    }
    int target = to ? stc_layout_find(l, to) : end_node;
    assert_true(target >= 0);
    bool edge = false;
    for (size_t i = 0; i < l->n_edges; i++)
        if (l->edges[i].from == f && l->edges[i].to == target && l->edges[i].path_len > 0)
            edge = true;
    if (!edge || !connected(cx->c, l->nodes[f].box, l->nodes[target].box))
        fail_msg("no drawn edge from '%s' to '%s'", from, to ? to : "(end)");
    cx->transitions++;
}

static void check_catch(check_ctx *cx, const char *from, const char *to)
{
    const stc_layout *l = cx->l;
    int f = stc_layout_find(l, from), t = stc_layout_find(l, to);
    assert_true(f >= 0 && t >= 0);
    if (!connected(cx->c, l->nodes[f].box, l->nodes[t].box))
        fail_msg("no drawn Catch edge from '%s' to '%s'", from, to);
    cx->transitions++;
}

static void check_level(check_ctx *cx, const cJSON *m, int end_node)
{
    const stc_layout *l = cx->l;
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItem(m, "States"))
    {
        const char *name = st->string;
        const char *type = cJSON_GetObjectItem(st, "Type")->valuestring;
        int self = stc_layout_find(l, name);
        if (strcmp(type, "Parallel") == 0 || strcmp(type, "Map") == 0) {
            int join = -1;
            for (size_t k = 0; k < l->n_nodes; k++)
                if (l->nodes[k].kind == STC_LAYOUT_NODE_JOIN && l->nodes[k].owner == self)
                    join = (int)k;
            assert_true(join >= 0);
            const cJSON *b;
            if (strcmp(type, "Map") == 0) {
                const cJSON *it = cJSON_GetObjectItem(st, "ItemProcessor");
                if (!it)
                    it = cJSON_GetObjectItem(st, "Iterator");
                check_level(cx, it, join);
            } else {
                cJSON_ArrayForEach(b, cJSON_GetObjectItem(st, "Branches")) check_level(cx, b, join);
            }
        }
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(st, "Choices"))
            check_transition(cx, name, cJSON_GetObjectItem(c, "Next")->valuestring, end_node);
        if ((c = cJSON_GetObjectItem(st, "Default")))
            check_transition(cx, name, c->valuestring, end_node);
        if ((c = cJSON_GetObjectItem(st, "Next")))
            check_transition(cx, name, c->valuestring, end_node);
        if (cJSON_IsTrue(cJSON_GetObjectItem(st, "End")) || strcmp(type, "Succeed") == 0 ||
            strcmp(type, "Fail") == 0)
            check_transition(cx, name, NULL, end_node);
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(st, "Catch"))
            check_catch(cx, name, cJSON_GetObjectItem(c, "Next")->valuestring);
    }
}

static void count_states(const cJSON *m, int *n)
{
    const cJSON *st, *b;
    cJSON_ArrayForEach(st, cJSON_GetObjectItem(m, "States"))
    {
        (*n)++;
        cJSON_ArrayForEach(b, cJSON_GetObjectItem(st, "Branches")) count_states(b, n);
        if ((b = cJSON_GetObjectItem(st, "ItemProcessor")) || (b = cJSON_GetObjectItem(st, "Iterator")))
            count_states(b, n);
    }
}

/* No two boxes share a cell; no label or cluster title covers a box. */
static void check_no_overlap(const stc_layout *l)
{
    size_t n = l->n_nodes + l->n_edges;
    stc_rect *r = stc_xcalloc(n + 1, sizeof *r);
    size_t k = 0;
    for (size_t i = 0; i < l->n_nodes; i++)
        r[k++] = l->nodes[i].box;
    for (size_t i = 0; i < l->n_edges; i++)
        if (l->edges[i].label)
            r[k++] = (stc_rect){l->edges[i].label_box.x - 2, l->edges[i].label_box.y, l->edges[i].label_box.w + 2, 1};
    for (size_t i = 0; i < k; i++) {
        assert_true(r[i].x >= 0 && r[i].y >= 0 && r[i].x + r[i].w <= l->width && r[i].y + r[i].h <= l->height);
        for (size_t j = i + 1; j < k; j++) {
            bool apart = r[i].x + r[i].w <= r[j].x || r[j].x + r[j].w <= r[i].x ||
                         r[i].y + r[i].h <= r[j].y || r[j].y + r[j].h <= r[i].y;
            if (!apart)
                fail_msg("overlap: (%d,%d %dx%d) and (%d,%d %dx%d)", r[i].x, r[i].y, r[i].w, r[i].h,
                         r[j].x, r[j].y, r[j].w, r[j].h);
        }
    }
    /* Frames never cut through a box. */
    for (size_t c = 0; c < l->n_clusters; c++) {
        stc_rect f = l->clusters[c].box;
        for (size_t i = 0; i < l->n_nodes; i++) {
            stc_rect b = l->nodes[i].box;
            bool inside = b.x > f.x && b.y > f.y && b.x + b.w < f.x + f.w && b.y + b.h < f.y + f.h;
            bool apart = b.x + b.w <= f.x || f.x + f.w <= b.x || b.y + b.h <= f.y || f.y + f.h <= b.y;
            assert_true(inside || apart);
        }
    }
    free(r);
}

/* Each state's box shows its (display) title on its first text row. */
static void check_titles(const stc_layout *l, const stc_canvas *c)
{
    for (size_t i = 0; i < l->n_nodes; i++) {
        const stc_layout_node *n = &l->nodes[i];
        if (n->kind != STC_LAYOUT_NODE_STATE)
            continue;
        char *row = stc_canvas_to_text(c, n->box.x + 4, n->box.y + 1, n->box.w - 5, 1);
        if (strncmp(row, n->title, strlen(n->title)) != 0)
            fail_msg("box of '%s' shows '%s'", n->title, row);
        free(row);
    }
}

static void readback_one(const cJSON *asl, bool compact)
{
    stc_layout *l = build(asl, compact);
    stc_canvas *c = stc_draw_canvas(l, NULL);
    check_no_overlap(l);
    check_titles(l, c);
    for (size_t i = 0; i < l->n_edges; i++)
        assert_true(l->edges[i].path_len > 0);
    check_ctx cx = {l, c, 0};
    check_level(&cx, asl, 1 /* the end marker */);
    int states = 0;
    count_states(asl, &states);
    assert_true(cx.transitions >= states);
    stc_canvas_free(c);
    stc_layout_free(l);
}

static void test_readback(void **state)
{
    (void)state;
    char **files;
    int n = list_asl(&files);
    for (int i = 0; i < n; i++) {
        cJSON *asl = load_json(files[i]);
        readback_one(asl, false);
        readback_one(asl, true);
        /* Every state name exactly once in the text. */
        stc_layout *l = build(asl, false);
        char *text = draw_text(l, false);
        for (size_t k = 0; k < l->n_nodes; k++)
            if (l->nodes[k].kind == STC_LAYOUT_NODE_STATE && count_sub(text, l->nodes[k].name) != 1)
                fail_msg("%s: '%s' appears %d times", files[i], l->nodes[k].name, count_sub(text, l->nodes[k].name));
        /* Cell -> state and state -> box agree. */
        for (size_t k = 0; k < l->n_nodes; k++) {
            if (l->nodes[k].kind != STC_LAYOUT_NODE_STATE)
                continue;
            stc_rect r;
            assert_true(stc_layout_state_rect(l, l->nodes[k].name, &r));
            assert_string_equal(stc_layout_state_at(l, r.x + r.w / 2, r.y + 1), l->nodes[k].name);
        }
        free(text);
        stc_layout_free(l);
        cJSON_Delete(asl);
        free(files[i]);
    }
    free(files);
}

/* ------------------------------------------------- example workflows */

/* Every async method of the modules in examples/, compiled and drawn as `stc-tui graph
 * SERVICE.py METHOD` draws it (each box with its Python line, render's
 * label_extra), compared with tests/render/golden/example_<module>-<method>.
 * {unicode,ascii,compact}.txt (UPDATE_GOLDEN=1 rewrites them; read every
 * drawing before accepting it), and read back like the render_* machines. */
typedef struct example_line {
    const stc_workflow *wf;
    char buf[16];
} example_line;

static const char *example_line_of(void *ctx, const char *state_name)
{
    example_line *el = ctx;
    const stc_wf_state *st = stc_workflow_state(el->wf, state_name);
    if (!st || st->pos.line <= 0)
        return NULL;
    snprintf(el->buf, sizeof el->buf, "%d", st->pos.line);
    return el->buf;
}

static stc_layout *build_example(const stc_workflow *wf, bool compact, example_line *el)
{
    stc_diags d = STC_DIAGS_INIT;
    stc_layout_options opt = {.compact = compact, .label_extra = example_line_of, .label_extra_ctx = el};
    stc_layout *l = stc_layout_build(wf->asl, &opt, &d);
    for (size_t i = 0; i < d.count; i++)
        if (d.items[i].severity != STC_SEV_NOTE)
            print_message("diag: %s %s\n", d.items[i].code, d.items[i].message);
    assert_int_equal(stc_diags_count(&d, STC_SEV_ERROR) + stc_diags_count(&d, STC_SEV_WARNING), 0);
    stc_diags_free(&d);
    assert_non_null(l);
    return l;
}

/* The lines worked out from examples/people.py, orders.py and photos.py. */
static void check_example_lines(const char *module, const stc_workflow *wf, const stc_layout *l)
{
    /* title: the box text, without the " (line N)" that the annotation shows */
    static const struct {
        const char *module, *method, *state, *line, *title;
    } want[] = {
        {"people", "_onboard", "Start _onboard", "48", "Start _onboard"},
        {"people", "_onboard", "Call _send_email (line 49)", "49", "Call _send_email"},
        {"people", "_onboard", "Sleep 10 (line 54)", "54", "Sleep 10"},
        {"people", "_onboard", "Call _mark_active (line 57)", "57", "Call _mark_active"},
        {"orders", "_fulfil", "Gather _check_stock, _shipping_address (line 61)", "61",
         "Gather _check_stock, _shipping_address"},
        {"orders", "_fulfil", "Call _charge_card (line 65)", "65", "Call _charge_card"},
        {"orders", "_fulfil", "Map _print_label over items (line 70)", "70", "Map _print_label over items"},
        {"orders", "submit_payment", "Run _fulfil (line 37)", "37", "Run _fulfil"},
        {"photos", "_nightly_cleanup", "Call _count_extra (line 54)", "54", "Call _count_extra"},
        {"photos", "_nightly_cleanup", "While removed < extra (line 56)", "56", "While removed < extra"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (strcmp(want[i].module, module) != 0 || strcmp(want[i].method, wf->method->name) != 0)
            continue;
        bool found = false;
        for (size_t k = 0; k < l->n_nodes; k++)
            if (l->nodes[k].name && strcmp(l->nodes[k].name, want[i].state) == 0) {
                assert_non_null(l->nodes[k].extra);
                assert_string_equal(l->nodes[k].extra, want[i].line);
                if (!l->compact)
                    assert_string_equal(l->nodes[k].title, want[i].title);
                found = true;
            }
        if (!found)
            fail_msg("%s.%s has no state '%s'", module, wf->method->name, want[i].state);
    }
}

static void test_example_goldens(void **state)
{
    (void)state;
    char *dir = stc_xasprintf("%s/../examples", data_dir());
    DIR *d = opendir(dir);
    assert_non_null(d);
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".py") == 0) {
            names = stc_xrealloc(names, (size_t)(n + 1) * sizeof *names);
            names[n++] = stc_xstrndup(e->d_name, len - 3);
        }
    }
    closedir(d);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(names[i], names[j]) > 0) {
                char *t = names[i];
                names[i] = names[j];
                names[j] = t;
            }
    bool update = getenv("UPDATE_GOLDEN") && strcmp(getenv("UPDATE_GOLDEN"), "1") == 0;
    int mismatches = 0, drawn = 0;
    for (int i = 0; i < n; i++) {
        char *path = stc_xasprintf("%s/%s.py", dir, names[i]);
        /* the goldens draw the JSONPath machines (tests/render/golden) */
        stc_service_options so = {.query_language = "jsonpath"};
        stc_service *svc = stc_service_compile_file(path, &so);
        assert_false(stc_diags_has_errors(&svc->diags));
        for (size_t w = 0; w < svc->workflows->count; w++) {
            const stc_workflow *wf = &svc->workflows->items[w];
            assert_non_null(wf->asl);
            drawn++;
            for (int mode = 0; mode < 3; mode++) {
                bool ascii = mode == 1, compact = mode == 2;
                example_line el = {.wf = wf};
                stc_layout *l = build_example(wf, compact, &el);
                check_example_lines(names[i], wf, l);
                stc_canvas *c = stc_draw_canvas(l, NULL);
                check_no_overlap(l);
                check_titles(l, c);
                check_ctx cx = {l, c, 0};
                check_level(&cx, wf->asl, 1 /* the end marker */);
                stc_canvas_free(c);
                char *text = draw_text(l, ascii);
                static const char *const suffix[] = {"unicode", "ascii", "compact"};
                char *golden = stc_xasprintf("%s/render/golden/example_%s-%s.%s.txt", data_dir(), names[i],
                                             wf->method->name, suffix[mode]);
                if (update) {
                    char *err;
                    if (stc_file_write_atomic(golden, text, strlen(text), &err) != 0)
                        fail_msg("%s", err);
                } else {
                    char *want, *err;
                    size_t len;
                    if (stc_file_read(golden, &want, &len, &err) != 0) {
                        print_error("%s (run with UPDATE_GOLDEN=1)\n", err);
                        free(err);
                        mismatches++;
                    } else {
                        if (strcmp(want, text) != 0) {
                            print_error("golden mismatch: %s\n--- got ---\n%s", golden, text);
                            mismatches++;
                        }
                        free(want);
                    }
                }
                free(golden);
                free(text);
                stc_layout_free(l);
            }
        }
        stc_service_free(svc);
        free(path);
        free(names[i]);
    }
    free(names);
    free(dir);
    assert_true(drawn >= 4); /* orders: submit_payment, _fulfil; people._onboard; photos._nightly_cleanup */
    assert_int_equal(mismatches, 0);
}

/* --------------------------------------------------------- degenerate */

static cJSON *pass_state(const char *next)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "Type", "Pass");
    if (next)
        cJSON_AddStringToObject(s, "Next", next);
    else
        cJSON_AddTrueToObject(s, "End");
    return s;
}

static cJSON *machine(const char *start)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "StartAt", start);
    cJSON_AddObjectToObject(m, "States");
    return m;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void degenerate(cJSON *m, double max_seconds)
{
    double t0 = now();
    readback_one(m, false);
    readback_one(m, true);
    double dt = now() - t0;
    if (dt > max_seconds)
        fail_msg("took %.1f s", dt);
    cJSON_Delete(m);
}

static void test_one_state(void **state)
{
    (void)state;
    cJSON *m = machine("Only");
    cJSON_AddItemToObject(cJSON_GetObjectItem(m, "States"), "Only", pass_state(NULL));
    degenerate(m, 30);
}

/* 500 states: a chain with a Choice every 10 states looping back. */
static void test_500_states(void **state)
{
    (void)state;
    cJSON *m = machine("S0");
    cJSON *states = cJSON_GetObjectItem(m, "States");
    for (int i = 0; i < 500; i++) {
        char name[16], next[16];
        snprintf(name, sizeof name, "S%d", i);
        snprintf(next, sizeof next, "S%d", i + 1);
        if (i % 10 == 9 && i + 1 < 500) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "Type", "Choice");
            cJSON *rules = cJSON_AddArrayToObject(c, "Choices");
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "Variable", "$.again");
            cJSON_AddBoolToObject(r, "BooleanEquals", true);
            char back[16];
            snprintf(back, sizeof back, "S%d", i - 5);
            cJSON_AddStringToObject(r, "Next", back);
            cJSON_AddItemToArray(rules, r);
            cJSON_AddStringToObject(c, "Default", next);
            cJSON_AddItemToObject(states, name, c);
        } else {
            cJSON_AddItemToObject(states, name, pass_state(i + 1 < 500 ? next : NULL));
        }
    }
    degenerate(m, 240);
}

static void test_40_choices(void **state)
{
    (void)state;
    cJSON *m = machine("Pick");
    cJSON *states = cJSON_GetObjectItem(m, "States");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "Type", "Choice");
    cJSON *rules = cJSON_AddArrayToObject(c, "Choices");
    for (int i = 0; i < 40; i++) {
        char name[16];
        snprintf(name, sizeof name, "Case %d", i);
        cJSON *r = cJSON_CreateObject();
        cJSON_AddStringToObject(r, "Variable", "$.input.k");
        cJSON_AddNumberToObject(r, "NumericEquals", i);
        cJSON_AddStringToObject(r, "Next", name);
        cJSON_AddItemToArray(rules, r);
        cJSON_AddItemToObject(states, name, pass_state("Merge"));
    }
    cJSON_AddStringToObject(c, "Default", "Merge");
    cJSON_AddItemToObject(states, "Pick", c);
    cJSON_AddItemToObject(states, "Merge", pass_state(NULL));
    degenerate(m, 60);
}

static void test_long_and_cjk_names(void **state)
{
    (void)state;
    char long_a[201], long_b[201];
    memset(long_a, 'a', 200);
    long_a[200] = '\0';
    memset(long_b, 'b', 200);
    long_b[199] = 'z';
    long_b[200] = '\0';
    const char *cjk1 = "\xE6\xB3\xA8\xE5\x86\x8C\xE7\x94\xA8\xE6\x88\xB7";   /* 注册用户 */
    const char *cjk2 = "\xE5\x8F\x91\xE9\x80\x81\xE9\x82\xAE\xE4\xBB\xB6";   /* 发送邮件 */
    const char *ctrl = "bad\x01name\xFF";
    cJSON *m = machine(long_a);
    cJSON *states = cJSON_GetObjectItem(m, "States");
    cJSON_AddItemToObject(states, long_a, pass_state(long_b));
    cJSON_AddItemToObject(states, long_b, pass_state(cjk1));
    cJSON *ch = cJSON_CreateObject();
    cJSON_AddStringToObject(ch, "Type", "Choice");
    cJSON *rules = cJSON_AddArrayToObject(ch, "Choices");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "Variable", "$.\xE5\x90\x8D\xE5\xAD\x97");
    cJSON_AddStringToObject(r, "StringEquals", "\xE5\xBC\xA0\xE4\xB8\x89");
    cJSON_AddStringToObject(r, "Next", cjk2);
    cJSON_AddItemToArray(rules, r);
    cJSON_AddStringToObject(ch, "Default", ctrl);
    cJSON_AddItemToObject(states, cjk1, ch);
    cJSON_AddItemToObject(states, cjk2, pass_state(NULL));
    cJSON_AddItemToObject(states, ctrl, pass_state(NULL));
    /* Wide characters take two cells in the canvas. */
    stc_layout *l = build(m, false);
    stc_canvas *c = stc_draw_canvas(l, NULL);
    int k = stc_layout_find(l, cjk1);
    assert_true(k >= 0);
    const stc_cell *first = stc_canvas_cell(c, l->nodes[k].box.x + 4, l->nodes[k].box.y + 1);
    assert_int_equal(first->width, 2);
    assert_int_equal(stc_canvas_cell(c, l->nodes[k].box.x + 5, l->nodes[k].box.y + 1)->width, 0);
    /* The unprintable character shows as U+FFFD. */
    k = stc_layout_find(l, ctrl);
    assert_string_equal(l->nodes[k].title, "bad\xEF\xBF\xBDname\xEF\xBF\xBD");
    stc_canvas_free(c);
    stc_layout_free(l);
    degenerate(m, 30);
}

/* ----------------------------------------------------------- units */

static void test_rule_labels(void **state)
{
    (void)state;
    static const struct {
        const char *json, *want;
    } cases[] = {
        {"{\"Variable\":\"$.v.ok\",\"BooleanEquals\":false}", "ok == false"},
        {"{\"Variable\":\"$.v.n\",\"NumericLessThan\":10}", "n < 10"},
        {"{\"Variable\":\"$.v.s\",\"StringEquals\":\"a\\\"b\"}", "s == \"a\\\"b\""},
        {"{\"Variable\":\"$.v.n\",\"NumericGreaterThanEqualsPath\":\"$.v.m\"}", "n >= m"},
        {"{\"Variable\":\"$.v.x\",\"IsPresent\":true}", "x is present"},
        {"{\"Variable\":\"$.v.x\",\"IsNull\":false}", "x is not null"},
        {"{\"And\":[{\"Variable\":\"$.v.a\",\"NumericGreaterThan\":1.5},{\"Not\":{\"Variable\":\"$.v.b\","
         "\"StringMatches\":\"x*\"}}]}",
         "a > 1.5 and not (b like \"x*\")"},
        {"{\"Or\":[{\"Variable\":\"$.v.a\",\"NumericEquals\":1},{\"And\":[{\"Variable\":\"$.v.b\","
         "\"IsString\":true},{\"Variable\":\"$.v.c\",\"TimestampLessThanEquals\":\"2024-01-01T00:00:00Z\"}]}]}",
         "a == 1 or (b is a string and c <= \"2024-01-01T00:00:00Z\")"},
        {"{\"Variable\":\"$.v.ok\",\"BooleanEquals\":false,\"Comment\":\"not ok\"}", "not ok"},
        /* JSONata: the Condition in Python's words (render/pycond.h: the
         * input's fields and the variables by name, = as ==, $count as len,
         * $not as not, $exists as is not None), white space runs made one
         * space (not inside a string), cut at 40 code points with an
         * ellipsis; a literal condition as it is */
        {"{\"Condition\":\"{% $states.input.n  <\\n 10 %}\"}", "n < 10"},
        {"{\"Condition\":\"{% $states.input.s = 'a  b' %}\"}", "s == 'a  b'"},
        {"{\"Condition\":\"{% $x and $states.input.customer.tier = 'gold' or $y %}\"}",
         "x and customer.tier == 'gold' or y"},
        /* 43 code points: the first 39, then the ellipsis */
        {"{\"Condition\":\"{% $states.input.customer.tier = 'gold' and $count($states.input.items) "
         ">= 3 %}\"}",
         "customer.tier == 'gold' and len(items) \xE2\x80\xA6"},
        {"{\"Condition\":\"{% $not($states.input.held) and $exists($states.input.coupon) %}\"}",
         "not held and coupon is not None"},
        {"{\"Condition\":\"{% $total >= 100 %}\"}", "total >= 100"},
        /* JSONata that Python cannot say (a binding, the conditional, the
         * context, a range), or text that does not scan (an unterminated
         * string): the Condition's own text, short form ($states.input.
         * dropped, no delimiters) */
        {"{\"Condition\":\"{% ($a := $states.input.n; $a > 1) %}\"}", "($a := n; $a > 1)"},
        {"{\"Condition\":\"{% $states.input.n > 1 ? $ok : false %}\"}", "n > 1 ? $ok : false"},
        {"{\"Condition\":\"{% $$.Execution.Name = 'x' %}\"}", "$$.Execution.Name = 'x'"},
        {"{\"Condition\":\"{% $states.input.n in [1..3] %}\"}", "n in [1..3]"},
        {"{\"Condition\":\"{% $states.input.s = 'abc %}\"}", "s = 'abc "},
        {"{\"Condition\":true}", "true"},
        {"{\"Condition\":\"{% $ok %}\",\"Comment\":\"paid\"}", "paid"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *rule = cJSON_Parse(cases[i].json);
        assert_non_null(rule);
        char *got = stc_labels_rule(rule, "$.v.");
        assert_string_equal(got, cases[i].want);
        free(got);
        cJSON_Delete(rule);
    }
    cJSON *st = cJSON_Parse("{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.vars.ok\",\"BooleanEquals\":true,"
                            "\"Next\":\"A\"},{\"Variable\":\"$.vars.n\",\"NumericEquals\":1,\"Next\":\"B\"}]}");
    char *p = stc_labels_common_prefix(st);
    assert_string_equal(p, "$.vars.");
    free(p);
    cJSON_Delete(st);
    st = cJSON_Parse("{\"Type\":\"Choice\",\"Choices\":[{\"Variable\":\"$.ok\",\"BooleanEquals\":true,\"Next\":\"A\"}]}");
    p = stc_labels_common_prefix(st);
    assert_string_equal(p, "$.");
    free(p);
    cJSON_Delete(st);
}

static void test_text_and_canvas(void **state)
{
    (void)state;
    assert_int_equal(stc_text_width("abc"), 3);
    assert_int_equal(stc_text_width("\xE4\xB8\xAD\xE6\x96\x87"), 4);
    char *t = stc_text_truncate("abcdefgh", 5);
    assert_string_equal(t, "abcd\xE2\x80\xA6");
    free(t);
    stc_canvas *c = stc_canvas_new(6, 2, false);
    assert_int_equal(stc_canvas_put_text(c, 0, 0, "a\xE4\xB8\xAD" "bcd", -1, STC_STYLE_EDGE), 6);
    stc_canvas_put(c, 2, 0, "x", STC_STYLE_NORMAL); /* cuts the wide character */
    char *s = stc_canvas_to_text(c, 0, 0, 6, 2);
    assert_string_equal(s, "a xbcd\n");
    free(s);
    stc_canvas_free(c);
    c = stc_canvas_new(8, 1, true);
    stc_canvas_put_text(c, 0, 0, "\xE4\xB8\xAD\xE2\x80\xA6\x01z", -1, 0);
    s = stc_canvas_to_text(c, 0, 0, 8, 1);
    assert_string_equal(s, "??~?z\n");
    free(s);
    stc_canvas_free(c);
    /* Tiles: blank ones read as spaces; text and a wide character across
     * a tile boundary; a part starting inside a tile; empty rows dropped. */
    c = stc_canvas_new(3 * STC_CANVAS_TILE + 5, 4, false);
    assert_string_equal(stc_canvas_cell(c, STC_CANVAS_TILE + 1, 2)->text, " ");
    assert_int_equal(stc_canvas_cell(c, STC_CANVAS_TILE + 1, 2)->width, 1);
    assert_null(stc_canvas_cell(c, 3 * STC_CANVAS_TILE + 5, 0));
    stc_canvas_put_text(c, STC_CANVAS_TILE - 2, 1, "ab\xE4\xB8\xAD" "c", -1, STC_STYLE_EDGE);
    stc_canvas_put(c, 3 * STC_CANVAS_TILE + 4, 1, "z", STC_STYLE_EDGE);
    assert_int_equal(stc_canvas_cell(c, STC_CANVAS_TILE + 1, 1)->width, 0);
    s = stc_canvas_to_text(c, 0, 0, c->width, c->height);
    char *want = stc_xasprintf("\n%*sab\xE4\xB8\xAD" "c%*sz\n", STC_CANVAS_TILE - 2, "", 2 * STC_CANVAS_TILE + 1, "");
    assert_string_equal(s, want);
    free(want);
    free(s);
    s = stc_canvas_to_text(c, STC_CANVAS_TILE + 1, 0, 3, 4);
    assert_string_equal(s, "\n c\n");
    free(s);
    s = stc_canvas_to_text(c, STC_CANVAS_TILE - 1, 1, 2, 1);
    assert_string_equal(s, "b \n"); /* half of the wide character: a space */
    free(s);
    stc_canvas_free(c);
    assert_string_equal(stc_style_name(STC_STYLE_BOX_TASK), "box_task");
    assert_int_equal(stc_style_from_name("edge_catch"), STC_STYLE_EDGE_CATCH);
    assert_int_equal(stc_style_from_name("nope"), -1);
}

static void test_styles_and_highlights(void **state)
{
    (void)state;
    char *path = stc_xasprintf("%s/data/asl/render_all_types.asl.json", data_dir());
    cJSON *asl = load_json(path);
    free(path);
    stc_layout *l = build(asl, false);
    const char *visited[] = {"Prepare order"};
    stc_draw_options o = {.selected = "Done", .current = "Call _charge_card", .visited = visited, .n_visited = 1};
    stc_canvas *c = stc_draw_canvas(l, &o);
    stc_rect r;
    assert_true(stc_layout_state_rect(l, "Call _charge_card", &r));
    assert_int_equal(stc_canvas_cell(c, r.x, r.y)->style, STC_STYLE_CURRENT);
    assert_int_equal(stc_canvas_cell(c, r.x + 4, r.y + 1)->style, STC_STYLE_BOX_TASK);
    assert_true(stc_layout_state_rect(l, "Prepare order", &r));
    assert_int_equal(stc_canvas_cell(c, r.x, r.y)->style, STC_STYLE_VISITED);
    assert_int_equal(stc_canvas_cell(c, r.x + 4, r.y + 1)->style, STC_STYLE_BOX_PASS);
    assert_true(stc_layout_state_rect(l, "Done", &r));
    assert_int_equal(stc_canvas_cell(c, r.x + 4, r.y + 1)->style, STC_STYLE_SELECTED);
    assert_true(stc_layout_state_rect(l, "Card refused", &r));
    assert_int_equal(stc_canvas_cell(c, r.x, r.y)->style, STC_STYLE_BOX_FAIL);
    /* Catch edges are drawn with their own style, labels with theirs. */
    bool catch_seen = false, label_seen = false;
    for (int y = 0; y < c->height; y++)
        for (int x = 0; x < c->width; x++) {
            catch_seen |= stc_canvas_cell(c, x, y)->style == STC_STYLE_EDGE_CATCH;
            label_seen |= stc_canvas_cell(c, x, y)->style == STC_STYLE_EDGE_LABEL;
        }
    assert_true(catch_seen && label_seen);
    char *svg = stc_svg_render(l, &o);
    assert_non_null(strstr(svg, "class=\"state task current\""));
    assert_non_null(strstr(svg, "class=\"state pass visited\""));
    assert_non_null(strstr(svg, "data-state=\"Call _charge_card\""));
    free(svg);
    stc_canvas_free(c);
    stc_layout_free(l);
    cJSON_Delete(asl);
}

static void test_viewport(void **state)
{
    (void)state;
    stc_viewport v;
    stc_viewport_init(&v, 300, 100, 80, 20);
    stc_viewport_scroll(&v, -5, -5);
    assert_int_equal(v.x, 0);
    assert_int_equal(v.y, 0);
    stc_viewport_page(&v, 1, 1);
    assert_int_equal(v.x, 79);
    assert_int_equal(v.y, 19);
    stc_viewport_page(&v, 10, 10);
    assert_int_equal(v.x, 220);
    assert_int_equal(v.y, 80);
    stc_viewport_center(&v, (stc_rect){100, 50, 10, 3});
    assert_int_equal(v.x, 65);
    assert_int_equal(v.y, 41);
    stc_viewport_reveal(&v, (stc_rect){0, 0, 5, 3});
    assert_int_equal(v.x, 0);
    assert_int_equal(v.y, 0);
    stc_viewport_resize(&v, 400, 200);
    assert_int_equal(v.x, 0);
    char *path = stc_xasprintf("%s/data/asl/render_choices.asl.json", data_dir());
    cJSON *asl = load_json(path);
    free(path);
    stc_layout *l = build(asl, false);
    stc_viewport_init(&v, l->width, l->height, 20, 5);
    assert_true(stc_viewport_center_on_state(&v, l, "Classify"));
    stc_rect r;
    stc_layout_state_rect(l, "Classify", &r);
    assert_true(r.x + r.w / 2 >= v.x && r.x + r.w / 2 < v.x + v.w);
    assert_false(stc_viewport_center_on_state(&v, l, "Nope"));
    assert_true(stc_viewport_wants_compact(l, l->width - 1));
    assert_false(stc_viewport_wants_compact(l, l->width));
    stc_layout *cl = build(asl, true);
    assert_true(cl->width <= l->width);
    stc_layout_free(cl);
    stc_layout_free(l);
    cJSON_Delete(asl);
}

/* label_extra: a title drops " (line N)" only when the annotation is N. */
static const char *fixed_extra(void *ctx, const char *state_name)
{
    (void)state_name;
    return ctx;
}

static void test_line_suffix(void **state)
{
    (void)state;
    cJSON *m = machine("A (line 7)");
    cJSON *states = cJSON_GetObjectItem(m, "States");
    cJSON_AddItemToObject(states, "A (line 7)", pass_state("B (line 70)"));
    cJSON_AddItemToObject(states, "B (line 70)", pass_state("(line 7)"));
    cJSON_AddItemToObject(states, "(line 7)", pass_state(NULL));
    static const struct {
        const char *extra;
        const char *title[3];
    } cases[] = {
        {"7", {"A", "B (line 70)", "(line 7)"}},       /* B shows 7, not 70; nothing left of the third */
        {"70", {"A (line 7)", "B", "(line 7)"}},
        {"x7", {"A (line 7)", "B (line 70)", "(line 7)"}}, /* not a number */
        {NULL, {"A (line 7)", "B (line 70)", "(line 7)"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stc_layout_options opt = {.label_extra = fixed_extra, .label_extra_ctx = (void *)cases[i].extra};
        stc_diags d = STC_DIAGS_INIT;
        stc_layout *l = stc_layout_build(m, &opt, &d);
        assert_non_null(l);
        static const char *const names[] = {"A (line 7)", "B (line 70)", "(line 7)"};
        for (int k = 0; k < 3; k++) {
            int n = stc_layout_find(l, names[k]);
            assert_true(n >= 0);
            assert_string_equal(l->nodes[n].name, names[k]);
            assert_string_equal(l->nodes[n].title, cases[i].title[k]);
        }
        stc_layout_free(l);
        stc_diags_free(&d);
    }
    cJSON_Delete(m);
}

static void test_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "[]",
        "{\"States\":{}}",
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"}}}",
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Teleport\",\"End\":true}}}",
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Parallel\",\"End\":true}}}",
        "{\"StartAt\":\"X\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}",
        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\"}}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *j = cJSON_Parse(bad[i]);
        stc_diags d = STC_DIAGS_INIT;
        assert_null(stc_layout_build(j, NULL, &d));
        assert_true(stc_diags_has_errors(&d));
        stc_diags_free(&d);
        cJSON_Delete(j);
    }
    /* A name defined twice (cJSON keeps both keys); Next finds the first. */
    cJSON *j = cJSON_Parse("{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"Next\":\"B\"},"
                           "\"B\":{\"Type\":\"Pass\",\"End\":true},\"A\":{\"Type\":\"Pass\",\"End\":true}}}");
    stc_diags d = STC_DIAGS_INIT;
    assert_null(stc_layout_build(j, NULL, &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC804");
    assert_non_null(strstr(d.items[0].message, "'A'"));
    stc_diags_free(&d);
    cJSON_Delete(j);
}

int main(void)
{
    setlocale(LC_ALL, "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_canvas),
        cmocka_unit_test(test_rule_labels),
        cmocka_unit_test(test_goldens),
        cmocka_unit_test(test_example_goldens),
        cmocka_unit_test(test_readback),
        cmocka_unit_test(test_styles_and_highlights),
        cmocka_unit_test(test_viewport),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_line_suffix),
        cmocka_unit_test(test_one_state),
        cmocka_unit_test(test_40_choices),
        cmocka_unit_test(test_long_and_cjk_names),
        cmocka_unit_test(test_500_states),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
