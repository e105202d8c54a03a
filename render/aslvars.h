/* aslvars.h - the workflow variables a state of an ASL machine reads and
 * assigns, read from the state's JSON alone (any machine: compiled by
 * stc-tui or written by hand), for the workbench's Explain pane.
 *
 * JSONata states: the keys of `Assign` (the state's and its Choice rules')
 * are assigned, those of a Catch's `Assign` are assigned when it catches;
 * every `$name` inside a "{% ... %}" string of the state is read, except
 * `$states`, `$` and `$$`, the built-in functions (JSONata's and the ones
 * Step Functions adds), names called as functions and names the expression
 * binds itself (`$x := ...`, lambda parameters).
 * JSONPath states: `Assign` keys ("x.$" is x) are assigned; a path that
 * starts with `$name` (in an "x.$" value, an intrinsic's arguments or a
 * *Path field) reads that variable. Besides ASL variables, JSONPath machines
 * compiled by stc-tui keep Python locals in the state data at `$.vars.NAME`:
 * those paths are listed apart (`data_reads`, `data_sets`: a ResultPath
 * `$.vars.NAME`, or a Parameters/Result that rebuilds `vars`).
 * Nested machines (Parallel branches, Map iterators) are their own states
 * and are not looked into.
 *
 * Ownership: cJSON arguments are read, never kept or changed. A
 * stc_aslvars owns its arrays and strings; release it with
 * stc_aslvars_free(). stc_aslvars_find_state returns a node borrowed from
 * the machine.
 */
#ifndef STC_RENDER_ASLVARS_H
#define STC_RENDER_ASLVARS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct stc_aslnames {
    char **v; /* sorted, unique, without the '$' */
    size_t n;
} stc_aslnames;

typedef struct stc_aslvars {
    bool jsonata;              /* the state's query language */
    stc_aslnames reads;        /* workflow variables read */
    stc_aslnames assigns;      /* assigned when the state (or one of its Choice rules) runs */
    stc_aslnames catch_assigns; /* assigned by a Catch */
    stc_aslnames data_reads;   /* JSONPath: $.vars.NAME read */
    stc_aslnames data_sets;    /* JSONPath: $.vars.NAME written */
} stc_aslvars;

/* The state named `name` anywhere in `machine` (nested machines too), or
 * NULL; *jsonata (may be NULL) gets its query language: its own
 * QueryLanguage, else the top level's, else JSONPath. */
const cJSON *stc_aslvars_find_state(const cJSON *machine, const char *name, bool *jsonata);

/* What `state` (a state's object) reads and assigns, in query language
 * `jsonata`. */
void stc_aslvars_of(const cJSON *state, bool jsonata, stc_aslvars *out);
void stc_aslvars_free(stc_aslvars *v);

/* The variables read by one JSONata expression (the text between {% and
 * %}, or the whole string with them), added to `out`. */
void stc_aslvars_expr_reads(const char *expr, stc_aslnames *out);

#endif
