/* spec.h - the cloud-neutral service specification document.
 *
 * One model of what a service is, independent of any cloud: its parameters,
 * resources and plain configuration (core/resources.h), and every cloud unit
 * (Lambda-like function or state machine) with its kind, routes, parameters
 * with JSON schemas, the resources it touches and how, the units it invokes
 * and starts, its state machine (core/workflow.h) and its package digest.
 * core/aws/ turns it into a CloudFormation template; `stc-tui spec` prints
 * it as JSON (docs/template.md, "The spec document").
 *
 * Digests: `digest` of a function unit is the SHA-256 (64 hex digits) of
 * exactly what it ships; `code_key` is the object key of its package. Both
 * are filled by stc_spec_set_package() (the packaging stage, core/aws/) and
 * are NULL until then; a state machine unit has neither.
 *
 * Ownership: a stc_spec owns its unit array and the strings it allocates
 * (logical names, digests, code keys); it borrows the service, the resources
 * and the workflows, which must outlive it. The JSON tree returned by
 * stc_spec_to_json() is the caller's.
 */
#ifndef STC_SPEC_H
#define STC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/resources.h"
#include "core/routes.h"
#include "core/service.h"
#include "core/util.h"
#include "core/workflow.h"

#define STC_SPEC_VERSION 1

typedef struct stc_spec_unit {
    const stc_unit_info *info;     /* borrowed */
    const stc_unit_access *access; /* borrowed: resources, invokes, starts */
    const stc_route *route;        /* borrowed: the HTTP route of a rest unit, or NULL */
    const stc_ws_route *ws_route;  /* borrowed: the WebSocket route of a websocket unit, or NULL */
    const stc_workflow *workflow;  /* borrowed: the state machine of an async unit, or NULL */
    const char *name;              /* the method name (borrowed) */
    char *camel;                   /* "SendEmail", the base of every logical name */
    char *digest;                  /* SHA-256 hex of the package, NULL until packaged */
    char *code_key;                /* the package's object key, NULL until packaged */
} stc_spec_unit;

typedef struct stc_spec {
    const stc_service *svc;        /* borrowed */
    const stc_resources *res;      /* borrowed */
    const stc_workflows *workflows; /* borrowed, may be NULL */
    stc_spec_unit *units;          /* cloud units only, in definition order */
    size_t nunits;
    bool has_http;                 /* any rest unit */
    bool has_websocket;            /* any websocket unit */
    stc_name_index index;          /* unit names -> position in units */
} stc_spec;

/* Build the spec of a compiled service. Returns NULL (diagnostics in d)
 * when there is no service class, or when two units would get the same
 * logical name (STC580). */
stc_spec *stc_spec_build(const stc_service *svc, const stc_resources *res, const stc_workflows *wf,
                         stc_diags *d);
void stc_spec_free(stc_spec *spec);

/* The unit of method `name`, or NULL. */
stc_spec_unit *stc_spec_unit_find(const stc_spec *spec, const char *name);

/* Record a unit's package: its digest and code key (copied). */
void stc_spec_set_package(stc_spec_unit *u, const char *digest, const char *code_key);

/* The JSON document (`stc-tui spec`); the caller owns the tree. */
cJSON *stc_spec_to_json(const stc_spec *spec);

/* "SendEmail" + "Function" -> "SendEmailFunction" (allocated). */
char *stc_spec_logical(const stc_spec_unit *u, const char *suffix);

#endif
