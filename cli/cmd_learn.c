/* cmd_learn.c - `stc-tui learn [--seed N] [--reset] [--theme NAME] [SERVICE.py]`:
 * learn mode, a quiz on the naming convention judged by the compiler
 * (tui/learnui.h; docs/workbench.md, "Learn mode"). It needs a terminal (or
 * STC_SCRIPT, like the workbench). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "tui/tui.h"

/* Provided by tui/ when the workbench is linked in (cli/main.c does the same
 * for stc_tui_main). */
int stc_tui_learn(const char *path, const char *theme, const char *seed, bool reset) __attribute__((weak));

int stc_cmd_learn(int argc, char **argv)
{
    const char *seed = NULL, *theme = NULL, *path = NULL;
    bool reset = false;
    const stc_cli_opt opts[] = {
        {"--seed", NULL, NULL, &seed},
        {"--theme", NULL, NULL, &theme},
        {"--reset", NULL, &reset, NULL},
        {NULL, NULL, NULL, NULL},
    };
    int st = stc_cli_parse("learn", argc, argv, opts, &path, 1);
    if (st != STC_EXIT_OK)
        return st;
    if (seed && (!*seed || strspn(seed, "0123456789") != strlen(seed) || strlen(seed) > 19))
        return stc_cli_usage("learn", "--seed needs a whole number, not '%s'", seed);
    if (!stc_tui_learn) {
        fputs("stc-tui: learn mode needs the workbench, which this build does not have\n", stderr);
        return STC_EXIT_USAGE;
    }
    return stc_tui_learn(path, theme, seed, reset);
}
