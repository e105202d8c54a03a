/* config_test.c - SERVICE.stc.yaml: precedence of the layers, and every kind
 * of mistake reported at the YAML file's line and column. Also the
 * impossible combinations the template refuses. */
#include "template_test_util.h"
#include "core/triggers.h"

static stc_service *people(void)
{
    char *path = tt_example("people.py");
    stc_service *svc = stc_service_compile_file(path, NULL);
    free(path);
    assert_false(stc_diags_has_errors(&svc->diags));
    return svc;
}

static stc_config *load(stc_service *svc, const char *mode, const char *text, stc_diags *d)
{
    return stc_config_load(stc_aws_config_schema(), mode, "svc.stc.yaml", text, strlen(text), svc->units,
                           svc->nunits, d);
}

static void test_layers(void **state)
{
    (void)state;
    const char *text = "defaults:\n"
                       "  memory: 256\n"
                       "modes:\n"
                       "  prod:\n"
                       "    memory: 2048\n"
                       "functions:\n"
                       "  _send_email:\n"
                       "    timeout: 60\n"
                       "    modes:\n"
                       "      prod:\n"
                       "        reserved_concurrency: 5\n"
                       "  _onboard:\n"
                       "    log_retention: 30\n";
    stc_service *svc = people();
    stc_diags d = STC_DIAGS_INIT;
    stc_config *dev = load(svc, "dev", text, &d);
    stc_config *prod = load(svc, "prod", text, &d);
    assert_int_equal(d.count, 0);
    assert_non_null(dev);
    assert_non_null(prod);
    /* dev: defaults: over the built-in 128; built-in timeout 10 */
    assert_int_equal(stc_config_int(dev, "get_person", STC_SET_MEMORY), 256);
    assert_int_equal(stc_config_int(dev, "get_person", STC_SET_TIMEOUT), 10);
    assert_int_equal(stc_config_int(dev, "_send_email", STC_SET_MEMORY), 256);
    assert_int_equal(stc_config_int(dev, "_send_email", STC_SET_TIMEOUT), 60);
    assert_false(stc_config_get(dev, "_send_email", STC_SET_RESERVED_CONCURRENCY)->set);
    assert_int_equal(stc_config_int(dev, "_onboard", STC_SET_LOG_RETENTION), 30);
    assert_int_equal(stc_config_int(dev, NULL, STC_SET_LOG_RETENTION), 7);
    /* prod: modes.prod over defaults:; functions over modes; where it was set */
    assert_int_equal(stc_config_int(prod, "get_person", STC_SET_MEMORY), 2048);
    assert_int_equal(stc_config_int(prod, "_send_email", STC_SET_MEMORY), 2048);
    assert_int_equal(stc_config_int(prod, "_send_email", STC_SET_TIMEOUT), 60);
    const stc_setting_value *rc = stc_config_get(prod, "_send_email", STC_SET_RESERVED_CONCURRENCY);
    assert_true(rc->set);
    assert_int_equal(rc->i, 5);
    assert_int_equal(rc->line, 11);
    assert_int_equal(rc->col, 31);
    const stc_setting_value *lr = stc_config_get(prod, "_onboard", STC_SET_LOG_RETENTION);
    assert_int_equal(lr->i, 30);
    assert_int_equal(lr->line, 13);
    assert_int_equal(lr->col, 20);
    assert_int_equal(stc_config_int(prod, "get_person", STC_SET_LOG_RETENTION), 365);
    assert_true(stc_config_bool(prod, NULL, STC_SET_TRACING));
    assert_string_equal(stc_config_str(prod, NULL, STC_SET_ENCRYPTION), "kms");
    assert_string_equal(stc_config_str(dev, NULL, STC_SET_ENCRYPTION), "aws_owned");
    stc_config_free(dev);
    stc_config_free(prod);
    stc_diags_free(&d);
    stc_service_free(svc);
}

typedef struct bad_case {
    const char *text;
    const char *code;
    int line, col;
    const char *hint; /* a substring of the hint, or NULL */
} bad_case;

static void test_bad_files(void **state)
{
    (void)state;
    const bad_case cases[] = {
        {"defualts:\n  memory: 256\n", "STC521", 1, 1, "did you mean 'defaults'?"},
        {"defaults:\n  memroy: 256\n", "STC521", 2, 3, "did you mean 'memory'?"},
        {"defaults:\n  memory: big\n", "STC522", 2, 11, NULL},
        {"defaults:\n  memory: 64\n", "STC522", 2, 11, NULL},
        {"defaults:\n  tracing: \"yes\"\n", "STC522", 2, 12, NULL},
        {"defaults:\n  log_retention: 8\n", "STC522", 2, 18, NULL},
        {"defaults:\n  encryption: cmk\n", "STC522", 2, 15, NULL},
        {"defaults:\n  memory: [1, 2]\n", "STC522", 2, 11, NULL},
        {"defaults: 3\n", "STC522", 1, 11, NULL},
        {"modes:\n  production:\n    memory: 256\n", "STC523", 2, 3, NULL},
        {"modes:\n  prd:\n    memory: 256\n", "STC523", 2, 3, "did you mean 'prod'?"},
        {"functions:\n  _send_mail:\n    memory: 256\n", "STC524", 2, 3, "did you mean '_send_email'?"},
        {"functions:\n  __init__:\n    memory: 256\n", "STC524", 2, 3, NULL},
        {"functions:\n  _send_email:\n    encryption: kms\n", "STC525", 3, 5, "defaults:"},
        {"functions:\n  _onboard:\n    memory: 256\n", "STC525", 3, 5, NULL},
        {"defaults:\n  memory: 256\n  memory: 512\n", "STC526", 3, 3, NULL},
        {"defaults: [\n", "STC520", 2, 1, NULL},
    };
    stc_service *svc = people();
    for (size_t i = 0; i < STC_ARRAY_LEN(cases); i++) {
        stc_diags d = STC_DIAGS_INIT;
        stc_config *c = load(svc, "dev", cases[i].text, &d);
        if (c || d.count != 1)
            fprintf(stderr, "case %zu: %s\n", i, cases[i].text);
        assert_null(c);
        assert_int_equal(d.count, 1);
        assert_int_equal(d.items[0].severity, STC_SEV_ERROR);
        assert_string_equal(d.items[0].code, cases[i].code);
        assert_string_equal(d.items[0].file, "svc.stc.yaml");
        assert_int_equal(d.items[0].line, cases[i].line);
        assert_int_equal(d.items[0].col, cases[i].col);
        if (cases[i].hint) {
            assert_non_null(d.items[0].hint);
            assert_non_null(strstr(d.items[0].hint, cases[i].hint));
        }
        stc_diags_free(&d);
    }
    stc_service_free(svc);
}

static void test_triggers_reserved(void **state)
{
    (void)state;
    /* triggers: is parsed by core/triggers.c (tests/aws/triggers_test.c);
     * the configuration keeps it, for every mode. */
    stc_service *svc = people();
    stc_diags d = STC_DIAGS_INIT;
    stc_config *c = load(svc, "dev", "triggers:\n  - schedule: rate(1 hour)\n    target: _send_email\n"
                                     "    input: {address: ops@example.com}\n", &d);
    assert_non_null(c);
    assert_true(c->has_triggers);
    assert_non_null(c->triggers);
    assert_int_equal(c->triggers->count, 1);
    assert_int_equal(d.count, 0);
    stc_config_free(c);
    stc_diags_free(&d);
    stc_service_free(svc);
}

/* Settings that cannot go together: diagnostics, and no template. */
static cJSON *build(stc_service *svc, const char *mode, const char *text, stc_diags *d, stc_template_parts *parts)
{
    assert_int_equal(stc_template_spec(svc, parts, d), 0);
    stc_config *c = load(svc, mode, text, d);
    assert_non_null(c);
    parts->own_cfg = c;
    parts->cfg = c;
    return stc_template_build(parts->spec, c, d);
}

static void test_impossible(void **state)
{
    (void)state;
    stc_service *svc = people();
    stc_diags d = STC_DIAGS_INIT;
    stc_template_parts parts;
    /* capacity with on-demand billing */
    cJSON *t = build(svc, "prod", "defaults:\n  read_capacity: 10\n", &d, &parts);
    assert_null(t);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC550");
    assert_string_equal(d.items[0].file, "svc.stc.yaml");
    assert_int_equal(d.items[0].line, 2);
    assert_int_equal(d.items[0].col, 18);
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    /* provisioned: the capacity given, 5 for the other */
    t = build(svc, "dev", "defaults:\n  billing_mode: provisioned\n  read_capacity: 10\n", &d, &parts);
    assert_non_null(t);
    assert_int_equal(d.count, 0);
    assert_string_equal(tt_prop(t, "PeopleTable", "BillingMode")->valuestring, "PROVISIONED");
    const cJSON *pt = tt_prop(t, "PeopleTable", "ProvisionedThroughput");
    assert_int_equal(cJSON_GetObjectItem(pt, "ReadCapacityUnits")->valueint, 10);
    assert_int_equal(cJSON_GetObjectItem(pt, "WriteCapacityUnits")->valueint, 5);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    /* an alarm topic that is not an SNS ARN */
    t = build(svc, "prod", "defaults:\n  alarm_topic: my-topic\n", &d, &parts);
    assert_null(t);
    assert_string_equal(d.items[0].code, "STC552");
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    /* an alarm topic where alarms are off: a warning, and the template */
    t = build(svc, "dev", "defaults:\n  alarm_topic: arn:aws:sns:eu-west-1:123456789012:ops\n", &d, &parts);
    assert_non_null(t);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC551");
    assert_int_equal(d.items[0].severity, STC_SEV_WARNING);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    /* an HTTP function allowed longer than the HTTP API waits */
    t = build(svc, "dev", "functions:\n  get_person:\n    timeout: 60\n", &d, &parts);
    assert_non_null(t);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC553");
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 14);
    assert_int_equal(tt_prop(t, "GetPersonFunction", "Timeout")->valueint, 60);
    assert_int_equal(tt_prop(t, "ListPeopleFunction", "Timeout")->valueint, 10);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layers),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_triggers_reserved),
        cmocka_unit_test(test_impossible),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
