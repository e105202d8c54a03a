"""stc-tui serve and async routes that bind more than the body (docs/hardening.md,
"Async routes with path and query parameters: starters"): the route's starter
binds path, query and body parameters as a synchronous route does, and the
execution's input has them all, `caller` null (auth is not enforced locally);
a bad parameter answers 400 and starts nothing; an Express route waits for its
execution and answers its output. A route that takes only its body starts its
machine with the body, as before (serve_workflow_test.py).

tests/aws/data/shelves.py: recount_shelf (Standard) is
POST /shelves/{shelf_id}/recount with body depth (int, default 1) and caller;
list_shelf_labels (Express) is GET /shelves/{shelf_id}/labels with query fmt
(str, default "text") and caller, and returns fmt. printer_token is a
parameter the test gives in the environment, as serve takes parameters."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import SLOW, TESTS, Server, Tally, curl_json, wait_until  # noqa: E402

T = Tally()
SHELVES = os.path.join(TESTS, "aws", "data", "shelves.py")


def execution(srv, arn):
    name = arn.rsplit(":", 1)[1]
    return wait_until(lambda: (lambda e: e if e and e.get("status") != "RUNNING" else None)(
        curl_json(srv.url("/_stc/executions/" + name))[1]), 20 * SLOW)


with Server(SHELVES, env={"STC_PARAM_PRINTER_TOKEN": "t0"}) as srv:
    st, shelf = curl_json(srv.url("/shelves"), "POST", {"name": "s1"})
    T.check("create a shelf", (st, shelf), (200, {"name": "s1", "owner": None}))

    st, got = curl_json(srv.url("/shelves/s1/recount"), "POST", {"depth": 2})
    T.check("recount: 202", st, 202)
    e = execution(srv, got["executionArn"])
    T.check("recount: the path parameter and the body reach the input",
            (e["status"], e["input"], e["output"]),
            ("SUCCEEDED", {"shelf_id": "s1", "depth": 2, "caller": None},
             {"shelf": "s1", "found": 2, "by": None}))

    st, got = curl_json(srv.url("/shelves/s1/recount"), "POST", None)
    e = execution(srv, got["executionArn"])
    T.check("recount without a body: the default depth", (st, e["input"], e["output"]["found"]),
            (202, {"shelf_id": "s1", "caller": None}, 1))

    before = len(curl_json(srv.url("/_stc/executions"))[1]["executions"])
    st, got = curl_json(srv.url("/shelves/s1/recount"), "POST", {"depth": "deep"})
    T.check("recount: a bad depth is 400",
            (st, got), (400, {"error": "BadRequest", "message": "body field 'depth' must be an integer, not a string"}))
    st, got = curl_json(srv.url("/shelves/s1/recount"), "POST", {"caller": {"sub": "admin"}})
    T.check("recount: a caller in the body is 400", (st, got["error"]), (400, "BadRequest"))
    T.check("... and nothing started", len(curl_json(srv.url("/_stc/executions"))[1]["executions"]), before)

    st, got = curl_json(srv.url("/shelves/s1/labels?fmt=csv"))
    T.check("labels (Express): the query reaches the input, the output is the answer", (st, got), (200, "csv"))
    st, got = curl_json(srv.url("/shelves/s1/labels"))
    T.check("labels: the default fmt", (st, got), (200, "text"))
    st, got = curl_json(srv.url("/shelves/nope/recount"), "POST", {})
    e = execution(srv, got["executionArn"])
    T.check("recount of a shelf that is not there: the execution fails with the module's error",
            (st, e["status"], e["error"], e["cause"]), (202, "FAILED", "ShelfMissing", "nope"))
    st, got = curl_json(srv.url("/shelves/s1/labels?caller=me"))
    T.check("labels: a caller in the query is 400", (st, got["error"]), (400, "BadRequest"))

T.finish()
