#!/usr/bin/env bash
# tmux_smoke.sh - the workbench in a real terminal: tmux runs stc-tui on
# people.py; keys go in with send-keys and the screen comes back with
# capture-pane. Checks the first frame, navigation, help, resize (down to
# the too-small message and back), learn mode (L, Tab, q back to the panes,
# its progress saved under HOME), q and Ctrl-C leaving with status 0.
set -u
: "${STC_BIN:?STC_BIN not set}" "${STC_TEST_DATA:?STC_TEST_DATA not set}"
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed (./scripts/setup installs it)"; exit 1; }
# each run gets its own tmux server: after kill-session the old server exits
# on its own, and a new-session racing that exit fails with "server exited
# unexpectedly"
sock=stc-smoke-$$-1
work=$(mktemp -d "${TMPDIR:-/tmp}/stc-tmux.XXXXXX")
cleanup() {
  tmux -L "stc-smoke-$$-1" kill-server 2>/dev/null
  tmux -L "stc-smoke-$$-2" kill-server 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
cp "$STC_TEST_DATA"/../examples/people.py "$work"/
fail() { echo "FAIL: $*"; echo "--- screen:"; tmux -L "$sock" capture-pane -p -t smoke 2>/dev/null; exit 1; }

# wait_for TEXT [seconds]: until the pane shows TEXT
wait_for() {
  local text=$1 limit=${2:-10} i=0
  while [ $i -lt $((limit * 20)) ]; do
    tmux -L "$sock" capture-pane -p -t smoke 2>/dev/null | grep -qF -- "$text" && return 0
    sleep 0.05; i=$((i + 1))
  done
  return 1
}
wait_gone() {
  local text=$1 i=0
  while [ $i -lt 200 ]; do
    tmux -L "$sock" capture-pane -p -t smoke | grep -qF -- "$text" || return 0
    sleep 0.05; i=$((i + 1))
  done
  return 1
}

start() {
  tmux -L "$sock" -f /dev/null new-session -d -s smoke -x 120 -y 36 -c "$work" \
    "env -u NO_COLOR -u COLUMNS -u LINES HOME='$work' XDG_STATE_HOME= LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color '$STC_BIN' people.py 2>err.txt; echo EXIT=\$?; sleep 60"
}

start
wait_for "PeopleService" || fail "no first frame"
wait_for "? Help" || fail "no key bar"
wait_for "Routes (5 http, 0 ws)" || fail "no Routes tab"
tmux -L "$sock" send-keys -t smoke j j
wait_for "REST get_person  line 24" || fail "j j did not select get_person"
tmux -L "$sock" send-keys -t smoke '?'
wait_for "Help: keys" || fail "? did not open the help"
tmux -L "$sock" send-keys -t smoke Escape
wait_gone "Help: keys" || fail "Esc did not close the help"
tmux -L "$sock" resize-window -t smoke -x 90 -y 30
# at 90x30 the Methods frame is 30 columns wide: its Explain title row ends
# in a junction at column 30, and the key bar is the last row
i=0
until [ "$(tmux -L "$sock" capture-pane -p -t smoke | sed -n 30p | cut -c1-8)" = " ? Help " ] &&
      tmux -L "$sock" capture-pane -p -t smoke | grep -q "^├ Explain ─*┼ Source"; do
  i=$((i + 1)); [ $i -lt 200 ] || fail "no clean redraw after the resize to 90x30"; sleep 0.05
done
tmux -L "$sock" resize-window -t smoke -x 70 -y 20
wait_for "this terminal is 70x20" || fail "no too-small message at 70x20"
tmux -L "$sock" resize-window -t smoke -x 120 -y 36
wait_for "REST get_person  line 24" || fail "the view did not come back at 120x36"
tmux -L "$sock" send-keys -t smoke L
wait_for "How to answer" || fail "L did not open learn mode"
tmux -L "$sock" send-keys -t smoke Tab
wait_for "Shown, so counted as not known." || fail "Tab did not show the answer in learn mode"
tmux -L "$sock" send-keys -t smoke q
wait_for "learn mode: 0 of 28 rules mastered, progress saved" || fail "q did not leave learn mode"
wait_for "REST get_person  line 24" || fail "the panes did not come back after learn mode"
[ -s "$work/.local/state/stc-tui/learn.json" ] || fail "learn mode saved no progress under HOME"
tmux -L "$sock" send-keys -t smoke q
wait_for "EXIT=0" || fail "q did not quit with status 0"
[ -s "$work/err.txt" ] && fail "stderr: $(cat "$work/err.txt")"
tmux -L "$sock" kill-server

sock=stc-smoke-$$-2
start
wait_for "PeopleService" || fail "no first frame (second run)"
tmux -L "$sock" send-keys -t smoke C-c
wait_for "EXIT=0" || fail "Ctrl-C did not quit with status 0"
echo "tmux smoke test passed"
