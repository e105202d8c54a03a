/* cmd_openapi.c - `stc-tui openapi SERVICE.py`: the OpenAPI 3.1 document of
 * the service's HTTP API (core/openapi.h), as JSON on stdout.
 *
 * When the service has errors the diagnostics go to stderr, nothing goes to
 * stdout (a document from a broken route table could be invalid) and the
 * exit status is 1. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/cmd_template.h"
#include "core/aws/express.h"
#include "core/openapi.h"

int stc_cmd_openapi(int argc, char **argv)
{
    const char *path = NULL, *mode = "dev", *config = NULL;
    const stc_cli_opt opts[] = {{"--mode", NULL, NULL, &mode}, {"--config", NULL, NULL, &config}, {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("openapi", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("openapi", "missing SERVICE.py");
    if (!stc_cmd_template_check_mode("openapi", mode))
        return STC_EXIT_USAGE;
    int status;
    stc_service *svc = stc_cmd_template_load(path, mode, config, &status);
    if (!svc)
        return status;
    if (status == STC_EXIT_OK) {
        /* Express workflows of the mode answer their routes with the output. */
        const char **sync = stc_express_units(svc, svc->config);
        stc_cli_print_json(stc_openapi_build(svc, sync));
        free(sync);
    }
    stc_service_free(svc);
    return status;
}
