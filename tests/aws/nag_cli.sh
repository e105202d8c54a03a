#!/usr/bin/env bash
# AWS's own best-practice rules (cdk-nag's AwsSolutions and Serverless packs,
# pinned in tests/tools) over every example in every mode and over the
# template tests' services: no finding and no rule error may be left
# unacknowledged. Then what the acknowledgements may say: only the reasons of
# core/aws/nag.def, a missing authorization only where the configuration says
# auth: none; that the check can fail (a template without its
# acknowledgements); that nag.def names real rules of the two packs and that
# docs/hardening.md lists each of them; cfn-lint on every one of these templates.
# FAILS when node, the packs or cfn-lint are missing.
. "$(dirname "$0")/../cli_lib.sh"
: "${STC_NODE_BIN:?}"
need_tool node "Debian's nodejs; ./scripts/setup installs it"
tools="$STC_NODE_BIN/.."
check="$STC_TEST_DATA/tools/cdk_nag_check.js"
for pkg in aws-cdk-lib cdk-nag constructs; do
    [ -d "$tools/$pkg" ] || { echo "FAIL: $pkg is not installed in tests/tools (./scripts/setup)" >&2; exit 1; }
done
data="$STC_TEST_DATA/aws/data"
def="$STC_TEST_DATA/../core/aws/nag.def"
doc="$STC_TEST_DATA/../docs/hardening.md"

# --- every example, every mode; the test services that reach the other shapes --
# (Express routes, triggers, JWT and IAM per route, CORS, starters, WebSocket $connect)
mkdir -p "$tmp/t"
count=0
for module in "$ex"/*.py "$data"/shelves.py "$data"/express_orders.py "$data"/express_quotes.py \
    "$data"/triggers_clock.py; do
    name=$(basename "$module" .py)
    for mode in dev test stage prod; do
        if "$STC_BIN" template "$module" --mode "$mode" --format json >"$tmp/t/$name-$mode.json" 2>"$tmp/err"; then
            count=$((count + 1))
        else
            echo "FAIL: template $name --mode $mode" >&2
            cat "$tmp/err" >&2
            fail=1
        fi
    done
done
nex=$(ls "$ex"/*.py | wc -l)
[ "$nex" -ge 6 ] || { echo "FAIL: only $nex examples found" >&2; fail=1; }
[ "$count" -eq $(((nex + 4) * 4)) ] || { echo "FAIL: $count templates, want $(((nex + 4) * 4))" >&2; fail=1; }

# auth: none in prod for people (public on purpose) and iam WebSocket
# connections for chat in dev: the acknowledgements follow the configuration.
cat >"$tmp/public.stc.yaml" <<'YAML'
modes:
  prod:
    auth: none
YAML
cat >"$tmp/signed.stc.yaml" <<'YAML'
defaults:
  auth: iam
YAML
expect 0 "people, auth: none in prod" -- "$STC_BIN" template "$ex/people.py" --mode prod --format json \
    --config "$tmp/public.stc.yaml"
cp "$tmp/out" "$tmp/t/people-public-prod.json"
expect 0 "chat, auth: iam in dev" -- "$STC_BIN" template "$ex/chat.py" --mode dev --format json \
    --config "$tmp/signed.stc.yaml"
cp "$tmp/out" "$tmp/t/chat-signed-dev.json"
# JWTs at $connect in prod: the generated Lambda REQUEST authorizer
cat >"$tmp/jwt.stc.yaml" <<'YAML'
modes:
  prod:
    jwt_issuer: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123
    jwt_audience: app-client-1
functions:
  on_connect:
    modes:
      prod: {auth: jwt}
YAML
expect 0 "chat, JWTs at \$connect in prod" -- "$STC_BIN" template "$ex/chat.py" --mode prod --format json \
    --config "$tmp/jwt.stc.yaml"
cp "$tmp/out" "$tmp/t/chat-jwt-prod.json"
count=$((count + 3))

# cfn-lint too: the hardened shapes (authorizers, starters, secrets, CORS) stay valid CloudFormation
need_tool cfn-lint "pip install cfn-lint; ./scripts/test looks in ~/.local/bin and pyenv"
if ! cfn-lint --non-zero-exit-code informational -- "$tmp"/t/*.json >"$tmp/lint.txt" 2>&1; then
    echo "FAIL: cfn-lint: $(head -30 "$tmp/lint.txt")" >&2
    fail=1
fi
expect 0 "cdk-nag over $count templates" -- node "$check" "$tmp"/t/*.json
cp "$tmp/out" "$tmp/nag.json"
python3 - "$tmp/nag.json" "$count" <<'PY' || { echo "FAIL: unacknowledged findings" >&2; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d["templates"] == int(sys.argv[2]), d["templates"]
for f in d["findings"][:40] + d["errors"][:20]:
    print("  %s %s %s %s" % (f["template"].rsplit("/", 1)[-1], f["resource"], f["rule"], f.get("finding") or f.get("message")),
          file=sys.stderr)
assert not d["findings"] and not d["errors"], (len(d["findings"]), len(d["errors"]))
# the packs did look: every template has acknowledgements of both packs
packs = {}
for a in d["acknowledged"]:
    packs.setdefault(a["template"], set()).add(a["rule"].split("-")[0])
assert len(packs) == d["templates"], len(packs)
assert all(p == {"AwsSolutions", "Serverless"} for p in packs.values()), packs
print("cdk-nag: %d templates, 0 findings, %d acknowledged" % (d["templates"], len(d["acknowledged"])))
PY

# --- what the acknowledgements say -------------------------------------------
python3 - "$tmp/nag.json" "$def" "$tmp/t" <<'PY' || { echo "FAIL: acknowledgements" >&2; fail=1; }
import json, os, re, sys
d = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read().split("#ifdef STC_NAG_RULE", 1)[1]  # past the header's own examples
acks = re.findall(r'STC_NAG_ACK\((\w+),\s*"([^"]+)",\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)', text)
reasons = {}
for ident, rule, body in acks:
    reasons[(rule, "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', body)))] = ident
assert len(reasons) == len(acks) >= 20, len(acks)
# one reviewed table: every reason written is one of nag.def's, for its rule
# (cdk-nag puts the finding first where the acknowledgement names it: "[Resource::*] reason")
for a in d["acknowledged"]:
    reason = re.sub(r"^\[[^\]]*\] ", "", a["reason"]) if a["finding"] else a["reason"]
    assert (a["rule"], reason) in reasons, (a["template"], a["resource"], a["rule"], a["reason"])
auth_none = [r for (rule, r), i in reasons.items() if i == "AUTH_NONE"][0]
# a missing authorization is acknowledged only where the route is public by configuration
for name in os.listdir(sys.argv[3]):
    t = json.load(open(os.path.join(sys.argv[3], name)))["Resources"]
    public_by_config = name.endswith(("-dev.json", "-test.json")) and "signed" not in name or "public" in name
    for logical, r in t.items():
        sup = (r.get("Metadata") or {}).get("cdk_nag", {}).get("rules_to_suppress", [])
        ids = [s["id"] for s in sup if s["reason"] == auth_none]
        if ids:
            assert public_by_config, (name, logical)
            assert r["Properties"]["AuthorizationType"] == "NONE", (name, logical)
        if r["Type"] in ("AWS::ApiGatewayV2::Route", "AWS::ApiGateway::Method") and \
                r["Properties"].get("AuthorizationType") == "NONE":
            assert [s for s in sup if s["id"] == "AwsSolutions-APIG4"], (name, logical, "unacknowledged public route")
    routes = {k: r["Properties"] for k, r in t.items() if r["Type"] == "AWS::ApiGatewayV2::Route"
              and r["Properties"]["ApiId"] == {"Ref": "HttpApi"}}
    if not public_by_config and name != "shelves-prod.json":
        # stage and prod: the built-in auth is iam, on every HTTP route
        assert all(p["AuthorizationType"] == "AWS_IAM" for p in routes.values()), (name, routes)
# prod, auth: none: each of people's 5 routes is public on purpose, and says so
t = json.load(open(os.path.join(sys.argv[3], "people-public-prod.json")))["Resources"]
public = [k for k, r in t.items() if r["Type"] == "AWS::ApiGatewayV2::Route"
          and {"id": "AwsSolutions-APIG4", "reason": auth_none} in r["Metadata"]["cdk_nag"]["rules_to_suppress"]]
assert sorted(public) == ["GetPersonRoute", "ListPeopleRoute", "RegisterPersonRoute", "UnregisterPersonRoute",
                          "UpdatePersonRoute"], public
# chat, auth: iam in dev: connections are signed at $connect; later routes say why they carry no authorizer
t = json.load(open(os.path.join(sys.argv[3], "chat-signed-dev.json")))["Resources"]
ws = {r["Properties"]["RouteKey"]: r for r in t.values() if r["Type"] == "AWS::ApiGatewayV2::Route"
      and r["Properties"]["ApiId"] == {"Ref": "WebSocketApi"}}
assert len(ws) >= 3, sorted(ws)
assert ws["$connect"]["Properties"]["AuthorizationType"] == "AWS_IAM", ws["$connect"]
for key, r in ws.items():
    if key != "$connect":
        assert r["Properties"]["AuthorizationType"] == "NONE", key
        sup = r["Metadata"]["cdk_nag"]["rules_to_suppress"]
        assert [s for s in sup if s["id"] == "AwsSolutions-APIG4" and reasons[(s["id"], s["reason"])] == "WS_AFTER_CONNECT"], key
# chat, JWTs at $connect in prod: the authorizer, its function, and $connect takes it
t = json.load(open(os.path.join(sys.argv[3], "chat-jwt-prod.json")))["Resources"]
connect = [r["Properties"] for r in t.values() if r["Type"] == "AWS::ApiGatewayV2::Route"
           and r["Properties"]["RouteKey"] == "$connect"]
assert connect == [dict(connect[0], AuthorizationType="CUSTOM", AuthorizerId={"Ref": "WebSocketAuthorizer"})], connect
a = t["WebSocketAuthorizer"]["Properties"]
assert (a["AuthorizerType"], a["IdentitySource"]) == ("REQUEST", ["route.request.querystring.token"]), a
assert t["WebSocketAuthorizerFunction"]["Properties"]["Handler"] == "index.handler"
assert t["WebSocketAuthorizerPermission"]["Properties"]["Principal"] == "apigateway.amazonaws.com"
PY

# --- the check can fail: people in prod without its acknowledgements ---------
python3 - "$tmp/t/people-prod.json" "$tmp/bare.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for r in t["Resources"].values():
    r.pop("Metadata", None)
json.dump(t, open(sys.argv[2], "w"))
PY
expect 1 "cdk-nag, acknowledgements removed" -- node "$check" "$tmp/bare.json"
py "what the acknowledgements covered" '
rules = {f["rule"] for f in d["findings"]}
# people in prod: the functions are only called synchronously (no DLQ); X-Ray and log delivery take *
for r in ("Serverless-LambdaDLQ", "AwsSolutions-IAM5", "Serverless-LambdaStarPermissions", "AwsSolutions-L1"):
    assert r in rules, (r, sorted(rules))
assert "AwsSolutions-APIG4" not in rules and "AwsSolutions-APIG1" not in rules, sorted(rules)
assert not d["acknowledged"], d["acknowledged"][:3]'
expect 2 "cdk-nag, no template" -- node "$check"

# --- nag.def names real rules; docs/hardening.md lists each ------------------
python3 - "$def" "$tools/cdk-nag/lib/packs" "$doc" <<'PY' || { echo "FAIL: nag.def and its rules" >&2; fail=1; }
import os, re, sys
text = open(sys.argv[1]).read().split("#ifdef STC_NAG_RULE", 1)[1]  # past the header's own examples
rules = re.findall(r'STC_NAG_RULE\("([^"]+)"', text)
acked = set(re.findall(r'STC_NAG_ACK\(\w+,\s*"([^"]+)"', text))
aws = open(os.path.join(sys.argv[2], "aws-solutions.js")).read()
sls = open(os.path.join(sys.argv[2], "serverless.js")).read()
doc = open(sys.argv[3]).read()
assert len(rules) == len(set(rules)) >= 30, len(rules)
for r in rules:
    pack, name = r.split("-", 1)
    if pack == "AwsSolutions":
        assert "ruleSuffixOverride: '%s'" % name in aws, r
    else:
        assert pack == "Serverless" and re.search(r"\.%s\b" % name, sls), r
    assert "`%s`" % r in doc, ("docs/hardening.md does not list", r)
assert acked <= set(rules), acked - set(rules)
PY
[ "$fail" -eq 0 ] && echo "cdk-nag: $count templates clean"
exit "$fail"
