/* cmd_graph.c - `stc-tui graph`: draw a state machine as Unicode or ASCII
 * text, SVG, or the DOT text given to Graphviz.
 *
 *   stc-tui graph SERVICE.py METHOD [--format ascii|unicode|svg|dot] [--width N]
 *   stc-tui graph --asl FILE.asl.json [--format ...] [--width N]
 *
 * Text output and --width N (docs/render.md): the normal layout when it fits
 * in N columns; else the compact layout when that fits; else the compact
 * layout cut into strips of N columns, printed one under the other, each
 * after a line "-- columns A-B of W --". SVG and DOT ignore --width.
 *
 * The service form compiles METHOD (an async method) and shows each state's
 * Python line at the right of its box (render's label_extra), as the
 * workbench's Graph pane does. */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/util.h"
#include "core/workflow.h"
#include "render/draw.h"
#include "render/layout.h"
#include "render/svg.h"

enum { FMT_AUTO, FMT_ASCII, FMT_UNICODE, FMT_SVG, FMT_DOT };

static bool is_opt(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

static void print_diags(stc_diags *d, const char *file, const char *source)
{
    for (size_t i = 0; i < d->count; i++) {
        stc_diag *dg = &d->items[i];
        if (dg->severity == STC_SEV_NOTE)
            continue; /* Graphviz chatter */
        if (!dg->file)
            dg->file = stc_xstrdup(file);
        stc_diag_print_one(dg, stderr, source);
    }
}

static void print_text(const stc_layout *l, bool ascii, int width)
{
    stc_draw_options dopt = {.ascii = ascii};
    stc_canvas *c = stc_draw_canvas(l, &dopt);
    if (width <= 0 || c->width <= width) {
        char *t = stc_canvas_to_text(c, 0, 0, c->width, c->height);
        fputs(t, stdout);
        free(t);
    } else {
        for (int x = 0; x < c->width; x += width) {
            int end = x + width < c->width ? x + width : c->width;
            printf("-- columns %d-%d of %d --\n", x + 1, end, c->width);
            char *t = stc_canvas_to_text(c, x, 0, width, c->height);
            fputs(t, stdout);
            free(t);
        }
    }
    stc_canvas_free(c);
}

/* label_extra: the Python line of a state, from the workflow's source map. */
typedef struct line_ctx {
    const stc_workflow *wf;
    char buf[16];
} line_ctx;

static const char *state_line(void *ctx, const char *state_name)
{
    line_ctx *lc = ctx;
    const stc_wf_state *st = stc_workflow_state(lc->wf, state_name);
    if (!st || st->pos.line <= 0)
        return NULL;
    snprintf(lc->buf, sizeof lc->buf, "%d", st->pos.line);
    return lc->buf;
}

/* Lay out and print `asl`; `wf` (may be NULL) gives each box its source
 * line. Layout problems go to `diags`. Returns an exit status. */
static int draw(const cJSON *asl, int format, int width, const stc_workflow *wf, stc_diags *diags)
{
    line_ctx lc = {.wf = wf};
    stc_layout_options opt = {.want_dot = format == FMT_DOT,
                              .label_extra = wf ? state_line : NULL,
                              .label_extra_ctx = wf ? &lc : NULL};
    stc_layout *l = stc_layout_build(asl, &opt, diags);
    if (l && width > 0 && l->width > width && (format == FMT_ASCII || format == FMT_UNICODE)) {
        opt.compact = true;
        stc_layout *compact = stc_layout_build(asl, &opt, diags);
        if (compact) {
            stc_layout_free(l);
            l = compact;
        }
    }
    if (!l)
        return STC_EXIT_INPUT;
    if (format == FMT_DOT) {
        fputs(l->dot, stdout);
    } else if (format == FMT_SVG) {
        char *svg = stc_svg_render(l, NULL);
        fputs(svg, stdout);
        free(svg);
    } else {
        print_text(l, format == FMT_ASCII, width);
    }
    stc_layout_free(l);
    return STC_EXIT_OK;
}

static int draw_asl(const char *path, int format, int width)
{
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(path, &text, &len, &err) != 0) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        return STC_EXIT_IO;
    }
    stc_diags diags = STC_DIAGS_INIT;
    const char *end = NULL;
    cJSON *asl = cJSON_ParseWithOpts(text, &end, 1);
    int status = STC_EXIT_OK;
    if (!asl) {
        int line = 1, col = 1;
        for (const char *p = text; end && p < end && *p; p++) {
            if (*p == '\n')
                line++, col = 1;
            else if ((*p & 0xC0) != 0x80)
                col++;
        }
        stc_diag_add(&diags, STC_SEV_ERROR, path, line, col, "STC806", "not valid JSON");
        status = STC_EXIT_INPUT;
    } else {
        status = draw(asl, format, width, NULL, &diags);
        cJSON_Delete(asl);
    }
    print_diags(&diags, path, text);
    stc_diags_free(&diags);
    free(text);
    return status;
}

/* graph SERVICE.py METHOD: the compiled machine, each box with its line. */
static int draw_service(const char *path, const char *method, int format, int width)
{
    int status;
    stc_service *svc = stc_cli_load(path, &status);
    if (!svc)
        return status;
    if (!svc->module || !svc->module->service) {
        stc_cli_print_diags(svc);
        stc_service_free(svc);
        return STC_EXIT_INPUT;
    }
    const stc_unit_info *u = stc_service_unit(svc, method);
    if (!u || !u->method->is_async || u->unit != STC_UNIT_STATE_MACHINE) {
        stc_buf list = STC_BUF_INIT;
        for (size_t i = 0; i < svc->nunits; i++)
            if (svc->units[i].unit == STC_UNIT_STATE_MACHINE && svc->units[i].method->is_async)
                stc_buf_printf(&list, "%s%s", list.len ? ", " : "", svc->units[i].method->name);
        int rc = stc_cli_usage("graph", "'%s' %s; workflow methods: %s", method,
                               !u                      ? "is not a method of the service"
                               : !u->method->is_async ? "is not async, so it is not a workflow"
                                                       : "does not become a state machine",
                               list.len ? stc_buf_cstr(&list) : "(none)");
        stc_buf_free(&list);
        stc_service_free(svc);
        return rc;
    }
    const stc_workflow *wf = stc_workflows_find(svc->workflows, method);
    stc_cli_print_diags(svc);
    if (!stc_service_workflow_usable(svc, wf)) {
        stc_service_free(svc);
        return STC_EXIT_INPUT;
    }
    stc_diags diags = STC_DIAGS_INIT;
    status = draw(wf->asl, format, width, wf, &diags);
    print_diags(&diags, svc->file, NULL);
    stc_diags_free(&diags);
    stc_service_free(svc);
    return status;
}

int stc_cmd_graph(int argc, char **argv)
{
    const char *asl = NULL, *positional[2] = {NULL, NULL};
    int npos = 0, format = FMT_AUTO, width = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (is_opt(a, "--asl") || is_opt(a, "--format") || is_opt(a, "--width")) {
            if (i + 1 >= argc)
                return stc_cli_usage("graph", "%s needs a value", a);
            const char *v = argv[++i];
            if (is_opt(a, "--asl")) {
                asl = v;
            } else if (is_opt(a, "--format")) {
                static const char *const names[] = {"", "ascii", "unicode", "svg", "dot"};
                format = -1;
                for (int k = 1; k < 5; k++)
                    if (strcmp(v, names[k]) == 0)
                        format = k;
                if (format < 0)
                    return stc_cli_usage("graph", "unknown format '%s'", v);
            } else {
                char *endp;
                long n = strtol(v, &endp, 10);
                if (*endp || n < 20 || n > 100000)
                    return stc_cli_usage("graph", "--width wants a number of columns from 20");
                width = (int)n;
            }
        } else if (a[0] == '-' && a[1]) {
            return stc_cli_usage("graph", "unknown option '%s'", a);
        } else if (npos < 2) {
            positional[npos++] = a; /* SERVICE.py METHOD */
        } else {
            return stc_cli_usage("graph", "unexpected argument '%s'", a);
        }
    }
    if (format == FMT_AUTO) {
        setlocale(LC_ALL, "");
        const char *cs = nl_langinfo(CODESET);
        format = cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0) ? FMT_UNICODE
                                                                                     : FMT_ASCII;
    } else {
        setlocale(LC_ALL, ""); /* wcwidth for wide characters */
    }
    if (asl) {
        if (npos)
            return stc_cli_usage("graph", "give either --asl FILE or SERVICE.py METHOD");
        return draw_asl(asl, format, width);
    }
    if (npos != 2)
        return stc_cli_usage("graph", npos ? "missing METHOD" : "missing SERVICE.py METHOD");
    return draw_service(positional[0], positional[1], format, width);
}
