# cli_lib.sh - sourced by the script tests that run stc-tui and check exit
# statuses and JSON answers: $tmp (a scratch directory removed on exit), $ex
# (the examples), $fail, and the helpers below. The test ends with
# `exit $fail`.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
ex="$STC_TEST_DATA/../examples"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
fail=0
n=0 # templates written by `templates`

# need_tool TOOL HOW: fail (never skip) when a checker the test needs is missing.
need_tool() {
    command -v "$1" >/dev/null 2>&1 && return 0
    echo "FAIL: $1 is not on PATH ($2)" >&2
    exit 1
}

# expect CODE DESCRIPTION -- command...: stdout in $tmp/out, stderr in $tmp/err.
expect() {
    local want=$1 what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL: $what: exit $got, expected $want" >&2
        cat "$tmp/err" >&2
        fail=1
    fi
}

# py DESCRIPTION PYTHON: run PYTHON with $tmp/out loaded as the JSON value d.
py() {
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); $2" "$tmp/out" || { echo "FAIL: $1" >&2; fail=1; }
}

# templates MODULE PREFIX [ARGS...]: `template` in every mode, YAML and JSON,
# written to $tmp/PREFIX-MODE.FORMAT; each one written counts in $n.
templates() {
    local module=$1 prefix=$2 mode fmt
    shift 2
    for mode in dev test stage prod; do
        for fmt in yaml json; do
            if "$STC_BIN" template "$module" --mode "$mode" --format "$fmt" "$@" >"$tmp/$prefix-$mode.$fmt" 2>"$tmp/err"; then
                n=$((n + 1))
            else
                echo "FAIL: template $module --mode $mode --format $fmt $*" >&2
                cat "$tmp/err" >&2
                fail=1
            fi
        done
    done
}
