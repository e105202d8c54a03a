#!/usr/bin/env bash
# A workflow started by a WebSocket route (examples/helpdesk.py, async on_ask)
# on the command line: it checks clean, routes --json marks the route async,
# the spec gives it a state machine and the websocket route, and simulate
# --run-local runs the real methods: the replies the workflow sends through
# _reply carry the url and connection_id of its input. (Its template is
# linted with the other examples by template_cfnlint.)
. "$(dirname "$0")/../cli_lib.sh"
expect 0 "check" -- "$STC_BIN" check "$ex/helpdesk.py"
grep -qx ".*helpdesk.py: 0 errors, 0 warnings" "$tmp/err" || { echo "FAIL: helpdesk.py is not clean" >&2; cat "$tmp/err" >&2; fail=1; }
expect 0 "routes --json" -- "$STC_BIN" routes "$ex/helpdesk.py" --json
py "routes --json" 'assert d["websocket"] == [{"route_key": "ask", "function": "on_ask", "async": True}], d["websocket"]; assert d["http"][0]["path"] == "/answers/{question}"'
expect 0 "spec" -- "$STC_BIN" spec "$ex/helpdesk.py"
py "spec" 'u = {x["name"]: x for x in d["units"]}; assert u["on_ask"]["unit"] == "state_machine" and u["on_ask"]["async"]; assert u["on_ask"]["routes"] == [{"protocol": "websocket", "route_key": "ask"}]; assert u["_reply"]["posts_to_connections"]; assert [w["name"] for w in d["workflows"]] == ["on_ask"]'
# The FAQ is empty: with patience 1 the workflow says it is looking, waits
# 30 s, looks again and gives up: two replies, both to the asker.
input='{"url": "https://abc.execute-api.eu-west-1.amazonaws.com/dev", "connection_id": "c-7", "question": "Where is the lift?", "patience": 1}'
expect 0 "simulate --run-local" -- "$STC_BIN" simulate "$ex/helpdesk.py" on_ask --input "$input" --run-local --json --trace
py "simulate --run-local" '
assert d["status"] == "SUCCEEDED" and d["output"] == "unanswered", d
calls = [e["parameters"]["Payload"] for e in d["events"] if e["type"] == "TaskScheduled" and e["state"].startswith("Call _reply")]
url = "https://abc.execute-api.eu-west-1.amazonaws.com/dev"
assert calls == [{"url": url, "connection_id": "c-7", "message": {"question": "Where is the lift?", "status": "looking"}},
                 {"url": url, "connection_id": "c-7", "message": {"question": "Where is the lift?", "answer": None}}], calls
assert d["events"][-1]["timestamp"].startswith("2026-01-01T00:00:30"), d["events"][-1]'
[ "$fail" -eq 0 ] && echo "websocket workflow: check, routes, spec and simulate as expected"
exit "$fail"
