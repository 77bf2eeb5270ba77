// Acknowledged edits survive a SIGKILL, in two phases against the same --doc prefix:
//   --phase write   --docs N documents, two clients each on one shared socket per client set; every client types
//                   --edits M words into its document and waits, after each, until the server acknowledged it
//                   (SyncStatus). Prints the phase line {"phase":"acknowledged"} once every edit is acknowledged,
//                   then keeps the sockets open (the harness kills the server at once, with SIGKILL).
//   --phase read    fresh clients read every document from the restarted server and check every edit is there.
// The words are derived from the names, so the read phase knows what to expect.

import { scenario, run, step, option, phase, provider, synced, acknowledged, check, sleep, Y } from './lib.mjs'

const { url, doc: prefix } = scenario('acknowledged-kill', { timeout: 60000 })
const phaseName = option('phase', 'E2E_PHASE', null)
const documents = Number(option('docs', null, '10'))
const edits = Number(option('edits', null, '5'))
const names = Array.from({ length: documents }, (_, i) => `${prefix}-${i}`)
const word = (name, client, edit) => `[${name}/${client}/${edit}]`

run(async () => {
  if (phaseName === 'write') {
    step('connect')
    const clients = names.flatMap(name => [0, 1].map(client => ({ name, client, p: provider({ url, name }) })))
    await Promise.all(clients.map(c => synced(c.p, 20000)))
    step('type, each edit acknowledged before the next')
    await Promise.all(clients.map(async ({ name, client, p }) => {
      for (let edit = 0; edit < edits; edit++) {
        const text = p.document.getText('text')
        text.insert(text.length, word(name, client, edit))
        await acknowledged(p, 20000)
      }
    }))
    phase('acknowledged', { edits: clients.length * edits })
    // the harness kills the server now; stay connected until then
    await sleep(60000)
    return {}
  }

  check(phaseName === 'read', 'pass --phase write or --phase read')
  step('read every document after the restart')
  let found = 0
  for (const name of names) {
    const reader = provider({ url, name, document: new Y.Doc() })
    await synced(reader, 20000)
    const text = reader.document.getText('text').toString()
    for (let client = 0; client < 2; client++) {
      for (let edit = 0; edit < edits; edit++) {
        check(text.includes(word(name, client, edit)), `${name} lost the acknowledged edit ${word(name, client, edit)}: "${text}"`)
        found++
      }
    }
    reader.destroy()
  }

  return { found }
})
