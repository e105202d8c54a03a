/* jsstr.h - JavaScript's string operations on UTF-16 code units, for the
 * built-in functions whose reference code works with charAt, indexOf,
 * substring, slice, split and replace (internal to stepsim/jsonata/).
 *
 * A jn_u16 is a view: p points into the arena (or into another view) and is
 * not NUL-terminated. Conversions from UTF-8 split astral characters into
 * surrogate pairs; conversions back join the pairs again, and a lone
 * surrogate keeps its 3-byte form (as the engine's strings hold one, and as
 * JSON.stringify then escapes it).
 *
 * Ownership: every string these functions build lives in the context's
 * arena.
 */
#ifndef STC_JSONATA_JSSTR_H
#define STC_JSONATA_JSSTR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/util.h"
#include "stepsim/jsonata/value.h"

typedef struct jn_u16 {
    const uint16_t *p;
    long n;
} jn_u16;

/* The empty string (its pointer is not NULL, so views of it can be offset). */
extern const jn_u16 JN_U16_EMPTY;

jn_u16 jn_u16_from_utf8(jn_ctx *cx, const char *s, size_t len);
/* A string value's code units. */
jn_u16 jn_u16_of(jn_ctx *cx, const jn_val *str);
/* Append the UTF-8 form of s to b. */
void jn_u16_put_utf8(stc_buf *b, jn_u16 s);
jn_val *jn_u16_to_val(jn_ctx *cx, jn_u16 s);
/* Append one code point as UTF-8. */
void jn_utf8_put(stc_buf *b, uint32_t cp);

bool jn_u16_eq(jn_u16 a, jn_u16 b);
/* Is s exactly the one code unit c? */
bool jn_u16_is_unit(jn_u16 s, uint16_t c);
/* indexOf(needle, from), lastIndexOf(needle): -1 when absent */
long jn_u16_index_of(jn_u16 h, jn_u16 needle, long from);
long jn_u16_last_index_of(jn_u16 h, jn_u16 needle);
/* substring(start, end): clamped to the string, swapped when reversed */
jn_u16 jn_u16_substring(jn_u16 s, long start, long end);
/* slice(start, end): negative positions count from the end */
jn_u16 jn_u16_slice(jn_u16 s, long start, long end);
/* charAt(i): one code unit, or "" out of range */
jn_u16 jn_u16_char_at(jn_u16 s, long i);
jn_u16 jn_u16_cat(jn_ctx *cx, const jn_u16 *parts, int n);
jn_u16 jn_u16_cat2(jn_ctx *cx, jn_u16 a, jn_u16 b);
jn_u16 jn_u16_cat3(jn_ctx *cx, jn_u16 a, jn_u16 b, jn_u16 c);
/* new Array(n + 1).join(s): n copies of s */
jn_u16 jn_u16_repeat(jn_ctx *cx, jn_u16 s, long n);
/* split(separator) with a string separator: the number of pieces, written
 * to *out (arena). "" splits into code units. */
long jn_u16_split(jn_ctx *cx, jn_u16 s, jn_u16 sep, jn_u16 **out);
/* s.split(sep).join(with) */
jn_u16 jn_u16_replace_all(jn_ctx *cx, jn_u16 s, jn_u16 sep, jn_u16 with);
/* s.replace(pattern, replacement) with string arguments: the first
 * occurrence, the replacement read for $$, $&, $` and $' (a string pattern
 * has no captures: $1 stays as it is). */
jn_u16 jn_u16_replace(jn_ctx *cx, jn_u16 s, jn_u16 pat, jn_u16 rep);
/* The code points of s as stringToArray reads them (pairs joined, a lone
 * surrogate kept as its own value); returns the count, *out in the arena. */
long jn_u16_code_points(jn_ctx *cx, jn_u16 s, uint32_t **out);
/* String.fromCodePoint(cp) */
jn_u16 jn_u16_from_cp(jn_ctx *cx, uint32_t cp);

#endif
