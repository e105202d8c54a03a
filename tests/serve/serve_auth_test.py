"""stc-tui serve enforces each route's auth of the served mode with local keys
(docs/hardening.md, docs/serve.md "Auth"; serve/auth.h), as the deployed HTTP
API does with AWS's:

- auth: jwt: "Authorization: Bearer <JWT>" signed HS256 with STC_SERVE_JWT_KEY,
  exp in the future, iss = jwt_issuer, aud one of jwt_audience; otherwise
  401 {"message": "Unauthorized"}. The claims reach `caller` (as text, as
  API Gateway passes them).
- auth: iam: a SigV4 signature (service execute-api) with
  STC_SERVE_ACCESS_KEY_ID / STC_SERVE_SECRET_ACCESS_KEY; otherwise 403.

The tokens and signatures are made here by hand after the JWT RFC (7519,
7515: HMAC-SHA256 over base64url(header).base64url(payload)) and AWS's
Signature Version 4 documentation (canonical request, string to sign, the
signing key from the date, region and service).

tests/aws/data/shelves.py in prod (shelves.stc.yaml): auth jwt for the
service, iam for get_shelf; issuer
https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123, audiences
app-client-1 and app-client-2."""
import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import SLOW, TESTS, Server, Tally, curl_json, wait_until  # noqa: E402

T = Tally()
SHELVES = os.path.join(TESTS, "aws", "data", "shelves.py")
ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123"
JWT_KEY = "local-jwt-key-for-tests"
AKID, SECRET = "AKIALOCALTEST", "local/secret+key"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims, key=JWT_KEY, alg="HS256"):
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    sig = b64url(hmac.new(key.encode(), (head + "." + body).encode(), hashlib.sha256).digest())
    return head + "." + body + "." + sig


def claims(**over):
    c = {"sub": "ann", "iss": ISSUER, "aud": "app-client-2", "exp": int(time.time()) + 600, "email": "ann@example.com"}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def bearer(token):
    return ["authorization: Bearer " + token]


def sigv4(method, url, body=b"", secret=SECRET, akid=AKID, when=None, region="us-east-1", service="execute-api"):
    """The headers of a SigV4-signed request (AWS's documented algorithm)."""
    u = urllib.parse.urlsplit(url)
    when = when or datetime.datetime.now(datetime.timezone.utc)
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    # every service but S3 encodes the path twice
    path = urllib.parse.quote(urllib.parse.quote(urllib.parse.unquote(u.path), safe="/~"), safe="/~")
    args = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    query = "&".join("%s=%s" % (urllib.parse.quote(k, safe="-_.~"), urllib.parse.quote(v, safe="-_.~"))
                     for k, v in sorted(args))
    payload = hashlib.sha256(body).hexdigest()
    headers = {"host": u.netloc, "x-amz-date": amz_date, "x-amz-content-sha256": payload}
    signed = ";".join(sorted(headers))
    canonical = "\n".join([method, path, query, "".join("%s:%s\n" % (k, headers[k]) for k in sorted(headers)),
                           signed, payload])
    scope = "%s/%s/%s/aws4_request" % (date, region, service)
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    auth = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (akid, scope, signed, signature)
    return ["authorization: " + auth] + ["%s: %s" % (k, v) for k, v in headers.items() if k != "host"]


env = {"STC_PARAM_PRINTER_TOKEN": "t0", "STC_SERVE_JWT_KEY": JWT_KEY, "STC_SERVE_ACCESS_KEY_ID": AKID,
       "STC_SERVE_SECRET_ACCESS_KEY": SECRET}
with Server(SHELVES, "--mode", "prod", env=env) as srv:
    url = srv.url("/shelves")
    # --- jwt ------------------------------------------------------------------
    T.check("jwt: no token", curl_json(url, "POST", {"name": "s1"}), (401, {"message": "Unauthorized"}))
    st, shelf = curl_json(url, "POST", {"name": "s1"}, headers=bearer(jwt(claims())))
    T.check("jwt: a good token, and the caller is its claims", (st, shelf), (200, {"name": "s1", "owner": "ann"}))
    st, shelf = curl_json(url, "POST", {"name": "s2"}, headers=bearer(jwt(claims(aud=None, client_id="app-client-1"))))
    T.check("jwt: an access token's client_id", st, 200)
    bad = {
        "another key": jwt(claims(), key="not-the-key"),
        "expired": jwt(claims(exp=int(time.time()) - 5)),
        "no exp": jwt(claims(exp=None)),
        "not yet valid": jwt(claims(nbf=int(time.time()) + 600)),
        "another issuer": jwt(claims(iss="https://login.example.com/")),
        "another audience": jwt(claims(aud="app-client-9")),
        "alg none": jwt(claims(), alg="none").rsplit(".", 1)[0] + ".",
        "not a JWT": "abc",
    }
    for what, token in bad.items():
        T.check("jwt: %s" % what, curl_json(url, "POST", {"name": "x"}, headers=bearer(token)),
                (401, {"message": "Unauthorized"}))
    T.check("jwt: the refused requests wrote nothing",
            sorted(s["name"] for s in curl_json(url, headers=bearer(jwt(claims())))[1]), ["s1", "s2"])
    # an async route: the claims reach the workflow's caller, as text
    c = claims()
    st, got = curl_json(srv.url("/shelves/s1/recount"), "POST", {"depth": 3}, headers=bearer(jwt(c)))
    name = got["executionArn"].rsplit(":", 1)[1]
    e = wait_until(lambda: (lambda x: x if x and x.get("status") != "RUNNING" else None)(
        curl_json(srv.url("/_stc/executions/" + name))[1]), 20 * SLOW)
    T.check("jwt, async: the caller in the input",
            (st, e["input"]), (202, {"shelf_id": "s1", "depth": 3,
                                     "caller": {"sub": "ann", "iss": ISSUER, "aud": "app-client-2",
                                                "exp": str(c["exp"]), "email": "ann@example.com"}}))

    # --- iam (get_shelf) --------------------------------------------------------
    one = srv.url("/shelves/s1")
    T.check("iam: unsigned", curl_json(one)[0], 403)
    st, got = curl_json(one, headers=sigv4("GET", one))
    T.check("iam: signed", (st, got), (200, {"name": "s1", "owner": "ann"}))
    q = srv.url("/shelves/s1?b=2&a=x%20y")
    T.check("iam: signed, with a query string", curl_json(q, headers=sigv4("GET", q))[0], 200)
    T.check("iam: another secret", curl_json(one, headers=sigv4("GET", one, secret="wrong"))[0], 403)
    T.check("iam: another key id", curl_json(one, headers=sigv4("GET", one, akid="AKIAOTHER"))[0], 403)
    T.check("iam: signed for another path", curl_json(one, headers=sigv4("GET", srv.url("/shelves/s2")))[0], 403)
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    T.check("iam: a signature 20 minutes old", curl_json(one, headers=sigv4("GET", one, when=old)),
            (403, {"message": "Signature expired"}))
    T.check("iam: signed for another service", curl_json(one, headers=sigv4("GET", one, service="s3"))[0], 403)
    T.check("iam: a JWT is no signature", curl_json(one, headers=bearer(jwt(claims())))[0], 403)

# RS256, as the deployed authorizers take them: a key of a local JWKS by kid
# (tests/auth_lib.py makes the key with openssl), or a local PEM public key.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import tempfile  # noqa: E402
from auth_lib import RsaKey, jwt as rs_jwt  # noqa: E402
work = tempfile.mkdtemp(prefix="stc-auth-")
key, other = RsaKey(work, "a"), RsaKey(work, "b")
with open(os.path.join(work, "jwks.json"), "w") as f:
    json.dump({"keys": [key.jwk("kid-a")]}, f)
with Server(SHELVES, "--mode", "prod", env={"STC_PARAM_PRINTER_TOKEN": "t0",
                                            "STC_SERVE_JWKS": os.path.join(work, "jwks.json")}) as srv:
    url = srv.url("/shelves")
    T.check("jwt, RS256 by kid from the JWKS", curl_json(url, "POST", {"name": "r1"},
                                                          headers=bearer(rs_jwt(claims(), key, "RS256", kid="kid-a"))),
            (200, {"name": "r1", "owner": "ann"}))
    T.check("jwt, RS256: another key under that kid",
            curl_json(url, "POST", {"name": "r2"}, headers=bearer(rs_jwt(claims(), other, "RS256", kid="kid-a")))[0],
            401)
    T.check("jwt, RS256: an expired token",
            curl_json(url, "POST", {"name": "r3"},
                      headers=bearer(rs_jwt(claims(exp=int(time.time()) - 1), key, "RS256", kid="kid-a")))[0], 401)
    T.check("jwt, HS256 without STC_SERVE_JWT_KEY", curl_json(url, "POST", {"name": "r4"},
                                                               headers=bearer(jwt(claims())))[0], 401)
with Server(SHELVES, "--mode", "prod", env={"STC_PARAM_PRINTER_TOKEN": "t0", "STC_SERVE_JWT_PUBLIC_KEY": key.public}) as srv:
    T.check("jwt, RS256 with the PEM public key",
            curl_json(srv.url("/shelves"), "POST", {"name": "r5"}, headers=bearer(rs_jwt(claims(), key, "RS256")))[0],
            200)

# Without local keys a protected route cannot be called at all (and dev is public).
with Server(SHELVES, "--mode", "prod", env={"STC_PARAM_PRINTER_TOKEN": "t0"}) as srv:
    T.check("no local JWT key: 401", curl_json(srv.url("/shelves"), "POST", {"name": "x"},
                                               headers=bearer(jwt(claims())))[0], 401)
    T.check("no local access key: 403", curl_json(srv.url("/shelves/s1"), headers=sigv4("GET", srv.url("/shelves/s1")))[0],
            403)
with Server(SHELVES, env={"STC_PARAM_PRINTER_TOKEN": "t0"}) as srv:
    T.check("dev: public", curl_json(srv.url("/shelves"), "POST", {"name": "x"}), (200, {"name": "x", "owner": None}))

T.finish()
