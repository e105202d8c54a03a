/* auth_test.c - who may call a route (docs/hardening.md): auth per mode and
 * per unit, the JWT authorizer, WebSocket connections, CORS, the caller
 * parameter and the starters of async routes, and their diagnostics
 * (STC525, STC563-STC568). Expected values follow docs/hardening.md and
 * API Gateway's AuthorizationType values (NONE, AWS_IAM, JWT, CUSTOM: the
 * generated REQUEST authorizer of JWTs at a WebSocket $connect). */
#include "template_test_util.h"

#include "core/aws/nag.h"
#include "core/bindings.h"
#include "core/config.h"

/* get_item and restock_item take a path parameter; create_item a caller;
 * create_order only a body; on_message is a WebSocket route of a service
 * without on_connect; _count an internal function. */
static const char *const shop = "class Shop:\n"
                                "    def get_item(self, item_id: str) -> dict:\n"
                                "        return {'id': item_id}\n"
                                "    def create_item(self, name: str, caller: dict = None) -> dict:\n"
                                "        return {'name': name}\n"
                                "    async def restock_item(self, item_id: str, count: int = 1) -> int:\n"
                                "        return self._count(count)\n"
                                "    async def create_order(self, sku: str) -> str:\n"
                                "        return sku\n"
                                "    def on_message(self, url: str, connection_id: str, text: str) -> None:\n"
                                "        pass\n"
                                "    def _count(self, n: int) -> int:\n"
                                "        return n\n";

typedef struct built {
    stc_service *svc;
    stc_template_parts parts;
    stc_config *cfg;
    stc_diags d;
    cJSON *t;
} built;

/* Compile `src`, load `yaml` for `mode` and build the template; t is NULL
 * when the configuration or the template has errors (in b->d). */
static void build(built *b, const char *src, const char *mode, const char *yaml)
{
    memset(b, 0, sizeof *b);
    b->d = (stc_diags)STC_DIAGS_INIT;
    b->svc = tt_compile_text("shop.py", src);
    assert_false(stc_diags_has_errors(&b->svc->diags));
    assert_int_equal(stc_template_spec(b->svc, &b->parts, &b->d), 0);
    b->cfg = stc_config_load(stc_aws_config_schema(), mode, "shop.stc.yaml", yaml, strlen(yaml), b->svc->units,
                             b->svc->nunits, &b->d);
    /* as stc_template_load_config() does: bindings name __init__ parameters */
    if (b->cfg && b->cfg->bindings && !stc_bindings_check(b->cfg->bindings, b->svc->resources, &b->d)) {
        stc_config_free(b->cfg);
        b->cfg = NULL;
    }
    if (b->cfg)
        b->t = stc_template_build(b->parts.spec, b->cfg, &b->d);
}

static void unbuild(built *b)
{
    cJSON_Delete(b->t);
    stc_config_free(b->cfg);
    stc_template_parts_free(&b->parts);
    stc_diags_free(&b->d);
    stc_service_free(b->svc);
}

static const char *auth_type(const cJSON *t, const char *route)
{
    const cJSON *a = tt_prop(t, route, "AuthorizationType");
    assert_non_null(a);
    return a->valuestring;
}

/* The reasons acknowledged for `rule` on a resource, joined by "|". */
static char *acks(const cJSON *t, const char *logical, const char *rule)
{
    const cJSON *sup = cJSON_GetObjectItem(
        cJSON_GetObjectItem(cJSON_GetObjectItem(tt_res(t, logical), "Metadata"), "cdk_nag"), "rules_to_suppress");
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "");
    const cJSON *s;
    cJSON_ArrayForEach(s, sup) if (!strcmp(cJSON_GetObjectItem(s, "id")->valuestring, rule))
    {
        if (b.len)
            stc_buf_puts(&b, "|");
        stc_buf_puts(&b, cJSON_GetObjectItem(s, "reason")->valuestring);
    }
    return stc_buf_take(&b);
}

static void assert_ack(const cJSON *t, const char *logical, stc_nag_ack want)
{
    char *got = acks(t, logical, stc_nag_rule(want));
    assert_string_equal(got, stc_nag_reason(want));
    free(got);
}

static void assert_no_ack(const cJSON *t, const char *logical, const char *rule)
{
    char *got = acks(t, logical, rule);
    assert_string_equal(got, "");
    free(got);
}

/* dev and test are public, and say so on every route. */
static void test_dev_public(void **state)
{
    (void)state;
    built b;
    build(&b, shop, "dev", "");
    assert_non_null(b.t);
    const char *routes[] = {"GetItemRoute", "CreateItemRoute", "RestockItemRoute", "CreateOrderRoute",
                            "OnMessageWebSocketRoute"};
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(auth_type(b.t, routes[i]), "NONE");
        assert_ack(b.t, routes[i], STC_NAG_AUTH_NONE);
    }
    assert_null(tt_res(b.t, "HttpApiJwtAuthorizer"));
    assert_null(tt_res(b.t, "WebSocketConnectRoute")); /* nobody to authorize at $connect */
    unbuild(&b);
}

/* stage and prod: iam on every HTTP route and at $connect (a route of its
 * own, the service having no on_connect); later WebSocket routes carry no
 * authorizer and say why. No route is acknowledged as public. */
static void test_prod_iam(void **state)
{
    (void)state;
    const char *modes[] = {"stage", "prod"};
    for (size_t m = 0; m < 2; m++) {
        built b;
        build(&b, shop, modes[m], "");
        assert_non_null(b.t);
        const char *routes[] = {"GetItemRoute", "CreateItemRoute", "RestockItemRoute", "CreateOrderRoute"};
        for (size_t i = 0; i < 4; i++) {
            assert_string_equal(auth_type(b.t, routes[i]), "AWS_IAM");
            assert_no_ack(b.t, routes[i], "AwsSolutions-APIG4");
        }
        assert_string_equal(auth_type(b.t, "WebSocketConnectRoute"), "AWS_IAM");
        assert_string_equal(tt_prop(b.t, "WebSocketConnectRoute", "RouteKey")->valuestring, "$connect");
        assert_string_equal(tt_prop(b.t, "WebSocketConnectIntegration", "IntegrationType")->valuestring, "MOCK");
        assert_string_equal(auth_type(b.t, "OnMessageWebSocketRoute"), "NONE");
        assert_ack(b.t, "OnMessageWebSocketRoute", STC_NAG_WS_AFTER_CONNECT);
        /* the deployment waits for the $connect route too */
        const cJSON *r, *dep = NULL;
        cJSON_ArrayForEach(r, cJSON_GetObjectItem(b.t, "Resources")) if (!strcmp(
            cJSON_GetObjectItem(r, "Type")->valuestring, "AWS::ApiGatewayV2::Deployment")) dep = r;
        assert_non_null(dep);
        bool found = false;
        cJSON_ArrayForEach(r, cJSON_GetObjectItem(dep, "DependsOn")) found =
            found || !strcmp(r->valuestring, "WebSocketConnectRoute");
        assert_true(found);
        unbuild(&b);
    }
}

/* Per unit and per mode: one public route in prod, one signed in dev. */
static void test_per_unit(void **state)
{
    (void)state;
    const char *yaml = "functions:\n"
                       "  get_item:\n"
                       "    modes:\n"
                       "      prod:\n"
                       "        auth: none\n"
                       "  create_order:\n"
                       "    auth: iam\n";
    built b;
    build(&b, shop, "prod", yaml);
    assert_non_null(b.t);
    assert_string_equal(auth_type(b.t, "GetItemRoute"), "NONE");
    assert_ack(b.t, "GetItemRoute", STC_NAG_AUTH_NONE);
    assert_string_equal(auth_type(b.t, "CreateItemRoute"), "AWS_IAM");
    assert_string_equal(auth_type(b.t, "CreateOrderRoute"), "AWS_IAM");
    unbuild(&b);
    build(&b, shop, "dev", yaml);
    assert_non_null(b.t);
    assert_string_equal(auth_type(b.t, "GetItemRoute"), "NONE");
    assert_string_equal(auth_type(b.t, "CreateItemRoute"), "NONE");
    assert_string_equal(auth_type(b.t, "CreateOrderRoute"), "AWS_IAM");
    assert_no_ack(b.t, "CreateOrderRoute", "AwsSolutions-APIG4");
    unbuild(&b);
}

/* jwt: one authorizer of the HTTP API, the audiences split at commas. */
static void test_jwt(void **state)
{
    (void)state;
    const char *http_only = "class Shop:\n"
                            "    def get_item(self, item_id: str, caller: dict = None) -> dict:\n"
                            "        return {'id': item_id}\n"
                            "    def list_items(self) -> list:\n"
                            "        return []\n";
    const char *yaml = "modes:\n"
                       "  prod:\n"
                       "    auth: jwt\n"
                       "    jwt_issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123\n"
                       "    jwt_audience: ' client-a ,client-b'\n"
                       "functions:\n"
                       "  list_items:\n"
                       "    auth: none\n";
    built b;
    build(&b, http_only, "prod", yaml);
    assert_non_null(b.t);
    assert_string_equal(auth_type(b.t, "GetItemRoute"), "JWT");
    tt_assert_text(tt_prop(b.t, "GetItemRoute", "AuthorizerId"), "!Ref HttpApiJwtAuthorizer");
    assert_string_equal(auth_type(b.t, "ListItemsRoute"), "NONE");
    assert_null(tt_prop(b.t, "ListItemsRoute", "AuthorizerId"));
    const cJSON *a = tt_res(b.t, "HttpApiJwtAuthorizer");
    assert_string_equal(cJSON_GetObjectItem(a, "Type")->valuestring, "AWS::ApiGatewayV2::Authorizer");
    assert_string_equal(tt_prop(b.t, "HttpApiJwtAuthorizer", "AuthorizerType")->valuestring, "JWT");
    assert_string_equal(cJSON_GetArrayItem(tt_prop(b.t, "HttpApiJwtAuthorizer", "IdentitySource"), 0)->valuestring,
                        "$request.header.Authorization");
    const cJSON *jc = tt_prop(b.t, "HttpApiJwtAuthorizer", "JwtConfiguration");
    assert_string_equal(cJSON_GetObjectItem(jc, "Issuer")->valuestring,
                        "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123");
    const cJSON *aud = cJSON_GetObjectItem(jc, "Audience");
    assert_int_equal(cJSON_GetArraySize(aud), 2);
    assert_string_equal(cJSON_GetArrayItem(aud, 0)->valuestring, "client-a");
    assert_string_equal(cJSON_GetArrayItem(aud, 1)->valuestring, "client-b");
    /* the caller is no parameter of the request: get_item is a plain sync route */
    const stc_route *r = stc_routes_find(b.svc->routes, "get_item");
    assert_int_equal(r->nparams, 1);
    assert_string_equal(r->params[0].name, "item_id");
    unbuild(&b);
    /* dev keeps its built-in none: no authorizer at all */
    build(&b, http_only, "dev", yaml);
    assert_non_null(b.t);
    assert_null(tt_res(b.t, "HttpApiJwtAuthorizer"));
    assert_string_equal(auth_type(b.t, "GetItemRoute"), "NONE");
    unbuild(&b);
}

/* The logical id of the WebSocket deployment (allocated). */
static char *ws_deployment(const cJSON *t)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(t, "Resources"))
    {
        if (!strncmp(r->string, "WebSocketDeployment", 19))
            return stc_xstrdup(r->string);
    }
    return NULL;
}

/* JWTs at a WebSocket $connect: API Gateway has no JWT authorizer for
 * WebSocket APIs, so the template carries a Lambda REQUEST authorizer
 * (docs/hardening.md, "WebSocket connections with JWTs"). */
static void test_ws_jwt(void **state)
{
    (void)state;
    const char *yaml = "modes:\n"
                       "  prod:\n"
                       "    auth: jwt\n"
                       "    jwt_issuer: https://id.example.com/pool\n"
                       "    jwt_audience: app-1, app-2\n";
    built b;
    build(&b, shop, "prod", yaml);
    assert_non_null(b.t);
    /* shop has no on_connect: its own $connect route takes the authorizer */
    assert_string_equal(auth_type(b.t, "WebSocketConnectRoute"), "CUSTOM");
    tt_assert_text(tt_prop(b.t, "WebSocketConnectRoute", "AuthorizerId"), "!Ref WebSocketAuthorizer");
    assert_string_equal(auth_type(b.t, "OnMessageWebSocketRoute"), "NONE");
    assert_ack(b.t, "OnMessageWebSocketRoute", STC_NAG_WS_AFTER_CONNECT);
    assert_string_equal(tt_prop(b.t, "WebSocketAuthorizer", "AuthorizerType")->valuestring, "REQUEST");
    tt_assert_text(tt_prop(b.t, "WebSocketAuthorizer", "ApiId"), "!Ref WebSocketApi");
    const cJSON *src = tt_prop(b.t, "WebSocketAuthorizer", "IdentitySource");
    assert_int_equal(cJSON_GetArraySize(src), 1);
    assert_string_equal(cJSON_GetArrayItem(src, 0)->valuestring, "route.request.querystring.token");
    tt_assert_text(tt_prop(b.t, "WebSocketAuthorizer", "AuthorizerUri"),
                   "!Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
                   "${WebSocketAuthorizerFunction.Arn}/invocations");
    /* the function: its code inline, the issuer and audiences in its environment */
    assert_string_equal(tt_prop(b.t, "WebSocketAuthorizerFunction", "Handler")->valuestring, "index.handler");
    const char *code = cJSON_GetObjectItem(tt_prop(b.t, "WebSocketAuthorizerFunction", "Code"), "ZipFile")->valuestring;
    assert_non_null(strstr(code, "\ndef handler(event, context):\n"));
    assert_non_null(strstr(code, "\ndef rs256_valid(n, e, signing_input, signature):\n"));
    const cJSON *vars = cJSON_GetObjectItem(tt_prop(b.t, "WebSocketAuthorizerFunction", "Environment"), "Variables");
    assert_string_equal(cJSON_GetObjectItem(vars, "STC_JWT_ISSUER")->valuestring, "https://id.example.com/pool");
    assert_string_equal(cJSON_GetObjectItem(vars, "STC_JWT_AUDIENCE")->valuestring, "app-1, app-2");
    assert_int_equal(cJSON_GetArraySize(vars), 2);
    assert_ack(b.t, "WebSocketAuthorizerFunction", STC_NAG_AUTHORIZER_SYNC);
    /* API Gateway may invoke it through this authorizer only */
    assert_string_equal(tt_prop(b.t, "WebSocketAuthorizerPermission", "Principal")->valuestring,
                        "apigateway.amazonaws.com");
    tt_assert_text(tt_prop(b.t, "WebSocketAuthorizerPermission", "SourceArn"),
                   "!Sub arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${WebSocketApi}"
                   "/authorizers/${WebSocketAuthorizer}");
    /* its role writes its log group (and X-Ray: tracing is on in prod), nothing else */
    const cJSON *pols = tt_prop(b.t, "WebSocketAuthorizerFunctionRole", "Policies");
    const cJSON *st = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(pols, 0), "PolicyDocument"), "Statement");
    assert_int_equal(cJSON_GetArraySize(st), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(st, 0), "Sid")->valuestring, "WriteOwnLogs");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(st, 1), "Sid")->valuestring, "XRayTracing");
    unbuild(&b);
    /* an on_connect handler: its route takes the authorizer; iam elsewhere makes none */
    const char *ws = "class Chat:\n"
                     "    def on_connect(self, url: str, connection_id: str) -> None:\n"
                     "        pass\n";
    build(&b, ws, "prod", yaml);
    assert_non_null(b.t);
    assert_string_equal(auth_type(b.t, "OnConnectWebSocketRoute"), "CUSTOM");
    assert_null(tt_res(b.t, "WebSocketConnectRoute"));
    char *prod = ws_deployment(b.t);
    unbuild(&b);
    build(&b, ws, "stage", yaml);
    assert_non_null(b.t);
    assert_string_equal(auth_type(b.t, "OnConnectWebSocketRoute"), "AWS_IAM");
    assert_null(tt_res(b.t, "WebSocketAuthorizer"));
    assert_null(tt_res(b.t, "WebSocketAuthorizerFunction"));
    char *stage = ws_deployment(b.t);
    unbuild(&b);
    /* the same routes with another authorization: another deployment (a
     * stage serves its deployment's snapshot of the routes) */
    assert_non_null(prod);
    assert_non_null(stage);
    assert_string_not_equal(prod, stage);
    free(prod);
    free(stage);
}

static void assert_one_error(built *b, const char *code, int line, const char *message)
{
    assert_null(b->t);
    size_t n = 0;
    for (size_t i = 0; i < b->d.count; i++) {
        if (b->d.items[i].severity != STC_SEV_ERROR)
            continue;
        n++;
        assert_string_equal(b->d.items[i].code, code);
        assert_int_equal(b->d.items[i].line, line);
        assert_string_equal(b->d.items[i].message, message);
    }
    assert_int_equal(n, 1);
}

static void test_diagnostics(void **state)
{
    (void)state;
    const char *http_only = "class Shop:\n"
                            "    def get_item(self, item_id: str) -> dict:\n"
                            "        return {'id': item_id}\n"
                            "    def _count(self) -> int:\n"
                            "        return 1\n";
    built b;
    /* STC563: jwt without an audience, at the auth line */
    build(&b, http_only, "prod", "defaults:\n  auth: jwt\n  jwt_issuer: https://id.example.com/\n");
    assert_one_error(&b, "STC563", 2, "'get_item' takes JWTs (auth: jwt, mode prod), but jwt_audience is not set");
    unbuild(&b);
    /* STC564: not https */
    build(&b, http_only, "prod",
          "defaults:\n  auth: jwt\n  jwt_issuer: http://id.example.com/\n  jwt_audience: app\n");
    assert_one_error(&b, "STC564", 3, "jwt_issuer 'http://id.example.com/' is not an https:// URL");
    unbuild(&b);
    /* STC525: auth on a unit no route reaches (the configuration refuses it) */
    build(&b, http_only, "dev", "functions:\n  _count:\n    auth: iam\n");
    assert_one_error(&b, "STC525", 3, "'auth' applies to units an API route reaches, and '_count' has no route");
    unbuild(&b);
    /* STC522: not one of the three words */
    build(&b, http_only, "dev", "defaults:\n  auth: cognito\n");
    assert_null(b.t);
    assert_string_equal(b.d.items[0].code, "STC522");
    unbuild(&b);
    /* STC563 for WebSocket connections: the service's jwt (no on_connect) */
    const char *ws_only = "class Chat:\n"
                          "    def on_message(self, url: str, connection_id: str, text: str) -> None:\n"
                          "        pass\n";
    build(&b, ws_only, "prod", "defaults:\n  auth: jwt\n  jwt_audience: app\n");
    assert_one_error(&b, "STC563", 2,
                     "WebSocket connections (the service's auth) take JWTs (auth: jwt, mode prod), but jwt_issuer is "
                     "not set");
    unbuild(&b);
    /* ... and an on_connect handler's own */
    const char *ws = "class Chat:\n"
                     "    def on_connect(self, url: str, connection_id: str) -> None:\n"
                     "        pass\n";
    build(&b, ws, "prod", "functions:\n  on_connect:\n    auth: jwt\n");
    assert_one_error(&b, "STC563", 3, "'on_connect' takes JWTs (auth: jwt, mode prod), but jwt_issuer is not set");
    unbuild(&b);
    build(&b, ws, "prod", "functions:\n  on_connect:\n    auth: none\n");
    assert_non_null(b.t);
    assert_string_equal(auth_type(b.t, "OnConnectWebSocketRoute"), "NONE");
    assert_ack(b.t, "OnConnectWebSocketRoute", STC_NAG_AUTH_NONE);
    unbuild(&b);
    /* STC568: auth of a WebSocket route after $connect */
    build(&b, shop, "dev", "functions:\n  on_message:\n    auth: iam\n");
    assert_one_error(&b, "STC568",
                     3,
                     "'on_message' is WebSocket route message: API Gateway authorizes a WebSocket client once, at "
                     "$connect, so auth cannot be set for it");
    unbuild(&b);
}

static void test_cors(void **state)
{
    (void)state;
    built b;
    build(&b, shop, "dev", "defaults:\n  cors:\n    origins: [https://app.example.com]\n    max_age: 600\n");
    assert_non_null(b.t);
    tt_assert_text(tt_prop(b.t, "HttpApi", "CorsConfiguration"),
                   "{\"AllowOrigins\":[\"https://app.example.com\"],\"AllowMethods\":[\"GET\",\"POST\"],"
                   "\"AllowHeaders\":[\"authorization\",\"content-type\",\"x-amz-content-sha256\",\"x-amz-date\","
                   "\"x-amz-security-token\"],\"MaxAge\":600}");
    unbuild(&b);
    struct {
        const char *yaml, *message;
    } bad[] = {
        {"defaults:\n  cors:\n    origin: [x]\n",
         "cors: 'origin' is not a CORS setting (origins, methods, headers, max_age, credentials, expose_headers)"},
        {"defaults:\n  cors:\n    methods: [GET]\n",
         "cors: 'origins' is missing: name the origins browsers may call from (https://app.example.com)"},
        {"defaults:\n  cors:\n    origins: ['*']\n    credentials: true\n",
         "cors: 'origins' cannot be \"*\" with credentials: true (browsers refuse it)"},
        {"defaults:\n  cors:\n    origins: [https://a.example]\n    max_age: 1.5\n",
         "cors: 'max_age' must be a whole number of seconds, 0 to 86400"},
        {"defaults:\n  cors:\n    origins: https://a.example\n", "cors: 'origins' must be a list of words"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(bad); i++) {
        build(&b, shop, "dev", bad[i].yaml);
        assert_one_error(&b, "STC566", 3, bad[i].message);
        unbuild(&b);
    }
    /* STC567: no HTTP API for browsers (a warning: the template comes out) */
    build(&b, "class S:\n    def _fn(self) -> int:\n        return 1\n", "dev",
          "defaults:\n  cors:\n    origins: [https://a.example]\n");
    assert_non_null(b.t);
    assert_int_equal(b.d.count, 1);
    assert_string_equal(b.d.items[0].code, "STC567");
    unbuild(&b);
}

/* An async route goes through its starter where the body is not enough
 * (path, query, caller), straight to Step Functions otherwise; the starter
 * may start exactly its machine. */
static void test_starters(void **state)
{
    (void)state;
    built b;
    build(&b, shop, "dev", "");
    assert_non_null(b.t);
    assert_non_null(tt_res(b.t, "RestockItemStarterFunction"));
    tt_assert_text(tt_prop(b.t, "RestockItemIntegration", "IntegrationUri"), "RestockItemStarterFunction.Arn");
    TT_ASSERT_PERMS(b.t, "RestockItemStarterFunctionRole",
                    "logs:CreateLogStream RestockItemStarterFunctionLogGroup.Arn",
                    "logs:PutLogEvents RestockItemStarterFunctionLogGroup.Arn",
                    "states:StartExecution !Ref RestockItemStateMachine");
    const cJSON *env = cJSON_GetObjectItem(tt_prop(b.t, "RestockItemStarterFunction", "Environment"), "Variables");
    assert_string_equal(cJSON_GetObjectItem(env, "STC_START")->valuestring, "standard");
    assert_ack(b.t, "RestockItemStarterFunction", STC_NAG_SYNC_ONLY);
    /* create_order takes only its body */
    assert_null(tt_res(b.t, "CreateOrderStarterFunction"));
    assert_string_equal(tt_prop(b.t, "CreateOrderIntegration", "IntegrationSubtype")->valuestring,
                        "StepFunctions-StartExecution");
    /* no STC557 any more */
    for (size_t i = 0; i < b.d.count; i++)
        assert_string_not_equal(b.d.items[i].code, "STC557");
    unbuild(&b);
}

/* Secrets (docs/hardening.md): where each mode keeps a parameter, what the
 * roles may read, and what the configuration may not say. */
static void test_secrets(void **state)
{
    (void)state;
    const char *src = "from caios.abc.mutable_mapping import MutableMapping\n"
                      "class Shop:\n"
                      "    def __init__(self, api_token: str, limits: jdict = {}, retries: int = 3, store: str = 's'):\n"
                      "        self.api_token = api_token\n"
                      "        self.items = MutableMapping.get_mapping(store)\n"
                      "    def get_item(self, item_id: str) -> dict:\n"
                      "        return self.items[item_id]\n";
    const char *yaml = "bindings:\n"
                       "  api_token:\n"
                       "    secret: shop/api-token\n"
                       "    modes:\n"
                       "      test: {ssm: /shop/api-token}\n"
                       "      dev: {secret: null}\n"
                       "  limits:\n"
                       "    ssm: arn:aws:ssm:eu-west-1:123456789012:parameter/shop/limits\n";
    built b;
    build(&b, src, "prod", yaml);
    assert_non_null(b.t);
    const cJSON *params = cJSON_GetObjectItem(b.t, "Parameters");
    assert_null(cJSON_GetObjectItem(params, "ApiToken"));
    assert_null(cJSON_GetObjectItem(params, "Limits"));
    assert_non_null(cJSON_GetObjectItem(params, "Retries"));
    const cJSON *env = cJSON_GetObjectItem(tt_prop(b.t, "GetItemFunction", "Environment"), "Variables");
    assert_string_equal(cJSON_GetObjectItem(env, "STC_SECRET_API_TOKEN")->valuestring, "shop/api-token");
    assert_string_equal(cJSON_GetObjectItem(env, "STC_SSM_LIMITS")->valuestring,
                        "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/limits");
    assert_null(cJSON_GetObjectItem(env, "STC_PARAM_API_TOKEN"));
    char *perms = tt_role_perms(b.t, "GetItemFunctionRole");
    assert_non_null(strstr(perms, "secretsmanager:GetSecretValue !Sub arn:${AWS::Partition}:secretsmanager:"
                                  "${AWS::Region}:${AWS::AccountId}:secret:shop/api-token-??????\n"));
    assert_non_null(strstr(perms, "ssm:GetParameter arn:aws:ssm:eu-west-1:123456789012:parameter/shop/limits\n"));
    free(perms);
    for (size_t i = 0; i < b.d.count; i++)
        assert_string_not_equal(b.d.items[i].code, "STC569"); /* kept secret: nothing to warn about */
    unbuild(&b);
    build(&b, src, "test", yaml);
    assert_non_null(b.t);
    perms = tt_role_perms(b.t, "GetItemFunctionRole");
    assert_non_null(strstr(perms, "ssm:GetParameter !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:"
                                  "${AWS::AccountId}:parameter/shop/api-token\n"));
    assert_null(strstr(perms, "secretsmanager:"));
    free(perms);
    unbuild(&b);
    /* dev: a template parameter again, NoEcho, and a warning at the parameter */
    build(&b, src, "dev", yaml);
    assert_non_null(b.t);
    const cJSON *p = cJSON_GetObjectItem(cJSON_GetObjectItem(b.t, "Parameters"), "ApiToken");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(p, "NoEcho")));
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(b.t, "Parameters"), "Retries"), "NoEcho"));
    assert_int_equal(b.d.count, 1);
    assert_string_equal(b.d.items[0].code, "STC569");
    assert_int_equal(b.d.items[0].line, 3);
    assert_string_equal(b.d.items[0].message, "'api_token' looks like a secret: as a template parameter (NoEcho) its "
                                              "value is still in every function's environment, in plain text");
    unbuild(&b);

    struct {
        const char *yaml, *code;
        int line;
        const char *message;
    } bad[] = {
        {"bindings:\n  retries:\n    secret: shop/n\n", "STC524", 2,
         "'retries' is a plain parameter of __init__: it names no resource and is no jdict (only secret: or ssm: "
         "may keep a str parameter)"},
        {"bindings:\n  store:\n    secret: shop/n\n", "STC522", 3,
         "a secret applies to a str or jdict parameter, and 'store' names a resource"},
        {"bindings:\n  limits:\n    value: {a: 1}\n    ssm: /shop/limits\n", "STC522", 4,
         "'limits' takes its value from a secret and from value: at once"},
        {"bindings:\n  api_token:\n    secret: a b\n", "STC522", 3,
         "'secret' of 'api_token' is 'a b', not a Secrets Manager secret name (1 to 512 of a-z A-Z 0-9 / _ + = . @ -)"},
        {"bindings:\n  api_token:\n    ssm: shop/token\n", "STC522", 3,
         "'ssm' of 'api_token' is 'shop/token', not an SSM parameter name (a-z A-Z 0-9 _ . - /; a path starts "
         "with /)"},
        {"bindings:\n  api_token:\n    secret: arn:aws:ssm:eu-west-1:1:parameter/x\n", "STC522", 3,
         "'secret' of 'api_token' is 'arn:aws:ssm:eu-west-1:1:parameter/x', not a Secrets Manager secret ARN "
         "(arn:aws:secretsmanager:<region>:<account>:secret:<name>)"},
        {"bindings:\n  api_token:\n    secret: shop/t\n    ssm: /shop/t\n", "STC522", 4,
         "'bindings.api_token' has both secret and ssm"},
        {"bindings:\n  api_token:\n    secret: ''\n", "STC522", 3,
         "'secret' in 'bindings.api_token' must be a name or an ARN, or null, not an empty string"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(bad); i++) {
        build(&b, src, "dev", bad[i].yaml);
        assert_null(b.t);
        assert_true(b.d.count >= 1);
        assert_string_equal(b.d.items[0].code, bad[i].code);
        assert_int_equal(b.d.items[0].line, bad[i].line);
        assert_string_equal(b.d.items[0].message, bad[i].message);
        unbuild(&b);
    }
}

/* nag.def: every acknowledgement is about a rule of the table, and says why. */
static void test_nag_table(void **state)
{
    (void)state;
    size_t nrules = 0;
    const char *what;
    while (stc_nag_rule_at(nrules, &what)) {
        assert_true(strlen(what) > 10);
        nrules++;
    }
    assert_true(nrules >= 30);
    for (int a = 0; a < STC_NAG__COUNT; a++) {
        bool listed = false;
        for (size_t i = 0; i < nrules; i++)
            listed = listed || !strcmp(stc_nag_rule_at(i, NULL), stc_nag_rule((stc_nag_ack)a));
        assert_true(listed);
        assert_true(strlen(stc_nag_reason((stc_nag_ack)a)) > 20);
    }
    assert_null(stc_nag_rule_at(nrules, &what));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dev_public), cmocka_unit_test(test_prod_iam), cmocka_unit_test(test_per_unit),
        cmocka_unit_test(test_jwt),        cmocka_unit_test(test_ws_jwt),      cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_cors),
        cmocka_unit_test(test_starters),   cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_nag_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
