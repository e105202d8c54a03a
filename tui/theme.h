/* theme.h - colours of the workbench from theme files.
 *
 * A theme file has one instruction per line, in the spirit of tig's colour
 * lines:
 *     # comment
 *     color <element> <fg> <bg> [attribute ...]
 * Elements are listed in tui/elements.def (plus graph_<style> for every
 * style of render/styles.def). Colours: default, black, red, green, yellow,
 * blue, magenta, cyan, white, bright-<colour>, colorN / N (0-255).
 * Attributes: normal, bold, dim, underline, reverse, standout, italic, blink.
 *
 * The default theme (themes/default.theme) and the other shipped themes are
 * compiled in; a theme is always applied on top of the default one, so a
 * file only names what it changes. A bad line becomes a diagnostic with the
 * file and line (codes STC950-STC955) and the rest of the file still applies.
 */
#ifndef STC_TUI_THEME_H
#define STC_TUI_THEME_H

#include <stdbool.h>

#include "core/diag.h"

#if defined(STC_TUI_HAVE_RENDER)
#include "render/style.h"
#endif

typedef enum stc_element {
#define ELEM(id, name, help) STC_EL_##id,
#include "tui/elements.def"
#undef ELEM
#if defined(STC_TUI_HAVE_RENDER)
#define STYLE(name) STC_EL_GRAPH_##name,
#include "render/styles.def"
#undef STYLE
#endif
    STC_EL_COUNT
} stc_element;

/* Attribute bits of a theme entry. */
enum {
    STC_ATTR_BOLD = 1 << 0,
    STC_ATTR_DIM = 1 << 1,
    STC_ATTR_UNDERLINE = 1 << 2,
    STC_ATTR_REVERSE = 1 << 3,
    STC_ATTR_STANDOUT = 1 << 4,
    STC_ATTR_ITALIC = 1 << 5,
    STC_ATTR_BLINK = 1 << 6,
};

typedef struct stc_theme_entry {
    short fg, bg;   /* -1 = terminal default, 0-255 */
    unsigned attrs; /* STC_ATTR_* */
} stc_theme_entry;

typedef struct stc_theme {
    char name[64];
    stc_theme_entry el[STC_EL_COUNT];
} stc_theme;

/* "cursor" for STC_EL_CURSOR, "graph_box_task" for a graph style. */
const char *stc_element_name(int el);
const char *stc_element_help(int el);
/* The element named `name`, or -1. */
int stc_element_from_name(const char *name);

/* The element of a graph canvas style id (render/style.h). */
int stc_element_of_style(int style);

/* The text of a compiled-in theme ("default", "light", "high-contrast",
 * "mono"), or NULL. */
const char *stc_theme_builtin(const char *name);
/* The names of the compiled-in themes, NULL-terminated. */
const char *const *stc_theme_builtin_names(void);

/* Apply the lines of `text` (named `file` in diagnostics) to `t`. Returns
 * the number of bad lines. */
int stc_theme_parse(stc_theme *t, const char *file, const char *text, stc_diags *d);

/* Reset `t` to the compiled-in default theme. */
void stc_theme_default(stc_theme *t);

/* Load theme `name` on top of the default: a path (contains '/' or ends in
 * ".theme"), else $XDG_CONFIG_HOME/stc-tui/themes/NAME.theme (or
 * ~/.config/...), else the installed <datadir>/themes/NAME.theme
 * (core/util.h stc_data_dir), else a compiled-in theme. Returns 0, or -1
 * with a diagnostic (STC954) when no such theme exists (t is then the
 * default). */
int stc_theme_load(stc_theme *t, const char *name, stc_diags *d);

/* Every name --theme NAME finds: the compiled-in, personal and installed
 * themes, sorted, each once. A NULL-terminated array; the caller frees each
 * name and the array. */
char **stc_theme_names(void);

#endif
