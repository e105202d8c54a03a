#!/usr/bin/env node
// Differential fuzzing of the JSONata engine against the reference
// implementation (npm jsonata, pinned in tests/tools/package.json).
//
//   node jsonata_diff.js STC_BIN NODE_MODULES [--seed N] [--count N] [--keep FILE]
//                        [--verbose] [--known FILE] [--no-builtins]
//
// A grammar-based generator writes --count expressions over the language
// (paths, wildcards, descendants, predicates and positional bindings,
// operators, conditionals, blocks and variables, lambdas and their
// application, partial application, ~>, constructors, grouping, order-by,
// ranges, transforms, regular expressions, the deterministic built-in
// functions) together with JSON inputs drawn from one key vocabulary, so
// that paths find something. Each case is evaluated by the reference here
// and by `STC_BIN jsonata --batch`; the two must give the same JSON result,
// both undefined, or errors with the same code. Cases where the reference
// fails without a code (a JavaScript TypeError or RangeError escaping it)
// or returns a function are counted apart: there is nothing to compare.
// --known lists expression substrings of documented divergences (one a
// line, `text  reason`, `text  [CODE] reason` when it holds only for the
// engine's error CODE, or `text  [CODE@T1,T2] reason` for CODE with one of
// those tokens, the name of the failing call or of an `and`/`or` around it,
// which the reference's position and token replace); a mismatch whose
// expression contains one is counted as known. Exit status 0 when nothing else differs.
//
// The ctest runs a fixed seed and a few thousand cases; a longer run:
//   node tests/stepsim/jsonata_diff.js build/stc-tui tests/tools/node_modules \
//        --seed $RANDOM --count 200000
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { spawnSync } = require("child_process");

function usage() {
  console.error("usage: jsonata_diff.js STC_BIN NODE_MODULES [--seed N] [--count N] [--keep FILE] [--known FILE] [--verbose]");
  process.exit(2);
}

const argv = process.argv.slice(2);
if (argv.length < 2) usage();
const bin = argv[0];
const modules = argv[1];
let seed = 1, count = 2000, keep = null, verbose = false, knownFile = null, builtins = true;
for (let i = 2; i < argv.length; i++) {
  if (argv[i] === "--seed") seed = Number(argv[++i]);
  else if (argv[i] === "--count") count = Number(argv[++i]);
  else if (argv[i] === "--keep") keep = argv[++i];
  else if (argv[i] === "--known") knownFile = argv[++i];
  else if (argv[i] === "--verbose") verbose = true;
  else if (argv[i] === "--no-builtins") builtins = false; // the evaluator alone
  else usage();
}
const jsonata = require(path.resolve(modules, "jsonata"));

// The reference evaluates the items of an array constructor and the values
// of a grouping "in parallel" (Promise.all): when several of them fail, the
// error it reports is the first in its microtask schedule, not in the
// expression's order, and a binding in one item may not be seen by the next.
// The engine evaluates them in order. A copy of the reference with those two
// Promise.all replaced by an in-order loop tells such cases apart.
function sequentialReference() {
  const Module = require("module");
  const file = require.resolve(path.resolve(modules, "jsonata"));
  let src = fs.readFileSync(file, "utf8");
  const patches = [
    ["await Promise.all(expr.expressions\n                    .map(async (item, idx) => {",
     "await __seqAll(expr.expressions, async (item, idx) => {"],
    ["return [item, await evaluate(item, input, environment)]\n                    }));",
     "return [item, await evaluate(item, input, environment)]\n                    });"],
    ["await Promise.all(utils.keys(groups).map(async (key, idx) => {",
     "await __seqAll(utils.keys(groups), async (key, idx) => {"],
    ["return [key, await evaluate(expr.lhs[entry.exprIndex][1], context, env)];\n        }));",
     "return [key, await evaluate(expr.lhs[entry.exprIndex][1], context, env)];\n        });"],
  ];
  for (const [from, to] of patches) {
    if (!src.includes(from)) throw new Error("jsonata_diff: the reference's source is not the one the patch was written for");
    src = src.replace(from, to);
  }
  src = "async function __seqAll(a, f) { const r = []; for (let i = 0; i < a.length; i++) r.push(await f(a[i], i)); return r; }\n" + src;
  const m = new Module(file + ".sequential", module);
  m.filename = file;
  m.paths = Module._nodeModulePaths(path.dirname(file));
  m._compile(src, file + ".sequential");
  return m.exports;
}
const jsonataSeq = sequentialReference();

// ---- a seeded generator (mulberry32) ----
let state = seed >>> 0;
function rnd() {
  state = (state + 0x6D2B79F5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n) => Math.floor(rnd() * n);
const pick = (a) => a[int(a.length)];
const chance = (p) => rnd() < p;

// ---- inputs ----
const KEYS = ["a", "b", "c", "d", "e", "x y", "0"];
const STRS = ["", "a", "b", "abc", "Hello World", "x y", "é", "日本", "😀", "a,b,c", "  pad  ", "42", "3.5", "true", "null", "A"];
const NUMS = [0, 1, 2, 3, -1, -2.5, 0.5, 10, 100, 1e21, 1.5e-7, 0.1, 1 / 3, 123456789, -0.0001, 7];

function genValue(depth) {
  const r = rnd();
  if (depth <= 0 || r < 0.45) {
    const k = int(6);
    if (k === 0) return pick(NUMS);
    if (k === 1) return int(20) - 5;
    if (k === 2) return pick(STRS);
    if (k === 3) return chance(0.5);
    if (k === 4) return null;
    return pick(STRS);
  }
  if (r < 0.7) {
    const n = int(5);
    const a = [];
    for (let i = 0; i < n; i++) a.push(genValue(depth - 1));
    return a;
  }
  const o = {};
  const n = 1 + int(4);
  for (let i = 0; i < n; i++) o[pick(KEYS)] = genValue(depth - 1);
  return o;
}

function genInput() {
  const o = {};
  for (const k of KEYS) if (chance(0.7)) o[k] = genValue(3);
  if (chance(0.15)) return genValue(3);
  return o;
}

// ---- expressions ----
const NAMES = ["a", "b", "c", "d", "e", "`x y`", "`0`", "z"];
const VARS = ["$x", "$y", "$i", "$v"];
const BINOPS = ["+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "&", "and", "or", "in"];
// deterministic built-ins with the argument shapes they take
const FUNCS = [
  ["$sum", 1], ["$count", 1], ["$max", 1], ["$min", 1], ["$average", 1],
  ["$string", 1], ["$length", 1], ["$substring", 2], ["$substring", 3],
  ["$substringBefore", 2], ["$substringAfter", 2], ["$uppercase", 1], ["$lowercase", 1],
  ["$trim", 1], ["$pad", 2], ["$contains", 2], ["$split", 2], ["$join", 2], ["$join", 1],
  ["$number", 1], ["$abs", 1], ["$floor", 1], ["$ceil", 1], ["$round", 1], ["$round", 2],
  ["$power", 2], ["$sqrt", 1], ["$boolean", 1], ["$not", 1], ["$exists", 1],
  ["$keys", 1], ["$lookup", 2], ["$append", 2], ["$reverse", 1], ["$sort", 1],
  ["$distinct", 1], ["$merge", 1], ["$spread", 1], ["$type", 1], ["$zip", 2],
  ["$formatBase", 2], ["$formatNumber", 2], ["$string", 2], ["$eval", 1], ["$clone", 1],
  ["$base64encode", 1], ["$encodeUrlComponent", 1],
];
const HOFS = ["$map", "$filter", "$reduce", "$single", "$sift", "$each", "$sort"];

function genName() { return pick(NAMES); }
let noRegex = 0;
const REGEXES = ["/a/", "/[a-c]+/i", "/^h/i", "/o(r|l)/", "/\\d+/", "/x y/", "/(a)(b)?/"];
// The expressions are written without parentheses, so the left side of a
// ?: or ?? generated without a regex can still take one in by precedence
// ("a or $split(s, /x/) > 1 ?: b"): such a case is drawn again, as the
// reference's JSON copy of that side would loop in the regex function.
const regexInCondition = (e) => /\?:|\?\?/.test(e) && REGEXES.some((re) => e.includes(re));

function genPath(d) {
  const steps = [];
  const n = 1 + int(3);
  for (let i = 0; i < n; i++) {
    let s;
    const r = rnd();
    if (r < 0.6) s = genName();
    else if (r < 0.68) s = "*";
    else if (r < 0.72 && i > 0) s = "%";
    else if (r < 0.76) s = "**";
    else if (r < 0.82) s = "(" + genExpr(d - 1) + ")";
    else if (r < 0.88) s = "[" + genExpr(d - 1) + ", " + genExpr(d - 1) + "]";
    else s = genName();
    if (chance(0.2)) s += "[" + genPredicate(d - 1) + "]";
    if (chance(0.08)) s += "[]";
    if (chance(0.06) && s !== "%" && !s.endsWith("]")) s += "#" + pick(["$i", "$j"]);
    if (chance(0.05) && s !== "%" && !s.endsWith("]") && !s.includes("#")) s += "@" + pick(["$x", "$o"]);
    steps.push(s);
  }
  let p = steps.join(".");
  if (chance(0.1)) p = (chance(0.5) ? "$" : "$$") + "." + p;
  return p;
}

function genPredicate(d) {
  const r = rnd();
  if (r < 0.3) return String(int(5) - 2);
  if (r < 0.55) return genName() + " " + pick(["=", ">", "<", "!="]) + " " + genLiteral();
  if (r < 0.65) return "$i " + pick(["<", ">", "="]) + " " + int(3);
  if (r < 0.75) return "[" + int(3) + ", " + (int(3) - 1) + "]";
  return genExpr(d);
}

function genLiteral() {
  const r = rnd();
  if (r < 0.35) return String(pick([0, 1, 2, 3, 10, -1, 2.5, 0.1, 1e3, 100]));
  if (r < 0.7) return JSON.stringify(pick(STRS));
  if (r < 0.8) return pick(["true", "false", "null"]);
  if (r < 0.9) return "'" + pick(["a", "b", "x", "ok"]) + "'";
  return pick(["1e21", "0.000001", "-7", "1.5e-7", "\"\\u00e9\\t\""]);
}

function genLambda(d, nargs) {
  const params = ["$v", "$i", "$a"].slice(0, nargs);
  return "function(" + params.join(", ") + "){ " + genExpr(d - 1, params) + " }";
}

function genExpr(d, vars) {
  vars = vars || [];
  if (d <= 0) {
    const r = rnd();
    if (r < 0.35) return genLiteral();
    if (r < 0.75) return genName();
    if (r < 0.85 && vars.length) return pick(vars);
    if (r < 0.9) return pick(VARS);
    return pick(["$", "$$", "*"]);
  }
  const r = rnd();
  if (r < 0.16) return genPath(d);
  if (r < 0.32) return genExpr(d - 1, vars) + " " + pick(BINOPS) + " " + genExpr(d - 1, vars);
  if (!builtins && r >= 0.32 && r < 0.46) return genExpr(d - 1, vars);
  if (!builtins && r >= 0.82 && r < 0.84) return genPath(d - 1);
  if (!builtins && r >= 0.86 && r < 0.90) return "(" + genExpr(d - 1, vars) + ")";
  if (!builtins && r >= 0.92 && r < 0.94) return "-" + genExpr(d - 1, vars);
  if (r < 0.40) {
    const [f, n] = pick(FUNCS);
    const args = [];
    for (let i = 0; i < n; i++) args.push(genExpr(d - 1, vars));
    return f + "(" + args.join(", ") + ")";
  }
  if (r < 0.46) {
    const f = pick(HOFS);
    const arr = chance(0.5) ? genPath(d - 1) : "[" + genExpr(d - 1, vars) + ", " + genExpr(d - 1, vars) + ", " + int(5) + "]";
    if (f === "$reduce") return f + "(" + arr + ", " + genLambda(d, 2) + (chance(0.3) ? ", " + genLiteral() : "") + ")";
    if (f === "$sift" || f === "$each") return f + "(" + genExpr(d - 1, vars) + ", " + genLambda(d, 1 + int(2)) + ")";
    if (f === "$sort") return f + "(" + arr + ", function($l, $r){ $l " + pick([">", "<"]) + " $r })";
    return f + "(" + arr + ", " + genLambda(d, 1 + int(3)) + ")";
  }
  if (r < 0.52) return genExpr(d - 1, vars) + " ? " + genExpr(d - 1, vars) + (chance(0.7) ? " : " + genExpr(d - 1, vars) : "");
  if (r < 0.55) {
    // the reference evaluates the left side of ?: and ?? from a JSON copy of
    // its tree, where a regex literal loses its pattern and flags (and
    // $replace with that copy never ends): no regex there
    noRegex++;
    const left = genExpr(d - 1, vars);
    noRegex--;
    return left + pick([" ?: ", " ?? "]) + genExpr(d - 1, vars);
  }
  if (r < 0.61) {
    const v = pick(["$x", "$y"]);
    return "(" + v + " := " + genExpr(d - 1, vars) + "; " + genExpr(d - 1, vars.concat([v])) + ")";
  }
  if (r < 0.66) {
    const items = [];
    const n = int(4);
    for (let i = 0; i < n; i++) items.push(chance(0.15) ? int(3) + ".." + (int(4) + 1) : genExpr(d - 1, vars));
    return "[" + items.join(", ") + "]";
  }
  if (r < 0.71) {
    const pairs = [];
    const n = 1 + int(3);
    for (let i = 0; i < n; i++) pairs.push((chance(0.7) ? JSON.stringify(pick(KEYS)) : genExpr(d - 1, vars)) + ": " + genExpr(d - 1, vars));
    return (chance(0.4) ? genPath(d - 1) : "") + "{" + pairs.join(", ") + "}";
  }
  if (r < 0.75) return genPath(d - 1) + "^(" + pick(["", "<", ">"]) + genName() + (chance(0.3) ? ", >" + genName() : "") + ")";
  if (r < 0.79) return "(" + genLambda(d, 1 + int(2)) + ")(" + genExpr(d - 1, vars) + (chance(0.5) ? ", " + genExpr(d - 1, vars) : "") + ")";
  if (r < 0.82 && !builtins) return genExpr(d - 1, vars) + " ~> " + genLambda(d, 1);
  if (r < 0.82) return genExpr(d - 1, vars) + " ~> " + pick(["$string", "$count", "$uppercase", "$sum", "$keys", "$reverse", "$exists", "$type"]) + (chance(0.3) ? "()" : "");
  if (r < 0.84) {
    const [f, n] = pick(FUNCS.filter(([, k]) => k >= 2));
    return "(" + "$p := " + f + "(?, " + genExpr(d - 1, vars) + (n > 2 ? ", ?" : "") + "); $p(" + genExpr(d - 1, vars) + (n > 2 ? ", " + int(3) : "") + "))";
  }
  if (r < 0.87) return "$ ~> |" + genPath(d - 1) + "|" + (chance(0.8) ? "{" + JSON.stringify(pick(KEYS)) + ": " + genExpr(d - 1, vars) + "}" : genExpr(d - 1, vars)) + (chance(0.3) ? ", " + JSON.stringify(pick(KEYS)) : "") + "|";
  if (r < 0.90 && !noRegex) {
    const re = pick(REGEXES);
    const f = pick(["$match", "$replace", "$contains", "$split"]);
    const s = chance(0.6) ? JSON.stringify(pick(STRS)) : genExpr(d - 1, vars);
    if (f === "$replace") return f + "(" + s + ", " + re + ", " + JSON.stringify(pick(["-", "$1", "<$0>", ""])) + ")";
    return f + "(" + s + ", " + re + ")";
  }
  if (r < 0.92) return "-" + genExpr(d - 1, vars);
  if (r < 0.94) return "$not(" + genExpr(d - 1, vars) + ")";
  if (r < 0.96) return genExpr(d - 1, vars) + "[" + genPredicate(d - 1) + "]";
  return "(" + genExpr(d - 1, vars) + ")";
}

// ---- running ----
// The reference changes the document it evaluates: a transform's update
// lands on the input itself when its pattern leaves the clone (`$$`, a
// variable bound outside). Each evaluation gets its own copy, as the engine
// reads its own from the batch file.
const fresh = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

function refEval(c, impl) {
  let expr;
  try {
    expr = (impl || jsonata)(c.expr);
  } catch (e) {
    return Promise.resolve(e && e.code ? { error: { code: e.code } } : { internal: String(e && e.message) });
  }
  const start = Date.now();
  const guard = () => {
    if (Date.now() - start > 2000) throw { code: "U1001", message: "Expression evaluation timeout" };
  };
  expr.assign(Symbol.for("jsonata.__evaluate_entry"), guard);
  return expr.evaluate(fresh(c.data), fresh(c.bindings)).then(
    (r) => {
      if (r === undefined) return { undefined: true };
      let text;
      try {
        text = JSON.stringify(r, (k, v) => (typeof v === "function" || (v && (v._jsonata_lambda || v._jsonata_function)) ? FUNC : v));
      } catch (e) {
        return { func: true };
      }
      if (text.includes(FUNC_TEXT)) return { func: true };
      return { result: JSON.parse(text) };
    },
    (e) => (e && e.code ? { error: { code: e.code, position: e.position, token: e.token } } : { internal: String(e && e.message) })
  );
}
const FUNC = "\u0000function\u0000";
const FUNC_TEXT = JSON.stringify(FUNC).slice(1, -1);

function readKnown() {
  if (!knownFile) return [];
  return fs.readFileSync(knownFile, "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean)
    .map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l);
      const k = m ? { text: m[1], why: m[2] } : { text: l, why: "" };
      // [CODE]: only when the engine fails with CODE; [CODE@TOKEN]: and names TOKEN
      const c = /^\[([A-Z]\d{4})(?:@(\S+))?\]\s*(.*)$/.exec(k.why);
      if (c) { k.code = c[1]; k.tokens = c[2] && c[2].split(","); k.why = c[3]; }
      return k;
    });
}

async function main() {
  const cases = [];
  for (let i = 0; i < count; i++) {
    let expr;
    do expr = genExpr(1 + int(4)); while (regexInCondition(expr));
    const c = { expr, data: genInput(), bindings: {} };
    if (chance(0.1)) c.bindings = { x: genValue(2), y: pick(NUMS) };
    cases.push(c);
  }
  const tmp = path.join(os.tmpdir(), "jsonata_diff_" + process.pid + ".jsonl");
  fs.writeFileSync(tmp, cases.map((c) => JSON.stringify(c)).join("\n") + "\n");
  if (keep) fs.copyFileSync(tmp, keep);
  const t0 = Date.now();
  const run = spawnSync(bin, ["jsonata", "--batch", tmp], { maxBuffer: 1 << 30 });
  const tC = Date.now() - t0;
  fs.unlinkSync(tmp);
  if (run.status !== 0) {
    console.error("jsonata_diff: the batch exited " + run.status + "\n" + String(run.stderr).slice(-4000));
    process.exit(1);
  }
  const lines = String(run.stdout).split("\n").filter((l) => l.length);
  if (lines.length !== cases.length) {
    console.error("jsonata_diff: " + lines.length + " lines for " + cases.length + " cases");
    process.exit(1);
  }
  const known = readKnown();
  let same = 0, internal = 0, funcs = 0, knownCount = 0, parallel = 0;
  const diffs = [];
  const t1 = Date.now();
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i];
    const ref = await refEval(c);
    const ours = JSON.parse(lines[i]);
    if (ref.internal !== undefined) { internal++; continue; }
    if (ref.func) { funcs++; continue; }
    let ok;
    if (ref.undefined) ok = ours.undefined === true;
    else if (ref.error) ok = !!ours.error && ours.error.code === ref.error.code;
    else ok = "result" in ours && JSON.stringify(ours.result) === JSON.stringify(ref.result);
    if (ok) { same++; continue; }
    if (/[\[{]/.test(c.expr)) {
      const seq = await refEval(c, jsonataSeq);
      if (seq.internal !== undefined) { internal++; continue; }
      const seqOk = seq.undefined ? ours.undefined === true
        : seq.error ? !!ours.error && ours.error.code === seq.error.code
        : seq.result !== undefined && "result" in ours && JSON.stringify(ours.result) === JSON.stringify(seq.result);
      if (seqOk) { parallel++; continue; }
    }
    const k = known.find((kk) => c.expr.includes(kk.text) &&
      (!kk.code || (ours.error && ours.error.code === kk.code && (kk.tokens === undefined || kk.tokens.includes(ours.error.token)))));
    if (k) { knownCount++; k.hits = (k.hits || 0) + 1; continue; }
    diffs.push({ c, ref, ours });
  }
  const tR = Date.now() - t1;
  for (const d of diffs.slice(0, verbose ? diffs.length : 30)) {
    console.log("DIFF " + JSON.stringify(d.c.expr) + "\n  input " + JSON.stringify(d.c.data) +
      (Object.keys(d.c.bindings).length ? " bindings " + JSON.stringify(d.c.bindings) : "") +
      "\n  reference " + JSON.stringify(d.ref) + "\n  engine    " + JSON.stringify(d.ours));
  }
  console.log("jsonata_diff: seed " + seed + ", " + count + " cases: " + same + " equal, " + diffs.length +
    " different, " + parallel + " where only the reference's parallel schedule differs, " + knownCount + " known, " + internal + " where the reference fails without a code, " +
    funcs + " function results (engine " + tC + " ms, reference " + tR + " ms)");
  for (const k of known.filter((kk) => kk.hits))
    console.log("  known " + k.text + (k.code ? " [" + k.code + (k.tokens ? "@" + k.tokens.join(",") : "") + "]" : "") + ": " + k.hits);
  process.exit(diffs.length ? 1 : 0);
}

main();
