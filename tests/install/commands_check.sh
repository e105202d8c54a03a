#!/usr/bin/env bash
# `stc-gendoc check`, the build step that stops the build when cli/commands.def
# and the commands' code disagree: it passes on the real tree, and on a copy
# with one disagreement of each kind it fails naming each one (file, line,
# what to do), worked out here from the edits made to the copy.
set -u
SRC=${STC_SOURCE_DIR:?} DIST=${STC_DIST_DIR:?}
GENDOC=$DIST/stc-gendoc
. "$(dirname "$0")/common.sh"
[ -x "$GENDOC" ] || { echo "FAIL: $GENDOC was not built"; exit 1; }

"$GENDOC" check "$T/ok.stamp" "$SRC" >"$T/ok.out" 2>&1 && ok || { bad "check on the real tree"; cat "$T/ok.out"; }
[ "$(cat "$T/ok.stamp" 2>/dev/null)" = "cli/commands.def agrees with the commands' code" ] && ok || bad "stamp"
# the build ran it too
[ -s "$DIST/commands.checked" ] && ok || bad "the build did not run the check"

# A copy of the parts the check reads, then one disagreement of each kind.
C=$T/src
mkdir -p "$C/cli" "$C/tui"
cp "$SRC"/cli/*.c "$C/cli/" && cp "$SRC/tui/main.c" "$C/tui/" || exit 1
# 1. spec parses an option nobody listed: a new line 3 of cmd_spec.c
sed -i '2a static const char *const pretty = "--pretty";' "$C/cli/cmd_spec.c"
# 2. simulate no longer mentions --trace (renamed in the code only)
line=$(grep -n '"--trace"' "$C/cli/cmd_simulate.c" | head -1 | cut -d: -f1)
sed -i 's/"--trace"/"--tracing"/' "$C/cli/cmd_simulate.c"
# 3. a command file without its STC_COMMAND line
printf 'int stc_cmd_frobnicate(int argc, char **argv);\n' >"$C/cli/cmd_frobnicate.c"
# 4. a command whose file is gone
rm "$C/cli/cmd_methods.c"
# 5. the workbench (tui/main.c) parses one more option
sed -i '1a /* "-q" */' "$C/tui/main.c"

"$GENDOC" check "$T/bad.stamp" "$C" >"$T/bad.out" 2>&1; rc=$?
[ $rc = 1 ] && ok || bad "check on the broken copy: exit $rc, want 1"
[ ! -e "$T/bad.stamp" ] && [ ! -e "$T/bad.stamp.tmp" ] && ok || bad "a stamp was left for the broken copy"
expect() {
  grep -qxF -- "$1" "$T/bad.out" && ok || bad "no line: $1"
}
expect 'cli/cmd_spec.c:3: error: spec parses "--pretty", which cli/commands.def does not list: add'
expect '    STC_OPTION(spec, "--pretty", NULL, "ARG" or NULL for a flag, VALUES or NULL, 0, "what it does")'
expect "cli/cmd_simulate.c:$line: error: simulate parses \"--tracing\", which cli/commands.def does not list: add"
expect 'cli/commands.def: error: option --trace of simulate: neither cli/cmd_simulate.c nor cli/common.c mentions "--trace"; parse it there or drop its STC_OPTION line'
expect 'cli/cmd_frobnicate.c: error: no STC_COMMAND line of cli/commands.def has the function stc_cmd_frobnicate: add the command'"'"'s STC_COMMAND and STC_OPTION lines'
expect 'cli/commands.def: error: command methods: its function stc_cmd_methods should be in cli/cmd_methods.c, which does not exist'
expect 'tui/main.c:2: error: workbench parses "-q", which cli/commands.def does not list: add'
expect "stc-gendoc: cli/commands.def and the commands' code disagree (see its header comment)"
# nothing else: five disagreements, two of them with the line to add
[ "$(grep -c ': error: ' "$T/bad.out")" = 6 ] && ok || { bad "want 6 errors:"; cat "$T/bad.out"; }

finish commands_check
