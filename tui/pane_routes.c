/* pane_routes.c - the HTTP route table and the WebSocket route keys;
 * selecting a route explains where each parameter comes from (path, query
 * string, JSON body) and how the generated handler calls the method. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/aws/express.h"
#include "core/routes.h"
#include "core/util.h"
#include "tui/app.h"
#include "tui/listview.h"

typedef struct stc_routepane {
    stc_listview lv;
} stc_routepane;

static const stc_routes *stc_rp_routes(const stc_app *app)
{
    return app->svc ? app->svc->routes : NULL;
}

static int stc_rp_count(const stc_app *app)
{
    const stc_routes *r = stc_rp_routes(app);
    return r ? (int)(r->nhttp + r->nws) : 0;
}

static void *stc_rp_create(stc_app *app)
{
    (void)app;
    stc_routepane *p = stc_xcalloc(1, sizeof *p);
    p->lv.sel = -1;
    return p;
}

static void stc_rp_destroy(void *st)
{
    free(st);
}

/* The function name of row `row`. */
static const char *stc_rp_function(const stc_app *app, int row)
{
    const stc_routes *r = stc_rp_routes(app);
    if (!r || row < 0)
        return NULL;
    if ((size_t)row < r->nhttp)
        return r->http[row].function;
    if ((size_t)row < r->nhttp + r->nws)
        return r->ws[row - (int)r->nhttp].function;
    return NULL;
}

static int stc_rp_unit_of(const stc_app *app, const char *fn)
{
    for (size_t i = 0; fn && app->svc && i < app->svc->nunits; i++)
        if (strcmp(app->svc->units[i].method->name, fn) == 0)
            return (int)i;
    return -1;
}

static void stc_rp_reload(void *st, stc_app *app)
{
    stc_routepane *p = st;
    stc_listview_set_count(&p->lv, stc_rp_count(app));
}

static void stc_rp_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_routepane *p = st;
    const stc_routes *r = stc_rp_routes(app);
    int n = stc_rp_count(app);
    stc_listview_set_count(&p->lv, n);
    /* follow the method selected elsewhere */
    if (!focused) {
        const char *fn = stc_rp_function(app, p->lv.sel);
        if (app->unit >= 0 && (!fn || stc_rp_unit_of(app, fn) != app->unit))
            for (int i = 0; i < n; i++)
                if (stc_rp_unit_of(app, stc_rp_function(app, i)) == app->unit)
                    stc_listview_select(&p->lv, i);
    }
    stc_listview_fit(&p->lv, c->h);
    if (n == 0) {
        stc_cells_put(c, 1, 0, "No routes: no REST or WebSocket methods.", c->w - 1, STC_EL_DIM);
        return;
    }
    int pathw = 12;
    for (size_t i = 0; i < r->nhttp; i++)
        if (stc_cells_width(r->http[i].path) > pathw)
            pathw = stc_cells_width(r->http[i].path);
    for (size_t i = 0; i < r->nws; i++)
        if (stc_cells_width(r->ws[i].route_key) > pathw)
            pathw = stc_cells_width(r->ws[i].route_key);
    if (pathw > c->w / 2)
        pathw = c->w / 2;
    for (int y = 0; y < c->h && p->lv.top + y < n; y++) {
        int row = p->lv.top + y;
        bool http = (size_t)row < r->nhttp;
        const char *verb = http ? r->http[row].http_method : "WS";
        const char *path = http ? r->http[row].path : r->ws[row - (int)r->nhttp].route_key;
        const char *fn = stc_rp_function(app, row);
        bool async = http ? r->http[row].is_async : r->ws[row - (int)r->nhttp].is_async;
        stc_cells_put(c, 1, y, verb, 7, http ? STC_EL_HTTP_METHOD : STC_EL_BADGE_WS);
        stc_cells_put_cut(c, 9, y, path, pathw, STC_EL_ROUTE_PATH);
        int x = 9 + pathw + 2;
        if (async)
            x += stc_cells_put(c, x, y, app->utf8 ? "▸ " : "> ", 2, STC_EL_BADGE_WF);
        x += stc_cells_put_cut(c, x, y, fn, c->w - x, STC_EL_NORMAL);
        if (http && x + 4 < c->w) {
            const stc_route *rt = &r->http[row];
            stc_buf b = STC_BUF_INIT;
            if (rt->nquery)
                stc_buf_printf(&b, "  ?%zu query", rt->nquery);
            if (rt->nbody)
                stc_buf_printf(&b, "  %zu body", rt->nbody);
            stc_cells_put(c, x, y, stc_buf_cstr(&b), c->w - x, STC_EL_DIM);
            stc_buf_free(&b);
        }
        if (row == p->lv.sel)
            stc_cells_restyle(c, 0, y, c->w, focused ? STC_EL_CURSOR : STC_EL_CURSOR_DIM);
    }
}

static void stc_rp_changed(stc_routepane *p, stc_app *app)
{
    int u = stc_rp_unit_of(app, stc_rp_function(app, p->lv.sel));
    if (u >= 0 && u != app->unit)
        stc_app_select_unit(app, u, true);
}

static int stc_rp_action(void *st, stc_app *app, stc_action a)
{
    stc_routepane *p = st;
    int flags = stc_listview_act(&p->lv, a);
    if (flags) {
        stc_rp_changed(p, app);
        return flags;
    }
    if (a == STC_ACT_ENTER) {
        stc_rp_changed(p, app);
        stc_app_focus(app, STC_PANE_SOURCE);
        app->follow++;
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    return 0;
}

static int stc_rp_click(void *st, stc_app *app, int x, int y)
{
    (void)x;
    stc_routepane *p = st;
    if (stc_listview_click(&p->lv, y))
        stc_rp_changed(p, app);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

static char *stc_rp_row(void *ctx, int row)
{
    const stc_app *app = ctx;
    const stc_routes *r = stc_rp_routes(app);
    if ((size_t)row < r->nhttp)
        return stc_xasprintf("%s %s %s", r->http[row].http_method, r->http[row].path, r->http[row].function);
    const stc_ws_route *w = &r->ws[row - (int)r->nhttp];
    return stc_xasprintf("WS %s %s", w->route_key, w->function);
}

static bool stc_rp_search(void *st, stc_app *app, const char *q, int dir)
{
    stc_routepane *p = st;
    if (!stc_listview_search(&p->lv, q, dir, stc_rp_row, app))
        return false;
    stc_rp_changed(p, app);
    return true;
}

static int stc_rp_in_el(stc_param_in in)
{
    return in == STC_IN_PATH ? STC_EL_PARAM_PATH : in == STC_IN_QUERY ? STC_EL_PARAM_QUERY : STC_EL_PARAM_BODY;
}

/* One parameter: "  name   <- path {name}   string, required". */
static void stc_rp_param(stc_rich *out, const stc_route_param *rp, int namew)
{
    static const char *const from[] = {"path", "query", "body"};
    stc_rich_addf(out, STC_EL_NORMAL, "  %-*s ", namew, rp->name);
    stc_rich_addf(out, stc_rp_in_el(rp->in), "<- %-5s", from[rp->in]);
    char *schema = stc_schema_text(&rp->schema);
    stc_rich_addf(out, STC_EL_DIM, " %s, %s", schema, rp->required ? "required" : "optional");
    free(schema);
    if (rp->default_json)
        stc_rich_addf(out, STC_EL_DIM, ", default %s", rp->default_json);
    stc_rich_add(out, STC_EL_NORMAL, "\n");
}

/* How the generated handler reads a parameter from the API Gateway event
 * (stc_runtime: path and query text is converted to the annotated type, a
 * body value is checked against it). */
static char *stc_rp_access(const stc_route_param *rp)
{
    const char *ann = rp->param ? rp->param->annotation : NULL;
    char *as = ann && strcmp(ann, "str") != 0 ? stc_xasprintf(" as %s", ann) : stc_xstrdup("");
    char *r;
    switch (rp->in) {
    case STC_IN_PATH: r = stc_xasprintf("event[\"pathParameters\"][\"%s\"]%s", rp->name, as); break;
    case STC_IN_QUERY: r = stc_xasprintf("query[\"%s\"]%s", rp->name, as); break;
    case STC_IN_BODY:
    default: r = stc_xasprintf("body[\"%s\"]%s", rp->name, as); break;
    }
    free(as);
    return r;
}

static void stc_rp_call(stc_rich *out, const char *fn, const stc_route_param *params, size_t n)
{
    bool optional = false;
    stc_rich_add(out, STC_EL_SIM_LABEL, "handler.py ");
    stc_rich_add(out, STC_EL_NORMAL, "handler(event, context) calls\n");
    stc_rich_addf(out, STC_EL_PY_DEFNAME, "  service.%s", fn);
    stc_rich_add(out, STC_EL_NORMAL, "(");
    for (size_t i = 0; i < n; i++) {
        char *acc = stc_rp_access(&params[i]);
        bool opt = !params[i].required && params[i].in != STC_IN_PATH;
        optional |= opt;
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s%s=", i ? ", " : "", opt ? "[" : "", params[i].name);
        stc_rich_add(out, stc_rp_in_el(params[i].in), acc);
        if (opt)
            stc_rich_add(out, STC_EL_NORMAL, "]");
        free(acc);
    }
    stc_rich_add(out, STC_EL_NORMAL, ")\n");
    if (optional)
        stc_rich_add(out, STC_EL_DIM, "  [..] left out when absent: the method's default applies\n");
}

static void stc_rp_explain(void *st, stc_app *app, stc_rich *out)
{
    stc_routepane *p = st;
    const stc_routes *r = stc_rp_routes(app);
    if (!r || p->lv.sel < 0 || p->lv.sel >= stc_rp_count(app)) {
        stc_rich_add(out, STC_EL_DIM, "No route selected.");
        return;
    }
    int namew = 4;
    if ((size_t)p->lv.sel < r->nhttp) {
        const stc_route *rt = &r->http[p->lv.sel];
        stc_rich_addf(out, STC_EL_HTTP_METHOD, "%s ", rt->http_method);
        stc_rich_addf(out, STC_EL_ROUTE_PATH, "%s", rt->path);
        stc_rich_addf(out, STC_EL_DIM, "  %s\n", rt->function);
        if (rt->collection && rt->singular) {
            stc_rich_add(out, STC_EL_SIM_LABEL, "path ");
            stc_rich_addf(out, STC_EL_NORMAL, "%s -> %s (%s)%s%s\n", rt->singular, rt->collection,
                          stc_inflect_rule_text(rt->rule),
                          rt->parent ? ", nested under " : "", rt->parent ? rt->parent : "");
        }
        for (size_t i = 0; i < rt->nparams; i++)
            if (stc_cells_width(rt->params[i].name) > namew)
                namew = stc_cells_width(rt->params[i].name);
        if (rt->nparams == 0)
            stc_rich_add(out, STC_EL_DIM, "  no parameters\n");
        for (size_t i = 0; i < rt->nparams; i++)
            stc_rp_param(out, &rt->params[i], namew);
        stc_rp_call(out, rt->function, rt->params, rt->nparams);
        char *ret = stc_schema_text(&rt->returns);
        stc_rich_add(out, STC_EL_SIM_LABEL, "returns ");
        if (rt->is_async && app->svc->config && stc_express(app->svc->config, rt->function))
            stc_rich_addf(out, STC_EL_NORMAL, "200 with the %s the Express workflow returns, while the client "
                          "waits; its failure as an error document (400 an exception of the module, 404 KeyError, "
                          "500, 504 past 5 minutes)\n", ret);
        else if (rt->is_async)
            stc_rich_add(out, STC_EL_NORMAL, "202 with the execution id (starts the state machine)\n");
        else
            stc_rich_addf(out, STC_EL_NORMAL, "200 with the %s result as JSON; 400 when a parameter is missing or of the wrong type\n", ret);
        free(ret);
    } else {
        const stc_ws_route *w = &r->ws[p->lv.sel - (int)r->nhttp];
        stc_rich_add(out, STC_EL_BADGE_WS, "WS ");
        stc_rich_addf(out, STC_EL_ROUTE_PATH, "%s", w->route_key);
        stc_rich_addf(out, STC_EL_DIM, "  %s\n", w->function);
        stc_rich_add(out, STC_EL_SIM_LABEL, "selected by ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s%s\n", STC_WS_ROUTE_SELECTION,
                      w->route_key[0] == '$' ? "" : " == ", w->route_key[0] == '$' ? " (special route)" : w->route_key);
        stc_rich_add(out, STC_EL_NORMAL, "  url, connection_id <- the connection (callback URL and id)\n");
        for (size_t i = 0; i < w->nparams; i++)
            if (stc_cells_width(w->params[i].name) > namew)
                namew = stc_cells_width(w->params[i].name);
        for (size_t i = 0; i < w->nparams; i++)
            stc_rp_param(out, &w->params[i], namew);
        if (w->is_async) {
            stc_rich_add(out, STC_EL_SIM_LABEL, "starts ");
            stc_rich_addf(out, STC_EL_NORMAL, "the state machine of %s with these as its input (the route's "
                          "Step Functions integration); it replies through an internal function that calls "
                          "post_to_connection\n", w->function);
        } else {
            stc_rp_call(out, w->function, w->params, w->nparams);
        }
    }
}

static const char *stc_rp_title(void *st, stc_app *app)
{
    (void)st;
    static char buf[48];
    const stc_routes *r = stc_rp_routes(app);
    snprintf(buf, sizeof buf, "(%zu http, %zu ws)", r ? r->nhttp : 0, r ? r->nws : 0);
    return buf;
}

const stc_pane_ops stc_pane_routes = {
    .name = "Routes",
    .scope = STC_SCOPE_ROUTES,
    .tab = true,
    .focusable = true,
    .create = stc_rp_create,
    .destroy = stc_rp_destroy,
    .reload = stc_rp_reload,
    .draw = stc_rp_draw,
    .action = stc_rp_action,
    .click = stc_rp_click,
    .search = stc_rp_search,
    .explain = stc_rp_explain,
    .title = stc_rp_title,
};
