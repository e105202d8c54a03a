/* resources.h - service parameters and resources from __init__, and which
 * unit touches which resource, how, and which units it calls.
 *
 * Rules (docs/template.md, "Parameters and resources"):
 *  - every __init__ parameter is a service parameter: str -> String,
 *    int/float -> Number, list[str] -> CommaDelimitedList; a default is the
 *    Default, no default means required. Each reaches every function as the
 *    environment variable STC_PARAM_<NAME>.
 *  - an attribute assigned in __init__ with an annotation declares a
 *    resource: MutableMapping/dict/Dict[K, V] with V JSON-like is a
 *    key-value table; MutableMapping/dict/Dict[str, bytes] an object store;
 *    Queue / Queue[T] a queue. Any other attribute is plain configuration.
 *  - an attribute bound from an __init__ parameter declares a binding:
 *    Mapping.get_mapping(p) a read-only store, MutableMapping.get_mapping(p)
 *    a store (each a table or a bucket, as the configuration says),
 *    Channel.get_channel(p) a notification topic. The parameter is then no
 *    template parameter: its value is the resource's name. A parameter typed
 *    jdict is a JSON object (a template parameter holding JSON text).
 *  - the body of every unit (and of the helpers it calls, transitively) is
 *    read for resource operations (stc_access_op), calls of other units
 *    (invoke a function / start a workflow) and post_to_connection().
 *
 * Portable: nothing here knows AWS. core/aws/iam.c maps each operation to
 * actions. Diagnostics STC500-STC519.
 *
 * Ownership: a stc_resources owns every string and array in it; it borrows
 * the module (positions, nodes) and the unit infos, which must outlive it.
 */
#ifndef STC_RESOURCES_H
#define STC_RESOURCES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/ir.h"

/* X(ID, "json", writes, "what it is") */
#define STC_ACCESS_OPS(X)                                                              \
    X(GET, "get", false, "read one entry by key: t[k], k in t, t.get(k)")              \
    X(SCAN, "scan", false, "list the keys: iteration, keys(), len(t)")   \
    X(PUT, "put", true, "write one entry: t[k] = v, t.update(...), t.setdefault(...)") \
    X(DELETE, "delete", true, "delete an entry: del t[k], t.pop(k), t.clear()")         \
    X(SEND, "send", true, "send a message: q.put(x), q.put_nowait(x)")                 \
    X(RECEIVE, "receive", false, "receive and delete a message: q.get(), q.get_nowait()") \
    X(INSPECT, "inspect", false, "read queue attributes: q.qsize(), q.empty(), len(q)")

typedef enum stc_access_op {
#define X(id, json, writes, doc) STC_OP_##id,
    STC_ACCESS_OPS(X)
#undef X
    STC_OP__COUNT
} stc_access_op;

/* X(ID, "json", "logical suffix", "env prefix")
 * STORE and TOPIC are bindings (below): a store is a table or a bucket, as
 * the mode's configuration says; a topic is a notification channel. */
#define STC_RESOURCE_KINDS(X)                    \
    X(TABLE, "table", "Table", "STC_TABLE_")     \
    X(BUCKET, "bucket", "Bucket", "STC_BUCKET_") \
    X(QUEUE, "queue", "Queue", "STC_QUEUE_")     \
    X(STORE, "store", "Store", "STC_STORE_")     \
    X(TOPIC, "topic", "Topic", "STC_TOPIC_")

typedef enum stc_resource_kind {
#define X(id, json, suffix, env) STC_RES_##id,
    STC_RESOURCE_KINDS(X)
#undef X
} stc_resource_kind;

typedef enum stc_param_type {
    STC_PARAM_STRING,
    STC_PARAM_NUMBER,
    STC_PARAM_LIST,
    STC_PARAM_JSON,    /* jdict: a JSON object, as text */
    STC_PARAM_BINDING, /* names a bound resource (get_mapping / get_channel): its
                          value is the resource's name, set by the deployment */
} stc_param_type;

/* How __init__ binds a resource the way the design's authors write it:
 * self.x = Mapping.get_mapping(p) (read only), MutableMapping.get_mapping(p),
 * Channel.get_channel(p); p is an __init__ parameter. */
#define STC_BINDINGS(X)                                                 \
    X(NONE, "", "")                                                     \
    X(MAPPING, "Mapping", "get_mapping")                                \
    X(MUTABLE_MAPPING, "MutableMapping", "get_mapping")                 \
    X(CHANNEL, "Channel", "get_channel")

typedef enum stc_binding {
#define X(id, cls, fn) STC_BIND_##id,
    STC_BINDINGS(X)
#undef X
} stc_binding;

const char *stc_binding_interface(stc_binding b); /* "MutableMapping" */

typedef struct stc_service_param {
    char *name;          /* "max_tries" */
    char *logical;       /* "MaxTries" */
    char *env;           /* "STC_PARAM_MAX_TRIES" */
    stc_param_type type;
    char *py_type;       /* "int" (annotation text, or inferred from the default) */
    char *default_value; /* the Default as text ("3", "a,b", JSON text for jdict); NULL = required */
    int resource;        /* BINDING: index of the bound resource; else -1 */
    stc_pos pos;
} stc_service_param;

typedef struct stc_resource {
    char *attr;          /* "people" */
    stc_resource_kind kind;
    char *logical;       /* "PeopleTable" */
    char *env;           /* "STC_TABLE_PEOPLE" */
    char *annotation;    /* "MutableMapping[str, dict]" */
    char *key_type;      /* "str" or "int" (tables, buckets); NULL for queues */
    stc_binding binding; /* NONE for an annotated resource */
    char *param;         /* a binding's __init__ parameter ("service_storage"), else NULL */
    stc_pos pos;
} stc_resource;

typedef struct stc_config_attr {
    char *attr;          /* "room" */
    char *value;         /* source text of the value ("room") */
    stc_pos pos;
} stc_config_attr;

typedef struct stc_access {
    size_t resource;     /* index into stc_resources.resources */
    unsigned ops;        /* bit (1u << stc_access_op) per operation */
    stc_pos first;       /* the first use in the unit (or in a helper it calls) */
} stc_access;

typedef struct stc_unit_access {
    const stc_unit_info *unit; /* borrowed */
    stc_access *accesses;      /* sorted by resource index */
    size_t naccesses;
    char **invokes;            /* sync units it calls (Lambda invoke), by name, in method order */
    size_t ninvokes;
    char **starts;             /* async units it starts (state machine executions), in method order */
    size_t nstarts;
    char **helpers;            /* helpers whose code it runs (transitively), in method order */
    size_t nhelpers;
    bool posts_to_connections; /* calls stc_runtime.post_to_connection */
    stc_pos post_pos;
} stc_unit_access;

typedef struct stc_resources {
    stc_service_param *params;
    size_t nparams;
    stc_resource *resources;
    size_t nresources;
    stc_config_attr *config;
    size_t nconfig;
    stc_unit_access *units; /* parallel to the unit infos (empty for non-units) */
    size_t nunits;
} stc_resources;

/* Analyse the service class. Returns the result (caller frees) even when
 * there are errors (diagnostics in d), or NULL when there is no service. */
stc_resources *stc_resources_analyze(const stc_module *m, const stc_unit_info *units, size_t nunits,
                                     stc_diags *d);
void stc_resources_free(stc_resources *r);

const char *stc_access_op_json(stc_access_op op); /* "get" */
bool stc_access_op_writes(stc_access_op op);
const char *stc_resource_kind_json(stc_resource_kind k); /* "table" */
const char *stc_param_type_cfn(stc_param_type t);        /* "String", "Number", "CommaDelimitedList" */

/* The access of unit index `u` to resource `res`, or NULL. */
const stc_access *stc_resources_access(const stc_resources *r, size_t u, size_t res);

/* "max_tries" -> "MaxTries" (allocated); leading underscores dropped. */
char *stc_resources_camel(const char *snake);

#endif
