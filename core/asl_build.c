/* asl_build.c - see asl_build.h. */
#include "core/asl_build.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void stc_asl_exits_add(stc_asl_exits *e, cJSON *obj, const char *key)
{
    if (e->count == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 4;
        e->items = stc_xrealloc(e->items, e->cap * sizeof *e->items);
    }
    e->items[e->count].obj = obj;
    e->items[e->count].key = key;
    e->count++;
}

void stc_asl_exits_move(stc_asl_exits *to, stc_asl_exits *from)
{
    for (size_t i = 0; i < from->count; i++)
        stc_asl_exits_add(to, from->items[i].obj, from->items[i].key);
    from->count = 0;
}

void stc_asl_exits_patch(stc_asl_exits *e, const char *name)
{
    for (size_t i = 0; i < e->count; i++)
        cJSON_AddStringToObject(e->items[i].obj, e->items[i].key, name);
    e->count = 0;
}

void stc_asl_exits_free(stc_asl_exits *e)
{
    free(e->items);
    e->items = NULL;
    e->count = e->cap = 0;
}

void stc_asl_quote(stc_buf *b, const char *s)
{
    stc_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '{' || *s == '}' || *s == '\\')
            stc_buf_putc(b, '\\');
        stc_buf_putc(b, *s);
    }
    stc_buf_putc(b, '\'');
}

void stc_asl_format_text(stc_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\'' || s[i] == '{' || s[i] == '}' || s[i] == '\\')
            stc_buf_putc(b, '\\');
        stc_buf_putc(b, s[i]);
    }
}

bool stc_asl_plain_key(const char *key)
{
    if (!*key || isdigit((unsigned char)*key))
        return false;
    for (const char *p = key; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return false;
    return true;
}

void stc_asl_path_key(stc_buf *b, const char *key)
{
    if (stc_asl_plain_key(key)) {
        stc_buf_putc(b, '.');
        stc_buf_puts(b, key);
        return;
    }
    stc_buf_puts(b, "['");
    for (const char *p = key; *p; p++) {
        if (*p == '\'' || *p == '\\')
            stc_buf_putc(b, '\\');
        stc_buf_putc(b, *p);
    }
    stc_buf_puts(b, "']");
}

cJSON *stc_asl_rule(const char *var, const char *op, cJSON *take)
{
    cJSON *r = cJSON_CreateObject();
    cJSON_AddStringToObject(r, "Variable", var);
    cJSON_AddItemToObject(r, op, take);
    return r;
}

cJSON *stc_asl_rule_bool(const char *var, const char *op, bool v)
{
    return stc_asl_rule(var, op, cJSON_CreateBool(v));
}

cJSON *stc_asl_rule_str(const char *var, const char *op, const char *v)
{
    return stc_asl_rule(var, op, cJSON_CreateString(v));
}

cJSON *stc_asl_rule_num(const char *var, const char *op, double v)
{
    return stc_asl_rule(var, op, cJSON_CreateNumber(v));
}

cJSON *stc_asl_rule_join(const char *op, cJSON **take, size_t n)
{
    if (n == 1)
        return take[0];
    cJSON *r = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(r, op);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, take[i]);
    return r;
}

cJSON *stc_asl_rule_not(cJSON *take)
{
    cJSON *inner = cJSON_GetObjectItemCaseSensitive(take, "Not");
    if (inner && take->child == inner && !inner->next) { /* Not(Not(x)) == x */
        cJSON_DetachItemViaPointer(take, inner);
        cJSON_Delete(take);
        return inner;
    }
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToObject(r, "Not", take);
    return r;
}

cJSON *stc_asl_lambda_retry(void)
{
    static const char *const transient[] = {"Lambda.ServiceException", "Lambda.AWSLambdaException",
                                            "Lambda.SdkClientException",
                                            "Lambda.TooManyRequestsException"};
    cJSON *retry = cJSON_CreateArray();
    cJSON *r = cJSON_CreateObject();
    cJSON *eq = cJSON_AddArrayToObject(r, "ErrorEquals");
    for (size_t i = 0; i < STC_ARRAY_LEN(transient); i++)
        cJSON_AddItemToArray(eq, cJSON_CreateString(transient[i]));
    cJSON_AddNumberToObject(r, "IntervalSeconds", 1);
    cJSON_AddNumberToObject(r, "MaxAttempts", 3);
    cJSON_AddNumberToObject(r, "BackoffRate", 2);
    cJSON_AddItemToArray(retry, r);
    return retry;
}
