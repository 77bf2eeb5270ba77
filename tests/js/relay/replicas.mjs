// Real clients on different replicas of one Collab deployment (relayed through Kafka, Redis or in-process).
// --urls ws://a,ws://b[,ws://c]   the replicas' Hocuspocus endpoints (y-websocket: {url}/yws)
// --case converge | awareness | stateless | late-joiner | mixed-clients
// Prints one JSON result line (see ../e2e/lib.mjs).

import {
  scenario, run, step, option, provider, ywsProvider, synced, acknowledged, converged, snapshot, check, waitFor, Y
} from '../e2e/lib.mjs'

const which = option('case', null, 'converge')
const { doc: name } = scenario(`relay-${which}`, { timeout: 60000 })
const urls = option('urls', null, '').split(',').filter(Boolean)
if (urls.length < 2) throw new Error('--urls needs at least two replicas')
const yws = url => url.replace(/\/$/, '') + '/yws'
const schema = { text: Y.Text, array: Y.Array, map: Y.Map, xml: Y.XmlFragment }

function edit (doc, label) {
  doc.transact(() => {
    const text = doc.getText('text')
    text.insert(0, `[${label}] `, { author: label })
    text.insert(text.length, ` ${label}-bold`, { bold: true })
    doc.getArray('array').push([label, { from: label }])
    doc.getMap('map').set(label, { at: label, list: [1, 2, 3] })
    const nested = new Y.Text()
    doc.getMap('map').set(`${label}-text`, nested)
    nested.insert(0, `nested ${label}`, { italic: true })
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.setAttribute('data-author', label)
    const words = new Y.XmlText()
    words.insert(0, `xml from ${label}`, { strong: true })
    paragraph.insert(0, [words])
    doc.getXmlFragment('xml').push([paragraph])
  })
}

const cases = {
  // One provider per replica edits every type at once; all converge, and later edits (deletes, formats) too.
  async converge () {
    step('connect one provider per replica')
    const providers = urls.map(url => provider({ url, name }))
    for (const p of providers) await synced(p)
    step('concurrent edits of every type on every replica')
    providers.forEach((p, i) => edit(p.document, `r${i}`))
    await converged('every replica\'s clients to converge', providers.map(p => p.document), schema, 20000)
    step('deletes and formatting on two replicas')
    providers[0].document.getText('text').delete(0, 5)
    providers[1].document.getText('text').format(0, 3, { bold: null, underline: true })
    providers[1].document.getXmlFragment('xml').get(0).setAttribute('align', 'right')
    await converged('every replica\'s clients to converge again', providers.map(p => p.document), schema, 20000)
    for (const p of providers) await acknowledged(p)
    const picture = snapshot(providers[0].document, schema)
    check(picture.xml.fragment.length === urls.length, 'xml paragraphs missing: ' + JSON.stringify(picture.xml))
    providers.forEach(p => p.destroy())
    return { replicas: urls.length, bytes: Y.encodeStateAsUpdate(providers[0].document).length }
  },

  // Awareness crosses replicas, and a client that leaves is removed on the other replicas.
  async awareness () {
    step('connect on two replicas')
    const a = provider({ url: urls[0], name })
    const b = provider({ url: urls[1], name })
    await synced(a)
    await synced(b)
    a.setAwarenessField('user', { name: 'Ada', color: '#f00' })
    b.setAwarenessField('user', { name: 'Bob', color: '#00f' })
    step('each sees the other')
    await waitFor('B to see Ada', () => [...b.awareness.getStates().values()].some(s => s.user?.name === 'Ada'))
    await waitFor('A to see Bob', () => [...a.awareness.getStates().values()].some(s => s.user?.name === 'Bob'))
    step('a cursor move crosses')
    a.setAwarenessField('cursor', { anchor: 7 })
    await waitFor('B to see the cursor', () => [...b.awareness.getStates().values()].some(s => s.cursor?.anchor === 7))
    step('A leaves; B sees it removed')
    const aId = a.document.clientID
    a.destroy()
    await waitFor('Ada to disappear on B', () => !b.awareness.getStates().has(aId), 15000)
    b.destroy()
    return {}
  },

  // A stateless broadcast from a client's replica reaches clients of the others (server-side broadcast hook).
  async stateless () {
    step('connect on every replica')
    const providers = urls.map(url => provider({ url, name }))
    for (const p of providers) await synced(p)
    step('send stateless through replica 0')
    providers[0].sendStateless('broadcast:hello replicas')
    for (const [i, p] of providers.entries()) {
      await waitFor(`replica ${i}'s client to get the broadcast`, () => p.events.stateless.some(s => s.includes('hello replicas')))
    }
    await new Promise(resolve => setTimeout(resolve, 500))
    const counts = providers.map(p => p.events.stateless.filter(s => s.includes('hello replicas')).length)
    check(counts.every(c => c === 1), 'a broadcast arrived more than once: ' + JSON.stringify(counts))
    providers.forEach(p => p.destroy())
    return { counts }
  },

  // What was written on replica A is there for a client joining on replica B, which never loaded the document.
  async 'late-joiner' () {
    step('write on replica 0')
    const a = provider({ url: urls[0], name })
    await synced(a)
    edit(a.document, 'early')
    await acknowledged(a)
    step('join on replica 1 (first load there)')
    const b = provider({ url: urls[1], name })
    await synced(b)
    check(b.document.getText('text').toString().includes('[early]'), 'replica 1 served the document without replica 0\'s edits: ' + b.document.getText('text').toString())
    await converged('the joiner to match', [a.document, b.document], schema)
    step('a brand-new document on replica 1 is live on replica 0 at once')
    const fresh = `${name}-fresh`
    const c = provider({ url: urls[1], name: fresh })
    const d = provider({ url: urls[0], name: fresh })
    await synced(c)
    await synced(d)
    c.document.getText('text').insert(0, 'new document')
    await waitFor('the new document\'s edit to cross', () => d.document.getText('text').toString() === 'new document', 5000)
    ;[a, b, c, d].forEach(p => p.destroy())
    return {}
  },

  // Hocuspocus and y-websocket clients on different replicas edit one document.
  async 'mixed-clients' () {
    step('a Hocuspocus provider on replica 0, a y-websocket client on replica 1')
    const a = provider({ url: urls[0], name })
    const y = ywsProvider({ yws: yws(urls[1]), name })
    await synced(a)
    await waitFor('the y-websocket client to sync', () => y.synced)
    edit(a.document, 'hocuspocus')
    edit(y.doc, 'ywebsocket')
    await converged('both clients to converge', [a.document, y.doc], schema, 20000)
    a.destroy()
    y.destroy()
    return {}
  }
}

run(async () => {
  const body = cases[which]
  if (!body) throw new Error(`unknown case ${which}`)
  return body()
})
