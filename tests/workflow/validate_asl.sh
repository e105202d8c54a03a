#!/usr/bin/env bash
# Compile every async method of the examples and of tests/data/workflows with
# `stc-tui asl` and run both validators on each machine: asl-validator and
# @wmfs/statelint. Fails (never skips) when a validator is missing.
set -u
: "${STC_BIN:?}" "${STC_NODE_BIN:?}" "${STC_TEST_DATA:?}"
for tool in asl-validator statelint; do
    if [ ! -x "$STC_NODE_BIN/$tool" ]; then
        echo "FAIL: $tool is missing from $STC_NODE_BIN (run ./scripts/setup)"
        exit 1
    fi
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
src=$(cd "$STC_TEST_DATA/.." && pwd)
fail=0 n=0
for py in "$src"/examples/*.py "$STC_TEST_DATA"/data/workflows/*.py; do
    methods=$("$STC_BIN" methods "$py" --json 2>/dev/null |
        python3 -c 'import json,sys; [print(m["name"]) for m in json.load(sys.stdin)["methods"] if m["async"] and m["unit"] == "state_machine"]')
    if [ -z "$methods" ] && [ "${py#$STC_TEST_DATA}" != "$py" ]; then
        echo "FAIL: no workflow methods found in $py"
        fail=1
        continue
    fi
    for m in $methods; do
        n=$((n + 1))
        f="$out/$(basename "$py" .py).$m.asl.json"
        if ! "$STC_BIN" asl "$py" "$m" >"$f" 2>"$f.err"; then
            echo "FAIL: stc-tui asl $py $m"; cat "$f.err"; fail=1; continue
        fi
    done
done
# the validators start node once per file: run them side by side
export STC_NODE_BIN
ls "$out"/*.asl.json | xargs -P "$(nproc)" -I{} sh -c '
    f="$1"
    if ! "$STC_NODE_BIN/asl-validator" --json-path "$f" >"$f.v" 2>&1; then
        echo "FAIL: asl-validator rejects $f"; cat "$f.v"; touch "$f.bad"
    fi
    if ! "$STC_NODE_BIN/statelint" "$f" >"$f.s" 2>&1; then
        echo "FAIL: statelint rejects $f"; cat "$f.s"; touch "$f.bad"
    fi' sh {}
ls "$out"/*.bad >/dev/null 2>&1 && fail=1
echo "$n state machines compiled; asl-validator and statelint run on each"
exit $fail
