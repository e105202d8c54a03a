/* jsstr.c - JavaScript's string operations on UTF-16 code units (see
 * jsstr.h). */
#include <string.h>

#include "stepsim/jsonata/jsstr.h"

static const uint16_t no_units[1] = {0};
const jn_u16 JN_U16_EMPTY = {no_units, 0};
#define EMPTY JN_U16_EMPTY

jn_u16 jn_u16_from_utf8(jn_ctx *cx, const char *s, size_t len)
{
    uint16_t *out = jn_alloc(cx, (len + 1) * sizeof *out);
    long n = 0;
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more)
            c &= 0x3Fu >> more;
        for (; more > 0 && p < end && (*p & 0xC0) == 0x80; more--)
            c = (c << 6) | (*p++ & 0x3F);
        if (c >= 0x10000) {
            c -= 0x10000;
            out[n++] = (uint16_t)(0xD800 + (c >> 10));
            out[n++] = (uint16_t)(0xDC00 + (c & 0x3FF));
        } else {
            out[n++] = (uint16_t)c;
        }
    }
    return (jn_u16){out, n};
}

jn_u16 jn_u16_of(jn_ctx *cx, const jn_val *str)
{
    return jn_u16_from_utf8(cx, str->u.s.p, str->u.s.len);
}

void jn_utf8_put(stc_buf *b, uint32_t c)
{
    char o[4];
    size_t n;
    if (c < 0x80) {
        o[0] = (char)c, n = 1;
    } else if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6)), o[1] = (char)(0x80 | (c & 0x3F)), n = 2;
    } else if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12)), o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F)), n = 3;
    } else {
        o[0] = (char)(0xF0 | (c >> 18)), o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((c >> 6) & 0x3F)), o[3] = (char)(0x80 | (c & 0x3F)), n = 4;
    }
    stc_buf_add(b, o, n);
}

static bool is_high(uint32_t c) { return c >= 0xD800 && c < 0xDC00; }
static bool is_low(uint32_t c) { return c >= 0xDC00 && c < 0xE000; }

void jn_u16_put_utf8(stc_buf *b, jn_u16 s)
{
    for (long i = 0; i < s.n; i++) {
        uint32_t c = s.p[i];
        if (is_high(c) && i + 1 < s.n && is_low(s.p[i + 1])) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s.p[i + 1] - 0xDC00u);
            i++;
        }
        jn_utf8_put(b, c); /* a lone surrogate keeps its 3-byte form */
    }
}

jn_val *jn_u16_to_val(jn_ctx *cx, jn_u16 s)
{
    stc_buf b = {0};
    jn_u16_put_utf8(&b, s);
    jn_val *v = jn_str(cx, b.len ? b.data : "", b.len);
    stc_buf_free(&b);
    return v;
}

bool jn_u16_eq(jn_u16 a, jn_u16 b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, (size_t)a.n * sizeof *a.p) == 0);
}

bool jn_u16_is_unit(jn_u16 s, uint16_t c)
{
    return s.n == 1 && s.p[0] == c;
}

static bool match_at(jn_u16 h, long i, jn_u16 nd)
{
    return nd.n == 0 || memcmp(h.p + i, nd.p, (size_t)nd.n * sizeof *nd.p) == 0;
}

long jn_u16_index_of(jn_u16 h, jn_u16 nd, long from)
{
    if (from < 0)
        from = 0;
    if (from > h.n)
        from = h.n;
    for (long i = from; i + nd.n <= h.n; i++)
        if (match_at(h, i, nd))
            return i;
    return -1;
}

long jn_u16_last_index_of(jn_u16 h, jn_u16 nd)
{
    for (long i = h.n - nd.n; i >= 0; i--)
        if (match_at(h, i, nd))
            return i;
    return -1;
}

jn_u16 jn_u16_substring(jn_u16 s, long start, long end)
{
    start = start < 0 ? 0 : start > s.n ? s.n : start;
    end = end < 0 ? 0 : end > s.n ? s.n : end;
    if (start > end) {
        long t = start;
        start = end, end = t;
    }
    return (jn_u16){s.p + start, end - start};
}

static long slice_pos(long k, long n)
{
    if (k < 0)
        return k + n < 0 ? 0 : k + n;
    return k > n ? n : k;
}

jn_u16 jn_u16_slice(jn_u16 s, long start, long end)
{
    start = slice_pos(start, s.n);
    end = slice_pos(end, s.n);
    return start < end ? (jn_u16){s.p + start, end - start} : EMPTY;
}

jn_u16 jn_u16_char_at(jn_u16 s, long i)
{
    return i >= 0 && i < s.n ? (jn_u16){s.p + i, 1} : EMPTY;
}

jn_u16 jn_u16_cat(jn_ctx *cx, const jn_u16 *parts, int n)
{
    long len = 0;
    for (int i = 0; i < n; i++)
        len += parts[i].n;
    uint16_t *out = jn_alloc(cx, ((size_t)len + 1) * sizeof *out);
    long k = 0;
    for (int i = 0; i < n; i++) {
        if (parts[i].n)
            memcpy(out + k, parts[i].p, (size_t)parts[i].n * sizeof *out);
        k += parts[i].n;
    }
    return (jn_u16){out, len};
}

jn_u16 jn_u16_cat2(jn_ctx *cx, jn_u16 a, jn_u16 b)
{
    jn_u16 parts[2] = {a, b};
    return jn_u16_cat(cx, parts, 2);
}

jn_u16 jn_u16_cat3(jn_ctx *cx, jn_u16 a, jn_u16 b, jn_u16 c)
{
    jn_u16 parts[3] = {a, b, c};
    return jn_u16_cat(cx, parts, 3);
}

jn_u16 jn_u16_repeat(jn_ctx *cx, jn_u16 s, long n)
{
    if (n <= 0 || s.n == 0)
        return EMPTY;
    uint16_t *out = jn_alloc(cx, ((size_t)(n * s.n) + 1) * sizeof *out);
    for (long i = 0; i < n; i++)
        memcpy(out + i * s.n, s.p, (size_t)s.n * sizeof *out);
    return (jn_u16){out, n * s.n};
}

long jn_u16_split(jn_ctx *cx, jn_u16 s, jn_u16 sep, jn_u16 **out)
{
    if (sep.n == 0) {
        *out = jn_alloc(cx, ((size_t)s.n + 1) * sizeof **out);
        for (long i = 0; i < s.n; i++)
            (*out)[i] = (jn_u16){s.p + i, 1};
        return s.n;
    }
    long count = 1;
    for (long i = jn_u16_index_of(s, sep, 0); i >= 0; i = jn_u16_index_of(s, sep, i + sep.n))
        count++;
    *out = jn_alloc(cx, (size_t)count * sizeof **out);
    long k = 0, start = 0;
    for (long i = jn_u16_index_of(s, sep, 0); i >= 0; i = jn_u16_index_of(s, sep, i + sep.n)) {
        (*out)[k++] = (jn_u16){s.p + start, i - start};
        start = i + sep.n;
    }
    (*out)[k++] = (jn_u16){s.p + start, s.n - start};
    return k;
}

jn_u16 jn_u16_replace_all(jn_ctx *cx, jn_u16 s, jn_u16 sep, jn_u16 with)
{
    jn_u16 *pieces;
    long n = jn_u16_split(cx, s, sep, &pieces);
    long len = 0;
    for (long i = 0; i < n; i++)
        len += pieces[i].n + (i ? with.n : 0);
    uint16_t *out = jn_alloc(cx, ((size_t)len + 1) * sizeof *out);
    long k = 0;
    for (long i = 0; i < n; i++) {
        if (i && with.n)
            memcpy(out + k, with.p, (size_t)with.n * sizeof *out), k += with.n;
        if (pieces[i].n)
            memcpy(out + k, pieces[i].p, (size_t)pieces[i].n * sizeof *out), k += pieces[i].n;
    }
    return (jn_u16){out, k};
}

jn_u16 jn_u16_replace(jn_ctx *cx, jn_u16 s, jn_u16 pat, jn_u16 rep)
{
    long at = jn_u16_index_of(s, pat, 0);
    if (at < 0)
        return s;
    jn_u16 before = {s.p, at}, after = {s.p + at + pat.n, s.n - at - pat.n};
    long cap = rep.n * (s.n + 1) + 1;
    uint16_t *r = jn_alloc(cx, (size_t)cap * sizeof *r);
    long k = 0;
    for (long i = 0; i < rep.n; i++) {
        jn_u16 ins = {rep.p + i, 1};
        if (rep.p[i] == '$' && i + 1 < rep.n) {
            uint16_t c = rep.p[i + 1];
            if (c == '$')
                i++;
            else if (c == '&')
                ins = pat, i++;
            else if (c == '`')
                ins = before, i++;
            else if (c == '\'')
                ins = after, i++;
        }
        if (ins.n)
            memcpy(r + k, ins.p, (size_t)ins.n * sizeof *r);
        k += ins.n;
    }
    return jn_u16_cat3(cx, before, (jn_u16){r, k}, after);
}

long jn_u16_code_points(jn_ctx *cx, jn_u16 s, uint32_t **out)
{
    *out = jn_alloc(cx, ((size_t)s.n + 1) * sizeof **out);
    long n = 0;
    for (long i = 0; i < s.n; i++) {
        uint32_t c = s.p[i];
        if (is_high(c) && i + 1 < s.n && is_low(s.p[i + 1])) {
            c = 0x10000 + ((c - 0xD800) << 10) + (s.p[i + 1] - 0xDC00u);
            i++;
        }
        (*out)[n++] = c;
    }
    return n;
}

jn_u16 jn_u16_from_cp(jn_ctx *cx, uint32_t cp)
{
    uint16_t *out = jn_alloc(cx, 2 * sizeof *out);
    if (cp >= 0x10000) {
        cp -= 0x10000;
        out[0] = (uint16_t)(0xD800 + (cp >> 10));
        out[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        return (jn_u16){out, 2};
    }
    out[0] = (uint16_t)cp;
    return (jn_u16){out, 1};
}
