// Stateless messages both ways: the server's onStateless hook answers the sender only ("echo:" + payload) and
// broadcasts "broadcast:..." payloads to every connection of the document, on that document only.

import { scenario, run, step, provider, socket, synced, waitFor, sleep, check } from './lib.mjs'

const { url, doc: name } = scenario('stateless')

run(async () => {
  step('connect')
  const shared = socket(url)
  const a = provider({ name, websocketProvider: shared })
  const aOther = provider({ name: name + '-other', websocketProvider: shared })
  const b = provider({ url, name })
  for (const p of [a, aOther, b]) await synced(p)

  step('client to server, hook replies to the sender')
  const json = JSON.stringify({ type: 'ping', text: 'grüße 🌟', n: 1 })
  a.sendStateless(json)
  await waitFor('A to receive the echo', () => a.events.stateless.includes('echo:' + json))
  b.sendStateless('from b')
  await waitFor('B to receive its echo', () => b.events.stateless.includes('echo:from b'))

  step('server broadcast reaches every connection of the document')
  b.sendStateless('broadcast:hello everyone')
  await waitFor('A and B to receive the broadcast', () => a.events.stateless.includes('broadcast:hello everyone') && b.events.stateless.includes('broadcast:hello everyone'))

  step('replies and broadcasts stay on their document and sender')
  const big = 'x'.repeat(100000)
  a.sendStateless(big)
  await waitFor('A to receive the echo of a 100 kB payload', () => a.events.stateless.includes('echo:' + big))
  await sleep(300)
  check(!b.events.stateless.some(p => p.startsWith('echo:') && p !== 'echo:from b'), 'B received an echo meant for A: ' + b.events.stateless.map(p => p.slice(0, 40)))
  check(aOther.events.stateless.length === 0, 'a provider of another document on the same socket received: ' + aOther.events.stateless.map(p => p.slice(0, 40)))

  for (const p of [a, aOther, b]) p.destroy()
  shared.destroy()
  return { received: { a: a.events.stateless.length, b: b.events.stateless.length } }
})
