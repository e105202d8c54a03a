#!/usr/bin/env bash
# The templates of the JSONata-only test workflows (tests/data/workflows-jsonata:
# the exceptions' guard Choices, repr, slices, sets, rounding): cfn-lint reports
# nothing but W2001 (these services are workflows only, so the Lambda artifact
# bucket parameter has no function to use it). FAILS when cfn-lint is missing.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "FAIL: cfn-lint is not on PATH (pip install cfn-lint)" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
for py in "$STC_TEST_DATA"/data/workflows-jsonata/*.py; do
    name=$(basename "$py" .py)
    if ! "$STC_BIN" template "$py" --query-language jsonata >"$tmp/$name.yaml" 2>"$tmp/err"; then
        echo "FAIL: stc-tui template $name.py" >&2
        cat "$tmp/err" >&2
        fail=1
    fi
    n=$((n + 1))
done
if [ "$n" -lt 10 ]; then
    echo "FAIL: only $n workflow modules found" >&2
    fail=1
fi
if ! cfn-lint --non-zero-exit-code informational --ignore-checks W2001 -- "$tmp"/*.yaml; then
    echo "FAIL: cfn-lint found problems" >&2
    fail=1
fi
[ "$fail" = 0 ] && echo "$n templates: cfn-lint clean"
exit "$fail"
