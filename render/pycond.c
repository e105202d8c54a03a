/* pycond.c - see pycond.h. */
#include "render/pycond.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

typedef enum { TK_STR, TK_NAME, TK_VAR, TK_NUM, TK_OP, TK_QNAME } tk_kind;

typedef struct tk {
    tk_kind kind;
    const char *s; /* into the expression */
    size_t n;
    bool space;    /* white space before it */
} tk;

typedef struct tks {
    tk *v;
    size_t n;
} tks;

static bool name_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_';
}

/* Cut expr[0..n) into tokens; false when a string or name is not closed. */
static bool scan(const char *s, size_t n, tks *out)
{
    bool space = false;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            i++;
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            if (!e || (size_t)(e - s) + 2 > n)
                return false;
            i = (size_t)(e - s) + 2;
            space = true;
            continue;
        }
        tk t = {TK_OP, s + i, 1, space};
        space = false;
        if (c == '\'' || c == '"' || c == '`') {
            size_t j = i + 1;
            while (j < n && s[j] != c)
                j += s[j] == '\\' && c != '`' && j + 1 < n ? 2 : 1;
            if (j >= n)
                return false;
            t.kind = c == '`' ? TK_QNAME : TK_STR;
            t.n = j + 1 - i;
        } else if (c == '$') {
            size_t j = i + 1;
            if (j < n && s[j] == '$')
                j++;
            else
                while (j < n && name_byte(s[j]))
                    j++;
            t.kind = TK_VAR;
            t.n = j - i;
        } else if (c >= '0' && c <= '9') {
            size_t j = i;
            while (j < n && ((s[j] >= '0' && s[j] <= '9') || (s[j] == '.' && !(j + 1 < n && s[j + 1] == '.')) ||
                             s[j] == 'e' || s[j] == 'E' ||
                             ((s[j] == '-' || s[j] == '+') && (s[j - 1] == 'e' || s[j - 1] == 'E'))))
                j++;
            /* a range "1..5" keeps its dots as an operator */
            t.kind = TK_NUM;
            t.n = j - i;
        } else if (name_byte(c)) {
            size_t j = i;
            while (j < n && name_byte(s[j]))
                j++;
            t.kind = TK_NAME;
            t.n = j - i;
        } else {
            static const char *const two[] = {"!=", "<=", ">=", ":=", "..", "~>", "**"};
            for (size_t k = 0; k < sizeof two / sizeof two[0]; k++)
                if (i + 1 < n && s[i] == two[k][0] && s[i + 1] == two[k][1])
                    t.n = 2;
        }
        out->v = stc_xrealloc(out->v, (out->n + 1) * sizeof *out->v);
        out->v[out->n++] = t;
        i += t.n;
    }
    return true;
}

static bool is(const tk *t, tk_kind k, const char *text)
{
    return t->kind == k && t->n == strlen(text) && memcmp(t->s, text, t->n) == 0;
}

static bool opening(const tk *t)
{
    return t->kind == TK_OP && t->n == 1 && strchr("([{", t->s[0]);
}

static bool closing(const tk *t)
{
    return t->kind == TK_OP && t->n == 1 && strchr(")]}", t->s[0]);
}

/* The index of the bracket closing the one at `i`, or `to` when none. */
static size_t match(const tks *t, size_t i, size_t to)
{
    int depth = 0;
    for (size_t k = i; k < to; k++) {
        if (opening(&t->v[k]))
            depth++;
        else if (closing(&t->v[k]) && --depth == 0)
            return k;
    }
    return to;
}

/* Does [from, to) hold an operator outside brackets (anything but a path's
 * dots and brackets)? Then it needs parentheses as an operand. */
static bool compound(const tks *t, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++) {
        const tk *x = &t->v[k];
        if (opening(x)) {
            k = match(t, k, to);
            continue;
        }
        if ((x->kind == TK_OP && !is(x, TK_OP, ".")) || is(x, TK_NAME, "and") || is(x, TK_NAME, "or") ||
            is(x, TK_NAME, "in"))
            return true;
    }
    return false;
}

static void emit(const tks *t, size_t from, size_t to, stc_buf *b);

/* Put a space unless the text so far ends an opening. */
static void space(stc_buf *b)
{
    if (b->len && !strchr("([{ ", b->data[b->len - 1]))
        stc_buf_putc(b, ' ');
}

static void emit_operand(const tks *t, size_t from, size_t to, stc_buf *b)
{
    bool paren = compound(t, from, to);
    if (paren)
        stc_buf_putc(b, '(');
    emit(t, from, to, b);
    if (paren)
        stc_buf_putc(b, ')');
}

/* A call of built-in `fn` (without '$') with arguments [a[i], a[i+1]). */
static void emit_call(const tks *t, const char *fn, size_t fn_len, const size_t *a, size_t nargs, stc_buf *b)
{
#define FN(x) (fn_len == strlen(x) && memcmp(fn, x, fn_len) == 0)
    if (FN("not") && nargs == 1) {
        stc_buf_puts(b, "not ");
        emit_operand(t, a[0], a[1] - 1, b);
        return;
    }
    if (FN("exists") && nargs == 1) {
        emit_operand(t, a[0], a[1] - 1, b);
        stc_buf_puts(b, " is not None");
        return;
    }
    if (FN("contains") && nargs == 2) {
        emit_operand(t, a[1], a[2] - 1, b);
        stc_buf_puts(b, " in ");
        emit_operand(t, a[0], a[1] - 1, b);
        return;
    }
    static const char *const methods[][2] = {{"lowercase", "lower"}, {"uppercase", "upper"}, {"trim", "strip"}};
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++)
        if (FN(methods[m][0]) && nargs == 1) {
            emit_operand(t, a[0], a[1] - 1, b);
            stc_buf_printf(b, ".%s()", methods[m][1]);
            return;
        }
    static const char *const renamed[][2] = {
        {"count", "len"}, {"length", "len"}, {"string", "str"}, {"number", "float"}, {"boolean", "bool"}};
    const char *name = NULL;
    for (size_t m = 0; m < sizeof renamed / sizeof renamed[0]; m++)
        if (FN(renamed[m][0]))
            name = renamed[m][1];
#undef FN
    if (name)
        stc_buf_puts(b, name);
    else
        stc_buf_add(b, fn, fn_len);
    stc_buf_putc(b, '(');
    for (size_t k = 0; k < nargs; k++) {
        if (k)
            stc_buf_puts(b, ", ");
        emit(t, a[k], a[k + 1] - 1, b);
    }
    stc_buf_putc(b, ')');
}

static void emit(const tks *t, size_t from, size_t to, stc_buf *b)
{
    for (size_t i = from; i < to; i++) {
        const tk *x = &t->v[i];
        if (x->space && i > from)
            space(b);
        /* $states.input.name: the input's field, by its name */
        if (is(x, TK_VAR, "$states") && i + 2 < to && is(&t->v[i + 1], TK_OP, ".") &&
            is(&t->v[i + 2], TK_NAME, "input")) {
            if (i + 4 < to && is(&t->v[i + 3], TK_OP, ".") && !t->v[i + 4].space &&
                (t->v[i + 4].kind == TK_NAME || t->v[i + 4].kind == TK_QNAME)) {
                i += 3; /* the name comes next */
                continue;
            }
            stc_buf_puts(b, "input");
            i += 2;
            continue;
        }
        /* a call of a function: $f(a, b) */
        if (x->kind == TK_VAR && x->n > 1 && x->s[1] != '$' && i + 1 < to && is(&t->v[i + 1], TK_OP, "(") &&
            !t->v[i + 1].space) {
            size_t close = match(t, i + 1, to);
            size_t *a = stc_xmalloc((close - i + 2) * sizeof *a);
            size_t nargs = 0;
            a[0] = i + 2;
            if (close > i + 2) {
                for (size_t k = i + 2; k < close; k++) {
                    if (opening(&t->v[k])) {
                        k = match(t, k, close);
                        continue;
                    }
                    if (is(&t->v[k], TK_OP, ","))
                        a[++nargs] = k + 1;
                }
                a[++nargs] = close + 1;
            } else {
                a[1] = close + 1;
            }
            emit_call(t, x->s + 1, x->n - 1, a, nargs, b);
            free(a);
            i = close;
            continue;
        }
        if (x->kind == TK_VAR && x->n > 1 && x->s[1] != '$') {
            stc_buf_add(b, x->s + 1, x->n - 1); /* a variable: its name */
        } else if (is(x, TK_OP, "=")) {
            stc_buf_puts(b, "==");
        } else if (is(x, TK_OP, "&")) {
            stc_buf_putc(b, '+');
        } else if (is(x, TK_NAME, "true")) {
            stc_buf_puts(b, "True");
        } else if (is(x, TK_NAME, "false")) {
            stc_buf_puts(b, "False");
        } else if (is(x, TK_NAME, "null")) {
            stc_buf_puts(b, "None");
        } else {
            stc_buf_add(b, x->s, x->n);
        }
    }
}

/* Is there JSONata in t that Python has no spelling for (pycond.h)? */
static bool untranslatable(const tks *t)
{
    static const char *const ops[] = {":=", "~>", "..", "**", "?", "|", "@", "#", "^"};
    for (size_t i = 0; i < t->n; i++) {
        const tk *x = &t->v[i];
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
            if (is(x, TK_OP, ops[k]))
                return true;
        if (is(x, TK_VAR, "$$") || is(x, TK_VAR, "$") || is(x, TK_NAME, "function") ||
            is(x, TK_NAME, "\xCE\xBB"))
            return true;
    }
    return false;
}

/* The condition in Python's words; NULL when `strict` and it has none. */
static char *pycond(const char *expr, bool strict)
{
    size_t n = strlen(expr);
    if (n >= 4 && strncmp(expr, "{%", 2) == 0 && strcmp(expr + n - 2, "%}") == 0) {
        expr += 2;
        n -= 4;
    }
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "");
    tks t = {0};
    bool scanned = scan(expr, n, &t);
    if (strict && (!scanned || untranslatable(&t))) {
        free(t.v);
        stc_buf_free(&b);
        return NULL;
    }
    if (scanned) {
        emit(&t, 0, t.n, &b);
    } else {
        bool sp = false;
        for (size_t i = 0; i < n; i++) {
            bool ws = expr[i] == ' ' || expr[i] == '\t' || expr[i] == '\n' || expr[i] == '\r';
            if (ws) {
                sp = true;
                continue;
            }
            if (sp && b.len)
                stc_buf_putc(&b, ' ');
            sp = false;
            stc_buf_putc(&b, expr[i]);
        }
    }
    free(t.v);
    return stc_buf_take(&b);
}

char *stc_pycond_from_jsonata(const char *expr)
{
    return pycond(expr, false);
}

char *stc_pycond_try(const char *expr)
{
    return pycond(expr, true);
}
