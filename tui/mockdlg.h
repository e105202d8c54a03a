/* mockdlg.h - the simulator's mocks files: the one found beside the module
 * (loaded when the workbench opens) and the picker of `o`.
 *
 * For a module `dir/X.py` (or a state machine `dir/X.asl.json`), the mocks
 * files "beside it" are, in this order:
 *
 *   dir/X.mocks.yaml, dir/X.mocks.yml, dir/X.mocks.json    the default script
 *   dir/X.<script>.mocks.yaml (.yml, .json)                 other scripts, by name
 *
 * stc_mockdlg_default() gives the first default that exists;
 * stc_mockdlg_scripts() lists every one of them. The picker shows each file
 * with the first comment line of its text (its description), then "no mocks
 * file" (every Task asks, tui/simctl.h) and "another file..." (a path
 * prompt). Enter loads the choice through stc_simctl_load_mocks(), which
 * restarts the execution and forgets the answers given at the prompt.
 *
 * Ownership: paths are returned allocated (the caller frees them); the app
 * owns the picker's state (app->mockdlg) and frees it with
 * stc_mockdlg_free().
 */
#ifndef STC_TUI_MOCKDLG_H
#define STC_TUI_MOCKDLG_H

#include <stddef.h>

struct stc_app;
struct stc_mockdlg;

/* The default mocks file of the module or machine at `path`, or NULL. */
char *stc_mockdlg_default(const char *path);

/* Every mocks file beside `path`: the defaults first, then the other
 * scripts sorted by name. Returns the count; *out is an array of paths (free
 * each, then the array). */
size_t stc_mockdlg_scripts(const char *path, char ***out);

/* The first comment line of a mocks file ("# text" -> "text"), or NULL. */
char *stc_mockdlg_describe(const char *file);

/* Load `file` (NULL: no mocks file) for the simulator, with a status
 * message: what was loaded, or why not (nothing changed then). */
void stc_mockdlg_load(struct stc_app *app, const char *file);

/* Open the picker (`o`). */
void stc_mockdlg_open(struct stc_app *app);
void stc_mockdlg_free(struct stc_mockdlg *d);

#endif
