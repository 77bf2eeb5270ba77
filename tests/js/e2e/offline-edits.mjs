// Reconnect with offline edits: a client goes offline, both sides keep editing (text, map, array, xml), the
// client reconnects, and everybody converges with every edit kept; a second offline round trip works as well.

import { scenario, run, step, provider, synced, acknowledged, converged, goOffline, goOnline, check, Y } from './lib.mjs'

const { url, doc: name } = scenario('offline-edits')
const schema = { text: Y.Text, map: Y.Map, list: Y.Array, xml: Y.XmlFragment }

run(async () => {
  step('two clients share a base state')
  const a = provider({ url, name })
  const b = provider({ url, name })
  await synced(a)
  await synced(b)
  a.document.getText('text').insert(0, 'base text')
  await converged('the base state to reach both', [a.document, b.document], schema)

  step('A goes offline; both edit')
  await goOffline(a)
  for (let i = 0; i < 50; i++) a.document.getText('text').insert(0, `a${i} `)
  a.document.getMap('map').set('offline', 'A')
  a.document.getArray('list').push(['A offline'])
  a.document.getXmlFragment('xml').push([new Y.XmlText('from A offline')])
  a.document.getText('text').delete(a.document.getText('text').length - 4, 4)
  b.document.getText('text').insert(4, ' (B online)')
  b.document.getMap('map').set('online', 'B')
  b.document.getArray('list').push(['B online'])
  await acknowledged(b)

  step('A reconnects; both converge with every edit')
  await goOnline(a)
  await converged('A and B to converge after the reconnect', [a.document, b.document], schema)
  await acknowledged(a)
  const text = b.document.getText('text').toString()
  check(text.includes('a49 ') && text.includes('a0 ') && text.includes('(B online)') && !text.endsWith('text'), 'merged text ' + text)
  check(b.document.getMap('map').get('offline') === 'A' && a.document.getMap('map').get('online') === 'B', 'map entries missing')
  check(b.document.getArray('list').length === 2, 'list ' + JSON.stringify(b.document.getArray('list').toArray()))

  step('B goes offline and back while A edits')
  await goOffline(b)
  b.document.getText('text').insert(0, 'B was offline. ')
  a.document.getText('text').insert(0, 'A meanwhile. ')
  await acknowledged(a)
  await goOnline(b)
  await converged('A and B to converge after the second reconnect', [a.document, b.document], schema)
  await acknowledged(b)

  step('a third client sees the merged server state')
  const c = provider({ url, name })
  await synced(c)
  await converged('a late joiner to see the merged state', [a.document, c.document], schema)
  for (const p of [a, b, c]) p.destroy()
  return { length: text.length }
})
