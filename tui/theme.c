/* theme.c - see theme.h. */
#include "tui/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "tui/themes_builtin.h"

typedef struct stc_element_info {
    const char *name;
    const char *help;
} stc_element_info;

static const stc_element_info stc_elements[STC_EL_COUNT] = {
#define ELEM(id, name, help) [STC_EL_##id] = {name, help},
#include "tui/elements.def"
#undef ELEM
#if defined(STC_TUI_HAVE_RENDER)
#define STYLE(name) [STC_EL_GRAPH_##name] = {NULL, "graph canvas style"},
#include "render/styles.def"
#undef STYLE
#endif
};

const char *stc_element_name(int el)
{
    if (el < 0 || el >= STC_EL_COUNT)
        return "?";
#if defined(STC_TUI_HAVE_RENDER)
    if (el >= STC_EL_GRAPH_NORMAL) {
        static char names[STC_STYLE_COUNT][48];
        int s = el - STC_EL_GRAPH_NORMAL;
        if (!names[s][0]) {
            char tmp[48];
            snprintf(tmp, sizeof tmp, "graph_%s", stc_style_name(s));
            for (char *p = tmp; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            memcpy(names[s], tmp, sizeof tmp);
        }
        return names[s];
    }
#endif
    return stc_elements[el].name;
}

const char *stc_element_help(int el)
{
    return el >= 0 && el < STC_EL_COUNT ? stc_elements[el].help : "";
}

int stc_element_from_name(const char *name)
{
    for (int el = 0; el < STC_EL_COUNT; el++)
        if (strcmp(stc_element_name(el), name) == 0)
            return el;
    return -1;
}

int stc_element_of_style(int style)
{
#if defined(STC_TUI_HAVE_RENDER)
    if (style >= 0 && style < STC_STYLE_COUNT)
        return STC_EL_GRAPH_NORMAL + style;
#endif
    (void)style;
    return STC_EL_NORMAL;
}

const char *stc_theme_builtin(const char *name)
{
    for (const stc_theme_text *t = stc_themes_builtin; t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t->text;
    return NULL;
}

const char *const *stc_theme_builtin_names(void)
{
    static const char *names[16];
    size_t n = 0;
    for (const stc_theme_text *t = stc_themes_builtin; t->name && n + 1 < STC_ARRAY_LEN(names); t++)
        names[n++] = t->name;
    names[n] = NULL;
    return names;
}

static const char *const stc_colour_names[] = {"black", "red",     "green", "yellow",
                                               "blue",  "magenta", "cyan",  "white"};

/* -1 for "default", 0-255, or -2 when unknown. */
static int stc_theme_colour(const char *s)
{
    if (strcasecmp(s, "default") == 0)
        return -1;
    for (int i = 0; i < 8; i++) {
        if (strcasecmp(s, stc_colour_names[i]) == 0)
            return i;
        if (strncasecmp(s, "bright-", 7) == 0 && strcasecmp(s + 7, stc_colour_names[i]) == 0)
            return 8 + i;
    }
    const char *digits = strncasecmp(s, "color", 5) == 0 ? s + 5 : s;
    if (!*digits)
        return -2;
    for (const char *p = digits; *p; p++)
        if (!isdigit((unsigned char)*p))
            return -2;
    long v = strtol(digits, NULL, 10);
    return v >= 0 && v <= 255 ? (int)v : -2;
}

static const struct {
    const char *name;
    unsigned bit;
} stc_attr_names[] = {
    {"normal", 0},
    {"bold", STC_ATTR_BOLD},
    {"dim", STC_ATTR_DIM},
    {"underline", STC_ATTR_UNDERLINE},
    {"reverse", STC_ATTR_REVERSE},
    {"standout", STC_ATTR_STANDOUT},
    {"italic", STC_ATTR_ITALIC},
    {"blink", STC_ATTR_BLINK},
};

/* Split `line` in place into at most `max` words; returns the count. */
static int stc_theme_words(char *line, char **words, int max)
{
    int n = 0;
    char *p = line;
    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (!*p || *p == '#')
            break;
        if (n == max)
            return max + 1;
        words[n++] = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

int stc_theme_parse(stc_theme *t, const char *file, const char *text, stc_diags *d)
{
    int bad = 0, lineno = 0;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char *line = stc_xstrndup(p, len);
        lineno++;
        char *w[16];
        int n = stc_theme_words(line, w, 15);
        if (n == 0) {
            /* blank or comment */
        } else if (strcmp(w[0], "color") != 0) {
            stc_diag_add(d, STC_SEV_WARNING, file, lineno, 1, "STC953",
                         "unknown instruction '%s' (a theme line is 'color <element> <fg> <bg> [attributes]')",
                         w[0]);
            bad++;
        } else if (n < 4 || n > 15) {
            stc_diag_add(d, STC_SEV_WARNING, file, lineno, 1, "STC953",
                         "a color line needs an element, a foreground and a background");
            bad++;
        } else {
            int el = stc_element_from_name(w[1]);
            int fg = stc_theme_colour(w[2]), bg = stc_theme_colour(w[3]);
            unsigned attrs = 0;
            bool ok = true;
            if (el < 0) {
                stc_diag_add(d, STC_SEV_WARNING, file, lineno, (int)(w[1] - line) + 1, "STC950",
                             "unknown element '%s'", w[1]);
                ok = false;
            }
            if (ok && (fg == -2 || bg == -2)) {
                const char *which = fg == -2 ? w[2] : w[3];
                stc_diag_add(d, STC_SEV_WARNING, file, lineno, (int)(which - line) + 1, "STC951",
                             "unknown colour '%s' (use default, a colour name, bright-<name> or 0-255)",
                             which);
                ok = false;
            }
            for (int i = 4; ok && i < n; i++) {
                bool found = false;
                for (size_t k = 0; k < STC_ARRAY_LEN(stc_attr_names); k++)
                    if (strcasecmp(w[i], stc_attr_names[k].name) == 0) {
                        attrs |= stc_attr_names[k].bit;
                        found = true;
                    }
                if (!found) {
                    stc_diag_add(d, STC_SEV_WARNING, file, lineno, (int)(w[i] - line) + 1, "STC952",
                                 "unknown attribute '%s'", w[i]);
                    ok = false;
                }
            }
            if (ok) {
                t->el[el].fg = (short)fg;
                t->el[el].bg = (short)bg;
                t->el[el].attrs = attrs;
            } else {
                bad++;
            }
        }
        free(line);
        if (!eol)
            break;
        p = eol + 1;
    }
    return bad;
}

void stc_theme_default(stc_theme *t)
{
    memset(t, 0, sizeof *t);
    for (int el = 0; el < STC_EL_COUNT; el++) {
        t->el[el].fg = -1;
        t->el[el].bg = -1;
    }
    const char *text = stc_theme_builtin("default");
    if (text) {
        stc_diags ignored = STC_DIAGS_INIT; /* the unit test keeps default.theme clean */
        stc_theme_parse(t, "themes/default.theme", text, &ignored);
        stc_diags_free(&ignored);
    }
    snprintf(t->name, sizeof t->name, "default");
}

/* The personal themes folder: $XDG_CONFIG_HOME/stc-tui/themes, else
 * ~/.config/stc-tui/themes; NULL when neither variable is set. Allocated. */
static char *stc_theme_personal_dir(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        return stc_xasprintf("%s/stc-tui/themes", xdg);
    if (home && *home)
        return stc_xasprintf("%s/.config/stc-tui/themes", home);
    return NULL;
}

/* The installed themes folder (<datadir>/themes), or NULL. Allocated. */
static char *stc_theme_installed_dir(void)
{
    const char *data = stc_data_dir();
    return data ? stc_xasprintf("%s/themes", data) : NULL;
}

int stc_theme_load(stc_theme *t, const char *name, stc_diags *d)
{
    stc_theme_default(t);
    if (!name || strcmp(name, "default") == 0)
        return 0;
    size_t nl = strlen(name);
    /* The files to try, in order: the path given, else the personal theme
     * then the installed one; then the compiled-in theme. */
    char *paths[2] = {NULL, NULL};
    if (strchr(name, '/') || (nl > 6 && strcmp(name + nl - 6, ".theme") == 0)) {
        paths[0] = stc_xstrdup(name);
    } else {
        char *dirs[2] = {stc_theme_personal_dir(), stc_theme_installed_dir()};
        for (int i = 0, n = 0; i < 2; i++)
            if (dirs[i]) {
                paths[n++] = stc_xasprintf("%s/%s.theme", dirs[i], name);
                free(dirs[i]);
            }
    }
    int rc = -1;
    for (int i = 0; i < 2 && paths[i] && rc != 0; i++) {
        char *text = NULL, *err = NULL;
        size_t len;
        if (stc_file_read(paths[i], &text, &len, &err) == 0) {
            stc_theme_parse(t, paths[i], text, d);
            snprintf(t->name, sizeof t->name, "%s", name);
            free(text);
            rc = 0;
        }
        free(err);
    }
    const char *builtin = rc != 0 ? stc_theme_builtin(name) : NULL;
    if (builtin) {
        stc_theme_parse(t, name, builtin, d);
        snprintf(t->name, sizeof t->name, "%s", name);
        rc = 0;
    }
    if (rc != 0)
        stc_diag_add(d, STC_SEV_WARNING, paths[0] ? paths[0] : name, 0, 0, "STC954",
                     "no theme '%s' (looked for %s%s%s and the shipped themes); using the default", name,
                     paths[0] ? paths[0] : "a file", paths[1] ? ", " : "", paths[1] ? paths[1] : "");
    free(paths[0]);
    free(paths[1]);
    return rc;
}

static int stc_theme_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **stc_theme_names(void)
{
    size_t n = 0, cap = 16;
    char **names = stc_xmalloc(cap * sizeof *names);
    for (const char *const *b = stc_theme_builtin_names(); *b; b++) {
        if (n + 1 >= cap)
            names = stc_xrealloc(names, (cap *= 2) * sizeof *names);
        names[n++] = stc_xstrdup(*b);
    }
    char *dirs[2] = {stc_theme_personal_dir(), stc_theme_installed_dir()};
    for (int i = 0; i < 2; i++) {
        DIR *dir = dirs[i] ? opendir(dirs[i]) : NULL;
        struct dirent *e;
        while (dir && (e = readdir(dir))) {
            size_t l = strlen(e->d_name);
            if (l <= 6 || e->d_name[0] == '.' || strcmp(e->d_name + l - 6, ".theme") != 0)
                continue;
            if (n + 1 >= cap)
                names = stc_xrealloc(names, (cap *= 2) * sizeof *names);
            names[n++] = stc_xstrndup(e->d_name, l - 6);
        }
        if (dir)
            closedir(dir);
        free(dirs[i]);
    }
    qsort(names, n, sizeof *names, stc_theme_cmp);
    size_t k = 0; /* drop the repeated names */
    for (size_t i = 0; i < n; i++) {
        if (k && strcmp(names[k - 1], names[i]) == 0)
            free(names[i]);
        else
            names[k++] = names[i];
    }
    names[k] = NULL;
    return names;
}
