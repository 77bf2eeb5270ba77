#!/usr/bin/env node
// Prints y-protocols sync messages for a few fixed documents as one JSON document on stdout, for the C#
// sync codec tests: what writeSyncStep1 / writeSyncStep2 / writeUpdate produce, and the reply that
// readSyncMessage writes for a received step 1 (with the document's state after reading each message).

import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as sync from 'y-protocols/sync'

const hex = (u8) => Buffer.from(u8).toString('hex')
const msg = (write) => { const e = encoding.createEncoder(); write(e); return encoding.toUint8Array(e) }

function makeDoc (clientID, edit) {
  const doc = new Y.Doc()
  doc.clientID = clientID
  const updates = []
  doc.on('update', (u) => updates.push(u))
  edit(doc)
  return { doc, updates }
}

const docs = {
  empty: makeDoc(1, () => {}),
  hi: makeDoc(1, (d) => d.getText('t').insert(0, 'hi')),
  mixed: makeDoc(3000000000, (d) => {
    d.getText('t').insert(0, 'hello world')
    d.getText('t').delete(2, 3)
    d.getMap('m').set('k', { a: [1, 2] })
    d.getArray('a').insert(0, [1, 'two', new Uint8Array([3])])
  }),
  large: makeDoc(42, (d) => { const t = d.getText('t'); for (let i = 0; i < 300; i++) t.insert(i, String.fromCharCode(97 + (i % 26))) })
}

const cases = []
for (const [name, { doc, updates }] of Object.entries(docs)) {
  const sv = Y.encodeStateVector(doc)
  const full = Y.encodeStateAsUpdate(doc)
  const c = {
    name,
    stateVector: hex(sv),
    stateAsUpdate: hex(full),
    syncStep1: hex(msg(e => sync.writeSyncStep1(e, doc))),
    syncStep2: hex(msg(e => sync.writeSyncStep2(e, doc))),
    updates: updates.map(u => ({ update: hex(u), message: hex(msg(e => sync.writeUpdate(e, u))) })),
    replies: []
  }
  // A peer that knows some of the document asks with its step 1; readSyncMessage answers with step 2.
  for (const [peerName, peer] of Object.entries(docs)) {
    const step1 = msg(e => sync.writeSyncStep1(e, peer.doc))
    const reply = encoding.createEncoder()
    const type = sync.readSyncMessage(decoding.createDecoder(step1), reply, doc, null)
    c.replies.push({ peer: peerName, step1: hex(step1), type, reply: hex(encoding.toUint8Array(reply)) })
  }
  // Receiving the document's step 2 and update messages on a fresh document.
  const receiver = new Y.Doc()
  const step2 = msg(e => sync.writeSyncStep2(e, doc, new Uint8Array([0])))
  const noReply = encoding.createEncoder()
  c.receive = {
    step2: hex(step2),
    type: sync.readSyncMessage(decoding.createDecoder(step2), noReply, receiver, 'remote'),
    replyLength: encoding.length(noReply),
    stateVectorAfter: hex(Y.encodeStateVector(receiver))
  }
  cases.push(c)
}
process.stdout.write(JSON.stringify({ cases }) + '\n')
