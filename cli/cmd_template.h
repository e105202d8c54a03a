/* cmd_template.h - what the spec, template and diff commands share: their
 * option parsing and printing the diagnostics of the module and of its
 * configuration file, each quoted from its own text. */
#ifndef STC_CMD_TEMPLATE_H
#define STC_CMD_TEMPLATE_H

#include "cli/cli.h"
#include "core/aws/template.h"

/* Print `d` on stderr; diagnostics in the module quote svc's source, those
 * in the configuration file quote `config_text` (may be NULL). */
void stc_cmd_template_print_diags(const stc_service *svc, const stc_diags *d, const char *config_text);

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
