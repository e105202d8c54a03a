#!/usr/bin/env node
// The reference side of bench/run's JSONata row: evaluate every case of a
// batch file (the official suite's format) with jsonata-js, as the official
// test harness does (timeboxExpression for the cases with a timelimit and a
// depth), and print "cases ok errors".
//
//   node bench/jsonata_bench.js NODE_MODULES CASES.jsonl DATASETS_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const [modules, cases, datasets] = process.argv.slice(2);
const jsonata = require(path.resolve(modules, "jsonata"));
const lines = fs.readFileSync(cases, "utf8").split("\n").filter((l) => l.trim());
const loaded = {};

function timebox(expr, timeout, maxDepth) {
  let depth = 0;
  const time = Date.now();
  const check = () => {
    if (maxDepth > 0 && depth > maxDepth) throw { code: "U1001", message: "Stack overflow error" };
    if (Date.now() - time > timeout) throw { code: "U1001", message: "Expression evaluation timeout" };
  };
  expr.assign(Symbol.for("jsonata.__evaluate_entry"), (e, i, env) => { if (env.isParallelCall) return; depth++; check(); });
  expr.assign(Symbol.for("jsonata.__evaluate_exit"), (e, i, env) => { if (env.isParallelCall) return; depth--; check(); });
}

(async () => {
  let ok = 0, errors = 0;
  for (const line of lines) {
    const c = JSON.parse(line);
    let input;
    if ("data" in c) input = c.data;
    else if (typeof c.dataset === "string")
      input = loaded[c.dataset] || (loaded[c.dataset] = JSON.parse(fs.readFileSync(path.join(datasets, c.dataset + ".json"), "utf8")));
    try {
      const expr = jsonata(c.expr);
      if ("timelimit" in c && "depth" in c) timebox(expr, c.timelimit, c.depth);
      await expr.evaluate(input, c.bindings);
      ok++;
    } catch (e) {
      errors++;
    }
  }
  console.log(lines.length, ok, errors);
})();
