#!/usr/bin/env bash
# `stc-tui new SERVICE.py --entities ...` (docs/new.md): the three files, all
# or none; the module checks clean; its routes are the naming convention's
# (the table below is worked out by hand from docs/naming-convention.md);
# cfn-lint is clean on its template in every mode, YAML and JSON; the
# workbench opens it; _report simulates with the mocks file and with the real
# methods; existing files are never touched (exit 3); bad lists are usage
# errors (exit 2) naming the character. FAILS when cfn-lint is missing.
. "$(dirname "$0")/../cli_lib.sh"
need_tool cfn-lint "pip install cfn-lint"

# ---- the list of the issue: book, shelf/book, person -------------------------
mkdir "$tmp/a"
expect 0 "new" -- "$STC_BIN" new "$tmp/a/library.py" --entities book,shelf/book,person
[ "$(ls "$tmp/a" | tr '\n' ' ')" = "library.mocks.yaml library.py library.stc.yaml " ] \
    || { echo "FAIL: the files written: $(ls "$tmp/a")" >&2; fail=1; }
grep -qx "wrote $tmp/a/library.py (LibraryService: 3 entities, 15 routes, the workflow _report), library.mocks.yaml and library.stc.yaml" "$tmp/out" \
    || { echo "FAIL: the summary line" >&2; cat "$tmp/out" >&2; fail=1; }
expect 0 "check" -- "$STC_BIN" check "$tmp/a/library.py"
grep -qx ".*library.py: 0 errors, 0 warnings" "$tmp/err" || { echo "FAIL: not clean" >&2; cat "$tmp/err" >&2; fail=1; }
expect 0 "routes --json" -- "$STC_BIN" routes "$tmp/a/library.py" --json
py "the routes" '
want = [
  ("POST", "/books", "create_book", [], [], ["name"]),
  ("GET", "/books/{book_id}", "get_book", ["book_id"], [], []),
  ("GET", "/books", "list_books", [], ["limit"], []),
  ("PUT", "/books/{book_id}", "update_book", ["book_id"], [], ["name"]),
  ("DELETE", "/books/{book_id}", "delete_book", ["book_id"], [], []),
  ("POST", "/shelves/{shelf_id}/books", "create_shelf_book", ["shelf_id"], [], ["name"]),
  ("GET", "/shelves/{shelf_id}/books/{book_id}", "get_shelf_book", ["shelf_id", "book_id"], [], []),
  ("GET", "/shelves/{shelf_id}/books", "list_shelf_books", ["shelf_id"], ["limit"], []),
  ("PUT", "/shelves/{shelf_id}/books/{book_id}", "update_shelf_book", ["shelf_id", "book_id"], [], ["name"]),
  ("DELETE", "/shelves/{shelf_id}/books/{book_id}", "delete_shelf_book", ["shelf_id", "book_id"], [], []),
  ("POST", "/people", "create_person", [], [], ["name"]),
  ("GET", "/people/{person_id}", "get_person", ["person_id"], [], []),
  ("GET", "/people", "list_people", [], ["limit"], []),
  ("PUT", "/people/{person_id}", "update_person", ["person_id"], [], ["name"]),
  ("DELETE", "/people/{person_id}", "delete_person", ["person_id"], [], []),
]
got = [(r["method"], r["path"], r["function"], r["path_params"], r["query_params"], r["body_params"]) for r in d["http"]]
assert got == want, got
assert not any(r["async"] for r in d["http"]) and d["websocket"] == [] and d["diagnostics"] == []'
expect 0 "methods --json" -- "$STC_BIN" methods "$tmp/a/library.py" --json
py "the units" '
k = {m["name"]: (m["kind"], m["unit"]) for m in d["methods"]}
assert k["_report"] == ("function", "state_machine") and k["_count_shelf_books"] == ("function", "lambda"), k
assert len(d["methods"]) == 1 + 15 + 3 + 1, len(d["methods"])'

# cfn-lint: every mode, YAML and JSON (the configuration beside the module applies)
templates "$tmp/a/library.py" t
grep -q "StateMachineType: EXPRESS" "$tmp/t-dev.yaml" || { echo "FAIL: _report is Express (library.stc.yaml)" >&2; fail=1; }
grep -q "RetentionInDays: 14" "$tmp/t-prod.yaml" || { echo "FAIL: log_retention 14 (library.stc.yaml)" >&2; fail=1; }

# the simulator: the mocks file's counts (1, 2, 3); the real methods on empty stores
expect 0 "simulate _report" -- "$STC_BIN" simulate "$tmp/a/library.py" _report --input '{}' --mocks "$tmp/a/library.mocks.yaml" --json
py "_report with the mocks" 'assert d["status"] == "SUCCEEDED" and d["output"] == {"books": 1, "shelf_books": 2, "people": 3}, d'
expect 0 "simulate _report --run-local" -- "$STC_BIN" simulate "$tmp/a/library.py" _report --input '{}' --run-local --json
py "_report run locally" 'assert d["output"] == {"books": 0, "shelf_books": 0, "people": 0}, d'

# the workbench opens it (headless, as the screen tests run it)
cat >"$tmp/open.script" <<SCRIPT
:save-display $tmp/open.screen
1
:save-display $tmp/open-routes.screen
SCRIPT
(cd "$tmp/a" && env TERM=xterm-256color LINES=40 COLUMNS=140 STC_SCRIPT="$tmp/open.script" "$STC_BIN" library.py >"$tmp/tui.out" 2>"$tmp/tui.err")
rc=$?
[ "$rc" -eq 0 ] && [ ! -s "$tmp/tui.err" ] || { echo "FAIL: the workbench: exit $rc" >&2; cat "$tmp/tui.err" >&2; fail=1; }
grep -q "LibraryService" "$tmp/open.screen" && grep -q "0 errors  0 warnings" "$tmp/open.screen" \
    && grep -q "REST  create_shelf_book" "$tmp/open.screen" && grep -q "WF    ▸ _report" "$tmp/open.screen" \
    || { echo "FAIL: the workbench's first frame" >&2; cat "$tmp/open.screen" >&2; fail=1; }
grep -q "/shelves/{shelf_id}/books/{book_id}" "$tmp/open-routes.screen" \
    || { echo "FAIL: the workbench's Routes tab" >&2; cat "$tmp/open-routes.screen" >&2; fail=1; }

# ---- nothing over an existing file: exit 3, nothing written or changed -------
sum_before=$(cat "$tmp/a"/* | sha256sum)
expect 3 "new over existing files" -- "$STC_BIN" new "$tmp/a/library.py" --entities person
grep -q "library.py' exists already: nothing was written" "$tmp/err" || { echo "FAIL: the refusal" >&2; cat "$tmp/err" >&2; fail=1; }
[ "$(cat "$tmp/a"/* | sha256sum)" = "$sum_before" ] || { echo "FAIL: an existing file changed" >&2; fail=1; }
mkdir "$tmp/b"
echo "# mine" >"$tmp/b/library.mocks.yaml"
expect 3 "new beside an existing mocks file" -- "$STC_BIN" new "$tmp/b/library.py" --entities person
[ "$(ls "$tmp/b")" = "library.mocks.yaml" ] && [ "$(cat "$tmp/b/library.mocks.yaml")" = "# mine" ] \
    || { echo "FAIL: a file was written beside the existing one: $(ls "$tmp/b")" >&2; fail=1; }
mkdir "$tmp/ro" && chmod a-w "$tmp/ro"
if [ ! -w "$tmp/ro" ]; then # (root can write anyway)
    expect 3 "new in a folder that cannot be written" -- "$STC_BIN" new "$tmp/ro/library.py" --entities person
    [ -z "$(ls "$tmp/ro")" ] || { echo "FAIL: files left in the read-only folder" >&2; fail=1; }
fi
expect 3 "new in a folder that does not exist" -- "$STC_BIN" new "$tmp/none/library.py" --entities person

# ---- usage errors: the list, the name ---------------------------------------
bad() { # bad LIST MESSAGE
    expect 2 "new --entities '$1'" -- "$STC_BIN" new "$tmp/c/x.py" --entities "$1"
    grep -qF -- "$2" "$tmp/err" || { echo "FAIL: --entities '$1': want '$2' in:" >&2; cat "$tmp/err" >&2; fail=1; }
}
mkdir "$tmp/c"
bad 'Book' "--entities: character 1: 'Book' is not a valid entity name"
bad 'book,books' "--entities: character 6: 'books' is plural: give the entity in the singular (book)"
bad 'book,,person' "--entities: character 6: an empty entity"
bad 'a/b/c' "--entities: character 1: 'a/b/c' nests twice"
bad 'book(title:str' "--entities: the fields that start at character 5 need a closing ')'"
bad 'book(title:text)' "--entities: character 6: 'text' is not a field type: str, int, float, bool, list or dict"
bad 'book(title,title)' "--entities: character 12: 'book' has the field 'title' twice"
bad 'shelf/book(shelf_id)' "--entities: character 12: the field 'shelf_id' of 'book' clashes"
bad 'book,book' "--entities: character 6: 'book' is listed twice"
bad 'shelf_book,shelf/book' "--entities: character 12: 'shelf_book' and 'shelf/book' would make the same methods (shelf_books)"
bad 'class' "--entities: character 1: 'class' is not a valid entity name"
[ -z "$(ls "$tmp/c")" ] || { echo "FAIL: files written on a usage error: $(ls "$tmp/c")" >&2; fail=1; }
expect 2 "a module name that is not Python's" -- "$STC_BIN" new "$tmp/c/2lib.py" --entities book
expect 2 "no --entities" -- "$STC_BIN" new "$tmp/c/x.py"
[ "$fail" -eq 0 ] && echo "new: files, check, routes, $n templates, workbench, simulate and refusals as expected"
[ "$fail" -eq 0 ] || exit 1
if ! cfn-lint --non-zero-exit-code informational -- "$tmp"/t-*.yaml "$tmp"/t-*.json; then
    echo "FAIL: cfn-lint found problems in the $n templates" >&2
    exit 1
fi
exit 0
