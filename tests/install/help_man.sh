#!/usr/bin/env bash
# The man page stc-tui(1) and `stc-tui COMMAND --help`, both generated from
# cli/commands.def: the page renders without a warning, its synopses are the
# usage lines of --help, its EXIT STATUS is cli.md's table, its ENVIRONMENT
# names every variable the code reads; every option of commands.def is
# accepted by its command.
set -u
BIN=${STC_BIN:?} SRC=${STC_SOURCE_DIR:?} DIST=${STC_DIST_DIR:?}
MAN=$DIST/stc-tui.1
. "$(dirname "$0")/common.sh"
need groff man lexgrog

[ -s "$MAN" ] || { echo "FAIL: $MAN was not generated"; exit 1; }

# ---- the page renders clean ------------------------------------------------
groff -man -ww -z "$MAN" >"$T/groff.out" 2>&1; rc=$?
if [ $rc = 0 ] && [ ! -s "$T/groff.out" ]; then ok; else bad "groff -man -ww -z: exit $rc"; sed 's/^/  | /' "$T/groff.out" | head; fi
MANWIDTH=80 man --warnings -l "$MAN" >"$T/man.txt" 2>"$T/man.err"; rc=$?
if [ $rc = 0 ] && [ ! -s "$T/man.err" ]; then ok; else bad "man -l: exit $rc"; sed 's/^/  | /' "$T/man.err" | head; fi
for s in NAME SYNOPSIS DESCRIPTION COMMANDS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
  grep -qx "$s" "$T/man.txt" && ok || bad "man -l: no section $s"
done
# The compressed page that is installed is the same page.
cmp -s <(gzip -dc "$MAN.gz") "$MAN" && ok || bad "stc-tui.1.gz is not stc-tui.1"
# whatis/apropos can index it: lexgrog reads the NAME line.
want='"stc-tui - Service Template Compiler for the cloud, with a terminal workbench"'
got=$(lexgrog "$MAN" 2>&1 | sed 's/^[^:]*stc-tui\.1: //')
[ "$got" = "$want" ] && ok || bad "lexgrog: '$got'"

# The page as plain text, one line per synopsis (wide lines, no fonts).
groff -man -Tutf8 -rLL=400n -P-cbou "$MAN" 2>/dev/null | sed 's/\xe2\x88\x92/-/g; s/\xe2\x80\x90/-/g' >"$T/page.txt"
sed -n '/^SYNOPSIS$/,/^DESCRIPTION$/p' "$T/page.txt" | sed -n 's/^ *\(stc-tui.*\)/\1/p' | sed 's/  */ /g' >"$T/synopsis.txt"
section() { sed -n "/^$1\$/,/^[A-Z][A-Z ]*\$/p" "$T/page.txt" | sed '1d;$d'; }

# ---- --help and the page ---------------------------------------------------
"$BIN" --help >"$T/help.txt" 2>&1 && ok || bad "--help exit status"
sed -n 's/^  stc-tui \([a-z][a-z_-]*\) .*/\1/p; s/^  stc-tui \([a-z][a-z_-]*\)$/\1/p' "$T/help.txt" | sort -u >"$T/commands.txt"
# The commands of shared/cli.md and the README are all there (others may follow).
for c in check methods routes openapi asl graph simulate emit spec template diff serve jsonata; do
  grep -qx "$c" "$T/commands.txt" && ok || bad "--help does not list '$c'"
done
grep -q '__complete' "$T/help.txt" "$T/synopsis.txt" && bad "the hidden __complete is shown" || ok
n=0
while read -r c; do
  n=$((n + 1))
  "$BIN" "$c" --help >"$T/c.txt" 2>&1; rc=$?
  [ $rc = 0 ] && ok || bad "$c --help: exit $rc"
  usage=$(sed -n '1s/^usage: //p' "$T/c.txt")
  [ -n "$usage" ] || { bad "$c --help: no usage line"; continue; }
  grep -qxF -- "$usage" "$T/synopsis.txt" && ok || bad "$c: the man page's SYNOPSIS lacks '$usage'"
  # the same line in the --help list, and the same in the COMMANDS section
  grep -qxF -- "  $usage" "$T/help.txt" && ok || bad "$c: stc-tui --help shows another synopsis"
  sed -n "/^   $c\$/,/^   [a-zA-Z]/p" "$T/page.txt" | sed 's/  */ /g' | grep -qxF -- " $usage" &&
    ok || bad "$c: the COMMANDS entry lacks its synopsis"
  # every option of --help is described in the page's entry for the command
  sed -n '/^options:/,/^$/s/^  \(-[^ ]*\).*/\1/p' "$T/c.txt" | tr -d , | while read -r o; do
    [ "$o" = -h ] && continue
    sed -n "/^   $c\$/,/^   [a-zA-Z]/p" "$T/page.txt" | grep -q -- "^       $o\b" || echo "$c $o"
  done >"$T/missing.txt"
  [ ! -s "$T/missing.txt" ] && ok || bad "options of --help missing from the page: $(cat "$T/missing.txt")"
done <"$T/commands.txt"
[ "$(wc -l <"$T/synopsis.txt")" -eq $((n + 3)) ] && ok ||
  bad "SYNOPSIS has $(wc -l <"$T/synopsis.txt") lines for $n commands (want the workbench, each command, COMMAND --help, --help | --version)"

# Usage lines as shared/cli.md writes them (worked out from the contract).
expect_usage() {
  local c=$1 want=$2
  got=$("$BIN" "$c" --help | sed -n '1s/^usage: //p')
  [ "$got" = "$want" ] && ok || bad "$c usage: '$got', want '$want'"
}
expect_usage methods 'stc-tui methods SERVICE.py [--json]'
expect_usage emit 'stc-tui emit SERVICE.py [--mode M] [--config FILE] -o DIR [--query-language jsonata|jsonpath]'
expect_usage diff 'stc-tui diff SERVICE.py --mode A --against B [--config FILE] [--json]'
expect_usage jsonata 'stc-tui jsonata EXPR | --batch FILE.jsonl [--input JSON|@FILE] [--bindings JSON|@FILE] [--datasets DIR]'
expect_usage serve 'stc-tui serve SERVICE.py [--host H] [--port N] [--mode M] [--config FILE] [--state DIR] [--fast] [--json]'
grep -qxF 'stc-tui [--mode M] [--theme NAME] [--config FILE] [--query-language jsonata|jsonpath] SERVICE.py | --asl FILE.asl.json' "$T/synopsis.txt" &&
  ok || bad "the workbench's synopsis"
# --help is help wherever it is, but not as an option's value.
"$BIN" template x.py --mode prod --help >"$T/o" 2>&1 && grep -q '^usage: stc-tui template' "$T/o" && ok ||
  bad "template x.py --mode prod --help"
"$BIN" simulate --asl none.json --input --help >"$T/o" 2>&1; rc=$?
[ $rc = 3 ] && ok || bad "simulate --input --help: the input is '--help' (exit 3 for the missing file), got $rc"
"$BIN" --mode dev --help >"$T/o" 2>&1 && grep -q '^usage: stc-tui \[--mode M\]' "$T/o" && ok || bad "workbench --help"

# ---- EXIT STATUS: shared/cli.md's table ------------------------------------
section 'EXIT STATUS' | sed 's/^ *//; /^$/d; s/  */ /g' >"$T/exit.txt"
cat >"$T/exit.want" <<'EOF'
0 done (for simulate: the execution SUCCEEDED).
1 the input has errors: diagnostics on stderr.
2 usage error.
3 an input or output file could not be read or written (nothing partial is left behind).
4 simulate: the execution FAILED (its error and cause are in the output).
EOF
diff "$T/exit.want" "$T/exit.txt" >/dev/null && ok || { bad "EXIT STATUS"; diff "$T/exit.want" "$T/exit.txt" | head; }
# and --help says the same
for code in 0 1 2 3 4; do
  grep -q "^  $code  " "$T/help.txt" && ok || bad "--help lacks exit status $code"
done

# ---- ENVIRONMENT: every variable the program reads -------------------------
section ENVIRONMENT >"$T/env.txt"
# (every folder of the program: all but the tests, fuzzers, benchmarks and builds)
grep -rhoE '\bgetenv\("[A-Za-z_0-9]+"\)' "$SRC" --include='*.c' --include='*.h' --exclude-dir=tests \
  --exclude-dir=fuzz --exclude-dir=bench --exclude-dir='build*' --exclude-dir=.git | sed 's/getenv("\(.*\)")/\1/' | sort -u >"$T/getenv.txt"
[ -s "$T/getenv.txt" ] || bad "no getenv( found in the sources"
for v in $(cat "$T/getenv.txt") NO_COLOR XDG_CONFIG_HOME; do
  grep -qE "^       ([A-Z_, ]*, )?$v\b" "$T/env.txt" && ok || bad "ENVIRONMENT does not describe $v"
done
section FILES >"$T/files.txt"
for f in SERVICE.stc.yaml SERVICE.mocks.yaml '$XDG_CONFIG_HOME/stc-tui/themes/NAME.theme' \
  'PREFIX/share/stc-tui/themes/NAME.theme'; do
  grep -qxF "       $f" "$T/files.txt" && ok || bad "FILES does not list $f"
done

# ---- commands.def and the commands' own option parsing agree ----------------
# Each option listed for a command is accepted by it: whatever else goes wrong
# (no such module), it is not "unknown option".
while read -r c; do
  "$BIN" "$c" --help | sed -n '/^options:/,/^$/p' | sed -n 's/^  \(-[^ ,]*\)\(, [^ ]*\)\{0,1\}\( \([^ ]*\)\)\{0,1\}.*/\1 \4/p' |
    while read -r o arg; do
      [ "$o" = -h ] && continue
      case $arg in
        '') val=() ;;
        M | A | B) val=(prod) ;;
        *'|'*) val=("${arg%%|*}") ;;
        N) val=(80) ;;
        *) val=(x) ;;
      esac
      echo "$c $o" >>"$T/tried.txt"
      "$BIN" "$c" "$o" "${val[@]}" no-such-module.py >/dev/null 2>"$T/opt.err" </dev/null
      if grep -q "unknown option" "$T/opt.err"; then echo "$c $o: $(head -1 "$T/opt.err")"; fi
    done
done <"$T/commands.txt" >"$T/rejected.txt"
for o in --mode --theme --config; do
  STC_SCRIPT=/dev/null "$BIN" "$o" x no-such-module.py >/dev/null 2>"$T/opt.err" </dev/null
  grep -q "unknown option" "$T/opt.err" && echo "workbench $o" >>"$T/rejected.txt"
done
[ ! -s "$T/rejected.txt" ] && ok || { bad "options of commands.def that their command rejects:"; cat "$T/rejected.txt"; }
# (the options of cli.md's commands at least: simulate alone has 7)
[ "$(grep -c '^simulate ' "$T/tried.txt")" -ge 7 ] && [ "$(wc -l <"$T/tried.txt")" -ge 23 ] && ok ||
  bad "only $(wc -l <"$T/tried.txt") options were tried"
# (That every option a command's code parses is listed is the build's own
# check, stc-gendoc check: tests/install/commands_check.sh.)

finish help_man
