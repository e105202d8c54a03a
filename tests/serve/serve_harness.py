"""What the serve tests share: `stc-tui serve` on a free port of 127.0.0.1, real
clients (curl for HTTP, Debian's python3-websocket for WebSocket) and the tally.

Run by ctest under Debian's /usr/bin/python3 with STC_BIN and STC_TEST_DATA set.
Every wait is bounded; a server that does not stop is killed by its pid."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tally import Tally  # noqa: E402,F401  (the tests import it from here)

BIN = os.environ["STC_BIN"]
TESTS = os.environ["STC_TEST_DATA"]
ROOT = os.path.dirname(TESTS.rstrip("/"))
DATA = os.path.join(TESTS, "data", "serve")
EXAMPLES = os.path.join(ROOT, "examples")
# Sanitizer builds are several times slower: the waits scale.
SLOW = 4.0 if "build-asan" in BIN else 1.0

CURL = shutil.which("curl")
if not CURL:
    print("FAIL: curl is not installed (./scripts/setup installs it)")
    sys.exit(1)
try:
    import websocket  # Debian's python3-websocket
except ImportError:
    print("FAIL: python3-websocket is not installed (./scripts/setup installs it)")
    sys.exit(1)

READY = re.compile(r"^serving (\S+) on http://127\.0\.0\.1:(\d+) and ws://127\.0\.0\.1:(\d+)/$")


class Server:
    """One `stc-tui serve MODULE --port 0 ARGS...`; its stdout lines are kept."""

    def __init__(self, module, *args, env=None, ready=True):
        self.module = module
        cmd = [BIN, "serve", module, "--port", "0"] + list(args)
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     encoding="utf-8", errors="replace", env=full_env)
        self.out, self.err = [], []
        self.cv = threading.Condition()
        self.threads = [threading.Thread(target=self._read, args=(self.proc.stdout, self.out), daemon=True),
                        threading.Thread(target=self._read, args=(self.proc.stderr, self.err), daemon=True)]
        for t in self.threads:
            t.start()
        self.port = None
        if ready:
            line = self.wait_line(lambda l: READY.match(l), 60 * SLOW)
            if not line:
                self.kill()
                raise RuntimeError("no ready line from %s; stderr:\n%s" % (" ".join(cmd), "".join(self.err)))
            self.port = int(READY.match(line).group(2))

    def _read(self, stream, into):
        for line in stream:
            with self.cv:
                into.append(line.rstrip("\n") if into is self.out else line)
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def ws(self, path="/", **kw):
        return websocket.create_connection("ws://127.0.0.1:%d%s" % (self.port, path), timeout=10 * SLOW, **kw)

    def wait_line(self, pred, timeout, start=0):
        """The first stdout line (from index start) for which pred is true, or None."""
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                for line in self.out[start:]:
                    if pred(line):
                        return line
                left = end - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not any(t.is_alive() for t in self.threads)):
                    return None
                self.cv.wait(min(left, 0.2))

    def lines(self):
        with self.cv:
            return list(self.out)

    def stderr(self):
        with self.cv:
            return "".join(self.err)

    def stop(self, sig=signal.SIGINT, timeout=30):
        """Send sig (None: it was sent already) and wait; the exit status
        (None if it had to be killed)."""
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            rc = self.proc.wait(timeout * SLOW)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        for t in self.threads:
            t.join(5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop()
        return False


def curl(url, method="GET", data=None, headers=(), timeout=30, extra=()):
    """(status, {header: value}, body bytes) through curl; status 0 when curl
    itself failed (connection refused, timeout)."""
    with tempfile.TemporaryDirectory() as tmp:
        hfile, bfile = os.path.join(tmp, "h"), os.path.join(tmp, "b")
        cmd = [CURL, "-s", "-S", "-X", method, "-D", hfile, "-o", bfile, "-w", "%{http_code}",
               "--max-time", str(timeout * SLOW)] + list(extra)
        for h in headers:
            cmd += ["-H", h]
        if data is not None:
            dfile = os.path.join(tmp, "d")
            with open(dfile, "wb") as f:
                f.write(data.encode("utf-8") if isinstance(data, str) else data)
            cmd += ["--data-binary", "@" + dfile]
        cmd.append(url)
        r = subprocess.run(cmd, capture_output=True, text=True)
        status = int(r.stdout.strip() or "0") if r.returncode == 0 else 0
        heads = {}
        if os.path.exists(hfile):
            with open(hfile, encoding="latin-1") as f:
                for line in f.read().splitlines()[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        heads.setdefault(k.strip().lower(), v.strip())
        body = b""
        if os.path.exists(bfile):
            with open(bfile, "rb") as f:
                body = f.read()
        return status, heads, body


def curl_json(url, method="GET", data=None, headers=(), timeout=30):
    """(status, parsed JSON body or None)."""
    status, _, body = curl(url, method, json.dumps(data) if data is not None and not isinstance(data, str) else data,
                           headers, timeout)
    try:
        return status, json.loads(body.decode("utf-8")) if body else None
    except ValueError:
        return status, body


def wait_until(pred, timeout):
    """Poll pred (every 50 ms) until it is true or the time is up; its last value."""
    end = time.monotonic() + timeout * SLOW
    while True:
        v = pred()
        if v or time.monotonic() > end:
            return v
        time.sleep(0.05)


def log_line(method, path, status, unit):
    """A matcher for the text log line of one request: "HH:MM:SS METHOD PATH STATUS UNIT N.NN ms"."""
    pat = re.compile(r"^\d\d:\d\d:\d\d %s %s %d %s \d+\.\d\d ms$" % (re.escape(method), re.escape(path), status,
                                                                      re.escape(unit)))
    return lambda line: pat.match(line) is not None


def workbench(files, module, script, client, args=()):
    """Run the workbench headless on `module`, in a temporary folder with a
    copy of `files`: STC_SCRIPT is `script` ({d}: the folder, where the
    script saves its screens), STC_SERVE_PORT a free port. client(base_url,
    out) runs in a thread once something accepts connections on that port
    (the server S starts). Returns (the finished process, port, out,
    {NAME: text of every NAME.screen saved}); `args` go before the module on
    the command line; KEEP=1 keeps the folder."""
    work = tempfile.mkdtemp(prefix="stc-serve-workbench-")
    try:
        for f in files:
            shutil.copy(f, work)
        path = os.path.join(work, "serve.script")
        with open(path, "w") as f:
            f.write(script.format(d=work))
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        out = {}

        def run_client():
            end = time.monotonic() + 60 * SLOW
            while time.monotonic() < end:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            client("http://127.0.0.1:%d" % port, out)

        t = threading.Thread(target=run_client)
        t.start()
        env = dict(os.environ, STC_SCRIPT=path, STC_SERVE_PORT=str(port))
        r = subprocess.run([BIN, *args, module], cwd=work, env=env, capture_output=True, text=True,
                           timeout=180 * SLOW)
        t.join(60)
        screens = {}
        for name in os.listdir(work):
            if name.endswith(".screen"):
                with open(os.path.join(work, name)) as f:
                    screens[name[:-len(".screen")]] = f.read()
        return r, port, out, screens
    finally:
        if os.environ.get("KEEP"):
            print(work)
        else:
            shutil.rmtree(work, ignore_errors=True)
