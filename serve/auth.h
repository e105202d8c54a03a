/* auth.h - who may call a route of `stc-tui serve`, or open a WebSocket
 * connection, as the deployed API checks it (docs/hardening.md "Who may
 * call a route", docs/serve.md "Auth"), with local keys instead of AWS's:
 *
 *   auth: jwt   a token "Authorization: Bearer <JWT>" (a WebSocket
 *               $connect: the query argument `token`, where the generated
 *               REQUEST authorizer reads it) signed RS256 with the key of
 *               STC_SERVE_JWT_PUBLIC_KEY (a PEM file) or of STC_SERVE_JWKS
 *               (a JWKS file; the token's kid picks the key), or HS256
 *               with the secret STC_SERVE_JWT_KEY; exp in the future, nbf
 *               and iat (if any) past, iss = jwt_issuer, aud (or client_id) one of
 *               jwt_audience, as API Gateway's JWT authorizer (and the
 *               generated WebSocket authorizer) checks them. Else 401
 *               {"message": "Unauthorized"}. RSA is libcrypto's (EVP).
 *   auth: iam   a SigV4 signature (AWS4-HMAC-SHA256, service execute-api)
 *               made with STC_SERVE_ACCESS_KEY_ID / STC_SERVE_SECRET_ACCESS_KEY,
 *               in the Authorization header within 15 minutes of the
 *               request, or presigned in the query string (X-Amz-*, as AWS
 *               clients sign a wss:// URL) within X-Amz-Expires. Else 403
 *               {"message": ...}.
 *
 * On success the request context's `authorizer` is what API Gateway puts
 * there: {"jwt": {"claims": {...}, "scopes": null}} or {"iam": {"accessKey",
 * "accountId", "callerId", "principalOrgId", "userArn", "userId"}}; the
 * runtime gives it to a `caller` parameter.
 *
 * Pure functions over the request and the keys (no environment, no clock:
 * the time comes in). Ownership: *authorizer and the response's strings are
 * the caller's.
 */
#ifndef STC_SERVE_AUTH_H
#define STC_SERVE_AUTH_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "serve/apigw.h"

#define STC_AUTH_WS_TOKEN "token" /* the query argument of a WebSocket $connect's JWT */

typedef struct stc_auth_keys {
    const char *jwt_key;        /* HS256 secret; NULL: no HS256 token is accepted */
    const char *jwt_public_key; /* a PEM file: the RSA public key of RS256 tokens */
    const char *jwks;           /* a JWKS file: RSA keys of RS256 tokens by kid */
    const char *access_key;  /* SigV4 key id and secret; NULL: no signature is accepted */
    const char *secret_key;
    const char *issuer;      /* jwt_issuer of the mode */
    const char *audience;    /* jwt_audience: comma-separated */
} stc_auth_keys;

/* Read the keys of the environment (STC_SERVE_JWT_KEY,
 * STC_SERVE_JWT_PUBLIC_KEY, STC_SERVE_JWKS, STC_SERVE_ACCESS_KEY_ID,
 * STC_SERVE_SECRET_ACCESS_KEY) once, before the threads start: the
 * functions' Python changes the environment while the front checks
 * handshakes. The files they name are read at each check. */
void stc_auth_env_load(void);
/* Those keys, with the mode's issuer and audience. */
stc_auth_keys stc_auth_keys_env(const char *issuer, const char *audience);

/* Check rq for a route whose auth is `auth` ("none", "iam" or "jwt") at
 * now_ms. Returns 0 with *authorizer (NULL for none), or -1 with the
 * answer API Gateway gives in rs. */
int stc_auth_check(const char *auth, const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms,
                   cJSON **authorizer, stc_http_response *rs);

/* Check the upgrade request of a WebSocket connection whose $connect auth
 * is `auth`, as API Gateway does before the handshake. Returns 0 with
 * *context (NULL for none): what the request context of every event of the
 * connection gets, {"identity": {"accountId", "accessKey", "caller",
 * "user", "userArn", "principalOrgId"}} (iam) or {"authorizer":
 * {"principalId", "integrationLatency", <each claim as text>}} (jwt: what
 * the generated Lambda authorizer returns); or -1 with the refusal (401 or
 * 403) in rs. */
int stc_auth_check_connect(const char *auth, const stc_auth_keys *k, const stc_http_request *rq, int64_t now_ms,
                           cJSON **context, stc_http_response *rs);

#endif
