/* nag.h - acknowledgements of AWS's best-practice rules (cdk-nag's AwsSolutions
 * and Serverless packs) in the template itself, in cdk-nag's own format:
 *
 *   Metadata:
 *     cdk_nag:
 *       rules_to_suppress:
 *         - id: AwsSolutions-IAM5
 *           reason: ...
 *           applies_to: ['Resource::*']
 *
 * The rules, what the compiler does about each, and every reason it may give
 * are one reviewed list, core/aws/nag.def (docs/hardening.md shows it). The
 * template decides where a reason is true; this module only writes it.
 *
 * Ownership: the functions change the resource objects they are given (owned
 * by the template); strings returned are static, or allocated where said.
 */
#ifndef STC_AWS_NAG_H
#define STC_AWS_NAG_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef enum stc_nag_ack {
#define STC_NAG_ACK(id, rule, reason) STC_NAG_##id,
#include "core/aws/nag.def"
#undef STC_NAG_ACK
    STC_NAG__COUNT
} stc_nag_ack;

/* The rule id and the reason of an acknowledgement. */
const char *stc_nag_rule(stc_nag_ack ack);
const char *stc_nag_reason(stc_nag_ack ack);

/* The rules of the packs the table knows (STC_NAG_RULE), in its order:
 * *what gets the sentence saying what the compiler does. NULL past the end. */
const char *stc_nag_rule_at(size_t i, const char **what);

/* Acknowledge `ack` on `resource` (a template resource object: {"Type", ...}).
 * `applies_to`: the finding the reason is about (cdk-nag's finding id, such as
 * "Resource::*"), or NULL for every finding of the rule. An acknowledgement
 * with the same rule and reason gathers the findings in one entry. */
void stc_nag_acknowledge(cJSON *resource, stc_nag_ack ack, const char *applies_to);

/* A value of the template as cdk-nag prints it in a finding (its
 * flattenCfnReference): "${X}" -> "<X>", {"Fn::GetAtt": [X, A]} -> "<X.A>",
 * {"Ref": X} -> "<X>", Fn::Join joined. Allocated. */
char *stc_nag_flatten(const cJSON *value);

/* Acknowledge the resource wildcards of a role's inline policies (the
 * resource object of an AWS::IAM::Role) that the table explains, by the
 * statement's Sid: AwsSolutions-IAM5 with each finding, and, for a role
 * Lambda assumes, Serverless-LambdaStarPermissions where a resource is "*".
 * A wildcard of a statement the table does not know stays unacknowledged. */
void stc_nag_acknowledge_role(cJSON *role);

#endif
