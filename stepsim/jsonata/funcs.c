/* funcs.c - JSONata's built-in functions other than the string, number
 * formatting and date/time ones: aggregation ($sum $count $max $min
 * $average), numeric ($number $floor $ceil $round $abs $sqrt $power $random),
 * boolean ($boolean $not $exists), arrays, objects and the higher-order
 * functions ($map $zip $filter $single $reduce $sift $keys $lookup $append
 * $spread $merge $reverse $each $sort $shuffle $distinct), $error $assert
 * $type, and the encodings ($base64encode $base64decode $encodeUrlComponent
 * $encodeUrl $decodeUrlComponent $decodeUrl), ported from the reference's
 * functions.js one by one.
 *
 * A function handed to a higher-order function is called through jn_apply
 * with as many of (value, index, array) as it declares (the reference's
 * hofFuncArgs). Everything returned is in the evaluation's arena; the
 * arguments are never changed.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/jsnum.h"
#include "stepsim/jsonata/value.h"

#define ARG(i) ((i) < argc ? argv[(i)] : NULL)

/* The reference's isNumeric: a number that is not NaN; an infinite one is an
 * error there (D1001). */
static bool is_numeric(jn_ctx *cx, jn_val *v)
{
    if (!jn_is_num(v) || isnan(v->u.n))
        return false;
    if (isinf(v->u.n))
        jn_throw(cx, "D1001", v);
    return true;
}

static jn_val *num(jn_ctx *cx, double d) { return jn_num(cx, d); }

/* ---- aggregation ---- */

static jn_val *fn_sum(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    if (!a)
        return NULL;
    double total = 0;
    for (size_t i = 0; i < a->u.a.len; i++)
        total += a->u.a.items[i]->u.n;
    return num(cx, total);
}

static jn_val *fn_count(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    return num(cx, a ? (double)a->u.a.len : 0);
}

bool jn_native_reads_no_item(jn_native_fn fn) { return fn == fn_count; }

/* Math.max / Math.min: NaN wins, +0 is above -0. */
static jn_val *extreme(jn_ctx *cx, jn_val *a, bool max)
{
    if (!a || a->u.a.len == 0)
        return NULL;
    double r = max ? -INFINITY : INFINITY;
    for (size_t i = 0; i < a->u.a.len; i++) {
        double v = a->u.a.items[i]->u.n;
        if (isnan(v))
            return num(cx, NAN);
        if (max ? (v > r || (v == 0 && r == 0 && !signbit(v)))
                : (v < r || (v == 0 && r == 0 && signbit(v))))
            r = v;
    }
    return num(cx, r);
}

static jn_val *fn_max(jn_ctx *cx, jn_val **argv, int argc) { return extreme(cx, ARG(0), true); }
static jn_val *fn_min(jn_ctx *cx, jn_val **argv, int argc) { return extreme(cx, ARG(0), false); }

static jn_val *fn_average(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    if (!a || a->u.a.len == 0)
        return NULL;
    double total = 0;
    for (size_t i = 0; i < a->u.a.len; i++)
        total += a->u.a.items[i]->u.n;
    return num(cx, total / (double)a->u.a.len);
}

/* ---- numeric ---- */

/* /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/ */
static bool decimal_literal(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    size_t d = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d)
        return false;
    if (i < n && s[i] == '.') {
        d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return false;
    }
    return i == n;
}

static int digit_value(char c, int radix)
{
    int v = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 99;
    return v < radix ? v : -1;
}

/* Digits of `radix` (2, 8, 16) starting at s[i]: their count. */
static size_t radix_run(const char *s, size_t n, size_t i, int radix)
{
    size_t k = i;
    while (k < n && digit_value(s[k], radix) >= 0)
        k++;
    return k - i;
}

/* The reference's test /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/:
 * its alternatives are anchored at the start, nowhere, and at the end. */
static bool prefixed_literal(const char *s, size_t n)
{
    if (n > 2 && s[0] == '0' && (s[1] | 0x20) == 'x' && radix_run(s, n, 2, 16) > 0)
        return true;
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == '0' && (s[i + 1] | 0x20) == 'o' && radix_run(s, n, i + 2, 8) > 0)
            return true;
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == '0' && (s[i + 1] | 0x20) == 'b' && i + 2 + radix_run(s, n, i + 2, 2) == n)
            return true;
    return false;
}

/* Number(s) of a string the test above let through: a whole 0x/0o/0b
 * literal, correctly rounded (through strtod's hexadecimal reading), else
 * NaN. */
static double prefixed_number(const char *s, size_t n)
{
    if (n < 3 || s[0] != '0')
        return NAN;
    int radix = (s[1] | 0x20) == 'x' ? 16 : (s[1] | 0x20) == 'o' ? 8 : (s[1] | 0x20) == 'b' ? 2 : 0;
    if (!radix || radix_run(s, n, 2, radix) != n - 2)
        return NAN;
    if (radix == 16)
        return strtod(s, NULL);
    /* the bits, then four at a time as hexadecimal digits */
    int per = radix == 8 ? 3 : 1;
    size_t nbits = (n - 2) * (size_t)per;
    char *bits = stc_xmalloc(nbits + 4);
    for (size_t i = 2, k = 0; i < n; i++)
        for (int b = per - 1; b >= 0; b--)
            bits[k++] = (char)('0' + ((digit_value(s[i], radix) >> b) & 1));
    size_t lead = (4 - nbits % 4) % 4;
    char *hex = stc_xmalloc(nbits / 4 + 5);
    size_t h = 0;
    hex[h++] = '0', hex[h++] = 'x';
    int acc = 0, cnt = (int)lead;
    for (size_t i = 0; i < nbits; i++) {
        acc = acc * 2 + (bits[i] - '0');
        if (++cnt == 4) {
            hex[h++] = "0123456789abcdef"[acc];
            acc = 0, cnt = 0;
        }
    }
    hex[h] = '\0';
    double d = strtod(hex, NULL);
    free(bits);
    free(hex);
    return d;
}

static jn_val *fn_number(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *v = ARG(0);
    if (!v)
        return NULL;
    if (v->type == JN_NUM)
        return v;
    if (v->type == JN_BOOL)
        return num(cx, v->u.b ? 1 : 0);
    if (v->type == JN_STR) {
        const char *s = v->u.s.p;
        size_t n = v->u.s.len;
        if (decimal_literal(s, n)) {
            double d = strtod(s, NULL);
            if (isfinite(d))
                return num(cx, d);
        }
        if (prefixed_literal(s, n))
            return num(cx, prefixed_number(s, n));
    }
    jn_errinfo info = {.position = -1, .value = v, .index = 1};
    jn_throw_x(cx, "D3030", &info);
}

static jn_val *fn_abs(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? num(cx, fabs(ARG(0)->u.n)) : NULL;
}

static jn_val *fn_floor(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? num(cx, floor(ARG(0)->u.n)) : NULL;
}

static jn_val *fn_ceil(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? num(cx, ceil(ARG(0)->u.n)) : NULL;
}

static jn_val *fn_round(jn_ctx *cx, jn_val **argv, int argc)
{
    if (!ARG(0))
        return NULL;
    double precision = jn_is_num(ARG(1)) ? ARG(1)->u.n : 0;
    return num(cx, jn_num_round_half_even(ARG(0)->u.n, precision));
}

static jn_val *fn_sqrt(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *v = ARG(0);
    if (!v)
        return NULL;
    if (v->u.n < 0) {
        jn_errinfo info = {.position = -1, .value = v, .index = 1};
        jn_throw_x(cx, "D3060", &info);
    }
    return num(cx, sqrt(v->u.n));
}

/* Math.pow, which differs from C's pow in a few corners. */
static double js_pow(double b, double e)
{
    if (isnan(e))
        return NAN;
    if (e == 0)
        return 1;
    if ((b == 1 || b == -1) && isinf(e))
        return NAN;
    return pow(b, e);
}

static jn_val *fn_power(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *b = ARG(0), *e = ARG(1);
    if (!b)
        return NULL;
    double r = js_pow(b->u.n, jn_is_num(e) ? e->u.n : NAN);
    if (!isfinite(r)) {
        /* the message's {{exp}} is the second value */
        jn_errinfo info = {.position = -1, .value = b, .value2 = e, .index = 1};
        jn_throw_x(cx, "D3061", &info);
    }
    return num(cx, r);
}

static jn_val *fn_random(jn_ctx *cx, jn_val **argv, int argc)
{
    (void)argv, (void)argc;
    return num(cx, jn_ctx_random(cx));
}

/* ---- boolean (jn_boolean is the evaluator's) ---- */

static jn_val *fn_boolean(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? jn_bool(jn_boolean(cx, ARG(0))) : NULL;
}

static jn_val *fn_not(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? jn_bool(!jn_boolean(cx, ARG(0))) : NULL;
}

static jn_val *fn_exists(jn_ctx *cx, jn_val **argv, int argc)
{
    (void)cx;
    return jn_bool(ARG(0) != NULL);
}

/* ---- higher-order functions ---- */

static void need_function(jn_ctx *cx, jn_val *fn)
{
    if (!jn_is_func(fn))
        jn_throw(cx, "T1006", NULL);
}

/* Call fn with (value, position, whole), as many as it declares (the
 * reference looks at the function only when there is an item to call it
 * with). */
static jn_val *hof_call(jn_ctx *cx, jn_val *fn, jn_val *value, jn_val *pos, jn_val *whole)
{
    need_function(cx, fn);
    jn_val *args[3] = {value, pos, whole};
    int arity = jn_func_arity(fn);
    return jn_apply(cx, fn, args, arity >= 3 ? 3 : arity >= 2 ? 2 : 1);
}

static jn_val *fn_map(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0), *fn = ARG(1);
    if (!a)
        return NULL;
    jn_val *result = jn_seq(cx, a->u.a.len);
    for (size_t i = 0; i < a->u.a.len; i++) {
        jn_val *r = hof_call(cx, fn, a->u.a.items[i], num(cx, (double)i), a);
        if (r)
            jn_arr_push(cx, result, r);
    }
    return result;
}

static jn_val *fn_filter(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0), *fn = ARG(1);
    if (!a)
        return NULL;
    jn_val *result = jn_seq(cx, 0);
    for (size_t i = 0; i < a->u.a.len; i++)
        if (jn_boolean(cx, hof_call(cx, fn, a->u.a.items[i], num(cx, (double)i), a)))
            jn_arr_push(cx, result, a->u.a.items[i]);
    return result;
}

static jn_val *fn_single(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0), *fn = ARG(1);
    if (!a)
        return NULL;
    jn_val *found = NULL;
    for (size_t i = 0; i < a->u.a.len; i++) {
        jn_val *entry = a->u.a.items[i];
        if (fn && !jn_boolean(cx, hof_call(cx, fn, entry, num(cx, (double)i), a)))
            continue;
        if (found) {
            jn_errinfo info = {.position = -1, .index = (int)i};
            jn_throw_x(cx, "D3138", &info);
        }
        found = entry;
    }
    if (!found)
        jn_throw(cx, "D3139", NULL);
    return found;
}

static jn_val *fn_zip(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *result = jn_arr(cx, 0);
    if (argc == 0)
        return result;
    size_t len = SIZE_MAX;
    for (int k = 0; k < argc; k++) {
        size_t n = jn_is_arr(argv[k]) ? argv[k]->u.a.len : 0;
        if (n < len)
            len = n;
    }
    for (size_t i = 0; i < len; i++) {
        jn_val *tuple = jn_arr(cx, (size_t)argc);
        for (int k = 0; k < argc; k++)
            jn_arr_push(cx, tuple, argv[k]->u.a.items[i]);
        jn_arr_push(cx, result, tuple);
    }
    return result;
}

/* $reduce: a fold from the left, with (accumulator, value, index, array) as
 * many as the function declares (at least two: D3050). */
static jn_val *fn_reduce(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0), *fn = ARG(1), *init = ARG(2);
    if (!a)
        return NULL;
    need_function(cx, fn);
    int arity = jn_func_arity(fn);
    if (arity < 2) {
        jn_errinfo info = {.position = -1, .index = 1};
        jn_throw_x(cx, "D3050", &info);
    }
    size_t i = 0;
    jn_val *acc = init;
    if (!init && a->u.a.len > 0)
        acc = a->u.a.items[i++];
    for (; i < a->u.a.len; i++) {
        jn_val *args[4] = {acc, a->u.a.items[i], num(cx, (double)i), a};
        acc = jn_apply(cx, fn, args, arity >= 4 ? 4 : arity >= 3 ? 3 : 2);
    }
    return acc;
}

static jn_val *fn_sift(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *o = ARG(0), *fn = ARG(1);
    if (!jn_is_obj(o))
        return NULL;
    jn_val *result = jn_obj(cx, 0);
    for (size_t i = 0; i < o->u.o.len; i++) {
        const jn_objent *e = &o->u.o.ents[i];
        jn_val *key = jn_str_borrow(cx, e->key, e->klen);
        if (jn_boolean(cx, hof_call(cx, fn, e->val, key, o)))
            jn_obj_set_borrow(cx, result, e->key, e->klen, e->val);
    }
    return result->u.o.len ? result : NULL;
}

static jn_val *fn_each(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *o = ARG(0), *fn = ARG(1);
    jn_val *result = jn_seq(cx, 0);
    if (!jn_is_obj(o))
        return result;
    for (size_t i = 0; i < o->u.o.len; i++) {
        const jn_objent *e = &o->u.o.ents[i];
        jn_val *r = hof_call(cx, fn, e->val, jn_str_borrow(cx, e->key, e->klen), o);
        if (r)
            jn_arr_push(cx, result, r);
    }
    return result;
}

/* ---- arrays and objects ---- */

/* The objects of array a merged into one, later keys replacing earlier ones
 * (JavaScript's key order). */
static jn_val *merge_objects(jn_ctx *cx, const jn_val *a)
{
    jn_val *result = jn_obj(cx, 0);
    for (size_t i = 0; i < a->u.a.len; i++) {
        const jn_val *o = a->u.a.items[i];
        if (!jn_is_obj(o))
            continue;
        for (size_t k = 0; k < o->u.o.len; k++) {
            const jn_objent *e = &o->u.o.ents[k];
            jn_obj_set_borrow(cx, result, e->key, e->klen, e->val);
        }
    }
    return result;
}

/* The keys of every object in array a and, as the reference's keys()
 * recurses, in the arrays it holds, each set to true in `merge`. */
static void merge_keys(jn_ctx *cx, jn_val *merge, const jn_val *a)
{
    if (jn_stack_low())
        jn_throw_stack(cx);
    for (size_t i = 0; i < a->u.a.len; i++) {
        const jn_val *o = a->u.a.items[i];
        if (jn_is_arr(o)) {
            merge_keys(cx, merge, o);
        } else if (jn_is_obj(o)) {
            for (size_t k = 0; k < o->u.o.len; k++)
                jn_obj_set_borrow(cx, merge, o->u.o.ents[k].key, o->u.o.ents[k].klen, jn_true());
        }
    }
}

static jn_val *fn_keys(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *v = ARG(0);
    jn_val *result = jn_seq(cx, 0);
    if (jn_is_arr(v)) { /* the keys of every member, merged */
        jn_val *merge = jn_obj(cx, 0);
        merge_keys(cx, merge, v);
        v = merge;
    }
    if (jn_is_obj(v))
        for (size_t k = 0; k < v->u.o.len; k++)
            jn_arr_push(cx, result, jn_str_borrow(cx, v->u.o.ents[k].key, v->u.o.ents[k].klen));
    return result;
}

static jn_val *lookup(jn_ctx *cx, jn_val *v, const jn_val *key)
{
    if (jn_is_arr(v)) {
        if (jn_stack_low())
            jn_throw_stack(cx);
        jn_val *result = jn_seq(cx, 0);
        for (size_t i = 0; i < v->u.a.len; i++) {
            jn_val *r = lookup(cx, v->u.a.items[i], key);
            if (jn_is_arr(r)) {
                for (size_t k = 0; k < r->u.a.len; k++)
                    jn_arr_push(cx, result, r->u.a.items[k]);
            } else if (r) {
                jn_arr_push(cx, result, r);
            }
        }
        return result;
    }
    if (jn_is_obj(v))
        return jn_obj_get(v, key->u.s.p, key->u.s.len);
    return NULL;
}

static jn_val *fn_lookup(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *key = ARG(1);
    if (!jn_is_str(key))
        key = jn_js_string(cx, key);
    return lookup(cx, ARG(0), key);
}

/* arg1.concat(arg2), each made an array first (a plain array results). */
static jn_val *append(jn_ctx *cx, jn_val *a, jn_val *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    size_t na = jn_is_arr(a) ? a->u.a.len : 1, nb = jn_is_arr(b) ? b->u.a.len : 1;
    jn_val *r = jn_arr(cx, na + nb);
    if (jn_is_arr(a))
        for (size_t i = 0; i < na; i++)
            jn_arr_push(cx, r, a->u.a.items[i]);
    else
        jn_arr_push(cx, r, a);
    if (jn_is_arr(b))
        for (size_t i = 0; i < nb; i++)
            jn_arr_push(cx, r, b->u.a.items[i]);
    else
        jn_arr_push(cx, r, b);
    return r;
}

static jn_val *fn_append(jn_ctx *cx, jn_val **argv, int argc)
{
    return append(cx, ARG(0), ARG(1));
}

static jn_val *spread(jn_ctx *cx, jn_val *v)
{
    if (jn_is_arr(v)) {
        jn_val *result = jn_seq(cx, 0);
        for (size_t i = 0; i < v->u.a.len; i++)
            result = append(cx, result, spread(cx, v->u.a.items[i]));
        return result;
    }
    if (jn_is_obj(v)) {
        jn_val *result = jn_seq(cx, v->u.o.len);
        for (size_t k = 0; k < v->u.o.len; k++) {
            jn_val *one = jn_obj(cx, 1);
            jn_obj_set_borrow(cx, one, v->u.o.ents[k].key, v->u.o.ents[k].klen, v->u.o.ents[k].val);
            jn_arr_push(cx, result, one);
        }
        return result;
    }
    return v == jn_undef_item() ? NULL : v; /* arg[ii] of JavaScript: undefined */
}

static jn_val *fn_spread(jn_ctx *cx, jn_val **argv, int argc) { return spread(cx, ARG(0)); }

static jn_val *fn_merge(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    return a ? merge_objects(cx, a) : NULL;
}

static jn_val *fn_reverse(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    if (!a || a->u.a.len <= 1)
        return a;
    jn_val *r = jn_arr(cx, a->u.a.len);
    for (size_t i = a->u.a.len; i > 0; i--)
        jn_arr_push(cx, r, a->u.a.items[i - 1]);
    return r;
}

/* ---- $sort ---- */

/* JavaScript's < on strings: UTF-16 code units, so a character above the BMP
 * (a surrogate pair, D800-DFFF) sorts before U+E000-U+FFFF. */
static int js_strcmp(const jn_val *a, const jn_val *b)
{
    size_t n = a->u.s.len < b->u.s.len ? a->u.s.len : b->u.s.len, i = 0;
    while (i < n && a->u.s.p[i] == b->u.s.p[i])
        i++;
    if (i == n)
        return a->u.s.len < b->u.s.len ? -1 : a->u.s.len > b->u.s.len;
    while (i > 0 && ((unsigned char)a->u.s.p[i] & 0xC0) == 0x80)
        i--;
    uint32_t ca, cb;
    stc_utf8_decode(a->u.s.p + i, a->u.s.len - i, &ca);
    stc_utf8_decode(b->u.s.p + i, b->u.s.len - i, &cb);
    uint32_t ua = ca >= 0x10000 ? 0xD800 + ((ca - 0x10000) >> 10) : ca;
    uint32_t ub = cb >= 0x10000 ? 0xD800 + ((cb - 0x10000) >> 10) : cb;
    if (ua != ub)
        return ua < ub ? -1 : 1;
    return ca < cb ? -1 : ca > cb;
}

/* JavaScript's truthiness (the comparator's result is used as if (...)). */
static bool js_truthy(const jn_val *v)
{
    if (!v)
        return false;
    switch ((jn_type)v->type) {
    case JN_NULL:
        return false;
    case JN_BOOL:
        return v->u.b;
    case JN_NUM:
        return v->u.n != 0 && !isnan(v->u.n);
    case JN_STR:
        return v->u.s.len > 0;
    default:
        return true;
    }
}

typedef struct sorter {
    jn_ctx *cx;
    jn_val *fn; /* NULL: a > b */
    jn_val **tmp;
} sorter;

/* Whether a and b are to be swapped (the reference's comp(a, b)). */
static bool sort_swap(sorter *s, jn_val *a, jn_val *b)
{
    if (!s->fn) {
        if (a->type == JN_NUM)
            return a->u.n > b->u.n;
        return js_strcmp(a, b) > 0;
    }
    jn_val *args[2] = {a, b};
    return js_truthy(jn_apply(s->cx, s->fn, args, 2));
}

/* The reference's merge sort: halves at floor(n/2), the left sorted first,
 * then merged taking the right's head only when comp(left, right) holds. */
static void msort(sorter *s, jn_val **v, size_t n)
{
    if (n <= 1)
        return;
    size_t mid = n / 2;
    msort(s, v, mid);
    msort(s, v + mid, n - mid);
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n) {
        if (sort_swap(s, v[i], v[j]))
            s->tmp[k++] = v[j++];
        else
            s->tmp[k++] = v[i++];
    }
    while (i < mid)
        s->tmp[k++] = v[i++];
    while (j < n)
        s->tmp[k++] = v[j++];
    memcpy(v, s->tmp, n * sizeof *v);
}

static bool all_numeric(jn_ctx *cx, jn_val *a)
{
    for (size_t i = 0; i < a->u.a.len; i++)
        if (!is_numeric(cx, a->u.a.items[i]))
            return false;
    return true;
}

static jn_val *fn_sort(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0), *fn = ARG(1);
    if (!a)
        return NULL;
    if (a->u.a.len <= 1)
        return a;
    if (!fn && !all_numeric(cx, a) && !jn_is_array_of_strings(a)) {
        jn_errinfo info = {.position = -1, .index = 1};
        jn_throw_x(cx, "D3070", &info);
    }
    jn_val *r = jn_arr(cx, a->u.a.len);
    memcpy(r->u.a.items, a->u.a.items, a->u.a.len * sizeof *r->u.a.items);
    r->u.a.len = a->u.a.len;
    sorter s = {cx, fn, jn_alloc(cx, a->u.a.len * sizeof(jn_val *))};
    msort(&s, r->u.a.items, r->u.a.len);
    return r;
}

static jn_val *fn_shuffle(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    if (!a || a->u.a.len <= 1)
        return a;
    /* the inside-out Fisher-Yates shuffle */
    size_t n = a->u.a.len;
    jn_val *r = jn_arr(cx, n);
    jn_val **out = r->u.a.items;
    for (size_t i = 0; i < n; i++) {
        size_t j = (size_t)floor(jn_ctx_random(cx) * (double)(i + 1));
        if (j > i)
            j = i;
        if (i != j)
            out[i] = out[j];
        out[j] = a->u.a.items[i];
    }
    r->u.a.len = n;
    return r;
}

/* ---- $distinct ---- */

/* A hash that agrees with jn_deep_equal (objects: key order ignored; 0 and
 * -0 alike). */
static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static uint64_t bytes_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return h;
}

static uint64_t value_hash(jn_ctx *cx, const jn_val *v)
{
    if ((v->type == JN_ARR || v->type == JN_OBJ) && jn_stack_low())
        jn_throw_stack(cx);
    switch ((jn_type)v->type) {
    case JN_NULL:
        return 1;
    case JN_BOOL:
        return v->u.b ? 2 : 3;
    case JN_NUM: {
        double d = v->u.n == 0 ? 0 : v->u.n;
        uint64_t u;
        memcpy(&u, &d, sizeof u);
        return mix(u + 4);
    }
    case JN_STR:
        return mix(bytes_hash(v->u.s.p, v->u.s.len) + 5);
    case JN_ARR: {
        uint64_t h = 6;
        for (size_t i = 0; i < v->u.a.len; i++)
            h = mix(h * 31 + value_hash(cx, v->u.a.items[i]));
        return h;
    }
    case JN_OBJ: {
        uint64_t h = 7;
        for (size_t i = 0; i < v->u.o.len; i++)
            h += mix(bytes_hash(v->u.o.ents[i].key, v->u.o.ents[i].klen) ^
                     value_hash(cx, v->u.o.ents[i].val));
        return mix(h);
    }
    case JN_FUNC:
        return mix((uint64_t)(uintptr_t)v->u.f + 8);
    }
    return 0;
}

static jn_val *fn_distinct(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0);
    if (!jn_is_arr(a) || a->u.a.len <= 1)
        return a;
    jn_val *r = jn_is_seq(a) ? jn_seq(cx, 0) : jn_arr(cx, 0);
    /* open addressing over the kept values' positions (+1) */
    size_t cap = 16;
    while (cap < a->u.a.len * 2)
        cap *= 2;
    uint32_t *slots = jn_alloc(cx, cap * sizeof *slots);
    uint64_t *hashes = jn_alloc(cx, a->u.a.len * sizeof *hashes);
    for (size_t i = 0; i < a->u.a.len; i++) {
        jn_val *v = a->u.a.items[i];
        uint64_t h = value_hash(cx, v);
        size_t at = (size_t)h & (cap - 1);
        bool seen = false;
        while (slots[at]) {
            size_t k = slots[at] - 1;
            int eq = hashes[k] == h ? jn_deep_equal_checked(v, r->u.a.items[k]) : 0;
            if (eq < 0)
                jn_throw_stack(cx);
            if (eq) {
                seen = true;
                break;
            }
            at = (at + 1) & (cap - 1);
        }
        if (seen)
            continue;
        hashes[r->u.a.len] = h;
        slots[at] = (uint32_t)r->u.a.len + 1;
        jn_arr_push(cx, r, v);
    }
    return r;
}

/* ---- $error, $assert, $type ---- */

static jn_val *fn_error(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *m = ARG(0);
    jn_errinfo info = {.position = -1,
                       .message = jn_is_str(m) && m->u.s.len ? m->u.s.p : "$error() function evaluated"};
    jn_throw_x(cx, "D3137", &info);
}

static jn_val *fn_assert(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *c = ARG(0), *m = ARG(1);
    if (!jn_is(c, JN_BOOL) || !c->u.b) {
        jn_errinfo info = {.position = -1,
                           .message = jn_is_str(m) && m->u.s.len ? m->u.s.p : "$assert() statement failed"};
        jn_throw_x(cx, "D3141", &info);
    }
    return NULL;
}

static jn_val *fn_type(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *v = ARG(0);
    if (!v)
        return NULL;
    const char *t = "object";
    switch ((jn_type)v->type) {
    case JN_NULL: t = "null"; break;
    case JN_NUM: t = is_numeric(cx, v) ? "number" : "object"; break;
    case JN_STR: t = "string"; break;
    case JN_BOOL: t = "boolean"; break;
    case JN_ARR: t = "array"; break;
    case JN_FUNC: t = "function"; break;
    case JN_OBJ: break;
    }
    return jn_str_borrow(cx, t, strlen(t));
}

/* ---- encodings ---- */

/* Buffer.from(str, 'binary'): each UTF-16 unit's low byte. */
static jn_val *fn_base64encode(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    unsigned char *bin = jn_alloc(cx, s->u.s.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < s->u.s.len;) {
        uint32_t cp;
        i += (size_t)stc_utf8_decode(s->u.s.p + i, s->u.s.len - i, &cp);
        if (cp >= 0x10000) { /* a surrogate pair: two units */
            bin[n++] = (unsigned char)((0xD800 + ((cp - 0x10000) >> 10)) & 0xFF);
            bin[n++] = (unsigned char)((0xDC00 + (cp & 0x3FF)) & 0xFF);
        } else {
            bin[n++] = (unsigned char)(cp & 0xFF);
        }
    }
    char *out = jn_alloc(cx, 4 * ((n + 2) / 3) + 1);
    int len = EVP_EncodeBlock((unsigned char *)out, bin, (int)n);
    return jn_str_borrow(cx, out, (size_t)len);
}

/* Buffer.from(str, 'base64').toString('binary'): Node's lenient decoder
 * reads the low byte of each UTF-16 unit, stops at the first '=' (a
 * surrogate's low byte may be one), takes '-' and '_' for '+' and '/', and
 * skips anything else; each byte then becomes a character U+0000-U+00FF. */
static jn_val *fn_base64decode(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    char *clean = jn_alloc(cx, s->u.s.len * 2 + 4);
    size_t n = 0;
    bool stop = false;
    for (size_t i = 0; i < s->u.s.len && !stop;) {
        uint32_t cp, units[2];
        i += (size_t)stc_utf8_decode(s->u.s.p + i, s->u.s.len - i, &cp);
        int nu = 1;
        units[0] = cp;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + (cp & 0x3FF);
            nu = 2;
        }
        for (int k = 0; k < nu && !stop; k++) {
            char c = (char)(units[k] & 0xFF);
            if (c == '=') {
                stop = true;
                break;
            }
            if (c == '-')
                c = '+';
            else if (c == '_')
                c = '/';
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '+' || c == '/')
                clean[n++] = c;
        }
    }
    size_t full = n - n % 4, rest = n % 4;
    unsigned char *bin = jn_alloc(cx, n / 4 * 3 + 3);
    int len = full ? EVP_DecodeBlock(bin, (unsigned char *)clean, (int)full) : 0;
    if (len < 0)
        len = 0;
    if (rest >= 2) { /* a last group of 2 or 3 characters: 1 or 2 bytes */
        char tail[4] = {'A', 'A', 'A', 'A'};
        memcpy(tail, clean + full, rest);
        unsigned char t[3];
        EVP_DecodeBlock(t, (unsigned char *)tail, 4);
        memcpy(bin + len, t, rest - 1);
        len += (int)rest - 1;
    }
    /* bytes as Latin-1 characters, in UTF-8 */
    char *out = jn_alloc(cx, (size_t)len * 2 + 1);
    size_t o = 0;
    for (int i = 0; i < len; i++)
        o += (size_t)stc_utf8_encode(bin[i], out + o);
    return jn_str_borrow(cx, out, o);
}

/* Whether encodeURIComponent / encodeURI leave c as it is. */
static bool uri_unescaped(unsigned char c, bool component)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return true;
    if (strchr("-_.!~*'()", c) && c)
        return true;
    return !component && c && strchr(";/?:@&=+$,#", c);
}

/* D3140: the message's {{{functionName}}} is the token. */
static _Noreturn void malformed_url(jn_ctx *cx, jn_val *s, const char *fname)
{
    jn_errinfo info = {.position = -1, .token = fname, .value = s};
    jn_throw_x(cx, "D3140", &info);
}

static jn_val *encode_uri(jn_ctx *cx, jn_val *s, bool component, const char *fname)
{
    if (!s)
        return NULL;
    static const char hex[] = "0123456789ABCDEF";
    /* an invalid byte becomes U+FFFD: three bytes, nine characters */
    char *out = jn_alloc(cx, s->u.s.len * 9 + 1);
    size_t o = 0;
    for (size_t i = 0; i < s->u.s.len;) {
        const unsigned char *p = (const unsigned char *)s->u.s.p + i;
        /* a surrogate written in UTF-8 (ED A0..BF ..) is a lone surrogate */
        if (p[0] == 0xED && i + 1 < s->u.s.len && p[1] >= 0xA0)
            malformed_url(cx, s, fname);
        if (p[0] < 0x80 && uri_unescaped(p[0], component)) {
            out[o++] = (char)p[0];
            i++;
            continue;
        }
        uint32_t cp;
        int n = stc_utf8_decode((const char *)p, s->u.s.len - i, &cp);
        char u[4];
        int un = stc_utf8_encode(cp, u); /* an invalid byte becomes U+FFFD */
        for (int k = 0; k < un; k++) {
            out[o++] = '%';
            out[o++] = hex[(unsigned char)u[k] >> 4];
            out[o++] = hex[(unsigned char)u[k] & 15];
        }
        i += (size_t)n;
    }
    out[o] = '\0';
    return jn_str_borrow(cx, out, o);
}

static int hex2(const char *p, size_t avail)
{
    if (avail < 3 || p[0] != '%')
        return -1;
    int a = digit_value(p[1], 16), b = digit_value(p[2], 16);
    return a < 0 || b < 0 ? -1 : a * 16 + b;
}

/* decodeURIComponent / decodeURI: %XX sequences as UTF-8 (D3140 when one
 * is malformed); decodeURI keeps the escapes of ; / ? : @ & = + $ , #. */
static jn_val *decode_uri(jn_ctx *cx, jn_val *s, bool component, const char *fname)
{
    if (!s)
        return NULL;
    const char *p = s->u.s.p;
    size_t len = s->u.s.len;
    char *out = jn_alloc(cx, len + 1);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (p[i] != '%') {
            out[o++] = p[i++];
            continue;
        }
        int b = hex2(p + i, len - i);
        if (b < 0)
            malformed_url(cx, s, fname);
        if (b < 0x80) {
            if (!component && strchr(";/?:@&=+$,#", b) && b)
                memcpy(out + o, p + i, 3), o += 3;
            else
                out[o++] = (char)b;
            i += 3;
            continue;
        }
        int n = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        if (!n)
            malformed_url(cx, s, fname);
        char u[4];
        u[0] = (char)b;
        for (int k = 1; k < n; k++) {
            int c = hex2(p + i + 3 * (size_t)k, len - i - 3 * (size_t)k);
            if (c < 0 || (c & 0xC0) != 0x80)
                malformed_url(cx, s, fname);
            u[k] = (char)c;
        }
        uint32_t cp;
        if (stc_utf8_decode(u, (size_t)n, &cp) != n) /* overlong, surrogate, too large */
            malformed_url(cx, s, fname);
        memcpy(out + o, u, (size_t)n);
        o += (size_t)n;
        i += 3 * (size_t)n;
    }
    out[o] = '\0';
    return jn_str_borrow(cx, out, o);
}

static jn_val *fn_encode_url_component(jn_ctx *cx, jn_val **argv, int argc)
{
    return encode_uri(cx, ARG(0), true, "encodeUrlComponent");
}

static jn_val *fn_encode_url(jn_ctx *cx, jn_val **argv, int argc)
{
    return encode_uri(cx, ARG(0), false, "encodeUrl");
}

static jn_val *fn_decode_url_component(jn_ctx *cx, jn_val **argv, int argc)
{
    return decode_uri(cx, ARG(0), true, "decodeUrlComponent");
}

static jn_val *fn_decode_url(jn_ctx *cx, jn_val **argv, int argc)
{
    return decode_uri(cx, ARG(0), false, "decodeUrl");
}

const jn_builtin jn_builtins_funcs[] = {
    {"sum", fn_sum, "<a<n>:n>"},
    {"count", fn_count, "<a:n>"},
    {"max", fn_max, "<a<n>:n>"},
    {"min", fn_min, "<a<n>:n>"},
    {"average", fn_average, "<a<n>:n>"},
    {"number", fn_number, "<(nsb)-:n>"},
    {"floor", fn_floor, "<n-:n>"},
    {"ceil", fn_ceil, "<n-:n>"},
    {"round", fn_round, "<n-n?:n>"},
    {"abs", fn_abs, "<n-:n>"},
    {"sqrt", fn_sqrt, "<n-:n>"},
    {"power", fn_power, "<n-n:n>"},
    {"random", fn_random, "<:n>"},
    {"boolean", fn_boolean, "<x-:b>"},
    {"not", fn_not, "<x-:b>"},
    {"map", fn_map, "<af>"},
    {"zip", fn_zip, "<a+>"},
    {"filter", fn_filter, "<af>"},
    {"single", fn_single, "<af?>"},
    {"reduce", fn_reduce, "<afj?:j>"},
    {"sift", fn_sift, "<o-f?:o>"},
    {"keys", fn_keys, "<x-:a<s>>"},
    {"lookup", fn_lookup, "<x-s:x>"},
    {"append", fn_append, "<xx:a>"},
    {"exists", fn_exists, "<x:b>"},
    {"spread", fn_spread, "<x-:a<o>>"},
    {"merge", fn_merge, "<a<o>:o>"},
    {"reverse", fn_reverse, "<a:a>"},
    {"each", fn_each, "<o-f:a>"},
    {"error", fn_error, "<s?:x>"},
    {"assert", fn_assert, "<bs?:x>"},
    {"type", fn_type, "<x:s>"},
    {"sort", fn_sort, "<af?:a>"},
    {"shuffle", fn_shuffle, "<a:a>"},
    {"distinct", fn_distinct, "<x:x>"},
    {"base64encode", fn_base64encode, "<s-:s>"},
    {"base64decode", fn_base64decode, "<s-:s>"},
    {"encodeUrlComponent", fn_encode_url_component, "<s-:s>"},
    {"encodeUrl", fn_encode_url, "<s-:s>"},
    {"decodeUrlComponent", fn_decode_url_component, "<s-:s>"},
    {"decodeUrl", fn_decode_url, "<s-:s>"},
    {NULL, NULL, NULL},
};
