/* numfmt.c - JSONata built-in functions: $formatNumber and $formatBase,
 * ported function by function from the reference's functions.js.
 *
 * $formatNumber(number, picture, options) is XPath/XSLT 3.0 fn:format-number:
 * the options object overrides the decimal-format properties
 * (decimal-separator, grouping-separator, exponent-separator, infinity,
 * minus-sign, NaN, percent, per-mille, zero-digit, digit,
 * pattern-separator). The reference works on JavaScript strings, that is on
 * UTF-16 code units (charAt, indexOf, substring, split('')), and its corners
 * follow from that: so does this port. The picture and the properties are
 * converted to UTF-16 once, every step is the reference's own on code units,
 * and the result is converted back to UTF-8. A property given as another
 * JSON type is read as JavaScript's String() reads it.
 *
 * $formatBase(number, radix) is the reference's: both rounded as $round
 * rounds (half to even), then Number.prototype.toString(radix).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepsim/jsonata/jsnum.h"
#include "stepsim/jsonata/jsstr.h"
#include "stepsim/jsonata/value.h"

/* ---- the properties (the XPath decimal format) ---- */

typedef struct nf_props {
    jn_u16 decimal, grouping, exponent, minus, percent, permille, zero, digit, patsep;
    uint16_t family[10]; /* the decimal digit family, from zero-digit's first unit */
    int nfamily;         /* 0 when zero-digit is "" (charCodeAt(0) is NaN) */
} nf_props;

static bool in_family(const nf_props *pr, uint16_t c)
{
    for (int i = 0; i < pr->nfamily; i++)
        if (pr->family[i] == c)
            return true;
    return false;
}

/* activeChars.indexOf(ch) !== -1 */
static bool is_active(const nf_props *pr, uint16_t c)
{
    return in_family(pr, c) || jn_u16_is_unit(pr->decimal, c) ||
           jn_u16_is_unit(pr->exponent, c) || jn_u16_is_unit(pr->grouping, c) ||
           jn_u16_is_unit(pr->digit, c) || jn_u16_is_unit(pr->patsep, c);
}

/* JavaScript's String(v) for an option value. */
static void js_string_of(stc_buf *b, const jn_val *v)
{
    char num[32];
    switch (v ? v->type : 0) {
    case JN_STR:
        stc_buf_add(b, v->u.s.p, v->u.s.len);
        break;
    case JN_NUM:
        stc_buf_add(b, num, jn_num_format(v->u.n, num));
        break;
    case JN_BOOL:
        stc_buf_puts(b, v->u.b ? "true" : "false");
        break;
    case JN_NULL:
        stc_buf_puts(b, "null");
        break;
    case JN_ARR:
        for (size_t i = 0; i < v->u.a.len; i++) {
            if (i)
                stc_buf_putc(b, ',');
            if (v->u.a.items[i]->type != JN_NULL)
                js_string_of(b, v->u.a.items[i]);
        }
        break;
    case JN_OBJ:
        stc_buf_puts(b, "[object Object]");
        break;
    default:
        break;
    }
}

static void props_read(jn_ctx *cx, nf_props *pr, const jn_val *options)
{
    static const struct {
        const char *name;
        const char *dflt;
        size_t off;
    } table[] = {
        {"decimal-separator", ".", offsetof(nf_props, decimal)},
        {"grouping-separator", ",", offsetof(nf_props, grouping)},
        {"exponent-separator", "e", offsetof(nf_props, exponent)},
        {"minus-sign", "-", offsetof(nf_props, minus)},
        {"percent", "%", offsetof(nf_props, percent)},
        {"per-mille", "\xE2\x80\xB0", offsetof(nf_props, permille)},
        {"zero-digit", "0", offsetof(nf_props, zero)},
        {"digit", "#", offsetof(nf_props, digit)},
        {"pattern-separator", ";", offsetof(nf_props, patsep)},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        jn_u16 *dst = (jn_u16 *)((char *)pr + table[i].off);
        jn_val *v = jn_is_obj(options) ? jn_obj_get(options, table[i].name, strlen(table[i].name))
                                       : NULL;
        if (jn_is_str(v)) {
            *dst = jn_u16_from_utf8(cx, v->u.s.p, v->u.s.len);
        } else if (v) {
            stc_buf b = {0};
            js_string_of(&b, v);
            *dst = jn_u16_from_utf8(cx, b.len ? b.data : "", b.len);
            stc_buf_free(&b);
        } else {
            *dst = jn_u16_from_utf8(cx, table[i].dflt, strlen(table[i].dflt));
        }
    }
    /* "infinity" and "NaN" are properties too, but the reference never
     * reads them: NaN and infinities are formatted through toFixed. */
    pr->nfamily = 0;
    if (pr->zero.n > 0) {
        for (int i = 0; i < 10; i++)
            pr->family[i] = (uint16_t)(pr->zero.p[0] + i);
        pr->nfamily = 10;
    }
}

/* ---- the picture: splitParts, validate, analyse (F&O 4.7.3, 4.7.4) ---- */

typedef struct nf_parts {
    jn_u16 prefix, suffix, active, mantissa, exponent, integer, fraction, sub;
    bool has_exponent;
} nf_parts;

static long count_digits(const nf_props *pr, jn_u16 s, bool optional_too)
{
    long n = 0;
    for (long i = 0; i < s.n; i++)
        if (in_family(pr, s.p[i]) || (optional_too && jn_u16_is_unit(pr->digit, s.p[i])))
            n++;
    return n;
}

static nf_parts split_parts(const nf_props *pr, jn_u16 sub)
{
    nf_parts pa = {.sub = sub, .exponent = JN_U16_EMPTY};
    pa.prefix = JN_U16_EMPTY;
    for (long i = 0; i < sub.n; i++)
        if (is_active(pr, sub.p[i]) && !jn_u16_is_unit(pr->exponent, sub.p[i])) {
            pa.prefix = jn_u16_substring(sub, 0, i);
            break;
        }
    pa.suffix = JN_U16_EMPTY;
    for (long i = sub.n - 1; i >= 0; i--)
        if (is_active(pr, sub.p[i]) && !jn_u16_is_unit(pr->exponent, sub.p[i])) {
            pa.suffix = jn_u16_substring(sub, i + 1, sub.n);
            break;
        }
    pa.active = jn_u16_substring(sub, pa.prefix.n, sub.n - pa.suffix.n);
    long exp_pos = jn_u16_index_of(sub, pr->exponent, pa.prefix.n);
    if (exp_pos == -1 || exp_pos > sub.n - pa.suffix.n) {
        pa.mantissa = pa.active;
        pa.has_exponent = false;
    } else {
        /* positions in the sub-picture applied to the active part, as the
         * reference does */
        pa.mantissa = jn_u16_substring(pa.active, 0, exp_pos);
        pa.exponent = jn_u16_substring(pa.active, exp_pos + 1, pa.active.n);
        pa.has_exponent = true;
    }
    long dec_pos = jn_u16_index_of(pa.mantissa, pr->decimal, 0);
    if (dec_pos == -1) {
        pa.integer = pa.mantissa;
        pa.fraction = pa.suffix;
    } else {
        pa.integer = jn_u16_substring(pa.mantissa, 0, dec_pos);
        pa.fraction = jn_u16_substring(pa.mantissa, dec_pos + 1, pa.mantissa.n);
    }
    return pa;
}

/* The reference's validate: every check runs, the last failing one wins. */
static void validate(jn_ctx *cx, const nf_props *pr, const nf_parts *pa)
{
    const char *error = NULL;
    jn_u16 sub = pa->sub;
    long dec_pos = jn_u16_index_of(sub, pr->decimal, 0);
    if (dec_pos != jn_u16_last_index_of(sub, pr->decimal))
        error = "D3081";
    if (jn_u16_index_of(sub, pr->percent, 0) != jn_u16_last_index_of(sub, pr->percent))
        error = "D3082";
    if (jn_u16_index_of(sub, pr->permille, 0) != jn_u16_last_index_of(sub, pr->permille))
        error = "D3083";
    if (jn_u16_index_of(sub, pr->percent, 0) != -1 && jn_u16_index_of(sub, pr->permille, 0) != -1)
        error = "D3084";
    if (count_digits(pr, pa->mantissa, true) == 0)
        error = "D3085";
    for (long i = 0; i < pa->active.n; i++)
        if (!is_active(pr, pa->active.p[i])) {
            error = "D3086";
            break;
        }
    if (dec_pos != -1) {
        if (jn_u16_eq(jn_u16_char_at(sub, dec_pos - 1), pr->grouping) ||
            jn_u16_eq(jn_u16_char_at(sub, dec_pos + 1), pr->grouping))
            error = "D3087";
    } else if (jn_u16_eq(jn_u16_char_at(pa->integer, pa->integer.n - 1), pr->grouping)) {
        error = "D3088";
    }
    if (jn_u16_index_of(sub, jn_u16_cat2(cx, pr->grouping, pr->grouping), 0) != -1)
        error = "D3089";
    long opt = jn_u16_index_of(pa->integer, pr->digit, 0);
    if (opt != -1 && count_digits(pr, jn_u16_substring(pa->integer, 0, opt), false) > 0)
        error = "D3090";
    opt = jn_u16_last_index_of(pa->fraction, pr->digit);
    if (opt != -1 &&
        count_digits(pr, jn_u16_substring(pa->fraction, opt, pa->fraction.n), false) > 0)
        error = "D3091";
    if (pa->has_exponent && pa->exponent.n > 0 &&
        (jn_u16_index_of(sub, pr->percent, 0) != -1 || jn_u16_index_of(sub, pr->permille, 0) != -1))
        error = "D3092";
    if (pa->has_exponent &&
        (pa->exponent.n == 0 || count_digits(pr, pa->exponent, false) != pa->exponent.n))
        error = "D3093";
    if (error)
        jn_throw(cx, error, NULL);
}

typedef struct nf_pic {
    long *int_groups, n_int_groups;
    long regular;
    long min_int, scaling;
    jn_u16 prefix, suffix;
    long *frac_groups, n_frac_groups;
    long min_frac, max_frac, min_exp;
    jn_u16 picture;
} nf_pic;

/* getGroupingPositions: the first separator is found in `part`, the next
 * ones in the integer part (the reference's own code). */
static long grouping_positions(jn_ctx *cx, const nf_props *pr, const nf_parts *pa, jn_u16 part,
                               bool to_left, long **out)
{
    long n = 0, cap = 4;
    *out = jn_alloc(cx, (size_t)cap * sizeof **out);
    long pos = jn_u16_index_of(part, pr->grouping, 0);
    while (pos != -1) {
        jn_u16 side =
            to_left ? jn_u16_substring(part, 0, pos) : jn_u16_substring(part, pos, part.n);
        if (n == cap) {
            long *grown = jn_alloc(cx, (size_t)cap * 2 * sizeof *grown);
            memcpy(grown, *out, (size_t)cap * sizeof *grown);
            *out = grown, cap *= 2;
        }
        (*out)[n++] = count_digits(pr, side, true);
        pos = jn_u16_index_of(pa->integer, pr->grouping, pos + 1);
    }
    return n;
}

static nf_pic analyse(jn_ctx *cx, const nf_props *pr, const nf_parts *pa)
{
    nf_pic pic = {0};
    pic.n_int_groups = grouping_positions(cx, pr, pa, pa->integer, false, &pic.int_groups);
    pic.regular = jn_grouping_interval(pic.int_groups, pic.n_int_groups);
    pic.n_frac_groups = grouping_positions(cx, pr, pa, pa->fraction, true, &pic.frac_groups);
    pic.min_int = count_digits(pr, pa->integer, false);
    pic.scaling = pic.min_int;
    pic.min_frac = count_digits(pr, pa->fraction, false);
    pic.max_frac = count_digits(pr, pa->fraction, true);
    if (pic.min_int == 0 && pic.max_frac == 0) {
        if (pa->has_exponent)
            pic.min_frac = pic.max_frac = 1;
        else
            pic.min_int = 1;
    }
    if (pa->has_exponent && pic.min_int == 0 && jn_u16_index_of(pa->integer, pr->digit, 0) != -1)
        pic.min_int = 1;
    if (pic.min_int == 0 && pic.min_frac == 0)
        pic.min_frac = 1;
    pic.min_exp = pa->has_exponent ? count_digits(pr, pa->exponent, false) : 0;
    pic.prefix = pa->prefix;
    pic.suffix = pa->suffix;
    pic.picture = pa->sub;
    return pic;
}

/* ---- formatting ---- */

/* Math.abs(value).toFixed(dp), its ASCII digits mapped to the family. */
static jn_u16 make_string(jn_ctx *cx, const nf_props *pr, double value, long dp)
{
    if (dp > 100)
        jn_throw_x(cx, JN_JS_ERROR, &(jn_errinfo){.position = -1,
                                                 .message = "toFixed() digits argument must be "
                                                            "between 0 and 100"});
    char *fixed = jn_num_to_fixed(cx, fabs(value), (int)dp);
    size_t len = strlen(fixed);
    uint16_t *out = jn_alloc(cx, (len + 1) * sizeof *out);
    long k = 0;
    bool map = !jn_u16_is_unit(pr->zero, '0');
    for (size_t i = 0; i < len; i++) {
        char c = fixed[i];
        if (map && c >= '0' && c <= '9') {
            if (pr->nfamily) /* an empty family maps digits to undefined: joined as "" */
                out[k++] = pr->family[c - '0'];
        } else {
            out[k++] = (uint16_t)(unsigned char)c;
        }
    }
    return (jn_u16){out, k};
}

static jn_u16 insert_at(jn_ctx *cx, jn_u16 s, long at, jn_u16 what)
{
    return jn_u16_cat3(cx, jn_u16_slice(s, 0, at), what, jn_u16_slice(s, at, s.n));
}

static jn_val *format_number(jn_ctx *cx, double value, const jn_val *picture,
                             const jn_val *options)
{
    nf_props pr;
    props_read(cx, &pr, options);

    jn_u16 pic16 = jn_u16_from_utf8(cx, picture->u.s.p, picture->u.s.len);
    jn_u16 *subs;
    long nsubs = jn_u16_split(cx, pic16, pr.patsep, &subs);
    if (nsubs > 2)
        jn_throw(cx, "D3080", NULL);

    nf_parts parts[2];
    for (long i = 0; i < nsubs; i++)
        parts[i] = split_parts(&pr, subs[i]);
    for (long i = 0; i < nsubs; i++)
        validate(cx, &pr, &parts[i]);
    nf_pic vars[2];
    for (long i = 0; i < nsubs; i++)
        vars[i] = analyse(cx, &pr, &parts[i]);
    if (nsubs == 1) {
        vars[1] = vars[0];
        vars[1].prefix = jn_u16_cat2(cx, pr.minus, vars[1].prefix);
    }
    /* "".split(sep) with a non-empty separator is [""]; with an empty one it
     * is [] and the reference reads variables[0] of an empty list */
    if (nsubs == 0)
        jn_throw_x(cx, JN_JS_ERROR,
                   &(jn_errinfo){.position = -1,
                                 .message = "Cannot read properties of undefined (reading "
                                            "'picture')"});

    const nf_pic *pic = value >= 0 ? &vars[0] : &vars[1];
    double adjusted;
    if (jn_u16_index_of(pic->picture, pr.percent, 0) != -1)
        adjusted = value * 100;
    else if (jn_u16_index_of(pic->picture, pr.permille, 0) != -1)
        adjusted = value * 1000;
    else
        adjusted = value;

    double mantissa = adjusted, exponent = 0;
    bool has_exponent = pic->min_exp != 0;
    if (has_exponent) {
        double max_m = pow(10, (double)pic->scaling), min_m = pow(10, (double)(pic->scaling - 1));
        /* (the reference loops forever on an infinity; nothing to scale) */
        if (mantissa != 0 && isfinite(mantissa)) {
            while (fabs(mantissa) < min_m)
                mantissa *= 10, exponent -= 1;
            while (fabs(mantissa) > max_m)
                mantissa /= 10, exponent += 1;
        }
    }
    double rounded = jn_num_round_half_even(mantissa, (double)pic->max_frac);

    jn_u16 str = make_string(cx, &pr, rounded, pic->max_frac);
    jn_u16 dot = {(const uint16_t[]){'.'}, 1};
    if (jn_u16_index_of(str, dot, 0) == -1)
        str = jn_u16_cat2(cx, str, pr.decimal);
    else
        str = jn_u16_replace(cx, str, dot, pr.decimal);
    while (str.n > 0 && jn_u16_eq(jn_u16_char_at(str, 0), pr.zero))
        str = jn_u16_substring(str, 1, str.n);
    while (str.n > 0 && jn_u16_eq(jn_u16_char_at(str, str.n - 1), pr.zero))
        str = jn_u16_substring(str, 0, str.n - 1);

    long dec_pos = jn_u16_index_of(str, pr.decimal, 0);
    long pad_left = pic->min_int - dec_pos;
    long pad_right = pic->min_frac - (str.n - dec_pos - 1);
    str = jn_u16_cat3(cx, jn_u16_repeat(cx, pr.zero, pad_left), str,
                      jn_u16_repeat(cx, pr.zero, pad_right));
    dec_pos = jn_u16_index_of(str, pr.decimal, 0);
    if (pic->regular > 0) {
        long groups = (long)floor((double)(dec_pos - 1) / (double)pic->regular);
        for (long g = 1; g <= groups; g++)
            str = insert_at(cx, str, dec_pos - g * pic->regular, pr.grouping);
    } else {
        for (long i = 0; i < pic->n_int_groups; i++) {
            str = insert_at(cx, str, dec_pos - pic->int_groups[i], pr.grouping);
            dec_pos++;
        }
    }
    dec_pos = jn_u16_index_of(str, pr.decimal, 0);
    for (long i = 0; i < pic->n_frac_groups; i++)
        str = insert_at(cx, str, pic->frac_groups[i] + dec_pos + 1, pr.grouping);
    dec_pos = jn_u16_index_of(str, pr.decimal, 0);
    if (jn_u16_index_of(pic->picture, pr.decimal, 0) == -1 || dec_pos == str.n - 1)
        str = jn_u16_substring(str, 0, str.n - 1);
    if (has_exponent) {
        jn_u16 exp_str = make_string(cx, &pr, exponent, 0);
        long pad = pic->min_exp - exp_str.n;
        if (pad > 0)
            exp_str = jn_u16_cat2(cx, jn_u16_repeat(cx, pr.zero, pad), exp_str);
        jn_u16 parts4[4] = {str, pr.exponent, exponent < 0 ? pr.minus : JN_U16_EMPTY, exp_str};
        str = jn_u16_cat(cx, parts4, 4);
    }
    return jn_u16_to_val(cx, jn_u16_cat3(cx, pic->prefix, str, pic->suffix));
}

static jn_val *arg_at(jn_val **argv, int argc, int i)
{
    return i < argc ? argv[i] : NULL;
}

/* $formatNumber(number, picture, options) '<n-so?:s>' */
static jn_val *fn_format_number(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *value = arg_at(argv, argc, 0), *picture = arg_at(argv, argc, 1);
    if (!value)
        return NULL;
    if (!jn_is_str(picture))
        jn_throw_x(cx, JN_JS_ERROR,
                   &(jn_errinfo){.position = -1,
                                 .message = "Cannot read properties of undefined (reading "
                                            "'split')"});
    return format_number(cx, value->u.n, picture, arg_at(argv, argc, 2));
}

/* $formatBase(number, radix) '<n-n?:s>' */
static jn_val *fn_format_base(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *value = arg_at(argv, argc, 0), *radix_arg = arg_at(argv, argc, 1);
    if (!value)
        return NULL;
    double v = jn_num_round_half_even(value->u.n, 0);
    double radix = radix_arg ? jn_num_round_half_even(radix_arg->u.n, 0) : 10;
    if (radix < 2 || radix > 36)
        jn_throw(cx, "D3100", jn_num(cx, radix));
    if (isnan(radix)) /* toString(NaN) reads the radix as 0 */
        jn_throw_x(cx, JN_JS_ERROR, &(jn_errinfo){.position = -1,
                                                 .message = "toString() radix must be between 2 "
                                                            "and 36"});
    return jn_str_cstr(cx, jn_num_to_radix(cx, v, (int)radix));
}

const jn_builtin jn_builtins_numfmt[] = {
    {"formatNumber", fn_format_number, "<n-so?:s>"},
    {"formatBase", fn_format_base, "<n-n?:s>"},
    {NULL, NULL, NULL},
};
