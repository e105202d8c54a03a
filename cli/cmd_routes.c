/* cmd_routes.c - `stc-tui routes SERVICE.py [--json]`: the HTTP routes and
 * WebSocket route keys of a service (core/routes.h, docs/routes.md).
 *
 * JSON: the shape of shared/cli.md, {"http": [...], "websocket": [...]},
 * then "triggers" (core/triggers.h, docs/triggers.md) and "diagnostics".
 * Text: one table per kind, in definition order (triggers in file order). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"
#include "core/routes.h"
#include "core/triggers.h"
#include "core/util.h"

/* "path: person_id; body: name, age, [email]" (brackets: optional). */
static char *stc_params_cell(const stc_route_param *params, size_t n)
{
    stc_buf b = STC_BUF_INIT;
    int last = -1;
    for (size_t i = 0; i < n; i++) {
        const stc_route_param *p = &params[i];
        if ((int)p->in != last) {
            stc_buf_printf(&b, "%s%s: ", last < 0 ? "" : "; ", stc_param_in_name(p->in));
            last = (int)p->in;
        } else {
            stc_buf_puts(&b, ", ");
        }
        stc_buf_printf(&b, p->required ? "%s" : "[%s]", p->name);
    }
    return stc_buf_take(&b);
}

static int stc_width(const char *s)
{
    return stc_utf8_count(s, strlen(s));
}

static void stc_pad(stc_buf *line, const char *s, int width)
{
    stc_buf_puts(line, s);
    for (int w = stc_width(s); w < width; w++)
        stc_buf_putc(line, ' ');
}

/* Print a table line without its trailing blanks. */
static void stc_put_line(stc_buf *line)
{
    while (line->len && line->data[line->len - 1] == ' ')
        line->data[--line->len] = '\0';
    puts(stc_buf_cstr(line));
    line->len = 0;
    if (line->data)
        line->data[0] = '\0';
}

/* Triggers (SERVICE.stc.yaml): source, target, the parameters the event
 * fills, and the modes that deploy each. */
static void stc_triggers_text(const stc_service *svc)
{
    const stc_triggers *t = svc->config ? svc->config->triggers : NULL;
    putchar('\n');
    if (!t || t->count == 0) {
        puts("Triggers: none");
        return;
    }
    size_t n = t->count;
    char **src = stc_xcalloc(n, sizeof *src), **fn = stc_xcalloc(n, sizeof *fn);
    char **params = stc_xcalloc(n, sizeof *params), **modes = stc_xcalloc(n, sizeof *modes);
    int ws = 6, wf = 8, wp = 6;
    for (size_t i = 0; i < n; i++) {
        const stc_trigger *tr = &t->items[i];
        src[i] = stc_trigger_summary(tr);
        fn[i] = stc_xasprintf("%s%s", tr->target, tr->unit && tr->unit->method->is_async ? " (async)" : "");
        params[i] = stc_trigger_params_text(tr);
        stc_buf mb = STC_BUF_INIT;
        for (size_t m = 0; m < t->nmodes; m++)
            if (tr->enabled[m])
                stc_buf_printf(&mb, "%s%s", mb.len ? ", " : "", t->modes[m]);
        modes[i] = mb.len ? stc_buf_take(&mb) : stc_xstrdup("none");
        stc_buf_free(&mb);
        ws = stc_width(src[i]) > ws ? stc_width(src[i]) : ws;
        wf = stc_width(fn[i]) > wf ? stc_width(fn[i]) : wf;
        wp = stc_width(params[i]) > wp ? stc_width(params[i]) : wp;
    }
    printf("Triggers (%s)\n", t->path ? t->path : "configuration");
    stc_buf line = STC_BUF_INIT;
    stc_buf_puts(&line, "  ");
    stc_pad(&line, "SOURCE", ws + 2);
    stc_pad(&line, "FUNCTION", wf + 2);
    stc_pad(&line, "PARAMS", wp + 2);
    stc_buf_puts(&line, "MODES");
    stc_put_line(&line);
    for (size_t i = 0; i < n; i++) {
        stc_buf_puts(&line, "  ");
        stc_pad(&line, src[i], ws + 2);
        stc_pad(&line, fn[i], wf + 2);
        stc_pad(&line, params[i], wp + 2);
        stc_buf_puts(&line, modes[i]);
        stc_put_line(&line);
        free(src[i]);
        free(fn[i]);
        free(params[i]);
        free(modes[i]);
    }
    free(src);
    free(fn);
    free(params);
    free(modes);
    stc_buf_free(&line);
}

static void stc_routes_text(const stc_service *svc)
{
    const stc_routes *r = svc->routes;
    stc_buf line = STC_BUF_INIT;
    const char *name = stc_service_name(svc);
    printf("%s  (%s)\n\n", name ? name : "(no service class)", svc->file);
    if (!r || r->nhttp == 0) {
        puts("HTTP routes: none");
    } else {
        int wm = 6, wp = 4, wf = 8;
        char **fn = stc_xcalloc(r->nhttp, sizeof *fn);
        for (size_t i = 0; i < r->nhttp; i++) {
            const stc_route *h = &r->http[i];
            fn[i] = stc_xasprintf("%s%s", h->function, h->is_async ? " (async)" : "");
            wm = stc_width(h->http_method) > wm ? stc_width(h->http_method) : wm;
            wp = stc_width(h->path) > wp ? stc_width(h->path) : wp;
            wf = stc_width(fn[i]) > wf ? stc_width(fn[i]) : wf;
        }
        puts("HTTP routes");
        stc_buf_puts(&line, "  ");
        stc_pad(&line, "METHOD", wm + 2);
        stc_pad(&line, "PATH", wp + 2);
        stc_pad(&line, "FUNCTION", wf + 2);
        stc_buf_puts(&line, "PARAMS");
        stc_put_line(&line);
        for (size_t i = 0; i < r->nhttp; i++) {
            const stc_route *h = &r->http[i];
            char *cell = stc_params_cell(h->params, h->nparams);
            stc_buf_puts(&line, "  ");
            stc_pad(&line, h->http_method, wm + 2);
            stc_pad(&line, h->path, wp + 2);
            stc_pad(&line, fn[i], wf + 2);
            stc_buf_puts(&line, cell);
            stc_put_line(&line);
            free(cell);
            free(fn[i]);
        }
        free(fn);
    }
    putchar('\n');
    if (!r || r->nws == 0) {
        puts("WebSocket routes: none");
        stc_buf_free(&line);
        stc_triggers_text(svc);
        return;
    }
    int wk = 9, wf = 8;
    char **fn = stc_xcalloc(r->nws, sizeof *fn);
    for (size_t i = 0; i < r->nws; i++) {
        fn[i] = stc_xasprintf("%s%s", r->ws[i].function, r->ws[i].is_async ? " (async)" : "");
        wk = stc_width(r->ws[i].route_key) > wk ? stc_width(r->ws[i].route_key) : wk;
        wf = stc_width(fn[i]) > wf ? stc_width(fn[i]) : wf;
    }
    printf("WebSocket routes (route selection: %s)\n", STC_WS_ROUTE_SELECTION);
    stc_buf_puts(&line, "  ");
    stc_pad(&line, "ROUTE KEY", wk + 2);
    stc_pad(&line, "FUNCTION", wf + 2);
    stc_buf_puts(&line, "PARAMS");
    stc_put_line(&line);
    for (size_t i = 0; i < r->nws; i++) {
        char *cell = stc_params_cell(r->ws[i].params, r->ws[i].nparams);
        stc_buf_puts(&line, "  ");
        stc_pad(&line, r->ws[i].route_key, wk + 2);
        stc_pad(&line, fn[i], wf + 2);
        stc_buf_puts(&line, cell);
        stc_put_line(&line);
        free(cell);
        free(fn[i]);
    }
    free(fn);
    stc_buf_free(&line);
    stc_triggers_text(svc);
}

int stc_cmd_routes(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    const stc_cli_opt opts[] = {{"--json", NULL, &json, NULL}, {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("routes", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("routes", "missing SERVICE.py");
    int status;
    stc_service *svc = stc_cli_load(path, &status);
    if (!svc)
        return status;
    stc_cli_print_diags(svc);
    if (json) {
        cJSON *root = stc_routes_to_json(svc->routes);
        const stc_config *cfg = svc->config;
        cJSON_AddItemToObject(root, "triggers", stc_triggers_to_json(cfg ? cfg->triggers : NULL, cfg ? cfg->mode : 0));
        cJSON_AddItemToObject(root, "diagnostics", stc_diags_to_json(&svc->diags));
        stc_cli_print_json(root);
    } else {
        stc_routes_text(svc);
    }
    stc_service_free(svc);
    return status;
}
