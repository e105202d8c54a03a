"""stc-tui serve's stores: in memory by default, in SQLite with --state DIR, with
the same behaviour as the shipped runtime's own memory mode: a missing key,
key order, membership, sizes, copies, queue order and emptiness
(tests/data/serve/stores.py). With --state the data survives a restart."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.environ["STC_TEST_DATA"], "aws"))
from serve_harness import BIN, DATA, EXAMPLES, Server, Tally, curl_json  # noqa: E402

T = Tally()
SIZE = 3 * 1024 * 1024  # a 3 MB object

# Worked out from stores.py: keys sort by code point ("10" < "9" < "A" < "a"
# < "b" < "é"), int keys by value, reading gives a copy, queues are FIFO.
EXPECTED = [
    ["missing", "KeyError('missing')"],
    ["keys", ["10", "9", "A", "a", "b", "é"]],
    ["len", 6],
    ["in", True, False, False],
    ["ints", [-1, 3, 10]],
    ["blob", SIZE, True],
    ["empty", True, 2],
    ["del-missing"],
    ["copy", {"k": "a"}],
    ["qsize", 3, False],
    ["get", {"n": 0}, {"n": 1}, {"n": 2}],
    ["empty-queue", "Empty"],
]


def served(*args):
    with Server(os.path.join(DATA, "stores.py"), *args) as srv:
        st, got = curl_json(srv.url("/runs"), "POST", {"size": SIZE})
        T.check("stop", srv.stop(), 0)
        return st, got


def runtime_memory(work):
    """The same call through the emitted package, in the runtime's memory mode."""
    import handler_harness as hh
    _, _, folders = hh.emit(work, os.path.join(DATA, "stores.py"), "stores")
    handler = hh.cold_import(work, folders["create_run"])
    event = {"version": "2.0", "routeKey": "POST /runs", "rawPath": "/runs", "rawQueryString": "", "headers": {},
             "requestContext": {"http": {"method": "POST", "path": "/runs"}},
             "body": json.dumps({"size": SIZE}), "isBase64Encoded": False}
    answer = handler.handler(event, None)
    return answer["statusCode"], json.loads(answer["body"])


def main():
    work = tempfile.mkdtemp(prefix="stc-serve-state-")
    try:
        state = os.path.join(work, "state")
        T.check("memory", served(), (200, EXPECTED))
        T.check("--state", served("--state", state), (200, EXPECTED))
        T.check("the runtime's memory mode", runtime_memory(work), (200, EXPECTED))
        db = sqlite3.connect(os.path.join(state, "state.sqlite3"))
        rows = db.execute("SELECT key FROM items WHERE store = 'table:items' ORDER BY key").fetchall()
        T.check("the SQLite rows", [r[0] for r in rows], ["10", "9", "A", "a", "b", "é"])
        size = db.execute("SELECT length(value), typeof(value) FROM items WHERE store = 'bucket:blobs' AND key = 'big'")
        T.check("the object, a blob", size.fetchone(), (SIZE, "blob"))
        db.close()
        # a restart keeps what --state holds, and memory forgets
        people = os.path.join(EXAMPLES, "people.py")
        pstate = os.path.join(work, "people")
        with Server(people, "--state", pstate) as srv:
            made = [curl_json(srv.url("/people"), "POST", {"name": n, "age": i})[1] for i, n in enumerate("ABC")]
            T.check("stop (SIGTERM)", srv.stop(15), 0)
        with Server(people, "--state", pstate) as srv:
            st, back = curl_json(srv.url("/people"))
            T.check("--state: the people after a restart", sorted(back, key=lambda p: p["name"]), made)
            srv.stop()
        with Server(people) as srv:
            T.check("memory: empty after a restart", curl_json(srv.url("/people")), (200, []))
            srv.stop()
        # --state on a file
        afile = os.path.join(work, "afile")
        open(afile, "w").close()
        r = subprocess.run([BIN, "serve", people, "--port", "0", "--state", afile], capture_output=True, text=True,
                           timeout=60)
        T.check("--state on a file: exit 3", r.returncode, 3)
        T.ok("--state on a file: the message", "is not a folder" in r.stderr, r.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    T.finish()


main()
