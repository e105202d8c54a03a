"""The workbench serving the open module (examples/orders.py), headless
(STC_SCRIPT): S starts `stc-tui serve` as a child on $STC_SERVE_PORT, 6 shows
the Requests tab with the requests as curl sends them (newest first), Enter
shows a request's answer, Enter again replays the execution it started in the
Simulator pane, S stops serving."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import EXAMPLES, Tally, curl_json, workbench  # noqa: E402

T = Tally()

SCRIPT = """S
:wait-served 3
:save-display {d}/list.screen
<Enter>
:save-display {d}/request.screen
<Enter>
:save-display {d}/replay.screen
S
:wait-serve-stopped
:save-display {d}/stopped.screen
"""


def client(base, out):
    """The requests, once the workbench serves."""
    st, order = curl_json(base + "/people/p1/orders", "POST", {"items": ["a"]})
    out["order"] = order
    curl_json(base + "/nope")
    st, started = curl_json(base + "/payments", "POST", {"order_id": order["id"], "amount": 3})
    out["payment"] = started


def main():
    files = [os.path.join(EXAMPLES, f) for f in ("orders.py", "orders.mocks.yaml")]
    # JSONPath: the replay's Simulator pane has room for its "served
    # execution" line (a JSONata machine lists its variables there)
    r, port, got, screens = workbench(files, "orders.py", SCRIPT, client,
                                      args=("--query-language", "jsonpath"))
    T.check("the workbench ran the script", (r.returncode, r.stderr), (0, ""))

    def screen(name):
        return screens.get(name, "")

    lst = screen("list")
    T.ok("the Requests tab with the server's URL", "Requests (3) http://127.0.0.1:%d" % port in lst)
    rows = [l for l in lst.splitlines() if " POST " in l or " GET " in l]
    order = [("/payments" in l, "/nope" in l, "/people/p1/orders" in l) for l in rows]
    T.check("newest first: /payments, /nope, /people/p1/orders", order[:3],
            [(True, False, False), (False, True, False), (False, False, True)])
    T.ok("status and unit", len(rows) >= 3 and " 202 " in rows[0] and "submit_payment" in rows[0] and
         " 404 " in rows[1] and " 200 " in rows[2] and "create_person_order" in rows[2], rows)
    req = screen("request")
    T.ok("Enter: the answer of the request", "Request 3" in req and '"statusCode": 202' in req, req)
    T.ok("... the execution it started", got.get("payment", {}).get("executionArn", "?")[:60] in req and
         "SUCCEEDED" in req, req)
    rep = screen("replay")
    T.ok("Enter again: the execution in the Simulator pane",
         "submit_payment SUCCEEDED" in rep and "served execution" in rep, rep)
    T.ok("... its output", "shipped" in rep, rep)
    T.ok("S stops serving", "stopped serving orders.py" in screen("stopped"), screen("stopped"))
    T.finish()


main()
