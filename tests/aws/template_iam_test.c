/* template_iam_test.c - least privilege, worked out by hand for the three
 * examples: the exact actions and resources each role allows. */
#include "template_test_util.h"

#include "core/aws/iam.h"

#define LOGS(fn) "logs:CreateLogStream " fn "FunctionLogGroup.Arn", "logs:PutLogEvents " fn "FunctionLogGroup.Arn"
#define ARN "arn:${AWS::Partition}"

static void test_people_dev(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("people.py", "dev", &svc, &parts);
    TT_ASSERT_PERMS(t, "RegisterPersonFunctionRole", LOGS("RegisterPerson"), "dynamodb:PutItem PeopleTable.Arn");
    TT_ASSERT_PERMS(t, "GetPersonFunctionRole", LOGS("GetPerson"), "dynamodb:GetItem PeopleTable.Arn");
    /* list(self.people.values()): every key, then every entry */
    TT_ASSERT_PERMS(t, "ListPeopleFunctionRole", LOGS("ListPeople"), "dynamodb:Scan PeopleTable.Arn",
                    "dynamodb:GetItem PeopleTable.Arn");
    TT_ASSERT_PERMS(t, "UpdatePersonFunctionRole", LOGS("UpdatePerson"), "dynamodb:GetItem PeopleTable.Arn",
                    "dynamodb:PutItem PeopleTable.Arn");
    TT_ASSERT_PERMS(t, "UnregisterPersonFunctionRole", LOGS("UnregisterPerson"), "dynamodb:DeleteItem PeopleTable.Arn");
    TT_ASSERT_PERMS(t, "SendEmailFunctionRole", LOGS("SendEmail"));
    TT_ASSERT_PERMS(t, "MarkActiveFunctionRole", LOGS("MarkActive"), "dynamodb:GetItem PeopleTable.Arn",
                    "dynamodb:PutItem PeopleTable.Arn");
    TT_ASSERT_PERMS(t, "OnboardStateMachineRole", "lambda:InvokeFunction SendEmailFunction.Arn",
                    "lambda:InvokeFunction MarkActiveFunction.Arn");
    /* the definition's placeholders are substituted with exactly those functions */
    const cJSON *subst = tt_prop(t, "OnboardStateMachine", "DefinitionSubstitutions");
    assert_int_equal(cJSON_GetArraySize(subst), 2);
    char *s = tt_res_text(cJSON_GetObjectItem(subst, "SendEmailFunctionArn"));
    assert_string_equal(s, "SendEmailFunction.Arn");
    free(s);
    s = tt_res_text(cJSON_GetObjectItem(subst, "MarkActiveFunctionArn"));
    assert_string_equal(s, "MarkActiveFunction.Arn");
    free(s);
    /* environment: the parameters everywhere, the table only where it is used */
    const cJSON *vars = cJSON_GetObjectItem(tt_prop(t, "SendEmailFunction", "Environment"), "Variables");
    assert_int_equal(cJSON_GetArraySize(vars), 2);
    assert_non_null(cJSON_GetObjectItem(vars, "STC_PARAM_SENDER"));
    assert_non_null(cJSON_GetObjectItem(vars, "STC_PARAM_MAX_TRIES"));
    vars = cJSON_GetObjectItem(tt_prop(t, "GetPersonFunction", "Environment"), "Variables");
    assert_int_equal(cJSON_GetArraySize(vars), 3);
    s = tt_res_text(cJSON_GetObjectItem(vars, "STC_TABLE_PEOPLE"));
    assert_string_equal(s, "!Ref PeopleTable");
    free(s);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

static void test_people_prod(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("people.py", "prod", &svc, &parts);
    TT_ASSERT_PERMS(t, "RegisterPersonFunctionRole", LOGS("RegisterPerson"), "dynamodb:PutItem PeopleTable.Arn",
                    "kms:Decrypt DataKey.Arn", "kms:Encrypt DataKey.Arn", "kms:GenerateDataKey DataKey.Arn",
                    "xray:PutTelemetryRecords *", "xray:PutTraceSegments *");
    TT_ASSERT_PERMS(t, "GetPersonFunctionRole", LOGS("GetPerson"), "dynamodb:GetItem PeopleTable.Arn",
                    "kms:Decrypt DataKey.Arn", "xray:PutTelemetryRecords *", "xray:PutTraceSegments *");
    TT_ASSERT_PERMS(t, "SendEmailFunctionRole", LOGS("SendEmail"), "xray:PutTelemetryRecords *",
                    "xray:PutTraceSegments *");
    TT_ASSERT_PERMS(t, "OnboardStateMachineRole", "lambda:InvokeFunction SendEmailFunction.Arn",
                    "lambda:InvokeFunction MarkActiveFunction.Arn", "logs:CreateLogDelivery *",
                    "logs:DeleteLogDelivery *", "logs:DescribeLogGroups *", "logs:DescribeResourcePolicies *",
                    "logs:GetLogDelivery *", "logs:ListLogDeliveries *", "logs:PutResourcePolicy *",
                    "logs:UpdateLogDelivery *", "xray:GetSamplingRules *", "xray:GetSamplingTargets *",
                    "xray:PutTelemetryRecords *", "xray:PutTraceSegments *");
    /* the key may be used only through DynamoDB */
    const cJSON *st = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetArrayItem(tt_prop(t, "GetPersonFunctionRole", "Policies"), 0), "PolicyDocument"),
        "Statement");
    const cJSON *key = NULL, *x;
    cJSON_ArrayForEach(x, st) if (!strcmp(cJSON_GetObjectItem(x, "Sid")->valuestring, "DataKeyUse")) key = x;
    assert_non_null(key);
    const cJSON *via = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(key, "Condition"), "StringEquals"),
                                           "kms:ViaService");
    assert_int_equal(cJSON_GetArraySize(via), 1);
    char *s = tt_res_text(cJSON_GetArrayItem(via, 0));
    assert_string_equal(s, "!Sub dynamodb.${AWS::Region}.amazonaws.com");
    free(s);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

static void test_orders_dev(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("orders.py", "dev", &svc, &parts);
    TT_ASSERT_PERMS(t, "CreatePersonOrderFunctionRole", LOGS("CreatePersonOrder"), "dynamodb:PutItem OrdersTable.Arn");
    TT_ASSERT_PERMS(t, "ListPersonOrdersFunctionRole", LOGS("ListPersonOrders"), "dynamodb:Scan OrdersTable.Arn",
                    "dynamodb:GetItem OrdersTable.Arn");
    TT_ASSERT_PERMS(t, "GetPersonOrderFunctionRole", LOGS("GetPersonOrder"), "dynamodb:GetItem OrdersTable.Arn");
    TT_ASSERT_PERMS(t, "ApproveOrderFunctionRole", LOGS("ApproveOrder"), "dynamodb:GetItem OrdersTable.Arn",
                    "dynamodb:PutItem OrdersTable.Arn");
    TT_ASSERT_PERMS(t, "CheckStockFunctionRole", LOGS("CheckStock"), "dynamodb:GetItem OrdersTable.Arn");
    TT_ASSERT_PERMS(t, "ShippingAddressFunctionRole", LOGS("ShippingAddress"));
    TT_ASSERT_PERMS(t, "OrderItemsFunctionRole", LOGS("OrderItems"), "dynamodb:GetItem OrdersTable.Arn");
    TT_ASSERT_PERMS(t, "ChargeCardFunctionRole", LOGS("ChargeCard"));
    TT_ASSERT_PERMS(t, "PrintLabelFunctionRole", LOGS("PrintLabel"));
    TT_ASSERT_PERMS(t, "NotifyFunctionRole", LOGS("Notify"));
    /* submit_payment awaits _fulfil: a nested execution, .sync:2 */
    TT_ASSERT_PERMS(t, "SubmitPaymentStateMachineRole", "states:StartExecution !Ref FulfilStateMachine",
                    "states:DescribeExecution !Sub " ARN ":states:${AWS::Region}:${AWS::AccountId}:execution:${FulfilStateMachine.Name}:*",
                    "states:StopExecution !Sub " ARN ":states:${AWS::Region}:${AWS::AccountId}:execution:${FulfilStateMachine.Name}:*",
                    "events:DescribeRule !Sub " ARN ":events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
                    "events:PutRule !Sub " ARN ":events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
                    "events:PutTargets !Sub " ARN ":events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule");
    TT_ASSERT_PERMS(t, "SubmitPaymentApiRole", "states:StartExecution !Ref SubmitPaymentStateMachine");
    TT_ASSERT_PERMS(t, "FulfilStateMachineRole", "lambda:InvokeFunction CheckStockFunction.Arn",
                    "lambda:InvokeFunction ShippingAddressFunction.Arn", "lambda:InvokeFunction ChargeCardFunction.Arn",
                    "lambda:InvokeFunction NotifyFunction.Arn", "lambda:InvokeFunction OrderItemsFunction.Arn",
                    "lambda:InvokeFunction PrintLabelFunction.Arn");
    /* the async route: a StartExecution integration with the API's own role */
    assert_string_equal(tt_prop(t, "SubmitPaymentIntegration", "IntegrationSubtype")->valuestring,
                        "StepFunctions-StartExecution");
    assert_string_equal(tt_prop(t, "SubmitPaymentRoute", "RouteKey")->valuestring, "POST /payments");
    char *s = tt_res_text(tt_prop(t, "SubmitPaymentIntegration", "CredentialsArn"));
    assert_string_equal(s, "SubmitPaymentApiRole.Arn");
    free(s);
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

static void test_chat_dev(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("chat.py", "dev", &svc, &parts);
    const char *manage =
        "execute-api:ManageConnections !Sub " ARN ":execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}/dev/POST/@connections/*";
    TT_ASSERT_PERMS(t, "OnConnectFunctionRole", LOGS("OnConnect"), "dynamodb:PutItem ConnectionsTable.Arn");
    TT_ASSERT_PERMS(t, "OnDisconnectFunctionRole", LOGS("OnDisconnect"), "dynamodb:DeleteItem ConnectionsTable.Arn");
    /* messages[str(len(messages))] = m; for other in connections: post_to_connection(...) */
    TT_ASSERT_PERMS(t, "OnMessageFunctionRole", LOGS("OnMessage"), "dynamodb:PutItem MessagesTable.Arn",
                    "dynamodb:Scan MessagesTable.Arn", "dynamodb:Scan ConnectionsTable.Arn", manage);
    TT_ASSERT_PERMS(t, "OnDefaultFunctionRole", LOGS("OnDefault"), manage);
    TT_ASSERT_PERMS(t, "ListMessagesFunctionRole", LOGS("ListMessages"), "dynamodb:Scan MessagesTable.Arn",
                    "dynamodb:GetItem MessagesTable.Arn");
    assert_string_equal(tt_prop(t, "WebSocketApi", "RouteSelectionExpression")->valuestring, "$request.body.action");
    assert_string_equal(tt_prop(t, "OnConnectWebSocketRoute", "RouteKey")->valuestring, "$connect");
    assert_string_equal(tt_prop(t, "OnMessageWebSocketRoute", "RouteKey")->valuestring, "message");
    assert_string_equal(tt_prop(t, "WebSocketStage", "StageName")->valuestring, "dev");
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* Nowhere a "*" action; "*" resources only for services without
 * resource-level permissions (X-Ray, log delivery) and in the key policy. */
static void test_no_wildcards(void **state)
{
    (void)state;
    const char *examples[] = {"people.py", "orders.py", "chat.py"};
    const char *modes[] = {"dev", "test", "stage", "prod"};
    for (size_t e = 0; e < 3; e++)
        for (size_t m = 0; m < 4; m++) {
            stc_service *svc;
            stc_template_parts parts;
            cJSON *t = tt_template(examples[e], modes[m], &svc, &parts);
            const cJSON *r;
            cJSON_ArrayForEach(r, cJSON_GetObjectItem(t, "Resources"))
            {
                if (strcmp(cJSON_GetObjectItem(r, "Type")->valuestring, "AWS::IAM::Role") != 0)
                    continue;
                char *perms = tt_role_perms(t, r->string);
                for (char *line = strtok(perms, "\n"); line; line = strtok(NULL, "\n")) {
                    size_t n = strlen(line);
                    if (n >= 2 && strcmp(line + n - 2, " *") == 0)
                        assert_true(!strncmp(line, "xray:", 5) || !strncmp(line, "logs:", 5));
                }
                free(perms);
            }
            cJSON_Delete(t);
            stc_template_parts_free(&parts);
            stc_service_free(svc);
        }
}

/* A policy that takes its resources and moves them into its document gives
 * the same document as one that copies them: repeated resources, several
 * resources in one statement, a condition (kept by the first grant). */
static void test_policy_take(void **state)
{
    (void)state;
    stc_iam_policy *copied = stc_iam_new(), *taken = stc_iam_new();
    cJSON *cond = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(cond, "StringEquals"), "aws:SourceAccount", "1");
    stc_iam_allow(copied, "Logs", "logs:PutLogEvents", cond, cond); /* any tree will do as a resource */
    stc_iam_allow(taken, "Logs", "logs:PutLogEvents", cond, cond);
    const char *const sids[] = {"Read", "Read", "Write", "Read", "Write"};
    const char *const actions[] = {"dynamodb:GetItem", "dynamodb:Scan", "dynamodb:PutItem", "dynamodb:GetItem",
                                   "dynamodb:PutItem"};
    const char *const tables[] = {"People", "People", "People", "Jobs", "People"};
    for (size_t i = 0; i < STC_ARRAY_LEN(sids); i++) {
        cJSON *arn = stc_template_getatt(tables[i], "Arn");
        stc_iam_allow(copied, sids[i], actions[i], arn, NULL);
        cJSON_Delete(arn);
        stc_iam_allow_take(taken, sids[i], actions[i], stc_template_getatt(tables[i], "Arn"));
    }
    cJSON *a = stc_iam_document(copied), *b = stc_iam_finish(taken);
    assert_true(cJSON_Compare(a, b, 1));
    char *text = cJSON_PrintUnformatted(b);
    assert_string_equal(text,
                        "{\"Version\":\"2012-10-17\",\"Statement\":["
                        "{\"Sid\":\"Logs\",\"Effect\":\"Allow\",\"Action\":\"logs:PutLogEvents\","
                        "\"Resource\":{\"StringEquals\":{\"aws:SourceAccount\":\"1\"}},"
                        "\"Condition\":{\"StringEquals\":{\"aws:SourceAccount\":\"1\"}}},"
                        "{\"Sid\":\"Read\",\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\",\"dynamodb:Scan\"],"
                        "\"Resource\":[{\"Fn::GetAtt\":[\"People\",\"Arn\"]},{\"Fn::GetAtt\":[\"Jobs\",\"Arn\"]}]},"
                        "{\"Sid\":\"Write\",\"Effect\":\"Allow\",\"Action\":\"dynamodb:PutItem\","
                        "\"Resource\":{\"Fn::GetAtt\":[\"People\",\"Arn\"]}}]}");
    free(text);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(cond);
    stc_iam_free(copied);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_people_dev), cmocka_unit_test(test_people_prod), cmocka_unit_test(test_orders_dev),
        cmocka_unit_test(test_chat_dev),   cmocka_unit_test(test_no_wildcards), cmocka_unit_test(test_policy_take),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    stc_py_finalize();
    return rc;
}
