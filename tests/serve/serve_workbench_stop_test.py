"""The workbench stops serving without waiting (headless, STC_SCRIPT): S
while a request is in flight (tests/data/serve/slow.py's 1.5 s pause) shows
"stopping" at once, the request is still answered, and once the child has
ended the workbench says "stopped serving". A new mode (m) while serving
stops the server and serves the new mode on the same port."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import DATA, Tally, curl_json, workbench  # noqa: E402

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


def client(base, out):
    """Once the workbench serves: one quick request, then one that takes 1.5 s."""
    out["quick"] = curl_json(base + "/items/a")
    t0 = time.monotonic()
    out["pause"] = curl_json(base + "/items/pause")
    out["pause_s"] = time.monotonic() - t0


def main():
    files = [os.path.join(DATA, f) for f in ("slow.py", "slow.stc.yaml")]
    r, port, got, screens = workbench(files, "slow.py", SCRIPT, client)
    T.check("the workbench ran the script", (r.returncode, r.stderr), (0, ""))

    def screen(name):
        return screens.get(name, "")

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
    T.finish()


main()
