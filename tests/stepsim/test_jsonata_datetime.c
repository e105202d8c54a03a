/* test_jsonata_datetime.c - the JSONata number and date/time formatting
 * built-ins called directly: $formatNumber, $formatBase (numfmt.c),
 * $formatInteger, $parseInteger, $fromMillis, $toMillis (datetime.c), and
 * the JavaScript conversions they stand on (jsnum.c).
 *
 * Each row gives a call's arguments as JSON and what it must give: a JSON
 * string, a number as JavaScript prints it, "undefined", or "ERR code" (D3150:
 * where the reference fails with a plain JavaScript exception, which has no
 * code).
 * Expected values follow the XPath F&O 3.1 rules (fn:format-number,
 * fn:format-integer, fn:format-dateTime) as the reference jsonata-js 2.2.2
 * implements them; the comments give the rule each row checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/datetime.h"
#include "stepsim/jsonata/jsnum.h"
#include "stepsim/jsonata/value.h"

typedef struct row {
    const char *fn;
    const char *args; /* a JSON array */
    const char *want;
} row;

/* 2023-11-14T22:13:20.000Z, a Tuesday: "now" for the parts $toMillis
 * takes from the evaluation's clock */
#define NOW_MS 1700000000000LL

static const jn_builtin *find(const char *name)
{
    const jn_builtin *tables[] = {jn_builtins_numfmt, jn_builtins_datetime};
    for (size_t t = 0; t < 2; t++)
        for (const jn_builtin *b = tables[t]; b->name; b++)
            if (!strcmp(b->name, name))
                return b;
    return NULL;
}

/* Call a native as the evaluator would; false when it threw. */
static bool call_native(jn_ctx *cx, jn_native_fn fn, jn_val **argv, int argc, jn_val **out)
{
    cx->have_jmp = 1;
    if (setjmp(cx->jmp)) {
        cx->have_jmp = 0;
        return false;
    }
    *out = fn(cx, argv, argc);
    cx->have_jmp = 0;
    return true;
}

/* The call's outcome in the rows' notation. */
static const char *outcome(jn_ctx *cx, const row *r, char *out, size_t size)
{
    const jn_builtin *b = find(r->fn);
    assert_non_null(b);
    jn_val *args = jn_parse_json(cx, r->args, strlen(r->args));
    assert_non_null(args);
    jn_val *v = NULL;
    if (!call_native(cx, b->fn, args->u.a.items, (int)args->u.a.len, &v)) {
        snprintf(out, size, "ERR %s", cx->err_code);
    } else if (!v) {
        snprintf(out, size, "undefined");
    } else if (v->type == JN_NUM) {
        jn_num_format(v->u.n, out);
    } else {
        stc_buf buf = STC_BUF_INIT;
        jn_json_write(&buf, v, 0, false);
        snprintf(out, size, "%s", stc_buf_cstr(&buf));
        stc_buf_free(&buf);
    }
    return out;
}

static void run_rows(const row *rows, size_t n)
{
    jn_ctx cx;
    jn_ctx_init(&cx);
    cx.now_ms = NOW_MS;
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        char got[4096];
        outcome(&cx, &rows[i], got, sizeof got);
        if (strcmp(got, rows[i].want) != 0) {
            print_error("$%s(%s): want %s, got %s\n", rows[i].fn, rows[i].args, rows[i].want, got);
            failed++;
        }
        jn_ctx_reset(&cx);
    }
    jn_ctx_dispose(&cx);
    assert_int_equal(failed, 0);
}

#define RUN(rows) run_rows(rows, sizeof rows / sizeof rows[0])

/* ---- $formatNumber ---- */

static const row format_number_rows[] = {
    /* '9' is a digit of the family like '0': mandatory; regular grouping
     * every 3 digits; the fraction padded to its 2 mandatory digits */
    {"formatNumber", "[12345678.9, \"9,999.99\"]", "\"12,345,678.90\""},
    /* grouping separators in the fraction, counted from the point */
    {"formatNumber", "[1234.56789, \"9,999.999,999\"]", "\"1,234.567,890\""},
    /* percent multiplies by 100, per-mille (here the option "pm") by 1000 */
    {"formatNumber", "[0.14, \"01%\"]", "\"14%\""},
    {"formatNumber", "[0.14, \"###pm\", {\"per-mille\": \"pm\"}]", "\"140pm\""},
    {"formatNumber", "[0.0314, \"0.0\\u2030\"]", "\"31.4\u2030\""},
    /* exponent: the mantissa gets as many integer digits as the integer
     * part has mandatory digits (the scaling factor) */
    {"formatNumber", "[1234.5678, \"00.000e0\"]", "\"12.346e2\""},
    {"formatNumber", "[0.234, \"#.00e0\"]", "\"0.23e0\""},
    {"formatNumber", "[0.234, \".00e0\"]", "\".23e0\""},
    {"formatNumber", "[0, \"0e0\"]", "\"0e0\""},
    {"formatNumber", "[42, \"0e0\"]", "\"4e1\""},
    {"formatNumber", "[-0.00042, \"0.0e00\"]", "\"-4.2e-04\""},
    /* the family of another zero digit, the exponent's sign the minus-sign */
    {"formatNumber", "[1234.5678, \"\\u2460\\u2460.\\u2460\\u2460\\u2460e\\u2460\", "
                     "{\"zero-digit\": \"\\u245f\"}]",
     "\"\u2460\u2461.\u2462\u2463\u2465e\u2461\""},
    {"formatNumber", "[0.1, \"AeAAA\", {\"zero-digit\": \"A\"}]", "\"Be-AAB\""},
    /* prefix and suffix are the passive characters around the active part */
    {"formatNumber", "[185.2812, \"PREFIX##00.000###SUFFIX\"]", "\"PREFIX185.2812SUFFIX\""},
    {"formatNumber", "[2, \"000.000\"]", "\"002.000\""},
    /* one sub-picture: a negative number gets minus-sign before the prefix */
    {"formatNumber", "[-1234.5, \"$#,##0.00\"]", "\"-$1,234.50\""},
    {"formatNumber", "[-1234.5, \"#,##0.00\", {\"minus-sign\": \"~\"}]", "\"~1,234.50\""},
    /* two sub-pictures: the second one for negative numbers, no minus sign */
    {"formatNumber", "[-123.456, \"#,##0.00;(#)\"]", "\"(123)\""},
    {"formatNumber", "[123.456, \"#,##0.00;(#)\"]", "\"123.46\""},
    /* rounding is the reference's $round: half to even, the decimal point
     * moved in the number's text (0.125 -> 12.5 -> 12) */
    {"formatNumber", "[2.5, \"0\"]", "\"2\""},
    {"formatNumber", "[3.5, \"0\"]", "\"4\""},
    {"formatNumber", "[0.125, \"0.00\"]", "\"0.12\""},
    {"formatNumber", "[0.135, \"0.00\"]", "\"0.14\""},
    {"formatNumber", "[-0.5, \"0\"]", "\"-0\""},
    /* a zero with only optional digits keeps one integer digit; with a
     * fraction it keeps the fraction's digit instead */
    {"formatNumber", "[0, \"#\"]", "\"0\""},
    {"formatNumber", "[0, \"#.#\"]", "\".0\""},
    {"formatNumber", "[5, \"#.#\"]", "\"5.0\""},
    /* irregular grouping positions are kept as they are */
    {"formatNumber", "[123456789, \"#,##,##0\"]", "\"1234,56,789\""},
    {"formatNumber", "[9007199254740992, \"#0,##\"]", "\"90,07,19,92,54,74,09,92\""},
    /* the decimal-format properties as options */
    {"formatNumber",
     "[1234.5, \"#.###,0\", {\"decimal-separator\": \",\", \"grouping-separator\": \".\"}]",
     "\"1.234,5\""},
    {"formatNumber", "[1234.5, \"#'##0.0\", {\"grouping-separator\": \"'\"}]", "\"1'234.5\""},
    {"formatNumber", "[12.5, \"@@0.@\", {\"digit\": \"@\"}]", "\"12.5\""},
    {"formatNumber", "[-3, \"0|(0)\", {\"pattern-separator\": \"|\"}]", "\"(3)\""},
    {"formatNumber", "[1500, \"0.0x0\", {\"exponent-separator\": \"x\"}]", "\"1.5x3\""},
    {"formatNumber", "[0.5, \"0pc\", {\"percent\": \"pc\"}]", "\"50pc\""},
    /* undefined in, undefined out */
    {"formatNumber", "[]", "undefined"},
    /* errors: F&O 4.7.3's rules, the last broken one reported */
    {"formatNumber", "[20, \"#;#;#\"]", "ERR D3080"},
    {"formatNumber", "[20, \"#.#.#\"]", "ERR D3081"},
    {"formatNumber", "[20, \"#0%%\"]", "ERR D3082"},
    {"formatNumber", "[20, \"#0\\u2030\\u2030\"]", "ERR D3083"},
    {"formatNumber", "[20, \"#0%\\u2030\"]", "ERR D3084"},
    {"formatNumber", "[20, \".\"]", "ERR D3085"},
    {"formatNumber", "[20, \"0+.e0\"]", "ERR D3086"},
    {"formatNumber", "[42, \"%%\"]", "ERR D3086"},
    {"formatNumber", "[20, \"#,.0\"]", "ERR D3087"},
    {"formatNumber", "[20, \"0,\"]", "ERR D3088"},
    {"formatNumber", "[20, \"#,,#\"]", "ERR D3089"},
    {"formatNumber", "[20, \"0#.e0\"]", "ERR D3090"},
    {"formatNumber", "[20, \"0.#0\"]", "ERR D3091"},
    {"formatNumber", "[20, \"#0.0e0%\"]", "ERR D3092"},
    {"formatNumber", "[20, \"0e\"]", "ERR D3093"},
    {"formatNumber", "[20, \"0e#\"]", "ERR D3093"},
    /* toFixed takes at most 100 fraction digits (a RangeError in the
     * reference) */
    {"formatNumber", "[1, \"0.00000000000000000000000000000000000000000000000000"
                     "000000000000000000000000000000000000000000000000000\"]", "ERR D3150"},
};

static void test_format_number(void **state)
{
    (void)state;
    RUN(format_number_rows);
}

/* ---- $formatBase ---- */

static const row format_base_rows[] = {
    {"formatBase", "[255, 16]", "\"ff\""},
    {"formatBase", "[-100, 2]", "\"-1100100\""},
    /* both arguments rounded half to even first: 99.5 -> 100, 2.5 -> 2 */
    {"formatBase", "[99.5, 2.5]", "\"1100100\""},
    {"formatBase", "[35, 36]", "\"z\""},
    {"formatBase", "[3.5]", "\"4\""},
    {"formatBase", "[2.5]", "\"2\""},
    {"formatBase", "[0, 7]", "\"0\""},
    /* digits below a double's precision print as zeros (V8's toString) */
    {"formatBase", "[1e21, 36]", "\"5v1j4f4ds7c000\""},
    {"formatBase", "[]", "undefined"},
    {"formatBase", "[100, 37]", "ERR D3100"},
    {"formatBase", "[100, 1]", "ERR D3100"},
};

static void test_format_base(void **state)
{
    (void)state;
    RUN(format_base_rows);
}

/* ---- $formatInteger and $parseInteger ---- */

static const row format_integer_rows[] = {
    /* decimal digit patterns: mandatory digits pad with zeros */
    {"formatInteger", "[123, \"0000\"]", "\"0123\""},
    {"formatInteger", "[1234, \"0;c\"]", "\"1234\""},
    {"formatInteger", "[12, \"###0\"]", "\"12\""},
    /* the value is floored first */
    {"formatInteger", "[12.9, \"0\"]", "\"12\""},
    {"formatInteger", "[-12.1, \"0\"]", "\"-13\""},
    /* ordinals: st/nd/rd after 1/2/3 except in the teens */
    {"formatInteger", "[1, \"0;o\"]", "\"1st\""},
    {"formatInteger", "[22, \"0;o\"]", "\"22nd\""},
    {"formatInteger", "[123, \"000;o\"]", "\"123rd\""},
    {"formatInteger", "[111, \"0;o\"]", "\"111th\""},
    {"formatInteger", "[28, \"#0;o\"]", "\"28th\""},
    /* another decimal digit family: fullwidth, Arabic-Indic */
    {"formatInteger", "[12340, \"###\\uff10\"]", "\"\uff11\uff12\uff13\uff14\uff10\""},
    {"formatInteger", "[2024, \"\\u0660\"]", "\"\u0662\u0660\u0662\u0664\""},
    /* grouping: regular (one character at every multiple of an interval)
     * repeats; irregular applies only where the picture has them */
    {"formatInteger", "[1234567890, \"#,##0\"]", "\"1,234,567,890\""},
    {"formatInteger", "[120000, \"#,##0\"]", "\"120,000\""},
    {"formatInteger", "[12, \"#,##0\"]", "\"12\""},
    {"formatInteger", "[1234567890, \"#:###,##0\"]", "\"1234:567,890\""},
    {"formatInteger", "[1234567, \"# ##0\"]", "\"1 234 567\""},
    /* an irregular separator left of the number's digits: the reference's
     * substr(0, pos) + sep + substr(pos) with pos counted back from the end */
    {"formatInteger", "[12, \"#:###,##0\"]", "\",:12\""},
    /* letters (spreadsheet columns), roman numerals */
    {"formatInteger", "[1, \"A\"]", "\"A\""},
    {"formatInteger", "[26, \"a\"]", "\"z\""},
    {"formatInteger", "[27, \"a\"]", "\"aa\""},
    {"formatInteger", "[300, \"A\"]", "\"KN\""},
    {"formatInteger", "[703, \"A\"]", "\"AAA\""},
    {"formatInteger", "[0, \"I\"]", "\"\""},
    {"formatInteger", "[99, \"i\"]", "\"xcix\""},
    {"formatInteger", "[1999, \"I\"]", "\"MCMXCIX\""},
    {"formatInteger", "[3888, \"I\"]", "\"MMMDCCCLXXXVIII\""},
    /* words: cardinal, "and" before the tens, commas between magnitudes */
    {"formatInteger", "[0, \"w\"]", "\"zero\""},
    {"formatInteger", "[20, \"w\"]", "\"twenty\""},
    {"formatInteger", "[99, \"W\"]", "\"NINETY-NINE\""},
    {"formatInteger", "[21, \"Ww\"]", "\"Twenty-One\""},
    {"formatInteger", "[555, \"W\"]", "\"FIVE HUNDRED AND FIFTY-FIVE\""},
    {"formatInteger", "[1000, \"w\"]", "\"one thousand\""},
    {"formatInteger", "[327730, \"w\"]",
     "\"three hundred and twenty-seven thousand, seven hundred and thirty\""},
    {"formatInteger", "[1000000000001, \"w\"]", "\"one trillion and one\""},
    {"formatInteger", "[1000000000000000, \"w\"]", "\"one thousand trillion\""},
    {"formatInteger", "[-1, \"w\"]", "\"-one\""},
    /* words, ordinal: the last word becomes its ordinal */
    {"formatInteger", "[20, \"w;o\"]", "\"twentieth\""},
    {"formatInteger", "[99, \"W;o\"]", "\"NINETY-NINTH\""},
    {"formatInteger", "[100, \"w;o\"]", "\"one hundredth\""},
    {"formatInteger", "[730, \"w;o\"]", "\"seven hundred and thirtieth\""},
    {"formatInteger", "[3731, \"w;o\"]", "\"three thousand, seven hundred and thirty-first\""},
    {"formatInteger", "[1000000, \"Ww;o\"]", "\"One Millionth\""},
    {"formatInteger", "[]", "undefined"},
    /* a numbering sequence other than these is not supported */
    {"formatInteger", "[123456, \"\\u03b1\"]", "ERR D3130"},
    {"formatInteger", "[5, \"#\"]", "ERR D3130"},
    /* digits of two families */
    {"formatInteger", "[5, \"0\\u0660\"]", "ERR D3131"},
    /* the reference recurses once per roman thousand: too deep for V8 */
    {"formatInteger", "[1e9, \"I\"]", "ERR D3150"},
};

static const row parse_integer_rows[] = {
    {"parseInteger", "[\"0123\", \"0000\"]", "123"},
    {"parseInteger", "[\"1234\", \"###0\"]", "1234"},
    /* the ordinal suffix is dropped */
    {"parseInteger", "[\"123rd\", \"000;o\"]", "123"},
    {"parseInteger", "[\"\\uff11\\uff12\\uff13\\uff14\\uff10\", \"###\\uff10\"]", "12340"},
    {"parseInteger", "[\"1,234,567,890\", \"#,##0\"]", "1234567890"},
    {"parseInteger", "[\"1234:567,890\", \"#:###,##0\"]", "1234567890"},
    /* the digits are read as parseInt reads them: "0x" is hexadecimal,
     * anything after the digits is ignored, no digits is NaN */
    {"parseInteger", "[\"0x1F\", \"0\"]", "31"},
    {"parseInteger", "[\"12abc\", \"0\"]", "12"},
    {"parseInteger", "[\"abc\", \"0\"]", "NaN"},
    {"parseInteger", "[\"\", \"I\"]", "0"},
    {"parseInteger", "[\"xcix\", \"i\"]", "99"},
    {"parseInteger", "[\"MCMLXXXIV\", \"I\"]", "1984"},
    {"parseInteger", "[\"A\", \"A\"]", "1"},
    {"parseInteger", "[\"z\", \"a\"]", "26"},
    {"parseInteger", "[\"KN\", \"A\"]", "300"},
    {"parseInteger", "[\"twenty\", \"w\"]", "20"},
    {"parseInteger", "[\"NINETY-NINE\", \"W\"]", "99"},
    {"parseInteger", "[\"nine hundred and nineteen\", \"w\"]", "919"},
    {"parseInteger",
     "[\"three hundred and twenty-seven thousand, seven hundred and thirty\", \"w\"]", "327730"},
    {"parseInteger", "[\"one trillion and one\", \"w\"]", "1000000000001"},
    {"parseInteger", "[\"one thousand trillion\", \"w\"]", "1000000000000000"},
    {"parseInteger", "[\"twelfth\", \"w;o\"]", "12"},
    {"parseInteger", "[\"one hundredth\", \"w;o\"]", "100"},
    {"parseInteger", "[\"Seven Hundred and Thirty-Third\", \"Ww;o\"]", "733"},
    /* a word it does not know makes the value NaN */
    {"parseInteger", "[\"twenty-too\", \"w\"]", "NaN"},
    {"parseInteger", "[]", "undefined"},
    {"parseInteger", "[\"50\", \"#\"]", "ERR D3130"},
    /* ASCII digits read with another family fall below its zero: the
     * reference's String.fromCodePoint fails (a RangeError) */
    {"parseInteger", "[\"12\", \"\\u0660\"]", "ERR D3150"},
};

static void test_format_integer(void **state)
{
    (void)state;
    RUN(format_integer_rows);
}

static void test_parse_integer(void **state)
{
    (void)state;
    RUN(parse_integer_rows);
}

/* Every formatInteger row that gives a string reads back with parseInteger
 * to the floored value, except where the picture loses information. */
static void test_integer_round_trip(void **state)
{
    (void)state;
    static const char *const pictures[] = {"0", "000;o", "#,##0", "#:###,##0", "A", "a", "I", "i",
                                           "w", "W", "Ww", "w;o", "\\u0660", "###\\uff10"};
    static const double values[] = {1, 7, 12, 13, 21, 99, 100, 101, 999, 1000, 1001, 4327732,
                                    1234567, 999999, 1000000000001};
    jn_ctx cx;
    jn_ctx_init(&cx);
    for (size_t p = 0; p < sizeof pictures / sizeof pictures[0]; p++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            if ((pictures[p][0] == 'I' || pictures[p][0] == 'i') && values[v] > 4000)
                continue;
            /* the irregular separators of a picture wider than the number
             * land before it (see format_integer_rows) */
            if (pictures[p][0] == '#' && pictures[p][1] == ':' && values[v] < 1e6)
                continue;
            char args[128], formatted[512], back[1024], num[32];
            snprintf(args, sizeof args, "[%.0f, \"%s\"]", values[v], pictures[p]);
            row f = {"formatInteger", args, NULL};
            outcome(&cx, &f, formatted, sizeof formatted);
            assert_true(formatted[0] == '"');
            snprintf(back, sizeof back, "[%s, \"%s\"]", formatted, pictures[p]);
            row g = {"parseInteger", back, NULL};
            char got[64];
            outcome(&cx, &g, got, sizeof got);
            jn_num_format(values[v], num);
            if (strcmp(got, num) != 0)
                fail_msg("%s with %s: %s reads back as %s", num, pictures[p], formatted, got);
            jn_ctx_reset(&cx);
        }
    }
    jn_ctx_dispose(&cx);
}

/* ---- $fromMillis ---- */

static const row from_millis_rows[] = {
    /* no picture: ISO 8601 with milliseconds and Z for UTC */
    {"fromMillis", "[1]", "\"1970-01-01T00:00:00.001Z\""},
    {"fromMillis", "[1521801216617]", "\"2018-03-23T10:33:36.617Z\""},
    {"fromMillis", "[-1]", "\"1969-12-31T23:59:59.999Z\""},
    /* a fraction of a millisecond is dropped toward zero (TimeClip) */
    {"fromMillis", "[-1.5]", "\"1969-12-31T23:59:59.999Z\""},
    /* with a time zone the fields are local, the offset printed as +hh:mm */
    {"fromMillis", "[1230757500000, \"[Y]-[M01]-[D01]T[H01]:[m]:[s].[f001][Z0101t]\", \"+0530\"]",
     "\"2009-01-01T02:35:00.000+0530\""},
    {"fromMillis", "[1531310400000, \"[Y]-[M01]-[D01]T[H01]:[m]:[s][Z0]\", \"-0500\"]",
     "\"2018-07-11T07:00:00-5\""},
    {"fromMillis", "[1531310400000, \"[H01][z]\", \"-0500\"]", "\"07GMT-05:00\""},
    {"fromMillis", "[1531310400000, \"[H01][Z]\"]", "\"12+00:00\""},
    {"fromMillis", "[1531310400000, \"[H01][Z01:01t]\"]", "\"12Z\""},
    /* the reference reads "-0530" as floor(-530 / 100) = -6 hours and
     * -530 % 100 = -30 minutes */
    {"fromMillis", "[0, \"[H01]:[m01] [Z]\", \"-0530\"]", "\"17:30 -06:30\""},
    /* literals, and [[ ]] for brackets */
    {"fromMillis", "[1521801216617, \"Hello\"]", "\"Hello\""},
    {"fromMillis", "[1521801216617, \"[[Year]]: [[[Y0001]]]\"]", "\"[Year]: [2018]\""},
    /* presentation modifiers: digits, words, ordinals, names, roman */
    {"fromMillis", "[1521801216617, \"[D1o] [MNn] [Y]\"]", "\"23rd March 2018\""},
    {"fromMillis", "[1521801216617, \"[FNn], the [Dwo] of [MNn] [Y] [E]\"]",
     "\"Friday, the twenty-third of March 2018 ISO\""},
    {"fromMillis", "[1521801216617, \"[D1] [M01] [YI]\"]", "\"23 03 MMXVIII\""},
    {"fromMillis", "[1521801216617, \"[F], [D]/[M]/[Y] [h]:[m]:[s] [P]\"]",
     "\"friday, 23/3/2018 10:33:36 am\""},
    {"fromMillis", "[1521801216617, \"[h]:[m01] [PN]\"]", "\"10:33 AM\""},
    {"fromMillis", "[1199664000000, \"[h]:[m] [P]\"]", "\"12:00 am\""},
    {"fromMillis", "[1521801216617, \"[Da] [MA] [Yw]\"]", "\"w C two thousand and eighteen\""},
    /* width modifiers: names cut to the maximum, years kept to the last
     * digits, numbers padded to the minimum */
    {"fromMillis", "[1521801216617, \"[D#1,2]/[M1,2]/[Y,2]\"]", "\"23/03/18\""},
    {"fromMillis", "[1521801216617, \"[FNn,3-3] [MN,3-3]\"]", "\"Fri MAR\""},
    {"fromMillis", "[1521801216617, \"[Y0001,2-2]\"]", "\"18\""},
    {"fromMillis", "[1521801216617, \"[m,3]\"]", "\"033\""},
    /* day of the year, week of the year (ISO: weeks start on Monday, week 1
     * has the year's first Thursday), week of the month, the ISO week's
     * year (X) and month (x) */
    {"fromMillis", "[1546257600000, \"[d] days in [Y0001]\"]", "\"365 days in 2018\""},
    {"fromMillis", "[1609372800000, \"[d]\"]", "\"366\""},
    {"fromMillis", "[1514808000000, \"Week: [W]\"]", "\"Week: 1\""},
    {"fromMillis", "[1419854400000, \"Week: [W]\"]", "\"Week: 1\""},
    {"fromMillis", "[1451563200000, \"Week: [W]\"]", "\"Week: 53\""},
    {"fromMillis", "[1104537600000, \"[X0001]-W[W01]-[F1]\"]", "\"2004-W53-6\""},
    {"fromMillis", "[1198972800000, \"[X0001]-W[W01]-[F1]\"]", "\"2007-W52-7\""},
    {"fromMillis", "[1199059200000, \"[X0001]-W[W01]-[F1]\"]", "\"2008-W01-1\""},
    {"fromMillis", "[1359720000000, \"Week: [w] of [xNn]\"]", "\"Week: 5 of January\""},
    {"fromMillis", "[1483272000000, \"Week: [w] of [xNn]\"]", "\"Week: 5 of December\""},
    {"fromMillis", "[1522616700000, \"[F0] [FNn]\"]", "\"7 Sunday\""},
    /* calendar and era */
    {"fromMillis", "[0, \"[C] [E]\"]", "\"ISO ISO\""},
    /* past JavaScript's last date every field is NaN */
    {"fromMillis", "[8.64e15, \"[Y0001]-[M01]-[D01]\"]", "\"5760-09-13\""},
    {"fromMillis", "[8.640000000000001e15]", "\"0NaN-NaN-NaNTNaN:NaN:NaN.NaNZ\""},
    {"fromMillis", "[]", "undefined"},
    {"fromMillis", "[0, \"[q]\"]", "ERR D3132"},
    {"fromMillis", "[0, \"[]\"]", "ERR D3132"},
    {"fromMillis", "[1419940800000, \"[YN]-[M]-[D]\"]", "ERR D3133"},
    {"fromMillis", "[0, \"[Z00000]\"]", "ERR D3134"},
    {"fromMillis", "[0, \"[Y\"]", "ERR D3135"},
    {"fromMillis", "[0, \"[D\\u03b1]\"]", "ERR D3130"},
    /* a month name of an invalid date: undefined, upper-cased (a TypeError in
     * the reference) or, in title case, printed as "undefined" */
    {"fromMillis", "[8.640000000000001e15, \"[MN]\"]", "ERR D3150"},
    {"fromMillis", "[8.640000000000001e15, \"[MNn]\"]", "\"undefined\""},
    /* a width past what the engine builds in one string */
    {"fromMillis", "[0, \"[Y,99999999]\"]", "ERR D3150"},
};

static void test_from_millis(void **state)
{
    (void)state;
    RUN(from_millis_rows);
}

/* ---- $toMillis ---- */

static const row to_millis_rows[] = {
    /* ISO 8601 as Date.parse reads it; no offset is UTC */
    {"toMillis", "[\"2018-02-01T09:42:13.123+0000\"]", "1517478133123"},
    {"toMillis", "[\"2017-10-30T15:28:34Z\"]", "1509377314000"},
    {"toMillis", "[\"2018\"]", "1514764800000"},
    {"toMillis", "[\"2018-03\"]", "1519862400000"},
    {"toMillis", "[\"2018-03-23T10:33:36\"]", "1521801216000"},
    {"toMillis", "[\"2018-03-23T10:33:36.6179\"]", "1521801216617"},
    {"toMillis", "[\"2018-03-23T10:33:36.5+01:00\"]", "1521797616500"},
    /* a day past the month's end rolls over (Date.parse checks 1..31) */
    {"toMillis", "[\"2018-02-30\"]", "1519948800000"},
    /* a month the regular expression lets through but Date.parse refuses */
    {"toMillis", "[\"2018-13\"]", "NaN"},
    {"toMillis", "[\"01-02-2018\"]", "ERR D3110"},
    {"toMillis", "[\"2018-02-01 09:42\"]", "ERR D3110"},
    /* with a picture: every component read back */
    {"toMillis", "[\"201802\", \"[Y0001][M01]\"]", "1517443200000"},
    {"toMillis", "[\"20180205\", \"[Y0001][M01][D01]\"]", "1517788800000"},
    {"toMillis", "[\"2018\", \"[Y1]\"]", "1514764800000"},
    {"toMillis",
     "[\"2018-03-27T14:03:00.123Z\", \"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001]Z\"]",
     "1522159380123"},
    {"toMillis", "[\"21st 12 1881\", \"[D1o] [M01] [Y0001]\"]", "-2777932800000"},
    {"toMillis", "[\"MCMLXXXIV\", \"[YI]\"]", "441763200000"},
    {"toMillis", "[\"27 iii MMXVIII\", \"[D1] [Mi] [YI]\"]", "1522108800000"},
    {"toMillis", "[\"ae C mmxviii\", \"[Da] [MA] [Yi]\"]", "1522454400000"},
    {"toMillis", "[\"21 August 2017\", \"[D1] [MNn] [Y0001]\"]", "1503273600000"},
    {"toMillis", "[\"one thousand, nine hundred and eighty-four\", \"[Yw]\"]", "441763200000"},
    {"toMillis", "[\"twenty-first August two thousand and seventeen\", \"[Dw] [MNn] [Yw]\"]",
     "1503273600000"},
    {"toMillis", "[\"4/4/2018 06:30 am\", \"[D1]/[M1]/[Y0001] [h]:[m] [P]\"]", "1522823400000"},
    {"toMillis", "[\"4/4/2018 11:30 pm\", \"[D1]/[M1]/[Y0001] [h]:[m] [P]\"]", "1522884600000"},
    {"toMillis", "[\"4/4/2018 12:15 am\", \"[D1]/[M1]/[Y0001] [h]:[m] [P]\"]", "1522800900000"},
    /* a shortened name is read with the same width */
    {"toMillis", "[\"5 Sep 2018\", \"[D] [MNn,3-3] [Y]\"]", "1536105600000"},
    /* day of the year; the reference lists year and day ("YD") as the
     * parts of such a date, so a time after it leaves a gap */
    {"toMillis", "[\"2018--180\", \"[Y]--[d]\"]", "1530230400000"},
    {"toMillis", "[\"2018--180 10:00\", \"[Y]--[d] [H]:[m]\"]", "ERR D3136"},
    /* offsets: +hh:mm, GMT-5, hhmm */
    {"toMillis",
     "[\"2020-09-09 08:00:00 GMT-05:00\", \"[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z]\"]",
     "1599656400000"},
    {"toMillis", "[\"2020-09-09 12:00:00 GMT-5\", \"[Y0001]-[M01]-[D01] [H01]:[m01]:[s01] [z01]\"]",
     "1599670800000"},
    {"toMillis", "[\"2020-09-09T12:00+0100\", \"[Y0001]-[M01]-[D01]T[H01]:[m01][Z0101]\"]",
     "1599649200000"},
    /* fractional seconds past three digits are cut to milliseconds */
    {"toMillis", "[\"2026-04-08T19:05:04.01987\", \"[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f1]\"]",
     "1775675104019"},
    /* letters are matched in any case, but a name is looked up as written:
     * "AUGUST" is no month, which leaves a gap between the year and the day */
    {"toMillis", "[\"21 AUGUST 2017\", \"[D1] [MNn] [Y0001]\"]", "ERR D3136"},
    /* an upper-case roman picture reads "iii" as NaN (only M, D, C, L, X,
     * V, I count); a month that is not above 0 is January */
    {"toMillis", "[\"2018-iii-27\", \"[Y]-[MI]-[D]\"]", "1517011200000"},
    /* the most significant parts missing come from now (NOW_MS), the least
     * significant are 0 (1 for a month or a day) */
    {"toMillis", "[\"13:45\", \"[H]:[m]\"]", "1699969500000"},
    {"toMillis", "[\"Wednesday, 14th November 2018\", \"[FNn], [D1o] [MNn] [Y]\"]",
     "1542153600000"},
    {"toMillis", "[\"2018\", \"[Y]\"]", "1514764800000"},
    /* a two-digit year is the 1900s (Date.UTC) */
    {"toMillis", "[\"18\", \"[Y,2]\"]", "-1640995200000"},
    {"toMillis", "[\"irrelevent string\", \"[Y]-[M]-[D]\"]", "undefined"},
    {"toMillis", "[\"abc\", \"abc\"]", "undefined"},
    {"toMillis", "[]", "undefined"},
    {"toMillis", "[\"2018-05-22\", \"[YN]-[M]-[D]\"]", "ERR D3133"},
    /* a gap between the given parts */
    {"toMillis", "[\"5-22 23:59\", \"[M]-[D] [m]:[s]\"]", "ERR D3136"},
    /* ISO week dates are not read by the reference */
    {"toMillis", "[\"2018-32-5\", \"[X]-[W]-[F1]\"]", "ERR D3136"},
};

static void test_to_millis(void **state)
{
    (void)state;
    RUN(to_millis_rows);
}

/* $fromMillis then $toMillis with the same picture gives the time back,
 * over years, leap days and the ISO week boundaries. */
static void test_date_round_trip(void **state)
{
    (void)state;
    static const char *const pictures[] = {
        /* (with "t" UTC prints as Z, which the reference cannot read back) */
        "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01]",
        "[FNn], [D1o] [MNn] [Y] [h]:[m01]:[s01].[f001] [P]",
        /* adjacent numbers: each but the last read with its exact width */
        "[Y0001][M01][D01][H01][m01][s01][f001]",
        "[Dwo] [MNn] [Yw] [H01][m01][s01][f001]",
        "[D] [Mi] [YI] [H]:[m]:[s].[f001]",
    };
    jn_ctx cx;
    jn_ctx_init(&cx);
    cx.now_ms = NOW_MS;
    for (size_t p = 0; p < sizeof pictures / sizeof pictures[0]; p++) {
        /* every 7 days and 3 hours from 1970 to 2040: every weekday and hour */
        for (double t = 0; t < 2.2e12; t += 7 * 86400000.0 * 52 + 3 * 3600000.0 + 123) {
            char args[256], formatted[512], back[1024], got[64], num[32];
            snprintf(args, sizeof args, "[%.0f, \"%s\"]", t, pictures[p]);
            row f = {"fromMillis", args, NULL};
            outcome(&cx, &f, formatted, sizeof formatted);
            snprintf(back, sizeof back, "[%s, \"%s\"]", formatted, pictures[p]);
            row g = {"toMillis", back, NULL};
            outcome(&cx, &g, got, sizeof got);
            jn_num_format(t, num);
            if (strcmp(got, num) != 0)
                fail_msg("%s with %s: %s reads back as %s", num, pictures[p], formatted, got);
            jn_ctx_reset(&cx);
        }
    }
    jn_ctx_dispose(&cx);
}

/* The ISO week-numbering year and week of every day over four centuries'
 * worth of years against the ISO 8601 rule, computed here independently:
 * the week is the one holding that week's Thursday. */
static void test_iso_weeks(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    for (double day = -20 * 365; day < 60 * 365; day += 1) {
        double t = day * 86400000.0 + 43200000.0;
        /* 1970-01-01 was a Thursday: weekday 0 = Monday */
        long wd = ((long)day % 7 + 7 + 3) % 7;
        double thursday = day - (double)wd + 3;
        char args[128], got[64];
        snprintf(args, sizeof args, "[%.0f, \"[Y0001]\"]", thursday * 86400000.0);
        row y = {"fromMillis", args, NULL};
        char year[32];
        outcome(&cx, &y, year, sizeof year);
        /* week = 1 + (day of the year of that Thursday - 1) / 7 */
        snprintf(args, sizeof args, "[%.0f, \"[d]\"]", thursday * 86400000.0);
        row d = {"fromMillis", args, NULL};
        char doy[32];
        outcome(&cx, &d, doy, sizeof doy);
        int week = 1 + (atoi(doy + 1) - 1) / 7;
        char want[64];
        snprintf(want, sizeof want, "\"%.4s-W%02d-%ld\"", year + 1, week, wd + 1);
        snprintf(args, sizeof args, "[%.0f, \"[X0001]-W[W01]-[F1]\"]", t);
        row w = {"fromMillis", args, NULL};
        outcome(&cx, &w, got, sizeof got);
        if (strcmp(got, want) != 0)
            fail_msg("day %.0f: want %s, got %s", day, want, got);
        jn_ctx_reset(&cx);
    }
    jn_ctx_dispose(&cx);
}

/* jn_datetime_from_millis, the entry $now uses: $now(picture, timezone) */
static jn_val *now_native(jn_ctx *cx, jn_val **argv, int argc)
{
    return jn_datetime_from_millis(cx, (double)NOW_MS, argc > 0 ? argv[0] : NULL,
                                   argc > 1 ? argv[1] : NULL);
}

static void test_now_entry(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    jn_val *iso = NULL, *local = NULL;
    assert_true(call_native(&cx, now_native, NULL, 0, &iso));
    assert_string_equal(iso->u.s.p, "2023-11-14T22:13:20.000Z");
    jn_val *args[2] = {jn_str_cstr(&cx, "[H01]:[m01] [Z]"), jn_str_cstr(&cx, "+0100")};
    assert_true(call_native(&cx, now_native, args, 2, &local));
    assert_string_equal(local->u.s.p, "23:13 +01:00");
    jn_val *bad[1] = {jn_str_cstr(&cx, "[Y")};
    assert_false(call_native(&cx, now_native, bad, 1, &local));
    assert_string_equal(cx.err_code, "D3135");
    jn_ctx_dispose(&cx);
}

/* The messages: the reference's templates with the value filled in, and
 * JavaScript's own message where the reference has no code (D3150). */
static void test_messages(void **state)
{
    (void)state;
    static const struct {
        row call;
        const char *message;
    } cases[] = {
        {{"formatBase", "[100, 37]", NULL},
         "The radix of the formatBase function must be between 2 and 36.  It was given 37"},
        {{"toMillis", "[\"01-02-2018\"]", NULL},
         "The argument of the toMillis function must be an ISO 8601 formatted timestamp. Given "
         "\"01-02-2018\""},
        {{"formatInteger", "[5, \"#\"]", NULL},
         "Formatting or parsing an integer as a sequence starting with \"#\" is not supported by "
         "this implementation"},
        {{"fromMillis", "[0, \"[q]\"]", NULL},
         "Unknown component specifier \"q\" in date/time picture string"},
        {{"fromMillis", "[0, \"[YN]\"]", NULL},
         "The 'name' modifier can only be applied to months and days in the date/time picture "
         "string, not \"Y\""},
        {{"formatInteger", "[1e9, \"I\"]", NULL}, "Maximum call stack size exceeded"},
        {{"formatNumber", "[1]", NULL}, "Cannot read properties of undefined (reading 'split')"},
    };
    jn_ctx cx;
    jn_ctx_init(&cx);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[256];
        outcome(&cx, &cases[i].call, got, sizeof got);
        assert_true(!strncmp(got, "ERR ", 4));
        assert_non_null(cx.err_message);
        assert_string_equal(cx.err_message, cases[i].message);
        jn_ctx_reset(&cx);
    }
    jn_ctx_dispose(&cx);
}

/* ---- the JavaScript conversions ---- */

static void test_js_numbers(void **state)
{
    (void)state;
    jn_ctx cx;
    jn_ctx_init(&cx);
    /* Math.round: halves toward +Infinity */
    assert_true(jn_js_math_round(2.5) == 3);
    assert_true(jn_js_math_round(-2.5) == -2);
    assert_true(jn_js_math_round(0.49999999999999994) == 0);
    assert_true(signbit(jn_js_math_round(-0.4)));
    /* the reference's round: half to even at a precision */
    assert_true(jn_num_round_half_even(2.5, 0) == 2);
    assert_true(jn_num_round_half_even(-2.5, 0) == -2);
    assert_true(jn_num_round_half_even(3.5, 0) == 4);
    assert_true(jn_num_round_half_even(0.125, 2) == 0.12);
    assert_true(jn_num_round_half_even(0.375, 2) == 0.38);
    assert_true(jn_num_round_half_even(1.23456e-10, 12) == 1.23e-10);
    assert_false(signbit(jn_num_round_half_even(-0.4, 0)));
    /* toFixed: the exact value rounded half up */
    assert_string_equal(jn_num_to_fixed(&cx, 0.5, 0), "1");
    assert_string_equal(jn_num_to_fixed(&cx, 2.5, 0), "3");
    assert_string_equal(jn_num_to_fixed(&cx, 1.005, 2), "1.00"); /* 1.00499999999999989... */
    assert_string_equal(jn_num_to_fixed(&cx, 9.995, 2), "9.99");
    assert_string_equal(jn_num_to_fixed(&cx, 99.995, 2), "100.00");
    assert_string_equal(jn_num_to_fixed(&cx, 123.456, 5), "123.45600");
    assert_string_equal(jn_num_to_fixed(&cx, -1.5, 0), "-2");
    assert_string_equal(jn_num_to_fixed(&cx, 1e21, 2), "1e+21");
    /* toString(radix) */
    assert_string_equal(jn_num_to_radix(&cx, 255, 16), "ff");
    assert_string_equal(jn_num_to_radix(&cx, 0.5, 2), "0.1");
    assert_string_equal(jn_num_to_radix(&cx, -10.25, 2), "-1010.01");
    assert_string_equal(jn_num_to_radix(&cx, 36, 36), "10");
    /* parseInt */
    assert_true(jn_js_parse_int(" \t42px", 7) == 42);
    assert_true(jn_js_parse_int("-0x1A", 5) == -26);
    assert_true(isnan(jn_js_parse_int("x1", 2)));
    assert_true(isnan(jn_js_parse_int("", 0)));
    assert_true(signbit(jn_js_parse_int("-0", 2)));
    assert_true(jn_js_parse_int("\xc2\xa0" "007", 5) == 7); /* no-break space is white space */
    assert_true(jn_js_parse_int("123456789012345678901234567890", 30) == 1.2345678901234568e29);
    jn_ctx_dispose(&cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_number),   cmocka_unit_test(test_format_base),
        cmocka_unit_test(test_format_integer),  cmocka_unit_test(test_parse_integer),
        cmocka_unit_test(test_integer_round_trip), cmocka_unit_test(test_from_millis),
        cmocka_unit_test(test_to_millis),       cmocka_unit_test(test_date_round_trip),
        cmocka_unit_test(test_iso_weeks),       cmocka_unit_test(test_now_entry),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_js_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
