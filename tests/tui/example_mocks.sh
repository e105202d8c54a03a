#!/usr/bin/env bash
# example_mocks.sh - every mocks file shipped in examples/ drives its
# module's workflows to the outcome its first comment line describes (worked
# out by hand from the modules), through `stc-tui simulate --json`, with the
# input the workbench starts from (tui/simctl.h, stc_simctl_default_input).
set -u
: "${STC_BIN:?STC_BIN not set}" "${STC_TEST_DATA:?STC_TEST_DATA not set}"
ex=$STC_TEST_DATA/../examples
fail=0
# label, expected JSON (without "transitions"), expected exit status, then
# the simulate command (--json is added)
expect_run() {
  local label=$1 want=$2 want_rc=$3 out rc got
  shift 3
  out=$("$@" --json 2>&1)
  rc=$?
  got=$(printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop("transitions"); print(json.dumps(d, sort_keys=True))' 2>&1)
  if [ "$rc" != "$want_rc" ] || [ "$got" != "$want" ]; then
    echo "FAIL: $label: exit $rc (want $want_rc)"
    echo "  got:  $got"
    echo "  want: $want"
    fail=1
  fi
}
# module method mocks input expected-JSON expected-status
check() {
  expect_run "$1 $2 with $3" "$5" "$6" "$STC_BIN" simulate "$ex/$1" "$2" --input "$4" --mocks "$ex/$3"
}
# the same for a state machine file (--asl): file mocks input expected-JSON expected-status
check_asl() {
  expect_run "$1 with $2" "$4" "$5" "$STC_BIN" simulate --asl "$ex/$1" --input "$3" --mocks "$ex/$2"
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
# checkout.asl.json (JSONata), from the workbench's input {} (its sample
# order): 2 x 12.5 + 80 = 105 >= 100, so a Wait of 2 lines x 60 s, then a
# retry 2 s after the timeout: Done is entered at +122 s
check_asl checkout.asl.json checkout.mocks.yaml '{}' \
  '{"cause": null, "error": null, "output": {"at": "2026-01-01T00:02:02.000Z", "order_id": "order-1", "receipt": "r-1", "total": 105}, "status": "SUCCEEDED"}' 0
check_asl checkout.asl.json checkout.declined.mocks.yaml '{}' \
  '{"cause": "order order-1: card expired", "error": "OrderDeclined", "output": null, "status": "FAILED"}' 4
# every shipped mocks file is covered above and starts with its description
for f in "$ex"/*.mocks.yaml "$ex"/*.mocks.json; do
  [ -e "$f" ] || continue
  b=$(basename "$f")
  grep -q "$b" "$0" || { echo "FAIL: $b is not checked by $0"; fail=1; }
  head -1 "$f" | grep -q '^# ' || { echo "FAIL: $b does not start with a '# description' line"; fail=1; }
done
exit $fail
