"""stc-tui serve over WebSocket, with Debian's python3-websocket: examples/chat.py
and tests/data/serve/relay.py. $connect, $disconnect, $default and the route
keys from "action", as API Gateway routes them; post_to_connection delivers a
text frame, and to a gone client answers False (GoneException, 410); the
management API (POST|GET|DELETE /@connections/ID); frames API Gateway refuses
close the connection (binary 1003, over 128 KB 1009, invalid UTF-8 1007); a
refused $connect closes with 1008; stopping closes clients with 1001."""
import json
import os
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import websocket  # noqa: E402
from serve_harness import DATA, EXAMPLES, SLOW, Server, Tally, curl, curl_json, wait_until  # noqa: E402

T = Tally()
ABNF = websocket.ABNF


def close_code(ws):
    """Read until the server's close frame; its status code (None when the
    connection ended without one)."""
    try:
        while True:
            op, frame = ws.recv_data_frame(True)
            if op == ABNF.OPCODE_CLOSE:
                data = frame.data
                return struct.unpack("!H", data[:2])[0] if len(data) >= 2 else None
    except (websocket.WebSocketConnectionClosedException, ConnectionResetError, OSError):
        return None


def recv_json(ws):
    return json.loads(ws.recv())


def chat():
    with Server(os.path.join(EXAMPLES, "chat.py")) as srv:
        a, b = srv.ws(), srv.ws()
        T.ok("two $connect lines", wait_until(lambda: sum(" WS $connect 200 on_connect " in l
                                                         for l in srv.lines()) == 2, 10))
        a.send(json.dumps({"action": "message", "text": "hi"}))
        ma, mb = recv_json(a), recv_json(b)
        T.check("message: both clients get it", (ma["text"], mb["text"], ma["from"] == mb["from"]), ("hi", "hi", True))
        # no route for the action: $default answers through post_to_connection
        b.send(json.dumps({"action": "nope"}))
        T.check("$default", recv_json(b), {"error": "unknown action; send {\"action\": \"message\"}"})
        # a message that is not JSON goes to $default too; on_default takes no
        # fields, so the runtime refuses the body (400) and nothing is sent:
        # the next frame b gets is the next message's
        b.send("not json")
        a.send(json.dumps({"action": "message", "text": "second"}))
        T.check("not JSON: nothing back, the next frame is the next message", recv_json(b)["text"], "second")
        recv_json(a)
        T.ok("log: WS $default 400", wait_until(lambda: any(" WS $default 400 on_default " in l for l in srv.lines()),
                                                 10))
        # a message in two fragments is one message
        a.send_frame(ABNF.create_frame('{"action": "message", ', ABNF.OPCODE_TEXT, 0))
        a.send_frame(ABNF.create_frame('"text": "frag"}', ABNF.OPCODE_CONT, 1))
        T.check("fragments make one message", recv_json(b)["text"], "frag")
        recv_json(a)
        T.check("history over HTTP", [m["text"] for m in curl_json(srv.url("/messages"))[1]], ["hi", "second", "frag"])
        b.close()
        T.ok("$disconnect when a client leaves",
             wait_until(lambda: any(" WS $disconnect 200 on_disconnect " in l for l in srv.lines()), 10))
        # frames API Gateway refuses
        c = srv.ws()
        c.send_binary(b"\x00\x01")
        T.check("binary frame: close 1003", close_code(c), 1003)
        c = srv.ws()
        c.send(json.dumps({"action": "message", "text": "x" * (129 * 1024)}))
        T.check("a message over 128 KB: close 1009", close_code(c), 1009)
        c = srv.ws()
        c.send_frame(ABNF.create_frame(b"\xff\xfe", ABNF.OPCODE_TEXT, 1))
        T.check("invalid UTF-8: close 1007", close_code(c), 1007)
        # an upgrade on another path: 404 from the handshake
        try:
            srv.ws("/no/such/path")
            T.ok("upgrade on /no/such/path refused", False)
        except websocket.WebSocketBadStatusException as e:
            T.check("upgrade on /no/such/path refused", e.status_code, 404)
        T.check("the server still answers", curl(srv.url("/messages"))[0], 200)
        # many clients at once: every message reaches every client
        clients = [srv.ws() for _ in range(8)]
        time.sleep(0.3 * SLOW)
        got = {i: [] for i in range(len(clients))}

        def reader(i):
            for _ in range(8 * 5):
                got[i].append(recv_json(clients[i])["text"])

        threads = [threading.Thread(target=reader, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for n in range(5):
            for i, ws in enumerate(clients):
                ws.send(json.dumps({"action": "message", "text": "%d-%d" % (i, n)}))
        for t in threads:
            t.join(30 * SLOW)
        a.settimeout(10 * SLOW)
        for _ in range(40):
            recv_json(a)
        want = sorted("%d-%d" % (i, n) for i in range(8) for n in range(5))
        T.check("8 clients x 5 messages: each client got all 40", [sorted(got[i]) for i in range(8)], [want] * 8)
        # a client that never reads holds up nobody: 100 broadcasts of 10 KB
        # pile up for it while the others get theirs
        deaf = srv.ws()
        time.sleep(0.2 * SLOW)
        start = time.monotonic()
        for n in range(100):
            a.send(json.dumps({"action": "message", "text": "%d:" % n + "y" * 10000}))
        heard = [recv_json(clients[0])["text"].split(":")[0] for _ in range(100)]
        for ws in clients[1:]:
            for _ in range(100):
                ws.recv()
        for _ in range(100):
            a.recv()
        took = time.monotonic() - start
        T.check("a deaf client: the others get every broadcast, in order", heard, [str(n) for n in range(100)])
        T.ok("... promptly", took < 20 * SLOW, "%.1f s" % took)
        gone = sum(" WS $disconnect " in l for l in srv.lines())
        deaf.sock.close()  # it goes away without a word: $disconnect runs all the same
        T.ok("a client that vanishes: $disconnect", wait_until(
            lambda: sum(" WS $disconnect " in l for l in srv.lines()) == gone + 1, 10))
        # stopping: every client gets 1001, going away, and $disconnect runs
        before = sum(" WS $disconnect " in l for l in srv.lines())
        stopper = threading.Thread(target=lambda: srv.stop())
        stopper.start()
        codes = [close_code(ws) for ws in [a] + clients]
        stopper.join(60 * SLOW)
        T.check("stop: every client closed with 1001", codes, [1001] * 9)
        T.check("stop: $disconnect for each", sum(" WS $disconnect " in l for l in srv.lines()) - before, 9)
        T.check("stop: exit 0", srv.proc.returncode, 0)


def relay():
    with Server(os.path.join(DATA, "relay.py")) as srv:
        ann, bob = srv.ws("/?name=ann"), srv.ws("/dev?name=bob")  # "/" and the stage path both work
        peers = wait_until(lambda: len(curl_json(srv.url("/peers"))[1]) == 2 and curl_json(srv.url("/peers"))[1], 10)
        ids = {p["name"]: p["id"] for p in peers}
        T.check("$connect got the query string", sorted(ids), ["ann", "bob"])
        T.check("the callback URL", {p["url"] for p in peers}, {"https://127.0.0.1:%d/dev" % srv.port})
        ann.send(json.dumps({"action": "send", "to": ids["bob"], "text": "hello"}))
        T.check("post_to_connection: bob gets the frame", recv_json(bob), {"from": ids["ann"], "text": "hello"})
        T.check("post_to_connection: True", recv_json(ann), {"delivered": True})
        bob.close()
        T.ok("$disconnect ran", wait_until(lambda: any(p["name"] == "bob" and p["gone"]
                                                       for p in curl_json(srv.url("/peers"))[1]), 10))
        ann.send(json.dumps({"action": "send", "to": ids["bob"], "text": "still there?"}))
        T.check("post_to_connection to a gone client: False (GoneException)", recv_json(ann), {"delivered": False})
        # the management API
        st, _, _ = curl(srv.url("/@connections/" + ids["ann"]), "POST", "plain text")
        T.check("POST /@connections/ID: 200", st, 200)
        T.check("... ann gets the frame", ann.recv(), "plain text")
        st, _, _ = curl(srv.url("/dev/@connections/" + ids["ann"]), "POST", "again")
        T.check("POST /STAGE/@connections/ID: 200", (st, ann.recv()), (200, "again"))
        st, info = curl_json(srv.url("/@connections/" + ids["ann"]))
        T.check("GET /@connections/ID", (st, sorted(info), info["Identity"]["SourceIp"]),
                (200, ["ConnectedAt", "Identity", "LastActiveAt"], "127.0.0.1"))
        st, h, body = curl(srv.url("/@connections/" + ids["bob"]), "POST", "x")
        T.check("POST to a gone connection: 410 GoneException", (st, h.get("x-amzn-errortype")), (410, "GoneException"))
        T.check("GET a gone connection: 410", curl(srv.url("/@connections/" + ids["bob"]))[0], 410)
        T.check("DELETE /@connections/ID: 204", curl(srv.url("/@connections/" + ids["ann"]), "DELETE")[0], 204)
        T.check("... ann is closed (1000)", close_code(ann), 1000)
        T.check("... then it is gone: 410", curl(srv.url("/@connections/" + ids["ann"]), "POST", "x")[0], 410)
        # a refused $connect (the function raised): closed with 1008, no $disconnect
        mallory = srv.ws("/?name=mallory")
        T.check("a refused $connect: close 1008", close_code(mallory), 1008)
        T.ok("log: WS $connect 400", wait_until(lambda: any(" WS $connect 400 on_connect " in l
                                                           for l in srv.lines()), 10))
        T.check("mallory is not a peer", sorted(p["name"] for p in curl_json(srv.url("/peers"))[1]), ["ann", "bob"])
        T.check("stop: exit 0", srv.stop(), 0)


chat()
relay()
T.finish()
