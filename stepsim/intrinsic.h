/* intrinsic.h - the intrinsic functions of ASL (JSONPath): States.Format,
 * States.StringToJson, States.JsonToString, States.Array, ArrayPartition,
 * ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique,
 * Base64Encode, Base64Decode, Hash, JsonMerge, MathRandom, MathAdd,
 * StringSplit and UUID, nested calls included.
 *
 * Arguments are string literals in single quotes (escapes \' \\ \{ \}),
 * numbers, true/false/null, paths ($, $$, $var) and nested calls.
 * A bad argument fails with States.IntrinsicFailure (the spec's name); a
 * path that selects nothing fails with States.Runtime.
 *
 * Ownership: arguments are borrowed; *out is a new tree owned by the caller.
 */
#ifndef STC_INTRINSIC_H
#define STC_INTRINSIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "stepsim/jsonpath.h"
#include "stepsim/rterr.h"

/* Deterministic generator (splitmix64) behind MathRandom and UUID. The state
 * is a plain value, so a snapshot of it is a copy. */
typedef struct stc_rng {
    uint64_t state;
} stc_rng;

uint64_t stc_rng_next(stc_rng *r);
/* A version 4 UUID from two draws of r ("xxxxxxxx-xxxx-4xxx-yxxx-..."). */
void stc_rng_uuid(stc_rng *r, char out[37]);

/* True when `s` looks like an intrinsic call ("States.Name(...)"). */
bool stc_intrinsic_is_call(const char *s);

/* Syntax check (names, arity where fixed, parentheses). 0 or -1 with *msg. */
int stc_intrinsic_check(const char *expr, char **msg);

/* Evaluate one expression. 0 with *out, or -1 with `err` set. */
int stc_intrinsic_eval(const char *expr, const stc_scope *sc, stc_rng *rng, cJSON **out,
                       stc_rterr *err);

/* Shortest text for a JSON number ("1", "1.1", "1e+300"), into buf[32].
 * Returns its length. */
size_t stc_number_format(double d, char buf[32]);

#endif
