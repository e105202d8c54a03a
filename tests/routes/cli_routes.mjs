// routes_cli: the `routes` and `openapi` commands against the contract of
// shared/cli.md and docs/routes.md. Expected outputs in tests/routes/expected
// were written by hand. The OpenAPI documents are checked with the real
// validator (@seriousme/openapi-schema-validator); if it is missing the test
// FAILS (it never skips).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";

const bin = process.env.STC_BIN;
const data = process.env.STC_TEST_DATA;
const nodeBin = process.env.STC_NODE_BIN;
if (!bin || !data || !nodeBin) {
  console.error("STC_BIN, STC_TEST_DATA and STC_NODE_BIN must be set (run through ctest)");
  process.exit(1);
}
const root = dirname(data);
const here = join(data, "routes");

let Validator;
try {
  ({ Validator } = await import(join(nodeBin, "..", "@seriousme", "openapi-schema-validator", "index.js")));
} catch (e) {
  console.error(`FAIL: the OpenAPI validator is not installed (${e.message}); run ./scripts/setup`);
  process.exit(1);
}

let failures = 0, checks = 0;
function check(ok, what, detail) {
  checks++;
  if (!ok) {
    failures++;
    console.error(`FAIL: ${what}` + (detail !== undefined ? `\n${detail}` : ""));
  }
}
function run(...args) {
  const r = spawnSync(bin, args, { encoding: "utf8" });
  if (r.error) check(false, `cannot run ${bin}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

// routes --json: exact shape and content, key order included.
for (const name of ["people", "orders", "chat"]) {
  const r = run("routes", join(root, "examples", `${name}.py`), "--json");
  check(r.status === 0, `routes ${name}.py --json exits 0`, r.stderr);
  const want = JSON.parse(readFileSync(join(here, "expected", `${name}.routes.json`), "utf8"));
  let got;
  try { got = JSON.parse(r.stdout); } catch (e) { got = null; }
  check(isDeepStrictEqual(got, want), `routes ${name}.py --json`, r.stdout);
  if (got) {
    check(JSON.stringify(Object.keys(got)) === '["http","websocket","triggers","diagnostics"]', `${name}: top-level key order`);
    for (const h of got.http)
      check(JSON.stringify(Object.keys(h)) ===
            '["method","path","function","async","path_params","query_params","body_params"]',
            `${name}: http key order`);
    for (const w of got.websocket)
      check(JSON.stringify(Object.keys(w)) === '["route_key","function","async"]', `${name}: websocket key order`);
  }
}

// routes (text): the readable table.
for (const name of ["people", "chat"]) {
  const path = join(root, "examples", `${name}.py`);
  const r = run("routes", path);
  const want = readFileSync(join(here, "expected", `${name}.routes.txt`), "utf8").replace("PATH", path);
  check(r.status === 0 && r.stdout === want, `routes ${name}.py (text)`, `--- want\n${want}--- got\n${r.stdout}`);
}

// Exit codes and diagnostics.
let r = run("routes");
check(r.status === 2, "routes with no module exits 2");
r = run("routes", join(here, "data", "features.py"), "--yaml");
check(r.status === 2, "routes with an unknown option exits 2");
r = run("routes", join(here, "data", "no-such-file.py"));
check(r.status === 3, "routes on a missing file exits 3", r.stderr);
r = run("openapi", join(here, "data", "no-such-file.py"));
check(r.status === 3, "openapi on a missing file exits 3", r.stderr);
r = run("openapi");
check(r.status === 2, "openapi with no module exits 2");
const conflict = join(here, "data", "conflict.py");
r = run("routes", conflict, "--json");
check(r.status === 1, "routes on a conflict exits 1");
check(r.stderr.includes("conflict.py:5:9: error: STC301 route conflict: 'get_person' (line 2) and 'fetch_person' (line 5) both map to GET /people/{person_id}"),
      "the conflict is printed like a compiler", r.stderr);
try {
  const j = JSON.parse(r.stdout);
  check(j.diagnostics.length === 1 && j.diagnostics[0].code === "STC301" && j.diagnostics[0].line === 5 &&
        j.diagnostics[0].col === 9, "the conflict is in the JSON diagnostics", r.stdout);
} catch (e) { check(false, "routes --json on a conflict prints JSON", r.stdout); }
r = run("openapi", conflict);
check(r.status === 1 && r.stdout === "", "openapi on a conflict exits 1 and prints no document");

// openapi: valid OpenAPI 3.1 for every example and the feature module.
const docs = {};
for (const path of ["people", "orders", "chat"].map((n) => join(root, "examples", `${n}.py`))
                   .concat([join(here, "data", "features.py")])) {
  const r = run("openapi", path);
  check(r.status === 0, `openapi ${path} exits 0`, r.stderr);
  let doc = null;
  try { doc = JSON.parse(r.stdout); } catch (e) { check(false, `openapi ${path} prints JSON`, r.stdout); continue; }
  const v = new Validator();
  const res = await v.validate(doc);
  check(res.valid, `openapi ${path} is valid OpenAPI`, JSON.stringify(res.errors, null, 2));
  check(v.version === "3.1", `openapi ${path} is version 3.1`, v.version);
  docs[path.replace(/.*\//, "")] = doc;
}

// openapi: what the documents say, worked out by hand.
const people = docs["people.py"];
if (people) {
  check(people.openapi === "3.1.0" && people.info.title === "PeopleService", "people: header");
  check(isDeepStrictEqual(Object.keys(people.paths), ["/people", "/people/{person_id}"]), "people: paths",
        JSON.stringify(Object.keys(people.paths)));
  const post = people.paths["/people"].post;
  check(post.operationId === "register_person", "people: operationId");
  const body = post.requestBody.content["application/json"].schema;
  check(isDeepStrictEqual(body.required, ["name", "age"]), "people: required body fields");
  check(body.properties.name.type === "string" && body.properties.age.type === "integer", "people: body types");
  check(isDeepStrictEqual(body.properties.email.type, ["string", "null"]) && body.properties.email.default === null,
        "people: Optional[str] = None", JSON.stringify(body.properties.email));
  const list = people.paths["/people"].get;
  check(list.operationId === "list_people", "people: list operationId");
  check(isDeepStrictEqual(list.parameters, [{ name: "limit", in: "query", description: "limit: int = 10",
                                             required: false, schema: { type: "integer", default: 10 } }]),
        "people: limit query parameter", JSON.stringify(list.parameters));
  const get = people.paths["/people/{person_id}"].get;
  check(isDeepStrictEqual(get.parameters, [{ name: "person_id", in: "path", description: "person_id: str",
                                            required: true, schema: { type: "string" } }]),
        "people: person_id path parameter", JSON.stringify(get.parameters));
  check(Object.keys(get.responses).join() === "200" &&
        get.responses["200"].content["application/json"].schema.type === "object", "people: 200 response");
  check(Object.keys(people.paths["/people/{person_id}"]).join() === "get,put,delete", "people: item methods");
}
const orders = docs["orders.py"];
if (orders) {
  const pay = orders.paths["/payments"].post;
  check(Object.keys(pay.responses).join() === "202", "orders: async submit_payment answers 202");
  check(pay.responses["202"].content["application/json"].schema.properties.executionArn.type === "string" &&
        isDeepStrictEqual(pay.responses["202"].content["application/json"].schema.required, ["executionArn"]),
        "orders: 202 carries the execution id");
  check(orders.paths["/orders/{order_id}/approve"].post.operationId === "approve_order", "orders: action");
  check(orders.paths["/people/{person_id}/orders"].post.requestBody.content["application/json"].schema
          .properties.items.items.type === "string", "orders: list[str] body field");
}
const feats = docs["features.py"];
if (feats) {
  const ops = [];
  for (const item of Object.values(feats.paths)) for (const op of Object.values(item)) ops.push(op.operationId);
  check(isDeepStrictEqual(ops.sort(), ["archive_category", "create_category", "create_category_product",
        "delete_category", "delete_products", "get_category", "get_category_product",
        "list_categories", "list_category_products", "patch_category", "publish_category_product",
        "upload_catalogue"]),
        "features: one operation per rest method", JSON.stringify(ops));
  const prod = feats.paths["/categories/{category_id}/products"].post.requestBody.content["application/json"].schema;
  check(isDeepStrictEqual(prod.properties.code.anyOf, [{ type: "integer" }, { type: "string" }]),
        "features: Union[int, str]", JSON.stringify(prod.properties.code));
  check(isDeepStrictEqual(prod.properties.sizes.type, ["array", "null"]) && prod.properties.sizes.items.type === "integer",
        "features: Optional[list[int]]");
  check(feats.paths["/categories/{category_id}/products/{product_id}/publish"].post.parameters[1].schema.type === "integer",
        "features: int path parameter");
  check(feats.paths["/products"].delete.responses["202"] !== undefined, "features: async delete answers 202");
  check(feats.paths["/catalogues"].post.responses["202"] !== undefined, "features: async upload answers 202");
}

// A generated module: a route for each verb of the vocabulary.
const verbs = { create: "post", add: "post", get: "get", list: "get", update: "put", patch: "patch", delete: "delete" };
const dir = mkdtempSync(join(tmpdir(), "stc-routes-"));
let src = "class VerbService:\n";
for (const [verb, m] of Object.entries(verbs)) src += `    def ${verb}_widget${verb === "add" ? "_part" : ""}(self, widget_id: int, x: int = 0):\n        pass\n`;
writeFileSync(join(dir, "verbs.py"), src);
r = run("openapi", join(dir, "verbs.py"));
check(r.status === 0, "openapi on generated verbs module", r.stderr);
try {
  const doc = JSON.parse(r.stdout);
  const res = await new Validator().validate(doc);
  check(res.valid, "generated verbs module is valid OpenAPI", JSON.stringify(res.errors));
} catch (e) { check(false, "generated verbs module prints JSON", r.stdout); }

console.log(`routes_cli: ${checks} checks, ${failures} failed`);
process.exit(failures ? 1 : 0);
