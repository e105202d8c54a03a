#!/usr/bin/env bash
# `cmake --install` into a DESTDIR lays out the Unix tree (bin, share/stc-tui/themes,
# share/man/man1, the completions, share/doc/stc-tui) and records it for the
# uninstall target, which removes it again; the tree, moved to another prefix, runs: the binary finds its themes there (an extra theme
# dropped into the installed folder is listed and loaded by the workbench)
# and opens no file of the source or build tree (strace).
set -u
SRC=${STC_SOURCE_DIR:?} BUILD=${STC_BUILD_DIR:?}
. "$(dirname "$0")/common.sh"
need strace cmake
keep_install_record "$BUILD"

DESTDIR=$T/stage cmake --install "$BUILD" --prefix /usr >"$T/install.log" 2>&1 && ok ||
  { bad "cmake --install"; tail "$T/install.log"; exit 1; }
# What the issue asks for, where Debian and the FHS put it.
for f in bin/stc-tui share/stc-tui/themes/default.theme share/stc-tui/themes/light.theme \
  share/stc-tui/themes/high-contrast.theme share/stc-tui/themes/mono.theme share/man/man1/stc-tui.1.gz \
  share/bash-completion/completions/stc-tui share/zsh/vendor-completions/_stc-tui \
  share/doc/stc-tui/README.md share/doc/stc-tui/docs/workbench.md share/doc/stc-tui/examples/people.py \
  share/doc/stc-tui/examples/people.mocks.yaml; do
  [ -f "$T/stage/usr/$f" ] && ok || bad "not installed: /usr/$f"
done
[ -x "$T/stage/usr/bin/stc-tui" ] && ok || bad "bin/stc-tui is not executable"
# Nothing else at the top (no include/, lib/ ...) and nothing outside the prefix.
[ "$(cd "$T/stage" && ls)" = usr ] && ok || bad "installed outside the prefix: $(cd "$T/stage" && ls)"
[ "$(cd "$T/stage/usr" && ls | tr '\n' ' ')" = "bin share " ] && ok || bad "usr/ holds $(ls "$T/stage/usr")"
cmp -s "$SRC/themes/light.theme" "$T/stage/usr/share/stc-tui/themes/light.theme" && ok || bad "light.theme differs"

# Move the tree: another prefix than the one installed to, far from the sources.
ROOT=$T/elsewhere/opt/stc
mkdir -p "$(dirname "$ROOT")"
mv "$T/stage/usr" "$ROOT"
STC=$ROOT/bin/stc-tui
mkdir -p "$T/run" "$T/home/.config"
cp "$ROOT/share/doc/stc-tui/examples/people.py" "$ROOT/share/doc/stc-tui/examples/people.mocks.yaml" "$T/run/"
cd "$T/run" || exit 1
export HOME=$T/home XDG_CONFIG_HOME=$T/home/.config
# An installed theme that is not compiled in, with one bad line: the workbench
# reports that line with the installed file's name when --theme ocean loads it.
printf 'color title red default\ncolor no_such_element red default\n' >"$ROOT/share/stc-tui/themes/ocean.theme"

want_version="stc-tui $("${STC_BIN:?}" --version | sed 's/^stc-tui //')"
[ "$("$STC" --version)" = "$want_version" ] && ok || bad "--version: $("$STC" --version)"
"$STC" __complete themes >"$T/themes" 2>&1
[ "$(tr '\n' ' ' <"$T/themes")" = "default high-contrast light mono ocean " ] && ok ||
  bad "installed themes: $(tr '\n' ' ' <"$T/themes")"

# A user's PATH: none of the source or build tree's folders, whatever the test
# environment puts there (the embedded Python looks for python3 along PATH).
PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e "^$SRC/" -e "^$SRC\$" -e "^$BUILD/" -e "^$BUILD\$" | paste -sd:)
export PATH
# Each run under strace: every file the process (and its children) opens,
# stats or executes.
traced() {
  local name=$1; shift
  ASAN_OPTIONS=detect_leaks=0 strace -f -qq -e trace=%file -o "$T/$name.trace" "$@" >"$T/$name.out" 2>"$T/$name.err"
}
traced template "$STC" template people.py && ok || { bad "installed template: exit $?"; head -5 "$T/template.err"; }
head -1 "$T/template.out" | grep -qx "AWSTemplateFormatVersion: '2010-09-09'" && ok ||
  bad "template output: $(head -1 "$T/template.out")"
traced graph "$STC" graph people.py _onboard --format ascii && ok || bad "installed graph: exit $?"
grep -q 'Call _send_email' "$T/graph.out" && ok || bad "graph draws no 'Call _send_email' box"
traced simulate "$STC" simulate people.py _onboard --input '{"person_id": "p1", "email": "a@b.c"}' \
  --mocks people.mocks.yaml --json && ok || bad "installed simulate: exit $?"
grep -q '"status":[[:space:]]*"SUCCEEDED"' "$T/simulate.out" && ok || bad "simulate: $(cat "$T/simulate.out")"
# The workbench, headless: the Diagnostics tab after loading the installed theme.
printf '4\n:save-display %s\nq\n' "$T/diags.screen" >"$T/keys.script"
STC_SCRIPT=$T/keys.script COLUMNS=160 LINES=40 traced workbench "$STC" --theme ocean people.py && ok ||
  { bad "installed workbench: exit $?"; head -5 "$T/workbench.err"; }
grep -q "ocean.theme:2:7 STC950 unknown element 'no_such_element'" "$T/diags.screen" && ok ||
  { bad "the workbench did not read the installed ocean.theme"; grep -i theme "$T/diags.screen" | head -3; }

# None of them touched the source or the build tree.
for r in template graph simulate workbench; do
  [ -s "$T/$r.trace" ] || { bad "$r: no strace log"; continue; }
  grep -F -e "\"$SRC/" -e "\"$SRC\"" -e "\"$BUILD/" -e "\"$BUILD\"" "$T/$r.trace" >"$T/$r.hits"
  [ ! -s "$T/$r.hits" ] && ok || { bad "$r opened files of the source or build tree:"; head -5 "$T/$r.hits"; }
done
# ... and the installed data folder is what was read.
grep -q "\"$ROOT/share/stc-tui/themes/ocean.theme\"" "$T/workbench.trace" && ok || bad "ocean.theme was not opened"

# ---- uninstall: what the last install recorded ----------------------------
# Another install (prefix /opt/stc), one theme of the user's added to the
# installed folder, then the uninstall target.
U=$T/u
DESTDIR=$U cmake --install "$BUILD" --prefix /opt/stc >"$T/install2.log" 2>&1 && ok || bad "second cmake --install"
rec=$BUILD/stc-tui-installed.cmake
grep -qF "$U/opt/stc/bin/stc-tui;" "$rec" && ok || bad "the record lacks $U/opt/stc/bin/stc-tui"
(cd "$U/opt/stc" && find . -type f | sort) >"$T/installed2"
[ "$(wc -l <"$T/installed2")" -ge 20 ] && ok || bad "only $(wc -l <"$T/installed2") files installed"
echo 'color title red default' >"$U/opt/stc/share/stc-tui/themes/mine.theme"
mkdir -p "$U/opt/stc/bin" && echo keep >"$U/opt/stc/bin/other-tool"
cmake --build "$BUILD" --target uninstall >"$T/uninstall.log" 2>&1 && ok || { bad "uninstall target"; tail "$T/uninstall.log"; }
# Left: the user's theme (and so its folders), the other tool, the shared
# folders now empty; every installed file and stc-tui's doc folder are gone.
(cd "$U/opt/stc" && find . | sort) >"$T/left"
cat >"$T/left.want" <<'EOF2'
.
./bin
./bin/other-tool
./share
./share/bash-completion
./share/bash-completion/completions
./share/doc
./share/man
./share/man/man1
./share/stc-tui
./share/stc-tui/themes
./share/stc-tui/themes/mine.theme
./share/zsh
./share/zsh/vendor-completions
EOF2
diff "$T/left.want" "$T/left" >"$T/left.diff" && ok || { bad "after uninstall:"; head -20 "$T/left.diff"; }
grep -c '^-- Removed: .*[^/]$' "$T/uninstall.log" >"$T/nremoved"
[ "$(cat "$T/nremoved")" = "$(wc -l <"$T/installed2")" ] && ok ||
  bad "uninstall removed $(cat "$T/nremoved") files of $(wc -l <"$T/installed2")"
grep -qx -- "-- Kept (not empty): $U/opt/stc/share/stc-tui/themes/" "$T/uninstall.log" && ok || bad "no 'Kept' line for themes/"
# The record went with it: a second uninstall says there is nothing to do.
[ ! -e "$rec" ] && ok || bad "the record is still there"
cmake --build "$BUILD" --target uninstall >"$T/uninstall2.log" 2>&1 && bad "a second uninstall succeeded" || ok
grep -q "stc-tui: nothing to uninstall: $rec does not exist" "$T/uninstall2.log" && ok || bad "second uninstall's message"

finish install_tree
