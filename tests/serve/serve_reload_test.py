"""stc-tui serve reloads when the module or its configuration changes: the new
code serves the next request (the stores keep their data); a module that stops
compiling keeps the last good one serving and prints the errors; a module that
compiles but fails to import answers 500 from its cold start, as on AWS."""
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_harness import EXAMPLES, Server, Tally, curl_json, wait_until  # noqa: E402

T = Tally()


def write(path, text):
    """As editors save: a temporary file renamed over the old one."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def reload_line(gen):
    return lambda l: re.match(r"^\d\d:\d\d:\d\d RELOAD .*svc\.py: serving generation %d$" % gen, l) is not None


def main():
    work = tempfile.mkdtemp(prefix="stc-serve-reload-")
    try:
        svc = os.path.join(work, "svc.py")
        with open(os.path.join(EXAMPLES, "people.py")) as f:
            original = f.read()
        write(svc, original)
        with Server(svc) as srv:
            curl_json(srv.url("/people"), "POST", {"name": "Ann", "age": 3})
            names = original.replace("return list(self.people.values())[:limit]",
                                     "return [p['name'] for p in self.people.values()][:limit]")
            write(svc, names)
            T.ok("a change: generation 2", srv.wait_line(reload_line(2), 15))
            T.check("the new code serves, the table kept its data", curl_json(srv.url("/people")), (200, ["Ann"]))
            write(svc, names + "\n    def broken(self\n")
            line = srv.wait_line(lambda l: " RELOAD " in l and "error" in l, 15)
            T.ok("a syntax error: reported, generation 2 still serves",
                 line and line.endswith("has 1 error: still serving generation 2"), line)
            T.ok("the diagnostic on stderr",
                 wait_until(lambda: re.search(r"svc\.py:\d+:\d+: error: STC001", srv.stderr()), 10),
                 srv.stderr()[-300:])
            T.check("still the last good code", curl_json(srv.url("/people")), (200, ["Ann"]))
            write(svc, original)
            T.ok("fixed: generation 4", srv.wait_line(reload_line(4), 15))
            T.check("the original code again", [p["name"] for p in curl_json(srv.url("/people"))[1]], ["Ann"])
            # the configuration file beside the module is watched too
            write(os.path.join(work, "svc.stc.yaml"), "functions:\n  list_people:\n    timeout: nope\n")
            line = srv.wait_line(lambda l: " RELOAD " in l and "error" in l and "generation 4" in l, 15)
            T.ok("a bad configuration: reported, generation 4 still serves", line, srv.lines()[-3:])
            T.ok("the configuration's diagnostic",
                 wait_until(lambda: "svc.stc.yaml:3:14: error: STC522" in srv.stderr(), 10), srv.stderr()[-300:])
            write(os.path.join(work, "svc.stc.yaml"), "functions:\n  list_people:\n    timeout: 5\n")
            T.ok("a good configuration: generation 6", srv.wait_line(reload_line(6), 15))
            # compiles, but its import fails at the cold start
            write(svc, "import stc_no_such_module\n" + original)
            T.ok("an import error: generation 7", srv.wait_line(reload_line(7), 15))
            T.check("... the cold start fails: 500", curl_json(srv.url("/people")),
                    (500, {"message": "Internal Server Error"}))
            T.ok("... and the reason is on stderr",
                 wait_until(lambda: "No module named 'stc_no_such_module'" in srv.stderr(), 10))
            T.check("stop", srv.stop(), 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    T.finish()


main()
