#!/usr/bin/env bash
# Bindings on the command line (examples/transactions.py, written the way the
# design's authors write services): check is clean, the spec shows each
# binding, cfn-lint is clean on every template shape the bindings bring
# (created table, bucket and topic in every mode; existing ones; a jdict as a
# template parameter and as a configured value), and simulate --run-local
# runs the module unchanged (caios imports, get_mapping, get_channel, jdict).
# FAILS when cfn-lint is missing.
. "$(dirname "$0")/../cli_lib.sh"
need_tool cfn-lint "pip install cfn-lint"
expect 0 "check" -- "$STC_BIN" check "$ex/transactions.py"
grep -qx ".*transactions.py: 0 errors, 0 warnings" "$tmp/err" || { echo "FAIL: not clean" >&2; cat "$tmp/err" >&2; fail=1; }
expect 0 "spec" -- "$STC_BIN" spec "$ex/transactions.py"
py "spec bindings" '
r = {x["name"]: x for x in d["resources"]}
assert r["_rules"]["kind"] == "store" and r["_rules"]["binding"] == {"interface": "Mapping", "parameter": "rules", "read_only": True}, r["_rules"]
assert r["_email_channel"]["kind"] == "topic" and r["_email_channel"]["binding"]["interface"] == "Channel"
p = {x["name"]: x for x in d["parameters"]}
assert p["rules"]["kind"] == "binding" and p["rules"]["binds"] == "_rules" and not p["rules"]["required"]
u = {x["name"]: x for x in d["units"]}
assert u["add_transaction"]["resources"][0] == {"name": "_rules", "kind": "store", "access": "read", "operations": ["get"], "line": 31}, u["add_transaction"]["resources"]'

# cfn-lint: the example's own configuration, every mode, YAML and JSON ...
templates "$ex/transactions.py" tx
# ... and existing resources, a jdict parameter given a value, another backing
cat >"$tmp/existing.stc.yaml" <<'YAML'
bindings:
  rules: {store: table, existing: account-rules}
  service_storage:
    store: bucket
    modes:
      prod: {existing: team-data/transactions}
  alerts_storage: {store: bucket}
  notification_mail:
    existing: arn:aws:sns:eu-west-1:123456789012:risk-alerts
    value: {sender: alerts@example.com, subject_prefix: "[risk]"}
YAML
for mode in dev prod; do
    if "$STC_BIN" template "$ex/transactions.py" --mode "$mode" --config "$tmp/existing.stc.yaml" >"$tmp/tx-existing-$mode.yaml" 2>"$tmp/err"; then
        n=$((n + 1))
    else
        echo "FAIL: template --config existing --mode $mode" >&2; cat "$tmp/err" >&2; fail=1
    fi
done
[ "$n" -eq 10 ] || { echo "FAIL: expected 10 templates, got $n" >&2; fail=1; }
if ! cfn-lint --non-zero-exit-code informational -- "$tmp"/tx-*.yaml "$tmp"/tx-*.json; then
    echo "FAIL: cfn-lint found problems" >&2
    fail=1
fi
grep -q "Type: AWS::SNS::Topic" "$tmp/tx-existing-prod.yaml" && { echo "FAIL: an existing topic was created" >&2; fail=1; }
grep -q "STC_PARAM_RULES: dynamodb://account-rules" "$tmp/tx-existing-prod.yaml" || { echo "FAIL: existing rules table" >&2; fail=1; }
grep -q "STC_PARAM_SERVICE_STORAGE: s3://team-data/transactions/" "$tmp/tx-existing-prod.yaml" || { echo "FAIL: existing bucket with prefix" >&2; fail=1; }
# a bad binding: exit 1 with the YAML position
printf 'bindings:\n  rules: {store: disk}\n' >"$tmp/bad.stc.yaml"
expect 1 "bad bindings" -- "$STC_BIN" template "$ex/transactions.py" --config "$tmp/bad.stc.yaml"
grep -q "bad.stc.yaml:2:18: error: STC522 'store' in 'bindings.rules' must be table or bucket, not 'disk'" "$tmp/err" \
    || { echo "FAIL: bad binding diagnostic" >&2; cat "$tmp/err" >&2; fail=1; }

# the module runs unchanged locally: _raise_alert writes the in-memory alerts
# store, _notify reads it back (a jdict) and sends through the in-memory channel
printf '_total:\n  - return: 130.0\n_limit:\n  - return: 100\n' >"$tmp/mocks.yaml"
params='{"rules": "rules", "service_storage": "transactions", "alerts_storage": "alerts", "notification_mail": {"sender": "alerts@example.com"}}'
expect 0 "simulate --run-local" -- "$STC_BIN" simulate "$ex/transactions.py" _check_account \
    --input '{"account": "acme", "recipient": "risk@example.com"}' --mocks "$tmp/mocks.yaml" --run-local --params "$params" --json --trace
py "simulate --run-local" '
assert d["status"] == "SUCCEEDED" and d["output"] == "acme-1", d
done = [e for e in d["events"] if e["type"] == "TaskSucceeded"]
assert [e["state"] for e in done] == ["Call _total (line 67)", "Call _limit (line 68)", "Call _raise_alert (line 71)", "Call _notify (line 72)"], [e["state"] for e in done]
assert done[3]["output"]["Payload"] == "memory-1", done[3]'
[ "$fail" -eq 0 ] && echo "bindings: check, spec, $n templates cfn-lint clean, run-local as expected"
exit "$fail"
