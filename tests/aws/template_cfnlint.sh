#!/usr/bin/env bash
# cfn-lint must report no error and no warning for every example in every
# mode, in YAML and JSON, and for a configuration that turns on the optional
# settings (provisioned capacity, alarm topic, reserved concurrency,
# throttling). FAILS when cfn-lint is missing.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
if ! command -v cfn-lint >/dev/null 2>&1; then
    echo "FAIL: cfn-lint is not on PATH (pip install cfn-lint)" >&2
    exit 1
fi
ex="$STC_TEST_DATA/../examples"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for svc in people orders chat helpdesk transactions; do
    for mode in dev test stage prod; do
        for fmt in yaml json; do
            out="$tmp/$svc-$mode.$fmt"
            if ! "$STC_BIN" template "$ex/$svc.py" --mode "$mode" --format "$fmt" >"$out" 2>"$tmp/err"; then
                echo "FAIL: stc-tui template $svc.py --mode $mode --format $fmt" >&2
                cat "$tmp/err" >&2
                fail=1
            fi
        done
    done
done
cat >"$tmp/options.stc.yaml" <<'YAML'
defaults:
  billing_mode: provisioned
  read_capacity: 10
  write_capacity: 4
  api_throttling_rate: 50
  api_throttling_burst: 100
modes:
  prod:
    alarm_topic: arn:aws:sns:eu-west-1:123456789012:ops
functions:
  _send_email:
    memory: 512
    reserved_concurrency: 2
  _onboard:
    workflow_log_level: ALL
YAML
for mode in dev prod; do
    if ! "$STC_BIN" template "$ex/people.py" --mode "$mode" --config "$tmp/options.stc.yaml" \
        >"$tmp/options-$mode.yaml" 2>"$tmp/err"; then
        echo "FAIL: stc-tui template people.py --config options --mode $mode" >&2
        cat "$tmp/err" >&2
        fail=1
    fi
done
n=$(ls "$tmp"/*.yaml "$tmp"/*.json | grep -vc options.stc.yaml)
if [ "$n" -ne 42 ]; then
    echo "FAIL: expected 42 templates, got $n" >&2
    fail=1
fi
# --non-zero-exit-code informational: not even an informational finding passes.
if ! cfn-lint --non-zero-exit-code informational -- $(ls "$tmp"/*.yaml "$tmp"/*.json | grep -v options.stc.yaml); then
    echo "FAIL: cfn-lint found problems" >&2
    fail=1
fi
[ "$fail" -eq 0 ] && echo "cfn-lint: $n templates clean"
exit "$fail"
