// Edits that survive any crash (the persistence worker's acceptance).
// --case write   two providers per document on different replicas edit in rounds (phase "editing" after the second
//                round: the test kills and restarts the worker then); once every provider reports no unsynced changes the
//                expected tokens go to --state and phase "kill" follows (the test then SIGKILLs every server and the worker).
// --case verify  fresh providers on --urls (the restarted deployment) load every document: each acknowledged token is
//                there exactly once and nothing else is.
// --urls ws://a,ws://b,ws://c  --state file.json  [--documents 12] [--rounds 20] [--prefix crash]

import { readFileSync, writeFileSync } from 'node:fs'
import { scenario, run, step, option, phase, provider, synced, acknowledged, check, sleep } from '../e2e/lib.mjs'

const which = option('case', null, 'write')
scenario(`persistence-${which}`, { timeout: 150000 })
const urls = option('urls', null, '').split(',').filter(Boolean)
const stateFile = option('state', null, '')
const documents = Number(option('documents', null, '12'))
const rounds = Number(option('rounds', null, '20'))
const prefix = option('prefix', null, 'crash')
if (urls.length === 0 || !stateFile) throw new Error('--urls and --state are required')

async function write () {
  step('two providers per document, on different replicas')
  const expected = {}
  const providers = []
  for (let d = 0; d < documents; d++) {
    const name = `${prefix}-${d}`
    providers.push(provider({ url: urls[d % urls.length], name }), provider({ url: urls[(d + 1) % urls.length], name }))
    expected[name] = []
  }
  await Promise.all(providers.map(p => synced(p, 30000)))

  step('edit in rounds')
  for (let round = 0; round < rounds; round++) {
    providers.forEach((p, i) => {
      const token = `<${i % 2 === 0 ? 'a' : 'b'}${round}>`
      const text = p.document.getText('text')
      text.insert(round % 3 === 0 ? 0 : text.length, token)
      expected[p.configuration.name].push(token)
    })
    if (round === 1) phase('editing')
    await sleep(100)
  }

  step('every provider reports no unsynced changes')
  await Promise.all(providers.map(p => acknowledged(p, 60000)))
  writeFileSync(stateFile, JSON.stringify(expected))
  phase('kill')
  // the servers die now; nothing more to do here
  providers.forEach(p => p.destroy())
  return { documents, tokens: Object.values(expected).reduce((n, list) => n + list.length, 0) }
}

async function verify () {
  const expected = JSON.parse(readFileSync(stateFile, 'utf8'))
  let checked = 0
  for (const [name, tokens] of Object.entries(expected)) {
    step(`load ${name} on the restarted deployment`)
    const p = provider({ url: urls[checked % urls.length], name })
    await synced(p, 30000)
    const text = p.document.getText('text').toString()
    for (const token of tokens) {
      const count = text.split(token).length - 1
      check(count === 1, `${name}: ${token} appears ${count} times in ${text}`)
    }
    check(text.length === tokens.reduce((n, t) => n + t.length, 0), `${name}: unexpected content in ${text}`)
    p.destroy()
    checked++
  }
  return { documents: checked }
}

run(which === 'verify' ? verify : write)
