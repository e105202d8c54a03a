/* emitdlg.c - see emitdlg.h. */
#include "tui/emitdlg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "core/aws/emit.h"
#include "core/util.h"
#include "tui/app.h"
#if defined(STC_TUI_HAVE_RENDER)
#include "render/layout.h"
#include "render/svg.h"
#include "tui/bg.h"
#endif

struct stc_emitdlg {
    stc_emit files; /* what Enter writes */
    char *mode;
    char *dir;
};

void stc_emitdlg_free(struct stc_emitdlg *d)
{
    if (!d)
        return;
    stc_emit_free(&d->files);
    free(d->mode);
    free(d->dir);
    free(d);
}

char *stc_emitdlg_dir(const stc_app *app)
{
    if (app->emit_dir && *app->emit_dir && app->emit_dir_mode == app->mode)
        return stc_xstrdup(app->emit_dir);
    const char *path = app->path ? app->path : "";
    const char *slash = strrchr(path, '/');
    const char *svc = app->svc ? stc_service_name(app->svc) : NULL;
    char *folder = slash ? stc_xstrndup(path, (size_t)(slash - path)) : stc_xstrdup(".");
    char *dir = stc_xasprintf("%s/out-%s-%s", *folder ? folder : "", svc ? svc : "service", stc_app_mode(app));
    free(folder);
    return dir;
}

#if defined(STC_TUI_HAVE_RENDER)
/* The drawing of one state machine (emit's SVG hook), as `stc-tui emit`
 * makes it; NULL when the renderer cannot follow it. */
static char *stc_emitdlg_svg(const char *asl, size_t len, void *ctx)
{
    (void)ctx;
    cJSON *doc = cJSON_ParseWithLength(asl, len);
    if (!doc)
        return NULL;
    stc_diags diags = STC_DIAGS_INIT;
    stc_render_lock(); /* the Graph pane's layouts run on the worker (tui/bg.h) */
    stc_layout *l = stc_layout_build(doc, NULL, &diags);
    stc_render_unlock();
    char *svg = l ? stc_svg_render(l, NULL) : NULL;
    stc_layout_free(l);
    stc_diags_free(&diags);
    cJSON_Delete(doc);
    return svg;
}
#endif

static void stc_emitdlg_size(char *buf, size_t n, unsigned long long bytes)
{
    if (bytes < 1024)
        snprintf(buf, n, "%llu B", bytes);
    else if (bytes < 1024 * 1024)
        snprintf(buf, n, "%.1f kB", (double)bytes / 1024.0);
    else
        snprintf(buf, n, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
}

/* What is at `dir` now, and what emit will do with it. */
static const char *stc_emitdlg_status(const char *dir, int *el)
{
    struct stat sb;
    *el = STC_EL_DIM;
    if (stat(dir, &sb) != 0) {
        char *parent = stc_xstrdup(dir);
        char *slash = strrchr(parent, '/');
        const char *p = ".";
        if (slash && slash != parent) {
            *slash = '\0';
            p = parent;
        } else if (slash) {
            p = "/";
        }
        bool ok = stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
        free(parent);
        if (ok)
            return "new folder";
        *el = STC_EL_MESSAGE_ERROR;
        return "its parent is missing or not a folder: emit will fail";
    }
    if (!S_ISDIR(sb.st_mode)) {
        *el = STC_EL_MESSAGE_ERROR;
        return "not a folder: emit will fail";
    }
    DIR *d = opendir(dir);
    bool empty = true;
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            empty = false;
    if (d)
        closedir(d);
    if (empty)
        return "empty folder";
    char *mpath = stc_xasprintf("%s/manifest.json", dir);
    char *text = NULL, *err = NULL;
    size_t len;
    bool ours = false;
    if (stc_file_read(mpath, &text, &len, &err) == 0) {
        cJSON *j = cJSON_ParseWithLength(text, len);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(j, "generator");
        ours = cJSON_IsString(g) && strcmp(g->valuestring, "stc-tui") == 0;
        cJSON_Delete(j);
    }
    free(err);
    free(text);
    free(mpath);
    if (ours)
        return "stc-tui wrote it before: its contents are replaced";
    *el = STC_EL_MESSAGE_ERROR;
    return "not empty and not written by stc-tui: emit will refuse";
}

static void stc_emitdlg_show(stc_app *app);

static void stc_emitdlg_folder_done(stc_app *app, const char *text)
{
    free(app->emit_dir);
    app->emit_dir = *text ? stc_xstrdup(text) : NULL;
    app->emit_dir_mode = app->mode;
    stc_emitdlg_open(app);
}

static bool stc_emitdlg_key(stc_app *app, int key, stc_action a)
{
    if (key == 'f') {
        char *dir = stc_emitdlg_dir(app);
        stc_app_close_dialog(app);
        stc_app_prompt(app, "emit folder: ", dir, stc_emitdlg_folder_done);
        free(dir);
        return true;
    }
    if (a == STC_ACT_MODE) {
        stc_app_close_dialog(app);
        stc_app_next_mode(app);
        stc_emitdlg_open(app);
        return true;
    }
    return false;
}

/* Every file under `dir` (relative, sorted) with its size. */
static void stc_emitdlg_walk(const char *dir, const char *rel, char ***names, unsigned long long **sizes, size_t *n)
{
    char *full = *rel ? stc_xasprintf("%s/%s", dir, rel) : stc_xstrdup(dir);
    DIR *d = opendir(full);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *r = *rel ? stc_xasprintf("%s/%s", rel, de->d_name) : stc_xstrdup(de->d_name);
        char *f = stc_xasprintf("%s/%s", dir, r);
        struct stat sb;
        if (stat(f, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            stc_emitdlg_walk(dir, r, names, sizes, n);
            free(r);
        } else {
            *names = stc_xrealloc(*names, (*n + 1) * sizeof **names);
            *sizes = stc_xrealloc(*sizes, (*n + 1) * sizeof **sizes);
            (*names)[*n] = r;
            (*sizes)[*n] = (unsigned long long)sb.st_size;
            (*n)++;
        }
        free(f);
    }
    if (d)
        closedir(d);
    free(full);
}

static int stc_emitdlg_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void stc_emitdlg_write(stc_app *app)
{
    struct stc_emitdlg *e = app->emitdlg;
    if (!e)
        return;
    char *err = NULL;
    stc_diags_free(&app->emit_diags);
    stc_rich r = STC_RICH_INIT;
    const char *svc = stc_service_name(app->svc);
    if (stc_emit_write(&e->files, e->dir, &err) != 0) {
        stc_diag *dg = stc_diag_add(&app->emit_diags, STC_SEV_ERROR, e->dir, 0, 0, "STC955",
                                    "emit of %s (%s) failed: %s; nothing was changed", svc, e->mode, err);
        stc_diag_set_hint(dg, "e opens the emit dialog again; f there changes the folder");
        stc_rich_add(&r, STC_EL_MARK_ERROR, app->utf8 ? "✗ " : "x ");
        stc_rich_addf(&r, STC_EL_NORMAL, "Nothing was written: %s.\n", err);
        stc_rich_addf(&r, STC_EL_DIM, "%s is as it was. Press e, then f to choose another folder.\n", e->dir);
        stc_app_dialog(app, "Emit failed", &r, "Esc close", NULL);
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "emit failed: %s", err);
        free(err);
        return;
    }
    char **names = NULL;
    unsigned long long *sizes = NULL, total = 0;
    size_t n = 0;
    stc_emitdlg_walk(e->dir, "", &names, &sizes, &n);
    /* sort names and sizes together: sort an index */
    size_t *order = stc_xcalloc(n + 1, sizeof *order);
    char **sorted = stc_xcalloc(n + 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = names[i];
    qsort(sorted, n, sizeof *sorted, stc_emitdlg_cmp);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++)
            if (sorted[i] == names[j])
                order[i] = j;
    for (size_t i = 0; i < n; i++)
        total += sizes[i];
    char tot[32];
    stc_emitdlg_size(tot, sizeof tot, total);
    stc_rich_add(&r, STC_EL_SIM_STATUS_OK, app->utf8 ? "✓ " : "ok ");
    stc_rich_addf(&r, STC_EL_NORMAL, "Wrote %s (%s) into %s: %zu files, %s.\n", svc, e->mode, e->dir, n, tot);
    stc_rich_add(&r, STC_EL_DIM, "On disk now:\n");
    for (size_t i = 0; i < n; i++) {
        char sz[32];
        stc_emitdlg_size(sz, sizeof sz, sizes[order[i]]);
        stc_rich_addf(&r, STC_EL_NORMAL, "  %-58s", names[order[i]]);
        stc_rich_addf(&r, STC_EL_DIM, " %9s\n", sz);
    }
    stc_rich_addf(&r, STC_EL_DIM, "Deploy: see %s/DEPLOY.md.\n", e->dir);
    stc_app_dialog(app, "Emitted", &r, "Esc close  j/k scroll", NULL);
    stc_app_message(app, STC_EL_MESSAGE, "emitted %s (%s) into %s: %zu files", svc, e->mode, e->dir, n);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(sizes);
    free(sorted);
    free(order);
}

static void stc_emitdlg_show(stc_app *app)
{
    struct stc_emitdlg *e = app->emitdlg;
    stc_rich r = STC_RICH_INIT;
    unsigned long long total = 0;
    for (size_t i = 0; i < e->files.nfiles; i++)
        total += e->files.files[i].len;
    char tot[32];
    stc_emitdlg_size(tot, sizeof tot, total);
    int el;
    const char *status = stc_emitdlg_status(e->dir, &el);
    stc_rich_add(&r, STC_EL_SIM_LABEL, "Service  ");
    stc_rich_addf(&r, STC_EL_NORMAL, "%s  ", stc_service_name(app->svc));
    stc_rich_addf(&r, STC_EL_DIM, "%s\n", app->path);
    stc_rich_add(&r, STC_EL_SIM_LABEL, "Mode     ");
    stc_rich_addf(&r, STC_EL_MODE_ACTIVE, "%s", e->mode);
    stc_rich_add(&r, STC_EL_DIM, "  (m: next mode)\n");
    stc_rich_add(&r, STC_EL_SIM_LABEL, "Folder   ");
    stc_rich_addf(&r, STC_EL_NORMAL, "%s", e->dir);
    stc_rich_add(&r, STC_EL_DIM, "  (f: change)\n");
    stc_rich_add(&r, STC_EL_SIM_LABEL, "         ");
    stc_rich_addf(&r, el, "%s\n", status);
    stc_rich_add(&r, STC_EL_SIM_LABEL, "Files    ");
    stc_rich_addf(&r, STC_EL_NORMAL, "%zu, %s, written all at once (nothing changes on an error)\n",
                  e->files.nfiles, tot);
    for (size_t i = 0; i < e->files.nfiles; i++) {
        char sz[32];
        stc_emitdlg_size(sz, sizeof sz, e->files.files[i].len);
        stc_rich_addf(&r, STC_EL_NORMAL, "  %-58s", e->files.files[i].path);
        stc_rich_addf(&r, STC_EL_DIM, " %9s\n", sz);
    }
    char *title = stc_xasprintf("Emit %s (%s)", stc_service_name(app->svc), e->mode);
    stc_app_dialog(app, title, &r, "Enter write  f folder  m mode  Esc cancel", stc_emitdlg_write);
    stc_app_dialog_keys(app, stc_emitdlg_key);
    free(title);
}

void stc_emitdlg_open(stc_app *app)
{
    stc_emitdlg_free(app->emitdlg);
    app->emitdlg = NULL;
    if (!app->path || !app->svc) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "emit needs a module (this is a state machine file)");
        return;
    }
    if (app->broken) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "cannot emit: the module does not compile (see the banner)");
        return;
    }
    size_t errors = stc_diags_count(&app->svc->diags, STC_SEV_ERROR);
    if (errors) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "cannot emit: the module has %zu error%s (see Diagnostics)",
                        errors, errors == 1 ? "" : "s");
        return;
    }
    struct stc_emitdlg *e = stc_xcalloc(1, sizeof *e);
    e->mode = stc_xstrdup(stc_app_mode(app));
    e->dir = stc_emitdlg_dir(app);
    stc_emit_options o = {.mode = e->mode, .config_path = app->config};
#if defined(STC_TUI_HAVE_RENDER)
    o.svg = stc_emitdlg_svg;
#endif
    stc_diags d = STC_DIAGS_INIT;
    int rc = stc_emit_collect(app->svc, &o, &e->files, &d);
    stc_diags_free(&app->emit_diags);
    if (rc != 0) {
        stc_diags_sort(&d);
        stc_rich r = STC_RICH_INIT;
        stc_rich_addf(&r, STC_EL_NORMAL, "The files of %s (%s) cannot be built; nothing was written:\n",
                      stc_service_name(app->svc), e->mode);
        for (size_t i = 0; i < d.count; i++) {
            const stc_diag *x = &d.items[i];
            stc_rich_addf(&r, x->severity == STC_SEV_ERROR ? STC_EL_MARK_ERROR : STC_EL_MARK_WARNING, "  %s ",
                          x->code);
            stc_rich_addf(&r, STC_EL_NORMAL, "%s\n", x->message);
            stc_diag *y = stc_diag_add(&app->emit_diags, x->severity, x->file, x->line, x->col, x->code, "%s",
                                       x->message);
            if (x->hint)
                stc_diag_set_hint(y, "%s", x->hint);
        }
        stc_diags_free(&d);
        stc_emitdlg_free(e);
        stc_app_dialog(app, "Emit: nothing to write", &r, "Esc close", NULL);
        return;
    }
    stc_diags_free(&d);
    app->emitdlg = e;
    stc_emitdlg_show(app);
}
