/* sfnfuncs.h - the JSONata functions AWS Step Functions adds to the language
 * in JSONata states, as host functions of the engine (stepsim/jsonata):
 *
 *   $partition(array, size)  the array in chunks of `size` (the last one
 *                            shorter); States.ArrayPartition's successor
 *   $range(start, end, step) start, start + step, ... up to end included;
 *                            one number alone when start = end
 *   $hash(text, algorithm)   hex digest: MD5, SHA-1, SHA-256, SHA-384, SHA-512
 *   $random([seed])          a number in [0, 1); with a seed, the number
 *                            Java's java.util.Random(seed).nextDouble() gives
 *                            (AWS's: $random(42) is 0.7275636800328681)
 *   $uuid()                  a version 4 UUID
 *   $parse(text)             JSON text to a value (what $eval did: AWS removes
 *                            $eval from the language)
 *
 * Behaviour where AWS's documentation is silent follows what has been
 * measured against AWS (arguments truncated toward zero; an undefined
 * `size`, `step` or `algorithm` gives undefined; a size or step of 0
 * undefined; a negative size, an unknown algorithm or invalid JSON fail with
 * D3137; wrong argument types with T0410 as signature errors do).
 *
 * $random() without a seed and $uuid() draw from the simulation's seeded
 * generator (the stc_rng of the evaluation's scope), so runs repeat; the
 * function's `data` must be the stc_jenv of the evaluation (stepsim/jexpr.c
 * sets it).
 */
#ifndef STC_SFNFUNCS_H
#define STC_SFNFUNCS_H

#include <stddef.h>
#include <stdint.h>

#include "stepsim/jsonata/jsonata.h"

/* The functions, with `data` NULL (the caller copies the table and sets it). */
const stc_jsonata_function *stc_sfnfuncs_table(size_t *n);

/* java.util.Random(seed).nextDouble(). */
double stc_sfnfuncs_java_random(int64_t seed);

#endif
