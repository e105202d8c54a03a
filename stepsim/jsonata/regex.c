/* regex.c - JSONata regular expressions: JavaScript patterns with PCRE2.
 *
 * The reference builds its regex literals with `new RegExp(pattern, flags +
 * "g")` (ES2018+, no `u` flag, the web-compatibility grammar of Annex B). This
 * file parses that grammar and writes an equivalent PCRE2 pattern (8-bit, UTF)
 * in which every construct is spelt out, so that no PCRE2 default leaks in:
 *
 * - `.` excludes only \n \r U+2028 U+2029; `[^]` is any character, `[]` none;
 * - `^` and `$` without `m` are the start and the very end of the subject
 *   (`$` never matches before a final newline); with `m` they also match after
 *   or before any of JavaScript's four line terminators;
 * - \d \w \b are ASCII; \s is JavaScript's WhiteSpace and LineTerminator set
 *   (U+00A0, U+FEFF, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 *   U+3000 besides the ASCII ones);
 * - escapes: \uXXXX (a surrogate pair of escapes is one character), \xHH, \cX,
 *   \0 and the legacy octal escapes, \1..\n backreferences only up to the
 *   number of groups (otherwise octal, or the digit itself), `\k<name>` only
 *   when the pattern has named groups (otherwise `k`), an unknown escape is the
 *   character itself (`\q` is `q`, `\u{41}` is `u{41}`: a quantifier);
 * - a `{` that does not start a well-formed quantifier is a literal;
 * - named groups become numbered groups (JavaScript numbers them the same way),
 *   so any JavaScript group name is accepted;
 * - a backreference to a group that has not matched matches the empty string
 *   (PCRE2_MATCH_UNSET_BACKREF);
 * - `i` follows JavaScript's Canonicalize for patterns without `u`: two
 *   characters match when their toUpperCase (ICU's, as V8's) is the same
 *   single UTF-16 unit, and a non-ASCII character never matches an ASCII one
 *   (`/s/i` does not match U+017F, `/k/i` not U+212A). Literals and classes are
 *   expanded into the characters that match them; PCRE2_CASELESS is never set
 *   (a backreference under `i` is the one place PCRE2's own caseless matching
 *   is used).
 *
 * What UTF-8 cannot express: JavaScript without `u` sees UTF-16 units, so a
 * character outside the BMP is two units to it (`.` matches half of it, a
 * quantifier after it repeats its second half). Here such a character is one
 * character, as with the `u` flag; indices handed to JSONata (`start`, `end`,
 * `index`) are counted in UTF-16 units, as the reference's are. PCRE2 10.42
 * refuses lookbehinds of unbounded length (`(?<=a+)`) and counted repeats over
 * 65535, which JavaScript accepts: those patterns do not compile here.
 *
 * Ownership: a compiled jn_regex belongs to whoever compiled it (the parsed
 * expression). The `next` of a match object is a jn_regex in the arena that
 * borrows its literal's compiled code. Match data lives only inside
 * jn_regex_exec (created and freed there; nothing between can unwind).
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "stepsim/jsonata/context.h"
#include "stepsim/jsonata/value.h"

struct jn_regex {
    pcre2_code *code;  /* NULL in a continuation: see base */
    char *source;      /* JavaScript's RegExp#source (heap; a continuation borrows) */
    uint32_t ngroups;
    /* The `next` of a match object: continues the search of `base` in subj. */
    const jn_regex *base;
    const char *subj;
    size_t slen;
    size_t last; /* byte offset where the previous match ended */
    double last16; /* the same in UTF-16 units */
};

/* ---- JavaScript's case-insensitive equivalence (Canonicalize, no `u`) ---- */

/* canon_link[c]: the next BMP unit of c's equivalence class, a cycle (c itself
 * when c matches only itself). */
static uint16_t canon_link[0x10000];
static pthread_once_t canon_once = PTHREAD_ONCE_INIT;

static void canon_build(void)
{
    uint16_t *canon = stc_xmalloc(sizeof(uint16_t) * 0x10000);
    int32_t *first = stc_xmalloc(sizeof(int32_t) * 0x10000);
    for (uint32_t c = 0; c < 0x10000; c++) {
        uint32_t cu = c;
        if (c < 0xD800 || c > 0xDFFF) {
            UChar src = (UChar)c, dst[8];
            UErrorCode st = U_ZERO_ERROR;
            int32_t n = u_strToUpper(dst, 8, &src, 1, "", &st);
            if (U_SUCCESS(st) && n == 1)
                cu = dst[0];
            if (c >= 128 && cu < 128)
                cu = c;
        }
        canon[c] = (uint16_t)cu;
        first[c] = -1;
        canon_link[c] = (uint16_t)c;
    }
    for (uint32_t c = 0; c < 0x10000; c++) {
        uint16_t v = canon[c];
        if (first[v] < 0) {
            first[v] = (int32_t)c;
        } else {
            uint16_t head = (uint16_t)first[v];
            canon_link[c] = canon_link[head];
            canon_link[head] = (uint16_t)c;
        }
    }
    free(canon);
    free(first);
}

/* ---- code point ranges (character classes) ---- */

typedef struct range {
    uint32_t lo, hi;
} range;

typedef struct rset {
    range *r;
    size_t n, cap;
} rset;

static void rs_add(rset *s, uint32_t lo, uint32_t hi)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->r = stc_xrealloc(s->r, s->cap * sizeof *s->r);
    }
    s->r[s->n].lo = lo;
    s->r[s->n].hi = hi;
    s->n++;
}

static int range_cmp(const void *a, const void *b)
{
    const range *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Sort and merge overlapping or adjacent ranges. */
static void rs_normalize(rset *s)
{
    if (s->n < 2)
        return;
    qsort(s->r, s->n, sizeof *s->r, range_cmp);
    size_t w = 0;
    for (size_t i = 1; i < s->n; i++) {
        if (s->r[i].lo <= s->r[w].hi + 1) {
            if (s->r[i].hi > s->r[w].hi)
                s->r[w].hi = s->r[i].hi;
        } else {
            s->r[++w] = s->r[i];
        }
    }
    s->n = w + 1;
}

/* Add the complement of the normalized ranges `src` (within 0..10FFFF) to s. */
static void rs_add_complement(rset *s, const range *src, size_t n)
{
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (src[i].lo > next)
            rs_add(s, next, src[i].lo - 1);
        next = src[i].hi + 1;
    }
    if (next <= 0x10FFFF)
        rs_add(s, next, 0x10FFFF);
}

static const range digit_ranges[] = {{'0', '9'}};
static const range word_ranges[] = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
static const range space_ranges[] = {
    {0x09, 0x0D}, {0x20, 0x20}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF},
};

/* \d \D \w \W \s \S into s. */
static void rs_add_escape(rset *s, uint32_t esc)
{
    const range *r;
    size_t n;
    switch (esc | 0x20) {
    case 'd': r = digit_ranges, n = sizeof digit_ranges / sizeof *r; break;
    case 'w': r = word_ranges, n = sizeof word_ranges / sizeof *r; break;
    default: r = space_ranges, n = sizeof space_ranges / sizeof *r; break;
    }
    if (esc >= 'a') {
        for (size_t i = 0; i < n; i++)
            rs_add(s, r[i].lo, r[i].hi);
    } else {
        rs_add_complement(s, r, n);
    }
}

/* Under `i`: add every BMP unit equivalent to a member (s normalized before
 * and after). Characters outside the BMP have no case without `u`. */
static void rs_close_icase(rset *s)
{
    pthread_once(&canon_once, canon_build);
    uint64_t *bits = stc_xcalloc(0x10000 / 64, sizeof(uint64_t));
    size_t keep = 0;
    for (size_t i = 0; i < s->n; i++) {
        uint32_t lo = s->r[i].lo, hi = s->r[i].hi > 0xFFFF ? 0xFFFF : s->r[i].hi;
        for (uint32_t c = lo; c <= hi && c <= 0xFFFF; c++) {
            uint32_t m = c;
            do {
                bits[m >> 6] |= (uint64_t)1 << (m & 63);
                m = canon_link[m];
            } while (m != c);
        }
        if (s->r[i].hi > 0xFFFF) /* the part above the BMP stays as it is */
            s->r[keep++] = (range){s->r[i].lo > 0x10000 ? s->r[i].lo : 0x10000, s->r[i].hi};
    }
    s->n = keep;
    for (uint32_t c = 0; c < 0x10000;) {
        if (!(bits[c >> 6] >> (c & 63) & 1)) {
            c++;
            continue;
        }
        uint32_t lo = c;
        while (c < 0x10000 && (bits[c >> 6] >> (c & 63) & 1))
            c++;
        rs_add(s, lo, c - 1);
    }
    free(bits);
    rs_normalize(s);
}

/* ---- the translator ---- */

typedef struct gname {
    char *name; /* UTF-8 */
    uint32_t num;
} gname;

typedef struct tr {
    const uint32_t *p; /* the pattern's code points */
    size_t n, i;
    bool icase, multiline;
    stc_buf out;
    uint32_t ncaps;   /* capturing groups in the whole pattern */
    gname *names;
    size_t nnames;
    int depth;
    size_t dup_at;    /* where a group repeats an earlier name (reported there) */
    const char *err;  /* JavaScript's reason, when the pattern is refused */
} tr;

#define TR_MAX_DEPTH 200

static bool tr_fail(tr *t, const char *why)
{
    if (!t->err)
        t->err = why;
    return false;
}

static uint32_t tr_at(const tr *t, size_t i) { return i < t->n ? t->p[i] : (uint32_t)-1; }

static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static bool is_octal(uint32_t c) { return c >= '0' && c <= '7'; }

static int hexval(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (int)((c | 0x20) - 'a' + 10);
    return -1;
}

/* `count` hex digits at i, or -1. */
static long hex_at(const tr *t, size_t i, int count)
{
    long v = 0;
    for (int k = 0; k < count; k++) {
        int h = hexval(tr_at(t, i + (size_t)k));
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Whether a well-formed {n}, {n,} or {n,m} starts at i; its end in *end. */
static bool brace_quantifier_at(const tr *t, size_t i, size_t *end, double *min, double *max)
{
    if (tr_at(t, i) != '{' || !is_digit(tr_at(t, i + 1)))
        return false;
    size_t k = i + 1;
    double a = 0, b;
    while (is_digit(tr_at(t, k)))
        a = a * 10 + (tr_at(t, k++) - '0');
    b = a;
    if (tr_at(t, k) == ',') {
        k++;
        if (is_digit(tr_at(t, k))) {
            b = 0;
            while (is_digit(tr_at(t, k)))
                b = b * 10 + (tr_at(t, k++) - '0');
        } else {
            b = INFINITY;
        }
    }
    if (tr_at(t, k) != '}')
        return false;
    *end = k + 1;
    *min = a;
    *max = b;
    return true;
}

static bool quantifier_at(const tr *t, size_t i)
{
    uint32_t c = tr_at(t, i);
    size_t e;
    double a, b;
    return c == '*' || c == '+' || c == '?' || brace_quantifier_at(t, i, &e, &a, &b);
}

static void emit_cp(tr *t, uint32_t c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        stc_buf_putc(&t->out, (char)c);
    else
        stc_buf_printf(&t->out, "\\x{%X}", c);
}

/* A class from normalized ranges; surrogates are left out (they never occur
 * in UTF-8 text). */
static void emit_class(tr *t, rset *s, bool negated)
{
    rset c = {0};
    /* a character outside the BMP is in the class when both of its UTF-16
     * units are ([\uD800-\uDFFF] and [^] take them whole, [^\uD800-\uDFFF]
     * none of them) */
    for (size_t i = 0; i < s->n; i++) {
        uint32_t hlo = s->r[i].lo < 0xD800 ? 0xD800 : s->r[i].lo;
        uint32_t hhi = s->r[i].hi > 0xDBFF ? 0xDBFF : s->r[i].hi;
        for (uint32_t h = hlo; h <= hhi; h++) {
            for (size_t k = 0; k < s->n; k++) {
                uint32_t llo = s->r[k].lo < 0xDC00 ? 0xDC00 : s->r[k].lo;
                uint32_t lhi = s->r[k].hi > 0xDFFF ? 0xDFFF : s->r[k].hi;
                if (llo <= lhi) {
                    uint32_t base = 0x10000 + ((h - 0xD800) << 10) - 0xDC00;
                    rs_add(&c, base + llo, base + lhi);
                }
            }
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        uint32_t lo = s->r[i].lo, hi = s->r[i].hi;
        if (hi < 0xD800 || lo > 0xDFFF) {
            rs_add(&c, lo, hi);
            continue;
        }
        if (lo < 0xD800)
            rs_add(&c, lo, 0xD7FF);
        if (hi > 0xDFFF)
            rs_add(&c, 0xE000, hi);
    }
    rs_normalize(&c);
    if (c.n == 0) {
        /* [] matches nothing, [^] anything */
        stc_buf_puts(&t->out, negated ? "[\\x{0}-\\x{D7FF}\\x{E000}-\\x{10FFFF}]"
                                      : "[^\\x{0}-\\x{D7FF}\\x{E000}-\\x{10FFFF}]");
        free(c.r);
        return;
    }
    stc_buf_puts(&t->out, negated ? "[^" : "[");
    for (size_t i = 0; i < c.n; i++) {
        emit_cp(t, c.r[i].lo);
        if (c.r[i].hi != c.r[i].lo) {
            if (c.r[i].hi > c.r[i].lo + 1)
                stc_buf_putc(&t->out, '-');
            emit_cp(t, c.r[i].hi);
        }
    }
    stc_buf_putc(&t->out, ']');
    free(c.r);
}

/* One literal character (a surrogate alone can never match UTF-8 text). */
static void emit_literal(tr *t, uint32_t c)
{
    if (c >= 0xD800 && c <= 0xDFFF) {
        rset none = {0};
        emit_class(t, &none, false);
        return;
    }
    if (t->icase && c <= 0xFFFF) {
        pthread_once(&canon_once, canon_build);
        if (canon_link[c] != c) {
            rset s = {0};
            uint32_t m = c;
            do {
                rs_add(&s, m, m);
                m = canon_link[m];
            } while (m != c);
            rs_normalize(&s);
            emit_class(t, &s, false);
            free(s.r);
            return;
        }
    }
    emit_cp(t, c);
}

/* A legacy octal escape at t->i (the first digit, 0-7): up to three digits,
 * at most 0377. */
static uint32_t legacy_octal(tr *t)
{
    uint32_t v = tr_at(t, t->i++) - '0';
    int max = v <= 3 ? 3 : 2;
    for (int k = 1; k < max && is_octal(tr_at(t, t->i)); k++)
        v = v * 8 + (tr_at(t, t->i++) - '0');
    return v;
}

/* \uXXXX at t->i (after the backslash, on the `u`); a high surrogate escape
 * followed by a low one is one character. -1 when not four hex digits. */
static long unicode_escape(tr *t)
{
    long v = hex_at(t, t->i + 1, 4);
    if (v < 0)
        return -1;
    t->i += 5;
    if (v >= 0xD800 && v <= 0xDBFF && tr_at(t, t->i) == '\\' && tr_at(t, t->i + 1) == 'u') {
        long lo = hex_at(t, t->i + 2, 4);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
            t->i += 6;
            v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        }
    }
    return v;
}

/* The character escapes shared by atoms and classes, at t->i (after the
 * backslash). Returns the character, or -1 when the escape is something else. */
static long char_escape(tr *t, bool in_class)
{
    uint32_t c = tr_at(t, t->i);
    switch (c) {
    case 'f': t->i++; return '\f';
    case 'n': t->i++; return '\n';
    case 'r': t->i++; return '\r';
    case 't': t->i++; return '\t';
    case 'v': t->i++; return '\v';
    case 'c': {
        uint32_t l = tr_at(t, t->i + 1);
        bool letter = (l | 0x20) >= 'a' && (l | 0x20) <= 'z';
        if (letter || (in_class && (is_digit(l) || l == '_'))) {
            t->i += 2;
            return l % 32;
        }
        return '\\'; /* a lone backslash; the `c` is read next */
    }
    case 'x': {
        long v = hex_at(t, t->i + 1, 2);
        if (v < 0) {
            t->i++;
            return 'x';
        }
        t->i += 3;
        return v;
    }
    case 'u': {
        long v = unicode_escape(t);
        if (v < 0) {
            t->i++;
            return 'u';
        }
        return v;
    }
    case '0':
        if (!is_octal(tr_at(t, t->i + 1))) {
            t->i++;
            return 0;
        }
        return legacy_octal(t);
    default:
        if (is_octal(c))
            return legacy_octal(t);
        return -1;
    }
}

/* A group name `<name>` at t->i (on the `<`), as UTF-8 (heap). NULL when it
 * is not a valid RegExpIdentifierName. */
static char *group_name(tr *t)
{
    if (tr_at(t, t->i) != '<')
        return NULL;
    size_t k = t->i + 1;
    stc_buf name = STC_BUF_INIT;
    bool first = true;
    for (;;) {
        uint32_t c = tr_at(t, k);
        if (c == '>' && !first)
            break;
        if (c == '\\' && tr_at(t, k + 1) == 'u') {
            tr sub = *t;
            sub.i = k + 1;
            long v = unicode_escape(&sub);
            if (v < 0)
                goto bad;
            c = (uint32_t)v;
            k = sub.i;
        } else {
            k++;
        }
        bool ok = c == '$' || c == '_' ||
                  (c != (uint32_t)-1 && u_hasBinaryProperty((UChar32)c, first ? UCHAR_ID_START
                                                                                 : UCHAR_ID_CONTINUE)) ||
                  (!first && (c == 0x200C || c == 0x200D));
        if (!ok)
            goto bad;
        char u[4];
        stc_buf_add(&name, u, (size_t)stc_utf8_encode(c, u));
        first = false;
    }
    t->i = k + 1;
    return stc_buf_take(&name);
bad:
    stc_buf_free(&name);
    return NULL;
}

/* First pass: count the capturing groups and collect the names, as the
 * grammar needs both before the pattern is read (\2 and \k<n> may refer
 * forward). */
static bool tr_prescan(tr *t)
{
    bool in_class = false;
    for (size_t i = 0; i < t->n; i++) {
        uint32_t c = t->p[i];
        if (c == '\\') {
            i++;
        } else if (in_class) {
            if (c == ']')
                in_class = false;
        } else if (c == '[') {
            in_class = true;
        } else if (c == '(') {
            if (tr_at(t, i + 1) != '?') {
                t->ncaps++;
            } else if (tr_at(t, i + 2) == '<' && tr_at(t, i + 3) != '=' && tr_at(t, i + 3) != '!') {
                t->ncaps++;
                tr sub = *t;
                sub.i = i + 2;
                char *name = group_name(&sub);
                if (!name)
                    return tr_fail(t, "Invalid capture group name");
                bool dup = false;
                for (size_t k = 0; k < t->nnames && !dup; k++)
                    dup = !strcmp(t->names[k].name, name);
                if (dup) {
                    if (t->dup_at == (size_t)-1)
                        t->dup_at = i;
                    free(name);
                    continue;
                }
                t->names = stc_xrealloc(t->names, (t->nnames + 1) * sizeof *t->names);
                t->names[t->nnames].name = name;
                t->names[t->nnames].num = t->ncaps;
                t->nnames++;
            }
        }
    }
    return true;
}

static void emit_backref(tr *t, uint32_t n)
{
    stc_buf_printf(&t->out, t->icase ? "(?i:\\g{%u})" : "(?:\\g{%u})", n);
}

/* One class atom at t->i: a character (returned) or an escape set (added to
 * `set`, returns -2). -1 on error. */
static long class_atom(tr *t, rset *set)
{
    uint32_t c = tr_at(t, t->i);
    if (c != '\\') {
        t->i++;
        return c;
    }
    t->i++;
    uint32_t e = tr_at(t, t->i);
    if (e == (uint32_t)-1)
        return tr_fail(t, "\\ at end of pattern"), -1;
    switch (e) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
        t->i++;
        rs_add_escape(set, e);
        return -2;
    case 'b':
        t->i++;
        return '\b';
    default: {
        long v = char_escape(t, true);
        if (v >= 0)
            return v;
        t->i++; /* identity escape: \- \8 \k ... */
        return e;
    }
    }
}

static bool parse_class(tr *t)
{
    t->i++; /* [ */
    bool negated = false;
    if (tr_at(t, t->i) == '^') {
        negated = true;
        t->i++;
    }
    rset s = {0};
    for (;;) {
        uint32_t c = tr_at(t, t->i);
        if (c == (uint32_t)-1) {
            free(s.r);
            return tr_fail(t, "Unterminated character class");
        }
        if (c == ']') {
            t->i++;
            break;
        }
        long a = class_atom(t, &s);
        if (a == -1)
            break;
        if (tr_at(t, t->i) == '-' && tr_at(t, t->i + 1) != ']' && t->i + 1 < t->n) {
            t->i++;
            long b = class_atom(t, &s);
            if (b == -1)
                break;
            if (a == -2 || b == -2) { /* Annex B: [\d-z] is \d, '-' and z */
                if (a >= 0)
                    rs_add(&s, (uint32_t)a, (uint32_t)a);
                if (b >= 0)
                    rs_add(&s, (uint32_t)b, (uint32_t)b);
                rs_add(&s, '-', '-');
            } else if (a > b) {
                free(s.r);
                return tr_fail(t, "Range out of order in character class");
            } else {
                rs_add(&s, (uint32_t)a, (uint32_t)b);
            }
        } else if (a >= 0) {
            rs_add(&s, (uint32_t)a, (uint32_t)a);
        }
    }
    if (t->err) {
        free(s.r);
        return false;
    }
    rs_normalize(&s);
    if (t->icase)
        rs_close_icase(&s);
    emit_class(t, &s, negated);
    free(s.r);
    return true;
}

static bool parse_disjunction(tr *t);

/* An escape outside a class at t->i (on the backslash). */
static bool parse_atom_escape(tr *t)
{
    t->i++;
    uint32_t e = tr_at(t, t->i);
    if (e == (uint32_t)-1)
        return tr_fail(t, "\\ at end of pattern");
    switch (e) {
    case 'd': case 'D': case 'w': case 'W': case 's': case 'S': {
        rset s = {0};
        t->i++;
        rs_add_escape(&s, e);
        rs_normalize(&s);
        emit_class(t, &s, false);
        free(s.r);
        return true;
    }
    case 'k':
        if (t->nnames) {
            tr sub = *t;
            sub.i = t->i + 1;
            char *name = group_name(&sub);
            if (!name)
                return tr_fail(t, "Invalid named reference");
            for (size_t k = 0; k < t->nnames; k++) {
                if (!strcmp(t->names[k].name, name)) {
                    free(name);
                    t->i = sub.i;
                    emit_backref(t, t->names[k].num);
                    return true;
                }
            }
            free(name);
            return tr_fail(t, "Invalid named capture referenced");
        }
        t->i++;
        emit_literal(t, 'k');
        return true;
    default:
        break;
    }
    if (e >= '1' && e <= '9') {
        /* a backreference when the number names a group, else Annex B's octal
         * escape or the digit itself */
        size_t k = t->i;
        double n = 0;
        while (is_digit(tr_at(t, k)))
            n = n * 10 + (tr_at(t, k++) - '0');
        if (n <= t->ncaps) {
            t->i = k;
            emit_backref(t, (uint32_t)n);
            return true;
        }
        if (e >= '8') {
            t->i++;
            emit_literal(t, e);
            return true;
        }
    }
    long v = char_escape(t, false);
    if (v < 0) {
        t->i++;
        v = e; /* identity escape */
    }
    emit_literal(t, (uint32_t)v);
    return true;
}

static bool parse_group(tr *t, bool *quantifiable)
{
    uint32_t c1 = tr_at(t, t->i + 1), c2 = tr_at(t, t->i + 2);
    const char *close = ")";
    bool dup = false;
    if (c1 != '?') {
        t->i++;
        stc_buf_putc(&t->out, '(');
    } else if (c2 == '=' || c2 == '!') {
        /* Annex B lets a lookahead be quantified: wrap it as one atom */
        t->i += 3;
        stc_buf_puts(&t->out, c2 == '=' ? "(?:(?=" : "(?:(?!");
        close = "))";
    } else if (c2 == ':') {
        t->i += 3;
        stc_buf_puts(&t->out, "(?:");
    } else if (c2 == '<' && (tr_at(t, t->i + 3) == '=' || tr_at(t, t->i + 3) == '!')) {
        stc_buf_puts(&t->out, tr_at(t, t->i + 3) == '=' ? "(?<=" : "(?<!");
        t->i += 4;
        *quantifiable = false;
    } else if (c2 == '<') {
        dup = t->i == t->dup_at; /* V8 says so when the group closes */
        t->i += 2;
        char *name = group_name(t); /* checked by the prescan */
        if (!name)
            return tr_fail(t, "Invalid capture group name");
        free(name);
        stc_buf_putc(&t->out, '(');
    } else {
        return tr_fail(t, "Invalid group");
    }
    if (!parse_disjunction(t))
        return false;
    if (tr_at(t, t->i) != ')')
        return tr_fail(t, "Unterminated group");
    if (dup)
        return tr_fail(t, "Duplicate capture group name");
    t->i++;
    stc_buf_puts(&t->out, close);
    return true;
}

static bool parse_term(tr *t)
{
    uint32_t c = tr_at(t, t->i);
    bool quantifiable = true, assertion = false;
    switch (c) {
    case '^':
        t->i++;
        stc_buf_puts(&t->out, t->multiline ? "(?:^|(?<=[\\n\\r\\x{2028}\\x{2029}]))" : "^");
        assertion = true;
        break;
    case '$':
        t->i++;
        stc_buf_puts(&t->out, t->multiline ? "(?=[\\n\\r\\x{2028}\\x{2029}]|\\z)" : "\\z");
        assertion = true;
        break;
    case '\\':
        if (tr_at(t, t->i + 1) == 'b' || tr_at(t, t->i + 1) == 'B') {
            stc_buf_puts(&t->out, tr_at(t, t->i + 1) == 'b' ? "\\b" : "\\B");
            t->i += 2;
            assertion = true;
        } else if (!parse_atom_escape(t)) {
            return false;
        }
        break;
    case '(':
        if (!parse_group(t, &quantifiable))
            return false;
        break;
    case '.':
        t->i++;
        stc_buf_puts(&t->out, "[^\\n\\r\\x{2028}\\x{2029}]");
        break;
    case '[':
        if (!parse_class(t))
            return false;
        break;
    case '*':
    case '+':
    case '?':
        return tr_fail(t, "Nothing to repeat");
    case '{':
        if (quantifier_at(t, t->i))
            return tr_fail(t, "Nothing to repeat");
        t->i++;
        emit_literal(t, c);
        break;
    default:
        t->i++;
        emit_literal(t, c);
        break;
    }
    if (!quantifier_at(t, t->i))
        return true;
    if (assertion)
        return tr_fail(t, "Nothing to repeat");
    if (!quantifiable)
        return tr_fail(t, "Invalid quantifier");
    c = tr_at(t, t->i);
    if (c == '{') {
        size_t end;
        double a, b;
        brace_quantifier_at(t, t->i, &end, &a, &b);
        if (a > b)
            return tr_fail(t, "numbers out of order in {} quantifier");
        if (a > 65535 || (b > 65535 && b != INFINITY))
            return tr_fail(t, "number too large in {} quantifier (PCRE2 counts up to 65535)");
        if (b == INFINITY)
            stc_buf_printf(&t->out, "{%u,}", (unsigned)a);
        else if (a == b)
            stc_buf_printf(&t->out, "{%u}", (unsigned)a);
        else
            stc_buf_printf(&t->out, "{%u,%u}", (unsigned)a, (unsigned)b);
        t->i = end;
    } else {
        stc_buf_putc(&t->out, (char)c);
        t->i++;
    }
    if (tr_at(t, t->i) == '?') {
        stc_buf_putc(&t->out, '?');
        t->i++;
    }
    return true;
}

static bool parse_disjunction(tr *t)
{
    if (++t->depth > TR_MAX_DEPTH)
        return tr_fail(t, "Regular expression too large");
    for (;;) {
        while (t->i < t->n && t->p[t->i] != '|' && t->p[t->i] != ')')
            if (!parse_term(t))
                return false;
        if (tr_at(t, t->i) != '|')
            break;
        t->i++;
        stc_buf_putc(&t->out, '|');
    }
    t->depth--;
    return true;
}

/* JavaScript's RegExp#source: `/` outside a class escaped, line terminators
 * written as escapes. */
static char *js_source(const char *s, size_t len)
{
    stc_buf b = STC_BUF_INIT;
    bool in_class = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < len) {
            stc_buf_add(&b, s + i, 2);
            i++;
            continue;
        }
        if (c == '[')
            in_class = true;
        else if (c == ']')
            in_class = false;
        if (c == '/' && !in_class)
            stc_buf_puts(&b, "\\/");
        else if (c == '\n')
            stc_buf_puts(&b, "\\n");
        else if (c == '\r')
            stc_buf_puts(&b, "\\r");
        else if (i + 2 < len && !memcmp(s + i, "\xE2\x80\xA8", 3))
            stc_buf_puts(&b, "\\u2028"), i += 2;
        else if (i + 2 < len && !memcmp(s + i, "\xE2\x80\xA9", 3))
            stc_buf_puts(&b, "\\u2029"), i += 2;
        else
            stc_buf_putc(&b, c);
    }
    if (len == 0)
        stc_buf_puts(&b, "(?:)");
    return stc_buf_take(&b);
}

jn_regex *jn_regex_compile(const char *pattern, size_t len, const char *flags, char **err)
{
    *err = NULL;
    bool icase = false, multiline = false, bad_flags = false;
    for (const char *f = flags; *f; f++) {
        bool *which = *f == 'i' ? &icase : *f == 'm' ? &multiline : NULL;
        if (!which || *which)
            bad_flags = true;
        else
            *which = true;
    }
    char *source = js_source(pattern, len);
    /* V8 writes the flags in its own order, after the reference's g */
    const char *jsflags = icase && multiline ? "gim" : icase ? "gi" : multiline ? "gm" : "g";
    if (bad_flags) {
        *err = stc_xasprintf("Invalid flags supplied to RegExp constructor '%sg'", flags);
        free(source);
        return NULL;
    }

    tr t = {0};
    uint32_t *cps = stc_xmalloc((len + 1) * sizeof *cps);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += (size_t)stc_utf8_decode(pattern + i, len - i, &cp);
        cps[t.n++] = cp;
    }
    t.p = cps;
    t.dup_at = (size_t)-1;
    t.icase = icase;
    t.multiline = multiline;
    bool ok = tr_prescan(&t) && parse_disjunction(&t);
    if (ok && t.i < t.n)
        ok = tr_fail(&t, "Unmatched ')'");

    jn_regex *re = NULL;
    if (ok) {
        int code;
        PCRE2_SIZE off;
        pcre2_code *pc = pcre2_compile((PCRE2_SPTR)stc_buf_cstr(&t.out), t.out.len,
                                       PCRE2_UTF | PCRE2_MATCH_UNSET_BACKREF |
                                           PCRE2_NEVER_BACKSLASH_C,
                                       &code, &off, NULL);
        if (!pc) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            *err = stc_xasprintf("Invalid regular expression: /%s/%s: %s", source, jsflags,
                                 (const char *)msg);
        } else {
            pcre2_jit_compile(pc, PCRE2_JIT_COMPLETE); /* the interpreter when it cannot */
            re = stc_xcalloc(1, sizeof *re);
            re->code = pc;
            re->source = source;
            source = NULL;
            re->ngroups = t.ncaps;
        }
    } else {
        *err = stc_xasprintf("Invalid regular expression: /%s/%s: %s", source, jsflags, t.err);
    }
    for (size_t k = 0; k < t.nnames; k++)
        free(t.names[k].name);
    free(t.names);
    free(cps);
    stc_buf_free(&t.out);
    free(source);
    return re;
}

void jn_regex_free(jn_regex *re)
{
    if (!re)
        return;
    pcre2_code_free(re->code);
    free(re->source);
    free(re);
}

const char *jn_regex_source(const jn_regex *re) { return re->source; }

bool jn_regex_exec(jn_ctx *cx, const jn_regex *re, const char *s, size_t len, size_t from,
                   jn_match *m)
{
    if (re->base)
        re = re->base;
    if (from > len)
        return false;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re->code, NULL);
    uint32_t opts = from > 0 ? PCRE2_NO_UTF_CHECK : 0;
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, opts, md, NULL);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, from, opts | PCRE2_NO_JIT, md, NULL);
    if (rc < 0) {
        pcre2_match_data_free(md);
        if (rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL ||
            (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21))
            return false; /* text that is not UTF-8 never matches */
        if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
            rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
            jn_errinfo info = {.position = -1, .message = "Expression evaluation timeout: "
                                                          "Check for infinite loop"};
            jn_throw_x(cx, "U1001", &info);
        }
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(rc, msg, sizeof msg);
        jn_errinfo info = {.position = -1, .message = (const char *)msg};
        jn_throw_x(cx, "U1001", &info);
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    m->start = ov[0];
    m->end = ov[1];
    m->ngroups = re->ngroups;
    m->gstart = m->gend = NULL;
    if (re->ngroups) {
        m->gstart = jn_alloc(cx, re->ngroups * sizeof(size_t));
        m->gend = jn_alloc(cx, re->ngroups * sizeof(size_t));
        for (uint32_t g = 0; g < re->ngroups; g++) {
            bool set = (int)g + 1 < rc && ov[2 * (g + 1)] != PCRE2_UNSET;
            m->gstart[g] = set ? ov[2 * (g + 1)] : (size_t)-1;
            m->gend[g] = set ? ov[2 * (g + 1) + 1] : (size_t)-1;
        }
    }
    pcre2_match_data_free(md);
    return true;
}

/* ---- the reference's regex closure ---- */

size_t jn_str_u16len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80)
            n += c >= 0xF0 ? 2 : 1;
    }
    return n;
}

size_t jn_str_u16offset(const char *s, size_t len, double i)
{
    size_t off = 0;
    double u = 0;
    while (off < len && u < i) {
        unsigned char c = (unsigned char)s[off];
        u += c >= 0xF0 ? 2 : 1;
        off++;
        while (off < len && ((unsigned char)s[off] & 0xC0) == 0x80)
            off++;
    }
    return off;
}

jn_val *jn_regex_value(jn_ctx *cx, const jn_regex *re)
{
    jn_val *f = jn_func_new(cx, JN_FN_REGEX, (void *)re);
    f->u.f->arity = 2; /* closure(str, fromIndex) */
    return f;
}

const jn_regex *jn_regex_of(const jn_val *fn)
{
    if (!jn_is_func(fn) || fn->u.f->kind != JN_FN_REGEX)
        return NULL;
    const jn_regex *re = fn->u.f->impl;
    return re && !re->base ? re : NULL;
}

/* JavaScript's String(v) as text. */
static void js_string(jn_ctx *cx, const jn_val *v, const char **s, size_t *len)
{
    if (!v) {
        *s = "undefined", *len = 9;
        return;
    }
    switch ((jn_type)v->type) {
    case JN_STR:
        *s = v->u.s.p, *len = v->u.s.len;
        return;
    case JN_NULL:
        *s = "null", *len = 4;
        return;
    case JN_BOOL:
        *s = v->u.b ? "true" : "false", *len = v->u.b ? 4 : 5;
        return;
    case JN_NUM: {
        char out[32];
        size_t n = jn_num_format(v->u.n, out);
        *s = jn_strndup(cx, out, n), *len = n;
        return;
    }
    case JN_ARR: {
        stc_buf b = STC_BUF_INIT;
        for (size_t i = 0; i < v->u.a.len; i++) {
            const char *is;
            size_t il;
            if (i)
                stc_buf_putc(&b, ',');
            if (v->u.a.items[i]->type != JN_NULL) {
                js_string(cx, v->u.a.items[i], &is, &il);
                stc_buf_add(&b, is, il);
            }
        }
        *len = b.len;
        *s = jn_strndup(cx, stc_buf_cstr(&b), b.len);
        stc_buf_free(&b);
        return;
    }
    case JN_OBJ:
        *s = "[object Object]", *len = 15;
        return;
    case JN_FUNC:
        *s = "", *len = 0;
        return;
    }
}

/* JavaScript's ToNumber (NaN for objects and functions). */
static double js_to_number(jn_ctx *cx, const jn_val *v)
{
    if (!v)
        return NAN;
    switch ((jn_type)v->type) {
    case JN_NUM:
        return v->u.n;
    case JN_BOOL:
        return v->u.b ? 1 : 0;
    case JN_NULL:
        return 0;
    case JN_OBJ:
    case JN_FUNC:
        return NAN;
    case JN_STR:
    case JN_ARR:
        break;
    }
    const char *s;
    size_t len;
    js_string(cx, v, &s, &len);
    /* StringToNumber: white space around a decimal, 0x/0o/0b or Infinity
     * literal; empty is 0 */
    size_t a = 0, b = len;
    while (a < b && s[a] && strchr(" \t\n\v\f\r", s[a]))
        a++;
    while (b > a && s[b - 1] && strchr(" \t\n\v\f\r", s[b - 1]))
        b--;
    if (a == b)
        return 0;
    char *t = jn_strndup(cx, s + a, b - a), *end;
    size_t n = b - a;
    if (n > 2 && t[0] == '0' && strchr("xXoObB", t[1])) {
        int radix = (t[1] | 0x20) == 'x' ? 16 : (t[1] | 0x20) == 'o' ? 8 : 2;
        double d = 0;
        for (size_t i = 2; i < n; i++) {
            int dv = t[i] >= '0' && t[i] <= '9' ? t[i] - '0'
                     : (t[i] | 0x20) >= 'a' && (t[i] | 0x20) <= 'f' ? (t[i] | 0x20) - 'a' + 10
                                                                     : 99;
            if (dv >= radix)
                return NAN;
            d = d * radix + dv;
        }
        return d;
    }
    const char *u = t + (t[0] == '+' || t[0] == '-');
    if (!strcmp(u, "Infinity"))
        return t[0] == '-' ? -INFINITY : INFINITY;
    if (!((*u >= '0' && *u <= '9') || (*u == '.' && u[1] >= '0' && u[1] <= '9')))
        return NAN; /* strtod would take "inf", "nan" and hexadecimal floats */
    double d = strtod(t, &end);
    return *end ? NAN : d;
}

jn_val *jn_js_string(jn_ctx *cx, const jn_val *v)
{
    if (jn_is_str(v))
        return (jn_val *)v;
    const char *s;
    size_t len;
    js_string(cx, v, &s, &len);
    return jn_str(cx, s, len);
}

/* The match object {match, start, end, groups, next} of m in subj. */
static jn_val *match_object(jn_ctx *cx, const jn_regex *base, const char *subj, size_t slen,
                            const jn_match *m, size_t from, double from16)
{
    double start16 = from16 + (double)jn_str_u16len(subj + from, m->start - from);
    double end16 = start16 + (double)jn_str_u16len(subj + m->start, m->end - m->start);
    jn_val *o = jn_obj(cx, 5);
    jn_obj_set_borrow(cx, o, "match", 5, jn_str(cx, subj + m->start, m->end - m->start));
    jn_obj_set_borrow(cx, o, "start", 5, jn_num(cx, start16));
    jn_obj_set_borrow(cx, o, "end", 3, jn_num(cx, end16));
    jn_val *groups = jn_arr(cx, m->ngroups);
    for (size_t g = 0; g < m->ngroups; g++) {
        /* JavaScript has undefined for a group that did not take part; an
         * array cannot hold undefined here: null is what JSON shows of it */
        if (m->gstart[g] == (size_t)-1)
            jn_arr_push(cx, groups, jn_null());
        else
            jn_arr_push(cx, groups, jn_str(cx, subj + m->gstart[g], m->gend[g] - m->gstart[g]));
    }
    jn_obj_set_borrow(cx, o, "groups", 6, groups);
    jn_regex *next = jn_alloc(cx, sizeof *next);
    next->source = base->source;
    next->ngroups = base->ngroups;
    next->base = base;
    next->subj = subj;
    next->slen = slen;
    next->last = m->end;
    next->last16 = end16;
    jn_val *nf = jn_func_new(cx, JN_FN_REGEX, next);
    nf->u.f->arity = 0;
    jn_obj_set_borrow(cx, o, "next", 4, nf);
    return o;
}

jn_val *jn_regex_apply(jn_ctx *cx, jn_val *fn, jn_val **argv, int argc)
{
    const jn_regex *re = fn->u.f->impl;
    jn_match m;
    if (re->base) {
        /* next(): on from where the last match ended; an empty match there
         * would never progress (D1004) */
        if (re->last >= re->slen || !jn_regex_exec(cx, re->base, re->subj, re->slen, re->last, &m))
            return NULL;
        if (m.start == m.end)
            jn_throw(cx, "D1004", jn_str_cstr(cx, re->source));
        return match_object(cx, re->base, re->subj, re->slen, &m, re->last, re->last16);
    }
    const char *s;
    size_t len;
    js_string(cx, argc > 0 ? argv[0] : NULL, &s, &len);
    /* lastIndex = ToLength(fromIndex || 0); past the end: no match */
    double from16 = argc > 1 ? js_to_number(cx, argv[1]) : 0;
    from16 = from16 > 0 ? floor(from16) : 0;
    size_t from = 0;
    if (from16 > 0) {
        if (from16 > (double)jn_str_u16len(s, len))
            return NULL;
        /* the subject's UTF-8 is checked by a search from 0 only */
        size_t bad;
        if (!stc_utf8_valid(s, len, &bad))
            return NULL;
        from = jn_str_u16offset(s, len, from16);
        from16 = (double)jn_str_u16len(s, from);
    }
    if (!jn_regex_exec(cx, re, s, len, from, &m))
        return NULL;
    return match_object(cx, re, s, len, &m, from, from16);
}
