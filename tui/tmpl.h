/* tmpl.h - the workbench's template of the current mode, and what changed
 * since the previous mode.
 *
 * stc_tmpl_update() runs on load, reload and mode change (never while
 * drawing): it builds the CloudFormation template of `mode` from the
 * compiled service through core/aws/template.h, writes it as YAML (the text
 * `stc-tui template` prints) and, when a previous mode is given, compares
 * the previous mode's template with it through stc_template_diff() -- the
 * code `stc-tui diff` uses. On a mode change with the same module text the
 * template already held is the previous one and is not built again.
 * The YAML text is written only when first asked for (stc_tmpl_yaml()), so
 * a first frame that does not show the Template tab does not pay for it.
 *
 * Ownership: a stc_tmpl owns its trees, text and diagnostics; the service
 * is borrowed during the call only.
 */
#ifndef STC_TUI_TMPL_H
#define STC_TUI_TMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/diag.h"
#include "core/service.h"

struct cJSON;

typedef struct stc_tmpl_unit {
    char *method; /* "register_person" */
    char *camel;  /* "RegisterPerson": the start of its resources' logical names */
} stc_tmpl_unit;

typedef struct stc_tmpl {
    char *mode;            /* the mode of `tree` */
    struct cJSON *tree;    /* the template, NULL when it could not be built */
    char *yaml;            /* its YAML text, written on demand by stc_tmpl_yaml() */
    char *why;             /* why there is no template (one line), or NULL */
    stc_diags diags;       /* the template stage's diagnostics, minus the service's own */
    char *prev_mode;       /* the mode compared against, NULL: none */
    struct cJSON *changes; /* stc_template_diff(previous, tree), NULL without prev_mode */
    stc_tmpl_unit *units;  /* the cloud units, for finding a method's resources */
    size_t nunits;
    char *source;          /* the module text `tree` was built from (identity) */
    double build_ms;       /* wall time of the last update */
} stc_tmpl;

/* Rebuild for `mode` (compared with `prev_mode`, NULL: no comparison) from
 * `svc` with configuration file `config` (NULL: SERVICE.stc.yaml beside the
 * module, when present). */
void stc_tmpl_update(stc_tmpl *t, const stc_service *svc, const char *mode, const char *prev_mode,
                     const char *config);
void stc_tmpl_free(stc_tmpl *t);

/* The YAML text of the template (what `stc-tui template` prints), written
 * on the first call after an update; NULL when there is no template or it
 * could not be written (then t->why says why, and the tree is dropped).
 * The stc_tmpl owns the text until the next update or free. */
const char *stc_tmpl_yaml(stc_tmpl *t);

/* How entry `name` of template section `section` ("Parameters",
 * "Resources", "Outputs") changed since the previous mode: "added",
 * "changed" or NULL (same, or no comparison). For "changed", *changes (when
 * not NULL) receives the diff's list of {"path", "op", "from"?, "to"?}. */
const char *stc_tmpl_change(const stc_tmpl *t, const char *section, const char *name,
                            const struct cJSON **changes);

/* Counts of the comparison over all sections: entries added, removed and
 * changed. All zero without one. */
void stc_tmpl_counts(const stc_tmpl *t, int *added, int *removed, int *changed);

/* The entries of `section` removed since the previous mode (the diff's
 * "removed" list: [{"name", "type"?}]), or NULL. */
const struct cJSON *stc_tmpl_removed(const stc_tmpl *t, const char *section);

/* The method whose resources have logical names starting with the name of
 * `entry` ("RegisterPersonFunctionRole" -> "register_person"), or NULL. */
const char *stc_tmpl_method_of(const stc_tmpl *t, const char *entry);
/* The camel-case prefix of method `method`'s resources, or NULL. */
const char *stc_tmpl_camel_of(const stc_tmpl *t, const char *method);

/* A value of the diff on one line: intrinsics short (!Ref X, !GetAtt A.B,
 * !Sub "..."), the rest as compact JSON. The caller owns the text. */
char *stc_tmpl_value_text(const struct cJSON *v);

#endif
