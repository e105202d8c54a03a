/* jsnum.h - JavaScript's number conversions, as V8 performs them, that the
 * reference's formatting functions rely on (internal to stepsim/jsonata/):
 * Math.round, the reference's own round (functions.js: half to even at a
 * decimal precision), Number.prototype.toFixed, Number.prototype.toString
 * with a radix, and parseInt.
 *
 * Ownership: strings are returned in the context's arena.
 */
#ifndef STC_JSONATA_JSNUM_H
#define STC_JSONATA_JSNUM_H

#include <stddef.h>

#include "stepsim/jsonata/value.h"

/* The engine's code for a failure of the formatting functions that the
 * reference raises as a plain JavaScript exception without a code (a
 * RangeError: recursion too deep, a string too long, toFixed's digits; a
 * TypeError: a property read on undefined): thrown with jn_throw_x and
 * JavaScript's message. */
#define JN_JS_ERROR "D3150"

/* Math.round: the nearest integer, halves toward +Infinity (-0.4 is -0). */
double jn_js_math_round(double x);
/* The reference's round(arg, precision) (functions.js: $round, and the
 * rounding of $formatNumber and $formatBase): half to even at `precision`
 * decimal places (0 or NaN: at the units), the decimal point shifted in the
 * number's text as the reference shifts it; -0 becomes 0. */
double jn_num_round_half_even(double x, double precision);
/* x.toFixed(digits), digits 0..100: the exact decimal value rounded half up;
 * |x| >= 1e21 as String(x). */
char *jn_num_to_fixed(jn_ctx *cx, double x, int digits);
/* x.toString(radix), radix 2..36 (V8's DoubleToRadixCString). */
char *jn_num_to_radix(jn_ctx *cx, double x, int radix);
/* parseInt(s) with no radix: leading JavaScript white space, a sign, "0x"
 * for hexadecimal, then digits up to the first other character; NaN when
 * there are none. s is UTF-8. */
double jn_js_parse_int(const char *s, size_t len);
/* The reference's test of regular grouping separators (formatNumber's and
 * formatInteger's): the positions' greatest common divisor when every
 * multiple of it, up to their count, is one of them; else 0 (and 0 for no
 * positions). */
long jn_grouping_interval(const long *positions, long n);
/* JavaScript's white space and line terminators (\s in a regular expression,
 * String.prototype.trim, parseInt's leading space). */
bool jn_js_is_space(uint32_t cp);

#endif
