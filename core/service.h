/* service.h - a service module compiled through the pipeline of design.md.
 *
 * stc_service_compile_*() runs every stage in order (parse, classify, and
 * each later stage as it lands) and keeps all results and all diagnostics
 * together. Stages never print or exit. The service owns everything it
 * points to; free it with stc_service_free().
 */
#ifndef STC_SERVICE_H
#define STC_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/classify.h"
#include "core/diag.h"
#include "core/ir.h"
#include "core/workflow.h"

typedef struct stc_service {
    char *file;
    char *source;         /* the module's text (NULL when unreadable), kept even
                             when parsing fails so diagnostics can quote it */
    size_t source_len;
    stc_module *module;   /* NULL when the file could not be parsed */
    stc_diags diags;      /* every stage's diagnostics */
    stc_unit_info *units; /* one per method of the service class, in order */
    size_t nunits;
    struct stc_routes *routes; /* HTTP routes and WebSocket route keys (core/routes.h);
                                  never NULL once the stages ran on a parsed module */
    struct stc_workflows *workflows; /* one state machine per async method (core/workflow.h) */
    struct stc_resources *resources; /* __init__ parameters and resources, and what each unit
                                       touches and calls (core/resources.h) */
    struct stc_config *config; /* the settings of opts->mode (core/config.h); NULL when the
                                  configuration file has errors */
    bool io_error;        /* the file could not be read */
} stc_service;

typedef struct stc_service_options {
    const char *mode;        /* "dev" (default), "test", "stage", "prod" */
    const char *config_path; /* NULL: SERVICE.stc.yaml beside the module if it exists */
    const char *query_language; /* "jsonata" or "jsonpath" for every workflow; NULL: the
                                   unit setting query_language of the configuration
                                   (default jsonata) */
} stc_service_options;

stc_service *stc_service_compile_file(const char *path, const stc_service_options *opts);
/* The unit setting query_language of a method in a configuration (an
 * stc_config), for stc_wf_options.lang. */
stc_query_language stc_service_query_language(void *config, const char *method);
stc_service *stc_service_compile_source(const char *file, const char *src, size_t len,
                                        const stc_service_options *opts);
void stc_service_free(stc_service *svc);

/* The unit of method `name`, or NULL. */
stc_unit_info *stc_service_unit(const stc_service *svc, const char *name);

/* True when workflow `wf` compiled and every error of the service belongs
 * to another workflow (a workflow compiler diagnostic, STC200-STC249, inside
 * another async method): asl, graph and simulate of `wf` go on. */
bool stc_service_workflow_usable(const stc_service *svc, const stc_workflow *wf);

/* The service class name, or NULL when there is none. */
const char *stc_service_name(const stc_service *svc);

#endif
