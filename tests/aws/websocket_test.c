/* websocket_test.c - async WebSocket handlers (docs/template.md, "WebSocket
 * workflows"): the route starts the state machine through the WebSocket
 * API's Step Functions integration; the workflow answers through an internal
 * function that calls post_to_connection. examples/helpdesk.py and small
 * modules written here; the expected values are worked out from them. */
#include "template_test_util.h"

/* The integration's request template, written out by hand: the first two
 * parameters from the connection, then each message field the message has. */
static const char *const on_ask_request =
    "#set($message = $input.path('$'))\n"
    "{\"stateMachineArn\": \"${OnAskStateMachine}\", \"input\": \"{"
    "\\\"url\\\": \\\"https://$context.domainName/$context.stage\\\", "
    "\\\"connection_id\\\": \\\"$context.connectionId\\\""
    "#if($message.containsKey('question')), \\\"question\\\": "
    "$util.escapeJavaScript($input.json('$.question')).replaceAll(\"\\\\'\", \"'\")#end"
    "#if($message.containsKey('patience')), \\\"patience\\\": "
    "$util.escapeJavaScript($input.json('$.patience')).replaceAll(\"\\\\'\", \"'\")#end"
    "}\"}";

static void test_helpdesk(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("helpdesk.py", "dev", &svc, &parts);
    /* the route: key "ask", to the integration */
    assert_string_equal(tt_prop(t, "OnAskWebSocketRoute", "RouteKey")->valuestring, "ask");
    tt_assert_text(tt_prop(t, "OnAskWebSocketRoute", "ApiId"), "!Ref WebSocketApi");
    tt_assert_text(tt_prop(t, "OnAskWebSocketRoute", "Target"), "!Sub integrations/${OnAskWebSocketIntegration}");
    assert_string_equal(tt_prop(t, "OnAskWebSocketRoute", "AuthorizationType")->valuestring, "NONE");
    /* the integration: AWS service integration with Step Functions StartExecution */
    assert_string_equal(tt_prop(t, "OnAskWebSocketIntegration", "IntegrationType")->valuestring, "AWS");
    assert_string_equal(tt_prop(t, "OnAskWebSocketIntegration", "IntegrationMethod")->valuestring, "POST");
    tt_assert_text(tt_prop(t, "OnAskWebSocketIntegration", "IntegrationUri"),
                "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution");
    tt_assert_text(tt_prop(t, "OnAskWebSocketIntegration", "CredentialsArn"), "OnAskApiRole.Arn");
    assert_string_equal(tt_prop(t, "OnAskWebSocketIntegration", "TemplateSelectionExpression")->valuestring,
                        "\\$default");
    assert_string_equal(tt_prop(t, "OnAskWebSocketIntegration", "PassthroughBehavior")->valuestring, "NEVER");
    const cJSON *rt = tt_prop(t, "OnAskWebSocketIntegration", "RequestTemplates");
    assert_int_equal(cJSON_GetArraySize(rt), 1);
    char *want = stc_xasprintf("!Sub %s", on_ask_request);
    tt_assert_text(cJSON_GetObjectItem(rt, "$default"), want);
    free(want);
    /* its own role may start exactly this machine */
    TT_ASSERT_PERMS(t, "OnAskApiRole", "states:StartExecution !Ref OnAskStateMachine");
    /* the reply: _reply's role may post to the connections of this API's stage */
    TT_ASSERT_PERMS(
        t, "ReplyFunctionRole", "logs:CreateLogStream ReplyFunctionLogGroup.Arn",
        "logs:PutLogEvents ReplyFunctionLogGroup.Arn",
        "execute-api:ManageConnections !Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
        "${WebSocketApi}/dev/POST/@connections/*");
    /* the machine calls _lookup and _reply, nothing else */
    TT_ASSERT_PERMS(t, "OnAskStateMachineRole", "lambda:InvokeFunction LookupFunction.Arn",
                    "lambda:InvokeFunction ReplyFunction.Arn");
    /* the deployment waits for the route; no Lambda permission for a workflow */
    const cJSON *r, *dep = NULL;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(t, "Resources"))
    {
        if (strncmp(r->string, "WebSocketDeployment", 19) == 0)
            dep = r;
    }
    assert_non_null(dep);
    const cJSON *deps = cJSON_GetObjectItem(dep, "DependsOn");
    assert_int_equal(cJSON_GetArraySize(deps), 1);
    assert_string_equal(cJSON_GetArrayItem(deps, 0)->valuestring, "OnAskWebSocketRoute");
    assert_null(tt_res(t, "OnAskPermission"));
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* No STC556 any more; $connect takes its query parameters as text; a
 * Lambda handler and a workflow handler share the API. */
static void test_connect_and_mixed(void **state)
{
    (void)state;
    const char *src = "from stc_runtime import post_to_connection\n"
                      "class S:\n"
                      "    def _hello(self, url: str, connection_id: str, name: str) -> bool:\n"
                      "        return post_to_connection(url, connection_id, 'hello ' + name)\n"
                      "    async def on_connect(self, url: str, connection_id: str, name: str = 'you'):\n"
                      "        self._hello(url, connection_id, name)\n"
                      "    def on_message(self, url: str, connection_id: str, text: str) -> None:\n"
                      "        post_to_connection(url, connection_id, text)\n";
    stc_service *svc = tt_compile_text("ws.py", src);
    for (size_t i = 0; i < svc->diags.count; i++)
        assert_string_not_equal(svc->diags.items[i].code, "STC556");
    assert_false(stc_diags_has_errors(&svc->diags));
    stc_template_parts parts;
    cJSON *t = tt_text_template(svc, "prod", &parts);
    assert_string_equal(tt_prop(t, "OnConnectWebSocketRoute", "RouteKey")->valuestring, "$connect");
    const cJSON *rt = tt_prop(t, "OnConnectWebSocketIntegration", "RequestTemplates");
    tt_assert_text(cJSON_GetObjectItem(rt, "$default"),
                "!Sub {\"stateMachineArn\": \"${OnConnectStateMachine}\", \"input\": \"{"
                "\\\"url\\\": \\\"https://$context.domainName/$context.stage\\\", "
                "\\\"connection_id\\\": \\\"$context.connectionId\\\""
                "#if(\"$!input.params('name')\" != \"\"), \\\"name\\\": "
                "\\\"$util.escapeJavaScript($input.params('name')).replaceAll(\"\\\\'\", \"'\")\\\"#end"
                "}\"}");
    /* the Lambda handler keeps its proxy integration and permission */
    assert_string_equal(tt_prop(t, "OnMessageWebSocketIntegration", "IntegrationType")->valuestring, "AWS_PROXY");
    assert_non_null(tt_res(t, "OnMessagePermission"));
    /* the deployment depends on both routes, the stage is the mode */
    const cJSON *r, *dep = NULL;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(t, "Resources"))
    {
        if (strncmp(r->string, "WebSocketDeployment", 19) == 0)
            dep = r;
    }
    assert_non_null(dep);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(dep, "DependsOn")), 2);
    assert_string_equal(tt_prop(t, "WebSocketStage", "StageName")->valuestring, "prod");
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* An Express workflow behind a WebSocket route is started the same way
 * (StartExecution starts an Express machine asynchronously). */
static void test_express_ws(void **state)
{
    (void)state;
    const char *src = "class S:\n"
                      "    def _note(self, text: str) -> None:\n"
                      "        pass\n"
                      "    async def on_note(self, url: str, connection_id: str, text: str):\n"
                      "        self._note(text)\n";
    stc_service *svc = tt_compile_text("ws.py", src);
    stc_diags d = STC_DIAGS_INIT;
    const char *yaml = "defaults:\n  workflow_type: express\n";
    stc_config *c = stc_config_load(stc_aws_config_schema(), "dev", "ws.stc.yaml", yaml, strlen(yaml), svc->units,
                                    svc->nunits, &d);
    assert_non_null(c);
    stc_template_parts parts;
    memset(&parts, 0, sizeof parts);
    assert_int_equal(stc_template_spec(svc, &parts, &d), 0);
    cJSON *t = stc_template_build(parts.spec, c, &d);
    assert_non_null(t);
    assert_string_equal(tt_prop(t, "OnNoteStateMachine", "StateMachineType")->valuestring, "EXPRESS");
    tt_assert_text(tt_prop(t, "OnNoteWebSocketIntegration", "IntegrationUri"),
                "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartExecution");
    assert_null(tt_res(t, "SyncApi")); /* no HTTP route: no REST API */
    cJSON_Delete(t);
    stc_config_free(c);
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_helpdesk),
        cmocka_unit_test(test_connect_and_mixed),
        cmocka_unit_test(test_express_ws),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
