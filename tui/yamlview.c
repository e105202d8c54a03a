/* yamlview.c - see yamlview.h. */
#include "tui/yamlview.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/theme.h"

/* One step of the path to a line: a key, or an item of a sequence. */
typedef struct stc_yaml_step {
    int col;
    bool seq;  /* a sequence item ("[idx]") */
    int idx;
    char *key; /* NULL for an item */
} stc_yaml_step;

typedef struct stc_yaml_stack {
    stc_yaml_step *s;
    int n, cap;
} stc_yaml_stack;

static void stc_yaml_push(stc_yaml_stack *st, int col, bool seq, int idx, const char *key, size_t klen)
{
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 16;
        st->s = stc_xrealloc(st->s, (size_t)st->cap * sizeof *st->s);
    }
    st->s[st->n++] = (stc_yaml_step){col, seq, idx, key ? stc_xstrndup(key, klen) : NULL};
}

static void stc_yaml_pop(stc_yaml_stack *st)
{
    free(st->s[--st->n].key);
}

/* A key at p: returns the bytes up to and including its colon (0: none);
 * *k / *klen give the key's text (quotes removed only for the simple case
 * of a quoted key without escapes). */
static size_t stc_yaml_key(const char *p, const char **k, size_t *klen)
{
    size_t i = 0;
    if (*p == '\'' || *p == '"') {
        char q = *p;
        i = 1;
        while (p[i]) {
            if (q == '"' && p[i] == '\\' && p[i + 1]) {
                i += 2;
                continue;
            }
            if (p[i] == q) {
                if (q == '\'' && p[i + 1] == '\'') {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        if (p[i] != q || p[i + 1] != ':' || (p[i + 2] && p[i + 2] != ' '))
            return 0;
        *k = p + 1;
        *klen = i - 1;
        return i + 2;
    }
    if (!*p || strchr("[]{}!&*|>%@`#,", *p))
        return 0;
    for (i = 0; p[i]; i++) {
        if (p[i] == ' ' && p[i + 1] == '#')
            return 0;
        if (p[i] == ':' && (p[i + 1] == ' ' || !p[i + 1])) {
            size_t e = i;
            while (e > 0 && p[e - 1] == ' ')
                e--;
            *k = p;
            *klen = e;
            return i + 1;
        }
    }
    return 0;
}

/* Does the value at p start a block scalar ("|", ">-", "!Sub |")? */
static bool stc_yaml_block_start(const char *p)
{
    while (*p == ' ')
        p++;
    if (*p == '!') {
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
    }
    return *p == '|' || *p == '>';
}

static char *stc_yaml_join(const stc_yaml_stack *st, int from)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "");
    for (int i = from; i < st->n; i++) {
        if (st->s[i].seq)
            stc_buf_printf(&b, "[%d]", st->s[i].idx);
        else
            stc_buf_printf(&b, "%s%s", b.len ? "." : "", st->s[i].key);
    }
    return stc_buf_take(&b);
}

void stc_yamlview_parse(stc_yamlview *v, const char *text)
{
    memset(v, 0, sizeof *v);
    int cap = 0;
    stc_yaml_stack st = {0};
    bool in_block = false;
    int block_col = 0;
    const char *p = text ? text : "";
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        if (v->n == cap) {
            cap = cap ? cap * 2 : 256;
            v->rows = stc_xrealloc(v->rows, (size_t)cap * sizeof *v->rows);
        }
        stc_yaml_row *r = &v->rows[v->n];
        memset(r, 0, sizeof *r);
        r->text = stc_xstrndup(p, len);
        r->end = v->n;
        const char *s = r->text;
        int ind = (int)strspn(s, " ");
        bool keyline = false;
        if (in_block && (s[ind] == '\0' || ind > block_col)) {
            r->block = true;
        } else {
            in_block = false;
            int col = ind;
            const char *q = s + ind;
            /* sequence items, possibly nested on one line ("- - x") */
            while (q[0] == '-' && (q[1] == ' ' || !q[1])) {
                while (st.n && st.s[st.n - 1].col > col)
                    stc_yaml_pop(&st);
                int idx = 0;
                if (st.n && st.s[st.n - 1].seq && st.s[st.n - 1].col == col) {
                    idx = st.s[st.n - 1].idx + 1;
                    stc_yaml_pop(&st);
                }
                stc_yaml_push(&st, col, true, idx, NULL, 0);
                if (stc_yaml_block_start(q + 1)) {
                    in_block = true;
                    block_col = col;
                }
                q += q[1] ? 2 : 1;
                col += 2;
            }
            const char *k;
            size_t klen;
            size_t used = stc_yaml_key(q, &k, &klen);
            if (used) {
                while (st.n && st.s[st.n - 1].col >= col)
                    stc_yaml_pop(&st);
                stc_yaml_push(&st, col, false, 0, k, klen);
                keyline = true;
                if (stc_yaml_block_start(q + used)) {
                    in_block = true;
                    block_col = col;
                }
            }
        }
        if (st.n && !st.s[0].seq) {
            r->section = stc_xstrdup(st.s[0].key);
            if (st.n >= 2 && !st.s[1].seq) {
                r->entry = stc_xstrdup(st.s[1].key);
                r->path = stc_yaml_join(&st, 2);
            }
        }
        int depth = st.n;
        r->level = r->block ? 2 : depth <= 1 ? 0 : depth == 2 ? 1 : 2;
        if (!keyline && !r->block && r->level < 2 && depth > 0)
            r->level = 2; /* a scalar continuing its key's value */
        if (!keyline && depth == 0)
            r->level = 0;
        r->header = keyline; /* refined below */
        v->n++;
        if (!eol)
            break;
        p = eol + 1;
    }
    while (st.n)
        stc_yaml_pop(&st);
    free(st.s);
    for (int i = 0; i < v->n; i++) {
        stc_yaml_row *r = &v->rows[i];
        if (!r->header || r->level > 1) {
            r->header = false;
            continue;
        }
        int j = i;
        while (j + 1 < v->n && v->rows[j + 1].level > r->level)
            j++;
        r->end = j;
        r->header = j > i;
    }
}

void stc_yamlview_free(stc_yamlview *v)
{
    for (int i = 0; i < v->n; i++) {
        free(v->rows[i].text);
        free(v->rows[i].section);
        free(v->rows[i].entry);
        free(v->rows[i].path);
    }
    free(v->rows);
    v->rows = NULL;
    v->n = 0;
}

int stc_yamlview_find(const stc_yamlview *v, const char *section, const char *entry)
{
    for (int i = 0; i < v->n; i++) {
        const stc_yaml_row *r = &v->rows[i];
        if (r->level != (entry ? 1 : 0) || !r->section || strcmp(r->section, section) != 0)
            continue;
        if (!entry || (r->entry && strcmp(r->entry, entry) == 0 && r->path && !*r->path))
            return i;
    }
    return -1;
}

bool stc_yamlview_path_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (!path || strncmp(path, prefix, n) != 0)
        return false;
    return path[n] == '\0' || path[n] == '.' || path[n] == '[' || n == 0;
}

static void stc_fill(unsigned short *st, size_t from, size_t to, int el)
{
    for (size_t i = from; i < to; i++)
        st[i] = (unsigned short)el;
}

/* A plain scalar YAML reads as a number, boolean or null. */
static bool stc_yaml_is_number(const char *s, size_t n)
{
    static const char *const words[] = {"true", "false", "null", "~", "True", "False", "Null", "TRUE", "FALSE"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncmp(words[i], s, n) == 0)
            return true;
    size_t i = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t digits = 0;
    while (i < n && isdigit((unsigned char)s[i]))
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i]))
            i++, digits++;
    }
    if (digits && i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t ed = 0;
        while (i < n && isdigit((unsigned char)s[i]))
            i++, ed++;
        if (!ed)
            return false;
    }
    return digits > 0 && i == n;
}

/* The value part of a line, from `i`. */
static void stc_yaml_style_value(const char *s, size_t len, size_t i, unsigned short *st)
{
    while (i < len && s[i] == ' ')
        i++;
    if (i < len && s[i] == '!') {
        size_t j = i;
        while (j < len && s[j] != ' ')
            j++;
        stc_fill(st, i, j, STC_EL_YAML_TAG);
        i = j;
        while (i < len && s[i] == ' ')
            i++;
    }
    if (i >= len)
        return;
    if (s[i] == '#') {
        stc_fill(st, i, len, STC_EL_DIM);
    } else if (s[i] == '\'' || s[i] == '"') {
        stc_fill(st, i, len, STC_EL_YAML_STRING);
    } else if (s[i] == '|' || s[i] == '>') {
        stc_fill(st, i, len, STC_EL_YAML_PUNCT);
    } else if (s[i] == '[' || s[i] == '{') {
        /* a one-line flow collection: punctuation, then scalars between */
        while (i < len) {
            if (strchr("[]{},:", s[i])) {
                st[i] = STC_EL_YAML_PUNCT;
                i++;
                continue;
            }
            if (s[i] == ' ') {
                i++;
                continue;
            }
            size_t j = i;
            if (s[i] == '\'' || s[i] == '"') {
                char q = s[i];
                j = i + 1;
                while (j < len && s[j] != q)
                    j += s[j] == '\\' && q == '"' ? 2 : 1;
                j = j < len ? j + 1 : len;
                stc_fill(st, i, j, STC_EL_YAML_STRING);
            } else {
                while (j < len && !strchr("[]{},", s[j]) && !(s[j] == ':' && (j + 1 >= len || s[j + 1] == ' ')))
                    j++;
                size_t e = j;
                while (e > i && s[e - 1] == ' ')
                    e--;
                stc_fill(st, i, e, s[i] == '!' ? STC_EL_YAML_TAG
                                   : stc_yaml_is_number(s + i, e - i) ? STC_EL_YAML_NUMBER
                                                                      : STC_EL_YAML_STRING);
            }
            i = j;
        }
    } else {
        size_t e = len;
        while (e > i && s[e - 1] == ' ')
            e--;
        stc_fill(st, i, e, stc_yaml_is_number(s + i, e - i) ? STC_EL_YAML_NUMBER : STC_EL_YAML_STRING);
    }
}

void stc_yamlview_style(const char *line, size_t len, bool block, unsigned short *styles)
{
    stc_fill(styles, 0, len, STC_EL_NORMAL);
    size_t i = 0;
    while (i < len && line[i] == ' ')
        i++;
    if (block) {
        stc_fill(styles, i, len, STC_EL_YAML_STRING);
        return;
    }
    if (i < len && line[i] == '#') {
        stc_fill(styles, i, len, STC_EL_DIM);
        return;
    }
    while (i < len && line[i] == '-' && (i + 1 == len || line[i + 1] == ' ')) {
        styles[i] = STC_EL_YAML_PUNCT;
        i += i + 1 < len ? 2 : 1;
    }
    /* the key finder reads to the NUL: work on a copy of the rest */
    char *rest = stc_xstrndup(line + i, len - i);
    const char *k;
    size_t klen;
    size_t used = stc_yaml_key(rest, &k, &klen);
    free(rest);
    if (used) {
        stc_fill(styles, i, i + used - 1, STC_EL_YAML_KEY);
        styles[i + used - 1] = STC_EL_YAML_PUNCT;
        i += used;
    }
    stc_yaml_style_value(line, len, i, styles);
}
