/* labels.c - short text for Choice rules, Catch, Retry and state details. */
#include "render/labels.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "render/pycond.h"

static void collect_vars(const cJSON *rule, const char ***vars, size_t *n, size_t *cap)
{
    if (!cJSON_IsObject(rule))
        return;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(rule, "Variable");
    if (cJSON_IsString(v)) {
        if (*n == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *vars = stc_xrealloc(*vars, *cap * sizeof **vars);
        }
        (*vars)[(*n)++] = v->valuestring;
    }
    static const char *const nested[] = {"And", "Or"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(rule, nested[i]);
        const cJSON *sub;
        cJSON_ArrayForEach(sub, arr) collect_vars(sub, vars, n, cap);
    }
    collect_vars(cJSON_GetObjectItemCaseSensitive(rule, "Not"), vars, n, cap);
}

char *stc_labels_common_prefix(const cJSON *choice_state)
{
    const char **vars = NULL;
    size_t n = 0, cap = 0;
    const cJSON *rule;
    cJSON_ArrayForEach(rule, cJSON_GetObjectItemCaseSensitive(choice_state, "Choices"))
        collect_vars(rule, &vars, &n, &cap);
    size_t plen = 0;
    if (n > 0 && strncmp(vars[0], "$.", 2) == 0) {
        /* Longest prefix common to all, then back to its last '.'. */
        plen = strlen(vars[0]);
        for (size_t i = 1; i < n; i++) {
            size_t k = 0;
            while (k < plen && vars[i][k] == vars[0][k])
                k++;
            plen = k;
        }
        /* The prefix must end at a '.' and leave something after it. */
        for (size_t i = 0; i < n; i++)
            if (plen >= strlen(vars[i]))
                plen = strlen(vars[i]) - 1;
        while (plen > 2 && vars[0][plen - 1] != '.')
            plen--;
        if (memchr(vars[0], '[', plen))
            plen = 2;
        if (plen < 2)
            plen = 0;
    }
    char *out = plen >= 2 ? stc_xstrndup(vars[0], plen) : stc_xstrdup("$.");
    free(vars);
    return out;
}

static void put_path(stc_buf *b, const char *path, const char *strip)
{
    size_t sl = strip ? strlen(strip) : 0;
    if (sl && strncmp(path, strip, sl) == 0 && path[sl])
        path += sl;
    stc_buf_puts(b, path);
}

static void put_value(stc_buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        stc_buf_putc(b, '"');
        for (const char *s = v->valuestring; *s; s++) {
            if (*s == '"' || *s == '\\')
                stc_buf_putc(b, '\\');
            stc_buf_putc(b, *s);
        }
        stc_buf_putc(b, '"');
    } else if (cJSON_IsBool(v)) {
        stc_buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 1e15)
            stc_buf_printf(b, "%.0f", d);
        else
            stc_buf_printf(b, "%.15g", d);
    } else if (cJSON_IsNull(v)) {
        stc_buf_puts(b, "null");
    } else {
        char *s = cJSON_PrintUnformatted(v);
        stc_buf_puts(b, s ? s : "?");
        free(s);
    }
}

/* Comparison operators by suffix of the rule key (StringEquals, ...). */
static const struct {
    const char *suffix;
    const char *op;
} comparisons[] = {
    {"GreaterThanEquals", ">="}, {"LessThanEquals", "<="}, {"GreaterThan", ">"},
    {"LessThan", "<"},           {"Equals", "=="},
};

static const struct {
    const char *key;
    const char *yes, *no;
} type_tests[] = {
    {"IsNull", "is null", "is not null"},
    {"IsPresent", "is present", "is absent"},
    {"IsNumeric", "is a number", "is not a number"},
    {"IsString", "is a string", "is not a string"},
    {"IsBoolean", "is a boolean", "is not a boolean"},
    {"IsTimestamp", "is a timestamp", "is not a timestamp"},
};

/* Text cut at STC_LABEL_EXPR_MAX code points, with an ellipsis. */
#define STC_LABEL_EXPR_MAX 40

static void put_cut(stc_buf *b, const char *s, size_t len)
{
    if (stc_utf8_count(s, len) <= STC_LABEL_EXPR_MAX) {
        stc_buf_add(b, s, len);
        return;
    }
    size_t cut = 0;
    for (int k = 0; k < STC_LABEL_EXPR_MAX - 1; k++) {
        cut++;
        while (cut < len && ((unsigned char)s[cut] & 0xC0) == 0x80)
            cut++;
    }
    stc_buf_add(b, s, cut);
    stc_buf_puts(b, "\xE2\x80\xA6");
}

/* A JSONata expression ("{% $states.input.n < 10 %}") in short form: the
 * delimiters dropped, runs of white space made one space, "$states.input."
 * dropped (as "$." is from JSONPath paths), cut at STC_LABEL_EXPR_MAX code
 * points with an ellipsis. Text that is not an expression is put as it is
 * (cut the same way). */
static void put_expr(stc_buf *b, const char *text)
{
    size_t n = strlen(text);
    if (n >= 4 && !strncmp(text, "{%", 2) && !strcmp(text + n - 2, "%}")) {
        text += 2;
        n -= 4;
    }
    stc_buf t = STC_BUF_INIT;
    static const char drop[] = "$states.input.";
    bool space = false;
    for (size_t i = 0; i < n;) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            i++;
            continue;
        }
        if (space && t.len)
            stc_buf_putc(&t, ' ');
        space = false;
        if (c == '\'' || c == '"') { /* a string literal is kept as written */
            size_t j = i + 1;
            while (j < n && text[j] != c)
                j += text[j] == '\\' && j + 1 < n ? 2 : 1;
            j = j < n ? j + 1 : n;
            stc_buf_add(&t, text + i, j - i);
            i = j;
            continue;
        }
        if (n - i > sizeof drop - 1 && !strncmp(text + i, drop, sizeof drop - 1)) {
            i += sizeof drop - 1;
            continue;
        }
        stc_buf_putc(&t, c);
        i++;
    }
    put_cut(b, stc_buf_cstr(&t), t.len);
    stc_buf_free(&t);
}

static void put_rule(stc_buf *b, const cJSON *rule, const char *strip, int depth);

static void put_group(stc_buf *b, const cJSON *arr, const char *word, const char *strip,
                      int depth)
{
    const cJSON *sub;
    int i = 0;
    cJSON_ArrayForEach(sub, arr)
    {
        if (i++)
            stc_buf_printf(b, " %s ", word);
        bool paren = cJSON_GetObjectItemCaseSensitive(sub, "And") ||
                     cJSON_GetObjectItemCaseSensitive(sub, "Or");
        if (paren)
            stc_buf_putc(b, '(');
        put_rule(b, sub, strip, depth + 1);
        if (paren)
            stc_buf_putc(b, ')');
    }
}

static void put_rule(stc_buf *b, const cJSON *rule, const char *strip, int depth)
{
    if (!cJSON_IsObject(rule) || depth > 32) {
        stc_buf_puts(b, "?");
        return;
    }
    const cJSON *item;
    if ((item = cJSON_GetObjectItemCaseSensitive(rule, "Condition"))) { /* JSONata */
        /* in Python's words (render/pycond.h: "{% $n < 10 and $not($x) %}"
         * reads "n < 10 and not x"), cut as put_expr cuts; where Python has
         * none (it does not scan, or uses JSONata Python cannot say), the
         * short form */
        char *py = cJSON_IsString(item) ? stc_pycond_try(item->valuestring) : NULL;
        if (py)
            put_cut(b, py, strlen(py));
        else if (cJSON_IsString(item))
            put_expr(b, item->valuestring);
        else
            put_value(b, item);
        free(py);
        return;
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(rule, "And"))) {
        put_group(b, item, "and", strip, depth);
        return;
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(rule, "Or"))) {
        put_group(b, item, "or", strip, depth);
        return;
    }
    if ((item = cJSON_GetObjectItemCaseSensitive(rule, "Not"))) {
        stc_buf_puts(b, "not (");
        put_rule(b, item, strip, depth + 1);
        stc_buf_putc(b, ')');
        return;
    }
    const cJSON *var = cJSON_GetObjectItemCaseSensitive(rule, "Variable");
    const char *vname = cJSON_IsString(var) ? var->valuestring : "?";
    cJSON_ArrayForEach(item, rule)
    {
        const char *k = item->string;
        if (!k || strcmp(k, "Variable") == 0 || strcmp(k, "Next") == 0 ||
            strcmp(k, "Comment") == 0)
            continue;
        for (size_t i = 0; i < STC_ARRAY_LEN(type_tests); i++) {
            if (strcmp(k, type_tests[i].key) == 0) {
                put_path(b, vname, strip);
                stc_buf_printf(b, " %s", cJSON_IsFalse(item) ? type_tests[i].no : type_tests[i].yes);
                return;
            }
        }
        if (strncmp(k, "StringMatches", 13) == 0) {
            put_path(b, vname, strip);
            stc_buf_puts(b, " like ");
            put_value(b, item);
            return;
        }
        size_t kl = strlen(k);
        bool is_path = kl > 4 && strcmp(k + kl - 4, "Path") == 0;
        size_t base = is_path ? kl - 4 : kl;
        for (size_t i = 0; i < STC_ARRAY_LEN(comparisons); i++) {
            size_t sl = strlen(comparisons[i].suffix);
            if (base >= sl && strncmp(k + base - sl, comparisons[i].suffix, sl) == 0) {
                put_path(b, vname, strip);
                stc_buf_printf(b, " %s ", comparisons[i].op);
                if (is_path && cJSON_IsString(item))
                    put_path(b, item->valuestring, strip);
                else
                    put_value(b, item);
                return;
            }
        }
    }
    put_path(b, vname, strip);
    stc_buf_puts(b, " ?");
}

char *stc_labels_rule(const cJSON *rule, const char *strip)
{
    const cJSON *comment = cJSON_GetObjectItemCaseSensitive(rule, "Comment");
    if (cJSON_IsString(comment) && comment->valuestring[0])
        return stc_xstrdup(comment->valuestring);
    stc_buf b = STC_BUF_INIT;
    put_rule(&b, rule, strip, 0);
    return stc_buf_take(&b);
}

char *stc_labels_catch(const cJSON *catcher)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "catch ");
    const cJSON *e;
    int i = 0;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(catcher, "ErrorEquals"))
    {
        if (!cJSON_IsString(e))
            continue;
        if (i++)
            stc_buf_puts(&b, ", ");
        stc_buf_puts(&b, e->valuestring);
    }
    if (i == 0)
        stc_buf_puts(&b, "?");
    return stc_buf_take(&b);
}

char *stc_labels_retry(const cJSON *retry)
{
    int n = cJSON_GetArraySize(retry);
    if (!cJSON_IsArray(retry) || n == 0)
        return NULL;
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(retry, 0), "MaxAttempts");
    int attempts = cJSON_IsNumber(max) ? max->valueint : 3;
    if (n > 1)
        return stc_xasprintf("retry \xC3\x97%d +%d", attempts, n - 1);
    return stc_xasprintf("retry \xC3\x97%d", attempts);
}

static const char *str_field(const cJSON *state, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(state, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

char *stc_labels_detail(const cJSON *state)
{
    const char *type = str_field(state, "Type");
    if (!type)
        return NULL;
    if (strcmp(type, "Wait") == 0) {
        const cJSON *secs = cJSON_GetObjectItemCaseSensitive(state, "Seconds");
        const char *p;
        if (cJSON_IsNumber(secs)) {
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "wait ");
            put_value(&b, secs);
            stc_buf_puts(&b, " s");
            return stc_buf_take(&b);
        }
        if (cJSON_IsString(secs)) { /* JSONata */
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "wait ");
            put_expr(&b, secs->valuestring);
            stc_buf_puts(&b, " s");
            return stc_buf_take(&b);
        }
        if ((p = str_field(state, "SecondsPath")))
            return stc_xasprintf("wait %s s", strncmp(p, "$.", 2) == 0 ? p + 2 : p);
        if ((p = str_field(state, "Timestamp"))) {
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "until ");
            put_expr(&b, p);
            return stc_buf_take(&b);
        }
        if ((p = str_field(state, "TimestampPath")))
            return stc_xasprintf("until %s", strncmp(p, "$.", 2) == 0 ? p + 2 : p);
        return NULL;
    }
    if (strcmp(type, "Fail") == 0) {
        const char *err = str_field(state, "Error");
        return err ? stc_xasprintf("error %s", err) : NULL;
    }
    if (strcmp(type, "Map") == 0) {
        const char *p = str_field(state, "ItemsPath");
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(state, "Items");
        if (cJSON_IsString(items)) { /* JSONata */
            stc_buf b = STC_BUF_INIT;
            stc_buf_puts(&b, "each ");
            put_expr(&b, items->valuestring);
            return stc_buf_take(&b);
        }
        if (!p)
            return stc_xstrdup("each item");
        return stc_xasprintf("each %s", strncmp(p, "$.", 2) == 0 ? p + 2 : p);
    }
    return NULL;
}
