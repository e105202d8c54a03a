"""Tokens and signatures made by hand for the auth tests (tests/serve,
tests/aws), from the specifications, never by the code under test:

- JWT (RFC 7519) in JWS compact form (RFC 7515): base64url(header) "."
  base64url(payload) "." base64url(signature); HS256 is HMAC-SHA256 over the
  first two parts (RFC 7518 3.2), RS256 RSASSA-PKCS1-v1_5 with SHA-256 (RFC
  7518 3.3), made here by `openssl dgst -sha256 -sign` with a key the test
  generates (`openssl genpkey`);
- a JWKS (RFC 7517) of that key: its modulus and exponent, read back with
  `openssl rsa -pubin -text`, as base64url big-endian integers;
- AWS Signature Version 4 (IAM user guide, "Create a signed AWS API
  request"): the canonical request, the string to sign, the signing key
  derived from the secret, date, region and service; in the Authorization
  header, or presigned in the query string (X-Amz-*, "Authentication
  using query parameters"), as AWS's clients sign a wss:// URL.

openssl is Debian's; a test that needs it fails when it is missing."""
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import subprocess
import urllib.parse


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _openssl(*args, data=None):
    if not shutil.which("openssl"):
        raise SystemExit("FAIL: openssl is missing (Debian's openssl; ./scripts/setup installs it)")
    return subprocess.run(["openssl", *args], input=data, capture_output=True, check=True).stdout


class RsaKey:
    """An RSA key (2048 bits by default) made for the test in folder `where`."""

    def __init__(self, where, name="key", bits=2048):
        self.private = os.path.join(where, name + ".pem")
        self.public = os.path.join(where, name + ".pub.pem")
        _openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:%d" % bits, "-out", self.private)
        _openssl("pkey", "-in", self.private, "-pubout", "-out", self.public)

    def sign(self, data):
        return _openssl("dgst", "-sha256", "-sign", self.private, data=data)

    def jwk(self, kid):
        """The public key as a JWK: n and e from openssl's text form."""
        text = _openssl("rsa", "-pubin", "-in", self.public, "-text", "-noout").decode()
        hexes = re.search(r"Modulus:\s*\n((?:\s+[0-9a-f:]+\n)+)", text).group(1)
        n = bytes.fromhex(re.sub(r"[\s:]", "", hexes)).lstrip(b"\x00")
        e = int(re.search(r"Exponent: (\d+)", text).group(1))
        return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64url(n),
                "e": b64url(e.to_bytes((e.bit_length() + 7) // 8, "big"))}


def jwt(claims, key=None, alg="HS256", kid=None, secret=None):
    """A JWT of claims: HS256 with `secret`, RS256 with RsaKey `key`, or any
    other alg unsigned (an empty signature)."""
    head = {"alg": alg, "typ": "JWT"}
    if kid:
        head["kid"] = kid
    signing = b64url(json.dumps(head).encode()) + "." + b64url(json.dumps(claims).encode())
    if alg == "HS256":
        sig = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    elif alg == "RS256":
        sig = key.sign(signing.encode())
    else:
        sig = b""
    return signing + "." + b64url(sig)


def _quote(s):
    return urllib.parse.quote(s, safe="-_.~")


def _signing_key(secret, date, region, service):
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def _signature(method, path, args, headers, payload, secret, amz_date, scope):
    date, region, service = scope.split("/")[:3]
    # every service but S3 encodes the path twice
    cpath = urllib.parse.quote(urllib.parse.quote(path, safe="/~"), safe="/~")
    query = "&".join("%s=%s" % (_quote(k), _quote(v)) for k, v in sorted(args))
    signed = ";".join(sorted(headers))
    canonical = "\n".join([method, cpath, query, "".join("%s:%s\n" % (k, headers[k]) for k in sorted(headers)),
                           signed, payload])
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    return hmac.new(_signing_key(secret, date, region, service), sts.encode(), hashlib.sha256).hexdigest()


def _now(when):
    return when or datetime.datetime.now(datetime.timezone.utc)


def sigv4_headers(method, url, akid, secret, body=b"", when=None, region="us-east-1", service="execute-api"):
    """The header lines of a request signed in its Authorization header."""
    u = urllib.parse.urlsplit(url)
    amz_date = _now(when).strftime("%Y%m%dT%H%M%SZ")
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    headers = {"host": u.netloc, "x-amz-date": amz_date}
    args = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    sig = _signature(method, urllib.parse.unquote(u.path), args, headers, hashlib.sha256(body).hexdigest(), secret,
                     amz_date, scope)
    auth = "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=host;x-amz-date, Signature=%s" % (akid, scope, sig)
    return ["Authorization: " + auth, "X-Amz-Date: " + amz_date]


def sigv4_presign(url, akid, secret, when=None, expires=None, region="us-east-1", service="execute-api",
                  payload=None, token=None):
    """url presigned for a GET (a wss:// URL is signed as its https:// twin:
    the scheme is not signed). payload: the hash the client signs (the empty
    body's by default, or "UNSIGNED-PAYLOAD")."""
    u = urllib.parse.urlsplit(url)
    amz_date = _now(when).strftime("%Y%m%dT%H%M%SZ")
    scope = "%s/%s/%s/aws4_request" % (amz_date[:8], region, service)
    args = urllib.parse.parse_qsl(u.query, keep_blank_values=True)
    args += [("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", "%s/%s" % (akid, scope)),
             ("X-Amz-Date", amz_date), ("X-Amz-SignedHeaders", "host")]
    if expires is not None:
        args.append(("X-Amz-Expires", str(expires)))
    if token:
        args.append(("X-Amz-Security-Token", token))
    sig = _signature("GET", urllib.parse.unquote(u.path) or "/", args, {"host": u.netloc},
                     payload or hashlib.sha256(b"").hexdigest(), secret, amz_date, scope)
    args.append(("X-Amz-Signature", sig))
    return urllib.parse.urlunsplit((u.scheme, u.netloc, u.path,
                                    "&".join("%s=%s" % (_quote(k), _quote(v)) for k, v in args), ""))


# RFC 7515 Appendix A.2: a JWS signed with RS256 and the RSA public key that
# verifies it (the example's own text, so the verification is checked against
# the RFC rather than against this file's signing).
RFC7515_A2_N = ("ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL"
                "-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-"
                "KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h"
                "9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ")
RFC7515_A2_E = "AQAB"
RFC7515_A2_JWS = ("eyJhbGciOiJSUzI1NiJ9"
                  ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
                  ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbd"
                  "s9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRm"
                  "B_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98r"
                  "qVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw")


def _der(tag, body):
    n = len(body)
    size = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + size + body


def _der_int(b):
    b = b.lstrip(b"\x00")
    return _der(0x02, b"\x00" + b if b[0] & 0x80 else b)


def pem_of_jwk(n, e):
    """The PEM SubjectPublicKeyInfo (RFC 5280 4.1, RFC 8017 A.1.1) of an RSA
    JWK's n and e, DER-encoded here by hand."""
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    rsa = _der(0x30, _der_int(base64.urlsafe_b64decode(pad(n))) + _der_int(base64.urlsafe_b64decode(pad(e))))
    alg = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")  # rsaEncryption, NULL
    spki = _der(0x30, alg + _der(0x03, b"\x00" + rsa))
    body = base64.b64encode(spki).decode()
    return "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % "\n".join(
        body[i:i + 64] for i in range(0, len(body), 64))
