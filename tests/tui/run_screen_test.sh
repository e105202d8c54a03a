#!/usr/bin/env bash
# run_screen_test.sh NAME - a headless screen test (tig's method).
#
# Copies the examples (modules, state machines and their mocks files) and
# tests/tui/data into a fresh folder (HOME is its home/ folder), runs
# `stc-tui ARGS` there with STC_SCRIPT=scripts/NAME.script (ARGS come from the
# script's "# args:" line), then compares every NAME*.screen / NAME*.attrs the
# script saved with golden/<same name>. UPDATE_GOLDEN=1 shows the difference
# and rewrites the golden files instead of failing.
set -u
name=$1
: "${STC_BIN:?STC_BIN not set}" "${STC_TEST_DATA:?STC_TEST_DATA not set}"
here=$STC_TEST_DATA/tui
script=$here/scripts/$name.script
[ -f "$script" ] || { echo "no script $script"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/stc-screen-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$STC_TEST_DATA"/../examples/*.py "$STC_TEST_DATA"/../examples/*.mocks.yaml \
   "$STC_TEST_DATA"/../examples/*.asl.json "$work"/
cp -r "$here"/data/. "$work"/
# a home of its own: learn mode keeps its progress in
# ~/.local/state/stc-tui/learn.json (a script may put a file there first)
mkdir -p "$work/home/.local/state/stc-tui"
export HOME="$work/home" XDG_STATE_HOME=
args=$(sed -n 's/^# args: *//p' "$script" | head -1)
envs=$(sed -n 's/^# env: *//p' "$script" | head -1)
[ -n "$args" ] || { echo "$script has no '# args:' line"; exit 1; }
cd "$work"
# shellcheck disable=SC2086
env $envs STC_SCRIPT="$script" "$STC_BIN" $args >stdout.txt 2>stderr.txt
rc=$?
if [ $rc -ne 0 ]; then
  echo "stc-tui exited with $rc"; cat stderr.txt; exit 1
fi
if [ -s stderr.txt ]; then
  echo "unexpected output on stderr:"; cat stderr.txt; exit 1
fi
shopt -s nullglob
masks=$(sed -n 's/^# mask: *//p' "$script")
if [ -n "$masks" ]; then
  for f in "$name".screen "$name"-*.screen; do
    while IFS= read -r re; do
      [ -n "$re" ] || continue
      MASK_RE=$re perl -CSD -Mutf8 -pi -e 's/$ENV{MASK_RE}/"#" x length($&)/ge' "$f"
    done <<<"$masks"
  done
fi
outs=("$name".screen "$name"-*.screen "$name".attrs "$name"-*.attrs)
[ ${#outs[@]} -gt 0 ] || { echo "the script saved no screen"; exit 1; }
status=0
for f in "${outs[@]}"; do
  [ -f "$f" ] || continue
  golden=$here/golden/$f
  if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
    if [ -f "$golden" ]; then diff -u "$golden" "$f"; else echo "new golden $f"; cat "$f"; fi
    cp "$f" "$golden"
  elif [ ! -f "$golden" ]; then
    echo "missing golden file $golden (run with UPDATE_GOLDEN=1 after reading $f:)"; cat "$f"; status=1
  elif ! diff -u "$golden" "$f"; then
    echo "screen $f differs from $golden"; status=1
  fi
done
# every golden of this test must have been produced
for g in "$here"/golden/"$name".screen "$here"/golden/"$name"-*.screen "$here"/golden/"$name".attrs "$here"/golden/"$name"-*.attrs; do
  [ -f "$g" ] || continue
  [ -f "$(basename "$g")" ] || { echo "the script did not save $(basename "$g")"; status=1; }
done
exit $status
