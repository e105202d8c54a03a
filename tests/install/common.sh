# common.sh - sourced by the tests/install scripts: a scratch folder removed
# at exit, pass/fail counting, and a check that a tool is there (a missing
# tool is a failure, never a skip).
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# keep_install_record BUILD: the build folder's record of the user's last
# `cmake --install` (build/stc-tui-installed.cmake, what uninstall removes)
# is put back as it was when the test ends, whatever the test installs.
keep_install_record() {
  local rec=$1/stc-tui-installed.cmake
  if [ -e "$rec" ]; then
    cp -p "$rec" "$T/record.saved"
    trap "cp -p '$T/record.saved' '$rec'; rm -rf '$T'" EXIT
  else
    trap "rm -f '$rec'; rm -rf '$T'" EXIT
  fi
}
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
