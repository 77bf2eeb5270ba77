// Document names are taken as they are: Unicode, spaces, slashes, colons, very long names, and names that only
// differ in case or by a trailing space are distinct documents, all multiplexed over one socket.

import { scenario, run, step, provider, socket, synced, converged, check, Y } from './lib.mjs'

const { url, doc: base } = scenario('document-names')
const schema = { text: Y.Text }
const suffixes = ['äöü', 'with space', 'with/slash', '🌟', ':', '*', 'Case', 'case', 'case ', 'x'.repeat(200), 'quote"\'', 'new\nline']

run(async () => {
  step('one provider per name on each of two sockets')
  const names = suffixes.map(suffix => `${base}-${suffix}`)
  const socketA = socket(url)
  const socketB = socket(url)
  const as = names.map(name => provider({ name, websocketProvider: socketA }))
  const bs = names.map(name => provider({ name, websocketProvider: socketB }))
  for (const p of [...as, ...bs]) await synced(p)

  step('each document gets its own content')
  names.forEach((name, i) => as[i].document.getText('text').insert(0, `content of ${JSON.stringify(name)}`))
  for (let i = 0; i < names.length; i++) await converged(`document ${JSON.stringify(names[i])} to converge`, [as[i].document, bs[i].document], schema)
  names.forEach((name, i) => check(bs[i].document.getText('text').toString() === `content of ${JSON.stringify(name)}`, `document ${JSON.stringify(name)} has ${bs[i].document.getText('text').toString()}`))

  for (const p of [...as, ...bs]) p.destroy()
  socketA.destroy()
  socketB.destroy()
  return { names: names.length }
})
