// A replica dies (SIGKILL, by the test, after the phase "kill"): its client reconnects to another replica (as a
// load balancer would send it) with its document and goes on editing; nothing acknowledged is lost, the dead
// replica's awareness states disappear from the survivors, and a fresh client sees every edit.
// --urls ws://doomed,ws://survivor

import { scenario, run, step, option, phase, provider, synced, acknowledged, converged, check, waitFor, Y } from '../e2e/lib.mjs'

const { doc: name } = scenario('relay-failover', { timeout: 90000 })
const [doomed, survivor] = option('urls', null, '').split(',').filter(Boolean)

run(async () => {
  step('one client on each replica')
  const x = provider({ url: doomed, name })
  const y = provider({ url: survivor, name })
  await synced(x)
  await synced(y)
  x.setAwarenessField('user', { name: 'X' })
  await waitFor('Y to see X', () => [...y.awareness.getStates().values()].some(s => s.user?.name === 'X'))

  step('X edits on the doomed replica and is acknowledged')
  for (let i = 0; i < 20; i++) x.document.getText('text').insert(x.document.getText('text').length, `<x${i}>`)
  y.document.getText('text').insert(0, '<y0>')
  await acknowledged(x)
  await acknowledged(y)
  const acknowledgedText = x.document.getText('text').toString()
  phase('kill')

  step('the doomed replica dies; X keeps editing offline')
  await waitFor('X to notice', () => x.configuration.websocketProvider.status !== 'connected', 20000)
  x.configuration.websocketProvider.shouldConnect = false
  const document = x.document
  document.getText('text').insert(document.getText('text').length, '<x-offline>')
  const xId = document.clientID
  x.destroy()

  step('Y sees X\'s awareness removed once the dead replica is gone')
  await waitFor('X\'s awareness to disappear on the survivor', () => !y.awareness.getStates().has(xId), 20000)

  step('X reconnects to the survivor with its document')
  const x2 = provider({ url: survivor, name, document })
  await synced(x2)
  await converged('X and Y to converge on the survivor', [x2.document, y.document], { text: Y.Text })
  await acknowledged(x2)

  step('a fresh client sees everything')
  const z = provider({ url: survivor, name })
  await synced(z)
  const text = z.document.getText('text').toString()
  check([...acknowledgedText.matchAll(/<x\d+>/g)].every(m => text.includes(m[0])), 'acknowledged edits lost: ' + text)
  check(text.includes('<x-offline>') && text.includes('<y0>'), 'edits lost: ' + text)
  ;[x2, y, z].forEach(p => p.destroy())
  return { length: text.length }
})
