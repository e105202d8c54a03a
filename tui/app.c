/* app.c - see app.h. Layout (after docs/workbench.md):
 *
 *   title bar: module, service, mode selector, error and warning counts
 *   [banner: the diagnostics of a module that stopped compiling]
 *   Methods        | tabs: Routes | Graph | Template | Diagnostics
 *   ---------------+------------------------------------------------
 *   Explain        | Source                  [| Simulator]
 *   key bar, prompt or message
 *
 * Frames share their borders: every frame adds line directions to a grid
 * and the junctions come out of the directions (tui/app.c: stc_frame_*). */
#include "tui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "core/aws/express.h"
#include "core/aws/template.h"
#include "core/parse.h"
#include "core/util.h"
#include "core/workflow.h"
#include "render/aslvars.h"
#include "render/labels.h"
#include "render/pycond.h"
#include "tui/bg.h"
#include "tui/keys.h"
#include "tui/learnui.h"
#include "tui/simctl.h"
#include "tui/emitdlg.h"
#include "tui/jsonview.h"
#include "tui/listview.h"
#include "tui/mockdlg.h"
#include "tui/screen.h"
#include "tui/servectl.h"

const char *const stc_app_mode_names[STC_APP_MODES] = {"dev", "test", "stage", "prod"};

static const stc_pane_ops *const stc_pane_table[STC_PANE_COUNT] = {
#define PANE(id, ops) [STC_PANE_##id] = &ops,
#include "tui/panes.def"
#undef PANE
};

enum { STC_MIN_W = 80, STC_MIN_H = 24 };

struct stc_dialog {
    bool (*on_key)(stc_app *app, int key, stc_action a);
    char *title;
    char *footer;
    stc_rich body;
    int scroll;
    int page;
    void (*on_enter)(stc_app *app);
};

static void stc_app_layout(stc_app *app);

/* ---- creation -------------------------------------------------------- */

static void stc_app_panes_reload(stc_app *app)
{
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->reload)
            app->panes[i].ops->reload(app->panes[i].st, app);
}

void stc_app_idle(stc_app *app)
{
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->idle)
            app->panes[i].ops->idle(app->panes[i].st, app);
}

/* ---- background work (tui/bg.h) -------------------------------------- */

/* The template job: the app's template moves here while the worker builds
 * it; the service is borrowed (stc_app_compile() and stc_app_free() wait
 * for the job before they free it). */
typedef struct stc_app_tmpl_job {
    stc_tmpl t;
    const stc_service *svc;
    char *mode, *config;
} stc_app_tmpl_job;

static void stc_app_tmpl_run(stc_bg_job *j)
{
    stc_app_tmpl_job *d = j->data;
    stc_tmpl_update(&d->t, d->svc, d->mode, NULL, d->config);
}

static void stc_app_tmpl_job_free(void *data)
{
    stc_app_tmpl_job *d = data;
    if (!d)
        return;
    stc_tmpl_free(&d->t);
    free(d->mode);
    free(d->config);
    free(d);
}

static void stc_app_tmpl_done(stc_app *app, stc_bg_job *j)
{
    if (!app->tmpl_deferred || j->generation != app->generation)
        return; /* cannot happen: a compile waits for the template first */
    stc_app_tmpl_job *d = j->data;
    stc_tmpl_free(&app->tmpl);
    app->tmpl = d->t;
    memset(&d->t, 0, sizeof d->t);
    app->tmpl_deferred = app->tmpl_queued = false;
    /* the panes that show it: the template's rows, the diagnostics list */
    const stc_pane_id show[] = {STC_PANE_TEMPLATE, STC_PANE_DIAGS};
    for (size_t i = 0; i < STC_ARRAY_LEN(show); i++)
        if (app->panes[show[i]].ops->reload)
            app->panes[show[i]].ops->reload(app->panes[show[i]].st, app);
    app->needs_redraw = true;
}

static void stc_app_show_tab(stc_app *app, int want, int step);
static void stc_app_serve(stc_app *app);

/* The served module's new requests (tui/servectl.h), and its end: by
 * itself (an error), or after a stop that S or a new mode asked for (the
 * new mode is then served). */
static void stc_app_serve_poll(stc_app *app)
{
    bool changed = stc_servectl_poll(app->serve);
    if (changed) {
        stc_pane *p = &app->panes[STC_PANE_REQUESTS];
        if (p->ops->reload)
            p->ops->reload(p->st, app);
        app->needs_redraw = true;
    }
    if (stc_servectl_running(app->serve))
        return;
    const char *err = stc_servectl_error(app->serve);
    if (app->serve_stop_asked) {
        bool again = app->serve_again;
        app->serve_stop_asked = app->serve_again = false;
        app->needs_redraw = true;
        if (err)
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
        else if (again)
            stc_app_serve(app);
        else
            stc_app_message(app, STC_EL_MESSAGE, "stopped serving %s", app->path);
    } else if (changed && err) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
    }
}

/* S: serve the module (a child `stc-tui serve`, on $STC_SERVE_PORT or
 * 8080), or stop serving it. A stop does not wait: the child finishes what
 * is in flight while the workbench goes on (stc_app_serve_poll sees it
 * end). */
static void stc_app_serve(stc_app *app)
{
    if (stc_servectl_running(app->serve)) {
        bool already = stc_servectl_stopping(app->serve);
        stc_servectl_stop_begin(app->serve);
        app->serve_stop_asked = true;
        app->serve_again = false;
        stc_app_message(app, STC_EL_MESSAGE, "%s serving %s (it finishes what is in flight)",
                        already ? "still stopping" : "stopping", app->path);
        return;
    }
    if (!app->path) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "serving needs a module (this is a state machine file)");
        return;
    }
    app->serve_stop_asked = app->serve_again = false;
    const char *env = getenv("STC_SERVE_PORT");
    int port = env && *env ? atoi(env) : 8080;
    char *err = NULL;
    if (stc_servectl_start(app->serve, "/proc/self/exe", app->path, stc_app_mode(app), app->config, port, &err) !=
        0) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
        free(err);
        return;
    }
    app->panes[STC_PANE_REQUESTS].ops->reload(app->panes[STC_PANE_REQUESTS].st, app);
    stc_app_show_tab(app, STC_PANE_REQUESTS, 0);
    stc_app_message(app, STC_EL_MESSAGE, "serving %s in mode %s on port %d (this runs the module's code); S stops",
                    app->path, stc_app_mode(app), port);
}

void stc_app_background(stc_app *app)
{
    stc_app_serve_poll(app);
    stc_bg_job *j;
    while ((j = stc_bg_take(app->bg))) {
        if (j->kind == STC_BG_TEMPLATE)
            stc_app_tmpl_done(app, j);
        else
            for (int i = 0; i < STC_PANE_COUNT; i++)
                if (app->panes[i].ops->bg_done && app->panes[i].ops->bg_done(app->panes[i].st, app, j))
                    break;
        stc_bg_job_free(j);
    }
}

void stc_app_after_frame(stc_app *app)
{
    if (app->tmpl_deferred && !app->tmpl_queued && app->svc) {
        stc_app_tmpl_job *d = stc_xcalloc(1, sizeof *d);
        d->t = app->tmpl; /* its "building..." line; stc_tmpl_update() starts afresh */
        memset(&app->tmpl, 0, sizeof app->tmpl);
        app->tmpl.why = stc_xasprintf("building the template of mode %s...", stc_app_mode(app));
        d->svc = app->svc;
        d->mode = stc_xstrdup(stc_app_mode(app));
        d->config = app->config ? stc_xstrdup(app->config) : NULL;
        stc_bg_job *j = stc_bg_job_new(STC_BG_TEMPLATE, app->generation, NULL, false);
        j->data = d;
        j->run = stc_app_tmpl_run;
        j->free_data = stc_app_tmpl_job_free;
        app->tmpl_queued = true;
        stc_bg_submit(app->bg, j, false);
    }
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->warm)
            app->panes[i].ops->warm(app->panes[i].st, app);
}

bool stc_app_busy(stc_app *app)
{
    if (app->tmpl_deferred)
        return true;
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->busy && app->panes[i].ops->busy(app->panes[i].st, app))
            return true;
    return false;
}

static double stc_app_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void stc_app_background_hold(stc_app *app, bool hold)
{
    if (hold)
        stc_bg_hold(app->bg);
    else
        stc_bg_release(app->bg);
}

bool stc_app_settle(stc_app *app, int timeout_ms)
{
    if (stc_bg_held(app->bg))
        return true; /* nothing runs: what the screen shows cannot change */
    double until = stc_app_now_ms() + timeout_ms;
    stc_app_after_frame(app);
    stc_app_background(app);
    while (stc_app_busy(app)) {
        int left = (int)(until - stc_app_now_ms());
        if (left <= 0 || !stc_bg_wait(app->bg, left))
            return false;
        stc_app_background(app);
    }
    return true;
}

int stc_app_wake_fd(const stc_app *app)
{
    return stc_bg_fd(app->bg);
}

void stc_app_wait_template(stc_app *app)
{
    if (!app->tmpl_deferred)
        return;
    if (!app->tmpl_queued) { /* no frame yet: build it here */
        app->tmpl_deferred = false;
        stc_tmpl_update(&app->tmpl, app->svc, stc_app_mode(app), NULL, app->config);
        return;
    }
    while (app->tmpl_deferred) {
        stc_bg_wait(app->bg, -1);
        stc_app_background(app);
    }
}

static int stc_app_unit_by_name(const stc_service *svc, const char *name)
{
    for (size_t i = 0; svc && name && i < svc->nunits; i++)
        if (strcmp(svc->units[i].method->name, name) == 0)
            return (int)i;
    return -1;
}

void stc_app_compile(stc_app *app)
{
    if (!app->path)
        return;
    stc_app_wait_template(app);
    stc_bg_quiesce(app->bg); /* the layouts queued borrow the service freed below */
    char *keep = NULL;
    bool first = app->svc == NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (app->svc && app->unit >= 0 && (size_t)app->unit < app->svc->nunits)
        keep = stc_xstrdup(app->svc->units[app->unit].method->name);
    stc_service_options o = {.mode = stc_app_mode(app), .config_path = app->config,
                             .query_language = app->query_language};
    stc_service *s = stc_service_compile_file(app->path, &o);
    stc_service_free(app->broken);
    app->broken = NULL;
    if ((!s->module || s->io_error) && app->svc && app->svc->module) {
        app->broken = s; /* keep the last good view */
    } else {
        stc_service_free(app->svc);
        app->svc = s;
    }
    app->generation++;
    if (first && !app->broken) {
        /* the first frame does not wait for the template: the worker builds
         * it after that frame (stc_app_after_frame) */
        stc_tmpl_free(&app->tmpl);
        app->tmpl.why = stc_xasprintf("building the template of mode %s...", stc_app_mode(app));
        app->tmpl_deferred = true;
        app->tmpl_queued = false;
    } else {
        stc_tmpl_update(&app->tmpl, app->svc, stc_app_mode(app),
                        app->prev_mode >= 0 && app->prev_mode != app->mode ? stc_app_mode_names[app->prev_mode]
                                                                           : NULL,
                        app->config);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    app->compile_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (!app->broken && stc_simctl_active(app->sim)) {
        stc_simctl_reset(app->sim);
        stc_app_message(app, STC_EL_MESSAGE, "the module changed: s starts the simulation again");
    }
    int u = stc_app_unit_by_name(app->svc, keep);
    free(keep);
    if (u < 0 && app->svc->nunits > 0)
        u = app->unit >= 0 && (size_t)app->unit < app->svc->nunits ? app->unit : 0;
    app->unit = u;
    stc_app_panes_reload(app);
    stc_app_select_unit(app, u, first);
    if (app->width)
        stc_app_layout(app);
    app->needs_redraw = true;
}

/* The mocks file beside the module (tui/mockdlg.h), for the simulator; a
 * file that does not load is reported as STC956 and the simulator starts
 * without mocks. */
static void stc_app_default_mocks(stc_app *app)
{
    char *def = stc_mockdlg_default(app->path ? app->path : app->asl_path);
    char *err = NULL;
    if (def && stc_simctl_load_mocks(app->sim, def, &err) != 0) {
        stc_diag_add(&app->ui_diags, STC_SEV_WARNING, def, 0, 0, "STC956",
                     "the mocks file beside the module was not loaded: %s", err);
        free(err);
    }
    free(def);
}

stc_app *stc_app_new(const stc_app_options *opt, bool colour, char **err)
{
    stc_app *app = stc_xcalloc(1, sizeof *app);
    app->path = opt->path ? stc_xstrdup(opt->path) : NULL;
    app->config = opt->config ? stc_xstrdup(opt->config) : NULL;
    app->query_language = opt->query_language ? stc_xstrdup(opt->query_language) : NULL;
    app->asl_path = opt->asl ? stc_xstrdup(opt->asl) : NULL;
    app->unit = -1;
    app->prev_mode = -1;
    app->learn_only = opt->learn;
    app->learn_reset = opt->learn_reset;
    app->learn_seed = opt->learn_seed ? stc_xstrdup(opt->learn_seed) : NULL;
    app->sim = stc_simctl_new();
    app->serve = stc_servectl_new();
    app->bg = stc_bg_new();
    for (int m = 0; m < STC_APP_MODES; m++)
        if (opt->mode && strcmp(opt->mode, stc_app_mode_names[m]) == 0)
            app->mode = m;
    app->colour = colour;
    app->utf8 = stc_screen_utf8();
    if (colour)
        stc_theme_load(&app->theme, opt->theme, &app->ui_diags);
    else
        stc_theme_load(&app->theme, "mono", &app->ui_diags);
    for (int i = 0; i < STC_PANE_COUNT; i++) {
        app->panes[i].ops = stc_pane_table[i];
        app->panes[i].st = stc_pane_table[i]->create ? stc_pane_table[i]->create(app) : NULL;
    }
    app->focus = STC_PANE_METHODS;
    app->explain_from = STC_PANE_METHODS;
    app->tab = STC_PANE_DIAGS;
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->tab) {
            app->tab = (stc_pane_id)i;
            break;
        }
    if (app->asl_path) {
        size_t len;
        char *rerr = NULL;
        if (stc_file_read(app->asl_path, &app->asl_text, &len, &rerr) != 0) {
            *err = rerr;
            stc_app_free(app);
            return NULL;
        }
        app->asl_doc = cJSON_Parse(app->asl_text);
        if (!app->asl_doc) {
            *err = stc_xasprintf("%s is not valid JSON", app->asl_path);
            stc_app_free(app);
            return NULL;
        }
        const char *b = strrchr(app->asl_path, '/');
        app->workflow = stc_xstrdup(b ? b + 1 : app->asl_path);
        app->nasl_spans = stc_jsonview_spans(app->asl_text, &app->asl_spans);
        app->focus = app->tab = STC_PANE_GRAPH;
        app->explain_from = STC_PANE_GRAPH;
    }
    if (app->path) {
        stc_app_compile(app);
        if (app->svc->io_error) {
            const stc_diag *dg = app->svc->diags.count ? &app->svc->diags.items[0] : NULL;
            *err = stc_xstrdup(dg ? dg->message : "cannot read the module");
            stc_app_free(app);
            return NULL;
        }
    }
    if (stc_diags_count(&app->ui_diags, STC_SEV_WARNING) + stc_diags_count(&app->ui_diags, STC_SEV_ERROR))
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "theme: %zu problem(s), see Diagnostics",
                        app->ui_diags.count);
    size_t before = app->ui_diags.count;
    stc_app_default_mocks(app);
    if (app->ui_diags.count > before)
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", app->ui_diags.items[before].message);
    if (app->learn_only)
        stc_learnui_open(app);
    return app;
}

static void stc_dialog_free(stc_dialog *d)
{
    if (!d)
        return;
    free(d->title);
    free(d->footer);
    stc_rich_free(&d->body);
    free(d);
}

void stc_app_free(stc_app *app)
{
    if (!app)
        return;
    /* first: the running job may read the service (the template) */
    stc_bg_free(app->bg);
    stc_learnui_free(app->learn);
    free(app->learn_seed);
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops && app->panes[i].ops->destroy)
            app->panes[i].ops->destroy(app->panes[i].st);
    stc_dialog_free(app->dialog);
    stc_emitdlg_free(app->emitdlg);
    stc_mockdlg_free(app->mockdlg);
    free(app->emit_dir);
    stc_tmpl_free(&app->tmpl);
    stc_diags_free(&app->emit_diags);
    stc_simctl_free(app->sim);
    stc_servectl_free(app->serve);
    cJSON_Delete(app->asl_doc);
    free(app->asl_text);
    stc_jsonview_spans_free(app->asl_spans, app->nasl_spans);
    free(app->workflow);
    free(app->state);
    stc_service_free(app->svc);
    stc_service_free(app->broken);
    stc_diags_free(&app->ui_diags);
    free(app->path);
    free(app->config);
    free(app->query_language);
    free(app->asl_path);
    free(app->search);
    free(app->message);
    free(app);
}

/* ---- for panes ------------------------------------------------------- */

const char *stc_app_mode(const stc_app *app)
{
    return stc_app_mode_names[app->mode];
}

size_t stc_app_diags(const stc_app *app, const stc_diag ***out)
{
    const stc_diags *main = app->broken ? &app->broken->diags : app->svc ? &app->svc->diags : NULL;
    const stc_diags *tmpl = app->broken ? NULL : &app->tmpl.diags;
    size_t n = (main ? main->count : 0) + (tmpl ? tmpl->count : 0) + app->ui_diags.count + app->emit_diags.count;
    const stc_diag **v = stc_xcalloc(n + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; main && i < main->count; i++)
        v[k++] = &main->items[i];
    for (size_t i = 0; tmpl && i < tmpl->count; i++)
        v[k++] = &tmpl->items[i];
    for (size_t i = 0; i < app->emit_diags.count; i++)
        v[k++] = &app->emit_diags.items[i];
    for (size_t i = 0; i < app->ui_diags.count; i++)
        v[k++] = &app->ui_diags.items[i];
    *out = v;
    return k;
}

const char *stc_app_source(const stc_app *app)
{
    if (app->asl_text)
        return app->asl_text;
    return app->svc && app->svc->module ? app->svc->module->source : NULL;
}

/* Tell the simulation which workflows are Express in the mode shown. */
static void stc_app_express(stc_app *app)
{
    const stc_service *svc = app->asl_doc ? NULL : app->svc;
    const char **list = stc_express_units(svc, svc ? svc->config : NULL);
    stc_simctl_set_express(app->sim, list);
    free(list);
}

const cJSON *stc_app_workflow(stc_app *app, const char **name, const stc_workflow **wf)
{
    *wf = NULL;
    *name = app->workflow;
    if (app->asl_doc)
        return app->asl_doc;
    const stc_workflows *ws = app->svc ? app->svc->workflows : NULL;
    if (!ws || ws->count == 0) {
        *name = NULL;
        return NULL;
    }
    const stc_workflow *w = app->workflow ? stc_workflows_find(ws, app->workflow) : NULL;
    if (!w)
        w = &ws->items[0];
    *name = w->method->name;
    *wf = w;
    return w->asl;
}

static void stc_app_eval_done(stc_app *app, const char *text)
{
    const char *msg = stc_simctl_eval(app->sim, text);
    stc_app_message(app, STC_EL_MESSAGE, "%s", msg);
}

static void stc_app_input_done(stc_app *app, const char *text)
{
    char *err = NULL;
    if (stc_simctl_set_input(app->sim, text, &err) != 0) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "input: %s", err);
        free(err);
    } else {
        stc_app_message(app, STC_EL_MESSAGE, "input set; the simulation starts again");
    }
}

static void stc_app_ask(stc_app *app, const char *problem, const char *text);

static void stc_app_answer_cancel(stc_app *app)
{
    const char *cur = stc_simctl_current(app->sim);
    stc_app_message(app, STC_EL_MESSAGE, "waiting at %s for %s: Space asks again, o picks a mocks file",
                    cur ? cur : "the Task", stc_simctl_wait_key(app->sim));
}

static void stc_app_answer_done(stc_app *app, const char *text)
{
    char *err = NULL;
    const char *msg = stc_simctl_answer(app->sim, text, &err);
    if (!msg) {
        stc_app_ask(app, err, text);
        free(err);
        return;
    }
    if (stc_simctl_waiting(app->sim))
        stc_app_ask(app, NULL, NULL);
    else
        stc_app_message(app, STC_EL_MESSAGE, "%s", msg);
}

/* The prompt for the value of a Task without a mock; `problem` says what
 * was wrong with the last answer `text` (both NULL the first time). */
static void stc_app_ask(stc_app *app, const char *problem, const char *text)
{
    char label[256];
    if (problem)
        snprintf(label, sizeof label, "%s -- %s: ", problem, stc_simctl_wait_call(app->sim));
    else
        snprintf(label, sizeof label, "return value for %s as JSON, or raise ErrorName: cause: ",
                 stc_simctl_wait_call(app->sim));
    stc_app_prompt(app, label, text, stc_app_answer_done);
    app->prompt_cancel = stc_app_answer_cancel;
}


int stc_app_sim_action(stc_app *app, stc_action a, const char *state)
{
    const char *msg = NULL;
    bool start = a == STC_ACT_SIMULATE || a == STC_ACT_SIM_RESTART ||
                 (!stc_simctl_active(app->sim) && (a == STC_ACT_SIM_STEP || a == STC_ACT_SIM_RUN ||
                                                   a == STC_ACT_SIM_CONTINUE));
    switch (a) {
    case STC_ACT_SIMULATE:
    case STC_ACT_SIM_STEP:
    case STC_ACT_SIM_BACK:
    case STC_ACT_SIM_RUN:
    case STC_ACT_SIM_CONTINUE:
    case STC_ACT_SIM_RESTART:
    case STC_ACT_SIM_BREAK:
    case STC_ACT_SIM_INPUT:
    case STC_ACT_SIM_MOCKS:
    case STC_ACT_SIM_EVAL: break;
    default: return 0;
    }
    if (start) {
        const char *name;
        const stc_workflow *wf;
        const cJSON *asl = stc_app_workflow(app, &name, &wf);
        char *err = NULL;
        if (!name) {
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "no workflow to simulate: the service has no async method");
            return STC_PANE_HANDLED | STC_PANE_REDRAW;
        }
        stc_app_express(app);
        if (stc_simctl_start(app->sim, name, asl, wf, app->asl_doc || !app->svc ? NULL : app->svc->workflows,
                             &err) != 0) {
            stc_app_message(app, STC_EL_MESSAGE_ERROR, "%s", err);
            free(err);
            return STC_PANE_HANDLED | STC_PANE_REDRAW;
        }
        stc_app_layout(app);
        if (a == STC_ACT_SIMULATE || a == STC_ACT_SIM_RESTART) {
            stc_app_message(app, STC_EL_MESSAGE, "simulating %s: Space steps, b steps back, G runs to the end",
                            name);
            if (a == STC_ACT_SIMULATE && app->panes[STC_PANE_GRAPH].ops && app->tab != STC_PANE_ASL) {
                app->tab = STC_PANE_GRAPH;
                stc_app_focus(app, STC_PANE_GRAPH);
            }
            return STC_PANE_HANDLED | STC_PANE_REDRAW | STC_PANE_RESIZE;
        }
    }
    switch (a) {
    case STC_ACT_SIM_STEP: msg = stc_simctl_step(app->sim); break;
    case STC_ACT_SIM_BACK: msg = stc_simctl_back(app->sim); break;
    case STC_ACT_SIM_RUN: msg = stc_simctl_run(app->sim); break;
    case STC_ACT_SIM_CONTINUE: msg = stc_simctl_continue(app->sim); break;
    case STC_ACT_SIM_BREAK:
        if (!state) {
            msg = "select a state in the graph first";
        } else {
            if (!stc_simctl_active(app->sim))
                stc_app_sim_action(app, STC_ACT_SIMULATE, NULL);
            stc_simctl_toggle_break(app->sim, state);
            msg = stc_simctl_is_break(app->sim, state) ? "breakpoint set (c runs to it)" : "breakpoint cleared";
        }
        break;
    case STC_ACT_SIM_INPUT:
        stc_app_prompt(app, "input (JSON): ", stc_simctl_input_text(app->sim), stc_app_input_done);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_SIM_MOCKS:
        stc_mockdlg_open(app);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    case STC_ACT_SIM_EVAL: {
        const char *e = stc_simctl_eval_expr(app->sim);
        stc_app_prompt(app, "= ", e ? e : "", stc_app_eval_done);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    default: break;
    }
    if (stc_simctl_waiting(app->sim) &&
        (a == STC_ACT_SIM_STEP || a == STC_ACT_SIM_RUN || a == STC_ACT_SIM_CONTINUE)) {
        stc_app_ask(app, NULL, NULL);
        return STC_PANE_HANDLED | STC_PANE_REDRAW;
    }
    if (msg)
        stc_app_message(app, STC_EL_MESSAGE, "%s", msg);
    return STC_PANE_HANDLED | STC_PANE_REDRAW;
}

void stc_app_show_lines(stc_app *app, int first, int last, int mark)
{
    app->span_first = first;
    app->span_last = last;
    app->mark_line = mark;
    app->follow++;
    app->needs_redraw = true;
}

void stc_app_select_unit(stc_app *app, int index, bool scroll)
{
    app->unit = index;
    if (index >= 0 && app->svc && (size_t)index < app->svc->nunits) {
        const stc_method *m = app->svc->units[index].method;
        app->span_first = m->pos.line;
        app->span_last = m->pos.end_line ? m->pos.end_line : m->pos.line;
        if (scroll)
            app->follow++;
        if (app->svc->units[index].unit == STC_UNIT_STATE_MACHINE &&
            (!app->workflow || strcmp(app->workflow, m->name) != 0)) {
            free(app->workflow);
            app->workflow = stc_xstrdup(m->name);
            stc_app_select_state(app, NULL, false); /* another machine's */
        }
    } else {
        app->span_first = app->span_last = 0;
    }
    app->mark_line = 0;
    app->needs_redraw = true;
}

void stc_app_select_state(stc_app *app, const char *name, bool lines)
{
    if (name != app->state) {
        char *copy = name ? stc_xstrdup(name) : NULL;
        free(app->state);
        app->state = copy;
    }
    app->state_moved++;
    app->needs_redraw = true;
    const char *wname;
    const stc_workflow *wf;
    stc_app_workflow(app, &wname, &wf);
    const stc_wf_state *s = name && wf ? stc_workflow_state(wf, name) : NULL;
    if (lines && s && s->pos.line > 0)
        stc_app_show_lines(app, s->pos.line, s->pos.end_line ? s->pos.end_line : s->pos.line, s->pos.line);
    for (int i = 0; lines && name && !wf && i < app->nasl_spans; i++)
        if (strcmp(app->asl_spans[i].name, name) == 0) {
            stc_app_show_lines(app, app->asl_spans[i].first, app->asl_spans[i].last, app->asl_spans[i].first);
            break;
        }
}

const char *stc_app_state_at_line(stc_app *app, int line)
{
    const char *wname;
    const stc_workflow *wf;
    stc_app_workflow(app, &wname, &wf);
    if (wf) {
        const stc_wf_state *at[1];
        return stc_workflow_states_at_line(wf, line, at, 1) > 0 ? at[0]->name : NULL;
    }
    const char *best = NULL;
    int best_first = 0;
    for (int i = 0; app->asl_doc && i < app->nasl_spans; i++)
        if (line >= app->asl_spans[i].first && line <= app->asl_spans[i].last &&
            app->asl_spans[i].first >= best_first) {
            best = app->asl_spans[i].name;
            best_first = app->asl_spans[i].first;
        }
    return best;
}

static void stc_app_explain_names(stc_rich *out, const char *label, const stc_aslnames *v, const char *prefix,
                                  const char *suffix)
{
    if (!v->n)
        return;
    stc_rich_addf(out, STC_EL_SIM_LABEL, "%-9s", label);
    for (size_t i = 0; i < v->n; i++)
        stc_rich_addf(out, STC_EL_NORMAL, "%s%s%s", i ? ", " : "", prefix, v->v[i]);
    stc_rich_addf(out, STC_EL_DIM, "%s\n", suffix);
}

/* A Choice's rules in Python's words, where each goes: "if not ok -> ...",
 * then "else -> ...". */
static void stc_app_explain_choice(const cJSON *state, stc_rich *out)
{
    char *strip = stc_labels_common_prefix(state);
    const cJSON *rule;
    int k = 0;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(state, "Choices"))
    {
        const cJSON *cond = cJSON_GetObjectItemCaseSensitive(rule, "Condition");
        const cJSON *comment = cJSON_GetObjectItemCaseSensitive(rule, "Comment");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(rule, "Next");
        char *text = cJSON_IsString(comment) && *comment->valuestring ? stc_xstrdup(comment->valuestring)
                     : cJSON_IsString(cond)                            ? stc_pycond_from_jsonata(cond->valuestring)
                                                                       : stc_labels_rule(rule, strip);
        stc_rich_add(out, STC_EL_SIM_LABEL, k++ ? "elif " : "if ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s", text);
        stc_rich_addf(out, STC_EL_DIM, " -> %s\n", cJSON_IsString(next) ? next->valuestring : "?");
        free(text);
    }
    const cJSON *dflt = cJSON_GetObjectItemCaseSensitive(state, "Default");
    if (cJSON_IsString(dflt)) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "else");
        stc_rich_addf(out, STC_EL_DIM, " -> %s\n", dflt->valuestring);
    }
    free(strip);
}

void stc_app_explain_state(stc_app *app, const char *name, stc_rich *out)
{
    const char *wname;
    const stc_workflow *wf;
    const cJSON *asl = stc_app_workflow(app, &wname, &wf);
    const stc_wf_state *s = wf ? stc_workflow_state(wf, name) : NULL;
    bool jsonata = false;
    const cJSON *state = asl ? stc_aslvars_find_state(asl, name, &jsonata) : NULL;
    stc_rich_addf(out, STC_EL_PANE_TITLE, "%s\n", name);
    if (s) {
        stc_rich_add(out, STC_EL_SIM_LABEL, "type ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s", s->type);
        stc_rich_add(out, STC_EL_SIM_LABEL, "  from ");
        stc_rich_addf(out, STC_EL_NORMAL, "line %d:%d-%d:%d\n", s->pos.line, s->pos.col, s->pos.end_line,
                      s->pos.end_col);
        if (s->callee) {
            stc_rich_add(out, STC_EL_SIM_LABEL, "calls ");
            stc_rich_addf(out, STC_EL_NORMAL, "%s (%s)\n", s->callee,
                          s->call == STC_WF_CALL_WORKFLOW ? "nested execution" : "Lambda");
        }
        char *text = app->svc && app->svc->module ? stc_module_text(app->svc->module, s->pos) : NULL;
        if (text) {
            char *nl = strchr(text, '\n');
            if (nl)
                strcpy(nl, " ...");
            stc_rich_addf(out, STC_EL_DIM, "%s\n", text);
            free(text);
        }
    } else if (state) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(state, "Type");
        stc_rich_add(out, STC_EL_SIM_LABEL, "type ");
        stc_rich_addf(out, STC_EL_NORMAL, "%s\n", cJSON_IsString(t) ? t->valuestring : "?");
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(state, "Type");
    if (cJSON_IsString(type) && strcmp(type->valuestring, "Choice") == 0)
        stc_app_explain_choice(state, out);
    if (state) {
        stc_aslvars v;
        stc_aslvars_of(state, jsonata, &v);
        stc_app_explain_names(out, "reads", &v.reads, "$", "");
        stc_app_explain_names(out, "assigns", &v.assigns, "$", "");
        stc_app_explain_names(out, "on catch", &v.catch_assigns, "$", " (assigned by a Catch)");
        stc_app_explain_names(out, "reads", &v.data_reads, "", " (Python locals in $.vars)");
        stc_app_explain_names(out, "sets", &v.data_sets, "", " (Python locals in $.vars)");
        if (!v.reads.n && !v.assigns.n && !v.catch_assigns.n && !v.data_reads.n && !v.data_sets.n)
            stc_rich_addf(out, STC_EL_DIM, "reads and assigns no variables (%s)\n", jsonata ? "JSONata" : "JSONPath");
        stc_aslvars_free(&v);
    }
    if (stc_simctl_is_break(app->sim, name))
        stc_rich_add(out, STC_EL_SIM_STATUS_FAIL, "breakpoint (x clears it)\n");
}

void stc_app_focus(stc_app *app, stc_pane_id id)
{
    if (id >= STC_PANE_COUNT || !app->panes[id].ops->focusable)
        return;
    app->focus = id;
    if (app->panes[id].ops->tab)
        app->tab = id;
    if (app->panes[id].ops->explain)
        app->explain_from = id;
    app->needs_redraw = true;
}

void stc_app_message(stc_app *app, int el, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    free(app->message);
    app->message = stc_xvasprintf(fmt, ap);
    va_end(ap);
    app->message_el = el;
    app->needs_redraw = true;
}

const char *stc_app_badge(const stc_unit_info *u, int *el)
{
    int e = STC_EL_NORMAL;
    const char *b = stc_kind_badge(u->kind);
    switch (u->kind) {
    case STC_KIND_REST: e = STC_EL_BADGE_REST; break;
    case STC_KIND_WEBSOCKET: e = STC_EL_BADGE_WS; break;
    case STC_KIND_FUNCTION:
        e = u->unit == STC_UNIT_STATE_MACHINE ? STC_EL_BADGE_WF : STC_EL_BADGE_FN;
        if (u->unit == STC_UNIT_STATE_MACHINE)
            b = "WF";
        break;
    case STC_KIND_INIT: e = STC_EL_BADGE_INIT; break;
    case STC_KIND_HELPER: e = STC_EL_BADGE_HELPER; break;
    case STC_KIND_IGNORED: e = STC_EL_BADGE_IGNORED; break;
    case STC_KIND_UNCLASSIFIED: e = STC_EL_BADGE_UNCLASSIFIED; break;
    }
    if (el)
        *el = e;
    return b;
}

int stc_app_unit_at(const stc_app *app, int line)
{
    for (size_t i = 0; app->svc && i < app->svc->nunits; i++) {
        const stc_method *m = app->svc->units[i].method;
        int last = m->pos.end_line ? m->pos.end_line : m->pos.line;
        if (line >= m->pos.line && line <= last)
            return (int)i;
    }
    return -1;
}

int stc_app_unit_severity(const stc_app *app, const stc_unit_info *u)
{
    const stc_diags *d = app->broken ? NULL : &app->svc->diags;
    int worst = -1;
    int first = u->method->pos.line, last = u->method->pos.end_line ? u->method->pos.end_line : first;
    for (size_t i = 0; d && i < d->count; i++)
        if (d->items[i].line >= first && d->items[i].line <= last && (int)d->items[i].severity > worst)
            worst = (int)d->items[i].severity;
    return worst;
}

void stc_app_prompt(stc_app *app, const char *label, const char *initial,
                    void (*done)(stc_app *app, const char *text))
{
    app->prompt_on = true;
    snprintf(app->prompt_label, sizeof app->prompt_label, "%s", label);
    snprintf(app->prompt_text, sizeof app->prompt_text, "%s", initial ? initial : "");
    app->prompt_done = done;
    app->prompt_cancel = NULL;
    app->needs_redraw = true;
}

void stc_app_dialog(stc_app *app, const char *title, stc_rich *body, const char *footer,
                    void (*on_enter)(stc_app *app))
{
    stc_dialog_free(app->dialog);
    stc_dialog *d = stc_xcalloc(1, sizeof *d);
    d->title = stc_xstrdup(title);
    d->footer = stc_xstrdup(footer ? footer : "Esc close");
    d->body = *body;
    *body = (stc_rich)STC_RICH_INIT;
    d->on_enter = on_enter;
    app->dialog = d;
    app->needs_redraw = true;
}

void stc_app_dialog_keys(stc_app *app, bool (*on_key)(stc_app *app, int key, stc_action a))
{
    if (app->dialog)
        app->dialog->on_key = on_key;
}

void stc_app_close_dialog(stc_app *app)
{
    stc_dialog_free(app->dialog);
    app->dialog = NULL;
    app->needs_redraw = true;
}

/* ---- layout ---------------------------------------------------------- */

static bool stc_app_too_small(const stc_app *app)
{
    return app->width < STC_MIN_W || app->height < STC_MIN_H;
}

static int stc_app_banner_rows(const stc_app *app)
{
    if (!app->broken)
        return 0;
    size_t errors = stc_diags_count(&app->broken->diags, STC_SEV_ERROR);
    return errors > 1 ? 2 : 1;
}

static void stc_app_layout(stc_app *app)
{
    for (int i = 0; i < STC_PANE_COUNT; i++)
        app->panes[i].w = app->panes[i].h = 0;
    if (stc_app_too_small(app))
        return;
    int W = app->width, H = app->height;
    app->banner_rows = stc_app_banner_rows(app);
    int top = 1 + app->banner_rows, bottom = H - 2;
    int fh = bottom - top + 1;
    int lw = W * 2 / 7;
    if (lw < 32)
        lw = 32;
    if (lw > 44)
        lw = 44;
    int split = top + (fh - 1) * 3 / 5;
    stc_pane *p = app->panes;
    p[STC_PANE_METHODS] = (stc_pane){p[STC_PANE_METHODS].ops, p[STC_PANE_METHODS].st, 0, top, lw,
                                     split - top + 1};
    p[STC_PANE_EXPLAIN] = (stc_pane){p[STC_PANE_EXPLAIN].ops, p[STC_PANE_EXPLAIN].st, 0, split, lw,
                                     bottom - split + 1};
    int rx = lw - 1, rw = W - rx;
    stc_pane *t = &p[app->tab];
    t->x = rx;
    t->y = top;
    t->w = rw;
    t->h = split - top + 1;
    stc_pane *s = &p[STC_PANE_SOURCE];
    s->x = rx;
    s->y = split;
    s->w = rw;
    s->h = bottom - split + 1;
    if (stc_simctl_active(app->sim)) {
        int sw = rw / 2;
        s->w = rw - sw + 1;
        stc_pane *m = &p[STC_PANE_SIM];
        m->x = s->x + s->w - 1;
        m->y = split;
        m->w = sw;
        m->h = s->h;
    }
}

void stc_app_resize(stc_app *app, int w, int h)
{
    app->width = w;
    app->height = h;
    stc_app_layout(app);
    app->needs_redraw = true;
}

/* ---- drawing --------------------------------------------------------- */

enum { STC_N = 1, STC_S = 2, STC_E = 4, STC_W = 8 };

static void stc_frame_add(unsigned char *g, int W, int H, int x, int y, int w, int h)
{
    for (int i = x; i < x + w; i++) {
        int bits = (i > x ? STC_W : 0) | (i < x + w - 1 ? STC_E : 0);
        if (i >= 0 && i < W) {
            if (y >= 0 && y < H)
                g[y * W + i] |= (unsigned char)bits;
            if (y + h - 1 >= 0 && y + h - 1 < H)
                g[(y + h - 1) * W + i] |= (unsigned char)bits;
        }
    }
    for (int j = y; j < y + h; j++) {
        int bits = (j > y ? STC_N : 0) | (j < y + h - 1 ? STC_S : 0);
        if (j >= 0 && j < H) {
            if (x >= 0 && x < W)
                g[j * W + x] |= (unsigned char)bits;
            if (x + w - 1 >= 0 && x + w - 1 < W)
                g[j * W + x + w - 1] |= (unsigned char)bits;
        }
    }
}

static const char *stc_frame_glyph(unsigned bits, bool utf8)
{
    static const char *const u[16] = {
        [0] = " ",
        [STC_N] = "│", [STC_S] = "│", [STC_N | STC_S] = "│",
        [STC_E] = "─", [STC_W] = "─", [STC_E | STC_W] = "─",
        [STC_S | STC_E] = "┌", [STC_S | STC_W] = "┐", [STC_N | STC_E] = "└", [STC_N | STC_W] = "┘",
        [STC_N | STC_S | STC_E] = "├", [STC_N | STC_S | STC_W] = "┤",
        [STC_E | STC_W | STC_S] = "┬", [STC_E | STC_W | STC_N] = "┴",
        [STC_N | STC_S | STC_E | STC_W] = "┼",
    };
    if (utf8)
        return u[bits & 15];
    if ((bits & (STC_N | STC_S)) && (bits & (STC_E | STC_W)))
        return "+";
    return (bits & (STC_N | STC_S)) ? "|" : "-";
}

static void stc_app_draw_title(stc_app *app, stc_cells *c)
{
    int W = app->width;
    stc_cells_fill(c, 0, 0, W, 1, STC_EL_TITLE);
    int x = 1;
    x += stc_cells_put(c, x, 0, "stc-tui", -1, STC_EL_TITLE_FILE) + 2;
    const char *file = app->path ? app->path : app->asl_path ? app->asl_path : "";
    const char *svc = app->svc ? stc_service_name(app->svc) : NULL;
    /* right part: mode selector and counts */
    const stc_diag **d;
    size_t n = stc_app_diags(app, &d);
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < n; i++) {
        if (d[i]->severity == STC_SEV_ERROR)
            errors++;
        else if (d[i]->severity == STC_SEV_WARNING)
            warnings++;
    }
    free(d);
    char counts[96];
    snprintf(counts, sizeof counts, "%zu error%s  %zu warning%s", errors, errors == 1 ? "" : "s",
             warnings, warnings == 1 ? "" : "s");
    int mode_w = 5 + 1;
    for (int m = 0; m < STC_APP_MODES; m++)
        mode_w += (int)strlen(stc_app_mode_names[m]) + 2;
    /* the query language: the chosen or configured one, "(J)" when the key
     * chose it, "+N JSONPath" for workflows set otherwise; the --asl
     * machine's own */
    char lang[64] = "", extra[48] = "";
    if (app->asl_doc) {
        const cJSON *ql = cJSON_GetObjectItemCaseSensitive(app->asl_doc, "QueryLanguage");
        snprintf(lang, sizeof lang, "%s", cJSON_IsString(ql) ? ql->valuestring : "JSONPath");
    } else if (app->svc && app->svc->workflows && app->svc->workflows->count) {
        int others;
        stc_query_language q = stc_app_language(app, &others);
        snprintf(lang, sizeof lang, "%s", stc_app_language_name(q));
        if (app->query_language_key)
            snprintf(extra, sizeof extra, " (J)");
        else if (others)
            snprintf(extra, sizeof extra, " +%d %s", others,
                     stc_app_language_name(q == STC_QL_JSONATA ? STC_QL_JSONPATH : STC_QL_JSONATA));
    }
    int lang_w = lang[0] ? stc_cells_width(lang) + stc_cells_width(extra) + 3 : 0;
    int right = W - 1 - stc_cells_width(counts) - 3 - mode_w - lang_w;
    int room = right - x - 2;
    char *left = svc ? stc_xasprintf("%s  %s", file, svc) : stc_xstrdup(file);
    stc_cells_put_cut(c, x, 0, left, room > 0 ? room : 0, STC_EL_TITLE_FILE);
    free(left);
    x = right;
    if (lang[0]) {
        x += stc_cells_put(c, x, 0, lang, -1, STC_EL_MODE_ACTIVE);
        x += stc_cells_put(c, x, 0, extra, -1, STC_EL_MODE);
        x += 3;
    }
    x += stc_cells_put(c, x, 0, "mode ", -1, STC_EL_MODE);
    for (int m = 0; m < STC_APP_MODES; m++) {
        if (m == app->mode)
            x += stc_cells_putf(c, x, 0, -1, STC_EL_MODE_ACTIVE, "[%s]", stc_app_mode_names[m]);
        else
            x += stc_cells_putf(c, x, 0, -1, STC_EL_MODE, " %s ", stc_app_mode_names[m]);
    }
    x += 3;
    char e[48], w[48];
    snprintf(e, sizeof e, "%zu error%s", errors, errors == 1 ? "" : "s");
    snprintf(w, sizeof w, "%zu warning%s", warnings, warnings == 1 ? "" : "s");
    x += stc_cells_put(c, x, 0, e, -1, errors ? STC_EL_COUNT_ERROR : STC_EL_COUNT_OK);
    x += stc_cells_put(c, x, 0, "  ", -1, STC_EL_TITLE);
    stc_cells_put(c, x, 0, w, -1, warnings ? STC_EL_COUNT_WARNING : STC_EL_COUNT_OK);
}

static void stc_app_draw_banner(stc_app *app, stc_cells *c)
{
    if (!app->banner_rows)
        return;
    stc_cells_fill(c, 0, 1, app->width, app->banner_rows, STC_EL_BANNER_ERROR);
    const stc_diags *d = &app->broken->diags;
    int row = 0;
    const char *name = strrchr(app->path, '/') ? strrchr(app->path, '/') + 1 : app->path;
    for (size_t i = 0; i < d->count && row < app->banner_rows; i++) {
        const stc_diag *dg = &d->items[i];
        if (dg->severity != STC_SEV_ERROR)
            continue;
        char *line;
        if (row == 0)
            line = stc_xasprintf(" %s %s does not compile: %d:%d %s %s  (showing the last good version)",
                                 app->utf8 ? "✗" : "x", name, dg->line, dg->col, dg->code,
                                 dg->message);
        else
            line = stc_xasprintf("   %d:%d %s %s", dg->line, dg->col, dg->code, dg->message);
        stc_cells_put(c, 0, 1 + row, line, app->width, STC_EL_BANNER_ERROR);
        free(line);
        row++;
    }
}

static void stc_app_draw_keybar(stc_app *app, stc_cells *c)
{
    int y = app->height - 1, W = app->width;
    stc_cells_fill(c, 0, y, W, 1, STC_EL_KEYBAR_LABEL);
    if (app->prompt_on) {
        /* leave the text at least 24 cells */
        int room = W - 25 > 10 ? W - 25 : 10;
        int x = stc_cells_put_cut(c, 0, y, app->prompt_label, room, STC_EL_PROMPT);
        x += stc_cells_put(c, x, y, app->prompt_text, W - x - 1, STC_EL_PROMPT);
        stc_cells_put(c, x, y, " ", 1, STC_EL_CURSOR);
        return;
    }
    if (app->message) {
        stc_cells_put(c, 1, y, app->message, W - 2, app->message_el);
        return;
    }
    int scope = app->panes[app->focus].ops->scope;
    int items[STC_ACT_COUNT], widths[STC_ACT_COUNT], n = 0, total = 1;
    for (int a = 1; a < STC_ACT_COUNT; a++) {
        const char *bar = stc_action_bar((stc_action)a);
        int sc = stc_action_scope((stc_action)a);
        if (!*bar || (sc != STC_SCOPE_ANY && !(sc & scope)))
            continue;
        char key[32];
        stc_action_bar_key((stc_action)a, key, sizeof key);
        items[n] = a;
        widths[n] = stc_cells_width(key) + 1 + stc_cells_width(bar) + 2;
        total += widths[n++];
    }
    /* drop items before the last one (Quit) until the bar fits */
    while (n > 1 && total - 2 > W) {
        total -= widths[n - 2];
        items[n - 2] = items[n - 1];
        widths[n - 2] = widths[n - 1];
        n--;
    }
    int x = 1;
    for (int i = 0; i < n; i++) {
        char key[32];
        stc_action_bar_key((stc_action)items[i], key, sizeof key);
        x += stc_cells_put(c, x, y, key, -1, STC_EL_KEYBAR_KEY);
        x += stc_cells_put(c, x, y, " ", -1, STC_EL_KEYBAR_LABEL);
        x += stc_cells_put(c, x, y, stc_action_bar((stc_action)items[i]), -1, STC_EL_KEYBAR_LABEL) + 2;
    }
}

static void stc_app_draw_dialog(stc_app *app, stc_cells *c)
{
    stc_dialog *d = app->dialog;
    int W = app->width, H = app->height;
    int w = W - 8 < 96 ? W - 8 : 96;
    int inner = w - 4;
    int rows = stc_rich_rows(&d->body, inner);
    int h = rows + 4;
    if (h > H - 4)
        h = H - 4;
    int x = (W - w) / 2, y = (H - h) / 2;
    d->page = h - 4;
    if (d->scroll > rows - d->page)
        d->scroll = rows - d->page;
    if (d->scroll < 0)
        d->scroll = 0;
    stc_cells_fill(c, x, y, w, h, STC_EL_DIALOG);
    unsigned char *g = stc_xcalloc((size_t)W * (size_t)H, 1);
    stc_frame_add(g, W, H, x, y, w, h);
    for (int j = y; j < y + h; j++)
        for (int i = x; i < x + w; i++)
            if (g[j * W + i])
                stc_cells_put(c, i, j, stc_frame_glyph(g[j * W + i], app->utf8), 1, STC_EL_DIALOG_TITLE);
    free(g);
    stc_cells_putf(c, x + 2, y, w - 4, STC_EL_DIALOG_TITLE, " %s ", d->title);
    stc_rich_draw(&d->body, c, x + 2, y + 1, inner, h - 3, d->scroll, 2);
    char *foot = rows > d->page ? stc_xasprintf(" %s  (%d-%d of %d) ", d->footer, d->scroll + 1,
                                               d->scroll + d->page < rows ? d->scroll + d->page : rows, rows)
                                : stc_xasprintf(" %s ", d->footer);
    stc_cells_put(c, x + 2, y + h - 1, foot, w - 4, STC_EL_DIALOG_TITLE);
    free(foot);
}

static void stc_app_draw_too_small(stc_app *app, stc_cells *c)
{
    char *a = stc_xasprintf("stc-tui needs at least %dx%d;", STC_MIN_W, STC_MIN_H);
    char *b = stc_xasprintf("this terminal is %dx%d.", app->width, app->height);
    const char *q = "Enlarge it, or press q to quit.";
    int y = app->height / 2 - 1;
    const char *lines[3] = {a, b, q};
    for (int i = 0; i < 3; i++) {
        int w = stc_cells_width(lines[i]);
        int x = (app->width - w) / 2;
        stc_cells_put(c, x < 0 ? 0 : x, y + i, lines[i], app->width, STC_EL_TOO_SMALL);
    }
    free(a);
    free(b);
}

static const char *stc_app_pane_title(stc_app *app, int i, char *buf, size_t n)
{
    const stc_pane *p = &app->panes[i];
    const char *extra = p->ops->title ? p->ops->title(p->st, app) : NULL;
    if (extra)
        snprintf(buf, n, " %s %s ", p->ops->name, extra);
    else
        snprintf(buf, n, " %s ", p->ops->name);
    return buf;
}

void stc_app_draw_frames(stc_app *app, stc_cells *c, const int (*rects)[4], int n)
{
    int W = app->width, H = app->height;
    unsigned char *g = stc_xcalloc((size_t)W * (size_t)H, 1);
    for (int i = 0; i < n; i++)
        stc_frame_add(g, W, H, rects[i][0], rects[i][1], rects[i][2], rects[i][3]);
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++)
            if (g[j * W + i])
                stc_cells_put(c, i, j, stc_frame_glyph(g[j * W + i], app->utf8), 1, STC_EL_BORDER);
    free(g);
}

void stc_app_render(stc_app *app, stc_cells *c)
{
    stc_cells_clear(c, STC_EL_NORMAL);
    if (stc_app_too_small(app)) {
        stc_app_draw_too_small(app, c);
        return;
    }
    if (app->learn) {
        stc_learnui_draw(app, c);
        if (app->dialog)
            stc_app_draw_dialog(app, c);
        return;
    }
    int W = app->width, H = app->height;
    stc_app_draw_title(app, c);
    stc_app_draw_banner(app, c);
    unsigned char *g = stc_xcalloc((size_t)W * (size_t)H, 1);
    for (int i = 0; i < STC_PANE_COUNT; i++) {
        stc_pane *p = &app->panes[i];
        if (p->w <= 0)
            continue;
        stc_frame_add(g, W, H, p->x, p->y, p->w, p->h);
        stc_cells *in = stc_cells_new(p->w - 2, p->h - 2);
        p->ops->draw(p->st, app, in, app->focus == (stc_pane_id)i);
        stc_cells_blit(c, p->x + 1, p->y + 1, in);
        stc_cells_free(in);
    }
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++)
            if (g[j * W + i])
                stc_cells_put(c, i, j, stc_frame_glyph(g[j * W + i], app->utf8), 1, STC_EL_BORDER);
    free(g);
    /* titles; the tabbed slot lists every tab */
    char buf[128];
    for (int i = 0; i < STC_PANE_COUNT; i++) {
        stc_pane *p = &app->panes[i];
        if (p->w <= 0 || p->ops->tab)
            continue;
        int el = app->focus == (stc_pane_id)i ? STC_EL_PANE_TITLE_FOCUS : STC_EL_PANE_TITLE;
        stc_cells_put(c, p->x + 1, p->y, stc_app_pane_title(app, i, buf, sizeof buf), p->w - 2, el);
    }
    const stc_pane *tp = &app->panes[app->tab];
    if (tp->w > 0) {
        int x = tp->x + 1, limit = tp->x + tp->w - 1;
        /* when the titles do not fit, the other tabs show their key (1-9),
         * so that the shown one stays in view */
        int need = -1;
        for (int i = 0; i < STC_PANE_COUNT; i++)
            if (app->panes[i].ops->tab)
                need += 1 + (i == (int)app->tab ? stc_cells_width(stc_app_pane_title(app, i, buf, sizeof buf))
                                                : stc_cells_width(app->panes[i].ops->name) + 2);
        bool compact = need > limit - x;
        for (int i = 0, k = 0; i < STC_PANE_COUNT; i++) {
            if (!app->panes[i].ops->tab)
                continue;
            k++;
            if (x > tp->x + 1)
                x += stc_cells_put(c, x, tp->y, app->utf8 ? "│" : "|", limit - x, STC_EL_BORDER);
            int el = i == (int)app->tab
                         ? (app->focus == (stc_pane_id)i ? STC_EL_PANE_TITLE_FOCUS : STC_EL_PANE_TITLE)
                         : STC_EL_DIM;
            const char *t = i == (int)app->tab ? stc_app_pane_title(app, i, buf, sizeof buf) : NULL;
            if (!t) {
                if (compact)
                    snprintf(buf, sizeof buf, " %d ", k);
                else
                    snprintf(buf, sizeof buf, " %s ", app->panes[i].ops->name);
                t = buf;
            }
            x += stc_cells_put(c, x, tp->y, t, limit - x, el);
        }
    }
    stc_app_draw_keybar(app, c);
    if (app->dialog)
        stc_app_draw_dialog(app, c);
}

/* ---- input ----------------------------------------------------------- */

static void stc_app_help(stc_app *app)
{
    stc_rich r = STC_RICH_INIT;
    static const struct {
        int scope;
        const char *title;
    } groups[] = {
        {STC_SCOPE_ANY, "Everywhere"},          {STC_SCOPE_METHODS, "Methods"},
        {STC_SCOPE_GRAPH | STC_SCOPE_SIM | STC_SCOPE_ASL, "Graph, ASL and simulator"},
        {STC_SCOPE_TEMPLATE | STC_SCOPE_ASL, "Template and ASL"},
    };
    for (size_t g = 0; g < STC_ARRAY_LEN(groups); g++) {
        stc_rich_addf(&r, STC_EL_PANE_TITLE, "%s%s\n", g ? "\n" : "", groups[g].title);
        for (int a = 1; a < STC_ACT_COUNT; a++) {
            int sc = stc_action_scope((stc_action)a);
            bool in = groups[g].scope == STC_SCOPE_ANY ? sc == STC_SCOPE_ANY
                                                       : (sc & groups[g].scope) && !(sc & ~groups[g].scope);
            if (!in)
                continue;
            stc_rich_addf(&r, STC_EL_KEYBAR_KEY, "%-16s", stc_action_keys((stc_action)a));
            stc_rich_addf(&r, STC_EL_DIM, " %-17s", stc_action_name((stc_action)a));
            stc_rich_addf(&r, STC_EL_DIALOG, " %s\n", stc_action_help((stc_action)a));
        }
    }
    stc_rich_add(&r, STC_EL_DIM, "\nMouse: click selects, the wheel scrolls. Themes: --theme NAME.\n");
    stc_app_dialog(app, "Help: keys", &r, "Esc close  j/k scroll", NULL);
}

static void stc_app_dialog_key(stc_app *app, int key)
{
    stc_dialog *d = app->dialog;
    stc_action a = stc_keymap_lookup(key, STC_SCOPE_ANY);
    if (d->on_key && key != 3 && d->on_key(app, key, a)) {
        app->needs_redraw = true;
        return;
    }
    switch (a) {
    case STC_ACT_UP: d->scroll--; break;
    case STC_ACT_DOWN: d->scroll++; break;
    case STC_ACT_PAGE_UP: d->scroll -= d->page > 1 ? d->page - 1 : 1; break;
    case STC_ACT_PAGE_DOWN: d->scroll += d->page > 1 ? d->page - 1 : 1; break;
    case STC_ACT_FIRST: d->scroll = 0; break;
    case STC_ACT_LAST: d->scroll = 1 << 20; break;
    case STC_ACT_ENTER: {
        void (*fn)(stc_app *) = d->on_enter;
        stc_app_close_dialog(app);
        if (fn)
            fn(app);
        return;
    }
    case STC_ACT_BACK:
    case STC_ACT_QUIT:
    case STC_ACT_HELP:
        if (key == 3) { /* Ctrl-C still quits */
            app->quit = true;
            return;
        }
        stc_app_close_dialog(app);
        return;
    default: break;
    }
    app->needs_redraw = true;
}

static void stc_app_prompt_key(stc_app *app, int key)
{
    size_t n = strlen(app->prompt_text);
    if (key == STC_KEY_ESC || key == 3 || key == 7) {
        app->prompt_on = false;
        if (app->prompt_cancel)
            app->prompt_cancel(app);
    } else if (key == STC_KEY_ENTER) {
        app->prompt_on = false;
        char *text = stc_xstrdup(app->prompt_text);
        if (app->prompt_done)
            app->prompt_done(app, text);
        free(text);
    } else if (key == STC_KEY_BACKSPACE) {
        while (n > 0 && ((unsigned char)app->prompt_text[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 0)
            n--;
        app->prompt_text[n] = '\0';
    } else if (key == 21) { /* Ctrl-U */
        app->prompt_text[0] = '\0';
    } else if (key >= 32 && key < STC_KEY_BASE) {
        char enc[16];
        if (key == ' ' || key == '<') {
            enc[0] = (char)key;
            enc[1] = '\0';
        } else {
            stc_key_name(key, enc, sizeof enc);
        }
        if (n + strlen(enc) + 1 < sizeof app->prompt_text)
            strcat(app->prompt_text, enc);
    }
    app->needs_redraw = true;
}

static void stc_app_search_run(stc_app *app, int dir)
{
    stc_pane *p = &app->panes[app->focus];
    if (!app->search || !*app->search)
        return;
    if (!p->ops->search || !p->ops->search(p->st, app, app->search, dir))
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "no match for '%s' in %s", app->search, p->ops->name);
    app->needs_redraw = true;
}

static void stc_app_search_done(stc_app *app, const char *text)
{
    free(app->search);
    app->search = stc_xstrdup(text);
    stc_app_search_run(app, 0);
}

static void stc_app_cycle_focus(stc_app *app, int step)
{
    int order[STC_PANE_COUNT], n = 0;
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->focusable && (!app->panes[i].ops->tab || i == (int)app->tab) &&
            (i != STC_PANE_SIM || stc_simctl_active(app->sim)))
            order[n++] = i;
    int at = 0;
    for (int k = 0; k < n; k++)
        if (order[k] == (int)app->focus)
            at = k;
    stc_app_focus(app, (stc_pane_id)order[((at + step) % n + n) % n]);
}

static void stc_app_show_tab(stc_app *app, int want, int step)
{
    int tabs[STC_PANE_COUNT], n = 0, at = 0;
    for (int i = 0; i < STC_PANE_COUNT; i++)
        if (app->panes[i].ops->tab) {
            if (i == (int)app->tab)
                at = n;
            tabs[n++] = i;
        }
    if (!n)
        return;
    int to = want >= 0 ? want : tabs[((at + step) % n + n) % n];
    if (want >= 0 && !app->panes[want].ops->tab)
        return;
    bool had_focus = app->panes[app->focus].ops->tab;
    app->tab = (stc_pane_id)to;
    if (had_focus || want >= 0)
        stc_app_focus(app, (stc_pane_id)to);
    stc_app_layout(app);
    app->needs_redraw = true;
}

const char *stc_app_language_name(stc_query_language q)
{
    return q == STC_QL_JSONPATH ? "JSONPath" : "JSONata";
}

stc_query_language stc_app_language_setting(const stc_app *app, const char *method, bool *in_file)
{
    const stc_config *cfg = app->svc ? app->svc->config : NULL;
    if (in_file)
        *in_file = cfg && cfg->path && stc_config_get(cfg, method, STC_SET_QUERY_LANGUAGE)->line > 0;
    return cfg ? stc_service_query_language(app->svc->config, method) : STC_QL_JSONATA;
}

void stc_app_explain_language(stc_app *app, const char *method, const char *label, stc_rich *out)
{
    const stc_workflow *wf = app->svc && app->svc->workflows ? stc_workflows_find(app->svc->workflows, method) : NULL;
    if (!wf)
        return;
    bool in_file;
    stc_query_language own = stc_app_language_setting(app, method, &in_file);
    stc_rich_add(out, STC_EL_SIM_LABEL, label);
    stc_rich_addf(out, STC_EL_NORMAL, "%s", stc_app_language_name(wf->language));
    const char *by = app->query_language_key ? "J" : "--query-language";
    if (!app->query_language)
        stc_rich_addf(out, STC_EL_DIM, "  (%s)\n", in_file ? "query_language in the configuration" : "the default");
    else if (own != wf->language && in_file)
        stc_rich_addf(out, STC_EL_DIM, "  (%s, over query_language: %s of %s)\n", by, stc_query_language_name(own),
                      app->svc->config->path);
    else if (own != wf->language)
        stc_rich_addf(out, STC_EL_DIM, "  (%s, over the default, %s)\n", by, stc_query_language_name(own));
    else
        stc_rich_addf(out, STC_EL_DIM, "  (%s)\n", by);
}

stc_query_language stc_app_language(const stc_app *app, int *others)
{
    stc_query_language q;
    if (!app->query_language || !stc_query_language_parse(app->query_language, &q))
        q = stc_app_language_setting(app, NULL, NULL);
    int n = 0;
    const stc_workflows *ws = app->svc ? app->svc->workflows : NULL;
    for (size_t i = 0; ws && i < ws->count; i++)
        n += ws->items[i].language != q;
    if (others)
        *others = n;
    return q;
}

void stc_app_toggle_language(stc_app *app)
{
    if (!app->path) {
        const cJSON *ql = cJSON_GetObjectItemCaseSensitive(app->asl_doc, "QueryLanguage");
        stc_app_message(app, STC_EL_MESSAGE_ERROR,
                        "J compiles a module's workflows to the other query language; this machine is %s as written",
                        cJSON_IsString(ql) ? ql->valuestring : "JSONPath");
        return;
    }
    const char *name;
    const stc_workflow *wf;
    stc_app_workflow(app, &name, &wf);
    if (!wf) {
        stc_app_message(app, STC_EL_MESSAGE, "no workflow to compile: the service has no async method");
        return;
    }
    /* the other dialect than the one the shown workflow is in, for all */
    stc_query_language to = wf->language == STC_QL_JSONATA ? STC_QL_JSONPATH : STC_QL_JSONATA;
    free(app->query_language);
    app->query_language = stc_xstrdup(stc_query_language_name(to));
    app->query_language_key = true;
    bool simulating = stc_simctl_active(app->sim);
    stc_app_compile(app);
    if (simulating && !app->broken)
        stc_app_sim_action(app, STC_ACT_SIM_RESTART, NULL);
    /* the workflows whose own setting says otherwise */
    const stc_workflows *ws = app->svc->workflows;
    const char *first = NULL;
    int pinned = 0;
    for (size_t i = 0; ws && i < ws->count; i++) {
        const char *m = ws->items[i].method->name;
        stc_query_language own = stc_app_language_setting(app, m, NULL);
        if (own != to && own != stc_app_language_setting(app, NULL, NULL) && pinned++ == 0)
            first = m;
    }
    const char *other = stc_app_language_name(to == STC_QL_JSONATA ? STC_QL_JSONPATH : STC_QL_JSONATA);
    const char *again = simulating ? "; the simulation starts again" : "";
    if (pinned)
        stc_app_message(app, STC_EL_MESSAGE,
                        "every workflow in %s (J: %s), over the query_language setting of %s%s in %s%s",
                        stc_app_language_name(to), other, first, pinned > 1 ? " and others" : "",
                        app->svc->config && app->svc->config->path ? app->svc->config->path : "the configuration",
                        again);
    else
        stc_app_message(app, STC_EL_MESSAGE, "every workflow in %s (J: %s)%s", stc_app_language_name(to), other, again);
}

void stc_app_next_mode(stc_app *app)
{
    if (!app->path) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "modes need a module (this is a state machine file)");
        return;
    }
    app->prev_mode = app->mode;
    app->mode = (app->mode + 1) % STC_APP_MODES;
    stc_app_compile(app);
    if (stc_servectl_running(app->serve) && (!stc_servectl_stopping(app->serve) || app->serve_again)) {
        stc_servectl_stop_begin(app->serve); /* then serve the new mode: stc_app_serve_poll */
        app->serve_stop_asked = app->serve_again = true;
    }
    int a, r, c;
    stc_tmpl_counts(&app->tmpl, &a, &r, &c);
    if (app->tmpl.tree)
        stc_app_message(app, STC_EL_MESSAGE, "mode %s: since %s, template entries +%d added -%d removed ~%d changed (3: Template)",
                        stc_app_mode(app), stc_app_mode_names[app->prev_mode], a, r, c);
    else
        stc_app_message(app, STC_EL_MESSAGE, "mode %s", stc_app_mode(app));
}

static void stc_app_global(stc_app *app, stc_action a)
{
    switch (a) {
    case STC_ACT_QUIT: app->quit = true; break;
    case STC_ACT_HELP: stc_app_help(app); break;
    case STC_ACT_NEXT_PANE: stc_app_cycle_focus(app, 1); break;
    case STC_ACT_PREV_PANE: stc_app_cycle_focus(app, -1); break;
    case STC_ACT_MODE: stc_app_next_mode(app); break;
    case STC_ACT_QUERY_LANG: stc_app_toggle_language(app); break;
    case STC_ACT_EMIT: stc_emitdlg_open(app); break;
    case STC_ACT_SEARCH: stc_app_prompt(app, "/", "", stc_app_search_done); break;
    case STC_ACT_SEARCH_NEXT: stc_app_search_run(app, 1); break;
    case STC_ACT_SEARCH_PREV: stc_app_search_run(app, -1); break;
    case STC_ACT_TAB_NEXT: stc_app_show_tab(app, -1, 1); break;
    case STC_ACT_TAB_PREV: stc_app_show_tab(app, -1, -1); break;
    case STC_ACT_TAB_DIAGS: stc_app_show_tab(app, STC_PANE_DIAGS, 0); break;
    case STC_ACT_TAB_ROUTES: stc_app_show_tab(app, STC_PANE_ROUTES, 0); break;
    case STC_ACT_TAB_GRAPH: stc_app_show_tab(app, STC_PANE_GRAPH, 0); break;
    case STC_ACT_TAB_TEMPLATE: stc_app_show_tab(app, STC_PANE_TEMPLATE, 0); break;
    case STC_ACT_TAB_ASL: stc_app_show_tab(app, STC_PANE_ASL, 0); break;
    case STC_ACT_TAB_REQUESTS: stc_app_show_tab(app, STC_PANE_REQUESTS, 0); break;
    case STC_ACT_SERVE: stc_app_serve(app); break;
    case STC_ACT_SIMULATE: stc_app_sim_action(app, a, NULL); break;
    case STC_ACT_LEARN: stc_learnui_open(app); break;
    case STC_ACT_RELOAD:
        stc_app_compile(app);
        stc_app_message(app, STC_EL_MESSAGE, "reloaded %s", app->path ? app->path : "");
        break;
    case STC_ACT_REDRAW: app->needs_redraw = true; break;
    default: break;
    }
    stc_app_layout(app);
}

void stc_app_key(stc_app *app, int key)
{
    free(app->message);
    app->message = NULL;
    app->needs_redraw = true;
    if (app->dialog) {
        stc_app_dialog_key(app, key);
        return;
    }
    if (app->prompt_on) {
        stc_app_prompt_key(app, key);
        return;
    }
    if (stc_app_too_small(app)) {
        if (stc_keymap_lookup(key, 0) == STC_ACT_QUIT)
            app->quit = true;
        return;
    }
    if (app->learn) {
        stc_learnui_key(app, key);
        return;
    }
    stc_pane *p = &app->panes[app->focus];
    stc_action a = stc_keymap_lookup(key, p->ops->scope);
    if (a == STC_ACT_NONE)
        return;
    int flags = 0;
    if (a != STC_ACT_QUIT && p->ops->action)
        flags = p->ops->action(p->st, app, a);
    if (flags & STC_PANE_RESIZE)
        stc_app_layout(app);
    if (!(flags & STC_PANE_HANDLED))
        stc_app_global(app, a);
}

/* The pane whose frame covers (x, y), or -1. */
static int stc_app_pane_at(const stc_app *app, int x, int y)
{
    for (int i = 0; i < STC_PANE_COUNT; i++) {
        const stc_pane *p = &app->panes[i];
        if (p->w > 0 && x >= p->x && x < p->x + p->w && y >= p->y && y < p->y + p->h)
            return i;
    }
    return -1;
}

void stc_app_click(stc_app *app, int x, int y)
{
    free(app->message);
    app->message = NULL;
    app->needs_redraw = true;
    if (app->dialog || app->prompt_on || app->learn || stc_app_too_small(app))
        return;
    int i = stc_app_pane_at(app, x, y);
    if (i < 0)
        return;
    stc_pane *p = &app->panes[i];
    if (p->ops->tab && y == p->y) {
        /* a click on a tab title switches the tab */
        int tx = p->x + 1;
        char buf[128];
        for (int k = 0; k < STC_PANE_COUNT; k++) {
            if (!app->panes[k].ops->tab)
                continue;
            if (tx > p->x + 1)
                tx += 1;
            const char *t = k == (int)app->tab ? stc_app_pane_title(app, k, buf, sizeof buf) : NULL;
            if (!t) {
                snprintf(buf, sizeof buf, " %s ", app->panes[k].ops->name);
                t = buf;
            }
            int w = stc_cells_width(t);
            if (x >= tx && x < tx + w) {
                stc_app_show_tab(app, k, 0);
                return;
            }
            tx += w;
        }
        return;
    }
    stc_app_focus(app, (stc_pane_id)i);
    if (p->ops->click && x > p->x && x < p->x + p->w - 1 && y > p->y && y < p->y + p->h - 1)
        p->ops->click(p->st, app, x - p->x - 1, y - p->y - 1);
}

void stc_app_wheel(stc_app *app, int x, int y, int dir)
{
    if (app->learn && !app->dialog)
        return; /* learn mode is keyboard only */
    if (app->dialog) {
        app->dialog->scroll += dir * 3;
        app->needs_redraw = true;
        return;
    }
    int i = stc_app_pane_at(app, x, y);
    if (i < 0 || !app->panes[i].ops->action)
        return;
    for (int k = 0; k < 3; k++)
        app->panes[i].ops->action(app->panes[i].st, app, dir < 0 ? STC_ACT_UP : STC_ACT_DOWN);
    app->needs_redraw = true;
}
