#!/bin/sh
# Benchmark (not a test): layout + drawing of generated 50/200/500-state
# machines by render_tool, next to the `dot` program alone on the same DOT.
#   bench/render_bench.sh [BUILD_DIR]     (default: build)
#   bench/render_bench.sh --gen N         only print the N-state machine
#                                         (bench/run times it itself)
set -eu
gen() {
  python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1]); states = {}
for i in range(n):
    nxt = f"S{i+1}" if i + 1 < n else None
    if i % 10 == 9 and nxt:
        states[f"S{i}"] = {"Type": "Choice", "Default": nxt,
            "Choices": [{"Variable": "$.again", "BooleanEquals": True, "Next": f"S{i-5}"}]}
    else:
        states[f"S{i}"] = {"Type": "Pass", **({"Next": nxt} if nxt else {"End": True})}
print(json.dumps({"StartAt": "S0", "States": states}))
PY
}
if [ "${1:-}" = --gen ]; then
  gen "$2"
  exit 0
fi
build=${1:-build}
tool="$build/tests/render/render_tool"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for n in 50 200 500; do
  gen "$n" >"$tmp/m$n.json"
  "$tool" --dot "$tmp/m$n.json" >"$tmp/m$n.dot"
  t0=$(date +%s.%N); "$tool" "$tmp/m$n.json" >/dev/null; t1=$(date +%s.%N)
  dot -Tplain "$tmp/m$n.dot" >/dev/null; t2=$(date +%s.%N)
  printf '%4d states: stc layout+draw %6.3f s   dot -Tplain %6.3f s\n' "$n" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "$t2 - $t1" | bc)"
done
