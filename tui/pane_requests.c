/* pane_requests.c - the Requests tab: what the served module answered (S
 * serves it; tui/servectl.h), newest first: method, path, status, unit,
 * milliseconds. Enter shows the event the function got and its answer; an
 * execution the request started opens in the Simulator pane, replayed with
 * the input it got and the results its Tasks got. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/listview.h"
#include "tui/servectl.h"
#include "tui/simctl.h"

typedef struct stc_reqpane {
    stc_listview lv;
    char *open_arn;   /* the execution the open dialog's Enter replays */
} stc_reqpane;

static void *stc_reqpane_create(stc_app *app)
{
    (void)app;
    stc_reqpane *p = stc_xcalloc(1, sizeof *p);
    p->lv.sel = -1;
    return p;
}

static void stc_reqpane_destroy(void *st)
{
    stc_reqpane *p = st;
    free(p->open_arn);
    free(p);
}

static void stc_reqpane_reload(void *st, stc_app *app)
{
    stc_reqpane *p = st;
    bool was_top = p->lv.sel <= 0;
    stc_listview_set_count(&p->lv, (int)stc_servectl_count(app->serve));
    if (was_top && p->lv.count > 0)
        stc_listview_select(&p->lv, 0); /* the newest stays selected */
}

static int stc_reqpane_status_el(const stc_serve_req *r)
{
    if (r->status == 0)
        return r->outcome && strncmp(r->outcome, "ok", 2) != 0 && strncmp(r->outcome, "started", 7) != 0
                   ? STC_EL_SIM_STATUS_FAIL
                   : STC_EL_SIM_STATUS_OK;
    return r->status >= 400 ? STC_EL_SIM_STATUS_FAIL : STC_EL_SIM_STATUS_OK;
}

/* "12:00:01" of an ISO time "2026-01-01T12:00:01.123Z". */
static void stc_reqpane_clock(const stc_serve_req *r, char *out, size_t n)
{
    const char *t = r->time ? strchr(r->time, 'T') : NULL;
    snprintf(out, n, "%.8s", t ? t + 1 : "");
}

static void stc_reqpane_draw(void *st, stc_app *app, stc_cells *c, bool focused)
{
    stc_reqpane *p = st;
    int n = (int)stc_servectl_count(app->serve);
    stc_listview_set_count(&p->lv, n);
    stc_listview_fit(&p->lv, c->h);
    if (n == 0) {
        const char *url = stc_servectl_url(app->serve);
        const char *err = stc_servectl_error(app->serve);
        if (url)
            stc_cells_putf(c, 1, 0, c->w - 1, STC_EL_DIM, "Serving on %s: no requests yet.", url);
        else if (stc_servectl_stopping(app->serve))
            stc_cells_put(c, 1, 0, "Stopping the server: it finishes what is in flight...", c->w - 1, STC_EL_DIM);
        else if (stc_servectl_running(app->serve))
            stc_cells_put(c, 1, 0, "Starting the server...", c->w - 1, STC_EL_DIM);
        else
            stc_cells_put(c, 1, 0, "Not serving. S serves the module locally over HTTP and WebSocket (it runs "
                                   "the module's code).",
                          c->w - 1, STC_EL_DIM);
        if (err && !stc_servectl_running(app->serve))
            stc_cells_put(c, 1, 1, err, c->w - 1, STC_EL_MESSAGE_ERROR);
        return;
    }
    for (int y = 0; y < c->h && p->lv.top + y < n; y++) {
        int row = p->lv.top + y;
        const stc_serve_req *r = stc_servectl_req(app->serve, (size_t)row);
        char clock[16], status[16], ms[32];
        stc_reqpane_clock(r, clock, sizeof clock);
        if (r->status)
            snprintf(status, sizeof status, "%d", r->status);
        else
            snprintf(status, sizeof status, "%s", r->outcome && strncmp(r->outcome, "ok", 2) == 0 ? "ok" : "-");
        snprintf(ms, sizeof ms, "%.1f ms", r->ms);
        int x = 1;
        stc_cells_put(c, x, y, clock, 8, STC_EL_DIM);
        x += 9;
        stc_cells_put(c, x, y, r->method, 7, STC_EL_HTTP_METHOD);
        x += 8;
        int pw = c->w - x - 36;
        if (pw < 12)
            pw = 12;
        stc_cells_put(c, x, y, r->path, pw, STC_EL_ROUTE_PATH);
        x += pw + 1;
        stc_cells_put(c, x, y, status, 4, stc_reqpane_status_el(r));
        x += 5;
        stc_cells_put(c, x, y, r->unit, 20, STC_EL_NORMAL);
        x += 21;
        if (x < c->w)
            stc_cells_put(c, x, y, ms, c->w - x, STC_EL_DIM);
        if (r->nexecutions && x + 10 < c->w)
            stc_cells_put(c, c->w - 2, y, "▸", 1, STC_EL_BADGE_WF);
        if (row == p->lv.sel)
            stc_cells_restyle(c, 0, y, c->w, focused ? STC_EL_CURSOR : STC_EL_CURSOR_DIM);
    }
}

static void stc_reqpane_json(stc_rich *out, const char *title, const cJSON *v)
{
    stc_rich_addf(out, STC_EL_PANE_TITLE, "%s\n", title);
    char *t = v && !cJSON_IsNull(v) ? cJSON_Print(v) : NULL;
    stc_rich_addf(out, t ? STC_EL_NORMAL : STC_EL_DIM, "%s\n\n", t ? t : "(none)");
    free(t);
}

/* The answer with its body parsed when it is JSON, for reading. */
static cJSON *stc_reqpane_readable(const cJSON *response)
{
    cJSON *r = response ? cJSON_Duplicate(response, true) : NULL;
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(r, "body");
    cJSON *parsed = cJSON_IsString(body) ? cJSON_Parse(body->valuestring) : NULL;
    if (parsed)
        cJSON_ReplaceItemInObjectCaseSensitive(r, "body", parsed);
    return r;
}

/* Replay execution p->open_arn in the Simulator pane. */
static void stc_reqpane_replay(stc_app *app)
{
    stc_reqpane *p = app->panes[STC_PANE_REQUESTS].st;
    const cJSON *rec = stc_servectl_execution(app->serve, p->open_arn);
    const char *machine = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "stateMachine"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "name"));
    const char *status = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "status"));
    const stc_workflow *wf = machine && app->svc && app->svc->workflows
                                 ? stc_workflows_find(app->svc->workflows, machine)
                                 : NULL;
    if (!rec || !wf || !wf->asl) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", !rec ? "the server has not reported this execution yet"
                                                          : "the open module has no such workflow");
        return;
    }
    for (size_t i = 0; i < app->svc->nunits; i++)
        if (strcmp(app->svc->units[i].method->name, machine) == 0)
            stc_app_select_unit(app, (int)i, true);
    free(app->workflow);
    app->workflow = stc_xstrdup(machine);
    cJSON *mocks = stc_servectl_replay_mocks(rec);
    char *input = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(rec, "input"));
    char *label = stc_xasprintf("served execution %.8s", name ? name : "");
    char *err = NULL;
    const char *msg = stc_simctl_replay(app->sim, machine, wf->asl, wf, app->svc->workflows, input, mocks, label,
                                        &err);
    if (!msg) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
        free(err);
    } else {
        stc_app_message(app, STC_EL_MESSAGE, "%s %s, replayed: %s (b steps back)", machine,
                        status ? status : "", msg);
        stc_app_resize(app, app->width, app->height);
        stc_app_focus(app, STC_PANE_SIM);
    }
    cJSON_Delete(mocks);
    free(input);
    free(label);
}

static void stc_reqpane_open(stc_reqpane *p, stc_app *app)
{
    const stc_serve_req *r = stc_servectl_req(app->serve, (size_t)p->lv.sel);
    if (!r)
        return;
    stc_rich b = STC_RICH_INIT;
    stc_rich_addf(&b, STC_EL_HTTP_METHOD, "%s ", r->method);
    stc_rich_addf(&b, STC_EL_ROUTE_PATH, "%s", r->path);
    if (r->status)
        stc_rich_addf(&b, stc_reqpane_status_el(r), "  %d", r->status);
    if (r->outcome)
        stc_rich_addf(&b, stc_reqpane_status_el(r), "  %s", r->outcome);
    stc_rich_addf(&b, STC_EL_DIM, "  %s  %.2f ms  %s\n\n", r->unit, r->ms, r->time ? r->time : "");
    stc_reqpane_json(&b, "Event", r->event);
    cJSON *resp = stc_reqpane_readable(r->response);
    stc_reqpane_json(&b, "Response", resp);
    cJSON_Delete(resp);
    if (r->logs && *r->logs) {
        stc_rich_add(&b, STC_EL_PANE_TITLE, "Output\n");
        stc_rich_addf(&b, STC_EL_NORMAL, "%s\n", r->logs);
    }
    free(p->open_arn);
    p->open_arn = NULL;
    for (size_t i = 0; i < r->nexecutions; i++) {
        const cJSON *rec = stc_servectl_execution(app->serve, r->executions[i]);
        if (i == 0) {
            stc_rich_add(&b, STC_EL_PANE_TITLE, "Executions started\n");
            p->open_arn = stc_xstrdup(r->executions[i]);
        }
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "status"));
        stc_rich_addf(&b, STC_EL_NORMAL, "%s  ", r->executions[i]);
        stc_rich_addf(&b, st && strcmp(st, "FAILED") == 0 ? STC_EL_SIM_STATUS_FAIL : STC_EL_SIM_STATUS_OK, "%s\n",
                      st ? st : "RUNNING");
    }
    char *title = stc_xasprintf("Request %ld", r->seq);
    stc_app_dialog(app, title, &b, p->open_arn ? "Enter: the execution in the Simulator  Esc close" : "Esc close",
                   p->open_arn ? stc_reqpane_replay : NULL);
    free(title);
}

static int stc_reqpane_action(void *st, stc_app *app, stc_action a)
{
    stc_reqpane *p = st;
    int flags = stc_listview_act(&p->lv, a);
    if (flags)
        return flags;
    if (a == STC_ACT_ENTER && p->lv.sel >= 0) {
        stc_reqpane_open(p, app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    return 0;
}

static int stc_reqpane_click(void *st, stc_app *app, int x, int y)
{
    (void)app;
    (void)x;
    stc_listview_click(&((stc_reqpane *)st)->lv, y);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

static char *stc_reqpane_row(void *ctx, int row)
{
    const stc_serve_req *r = stc_servectl_req(ctx, (size_t)row);
    return stc_xasprintf("%s %s %d %s", r->method, r->path, r->status, r->unit);
}

static bool stc_reqpane_search(void *st, stc_app *app, const char *q, int dir)
{
    return stc_listview_search(&((stc_reqpane *)st)->lv, q, dir, stc_reqpane_row, app->serve);
}

static void stc_reqpane_explain(void *st, stc_app *app, stc_rich *out)
{
    stc_reqpane *p = st;
    const stc_serve_req *r = p->lv.sel >= 0 ? stc_servectl_req(app->serve, (size_t)p->lv.sel) : NULL;
    if (!r) {
        stc_rich_add(out, STC_EL_DIM, "S serves the open module (stc-tui serve): its routes through the handlers "
                                      "that ship, its workflows in the simulator. Requests show here as they come.");
        return;
    }
    stc_rich_addf(out, STC_EL_NORMAL, "%s %s answered %d by %s in %.2f ms.\n", r->method, r->path, r->status,
                  r->unit, r->ms);
    stc_rich_add(out, STC_EL_DIM, "Enter shows the event and the answer");
    stc_rich_add(out, STC_EL_DIM, r->nexecutions ? "; the execution it started replays in the Simulator.\n" : ".\n");
}

static const char *stc_reqpane_title(void *st, stc_app *app)
{
    (void)st;
    static char buf[160];
    const char *url = stc_servectl_url(app->serve);
    size_t n = stc_servectl_count(app->serve);
    if (url)
        snprintf(buf, sizeof buf, "(%zu) %s", n, url);
    else if (stc_servectl_stopping(app->serve))
        snprintf(buf, sizeof buf, "(%zu) stopping", n);
    else
        snprintf(buf, sizeof buf, "(%zu)", n);
    return buf;
}

const stc_pane_ops stc_pane_requests = {
    .name = "Requests",
    .scope = STC_SCOPE_ANY,
    .tab = true,
    .focusable = true,
    .create = stc_reqpane_create,
    .destroy = stc_reqpane_destroy,
    .reload = stc_reqpane_reload,
    .draw = stc_reqpane_draw,
    .action = stc_reqpane_action,
    .click = stc_reqpane_click,
    .search = stc_reqpane_search,
    .explain = stc_reqpane_explain,
    .title = stc_reqpane_title,
};
