/* apigw.c - see apigw.h. */
#include "serve/apigw.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "serve/ids.h"

/* ---- requests and responses ------------------------------------------------ */

void stc_http_pair_add(stc_http_pair **v, size_t *n, const char *name, const char *value)
{
    *v = stc_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[*n].name = stc_xstrdup(name);
    (*v)[*n].value = value ? stc_xstrdup(value) : NULL;
    (*n)++;
}

static void stc_http_pairs_free(stc_http_pair *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].name);
        free(v[i].value);
    }
    free(v);
}

void stc_http_request_free(stc_http_request *rq)
{
    if (!rq)
        return;
    free(rq->method);
    free(rq->path);
    stc_http_pairs_free(rq->args, rq->nargs);
    stc_http_pairs_free(rq->headers, rq->nheaders);
    free(rq->body);
    memset(rq, 0, sizeof *rq);
}

void stc_http_response_free(stc_http_response *rs)
{
    if (!rs)
        return;
    stc_http_pairs_free(rs->headers, rs->nheaders);
    free(rs->body);
    memset(rs, 0, sizeof *rs);
}

const char *stc_http_header(const stc_http_pair *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return h[i].value ? h[i].value : "";
    return NULL;
}

void stc_apigw_json(stc_http_response *out, int status, const char *json)
{
    memset(out, 0, sizeof *out);
    out->status = status;
    stc_http_pair_add(&out->headers, &out->nheaders, "content-type", "application/json");
    out->body_len = strlen(json);
    out->body = stc_xstrndup(json, out->body_len);
}

void stc_apigw_json_value(stc_http_response *out, int status, cJSON *value)
{
    char *t = cJSON_PrintUnformatted(value);
    cJSON_Delete(value);
    stc_apigw_json(out, status, t);
    free(t);
}

void stc_apigw_error(stc_http_response *out, int status, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "message", message);
    char *t = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    stc_apigw_json(out, status, t);
    free(t);
}

/* ---- routes ----------------------------------------------------------------- */

/* Does path match the template? Fills params (names from the template,
 * values from the path) and the specificity: one bit per segment, set for
 * a literal, most significant first. */
static bool stc_apigw_match(const char *tmpl, const char *path, cJSON *params, uint64_t *score)
{
    const char *t = tmpl, *p = path;
    uint64_t s = 0;
    int seg = 0;
    for (;;) {
        if (*t == '\0' && *p == '\0') {
            *score = s;
            return true;
        }
        if (*t != '/' || *p != '/')
            return false;
        t++, p++;
        const char *te = strchr(t, '/');
        const char *pe = strchr(p, '/');
        size_t tl = te ? (size_t)(te - t) : strlen(t);
        size_t pl = pe ? (size_t)(pe - p) : strlen(p);
        bool var = tl >= 2 && t[0] == '{' && t[tl - 1] == '}';
        if (var) {
            if (pl == 0)
                return false;
            if (params) {
                char *name = stc_xstrndup(t + 1, tl - 2);
                char *value = stc_xstrndup(p, pl);
                cJSON_AddStringToObject(params, name, value);
                free(name);
                free(value);
            }
        } else {
            if (tl != pl || memcmp(t, p, tl) != 0)
                return false;
            if (seg < 63)
                s |= (uint64_t)1 << (62 - seg);
        }
        seg++;
        t += tl, p += pl;
    }
}

const stc_route *stc_apigw_route(const stc_routes *r, const char *method, const char *path, cJSON **params)
{
    *params = NULL;
    const stc_route *best = NULL;
    uint64_t best_score = 0;
    for (size_t i = 0; r && i < r->nhttp; i++) {
        const stc_route *rt = &r->http[i];
        uint64_t score = 0;
        if (strcmp(rt->http_method, method) != 0 || !stc_apigw_match(rt->path, path, NULL, &score))
            continue;
        if (!best || score > best_score) {
            best = rt;
            best_score = score;
        }
    }
    if (best) {
        cJSON *p = cJSON_CreateObject();
        uint64_t s;
        stc_apigw_match(best->path, path, p, &s);
        *params = p;
    }
    return best;
}

/* ---- encodings ----------------------------------------------------------------- */

static void stc_apigw_pct(stc_buf *b, const char *s, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~' || (keep_slash && *p == '/')) {
            stc_buf_putc(b, (char)*p);
        } else {
            stc_buf_putc(b, '%');
            stc_buf_putc(b, hex[*p >> 4]);
            stc_buf_putc(b, hex[*p & 15]);
        }
    }
}

char *stc_apigw_raw_query(const stc_http_request *rq)
{
    stc_buf b = STC_BUF_INIT;
    for (size_t i = 0; i < rq->nargs; i++) {
        if (i)
            stc_buf_putc(&b, '&');
        stc_apigw_pct(&b, rq->args[i].name, false);
        if (rq->args[i].value) {
            stc_buf_putc(&b, '=');
            stc_apigw_pct(&b, rq->args[i].value, false);
        }
    }
    stc_buf_cstr(&b);
    return stc_buf_take(&b);
}

char *stc_apigw_raw_path(const char *path)
{
    stc_buf b = STC_BUF_INIT;
    stc_apigw_pct(&b, path, true);
    stc_buf_cstr(&b);
    return stc_buf_take(&b);
}

bool stc_apigw_text_type(const char *ct)
{
    if (!ct || !*ct)
        return true;
    size_t n = strcspn(ct, ";");
    while (n > 0 && isspace((unsigned char)ct[n - 1]))
        n--;
    char *t = stc_xstrndup(ct, n);
    for (char *p = t; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    bool text = strncmp(t, "text/", 5) == 0 || strcmp(t, "application/json") == 0 ||
                strcmp(t, "application/javascript") == 0 || strcmp(t, "application/xml") == 0 ||
                strcmp(t, "application/x-www-form-urlencoded") == 0 || strcmp(t, "application/graphql") == 0 ||
                strcmp(t, "application/yaml") == 0 || strcmp(t, "application/x-yaml") == 0 ||
                (n > 5 && strcmp(t + n - 5, "+json") == 0) || (n > 4 && strcmp(t + n - 4, "+xml") == 0);
    free(t);
    return text;
}

char *stc_apigw_base64(const void *data, size_t n)
{
    char *out = stc_xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock((unsigned char *)out, data, (int)n);
    return out;
}

int stc_apigw_unbase64(const char *text, size_t n, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    if (n % 4 != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        bool pad = c == '=' && i >= n - 2 && (i == n - 1 || text[n - 1] == '=');
        if (!(isalnum(c) || c == '+' || c == '/' || pad))
            return -1;
    }
    char *buf = stc_xmalloc(n / 4 * 3 + 1);
    int got = n ? EVP_DecodeBlock((unsigned char *)buf, (const unsigned char *)text, (int)n) : 0;
    if (got < 0) {
        free(buf);
        return -1;
    }
    size_t pad = n >= 1 && text[n - 1] == '=' ? (n >= 2 && text[n - 2] == '=' ? 2 : 1) : 0;
    *len = (size_t)got - pad;
    buf[*len] = '\0';
    *out = buf;
    return 0;
}

/* ---- the HTTP API event ----------------------------------------------------------- */

/* Headers as API Gateway passes them: names lower case, repeated headers
 * joined with commas; cookies go to their own list. */
static void stc_apigw_headers(const stc_http_request *rq, cJSON *ev, bool with_cookies)
{
    cJSON *h = cJSON_CreateObject();
    cJSON *cookies = NULL;
    for (size_t i = 0; i < rq->nheaders; i++) {
        const stc_http_pair *p = &rq->headers[i];
        const char *v = p->value ? p->value : "";
        if (with_cookies && strcmp(p->name, "cookie") == 0) {
            if (!cookies)
                cookies = cJSON_CreateArray();
            char *copy = stc_xstrdup(v);
            char *save = NULL;
            for (char *c = strtok_r(copy, ";", &save); c; c = strtok_r(NULL, ";", &save)) {
                while (*c == ' ')
                    c++;
                if (*c)
                    cJSON_AddItemToArray(cookies, cJSON_CreateString(c));
            }
            free(copy);
            continue;
        }
        cJSON *old = cJSON_GetObjectItemCaseSensitive(h, p->name);
        if (old) {
            char *joined = stc_xasprintf("%s,%s", cJSON_GetStringValue(old), v);
            cJSON_ReplaceItemInObjectCaseSensitive(h, p->name, cJSON_CreateString(joined));
            free(joined);
        } else {
            cJSON_AddStringToObject(h, p->name, v);
        }
    }
    if (cookies)
        cJSON_AddItemToObject(ev, "cookies", cookies);
    cJSON_AddItemToObject(ev, "headers", h);
}

/* queryStringParameters: repeated arguments joined with commas. */
static cJSON *stc_apigw_query_object(const stc_http_request *rq)
{
    if (!rq->nargs)
        return NULL;
    cJSON *q = cJSON_CreateObject();
    for (size_t i = 0; i < rq->nargs; i++) {
        const char *v = rq->args[i].value ? rq->args[i].value : "";
        cJSON *old = cJSON_GetObjectItemCaseSensitive(q, rq->args[i].name);
        if (old) {
            char *joined = stc_xasprintf("%s,%s", cJSON_GetStringValue(old), v);
            cJSON_ReplaceItemInObjectCaseSensitive(q, rq->args[i].name, cJSON_CreateString(joined));
            free(joined);
        } else {
            cJSON_AddStringToObject(q, rq->args[i].name, v);
        }
    }
    return q;
}

static void stc_apigw_domain_prefix(const char *domain, char *out, size_t n)
{
    size_t len = strcspn(domain, ".:");
    snprintf(out, n, "%.*s", (int)len, domain);
}

cJSON *stc_apigw_http_event(const stc_http_request *rq, const stc_route *route, const cJSON *params,
                            const char *domain)
{
    cJSON *ev = cJSON_CreateObject();
    char *route_key = route ? stc_xasprintf("%s %s", route->http_method, route->path) : stc_xstrdup("$default");
    char *raw_path = stc_apigw_raw_path(rq->path);
    char *raw_query = stc_apigw_raw_query(rq);
    cJSON_AddStringToObject(ev, "version", "2.0");
    cJSON_AddStringToObject(ev, "routeKey", route_key);
    cJSON_AddStringToObject(ev, "rawPath", raw_path);
    cJSON_AddStringToObject(ev, "rawQueryString", raw_query);
    stc_apigw_headers(rq, ev, true);
    cJSON *q = stc_apigw_query_object(rq);
    if (q)
        cJSON_AddItemToObject(ev, "queryStringParameters", q);
    cJSON *ctx = cJSON_AddObjectToObject(ev, "requestContext");
    char prefix[64];
    stc_apigw_domain_prefix(domain, prefix, sizeof prefix);
    cJSON_AddStringToObject(ctx, "accountId", STC_APIGW_ACCOUNT);
    cJSON_AddStringToObject(ctx, "apiId", STC_APIGW_API_ID);
    cJSON_AddStringToObject(ctx, "domainName", domain);
    cJSON_AddStringToObject(ctx, "domainPrefix", prefix);
    cJSON *http = cJSON_AddObjectToObject(ctx, "http");
    cJSON_AddStringToObject(http, "method", rq->method);
    cJSON_AddStringToObject(http, "path", rq->path);
    cJSON_AddStringToObject(http, "protocol", rq->protocol[0] ? rq->protocol : "HTTP/1.1");
    cJSON_AddStringToObject(http, "sourceIp", rq->source_ip);
    const char *ua = stc_http_header(rq->headers, rq->nheaders, "user-agent");
    cJSON_AddStringToObject(http, "userAgent", ua ? ua : "");
    cJSON_AddStringToObject(ctx, "requestId", rq->request_id);
    cJSON_AddStringToObject(ctx, "routeKey", route_key);
    cJSON_AddStringToObject(ctx, "stage", "$default");
    char when[40];
    stc_ids_clf_time(rq->time_ms, when, sizeof when);
    cJSON_AddStringToObject(ctx, "time", when);
    cJSON_AddNumberToObject(ctx, "timeEpoch", (double)rq->time_ms);
    if (rq->body) {
        const char *ct = stc_http_header(rq->headers, rq->nheaders, "content-type");
        size_t bad;
        if (stc_apigw_text_type(ct) && stc_utf8_valid(rq->body, rq->body_len, &bad) &&
            memchr(rq->body, '\0', rq->body_len) == NULL) {
            cJSON_AddStringToObject(ev, "body", rq->body);
            cJSON_AddFalseToObject(ev, "isBase64Encoded");
        } else {
            char *b64 = stc_apigw_base64(rq->body, rq->body_len);
            cJSON_AddStringToObject(ev, "body", b64);
            free(b64);
            cJSON_AddTrueToObject(ev, "isBase64Encoded");
        }
    } else {
        cJSON_AddFalseToObject(ev, "isBase64Encoded");
    }
    if (params && params->child)
        cJSON_AddItemToObject(ev, "pathParameters", cJSON_Duplicate(params, true));
    free(route_key);
    free(raw_path);
    free(raw_query);
    return ev;
}

/* ---- the function's answer --------------------------------------------------------- */

/* A header value as text: strings as they are, numbers and booleans printed. */
static char *stc_apigw_header_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return stc_xstrdup(v->valuestring);
    if (cJSON_IsBool(v))
        return stc_xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v))
        return cJSON_PrintUnformatted(v);
    return NULL;
}

static bool stc_apigw_header_ok(const char *name, const char *value)
{
    if (!*name)
        return false;
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == ':' || (unsigned char)*p >= 0x7f)
            return false;
    for (const char *p = value; *p; p++)
        if (*p == '\r' || *p == '\n')
            return false;
    return true;
}

int stc_apigw_http_response(const cJSON *result, const char *request_id, stc_http_response *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *code = cJSON_IsObject(result) ? cJSON_GetObjectItemCaseSensitive(result, "statusCode") : NULL;
    if (!code) {
        /* inferred: the whole result is the JSON body */
        char *t = cJSON_PrintUnformatted(result);
        stc_apigw_json(out, 200, t ? t : "null");
        free(t);
    } else {
        double d = cJSON_IsNumber(code) ? code->valuedouble : -1;
        if (!cJSON_IsNumber(code) || d != (double)(int)d || d < 100 || d > 599)
            return -1;
        out->status = (int)d;
        const cJSON *hs = cJSON_GetObjectItemCaseSensitive(result, "headers");
        for (const cJSON *h = cJSON_IsObject(hs) ? hs->child : NULL; h; h = h->next) {
            char *v = stc_apigw_header_text(h);
            if (!v)
                continue;
            char *name = stc_xstrdup(h->string);
            for (char *p = name; *p; p++)
                *p = (char)tolower((unsigned char)*p);
            if (stc_apigw_header_ok(name, v) && strcmp(name, "content-length") != 0) {
                stc_http_pair_add(&out->headers, &out->nheaders, name, v);
            }
            free(name);
            free(v);
        }
        const cJSON *cookies = cJSON_GetObjectItemCaseSensitive(result, "cookies");
        for (const cJSON *c = cJSON_IsArray(cookies) ? cookies->child : NULL; c; c = c->next)
            if (cJSON_IsString(c) && stc_apigw_header_ok("set-cookie", c->valuestring))
                stc_http_pair_add(&out->headers, &out->nheaders, "set-cookie", c->valuestring);
        const cJSON *body = cJSON_GetObjectItemCaseSensitive(result, "body");
        const cJSON *b64 = cJSON_GetObjectItemCaseSensitive(result, "isBase64Encoded");
        if (cJSON_IsString(body)) {
            if (cJSON_IsTrue(b64)) {
                if (stc_apigw_unbase64(body->valuestring, strlen(body->valuestring), &out->body, &out->body_len) !=
                    0) {
                    stc_http_response_free(out);
                    return -1;
                }
            } else {
                out->body_len = strlen(body->valuestring);
                out->body = stc_xstrndup(body->valuestring, out->body_len);
            }
        } else if (body && !cJSON_IsNull(body)) {
            out->body = cJSON_PrintUnformatted(body);
            out->body_len = strlen(out->body);
        }
    }
    if (request_id)
        stc_http_pair_add(&out->headers, &out->nheaders, "apigw-requestid", request_id);
    return 0;
}

/* ---- WebSocket ------------------------------------------------------------------- */

const stc_ws_route *stc_apigw_ws_route(const stc_routes *r, const char *route_key)
{
    for (size_t i = 0; r && route_key && i < r->nws; i++)
        if (strcmp(r->ws[i].route_key, route_key) == 0)
            return &r->ws[i];
    return NULL;
}

const char *stc_apigw_ws_route_key(const stc_routes *r, const char *body, size_t len)
{
    cJSON *doc = cJSON_ParseWithLength(body, len);
    const cJSON *action = cJSON_IsObject(doc) ? cJSON_GetObjectItemCaseSensitive(doc, "action") : NULL;
    const stc_ws_route *rt = NULL;
    if (cJSON_IsString(action) && action->valuestring[0] != '$')
        rt = stc_apigw_ws_route(r, action->valuestring);
    cJSON_Delete(doc);
    if (!rt)
        rt = stc_apigw_ws_route(r, "$default");
    return rt ? rt->route_key : NULL;
}

static cJSON *stc_apigw_ws_context(const stc_ws_conn_info *c, const char *route_key, const char *event_type,
                                   int64_t now_ms)
{
    cJSON *ctx = cJSON_CreateObject();
    char rid[17], xid[17], when[40];
    stc_ids_short(rid);
    stc_ids_short(xid);
    stc_ids_clf_time(now_ms, when, sizeof when);
    cJSON_AddStringToObject(ctx, "routeKey", route_key);
    cJSON_AddStringToObject(ctx, "eventType", event_type);
    cJSON_AddStringToObject(ctx, "extendedRequestId", xid);
    cJSON_AddStringToObject(ctx, "requestTime", when);
    cJSON_AddStringToObject(ctx, "messageDirection", "IN");
    cJSON_AddStringToObject(ctx, "stage", c->stage);
    cJSON_AddNumberToObject(ctx, "connectedAt", (double)c->connected_at);
    cJSON_AddNumberToObject(ctx, "requestTimeEpoch", (double)now_ms);
    cJSON *id = cJSON_AddObjectToObject(ctx, "identity");
    cJSON_AddStringToObject(id, "sourceIp", c->source_ip);
    if (c->user_agent)
        cJSON_AddStringToObject(id, "userAgent", c->user_agent);
    cJSON_AddStringToObject(ctx, "requestId", rid);
    cJSON_AddStringToObject(ctx, "domainName", c->domain);
    cJSON_AddStringToObject(ctx, "connectionId", c->connection_id);
    cJSON_AddStringToObject(ctx, "apiId", STC_APIGW_API_ID);
    /* the connection's authorization, in every event of it: the IAM
     * caller's fields join the identity, a Lambda authorizer's answer is
     * the authorizer */
    cJSON *auth = c->context ? cJSON_Parse(c->context) : NULL;
    const cJSON *more = cJSON_GetObjectItemCaseSensitive(auth, "identity");
    const cJSON *f;
    cJSON_ArrayForEach(f, more) cJSON_AddItemToObject(id, f->string, cJSON_Duplicate(f, true));
    const cJSON *authz = cJSON_GetObjectItemCaseSensitive(auth, "authorizer");
    if (authz)
        cJSON_AddItemToObject(ctx, "authorizer", cJSON_Duplicate(authz, true));
    cJSON_Delete(auth);
    return ctx;
}

cJSON *stc_apigw_ws_connect_event(const stc_ws_conn_info *c, const stc_http_request *upgrade, int64_t now_ms)
{
    cJSON *ev = cJSON_CreateObject();
    if (upgrade) {
        stc_apigw_headers(upgrade, ev, false);
        cJSON *mh = cJSON_AddObjectToObject(ev, "multiValueHeaders");
        for (size_t i = 0; i < upgrade->nheaders; i++) {
            cJSON *arr = cJSON_GetObjectItemCaseSensitive(mh, upgrade->headers[i].name);
            if (!arr)
                arr = cJSON_AddArrayToObject(mh, upgrade->headers[i].name);
            cJSON_AddItemToArray(arr, cJSON_CreateString(upgrade->headers[i].value ? upgrade->headers[i].value : ""));
        }
        cJSON *q = stc_apigw_query_object(upgrade);
        if (q) {
            cJSON_AddItemToObject(ev, "queryStringParameters", q);
            cJSON *mq = cJSON_AddObjectToObject(ev, "multiValueQueryStringParameters");
            for (size_t i = 0; i < upgrade->nargs; i++) {
                cJSON *arr = cJSON_GetObjectItemCaseSensitive(mq, upgrade->args[i].name);
                if (!arr)
                    arr = cJSON_AddArrayToObject(mq, upgrade->args[i].name);
                cJSON_AddItemToArray(arr,
                                     cJSON_CreateString(upgrade->args[i].value ? upgrade->args[i].value : ""));
            }
        }
    }
    cJSON_AddItemToObject(ev, "requestContext", stc_apigw_ws_context(c, "$connect", "CONNECT", now_ms));
    cJSON_AddFalseToObject(ev, "isBase64Encoded");
    return ev;
}

cJSON *stc_apigw_ws_message_event(const stc_ws_conn_info *c, const char *route_key, const char *body, size_t len,
                                  int64_t now_ms)
{
    cJSON *ev = cJSON_CreateObject();
    cJSON *ctx = stc_apigw_ws_context(c, route_key, "MESSAGE", now_ms);
    char mid[17];
    stc_ids_short(mid);
    cJSON_AddStringToObject(ctx, "messageId", mid);
    cJSON_AddItemToObject(ev, "requestContext", ctx);
    char *text = stc_xstrndup(body, len);
    cJSON_AddStringToObject(ev, "body", text);
    free(text);
    cJSON_AddFalseToObject(ev, "isBase64Encoded");
    return ev;
}

cJSON *stc_apigw_ws_disconnect_event(const stc_ws_conn_info *c, int status, const char *reason, int64_t now_ms)
{
    cJSON *ev = cJSON_CreateObject();
    cJSON *ctx = stc_apigw_ws_context(c, "$disconnect", "DISCONNECT", now_ms);
    cJSON_AddNumberToObject(ctx, "disconnectStatusCode", status);
    cJSON_AddStringToObject(ctx, "disconnectReason", reason ? reason : "");
    cJSON_AddItemToObject(ev, "requestContext", ctx);
    cJSON_AddFalseToObject(ev, "isBase64Encoded");
    return ev;
}

static const char *stc_apigw_pair_find(const stc_http_pair *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].name, name) == 0)
            return v[i].value ? v[i].value : "";
    return NULL;
}

cJSON *stc_apigw_ws_input(const stc_ws_route *rt, const stc_ws_conn_info *c, const stc_http_request *upgrade,
                          const char *body, size_t len)
{
    cJSON *in = cJSON_CreateObject();
    const stc_method *m = rt->method;
    const char *first[2] = {NULL, NULL};
    for (size_t i = 0, k = 0; i < m->nparams && k < 2; i++)
        if (!m->params[i].vararg && !m->params[i].kwarg)
            first[k++] = m->params[i].name;
    if (first[0]) {
        char *url = stc_xasprintf("https://%s/%s", c->domain, c->stage);
        cJSON_AddStringToObject(in, first[0], url);
        free(url);
    }
    if (first[1])
        cJSON_AddStringToObject(in, first[1], c->connection_id);
    cJSON *message = !upgrade && body ? cJSON_ParseWithLength(body, len) : NULL;
    for (size_t i = 0; i < rt->nparams; i++) {
        const char *f = rt->params[i].name;
        if ((first[0] && strcmp(f, first[0]) == 0) || (first[1] && strcmp(f, first[1]) == 0))
            continue;
        if (upgrade) {
            const char *v = stc_apigw_pair_find(upgrade->args, upgrade->nargs, f);
            if (!v)
                v = stc_apigw_pair_find(upgrade->headers, upgrade->nheaders, f);
            if (v && *v)
                cJSON_AddStringToObject(in, f, v);
        } else if (cJSON_IsObject(message)) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(message, f);
            if (v)
                cJSON_AddItemToObject(in, f, cJSON_Duplicate(v, true));
        }
    }
    cJSON_Delete(message);
    return in;
}

char *stc_apigw_ws_error(const char *what, const char *connection_id, const char *request_id)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "message", what);
    cJSON_AddStringToObject(o, "connectionId", connection_id);
    cJSON_AddStringToObject(o, "requestId", request_id);
    char *t = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return t;
}
