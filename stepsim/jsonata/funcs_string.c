/* funcs_string.c - JSONata's string functions: $string $substring
 * $substringBefore $substringAfter $lowercase $uppercase $length $trim $pad
 * $match $contains $replace $split $join, ported from the reference's
 * functions.js one by one.
 *
 * Where the reference counts characters with stringToArray (length,
 * substring, pad) a character is a code point; where it uses JavaScript's
 * string indices (the index of a match, a matcher's start and end) they are
 * UTF-16 units. Case mapping is ICU's with the root locale, as V8's
 * toLowerCase/toUpperCase are (full mappings: "ß" upper-cases to "SS", a final
 * sigma lower-cases to "ς").
 *
 * A pattern (of $contains $match $replace $split) is either a regex literal,
 * matched here directly through regex.c with the reference's rules for
 * empty matches (D1004), or any other function, called as the reference's
 * evaluateMatcher calls it: with the string, then through each result's
 * `next`, each result checked for the match object's shape (T1010).
 *
 * Everything returned is in the evaluation's arena.
 */
#define _GNU_SOURCE /* memmem */
#include <math.h>
#include <string.h>

#include <unicode/ustring.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/value.h"

#define ARG(i) ((i) < argc ? argv[(i)] : NULL)

static jn_val *empty_string(jn_ctx *cx) { return jn_str_borrow(cx, "", 0); }

/* A growing string in the arena: safe across calls that may throw (a user's
 * function, D1004), where a heap buffer would leak. */
typedef struct abuf {
    jn_ctx *cx;
    char *p;
    size_t len, cap;
} abuf;

static void ab_add(abuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = jn_alloc(b->cx, cap);
        if (b->len)
            memcpy(p, b->p, b->len);
        b->p = p;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
}

static void ab_putc(abuf *b, char c) { ab_add(b, &c, 1); }

static jn_val *ab_str(abuf *b)
{
    if (!b->len)
        return empty_string(b->cx);
    b->p[b->len] = '\0';
    return jn_str_borrow(b->cx, b->p, b->len);
}

/* ---- $string ---- */

/* $string's replacer tests every number with isNumeric, which refuses an
 * infinite one (D1001); the walk is in JSON.stringify's order. */
static void check_finite(jn_ctx *cx, jn_val *v)
{
    if (!v)
        return;
    if (v->type == JN_NUM && isinf(v->u.n))
        jn_throw(cx, "D1001", v);
    if ((v->type == JN_ARR || v->type == JN_OBJ) && jn_stack_low())
        jn_throw_stack(cx);
    if (v->type == JN_ARR)
        for (size_t i = 0; i < v->u.a.len; i++)
            check_finite(cx, v->u.a.items[i]);
    if (v->type == JN_OBJ)
        for (size_t i = 0; i < v->u.o.len; i++)
            check_finite(cx, v->u.o.ents[i].val);
}

static jn_val *fn_string(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *v = ARG(0);
    if (!v)
        return NULL;
    bool pretty = jn_is(ARG(1), JN_BOOL) && ARG(1)->u.b;
    if (v->type == JN_STR)
        return v;
    if (v->type == JN_FUNC)
        return empty_string(cx);
    if (v->type == JN_NUM && !isfinite(v->u.n))
        jn_throw(cx, "D3001", v);
    if (jn_is_arr(v) && (v->flags & JN_OUTER_WRAPPER)) {
        if (v->u.a.len == 0)
            return NULL; /* JSON.stringify(undefined) */
        v = v->u.a.items[0];
    }
    if (v->type == JN_NUM) { /* as the JSON writer's precision-15 replacer writes it */
        double d = v->u.n == floor(v->u.n) ? v->u.n : jn_num_round15(v->u.n);
        char num[32];
        size_t n = jn_num_format(d, num);
        return jn_str(cx, num, n);
    }
    check_finite(cx, v);
    stc_buf b = STC_BUF_INIT;
    if (!jn_json_write_checked(&b, v, pretty ? 2 : 0, true)) {
        stc_buf_free(&b);
        jn_throw_stack(cx);
    }
    jn_val *r = jn_str(cx, stc_buf_cstr(&b), b.len);
    stc_buf_free(&b);
    return r;
}

/* ---- characters ---- */

/* JavaScript's relative index for slice(): ToIntegerOrInfinity, then from the
 * end when negative, clamped to [0, len]. */
static size_t slice_index(double rel, size_t len)
{
    if (isnan(rel))
        return 0;
    rel = trunc(rel);
    if (rel < 0)
        return rel + (double)len < 0 ? 0 : (size_t)(rel + (double)len);
    return rel > (double)len ? len : (size_t)rel;
}

/* The code points [from, to) of s as a string. */
static jn_val *cp_slice(jn_ctx *cx, const jn_val *s, size_t from, size_t to)
{
    if (from >= to)
        return empty_string(cx);
    size_t a = jn_str_cpoffset(s->u.s.p, s->u.s.len, from);
    size_t b = a + jn_str_cpoffset(s->u.s.p + a, s->u.s.len - a, to - from);
    return jn_str(cx, s->u.s.p + a, b - a);
}

static jn_val *fn_substring(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    size_t len = jn_str_cplen(s->u.s.p, s->u.s.len);
    double start = jn_is_num(ARG(1)) ? ARG(1)->u.n : NAN;
    if ((double)len + start < 0)
        start = 0;
    if (ARG(2)) {
        double length = jn_is_num(ARG(2)) ? ARG(2)->u.n : NAN;
        if (length <= 0)
            return empty_string(cx);
        double end = start >= 0 ? start + length : (double)len + start + length;
        return cp_slice(cx, s, slice_index(start, len), slice_index(end, len));
    }
    return cp_slice(cx, s, slice_index(start, len), len);
}

/* JavaScript's String(v) of a pattern argument (undefined gives "undefined"). */
static jn_val *str_arg(jn_ctx *cx, jn_val *v)
{
    return jn_is_str(v) ? v : jn_js_string(cx, v);
}

/* Byte offset of needle in hay at or after `from`, or -1 (indexOf). */
static long index_of(const jn_val *hay, const jn_val *needle, size_t from)
{
    if (needle->u.s.len == 0)
        return from <= hay->u.s.len ? (long)from : -1;
    if (from >= hay->u.s.len)
        return -1;
    const char *p = memmem(hay->u.s.p + from, hay->u.s.len - from, needle->u.s.p, needle->u.s.len);
    return p ? (long)(p - hay->u.s.p) : -1;
}

static jn_val *fn_substring_before(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    long pos = index_of(s, str_arg(cx, ARG(1)), 0);
    return pos < 0 ? s : jn_str(cx, s->u.s.p, (size_t)pos);
}

static jn_val *fn_substring_after(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    jn_val *chars = str_arg(cx, ARG(1));
    long pos = index_of(s, chars, 0);
    if (pos < 0)
        return s;
    size_t at = (size_t)pos + chars->u.s.len;
    return jn_str(cx, s->u.s.p + at, s->u.s.len - at);
}

/* toLowerCase / toUpperCase: ASCII by hand, the rest through ICU (root
 * locale) in UTF-16. */
static jn_val *change_case(jn_ctx *cx, const jn_val *s, bool upper)
{
    const char *p = s->u.s.p;
    size_t n = s->u.s.len, i = 0;
    while (i < n && (unsigned char)p[i] < 0x80)
        i++;
    if (i == n) {
        char *out = jn_alloc(cx, n + 1);
        for (size_t k = 0; k < n; k++) {
            char c = p[k];
            if (upper && c >= 'a' && c <= 'z')
                c = (char)(c - 32);
            else if (!upper && c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            out[k] = c;
        }
        return jn_str_borrow(cx, out, n);
    }
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8WithSub(NULL, 0, &ulen, p, (int32_t)n, 0xFFFD, NULL, &st);
    UChar *u = jn_alloc(cx, ((size_t)ulen + 1) * sizeof(UChar));
    st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(u, ulen + 1, &ulen, p, (int32_t)n, 0xFFFD, NULL, &st);
    /* full case mappings grow a string by at most three units per unit;
     * ICU says how much it needs if ever more */
    int32_t cap = ulen * 3 + 1, mlen;
    UChar *m;
    do {
        m = jn_alloc(cx, (size_t)cap * sizeof(UChar));
        st = U_ZERO_ERROR;
        mlen = upper ? u_strToUpper(m, cap, u, ulen, "", &st) : u_strToLower(m, cap, u, ulen, "", &st);
        cap = mlen + 1;
    } while (st == U_BUFFER_OVERFLOW_ERROR);
    int32_t olen = 0;
    st = U_ZERO_ERROR;
    u_strToUTF8(NULL, 0, &olen, m, mlen, &st);
    char *out = jn_alloc(cx, (size_t)olen + 1);
    st = U_ZERO_ERROR;
    u_strToUTF8(out, olen + 1, &olen, m, mlen, &st);
    return jn_str_borrow(cx, out, (size_t)olen);
}

static jn_val *fn_lowercase(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? change_case(cx, ARG(0), false) : NULL;
}

static jn_val *fn_uppercase(jn_ctx *cx, jn_val **argv, int argc)
{
    return ARG(0) ? change_case(cx, ARG(0), true) : NULL;
}

static jn_val *fn_length(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    return s ? jn_num(cx, (double)jn_str_cplen(s->u.s.p, s->u.s.len)) : NULL;
}

static bool trim_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Runs of space, tab, CR and LF become one space; one space is then taken
 * off each end. */
static jn_val *fn_trim(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    char *out = jn_alloc(cx, s->u.s.len + 1);
    size_t n = 0;
    for (size_t i = 0; i < s->u.s.len; i++) {
        char c = s->u.s.p[i];
        if (!trim_space(c))
            out[n++] = c;
        else if (i == 0 || !trim_space(s->u.s.p[i - 1]))
            out[n++] = ' ';
    }
    size_t from = n > 0 && out[0] == ' ' ? 1 : 0;
    if (n > from && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return jn_str_borrow(cx, out + from, n - from);
}

/* The longest string V8 makes (its String::kMaxLength). */
#define JS_MAX_STRING 536870888.0

static jn_val *fn_pad(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0);
    if (!s)
        return NULL;
    jn_val *ch = ARG(2);
    if (!jn_is_str(ch) || ch->u.s.len == 0)
        ch = jn_str_borrow(cx, " ", 1);
    double width = jn_is_num(ARG(1)) ? trunc(ARG(1)->u.n) : NAN;
    double padlen = fabs(width) - (double)jn_str_cplen(s->u.s.p, s->u.s.len);
    if (!(padlen > 0))
        return s;
    if (padlen * (double)jn_str_u16len(ch->u.s.p, ch->u.s.len) > JS_MAX_STRING)
        jn_throw(cx, "D1001", ARG(1)); /* JavaScript: RangeError, Invalid string length */
    /* padlen characters taken in turn from the pad string */
    abuf b = {.cx = cx};
    if (width > 0)
        ab_add(&b, s->u.s.p, s->u.s.len);
    size_t want = (size_t)padlen, off = 0;
    for (size_t k = 0; k < want; k++) {
        if (off >= ch->u.s.len)
            off = 0;
        size_t next = off + jn_str_cpoffset(ch->u.s.p + off, ch->u.s.len - off, 1);
        ab_add(&b, ch->u.s.p + off, next - off);
        off = next;
    }
    if (width < 0)
        ab_add(&b, s->u.s.p, s->u.s.len);
    return ab_str(&b);
}

/* ---- matchers ---- */

/* One pass over the matches of a pattern in a string, as the reference's
 * evaluateMatcher and the matches' next() give them. */
typedef struct matcher {
    jn_ctx *cx;
    jn_val *str;
    /* a regex literal: matched here */
    const jn_regex *re;
    jn_match m;
    size_t at8;  /* a byte offset at or before m.start ... */
    double at16; /* ... and its UTF-16 index */
    /* any other function: its match objects */
    jn_val *obj;
    bool have;
} matcher;

static jn_val *call_matcher(matcher *mt, jn_val *fn, jn_val *arg)
{
    jn_val *r;
    if (!jn_is_func(fn))
        jn_throw(mt->cx, "T1010", NULL);
    if (fn->u.f->kind == JN_FN_REGEX)
        r = jn_regex_apply(mt->cx, fn, &arg, 1);
    else
        r = jn_apply(mt->cx, fn, &arg, 1);
    if (!r)
        return NULL;
    /* the shape check of evaluateMatcher (which also passes a falsy value) */
    bool falsy = r->type == JN_NULL || (r->type == JN_BOOL && !r->u.b) ||
                 (r->type == JN_NUM && (r->u.n == 0 || isnan(r->u.n))) ||
                 (r->type == JN_STR && r->u.s.len == 0);
    if (!falsy && !(jn_is_num(jn_obj_get(r, "start", 5)) || jn_is_arr(jn_obj_get(r, "groups", 6)) ||
                    jn_is_func(jn_obj_get(r, "next", 4))))
        jn_throw(mt->cx, "T1010", NULL);
    return r;
}

static void matcher_first(matcher *mt, jn_ctx *cx, jn_val *str, jn_val *pattern, bool objects)
{
    memset(mt, 0, sizeof *mt);
    mt->cx = cx;
    mt->str = str;
    mt->re = objects ? NULL : jn_regex_of(pattern);
    if (mt->re) {
        mt->have = jn_regex_exec(cx, mt->re, str->u.s.p, str->u.s.len, 0, &mt->m);
        return;
    }
    mt->obj = call_matcher(mt, pattern, str);
    mt->have = mt->obj != NULL;
}

/* The reference's next(): nothing once the last match reached the end of the
 * string; an empty match after the first would never progress (D1004). */
static void matcher_next(matcher *mt)
{
    if (mt->re) {
        size_t from = mt->m.end;
        if (from >= mt->str->u.s.len) {
            mt->have = false;
            return;
        }
        mt->have = jn_regex_exec(mt->cx, mt->re, mt->str->u.s.p, mt->str->u.s.len, from, &mt->m);
        if (mt->have && mt->m.start == mt->m.end)
            jn_throw(mt->cx, "D1004", jn_str_cstr(mt->cx, jn_regex_source(mt->re)));
        return;
    }
    if (!jn_is_obj(mt->obj))
        jn_throw(mt->cx, "T1010", NULL);
    mt->obj = call_matcher(mt, jn_obj_get(mt->obj, "next", 4), NULL);
    mt->have = mt->obj != NULL;
}

/* The UTF-16 index of the current regex match's start. */
static double matcher_start16(matcher *mt)
{
    if (mt->m.start < mt->at8) {
        mt->at8 = 0;
        mt->at16 = 0;
    }
    mt->at16 += (double)jn_str_u16len(mt->str->u.s.p + mt->at8, mt->m.start - mt->at8);
    mt->at8 = mt->m.start;
    return mt->at16;
}

/* A field of the matcher's result: a falsy number, string or boolean has
 * none (JavaScript reads undefined); null has no fields to read at all. */
static jn_val *obj_field(matcher *mt, const char *key)
{
    if (jn_is(mt->obj, JN_NULL))
        jn_throw(mt->cx, "T1010", NULL);
    return jn_is_obj(mt->obj) ? jn_obj_get(mt->obj, key, strlen(key)) : NULL;
}

/* JavaScript's ToIntegerOrInfinity then clamping of String#substring. */
static size_t js_substring_index(double d, size_t len16)
{
    if (isnan(d) || d <= 0)
        return 0;
    return d >= (double)len16 ? len16 : (size_t)d;
}

/* str.substring(a, b) with UTF-16 indices (swapped when a > b). */
static void js_substring(const jn_val *s, double a, double b, abuf *out)
{
    size_t len16 = jn_str_u16len(s->u.s.p, s->u.s.len);
    size_t x = js_substring_index(a, len16), y = js_substring_index(b, len16);
    if (x > y) {
        size_t t = x;
        x = y;
        y = t;
    }
    size_t bx = jn_str_u16offset(s->u.s.p, s->u.s.len, (double)x);
    size_t by = jn_str_u16offset(s->u.s.p, s->u.s.len, (double)y);
    ab_add(out, s->u.s.p + bx, by - bx);
}

static double num_or_nan(const jn_val *v) { return jn_is_num(v) ? v->u.n : NAN; }

/* The optional limit of $match, $replace and $split: +Infinity when absent,
 * `code` when negative. */
static double limit_arg(jn_ctx *cx, jn_val *limit, const char *code, int index)
{
    double lim = limit ? num_or_nan(limit) : INFINITY;
    if (lim < 0) {
        jn_errinfo info = {.position = -1, .value = limit, .index = index};
        jn_throw_x(cx, code, &info);
    }
    return lim;
}

/* ---- $contains, $match ---- */

static jn_val *fn_contains(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0), *token = ARG(1);
    if (!s || !token)
        return NULL;
    if (jn_is_str(token))
        return jn_bool(index_of(s, token, 0) >= 0);
    matcher mt;
    matcher_first(&mt, cx, s, token, false);
    return jn_bool(mt.have);
}

static jn_val *fn_match(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0), *limit = ARG(2);
    if (!s)
        return NULL;
    double lim = limit_arg(cx, limit, "D3040", 3);
    jn_val *result = jn_seq(cx, 0);
    if (!(lim > 0))
        return result;
    matcher mt;
    double count = 0;
    for (matcher_first(&mt, cx, s, ARG(1), false); mt.have && count < lim; matcher_next(&mt)) {
        jn_val *o = jn_obj(cx, 3);
        if (mt.re) {
            jn_obj_set_borrow(cx, o, "match", 5,
                              jn_str(cx, s->u.s.p + mt.m.start, mt.m.end - mt.m.start));
            jn_obj_set_borrow(cx, o, "index", 5, jn_num(cx, matcher_start16(&mt)));
            jn_val *groups = jn_arr(cx, mt.m.ngroups);
            for (size_t g = 0; g < mt.m.ngroups; g++) {
                if (mt.m.gstart[g] == (size_t)-1) /* undefined in JavaScript: null */
                    jn_arr_push(cx, groups, jn_null());
                else
                    jn_arr_push(cx, groups, jn_str(cx, s->u.s.p + mt.m.gstart[g],
                                                   mt.m.gend[g] - mt.m.gstart[g]));
            }
            jn_obj_set_borrow(cx, o, "groups", 6, groups);
        } else {
            static const char *const from[] = {"match", "start", "groups"};
            static const char *const to[] = {"match", "index", "groups"};
            for (int k = 0; k < 3; k++) {
                jn_val *v = obj_field(&mt, from[k]);
                if (v)
                    jn_obj_set_borrow(cx, o, to[k], strlen(to[k]), v);
            }
        }
        jn_arr_push(cx, result, o);
        count++;
    }
    return result;
}

/* ---- $replace ---- */

/* parseInt(text, 10) of at most `max` code points at p: leading white space
 * skipped, a sign, then digits; NaN when there are none. */
static double js_parse_int(const char *p, size_t len, size_t max)
{
    size_t end = jn_str_cpoffset(p, len, max), i = 0;
    for (;;) {
        uint32_t cp;
        if (i >= end)
            return NAN;
        int n = stc_utf8_decode(p + i, end - i, &cp);
        bool ws = (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0xA0 || cp == 0x1680 ||
                  (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                  cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
        if (!ws)
            break;
        i += (size_t)n;
    }
    double sign = 1;
    if (p[i] == '+' || p[i] == '-')
        sign = p[i++] == '-' ? -1 : 1;
    if (i >= end || p[i] < '0' || p[i] > '9')
        return NAN;
    double v = 0;
    while (i < end && p[i] >= '0' && p[i] <= '9')
        v = v * 10 + (p[i++] - '0');
    return sign * v;
}

/* The reference's replacer for a string replacement: $$ is $, $0 the match,
 * $n the n-th group (as many digits as the number of groups has, fewer when
 * that names no group); any other $ is itself. `group(i)` gives group i
 * (0-based) or NULL. */
typedef jn_val *(*group_fn)(matcher *mt, size_t i);

static void substitute(matcher *mt, const jn_val *rep, const char *match, size_t mlen,
                       size_t ngroups, group_fn group, abuf *out)
{
    const char *r = rep->u.s.p;
    size_t rlen = rep->u.s.len, pos = 0;
    const char *d = memchr(r, '$', rlen);
    while (d && pos < rlen) {
        size_t at = (size_t)(d - r);
        ab_add(out, r + pos, at - pos);
        pos = at + 1;
        char c = pos < rlen ? r[pos] : '\0';
        if (c == '$') {
            ab_putc(out, '$');
            pos++;
        } else if (c == '0') {
            ab_add(out, match, mlen);
            pos++;
        } else {
            size_t max = ngroups == 0 ? 1 : (size_t)floor(log10((double)ngroups)) + 1;
            double index = js_parse_int(r + pos, rlen - pos, max);
            if (max > 1 && index > (double)ngroups)
                index = js_parse_int(r + pos, rlen - pos, max - 1);
            if (!isnan(index)) {
                if (ngroups > 0 && index >= 1 && index <= (double)ngroups) {
                    jn_val *g = group(mt, (size_t)index - 1);
                    if (g) {
                        jn_val *gs = jn_is_str(g) ? g : jn_js_string(mt->cx, g);
                        ab_add(out, gs->u.s.p, gs->u.s.len);
                    }
                }
                char num[32];
                pos += jn_num_format(index, num); /* index.toString().length */
            } else {
                ab_putc(out, '$');
            }
        }
        d = pos < rlen ? memchr(r + pos, '$', rlen - pos) : NULL;
    }
    if (pos < rlen)
        ab_add(out, r + pos, rlen - pos);
}

static jn_val *regex_group(matcher *mt, size_t i)
{
    if (mt->m.gstart[i] == (size_t)-1)
        return NULL;
    return jn_str(mt->cx, mt->str->u.s.p + mt->m.gstart[i], mt->m.gend[i] - mt->m.gstart[i]);
}

static jn_val *object_group(matcher *mt, size_t i)
{
    jn_val *groups = obj_field(mt, "groups");
    return jn_is_arr(groups) && i < groups->u.a.len ? groups->u.a.items[i] : NULL;
}

static size_t object_ngroups(matcher *mt)
{
    jn_val *groups = obj_field(mt, "groups");
    if (!groups)
        jn_throw(mt->cx, "T1010", NULL); /* JavaScript: groups.length of undefined */
    return jn_is_arr(groups) ? groups->u.a.len : 0;
}

/* A function replacement's result must be a string (D3012). */
static void append_replaced(jn_ctx *cx, jn_val *fn, jn_val *match_obj, abuf *out)
{
    jn_val *r = jn_apply(cx, fn, &match_obj, 1);
    if (!jn_is_str(r))
        jn_throw(cx, "D3012", r);
    ab_add(out, r->u.s.p, r->u.s.len);
}

static jn_val *fn_replace(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0), *pattern = ARG(1), *rep = ARG(2), *limit = ARG(3);
    if (!s)
        return NULL;
    if (jn_is_str(pattern) && pattern->u.s.len == 0) {
        jn_errinfo info = {.position = -1, .value = pattern, .index = 2};
        jn_throw_x(cx, "D3010", &info);
    }
    double lim = limit_arg(cx, limit, "D3011", 4);
    if (!(lim > 0))
        return s;
    if (!jn_is_str(rep) && !jn_is_func(rep))
        rep = jn_js_string(cx, rep);
    bool rep_fn = jn_is_func(rep);
    abuf out = {.cx = cx};
    double count = 0;

    if (!jn_is_func(pattern)) {
        /* a string pattern: every occurrence, left to right */
        jn_val *pat = str_arg(cx, pattern);
        size_t pos = 0;
        long at;
        while ((at = index_of(s, pat, pos)) >= 0 && count < lim) {
            ab_add(&out, s->u.s.p + pos, (size_t)at - pos);
            if (rep_fn) {
                /* the reference would insert the function's JavaScript
                 * source; here the function is applied as with a regex */
                jn_val *o = jn_obj(cx, 4);
                jn_obj_set_borrow(cx, o, "match", 5, pat);
                double start16 = (double)jn_str_u16len(s->u.s.p, (size_t)at);
                jn_obj_set_borrow(cx, o, "start", 5, jn_num(cx, start16));
                jn_obj_set_borrow(
                    cx, o, "end", 3,
                    jn_num(cx, start16 + (double)jn_str_u16len(pat->u.s.p, pat->u.s.len)));
                jn_obj_set_borrow(cx, o, "groups", 6, jn_arr(cx, 0));
                append_replaced(cx, rep, o, &out);
            } else {
                ab_add(&out, rep->u.s.p, rep->u.s.len);
            }
            pos = (size_t)at + pat->u.s.len;
            count++;
        }
        ab_add(&out, s->u.s.p + pos, s->u.s.len - pos);
        return ab_str(&out);
    }

    /* a regex or matcher function; a function replacement gets the match
     * objects, so they are made for it */
    matcher mt;
    matcher_first(&mt, cx, s, pattern, rep_fn);
    if (!mt.have)
        return s;
    if (mt.re) {
        size_t pos = 0;
        for (; mt.have && count < lim; matcher_next(&mt)) {
            ab_add(&out, s->u.s.p + pos, mt.m.start - pos);
            substitute(&mt, rep, s->u.s.p + mt.m.start, mt.m.end - mt.m.start, mt.m.ngroups,
                       regex_group, &out);
            pos = mt.m.end;
            count++;
        }
        ab_add(&out, s->u.s.p + pos, s->u.s.len - pos);
        return ab_str(&out);
    }
    double pos = 0;
    for (; mt.have && count < lim; matcher_next(&mt)) {
        double start = num_or_nan(obj_field(&mt, "start"));
        js_substring(s, pos, start, &out);
        jn_val *match = obj_field(&mt, "match");
        if (rep_fn) {
            append_replaced(cx, rep, mt.obj, &out);
        } else {
            jn_val *ms = jn_is_str(match) ? match : jn_js_string(cx, match);
            substitute(&mt, rep, ms->u.s.p, ms->u.s.len, object_ngroups(&mt), object_group, &out);
        }
        pos = start + (jn_is_str(match) ? (double)jn_str_u16len(match->u.s.p, match->u.s.len) : NAN);
        count++;
    }
    js_substring(s, pos, INFINITY, &out);
    return ab_str(&out);
}

/* ---- $split, $join ---- */

static jn_val *fn_split(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *s = ARG(0), *sep = ARG(1), *limit = ARG(2);
    if (!s)
        return NULL;
    double lim = limit_arg(cx, limit, "D3020", 3);
    jn_val *result = jn_arr(cx, 0);
    if (limit && !(lim > 0))
        return result;
    if (!jn_is_func(sep)) {
        /* String#split(sep, limit): limit is ToUint32 */
        jn_val *ss = str_arg(cx, sep);
        double ulim = limit ? fmod(trunc(lim), 4294967296.0) : 4294967295.0;
        if (ulim == 0)
            return result;
        if (ss->u.s.len == 0) { /* each character */
            for (size_t i = 0; i < s->u.s.len && (double)result->u.a.len < ulim;) {
                size_t n = jn_str_cpoffset(s->u.s.p + i, s->u.s.len - i, 1);
                jn_arr_push(cx, result, jn_str(cx, s->u.s.p + i, n));
                i += n;
            }
            return result;
        }
        size_t pos = 0;
        long at;
        while ((at = index_of(s, ss, pos)) >= 0) {
            jn_arr_push(cx, result, jn_str(cx, s->u.s.p + pos, (size_t)at - pos));
            if ((double)result->u.a.len >= ulim)
                return result;
            pos = (size_t)at + ss->u.s.len;
        }
        jn_arr_push(cx, result, jn_str(cx, s->u.s.p + pos, s->u.s.len - pos));
        return result;
    }
    matcher mt;
    double count = 0;
    matcher_first(&mt, cx, s, sep, false);
    if (!mt.have) {
        jn_arr_push(cx, result, s);
        return result;
    }
    if (mt.re) {
        size_t start = 0;
        for (; mt.have && count < lim; matcher_next(&mt)) {
            jn_arr_push(cx, result, jn_str(cx, s->u.s.p + start, mt.m.start - start));
            start = mt.m.end;
            count++;
        }
        if (count < lim)
            jn_arr_push(cx, result, jn_str(cx, s->u.s.p + start, s->u.s.len - start));
        return result;
    }
    double start = 0;
    for (; mt.have && count < lim; matcher_next(&mt)) {
        abuf piece = {.cx = cx};
        js_substring(s, start, num_or_nan(obj_field(&mt, "start")), &piece);
        jn_arr_push(cx, result, ab_str(&piece));
        start = num_or_nan(obj_field(&mt, "end"));
        count++;
    }
    if (count < lim) {
        abuf piece = {.cx = cx};
        js_substring(s, start, INFINITY, &piece);
        jn_arr_push(cx, result, ab_str(&piece));
    }
    return result;
}

static jn_val *fn_join(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = ARG(0), *sep = ARG(1);
    if (!a)
        return NULL;
    if (jn_is_str(a)) /* the signature makes a lone string an array of one */
        return a;
    abuf b = {.cx = cx};
    for (size_t i = 0; i < a->u.a.len; i++) {
        if (i && jn_is_str(sep))
            ab_add(&b, sep->u.s.p, sep->u.s.len);
        const jn_val *v = a->u.a.items[i];
        if (jn_is_str(v))
            ab_add(&b, v->u.s.p, v->u.s.len);
    }
    return ab_str(&b);
}

const jn_builtin jn_builtins_string[] = {
    {"string", fn_string, "<x-b?:s>"},
    {"substring", fn_substring, "<s-nn?:s>"},
    {"substringBefore", fn_substring_before, "<s-s:s>"},
    {"substringAfter", fn_substring_after, "<s-s:s>"},
    {"lowercase", fn_lowercase, "<s-:s>"},
    {"uppercase", fn_uppercase, "<s-:s>"},
    {"length", fn_length, "<s-:n>"},
    {"trim", fn_trim, "<s-:s>"},
    {"pad", fn_pad, "<s-ns?:s>"},
    {"match", fn_match, "<s-f<s:o>n?:a<o>>"},
    {"contains", fn_contains, "<s-(sf):b>"},
    {"replace", fn_replace, "<s-(sf)(sf)n?:s>"},
    {"split", fn_split, "<s-(sf)n?:a<s>>"},
    {"join", fn_join, "<a<s>s?:s>"},
    {NULL, NULL, NULL},
};
