/* cmd_spec.c - `stc-tui spec SERVICE.py`: the service specification document. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cmd_template.h"

int stc_cmd_spec(int argc, char **argv)
{
    const char *path = NULL;
    if (stc_cli_parse("spec", argc, argv, NULL, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("spec", "missing SERVICE.py");
    int status;
    stc_service *svc = stc_cmd_template_load(path, "dev", NULL, &status);
    if (!svc)
        return status;
    if (status != STC_EXIT_OK) {
        stc_service_free(svc);
        return status;
    }
    stc_diags d = STC_DIAGS_INIT;
    stc_template_parts parts;
    if (stc_template_spec(svc, &parts, &d) == 0) {
        stc_diags_sort(&d);
        stc_cli_print_diag_list(svc, &d);
        cJSON *doc = stc_spec_to_json(parts.spec);
        stc_diags all = STC_DIAGS_INIT;
        for (size_t k = 0; k < 2; k++) {
            const stc_diags *src = k == 0 ? &svc->diags : &d;
            for (size_t i = 0; i < src->count; i++) {
                const stc_diag *x = &src->items[i];
                stc_diag *y = stc_diag_add(&all, x->severity, x->file, x->line, x->col, x->code, "%s", x->message);
                if (x->hint)
                    stc_diag_set_hint(y, "%s", x->hint);
            }
        }
        stc_diags_sort(&all);
        cJSON_AddItemToObject(doc, "diagnostics", (cJSON *)stc_diags_to_json(&all));
        stc_diags_free(&all);
        stc_cli_print_json(doc);
    } else {
        stc_diags_sort(&d);
        stc_cli_print_diag_list(svc, &d);
        status = STC_EXIT_INPUT;
    }
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    stc_service_free(svc);
    return status;
}
