// Tokens of plain y-websocket clients (query parameter "token"): a wrong token gets the connection closed and
// neither receives nor contributes anything; "readonly-token" receives the document and live updates but its
// edits (live, and offline ones sent in its sync step 2 after a reconnect) never reach others or the server state.
// Tokens: --valid-token, --readonly-token, --invalid-token as in auth.mjs.

import { scenario, run, step, provider, ywsProvider, synced, acknowledged, waitFor, check, tokens, Y } from './lib.mjs'

const { url, yws, doc: name } = scenario('ywebsocket-access')
const text = doc => doc.getText('text').toString()

// The server handles the frames of one connection in order, so once a later awareness change of the y-websocket
// client is visible to others, its earlier document frames were handled.
async function barrier (ws, watcher, label) {
  ws.awareness.setLocalState({ barrier: label })
  await waitFor(`the server to handle everything the y-websocket client sent before "${label}"`, () => watcher.awareness.getStates().get(ws.doc.clientID)?.barrier === label)
}

run(async () => {
  step('a Hocuspocus writer')
  const writer = provider({ url, name })
  await synced(writer)
  writer.document.getText('text').insert(0, 'base')
  await acknowledged(writer)

  step('a y-websocket client with a wrong token is closed and gets nothing')
  const intruderDoc = new Y.Doc()
  intruderDoc.getText('text').insert(0, 'INTRUDER ')
  const intruder = ywsProvider({ yws, name, token: tokens.invalid, document: intruderDoc })
  let closes = 0
  intruder.on('connection-close', () => { closes++ })
  await waitFor('the server to close the y-websocket client with the wrong token', () => closes > 0)
  check(!intruder.synced, 'the y-websocket client with a wrong token synced')
  check(text(intruderDoc) === 'INTRUDER ', 'the y-websocket client with a wrong token received ' + JSON.stringify(text(intruderDoc)))
  intruder.destroy()

  step('a read-only y-websocket client receives the document and live updates')
  const reader = ywsProvider({ yws, name, token: tokens.readonly })
  await waitFor('the read-only y-websocket client to sync', () => reader.synced)
  await waitFor('the read-only y-websocket client to receive the document', () => text(reader.doc) === 'base')
  writer.document.getText('text').insert(4, '+live')
  await waitFor('the read-only y-websocket client to receive a live update', () => text(reader.doc) === 'base+live')

  step('its live edits are dropped')
  reader.doc.getText('text').insert(0, 'EVIL ')
  reader.doc.getMap('map').set('owner', 'reader')
  await barrier(reader, writer, 'live')

  step('its offline edits are dropped after a reconnect')
  reader.disconnect()
  reader.doc.getText('text').insert(0, 'OFFLINE ')
  reader.connect()
  await waitFor('the read-only y-websocket client to sync again', () => reader.synced)
  await barrier(reader, writer, 'reconnected')

  step('nobody else sees them')
  check(text(writer.document) === 'base+live', 'the writer sees ' + JSON.stringify(text(writer.document)))
  check(!writer.document.getMap('map').has('owner'), 'the writer sees the reader\'s map entry')
  const late = provider({ url, name })
  await synced(late)
  check(text(late.document) === 'base+live', 'a late joiner (server state) sees ' + JSON.stringify(text(late.document)))
  check(text(reader.doc).includes('EVIL') && text(reader.doc).includes('OFFLINE'), 'the reader lost its local edits')
  for (const p of [writer, late]) p.destroy()
  reader.destroy()
  return { closes }
})
