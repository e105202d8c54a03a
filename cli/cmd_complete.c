/* cmd_complete.c - `stc-tui __complete methods SERVICE.py | themes`: the
 * words the shell completions (dist/) cannot know by themselves, one a line.
 *
 *   methods SERVICE.py   the methods METHOD accepts (asl, graph, simulate):
 *                        the async methods that become state machines. The
 *                        module is parsed and classified, never imported or
 *                        run; a module that does not parse gives no words.
 *   themes               every name --theme finds (compiled-in, installed,
 *                        personal).
 *
 * Nothing goes to stderr and the exit status is 0 whenever the request is
 * understood (a completion must not print into the user's command line),
 * 2 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/classify.h"
#include "core/parse.h"
#ifdef STC_CLI_HAVE_TUI
#include "tui/theme.h"
#endif

static void stc_complete_methods(const char *path)
{
    stc_diags d = STC_DIAGS_INIT;
    int io_error = 0;
    stc_module *m = stc_parse_file(path, &d, &io_error);
    stc_unit_info *units = m ? stc_classify(m, &d) : NULL;
    size_t n = units && m->service ? m->service->nmethods : 0;
    for (size_t i = 0; i < n; i++)
        if (units[i].unit == STC_UNIT_STATE_MACHINE && units[i].method->is_async)
            puts(units[i].method->name);
    stc_units_free(units, n);
    stc_module_free(m);
    stc_diags_free(&d);
}

int stc_cmd_complete(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "methods") == 0) {
        stc_complete_methods(argv[2]);
        return STC_EXIT_OK;
    }
    if (argc == 2 && strcmp(argv[1], "themes") == 0) {
#ifdef STC_CLI_HAVE_TUI
        char **names = stc_theme_names();
        for (char **p = names; *p; p++) {
            puts(*p);
            free(*p);
        }
        free(names);
#endif
        return STC_EXIT_OK;
    }
    return stc_cli_usage("__complete", "ask for 'methods SERVICE.py' or 'themes'");
}
