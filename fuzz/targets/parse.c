/* parse.c - fuzz target: Python source -> C IR (core/parse.h) on arbitrary
 * bytes. Most inputs are syntax errors (a diagnostic); the valid ones are
 * converted to the IR, and the source text of every method and parameter is
 * taken back out through stc_module_text(). */
#include <stdio.h>

#include "core/parse.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *err = NULL;
    if (stc_py_init(&err) != 0) {
        fprintf(stderr, "fuzz parse: %s\n", err ? err : "no Python");
        abort();
    }
    atexit(stc_py_finalize);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stc_diags d = STC_DIAGS_INIT;
    stc_module *m = stc_parse_source("fuzz.py", (const char *)data, size, &d);
    if (m) {
        for (size_t c = 0; c < m->nclasses; c++) {
            const stc_class *k = &m->classes[c];
            for (size_t i = 0; i < k->nmethods; i++) {
                free(stc_module_text(m, k->methods[i].pos));
                free(stc_module_text(m, k->methods[i].name_pos));
            }
        }
        stc_module_free(m);
    }
    stc_diags_free(&d);
    return 0;
}
