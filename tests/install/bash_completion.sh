#!/usr/bin/env bash
# The bash completion (generated into dist/stc-tui.bash): sourced into a bash,
# its function is called the way bash calls it (COMP_WORDS, COMP_CWORD) and
# COMPREPLY must hold exactly the words worked out by hand from
# cli/commands.def, shared/cli.md and the example modules.
set -u
BIN=${STC_BIN:?} SRC=${STC_SOURCE_DIR:?} DIST=${STC_DIST_DIR:?}
SCRIPT=$DIST/stc-tui.bash
. "$(dirname "$0")/common.sh"
[ -s "$SCRIPT" ] || { echo "FAIL: $SCRIPT was not generated"; exit 1; }
bash -n "$SCRIPT" && ok || bad "bash -n: the script does not parse"

# A folder the file completions are checked in: two modules, a mocks file,
# a JSON input, a theme, a text file no completion offers, and a folder.
W=$T/work
mkdir -p "$W/sub" "$T/config/stc-tui/themes"
cp "$SRC/examples/people.py" "$SRC/examples/orders.py" "$SRC/examples/people.mocks.yaml" "$W/"
echo '{"person_id": "p1", "email": "ada@example.com"}' >"$W/input.json"
echo 'color title red default' >"$W/ocean.theme"
echo 'notes' >"$W/notes.txt"
echo '{"expr": "1"}' >"$W/cases.jsonl"
printf 'class Broken:\n    def (self:\n' >"$W/broken.py"
# a personal theme
cp "$W/ocean.theme" "$T/config/stc-tui/themes/sunset.theme"
cd "$W" || exit 1

# complete WORDS...: the completions of the last word (the cursor is at its
# end), sorted, one line. Runs in a fresh bash that sourced the script.
complete_words() {
  XDG_CONFIG_HOME=$T/config bash -c '
    source "$1" || exit 9
    shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _stc_tui 2>/dev/null
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
  ' _ "$SCRIPT" "$BIN" "$@"
}
# expect 'WANTED WORDS' WORDS...
expect() {
  local want=$1; shift
  local got
  got=$(complete_words "$@")
  [ "$got" = "$want" ] && ok || bad "stc-tui ${*}<Tab>: got '$got', want '$want'"
}

# expect_has 'WORDS' WORDS...: the completions include each of WORDS (for lists
# that other options may join).
expect_has() {
  local want=$1 w got; shift
  got=$(complete_words "$@")
  for w in $want; do
    [[ " $got " == *" $w "* ]] && ok || bad "stc-tui ${*}<Tab>: no '$w' in '$got'"
  done
}

# The script registers itself for the stc-tui command.
bash -c 'source "$1" && complete -p stc-tui' _ "$SCRIPT" 2>/dev/null | grep -qx 'complete -F _stc_tui stc-tui' &&
  ok || bad "complete -p stc-tui"

# Commands (cli.md) and modules at the first word; the hidden __complete is not offered.
all=$(complete_words '')
for c in check methods routes openapi asl graph simulate emit spec template diff serve jsonata broken.py orders.py people.py sub; do
  [[ " $all " == *" $c "* ]] && ok || bad "stc-tui <Tab>: no '$c' in '$all'"
done
[[ " $all " == *" __complete "* || " $all " == *" notes.txt "* || " $all " == *" input.json "* ]] &&
  bad "stc-tui <Tab> offers what it should not: '$all'" || ok
expect 'serve simulate spec sub' s
expect 'serve' se
expect 'simulate' si
expect 'template' te
expect 'people.py' peo

# Operands: SERVICE.py is a .py file (or a folder); METHOD the workflow methods.
expect 'broken.py orders.py people.py sub' check ''
expect '_onboard' simulate people.py ''
expect '_onboard' graph people.py _
expect '_onboard' asl people.py _on
expect '_fulfil submit_payment' asl orders.py ''
expect 'submit_payment' simulate orders.py s
expect '_onboard' simulate --json people.py ''
expect '_onboard' simulate --mocks people.mocks.yaml people.py ''
expect '_onboard' graph --format dot people.py ''
expect '_onboard' asl "$W/people.py" ''
expect '' asl broken.py ''
expect '' asl missing.py ''
expect '' asl people.py _onboard ''
expect '' template people.py ''

# Options of each command (commands.def) and the workbench.
expect '--against --config --help --json --mode -h' diff people.py -
expect_has '--config --help --mode --output -h -o' emit -
expect_has '--asl --help --input --json --mocks --params --run-local --trace' simulate --
expect_has '--asl --format --help --width' graph --
expect_has '--asl --config --help --mode --theme --version' --
expect '--source-map' asl people.py _onboard --s

# Values of options.
expect 'jsonata jsonpath' template people.py --query-language ''
expect 'jsonpath' asl people.py _onboard --query-language jsonp
expect 'jsonata jsonpath' --query-language ''
expect 'dev prod stage test' template people.py --mode ''
expect 'prod' template people.py --mode p
expect 'dev prod stage test' --mode ''
expect 'dev prod stage test' diff people.py --mode prod --against ''
expect 'json yaml' template people.py --format ''
expect 'ascii dot svg unicode' graph people.py _onboard --format ''
expect 'default high-contrast light mono sunset' --theme ''
expect './ocean.theme' --theme ./oc
expect 'input.json people.mocks.yaml sub' simulate people.py _onboard --mocks ''
expect 'input.json people.mocks.yaml sub' template people.py --config ''
expect 'input.json sub' simulate --asl ''
expect '@input.json @sub/' simulate people.py _onboard --input @
expect '@input.json' simulate people.py _onboard --input @in
expect '@' simulate people.py _onboard --params ''
expect 'sub' emit people.py -o ''
expect 'sub' emit people.py --output ''
expect '' graph people.py _onboard --width ''
# serve (it runs the module: the help says so; completion only names things)
expect '--config --fast --help --host --json --mode --port --state -h' serve people.py -
expect 'dev prod stage test' serve people.py --mode ''
expect 'sub' serve people.py --state ''
expect '' serve people.py --port ''
expect 'broken.py orders.py people.py sub' serve ''
# jsonata: EXPR is typed; --batch takes a .jsonl file, --datasets a folder
expect '--batch --bindings --datasets --help --input -h' jsonata -
expect 'cases.jsonl sub' jsonata --batch ''
expect 'sub' jsonata --batch cases.jsonl --datasets ''
expect '@input.json @sub/' jsonata '$.a' --input @
expect '' jsonata ''
# An option's value is not an operand: METHOD is still the second operand.
expect '_onboard' simulate --input @input.json people.py ''
expect 'broken.py orders.py people.py sub' --mode prod ''

# Every command of --help completes, with the options its --help lists.
"$BIN" --help | sed -n 's/^  stc-tui \([a-z][a-z_-]*\)\( .*\)\{0,1\}$/\1/p' | sort -u >"$T/commands"
while read -r c; do
  want=$("$BIN" "$c" --help | sed -n '/^options:/,/^$/s/^  \(-[^ ,]*\)\(, \(-[^ ]*\)\)\{0,1\}.*/\1 \3/p' |
    tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
  expect "$want" "$c" -
done <"$T/commands"

finish bash_completion
