/* template.h - the spec of a service + a deployment mode -> an AWS
 * CloudFormation template (docs/template.md).
 *
 * One Lambda function per sync unit, each with its own log group and its
 * own least-privilege IAM role; one state machine per async unit with its
 * role (and log group in modes that log); the tables, buckets and queues
 * declared in __init__; an HTTP API (API Gateway v2) with a route and
 * integration per REST unit; a WebSocket API when there are on_* units;
 * a KMS key, alarms, tracing and retention as the mode says
 * (core/aws/modes.def, overridden by SERVICE.stc.yaml, core/config.h).
 *
 * The tree uses the long JSON form of intrinsics ({"Ref": ...},
 * {"Fn::GetAtt": [...]}, {"Fn::Sub": ...}); stc_template_write() prints it
 * as JSON or, through core/yaml_out.h, as YAML with the short tags.
 * Key order is fixed by construction, so output is stable.
 *
 * Diagnostics STC550-STC569 (impossible combinations of settings, cycles).
 *
 * Ownership: stc_template_build() and the intrinsic helpers return new
 * cJSON trees owned by the caller; spec and config are borrowed. The tree
 * borrows each state machine's Definition from the service's workflows
 * (a cJSON reference, which cJSON_Delete leaves alone): keep the service
 * until the tree is freed, or give the tree copies with stc_template_own().
 */
#ifndef STC_AWS_TEMPLATE_H
#define STC_AWS_TEMPLATE_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "core/config.h"
#include "core/diag.h"
#include "core/service.h"
#include "core/spec.h"
#include "core/util.h"

typedef enum stc_aws_mode {
#define STC_MODE(id, name, doc) STC_MODE_##id,
#include "core/aws/modes.def"
#undef STC_MODE
    STC_MODE__COUNT
} stc_aws_mode;

typedef enum stc_aws_setting {
#define STC_SETTING(id, key, type, scope, nullable, min, max, choices, dev, test, stage, prod, doc) STC_SET_##id,
#include "core/aws/modes.def"
#undef STC_SETTING
    STC_SET__COUNT
} stc_aws_setting;

typedef enum stc_template_format {
    STC_TEMPLATE_YAML,
    STC_TEMPLATE_JSON,
} stc_template_format;

/* The modes and settings of core/aws/modes.def, for stc_config_load(). */
const stc_config_schema *stc_aws_config_schema(void);

/* Intrinsic functions, long form. */
cJSON *stc_template_ref(const char *name);                    /* {"Ref": name} */
cJSON *stc_template_getatt(const char *res, const char *attr); /* {"Fn::GetAtt": [res, attr]} */
cJSON *stc_template_sub(const char *text);                    /* {"Fn::Sub": text} */

/* Check the settings against the service (impossible combinations) and
 * build the template. Returns NULL when a check fails (diagnostics in d).
 * Function units should carry their code key (stc_spec_set_package). */
cJSON *stc_template_build(const stc_spec *spec, const stc_config *cfg, stc_diags *d);

/* CloudFormation's per-template quotas (the CloudFormation User Guide's
 * quotas page; cfn-lint E3010 and E1002 check the same numbers). A template
 * over one still comes out, with warning STC559 at the service class. */
#define STC_CFN_MAX_RESOURCES 500
#define STC_CFN_MAX_OUTPUTS 200
#define STC_CFN_MAX_PARAMETERS 200
#define STC_CFN_MAX_TEMPLATE_BYTES 1000000
/* STC559 when a written template (`what`: "the template", "template.yaml")
 * of len bytes is over the size quota. The counts are checked by
 * stc_template_build itself. */
void stc_template_check_size(const stc_service *svc, const char *what, size_t len, stc_diags *d);

/* Append the template as YAML or JSON (with a final newline) to out.
 * Returns 0, or -1 with *err allocated. */
int stc_template_write(const cJSON *tmpl, stc_template_format fmt, stc_buf *out, char **err);

/* Everything a command needs, from a compiled service without errors: the
 * spec (with package digests and code keys) over the service's resources
 * and workflows, the configuration of `mode`, then stc_template_build().
 * The configuration is the service's own (svc->config) when it is the
 * mode's; otherwise it is loaded from `config_path`, or SERVICE.stc.yaml
 * beside the module when config_path is NULL and that file exists.
 * Returns the template, or NULL with diagnostics in d; *io_error is set
 * when the config file could not be read (STC528). `parts` receives what
 * the template was built from; free it with stc_template_parts_free(). */
typedef struct stc_template_parts {
    stc_spec *spec;         /* owned */
    stc_resources *own_res; /* owned, when the service has no resources stage result */
    stc_config *own_cfg;    /* owned, when the service's config is not the mode's */
    const stc_config *cfg;  /* the configuration used (own_cfg or svc->config) */
} stc_template_parts;

cJSON *stc_template_generate(const stc_service *svc, const char *mode, const char *config_path,
                             stc_template_parts *parts, stc_diags *d, bool *io_error);
/* Replace the Definitions the tree borrows from the service by copies, so
 * that it may outlive the service (the workbench compares a mode's template
 * with the next compile's). */
void stc_template_own(cJSON *tmpl);
/* Build only the spec (with digests) of a compiled service. Returns 0, or
 * -1 with diagnostics in d. */
int stc_template_spec(const stc_service *svc, stc_template_parts *parts, stc_diags *d);
void stc_template_parts_free(stc_template_parts *parts);

/* Load the configuration of `mode` for a service: from `config_path`, or
 * SERVICE.stc.yaml beside the module when config_path is NULL and the file
 * exists, else built-in defaults only. NULL with diagnostics on errors
 * (*io_error set when the file cannot be read). Used by the service's
 * config stage and by stc_template_generate(). */
stc_config *stc_template_load_config(const stc_service *svc, const char *mode, const char *config_path,
                                     stc_diags *d, bool *io_error);

/* What changes from template `a` to template `b`, resource by resource, as
 * a new tree: {"sections": [{"section": "Parameters" | "Resources" |
 * "Outputs", "added": [{"name", "type"?}], "removed": [...], "changed":
 * [{"name", "type"?, "changes": [{"path": "Properties.MemorySize", "op":
 * "changed" | "added" | "removed", "from"?, "to"?}]}]}]}. Paths step into
 * objects with "." and into lists of objects with "[i]"; intrinsics and lists
 * of scalars compare as whole values. */
cJSON *stc_template_diff(const cJSON *a, const cJSON *b);

#endif
