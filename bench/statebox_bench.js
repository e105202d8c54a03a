// statebox_bench.js - the reference for bench/sim_bench.c: run an ASL
// machine through @wmfs/statebox and print "<status> <seconds>" (the caller
// knows the machine's transition count; statebox does not report it).
// Usage: node statebox_bench.js NODE_MODULES_DIR ASL_FILE INPUT_JSON
'use strict'
const path = require('path')
const [nodeModules, aslFile, inputText] = process.argv.slice(2)
const Statebox = require(path.join(path.resolve(nodeModules), '@wmfs', 'statebox'))
const def = require(path.resolve(aslFile))

async function main () {
  const sb = new Statebox({})
  await sb.ready
  await sb.createStateMachines({ loop: def }, {})
  const t0 = process.hrtime.bigint()
  const exec = await sb.startExecution(JSON.parse(inputText), 'loop', { sendResponse: 'COMPLETE' })
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  const ok = exec.status === 'SUCCEEDED'
  console.log(`${ok ? 'SUCCEEDED' : exec.status + ' ' + JSON.stringify(exec.ctx).slice(0, 200)} ${secs}`)
}
main().catch(e => { console.error(e); process.exit(1) })
