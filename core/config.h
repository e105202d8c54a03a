/* config.h - deployment settings: built-in mode defaults + SERVICE.stc.yaml.
 *
 * The file format is in docs/config.md:
 *
 *   defaults:                 # every mode
 *     memory: 256
 *   modes:                    # per mode
 *     prod: {memory: 1024, reserved_concurrency: 20}
 *   functions:                # per unit (method name), every mode ...
 *     _send_email:
 *       timeout: 60
 *       modes:                # ... and per unit per mode
 *         prod: {memory: 512}
 *   triggers:                 # schedules and resource events (core/triggers.h)
 *     - {schedule: rate(1 day), target: _nightly}
 *
 * A value is resolved, lowest to highest precedence: the mode's built-in
 * default, defaults:, modes.<mode>:, functions.<unit>:, functions.<unit>.modes.<mode>:.
 *
 * This module is cloud-neutral: the settings, their types and per-mode
 * defaults come from a schema the caller passes (the AWS one is built from
 * core/aws/modes.def by stc_aws_config_schema()). Every section of the file
 * is validated, not only the selected mode's; problems are diagnostics with
 * the YAML file's line and column (codes STC520-STC529, docs/config.md).
 *
 * Ownership: a stc_config owns its values and strings; the schema and the
 * unit infos are borrowed and must outlive it. libyaml's document is loaded
 * and freed inside stc_config_load().
 */
#ifndef STC_CONFIG_H
#define STC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/util.h"

#define STC_CONFIG_MAX_MODES 8

typedef enum stc_cfg_type {
    STC_CFG_INT,
    STC_CFG_BOOL,
    STC_CFG_ENUM,
    STC_CFG_STRING,
    STC_CFG_MAP,     /* a mapping, kept as its JSON text in `s` (its keys are the user's to check) */
} stc_cfg_type;

typedef enum stc_cfg_scope {
    STC_CFG_SERVICE, /* defaults: and modes: only */
    STC_CFG_UNIT,    /* also per unit: Lambda functions and workflows */
    STC_CFG_LAMBDA,  /* also per unit: Lambda functions only */
    STC_CFG_WORKFLOW, /* also per unit: workflows (state machines) only */
    STC_CFG_ROUTE,   /* also per unit: units an API route reaches (REST and WebSocket units) */
} stc_cfg_scope;

typedef struct stc_setting_def {
    const char *key;
    stc_cfg_type type;
    stc_cfg_scope scope;
    bool nullable;
    long long min, max;   /* INT range */
    const char *choices;  /* ENUM words / INT allowed values, "a|b|c"; "" = none */
    const char *defaults[STC_CONFIG_MAX_MODES]; /* per mode, YAML text; "" = null */
    const char *doc;
} stc_setting_def;

typedef struct stc_config_schema {
    const char *const *modes;
    size_t nmodes;
    const stc_setting_def *defs;
    size_t ndefs;
} stc_config_schema;

typedef struct stc_setting_value {
    bool set;        /* false: null (unset) */
    long long i;     /* INT value, BOOL 0/1, ENUM index into choices */
    char *s;         /* the value's text ("1024", "true", "kms"; a MAP's JSON); NULL when unset */
    int line, col;   /* where the config file set it; 0 = built-in default */
} stc_setting_value;

typedef struct stc_config {
    const stc_config_schema *schema;
    char *path;                 /* the config file, NULL when there is none */
    size_t mode;                /* index into schema->modes */
    stc_setting_value *service; /* ndefs values: the service level, resolved */
    size_t nunits;
    const stc_unit_info *units; /* borrowed */
    stc_setting_value *unit_values; /* nunits * ndefs: per unit, resolved */
    stc_name_index unit_index;  /* unit method names -> unit position */
    struct stc_cfg_entry *entries; /* every value the file sets, in any mode (for
                                      stc_config_get_mode); nentries of them */
    size_t nentries;
    stc_setting_value *mode_defaults; /* nmodes * ndefs built-in defaults, parsed */
    bool has_triggers;          /* a triggers: section is present */
    struct stc_triggers *triggers; /* the triggers: section, every mode, owned
                                      (core/triggers.h); NULL when absent. Checked
                                      against the service by stc_triggers_check() */
    struct stc_bindings *bindings; /* the bindings: section, every mode, owned
                                      (core/bindings.h); NULL when absent. Checked
                                      by stc_bindings_check() */
} stc_config;

/* Index of `mode` in the schema, or -1. */
int stc_config_mode_index(const stc_config_schema *schema, const char *mode);

/* Resolve the settings of `mode` for a service whose units are `units`
 * (nunits entries). `text` (len bytes) is the config file's content, named
 * `path` in diagnostics; NULL text means "no file": built-in defaults only.
 * Returns the config, or NULL when the file has errors (diagnostics in d). */
stc_config *stc_config_load(const stc_config_schema *schema, const char *mode, const char *path,
                            const char *text, size_t len, const stc_unit_info *units, size_t nunits,
                            stc_diags *d);
void stc_config_free(stc_config *c);

/* The resolved value of setting index `setting` for unit `unit_name`, or
 * for the service when unit_name is NULL or not a unit. Never NULL. */
const stc_setting_value *stc_config_get(const stc_config *c, const char *unit_name, size_t setting);

/* The value of setting `setting` for unit `unit_name` (or the service) in
 * another mode than the one loaded (`mode`: an index into the schema's
 * modes), resolved with the same precedence from the same file. Every
 * section of the file is kept for this, not only the loaded mode's. Never
 * NULL; the value belongs to the config. */
const stc_setting_value *stc_config_get_mode(const stc_config *c, const char *unit_name, size_t setting,
                                             size_t mode);

/* Shorthands over stc_config_get. */
long long stc_config_int(const stc_config *c, const char *unit_name, size_t setting);
bool stc_config_bool(const stc_config *c, const char *unit_name, size_t setting);
const char *stc_config_str(const stc_config *c, const char *unit_name, size_t setting); /* NULL when unset */
/* A comma-separated setting ("a, b,c") as a JSON array of its trimmed,
 * non-empty items (["a", "b", "c"]; [] for NULL). Allocated. */
cJSON *stc_config_list(const char *text);

/* A YAML node of a loaded document as JSON: plain scalars are typed (null,
 * booleans, numbers), quoted ones are strings, sequences arrays, mappings
 * objects. NULL when it cannot be (a key that is not a scalar, a key twice,
 * nesting deeper than 64): *bad is the node and *why says which
 * ("key", "twice", "deep"). A new cJSON tree the caller owns. */
cJSON *stc_config_yaml_json(yaml_document_t *doc, const yaml_node_t *node, const yaml_node_t **bad,
                            const char **why);

/* The path of the config file beside a module: "x/people.py" ->
 * "x/people.stc.yaml" (allocated). */
char *stc_config_default_path(const char *module_path);

#endif
