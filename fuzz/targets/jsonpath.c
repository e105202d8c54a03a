/* jsonpath.c - fuzz target: JSONPath syntax check, evaluation, normalized
 * form and ResultPath assignment (stepsim/jsonpath.h) on arbitrary text. */
#include <cjson/cJSON.h>

#include "fuzz/fuzz.h"
#include "stepsim/jsonpath.h"

static const char *DOC = "{\"a\":{\"b\":[1,2,{\"c\":\"x\"}],\"d\":null},\"e\":[true,false,3.5,"
                         "\"s\",[],{}],\"f\":{\"g\":{\"h\":[{\"i\":1},{\"i\":2}]}}}";
static const char *CTX = "{\"Execution\":{\"Id\":\"x\",\"Input\":{\"k\":1}},\"Map\":{\"Item\":"
                         "{\"Index\":0,\"Value\":[1]}}}";

static const cJSON *lookup(void *ud, const char *name)
{
    return name[0] == 'v' ? (const cJSON *)ud : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = stc_fuzz_cstr(data, size);
    cJSON *doc = cJSON_Parse(DOC), *ctx = cJSON_Parse(CTX);
    stc_scope sc = {.input = doc, .context = ctx, .lookup_var = lookup, .var_ud = doc};
    for (int ref = 0; ref < 2; ref++) {
        char *msg = NULL;
        stc_jsonpath_check(path, ref != 0, &msg);
        free(msg);
    }
    (void)stc_jsonpath_is_path(path);
    cJSON *out = NULL;
    stc_rterr err = STC_RTERR_INIT;
    if (stc_jsonpath_eval(path, &sc, &out, &err) == 0)
        cJSON_Delete(out);
    stc_rterr_clear(&err);
    (void)stc_jsonpath_get(path, &sc);
    (void)stc_jsonpath_exists(path, &sc);
    free(stc_jsonpath_normalized(path));
    cJSON *target = cJSON_Duplicate(doc, 1);
    stc_jsonpath_set(path, &target, cJSON_CreateString("new"), &err);
    stc_rterr_clear(&err);
    cJSON_Delete(target);
    cJSON_Delete(doc);
    cJSON_Delete(ctx);
    free(path);
    return 0;
}
