#!/usr/bin/env bash
# spec, template and diff on the command line: output shapes and exit codes
# (shared/cli.md: 0 done, 1 input errors, 2 usage, 3 unreadable file).
. "$(dirname "$0")/../cli_lib.sh"
expect 0 "template yaml" -- "$STC_BIN" template "$ex/people.py"
head -1 "$tmp/out" | grep -qx "AWSTemplateFormatVersion: '2010-09-09'" || { echo "FAIL: yaml head" >&2; fail=1; }
grep -q "Role: !GetAtt RegisterPersonFunctionRole.Arn" "$tmp/out" || { echo "FAIL: !GetAtt short form" >&2; fail=1; }
expect 0 "template json" -- "$STC_BIN" template "$ex/chat.py" --mode prod --format json
python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); assert t["Resources"]["DataKey"]["Type"]=="AWS::KMS::Key"' "$tmp/out" \
    || { echo "FAIL: json template" >&2; fail=1; }
expect 2 "unknown mode" -- "$STC_BIN" template "$ex/people.py" --mode production
expect 2 "unknown format" -- "$STC_BIN" template "$ex/people.py" --format xml
expect 2 "diff without --against" -- "$STC_BIN" diff "$ex/people.py" --mode dev
expect 3 "missing config" -- "$STC_BIN" template "$ex/people.py" --config "$tmp/none.stc.yaml"
expect 3 "missing module" -- "$STC_BIN" spec "$tmp/none.py"
printf 'defaults:\n  memroy: 256\n' >"$tmp/bad.stc.yaml"
expect 1 "bad config" -- "$STC_BIN" template "$ex/people.py" --config "$tmp/bad.stc.yaml"
grep -q "bad.stc.yaml:2:3: error: STC521 unknown setting 'memroy'" "$tmp/err" || { echo "FAIL: config diagnostic" >&2; cat "$tmp/err" >&2; fail=1; }
[ -s "$tmp/out" ] && { echo "FAIL: a template was printed despite errors" >&2; fail=1; }
# a config file beside the module is picked up by default
cp "$ex/people.py" "$tmp/people.py"
printf 'functions:\n  get_person:\n    memory: 640\n' >"$tmp/people.stc.yaml"
expect 0 "config beside the module" -- "$STC_BIN" template "$tmp/people.py" --format json
python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); r=t["Resources"]; assert r["GetPersonFunction"]["Properties"]["MemorySize"]==640 and r["ListPeopleFunction"]["Properties"]["MemorySize"]==128' "$tmp/out" \
    || { echo "FAIL: config beside the module" >&2; fail=1; }
expect 0 "spec" -- "$STC_BIN" spec "$ex/orders.py"
python3 - "$tmp/out" <<'PY' || { echo "FAIL: spec shape" >&2; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["service"] == "OrderService" and d["spec_version"] == 1
assert [r["name"] for r in d["resources"]] == ["orders"] and d["resources"][0]["kind"] == "table"
u = {x["name"]: x for x in d["units"]}
assert u["approve_order"]["resources"] == [{"name": "orders", "kind": "table", "access": "read_write",
                                            "operations": ["get", "put"], "line": 30}], u["approve_order"]["resources"]
assert u["submit_payment"]["starts"] == ["_fulfil"] and u["submit_payment"]["unit"] == "state_machine"
assert u["approve_order"]["routes"] == [{"protocol": "http", "method": "POST", "path": "/orders/{order_id}/approve"}]
assert len(u["approve_order"]["digest"]) == 64 and u["approve_order"]["code_key"].startswith("OrderService/approve_order-")
assert [w["name"] for w in d["workflows"]] == ["submit_payment", "_fulfil"]
assert d["diagnostics"] == []
PY
expect 0 "diff" -- "$STC_BIN" diff "$ex/people.py" --mode dev --against prod
grep -qx "  + DataKey (AWS::KMS::Key)" "$tmp/out" || { echo "FAIL: diff adds the key" >&2; fail=1; }
grep -qx "      ~ Properties.MemorySize: 128 -> 1024" "$tmp/out" || { echo "FAIL: diff memory" >&2; fail=1; }
tail -1 "$tmp/out" | grep -qx "11 resources added, 0 removed, [0-9]* changed" || { echo "FAIL: diff summary" >&2; tail -1 "$tmp/out" >&2; fail=1; }
expect 0 "diff same mode" -- "$STC_BIN" diff "$ex/chat.py" --mode test --against test --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all(not s["added"] and not s["removed"] and not s["changed"] for s in d["sections"])' "$tmp/out" \
    || { echo "FAIL: diff of a mode with itself" >&2; fail=1; }
# CloudFormation's template quotas (STC559, a warning: the template still
# comes out). Each GET unit brings 6 resources (function, role, log group,
# permission, route, integration), so 80 of them are under 500 with the API's
# own few, and 480 are far over; 480 units also make the YAML over 1,000,000
# bytes. The counts in the messages must be the template's own.
gen_gets() { # gen_gets N FILE
    python3 -c 'import sys
n = int(sys.argv[1])
print("class Big:")
for i in range(n):
    print("    def get_item%03d(self, item%03d_id: str) -> dict:\n        return {\"id\": item%03d_id}\n" % (i, i, i))' "$1" >"$2"
}
gen_gets 80 "$tmp/small.py"
expect 0 "80 units" -- "$STC_BIN" template "$tmp/small.py"
grep -q STC559 "$tmp/err" && { echo "FAIL: STC559 for a template under the quotas" >&2; cat "$tmp/err" >&2; fail=1; }
gen_gets 480 "$tmp/big.py"
expect 0 "480 units" -- "$STC_BIN" template "$tmp/big.py"
size=$(wc -c <"$tmp/out")
[ "$size" -gt 1000000 ] || { echo "FAIL: the 480-unit template is only $size bytes" >&2; fail=1; }
grep -qx "$tmp/big.py:1:1: warning: STC559 the template is $size bytes; CloudFormation accepts at most 1000000 (a template body in S3)" "$tmp/err" \
    || { echo "FAIL: STC559 size" >&2; cat "$tmp/err" >&2; fail=1; }
expect 0 "480 units, json" -- "$STC_BIN" template "$tmp/big.py" --format json
nres=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["Resources"]))' "$tmp/out")
[ "$nres" -gt 2880 ] || { echo "FAIL: only $nres resources for 480 GET units" >&2; fail=1; }
grep -qx "$tmp/big.py:1:1: warning: STC559 the template declares $nres resources; CloudFormation accepts at most 500" "$tmp/err" \
    || { echo "FAIL: STC559 resources" >&2; cat "$tmp/err" >&2; fail=1; }
grep -q "split the service into several service classes" "$tmp/err" || { echo "FAIL: STC559 hint" >&2; fail=1; }
[ "$fail" -eq 0 ] && echo "template CLI: ok"
exit "$fail"
