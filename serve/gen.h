/* gen.h - one generation of the served module: what one compile of
 * SERVICE.py (and its SERVICE.stc.yaml) gives `stc-tui serve`.
 *
 * A generation holds the compiled service (routes, workflows, triggers,
 * settings of the mode), its spec (the units' logical names) and, per
 * Lambda unit, the three files its package ships (core/aws/package.h),
 * defined in the host (serve/host.h) under the generation's number. A
 * reload compiles a new generation; requests go to the newest, and an
 * execution keeps the generation it started in until it ends.
 *
 * Ownership: a generation owns everything in it and is reference counted;
 * the last stc_gen_unref() forgets its units in the host and frees it.
 * Only the worker thread uses generations.
 */
#ifndef STC_SERVE_GEN_H
#define STC_SERVE_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/service.h"
#include "core/spec.h"
#include "core/workflow.h"
#include "stepsim/machine.h"

typedef struct stc_gen {
    unsigned id;
    int refs;
    char *mode;
    stc_service *svc;
    stc_spec *spec;
    const stc_workflow **wfs;  /* svc->workflows->items, for the machines below */
    stc_machine **machines;    /* loaded on first use, one per workflow */
    size_t nmachines;
    struct stc_gen_unit {
        const char *name;      /* the method (borrowed from svc), or starter_name */
        char *handler;         /* handler.py */
        char *service;         /* service.py, the slice ("" for a starter) */
        char *starter_name;    /* "<method>.start": the starter of an async route */
    } *units;                  /* the Lambda units in definition order, then the
                                * starters of the async routes that bind more
                                * than the body (stc_handler_starter_binds) */
    size_t nunits;
    char *folder;              /* the module's folder (first on sys.path) */
    char *runtime;             /* the runtime's text, as every package ships it */
    size_t runtime_len;
    bool defined;              /* the units are defined in the host */
    /* The stores behind the bindings of __init__ (core/bindings.h), as
     * serve backs them in the mode: `kind` "table" or "bucket", `name` the
     * existing table or bucket the configuration names, else the
     * parameter's name. */
    struct stc_gen_store {
        const char *kind;      /* static */
        char *name;
    } *stores;
    size_t nstores;
    /* The environment the template fixes, as the functions get it: a
     * binding parameter's dynamodb://TABLE, s3://BUCKET/PREFIX or channel
     * configuration with its topic (an existing ARN, else
     * arn:aws:sns:REGION:ACCOUNT:<Logical>), a jdict parameter's configured
     * value. */
    struct stc_gen_env {
        char *name;            /* "STC_PARAM_SERVICE_STORAGE" */
        char *value;
    } *env;
    size_t nenv;
} stc_gen;

/* Compile `path` for `mode` with `config` (NULL: SERVICE.stc.yaml beside
 * it) and package its Lambda units. On errors returns NULL and hands the
 * compiled service to *broken (its diagnostics say why; the caller frees
 * it). */
stc_gen *stc_gen_compile(unsigned id, const char *path, const char *mode, const char *config, stc_service **broken);

/* Define every Lambda unit in the host (once the host runs). Returns 0, or
 * -1 with *err. */
int stc_gen_define(stc_gen *g, char **err);

/* The unit that starts async route `function`'s workflow when the route
 * binds more than the body ("<function>.start"), or NULL. */
const char *stc_gen_starter(const stc_gen *g, const char *function);

stc_gen *stc_gen_ref(stc_gen *g);
void stc_gen_unref(stc_gen *g);

/* The machine of workflow `name` and its source map; NULL with *err
 * (allocated) when there is no such workflow or it cannot be loaded. */
const stc_machine *stc_gen_machine(stc_gen *g, const char *name, const stc_workflow **wf, char **err);

/* A Lambda unit's timeout (s) and memory (MB) in the generation's mode. */
int stc_gen_timeout(const stc_gen *g, const char *unit);
int stc_gen_memory(const stc_gen *g, const char *unit);

#endif
