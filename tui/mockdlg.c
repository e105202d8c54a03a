/* mockdlg.c - see mockdlg.h. */
#include "tui/mockdlg.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/util.h"
#include "tui/app.h"
#include "tui/simctl.h"

static const char *const stc_mockdlg_exts[] = {".mocks.yaml", ".mocks.yml", ".mocks.json"};
enum { STC_MOCKDLG_NEXT = 3 };

struct stc_mockdlg {
    char **files;
    size_t nfiles;
    size_t sel; /* files, then "no mocks file", then "another file..." */
};

/* The folder part of `path` with its slash ("" for none) and the module's
 * stem ("people" for "dir/people.py", "wait" for "wait.asl.json"). */
static void stc_mockdlg_split(const char *path, char **dir, char **stem)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    *dir = stc_xstrndup(path, (size_t)(base - path));
    size_t n = strlen(base);
    if (n > 9 && strcmp(base + n - 9, ".asl.json") == 0)
        n -= 9;
    else if (strrchr(base, '.') && strrchr(base, '.') != base)
        n = (size_t)(strrchr(base, '.') - base);
    *stem = stc_xstrndup(base, n);
}

static bool stc_mockdlg_is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

char *stc_mockdlg_default(const char *path)
{
    if (!path)
        return NULL;
    char *dir, *stem;
    stc_mockdlg_split(path, &dir, &stem);
    char *found = NULL;
    for (size_t i = 0; i < STC_ARRAY_LEN(stc_mockdlg_exts) && !found; i++) {
        char *p = stc_xasprintf("%s%s%s", dir, stem, stc_mockdlg_exts[i]);
        if (stc_mockdlg_is_file(p))
            found = p;
        else
            free(p);
    }
    free(dir);
    free(stem);
    return found;
}

/* The rank of file name `name` among the mocks files of `stem`: 0-2 for a
 * default (by extension), STC_MOCKDLG_NEXT for another script, -1 when it
 * is not one. */
static int stc_mockdlg_rank(const char *name, const char *stem)
{
    size_t sl = strlen(stem);
    if (strncmp(name, stem, sl) != 0 || name[sl] != '.')
        return -1;
    const char *rest = name + sl;
    for (size_t i = 0; i < STC_ARRAY_LEN(stc_mockdlg_exts); i++) {
        const char *ext = stc_mockdlg_exts[i];
        size_t rl = strlen(rest), el = strlen(ext);
        if (strcmp(rest, ext) == 0)
            return (int)i;
        /* ".<script>.mocks.yaml" with a non-empty script name */
        if (rl > el + 1 && strcmp(rest + rl - el, ext) == 0)
            return STC_MOCKDLG_NEXT;
    }
    return -1;
}

typedef struct stc_mockdlg_entry {
    int rank;
    char *name;
} stc_mockdlg_entry;

static int stc_mockdlg_cmp(const void *a, const void *b)
{
    const stc_mockdlg_entry *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return strcmp(x->name, y->name);
}

size_t stc_mockdlg_scripts(const char *path, char ***out)
{
    *out = NULL;
    if (!path)
        return 0;
    char *dir, *stem;
    stc_mockdlg_split(path, &dir, &stem);
    DIR *d = opendir(*dir ? dir : ".");
    stc_mockdlg_entry *v = NULL;
    size_t n = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        int rank = stc_mockdlg_rank(de->d_name, stem);
        if (rank < 0)
            continue;
        char *full = stc_xasprintf("%s%s", dir, de->d_name);
        if (!stc_mockdlg_is_file(full)) {
            free(full);
            continue;
        }
        v = stc_xrealloc(v, (n + 1) * sizeof *v);
        v[n].rank = rank;
        v[n].name = full;
        n++;
    }
    if (d)
        closedir(d);
    if (n)
        qsort(v, n, sizeof *v, stc_mockdlg_cmp);
    char **paths = stc_xcalloc(n + 1, sizeof *paths);
    for (size_t i = 0; i < n; i++)
        paths[i] = v[i].name;
    free(v);
    free(dir);
    free(stem);
    *out = paths;
    return n;
}

char *stc_mockdlg_describe(const char *file)
{
    char *text = NULL, *err = NULL;
    size_t len;
    if (stc_file_read(file, &text, &len, &err) != 0) {
        free(err);
        return NULL;
    }
    char *desc = NULL;
    for (char *line = text; line && *line && !desc;) {
        char *nl = strchr(line, '\n');
        size_t ll = nl ? (size_t)(nl - line) : strlen(line);
        const char *p = line;
        while (p < line + ll && (*p == ' ' || *p == '\t'))
            p++;
        if (p < line + ll && *p == '#') {
            p++;
            while (p < line + ll && *p == ' ')
                p++;
            size_t dl = (size_t)(line + ll - p);
            while (dl > 0 && (p[dl - 1] == ' ' || p[dl - 1] == '\r'))
                dl--;
            if (dl)
                desc = stc_xstrndup(p, dl);
        } else if (p < line + ll) {
            break; /* only the comment lines before the first entry */
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return desc;
}

void stc_mockdlg_load(stc_app *app, const char *file)
{
    char *err = NULL;
    if (stc_simctl_load_mocks(app->sim, file && *file ? file : NULL, &err) != 0) {
        stc_app_message(app, STC_EL_MESSAGE_ERROR, "mocks: %s", err);
        free(err);
        return;
    }
    const char *again = stc_simctl_active(app->sim) ? "; the simulation starts again" : "";
    if (file && *file)
        stc_app_message(app, STC_EL_MESSAGE, "mocks from %s%s", file, again);
    else
        stc_app_message(app, STC_EL_MESSAGE, "no mocks file: every Task asks for its value%s", again);
}

void stc_mockdlg_free(struct stc_mockdlg *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nfiles; i++)
        free(d->files[i]);
    free(d->files);
    free(d);
}

static void stc_mockdlg_other_done(stc_app *app, const char *text)
{
    stc_mockdlg_load(app, text);
}

static void stc_mockdlg_enter(stc_app *app)
{
    struct stc_mockdlg *d = app->mockdlg;
    if (!d)
        return;
    if (d->sel < d->nfiles) {
        stc_mockdlg_load(app, d->files[d->sel]);
    } else if (d->sel == d->nfiles) {
        stc_mockdlg_load(app, NULL);
    } else {
        const char *cur = stc_simctl_mocks_path(app->sim);
        stc_app_prompt(app, "mocks file: ", cur, stc_mockdlg_other_done);
    }
}

static void stc_mockdlg_show(stc_app *app);

static bool stc_mockdlg_key(stc_app *app, int key, stc_action a)
{
    (void)key;
    struct stc_mockdlg *d = app->mockdlg;
    size_t last = d->nfiles + 1;
    switch (a) {
    case STC_ACT_UP: d->sel = d->sel > 0 ? d->sel - 1 : 0; break;
    case STC_ACT_DOWN: d->sel = d->sel < last ? d->sel + 1 : last; break;
    case STC_ACT_FIRST: d->sel = 0; break;
    case STC_ACT_LAST: d->sel = last; break;
    default: return false;
    }
    stc_mockdlg_show(app);
    return true;
}

static void stc_mockdlg_item(stc_rich *r, bool sel, bool utf8, const char *name, int name_w,
                             const char *desc, bool current)
{
    stc_rich_add(r, sel ? STC_EL_CURSOR : STC_EL_DIALOG, sel ? (utf8 ? "\xE2\x96\xB6 " : "> ") : "  ");
    int w = stc_cells_width(name);
    stc_rich_addf(r, sel ? STC_EL_CURSOR : STC_EL_DIALOG, "%s%*s", name, name_w > w ? name_w - w : 0, "");
    if (current)
        stc_rich_add(r, STC_EL_HINT, "  (loaded)");
    stc_rich_add(r, STC_EL_DIALOG, "\n");
    if (desc)
        stc_rich_addf(r, STC_EL_DIM, "    %s\n", desc);
}

static void stc_mockdlg_show(stc_app *app)
{
    struct stc_mockdlg *d = app->mockdlg;
    const char *base = app->path ? app->path : app->asl_path ? app->asl_path : "";
    const char *cur = stc_simctl_mocks_path(app->sim);
    stc_rich r = STC_RICH_INIT;
    char *dir, *stem;
    stc_mockdlg_split(base, &dir, &stem);
    stc_rich_addf(&r, STC_EL_DIALOG, "Mocks files beside %s (%s%s.mocks.yaml, %s%s.<script>.mocks.yaml):\n\n",
                  base, dir, stem, dir, stem);
    free(dir);
    free(stem);
    int name_w = 0;
    for (size_t i = 0; i < d->nfiles; i++)
        if (stc_cells_width(d->files[i]) > name_w)
            name_w = stc_cells_width(d->files[i]);
    if (name_w < 20)
        name_w = 20;
    if (d->nfiles == 0)
        stc_rich_add(&r, STC_EL_DIM, "  (none yet)\n");
    for (size_t i = 0; i < d->nfiles; i++) {
        char *desc = stc_mockdlg_describe(d->files[i]);
        stc_mockdlg_item(&r, d->sel == i, app->utf8, d->files[i], name_w, desc,
                         cur && strcmp(cur, d->files[i]) == 0);
        free(desc);
    }
    stc_rich_add(&r, STC_EL_DIALOG, "\n");
    stc_mockdlg_item(&r, d->sel == d->nfiles, app->utf8, "no mocks file", name_w,
                     "every Task asks for its value", !cur);
    stc_mockdlg_item(&r, d->sel == d->nfiles + 1, app->utf8, app->utf8 ? "another file\xE2\x80\xA6" : "another file...",
                     name_w, "type a path", false);
    stc_rich_add(&r, STC_EL_DIM,
                 "\nLoading a file restarts the execution and forgets the values typed at the prompt.\n");
    stc_app_dialog(app, "Mocks", &r, "Enter load  j/k move  Esc close", stc_mockdlg_enter);
    stc_app_dialog_keys(app, stc_mockdlg_key);
}

void stc_mockdlg_open(stc_app *app)
{
    stc_mockdlg_free(app->mockdlg);
    struct stc_mockdlg *d = stc_xcalloc(1, sizeof *d);
    app->mockdlg = d;
    const char *base = app->path ? app->path : app->asl_path;
    d->nfiles = stc_mockdlg_scripts(base, &d->files);
    const char *cur = stc_simctl_mocks_path(app->sim);
    d->sel = cur ? d->nfiles + 1 : d->nfiles;
    for (size_t i = 0; cur && i < d->nfiles; i++)
        if (strcmp(cur, d->files[i]) == 0)
            d->sel = i;
    stc_mockdlg_show(app);
}
