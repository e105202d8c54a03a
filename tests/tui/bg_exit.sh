#!/usr/bin/env bash
# bg_exit.sh - the workbench with layouts in flight on the background worker
# (tui/bg.h), on a service of 200 methods and 20 workflows (bench/gen.py):
# leaving at once (the Graph tab's layout running, the others queued), a
# mode change while they run (the queued ones are dropped, the running one
# finishes before the service is freed; the graph of the new compile is then
# drawn) and the Emit dialog while they run (its SVG drawings take the
# render lock). Each run exits 0 within the time limit, with nothing on
# stderr (the ASan build's leak and error reports go there).
set -u
: "${STC_BIN:?STC_BIN not set}" "${STC_TEST_DATA:?STC_TEST_DATA not set}"
work=$(mktemp -d "${TMPDIR:-/tmp}/stc-bg-exit.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$STC_TEST_DATA/../bench/gen.py" 200 -o "$work/svc.py" || { echo "gen.py failed"; exit 1; }
cd "$work"
fail=0
run() {
  local name=$1; shift
  printf '%s\n' "$@" >"$name.script"
  STC_SCRIPT=$name.script COLUMNS=140 LINES=40 TERM=xterm-256color timeout 300 "$STC_BIN" svc.py \
    >"$name.out" 2>"$name.err"
  local rc=$?
  if [ $rc -ne 0 ] || [ -s "$name.err" ]; then
    echo "FAIL: $name: exit $rc"; head -40 "$name.err"; fail=1
  fi
}
run quit 2
run mode 2 m ":save-display mode.screen"
grep -q 'Graph [a-z_]' mode.screen || { echo "FAIL: mode: no workflow in the Graph tab's title"; fail=1; }
grep -q 'laying out' mode.screen && { echo "FAIL: mode: the saved screen still waits for a layout"; fail=1; }
grep -q '( Start )' mode.screen || { echo "FAIL: mode: the graph is not drawn (no start marker)"; fail=1; }
run emit e "<Esc>" 2 q
exit $fail
