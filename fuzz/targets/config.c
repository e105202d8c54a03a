/* config.c - fuzz target: the service configuration file SERVICE.stc.yaml
 * (core/config.h) with the AWS schema, in every mode, for a fixed set of
 * units (a Lambda function, a workflow, a REST function, __init__, a helper). */
#include "core/aws/template.h"
#include "core/config.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static stc_method methods[] = {
        {.name = "_send_email"}, {.name = "_onboard", .is_async = true}, {.name = "get_person"},
        {.name = "__init__"},    {.name = "__slug"},
    };
    stc_unit_info units[] = {
        {.method = &methods[0], .kind = STC_KIND_FUNCTION, .unit = STC_UNIT_LAMBDA},
        {.method = &methods[1], .kind = STC_KIND_FUNCTION, .unit = STC_UNIT_STATE_MACHINE, .is_async = true},
        {.method = &methods[2], .kind = STC_KIND_REST, .unit = STC_UNIT_LAMBDA},
        {.method = &methods[3], .kind = STC_KIND_INIT, .unit = STC_UNIT_NONE},
        {.method = &methods[4], .kind = STC_KIND_HELPER, .unit = STC_UNIT_NONE},
    };
    const size_t nunits = sizeof units / sizeof *units;
    const stc_config_schema *schema = stc_aws_config_schema();
    /* The loader takes (text, len): pass the exact bytes, no terminator. */
    for (size_t mi = 0; mi < schema->nmodes; mi++) {
        stc_diags d = STC_DIAGS_INIT;
        stc_config *c = stc_config_load(schema, schema->modes[mi], "fuzz.stc.yaml", (const char *)data,
                                        size, units, nunits, &d);
        if (c) {
            for (size_t s = 0; s < schema->ndefs; s++) {
                (void)stc_config_get(c, NULL, s);
                for (size_t u = 0; u < nunits; u++)
                    (void)stc_config_get(c, methods[u].name, s);
            }
            stc_config_free(c);
        }
        stc_diags_free(&d);
    }
    return 0;
}
