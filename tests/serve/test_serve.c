/* test_serve.c - the pure parts of `stc-tui serve`: API Gateway's routes,
 * events and answers (serve/apigw.h), schedule times (serve/sched.h) and
 * the SQLite stores in memory and in a file (serve/store.h). Expected
 * values are worked out by hand from the AWS documentation and the
 * calendar (the comments show the arithmetic). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/util.h"
#include "serve/apigw.h"
#include "serve/sched.h"
#include "serve/store.h"

/* ---- routes -------------------------------------------------------------------- */

static stc_route stc_test_route(const char *method, const char *path, const char *fn)
{
    stc_route r;
    memset(&r, 0, sizeof r);
    r.http_method = method;
    r.path = (char *)path;
    r.function = fn;
    return r;
}

static void test_route_match(void **state)
{
    (void)state;
    stc_route v[] = {
        stc_test_route("POST", "/people", "register_person"),
        stc_test_route("GET", "/people/{person_id}", "get_person"),
        stc_test_route("GET", "/people", "list_people"),
        stc_test_route("POST", "/orders/{order_id}", "update_order"),
        stc_test_route("POST", "/orders/approve", "approve_orders"),
        stc_test_route("GET", "/people/{person_id}/orders/{order_id}", "get_person_order"),
    };
    stc_routes r;
    memset(&r, 0, sizeof r);
    r.http = v;
    r.nhttp = STC_ARRAY_LEN(v);
    cJSON *p = NULL;
    const stc_route *m = stc_apigw_route(&r, "GET", "/people/ann", &p);
    assert_non_null(m);
    assert_string_equal(m->function, "get_person");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(p, "person_id")), "ann");
    cJSON_Delete(p);
    m = stc_apigw_route(&r, "GET", "/people", &p);
    assert_string_equal(m->function, "list_people");
    assert_null(p->child); /* no path parameters */
    cJSON_Delete(p);
    /* the literal segment wins over the parameter, whatever the order */
    m = stc_apigw_route(&r, "POST", "/orders/approve", &p);
    assert_string_equal(m->function, "approve_orders");
    cJSON_Delete(p);
    m = stc_apigw_route(&r, "POST", "/orders/o-1", &p);
    assert_string_equal(m->function, "update_order");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(p, "order_id")), "o-1");
    cJSON_Delete(p);
    m = stc_apigw_route(&r, "GET", "/people/p/orders/o", &p);
    assert_string_equal(m->function, "get_person_order");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(p, "person_id")), "p");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(p, "order_id")), "o");
    cJSON_Delete(p);
    /* no route: another method, an empty segment, a trailing slash, more segments */
    const char *misses[][2] = {{"PATCH", "/people/x"}, {"GET", "/people/"}, {"GET", "/people/a/b"},
                               {"GET", "/"},           {"DELETE", "/people"}, {"GET", "/peoplex"}};
    for (size_t i = 0; i < STC_ARRAY_LEN(misses); i++) {
        assert_null(stc_apigw_route(&r, misses[i][0], misses[i][1], &p));
        assert_null(p);
    }
}

/* ---- the HTTP API event ----------------------------------------------------------- */

static void stc_test_request(stc_http_request *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->method = stc_xstrdup("GET");
    rq->path = stc_xstrdup("/people/ann b");
    stc_http_pair_add(&rq->args, &rq->nargs, "limit", "5");
    stc_http_pair_add(&rq->args, &rq->nargs, "tag", "a");
    stc_http_pair_add(&rq->args, &rq->nargs, "tag", "b&c");
    stc_http_pair_add(&rq->args, &rq->nargs, "flag", NULL);
    stc_http_pair_add(&rq->headers, &rq->nheaders, "host", "127.0.0.1:8080");
    stc_http_pair_add(&rq->headers, &rq->nheaders, "user-agent", "curl/7.88.1");
    stc_http_pair_add(&rq->headers, &rq->nheaders, "x-a", "1");
    stc_http_pair_add(&rq->headers, &rq->nheaders, "x-a", "2");
    stc_http_pair_add(&rq->headers, &rq->nheaders, "cookie", "a=1; b=2");
    snprintf(rq->source_ip, sizeof rq->source_ip, "127.0.0.1");
    snprintf(rq->protocol, sizeof rq->protocol, "HTTP/1.1");
    rq->time_ms = 1583348638390; /* 2020-03-04T19:03:58.390Z: 18325 days + 68638 s */
    snprintf(rq->request_id, sizeof rq->request_id, "JKJaXmPLvHcESHA=");
}

static const char *stc_s(const cJSON *o, const char *path)
{
    char *copy = stc_xstrdup(path);
    const cJSON *v = o;
    for (char *k = strtok(copy, "."); k && v; k = strtok(NULL, "."))
        v = cJSON_GetObjectItemCaseSensitive(v, k);
    free(copy);
    return cJSON_GetStringValue(v);
}

static void test_http_event(void **state)
{
    (void)state;
    stc_http_request rq;
    stc_test_request(&rq);
    stc_route rt = stc_test_route("GET", "/people/{person_id}", "get_person");
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "person_id", "ann b");
    cJSON *ev = stc_apigw_http_event(&rq, &rt, params, "127.0.0.1:8080");
    assert_string_equal(stc_s(ev, "version"), "2.0");
    assert_string_equal(stc_s(ev, "routeKey"), "GET /people/{person_id}");
    assert_string_equal(stc_s(ev, "rawPath"), "/people/ann%20b");
    assert_string_equal(stc_s(ev, "rawQueryString"), "limit=5&tag=a&tag=b%26c&flag");
    /* repeated headers and arguments are joined with commas; cookies apart */
    assert_string_equal(stc_s(ev, "headers.x-a"), "1,2");
    assert_string_equal(stc_s(ev, "headers.host"), "127.0.0.1:8080");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "headers"), "cookie"));
    const cJSON *cookies = cJSON_GetObjectItem(ev, "cookies");
    assert_int_equal(cJSON_GetArraySize(cookies), 2);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(cookies, 0)), "a=1");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetArrayItem(cookies, 1)), "b=2");
    assert_string_equal(stc_s(ev, "queryStringParameters.tag"), "a,b&c");
    assert_string_equal(stc_s(ev, "queryStringParameters.flag"), "");
    assert_string_equal(stc_s(ev, "pathParameters.person_id"), "ann b");
    assert_string_equal(stc_s(ev, "requestContext.http.method"), "GET");
    assert_string_equal(stc_s(ev, "requestContext.http.path"), "/people/ann b");
    assert_string_equal(stc_s(ev, "requestContext.http.sourceIp"), "127.0.0.1");
    assert_string_equal(stc_s(ev, "requestContext.http.userAgent"), "curl/7.88.1");
    assert_string_equal(stc_s(ev, "requestContext.domainPrefix"), "127");
    assert_string_equal(stc_s(ev, "requestContext.stage"), "$default");
    assert_string_equal(stc_s(ev, "requestContext.requestId"), "JKJaXmPLvHcESHA=");
    assert_string_equal(stc_s(ev, "requestContext.time"), "04/Mar/2020:19:03:58 +0000");
    assert_true(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "requestContext"), "timeEpoch")->valuedouble ==
                1583348638390.0);
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(ev, "isBase64Encoded")));
    assert_null(cJSON_GetObjectItem(ev, "body"));
    cJSON_Delete(ev);

    /* a JSON body travels as text, a binary one base64-encoded:
     * 0x89 'P' 'N' 'G' -> 100010 010101 000001 001110 010001 11.... -> iVBORw== */
    rq.body = stc_xstrdup("{\"a\": 1}");
    rq.body_len = strlen(rq.body);
    stc_http_pair_add(&rq.headers, &rq.nheaders, "content-type", "application/json; charset=utf-8");
    ev = stc_apigw_http_event(&rq, NULL, NULL, "localhost:9");
    assert_string_equal(stc_s(ev, "routeKey"), "$default");
    assert_string_equal(stc_s(ev, "body"), "{\"a\": 1}");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(ev, "isBase64Encoded")));
    assert_null(cJSON_GetObjectItem(ev, "pathParameters"));
    assert_string_equal(stc_s(ev, "requestContext.domainPrefix"), "localhost");
    cJSON_Delete(ev);
    free(rq.body);
    rq.body = stc_xstrndup("\x89PNG", 4);
    rq.body_len = 4;
    free(rq.headers[rq.nheaders - 1].value);
    rq.headers[rq.nheaders - 1].value = stc_xstrdup("image/png");
    ev = stc_apigw_http_event(&rq, NULL, NULL, "localhost");
    assert_string_equal(stc_s(ev, "body"), "iVBORw==");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ev, "isBase64Encoded")));
    cJSON_Delete(ev);
    cJSON_Delete(params);
    stc_http_request_free(&rq);
}

static void test_text_types(void **state)
{
    (void)state;
    const char *text[] = {NULL, "", "text/plain", "application/json", "Application/JSON; charset=utf-8",
                          "application/vnd.api+json", "application/xml", "application/x-www-form-urlencoded",
                          "image/svg+xml"};
    const char *binary[] = {"application/octet-stream", "image/png", "multipart/form-data; boundary=x",
                            "application/jsonx"};
    for (size_t i = 0; i < STC_ARRAY_LEN(text); i++)
        assert_true(stc_apigw_text_type(text[i]));
    for (size_t i = 0; i < STC_ARRAY_LEN(binary); i++)
        assert_false(stc_apigw_text_type(binary[i]));
    char *p = stc_apigw_raw_path("/a b/\xc3\xbc~x");
    assert_string_equal(p, "/a%20b/%C3%BC~x");
    free(p);
}

static const char *stc_rs_header(const stc_http_response *rs, const char *name, int nth)
{
    for (size_t i = 0; i < rs->nheaders; i++)
        if (strcmp(rs->headers[i].name, name) == 0 && nth-- == 0)
            return rs->headers[i].value;
    return NULL;
}

static int stc_test_answer(const char *json, stc_http_response *rs)
{
    cJSON *v = cJSON_Parse(json);
    assert_non_null(v);
    int rc = stc_apigw_http_response(v, "rid", rs);
    cJSON_Delete(v);
    return rc;
}

static void test_http_response(void **state)
{
    (void)state;
    stc_http_response rs;
    assert_int_equal(stc_test_answer("{\"statusCode\": 201, \"headers\": {\"X-Y\": \"z\", \"n\": 5, \"b\": true},"
                                     " \"cookies\": [\"a=1\", \"b=2\"], \"body\": \"hi\"}",
                                     &rs),
                     0);
    assert_int_equal(rs.status, 201);
    assert_string_equal(stc_rs_header(&rs, "x-y", 0), "z"); /* names are lower case */
    assert_string_equal(stc_rs_header(&rs, "n", 0), "5");
    assert_string_equal(stc_rs_header(&rs, "b", 0), "true");
    assert_string_equal(stc_rs_header(&rs, "set-cookie", 0), "a=1");
    assert_string_equal(stc_rs_header(&rs, "set-cookie", 1), "b=2");
    assert_string_equal(stc_rs_header(&rs, "apigw-requestid", 0), "rid");
    assert_null(stc_rs_header(&rs, "content-type", 0));
    assert_int_equal(rs.body_len, 2);
    assert_memory_equal(rs.body, "hi", 2);
    stc_http_response_free(&rs);
    /* base64: "aGk=" is "hi" */
    assert_int_equal(stc_test_answer("{\"statusCode\": 200, \"body\": \"aGk=\", \"isBase64Encoded\": true}", &rs), 0);
    assert_int_equal(rs.body_len, 2);
    assert_memory_equal(rs.body, "hi", 2);
    stc_http_response_free(&rs);
    /* no statusCode: the whole result is the JSON body, 200 */
    assert_int_equal(stc_test_answer("{\"a\": [1, 2]}", &rs), 0);
    assert_int_equal(rs.status, 200);
    assert_string_equal(stc_rs_header(&rs, "content-type", 0), "application/json");
    assert_string_equal(rs.body, "{\"a\":[1,2]}");
    stc_http_response_free(&rs);
    assert_int_equal(stc_test_answer("\"hi\"", &rs), 0);
    assert_string_equal(rs.body, "\"hi\"");
    stc_http_response_free(&rs);
    /* a header with a line break is dropped, not sent */
    assert_int_equal(stc_test_answer("{\"statusCode\": 200, \"headers\": {\"x\": \"a\\r\\nb: c\"}}", &rs), 0);
    assert_null(stc_rs_header(&rs, "x", 0));
    stc_http_response_free(&rs);
    /* malformed answers: API Gateway answers 500 */
    const char *bad[] = {"{\"statusCode\": \"200\"}", "{\"statusCode\": 99}", "{\"statusCode\": 600}",
                         "{\"statusCode\": 200.5}",
                         "{\"statusCode\": 200, \"body\": \"a!b=\", \"isBase64Encoded\": true}"};
    for (size_t i = 0; i < STC_ARRAY_LEN(bad); i++)
        assert_int_equal(stc_test_answer(bad[i], &rs), -1);
    stc_apigw_error(&rs, 404, "Not Found");
    assert_int_equal(rs.status, 404);
    assert_string_equal(rs.body, "{\"message\":\"Not Found\"}");
    stc_http_response_free(&rs);
}

static void test_base64(void **state)
{
    (void)state;
    char *out;
    size_t n;
    assert_int_equal(stc_apigw_unbase64("aGVsbG8=", 8, &out, &n), 0);
    assert_int_equal(n, 5);
    assert_string_equal(out, "hello");
    free(out);
    assert_int_equal(stc_apigw_unbase64("", 0, &out, &n), 0);
    assert_int_equal(n, 0);
    free(out);
    assert_int_equal(stc_apigw_unbase64("aGVsbG8", 7, &out, &n), -1);
    assert_int_equal(stc_apigw_unbase64("aG=sbG8=", 8, &out, &n), -1);
    char *b = stc_apigw_base64("\0\xff", 2); /* 00000000 11111111 -> AA/w */
    assert_string_equal(b, "AP8=");
    free(b);
}

static void test_ws_routes(void **state)
{
    (void)state;
    stc_ws_route v[3];
    memset(v, 0, sizeof v);
    v[0].route_key = "$connect";
    v[0].function = "on_connect";
    v[1].route_key = "message";
    v[1].function = "on_message";
    v[2].route_key = "$default";
    v[2].function = "on_default";
    stc_routes r;
    memset(&r, 0, sizeof r);
    r.ws = v;
    r.nws = 3;
    const char *msg = "{\"action\": \"message\", \"text\": \"hi\"}";
    assert_string_equal(stc_apigw_ws_route_key(&r, msg, strlen(msg)), "message");
    assert_string_equal(stc_apigw_ws_route_key(&r, "{\"action\": \"nope\"}", 18), "$default");
    assert_string_equal(stc_apigw_ws_route_key(&r, "not json", 8), "$default");
    assert_string_equal(stc_apigw_ws_route_key(&r, "{\"action\": 5}", 13), "$default");
    /* route selection never picks a special route */
    assert_string_equal(stc_apigw_ws_route_key(&r, "{\"action\": \"$connect\"}", 22), "$default");
    r.nws = 2; /* no $default: nothing takes the message */
    assert_null(stc_apigw_ws_route_key(&r, "{\"action\": \"nope\"}", 18));
    assert_string_equal(stc_apigw_ws_route(&r, "message")->function, "on_message");

    stc_ws_conn_info c;
    memset(&c, 0, sizeof c);
    snprintf(c.connection_id, sizeof c.connection_id, "L0SM9cOFvHcCIhw=");
    snprintf(c.source_ip, sizeof c.source_ip, "127.0.0.1");
    c.connected_at = 1000;
    c.stage = "dev";
    c.domain = "127.0.0.1:8080";
    cJSON *ev = stc_apigw_ws_message_event(&c, "message", msg, strlen(msg), 2000);
    assert_string_equal(stc_s(ev, "requestContext.routeKey"), "message");
    assert_string_equal(stc_s(ev, "requestContext.eventType"), "MESSAGE");
    assert_string_equal(stc_s(ev, "requestContext.connectionId"), "L0SM9cOFvHcCIhw=");
    assert_string_equal(stc_s(ev, "requestContext.stage"), "dev");
    assert_string_equal(stc_s(ev, "requestContext.domainName"), "127.0.0.1:8080");
    assert_string_equal(stc_s(ev, "body"), msg);
    cJSON_Delete(ev);
    ev = stc_apigw_ws_disconnect_event(&c, 1001, "going away", 3000);
    assert_string_equal(stc_s(ev, "requestContext.eventType"), "DISCONNECT");
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "requestContext"), "disconnectStatusCode")->valueint,
                     1001);
    cJSON_Delete(ev);
    /* what $connect's authorization found reaches every event of the
     * connection: an IAM signer joins the identity, a Lambda authorizer's
     * answer is the authorizer */
    c.context = "{\"identity\": {\"userArn\": \"arn:aws:iam::123456789012:user/local\", \"accessKey\": \"AK\"}}";
    ev = stc_apigw_ws_message_event(&c, "message", msg, strlen(msg), 4000);
    assert_string_equal(stc_s(ev, "requestContext.identity.userArn"), "arn:aws:iam::123456789012:user/local");
    assert_string_equal(stc_s(ev, "requestContext.identity.accessKey"), "AK");
    assert_string_equal(stc_s(ev, "requestContext.identity.sourceIp"), "127.0.0.1");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "requestContext"), "authorizer"));
    cJSON_Delete(ev);
    c.context = "{\"authorizer\": {\"principalId\": \"u-7\", \"integrationLatency\": 0, \"email\": \"a@b.c\"}}";
    ev = stc_apigw_ws_disconnect_event(&c, 1000, "", 5000);
    assert_string_equal(stc_s(ev, "requestContext.authorizer.principalId"), "u-7");
    assert_string_equal(stc_s(ev, "requestContext.authorizer.email"), "a@b.c");
    assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "requestContext"), "identity"),
                                    "userArn"));
    cJSON_Delete(ev);
    char *err = stc_apigw_ws_error("Forbidden", "cid", "rid");
    assert_string_equal(err, "{\"message\":\"Forbidden\",\"connectionId\":\"cid\",\"requestId\":\"rid\"}");
    free(err);
}

/* An async handler's execution input (docs/template.md, "WebSocket
 * workflows"): on_ask(self, url, connection_id, question, patience=3). */
static void test_ws_input(void **state)
{
    (void)state;
    stc_param mp[4];
    memset(mp, 0, sizeof mp);
    mp[0].name = "url";
    mp[1].name = "connection_id";
    mp[2].name = "question";
    mp[3].name = "patience";
    stc_method m;
    memset(&m, 0, sizeof m);
    m.params = mp;
    m.nparams = 4;
    stc_route_param rp[2];
    memset(rp, 0, sizeof rp);
    rp[0].name = "question";
    rp[1].name = "patience";
    stc_ws_route rt;
    memset(&rt, 0, sizeof rt);
    rt.method = &m;
    rt.params = rp;
    rt.nparams = 2;
    stc_ws_conn_info c;
    memset(&c, 0, sizeof c);
    snprintf(c.connection_id, sizeof c.connection_id, "L0SM9cOFvHcCIhw=");
    c.stage = "dev";
    c.domain = "127.0.0.1:8080";
    /* a message: the fields it has, as their JSON; the others (action, and a
     * url or connection_id of its own) stay out */
    const char *msg = "{\"action\": \"ask\", \"question\": {\"q\": [1, 2]}, \"url\": \"x\", \"other\": 1}";
    cJSON *in = stc_apigw_ws_input(&rt, &c, NULL, msg, strlen(msg));
    char *t = cJSON_PrintUnformatted(in);
    assert_string_equal(t, "{\"url\":\"https://127.0.0.1:8080/dev\",\"connection_id\":\"L0SM9cOFvHcCIhw=\","
                           "\"question\":{\"q\":[1,2]}}");
    free(t);
    cJSON_Delete(in);
    /* not a JSON object: the connection only */
    in = stc_apigw_ws_input(&rt, &c, NULL, "[1]", 3);
    t = cJSON_PrintUnformatted(in);
    assert_string_equal(t, "{\"url\":\"https://127.0.0.1:8080/dev\",\"connection_id\":\"L0SM9cOFvHcCIhw=\"}");
    free(t);
    cJSON_Delete(in);
    /* $connect: the query argument, else a header, as text; empty ones left out */
    stc_http_pair args[2] = {{"question", "why"}, {"patience", ""}};
    stc_http_pair heads[1] = {{"patience", "7"}};
    stc_http_request up;
    memset(&up, 0, sizeof up);
    up.args = args;
    up.nargs = 2;
    in = stc_apigw_ws_input(&rt, &c, &up, NULL, 0);
    t = cJSON_PrintUnformatted(in);
    assert_string_equal(t, "{\"url\":\"https://127.0.0.1:8080/dev\",\"connection_id\":\"L0SM9cOFvHcCIhw=\","
                           "\"question\":\"why\"}");
    free(t);
    cJSON_Delete(in);
    up.nargs = 1;
    up.headers = heads;
    up.nheaders = 1;
    in = stc_apigw_ws_input(&rt, &c, &up, NULL, 0);
    t = cJSON_PrintUnformatted(in);
    assert_string_equal(t, "{\"url\":\"https://127.0.0.1:8080/dev\",\"connection_id\":\"L0SM9cOFvHcCIhw=\","
                           "\"question\":\"why\",\"patience\":\"7\"}");
    free(t);
    cJSON_Delete(in);
}

/* ---- schedules -------------------------------------------------------------------- */

static int64_t stc_next(const char *expr, int64_t after, int64_t base)
{
    stc_sched s;
    char *err = NULL;
    assert_int_equal(stc_sched_parse(expr, &s, &err), 0);
    return stc_sched_next(&s, after, base);
}

static void test_sched(void **state)
{
    (void)state;
    /* rates count from the base */
    assert_int_equal(stc_next("rate(5 minutes)", 1000000, 1000000), 1300000);
    assert_int_equal(stc_next("rate(5 minutes)", 1299999, 1000000), 1300000);
    assert_int_equal(stc_next("rate(5 minutes)", 1300000, 1000000), 1600000);
    assert_int_equal(stc_next("rate(1 day)", 0, 0), 86400000);
    /* 2026-01-01T00:00:00Z = 1767225600000; 03:00 is 3 h later */
    assert_int_equal(stc_next("cron(0 3 * * ? *)", 1767225600000, 0), 1767236400000);
    assert_int_equal(stc_next("cron(0 3 * * ? *)", 1767236400000, 0), 1767236400000 + 86400000);
    /* every 15 minutes: 00:07:30 -> 00:15 */
    assert_int_equal(stc_next("cron(0/15 * * * ? *)", 1767225600000 + 450000, 0), 1767225600000 + 900000);
    /* the last day of February 2024 (a leap year): 2024-02-29T12:00Z */
    assert_int_equal(stc_next("cron(0 12 L * ? *)", 1707523200000 /* 2024-02-10 */, 0), 1709208000000);
    /* the third Friday of January 2024 (Fridays 5, 12, 19): 2024-01-19T09:00Z */
    assert_int_equal(stc_next("cron(0 9 ? * 6#3 *)", 1704067200000 /* 2024-01-01 */, 0), 1705654800000);
    /* the last Monday of January 2024 (Mondays 1, 8, 15, 22, 29): the 29th */
    assert_int_equal(stc_next("cron(0 9 ? * 2L *)", 1704067200000, 0), 1706518800000);
    /* 15W in June 2024: the 15th is a Saturday, so Friday the 14th */
    assert_int_equal(stc_next("cron(0 8 15W * ? *)", 1717200000000 /* 2024-06-01 */, 0), 1718352000000);
    /* LW in August 2024: the 31st is a Saturday, so Friday the 30th */
    assert_int_equal(stc_next("cron(0 8 LW * ? *)", 1722470400000 /* 2024-08-01 */, 0), 1725004800000);
    /* MON-FRI from Saturday 2024-06-01 10:00: Monday 2024-06-03 09:30 */
    assert_int_equal(stc_next("cron(30 9 ? * MON-FRI *)", 1717236000000, 0), 1717407000000);
    /* a year: 2030-01-01T00:00Z (21915 days) */
    assert_int_equal(stc_next("cron(0 0 1 JAN ? 2030)", 1767225600000, 0), 1893456000000);
    /* never: 30 February, or a year gone by */
    assert_int_equal(stc_next("cron(0 0 30 2 ? *)", 1767225600000, 0), -1);
    assert_int_equal(stc_next("cron(0 0 1 1 ? 2020)", 1767225600000, 0), -1);
    stc_sched s;
    char *err = NULL;
    assert_int_equal(stc_sched_parse("cron(0 3 * *)", &s, &err), -1);
    free(err);
    err = NULL;
    assert_int_equal(stc_sched_parse("rate(0 minutes)", &s, &err), -1);
    free(err);
}

/* ---- stores ---------------------------------------------------------------------------- */

static stc_store_key stc_k(const char *s)
{
    stc_store_key k = {false, 0, s, strlen(s)};
    return k;
}

static stc_store_key stc_ki(int64_t i)
{
    stc_store_key k = {true, i, NULL, 0};
    return k;
}

static int stc_collect(void *ctx, const stc_store_key *k)
{
    stc_buf *b = ctx;
    if (k->is_int)
        stc_buf_printf(b, "%lld,", (long long)k->i);
    else
        stc_buf_printf(b, "%.*s,", (int)k->len, k->s);
    return 0;
}

/* The same operations on a store; the transcript must not depend on where
 * the store lives. */
static char *stc_store_script(stc_store *s)
{
    stc_buf t = STC_BUF_INIT;
    char *err = NULL;
    stc_store_value v;
    stc_store_key a = stc_k("a");
    stc_buf_printf(&t, "get-missing %d\n", stc_store_get(s, "table:t", &a, &v, &err));
    assert_int_equal(stc_store_put(s, "table:t", &a, "{\"x\": 1}", 8, false, &err), 0);
    assert_int_equal(stc_store_get(s, "table:t", &a, &v, &err), 0);
    stc_buf_printf(&t, "get %s %zu %d\n", v.data, v.len, v.is_blob);
    stc_store_value_free(&v);
    /* another store does not see it */
    stc_buf_printf(&t, "other %d\n", stc_store_get(s, "table:u", &a, &v, &err));
    /* order: bytes, so "10" < "9" < "A" < "a" < "b" < "é" (0xC3) */
    const char *keys[] = {"b", "\xc3\xa9", "A", "10", "9"};
    for (size_t i = 0; i < STC_ARRAY_LEN(keys); i++) {
        stc_store_key k = stc_k(keys[i]);
        assert_int_equal(stc_store_put(s, "table:t", &k, "1", 1, false, &err), 0);
    }
    stc_store_keys(s, "table:t", stc_collect, &t, &err);
    stc_buf_putc(&t, '\n');
    int64_t n = 0;
    stc_store_count(s, "table:t", &n, &err);
    stc_buf_printf(&t, "count %lld\n", (long long)n);
    /* int keys in number order */
    int64_t ints[] = {10, -1, 3};
    for (size_t i = 0; i < STC_ARRAY_LEN(ints); i++) {
        stc_store_key k = stc_ki(ints[i]);
        assert_int_equal(stc_store_put(s, "table:n", &k, "0", 1, false, &err), 0);
    }
    stc_store_keys(s, "table:n", stc_collect, &t, &err);
    stc_buf_putc(&t, '\n');
    /* a 3 MB object with NUL bytes comes back whole, as bytes */
    size_t big = 3u * 1024 * 1024;
    char *blob = stc_xcalloc(big, 1);
    for (size_t i = 0; i < big; i += 4096)
        blob[i] = (char)(i / 4096);
    stc_store_key o = stc_k("obj");
    assert_int_equal(stc_store_put(s, "bucket:b", &o, blob, big, true, &err), 0);
    assert_int_equal(stc_store_get(s, "bucket:b", &o, &v, &err), 0);
    stc_buf_printf(&t, "blob %zu %d %d\n", v.len, v.is_blob, memcmp(v.data, blob, big) == 0);
    stc_store_value_free(&v);
    free(blob);
    /* an empty value is a value */
    stc_store_key e = stc_k("empty");
    assert_int_equal(stc_store_put(s, "bucket:b", &e, "", 0, true, &err), 0);
    assert_int_equal(stc_store_get(s, "bucket:b", &e, &v, &err), 0);
    stc_buf_printf(&t, "empty %zu %d\n", v.len, v.is_blob);
    stc_store_value_free(&v);
    bool has = false;
    stc_store_has(s, "bucket:b", &e, &has, &err);
    stc_buf_printf(&t, "has %d ", has);
    stc_buf_printf(&t, "del %d ", stc_store_del(s, "bucket:b", &e, &err));
    stc_buf_printf(&t, "del-again %d ", stc_store_del(s, "bucket:b", &e, &err));
    stc_store_has(s, "bucket:b", &e, &has, &err);
    stc_buf_printf(&t, "has %d\n", has);
    /* messages: FIFO, visibility, receive counts */
    char *id1 = NULL;
    assert_int_equal(stc_store_send(s, "queue:q", "m1", 2, 100, &id1, &err), 0);
    assert_int_equal(stc_store_send(s, "queue:q", "m2", 2, 100, NULL, &err), 0);
    assert_int_equal(stc_store_send(s, "queue:q", "m3", 2, 100, NULL, &err), 0);
    assert_int_equal(strlen(id1), 36);
    free(id1);
    stc_store_msg m[4];
    assert_int_equal(stc_store_take(s, "queue:q", 100, &m[0], &err), 0);
    stc_buf_printf(&t, "take %s %d\n", m[0].body, m[0].receive_count);
    stc_store_msg_free(&m[0]);
    int got = stc_store_receive(s, "queue:q", 4, 100, 1000, m, &err);
    stc_buf_printf(&t, "receive %d", got);
    for (int i = 0; i < got; i++) {
        stc_buf_printf(&t, " %s/%d", m[i].body, m[i].receive_count);
        stc_store_msg_free(&m[i]);
    }
    int64_t vis = -2, at = -2;
    stc_store_visible(s, "queue:q", 100, &vis, &err);
    stc_store_next_visible(s, "queue:q", 100, &at, &err);
    stc_buf_printf(&t, "\nhidden: visible %lld, back at %lld\n", (long long)vis, (long long)at);
    stc_buf_printf(&t, "take-none %d\n", stc_store_take(s, "queue:q", 100, &m[0], &err));
    got = stc_store_receive(s, "queue:q", 1, 1100, 1000, m, &err);
    stc_buf_printf(&t, "again %d %s/%d\n", got, m[0].body, m[0].receive_count);
    assert_int_equal(stc_store_delete_msg(s, m[0].seq, &err), 0);
    stc_store_msg_free(&m[0]);
    stc_store_visible(s, "queue:q", 1100, &vis, &err);
    stc_store_next_visible(s, "queue:q", 5000, &at, &err);
    stc_buf_printf(&t, "left visible %lld, none hidden %lld\n", (long long)vis, (long long)at);
    assert_null(err);
    return stc_buf_take(&t);
}

static const char stc_expected_script[] =
    "get-missing 1\n"
    "get {\"x\": 1} 8 0\n"
    "other 1\n"
    "10,9,A,a,b,\xc3\xa9,\n"
    "count 6\n"
    "-1,3,10,\n"
    "blob 3145728 1 1\n"
    "empty 0 1\n"
    "has 1 del 0 del-again 1 has 0\n"
    "take m1 1\n"
    "receive 2 m2/1 m3/1\n"
    "hidden: visible 0, back at 1100\n"
    "take-none 1\n"
    "again 1 m2/2\n"
    "left visible 1, none hidden -1\n";

static void test_store_memory_and_file(void **state)
{
    (void)state;
    char *err = NULL;
    stc_store *mem = stc_store_open(NULL, &err);
    assert_non_null(mem);
    assert_string_equal(stc_store_path(mem), ":memory:");
    char *a = stc_store_script(mem);
    stc_store_close(mem);
    char dir[] = "/tmp/stc-serve-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char *sub = stc_xasprintf("%s/state", dir); /* created by open */
    stc_store *file = stc_store_open(sub, &err);
    assert_non_null(file);
    char *b = stc_store_script(file);
    stc_store_close(file);
    assert_string_equal(a, stc_expected_script);
    assert_string_equal(b, a);
    /* the file keeps what was written */
    file = stc_store_open(sub, &err);
    assert_non_null(file);
    stc_store_value v;
    stc_store_key k = stc_k("a");
    assert_int_equal(stc_store_get(file, "table:t", &k, &v, &err), 0);
    assert_string_equal(v.data, "{\"x\": 1}");
    stc_store_value_free(&v);
    int64_t n = 0;
    stc_store_visible(file, "queue:q", 1100, &n, &err);
    assert_int_equal(n, 1);
    stc_store_close(file);
    /* a file in the way of the folder */
    char *path = stc_xasprintf("%s/state/%s", dir, STC_STORE_FILE);
    char *bad = stc_xasprintf("%s/state/%s/x", dir, STC_STORE_FILE);
    assert_null(stc_store_open(bad, &err));
    assert_non_null(strstr(err, "cannot create the state folder"));
    free(err);
    unlink(path);
    char *wal = stc_xasprintf("%s-wal", path), *shm = stc_xasprintf("%s-shm", path);
    unlink(wal);
    unlink(shm);
    rmdir(sub);
    rmdir(dir);
    free(wal);
    free(shm);
    free(bad);
    free(path);
    free(sub);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_match),    cmocka_unit_test(test_http_event), cmocka_unit_test(test_text_types),
        cmocka_unit_test(test_http_response), cmocka_unit_test(test_base64),     cmocka_unit_test(test_ws_routes), cmocka_unit_test(test_ws_input),
        cmocka_unit_test(test_sched),          cmocka_unit_test(test_store_memory_and_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
