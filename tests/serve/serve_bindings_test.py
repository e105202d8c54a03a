"""stc-tui serve with bindings (docs/serve.md, "Bindings" and "Stores"):
examples/transactions.py, whose stores and channel are __init__ parameters
backed as its SERVICE.stc.yaml says (a read-only bucket the service cannot
write, seeded through /_stc/stores; two tables; a channel whose sends are
logged), and tests/data/serve/mailer.py (an existing bucket under a prefix,
a channel on an existing topic whose subscriber the local SNS delivers to).
The stores API: list, keys, read, write, delete, a queue's messages."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import DATA, EXAMPLES, Server, Tally, curl, curl_json, wait_until  # noqa: E402

T = Tally()
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def executions(srv):
    return curl_json(srv.url("/_stc/executions"))[1]["executions"]


def transactions():
    # test mode: the daily check is enabled there (transactions.stc.yaml turns it off in dev)
    with Server(os.path.join(EXAMPLES, "transactions.py"), "--mode", "test", "--fast") as srv:
        # the three stores of the bindings, in __init__ order, named after their parameters
        T.check("stores", curl_json(srv.url("/_stc/stores")),
                (200, {"stores": [{"name": "rules", "kind": "bucket", "items": 0},
                                  {"name": "service_storage", "kind": "table", "items": 0},
                                  {"name": "alerts_storage", "kind": "table", "items": 0}]}))
        tx = {"transaction_id": "t1", "account": "acme", "amount": 60}
        T.check("no rules yet: the module's exception", curl_json(srv.url("/transactions"), "POST", tx),
                (400, {"error": "UnknownAccount", "message": "no rules for account acme"}))
        # the rules are read only for the service: seeded as an upload to the bucket would
        T.check("seed a rule", curl(srv.url("/_stc/stores/rules/acme"), "PUT", '{"limit": 100}')[0], 204)
        st, heads, body = curl(srv.url("/_stc/stores/rules/acme"))
        T.check("read it back: the object's bytes", (st, heads.get("content-type"), body),
                (200, "application/octet-stream", b'{"limit": 100}'))
        T.check("t1", curl_json(srv.url("/transactions"), "POST", tx),
                (200, {"transaction_id": "t1", "account": "acme", "amount": 60.0}))
        tx2 = {"transaction_id": "t2", "account": "acme", "amount": 70}
        T.check("t2", curl_json(srv.url("/transactions"), "POST", tx2)[0], 200)
        T.check("the table's keys", curl_json(srv.url("/_stc/stores/service_storage")),
                (200, {"name": "service_storage", "kind": "table", "keys": ["t1", "t2"]}))
        st, heads, body = curl(srv.url("/_stc/stores/service_storage/t2"))
        T.check("a table's value: its JSON", (st, heads.get("content-type"), body),
                (200, "application/json", b'{"transaction_id": "t2", "account": "acme", "amount": 70.0}'))
        # 60 + 70 = 130 over the limit of 100: one alert, acme-1, and a mail on the channel
        T.check("fire the daily check", curl_json(srv.url("/_stc/schedules/CheckAccountTrigger1"), "POST"),
                (202, {"fired": 1}))
        done = wait_until(lambda: [e for e in executions(srv) if e["status"] != "RUNNING"], 20)
        T.check("_check_account", [(e["stateMachine"], e["status"]) for e in done], [("_check_account", "SUCCEEDED")])
        if done:
            T.check("its output: the alert's key", curl_json(srv.url("/_stc/executions/" + done[0]["name"]))[1]["output"],
                    "acme-1")
        T.check("the alert", curl_json(srv.url("/alerts")),
                (200, [{"account": "acme", "total": 130.0, "limit": 100}]))
        # the channel's topic: created by the stack, locally arn:...:<its logical name>
        mail = ('PUBLISH arn:aws:sns:us-east-1:123456789012:EmailChannelTopic {"to": "risk@example.com", '
                '"subject": "Limit exceeded: acme", "alert": {"account": "acme", "total": 130.0, "limit": 100.0}} '
                "(0 subscribers)")
        T.ok("the mail is logged", srv.wait_line(lambda l: l.endswith(mail), 5), srv.lines())
        T.check("the stores' sizes", [s["items"] for s in curl_json(srv.url("/_stc/stores"))[1]["stores"]], [1, 2, 1])


def mailer():
    with Server(os.path.join(DATA, "mailer.py")) as srv:
        st, mid = curl_json(srv.url("/notices"), "POST", {"notice_id": "n1", "text": "hi"})
        T.ok("the channel's send answers the message id", st == 200 and isinstance(mid, str) and UUID.match(mid), mid)
        # the subscriber of the existing topic gets the SNS record's fields by name
        got = wait_until(lambda: curl_json(srv.url("/receipts/n1"))[0] == 200, 10)
        T.check("the subscriber ran", got, True)
        T.check("what it saw", curl_json(srv.url("/receipts/n1")),
                (200, {"text": "hi", "subject": "notice n1", "topic": "arn:aws:sns:us-east-1:123456789012:notices",
                       "message_id": mid}))
        T.ok("the publish is logged", srv.wait_line(
            lambda l: l.endswith('PUBLISH arn:aws:sns:us-east-1:123456789012:notices [notice n1] '
                                 '{"id": "n1", "text": "hi"} (1 subscriber)'), 5), srv.lines())
        # outbox: a table named after its parameter; seen: the existing bucket "archive", under seen/
        T.check("stores", curl_json(srv.url("/_stc/stores"))[1],
                {"stores": [{"name": "outbox", "kind": "table", "items": 1},
                            {"name": "archive", "kind": "bucket", "items": 1}]})
        T.check("the bucket's keys: under the prefix", curl_json(srv.url("/_stc/stores/archive"))[1]["keys"],
                ["seen/n1"])
        T.check("the outbox", curl(srv.url("/_stc/stores/outbox/n1"))[2], b'{"text": "hi"}')
        T.check("delete the receipt", curl(srv.url("/_stc/stores/archive/seen/n1"), "DELETE")[0], 204)
        T.check("the service misses it", curl_json(srv.url("/receipts/n1"))[0], 404)
        T.check("delete again: 404", curl_json(srv.url("/_stc/stores/archive/seen/n1"), "DELETE"),
                (404, {"message": "archive has no key 'seen/n1'"}))
        T.check("a table's value must be JSON", curl_json(srv.url("/_stc/stores/outbox/n2"), "PUT", "not json"),
                (400, {"message": "a table's value is JSON"}))
        T.check("no such store", curl_json(srv.url("/_stc/stores/nope")),
                (404, {"message": "the service has no store 'nope'"}))
        T.check("POST to a table: 405", curl(srv.url("/_stc/stores/outbox"), "POST", "{}")[0], 405)
        T.check("PUT the list: 405", curl(srv.url("/_stc/stores"), "PUT", "{}")[0], 405)


def queue():
    with Server(os.path.join(DATA, "works.py"), "--fast") as srv:
        T.check("an empty queue", curl_json(srv.url("/_stc/stores/jobs")),
                (200, {"name": "jobs", "kind": "queue", "messages": 0}))
        st, sent = curl_json(srv.url("/_stc/stores/jobs"), "POST", {"name": "outside"})
        T.ok("send a message: its id", st == 200 and UUID.match(sent.get("MessageId", "")), sent)
        # the queue trigger takes it, as a message the service sent would be
        got = wait_until(lambda: curl_json(srv.url("/results/outside"))[0] == 200, 10)
        T.check("the consumer got it", got, True)
        T.check("its result", curl_json(srv.url("/results/outside"))[1], {"name": "outside", "receive_count": 1})
        T.check("a queue has no keys", curl(srv.url("/_stc/stores/jobs/x"))[0], 405)
        T.check("the results table", curl_json(srv.url("/_stc/stores"))[1]["stores"],
                [{"name": "jobs", "kind": "queue", "messages": 0}, {"name": "results", "kind": "table", "items": 1}])


transactions()
mailer()
queue()
T.finish()
