/* eval.h - the evaluator's entry for the public API (internal to
 * stepsim/jsonata/): evaluate a parsed tree in a context whose arena holds
 * the evaluation, with the host's bindings, functions and limits.
 *
 * Ownership: the result and everything it reaches live in cx's arena until
 * the next jn_ctx_reset; the tree and the host's values are borrowed.
 */
#ifndef STC_JSONATA_EVAL_H
#define STC_JSONATA_EVAL_H

#include "stepsim/jsonata/ast.h"
#include "stepsim/jsonata/jsonata.h"
#include "stepsim/jsonata/value.h"

/* A host function bound for evaluations (jsonata.c keeps them across
 * evaluations with their parsed signatures). */
typedef struct jn_hostfn {
    const char *name;
    size_t len;
    uint32_t hash;
    jn_val *fn; /* kind JN_FN_NATIVE, impl: the host's data */
} jn_hostfn;

/* Make a host function value in cx's arena (its signature parsed there);
 * NULL with *code and *offset set when the signature does not parse. */
jn_val *jn_hostfn_new(jn_ctx *cx, const stc_jsonata_function *f, const char **code, int *offset);

/* The value inside a stc_jsonata_value (jsonata.c). */
jn_val *jn_value_of(const stc_jsonata_value *v);

/* Evaluate `ast` with `input` (NULL: undefined). Returns 0 with *out set (NULL
 * for undefined), or -1 with the error in cx->err_*. `o` may be NULL. */
int jn_eval_run(jn_ctx *cx, const jn_node *ast, jn_val *input, const stc_jsonata_options *o,
                const jn_hostfn *hostfns, size_t nhostfns, jn_val **out);

#endif
