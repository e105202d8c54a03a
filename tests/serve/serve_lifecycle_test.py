"""stc-tui serve from start to stop: usage and input errors with the exit codes
of shared/cli.md (2 usage, 1 errors in the module, 3 a file or the address);
SIGINT and SIGTERM finish the request in flight and exit 0; a function past its
timeout answers 500 and the server goes on."""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import BIN, DATA, EXAMPLES, SLOW, Server, Tally, curl, curl_json, wait_until  # noqa: E402

T = Tally()
PEOPLE = os.path.join(EXAMPLES, "people.py")


def run(*args):
    return subprocess.run([BIN, "serve"] + list(args), capture_output=True, text=True, timeout=60 * SLOW)


def cli():
    r = run()
    T.check("no module: exit 2", (r.returncode, "missing SERVICE.py" in r.stderr), (2, True))
    r = run(PEOPLE, "--port", "abc")
    T.check("--port abc: exit 2", r.returncode, 2)
    r = run(PEOPLE, "--port", "70000")
    T.check("--port 70000: exit 2", r.returncode, 2)
    r = run(PEOPLE, "--mode", "nope")
    T.check("--mode nope: exit 2", r.returncode, 2)
    r = run(PEOPLE, "--nope")
    T.check("an unknown option: exit 2", r.returncode, 2)
    r = run("--help")
    T.check("--help: exit 0", r.returncode, 0)
    T.ok("--help says the module's code runs", "THIS RUNS THE MODULE'S CODE" in r.stdout, r.stdout)
    r = run(os.path.join(DATA, "no-such-module.py"))
    T.check("a missing module: exit 3", r.returncode, 3)
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.py")
        with open(bad, "w") as f:
            f.write("class Bad:\n    def get_x(self, x_id: str)\n        return x_id\n")
        r = run(bad, "--port", "0")
        T.check("a module with errors: exit 1", r.returncode, 1)
        T.ok("... with its diagnostic", "bad.py:2:" in r.stderr and "error: STC001" in r.stderr, r.stderr)
        T.check("... and no ready line", r.stdout, "")
    r = run(PEOPLE, "--host", "nohost.invalid", "--port", "0")
    T.check("a host that does not resolve: exit 3", (r.returncode, "no such address" in r.stderr), (3, True))
    srv = Server(PEOPLE, "--host", "localhost", ready=False)
    line = srv.wait_line(lambda l: l.startswith("serving "), 60 * SLOW) or ""
    m = re.match(r"^serving \S+ on http://localhost:(\d+) and ws://localhost:(\d+)/$", line)
    T.ok("--host localhost: the ready line names it", m, line)
    if m:
        T.check("--host localhost: answers", curl("http://127.0.0.1:%s/people" % m.group(1))[0], 200)
    T.check("--host localhost: stop", srv.stop(), 0)
    r = run(PEOPLE, "--config", "/no/such/config.stc.yaml", "--port", "0")
    T.check("a missing --config: exit 3", r.returncode, 3)
    with Server(PEOPLE) as a:
        r = run(PEOPLE, "--port", str(a.port))
        T.check("a port in use: exit 3", r.returncode, 3)
        T.ok("... cannot listen", "cannot listen on 127.0.0.1:%d" % a.port in r.stderr, r.stderr)
        T.check("the first server is not disturbed", curl(a.url("/people"))[0], 200)
        T.check("SIGTERM: exit 0", a.stop(signal.SIGTERM), 0)


def in_flight(sig):
    """A request still running when the signal comes is answered."""
    name = signal.Signals(sig).name
    with Server(os.path.join(DATA, "slow.py")) as srv:
        curl(srv.url("/items/warm"))  # the cold start before the clock starts
        got = {}
        t = threading.Thread(target=lambda: got.update(r=curl_json(srv.url("/items/pause"))))
        t.start()
        time.sleep(0.5 * SLOW)
        srv.proc.send_signal(sig)
        t.join(30 * SLOW)
        T.check(name + ": the request in flight is answered", got.get("r"), (200, {"id": "pause"}))
        T.check(name + ": exit 0", srv.stop(None), 0)
        T.ok(name + ": the request was logged", any(" GET /items/pause 200 get_item " in l for l in srv.lines()))


def timeouts():
    with Server(os.path.join(DATA, "slow.py")) as srv:
        start = time.monotonic()
        T.check("a function past its timeout (2 s): 500", curl_json(srv.url("/items/loop")),
                (500, {"message": "Internal Server Error"}))
        took = time.monotonic() - start
        T.ok("... after about 2 s", 1.9 <= took < 2 + 5 * SLOW, "%.2f s" % took)
        T.ok("... Task timed out on stderr",
             wait_until(lambda: "get_item: Task timed out after 2.00 seconds" in srv.stderr(), 10),
             srv.stderr()[-300:])
        T.check("the server goes on", curl_json(srv.url("/items/a")), (200, {"id": "a"}))
        T.check("stop", srv.stop(), 0)


cli()
in_flight(signal.SIGINT)
in_flight(signal.SIGTERM)
timeouts()
T.finish()
