/* mocks.c - fuzz target: the mocks file (stepsim/mocks.h), YAML or JSON. */
#include "fuzz/fuzz.h"
#include "stepsim/mocks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = stc_fuzz_cstr(data, size);
    stc_mocks *m = NULL;
    char *err = NULL;
    if (stc_mocks_parse(text, "fuzz.yaml", &m, &err) == 0) {
        static const char *keys[] = {"_send_email", "a", "", "Task"};
        for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
            stc_mock_entry e;
            (void)stc_mocks_has(m, keys[k]);
            for (unsigned call = 0; call < 3; call++)
                (void)stc_mocks_get(m, keys[k], call, &e);
        }
        stc_mocks_free(m);
    }
    free(err);
    free(text);
    return 0;
}
