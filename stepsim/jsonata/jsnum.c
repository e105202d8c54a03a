/* jsnum.c - JavaScript's number conversions as V8 performs them (see
 * jsnum.h): the reference's formatting functions build their output from
 * toFixed, toString(radix), parseInt and Math.round, so their corners are
 * those of V8's conversions, ported here. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepsim/jsonata/jsnum.h"

double jn_js_math_round(double x)
{
    if (!isfinite(x) || x == 0)
        return x;
    double r = ceil(x);
    if (r - 0.5 > x)
        r -= 1.0;
    return r;
}

/* +(mantissa + 'e' + (exponent + by)) on the number's text, as the
 * reference shifts the decimal point: value.toString().split('e'). The
 * text is NaN when either part is not a decimal integer's digits ("NaNe2",
 * "12e1.5", "12e1e+21"). */
static double shift_decimal(double v, double by)
{
    if (!isfinite(v))
        return NAN;
    char text[32], exp_text[32], shifted[96];
    jn_num_format(v, text);
    char *e = strchr(text, 'e');
    double exp10 = by;
    if (e) {
        *e = '\0';
        exp10 = strtod(e + 1, NULL) + by;
    }
    if (!isfinite(exp10) || exp10 != trunc(exp10))
        return NAN;
    jn_num_format(exp10, exp_text);
    if (strchr(exp_text, 'e'))
        return NAN;
    snprintf(shifted, sizeof shifted, "%se%s", text, exp_text);
    return strtod(shifted, NULL);
}

double jn_num_round_half_even(double x, double precision)
{
    bool shifted = precision != 0 && !isnan(precision); /* the reference's `if (precision)` */
    if (shifted)
        x = shift_decimal(x, precision);
    double result = jn_js_math_round(x);
    double diff = result - x;
    if (fabs(diff) == 0.5 && fabs(fmod(result, 2)) == 1)
        result = result - 1;
    if (shifted)
        result = shift_decimal(result, -precision);
    if (result == 0) /* JSON has no -0 */
        result = 0;
    return result;
}

char *jn_num_to_fixed(jn_ctx *cx, double x, int digits)
{
    char num[32];
    if (isnan(x))
        return jn_strndup(cx, "NaN", 3);
    if (fabs(x) >= 1e21) {
        size_t n = jn_num_format(x, num);
        return jn_strndup(cx, num, n);
    }
    bool neg = x < 0;
    if (neg)
        x = -x;
    /* The exact decimal value (a double below 1e21 has at most 21 integer
     * digits and 1074 fraction digits), then rounded half up at `digits`:
     * toFixed picks the larger n when two are equally close. */
    enum { EXACT = 1100 };
    char *exact = jn_alloc(cx, EXACT + 32);
    snprintf(exact, EXACT + 32, "%.*f", EXACT, x);
    char *dot = strchr(exact, '.');
    int int_len = (int)(dot - exact);
    /* digits kept: the integer part and `digits` fraction digits */
    char *out = jn_alloc(cx, (size_t)int_len + (size_t)digits + 4);
    char *kept = jn_alloc(cx, (size_t)int_len + (size_t)digits + 2);
    memcpy(kept, exact, (size_t)int_len);
    memcpy(kept + int_len, dot + 1, (size_t)digits);
    int nk = int_len + digits;
    bool up = dot[1 + digits] >= '5';
    if (up) {
        int i = nk - 1;
        for (; i >= 0 && kept[i] == '9'; i--)
            kept[i] = '0';
        if (i >= 0) {
            kept[i]++;
        } else {
            memmove(kept + 1, kept, (size_t)nk);
            kept[0] = '1';
            nk++, int_len++;
        }
    }
    char *o = out;
    if (neg)
        *o++ = '-';
    memcpy(o, kept, (size_t)int_len), o += int_len;
    if (digits > 0) {
        *o++ = '.';
        memcpy(o, kept + int_len, (size_t)digits), o += digits;
    }
    *o = '\0';
    return out;
}

/* V8's base::Double(d).Exponent(): d = significand * 2^Exponent */
static int double_exponent(double d)
{
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    int biased = (int)((bits >> 52) & 0x7FF);
    if (biased == 0)
        return 1 - 1075;
    return biased - 1075;
}

char *jn_num_to_radix(jn_ctx *cx, double value, int radix)
{
    static const char chars[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char num[32];
    if (radix == 10 || !isfinite(value)) {
        size_t n = jn_num_format(value, num);
        return jn_strndup(cx, num, n);
    }
    if (value == 0)
        return jn_strndup(cx, "0", 1);
    enum { SIZE = 2200 };
    char *buffer = jn_alloc(cx, SIZE);
    int integer_cursor = SIZE / 2;
    int fraction_cursor = integer_cursor;
    bool negative = value < 0;
    if (negative)
        value = -value;
    double integer = floor(value);
    double fraction = value - integer;
    /* fraction digits only as far as the double's precision */
    double delta = 0.5 * (nextafter(value, INFINITY) - value);
    delta = fmax(nextafter(0.0, 1.0), delta);
    if (fraction >= delta) {
        buffer[fraction_cursor++] = '.';
        do {
            fraction *= radix;
            delta *= radix;
            int digit = (int)fraction;
            buffer[fraction_cursor++] = chars[digit];
            fraction -= digit;
            if (fraction > 0.5 || (fraction == 0.5 && (digit & 1))) {
                if (fraction + delta > 1) {
                    /* carry into the digits already written */
                    for (;;) {
                        fraction_cursor--;
                        if (fraction_cursor == SIZE / 2) {
                            integer += 1;
                            break;
                        }
                        char c = buffer[fraction_cursor];
                        digit = c > '9' ? (c - 'a' + 10) : (c - '0');
                        if (digit + 1 < radix) {
                            buffer[fraction_cursor++] = chars[digit + 1];
                            break;
                        }
                    }
                    break;
                }
            }
        } while (fraction >= delta && fraction_cursor < SIZE - 1);
    }
    /* integer digits; those below the double's precision are zeros */
    while (double_exponent(integer / radix) > 0) {
        integer /= radix;
        buffer[--integer_cursor] = '0';
    }
    do {
        double remainder = fmod(integer, radix);
        buffer[--integer_cursor] = chars[(int)remainder];
        integer = (integer - remainder) / radix;
    } while (integer > 0);
    if (negative)
        buffer[--integer_cursor] = '-';
    return jn_strndup(cx, buffer + integer_cursor, (size_t)(fraction_cursor - integer_cursor));
}

static long gcd(long a, long b)
{
    while (b != 0) {
        long t = a % b;
        a = b, b = t;
    }
    return a;
}

long jn_grouping_interval(const long *positions, long n)
{
    if (n == 0)
        return 0;
    long factor = positions[0];
    for (long i = 1; i < n; i++)
        factor = gcd(factor, positions[i]);
    for (long k = 1; k <= n; k++) {
        bool found = false;
        for (long i = 0; i < n && !found; i++)
            found = positions[i] == k * factor;
        if (!found)
            return 0;
    }
    return factor;
}

bool jn_js_is_space(uint32_t c)
{
    switch (c) {
    case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

static uint32_t utf8_next(const unsigned char **p, const unsigned char *end)
{
    uint32_t c = *(*p)++;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (more)
        c &= 0x3Fu >> more;
    for (; more > 0 && *p < end && (**p & 0xC0) == 0x80; more--)
        c = (c << 6) | (*(*p)++ & 0x3F);
    return c;
}

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* V8's InternalStringToIntDouble<4> with trailing junk allowed: exact up to
 * 53 bits, then rounded half to even on the dropped bits. */
static double parse_hex(const unsigned char *p, const unsigned char *end)
{
    while (p < end && *p == '0')
        p++;
    int64_t number = 0;
    int exponent = 0;
    for (; p < end && hex_digit(*p) >= 0; p++) {
        number = number * 16 + hex_digit(*p);
        int overflow = (int)(number >> 53);
        if (overflow != 0) {
            int bits = 1;
            while (overflow > 1)
                bits++, overflow >>= 1;
            int dropped_mask = (1 << bits) - 1;
            int dropped = (int)number & dropped_mask;
            number >>= bits;
            exponent = bits;
            bool zero_tail = true;
            for (p++; p < end && hex_digit(*p) >= 0; p++) {
                zero_tail = zero_tail && *p == '0';
                exponent += 4;
            }
            int middle = 1 << (bits - 1);
            if (dropped > middle || (dropped == middle && ((number & 1) != 0 || !zero_tail)))
                number++;
            if ((number & ((int64_t)1 << 53)) != 0)
                exponent++, number >>= 1;
            break;
        }
    }
    return exponent == 0 ? (double)number : ldexp((double)number, exponent);
}

double jn_js_parse_int(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    for (;;) {
        const unsigned char *q = p;
        if (q >= end)
            return NAN;
        if (!jn_js_is_space(utf8_next(&q, end)))
            break;
        p = q;
    }
    bool negative = false;
    if (*p == '+' || *p == '-') {
        negative = *p == '-';
        if (++p == end)
            return NAN;
    }
    double sign = negative ? -1.0 : 1.0;
    if (p + 1 < end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (p == end || hex_digit(*p) < 0)
            return NAN;
        return sign * parse_hex(p, end);
    }
    const unsigned char *digits = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    if (p == digits)
        return NAN;
    while (digits < p - 1 && *digits == '0')
        digits++;
    /* more than 330 significant digits is beyond the largest double */
    if (p - digits > 330)
        return sign * INFINITY;
    char text[332];
    memcpy(text, digits, (size_t)(p - digits));
    text[p - digits] = '\0';
    double v = strtod(text, NULL);
    return sign * v;
}
