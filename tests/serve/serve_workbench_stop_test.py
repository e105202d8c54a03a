"""The workbench stops serving without waiting (headless, STC_SCRIPT): S
while a request is in flight (tests/data/serve/slow.py's 1.5 s pause) shows
"stopping" at once, the request is still answered, and once the child has
ended the workbench says "stopped serving". A new mode (m) while serving
stops the server and serves the new mode on the same port."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import BIN, DATA, SLOW, Tally, curl_json  # noqa: E402

T = Tally()

SCRIPT = """S
:wait-served 1
S
:save-display {d}/stopping.screen
:wait-serve-stopped
:save-display {d}/stopped.screen
S
:wait-served 0
m
:wait-served 0
:save-display {d}/remode.screen
"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def client(port, out):
    """Once the workbench serves: one quick request, then one that takes 1.5 s."""
    base = "http://127.0.0.1:%d" % port
    end = time.monotonic() + 60 * SLOW
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    out["quick"] = curl_json(base + "/items/a")
    t0 = time.monotonic()
    out["pause"] = curl_json(base + "/items/pause")
    out["pause_s"] = time.monotonic() - t0


def main():
    work = tempfile.mkdtemp(prefix="stc-serve-workbench-stop-")
    try:
        for f in ("slow.py", "slow.stc.yaml"):
            shutil.copy(os.path.join(DATA, f), work)
        script = os.path.join(work, "stop.script")
        with open(script, "w") as f:
            f.write(SCRIPT.format(d=work))
        port = free_port()
        got = {}
        t = threading.Thread(target=client, args=(port, got))
        t.start()
        env = dict(os.environ, STC_SCRIPT=script, STC_SERVE_PORT=str(port))
        r = subprocess.run([BIN, "slow.py"], cwd=work, env=env, capture_output=True, text=True, timeout=180 * SLOW)
        t.join(60)
        T.check("the workbench ran the script", (r.returncode, r.stderr), (0, ""))

        def screen(name):
            with open(os.path.join(work, name + ".screen")) as f:
                return f.read()

        T.check("the quick request", got.get("quick"), (200, {"id": "a"}))
        stopping = screen("stopping")
        T.ok("S with a request in flight: 'stopping' at once, the workbench does not wait",
             "stopping serving slow.py (it finishes what is in flight)" in stopping, stopping)
        T.ok("... the Requests tab says so", "Requests (1) stopping" in stopping, stopping)
        T.check("the request in flight is still answered", got.get("pause"), (200, {"id": "pause"}))
        T.ok("... after its 1.5 s", got.get("pause_s", 0) >= 1.4, got.get("pause_s"))
        stopped = screen("stopped")
        T.ok("once the child has ended: 'stopped serving'", "stopped serving slow.py" in stopped, stopped)
        T.ok("... and no error", "serving stopped (exit" not in stopped, stopped)
        remode = screen("remode")
        T.ok("m while serving: the new mode is served", "serving slow.py in mode test on port %d" % port in remode,
             remode)
        T.ok("... on the same port", "Requests (0) http://127.0.0.1:%d" % port in remode, remode)
    finally:
        if os.environ.get("KEEP"):
            print(work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    T.finish()


main()
