/* cmd_serve.c - `stc-tui serve SERVICE.py [--host H] [--port N] [--mode M]
 * [--config FILE] [--state DIR] [--fast] [--json]`: the service running
 * locally over real HTTP and WebSocket (serve/serve.h, docs/serve.md).
 *
 * This runs the module's code: the server imports it and calls its methods,
 * as `simulate --run-local` does; the compiler never does.
 *
 * Exit status: 0 after SIGINT or SIGTERM (what was in flight is finished),
 * 1 the module has errors, 2 usage, 3 the module, its configuration or the
 * state cannot be read, or the address cannot be listened on. Its options
 * and --help are in cli/commands.def (cli/main.c prints the help). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_template.h"
#include "serve/serve.h"

static void stc_serve_print_diags(const stc_service *svc)
{
    stc_cli_print_diags(svc);
}

int stc_cmd_serve(int argc, char **argv)
{
    const char *path = NULL, *host = "127.0.0.1", *port = "8080", *mode = "dev", *config = NULL, *state = NULL;
    bool fast = false, json = false;
    const stc_cli_opt opts[] = {{"--host", NULL, NULL, &host},     {"--port", NULL, NULL, &port},
                                {"--mode", NULL, NULL, &mode},     {"--config", NULL, NULL, &config},
                                {"--state", NULL, NULL, &state},   {"--fast", NULL, &fast, NULL},
                                {"--json", NULL, &json, NULL},
                                {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("serve", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("serve", "missing SERVICE.py");
    if (!stc_cmd_template_check_mode("serve", mode))
        return STC_EXIT_USAGE;
    char *end = NULL;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535)
        return stc_cli_usage("serve", "--port takes a number from 0 to 65535, not '%s'", port);
    if (!*host)
        return stc_cli_usage("serve", "--host needs an address");
    if (state && !*state)
        return stc_cli_usage("serve", "--state needs a folder");
    stc_serve_options o = {
        .path = path, .host = host, .port = (int)p, .mode = mode, .config = config, .state = state,
        .fast = fast, .json = json, .print_diags = stc_serve_print_diags,
    };
    return stc_serve_run(&o);
}
