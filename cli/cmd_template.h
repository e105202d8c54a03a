/* cmd_template.h - what the spec, template, diff and emit commands share:
 * loading a service for a mode with its configuration, and checking a mode
 * name. Diagnostics print through stc_cli_print_diag_list (cli/cli.h). */
#ifndef STC_CMD_TEMPLATE_H
#define STC_CMD_TEMPLATE_H

#include "cli/cli.h"
#include "core/aws/template.h"

/* Compile the module at `path` for `mode` with the configuration file
 * `config` (NULL: SERVICE.stc.yaml beside it, when present), print the
 * service's diagnostics (each quoted from its own file) and return it; or
 * return NULL with *status set (STC_EXIT_IO when the module or the
 * configuration cannot be read). *status is STC_EXIT_INPUT when the service
 * has errors (the service is still returned). */
stc_service *stc_cmd_template_load(const char *path, const char *mode, const char *config, int *status);

/* Is `mode` one of the modes? Prints a usage error (returns false) if not. */
bool stc_cmd_template_check_mode(const char *cmd, const char *mode);

#endif
