#!/bin/sh
# The graph command: formats, --width, exit codes; SVG parsed back as XML.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
command -v node >/dev/null || { echo "FAIL: node is missing"; exit 1; }
for f in "$STC_TEST_DATA"/data/asl/render_*.asl.json; do
  base=$(basename "$f" .asl.json)
  "$STC_BIN" graph --asl "$f" --format svg >"$tmp/$base.svg" || bad "svg $base"
  node "$STC_TEST_DATA/render/svg_check.js" "$tmp/$base.svg" "$f" || bad "svg check $base"
  "$STC_BIN" graph --asl "$f" --format unicode >"$tmp/$base.txt" || bad "unicode $base"
  cmp -s "$tmp/$base.txt" "$STC_TEST_DATA/render/golden/$base.unicode.txt" || bad "unicode output of $base differs from its golden"
  "$STC_BIN" graph --asl "$f" --format dot >"$tmp/$base.dot" || bad "dot $base"
  grep -q '^digraph' "$tmp/$base.dot" || bad "dot output of $base"
  # --width: every line fits.
  "$STC_BIN" graph --asl "$f" --format ascii --width 40 >"$tmp/$base.w40" || bad "width $base"
  awk 'length($0) > 40 { exit 1 }' "$tmp/$base.w40" || bad "--width 40 exceeded for $base"
  LC_ALL=C "$STC_BIN" graph --asl "$f" >"$tmp/$base.c" || bad "C locale $base"
  LC_ALL=C grep -q '[^ -~]' "$tmp/$base.c" && bad "C locale output of $base is not ASCII"
done
"$STC_BIN" graph >/dev/null 2>&1; [ $? -eq 2 ] || bad "no arguments: want 2"
"$STC_BIN" graph --asl "$STC_TEST_DATA/data/asl/render_map.asl.json" --format png >/dev/null 2>&1; [ $? -eq 2 ] || bad "bad format: want 2"
"$STC_BIN" graph --asl "$tmp/missing.json" >/dev/null 2>&1; [ $? -eq 3 ] || bad "missing file: want 3"
echo '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}}' >"$tmp/bad.json"
"$STC_BIN" graph --asl "$tmp/bad.json" >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || bad "invalid machine: want 1"
grep -q "STC801" "$tmp/err" || bad "invalid machine: no STC801 diagnostic"
exit $fail
