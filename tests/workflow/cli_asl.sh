#!/usr/bin/env bash
# `stc-tui asl`: exit codes and output shapes (shared/cli.md).
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
ex="$STC_TEST_DATA/../examples"
fail=0
check() { # check NAME WANT_RC GOT_RC
    if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, want $2"; fail=1; fi
}
out=$("$STC_BIN" asl "$ex/people.py" _onboard); rc=$?
check "asl _onboard" 0 $rc
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["StartAt"] == "Start _onboard", d["StartAt"]' ||
    { echo "FAIL: asl output is not the machine"; fail=1; }
out=$("$STC_BIN" asl "$ex/people.py" _onboard --source-map); rc=$?
check "asl --source-map" 0 $rc
echo "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["method"] == "_onboard"
names = {s["name"]: s for s in d["states"]}
s = names["Call _send_email (line 49)"]
assert (s["line"], s["col"], s["call"], s["calls"]) == (49, 14, "function", "_send_email"), s
assert "Raise OnboardingFailed (line 53)" in d["lines"]["53"], d["lines"]["53"]' ||
    { echo "FAIL: source map shape"; fail=1; }
err=$("$STC_BIN" asl "$ex/people.py" get_person 2>&1 >/dev/null); rc=$?
check "asl of a sync method" 2 $rc
case "$err" in *"workflow methods: _onboard"*) ;; *) echo "FAIL: no workflow list in: $err"; fail=1;; esac
"$STC_BIN" asl "$ex/people.py" nope >/dev/null 2>&1; check "asl of an unknown method" 2 $?
"$STC_BIN" asl "$ex/people.py" >/dev/null 2>&1; check "asl without METHOD" 2 $?
"$STC_BIN" asl /nonexistent.py _x >/dev/null 2>&1; check "asl of a missing file" 3 $?
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
printf 'class S:\n    async def _w(self, a):\n        x = lambda: a\n        return x\n' >"$tmp/bad.py"
err=$("$STC_BIN" asl "$tmp/bad.py" _w 2>&1 >/dev/null); rc=$?
check "asl of a refused construct" 1 $rc
case "$err" in *"bad.py:3:13: error: STC203 'lambda' cannot run inside a workflow"*) ;;
    *) echo "FAIL: diagnostic text: $err"; fail=1;; esac
exit $fail
