/* bindings.h - what backs each binding of a service: the `bindings:` section
 * of SERVICE.stc.yaml (docs/config.md, "Bindings").
 *
 * A binding is an __init__ parameter that names a resource the way the
 * design's authors write it (core/resources.h: Mapping.get_mapping(p),
 * MutableMapping.get_mapping(p), Channel.get_channel(p)); a parameter typed
 * jdict is a JSON object. Per binding, every mode or one mode:
 *
 *   bindings:
 *     service_storage:        # an __init__ parameter
 *       store: bucket         # Mapping / MutableMapping: table (default) or bucket
 *       existing: my-bucket   # an existing table or bucket (bucket/prefix/), or topic ARN
 *       modes:
 *         dev: {existing: null}   # null: created by the stack (the default)
 *     notification_mail:
 *       value: {sender: ops@example.com}   # jdict / channel: the configuration value
 *     api_token:              # a str or jdict parameter kept secret
 *       secret: shop/api-token            # Secrets Manager (a name or an ARN), or
 *       ssm: /shop/api-token              # an SSM Parameter Store parameter (name or ARN)
 *
 * core/config.c parses the section (every mode; codes STC520-STC526);
 * stc_bindings_check() then checks it against the service's parameters and
 * resources (called by stc_template_load_config()).
 *
 * Ownership: a stc_bindings owns its entries, strings and JSON values.
 */
#ifndef STC_BINDINGS_H
#define STC_BINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/diag.h"
#include "core/resources.h"

#define STC_BINDINGS_MAX_MODES 8

/* Where a secret parameter's value is kept (docs/hardening.md, "Secrets"). */
typedef enum stc_secret_source {
    STC_SECRET_NONE,
    STC_SECRET_MANAGER, /* secret: AWS Secrets Manager, by name or ARN */
    STC_SECRET_SSM,     /* ssm: SSM Parameter Store, by name or ARN */
} stc_secret_source;

typedef enum stc_store_backing {
    STC_STORE_TABLE,  /* the default */
    STC_STORE_BUCKET,
} stc_store_backing;

/* One setting's value in one mode, and where the file set it (line 0: not set). */
typedef struct stc_binding_mode {
    stc_store_backing store;
    int store_line, store_col;
    char *existing;           /* NULL: created by the stack */
    int existing_line, existing_col;
    cJSON *value;             /* a JSON object, or NULL */
    int value_line, value_col;
    stc_secret_source secret_source; /* secret: / ssm: (NONE: a template parameter) */
    char *secret;             /* the secret's or parameter's name or ARN */
    int secret_line, secret_col;
} stc_binding_mode;

typedef struct stc_binding_cfg {
    char *param;
    int line, col;
    stc_binding_mode modes[STC_BINDINGS_MAX_MODES];
} stc_binding_cfg;

typedef struct stc_bindings {
    char *path;
    stc_binding_cfg *items;
    size_t count;
    size_t nmodes;
    bool checked;             /* stc_bindings_check() passed */
} stc_bindings;

/* The entry of parameter `param`, or NULL. */
const stc_binding_cfg *stc_bindings_find(const stc_bindings *b, const char *param);

/* Check the entries against the service's __init__ parameters and
 * resources: the name is a binding or jdict parameter, or a str parameter
 * kept secret; each setting fits it (store: a store; existing: a store's
 * table or bucket name, a channel's SNS topic ARN; value: a jdict or a
 * channel; secret/ssm: a str or jdict parameter, a valid name or ARN, and
 * not with value:). False on errors (in d). */
bool stc_bindings_check(stc_bindings *b, const stc_resources *res, stc_diags *d);

void stc_bindings_free(stc_bindings *b);

#endif
