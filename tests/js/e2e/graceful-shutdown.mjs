// Graceful shutdown (SIGTERM) loses nothing, in two phases run against the same --doc name:
//   --phase write   two clients make a burst of edits and wait for the server's acknowledgements, then make a
//                   second burst and wait only until each client received the other's edits (the server applied
//                   them; their store is still pending), print {"phase":"edited"}, and stay connected until the
//                   server closes them;
//   (the harness sends SIGTERM to the server as soon as "edited" is printed, waits for it to exit, restarts it)
//   --phase read    a new client receives every edit of the burst.

import { scenario, run, step, option, phase, provider, synced, acknowledged, converged, waitFor, check, fail, Y } from './lib.mjs'

const { url, doc: name } = scenario('graceful-shutdown', { timeout: 45000 })
const phaseName = option('phase', 'E2E_PHASE', null)
const edits = 300
const unacknowledged = 100
const schema = { text: Y.Text, map: Y.Map }

run(async () => {
  if (phaseName !== 'write' && phaseName !== 'read') fail('pass --phase write or --phase read')

  if (phaseName === 'write') {
    step('two clients make a burst of edits')
    const a = provider({ url, name })
    const b = provider({ url, name })
    await synced(a)
    await synced(b)
    for (let i = 0; i < edits; i++) {
      const p = i % 2 === 0 ? a : b
      p.document.getText('text').insert(0, `<${i}>`)
      p.document.getMap('map').set(`key${i}`, i)
    }
    await acknowledged(a)
    await acknowledged(b)
    await converged('the burst to reach both clients', [a.document, b.document], schema)

    step('a second burst, not waiting for acknowledgements')
    for (let i = edits; i < edits + unacknowledged; i++) {
      const p = i % 2 === 0 ? a : b
      p.document.getText('text').insert(0, `<${i}>`)
      p.document.getMap('map').set(`key${i}`, i)
    }
    await converged('the second burst to reach both clients', [a.document, b.document], schema)
    phase('edited')

    step('wait for the server to shut down')
    await waitFor('the server to close the connections', () => a.configuration.websocketProvider.status !== 'connected' && b.configuration.websocketProvider.status !== 'connected', 30000)
    a.destroy()
    b.destroy()
    return { phase: 'write', edits }
  }

  step('read every edit after the restart')
  const reader = provider({ url, name })
  await synced(reader)
  const text = reader.document.getText('text').toString()
  const map = reader.document.getMap('map')
  const missing = []
  for (let i = 0; i < edits + unacknowledged; i++) {
    if (!text.includes(`<${i}>`)) missing.push(`text <${i}>`)
    if (map.get(`key${i}`) !== i) missing.push(`map key${i}`)
  }
  check(missing.length === 0, `${missing.length} edits lost, e.g. ${missing.slice(0, 10).join(', ')}`)
  reader.destroy()
  return { phase: 'read', edits: edits + unacknowledged }
})
