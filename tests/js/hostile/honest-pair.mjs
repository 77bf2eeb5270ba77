// The honest pair of the hostile-client tests: two real @hocuspocus/provider clients edit one document while the
// test attacks the server. They take turns inserting one character every --interval ms for --seconds; each insert's
// time until the other provider has it is a latency sample. Prints {"phase":"ready"} once both are synced (the
// attack starts then), and last the result line: p50/p99/max in ms, the sample count, and whether the two documents
// converged (both have every character, the same text).
import { scenario, step, pass, fail, phase, sleep, waitFor, provider, option, Y } from '../e2e/lib.mjs'

const { url } = scenario('honest-pair', { timeout: 120000 })
const seconds = Number(option('seconds', null, '8'))
const interval = Number(option('interval', null, '50'))
const name = option('doc', null, 'honest')

const docs = [new Y.Doc(), new Y.Doc()]
const providers = docs.map(document => provider({ url, name, document }))
step('sync')
await waitFor('both providers synced', () => providers.every(p => p.isSynced), 20000)
phase('ready')

const latencies = []
const ends = Date.now() + seconds * 1000
let turn = 0
step('edit')
while (Date.now() < ends) {
  const [from, to] = turn % 2 === 0 ? [0, 1] : [1, 0]
  const expected = docs[to].getText('t').length + 1
  const started = performance.now()
  docs[from].getText('t').insert(0, String.fromCharCode(97 + (turn % 26)))
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`turn ${turn}: the other provider did not get the edit within 10 s`)), 10000)
    const check = () => {
      if (docs[to].getText('t').length >= expected) {
        clearTimeout(timer)
        docs[to].off('update', check)
        resolve()
      }
    }
    docs[to].on('update', check)
    check()
  }).catch(error => fail(error.message))
  latencies.push(performance.now() - started)
  turn++
  await sleep(interval)
}

step('converge')
await waitFor('both texts equal', () => docs[0].getText('t').toString() === docs[1].getText('t').toString(), 10000)
const sorted = [...latencies].sort((a, b) => a - b)
const at = q => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]
providers.forEach(p => p.destroy())
pass({ samples: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1], length: docs[0].getText('t').length })
