/* signature.h - function signatures, a port of the reference's signature.js:
 * parse "<s-nn?:s>" once, then check and coerce a call's arguments against
 * it (T0410, T0411, T0412), inserting the context value for a missing '-'
 * argument and wrapping a single value passed for an array parameter.
 *
 * Ownership: jn_sig_parse allocates the signature in the given context's
 * arena (a compiled expression's, or the static frame's); jn_sig_validate
 * allocates the argument vector it returns in the evaluation's arena.
 */
#ifndef STC_JSONATA_SIGNATURE_H
#define STC_JSONATA_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>

#include "stepsim/jsonata/value.h"

/* Parse a signature; NULL with *code ("S0401", "S0402"), *offset (the
 * character where the reference reports it) and *value (the type or choice
 * text, in cx's arena) when it is not valid. */
jn_sig *jn_sig_parse(jn_ctx *cx, const char *text, size_t len, const char **code, int *offset,
                     const char **value);

/* The text it was parsed from. */
const char *jn_sig_definition(const jn_sig *sig);

/* The number of parameters (a `+` parameter counts once). */
int jn_sig_params(const jn_sig *sig);

/* Check args[0..nargs) against sig with `context` for '-' parameters; return
 * the validated arguments (*nout of them), or throw T0410/T0411/T0412. */
jn_val **jn_sig_validate(jn_ctx *cx, const jn_sig *sig, jn_val **args, int nargs, jn_val *context,
                         int *nout);

#endif
