#!/usr/bin/env bash
# cli_simulate.sh - `stc-tui simulate --asl` against shared/cli.md: exit codes,
# the exact key order of --json, mocks in YAML and JSON, usage errors.
set -u
BIN=${STC_BIN:?}; DATA=${STC_TEST_DATA:?}
ASL=$DATA/data/asl/sim_task_wait.asl.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
check() { # name expected-rc actual-rc
  if [ "$2" != "$3" ]; then echo "FAIL $1: exit $3, expected $2"; fails=$((fails+1)); else echo "ok   $1"; fi
}
printf 'Charge:\n  - return: true\n' > "$tmp/yes.yaml"
printf '{"Charge": [{"return": false}]}' > "$tmp/no.json"
printf 'Charge:\n  - raise: Lambda.ServiceException\n    cause: down\n' > "$tmp/raise.yaml"
printf '{"a": 1}' > "$tmp/in.json"

out=$("$BIN" simulate --asl "$ASL" --input @"$tmp/in.json" --mocks "$tmp/yes.yaml" --json); rc=$?
check "succeeded" 0 $rc
want='{"status":"SUCCEEDED","output":true,"error":null,"cause":null,"transitions":4}'
got=$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s))))')
[ "$got" = "$want" ] || { echo "FAIL json shape: $got"; fails=$((fails+1)); }

out=$("$BIN" simulate --asl "$ASL" --input '{}' --mocks "$tmp/no.json" --json); rc=$?
check "failed" 4 $rc
got=$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s))))')
want='{"status":"FAILED","output":null,"error":"Declined","cause":"the charge was refused","transitions":4}'
[ "$got" = "$want" ] || { echo "FAIL failed shape: $got"; fails=$((fails+1)); }

"$BIN" simulate --asl "$ASL" --input '{}' --mocks "$tmp/raise.yaml" > "$tmp/out.txt"; rc=$?
check "task error" 4 $rc
grep -q '^error: Lambda.ServiceException$' "$tmp/out.txt" || { echo "FAIL readable error"; fails=$((fails+1)); }

out=$("$BIN" simulate --asl "$ASL" --input '{}' --mocks "$tmp/yes.yaml" --json --trace); rc=$?
check "trace" 0 $rc
printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);
  const k=Object.keys(j).join(","); if(k!=="status,output,error,cause,transitions,events") {console.log("FAIL keys "+k);process.exit(1)}
  const t=j.events.map(e=>e.type); if(t[0]!=="ExecutionStarted"||t[t.length-1]!=="ExecutionSucceeded"||!t.includes("WaitStateExited")){console.log("FAIL events "+t);process.exit(1)}
  const w=j.events.find(e=>e.type==="WaitStateExited"); if(w.timestamp!=="2026-01-01T00:00:03.000Z"){console.log("FAIL clock "+w.timestamp);process.exit(1)}})' || fails=$((fails+1))

"$BIN" simulate --asl "$ASL" --input '{}' 2> "$tmp/err.txt"; rc=$?
check "no mock is a usage error" 2 $rc
grep -q "no mock for Task state 'Charge'" "$tmp/err.txt" || { echo "FAIL no-mock message"; fails=$((fails+1)); }
"$BIN" simulate --asl "$tmp/missing.asl.json" --input '{}' 2>/dev/null; check "unreadable file" 3 $?
"$BIN" simulate --asl "$ASL" --input @"$tmp/missing.json" 2>/dev/null; check "unreadable input" 3 $?
"$BIN" simulate --asl "$ASL" --input '{bad' 2>/dev/null; check "bad input JSON" 2 $?
"$BIN" simulate --asl "$ASL" 2>/dev/null; check "no --input" 2 $?
printf '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}' > "$tmp/bad.asl.json"
"$BIN" simulate --asl "$tmp/bad.asl.json" --input '{}' 2> "$tmp/err.txt"; rc=$?
check "invalid machine" 1 $rc
grep -q "'Next' names no state 'Nowhere'" "$tmp/err.txt" || { echo "FAIL invalid-machine message"; fails=$((fails+1)); }
printf '{"StartAt": "A", "States": {' > "$tmp/broken.asl.json"
"$BIN" simulate --asl "$tmp/broken.asl.json" --input '{}' 2>/dev/null; check "invalid JSON" 1 $?
# a JSONata machine: $states, a variable, a Condition; its errors are
# States.QueryEvaluationError (exit 4); a syntax error refuses it (exit 1)
cat > "$tmp/ja.asl.json" <<'EOF2'
{"QueryLanguage": "JSONata", "StartAt": "A", "States": {
  "A": {"Type": "Pass", "Assign": {"n": "{% $states.input.n %}"}, "Next": "C"},
  "C": {"Type": "Choice", "Choices": [{"Condition": "{% $n > 1 %}", "Next": "Big"}], "Default": "Small"},
  "Big": {"Type": "Pass", "Output": {"big": "{% $n * 10 %}"}, "End": true},
  "Small": {"Type": "Pass", "Output": "{% $states.input.missing %}", "End": true}}}
EOF2
out=$("$BIN" simulate --asl "$tmp/ja.asl.json" --input '{"n": 2}' --json); rc=$?
check "jsonata succeeded" 0 $rc
got=$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s))))')
want='{"status":"SUCCEEDED","output":{"big":20},"error":null,"cause":null,"transitions":3}'
[ "$got" = "$want" ] || { echo "FAIL jsonata shape: $got"; fails=$((fails+1)); }
out=$("$BIN" simulate --asl "$tmp/ja.asl.json" --input '{"n": 1}' --json); rc=$?
check "jsonata failed" 4 $rc
got=$(printf '%s' "$out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s))))')
want='{"status":"FAILED","output":null,"error":"States.QueryEvaluationError","cause":"An error occurred while executing the state '"'"'Small'"'"' (entered at the event id #6). The JSONata expression '"'"'$states.input.missing'"'"' specified for the field '"'"'Output'"'"' returned nothing (undefined).","transitions":3}'
[ "$got" = "$want" ] || { echo "FAIL jsonata failure: $got"; fails=$((fails+1)); }
sed 's/\$n \* 10/$n */' "$tmp/ja.asl.json" > "$tmp/ja_bad.asl.json"
"$BIN" simulate --asl "$tmp/ja_bad.asl.json" --input '{}' 2> "$tmp/err.txt"; rc=$?
check "jsonata syntax error" 1 $rc
grep -q "state 'Big': 'Output/big': the JSONata expression '\$n \*' does not parse" "$tmp/err.txt" ||
  { echo "FAIL jsonata syntax message: $(cat "$tmp/err.txt")"; fails=$((fails+1)); }
echo "$fails failed"
[ $fails -eq 0 ]
