"""stc-tui serve's async WebSocket handlers (docs/serve.md, "WebSocket
workflows"): a route whose handler is `async def on_x` starts its workflow
with the input the template's Step Functions integration builds (the callback
URL and the connection id, then the message's fields by name; $connect: the
query string's, as text), answers nothing itself, and the workflow replies
through post_to_connection. tests/data/serve/lobby.py and examples/helpdesk.py."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import DATA, EXAMPLES, Server, Tally, curl, curl_json, wait_until  # noqa: E402

T = Tally()
CONN_ID = re.compile(r"^[A-Za-z0-9_-]{15}=$")  # 11 random bytes in base64, as AWS ids look


def recv_json(ws):
    return json.loads(ws.recv())


def executions(srv):
    return curl_json(srv.url("/_stc/executions"))[1]["executions"]


def lobby():
    with Server(os.path.join(DATA, "lobby.py"), "--json") as srv:
        ws = srv.ws("/?nick=ann")
        hello = recv_json(ws)
        url = "https://127.0.0.1:%d/dev" % srv.port
        T.check("$connect: nick from the query string, the callback URL",
                (hello.get("welcome"), hello.get("url")), ("ann", url))
        cid = hello.get("id", "")
        T.ok("the connection id", CONN_ID.match(cid), cid)
        ws.send(json.dumps({"action": "shout", "text": "hey", "times": 2, "extra": True}))
        T.check("shout: the message's fields by name", recv_json(ws), {"shout": "hey", "times": 2, "me": cid})
        ws.send(json.dumps({"action": "shout", "text": "again"}))
        T.check("a field left out takes the default", recv_json(ws), {"shout": "again", "times": 1, "me": cid})
        ws.send("not json")
        T.check("$default", recv_json(ws), {"unrouted": True})
        ws.close()
        guest = srv.ws("/?nick=")
        T.check("an empty query value is left out", recv_json(guest)["welcome"], "guest")
        guest.close()

        done = wait_until(lambda: len([e for e in executions(srv) if e["status"] == "SUCCEEDED"]) == 5 and
                          executions(srv), 10) or []
        T.check("five executions, all SUCCEEDED", sorted((e["stateMachine"], e["status"]) for e in done),
                [("on_connect", "SUCCEEDED")] * 2 + [("on_default", "SUCCEEDED")] + [("on_shout", "SUCCEEDED")] * 2)
        inputs = {}
        for e in done:
            d = curl_json(srv.url("/_stc/executions/" + e["name"]))[1]
            inputs.setdefault(e["stateMachine"], []).append((json.dumps(d["input"], sort_keys=True), d["input"],
                                                             d["output"]))
        shouts = [x[1:] for x in sorted(inputs.get("on_shout", []), key=lambda x: x[1].get("text", ""))]
        T.check("shout's inputs and outputs: only the fields it takes", shouts,
                [({"url": url, "connection_id": cid, "text": "again"}, 1),
                 ({"url": url, "connection_id": cid, "text": "hey", "times": 2}, 2)])
        T.check("$default's input: the connection only", [x[1] for x in inputs.get("on_default", [])],
                [{"url": url, "connection_id": cid}])
        T.check("$connect's input: the query string's field", sorted(x[1].get("nick", "-")
                                                                      for x in inputs.get("on_connect", [])),
                ["-", "ann"])
        # the log: each route started its execution (the workbench opens it from the request)
        recs = [json.loads(l) for l in srv.lines() if l.startswith("{")]
        shout_logs = [r for r in recs if r.get("type") == "websocket" and r.get("path") == "shout"]
        arns = sorted(e["executionArn"] for e in done if e["stateMachine"] == "on_shout")
        T.check("the route's log records: status, unit, the executions they started",
                sorted((r["status"], r["unit"], r["executions"][0] if r["executions"] else None)
                       for r in shout_logs),
                sorted((200, "on_shout", a) for a in arns))


def helpdesk():
    with Server(os.path.join(EXAMPLES, "helpdesk.py"), "--fast") as srv:
        ws = srv.ws("/")
        # patience 2: "looking" first, two waits of 30 s (at once with --fast), then unanswered
        ws.send(json.dumps({"action": "ask", "question": "Where is it?", "patience": 2}))
        T.check("looking", recv_json(ws), {"question": "Where is it?", "status": "looking"})
        T.check("unanswered", recv_json(ws), {"question": "Where is it?", "answer": None})
        st, _ = curl_json(srv.url("/answers/where%20is%20it%3F"), "PUT", {"answer": "here"})
        T.check("PUT the answer", st, 200)
        ws.send(json.dumps({"action": "ask", "question": "Where is it?"}))
        T.check("answered", recv_json(ws), {"question": "Where is it?", "answer": "here"})
        ws.close()
        done = wait_until(lambda: [e for e in executions(srv) if e["status"] != "RUNNING"]
                          if len(executions(srv)) == 2 else None, 10) or []
        outs = sorted(curl_json(srv.url("/_stc/executions/" + e["name"]))[1]["output"] for e in done)
        T.check("the workflows' results", outs, ["answered", "unanswered"])


lobby()
helpdesk()
T.finish()
