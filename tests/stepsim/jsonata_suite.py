#!/usr/bin/env python3
"""Run the JSONata conformance suite through `stc-tui jsonata --batch` and
check every line against the case's expectation.

    jsonata_suite.py STC_BIN SUITE_DIR [--exclusions FILE] [--filter TEXT]...
                     [--verbose]

SUITE_DIR holds cases.jsonl and datasets/ (tests/data/jsonata-suite). A case
passes when the batch line matches its expectation, as the official suite's
runner checks it:
  result          deep-equal as JSON (object keys in any order; numbers and
                  booleans kept apart); with "unordered": true an array in
                  any order
  undefinedResult {"undefined": true}
  code [token]    an error with that code (and token)
  error {...}     an error with its code, and its message when the case gives
                  one (other fields of the reference's error object have no
                  place in the batch line)
  result_re       a string result the regular expression matches
--exclusions lists case ids that may not pass, each with its reason; an
excluded case that passes is reported, and so is an exclusion without a
reason. --filter keeps the cases whose id contains any of the texts.
Exit status 0 when every case that runs passes and the batch itself exits 0
(a sanitizer's report at exit fails the run).
"""
import json
import os
import re
import subprocess
import sys
import tempfile


def same(a, b):
    """JSON deep equality with numbers, booleans and null kept apart."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def same_unordered(a, b):
    if not isinstance(a, list) or not isinstance(b, list) or len(a) != len(b):
        return same(a, b)
    rest = list(b)
    for x in a:
        for i, y in enumerate(rest):
            if same(x, y):
                del rest[i]
                break
        else:
            return False
    return True


def check(case, line):
    """None when the output line meets the expectation, else the reason."""
    try:
        out = json.loads(line)
    except ValueError:
        return "output is not JSON: %r" % line
    err = out.get("error")
    if "result" in case:
        if "result" not in out:
            return "expected %s, got %s" % (json.dumps(case["result"]), line)
        ok = same_unordered(out["result"], case["result"]) if case.get("unordered") \
            else same(out["result"], case["result"])
        return None if ok else "expected %s, got %s" % (json.dumps(case["result"]), line)
    if case.get("undefinedResult"):
        return None if out.get("undefined") is True else "expected undefined, got %s" % line
    if "result_re" in case:
        r = out.get("result")
        if isinstance(r, str) and re.search(case["result_re"], r):
            return None
        return "expected a match of /%s/, got %s" % (case["result_re"], line)
    if "code" in case:
        if not err or err.get("code") != case["code"]:
            return "expected error %s, got %s" % (case["code"], line)
        if "token" in case and err.get("token") != case["token"]:
            return "expected token %r, got %s" % (case["token"], line)
        return None
    if "error" in case:
        want = case["error"]
        if not err or err.get("code") != want.get("code"):
            return "expected error %s, got %s" % (json.dumps(want), line)
        for k in ("message", "token", "position"):
            if k in want and err.get(k) != want[k]:
                return "expected %s %r, got %s" % (k, want[k], line)
        return None
    return "the case has no expectation"


def read_list(path):
    """id or group -> reason, from lines `ID  reason`; '#' starts a comment."""
    out = {}
    if not path:
        return out
    with open(path, encoding="utf-8") as f:
        for raw in f:
            raw = raw.split("#", 1)[0].strip()
            if not raw:
                continue
            parts = raw.split(None, 1)
            out[parts[0]] = parts[1].strip() if len(parts) > 1 else ""
    return out


def main(argv):
    args = argv[1:]
    opts = {"--exclusions": None}
    filters = []
    verbose = False
    pos = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in opts:
            opts[a] = args[i + 1]
            i += 2
        elif a == "--filter":
            filters.append(args[i + 1])
            i += 2
        elif a == "--verbose":
            verbose = True
            i += 1
        else:
            pos.append(a)
            i += 1
    if len(pos) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    binary, suite = pos
    exclusions = read_list(opts["--exclusions"])
    for k, why in exclusions.items():
        if not why:
            print("jsonata suite: %s is left out without a reason" % k, file=sys.stderr)
            return 1

    cases, lines = [], []
    with open(os.path.join(suite, "cases.jsonl"), encoding="utf-8") as f:
        for raw in f:
            if not raw.strip():
                continue
            case = json.loads(raw)
            cid = case["id"]
            if filters and not any(t in cid for t in filters):
                continue
            cases.append(case)
            lines.append(raw.rstrip("\n"))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as tmp:
        tmp.write("\n".join(lines) + "\n")
        path = tmp.name
    try:
        proc = subprocess.run([binary, "jsonata", "--batch", path, "--datasets",
                               os.path.join(suite, "datasets")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=1200)
    finally:
        os.unlink(path)
    out = proc.stdout.decode("utf-8", "replace").splitlines()
    if proc.returncode != 0 or len(out) != len(cases):
        print("jsonata suite: the batch exited %d with %d lines for %d cases\n%s"
              % (proc.returncode, len(out), len(cases), proc.stderr.decode("utf-8", "replace")[-4000:]),
              file=sys.stderr)
        return 1
    failed, passed, excluded_passing = [], 0, []
    for case, line in zip(cases, out):
        why = check(case, line)
        cid = case["id"]
        if cid in exclusions:
            if why is None:
                excluded_passing.append(cid)
            continue
        if why is None:
            passed += 1
        else:
            failed.append((cid, case["expr"], why))
    for cid, expr, why in failed:
        print("FAIL %s: %s\n     %s" % (cid, json.dumps(expr, ensure_ascii=False).encode("utf-8", "backslashreplace").decode("utf-8"), why))
    for cid in excluded_passing:
        print("PASSES BUT EXCLUDED %s (%s)" % (cid, exclusions[cid]))
    nexcl = sum(1 for c in cases if c["id"] in exclusions)
    unknown = [] if filters else sorted(set(exclusions) - {c["id"] for c in cases})
    for cid in unknown:
        print("EXCLUDED BUT NOT IN THE SUITE %s" % cid)
    print("jsonata suite: %d passed, %d failed, %d excluded" % (passed, len(failed), nexcl))
    if verbose:
        for cid, why in sorted(exclusions.items()):
            print("  excluded %s: %s" % (cid, why))
    return 1 if failed or excluded_passing or unknown else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
