// Many documents over one shared socket: one HocuspocusProviderWebsocket carries several HocuspocusProviders
// (one per document) for each of two clients; every document converges and no content leaks between them.

import { scenario, run, step, provider, socket, synced, acknowledged, converged, check, Y } from './lib.mjs'

const { url, doc: base } = scenario('shared-socket')
const count = 8
const schema = { text: Y.Text, list: Y.Array }

run(async () => {
  step('two sockets, each shared by one provider per document')
  const socketA = socket(url)
  const socketB = socket(url)
  const names = Array.from({ length: count }, (_, i) => `${base}-${i}`)
  const as = names.map(name => provider({ name, websocketProvider: socketA }))
  const bs = names.map(name => provider({ name, websocketProvider: socketB }))
  for (const p of [...as, ...bs]) await synced(p)

  step('edit every document from both sides')
  names.forEach((name, i) => {
    as[i].document.getText('text').insert(0, `A wrote in ${name}. `)
    bs[i].document.getArray('list').push([`B item ${i}`])
  })
  for (let i = 0; i < count; i++) {
    await converged(`document ${names[i]} to converge`, [as[i].document, bs[i].document], schema)
  }
  for (const p of [...as, ...bs]) await acknowledged(p)

  step('no document sees another one\'s content')
  names.forEach((name, i) => {
    check(bs[i].document.getText('text').toString() === `A wrote in ${name}. `, `document ${name} has text ${bs[i].document.getText('text').toString()}`)
    check(JSON.stringify(as[i].document.getArray('list').toArray()) === JSON.stringify([`B item ${i}`]), `document ${name} has list ${JSON.stringify(as[i].document.getArray('list').toArray())}`)
  })

  step('detaching one provider leaves the others on the socket working')
  as[0].destroy()
  bs[1].document.getText('text').insert(0, 'still live: ')
  await converged(`document ${names[1]} to converge after a sibling left`, [as[1].document, bs[1].document], schema)

  const sockets = new Set(as.slice(1).map(p => p.configuration.websocketProvider))
  check(sockets.size === 1, 'providers of client A did not share one socket')
  for (const p of [...as.slice(1), ...bs]) p.destroy()
  socketA.destroy()
  socketB.destroy()
  return { documents: count }
})
