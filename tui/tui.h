/* tui.h - the workbench's entry point (the only symbol cli/ needs).
 *
 * stc_tui_main(argc, argv) takes argv as given to main(): options --mode M,
 * --theme NAME, --config FILE, --asl FILE and a SERVICE.py. It returns an
 * exit status of shared/cli.md: 0 when the user quits, 2 for a usage error
 * (also: no terminal and no STC_SCRIPT, or a bad key script), 3 when the
 * module cannot be read. */
#ifndef STC_TUI_TUI_H
#define STC_TUI_TUI_H

#include <stdbool.h>

enum {
    STC_TUI_EXIT_OK = 0,
    STC_TUI_EXIT_USAGE = 2,
    STC_TUI_EXIT_IO = 3,
};

int stc_tui_main(int argc, char **argv);

/* `stc-tui learn [SERVICE.py]` (the options already checked by cli/):
 * learn mode on the whole screen, with the questions of the module at `path`
 * (NULL: the curriculum only), the theme NAME (NULL: default), the seed of
 * the question order (NULL: $STC_LEARN_SEED, else the clock) and, with
 * `reset`, without the saved progress. Exit statuses as stc_tui_main. */
int stc_tui_learn(const char *path, const char *theme, const char *seed, bool reset);

#endif
