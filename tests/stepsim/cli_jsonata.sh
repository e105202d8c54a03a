#!/usr/bin/env bash
# cli_jsonata.sh - `stc-tui jsonata` against shared/cli.md: the value as JSON,
# nothing for undefined, `jsonata: CODE at POS: message` and exit 1 for an
# error, usage and file errors, and the batch lines of --batch.
set -u
BIN=${STC_BIN:?}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL $1"; fails=$((fails+1)); }
check() { # name expected-rc actual-rc
  if [ "$2" != "$3" ]; then fail "$1: exit $3, expected $2"; else echo "ok   $1"; fi
}
same() { # name want got
  if [ "$2" != "$3" ]; then fail "$1: got [$3], expected [$2]"; fi
}

out=$("$BIN" jsonata '1 + 2'); rc=$?
check "value" 0 $rc; same "value" "3" "$out"
out=$("$BIN" jsonata 'a.b' --input '{"a": [{"b": 1.5e-7}, {"b": 1e21}]}' | tr -d ' \n'); rc=$?
check "input" 0 $rc; same "numbers as JavaScript prints them" "[1.5e-7,1e+21]" "$out"
printf '{"x": {"y": "z"}}' > "$tmp/in.json"
out=$("$BIN" jsonata 'x.y & $s' --input @"$tmp/in.json" --bindings '{"s": "!"}'); rc=$?
check "input file and bindings" 0 $rc; same "input file and bindings" '"z!"' "$out"
out=$("$BIN" jsonata '-a' --input '{"a": 4}'); rc=$?
check "an expression starting with -" 0 $rc; same "negation" "-4" "$out"
out=$("$BIN" jsonata 'nothing' --input '{}'); rc=$?
check "undefined" 0 $rc; same "undefined prints nothing" "" "$out"

"$BIN" jsonata '1 + "a"' > "$tmp/out" 2> "$tmp/err"; rc=$?
check "evaluation error" 1 $rc
same "error line" 'jsonata: T2002 at 3: The right side of the "+" operator must evaluate to a number' "$(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "an error prints no value"
"$BIN" jsonata '(1' 2> "$tmp/err"; rc=$?
check "syntax error" 1 $rc
same "syntax error line" 'jsonata: S0203 at 2: Expected ")" before end of expression' "$(cat "$tmp/err")"

out=$("$BIN" jsonata 'function($x){ $x }'); rc=$?
check "function value" 0 $rc; same "a function prints as \$string writes it" '""' "$out"
"$BIN" jsonata '($f := function($a, $n){ $n = 0 ? $a : $f({"a": $a}, $n - 1) }; $f(1, 1000000))' \
  > "$tmp/out" 2> "$tmp/err"; rc=$?
check "a value nested too deeply to write out" 1 $rc
same "error line without a position" 'jsonata: U1001: Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.' "$(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "a value too deep prints nothing"
"$BIN" jsonata 'a' --datasets "$tmp" 2> /dev/null; check "--datasets without --batch" 2 $?
out=$(printf '{"expr": "$x * 2", "bindings": {"x": 21}}\n' | "$BIN" jsonata --batch -); rc=$?
check "batch from stdin" 0 $rc; same "batch from stdin" '{"result": 42}' "$out"

"$BIN" jsonata 2> /dev/null; check "no expression" 2 $?
"$BIN" jsonata 'a' --input '{bad' 2> /dev/null; check "invalid input JSON" 2 $?
"$BIN" jsonata 'a' --bindings '[1]' 2> /dev/null; check "bindings not an object" 2 $?
"$BIN" jsonata 'a' --nope 2> /dev/null; check "unknown option" 2 $?
"$BIN" jsonata 'a' --input @"$tmp/missing.json" 2> /dev/null; check "unreadable input" 3 $?
"$BIN" jsonata --batch "$tmp/missing.jsonl" 2> /dev/null; check "unreadable batch" 3 $?
"$BIN" jsonata 'a' --batch "$tmp/in.json" 2> /dev/null; check "batch with an expression" 2 $?

# --batch: one line per case, in order, in the suite's case format
mkdir -p "$tmp/ds"
printf '{"k": [1, 2]}' > "$tmp/ds/d1.json"
cat > "$tmp/cases.jsonl" <<'EOF'
{"expr": "k", "dataset": "d1", "bindings": {}}
{"expr": "$x + 1", "data": null, "bindings": {"x": 41}}
{"expr": "nothing", "dataset": null}

{"expr": "1 + \"a\"", "data": {}}
{"expr": "k[1]", "dataset": "d1"}
{"expr": "'\ud800' & 'x'", "data": null}
{"expr": "($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(1000))", "data": null, "timelimit": 1000, "depth": 50}
EOF
"$BIN" jsonata --batch "$tmp/cases.jsonl" --datasets "$tmp/ds" > "$tmp/out" 2> "$tmp/err"; rc=$?
check "batch" 0 $rc
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
const want = [
  {result: [1, 2]}, {result: 42}, {undefined: true},
  {error: {code: "T2002", position: 3, token: "+",
           message: "The right side of the \"+\" operator must evaluate to a number"}},
  {result: 2}, {result: "\ud800x"},
  {error: {code: "U1001", token: "f"}},
];
if (lines.length !== want.length) { console.log("FAIL batch: " + lines.length + " lines"); process.exit(1); }
for (let i = 0; i < want.length; i++) {
  const got = JSON.parse(lines[i]);
  const w = want[i];
  const ok = w.error ? got.error && Object.keys(w.error).every(k => got.error[k] === w.error[k]) &&
                       Object.keys(got.error).join() === "code,position,token,message"
                     : JSON.stringify(got) === JSON.stringify(w);
  if (!ok) { console.log("FAIL batch line " + (i + 1) + ": " + lines[i]); process.exit(1); }
}
if (!/^\{"result": \[1, 2\]\}$/.test(lines[0])) { console.log("FAIL batch spacing: " + lines[0]); process.exit(1); }
' "$tmp/out" || fails=$((fails+1))

printf '{"expr": "k", "dataset": "d1"}\nnot json\n{"expr": 1}\n' > "$tmp/bad.jsonl"
"$BIN" jsonata --batch "$tmp/bad.jsonl" --datasets "$tmp/ds" > "$tmp/out" 2> "$tmp/err"; rc=$?
check "bad batch lines" 1 $rc
same "bad batch lines keep one output line each" 3 "$(wc -l < "$tmp/out" | tr -d ' ')"
grep -q "bad.jsonl:2: invalid JSON" "$tmp/err" || fail "bad line named with its number"

[ $fails -eq 0 ] && echo "cli_jsonata: all passed" || { echo "cli_jsonata: $fails failed"; exit 1; }
