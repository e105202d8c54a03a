#!/usr/bin/env bash
# Express workflows on the command line: cfn-lint on every template shape
# they bring (the REST API that answers them, its shared path resources,
# throttling, logging, the Express nested child), diff between modes that
# switch a workflow's type, the simulator's 5-minute limit, and check.
# FAILS when cfn-lint is missing.
. "$(dirname "$0")/../cli_lib.sh"
need_tool cfn-lint "pip install cfn-lint"
data="$STC_TEST_DATA/aws/data"
json() { # json PYTHON-ASSERTION DESCRIPTION: run on $tmp/out as d
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert $1, d" "$tmp/out" \
        || { echo "FAIL: $2" >&2; fail=1; }
}

# cfn-lint: both services, every mode, YAML and JSON
for svc in express_quotes express_orders; do
    templates "$data/$svc.py" "$svc"
done
[ "$n" -eq 16 ] || { echo "FAIL: expected 16 templates, got $n" >&2; fail=1; }
if ! cfn-lint --non-zero-exit-code informational -- "$tmp"/express_*.yaml "$tmp"/express_*.json; then
    echo "FAIL: cfn-lint found problems" >&2
    fail=1
fi
# express_orders in dev (auth: none): create_order takes only the body, so the
# REST API answers it (one path resource, /orders); approve_order has a path
# parameter, so its route goes through its starter function, which binds
# order_id like a synchronous route and waits for the Express execution.
python3 - "$tmp/express_orders-dev.json" <<'PY' || { echo "FAIL: Express routes in dev" >&2; fail=1; }
import json, sys
r = json.load(open(sys.argv[1]))["Resources"]
res = {k: v["Properties"] for k, v in r.items() if v["Type"] == "AWS::ApiGateway::Resource"}
assert sorted(res) == ["SyncApiOrders"], sorted(res)
assert res["SyncApiOrders"] == {"RestApiId": {"Ref": "SyncApi"}, "ParentId": {"Fn::GetAtt": ["SyncApi", "RootResourceId"]},
                                "PathPart": "orders"}
m = r["CreateOrderSyncMethod"]["Properties"]
assert m["ResourceId"] == {"Ref": "SyncApiOrders"} and m["AuthorizationType"] == "NONE"
assert m["RequestValidatorId"] == {"Ref": "SyncApiValidator"}
assert "ApproveOrderSyncMethod" not in r
assert r["ApproveOrderIntegration"]["Properties"]["IntegrationUri"] == {"Fn::GetAtt": ["ApproveOrderStarterFunction", "Arn"]}
starter = r["ApproveOrderStarterFunction"]["Properties"]
assert starter["Environment"]["Variables"] == {"STC_STATE_MACHINE_APPROVE_ORDER": {"Ref": "ApproveOrderStateMachine"},
                                               "STC_START": "express"}, starter["Environment"]
assert starter["Timeout"] == 30 and starter["Code"]["S3Key"].startswith("ExpressOrders/approve_order.start-")
pol = r["ApproveOrderStarterFunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
assert {"Sid": "StartWorkflow", "Effect": "Allow", "Action": "states:StartSyncExecution",
        "Resource": {"Ref": "ApproveOrderStateMachine"}} in pol, pol
stage = r["SyncApiStage"]["Properties"]
assert stage["MethodSettings"] == [{"ResourcePath": "/*", "HttpMethod": "*", "ThrottlingBurstLimit": 40, "ThrottlingRateLimit": 20}], stage
dep = [k for k, v in r.items() if v["Type"] == "AWS::ApiGateway::Deployment"]
assert len(dep) == 1 and r[dep[0]]["DependsOn"] == ["CreateOrderSyncMethod"]
PY
# In prod (auth: iam) both routes are authorized, so both go through their
# starters: no REST API, whose methods are public; access logs on the stage.
python3 - "$tmp/express_orders-prod.json" <<'PY' || { echo "FAIL: Express routes in prod" >&2; fail=1; }
import json, sys
r = json.load(open(sys.argv[1]))["Resources"]
assert not [k for k, v in r.items() if v["Type"].startswith("AWS::ApiGateway::")], "a REST API in prod"
for route in ("CreateOrderRoute", "ApproveOrderRoute"):
    assert r[route]["Properties"]["AuthorizationType"] == "AWS_IAM"
assert r["CreateOrderStarterFunction"]["Properties"]["Environment"]["Variables"]["STC_START"] == "express"
assert r["HttpApiStage"]["Properties"]["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
PY
# STC557 is retired: no warning for the path parameter any more
expect 0 "template express_orders" -- "$STC_BIN" template "$data/express_orders.py"
! grep -q "STC557" "$tmp/err" || { echo "FAIL: STC557 is retired" >&2; fail=1; }

# diff: _audit switches from STANDARD to EXPRESS in prod
expect 0 "diff" -- "$STC_BIN" diff "$data/express_quotes.py" --mode dev --against prod
grep -qx '      ~ Properties.StateMachineType: "STANDARD" -> "EXPRESS"' "$tmp/out" \
    || { echo "FAIL: diff shows the type switch" >&2; cat "$tmp/out" >&2; fail=1; }
grep -qx '  + AuditExecutionsTimedOutAlarm (AWS::CloudWatch::Alarm)' "$tmp/out" \
    || { echo "FAIL: diff adds the timed-out alarm" >&2; fail=1; }

# openapi: the Express route answers 200 (and its errors), in every mode
expect 0 "openapi" -- "$STC_BIN" openapi "$data/express_quotes.py" --mode prod
json 'sorted(d["paths"]["/quotes"]["post"]["responses"]) == ["200", "400", "404", "500", "504"]' "openapi responses"

# the simulator: create_quote runs its real methods; 3 * 2 = 6, 6 // 10 = 0
expect 0 "simulate create_quote" -- "$STC_BIN" simulate "$data/express_quotes.py" create_quote \
    --input '{"item": "pen", "qty": 2}' --run-local --json
json 'd["status"] == "SUCCEEDED" and d["output"] == {"item": "pen", "total": 6, "discount": 0}' "create_quote output"
expect 4 "simulate create_quote refused" -- "$STC_BIN" simulate "$data/express_quotes.py" create_quote \
    --input '{"item": "pen", "qty": 0}' --run-local --json
json 'd["status"] == "FAILED" and d["error"] == "QuoteRefused" and d["cause"] == "quantity must be positive"' "QuoteRefused"
# _poll with n = 0 sleeps 3 x 100 s: Standard in dev (3 rounds), Express in prod (times out at 300 s)
expect 0 "simulate _poll dev" -- "$STC_BIN" simulate "$data/express_slow.py" _poll --input '{"n": 0}' --run-local --json
json 'd["status"] == "SUCCEEDED" and d["output"] == 3' "_poll in dev"
expect 4 "simulate _poll prod" -- "$STC_BIN" simulate "$data/express_slow.py" _poll --input '{"n": 0}' --run-local --mode prod --json
json 'd["status"] == "TIMED_OUT" and d["error"] == "States.Timeout" and d["output"] is None' "_poll in prod"
expect 0 "simulate _poll prod n=2" -- "$STC_BIN" simulate "$data/express_slow.py" _poll --input '{"n": 2}' --run-local --mode prod --json
json 'd["status"] == "SUCCEEDED" and d["output"] == 1' "_poll in prod, one round"
expect 4 "simulate _poll prod trace" -- "$STC_BIN" simulate "$data/express_slow.py" _poll --input '{"n": 0}' --run-local --mode prod --json --trace
json 'd["events"][-1]["type"] == "ExecutionTimedOut" and d["events"][-1]["timestamp"].startswith("2026-01-01T00:05:00")' "the ExecutionTimedOut event at +300 s"
# --asl: --express sets the limit; a Wait of 400 s times out, without it succeeds
expect 4 "simulate --asl --express" -- "$STC_BIN" simulate --asl "$data/express_wait.asl.json" --express --input '{}' --json
json 'd["status"] == "TIMED_OUT" and d["transitions"] == 1' "--asl --express"
expect 0 "simulate --asl" -- "$STC_BIN" simulate --asl "$data/express_wait.asl.json" --input '{}' --json
json 'd["status"] == "SUCCEEDED" and d["output"] == "done"' "--asl without --express"
expect 2 "--express with a service" -- "$STC_BIN" simulate "$data/express_slow.py" _poll --express --input '{}'
expect 2 "--mode with --asl" -- "$STC_BIN" simulate --asl "$data/express_wait.asl.json" --mode prod --input '{}'
expect 2 "unknown mode" -- "$STC_BIN" simulate "$data/express_slow.py" _poll --mode production --input '{}'

# check: what Express cannot do, at the line
expect 1 "check express_limits" -- "$STC_BIN" check "$data/express_limits.py"
for want in "express_limits.py:11:15: error: STC560" "express_limits.py:18:15: error: STC560" \
            "express_limits.py:23:19: error: STC560" "express_limits.py:33:19: error: STC561" \
            "express_limits.py:37:9: error: STC562"; do
    grep -qF "$want" "$tmp/err" || { echo "FAIL: check: missing '$want'" >&2; fail=1; }
done
tail -1 "$tmp/err" | grep -qx ".*express_limits.py: 5 errors, 0 warnings" || { echo "FAIL: check summary" >&2; tail -1 "$tmp/err" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "express: $n templates cfn-lint clean; diff, openapi, simulate and check as expected"
exit "$fail"
