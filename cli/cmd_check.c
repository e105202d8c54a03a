/* cmd_check.c - `stc-tui check SERVICE.py`: diagnostics only, like a linter. */
#include <stdio.h>

#include "cli/cli.h"

int stc_cmd_check(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-')
        return stc_cli_usage("check", argc < 2 ? "missing SERVICE.py" : "unexpected arguments");
    int status;
    stc_service *svc = stc_cli_load(argv[1], &status);
    if (!svc)
        return status;
    stc_cli_print_diags(svc);
    size_t e = stc_diags_count(&svc->diags, STC_SEV_ERROR);
    size_t w = stc_diags_count(&svc->diags, STC_SEV_WARNING);
    fprintf(stderr, "%s: %zu error%s, %zu warning%s\n", argv[1], e, e == 1 ? "" : "s", w, w == 1 ? "" : "s");
    stc_service_free(svc);
    return status;
}
