/* pysyntax.c - see pysyntax.h. */
#include "tui/pysyntax.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "tui/theme.h"

static const char *const stc_py_keywords[] = {
    "False", "None",   "True",    "and",      "as",     "assert", "async", "await",
    "break", "class",  "continue", "def",     "del",    "elif",   "else",  "except",
    "finally", "for",  "from",    "global",   "if",     "import", "in",    "is",
    "lambda", "nonlocal", "not",  "or",       "pass",   "raise",  "return", "try",
    "while", "with",   "yield",   "self",
};

static bool stc_py_is_keyword(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof stc_py_keywords / sizeof stc_py_keywords[0]; i++)
        if (strlen(stc_py_keywords[i]) == n && strncmp(stc_py_keywords[i], s, n) == 0)
            return true;
    return false;
}

static void stc_fill(unsigned short *st, size_t from, size_t to, int el)
{
    for (size_t i = from; i < to; i++)
        st[i] = (unsigned short)el;
}

/* End of a string starting at i (after the opening quote(s)); sets *open
 * when a triple-quoted string runs past the line. */
static size_t stc_py_string_end(const char *s, size_t len, size_t i, char q, bool triple, bool *open)
{
    while (i < len) {
        if (s[i] == '\\') {
            i += 2;
            continue;
        }
        if (s[i] == q) {
            if (!triple)
                return i + 1;
            if (i + 2 < len && s[i + 1] == q && s[i + 2] == q)
                return i + 3;
        }
        i++;
    }
    *open = triple;
    return len;
}

stc_pysyntax_state stc_pysyntax_line(const char *s, size_t len, stc_pysyntax_state in,
                                     unsigned short *st)
{
    stc_fill(st, 0, len, STC_EL_NORMAL);
    size_t i = 0;
    if (in) {
        bool open = false;
        size_t end = stc_py_string_end(s, len, 0, (char)in, true, &open);
        stc_fill(st, 0, end, STC_EL_PY_STRING);
        if (open)
            return in;
        i = end;
    }
    bool after_def = false;
    while (i < len) {
        char c = s[i];
        if (c == '#') {
            stc_fill(st, i, len, STC_EL_PY_COMMENT);
            break;
        }
        if (c == '@' && strspn(s, " \t") == i) {
            size_t j = i + 1;
            while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '.'))
                j++;
            stc_fill(st, i, j, STC_EL_PY_DECORATOR);
            i = j;
            continue;
        }
        /* string, with an optional prefix such as f, rb, u */
        size_t p = i;
        while (p < len && p - i < 2 && strchr("rRbBuUfF", s[p]) && s[p])
            p++;
        if (p < len && (s[p] == '\'' || s[p] == '"') &&
            (p == i || !(i > 0 && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')))) {
            char q = s[p];
            bool triple = p + 2 < len && s[p + 1] == q && s[p + 2] == q;
            bool open = false;
            size_t end = stc_py_string_end(s, len, p + (triple ? 3 : 1), q, triple, &open);
            stc_fill(st, i, end, STC_EL_PY_STRING);
            if (open)
                return q;
            i = end;
            continue;
        }
        if (isdigit((unsigned char)c) && (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))) {
            size_t j = i;
            while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '.' || s[j] == '_'))
                j++;
            stc_fill(st, i, j, STC_EL_PY_NUMBER);
            i = j;
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80) {
            size_t j = i;
            while (j < len && (isalnum((unsigned char)s[j]) || s[j] == '_' || (unsigned char)s[j] >= 0x80))
                j++;
            if (after_def) {
                stc_fill(st, i, j, STC_EL_PY_DEFNAME);
                after_def = false;
            } else if (stc_py_is_keyword(s + i, j - i)) {
                stc_fill(st, i, j, STC_EL_PY_KEYWORD);
                after_def = (j - i == 3 && strncmp(s + i, "def", 3) == 0) ||
                            (j - i == 5 && strncmp(s + i, "class", 5) == 0);
            }
            i = j;
            continue;
        }
        i++;
    }
    return 0;
}
