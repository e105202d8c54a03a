"""16 concurrent clients (curl processes, each on its own keep-alive
connection) send 1,000 requests each to examples/people.py: nothing is lost,
every write is answered 200, and every write can be read back, one by one and
in the list."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import CURL, EXAMPLES, SLOW, Server, Tally, curl_json  # noqa: E402

T = Tally()
CLIENTS, EACH = 16, 1000


def config(path, entries):
    """A curl config file: one transfer per entry, separated by `next`."""
    with open(path, "w") as f:
        for i, (method, url, data) in enumerate(entries):
            if i:
                f.write("next\n")
            f.write('url = "%s"\nrequest = "%s"\nwrite-out = "\\n%%{http_code}\\n"\nsilent\n' % (url, method))
            if data is not None:
                f.write("data-binary = %s\n" % json.dumps(data))


def run_all(work, tag, batches):
    """Run one curl per batch at once; each one's list of (status, body)."""
    procs = []
    for i, entries in enumerate(batches):
        cfg = os.path.join(work, "%s-%d.cfg" % (tag, i))
        config(cfg, entries)
        procs.append(subprocess.Popen([CURL, "-K", cfg, "--max-time", str(int(600 * SLOW))], stdout=subprocess.PIPE))
    results = []
    for p in procs:
        out, _ = p.communicate(timeout=900)
        lines = out.decode("utf-8").split("\n")
        pairs = [(int(lines[k + 1]), lines[k]) for k in range(0, len(lines) - 1, 2)]
        results.append(pairs)
    return results


def main():
    with tempfile.TemporaryDirectory() as work, Server(os.path.join(EXAMPLES, "people.py")) as srv:
        url = srv.url("/people")
        writes = [[("POST", url, json.dumps({"name": "c%d-%d" % (c, n), "age": n})) for n in range(EACH)]
                  for c in range(CLIENTS)]
        results = run_all(work, "post", writes)
        T.check("every client got %d answers" % EACH, [len(r) for r in results], [EACH] * CLIENTS)
        statuses = [s for r in results for s, _ in r]
        T.check("every write answered 200", statuses.count(200), CLIENTS * EACH)
        people = {}
        for c, r in enumerate(results):
            for n, (_, body) in enumerate(r):
                p = json.loads(body)
                ok = p["name"] == "c%d-%d" % (c, n) and p["age"] == n
                people[p["id"]] = p if ok else None
        T.check("every answer is its own write, with a distinct id", (len(people), None in people.values()),
                (CLIENTS * EACH, False))
        ids = sorted(people)
        reads = [[("GET", url + "/" + pid, None) for pid in ids[c::CLIENTS]] for c in range(CLIENTS)]
        back = run_all(work, "get", reads)
        got = {}
        for r in back:
            for st, body in r:
                if st == 200:
                    p = json.loads(body)
                    got[p["id"]] = p
        T.check("every write reads back, one by one", got == people, True)
        st, listed = curl_json(srv.url("/people?limit=%d" % (CLIENTS * EACH + 10)), timeout=120)
        T.check("... and in the list", (st, sorted(p["id"] for p in listed)), (200, ids))
        log = [l for l in srv.lines() if " /people" in l]
        T.check("one log line per request", len(log), 2 * CLIENTS * EACH + 1)
        T.check("stop", srv.stop(), 0)
    T.finish()


main()
