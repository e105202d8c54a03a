/* io.h - input and output processing of ASL (JSONPath), in the spec's order:
 * InputPath -> Parameters/ItemSelector -> (the state's work) -> ResultSelector
 * -> ResultPath -> OutputPath, and payload templates with the `.$` key
 * convention (a path, a context path `$$...`, a variable `$x...` or an
 * intrinsic function call).
 *
 * Ownership: inputs are borrowed; every *out is a new tree owned by the
 * caller (except stc_io_path_ref's, which may borrow sc->input: see there);
 * a `result` argument documented as consumed is always freed.
 */
#ifndef STC_IO_H
#define STC_IO_H

#include <cjson/cJSON.h>

#include "stepsim/intrinsic.h"
#include "stepsim/jsonpath.h"
#include "stepsim/rterr.h"

/* Expand a payload template. `sc->input` is what `$` means. A definite path
 * that selects nothing fails with States.Runtime and AWS's cause: "The
 * JSONPath '$.x' specified for the field 'x.$' could not be found in the
 * input '{...}'". */
int stc_io_template(const cJSON *tmpl, const stc_scope *sc, stc_rng *rng, cJSON **out,
                    stc_rterr *err);

/* The payload limit of Step Functions: a state's input, output or a task's
 * result of more than 256 KiB (as UTF-8 JSON text) fails the execution with
 * States.DataLimitExceeded; a variable is limited to the same size. */
#define STC_IO_PAYLOAD_LIMIT ((size_t)256 * 1024)

/* The size in bytes of `v` as compact JSON text (UTF-8), as AWS measures a
 * payload; counting stops once it passes `stop` (the result is then some
 * value greater than `stop`). NULL counts as 0. */
size_t stc_io_json_size(const cJSON *v, size_t stop);

/* Evaluate one `.$` value (path or intrinsic call). */
int stc_io_dynamic(const char *expr, const stc_scope *sc, stc_rng *rng, cJSON **out,
                   stc_rterr *err);

/* InputPath or OutputPath (`field`) of `state` over `sc->input`: absent means
 * "$" (a copy), JSON null means {} (the spec: discard the data). */
int stc_io_path_field(const cJSON *state, const char *field, const stc_scope *sc, cJSON **out,
                      stc_rterr *err);

/* The same, given the field's value `p` (NULL: absent) and without a copy
 * where none is needed. Absent: *out is sc->input itself, borrowed, and
 * *owned is NULL. Otherwise *out == *owned, a new tree the caller frees.
 * `field` names the field in messages. */
int stc_io_path_ref(const cJSON *p, const char *field, const stc_scope *sc, const cJSON **out,
                    cJSON **owned, stc_rterr *err);

/* ResultPath of `node` (a state or a Catch entry): absent means "$" (the
 * result replaces the input), null means the result is discarded (output =
 * the raw input), a reference path puts the result there in a copy of
 * `raw_input`. `result` is consumed. */
int stc_io_result_path(const cJSON *node, const cJSON *raw_input, cJSON *result, cJSON **out,
                       stc_rterr *err);

/* The same, given the ResultPath value `p` of the node (NULL: absent). */
int stc_io_result_path_at(const cJSON *p, const cJSON *raw_input, cJSON *result, cJSON **out,
                          stc_rterr *err);

#endif
