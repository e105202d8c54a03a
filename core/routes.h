/* routes.h - HTTP routes and WebSocket route keys (naming convention
 * sections 2 to 4; the rules and choices are in docs/routes.md).
 *
 * stc_routes_build() reads the classified units of a module and derives, for
 * every rest unit, one HTTP route (method, path, where each parameter goes
 * and its JSON schema) and, for every websocket unit, its route key. It
 * reports conflicts and handler-signature problems as diagnostics (STC3xx),
 * and rewrites the `explain` text of rest and websocket units so that it
 * says how the route was derived.
 *
 * Ownership: a stc_routes owns its arrays, paths, route keys, schemas and
 * default texts; names (`function`, parameter names) and `method`/`unit`
 * pointers are borrowed from the module and the unit table, which must
 * outlive it. Free with stc_routes_free(). Inside a stc_service, the
 * service owns the table (svc->routes).
 */
#ifndef STC_ROUTES_H
#define STC_ROUTES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/inflect.h"
#include "core/ir.h"
#include "core/util.h"

struct stc_service;

/* Where a parameter travels: PARAM_IN(ID, "json/OpenAPI name"). */
#define STC_PARAM_INS(X) \
    X(PATH, "path")      \
    X(QUERY, "query")    \
    X(BODY, "body")

typedef enum stc_param_in {
#define X(id, name) STC_IN_##id,
    STC_PARAM_INS(X)
#undef X
} stc_param_in;

const char *stc_param_in_name(stc_param_in in); /* "query" */

/* A route's parameter of this name receives the authenticated identity of the
 * request (docs/hardening.md): it is no path, query or body parameter. */
#define STC_CALLER_PARAM "caller"

/* The JSON type a Python type hint stands for: SCHEMA_TYPE(ID, "JSON Schema type"). */
#define STC_SCHEMA_TYPES(X) \
    X(ANY, NULL)            \
    X(NULL, "null")         \
    X(STRING, "string")     \
    X(INTEGER, "integer")   \
    X(NUMBER, "number")     \
    X(BOOLEAN, "boolean")   \
    X(ARRAY, "array")       \
    X(OBJECT, "object")     \
    X(UNION, NULL)

typedef enum stc_schema_type {
#define X(id, json) STC_SCHEMA_##id,
    STC_SCHEMA_TYPES(X)
#undef X
} stc_schema_type;

/* A parameter or return schema, from its type hint (str string, int integer,
 * float number, bool boolean, list[T] array of T, dict[K, V] object of V,
 * Optional[T] / T | None nullable T, Union[A, B] any of A, B; no hint: the
 * type of a constant default, else any). */
typedef struct stc_schema {
    stc_schema_type type;
    bool nullable;              /* also accepts null (Optional[T], T | None) */
    struct stc_schema *items;   /* ARRAY: element schema; OBJECT: value schema (may be NULL) */
    struct stc_schema *alts;    /* UNION: the alternatives */
    size_t nalts;
} stc_schema;

typedef struct stc_route_param {
    const char *name;           /* borrowed from the module */
    const stc_param *param;     /* borrowed: the Python parameter */
    stc_param_in in;
    bool required;              /* no default and not Optional (path params: always) */
    stc_schema schema;
    char *default_json;         /* the default as JSON text ("10", "null", "\"\""), or NULL
                                   (no default, or one that is not a JSON literal) */
} stc_route_param;

/* One HTTP route. `params` lists the path parameters in path order, then the
 * query parameters, then the body parameters, each in definition order:
 * params[0 .. npath) are PATH, the next nquery QUERY, the last nbody BODY. */
typedef struct stc_route {
    const char *function;       /* "register_person" (borrowed) */
    const stc_method *method;   /* borrowed */
    stc_unit_info *unit;        /* borrowed */
    const char *http_method;    /* "POST" (static) */
    char *path;                 /* "/people/{person_id}/orders" */
    bool is_async;              /* starts a state machine; answers 202 */
    stc_route_param *params;
    size_t nparams, npath, nquery, nbody;
    stc_schema returns;         /* from the return annotation (ANY when none) */
    /* how the path was derived (for explanations and the workbench) */
    char *collection;           /* "people": the last path segment that names a collection */
    char *singular;             /* "person": the entity's last word, singular */
    stc_plural_rule rule;       /* how `collection` relates to `singular` */
    bool plural_entity;         /* the entity was already plural: addresses the collection */
    bool item;                  /* the path ends with an item parameter (before any /verb) */
    char *parent;               /* "person" for a nested entity, else NULL */
} stc_route;

/* One WebSocket route. params are the message parameters after url and
 * connection_id (all BODY: fields of the JSON message). */
typedef struct stc_ws_route {
    const char *function;       /* "on_message" (borrowed) */
    const stc_method *method;   /* borrowed */
    stc_unit_info *unit;        /* borrowed */
    char *route_key;            /* "$connect", "message" */
    bool is_async;
    stc_route_param *params;
    size_t nparams;
} stc_ws_route;

typedef struct stc_routes {
    stc_route *http;            /* in method definition order */
    size_t nhttp;
    stc_ws_route *ws;           /* in method definition order */
    size_t nws;
    stc_name_index http_ix, ws_ix; /* function name -> position, for the lookups */
} stc_routes;

/* The API's WebSocket route selection expression. */
#define STC_WS_ROUTE_SELECTION "$request.body.action"

/* Build the route table of `m` from its classified units (n of them; may be
 * NULL when there is no service class: an empty table is returned). Rewrites
 * units[i].explain of rest and websocket units. Never returns NULL. */
stc_routes *stc_routes_build(const stc_module *m, stc_unit_info *units, size_t n, stc_diags *d);
void stc_routes_free(stc_routes *r);

/* The HTTP route / WebSocket route of method `function` in a compiled
 * service, or NULL (not a rest / websocket unit, or no route table). */
const stc_route *stc_routes_for(const struct stc_service *svc, const char *function);
const stc_ws_route *stc_routes_ws_for(const struct stc_service *svc, const char *function);

/* Route lookups on a bare table. */
const stc_route *stc_routes_find(const stc_routes *r, const char *function);
const stc_ws_route *stc_routes_find_ws(const stc_routes *r, const char *function);

/* JSON (cJSON, returned as void* so this header does not pull in cJSON; the
 * caller owns the result):
 * - stc_schema_to_json: a JSON Schema (2020-12 / OpenAPI 3.1) object, e.g.
 *   {"type": ["string", "null"]}; with `default_json` (may be NULL) added
 *   as "default".
 * - stc_routes_to_json: the `routes --json` document of shared/cli.md:
 *   {"http": [{method, path, function, async, path_params, query_params,
 *   body_params}], "websocket": [{route_key, function, async}]}. Callers may
 *   add keys after "websocket" ("triggers", "diagnostics"). */
void *stc_schema_to_json(const stc_schema *s, const char *default_json);
void *stc_routes_to_json(const stc_routes *r);

/* The JSON value of a Python literal (constants, and lists, tuples and
 * dicts with string keys of them), or NULL when it is not one; a cJSON
 * tree the caller owns. */
void *stc_routes_literal_json(const stc_node *n);

/* A short text for a schema: "string", "integer | null", "array of string". */
char *stc_schema_text(const stc_schema *s);

#endif
