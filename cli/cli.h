/* cli.h - what the batch commands share: exit codes, loading a service,
 * printing diagnostics and JSON. Only main() and the cmd_* functions exit or
 * print; everything they call returns data and diagnostics. */
#ifndef STC_CLI_H
#define STC_CLI_H

#include <stdbool.h>

#include "core/diag.h"
#include "core/service.h"

/* STC_EXIT_OK 0, STC_EXIT_INPUT 1, STC_EXIT_USAGE 2, STC_EXIT_IO 3,
 * STC_EXIT_FAILED 4: the meanings are in cli/exit_codes.def. */
enum {
#define STC_EXIT_CODE(id, code, meaning) STC_EXIT_##id = code,
#include "cli/exit_codes.def"
#undef STC_EXIT_CODE
};

#define STC_COMMAND(name, fn, flags, operands, summary, description) int fn(int argc, char **argv);
#include "cli/commands.def"

/* Print "stc-tui: <msg>" and the usage line of `cmd` on stderr; returns
 * STC_EXIT_USAGE. */
int stc_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Load and compile a service module through the whole front end (parse,
 * classify, routes, ... as far as the pipeline goes). Returns NULL and
 * prints the reason (exit code in *status: STC_EXIT_IO) when the file cannot
 * be read; otherwise returns the service, whose diagnostics may contain errors. */
stc_service *stc_cli_load(const char *path, int *status);

/* --query-language of the command line (NULL: not given), which main.c takes
 * out of argv with stc_cli_take_query_language before the command parses the
 * rest; the loaders compile with it. */
extern const char *stc_cli_query_language;
int stc_cli_take_query_language(const char *cmd, int *argc, char **argv);

/* Print the service's diagnostics to stderr (sorted, with source lines). */
void stc_cli_print_diags(const stc_service *svc);
/* Print another list of diagnostics about `svc` (a template's, an emit's): each
 * is quoted from its own file, the module's text or another file read once. */
void stc_cli_print_diag_list(const stc_service *svc, const stc_diags *d);

/* Leaving a command's large structures to the operating system at exit
 * instead of freeing them node by node (as clang's -disable-free does):
 * stc_cli_keep() records the pointer, so what it reaches stays reachable and
 * leak checkers do not report it. stc_cli_free_at_exit() is true in
 * AddressSanitizer builds, where the command frees everything so that
 * LeakSanitizer checks the teardown code too; the unit tests free everything
 * in every build. */
bool stc_cli_free_at_exit(void);
void stc_cli_keep(void *p);

/* Print a cJSON document (consumed) to stdout, formatted, with a newline. */
void stc_cli_print_json(void *cjson);

/* One option of a command: a flag (`flag` set to true when present) or an
 * option with a value (`value` set to the next argument). `alias` is a
 * second spelling ("-o") or NULL. A table of them ends with {NULL}. */
typedef struct stc_cli_opt {
    const char *name;
    const char *alias;
    bool *flag;
    const char **value;
} stc_cli_opt;

/* Parse argv[1..argc-1] of command `cmd`: the options of `opts`, and up to
 * `npos` positional arguments into pos[0..npos-1] (the others stay NULL).
 * Returns STC_EXIT_OK, or STC_EXIT_USAGE after printing the usage error
 * (unknown option, missing value, one argument too many). */
int stc_cli_parse(const char *cmd, int argc, char **argv, const stc_cli_opt *opts, const char **pos, int npos);

/* True when `arg` equals `name` exactly; `name` includes the dashes ("--json"). */
bool stc_cli_flag(const char *arg, const char *name);

/* Option `opt` of command `cmd` given as JSON text or @FILE -> *out (the
 * caller owns it). Returns STC_EXIT_OK, STC_EXIT_IO when the file cannot be
 * read, or STC_EXIT_USAGE (with the line and column) for invalid JSON, after
 * printing why. */
struct cJSON;
int stc_cli_read_json_arg(const char *cmd, const char *opt, const char *arg, struct cJSON **out);

#endif
