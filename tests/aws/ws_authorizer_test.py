"""The generated JWT authorizer of a WebSocket $connect (docs/hardening.md,
"WebSocket connections with JWTs") under Debian's /usr/bin/python3.

Takes the authorizer's code out of the template of tests/data/serve/guarded.py
in prod (auth: jwt) as CloudFormation deploys it (Code.ZipFile, index.py,
handler index.handler), and calls it with API Gateway's REQUEST authorizer
event for a WebSocket $connect. The issuer is a local HTTP server of the test
that serves its OpenID configuration and JWKS; the tokens are signed here
with RSA keys openssl makes (tests/auth_lib.py, RFC 7515/7518). Expected:
an Allow policy for the methodArn with the claims (as text) as the context,
or Exception("Unauthorized") (API Gateway's 401) for a token that is
missing, expired, not yet valid, of another issuer or audience, signed with
another key, tampered with, or not RS256."""
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from auth_lib import RFC7515_A2_E, RFC7515_A2_JWS, RFC7515_A2_N, RsaKey, b64url, jwt  # noqa: E402
from tally import Tally  # noqa: E402

BIN = os.environ["STC_BIN"]
TESTS = os.environ["STC_TEST_DATA"]
ROOT = os.path.dirname(TESTS.rstrip("/"))
T = Tally()
work = tempfile.mkdtemp(prefix="stc-ws-authorizer-")

# --- the code the template carries --------------------------------------------
r = subprocess.run([BIN, "template", os.path.join(TESTS, "data", "serve", "guarded.py"), "--mode", "prod",
                    "--format", "json"], capture_output=True, text=True)
T.check("template guarded.py --mode prod", (r.returncode, r.stderr), (0, ""))
res = json.loads(r.stdout)["Resources"]
fn = res["WebSocketAuthorizerFunction"]["Properties"]
code = fn["Code"]["ZipFile"]
with open(os.path.join(ROOT, "core", "aws", "authorizer", "stc_ws_authorizer.py")) as f:
    T.check("the template carries core/aws/authorizer/stc_ws_authorizer.py as it is", code, f.read())
T.check("handler and environment", (fn["Handler"], fn["Environment"]["Variables"]),
        ("index.handler", {"STC_JWT_ISSUER": "https://id.example.com/pool-1", "STC_JWT_AUDIENCE": "app-1, app-2"}))
with open(os.path.join(work, "index.py"), "w") as f:
    f.write(code)
spec = importlib.util.spec_from_file_location("index", os.path.join(work, "index.py"))
index = importlib.util.module_from_spec(spec)
spec.loader.exec_module(index)

# --- the issuer: a local OpenID provider ----------------------------------------
key, other = RsaKey(work, "signer"), RsaKey(work, "other")
jwks = {"keys": [other.jwk("old"), key.jwk("k-1")]}
fetched = []


class Issuer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        fetched.append(self.path)
        base = "http://127.0.0.1:%d/pool-1" % self.server.server_port
        docs = {"/pool-1/.well-known/openid-configuration": {"issuer": base, "jwks_uri": base + "/keys.json"},
                "/pool-1/keys.json": jwks}
        if self.path not in docs:
            self.send_error(404)
            return
        body = json.dumps(docs[self.path]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Issuer)
threading.Thread(target=server.serve_forever, daemon=True).start()
ISSUER = "http://127.0.0.1:%d/pool-1" % server.server_port
# the template's issuer is an https:// URL (STC564); the test's is local
os.environ["STC_JWT_ISSUER"] = ISSUER
os.environ["STC_JWT_AUDIENCE"] = "app-1, app-2"
ARN = "arn:aws:execute-api:eu-west-1:123456789012:abcdef123/prod/$connect"


def event(token=None):
    """API Gateway's REQUEST authorizer event of a WebSocket $connect (its
    developer guide, "Control access to WebSocket APIs with AWS Lambda
    REQUEST authorizers")."""
    ev = {"type": "REQUEST", "methodArn": ARN, "headers": {"Host": "abcdef123.execute-api.eu-west-1.amazonaws.com"},
          "requestContext": {"routeKey": "$connect", "eventType": "CONNECT", "stage": "prod"}}
    if token is not None:
        ev["queryStringParameters"] = {"token": token}
    return ev


def authorize(token):
    """The authorizer's answer, or "Unauthorized" when it refuses."""
    try:
        return index.handler(event(token), None)
    except Exception as e:  # noqa: BLE001 (the handler raises a plain Exception, as API Gateway wants)
        return str(e)


def claims(**over):
    now = int(time.time())
    c = {"sub": "u-7", "iss": ISSUER, "aud": "app-2", "iat": now - 10, "exp": now + 600, "email": "u7@example.com",
         "email_verified": True}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def allow(context, principal="u-7"):
    return {"principalId": principal,
            "policyDocument": {"Version": "2012-10-17",
                               "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": ARN}]},
            "context": context}


c = claims()
T.check("a good token: Allow for the methodArn, the claims as text", authorize(jwt(c, key, "RS256", kid="k-1")),
        allow({"sub": "u-7", "iss": ISSUER, "aud": "app-2", "iat": str(c["iat"]), "exp": str(c["exp"]),
               "email": "u7@example.com", "email_verified": "true"}))
T.check("the keys were found through the OpenID configuration",
        fetched, ["/pool-1/.well-known/openid-configuration", "/pool-1/keys.json"])
c = claims(aud=None, client_id="app-1", groups=["a", "b"])
T.check("an access token (client_id, no aud); a list claim as compact JSON",
        authorize(jwt(c, key, "RS256", kid="k-1"))["context"]["groups"], '["a","b"]')
T.check("aud: a list with one of the audiences",
        authorize(jwt(claims(aud=["x", "app-1"]), key, "RS256", kid="k-1"))["principalId"], "u-7")
T.check("the keys are kept: no fetch for a known kid", len(fetched), 2)

UNAUTHORIZED = "Unauthorized"
now = int(time.time())
bad = {
    "no token": None,
    "an empty token": "",
    "not a JWT": "abc.def",
    "expired": jwt(claims(exp=now - 1), key, "RS256", kid="k-1"),
    "no exp": jwt(claims(exp=None), key, "RS256", kid="k-1"),
    "not yet valid (nbf)": jwt(claims(nbf=now + 600), key, "RS256", kid="k-1"),
    "issued in the future (iat)": jwt(claims(iat=now + 600), key, "RS256", kid="k-1"),
    "another issuer": jwt(claims(iss="https://id.example.com/pool-2"), key, "RS256", kid="k-1"),
    "another audience": jwt(claims(aud="app-3"), key, "RS256", kid="k-1"),
    "another audience in a list": jwt(claims(aud=["app-3", "app-4"]), key, "RS256", kid="k-1"),
    "signed with another key under k-1": jwt(claims(), other, "RS256", kid="k-1"),
    "no kid": jwt(claims(), key, "RS256"),
    "HS256 (a shared secret is no issuer's key)": jwt(claims(), alg="HS256", kid="k-1", secret="k-1"),
    "alg none": jwt(claims(), alg="none", kid="k-1"),
}
for what, token in bad.items():
    T.check("refused: %s" % what, authorize(token), UNAUTHORIZED)
h, p, s = jwt(claims(), key, "RS256", kid="k-1").split(".")
T.check("refused: a changed payload", authorize(h + "." + b64url(json.dumps(claims(sub="admin")).encode()) + "." + s),
        UNAUTHORIZED)
sig = bytearray(index.b64url_decode(s))
sig[-1] ^= 1
T.check("refused: a signature one bit off", authorize(h + "." + p + "." + b64url(bytes(sig))), UNAUTHORIZED)

# an unknown kid fetches the keys again (a rotated key), at most once a minute
before = len(fetched)
T.check("refused: a kid the JWKS does not have, within a minute of the fetch",
        (authorize(jwt(claims(), key, "RS256", kid="k-2")), len(fetched) - before), (UNAUTHORIZED, 0))
index._keys_fetched -= index.JWKS_REFRESH_SECONDS  # a minute later
T.check("refused: a kid the JWKS does not have", authorize(jwt(claims(), key, "RS256", kid="k-2")), UNAUTHORIZED)
T.check("an unknown kid a minute later fetched the keys again", len(fetched) - before, 2)
T.check("refused again, without another fetch within the minute",
        (authorize(jwt(claims(), key, "RS256", kid="k-2")), len(fetched) - before), (UNAUTHORIZED, 2))
jwks["keys"].append(key.jwk("k-2"))
index._keys_fetched -= index.JWKS_REFRESH_SECONDS
T.check("a rotated key, a minute later: accepted", authorize(jwt(claims(), key, "RS256", kid="k-2"))["principalId"],
        "u-7")

# RSASSA-PKCS1-v1_5 itself: the example of RFC 7515 A.2 verifies with its key
h, p, s = RFC7515_A2_JWS.split(".")
n = int.from_bytes(index.b64url_decode(RFC7515_A2_N), "big")
e = int.from_bytes(index.b64url_decode(RFC7515_A2_E), "big")
T.check("RFC 7515 A.2: the RS256 example verifies", index.rs256_valid(n, e, (h + "." + p).encode(),
                                                                      index.b64url_decode(s)), True)
jon = b64url(index.b64url_decode(p).replace(b'"joe"', b'"jon"'))
T.check("RFC 7515 A.2: not with its iss joe made jon",
        index.rs256_valid(n, e, (h + "." + jon).encode(), index.b64url_decode(s)), False)
# openssl's signatures verify, a 1024-bit key is refused
small = RsaKey(work, "small", bits=1024)
small_jwk = small.jwk("s")
n = int.from_bytes(index.b64url_decode(small_jwk["n"]), "big")
e = int.from_bytes(index.b64url_decode(small_jwk["e"]), "big")
T.check("the JWK's exponent is 65537", e, 65537)
T.check("a 1024-bit key is refused whatever it signs", index.rs256_valid(n, e, b"x", small.sign(b"x")), False)
big = key.jwk("k")
n = int.from_bytes(index.b64url_decode(big["n"]), "big")
T.check("openssl's RS256 signature verifies", index.rs256_valid(n, 65537, b"hello", key.sign(b"hello")), True)
T.check("... over its own input only", index.rs256_valid(n, 65537, b"hellO", key.sign(b"hello")), False)
T.check("... with its own length only", index.rs256_valid(n, 65537, b"hello", b"\x00" + key.sign(b"hello")), False)

server.shutdown()
T.finish()
