/* cmd_emit.c - `stc-tui emit SERVICE.py [--mode M] [--config FILE] -o DIR`:
 * the deployable folder (core/aws/emit.h), written atomically. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_template.h"
#include "core/aws/emit.h"
#include "core/util.h"
#include "render/layout.h"
#include "render/svg.h"

/* The drawing of one state machine (emit's SVG hook); NULL when the renderer
 * cannot follow it (its reasons are not the module's errors). */
static char *stc_emit_svg(const char *asl, size_t len, void *ctx)
{
    (void)ctx;
    cJSON *doc = cJSON_ParseWithLength(asl, len);
    if (!doc)
        return NULL;
    stc_diags diags = STC_DIAGS_INIT;
    stc_layout *l = stc_layout_build(doc, NULL, &diags);
    char *svg = l ? stc_svg_render(l, NULL) : NULL;
    stc_layout_free(l);
    stc_diags_free(&diags);
    cJSON_Delete(doc);
    return svg;
}

int stc_cmd_emit(int argc, char **argv)
{
    const char *path = NULL, *mode = "dev", *config = NULL, *out = NULL;
    const stc_cli_opt cli_opts[] = {{"--mode", NULL, NULL, &mode},
                                    {"--config", NULL, NULL, &config},
                                    {"--output", "-o", NULL, &out},
                                    {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("emit", argc, argv, cli_opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("emit", "missing SERVICE.py");
    if (!out)
        return stc_cli_usage("emit", "missing -o DIR");
    if (!*out)
        return stc_cli_usage("emit", "-o needs a folder name");
    if (!stc_cmd_template_check_mode("emit", mode))
        return STC_EXIT_USAGE;

    int status;
    stc_service *svc = stc_cmd_template_load(path, mode, config, &status);
    if (!svc)
        return status;
    if (status != STC_EXIT_OK) {
        stc_service_free(svc);
        return status;
    }
    /* The service was compiled with the mode's configuration: the template uses it. */
    stc_emit_options opts = {mode, NULL, stc_emit_svg, NULL};
    stc_emit e;
    stc_diags d = STC_DIAGS_INIT;
    int collected = stc_emit_collect(svc, &opts, &e, &d);
    stc_diags_sort(&d);
    stc_cli_print_diag_list(svc, &d);
    stc_diags_free(&d);
    if (collected != 0) {
        stc_service_free(svc);
        return collected == -2 ? STC_EXIT_IO : STC_EXIT_INPUT;
    }
    char *err = NULL;
    int rc = STC_EXIT_OK;
    if (stc_emit_write(&e, out, &err) != 0) {
        fprintf(stderr, "stc-tui: %s; nothing was changed\n", err);
        free(err);
        rc = STC_EXIT_IO;
    } else {
        printf("emitted %s into %s (%zu files)\n", stc_service_name(svc), out, e.nfiles);
    }
    stc_emit_free(&e);
    stc_service_free(svc);
    return rc;
}
