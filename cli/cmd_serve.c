/* cmd_serve.c - `stc-tui serve SERVICE.py [--host H] [--port N] [--mode M]
 * [--config FILE] [--state DIR] [--fast] [--json]`: the service running
 * locally over real HTTP and WebSocket (serve/serve.h, docs/serve.md).
 *
 * This runs the module's code: the server imports it and calls its methods,
 * as `simulate --run-local` does; the compiler never does.
 *
 * Exit status: 0 after SIGINT or SIGTERM (what was in flight is finished),
 * 1 the module has errors, 2 usage, 3 the module, its configuration or the
 * state cannot be read, or the address cannot be listened on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_template.h"
#include "serve/serve.h"

static const char stc_serve_help[] =
    "usage: stc-tui serve SERVICE.py [--host H] [--port N] [--mode M] [--config FILE] [--state DIR]\n"
    "                     [--fast] [--json]\n"
    "\n"
    "Run the service locally: its HTTP routes and WebSocket routes through the generated\n"
    "handlers and the runtime that ship, its workflows in the simulator, its triggers, its\n"
    "tables, buckets and queues. THIS RUNS THE MODULE'S CODE (like simulate --run-local).\n"
    "\n"
    "  --host H       address to listen on (default 127.0.0.1)\n"
    "  --port N       port (default 8080; 0 picks a free one: the ready line says which)\n"
    "  --mode M       dev (default), test, stage or prod: settings and triggers of that mode\n"
    "  --config FILE  SERVICE.stc.yaml beside the module by default\n"
    "  --state DIR    keep tables, buckets and queues in DIR/state.sqlite3 (default: memory)\n"
    "  --fast         workflow waits pass at once instead of on the real clock\n"
    "  --json         log lines as JSON objects, with each event, answer and output\n"
    "\n"
    "Prints 'serving SERVICE.py on http://HOST:PORT and ws://HOST:PORT/' when ready, then\n"
    "one line per request. The module and its configuration are reloaded when they change.\n"
    "SIGINT or SIGTERM: finish what is in flight, close the clients, exit 0.\n"
    "Local endpoints: GET /_stc/executions[/NAME], GET|POST /_stc/schedules[/NAME],\n"
    "POST /_stc/publish, GET|PUT|DELETE|POST /_stc/stores[/NAME[/KEY]],\n"
    "POST|GET|DELETE /@connections/ID (see docs/serve.md).\n";

static void stc_serve_print_diags(const stc_service *svc)
{
    stc_cli_print_diags(svc);
}

int stc_cmd_serve(int argc, char **argv)
{
    const char *path = NULL, *host = "127.0.0.1", *port = "8080", *mode = "dev", *config = NULL, *state = NULL;
    bool fast = false, json = false, help = false;
    const stc_cli_opt opts[] = {{"--host", NULL, NULL, &host},     {"--port", NULL, NULL, &port},
                                {"--mode", NULL, NULL, &mode},     {"--config", NULL, NULL, &config},
                                {"--state", NULL, NULL, &state},   {"--fast", NULL, &fast, NULL},
                                {"--json", NULL, &json, NULL},     {"--help", "-h", &help, NULL},
                                {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("serve", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (help) {
        fputs(stc_serve_help, stdout);
        return STC_EXIT_OK;
    }
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
