#!/usr/bin/env bash
# The foundation's command line: help, version, usage errors, `check` and
# `methods` on the examples and on bad input. Exit codes per cli.md.
set -u
PY=/usr/bin/python3
BIN=${STC_BIN:?}
EX=${STC_TEST_DATA:?}/../examples
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok()   { pass=$((pass+1)); }
bad()  { fail=$((fail+1)); echo "FAIL: $*"; }
# expect_rc NAME WANT CMD...: run CMD (stdout -> $T/out, stderr -> $T/err) and check its status
expect_rc() {
  local name=$1 want=$2; shift 2
  timeout "${STC_TEST_TIMEOUT:-120}" "$@" >"$T/out" 2>"$T/err"; local rc=$?
  if [ "$rc" = "$want" ]; then ok; else bad "$name: exit $rc, want $want"; sed 's/^/  | /' "$T/err" | head -5; fi
}
expect_err() { grep -qF -- "$2" "$T/err" && ok || { bad "$1: stderr lacks '$2'"; sed 's/^/  | /' "$T/err" | head -5; }; }

expect_rc help 0 "$BIN" --help;            grep -q '^usage:' "$T/out" && ok || bad "help text"
grep -q 'stc-tui methods  *SERVICE.py \[--json\]' "$T/out" && ok || bad "help lists methods"
expect_rc version 0 "$BIN" --version;      grep -qx 'stc-tui [0-9.]*' "$T/out" && ok || bad "version text"
expect_rc noargs 2 "$BIN"
expect_rc unknown-option 2 "$BIN" --frobnicate x.py
expect_rc methods-noarg 2 "$BIN" methods
expect_rc methods-badopt 2 "$BIN" methods --yaml "$EX/people.py"
expect_rc check-extra 2 "$BIN" check "$EX/people.py" extra

# The examples are clean.
for f in people orders chat; do
  expect_rc "check-$f" 0 "$BIN" check "$EX/$f.py"
  expect_err "check-$f" "0 errors, 0 warnings"
done

# methods --json: the exact shape of cli.md, and values worked out from examples/people.py.
expect_rc methods-json 0 "$BIN" methods --json "$EX/people.py"
$PY - "$T/out" <<'PYEOF' && ok || bad "methods --json shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["service", "file", "line", "methods", "diagnostics"], list(d)
assert d["service"] == "PeopleService" and d["line"] == 12 and d["diagnostics"] == []
for m in d["methods"]:
    assert list(m) == ["name", "kind", "async", "unit", "line", "params", "explain"], list(m)
    for p in m["params"]:
        assert list(p) == ["name", "type", "required"], list(p)
by = {m["name"]: m for m in d["methods"]}
assert [m["name"] for m in d["methods"]] == ["__init__", "register_person", "get_person", "list_people",
    "update_person", "unregister_person", "_send_email", "_mark_active", "_onboard"]
r = by["register_person"]
assert (r["kind"], r["async"], r["unit"], r["line"]) == ("rest", False, "lambda", 18)
assert r["params"] == [{"name": "name", "type": "str", "required": True},
                       {"name": "age", "type": "int", "required": True},
                       {"name": "email", "type": "Optional[str]", "required": False}]
assert r["explain"].startswith('register_person: verb "register" is a create verb -> POST')
o = by["_onboard"]
assert (o["kind"], o["async"], o["unit"], o["line"]) == ("function", True, "state_machine", 48)
i = by["__init__"]
assert (i["kind"], i["unit"]) == ("init", "none")
assert i["params"] == [{"name": "sender", "type": "str", "required": False},
                       {"name": "max_tries", "type": "int", "required": False}]
assert by["_send_email"]["unit"] == "lambda" and by["_send_email"]["kind"] == "function"
PYEOF

# Bad input: a diagnostic with file:line:col and a non-zero exit, never a crash.
printf 'class A:\n    def get_x(self, x_id):\n        return (1 +\n' > "$T/syntax.py"
expect_rc syntax 1 "$BIN" check "$T/syntax.py";   expect_err syntax "syntax.py:3:16: error: STC001"
expect_err syntax-caret "                ^"
: > "$T/empty.py"
expect_rc empty 1 "$BIN" check "$T/empty.py";     expect_err empty "STC101 the module is empty"
printf 'X = 1\ndef f():\n    pass\n' > "$T/noclass.py"
expect_rc noclass 1 "$BIN" methods "$T/noclass.py"; expect_err noclass "noclass.py:1:1: error: STC101"
printf 'class A:\n    def get_\xff(self): pass\n' > "$T/latin.py"
expect_rc non-utf8 1 "$BIN" check "$T/latin.py"; expect_err non-utf8 "latin.py:2:13: error: STC002"
printf 'class A:\n    def get_x(self, x_id):\n        return 1\x00\n' > "$T/nul.py"
expect_rc nul 1 "$BIN" check "$T/nul.py";         expect_err nul "nul.py:3:17: error: STC002"
expect_rc missing 3 "$BIN" check "$T/missing.py"; expect_err missing "No such file or directory"
expect_rc directory 3 "$BIN" methods "$T";        expect_err directory "is a directory"
expect_rc methods-json-missing 3 "$BIN" methods --json "$T/missing.py"

# Nesting 500 deep: 500 unary minus signs parse; 500 parentheses exceed Python's own limit.
$PY -c "print('class A:\n    def get_x(self, x_id):\n        return ' + '-'*500 + '1')" > "$T/deep1.py"
expect_rc deep-unary 0 "$BIN" check "$T/deep1.py"
$PY -c "print('class A:\n    def get_x(self, x_id):\n        return ' + '('*500 + '1' + ')'*500)" > "$T/deep2.py"
expect_rc deep-parens 1 "$BIN" check "$T/deep2.py"; expect_err deep-parens "deep2.py:3:"
$PY -c "print('class A:\n    def get_x(self, x_id):\n        return ' + ' + '.join(['1']*500))" > "$T/wide.py"
expect_rc wide-binop 0 "$BIN" check "$T/wide.py"
$PY -c "print('class A:\n    def get_x(self, x_id):\n        return ' + 'not '*3000 + 'x')" > "$T/deep3.py"
expect_rc deep-not 1 "$BIN" check "$T/deep3.py"; expect_err deep-not "STC003"

# A 5 MB generated module: every method classified.
$PY - "$T/big.py" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("class Big:\n")
    i = 0
    while f.tell() < 5 * 1024 * 1024:
        f.write(f"    def get_item{i}(self, item{i}_id: str, limit: int = 10) -> dict:\n"
                f"        total = {i} + limit * 2\n"
                f"        return {{'id': item{i}_id, 'total': total, 'name': 'item number {i}'}}\n\n")
        i += 1
print(i)
PYEOF
n=$($PY -c "import sys; print(sum(1 for l in open(sys.argv[1]) if l.startswith('    def ')))" "$T/big.py")
expect_rc big-5mb 0 "$BIN" methods --json "$T/big.py"
got=$($PY -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for m in d['methods'] if m['kind']=='rest'))" "$T/out")
[ "$got" = "$n" ] && ok || bad "big: $got rest methods, want $n"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
