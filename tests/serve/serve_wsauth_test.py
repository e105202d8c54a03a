"""stc-tui serve checks who may open a WebSocket connection before the
handshake, as the deployed API does at $connect (docs/serve.md "Auth",
docs/hardening.md), with local keys:

- auth: iam: the upgrade request signed with SigV4 (service execute-api) in
  its Authorization header, or presigned in the query string (X-Amz-*), as
  AWS's clients sign a wss:// URL; else 403 before the upgrade;
- auth: jwt: the query argument `token` (the identity source of the
  generated REQUEST authorizer) signed RS256 with STC_SERVE_JWT_PUBLIC_KEY or
  a key of STC_SERVE_JWKS (by kid), or HS256 with STC_SERVE_JWT_KEY; exp,
  nbf, iss and aud checked; else 401 before the upgrade;
- every route of the connection gets `caller`: what $connect's check found.

Tokens and signatures are made here (tests/auth_lib.py: openssl and the
RFCs / AWS's SigV4 documentation). tests/data/serve/guarded.py: dev public,
stage iam (the built-in choice), prod jwt (guarded.stc.yaml)."""
import base64
import datetime
import json
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import websocket  # noqa: E402
from auth_lib import (RFC7515_A2_E, RFC7515_A2_JWS, RFC7515_A2_N, RsaKey, jwt, pem_of_jwk,  # noqa: E402
                      sigv4_headers, sigv4_presign)
from serve_harness import DATA, Server, Tally, curl_json, wait_until  # noqa: E402

T = Tally()
GUARDED = os.path.join(DATA, "guarded.py")
ISSUER = "https://id.example.com/pool-1"
AKID, SECRET = "AKIAWSLOCAL", "ws/secret+key"
HS_KEY = "hs-key-for-ws"
# the identity of the local signer (docs/serve.md "Auth")
SIGNER = {"arn": "arn:aws:iam::123456789012:user/local", "account": "123456789012", "user_id": "AIDALOCALSERVE",
          "access_key": AKID}


def refused(srv, path, header=None):
    """Send the upgrade request by hand and read the answer to its end: the
    status and the JSON body of a refused handshake (the server closes the
    connection after it), or (101, None) when it upgrades."""
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    lines = ["GET %s HTTP/1.1" % path, "Host: 127.0.0.1:%d" % srv.port, "Upgrade: websocket",
             "Connection: Upgrade", "Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)).decode(),
             "Sec-WebSocket-Version: 13"] + list(header or [])
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    status = int(data.split(b" ", 2)[1])
    if status == 101:
        s.close()
        return 101, None
    while True:  # a refusal: the body, then the server closes
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    s.close()
    body = data.split(b"\r\n\r\n", 1)[1]
    return status, json.loads(body) if body else None


def whoami(ws):
    ws.send(json.dumps({"action": "whoami"}))
    return json.loads(ws.recv())


def claims(**over):
    c = {"sub": "u-7", "iss": ISSUER, "aud": "app-2", "exp": int(time.time()) + 600, "email": "u7@example.com"}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def as_text(c):
    """The claims as the authorizer's context gives them: text (compact JSON
    for what is not a string)."""
    return {k: v if isinstance(v, str) else json.dumps(v, separators=(",", ":")) for k, v in c.items()}


work = tempfile.mkdtemp(prefix="stc-wsauth-")
key = RsaKey(work, "signer")
other = RsaKey(work, "other")
jwks = os.path.join(work, "jwks.json")
with open(jwks, "w") as f:
    json.dump({"keys": [other.jwk("k-old"), key.jwk("k-1")]}, f)

# --- iam (stage) ---------------------------------------------------------------
env = {"STC_SERVE_ACCESS_KEY_ID": AKID, "STC_SERVE_SECRET_ACCESS_KEY": SECRET}
with Server(GUARDED, "--mode", "stage", env=env) as srv:
    base = "ws://127.0.0.1:%d" % srv.port
    T.check("iam: unsigned: 403 before the upgrade", refused(srv, "/stage"),
            (403, {"message": "Missing Authentication Token"}))
    T.ok("iam: the refusal is logged, and no $connect ran",
         wait_until(lambda: any(" WS $connect 403 - " in l for l in srv.lines()), 10) and
         not any("on_connect" in l for l in srv.lines()))
    # signed in the Authorization header
    ws = srv.ws("/stage", header=sigv4_headers("GET", base + "/stage", AKID, SECRET))
    got = whoami(ws)
    T.check("iam, header: caller at $connect and on a later route", got, {"caller": SIGNER, "at_connect": SIGNER})
    ws.close()
    # presigned, as AWS clients sign a wss:// URL
    url = sigv4_presign(base + "/stage", AKID, SECRET, expires=300)
    ws = srv.ws(url[len(base):])
    T.check("iam, presigned: caller", whoami(ws)["caller"], SIGNER)
    ws.close()
    url = sigv4_presign(base + "/stage?room=blue", AKID, SECRET, payload="UNSIGNED-PAYLOAD", token="FQoGZXIvYXdzE+/=")
    T.check("iam, presigned with UNSIGNED-PAYLOAD, a query argument and a session token",
            refused(srv, url[len(base):])[0], 101)
    T.ok("$disconnect got the caller too",
         wait_until(lambda: any(c.get("disconnect") == SIGNER for c in curl_json(srv.url("/callers"))[1].values()),
                    10))
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=20)
    T.check("iam, header: 20 minutes old", refused(srv, "/stage", sigv4_headers("GET", base + "/stage", AKID, SECRET,
                                                                              when=old)),
            (403, {"message": "Signature expired"}))
    url = sigv4_presign(base + "/stage", AKID, SECRET, when=old, expires=600)
    T.check("iam, presigned: past X-Amz-Expires (600 s, signed 20 minutes ago)", refused(srv, url[len(base):]),
            (403, {"message": "Signature expired"}))
    url = sigv4_presign(base + "/stage", AKID, SECRET, when=old, expires=3600)
    T.check("iam, presigned: within X-Amz-Expires (3600 s)", refused(srv, url[len(base):])[0], 101)
    url = sigv4_presign(base + "/stage", AKID, "wrong")
    T.check("iam, presigned: another secret", refused(srv, url[len(base):])[0], 403)
    url = sigv4_presign(base + "/stage", AKID, SECRET)
    T.check("iam, presigned: the signature of another path", refused(srv, url[len(base):].replace("/stage", "/prod"))[0],
            403)
    T.check("iam, presigned: a changed query argument",
            refused(srv, sigv4_presign(base + "/stage?room=a", AKID, SECRET)[len(base):].replace("room=a", "room=b"))[0],
            403)
    url = sigv4_presign(base + "/stage", AKID, SECRET, service="s3")
    T.check("iam, presigned: another service", refused(srv, url[len(base):]),
            (403, {"message": "Credential should be scoped to correct service: 'execute-api'"}))
    T.check("iam: a JWT is no signature", refused(srv, "/stage?token=" + jwt(claims(), alg="HS256", secret=HS_KEY))[0],
            403)
    T.check("iam: HTTP routes are public where the configuration says so", curl_json(srv.url("/callers"))[0], 200)

with Server(GUARDED, "--mode", "stage") as srv:
    base = "ws://127.0.0.1:%d" % srv.port
    T.check("iam without local keys: every connection refused",
            refused(srv, "/stage", sigv4_headers("GET", base + "/stage", AKID, SECRET)), (403, {"message": "Forbidden"}))

# --- jwt (prod) ------------------------------------------------------------------
UNAUTHORIZED = (401, {"message": "Unauthorized"})
with Server(GUARDED, "--mode", "prod", env={"STC_SERVE_JWKS": jwks, "STC_SERVE_JWT_KEY": HS_KEY}) as srv:
    c = claims()
    ws = srv.ws("/prod?token=" + jwt(c, key, "RS256", kid="k-1"))
    T.check("jwt, RS256 from the JWKS: the claims (as text) at $connect and later", whoami(ws),
            {"caller": as_text(c), "at_connect": as_text(c)})
    ws.close()
    c = claims(aud=["app-9", "app-1"], groups=["a", "b"])
    ws = srv.ws("/prod?token=" + jwt(c, key, "RS256", kid="k-1"))
    T.check("jwt: one of several audiences; a list claim as JSON text", whoami(ws)["caller"],
            dict(as_text(c), aud='["app-9","app-1"]', groups='["a","b"]'))
    ws.close()
    ws = srv.ws("/prod?token=" + jwt(claims(), alg="HS256", secret=HS_KEY))
    T.check("jwt, HS256 with the local secret", whoami(ws)["caller"]["sub"], "u-7")
    ws.close()
    bad = {
        "no token": "/prod",
        "an empty token": "/prod?token=",
        "the token in the wrong argument": "/prod?access_token=" + jwt(claims(), key, "RS256", kid="k-1"),
        "expired": "/prod?token=" + jwt(claims(exp=int(time.time()) - 5), key, "RS256", kid="k-1"),
        "not yet valid": "/prod?token=" + jwt(claims(nbf=int(time.time()) + 600), key, "RS256", kid="k-1"),
        "another issuer": "/prod?token=" + jwt(claims(iss="https://id.example.com/pool-2"), key, "RS256", kid="k-1"),
        "another audience": "/prod?token=" + jwt(claims(aud="app-3"), key, "RS256", kid="k-1"),
        "signed with another key under k-1's kid": "/prod?token=" + jwt(claims(), other, "RS256", kid="k-1"),
        "a kid the JWKS does not have": "/prod?token=" + jwt(claims(), key, "RS256", kid="k-9"),
        "no kid": "/prod?token=" + jwt(claims(), key, "RS256"),
        "alg none": "/prod?token=" + jwt(claims(), alg="none"),
        "HS256 with another secret": "/prod?token=" + jwt(claims(), alg="HS256", secret="guess"),
    }
    for what, path in bad.items():
        T.check("jwt: %s: 401 before the upgrade" % what, refused(srv, path), UNAUTHORIZED)
    # a tampered payload: the signature no longer matches
    h, p, s = jwt(claims(), key, "RS256", kid="k-1").split(".")
    from auth_lib import b64url  # noqa: E402
    forged = h + "." + b64url(json.dumps(claims(sub="admin")).encode()) + "." + s
    T.check("jwt: a changed payload", refused(srv, "/prod?token=" + forged), UNAUTHORIZED)
    T.check("jwt: the refused handshakes ran no $connect",
            sorted(c["connect"]["sub"] for c in curl_json(srv.url("/callers"))[1].values()), ["u-7", "u-7", "u-7"])

with Server(GUARDED, "--mode", "prod", env={"STC_SERVE_JWT_PUBLIC_KEY": key.public}) as srv:
    ws = srv.ws("/prod?token=" + jwt(claims(), key, "RS256"))
    T.check("jwt, RS256 with the PEM public key (no kid needed)", whoami(ws)["caller"]["email"], "u7@example.com")
    ws.close()
    T.check("jwt, PEM: a token of another key", refused(srv, "/prod?token=" + jwt(claims(), other, "RS256")),
            UNAUTHORIZED)
    T.check("jwt, PEM: HS256 is not accepted without STC_SERVE_JWT_KEY",
            refused(srv, "/prod?token=" + jwt(claims(), alg="HS256", secret=HS_KEY)), UNAUTHORIZED)

# the example of RFC 7515 A.2 (its public key as PEM): the signature verifies,
# so the token is refused for what it says (exp 2011), not for its signature
rfc_pem = os.path.join(work, "rfc7515.pem")
with open(rfc_pem, "w") as f:
    f.write(pem_of_jwk(RFC7515_A2_N, RFC7515_A2_E))
with Server(GUARDED, "--mode", "prod", env={"STC_SERVE_JWT_PUBLIC_KEY": rfc_pem}) as srv:
    h, p, s = RFC7515_A2_JWS.split(".")
    joe = base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))
    jon = base64.urlsafe_b64encode(joe.replace(b'"joe"', b'"jon"')).rstrip(b"=").decode()
    T.check("jwt, RFC 7515 A.2: refused", refused(srv, "/prod?token=" + RFC7515_A2_JWS), UNAUTHORIZED)
    T.check("jwt, RFC 7515 A.2 with iss joe made jon: refused",
            refused(srv, "/prod?token=" + h + "." + jon + "." + s), UNAUTHORIZED)
    T.ok("... the first for its exp (the signature verified), the second for its signature",
         wait_until(lambda: "401: the token has expired" in srv.stderr() and
                    "401: the RS256 signature does not match" in srv.stderr(), 10), srv.stderr())

with Server(GUARDED, "--mode", "prod") as srv:
    T.check("jwt without local keys: every connection refused",
            refused(srv, "/prod?token=" + jwt(claims(), key, "RS256")), UNAUTHORIZED)

# --- none (dev) --------------------------------------------------------------------
with Server(GUARDED, env={"STC_SERVE_ACCESS_KEY_ID": AKID, "STC_SERVE_SECRET_ACCESS_KEY": SECRET}) as srv:
    ws = srv.ws("/dev?token=anything")
    T.check("dev: public; caller is None even with a token in the query", whoami(ws),
            {"caller": None, "at_connect": None})
    ws.close()

T.finish()
