/* nag.c - see nag.h and core/aws/nag.def. */
#include "core/aws/nag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"

static const struct {
    const char *rule;
    const char *reason;
} acks[] = {
#define STC_NAG_ACK(id, rule, reason) {rule, reason},
#include "core/aws/nag.def"
#undef STC_NAG_ACK
};

static const struct {
    const char *rule;
    const char *what;
} rules[] = {
#define STC_NAG_RULE(rule, what) {rule, what},
#include "core/aws/nag.def"
#undef STC_NAG_RULE
};

const char *stc_nag_rule(stc_nag_ack ack)
{
    return acks[ack].rule;
}

const char *stc_nag_reason(stc_nag_ack ack)
{
    return acks[ack].reason;
}

const char *stc_nag_rule_at(size_t i, const char **what)
{
    if (i >= STC_ARRAY_LEN(rules))
        return NULL;
    if (what)
        *what = rules[i].what;
    return rules[i].rule;
}

void stc_nag_acknowledge(cJSON *resource, stc_nag_ack ack, const char *applies_to)
{
    cJSON *meta = cJSON_GetObjectItemCaseSensitive(resource, "Metadata");
    if (!meta)
        meta = cJSON_AddObjectToObject(resource, "Metadata");
    cJSON *nag = cJSON_GetObjectItemCaseSensitive(meta, "cdk_nag");
    if (!nag)
        nag = cJSON_AddObjectToObject(meta, "cdk_nag");
    cJSON *list = cJSON_GetObjectItemCaseSensitive(nag, "rules_to_suppress");
    if (!list)
        list = cJSON_AddArrayToObject(nag, "rules_to_suppress");
    cJSON *entry = NULL, *e;
    cJSON_ArrayForEach(e, list)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(e, "id");
        const cJSON *why = cJSON_GetObjectItemCaseSensitive(e, "reason");
        if (!strcmp(id->valuestring, acks[ack].rule) && !strcmp(why->valuestring, acks[ack].reason))
            entry = e;
    }
    if (!entry) {
        entry = cJSON_CreateObject();
        cJSON_AddStringToObject(entry, "id", acks[ack].rule);
        cJSON_AddStringToObject(entry, "reason", acks[ack].reason);
        cJSON_AddItemToArray(list, entry);
    } else if (!cJSON_GetObjectItemCaseSensitive(entry, "applies_to")) {
        return; /* already acknowledged for every finding */
    }
    if (!applies_to)
        return;
    cJSON *to = cJSON_GetObjectItemCaseSensitive(entry, "applies_to");
    if (!to)
        to = cJSON_AddArrayToObject(entry, "applies_to");
    cJSON_ArrayForEach(e, to)
    {
        if (!strcmp(e->valuestring, applies_to))
            return;
    }
    cJSON_AddItemToArray(to, cJSON_CreateString(applies_to));
}

static void stc_nag_flatten_into(stc_buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        for (const char *p = v->valuestring; *p; p++) {
            if (p[0] == '$' && p[1] == '{') {
                stc_buf_putc(b, '<');
                p++;
            } else if (*p == '}') {
                stc_buf_putc(b, '>');
            } else {
                stc_buf_putc(b, *p);
            }
        }
        return;
    }
    const cJSON *c = cJSON_IsObject(v) ? v->child : NULL;
    if (c && !strcmp(c->string, "Fn::Sub")) {
        stc_nag_flatten_into(b, cJSON_IsArray(c) ? c->child : c);
    } else if (c && !strcmp(c->string, "Fn::GetAtt") && cJSON_GetArraySize(c) == 2) {
        stc_buf_putc(b, '<');
        stc_nag_flatten_into(b, cJSON_GetArrayItem(c, 0));
        stc_buf_putc(b, '.');
        stc_nag_flatten_into(b, cJSON_GetArrayItem(c, 1));
        stc_buf_putc(b, '>');
    } else if (c && !strcmp(c->string, "Ref")) {
        stc_buf_putc(b, '<');
        stc_nag_flatten_into(b, c);
        stc_buf_putc(b, '>');
    } else if (c && !strcmp(c->string, "Fn::Join") && cJSON_GetArraySize(c) == 2) {
        const char *sep = cJSON_GetArrayItem(c, 0)->valuestring;
        const cJSON *item;
        bool first = true;
        cJSON_ArrayForEach(item, cJSON_GetArrayItem(c, 1))
        {
            if (!first && sep)
                stc_buf_puts(b, sep);
            first = false;
            stc_nag_flatten_into(b, item);
        }
    } else {
        char *json = cJSON_PrintUnformatted(v);
        stc_buf_puts(b, json);
        free(json);
    }
}

char *stc_nag_flatten(const cJSON *value)
{
    stc_buf b = STC_BUF_INIT;
    stc_nag_flatten_into(&b, value);
    return stc_buf_take(&b);
}

/* Which reason explains a wildcard resource of a statement, by its Sid. */
static const struct {
    const char *sid;     /* exact, or a suffix when it starts with '*' */
    stc_nag_ack ack;
} wildcard_reasons[] = {
    {"XRayTracing", STC_NAG_STAR_NO_RESOURCE},
    {"LogDelivery", STC_NAG_STAR_NO_RESOURCE},
    {"*Objects", STC_NAG_STAR_OBJECTS},
    {"TrackNestedExecutions", STC_NAG_STAR_EXECUTIONS},
    {"OwnExecutions", STC_NAG_STAR_EXECUTIONS},
    {"ReplyOnWebSocketConnections", STC_NAG_STAR_CONNECTIONS},
    {"ApiGatewayWritesLogs", STC_NAG_STAR_APIGW_LOGS},
};

static bool stc_nag_sid_reason(const char *sid, stc_nag_ack *ack)
{
    for (size_t i = 0; sid && i < STC_ARRAY_LEN(wildcard_reasons); i++) {
        const char *pat = wildcard_reasons[i].sid;
        size_t n = strlen(sid), m = strlen(pat);
        bool match = pat[0] == '*' ? n >= m - 1 && !strcmp(sid + n - (m - 1), pat + 1) : !strcmp(sid, pat);
        if (match) {
            *ack = wildcard_reasons[i].ack;
            return true;
        }
    }
    return false;
}

static bool stc_nag_lambda_role(const cJSON *props)
{
    const cJSON *trust = cJSON_GetObjectItemCaseSensitive(props, "AssumeRolePolicyDocument");
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(trust, "Statement"))
    {
        const cJSON *svc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(st, "Principal"), "Service");
        if (cJSON_IsString(svc) && !strcmp(svc->valuestring, "lambda.amazonaws.com"))
            return true;
    }
    return false;
}

void stc_nag_acknowledge_role(cJSON *role)
{
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(role, "Properties");
    bool lambda = stc_nag_lambda_role(props);
    const cJSON *pol;
    cJSON_ArrayForEach(pol, cJSON_GetObjectItemCaseSensitive(props, "Policies"))
    {
        const cJSON *st;
        cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pol, "PolicyDocument"),
                                                                "Statement"))
        {
            const cJSON *sid = cJSON_GetObjectItemCaseSensitive(st, "Sid");
            const cJSON *res = cJSON_GetObjectItemCaseSensitive(st, "Resource");
            stc_nag_ack ack;
            if (!stc_nag_sid_reason(cJSON_IsString(sid) ? sid->valuestring : NULL, &ack))
                continue;
            const cJSON *one = cJSON_IsArray(res) ? res->child : res;
            for (; one; one = cJSON_IsArray(res) ? one->next : NULL) {
                char *flat = stc_nag_flatten(one);
                if (strchr(flat, '*')) {
                    char *finding = stc_xasprintf("Resource::%s", flat);
                    stc_nag_acknowledge(role, ack, finding);
                    free(finding);
                    if (lambda && !strcmp(flat, "*"))
                        stc_nag_acknowledge(role, STC_NAG_STAR_NO_RESOURCE_SLS, NULL);
                }
                free(flat);
            }
        }
    }
}
