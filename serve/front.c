/* front.c - see front.h. One libwebsockets protocol serves both HTTP and
 * WebSocket; its per-connection data is a stc_pss. */
#include "serve/front.h"

#include <errno.h>
#include <libwebsockets.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "serve/apigw.h"
#include "serve/auth.h"
#include "serve/ids.h"

/* WebSocket flow control: messages in the worker before the client is
 * paused, and bytes waiting to be sent before it is dropped. */
#define STC_FRONT_WS_INFLIGHT 16
#define STC_FRONT_WS_OUT_MAX (16u * 1024 * 1024)
/* Bytes written per writeable callback. */
#define STC_FRONT_CHUNK 65536
/* How long the shutdown waits for clients (ms). */
#define STC_FRONT_GRACE_MS 5000.0

typedef struct stc_frame {
    char *data; /* LWS_PRE bytes of headroom, then len bytes */
    size_t len;
    struct stc_frame *next;
} stc_frame;

typedef struct stc_pss {
    uint64_t serial;
    bool ws;
    /* HTTP */
    stc_msg *req;          /* being read */
    bool in_flight;        /* with the worker */
    stc_msg *answer;       /* being written */
    size_t written;
    bool headers_sent;
    bool close_after;      /* the connection cannot carry another request */
    /* WebSocket */
    char id[17];
    stc_msg *upgrade;      /* the upgrade request, until $connect is sent */
    char *context;         /* what its authorization found (JSON), until then */
    stc_buf in;            /* the message being put together */
    bool in_error;
    stc_frame *out_head, *out_tail;
    size_t out_bytes;
    int pending;           /* messages with the worker */
    bool paused;
    bool closing;
    int close_code;
    char close_reason[124];
    int peer_code;         /* the code of the client's close frame */
    char peer_reason[124];
} stc_pss;

/* serial -> live connection, open addressing (front thread only). */
typedef struct stc_smap {
    uint64_t *keys;        /* 0: empty */
    struct lws **vals;
    size_t cap, n;
} stc_smap;

struct stc_front {
    struct lws_context *ctx;
    stc_bus *bus;
    stc_smap map;
    uint64_t next_serial;
    uint64_t next_seq;
    int port;
    bool draining;
    bool drain_sent;
    bool stopped;          /* the worker said STC_MSG_STOPPED */
    size_t http_active;    /* requests read and not yet answered */
    size_t ws_open;
    double drain_started;
    unsigned char *wbuf;   /* LWS_PRE + STC_FRONT_CHUNK, for writes */
    lws_sorted_usec_list_t tick; /* wakes the loop while it shuts down */
};

static char stc_front_last_error[256];

/* ---- the serial map ----------------------------------------------------------------- */

static size_t stc_smap_slot(const stc_smap *m, uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
}

static void stc_smap_put(stc_smap *m, uint64_t k, struct lws *v)
{
    if ((m->n + 1) * 2 > m->cap) {
        stc_smap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = stc_xcalloc(m->cap, sizeof *m->keys);
        m->vals = stc_xcalloc(m->cap, sizeof *m->vals);
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i])
                stc_smap_put(m, old.keys[i], old.vals[i]);
        free(old.keys);
        free(old.vals);
    }
    size_t i = stc_smap_slot(m, k);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = k;
    m->vals[i] = v;
}

static struct lws *stc_smap_get(const stc_smap *m, uint64_t k)
{
    if (!m->cap || !k)
        return NULL;
    for (size_t i = stc_smap_slot(m, k); m->keys[i]; i = (i + 1) & (m->cap - 1))
        if (m->keys[i] == k)
            return m->vals[i];
    return NULL;
}

static void stc_smap_del(stc_smap *m, uint64_t k)
{
    if (!m->cap || !k)
        return;
    size_t i = stc_smap_slot(m, k);
    while (m->keys[i] && m->keys[i] != k)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        return;
    m->keys[i] = 0;
    m->n--;
    /* backward shift: re-place the entries of the run after i */
    for (size_t j = (i + 1) & (m->cap - 1); m->keys[j]; j = (j + 1) & (m->cap - 1)) {
        uint64_t key = m->keys[j];
        struct lws *v = m->vals[j];
        m->keys[j] = 0;
        m->n--;
        stc_smap_put(m, key, v);
    }
}

/* ---- requests ------------------------------------------------------------------------- */

static stc_front *stc_front_of(struct lws *wsi)
{
    return lws_context_user(lws_get_context(wsi));
}

static const char *stc_front_method(struct lws *wsi)
{
    static const struct {
        enum lws_token_indexes tok;
        const char *name;
    } methods[] = {
        {WSI_TOKEN_GET_URI, "GET"},       {WSI_TOKEN_POST_URI, "POST"},   {WSI_TOKEN_PUT_URI, "PUT"},
        {WSI_TOKEN_PATCH_URI, "PATCH"},   {WSI_TOKEN_DELETE_URI, "DELETE"}, {WSI_TOKEN_OPTIONS_URI, "OPTIONS"},
        {WSI_TOKEN_HEAD_URI, "HEAD"},
    };
    for (size_t i = 0; i < STC_ARRAY_LEN(methods); i++)
        if (lws_hdr_total_length(wsi, methods[i].tok) > 0)
            return methods[i].name;
    return NULL;
}

/* A header token's value (allocated), or NULL. */
static char *stc_front_hdr(struct lws *wsi, enum lws_token_indexes tok)
{
    int n = lws_hdr_total_length(wsi, tok);
    if (n <= 0)
        return NULL;
    char *v = stc_xmalloc((size_t)n + 1);
    if (lws_hdr_copy(wsi, v, n + 1, tok) < 0) {
        free(v);
        return NULL;
    }
    return v;
}

/* Headers libwebsockets does not know by name, looked up one by one (it
 * keeps them, but 4.1 has no way to list them). */
static const char *const stc_front_custom[] = {
    "x-amz-date:", "x-amz-security-token:", "x-amz-content-sha256:", "x-amz-user-agent:", "x-amz-target:",
    "x-amzn-trace-id:", "x-api-key:", "x-request-id:", "x-correlation-id:", "x-trace-id:", "traceparent:",
    "tracestate:", "x-forwarded-proto:", "x-forwarded-port:", "x-forwarded-host:", "x-requested-with:",
    "x-csrf-token:", "x-xsrf-token:", "idempotency-key:", "x-idempotency-key:", "x-client-id:",
    "x-tenant-id:", "x-user-id:", "x-session-id:", "x-device-id:", "x-app-version:", "x-signature:",
    "x-hub-signature:", "x-hub-signature-256:", "sec-websocket-extensions:", "sec-fetch-mode:",
    "sec-fetch-site:", "sec-fetch-dest:", "sec-ch-ua:", "dnt:", "purpose:",
};

static void stc_front_headers(struct lws *wsi, stc_http_request *rq)
{
    for (int t = WSI_TOKEN_HOST; t < WSI_TOKEN_COUNT; t++) {
        if (t == WSI_TOKEN_HTTP_URI_ARGS || t == WSI_TOKEN_PATCH_URI || t == WSI_TOKEN_PUT_URI ||
            t == WSI_TOKEN_DELETE_URI || t == WSI_TOKEN_HEAD_URI || t == WSI_TOKEN_HTTP ||
            (t >= WSI_TOKEN_HTTP_COLON_AUTHORITY && t <= WSI_TOKEN_HTTP_COLON_STATUS))
            continue;
        const char *name = (const char *)lws_token_to_string((enum lws_token_indexes)t);
        if (!name || !*name || name[strlen(name) - 1] != ':')
            continue;
        char *v = stc_front_hdr(wsi, (enum lws_token_indexes)t);
        if (!v)
            continue;
        char *n = stc_xstrndup(name, strlen(name) - 1);
        for (char *p = n; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
        stc_http_pair_add(&rq->headers, &rq->nheaders, n, v);
        free(n);
        free(v);
    }
    for (size_t i = 0; i < STC_ARRAY_LEN(stc_front_custom); i++) {
        const char *name = stc_front_custom[i];
        int nl = (int)strlen(name);
        int len = lws_hdr_custom_length(wsi, name, nl);
        if (len < 0)
            continue;
        char *v = stc_xmalloc((size_t)len + 1);
        if (lws_hdr_custom_copy(wsi, v, len + 1, name, nl) >= 0) {
            char *n = stc_xstrndup(name, (size_t)nl - 1);
            stc_http_pair_add(&rq->headers, &rq->nheaders, n, v);
            free(n);
        }
        free(v);
    }
}

static void stc_front_args(struct lws *wsi, stc_http_request *rq)
{
    for (int i = 0;; i++) {
        int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n <= 0)
            break;
        char *frag = stc_xmalloc((size_t)n + 1);
        if (lws_hdr_copy_fragment(wsi, frag, n + 1, WSI_TOKEN_HTTP_URI_ARGS, i) < 0) {
            free(frag);
            break;
        }
        char *eq = strchr(frag, '=');
        if (eq)
            *eq = '\0';
        stc_http_pair_add(&rq->args, &rq->nargs, frag, eq ? eq + 1 : NULL);
        free(frag);
    }
}

/* The request line and headers of wsi as a message. */
static stc_msg *stc_front_request(stc_front *f, struct lws *wsi, const char *method, const char *path)
{
    stc_msg *m = stc_msg_new(STC_MSG_HTTP);
    m->seq = ++f->next_seq;
    stc_http_request *rq = &m->rq;
    rq->method = stc_xstrdup(method);
    rq->path = stc_xstrdup(path && *path ? path : "/");
    stc_front_args(wsi, rq);
    stc_front_headers(wsi, rq);
    lws_get_peer_simple(wsi, rq->source_ip, sizeof rq->source_ip);
    snprintf(rq->protocol, sizeof rq->protocol, "%s", lws_hdr_total_length(wsi, WSI_TOKEN_HTTP1_0) ? "HTTP/1.0"
                                                                                                    : "HTTP/1.1");
    rq->time_ms = stc_ids_now_ms();
    stc_ids_short(rq->request_id);
    return m;
}

/* Log an answer the front gives by itself (413, 503, a refused WebSocket
 * handshake): `type` "request" or "websocket". */
static void stc_front_log(stc_front *f, const stc_msg *m, const char *type, const char *method, const char *path)
{
    if (f->bus->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", type);
        cJSON_AddNumberToObject(o, "seq", (double)m->seq);
        cJSON_AddStringToObject(o, "method", method);
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddNumberToObject(o, "status", m->rs.status);
        cJSON_AddStringToObject(o, "unit", "-");
        cJSON_AddNumberToObject(o, "ms", 0);
        cJSON_AddNullToObject(o, "event");
        cJSON *r = cJSON_AddObjectToObject(o, "response");
        cJSON_AddNumberToObject(r, "statusCode", m->rs.status);
        cJSON_AddStringToObject(r, "body", m->rs.body ? m->rs.body : "");
        char when[40];
        stc_ids_iso8601_ms(stc_ids_now_ms(), when, sizeof when);
        cJSON_AddStringToObject(o, "time", when);
        char *t = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        stc_bus_log(f->bus, t);
        free(t);
    } else {
        time_t t = time(NULL);
        struct tm tm;
        localtime_r(&t, &tm);
        char clock[16], line[512];
        strftime(clock, sizeof clock, "%H:%M:%S", &tm);
        snprintf(line, sizeof line, "%s %s %.300s %d - 0.00 ms", clock, method, path, m->rs.status);
        stc_bus_log(f->bus, line);
    }
}

/* Answer a request from the front itself (413, 503). */
static void stc_front_answer(stc_front *f, struct lws *wsi, stc_pss *pss, stc_msg *m, int status,
                             const char *message)
{
    stc_apigw_error(&m->rs, status, message);
    stc_http_pair_add(&m->rs.headers, &m->rs.nheaders, "apigw-requestid", m->rq.request_id);
    stc_front_log(f, m, "request", m->rq.method, m->rq.path);
    pss->answer = m;
    pss->written = 0;
    pss->headers_sent = false;
    lws_callback_on_writable(wsi);
}

static void stc_front_dispatch(stc_front *f, struct lws *wsi, stc_pss *pss)
{
    stc_msg *m = pss->req;
    pss->req = NULL;
    m->serial = pss->serial;
    m->t0 = stc_ids_mono_ms();
    pss->in_flight = true;
    f->http_active++;
    lws_set_timeout(wsi, NO_PENDING_TIMEOUT, 0);
    stc_bus_to_worker(f->bus, m);
}

static void stc_front_http_date(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* The status line and headers of answer rs into [*p, end): the date, its
 * headers, "connection: close" when `close`, the length. true when they do
 * not fit. */
static bool stc_front_header_block(struct lws *wsi, const stc_http_response *rs, bool close, unsigned char **p,
                                   unsigned char *end)
{
    char date[64];
    stc_front_http_date(date, sizeof date);
    bool bad = lws_add_http_header_status(wsi, (unsigned int)rs->status, p, end) ||
               lws_add_http_header_by_name(wsi, (const unsigned char *)"date:", (const unsigned char *)date,
                                           (int)strlen(date), p, end);
    for (size_t i = 0; !bad && i < rs->nheaders; i++) {
        char *name = stc_xasprintf("%s:", rs->headers[i].name);
        const char *v = rs->headers[i].value ? rs->headers[i].value : "";
        bad = lws_add_http_header_by_name(wsi, (const unsigned char *)name, (const unsigned char *)v, (int)strlen(v),
                                          p, end) != 0;
        free(name);
    }
    if (!bad && close)
        bad = lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:", (const unsigned char *)"close", 5,
                                          p, end) != 0;
    return bad || lws_add_http_header_content_length(wsi, rs->body_len, p, end) || lws_finalize_http_header(wsi, p, end);
}

/* Write the answer of a request: headers, then the body in pieces.
 * Returns -1 to close the connection. */
static int stc_front_write_answer(stc_front *f, struct lws *wsi, stc_pss *pss)
{
    stc_msg *m = pss->answer;
    stc_http_response *rs = &m->rs;
    if (!pss->headers_sent) {
        size_t room = 8192;
        for (size_t i = 0; i < rs->nheaders; i++)
            room += strlen(rs->headers[i].name) + (rs->headers[i].value ? strlen(rs->headers[i].value) : 0) + 8;
        unsigned char *buf = stc_xmalloc(LWS_PRE + room);
        unsigned char *start = buf + LWS_PRE, *p = start, *end = start + room - 1;
        bool bad = stc_front_header_block(wsi, rs, f->draining || pss->close_after, &p, end);
        int n = bad ? -1 : lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
        free(buf);
        if (n < 0)
            return -1;
        pss->headers_sent = true;
        if (rs->body_len > 0) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    } else {
        size_t left = rs->body_len - pss->written;
        size_t n = left < STC_FRONT_CHUNK ? left : STC_FRONT_CHUNK;
        memcpy(f->wbuf + LWS_PRE, rs->body + pss->written, n);
        bool last = n == left;
        if (lws_write(wsi, f->wbuf + LWS_PRE, n, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < 0)
            return -1;
        pss->written += n;
        if (!last) {
            lws_callback_on_writable(wsi);
            return 0;
        }
    }
    stc_msg_free(m);
    pss->answer = NULL;
    if (f->draining || pss->close_after)
        return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* ---- WebSocket ---------------------------------------------------------------------------- */

static void stc_front_ws_close(struct lws *wsi, stc_pss *pss, int code, const char *reason)
{
    if (pss->closing)
        return;
    pss->closing = true;
    pss->close_code = code;
    snprintf(pss->close_reason, sizeof pss->close_reason, "%s", reason ? reason : "");
    lws_callback_on_writable(wsi);
}

static void stc_front_ws_queue(struct lws *wsi, stc_pss *pss, const char *data, size_t len)
{
    if (pss->closing)
        return;
    if (pss->out_bytes + len > STC_FRONT_WS_OUT_MAX) {
        stc_front_ws_close(wsi, pss, LWS_CLOSE_STATUS_POLICY_VIOLATION, "the client does not read");
        return;
    }
    stc_frame *fr = stc_xcalloc(1, sizeof *fr);
    fr->data = stc_xmalloc(LWS_PRE + len + 1);
    memcpy(fr->data + LWS_PRE, data, len);
    fr->len = len;
    if (pss->out_tail)
        pss->out_tail->next = fr;
    else
        pss->out_head = fr;
    pss->out_tail = fr;
    pss->out_bytes += len;
    lws_callback_on_writable(wsi);
}

static void stc_front_ws_free(stc_pss *pss)
{
    while (pss->out_head) {
        stc_frame *fr = pss->out_head;
        pss->out_head = fr->next;
        free(fr->data);
        free(fr);
    }
    pss->out_tail = NULL;
    pss->out_bytes = 0;
    stc_buf_free(&pss->in);
    stc_msg_free(pss->upgrade);
    pss->upgrade = NULL;
}

static int stc_front_ws_writeable(struct lws *wsi, stc_pss *pss)
{
    if (pss->out_head) {
        stc_frame *fr = pss->out_head;
        if (lws_write(wsi, (unsigned char *)fr->data + LWS_PRE, fr->len, LWS_WRITE_TEXT) < (int)fr->len)
            return -1;
        pss->out_head = fr->next;
        if (!pss->out_head)
            pss->out_tail = NULL;
        pss->out_bytes -= fr->len;
        free(fr->data);
        free(fr);
        if (pss->out_head || pss->closing)
            lws_callback_on_writable(wsi);
        return 0;
    }
    if (pss->closing) {
        lws_close_reason(wsi, (enum lws_close_status)pss->close_code, (unsigned char *)pss->close_reason,
                         strlen(pss->close_reason));
        return -1;
    }
    return 0;
}

static void stc_front_ws_receive(stc_front *f, struct lws *wsi, stc_pss *pss, const void *in, size_t len)
{
    if (pss->closing || pss->in_error)
        return;
    if (lws_frame_is_binary(wsi)) {
        /* API Gateway refuses binary frames (1003, unsupported data) */
        pss->in_error = true;
        stc_front_ws_close(wsi, pss, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE, "binary frames are not supported");
        return;
    }
    if (pss->in.len + len > STC_APIGW_MAX_WS_MESSAGE) {
        pss->in_error = true;
        stc_front_ws_close(wsi, pss, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too big");
        return;
    }
    stc_buf_add(&pss->in, in, len);
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
        return;
    stc_msg *m = stc_msg_new(STC_MSG_WS_MESSAGE);
    m->serial = pss->serial;
    m->seq = ++f->next_seq;
    m->t0 = stc_ids_mono_ms();
    snprintf(m->connection_id, sizeof m->connection_id, "%s", pss->id);
    m->len = pss->in.len;
    m->text = stc_buf_take(&pss->in);
    if (!m->text)
        m->text = stc_xstrdup("");
    stc_bus_to_worker(f->bus, m);
    if (++pss->pending >= STC_FRONT_WS_INFLIGHT && !pss->paused) {
        pss->paused = true;
        lws_rx_flow_control(wsi, 0);
    }
}

/* ---- what the worker sends back ----------------------------------------------------------- */

static void stc_front_from_worker(stc_front *f)
{
    stc_msg *m = stc_bus_front_take_all(f->bus);
    while (m) {
        stc_msg *next = m->next;
        m->next = NULL;
        struct lws *wsi = stc_smap_get(&f->map, m->serial);
        stc_pss *pss = wsi ? lws_wsi_user(wsi) : NULL;
        switch (m->kind) {
        case STC_MSG_HTTP_DONE:
            f->http_active--;
            if (pss && pss->in_flight && !pss->answer) {
                pss->in_flight = false;
                pss->answer = m;
                pss->written = 0;
                pss->headers_sent = false;
                lws_callback_on_writable(wsi);
                m = NULL;
            }
            break;
        case STC_MSG_WS_DONE:
            if (pss && pss->pending > 0 && --pss->pending < STC_FRONT_WS_INFLIGHT / 2 && pss->paused) {
                pss->paused = false;
                lws_rx_flow_control(wsi, 1);
            }
            break;
        case STC_MSG_WS_SEND:
            if (pss)
                stc_front_ws_queue(wsi, pss, m->text ? m->text : "", m->len);
            break;
        case STC_MSG_WS_CLOSE:
            if (pss)
                stc_front_ws_close(wsi, pss, m->code, m->text);
            break;
        case STC_MSG_STOPPED: f->stopped = true; break;
        default: break;
        }
        stc_msg_free(m);
        m = next;
    }
}

/* ---- the protocol's callback ---------------------------------------------------------------- */

static bool stc_front_ws_path(const char *path)
{
    /* "/" or "/STAGE": ws://HOST:PORT/ as the contract says, and the stage
     * path a deployed client uses */
    return path[0] == '/' && !strchr(path + 1, '/');
}

/* Who may open the connection (the $connect auth of the served generation,
 * serve/auth.h): checked on the upgrade request before the handshake, as
 * API Gateway does. A refusal is answered here with its status (401, 403)
 * and {"message": ...}, and the connection closes without upgrading.
 * Returns what the filter callback returns (0: go on). */
static int stc_front_ws_authorize(stc_front *f, struct lws *wsi, stc_pss *pss)
{
    stc_msg *m = pss->upgrade;
    stc_ws_auth a = stc_bus_ws_auth(f->bus);
    stc_auth_keys k = stc_auth_keys_env(a.issuer, a.audience);
    cJSON *ctx = NULL;
    int rc = f->draining ? 0 : stc_auth_check_connect(a.auth, &k, &m->rq, m->rq.time_ms, &ctx, &m->rs);
    stc_ws_auth_free(&a);
    free(pss->context);
    pss->context = ctx ? cJSON_PrintUnformatted(ctx) : NULL;
    cJSON_Delete(ctx);
    if (rc == 0)
        return 0;
    stc_http_pair_add(&m->rs.headers, &m->rs.nheaders, "apigw-requestid", m->rq.request_id);
    stc_front_log(f, m, "websocket", "WS", "$connect");
    /* the answer goes out at once (a few hundred bytes into an idle
     * socket); the handshake never happens */
    stc_http_response *rs = &m->rs;
    unsigned char buf[LWS_PRE + 2048];
    unsigned char *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
    bool bad = stc_front_header_block(wsi, rs, true, &p, end);
    if (!bad && (size_t)(end - p) > rs->body_len) {
        memcpy(p, rs->body, rs->body_len);
        p += rs->body_len;
        lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS);
    }
    stc_msg_free(pss->upgrade);
    pss->upgrade = NULL;
    return 1;
}

static int stc_front_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
    stc_pss *pss = user;
    switch (reason) {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED: {
        stc_front *f = lws_context_user(lws_get_context(wsi));
        if (f)
            stc_front_from_worker(f);
        return 0;
    }
    case LWS_CALLBACK_HTTP: {
        stc_front *f = stc_front_of(wsi);
        const char *method = stc_front_method(wsi);
        if (!method)
            return -1;
        if (!pss->serial) {
            pss->serial = ++f->next_serial;
            stc_smap_put(&f->map, pss->serial, wsi);
        }
        char *path = stc_xstrndup(in ? in : "/", in ? len : 1);
        stc_msg *m = stc_front_request(f, wsi, method, path);
        free(path);
        if (f->draining) {
            stc_front_answer(f, wsi, pss, m, 503, "Service Unavailable");
            return 0;
        }
        char *cl = stc_front_hdr(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
        bool cl_ok = !cl || (*cl && strspn(cl, "0123456789") == strlen(cl) && strlen(cl) < 16);
        long long clen = cl && cl_ok ? atoll(cl) : -1;
        free(cl);
        if (!cl_ok) {
            /* the body's end cannot be known: answer and close */
            pss->close_after = true;
            stc_front_answer(f, wsi, pss, m, 400, "Bad Request");
            return 0;
        }
        if (clen > STC_APIGW_MAX_BODY) {
            stc_front_answer(f, wsi, pss, m, 413, "Request Entity Too Large");
            return 0;
        }
        char *te = stc_front_hdr(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING);
        bool chunked = te && strstr(te, "chunked");
        free(te);
        if (chunked) {
            /* libwebsockets 4.1 does not read chunked request bodies: the
             * length must be given (docs/serve.md) */
            pss->close_after = true;
            stc_front_answer(f, wsi, pss, m, 411, "Length Required");
            return 0;
        }
        pss->req = m;
        /* a body comes (libwebsockets also completes an explicit empty POST body) */
        if (clen > 0 || (clen == 0 && strcmp(method, "POST") == 0))
            return 0;
        stc_front_dispatch(f, wsi, pss);
        return 0;
    }
    case LWS_CALLBACK_HTTP_BODY:
        if (pss->req && len) {
            stc_http_request *rq = &pss->req->rq;
            if (rq->body_len + len > STC_APIGW_MAX_BODY)
                return -1;
            rq->body = stc_xrealloc(rq->body, rq->body_len + len + 1);
            memcpy(rq->body + rq->body_len, in, len);
            rq->body_len += len;
            rq->body[rq->body_len] = '\0';
        }
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (pss->req) {
            if (!pss->req->rq.body)
                pss->req->rq.body = stc_xstrdup(""); /* an explicit empty body */
            stc_front_dispatch(stc_front_of(wsi), wsi, pss);
        }
        return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (!pss || !pss->answer)
            return 0;
        return stc_front_write_answer(stc_front_of(wsi), wsi, pss);
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
        if (pss && !pss->ws) {
            stc_front *f = stc_front_of(wsi);
            if (pss->serial)
                stc_smap_del(&f->map, pss->serial);
            pss->serial = 0;
            stc_msg_free(pss->req);
            pss->req = NULL;
            stc_msg_free(pss->answer);
            pss->answer = NULL;
        }
        return 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE: {
        stc_front *f = stc_front_of(wsi);
        if (strcmp((const char *)in, "h2c") == 0 && !f->draining) {
            /* HTTP/2 over cleartext: libwebsockets serves the request as
             * stream 1, but loses a body sent with the upgrade */
            if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 ||
                lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
                lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, NULL);
                return 1;
            }
            return 0;
        }
        char *uri = stc_front_hdr(wsi, WSI_TOKEN_GET_URI);
        bool ok = uri && stc_front_ws_path(uri) && strcmp((const char *)in, "websocket") == 0 && !f->draining;
        free(uri);
        if (!ok) {
            lws_return_http_status(wsi, f->draining ? HTTP_STATUS_SERVICE_UNAVAILABLE : HTTP_STATUS_NOT_FOUND, NULL);
            return 1;
        }
        return 0;
    }
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        stc_front *f = stc_front_of(wsi);
        char *uri = stc_front_hdr(wsi, WSI_TOKEN_GET_URI);
        stc_msg_free(pss->upgrade);
        pss->upgrade = stc_front_request(f, wsi, "GET", uri ? uri : "/");
        free(uri);
        return stc_front_ws_authorize(f, wsi, pss);
    }
    case LWS_CALLBACK_ESTABLISHED: {
        stc_front *f = stc_front_of(wsi);
        pss->ws = true;
        pss->serial = ++f->next_serial;
        stc_smap_put(&f->map, pss->serial, wsi);
        stc_ids_short(pss->id);
        f->ws_open++;
        stc_msg *m = pss->upgrade ? pss->upgrade : stc_msg_new(STC_MSG_WS_CONNECT);
        pss->upgrade = NULL;
        m->kind = STC_MSG_WS_CONNECT;
        m->serial = pss->serial;
        m->t0 = stc_ids_mono_ms();
        snprintf(m->connection_id, sizeof m->connection_id, "%s", pss->id);
        const char *ua = stc_http_header(m->rq.headers, m->rq.nheaders, "user-agent");
        char peer[64] = "";
        lws_get_peer_simple(wsi, peer, sizeof peer);
        stc_bus_conn_add(f->bus, pss->id, pss->serial, peer, ua, pss->context, stc_ids_now_ms());
        free(pss->context);
        pss->context = NULL;
        stc_bus_to_worker(f->bus, m);
        return 0;
    }
    case LWS_CALLBACK_RECEIVE:
        stc_front_ws_receive(stc_front_of(wsi), wsi, pss, in, len);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return stc_front_ws_writeable(wsi, pss);
    case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
        if (len >= 2) {
            const unsigned char *b = in;
            pss->peer_code = b[0] << 8 | b[1];
            snprintf(pss->peer_reason, sizeof pss->peer_reason, "%.*s", (int)(len - 2 < 120 ? len - 2 : 120),
                     (const char *)b + 2);
        }
        return 0;
    case LWS_CALLBACK_CLOSED: {
        stc_front *f = stc_front_of(wsi);
        if (!pss->ws)
            return 0;
        stc_bus_conn_set(f->bus, pss->id, STC_CONN_CLOSED);
        stc_msg *m = stc_msg_new(STC_MSG_WS_DISCONNECT);
        m->serial = pss->serial;
        m->seq = ++f->next_seq;
        m->t0 = stc_ids_mono_ms();
        snprintf(m->connection_id, sizeof m->connection_id, "%s", pss->id);
        m->code = pss->closing ? pss->close_code : pss->peer_code ? pss->peer_code : 1006;
        m->text = stc_xstrdup(pss->closing ? pss->close_reason : pss->peer_reason);
        m->len = strlen(m->text);
        stc_bus_to_worker(f->bus, m);
        stc_smap_del(&f->map, pss->serial);
        stc_front_ws_free(pss);
        pss->ws = false;
        f->ws_open--;
        return 0;
    }
    case LWS_CALLBACK_WSI_DESTROY:
        if (pss) {
            stc_msg_free(pss->upgrade);
            pss->upgrade = NULL;
            free(pss->context);
            pss->context = NULL;
        }
        return 0;
    default:
        break;
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols stc_front_protocols[] = {
    {"stc-serve", stc_front_callback, sizeof(stc_pss), 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* libwebsockets' errors: the last one is kept for stc_front_new's message. */
static void stc_front_lws_log(int level, const char *line)
{
    (void)level;
    snprintf(stc_front_last_error, sizeof stc_front_last_error, "%s", line);
    size_t n = strlen(stc_front_last_error);
    while (n && (stc_front_last_error[n - 1] == '\n' || stc_front_last_error[n - 1] == ' '))
        stc_front_last_error[--n] = '\0';
}

/* Can host:port be bound? libwebsockets reports a failed bind only as
 * "Failed to create default vhost"; this says why (the port is in use, the
 * address is not local). 0, or an errno. */
static int stc_front_can_bind(const char *host, int port)
{
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    if (getaddrinfo(host, service, &hints, &ai) != 0 || !ai)
        return EADDRNOTAVAIL;
    int rc = 0;
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        rc = errno;
    } else {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0)
            rc = errno;
        close(fd);
    }
    freeaddrinfo(ai);
    return rc;
}

/* The numeric address of host (libwebsockets takes an address or an
 * interface name, not a host name): IPv4 first. */
static bool stc_front_numeric(const char *host, char *out, size_t n)
{
    struct addrinfo hints, *ai = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, NULL, &hints, &ai) != 0 || !ai)
        return false;
    const struct addrinfo *pick = ai;
    for (const struct addrinfo *a = ai; a; a = a->ai_next)
        if (a->ai_family == AF_INET) {
            pick = a;
            break;
        }
    bool ok = getnameinfo(pick->ai_addr, pick->ai_addrlen, out, (socklen_t)n, NULL, 0, NI_NUMERICHOST) == 0;
    freeaddrinfo(ai);
    return ok;
}

stc_front *stc_front_new(const char *host, int port, stc_bus *bus, char **err)
{
    char numeric[64];
    if (!stc_front_numeric(host, numeric, sizeof numeric)) {
        *err = stc_xasprintf("cannot listen on %s:%d: no such address", host, port);
        return NULL;
    }
    int busy = port ? stc_front_can_bind(numeric, port) : 0;
    if (busy) {
        *err = stc_xasprintf("cannot listen on %s:%d: %s", host, port, strerror(busy));
        return NULL;
    }
    stc_front *f = stc_xcalloc(1, sizeof *f);
    f->bus = bus;
    f->wbuf = stc_xmalloc(LWS_PRE + STC_FRONT_CHUNK);
    lws_set_log_level(LLL_ERR, stc_front_lws_log);
    stc_front_last_error[0] = '\0';
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = port;
    info.iface = numeric;
    info.protocols = stc_front_protocols;
    info.user = f;
    info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
    if (!strchr(numeric, ':'))
        info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
    info.max_http_header_data = 16384;
    info.keepalive_timeout = 30;
    info.timeout_secs = 30;
    info.vhost_name = "default";
    f->ctx = lws_create_context(&info);
    struct lws_vhost *vh = f->ctx ? lws_get_vhost_by_name(f->ctx, "default") : NULL;
    f->port = vh ? lws_get_vhost_listen_port(vh) : -1;
    if (!f->ctx || f->port <= 0) {
        *err = stc_xasprintf("cannot listen on %s:%d%s%s", host, port, stc_front_last_error[0] ? ": " : "",
                             stc_front_last_error);
        stc_front_free(f);
        return NULL;
    }
    pthread_mutex_lock(&bus->mu);
    bus->lws = f->ctx;
    pthread_mutex_unlock(&bus->mu);
    return f;
}

int stc_front_port(const stc_front *f)
{
    return f->port;
}

void stc_front_wake(stc_front *f)
{
    if (f && f->ctx)
        lws_cancel_service(f->ctx);
}

/* Close every WebSocket client (1001, going away). */
static void stc_front_close_all(stc_front *f)
{
    for (size_t i = 0; i < f->map.cap; i++) {
        if (!f->map.keys[i])
            continue;
        struct lws *wsi = f->map.vals[i];
        stc_pss *pss = lws_wsi_user(wsi);
        if (pss && pss->ws)
            stc_front_ws_close(wsi, pss, LWS_CLOSE_STATUS_GOINGAWAY, "the server is stopping");
    }
}

/* While shutting down the loop looks at the clock four times a second. */
static void stc_front_tick(lws_sorted_usec_list_t *sul)
{
    stc_front *f = lws_container_of(sul, stc_front, tick);
    lws_sul_schedule(f->ctx, 0, &f->tick, stc_front_tick, 250 * LWS_US_PER_MS);
}

void stc_front_run(stc_front *f, volatile sig_atomic_t *stop)
{
    for (;;) {
        lws_service(f->ctx, 0);
        stc_front_from_worker(f);
        if (*stop && !f->draining) {
            f->draining = true;
            f->drain_started = stc_ids_mono_ms();
            stc_front_close_all(f);
            stc_front_tick(&f->tick);
        }
        if (!f->draining)
            continue;
        double waited = stc_ids_mono_ms() - f->drain_started;
        if (!f->drain_sent && (f->ws_open == 0 || waited > STC_FRONT_GRACE_MS)) {
            f->drain_sent = true;
            stc_bus_to_worker(f->bus, stc_msg_new(STC_MSG_DRAIN));
        }
        if (f->stopped && f->http_active == 0) {
            /* the last answers: write what the sockets take, within the grace */
            bool writing = false;
            for (size_t i = 0; i < f->map.cap; i++) {
                if (!f->map.keys[i])
                    continue;
                stc_pss *pss = lws_wsi_user(f->map.vals[i]);
                if (pss && (pss->answer || pss->out_head))
                    writing = true;
            }
            if (!writing || waited > 2 * STC_FRONT_GRACE_MS) {
                lws_sul_cancel(&f->tick);
                break;
            }
        }
    }
}

void stc_front_free(stc_front *f)
{
    if (!f)
        return;
    if (f->ctx) {
        pthread_mutex_lock(&f->bus->mu);
        f->bus->lws = NULL;
        pthread_mutex_unlock(&f->bus->mu);
        lws_context_destroy(f->ctx);
    }
    free(f->map.keys);
    free(f->map.vals);
    free(f->wbuf);
    free(f);
}
