// Session-aware multiplexing (Hocuspocus 4): with sessionAwareness: true, two providers for the SAME document
// share one socket (addresses "name\0sessionId"); each gets its own sync, awareness and stateless replies, and
// both converge with a provider on another socket.

import { scenario, run, step, provider, socket, synced, acknowledged, converged, waitFor, Y } from './lib.mjs'

const { url, doc: name } = scenario('session-awareness')
const schema = { text: Y.Text }

run(async () => {
  step('two session-aware providers of one document on one socket, a third on its own socket')
  const shared = socket(url)
  const first = provider({ name, websocketProvider: shared, sessionAwareness: true })
  const second = provider({ name, websocketProvider: shared, sessionAwareness: true })
  const other = provider({ url, name })
  for (const p of [first, second, other]) await synced(p)

  step('edits from each converge everywhere')
  first.document.getText('text').insert(0, 'first ')
  second.document.getText('text').insert(0, 'second ')
  other.document.getText('text').insert(0, 'other ')
  await converged('all three to converge', [first.document, second.document, other.document], schema)
  for (const p of [first, second, other]) await acknowledged(p)

  step('awareness and stateless replies are per session')
  first.setAwarenessField('user', { name: 'first' })
  second.setAwarenessField('user', { name: 'second' })
  await waitFor('the other socket to see both sessions', () =>
    other.awareness.getStates().get(first.document.clientID)?.user?.name === 'first' &&
    other.awareness.getStates().get(second.document.clientID)?.user?.name === 'second')
  await waitFor('each session to see the other', () =>
    first.awareness.getStates().get(second.document.clientID)?.user?.name === 'second' &&
    second.awareness.getStates().get(first.document.clientID)?.user?.name === 'first')
  first.sendStateless('to first')
  second.sendStateless('to second')
  await waitFor('each session to get its own echo', () => first.events.stateless.includes('echo:to first') && second.events.stateless.includes('echo:to second'))
  if (first.events.stateless.includes('echo:to second') || second.events.stateless.includes('echo:to first')) throw new Error('an echo reached the wrong session')

  step('destroying one session leaves the other working')
  first.destroy()
  await waitFor('the other socket to see the first session leave', () => !other.awareness.getStates().has(first.document.clientID))
  other.document.getText('text').insert(0, 'later ')
  await waitFor('the remaining session to receive live updates', () => second.document.getText('text').toString().startsWith('later '))
  second.destroy()
  other.destroy()
  shared.destroy()
  return {}
})
