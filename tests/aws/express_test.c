/* express_test.c - Express workflows (docs/template.md, "Express
 * workflows"): the unit setting workflow_type resolved in every mode, what
 * an Express machine cannot do (STC560-STC562 at the Python line), and what
 * the template gives an Express machine and its route. Data:
 * tests/aws/data/express_quotes.py and express_limits.py with their
 * .stc.yaml files; the expected values are worked out from those files. */
#include "template_test_util.h"

#include "core/aws/express.h"
#include "core/openapi.h"

static stc_service *compile_data(const char *name, const char *mode)
{
    const char *data = getenv("STC_TEST_DATA");
    assert_non_null(data);
    char *path = stc_xasprintf("%s/aws/data/%s", data, name);
    stc_service_options opts = {.mode = mode};
    stc_service *svc = stc_service_compile_file(path, &opts);
    free(path);
    return svc;
}

static cJSON *quotes_template(const char *mode, stc_service **svc, stc_template_parts *parts)
{
    *svc = compile_data("express_quotes.py", mode);
    if (stc_diags_has_errors(&(*svc)->diags))
        stc_diags_print(&(*svc)->diags, stderr, NULL);
    assert_false(stc_diags_has_errors(&(*svc)->diags));
    stc_diags d = STC_DIAGS_INIT;
    bool io = false;
    cJSON *t = stc_template_generate(*svc, mode, NULL, parts, &d, &io);
    if (!t)
        stc_diags_print(&d, stderr, NULL);
    assert_non_null(t);
    stc_diags_free(&d);
    return t;
}

static void free_template(cJSON *t, stc_service *svc, stc_template_parts *parts)
{
    cJSON_Delete(t);
    stc_template_parts_free(parts);
    stc_service_free(svc);
}

/* ---- workflow_type: a workflow setting, resolved in every mode ---------------- */

static const char *const two_units = "class S:\n"
                                     "    def _fn(self) -> int:\n"
                                     "        return 1\n"
                                     "    async def _wf(self):\n"
                                     "        return 2\n";

static stc_config *load(const stc_service *svc, const char *mode, const char *yaml, stc_diags *d)
{
    return stc_config_load(stc_aws_config_schema(), mode, "svc.stc.yaml", yaml, strlen(yaml), svc->units, svc->nunits,
                           d);
}

static void test_setting_scope(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", two_units);
    stc_diags d = STC_DIAGS_INIT;
    /* on a Lambda function: STC525 at the key (line 3, column 5) */
    stc_config *c = load(svc, "dev", "functions:\n  _fn:\n    workflow_type: express\n", &d);
    assert_null(c);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC525");
    assert_int_equal(d.items[0].line, 3);
    assert_int_equal(d.items[0].col, 5);
    assert_string_equal(d.items[0].message,
                        "'workflow_type' applies to workflows (state machines), and '_fn' is a Lambda function");
    stc_diags_free(&d);
    /* not one of the two words: STC522 */
    d = (stc_diags)STC_DIAGS_INIT;
    c = load(svc, "dev", "defaults:\n  workflow_type: fast\n", &d);
    assert_null(c);
    assert_string_equal(d.items[0].code, "STC522");
    assert_string_equal(d.items[0].message, "'workflow_type' must be one of standard, express, not 'fast'");
    stc_diags_free(&d);
    /* no file: standard everywhere */
    d = (stc_diags)STC_DIAGS_INIT;
    c = load(svc, "prod", "", &d);
    assert_non_null(c);
    for (size_t m = 0; m < 4; m++)
        assert_false(stc_express_in_mode(c, "_wf", m));
    stc_config_free(c);
    stc_diags_free(&d);
    stc_service_free(svc);
}

/* The precedence of docs/config.md, for modes other than the loaded one
 * (dev = 0, test = 1, stage = 2, prod = 3). The service level: defaults
 * express, modes.test and modes.prod standard -> express, standard,
 * express, standard. The unit _wf: functions._wf express beats every
 * modes.<mode> of the service (express in dev, test, prod), and its own
 * modes.stage standard beats that (standard in stage). */
static void test_every_mode(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", two_units);
    const char *yaml = "defaults:\n  workflow_type: express\n"
                       "modes:\n  test:\n    workflow_type: standard\n  prod:\n    workflow_type: standard\n"
                       "functions:\n  _wf:\n    workflow_type: express\n"
                       "    modes:\n      stage:\n        workflow_type: standard\n";
    const bool want[4] = {true, true, false, true};
    const char *const service[4] = {"express", "standard", "express", "standard"};
    for (size_t loaded = 0; loaded < 4; loaded++) {
        stc_diags d = STC_DIAGS_INIT;
        const char *modes[] = {"dev", "test", "stage", "prod"};
        stc_config *c = load(svc, modes[loaded], yaml, &d);
        assert_non_null(c);
        for (size_t m = 0; m < 4; m++)
            assert_int_equal(stc_express_in_mode(c, "_wf", m), want[m]);
        assert_int_equal(stc_express(c, "_wf"), want[loaded]);
        for (size_t m = 0; m < 4; m++)
            assert_string_equal(stc_config_get_mode(c, NULL, STC_SET_WORKFLOW_TYPE, m)->s, service[m]);
        stc_config_free(c);
        stc_diags_free(&d);
    }
    stc_service_free(svc);
}

/* ---- what an Express machine cannot do ------------------------------------------ */

typedef struct want_diag {
    const char *code;
    int line, col;
    const char *message;
} want_diag;

static void test_limits(void **state)
{
    (void)state;
    stc_service *svc = compile_data("express_limits.py", "dev");
    /* Lines and columns counted in express_limits.py: `await sleep(600)` is
     * line 11, the call starting at column 15 (8 spaces, "await "); the
     * sleeps of _adds_up are 200, 50 (in an if) and 100: every run sleeps
     * 200 + 100 = 300 s, reached at the third (line 18); _short (100, and 199
     * in an if) stays under 300 and is accepted; the forever loop runs 500
     * rounds of 60 s = 30000 s. */
    const want_diag want[] = {
        {"STC560", 11, 15,
         "'_long' is an Express workflow in every mode: this sleep of 600 s reaches the 5-minute limit of an "
         "Express execution (it would fail with States.Timeout)"},
        {"STC560", 18, 15,
         "'_adds_up' is an Express workflow in every mode: every run sleeps at least 300 s in all, and here it "
         "reaches the 5-minute limit of an Express execution"},
        {"STC560", 23, 19,
         "'_one_branch' is an Express workflow in every mode: this sleep of 400 s reaches the 5-minute limit of an "
         "Express execution (it would fail with States.Timeout)"},
        {"STC561", 33, 19,
         "'_nested' is an Express workflow in every mode, and Express workflows cannot wait for a nested workflow: "
         "awaiting '_short' is a .sync call (states:startExecution.sync:2)"},
        {"STC562", 37, 9,
         "'_forever' is an Express workflow in every mode: this loop runs forever, and one execution runs up to 500 "
         "rounds of at least 60 s (30000 s) before it continues as new, past the 5-minute limit of an Express "
         "execution"},
    };
    size_t n = 0;
    for (size_t i = 0; i < svc->diags.count; i++) {
        const stc_diag *dg = &svc->diags.items[i];
        if (strncmp(dg->code, "STC56", 5) != 0)
            continue;
        assert_true(n < STC_ARRAY_LEN(want));
        assert_string_equal(dg->code, want[n].code);
        assert_int_equal(dg->line, want[n].line);
        assert_int_equal(dg->col, want[n].col);
        assert_string_equal(dg->message, want[n].message);
        assert_int_equal(dg->severity, STC_SEV_ERROR);
        n++;
    }
    assert_int_equal(n, STC_ARRAY_LEN(want));
    /* The same module with every workflow Standard compiles clean. */
    stc_service_options opts = {.mode = "dev", .config_path = NULL};
    const char *data = getenv("STC_TEST_DATA");
    char *path = stc_xasprintf("%s/aws/data/express_limits.py", data);
    char *text = NULL, *err = NULL;
    size_t len = 0;
    assert_int_equal(stc_file_read(path, &text, &len, &err), 0);
    stc_service *standard = stc_service_compile_source("elsewhere/express_limits.py", text, len, &opts);
    assert_false(stc_diags_has_errors(&standard->diags));
    stc_service_free(standard);
    free(text);
    free(path);
    stc_service_free(svc);
}

/* Express only in prod: the message names the mode, whatever mode is loaded. */
static void test_limits_name_the_modes(void **state)
{
    (void)state;
    const char *src = "from asyncio import sleep\n"
                      "class S:\n"
                      "    async def _wait(self):\n"
                      "        await sleep(300)\n";
    stc_service *svc = tt_compile_text("svc.py", src);
    stc_diags d = STC_DIAGS_INIT;
    const char *yaml = "functions:\n  _wait:\n    modes:\n      stage: {workflow_type: express}\n"
                       "      prod: {workflow_type: express}\n";
    stc_config *c = load(svc, "dev", yaml, &d);
    assert_non_null(c);
    assert_false(stc_express_check(svc, c, &d));
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].code, "STC560");
    assert_int_equal(d.items[0].line, 4);
    assert_int_equal(d.items[0].col, 15);
    assert_string_equal(d.items[0].message,
                        "'_wait' is an Express workflow in modes stage and prod: this sleep of 300 s reaches the "
                        "5-minute limit of an Express execution (it would fail with States.Timeout)");
    stc_config_free(c);
    stc_diags_free(&d);
    stc_service_free(svc);
}

/* ---- the template ------------------------------------------------------------------ */

/* The response mapping, written out by hand from docs/template.md. */
static const char *const create_quote_response =
    "#set($status = $input.path('$.status'))\n"
    "#if($status == 'SUCCEEDED')\n"
    "$input.path('$.output')\n"
    "#else\n"
    "#set($error = \"$!input.path('$.error')\")\n"
    "#set($cause = \"$!input.path('$.cause')\")\n"
    "#if($status == 'TIMED_OUT')\n"
    "#set($context.responseOverride.status = 504)\n"
    "{\"error\": \"Timeout\", \"message\": \"create_quote ran past the 5-minute limit of an Express execution\"}\n"
    "#elseif($error == 'QuoteRefused')\n"
    "#set($context.responseOverride.status = 400)\n"
    "{\"error\": \"$util.escapeJavaScript($error).replaceAll(\"\\\\'\", \"'\")\", "
    "\"message\": \"$util.escapeJavaScript($cause).replaceAll(\"\\\\'\", \"'\")\"}\n"
    "#elseif($error == 'KeyError')\n"
    "#set($context.responseOverride.status = 404)\n"
    "{\"error\": \"NotFound\", \"message\": \"$util.escapeJavaScript($cause).replaceAll(\"\\\\'\", \"'\")\"}\n"
    "#else\n"
    "#set($context.responseOverride.status = 500)\n"
    "{\"error\": \"InternalServerError\", \"message\": \"create_quote failed; see the state machine's log\"}\n"
    "#end\n"
    "#end\n";

static void test_template_dev(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = quotes_template("dev", &svc, &parts);
    assert_string_equal(tt_prop(t, "CreateQuoteStateMachine", "StateMachineType")->valuestring, "EXPRESS");
    assert_string_equal(tt_prop(t, "AuditStateMachine", "StateMachineType")->valuestring, "STANDARD");
    /* dev's built-in OFF becomes ERROR for an Express machine, not for a Standard one */
    const cJSON *lc = tt_prop(t, "CreateQuoteStateMachine", "LoggingConfiguration");
    assert_string_equal(cJSON_GetObjectItem(lc, "Level")->valuestring, "ERROR");
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(lc, "IncludeExecutionData")));
    assert_non_null(tt_res(t, "CreateQuoteStateMachineLogGroup"));
    assert_null(tt_prop(t, "AuditStateMachine", "LoggingConfiguration"));
    assert_null(tt_res(t, "CreateQuoteExecutionsTimedOutAlarm")); /* alarms are off in dev */
    /* the REST API answers the route synchronously */
    assert_string_equal(cJSON_GetObjectItem(tt_res(t, "SyncApi"), "Type")->valuestring, "AWS::ApiGateway::RestApi");
    assert_string_equal(tt_prop(t, "SyncApiQuotes", "PathPart")->valuestring, "quotes");
    tt_assert_text(tt_prop(t, "SyncApiQuotes", "ParentId"), "SyncApi.RootResourceId");
    assert_string_equal(tt_prop(t, "CreateQuoteSyncMethod", "HttpMethod")->valuestring, "POST");
    tt_assert_text(tt_prop(t, "CreateQuoteSyncMethod", "ResourceId"), "!Ref SyncApiQuotes");
    const cJSON *in = tt_prop(t, "CreateQuoteSyncMethod", "Integration");
    assert_string_equal(cJSON_GetObjectItem(in, "Type")->valuestring, "AWS");
    assert_string_equal(cJSON_GetObjectItem(in, "IntegrationHttpMethod")->valuestring, "POST");
    tt_assert_text(cJSON_GetObjectItem(in, "Uri"),
                "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:states:action/StartSyncExecution");
    tt_assert_text(cJSON_GetObjectItem(in, "Credentials"), "CreateQuoteApiRole.Arn");
    tt_assert_text(cJSON_GetObjectItem(cJSON_GetObjectItem(in, "RequestTemplates"), "application/json"),
                "!Sub {\"stateMachineArn\": \"${CreateQuoteStateMachine}\", \"input\": "
                "\"$util.escapeJavaScript($input.json('$')).replaceAll(\"\\\\'\", \"'\")\"}");
    const cJSON *ir = cJSON_GetArrayItem(cJSON_GetObjectItem(in, "IntegrationResponses"), 0);
    assert_string_equal(cJSON_GetObjectItem(ir, "StatusCode")->valuestring, "200");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(ir, "ResponseTemplates"), "application/json")->valuestring,
                        create_quote_response);
    assert_int_equal(cJSON_GetArraySize(tt_prop(t, "CreateQuoteSyncMethod", "MethodResponses")), 5);
    TT_ASSERT_PERMS(t, "CreateQuoteApiRole", "states:StartSyncExecution !Ref CreateQuoteStateMachine");
    /* the HTTP API route forwards to the REST API's stage */
    assert_string_equal(tt_prop(t, "CreateQuoteRoute", "RouteKey")->valuestring, "POST /quotes");
    assert_string_equal(tt_prop(t, "CreateQuoteIntegration", "IntegrationType")->valuestring, "HTTP_PROXY");
    assert_string_equal(tt_prop(t, "CreateQuoteIntegration", "IntegrationMethod")->valuestring, "POST");
    tt_assert_text(tt_prop(t, "CreateQuoteIntegration", "IntegrationUri"),
                "!Sub https://${SyncApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}/dev/quotes");
    assert_string_equal(tt_prop(t, "SyncApiStage", "StageName")->valuestring, "dev");
    free_template(t, svc, &parts);
}

/* The deployment's id follows its methods; it depends on every one. */
static void test_template_dev_deployment(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = quotes_template("dev", &svc, &parts);
    const cJSON *r, *dep = NULL;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(t, "Resources"))
    {
        if (strncmp(r->string, "SyncApiDeployment", 17) == 0)
            dep = r;
    }
    assert_non_null(dep);
    assert_int_equal(strlen(dep->string), 17 + 8);
    const cJSON *deps = cJSON_GetObjectItem(dep, "DependsOn");
    assert_int_equal(cJSON_GetArraySize(deps), 1);
    assert_string_equal(cJSON_GetArrayItem(deps, 0)->valuestring, "CreateQuoteSyncMethod");
    char *want = stc_xasprintf("!Ref %s", dep->string);
    tt_assert_text(tt_prop(t, "SyncApiStage", "DeploymentId"), want);
    free(want);
    /* a Standard service has none of it */
    stc_service *people;
    stc_template_parts pp;
    cJSON *tp = tt_template("people.py", "dev", &people, &pp);
    assert_null(tt_res(tp, "SyncApi"));
    assert_string_equal(tt_prop(tp, "OnboardStateMachine", "StateMachineType")->valuestring, "STANDARD");
    free_template(tp, people, &pp);
    free_template(t, svc, &parts);
}

static void test_template_prod(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = quotes_template("prod", &svc, &parts);
    assert_string_equal(tt_prop(t, "AuditStateMachine", "StateMachineType")->valuestring, "EXPRESS");
    assert_string_equal(tt_prop(t, "CreateQuoteExecutionsTimedOutAlarm", "MetricName")->valuestring,
                        "ExecutionsTimedOut");
    assert_string_equal(tt_prop(t, "AuditExecutionsTimedOutAlarm", "MetricName")->valuestring, "ExecutionsTimedOut");
    assert_null(tt_res(t, "ReportExecutionsTimedOutAlarm")); /* _report stays Standard */
    /* prod's routes are authorized (auth: iam): the Express route goes through its starter, which waits for
     * the execution with exactly StartSyncExecution on its machine; no REST API (its methods would be public) */
    assert_null(tt_res(t, "SyncApi"));
    assert_null(tt_res(t, "SyncApiStage"));
    assert_string_equal(tt_prop(t, "CreateQuoteRoute", "AuthorizationType")->valuestring, "AWS_IAM");
    const cJSON *uri = tt_prop(t, "CreateQuoteIntegration", "IntegrationUri");
    assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(uri, "Fn::GetAtt"), 0)->valuestring,
                        "CreateQuoteStarterFunction");
    const cJSON *env = cJSON_GetObjectItem(tt_prop(t, "CreateQuoteStarterFunction", "Environment"), "Variables");
    assert_string_equal(cJSON_GetObjectItem(env, "STC_START")->valuestring, "express");
    assert_int_equal(tt_prop(t, "CreateQuoteStarterFunction", "Timeout")->valueint, 30);
    TT_ASSERT_PERMS(
        t, "CreateQuoteStarterFunctionRole",
        "logs:CreateLogStream CreateQuoteStarterFunctionLogGroup.Arn",
        "logs:PutLogEvents CreateQuoteStarterFunctionLogGroup.Arn",
        "states:StartSyncExecution !Ref CreateQuoteStateMachine", "xray:PutTelemetryRecords *",
        "xray:PutTraceSegments *");
    /* the Standard _report awaits the Express _audit: its executions are express:... */
    TT_ASSERT_PERMS(
        t, "ReportStateMachineRole", "states:StartExecution !Ref AuditStateMachine",
        "states:DescribeExecution !Sub arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:express:${AuditStateMachine.Name}:*",
        "states:StopExecution !Sub arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:express:${AuditStateMachine.Name}:*",
        "events:DescribeRule !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
        "events:PutRule !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
        "events:PutTargets !Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule",
        "logs:CreateLogDelivery *", "logs:DeleteLogDelivery *", "logs:DescribeLogGroups *",
        "logs:DescribeResourcePolicies *", "logs:GetLogDelivery *", "logs:ListLogDeliveries *",
        "logs:PutResourcePolicy *", "logs:UpdateLogDelivery *", "xray:GetSamplingRules *",
        "xray:GetSamplingTargets *", "xray:PutTelemetryRecords *", "xray:PutTraceSegments *");
    free_template(t, svc, &parts);
}

/* An OFF the file sets is kept, even for an Express machine. */
static void test_explicit_off(void **state)
{
    (void)state;
    const char *src = "class S:\n    async def _wf(self):\n        return 1\n";
    stc_service *svc = tt_compile_text("svc.py", src);
    stc_diags d = STC_DIAGS_INIT;
    stc_template_parts parts;
    memset(&parts, 0, sizeof parts);
    assert_int_equal(stc_template_spec(svc, &parts, &d), 0);
    const char *yaml = "functions:\n  _wf:\n    workflow_type: express\n    workflow_log_level: OFF\n";
    stc_config *c = load(svc, "dev", yaml, &d);
    assert_non_null(c);
    cJSON *t = stc_template_build(parts.spec, c, &d);
    assert_non_null(t);
    assert_string_equal(tt_prop(t, "WfStateMachine", "StateMachineType")->valuestring, "EXPRESS");
    assert_null(tt_prop(t, "WfStateMachine", "LoggingConfiguration"));
    assert_null(tt_res(t, "WfStateMachineLogGroup"));
    /* it calls nothing: its one statement names its own Express executions */
    TT_ASSERT_PERMS(t, "WfStateMachineRole",
                    "states:DescribeExecution !Sub arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
                    "express:${AWS::StackName}-Wf:*");
    cJSON_Delete(t);
    stc_config_free(c);
    stc_template_parts_free(&parts);
    stc_diags_free(&d);
    stc_service_free(svc);
}

/* diff dev -> prod: the type switch of _audit is a changed property. */
static void test_diff_switches_type(void **state)
{
    (void)state;
    stc_service *sa, *sb;
    stc_template_parts pa, pb;
    cJSON *a = quotes_template("dev", &sa, &pa);
    cJSON *b = quotes_template("prod", &sb, &pb);
    cJSON *diff = stc_template_diff(a, b);
    const cJSON *sec, *e, *found = NULL;
    cJSON_ArrayForEach(sec, cJSON_GetObjectItem(diff, "sections"))
    {
        if (strcmp(cJSON_GetObjectItem(sec, "section")->valuestring, "Resources") != 0)
            continue;
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(sec, "changed"))
        {
            if (strcmp(cJSON_GetObjectItem(e, "name")->valuestring, "AuditStateMachine") != 0)
                continue;
            const cJSON *c;
            cJSON_ArrayForEach(c, cJSON_GetObjectItem(e, "changes"))
            {
                if (strcmp(cJSON_GetObjectItem(c, "path")->valuestring, "Properties.StateMachineType") == 0)
                    found = c;
            }
        }
    }
    assert_non_null(found);
    assert_string_equal(cJSON_GetObjectItem(found, "op")->valuestring, "changed");
    assert_string_equal(cJSON_GetObjectItem(found, "from")->valuestring, "STANDARD");
    assert_string_equal(cJSON_GetObjectItem(found, "to")->valuestring, "EXPRESS");
    cJSON_Delete(diff);
    free_template(a, sa, &pa);
    free_template(b, sb, &pb);
}

/* The OpenAPI document: an Express route answers 200 with the return value
 * and the four error documents; a Standard one 202. */
static void test_openapi(void **state)
{
    (void)state;
    stc_service *svc = compile_data("express_quotes.py", "dev");
    const char **sync = stc_express_units(svc, svc->config);
    assert_non_null(sync[0]);
    assert_string_equal(sync[0], "create_quote");
    assert_null(sync[1]); /* _audit is Express in prod only */
    cJSON *doc = stc_openapi_build(svc, sync);
    const cJSON *resp = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "paths"), "/quotes"), "post"), "responses");
    const char *codes[] = {"200", "400", "404", "500", "504"};
    const cJSON *c = resp->child;
    for (size_t i = 0; i < STC_ARRAY_LEN(codes); i++, c = c->next) {
        assert_non_null(c);
        assert_string_equal(c->string, codes[i]);
    }
    assert_null(c);
    const cJSON *schema = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(resp, "200"), "content"), "application/json"),
        "schema");
    assert_string_equal(cJSON_GetObjectItem(schema, "type")->valuestring, "object"); /* -> dict */
    cJSON_Delete(doc);
    doc = stc_openapi_build(svc, NULL);
    resp = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "paths"), "/quotes"), "post"), "responses");
    assert_string_equal(resp->child->string, "202");
    assert_null(resp->child->next);
    cJSON_Delete(doc);
    free(sync);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setting_scope),
        cmocka_unit_test(test_every_mode),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_limits_name_the_modes),
        cmocka_unit_test(test_template_dev),
        cmocka_unit_test(test_template_dev_deployment),
        cmocka_unit_test(test_template_prod),
        cmocka_unit_test(test_explicit_off),
        cmocka_unit_test(test_diff_switches_type),
        cmocka_unit_test(test_openapi),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
