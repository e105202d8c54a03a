"""What the generated-handler tests share (handler_test.py, triggers_handler_test.py).

Run under Debian's python3 by ctest with STC_BIN and STC_TEST_DATA set. Importing
this module pins the shipped runtime to its in-memory resources and clears any
STC_* resource variables of the calling environment."""
import base64
import json
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tally import Tally  # noqa: E402,F401  (the tests import it from here)

BIN = os.environ["STC_BIN"]
TESTS = os.environ["STC_TEST_DATA"]
ROOT = os.path.dirname(TESTS.rstrip("/"))
os.environ["STC_RUNTIME"] = "memory"
for k in list(os.environ):
    if k.startswith(("STC_PARAM_", "STC_TABLE_", "STC_BUCKET_", "STC_QUEUE_", "STC_FUNCTION_")):
        del os.environ[k]


def emit(work, module, name, mode=None):
    """`stc-tui emit` the module into work/name and unzip every function's package
    into work/name-fn/<function>; returns (folder, manifest, {function: folder})."""
    out = os.path.join(work, name)
    cmd = [BIN, "emit", module] + (["--mode", mode] if mode else []) + ["-o", out]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("emit %s failed (%d): %s" % (module, r.returncode, r.stderr))
        sys.exit(1)
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    folders = {}
    for fn in manifest["functions"]:
        d = os.path.join(work, name + "-fn", fn["name"])
        with zipfile.ZipFile(os.path.join(out, fn["zip"])) as z:
            z.extractall(d)
        folders[fn["name"]] = d
    return out, manifest, folders


def cold_import(work, folder):
    """Import the handler.py of one unzipped package afresh (a cold start)."""
    for mod in ("handler", "service"):
        sys.modules.pop(mod, None)
    sys.path[:] = [p for p in sys.path if not p.startswith(work)]
    sys.path.insert(0, folder)
    import handler
    return handler


def http_event(method, route, path, path_params=None, query="", body=None, b64=False):
    """An API Gateway HTTP API event, payload format version 2.0."""
    domain = "r2d2c3po.execute-api.eu-west-1.amazonaws.com"
    event = {
        "version": "2.0",
        "routeKey": "%s %s" % (method, route),
        "rawPath": path,
        "rawQueryString": query,
        "cookies": [],
        "headers": {"accept": "*/*", "content-type": "application/json", "host": domain,
                    "user-agent": "curl/8.5.0", "x-forwarded-for": "198.51.100.7",
                    "x-forwarded-port": "443", "x-forwarded-proto": "https"},
        "requestContext": {
            "accountId": "123456789012", "apiId": "r2d2c3po", "domainName": domain,
            "domainPrefix": "r2d2c3po",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "198.51.100.7", "userAgent": "curl/8.5.0"},
            "requestId": "Zq8MbhLtDoEEJmA=", "routeKey": "%s %s" % (method, route),
            "stage": "$default", "time": "12/Mar/2024:09:15:32 +0000", "timeEpoch": 1710234932000,
        },
        "isBase64Encoded": b64,
    }
    if query:
        qsp = {}
        for part in query.split("&"):
            k, _, v = part.partition("=")
            from urllib.parse import unquote_plus
            k, v = unquote_plus(k), unquote_plus(v)
            qsp[k] = qsp[k] + "," + v if k in qsp else v  # API Gateway joins repeats with commas
        event["queryStringParameters"] = qsp
    if path_params:
        event["pathParameters"] = path_params
    if body is not None:
        event["body"] = base64.b64encode(body.encode()).decode() if b64 else body
    return event


def answer(resp):
    """(status, decoded JSON body or None)."""
    body = resp.get("body")
    return resp["statusCode"], (json.loads(body) if body else None)
