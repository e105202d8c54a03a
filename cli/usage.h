/* usage.h - the command line as data (cli/commands.def, cli/exit_codes.def)
 * and the help texts made from it: `stc-tui --help`, `stc-tui COMMAND --help`
 * and the synopsis lines that the man page and the usage errors print too.
 * dist/gendoc.c reads the same tables to write the man page and the shell
 * completions, so none of them can drift from the others.
 *
 * This module needs only the C library (the build-time generator links it
 * alone). Every table and string it returns is static, except the results
 * of stc_usage_synopsis(), which the caller frees.
 */
#ifndef STC_USAGE_H
#define STC_USAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum {
    STC_CMD_DEFAULT = 1, /* the form without a subcommand (the workbench) */
    STC_CMD_HIDDEN = 2,  /* left out of the help, the man page and the completions */
};

enum {
    STC_OPT_REQUIRED = 1, /* no brackets in the synopsis */
    STC_OPT_OPERAND = 2,  /* written in the command's operands already */
};

typedef struct stc_usage_option {
    const char *command;
    const char *spelling; /* "--format", "-o" */
    const char *alias;    /* "--output", or NULL */
    const char *arg;      /* "FILE", or NULL for a flag */
    const char *values;   /* the completion spec of commands.def, or NULL */
    int flags;            /* STC_OPT_* */
    const char *help;
} stc_usage_option;

typedef struct stc_usage_command {
    const char *name;
    int flags; /* STC_CMD_* */
    const char *operands;
    const char *summary;
    const char *description;
} stc_usage_command;

typedef struct stc_usage_exit {
    const char *id; /* "USAGE" */
    int code;
    const char *meaning;
} stc_usage_exit;

extern const stc_usage_command stc_usage_commands[];
extern const size_t stc_usage_ncommands;
extern const stc_usage_option stc_usage_options[];
extern const size_t stc_usage_noptions;
extern const stc_usage_exit stc_usage_exits[];
extern const size_t stc_usage_nexits;

/* The command typed as `name` (never the default form), or NULL. */
const stc_usage_command *stc_usage_command_find(const char *name);
/* The STC_CMD_DEFAULT command, or NULL. */
const stc_usage_command *stc_usage_default(void);

/* The options of `c` in order: pass NULL first, then the previous one;
 * NULL at the end. */
const stc_usage_option *stc_usage_option_next(const stc_usage_command *c, const stc_usage_option *prev);
/* The option of `c` spelled `arg` (spelling or alias), or NULL. */
const stc_usage_option *stc_usage_option_find(const stc_usage_command *c, const char *arg);

/* "stc-tui template SERVICE.py [--mode M] [--format yaml|json] [--config FILE]":
 * the command's operands, then its options in order (the default form: its
 * options first). Allocated; the caller frees it. */
char *stc_usage_synopsis(const stc_usage_command *c);
/* The option as a list shows it: "-o, --output DIR". Allocated. */
char *stc_usage_option_label(const stc_usage_option *o);

/* How an operand metavariable of commands.def completes ("SERVICE.py" ->
 * "file:*.py", "METHOD" -> "method"), or NULL. */
const char *stc_usage_operand_values(const char *metavariable);

/* `stc-tui --help` and `stc-tui COMMAND --help`. */
void stc_usage_print_help(FILE *out);
void stc_usage_print_command_help(const stc_usage_command *c, FILE *out);

/* Print `text` wrapped at `width` columns, every line indented by `indent`
 * spaces, the first one too unless `first_done` (the caller has already
 * printed up to column `indent` on it). */
void stc_usage_wrap(FILE *out, const char *text, int indent, int width, bool first_done);

#endif
