/* yamlview.h - a block-style YAML document (the template as
 * core/yaml_out.h writes it) cut into rows for the Template pane: each
 * line's place in the document (top-level section, entry, path below the
 * entry in the notation of stc_template_diff()), its fold range and its
 * colours.
 *
 * Only the block style libyaml emits is understood: two-space indents,
 * sequences ("- ") at their parent key's column, quoted or plain keys,
 * literal/folded block scalars ("|", ">"), one-line flow collections.
 *
 * Ownership: a stc_yamlview owns its rows and their strings; free it with
 * stc_yamlview_free(). The input text is copied.
 */
#ifndef STC_TUI_YAMLVIEW_H
#define STC_TUI_YAMLVIEW_H

#include <stdbool.h>
#include <stddef.h>

typedef struct stc_yaml_row {
    char *text;    /* the line, without its newline */
    char *section; /* "Resources"; NULL before the first key */
    char *entry;   /* "PeopleTable" on and below an entry; NULL on a section line */
    char *path;    /* below the entry: "Properties.Policies[0].PolicyName";
                      "" on the entry line itself; NULL above */
    int level;     /* 0: a section line, 1: an entry line, 2: deeper */
    int end;       /* a header's last row (its children); == its own index otherwise */
    bool header;   /* a section or entry line with children (it can fold) */
    bool block;    /* the row is the text of a block scalar */
} stc_yaml_row;

typedef struct stc_yamlview {
    stc_yaml_row *rows;
    int n;
} stc_yamlview;

/* Cut `text` into rows (a final newline adds no row). */
void stc_yamlview_parse(stc_yamlview *v, const char *text);
void stc_yamlview_free(stc_yamlview *v);

/* The rows of `section` / `entry` (entry NULL: the section line), or -1. */
int stc_yamlview_find(const stc_yamlview *v, const char *section, const char *entry);

/* Does row path `path` lie at or below `prefix` ("A.B" covers "A.B",
 * "A.B.C" and "A.B[0]", not "A.BC")? */
bool stc_yamlview_path_under(const char *path, const char *prefix);

/* Fill styles[0..len) with an stc_element (tui/elements.def: yaml_key,
 * yaml_string, yaml_number, yaml_tag, yaml_punct, dim for comments, normal)
 * per byte of `line`; `block` says the line is block scalar text. */
void stc_yamlview_style(const char *line, size_t len, bool block, unsigned short *styles);

#endif
