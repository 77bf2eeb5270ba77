// Persistence across a server restart, in two phases run against the same --doc name:
//   --phase write   a client writes rich content (every type), waits for the server's acknowledgement, leaves;
//   (the harness restarts the server)
//   --phase read    a new client with an empty document receives exactly that content from the restarted
//                   server, edits it, and the edit is acknowledged.
// The content is derived from the document name, so the read phase knows what to expect.

import { scenario, run, step, option, provider, synced, acknowledged, snapshot, same, waitFor, check, fail, Y } from './lib.mjs'

const { url, doc: name } = scenario('persistence')
const phaseName = option('phase', 'E2E_PHASE', null)
const schema = { text: Y.Text, map: Y.Map, list: Y.Array, xml: Y.XmlFragment }

function fill (doc, seed) {
  doc.transact(() => {
    doc.getText('text').insert(0, `persisted ${seed} `)
    doc.getText('text').insert(0, 'bold ', { bold: true })
    doc.getMap('map').set('seed', seed)
    doc.getMap('map').set('bytes', new Uint8Array([1, 2, 3, 250]))
    const nested = new Y.Map()
    doc.getMap('map').set('nested', nested)
    nested.set('deep', [1, { two: 2 }])
    doc.getArray('list').push(['one', 2, true, null])
    const element = new Y.XmlElement('paragraph')
    element.setAttribute('data-seed', seed)
    element.insert(0, [new Y.XmlText('xml survives restarts')])
    doc.getXmlFragment('xml').push([element])
  })
  for (let i = 0; i < 20; i++) doc.getText('text').insert(doc.getText('text').length, `#${i}`)
  doc.getText('text').delete(0, 2)
}

run(async () => {
  if (phaseName !== 'write' && phaseName !== 'read') fail('pass --phase write or --phase read')
  const expected = new Y.Doc()
  fill(expected, name)

  if (phaseName === 'write') {
    step('write the content')
    const writer = provider({ url, name })
    await synced(writer)
    check(writer.document.getText('text').length === 0, 'the document is not new; use a fresh --doc name')
    fill(writer.document, name)
    await acknowledged(writer)
    check(same(snapshot(writer.document, schema), snapshot(expected, schema)), 'the written content is not the expected content')
    writer.destroy()
    return { phase: 'write', bytes: Y.encodeStateAsUpdate(writer.document).length }
  }

  step('read the content after the restart')
  const reader = provider({ url, name })
  await synced(reader)
  const actual = snapshot(reader.document, schema)
  check(same(actual, snapshot(expected, schema)), `the restarted server returned ${JSON.stringify(actual).slice(0, 600)}`)
  step('edit after the restart')
  reader.document.getText('text').insert(0, 'after restart ')
  await acknowledged(reader)
  const other = provider({ url, name })
  await synced(other)
  await waitFor('another client to see the post-restart edit', () => other.document.getText('text').toString().startsWith('after restart '))
  reader.destroy()
  other.destroy()
  return { phase: 'read' }
})
