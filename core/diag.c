/* diag.c - see diag.h. */
#include "core/diag.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

const char *stc_severity_name(stc_severity sev)
{
    switch (sev) {
    case STC_SEV_NOTE:
        return "note";
    case STC_SEV_WARNING:
        return "warning";
    case STC_SEV_ERROR:
        return "error";
    }
    return "error";
}

stc_diag *stc_diag_add(stc_diags *d, stc_severity sev, const char *file, int line, int col,
                       const char *code, const char *fmt, ...)
{
    if (d->count == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->items = stc_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    stc_diag *dg = &d->items[d->count++];
    memset(dg, 0, sizeof *dg);
    dg->severity = sev;
    dg->file = file ? stc_xstrdup(file) : NULL;
    dg->line = line;
    dg->col = col;
    dg->code = stc_xstrdup(code ? code : "STC000");
    va_list ap;
    va_start(ap, fmt);
    dg->message = stc_xvasprintf(fmt, ap);
    va_end(ap);
    return dg;
}

void stc_diag_set_hint(stc_diag *dg, const char *fmt, ...)
{
    free(dg->hint);
    va_list ap;
    va_start(ap, fmt);
    dg->hint = stc_xvasprintf(fmt, ap);
    va_end(ap);
}

void stc_diag_set_end(stc_diag *dg, int end_line, int end_col)
{
    dg->end_line = end_line;
    dg->end_col = end_col;
}

size_t stc_diags_count(const stc_diags *d, stc_severity sev)
{
    size_t n = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].severity == sev)
            n++;
    return n;
}

bool stc_diags_has_errors(const stc_diags *d)
{
    return stc_diags_count(d, STC_SEV_ERROR) > 0;
}

typedef struct {
    stc_diag dg;
    size_t idx;
} stc_diag_sortable;

static int stc_diag_cmp(const void *pa, const void *pb)
{
    const stc_diag_sortable *a = pa, *b = pb;
    int c = strcmp(a->dg.file ? a->dg.file : "", b->dg.file ? b->dg.file : "");
    if (c)
        return c;
    if (a->dg.line != b->dg.line)
        return a->dg.line < b->dg.line ? -1 : 1;
    if (a->dg.col != b->dg.col)
        return a->dg.col < b->dg.col ? -1 : 1;
    return a->idx < b->idx ? -1 : (a->idx > b->idx);
}

void stc_diags_sort(stc_diags *d)
{
    if (d->count < 2)
        return;
    stc_diag_sortable *tmp = stc_xmalloc(d->count * sizeof *tmp);
    for (size_t i = 0; i < d->count; i++) {
        tmp[i].dg = d->items[i];
        tmp[i].idx = i;
    }
    qsort(tmp, d->count, sizeof *tmp, stc_diag_cmp);
    for (size_t i = 0; i < d->count; i++)
        d->items[i] = tmp[i].dg;
    free(tmp);
}

void stc_diags_free(stc_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].file);
        free(d->items[i].code);
        free(d->items[i].message);
        free(d->items[i].hint);
    }
    free(d->items);
    d->items = NULL;
    d->count = d->cap = 0;
}

/* The length of the line starting at p (up to '\n', '\r' or the end). */
static size_t stc_line_len(const char *p)
{
    const char *e = p;
    while (*e && *e != '\n' && *e != '\r')
        e++;
    return (size_t)(e - p);
}

/* Find line `line` (1-based) of `source`; returns its start and sets *len. */
static const char *stc_source_line(const char *source, int line, size_t *len)
{
    const char *p = source;
    for (int i = 1; i < line; i++) {
        p = strchr(p, '\n');
        if (!p)
            return NULL;
        p++;
    }
    *len = stc_line_len(p);
    return p;
}

/* Print a line of source, with invalid UTF-8 and control characters other
 * than tab shown as U+FFFD so a terminal never gets raw bytes. */
static void stc_put_sanitized(FILE *out, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || i + len > n || !stc_utf8_valid(s + i, len, NULL)) {
            fputs("\xEF\xBF\xBD", out);
            i++;
            continue;
        }
        if (len == 1 && ((c < 0x20 && c != '\t') || c == 0x7F)) {
            fputs("\xEF\xBF\xBD", out);
            i++;
            continue;
        }
        fwrite(s + i, 1, len, out);
        i += len;
    }
}

/* One diagnostic; `l` (len bytes) is its source line, or NULL. */
static void stc_diag_print_at(const stc_diag *dg, FILE *out, const char *l, size_t len)
{
    if (dg->file && dg->line > 0)
        fprintf(out, "%s:%d:%d: ", dg->file, dg->line, dg->col > 0 ? dg->col : 1);
    else if (dg->file)
        fprintf(out, "%s: ", dg->file);
    else
        fputs("stc-tui: ", out);
    fprintf(out, "%s: %s %s\n", stc_severity_name(dg->severity), dg->code, dg->message);
    if (l && dg->line > 0) {
        if (len < 1000) {
            fprintf(out, "%5d | ", dg->line);
            stc_put_sanitized(out, l, len);
            fputs("\n      | ", out);
            /* The caret goes under code point `col`; tabs are kept as tabs
             * so the caret lines up with the source line above it. */
            int cp = 1;
            for (size_t i = 0; i < len && cp < dg->col; i++) {
                unsigned char c = (unsigned char)l[i];
                if ((c & 0xC0) == 0x80)
                    continue;
                fputc(c == '\t' ? '\t' : ' ', out);
                cp++;
            }
            fputs("^\n", out);
        }
    }
    if (dg->hint)
        fprintf(out, "      = hint: %s\n", dg->hint);
}

void stc_diag_print_one(const stc_diag *dg, FILE *out, const char *source)
{
    size_t len = 0;
    const char *l = source && dg->line > 0 ? stc_source_line(source, dg->line, &len) : NULL;
    stc_diag_print_at(dg, out, l, len);
}

void stc_diags_print(const stc_diags *d, FILE *out, const char *source)
{
    /* Index the lines once: finding each diagnostic's line from the start of
     * the source made printing O(diagnostics x source) (a 28,000-method
     * module with 2,800 warnings spent 24% of `methods` in strchr). */
    int maxline = 0;
    for (size_t i = 0; source && i < d->count; i++)
        if (d->items[i].line > maxline)
            maxline = d->items[i].line;
    const char **starts = maxline ? stc_xcalloc((size_t)maxline + 1, sizeof *starts) : NULL;
    int nlines = 0;
    for (const char *p = source; p && nlines < maxline;) {
        starts[nlines++] = p;
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    for (size_t i = 0; i < d->count; i++) {
        const stc_diag *dg = &d->items[i];
        const char *l = dg->line > 0 && dg->line <= nlines ? starts[dg->line - 1] : NULL;
        stc_diag_print_at(dg, out, l, l ? stc_line_len(l) : 0);
    }
    free(starts);
}

void *stc_diags_to_json(const stc_diags *d)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < d->count; i++) {
        const stc_diag *dg = &d->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "severity", stc_severity_name(dg->severity));
        if (dg->file)
            cJSON_AddStringToObject(o, "file", dg->file);
        else
            cJSON_AddNullToObject(o, "file");
        cJSON_AddNumberToObject(o, "line", dg->line);
        cJSON_AddNumberToObject(o, "col", dg->col);
        cJSON_AddStringToObject(o, "code", dg->code);
        cJSON_AddStringToObject(o, "message", dg->message);
        if (dg->hint)
            cJSON_AddStringToObject(o, "hint", dg->hint);
        else
            cJSON_AddNullToObject(o, "hint");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}
