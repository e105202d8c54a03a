/* iam.c - see iam.h. */
#include "core/aws/iam.h"

#include <stdlib.h>
#include <string.h>

#include "core/aws/template.h"
#include "core/util.h"

/* What each operation calls in the runtime, per kind of resource.
 * scope 0: the resource's ARN; scope 1: its objects (the bucket ARN followed by "/" and "*"). */
static const struct {
    stc_resource_kind kind;
    stc_access_op op;
    const char *action;
    int scope;
} op_actions[] = {
    {STC_RES_TABLE, STC_OP_GET, "dynamodb:GetItem", 0},
    {STC_RES_TABLE, STC_OP_SCAN, "dynamodb:Scan", 0},
    {STC_RES_TABLE, STC_OP_PUT, "dynamodb:PutItem", 0},
    {STC_RES_TABLE, STC_OP_DELETE, "dynamodb:DeleteItem", 0},
    {STC_RES_BUCKET, STC_OP_GET, "s3:GetObject", 1},
    {STC_RES_BUCKET, STC_OP_SCAN, "s3:ListBucket", 0},
    {STC_RES_BUCKET, STC_OP_PUT, "s3:PutObject", 1},
    {STC_RES_BUCKET, STC_OP_DELETE, "s3:DeleteObject", 1},
    {STC_RES_QUEUE, STC_OP_SEND, "sqs:SendMessage", 0},
    {STC_RES_QUEUE, STC_OP_RECEIVE, "sqs:ReceiveMessage", 0},
    {STC_RES_QUEUE, STC_OP_RECEIVE, "sqs:DeleteMessage", 0},
    {STC_RES_QUEUE, STC_OP_INSPECT, "sqs:GetQueueAttributes", 0},
    {STC_RES_TOPIC, STC_OP_SEND, "sns:Publish", 0},
};

typedef struct stc_iam_stmt {
    char *sid;
    char **actions;
    size_t nactions;
    cJSON *resources; /* array */
    cJSON *condition; /* or NULL */
} stc_iam_stmt;

struct stc_iam_policy {
    stc_iam_stmt *stmts;
    size_t nstmts;
};

stc_iam_policy *stc_iam_new(void)
{
    return stc_xcalloc(1, sizeof(stc_iam_policy));
}

void stc_iam_free(stc_iam_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nstmts; i++) {
        stc_iam_stmt *s = &p->stmts[i];
        free(s->sid);
        for (size_t j = 0; j < s->nactions; j++)
            free(s->actions[j]);
        free(s->actions);
        cJSON_Delete(s->resources);
        cJSON_Delete(s->condition);
    }
    free(p->stmts);
    free(p);
}

bool stc_iam_empty(const stc_iam_policy *p)
{
    return p->nstmts == 0;
}

/* Add to the statement `sid`. `owned` is the resource itself when the
 * policy takes it (added, or deleted when the statement has an equal one),
 * NULL when it is copied. */
static void stc_iam_add(stc_iam_policy *p, const char *sid, const char *action, const cJSON *resource,
                        cJSON *owned, const cJSON *condition)
{
    stc_iam_stmt *s = NULL;
    for (size_t i = 0; i < p->nstmts; i++)
        if (strcmp(p->stmts[i].sid, sid) == 0)
            s = &p->stmts[i];
    if (!s) {
        p->stmts = stc_xrealloc(p->stmts, (p->nstmts + 1) * sizeof *p->stmts);
        s = &p->stmts[p->nstmts++];
        memset(s, 0, sizeof *s);
        s->sid = stc_xstrdup(sid);
        s->resources = cJSON_CreateArray();
        s->condition = condition ? cJSON_Duplicate(condition, 1) : NULL;
    }
    size_t at = 0;
    while (at < s->nactions && strcmp(s->actions[at], action) < 0)
        at++;
    if (at == s->nactions || strcmp(s->actions[at], action) != 0) {
        s->actions = stc_xrealloc(s->actions, (s->nactions + 1) * sizeof *s->actions);
        memmove(s->actions + at + 1, s->actions + at, (s->nactions - at) * sizeof *s->actions);
        s->actions[at] = stc_xstrdup(action);
        s->nactions++;
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, s->resources)
    {
        if (cJSON_Compare(r, resource, 1)) {
            cJSON_Delete(owned);
            return;
        }
    }
    cJSON_AddItemToArray(s->resources, owned ? owned : cJSON_Duplicate(resource, 1));
}

void stc_iam_allow(stc_iam_policy *p, const char *sid, const char *action, const cJSON *resource,
                   const cJSON *condition)
{
    stc_iam_add(p, sid, action, resource, NULL, condition);
}

void stc_iam_allow_take(stc_iam_policy *p, const char *sid, const char *action, cJSON *resource)
{
    stc_iam_add(p, sid, action, resource, resource, NULL);
}

/* A statement's Sid, Effect and Action; the caller adds Resource and Condition. */
static cJSON *stc_iam_stmt_json(const stc_iam_stmt *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Sid", s->sid);
    cJSON_AddStringToObject(o, "Effect", "Allow");
    if (s->nactions == 1) {
        cJSON_AddStringToObject(o, "Action", s->actions[0]);
    } else {
        cJSON *acts = cJSON_AddArrayToObject(o, "Action");
        for (size_t j = 0; j < s->nactions; j++)
            cJSON_AddItemToArray(acts, cJSON_CreateString(s->actions[j]));
    }
    return o;
}

static cJSON *stc_iam_doc_new(cJSON **stmts)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    *stmts = cJSON_AddArrayToObject(doc, "Statement");
    return doc;
}

cJSON *stc_iam_document(const stc_iam_policy *p)
{
    cJSON *stmts;
    cJSON *doc = stc_iam_doc_new(&stmts);
    for (size_t i = 0; i < p->nstmts; i++) {
        const stc_iam_stmt *s = &p->stmts[i];
        cJSON *o = stc_iam_stmt_json(s);
        if (cJSON_GetArraySize(s->resources) == 1)
            cJSON_AddItemToObject(o, "Resource", cJSON_Duplicate(s->resources->child, 1));
        else
            cJSON_AddItemToObject(o, "Resource", cJSON_Duplicate(s->resources, 1));
        if (s->condition)
            cJSON_AddItemToObject(o, "Condition", cJSON_Duplicate(s->condition, 1));
        cJSON_AddItemToArray(stmts, o);
    }
    return doc;
}

cJSON *stc_iam_finish(stc_iam_policy *p)
{
    cJSON *stmts;
    cJSON *doc = stc_iam_doc_new(&stmts);
    for (size_t i = 0; i < p->nstmts; i++) {
        stc_iam_stmt *s = &p->stmts[i];
        cJSON *o = stc_iam_stmt_json(s);
        if (cJSON_GetArraySize(s->resources) == 1) {
            cJSON_AddItemToObject(o, "Resource", cJSON_DetachItemFromArray(s->resources, 0));
        } else {
            cJSON_AddItemToObject(o, "Resource", s->resources);
            s->resources = NULL;
        }
        if (s->condition) {
            cJSON_AddItemToObject(o, "Condition", s->condition);
            s->condition = NULL;
        }
        cJSON_AddItemToArray(stmts, o);
    }
    stc_iam_free(p);
    return doc;
}

cJSON *stc_iam_trust(const char *service)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "Version", "2012-10-17");
    cJSON *stmts = cJSON_AddArrayToObject(doc, "Statement");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Effect", "Allow");
    cJSON *pr = cJSON_AddObjectToObject(o, "Principal");
    cJSON_AddStringToObject(pr, "Service", service);
    cJSON_AddStringToObject(o, "Action", "sts:AssumeRole");
    /* Only this account's resources may have the service assume the role. */
    cJSON *cond = cJSON_AddObjectToObject(o, "Condition");
    cJSON *eq = cJSON_AddObjectToObject(cond, "StringEquals");
    cJSON_AddItemToObject(eq, "aws:SourceAccount", stc_template_ref("AWS::AccountId"));
    cJSON_AddItemToArray(stmts, o);
    return doc;
}

size_t stc_iam_op_actions(stc_resource_kind kind, stc_access_op op, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < STC_ARRAY_LEN(op_actions); i++)
        if (op_actions[i].kind == kind && op_actions[i].op == op && n < max)
            out[n++] = op_actions[i].action;
    return n;
}

static const char *const via_service[] = {
    [STC_RES_TABLE] = "dynamodb.${AWS::Region}.amazonaws.com",
    [STC_RES_BUCKET] = "s3.${AWS::Region}.amazonaws.com",
    [STC_RES_QUEUE] = "sqs.${AWS::Region}.amazonaws.com",
    [STC_RES_STORE] = "dynamodb.${AWS::Region}.amazonaws.com",
    [STC_RES_TOPIC] = "sns.${AWS::Region}.amazonaws.com",
};

void stc_iam_grant_resource(stc_iam_policy *p, const stc_resource *r, unsigned ops, const char *kms_key_logical)
{
    cJSON *arn = stc_template_getatt(r->logical, "Arn");
    char *objects_sub = stc_xasprintf("${%s.Arn}/*", r->logical);
    cJSON *objects = stc_template_sub(objects_sub);
    stc_iam_grant_arn(p, r->kind, r->logical, arn, objects, ops, kms_key_logical);
    cJSON_Delete(arn);
    cJSON_Delete(objects);
    free(objects_sub);
}

void stc_iam_grant_arn(stc_iam_policy *p, stc_resource_kind kind, const char *sid, const cJSON *arn,
                       const cJSON *objects, unsigned ops, const char *kms_key_logical)
{
    char *objects_sid = stc_xasprintf("%sObjects", sid);
    bool writes = false;
    for (size_t i = 0; i < STC_ARRAY_LEN(op_actions); i++) {
        if (op_actions[i].kind != kind || !(ops & (1u << op_actions[i].op)))
            continue;
        if (op_actions[i].scope == 1)
            stc_iam_allow(p, objects_sid, op_actions[i].action, objects, NULL);
        else
            stc_iam_allow(p, sid, op_actions[i].action, arn, NULL);
        if (stc_access_op_writes(op_actions[i].op))
            writes = true;
    }
    if (kms_key_logical && ops) {
        /* One key statement per policy, limited to use through the services
         * of the resources granted; the condition grows with each service. */
        cJSON *key = stc_template_getatt(kms_key_logical, "Arn");
        char *ksid = stc_xasprintf("%sUse", kms_key_logical);
        cJSON *cond = cJSON_CreateObject();
        cJSON *eq = cJSON_AddObjectToObject(cond, "StringEquals");
        cJSON_AddItemToObject(eq, "kms:ViaService", cJSON_CreateArray());
        stc_iam_allow(p, ksid, "kms:Decrypt", key, cond);
        if (writes) {
            stc_iam_allow(p, ksid, "kms:GenerateDataKey", key, NULL);
            if (kind == STC_RES_TABLE)
                stc_iam_allow(p, ksid, "kms:Encrypt", key, NULL);
        }
        for (size_t i = 0; i < p->nstmts; i++) {
            if (strcmp(p->stmts[i].sid, ksid) != 0)
                continue;
            cJSON *list = cJSON_GetObjectItem(cJSON_GetObjectItem(p->stmts[i].condition, "StringEquals"),
                                              "kms:ViaService");
            cJSON *svc = stc_template_sub(via_service[kind]);
            bool have = false;
            const cJSON *e;
            cJSON_ArrayForEach(e, list)
            {
                if (cJSON_Compare(e, svc, 1))
                    have = true;
            }
            if (!have)
                cJSON_AddItemToArray(list, svc);
            else
                cJSON_Delete(svc);
        }
        cJSON_Delete(cond);
        cJSON_Delete(key);
        free(ksid);
    }
    free(objects_sid);
}
