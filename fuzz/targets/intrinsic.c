/* intrinsic.c - fuzz target: intrinsic function syntax check and evaluation
 * (stepsim/intrinsic.h) on arbitrary text, nested calls and paths included. */
#include <cjson/cJSON.h>

#include "fuzz/fuzz.h"
#include "stepsim/intrinsic.h"

static const char *DOC = "{\"s\":\"a,b;c\",\"n\":3,\"xs\":[1,2,2,\"x\"],\"o\":{\"k\":[1]},"
                         "\"j\":\"{\\\"a\\\":1}\",\"b\":\"aGVsbG8=\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *expr = stc_fuzz_cstr(data, size);
    cJSON *doc = cJSON_Parse(DOC);
    stc_scope sc = {.input = doc, .context = doc};
    char *msg = NULL;
    stc_intrinsic_check(expr, &msg);
    free(msg);
    (void)stc_intrinsic_is_call(expr);
    stc_rng rng = {0x5eed};
    cJSON *out = NULL;
    stc_rterr err = STC_RTERR_INIT;
    if (stc_intrinsic_eval(expr, &sc, &rng, &out, &err) == 0)
        cJSON_Delete(out);
    stc_rterr_clear(&err);
    cJSON_Delete(doc);
    free(expr);
    return 0;
}
