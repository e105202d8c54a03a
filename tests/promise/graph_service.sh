#!/bin/sh
# graph_service.sh - `stc-tui graph SERVICE.py METHOD` (shared/cli.md): the
# drawing of every example workflow equals its golden (the goldens that
# tests/render/test_render.c also holds the layout to), each box carries its
# Python line, --width picks the compact layout, SVG and DOT, exit codes.
set -u
: "${STC_BIN:?}" "${STC_TEST_DATA:?}"
root=$(cd "$STC_TEST_DATA/.." && pwd)
golden=$STC_TEST_DATA/render/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { checks=$((checks + 1)); }
run() {
  want=$1; shift
  # the goldens draw the JSONPath machines
  "$STC_BIN" graph --query-language jsonpath "$@" >"$tmp/out" 2>"$tmp/err"
  got=$?
  [ "$got" -eq "$want" ] && ok || bad "graph $* exited $got, expected $want: $(head -c 300 "$tmp/err")"
}
same() { cmp -s "$tmp/out" "$1" && ok || bad "output differs from $1: $(diff "$tmp/out" "$1" | head -5)"; }
has() { grep -qF -- "$1" "$tmp/$2" && ok || bad "$2 lacks '$1'"; }

for pair in people:_onboard orders:_fulfil orders:submit_payment photos:_nightly_cleanup; do
  mod=${pair%%:*} method=${pair#*:}
  run 0 "$root/examples/$mod.py" "$method" --format unicode
  same "$golden/example_$mod-$method.unicode.txt"
  run 0 "$root/examples/$mod.py" "$method" --format ascii
  same "$golden/example_$mod-$method.ascii.txt"
done
# the line of each state at the right of its box, the title without its "(line N)"
# (examples/people.py)
run 0 "$root/examples/people.py" _onboard --format unicode
has "│ ▸ Call _send_email  49 │" out
has "│ ◷ Sleep 10  54 │" out
has "│ ○ Return \"done\"  58 │" out
# --width: the normal drawing is 124 columns wide (125 with the trailing blank column),
# the compact one 107
run 0 "$root/examples/people.py" _onboard --format unicode --width 110
same "$golden/example_people-_onboard.compact.txt"
run 0 "$root/examples/people.py" _onboard --format unicode --width 130
same "$golden/example_people-_onboard.unicode.txt"
run 0 "$root/examples/people.py" _onboard --format ascii --width 100
has "-- columns 1-100 of 107 --" out
has "-- columns 101-107 of 107 --" out
# SVG: the line as the box's extra text; DOT: the graph given to Graphviz
run 0 "$root/examples/people.py" _onboard --format svg
has 'data-state="Call _send_email (line 49)"' out
has '<text class="extra"' out
has '>49</text>' out
run 0 "$root/examples/orders.py" submit_payment --format dot
has "digraph" out
# errors
run 2 "$root/examples/people.py" _welcome
has "'_welcome' is not a method of the service; workflow methods: _onboard" err
run 2 "$root/examples/people.py" get_person
has "'get_person' is not async" err
run 2 "$root/examples/chat.py" on_message
has "workflow methods: (none)" err
run 2 "$root/examples/people.py"
has "missing METHOD" err
run 2 "$root/examples/people.py" _onboard --asl "$STC_TEST_DATA/data/asl/render_map.asl.json"
run 1 "$STC_TEST_DATA/data/svc_bad_workflow.py" _rank
has "svc_bad_workflow.py:10:18: error: STC204" err
run 3 "$tmp/missing.py" _onboard

echo "graph_service: $checks checks passed, $fails failed"
[ "$fails" -eq 0 ]
