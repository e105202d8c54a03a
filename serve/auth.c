/* auth.c - see auth.h. The JWT checks follow API Gateway's JWT authorizer
 * (HTTP API developer guide, "Controlling access with JWT authorizers"); the
 * signature follows AWS's Signature Version 4 (IAM user guide, "Create a
 * signed AWS API request"): canonical request, string to sign, the key
 * derived from the secret, date, region and service. */
#include "serve/auth.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/config.h"
#include "core/util.h"

#define STC_SIGV4_SKEW_MS (15 * 60 * 1000) /* SigV4 refuses a request this far from the server's clock */

stc_auth_keys stc_auth_keys_env(const char *issuer, const char *audience)
{
    stc_auth_keys k = {getenv("STC_SERVE_JWT_KEY"), getenv("STC_SERVE_ACCESS_KEY_ID"),
                       getenv("STC_SERVE_SECRET_ACCESS_KEY"), issuer, audience};
    if (k.jwt_key && !*k.jwt_key)
        k.jwt_key = NULL;
    if (!k.access_key || !*k.access_key || !k.secret_key || !*k.secret_key)
        k.access_key = k.secret_key = NULL;
    return k;
}

static void stc_auth_refuse(stc_http_response *rs, int status, const char *message)
{
    stc_apigw_error(rs, status, message);
}

/* ---- bytes ------------------------------------------------------------------- */

static void stc_hex(const unsigned char *d, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[2 * n] = '\0';
}

static void stc_sha256_hex(const void *data, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    stc_hex(md, 32, out);
}

static void stc_hmac(const void *key, size_t klen, const char *msg, unsigned char out[32])
{
    unsigned int len = 32;
    HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)msg, strlen(msg), out, &len);
}

/* base64url without padding -> bytes (allocated, *n), or NULL. */
static unsigned char *stc_b64url(const char *s, size_t len, size_t *n)
{
    size_t padded = (len + 3) / 4 * 4;
    char *t = stc_xcalloc(padded + 1, 1);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!isalnum((unsigned char)c)) {
            free(t);
            return NULL;
        }
        t[i] = c;
    }
    for (size_t i = len; i < padded; i++)
        t[i] = '=';
    unsigned char *out = stc_xcalloc(padded / 4 * 3 + 1, 1);
    int got = padded ? EVP_DecodeBlock(out, (const unsigned char *)t, (int)padded) : 0;
    free(t);
    if (got < 0) {
        free(out);
        return NULL;
    }
    *n = (size_t)got - (padded - len); /* EVP_DecodeBlock counts the padding's zero bytes */
    return out;
}

/* ---- JWT ------------------------------------------------------------------------ */

/* Is `aud` one of the comma-separated audiences? */
static bool stc_audience_has(const char *list, const char *aud)
{
    cJSON *all = stc_config_list(list);
    bool yes = false;
    const cJSON *a;
    cJSON_ArrayForEach(a, all) yes = yes || strcmp(a->valuestring, aud) == 0;
    cJSON_Delete(all);
    return yes;
}

/* The claims' values as API Gateway passes them: text. */
static cJSON *stc_claims_text(const cJSON *payload)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *c;
    cJSON_ArrayForEach(c, payload)
    {
        if (cJSON_IsString(c)) {
            cJSON_AddStringToObject(o, c->string, c->valuestring);
        } else {
            char *t = cJSON_PrintUnformatted(c);
            cJSON_AddStringToObject(o, c->string, t);
            free(t);
        }
    }
    return o;
}

/* The claims of a valid token, or NULL with *why. */
static cJSON *stc_jwt_claims(const stc_auth_keys *k, const char *token, int64_t now_ms, const char **why)
{
    const char *d1 = strchr(token, '.');
    const char *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.')) {
        *why = "not a JWT (header.payload.signature)";
        return NULL;
    }
    size_t hn = 0, pn = 0, sn = 0;
    unsigned char *h = stc_b64url(token, (size_t)(d1 - token), &hn);
    unsigned char *p = stc_b64url(d1 + 1, (size_t)(d2 - d1 - 1), &pn);
    unsigned char *sig = stc_b64url(d2 + 1, strlen(d2 + 1), &sn);
    cJSON *header = h ? cJSON_ParseWithLength((const char *)h, hn) : NULL;
    cJSON *payload = p ? cJSON_ParseWithLength((const char *)p, pn) : NULL;
    cJSON *claims = NULL;
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
    double now = (double)now_ms / 1000.0;
    if (!header || !cJSON_IsObject(payload) || !sig) {
        *why = "the token's parts are not base64url JSON";
    } else if (!cJSON_IsString(alg) || strcmp(alg->valuestring, "HS256") != 0) {
        *why = "the token is not signed with HS256 (the local key)";
    } else {
        char *signed_part = stc_xstrndup(token, (size_t)(d2 - token));
        unsigned char mac[32];
        stc_hmac(k->jwt_key, strlen(k->jwt_key), signed_part, mac);
        free(signed_part);
        const cJSON *exp = cJSON_GetObjectItemCaseSensitive(payload, "exp");
        const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(payload, "nbf");
        const cJSON *iss = cJSON_GetObjectItemCaseSensitive(payload, "iss");
        const cJSON *aud = cJSON_GetObjectItemCaseSensitive(payload, "aud");
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(payload, "client_id");
        bool aud_ok = cJSON_IsString(aud) && stc_audience_has(k->audience, aud->valuestring);
        const cJSON *a;
        if (cJSON_IsArray(aud))
            cJSON_ArrayForEach(a, aud) aud_ok = aud_ok || (cJSON_IsString(a) && stc_audience_has(k->audience, a->valuestring));
        if (!aud && cJSON_IsString(cid))
            aud_ok = stc_audience_has(k->audience, cid->valuestring);
        if (sn != 32 || CRYPTO_memcmp(mac, sig, 32) != 0)
            *why = "the signature does not match the local key";
        else if (!cJSON_IsNumber(exp) || exp->valuedouble <= now)
            *why = "the token has expired (or has no exp)";
        else if (nbf && (!cJSON_IsNumber(nbf) || nbf->valuedouble > now))
            *why = "the token is not valid yet (nbf)";
        else if (!cJSON_IsString(iss) || !k->issuer || strcmp(iss->valuestring, k->issuer) != 0)
            *why = "the issuer (iss) is not jwt_issuer";
        else if (!aud_ok)
            *why = "the audience (aud or client_id) is not one of jwt_audience";
        else
            claims = stc_claims_text(payload);
    }
    cJSON_Delete(header);
    cJSON_Delete(payload);
    free(h);
    free(p);
    free(sig);
    return claims;
}

/* ---- SigV4 ------------------------------------------------------------------------- */

/* RFC 3986 encoding of s as SigV4 wants it (unreserved kept; '/' kept when
 * `slash`). */
static void stc_uri_encode(stc_buf *b, const char *s, bool slash)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (slash && c == '/'))
            stc_buf_printf(b, "%c", c);
        else
            stc_buf_printf(b, "%%%02X", c);
    }
}

typedef struct stc_qpair {
    char *name, *value;
} stc_qpair;

static int stc_qpair_cmp(const void *a, const void *b)
{
    const stc_qpair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

static char *stc_encoded(const char *s, bool slash)
{
    stc_buf b = STC_BUF_INIT;
    stc_buf_puts(&b, "");
    stc_uri_encode(&b, s ? s : "", slash);
    return stc_buf_take(&b);
}

/* A header's value for the canonical request: every header of the name,
 * trimmed, spaces collapsed, joined by commas. NULL when there is none. */
static char *stc_canonical_header(const stc_http_request *rq, const char *name)
{
    stc_buf b = STC_BUF_INIT;
    bool any = false;
    for (size_t i = 0; i < rq->nheaders; i++) {
        if (strcmp(rq->headers[i].name, name) != 0)
            continue;
        if (any)
            stc_buf_puts(&b, ",");
        any = true;
        const char *v = rq->headers[i].value ? rq->headers[i].value : "";
        while (*v == ' ' || *v == '\t')
            v++;
        bool space = false;
        size_t start = b.len;
        for (; *v; v++) {
            if (*v == ' ' || *v == '\t') {
                space = true;
                continue;
            }
            if (space && b.len > start)
                stc_buf_puts(&b, " ");
            space = false;
            stc_buf_printf(&b, "%c", *v);
        }
    }
    if (!any) {
        stc_buf_free(&b);
        return NULL;
    }
    return stc_buf_take(&b);
}

/* One field of "Credential=..., SignedHeaders=..., Signature=...". */
static char *stc_sigv4_field(const char *auth, const char *key)
{
    size_t klen = strlen(key);
    for (const char *q = auth; *q;) {
        while (*q == ' ' || *q == ',')
            q++;
        size_t n = strcspn(q, ",");
        if (n > klen && strncmp(q, key, klen) == 0 && q[klen] == '=') {
            size_t w = n;
            while (w && q[w - 1] == ' ')
                w--;
            return stc_xstrndup(q + klen + 1, w - klen - 1);
        }
        q += n;
    }
    return NULL;
}

/* "20261205T030000Z" -> epoch ms, or -1. */
static int64_t stc_amz_date_ms(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z' ||
        sscanf(s, "%4d%2d%2dT%2d%2d%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000;
}

/* The IAM identity of a valid signature, or NULL with *why. */
static cJSON *stc_sigv4_identity(const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms, const char **why)
{
    const char *auth = stc_http_header(rq->headers, rq->nheaders, "authorization");
    const char *amz_date = stc_http_header(rq->headers, rq->nheaders, "x-amz-date");
    static const char prefix[] = "AWS4-HMAC-SHA256 ";
    if (!auth || strncmp(auth, prefix, sizeof prefix - 1) != 0) {
        *why = "Missing Authentication Token";
        return NULL;
    }
    auth += sizeof prefix - 1;
    char *cred = stc_sigv4_field(auth, "Credential");
    char *signed_headers = stc_sigv4_field(auth, "SignedHeaders");
    char *signature = stc_sigv4_field(auth, "Signature");
    cJSON *identity = NULL;
    /* Credential: KEY/DATE/REGION/SERVICE/aws4_request */
    char *parts[5] = {0};
    size_t np = 0;
    for (char *q = cred, *sl; q && np < 5; q = sl ? sl + 1 : NULL) {
        sl = strchr(q, '/');
        parts[np++] = sl ? stc_xstrndup(q, (size_t)(sl - q)) : stc_xstrdup(q);
    }
    int64_t t = stc_amz_date_ms(amz_date);
    if (!cred || !signed_headers || !signature || np != 5 || strcmp(parts[4], "aws4_request") != 0) {
        *why = "Authorization header requires Credential, SignedHeaders and Signature";
    } else if (strcmp(parts[0], k->access_key) != 0) {
        *why = "The security token included in the request is invalid";
    } else if (strcmp(parts[3], "execute-api") != 0) {
        *why = "Credential should be scoped to correct service: 'execute-api'";
    } else if (t < 0 || strncmp(amz_date, parts[1], 8) != 0) {
        *why = "the x-amz-date header is missing or does not match the credential's date";
    } else if (t < now_ms - STC_SIGV4_SKEW_MS || t > now_ms + STC_SIGV4_SKEW_MS) {
        *why = "Signature expired";
    } else {
        stc_buf cr = STC_BUF_INIT;
        stc_buf_printf(&cr, "%s\n", rq->method);
        /* the path, encoded twice (every service but S3) */
        char *once = stc_encoded(rq->path, true);
        stc_uri_encode(&cr, once, true);
        free(once);
        stc_buf_puts(&cr, "\n");
        stc_qpair *qs = stc_xcalloc(rq->nargs + 1, sizeof *qs);
        for (size_t i = 0; i < rq->nargs; i++) {
            qs[i].name = stc_encoded(rq->args[i].name, false);
            qs[i].value = stc_encoded(rq->args[i].value, false);
        }
        qsort(qs, rq->nargs, sizeof *qs, stc_qpair_cmp);
        for (size_t i = 0; i < rq->nargs; i++) {
            stc_buf_printf(&cr, "%s%s=%s", i ? "&" : "", qs[i].name, qs[i].value);
            free(qs[i].name);
            free(qs[i].value);
        }
        free(qs);
        stc_buf_puts(&cr, "\n");
        bool host_signed = false, missing = false;
        for (char *q = signed_headers; *q;) {
            size_t n = strcspn(q, ";");
            char *name = stc_xstrndup(q, n);
            host_signed = host_signed || strcmp(name, "host") == 0;
            char *v = stc_canonical_header(rq, name);
            missing = missing || !v;
            stc_buf_printf(&cr, "%s:%s\n", name, v ? v : "");
            free(v);
            free(name);
            q += n + (q[n] == ';');
        }
        const char *payload_hash = stc_http_header(rq->headers, rq->nheaders, "x-amz-content-sha256");
        char body_hash[65];
        stc_sha256_hex(rq->body ? rq->body : "", rq->body ? rq->body_len : 0, body_hash);
        stc_buf_printf(&cr, "\n%s\n%s", signed_headers, payload_hash ? payload_hash : body_hash);
        char cr_hash[65];
        stc_sha256_hex(stc_buf_cstr(&cr), cr.len, cr_hash);
        stc_buf_free(&cr);
        char *sts = stc_xasprintf("AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, parts[1], parts[2],
                                  parts[3], cr_hash);
        char *k0 = stc_xasprintf("AWS4%s", k->secret_key);
        unsigned char kd[32], kr[32], ks[32], kg[32], mac[32];
        stc_hmac(k0, strlen(k0), parts[1], kd);
        stc_hmac(kd, 32, parts[2], kr);
        stc_hmac(kr, 32, parts[3], ks);
        stc_hmac(ks, 32, "aws4_request", kg);
        stc_hmac(kg, 32, sts, mac);
        char want[65];
        stc_hex(mac, 32, want);
        free(k0);
        free(sts);
        if (!host_signed || missing)
            *why = "the signature must cover the host header and every header it names";
        else if (strlen(signature) != 64 || CRYPTO_memcmp(want, signature, 64) != 0)
            *why = "The request signature we calculated does not match the signature you provided";
        else if (payload_hash && strcmp(payload_hash, body_hash) != 0 && strcmp(payload_hash, "UNSIGNED-PAYLOAD") != 0)
            *why = "the x-amz-content-sha256 header does not match the body";
        else {
            identity = cJSON_CreateObject();
            cJSON_AddStringToObject(identity, "accessKey", k->access_key);
            cJSON_AddStringToObject(identity, "accountId", STC_APIGW_ACCOUNT);
            cJSON_AddStringToObject(identity, "callerId", "AIDALOCALSERVE");
            cJSON_AddNullToObject(identity, "principalOrgId");
            cJSON_AddStringToObject(identity, "userArn", "arn:aws:iam::" STC_APIGW_ACCOUNT ":user/local");
            cJSON_AddStringToObject(identity, "userId", "AIDALOCALSERVE");
        }
    }
    for (size_t i = 0; i < np; i++)
        free(parts[i]);
    free(cred);
    free(signed_headers);
    free(signature);
    return identity;
}

/* ---- the check ----------------------------------------------------------------------- */

int stc_auth_check(const char *auth, const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms,
                   cJSON **authorizer, stc_http_response *rs)
{
    *authorizer = NULL;
    const char *why = NULL;
    if (!auth || strcmp(auth, "none") == 0)
        return 0;
    if (strcmp(auth, "jwt") == 0) {
        const char *h = stc_http_header(rq->headers, rq->nheaders, "authorization");
        if (h && strncasecmp(h, "Bearer ", 7) == 0)
            h += 7;
        cJSON *claims = h && *h && k->jwt_key ? stc_jwt_claims(k, h, now_ms, &why) : NULL;
        if (!claims) {
            fprintf(stderr, "stc-tui: %s %s: 401: %s\n", rq->method, rq->path,
                    why ? why : !k->jwt_key ? "no local key (set STC_SERVE_JWT_KEY)" : "no token");
            stc_auth_refuse(rs, 401, "Unauthorized");
            return -1;
        }
        *authorizer = cJSON_CreateObject();
        cJSON *jwt = cJSON_AddObjectToObject(*authorizer, "jwt");
        cJSON_AddItemToObject(jwt, "claims", claims);
        cJSON_AddNullToObject(jwt, "scopes");
        return 0;
    }
    cJSON *identity = k->access_key ? stc_sigv4_identity(k, rq, now_ms, &why) : NULL;
    if (!identity) {
        if (!k->access_key)
            why = "Forbidden";
        fprintf(stderr, "stc-tui: %s %s: 403: %s%s\n", rq->method, rq->path, why,
                k->access_key ? "" : " (set STC_SERVE_ACCESS_KEY_ID and STC_SERVE_SECRET_ACCESS_KEY)");
        stc_auth_refuse(rs, 403, why);
        return -1;
    }
    *authorizer = cJSON_CreateObject();
    cJSON_AddItemToObject(*authorizer, "iam", identity);
    return 0;
}
