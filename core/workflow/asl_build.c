/* asl_build.c - see asl_build.h. */
#include "core/workflow/asl_build.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void stc_asl_add(cJSON *obj, const char *key, cJSON *take)
{
    cJSON_AddItemToObjectCS(obj, key, take);
}

/* Adds `take` under `key` and returns it. */
static cJSON *stc_asl_put(cJSON *obj, const char *key, cJSON *take)
{
    cJSON_AddItemToObjectCS(obj, key, take);
    return take;
}

cJSON *stc_asl_add_str(cJSON *obj, const char *key, const char *value)
{
    return stc_asl_put(obj, key, cJSON_CreateString(value));
}

cJSON *stc_asl_add_lit(cJSON *obj, const char *key, const char *value)
{
    return stc_asl_put(obj, key, cJSON_CreateStringReference(value));
}

cJSON *stc_asl_add_obj(cJSON *obj, const char *key)
{
    return stc_asl_put(obj, key, cJSON_CreateObject());
}

cJSON *stc_asl_add_arr(cJSON *obj, const char *key)
{
    return stc_asl_put(obj, key, cJSON_CreateArray());
}

cJSON *stc_asl_add_num(cJSON *obj, const char *key, double v)
{
    return stc_asl_put(obj, key, cJSON_CreateNumber(v));
}

cJSON *stc_asl_add_bool(cJSON *obj, const char *key, bool v)
{
    return stc_asl_put(obj, key, cJSON_CreateBool(v));
}

cJSON *stc_asl_add_null(cJSON *obj, const char *key)
{
    return stc_asl_put(obj, key, cJSON_CreateNull());
}

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
        stc_asl_add_str(e->items[i].obj, e->items[i].key, name);
    e->count = 0;
}

void stc_asl_exits_patch_ref(stc_asl_exits *e, const char *name)
{
    for (size_t i = 0; i < e->count; i++)
        stc_asl_add(e->items[i].obj, e->items[i].key, cJSON_CreateStringReference(name));
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
    stc_asl_add_str(r, "Variable", var);
    cJSON_AddItemToObject(r, op, take);
    return r;
}

/* A rule whose `op` is a string literal. */
static cJSON *stc_asl_rule_fixed(const char *var, const char *op, cJSON *take)
{
    cJSON *r = cJSON_CreateObject();
    stc_asl_add_str(r, "Variable", var);
    stc_asl_add(r, op, take);
    return r;
}

cJSON *stc_asl_rule_bool(const char *var, const char *op, bool v)
{
    return stc_asl_rule_fixed(var, op, cJSON_CreateBool(v));
}

cJSON *stc_asl_rule_str(const char *var, const char *op, const char *v)
{
    return stc_asl_rule_fixed(var, op, cJSON_CreateString(v));
}

cJSON *stc_asl_rule_num(const char *var, const char *op, double v)
{
    return stc_asl_rule_fixed(var, op, cJSON_CreateNumber(v));
}

cJSON *stc_asl_rule_join(const char *op, cJSON **take, size_t n)
{
    if (n == 1)
        return take[0];
    cJSON *r = cJSON_CreateObject();
    cJSON *arr = stc_asl_add_arr(r, op);
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
    stc_asl_add(r, "Not", take);
    return r;
}

cJSON *stc_asl_lambda_retry(void)
{
    static const char *const transient[] = {"Lambda.ServiceException", "Lambda.AWSLambdaException",
                                            "Lambda.SdkClientException",
                                            "Lambda.TooManyRequestsException"};
    cJSON *retry = cJSON_CreateArray();
    cJSON *r = cJSON_CreateObject();
    cJSON *eq = stc_asl_add_arr(r, "ErrorEquals");
    for (size_t i = 0; i < STC_ARRAY_LEN(transient); i++)
        cJSON_AddItemToArray(eq, cJSON_CreateStringReference(transient[i]));
    stc_asl_add_num(r, "IntervalSeconds", 1);
    stc_asl_add_num(r, "MaxAttempts", 3);
    stc_asl_add_num(r, "BackoffRate", 2);
    cJSON_AddItemToArray(retry, r);
    return retry;
}

cJSON *stc_asl_retry_all(void)
{
    cJSON *retry = cJSON_CreateArray();
    cJSON *r = cJSON_CreateObject();
    cJSON *eq = stc_asl_add_arr(r, "ErrorEquals");
    cJSON_AddItemToArray(eq, cJSON_CreateString("States.ALL"));
    stc_asl_add_num(r, "IntervalSeconds", 1);
    stc_asl_add_num(r, "MaxAttempts", 3);
    stc_asl_add_num(r, "BackoffRate", 2);
    cJSON_AddItemToArray(retry, r);
    return retry;
}
