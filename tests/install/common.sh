# common.sh - sourced by the tests/install scripts: a scratch folder removed
# at exit, pass/fail counting, and a check that a tool is there (a missing
# tool is a failure, never a skip).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
need() {
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || { echo "FAIL: $t is not installed (scripts/setup installs it)"; exit 1; }
  done
}
# finish NAME: the summary line, and the exit status.
finish() {
  echo "$1: $pass passed, $fail failed"
  [ "$fail" = 0 ]
}
