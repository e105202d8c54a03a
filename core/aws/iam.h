/* iam.h - least-privilege IAM policy documents.
 *
 * A policy is built statement by statement: stc_iam_allow() adds an action
 * on a resource under a statement id (Sid); a statement collects its
 * actions (sorted, unique) and resources (unique, in the order added). The
 * document never holds a "*" action; a "*" resource only where the service
 * has no resource-level permissions (X-Ray, CloudWatch Logs log delivery),
 * passed in explicitly by the caller.
 *
 * stc_iam_grant_resource() maps the portable operations of core/resources.h
 * on a table, bucket or queue to the exact AWS actions the runtime
 * (core/aws/runtime/stc_runtime.py) calls; docs/template.md has the table.
 *
 * Ownership: a stc_iam_policy owns copies of everything passed in (or the
 * resource itself, with stc_iam_allow_take()); stc_iam_document(),
 * stc_iam_finish() and stc_iam_trust() return new cJSON trees owned by the
 * caller.
 */
#ifndef STC_AWS_IAM_H
#define STC_AWS_IAM_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/resources.h"

typedef struct stc_iam_policy stc_iam_policy;

stc_iam_policy *stc_iam_new(void);
void stc_iam_free(stc_iam_policy *p);

/* Allow `action` on `resource` (copied; a string or an intrinsic) in the
 * statement `sid`. `condition` (copied, may be NULL) is set on the statement
 * when it is created. */
void stc_iam_allow(stc_iam_policy *p, const char *sid, const char *action, const cJSON *resource,
                   const cJSON *condition);
/* The same without a condition, taking `resource` (the policy owns it, or
 * deletes it when the statement has an equal one already). */
void stc_iam_allow_take(stc_iam_policy *p, const char *sid, const char *action, cJSON *resource);
bool stc_iam_empty(const stc_iam_policy *p);

/* {"Version": "2012-10-17", "Statement": [...]} in the order the statements
 * were created. */
cJSON *stc_iam_document(const stc_iam_policy *p);
/* The same document, then frees p: what the document holds of p is moved
 * into it rather than copied. */
cJSON *stc_iam_finish(stc_iam_policy *p);

/* The trust policy letting `service` ("lambda.amazonaws.com") assume a role. */
cJSON *stc_iam_trust(const char *service);

/* Grant the actions the operations `ops` (bits of stc_access_op) need on
 * resource `r`, whose logical id is r->logical; with `kms_key_logical`
 * (NULL when the resource uses AWS-owned keys), also the key usage
 * (kms:Decrypt, and for writes kms:GenerateDataKey, plus kms:Encrypt for
 * tables), restricted to use through the resource's service. */
void stc_iam_grant_resource(stc_iam_policy *p, const stc_resource *r, unsigned ops,
                            const char *kms_key_logical);

/* The same for a resource of `kind` (TABLE, BUCKET, QUEUE, TOPIC) known by
 * its ARN (`arn`; a bucket's objects `objects`, both copied): statements
 * under `sid` (and `<sid>Objects`). For bindings, whose table, bucket or
 * topic the configuration chooses, and existing resources named by ARN. */
void stc_iam_grant_arn(stc_iam_policy *p, stc_resource_kind kind, const char *sid, const cJSON *arn,
                       const cJSON *objects, unsigned ops, const char *kms_key_logical);

/* The AWS actions of one operation on a kind of resource, for docs and
 * tests: writes up to `max` static strings into out, returns the count. */
size_t stc_iam_op_actions(stc_resource_kind kind, stc_access_op op, const char **out, size_t max);

#endif
