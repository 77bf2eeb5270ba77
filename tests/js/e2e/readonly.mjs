// Read-only clients cannot write: a client authenticated with the read-only token receives the document and live
// updates, but its own edits (live updates, and offline edits sent in its sync step 2 after a reconnect) never
// reach other clients nor the server's state, and the server never acknowledges them.

import { scenario, run, step, provider, synced, acknowledged, goOffline, goOnline, waitFor, sleep, check, tokens } from './lib.mjs'

const { url, doc: name } = scenario('readonly')
const text = p => p.document.getText('text').toString()

// The server processes the frames of one document connection in order, so once the echo of a stateless
// message sent after an edit is back, the edit has been handled.
async function barrier (p, label) {
  p.sendStateless('barrier ' + label)
  await waitFor(`the server to handle everything ${label} sent`, () => p.events.stateless.includes('echo:barrier ' + label))
}

run(async () => {
  step('a writer and a read-only client')
  const writer = provider({ url, name })
  await synced(writer)
  writer.document.getText('text').insert(0, 'base')
  const reader = provider({ url, name, token: tokens.readonly })
  await synced(reader)
  check(reader.events.authenticated === 'readonly', 'scope ' + reader.events.authenticated)
  await waitFor('the reader to receive the document', () => text(reader) === 'base')

  step('the read-only client edits live')
  reader.document.getText('text').insert(0, 'EVIL ')
  reader.document.getMap('meta').set('owner', 'reader')
  await barrier(reader, 'live edits')
  check(reader.hasUnsyncedChanges, 'the server acknowledged a read-only edit (SyncStatus 1)')

  step('the read-only client still receives live updates')
  writer.document.getText('text').insert(4, '+writer')
  await waitFor('the reader to receive the writer\'s update', () => text(reader).endsWith('base+writer'))

  step('the read-only client edits offline and reconnects (its sync step 2 carries the edits)')
  await goOffline(reader)
  reader.document.getText('text').insert(0, 'OFFLINE ')
  await goOnline(reader)
  await barrier(reader, 'after reconnect')

  step('nobody else ever sees the read-only edits')
  await sleep(200)
  await acknowledged(writer)
  check(text(writer) === 'base+writer', 'the writer sees ' + JSON.stringify(text(writer)))
  check(!writer.document.getMap('meta').has('owner'), 'the writer sees the reader\'s map entry')
  const late = provider({ url, name })
  await synced(late)
  check(text(late) === 'base+writer', 'a late joiner (server state) sees ' + JSON.stringify(text(late)))
  check(!late.document.getMap('meta').has('owner'), 'the server state has the reader\'s map entry')
  check(text(reader).includes('EVIL') && text(reader).includes('OFFLINE'), 'the reader lost its local edits')
  for (const p of [writer, reader, late]) p.destroy()
  return { writer: text(writer), reader: text(reader) }
})
