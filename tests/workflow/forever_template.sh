#!/usr/bin/env bash
# The template of a workflow that continues as new (tests/data/workflows/
# forever_watch.py): cfn-lint reports nothing in any mode, YAML and JSON; the
# machine has a fixed name and its own role may start exactly that name
# (states:StartExecution on a Fn::Sub ARN, not a Ref: no circular dependency);
# the definition starts $$.StateMachine.Id ($states.context.StateMachine.Id in
# JSONata). Both dialects. FAILS when cfn-lint is missing.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "FAIL: cfn-lint is not on PATH (pip install cfn-lint)" >&2
    exit 1
fi
py="$STC_TEST_DATA/data/workflows/forever_watch.py"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for ql in jsonata jsonpath; do
    for mode in dev test stage prod; do
        for fmt in yaml json; do
            if ! "$STC_BIN" template "$py" --mode "$mode" --format "$fmt" --query-language $ql \
                >"$tmp/$mode.$ql.$fmt" 2>"$tmp/err"; then
                echo "FAIL: stc-tui template forever_watch.py --mode $mode --format $fmt --query-language $ql" >&2
                cat "$tmp/err" >&2
                fail=1
            fi
        done
    done
done
if ! cfn-lint --non-zero-exit-code informational -- "$tmp"/*.yaml "$tmp"/*.json; then
    echo "FAIL: cfn-lint found problems" >&2
    fail=1
fi
for f in dev.jsonata prod.jsonata dev.jsonpath prod.jsonpath; do
    if ! python3 - "$tmp/$f.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
jsonata = ".jsonata." in sys.argv[1]
res = t["Resources"]
sm = res["RunStateMachine"]["Properties"]
want_name = {"Fn::Sub": "${AWS::StackName}-Run"}
assert sm["StateMachineName"] == want_name, sm.get("StateMachineName")
role = res["RunStateMachineRole"]["Properties"]
stmts = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
can = [s for s in stmts if s.get("Sid") == "ContinueAsNew"]
assert len(can) == 1, stmts
assert can[0]["Action"] == "states:StartExecution", can[0]
arn = "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-Run"
assert can[0]["Resource"] == {"Fn::Sub": arn}, can[0]["Resource"]
# no statement of the role refers to the machine itself (that would be a cycle)
text = json.dumps(role)
for ref in ('{"Ref": "RunStateMachine"}', '["RunStateMachine",', "${RunStateMachine}",
            "${RunStateMachine."):
    assert ref not in text, (ref, role)
states = sm["Definition"]["States"]
task = states["Continue as new (line 13)"]
assert task["Resource"] == "arn:aws:states:::states:startExecution", task
if jsonata:
    assert sm["Definition"]["QueryLanguage"] == "JSONata"
    assert task["Arguments"]["StateMachineArn"] == "{% $states.context.StateMachine.Id %}", task
else:
    assert task["Parameters"]["StateMachineArn.$"] == "$$.StateMachine.Id", task
assert sm["Definition"]["StartAt"] == "Continued?"
PY
    then
        echo "FAIL: the $f template of forever_watch.py" >&2
        fail=1
    fi
done
[ $fail = 0 ] && echo "forever_watch.py: 8 templates pass cfn-lint; self-start permission checked"
exit $fail
