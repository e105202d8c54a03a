/* jsonata.c - fuzz target: the JSONata engine (stepsim/jsonata/jsonata.h),
 * parser and evaluator, on arbitrary text. The input is an expression,
 * optionally followed by a NUL and a JSON document to evaluate it against
 * (a fixed document otherwise); the evaluation runs under a time limit, with
 * bindings, a lazy lookup and a host function, and its result is written out
 * as JSON. The seed corpus is the conformance suite's expressions. */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz/fuzz.h"
#include "stepsim/jsonata/jsonata.h"
#include "stepsim/jsonata/value.h"

static const char *DOC = "{\"a\":{\"b\":[1,2,{\"c\":\"x\"}],\"d\":null},\"e\":[true,false,3.5,"
                         "\"s\",[],{}],\"f\":{\"g\":{\"h\":[{\"i\":1},{\"i\":2}]}},\"n\":-2.5e-7}";

static stc_jsonata_evaluator *ev;
static cJSON *doc, *bindings, *vars;

static const cJSON *lookup(void *ud, const char *name, size_t len)
{
    (void)ud;
    return len == 1 && name[0] == 'v' ? vars : NULL;
}

static jn_val *host_pair(jn_ctx *cx, jn_val **argv, int argc)
{
    jn_val *a = jn_arr(cx, 2);
    for (int i = 0; i < argc && i < 2; i++)
        if (argv[i])
            jn_arr_push(cx, a, argv[i]);
    return a;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ev = stc_jsonata_evaluator_new();
    doc = cJSON_Parse(DOC);
    bindings = cJSON_Parse("{\"x\": [1, \"two\", {\"three\": 3}], \"y\": 0.1}");
    vars = cJSON_Parse("{\"input\": {\"k\": [true]}}");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!ev)
        LLVMFuzzerInitialize(NULL, NULL);
    const uint8_t *nul = memchr(data, 0, size);
    size_t elen = nul ? (size_t)(nul - data) : size;
    cJSON *input = NULL;
    if (nul) {
        char *json = stc_fuzz_cstr(nul + 1, size - elen - 1);
        input = cJSON_Parse(json);
        free(json);
    }
    stc_jsonata_error err = {.position = -1};
    stc_jsonata *e = stc_jsonata_compile((const char *)data, elen, &err);
    if (!e) {
        stc_jsonata_error_clear(&err);
        cJSON_Delete(input);
        return 0;
    }
    static const stc_jsonata_function fns[] = {{"pair", host_pair, "<xx?:a>", NULL}};
    stc_jsonata_options o;
    stc_jsonata_options_init(&o);
    o.bindings = bindings;
    o.lookup = lookup;
    o.functions = fns;
    o.nfunctions = 1;
    o.now_ms = 1700000000000;
    o.seed = 7;
    o.timelimit_ms = 500;
    stc_buf out = STC_BUF_INIT;
    bool undefined = false;
    stc_jsonata_eval_text(ev, e, nul ? input : doc, &o, 1, &out, &undefined, &err);
    stc_buf_free(&out);
    cJSON *tree = NULL;
    if (stc_jsonata_eval(ev, e, nul ? input : doc, &o, &tree, &err) == 0)
        cJSON_Delete(tree);
    stc_jsonata_error_clear(&err);
    stc_jsonata_free(e);
    cJSON_Delete(input);
    return 0;
}
