"""stc-tui serve over HTTP: examples/people.py through curl. The answers are
what the generated handler and API Gateway give (docs/packaging.md, "Events";
docs/serve.md): 200 and the method's value, 400/404/500 error documents, 404
{"message": "Not Found"} for no route, 413 past 6 MB, 411 for a chunked body;
malformed requests get 400 or a close and nobody else notices; a slow client
holds up nobody; --json logs the payload 2.0 event of each request."""
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import (DATA, EXAMPLES, READY, SLOW, Server, Tally, curl, curl_json,  # noqa: E402
                           log_line, wait_until)

T = Tally()
PEOPLE = os.path.join(EXAMPLES, "people.py")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def raw(port, data, read=True, timeout=5):
    """Send raw bytes; the answer's first line ('' when the server closed
    without answering)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout * SLOW)
    try:
        s.sendall(data)
        if not read:
            return s
        got = b""
        try:
            while b"\r\n" not in got:
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return got.split(b"\r\n", 1)[0].decode("latin-1")
    finally:
        if read:
            s.close()


def refused_and_closed(port, data):
    """The server answers something other than 2xx and closes the connection."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5 * SLOW)
    try:
        s.sendall(data)
        got = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        return not got.startswith(b"HTTP/1.1 2") and not got.startswith(b"HTTP/1.0 2")
    except (socket.timeout, ConnectionResetError):
        return False
    finally:
        s.close()


def crud(srv):
    st, h, body = curl(srv.url("/people"), "POST", '{"name": "Ann", "age": 31}')
    T.check("register: status", st, 200)
    T.check("register: content type", h.get("content-type"), "application/json")
    T.ok("register: apigw-requestid", re.match(r"^[A-Za-z0-9_-]{15}=$", h.get("apigw-requestid", "")),
         h.get("apigw-requestid"))
    ann = json.loads(body)
    T.ok("register: a UUID id", UUID.match(ann.get("id", "")), ann.get("id"))
    T.check("register: the person", {k: v for k, v in ann.items() if k != "id"},
            {"name": "Ann", "age": 31, "email": None, "active": False})
    pid = ann["id"]
    T.check("get", curl_json(srv.url("/people/" + pid)), (200, ann))
    curl(srv.url("/people"), "POST", '{"name": "Bo", "age": 5, "email": "bo@example.com"}')
    st, people = curl_json(srv.url("/people"))
    T.check("list: both", (st, [p["name"] for p in people]), (200, ["Ann", "Bo"]) if people[0]["name"] == "Ann"
            else (200, ["Bo", "Ann"]))
    st, one = curl_json(srv.url("/people?limit=1"))
    T.check("list: limit=1 (a query parameter, converted to int)", (st, len(one)), (200, 1))
    st, upd = curl_json(srv.url("/people/" + pid), "PUT", {"name": "Bea", "age": 32})
    T.check("update", (st, upd["name"], upd["age"], upd["id"]), (200, "Bea", 32, pid))
    # the runtime's errors, as AWS answers them
    T.check("get: missing key -> 404", curl_json(srv.url("/people/nobody")),
            (404, {"error": "NotFound", "message": 'no item "nobody"'}))
    T.check("register: wrong type -> 400", curl_json(srv.url("/people"), "POST", {"name": "X", "age": "x"}),
            (400, {"error": "BadRequest", "message": "body field 'age' must be an integer, not a string"}))
    T.check("register: unknown field -> 400", curl_json(srv.url("/people"), "POST", {"name": "X", "age": 1, "x": 2}),
            (400, {"error": "BadRequest", "message": "unknown body field 'x'"}))
    T.check("register: missing field -> 400", curl_json(srv.url("/people"), "POST", {"name": "X"}),
            (400, {"error": "BadRequest", "message": "missing body field 'age'"}))
    st, err = curl_json(srv.url("/people"), "POST", "{nope")
    T.check("register: not JSON -> 400", (st, err["error"], err["message"].startswith("the body is not valid JSON")),
            (400, "BadRequest", True))
    T.check("list: limit=x -> 400", curl_json(srv.url("/people?limit=x")),
            (400, {"error": "BadRequest", "message": "query parameter 'limit' must be an integer, not \"x\""}))
    # API Gateway's own 404: no route for the method and path
    for method, path in [("GET", "/nope"), ("PATCH", "/people"), ("GET", "/people/a/b"), ("GET", "/people/"),
                         ("POST", "/people/" + pid)]:
        T.check("no route %s %s" % (method, path), curl_json(srv.url(path), method), (404, {"message": "Not Found"}))
    st, _, body = curl(srv.url("/people/" + pid), "DELETE")
    T.check("delete: 200 null", (st, body), (200, b"null"))
    T.check("deleted", curl_json(srv.url("/people/" + pid))[0], 404)
    # a path parameter with a space (percent-encoded on the wire)
    T.check("get: encoded path parameter", curl_json(srv.url("/people/a%20b")),
            (404, {"error": "NotFound", "message": 'no item "a b"'}))


def limits(srv):
    six_mb = 6 * 1024 * 1024
    st, _, body = curl(srv.url("/people"), "POST", b"x" * (six_mb + 1),
                       headers=["Content-Type: application/octet-stream"])
    T.check("a body over 6 MB -> 413", (st, body), (413, b'{"message":"Request Entity Too Large"}'))
    st, err = curl_json(srv.url("/people"), "POST", "x" * six_mb)
    T.check("a body of exactly 6 MB reaches the function", (st, err["error"]), (400, "BadRequest"))
    st, _, body = curl(srv.url("/people"), "POST", '{"name": "C", "age": 1}', headers=["Transfer-Encoding: chunked"])
    T.check("a chunked body -> 411", (st, body), (411, b'{"message":"Length Required"}'))
    T.check("still serving after the limits", curl(srv.url("/people"))[0], 200)
    st, _, _ = curl(srv.url("/people?limit=1"), extra=["--http2"])
    T.check("HTTP/2 upgraded from HTTP/1.1 (h2c)", st, 200)
    st, _, _ = curl(srv.url("/people"), "POST", '{"name": "C", "age": 1}', extra=["--http2"])
    T.check("h2c with a body: refused", st, 400)
    st, _, _ = curl(srv.url("/people"), extra=["--http1.0"])
    T.check("HTTP/1.0", st, 200)


def malformed(srv):
    port = srv.port
    # libwebsockets refuses a request line it cannot read (403) and closes
    T.ok("garbage: refused and closed", refused_and_closed(port, b"GARBAGE\r\n\r\n"))
    T.ok("no path: refused and closed", refused_and_closed(port, b"GET\r\n\r\n"))
    T.check("a bad content length: 400", raw(port, b"POST /people HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"),
            "HTTP/1.1 400 Bad Request")
    T.ok("a bad content length: closed",
         refused_and_closed(port, b"GET /people HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"))
    first = raw(port, b"BREW /people HTTP/1.1\r\nHost: x\r\n\r\n")
    T.ok("an unknown method: no 200", not first.startswith("HTTP/1.1 2"), first)
    first = raw(port, b"GET /people HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n")
    T.ok("a 40 KB header: refused or closed", not first.startswith("HTTP/1.1 2"), first)
    first = raw(port, b"GET /peo\x00ple HTTP/1.1\r\nHost: x\r\n\r\n")
    T.ok("a NUL in the path: no 200", not first.startswith("HTTP/1.1 2"), first)
    first = raw(port, b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(200))  # a TLS hello
    T.ok("a TLS hello: refused or closed", not first.startswith("HTTP/1.1 2"), first)
    T.check("still serving after malformed requests", curl(srv.url("/people"))[0], 200)


def slow_clients(srv):
    """Clients that send half a request, half a body, or never read: the
    others are answered as fast as ever."""
    port = srv.port
    hold = [raw(port, b"GET /people HTTP/1.1\r\nHost: x\r\n", read=False),
            raw(port, b"POST /people HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"na", read=False),
            raw(port, b"GET /people HTTP/1.1\r\nHost: x\r\n\r\n" * 200, read=False)]  # pipelined, never read
    start = time.monotonic()
    ok = 0
    for i in range(20):
        st, _, _ = curl(srv.url("/people?limit=1"), timeout=10)
        ok += st == 200
    took = time.monotonic() - start
    T.check("20 requests answered beside three stuck clients", ok, 20)
    T.ok("... each quickly", took < 10 * SLOW, "%.1f s" % took)
    for s in hold:
        s.close()


def logs(srv):
    """One text line per request: time, method, path, status, unit, ms."""
    st, body = curl_json(srv.url("/people"), "POST", {"name": "Log", "age": 1})
    pid = body["id"]
    curl(srv.url("/people/" + pid))
    curl(srv.url("/nope"))
    T.ok("log: POST /people 200 register_person",
         srv.wait_line(log_line("POST", "/people", 200, "register_person"), 10))
    T.ok("log: GET /people/ID 200 get_person", srv.wait_line(log_line("GET", "/people/" + pid, 200, "get_person"), 10))
    T.ok("log: GET /nope 404 -", srv.wait_line(log_line("GET", "/nope", 404, "-"), 10))


def json_log():
    """--json: the payload 2.0 event the function got and its answer."""
    with Server(PEOPLE, "--json") as srv:
        T.ok("--json: the ready line is still text", READY.match(srv.lines()[0]), srv.lines()[0])
        st, person = curl_json(srv.url("/people"), "POST", {"name": "Ev", "age": 2})
        curl(srv.url("/people/%s?x=1&x=2&y=%%C3%%A9" % person["id"]), headers=["X-Request-Id: one", "Cookie: a=1; b=2"])
        line = srv.wait_line(lambda l: '"unit":"get_person"' in l, 10)
        rec = json.loads(line) if line else {}
        ev = rec.get("event") or {}
        T.check("json: type, method, path, status", (rec.get("type"), rec.get("method"), rec.get("path"),
                                                      rec.get("status")),
                ("request", "GET", "/people/" + person["id"], 200))
        T.check("json: event version and route key", (ev.get("version"), ev.get("routeKey")),
                ("2.0", "GET /people/{person_id}"))
        T.check("json: rawPath, rawQueryString", (ev.get("rawPath"), ev.get("rawQueryString")),
                ("/people/" + person["id"], "x=1&x=2&y=%C3%A9"))
        T.check("json: queryStringParameters", ev.get("queryStringParameters"), {"x": "1,2", "y": "é"})
        T.check("json: pathParameters", ev.get("pathParameters"), {"person_id": person["id"]})
        T.check("json: headers lower case", ev.get("headers", {}).get("x-request-id"), "one")
        T.check("json: a standard header", ev.get("headers", {}).get("user-agent", "").split("/")[0], "curl")
        T.check("json: cookies", ev.get("cookies"), ["a=1", "b=2"])
        ctx = ev.get("requestContext", {})
        T.check("json: requestContext.http", (ctx.get("http", {}).get("method"), ctx.get("http", {}).get("sourceIp"),
                                               ctx.get("stage"), ctx.get("domainName")),
                ("GET", "127.0.0.1", "$default", "127.0.0.1:%d" % srv.port))
        T.check("json: isBase64Encoded", ev.get("isBase64Encoded"), False)
        T.check("json: the answer", (rec.get("response", {}).get("statusCode"),
                                     json.loads(rec.get("response", {}).get("body", "null"))), (200, person))
        T.check("json: stop", srv.stop(), 0)


def errors_500():
    """A function that raises an unexpected exception: the runtime's 500; a
    cold start that fails: API Gateway's 500."""
    module = os.path.join(DATA, "coldfail.py")
    with Server(module) as srv:
        T.check("cold start fails: 500", curl_json(srv.url("/tokens/a")), (500, {"message": "Internal Server Error"}))
        T.ok("cold start fails: the traceback on stderr",
             wait_until(lambda: "service parameter 'token' is not set" in srv.stderr(), 10), srv.stderr()[-400:])
        T.check("stop", srv.stop(), 0)
    with Server(module, env={"STC_PARAM_TOKEN": "t0k"}) as srv:
        T.check("with its parameter: 200", curl_json(srv.url("/tokens/a")), (200, {"id": "a", "token": "t0k"}))
        T.check("an unexpected exception: 500 from the runtime", curl_json(srv.url("/tokens/boom")),
                (500, {"error": "InternalServerError", "message": "get_token raised ValueError; see the function's log"}))
        T.check("stop", srv.stop(), 0)


def main():
    with Server(PEOPLE) as srv:
        first = srv.lines()[0]
        T.check("the ready line", first, "serving %s on http://127.0.0.1:%d and ws://127.0.0.1:%d/"
                % (PEOPLE, srv.port, srv.port))
        crud(srv)
        limits(srv)
        malformed(srv)
        slow_clients(srv)
        logs(srv)
        T.check("SIGINT: exit 0", srv.stop(), 0)
    json_log()
    errors_500()
    T.finish()


main()
