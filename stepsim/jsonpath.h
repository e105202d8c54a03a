/* jsonpath.h - JSONPath as Amazon States Language uses it.
 *
 * Roots: `$` (the state's data), `$$` (the context object) and `$name`
 * (a variable set by `Assign`). Segments: `.field`, `['field']`, `[n]`
 * (negative counts from the end), `[*]`, `.*`, `[a:b:c]` slices, unions
 * `[0,2]` / `['a','b']`, deep scan `..field` / `..*`, and filters
 * `[?(@.x)]`, `[?(@.x OP literal)]` with OP one of == != < <= > >=.
 *
 * A *definite* path (fields and indices only) selects one value and is a
 * runtime error when nothing is there; an indefinite path (wildcard, slice,
 * union, deep scan, filter) yields the JSON array of its matches, possibly
 * empty (AWS follows Jayway JsonPath here). A *reference path* (the spec's
 * term, for ResultPath and Choice `Variable`) is a definite path on `$`.
 *
 * Ownership: nothing here takes ownership of its arguments; every cJSON
 * returned through an `out` parameter is a new tree owned by the caller,
 * except the borrowed results of stc_jsonpath_get and stc_jsonpath_eval_ref.
 */
#ifndef STC_JSONPATH_H
#define STC_JSONPATH_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "stepsim/rterr.h"

/* Where a path looks its roots up. `lookup_var` may be NULL (no variables);
 * it returns a borrowed value or NULL when the variable is not set. */
typedef struct stc_scope {
    const cJSON *input;   /* $  */
    const cJSON *context; /* $$ */
    const cJSON *(*lookup_var)(void *ud, const char *name);
    void *var_ud;
} stc_scope;
/* When `context` is NULL, `$$` asks lookup_var(var_ud, NULL) (if set): the
 * simulator builds the context object there on first use only. */

/* True when `s` starts like a path ("$", "$$", "$x"). */
bool stc_jsonpath_is_path(const char *s);

/* Check the syntax of `path`; with `reference`, also require a reference
 * path. Returns 0, or -1 with *msg set (allocated, caller frees). */
int stc_jsonpath_check(const char *path, bool reference, char **msg);

/* Evaluate `path`. On success returns 0 and *out (owned by caller). On a
 * syntax error or a definite path without a match returns -1 with `err`
 * set to States.Runtime and a cause like AWS's:
 * "Invalid path '$.x' : No results for path: $['x']". */
int stc_jsonpath_eval(const char *path, const stc_scope *sc, cJSON **out, stc_rterr *err);

/* The same without copying what a definite path selects: *out is then
 * borrowed from the scope (valid while the scope's documents are unchanged)
 * and *owned is NULL. An indefinite path builds its array: *out == *owned,
 * a new tree the caller frees. Errors as stc_jsonpath_eval. */
int stc_jsonpath_eval_ref(const char *path, const stc_scope *sc, const cJSON **out,
                          cJSON **owned, stc_rterr *err);

/* Borrowed lookup of a definite path; NULL when it selects nothing or the
 * path is not definite. */
const cJSON *stc_jsonpath_get(const char *path, const stc_scope *sc);

/* True when the path selects something (IsPresent). */
bool stc_jsonpath_exists(const char *path, const stc_scope *sc);

/* Put `value` (consumed) at reference path `path` inside *doc (a tree owned by
 * the caller, which may be replaced when path is "$"). Missing object keys
 * are created. Returns -1 with States.ResultPathMatchFailure when the path
 * runs through something that is not an object (or an index out of range). */
int stc_jsonpath_set(const char *path, cJSON **doc, cJSON *value, stc_rterr *err);

/* "$['a'][0]" form of a path, for messages (allocated). */
char *stc_jsonpath_normalized(const char *path);

#endif
