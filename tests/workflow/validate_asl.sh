#!/usr/bin/env bash
# Compile every async method of the examples and of tests/data/workflows with
# `stc-tui asl`, in both dialects, and run the validators on each machine:
# asl-validator on both (it knows JSONata), @wmfs/statelint on the JSONPath
# ones (it knows no JSONata); the workflows only the JSONata back end compiles
# (tests/data/workflows-jsonata) get asl-validator. Fails (never skips) when a
# validator is missing.
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
        for ql in jsonata jsonpath; do
            n=$((n + 1))
            f="$out/$(basename "$py" .py).$m.$ql.asl.json"
            if ! "$STC_BIN" asl "$py" "$m" --query-language $ql >"$f" 2>"$f.err"; then
                echo "FAIL: stc-tui asl $py $m --query-language $ql"; cat "$f.err"; fail=1; continue
            fi
        done
    done
done
for py in "$STC_TEST_DATA"/data/workflows-jsonata/*.py; do
    n=$((n + 1))
    f="$out/$(basename "$py" .py)._run.jsonata-only.asl.json"
    if ! "$STC_BIN" asl "$py" _run >"$f" 2>"$f.err"; then
        echo "FAIL: stc-tui asl $py _run"; cat "$f.err"; fail=1
    fi
done
# Each validator takes many files in one run (node starts once per run, which is
# what costs): one run of each per CPU, over a share of the files. Both name the
# file of every problem they report, and exit non-zero if any file has one.
export STC_NODE_BIN
ls "$out"/*.asl.json | xargs -r -n "$(( (n + $(nproc) - 1) / $(nproc) + 1 ))" -P "$(nproc)" sh -c '
    b=$(mktemp -u "$0.XXXXXX")
    args="" jp=""
    for f in "$@"; do
        args="$args --json-path $f"
        case "$f" in *.jsonpath.asl.json) jp="$jp $f";; esac
    done
    if ! "$STC_NODE_BIN/asl-validator" $args >"$b.v" 2>&1; then
        echo "FAIL: asl-validator rejects a machine:"; grep -v "is valid$" "$b.v"; touch "$b.bad"
    fi
    if [ -n "$jp" ] && ! "$STC_NODE_BIN/statelint" $jp >"$b.s" 2>&1; then
        echo "FAIL: statelint rejects a machine:"; cat "$b.s"; touch "$b.bad"
    fi
    v=$(grep -c "is valid$" "$b.v")
    if [ "$v" -ne "$#" ]; then
        echo "FAIL: asl-validator found $v of $# machines valid"; touch "$b.bad"
    fi' "$out/batch"
ls "$out"/*.bad >/dev/null 2>&1 && fail=1
echo "$n state machines compiled (each workflow in JSONata and JSONPath); asl-validator on each, statelint on the JSONPath ones"
exit $fail
