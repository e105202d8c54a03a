/* triggers.h - schedules and resource-event triggers from SERVICE.stc.yaml.
 *
 * The `triggers:` section of the configuration (docs/triggers.md) is a list;
 * each entry starts one internal unit (`_fn` Lambda or `_wf` state machine)
 * from a source that is not an API:
 *
 *   triggers:
 *     - schedule: rate(1 day)            # or cron(0 3 * * ? *)
 *       target: _nightly_cleanup
 *       input: {older_than_days: 30}     # optional: the arguments, by name
 *       enabled: {dev: false}            # optional: true, false, or per mode
 *     - object_created: photos           # an object store of __init__
 *       target: _make_thumbnail
 *       prefix: uploads/                 # optional key filters
 *       suffix: .jpg
 *     - object_removed: photos
 *       target: _forget_photo
 *     - queue: jobs                      # a queue of __init__
 *       target: _run_job
 *       batch_size: 5                    # 1..10 (default 10)
 *     - topic: arn:aws:sns:eu-west-1:123456789012:news   # an existing SNS topic
 *       target: _on_news
 *
 * The target's parameters receive the event's fields by name (the table
 * STC_TRIGGER_FIELDS below), never the raw AWS event.
 *
 * Two steps. stc_triggers_parse() reads the YAML nodes (called by
 * core/config.c while it walks the file): shape, keys, values, schedule
 * expressions. stc_triggers_check() then checks the entries against the
 * service: targets, resources, parameters (called once the resources are
 * known, by stc_template_load_config()). Every problem is a diagnostic at
 * the YAML file's line and column, codes STC530-STC549.
 *
 * Portable: nothing here knows AWS beyond the expression syntax of
 * schedules (EventBridge's rate/cron, which is what the docs promise) and
 * the shape of a topic ARN. core/aws/template.c emits the resources.
 *
 * Ownership: a stc_triggers owns its entries and their strings and JSON
 * input trees; it borrows the mode names (from the config schema) and,
 * after stc_triggers_check(), the unit infos and resources. JSON returned
 * by the *_json functions belongs to the caller.
 */
#ifndef STC_TRIGGERS_H
#define STC_TRIGGERS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <yaml.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/resources.h"

#define STC_TRIGGERS_MAX_MODES 8

/* X(ID, "yaml key and json name", source, "what it is")
 *   source: what the key's value names (STC_TSRC_*) */
#define STC_TRIGGER_KINDS(X)                                                                            \
    X(SCHEDULE, "schedule", EXPR, "a rate(...) or cron(...) schedule")                                \
    X(OBJECT_CREATED, "object_created", BUCKET, "an object created (put, copied) in an object store") \
    X(OBJECT_REMOVED, "object_removed", BUCKET, "an object deleted from an object store")             \
    X(QUEUE, "queue", QUEUE, "messages on a queue, in batches")                                       \
    X(TOPIC, "topic", TOPIC, "messages on an existing SNS topic")

typedef enum stc_trigger_kind {
#define X(id, json, src, doc) STC_TRIGGER_##id,
    STC_TRIGGER_KINDS(X)
#undef X
    STC_TRIGGER__COUNT
} stc_trigger_kind;

/* What each kind passes to the target, by parameter name.
 * X(KIND, "field", "type", "what it is"); type is a Python annotation
 * ("any": any JSON value). */
#define STC_TRIGGER_FIELDS(X)                                                                              \
    X(SCHEDULE, "time", "str", "the scheduled time, ISO 8601 UTC (2024-05-01T03:00:00Z)")                  \
    X(OBJECT_CREATED, "key", "str", "the object's key (decoded)")                                          \
    X(OBJECT_CREATED, "size", "int", "the object's size in bytes")                                         \
    X(OBJECT_CREATED, "bucket", "str", "the bucket's name")                                                \
    X(OBJECT_CREATED, "etag", "str", "the object's ETag")                                                  \
    X(OBJECT_CREATED, "time", "str", "when it happened, ISO 8601 UTC")                                     \
    X(OBJECT_REMOVED, "key", "str", "the object's key (decoded)")                                          \
    X(OBJECT_REMOVED, "bucket", "str", "the bucket's name")                                                \
    X(OBJECT_REMOVED, "time", "str", "when it happened, ISO 8601 UTC")                                     \
    X(QUEUE, "message", "any", "the message: the JSON value q.put(x) sent (text that is not JSON as is)") \
    X(QUEUE, "message_id", "str", "the SQS message id")                                                    \
    X(QUEUE, "receive_count", "int", "how many times the message was received (1 the first time)")        \
    X(TOPIC, "message", "any", "the message: parsed JSON when it is JSON, else the text")                 \
    X(TOPIC, "subject", "Optional[str]", "the subject, or None")                                           \
    X(TOPIC, "message_id", "str", "the SNS message id")                                                    \
    X(TOPIC, "topic", "str", "the topic's ARN")                                                            \
    X(TOPIC, "time", "str", "when it was published, ISO 8601 UTC")

typedef struct stc_trigger_field {
    stc_trigger_kind kind;
    const char *name;
    const char *type;
    const char *doc;
} stc_trigger_field;

typedef struct stc_trigger {
    stc_trigger_kind kind;
    char *source;        /* the schedule expression, the resource attribute or the topic ARN */
    char *target;        /* the method name; NULL when missing (an error) */
    cJSON *input;        /* schedule: the arguments object (owned), or NULL */
    char *prefix;        /* object filters, or NULL */
    char *suffix;
    int batch_size;      /* queue: 1..10 */
    bool enabled[STC_TRIGGERS_MAX_MODES]; /* per mode of the schema */
    int line, col;       /* the entry */
    int source_line, source_col;
    int target_line, target_col;
    /* set by stc_triggers_check() */
    const stc_unit_info *unit; /* the target, borrowed */
    int resource;        /* index into stc_resources.resources, -1 for schedules and topics */
    size_t ordinal;      /* 1-based among the triggers of the same target (logical names) */
} stc_trigger;

typedef struct stc_triggers {
    char *path;          /* the configuration file */
    stc_trigger *items;  /* in file order */
    size_t count;
    const char *const *modes; /* borrowed */
    size_t nmodes;
    bool checked;        /* stc_triggers_check() passed */
} stc_triggers;

/* Read the `triggers:` node of a loaded YAML document. Returns the list
 * (possibly empty) and sets *errors when an entry is wrong (diagnostics in
 * d). `modes` (nmodes <= STC_TRIGGERS_MAX_MODES) is borrowed. */
stc_triggers *stc_triggers_parse(yaml_document_t *doc, yaml_node_t *node, const char *path,
                                 const char *const *modes, size_t nmodes, stc_diags *d, bool *errors);

/* Check every entry against the service: the target is an internal unit
 * that can receive the event, the source is one of its resources. Returns
 * false when there are errors (diagnostics in d). `res` may be NULL (no
 * service resources). The units and resources are borrowed from then on. */
bool stc_triggers_check(stc_triggers *t, const stc_unit_info *units, size_t nunits, const stc_resources *res,
                        stc_diags *d);

void stc_triggers_free(stc_triggers *t);

/* Is a schedule expression valid for EventBridge? On false, *why (allocated)
 * says what is wrong and *hint (allocated, may be NULL) a fix. */
bool stc_schedule_valid(const char *expr, char **why, char **hint);

const char *stc_trigger_kind_json(stc_trigger_kind k); /* "object_created" */
const char *stc_trigger_kind_doc(stc_trigger_kind k);

/* The fields a kind passes, in table order; returns the count. */
size_t stc_trigger_fields(stc_trigger_kind k, const stc_trigger_field **out, size_t max);
/* The field `name` of kind k, or NULL. */
const stc_trigger_field *stc_trigger_field_find(stc_trigger_kind k, const char *name);

/* Is the trigger on in mode index `mode`? */
bool stc_trigger_enabled(const stc_trigger *tr, size_t mode);

/* Does any trigger (in any mode) target unit `name`? Counts them. */
size_t stc_triggers_count_for(const stc_triggers *t, const char *name);

/* The parameters of the target that receive event fields, as "key, size". */
char *stc_trigger_params_text(const stc_trigger *tr);

/* One short line: "object_created photos (uploads/ .. .jpg)", "schedule rate(1 day)". */
char *stc_trigger_summary(const stc_trigger *tr);

/* {"kind", "source", "function", "async", "enabled", "modes": [...],
 *  "params": [...], (kind-specific: "input", "prefix", "suffix",
 *  "batch_size"), "line"}: `mode` is the mode index "enabled" is about. */
cJSON *stc_trigger_to_json(const stc_triggers *t, const stc_trigger *tr, size_t mode);
/* Every trigger, in file order (routes --json "triggers"); t may be NULL. */
cJSON *stc_triggers_to_json(const stc_triggers *t, size_t mode);
/* The triggers of unit `name` (spec "triggers"); t may be NULL. */
cJSON *stc_triggers_unit_json(const stc_triggers *t, const char *name, size_t mode);

#endif
