#!/bin/sh
# Benchmark (not a test): layout + drawing of generated 50/200/500-state
# machines by render_tool, next to the `dot` program alone on the same DOT.
#   bench/render_bench.sh [BUILD_DIR]     (default: build; best of REPS=5 runs each)
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
reps=${REPS:-5}
tool="$build/tests/render/render_tool"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# best (lowest) wall time of $reps runs of "$@", in seconds
best() {
  b=
  i=0
  while [ "$i" -lt "$reps" ]; do
    t0=$(date +%s.%N); "$@" >/dev/null; t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
    i=$((i + 1))
  done
  echo "$b"
}
for n in 50 200 500; do
  gen "$n" >"$tmp/m$n.json"
  "$tool" --dot "$tmp/m$n.json" >"$tmp/m$n.dot"
  ref=$(best dot -Tplain "$tmp/m$n.dot")
  ours=$(best "$tool" "$tmp/m$n.json")
  rss=
  if [ -x /usr/bin/time ]; then
    rss=$(/usr/bin/time -f %M "$tool" "$tmp/m$n.json" 2>&1 >/dev/null | tail -n 1)
    rss=$(printf '   max RSS %d MB' "$(( (rss + 512) / 1024 ))")
  fi
  printf '%4d states: stc layout+draw %6.3f s   dot -Tplain %6.3f s   %.2fx%s\n' "$n" \
    "$ours" "$ref" "$(echo "scale=4; $ours / $ref" | bc)" "$rss"
done
