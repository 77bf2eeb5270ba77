// Awareness: states appear at the other clients, change, and disappear when a client disconnects (socket
// closed) or destroys its provider (in-band CLOSE on a socket that stays open).
// With --explicit-removal it also requires that a client clearing its own state (setLocalState(null)) disappears
// at once; the reference server drops such removals (docs/protocol.md Appendix B, B1), ours must honour them.

import { scenario, run, step, provider, socket, synced, waitFor, flag, check } from './lib.mjs'

const { url, doc: name } = scenario('awareness')
const explicitRemoval = flag('explicit-removal')

const stateOf = (p, other) => p.awareness.getStates().get(other.document.clientID)
const userOf = (p, other) => stateOf(p, other)?.user?.name

run(async () => {
  step('connect three clients (C shares its socket with a provider of another document)')
  const a = provider({ url, name })
  const b = provider({ url, name })
  const sharedSocket = socket(url)
  const c = provider({ name, websocketProvider: sharedSocket })
  const cSibling = provider({ name: name + '-sibling', websocketProvider: sharedSocket })
  for (const p of [a, b, c, cSibling]) await synced(p)

  step('states appear')
  a.setAwarenessField('user', { name: 'Alice', color: '#f00' })
  b.setAwarenessField('user', { name: 'Bob' })
  c.setAwarenessField('user', { name: 'Carol' })
  await waitFor('B and C to see Alice', () => userOf(b, a) === 'Alice' && userOf(c, a) === 'Alice')
  await waitFor('A and C to see Bob', () => userOf(a, b) === 'Bob' && userOf(c, b) === 'Bob')
  await waitFor('A and B to see Carol', () => userOf(a, c) === 'Carol' && userOf(b, c) === 'Carol')

  step('states change')
  a.setAwarenessField('cursor', { anchor: 3, head: 7 })
  await waitFor('B to see Alice\'s cursor', () => stateOf(b, a)?.cursor?.head === 7)

  step('a client clears its own state and sets a new one')
  b.awareness.setLocalState(null)
  if (explicitRemoval) {
    await waitFor('A and C to see Bob disappear after setLocalState(null)', () => stateOf(a, b) === undefined && stateOf(c, b) === undefined)
  }
  b.awareness.setLocalState({ user: { name: 'Bob again' } })
  await waitFor('A and C to see Bob\'s new state', () => userOf(a, b) === 'Bob again' && userOf(c, b) === 'Bob again')

  step('a client whose socket closes disappears')
  a.configuration.websocketProvider.disconnect()
  await waitFor('B and C to see Alice disappear after her socket closed', () => stateOf(b, a) === undefined && stateOf(c, a) === undefined)

  step('a client that destroys its provider on a socket that stays open disappears')
  c.destroy()
  await waitFor('B to see Carol disappear after her provider was destroyed', () => stateOf(b, c) === undefined)
  check(userOf(b, b) === 'Bob again', 'B lost its own state')

  step('the socket of the destroyed provider still serves its sibling')
  cSibling.setAwarenessField('user', { name: 'Sibling' })
  const watcher = provider({ url, name: name + '-sibling' })
  await synced(watcher)
  await waitFor('a newcomer to see the sibling\'s state (initial awareness on join)', () => userOf(watcher, cSibling) === 'Sibling')

  for (const p of [a, b, cSibling, watcher]) p.destroy()
  sharedSocket.destroy()
  return { explicitRemoval }
})
