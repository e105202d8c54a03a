/* service.c - fuzz target: the whole compile pipeline (core/service.h:
 * parse, classify, routes, resources, workflows, config) on arbitrary
 * bytes, as `stc-tui check` runs it. Seeded with valid services, most
 * mutations stay valid Python and reach the later stages. */
#include <stdio.h>

#include "core/parse.h"
#include "core/service.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *err = NULL;
    if (stc_py_init(&err) != 0) {
        fprintf(stderr, "fuzz service: %s\n", err ? err : "no Python");
        abort();
    }
    atexit(stc_py_finalize);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The name points at no config file: fuzz_service.stc.yaml must not exist. */
    stc_service_options o = {.mode = "prod", .config_path = NULL};
    stc_service *svc = stc_service_compile_source("/nonexistent/fuzz_service.py", (const char *)data, size, &o);
    stc_service_free(svc);
    return 0;
}
