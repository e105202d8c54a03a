// statebox_crosscheck.js - run hand-written ASL files (tests/data/asl/sim_*)
// through @wmfs/statebox (a third-party ASL interpreter) and through our
// simulator (sim_run), and compare status, output and error.
// Usage: node statebox_crosscheck.js SIM_RUN DATA_DIR NODE_MODULES_DIR
'use strict'
const path = require('path')
const { execFileSync } = require('child_process')
const [simRun, dataDir, nodeModules] = process.argv.slice(2).map(p => path.resolve(p))
const Statebox = require(path.join(nodeModules, '@wmfs', 'statebox'))

const CASES = [
  ['sim_pass_chain', { keep: 1 }],
  ['sim_choice_rules', { age: 30, kind: 'x', member: true }],
  ['sim_choice_rules', { age: 70, kind: 'child', member: false }],
  ['sim_choice_rules', { age: 70, kind: 'x', member: true }],
  ['sim_choice_rules', { age: 70, kind: 'x', member: false }],
  ['sim_wait', { start: 1 }],
  ['sim_parallel', { a: { left: 1 } }],
  ['sim_map', { items: [{ v: 1 }, { v: 11 }, { v: 10 }] }],
  ['sim_fail', { ok: false }],
  ['sim_fail', { ok: true }],
  ['sim_succeed_paths', { payload: { deep: [1, 2] } }],
  ['sim_intrinsics', { name: 'Ada', n: 7, obj: { a: 1 }, json: '{"k":[true,null]}' }],
  ['sim_nested', { x: -2 }],
  ['sim_nested', { x: 5 }],
  ['sim_choice_strings', { missing: 0, s: 'a' }],
  ['sim_choice_strings', { nothing: null, s: 'a' }],
  ['sim_choice_strings', { s: 'apple' }],
  ['sim_choice_strings', { s: 'zebra' }]
]

function canon (v) {
  if (Array.isArray(v)) return v.map(canon)
  if (v && typeof v === 'object') {
    const o = {}
    for (const k of Object.keys(v).sort()) o[k] = canon(v[k])
    return o
  }
  return v
}

async function main () {
  const statebox = new Statebox({})
  await statebox.ready
  let failed = 0
  let seq = 0
  for (const [name, input] of CASES) {
    const file = path.join(dataDir, name + '.asl.json')
    const def = require(file)
    const smName = name + '_' + (++seq)
    await statebox.createStateMachines({ [smName]: def }, {})
    const exec = await statebox.startExecution(JSON.parse(JSON.stringify(input)), smName, { sendResponse: 'COMPLETE' })
    const theirs = exec.status === 'SUCCEEDED'
      ? { status: 'SUCCEEDED', output: canon(exec.ctx), error: null }
      : { status: exec.status, output: null, error: exec.errorCode || null }
    let ours
    try {
      ours = JSON.parse(execFileSync(simRun, [file, JSON.stringify(input)], { encoding: 'utf8' }))
    } catch (e) {
      ours = e.stdout ? JSON.parse(e.stdout) : { status: 'CRASH', output: null, error: String(e) }
    }
    const mine = { status: ours.status, output: ours.status === 'SUCCEEDED' ? canon(ours.output) : null, error: ours.error }
    const same = JSON.stringify(mine) === JSON.stringify(theirs)
    if (!same) failed++
    console.log(`${same ? 'ok  ' : 'FAIL'} ${name} ${JSON.stringify(input)}`)
    if (!same) console.log(`     statebox: ${JSON.stringify(theirs)}\n     stepsim:  ${JSON.stringify(mine)}`)
  }
  console.log(`${CASES.length - failed} passed, ${failed} failed`)
  process.exit(failed ? 1 : 0)
}
main().catch(e => { console.error(e); process.exit(1) })
