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

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "core/config.h"
#include "core/util.h"

#define STC_SIGV4_SKEW_MS (15 * 60 * 1000) /* SigV4 refuses a request this far from the server's clock */
#define STC_AUTH_LOCAL_USER_ID "AIDALOCALSERVE"
#define STC_AUTH_LOCAL_USER_ARN "arn:aws:iam::" STC_APIGW_ACCOUNT ":user/local"

/* The keys of the environment, read once: the worker's Python changes the
 * environment (os.environ) while the front reads the keys. */
static struct {
    bool loaded;
    char *jwt_key, *jwt_public_key, *jwks, *access_key, *secret_key;
} stc_auth_env;

static char *stc_auth_getenv(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? stc_xstrdup(v) : NULL;
}

void stc_auth_env_load(void)
{
    if (stc_auth_env.loaded)
        return;
    stc_auth_env.jwt_key = stc_auth_getenv("STC_SERVE_JWT_KEY");
    stc_auth_env.jwt_public_key = stc_auth_getenv("STC_SERVE_JWT_PUBLIC_KEY");
    stc_auth_env.jwks = stc_auth_getenv("STC_SERVE_JWKS");
    stc_auth_env.access_key = stc_auth_getenv("STC_SERVE_ACCESS_KEY_ID");
    stc_auth_env.secret_key = stc_auth_getenv("STC_SERVE_SECRET_ACCESS_KEY");
    stc_auth_env.loaded = true;
}

stc_auth_keys stc_auth_keys_env(const char *issuer, const char *audience)
{
    stc_auth_env_load();
    stc_auth_keys k = {stc_auth_env.jwt_key,    stc_auth_env.jwt_public_key, stc_auth_env.jwks,
                       stc_auth_env.access_key, stc_auth_env.secret_key,     issuer,
                       audience};
    if (!k.access_key || !k.secret_key)
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

/* An RSA public key from a JWK's modulus and exponent (base64url), or NULL. */
static EVP_PKEY *stc_jwk_rsa(const cJSON *jwk)
{
    const cJSON *kty = cJSON_GetObjectItemCaseSensitive(jwk, "kty");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(jwk, "n");
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(jwk, "e");
    if (!cJSON_IsString(kty) || strcmp(kty->valuestring, "RSA") != 0 || !cJSON_IsString(n) || !cJSON_IsString(e))
        return NULL;
    size_t nl = 0, el = 0;
    unsigned char *nb = stc_b64url(n->valuestring, strlen(n->valuestring), &nl);
    unsigned char *eb = stc_b64url(e->valuestring, strlen(e->valuestring), &el);
    EVP_PKEY *pkey = NULL;
    BIGNUM *bn = nb && nl ? BN_bin2bn(nb, (int)nl, NULL) : NULL;
    BIGNUM *be = eb && el ? BN_bin2bn(eb, (int)el, NULL) : NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (bn && be && bld && ctx && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) && (params = OSSL_PARAM_BLD_to_param(bld)) &&
        EVP_PKEY_fromdata_init(ctx) > 0 && EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
        pkey = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn);
    BN_free(be);
    free(nb);
    free(eb);
    return pkey;
}

/* The key that verifies an RS256 token: the PEM file's, or the key of the
 * JWKS file whose kid is the token's. NULL with *why. */
static EVP_PKEY *stc_rs256_key(const stc_auth_keys *k, const cJSON *header, const char **why)
{
    if (k->jwt_public_key) {
        FILE *f = fopen(k->jwt_public_key, "r");
        EVP_PKEY *pk = f ? PEM_read_PUBKEY(f, NULL, NULL, NULL) : NULL;
        if (f)
            fclose(f);
        if (!pk || EVP_PKEY_get_base_id(pk) != EVP_PKEY_RSA) {
            EVP_PKEY_free(pk);
            *why = "STC_SERVE_JWT_PUBLIC_KEY is not a readable RSA public key (PEM)";
            return NULL;
        }
        return pk;
    }
    if (!k->jwks) {
        *why = "no local public key for RS256 (set STC_SERVE_JWT_PUBLIC_KEY or STC_SERVE_JWKS)";
        return NULL;
    }
    char *text = NULL, *err = NULL;
    size_t len = 0;
    if (stc_file_read(k->jwks, &text, &len, &err) != 0) {
        free(err);
        *why = "cannot read the JWKS file STC_SERVE_JWKS";
        return NULL;
    }
    cJSON *doc = cJSON_ParseWithLength(text, len);
    free(text);
    const cJSON *kid = cJSON_GetObjectItemCaseSensitive(header, "kid");
    const cJSON *keys = cJSON_GetObjectItemCaseSensitive(doc, "keys");
    EVP_PKEY *pk = NULL;
    *why = "no key of the JWKS has the token's kid";
    if (!cJSON_IsArray(keys)) {
        *why = "STC_SERVE_JWKS is not a JWKS ({\"keys\": [...]})";
    } else if (!cJSON_IsString(kid)) {
        *why = "the token names no key (kid)";
    } else {
        const cJSON *jwk;
        cJSON_ArrayForEach(jwk, keys)
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(jwk, "kid");
            if (cJSON_IsString(id) && strcmp(id->valuestring, kid->valuestring) == 0) {
                pk = stc_jwk_rsa(jwk);
                if (!pk)
                    *why = "the JWKS key of the token's kid is not an RSA key";
                break;
            }
        }
    }
    cJSON_Delete(doc);
    return pk;
}

/* RSASSA-PKCS1-v1_5 with SHA-256 (RS256, RFC 7518 3.3). */
static bool stc_rs256_verify(EVP_PKEY *pk, const char *data, size_t n, const unsigned char *sig, size_t sn)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pk) == 1 &&
              EVP_DigestVerify(md, sig, sn, (const unsigned char *)data, n) == 1;
    EVP_MD_CTX_free(md);
    return ok;
}

/* Is the token's signature right? RS256 with the local public key (PEM or
 * JWKS), HS256 with the local secret; else false with *why. */
static bool stc_jwt_signed(const stc_auth_keys *k, const cJSON *header, const char *token, size_t signed_len,
                           const unsigned char *sig, size_t sn, const char **why)
{
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
    if (cJSON_IsString(alg) && strcmp(alg->valuestring, "RS256") == 0) {
        EVP_PKEY *pk = stc_rs256_key(k, header, why);
        if (!pk)
            return false;
        bool ok = stc_rs256_verify(pk, token, signed_len, sig, sn);
        EVP_PKEY_free(pk);
        if (!ok)
            *why = "the RS256 signature does not match the local public key";
        return ok;
    }
    if (!cJSON_IsString(alg) || strcmp(alg->valuestring, "HS256") != 0) {
        *why = "the token is signed neither with RS256 nor with HS256";
        return false;
    }
    if (!k->jwt_key) {
        *why = "no local HS256 key (set STC_SERVE_JWT_KEY)";
        return false;
    }
    char *signed_part = stc_xstrndup(token, signed_len);
    unsigned char mac[32];
    stc_hmac(k->jwt_key, strlen(k->jwt_key), signed_part, mac);
    free(signed_part);
    if (sn != 32 || CRYPTO_memcmp(mac, sig, 32) != 0) {
        *why = "the signature does not match the local key";
        return false;
    }
    return true;
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
    double now = (double)now_ms / 1000.0;
    if (!cJSON_IsObject(header) || !cJSON_IsObject(payload) || !sig) {
        *why = "the token's parts are not base64url JSON";
    } else if (stc_jwt_signed(k, header, token, (size_t)(d2 - token), sig, sn, why)) {
        const cJSON *exp = cJSON_GetObjectItemCaseSensitive(payload, "exp");
        const cJSON *nbf = cJSON_GetObjectItemCaseSensitive(payload, "nbf");
        const cJSON *iat = cJSON_GetObjectItemCaseSensitive(payload, "iat");
        const cJSON *iss = cJSON_GetObjectItemCaseSensitive(payload, "iss");
        const cJSON *aud = cJSON_GetObjectItemCaseSensitive(payload, "aud");
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(payload, "client_id");
        bool aud_ok = cJSON_IsString(aud) && stc_audience_has(k->audience, aud->valuestring);
        const cJSON *a;
        if (cJSON_IsArray(aud))
            cJSON_ArrayForEach(a, aud) aud_ok = aud_ok || (cJSON_IsString(a) && stc_audience_has(k->audience, a->valuestring));
        if (!aud && cJSON_IsString(cid))
            aud_ok = stc_audience_has(k->audience, cid->valuestring);
        if (!cJSON_IsNumber(exp) || exp->valuedouble <= now)
            *why = "the token has expired (or has no exp)";
        else if (nbf && (!cJSON_IsNumber(nbf) || nbf->valuedouble > now))
            *why = "the token is not valid yet (nbf)";
        else if (iat && (!cJSON_IsNumber(iat) || iat->valuedouble > now))
            *why = "the token was issued in the future (iat)";
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

/* The parts of a signature: from the Authorization header, or from the
 * query string of a presigned URL (X-Amz-Algorithm, X-Amz-Credential,
 * X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Expires), as AWS's
 * clients sign a wss:// URL. */
typedef struct stc_sigv4 {
    bool query;             /* presigned */
    char *cred, *signed_headers, *signature;
    const char *amz_date;
    const char *expires;    /* presigned only; may be NULL */
} stc_sigv4;

static const char *stc_arg(const stc_http_request *rq, const char *name)
{
    for (size_t i = 0; i < rq->nargs; i++)
        if (strcmp(rq->args[i].name, name) == 0)
            return rq->args[i].value ? rq->args[i].value : "";
    return NULL;
}

/* false: no signature at all. */
static bool stc_sigv4_parts(const stc_http_request *rq, stc_sigv4 *sv)
{
    memset(sv, 0, sizeof *sv);
    const char *auth = stc_http_header(rq->headers, rq->nheaders, "authorization");
    static const char prefix[] = "AWS4-HMAC-SHA256 ";
    if (auth && strncmp(auth, prefix, sizeof prefix - 1) == 0) {
        auth += sizeof prefix - 1;
        sv->cred = stc_sigv4_field(auth, "Credential");
        sv->signed_headers = stc_sigv4_field(auth, "SignedHeaders");
        sv->signature = stc_sigv4_field(auth, "Signature");
        sv->amz_date = stc_http_header(rq->headers, rq->nheaders, "x-amz-date");
        return true;
    }
    const char *alg = stc_arg(rq, "X-Amz-Algorithm");
    if (!alg || strcmp(alg, "AWS4-HMAC-SHA256") != 0)
        return false;
    sv->query = true;
    const char *v;
    sv->cred = (v = stc_arg(rq, "X-Amz-Credential")) ? stc_xstrdup(v) : NULL;
    sv->signed_headers = (v = stc_arg(rq, "X-Amz-SignedHeaders")) ? stc_xstrdup(v) : NULL;
    sv->signature = (v = stc_arg(rq, "X-Amz-Signature")) ? stc_xstrdup(v) : NULL;
    sv->amz_date = stc_arg(rq, "X-Amz-Date");
    sv->expires = stc_arg(rq, "X-Amz-Expires");
    return true;
}

static void stc_sigv4_free(stc_sigv4 *sv)
{
    free(sv->cred);
    free(sv->signed_headers);
    free(sv->signature);
}

/* The canonical request of rq (AWS's "Create a canonical request") up to
 * its last line, the payload's hash, which the caller adds. */
static void stc_sigv4_canonical(const stc_http_request *rq, const stc_sigv4 *sv, stc_buf *cr, bool *host_signed,
                                bool *missing)
{
    stc_buf_printf(cr, "%s\n", rq->method);
    /* the path, encoded twice (every service but S3) */
    char *once = stc_encoded(rq->path, true);
    stc_uri_encode(cr, once, true);
    free(once);
    stc_buf_puts(cr, "\n");
    /* the query string without the signature itself (presigned), sorted */
    stc_qpair *qs = stc_xcalloc(rq->nargs + 1, sizeof *qs);
    size_t nq = 0;
    for (size_t i = 0; i < rq->nargs; i++) {
        if (sv->query && strcmp(rq->args[i].name, "X-Amz-Signature") == 0)
            continue;
        qs[nq].name = stc_encoded(rq->args[i].name, false);
        qs[nq].value = stc_encoded(rq->args[i].value, false);
        nq++;
    }
    qsort(qs, nq, sizeof *qs, stc_qpair_cmp);
    for (size_t i = 0; i < nq; i++) {
        stc_buf_printf(cr, "%s%s=%s", i ? "&" : "", qs[i].name, qs[i].value);
        free(qs[i].name);
        free(qs[i].value);
    }
    free(qs);
    stc_buf_puts(cr, "\n");
    *host_signed = *missing = false;
    for (char *q = sv->signed_headers; *q;) {
        size_t n = strcspn(q, ";");
        char *name = stc_xstrndup(q, n);
        *host_signed = *host_signed || strcmp(name, "host") == 0;
        char *v = stc_canonical_header(rq, name);
        *missing = *missing || !v;
        stc_buf_printf(cr, "%s:%s\n", name, v ? v : "");
        free(v);
        free(name);
        q += n + (q[n] == ';');
    }
    stc_buf_printf(cr, "\n%s\n", sv->signed_headers);
}

/* The signature (64 hex digits) of canonical request `cr` + payload hash. */
static void stc_sigv4_sign(const stc_auth_keys *k, const char *amz_date, char *const parts[5], const char *cr,
                           const char *payload_hash, char want[65])
{
    char *full = stc_xasprintf("%s%s", cr, payload_hash);
    char cr_hash[65];
    stc_sha256_hex(full, strlen(full), cr_hash);
    free(full);
    char *sts = stc_xasprintf("AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", amz_date, parts[1], parts[2],
                              parts[3], cr_hash);
    char *k0 = stc_xasprintf("AWS4%s", k->secret_key);
    unsigned char kd[32], kr[32], ks[32], kg[32], mac[32];
    stc_hmac(k0, strlen(k0), parts[1], kd);
    stc_hmac(kd, 32, parts[2], kr);
    stc_hmac(kr, 32, parts[3], ks);
    stc_hmac(ks, 32, "aws4_request", kg);
    stc_hmac(kg, 32, sts, mac);
    stc_hex(mac, 32, want);
    free(k0);
    free(sts);
}

/* The IAM identity of a valid signature (in the Authorization header or
 * presigned in the query string), or NULL with *why. */
static cJSON *stc_sigv4_identity(const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms, const char **why)
{
    stc_sigv4 sv;
    if (!stc_sigv4_parts(rq, &sv)) {
        *why = "Missing Authentication Token";
        return NULL;
    }
    cJSON *identity = NULL;
    /* Credential: KEY/DATE/REGION/SERVICE/aws4_request */
    char *parts[5] = {0};
    size_t np = 0;
    for (char *q = sv.cred, *sl; q && np < 5; q = sl ? sl + 1 : NULL) {
        sl = strchr(q, '/');
        parts[np++] = sl ? stc_xstrndup(q, (size_t)(sl - q)) : stc_xstrdup(q);
    }
    int64_t t = stc_amz_date_ms(sv.amz_date);
    char *end = NULL;
    long expires = sv.expires ? strtol(sv.expires, &end, 10) : 0;
    bool expires_ok = !sv.expires || (*sv.expires && !*end && expires >= 1 && expires <= 604800);
    if (!sv.cred || !sv.signed_headers || !sv.signature || np != 5 || strcmp(parts[4], "aws4_request") != 0) {
        *why = sv.query ? "the presigned URL requires X-Amz-Credential, X-Amz-SignedHeaders and X-Amz-Signature"
                        : "Authorization header requires Credential, SignedHeaders and Signature";
    } else if (strcmp(parts[0], k->access_key) != 0) {
        *why = "The security token included in the request is invalid";
    } else if (strcmp(parts[3], "execute-api") != 0) {
        *why = "Credential should be scoped to correct service: 'execute-api'";
    } else if (t < 0 || strncmp(sv.amz_date, parts[1], 8) != 0) {
        *why = sv.query ? "X-Amz-Date is missing or does not match the credential's date"
                        : "the x-amz-date header is missing or does not match the credential's date";
    } else if (!expires_ok) {
        *why = "X-Amz-Expires must be a number of seconds from 1 to 604800";
    } else if (t > now_ms + STC_SIGV4_SKEW_MS ||
               (sv.expires ? now_ms > t + expires * 1000 : t < now_ms - STC_SIGV4_SKEW_MS)) {
        *why = "Signature expired";
    } else {
        stc_buf cr = STC_BUF_INIT;
        bool host_signed, missing;
        stc_sigv4_canonical(rq, &sv, &cr, &host_signed, &missing);
        const char *payload_hash = stc_http_header(rq->headers, rq->nheaders, "x-amz-content-sha256");
        char body_hash[65];
        stc_sha256_hex(rq->body ? rq->body : "", rq->body ? rq->body_len : 0, body_hash);
        /* a presigned URL signs the hash of the empty body, or
         * UNSIGNED-PAYLOAD as some clients write it */
        char want[65];
        stc_sigv4_sign(k, sv.amz_date, parts, stc_buf_cstr(&cr), payload_hash ? payload_hash : body_hash, want);
        bool match = strlen(sv.signature) == 64 && CRYPTO_memcmp(want, sv.signature, 64) == 0;
        if (!match && sv.query && !payload_hash) {
            stc_sigv4_sign(k, sv.amz_date, parts, stc_buf_cstr(&cr), "UNSIGNED-PAYLOAD", want);
            match = strlen(sv.signature) == 64 && CRYPTO_memcmp(want, sv.signature, 64) == 0;
        }
        stc_buf_free(&cr);
        if (!host_signed || missing)
            *why = "the signature must cover the host header and every header it names";
        else if (!match)
            *why = "The request signature we calculated does not match the signature you provided";
        else if (payload_hash && strcmp(payload_hash, body_hash) != 0 && strcmp(payload_hash, "UNSIGNED-PAYLOAD") != 0)
            *why = "the x-amz-content-sha256 header does not match the body";
        else {
            identity = cJSON_CreateObject();
            cJSON_AddStringToObject(identity, "accessKey", k->access_key);
            cJSON_AddStringToObject(identity, "accountId", STC_APIGW_ACCOUNT);
            cJSON_AddStringToObject(identity, "callerId", STC_AUTH_LOCAL_USER_ID);
            cJSON_AddNullToObject(identity, "principalOrgId");
            cJSON_AddStringToObject(identity, "userArn", STC_AUTH_LOCAL_USER_ARN);
            cJSON_AddStringToObject(identity, "userId", STC_AUTH_LOCAL_USER_ID);
        }
    }
    for (size_t i = 0; i < np; i++)
        free(parts[i]);
    stc_sigv4_free(&sv);
    return identity;
}

/* ---- the check ----------------------------------------------------------------------- */

static bool stc_auth_has_jwt_key(const stc_auth_keys *k)
{
    return k->jwt_key || k->jwt_public_key || k->jwks;
}

static const char *const stc_auth_no_jwt_key =
    "no local key (set STC_SERVE_JWT_KEY, STC_SERVE_JWT_PUBLIC_KEY or STC_SERVE_JWKS)";
static const char *const stc_auth_no_access_key = " (set STC_SERVE_ACCESS_KEY_ID and STC_SERVE_SECRET_ACCESS_KEY)";

/* The claims of `token`, or NULL after refusing with 401 (the reason to
 * stderr, after `where`: "GET /x", "WS $connect"). */
static cJSON *stc_auth_jwt(const stc_auth_keys *k, const char *token, const char *missing, int64_t now_ms,
                           const char *where, stc_http_response *rs)
{
    const char *why = NULL;
    cJSON *claims = token && *token && stc_auth_has_jwt_key(k) ? stc_jwt_claims(k, token, now_ms, &why) : NULL;
    if (!claims) {
        fprintf(stderr, "stc-tui: %s: 401: %s\n", where,
                why ? why : !token || !*token ? missing : stc_auth_no_jwt_key);
        stc_auth_refuse(rs, 401, "Unauthorized");
    }
    return claims;
}

/* The IAM identity of rq's signature, or NULL after refusing with 403. */
static cJSON *stc_auth_iam(const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms, const char *where,
                           stc_http_response *rs)
{
    const char *why = "Forbidden";
    cJSON *identity = k->access_key ? stc_sigv4_identity(k, rq, now_ms, &why) : NULL;
    if (!identity) {
        fprintf(stderr, "stc-tui: %s: 403: %s%s\n", where, why, k->access_key ? "" : stc_auth_no_access_key);
        stc_auth_refuse(rs, 403, why);
    }
    return identity;
}

int stc_auth_check(const char *auth, const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms,
                   cJSON **authorizer, stc_http_response *rs)
{
    *authorizer = NULL;
    if (!auth || strcmp(auth, "none") == 0)
        return 0;
    char *where = stc_xasprintf("%s %s", rq->method, rq->path);
    cJSON *found;
    if (strcmp(auth, "jwt") == 0) {
        const char *h = stc_http_header(rq->headers, rq->nheaders, "authorization");
        if (h && strncasecmp(h, "Bearer ", 7) == 0)
            h += 7;
        found = stc_auth_jwt(k, h, "no token", now_ms, where, rs);
        if (found) {
            *authorizer = cJSON_CreateObject();
            cJSON *jwt = cJSON_AddObjectToObject(*authorizer, "jwt");
            cJSON_AddItemToObject(jwt, "claims", found);
            cJSON_AddNullToObject(jwt, "scopes");
        }
    } else if ((found = stc_auth_iam(k, rq, now_ms, where, rs)) != NULL) {
        *authorizer = cJSON_CreateObject();
        cJSON_AddItemToObject(*authorizer, "iam", found);
    }
    free(where);
    return found ? 0 : -1;
}

int stc_auth_check_connect(const char *auth, const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms,
                           cJSON **context, stc_http_response *rs)
{
    *context = NULL;
    if (!auth || strcmp(auth, "none") == 0)
        return 0;
    if (strcmp(auth, "jwt") == 0) {
        /* the generated REQUEST authorizer: its identity source is the
         * query argument `token`; without it API Gateway answers 401 and
         * does not call it; a token it refuses raises Unauthorized (401) */
        cJSON *claims = stc_auth_jwt(k, stc_arg(rq, STC_AUTH_WS_TOKEN),
                                     "no token (the query argument " STC_AUTH_WS_TOKEN ")", now_ms, "WS $connect", rs);
        if (!claims)
            return -1;
        /* what the authorizer returns: principalId and the claims as its
         * context; API Gateway adds integrationLatency */
        const cJSON *sub = cJSON_GetObjectItemCaseSensitive(claims, "sub");
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(claims, "client_id");
        cJSON *authz = cJSON_CreateObject();
        cJSON_AddStringToObject(authz, "principalId", cJSON_IsString(sub)   ? sub->valuestring
                                                      : cJSON_IsString(cid) ? cid->valuestring
                                                                            : "unknown");
        cJSON_AddNumberToObject(authz, "integrationLatency", 0);
        const cJSON *c;
        cJSON_ArrayForEach(c, claims)
        {
            if (strcmp(c->string, "principalId") != 0 && strcmp(c->string, "integrationLatency") != 0)
                cJSON_AddStringToObject(authz, c->string, c->valuestring);
        }
        cJSON_Delete(claims);
        *context = cJSON_CreateObject();
        cJSON_AddItemToObject(*context, "authorizer", authz);
        return 0;
    }
    cJSON *who = stc_auth_iam(k, rq, now_ms, "WS $connect", rs);
    if (!who)
        return -1;
    /* a WebSocket API's context names the IAM caller as a REST API does */
    cJSON *identity = cJSON_CreateObject();
    cJSON_AddStringToObject(identity, "accountId", STC_APIGW_ACCOUNT);
    cJSON_AddStringToObject(identity, "accessKey", k->access_key);
    cJSON_AddStringToObject(identity, "caller", STC_AUTH_LOCAL_USER_ID);
    cJSON_AddStringToObject(identity, "user", STC_AUTH_LOCAL_USER_ID);
    cJSON_AddStringToObject(identity, "userArn", STC_AUTH_LOCAL_USER_ARN);
    cJSON_AddNullToObject(identity, "principalOrgId");
    cJSON_Delete(who);
    *context = cJSON_CreateObject();
    cJSON_AddItemToObject(*context, "identity", identity);
    return 0;
}
