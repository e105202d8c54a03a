/* jsonpath.c - parse and evaluate ASL JSONPath (see jsonpath.h). */
#include "stepsim/jsonpath.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

typedef enum seg_kind {
    SEG_FIELD,  /* .name or ['name'] */
    SEG_INDEX,  /* [n] */
    SEG_WILD,   /* .* or [*] */
    SEG_SLICE,  /* [a:b:c] */
    SEG_UNION,  /* [0,1] or ['a','b'] */
    SEG_DEEP,   /* ..name or ..* (name NULL) */
    SEG_FILTER, /* [?(@.x OP lit)] */
} seg_kind;

typedef enum filter_op { OP_EXISTS, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } filter_op;

typedef struct seg seg;
typedef struct path {
    int root; /* '$' data, 'C' context, 'V' variable */
    char *var;
    seg *segs;
    size_t n, cap;
} path;

struct seg {
    seg_kind kind;
    char *name;
    long index;
    bool has_start, has_end;
    long start, end, step;
    /* union: names or indices */
    char **names;
    long *indices;
    size_t count;
    /* filter */
    path *rel;
    filter_op op;
    cJSON *lit;
};

static void path_free(path *p);

static void seg_free(seg *s)
{
    free(s->name);
    for (size_t i = 0; i < s->count; i++)
        if (s->names)
            free(s->names[i]);
    free(s->names);
    free(s->indices);
    if (s->rel)
        path_free(s->rel);
    cJSON_Delete(s->lit);
}

static void path_free(path *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        seg_free(&p->segs[i]);
    free(p->segs);
    free(p->var);
    free(p);
}

static seg *path_push(path *p, seg_kind kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4;
        p->segs = stc_xrealloc(p->segs, p->cap * sizeof *p->segs);
    }
    seg *s = &p->segs[p->n++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->step = 1;
    return s;
}

/* ---- parser ---- */

typedef struct parser {
    const char *s;
    size_t i;
    char *err;
} parser;

static int perr(parser *ps, const char *msg)
{
    if (!ps->err)
        ps->err = stc_xasprintf("%s at offset %zu", msg, ps->i);
    return -1;
}

static void skip_ws(parser *ps)
{
    while (ps->s[ps->i] == ' ')
        ps->i++;
}

static int parse_quoted(parser *ps, char **out)
{
    char q = ps->s[ps->i++];
    stc_buf b = STC_BUF_INIT;
    while (ps->s[ps->i] && ps->s[ps->i] != q) {
        if (ps->s[ps->i] == '\\' && ps->s[ps->i + 1])
            ps->i++;
        stc_buf_putc(&b, ps->s[ps->i++]);
    }
    if (ps->s[ps->i] != q) {
        stc_buf_free(&b);
        return perr(ps, "unterminated string");
    }
    ps->i++;
    *out = stc_buf_take(&b);
    if (!*out)
        *out = stc_xstrdup("");
    return 0;
}

static int parse_long(parser *ps, long *out)
{
    skip_ws(ps);
    const char *start = ps->s + ps->i;
    char *end;
    long v = strtol(start, &end, 10);
    if (end == start)
        return perr(ps, "expected a number");
    ps->i += (size_t)(end - start);
    skip_ws(ps);
    *out = v;
    return 0;
}

static path *parse_path(parser *ps, bool relative);

static int parse_literal(parser *ps, cJSON **out)
{
    skip_ws(ps);
    char c = ps->s[ps->i];
    if (c == '\'' || c == '"') {
        char *str;
        if (parse_quoted(ps, &str) < 0)
            return -1;
        *out = cJSON_CreateString(str);
        free(str);
        return 0;
    }
    const char *start = ps->s + ps->i;
    if (!strncmp(start, "true", 4)) {
        ps->i += 4;
        *out = cJSON_CreateTrue();
        return 0;
    }
    if (!strncmp(start, "false", 5)) {
        ps->i += 5;
        *out = cJSON_CreateFalse();
        return 0;
    }
    if (!strncmp(start, "null", 4)) {
        ps->i += 4;
        *out = cJSON_CreateNull();
        return 0;
    }
    char *end;
    double d = strtod(start, &end);
    if (end == start)
        return perr(ps, "expected a literal");
    ps->i += (size_t)(end - start);
    *out = cJSON_CreateNumber(d);
    return 0;
}

static int parse_filter(parser *ps, seg *s)
{
    /* at "?(" */
    ps->i += 2;
    skip_ws(ps);
    if (ps->s[ps->i] != '@')
        return perr(ps, "a filter must start with @");
    s->rel = parse_path(ps, true);
    if (!s->rel)
        return -1;
    skip_ws(ps);
    static const struct {
        const char *tok;
        filter_op op;
    } ops[] = {{"==", OP_EQ}, {"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE}, {"<", OP_LT}, {">", OP_GT}};
    s->op = OP_EXISTS;
    for (size_t k = 0; k < STC_ARRAY_LEN(ops); k++) {
        size_t len = strlen(ops[k].tok);
        if (!strncmp(ps->s + ps->i, ops[k].tok, len)) {
            s->op = ops[k].op;
            ps->i += len;
            if (parse_literal(ps, &s->lit) < 0)
                return -1;
            break;
        }
    }
    skip_ws(ps);
    if (ps->s[ps->i] != ')')
        return perr(ps, "expected ')' to close the filter");
    ps->i++;
    skip_ws(ps);
    return 0;
}

static int parse_bracket(parser *ps, path *p)
{
    ps->i++; /* '[' */
    skip_ws(ps);
    char c = ps->s[ps->i];
    if (c == '*') {
        ps->i++;
        path_push(p, SEG_WILD);
    } else if (c == '?' && ps->s[ps->i + 1] == '(') {
        seg *s = path_push(p, SEG_FILTER);
        if (parse_filter(ps, s) < 0)
            return -1;
    } else if (c == '\'' || c == '"') {
        char **names = NULL;
        size_t count = 0;
        for (;;) {
            char *name;
            skip_ws(ps);
            if (ps->s[ps->i] != '\'' && ps->s[ps->i] != '"') {
                for (size_t k = 0; k < count; k++)
                    free(names[k]);
                free(names);
                return perr(ps, "expected a quoted name");
            }
            if (parse_quoted(ps, &name) < 0) {
                for (size_t k = 0; k < count; k++)
                    free(names[k]);
                free(names);
                return -1;
            }
            names = stc_xrealloc(names, (count + 1) * sizeof *names);
            names[count++] = name;
            skip_ws(ps);
            if (ps->s[ps->i] != ',')
                break;
            ps->i++;
        }
        if (count == 1) {
            seg *s = path_push(p, SEG_FIELD);
            s->name = names[0];
            free(names);
        } else {
            seg *s = path_push(p, SEG_UNION);
            s->names = names;
            s->count = count;
        }
    } else {
        /* index, union of indices or slice */
        long a = 0;
        bool has_a = false;
        skip_ws(ps);
        if (ps->s[ps->i] != ':') {
            if (parse_long(ps, &a) < 0)
                return -1;
            has_a = true;
        }
        if (ps->s[ps->i] == ':') {
            seg *s = path_push(p, SEG_SLICE);
            s->has_start = has_a;
            s->start = a;
            ps->i++;
            skip_ws(ps);
            if (ps->s[ps->i] != ']' && ps->s[ps->i] != ':') {
                if (parse_long(ps, &s->end) < 0)
                    return -1;
                s->has_end = true;
            }
            if (ps->s[ps->i] == ':') {
                ps->i++;
                skip_ws(ps);
                if (ps->s[ps->i] != ']') {
                    if (parse_long(ps, &s->step) < 0)
                        return -1;
                    if (s->step == 0)
                        return perr(ps, "slice step cannot be 0");
                }
            }
        } else if (ps->s[ps->i] == ',') {
            seg *s = path_push(p, SEG_UNION);
            s->indices = stc_xmalloc(sizeof(long));
            s->indices[0] = a;
            s->count = 1;
            while (ps->s[ps->i] == ',') {
                ps->i++;
                long v;
                if (parse_long(ps, &v) < 0)
                    return -1;
                s->indices = stc_xrealloc(s->indices, (s->count + 1) * sizeof(long));
                s->indices[s->count++] = v;
            }
        } else {
            seg *s = path_push(p, SEG_INDEX);
            s->index = a;
        }
    }
    skip_ws(ps);
    if (ps->s[ps->i] != ']')
        return perr(ps, "expected ']'");
    ps->i++;
    return 0;
}

static bool name_char(char c, bool relative)
{
    if (c == '\0' || c == '.' || c == '[')
        return false;
    if (relative && (c == ' ' || c == ')' || c == '=' || c == '!' || c == '<' || c == '>'))
        return false;
    return true;
}

static path *parse_path(parser *ps, bool relative)
{
    path *p = stc_xcalloc(1, sizeof *p);
    const char *s = ps->s;
    if (relative) {
        p->root = '@';
        ps->i++;
    } else if (s[ps->i] != '$') {
        perr(ps, "a path must start with '$'");
        path_free(p);
        return NULL;
    } else if (s[ps->i + 1] == '$') {
        p->root = 'C';
        ps->i += 2;
    } else if (isalpha((unsigned char)s[ps->i + 1]) || s[ps->i + 1] == '_') {
        p->root = 'V';
        size_t st = ++ps->i;
        while (isalnum((unsigned char)s[ps->i]) || s[ps->i] == '_')
            ps->i++;
        p->var = stc_xstrndup(s + st, ps->i - st);
    } else {
        p->root = '$';
        ps->i++;
    }
    for (;;) {
        char c = s[ps->i];
        if (c == '\0' || (relative && !(c == '.' || c == '[')))
            break;
        if (c == '.' && s[ps->i + 1] == '.') {
            ps->i += 2;
            seg *sg = path_push(p, SEG_DEEP);
            if (s[ps->i] == '*') {
                ps->i++;
            } else {
                size_t st = ps->i;
                while (name_char(s[ps->i], relative))
                    ps->i++;
                if (st == ps->i) {
                    perr(ps, "expected a name after '..'");
                    goto fail;
                }
                sg->name = stc_xstrndup(s + st, ps->i - st);
            }
        } else if (c == '.') {
            ps->i++;
            if (s[ps->i] == '*') {
                ps->i++;
                path_push(p, SEG_WILD);
                continue;
            }
            if (s[ps->i] == '[')
                continue; /* "$.['x']" tolerated */
            size_t st = ps->i;
            while (name_char(s[ps->i], relative))
                ps->i++;
            if (st == ps->i) {
                perr(ps, "expected a name after '.'");
                goto fail;
            }
            seg *sg = path_push(p, SEG_FIELD);
            sg->name = stc_xstrndup(s + st, ps->i - st);
        } else if (c == '[') {
            if (parse_bracket(ps, p) < 0)
                goto fail;
        } else {
            perr(ps, "unexpected character");
            goto fail;
        }
    }
    return p;
fail:
    path_free(p);
    return NULL;
}

static path *compile(const char *text, char **err)
{
    parser ps = {text, 0, NULL};
    path *p = parse_path(&ps, false);
    if (!p) {
        if (err)
            *err = ps.err;
        else
            free(ps.err);
        return NULL;
    }
    free(ps.err);
    return p;
}

/* Parsed paths by text: the simulator evaluates the same few paths of a
 * machine again and again (a loop runs each state's paths once per
 * iteration), so eval/get/exists parse each text once. Direct-mapped
 * (PATH_CACHE slots, FNV-1a of the text); a slot's path is freed when
 * another text takes it. Only valid paths are kept. Single-threaded, like
 * the simulator; the table stays reachable until exit. */
#define PATH_CACHE 128
static struct {
    char *text;
    path *p;
} path_cache[PATH_CACHE];

static size_t text_hash(const char *s)
{
    return stc_name_hash(s) % PATH_CACHE;
}

/* Borrowed from the cache: valid until the next compile_cached (no path
 * evaluation compiles another path). */
static const path *compile_cached(const char *text, char **err)
{
    size_t h = text_hash(text);
    if (path_cache[h].text && !strcmp(path_cache[h].text, text))
        return path_cache[h].p;
    path *p = compile(text, err);
    if (!p)
        return NULL;
    free(path_cache[h].text);
    path_free(path_cache[h].p);
    path_cache[h].text = stc_xstrdup(text);
    path_cache[h].p = p;
    return p;
}

static bool path_definite(const path *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->segs[i].kind != SEG_FIELD && p->segs[i].kind != SEG_INDEX)
            return false;
    return true;
}

bool stc_jsonpath_is_path(const char *s)
{
    return s && s[0] == '$';
}

int stc_jsonpath_check(const char *text, bool reference, char **msg)
{
    char *err = NULL;
    path *p = compile(text, &err);
    if (!p) {
        *msg = stc_xasprintf("invalid path '%s': %s", text, err);
        free(err);
        return -1;
    }
    int rc = 0;
    if (reference && (p->root != '$' || !path_definite(p))) {
        *msg = stc_xasprintf("'%s' is not a reference path (only $ with .field, ['field'] "
                             "and [index] segments)",
                             text);
        rc = -1;
    }
    path_free(p);
    return rc;
}

/* ---- evaluation ---- */

typedef struct nodes {
    const cJSON **v;
    size_t n, cap;
} nodes;

static void nodes_add(nodes *ns, const cJSON *v)
{
    if (ns->n == ns->cap) {
        ns->cap = ns->cap ? ns->cap * 2 : 8;
        ns->v = stc_xrealloc(ns->v, ns->cap * sizeof *ns->v);
    }
    ns->v[ns->n++] = v;
}

static const cJSON *array_at(const cJSON *a, long idx)
{
    int size = cJSON_GetArraySize(a);
    if (idx < 0)
        idx += size;
    if (idx < 0 || idx >= size)
        return NULL;
    return cJSON_GetArrayItem(a, (int)idx);
}

static void deep_scan(const cJSON *v, const char *name, nodes *out)
{
    if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c; c = c->next) {
            if (!name || !strcmp(c->string, name))
                nodes_add(out, c);
        }
        for (const cJSON *c = v->child; c; c = c->next)
            deep_scan(c, name, out);
    } else if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c; c = c->next) {
            if (!name)
                nodes_add(out, c);
            deep_scan(c, name, out);
        }
    }
}

static const cJSON *eval_definite(const path *p, const cJSON *root);

static int cmp_num(double a, double b)
{
    return a < b ? -1 : a > b ? 1 : 0;
}

static bool filter_match(const seg *s, const cJSON *item)
{
    const cJSON *v = eval_definite(s->rel, item);
    if (!v)
        return false;
    if (s->op == OP_EXISTS)
        return true;
    int c;
    if (cJSON_IsNumber(v) && cJSON_IsNumber(s->lit))
        c = cmp_num(v->valuedouble, s->lit->valuedouble);
    else if (cJSON_IsString(v) && cJSON_IsString(s->lit))
        c = strcmp(v->valuestring, s->lit->valuestring);
    else if (s->op == OP_EQ || s->op == OP_NE)
        c = cJSON_Compare(v, s->lit, true) ? 0 : 1;
    else
        return false;
    switch (s->op) {
    case OP_EQ: return c == 0;
    case OP_NE: return c != 0;
    case OP_LT: return c < 0;
    case OP_LE: return c <= 0;
    case OP_GT: return c > 0;
    case OP_GE: return c >= 0;
    default: return false;
    }
}

static void apply_seg(const seg *s, const cJSON *v, nodes *out)
{
    switch (s->kind) {
    case SEG_FIELD:
        if (cJSON_IsObject(v)) {
            const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, s->name);
            if (c)
                nodes_add(out, c);
        }
        break;
    case SEG_INDEX:
        if (cJSON_IsArray(v)) {
            const cJSON *c = array_at(v, s->index);
            if (c)
                nodes_add(out, c);
        }
        break;
    case SEG_WILD:
        if (cJSON_IsArray(v) || cJSON_IsObject(v))
            for (const cJSON *c = v->child; c; c = c->next)
                nodes_add(out, c);
        break;
    case SEG_SLICE: {
        if (!cJSON_IsArray(v))
            break;
        long size = cJSON_GetArraySize(v);
        long st = s->has_start ? s->start : (s->step > 0 ? 0 : size - 1);
        long en = s->has_end ? s->end : (s->step > 0 ? size : -size - 1);
        if (st < 0)
            st += size;
        if (en < 0)
            en += size;
        if (s->step > 0) {
            if (st < 0)
                st = 0;
            if (en > size)
                en = size;
            for (long k = st; k < en; k += s->step)
                nodes_add(out, cJSON_GetArrayItem(v, (int)k));
        } else {
            if (st >= size)
                st = size - 1;
            for (long k = st; k > en && k >= 0; k += s->step)
                nodes_add(out, cJSON_GetArrayItem(v, (int)k));
        }
        break;
    }
    case SEG_UNION:
        for (size_t k = 0; k < s->count; k++) {
            const cJSON *c = NULL;
            if (s->names && cJSON_IsObject(v))
                c = cJSON_GetObjectItemCaseSensitive(v, s->names[k]);
            else if (s->indices && cJSON_IsArray(v))
                c = array_at(v, s->indices[k]);
            if (c)
                nodes_add(out, c);
        }
        break;
    case SEG_DEEP:
        deep_scan(v, s->name, out);
        break;
    case SEG_FILTER:
        if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
            for (const cJSON *c = v->child; c; c = c->next)
                if (filter_match(s, c))
                    nodes_add(out, c);
        }
        break;
    }
}

static void eval_nodes(const path *p, const cJSON *root, nodes *result)
{
    nodes cur = {0};
    nodes_add(&cur, root);
    for (size_t i = 0; i < p->n; i++) {
        nodes next = {0};
        for (size_t k = 0; k < cur.n; k++)
            apply_seg(&p->segs[i], cur.v[k], &next);
        free(cur.v);
        cur = next;
        if (cur.n == 0)
            break;
    }
    *result = cur;
}

static const cJSON *eval_definite(const path *p, const cJSON *root)
{
    const cJSON *v = root;
    for (size_t i = 0; i < p->n && v; i++) {
        const seg *s = &p->segs[i];
        if (s->kind == SEG_FIELD)
            v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, s->name) : NULL;
        else if (s->kind == SEG_INDEX)
            v = cJSON_IsArray(v) ? array_at(v, s->index) : NULL;
        else
            return NULL;
    }
    return v;
}

static const cJSON *root_of(const path *p, const stc_scope *sc)
{
    switch (p->root) {
    case 'C':
        if (sc->context || !sc->lookup_var)
            return sc->context;
        return sc->lookup_var(sc->var_ud, NULL);
    case 'V': return sc->lookup_var ? sc->lookup_var(sc->var_ud, p->var) : NULL;
    default: return sc->input;
    }
}

static void normalized(const path *p, stc_buf *b)
{
    if (p->root == 'C')
        stc_buf_puts(b, "$$");
    else if (p->root == 'V')
        stc_buf_printf(b, "$%s", p->var);
    else
        stc_buf_puts(b, "$");
    for (size_t i = 0; i < p->n; i++) {
        const seg *s = &p->segs[i];
        switch (s->kind) {
        case SEG_FIELD: stc_buf_printf(b, "['%s']", s->name); break;
        case SEG_INDEX: stc_buf_printf(b, "[%ld]", s->index); break;
        case SEG_WILD: stc_buf_puts(b, "[*]"); break;
        case SEG_SLICE: stc_buf_puts(b, "[slice]"); break;
        case SEG_UNION: stc_buf_puts(b, "[union]"); break;
        case SEG_DEEP: stc_buf_printf(b, "..['%s']", s->name ? s->name : "*"); break;
        case SEG_FILTER: stc_buf_puts(b, "[?]"); break;
        }
    }
}

char *stc_jsonpath_normalized(const char *text)
{
    path *p = compile(text, NULL);
    if (!p)
        return stc_xstrdup(text);
    stc_buf b = STC_BUF_INIT;
    normalized(p, &b);
    path_free(p);
    return stc_buf_take(&b);
}

int stc_jsonpath_eval_ref(const char *text, const stc_scope *sc, const cJSON **out,
                          cJSON **owned, stc_rterr *err)
{
    *owned = NULL;
    char *perr_msg = NULL;
    const path *p = compile_cached(text, &perr_msg);
    if (!p) {
        stc_rterr_set(err, "States.Runtime", "Invalid path '%s': %s", text, perr_msg);
        free(perr_msg);
        return -1;
    }
    const cJSON *root = root_of(p, sc);
    if (path_definite(p)) {
        const cJSON *v = root ? eval_definite(p, root) : NULL;
        if (!v) {
            stc_buf b = STC_BUF_INIT;
            normalized(p, &b);
            if (p->root == 'V' && !root)
                stc_rterr_set(err, "States.Runtime",
                              "Invalid path '%s' : The variable '$%s' is not defined", text,
                              p->var);
            else
                stc_rterr_set(err, "States.Runtime", "Invalid path '%s' : No results for path: %s",
                              text, stc_buf_cstr(&b));
            stc_buf_free(&b);
            return -1;
        }
        *out = v;
        return 0;
    }
    cJSON *arr = cJSON_CreateArray();
    if (root) {
        nodes ns;
        eval_nodes(p, root, &ns);
        for (size_t i = 0; i < ns.n; i++)
            cJSON_AddItemToArray(arr, cJSON_Duplicate(ns.v[i], true));
        free(ns.v);
    }
    *out = *owned = arr;
    return 0;
}

int stc_jsonpath_eval(const char *text, const stc_scope *sc, cJSON **out, stc_rterr *err)
{
    const cJSON *v;
    cJSON *owned;
    if (stc_jsonpath_eval_ref(text, sc, &v, &owned, err) < 0)
        return -1;
    *out = owned ? owned : cJSON_Duplicate(v, true);
    return 0;
}

const cJSON *stc_jsonpath_get(const char *text, const stc_scope *sc)
{
    const path *p = compile_cached(text, NULL);
    if (!p)
        return NULL;
    const cJSON *root = root_of(p, sc);
    const cJSON *v = (root && path_definite(p)) ? eval_definite(p, root) : NULL;
    return v;
}

bool stc_jsonpath_exists(const char *text, const stc_scope *sc)
{
    const path *p = compile_cached(text, NULL);
    if (!p)
        return false;
    const cJSON *root = root_of(p, sc);
    bool found = false;
    if (root) {
        if (path_definite(p)) {
            found = eval_definite(p, root) != NULL;
        } else {
            nodes ns;
            eval_nodes(p, root, &ns);
            found = ns.n > 0;
            free(ns.v);
        }
    }
    return found;
}

int stc_jsonpath_set(const char *text, cJSON **doc, cJSON *value, stc_rterr *err)
{
    char *perr_msg = NULL;
    path *p = compile(text, &perr_msg);
    if (!p || p->root != '$' || !path_definite(p)) {
        stc_rterr_set(err, "States.Runtime", "Invalid ResultPath '%s'%s%s", text,
                      perr_msg ? ": " : "", perr_msg ? perr_msg : "");
        free(perr_msg);
        path_free(p);
        cJSON_Delete(value);
        return -1;
    }
    if (p->n == 0) {
        cJSON_Delete(*doc);
        *doc = value;
        path_free(p);
        return 0;
    }
    cJSON *v = *doc;
    for (size_t i = 0; i < p->n; i++) {
        const seg *s = &p->segs[i];
        bool last = i + 1 == p->n;
        if (s->kind == SEG_FIELD) {
            if (!cJSON_IsObject(v))
                goto mismatch;
            cJSON *c = cJSON_GetObjectItemCaseSensitive(v, s->name);
            if (last) {
                if (c)
                    cJSON_ReplaceItemInObjectCaseSensitive(v, s->name, value);
                else
                    cJSON_AddItemToObject(v, s->name, value);
            } else if (!c) {
                c = cJSON_CreateObject();
                cJSON_AddItemToObject(v, s->name, c);
            }
            v = c;
        } else {
            if (!cJSON_IsArray(v))
                goto mismatch;
            cJSON *c = (cJSON *)array_at(v, s->index);
            if (!c)
                goto mismatch;
            if (last)
                cJSON_ReplaceItemViaPointer(v, c, value);
            v = c;
        }
    }
    path_free(p);
    return 0;
mismatch:
    path_free(p);
    cJSON_Delete(value);
    return stc_rterr_set(err, "States.ResultPathMatchFailure",
                         "Unable to apply ResultPath '%s' to the state's input: the path runs "
                         "through a value that is not an object",
                         text);
}
