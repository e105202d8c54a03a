#!/usr/bin/env bash
# emit_test.sh - `stc-tui emit`: reproducible output, the folder's contents,
# usage and input errors, and atomic writes (a file in the way, a foreign
# folder, a read-only file system, a full disk): exit 3, nothing partial left,
# the previous folder as it was. Needs STC_BIN and STC_TEST_DATA (ctest sets
# them); the read-only and full-disk cases mount small tmpfs file systems and
# need root (or run with chmod for the read-only case when not root).
set -u
BIN=$STC_BIN
ROOT=$(cd "$STC_TEST_DATA/.." && pwd)
PY=/usr/bin/python3
W=$(mktemp -d /tmp/stc-emit-test.XXXXXX)
MOUNTS=()
cleanup() {
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done
    chmod -R u+w "$W" 2>/dev/null
    rm -rf "$W"
}
trap cleanup EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_rc() { # expect_rc WANT WHAT -- command...
    local want=$1 what=$2
    shift 3
    "$@" >"$W/out.txt" 2>"$W/err.txt"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, want $want; stderr: $(cat "$W/err.txt")"; fi
}
expect_err() { # the last command's stderr contains TEXT
    if grep -qF -- "$1" "$W/err.txt"; then ok; else bad "stderr lacks '$1': $(cat "$W/err.txt")"; fi
}
same_tree() { # same_tree A B WHAT: identical files, byte for byte
    if diff -r "$1" "$2" >/dev/null 2>&1; then ok; else bad "$3: $(diff -rq "$1" "$2" 2>&1 | head -5)"; fi
}
only_entries() { # only_entries DIR WHAT NAME...: DIR holds exactly these names
    local dir=$1 what=$2
    shift 2
    local got want
    got=$(ls -A "$dir" | sort | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ')
    if [ "$got" = "$want" ]; then ok; else bad "$what: '$got', want '$want'"; fi
}

PEOPLE=$ROOT/examples/people.py

# --- reproducible, and what the folder holds --------------------------------
expect_rc 0 "emit people" -- "$BIN" emit "$PEOPLE" -o "$W/a"
expect_rc 0 "emit people again" -- "$BIN" emit "$PEOPLE" --mode dev -o "$W/b/"
same_tree "$W/a" "$W/b" "two emits differ"
cp -a "$W/a" "$W/a.before"
expect_rc 0 "emit over its own folder" -- "$BIN" emit "$PEOPLE" -o "$W/a"
same_tree "$W/a" "$W/a.before" "re-emit differs"
only_entries "$W" "no temporary folder left" a a.before b err.txt out.txt
"$PY" - "$W/a" <<'EOF' || bad "manifest and folder"
import hashlib, json, os, sys, zipfile
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
assert m["generator"] == "stc-tui" and m["service"] == "PeopleService" and m["mode"] == "dev", m
names = [f["name"] for f in m["functions"]]
assert names == ["register_person", "get_person", "list_people", "update_person",
                 "unregister_person", "_send_email", "_mark_active"], names
listed = []
for f in m["functions"]:
    z = zipfile.ZipFile(os.path.join(d, f["zip"]))
    assert z.namelist() == ["handler.py", "service.py", "stc_runtime.py"], z.namelist()
    # the SHA-256 of the files' sha256sum listing (docs/packaging.md)
    listing = "".join("%s  %s\n" % (hashlib.sha256(z.read(n)).hexdigest(), n) for n in z.namelist())
    h = hashlib.sha256(listing.encode())
    assert h.hexdigest() == f["sha256"], (f["name"], h.hexdigest(), f["sha256"])
    assert f["zip"] == "artifacts/%s-%s.zip" % (f["name"], f["sha256"][:16]), f
    assert f["s3_key"] == "PeopleService/%s-%s.zip" % (f["name"], f["sha256"][:16]), f
    for info in z.infolist():
        assert info.date_time == (2000, 1, 1, 0, 0, 0), info.date_time
        assert info.external_attr >> 16 == 0o100644, oct(info.external_attr)
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.extra == b"", info.extra
    listed.append(f["zip"])
files = sorted(os.path.relpath(os.path.join(r, n), d) for r, _, ns in os.walk(d) for n in ns)
assert files == sorted(m["files"]), (files, m["files"])
deploy = open(os.path.join(d, "DEPLOY.md")).read()
assert 'aws s3 sync artifacts/ "s3://$BUCKET/PeopleService/"' in deploy, deploy
assert "aws cloudformation deploy --template-file template.yaml --stack-name people-service-dev" in deploy
for f in m["functions"]:
    assert "| `%s` | `%s` | `%s` |" % (f["name"], f["s3_key"], f["sha256"]) in deploy
assert oct(os.stat(d).st_mode & 0o777) == "0o755", oct(os.stat(d).st_mode)
EOF
[ $? -eq 0 ] && ok
expect_rc 0 "emit prod" -- "$BIN" emit "$PEOPLE" --mode prod -o "$W/p"
grep -qE '"mode":[[:space:]]*"prod"' "$W/p/manifest.json" && ok || bad "prod manifest"
grep -q 'people-service-prod' "$W/p/DEPLOY.md" && ok || bad "prod stack name"

# --- what the other stages contribute, checked by the validators ------------
NODE_BIN=${STC_NODE_BIN:-$ROOT/tests/tools/node_modules/.bin}
for tool in asl-validator statelint validate-api; do
    [ -x "$NODE_BIN/$tool" ] || bad "validator $tool is missing from $NODE_BIN (run ./scripts/setup)"
done
for ex in people orders chat; do
    expect_rc 0 "emit $ex" -- "$BIN" emit "$ROOT/examples/$ex.py" -o "$W/v-$ex"
done
want_machines() { # want_machines EX NAME...: the state machines in the folder
    local ex=$1
    shift
    local got want
    got=$(cd "$W/v-$ex" && ls state-machines 2>/dev/null | sort | tr '\n' ' ')
    want=$(for m in "$@"; do printf '%s\n' "$m.asl.json" "$m.source-map.json" "$m.svg"; done | sort | tr '\n' ' ')
    [ "$got" = "$want" ] && ok || bad "$ex state machines: '$got', want '$want'"
}
want_machines people _onboard
want_machines orders _fulfil submit_payment
want_machines chat
for f in "$W"/v-*/state-machines/*.asl.json; do
    "$NODE_BIN/asl-validator" --silent --json-path "$f" >/dev/null 2>&1 && ok || bad "asl-validator rejects $f"
    # statelint knows no JSONata (the default dialect): it checks JSONPath machines only
    if grep -q '"QueryLanguage"' "$f"; then
        grep -q '"QueryLanguage":[[:space:]]*"JSONata"' "$f" && ok || bad "$f: a QueryLanguage that is not JSONata"
    else
        "$NODE_BIN/statelint" "$f" >"$W/lint.txt" 2>&1 && ok || bad "statelint rejects $f: $(cat "$W/lint.txt")"
    fi
done
for f in "$W"/v-*/openapi.json; do
    if "$NODE_BIN/validate-api" "$f" 2>&1 | grep -q '"valid": true'; then ok; else
        bad "validate-api rejects $f: $("$NODE_BIN/validate-api" "$f" 2>&1 | head -20)"; fi
done
[ -f "$W/v-chat/openapi.json" ] && ok || bad "chat has an HTTP route: openapi.json missing"
command -v cfn-lint >/dev/null 2>&1 || bad "cfn-lint is not on PATH (./scripts/setup warns about it)"
for ex in people orders chat; do
    cfn-lint "$W/v-$ex/template.yaml" "$W/v-$ex/template.json" >"$W/cfn.txt" 2>&1 && ok ||
        bad "cfn-lint on the $ex template: $(head -20 "$W/cfn.txt")"
done
expect_rc 0 "emit orders prod" -- "$BIN" emit "$ROOT/examples/orders.py" --mode prod -o "$W/v-orders-prod"
cfn-lint "$W/v-orders-prod/template.yaml" >"$W/cfn.txt" 2>&1 && ok || bad "cfn-lint prod: $(head -20 "$W/cfn.txt")"
# The template's code keys and the spec's digests are the packages' own.
"$PY" - "$W"/v-people "$W"/v-orders "$W"/v-chat "$W"/v-orders-prod <<'EOF' && ok || bad "template and spec keys"
import json, os, sys
for d in sys.argv[1:]:
    m = json.load(open(os.path.join(d, "manifest.json")))
    t = json.load(open(os.path.join(d, "template.json")))
    keys = sorted(r["Properties"]["Code"]["S3Key"] for r in t["Resources"].values()
                  if r["Type"] == "AWS::Lambda::Function")
    # every function's package is in the template; a starter's (an async route's, "<method>.start", built in
    # every mode) only where the route needs it: orders' submit_payment takes only its body, so dev and prod
    # start its machine straight from the HTTP API
    assert [k for k in keys if ".start-" not in k] == sorted(f["s3_key"] for f in m["functions"]
                                                             if not f["name"].endswith(".start")), (d, keys)
    assert [k for k in keys if ".start-" in k] == [], (d, keys)
    assert [f["name"] for f in m["functions"] if f["name"].endswith(".start")] == \
        (["submit_payment.start"] if "orders" in d else []), (d, m["functions"])
    handlers = {r["Properties"]["Handler"] for r in t["Resources"].values() if r["Type"] == "AWS::Lambda::Function"}
    assert handlers == {"handler.handler"}, handlers
    assert "ArtifactBucket" in t["Parameters"], t["Parameters"].keys()
    spec = json.dumps(json.load(open(os.path.join(d, "spec.json"))))
    for f in m["functions"]:
        if f["name"].endswith(".start"):
            continue  # a starter is AWS's way to a workflow, no unit of the portable spec
        assert f["sha256"] in spec and f["s3_key"] in spec, (d, f["name"])
    for name in ("template.yaml", "template.json", "spec.json", "DEPLOY.md", "manifest.json"):
        assert name in m["files"], (d, name)
EOF
"$PY" - "$W"/v-{people,orders}/state-machines/*.svg <<'EOF' && ok || bad "SVG drawings"
import sys
import xml.etree.ElementTree as ET
assert len(sys.argv) == 4, sys.argv
for f in sys.argv[1:]:
    root = ET.parse(f).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", (f, root.tag)
    assert root.findall(".//{http://www.w3.org/2000/svg}rect"), f
EOF

# --- usage and input errors --------------------------------------------------
expect_rc 2 "no -o" -- "$BIN" emit "$PEOPLE"
expect_err "missing -o DIR"
expect_rc 2 "bad mode" -- "$BIN" emit "$PEOPLE" --mode qa -o "$W/q"
expect_err "unknown mode 'qa'"
expect_rc 3 "missing module" -- "$BIN" emit "$W/nope.py" -o "$W/q"
expect_rc 3 "missing config" -- "$BIN" emit "$PEOPLE" --config "$W/nope.yaml" -o "$W/q"
printf 'class S:\n    async def __init__(self):\n        pass\n' >"$W/broken.py"
expect_rc 1 "module with errors" -- "$BIN" emit "$W/broken.py" -o "$W/q"
[ -e "$W/q" ] && bad "an input error left $W/q" || ok

# --- a file in the way, a foreign folder ------------------------------------
echo "keep me" >"$W/file"
expect_rc 3 "-o is a file" -- "$BIN" emit "$PEOPLE" -o "$W/file"
expect_err "exists and is not a folder"
[ "$(cat "$W/file")" = "keep me" ] && ok || bad "the file was changed"
mkdir -p "$W/mine" && echo "notes" >"$W/mine/notes.txt"
expect_rc 3 "-o is someone's folder" -- "$BIN" emit "$PEOPLE" -o "$W/mine"
expect_err "stc-tui did not write"
only_entries "$W/mine" "foreign folder untouched" notes.txt
mkdir -p "$W/empty"
expect_rc 0 "-o is an empty folder" -- "$BIN" emit "$PEOPLE" -o "$W/empty"
same_tree "$W/empty" "$W/a" "emit into an empty folder"
expect_rc 3 "parent missing" -- "$BIN" emit "$PEOPLE" -o "$W/no/such/dir"
[ -e "$W/no" ] && bad "created $W/no" || ok

# --- read-only file system ----------------------------------------------------
RO=$W/ro
mkdir -p "$RO"
if [ "$(id -u)" -eq 0 ]; then
    if mount -t tmpfs -o size=4m tmpfs "$RO"; then
        MOUNTS+=("$RO")
        expect_rc 0 "emit before read-only" -- "$BIN" emit "$PEOPLE" -o "$RO/out"
        cp -a "$RO/out" "$W/ro.before"
        mount -o remount,ro "$RO" || bad "remount read-only"
        expect_rc 3 "emit on a read-only file system" -- "$BIN" emit "$PEOPLE" -o "$RO/out"
        expect_err "Read-only file system"
        expect_err "nothing was changed"
        same_tree "$RO/out" "$W/ro.before" "read-only: previous folder changed"
        only_entries "$RO" "read-only: nothing partial" out
        expect_rc 3 "new folder on a read-only file system" -- "$BIN" emit "$PEOPLE" -o "$RO/new"
        only_entries "$RO" "read-only: no new folder" out
    else
        bad "mount -t tmpfs is not permitted here: the read-only and full-disk cases cannot run"
    fi
else
    chmod 555 "$RO"
    expect_rc 3 "emit into a read-only folder" -- "$BIN" emit "$PEOPLE" -o "$RO/out"
    expect_err "Permission denied"
    only_entries "$RO" "read-only: nothing partial"
fi

# --- full disk ---------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    FULL=$W/full
    mkdir -p "$FULL"
    if mount -t tmpfs -o size=4m tmpfs "$FULL"; then
        MOUNTS+=("$FULL")
        expect_rc 0 "emit before the disk fills" -- "$BIN" emit "$PEOPLE" -o "$FULL/out"
        cp -a "$FULL/out" "$W/full.before"
        used=$(df -k --output=used "$FULL" | tail -1 | tr -d ' ')
        # room for the folder and half of a second copy: the next emit runs out
        mount -o remount,size=$((used * 3 / 2))k "$FULL" || bad "remount smaller"
        expect_rc 3 "emit onto a full disk" -- "$BIN" emit "$PEOPLE" --mode prod -o "$FULL/out"
        expect_err "No space left on device"
        same_tree "$FULL/out" "$W/full.before" "full disk: previous folder changed"
        only_entries "$FULL" "full disk: nothing partial" out
        rm -rf "$FULL/out"
        mount -o remount,size=16k "$FULL" || bad "remount to 16k"
        expect_rc 3 "emit into a tiny file system" -- "$BIN" emit "$PEOPLE" -o "$FULL/out"
        expect_err "No space left on device"
        only_entries "$FULL" "tiny file system: nothing left"
    else
        bad "mount -t tmpfs is not permitted here"
    fi
else
    bad "the full-disk case needs root (mount -t tmpfs)"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
