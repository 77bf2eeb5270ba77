// Idle connections stay open: a Hocuspocus provider and a y-websocket client with awareness, both idle for longer
// than their 30 s "no message received" reconnect timeout, are kept alive by the server echoing their 15 s
// awareness renewals (protocol.md §4.5) — neither reconnects — and an edit afterwards still flows both ways.
// --idle <ms> sets the idle time (default 40 000).

import { scenario, run, step, option, provider, ywsProvider, synced, waitFor, sleep, check, Y } from './lib.mjs'

const idle = Number(option('idle', 'E2E_IDLE', '40000'))
const { url, yws, doc: name } = scenario('idle-keepalive', { timeout: idle + 30000 })

run(async () => {
  step('a Hocuspocus provider and a y-websocket client with awareness')
  const hp = provider({ url, name })
  await synced(hp)
  hp.setAwarenessField('user', { name: 'hocuspocus' })
  const ws = ywsProvider({ yws, name })
  await waitFor('the y-websocket client to sync', () => ws.synced)
  ws.awareness.setLocalStateField('user', { name: 'y-websocket' })
  await waitFor('both to see each other', () =>
    hp.awareness.getStates().get(ws.doc.clientID)?.user?.name === 'y-websocket' &&
    ws.awareness.getStates().get(hp.document.clientID)?.user?.name === 'hocuspocus')

  let hpDisconnects = 0
  let wsDisconnects = 0
  hp.configuration.websocketProvider.on('disconnect', () => { hpDisconnects++ })
  ws.on('connection-close', () => { wsDisconnects++ })

  step(`idle for ${idle} ms`)
  await sleep(idle)
  check(hpDisconnects === 0, `the Hocuspocus provider's socket closed ${hpDisconnects} time(s) while idle`)
  check(wsDisconnects === 0, `the y-websocket client's socket closed ${wsDisconnects} time(s) while idle`)
  check(hp.awareness.getStates().get(ws.doc.clientID)?.user?.name === 'y-websocket', 'the provider lost the y-websocket user')
  check(ws.awareness.getStates().get(hp.document.clientID)?.user?.name === 'hocuspocus', 'the y-websocket client lost the provider user')

  step('edits still flow')
  hp.document.getText('text').insert(0, 'after idle ')
  ws.doc.getText('text').insert(0, 'yws ')
  await waitFor('both edits to reach both clients', () =>
    [hp.document, ws.doc].every(d => d.getText('text').toString().includes('after idle ') && d.getText('text').toString().includes('yws ')))
  hp.destroy()
  ws.destroy()
  return { idle }
})
