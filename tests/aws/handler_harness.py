"""What the generated-handler tests share (handler_test.py, triggers_handler_test.py).

Run under Debian's python3 by ctest with STC_BIN and STC_TEST_DATA set. Importing
this module pins the shipped runtime to its in-memory resources and clears any
STC_* resource variables of the calling environment."""
import json
import os
import subprocess
import sys
import zipfile

BIN = os.environ["STC_BIN"]
TESTS = os.environ["STC_TEST_DATA"]
ROOT = os.path.dirname(TESTS.rstrip("/"))
os.environ["STC_RUNTIME"] = "memory"
for k in list(os.environ):
    if k.startswith(("STC_PARAM_", "STC_TABLE_", "STC_BUCKET_", "STC_QUEUE_", "STC_FUNCTION_")):
        del os.environ[k]


class Tally:
    """Counts checks; finish() prints the 'N passed, N failed' line and exits."""

    def __init__(self):
        self.passed = self.failed = 0

    def check(self, what, got, want):
        if got == want:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL %s\n  got:  %r\n  want: %r" % (what, got, want))

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def emit(work, module, name, mode=None):
    """`stc-tui emit` the module into work/name and unzip every function's package
    into work/name-fn/<function>; returns (folder, manifest, {function: folder})."""
    out = os.path.join(work, name)
    cmd = [BIN, "emit", module] + (["--mode", mode] if mode else []) + ["-o", out]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print("emit %s failed (%d): %s" % (module, r.returncode, r.stderr))
        sys.exit(1)
    with open(os.path.join(out, "manifest.json")) as f:
        manifest = json.load(f)
    folders = {}
    for fn in manifest["functions"]:
        d = os.path.join(work, name + "-fn", fn["name"])
        with zipfile.ZipFile(os.path.join(out, fn["zip"])) as z:
            z.extractall(d)
        folders[fn["name"]] = d
    return out, manifest, folders


def cold_import(work, folder):
    """Import the handler.py of one unzipped package afresh (a cold start)."""
    for mod in ("handler", "service"):
        sys.modules.pop(mod, None)
    sys.path[:] = [p for p in sys.path if not p.startswith(work)]
    sys.path.insert(0, folder)
    import handler
    return handler
