/* bindings_test.c - services written the way the design's authors write
 * theirs (docs/template.md, "Bindings"): __init__ parameters that name
 * resources bound with Mapping.get_mapping, MutableMapping.get_mapping and
 * Channel.get_channel, jdict parameters; the bindings: section of the
 * configuration; and least privilege following the bindings. Expected values
 * are worked out from the modules below and examples/transactions.py. */
#include "template_test_util.h"

#include "core/aws/iam.h"
#include "core/bindings.h"
#include "core/resources.h"

static const stc_diag *find(const stc_service *svc, const char *code, int nth)
{
    for (size_t i = 0; i < svc->diags.count; i++)
        if (!strcmp(svc->diags.items[i].code, code) && nth-- == 0)
            return &svc->diags.items[i];
    return NULL;
}

static size_t count(const stc_service *svc, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < svc->diags.count; i++)
        n += !strcmp(svc->diags.items[i].code, code);
    return n;
}

#define B(x) (1u << STC_OP_##x)

static const char *const src_bound =
    "from caios.abc.mapping import Mapping\n"
    "from caios.abc.mutable_mapping import MutableMapping\n"
    "from caios.protocol.channel import Channel\n"
    "from jdict import jdict\n"
    "\n"
    "class S:\n"
    "    def __init__(self, rules: str, store: str, mail: jdict = {\"sender\": \"a@b.c\"},\n"
    "                 limits: jdict = jdict(max=3, names=[\"x\"]), region: str = \"eu\"):\n"
    "        self._rules = Mapping.get_mapping(rules)\n"
    "        self._store = MutableMapping.get_mapping(store)\n"
    "        self._mail = Channel.get_channel(mail)\n"
    "        self.region = region\n"
    "\n"
    "    def _read(self, k: str) -> dict:\n"
    "        return self._rules[k]\n"
    "\n"
    "    def _copy(self, k: str) -> None:\n"
    "        self._store[k] = self._rules.get(k)\n"
    "\n"
    "    def _drop(self, k: str) -> None:\n"
    "        del self._store[k]\n"
    "\n"
    "    def _send(self, text: str) -> str:\n"
    "        return self._mail.send(text)\n";

static void test_analysis(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", src_bound);
    if (stc_diags_has_errors(&svc->diags))
        stc_diags_print(&svc->diags, stderr, NULL);
    assert_false(stc_diags_has_errors(&svc->diags));
    const stc_resources *r = svc->resources;
    /* three bindings, in __init__ order */
    assert_int_equal(r->nresources, 3);
    assert_string_equal(r->resources[0].attr, "_rules");
    assert_int_equal(r->resources[0].kind, STC_RES_STORE);
    assert_int_equal(r->resources[0].binding, STC_BIND_MAPPING);
    assert_string_equal(r->resources[0].param, "rules");
    assert_string_equal(r->resources[0].logical, "RulesStore");
    assert_int_equal(r->resources[1].binding, STC_BIND_MUTABLE_MAPPING);
    assert_string_equal(r->resources[1].logical, "StoreStore");
    assert_int_equal(r->resources[2].kind, STC_RES_TOPIC);
    assert_int_equal(r->resources[2].binding, STC_BIND_CHANNEL);
    assert_string_equal(r->resources[2].logical, "MailTopic");
    assert_string_equal(stc_binding_interface(STC_BIND_CHANNEL), "Channel");
    /* the parameters: three bindings (no template parameters), a jdict, a str */
    assert_int_equal(r->nparams, 5);
    assert_int_equal(r->params[0].type, STC_PARAM_BINDING);
    assert_int_equal(r->params[0].resource, 0);
    assert_int_equal(r->params[1].type, STC_PARAM_BINDING);
    assert_int_equal(r->params[1].resource, 1);
    assert_int_equal(r->params[2].type, STC_PARAM_BINDING);
    assert_int_equal(r->params[2].resource, 2);
    assert_string_equal(r->params[2].default_value, "{\"sender\":\"a@b.c\"}"); /* the channel's configuration */
    assert_int_equal(r->params[3].type, STC_PARAM_JSON);
    assert_string_equal(r->params[3].default_value, "{\"max\":3,\"names\":[\"x\"]}");
    assert_int_equal(r->params[4].type, STC_PARAM_STRING);
    assert_int_equal(r->params[4].resource, -1);
    /* operations, as on a table; the channel sends */
    assert_int_equal(tt_ops_of(svc, "_read", "_rules"), B(GET));
    assert_int_equal(tt_ops_of(svc, "_copy", "_rules"), B(GET));
    assert_int_equal(tt_ops_of(svc, "_copy", "_store"), B(PUT));
    assert_int_equal(tt_ops_of(svc, "_drop", "_store"), B(DELETE));
    assert_int_equal(tt_ops_of(svc, "_send", "_mail"), B(SEND));
    stc_service_free(svc);
}

/* The mistakes, each at its line and column. */
static void test_mistakes(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", "from caios.abc.mapping import Mapping\n"
                               "from caios.abc.mutable_mapping import MutableMapping\n"
                               "from caios.protocol.channel import Channel\n"
                               "class S:\n"
                               "    def __init__(self, a: str, b: int, c: str):\n"   /* 5: b at col 32 */
                               "        self._a = Mapping.get_mapping(a)\n"
                               "        self._b = MutableMapping.get_mapping(b)\n"
                               "        self._k = Mapping.get_mapping(\"fixed\")\n"   /* 8: col 39 */
                               "        self._a2 = MutableMapping.get_mapping(a)\n" /* 9: a twice, col 47 */
                               "        self._c = Channel.get_channel(c)\n"
                               "    def _write(self, k: str) -> None:\n"
                               "        self._a[k] = 1\n"                          /* 12: col 9 */
                               "    def _pop(self, k: str) -> None:\n"
                               "        self._a.pop(k)\n"                          /* 14: col 9 */
                               "    def _publish(self, m: str) -> None:\n"
                               "        self._c.publish(m)\n"                      /* 16: col 9 */
                               "    def _loop(self) -> int:\n"
                               "        return len(self._c)\n");                   /* 18: col 20 */
    const stc_diag *dg = find(svc, "STC515", 0);
    assert_non_null(dg);
    assert_int_equal(dg->line, 5);
    assert_int_equal(dg->col, 32);
    assert_string_equal(dg->message,
                        "parameter 'b' names a store (MutableMapping.get_mapping), so it must be a str, not int");
    dg = find(svc, "STC512", 0);
    assert_non_null(dg);
    assert_int_equal(dg->line, 8);
    assert_int_equal(dg->col, 39);
    assert_string_equal(dg->message, "Mapping.get_mapping takes one __init__ parameter, whose value names the store: "
                                     "the deployment sets it");
    dg = find(svc, "STC514", 0);
    assert_non_null(dg);
    assert_int_equal(dg->line, 9);
    assert_int_equal(dg->col, 47);
    assert_string_equal(dg->message, "parameter 'a' already names self._a (line 6): one parameter, one resource");
    /* a read-only Mapping: writes refused at the write, as a pop */
    assert_int_equal(count(svc, "STC513"), 2);
    dg = find(svc, "STC513", 0);
    assert_int_equal(dg->line, 12);
    assert_int_equal(dg->col, 9);
    assert_string_equal(dg->message, "'_write' writes to '_a', a read-only Mapping (Mapping.get_mapping at line 6)");
    assert_string_equal(dg->hint, "bind it with MutableMapping.get_mapping(a) to write to it");
    dg = find(svc, "STC513", 1);
    assert_int_equal(dg->line, 14);
    /* the pop still reads: GET, never DELETE */
    assert_int_equal(tt_ops_of(svc, "_pop", "_a"), B(GET));
    assert_int_equal(tt_ops_of(svc, "_write", "_a"), 0);
    /* a channel sends, nothing else */
    dg = find(svc, "STC505", 0);
    assert_non_null(dg);
    assert_int_equal(dg->line, 16);
    assert_string_equal(dg->message, "the method 'publish' is not supported on the channel '_c'");
    assert_string_equal(dg->hint, "a channel supports send(message)");
    dg = find(svc, "STC505", 1);
    assert_non_null(dg);
    assert_int_equal(dg->line, 18);
    assert_int_equal(dg->col, 20);
    stc_service_free(svc);
    /* a jdict default that is not an object */
    svc = tt_compile_text("svc.py", "class S:\n"
                  "    def __init__(self, conf: jdict = [1, 2]):\n"
                  "        self.conf = conf\n");
    dg = find(svc, "STC516", 0);
    assert_non_null(dg);
    assert_int_equal(dg->line, 2);
    assert_int_equal(dg->col, 38);
    assert_string_equal(dg->message, "the default of parameter 'conf' ([1, 2]) is not a JSON object literal");
    stc_service_free(svc);
}

/* ---- the configuration: bindings: ---------------------------------------------- */

static stc_config *load(const stc_service *svc, const char *mode, const char *yaml, stc_diags *d)
{
    stc_config *c = stc_config_load(stc_aws_config_schema(), mode, "svc.stc.yaml", yaml, strlen(yaml), svc->units,
                                    svc->nunits, d);
    if (c && c->bindings && !stc_bindings_check(c->bindings, svc->resources, d)) {
        stc_config_free(c);
        return NULL;
    }
    return c;
}

static void test_config(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", src_bound);
    stc_diags d = STC_DIAGS_INIT;
    /* every mode, then one mode overriding it */
    stc_config *c = load(svc, "dev",
                         "bindings:\n"
                         "  store:\n"
                         "    store: bucket\n"
                         "    modes:\n"
                         "      prod: {existing: team-bucket/tx}\n"
                         "  mail:\n"
                         "    existing: arn:aws:sns:eu-west-1:123456789012:alerts\n"
                         "    value: {sender: ops@example.com, copies: 2}\n"
                         "  limits:\n"
                         "    modes:\n"
                         "      prod:\n"
                         "        value: {max: 10}\n",
                         &d);
    if (!c)
        stc_diags_print(&d, stderr, NULL);
    assert_non_null(c);
    const stc_binding_cfg *b = stc_bindings_find(c->bindings, "store");
    assert_non_null(b);
    assert_int_equal(b->modes[0].store, STC_STORE_BUCKET);
    assert_null(b->modes[0].existing);
    assert_int_equal(b->modes[3].store, STC_STORE_BUCKET);
    assert_string_equal(b->modes[3].existing, "team-bucket/tx");
    b = stc_bindings_find(c->bindings, "mail");
    char *v = cJSON_PrintUnformatted(b->modes[1].value);
    assert_string_equal(v, "{\"sender\":\"ops@example.com\",\"copies\":2}");
    free(v);
    b = stc_bindings_find(c->bindings, "limits");
    assert_null(b->modes[0].value);
    v = cJSON_PrintUnformatted(b->modes[3].value);
    assert_string_equal(v, "{\"max\":10}");
    free(v);
    stc_config_free(c);
    stc_diags_free(&d);

    /* the mistakes */
    const struct {
        const char *yaml, *code, *message;
        int line, col;
    } bad[] = {
        {"bindings:\n  nope: {store: table}\n", "STC524", "the service has no __init__ parameter 'nope'", 2, 3},
        {"bindings:\n  region: {store: table}\n", "STC524",
         "'region' is a plain parameter of __init__: it names no resource and is no jdict (only secret: or ssm: may "
         "keep a str parameter)",
         2, 3},
        {"bindings:\n  store: {store: disk}\n", "STC522", "'store' in 'bindings.store' must be table or bucket, not 'disk'",
         2, 18},
        {"bindings:\n  store: {stor: table}\n", "STC521", "unknown setting 'stor' in 'bindings.store'", 2, 11},
        {"bindings:\n  mail: {store: table}\n", "STC522",
         "'store' applies to a Mapping or MutableMapping binding, and 'mail' names a channel", 2, 17},
        {"bindings:\n  mail: {existing: alerts}\n", "STC522",
         "'existing' of 'mail' is 'alerts', not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)", 2, 20},
        {"bindings:\n  store: {existing: Bad_Bucket, store: bucket}\n", "STC522",
         "'existing' of 'store' is 'Bad_Bucket', not an S3 bucket name (3 to 63 of a-z 0-9 . -), optionally with /prefix",
         2, 21},
        {"bindings:\n  rules: {value: {a: 1}}\n", "STC522",
         "'value' applies to a jdict parameter or a channel's configuration, and 'rules' names a store", 2, 18},
        {"bindings:\n  limits: {existing: x}\n", "STC522", "'existing' applies to a binding, and 'limits' is a jdict", 2,
         22},
        {"bindings:\n  limits:\n    modes: {live: {value: {}}}\n", "STC523",
         "unknown mode 'live' in 'bindings.limits.modes'", 3, 13},
        {"bindings:\n  limits: {value: [1]}\n", "STC522",
         "'value' in 'bindings.limits' must be a mapping (a JSON object), not a list", 2, 19},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(bad); i++) {
        d = (stc_diags)STC_DIAGS_INIT;
        c = load(svc, "dev", bad[i].yaml, &d);
        assert_null(c);
        assert_true(d.count >= 1);
        if (strcmp(d.items[0].code, bad[i].code) || strcmp(d.items[0].message, bad[i].message) ||
            d.items[0].line != bad[i].line || d.items[0].col != bad[i].col)
            fail_msg("case %zu: got %s %d:%d %s", i, d.items[0].code, d.items[0].line, d.items[0].col,
                     d.items[0].message);
        stc_diags_free(&d);
    }
    stc_service_free(svc);
}

/* ---- the template ------------------------------------------------------------------ */

static cJSON *build(stc_service *svc, const char *mode, const char *yaml, stc_template_parts *parts, stc_config **cfg)
{
    stc_diags d = STC_DIAGS_INIT;
    memset(parts, 0, sizeof *parts);
    assert_int_equal(stc_template_spec(svc, parts, &d), 0);
    *cfg = load(svc, mode, yaml, &d);
    assert_non_null(*cfg);
    cJSON *t = stc_template_build(parts->spec, *cfg, &d);
    if (!t)
        stc_diags_print(&d, stderr, NULL);
    assert_non_null(t);
    stc_diags_free(&d);
    return t;
}

static const cJSON *env_of(const cJSON *t, const char *fn, const char *var)
{
    return cJSON_GetObjectItem(cJSON_GetObjectItem(tt_prop(t, fn, "Environment"), "Variables"), var);
}

/* Created resources (dev: no key): the default table, a bucket, a topic. */
static void test_template_created(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", src_bound);
    stc_template_parts parts;
    stc_config *cfg;
    cJSON *t = build(svc, "dev", "bindings:\n  store: {store: bucket}\n", &parts, &cfg);
    assert_string_equal(cJSON_GetObjectItem(tt_res(t, "RulesStore"), "Type")->valuestring, "AWS::DynamoDB::Table");
    assert_string_equal(cJSON_GetObjectItem(tt_res(t, "StoreStore"), "Type")->valuestring, "AWS::S3::Bucket");
    assert_string_equal(cJSON_GetObjectItem(tt_res(t, "MailTopic"), "Type")->valuestring, "AWS::SNS::Topic");
    assert_string_equal(tt_prop(t, "MailTopic", "KmsMasterKeyId")->valuestring, "alias/aws/sns");
    /* parameters: only the jdict and the plain str are template parameters */
    const cJSON *params = cJSON_GetObjectItem(t, "Parameters");
    assert_null(cJSON_GetObjectItem(params, "Rules"));
    assert_null(cJSON_GetObjectItem(params, "Store"));
    assert_null(cJSON_GetObjectItem(params, "Mail"));
    const cJSON *limits = cJSON_GetObjectItem(params, "Limits");
    assert_string_equal(cJSON_GetObjectItem(limits, "Type")->valuestring, "String");
    assert_string_equal(cJSON_GetObjectItem(limits, "Default")->valuestring, "{\"max\":3,\"names\":[\"x\"]}");
    assert_string_equal(cJSON_GetObjectItem(limits, "AllowedPattern")->valuestring, "^\\s*\\{[\\s\\S]*\\}\\s*$");
    assert_non_null(cJSON_GetObjectItem(params, "Region"));
    /* what each function's environment gets, every function */
    tt_assert_text(env_of(t, "ReadFunction", "STC_PARAM_RULES"), "!Sub dynamodb://${RulesStore}");
    tt_assert_text(env_of(t, "ReadFunction", "STC_PARAM_STORE"), "!Sub s3://${StoreStore}/");
    tt_assert_text(env_of(t, "ReadFunction", "STC_PARAM_MAIL"), "!Sub {\"sender\":\"a@b.c\",\"topic\":\"${MailTopic}\"}");
    tt_assert_text(env_of(t, "ReadFunction", "STC_PARAM_LIMITS"), "!Ref Limits");
    assert_null(env_of(t, "ReadFunction", "STC_STORE__RULES")); /* no resource variable for a binding */
    /* least privilege follows the bindings */
    TT_ASSERT_PERMS(t, "ReadFunctionRole", "logs:CreateLogStream ReadFunctionLogGroup.Arn",
                    "logs:PutLogEvents ReadFunctionLogGroup.Arn", "dynamodb:GetItem RulesStore.Arn");
    TT_ASSERT_PERMS(t, "CopyFunctionRole", "logs:CreateLogStream CopyFunctionLogGroup.Arn",
                    "logs:PutLogEvents CopyFunctionLogGroup.Arn", "dynamodb:GetItem RulesStore.Arn",
                    "s3:PutObject !Sub ${StoreStore.Arn}/*");
    /* a bucket's delete reads the object first (JsonBucket) */
    TT_ASSERT_PERMS(t, "DropFunctionRole", "logs:CreateLogStream DropFunctionLogGroup.Arn",
                    "logs:PutLogEvents DropFunctionLogGroup.Arn", "s3:DeleteObject !Sub ${StoreStore.Arn}/*",
                    "s3:GetObject !Sub ${StoreStore.Arn}/*");
    TT_ASSERT_PERMS(t, "SendFunctionRole", "logs:CreateLogStream SendFunctionLogGroup.Arn",
                    "logs:PutLogEvents SendFunctionLogGroup.Arn", "sns:Publish !Ref MailTopic");
    tt_assert_text(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "Outputs"), "MailTopicArn"), "Value"),
                "!Ref MailTopic");
    cJSON_Delete(t);
    stc_config_free(cfg);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* Existing resources: nothing created, ARNs from the names; the file's
 * values; prod's key encrypts only what the stack creates. */
static void test_template_existing(void **state)
{
    (void)state;
    stc_service *svc = tt_compile_text("svc.py", src_bound);
    stc_template_parts parts;
    stc_config *cfg;
    const char *yaml = "bindings:\n"
                       "  rules: {existing: rules-table}\n"
                       "  store: {store: bucket, existing: team-bucket/tx}\n"
                       "  mail:\n"
                       "    existing: arn:aws:sns:eu-west-1:123456789012:alerts\n"
                       "    value: {sender: ops@example.com}\n"
                       "  limits:\n"
                       "    value: {max: 10}\n";
    cJSON *t = build(svc, "prod", yaml, &parts, &cfg);
    assert_null(tt_res(t, "RulesStore"));
    assert_null(tt_res(t, "StoreStore"));
    assert_null(tt_res(t, "MailTopic"));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(t, "Parameters"), "Limits")); /* a value in the file */
    assert_string_equal(env_of(t, "ReadFunction", "STC_PARAM_RULES")->valuestring, "dynamodb://rules-table");
    assert_string_equal(env_of(t, "ReadFunction", "STC_PARAM_STORE")->valuestring, "s3://team-bucket/tx/");
    assert_string_equal(env_of(t, "ReadFunction", "STC_PARAM_MAIL")->valuestring,
                        "{\"sender\":\"ops@example.com\",\"topic\":\"arn:aws:sns:eu-west-1:123456789012:alerts\"}");
    assert_string_equal(env_of(t, "ReadFunction", "STC_PARAM_LIMITS")->valuestring, "{\"max\":10}");
    TT_ASSERT_PERMS(t, "ReadFunctionRole", "logs:CreateLogStream ReadFunctionLogGroup.Arn",
                    "logs:PutLogEvents ReadFunctionLogGroup.Arn",
                    "dynamodb:GetItem !Sub arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/rules-table",
                    "xray:PutTelemetryRecords *", "xray:PutTraceSegments *");
    TT_ASSERT_PERMS(t, "DropFunctionRole", "logs:CreateLogStream DropFunctionLogGroup.Arn",
                    "logs:PutLogEvents DropFunctionLogGroup.Arn",
                    "s3:DeleteObject !Sub arn:${AWS::Partition}:s3:::team-bucket/tx/*",
                    "s3:GetObject !Sub arn:${AWS::Partition}:s3:::team-bucket/tx/*", "xray:PutTelemetryRecords *",
                    "xray:PutTraceSegments *");
    TT_ASSERT_PERMS(t, "SendFunctionRole", "logs:CreateLogStream SendFunctionLogGroup.Arn",
                    "logs:PutLogEvents SendFunctionLogGroup.Arn",
                    "sns:Publish arn:aws:sns:eu-west-1:123456789012:alerts", "xray:PutTelemetryRecords *",
                    "xray:PutTraceSegments *");
    cJSON_Delete(t);
    stc_config_free(cfg);
    stc_template_parts_free(&parts);
    /* created in prod: the customer key encrypts the topic; publishing may use it through SNS */
    t = build(svc, "prod", "", &parts, &cfg);
    tt_assert_text(tt_prop(t, "MailTopic", "KmsMasterKeyId"), "!Ref DataKey");
    char *perms = tt_role_perms(t, "SendFunctionRole");
    assert_non_null(strstr(perms, "kms:Decrypt DataKey.Arn"));
    assert_non_null(strstr(perms, "kms:GenerateDataKey DataKey.Arn"));
    assert_null(strstr(perms, "kms:Encrypt "));
    free(perms);
    cJSON_Delete(t);
    stc_config_free(cfg);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

/* examples/transactions.py with its transactions.stc.yaml: the read-only
 * rules (a bucket) never get a write action. */
static void test_example(void **state)
{
    (void)state;
    stc_service *svc;
    stc_template_parts parts;
    cJSON *t = tt_template("transactions.py", "dev", &svc, &parts);
    assert_string_equal(cJSON_GetObjectItem(tt_res(t, "RulesStore"), "Type")->valuestring, "AWS::S3::Bucket");
    TT_ASSERT_PERMS(t, "AddTransactionFunctionRole", "logs:CreateLogStream AddTransactionFunctionLogGroup.Arn",
                    "logs:PutLogEvents AddTransactionFunctionLogGroup.Arn",
                    "s3:GetObject !Sub ${RulesStore.Arn}/*", "dynamodb:PutItem TransactionsStore.Arn");
    TT_ASSERT_PERMS(t, "NotifyFunctionRole", "logs:CreateLogStream NotifyFunctionLogGroup.Arn",
                    "logs:PutLogEvents NotifyFunctionLogGroup.Arn", "dynamodb:GetItem AlertsStore.Arn",
                    "sns:Publish !Ref EmailChannelTopic");
    TT_ASSERT_PERMS(t, "RaiseAlertFunctionRole", "logs:CreateLogStream RaiseAlertFunctionLogGroup.Arn",
                    "logs:PutLogEvents RaiseAlertFunctionLogGroup.Arn", "dynamodb:PutItem AlertsStore.Arn",
                    "dynamodb:Scan AlertsStore.Arn");
    /* no role of the template has a write action on the rules */
    char *perms;
    const char *roles[] = {"AddTransactionFunctionRole", "GetTransactionFunctionRole", "ListAlertsFunctionRole",
                           "TotalFunctionRole", "LimitFunctionRole", "RaiseAlertFunctionRole", "NotifyFunctionRole"};
    for (size_t i = 0; i < STC_ARRAY_LEN(roles); i++) {
        perms = tt_role_perms(t, roles[i]);
        assert_null(strstr(perms, "s3:PutObject !Sub ${RulesStore"));
        assert_null(strstr(perms, "s3:DeleteObject !Sub ${RulesStore"));
        free(perms);
    }
    tt_assert_text(env_of(t, "NotifyFunction", "STC_PARAM_NOTIFICATION_MAIL"),
                "!Sub {\"sender\":\"alerts@example.com\",\"topic\":\"${EmailChannelTopic}\"}");
    cJSON_Delete(t);
    stc_template_parts_free(&parts);
    stc_service_free(svc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analysis),          cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_config),            cmocka_unit_test(test_template_created),
        cmocka_unit_test(test_template_existing), cmocka_unit_test(test_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
