// Clients on two replicas keep editing while the relay is down (the test takes the brokers down after the phase
// "editing" and brings them back), then everything converges with every edit present and acknowledged.
// --urls ws://a,ws://b  --seconds <editing time>  --interval <ms between edits per client>

import { scenario, run, step, option, phase, provider, synced, acknowledged, converged, check, waitFor, sleep, Y } from '../e2e/lib.mjs'

const seconds = Number(option('seconds', null, '40'))
const interval = Number(option('interval', null, '250'))
const { doc: name } = scenario('relay-outage', { timeout: (seconds + 90) * 1000 })
const urls = option('urls', null, '').split(',').filter(Boolean)

run(async () => {
  step('connect one provider per replica')
  const providers = urls.map(url => provider({ url, name }))
  for (const p of providers) await synced(p)
  await converged('the empty start', providers.map(p => p.document))

  step('edit on every replica while the relay goes down and comes back')
  const written = providers.map(() => [])
  phase('editing')
  const until = Date.now() + seconds * 1000
  let round = 0
  while (Date.now() < until) {
    providers.forEach((p, i) => {
      const token = `<${i}:${round}>`
      p.document.transact(() => {
        p.document.getText('text').insert(p.document.getText('text').length, token)
        p.document.getMap('map').set(`${i}:${round}`, round)
      })
      written[i].push(token)
    })
    round++
    await sleep(interval)
  }
  phase('edited', { rounds: round })

  step('every replica converges with every edit')
  await converged('the documents to converge after the outage', providers.map(p => p.document), { text: Y.Text, map: Y.Map }, 60000)
  const text = providers[0].document.getText('text').toString()
  const missing = written.flat().filter(token => !text.includes(token))
  check(missing.length === 0, `${missing.length} edits lost, e.g. ${missing.slice(0, 5).join(' ')}`)
  check(providers[0].document.getMap('map').size === written.flat().length, 'map entries lost')
  for (const p of providers) await acknowledged(p, 30000)

  step('a client joining afterwards sees everything on every replica')
  const late = urls.map(url => provider({ url, name }))
  for (const p of late) await synced(p)
  await waitFor('late joiners to have every edit', () => late.every(p => written.flat().every(t => p.document.getText('text').toString().includes(t))), 20000)
  ;[...providers, ...late].forEach(p => p.destroy())
  return { edits: written.flat().length, rounds: round }
})
