/* diag.h - the one diagnostics list shared by every stage.
 *
 * Stages never print or exit: they append diagnostics here, and main()
 * decides what to print and which exit status to use. A diagnostic has a
 * severity, a file, a 1-based line and column (0 when unknown), a code such as
 * "STC101" (the ranges per stage are in docs/diagnostics.md), a message and an
 * optional hint. The list owns all its strings.
 */
#ifndef STC_DIAG_H
#define STC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum stc_severity {
    STC_SEV_NOTE,
    STC_SEV_WARNING,
    STC_SEV_ERROR,
} stc_severity;

typedef struct stc_diag {
    stc_severity severity;
    char *file;
    int line, col;         /* 1-based; 0 = unknown */
    int end_line, end_col; /* 1-based, end exclusive; 0 = unknown */
    char *code;            /* "STC101" */
    char *message;
    char *hint;            /* may be NULL */
} stc_diag;

typedef struct stc_diags {
    stc_diag *items;
    size_t count, cap;
} stc_diags;

#define STC_DIAGS_INIT {NULL, 0, 0}

/* Append a diagnostic; file may be NULL. Returns the new entry so a caller
 * can add a hint or an end position. */
stc_diag *stc_diag_add(stc_diags *d, stc_severity sev, const char *file, int line, int col,
                       const char *code, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
void stc_diag_set_hint(stc_diag *dg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void stc_diag_set_end(stc_diag *dg, int end_line, int end_col);
size_t stc_diags_count(const stc_diags *d, stc_severity sev);
bool stc_diags_has_errors(const stc_diags *d);
/* Stable order: by file, line, column, then insertion order. */
void stc_diags_sort(stc_diags *d);
void stc_diags_free(stc_diags *d);
const char *stc_severity_name(stc_severity sev);

/* Print every diagnostic like a compiler: "file:line:col: error: CODE msg",
 * then (when `source` is given and the line exists) the source line and a
 * caret under the column, then "  hint: ..." when there is a hint. `source`
 * is the text of `file` (may be NULL). */
void stc_diags_print(const stc_diags *d, FILE *out, const char *source);
void stc_diag_print_one(const stc_diag *dg, FILE *out, const char *source);

/* JSON: an array of {"severity","file","line","col","code","message","hint"};
 * returns a cJSON array owned by the caller (declared as void* so this
 * header does not pull in cJSON). */
void *stc_diags_to_json(const stc_diags *d);

#endif
