/* slice.h - what one cloud function ships of its service module.
 *
 * A function's package holds a rewritten module (`service.py`) with only what
 * the function needs, cut from the source by node positions (stc_module_text):
 *
 *   - every module-level statement except the module docstring, the service
 *     class and the module-level classes and functions the kept code does not
 *     use (by name, transitively: exception classes stay when raised or caught);
 *   - the service class header (decorators, bases, keywords), its class-level
 *     statements other than the docstring, and these methods: __init__, every
 *     other dunder (__repr__, __eq__, ... run implicitly), the function's own
 *     method, and, transitively, every method the kept code reaches through
 *     `self.<name>` that is not a cloud unit (helpers `__x`, ignored and
 *     unclassified methods);
 *   - nothing else: comments and blank lines between statements are dropped,
 *     comments inside a kept statement stay as written.
 *
 * References from kept code to other cloud units (`self._fn(...)`, an async
 * method) are listed in `calls`: the handler binds them to proxies that invoke
 * the other unit. Resource attributes (__init__'s `self.x: MutableMapping[...]`
 * and `Queue` annotations) that the kept code other than __init__ touches are
 * listed in `resources`.
 *
 * Ownership: a stc_slice owns `text` and its arrays; the methods, units and
 * attribute names it lists are borrowed from the service and must not outlive
 * it. Free with stc_slice_free().
 */
#ifndef STC_AWS_SLICE_H
#define STC_AWS_SLICE_H

#include <stddef.h>

#include "core/classify.h"
#include "core/service.h"

/* The same rules as core/resources.c: MutableMapping, dict or Dict with two
 * arguments (and the runtime's Table / Bucket), or Queue. */
typedef enum stc_slice_kind {
    STC_SLICE_TABLE,  /* MutableMapping[str|int, V], V not bytes: DynamoDB */
    STC_SLICE_BUCKET, /* MutableMapping[str, bytes]: S3 */
    STC_SLICE_QUEUE,  /* Queue / Queue[T]: SQS */
} stc_slice_kind;

typedef struct stc_slice_resource {
    const char *attr;         /* borrowed: "people" */
    stc_slice_kind kind;
    const char *key_type;     /* "str" or "int" (tables); static */
} stc_slice_resource;

typedef struct stc_slice {
    char *text;                    /* the sliced module, UTF-8, '\n' line ends */
    size_t len;
    const stc_method **methods;    /* kept service methods, in source order */
    size_t nmethods;
    const stc_unit_info **calls;   /* other units reached via self.<name>, first use order */
    size_t ncalls;
    stc_slice_resource *resources; /* resources the function touches, first use order */
    size_t nresources;
} stc_slice;

/* The runtime's name of a resource kind: "table", "bucket", "queue", and the
 * prefix of the environment variable that names it (STC_TABLE_ ...). */
const char *stc_slice_kind_name(stc_slice_kind k);
const char *stc_slice_kind_env(stc_slice_kind k);

/* The resources __init__ declares (every `self.x: T = ...` whose T is a
 * resource annotation), in source order. Returns the count and sets *out
 * (owned by the caller, free(); attrs borrowed from the module). */
size_t stc_slice_init_resources(const stc_module *m, stc_slice_resource **out);

/* Slice the module for unit `u` (a unit of svc). Returns 0, or -1 when the
 * service has no module or class (nothing is appended to any list then; the
 * front end has already reported why). */
int stc_slice_unit(const stc_service *svc, const stc_unit_info *u, stc_slice *out);

/* The same for many units of one service: what all slices share (the method
 * table, the dunders, the declared resources, the names the class and the
 * module-level statements use) is computed once by stc_slicer_new(), and what
 * each method and statement contributes (its references, its text) once, on
 * first use; stc_slicer_unit() then costs what the unit keeps, so slicing
 * every unit of a service is linear in the service, not quadratic. The
 * slices are equal to stc_slice_unit()'s. stc_slicer_new() returns NULL when
 * the service has no module or class; the slicer borrows svc, which must
 * outlive it and not change while it lives. */
typedef struct stc_slicer stc_slicer;
stc_slicer *stc_slicer_new(const stc_service *svc);
int stc_slicer_unit(stc_slicer *s, const stc_unit_info *u, stc_slice *out);
void stc_slicer_free(stc_slicer *s);
void stc_slice_free(stc_slice *s);

#endif
