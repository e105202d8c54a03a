#!/usr/bin/env bash
# `stc-tui asl`: exit codes and output shapes (shared/cli.md).
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
ex="$STC_TEST_DATA/../examples"
fail=0
check() { # check NAME WANT_RC GOT_RC
    if [ "$2" != "$3" ]; then echo "FAIL: $1: exit $3, want $2"; fail=1; fi
}
# JSONPath: the parameters move into $.vars in the Start state
out=$("$STC_BIN" asl "$ex/people.py" _onboard --query-language jsonpath); rc=$?
check "asl _onboard --query-language jsonpath" 0 $rc
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["StartAt"] == "Start _onboard", d["StartAt"]; assert "QueryLanguage" not in d' ||
    { echo "FAIL: asl output is not the JSONPath machine"; fail=1; }
# JSONata, the default: the first Task starts the machine and assigns the
# parameters (email, person_id), its result (ok) and `tries = 1`, the
# statement after it, itself
for args in "" "--query-language jsonata"; do
    out=$("$STC_BIN" asl "$ex/people.py" _onboard $args); rc=$?
    check "asl _onboard $args" 0 $rc
    echo "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
assert d["QueryLanguage"] == "JSONata", d
assert d["StartAt"] == "Call _send_email (line 49)", d["StartAt"]
t = d["States"]["Call _send_email (line 49)"]
assert t["Arguments"]["Payload"] == {"address": "{% $states.input.email %}"}, t["Arguments"]
assert t["Assign"] == {"person_id": "{% $states.input.person_id %}", "email": "{% $states.input.email %}",
                       "ok": "{% $states.result.Payload %}", "tries": "{% 1 %}"}, t["Assign"]' ||
        { echo "FAIL: asl $args output is not the JSONata machine"; fail=1; }
done
"$STC_BIN" asl "$ex/people.py" _onboard --query-language jsonpathx >/dev/null 2>&1
check "asl with an unknown query language" 2 $?
"$STC_BIN" asl "$ex/people.py" _onboard --query-language >/dev/null 2>&1
check "asl with --query-language and no value" 2 $?
"$STC_BIN" check "$ex/people.py" --query-language jsonpath >/dev/null 2>&1
check "check does not take --query-language" 2 $?
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
# the unit setting query_language, per workflow; the option wins over the file
mkdir "$tmp/ql"
cp "$ex/people.py" "$tmp/ql/people.py"
printf 'functions:\n  _onboard:\n    query_language: jsonpath\n' >"$tmp/ql/people.stc.yaml"
lang() { python3 -c 'import json,sys; print(json.load(sys.stdin).get("QueryLanguage", "JSONPath"))'; }
got=$("$STC_BIN" asl "$tmp/ql/people.py" _onboard | lang)
[ "$got" = JSONPath ] || { echo "FAIL: query_language: jsonpath in the file gives $got"; fail=1; }
got=$("$STC_BIN" asl "$tmp/ql/people.py" _onboard --query-language jsonata | lang)
[ "$got" = JSONata ] || { echo "FAIL: --query-language jsonata over the file gives $got"; fail=1; }
printf 'defaults:\n  query_language: jsonpath\nmodes:\n  prod:\n    query_language: jsonata\n' >"$tmp/ql/people.stc.yaml"
got=$("$STC_BIN" asl "$tmp/ql/people.py" _onboard | lang)
[ "$got" = JSONPath ] || { echo "FAIL: defaults: query_language: jsonpath gives $got"; fail=1; }
printf 'functions:\n  _send_email:\n    query_language: jsonpath\n' >"$tmp/ql/people.stc.yaml"
err=$("$STC_BIN" asl "$tmp/ql/people.py" _onboard 2>&1 >/dev/null); rc=$?
check "query_language on a Lambda function" 1 $rc
case "$err" in *STC525*) ;; *) echo "FAIL: query_language on a function: $err"; fail=1;; esac
# a workflow that does not compile does not stop the others (template still refuses)
printf 'class S:\n    async def _bad(self, a):\n        x = lambda: a\n        return x\n\n    async def _good(self, a: int):\n        return a + 1\n' >"$tmp/two.py"
out=$("$STC_BIN" asl "$tmp/two.py" _good 2>"$tmp/two.err"); rc=$?
check "asl of the workflow that compiles" 0 $rc
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["States"]["Return a + 1 (line 7)"]["Output"] == "{% ($states.input.a + 1) %}", d' ||
    { echo "FAIL: asl _good beside _bad: $out"; fail=1; }
grep -q "two.py:3:13: error: STC203" "$tmp/two.err" || { echo "FAIL: _bad's diagnostic not shown"; fail=1; }
"$STC_BIN" asl "$tmp/two.py" _bad >/dev/null 2>&1; check "asl of the workflow that does not compile" 1 $?
"$STC_BIN" template "$tmp/two.py" >/dev/null 2>&1; check "template of a module with a broken workflow" 1 $?
exit $fail
