/* apigw.h - what API Gateway does in front of the functions, for
 * `stc-tui serve`: an HTTP API's route matching, its Lambda proxy event
 * (payload format 2.0) and how it reads the function's answer; a WebSocket
 * API's route selection ($request.body.action) and its events.
 *
 * Pure functions over plain data and cJSON: no sockets, no Python, no
 * clock (times come in the request). docs/serve.md lists every rule and
 * where it follows AWS's documentation.
 *
 * Ownership: requests and responses own their strings (free with
 * stc_http_request_free / stc_http_response_free); cJSON trees returned
 * are the caller's; routes are borrowed from the compiled service.
 */
#ifndef STC_SERVE_APIGW_H
#define STC_SERVE_APIGW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/routes.h"

/* The Lambda request payload limit (synchronous invocation), which an HTTP
 * API's request body cannot exceed: 6 MB. */
#define STC_APIGW_MAX_BODY (6 * 1024 * 1024)
/* A WebSocket API's message limit: 128 KB. */
#define STC_APIGW_MAX_WS_MESSAGE (128 * 1024)
/* The local account, region and API id in ARNs and request contexts. */
#define STC_APIGW_ACCOUNT "123456789012"
#define STC_APIGW_REGION "us-east-1"
#define STC_APIGW_API_ID "local"

typedef struct stc_http_pair {
    char *name;  /* headers: lower case */
    char *value; /* NULL: a query argument without '=' */
} stc_http_pair;

typedef struct stc_http_request {
    char *method;            /* "GET" */
    char *path;              /* decoded, as the server read it: "/people/ann b" */
    stc_http_pair *args;     /* the query string's arguments, decoded, in order */
    size_t nargs;
    stc_http_pair *headers;  /* in order; names lower case */
    size_t nheaders;
    char *body;              /* NULL: none */
    size_t body_len;
    char source_ip[64];
    char protocol[16];       /* "HTTP/1.1" */
    int64_t time_ms;         /* arrival, epoch ms */
    char request_id[17];
} stc_http_request;

typedef struct stc_http_response {
    int status;
    stc_http_pair *headers;  /* without content-length (the server adds it) */
    size_t nheaders;
    char *body;
    size_t body_len;
} stc_http_response;

void stc_http_request_free(stc_http_request *rq);
void stc_http_response_free(stc_http_response *rs);
/* Append a pair (both copied; value may be NULL). */
void stc_http_pair_add(stc_http_pair **v, size_t *n, const char *name, const char *value);
/* The first header `name` (lower case), or NULL. */
const char *stc_http_header(const stc_http_pair *h, size_t n, const char *name);

/* API Gateway's own answers: {"message": message} as JSON. */
void stc_apigw_error(stc_http_response *out, int status, const char *message);
/* A JSON answer with the given body (copied). */
void stc_apigw_json(stc_http_response *out, int status, const char *json);
/* The same with a JSON value as the body (taken: freed here). */
void stc_apigw_json_value(stc_http_response *out, int status, cJSON *value);

/* The HTTP route for method + path: the one whose path template matches,
 * literal segments winning over parameters from the left (as an HTTP API
 * picks the most specific route). *params gets the pathParameters object
 * (the caller's). NULL: no route (API Gateway answers 404). */
const stc_route *stc_apigw_route(const stc_routes *r, const char *method, const char *path, cJSON **params);

/* "limit=5&tag=a%20b": the arguments percent-encoded again (RFC 3986
 * unreserved characters stay), joined by '&'. Allocated. */
char *stc_apigw_raw_query(const stc_http_request *rq);
/* The path percent-encoded the same way, '/' kept. Allocated. */
char *stc_apigw_raw_path(const char *path);

/* Does a body of this content type travel as text (isBase64Encoded false)?
 * Text: no content type, text/..., JSON, XML, JavaScript, form data. Binary
 * types and bodies that are not UTF-8 travel base64-encoded. */
bool stc_apigw_text_type(const char *content_type);

/* The payload 2.0 event of a request. `route` NULL gives routeKey
 * "$default"; `params` (may be NULL) is borrowed; `domain` is the Host the
 * client used ("127.0.0.1:8080"). */
cJSON *stc_apigw_http_event(const stc_http_request *rq, const stc_route *route, const cJSON *params,
                            const char *domain);

/* The HTTP answer from a function's result (payload 2.0): a JSON object
 * with "statusCode" gives status, headers, cookies (set-cookie), body
 * (base64-decoded when isBase64Encoded); any other value is inferred as
 * 200 application/json with that value as the body. Returns 0, or -1 when
 * the result is malformed (API Gateway answers 500 then). Adds
 * apigw-requestid. */
int stc_apigw_http_response(const cJSON *result, const char *request_id, stc_http_response *out);

/* WebSocket. The connection as API Gateway knows it. */
typedef struct stc_ws_conn_info {
    char connection_id[17];
    char source_ip[64];
    char *user_agent;        /* may be NULL */
    int64_t connected_at;    /* epoch ms */
    const char *stage;       /* the API's stage: the mode ("dev") */
    const char *domain;      /* "127.0.0.1:8080" */
    const char *context;     /* JSON text: what $connect's authorization put into
                                every event's requestContext (serve/auth.h), or NULL */
} stc_ws_conn_info;

/* The route key a message goes to: its JSON "action" when a route has that
 * key, else "$default" when there is one, else NULL (no route). */
const char *stc_apigw_ws_route_key(const stc_routes *r, const char *body, size_t len);
/* The WebSocket route of a key, or NULL. */
const stc_ws_route *stc_apigw_ws_route(const stc_routes *r, const char *route_key);

/* The events: $connect (with the upgrade request's headers and query
 * string), a message (body), $disconnect (status code and reason). */
cJSON *stc_apigw_ws_connect_event(const stc_ws_conn_info *c, const stc_http_request *upgrade, int64_t now_ms);
cJSON *stc_apigw_ws_message_event(const stc_ws_conn_info *c, const char *route_key, const char *body, size_t len,
                                  int64_t now_ms);
cJSON *stc_apigw_ws_disconnect_event(const stc_ws_conn_info *c, int status, const char *reason, int64_t now_ms);

/* The execution input an async WebSocket handler's route starts its
 * workflow with, as the template's Step Functions integration builds it
 * (docs/template.md, "WebSocket workflows"): the method's first two
 * parameters get the callback URL (https://DOMAIN/STAGE) and the
 * connection id; then each message field the JSON message `body` has, as
 * its JSON; for $connect (`upgrade` given, no body) each field a query
 * argument (else a header) of that name gives, as text, unless empty. */
cJSON *stc_apigw_ws_input(const stc_ws_route *rt, const stc_ws_conn_info *c, const stc_http_request *upgrade,
                          const char *body, size_t len);

/* The message API Gateway sends a WebSocket client when the route's
 * integration failed (`what`: "Internal server error") or no route took
 * the message ("Forbidden"). Allocated JSON text. */
char *stc_apigw_ws_error(const char *what, const char *connection_id, const char *request_id);

/* base64 of n bytes (allocated), and back (-1: not base64). */
char *stc_apigw_base64(const void *data, size_t n);
int stc_apigw_unbase64(const char *text, size_t n, char **out, size_t *len);

#endif
