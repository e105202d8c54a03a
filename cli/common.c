/* common.c - helpers shared by the cmd_* functions. See cli.h. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

bool stc_cli_flag(const char *arg, const char *name)
{
    return arg && strcmp(arg, name) == 0;
}

stc_service *stc_cli_load(const char *path, int *status)
{
    stc_service_options opts = {0};
    stc_service *svc = stc_service_compile_file(path, &opts);
    *status = STC_EXIT_OK;
    if (svc->io_error) {
        stc_cli_print_diags(svc);
        stc_service_free(svc);
        *status = STC_EXIT_IO;
        return NULL;
    }
    if (stc_diags_has_errors(&svc->diags))
        *status = STC_EXIT_INPUT;
    return svc;
}

void stc_cli_print_diags(const stc_service *svc)
{
    stc_diags_print(&svc->diags, stderr, svc->source);
}

void stc_cli_print_json(void *cjson)
{
    char *s = cJSON_Print((cJSON *)cjson);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        free(s);
    }
    cJSON_Delete((cJSON *)cjson);
}
