#!/usr/bin/env bash
# learn_cli.sh - `stc-tui learn` from the command line: usage errors (exit 2),
# a module that cannot be read (3), no terminal (2); the progress saved after
# every answer in ~/.local/state/stc-tui/learn.json with the boxes and due
# counts of tui/learnsched.h (worked out by hand below), resumed by the next
# session (the rule missed comes back before the others), no temporary file
# left beside it; --reset; a file that is not progress kept as learn.json.bad;
# a theme that does not exist.
set -u
: "${STC_BIN:?STC_BIN not set}"
command -v python3 >/dev/null || { echo "learn_cli: python3 is needed to read learn.json"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stc-learn-cli.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
export HOME="$work/home" XDG_STATE_HOME= COLUMNS=80 LINES=24 TERM=xterm-256color
state="$HOME/.local/state/stc-tui"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

# expect NAME STATUS STDERR-TEXT -- ARGS...: the exit status and a piece of stderr
expect() {
  local name=$1 want=$2 text=$3; shift 4
  "$STC_BIN" "$@" >"$name.out" 2>"$name.err" </dev/null
  local rc=$?
  [ $rc -eq "$want" ] || bad "$name: exit $rc, expected $want ($(head -3 "$name.err"))"
  grep -qF -- "$text" "$name.err" || bad "$name: stderr lacks '$text': $(head -3 "$name.err")"
  [ -s "$name.out" ] && bad "$name: unexpected output on stdout"
}
printf 'q\n' >quit.script
expect seed 2 "--seed needs a whole number, not 'x'" -- learn --seed x
expect option 2 "unknown option '--bogus'" -- learn --bogus
expect two 2 "unexpected argument 'b.py'" -- learn a.py b.py
expect terminal 2 "learn mode needs a terminal" -- learn
STC_SCRIPT=quit.script expect missing 3 "missing.py" -- learn missing.py
[ -e "$state/learn.json" ] && bad "a usage error wrote progress"

# run NAME SCRIPT-LINES...: a headless session on svc.py, seed 3
run() {
  local name=$1; shift
  printf '%s\n' "$@" >"$name.script"
  STC_SCRIPT=$name.script "$STC_BIN" learn --seed 3 $EXTRA svc.py >"$name.out" 2>"$name.err"
  local rc=$?
  [ $rc -eq 0 ] && [ ! -s "$name.err" ] || bad "$name: exit $rc: $(head -5 "$name.err")"
}
# progress RULE-JSON: learn.json's "asked" and "rules" are exactly these
progress() {
  python3 - "$state/learn.json" "$1" <<'PY' || bad "learn.json: $(cat "$state/learn.json")"
import json, sys
got = json.load(open(sys.argv[1]))
want = json.loads(sys.argv[2])
if got != want:
    print("learn.json is", json.dumps(got, sort_keys=True), "expected", json.dumps(want, sort_keys=True))
    sys.exit(1)
PY
}
has() { grep -qF -- "$2" "$1" || bad "$1 lacks '$2'"; }

# The module's one method is async: an HTTP route (POST /orders body: items)
# whose rule is async-rest, never asked in reverse, so the first answer is
# known. Session 1: async-rest first (the module's rules come first), right:
# asked 1, box 2, due 1 + 2^2 - 1 = 4. Then the first new rule of the list,
# create verbs, shown (Tab): not known, asked 2, box 1, due 2 + 1 = 3.
printf 'class Shop:\n    async def create_order(self, items: list[str]):\n        return items\n' >svc.py
EXTRA=
run one ":save-display one-a.screen" "post /orders body: items" "<Enter>" ":save-display one-b.screen" \
  "<Enter><Tab>" ":save-display one-c.screen" "q"
has one-a.screen "async def create_order(self, items: list[str])"
has one-a.screen "Welcome. Your progress will be kept in ~/.local/state/stc-tui/learn.json."
has one-b.screen "Right."
has one-b.screen "rule    async REST methods"
has one-c.screen "rule    create verbs"
progress '{"version": 1, "asked": 2, "rules": {
  "async-rest": {"box": 2, "due": 4, "right": 1, "wrong": 0},
  "verb-create": {"box": 1, "due": 3, "right": 0, "wrong": 1}}}'
others=$(ls -A "$state" | grep -v '^learn\.json$')
[ -z "$others" ] || bad "files left beside learn.json: $others"

# Session 2 resumes at answer 2: nothing is due (3 and 4 are later), so the
# next new rule, read verbs, shown: asked 3, box 1, due 4. At answer 3 create
# verbs is due (3): it comes back before any new rule. Shown again: asked 4,
# box 1, due 5, wrong 2.
run two ":save-display two-a.screen" "<Tab>" ":save-display two-b.screen" "<Enter><Tab>" \
  ":save-display two-c.screen" "q"
has two-a.screen "Welcome back: 2 answers so far, 0 of 28 rules mastered."
has two-b.screen "rule    read verbs"
has two-c.screen "rule    create verbs"
progress '{"version": 1, "asked": 4, "rules": {
  "async-rest": {"box": 2, "due": 4, "right": 1, "wrong": 0},
  "verb-create": {"box": 1, "due": 5, "right": 0, "wrong": 2},
  "verb-read": {"box": 1, "due": 4, "right": 0, "wrong": 1}}}'

# --reset: a fresh start; the file is replaced at the first answer only
EXTRA=--reset
run three ":save-display three.screen" "q"
has three.screen "Starting afresh (--reset)"
grep -q '"asked":	4' "$state/learn.json" || bad "--reset without an answer changed learn.json"
run four "post /orders body: items" "<Enter>" "q"
progress '{"version": 1, "asked": 1, "rules": {
  "async-rest": {"box": 2, "due": 4, "right": 1, "wrong": 0}}}'

# not progress: said, kept aside, a fresh start, no crash
EXTRA=
printf 'not json\n' >"$state/learn.json"
run five ":save-display five.screen" "q"
has five.screen "learn.json is not learn progress (line 1, column 1: not valid JSON):"
has five.screen "starting afresh; the old file is kept as learn.json.bad"
[ "$(cat "$state/learn.json.bad")" = "not json" ] || bad "learn.json.bad does not hold the old text"
[ -e "$state/learn.json" ] && bad "learn.json was written without an answer"
# a theme that is not there: said on the first screen (there is no
# Diagnostics pane here), the default theme used
EXTRA="--theme nosuch"
run six ":save-display six.screen" "q"
has six.screen "theme: no theme 'nosuch'"
exit $fail
