/* cmd_openapi.c - `stc-tui openapi SERVICE.py`: the OpenAPI 3.1 document of
 * the service's HTTP API (core/openapi.h), as JSON on stdout.
 *
 * When the service has errors the diagnostics go to stderr, nothing goes to
 * stdout (a document from a broken route table could be invalid) and the
 * exit status is 1. */
#include <stdio.h>

#include "cli/cli.h"
#include "core/openapi.h"

int stc_cmd_openapi(int argc, char **argv)
{
    const char *path = NULL;
    if (stc_cli_parse("openapi", argc, argv, NULL, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("openapi", "missing SERVICE.py");
    int status;
    stc_service *svc = stc_cli_load(path, &status);
    if (!svc)
        return status;
    stc_cli_print_diags(svc);
    if (status == STC_EXIT_OK)
        stc_cli_print_json(stc_openapi_build(svc));
    stc_service_free(svc);
    return status;
}
