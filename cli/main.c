/* main.c - the stc-tui binary: batch subcommands (cli/commands.def) or, with
 * a module path alone, the interactive workbench. Only this file and the
 * cmd_* functions print and choose exit codes. */
#include <locale.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/usage.h"
#include "core/parse.h"

typedef struct {
    int (*fn)(int argc, char **argv);
} stc_command;

/* The functions of the commands, in the order of stc_usage_commands[]. */
static const stc_command commands[] = {
#define STC_COMMAND(name, fn, flags, operands, summary, description) {fn},
#include "cli/commands.def"
};

int stc_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stc-tui: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    const stc_usage_command *c = stc_usage_command_find(cmd);
    if (c) {
        char *syn = stc_usage_synopsis(c);
        fprintf(stderr, "usage: %s\n", syn);
        free(syn);
    } else {
        fputs("usage: stc-tui [--mode M] SERVICE.py | stc-tui COMMAND ... (see stc-tui --help)\n", stderr);
    }
    return STC_EXIT_USAGE;
}

/* True when argv[1..] asks for help: -h or --help where an option's value
 * cannot be (`simulate --input --help` is an input). */
static bool stc_cli_wants_help(const stc_usage_command *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
        const stc_usage_option *o = stc_usage_option_find(c, argv[i]);
        if (o && o->arg)
            i++;
    }
    return false;
}

static void stc_at_exit(void)
{
    /* An interpreter that only parsed has nothing to flush or run at exit:
     * its memory goes with the process, as the command's own trees do
     * (cli.h), unless the build frees everything for the leak checker. */
    if (!stc_py_ran_code() && !stc_cli_free_at_exit())
        return;
    stc_py_finalize();
}

/* The workbench entry point is provided by tui/ once it is linked in; until
 * then, the module path alone prints what `methods` prints. */
int stc_tui_main(int argc, char **argv) __attribute__((weak));

/* The default form, `stc-tui [options] SERVICE.py`: argv[0] is the program. */
int stc_cmd_workbench(int argc, char **argv)
{
    const char *a1 = argv[1];
    if (a1[0] == '-' && !stc_usage_option_find(stc_usage_default(), a1))
        return stc_cli_usage(NULL, "unknown option '%s'", a1);
    if (stc_tui_main)
        return stc_tui_main(argc, argv);
    /* No workbench linked: show the classification of the module. */
    const char *path = argv[argc - 1];
    char *margv[] = {"methods", (char *)path, NULL};
    return stc_cmd_methods(2, margv);
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    atexit(stc_at_exit);
    if (argc < 2)
        return stc_cli_usage(NULL, "no module given");
    const char *a1 = argv[1];
    if (strcmp(a1, "--help") == 0 || strcmp(a1, "-h") == 0) {
        stc_usage_print_help(stdout);
        return STC_EXIT_OK;
    }
    if (strcmp(a1, "--version") == 0) {
        printf("stc-tui %s\n", STC_VERSION);
        return STC_EXIT_OK;
    }
    const stc_usage_command *c = stc_usage_command_find(a1);
    int first = c ? 1 : 0; /* argv[first] is argv[0] of the command */
    if (!c)
        c = stc_usage_default();
    if (stc_cli_wants_help(c, argc - first, argv + first)) {
        stc_usage_print_command_help(c, stdout);
        return STC_EXIT_OK;
    }
    int cargc = argc - first;
    char **cargv = argv + first;
    /* The commands that compile workflows take --query-language
     * jsonata|jsonpath (cli.md): read here, once (the workbench reads its own). */
    if (first && stc_usage_option_find(c, "--query-language")) {
        int rc = stc_cli_take_query_language(c->name, &cargc, cargv);
        if (rc != STC_EXIT_OK)
            return rc;
    }
    /* Both tables come from commands.def, in its order. */
    return commands[c - stc_usage_commands].fn(cargc, cargv);
}
