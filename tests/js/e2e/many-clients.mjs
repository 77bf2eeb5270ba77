// Fan-out under concurrent typing: 20 session-aware providers (4 per socket on 5 sockets) type into one document at the same time
// (50 single-character transactions each, at random positions, with deletions) and all converge, with no
// insertion duplicated, the last map value of every client present and every change acknowledged.

import { scenario, run, step, provider, socket, synced, acknowledged, converged, sleep, check, Y } from './lib.mjs'

const { url, doc: name } = scenario('many-clients', { timeout: 60000 })
const clients = 20
const edits = 50
const schema = { text: Y.Text, map: Y.Map }

run(async () => {
  step('20 session-aware providers on 5 sockets')
  const sockets = Array.from({ length: 5 }, () => socket(url))
  const ps = Array.from({ length: clients }, (_, i) => provider({ name, websocketProvider: sockets[i % sockets.length], sessionAwareness: true }))
  for (const p of ps) await synced(p)

  step('everybody types at once')
  let seed = 7
  const random = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 }
  for (let round = 0; round < edits; round++) {
    ps.forEach((p, i) => {
      const text = p.document.getText('text')
      text.insert(Math.floor(random() * (text.length + 1)), String.fromCharCode(65 + (i % 26)))
      if (round % 10 === 9 && text.length > 0) text.delete(Math.floor(random() * text.length), 1)
      p.document.getMap('map').set(`client${i}`, round)
    })
    if (round % 10 === 0) await sleep(5)
  }
  await converged('all 20 documents to converge', ps.map(p => p.document), schema, 30000)
  for (const p of ps) await acknowledged(p, 30000)

  const text = ps[0].document.getText('text').toString()
  // Concurrent deletions of the same character count once, so the length lies between these bounds.
  const deletions = clients * Math.floor(edits / 10)
  check(text.length >= clients * edits - deletions && text.length <= clients * edits, `text length ${text.length}, expected ${clients * edits - deletions}..${clients * edits}`)
  ps.forEach((_, i) => {
    const count = [...text].filter(c => c === String.fromCharCode(65 + i)).length
    check(count <= edits && count >= edits - deletions, `client ${i}'s letter occurs ${count} times`)
  })
  ps.forEach((p, i) => check(ps[0].document.getMap('map').get(`client${i}`) === edits - 1, `client ${i}'s last map value missing`))
  for (const p of ps) p.destroy()
  for (const s of sockets) s.destroy()
  return { length: text.length }
})
