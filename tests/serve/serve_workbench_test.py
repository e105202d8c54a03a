"""The workbench serving the open module (examples/orders.py), headless
(STC_SCRIPT): S starts `stc-tui serve` as a child on $STC_SERVE_PORT, 6 shows
the Requests tab with the requests as curl sends them (newest first), Enter
shows a request's answer, Enter again replays the execution it started in the
Simulator pane, S stops serving."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import BIN, EXAMPLES, SLOW, Tally, curl_json  # noqa: E402

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


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def client(port, out):
    """Wait for the workbench's server, then send the requests."""
    base = "http://127.0.0.1:%d" % port
    end = time.monotonic() + 60 * SLOW
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    st, order = curl_json(base + "/people/p1/orders", "POST", {"items": ["a"]})
    out["order"] = order
    curl_json(base + "/nope")
    st, started = curl_json(base + "/payments", "POST", {"order_id": order["id"], "amount": 3})
    out["payment"] = started


def main():
    work = tempfile.mkdtemp(prefix="stc-serve-workbench-")
    try:
        shutil.copy(os.path.join(EXAMPLES, "orders.py"), work)
        shutil.copy(os.path.join(EXAMPLES, "orders.mocks.yaml"), work)
        script = os.path.join(work, "serve.script")
        with open(script, "w") as f:
            f.write(SCRIPT.format(d=work))
        port = free_port()
        got = {}
        t = threading.Thread(target=client, args=(port, got))
        t.start()
        env = dict(os.environ, STC_SCRIPT=script, STC_SERVE_PORT=str(port))
        r = subprocess.run([BIN, "orders.py"], cwd=work, env=env, capture_output=True, text=True, timeout=180 * SLOW)
        t.join(60)
        T.check("the workbench ran the script", (r.returncode, r.stderr), (0, ""))

        def screen(name):
            with open(os.path.join(work, name + ".screen")) as f:
                return f.read()

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
    finally:
        if os.environ.get("KEEP"):
            print(work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    T.finish()


main()
