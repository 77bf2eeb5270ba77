// A plain y-websocket client and a Hocuspocus provider edit the same document: edits and awareness flow both
// ways, a y-websocket late joiner gets the full state, and a y-websocket client with offline edits converges.
// The y-websocket base URL is --yws-url (or E2E_YWS_URL; default <url>/yws); the room name is appended as a path
// segment and the token is sent as the query parameter "token".

import { scenario, run, step, provider, ywsProvider, synced, acknowledged, converged, waitFor, check, Y } from './lib.mjs'

const { url, yws, doc: name } = scenario('mixed-clients')
const schema = { text: Y.Text, map: Y.Map, xml: Y.XmlFragment }

async function ywsSynced (p, ms = 10000) {
  await waitFor(`the y-websocket client of "${p.roomname}" to sync (connected: ${p.wsconnected})`, () => p.synced, ms)
}

run(async () => {
  step('a Hocuspocus provider and a y-websocket client on the same document')
  const hp = provider({ url, name })
  await synced(hp)
  hp.document.getText('text').insert(0, 'from hocuspocus. ')
  const ws = ywsProvider({ yws, name })
  await ywsSynced(ws)
  await converged('the y-websocket client to receive the existing content', [hp.document, ws.doc], schema)

  step('edits both ways')
  ws.doc.getText('text').insert(0, 'from y-websocket. ')
  ws.doc.getMap('map').set('client', 'y-websocket')
  const element = new Y.XmlElement('p')
  element.insert(0, [new Y.XmlText('xml from y-websocket')])
  ws.doc.getXmlFragment('xml').push([element])
  hp.document.getMap('map').set('provider', 'hocuspocus')
  await converged('both clients to converge', [hp.document, ws.doc], schema)
  await acknowledged(hp)

  step('awareness both ways')
  ws.awareness.setLocalStateField('user', { name: 'yws user' })
  hp.setAwarenessField('user', { name: 'hocuspocus user' })
  await waitFor('the Hocuspocus provider to see the y-websocket user', () => hp.awareness.getStates().get(ws.doc.clientID)?.user?.name === 'yws user')
  await waitFor('the y-websocket client to see the Hocuspocus user', () => ws.awareness.getStates().get(hp.document.clientID)?.user?.name === 'hocuspocus user')

  step('a y-websocket client leaving disappears from the provider\'s awareness')
  ws.disconnect()
  await waitFor('the y-websocket user to disappear', () => !hp.awareness.getStates().has(ws.doc.clientID))

  step('the y-websocket client edits offline and reconnects')
  ws.doc.getText('text').insert(0, 'offline yws. ')
  hp.document.getText('text').insert(hp.document.getText('text').length, 'meanwhile hp.')
  ws.connect()
  await ywsSynced(ws)
  await converged('both clients to converge after the y-websocket reconnect', [hp.document, ws.doc], schema)

  step('a y-websocket late joiner gets the full state')
  const lateWs = ywsProvider({ yws, name })
  await ywsSynced(lateWs)
  await converged('the y-websocket late joiner to converge', [hp.document, ws.doc, lateWs.doc], schema)
  const text = hp.document.getText('text').toString()
  check(text.includes('offline yws. ') && text.includes('from y-websocket. ') && text.includes('meanwhile hp.'), 'text ' + text)
  hp.destroy()
  ws.destroy()
  lateWs.destroy()
  return { text }
})
