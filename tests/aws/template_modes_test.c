/* template_modes_test.c - what differs between dev and prod for the same
 * service (people.py), asserted on both templates and on their diff. */
#include "template_test_util.h"

static const char *str_of(const cJSON *t, const char *logical, const char *key)
{
    const cJSON *r = tt_res(t, logical);
    assert_non_null(r);
    const cJSON *v = cJSON_GetObjectItem(r, key);
    return v ? v->valuestring : NULL;
}

static void test_dev_is_cheap(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("people.py", "dev", &svc, &parts);
    assert_null(tt_res(t, "DataKey"));
    assert_string_equal(str_of(t, "PeopleTable", "DeletionPolicy"), "Delete");
    assert_string_equal(str_of(t, "PeopleTable", "UpdateReplacePolicy"), "Delete");
    assert_string_equal(tt_prop(t, "PeopleTable", "BillingMode")->valuestring, "PAY_PER_REQUEST");
    assert_false(cJSON_IsTrue(
        cJSON_GetObjectItem(tt_prop(t, "PeopleTable", "PointInTimeRecoverySpecification"), "PointInTimeRecoveryEnabled")));
    assert_null(tt_prop(t, "PeopleTable", "SSESpecification"));
    assert_false(cJSON_IsTrue(tt_prop(t, "PeopleTable", "DeletionProtectionEnabled")));
    assert_int_equal(tt_prop(t, "RegisterPersonFunction", "MemorySize")->valueint, 128);
    assert_int_equal(tt_prop(t, "RegisterPersonFunction", "Timeout")->valueint, 10);
    assert_null(tt_prop(t, "RegisterPersonFunction", "TracingConfig"));
    assert_int_equal(tt_prop(t, "RegisterPersonFunctionLogGroup", "RetentionInDays")->valueint, 7);
    assert_null(tt_prop(t, "RegisterPersonFunctionLogGroup", "KmsKeyId"));
    assert_null(tt_res(t, "RegisterPersonFunctionErrorsAlarm"));
    assert_null(tt_res(t, "OnboardExecutionsFailedAlarm"));
    /* workflow logging is OFF in dev: no log group, no logging configuration */
    assert_null(tt_res(t, "OnboardStateMachineLogGroup"));
    assert_null(tt_prop(t, "OnboardStateMachine", "LoggingConfiguration"));
    assert_null(tt_prop(t, "OnboardStateMachine", "TracingConfiguration"));
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

static void test_prod_is_hardened(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("people.py", "prod", &svc, &parts);
    assert_string_equal(cJSON_GetObjectItem(tt_res(t, "DataKey"), "Type")->valuestring, "AWS::KMS::Key");
    assert_true(cJSON_IsTrue(tt_prop(t, "DataKey", "EnableKeyRotation")));
    assert_string_equal(str_of(t, "DataKey", "DeletionPolicy"), "Retain");
    assert_string_equal(str_of(t, "PeopleTable", "DeletionPolicy"), "Retain");
    assert_string_equal(str_of(t, "PeopleTable", "UpdateReplacePolicy"), "Retain");
    assert_true(cJSON_IsTrue(
        cJSON_GetObjectItem(tt_prop(t, "PeopleTable", "PointInTimeRecoverySpecification"), "PointInTimeRecoveryEnabled")));
    const cJSON *sse = tt_prop(t, "PeopleTable", "SSESpecification");
    assert_string_equal(cJSON_GetObjectItem(sse, "SSEType")->valuestring, "KMS");
    char *s = tt_res_text(cJSON_GetObjectItem(sse, "KMSMasterKeyId"));
    assert_string_equal(s, "!Ref DataKey");
    free(s);
    assert_true(cJSON_IsTrue(tt_prop(t, "PeopleTable", "DeletionProtectionEnabled")));
    assert_int_equal(tt_prop(t, "RegisterPersonFunction", "MemorySize")->valueint, 1024);
    assert_int_equal(tt_prop(t, "RegisterPersonFunction", "Timeout")->valueint, 30);
    assert_string_equal(cJSON_GetObjectItem(tt_prop(t, "RegisterPersonFunction", "TracingConfig"), "Mode")->valuestring,
                        "Active");
    assert_int_equal(tt_prop(t, "RegisterPersonFunctionLogGroup", "RetentionInDays")->valueint, 365);
    s = tt_res_text(tt_prop(t, "RegisterPersonFunctionLogGroup", "KmsKeyId"));
    assert_string_equal(s, "DataKey.Arn");
    free(s);
    assert_string_equal(tt_prop(t, "RegisterPersonFunctionErrorsAlarm", "MetricName")->valuestring, "Errors");
    assert_string_equal(tt_prop(t, "OnboardExecutionsFailedAlarm", "MetricName")->valuestring, "ExecutionsFailed");
    assert_non_null(tt_res(t, "OnboardStateMachineLogGroup"));
    const cJSON *lc = tt_prop(t, "OnboardStateMachine", "LoggingConfiguration");
    /* prod logs every event (AwsSolutions-SF1), without the execution data (workflow_log_data) */
    assert_string_equal(cJSON_GetObjectItem(lc, "Level")->valuestring, "ALL");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(lc, "IncludeExecutionData")));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(tt_prop(t, "OnboardStateMachine", "TracingConfiguration"), "Enabled")));
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* The diff: resources prod adds, none it removes, and what changes. */
static void test_diff_dev_prod(void **state)
{
    (void)state;
    stc_service *sd, *sp;
    stc_template_parts pd, pp;
    cJSON *a = tt_template("people.py", "dev", &sd, &pd);
    cJSON *b = tt_template("people.py", "prod", &sp, &pp);
    cJSON *diff = stc_template_diff(a, b);
    const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(diff, "sections"), 1);
    assert_string_equal(cJSON_GetObjectItem(res, "section")->valuestring, "Resources");
    /* the key, one alarm per function (7) and per state machine (1), the workflow's log group, the
     * API access log group (access_logs) */
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "added")), 11);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(res, "removed")), 0);
    const cJSON *e, *table = NULL;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(res, "changed")) if (!strcmp(cJSON_GetObjectItem(e, "name")->valuestring,
                                                                            "PeopleTable")) table = e;
    assert_non_null(table);
    /* dev acknowledges the missing point-in-time recovery (Metadata); prod has it */
    const char *want[] = {"DeletionPolicy", "UpdateReplacePolicy",
                          "Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
                          "Properties.DeletionProtectionEnabled", "Properties.SSESpecification", "Metadata"};
    const cJSON *changes = cJSON_GetObjectItem(table, "changes");
    assert_int_equal(cJSON_GetArraySize(changes), 6);
    for (int i = 0; i < 6; i++)
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(changes, i), "path")->valuestring, want[i]);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(changes, 4), "op")->valuestring, "added");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(changes, 5), "op")->valuestring, "removed");
    cJSON_Delete(diff);
    cJSON_Delete(a);
    cJSON_Delete(b);
    stc_template_parts_free(&pd);
    stc_template_parts_free(&pp);
    stc_service_free(sd);
    stc_service_free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dev_is_cheap),
        cmocka_unit_test(test_prod_is_hardened),
        cmocka_unit_test(test_diff_dev_prod),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
