/* main.c - the stc-tui binary: batch subcommands (cli/commands.def) or, with
 * a module path alone, the interactive workbench. Only this file and the
 * cmd_* functions print and choose exit codes. */
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/parse.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *usage;
    const char *summary;
} stc_command;

static const stc_command commands[] = {
#define STC_COMMAND(name, fn, usage, summary) {#name, fn, usage, summary},
#include "cli/commands.def"
#undef STC_COMMAND
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void stc_print_help(FILE *out)
{
    fputs("stc-tui - Service Template Compiler: a Python class in, AWS out.\n\n"
          "usage:\n"
          "  stc-tui [--mode M] [--theme NAME] [--config FILE] SERVICE.py   interactive workbench\n"
          "  stc-tui --asl FILE.asl.json                                    workbench on a state machine\n"
          "  stc-tui --help | --version\n\n"
          "commands:\n",
          out);
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  stc-tui %-58s %s\n", commands[i].usage, commands[i].summary);
    fputs("\nM is one of dev (default), test, stage, prod.\n"
          "exit status: 0 done, 1 the input has errors, 2 usage error, 3 file not readable/writable,\n"
          "             4 simulate: the execution failed.\n",
          out);
}

int stc_cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("stc-tui: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    for (size_t i = 0; cmd && i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, cmd) == 0)
            fprintf(stderr, "usage: stc-tui %s\n", commands[i].usage);
    if (!cmd)
        fputs("usage: stc-tui [--mode M] SERVICE.py | stc-tui COMMAND ... (see stc-tui --help)\n", stderr);
    return STC_EXIT_USAGE;
}

static void stc_at_exit(void)
{
    stc_py_finalize();
}

/* The workbench entry point is provided by tui/ once it is linked in; until
 * then, the module path alone prints what `methods` prints. */
int stc_tui_main(int argc, char **argv) __attribute__((weak));

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    atexit(stc_at_exit);
    if (argc < 2)
        return stc_cli_usage(NULL, "no module given");
    const char *a1 = argv[1];
    if (strcmp(a1, "--help") == 0 || strcmp(a1, "-h") == 0) {
        stc_print_help(stdout);
        return STC_EXIT_OK;
    }
    if (strcmp(a1, "--version") == 0) {
        printf("stc-tui %s\n", STC_VERSION);
        return STC_EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, a1) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    if (a1[0] == '-' && strcmp(a1, "--mode") != 0 && strcmp(a1, "--theme") != 0 &&
        strcmp(a1, "--config") != 0 && strcmp(a1, "--asl") != 0)
        return stc_cli_usage(NULL, "unknown option '%s'", a1);
    if (stc_tui_main)
        return stc_tui_main(argc, argv);
    /* No workbench linked: show the classification of the module. */
    const char *path = argv[argc - 1];
    char *margv[] = {"methods", (char *)path, NULL};
    return stc_cmd_methods(2, margv);
}
