"""The starters of async routes (docs/hardening.md) under Debian's /usr/bin/python3.

Emits tests/aws/data/shelves.py with $STC_BIN, unpacks the starters of
recount_shelf (Standard, POST /shelves/{shelf_id}/recount, body depth, caller)
and list_shelf_labels (Express, GET /shelves/{shelf_id}/labels, query fmt,
caller), and feeds them HTTP API events (payload 2.0): the request bound as a
synchronous route binds it, the authenticated caller from the request
context (JWT claims, IAM principal) and never from the request, and, with a
stand-in Step Functions client, the StartExecution / StartSyncExecution calls
and the answers the docs give for each end of an Express execution; then the
secret parameter read from SSM or Secrets Manager (by name, never carried in
the template). Run as
    /usr/bin/python3 starter_handler_test.py
with STC_BIN and STC_TEST_DATA set (ctest does it).
"""
import copy
import datetime
import json
import os
import shutil
import tempfile
import zipfile

from handler_harness import TESTS, Tally, answer, cold_import, emit, http_event

WORK = tempfile.mkdtemp(prefix="stc-starter-test-")
T = Tally()
check = T.check

out, manifest, folders = emit(WORK, os.path.join(TESTS, "aws", "data", "shelves.py"), "shelves")
names = sorted(f["name"] for f in manifest["functions"])
check("packages", names, ["_count", "create_shelf", "get_shelf", "list_shelf_labels.start",
                          "list_shelves", "recount_shelf.start"])
for fn in manifest["functions"]:
    if fn["name"].endswith(".start"):
        with zipfile.ZipFile(os.path.join(out, fn["zip"])) as z:
            check("%s ships no module code" % fn["name"], z.namelist(), ["handler.py", "stc_runtime.py"])

recount = cold_import(WORK, folders["recount_shelf.start"])
import stc_runtime  # noqa: E402  (the copy the starter imported)

RECOUNT = "/shelves/{shelf_id}/recount"
LABELS = "/shelves/{shelf_id}/labels"


def started():
    return stc_runtime.executions[-1]


# --- in memory: the execution input is the bound request ---------------------
os.environ.pop("STC_RUNTIME", None)
ev = http_event("POST", RECOUNT, "/shelves/s1/recount", {"shelf_id": "s1"}, body='{"depth": 3}')
status, body = answer(recount.handler(ev, None))
check("recount: 202", status, 202)
check("recount: an execution ARN", body["executionArn"].startswith("arn:"), True)
check("recount: input", started()["input"], {"shelf_id": "s1", "depth": 3, "caller": None})
n = len(stc_runtime.executions)
ev = http_event("POST", RECOUNT, "/shelves/s1/recount", {"shelf_id": "s1"}, body='{"depth": "deep"}')
check("recount: a bad depth", answer(recount.handler(ev, None)),
      (400, {"error": "BadRequest", "message": "body field 'depth' must be an integer, not a string"}))
ev = http_event("POST", RECOUNT, "/shelves/s1/recount", {"shelf_id": "s1"},
                body='{"caller": {"sub": "admin"}}')
status, body = answer(recount.handler(ev, None))
check("recount: a caller in the body is refused", (status, body["error"]), (400, "BadRequest"))
check("recount: ... and says why", "authenticated identity" in body["message"], True)
check("recount: nothing started for a bad request", len(stc_runtime.executions), n)

# the caller: JWT claims (auth: jwt), the IAM principal (auth: iam)
claims = {"sub": "8f2c", "iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123",
          "aud": "app-client-1", "email": "ann@example.com"}
ev = http_event("POST", RECOUNT, "/shelves/s2/recount", {"shelf_id": "s2"})
ev["requestContext"]["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
check("recount, jwt: 202", answer(recount.handler(ev, None))[0], 202)
check("recount, jwt: the caller is the claims", started()["input"], {"shelf_id": "s2", "caller": claims})
ev = http_event("POST", RECOUNT, "/shelves/s3/recount", {"shelf_id": "s3"})
ev["requestContext"]["authorizer"] = {"iam": {
    "accessKey": "ASIAEXAMPLE", "accountId": "123456789012", "callerId": "AROAEXAMPLE:ann",
    "principalOrgId": None, "userArn": "arn:aws:sts::123456789012:assumed-role/reader/ann",
    "userId": "AROAEXAMPLE:ann"}}
recount.handler(ev, None)
check("recount, iam: the caller is the principal", started()["input"]["caller"],
      {"arn": "arn:aws:sts::123456789012:assumed-role/reader/ann", "account": "123456789012",
       "user_id": "AROAEXAMPLE:ann", "access_key": "ASIAEXAMPLE"})

labels = cold_import(WORK, folders["list_shelf_labels.start"])
ev = http_event("GET", LABELS, "/shelves/s1/labels", {"shelf_id": "s1"}, query="fmt=csv")
check("labels: 202 in memory", answer(labels.handler(ev, None))[0], 202)
check("labels: path and query reach the input", started()["input"], {"shelf_id": "s1", "fmt": "csv", "caller": None})
ev = http_event("GET", LABELS, "/shelves/s1/labels", {"shelf_id": "s1"}, query="caller=admin")
check("labels: a caller in the query is refused", answer(labels.handler(ev, None))[0], 400)


# --- in the cloud: a stand-in Step Functions client --------------------------
class FakeStepFunctions:
    def __init__(self):
        self.calls = []
        self.sync_answer = None

    def start_execution(self, stateMachineArn, input):
        self.calls.append(("start_execution", stateMachineArn, json.loads(input)))
        return {"executionArn": stateMachineArn.replace(":stateMachine:", ":execution:") + ":e1",
                "startDate": datetime.datetime(2026, 12, 5, 3, 0, 0, tzinfo=datetime.timezone.utc)}

    def start_sync_execution(self, stateMachineArn, input):
        self.calls.append(("start_sync_execution", stateMachineArn, json.loads(input)))
        return copy.deepcopy(self.sync_answer)


sfn = FakeStepFunctions()
stc_runtime._clients[("stepfunctions", None)] = sfn
os.environ["STC_RUNTIME"] = "aws"
machine = "arn:aws:states:eu-west-1:123456789012:stateMachine:shelves-RecountShelf"
os.environ["STC_START"] = "standard"
ev = http_event("POST", RECOUNT, "/shelves/s9/recount", {"shelf_id": "s9"}, body='{"depth": 2}')
os.environ.pop("STC_STATE_MACHINE_RECOUNT_SHELF", None)
try:
    recount.handler(ev, None)
    check("recount, aws: no machine variable is an error", False, True)
except RuntimeError as exc:
    check("recount, aws: no machine variable", "STC_STATE_MACHINE_RECOUNT_SHELF" in str(exc), True)
os.environ["STC_STATE_MACHINE_RECOUNT_SHELF"] = machine
check("recount, aws: 202 and StartExecution's answer", answer(recount.handler(ev, None)),
      (202, {"executionArn": "arn:aws:states:eu-west-1:123456789012:execution:shelves-RecountShelf:e1",
             "startDate": 1796439600.0}))
check("recount, aws: StartExecution of exactly its machine", sfn.calls[-1],
      ("start_execution", machine, {"shelf_id": "s9", "depth": 2, "caller": None}))

express = "arn:aws:states:eu-west-1:123456789012:stateMachine:shelves-ListShelfLabels"
os.environ["STC_STATE_MACHINE_LIST_SHELF_LABELS"] = express
os.environ["STC_START"] = "express"
ev = http_event("GET", LABELS, "/shelves/s1/labels", {"shelf_id": "s1"}, query="fmt=text")
ends = [
    ({"status": "SUCCEEDED", "output": '"text"'}, (200, "text")),
    ({"status": "FAILED", "error": "ShelfMissing", "cause": "s1"}, (400, {"error": "ShelfMissing", "message": "s1"})),
    ({"status": "FAILED", "error": "KeyError", "cause": "'s1'"}, (404, {"error": "NotFound", "message": "'s1'"})),
    ({"status": "FAILED", "error": "States.TaskFailed", "cause": "secret detail"},
     (500, {"error": "InternalServerError", "message": "list_shelf_labels failed; see the state machine's log"})),
    ({"status": "TIMED_OUT"},
     (504, {"error": "Timeout",
            "message": "list_shelf_labels ran past the 5-minute limit of an Express execution"})),
]
for got, want in ends:
    sfn.sync_answer = dict(got, executionArn=express + ":x")
    check("labels, aws: %s %s" % (got["status"], got.get("error", "")), answer(labels.handler(ev, None)), want)
check("labels, aws: StartSyncExecution of exactly its machine", sfn.calls[-1],
      ("start_sync_execution", express, {"shelf_id": "s1", "fmt": "text", "caller": None}))
os.environ.pop("STC_RUNTIME", None)

# --- secrets: the printer token is read from where the mode keeps it ---------
# (shelves.stc.yaml: an SSM parameter in test, a Secrets Manager secret in prod)
for mode, env, ref in (("test", "STC_SSM_PRINTER_TOKEN", "/shelves/printer-token"),
                       ("prod", "STC_SECRET_PRINTER_TOKEN", "shelves/printer-token")):
    out_m, manifest_m, folders_m = emit(WORK, os.path.join(TESTS, "aws", "data", "shelves.py"), "shelves-" + mode,
                                        mode)
    t = json.load(open(os.path.join(out_m, "template.json")))
    envs = t["Resources"]["CreateShelfFunction"]["Properties"]["Environment"]["Variables"]
    check("%s: the function has the secret's name, not its value" % mode,
          (envs.get(env), "STC_PARAM_PRINTER_TOKEN" in envs, "PrinterToken" in t["Parameters"]), (ref, False, False))
    for k in [k for k in os.environ if k.startswith(("STC_SSM_", "STC_SECRET_", "STC_PARAM_"))]:
        del os.environ[k]
    os.environ[env] = ref
    h = cold_import(WORK, folders_m["get_shelf"])
    rt = __import__("stc_runtime")
    ev = http_event("GET", "/shelves/{shelf_id}", "/shelves/s1", {"shelf_id": "s1"})
    try:
        h.handler(ev, None)
        check("%s, in memory: an unknown secret is an error" % mode, False, True)
    except RuntimeError as exc:
        check("%s, in memory: the error names the secret" % mode, ref in str(exc) and "secrets[" in str(exc), True)
    rt.secrets[ref] = "tok-123"
    h = cold_import(WORK, folders_m["get_shelf"])
    h.handler(ev, None)
    check("%s, in memory: the value" % mode, h._service.printer_token, "tok-123")
    del rt.secrets[ref]

    class FakeSecrets:
        def __init__(self):
            self.asked = []

        def get_secret_value(self, SecretId):
            self.asked.append(("secretsmanager", SecretId))
            return {"Name": SecretId, "SecretString": "sm-value"}

        def get_parameter(self, Name, WithDecryption):
            self.asked.append(("ssm", Name, WithDecryption))
            return {"Parameter": {"Name": Name, "Type": "SecureString", "Value": "ssm-value"}}

    fake = FakeSecrets()
    os.environ["STC_RUNTIME"] = "aws"
    h = cold_import(WORK, folders_m["get_shelf"])
    rt = __import__("stc_runtime")
    rt._clients[("ssm", None)] = fake
    rt._clients[("secretsmanager", None)] = fake
    rt._clients[("dynamodb", None)] = None  # built lazily; get_shelf's read is not reached below
    h._service = None
    svc = rt.build_service(h.service.ShelfService, h.INIT_PARAMS, [], [])
    want = ("ssm-value", [("ssm", ref, True)]) if mode == "test" else ("sm-value", [("secretsmanager", ref)])
    check("%s, aws: read once, from exactly its secret" % mode, (svc.printer_token, fake.asked), want)
    os.environ.pop("STC_RUNTIME", None)
    del os.environ[env]

shutil.rmtree(WORK)
T.finish()
