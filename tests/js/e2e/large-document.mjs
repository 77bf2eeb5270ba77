// A 1 MB document: one client writes more than 1 MB (a 1 MiB text in one update plus a 256 KiB binary value and
// many small items), a connected client receives it live, a late joiner receives it in its initial sync, and a
// small edit afterwards still flows both ways.

import { scenario, run, step, provider, synced, acknowledged, waitFor, check, Y } from './lib.mjs'

const { url, doc: name } = scenario('large-document', { timeout: 60000 })
const MiB = 1024 * 1024

function pattern (length) {
  const chunk = 'The quick brown fox jumps over the lazy dog 0123456789. '
  return chunk.repeat(Math.ceil(length / chunk.length)).slice(0, length)
}

run(async () => {
  step('two clients')
  const a = provider({ url, name })
  const b = provider({ url, name })
  await synced(a)
  await synced(b)

  step('A writes more than 1 MB')
  const text = pattern(MiB)
  const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256)
  a.document.getText('text').insert(0, text)
  a.document.getMap('map').set('blob', bytes)
  a.document.transact(() => {
    const list = a.document.getArray('list')
    for (let i = 0; i < 5000; i++) list.push([`item ${i}`])
  })
  const size = Y.encodeStateAsUpdate(a.document).length
  check(size > MiB, `the document is only ${size} bytes`)
  await acknowledged(a, 30000)

  step('B receives it live')
  await waitFor('B to receive the 1 MiB text', () => b.document.getText('text').length === MiB, 30000)
  check(b.document.getText('text').toString() === text, 'B\'s text differs')
  await waitFor('B to receive the blob and the list', () => b.document.getMap('map').get('blob')?.length === bytes.length && b.document.getArray('list').length === 5000, 30000)

  step('a late joiner receives it in its initial sync')
  const late = provider({ url, name })
  await synced(late, 30000)
  check(late.document.getText('text').toString() === text, 'the late joiner\'s text differs (length ' + late.document.getText('text').length + ')')
  check(Buffer.compare(Buffer.from(late.document.getMap('map').get('blob')), Buffer.from(bytes)) === 0, 'the late joiner\'s blob differs')
  check(late.document.getArray('list').length === 5000, 'the late joiner\'s list has ' + late.document.getArray('list').length)

  step('small edits still flow')
  late.document.getText('text').insert(0, 'HEAD ')
  await waitFor('A and B to receive the late joiner\'s edit', () => a.document.getText('text').length === MiB + 5 && b.document.getText('text').length === MiB + 5, 10000)
  check(a.document.getText('text').toString().startsWith('HEAD The quick'), 'edit misplaced')
  for (const p of [a, b, late]) p.destroy()
  return { bytes: size }
})
