/* theme.c - fuzz target: theme files (tui/theme.h) on arbitrary text. */
#include "fuzz/fuzz.h"
#include "tui/theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = stc_fuzz_cstr(data, size);
    stc_theme t;
    stc_theme_default(&t);
    stc_diags d = STC_DIAGS_INIT;
    stc_theme_parse(&t, "fuzz.theme", text, &d);
    stc_diags_free(&d);
    free(text);
    return 0;
}
