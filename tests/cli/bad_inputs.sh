#!/usr/bin/env bash
# bad_inputs.sh - every command of shared/cli.md on truncated, binary, huge,
# deeply nested and adversarial files. Each run must end within a bounded
# time (timeout $STC_BAD_TIMEOUT, default 60 s) with the documented exit
# status and a message on stderr:
#   1  the input has errors: "error:" on stderr, nothing on stdout except
#      the JSON document of --json (whose "diagnostics" then say why)
#   2  usage error: "usage:" or "stc-tui:" on stderr, nothing on stdout
#   3  a file could not be read or written, nothing on stdout
#   4  simulate: the execution FAILED (status in the output)
# and emit leaves no output folder behind when it fails.
#
# Environment (set by ctest): STC_BIN, STC_TEST_DATA (tests/ folder).
set -u
BIN=${STC_BIN:?STC_BIN is not set}
DATA=${STC_TEST_DATA:?STC_TEST_DATA is not set}
EX=$(cd "$DATA/../examples" && pwd)
LIMIT=${STC_BAD_TIMEOUT:-60}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v python3 >/dev/null || { echo "bad_inputs: python3 is needed to build the corpus"; exit 1; }

# ---- the corpus (deterministic: seeded, built from the examples) --------
python3 - "$tmp" "$EX" <<'PY' || exit 1
import json, os, random, sys
d, ex = sys.argv[1], sys.argv[2]
r = random.Random(20261127)
people = open(os.path.join(ex, "people.py"), "rb").read()
def w(name, data):
    with open(os.path.join(d, name), "wb") as fh:
        fh.write(data if isinstance(data, bytes) else data.encode())
# modules that cannot be compiled: every command answers 1
w("truncated.py", people[: len(people) * 2 // 3])
w("binary.py", bytes(r.randrange(256) for _ in range(4096)))
w("nul.py", people.replace(b"ok = self", b"ok = \0self", 1))
w("bad_utf8.py", people.replace(b"A people", b"A \xff\xfe people", 1))
w("empty.py", b"")
w("no_class.py", "x = 1\n")
w("json.py", '{"StartAt": "A", "States": {}}\n')
w("parens.py", "x = " + "(" * 200000 + "1" + ")" * 200000 + "\n")
w("lists.py", "class S:\n    def get_x(self, x_id):\n        return " + "[" * 3000 + "]" * 3000 + "\n")
w("indent.py", "class S:\n    async def _w(self, a: int) -> int:\n" +
  "".join(" " * (8 + 4 * i) + "if a > %d:\n" % i for i in range(120)) + " " * 488 + "return a\n")
w("junk.py", "".join("%08x ]] ((( @@ %d\n" % (r.getrandbits(32), i) for i in range(400000)))  # ~8 MB
w("dupes.py", "class S:\n    async def _w(self, a: int) -> int:\n        return a\n" +
  "".join("    def get_x(self, x_id: str) -> str:\n        return x_id\n" for _ in range(3000)))
# valid but extreme modules: every command answers 0
w("nested_ifs.py", "class S:\n    async def _w(self, a: int) -> int:\n" +
  "".join(" " * (8 + 4 * i) + "if a > %d:\n" % i for i in range(90)) +
  " " * (8 + 4 * 90) + "a = a + 1\n" + " " * 8 + "return a\n")
w("huge_string.py", people.decode().replace("class OnboardingFailed",
  'BANNER = "' + "x" * (4 << 20) + '"\n\n\nclass OnboardingFailed', 1))
w("many_lines.py", people.decode() + "# padding\n" * 500000)
w("long_name.py", "class S:\n    def get_" + "a" * 100000 + "(self, x_id: str) -> str:\n        return x_id\n"
  "    async def _w(self, a: int) -> int:\n        return a\n")
w("crlf_bom.py", b"\xef\xbb\xbf" + people.replace(b"\n", b"\r\n"))
asl_map = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Map", "ItemsPath": "$.xs",
    "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}, "End": True}}})
w("truncated.asl.json", asl_map[: len(asl_map) // 2])
w("binary.asl.json", bytes(r.randrange(256) for _ in range(2048)))
w("deep.asl.json", '{"StartAt":"A","States":{"A":{"Type":"Pass","Result":' + "[" * 100000 + "]" * 100000 +
  ',"End":true}}}')
w("dangling.asl.json", '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}')
w("no_states.asl.json", '{"StartAt":"A","States":{}}')
w("range.asl.json", '{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":'
  '{"r.$":"States.ArrayRange(0, 1000000000, 1)"},"End":true}}}')
w("wide.asl.json", json.dumps({"StartAt": "S0", "States": {
    "S%d" % i: ({"Type": "Pass", "Next": "S%d" % (i + 1)} if i < 399 else {"Type": "Succeed"})
    for i in range(400)}}))
# mocks and config files
w("self_alias.yaml", "a: &r\n  - *r\n  - *r\n  - return: 1\n")
w("binary.yaml", bytes(r.randrange(256) for _ in range(1024)))
w("deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
w("config_alias.stc.yaml", "defaults: &r\n  memory: *r\n")
w("input_deep.json", "[" * 100000 + "]" * 100000)
PY

pass=0 fail=0
note() { printf '%s\n' "$*"; }

# expect RC [--json] [--emit DIR] -- COMMAND ARGS...
expect() {
  local want=$1 json=0 emitdir=""
  shift
  while [ "$1" != "--" ]; do
    case $1 in
      --json) json=1 ;;
      --emit) emitdir=$2; shift ;;
    esac
    shift
  done
  shift
  local out=$tmp/out err=$tmp/err start end rc why=""
  start=$(date +%s.%N)
  timeout -k 5 "$LIMIT" "$BIN" "$@" >"$out" 2>"$err" </dev/null
  rc=$?
  end=$(date +%s.%N)
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    why="did not finish within ${LIMIT}s"
  elif [ "$rc" -ne "$want" ]; then
    why="exit $rc, expected $want"
  elif [ "$rc" -ge 128 ]; then
    why="killed by a signal"
  else
    case $want in
      1) grep -q -e "error" -e "^stc-tui: " "$err" || why="no diagnostic on stderr" ;;
      2) grep -q -e "usage:" -e "stc-tui:" "$err" || why="no usage message on stderr" ;;
      3) grep -q -e "cannot" -e "STC002" "$err" || why="no read/write error on stderr" ;;
      4) grep -q '"FAILED"' "$out" || why="no FAILED status in the output" ;;
    esac
    if [ -z "$why" ] && [ "$want" -ne 0 ] && [ "$want" -ne 4 ] && [ -s "$out" ]; then
      if [ "$json" -eq 1 ]; then
        python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d.get("diagnostics") else 1)' \
          "$out" 2>/dev/null || why="--json output is not a JSON document with diagnostics"
      else
        why="partial output on stdout ($(wc -c <"$out") bytes)"
      fi
    fi
    if [ -z "$why" ] && [ "$want" -eq 0 ] && [ ! -s "$out" ] && [ "$1" != check ] && [ "$1" != emit ]; then
      why="no output"
    fi
    if [ -z "$why" ] && [ -n "$emitdir" ]; then
      if [ "$want" -ne 0 ] && [ -e "$emitdir" ]; then
        why="emit left '$emitdir' behind"
      elif [ "$want" -eq 0 ] && [ ! -s "$emitdir/template.yaml" ]; then
        why="emit wrote no template.yaml"
      fi
    fi
  fi
  local secs
  secs=$(printf '%.1f' "$(echo "$end - $start" | bc)")
  if [ -n "$why" ]; then
    fail=$((fail + 1))
    note "FAIL ($secs s) $(printf '%s ' "$@" | cut -c 1-200): $why"
    head -n 6 "$err" | cut -c 1-200 | sed 's/^/    | /' 
  else
    pass=$((pass + 1))
    note "ok   ($secs s, exit $rc) $(printf '%s ' "$@" | cut -c 1-200)"
  fi
  [ -n "$emitdir" ] && rm -rf "$emitdir"
  return 0
}

# Every module command, on one module file, expecting one status.
all_commands() {
  local want=$1 f=$2 m=${3:-_w}
  expect "$want" -- check "$f"
  expect "$want" --json -- methods "$f" --json
  expect "$want" --json -- routes "$f" --json
  expect "$want" -- openapi "$f"
  expect "$want" -- asl "$f" "$m"
  expect "$want" -- graph "$f" "$m" --format ascii
  expect "$want" -- spec "$f"
  expect "$want" -- template "$f"
  expect "$want" -- diff "$f" --mode dev --against prod
  expect "$want" --emit "$tmp/emitted" -- emit "$f" -o "$tmp/emitted"
}

note "# modules that do not compile: exit 1 everywhere"
for f in truncated binary nul bad_utf8 empty no_class json parens lists indent junk dupes; do
  all_commands 1 "$tmp/$f.py"
  expect 1 -- simulate "$tmp/$f.py" _w --input '{}'
done

note "# files that cannot be read: exit 3 everywhere"
for f in "$tmp/missing.py" "$tmp"; do
  all_commands 3 "$f"
done

note "# valid but extreme modules: exit 0"
for f in nested_ifs huge_string many_lines; do
  m=_w
  [ "$f" = huge_string ] || [ "$f" = many_lines ] && m=_onboard
  all_commands 0 "$tmp/$f.py" "$m"
done
# a 100,000-character method name compiles, but AWS names made from it (function,
# log group, package file) allow at most 64: template and emit stop with STC558
for c in check methods routes openapi spec; do
  expect 0 -- $c "$tmp/long_name.py"
done
expect 0 -- asl "$tmp/long_name.py" _w
expect 1 -- template "$tmp/long_name.py"
grep -q "STC558" "$tmp/err" && pass=$((pass + 1)) || { fail=$((fail + 1)); note "FAIL: no STC558 for a long name"; }
expect 1 --emit "$tmp/emitted" -- emit "$tmp/long_name.py" -o "$tmp/emitted"
# the boundary: get_ + 60 letters is 64 characters (accepted), one more is refused
python3 -c "import sys; open(sys.argv[1], 'w').write('class S:\n    def get_' + 'a' * 60 + '(self, x_id: str) -> str:\n        return x_id\n')" "$tmp/name64.py"
python3 -c "import sys; open(sys.argv[1], 'w').write('class S:\n    def get_' + 'a' * 61 + '(self, x_id: str) -> str:\n        return x_id\n')" "$tmp/name65.py"
expect 0 -- template "$tmp/name64.py"
expect 1 -- template "$tmp/name65.py"
expect 0 -- simulate "$tmp/nested_ifs.py" _w --input '{"a": 100}' --json
expect 4 -- simulate "$tmp/nested_ifs.py" _w --input '{}' --json
expect 0 -- asl "$tmp/crlf_bom.py" _onboard

note "# module commands: usage errors (exit 2)"
expect 2 -- asl "$EX/people.py" no_such_method
expect 2 -- asl "$EX/people.py" get_person
expect 2 -- graph "$EX/people.py" _onboard --format nope
expect 2 -- template "$EX/people.py" --mode nope
expect 2 -- diff "$EX/people.py" --mode dev
expect 2 -- emit "$EX/people.py"
expect 2 -- simulate "$EX/people.py" _onboard --input '{"person_id": "p", "email": "e"}'

note "# state machines (--asl)"
for f in truncated binary deep dangling no_states; do
  expect 1 -- graph --asl "$tmp/$f.asl.json" --format unicode
  expect 1 -- simulate --asl "$tmp/$f.asl.json" --input '{}'
done
expect 3 -- graph --asl "$tmp/missing.asl.json"
expect 3 -- simulate --asl "$tmp/missing.asl.json" --input '{}'
expect 0 -- graph --asl "$tmp/wide.asl.json" --format svg
expect 0 -- simulate --asl "$tmp/wide.asl.json" --input '{}' --trace --json
expect 4 -- simulate --asl "$tmp/range.asl.json" --input '{}' --json

note "# simulate: inputs and mocks"
W=$DATA/data/asl/sim_fail.asl.json
expect 2 -- simulate --asl "$W" --input '{"ok": tru'
expect 2 -- simulate --asl "$W" --input "@$tmp/input_deep.json"
expect 3 -- simulate --asl "$W" --input "@$tmp/missing.json"
expect 1 -- simulate --asl "$W" --input '{"ok": true}' --mocks "$tmp/binary.yaml"
expect 1 -- simulate --asl "$W" --input '{"ok": true}' --mocks "$tmp/self_alias.yaml"
expect 1 -- simulate --asl "$W" --input '{"ok": true}' --mocks "$tmp/binary.asl.json"
expect 3 -- simulate --asl "$W" --input '{"ok": true}' --mocks "$tmp/missing.yaml"
expect 1 -- simulate "$EX/people.py" _onboard --input '{"person_id": "p", "email": "e"}' --mocks "$tmp/deep.yaml"

note "# configuration files"
for f in binary.yaml config_alias.stc.yaml deep.yaml; do
  expect 1 -- template "$EX/people.py" --config "$tmp/$f"
  expect 1 --emit "$tmp/emitted" -- emit "$EX/people.py" --config "$tmp/$f" -o "$tmp/emitted"
done
expect 3 -- template "$EX/people.py" --config "$tmp/missing.yaml"

note "# emit: unwritable destinations leave nothing"
: >"$tmp/a_file"
expect 3 -- emit "$EX/people.py" -o "$tmp/a_file"
expect 3 --emit "$tmp/no/such/dir" -- emit "$EX/people.py" -o "$tmp/no/such/dir"

note "bad_inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
