"""stc-tui serve fires the triggers of SERVICE.stc.yaml locally (docs/triggers.md):
object events when the service writes its own bucket (prefix and suffix
filters, removals, a workflow target), queue batches when it sends to its own
queue (batchItemFailures come back with their receive count raised), schedules
on request (POST /_stc/schedules[/NAME]) and on the clock, topics on request
(POST /_stc/publish); only the triggers enabled in the served mode."""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import DATA, EXAMPLES, SLOW, Server, Tally, curl, curl_json, wait_until  # noqa: E402

T = Tally()
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def logs(srv):
    return curl_json(srv.url("/logs"))[1] or {}


def events():
    with Server(os.path.join(DATA, "events.py")) as srv:
        curl(srv.url("/files"), "POST", '{"key": "in-a.txt", "text": "hello"}')
        got = wait_until(lambda: logs(srv).get("created:in-a.txt"), 10)
        # md5("hello") = 5d41402abc4b2a76b9719d911017c592: S3's ETag of a single-part put
        T.check("object_created in-*.txt: the fields", got,
                {"size": 5, "etag": "5d41402abc4b2a76b9719d911017c592", "bucket": "files"})
        curl(srv.url("/files"), "POST", '{"key": "b.txt", "text": "hi"}')
        curl(srv.url("/files"), "POST", '{"key": "in-c.log", "text": "hello!"}')
        got = wait_until(lambda: logs(srv).get("audit:in-c.log"), 10)
        T.check("object_created *.log starts the workflow with key and size", got, {"size": 6})
        T.check("the filters: b.txt and in-c.log did not reach _on_created",
                sorted(k for k in logs(srv) if k.startswith("created:")), ["created:in-a.txt"])
        st, lst = curl_json(srv.url("/_stc/executions"))
        T.check("the workflow's execution", [(x["stateMachine"], x["status"]) for x in lst["executions"]],
                [("_audit", "SUCCEEDED")])
        curl(srv.url("/files/in-a.txt"), "DELETE")
        T.check("object_removed", wait_until(lambda: "removed:in-a.txt" in logs(srv), 10), True)
        st, sch = curl_json(srv.url("/_stc/schedules"))
        names = [(s["name"], s["expression"], s["target"]) for s in sch["schedules"]]
        T.check("schedules: the template's rule names", names,
                [("TickTrigger1", "rate(1 minute)", "_tick"), ("TickTrigger2", "cron(0 12 * * ? *)", "_tick")])
        now = datetime.datetime.now(datetime.timezone.utc)
        nxt = datetime.datetime.strptime(sch["schedules"][0]["next"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
        T.ok("rate(1 minute): next within a minute", 0 <= (nxt - now).total_seconds() <= 61, sch["schedules"][0])
        noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
        if noon <= now:
            noon += datetime.timedelta(days=1)
        T.check("cron(0 12 * * ? *): next noon UTC", sch["schedules"][1]["next"], noon.strftime("%Y-%m-%dT%H:%M:%SZ"))
        T.check("fire one", curl_json(srv.url("/_stc/schedules/TickTrigger1"), "POST"), (202, {"fired": 1}))
        tick = wait_until(lambda: logs(srv).get("tick:minute"), 10)
        T.ok("schedule with input: the input and the time", tick and ISO.match(tick["time"]), tick)
        T.check("fire the other", curl_json(srv.url("/_stc/schedules/TickTrigger2"), "POST"), (202, {"fired": 1}))
        tick = wait_until(lambda: logs(srv).get("tick:none"), 10)
        T.ok("schedule without input: the time", tick and ISO.match(tick["time"]), tick)
        T.check("fire all", curl_json(srv.url("/_stc/schedules"), "POST"), (202, {"fired": 2}))
        T.check("no such schedule: 404", curl_json(srv.url("/_stc/schedules/Nope"), "POST"),
                (404, {"message": "no schedule named 'Nope' in mode dev"}))
        T.ok("log: TRIGGER lines", srv.wait_line(
            lambda l: " TRIGGER object_created files/in-a.txt _on_created ok " in l, 10))
        T.check("stop", srv.stop(), 0)


def photos():
    module = os.path.join(EXAMPLES, "photos.py")
    with Server(module) as srv:
        curl(srv.url("/photos"), "POST", '{"name": "a.jpg", "data": "hello"}')
        curl(srv.url("/photos"), "POST", '{"name": "b.png", "data": "x"}')
        idx = wait_until(lambda: curl_json(srv.url("/photos"))[1], 10)
        T.check("photos: a.jpg indexed, b.png filtered out", idx, [{"key": "a.jpg", "size": 5, "pinned": False}])
        T.ok("photos: the queue trigger made the thumbnail",
             srv.wait_line(lambda l: " TRIGGER queue jobs (1 message) _make_thumbnail ok " in l, 10))
        st, body = curl_json(srv.url("/_stc/publish"), "POST",
                             {"topic": "arn:aws:sns:eu-west-1:123456789012:photo-announcements",
                              "message": {"pin": "a.jpg"}, "subject": "pin"})
        T.check("publish: one subscriber", (st, body), (202, {"delivered": 1}))
        T.check("publish: the topic trigger pinned it",
                wait_until(lambda: curl_json(srv.url("/photos"))[1][0]["pinned"], 10), True)
        T.check("publish: another topic reaches nobody",
                curl_json(srv.url("/_stc/publish"), "POST", {"topic": "arn:aws:sns:eu-west-1:1:x", "message": "m"}),
                (202, {"delivered": 0}))
        T.check("publish: malformed", curl_json(srv.url("/_stc/publish"), "POST", {"message": 1})[0], 400)
        T.check("dev: the nightly schedule is off", curl_json(srv.url("/_stc/schedules")), (200, {"schedules": []}))
        T.check("stop", srv.stop(), 0)
    with Server(module, "--mode", "test") as srv:
        st, sch = curl_json(srv.url("/_stc/schedules"))
        now = datetime.datetime.now(datetime.timezone.utc)
        three = now.replace(hour=3, minute=0, second=0, microsecond=0)
        if three <= now:
            three += datetime.timedelta(days=1)
        T.check("test: the nightly schedule", sch["schedules"],
                [{"name": "NightlyCleanupTrigger1", "expression": "cron(0 3 * * ? *)", "target": "_nightly_cleanup",
                  "next": three.strftime("%Y-%m-%dT%H:%M:%SZ")}])
        curl_json(srv.url("/_stc/schedules/NightlyCleanupTrigger1"), "POST")
        e = wait_until(lambda: [x for x in curl_json(srv.url("/_stc/executions"))[1]["executions"]
                                if x["status"] != "RUNNING"], 10)
        T.check("test: the workflow ran with the schedule's input (keep 500: nothing removed)",
                curl_json(srv.url("/_stc/executions/" + e[0]["name"]))[1]["output"] if e else None, 0)
        T.check("stop", srv.stop(), 0)


def works():
    with Server(os.path.join(DATA, "works.py"), "--fast") as srv:
        for name in ["ok1", "flaky1", "poison1"]:
            curl(srv.url("/tasks"), "POST", '{"name": "%s"}' % name)
        T.check("a message that succeeds: received once",
                wait_until(lambda: curl_json(srv.url("/results/ok1"))[1] if curl_json(srv.url("/results/ok1"))[0] ==
                           200 else None, 10), {"name": "ok1", "receive_count": 1})
        T.check("a failed message comes back (--fast: after 1 s) with receive_count 2",
                wait_until(lambda: curl_json(srv.url("/results/flaky1"))[1] if curl_json(srv.url("/results/flaky1"))[0]
                           == 200 else None, 15), {"name": "flaky1", "receive_count": 2})
        T.ok("batchItemFailures reported in the log", srv.wait_line(lambda l: " _run 1 of " in l and " failed " in l, 10))
        T.ok("a poison message keeps coming back", wait_until(
            lambda: sum(" _run 1 of 1 failed " in l for l in srv.lines()) >= 2, 10 * SLOW))
        T.check("... and never succeeds", curl_json(srv.url("/results/poison1"))[0], 404)
        T.check("stop", srv.stop(), 0)


events()
photos()
works()
T.finish()
