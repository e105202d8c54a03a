#!/bin/sh
# simulate_service.sh - `stc-tui simulate SERVICE.py METHOD` (shared/cli.md):
# exit codes, the JSON and text shapes, nested workflows, --run-local and
# --params, and that the module is never executed without --run-local.
# Expected values are worked out from the Python sources by hand.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "FAIL: $PY is missing"; exit 1; }
root=$(cd "$STC_TEST_DATA/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }

# run EXPECTED_EXIT ARGS... : stdout in $tmp/out, stderr in $tmp/err
run() {
  want=$1; shift
  "$STC_BIN" simulate "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  if [ "$got" -ne "$want" ]; then
    bad "simulate $* exited $got, expected $want; stderr: $(head -c 400 "$tmp/err")"
  else
    ok
  fi
}
# json_is PYTHON_EXPR : the expression over d (stdout parsed as JSON) must be true
json_is() {
  if "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
      "$tmp/out" "$1" 2>"$tmp/pyerr"; then
    ok
  else
    bad "expected $1 in: $(head -c 600 "$tmp/out") $(cat "$tmp/pyerr")"
  fi
}
err_has() { if grep -qF -- "$1" "$tmp/err"; then ok; else bad "stderr lacks '$1': $(head -c 400 "$tmp/err")"; fi; }
out_has() { if grep -qF -- "$1" "$tmp/out"; then ok; else bad "stdout lacks '$1': $(head -c 400 "$tmp/out")"; fi; }

people=$root/examples/people.py
orders=$root/examples/orders.py
local=$STC_TEST_DATA/data/svc_local.py

cat >"$tmp/retry.yaml" <<'Y'
_send_email:
  - return: false
  - return: true
_mark_active:
  - return: null
Y
cat >"$tmp/never.yaml" <<'Y'
_send_email:
  - return: false
_mark_active:
  - return: null
Y

# --- success: 1st call false, sleep, 2nd call true -> "done"
run 0 "$people" _onboard --input '{"person_id": "p1", "email": "ann@example.com"}' --mocks "$tmp/retry.yaml" --json
json_is 'd == {"status": "SUCCEEDED", "output": "done", "error": None, "cause": None, "transitions": d["transitions"]}'
json_is 'isinstance(d["transitions"], int) and d["transitions"] > 4'

# --- failure: three false answers -> OnboardingFailed, exit 4
run 4 "$people" _onboard --input '{"person_id": "p1", "email": "ann@example.com"}' --mocks "$tmp/never.yaml" --json
json_is 'd["status"] == "FAILED" and d["output"] is None and d["error"] == "OnboardingFailed" and d["cause"] == "could not reach ann@example.com"'

# --- text form
run 4 "$people" _onboard --input '{"person_id": "p1", "email": "ann@example.com"}' --mocks "$tmp/never.yaml"
out_has "status: FAILED"
out_has "error: OnboardingFailed"
out_has "cause: could not reach ann@example.com"

# --- --trace: the history; the Lambda's answer is the full lambda:invoke shape
run 0 "$people" _onboard --input '{"person_id": "p1", "email": "a@b"}' --mocks "$tmp/retry.yaml" --json --trace
json_is 'd["events"][0]["type"] == "ExecutionStarted" and d["events"][-1]["type"] == "ExecutionSucceeded"'
json_is 'len([e for e in d["events"] if e["type"] == "TaskScheduled"]) == 3'
json_is 'len([e for e in d["events"] if e["type"] == "WaitStateEntered"]) == 1'

# --- input from a file
printf '{"person_id": "p1", "email": "ann@example.com"}' >"$tmp/in.json"
run 0 "$people" _onboard --input "@$tmp/in.json" --mocks "$tmp/retry.yaml" --json
json_is 'd["output"] == "done"'

# --- usage errors (exit 2)
run 2 "$people" _onboard --input '{"person_id": "p1", "email": "a@b"}'
err_has "no mock for _send_email"
run 2 "$people" _welcome --input '{}'
err_has "'_welcome' is not a method of the service; workflow methods: _onboard"
run 2 "$people" get_person --input '{}'
err_has "'get_person' is not async"
run 2 "$people" --input '{}'
err_has "missing METHOD"
run 2 "$people" _onboard
err_has "--input JSON|@FILE is required"
run 2 "$people" _onboard --input '{"a": '
err_has "--input: invalid JSON"
run 2 "$people" _onboard --input '{}' --params '{}'
err_has "--params goes with --run-local"
run 2 "$local" _welcome --input '{"names": []}' --run-local --params '[1]'
err_has "--params wants a JSON object"

# --- input errors (exit 1) and unreadable files (exit 3)
run 1 "$STC_TEST_DATA/data/svc_bad_workflow.py" _rank --input '{"xs": [1]}'
err_has "svc_bad_workflow.py:10:18: error: STC204"
run 3 "$tmp/missing.py" _onboard --input '{}'
run 3 "$people" _onboard --input '{}' --mocks "$tmp/missing.yaml"
run 3 "$people" _onboard --input "@$tmp/missing.json"

# --- nested workflow simulated for real: submit_payment -> _fulfil
cat >"$tmp/ship.json" <<'Y'
{"_check_stock": [{"return": true}], "_shipping_address": [{"return": "1 Main Street"}],
 "_charge_card": [{"return": "r-1"}], "_order_items": [{"return": ["a", "b"]}],
 "_print_label": [{"return": "o1/a"}, {"return": "o1/b"}]}
Y
run 0 "$orders" submit_payment --input '{"order_id": "o1", "amount": 5}' --mocks "$tmp/ship.json" --json
json_is 'd["output"] == {"order_id": "o1", "status": "shipped", "receipt": "r-1", "address": "1 Main Street", "labels": ["o1/a", "o1/b"]}'
# the nested workflow needs a mock for _notify only on the declined path: its absence stops the run
printf '{"_check_stock": [{"return": true}], "_shipping_address": [{"return": "x"}], "_charge_card": [{"raise": "PaymentDeclined", "cause": "no"}]}' >"$tmp/declined.json"
run 2 "$orders" submit_payment --input '{"order_id": "o1", "amount": 5}' --mocks "$tmp/declined.json"
err_has "in the nested workflow _fulfil: "
err_has "no mock for _notify"

# --- the module is never executed without --run-local
export SVC_LOCAL_MARKER="$tmp/marker"
printf '{"_greet": [{"return": "g1"}, {"return": "g2"}], "_count": [{"return": 2}], "_check": [{"return": true}]}' >"$tmp/local_mocks.json"
run 0 "$local" _welcome --input '{"names": ["ann", "bob"]}' --mocks "$tmp/local_mocks.json" --json
json_is 'd["output"] == {"greetings": ["g1", "g2"], "count": 2}'
[ -e "$tmp/marker" ] && bad "svc_local.py was imported without --run-local" || ok
run 2 "$local" _welcome --input '{"names": ["ann"]}'
err_has "no mock for _greet"
[ -e "$tmp/marker" ] && bad "svc_local.py was imported without --run-local" || ok

# --- --run-local: the real methods, on one instance built with --params
run 0 "$local" _welcome --input '{"names": ["ann", "bob"]}' --run-local --params '{"greeting": "hi", "limit": 3}' --json
json_is 'd["output"] == {"greetings": ["hi, ann", "hi, bob"], "count": 2}'
[ -e "$tmp/marker" ] && ok || bad "--run-local did not import svc_local.py"
err_has "greeting ann" # the method's print goes to stderr; stdout stayed JSON (parsed above)
printf '{"greeting": "hey"}' >"$tmp/params.json"
run 0 "$local" _welcome --input '{"names": ["cy"]}' --run-local --params "@$tmp/params.json" --json
json_is 'd["output"] == {"greetings": ["hey, cy"], "count": 1}'
# default __init__ arguments (greeting "hello", limit 3): four names exceed the limit
run 4 "$local" _welcome --input '{"names": ["a", "b", "c", "d"]}' --run-local --json
json_is 'd["error"] == "QuotaExceeded" and d["cause"] == "4 greetings, limit 3"'
# one instance for the whole execution, nested executions included: 2 + 2 names
run 4 "$local" _welcome_twice --input '{"names": ["a", "b"]}' --run-local --json
json_is 'd["error"] == "QuotaExceeded" and d["cause"] == "4 greetings, limit 3"'
# a mock wins over the real method
printf '{"_count": [{"return": 10}]}' >"$tmp/count.json"
run 4 "$local" _welcome --input '{"names": ["a"]}' --run-local --mocks "$tmp/count.json" --json
json_is 'd["error"] == "QuotaExceeded" and d["cause"] == "10 greetings, limit 3"'
# a KeyError caught by the workflow, and one that is not raised
run 0 "$local" _find --input '{"key": "zz"}' --run-local --json
json_is 'd["output"] == "missing"'
run 0 "$local" _find --input '{"key": "a"}' --run-local --json
json_is 'd["output"] == "alpha"'
# a result JSON cannot carry: the Lambda runtime's marshal error
run 4 "$local" _raw_result --input '{}' --run-local --json
json_is 'd["error"] == "Runtime.MarshalError" and d["cause"] == "Unable to marshal response: Object of type set is not JSON serializable"'
# __init__ refusing the parameters: exit 1 with the Python error
run 1 "$local" _welcome --input '{"names": []}' --run-local --params '{"colour": "red"}'
err_has "TypeError"
err_has "colour"
run 2 --asl "$STC_TEST_DATA/data/asl/sim_pass_chain.asl.json" --input '{}' --run-local

echo "simulate_service: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
