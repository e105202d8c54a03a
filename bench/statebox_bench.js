// statebox_bench.js - the reference for bench/sim_bench.c: run the same ASL
// loop (written by `sim_bench --dump`) through @wmfs/statebox and print
// "<status> <transitions> <seconds>". The loop enters 2 states per
// iteration plus the final one, so transitions = 2 * n + 1.
// Usage: node statebox_bench.js NODE_MODULES_DIR ASL_FILE N
'use strict'
const path = require('path')
const [nodeModules, aslFile, nArg] = process.argv.slice(2)
const Statebox = require(path.join(path.resolve(nodeModules), '@wmfs', 'statebox'))
const def = require(path.resolve(aslFile))
const n = Number(nArg)

async function main () {
  const sb = new Statebox({})
  await sb.ready
  await sb.createStateMachines({ loop: def }, {})
  const t0 = process.hrtime.bigint()
  const exec = await sb.startExecution({ i: 0, n }, 'loop', { sendResponse: 'COMPLETE' })
  const secs = Number(process.hrtime.bigint() - t0) / 1e9
  const ok = exec.status === 'SUCCEEDED' && exec.ctx.i === n
  console.log(`${ok ? 'SUCCEEDED' : exec.status + ' ' + JSON.stringify(exec.ctx).slice(0, 200)} ${2 * n + 1} ${secs}`)
}
main().catch(e => { console.error(e); process.exit(1) })
