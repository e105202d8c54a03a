/* lexer.c - the JSONata tokenizer, a port of parser.js's tokenizer: the same
 * tokens, the same escapes, the same error codes at the same positions.
 * Positions count UTF-16 units as the reference's JavaScript strings do; the
 * scanning itself is on UTF-8 bytes (every character it stops at is ASCII). */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stepsim/jsonata/ast.h"
#include "stepsim/jsonata/context.h"

void jn_lexer_init(jn_lexer *lx, jn_ctx *cx, const char *src, size_t len)
{
    memset(lx, 0, sizeof *lx);
    lx->cx = cx;
    lx->src = src;
    lx->len = len;
    lx->pos16 = jn_alloc(cx, (len + 1) * sizeof *lx->pos16);
    int u = 0;
    for (size_t i = 0; i < len; i++) {
        lx->pos16[i] = u;
        unsigned char c = (unsigned char)src[i];
        if ((c & 0xC0) != 0x80)
            u += c >= 0xF0 ? 2 : 1; /* a 4-byte sequence is a surrogate pair */
    }
    lx->pos16[len] = u;
}

/* The UTF-16 position of byte offset p (past the end: counted on, as the
 * reference's position runs past the length in a few error paths). */
static int p16(const jn_lexer *lx, size_t p)
{
    if (p <= lx->len)
        return lx->pos16[p];
    return lx->pos16[lx->len] + (int)(p - lx->len);
}

static _Noreturn void lex_error(jn_lexer *lx, const char *code, size_t pos, const char *token)
{
    jn_syntax_error *e = lx->err;
    memset(e, 0, sizeof *e);
    snprintf(e->code, sizeof e->code, "%s", code);
    e->position = p16(lx, pos);
    if (token) {
        e->token = token;
        e->token_val = jn_str_cstr(lx->cx, token);
    }
    longjmp(*(jmp_buf *)lx->jmp, 1);
}

static char at(const jn_lexer *lx, size_t p) { return p < lx->len ? lx->src[p] : '\0'; }

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'; }

/* The single characters of the reference's `operators` table (names stop at them). */
static bool is_operator_char(char c)
{
    return c && strchr(".[]{}(),@#;:?+-*/%|=<>^&!~", c) != NULL;
}

static jn_token make(jn_lexer *lx, jn_tok_type type, const char *s, size_t len)
{
    jn_token t = {.type = type, .s = s, .len = len, .position = p16(lx, lx->pos)};
    return t;
}

static jn_token op(jn_lexer *lx, const char *s, size_t n)
{
    lx->pos += n;
    return make(lx, JN_TOK_OPERATOR, s, n);
}

static void put_utf8(stc_buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else if (cp < 0x10000) {
        /* a lone surrogate stays as its 3-byte form, as JavaScript keeps it */
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18)), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    }
    stc_buf_add(b, u, n);
}

/* `\u` at p (p on the 'u'): the reference reads path.substr(p + 1, 4) and
 * accepts it when it is one or more hex digits. Returns the code unit and
 * sets *ok. */
static uint32_t hex4(const jn_lexer *lx, size_t p, bool *ok)
{
    uint32_t v = 0;
    size_t n = 0;
    for (; n < 4 && p + 1 + n < lx->len; n++) {
        char c = lx->src[p + 1 + n];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else {
            *ok = false;
            return 0;
        }
        v = v * 16 + (uint32_t)d;
    }
    *ok = n > 0;
    return v;
}

static jn_token scan_string(jn_lexer *lx)
{
    char quote = lx->src[lx->pos];
    lx->pos++;
    stc_buf b = {0};
    while (lx->pos < lx->len) {
        char c = lx->src[lx->pos];
        if (c == '\\') {
            lx->pos++;
            c = at(lx, lx->pos);
            const char *esc = NULL;
            switch (c) {
            case '"': esc = "\""; break;
            case '\\': esc = "\\"; break;
            case '/': esc = "/"; break;
            case 'b': esc = "\b"; break;
            case 'f': esc = "\f"; break;
            case 'n': esc = "\n"; break;
            case 'r': esc = "\r"; break;
            case 't': esc = "\t"; break;
            default: break;
            }
            if (esc) {
                stc_buf_putc(&b, *esc);
            } else if (c == 'u') {
                bool ok;
                uint32_t cu = hex4(lx, lx->pos, &ok);
                if (!ok) {
                    stc_buf_free(&b);
                    lex_error(lx, "S0104", lx->pos, NULL);
                }
                lx->pos += 4;
                /* a high surrogate escape followed by a low one is one character */
                if (cu >= 0xD800 && cu <= 0xDBFF && at(lx, lx->pos + 1) == '\\' &&
                    at(lx, lx->pos + 2) == 'u') {
                    bool ok2;
                    uint32_t lo = hex4(lx, lx->pos + 2, &ok2);
                    if (ok2 && lo >= 0xDC00 && lo <= 0xDFFF && lx->pos + 6 < lx->len + 1) {
                        cu = 0x10000 + ((cu - 0xD800) << 10) + (lo - 0xDC00);
                        lx->pos += 6;
                    }
                }
                put_utf8(&b, cu);
            } else {
                /* the token is the character after the backslash */
                size_t n = 1;
                while (lx->pos + n < lx->len && ((unsigned char)lx->src[lx->pos + n] & 0xC0) == 0x80)
                    n++;
                char *tok = jn_strndup(lx->cx, lx->src + lx->pos, lx->pos < lx->len ? n : 0);
                stc_buf_free(&b);
                lex_error(lx, "S0103", lx->pos, tok);
            }
        } else if (c == quote) {
            lx->pos++;
            char *s = jn_strndup(lx->cx, b.data ? b.data : "", b.len);
            size_t n = b.len;
            stc_buf_free(&b);
            return make(lx, JN_TOK_STRING, s, n);
        } else {
            stc_buf_putc(&b, c);
        }
        lx->pos++;
    }
    stc_buf_free(&b);
    lex_error(lx, "S0101", lx->pos, NULL);
}

/* /^-?(0|([1-9][0-9]*))(\.[0-9]+)?([Ee][-+]?[0-9]+)?/ at p: its length, 0 when none. */
static size_t number_length(const jn_lexer *lx, size_t p)
{
    size_t q = p;
    if (at(lx, q) == '-')
        q++;
    if (at(lx, q) == '0') {
        q++;
    } else if (at(lx, q) >= '1' && at(lx, q) <= '9') {
        while (at(lx, q) >= '0' && at(lx, q) <= '9')
            q++;
    } else {
        return 0;
    }
    if (at(lx, q) == '.' && at(lx, q + 1) >= '0' && at(lx, q + 1) <= '9') {
        q++;
        while (at(lx, q) >= '0' && at(lx, q) <= '9')
            q++;
    }
    if (at(lx, q) == 'e' || at(lx, q) == 'E') {
        size_t r = q + 1;
        if (at(lx, r) == '+' || at(lx, r) == '-')
            r++;
        if (at(lx, r) >= '0' && at(lx, r) <= '9') {
            while (at(lx, r) >= '0' && at(lx, r) <= '9')
                r++;
            q = r;
        }
    }
    return q - p;
}

/* The '/' has been read: find the closing one, ignoring escaped ones and
 * those inside brackets, then the flags (i and m). */
static jn_token scan_regex(jn_lexer *lx)
{
    size_t start = lx->pos;
    int depth = 0;
    while (lx->pos < lx->len) {
        char c = lx->src[lx->pos];
        if (c == '/' && depth == 0) {
            size_t bs = 0;
            while (lx->pos >= bs + 1 && at(lx, lx->pos - (bs + 1)) == '\\')
                bs++;
            if (bs % 2 == 0) {
                size_t plen = lx->pos - start;
                if (plen == 0)
                    lex_error(lx, "S0301", lx->pos, NULL);
                const char *pattern = jn_strndup(lx->cx, lx->src + start, plen);
                lx->pos++;
                size_t fstart = lx->pos;
                while (at(lx, lx->pos) == 'i' || at(lx, lx->pos) == 'm')
                    lx->pos++;
                jn_token t = make(lx, JN_TOK_REGEX, pattern, plen);
                t.flags = jn_strndup(lx->cx, lx->src + fstart, lx->pos - fstart);
                return t;
            }
        }
        char prev = lx->pos > 0 ? lx->src[lx->pos - 1] : '\0';
        if ((c == '(' || c == '[' || c == '{') && prev != '\\')
            depth++;
        if ((c == ')' || c == ']' || c == '}') && prev != '\\')
            depth--;
        lx->pos++;
    }
    lex_error(lx, "S0302", lx->pos, NULL);
}

jn_token jn_lexer_next(jn_lexer *lx, bool infix)
{
    for (;;) {
        if (lx->pos >= lx->len)
            return make(lx, JN_TOK_END, NULL, 0);
        while (lx->pos < lx->len && is_space(lx->src[lx->pos]))
            lx->pos++;
        /* comments */
        if (at(lx, lx->pos) == '/' && at(lx, lx->pos + 1) == '*') {
            size_t start = lx->pos;
            lx->pos += 2;
            while (!(at(lx, lx->pos) == '*' && at(lx, lx->pos + 1) == '/')) {
                lx->pos++;
                if (lx->pos >= lx->len)
                    lex_error(lx, "S0106", start, NULL);
            }
            lx->pos += 2;
            continue; /* the reference recurses to swallow what follows */
        }
        break;
    }
    const char *p = lx->src + lx->pos;
    char c = at(lx, lx->pos), d = at(lx, lx->pos + 1);
    if (!infix && c == '/') {
        lx->pos++;
        return scan_regex(lx);
    }
    if (c == '.' && d == '.')
        return op(lx, "..", 2);
    if (c == ':' && d == '=')
        return op(lx, ":=", 2);
    if (c == '!' && d == '=')
        return op(lx, "!=", 2);
    if (c == '>' && d == '=')
        return op(lx, ">=", 2);
    if (c == '<' && d == '=')
        return op(lx, "<=", 2);
    if (c == '*' && d == '*')
        return op(lx, "**", 2);
    if (c == '~' && d == '>')
        return op(lx, "~>", 2);
    if (c == '?' && d == ':')
        return op(lx, "?:", 2);
    if (c == '?' && d == '?')
        return op(lx, "??", 2);
    if (is_operator_char(c))
        return op(lx, p, 1);
    if (c == '"' || c == '\'')
        return scan_string(lx);
    size_t nl = number_length(lx, lx->pos);
    if (nl) {
        char *text = jn_strndup(lx->cx, p, nl);
        double v = strtod(text, NULL);
        if (!isfinite(v))
            lex_error(lx, "S0102", lx->pos, text);
        lx->pos += nl;
        jn_token t = make(lx, JN_TOK_NUMBER, text, nl);
        t.num = v;
        return t;
    }
    if (c == '`') {
        lx->pos++;
        const char *end = memchr(lx->src + lx->pos, '`', lx->len - lx->pos);
        if (end) {
            size_t n = (size_t)(end - (lx->src + lx->pos));
            const char *name = jn_strndup(lx->cx, lx->src + lx->pos, n);
            lx->pos += n + 1;
            return make(lx, JN_TOK_NAME, name, n);
        }
        lx->pos = lx->len;
        lex_error(lx, "S0105", lx->pos, NULL);
    }
    size_t i = lx->pos;
    while (i < lx->len && !is_space(lx->src[i]) && !is_operator_char(lx->src[i]))
        i++;
    if (c == '$') {
        const char *name = jn_strndup(lx->cx, p + 1, i - lx->pos - 1);
        size_t n = i - lx->pos - 1;
        lx->pos = i;
        return make(lx, JN_TOK_VARIABLE, name, n);
    }
    size_t n = i - lx->pos;
    const char *name = jn_strndup(lx->cx, p, n);
    lx->pos = i;
#define KW(lit) (n == sizeof lit - 1 && !memcmp(name, lit, n))
    if (KW("or") || KW("in") || KW("and"))
        return make(lx, JN_TOK_OPERATOR, name, n);
    jn_val *value = KW("true") ? jn_true() : KW("false") ? jn_false() : KW("null") ? jn_null() : NULL;
#undef KW
    if (value) {
        jn_token t = make(lx, JN_TOK_VALUE, name, n);
        t.value = value;
        return t;
    }
    if (n == 0 && lx->pos == lx->len)
        return make(lx, JN_TOK_END, NULL, 0); /* whitespace at the end */
    return make(lx, JN_TOK_NAME, name, n);
}
