#!/usr/bin/env bash
# `cpack -G DEB` builds stc-tui_VERSION_ARCH.deb: its control fields, its
# contents (all under /usr, in the places of tests/install/tree.sh), its
# Depends (every shared library the binary needs belongs to a package it
# names, worked out here with objdump and dpkg -S, not dpkg-shlibdeps, plus
# the Python standard library of the statically linked interpreter); then
# `dpkg -x` into a throwaway root, and the binary from there runs. Nothing is
# installed on this machine.
set -u
SRC=${STC_SOURCE_DIR:?} BUILD=${STC_BUILD_DIR:?}
. "$(dirname "$0")/common.sh"
need cpack dpkg-deb dpkg-shlibdeps objdump man
keep_install_record "$BUILD"
rm -f "$BUILD/stc-tui-installed.cmake"

cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1 && ok ||
  { bad "cpack -G DEB"; tail -20 "$T/cpack.log"; exit 1; }
# cpack's own install, into its staging folder, is not recorded for uninstall
# (the package's /usr paths would make uninstall remove the package's files).
[ ! -e "$BUILD/stc-tui-installed.cmake" ] && ok || bad "cpack wrote the uninstall record"
debs=("$T"/pkg/*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] && ok || { bad "cpack made ${#debs[@]} packages"; exit 1; }
DEB=${debs[0]}
version=$("${STC_BIN:?}" --version | sed 's/^stc-tui //')
arch=$(dpkg --print-architecture)
[ "$(basename "$DEB")" = "stc-tui_${version}_${arch}.deb" ] && ok || bad "package file name $(basename "$DEB")"
field() { dpkg-deb -f "$DEB" "$1"; }
[ "$(field Package)" = stc-tui ] && ok || bad "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && ok || bad "Version: $(field Version)"
[ "$(field Architecture)" = "$arch" ] && ok || bad "Architecture: $(field Architecture)"
[ -n "$(field Maintainer)" ] && [ -n "$(field Description)" ] && ok || bad "no Maintainer or Description"

# ---- contents ------------------------------------------------------------
dpkg-deb --contents "$DEB" >"$T/contents" || bad "dpkg-deb --contents"
awk '{print $6}' "$T/contents" | sed 's,^\./,/,; s,/$,,' | sed '/^$/d' >"$T/paths"
for f in /usr/bin/stc-tui /usr/share/man/man1/stc-tui.1.gz /usr/share/bash-completion/completions/stc-tui \
  /usr/share/zsh/vendor-completions/_stc-tui /usr/share/stc-tui/themes/default.theme \
  /usr/share/stc-tui/themes/mono.theme /usr/share/doc/stc-tui/README.md /usr/share/doc/stc-tui/examples/people.py; do
  grep -qx "$f" "$T/paths" && ok || bad "the package lacks $f"
done
grep -v '^/usr' "$T/paths" >"$T/outside"
[ ! -s "$T/outside" ] && ok || bad "files outside /usr: $(head -3 "$T/outside")"
grep -q '^/usr/local' "$T/paths" && bad "files in /usr/local" || ok
awk '{print $2}' "$T/contents" | sort -u >"$T/owners"
[ "$(cat "$T/owners")" = root/root ] && ok || bad "owners: $(tr '\n' ' ' <"$T/owners")"
grep ' ./usr/bin/stc-tui$' "$T/contents" | grep -q '^-rwxr-xr-x' && ok || bad "the binary's mode"

# ---- Depends -------------------------------------------------------------
depends=$(field Depends)
# The package names of Depends, one a line (version constraints dropped).
echo "$depends" | tr ',' '\n' | sed 's/(.*)//; s/^ *//; s/ *$//; s/:.*//' | sed '/^$/d' | sort -u >"$T/depends"
py=$(pkg-config --modversion python3-embed)
grep -qx "libpython$py-stdlib" "$T/depends" && ok || bad "Depends lacks libpython$py-stdlib: $depends"
# Every library the binary is linked with, found where the loader finds it,
# belongs to a package of Depends.
objdump -p "$BUILD/stc-tui" | awk '/NEEDED/ {print $2}' >"$T/needed"
[ -s "$T/needed" ] && ok || bad "objdump found no NEEDED libraries"
while read -r lib; do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|x32|AArch64|i386|arm/ {print $NF; exit}')
  [ -z "$path" ] && path=$(ldconfig -p | awk -v l="$lib" '$1 == l {print $NF; exit}')
  [ -n "$path" ] || { echo "$lib: not found by ldconfig"; continue; }
  real=$(readlink -f "$path")
  pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$real" 2>/dev/null || dpkg -S "${path#/usr}" 2>/dev/null ||
    dpkg -S "/usr$path" 2>/dev/null)
  pkg=$(echo "$pkg" | head -1 | sed 's/:.*//; s/:[a-z0-9]*$//')
  [ -n "$pkg" ] || { echo "$lib: no package owns $path"; continue; }
  grep -qx "$pkg" "$T/depends" || echo "$lib: package $pkg is not in Depends"
done <"$T/needed" >"$T/missing"
[ ! -s "$T/missing" ] && ok || { bad "Depends misses linked libraries:"; cat "$T/missing"; echo "  Depends: $depends"; }
# The libraries the build asks pkg-config for are among them (CMakeLists.txt).
for p in libcjson1 libyaml-0-2 libgvc6 libncursesw6 libzip4 libc6; do
  grep -qx "$p" "$T/depends" && ok || bad "Depends lacks $p: $depends"
done

# ---- the extracted tree runs -------------------------------------------------
dpkg -x "$DEB" "$T/root" && ok || bad "dpkg -x"
STC=$T/root/usr/bin/stc-tui
EX=$T/root/usr/share/doc/stc-tui/examples
cd "$T" || exit 1
[ "$("$STC" --version)" = "stc-tui $version" ] && ok || bad "extracted --version: $("$STC" --version 2>&1)"
"$STC" template "$EX/people.py" >"$T/template.yaml" 2>"$T/template.err" && ok ||
  { bad "extracted template: exit $?"; head -5 "$T/template.err"; }
head -1 "$T/template.yaml" | grep -qx "AWSTemplateFormatVersion: '2010-09-09'" && ok || bad "template output"
grep -q 'AWS::StepFunctions::StateMachine' "$T/template.yaml" && ok || bad "the template has no state machine"
[ "$("$STC" __complete themes | tr '\n' ' ')" = "default high-contrast light mono " ] && ok || bad "extracted themes"
[ "$("$STC" __complete methods "$EX/people.py")" = _onboard ] && ok || bad "extracted __complete methods"
# The man page in the package renders.
MANWIDTH=80 man -l "$T/root/usr/share/man/man1/stc-tui.1.gz" 2>"$T/man.err" | grep -q '^EXIT STATUS' && [ ! -s "$T/man.err" ] &&
  ok || bad "the packaged man page does not render"

finish install_package
