#!/usr/bin/env bash
# The zsh completion (generated into dist/_stc-tui): it loads through
# compinit from fpath and defines _stc-tui for stc-tui, loads when sourced by
# hand, and, driven in an interactive zsh on a pseudo-terminal (zsh/zpty),
# offers the words worked out by hand: commands, modes, formats, themes,
# options and the workflow methods of the module on the line.
set -u
BIN=${STC_BIN:?} SRC=${STC_SOURCE_DIR:?} DIST=${STC_DIST_DIR:?}
. "$(dirname "$0")/common.sh"
need zsh
[ -s "$DIST/_stc-tui" ] || { echo "FAIL: $DIST/_stc-tui was not generated"; exit 1; }

mkdir -p "$T/fpath" "$T/work/sub" "$T/home"
cp "$DIST/_stc-tui" "$T/fpath/"
zsh -n "$T/fpath/_stc-tui" && ok || bad "zsh -n: the script does not parse"

# Loaded by compinit from fpath, as the installed file is.
out=$(HOME=$T/home zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D
  print -r -- "$_comps[stc-tui]"; autoload +X _stc-tui && (( $+functions[_stc-tui] )) && print defined' _ "$T/fpath" 2>&1)
[ "$out" = $'_stc-tui\ndefined' ] && ok || bad "compinit: '$out'"
# Sourced by hand after compinit.
out=$(HOME=$T/home zsh -f -c 'autoload -U compinit; compinit -u -D; source "$1"
  print -r -- "$_comps[stc-tui] ${+functions[_stc_tui_cmd_simulate]}"' _ "$T/fpath/_stc-tui" 2>&1)
[ "$out" = "_stc-tui 1" ] && ok || bad "source: '$out'"

# capture.zsh LINE: the words zsh offers for LINE<Tab> (each compadd's matches).
cat >"$T/capture.zsh" <<'EOF'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1= PROMPT= RPROMPT="
zpty -w z "fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -r -- "<HIT>$h</HIT>"; done
  builtin compadd "$@"
}'
zpty -w z "zstyle ':completion:*' menu no"
# the completion says when it is over (_main_complete calls comppostfuncs),
# so that no key is typed ahead of it
zpty -w z "_capture_done() { print -r -- '<COMP''DONE>' }; comppostfuncs=(_capture_done)"
zpty -w z "cd ${(q)2}; print -r -- '<REA''DY>'"
zpty -r z line '*<READY>*'
zpty -n -w z "$3"$'\t'
zpty -r z out '*<COMPDONE>*'
print -r -- $out | grep -o '<HIT>[^<]*</HIT>' | sed 's/<HIT>//;s/<\/HIT>//' | sort -u | tr '\n' ' ' | sed 's/ $//'
zpty -d z
EOF
cp "$SRC/examples/people.py" "$SRC/examples/orders.py" "$SRC/examples/people.mocks.yaml" "$T/work/"
echo '{}' >"$T/work/input.json"
mkdir -p "$T/home/.config/stc-tui/themes"
echo 'color title red default' >"$T/home/.config/stc-tui/themes/sunset.theme"
expect() {
  local want=$1 line=$2 got
  got=$(HOME=$T/home XDG_CONFIG_HOME= timeout 30 zsh -f "$T/capture.zsh" "$T/fpath" "$T/work" "$BIN $line" 2>&1)
  [ "$got" = "$want" ] && ok || bad "zsh: stc-tui $line<Tab>: got '$got', want '$want'"
}
expect '_onboard' 'simulate people.py '
expect '_fulfil submit_payment' 'asl orders.py '
expect '_onboard' 'graph --format dot people.py '
expect 'dev prod stage test' 'template people.py --mode '
expect 'json yaml' 'template people.py --format '
expect 'jsonata jsonpath' 'graph people.py _onboard --query-language '
expect 'ascii dot svg unicode' 'graph people.py _onboard --format '
expect 'default high-contrast light mono sunset' '--theme '
expect 'simulate' 'sim'
expect 'serve' 'ser'
expect 'sub' 'serve people.py --state '
expect 'people.mocks.yaml' 'simulate people.py _onboard --mocks people.m'
expect 'sub' 'emit people.py -o '
expect '--against' 'diff people.py --ag'
expect '--source-map' 'asl people.py _onboard --so'

finish zsh_completion
