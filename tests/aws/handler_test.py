"""Generated handlers under Debian's /usr/bin/python3, in memory.

Emits the example services and the shop fixture with $STC_BIN, unpacks each
function's zip into its own folder, imports its handler.py and feeds it API
Gateway HTTP API (payload 2.0) and WebSocket events written after the AWS
documentation, and direct invocations; asserts status codes, bodies, error
answers and what the in-memory resources hold. Run as
    /usr/bin/python3 handler_test.py
with STC_BIN and STC_TEST_DATA set (ctest does it).
"""
import base64
import io
import json
import os
import shutil
import tempfile
import zipfile
from contextlib import redirect_stdout

from handler_harness import ROOT, TESTS, Tally, answer, cold_import, emit as emit_service, http_event

EXAMPLES = os.path.join(ROOT, "examples")
WORK = tempfile.mkdtemp(prefix="stc-handler-test-")
T = Tally()
check = T.check


def emit(module, name):
    out, manifest, folders = emit_service(WORK, module, name)
    for fn in manifest["functions"]:
        with zipfile.ZipFile(os.path.join(out, fn["zip"])) as z:
            # a starter (an async route's, "<method>.start") never ships the module's code
            want = ["handler.py", "stc_runtime.py"] if fn["name"].endswith(".start") else \
                ["handler.py", "service.py", "stc_runtime.py"]
            check("%s files" % fn["name"], z.namelist(), want)
    return folders


RUNTIME_SRC = open(os.path.join(ROOT, "core", "aws", "runtime", "stc_runtime.py"), "rb").read()
loaded_runtime = None


def load(folders, fn):
    """Import one function's handler.py (a cold start: a fresh service object)."""
    global loaded_runtime
    with open(os.path.join(folders[fn], "stc_runtime.py"), "rb") as f:
        check("%s ships the runtime as is" % fn, f.read() == RUNTIME_SRC, True)
    handler = cold_import(WORK, folders[fn])
    if loaded_runtime is None:
        import stc_runtime
        loaded_runtime = stc_runtime
    return handler


def ws_event(route_key, connection_id, body=None, event_type="MESSAGE", query=None):
    """An API Gateway WebSocket event."""
    ctx = {
        "routeKey": route_key, "eventType": event_type, "extendedRequestId": "ZpDGcF0IDoEFlAg=",
        "requestTime": "12/Mar/2024:09:20:05 +0000", "messageDirection": "IN", "stage": "prod",
        "connectedAt": 1710234900000, "requestTimeEpoch": 1710235205000,
        "identity": {"sourceIp": "198.51.100.7"}, "requestId": "ZpDGcF0IDoEFlAg=",
        "domainName": "w5x6y7z8.execute-api.eu-west-1.amazonaws.com", "connectionId": connection_id,
        "apiId": "w5x6y7z8",
    }
    event = {"requestContext": ctx, "isBase64Encoded": False}
    if event_type == "CONNECT":
        event["headers"] = {"Host": ctx["domainName"], "Sec-WebSocket-Version": "13"}
        if query:
            event["queryStringParameters"] = query
    if body is not None:
        event["body"] = body
    return event


def raises(fn, *args):
    try:
        fn(*args)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return None


# ---------------------------------------------------------------------------
# people: REST with path, query and body parameters; direct invocations

people = emit(os.path.join(EXAMPLES, "people.py"), "people")
check("people functions", sorted(people), ["_mark_active", "_send_email", "get_person", "list_people",
                                           "register_person", "unregister_person", "update_person"])
with open(os.path.join(WORK, "people-event.json"), "w") as f:
    json.dump(http_event("POST", "/people", "/people", body='{"name": "Ada", "age": 36}'), f)
with open(os.path.join(WORK, "people-event.json")) as f:
    post_ada = json.load(f)

h = load(people, "register_person")
status, ada = answer(h.handler(post_ada, None))
check("POST /people status", status, 200)
check("POST /people body", {k: ada[k] for k in ("name", "age", "email", "active")},
      {"name": "Ada", "age": 36, "email": None, "active": False})
check("POST /people id is a uuid", len(ada["id"]), 36)
resp = h.handler(http_event("POST", "/people", "/people", body='{"name": "Bob", "age": 41, "email": "bob@example.com"}'), None)
check("POST /people content-type", resp["headers"], {"content-type": "application/json"})
status, bob = answer(resp)
check("POST /people with Optional email", (status, bob["email"]), (200, "bob@example.com"))
body64 = http_event("POST", "/people", "/people", body='{"name": "Cy", "age": 7}', b64=True)
check("POST base64 body", answer(h.handler(body64, None))[0], 200)

bad = [
    ('{"name": "Ada", "age": "36"}', "body field 'age' must be an integer, not a string"),
    ('{"name": "Ada", "age": true}', "body field 'age' must be an integer, not a boolean"),
    ('{"name": "Ada", "age": 36.5}', "body field 'age' must be an integer, not a number"),
    ('{"age": 36}', "missing body field 'name'"),
    ('{"name": "Ada", "age": 36, "nickname": "A"}', "unknown body field 'nickname'"),
    ('{"name": "Ada", "age": 36, "email": 5}', "body field 'email' must be a string or null, not an integer"),
    ('[1, 2]', "the body must be a JSON object, not an array"),
    ('', "missing body field 'name'"),
]
for body, message in bad:
    got = answer(h.handler(http_event("POST", "/people", "/people", body=body), None))
    check("POST %s" % body, got, (400, {"error": "BadRequest", "message": message}))
status, err = answer(h.handler(http_event("POST", "/people", "/people", body='{"name": "Ada", "age": 3'), None))
check("bad JSON status", (status, err["error"]), (400, "BadRequest"))
check("bad JSON message", err["message"].startswith("the body is not valid JSON: "), True)
ev = http_event("POST", "/people", "/people", body="%%%")
ev["isBase64Encoded"] = True
status, err = answer(h.handler(ev, None))
check("bad base64", (status, err["message"]), (400, "the body is not valid base64-encoded UTF-8"))

h = load(people, "get_person")
route = "/people/{person_id}"
ev = http_event("GET", route, "/people/" + ada["id"], {"person_id": ada["id"]})
check("GET person", answer(h.handler(ev, None)), (200, ada))
ev = http_event("GET", route, "/people/nope", {"person_id": "nope"})
check("GET unknown person", answer(h.handler(ev, None)), (404, {"error": "NotFound", "message": 'no item "nope"'}))

h = load(people, "list_people")
# Tables iterate in key order (here: the uuids), in memory as in the cloud.
status, everyone = answer(h.handler(http_event("GET", "/people", "/people"), None))
check("GET /people", (status, [p["name"] for p in everyone]),
      (200, [p["name"] for p in sorted([ada, bob, {"id": [p for p in everyone if p["name"] == "Cy"][0]["id"],
                                                   "name": "Cy"}], key=lambda p: p["id"])]))
check("GET /people?limit=1", answer(h.handler(http_event("GET", "/people", "/people", query="limit=1"), None)),
      (200, everyone[:1]))
check("GET /people?limit=ten", answer(h.handler(http_event("GET", "/people", "/people", query="limit=ten"), None)),
      (400, {"error": "BadRequest", "message": "query parameter 'limit' must be an integer, not \"ten\""}))
check("GET /people?limit=1&limit=2",
      answer(h.handler(http_event("GET", "/people", "/people", query="limit=1&limit=2"), None)),
      (400, {"error": "BadRequest", "message": "query parameter 'limit' is given 2 times; give it once"}))

h = load(people, "update_person")
ev = http_event("PUT", route, "/people/" + ada["id"], {"person_id": ada["id"]}, body='{"name": "Ada L.", "age": 37}')
status, upd = answer(h.handler(ev, None))
check("PUT person", (status, upd["name"], upd["age"], upd["id"]), (200, "Ada L.", 37, ada["id"]))
ev = http_event("PUT", route, "/people/" + ada["id"], {"person_id": ada["id"]}, body='{"name": "Ada L."}')
check("PUT missing age", answer(h.handler(ev, None)),
      (400, {"error": "BadRequest", "message": "missing body field 'age'"}))

h = load(people, "_mark_active")
check("direct _mark_active", h.handler({"person_id": ada["id"]}, None), None)
check("direct bad argument", raises(h.handler, {"person_id": 7}, None),
      ("InvalidArguments", "_mark_active: argument 'person_id' must be a string, not an integer"))
check("direct missing argument", raises(h.handler, {}, None),
      ("InvalidArguments", "_mark_active: missing argument 'person_id'"))
check("direct not an object", raises(h.handler, ["x"], None),
      ("InvalidArguments", "_mark_active expects a JSON object of arguments, not an array"))
check("HTTP event to an internal function", raises(h.handler, http_event("GET", "/x", "/x"), None),
      ("InvalidArguments", "_mark_active is a function unit and cannot answer a http event"))

h = load(people, "get_person")
ev = http_event("GET", route, "/people/" + ada["id"], {"person_id": ada["id"]})
status, got = answer(h.handler(ev, None))
check("state shared between functions", (got["name"], got["active"]), ("Ada L.", True))

h = load(people, "_send_email")
out = io.StringIO()
with redirect_stdout(out):
    check("direct _send_email", h.handler({"address": "ada@example.com"}, None), True)
check("default service parameter", out.getvalue(), "mail from welcome@example.com to ada@example.com\n")
os.environ["STC_PARAM_SENDER"] = "hello@shop.example"
h = load(people, "_send_email")
out = io.StringIO()
with redirect_stdout(out):
    h.handler({"address": "bob@example.com"}, None)
check("service parameter from the environment", out.getvalue(), "mail from hello@shop.example to bob@example.com\n")
del os.environ["STC_PARAM_SENDER"]
os.environ["STC_PARAM_MAX_TRIES"] = "many"
h = load(people, "_send_email")
check("bad service parameter", raises(h.handler, {"address": "x"}, None),
      ("RuntimeError", "service parameter 'max_tries' must be an integer, not \"many\" "
                       "(environment variable STC_PARAM_MAX_TRIES)"))
del os.environ["STC_PARAM_MAX_TRIES"]

h = load(people, "unregister_person")
ev = http_event("DELETE", route, "/people/" + bob["id"], {"person_id": bob["id"]})
check("DELETE person", h.handler(ev, None),
      {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": "null"})
check("DELETE again", answer(h.handler(ev, None))[0], 404)

# ---------------------------------------------------------------------------
# orders: nested paths, list[str] bodies, domain exceptions

orders = emit(os.path.join(EXAMPLES, "orders.py"), "orders")
check("orders functions (async methods are state machines)", sorted(orders),
      ["_charge_card", "_check_stock", "_notify", "_order_items", "_print_label", "_shipping_address",
       "approve_order", "create_person_order", "get_person_order", "list_person_orders", "submit_payment.start"])
h = load(orders, "create_person_order")
r = "/people/{person_id}/orders"
ev = http_event("POST", r, "/people/p1/orders", {"person_id": "p1"}, body='{"items": ["book", "pen"]}')
status, order = answer(h.handler(ev, None))
check("POST order", (status, order["person_id"], order["items"], order["status"]), (200, "p1", ["book", "pen"], "new"))
ev = http_event("POST", r, "/people/p1/orders", {"person_id": "p1"}, body='{"items": ["book", 2]}')
check("POST order, bad item", answer(h.handler(ev, None)),
      (400, {"error": "BadRequest", "message": "body field 'items[1]' must be a string, not an integer"}))
ev = http_event("POST", r, "/people/p1/orders", {"person_id": "p1"}, body='{"items": "book"}')
check("POST order, items not a list", answer(h.handler(ev, None)),
      (400, {"error": "BadRequest", "message": "body field 'items' must be an array of strings, not a string"}))
h = load(orders, "approve_order")
ev = http_event("POST", "/orders/{order_id}/approve", "/orders/%s/approve" % order["id"], {"order_id": order["id"]})
status, approved = answer(h.handler(ev, None))
check("approve with the default note", (status, approved["status"], approved["note"]), (200, "approved", ""))
h = load(orders, "list_person_orders")
ev = http_event("GET", r, "/people/p1/orders", {"person_id": "p1"})
check("list orders", answer(h.handler(ev, None)), (200, [approved]))
h = load(orders, "_charge_card")
check("direct _charge_card", h.handler({"order_id": "o1", "amount": 5}, None), "receipt-o1")
check("direct int for float", h.handler({"order_id": "o1", "amount": 2}, None), "receipt-o1")
check("domain exception propagates (Step Functions error = class name)",
      raises(h.handler, {"order_id": "o1", "amount": 0}, None), ("PaymentDeclined", "amount must be positive"))
check("direct unknown argument", raises(h.handler, {"order_id": "o1", "amount": 1, "tip": 2}, None),
      ("InvalidArguments", "_charge_card: unknown argument 'tip'"))

# ---------------------------------------------------------------------------
# chat: WebSocket events and post_to_connection in memory

chat = emit(os.path.join(EXAMPLES, "chat.py"), "chat")
url = "https://w5x6y7z8.execute-api.eu-west-1.amazonaws.com/prod"
h = load(chat, "on_connect")
check("$connect A", h.handler(ws_event("$connect", "AAAA=", event_type="CONNECT"), None), {"statusCode": 200})
check("$connect B", h.handler(ws_event("$connect", "BBBB=", event_type="CONNECT"), None), {"statusCode": 200})
h = load(chat, "on_message")
rt = loaded_runtime
del rt.sent[:]
check("message", h.handler(ws_event("message", "AAAA=", '{"action": "message", "text": "hi"}'), None),
      {"statusCode": 200})
check("message posts to every connection", [(s["url"], s["connection_id"], s["data"]["from"], s["data"]["text"])
                                            for s in rt.sent],
      [(url, "AAAA=", "AAAA=", "hi"), (url, "BBBB=", "AAAA=", "hi")])
check("message without text", answer(h.handler(ws_event("message", "AAAA=", '{"action": "message"}'), None)),
      (400, {"error": "BadRequest", "message": "missing message field 'text'"}))
check("message with a number", answer(h.handler(ws_event("message", "AAAA=", '{"action": "message", "text": 5}'), None)),
      (400, {"error": "BadRequest", "message": "message field 'text' must be a string, not an integer"}))
status, err = answer(h.handler(ws_event("message", "AAAA=", '{"action": "message", "text": '), None))
check("message bad JSON", (status, err["error"], err["message"].startswith("the message is not valid JSON")),
      (400, "BadRequest", True))
h = load(chat, "on_disconnect")
check("$disconnect B", h.handler(ws_event("$disconnect", "BBBB=", event_type="DISCONNECT"), None), {"statusCode": 200})
h = load(chat, "on_message")
del rt.sent[:]
h.handler(ws_event("message", "AAAA=", '{"action": "message", "text": "alone"}'), None)
check("after disconnect", [s["connection_id"] for s in rt.sent], ["AAAA="])
h = load(chat, "on_default")
del rt.sent[:]
h.handler(ws_event("$default", "AAAA=", '{"action": "dance"}'), None)
check("$default answers the sender", [(s["connection_id"], s["data"]) for s in rt.sent],
      [("AAAA=", {"error": "unknown action; send {\"action\": \"message\"}"})])
h = load(chat, "list_messages")
status, msgs = answer(h.handler(http_event("GET", "/messages", "/messages", query="limit=1"), None))
check("GET /messages?limit=1", (status, [m["text"] for m in msgs]), (200, ["alone"]))
status, msgs = answer(h.handler(http_event("GET", "/messages", "/messages"), None))
check("GET /messages", [m["text"] for m in msgs], ["hi", "alone"])

# ---------------------------------------------------------------------------
# shop fixture: query lists and types, int keys, buckets, queues, proxies

shop = emit(os.path.join(TESTS, "aws", "data", "package_shop.py"), "shop")
h = load(shop, "search_items")
check("required service parameter missing", raises(h.handler, http_event("GET", "/items", "/items"), None),
      ("RuntimeError", "service parameter 'shop' is not set: environment variable STC_PARAM_SHOP"))
os.environ["STC_PARAM_SHOP"] = "Corner"
os.environ["STC_PARAM_CURRENCY"] = "USD"
h = load(shop, "search_items")
q = "tags=red,blue&tags=green&max_price=2.5&in_stock=true&limit=4"
check("query conversion", answer(h.handler(http_event("GET", "/items", "/items", query=q), None)),
      (200, {"tags": ["red", "blue", "green"], "max_price": 2.5, "in_stock": True, "limit": 4,
             "shop": "Corner", "currency": "USD"}))
check("query defaults", answer(h.handler(http_event("GET", "/items", "/items", query="tags=a"), None))[1],
      {"tags": ["a"], "max_price": 10.0, "in_stock": False, "limit": None, "shop": "Corner", "currency": "USD"})
check("query missing required list", answer(h.handler(http_event("GET", "/items", "/items"), None)),
      (400, {"error": "BadRequest", "message": "missing query parameter 'tags'"}))
check("query bad bool", answer(h.handler(http_event("GET", "/items", "/items", query="tags=a&in_stock=maybe"), None)),
      (400, {"error": "BadRequest", "message": "query parameter 'in_stock' must be true or false, not \"maybe\""}))
check("query bad float", answer(h.handler(http_event("GET", "/items", "/items", query="tags=a&max_price=cheap"), None)),
      (400, {"error": "BadRequest", "message": "query parameter 'max_price' must be a number, not \"cheap\""}))
check("query Optional[int]", answer(h.handler(http_event("GET", "/items", "/items", query="tags=a&limit=x"), None)),
      (400, {"error": "BadRequest", "message": "query parameter 'limit' must be an integer or null, not \"x\""}))

h = load(shop, "put_image")
ev = http_event("PUT", "/images/{image_id}", "/images/logo", {"image_id": "logo"}, body='{"data": "PNG..."}')
check("PUT image (None -> null)", answer(h.handler(ev, None)), (200, None))
check("bucket holds bytes", rt._buckets["images"], {"logo": b"PNG..."})
h = load(shop, "get_image")
check("GET image", answer(h.handler(http_event("GET", "/images/{image_id}", "/images/logo", {"image_id": "logo"}), None)),
      (200, "PNG..."))

h = load(shop, "add_stock")
ev = http_event("POST", "/stocks", "/stocks", body='{"item_id": 7, "count": 2}')
check("proxy without a local function", answer(h.handler(ev, None)),
      (500, {"error": "InternalServerError", "message": "add_stock raised RuntimeError; see the function's log"}))
rt.local_functions["_audit"] = lambda item_id: "audited %d remotely" % item_id
status, entry = answer(h.handler(ev, None))
check("POST /stocks", (status, entry), (200, {"label": "item-7", "count": 2, "price": 3.0,
                                              "audit": "audited 7 remotely",
                                              "execution": "arn:stc:memory:execution:_restock:1"}))
check("state machine started", rt.executions[-1], {"state_machine": "_restock", "input": {"item_id": 7, "count": 2},
                                                   "execution_arn": "arn:stc:memory:execution:_restock:1"})
check("int-keyed table", list(h._service.stock), [7])
check("queue", h._service.jobs.get_nowait(), {"item": 7})
ev = http_event("POST", "/stocks", "/stocks", body='{"item_id": 7, "count": 0}')
check("domain exception -> 400", answer(h.handler(ev, None)),
      (400, {"error": "OutOfStock", "message": "count must be positive, not 0"}))
h = load(shop, "_audit")
check("direct _audit sees the table", h.handler({"item_id": 7}, None), "audited 7 (1 items)")

# In the cloud (mode aws), a resource without its variable fails when used, not at cold start.
os.environ["STC_RUNTIME"] = "aws"
h = load(shop, "search_items")
check("aws mode: no resource, no problem", answer(h.handler(http_event("GET", "/items", "/items", query="tags=a"), None))[0], 200)
h = load(shop, "get_image")
ev = http_event("GET", "/images/{image_id}", "/images/logo", {"image_id": "logo"})
check("aws mode: unconfigured bucket", answer(h.handler(ev, None)),
      (500, {"error": "InternalServerError", "message": "get_image raised RuntimeError; see the function's log"}))
os.environ["STC_RUNTIME"] = "memory"

# ---------------------------------------------------------------------------
# guarded: `caller` on every WebSocket route of a connection, from what API
# Gateway found at $connect and passes to the later routes: the generated JWT
# authorizer's context (requestContext.authorizer) or the IAM signer
# (requestContext.identity); never from the message
guarded = emit(os.path.join(TESTS, "data", "serve", "guarded.py"), "guarded")
claims = {"sub": "u-7", "email": "u7@example.com", "exp": "1796445846"}


def authorized(ev, connection):
    if connection == "JJJJ=":
        ev["requestContext"]["authorizer"] = dict(claims, principalId="u-7", integrationLatency=31)
    elif connection == "IIII=":
        ev["requestContext"]["identity"].update({
            "accountId": "123456789012", "accessKey": "ASIAEXAMPLE", "caller": "AROAEXAMPLE:ann",
            "user": "AROAEXAMPLE:ann", "userArn": "arn:aws:sts::123456789012:assumed-role/app/ann",
            "principalOrgId": None, "cognitoIdentityId": None})
    return ev


signer = {"arn": "arn:aws:sts::123456789012:assumed-role/app/ann", "account": "123456789012",
          "user_id": "AROAEXAMPLE:ann", "access_key": "ASIAEXAMPLE"}
h = load(guarded, "on_connect")
for cid in ("JJJJ=", "IIII=", "NNNN="):
    check("guarded $connect " + cid, h.handler(authorized(ws_event("$connect", cid, event_type="CONNECT"), cid), None),
          {"statusCode": 200})
check("$connect: a caller in the query string is refused",
      answer(h.handler(ws_event("$connect", "XXXX=", event_type="CONNECT", query={"caller": "admin"}), None))[0], 400)
h = load(guarded, "on_whoami")
rt = loaded_runtime
for cid, want in (("JJJJ=", claims), ("IIII=", signer), ("NNNN=", None)):
    del rt.sent[:]
    check("whoami %s" % cid, h.handler(authorized(ws_event("whoami", cid, '{"action": "whoami"}'), cid), None),
          {"statusCode": 200})
    check("whoami %s: the caller of the message and of $connect" % cid, [s["data"] for s in rt.sent],
          [{"caller": want, "at_connect": want}])
del rt.sent[:]
ev = authorized(ws_event("whoami", "JJJJ=", '{"action": "whoami", "caller": {"sub": "admin"}}'), "JJJJ=")
check("whoami: a caller in the message is refused", (answer(h.handler(ev, None))[0], rt.sent), (400, []))

shutil.rmtree(WORK)
T.finish()
