"""stc-tui serve and workflows: an async REST route answers 202 with
StartExecution's {"executionArn", "startDate"}; the execution runs in the
simulator in the background, its Tasks running the real functions; waits on
the real clock, or at once with --fast; a function starts a workflow through
its proxy; GET /_stc/executions[/NAME] reports them (shared/cli.md).

Transition counts are the states entered, read off the compiled machines
(`stc-tui asl`): submit_payment Start, Run _fulfil, Return result = 3;
create_nap Start, Sleep seconds, Call _mark, Return = 4; _work Start,
Call _mark, If tag == "bad", Return tag = 4, or ... Raise Refused, Fail = 5."""
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import DATA, EXAMPLES, SLOW, Server, Tally, curl, curl_json, log_line, wait_until  # noqa: E402

T = Tally()
ARN = re.compile(r"^arn:aws:states:us-east-1:123456789012:execution:([A-Za-z_0-9]+):"
                 r"([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$")
KEYS = ["cause", "error", "input", "output", "status", "transitions"]
# Transitions of the JSONata machines (the default), by hand: submit_payment is
# one Task (`result = await self._fulfil(...); return result`: the Task's
# Output ends it); create_nap a Wait and the Task that returns; _work the
# Task, the Choice `if tag == "bad"`, then the Pass of `return tag` or the
# Fail of the raise.


def execution(srv, name):
    return curl_json(srv.url("/_stc/executions/" + name))[1]


def finished(srv, name, timeout):
    return wait_until(lambda: (lambda e: e if e and e.get("status") != "RUNNING" else None)(execution(srv, name)),
                      timeout)


def orders():
    with Server(os.path.join(EXAMPLES, "orders.py")) as srv:
        st, order = curl_json(srv.url("/people/p1/orders"), "POST", {"items": ["a", "b"]})
        oid = order["id"]
        before = time.time()
        st, h, body = curl(srv.url("/payments"), "POST", json.dumps({"order_id": oid, "amount": 12.5}))
        answer = json.loads(body)
        T.check("async route: 202", st, 202)
        T.check("async route: StartExecution's content type", h.get("content-type"), "application/x-amz-json-1.0")
        T.check("async route: the answer's keys", sorted(answer), ["executionArn", "startDate"])
        m = ARN.match(answer["executionArn"])
        T.ok("async route: an execution ARN of submit_payment", m and m.group(1) == "submit_payment",
             answer["executionArn"])
        T.ok("async route: startDate in epoch seconds, now",
             abs(answer["startDate"] - before) < 60, answer["startDate"])
        name = m.group(2) if m else ""
        e = finished(srv, name, 10)
        T.check("describe: the six keys", sorted(e), KEYS)
        T.check("describe: SUCCEEDED with the workflow's return value, nested workflow and parallel calls run",
                e, {"status": "SUCCEEDED", "input": {"order_id": oid, "amount": 12.5},
                    "output": {"order_id": oid, "status": "shipped", "receipt": "receipt-" + oid,
                               "address": "1 Main Street", "labels": [oid + "/a", oid + "/b"]},
                    "error": None, "cause": None, "transitions": 1})
        # the module's exception, caught in the workflow, from the real function
        st, body = curl_json(srv.url("/payments"), "POST", {"order_id": oid, "amount": -1})
        e = finished(srv, ARN.match(body["executionArn"]).group(2), 10)
        T.check("declined: the workflow caught PaymentDeclined", e["output"], {"order_id": oid, "status": "declined"})
        T.ok("declined: the function's traceback on stderr",
             wait_until(lambda: "PaymentDeclined: amount must be positive" in srv.stderr(), 10))
        st, err = curl_json(srv.url("/payments"), "POST", "{not json")
        T.check("async route: input that is not JSON -> 400 InvalidExecutionInput",
                (st, err["__type"]), (400, "com.amazonaws.swf.service.v2.model#InvalidExecutionInput"))
        T.check("unknown execution: 404", curl_json(srv.url("/_stc/executions/nope")),
                (404, {"message": "Execution Does Not Exist: 'nope'"}))
        st, lst = curl_json(srv.url("/_stc/executions"))
        T.check("list: newest first", [x["stateMachine"] for x in lst["executions"]], ["submit_payment"] * 2)
        T.check("list: the keys", sorted(lst["executions"][0]),
                ["executionArn", "name", "startDate", "stateMachine", "status", "stopDate"])
        T.check("POST /_stc/executions: 405", curl(srv.url("/_stc/executions"), "POST", "{}")[0], 405)
        T.ok("log: POST /payments 202 submit_payment",
             srv.wait_line(log_line("POST", "/payments", 202, "submit_payment"), 10))
        T.check("stop", srv.stop(), 0)


def waits(fast):
    label = "--fast" if fast else "real clock"
    args = ["--fast"] if fast else []
    # with --fast a 6 s wait must not take its 6 s (whatever else the
    # execution spends, a cold start in a sanitizer build included)
    secs = 6 if fast else 2
    with Server(os.path.join(DATA, "waits.py"), *args) as srv:
        st, body = curl_json(srv.url("/naps"), "POST", {"seconds": secs, "tag": "n1"})
        name = ARN.match(body["executionArn"]).group(2)
        if not fast:
            e = execution(srv, name)
            T.check(label + ": RUNNING while it waits", (e["status"], e["output"]), ("RUNNING", None))
            T.check(label + ": requests are answered meanwhile", curl_json(srv.url("/marks/n1"))[0], 404)
        e = finished(srv, name, 10)
        T.check(label + ": SUCCEEDED", e, {"status": "SUCCEEDED", "input": {"seconds": secs, "tag": "n1"},
                                            "output": {"tag": "n1", "slept": secs}, "error": None, "cause": None,
                                            "transitions": 2})
        item = [x for x in curl_json(srv.url("/_stc/executions"))[1]["executions"] if x["name"] == name][0]
        took = item["stopDate"] - item["startDate"]
        if fast:
            T.ok(label + ": the wait passes at once", took < secs, "%.3f s" % took)
        else:
            T.ok(label + ": the wait takes its 2 s", 2.0 <= took < 2.0 + 3 * SLOW, "%.3f s" % took)
        T.check(label + ": the Task ran the real function", curl_json(srv.url("/marks/n1")), (200, {"tag": "n1"}))
        # a function starts a workflow through its proxy; the call returns the ARN
        st, arn = curl_json(srv.url("/jobs"), "POST", {"tag": "ok"})
        m = ARN.match(arn if isinstance(arn, str) else "")
        T.ok(label + ": the proxy returns the execution ARN of _work", m and m.group(1) == "_work", arn)
        e = finished(srv, m.group(2) if m else "", 10)
        T.check(label + ": _work SUCCEEDED", (e["status"], e["output"], e["transitions"]), ("SUCCEEDED", "ok", 3))
        st, arn = curl_json(srv.url("/jobs"), "POST", {"tag": "bad"})
        e = finished(srv, ARN.match(arn).group(2), 10)
        T.check(label + ": _work FAILED with the module's exception",
                (e["status"], e["error"], e["cause"], e["output"], e["transitions"]),
                ("FAILED", "Refused", "bad tag", None, 3))
        T.ok(label + ": execution lines in the log",
             srv.wait_line(lambda l: "EXECUTION _work " in l and l.endswith("FAILED Refused: bad tag"), 10))
        T.check(label + ": stop", srv.stop(), 0)


def express():
    """An Express workflow's route answers synchronously, as the template's
    REST API mapping does (docs/template.md): the output with 200, the
    failure as the runtime's error document, the 5-minute limit 504."""
    quotes = os.path.join(DATA, "quotes.py")
    with Server(quotes, "--fast") as srv:
        curl_json(srv.url("/prices"), "POST", {"item": "pen", "unit": 3})
        st, h, body = curl(srv.url("/quotes"), "POST", json.dumps({"item": "pen", "qty": 2}))
        T.check("express: 200 and the output (3 x 2)", (st, json.loads(body)), (200, {"item": "pen", "total": 6}))
        T.check("express: JSON", h.get("content-type"), "application/json")
        T.check("express: the module's exception -> 400", curl_json(srv.url("/quotes"), "POST", {"item": "pen", "qty": 0}),
                (400, {"error": "QuoteRefused", "message": "quantity must be positive"}))
        T.check("express: KeyError -> 404", curl_json(srv.url("/quotes"), "POST", {"item": "nope", "qty": 1}),
                (404, {"error": "NotFound", "message": "'nope'"}))
        T.check("express: another exception -> 500, no details",
                curl_json(srv.url("/quotes"), "POST", {"item": "boom", "qty": 1}),
                (500, {"error": "InternalServerError", "message": "create_quote failed; see the state machine's log"}))
        T.check("express: past 5 minutes (--fast) -> 504",
                curl_json(srv.url("/quotes"), "POST", {"item": "pen", "qty": 1, "wait": 400}),
                (504, {"error": "Timeout", "message": "create_quote ran past the 5-minute limit of an Express execution"}))
        st, lst = curl_json(srv.url("/_stc/executions"))
        T.check("express: the executions, newest first", [x["status"] for x in lst["executions"]],
                ["TIMED_OUT", "FAILED", "FAILED", "FAILED", "SUCCEEDED"])
        T.ok("express: an express ARN", lst["executions"][0]["executionArn"].startswith(
            "arn:aws:states:us-east-1:123456789012:express:create_quote:"))
        T.check("stop", srv.stop(), 0)
    with Server(quotes) as srv:
        curl_json(srv.url("/prices"), "POST", {"item": "pen", "unit": 3})
        got = {}
        t = threading.Thread(target=lambda: got.update(r=curl_json(srv.url("/quotes"), "POST",
                                                                    {"item": "pen", "qty": 1, "wait": 2})))
        start = time.monotonic()
        t.start()
        time.sleep(0.3 * SLOW)
        T.check("express: other requests are answered while one waits", curl_json(srv.url("/prices"), "POST",
                                                                                   {"item": "ink", "unit": 1})[0], 200)
        t.join(30 * SLOW)
        took = time.monotonic() - start
        T.check("express: the waiting request's answer", got.get("r"), (200, {"item": "pen", "total": 3}))
        T.ok("express: after the real 2 s wait", took >= 2.0, "%.2f s" % took)
        T.check("stop", srv.stop(), 0)


orders()
waits(False)
waits(True)
express()
T.finish()
