// Two Hocuspocus providers edit every Yjs type (Text with formatting and embeds, Array, Map, XmlFragment with
// XmlElement and XmlText, nested types) concurrently and end with identical documents.

import { scenario, run, step, provider, synced, acknowledged, converged, snapshot, check, Y } from './lib.mjs'

const { url, doc: name } = scenario('sync-all-types')

const schema = { text: Y.Text, array: Y.Array, map: Y.Map, xml: Y.XmlFragment }

function writeA (doc) {
  doc.transact(() => {
    const text = doc.getText('text')
    text.insert(0, 'Hello world, ')
    text.insert(text.length, 'bold', { bold: true })
    text.insert(text.length, ' and ')
    text.insert(text.length, 'link', { link: 'https://example.org', italic: true })
    text.insertEmbed(text.length, { image: 'cat.png' })
    text.format(0, 5, { color: '#ff0000' })

    const array = doc.getArray('array')
    array.insert(0, [1, 2.5, 'three', true, null, { nested: ['json'] }, new Uint8Array([1, 2, 3])])
    const inner = new Y.Map()
    inner.set('kind', 'map in array')
    array.push([inner])

    const map = doc.getMap('map')
    map.set('string', 'value')
    map.set('number', 42)
    map.set('bigint', 2n ** 60n)
    map.set('bool', false)
    map.set('null', null)
    map.set('object', { a: 1, b: [true, 'x'] })
    map.set('bytes', new Uint8Array([255, 0, 128]))
    const nestedText = new Y.Text()
    map.set('text', nestedText)
    nestedText.insert(0, 'nested text', { underline: true })
    const nestedArray = new Y.Array()
    map.set('list', nestedArray)
    nestedArray.push(['a', 'b'])
    const deeper = new Y.Map()
    nestedArray.push([deeper])
    deeper.set('depth', 3)

    const xml = doc.getXmlFragment('xml')
    const paragraph = new Y.XmlElement('paragraph')
    paragraph.setAttribute('align', 'center')
    const words = new Y.XmlText()
    words.insert(0, 'rich ')
    words.insert(5, 'xml', { strong: true })
    paragraph.insert(0, [words])
    const heading = new Y.XmlElement('heading')
    heading.setAttribute('level', '2')
    heading.insert(0, [new Y.XmlText('Title')])
    const list = new Y.XmlElement('bulletList')
    const item = new Y.XmlElement('listItem')
    item.insert(0, [new Y.XmlText('item one')])
    list.insert(0, [item])
    xml.insert(0, [heading, paragraph, list])
  })
}

function writeB (doc) {
  doc.transact(() => {
    doc.getText('text').insert(0, '[B] ', { author: 'b' })
    doc.getArray('array').insert(0, ['from B'])
    doc.getMap('map').set('fromB', { ok: true })
    const xml = doc.getXmlFragment('xml')
    const quote = new Y.XmlElement('blockquote')
    quote.insert(0, [new Y.XmlText('B was here')])
    xml.push([quote])
  })
}

run(async () => {
  step('connect two providers')
  const a = provider({ url, name })
  const b = provider({ url, name })
  await synced(a)
  await synced(b)

  step('concurrent edits of every type')
  writeA(a.document)
  writeB(b.document)
  await converged('both documents to converge', [a.document, b.document], schema)

  step('edits after convergence (delete, re-format, nested changes)')
  a.document.transact(() => {
    const text = a.document.getText('text')
    text.delete(0, 4)
    text.format(0, 5, { color: null, bold: true })
    a.document.getMap('map').get('text').insert(0, '>> ')
    a.document.getMap('map').delete('null')
    a.document.getArray('array').delete(1, 2)
  })
  b.document.transact(() => {
    const xml = b.document.getXmlFragment('xml')
    xml.get(1).setAttribute('align', 'left')
    xml.get(0).get(0).insert(5, ' (edited)')
    b.document.getMap('map').get('list').get(2).set('depth', 4)
  })
  await converged('both documents to converge again', [a.document, b.document], schema)
  await acknowledged(a)
  await acknowledged(b)

  const picture = snapshot(a.document, schema)
  check(picture.text.text.some(op => op.attributes?.bold), 'formatting lost')
  check(picture.xml.fragment.length === 4, 'xml children missing: ' + JSON.stringify(picture.xml))
  check(picture.map.map.list.array[2].map.depth === 4, 'nested map edit missing')
  check(a.document.getMap('map').get('bigint') === 2n ** 60n, 'bigint lost')
  const xmlString = a.document.getXmlFragment('xml').toString()
  check(xmlString === b.document.getXmlFragment('xml').toString(), 'xml strings differ')
  a.destroy()
  b.destroy()
  return { bytes: Y.encodeStateAsUpdate(a.document).length, xml: xmlString }
})
