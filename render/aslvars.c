/* aslvars.c - see aslvars.h. */
#include "render/aslvars.h"

#include <stdlib.h>
#include <string.h>

#include "core/util.h"

/* JSONata's built-in functions (docs.jsonata.org, "Function library") and
 * the ones Step Functions adds ($partition $range $hash $random $uuid
 * $parse): a bare `$sum` passed as an argument is a function, not a
 * variable. */
static const char *const stc_aslvars_builtins[] = {
    "abs", "append", "assert", "average", "base64decode", "base64encode", "boolean", "ceil", "contains",
    "count", "decodeUrl", "decodeUrlComponent", "distinct", "each", "encodeUrl", "encodeUrlComponent",
    "error", "eval", "exists", "filter", "floor", "formatBase", "formatInteger", "formatNumber",
    "fromMillis", "hash", "join", "keys", "length", "lookup", "lowercase", "map", "match", "max", "merge",
    "millis", "min", "not", "now", "number", "pad", "parse", "parseInteger", "partition", "power", "random",
    "range", "reduce", "replace", "reverse", "round", "shuffle", "sift", "single", "sort", "split", "spread",
    "sqrt", "string", "substring", "substringAfter", "substringBefore", "sum", "toMillis", "trim", "type",
    "uppercase", "uuid", "zip",
};

static bool stc_aslvars_is_builtin(const char *name, size_t len)
{
    for (size_t i = 0; i < STC_ARRAY_LEN(stc_aslvars_builtins); i++)
        if (strlen(stc_aslvars_builtins[i]) == len && memcmp(stc_aslvars_builtins[i], name, len) == 0)
            return true;
    return false;
}

/* ---- name sets ------------------------------------------------------- */

static bool stc_aslnames_has(const stc_aslnames *s, const char *name, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == len && memcmp(s->v[i], name, len) == 0)
            return true;
    return false;
}

static void stc_aslnames_add(stc_aslnames *s, const char *name, size_t len)
{
    if (len == 0 || stc_aslnames_has(s, name, len))
        return;
    s->v = stc_xrealloc(s->v, (s->n + 1) * sizeof *s->v);
    s->v[s->n++] = stc_xstrndup(name, len);
}

static int stc_aslnames_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void stc_aslnames_sort(stc_aslnames *s)
{
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, stc_aslnames_cmp);
}

static void stc_aslnames_free(stc_aslnames *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = 0;
}

void stc_aslvars_free(stc_aslvars *v)
{
    stc_aslnames_free(&v->reads);
    stc_aslnames_free(&v->assigns);
    stc_aslnames_free(&v->catch_assigns);
    stc_aslnames_free(&v->data_reads);
    stc_aslnames_free(&v->data_sets);
}

/* ---- JSONata --------------------------------------------------------- */

/* A byte of a JSONata name: letters, digits, '_' and anything outside
 * ASCII (the reference stops a name only at operators and white space). */
static bool stc_aslvars_name_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 0x80 || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_';
}

static size_t stc_aslvars_skip_space(const char *s, size_t i, size_t n)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    return i;
}

/* The end of a quoted run opened at s[i] ('...', "...", `...`). */
static size_t stc_aslvars_skip_quoted(const char *s, size_t i, size_t n)
{
    char q = s[i++];
    while (i < n && s[i] != q)
        i += s[i] == '\\' && q != '`' && i + 1 < n ? 2 : 1;
    return i < n ? i + 1 : n;
}

void stc_aslvars_expr_reads(const char *expr, stc_aslnames *out)
{
    size_t n = strlen(expr);
    const char *s = expr;
    if (n >= 4 && strncmp(s, "{%", 2) == 0 && strcmp(s + n - 2, "%}") == 0) {
        s += 2;
        n -= 4;
    }
    stc_aslnames seen = {0}, local = {0};
    bool params = false; /* inside the parameter list of function(...) */
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (c == '\'' || c == '"' || c == '`') {
            i = stc_aslvars_skip_quoted(s, i, n);
            continue;
        }
        if (c == '/' && i + 1 < n && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            i = end && (size_t)(end - s) < n ? (size_t)(end - s) + 2 : n;
            continue;
        }
        if (params && c == ')') {
            params = false;
            i++;
            continue;
        }
        /* function($a, $b) or λ($a): the parameters are the lambda's own */
        if ((c == 'f' && n - i >= 8 && strncmp(s + i, "function", 8) == 0 &&
             (i == 0 || !stc_aslvars_name_byte(s[i - 1])) && (i + 8 >= n || !stc_aslvars_name_byte(s[i + 8]))) ||
            (n - i >= 2 && (unsigned char)s[i] == 0xCE && (unsigned char)s[i + 1] == 0xBB)) {
            size_t j = stc_aslvars_skip_space(s, i + (c == 'f' ? 8 : 2), n);
            if (j < n && s[j] == '(')
                params = true;
            i = j < n && s[j] == '(' ? j + 1 : i + 1;
            continue;
        }
        if (c != '$') {
            i++;
            continue;
        }
        size_t b = i + 1;
        if (b < n && s[b] == '$') { /* $$: the root */
            i = b + 1;
            continue;
        }
        size_t e = b;
        while (e < n && stc_aslvars_name_byte(s[e]))
            e++;
        i = e;
        if (e == b) /* $: the context */
            continue;
        if (params) {
            stc_aslnames_add(&local, s + b, e - b);
            continue;
        }
        size_t after = stc_aslvars_skip_space(s, e, n);
        if (after + 1 < n && s[after] == ':' && s[after + 1] == '=') {
            stc_aslnames_add(&local, s + b, e - b);
            continue;
        }
        if (after < n && s[after] == '(')
            continue; /* a call: workflow variables hold JSON, never functions */
        if ((e - b == 6 && memcmp(s + b, "states", 6) == 0) || stc_aslvars_is_builtin(s + b, e - b))
            continue;
        stc_aslnames_add(&seen, s + b, e - b);
    }
    for (size_t k = 0; k < seen.n; k++)
        if (!stc_aslnames_has(&local, seen.v[k], strlen(seen.v[k])))
            stc_aslnames_add(out, seen.v[k], strlen(seen.v[k]));
    stc_aslnames_free(&seen);
    stc_aslnames_free(&local);
}

/* Every {% %} string below `v`. */
static void stc_aslvars_jsonata_walk(const cJSON *v, stc_aslnames *out)
{
    if (cJSON_IsString(v)) {
        size_t n = strlen(v->valuestring);
        if (n >= 4 && strncmp(v->valuestring, "{%", 2) == 0 && strcmp(v->valuestring + n - 2, "%}") == 0)
            stc_aslvars_expr_reads(v->valuestring, out);
        return;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, v) stc_aslvars_jsonata_walk(c, out);
}

/* ---- JSONPath -------------------------------------------------------- */

/* Variables in a JSONPath path or intrinsic call: "$x.a",
 * "States.Format('{}', $x)"; also the compiler's "$.vars.NAME" into
 * `data`. */
static void stc_aslvars_path_reads(const char *p, stc_aslnames *vars, stc_aslnames *data)
{
    size_t n = strlen(p);
    for (size_t i = 0; i < n;) {
        if (p[i] == '\'') {
            i = stc_aslvars_skip_quoted(p, i, n);
            continue;
        }
        if (p[i] != '$' || (i > 0 && stc_aslvars_name_byte(p[i - 1]))) {
            i++;
            continue;
        }
        size_t b = i + 1;
        if (b < n && p[b] == '$') {
            i = b + 1;
            continue;
        }
        if (strncmp(p + b, ".vars.", 6) == 0) {
            size_t s = b + 6, e = s;
            while (e < n && stc_aslvars_name_byte(p[e]))
                e++;
            stc_aslnames_add(data, p + s, e - s);
            i = e;
            continue;
        }
        size_t e = b;
        while (e < n && stc_aslvars_name_byte(p[e]))
            e++;
        stc_aslnames_add(vars, p + b, e - b);
        i = e > b ? e : b;
    }
}

static bool stc_aslvars_ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The paths of a JSONPath state: values of "x.$" keys (payload templates,
 * Assign), *Path fields and a Choice rule's Variable. ResultSelector reads
 * the result, not the state's data, and is left out; so are the nested
 * machines. */
static void stc_aslvars_jsonpath_walk(const cJSON *v, const char *key, stc_aslnames *vars, stc_aslnames *data)
{
    if (cJSON_IsString(v)) {
        if (key && (stc_aslvars_ends_with(key, ".$") || stc_aslvars_ends_with(key, "Path") ||
                    strcmp(key, "Variable") == 0) &&
            strcmp(key, "ResultPath") != 0)
            stc_aslvars_path_reads(v->valuestring, vars, data);
        return;
    }
    const cJSON *c;
    cJSON_ArrayForEach(c, v)
    {
        const char *k = c->string ? c->string : key;
        if (c->string && (strcmp(c->string, "ResultSelector") == 0 || strcmp(c->string, "Branches") == 0 ||
                          strcmp(c->string, "Iterator") == 0 || strcmp(c->string, "ItemProcessor") == 0))
            continue;
        stc_aslvars_jsonpath_walk(c, k, vars, data);
    }
}

/* A ResultPath "$.vars.NAME..." writes NAME; none (or "$") with a
 * Parameters or Result that has "vars" rebuilds them all. */
static void stc_aslvars_data_sets(const cJSON *state, stc_aslnames *out)
{
    const cJSON *rp = cJSON_GetObjectItemCaseSensitive(state, "ResultPath");
    if (cJSON_IsString(rp) && strncmp(rp->valuestring, "$.vars.", 7) == 0) {
        const char *s = rp->valuestring + 7, *e = s;
        while (stc_aslvars_name_byte(*e))
            e++;
        stc_aslnames_add(out, s, (size_t)(e - s));
        return;
    }
    if (rp && !(cJSON_IsString(rp) && strcmp(rp->valuestring, "$") == 0))
        return;
    static const char *const fields[] = {"Parameters", "Result"};
    for (size_t f = 0; f < 2; f++) {
        const cJSON *vars = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(state, fields[f]), "vars");
        const cJSON *c, *obj = cJSON_IsObject(vars) ? vars : NULL;
        cJSON_ArrayForEach(c, obj)
        {
            size_t len = strlen(c->string);
            stc_aslnames_add(out, c->string, stc_aslvars_ends_with(c->string, ".$") ? len - 2 : len);
        }
    }
}

/* ---- a state --------------------------------------------------------- */

static void stc_aslvars_assign_keys(const cJSON *assign, stc_aslnames *out)
{
    const cJSON *c, *obj = cJSON_IsObject(assign) ? assign : NULL;
    cJSON_ArrayForEach(c, obj)
    {
        size_t len = strlen(c->string);
        stc_aslnames_add(out, c->string, stc_aslvars_ends_with(c->string, ".$") ? len - 2 : len);
    }
}

void stc_aslvars_of(const cJSON *state, bool jsonata, stc_aslvars *out)
{
    memset(out, 0, sizeof *out);
    out->jsonata = jsonata;
    if (!cJSON_IsObject(state))
        return;
    stc_aslvars_assign_keys(cJSON_GetObjectItemCaseSensitive(state, "Assign"), &out->assigns);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(state, "Choices"))
        stc_aslvars_assign_keys(cJSON_GetObjectItemCaseSensitive(c, "Assign"), &out->assigns);
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(state, "Catch"))
        stc_aslvars_assign_keys(cJSON_GetObjectItemCaseSensitive(c, "Assign"), &out->catch_assigns);
    if (jsonata) {
        cJSON_ArrayForEach(c, state)
        {
            if (strcmp(c->string, "Branches") == 0 || strcmp(c->string, "Iterator") == 0 ||
                strcmp(c->string, "ItemProcessor") == 0)
                continue;
            stc_aslvars_jsonata_walk(c, &out->reads);
        }
    } else {
        stc_aslvars_jsonpath_walk(state, NULL, &out->reads, &out->data_reads);
        stc_aslvars_data_sets(state, &out->data_sets);
    }
    stc_aslnames_sort(&out->reads);
    stc_aslnames_sort(&out->assigns);
    stc_aslnames_sort(&out->catch_assigns);
    stc_aslnames_sort(&out->data_reads);
    stc_aslnames_sort(&out->data_sets);
}

static const cJSON *stc_aslvars_find_in(const cJSON *machine, const char *name, int depth)
{
    if (depth > 64)
        return NULL;
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(machine, "States"))
    {
        if (st->string && strcmp(st->string, name) == 0)
            return st;
        const cJSON *b, *found;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(st, "Branches"))
            if ((found = stc_aslvars_find_in(b, name, depth + 1)))
                return found;
        static const char *const inner[] = {"Iterator", "ItemProcessor"};
        for (size_t i = 0; i < 2; i++)
            if ((found = stc_aslvars_find_in(cJSON_GetObjectItemCaseSensitive(st, inner[i]), name, depth + 1)))
                return found;
    }
    return NULL;
}

static bool stc_aslvars_is_jsonata(const cJSON *node)
{
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(node, "QueryLanguage");
    return cJSON_IsString(q) && strcmp(q->valuestring, "JSONata") == 0;
}

const cJSON *stc_aslvars_find_state(const cJSON *machine, const char *name, bool *jsonata)
{
    const cJSON *st = name ? stc_aslvars_find_in(machine, name, 0) : NULL;
    if (jsonata) {
        const cJSON *q = cJSON_GetObjectItemCaseSensitive(st, "QueryLanguage");
        *jsonata = cJSON_IsString(q) ? stc_aslvars_is_jsonata(st) : stc_aslvars_is_jsonata(machine);
    }
    return st;
}
