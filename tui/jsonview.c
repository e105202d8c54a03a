/* jsonview.c - see jsonview.h. */
#include "tui/jsonview.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tui/theme.h"

/* A container whose members are all scalars goes on one line when the
 * whole line (indent and key included) stays within this many bytes. */
enum { STC_JSONVIEW_INLINE = 76 };

typedef struct stc_jv_builder {
    stc_jsonview *v;
    int cap;
    stc_buf text;
    unsigned short *sty;
    size_t sty_cap;
    int state;       /* the state being written, -1 */
    bool head;       /* the next row opens the state's entry */
} stc_jv_builder;

static void stc_jv_put(stc_jv_builder *b, const char *s, size_t n, int el)
{
    size_t at = b->text.len;
    stc_buf_add(&b->text, s, n);
    if (b->text.len + 1 > b->sty_cap) {
        b->sty_cap = (b->text.len + 1) * 2;
        b->sty = stc_xrealloc(b->sty, b->sty_cap * sizeof *b->sty);
    }
    for (size_t i = at; i < b->text.len; i++)
        b->sty[i] = (unsigned short)el;
}

static void stc_jv_puts(stc_jv_builder *b, const char *s, int el)
{
    stc_jv_put(b, s, strlen(s), el);
}

/* Start a row at `depth` (its indent). */
static void stc_jv_start(stc_jv_builder *b, int depth)
{
    stc_buf_clear(&b->text);
    for (int i = 0; i < depth; i++)
        stc_jv_puts(b, "  ", STC_EL_NORMAL);
}

/* Finish the row being written; returns its index. */
static int stc_jv_end(stc_jv_builder *b, int depth)
{
    stc_jsonview *v = b->v;
    if (v->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 256;
        v->rows = stc_xrealloc(v->rows, (size_t)b->cap * sizeof *v->rows);
    }
    stc_json_row *r = &v->rows[v->n];
    memset(r, 0, sizeof *r);
    r->text = stc_xstrndup(stc_buf_cstr(&b->text), b->text.len);
    r->sty = stc_xmalloc((b->text.len + 1) * sizeof *r->sty);
    if (b->text.len)
        memcpy(r->sty, b->sty, b->text.len * sizeof *r->sty);
    r->depth = depth;
    r->end = v->n;
    r->state = b->state;
    r->state_head = b->head;
    b->head = false;
    return v->n++;
}

static bool stc_jv_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), n = strlen(suffix);
    return a >= n && strcmp(s + a - n, suffix) == 0;
}

/* Is a string under `key` an expression of the machine? */
static bool stc_jv_is_expr(const char *key, const char *s)
{
    size_t n = strlen(s);
    if (n >= 4 && strncmp(s, "{%", 2) == 0 && strcmp(s + n - 2, "%}") == 0)
        return true;
    return key && (stc_jv_ends_with(key, ".$") || strcmp(key, "Variable") == 0 ||
                   (stc_jv_ends_with(key, "Path") && s[0] == '$'));
}

/* A scalar: strings (escaped as JSON), numbers, true/false/null. */
static void stc_jv_scalar(stc_jv_builder *b, const cJSON *v, const char *key)
{
    char *s = cJSON_PrintUnformatted(v);
    int el = STC_EL_JSON_NUMBER;
    if (cJSON_IsString(v))
        el = stc_jv_is_expr(key, v->valuestring) ? STC_EL_JSON_EXPR : STC_EL_JSON_STRING;
    stc_jv_puts(b, s ? s : "null", el);
    free(s);
}

static void stc_jv_key(stc_jv_builder *b, const char *key)
{
    cJSON *k = cJSON_CreateString(key);
    char *s = cJSON_PrintUnformatted(k);
    stc_jv_puts(b, s, STC_EL_JSON_KEY);
    stc_jv_puts(b, ":", STC_EL_JSON_PUNCT);
    stc_jv_puts(b, " ", STC_EL_NORMAL);
    free(s);
    cJSON_Delete(k);
}

static bool stc_jv_container(const cJSON *v)
{
    return cJSON_IsObject(v) || cJSON_IsArray(v);
}

/* The one-line length of a container of scalars, or -1 when it has a
 * container inside. */
static long stc_jv_flat_len(const cJSON *v)
{
    long n = 2;
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach(c, v)
    {
        if (stc_jv_container(c))
            return -1;
        if (i++)
            n += 2;
        char *s = cJSON_PrintUnformatted(c);
        n += s ? (long)strlen(s) : 4;
        free(s);
        if (c->string) {
            cJSON *k = cJSON_CreateString(c->string);
            char *ks = cJSON_PrintUnformatted(k);
            n += (long)strlen(ks) + 2;
            free(ks);
            cJSON_Delete(k);
        }
    }
    return n;
}

static bool stc_jv_is_machine(const cJSON *v)
{
    return cJSON_IsObject(v) && cJSON_GetObjectItemCaseSensitive(v, "StartAt") &&
           cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v, "States"));
}

static void stc_jv_value(stc_jv_builder *b, const cJSON *v, const char *key, int depth, const char *path,
                         bool states, bool comma);

/* The members of container `v`, whose opening row is `open`, then its
 * closing row. */
static void stc_jv_members(stc_jv_builder *b, const cJSON *v, int depth, const char *path, bool states,
                           bool comma, int open)
{
    bool obj = cJSON_IsObject(v);
    bool machine = obj && stc_jv_is_machine(v);
    const cJSON *c;
    int i = 0;
    cJSON_ArrayForEach(c, v)
    {
        char *sub = obj ? stc_xasprintf("%s%s%s", path, *path ? "." : "", c->string)
                        : stc_xasprintf("%s[%d]", path, i);
        int keep = b->state;
        if (states) {
            stc_jsonview *jv = b->v;
            jv->states = stc_xrealloc(jv->states, (size_t)(jv->nstates + 1) * sizeof *jv->states);
            jv->states[jv->nstates] = stc_xstrdup(c->string);
            b->state = jv->nstates++;
            b->head = true;
        }
        bool inner = machine && strcmp(c->string, "States") == 0;
        stc_jv_start(b, depth + 1);
        if (obj)
            stc_jv_key(b, c->string);
        stc_jv_value(b, c, obj ? c->string : NULL, depth + 1, sub, inner, c->next != NULL);
        b->state = keep;
        free(sub);
        i++;
    }
    stc_jv_start(b, depth);
    stc_jv_puts(b, obj ? "}" : "]", STC_EL_JSON_PUNCT);
    if (comma)
        stc_jv_puts(b, ",", STC_EL_JSON_PUNCT);
    int close = stc_jv_end(b, depth);
    stc_json_row *r = &b->v->rows[open];
    r->end = close;
    r->header = true;
    r->path = stc_xstrdup(path);
}

/* Write value `v` on the row started by the caller (indent and key already
 * there), and the rows below it for a container. */
static void stc_jv_value(stc_jv_builder *b, const cJSON *v, const char *key, int depth, const char *path,
                         bool states, bool comma)
{
    if (!stc_jv_container(v)) {
        stc_jv_scalar(b, v, key);
        if (comma)
            stc_jv_puts(b, ",", STC_EL_JSON_PUNCT);
        stc_jv_end(b, depth);
        return;
    }
    bool obj = cJSON_IsObject(v);
    long flat = stc_jv_flat_len(v);
    if (!v->child || (flat >= 0 && !states && (long)b->text.len + flat + 1 <= STC_JSONVIEW_INLINE)) {
        stc_jv_puts(b, obj ? "{" : "[", STC_EL_JSON_PUNCT);
        const cJSON *c;
        int i = 0;
        cJSON_ArrayForEach(c, v)
        {
            if (i++)
                stc_jv_puts(b, ", ", STC_EL_JSON_PUNCT);
            if (obj)
                stc_jv_key(b, c->string);
            stc_jv_scalar(b, c, obj ? c->string : key);
        }
        stc_jv_puts(b, obj ? "}" : "]", STC_EL_JSON_PUNCT);
        if (comma)
            stc_jv_puts(b, ",", STC_EL_JSON_PUNCT);
        stc_jv_end(b, depth);
        return;
    }
    stc_jv_puts(b, obj ? "{" : "[", STC_EL_JSON_PUNCT);
    int open = stc_jv_end(b, depth);
    stc_jv_members(b, v, depth, path, states, comma, open);
}

void stc_jsonview_build(stc_jsonview *v, const cJSON *doc)
{
    memset(v, 0, sizeof *v);
    if (!doc)
        return;
    stc_jv_builder b = {.v = v, .state = -1};
    stc_jv_start(&b, 0);
    stc_jv_value(&b, doc, NULL, 0, "", false, false);
    stc_buf_free(&b.text);
    free(b.sty);
}

void stc_jsonview_free(stc_jsonview *v)
{
    for (int i = 0; i < v->n; i++) {
        free(v->rows[i].text);
        free(v->rows[i].sty);
        free(v->rows[i].path);
    }
    free(v->rows);
    for (int i = 0; i < v->nstates; i++)
        free(v->states[i]);
    free(v->states);
    memset(v, 0, sizeof *v);
}

int stc_jsonview_state_row(const stc_jsonview *v, const char *name)
{
    for (int i = 0; name && i < v->n; i++)
        if (v->rows[i].state_head && strcmp(v->states[v->rows[i].state], name) == 0)
            return i;
    return -1;
}

const char *stc_jsonview_state_at(const stc_jsonview *v, int row)
{
    return row >= 0 && row < v->n && v->rows[row].state >= 0 ? v->states[v->rows[row].state] : NULL;
}

int stc_jsonview_owner(const stc_jsonview *v, int row)
{
    if (row < 0 || row >= v->n)
        return -1;
    for (int i = row; i >= 0; i--)
        if (v->rows[i].header && v->rows[i].end >= row)
            return i;
    return -1;
}

/* ---- states in a JSON text ---------------------------------------------- */

typedef struct stc_jv_frame {
    bool obj;
    bool states; /* an object under the key "States": its members are states */
    int span;    /* the span this container is the value of, -1 */
} stc_jv_frame;

int stc_jsonview_spans(const char *text, stc_json_span **out)
{
    *out = NULL;
    int n = 0, line = 1, depth = 0, cap = 0;
    stc_jv_frame *st = NULL;
    char *key = NULL;      /* the last key read in the current object */
    int key_line = 0;
    bool after_colon = false;
    for (const char *p = text ? text : ""; *p; p++) {
        char c = *p;
        if (c == '\n') {
            line++;
            continue;
        }
        if (c == '"') {
            const char *q = p + 1;
            while (*q && *q != '"') {
                if (*q == '\\' && q[1])
                    q++;
                q++;
            }
            if (!*q)
                break;
            bool is_key = depth > 0 && st[depth - 1].obj && !after_colon;
            if (is_key) {
                char *raw = stc_xstrndup(p, (size_t)(q - p + 1));
                cJSON *k = cJSON_Parse(raw);
                free(key);
                key = cJSON_IsString(k) ? stc_xstrdup(k->valuestring) : NULL;
                key_line = line;
                cJSON_Delete(k);
                free(raw);
            }
            for (const char *r = p; r < q; r++)
                line += *r == '\n';
            p = q;
            after_colon = false;
            continue;
        }
        if (c == ':') {
            after_colon = true;
            continue;
        }
        if (c == ',') {
            after_colon = false;
            continue;
        }
        if (c == '{' || c == '[') {
            if (depth == cap) {
                cap = cap ? cap * 2 : 16;
                st = stc_xrealloc(st, (size_t)cap * sizeof *st);
            }
            stc_jv_frame f = {c == '{', false, -1};
            if (depth > 0 && st[depth - 1].obj && after_colon && key) {
                f.states = c == '{' && strcmp(key, "States") == 0;
                if (st[depth - 1].states && c == '{') {
                    *out = stc_xrealloc(*out, (size_t)(n + 1) * sizeof **out);
                    (*out)[n] = (stc_json_span){stc_xstrdup(key), key_line, line};
                    f.span = n++;
                }
            }
            st[depth++] = f;
            after_colon = false;
            continue;
        }
        if (c == '}' || c == ']') {
            if (depth == 0)
                break;
            depth--;
            if (st[depth].span >= 0)
                (*out)[st[depth].span].last = line;
            after_colon = false;
        }
    }
    free(key);
    free(st);
    return n;
}

void stc_jsonview_spans_free(stc_json_span *v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}
