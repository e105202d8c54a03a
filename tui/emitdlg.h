/* emitdlg.h - the Emit dialog (`e`): the deployable folder of the current
 * mode, through core/aws/emit.h.
 *
 * stc_emitdlg_open() builds every file in memory (stc_emit_collect) and
 * shows the service, the mode (`m` in the dialog: next mode), the folder
 * (`f`: edit it, for this mode; default ./out-<Service>-<mode> beside the module), what is
 * there now (new, stc-tui's earlier output that will be replaced, or a
 * folder emit will refuse) and the list of files with their sizes. Enter
 * writes them atomically (stc_emit_write); the result dialog lists what is
 * on disk afterwards, or says why nothing was changed. Problems go to
 * app->emit_diags (STC955 the folder could not be written, plus the
 * template's and packaging's own codes when the files cannot be built), so
 * Diagnostics shows them until the next emit.
 *
 * Ownership: the app owns the dialog state (app->emitdlg) and frees it with
 * stc_emitdlg_free().
 */
#ifndef STC_TUI_EMITDLG_H
#define STC_TUI_EMITDLG_H

struct stc_app;
struct stc_emitdlg;

void stc_emitdlg_open(struct stc_app *app);
void stc_emitdlg_free(struct stc_emitdlg *d);

/* The folder emit writes to: app->emit_dir, else "<module's folder>/out-
 * <Service>-<mode>" ("./out-PeopleService-dev" for "people.py"). The caller
 * owns the text. */
char *stc_emitdlg_dir(const struct stc_app *app);

#endif
