/* datetime.c - JSONata built-in functions: $formatInteger, $parseInteger,
 * $fromMillis and $toMillis, ported function by function from the
 * reference's datetime.js (XPath F&O 3.1 fn:format-integer and
 * fn:format-dateTime picture strings, and their inverses).
 *
 * The reference works on JavaScript strings (UTF-16 code units) and
 * JavaScript Date values; this port does the same with jsstr.h's UTF-16
 * views and with JavaScript's own calendar arithmetic on doubles (Date.UTC,
 * MakeDay, MakeTime, TimeClip, the getUTC* fields), always in UTC: never the
 * C library's local time, never the process's TZ. $toMillis without a
 * picture reads ISO 8601 as V8's Date.parse does (the forms the reference's
 * iso8601regex lets through), a time without an offset being UTC.
 *
 * Parsing a timestamp with a picture builds the reference's regular
 * expression (case-insensitive, as its RegExp(..., 'i')) and runs it with
 * PCRE2; letters are matched case-insensitively the way JavaScript's
 * non-Unicode 'i' flag matches them.
 *
 * Where the reference fails with a plain JavaScript exception (a recursion
 * too deep for V8's stack, a string longer than V8 allows, a property read
 * on undefined), the engine throws JN_JS_ERROR (D3150) with JavaScript's
 * message. Strings these functions build are limited to DT_MAX_LEN code
 * units (the engine's limit, below V8's 2^29 - 24, to keep one call's memory
 * bounded).
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <math.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepsim/jsonata/datetime.h"
#include "stepsim/jsonata/jsnum.h"
#include "stepsim/jsonata/jsstr.h"
#include "stepsim/jsonata/value.h"

#define DT_MAX_LEN (1L << 24)
#define MS_PER_DAY 86400000.0

static _Noreturn void js_error(jn_ctx *cx, const char *message)
{
    jn_throw_x(cx, JN_JS_ERROR, &(jn_errinfo){.position = -1, .message = message});
}

static jn_u16 u16_ascii(jn_ctx *cx, const char *s)
{
    return jn_u16_from_utf8(cx, s, strlen(s));
}

/* ---- numbers in English words ---- */

static const char *const few[] = {
    "Zero",    "One",     "Two",       "Three",    "Four",     "Five",    "Six",
    "Seven",   "Eight",   "Nine",      "Ten",      "Eleven",   "Twelve",  "Thirteen",
    "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
static const char *const ordinals[] = {
    "Zeroth",     "First",      "Second",     "Third",       "Fourth",     "Fifth",
    "Sixth",      "Seventh",    "Eighth",     "Ninth",       "Tenth",      "Eleventh",
    "Twelfth",    "Thirteenth", "Fourteenth", "Fifteenth",   "Sixteenth",  "Seventeenth",
    "Eighteenth", "Nineteenth"};
static const char *const decades[] = {"Twenty", "Thirty",  "Forty",  "Fifty",  "Sixty",
                                      "Seventy", "Eighty", "Ninety", "Hundred"};
static const char *const magnitudes[] = {"Thousand", "Million", "Billion", "Trillion"};

/* numberToWords's lookup(num, prev, ord) */
static void words_lookup(stc_buf *b, double num, bool prev, bool ord)
{
    if (num <= 19) {
        if (prev)
            stc_buf_puts(b, " and ");
        stc_buf_puts(b, ord ? ordinals[(int)num] : few[(int)num]);
    } else if (num < 100) {
        double tens = floor(num / 10), rem = fmod(num, 10);
        if (prev)
            stc_buf_puts(b, " and ");
        stc_buf_puts(b, decades[(int)tens - 2]);
        if (rem > 0) {
            stc_buf_putc(b, '-');
            words_lookup(b, rem, false, ord);
        } else if (ord) {
            b->len--; /* Twenty -> Twentieth */
            stc_buf_puts(b, "ieth");
        }
    } else if (num < 1000) {
        double hundreds = floor(num / 100), rem = fmod(num, 100);
        if (prev)
            stc_buf_puts(b, ", ");
        stc_buf_puts(b, few[(int)hundreds]);
        stc_buf_puts(b, " Hundred");
        if (rem > 0)
            words_lookup(b, rem, true, ord);
        else if (ord)
            stc_buf_puts(b, "th");
    } else {
        double mag = floor(log10(num) / 3);
        if (mag > 4)
            mag = 4; /* the largest word */
        double factor = pow(10, mag * 3);
        double mant = floor(num / factor);
        double rem = num - mant * factor;
        if (prev)
            stc_buf_puts(b, ", ");
        words_lookup(b, mant, false, false);
        stc_buf_putc(b, ' ');
        stc_buf_puts(b, magnitudes[(int)mag - 1]);
        if (rem > 0)
            words_lookup(b, rem, true, ord);
        else if (ord)
            stc_buf_puts(b, "th");
    }
}

/* The word values of wordsToNumber, in the reference's key order (which is
 * also the order of the alternatives in the parsing regular expression). */
typedef struct word_value {
    const char *word;
    double value;
} word_value;

static word_value word_table[20 + 20 + 18 + 1 + 8];
static pthread_once_t word_once = PTHREAD_ONCE_INIT;
static char word_text[sizeof word_table / sizeof word_table[0]][16];

static void lower_into(char *dst, const char *src)
{
    for (; *src; src++)
        *dst++ = (char)(*src >= 'A' && *src <= 'Z' ? *src + 32 : *src);
    *dst = '\0';
}

static void word_table_init(void)
{
    size_t n = 0;
    for (int i = 0; i < 20; i++, n++) {
        lower_into(word_text[n], few[i]);
        word_table[n] = (word_value){word_text[n], i};
    }
    for (int i = 0; i < 20; i++, n++) {
        lower_into(word_text[n], ordinals[i]);
        word_table[n] = (word_value){word_text[n], i};
    }
    for (int i = 0; i < 9; i++) {
        double v = (i + 2) * 10;
        lower_into(word_text[n], decades[i]);
        word_table[n] = (word_value){word_text[n], v};
        n++;
        /* lword.substring(0, word.length - 1) + 'ieth' ("hundreieth" too) */
        size_t len = strlen(decades[i]);
        lower_into(word_text[n], decades[i]);
        strcpy(word_text[n] + len - 1, "ieth");
        word_table[n] = (word_value){word_text[n], v};
        n++;
    }
    word_table[n] = (word_value){"hundredth", 100};
    n++;
    for (int i = 0; i < 4; i++) {
        double v = pow(10, (i + 1) * 3);
        lower_into(word_text[n], magnitudes[i]);
        word_table[n] = (word_value){word_text[n], v};
        n++;
        lower_into(word_text[n], magnitudes[i]);
        strcat(word_text[n], "th");
        word_table[n] = (word_value){word_text[n], v};
        n++;
    }
}

static size_t word_count(void)
{
    return sizeof word_table / sizeof word_table[0];
}

/* wordValues[part] (NaN for undefined: the arithmetic that follows gives
 * NaN either way) */
static double word_value_of(jn_u16 part)
{
    for (size_t i = 0; i < word_count(); i++) {
        const char *w = word_table[i].word;
        long k = 0;
        while (k < part.n && w[k] && part.p[k] == (unsigned char)w[k])
            k++;
        if (k == part.n && !w[k])
            return word_table[i].value;
    }
    return NAN;
}

/* The separator of text.split(/,\s|\sand\s|[\s\\-]/) at i: its length, 0 if
 * none. */
static long words_separator_at(jn_u16 t, long i)
{
    if (t.p[i] == ',' && i + 1 < t.n && jn_js_is_space(t.p[i + 1]))
        return 2;
    if (jn_js_is_space(t.p[i]) && i + 4 < t.n && t.p[i + 1] == 'a' && t.p[i + 2] == 'n' &&
        t.p[i + 3] == 'd' && jn_js_is_space(t.p[i + 4]))
        return 5;
    if (jn_js_is_space(t.p[i]) || t.p[i] == '\\' || t.p[i] == '-')
        return 1;
    return 0;
}

/* wordsToNumber(text), text already lower case */
static double words_to_number(jn_ctx *cx, jn_u16 text)
{
    pthread_once(&word_once, word_table_init);
    double *segs = jn_alloc(cx, ((size_t)text.n + 2) * sizeof *segs);
    long nsegs = 0;
    segs[nsegs++] = 0;
    long start = 0;
    for (long i = 0; i <= text.n;) {
        long sep = i < text.n ? words_separator_at(text, i) : 0;
        if (i < text.n && sep == 0) {
            i++;
            continue;
        }
        double value = word_value_of((jn_u16){text.p + start, i - start});
        if (value < 100) {
            double top = segs[--nsegs];
            if (top >= 1000) {
                segs[nsegs++] = top;
                top = 0;
            }
            segs[nsegs++] = top + value;
        } else {
            double top = segs[--nsegs];
            segs[nsegs++] = top * value;
        }
        if (i == text.n)
            break;
        i += sep;
        start = i;
    }
    double result = 0;
    for (long i = 0; i < nsegs; i++)
        result += segs[i];
    return result;
}

/* ---- roman numerals and spreadsheet letters ---- */

static const struct {
    double value;
    const char *numeral;
} roman_numerals[] = {{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"},
                      {90, "xc"},  {50, "l"},   {40, "xl"},  {10, "x"},  {9, "ix"},
                      {5, "v"},    {4, "iv"},   {1, "i"}};

/* The reference recurses once per numeral: from about 9.46 million its
 * recursion no longer fits V8's default stack. */
#define ROMAN_MAX 9465000.0

static void decimal_to_roman(jn_ctx *cx, stc_buf *b, double value)
{
    if (!(value < ROMAN_MAX) && !isnan(value))
        js_error(cx, "Maximum call stack size exceeded");
    for (size_t i = 0; i < sizeof roman_numerals / sizeof roman_numerals[0];) {
        if (value >= roman_numerals[i].value) {
            stc_buf_puts(b, roman_numerals[i].numeral);
            value -= roman_numerals[i].value;
        } else {
            i++;
        }
    }
}

static double roman_value(uint16_t c)
{
    switch (c) {
    case 'M': return 1000;
    case 'D': return 500;
    case 'C': return 100;
    case 'L': return 50;
    case 'X': return 10;
    case 'V': return 5;
    case 'I': return 1;
    default: return NAN;
    }
}

static double roman_to_decimal(jn_u16 roman)
{
    double decimal = 0, max = 1;
    for (long i = roman.n - 1; i >= 0; i--) {
        double value = roman_value(roman.p[i]);
        if (value < max) {
            decimal -= value;
        } else {
            max = value;
            decimal += value;
        }
    }
    return decimal;
}

static void decimal_to_letters(jn_ctx *cx, stc_buf *b, double value, char a)
{
    if (isinf(value)) /* the reference's loop never ends */
        js_error(cx, "Invalid array length");
    char *letters = jn_alloc(cx, 1100);
    int n = 0;
    while (value > 0) {
        letters[n++] = (char)(fmod(value - 1, 26) + a);
        value = floor((value - 1) / 26);
    }
    while (n > 0)
        stc_buf_putc(b, letters[--n]);
}

static double letters_to_decimal(jn_u16 letters, uint16_t a)
{
    double decimal = 0;
    for (long i = 0; i < letters.n; i++)
        decimal += ((double)letters.p[letters.n - i - 1] - a + 1) * pow(26, (double)i);
    return decimal;
}

/* ---- integer pictures (fn:format-integer) ---- */

enum { PF_DECIMAL, PF_LETTERS, PF_ROMAN, PF_WORDS, PF_SEQUENCE };
enum { TC_NONE, TC_LOWER, TC_UPPER, TC_TITLE };

typedef struct int_sep {
    long position;
    uint32_t cp;
} int_sep;

typedef struct int_format {
    int primary, tcase;
    bool ordinal;
    uint32_t zero_code;
    double mandatory, optional; /* NaN: not set (the picture is not decimal) */
    bool regular;               /* grouping: every regular.position digits */
    int_sep regular_sep;
    int_sep *seps; /* !regular: in the order found, from the right */
    long nseps;
    double parse_width; /* NaN: not set */
    jn_u16 token;       /* PF_SEQUENCE: the picture */
} int_format;

/* The first code point of each decimal digit family (Unicode Nd). */
static const uint32_t decimal_groups[] = {
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

static bool u16_is_ascii(jn_u16 s, const char *ascii)
{
    size_t n = strlen(ascii);
    if ((size_t)s.n != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s.p[i] != (unsigned char)ascii[i])
            return false;
    return true;
}

/* regularRepeat: the interval when every separator is the same character
 * at every multiple of the positions' gcd, else 0 */
static long regular_repeat(jn_ctx *cx, const int_sep *seps, long n)
{
    for (long i = 1; i < n; i++)
        if (seps[i].cp != seps[0].cp)
            return 0;
    long *positions = jn_alloc(cx, ((size_t)n + 1) * sizeof *positions);
    for (long i = 0; i < n; i++)
        positions[i] = seps[i].position;
    return jn_grouping_interval(positions, n);
}

/* analyseIntegerPicture */
static void analyse_integer_picture(jn_ctx *cx, jn_u16 picture, int_format *f)
{
    *f = (int_format){.primary = PF_DECIMAL, .tcase = TC_LOWER, .mandatory = NAN,
                      .optional = NAN, .parse_width = NAN};
    jn_u16 semi = {(const uint16_t[]){';'}, 1};
    long semicolon = jn_u16_last_index_of(picture, semi);
    jn_u16 primary = picture;
    if (semicolon != -1) {
        primary = jn_u16_substring(picture, 0, semicolon);
        jn_u16 modifier = jn_u16_substring(picture, semicolon + 1, picture.n);
        if (modifier.n > 0 && modifier.p[0] == 'o')
            f->ordinal = true;
    }
    if (u16_is_ascii(primary, "A")) {
        f->tcase = TC_UPPER, f->primary = PF_LETTERS;
    } else if (u16_is_ascii(primary, "a")) {
        f->primary = PF_LETTERS;
    } else if (u16_is_ascii(primary, "I")) {
        f->tcase = TC_UPPER, f->primary = PF_ROMAN;
    } else if (u16_is_ascii(primary, "i")) {
        f->primary = PF_ROMAN;
    } else if (u16_is_ascii(primary, "W")) {
        f->tcase = TC_UPPER, f->primary = PF_WORDS;
    } else if (u16_is_ascii(primary, "Ww")) {
        f->tcase = TC_TITLE, f->primary = PF_WORDS;
    } else if (u16_is_ascii(primary, "w")) {
        f->primary = PF_WORDS;
    } else {
        /* a decimal-digit-pattern if it has a digit of any decimal group,
         * read from the right to place the grouping separators */
        uint32_t *cps;
        long ncp = jn_u16_code_points(cx, primary, &cps);
        bool have_zero = false;
        uint32_t zero = 0;
        long mandatory = 0, optional = 0, position = 0;
        int_sep *seps = jn_alloc(cx, ((size_t)ncp + 1) * sizeof *seps);
        long nseps = 0;
        for (long i = ncp - 1; i >= 0; i--) {
            uint32_t cp = cps[i];
            bool digit = false;
            for (size_t g = 0; g < sizeof decimal_groups / sizeof decimal_groups[0]; g++) {
                uint32_t group = decimal_groups[g];
                if (cp >= group && cp <= group + 9) {
                    digit = true;
                    mandatory++, position++;
                    if (!have_zero)
                        have_zero = true, zero = group;
                    else if (group != zero)
                        jn_throw(cx, "D3131", NULL);
                    break;
                }
            }
            if (!digit) {
                if (cp == '#')
                    position++, optional++;
                else
                    seps[nseps++] = (int_sep){position, cp};
            }
        }
        if (mandatory > 0) {
            f->primary = PF_DECIMAL;
            f->zero_code = zero;
            f->mandatory = (double)mandatory;
            f->optional = (double)optional;
            long regular = regular_repeat(cx, seps, nseps);
            if (regular > 0) {
                f->regular = true;
                f->regular_sep = (int_sep){regular, seps[0].cp};
            } else {
                f->seps = seps;
                f->nseps = nseps;
            }
        } else {
            /* a numbering sequence: not supported (D3130 when used) */
            f->primary = PF_SEQUENCE;
            f->token = primary;
        }
    }
}

/* s.substr(start, length), length < 0 standing for "to the end" */
static jn_u16 u16_substr(jn_u16 s, long start, long length)
{
    if (start < 0)
        start = s.n + start < 0 ? 0 : s.n + start;
    if (start > s.n)
        start = s.n;
    long end = length < 0 ? s.n : (start + length > s.n ? s.n : start + length);
    return (jn_u16){s.p + start, end - start};
}

/* formattedInteger.substr(0, pos) + separator + formattedInteger.substr(pos) */
static jn_u16 insert_separator(jn_ctx *cx, jn_u16 s, long pos, jn_u16 sep)
{
    jn_u16 head = pos > 0 ? u16_substr(s, 0, pos) : JN_U16_EMPTY;
    return jn_u16_cat3(cx, head, sep, u16_substr(s, pos, -1));
}

static void check_length(jn_ctx *cx, double len)
{
    if (len > DT_MAX_LEN)
        js_error(cx, "Invalid string length");
}

static uint16_t ascii_upper(uint16_t c) { return c >= 'a' && c <= 'z' ? (uint16_t)(c - 32) : c; }
static uint16_t ascii_lower(uint16_t c) { return c >= 'A' && c <= 'Z' ? (uint16_t)(c + 32) : c; }

static jn_u16 buf_to_u16(jn_ctx *cx, stc_buf *b, int tcase)
{
    jn_u16 s = jn_u16_from_utf8(cx, b->len ? b->data : "", b->len);
    stc_buf_free(b);
    uint16_t *p = (uint16_t *)s.p;
    for (long i = 0; i < s.n; i++)
        p[i] = tcase == TC_UPPER ? ascii_upper(p[i]) : tcase == TC_LOWER ? ascii_lower(p[i]) : p[i];
    return s;
}

/* _formatInteger: value with an analysed picture (value is not floored
 * here; $formatInteger floors it first) */
static jn_u16 format_integer_with(jn_ctx *cx, double value, int_format *f)
{
    bool negative = value < 0;
    value = fabs(value);
    jn_u16 out = JN_U16_EMPTY;
    stc_buf b = {0};
    switch (f->primary) {
    case PF_LETTERS:
        decimal_to_letters(cx, &b, value, f->tcase == TC_UPPER ? 'A' : 'a');
        out = buf_to_u16(cx, &b, TC_NONE);
        break;
    case PF_ROMAN:
        decimal_to_roman(cx, &b, value);
        out = buf_to_u16(cx, &b, f->tcase == TC_UPPER ? TC_UPPER : TC_NONE);
        break;
    case PF_WORDS:
        if (!isfinite(value)) /* the reference recurses without end */
            js_error(cx, "Maximum call stack size exceeded");
        words_lookup(&b, value, false, f->ordinal);
        out = buf_to_u16(cx, &b, f->tcase == TC_TITLE ? TC_NONE : f->tcase);
        break;
    case PF_DECIMAL: {
        char num[32];
        size_t len = jn_num_format(value, num);
        double pad = f->mandatory - (double)len;
        long npad = pad > 0 ? (check_length(cx, pad + (double)len), (long)pad) : 0;
        long n = npad + (long)len;
        uint16_t *digits = jn_alloc(cx, ((size_t)n + 1) * sizeof *digits);
        for (long i = 0; i < npad; i++)
            digits[i] = '0';
        for (size_t i = 0; i < len; i++)
            digits[npad + (long)i] = (uint16_t)num[i];
        if (f->zero_code != 0x30) /* every character moved into the family */
            for (long i = 0; i < n; i++)
                digits[i] = (uint16_t)(digits[i] + f->zero_code - 0x30);
        out = (jn_u16){digits, n};
        if (f->regular) {
            jn_u16 sep = jn_u16_from_cp(cx, f->regular_sep.cp);
            long groups = (out.n - 1) / f->regular_sep.position;
            check_length(cx, (double)out.n + (double)groups * (double)sep.n);
            for (long g = groups; g > 0; g--) {
                long pos = out.n - g * f->regular_sep.position;
                out = insert_separator(cx, out, pos, sep);
            }
        } else {
            /* groupingSeparators.reverse().forEach(...) */
            for (long i = f->nseps - 1; i >= 0; i--) {
                long pos = out.n - f->seps[i].position;
                out = insert_separator(cx, out, pos, jn_u16_from_cp(cx, f->seps[i].cp));
            }
        }
        if (f->ordinal) {
            uint16_t last = out.p[out.n - 1];
            const char *suffix = last == '1'   ? "st"
                                 : last == '2' ? "nd"
                                 : last == '3' ? "rd"
                                               : NULL;
            if (!suffix || (out.n > 1 && out.p[out.n - 2] == '1'))
                suffix = "th";
            out = jn_u16_cat2(cx, out, u16_ascii(cx, suffix));
        }
        break;
    }
    default:
        jn_throw(cx, "D3130", jn_u16_to_val(cx, f->token));
    }
    if (negative)
        out = jn_u16_cat2(cx, u16_ascii(cx, "-"), out);
    return out;
}

/* formatInteger(value, picture): floored, then formatted */
static jn_u16 format_integer(jn_ctx *cx, double value, jn_u16 picture)
{
    int_format f;
    analyse_integer_picture(cx, picture, &f);
    return format_integer_with(cx, floor(value), &f);
}

/* ---- JavaScript's calendar arithmetic (V8's MakeDay, MakeTime, TimeClip) ---- */

#define MAX_TIME_MS 8.64e15

static double to_integer(double x) /* ToIntegerOrInfinity */
{
    return isnan(x) ? 0 : trunc(x);
}

static double make_day(double year, double month, double date)
{
    if (!(year >= -1000000 && year <= 1000000 && month >= -10000000 && month <= 10000000 &&
          isfinite(date)))
        return NAN;
    int64_t y = (int64_t)year, m = (int64_t)month;
    y += m / 12;
    m %= 12;
    if (m < 0)
        m += 12, y -= 1;
    static const int from_month[2][12] = {
        {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334},
        {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335}};
    const int64_t delta = 399999; /* keeps the divisions on positive numbers */
    int64_t base = 365 * (1970 + delta) + (1970 + delta) / 4 - (1970 + delta) / 100 +
                   (1970 + delta) / 400;
    int64_t yd = y + delta;
    int64_t day = 365 * yd + yd / 4 - yd / 100 + yd / 400 - base;
    bool leap = !((y % 4 != 0) || (y % 100 == 0 && y % 400 != 0));
    day += from_month[leap][m];
    return (double)(day - 1) + to_integer(date);
}

static double make_time(double h, double m, double s, double ms)
{
    if (!(isfinite(h) && isfinite(m) && isfinite(s) && isfinite(ms)))
        return NAN;
    return to_integer(h) * 3600000.0 + to_integer(m) * 60000.0 + to_integer(s) * 1000.0 +
           to_integer(ms);
}

static double make_date(double day, double time)
{
    if (!(isfinite(day) && isfinite(time)))
        return NAN;
    return day * MS_PER_DAY + time;
}

static double time_clip(double t) /* new Date(t).getTime() */
{
    if (!(t >= -MAX_TIME_MS && t <= MAX_TIME_MS))
        return NAN;
    return to_integer(t) + 0.0;
}

/* Date.UTC(year, month, date, h, m, s, ms): years 0..99 are 1900..1999 */
static double date_utc(double year, double month, double date, double h, double m, double s,
                       double ms)
{
    if (!isnan(year)) {
        double y = to_integer(year);
        if (y >= 0 && y <= 99)
            year = 1900 + y;
    }
    return time_clip(make_date(make_day(year, month, date), make_time(h, m, s, ms)));
}

static double date_utc_ym(double year, double month)
{
    return date_utc(year, month, 1, 0, 0, 0, 0);
}

/* The getUTC* fields of a time value (all NaN for an invalid date). */
typedef struct js_date {
    double t;
    double year, month, day, weekday; /* month 0..11, weekday 0 = Sunday */
    double hours, minutes, seconds, ms;
} js_date;

static js_date date_fields(double t)
{
    js_date d = {.t = t};
    if (isnan(t)) {
        d.year = d.month = d.day = d.weekday = NAN;
        d.hours = d.minutes = d.seconds = d.ms = NAN;
        return d;
    }
    int64_t days = (int64_t)floor(t / MS_PER_DAY);
    int64_t in_day = (int64_t)(t - (double)days * MS_PER_DAY);
    /* civil_from_days (H. Hinnant) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    int64_t yy = yoe + era * 400 + (mm <= 2);
    d.year = (double)yy;
    d.month = (double)(mm - 1);
    d.day = (double)dd;
    int64_t wd = (days + 4) % 7;
    d.weekday = (double)(wd < 0 ? wd + 7 : wd);
    d.hours = (double)(in_day / 3600000);
    d.minutes = (double)(in_day / 60000 % 60);
    d.seconds = (double)(in_day / 1000 % 60);
    d.ms = (double)(in_day % 1000);
    return d;
}

/* startOfFirstWeek: ISO 8601's first week (the one with the first
 * Thursday), of a year (month 0) or, as XPath extends it, of a month */
static double start_of_first_week(double year, double month)
{
    double jan1 = date_utc_ym(year, month);
    double day_of_jan1 = date_fields(jan1).weekday;
    if (day_of_jan1 == 0)
        day_of_jan1 = 7;
    return day_of_jan1 > 4 ? jan1 + (8 - day_of_jan1) * MS_PER_DAY
                           : jan1 - (day_of_jan1 - 1) * MS_PER_DAY;
}

static double delta_weeks(double start, double end)
{
    return (end - start) / (MS_PER_DAY * 7) + 1;
}

static void next_month(double *y, double *m)
{
    if (*m == 11)
        *y += 1, *m = 0;
    else
        *m += 1;
}

static void previous_month(double *y, double *m)
{
    if (*m == 0)
        *y -= 1, *m = 11;
    else
        *m -= 1;
}

/* getDateTimeFragment: a component's value, a number; P is 0 for am and 1
 * for pm; C and E ("ISO") and Z, z (undefined) are not numbers. */
static double date_fragment(const js_date *d, uint16_t component)
{
    switch (component) {
    case 'Y':
        return d->year;
    case 'M':
        return d->month + 1;
    case 'D':
        return d->day;
    case 'd': {
        double today = date_utc(d->year, d->month, d->day, 0, 0, 0, 0);
        double first_jan = date_utc_ym(d->year, 0);
        return (today - first_jan) / MS_PER_DAY + 1;
    }
    case 'F':
        return d->weekday == 0 ? 7 : d->weekday;
    case 'W': {
        double start = start_of_first_week(d->year, 0);
        double today = date_utc(d->year, d->month, d->day, 0, 0, 0, 0);
        double week = delta_weeks(start, today);
        if (week > 52) {
            if (today >= start_of_first_week(d->year + 1, 0))
                week = 1;
        } else if (week < 1) {
            week = delta_weeks(start_of_first_week(d->year - 1, 0), today);
        }
        return floor(week);
    }
    case 'w': {
        double start = start_of_first_week(d->year, d->month);
        double today = date_utc(d->year, d->month, d->day, 0, 0, 0, 0);
        double week = delta_weeks(start, today);
        if (week > 4) {
            double ny = d->year, nm = d->month;
            next_month(&ny, &nm);
            if (today >= start_of_first_week(ny, nm))
                week = 1;
        } else if (week < 1) {
            double py = d->year, pm = d->month;
            previous_month(&py, &pm);
            week = delta_weeks(start_of_first_week(py, pm), today);
        }
        return floor(week);
    }
    case 'X': {
        double start = start_of_first_week(d->year, 0);
        double end = start_of_first_week(d->year + 1, 0);
        if (d->t < start)
            return d->year - 1;
        if (d->t >= end)
            return d->year + 1;
        return d->year;
    }
    case 'x': {
        double start = start_of_first_week(d->year, d->month);
        double ny = d->year, nm = d->month;
        next_month(&ny, &nm);
        double end = start_of_first_week(ny, nm);
        if (d->t < start) {
            double py = d->year, pm = d->month;
            previous_month(&py, &pm);
            return pm + 1;
        }
        if (d->t >= end)
            return nm + 1;
        return d->month + 1;
    }
    case 'H':
        return d->hours;
    case 'h': {
        double h = fmod(d->hours, 12);
        return h == 0 ? 12 : h;
    }
    case 'P':
        return d->hours >= 12 ? 1 : 0;
    case 'm':
        return d->minutes;
    case 's':
        return d->seconds;
    case 'f':
        return d->ms;
    default:
        return NAN;
    }
}

/* ---- date/time pictures (fn:format-dateTime, F&O 9.8.4) ---- */

typedef struct dt_part {
    bool literal;
    jn_u16 text;       /* a literal's text */
    jn_u16 component;  /* marker.charAt(0): one code unit, or "" */
    bool has_width;
    double width_min, width_max;       /* NaN: not a number */
    bool width_min_set, width_max_set; /* false: undefined ('*' or absent) */
    jn_u16 pres1;                      /* the first presentation modifier */
    uint16_t pres2;                    /* 'a', 't', 'c', 'o' or 0 */
    int names;                         /* TC_NONE, or the case of a name */
    int_format *integer;               /* NULL: none */
    double n;                          /* Y: the digits kept, -1 all */
} dt_part;

typedef struct dt_picture {
    dt_part *parts;
    long n, cap;
} dt_picture;

static uint16_t comp_of(const dt_part *p)
{
    return p->component.n ? p->component.p[0] : 0;
}

static bool comp_in(const dt_part *p, const char *set)
{
    /* 'set'.indexOf(component) !== -1: "" is found at 0 */
    if (p->component.n == 0)
        return true;
    return p->component.p[0] < 128 && strchr(set, p->component.p[0]) != NULL &&
           p->component.p[0] != 0;
}

static dt_part *picture_push(jn_ctx *cx, dt_picture *pic)
{
    if (pic->n == pic->cap) {
        long cap = pic->cap ? pic->cap * 2 : 8;
        dt_part *grown = jn_alloc(cx, (size_t)cap * sizeof *grown);
        if (pic->n)
            memcpy(grown, pic->parts, (size_t)pic->n * sizeof *grown);
        pic->parts = grown, pic->cap = cap;
    }
    dt_part *p = &pic->parts[pic->n++];
    memset(p, 0, sizeof *p);
    return p;
}

static void add_literal(jn_ctx *cx, dt_picture *pic, jn_u16 picture, long start, long end)
{
    if (end <= start)
        return;
    jn_u16 lit = jn_u16_substring(picture, start, end);
    /* a doubled ]] is one ] */
    lit = jn_u16_replace_all(cx, lit, u16_ascii(cx, "]]"), u16_ascii(cx, "]"));
    dt_part *p = picture_push(cx, pic);
    p->literal = true;
    p->text = lit;
}

/* parseWidth: undefined for '*' or nothing, else parseInt */
static void parse_width(jn_ctx *cx, jn_u16 wm, bool present, double *value, bool *set)
{
    if (!present || jn_u16_is_unit(wm, '*')) {
        *set = false;
        *value = NAN;
        return;
    }
    stc_buf b = {0};
    jn_u16_put_utf8(&b, wm);
    *value = jn_js_parse_int(b.len ? b.data : "", b.len);
    *set = true;
    stc_buf_free(&b);
    (void)cx;
}

/* The default presentation modifier of each component. */
static const char *default_presentation(uint16_t c)
{
    switch (c) {
    case 'Y': case 'M': case 'D': case 'd': case 'W': case 'w': case 'X': case 'x':
    case 'H': case 'h': case 'f':
        return "1";
    case 'F': case 'P': case 'C': case 'E':
        return "n";
    case 'm': case 's':
        return "01";
    case 'Z': case 'z':
        return "01:01";
    default:
        return NULL;
    }
}

static void analyse_marker(jn_ctx *cx, dt_picture *pic, jn_u16 marker)
{
    /* white space within a variable marker is ignored */
    uint16_t *clean = jn_alloc(cx, ((size_t)marker.n + 1) * sizeof *clean);
    long k = 0;
    for (long i = 0; i < marker.n; i++)
        if (!jn_js_is_space(marker.p[i]))
            clean[k++] = marker.p[i];
    marker = (jn_u16){clean, k};

    dt_part def = {.component = jn_u16_char_at(marker, 0), .n = 0};
    jn_u16 comma_s = {(const uint16_t[]){','}, 1};
    long comma = jn_u16_last_index_of(marker, comma_s);
    jn_u16 pres;
    if (comma != -1) {
        jn_u16 width = jn_u16_substring(marker, comma + 1, marker.n);
        jn_u16 dash_s = {(const uint16_t[]){'-'}, 1};
        long dash = jn_u16_index_of(width, dash_s, 0);
        jn_u16 min = width, max = JN_U16_EMPTY;
        bool has_max = false;
        if (dash != -1) {
            min = jn_u16_substring(width, 0, dash);
            max = jn_u16_substring(width, dash + 1, width.n);
            has_max = true;
        }
        def.has_width = true;
        parse_width(cx, min, true, &def.width_min, &def.width_min_set);
        parse_width(cx, max, has_max, &def.width_max, &def.width_max_set);
        pres = jn_u16_substring(marker, 1, comma);
    } else {
        pres = jn_u16_substring(marker, 1, marker.n);
    }
    bool have_pres1 = true;
    if (pres.n == 1) {
        def.pres1 = pres;
    } else if (pres.n > 1) {
        uint16_t last = pres.p[pres.n - 1];
        if (last == 'a' || last == 't' || last == 'c' || last == 'o') {
            def.pres2 = last;
            def.pres1 = jn_u16_substring(pres, 0, pres.n - 1);
        } else {
            def.pres1 = pres;
        }
    } else {
        const char *dflt = def.component.n == 1 ? default_presentation(def.component.p[0]) : NULL;
        if (dflt)
            def.pres1 = u16_ascii(cx, dflt);
        else
            have_pres1 = false;
    }
    if (!have_pres1)
        jn_throw(cx, "D3132", jn_u16_to_val(cx, def.component));

    if (def.pres1.p[0] == 'n') {
        def.names = TC_LOWER;
    } else if (def.pres1.p[0] == 'N') {
        def.names = def.pres1.n > 1 && def.pres1.p[1] == 'n' ? TC_TITLE : TC_UPPER;
    } else if (comp_in(&def, "YMDdFWwXxHhmsf")) {
        jn_u16 pattern = def.pres1;
        if (def.pres2) {
            uint16_t *tail = jn_alloc(cx, 2 * sizeof *tail);
            tail[0] = ';', tail[1] = def.pres2;
            pattern = jn_u16_cat2(cx, pattern, (jn_u16){tail, 2});
        }
        def.integer = jn_alloc(cx, sizeof *def.integer);
        analyse_integer_picture(cx, pattern, def.integer);
        if (def.has_width && def.width_min_set && def.integer->mandatory < def.width_min)
            def.integer->mandatory = def.width_min;
        if (comp_of(&def) == 'Y') {
            /* 9.8.4.4: the year's digits */
            def.n = -1;
            if (def.has_width && def.width_max_set) {
                def.n = def.width_max;
                def.integer->mandatory = def.n;
            } else {
                double w = def.integer->mandatory + def.integer->optional;
                if (w >= 2)
                    def.n = w;
            }
        }
        /* an integer right after another: the previous one's width for
         * parsing must be exact */
        if (pic->n > 0 && pic->parts[pic->n - 1].integer) {
            int_format *prev = pic->parts[pic->n - 1].integer;
            prev->parse_width = prev->mandatory;
        }
    }
    if (comp_of(&def) == 'Z' || comp_of(&def) == 'z') {
        def.integer = jn_alloc(cx, sizeof *def.integer);
        analyse_integer_picture(cx, def.pres1, def.integer);
    }
    *picture_push(cx, pic) = def;
}

/* analyseDateTimePicture: literals and variable markers */
static dt_picture analyse_datetime_picture(jn_ctx *cx, jn_u16 picture)
{
    dt_picture pic = {0};
    long start = 0, pos = 0;
    jn_u16 close = {(const uint16_t[]){']'}, 1};
    while (pos < picture.n) {
        if (picture.p[pos] == '[') {
            if (pos + 1 < picture.n && picture.p[pos + 1] == '[') {
                add_literal(cx, &pic, picture, start, pos);
                dt_part *p = picture_push(cx, &pic);
                p->literal = true;
                p->text = u16_ascii(cx, "[");
                pos += 2;
                start = pos;
                continue;
            }
            add_literal(cx, &pic, picture, start, pos);
            start = pos;
            pos = jn_u16_index_of(picture, close, start);
            if (pos == -1)
                jn_throw(cx, "D3135", NULL);
            analyse_marker(cx, &pic, jn_u16_substring(picture, start + 1, pos));
            start = pos + 1;
        }
        pos++;
    }
    add_literal(cx, &pic, picture, start, pos);
    return pic;
}

/* ---- formatting a date/time ---- */

static const char *const day_names[] = {"",         "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday", "Sunday"};
static const char *const month_names[] = {"January", "February", "March",     "April",
                                          "May",     "June",     "July",      "August",
                                          "September", "October", "November", "December"};

static const char *name_at(const char *const *names, size_t n, double index)
{
    if (!(index >= 0 && index < (double)n) || index != floor(index))
        return NULL; /* undefined */
    return names[(size_t)index];
}

static jn_u16 format_component(jn_ctx *cx, const js_date *date, dt_part *part,
                               double offset_hours, double offset_minutes)
{
    uint16_t c = comp_of(part);
    if (c && strchr("YMDdFWwXxHhms", c)) {
        double value = date_fragment(date, c);
        if (c == 'Y' && part->n != -1)
            value = fmod(value, pow(10, part->n));
        if (!part->names)
            return format_integer_with(cx, value, part->integer);
        const char *name;
        if (c == 'M' || c == 'x')
            name = name_at(month_names, 12, value - 1);
        else if (c == 'F')
            name = name_at(day_names, 8, value);
        else
            jn_throw(cx, "D3133", jn_u16_to_val(cx, part->component));
        if (!name) {
            /* undefined: a TypeError where the reference reads it */
            if (part->names == TC_UPPER)
                js_error(cx, "Cannot read properties of undefined (reading 'toUpperCase')");
            if (part->names == TC_LOWER)
                js_error(cx, "Cannot read properties of undefined (reading 'toLowerCase')");
            if (part->has_width)
                js_error(cx, "Cannot read properties of undefined (reading 'length')");
            return u16_ascii(cx, "undefined");
        }
        jn_u16 out = u16_ascii(cx, name);
        uint16_t *p = (uint16_t *)out.p;
        for (long i = 0; i < out.n; i++)
            p[i] = part->names == TC_UPPER ? ascii_upper(p[i])
                   : part->names == TC_LOWER ? ascii_lower(p[i]) : p[i];
        if (part->has_width && (double)out.n > part->width_max)
            out = jn_u16_substring(out, 0, (long)part->width_max);
        return out;
    }
    if (c == 'f') {
        if (!part->integer)
            js_error(cx, "Cannot read properties of undefined (reading 'primary')");
        return format_integer_with(cx, date_fragment(date, c), part->integer);
    }
    if (c == 'Z' || c == 'z') {
        /* 9.8.4.6 time zones */
        double offset = offset_hours * 100 + offset_minutes;
        jn_u16 out;
        if (part->integer->regular) {
            out = format_integer_with(cx, offset, part->integer);
        } else {
            double digits = part->integer->mandatory;
            if (digits == 1 || digits == 2) {
                out = format_integer_with(cx, offset_hours, part->integer);
                if (offset_minutes != 0)
                    out = jn_u16_cat3(cx, out, u16_ascii(cx, ":"),
                                      format_integer(cx, offset_minutes, u16_ascii(cx, "00")));
            } else if (digits == 3 || digits == 4) {
                out = format_integer_with(cx, offset, part->integer);
            } else {
                jn_throw(cx, "D3134", isnan(digits) ? NULL : jn_num(cx, digits));
            }
        }
        if (offset >= 0)
            out = jn_u16_cat2(cx, u16_ascii(cx, "+"), out);
        if (c == 'z')
            out = jn_u16_cat2(cx, u16_ascii(cx, "GMT"), out);
        if (offset == 0 && part->pres2 == 't')
            out = u16_ascii(cx, "Z");
        return out;
    }
    if (c == 'P') {
        const char *ampm = date_fragment(date, 'P') == 1 ? "pm" : "am";
        jn_u16 out = u16_ascii(cx, ampm);
        if (part->names == TC_UPPER) {
            uint16_t *p = (uint16_t *)out.p;
            for (long i = 0; i < out.n; i++)
                p[i] = ascii_upper(p[i]);
        }
        return out;
    }
    if (c == 'C' || c == 'E')
        return u16_ascii(cx, "ISO");
    return u16_ascii(cx, "undefined"); /* a component the reference has no value for */
}

static const char iso8601_picture[] = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

/* formatDateTime(millis, picture, timezone) */
static jn_val *format_datetime(jn_ctx *cx, double millis, const jn_val *picture,
                               const jn_val *timezone)
{
    double offset_hours = 0, offset_minutes = 0;
    if (timezone) {
        /* the offset as +hhmm */
        double offset = jn_js_parse_int(timezone->u.s.p, timezone->u.s.len);
        offset_hours = floor(offset / 100);
        offset_minutes = fmod(offset, 100);
    }
    jn_u16 pic16 = picture ? jn_u16_of(cx, picture) : u16_ascii(cx, iso8601_picture);
    dt_picture spec = analyse_datetime_picture(cx, pic16);
    double offset_millis = (60 * offset_hours + offset_minutes) * 60 * 1000;
    js_date date = date_fields(time_clip(millis + offset_millis));
    jn_u16 *pieces = jn_alloc(cx, ((size_t)spec.n + 1) * sizeof *pieces);
    double total = 0;
    for (long i = 0; i < spec.n; i++) {
        dt_part *part = &spec.parts[i];
        pieces[i] = part->literal ? part->text
                                  : format_component(cx, &date, part, offset_hours, offset_minutes);
        total += (double)pieces[i].n;
        check_length(cx, total);
    }
    return jn_u16_to_val(cx, jn_u16_cat(cx, pieces, (int)spec.n));
}

jn_val *jn_datetime_from_millis(jn_ctx *cx, double millis, const jn_val *picture,
                                const jn_val *timezone)
{
    return format_datetime(cx, millis, picture, timezone);
}

/* ---- parsing integers (the inverse of each integer picture) ---- */

static double parse_int_u16(jn_ctx *cx, jn_u16 s)
{
    stc_buf b = {0};
    jn_u16_put_utf8(&b, s);
    double v = jn_js_parse_int(b.len ? b.data : "", b.len);
    stc_buf_free(&b);
    (void)cx;
    return v;
}

/* generateRegex's parse function of an integer picture */
static double parse_integer_with(jn_ctx *cx, const int_format *f, jn_u16 value)
{
    bool upper = f->tcase == TC_UPPER;
    switch (f->primary) {
    case PF_LETTERS:
        return letters_to_decimal(value, upper ? 'A' : 'a');
    case PF_ROMAN: {
        if (!upper) { /* toUpperCase: the only letters that become roman digits */
            uint16_t *p = jn_alloc(cx, ((size_t)value.n + 1) * sizeof *p);
            for (long i = 0; i < value.n; i++)
                p[i] = value.p[i] == 0x0131 ? 'I' : ascii_upper(value.p[i]);
            value = (jn_u16){p, value.n};
        }
        return roman_to_decimal(value);
    }
    case PF_WORDS: {
        uint16_t *p = jn_alloc(cx, ((size_t)value.n + 1) * sizeof *p);
        for (long i = 0; i < value.n; i++)
            p[i] = ascii_lower(value.p[i]);
        return words_to_number(cx, (jn_u16){p, value.n});
    }
    case PF_DECIMAL: {
        jn_u16 digits = value;
        if (f->ordinal) /* strip the suffix */
            digits = jn_u16_substring(value, 0, value.n - 2);
        if (f->regular) {
            digits = jn_u16_replace_all(cx, digits, u16_ascii(cx, ","), JN_U16_EMPTY);
        } else {
            for (long i = 0; i < f->nseps; i++)
                digits = jn_u16_replace_all(cx, digits, jn_u16_from_cp(cx, f->seps[i].cp),
                                            JN_U16_EMPTY);
        }
        if (f->zero_code != 0x30) {
            /* each code unit moved back from the family */
            uint16_t *p = jn_alloc(cx, ((size_t)digits.n + 1) * sizeof *p);
            for (long i = 0; i < digits.n; i++) {
                long cp = (long)digits.p[i] - (long)f->zero_code + 0x30;
                if (cp < 0) {
                    char msg[48];
                    snprintf(msg, sizeof msg, "Invalid code point %ld", cp);
                    js_error(cx, jn_strndup(cx, msg, strlen(msg)));
                }
                p[i] = (uint16_t)cp;
            }
            digits = (jn_u16){p, digits.n};
        }
        return parse_int_u16(cx, digits);
    }
    default:
        jn_throw(cx, "D3130", jn_u16_to_val(cx, f->token));
    }
}

/* ---- regular expressions for parsing timestamps ----
 * The reference's expression is compiled with JavaScript's 'i' flag; here
 * ASCII letters become [xX] classes, other letters that JavaScript's
 * non-Unicode folding pairs the way PCRE2's does match with (?i:...), and
 * the few PCRE2 folds JavaScript does not make are spelled out. */

static void re_put_letter(stc_buf *re, uint32_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        stc_buf_printf(re, "[%c%c]", (char)(c | 0x20), (char)(c & ~0x20u));
        return;
    }
    static const struct {
        uint32_t c;
        const char *cls;
    } special[] = {
        {0x017F, "\xC5\xBF"},                     /* long s: only itself */
        {0x212A, "\xE2\x84\xAA"},                 /* Kelvin sign */
        {0x212B, "\xE2\x84\xAB"},                 /* Angstrom sign */
        {0x2126, "\xE2\x84\xA6"},                 /* Ohm sign */
        {0x03F4, "\xCF\xB4"},                     /* capital theta symbol */
        {0x1E9E, "\xE1\xBA\x9E"},                 /* capital sharp s */
        {0x00DF, "\xC3\x9F"},                     /* sharp s */
        {0x00E5, "[\xC3\xA5\xC3\x85]"},           /* a ring */
        {0x00C5, "[\xC3\xA5\xC3\x85]"},
        {0x03C9, "[\xCF\x89\xCE\xA9]"},           /* omega */
        {0x03A9, "[\xCF\x89\xCE\xA9]"},
        {0x03B8, "[\xCE\xB8\xCE\x98\xCF\x91]"},   /* theta */
        {0x0398, "[\xCE\xB8\xCE\x98\xCF\x91]"},
        {0x03D1, "[\xCE\xB8\xCE\x98\xCF\x91]"},
    };
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        if (special[i].c == c) {
            stc_buf_puts(re, special[i].cls);
            return;
        }
    if (c >= 0xD800 && c < 0xE000) { /* a lone surrogate matches no UTF-8 text */
        stc_buf_puts(re, "(?!)");
        return;
    }
    if (c >= 0x10000) { /* JavaScript compares astral characters unit by unit */
        jn_utf8_put(re, c);
        return;
    }
    stc_buf_puts(re, "(?i:");
    jn_utf8_put(re, c);
    stc_buf_putc(re, ')');
}

/* A literal: the reference escapes .*+?^${}()|[]\ and nothing else; with
 * `raw` (a separator the reference inserts unescaped) nothing is escaped. */
static void re_put_text(jn_ctx *cx, stc_buf *re, jn_u16 text, bool raw)
{
    uint32_t *cps;
    long n = jn_u16_code_points(cx, text, &cps);
    for (long i = 0; i < n; i++) {
        uint32_t c = cps[i];
        if (c < 128 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
            if (!raw && c && strchr(".*+?^${}()|[]\\", (int)c))
                stc_buf_putc(re, '\\');
            if (c == 0)
                stc_buf_puts(re, "\\x{0}");
            else
                stc_buf_putc(re, (char)c);
        } else {
            re_put_letter(re, c);
        }
    }
}

static void re_put_caseless(stc_buf *re, const char *ascii)
{
    for (; *ascii; ascii++) {
        if ((*ascii >= 'a' && *ascii <= 'z') || (*ascii >= 'A' && *ascii <= 'Z'))
            re_put_letter(re, (uint32_t)*ascii);
        else
            stc_buf_putc(re, *ascii);
    }
}

/* generateRegex's expression for an integer picture */
static void re_put_integer(stc_buf *re, const int_format *f)
{
    switch (f->primary) {
    case PF_LETTERS:
        stc_buf_puts(re, "[A-Za-z]+");
        break;
    case PF_ROMAN:
        stc_buf_puts(re, "[MDCLXVImdclxvi]+");
        break;
    case PF_WORDS:
        pthread_once(&word_once, word_table_init);
        stc_buf_puts(re, "(?:");
        for (size_t i = 0; i < word_count(); i++) {
            re_put_caseless(re, word_table[i].word);
            stc_buf_putc(re, '|');
        }
        re_put_caseless(re, "and");
        stc_buf_puts(re, "|[\\-, ])+");
        break;
    default: /* PF_DECIMAL */
        stc_buf_puts(re, "[0-9]");
        if (f->parse_width > 0 && f->parse_width <= 65535)
            stc_buf_printf(re, "{%.0f}", f->parse_width);
        else if (f->parse_width > 65535) /* more digits than any text here has */
            stc_buf_puts(re, "(?!)");
        else
            stc_buf_putc(re, '+');
        if (f->ordinal) {
            stc_buf_puts(re, "(?:");
            re_put_caseless(re, "th|st|nd|rd");
            stc_buf_putc(re, ')');
        }
        break;
    }
}

typedef struct re_match {
    pcre2_code *code;
    pcre2_match_data *md;
} re_match;

static void re_match_free(void *p)
{
    re_match *m = p;
    pcre2_match_data_free(m->md);
    pcre2_code_free(m->code);
}

/* Compile `pattern` and match it against the whole subject; returns the
 * ovector (owned by the context) or NULL when it does not match. */
static PCRE2_SIZE *re_exec(jn_ctx *cx, const pcre2_code *shared, const char *pattern,
                           size_t plen, const char *subject, size_t slen)
{
    re_match *m = jn_alloc(cx, sizeof *m);
    const pcre2_code *code = shared;
    if (!code) {
        int err;
        PCRE2_SIZE off;
        uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY;
        m->code = pcre2_compile((PCRE2_SPTR)pattern, plen, options, &err, &off, NULL);
        if (!m->code)
            js_error(cx, "Invalid regular expression");
        code = m->code;
    }
    m->md = pcre2_match_data_create_from_pattern(code, NULL);
    jn_defer(cx, re_match_free, m);
    int rc = pcre2_match(code, (PCRE2_SPTR)subject, slen, 0, 0, m->md, NULL);
    return rc > 0 ? pcre2_get_ovector_pointer(m->md) : NULL;
}

/* ---- parsing a timestamp with a picture (parseDateTime) ---- */

enum { MP_LITERAL, MP_TZ, MP_FRACTION, MP_INTEGER, MP_NAME };

typedef struct dt_mpart {
    int kind;
    uint16_t component;
    const dt_part *part;
    bool has_separator; /* MP_TZ: the regular grouping separator */
    uint32_t separator;
} dt_mpart;

/* One component's value: unset, or a number (the reference's undefined
 * values count as unset). */
typedef struct dt_value {
    bool set;
    double v;
} dt_value;

static double tz_parse(jn_ctx *cx, const dt_mpart *mp, jn_u16 value)
{
    if (mp->component == 'z')
        value = jn_u16_substring(value, 3, value.n); /* the leading GMT */
    double hours = 0, minutes = 0;
    if (mp->has_separator) {
        jn_u16 sep = jn_u16_from_cp(cx, mp->separator);
        long at = jn_u16_index_of(value, sep, 0);
        hours = parse_int_u16(cx, jn_u16_substring(value, 0, at));
        minutes = parse_int_u16(cx, jn_u16_substring(value, at + 1, value.n));
    } else if (value.n - 1 <= 2) { /* just the hours */
        hours = parse_int_u16(cx, value);
    } else {
        hours = parse_int_u16(cx, jn_u16_substring(value, 0, 3));
        minutes = parse_int_u16(cx, jn_u16_substring(value, 3, value.n));
    }
    return hours * 60 + minutes;
}

static dt_value name_parse(const dt_mpart *mp, jn_u16 value)
{
    const dt_part *part = mp->part;
    uint16_t c = mp->component;
    if (c == 'P') {
        static const char *const ampm[] = {"am", "AM", "pm", "PM"};
        for (int i = 0; i < 4; i++)
            if (u16_is_ascii(value, ampm[i]))
                return (dt_value){true, i < 2 ? 0 : 1};
        return (dt_value){false, 0};
    }
    bool months = c == 'M' || c == 'x';
    const char *const *names = months ? month_names : day_names;
    int count = months ? 12 : 8;
    /* the lookup keeps the last name with a given (shortened) spelling */
    bool cut = part->has_width && part->width_max_set && part->width_max != 0 &&
               !isnan(part->width_max);
    dt_value found = {false, 0};
    for (int i = months ? 0 : 1; i < count; i++) {
        const char *name = names[i];
        long len = (long)strlen(name);
        if (cut && part->width_max >= 0 && part->width_max < (double)len)
            len = (long)part->width_max;
        else if (cut && part->width_max < 0) /* substring(0, negative) is "" */
            len = 0;
        if (value.n != len)
            continue;
        long k = 0;
        while (k < len && value.p[k] == (unsigned char)name[k])
            k++;
        if (k == len)
            found = (dt_value){true, months ? i + 1 : i};
    }
    return found;
}

static jn_val *parse_datetime(jn_ctx *cx, const jn_val *timestamp, const jn_val *picture)
{
    dt_picture spec = analyse_datetime_picture(cx, jn_u16_of(cx, picture));
    dt_mpart *mparts = jn_alloc(cx, ((size_t)spec.n + 1) * sizeof *mparts);
    stc_buf re = {0};
    stc_buf_putc(&re, '^');
    for (long i = 0; i < spec.n; i++) {
        const dt_part *part = &spec.parts[i];
        dt_mpart *mp = &mparts[i];
        mp->part = part;
        mp->component = comp_of(part);
        stc_buf_putc(&re, '(');
        if (part->literal) {
            mp->kind = MP_LITERAL;
            re_put_text(cx, &re, part->text, false);
        } else if (mp->component == 'Z' || mp->component == 'z') {
            mp->kind = MP_TZ;
            if (part->integer->primary == PF_DECIMAL && part->integer->regular) {
                mp->has_separator = true;
                mp->separator = part->integer->regular_sep.cp;
            }
            if (mp->component == 'z')
                re_put_caseless(&re, "GMT");
            stc_buf_puts(&re, "[-+][0-9]+");
            if (mp->has_separator) {
                /* the separator goes in unescaped: '+' after "[0-9]+" is a
                 * syntax error in JavaScript (PCRE2 would read ++ as possessive) */
                if (mp->separator == '+') {
                    stc_buf_free(&re);
                    js_error(cx, "Invalid regular expression: Nothing to repeat");
                }
                re_put_text(cx, &re, jn_u16_from_cp(cx, mp->separator), true);
                stc_buf_puts(&re, "[0-9]+");
            }
        } else if (mp->component == 'f') {
            mp->kind = MP_FRACTION;
            stc_buf_puts(&re, "[0-9]+");
        } else if (part->integer) {
            mp->kind = MP_INTEGER;
            if (part->integer->primary == PF_SEQUENCE) {
                stc_buf_free(&re);
                jn_throw(cx, "D3130", jn_u16_to_val(cx, part->integer->token));
            }
            re_put_integer(&re, part->integer);
        } else {
            /* a month or day name, or am/pm */
            mp->kind = MP_NAME;
            uint16_t c = mp->component;
            if (c != 'M' && c != 'x' && c != 'F' && c != 'P') {
                stc_buf_free(&re);
                jn_throw(cx, "D3133", jn_u16_to_val(cx, part->component));
            }
            stc_buf_puts(&re, "[a-zA-Z]+");
        }
        stc_buf_putc(&re, ')');
    }
    stc_buf_putc(&re, '$');
    char *pattern = jn_strndup(cx, re.data, re.len);
    size_t plen = re.len;
    stc_buf_free(&re);
    PCRE2_SIZE *ov = re_exec(cx, NULL, pattern, plen, timestamp->u.s.p, timestamp->u.s.len);
    if (!ov)
        return NULL;

    dt_value comps[128] = {{0}};
    long nparsed = 0;
    for (long i = 0; i < spec.n; i++) {
        const dt_mpart *mp = &mparts[i];
        if (mp->kind == MP_LITERAL)
            continue;
        jn_u16 text = jn_u16_from_utf8(cx, timestamp->u.s.p + ov[2 * (i + 1)],
                                       ov[2 * (i + 1) + 1] - ov[2 * (i + 1)]);
        dt_value v = {true, 0};
        switch (mp->kind) {
        case MP_TZ:
            v.v = tz_parse(cx, mp, text);
            break;
        case MP_FRACTION: {
            char frac[8] = "0.";
            long k = 2;
            for (long j = 0; j < text.n && j < 3; j++)
                frac[k++] = (char)text.p[j];
            frac[k] = '\0';
            v.v = strtod(frac, NULL) * 1000;
            break;
        }
        case MP_INTEGER:
            v.v = parse_integer_with(cx, mp->part->integer, text);
            break;
        default:
            v = name_parse(mp, text);
            break;
        }
        comps[mp->component & 127] = v;
        nparsed++;
    }
    if (nparsed == 0) /* nothing specified */
        return NULL;

    /* Which date and which time combination is given (bit masks of the
     * components that must not appear, may appear, or matter):
     *        Y X M x W w d D F P H h m s f Z
     * dateA  1 0 1 0 0 0 0 1 ?
     * dateB  1 0 0 0 0 0 1 0 ?
     * dateC  0 1 0 1 0 1 0 0 1
     * dateD  0 1 0 0 1 0 0 0 1
     * timeA                    0 1 0 1 1 1
     * timeB                    1 0 1 1 1 1 */
    const char *date_order = "YXMxWwdD", *time_order = "PHhmsf";
    unsigned mask = 0;
    for (const char *p = date_order; *p; p++) {
        dt_value v = comps[(int)*p];
        mask = (mask << 1) | (v.set && v.v != 0 && !isnan(v.v));
    }
#define IS_TYPE(type) (!(~(unsigned)(type) & mask) && ((type) & mask))
    bool date_a = IS_TYPE(161);
    bool date_b = !date_a && IS_TYPE(130);
    bool date_c = IS_TYPE(84);
    bool date_d = !date_c && IS_TYPE(72);
    mask = 0;
    for (const char *p = time_order; *p; p++) {
        dt_value v = comps[(int)*p];
        mask = (mask << 1) | (v.set && v.v != 0 && !isnan(v.v));
    }
    bool time_a = IS_TYPE(23);
    bool time_b = !time_a && IS_TYPE(47);
#undef IS_TYPE

    /* (the reference's dateB list is "YD") */
    const char *date_comps = date_b ? "YD" : date_c ? "XxwF" : date_d ? "XWF" : "YMD";
    const char *time_comps = time_b ? "Phmsf" : "Hmsf";
    char order[16];
    snprintf(order, sizeof order, "%s%s", date_comps, time_comps);

    /* most significant unspecified parts: from $now(); least significant:
     * zero (1 for month and day); a gap in between is an error */
    js_date now = date_fields((double)jn_ctx_now_ms(cx));
    bool start_specified = false, end_specified = false;
    for (const char *p = order; *p; p++) {
        dt_value *v = &comps[(int)*p];
        if (!v->set) {
            if (start_specified) {
                *v = (dt_value){true, strchr("MDd", *p) ? 1 : 0};
                end_specified = true;
            } else {
                /* P from $now() is the string "am" or "pm", never 1 */
                *v = (dt_value){true, *p == 'P' ? NAN : date_fragment(&now, (uint16_t)*p)};
            }
        } else {
            start_specified = true;
            if (end_specified)
                jn_throw(cx, "D3136", NULL);
        }
    }
    dt_value *cM = &comps['M'];
    if (cM->set && cM->v > 0)
        cM->v -= 1; /* Date.UTC's months count from 0 */
    else
        *cM = (dt_value){true, 0};
    if (date_b) {
        double first_jan = date_utc_ym(comps['Y'].v, 0);
        double offset = (comps['d'].v - 1) * MS_PER_DAY;
        js_date derived = date_fields(time_clip(first_jan + offset));
        *cM = (dt_value){true, derived.month};
        comps['D'] = (dt_value){true, derived.day};
    }
    if (date_c || date_d) /* week dates: not supported by the reference */
        jn_throw(cx, "D3136", NULL);
    if (time_b) {
        comps['H'] = (dt_value){true, comps['h'].v == 12 ? 0 : comps['h'].v};
        if (comps['P'].v == 1)
            comps['H'].v += 12;
    }
#define COMP(c) (comps[c].set ? comps[c].v : NAN) /* undefined reads as NaN */
    double millis =
        date_utc(COMP('Y'), cM->v, COMP('D'), COMP('H'), COMP('m'), COMP('s'), COMP('f'));
#undef COMP
    dt_value z = comps['Z'];
    if (!(z.set && z.v != 0 && !isnan(z.v)))
        z = comps['z'];
    if (z.set && z.v != 0 && !isnan(z.v))
        millis -= z.v * 60 * 1000;
    return jn_num(cx, millis);
}

/* ---- ISO 8601 without a picture: V8's Date.parse ----
 * The reference first checks the text against its iso8601regex, then calls
 * Date.parse, which reads ES5 date-time strings (and, past the first token
 * it cannot place, V8's legacy date syntax). This is V8's DateParser for
 * that input; a date-time without an offset is read as UTC. */

static const char iso8601_regex[] = "^\\d{4}(-[01]\\d)?(-[0-3]\\d)?(T[0-2]\\d:[0-5]\\d:[0-5]\\d)?"
                                    "(\\.\\d+)?([+-][0-2]\\d:?[0-5]\\d|Z)?$";
static pcre2_code *iso8601_code;
static pthread_once_t iso8601_once = PTHREAD_ONCE_INIT;

static void iso8601_init(void)
{
    int err;
    PCRE2_SIZE off;
    iso8601_code = pcre2_compile((PCRE2_SPTR)iso8601_regex, PCRE2_ZERO_TERMINATED,
                                 PCRE2_DOLLAR_ENDONLY, &err, &off, NULL);
}

#define DP_NONE 0x7FFFFFFF /* kNone */

enum { KW_INVALID, KW_MONTH, KW_ZONE, KW_TSEP, KW_AMPM };
enum { TK_INVALID = -6, TK_UNKNOWN, TK_SPACE, TK_NUMBER, TK_SYMBOL, TK_END };

typedef struct dp_token {
    int tag; /* >= 0: a keyword of that type */
    int length, value;
} dp_token;

typedef struct dp_scanner {
    const unsigned char *s;
    size_t len, index;
    int ch;
    dp_token next;
} dp_scanner;

static void dp_next_char(dp_scanner *sc)
{
    sc->ch = sc->index < sc->len ? sc->s[sc->index] : 0;
    sc->index++;
}

static bool dp_between(int x, int lo, int hi)
{
    return (unsigned)(x - lo) <= (unsigned)(hi - lo);
}

static const struct {
    char prefix[3];
    int type, value;
} dp_keywords[] = {
    {"jan", KW_MONTH, 1},  {"feb", KW_MONTH, 2},  {"mar", KW_MONTH, 3},   {"apr", KW_MONTH, 4},
    {"may", KW_MONTH, 5},  {"jun", KW_MONTH, 6},  {"jul", KW_MONTH, 7},   {"aug", KW_MONTH, 8},
    {"sep", KW_MONTH, 9},  {"oct", KW_MONTH, 10}, {"nov", KW_MONTH, 11},  {"dec", KW_MONTH, 12},
    {"am", KW_AMPM, 0},    {"pm", KW_AMPM, 12},   {"ut", KW_ZONE, 0},     {"utc", KW_ZONE, 0},
    {"z", KW_ZONE, 0},     {"gmt", KW_ZONE, 0},   {"cdt", KW_ZONE, -5},   {"cst", KW_ZONE, -6},
    {"edt", KW_ZONE, -4},  {"est", KW_ZONE, -5},  {"mdt", KW_ZONE, -6},   {"mst", KW_ZONE, -7},
    {"pdt", KW_ZONE, -7},  {"pst", KW_ZONE, -8},  {"t", KW_TSEP, 0},
};

static dp_token dp_scan(dp_scanner *sc)
{
    size_t pre = sc->index;
    if (sc->ch == 0)
        return (dp_token){TK_END, 0, -1};
    if (sc->ch >= '0' && sc->ch <= '9') {
        int n = 0, i = 0;
        while (sc->ch == '0') /* leading zeros are not significant digits */
            dp_next_char(sc);
        for (; sc->ch >= '0' && sc->ch <= '9'; i++, dp_next_char(sc))
            if (i < 9) /* kMaxSignificantDigits */
                n = n * 10 + sc->ch - '0';
        return (dp_token){TK_NUMBER, (int)(sc->index - pre), n};
    }
    if (sc->ch == ':' || sc->ch == '-' || sc->ch == '+' || sc->ch == '.' || sc->ch == ')') {
        int c = sc->ch;
        dp_next_char(sc);
        return (dp_token){TK_SYMBOL, 1, c};
    }
    if (sc->ch >= 'A') {
        char prefix[3] = {0, 0, 0};
        int len = 0;
        for (; sc->ch >= 'A'; dp_next_char(sc), len++)
            if (len < 3)
                prefix[len] = (char)(sc->ch | 0x20);
        for (size_t i = 0; i < sizeof dp_keywords / sizeof dp_keywords[0]; i++)
            if (memcmp(prefix, dp_keywords[i].prefix, 3) == 0 &&
                (len <= 3 || dp_keywords[i].type == KW_MONTH))
                return (dp_token){dp_keywords[i].type, len, dp_keywords[i].value};
        return (dp_token){KW_INVALID, len, 0};
    }
    if (sc->ch == ' ' || (sc->ch >= 0x09 && sc->ch <= 0x0D)) {
        dp_next_char(sc);
        return (dp_token){TK_SPACE, (int)(sc->index - pre), -1};
    }
    if (sc->ch == '(') {
        int balance = 0;
        do {
            if (sc->ch == ')')
                --balance;
            else if (sc->ch == '(')
                ++balance;
            dp_next_char(sc);
        } while (balance > 0 && sc->ch);
        return (dp_token){TK_UNKNOWN, 1, -1};
    }
    dp_next_char(sc);
    return (dp_token){TK_UNKNOWN, 1, -1};
}

static dp_token dp_take(dp_scanner *sc)
{
    dp_token t = sc->next;
    sc->next = dp_scan(sc);
    return t;
}

static bool tk_is_symbol(dp_token t, int c) { return t.tag == TK_SYMBOL && t.value == c; }
static bool tk_is_number(dp_token t) { return t.tag == TK_NUMBER; }
static bool tk_fixed(dp_token t, int len) { return t.tag == TK_NUMBER && t.length == len; }
static bool tk_is_sign(dp_token t) { return tk_is_symbol(t, '-') || tk_is_symbol(t, '+'); }
static int tk_sign(dp_token t) { return 44 - t.value; }
static bool tk_is_z(dp_token t) { return t.tag == KW_ZONE && t.length == 1 && t.value == 0; }

static bool dp_skip(dp_scanner *sc, int c)
{
    if (tk_is_symbol(sc->next, c)) {
        sc->next = dp_scan(sc);
        return true;
    }
    return false;
}

typedef struct dp_day {
    int comp[3], index, named_month;
    bool iso;
} dp_day;

typedef struct dp_time {
    int comp[4], index, hour_offset;
} dp_time;

typedef struct dp_zone {
    int sign, hour, minute;
} dp_zone;

static bool is_minute(int x) { return dp_between(x, 0, 59); }
static bool is_hour(int x) { return dp_between(x, 0, 23); }
static bool is_month(int x) { return dp_between(x, 1, 12); }
static bool is_day(int x) { return dp_between(x, 1, 31); }

static bool day_add(dp_day *d, int n)
{
    if (d->index >= 3)
        return false;
    d->comp[d->index++] = n;
    return true;
}

static bool time_add(dp_time *t, int n)
{
    if (t->index >= 4)
        return false;
    t->comp[t->index++] = n;
    return true;
}

static bool time_add_final(dp_time *t, int n)
{
    if (!time_add(t, n))
        return false;
    while (t->index < 4)
        t->comp[t->index++] = 0;
    return true;
}

static bool time_expecting(const dp_time *t, int n)
{
    return (t->index == 1 && is_minute(n)) || (t->index == 2 && is_minute(n)) ||
           (t->index == 3 && dp_between(n, 0, 999));
}

static bool zone_expecting(const dp_zone *z, int n)
{
    return z->hour != DP_NONE && z->minute == DP_NONE && is_minute(n);
}

static void zone_set(dp_zone *z, int offset_hours)
{
    z->sign = offset_hours < 0 ? -1 : 1;
    z->hour = offset_hours * z->sign;
    z->minute = 0;
}

static int read_milliseconds(dp_token t)
{
    int number = t.value, length = t.length;
    if (length == 1)
        number *= 100;
    else if (length == 2)
        number *= 10;
    else if (length > 3) {
        if (length > 9)
            length = 9;
        int factor = 1;
        do {
            factor *= 10;
            length--;
        } while (length > 3);
        number /= factor;
    }
    return number;
}

/* ParseES5DateTime: the next token for the legacy parser, TK_END when the
 * whole text was an ES5 date-time, TK_INVALID when it cannot be a date */
static dp_token parse_es5(dp_scanner *sc, dp_day *day, dp_time *time, dp_zone *tz)
{
    if (tk_is_sign(sc->next)) {
        dp_token sign_token = dp_take(sc);
        if (!tk_fixed(sc->next, 6))
            return sign_token;
        int sign = tk_sign(sign_token), year = dp_take(sc).value;
        if (sign < 0 && year == 0)
            return sign_token;
        day_add(day, sign * year);
    } else if (tk_fixed(sc->next, 4)) {
        day_add(day, dp_take(sc).value);
    } else {
        return dp_take(sc);
    }
    if (dp_skip(sc, '-')) {
        if (!tk_fixed(sc->next, 2) || !is_month(sc->next.value))
            return dp_take(sc);
        day_add(day, dp_take(sc).value);
        if (dp_skip(sc, '-')) {
            if (!tk_fixed(sc->next, 2) || !is_day(sc->next.value))
                return dp_take(sc);
            day_add(day, dp_take(sc).value);
        }
    }
    if (sc->next.tag != KW_TSEP) {
        if (sc->next.tag != TK_END)
            return dp_take(sc);
    } else {
        dp_take(sc);
        const dp_token invalid = {TK_INVALID, 0, -1};
        if (!tk_fixed(sc->next, 2) || !dp_between(sc->next.value, 0, 24))
            return invalid;
        bool hour_is_24 = sc->next.value == 24;
        time_add(time, dp_take(sc).value);
        if (!dp_skip(sc, ':'))
            return invalid;
        if (!tk_fixed(sc->next, 2) || !is_minute(sc->next.value) ||
            (hour_is_24 && sc->next.value > 0))
            return invalid;
        time_add(time, dp_take(sc).value);
        if (dp_skip(sc, ':')) {
            if (!tk_fixed(sc->next, 2) || !is_minute(sc->next.value) ||
                (hour_is_24 && sc->next.value > 0))
                return invalid;
            time_add(time, dp_take(sc).value);
            if (dp_skip(sc, '.')) {
                if (!tk_is_number(sc->next) || (hour_is_24 && sc->next.value > 0))
                    return invalid;
                time_add(time, read_milliseconds(dp_take(sc)));
            }
        }
        if (tk_is_z(sc->next)) {
            dp_take(sc);
            zone_set(tz, 0);
        } else if (tk_is_sign(sc->next)) {
            tz->sign = dp_take(sc).value == '+' ? 1 : -1;
            if (tk_fixed(sc->next, 4)) {
                int hourmin = dp_take(sc).value, hour = hourmin / 100, min = hourmin % 100;
                if (!is_hour(hour) || !is_minute(min))
                    return invalid;
                tz->hour = hour, tz->minute = min;
            } else {
                if (!tk_fixed(sc->next, 2) || !is_hour(sc->next.value))
                    return invalid;
                tz->hour = dp_take(sc).value;
                if (!dp_skip(sc, ':'))
                    return invalid;
                if (!tk_fixed(sc->next, 2) || !is_minute(sc->next.value))
                    return invalid;
                tz->minute = dp_take(sc).value;
            }
        }
        if (sc->next.tag != TK_END)
            return invalid;
    }
    /* date-only forms without an offset are UTC */
    if (tz->hour == DP_NONE && time->index == 0)
        zone_set(tz, 0);
    day->iso = true;
    return (dp_token){TK_END, 0, -1};
}

static bool day_write(dp_day *d, double out[3])
{
    if (d->index < 1)
        return false;
    while (d->index < 3)
        d->comp[d->index++] = 1;
    int year = 0, month = DP_NONE, day = DP_NONE;
    if (d->named_month == DP_NONE) {
        if (d->iso || (d->index == 3 && !is_day(d->comp[0]))) {
            year = d->comp[0], month = d->comp[1], day = d->comp[2];
        } else {
            month = d->comp[0], day = d->comp[1];
            if (d->index == 3)
                year = d->comp[2];
        }
    } else {
        month = d->named_month;
        if (d->index == 1) {
            day = d->comp[0];
        } else if (!is_day(d->comp[0])) {
            year = d->comp[0], day = d->comp[1];
        } else {
            day = d->comp[0], year = d->comp[1];
        }
    }
    if (!d->iso) {
        if (dp_between(year, 0, 49))
            year += 2000;
        else if (dp_between(year, 50, 99))
            year += 1900;
    }
    if (!is_month(month) || !is_day(day))
        return false;
    out[0] = year, out[1] = month - 1, out[2] = day;
    return true;
}

static bool time_write(dp_time *t, double out[4])
{
    while (t->index < 4)
        t->comp[t->index++] = 0;
    int hour = t->comp[0], minute = t->comp[1], second = t->comp[2], ms = t->comp[3];
    if (t->hour_offset != DP_NONE) {
        if (!dp_between(hour, 0, 12))
            return false;
        hour %= 12;
        hour += t->hour_offset;
    }
    if (!is_hour(hour) || !is_minute(minute) || !is_minute(second) || !dp_between(ms, 0, 999)) {
        /* 24:00:00.000 is allowed */
        if (hour != 24 || minute != 0 || second != 0 || ms != 0)
            return false;
    }
    out[0] = hour, out[1] = minute, out[2] = second, out[3] = ms;
    return true;
}

/* the UTC offset in seconds, or NaN when there is none */
static bool zone_write(dp_zone *z, double *offset)
{
    if (z->sign == DP_NONE) {
        *offset = NAN;
        return true;
    }
    if (z->hour == DP_NONE)
        z->hour = 0;
    if (z->minute == DP_NONE)
        z->minute = 0;
    unsigned total = (unsigned)z->hour * 3600U + (unsigned)z->minute * 60U;
    if (total > 0x3FFFFFFFu) /* Smi::kMaxValue */
        return false;
    *offset = z->sign < 0 ? -(double)total : (double)total;
    return true;
}

static double date_parse(const char *s, size_t len)
{
    dp_scanner sc = {.s = (const unsigned char *)s, .len = len};
    dp_next_char(&sc);
    sc.next = dp_scan(&sc);
    dp_day day = {.named_month = DP_NONE};
    dp_time time = {.hour_offset = DP_NONE};
    dp_zone tz = {.sign = DP_NONE, .hour = DP_NONE, .minute = DP_NONE};

    dp_token token = parse_es5(&sc, &day, &time, &tz);
    if (token.tag == TK_INVALID)
        return NAN;
    bool has_read_number = day.index > 0;
    for (; token.tag != TK_END; token = dp_take(&sc)) {
        if (tk_is_number(token)) {
            has_read_number = true;
            int n = token.value;
            if (dp_skip(&sc, ':')) {
                if (dp_skip(&sc, ':')) {
                    if (time.index != 0)
                        return NAN;
                    time_add(&time, n);
                    time_add(&time, 0);
                } else {
                    if (!time_add(&time, n))
                        return NAN;
                    if (tk_is_symbol(sc.next, '.'))
                        dp_take(&sc);
                }
            } else if (dp_skip(&sc, '.') && time_expecting(&time, n)) {
                time_add(&time, n);
                if (!tk_is_number(sc.next))
                    return NAN;
                int ms = read_milliseconds(dp_take(&sc));
                if (ms < 0)
                    return NAN;
                time_add_final(&time, ms);
            } else if (zone_expecting(&tz, n)) {
                tz.minute = n;
            } else if (time_expecting(&time, n)) {
                time_add_final(&time, n);
                dp_token peek = sc.next;
                if (peek.tag != TK_END && peek.tag != TK_SPACE && !tk_is_z(peek) &&
                    !tk_is_sign(peek))
                    return NAN;
            } else {
                if (!day_add(&day, n))
                    return NAN;
                dp_skip(&sc, '-');
            }
        } else if (token.tag >= 0) {
            if (token.tag == KW_AMPM && time.index != 0) {
                time.hour_offset = token.value;
            } else if (token.tag == KW_MONTH) {
                day.named_month = token.value;
                dp_skip(&sc, '-');
            } else if (token.tag == KW_ZONE && has_read_number) {
                zone_set(&tz, token.value);
            } else {
                if (has_read_number)
                    return NAN;
                if (tk_is_number(sc.next))
                    return NAN;
            }
        } else if (tk_is_sign(token) && ((tz.hour == 0 && tz.minute == 0) || time.index != 0)) {
            tz.sign = tk_sign(token) < 0 ? -1 : 1;
            int n = 0, length = 0;
            if (tk_is_number(sc.next)) {
                dp_token num = dp_take(&sc);
                length = num.length;
                n = num.value;
            }
            has_read_number = true;
            if (tk_is_symbol(sc.next, ':')) {
                tz.hour = n;
                tz.minute = DP_NONE;
            } else if (length == 2 || length == 1) {
                tz.hour = n;
                tz.minute = 0;
            } else if (length == 4 || length == 3) {
                tz.hour = n / 100;
                tz.minute = n % 100;
            } else {
                return NAN;
            }
        } else if ((tk_is_sign(token) || tk_is_symbol(token, ')')) && has_read_number) {
            return NAN;
        }
    }
    double d[3], t[4], offset;
    if (!day_write(&day, d) || !time_write(&time, t) || !zone_write(&tz, &offset))
        return NAN;
    double date = make_date(make_day(d[0], d[1], d[2]), make_time(t[0], t[1], t[2], t[3]));
    if (isnan(offset)) { /* local time: UTC here */
        if (date < -MAX_TIME_MS - 864000000.0 || date > MAX_TIME_MS + 864000000.0)
            return NAN;
    } else {
        date -= offset * 1000.0;
        if (date < -MAX_TIME_MS || date > MAX_TIME_MS)
            return NAN;
    }
    return time_clip(date);
}

/* ---- the functions ---- */

static jn_val *arg_at(jn_val **argv, int argc, int i)
{
    return i < argc ? argv[i] : NULL;
}

static _Noreturn void picture_undefined(jn_ctx *cx)
{
    js_error(cx, "Cannot read properties of undefined (reading 'lastIndexOf')");
}

/* $formatInteger(number, picture) '<n-s:s>' */
static jn_val *fn_format_integer(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *value = arg_at(argv, argc, 0), *picture = arg_at(argv, argc, 1);
    if (!value)
        return NULL;
    if (!jn_is_str(picture))
        picture_undefined(cx);
    return jn_u16_to_val(cx, format_integer(cx, value->u.n, jn_u16_of(cx, picture)));
}

/* $parseInteger(string, picture) '<s-s:n>' */
static jn_val *fn_parse_integer(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *value = arg_at(argv, argc, 0), *picture = arg_at(argv, argc, 1);
    if (!value)
        return NULL;
    if (!jn_is_str(picture))
        picture_undefined(cx);
    int_format f;
    analyse_integer_picture(cx, jn_u16_of(cx, picture), &f);
    if (f.primary == PF_SEQUENCE)
        jn_throw(cx, "D3130", jn_u16_to_val(cx, f.token));
    return jn_num(cx, parse_integer_with(cx, &f, jn_u16_of(cx, value)));
}

/* $toMillis(timestamp, picture) '<s-s?:n>' */
static jn_val *fn_to_millis(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *timestamp = arg_at(argv, argc, 0), *picture = arg_at(argv, argc, 1);
    if (!timestamp)
        return NULL;
    if (picture)
        return parse_datetime(cx, timestamp, picture);
    pthread_once(&iso8601_once, iso8601_init);
    if (!re_exec(cx, iso8601_code, NULL, 0, timestamp->u.s.p, timestamp->u.s.len))
        jn_throw(cx, "D3110", timestamp);
    return jn_num(cx, date_parse(timestamp->u.s.p, timestamp->u.s.len));
}

/* $fromMillis(number, picture, timezone) '<n-s?s?:s>' */
static jn_val *fn_from_millis(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *millis = arg_at(argv, argc, 0);
    if (!millis)
        return NULL;
    return format_datetime(cx, millis->u.n, arg_at(argv, argc, 1), arg_at(argv, argc, 2));
}

const jn_builtin jn_builtins_datetime[] = {
    {"formatInteger", fn_format_integer, "<n-s:s>"},
    {"parseInteger", fn_parse_integer, "<s-s:n>"},
    {"toMillis", fn_to_millis, "<s-s?:n>"},
    {"fromMillis", fn_from_millis, "<n-s?s?:s>"},
    {NULL, NULL, NULL},
};
