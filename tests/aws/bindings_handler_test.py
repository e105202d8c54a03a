"""Bindings end to end (docs/template.md, "Bindings"): examples/transactions.py,
written the way the design's authors write services (caios imports,
Mapping/MutableMapping.get_mapping, Channel.get_channel, jdict), emitted with
$STC_BIN, each function's package unzipped and its handler.py imported under
Debian's /usr/bin/python3 with the shipped runtime in memory. The environment
gives the __init__ parameters as the template would give them locally (names
of in-memory stores, the channel's configuration as JSON text). Expected
values are worked out from the module. Run by ctest with STC_BIN and
STC_TEST_DATA set."""
import json
import os
import tempfile

from handler_harness import ROOT, Tally, answer, cold_import, emit, http_event

WORK = tempfile.mkdtemp(prefix="stc-bindings-test-")
T = Tally()
check = T.check

out, manifest, folders = emit(WORK, os.path.join(ROOT, "examples", "transactions.py"), "tx")
check("functions", sorted(folders), ["_limit", "_notify", "_raise_alert", "_total", "add_transaction",
                                     "get_transaction", "list_alerts"])
with open(os.path.join(folders["add_transaction"], "handler.py")) as f:
    text = f.read()
check("the runtime provides the caios names before the module is imported",
      text.index("stc_runtime.install_compat()") < text.index("import service"), True)

os.environ.update({
    "STC_PARAM_RULES": "rules-mem",
    "STC_PARAM_SERVICE_STORAGE": "transactions-mem",
    "STC_PARAM_ALERTS_STORAGE": "alerts-mem",
    "STC_PARAM_NOTIFICATION_MAIL": json.dumps({"sender": "alerts@example.com"}),
})

add = cold_import(WORK, folders["add_transaction"])
import stc_runtime  # the one the handlers share (in memory)

# The rules are read only for the service: the test writes them directly.
stc_runtime.Table("rules-mem")["acme"] = {"limit": 100}


def add_tx(tid, account, amount):
    body = json.dumps({"transaction_id": tid, "account": account, "amount": amount})
    return answer(add.handler(http_event("POST", "/transactions", "/transactions", body=body), None))


check("add t1", add_tx("t1", "acme", 60), (200, {"transaction_id": "t1", "account": "acme", "amount": 60.0}))
check("add t2", add_tx("t2", "acme", 70), (200, {"transaction_id": "t2", "account": "acme", "amount": 70.0}))
check("an account without rules: the module's exception, 400",
      add_tx("t3", "nobody", 1), (400, {"error": "UnknownAccount", "message": "no rules for account nobody"}))
svc = add._service
check("the bindings", [type(svc._rules).__name__, type(svc._transactions).__name__, type(svc._alerts).__name__,
                       type(svc._email_channel).__name__], ["_ReadOnly", "Table", "Table", "Channel"])
raises_type = None
try:
    svc._rules["x"] = {"limit": 1}
except TypeError as exc:
    raises_type = type(exc).__name__
check("writing self._rules raises TypeError", raises_type, "TypeError")

get = cold_import(WORK, folders["get_transaction"])
ev = http_event("GET", "/transactions/{transaction_id}", "/transactions/t1", path_params={"transaction_id": "t1"})
check("get t1", answer(get.handler(ev, None)), (200, {"transaction_id": "t1", "account": "acme", "amount": 60.0}))
ev = http_event("GET", "/transactions/{transaction_id}", "/transactions/t9", path_params={"transaction_id": "t9"})
check("get t9: 404", answer(get.handler(ev, None))[0], 404)

# The workflow's functions, invoked directly as the state machine does: 60 + 70
# = 130 over the limit of 100: an alert, then a mail through the channel.
total = cold_import(WORK, folders["_total"])
check("_total", total.handler({"account": "acme"}, None), 130.0)
limit = cold_import(WORK, folders["_limit"])
check("_limit", limit.handler({"account": "acme"}, None), 100)
raise_alert = cold_import(WORK, folders["_raise_alert"])
check("_raise_alert", raise_alert.handler({"account": "acme", "total": 130.0, "limit": 100}, None), "acme-1")
notify = cold_import(WORK, folders["_notify"])
check("_notify", notify.handler({"recipient": "risk@example.com", "alert": "acme-1"}, None), "memory-1")
check("the mail", stc_runtime.published, [{
    "channel": "channel", "subject": None,
    "message": {"to": "risk@example.com", "subject": "Limit exceeded: acme",
                "alert": {"account": "acme", "total": 130.0, "limit": 100}}}])
config = stc_runtime.convert_text([os.environ["STC_PARAM_NOTIFICATION_MAIL"]], stc_runtime.parse_type("jdict"), "p")
check("a jdict parameter arrives as a jdict", (type(config).__name__, config.sender), ("jdict", "alerts@example.com"))
alerts = cold_import(WORK, folders["list_alerts"])
check("list_alerts", answer(alerts.handler(http_event("GET", "/alerts", "/alerts"), None)),
      (200, [{"account": "acme", "total": 130.0, "limit": 100}]))
T.finish()
