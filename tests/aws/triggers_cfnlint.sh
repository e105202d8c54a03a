#!/usr/bin/env bash
# cfn-lint must report nothing for the services with triggers (examples/
# photos.py and tests/aws/data/triggers_clock.py, each with its
# SERVICE.stc.yaml) in every mode, YAML and JSON. FAILS when cfn-lint is
# missing.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "FAIL: cfn-lint is not on PATH (pip install cfn-lint)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for py in "$STC_TEST_DATA/../examples/photos.py" "$STC_TEST_DATA/aws/data/triggers_clock.py"; do
    name=$(basename "$py" .py)
    for mode in dev test stage prod; do
        for fmt in yaml json; do
            out="$tmp/$name-$mode.$fmt"
            if ! "$STC_BIN" template "$py" --mode "$mode" --format "$fmt" >"$out" 2>"$tmp/err"; then
                echo "FAIL: stc-tui template $name.py --mode $mode --format $fmt" >&2
                cat "$tmp/err" >&2
                fail=1
                continue
            fi
            grep -q 'Trigger1' "$out" || { echo "FAIL: $name $mode: no trigger resources" >&2; fail=1; }
            n=$((n + 1))
        done
    done
done
if ! cfn-lint "$tmp"/*.yaml "$tmp"/*.json; then
    echo "FAIL: cfn-lint reports problems (above)" >&2
    fail=1
fi
echo "$n templates with triggers through cfn-lint"
exit $fail
