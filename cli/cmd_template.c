/* cmd_template.c - `stc-tui template SERVICE.py [--mode M] [--format yaml|json] [--config FILE]`. */
#include "cli/cmd_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

stc_service *stc_cmd_template_load(const char *path, const char *mode, const char *config, int *status)
{
    stc_service_options opts = {.mode = mode, .config_path = config,
                                .query_language = stc_cli_query_language};
    stc_service *svc = stc_service_compile_file(path, &opts);
    stc_cli_print_diags(svc);
    *status = STC_EXIT_OK;
    bool config_io = false;
    for (size_t i = 0; i < svc->diags.count; i++)
        if (strcmp(svc->diags.items[i].code, "STC528") == 0)
            config_io = true;
    if (svc->io_error || config_io) {
        stc_service_free(svc);
        *status = STC_EXIT_IO;
        return NULL;
    }
    if (stc_diags_has_errors(&svc->diags))
        *status = STC_EXIT_INPUT;
    return svc;
}

bool stc_cmd_template_check_mode(const char *cmd, const char *mode)
{
    if (stc_config_mode_index(stc_aws_config_schema(), mode) >= 0)
        return true;
    stc_cli_usage(cmd, "unknown mode '%s': the modes are dev, test, stage and prod", mode);
    return false;
}

int stc_cmd_template(int argc, char **argv)
{
    const char *path = NULL, *mode = "dev", *config = NULL, *format = "yaml";
    const stc_cli_opt opts[] = {{"--mode", NULL, NULL, &mode},
                                {"--config", NULL, NULL, &config},
                                {"--format", NULL, NULL, &format},
                                {NULL, NULL, NULL, NULL}};
    if (stc_cli_parse("template", argc, argv, opts, &path, 1) != STC_EXIT_OK)
        return STC_EXIT_USAGE;
    if (!path)
        return stc_cli_usage("template", "missing SERVICE.py");
    if (!stc_cmd_template_check_mode("template", mode))
        return STC_EXIT_USAGE;
    stc_template_format fmt;
    if (strcmp(format, "yaml") == 0)
        fmt = STC_TEMPLATE_YAML;
    else if (strcmp(format, "json") == 0)
        fmt = STC_TEMPLATE_JSON;
    else
        return stc_cli_usage("template", "unknown format '%s': use yaml or json", format);

    int status;
    stc_service *svc = stc_cmd_template_load(path, mode, config, &status);
    if (!svc)
        return status;
    if (status != STC_EXIT_OK) {
        stc_service_free(svc);
        return status;
    }
    stc_diags d = STC_DIAGS_INIT;
    stc_template_parts parts;
    bool io = false;
    cJSON *t = stc_template_generate(svc, mode, NULL, &parts, &d, &io);
    stc_buf out = STC_BUF_INIT;
    char *err = NULL;
    bool written = t && stc_template_write(t, fmt, &out, &err) == 0;
    if (written)
        stc_template_check_size(svc, "the template", out.len, &d);
    stc_diags_sort(&d);
    stc_cli_print_diag_list(svc, &d);
    if (written) {
        fwrite(out.data, 1, out.len, stdout);
    } else if (t) {
        fprintf(stderr, "stc-tui: %s\n", err);
        free(err);
        status = STC_EXIT_INPUT;
    } else {
        status = io ? STC_EXIT_IO : STC_EXIT_INPUT;
    }
    stc_buf_free(&out);
    stc_diags_free(&d);
    if (stc_cli_free_at_exit()) {
        cJSON_Delete(t);
        stc_template_parts_free(&parts);
        stc_service_free(svc);
    } else {
        /* The tree, the spec and the service: ~10% of the command's time
         * to free node by node on a large service (cli.h). */
        stc_template_parts *kept = stc_xmalloc(sizeof *kept);
        *kept = parts;
        stc_cli_keep(kept);
        stc_cli_keep(t);
        stc_cli_keep(svc);
    }
    return status;
}
