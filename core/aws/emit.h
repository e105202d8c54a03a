/* emit.h - the deployable folder of a service (`stc-tui emit`).
 *
 * stc_emit_collect() builds every file in memory: the function zips
 * (artifacts/<function>-<hex16>.zip, core/aws/package.h), manifest.json (the
 * functions with their S3 keys and digests; it also marks the folder as one
 * stc-tui wrote), DEPLOY.md (the two commands), the template of the mode
 * (template.yaml, template.json, core/aws/template.h) and the spec it was
 * built from (spec.json), the state machines
 * (state-machines/<method>.asl.json, .source-map.json, and .svg through the
 * caller's drawing hook) and the OpenAPI document (openapi.json, when the
 * service has HTTP routes).
 *
 * stc_emit_write() puts them in place atomically: everything goes to a
 * temporary sibling folder (".<name>.stc-tmp-XXXXXX" beside DIR), each file
 * and folder is fsync'ed, then the temporary folder is swapped with DIR by
 * rename (renameat2 RENAME_EXCHANGE where the file system has it) and the old
 * contents are removed. On any error the temporary folder is removed and DIR
 * is left exactly as it was. DIR's parent must exist; an existing DIR is
 * replaced only when it is empty or was written by stc-tui (its
 * manifest.json says "generator": "stc-tui"), so a mistyped -o never deletes
 * unrelated files.
 *
 * Ownership: a stc_emit owns its files; free with stc_emit_free().
 */
#ifndef STC_AWS_EMIT_H
#define STC_AWS_EMIT_H

#include <stddef.h>

#include "core/diag.h"
#include "core/service.h"

typedef struct stc_emit_file {
    char *path;          /* relative to DIR, '/'-separated: "artifacts/x.zip" */
    unsigned char *data;
    size_t len;
} stc_emit_file;

typedef struct stc_emit {
    stc_emit_file *files; /* sorted by path */
    size_t nfiles;
} stc_emit;

/* Draws one state machine as SVG: `asl` is the state machine's JSON text.
 * Returns the SVG text (malloc'd, the emit takes it) or NULL for none. Core
 * never links the renderer: the CLI passes one (render/svg.h). */
typedef char *(*stc_emit_svg_fn)(const char *asl, size_t len, void *ctx);

typedef struct stc_emit_options {
    const char *mode;        /* "dev" (default), "test", "stage", "prod" */
    const char *config_path; /* NULL: the service's own configuration when it was
                                compiled for `mode` (else SERVICE.stc.yaml beside it) */
    stc_emit_svg_fn svg;     /* NULL: no drawings */
    void *svg_ctx;
} stc_emit_options;

/* Build the folder's files for a compiled service without errors. Returns 0;
 * -1 with diagnostics appended to d (STC700..STC709, and the template's own);
 * -2 when the configuration file cannot be read (STC528 in d). */
int stc_emit_collect(const stc_service *svc, const stc_emit_options *opts, stc_emit *out, stc_diags *d);
void stc_emit_free(stc_emit *e);

/* The bytes of file `path` in e, or NULL. */
const stc_emit_file *stc_emit_find(const stc_emit *e, const char *path);

/* Write e into folder `dir` atomically (see above). Returns 0, or -1 with
 * *err set to an allocated one-line message such as
 * "cannot write 'out/artifacts/x.zip': No space left on device". */
int stc_emit_write(const stc_emit *e, const char *dir, char **err);

#endif
