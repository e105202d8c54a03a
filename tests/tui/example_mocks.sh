#!/usr/bin/env bash
# example_mocks.sh - every mocks file shipped in examples/ drives its
# module's workflows to the outcome its first comment line describes (worked
# out by hand from the modules), through `stc-tui simulate --json`, with the
# input the workbench starts from (tui/simctl.h, stc_simctl_default_input).
set -u
: "${STC_BIN:?STC_BIN not set}" "${STC_TEST_DATA:?STC_TEST_DATA not set}"
ex=$STC_TEST_DATA/../examples
fail=0
# module method mocks input -> expected JSON (without "transitions") and exit status
check() {
  local mod=$1 method=$2 mocks=$3 input=$4 want=$5 want_rc=$6
  local out rc
  out=$("$STC_BIN" simulate "$ex/$mod" "$method" --input "$input" --mocks "$ex/$mocks" --json 2>&1)
  rc=$?
  got=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("transitions"); print(json.dumps(d, sort_keys=True))' 2>&1)
  if [ "$rc" != "$want_rc" ] || [ "$got" != "$want" ]; then
    echo "FAIL: $mod $method with $mocks: exit $rc (want $want_rc)"
    echo "  got:  $got"
    echo "  want: $want"
    fail=1
  fi
}
people='{"person_id": "person-1", "email": "ann@example.com"}'
orders='{"order_id": "order-1", "amount": 1.5}'
check people.py _onboard people.mocks.yaml "$people" \
  '{"cause": null, "error": null, "output": "done", "status": "SUCCEEDED"}' 0
check people.py _onboard people.unreachable.mocks.yaml "$people" \
  '{"cause": "could not reach ann@example.com", "error": "OnboardingFailed", "output": null, "status": "FAILED"}' 4
shipped='{"cause": null, "error": null, "output": {"address": "1 Main Street", "labels": ["order-1/book", "order-1/lamp"], "order_id": "order-1", "receipt": "receipt-order-1", "status": "shipped"}, "status": "SUCCEEDED"}'
declined='{"cause": null, "error": null, "output": {"order_id": "order-1", "status": "declined"}, "status": "SUCCEEDED"}'
nostock='{"cause": null, "error": null, "output": {"order_id": "order-1", "status": "out_of_stock"}, "status": "SUCCEEDED"}'
for m in _fulfil submit_payment; do
  check orders.py $m orders.mocks.yaml "$orders" "$shipped" 0
  check orders.py $m orders.declined.mocks.yaml "$orders" "$declined" 0
  check orders.py $m orders.outofstock.mocks.yaml "$orders" "$nostock" 0
done
check photos.py _nightly_cleanup photos.mocks.yaml '{"keep": 100}' \
  '{"cause": null, "error": null, "output": 3, "status": "SUCCEEDED"}' 0
check helpdesk.py on_ask helpdesk.mocks.yaml \
  '{"url": "https://example.com", "connection_id": "connection-1", "question": "example", "patience": 3}' \
  '{"cause": null, "error": null, "output": "answered", "status": "SUCCEEDED"}' 0
# every shipped mocks file is covered above and starts with its description
for f in "$ex"/*.mocks.yaml "$ex"/*.mocks.json; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  grep -q "$b" "$0" || { echo "FAIL: $b is not checked by $0"; fail=1; }
  head -1 "$f" | grep -q '^# ' || { echo "FAIL: $b does not start with a '# description' line"; fail=1; }
done
exit $fail
