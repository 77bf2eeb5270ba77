// Late joiners get the full state: after a long editing session (many small transactions, deletions, every
// type), clients joining later — one with an empty document, one with offline content of its own — receive
// everything, and the state vectors of all clients are equal.

import { scenario, run, step, provider, synced, acknowledged, converged, check, Y } from './lib.mjs'

const { url, doc: name } = scenario('late-joiner')
const schema = { text: Y.Text, map: Y.Map, list: Y.Array, xml: Y.XmlFragment }

run(async () => {
  step('two early clients edit for a while')
  const a = provider({ url, name })
  const b = provider({ url, name })
  await synced(a)
  await synced(b)
  for (let i = 0; i < 200; i++) {
    const p = i % 2 === 0 ? a : b
    const text = p.document.getText('text')
    text.insert(Math.floor(text.length / 2), `w${i} `, i % 7 === 0 ? { bold: true } : undefined)
    if (i % 5 === 0 && text.length > 10) text.delete(2, 3)
    p.document.getMap('map').set(`k${i % 13}`, i)
    if (i % 10 === 0) p.document.getArray('list').push([{ i }])
    if (i % 25 === 0) p.document.getXmlFragment('xml').push([new Y.XmlElement('p' + i)])
  }
  await converged('the early clients to converge', [a.document, b.document], schema)
  await acknowledged(a)
  await acknowledged(b)

  step('a late joiner with an empty document')
  const late = provider({ url, name })
  await synced(late)
  await converged('the late joiner to receive everything', [a.document, late.document], schema)
  check(Buffer.compare(Buffer.from(Y.encodeStateVector(late.document)), Buffer.from(Y.encodeStateVector(a.document))) === 0, 'state vectors differ')

  step('a late joiner that has offline content of its own')
  const own = new Y.Doc()
  own.getText('text').insert(0, 'mine: ')
  own.getMap('map').set('own', true)
  const merging = provider({ url, name, document: own })
  await synced(merging)
  await converged('the early clients and the merging joiner to converge', [a.document, b.document, late.document, merging.document], schema)
  await acknowledged(merging)
  check(a.document.getText('text').toString().includes('mine: ') && a.document.getMap('map').get('own') === true, 'the joiner\'s content did not reach the others')

  for (const p of [a, b, late, merging]) p.destroy()
  return { bytes: Y.encodeStateAsUpdate(a.document).length }
})
